//! Property tests: normalisation and verification never panic, normalising
//! is idempotent and does not change the verdict, post checks are stable.

use std::sync::LazyLock;

use proptest::prelude::*;

use super::*;

/// The seed allowlist plus a few rules of every kind.
static ALLOWLIST: LazyLock<Allowlist> = LazyLock::new(|| {
    let mut rules =
        parse_rules_csv(include_str!("../../data/allowlist-seed.csv")).unwrap_or_default();
    let extra = [
        (RuleKind::Host, "www.example.vn"),
        (RuleKind::Prefix, "facebook.com/thongtinchinhphu"),
        (RuleKind::Prefix, "youtube.com/@vtv24/videos"),
        (RuleKind::Exclude, "spam.gov.vn"),
        (RuleKind::Exclude, "m.dienbien.gov.vn/rao-vat"),
    ];
    for (kind, pattern) in extra {
        if let Ok(rule) = Rule::new(kind, pattern, Category::Government, "x") {
            rules.push(rule);
        }
    }
    Allowlist::new(rules)
});

/// Strings that look like URLs, with the parts most likely to trip
/// normalisation: odd schemes, user info, IDN and IP hosts, www./m.,
/// trailing dots, ports, dot segments, escapes, tracking parameters.
fn url_like() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just(""),
        Just("https://"),
        Just("http://"),
        Just("HTTP://"),
        Just("//"),
        Just("ftp://"),
        Just("javascript:"),
        Just("https:"),
        Just("https:///"),
    ];
    let userinfo = prop_oneof![
        Just(""),
        Just(""),
        Just("u@"),
        Just("u:p@"),
        Just("@"),
        Just(":@")
    ];
    let label = prop_oneof![
        "[a-z0-9]{1,8}",
        "[a-zA-Z0-9_-]{0,5}",
        Just("xn--bniv-5y5ab0g".to_owned()),
        Just("bộnộivụ".to_owned()),
        Just("ĐIỆNBIÊN".to_owned()),
        "[0-9]{1,3}",
        Just("0x7f".to_owned()),
        "\\PC{1,3}",
    ];
    let host_prefix = prop_oneof![Just(""), Just(""), Just("www."), Just("m."), Just("www.m.")];
    let suffix = prop_oneof![
        Just(".gov.vn"),
        Just(".vn"),
        Just(".com"),
        Just(""),
        Just("gov.vn"),
        Just(".bit.ly"),
        Just(".facebook.com"),
    ];
    let host = (
        host_prefix,
        prop::collection::vec(label, 0..4),
        suffix,
        prop_oneof![Just(""), Just("."), Just("..")],
    )
        .prop_map(|(p, labels, s, dot)| format!("{p}{}{s}{dot}", labels.join(".")));
    let host = prop_oneof![
        4 => host,
        1 => Just("[::1]".to_owned()),
        1 => Just("127.0.0.1".to_owned()),
        1 => Just("2130706433".to_owned()),
        1 => Just("facebook.com".to_owned()),
        1 => Just("dienbien.gov.vn".to_owned()),
    ];
    let port = prop_oneof![
        Just(""),
        Just(""),
        Just(":80"),
        Just(":443"),
        Just(":8080"),
        Just(":"),
        Just(":0443")
    ];
    let segment = prop_oneof![
        "[a-zA-Z0-9_-]{1,6}",
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("%2e".to_owned()),
        Just("%2E%2e".to_owned()),
        Just("".to_owned()),
        Just("thongtinchinhphu".to_owned()),
        Just("rao-vat".to_owned()),
        Just("%zz".to_owned()),
        "\\PC{0,4}",
        "[ \\\\:@!$&'()*+,;=%]{1,3}",
    ];
    let path = prop::collection::vec(segment, 0..5).prop_map(|s| {
        if s.is_empty() {
            String::new()
        } else {
            format!("/{}", s.join("/"))
        }
    });
    let param_name = prop_oneof![
        Just("utm_source".to_owned()),
        Just("UTM_Campaign".to_owned()),
        Just("fbclid".to_owned()),
        Just("utm%5Fmedium".to_owned()),
        Just("id".to_owned()),
        Just("v".to_owned()),
        Just("story_fbid".to_owned()),
        Just("".to_owned()),
        "[a-z_+%]{1,6}",
        "\\PC{1,3}",
    ];
    let param =
        (param_name, prop::option::of("[a-zA-Z0-9%+=?/ ]{0,5}")).prop_map(|(n, v)| match v {
            Some(v) => format!("{n}={v}"),
            None => n,
        });
    let query = prop::option::of(prop::collection::vec(param, 0..4)).prop_map(|q| match q {
        Some(pieces) => format!("?{}", pieces.join("&")),
        None => String::new(),
    });
    let fragment = prop_oneof![Just(""), Just("#"), Just("#top"), Just("#a?b=c")];
    let space = prop_oneof![
        Just(""),
        Just(""),
        Just(" "),
        Just("\u{a0}\t"),
        Just("\u{200b}")
    ];
    (
        space.clone(),
        scheme,
        userinfo,
        host,
        port,
        path,
        query,
        fragment,
        space,
    )
        .prop_map(
            |(s1, scheme, user, host, port, path, query, fragment, s2)| {
                format!("{s1}{scheme}{user}{host}{port}{path}{query}{fragment}{s2}")
            },
        )
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), ".{0,40}", url_like()]
}

