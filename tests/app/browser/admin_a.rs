//! The admin pages at desktop size (1366×900): the allowlist tester with verdicts before and
//! after an edit, the allowlist import preview, and the share import preview — all without
//! JavaScript of their own, as plain forms.

use super::harness::{Ctx, Screen, with_browser_on};

const NEWS: &str = "https://baolaichau.vn/thoi-su/tin-1.html?utm_source=zalo";

async fn grant(b: &Ctx, staff_code: &str, role: &str) {
    let person = lantoa::db::people::by_staff_code(&b.db, staff_code)
        .await
        .expect("db")
        .expect("person");
    lantoa::db::roles::grant(&b.db, person.id, role.parse().expect("role"), None, None)
        .await
        .expect("grant");
}

/// Writes a file to upload and returns its path (kept until the guard drops).
fn csv_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[tokio::test]
async fn the_allowlist_tester_shows_the_verdict_now_and_after_an_edit() {
    with_browser_on(Screen::Desktop, "admin_allowlist_tester", |b| async move {
        grant(&b, "DB004", "culture").await;
        b.sign_in("DB004").await;
        let width = b.js("return window.innerWidth;").await;
        assert!(
            width.as_u64().is_some_and(|w| w >= 1300),
            "a desktop window: {width}"
        );

        b.open("/admin").await;
        b.click("a[href='/admin/allowlist']").await;
        b.type_into("#test", "https://www.dienbien.gov.vn/tin-tuc/1?fbclid=abc")
            .await;
        b.click(".tester button[type=submit]").await;
        b.wait_for(".verdict-box").await;
        let verdict = b.text(".verdict-box").await;
        assert!(verdict.contains("Được chấp nhận"), "{verdict}");
        assert!(verdict.contains("gov.vn"), "the matching rule: {verdict}");
        assert!(!verdict.contains("fbclid"), "normalised: {verdict}");
        b.screenshot("1-tester-current-rules").await;

        b.open("/admin/allowlist/new").await;
        b.find("#kind option[value='host']")
            .await
            .click()
            .await
            .expect("kind");
        b.type_into("#pattern", "baolaichau.vn").await;
        b.find("#rcategory option[value='press']")
            .await
            .click()
            .await
            .expect("category");
        b.type_into("#label", "Báo Lai Châu").await;
        b.type_into("#test_url", NEWS).await;
        b.click("button[value='test']").await;
        b.wait_for("#verdict-after .verdict-box").await;
        let before = b.text("#verdict-before").await;
        let after = b.text("#verdict-after").await;
        assert!(
            before.contains("Bị từ chối") && before.contains("not_allowlisted"),
            "{before}"
        );
        assert!(
            after.contains("Được chấp nhận") && after.contains("Báo Lai Châu"),
            "{after}"
        );
        let side_by_side = b
            .js(
                "const a = document.getElementById('verdict-before').getBoundingClientRect(); \
                 const c = document.getElementById('verdict-after').getBoundingClientRect(); \
                 return Math.abs(a.top - c.top) < 2 && a.right <= c.left;",
            )
            .await;
        assert_eq!(
            side_by_side,
            serde_json::json!(true),
            "before and after side by side"
        );
        assert_eq!(
            b.count("allowlist_rules").await,
            21,
            "testing saves nothing (the seed has 21 rules)"
        );
        b.screenshot("2-test-before-saving").await;

        b.click("button[value='save']").await;
        b.wait_for(".notice.ok").await;
        assert_eq!(b.count("allowlist_rules").await, 22);
    })
    .await;
}

