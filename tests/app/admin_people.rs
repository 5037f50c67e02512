//! `/admin/people` through the router with a browser session: search (diacritics and case
//! ignored, Vietnamese order), add, edit, move (the new unit's dashboard shows the person's whole
//! year), mark as left (sessions end; never the last admin), and the roster import from CSV and
//! from an XLSX file written the way a spreadsheet program writes it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::admin_helpers::{
    audited, field_value, get, location, post_form, preview_rows, session_for, upload,
};
use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn setup(app: &TestApp) -> crate::helpers::Session {
    let roster = format!(
        "{ROSTER_CSV}DB005,Nguyễn Văn Ân,,SNV,,cong_chuc,2020-01-01,\nDB006,Nguyen Van Anh,,XMP,,cong_chuc,2020-01-01,\n"
    );
    app.seed_roster(UNITS_CSV, &roster).await;
    app.grant("DB003", "home_affairs", None).await;
    session_for(app, "DB003").await
}

async fn person(app: &TestApp, code: &str) -> entity::person::Model {
    lantoa::db::people::by_staff_code(&app.db, code)
        .await
        .expect("db")
        .expect("person")
}

fn listed(html: &str) -> Vec<String> {
    html.split("<a href=\"/admin/people/DB")
        .skip(1)
        .map(|s| format!("DB{}", s.split('"').next().unwrap_or_default()))
        .collect()
}

both_databases!(
    people_are_found_without_diacritics_by_code_or_by_unit_in_vietnamese_order,
    |app| async move {
        let s = setup(&app).await;
        let (status, _, html) = get(&app, "/admin/people?q=nguyen+van+an", &s).await;
        assert_eq!(status, StatusCode::OK);
        // By given name in the Vietnamese alphabet: An < Anh < Ân (a before â).
        assert_eq!(listed(&html), ["DB001", "DB006", "DB005"], "{html}");
        let (_, _, html) = get(&app, "/admin/people?q=NGUYỄN+VĂN+ÂN", &s).await;
        assert_eq!(
            listed(&html),
            ["DB001", "DB006", "DB005"],
            "the query is folded too"
        );
        let (_, _, html) = get(&app, "/admin/people?q=db00", &s).await;
        assert_eq!(listed(&html).len(), 6);
        let (_, _, html) = get(&app, "/admin/people?unit=XMP", &s).await;
        assert_eq!(
            listed(&html),
            ["DB001", "DB006", "DB002"],
            "the commune with its division"
        );
        let (status, _, _) = get(&app, "/admin/people?unit=NOPE", &s).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.finish().await
    }
);

