//! Hostile and broken input at every route of the router's own table: malformed JSON, wrong
//! types, huge bodies, invalid UTF-8, control characters, very long strings, SQL and HTML
//! injection, Unicode look-alikes (Cyrillic `о` in `gоv.vn`), odd paths and queries, wrong
//! content types. Never a 5xx; an error answer is the JSON error under `/api/` and a page
//! elsewhere; nothing is stored. Text a user entered is HTML-escaped in pages. Plus the same
//! over a real socket for what only the wire can carry (bytes that are not UTF-8 in the
//! request line and headers).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// Tables that bad input must leave untouched. (The audit log is not among them: a refused
/// sign-in callback is audited by design, and reads that ignore junk parameters are audited as
/// the reads they are.)
const TABLES: [&str; 10] = [
    "shares",
    "tally_months",
    "api_tokens",
    "evaluation_policies",
    "evaluation_snapshots",
    "role_grants",
    "allowlist_rules",
    "units",
    "people",
    "identities",
];

async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut all = Vec::new();
    for table in TABLES {
        all.push((table, app.count(table).await));
    }
    all
}

const SQL: &str = "' OR '1'='1'; DROP TABLE shares; --";
const HTML: &str = "<script>alert('xss')</script><img src=x onerror=alert(1)>";
/// `dienbien.gоv.vn` with a Cyrillic `о` (U+043E).
const LOOKALIKE: &str = "https://dienbien.g\u{043e}v.vn/tin-tuc/1.html";

/// Values for path parameters that no route should accept.
const ODD_SEGMENTS: &[&str] = &[
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "%27%20OR%20%271%27%3D%271",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%FF%FE",
    "g%D0%BEv",
    "-1",
    "99999999999999999999999999",
    "1.5",
    "%E2%80%AE",
    "%0D%0ASet-Cookie:%20x=1",
];

/// Query strings no route should trip over.
const ODD_QUERIES: &[&str] = &[
    "year=abc",
    "year=99999999999999999999",
    "year=-2026",
    "year=2026&year=2027",
    "year=2026&month=13",
    "year=2026&month=0",
    "year=2026&format=%3Cscript%3E",
    "staff_code=%27%20OR%20%271%27%3D%271&year=2026",
    "staff_code=%00&year=2026",
    "unit=..%2F..&year=2026&format=json",
    "%zz=1",
    "year=%FF",
];

fn long(n: usize) -> String {
    "a".repeat(n)
}

