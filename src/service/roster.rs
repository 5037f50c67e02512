//! Keeping the roster: search (diacritic- and case-insensitive, in Vietnamese name order), add,
//! edit, mark as left (ending their sessions; never the last active admin), move to another unit
//! (shares keep the unit at the time; tallies follow the person), and import from CSV/XLSX with
//! a preview. Every change is audited in its own transaction.

use chrono::{NaiveDate, Utc};
use entity::{person, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use crate::db;
use crate::db::audit::Actor;
use crate::domain::names::{fold_ascii, sort_key};
use crate::domain::roster::{EmploymentType, StaffCode, parse_unit_code};
use crate::error::{AppError, AppResult};
use crate::import::plan::{Plan, PlanCounts, is_active_on, plan_roster, plan_upload};
use crate::import::roster::{COLUMNS, PersonRow, check_email, check_full_name, read_table};
use crate::service::roles::{active_admins, ensure_an_admin_remains};
use crate::service::units::{audit_import, check_plan, refused_by_database};

/// People shown per page of the roster.
pub const PAGE_SIZE: usize = 50;

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Part of a name (any case, with or without diacritics) or of a staff code.
    pub text: String,
    /// Only people in this unit's subtree.
    pub unit_code: Option<String>,
    /// Also people who have left.
    pub include_left: bool,
    /// 1-based page.
    pub page: usize,
}

/// A page of people with their units.
#[derive(Debug, Clone)]
pub struct Found {
    /// People on this page, in Vietnamese name order.
    pub people: Vec<(person::Model, Option<unit::Model>)>,
    /// How many match in all.
    pub total: usize,
}

/// Text folded for matching: no diacritics, lower case, single spaces.
pub fn fold_for_search(text: &str) -> String {
    fold_ascii(text)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds people. Names are matched folded, so «nguyen van an» finds «Nguyễn Văn An».
pub async fn search(
    db: &impl ConnectionTrait,
    query: &Search,
    today: NaiveDate,
) -> AppResult<Found> {
    let units = db::units::all(db).await?;
    let mut select = person::Entity::find().order_by_asc(person::Column::SortKey);
    if let Some(code) = query.unit_code.as_deref().filter(|c| !c.is_empty()) {
        let root = db::units::by_code(db, code)
            .await?
            .ok_or(AppError::NotFound("đơn vị"))?;
        let ids: Vec<i64> = units
            .iter()
            .filter(|u| db::units::is_within(&root.path, &u.path))
            .map(|u| u.id)
            .collect();
        select = select.filter(person::Column::UnitId.is_in(ids));
    }
    if !query.include_left {
        select = select.filter(person::Column::Active.eq(true));
    }
    let wanted = fold_for_search(&query.text);
    let matching: Vec<person::Model> = select
        .all(db)
        .await?
        .into_iter()
        .filter(|p| query.include_left || is_active_on(p.left_on, today))
        .filter(|p| {
            wanted.is_empty()
                || fold_for_search(&p.full_name).contains(&wanted)
                || p.staff_code.to_lowercase().contains(&wanted)
        })
        .collect();
    let total = matching.len();
    let by_id: std::collections::HashMap<i64, unit::Model> =
        units.into_iter().map(|u| (u.id, u)).collect();
    let page = query.page.max(1);
    let people = matching
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|p| {
            let unit = by_id.get(&p.unit_id).cloned();
            (p, unit)
        })
        .collect();
    Ok(Found { people, total })
}

/// A person's details as a form gives them.
#[derive(Debug, Clone, Default)]
pub struct PersonInput {
    /// Full name.
    pub full_name: String,
    /// Work e-mail (optional).
    pub email: String,
    /// Position (optional).
    pub position: String,
    /// Personnel category code.
    pub employment_type: String,
    /// First day (dd/mm/yyyy, optional).
    pub joined_on: String,
}

/// The checked details.
struct Details {
    full_name: String,
    email: Option<String>,
    position: Option<String>,
    employment_type: EmploymentType,
    joined_on: Option<NaiveDate>,
}

fn invalid(code: &'static str) -> impl Fn(String) -> AppError {
    move |message| AppError::invalid(code, message)
}

fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn parse_day(text: &str, what: &str) -> AppResult<Option<NaiveDate>> {
    match optional(text) {
        None => Ok(None),
        Some(text) => crate::domain::time::parse_date(&text)
            .map(Some)
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_date",
                    format!(
                        "{what} «{}» không hợp lệ (dd/mm/yyyy).",
                        crate::domain::roster::truncate_for_message(&text)
                    ),
                )
            }),
    }
}

fn check(input: &PersonInput) -> AppResult<Details> {
    let position = optional(&input.position);
    if position
        .as_ref()
        .is_some_and(|p| p.chars().count() > 200 || p.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "invalid_position",
            "Chức vụ quá dài hoặc có ký tự không hợp lệ.",
        ));
    }
    Ok(Details {
        full_name: check_full_name(&input.full_name).map_err(invalid("invalid_name"))?,
        email: optional(&input.email)
            .map(|e| check_email(&e))
            .transpose()
            .map_err(invalid("invalid_email"))?,
        position,
        employment_type: input
            .employment_type
            .parse()
            .map_err(invalid("invalid_employment_type"))?,
        joined_on: parse_day(&input.joined_on, "Ngày bắt đầu")?,
    })
}

fn snapshot(p: &person::Model, unit_code: &str) -> serde_json::Value {
    json!({
        "full_name": p.full_name, "email": p.email, "unit": unit_code, "position": p.position,
        "employment_type": p.employment_type, "joined_on": p.joined_on, "left_on": p.left_on,
        "active": p.active,
    })
}

async fn unit_code_of(db: &impl ConnectionTrait, id: i64) -> AppResult<String> {
    Ok(unit::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.code)
        .unwrap_or_default())
}

async fn find(db: &impl ConnectionTrait, staff_code: &str) -> AppResult<person::Model> {
    db::people::by_staff_code(db, staff_code)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))
}

async fn active_unit(db: &impl ConnectionTrait, code: &str) -> AppResult<unit::Model> {
    let code = parse_unit_code(code).map_err(invalid("invalid_unit_code"))?;
    let unit = db::units::by_code(db, &code).await?.ok_or_else(|| {
        AppError::invalid("unknown_unit", format!("Không có đơn vị mã «{code}»."))
    })?;
    if !unit.active {
        return Err(AppError::invalid(
            "unit_retired",
            format!("Đơn vị {code} đã ngừng hoạt động."),
        ));
    }
    Ok(unit)
}

