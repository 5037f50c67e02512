//! Declared accounts through the API: declaring, editing and removing one's own, one person per
//! account, the match status every share gets when it is logged, the review flag for a post on
//! another person's account, a unit's listing within scope, and its audited export.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

struct Tokens {
    an: String,
    head: String,
    home_affairs: String,
    dung: String,
}

async fn setup(app: &TestApp) -> Tokens {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    app.grant("DB002", "unit_head", Some("XMP")).await;
    app.grant("DB003", "home_affairs", None).await;
    Tokens {
        an: app.token_for("DB001").await,
        head: app.token_for("DB002").await,
        home_affairs: app.token_for("DB003").await,
        dung: app.token_for("DB004").await,
    }
}

async fn declare(app: &TestApp, token: &str, platform: &str, address: &str) -> (StatusCode, Value) {
    app.post(
        "/api/v1/me/accounts",
        token,
        json!({"platform": platform, "address": address}),
    )
    .await
}

async fn audited(app: &TestApp, action: &str) -> Vec<audit_event::Model> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(action))
        .all(&app.db)
        .await
        .expect("audit events")
}

both_databases!(
    a_person_declares_edits_and_removes_their_accounts,
    |app| async move {
        let t = setup(&app).await;
        let (status, body) = app
            .post(
                "/api/v1/me/accounts",
                &t.an,
                json!({"platform": "facebook", "address": "https://m.facebook.com/Nguyen.Van.An/?mibextid=x", "display_name": "  An   Nguyễn "}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["normalized"], json!("nguyenvanan"), "{body}");
        assert_eq!(body["platform"], json!("facebook"));
        assert_eq!(
            body["address"],
            json!("https://m.facebook.com/Nguyen.Van.An/?mibextid=x"),
            "the address is kept as typed"
        );
        assert_eq!(
            body["display_name"],
            json!("An Nguyễn"),
            "white space tidied"
        );
        let id = body["id"].as_i64().expect("id");

        let (status, list) = app.get("/api/v1/me/accounts", &t.an).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
        let (_, others) = app.get("/api/v1/me/accounts", &t.dung).await;
        assert_eq!(
            others["items"],
            json!([]),
            "each person sees their own only"
        );

        let (status, body, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/me/accounts/{id}"),
                Some(&t.an),
                Some(json!({"platform": "tiktok", "address": "@An.Nguyen"})),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["platform"].clone(), body["normalized"].clone()),
            (json!("tiktok"), json!("an.nguyen"))
        );
        let (status, _, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/me/accounts/{id}"),
                Some(&t.dung),
                Some(json!({"platform": "tiktok", "address": "@dung"})),
                &[],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "another person's account cannot be edited"
        );

        for (platform, address, code) in [
            ("myspace", "@an", "invalid_platform"),
            (
                "facebook",
                "https://www.tiktok.com/@an",
                "account_platform_mismatch",
            ),
            (
                "facebook",
                "https://www.facebook.com/share/p/AbC/",
                "invalid_account",
            ),
            ("facebook", "", "invalid_account"),
        ] {
            let (status, body) = declare(&app, &t.an, platform, address).await;
            assert_eq!(
                (status, body["error"]["code"].clone()),
                (StatusCode::UNPROCESSABLE_ENTITY, json!(code)),
                "{platform} {address}: {body}"
            );
        }

        let (status, _, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/me/accounts/{id}"),
                Some(&t.dung),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not one's own");
        let (status, _, _) = app
            .request(
                Method::DELETE,
                &format!("/api/v1/me/accounts/{id}"),
                Some(&t.an),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, list) = app.get("/api/v1/me/accounts", &t.an).await;
        assert_eq!(list["items"], json!([]));

        for action in ["account.declare", "account.update", "account.remove"] {
            let events = audited(&app, action).await;
            assert_eq!(events.len(), 1, "{action} audited once");
            assert!(
                events[0].actor.starts_with("DB001"),
                "{action} by the person: {}",
                events[0].actor
            );
        }
        app.finish().await;
    }
);

both_databases!(
    an_account_another_person_declared_is_refused,
    |app| async move {
        let t = setup(&app).await;
        let (status, _) = declare(&app, &t.an, "facebook", "nguyen.van.an").await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = declare(
            &app,
            &t.dung,
            "facebook",
            "https://www.facebook.com/NguyenVanAn",
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("account_taken")),
            "the same account in another spelling: {body}"
        );
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("cán bộ khác"),
            "a clear message: {message}"
        );
        let (status, body) = declare(&app, &t.an, "facebook", "@NguyenVanAn").await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("account_already_declared")),
            "{body}"
        );
        let (status, _) = declare(&app, &t.dung, "tiktok", "nguyenvanan").await;
        assert_eq!(
            status,
            StatusCode::CREATED,
            "the same name on another platform is another account"
        );
        let (_, mine) = declare(&app, &t.dung, "facebook", "dung.quang").await;
        let id = mine["id"].as_i64().expect("id");
        let (status, body, _) = app
            .request(
                Method::PATCH,
                &format!("/api/v1/me/accounts/{id}"),
                Some(&t.dung),
                Some(json!({"platform": "facebook", "address": "nguyenvanan"})),
                &[],
            )
            .await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (StatusCode::CONFLICT, json!("account_taken")),
            "editing into a taken account: {body}"
        );
        assert_eq!(app.count("declared_accounts").await, 3);
        app.finish().await;
    }
);