fn platform() -> impl Strategy<Value = Platform> {
    prop::sample::select(Platform::ALL.to_vec())
}

/// Post-like URLs on the platforms' hosts.
fn post_like() -> impl Strategy<Value = String> {
    let host = prop::sample::select(vec![
        "facebook.com",
        "www.facebook.com",
        "m.facebook.com",
        "l.facebook.com",
        "fb.watch",
        "tiktok.com",
        "vt.tiktok.com",
        "youtube.com",
        "youtu.be",
        "zalo.me",
        "oa.zalo.me",
        "x.com",
        "twitter.com",
        "instagram.com",
        "instagr.am",
        "example.vn",
    ]);
    let segment = prop_oneof![
        prop::sample::select(vec![
            "posts",
            "groups",
            "permalink",
            "share",
            "p",
            "r",
            "v",
            "reel",
            "reels",
            "watch",
            "videos",
            "photos",
            "photo.php",
            "story.php",
            "permalink.php",
            "@user",
            "video",
            "photo",
            "t",
            "shorts",
            "live",
            "status",
            "i",
            "web",
            "tv",
            "s",
        ])
        .prop_map(str::to_owned),
        "[0-9]{1,5}",
        "[a-zA-Z0-9_.-]{1,6}",
        Just(String::new()),
    ];
    let path = prop::collection::vec(segment, 0..5).prop_map(|s| s.join("/"));
    let query = prop::option::of(prop::collection::vec(
        (
            prop::sample::select(vec!["v", "id", "story_fbid", "fbid", "mibextid", "x"]),
            "[a-zA-Z0-9]{0,4}",
        )
            .prop_map(|(k, v)| format!("{k}={v}")),
        0..3,
    ))
    .prop_map(|q| q.map(|q| format!("?{}", q.join("&"))).unwrap_or_default());
    (
        prop_oneof![Just("https://"), Just(""), Just("http://")],
        host,
        path,
        query,
        prop_oneof![Just(""), Just("/")],
    )
        .prop_map(|(s, h, p, q, slash)| format!("{s}{h}/{p}{slash}{q}"))
}

/// `target` inside outbound-link wrappers, one per entry of `kinds`, innermost first.
fn wrapped(target: &str, kinds: &[usize]) -> String {
    kinds.iter().fold(target.to_owned(), |inner, kind| {
        let e: String = url::form_urlencoded::byte_serialize(inner.as_bytes()).collect();
        match kind % 6 {
            0 => format!("https://l.facebook.com/l.php?u={e}&h=AT0abc"),
            1 => format!("https://lm.facebook.com/l.php?h=AT1&u={e}"),
            2 => format!("https://www.google.com/url?q={e}&sa=D"),
            3 => format!("https://www.google.com.vn/url?sa=t&q=tin+tuc&url={e}"),
            4 => format!("http://google.com/url?url={e}"),
            _ => format!("HTTPS://Google.com.vn./url?q={e}"),
        }
    })
}

