//! The phone pages without a browser: the log-a-share form as a plain form post (verified on the
//! server like the API, CSRF-checked, retry-safe), the share target, several links at once,
//! history, progress, my data and its downloads, the language switch, the PWA files, and the
//! page weight of the log-a-share page with everything it loads.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{
    Backend, ROSTER_CSV, Session, TestApp, UNITS_CSV, field_value, location, session_for,
};

async fn get(app: &TestApp, path: &str, s: &Session) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(path)
        .header(header::COOKIE, &s.cookie)
        .body(Body::empty())
        .expect("request");
    let (status, headers, body) = app.send_raw(request).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn post_form(
    app: &TestApp,
    path: &str,
    s: &Session,
    fields: &[(&str, &str)],
) -> (StatusCode, HeaderMap, String) {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let request = Request::post(path)
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let (status, headers, body) = app.send_raw(request).await;
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn today_vi(app: &TestApp) -> String {
    lantoa::domain::time::format_vi(app.state.clock.today())
}

/// Form fields, the expected status, a phrase of the message, and what the case is.
type Refusal<'a> = (&'a [(&'a str, &'a str)], u16, &'a str, &'a str);

const ARTICLE: &str = "https://baodienbienphu.vn/tin-tuc/van-hoa/le-hoi-hoa-ban";

both_databases!(
    the_form_logs_a_share_without_javascript_and_a_resubmission_stores_nothing_new,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let s = session_for(&app, "DB001").await;
        let (status, _, html) = get(&app, "/", &s).await;
        assert_eq!(status, StatusCode::OK);
        // The page carries the session's token masked afresh (pages are sent compressed).
        let token = field_value(&html, "_csrf").expect("a token in the form");
        assert!(lantoa::auth::csrf::same_token(&s.csrf, &token), "{token}");
        assert_eq!(
            field_value(&html, "shared_on"),
            Some(today_vi(&app)),
            "today by default"
        );
        let key = field_value(&html, "idempotency_key").expect("a key in the form");
        assert!(key.len() > 20, "{key}");
        for platform in [
            "facebook",
            "zalo",
            "tiktok",
            "youtube",
            "x",
            "instagram",
            "other",
        ] {
            assert!(
                html.contains(&format!("value=\"{platform}\"")),
                "{platform} button"
            );
            assert!(
                html.contains(&format!("icons.svg#{platform}")),
                "{platform} icon"
            );
        }

        let fields = [
            ("_csrf", s.csrf.as_str()),
            ("idempotency_key", key.as_str()),
            // Pasted with words around it: the address is taken out.
            (
                "source_url",
                "Đọc bài này: https://baodienbienphu.vn/tin-tuc/van-hoa/le-hoi-hoa-ban?utm_source=zalo nhé",
            ),
            ("platform", "facebook"),
            (
                "post_url",
                "https://www.facebook.com/nguyenvanan/posts/pfbid02abc",
            ),
            ("shared_on", &today_vi(&app)),
        ];
        let (status, headers, _) = post_form(&app, "/shares/new", &s, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let next = location(&headers);
        assert!(next.starts_with("/?logged="), "{next}");
        let (_, _, html) = get(&app, &next, &s).await;
        assert!(html.contains("Đã ghi nhận"), "a confirmation");
        assert!(html.contains("Báo Điện Biên Phủ") && html.contains("Facebook"));
        assert_eq!(
            field_value(&html, "source_url").as_deref(),
            Some(""),
            "ready for the next"
        );
        let stored = entity::share::Entity::find()
            .all(&app.db)
            .await
            .expect("db");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].origin, "web");
        assert_eq!(stored[0].source_url, ARTICLE);
        assert!(
            stored[0]
                .idempotency_key
                .as_deref()
                .is_some_and(|k| k.starts_with(&format!("{key}."))),
            "the form's key, per content"
        );

        // The same form sent again (a double tap, a retry on a weak connection): same answer.
        let (status, headers, _) = post_form(&app, "/shares/new", &s, &fields).await;
        assert_eq!(
            (status, location(&headers)),
            (StatusCode::SEE_OTHER, next.clone())
        );
        assert_eq!(app.count("shares").await, 1);
        // Sent back changed (another article, after going back): a new share, not the first.
        let mut changed = fields.to_vec();
        changed[2] = ("source_url", "https://dienbien.gov.vn/tin-tuc/khac");
        changed[4] = ("post_url", "");
        let (status, headers, _) = post_form(&app, "/shares/new", &s, &changed).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_ne!(location(&headers), next);
        assert_eq!(app.count("shares").await, 2);
        app.finish().await
    }
);

