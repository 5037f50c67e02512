//! The unit dashboard and person pages (HTML through the router): order, highlighting,
//! filters, charts, and reviewing from the page.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn page(app: &TestApp, path: &str, token: &str) -> (StatusCode, String) {
    let (status, body, _) = app.request(Method::GET, path, Some(token), None, &[]).await;
    (status, body.as_str().unwrap_or_default().to_owned())
}

both_databases!(
    the_dashboard_lists_the_subtree_in_vietnamese_order_and_marks_who_is_behind,
    |app| async move {
        let roster = format!(
            "{ROSTER_CSV}DB005,Vừ A Ánh,,XMP-VP,,vien_chuc,2020-01-01,\nDB006,Đỗ Văn Đức,,XMP,,cong_chuc,2020-01-01,\nDB007,Lò Văn Dũng,,XMP,,cong_chuc,2020-01-01,\n"
        );
        app.seed_roster(UNITS_CSV, &roster).await;
        app.grant("DB002", "unit_head", Some("XMP")).await;
        app.set_policy(2026, 365).await;
        app.set_clock("2026-07-02T03:00:00Z");
        let busy = app.token_for("DB001").await;
        for n in 0..3 {
            let (status, _) = app.post("/api/v1/shares", &busy, json!({"source_url": format!("https://dienbien.gov.vn/d/{n}"), "platform": "zalo"})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let head = app.token_for("DB002").await;
        // A unit with sub-units opens on them, ranked, each with a small SVG bar; its people
        // are one step further.
        let (status, units) = page(&app, "/units/XMP?year=2026", &head).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            units.contains("Văn phòng HĐND và UBND xã Mường Phăng")
                && units.contains("/units/XMP-VP?year=2026")
                && units.contains("class=\"meter\""),
            "sub-units first: {units}"
        );
        assert!(
            !units.contains("Lò Văn Dũng"),
            "people are on the next screen"
        );
        assert!(units.contains("view=people"), "a link to the people");
        let (status, html) = page(&app, "/units/XMP?year=2026&view=people", &head).await;
        assert_eq!(status, StatusCode::OK);
        // Ánh < An? No: "An" < "Ánh" (tone is secondary), then Bình, Dũng, Đức.
        let order: Vec<usize> = [
            "Nguyễn Văn An",
            "Vừ A Ánh",
            "Lò Thị Bình",
            "Lò Văn Dũng",
            "Đỗ Văn Đức",
        ]
        .iter()
        .map(|name| html.find(name).unwrap_or_else(|| panic!("{name} listed")))
        .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "Vietnamese order by given name: {order:?}"
        );
        assert!(
            !html.contains("Trần Đức Chính"),
            "people outside the subtree are not listed"
        );
        assert!(
            html.contains("class=\"behind\""),
            "people behind schedule are highlighted"
        );
        assert!(
            html.contains("<svg") && html.contains("role=\"img\""),
            "charts are server-rendered SVG"
        );
        let (_, filtered) = page(&app, "/units/XMP?year=2026&view=people&q=dung", &head).await;
        assert!(
            filtered.contains("Lò Văn Dũng") && !filtered.contains("Nguyễn Văn An"),
            "search ignores diacritics"
        );
        let (_, behind) = page(
            &app,
            "/units/XMP?year=2026&view=people&behind=1&sort=accepted",
            &head,
        )
        .await;
        assert!(behind.contains("Lò Văn Dũng"));
        let staff = app.token_for("DB004").await;
        assert_eq!(
            page(&app, "/units/XMP?year=2026", &staff).await.0,
            StatusCode::FORBIDDEN
        );
        app.finish().await
    }
);

both_databases!(
    a_head_rejects_from_the_person_page_and_the_reason_shows,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.grant("DB002", "unit_head", Some("XMP")).await;
        let staff = app.token_for("DB001").await;
        let (_, share) = app
            .post(
                "/api/v1/shares",
                &staff,
                json!({"source_url": "https://dienbien.gov.vn/p/1", "platform": "zalo"}),
            )
            .await;
        let id = share["id"].as_i64().expect("id");
        let head = app.token_for("DB002").await;
        let (status, html) = page(&app, "/people/DB001", &head).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("name=\"ids\"") && html.contains("value=\"reject\""),
            "review controls for the head"
        );
        let (_, own) = page(&app, "/people/DB001", &staff).await;
        assert!(
            !own.contains("name=\"ids\""),
            "no review controls for the person"
        );
        let request = Request::builder()
        .method(Method::POST)
        .uri("/people/DB001/review")
        .header(header::AUTHORIZATION, format!("Bearer {head}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("ids={id}&decision=reject&reason=%3Cscript%3Ealert(1)%3C%2Fscript%3E+sai+ngu%E1%BB%93n")))
        .expect("request");
        let (status, _, headers) = app.send(request).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            headers.get(header::LOCATION).and_then(|v| v.to_str().ok()),
            Some("/people/DB001")
        );
        let (_, html) = page(&app, "/people/DB001", &staff).await;
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62; sai nguồn"),
            "the reason shows, escaped"
        );
        assert!(!html.contains("<script>alert"), "never as markup");
        app.finish().await
    }
);

both_databases!(
    home_affairs_edits_and_closes_a_year_from_the_policy_page,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        app.grant("DB003", "home_affairs", None).await;
        let ha = app.token_for("DB003").await;
        let form = |body: &str| {
            Request::builder()
                .method(Method::POST)
                .uri("/policies/2026")
                .header(header::AUTHORIZATION, format!("Bearer {ha}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.to_owned()))
                .expect("request")
        };
        let (status, html, _) = app
            .send(form(
                "action=save&period_start=31%2F02%2F2026&period_end=31%2F12%2F2026&target=120",
            ))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.as_str()
                .is_some_and(|h| h.contains("Ngày bắt đầu không hợp lệ")),
            "the form says what is wrong"
        );
        let (status, _, _) = app.send(form("action=save&period_start=15%2F12%2F2025&period_end=14%2F12%2F2026&target=120&levels=V%C6%B0%E1%BB%A3t%3A150")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let policy = lantoa::db::policy::for_year(&app.db, 2026)
            .await
            .expect("db")
            .expect("policy");
        assert_eq!(
            (
                policy.target,
                policy.period.start.to_string(),
                policy.levels[0].name.as_str()
            ),
            (120, "2025-12-15".to_owned(), "Vượt")
        );
        let (status, _, _) = app.send(form("action=close")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, html, _) = app.send(form("action=reopen")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "only admins reopen: {html}");
        let (_, page_html) = page(&app, "/policies/2026", &ha).await;
        assert!(
            page_html.contains("đã được chốt"),
            "the page shows the year is closed"
        );
        app.finish().await
    }
);
