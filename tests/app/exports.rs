//! Exports and reports: the evaluation export read back from XLSX (calamine), CSV and JSON and
//! checked figure by figure against the tally engine; grouping and Vietnamese order; closed
//! years; scope and audit; the annual report; the commendation shortlist; the command line.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use calamine::{Data, Reader};
use entity::{audit_event, evaluation_policy, share};
use lantoa::domain::names;
use lantoa::domain::roster::ShareStatus;
use lantoa::service::tally::PersonTally;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// The test province's people beyond the shared roster: one who joined and one who left during
/// the year, three more in the commune (names chosen to test the Vietnamese order).
const MORE_PEOPLE: &str = "DB005,Vừ A Dính,,XMP-VP,,vien_chuc,2026-07-01,
DB006,Lường Văn Em,,SVH,,cong_chuc,2025-01-01,2026-03-31
DB007,Lò Văn Ánh,,XMP,Phó Chủ tịch,can_bo,2020-01-01,
DB008,Đỗ Thị Dung,,XMP,=Kế toán,nguoi_lao_dong,2020-01-01,
DB009,Nguyễn Thị Chi,,XMP,Văn thư,vien_chuc,2020-01-01,
DB010,Hà Văn Giang,,SNV,,cong_chuc,2027-01-01,
";

/// (staff code, day of 2026 as "MM-DD", platform, source host) of every share logged.
fn shares_to_log() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let mut out = Vec::new();
    let hosts = [
        "dienbien.gov.vn",
        "baodienbienphu.vn",
        "chinhphu.vn",
        "vtv.vn",
    ];
    let platforms = ["facebook", "zalo", "tiktok", "youtube"];
    let plan: [(&str, &[&str]); 5] = [
        (
            "DB001",
            &[
                "01-05", "01-20", "02-10", "04-02", "04-15", "05-20", "06-30", "07-01", "08-08",
                "09-09", "10-01", "11-11", "12-15", "12-31",
            ],
        ),
        (
            "DB002",
            &[
                "01-02", "01-03", "01-04", "02-01", "02-02", "03-03", "03-04", "04-04", "05-05",
                "06-06", "07-07", "08-08", "09-09", "10-10", "10-11", "11-01", "11-02", "11-03",
                "12-01", "12-02",
            ],
        ),
        (
            "DB005",
            &[
                "07-01", "07-15", "08-01", "08-02", "08-03", "09-01", "10-01",
            ],
        ),
        ("DB006", &["02-01", "02-02", "03-31"]),
        ("DB009", &["03-08", "06-01", "09-02", "11-20", "12-20"]),
    ];
    for (code, days) in plan {
        for (i, day) in days.iter().enumerate() {
            out.push((
                code,
                (*day).to_owned(),
                platforms[i % 4],
                hosts[(i / 2) % 4],
            ));
        }
    }
    out
}

