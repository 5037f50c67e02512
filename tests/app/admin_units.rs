//! `/admin/units` through the router with a browser session: the tree with people counts,
//! create, rename, move (the whole subtree's paths rewritten), retire and reactivate, the
//! refusals (a unit under its own descendant, retiring a unit with people or active sub-units,
//! a missing CSRF token), and the CSV/XLSX import with its preview.

use axum::http::StatusCode;

use crate::admin_helpers::{
    audited, field_value, get, location, post_form, post_raw_form, preview_rows, session_for,
    upload,
};
use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

async fn path_of(app: &TestApp, code: &str) -> String {
    lantoa::db::units::by_code(&app.db, code)
        .await
        .expect("db")
        .expect("unit")
        .path
}

async fn setup(app: &TestApp) -> crate::helpers::Session {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    app.grant("DB003", "home_affairs", None).await;
    session_for(app, "DB003").await
}

both_databases!(
    the_tree_shows_people_counts_and_units_are_created_renamed_moved_retired_and_reactivated,
    |app| async move {
        let s = setup(&app).await;
        let (status, _, html) = get(&app, "/admin/units", &s).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("Xã Mường Phăng") && html.contains("depth-2"),
            "indented tree"
        );
        // The province counts everyone below it; the commune its own head and its division's one.
        let row = |code: &str| {
            let at = html.find(&format!("id=\"u-{code}\"")).expect("row");
            html[at..at + html[at..].find("</tr>").expect("end")].to_owned()
        };
        assert!(
            row("DB").contains("<td class=\"num\">0</td>\n  <td class=\"num\">4</td>"),
            "{}",
            row("DB")
        );
        assert!(
            row("XMP").contains("<td class=\"num\">1</td>\n  <td class=\"num\">2</td>"),
            "{}",
            row("XMP")
        );

        let (status, headers, body) = post_form(
            &app,
            "/admin/units",
            &s,
            &[
                ("code", "xmp-tp"),
                ("name", "  Phòng  Tư pháp "),
                ("kind", "division"),
                ("parent", "XMP-VP"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert!(
            location(&headers).starts_with("/admin/units?ok=created"),
            "{}",
            location(&headers)
        );
        let vp = path_of(&app, "XMP-VP").await;
        let tp = lantoa::db::units::by_code(&app.db, "XMP-TP")
            .await
            .expect("db")
            .expect("created");
        assert_eq!(tp.name, "Phòng Tư pháp");
        assert_eq!(tp.path, format!("{vp}{}/", tp.id));

        let (status, _, body) = post_form(
            &app,
            "/admin/units",
            &s,
            &[
                ("code", "XMP-TP"),
                ("name", "Trùng"),
                ("kind", "division"),
                ("parent", "XMP"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("Đã có đơn vị mã XMP-TP"), "{body}");

        let (status, headers, _) = post_form(
            &app,
            "/admin/units/XMP-VP/rename",
            &s,
            &[("name", "Văn phòng xã")],
        )
        .await;
        assert_eq!(
            (status, location(&headers).as_str()),
            (StatusCode::SEE_OTHER, "/admin/units/XMP-VP?ok=renamed")
        );

        // Move the division (and its own sub-unit) from the commune to Home Affairs.
        let (status, _, body) =
            post_form(&app, "/admin/units/XMP-VP/move", &s, &[("parent", "SNV")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        let snv = path_of(&app, "SNV").await;
        let vp_unit = lantoa::db::units::by_code(&app.db, "XMP-VP")
            .await
            .expect("db")
            .expect("unit");
        assert_eq!(vp_unit.path, format!("{snv}{}/", vp_unit.id));
        assert_eq!(
            path_of(&app, "XMP-TP").await,
            format!("{}{}/", vp_unit.path, tp.id),
            "the subtree moved along"
        );
        let (_, _, html) = get(&app, "/admin/units/XMP-VP?ok=moved", &s).await;
        assert!(
            html.contains("Văn phòng xã") && html.contains("Đã chuyển đơn vị"),
            "{html}"
        );

        // Retire and reactivate the empty division.
        let (status, _, _) = post_form(&app, "/admin/units/XMP-TP/retire", &s, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, html) = get(&app, "/admin/units", &s).await;
        assert!(
            html.contains("id=\"u-XMP-TP\" class=\"retired\""),
            "retired units stay listed"
        );
        let (status, _, _) = post_form(&app, "/admin/units/XMP-TP/reactivate", &s, &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            lantoa::db::units::by_code(&app.db, "XMP-TP")
                .await
                .expect("db")
                .expect("unit")
                .active
        );

        for action in [
            "unit.create",
            "unit.rename",
            "unit.move",
            "unit.retire",
            "unit.reactivate",
        ] {
            assert_eq!(
                audited(&app, action).await.len(),
                1,
                "{action} audited once"
            );
        }
        app.finish().await
    }
);

both_databases!(
    a_unit_cannot_move_under_itself_or_its_descendant_nor_retire_with_people_or_sub_units,
    |app| async move {
        let s = setup(&app).await;
        let before = lantoa::db::units::all(&app.db).await.expect("units");
        for parent in ["XMP", "XMP-VP"] {
            let (status, _, body) =
                post_form(&app, "/admin/units/XMP/move", &s, &[("parent", parent)]).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "under {parent}");
            assert!(body.contains("chính nó hoặc đơn vị trực thuộc"), "{body}");
        }
        let (status, _, body) = post_form(&app, "/admin/units/SVH/retire", &s, &[]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("còn 1 cán bộ đang làm việc"), "{body}");
        // The province has no people of its own but active sub-units.
        let (status, _, body) = post_form(&app, "/admin/units/DB/retire", &s, &[]).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            body.contains("còn đơn vị trực thuộc đang hoạt động"),
            "{body}"
        );
        let (status, _, _) =
            post_form(&app, "/admin/units/NOPE/move", &s, &[("parent", "DB")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            lantoa::db::units::all(&app.db).await.expect("units"),
            before,
            "nothing changed"
        );
        assert_eq!(
            audited(&app, "unit.move").await.len() + audited(&app, "unit.retire").await.len(),
            0
        );
        app.finish().await
    }
);

both_databases!(unit_changes_need_the_csrf_token, |app| async move {
    let s = setup(&app).await;
    let (status, _, _) =
        post_raw_form(&app, "/admin/units/XMP/rename", &s, &[("name", "Tên mới")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = post_raw_form(
        &app,
        "/admin/units/XMP/rename",
        &s,
        &[("_csrf", &"0".repeat(64)), ("name", "Tên mới")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let csv = "code,name,kind,parent_code\nX1,Đơn vị X,department,DB\n";
    let (status, _, _) = upload(
        &app,
        "/admin/units/import",
        &s,
        None,
        &[],
        "units.csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an upload without its token");
    let (status, _, _) = upload(
        &app,
        "/admin/units/import",
        &s,
        Some("bad"),
        &[],
        "units.csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an upload with a wrong token"
    );
    assert_eq!(
        lantoa::db::units::by_code(&app.db, "XMP")
            .await
            .expect("db")
            .expect("u")
            .name,
        "Xã Mường Phăng"
    );
    assert_eq!(app.count("import_drafts").await, 0, "nothing kept");
    app.finish().await
});

both_databases!(
    a_unit_import_is_previewed_row_by_row_and_applied_all_or_nothing,
    |app| async move {
        let s = setup(&app).await;
        let units_before = app.count("units").await;
        // A bad row (unknown parent) refuses the whole file.
        let bad = "code,name,kind,parent_code\nSTP,Sở Tư pháp,department,DB\nXNC,Xã Na Cô Sa,commune,NOWHERE\nSNV,Sở Nội vụ tỉnh,department,DB\n";
        let (status, _, html) = upload(
            &app,
            "/admin/units/import",
            &s,
            Some(&s.csrf),
            &[],
            "don-vi.csv",
            bad.as_bytes(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let rows = preview_rows(&html);
        let outcomes: Vec<(u64, &str)> = rows.iter().map(|r| (r.0, r.2.as_str())).collect();
        assert_eq!(
            outcomes,
            [(2, "created"), (3, "refused"), (4, "updated")],
            "{rows:?}"
        );
        assert!(rows[1].3.contains("NOWHERE"), "{rows:?}");
        assert!(rows[2].3.contains("Sở Nội vụ → Sở Nội vụ tỉnh"), "{rows:?}");
        assert!(
            field_value(&html, "digest").is_none(),
            "no confirmation while a row is refused"
        );

        // The same file fixed, as XLSX with Vietnamese headers in another order.
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (col, head) in [
            "Tên đơn vị",
            "Mã đơn vị",
            "Loại đơn vị",
            "Mã đơn vị cấp trên",
        ]
        .iter()
        .enumerate()
        {
            sheet.write(0, col as u16, *head).expect("write");
        }
        for (row, cells) in [
            ["Sở Tư pháp", "STP", "department", "DB"],
            ["Phòng Hành chính", "STP-HC", "division", "STP"],
        ]
        .iter()
        .enumerate()
        {
            for (col, cell) in cells.iter().enumerate() {
                sheet
                    .write(row as u32 + 1, col as u16, *cell)
                    .expect("write");
            }
        }
        let xlsx = workbook.save_to_buffer().expect("xlsx");
        let (status, _, html) = upload(
            &app,
            "/admin/units/import",
            &s,
            Some(&s.csrf),
            &[],
            "don-vi.xlsx",
            &xlsx,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let outcomes: Vec<String> = preview_rows(&html).into_iter().map(|r| r.2).collect();
        assert_eq!(outcomes, ["created", "created"]);
        assert_eq!(
            app.count("units").await,
            units_before,
            "a preview writes nothing"
        );
        let token = field_value(&html, "token").expect("token");
        let digest = field_value(&html, "digest").expect("digest");

        // A wrong digest (the data changed since the preview) is refused and previewed again.
        let (status, _, html) = post_form(
            &app,
            "/admin/units/import/confirm",
            &s,
            &[("token", &token), ("digest", &"0".repeat(64))],
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(html.contains("xem trước lại"), "{html}");
        assert_eq!(app.count("units").await, units_before);

        let (status, headers, _) = post_form(
            &app,
            "/admin/units/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(
            (status, location(&headers).as_str()),
            (StatusCode::SEE_OTHER, "/admin/units?ok=imported")
        );
        assert_eq!(app.count("units").await, units_before + 2);
        let hc = lantoa::db::units::by_code(&app.db, "STP-HC")
            .await
            .expect("db")
            .expect("unit");
        assert_eq!(hc.path, format!("{}{}/", path_of(&app, "STP").await, hc.id));
        assert_eq!(audited(&app, "unit.import").await.len(), 1);
        // The draft is gone: confirming twice does nothing more.
        let (status, _, _) = post_form(
            &app,
            "/admin/units/import/confirm",
            &s,
            &[("token", &token), ("digest", &digest)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        app.finish().await
    }
);