/// DB001 declares `nguyenvanan`, DB004 declares `dungquang`; DB001 then logs a share per
/// status. Returns the ids by status.
async fn shares_of_each_status(app: &TestApp, t: &Tokens) -> Vec<(&'static str, i64)> {
    assert_eq!(
        declare(app, &t.an, "facebook", "nguyen.van.an").await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        declare(app, &t.dung, "facebook", "dungquang").await.0,
        StatusCode::CREATED
    );
    let cases = [
        (
            "matched",
            Some("https://www.facebook.com/Nguyen.Van.An/posts/101"),
        ),
        (
            "other_person",
            Some("https://m.facebook.com/dungquang/posts/102"),
        ),
        (
            "undeclared",
            Some("https://www.facebook.com/someone.else/posts/103"),
        ),
        ("unknown", None),
        ("unknown", Some("https://www.facebook.com/share/p/1AbCdEf/")),
    ];
    let mut out = Vec::new();
    for (n, (want, post)) in cases.into_iter().enumerate() {
        let mut body = json!({"source_url": format!("https://dienbien.gov.vn/tin/{n}"), "platform": "facebook"});
        if let Some(post) = post {
            body["post_url"] = json!(post);
        }
        let (status, share) = app.post("/api/v1/shares", &t.an, body).await;
        assert_eq!(status, StatusCode::CREATED, "{share}");
        assert_eq!(share["account_match"], json!(want), "{post:?}: {share}");
        out.push((want, share["id"].as_i64().expect("id")));
    }
    out
}