both_databases!(
    a_person_is_added_edited_moved_and_marked_as_left,
    |app| async move {
        app.set_clock("2026-06-15T03:00:00Z");
        let s = setup(&app).await;
        app.set_policy(2026, 100).await;
        let (status, headers, body) = post_form(
            &app,
            "/admin/people",
            &s,
            &[
                ("staff_code", "db100"),
                ("unit", "SVH"),
                ("full_name", "Lường  Thị Hoa"),
                ("email", "Hoa@DienBien.gov.vn"),
                ("position", "Chuyên viên"),
                ("employment_type", "vien_chuc"),
                ("joined_on", "01/03/2026"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location(&headers), "/admin/people/DB100?ok=created");
        let hoa = person(&app, "DB100").await;
        assert_eq!(
            (hoa.full_name.as_str(), hoa.email.as_deref()),
            ("Lường Thị Hoa", Some("hoa@dienbien.gov.vn"))
        );
        assert_eq!(hoa.joined_on, chrono::NaiveDate::from_ymd_opt(2026, 3, 1));

        let (status, _, body) = post_form(
            &app,
            "/admin/people",
            &s,
            &[
                ("staff_code", "DB101"),
                ("unit", "SVH"),
                ("full_name", "Ai Đó"),
                ("email", "khong-phai-email"),
                ("employment_type", "vien_chuc"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            body.contains("không hợp lệ") && body.contains("value=\"Ai Đó\""),
            "the form keeps what was typed: {body}"
        );

        // Edit: the name changes, so does the sort key.
        let (status, _, _) = post_form(
            &app,
            "/admin/people/DB100",
            &s,
            &[
                ("full_name", "Lường Thị Ánh"),
                ("email", ""),
                ("position", "Phó phòng"),
                ("employment_type", "cong_chuc"),
                ("joined_on", "2026-03-02"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let edited = person(&app, "DB100").await;
        assert_eq!(
            edited.sort_key,
            lantoa::domain::names::sort_key("Lường Thị Ánh")
        );
        assert_eq!(
            (edited.email, edited.employment_type.as_str()),
            (None, "cong_chuc")
        );
        let (status, _, body) = post_form(
            &app,
            "/admin/people/DB100",
            &s,
            &[
                ("full_name", "Lường Thị Ánh"),
                ("employment_type", "cong_chuc"),
                ("joined_on", "31/02/2026"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        // Move DB001 (with shares logged in the commune's division) to Home Affairs.
        let staff = app.token_for("DB001").await;
        for n in 0..3 {
            let (status, body) = app.post("/api/v1/shares", &staff, json!({"source_url": format!("https://dienbien.gov.vn/chuyen/{n}"), "platform": "zalo"})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, headers, _) =
            post_form(&app, "/admin/people/DB001/move", &s, &[("unit", "SNV")]).await;
        assert_eq!(
            (status, location(&headers).as_str()),
            (StatusCode::SEE_OTHER, "/admin/people/DB001?ok=moved")
        );
        let ha = app.token_for("DB003").await;
        let (status, tally) = app.get("/api/v1/units/SNV/tally?year=2026", &ha).await;
        assert_eq!(status, StatusCode::OK, "{tally}");
        let an: Vec<&Value> = tally["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|r| r["staff_code"] == "DB001")
            .collect();
        assert_eq!(an.len(), 1, "the new unit lists the person: {tally}");
        assert_eq!(an[0]["accepted"], 3, "with the whole year: {tally}");
        let (_, old) = app.get("/api/v1/units/XMP-VP/tally?year=2026", &ha).await;
        assert!(
            !old.to_string().contains("DB001"),
            "the old unit no longer lists them"
        );
        let units_of_shares = app
            .count("shares WHERE unit_id = (SELECT id FROM units WHERE code = 'XMP-VP')")
            .await;
        assert_eq!(units_of_shares, 3, "shares keep the unit at the time");
        let (status, _, _) =
            post_form(&app, "/admin/people/DB001/move", &s, &[("unit", "NOPE")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // Mark as left: their session ends and they can no longer sign in.
        let leaver = session_for(&app, "DB004").await;
        let (status, _, _) = get(&app, "/", &leaver).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _, body) = post_form(
            &app,
            "/admin/people/DB004/leave",
            &s,
            &[("left_on", "10/06/2026")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let dung = person(&app, "DB004").await;
        assert_eq!(
            (dung.active, dung.left_on),
            (false, chrono::NaiveDate::from_ymd_opt(2026, 6, 10))
        );
        let (status, _, _) = get(&app, "/", &leaver).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "sent to sign in");
        let (status, _, _) = post_form(
            &app,
            "/admin/people/DB002/leave",
            &s,
            &[("left_on", "hôm qua")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        for action in [
            "person.create",
            "person.update",
            "person.move",
            "person.leave",
        ] {
            assert_eq!(audited(&app, action).await.len(), 1, "{action}");
        }
        app.finish().await
    }
);

both_databases!(
    the_last_active_admin_cannot_be_marked_as_left,
    |app| async move {
        let s = setup(&app).await;
        app.grant("DB002", "admin", None).await;
        let (status, _, body) = post_form(
            &app,
            "/admin/people/DB002/leave",
            &s,
            &[("left_on", "01/01/2020")],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("quản trị viên cuối cùng"), "{body}");
        assert!(person(&app, "DB002").await.active);
        app.grant("DB004", "admin", None).await;
        let (status, _, _) = post_form(
            &app,
            "/admin/people/DB002/leave",
            &s,
            &[("left_on", "01/01/2020")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "another admin remains");
        app.finish().await
    }
);

both_databases!(
    a_roster_file_with_a_bad_row_imports_nothing_and_says_why,
    |app| async move {
        let s = setup(&app).await;
        let people_before = app.count("people").await;
        let csv = "staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on\n\
                   DB001,Nguyễn Văn An,an@dienbien.gov.vn,XMP-VP,Chuyên viên,cong_chuc,2020-01-01,\n\
                   DB002,Lò Thị Bình,binh@dienbien.gov.vn,XMP,Phó Chủ tịch UBND xã,can_bo,2020-01-01,\n\
                   DB200,Cà Văn Minh,,KHONGCO,,cong_chuc,,\n\
                   DB201,Tòng Thị Lan,lan@,SNV,,vien_chuc,32/01/2026,\n\
                   DB202,Giàng A Sử,,SNV,,cong_chuc,,\n\
                   DB202,Giàng A Sử,,SNV,,cong_chuc,,\n";
        let (status, _, html) = upload(
            &app,
            "/admin/people/import",
            &s,
            Some(&s.csrf),
            &[],
            "nhan-su.csv",
            csv.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let rows = preview_rows(&html);
        let outcomes: Vec<(u64, &str, &str)> = rows
            .iter()
            .map(|r| (r.0, r.1.as_str(), r.2.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            [
                (2, "DB001", "unchanged"),
                (3, "DB002", "updated"),
                (4, "DB200", "refused"),
                (5, "DB201", "refused"),
                (6, "DB202", "created"),
                (7, "DB202", "refused"),
            ],
            "{rows:?}"
        );
        assert!(
            rows[1]
                .3
                .contains("Chức vụ: Chủ tịch UBND xã → Phó Chủ tịch UBND xã"),
            "{rows:?}"
        );
        assert!(rows[2].3.contains("đơn vị KHONGCO chưa có"), "{rows:?}");
        assert!(
            rows[3].3.contains("lan@") && rows[3].3.contains("32/01/2026"),
            "{rows:?}"
        );
        assert!(rows[5].3.contains("trùng với dòng 6"), "{rows:?}");
        assert!(html.contains("Không nhập dòng nào"));
        assert!(field_value(&html, "digest").is_none());
        assert_eq!(app.count("people").await, people_before);
        assert_eq!(
            person(&app, "DB002").await.position.as_deref(),
            Some("Chủ tịch UBND xã")
        );

        // A confirmation forged for that draft is refused too.
        let token = lantoa::db::import_drafts::save(
            &app.db,
            "roster",
            person(&app, "DB003").await.id,
            "x.csv",
            csv.as_bytes(),
        )
        .await
        .expect("draft");
        let (status, _, _) = post_form(
            &app,
            "/admin/people/import/confirm",
            &s,
            &[("token", &token), ("digest", "x")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.count("people").await, people_before);
        assert_eq!(audited(&app, "roster.import").await.len(), 0);
        app.finish().await
    }
);

both_databases!(
    a_stale_roster_preview_must_be_previewed_again,
    |app| async move {
        let s = setup(&app).await;
        let csv = "staff_code,full_name,unit_code,employment_type\nDB001,Nguyễn Văn Anh,XMP-VP,cong_chuc\n";
        let (_, _, html) = upload(
            &app,
            "/admin/people/import",
            &s,
            Some(&s.csrf),
            &[],
            "a.csv",
            csv.as_bytes(),
        )
        .await;
        let token = field_value(&html, "token").expect("token");
        let digest = field_value(&html, "digest").expect("digest");
        // Someone renames DB001 in the meantime.
        let (status, _, _) = post_form(
            &app,
            "/admin/people/DB001",
            &s,
            &[
                ("full_name", "Nguyễn Văn Bình"),
                ("employment_type", "cong_chuc"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, html) = post_form(
            &app,
            "/admin/people/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            html.contains("Dữ liệu đã thay đổi")
                && html.contains("Nguyễn Văn Bình → Nguyễn Văn Anh"),
            "{html}"
        );
        assert_eq!(person(&app, "DB001").await.full_name, "Nguyễn Văn Bình");
        let fresh = field_value(&html, "digest").expect("a new digest");
        let (status, _, _) = post_form(
            &app,
            "/admin/people/import/confirm",
            &s,
            &[("token", &token), ("digest", &fresh)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(person(&app, "DB001").await.full_name, "Nguyễn Văn Anh");
        app.finish().await
    }
);

both_databases!(
    an_xlsx_roster_from_a_spreadsheet_program_is_previewed_and_imported,
    |app| async move {
        app.set_clock("2026-11-26T03:00:00Z");
        let s = setup(&app).await;
        let xlsx = spreadsheet_roster();
        let (status, _, html) = upload(
            &app,
            "/admin/people/import",
            &s,
            Some(&s.csrf),
            &[],
            "Danh sách cán bộ.xlsx",
            &xlsx,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let rows = preview_rows(&html);
        let outcomes: Vec<(u64, &str, &str)> = rows
            .iter()
            .map(|r| (r.0, r.1.as_str(), r.2.as_str()))
            .collect();
        assert_eq!(
            outcomes,
            [
                (2, "1234", "created"),
                (3, "DB002", "updated"),
                (4, "DB300", "created")
            ],
            "{rows:?}"
        );
        assert!(rows[0].3.contains("Hoàng Thị Thuỷ"), "{rows:?}");
        assert!(
            rows[1].3.contains("Ngày nghỉ: (trống) → 31/12/2026"),
            "{rows:?}"
        );
        assert!(html.contains("Danh sách cán bộ.xlsx"));
        let token = field_value(&html, "token").expect("token");
        let digest = field_value(&html, "digest").expect("digest");
        let (status, headers, _) = post_form(
            &app,
            "/admin/people/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(
            (status, location(&headers).as_str()),
            (StatusCode::SEE_OTHER, "/admin/people?ok=imported")
        );

        let thuy = person(&app, "1234").await;
        assert_eq!(thuy.full_name, "Hoàng Thị Thuỷ");
        assert_eq!(
            thuy.joined_on,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1),
            "an Excel date cell"
        );
        assert_eq!(thuy.email.as_deref(), Some("thuy.ht@dienbien.gov.vn"));
        assert_eq!(
            thuy.sort_key,
            lantoa::domain::names::sort_key("Hoàng Thị Thuỷ")
        );
        let binh = person(&app, "DB002").await;
        assert_eq!(binh.left_on, chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
        let seo = person(&app, "DB300").await;
        assert_eq!(
            seo.joined_on,
            chrono::NaiveDate::from_ymd_opt(2025, 7, 15),
            "dd/mm/yyyy text"
        );
        assert_eq!(seo.full_name, "Sùng Thị Sểnh");
        assert_eq!(audited(&app, "roster.import").await.len(), 1);
        let (status, body, _) = app
            .request(
                Method::GET,
                "/admin/people?q=hoang+thi+thuy",
                Some(&app.token_for("DB003").await),
                None,
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.as_str()
                .unwrap_or_default()
                .contains("/admin/people/1234")
        );
        app.finish().await
    }
);

/// A roster as a spreadsheet program writes it: Vietnamese headers in its own order, bold
/// header row, a staff code typed as a number, a joined date as a real date cell with a date
/// format, another as dd/mm/yyyy text, an empty cell, and a blank row at the end.
fn spreadsheet_roster() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Cán bộ").expect("name");
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let headers = [
        "Mã cán bộ",
        "Họ và tên",
        "Mã đơn vị",
        "Loại cán bộ",
        "Chức vụ",
        "Ngày bắt đầu",
        "Ngày nghỉ",
        "Thư điện tử",
    ];
    for (col, head) in headers.iter().enumerate() {
        sheet
            .write_with_format(0, col as u16, *head, &bold)
            .expect("header");
    }
    sheet.write_number(1, 0, 1234.0).expect("code as a number");
    sheet.write(1, 1, "Hoàng Thị Thuỷ").expect("name");
    sheet.write(1, 2, "SVH").expect("unit");
    sheet.write(1, 3, "vien_chuc").expect("type");
    sheet.write(1, 4, "Biên tập viên").expect("position");
    let joined = ExcelDateTime::from_ymd(2026, 3, 1).expect("date");
    sheet
        .write_with_format(1, 5, &joined, &date)
        .expect("a date cell");
    sheet.write(1, 7, "Thuy.HT@dienbien.gov.vn").expect("email");
    sheet.write(2, 0, "DB002").expect("code");
    sheet.write(2, 1, "Lò Thị Bình").expect("name");
    sheet.write(2, 2, "XMP").expect("unit");
    sheet.write(2, 3, "can_bo").expect("type");
    sheet.write(2, 4, "Chủ tịch UBND xã").expect("position");
    sheet
        .write_with_format(
            2,
            5,
            ExcelDateTime::from_ymd(2020, 1, 1).expect("date"),
            &date,
        )
        .expect("date");
    sheet.write(2, 6, "31/12/2026").expect("text date");
    sheet.write(2, 7, "binh@dienbien.gov.vn").expect("email");
    sheet.write(3, 0, "DB300").expect("code");
    sheet.write(3, 1, "Sùng Thị Sểnh").expect("name");
    sheet.write(3, 2, "XMP-VP").expect("unit");
    sheet.write(3, 3, "nguoi_lao_dong").expect("type");
    sheet
        .write(3, 5, "15/07/2025")
        .expect("a dd/mm/yyyy text date");
    sheet.set_column_width(1, 24).expect("width");
    workbook.save_to_buffer().expect("xlsx")
}

/// Shared with the browser test: the same spreadsheet.
pub fn spreadsheet_roster_bytes() -> Vec<u8> {
    spreadsheet_roster()
}

both_databases!(
    an_upload_too_large_or_not_a_table_is_refused_clearly,
    |app| async move {
        let s = setup(&app).await;
        let big = vec![b'a'; 6 * 1024 * 1024];
        let (status, _, html) = upload(
            &app,
            "/admin/people/import",
            &s,
            Some(&s.csrf),
            &[],
            "big.csv",
            &big,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            &html[..html.len().min(500)]
        );
        assert!(
            html.contains("Tệp quá lớn") || html.contains("quá lớn"),
            "{}",
            &html[..html.len().min(2000)]
        );
        let (status, _, html) = upload(
            &app,
            "/admin/people/import",
            &s,
            Some(&s.csrf),
            &[],
            "anh.png",
            &[0x89, b'P', b'N', b'G', 0xff, 0xfe],
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("không phải XLSX"), "{html}");
        assert_eq!(app.count("people").await, 6);
        app.finish().await
    }
);

both_databases!(
    the_command_line_imports_the_same_spreadsheet,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("nhan-su.xlsx");
        std::fs::write(&path, spreadsheet_roster()).expect("write");
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
            .args(["import-roster", &path.display().to_string()])
            .env("LANTOA_DATABASE_URL", &app.test_db.url)
            .env("LANTOA_LOG", "warn")
            .env_remove("LANTOA_CONFIG")
            .kill_on_drop(true)
            .output()
            .await
            .expect("lantoa runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("2 thêm mới, 1 cập nhật"), "{stdout}");
        assert_eq!(
            person(&app, "1234").await.joined_on,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        app.finish().await
    }
);