both_databases!(
    a_refused_form_comes_back_filled_in_with_the_reason_and_stores_nothing,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let s = session_for(&app, "DB001").await;
        let today = today_vi(&app);
        let cases: &[Refusal] = &[
            (
                &[
                    ("source_url", "https://tin-nong.example.com/a"),
                    ("platform", "zalo"),
                ],
                422,
                "không có trong danh sách nguồn tin chính thống",
                "not on the allowlist",
            ),
            (
                &[("source_url", "https://bit.ly/abc"), ("platform", "zalo")],
                422,
                "liên kết rút gọn",
                "a short link",
            ),
            (
                &[("source_url", ARTICLE)],
                422,
                "Hãy chọn nền tảng",
                "no platform",
            ),
            (
                &[
                    ("source_url", ARTICLE),
                    ("platform", "facebook"),
                    ("post_url", "https://www.tiktok.com/@a/video/1"),
                ],
                422,
                "không thuộc nền tảng đã chọn",
                "a post on another platform",
            ),
            (
                &[
                    ("source_url", ARTICLE),
                    ("platform", "facebook"),
                    ("shared_on", "31/02/2026"),
                ],
                422,
                "Ngày chia sẻ không hợp lệ",
                "no such day",
            ),
            (
                &[
                    ("source_url", ARTICLE),
                    ("platform", "facebook"),
                    ("shared_on", "01/01/2100"),
                ],
                422,
                "tương lai",
                "a day in the future",
            ),
            (
                &[("source_url", ""), ("platform", "facebook")],
                422,
                "Địa chỉ không hợp lệ",
                "nothing typed",
            ),
        ];
        for (fields, status, message, what) in cases {
            let mut all = vec![("_csrf", s.csrf.as_str())];
            if !fields.iter().any(|(k, _)| *k == "shared_on") {
                all.push(("shared_on", today.as_str()));
            }
            all.extend_from_slice(fields);
            let (got, _, html) = post_form(&app, "/shares/new", &s, &all).await;
            assert_eq!(got.as_u16(), *status, "{what}");
            assert!(html.contains(message), "{what}: {message}");
            assert!(
                html.contains("aria-invalid=\"true\""),
                "{what}: the field is marked"
            );
            let typed = fields
                .iter()
                .find(|(k, _)| *k == "source_url")
                .map(|(_, v)| *v);
            if let Some(typed) = typed.filter(|t| !t.is_empty()) {
                assert_eq!(
                    field_value(&html, "source_url").as_deref(),
                    Some(typed),
                    "{what}: kept"
                );
            }
        }
        assert_eq!(app.count("shares").await, 0);

        // A duplicate is a conflict with its own message; in English on request.
        let good = [
            ("_csrf", s.csrf.as_str()),
            ("source_url", ARTICLE),
            ("platform", "zalo"),
        ];
        let (status, _, _) = post_form(&app, "/shares/new", &s, &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, html) = post_form(&app, "/shares/new", &s, &good).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("Bạn đã ghi nhận bài viết này trên nền tảng này rồi"));
        let (status, _, html) = post_form(&app, "/shares/new?lang=en", &s, &good).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            html.contains("You have already logged this article"),
            "{html}"
        );
        assert_eq!(app.count("shares").await, 1);
        app.finish().await
    }
);

both_databases!(form_posts_need_the_session_csrf_token, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let s = session_for(&app, "DB001").await;
    for csrf in [None, Some("0".repeat(64))] {
        let mut fields = vec![("source_url", ARTICLE), ("platform", "zalo")];
        if let Some(c) = &csrf {
            fields.push(("_csrf", c.as_str()));
        }
        for path in ["/shares/new", "/shares/several"] {
            let (status, _, html) = post_form(&app, path, &s, &fields).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path} with {csrf:?}");
            assert!(html.contains("mã chống giả mạo"), "{html}");
        }
    }
    assert_eq!(app.count("shares").await, 0);
    app.finish().await
});

