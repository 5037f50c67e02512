//! Responses are compressed for weak networks: pages and JSON with gzip or Brotli when the client
//! asks (and only then), `Vary: Accept-Encoding` on them, CSV exports still streamed, XLSX and
//! PNG never compressed twice, requests started by another site answered plain (BREACH), and
//! the CSRF token masked afresh on every page.

use std::io::Read as _;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV, field_value, session_for};

async fn fetch(
    app: &TestApp,
    path: &str,
    auth: (&str, &str),
    encoding: Option<&str>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::get(path).header(auth.0, auth.1);
    if let Some(encoding) = encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    app.send_raw(request.body(Body::empty()).expect("request"))
        .await
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    match encoding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut plain)
                .expect("valid gzip");
        }
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut plain)
                .expect("valid brotli");
        }
        other => panic!("unexpected encoding {other}"),
    }
    plain
}

fn encoding_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
}

fn varies_on_encoding(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("accept-encoding"))
}

/// A province with enough people that the unit tally is worth compressing.
async fn seeded(app: &TestApp) -> String {
    let mut roster = ROSTER_CSV.to_owned();
    for n in 0..40 {
        roster.push_str(&format!(
            "DBX{n:03},Người Thứ {n},,XMP-VP,Chuyên viên,cong_chuc,2020-01-01,\n"
        ));
    }
    app.seed_roster(UNITS_CSV, &roster).await;
    app.grant("DB003", "home_affairs", None).await;
    app.set_policy(2026, 120).await;
    app.token_for("DB003").await
}

both_databases!(
    pages_and_json_are_compressed_with_gzip_or_brotli_only_when_asked,
    |app| async move {
        let token = seeded(&app).await;
        let bearer = format!("Bearer {token}");
        let auth = ("authorization", bearer.as_str());
        for path in [
            "/api/v1/units/XMP/tally?year=2026",
            "/units/XMP?year=2026&view=people",
            "/api/v1/openapi.json",
        ] {
            let (status, headers, plain) = fetch(&app, path, auth, None).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_eq!(
                encoding_of(&headers),
                None,
                "{path}: not asked, not compressed"
            );
            assert!(plain.len() > 1024, "{path}: {} bytes", plain.len());
            assert!(
                varies_on_encoding(&headers),
                "{path}: Vary: Accept-Encoding"
            );
            for encoding in ["gzip", "br"] {
                let (status, headers, body) = fetch(&app, path, auth, Some(encoding)).await;
                assert_eq!(status, StatusCode::OK, "{path} {encoding}");
                assert_eq!(encoding_of(&headers), Some(encoding), "{path}");
                assert!(varies_on_encoding(&headers), "{path} {encoding}");
                assert!(
                    headers
                        .get(header::CONTENT_LENGTH)
                        .is_none_or(|l| l != &plain.len().to_string()),
                    "{path}: the plain length is not sent with a compressed body"
                );
                assert!(body.len() < plain.len(), "{path} {encoding}: smaller");
                let decoded = decode(encoding, &body);
                if path.contains("/api/") {
                    // JSON: the same document either way.
                    let a: Value = serde_json::from_slice(&decoded).expect("json");
                    let b: Value = serde_json::from_slice(&plain).expect("json");
                    assert_eq!(a, b, "{path} {encoding}");
                } else {
                    let text = String::from_utf8(decoded).expect("utf-8");
                    assert!(text.contains("Người Thứ 1"), "{path} {encoding}");
                }
            }
            // Brotli preferred when both are offered.
            let (_, headers, _) = fetch(&app, path, auth, Some("gzip, deflate, br")).await;
            assert_eq!(encoding_of(&headers), Some("br"), "{path}");
            let (_, headers, _) = fetch(&app, path, auth, Some("identity")).await;
            assert_eq!(encoding_of(&headers), None, "{path}: identity");
        }
        // Tiny answers stay plain.
        let (_, headers, _) = fetch(&app, "/healthz", auth, Some("gzip, br")).await;
        assert_eq!(
            encoding_of(&headers),
            None,
            "a tiny answer is not compressed"
        );
        app.finish().await
    }
);

both_databases!(
    xlsx_is_never_compressed_twice_and_csv_is_compressed_while_streamed,
    |app| async move {
        let token = seeded(&app).await;
        let bearer = format!("Bearer {token}");
        let auth = ("authorization", bearer.as_str());
        let (status, headers, body) = fetch(
            &app,
            "/api/v1/exports/evaluation?year=2026&format=xlsx",
            auth,
            Some("gzip, br"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding_of(&headers), None, "XLSX is already a zip");
        assert!(body.starts_with(b"PK"), "the workbook as is");

        let path = "/api/v1/exports/evaluation?year=2026&format=csv";
        let (_, _, plain) = fetch(&app, path, auth, None).await;
        let (status, headers, body) = fetch(&app, path, auth, Some("gzip")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(encoding_of(&headers), Some("gzip"));
        assert!(
            headers.get(header::CONTENT_LENGTH).is_none(),
            "streamed: no length known in advance"
        );
        assert_eq!(decode("gzip", &body), plain, "the same CSV");
        // The PNG icon is already compressed.
        let (_, headers, png) = fetch(&app, "/static/icon-512.png", auth, Some("gzip, br")).await;
        assert_eq!(encoding_of(&headers), None);
        assert!(png.starts_with(b"\x89PNG"));
        app.finish().await
    }
);

both_databases!(
    a_page_opened_from_another_site_is_sent_plain_and_each_page_masks_the_csrf_token,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let s = session_for(&app, "DB001").await;
        let cookie = ("cookie", s.cookie.as_str());
        let request = |site: &str| {
            Request::get("/")
                .header(header::COOKIE, &s.cookie)
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .header("sec-fetch-site", site)
                .body(Body::empty())
                .expect("request")
        };
        let (_, headers, _) = app.send_raw(request("same-origin")).await;
        assert_eq!(encoding_of(&headers), Some("br"));
        let (_, headers, body) = app.send_raw(request("cross-site")).await;
        assert_eq!(encoding_of(&headers), None, "another site's request: plain");
        let first = field_value(&String::from_utf8_lossy(&body), "_csrf").expect("token");
        let (_, _, again) = fetch(&app, "/", cookie, None).await;
        let second = field_value(&String::from_utf8_lossy(&again), "_csrf").expect("token");
        assert_ne!(first, second, "masked afresh on every page");
        for token in [&first, &second] {
            assert!(lantoa::auth::csrf::same_token(&s.csrf, token));
        }
        // A masked token from any page is accepted on a form post.
        let post = Request::post("/me/tokens")
            .header(header::COOKIE, &s.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("_csrf={first}&name=script")))
            .expect("request");
        let (status, _, _) = app.send_raw(post).await;
        assert!(status.is_success() || status.is_redirection(), "{status}");
        let _ = json!(null);
        app.finish().await
    }
);