proptest! {
    // No failure persistence: it would write outside src/verify. Shrunk
    // failures are added to the example tables instead.
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES overrides the default of 2,000 for longer runs.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(2000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn normalising_is_idempotent(input in any_input()) {
        if let Ok(n) = normalize_source(&input) {
            prop_assert_eq!(normalize_source(&n.url), Ok(n.clone()), "input {:?}", input);
            prop_assert!(n.url.len() <= MAX_URL_BYTES);
            prop_assert!(n.url.starts_with("https://") || n.url.starts_with("http://"));
            prop_assert!(n.path.starts_with('/'));
            prop_assert!(!n.host.ends_with('.'));
            prop_assert!(!n.url.contains('#'));
            if let Some((_, query)) = n.url.split_once('?') {
                prop_assert!(!query.is_empty(), "empty query kept: {:?}", n.url);
            }
        }
    }

    #[test]
    fn verdict_survives_normalising(input in any_input()) {
        let v = verify_source(&ALLOWLIST, &input);
        prop_assert_eq!(v.is_accepted(), v.reason.is_none());
        prop_assert_eq!(v.rule.is_some(), v.is_accepted());
        if let Some(url) = &v.normalized {
            let again = verify_source(&ALLOWLIST, url);
            prop_assert_eq!(again.verdict, v.verdict, "input {:?}", input);
            prop_assert_eq!(again.reason, v.reason, "input {:?}", input);
            prop_assert_eq!(again.rule, v.rule, "input {:?}", input);
            prop_assert_eq!(&again.dedupe_key, &v.dedupe_key, "input {:?}", input);
        }
        // Serialising never fails.
        prop_assert!(serde_json::to_string(&v).is_ok());
    }

    #[test]
    fn a_wrapped_link_is_verified_as_its_target(
        input in url_like(),
        kinds in prop::collection::vec(0usize..6, 1..=MAX_UNWRAPS),
    ) {
        // Only an absolute http(s) address is a usable target; make every input one.
        let trimmed = input.trim_matches(|c: char| c.is_whitespace() || c == '\u{200b}');
        let lower = trimmed.to_ascii_lowercase();
        let target = if lower.starts_with("https://") || lower.starts_with("http://") {
            input.clone()
        } else {
            format!("https://{trimmed}")
        };
        let link = wrapped(&target, &kinds);
        prop_assume!(link.len() <= super::source::MAX_WRAPPER_BYTES);
        let bare = verify_source(&ALLOWLIST, &target);
        let v = verify_source(&ALLOWLIST, &link);
        prop_assert_eq!(v.verdict, bare.verdict, "link {:?}", link);
        prop_assert_eq!(v.reason, bare.reason, "link {:?}", link);
        prop_assert_eq!(v.rule, bare.rule, "link {:?}", link);
        prop_assert_eq!(&v.normalized, &bare.normalized, "link {:?}", link);
        prop_assert_eq!(&v.host, &bare.host, "link {:?}", link);
        prop_assert_eq!(&v.dedupe_key, &bare.dedupe_key, "link {:?}", link);
    }

    #[test]
    fn check_post_is_stable(p in platform(), input in prop_oneof![post_like(), any_input()]) {
        if let Ok(post) = check_post(p, &input) {
            prop_assert_eq!(check_post(p, &post.url), Ok(post.clone()), "input {:?}", input);
            prop_assert!(!post.key.is_empty());
            // The key has no scheme: nothing before its first '/' looks like `https:`
            // (a path may still contain "://", e.g. `gov.vn/a://`).
            let head = post.key.split('/').next().unwrap_or_default();
            prop_assert!(!head.contains(':'), "key {:?}", post.key);
        }
    }

    #[test]
    fn canonical_patterns_are_idempotent(
        kind in prop::sample::select(RuleKind::ALL.to_vec()),
        pattern in prop_oneof![url_like(), ".{0,30}"],
    ) {
        if let Ok(canonical) = Rule::canonical_pattern(kind, &pattern) {
            prop_assert_eq!(Rule::canonical_pattern(kind, &canonical), Ok(canonical.clone()), "pattern {:?}", pattern);
        }
    }

    #[test]
    fn csv_never_panics_and_round_trips(text in ".{0,200}", labels in prop::collection::vec("\\PC{1,12}", 1..5)) {
        let _ = parse_rules_csv(&text);
        let rules: Vec<Rule> = labels
            .iter()
            .enumerate()
            .filter_map(|(i, l)| Rule::new(RuleKind::Suffix, &format!("r{i}.vn"), Category::Press, l).ok())
            .collect();
        prop_assert_eq!(parse_rules_csv(&rules_to_csv(&rules)), Ok(rules));
    }
}
