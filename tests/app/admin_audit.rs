//! `/admin/audit`: filters by person (actor or target), action and local days, newest first
//! with keyset pages, the CSV export with the same filters (itself audited), and no way to
//! change the log.

use axum::http::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::admin_helpers::{audited, get, post_form, seed, session_for};
use crate::both_databases;
use crate::helpers::TestApp;

async fn event(app: &TestApp, at: &str, actor: &str, action: &str, target: Option<&str>) {
    entity::audit_event::Entity::insert(entity::audit_event::ActiveModel {
        at: Set(at.parse().expect("instant")),
        actor_person_id: Set(None),
        actor: Set(actor.to_owned()),
        action: Set(action.to_owned()),
        target_type: Set(target.map(|_| "person".to_owned())),
        target_id: Set(target.map(str::to_owned)),
        detail: Set(Some("{\"n\":1}".to_owned())),
        ip: Set(None),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .expect("event");
}

fn rows(html: &str) -> usize {
    html.matches("<tr><td>").count()
}

/// The `href` of the link with this text.
fn link(html: &str, text: &str) -> Option<String> {
    let at = html.find(text)?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

both_databases!(
    the_audit_log_filters_by_person_action_and_local_day_and_pages_newest_first,
    |app| async move {
        seed(&app).await;
        for _ in 0..55 {
            event(&app, "2026-11-20T03:00:00Z", "DB002", "share.review", None).await;
        }
        // 18:00 UTC on 1 November is 01:00 on 2 November in Hà Nội.
        for _ in 0..3 {
            event(
                &app,
                "2026-11-01T18:00:00Z",
                "DB004",
                "allowlist.update",
                None,
            )
            .await;
        }
        event(
            &app,
            "2026-11-21T03:00:00Z",
            "cli",
            "role.grant",
            Some("DB001"),
        )
        .await;
        event(
            &app,
            "2026-11-21T04:00:00Z",
            "DB001 (token:script)",
            "export.unit",
            None,
        )
        .await;
        let s = session_for(&app, "DB005").await;

        let (status, _, html) = get(&app, "/admin/audit", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rows(&html), 50, "one bounded page");
        let first_id = html
            .find("<tr><td>")
            .map(|at| &html[at + 8..at + 12])
            .unwrap_or_default()
            .to_owned();
        let older = link(&html, "Cũ hơn").expect("a next page");
        assert!(older.contains("before="), "{older}");
        let (_, _, page2) = get(&app, &older, &s).await;
        assert_eq!(rows(&page2), 10, "the remaining events");
        assert!(
            !page2.contains(&format!("<tr><td>{first_id}")),
            "no overlap"
        );
        assert!(link(&page2, "Cũ hơn").is_none());

        let (_, _, html) = get(&app, "/admin/audit?person=DB004", &s).await;
        assert_eq!(rows(&html), 3);
        let (_, _, html) = get(&app, "/admin/audit?person=DB001", &s).await;
        assert_eq!(rows(&html), 2, "as a target, and through a token");
        let (_, _, html) = get(&app, "/admin/audit?action=allowlist", &s).await;
        assert_eq!(rows(&html), 3);
        let (_, _, html) = get(&app, "/admin/audit?action=share.review&person=DB004", &s).await;
        assert_eq!(rows(&html), 0);
        let (_, _, html) = get(
            &app,
            "/admin/audit?from=02%2F11%2F2026&to=02%2F11%2F2026",
            &s,
        )
        .await;
        assert_eq!(rows(&html), 3, "days are Asia/Ho_Chi_Minh days");
        let (_, _, html) = get(
            &app,
            "/admin/audit?from=01%2F11%2F2026&to=01%2F11%2F2026",
            &s,
        )
        .await;
        assert_eq!(rows(&html), 0);
        let (status, _, html) = get(&app, "/admin/audit?from=31%2F02%2F2026", &s).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("dd/mm/yyyy"));
        let (status, _, _) = get(&app, "/admin/audit?person=%25", &s).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "no LIKE wildcards"
        );
        app.finish().await;
    }
);

both_databases!(
    the_export_keeps_the_filters_is_audited_and_nothing_changes_the_log,
    |app| async move {
        seed(&app).await;
        for _ in 0..3 {
            event(
                &app,
                "2026-11-01T18:00:00Z",
                "DB004",
                "allowlist.update",
                None,
            )
            .await;
        }
        event(&app, "2026-11-20T03:00:00Z", "DB002", "share.review", None).await;
        let s = session_for(&app, "DB005").await;
        let (status, headers, csv) = get(&app, "/admin/audit.csv?action=allowlist", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .expect("cd")
                .contains("attachment")
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "header and three events: {csv}");
        assert!(
            lines[0]
                .trim_start_matches('\u{feff}')
                .starts_with("id,at,actor,action")
        );
        assert!(lines[1..].iter().all(|l| l.contains("allowlist.update")));
        let exports = audited(&app, "audit.export").await;
        assert_eq!(exports.len(), 1);
        assert_eq!(exports[0].0, "DB005");
        assert_eq!(exports[0].2["action"], "allowlist");

        let events = app.count("audit_events").await;
        for path in ["/admin/audit", "/admin/audit.csv"] {
            let (status, _, _) = post_form(&app, path, &s, &[]).await;
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{path} is read-only"
            );
        }
        assert_eq!(app.count("audit_events").await, events);
        for code in ["DB004", "DB003", "DB001"] {
            let other = session_for(&app, code).await;
            let (status, _, _) = get(&app, "/admin/audit", &other).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{code}: admins only");
        }
        app.finish().await;
    }
);