/// Adds a person to the roster.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    staff_code: &str,
    unit_code: &str,
    input: &PersonInput,
) -> AppResult<person::Model> {
    let staff_code = StaffCode::parse(staff_code).map_err(invalid("invalid_staff_code"))?;
    let details = check(input)?;
    let txn = db.begin().await?;
    if db::people::by_staff_code(&txn, staff_code.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "person_exists",
            format!("Đã có cán bộ mã {staff_code}."),
        ));
    }
    let unit = active_unit(&txn, unit_code).await?;
    let now = Utc::now();
    let created = person::ActiveModel {
        staff_code: Set(staff_code.as_str().to_owned()),
        sort_key: Set(sort_key(&details.full_name)),
        full_name: Set(details.full_name),
        email: Set(details.email),
        unit_id: Set(unit.id),
        position: Set(details.position),
        employment_type: Set(details.employment_type.as_str().to_owned()),
        joined_on: Set(details.joined_on),
        left_on: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    db::audit::record_on(
        &txn,
        actor,
        "person.create",
        "person",
        &created.staff_code,
        json!({"before": null, "after": snapshot(&created, &unit.code)}),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Edits a person's details (not their unit or leaving date: `move_to`, `leave`).
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    staff_code: &str,
    input: &PersonInput,
) -> AppResult<()> {
    let details = check(input)?;
    let txn = db.begin().await?;
    let person = find(&txn, staff_code).await?;
    if let (Some(joined), Some(left)) = (details.joined_on, person.left_on)
        && left < joined
    {
        return Err(AppError::invalid(
            "invalid_date",
            "Ngày bắt đầu sau ngày nghỉ việc.",
        ));
    }
    let unit_code = unit_code_of(&txn, person.unit_id).await?;
    let before = snapshot(&person, &unit_code);
    let mut model: person::ActiveModel = person.into();
    model.sort_key = Set(sort_key(&details.full_name));
    model.full_name = Set(details.full_name);
    model.email = Set(details.email);
    model.position = Set(details.position);
    model.employment_type = Set(details.employment_type.as_str().to_owned());
    model.joined_on = Set(details.joined_on);
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    let after_json = snapshot(&after, &unit_code);
    if before != after_json {
        db::audit::record_on(
            &txn,
            actor,
            "person.update",
            "person",
            &after.staff_code,
            json!({"before": before, "after": after_json}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Records that a person left on `left_on`: from the day after, they no longer count or sign
/// in; their sessions end now if that day is past. Refused for the last active admin.
pub async fn leave(
    db: &DatabaseConnection,
    actor: &Actor,
    staff_code: &str,
    left_on: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let left = parse_day(left_on, "Ngày nghỉ việc")?.ok_or_else(|| {
        AppError::invalid("invalid_date", "Cần nhập ngày nghỉ việc (dd/mm/yyyy).")
    })?;
    let txn = db.begin().await?;
    let person = find(&txn, staff_code).await?;
    if person.joined_on.is_some_and(|joined| left < joined) {
        return Err(AppError::invalid(
            "invalid_date",
            "Ngày nghỉ việc trước ngày bắt đầu.",
        ));
    }
    let admins_before = active_admins(&txn, today).await?;
    let unit_code = unit_code_of(&txn, person.unit_id).await?;
    let before = snapshot(&person, &unit_code);
    let person_id = person.id;
    let mut model: person::ActiveModel = person.into();
    model.left_on = Set(Some(left));
    model.active = Set(is_active_on(Some(left), today));
    model.updated_at = Set(Utc::now());
    let after = model.update(&txn).await?;
    ensure_an_admin_remains(&txn, admins_before, today).await?;
    let ended = if after.active {
        0
    } else {
        db::sessions::end_all_for(&txn, person_id, Utc::now()).await?
    };
    db::audit::record_on(
        &txn,
        actor,
        "person.leave",
        "person",
        &after.staff_code,
        json!({"before": before, "after": snapshot(&after, &unit_code), "sessions_ended": ended}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a person to another unit. Their shares keep the unit they were logged in; their
/// tallies are per person, so the new unit's dashboard shows their whole year.
pub async fn move_to(
    db: &DatabaseConnection,
    actor: &Actor,
    staff_code: &str,
    unit_code: &str,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let person = find(&txn, staff_code).await?;
    let unit = active_unit(&txn, unit_code).await?;
    if person.unit_id == unit.id {
        return Ok(());
    }
    let before = unit_code_of(&txn, person.unit_id).await?;
    let code = person.staff_code.clone();
    let mut model: person::ActiveModel = person.into();
    model.unit_id = Set(unit.id);
    model.updated_at = Set(Utc::now());
    model.update(&txn).await?;
    db::audit::record_on(
        &txn,
        actor,
        "person.move",
        "person",
        &code,
        json!({"before": {"unit": before}, "after": {"unit": unit.code}}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What importing this roster file would do, row by row; nothing is written.
pub async fn preview_import(
    db: &impl ConnectionTrait,
    bytes: &[u8],
    today: NaiveDate,
) -> AppResult<Plan<PersonRow>> {
    let units = db::units::all(db).await?;
    let people = person::Entity::find().all(db).await?;
    Ok(plan_upload(bytes, COLUMNS, read_table, |rows, hints| {
        plan_roster(rows, hints, &people, &units, today)
    }))
}

/// Applies a previewed roster import in one transaction, if the plan is still the one
/// previewed (`digest`) and no row is refused; people marked as left lose their sessions.
pub async fn apply_import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    digest: &str,
    today: NaiveDate,
) -> AppResult<PlanCounts> {
    let txn = db.begin().await?;
    let plan = preview_import(&txn, bytes, today).await?;
    check_plan(&plan, digest)?;
    let admins_before = active_admins(&txn, today).await?;
    db::people::import(&txn, &plan.good)
        .await?
        .map_err(|errors| refused_by_database(&errors))?;
    ensure_an_admin_remains(&txn, admins_before, today).await?;
    for row in plan.good.iter().filter(|r| !is_active_on(r.left_on, today)) {
        if let Some(p) = db::people::by_staff_code(&txn, row.staff_code.as_str()).await? {
            db::sessions::end_all_for(&txn, p.id, Utc::now()).await?;
        }
    }
    let counts = audit_import(&txn, actor, "roster.import", file_name, digest, &plan).await?;
    txn.commit().await?;
    Ok(counts)
}
