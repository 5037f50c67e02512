//! `/admin/retention`: the period as a setting (refused below the minimum, audited), the
//! confirmation page's counts, and a purge that deletes exactly what was counted, keeps the
//! monthly counters consistent with the shares left, and leaves its own audit entry.

use axum::http::StatusCode;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::admin_helpers::{
    audited, field_value, get, post_form, post_raw_form, seed, session_for,
};
use crate::both_databases;
use crate::helpers::TestApp;

const SHARES: &str = "staff_code,source_url,platform,post_url,shared_on
DB001,https://dienbien.gov.vn/tin/1,facebook,,2025-06-15
DB001,https://dienbien.gov.vn/tin/2,zalo,,30/09/2025
DB002,https://dienbien.gov.vn/tin/3,zalo,,01/10/2025
DB001,https://dienbien.gov.vn/tin/4,zalo,,10/01/2026
";

async fn seed_data(app: &TestApp) {
    let plan = lantoa::service::share_import::import(
        &app.db,
        &lantoa::db::audit::Actor::cli(),
        &app.state.allowlist(),
        SHARES,
        lantoa::service::share_import::Options {
            skip_invalid: false,
            dry_run: false,
            expected_digest: None,
            source: "seed.csv",
            now: app.state.clock.now(),
        },
    )
    .await
    .expect("imported");
    assert_eq!(plan.counts(), (4, 0, 0));
    entity::audit_event::Entity::insert(entity::audit_event::ActiveModel {
        at: Set("2025-01-01T00:00:00Z".parse().expect("instant")),
        actor_person_id: Set(None),
        actor: Set("cli".to_owned()),
        action: Set("share.review".to_owned()),
        target_type: Set(None),
        target_id: Set(None),
        detail: Set(None),
        ip: Set(None),
        ..Default::default()
    })
    .exec_without_returning(&app.db)
    .await
    .expect("old event");
}

/// Every counter equals the shares it counts, and no share lacks its counter.
async fn tallies_match_shares(app: &TestApp) {
    use chrono::Datelike;
    use std::collections::BTreeMap;
    let mut from_shares: BTreeMap<(i64, i64, i32, i32), i32> = BTreeMap::new();
    for share in entity::share::Entity::find()
        .all(&app.db)
        .await
        .expect("shares")
    {
        if share.status == "accepted" {
            let key = (
                share.person_id,
                share.unit_id,
                share.shared_on.year(),
                i32::try_from(share.shared_on.month()).expect("month"),
            );
            *from_shares.entry(key).or_default() += 1;
        }
    }
    let mut from_tallies = BTreeMap::new();
    for t in entity::tally_month::Entity::find()
        .all(&app.db)
        .await
        .expect("tallies")
    {
        if t.accepted > 0 {
            from_tallies.insert((t.person_id, t.unit_id, t.year, t.month), t.accepted);
        }
    }
    assert_eq!(from_shares, from_tallies);
}

both_databases!(
    the_retention_period_is_a_setting_refused_below_the_minimum_and_audited,
    |app| async move {
        seed(&app).await;
        app.set_clock("2026-11-26T03:00:00Z");
        let s = session_for(&app, "DB005").await;
        let (status, _, html) = get(&app, "/admin/retention", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("1830 ngày"), "the configured default: {html}");
        for days in ["30", "abc", "-1", ""] {
            let (status, _, html) =
                post_form(&app, "/admin/retention", &s, &[("days", days)]).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{days}");
            assert!(html.contains("Thời hạn lưu"), "{html}");
        }
        assert_eq!(app.count("app_settings").await, 0, "nothing stored");
        let (status, _, _) = post_raw_form(&app, "/admin/retention", &s, &[("days", "400")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        let (status, _, _) = post_form(&app, "/admin/retention", &s, &[("days", "400")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, html) = get(&app, "/admin/retention", &s).await;
        assert!(html.contains("400 ngày"));
        assert!(html.contains("01/10/2025"), "the cut-off date: {html}");
        let changed = audited(&app, "settings.retention").await;
        assert_eq!(changed[0].0, "DB005");
        assert_eq!(
            (
                changed[0].2["before"].as_u64(),
                changed[0].2["after"].as_u64()
            ),
            (Some(1830), Some(400))
        );
        assert_eq!(
            lantoa::service::retention::retention_days(&app.db, &app.state.settings)
                .await
                .expect("days"),
            400,
            "what `lantoa purge` uses too"
        );
        let head = session_for(&app, "DB004").await;
        let (status, _, _) = post_form(&app, "/admin/retention", &head, &[("days", "500")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "Culture may not");
        app.finish().await;
    }
);

both_databases!(
    the_purge_deletes_exactly_what_the_confirmation_counted_and_keeps_tallies_consistent,
    |app| async move {
        seed(&app).await;
        app.set_clock("2026-11-26T03:00:00Z");
        seed_data(&app).await;
        tallies_match_shares(&app).await;
        let s = session_for(&app, "DB005").await;
        let (status, _, _) = post_form(&app, "/admin/retention", &s, &[("days", "400")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, html) = get(&app, "/admin/retention/purge", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("<strong id=\"count-shares\">2</strong>"),
            "{html}"
        );
        assert!(
            html.contains("<strong id=\"count-audit\">1</strong>"),
            "{html}"
        );
        assert_eq!(field_value(&html, "cut").as_deref(), Some("2025-10-01"));
        assert_eq!(
            app.count("shares").await,
            4,
            "the confirmation deletes nothing"
        );

        let form = [
            ("cut", "2025-10-01"),
            ("shares", "2"),
            ("audit_events", "1"),
        ];
        let (status, _, _) = post_form(
            &app,
            "/admin/retention/purge",
            &s,
            &[
                ("cut", "2025-10-01"),
                ("shares", "3"),
                ("audit_events", "1"),
            ],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "counts that changed since the confirmation"
        );
        let (status, _, html) = post_form(
            &app,
            "/admin/retention/purge",
            &s,
            &[
                ("cut", "2025-11-01"),
                ("shares", "3"),
                ("audit_events", "1"),
            ],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a cut later than the period allows"
        );
        assert!(html.contains("01/10/2025"));
        let (status, _, _) = post_raw_form(&app, "/admin/retention/purge", &s, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        assert_eq!(app.count("shares").await, 4, "nothing deleted yet");

        let (status, _, html) = post_form(&app, "/admin/retention/purge", &s, &form).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains(
                "Đã xoá dữ liệu trước ngày 01/10/2025: 2 lượt chia sẻ, 1 sự kiện nhật ký"
            ),
            "{html}"
        );
        assert_eq!(app.count("shares").await, 2);
        tallies_match_shares(&app).await;
        let purges = audited(&app, "data.purge").await;
        assert_eq!(purges.len(), 1, "the purge's own entry survives it");
        assert_eq!(purges[0].0, "DB005");
        assert_eq!(purges[0].2["before"], "2025-10-01");
        assert_eq!(purges[0].2["shares"], 2);
        assert_eq!(purges[0].2["audit_events"], 1);
        assert!(
            audited(&app, "share.review").await.is_empty(),
            "the old event is gone"
        );
        assert_eq!(
            audited(&app, "settings.retention").await.len(),
            1,
            "recent events stay"
        );

        // Confirming the same page again deletes nothing more: the counts no longer match.
        let (status, _, _) = post_form(&app, "/admin/retention/purge", &s, &form).await;
        assert_eq!(status, StatusCode::CONFLICT);
        app.finish().await;
    }
);
