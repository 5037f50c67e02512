//! Lists that grow with the province come in pages: a default and a maximum page size (over it:
//! 422 `page_size_too_large`), server-side sort and search, and keyset cursors that neither repeat
//! nor skip a person when equal keys meet a page boundary or a share arrives between two pages.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// Seven people with the same name in XMP-VP (equal sort keys), plus the usual roster.
async fn namesakes(app: &mut TestApp) -> String {
    let mut roster = ROSTER_CSV.to_owned();
    for n in 1..=7 {
        roster.push_str(&format!(
            "DBN{n:02},Nguyễn Văn An,,XMP-VP,Chuyên viên,cong_chuc,2020-01-01,\n"
        ));
    }
    app.seed_roster(UNITS_CSV, &roster).await;
    app.grant("DB003", "home_affairs", None).await;
    app.set_policy(2026, 120).await;
    app.set_clock("2026-07-02T03:00:00Z");
    app.token_for("DB003").await
}

async fn share(app: &TestApp, staff_code: &str, n: usize) {
    let token = app.token_for(staff_code).await;
    let (status, body) = app
        .post(
            "/api/v1/shares",
            &token,
            json!({"source_url": format!("https://dienbien.gov.vn/{staff_code}/{n}"), "platform": "zalo"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

fn codes(page: &Value, list: &str) -> Vec<String> {
    page[list]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| r["staff_code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Follows `next_cursor` from `first` to the end; each page's rows, and a hook between pages.
async fn walk<F, Fut>(app: &TestApp, token: &str, first: &str, mut between: F) -> Vec<Vec<String>>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut pages = Vec::new();
    let mut path = first.to_owned();
    for n in 0..50 {
        let (status, page) = app.get(&path, token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        pages.push(codes(&page, "rows"));
        let Some(cursor) = page["next_cursor"].as_str() else {
            assert!(page["next_cursor"].is_null(), "{page}");
            return pages;
        };
        between(n).await;
        path = format!("{first}&cursor={cursor}");
    }
    panic!("more than 50 pages");
}

both_databases!(
    unit_tally_pages_cross_equal_names_without_repeat_or_gap,
    |app| async move {
        let token = namesakes(&mut app).await;
        let (_, whole) = app
            .get("/api/v1/units/XMP/tally?year=2026&limit=500", &token)
            .await;
        let all = codes(&whole, "rows");
        assert_eq!(all.len(), 9, "{whole}");
        assert_eq!(whole["total"], 9);
        assert!(whole["next_cursor"].is_null());
        let pages = walk(
            &app,
            &token,
            "/api/v1/units/XMP/tally?year=2026&limit=2",
            |_| async {},
        )
        .await;
        assert_eq!(pages.len(), 5, "{pages:?}");
        assert!(pages.iter().all(|p| p.len() <= 2));
        assert_eq!(
            pages.concat(),
            all,
            "same order, nothing repeated or missed"
        );
        // The namesakes are told apart by staff code, in order.
        let namesakes: Vec<&String> = all.iter().filter(|c| c.starts_with("DBN")).collect();
        assert!(namesakes.windows(2).all(|w| w[0] < w[1]), "{namesakes:?}");
        app.finish().await
    }
);

both_databases!(
    a_share_arriving_between_two_pages_neither_repeats_nor_skips_a_person,
    |app| async move {
        let token = namesakes(&mut app).await;
        // Everyone has one share but DBN07, so sorting by shares puts DBN07 last.
        for code in [
            "DB001", "DB002", "DBN01", "DBN02", "DBN03", "DBN04", "DBN05", "DBN06",
        ] {
            share(&app, code, 0).await;
        }
        for (round, sort) in ["shares", "progress", "name"].into_iter().enumerate() {
            let first = format!("/api/v1/units/XMP/tally?year=2026&limit=3&sort={sort}");
            let (_, whole) = app
                .get(
                    &format!("/api/v1/units/XMP/tally?year=2026&sort={sort}"),
                    &token,
                )
                .await;
            let before = codes(&whole, "rows");
            let app_ref = &app;
            let sort_ref = sort;
            let pages = walk(&app, &token, &first, |n| async move {
                if n == 0 {
                    // After the first page, someone not yet listed gets ahead of everyone.
                    let late = if sort_ref == "progress" {
                        "DB001"
                    } else {
                        "DBN07"
                    };
                    for k in 1..=3 {
                        share(app_ref, late, 100 * (round + 1) + k).await;
                    }
                }
            })
            .await;
            let mut seen = pages.concat();
            assert_eq!(seen.len(), before.len(), "{sort}: {pages:?}");
            seen.sort();
            let mut expected = before.clone();
            expected.sort();
            assert_eq!(seen, expected, "{sort}: each person exactly once");
        }
        app.finish().await
    }
);

both_databases!(
    page_size_over_the_maximum_is_refused_with_a_clear_error,
    |app| async move {
        let token = namesakes(&mut app).await;
        let staff = app.token_for("DB001").await;
        for (path, who) in [
            ("/api/v1/units/XMP/tally?year=2026&limit=501", &token),
            ("/api/v1/shares?staff_code=DB001&limit=501", &token),
            ("/api/v1/me/shares?limit=100000", &staff),
        ] {
            let (status, body) = app.get(path, who).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
            assert_eq!(body["error"]["code"], "page_size_too_large", "{path}");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("tối đa 500")),
                "{body}"
            );
        }
        let (status, body) = app
            .get("/api/v1/units/XMP/tally?year=2026&limit=0", &token)
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_page_size"))
        );
        let (status, body) = app
            .get("/api/v1/units/XMP/tally?year=2026&cursor=nonsense", &token)
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_cursor"))
        );
        let (status, body) = app
            .get("/api/v1/units/XMP/tally?year=2026&sort=height", &token)
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_sort"))
        );
        // A cursor of one order is refused in another.
        let (_, page) = app
            .get("/api/v1/units/XMP/tally?year=2026&limit=2", &token)
            .await;
        let cursor = page["next_cursor"]
            .as_str()
            .expect("a next page")
            .to_owned();
        let (status, body) = app
            .get(
                &format!("/api/v1/units/XMP/tally?year=2026&limit=2&sort=shares&cursor={cursor}"),
                &token,
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::UNPROCESSABLE_ENTITY, json!("invalid_cursor"))
        );
        // The default page size holds the whole of a small unit, and search happens on the server.
        let (_, page) = app
            .get("/api/v1/units/XMP/tally?year=2026&q=binh", &token)
            .await;
        assert_eq!(codes(&page, "rows"), vec!["DB002".to_owned()], "{page}");
        assert_eq!(page["total"], 1);
        app.finish().await
    }
);

