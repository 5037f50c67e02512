//! Keeping the unit tree: create, rename, move under another parent (rewriting the materialised
//! paths of the whole subtree), retire and reactivate, and import from CSV/XLSX with a preview.
//! History stays: shares, tallies and snapshots keep the unit they were recorded in. Every change
//! is audited in its own transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{person, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::json;

use crate::db;
use crate::db::audit::Actor;
use crate::domain::roster::{UnitKind, parse_unit_code};
use crate::error::{AppError, AppResult};
use crate::import::RowError;
use crate::import::plan::{Outcome, Plan, PlanCounts, plan_units, plan_upload};
use crate::import::units::{COLUMNS, UnitRow, check_unit_name, read_table};

/// A unit in the tree with its people counts.
#[derive(Debug, Clone)]
pub struct UnitNode {
    /// The unit.
    pub unit: unit::Model,
    /// Levels below the root (0 for a root).
    pub depth: usize,
    /// The parent's code.
    pub parent_code: Option<String>,
    /// People employed today whose unit it is.
    pub people: i64,
    /// People employed today in it and every unit below it.
    pub subtree_people: i64,
}

/// Active people per unit id.
pub async fn active_people_by_unit(
    db: &impl ConnectionTrait,
    today: NaiveDate,
) -> AppResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = person::Entity::find()
        .select_only()
        .column(person::Column::UnitId)
        .column_as(person::Column::Id.count(), "n")
        .filter(person::Column::Active.eq(true))
        .filter(
            Condition::any()
                .add(person::Column::LeftOn.is_null())
                .add(person::Column::LeftOn.gte(today)),
        )
        .group_by(person::Column::UnitId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The ids on a materialised path, root first.
fn path_ids(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter_map(|p| p.parse().ok())
}

/// The whole tree, parents before children, with people counts.
pub async fn tree(db: &impl ConnectionTrait, today: NaiveDate) -> AppResult<Vec<UnitNode>> {
    let units = db::units::all(db).await?;
    let own = active_people_by_unit(db, today).await?;
    let mut subtree: HashMap<i64, i64> = HashMap::new();
    for u in &units {
        let n = own.get(&u.id).copied().unwrap_or(0);
        for ancestor in path_ids(&u.path) {
            *subtree.entry(ancestor).or_default() += n;
        }
    }
    let code_of: HashMap<i64, String> = units.iter().map(|u| (u.id, u.code.clone())).collect();
    Ok(units
        .into_iter()
        .map(|u| UnitNode {
            depth: path_ids(&u.path).count().saturating_sub(1),
            parent_code: u.parent_id.and_then(|p| code_of.get(&p).cloned()),
            people: own.get(&u.id).copied().unwrap_or(0),
            subtree_people: subtree.get(&u.id).copied().unwrap_or(0),
            unit: u,
        })
        .collect())
}

async fn find(db: &impl ConnectionTrait, code: &str) -> AppResult<unit::Model> {
    db::units::by_code(db, code)
        .await?
        .ok_or(AppError::NotFound("đơn vị"))
}

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its kind (`department`, …).
    pub kind: String,
    /// Its parent's code; none for a root.
    pub parent_code: Option<String>,
}

fn invalid(code: &'static str) -> impl Fn(String) -> AppError {
    move |message| AppError::invalid(code, message)
}

/// The active parent a unit may be placed under.
async fn usable_parent(db: &impl ConnectionTrait, code: &str) -> AppResult<unit::Model> {
    let code = parse_unit_code(code).map_err(invalid("invalid_unit_code"))?;
    let parent = db::units::by_code(db, &code).await?.ok_or_else(|| {
        AppError::invalid(
            "unknown_unit",
            format!("Không có đơn vị cấp trên mã «{code}»."),
        )
    })?;
    if !parent.active {
        return Err(AppError::invalid(
            "unit_retired",
            format!("Đơn vị cấp trên {code} đã ngừng hoạt động."),
        ));
    }
    Ok(parent)
}