/// JSON-ish bodies, each (content type, bytes).
fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    let j = "application/json";
    let mut out: Vec<(&'static str, Vec<u8>)> = vec![
        (j, b"{".to_vec()),
        (j, b"{\"source_url\":".to_vec()),
        (j, b"[1,2".to_vec()),
        (j, b"null".to_vec()),
        (j, b"\"just a string\"".to_vec()),
        (j, b"12345".to_vec()),
        (j, b"".to_vec()),
        (j, b"{\"unexpected\": true}".to_vec()),
        (
            j,
            json!({"source_url": 5, "platform": [], "post_url": {}, "shared_on": true})
                .to_string()
                .into_bytes(),
        ),
        (j, json!({"items": "not a list"}).to_string().into_bytes()),
        (j, json!({"items": [1, "x", null]}).to_string().into_bytes()),
        (j, json!({"url": 42}).to_string().into_bytes()),
        (
            j,
            json!({"name": 42, "read_only": "yes"})
                .to_string()
                .into_bytes(),
        ),
        (
            j,
            json!({"decision": "delete-everything", "reason": HTML, "ids": ["x"]})
                .to_string()
                .into_bytes(),
        ),
        (
            j,
            json!({"target": -1, "period_start": "31/31/2026"})
                .to_string()
                .into_bytes(),
        ),
        (j, json!({"target": "many"}).to_string().into_bytes()),
        // Not UTF-8 at all.
        (
            j,
            b"{\"source_url\":\"https://dienbien.gov.vn/\xff\xfe\",\"platform\":\"zalo\"}".to_vec(),
        ),
        // Deeply nested.
        (
            j,
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        ),
        // Wrong content types.
        ("text/plain", b"source_url=x".to_vec()),
        ("application/xml", b"<share/>".to_vec()),
        (
            "application/x-www-form-urlencoded",
            b"source_url=%FF%FE&platform=%3Cscript%3E&=&&==".to_vec(),
        ),
        (
            "application/x-www-form-urlencoded",
            format!("name={}", long(300_000)).into_bytes(),
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--".to_vec(),
        ),
    ];
    // Hostile text in every share field: nothing here may be stored.
    for text in [
        SQL,
        HTML,
        LOOKALIKE,
        "\u{0000}\u{0007}\u{001b}[31m",
        "\u{202e}nv.vog.neibneid//:sptth",
        &long(100_000),
    ] {
        out.push((
            j,
            json!({"source_url": text, "platform": "zalo"})
                .to_string()
                .into_bytes(),
        ));
        out.push((
            j,
            json!({"source_url": "https://dienbien.gov.vn/a", "platform": text})
                .to_string()
                .into_bytes(),
        ));
        out.push((j, json!({"source_url": "https://dienbien.gov.vn/b", "platform": "facebook", "post_url": text}).to_string().into_bytes()));
        out.push((j, json!({"source_url": "https://dienbien.gov.vn/c", "platform": "zalo", "shared_on": text}).to_string().into_bytes()));
        out.push((j, json!({"items": [{"source_url": text, "platform": "zalo"}], "url": text, "staff_code": text}).to_string().into_bytes()));
    }
    // Larger than LANTOA_MAX_BODY_BYTES (256 KiB).
    out.push((
        j,
        json!({"source_url": long(400_000), "platform": "zalo"})
            .to_string()
            .into_bytes(),
    ));
    out
}

/// Fills a route pattern's parameters with one odd value.
fn fill(pattern: &str, value: &str) -> String {
    let mut path = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        path.push_str(value);
        rest = &rest[close..];
    }
    path.push_str(rest);
    path
}