both_databases!(
    history_and_review_lists_page_newest_first_while_shares_arrive,
    |app| async move {
        let token = namesakes(&mut app).await;
        for n in 0..5 {
            share(&app, "DB001", n).await;
        }
        let staff = app.token_for("DB001").await;
        for (first, who) in [
            ("/api/v1/me/shares?limit=2".to_owned(), staff.clone()),
            (
                "/api/v1/shares?staff_code=DB001&limit=2".to_owned(),
                token.clone(),
            ),
        ] {
            let (_, whole) = app.get(&first.replace("limit=2", "limit=500"), &who).await;
            let ids: Vec<i64> = whole["items"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .filter_map(|i| i["id"].as_i64())
                .collect();
            assert!(ids.len() >= 5, "{whole}");
            let mut seen = Vec::new();
            let mut path = first.clone();
            for n in 0..20 {
                let (status, page) = app.get(&path, &who).await;
                assert_eq!(status, StatusCode::OK, "{page}");
                seen.extend(
                    page["items"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|i| i["id"].as_i64()),
                );
                let Some(cursor) = page["next_cursor"].as_str() else {
                    break;
                };
                if n == 0 {
                    share(&app, "DB001", 1000 + ids.len()).await;
                }
                path = format!("{first}&cursor={cursor}");
            }
            assert_eq!(
                seen, ids,
                "{first}: newest first, the late share not slipped in between"
            );
        }
        app.finish().await
    }
);