#[tokio::test]
async fn the_import_previews_show_every_row_before_anything_is_written() {
    with_browser_on(Screen::Desktop, "admin_import_preview", |b| async move {
        grant(&b, "DB003", "admin").await;
        b.sign_in("DB003").await;
        let dir = tempfile::tempdir().expect("dir");

        b.open("/admin/allowlist").await;
        let rules = csv_file(
            &dir,
            "nguon-moi.csv",
            "kind,pattern,category,label\n\
             host,baolaichau.vn,press,Báo Lai Châu\n\
             suffix,nhandan.vn,press,Báo Nhân Dân (cập nhật)\n\
             suffix,gov.vn,government,Cơ quan nhà nước (tên miền .gov.vn)\n\
             suffix,com.vn,press,Mọi trang .com.vn\n",
        );
        b.find("#file")
            .await
            .send_keys(&rules)
            .await
            .expect("choose file");
        b.click("form[action='/admin/allowlist/import'] button[type=submit]")
            .await;
        b.wait_for("#import-preview").await;
        let summary = b.text("#import-summary").await;
        assert!(
            summary.contains("1 thêm mới") && summary.contains("1 bị từ chối"),
            "{summary}"
        );
        let refused = b.text("#import-preview tr.bad").await;
        assert!(refused.contains("hậu tố công cộng"), "{refused}");
        b.js("document.getElementById('import-preview').scrollIntoView();")
            .await;
        b.screenshot("1-allowlist-import-preview").await;
        assert_eq!(
            b.count("allowlist_rules").await,
            21,
            "a preview writes nothing"
        );

        b.open("/admin/shares/import").await;
        let shares = csv_file(
            &dir,
            "chia-se-thang-11.csv",
            "staff_code,source_url,platform,post_url,shared_on\n\
             DB001,https://dienbien.gov.vn/tin/1,facebook,,20/11/2026\n\
             DB002,https://baodienbienphu.vn/tin/2,zalo,,21/11/2026\n\
             DB001,https://dienbien.gov.vn/tin/1,facebook,,20/11/2026\n\
             DB999,https://dienbien.gov.vn/tin/3,zalo,,21/11/2026\n\
             DB002,https://bit.ly/abc,zalo,,21/11/2026\n",
        );
        b.find("#file")
            .await
            .send_keys(&shares)
            .await
            .expect("choose file");
        b.click("input[name='skip_invalid']").await;
        b.click("form[action='/admin/shares/import'] button[type=submit]")
            .await;
        b.wait_for("#import-summary").await;
        let summary = b.text("#import-summary").await;
        assert!(
            summary.contains("2 dòng sẽ lưu") && summary.contains("3 bị từ chối"),
            "{summary}"
        );
        b.screenshot("2-share-import-preview").await;
        assert_eq!(b.count("shares").await, 0, "a preview stores nothing");
        b.click("form[action='/admin/shares/import/confirm'] button[type=submit]")
            .await;
        b.wait_for(".notice.ok").await;
        assert_eq!(b.count("shares").await, 2);
    })
    .await;
}

#[tokio::test]
async fn the_audit_log_and_the_purge_confirmation_read_well_on_a_desktop() {
    with_browser_on(Screen::Desktop, "admin_audit_retention", |b| async move {
        grant(&b, "DB003", "admin").await;
        b.sign_in("DB003").await;
        b.open("/admin/retention").await;
        b.click("a[href='/admin/retention/purge']").await;
        b.wait_for("#purge-confirm").await;
        let confirm = b.text("#purge-confirm").await;
        assert!(
            confirm.contains("lượt chia sẻ") && confirm.contains("sự kiện nhật ký"),
            "{confirm}"
        );
        b.screenshot("1-purge-confirmation").await;
        b.click("#purge-confirm button[type=submit]").await;
        b.wait_for(".notice.ok").await;

        b.open("/admin/audit").await;
        b.type_into("#action", "data").await;
        b.click("form.filters button[type=submit]").await;
        b.wait_for("table.audit td code").await;
        let table = b.text("table.audit").await;
        assert!(
            table.contains("data.purge") && table.contains("DB003"),
            "{table}"
        );
        b.screenshot("2-audit-log-filtered").await;
    })
    .await;
}
