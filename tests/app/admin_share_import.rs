//! `/admin/shares/import`: the web counterpart of `lantoa import-shares` — a preview that
//! stores nothing, a confirmation that stores exactly the previewed plan (all or nothing, or
//! skipping refused rows), audited; drafts only for their uploader; size and CSRF limits.

use axum::http::StatusCode;

use crate::admin_helpers::{audited, field_value, post_form, seed, session_for, upload};
use crate::both_databases;

const GOOD: &str = "staff_code,source_url,platform,post_url,shared_on
DB001,https://dienbien.gov.vn/tin/1?utm_source=zalo,facebook,,20/11/2026
DB002,https://baodienbienphu.vn/tin/2,zalo,,21/11/2026
";

const MIXED: &str = "staff_code,source_url,platform,post_url,shared_on
DB001,https://dienbien.gov.vn/tin/1,facebook,,20/11/2026
DB001,https://dienbien.gov.vn/tin/1,facebook,,20/11/2026
DB999,https://dienbien.gov.vn/tin/2,zalo,,20/11/2026
DB002,https://bit.ly/abc,zalo,,20/11/2026
DB002,https://dienbien.gov.vn/tin/3,myspace,,20/11/2026
";

const PATH: &str = "/admin/shares/import";

both_databases!(
    a_previewed_import_stores_nothing_until_confirmed_and_then_exactly_the_plan,
    |app| async move {
        seed(&app).await;
        app.set_clock("2026-11-26T03:00:00Z");
        let s = session_for(&app, "DB005").await;
        let (status, _, html) = upload(
            &app,
            PATH,
            &s,
            Some(&s.csrf),
            &[],
            "shares.csv",
            GOOD.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert_eq!(html.matches("Sẽ lưu").count(), 2, "{html}");
        assert_eq!(app.count("shares").await, 0, "a preview stores nothing");
        assert_eq!(app.count("tally_months").await, 0);
        let token = field_value(&html, "token").expect("token");
        let digest = field_value(&html, "digest").expect("digest");

        let (status, _, _) = post_form(
            &app,
            "/admin/shares/import/confirm",
            &s,
            &[("token", &token), ("digest", "bad")],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "not the previewed plan");
        let other = session_for(&app, "DB003").await;
        app.grant("DB003", "admin", None).await;
        let (status, _, _) = post_form(
            &app,
            "/admin/shares/import/confirm",
            &other,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a draft belongs to its uploader"
        );
        assert_eq!(app.count("shares").await, 0);

        let (status, _, html) = post_form(
            &app,
            "/admin/shares/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("2 lượt mới"), "{html}");
        assert_eq!(app.count("shares").await, 2);
        assert_eq!(app.count("tally_months").await, 2);
        let imports = audited(&app, "import.shares").await;
        assert_eq!(imports.len(), 1);
        assert_eq!(imports[0].0, "DB005");
        assert_eq!(imports[0].1.as_deref(), Some("shares.csv"));
        assert_eq!(imports[0].2["imported"], 2);

        // The same file again: already present, nothing new.
        let (_, _, html) = upload(
            &app,
            PATH,
            &s,
            Some(&s.csrf),
            &[],
            "shares.csv",
            GOOD.as_bytes(),
        )
        .await;
        assert_eq!(html.matches("Đã có sẵn").count(), 2, "{html}");
        app.finish().await;
    }
);

both_databases!(
    a_bad_row_imports_nothing_unless_invalid_rows_are_skipped,
    |app| async move {
        seed(&app).await;
        app.set_clock("2026-11-26T03:00:00Z");
        let s = session_for(&app, "DB005").await;
        let (status, _, html) = upload(
            &app,
            PATH,
            &s,
            Some(&s.csrf),
            &[],
            "mixed.csv",
            MIXED.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("trùng với dòng 2"), "{html}");
        assert!(html.contains("không có cán bộ mã DB999"));
        assert!(html.contains("short_link"));
        assert!(html.contains("<strong>1</strong> dòng sẽ lưu"));
        assert!(html.contains("<strong>4</strong> bị từ chối"), "{html}");
        assert!(
            field_value(&html, "digest").is_none(),
            "no confirmation when all-or-nothing fails"
        );
        // Confirming anyway (a hand-made form) is refused and stores nothing.
        let (_, _, skip) = upload(
            &app,
            PATH,
            &s,
            Some(&s.csrf),
            &[("skip_invalid", "1")],
            "mixed.csv",
            MIXED.as_bytes(),
        )
        .await;
        let token = field_value(&skip, "token").expect("skipping offers a confirmation");
        let digest = field_value(&skip, "digest").expect("digest");
        let (status, _, html) = post_form(
            &app,
            "/admin/shares/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("Không nhập gì"));
        assert_eq!(app.count("shares").await, 0, "a bad row: nothing imported");
        assert!(audited(&app, "import.shares").await.is_empty());

        let (status, _, html) = post_form(
            &app,
            "/admin/shares/import/confirm",
            &s,
            &[
                ("token", &token),
                ("digest", &digest),
                ("skip_invalid", "1"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert_eq!(app.count("shares").await, 1, "the good row only");
        let imports = audited(&app, "import.shares").await;
        assert_eq!(imports[0].2["skipped"], 4);
        assert_eq!(
            imports[0].2["skipped_lines"],
            serde_json::json!([3, 4, 5, 6])
        );
        app.finish().await;
    }
);

both_databases!(
    uploads_are_bounded_need_the_csrf_token_and_admins,
    |app| async move {
        seed(&app).await;
        let s = session_for(&app, "DB005").await;
        let huge = format!(
            "{}{}",
            GOOD,
            // Over the 5 MB upload limit.
            "DB001,https://dienbien.gov.vn/x,zalo,,20/11/2026\n".repeat(120_000)
        );
        let (status, _, html) = upload(
            &app,
            PATH,
            &s,
            Some(&s.csrf),
            &[],
            "huge.csv",
            huge.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(html.contains("Tệp quá lớn"), "{html}");
        let (status, _, _) = upload(&app, PATH, &s, None, &[], "shares.csv", GOOD.as_bytes()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");
        let (status, _, html) = upload(&app, PATH, &s, Some(&s.csrf), &[], "empty.csv", b"").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Hãy chọn một tệp CSV"));
        let culture = session_for(&app, "DB004").await;
        let (status, _, _) = upload(
            &app,
            PATH,
            &culture,
            Some(&culture.csrf),
            &[],
            "shares.csv",
            GOOD.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "admins only");
        assert_eq!(app.count("shares").await, 0);
        app.finish().await;
    }
);