async fn send(
    app: &TestApp,
    method: &Method,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, String, String) {
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    let request = builder.body(Body::from(body)).expect("request builds");
    let response = tower::ServiceExt::oneshot(app.router.clone(), request)
        .await
        .expect("router answers");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        content_type,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// Never a 5xx; error answers in the service's shape.
fn check_shape(what: &str, path: &str, status: StatusCode, content_type: &str, body: &str) {
    assert!(
        !status.is_server_error(),
        "{what}: {status} (never a 5xx for bad input): {}",
        body.chars().take(300).collect::<String>()
    );
    if !(status.is_client_error()) {
        return;
    }
    if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics" {
        let json: Value = serde_json::from_str(body)
            .unwrap_or_else(|_| panic!("{what}: {status} is not JSON: {body:.200}"));
        assert!(
            json["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty())
                && json["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
            "{what}: {status} without the error shape: {json}"
        );
    } else {
        assert!(
            content_type.starts_with("text/html") || content_type.starts_with("application/json"),
            "{what}: {status} with {content_type}: {body:.200}"
        );
    }
}

both_databases!(
    every_route_survives_hostile_input_with_a_4xx_and_stores_nothing,
    |app| async move {
        let roster = format!("{ROSTER_CSV}DB005,Mùa A Páo,,SNV,,cong_chuc,2020-01-01,\n");
        app.seed_roster(UNITS_CSV, &roster).await;
        app.grant("DB005", "admin", None).await;
        app.grant("DB002", "unit_head", Some("XMP")).await;
        let admin = app.token_for("DB005").await;
        let staff = app.token_for("DB001").await;
        let before = counts(&app).await;
        let specs = lantoa::router::routes(&app.state).specs().to_vec();
        let bodies = bodies();
        let mut sent = 0usize;
        for spec in &specs {
            let method = &spec.method;
            // Routes of a feature not configured here (sign-in without a provider) answer 503
            // to everything; bad input has nothing to add there.
            if !spec.path.contains('{') {
                let (status, _, _) =
                    send(&app, method, spec.path, Some(&admin), None, Vec::new()).await;
                if status == StatusCode::SERVICE_UNAVAILABLE {
                    continue;
                }
            }
            let patterns: Vec<String> = if spec.path.contains('{') {
                ODD_SEGMENTS.iter().map(|v| fill(spec.path, v)).collect()
            } else {
                vec![spec.path.to_owned()]
            };
            for path in &patterns {
                for token in [Some(admin.as_str()), Some(staff.as_str()), None] {
                    let (status, ct, body) =
                        send(&app, method, path, token, None, Vec::new()).await;
                    check_shape(&format!("{method} {path}"), path, status, &ct, &body);
                    sent += 1;
                    if spec.path.contains('{') {
                        assert!(
                            status.is_client_error() || status.is_redirection(),
                            "{method} {path}: an odd parameter must be refused, got {status}: {body:.200}"
                        );
                    }
                }
                for query in ODD_QUERIES {
                    let uri = format!("{path}?{query}");
                    let (status, ct, body) =
                        send(&app, method, &uri, Some(&admin), None, Vec::new()).await;
                    check_shape(&format!("{method} {uri}"), path, status, &ct, &body);
                    sent += 1;
                }
                if *method == Method::GET {
                    continue;
                }
                for (content_type, bytes) in &bodies {
                    let (status, ct, body) = send(
                        &app,
                        method,
                        path,
                        Some(&admin),
                        Some(content_type),
                        bytes.clone(),
                    )
                    .await;
                    let what = format!(
                        "{method} {path} with {content_type} {:?}",
                        String::from_utf8_lossy(&bytes[..bytes.len().min(60)])
                    );
                    check_shape(&what, path, status, &ct, &body);
                    sent += 1;
                }
            }
        }
        // Paths that are not routes at all, and methods a route does not take.
        for path in [
            "/api/v1/",
            "/api/v1/shares/",
            "//api//v1//shares",
            "/api/v1/%2e%2e/%2e%2e/etc/passwd",
            "/api/v2/shares",
            "/api/v1/shares?%",
            &format!("/api/v1/{}", long(8_000)),
            "/.env",
            "/static/..%2F..%2FCargo.toml",
            "/static/%00",
        ] {
            for method in [
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
            ] {
                let (status, ct, body) = send(
                    &app,
                    &method,
                    path,
                    Some(&admin),
                    Some("application/json"),
                    b"{}".to_vec(),
                )
                .await;
                check_shape(&format!("{method} {path}"), path, status, &ct, &body);
                assert!(status.is_client_error(), "{method} {path}: {status}");
                sent += 1;
            }
        }
        assert_eq!(counts(&app).await, before, "bad input stored nothing");
        eprintln!(
            "bad input: {sent} requests over {} routes, no 5xx, nothing stored",
            specs.len()
        );
        app.finish().await
    }
);

both_databases!(
    hostile_share_fields_are_refused_with_the_reason_and_never_stored,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        let before = counts(&app).await;
        let cases = [
            (json!({"source_url": SQL, "platform": "zalo"}), 422),
            (json!({"source_url": HTML, "platform": "zalo"}), 422),
            (json!({"source_url": LOOKALIKE, "platform": "zalo"}), 422),
            (
                json!({"source_url": "https://g\u{043e}v.vn/", "platform": "zalo"}),
                422,
            ),
            (
                json!({"source_url": "https://dienbien.gov.vn.example.com/a", "platform": "zalo"}),
                422,
            ),
            (
                json!({"source_url": "javascript:alert(1)//dienbien.gov.vn", "platform": "zalo"}),
                422,
            ),
            (
                json!({"source_url": "https://dienbien.gov.vn/a", "platform": SQL}),
                422,
            ),
            (
                json!({"source_url": "https://dienbien.gov.vn/a", "platform": "facebook", "post_url": HTML}),
                422,
            ),
            (
                json!({"source_url": "https://dienbien.gov.vn/a", "platform": "zalo", "shared_on": SQL}),
                422,
            ),
            (
                json!({"source_url": "https://dienbien.gov.vn/a", "platform": "zalo", "shared_on": "2026-02-30"}),
                422,
            ),
            (
                json!({"source_url": format!("https://dienbien.gov.vn/{}", long(5_000)), "platform": "zalo"}),
                422,
            ),
        ];
        for (body, expected) in cases {
            let (status, json) = app.post("/api/v1/shares", &token, body.clone()).await;
            assert_eq!(status.as_u16(), expected, "{body} → {json}");
            assert!(json["error"]["code"].is_string(), "{json}");
            let message = json["error"]["message"].as_str().unwrap_or("");
            assert!(
                !message.contains("<script>"),
                "the message does not echo markup: {message}"
            );
            // The same item in a batch: refused alone, the batch answers 200 with the reason.
            let (status, json) = app
                .post("/api/v1/shares/batch", &token, json!({"items": [body]}))
                .await;
            assert_eq!(status, StatusCode::OK, "{json}");
            assert_eq!(json["results"][0]["ok"], json!(false), "{json}");
        }
        // An Idempotency-Key full of junk is refused, not stored.
        for key in [SQL, HTML, &long(1_000), "a b", "\t"] {
            let (status, json, _) = app
                .request(
                    Method::POST,
                    "/api/v1/shares",
                    Some(&token),
                    Some(json!({"source_url": "https://dienbien.gov.vn/key", "platform": "zalo"})),
                    &[("idempotency-key", key)],
                )
                .await;
            assert_eq!(
                (status, json["error"]["code"].as_str()),
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some("invalid_idempotency_key")
                ),
                "{key:.40}"
            );
        }
        // The look-alike is told apart in the dry run too.
        let (status, json) = app
            .post("/api/v1/verify", &token, json!({"url": LOOKALIKE}))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(json["verdict"], json!("rejected"), "{json}");
        assert!(
            json["normalized"]
                .as_str()
                .is_some_and(|n| n.contains("xn--")),
            "the look-alike host is shown in its punycode form: {json}"
        );
        assert_eq!(counts(&app).await, before, "nothing stored");
        app.finish().await
    }
);

