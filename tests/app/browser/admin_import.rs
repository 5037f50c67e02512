//! Home Affairs imports the roster in a real browser at desktop size (1366×900): a CSV with
//! refused rows (nothing can be confirmed), then a spreadsheet's XLSX previewed row by row and
//! confirmed. Screenshots of both previews and of the roster afterwards.

use serde_json::json;

use super::harness::{Ctx, with_browser};

const DESKTOP: (u32, u32) = (1366, 900);

/// Desktop metrics; chromedriver's phone emulation returns on each navigation, so this is
/// applied after every page load.
async fn desktop(b: &Ctx) {
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": DESKTOP.0, "height": DESKTOP.1, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await;
    b.until(
        "the desktop layout",
        10,
        "return window.innerWidth >= 1300;",
    )
    .await;
}

async fn upload(b: &Ctx, dir: &std::path::Path, name: &str, content: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write the file");
    b.open("/admin/people/import").await;
    desktop(b).await;
    b.find("#file")
        .await
        .send_keys(&path.display().to_string())
        .await
        .expect("choose the file");
    b.click("form.upload button[type=submit]").await;
    b.wait_for("table.preview").await;
    desktop(b).await;
}

#[tokio::test]
async fn home_affairs_previews_and_confirms_a_roster_import_at_desktop_size() {
    with_browser("admin_roster_import", |b| async move {
        let ha = lantoa::db::people::by_staff_code(&b.db, "DB003")
            .await
            .expect("db")
            .expect("person");
        lantoa::db::roles::grant(&b.db, ha.id, lantoa::domain::roster::Role::HomeAffairs, None, None)
            .await
            .expect("grant");
        b.sign_in("DB003").await;
        let files = tempfile::tempdir().expect("dir");
        let people_before = b.count("people").await;

        let bad = "staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on\n\
                   DB001,Nguyễn Văn An,an@dienbien.gov.vn,XMP-VP,Chuyên viên,cong_chuc,2020-01-01,\n\
                   DB002,Lò Thị Bình,binh@dienbien.gov.vn,XMP,Phó Chủ tịch UBND xã,can_bo,2020-01-01,\n\
                   DB200,Cà Văn Minh,minh@dienbien.gov.vn,SVH,Chuyên viên,vien_chuc,01/03/2026,\n\
                   DB201,Tòng Thị Lan,lan@,KHONGCO,,vien_chuc,32/01/2026,\n";
        upload(&b, files.path(), "nhan-su-loi.csv", bad.as_bytes()).await;
        let classes = b
            .js("return [...document.querySelectorAll('table.preview tbody tr')].map(r => r.className);")
            .await;
        assert_eq!(classes, json!(["unchanged", "updated", "created", "refused"]));
        assert!(b.text("table.preview").await.contains("32/01/2026"));
        let confirm = b.js("return document.querySelector('input[name=digest]') === null;").await;
        assert_eq!(confirm, json!(true), "no confirmation while a row is refused");
        let overflow = b
            .js("return document.documentElement.scrollWidth > window.innerWidth + 1;")
            .await;
        assert_eq!(overflow, json!(false), "the preview fits the desktop width");
        b.screenshot("1-preview-refused").await;

        let xlsx = crate::admin_people::spreadsheet_roster_bytes();
        upload(&b, files.path(), "Danh sách cán bộ.xlsx", &xlsx).await;
        let classes = b
            .js("return [...document.querySelectorAll('table.preview tbody tr')].map(r => r.className);")
            .await;
        assert_eq!(classes, json!(["created", "updated", "created"]));
        assert!(b.text("table.preview").await.contains("Hoàng Thị Thuỷ"));
        b.screenshot("2-preview-xlsx").await;
        assert_eq!(b.count("people").await, people_before, "nothing written by a preview");

        b.click("form.confirm button[type=submit]").await;
        b.wait_for("p.notice.ok").await;
        // The page the confirmation landed on, again at desktop size (the redirect restored
        // the phone emulation after the override).
        b.open("/admin/people?ok=imported").await;
        desktop(&b).await;
        assert!(b.text("p.notice.ok").await.contains("Đã nhập danh sách cán bộ"));
        assert_eq!(b.count("people").await, people_before + 2);
        b.screenshot("3-roster-after").await;

        b.open("/admin/units").await;
        desktop(&b).await;
        b.wait_for("table.tree").await;
        b.screenshot("4-unit-tree").await;
        b.open("/admin/units/XMP").await;
        desktop(&b).await;
        b.screenshot("5-unit").await;
        b.open("/admin/people/1234").await;
        desktop(&b).await;
        assert_eq!(b.find("#joined_on").await.prop("value").await.ok().flatten().as_deref(), Some("01/03/2026"));
        b.screenshot("6-person").await;

        // The same person made an admin sees the roles page on their next request.
        lantoa::db::roles::grant(&b.db, ha.id, lantoa::domain::roster::Role::Admin, None, None)
            .await
            .expect("grant");
        b.open("/admin/roles").await;
        desktop(&b).await;
        b.wait_for("table.roles").await;
        b.screenshot("7-roles").await;
    })
    .await;
}