/// Seeds the province, a 2026 policy (target 12, a "Vượt" level at 150 %), the shares, and
/// rejects one share each of DB006 and DB009.
async fn seed(app: &mut TestApp) {
    app.seed_roster(UNITS_CSV, &format!("{ROSTER_CSV}{MORE_PEOPLE}"))
        .await;
    app.set_policy(2026, 12).await;
    let row = lantoa::db::policy::row_for_year(&app.db, 2026)
        .await
        .expect("db")
        .expect("policy");
    let mut policy: evaluation_policy::ActiveModel = row.into();
    policy.levels = Set(r#"[{"name":"Vượt","min_percent":150}]"#.to_owned());
    policy.update(&app.db).await.expect("levels");
    let mut settings = (*app.state.settings).clone();
    settings.max_backdate_days = 400;
    app.state.settings = Arc::new(settings);
    let mut tokens = HashMap::new();
    // DB006 left on 31 March, so logs while still employed; everyone else at the year's end.
    let mut shares = shares_to_log().into_iter().enumerate().collect::<Vec<_>>();
    shares.sort_by_key(|(_, (code, ..))| *code != "DB006");
    app.set_clock("2026-03-31T03:00:00Z");
    let pool = app.db.clone();
    let set_active = move |active: bool| {
        let db = pool.clone();
        async move {
            let left = lantoa::db::people::by_staff_code(&db, "DB006")
                .await
                .expect("db")
                .expect("DB006");
            let mut left: entity::person::ActiveModel = left.into();
            left.active = Set(active);
            left.update(&db).await.expect("update");
        }
    };
    // The roster marks people who have left as inactive; on 31 March DB006 still worked.
    set_active(true).await;
    for (n, (code, day, platform, host)) in shares {
        if code != "DB006" {
            app.set_clock("2026-12-31T10:00:00Z");
        }
        if !tokens.contains_key(code) {
            tokens.insert(code, app.token_for(code).await);
        }
        let (status, body) = app
            .post(
                "/api/v1/shares",
                &tokens[code],
                json!({"source_url": format!("https://{host}/tin/{n}"), "platform": platform, "shared_on": format!("2026-{day}")}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{code} {day}: {body}");
    }
    set_active(false).await;
    for code in ["DB006", "DB009"] {
        let person = lantoa::db::people::by_staff_code(&app.db, code)
            .await
            .expect("db")
            .expect("person");
        let first = share::Entity::find()
            .filter(share::Column::PersonId.eq(person.id))
            .order_by_asc(share::Column::Id)
            .one(&app.db)
            .await
            .expect("db")
            .expect("a share");
        lantoa::db::shares::set_status(
            &app.db,
            &first,
            ShareStatus::Rejected,
            Some("Không đúng".into()),
            None,
            chrono::Utc::now(),
        )
        .await
        .expect("review");
    }
    app.grant("DB002", "unit_head", Some("XMP")).await;
    app.grant("DB003", "home_affairs", None).await;
    app.grant("DB004", "culture", None).await;
}

/// A GET through the router, with the raw body.
async fn raw(app: &TestApp, path: &str, token: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
    let request = Request::builder()
        .uri(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    app.send_raw(request).await
}

/// The tally engine's figures for everyone, by staff code.
async fn engine(app: &TestApp) -> HashMap<String, PersonTally> {
    let people = lantoa::service::tally::everyone(&app.db).await.expect("db");
    lantoa::service::tally::for_people(&app.db, 2026, people)
        .await
        .expect("tally")
        .rows
        .into_iter()
        .map(|r| (r.person.staff_code.clone(), r))
        .collect()
}

fn sheet(bytes: &[u8], index: usize) -> calamine::Range<Data> {
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx file");
    book.worksheet_range_at(index)
        .expect("the sheet exists")
        .expect("the sheet reads")
}

fn text(cell: Option<&Data>) -> String {
    cell.map(ToString::to_string).unwrap_or_default()
}

fn num(cell: Option<&Data>) -> Option<f64> {
    match cell {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

/// A person line of the XLSX: (staff code, name, unit, figures by column).
struct XlsxPerson {
    code: String,
    name: String,
    unit: String,
    accepted: f64,
    rejected: f64,
    target: Option<f64>,
    quarters: [f64; 4],
    met: String,
    level: String,
    closed: String,
}

/// Reads the evaluation form: the person lines, the group lines and the totals line.
fn read_evaluation(range: &calamine::Range<Data>) -> (Vec<XlsxPerson>, Vec<String>, Vec<Data>) {
    assert_eq!(range.start(), Some((0, 0)), "the form starts at A1");
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| text(r.first()) == "STT")
        .expect("a header row");
    let mut people = Vec::new();
    let mut groups = Vec::new();
    let mut totals = None;
    for r in &rows[header + 1..] {
        let first = r.first();
        if let Some(stt) = num(first) {
            assert_eq!(stt as usize, people.len() + 1, "STT counts the people");
            people.push(XlsxPerson {
                code: text(r.get(1)),
                name: text(r.get(2)),
                unit: text(r.get(3)),
                accepted: num(r.get(6)).expect("accepted is a number"),
                rejected: num(r.get(7)).expect("rejected is a number"),
                target: num(r.get(8)),
                quarters: [9, 10, 11, 12].map(|c| num(r.get(c)).expect("quarters are numbers")),
                met: text(r.get(14)),
                level: text(r.get(15)),
                closed: text(r.get(16)),
            });
        } else if text(first).starts_with("Tổng cộng") {
            totals = Some(r.to_vec());
            break;
        } else if !text(first).is_empty() {
            groups.push(text(first));
        }
    }
    (people, groups, totals.expect("a totals row"))
}

both_databases!(
    the_evaluation_export_matches_the_tally_engine_in_xlsx_csv_and_json,
    |app| async move {
        seed(&mut app).await;
        let expected = engine(&app).await;
        let ha = app.token_for("DB003").await;

        // XLSX: every figure of every person, as numbers.
        let (status, headers, bytes) = raw(
            &app,
            "/api/v1/exports/evaluation?year=2026&format=xlsx",
            &ha,
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        assert!(
            headers[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap_or_default()
                .contains("danh-gia-2026.xlsx")
        );
        let range = sheet(&bytes, 0);
        let (people, groups, totals) = read_evaluation(&range);
        assert_eq!(
            people.len(),
            expected.len(),
            "everyone employed in 2026, nobody else"
        );
        assert!(people.iter().all(|p| p.code != "DB010"), "starts in 2027");
        for p in &people {
            let e = &expected[&p.code].figures;
            let msg = &p.code;
            assert_eq!(p.accepted, f64::from(e.accepted), "{msg} accepted");
            assert_eq!(p.rejected, f64::from(e.rejected), "{msg} rejected");
            assert_eq!(p.target, e.target.map(f64::from), "{msg} target");
            assert_eq!(
                p.quarters,
                e.accepted_by_quarter_number().map(f64::from),
                "{msg} quarters"
            );
            assert_eq!(
                p.met,
                if e.met == Some(true) { "Có" } else { "Không" },
                "{msg} met"
            );
            assert_eq!(Some(p.level.clone()), e.level, "{msg} level");
            assert_eq!(p.closed, "Không", "{msg}: the year is open");
            assert_eq!(p.name, expected[&p.code].person.full_name);
        }
        let by_code = |c: &str| people.iter().find(|p| p.code == c).expect("listed");
        assert_eq!(by_code("DB002").level, "Vượt", "20 of 12 is over 150 %");
        assert_eq!(
            by_code("DB005").target,
            Some(6.0),
            "joined 1 July: 12 × 184 / 365"
        );
        assert_eq!(
            by_code("DB006").target,
            Some(3.0),
            "left 31 March: 12 × 90 / 365"
        );
        assert_eq!(
            (by_code("DB006").accepted, by_code("DB006").rejected),
            (2.0, 1.0)
        );

        // Grouped by unit (each unit once, in the tree's order), Vietnamese order inside.
        let units: Vec<&str> = people.iter().map(|p| p.unit.as_str()).collect();
        let mut runs: Vec<&str> = units.clone();
        runs.dedup();
        let group_names: Vec<String> = groups
            .iter()
            .map(|g| g.rsplit_once(" (").map_or(g.clone(), |(n, _)| n.to_owned()))
            .collect();
        assert_eq!(runs, group_names, "one group row per unit, in order");
        assert_eq!(
            runs,
            [
                "Sở Nội vụ",
                "Sở Văn hóa",
                "Xã Mường Phăng",
                "Văn phòng HĐND và UBND xã Mường Phăng"
            ],
            "departments, then the commune and its division"
        );
        for unit in &runs {
            let names_in: Vec<&str> = people
                .iter()
                .filter(|p| p.unit == *unit)
                .map(|p| p.name.as_str())
                .collect();
            let mut sorted = names_in.clone();
            sorted.sort_by(|a, b| names::compare(a, b));
            assert_eq!(names_in, sorted, "{unit}: Vietnamese order");
        }
        let xmp: Vec<&str> = people
            .iter()
            .filter(|p| p.unit == "Xã Mường Phăng")
            .map(|p| p.code.as_str())
            .collect();
        assert_eq!(
            xmp,
            ["DB007", "DB002", "DB009", "DB008"],
            "Ánh, Bình, Chi, Dung"
        );

        // The totals row adds up, and its cached values are what a spreadsheet shows.
        let sum = |f: fn(&XlsxPerson) -> f64| people.iter().map(f).sum::<f64>();
        assert!(text(totals.first()).contains(&format!("{} người", people.len())));
        assert_eq!(num(totals.get(6)), Some(sum(|p| p.accepted)));
        assert_eq!(num(totals.get(7)), Some(sum(|p| p.rejected)));
        assert_eq!(num(totals.get(8)), Some(sum(|p| p.target.unwrap_or(0.0))));
        assert_eq!(num(totals.get(9)), Some(sum(|p| p.quarters[0])));
        assert_eq!(num(totals.get(12)), Some(sum(|p| p.quarters[3])));
        let met = people.iter().filter(|p| p.met == "Có").count() as f64;
        assert_eq!(num(totals.get(14)), Some(met));

        // The form around the table: issuing body, title, period and export date as dates.
        let cells: Vec<String> = range
            .rows()
            .flat_map(|r| r.iter().map(ToString::to_string))
            .collect();
        for wanted in [
            "UBND TỈNH ĐIỆN BIÊN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "NĂM 2026",
            "NGƯỜI LẬP BIỂU",
            "THỦ TRƯỞNG ĐƠN VỊ",
            "Trần Đức Chính",
        ] {
            assert!(
                cells.iter().any(|c| c.contains(wanted)),
                "the form shows {wanted}"
            );
        }
        let dates: Vec<chrono::NaiveDate> = range
            .used_cells()
            .filter_map(|(_, _, c)| match c {
                Data::DateTime(d) => d.as_datetime().map(|d| d.date()),
                _ => None,
            })
            .collect();
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(
            dates,
            [day(1, 1), day(12, 31), day(12, 31)],
            "period start and end, date of export"
        );

        // CSV: BOM, header, the same figures in the same order.
        let (status, headers, bytes) =
            raw(&app, "/api/v1/exports/evaluation?year=2026&format=csv", &ha).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[axum::http::header::CONTENT_TYPE],
            "text/csv; charset=utf-8"
        );
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(header[0], "Mã cán bộ");
        assert_eq!(header.len(), 16);
        let records: Vec<csv::StringRecord> =
            reader.records().map(|r| r.expect("a record")).collect();
        assert_eq!(records.len(), people.len());
        for (rec, p) in records.iter().zip(&people) {
            let e = &expected[&rec[0]].figures;
            assert_eq!(rec[0], p.code, "same order as the XLSX");
            assert_eq!(rec[6].parse::<u32>().ok(), Some(e.accepted));
            assert_eq!(rec[7].parse::<u32>().ok(), Some(e.rejected));
            assert_eq!(rec[8].parse::<u32>().ok(), e.target);
            let quarters: Vec<u32> = (9..13).map(|i| rec[i].parse().expect("number")).collect();
            assert_eq!(quarters, e.accepted_by_quarter_number());
            assert_eq!(&rec[13], if e.met == Some(true) { "Có" } else { "Không" });
            assert_eq!(Some(rec[14].to_owned()), e.level);
            assert_eq!(&rec[15], "Không");
        }
        let dung = records.iter().find(|r| &r[0] == "DB008").expect("DB008");
        assert_eq!(
            &dung[4], "'=Kế toán",
            "a position that looks like a formula stays text"
        );
        assert_eq!(&dung[5], "Người lao động");

        // JSON: the core shape, the same rows.
        let (status, body) = app
            .get("/api/v1/exports/evaluation?year=2026&format=json", &ha)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["year"].clone(), body["closed"].clone()),
            (json!(2026), json!(false))
        );
        let rows = body["rows"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = rows
            .iter()
            .filter_map(|r| r["staff_code"].as_str())
            .collect();
        let xlsx_codes: Vec<&str> = people.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, xlsx_codes);
        for r in &rows {
            let e = &expected[r["staff_code"].as_str().unwrap_or_default()].figures;
            assert_eq!(r["accepted"], e.accepted);
            assert_eq!(r["quarters"], json!(e.accepted_by_quarter_number()));
            assert_eq!(r["target"], json!(e.target));
            assert_eq!(r["met"], json!(e.met));
        }
        app.finish().await
    }
);

both_databases!(
    a_closed_year_exports_its_frozen_figures_and_says_so,
    |app| async move {
        seed(&mut app).await;
        let ha = app.token_for("DB003").await;
        let before = engine(&app).await;
        let actor = lantoa::db::audit::Actor::cli();
        lantoa::service::policy::close(&app.db, &actor, 2026)
            .await
            .expect("the year closes");
        // Later edits: a rename does not change the closed year's export.
        let roster = format!(
            "{ROSTER_CSV}{}",
            MORE_PEOPLE.replace("Nguyễn Thị Chi", "Nguyễn Thị Chiến")
        );
        app.seed_roster(UNITS_CSV, &roster).await;

        let (status, _, bytes) = raw(
            &app,
            "/api/v1/exports/evaluation?year=2026&format=xlsx",
            &ha,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(&bytes, 0);
        let (people, _, _) = read_evaluation(&range);
        assert_eq!(people.len(), before.len());
        assert!(people.iter().all(|p| p.closed == "Có"));
        let chi = people.iter().find(|p| p.code == "DB009").expect("DB009");
        assert_eq!(
            chi.name, "Nguyễn Thị Chi",
            "the name frozen with the figures"
        );
        assert_eq!(chi.accepted, f64::from(before["DB009"].figures.accepted));
        let cells: Vec<String> = range
            .rows()
            .flat_map(|r| r.iter().map(ToString::to_string))
            .collect();
        assert!(cells.iter().any(|c| c.contains("số liệu đã chốt")));

        let (_, body) = app
            .get(
                "/api/v1/exports/evaluation?year=2026&format=json&unit=XMP",
                &ha,
            )
            .await;
        assert_eq!(body["closed"], true);
        let codes: Vec<&str> = body["rows"]
            .as_array()
            .map(|r| r.iter().filter_map(|x| x["staff_code"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            codes,
            ["DB007", "DB002", "DB009", "DB008", "DB001", "DB005"],
            "the commune, then its division"
        );
        app.finish().await
    }
);

both_databases!(
    exports_are_scoped_to_the_callers_units_and_every_one_is_audited,
    |app| async move {
        seed(&mut app).await;
        let head = app.token_for("DB002").await;
        let ha = app.token_for("DB003").await;
        let culture = app.token_for("DB004").await;
        let staff = app.token_for("DB001").await;
        let cases = [
            (
                "/api/v1/exports/evaluation?year=2026&format=csv&unit=XMP",
                &head,
                StatusCode::OK,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv&unit=XMP-VP",
                &head,
                StatusCode::OK,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv&unit=SNV",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv&unit=NOPE",
                &head,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv&unit=NOPE",
                &ha,
                StatusCode::NOT_FOUND,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv",
                &culture,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=csv",
                &staff,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/exports/evaluation?year=2026&format=pdf",
                &ha,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "/api/v1/exports/evaluation?year=1999&format=csv",
                &ha,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "/api/v1/reports/annual?year=2026&unit=XMP",
                &head,
                StatusCode::OK,
            ),
            (
                "/api/v1/reports/annual?year=2026&unit=SVH",
                &head,
                StatusCode::FORBIDDEN,
            ),
            ("/api/v1/reports/annual?year=2026", &culture, StatusCode::OK),
            (
                "/api/v1/reports/annual?year=2026&format=csv",
                &culture,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "/api/v1/reports/commendations?year=2026",
                &culture,
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v1/reports/commendations?year=2026&top_people=5000",
                &ha,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                "/api/v1/reports/commendations?year=2025",
                &ha,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ];
        let audited_before = app.count("audit_events").await;
        let mut ok = 0;
        for (path, token, expected) in cases {
            let (status, _, body) = raw(&app, path, token).await;
            assert_eq!(
                status,
                expected,
                "{path}: {}",
                String::from_utf8_lossy(&body)
            );
            if status == StatusCode::OK {
                ok += 1;
            } else {
                let err: Value = serde_json::from_slice(&body).expect("a JSON error");
                assert!(err["error"]["code"].is_string(), "{path}: {err}");
            }
        }
        // A unit head's export holds their subtree only.
        let (_, _, bytes) = raw(
            &app,
            "/api/v1/exports/evaluation?year=2026&format=csv&unit=XMP",
            &head,
        )
        .await;
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("DB001") && text.contains("DB009") && !text.contains("DB003"),
            "{text}"
        );

        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Action.starts_with("export."))
            .all(&app.db)
            .await
            .expect("db");
        assert_eq!(
            app.count("audit_events").await - audited_before,
            ok + 1,
            "every export and nothing refused"
        );
        let head_csv = events
            .iter()
            .find(|e| e.action == "export.evaluation" && e.actor.starts_with("DB002"))
            .expect("the head's export is audited");
        let detail: Value =
            serde_json::from_str(head_csv.detail.as_deref().unwrap_or("{}")).expect("json");
        assert_eq!(
            (detail["format"].clone(), detail["unit"].clone()),
            (json!("csv"), json!("XMP"))
        );
        assert_eq!(head_csv.target_id.as_deref(), Some("2026"));
        app.finish().await
    }
);

both_databases!(
    the_annual_report_adds_up_per_unit_and_reads_back_from_xlsx,
    |app| async move {
        seed(&mut app).await;
        let culture = app.token_for("DB004").await;
        let expected = engine(&app).await;
        let (status, report) = app.get("/api/v1/reports/annual?year=2026", &culture).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let rows = report["rows"].as_array().cloned().unwrap_or_default();
        let names: Vec<&str> = rows
            .iter()
            .filter_map(|r| r["unit_name"].as_str())
            .collect();
        assert_eq!(
            names,
            ["Sở Nội vụ", "Sở Văn hóa", "Xã Mường Phăng"],
            "the division rolls up into the commune"
        );
        let xmp = &rows[2];
        // Headcount: DB001 and DB005 (division), DB002, DB007, DB008, DB009 (commune).
        assert_eq!(xmp["headcount"], 6);
        assert_eq!(xmp["participants"], 4, "DB007 and DB008 logged nothing");
        assert_eq!(xmp["participation_percent"], 66.7);
        let xmp_people = ["DB001", "DB002", "DB005", "DB007", "DB008", "DB009"];
        let met = xmp_people
            .iter()
            .filter(|c| expected[**c].figures.met == Some(true))
            .count();
        assert_eq!(xmp["met"], met);
        let accepted: u32 = xmp_people
            .iter()
            .map(|c| expected[*c].figures.accepted)
            .sum();
        assert_eq!(
            xmp["shares"], accepted,
            "nobody moved, so logged-in-unit equals the people's figures"
        );
        let logged = shares_to_log();
        let count = |codes: &[&str], platform: &str| {
            logged
                .iter()
                .filter(|(c, _, p, _)| codes.contains(c) && *p == platform)
                .count()
                - usize::from(platform == "facebook" && codes.contains(&"DB009"))
        };
        assert_eq!(
            xmp["by_platform"]["facebook"],
            count(&xmp_people, "facebook"),
            "the rejected one does not count"
        );
        assert_eq!(xmp["by_platform"]["zalo"], count(&xmp_people, "zalo"));
        let platforms: u64 = xmp["by_platform"]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        let categories: u64 = xmp["by_category"]
            .as_object()
            .map(|m| m.values().filter_map(Value::as_u64).sum())
            .unwrap_or(0);
        assert_eq!(
            (platforms, categories),
            (u64::from(accepted), u64::from(accepted))
        );
        assert!(
            xmp["by_category"]["press"].as_u64().unwrap_or(0) > 0,
            "baodienbienphu.vn and vtv.vn are press"
        );
        let total_shares: u32 = expected.values().map(|r| r.figures.accepted).sum();
        assert_eq!(report["total"]["shares"], total_shares);
        assert_eq!(report["total"]["headcount"], expected.len());
        assert!(report["top_sources"][0]["shares"].as_u64().unwrap_or(0) > 0);

        // XLSX: the same lines, numbers as numbers, percentages as fractions.
        let (status, _, bytes) = raw(
            &app,
            "/api/v1/reports/annual?year=2026&format=xlsx",
            &culture,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(&bytes, 0);
        let lines: Vec<&[Data]> = range.rows().filter(|r| num(r.first()).is_some()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(text(lines[2].get(1)), "Xã Mường Phăng");
        assert_eq!(num(lines[2].get(2)), Some(6.0));
        assert_eq!(num(lines[2].get(3)), Some(4.0));
        assert!((num(lines[2].get(4)).unwrap_or(0.0) - 4.0 / 6.0).abs() < 0.001);
        assert_eq!(num(lines[2].get(5)), Some(f64::from(accepted)));
        let total = range
            .rows()
            .find(|r| text(r.get(1)) == "Tổng cộng")
            .expect("a total line");
        assert_eq!(num(total.get(5)), Some(f64::from(total_shares)));
        let sources = sheet(&bytes, 1);
        assert!(
            sources
                .rows()
                .any(|r| text(r.get(2)) == "baodienbienphu.vn")
        );

        // The printable page, for Culture and for a unit head (their unit by default).
        let (status, _, page) = raw(&app, "/reports/annual?year=2026", &culture).await;
        let page = String::from_utf8_lossy(&page);
        assert_eq!(status, StatusCode::OK);
        for wanted in [
            "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ THỊ SỐ 2241/CT-UBND NĂM 2026",
            "Xã Mường Phăng",
            "66,7 %",
            "report.css",
            "NGƯỜI LẬP BIỂU",
        ] {
            assert!(page.contains(wanted), "the page shows {wanted}");
        }
        let head = app.token_for("DB002").await;
        let (status, _, page) = raw(&app, "/reports/annual?year=2026", &head).await;
        let page = String::from_utf8_lossy(&page);
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains("Văn phòng HĐND và UBND xã Mường Phăng")
                && !page.contains("Sở Nội vụ</th>"),
            "the head's own unit"
        );

        // The dashboard reminds the unit in the month before 30 November, not after.
        let (status, _, dashboard) = raw(&app, "/units/XMP?year=2026", &head).await;
        assert_eq!(status, StatusCode::OK);
        let dashboard = String::from_utf8_lossy(&dashboard).into_owned();
        assert!(
            !dashboard.contains("đến hạn gửi báo cáo"),
            "31 December: past the deadline"
        );
        app.set_clock("2026-11-23T03:00:00Z");
        let (_, _, dashboard) = raw(&app, "/units/XMP?year=2026", &head).await;
        assert!(String::from_utf8_lossy(&dashboard).contains("Còn 7 ngày đến hạn gửi báo cáo"));
        app.finish().await
    }
);

both_databases!(
    the_commendation_shortlist_follows_the_rule_home_affairs_sets,
    |app| async move {
        seed(&mut app).await;
        let ha = app.token_for("DB003").await;
        let expected = engine(&app).await;
        let (status, list) = app
            .get("/api/v1/reports/commendations?year=2026&top_people=3&min_percent=100&top_units=5&min_unit_people=2", &ha)
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let mut ranked: Vec<&PersonTally> = expected
            .values()
            .filter(|r| {
                r.figures
                    .target
                    .is_some_and(|t| t > 0 && r.figures.accepted >= t)
            })
            .collect();
        ranked.sort_by(|a, b| {
            let (aa, at) = (
                u64::from(a.figures.accepted),
                u64::from(a.figures.target.unwrap_or(1)),
            );
            let (ba, bt) = (
                u64::from(b.figures.accepted),
                u64::from(b.figures.target.unwrap_or(1)),
            );
            (ba * at)
                .cmp(&(aa * bt))
                .then(b.figures.accepted.cmp(&a.figures.accepted))
        });
        let want: Vec<&str> = ranked
            .iter()
            .take(3)
            .map(|r| r.person.staff_code.as_str())
            .collect();
        let got: Vec<&str> = list["people"]
            .as_array()
            .map(|p| p.iter().filter_map(|x| x["staff_code"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(got, want);
        assert_eq!(list["people"][0]["rank"], 1);
        assert_eq!(list["rule"]["top_people"], 3);
        let units: Vec<&str> = list["units"]
            .as_array()
            .map(|u| u.iter().filter_map(|x| x["unit_code"].as_str()).collect())
            .unwrap_or_default();
        assert!(units.contains(&"XMP"), "{units:?}");

        let (status, _, bytes) = raw(
            &app,
            "/api/v1/reports/commendations?year=2026&format=xlsx&top_people=3",
            &ha,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let range = sheet(&bytes, 0);
        let codes: Vec<String> = range
            .rows()
            .skip_while(|r| text(r.first()) != "I. CÁ NHÂN")
            .skip(2)
            .take_while(|r| num(r.first()).is_some())
            .map(|r| text(r.get(1)))
            .collect();
        assert_eq!(codes, want);

        let (status, _, page) =
            raw(&app, "/reports/commendations?year=2026&top_people=3", &ha).await;
        assert_eq!(status, StatusCode::OK);
        assert!(String::from_utf8_lossy(&page).contains("DANH SÁCH ĐỀ XUẤT KHEN THƯỞNG"));
        let (status, _, _) = raw(&app, "/exports", &ha).await;
        assert_eq!(status, StatusCode::OK);
        app.finish().await
    }
);

both_databases!(
    the_export_command_writes_xlsx_csv_and_reports_to_files,
    |app| async move {
        seed(&mut app).await;
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: Vec<String>| {
            let url = app.test_db.url.clone();
            async move {
                tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
                    .args(&args)
                    .env("LANTOA_DATABASE_URL", url)
                    .env("LANTOA_LOG", "warn")
                    .env_remove("LANTOA_CONFIG")
                    .kill_on_drop(true)
                    .output()
                    .await
                    .expect("lantoa runs")
            }
        };
        let path = |name: &str| dir.path().join(name).display().to_string();
        let args = |s: &[&str]| s.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let out = run(args(&[
            "export",
            "evaluation",
            "--year",
            "2026",
            "--format",
            "xlsx",
            "-o",
            &path("e.xlsx"),
        ]))
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let bytes = std::fs::read(path("e.xlsx")).expect("written");
        let (people, _, _) = read_evaluation(&sheet(&bytes, 0));
        assert_eq!(people.len(), engine(&app).await.len());
        assert!(
            !dir.path().join("e.xlsx.part").exists(),
            "no partial file left"
        );

        let out = run(args(&[
            "export",
            "evaluation",
            "--year",
            "2026",
            "--format",
            "csv",
            "--unit",
            "XMP",
        ]))
        .await;
        assert!(out.status.success());
        assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            7,
            "header and six people"
        );

        let out = run(args(&[
            "export",
            "annual-report",
            "--year",
            "2026",
            "--format",
            "json",
        ]))
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(report["rows"].as_array().map(Vec::len), Some(3));
        let out = run(args(&[
            "export",
            "commendations",
            "--year",
            "2026",
            "-o",
            &path("k.xlsx"),
        ]))
        .await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = run(args(&[
            "export",
            "evaluation",
            "--year",
            "2026",
            "--unit",
            "NOPE",
            "-o",
            &path("x.csv"),
        ]))
        .await;
        assert!(!out.status.success(), "an unknown unit fails");
        assert!(!dir.path().join("x.csv").exists() && !dir.path().join("x.csv.part").exists());
        let cli_events = audit_event::Entity::find()
            .filter(audit_event::Column::Actor.eq("cli"))
            .filter(audit_event::Column::Action.starts_with("export."))
            .all(&app.db)
            .await
            .expect("db");
        assert_eq!(cli_events.len(), 4, "each command's export is audited");
        app.finish().await
    }
);

both_databases!(
    a_period_across_two_years_exports_what_the_engine_counts,
    |app| async move {
        app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
        let input = lantoa::service::policy::PolicyInput {
            period_start: chrono::NaiveDate::from_ymd_opt(2025, 12, 15),
            period_end: chrono::NaiveDate::from_ymd_opt(2026, 12, 14),
            target: 10,
            month_target: None,
            quarter_target: None,
            levels: Vec::new(),
            count_only_own_accounts: None,
        };
        lantoa::service::policy::set(&app.db, &lantoa::db::audit::Actor::cli(), 2026, &input)
            .await
            .expect("policy");
        let mut settings = (*app.state.settings).clone();
        settings.max_backdate_days = 400;
        app.state.settings = Arc::new(settings);
        app.set_clock("2026-12-20T03:00:00Z");
        app.grant("DB003", "home_affairs", None).await;
        let token = app.token_for("DB001").await;
        let days = [
            "2025-12-14",
            "2025-12-15",
            "2025-12-31",
            "2026-01-10",
            "2026-02-01",
            "2026-04-30",
            "2026-11-30",
            "2026-12-01",
            "2026-12-14",
            "2026-12-15",
        ];
        for (n, day) in days.iter().enumerate() {
            let (status, body) = app
                .post(
                    "/api/v1/shares",
                    &token,
                    json!({"source_url": format!("https://dienbien.gov.vn/ky/{n}"), "platform": "zalo", "shared_on": day}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{day}: {body}");
        }
        let expected = engine(&app).await;
        let an = &expected["DB001"].figures;
        assert_eq!(an.accepted, 8, "15/12/2025 to 14/12/2026");
        let ha = app.token_for("DB003").await;
        let (status, body) = app
            .get("/api/v1/exports/evaluation?year=2026&format=json", &ha)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for row in body["rows"].as_array().cloned().unwrap_or_default() {
            let e = &expected[row["staff_code"].as_str().unwrap_or_default()].figures;
            assert_eq!(row["accepted"], e.accepted);
            assert_eq!(row["rejected"], e.rejected);
            assert_eq!(row["quarters"], json!(e.accepted_by_quarter_number()));
            assert_eq!(row["target"], json!(e.target));
            assert_eq!(row["level"], json!(e.level));
        }
        let an_row = body["rows"]
            .as_array()
            .and_then(|r| r.iter().find(|x| x["staff_code"] == "DB001").cloned())
            .expect("DB001");
        // Q4 holds 15–31/12/2025 and 1/10–14/12/2026: 2 + 3.
        assert_eq!(an_row["quarters"], json!([2, 1, 0, 5]));
        app.finish().await
    }
);