both_databases!(
    text_a_user_entered_is_html_escaped_in_pages,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        let (status, json) = app
            .post("/api/v1/me/tokens", &token, json!({"name": HTML}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "a name is free text: {json}");
        let (status, _, body) = send(
            &app,
            &Method::GET,
            "/me/tokens",
            Some(&token),
            None,
            Vec::new(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains(HTML), "the name is not inserted raw");
        assert!(!body.contains("<script>alert"), "no script from user text");
        assert!(
            body.contains("&lt;script&gt;")
                || body.contains("&#60;script&#62;")
                || body.contains("&lt;script"),
            "the name is shown escaped"
        );
        app.finish().await
    }
);

/// Sends raw bytes to the real server and returns the status code of the answer, or 0 when the
/// server closed the connection without one (hyper does that for some unparseable requests).
async fn raw(base: &str, request: &[u8]) -> u16 {
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    if text.is_empty() {
        return 0;
    }
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

both_databases!(bytes_only_the_wire_can_carry_get_a_4xx, |app| async move {
    let tokens = crate::crash::seeded_tokens(&app).await;
    let server = crate::crash::Server::start(&app.test_db.url, &[]).await;
    let token = &tokens[0];
    let cases: Vec<Vec<u8>> = vec![
            b"GET /api/v1/units/\xff\xfe/tally HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\r\nConnection: close\r\n\r\n".to_vec(),
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xc3\x28\r\nConnection: close\r\n\r\n".to_vec(),
            b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: lantoa_sid=\xff\xfe\r\nConnection: close\r\n\r\n".to_vec(),
            format!("POST /api/v1/shares HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nIdempotency-Key: \u{00e9}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").into_bytes(),
            format!("POST /api/v1/shares HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\n{{}}").into_bytes(),
            format!("GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Junk: {}\r\nConnection: close\r\n\r\n", long(200_000)).into_bytes(),
            b"GARBAGE\r\n\r\n".to_vec(),
        ];
    for request in cases {
        let status = raw(&server.base, &request).await;
        eprintln!(
            "wire: {status} for {:?}",
            String::from_utf8_lossy(&request[..request.len().min(60)])
        );
        assert!(
            status == 0 || (400..500).contains(&status),
            "{status} for {:?}",
            String::from_utf8_lossy(&request[..request.len().min(120)])
        );
    }
    drop(server);
    app.finish().await
});

/// The fuzz targets' checks (fuzz/fuzz_targets), run without libFuzzer: over the corpora kept
/// in fuzz/corpus and over mutations of them, bounded in count, so CI replays every input the
/// fuzzers ever found interesting.
mod fuzz_replay {
    use std::path::PathBuf;
    use std::sync::LazyLock;

    use lantoa::verify::{
        Allowlist, Platform, Verdict, check_post, normalize_source, parse_rules_csv, verify_source,
    };

    static ALLOWLIST: LazyLock<Allowlist> = LazyLock::new(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/allowlist-seed.csv"
        ))
        .expect("seed allowlist");
        Allowlist::new(parse_rules_csv(&text).expect("the seed allowlist parses"))
    });

    fn verify_source_target(data: &[u8]) {
        let input = String::from_utf8_lossy(data);
        let v = verify_source(&ALLOWLIST, &input);
        assert_eq!(
            v.verdict == Verdict::Accepted,
            v.reason.is_none(),
            "{input:?}"
        );
        assert_eq!(v.rule.is_some(), v.reason.is_none(), "{input:?}");
        match normalize_source(&input) {
            Ok(n) => {
                assert_eq!(v.normalized.as_deref(), Some(n.url.as_str()));
                assert_eq!(
                    normalize_source(&n.url).as_ref(),
                    Ok(&n),
                    "idempotent for {input:?}"
                );
                let w = verify_source(&ALLOWLIST, &n.url);
                assert_eq!(
                    (w.verdict, w.reason, w.rule),
                    (v.verdict, v.reason, v.rule),
                    "kept for {input:?}"
                );
            }
            Err(reason) => assert_eq!((v.reason, v.normalized), (Some(reason), None)),
        }
    }

    fn check_post_target(data: &[u8]) {
        let Some((&first, rest)) = data.split_first() else {
            return;
        };
        let platform = Platform::ALL[usize::from(first) % Platform::ALL.len()];
        let input = String::from_utf8_lossy(rest);
        if let Ok(post) = check_post(platform, &input) {
            assert!(!post.key.is_empty());
            assert_eq!(
                check_post(platform, &post.url).as_ref(),
                Ok(&post),
                "stable for {platform} {input:?}"
            );
        }
    }

    fn import_csv_target(data: &[u8]) {
        let Some((&which, rest)) = data.split_first() else {
            return;
        };
        let text = String::from_utf8_lossy(rest);
        let lines = u64::try_from(text.split('\n').count()).unwrap_or(u64::MAX);
        let outcome: Result<usize, Vec<(u64, String)>> = match which % 4 {
            0 => lantoa::import::units::parse(&text)
                .map(|r| r.len())
                .map_err(|e| e.into_iter().map(|e| (e.line, e.message)).collect()),
            1 => lantoa::import::roster::parse(&text)
                .map(|r| r.len())
                .map_err(|e| e.into_iter().map(|e| (e.line, e.message)).collect()),
            2 => lantoa::import::shares::parse(&text)
                .map(|r| r.len())
                .map_err(|e| e.into_iter().map(|e| (e.line, e.message)).collect()),
            _ => parse_rules_csv(&text)
                .map(|r| r.len())
                .map_err(|e| e.into_iter().map(|e| (e.line, e.message)).collect()),
        };
        match outcome {
            Ok(rows) => assert!(
                u64::try_from(rows).unwrap_or(u64::MAX) < lines.max(1),
                "{rows} rows of {lines} lines: {text:?}"
            ),
            Err(errors) => {
                assert!(!errors.is_empty());
                for (line, message) in errors {
                    assert!(
                        line >= 1 && line <= lines + 1 && !message.is_empty(),
                        "line {line} of {lines}: {text:?}"
                    );
                }
            }
        }
    }

    fn corpus(target: &str) -> Vec<Vec<u8>> {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus")).join(target);
        let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| std::fs::read(entry.ok()?.path()).ok())
            .collect();
        assert!(!inputs.is_empty(), "a corpus for {target}");
        inputs.sort();
        inputs
    }

    /// Byte-level mutations in the spirit of libFuzzer's: flip, insert, delete, splice, repeat.
    fn mutate(rng: &mut fastrand::Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
        const INTERESTING: &[&[u8]] = &[
            b"%00",
            b"%2e%2e/",
            b"@",
            b":",
            b"//",
            b"\xff",
            b"\xc3\x28",
            b"\"",
            b",",
            b"\n",
            b"\r\n",
            b"xn--",
            b"\xd0\xbe",
            b"?utm_source=x",
            b"#",
            b"\\",
            b"..",
            b"\t",
            b"\xef\xbb\xbf",
        ];
        let mut out = input.to_vec();
        for _ in 0..rng.usize(1..5) {
            let at = rng.usize(0..=out.len());
            match rng.u8(0..6) {
                0 if !out.is_empty() => {
                    let i = rng.usize(0..out.len());
                    out[i] ^= 1 << rng.u8(0..8);
                }
                1 => {
                    let piece = INTERESTING[rng.usize(0..INTERESTING.len())];
                    out.splice(at..at, piece.iter().copied());
                }
                2 if !out.is_empty() => {
                    let end = (at + rng.usize(1..8)).min(out.len());
                    out.drain(at.min(end)..end);
                }
                3 if !other.is_empty() => {
                    let from = rng.usize(0..other.len());
                    let end = (from + rng.usize(1..32)).min(other.len());
                    out.splice(at..at, other[from..end].iter().copied());
                }
                4 if !out.is_empty() => {
                    let i = rng.usize(0..out.len());
                    let end = (i + rng.usize(1..16)).min(out.len());
                    let chunk = out[i..end].to_vec();
                    for _ in 0..rng.usize(1..20) {
                        out.splice(at..at, chunk.iter().copied());
                    }
                }
                _ => out.insert(at, rng.u8(..)),
            }
        }
        out.truncate(8_192);
        out
    }

    fn replay(target: &str, run: fn(&[u8]), mutations: usize) {
        let inputs = corpus(target);
        for input in &inputs {
            run(input);
        }
        let mut rng = fastrand::Rng::with_seed(0x1a7_70a);
        for n in 0..mutations {
            let base = &inputs[n % inputs.len()];
            let other = &inputs[rng.usize(0..inputs.len())];
            run(&mutate(&mut rng, base, other));
        }
        eprintln!(
            "fuzz replay: {target}: {} corpus inputs, {mutations} mutations, no failure",
            inputs.len()
        );
    }

    #[test]
    fn the_fuzz_corpora_replay_cleanly() {
        replay("verify_source", verify_source_target, 20_000);
        replay("check_post", check_post_target, 20_000);
        replay("import_csv", import_csv_target, 20_000);
    }
}
