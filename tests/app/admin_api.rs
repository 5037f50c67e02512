//! The JSON administration API (`/api/v1/admin/…`): every call, and the refusals it shares with
//! the admin pages because it calls the same service functions — the public-suffix guard, the
//! last administrator, a unit under its own descendant, the roles' scopes — on both databases.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

use crate::admin_helpers::seed;
use crate::both_databases;
use crate::helpers::TestApp;

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let (status, json, _) = app.send(request.body(body).expect("request")).await;
    (status, json)
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq(action))
        .count(&app.db)
        .await
        .expect("count") as i64
}

both_databases!(
    the_allowlist_is_managed_through_the_api_with_the_pages_rules,
    |app| async move {
        seed(&app).await;
        let culture = app.token_for("DB004").await;
        let home_affairs = app.token_for("DB003").await;
        let rules = app.count("allowlist_rules").await;

        let (status, body) =
            call(&app, Method::GET, "/api/v1/admin/allowlist", &culture, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["items"].as_array().map(Vec::len),
            Some(usize::try_from(rules).expect("n"))
        );
        let (status, _) = call(
            &app,
            Method::GET,
            "/api/v1/admin/allowlist",
            &home_affairs,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "wrong role");

        let article = json!({"url": "https://baolaichau.vn/tin/1.html"});
        let (_, verdict) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/test",
            &culture,
            Some(article.clone()),
        )
        .await;
        assert_eq!(verdict["verdict"], "rejected");
        assert_eq!(verdict["reason"], "not_allowlisted");

        let rule = json!({"kind": "host", "pattern": "baolaichau.vn", "category": "press", "label": "Báo Lai Châu"});
        let (status, created) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist",
            &culture,
            Some(rule.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().expect("id");
        let (_, verdict) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/test",
            &culture,
            Some(article.clone()),
        )
        .await;
        assert_eq!(
            verdict["verdict"], "accepted",
            "the new rule is in force at once"
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist",
            &culture,
            Some(rule),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("rule_exists"))
        );

        // A suffix rule on a public suffix needs the confirmation, as on the page.
        let suffix = json!({"kind": "suffix", "pattern": "edu.vn", "category": "government", "label": "Trường học"});
        let before = app.count("allowlist_rules").await;
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist",
            &culture,
            Some(suffix.clone()),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("public_suffix_rule"))
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        assert_eq!(
            app.count("allowlist_rules").await,
            before,
            "nothing written"
        );
        let mut confirmed = suffix;
        confirmed["confirm_restricted_suffix"] = json!(true);
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist",
            &culture,
            Some(confirmed),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);

        let edit = json!({"kind": "host", "pattern": "baolaichau.vn", "category": "press", "label": "Báo Lai Châu điện tử"});
        let (status, body) = call(
            &app,
            Method::PUT,
            &format!("/api/v1/admin/allowlist/{id}"),
            &culture,
            Some(edit),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["id"], id, "a label change is made in place");
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/admin/allowlist/{id}/disable"),
            &culture,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, verdict) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/test",
            &culture,
            Some(article.clone()),
        )
        .await;
        assert_eq!(verdict["verdict"], "rejected", "disabled");
        let (status, _) = call(
            &app,
            Method::POST,
            &format!("/api/v1/admin/allowlist/{id}/enable"),
            &culture,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        let csv = "kind,pattern,category,label\nhost,baosonla.vn,press,Báo Sơn La\nsuffix,gov.vn,nope,X\n";
        let (status, plan) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/import",
            &culture,
            Some(json!({"csv": csv})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{plan}");
        assert_eq!(
            (plan["applied"].as_bool(), plan["refused"].as_u64()),
            (Some(false), Some(1)),
            "{plan}"
        );
        let before = app.count("allowlist_rules").await;
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/import",
            &culture,
            Some(json!({"csv": csv, "apply": true})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            app.count("allowlist_rules").await,
            before,
            "a refused row: nothing imported"
        );
        let good = "kind,pattern,category,label\nhost,baosonla.vn,press,Báo Sơn La\n";
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/allowlist/import",
            &culture,
            Some(json!({"csv": good, "apply": true})),
        )
        .await;
        assert_eq!(
            (status, body["applied"].as_bool()),
            (StatusCode::OK, Some(true)),
            "{body}"
        );
        assert_eq!(app.count("allowlist_rules").await, before + 1);

        for action in [
            "allowlist.create",
            "allowlist.update",
            "allowlist.disable",
            "allowlist.enable",
            "allowlist.import",
        ] {
            assert!(audited(&app, action).await >= 1, "{action} audited");
        }
        app.finish().await;
    }
);

