//! `/admin/roles` through the router: who holds what, grant and revoke (unit heads with their
//! unit), the last active admin kept (from the page, even for oneself, and from the command
//! line's service), Home Affairs refused, and a change applying to the person's next request.

use axum::http::StatusCode;

use crate::admin_helpers::{audited, get, location, post_form, post_raw_form, session_for};
use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn setup(app: &TestApp) -> crate::helpers::Session {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    app.grant("DB003", "home_affairs", None).await;
    app.grant("DB004", "admin", None).await;
    session_for(app, "DB004").await
}

fn revoke_path(html: &str, row_text: &str) -> String {
    let row = html
        .split("<tr")
        .find(|r| r.contains(row_text))
        .unwrap_or_else(|| panic!("a row with {row_text}"));
    let at = row.find("/admin/roles/").expect("revoke form");
    row[at..].split('"').next().unwrap_or_default().to_owned()
}

both_databases!(
    roles_are_listed_granted_with_their_unit_and_revoked,
    |app| async move {
        let s = setup(&app).await;
        let (status, headers, body) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[
                ("staff_code", "db002"),
                ("role", "unit_head"),
                ("unit", "XMP"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location(&headers), "/admin/roles?ok=granted");
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[
                ("staff_code", "DB002"),
                ("role", "unit_head"),
                ("unit", "XMP"),
            ],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "granting again changes nothing"
        );
        let (status, _, body) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[("staff_code", "DB001"), ("role", "unit_head"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body.contains("cần chọn đơn vị phụ trách"), "{body}");
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[("staff_code", "NOBODY"), ("role", "culture"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[("staff_code", "DB001"), ("role", "king"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let (status, _, html) = get(&app, "/admin/roles?role=unit_head", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Lò Thị Bình") && html.contains("Xã Mường Phăng (XMP)"),
            "{html}"
        );
        assert!(!html.contains("Trần Đức Chính"), "filtered by role");
        let (_, _, all) = get(&app, "/admin/roles", &s).await;
        assert!(
            all.contains("Trần Đức Chính") && all.contains("Quàng Văn Dũng"),
            "every role"
        );

        let path = revoke_path(&html, "Lò Thị Bình");
        let (status, headers, _) = post_form(&app, &path, &s, &[]).await;
        assert_eq!(
            (status, location(&headers).as_str()),
            (StatusCode::SEE_OTHER, "/admin/roles?ok=revoked")
        );
        assert!(
            lantoa::db::roles::of_person(
                &app.db,
                lantoa::db::people::by_staff_code(&app.db, "DB002")
                    .await
                    .expect("db")
                    .expect("p")
                    .id
            )
            .await
            .expect("grants")
            .is_empty()
        );
        assert_eq!(audited(&app, "role.grant").await.len(), 1);
        assert_eq!(audited(&app, "role.revoke").await.len(), 1);
        app.finish().await
    }
);

both_databases!(
    the_last_admin_cannot_be_revoked_even_by_themselves,
    |app| async move {
        let s = setup(&app).await;
        let (_, _, html) = get(&app, "/admin/roles?role=admin", &s).await;
        let own = revoke_path(&html, "Quàng Văn Dũng");
        let (status, _, body) = post_form(&app, &own, &s, &[]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("quản trị viên cuối cùng"), "{body}");
        // Nor from the command line's service.
        let change = lantoa::service::roles::RoleChange {
            staff_code: "DB004".into(),
            role: lantoa::domain::roster::Role::Admin,
            unit_code: None,
        };
        let refused = lantoa::service::roles::revoke(
            &app.db,
            &lantoa::db::audit::Actor::cli(),
            &change,
            chrono::Utc::now().date_naive(),
        )
        .await;
        assert_eq!(refused.err().map(|e| e.code()), Some("last_admin"));
        assert_eq!(app.count("role_grants WHERE role = 'admin'").await, 1);
        assert_eq!(audited(&app, "role.revoke").await.len(), 0);

        // With a second admin, the first may step down; the page then refuses them.
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[("staff_code", "DB001"), ("role", "admin"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = post_form(&app, &own, &s, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = get(&app, "/admin/roles", &s).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the revoked admin's next request"
        );
        app.finish().await
    }
);

both_databases!(
    home_affairs_cannot_grant_and_changes_need_the_csrf_token,
    |app| async move {
        let admin = setup(&app).await;
        let ha = session_for(&app, "DB003").await;
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &ha,
            &[("staff_code", "DB003"), ("role", "admin"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = get(&app, "/admin/roles", &ha).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _) = post_raw_form(
            &app,
            "/admin/roles",
            &admin,
            &[("staff_code", "DB001"), ("role", "admin"), ("unit", "")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        assert_eq!(app.count("role_grants WHERE role = 'admin'").await, 1);
        app.finish().await
    }
);

both_databases!(
    a_granted_role_applies_to_the_next_request_even_with_a_cached_token,
    |app| async move {
        let s = setup(&app).await;
        let token = app.token_for("DB001").await;
        let (status, _) = app.get("/api/v1/units/XMP/tally?year=2026", &token).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "cached as a staff member");
        let (status, _, _) = post_form(
            &app,
            "/admin/roles",
            &s,
            &[
                ("staff_code", "DB001"),
                ("role", "home_affairs"),
                ("unit", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = app.get("/api/v1/units/XMP/tally?year=2026", &token).await;
        assert_eq!(status, StatusCode::OK, "the grant applies at once");
        app.finish().await
    }
);

both_databases!(
    each_role_finds_its_work_from_the_home_page,
    |app| async move {
        crate::admin_helpers::seed(&app).await;
        let links = |html: &str, href: &str| html.contains(&format!("href=\"{href}"));

        let staff = session_for(&app, "DB001").await;
        let (status, _, home) = get(&app, "/", &staff).await;
        assert_eq!(status, StatusCode::OK);
        for href in ["/units", "/exports", "/policies/", "/admin"] {
            assert!(!links(&home, href), "staff see no {href}");
        }

        let culture = session_for(&app, "DB004").await;
        let (_, _, home) = get(&app, "/", &culture).await;
        assert!(links(&home, "/exports") && links(&home, "/admin"), "{home}");
        assert!(!links(&home, "/units") && !links(&home, "/policies/"));
        let (status, _, admin) = get(&app, "/admin", &culture).await;
        assert_eq!(status, StatusCode::OK);
        assert!(links(&admin, "/admin/allowlist"));
        assert!(!links(&admin, "/admin/roles") && !links(&admin, "/admin/people"));

        let home_affairs = session_for(&app, "DB003").await;
        let (_, _, home) = get(&app, "/", &home_affairs).await;
        for href in ["/units", "/exports", "/policies/", "/admin"] {
            assert!(links(&home, href), "Home Affairs sees {href}");
        }
        let (_, _, admin) = get(&app, "/admin", &home_affairs).await;
        assert!(links(&admin, "/admin/units") && links(&admin, "/admin/people"));
        assert!(!links(&admin, "/admin/roles") && !links(&admin, "/admin/allowlist"));

        let admin_session = session_for(&app, "DB005").await;
        let (_, _, admin) = get(&app, "/admin", &admin_session).await;
        for href in [
            "/admin/allowlist",
            "/admin/units",
            "/admin/people",
            "/admin/roles",
            "/admin/shares/import",
            "/admin/audit",
            "/admin/retention",
        ] {
            assert!(links(&admin, href), "admins see {href}");
        }
        app.finish().await
    }
);