/// Creates a unit.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &NewUnit,
) -> AppResult<unit::Model> {
    let code = parse_unit_code(&input.code).map_err(invalid("invalid_unit_code"))?;
    let name = check_unit_name(&input.name).map_err(invalid("invalid_unit_name"))?;
    let kind: UnitKind = input.kind.parse().map_err(invalid("invalid_unit_kind"))?;
    let txn = db.begin().await?;
    if db::units::by_code(&txn, &code).await?.is_some() {
        return Err(AppError::conflict(
            "unit_exists",
            format!("Đã có đơn vị mã {code}."),
        ));
    }
    let parent = match input
        .parent_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(p) => Some(usable_parent(&txn, p).await?),
        None => None,
    };
    let now = Utc::now();
    let created = unit::ActiveModel {
        code: Set(code.clone()),
        name: Set(name.clone()),
        kind: Set(kind.as_str().to_owned()),
        parent_id: Set(parent.as_ref().map(|p| p.id)),
        path: Set("/".to_owned()),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let path = format!(
        "{}{}/",
        parent.as_ref().map_or("/", |p| p.path.as_str()),
        created.id
    );
    let mut active: unit::ActiveModel = created.into();
    active.path = Set(path);
    let created = active.update(&txn).await?;
    db::audit::record_on(
        &txn,
        actor,
        "unit.create",
        "unit",
        &code,
        json!({"before": null, "after": {"code": code, "name": name, "kind": kind.as_str(),
               "parent": parent.as_ref().map(|p| p.code.clone())}}),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames a unit.
pub async fn rename(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    name: &str,
) -> AppResult<()> {
    let name = check_unit_name(name).map_err(invalid("invalid_unit_name"))?;
    let txn = db.begin().await?;
    let unit = find(&txn, code).await?;
    if unit.name == name {
        return Ok(());
    }
    let before = unit.name.clone();
    let code = unit.code.clone();
    let mut active: unit::ActiveModel = unit.into();
    active.name = Set(name.clone());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    db::audit::record_on(
        &txn,
        actor,
        "unit.rename",
        "unit",
        &code,
        json!({"before": {"name": before}, "after": {"name": name}}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a unit (with everything below it) under another parent, rewriting the subtree's paths.
pub async fn move_under(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    parent_code: &str,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let unit = find(&txn, code).await?;
    let parent = usable_parent(&txn, parent_code).await?;
    if db::units::is_within(&unit.path, &parent.path) {
        return Err(AppError::invalid(
            "unit_cycle",
            format!(
                "Không thể chuyển {} vào dưới {}: {} là chính nó hoặc đơn vị trực thuộc của nó.",
                unit.code, parent.code, parent.code
            ),
        ));
    }
    if unit.parent_id == Some(parent.id) {
        return Ok(());
    }
    let before_parent = match unit.parent_id {
        Some(id) => unit::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|u| u.code),
        None => None,
    };
    let old_prefix = unit.path.clone();
    let new_prefix = format!("{}{}/", parent.path, unit.id);
    let now = Utc::now();
    let subtree = unit::Entity::find()
        .filter(unit::Column::Path.starts_with(old_prefix.clone()))
        .all(&txn)
        .await?;
    let moved = subtree.len();
    for member in subtree {
        let rest = member
            .path
            .get(old_prefix.len()..)
            .unwrap_or_default()
            .to_owned();
        let is_root = member.id == unit.id;
        let mut active: unit::ActiveModel = member.into();
        active.path = Set(format!("{new_prefix}{rest}"));
        if is_root {
            active.parent_id = Set(Some(parent.id));
            active.updated_at = Set(now);
        }
        active.update(&txn).await?;
    }
    db::audit::record_on(
        &txn,
        actor,
        "unit.move",
        "unit",
        &unit.code,
        json!({"before": {"parent": before_parent, "path": old_prefix},
               "after": {"parent": parent.code, "path": new_prefix},
               "units_moved": moved}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Retires a unit; refused while it has people employed today or active sub-units.
pub async fn retire(
    db: &DatabaseConnection,
    actor: &Actor,
    code: &str,
    today: NaiveDate,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let unit = find(&txn, code).await?;
    if !unit.active {
        return Ok(());
    }
    let people = active_people_by_unit(&txn, today)
        .await?
        .get(&unit.id)
        .copied()
        .unwrap_or(0);
    if people > 0 {
        return Err(AppError::conflict(
            "unit_has_people",
            format!(
                "Không thể ngừng hoạt động đơn vị {}: còn {people} cán bộ đang làm việc. \
                 Hãy chuyển họ sang đơn vị khác hoặc ghi nhận nghỉ việc trước.",
                unit.code
            ),
        ));
    }
    let children: Vec<String> = unit::Entity::find()
        .filter(unit::Column::ParentId.eq(unit.id))
        .filter(unit::Column::Active.eq(true))
        .all(&txn)
        .await?
        .into_iter()
        .map(|u| u.code)
        .collect();
    if !children.is_empty() {
        return Err(AppError::conflict(
            "unit_has_subunits",
            format!(
                "Không thể ngừng hoạt động đơn vị {}: còn đơn vị trực thuộc đang hoạt động ({}).",
                unit.code,
                children.join(", ")
            ),
        ));
    }
    set_active(&txn, actor, unit, false).await?;
    txn.commit().await?;
    Ok(())
}

/// Makes a retired unit active again; refused while its parent is retired.
pub async fn reactivate(db: &DatabaseConnection, actor: &Actor, code: &str) -> AppResult<()> {
    let txn = db.begin().await?;
    let unit = find(&txn, code).await?;
    if unit.active {
        return Ok(());
    }
    if let Some(parent_id) = unit.parent_id
        && let Some(parent) = unit::Entity::find_by_id(parent_id).one(&txn).await?
        && !parent.active
    {
        return Err(AppError::conflict(
            "unit_retired",
            format!(
                "Đơn vị cấp trên {} đã ngừng hoạt động: hãy cho nó hoạt động trở lại trước.",
                parent.code
            ),
        ));
    }
    set_active(&txn, actor, unit, true).await?;
    txn.commit().await?;
    Ok(())
}

async fn set_active(
    db: &impl ConnectionTrait,
    actor: &Actor,
    unit: unit::Model,
    active_now: bool,
) -> AppResult<()> {
    let code = unit.code.clone();
    let mut active: unit::ActiveModel = unit.into();
    active.active = Set(active_now);
    active.updated_at = Set(Utc::now());
    active.update(db).await?;
    db::audit::record_on(
        db,
        actor,
        if active_now {
            "unit.reactivate"
        } else {
            "unit.retire"
        },
        "unit",
        &code,
        json!({"before": {"active": !active_now}, "after": {"active": active_now}}),
    )
    .await?;
    Ok(())
}

/// What importing this file would do, row by row; nothing is written.
pub async fn preview_import(db: &impl ConnectionTrait, bytes: &[u8]) -> AppResult<Plan<UnitRow>> {
    let units = db::units::all(db).await?;
    Ok(plan_upload(bytes, COLUMNS, read_table, |rows, hints| {
        plan_units(rows, hints, &units)
    }))
}

/// Applies a previewed import in one transaction, if the plan is still the one previewed
/// (`digest`) and no row is refused.
pub async fn apply_import(
    db: &DatabaseConnection,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    digest: &str,
) -> AppResult<PlanCounts> {
    let txn = db.begin().await?;
    let plan = preview_import(&txn, bytes).await?;
    check_plan(&plan, digest)?;
    db::units::import(&txn, &plan.good)
        .await?
        .map_err(|errors| refused_by_database(&errors))?;
    let counts = audit_import(&txn, actor, "unit.import", file_name, digest, &plan).await?;
    txn.commit().await?;
    Ok(counts)
}

/// Refuses an import the database refused, with the first reason.
pub(crate) fn refused_by_database(errors: &[RowError]) -> AppError {
    let first = errors.first().map(ToString::to_string).unwrap_or_default();
    AppError::invalid("import_refused", first)
}

/// Records an applied import of `file_name` as `action`: its counts, the plan's digest and every
/// row that changes; returns the counts.
pub(crate) async fn audit_import<R>(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    file_name: &str,
    digest: &str,
    plan: &Plan<R>,
) -> AppResult<PlanCounts> {
    let counts = plan.counts();
    let changed: Vec<_> = plan
        .rows
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Unchanged))
        .collect();
    db::audit::record_on(
        db,
        actor,
        action,
        "file",
        file_name,
        json!({"counts": counts, "digest": digest, "rows": changed}),
    )
    .await?;
    Ok(counts)
}

/// Refuses a plan with refused rows, or one that is not the plan previewed.
pub fn check_plan<R>(plan: &Plan<R>, digest: &str) -> AppResult<()> {
    if !plan.can_apply() {
        return Err(AppError::invalid(
            "import_refused",
            "Tệp còn dòng không hợp lệ: không nhập dòng nào. Hãy sửa tệp và xem trước lại.",
        ));
    }
    if !crate::auth::csrf::matches(&plan.digest(), digest.trim()) {
        return Err(AppError::conflict(
            "import_stale",
            "Dữ liệu đã thay đổi kể từ khi xem trước. Vui lòng xem trước lại trước khi xác nhận.",
        ));
    }
    Ok(())
}
