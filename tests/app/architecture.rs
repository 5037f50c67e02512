//! The layers of `src/` point one way (docs/ARCHITECTURE.md): every `crate::…` and `super::…`
//! path of every source file is read, mapped to its layer, and an import from a lower layer to a
//! higher one, an import between `api` and `pages`, or a loop between parts fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The parts of the server, lowest layer first. A path belongs to the longest prefix listed.
const LAYERS: &[&[&str]] = &[
    // Pure logic and value types: no database, no HTTP.
    &["domain", "verify", "tally", "review", "settings"],
    // Errors and their two renderings; file formats in and out; the demo data; logging set-up.
    &["error", "telemetry", "import", "export", "demo"],
    // Queries over any connection or transaction, and the share writer.
    &["db"],
    // What the shared state holds, defined below it.
    &["identity", "observability"],
    // The shared state every request, service and command may use.
    &["state"],
    // Who is calling, and the guard every route passes.
    &["auth"],
    // One function per job, called alike by the API, the pages and the command line.
    &["service"],
    // The two faces of the service; they never import each other.
    &["api", "pages"],
    // The top: every route with its middleware, and the command line.
    &["router", "cli"],
    &["main", "lib"],
];

/// Parts of one layer that must not import each other in either direction.
const NEVER: &[(&str, &str)] = &[("api", "pages"), ("pages", "api")];

/// One import that breaks the layering.
#[derive(Debug, PartialEq, Eq)]
struct Violation {
    file: String,
    from: String,
    to: String,
    why: &'static str,
}

fn part_of(module: &str) -> Option<(&'static str, usize)> {
    let mut best: Option<(&'static str, usize)> = None;
    for (layer, parts) in LAYERS.iter().enumerate() {
        for part in parts.iter() {
            let matches = module == *part || module.starts_with(&format!("{part}::"));
            if matches && best.is_none_or(|(b, _)| part.len() > b.len()) {
                best = Some((part, layer));
            }
        }
    }
    best
}

/// `src/auth/user.rs` → `identity::user`; `src/auth/mod.rs` → `auth`.
fn module_of(relative: &Path) -> String {
    let mut segments: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|s| s == "mod") {
        segments.pop();
    }
    segments.join("::")
}