both_databases!(
    each_share_records_how_its_post_matches_the_declared_accounts,
    |app| async move {
        let t = setup(&app).await;
        let ids = shares_of_each_status(&app, &t).await;
        assert_eq!(ids.len(), 5);

        let (status, batch) = app
            .post(
                "/api/v1/shares/batch",
                &t.an,
                json!({"items": [
                    {"source_url": "https://dienbien.gov.vn/tin/b1", "platform": "facebook",
                     "post_url": "https://www.facebook.com/nguyenvanan/posts/201"},
                    {"source_url": "https://dienbien.gov.vn/tin/b2", "platform": "tiktok",
                     "post_url": "https://www.tiktok.com/@an.nguyen/video/7300000000000000001"},
                ]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{batch}");
        assert_eq!(
            batch["results"][0]["share"]["account_match"],
            json!("matched")
        );
        assert_eq!(
            batch["results"][1]["share"]["account_match"],
            json!("undeclared"),
            "a TikTok account nobody declared"
        );
        assert_eq!(
            batch["results"][1]["share"]["post_account"],
            json!("an.nguyen"),
            "the account the post shows, for the form's hint"
        );

        let year = chrono::Datelike::year(&app.state.clock.today());
        let (status, history) = app
            .get(&format!("/api/v1/me/shares?year={year}"), &t.an)
            .await;
        assert_eq!(status, StatusCode::OK);
        let items = history["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 7, "{history}");
        for (want, id) in &ids {
            let item = items
                .iter()
                .find(|i| i["id"].as_i64() == Some(*id))
                .expect("in the history");
            assert_eq!(item["account_match"], json!(want), "history of {id}");
        }
        app.finish().await;
    }
);

both_databases!(
    a_post_on_another_persons_account_is_flagged_for_review,
    |app| async move {
        let t = setup(&app).await;
        let ids = shares_of_each_status(&app, &t).await;
        let year = chrono::Datelike::year(&app.state.clock.today());
        let (status, list) = app
            .get(
                &format!("/api/v1/shares?staff_code=DB001&year={year}"),
                &t.head,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let items = list["items"].as_array().cloned().unwrap_or_default();
        for (want, id) in &ids {
            let item = items
                .iter()
                .find(|i| i["id"].as_i64() == Some(*id))
                .expect("in the review list");
            assert_eq!(item["account_match"], json!(want), "review list of {id}");
            let flagged = item["flags"]
                .as_array()
                .is_some_and(|f| f.contains(&json!("other_persons_account")));
            assert_eq!(
                flagged,
                *want == "other_person",
                "{want}: flags {}",
                item["flags"]
            );
        }
        app.finish().await;
    }
);

both_databases!(
    a_unit_head_lists_the_accounts_of_their_subtree_only,
    |app| async move {
        let t = setup(&app).await;
        declare(&app, &t.an, "facebook", "nguyen.van.an").await;
        declare(&app, &t.an, "zalo", "0912 345 678").await;
        declare(&app, &t.dung, "tiktok", "@dung").await;

        let (status, body) = app.get("/api/v1/units/XMP/accounts", &t.head).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let codes: Vec<&str> = body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["staff_code"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            codes,
            ["DB001", "DB002"],
            "the subtree's people, in name order"
        );
        assert_eq!(
            body["items"][0]["accounts"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(
            body["items"][1]["accounts"],
            json!([]),
            "the head declared none"
        );
        assert_eq!(
            (
                body["people"].clone(),
                body["with_accounts"].clone(),
                body["without_accounts"].clone()
            ),
            (json!(2), json!(1), json!(1))
        );
        let (_, none) = app
            .get("/api/v1/units/XMP/accounts?without_accounts=true", &t.head)
            .await;
        assert_eq!(none["items"].as_array().map(Vec::len), Some(1));
        assert_eq!(none["items"][0]["staff_code"], json!("DB002"));

        for outside in ["SNV", "SVH", "DB", "NOPE"] {
            let (status, _) = app
                .get(&format!("/api/v1/units/{outside}/accounts"), &t.head)
                .await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{outside} is outside the head's scope"
            );
        }
        let (status, _) = app.get("/api/v1/units/XMP/accounts", &t.an).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "staff do not list others");

        let (status, all) = app
            .get(
                "/api/v1/units/DB/accounts?per_page=2&page=2",
                &t.home_affairs,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{all}");
        assert_eq!(all["people"], json!(4), "Home Affairs sees the province");
        assert_eq!(all["items"].as_array().map(Vec::len), Some(2), "paged");
        let (status, body) = app
            .get("/api/v1/units/DB/accounts?per_page=1001", &t.home_affairs)
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("page_size_too_large")
            ),
            "the project's page-size rule, not a silent clamp"
        );
        let (status, _) = app
            .get("/api/v1/units/NOPE/accounts", &t.home_affairs)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.finish().await;
    }
);

async fn accepted(app: &TestApp, token: &str, year: i32) -> Value {
    app.get(&format!("/api/v1/me/tally?year={year}"), token)
        .await
        .1["accepted"]
        .clone()
}

async fn raw_get(app: &TestApp, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let (status, headers, bytes) = app.send_raw(request).await;
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, bytes)
}

both_databases!(
    the_accounts_list_exports_as_csv_and_xlsx_and_each_export_is_audited,
    |app| async move {
        let t = setup(&app).await;
        let (status, _) = app
            .post(
                "/api/v1/me/accounts",
                &t.an,
                json!({"platform": "facebook", "address": "https://www.facebook.com/nguyen.van.an", "display_name": "=HYPERLINK(\"x\")"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, content_type, bytes) =
            raw_get(&app, "/api/v1/units/XMP/accounts?format=csv", &t.head).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV with a BOM");
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.contains("DB001,Nguyễn Văn An"), "{text}");
        assert!(text.contains("nguyenvanan"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "a formula stays text: {text}");
        assert!(
            text.contains("DB002,Lò Thị Bình"),
            "who has none is listed: {text}"
        );
        assert!(!text.contains("DB004"), "nobody from outside: {text}");

        let (status, content_type, bytes) =
            raw_get(&app, "/api/v1/units/XMP/accounts?format=xlsx", &t.head).await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.contains("spreadsheetml"), "{content_type}");
        assert!(bytes.starts_with(b"PK"), "a workbook");

        let (status, _, _) = raw_get(&app, "/api/v1/units/SNV/accounts?format=csv", &t.head).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = raw_get(&app, "/api/v1/units/XMP/accounts?format=pdf", &t.head).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let events = audited(&app, "export.accounts").await;
        assert_eq!(
            events.len(),
            2,
            "one entry per file, none for the refused ones"
        );
        for event in &events {
            assert!(event.actor.starts_with("DB002"), "{}", event.actor);
            assert_eq!(event.target_id.as_deref(), Some("XMP"));
        }
        let formats: Vec<String> = events
            .iter()
            .filter_map(|e| e.detail.as_deref())
            .filter_map(|d| serde_json::from_str::<Value>(d).ok())
            .filter_map(|d| d["format"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(formats, ["csv", "xlsx"]);
        app.finish().await;
    }
);

both_databases!(
    a_policy_may_count_only_shares_on_the_persons_own_accounts,
    |app| async move {
        let t = setup(&app).await;
        let year = chrono::Datelike::year(&app.state.clock.today());
        app.set_policy(year, 10).await;
        let ids = shares_of_each_status(&app, &t).await;
        assert_eq!(
            ids.len(),
            5,
            "one matched, one other, one undeclared, two unknown"
        );
        assert_eq!(
            accepted(&app, &t.an, year).await,
            json!(5),
            "by default every accepted share counts"
        );

        let (status, policy) = app
            .put_json(
                &format!("/api/v1/policies/{year}"),
                &t.home_affairs,
                json!({"target": 10, "count_only_own_accounts": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{policy}");
        assert_eq!(policy["count_only_own_accounts"], json!(true));
        assert_eq!(
            accepted(&app, &t.an, year).await,
            json!(3),
            "matched and cannot-tell shares count; another person's and undeclared ones do not"
        );
        let (_, unit) = app
            .get(&format!("/api/v1/units/XMP/tally?year={year}"), &t.head)
            .await;
        let row = unit["rows"]
            .as_array()
            .and_then(|rows| {
                rows.iter()
                    .find(|r| r["staff_code"] == json!("DB001"))
                    .cloned()
            })
            .expect("DB001's row");
        assert_eq!(row["accepted"], json!(3), "the unit's tally too: {row}");
        assert_eq!(row["declared_accounts"], json!(1), "{row}");
        assert_eq!(
            row["shares_by_account_match"],
            json!({"matched": 1, "other_person": 1, "undeclared": 1, "unknown": 2}),
            "the unit's tally shows the shares by match status"
        );
        let (status, export) = app
            .get(
                &format!("/api/v1/exports/evaluation?year={year}&format=json&unit=XMP"),
                &t.head,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{export}");
        let row = export["rows"]
            .as_array()
            .and_then(|rows| {
                rows.iter()
                    .find(|r| r["staff_code"] == json!("DB001"))
                    .cloned()
            })
            .expect("DB001's export row");
        assert_eq!(
            row["accepted"],
            json!(3),
            "and the evaluation export: {row}"
        );

        // The annual report counts who met the target by the same rule: with a target of 4,
        // DB001 has 5 accepted shares but only 3 on their own or unknown accounts.
        let (status, _) = app
            .put_json(
                &format!("/api/v1/policies/{year}"),
                &t.home_affairs,
                json!({"target": 4, "count_only_own_accounts": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, export) = app
            .get(
                &format!("/api/v1/exports/evaluation?year={year}&format=json&unit=XMP"),
                &t.head,
            )
            .await;
        let met_in_export = export["rows"].as_array().map_or(0, |rows| {
            rows.iter().filter(|r| r["met"] == json!(true)).count()
        });
        let (status, report) = app
            .get(
                &format!("/api/v1/reports/annual?year={year}&unit=XMP"),
                &t.head,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            report["total"]["met"],
            json!(met_in_export),
            "the report's met count follows the policy option: {report}"
        );
        let (status, _) = app
            .put_json(
                &format!("/api/v1/policies/{year}"),
                &t.home_affairs,
                json!({"target": 10, "count_only_own_accounts": true}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        // A rejected share on another person's account leaves the strict count alone.
        let other = ids
            .iter()
            .find(|(status, _)| *status == "other_person")
            .map(|(_, id)| *id)
            .expect("other");
        let (status, _) = app
            .post(
                &format!("/api/v1/shares/{other}/review"),
                &t.head,
                json!({"decision": "reject", "reason": "Bài đăng trên tài khoản của người khác"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(accepted(&app, &t.an, year).await, json!(3));

        let (_, policy) = app
            .put_json(
                &format!("/api/v1/policies/{year}"),
                &t.home_affairs,
                json!({"target": 12}),
            )
            .await;
        assert_eq!(
            policy["count_only_own_accounts"],
            json!(true),
            "an edit that does not mention the option keeps it"
        );
        let (_, policy) = app
            .put_json(
                &format!("/api/v1/policies/{year}"),
                &t.home_affairs,
                json!({"target": 12, "count_only_own_accounts": false}),
            )
            .await;
        assert_eq!(policy["count_only_own_accounts"], json!(false));
        assert_eq!(
            accepted(&app, &t.an, year).await,
            json!(4),
            "off again: every accepted share counts (one was rejected)"
        );
        app.finish().await;
    }
);

both_databases!(
    declared_accounts_are_in_the_persons_data_and_purged_once_they_have_left,
    |app| async move {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let t = setup(&app).await;
        declare(&app, &t.an, "facebook", "nguyen.van.an").await;
        declare(&app, &t.dung, "tiktok", "@dung").await;

        let session = crate::helpers::session_for(&app, "DB001").await;
        let (status, data, _) = app
            .request(
                Method::GET,
                "/me/data.json",
                None,
                None,
                &[("cookie", session.cookie.as_str())],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            data["declared_accounts"][0]["normalized"],
            json!("nguyenvanan"),
            "the download lists the person's accounts"
        );
        let (_, page, _) = app
            .request(
                Method::GET,
                "/me/data",
                None,
                None,
                &[("cookie", session.cookie.as_str())],
            )
            .await;
        assert!(
            page.as_str().unwrap_or_default().contains("nguyen.van.an"),
            "the data page shows the account as declared"
        );

        let dung = lantoa::db::people::by_staff_code(&app.db, "DB004")
            .await
            .expect("db")
            .expect("person");
        let mut leaver: entity::person::ActiveModel = dung.into();
        leaver.left_on = Set(chrono::NaiveDate::from_ymd_opt(2021, 6, 30));
        leaver.update(&app.db).await.expect("left");
        let cut = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).expect("date");
        let purged = lantoa::service::retention::purge(
            &app.db,
            &lantoa::db::audit::Actor::cli(),
            cut,
            400,
            chrono::Utc::now(),
            None,
        )
        .await
        .expect("purge");
        assert_eq!(purged.declared_accounts, 1, "the leaver's account");
        assert_eq!(app.count("declared_accounts").await, 1, "the others stay");
        let (_, mine) = app.get("/api/v1/me/accounts", &t.an).await;
        assert_eq!(mine["items"].as_array().map(Vec::len), Some(1));
        app.finish().await;
    }
);

/// PostgreSQL: the losing insert aborts its transaction, and the owner is looked up after it.
/// (On SQLite two write transactions at once already serialise on the file lock, and the
/// second may get 503 `unavailable`, "try again", as every write transaction there may.)
#[tokio::test]
async fn two_people_declaring_one_account_at_once_get_one_201_and_one_409() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Postgres).await else {
        return;
    };
    {
        let t = setup(&app).await;
        for round in 0..5 {
            let address = format!("https://www.facebook.com/cung.mot.nguoi.{round}");
            let ((a, body_a), (b, body_b)) = tokio::join!(
                declare(&app, &t.an, "facebook", &address),
                declare(&app, &t.dung, "facebook", &address)
            );
            let mut statuses = [a, b];
            statuses.sort();
            assert_eq!(
                statuses,
                [StatusCode::CREATED, StatusCode::CONFLICT],
                "round {round}: {body_a} {body_b}"
            );
            let refused = if a == StatusCode::CONFLICT {
                &body_a
            } else {
                &body_b
            };
            assert_eq!(refused["error"]["code"], "account_taken", "{refused}");
        }
    }
    app.finish().await;
}
