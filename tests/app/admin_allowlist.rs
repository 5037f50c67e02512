//! `/admin/allowlist` without a browser: add, edit, disable, re-enable; the public-suffix guard;
//! an edit that must keep the rule old shares were verified against; the tester and "test
//! before saving"; search and filters; CSV export and the previewed import; who may do it and
//! CSRF. Every change is audited and reaches the in-memory allowlist at once.

use axum::http::StatusCode;
use entity::allowlist_rule;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::admin_helpers::{
    audited, field_value, get, location, post_form, post_raw_form, seed, session_for, upload,
};
use crate::both_databases;
use crate::helpers::TestApp;

async fn rule_by_pattern(
    app: &TestApp,
    kind: &str,
    pattern: &str,
) -> Option<allowlist_rule::Model> {
    allowlist_rule::Entity::find()
        .filter(allowlist_rule::Column::Kind.eq(kind))
        .filter(allowlist_rule::Column::Pattern.eq(pattern))
        .one(&app.db)
        .await
        .expect("db")
}

fn accepted(app: &TestApp, url: &str) -> bool {
    lantoa::verify::verify_source(&app.state.allowlist(), url).is_accepted()
}

const NEWS: &str = "https://baolaichau.vn/thoi-su/tin-1.html";

both_databases!(
    culture_adds_edits_disables_and_reenables_a_rule_and_every_change_is_audited,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        assert!(!accepted(&app, NEWS), "not allowlisted yet");
        let (status, headers, body) = post_form(
            &app,
            "/admin/allowlist/new",
            &s,
            &[
                ("kind", "host"),
                ("pattern", "https://BaoLaiChau.vn/"),
                ("category", "press"),
                ("label", "Báo Lai Châu"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location(&headers), "/admin/allowlist?saved=1");
        let rule = rule_by_pattern(&app, "host", "baolaichau.vn")
            .await
            .expect("stored with its canonical pattern");
        assert!(rule.active);
        assert_eq!(rule.created_by.as_deref(), Some("DB004"));
        assert!(accepted(&app, NEWS), "the in-memory allowlist is reloaded");
        let created = audited(&app, "allowlist.create").await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].0, "DB004");
        assert_eq!(created[0].1.as_deref(), Some(rule.id.to_string().as_str()));
        assert_eq!(created[0].2["after"]["pattern"], "baolaichau.vn");

        let path = format!("/admin/allowlist/{}", rule.id);
        let (status, _, html) = get(&app, &path, &s).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            field_value(&html, "pattern").as_deref(),
            Some("baolaichau.vn")
        );
        let (status, _, body) = post_form(
            &app,
            &path,
            &s,
            &[
                ("kind", "host"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Báo Lai Châu điện tử"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let updated = audited(&app, "allowlist.update").await;
        assert_eq!(updated.len(), 1);
        assert_eq!(updated[0].2["before"]["label"], "Báo Lai Châu");
        assert_eq!(updated[0].2["after"]["label"], "Báo Lai Châu điện tử");
        let verification = lantoa::verify::verify_source(&app.state.allowlist(), NEWS)
            .rule
            .map(|r| r.label.clone());
        assert_eq!(verification.as_deref(), Some("Báo Lai Châu điện tử"));

        let (status, _, _) = post_form(&app, &format!("{path}/disable"), &s, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(!accepted(&app, NEWS), "a disabled rule accepts nothing");
        let (status, _, _) = post_form(&app, &format!("{path}/enable"), &s, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(accepted(&app, NEWS));
        assert_eq!(audited(&app, "allowlist.disable").await.len(), 1);
        let enabled = audited(&app, "allowlist.enable").await;
        assert_eq!(enabled[0].2["before"]["active"], false);
        assert_eq!(enabled[0].2["after"]["active"], true);

        let (status, _, html) = post_form(
            &app,
            "/admin/allowlist/new",
            &s,
            &[
                ("kind", "host"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Again"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "the same rule twice");
        assert!(html.contains("Đã có quy tắc host"), "{html}");
        app.finish().await;
    }
);

both_databases!(
    a_suffix_rule_on_a_public_suffix_is_refused_unless_confirmed_and_the_confirmation_is_audited,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let before = app.count("allowlist_rules").await;
        let fields = [
            ("kind", "suffix"),
            ("pattern", "com.vn"),
            ("category", "press"),
            ("label", "Mọi trang .com.vn"),
            ("action", "save"),
        ];
        let (status, _, html) = post_form(&app, "/admin/allowlist/new", &s, &fields).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("hậu tố công cộng"), "explained: {html}");
        assert!(html.contains("“com.vn”"));
        assert_eq!(
            app.count("allowlist_rules").await,
            before,
            "nothing written"
        );
        assert!(audited(&app, "allowlist.create").await.is_empty());
        assert!(!accepted(&app, "https://anything.com.vn/"));

        let mut confirmed = fields.to_vec();
        confirmed.push(("confirm_restricted_suffix", "1"));
        let (status, _, body) = post_form(&app, "/admin/allowlist/new", &s, &confirmed).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(app.count("allowlist_rules").await, before + 1);
        let created = audited(&app, "allowlist.create").await;
        assert_eq!(created[0].2["restricted_suffix_confirmed"], true);
        assert!(accepted(&app, "https://anything.com.vn/"));

        // A suffix rule on a registered domain needs no confirmation.
        let (status, _, body) = post_form(
            &app,
            "/admin/allowlist/new",
            &s,
            &[
                ("kind", "suffix"),
                ("pattern", "laichau.gov.vn"),
                ("category", "government"),
                ("label", "Lai Châu"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        // The CLI goes through the same guard.
        let refused = lantoa::service::allowlist::import(
            &app.db,
            &lantoa::db::audit::Actor::cli(),
            "kind,pattern,category,label\nsuffix,net.vn,press,Tất cả .net.vn\n",
            false,
            None,
            "cli.csv",
        )
        .await
        .expect_err("refused");
        assert_eq!(refused.code(), "invalid_import");
        assert!(rule_by_pattern(&app, "suffix", "net.vn").await.is_none());
        app.finish().await;
    }
);

both_databases!(
    changing_the_pattern_of_a_rule_shares_were_verified_against_keeps_the_old_rule,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let (status, _, _) = post_form(
            &app,
            "/admin/allowlist/new",
            &s,
            &[
                ("kind", "host"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Báo Lai Châu"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let old = rule_by_pattern(&app, "host", "baolaichau.vn")
            .await
            .expect("rule");
        let token = app.token_for("DB001").await;
        let (status, share) = app
            .post(
                "/api/v1/shares",
                &token,
                json!({"source_url": NEWS, "platform": "zalo"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{share}");
        let (status, _, body) = post_form(
            &app,
            &format!("/admin/allowlist/{}", old.id),
            &s,
            &[
                ("kind", "suffix"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Báo Lai Châu (mọi chuyên trang)"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let kept = allowlist_rule::Entity::find_by_id(old.id)
            .one(&app.db)
            .await
            .expect("db")
            .expect("the old rule row stays");
        assert_eq!(
            (
                kept.kind.as_str(),
                kept.pattern.as_str(),
                kept.label.as_str()
            ),
            ("host", "baolaichau.vn", "Báo Lai Châu"),
            "as it was"
        );
        assert!(!kept.active, "but disabled");
        let new = rule_by_pattern(&app, "suffix", "baolaichau.vn")
            .await
            .expect("a new rule");
        assert!(new.active);
        let stored = entity::share::Entity::find()
            .one(&app.db)
            .await
            .expect("db")
            .expect("share");
        assert_eq!(stored.rule_id, Some(old.id), "the share keeps its rule");
        assert_eq!(stored.rule_label.as_deref(), Some("Báo Lai Châu"));
        let disabled = audited(&app, "allowlist.disable").await;
        assert_eq!(disabled[0].2["replaced_by"], new.id);
        let created = audited(&app, "allowlist.create").await;
        assert_eq!(created.last().expect("audited").2["replaces"], old.id);
        assert!(accepted(&app, "https://tintuc.baolaichau.vn/a"));
        app.finish().await;
    }
);

both_databases!(
    the_tester_shows_verdicts_now_and_after_an_edit_without_saving_anything,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let (status, _, html) = get(
            &app,
            "/admin/allowlist?test=https%3A%2F%2Fwww.DienBien.gov.vn%2Ftin%3Futm_source%3Dfb",
            &s,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Được chấp nhận"), "{html}");
        assert!(
            html.contains("dienbien.gov.vn/tin</code>"),
            "normalised, tracking dropped: {html}"
        );
        assert!(html.contains("suffix gov.vn"), "the matching rule");
        let (_, _, html) = get(&app, "/admin/allowlist?test=https%3A%2F%2Fbit.ly%2Fabc", &s).await;
        assert!(
            html.contains("Bị từ chối") && html.contains("short_link"),
            "{html}"
        );

        let rules = app.count("allowlist_rules").await;
        let audit = app.count("audit_events").await;
        let (status, _, html) = post_form(
            &app,
            "/admin/allowlist/new",
            &s,
            &[
                ("kind", "host"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Báo Lai Châu"),
                ("test_url", NEWS),
                ("action", "test"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let before = &html[html.find("verdict-before").expect("before")
            ..html.find("verdict-after").expect("after")];
        let after = &html[html.find("verdict-after").expect("after")..];
        assert!(
            before.contains("Bị từ chối") && before.contains("not_allowlisted"),
            "{before}"
        );
        assert!(
            after.contains("Được chấp nhận") && after.contains("baolaichau.vn"),
            "{after}"
        );
        assert_eq!(
            field_value(&html, "label").as_deref(),
            Some("Báo Lai Châu"),
            "the form keeps its values"
        );
        assert_eq!(app.count("allowlist_rules").await, rules, "nothing saved");
        assert_eq!(app.count("audit_events").await, audit, "nothing audited");
        assert!(!accepted(&app, NEWS));

        // Narrowing gov.vn to exactly gov.vn: shown as rejecting a commune portal.
        let gov = rule_by_pattern(&app, "suffix", "gov.vn")
            .await
            .expect("seeded");
        let (_, _, html) = post_form(
            &app,
            &format!("/admin/allowlist/{}", gov.id),
            &s,
            &[
                ("kind", "host"),
                ("pattern", "gov.vn"),
                ("category", "government"),
                ("label", "x"),
                ("test_url", "https://muongphang.dienbien.gov.vn/"),
                ("action", "test"),
            ],
        )
        .await;
        let before = &html[html.find("verdict-before").expect("before")
            ..html.find("verdict-after").expect("after")];
        let after = &html[html.find("verdict-after").expect("after")..];
        assert!(before.contains("Được chấp nhận"), "{before}");
        assert!(after.contains("Bị từ chối"), "{after}");
        app.finish().await;
    }
);

both_databases!(
    the_list_searches_without_diacritics_and_filters_by_category_and_state,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let (_, _, all) = get(&app, "/admin/allowlist", &s).await;
        assert!(all.contains("<code>gov.vn</code>") && all.contains("<code>nhandan.vn</code>"));
        let (_, _, html) = get(&app, "/admin/allowlist?q=nhan+dan", &s).await;
        assert!(html.contains("Báo Nhân Dân"), "label without diacritics");
        assert!(!html.contains("<code>gov.vn</code>"));
        let (_, _, html) = get(&app, "/admin/allowlist?category=party", &s).await;
        assert!(html.contains("dangcongsan.vn") && !html.contains("<code>nhandan.vn</code>"));
        let (_, _, html) = get(&app, "/admin/allowlist?state=disabled", &s).await;
        assert!(
            !html.contains("<code>gov.vn</code>"),
            "no disabled rule yet"
        );
        app.finish().await;
    }
);

const IMPORT: &str = "kind,pattern,category,label
host,baolaichau.vn,press,Báo Lai Châu
suffix,nhandan.vn,press,Báo Nhân Dân (mới)
suffix,gov.vn,government,Cơ quan nhà nước (tên miền .gov.vn)
";

both_databases!(
    the_csv_export_reimports_unchanged_and_an_import_is_previewed_then_confirmed,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let (status, headers, csv) = get(&app, "/admin/allowlist.csv", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[axum::http::header::CONTENT_TYPE]
                .to_str()
                .expect("ct")
                .starts_with("text/csv")
        );
        assert!(csv.starts_with("kind,pattern,category,label\n"));
        assert_eq!(audited(&app, "allowlist.export").await.len(), 1);
        let (status, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[],
            "export.csv",
            csv.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(
            html.contains("<strong>0</strong> thêm mới"),
            "the export re-imports unchanged"
        );

        let rules = app.count("allowlist_rules").await;
        let (status, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[],
            "new.csv",
            IMPORT.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("<strong>1</strong> thêm mới"), "{html}");
        assert!(html.contains("<strong>1</strong> cập nhật"));
        assert!(
            html.contains("<strong>1</strong> không đổi"),
            "gov.vn stored already: no confirmation needed"
        );
        assert_eq!(
            app.count("allowlist_rules").await,
            rules,
            "a preview writes nothing"
        );
        let token = field_value(&html, "token").expect("a confirmation form");
        let digest = field_value(&html, "digest").expect("digest");

        let (status, _, _) = post_form(
            &app,
            "/admin/allowlist/import/confirm",
            &s,
            &[("token", &token), ("digest", "0000")],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a plan that is not the previewed one"
        );
        assert_eq!(app.count("allowlist_rules").await, rules);

        let (status, headers, body) = post_form(
            &app,
            "/admin/allowlist/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location(&headers), "/admin/allowlist?saved=1");
        assert_eq!(app.count("allowlist_rules").await, rules + 1);
        assert!(accepted(&app, NEWS));
        let imported = audited(&app, "allowlist.import").await;
        assert_eq!(imported[0].0, "DB004");
        assert_eq!(imported[0].2["created"], 1);
        assert_eq!(imported[0].2["updated"], 1);
        assert_eq!(
            imported[0].2["changes"][1]["before"]["label"],
            "Báo Nhân Dân"
        );

        let (status, _, _) = post_form(
            &app,
            "/admin/allowlist/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a draft is used once"
        );
        app.finish().await;
    }
);

both_databases!(
    an_import_with_a_bad_row_or_an_unconfirmed_public_suffix_imports_nothing,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB004").await;
        let rules = app.count("allowlist_rules").await;
        let bad = "kind,pattern,category,label\nhost,baolaichau.vn,press,Báo Lai Châu\nhost,1.2.3.4,press,IP\n";
        let (status, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[],
            "bad.csv",
            bad.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Từ chối:") && html.contains("địa chỉ IP"),
            "{html}"
        );
        assert!(
            field_value(&html, "digest").is_none(),
            "no confirmation offered"
        );
        let public = "kind,pattern,category,label\nsuffix,edu.vn,organization,Trường học\n";
        let (_, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[],
            "edu.csv",
            public.as_bytes(),
        )
        .await;
        assert!(html.contains("hậu tố công cộng"), "{html}");
        assert!(field_value(&html, "digest").is_none());
        // Forcing the confirmation anyway changes nothing.
        let (_, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[("confirm_restricted_suffix", "1")],
            "edu.csv",
            public.as_bytes(),
        )
        .await;
        let token = field_value(&html, "token").expect("token");
        let (status, _, _) = post_form(
            &app,
            "/admin/allowlist/import/confirm",
            &s,
            &[
                ("token", &token),
                ("digest", &field_value(&html, "digest").expect("digest")),
            ],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "the confirmation was not carried: the plan differs"
        );
        assert_eq!(
            app.count("allowlist_rules").await,
            rules,
            "nothing imported"
        );
        let (status, _, html) = upload(
            &app,
            "/admin/allowlist/import",
            &s,
            Some(&s.csrf),
            &[],
            "latin1.csv",
            b"kind,pattern\n\xe9\n",
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("UTF-8"));
        assert!(audited(&app, "allowlist.import").await.is_empty());
        app.finish().await;
    }
);

both_databases!(
    only_culture_and_admins_change_the_allowlist_and_only_with_the_csrf_token,
    |app| async move {
        seed(&app).await;
        let rule = [
            ("kind", "host"),
            ("pattern", "baolaichau.vn"),
            ("category", "press"),
            ("label", "Báo Lai Châu"),
            ("action", "save"),
        ];
        for code in ["DB001", "DB003"] {
            let s = session_for(&app, code).await;
            let (status, _, _) = get(&app, "/admin/allowlist", &s).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{code}");
            let (status, _, _) = post_form(&app, "/admin/allowlist/new", &s, &rule).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{code}");
        }
        let culture = session_for(&app, "DB004").await;
        let (status, _, _) = post_raw_form(&app, "/admin/allowlist/new", &culture, &rule).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        let (status, _, _) = upload(
            &app,
            "/admin/allowlist/import",
            &culture,
            None,
            &[],
            "x.csv",
            IMPORT.as_bytes(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "an upload without the CSRF token"
        );
        assert!(
            rule_by_pattern(&app, "host", "baolaichau.vn")
                .await
                .is_none()
        );
        let admin = session_for(&app, "DB005").await;
        let (status, _, _) = post_form(&app, "/admin/allowlist/new", &admin, &rule).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "admins pass");
        let (status, _, _) = get(&app, "/admin/audit", &culture).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "Culture does not read the audit log"
        );
        app.finish().await;
    }
);