both_databases!(
    the_share_target_fills_in_the_address_found_in_the_shared_text,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let s = session_for(&app, "DB001").await;
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("title", "Lễ hội Hoa Ban")
            .append_pair(
                "text",
                "Mời cả nhà xem \"Lễ hội Hoa Ban 2026\" https://baodienbienphu.vn/van-hoa/hoa-ban-2026. Chia sẻ từ Zalo",
            )
            .finish();
        let (status, _, html) = get(&app, &format!("/share-target?{query}"), &s).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            field_value(&html, "source_url").as_deref(),
            Some("https://baodienbienphu.vn/van-hoa/hoa-ban-2026")
        );
        let (_, _, html) = get(
            &app,
            "/share-target?url=https%3A%2F%2Fdienbien.gov.vn%2Fa&text=x",
            &s,
        )
        .await;
        assert_eq!(
            field_value(&html, "source_url").as_deref(),
            Some("https://dienbien.gov.vn/a")
        );
        let (status, _, html) = get(&app, "/share-target?text=Ch%C3%BAc%20m%E1%BB%ABng", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Không tìm thấy địa chỉ bài viết"),
            "told what is missing"
        );
        assert!(html.contains("Chúc mừng"), "shows what was shared");
        app.finish().await
    }
);

both_databases!(
    several_addresses_are_checked_then_logged_once,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let s = session_for(&app, "DB001").await;
        let (_, _, html) = get(&app, "/shares/several", &s).await;
        let key = field_value(&html, "key").expect("a key");
        let text = "https://dienbien.gov.vn/tin/1\nXem: https://baodienbienphu.vn/tin/2, rất hay.\nhttps://tin-nong.example.com/3\nhttps://dienbien.gov.vn/tin/1";
        let base = [
            ("_csrf", s.csrf.as_str()),
            ("key", key.as_str()),
            ("text", text),
            ("platform", "facebook"),
        ];
        let mut check = base.to_vec();
        check.push(("action", "check"));
        let (status, _, html) = post_form(&app, "/shares/several", &s, &check).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            html.matches("<li class=\"ok\">").count(),
            2,
            "two recognised"
        );
        assert_eq!(html.matches("<li class=\"bad\">").count(), 1, "one refused");
        assert!(html.contains("Cổng thông tin") || html.contains("✓"));
        assert!(html.contains("không có trong danh sách nguồn"));
        assert_eq!(app.count("shares").await, 0, "checking stores nothing");

        let mut save = base.to_vec();
        save.push(("action", "save"));
        let (status, _, html) = post_form(&app, "/shares/several", &s, &save).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Đã ghi nhận 2 bài."), "{html}");
        assert!(html.contains("1 bài không được ghi nhận"));
        assert_eq!(app.count("shares").await, 2);
        // The refused address stays in the box to be fixed.
        assert!(html.contains(">https://tin-nong.example.com/3</textarea>"));
        // The same form sent again stores nothing new.
        let (_, _, html) = post_form(&app, "/shares/several", &s, &save).await;
        assert!(html.contains("Đã ghi nhận 2 bài."));
        assert_eq!(app.count("shares").await, 2);

        let many: String = (0..60)
            .map(|i| format!("https://dienbien.gov.vn/x/{i}\n"))
            .collect();
        let (status, _, html) = post_form(
            &app,
            "/shares/several",
            &s,
            &[
                ("_csrf", s.csrf.as_str()),
                ("text", many.as_str()),
                ("platform", "zalo"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("tối đa 50"));
        let (status, _, _) = post_form(
            &app,
            "/shares/several",
            &s,
            &[
                ("_csrf", s.csrf.as_str()),
                ("text", "không có gì"),
                ("action", "check"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("shares").await, 2);
        app.finish().await
    }
);

/// Logs a share through the API as DB001.
async fn log(app: &TestApp, token: &str, source: &str, post: Option<&str>) -> i64 {
    let (status, share) = app
        .post(
            "/api/v1/shares",
            token,
            json!({"source_url": source, "platform": "facebook", "post_url": post}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{share}");
    share["id"].as_i64().expect("id")
}

both_databases!(
    history_shows_status_label_proof_and_the_reason_for_a_rejection,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        log(
            &app,
            &token,
            ARTICLE,
            Some("https://www.facebook.com/an/posts/pfbid0aaa"),
        )
        .await;
        let rejected = log(&app, &token, "https://dienbien.gov.vn/tin/9", None).await;
        let share = entity::share::Entity::find_by_id(rejected)
            .one(&app.db)
            .await
            .expect("db")
            .expect("share");
        lantoa::db::shares::set_status(
            &app.db,
            &share,
            lantoa::domain::roster::ShareStatus::Rejected,
            Some("Bài đăng đã bị xóa".into()),
            None,
            chrono::Utc::now(),
        )
        .await
        .expect("reject");
        let s = session_for(&app, "DB001").await;
        let (status, _, html) = get(&app, "/me/history", &s).await;
        assert_eq!(status, StatusCode::OK);
        for expected in [
            "Báo Điện Biên Phủ",
            "Được tính",
            "Bị loại",
            "Lý do",
            "Bài đăng đã bị xóa",
            "href=\"https://www.facebook.com/an/posts/pfbid0aaa\"",
            &today_vi(&app),
        ] {
            assert!(html.contains(expected), "{expected}");
        }
        // Someone else's history is not shown, and odd parameters fall back to this month.
        let other = session_for(&app, "DB004").await;
        let (_, _, html) = get(&app, "/me/history?year=abc&month=13", &other).await;
        assert!(!html.contains("Bài đăng đã bị xóa"));
        assert!(html.contains("Chưa có lượt chia sẻ nào"));
        app.finish().await
    }
);

both_databases!(
    progress_shows_month_quarter_and_period_against_the_target,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let year = chrono::Datelike::year(&app.state.clock.today());
        app.set_policy(year, 120).await;
        let token = app.token_for("DB001").await;
        log(&app, &token, ARTICLE, None).await;
        log(&app, &token, "https://dienbien.gov.vn/tin/2", None).await;
        let s = session_for(&app, "DB001").await;
        let (status, _, html) = get(&app, "/me/progress", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("tháng này")
                && html.contains("quý này")
                && html.contains("Cả kỳ đánh giá")
        );
        // The targets are the engine's (pro-rated by days): the page shows exactly those.
        let person = lantoa::db::people::by_staff_code(&app.db, "DB001")
            .await
            .expect("db")
            .expect("person");
        let tally = lantoa::service::tally::for_people(&app.db, year, vec![person])
            .await
            .expect("tally");
        let f = &tally.rows[0].figures;
        let today = app.state.clock.today();
        let month = f
            .by_month
            .iter()
            .find(|m| m.month == chrono::Datelike::month(&today))
            .expect("this month");
        let quarter = f
            .by_quarter
            .iter()
            .find(|q| q.quarter == lantoa::tally::quarter_of(today))
            .expect("this quarter");
        for (what, target) in [
            ("month", month.target),
            ("quarter", quarter.target),
            ("period", f.target),
        ] {
            let target = target.expect("a target");
            assert!(
                html.contains(&format!("<progress max=\"{target}\" value=\"2\"")),
                "{what}: 2 of {target}"
            );
            assert!(
                html.contains(&format!("<strong>2</strong> / {target}")),
                "{what} in words"
            );
        }
        assert_eq!(f.target, Some(120));
        assert!(html.contains("Chưa đạt"));
        let (_, _, html) = get(&app, "/me/progress?year=2019", &s).await;
        assert!(
            html.contains(&format!("– {year}")),
            "an out-of-range year falls back"
        );
        app.finish().await
    }
);

/// Every key of a JSON value, at any depth.
fn keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

both_databases!(
    my_data_shows_everything_held_and_every_download_is_audited,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let token = app.token_for("DB001").await;
        log(&app, &token, ARTICLE, None).await;
        let s = session_for(&app, "DB001").await;
        let (status, _, html) = get(&app, "/me/data", &s).await;
        assert_eq!(status, StatusCode::OK);
        for expected in [
            "Nguyễn Văn An",
            "DB001",
            "an@dienbien.gov.vn",
            "Văn phòng HĐND và UBND xã Mường Phăng",
            "1830",
        ] {
            assert!(html.contains(expected), "{expected}");
        }
        let (status, headers, body) = get(&app, "/me/data.json", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(location(&headers).is_empty());
        let disposition = headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            disposition.contains("attachment") && disposition.contains("DB001"),
            "{disposition}"
        );
        let data: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(data["person"]["staff_code"], "DB001");
        assert_eq!(data["unit"]["code"], "XMP-VP");
        assert_eq!(data["shares"].as_array().map(Vec::len), Some(1));
        assert_eq!(data["shares"][0]["source_url"], ARTICLE);
        assert!(data["sessions"].as_array().is_some_and(|s| !s.is_empty()));
        assert!(data["api_tokens"].as_array().is_some_and(|t| t.len() == 1));
        assert!(
            data["monthly_counts"]
                .as_array()
                .is_some_and(|m| m.len() == 1)
        );
        let mut all_keys = Vec::new();
        keys(&data, &mut all_keys);
        for secret in ["id_hash", "csrf_hash", "token_hash"] {
            assert!(
                !all_keys.iter().any(|k| k == secret),
                "{secret} is never given out"
            );
        }
        let (status, headers, body) = get(&app, "/me/data.csv", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("text/csv; charset=utf-8")
        );
        assert!(
            body.starts_with("\u{feff}staff_code,full_name,share_id,shared_on,platform,source_url")
        );
        assert_eq!(body.lines().count(), 2, "a header and one share");
        assert!(body.contains(ARTICLE) && body.contains("Nguyễn Văn An"));
        let audited = entity::audit_event::Entity::find()
            .all(&app.db)
            .await
            .expect("db")
            .into_iter()
            .filter(|e| e.action == "me.data_download" && e.target_id.as_deref() == Some("DB001"))
            .count();
        assert_eq!(audited, 2);
        app.finish().await
    }
);

both_databases!(the_language_switch_is_remembered, |app| async move {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let s = session_for(&app, "DB001").await;
    let request = Request::get("/lang/en")
        .header(header::HOST, "lantoa.test")
        .header(
            header::REFERER,
            "http://lantoa.test/me/history?month=1&lang=vi",
        )
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = app.send_raw(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/me/history?month=1");
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cookie.starts_with("lantoa_lang=en;"), "{cookie}");
    let request = Request::get("/me/history")
        .header(header::COOKIE, format!("{}; lantoa_lang=en", s.cookie))
        .body(Body::empty())
        .expect("request");
    let (_, _, body) = app.send_raw(request).await;
    let html = String::from_utf8_lossy(&body);
    assert!(html.contains("My shares") && html.contains("lang=\"en\""));
    // A link from elsewhere is not followed back.
    let request = Request::get("/lang/vi?next=https%3A%2F%2Fevil.example%2F")
        .body(Body::empty())
        .expect("request");
    let (_, headers, _) = app.send_raw(request).await;
    assert_eq!(location(&headers), "/");
    app.finish().await
});

/// Every same-site address a page loads: stylesheets, scripts, icons, images, the manifest.
fn loaded_by(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let attr = match name.as_str() {
            "link"
                if !tag.contains("rel=\"stylesheet\"")
                    && !tag.contains("rel=\"icon\"")
                    && !tag.contains("rel=\"manifest\"") =>
            {
                continue;
            }
            "link" => "href=\"",
            "script" | "img" | "source" | "iframe" => "src=\"",
            "use" => "href=\"",
            _ => continue,
        };
        if let Some(at) = tag.find(attr) {
            let rest = &tag[at + attr.len()..];
            let value = &rest[..rest.find('"').unwrap_or(rest.len())];
            let path = value.split('#').next().unwrap_or_default().to_owned();
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

both_databases!(
    the_log_page_with_everything_it_loads_is_at_most_60_kb_compressed_from_this_server_only,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.set_policy(chrono::Datelike::year(&app.state.clock.today()), 120)
            .await;
        let s = session_for(&app, "DB001").await;
        let (status, headers, html) = get(&app, "/", &s).await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("default-src 'self'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
        let mut files = loaded_by(&html);
        for file in &files {
            assert!(
                file.starts_with('/') && !file.starts_with("//"),
                "loaded from another host: {file}"
            );
        }
        // What the browser fetches on its own: the service worker the script registers, and the
        // manifest's icons (for installing).
        files.push("/sw.js".into());
        let manifest = files
            .iter()
            .find(|f| f.ends_with(".webmanifest"))
            .cloned()
            .expect("a manifest link");
        let (_, _, body) = get(&app, &manifest, &s).await;
        let parsed: Value = serde_json::from_str(&body).expect("manifest json");
        for icon in parsed["icons"].as_array().cloned().unwrap_or_default() {
            let src = icon["src"].as_str().unwrap_or_default().to_owned();
            assert!(src.starts_with('/') && !src.starts_with("//"), "{src}");
            files.push(src);
        }
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(f.clone()));
        // The page as read here (uncompressed), static files as sent to a browser (compressed).
        let mut total = html.len();
        let mut report = vec![format!("/ {} B", html.len())];
        for file in &files {
            let request = Request::get(file.as_str())
                .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
                .header(header::COOKIE, &s.cookie)
                .body(Body::empty())
                .expect("request");
            let (status, _, body) = app.send_raw(request).await;
            assert_eq!(status, StatusCode::OK, "{file}");
            total += body.len();
            report.push(format!("{file} {} B", body.len()));
        }
        eprintln!(
            "log-a-share page weight: {total} B\n  {}",
            report.join("\n  ")
        );
        assert!(total <= 60 * 1024, "{total} bytes: {report:?}");
        for must in [
            "/static/app.css",
            "/static/app.js",
            "/static/icons.svg",
            "/manifest.webmanifest",
        ] {
            assert!(files.iter().any(|f| f == must), "{must} in {files:?}");
        }
        app.finish().await
    }
);

#[tokio::test]
async fn the_pwa_files_are_served_with_their_types_compressed_and_revalidated() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let fetch = |path: &'static str, headers: Vec<(header::HeaderName, String)>| {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.body(Body::empty()).expect("request")
    };
    let (status, headers, body) = app.send_raw(fetch("/manifest.webmanifest", vec![])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/manifest+json");
    let manifest: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(manifest["share_target"]["action"], "/share-target");
    assert_eq!(manifest["share_target"]["method"], "GET");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(manifest["display"], "standalone");
    let icons = manifest["icons"].as_array().cloned().unwrap_or_default();
    assert!(
        icons.iter().any(|i| i["sizes"] == "192x192")
            && icons.iter().any(|i| i["sizes"] == "512x512")
    );
    for icon in icons {
        let src = icon["src"].as_str().expect("src").to_owned();
        let request = Request::get(src.as_str())
            .body(Body::empty())
            .expect("request");
        let (status, headers, body) = app.send_raw(request).await;
        assert_eq!(status, StatusCode::OK, "{src}");
        assert_eq!(
            headers[header::CONTENT_TYPE],
            icon["type"].as_str().unwrap_or_default(),
            "{src}"
        );
        if src.ends_with(".png") {
            assert!(body.starts_with(b"\x89PNG"), "{src}");
        }
    }

    let (status, headers, body) = app.send_raw(fetch("/sw.js", vec![])).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    let worker = String::from_utf8(body).expect("utf-8");
    assert!(worker.contains(&lantoa::pages::static_files::version()));
    assert!(!worker.contains("__VERSION__"));

    let (status, headers, gz) = app
        .send_raw(fetch(
            "/static/app.js",
            vec![(header::ACCEPT_ENCODING, "gzip".into())],
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    let etag = headers[header::ETAG].to_str().expect("etag").to_owned();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_slice()), &mut plain)
        .expect("gzip");
    let (_, headers, direct) = app.send_raw(fetch("/static/app.js", vec![])).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(plain, direct, "the same file either way");
    let (status, _, body) = app
        .send_raw(fetch("/static/app.js", vec![(header::IF_NONE_MATCH, etag)]))
        .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    let (status, _, _) = app.send_raw(fetch("/static/nothing.js", vec![])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.finish().await
}

#[tokio::test]
async fn anonymous_visitors_of_the_phone_pages_are_sent_to_sign_in() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    for path in [
        "/",
        "/me/history",
        "/me/progress",
        "/me/data",
        "/shares/several",
    ] {
        let (status, _, headers) = app.request(Method::GET, path, None, None, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        let to = location(&headers);
        assert!(to.starts_with("/auth/login?next="), "{path} → {to}");
    }
    app.finish().await
}