/// The module paths a file refers to (`crate::a::b`, `crate::{a, b::c}`, `super::x`).
fn references(module: &str, source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.trim_start();
        // Comments, and the `use super::*` of a file's own test module.
        if code.starts_with("//") || code.starts_with("use super::*") {
            continue;
        }
        for (index, _) in code.match_indices("crate::") {
            let preceded = code[..index]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !preceded {
                collect_paths(&code[index + "crate::".len()..], String::new(), &mut found);
            }
        }
        for (index, _) in code.match_indices("super::") {
            let preceded = code[..index]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if preceded {
                continue;
            }
            let mut rest = &code[index..];
            let mut base: Vec<&str> = module.split("::").collect();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
            collect_paths(rest, base.join("::"), &mut found);
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` at the start of `text` into full paths under `prefix`.
fn collect_paths(text: &str, prefix: String, found: &mut BTreeSet<String>) {
    let ident_end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(text.len());
    let head = text[..ident_end].trim_end_matches(':');
    let path = match (prefix.is_empty(), head.is_empty()) {
        (true, _) => head.to_owned(),
        (false, true) => prefix,
        (false, false) => format!("{prefix}::{head}"),
    };
    let rest = &text[ident_end..];
    if (ident_end == 0 || text[..ident_end].ends_with("::")) && rest.starts_with('{') {
        let mut depth = 0usize;
        let mut item_start = 1;
        for (i, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' | ',' if depth == 1 => {
                    let item = rest[item_start..i].trim();
                    if !item.is_empty() && item != "self" {
                        collect_paths(item, path.clone(), found);
                    } else if item == "self" {
                        found.insert(path.clone());
                    }
                    item_start = i + 1;
                    if c == '}' {
                        return;
                    }
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    } else if !path.is_empty() {
        found.insert(path);
    }
}

/// Every layering violation among the given files (`(path under src/, contents)`).
fn violations(files: &[(PathBuf, String)]) -> Vec<Violation> {
    let mut found = Vec::new();
    let mut edges: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    for (path, source) in files {
        let module = module_of(path);
        let Some((from, from_layer)) = part_of(&module) else {
            found.push(Violation {
                file: path.display().to_string(),
                from: module,
                to: String::new(),
                why: "this part is in no layer: add it to LAYERS and docs/ARCHITECTURE.md",
            });
            continue;
        };
        for reference in references(&module, source) {
            let Some((to, to_layer)) = part_of(&reference) else {
                continue; // a crate-root item such as a macro
            };
            if to == from {
                continue;
            }
            let why = if to_layer > from_layer {
                Some("imports a higher layer")
            } else if NEVER.contains(&(from, to)) {
                Some("api and pages never import each other")
            } else {
                None
            };
            if let Some(why) = why {
                found.push(Violation {
                    file: path.display().to_string(),
                    from: from.to_owned(),
                    to: to.to_owned(),
                    why,
                });
            }
            edges.entry(from).or_default().insert(to);
        }
    }
    for (from, to) in loops(&edges) {
        found.push(Violation {
            file: String::new(),
            from: from.to_owned(),
            to: to.to_owned(),
            why: "parts of one layer import each other in a loop",
        });
    }
    found
}

/// Edges that close a loop among the parts (each loop reported once per edge in it).
fn loops(
    edges: &BTreeMap<&'static str, BTreeSet<&'static str>>,
) -> Vec<(&'static str, &'static str)> {
    let reaches = |start: &'static str, goal: &'static str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(at) = stack.pop() {
            if at == goal {
                return true;
            }
            if seen.insert(at) {
                stack.extend(edges.get(at).into_iter().flatten().copied());
            }
        }
        false
    };
    edges
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (*from, *to)))
        .filter(|(from, to)| reaches(to, from))
        .collect()
}

fn source_files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).expect("src/ is readable");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file is UTF-8");
                let relative = path.strip_prefix(root).expect("under src/").to_path_buf();
                files.push((relative, text));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn the_layers_of_src_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = source_files(&root);
    assert!(files.len() > 100, "read {} files", files.len());
    let found = violations(&files);
    assert!(
        found.is_empty(),
        "imports against docs/ARCHITECTURE.md:\n{}",
        found
            .iter()
            .map(|v| format!("  {} : {} -> {} ({})", v.file, v.from, v.to, v.why))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn an_upward_import_fails_the_check() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let files = vec![
        file(
            "db/people.rs",
            "use crate::{domain::names, api::json::ApiJson};\n",
        ),
        file(
            "service/x.rs",
            "use crate::db;\nuse crate::state::AppState;\n",
        ),
        file("api/x.rs", "use super::super::pages::render;\n"),
        file(
            "verify/x.rs",
            "// crate::service is only named in a comment\n",
        ),
        file("state.rs", "fn f() { crate::router::build_router(); }\n"),
    ];
    let found = violations(&files);
    let pairs: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|v| (v.from.as_str(), v.to.as_str(), v.why))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("db", "api", "imports a higher layer"),
            ("api", "pages", "api and pages never import each other"),
            ("state", "router", "imports a higher layer"),
        ]
    );
}

#[test]
fn a_loop_inside_a_layer_fails_the_check() {
    let file = |path: &str, text: &str| (PathBuf::from(path), text.to_owned());
    let files = vec![
        file("error/mod.rs", "use crate::export::Format;\n"),
        file("export/mod.rs", "use crate::error::AppError;\n"),
        file("import/mod.rs", "use crate::error::AppError;\n"),
    ];
    let mut found: Vec<(String, String)> = violations(&files)
        .into_iter()
        .map(|v| (v.from, v.to))
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            ("error".to_owned(), "export".to_owned()),
            ("export".to_owned(), "error".to_owned())
        ]
    );
}