both_databases!(
    units_and_people_are_managed_through_the_api_by_home_affairs,
    |app| async move {
        seed(&app).await;
        let ha = app.token_for("DB003").await;
        let culture = app.token_for("DB004").await;
        let (status, _) = call(&app, Method::GET, "/api/v1/admin/units", &culture, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "wrong role");

        let (status, tree) = call(&app, Method::GET, "/api/v1/admin/units", &ha, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(tree["items"][0]["code"], "DB");
        let (status, body) = call(&app, Method::POST, "/api/v1/admin/units", &ha, Some(json!({"code": "XMP-CA", "name": "Công an xã", "kind": "division", "parent_code": "XMP"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (status, body) = call(&app, Method::POST, "/api/v1/admin/units", &ha, Some(json!({"code": "XMP-CA", "name": "Trùng", "kind": "division", "parent_code": "XMP"}))).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("unit_exists"))
        );
        let (status, _) = call(
            &app,
            Method::PATCH,
            "/api/v1/admin/units/XMP-CA",
            &ha,
            Some(json!({"name": "Công an xã Mường Phăng", "parent_code": "DB"})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = call(
            &app,
            Method::PATCH,
            "/api/v1/admin/units/XMP",
            &ha,
            Some(json!({"parent_code": "XMP-VP"})),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unit_cycle")),
            "under its own descendant"
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/units/XMP-VP/retire",
            &ha,
            None,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("unit_has_people"))
        );
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/units/XMP-CA/retire",
            &ha,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);

        let (status, found) = call(
            &app,
            Method::GET,
            "/api/v1/admin/people?q=nguyen%20van%20an",
            &ha,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found["total"], 1, "found without diacritics: {found}");
        assert_eq!(found["items"][0]["staff_code"], "DB001");
        let person = json!({"staff_code": "DB010", "unit": "SVH", "full_name": "Lường Thị Hoa", "employment_type": "vien_chuc", "joined_on": "01/03/2026"});
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/people",
            &ha,
            Some(person.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(
            (body["staff_code"].as_str(), body["unit"].as_str()),
            (Some("DB010"), Some("SVH"))
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/people",
            &ha,
            Some(person),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("person_exists"))
        );
        let (status, _) = call(&app, Method::PUT, "/api/v1/admin/people/DB010", &ha, Some(json!({"full_name": "Lường Thị Hoa", "position": "Giáo viên", "employment_type": "vien_chuc"}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/people/DB010/move",
            &ha,
            Some(json!({"unit": "SNV"})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/people/DB010/leave",
            &ha,
            Some(json!({"left_on": "30/11/2026"})),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let stored = lantoa::db::people::by_staff_code(&app.db, "DB010")
            .await
            .expect("db")
            .expect("person");
        assert_eq!(stored.position.as_deref(), Some("Giáo viên"));
        assert_eq!(
            stored.left_on,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        for action in [
            "unit.create",
            "unit.rename",
            "unit.move",
            "unit.retire",
            "person.create",
            "person.update",
            "person.move",
            "person.leave",
        ] {
            assert!(audited(&app, action).await >= 1, "{action} audited");
        }
        app.finish().await;
    }
);

both_databases!(
    roles_are_granted_and_revoked_through_the_api_and_the_last_admin_stays,
    |app| async move {
        seed(&app).await;
        let admin = app.token_for("DB005").await;
        let ha = app.token_for("DB003").await;
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles",
            &ha,
            Some(json!({"staff_code": "DB001", "role": "admin"})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "Home Affairs cannot grant roles"
        );

        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles",
            &admin,
            Some(json!({"staff_code": "DB001", "role": "unit_head"})),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("unit_required"))
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles",
            &admin,
            Some(json!({"staff_code": "DB001", "role": "unit_head", "unit": "XMP-VP"})),
        )
        .await;
        assert_eq!(
            (status, body["granted"].as_bool()),
            (StatusCode::CREATED, Some(true)),
            "{body}"
        );
        let (status, list) = call(
            &app,
            Method::GET,
            "/api/v1/admin/roles?role=unit_head",
            &admin,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list["items"].as_array().is_some_and(|items| items
                .iter()
                .any(|h| h["staff_code"] == "DB001" && h["unit_code"] == "XMP-VP")),
            "{list}"
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles/revoke",
            &admin,
            Some(json!({"staff_code": "DB001", "role": "unit_head", "unit": "XMP-VP"})),
        )
        .await;
        assert_eq!(
            (status, body["revoked"].as_bool()),
            (StatusCode::OK, Some(true))
        );

        // The last administrator can neither lose the role nor leave.
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles/revoke",
            &admin,
            Some(json!({"staff_code": "DB005", "role": "admin"})),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("last_admin"))
        );
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v1/admin/people/DB005/leave",
            &admin,
            Some(json!({"left_on": "01/12/2026"})),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("last_admin"))
        );
        let (status, body) = call(
            &app,
            Method::GET,
            "/api/v1/admin/roles?role=king",
            &admin,
            None,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_role"))
        );
        assert!(audited(&app, "role.grant").await >= 1 && audited(&app, "role.revoke").await >= 1);

        // A read-only token reads but changes nothing.
        let reader = app.token_with("DB005", true).await;
        let (status, _) = call(&app, Method::GET, "/api/v1/admin/roles", &reader, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v1/admin/roles",
            &reader,
            Some(json!({"staff_code": "DB001", "role": "culture"})),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.finish().await;
    }
);
