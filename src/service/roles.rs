//! Granting and revoking roles, for the admin pages and `lantoa role`: a unit head needs the
//! unit they answer for, and the last active admin cannot lose the role (nor leave), so the
//! province is never left without someone who can manage it. Audited in the same transaction.

use std::collections::HashSet;

use chrono::NaiveDate;
use entity::{person, role_grant, unit};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use crate::db;
use crate::db::audit::{Actor, Event};
use crate::domain::roster::Role;
use crate::error::{AppError, AppResult};
use crate::import::plan::is_active_on;

/// A grant as the roles page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    /// The grant's id.
    pub grant_id: i64,
    /// Staff code.
    pub staff_code: String,
    /// Full name.
    pub full_name: String,
    /// The Vietnamese order key of the name.
    #[serde(skip)]
    pub sort_key: String,
    /// The role.
    pub role: Role,
    /// The scope unit's code, for unit heads.
    pub unit_code: Option<String>,
    /// The scope unit's name.
    pub unit_name: Option<String>,
    /// Whether the person is still employed.
    pub active: bool,
}

/// Every grant, optionally of one role, by role then in Vietnamese name order.
pub async fn holders(db: &impl ConnectionTrait, role: Option<Role>) -> AppResult<Vec<Holder>> {
    let mut query = role_grant::Entity::find();
    if let Some(role) = role {
        query = query.filter(role_grant::Column::Role.eq(role.as_str()));
    }
    let grants = query.all(db).await?;
    let person_ids: Vec<i64> = grants.iter().map(|g| g.person_id).collect();
    let people: std::collections::HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(person_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let units: std::collections::HashMap<i64, unit::Model> = db::units::all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut out: Vec<Holder> = grants
        .into_iter()
        .filter_map(|g| {
            let person = people.get(&g.person_id)?;
            let unit = g.unit_id.and_then(|id| units.get(&id));
            Some(Holder {
                grant_id: g.id,
                staff_code: person.staff_code.clone(),
                full_name: person.full_name.clone(),
                sort_key: person.sort_key.clone(),
                role: g.role.parse().ok()?,
                unit_code: unit.map(|u| u.code.clone()),
                unit_name: unit.map(|u| u.name.clone()),
                active: person.active,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.role
            .cmp(&b.role)
            .reverse()
            .then_with(|| a.sort_key.cmp(&b.sort_key))
            .then_with(|| a.unit_code.cmp(&b.unit_code))
    });
    Ok(out)
}

/// How many people employed today hold the admin role.
pub async fn active_admins(db: &impl ConnectionTrait, today: NaiveDate) -> AppResult<usize> {
    let ids: HashSet<i64> = role_grant::Entity::find()
        .filter(role_grant::Column::Role.eq(Role::Admin.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.person_id)
        .collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(people
        .iter()
        .filter(|p| p.active && is_active_on(p.left_on, today))
        .count())
}

/// Refuses a change that leaves no active admin where there was one.
pub async fn ensure_an_admin_remains(
    db: &impl ConnectionTrait,
    before: usize,
    today: NaiveDate,
) -> AppResult<()> {
    if before > 0 && active_admins(db, today).await? == 0 {
        return Err(AppError::conflict(
            "last_admin",
            "Không thể thực hiện: đây là quản trị viên cuối cùng còn làm việc. \
             Hãy cấp vai trò quản trị cho người khác trước.",
        ));
    }
    Ok(())
}

/// Who gets or loses a role.
#[derive(Debug, Clone)]
pub struct RoleChange {
    /// The person's staff code.
    pub staff_code: String,
    /// The role.
    pub role: Role,
    /// The scope unit's code (unit heads only).
    pub unit_code: Option<String>,
}

/// The person, and the scope unit checked against the role.
async fn resolve(
    db: &impl ConnectionTrait,
    change: &RoleChange,
    granting: bool,
) -> AppResult<(person::Model, Option<unit::Model>)> {
    let person = db::people::by_staff_code(db, &change.staff_code)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "unknown_person",
                format!("Không có cán bộ mã «{}».", change.staff_code.trim()),
            )
        })?;
    let unit_code = change
        .unit_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let unit = match (change.role, unit_code) {
        (Role::UnitHead, None) => {
            return Err(AppError::invalid(
                "unit_required",
                "Vai trò thủ trưởng đơn vị cần chọn đơn vị phụ trách.",
            ));
        }
        (Role::UnitHead, Some(code)) => {
            Some(db::units::by_code(db, code).await?.ok_or_else(|| {
                AppError::invalid("unknown_unit", format!("Không có đơn vị mã «{code}»."))
            })?)
        }
        (_, Some(_)) if granting => {
            return Err(AppError::invalid(
                "unit_not_allowed",
                "Chỉ vai trò thủ trưởng đơn vị mới gắn với một đơn vị.",
            ));
        }
        (_, Some(code)) => db::units::by_code(db, code).await?,
        (_, None) => None,
    };
    Ok((person, unit))
}

/// Grants a role; returns whether it was new (granting one already held changes nothing).
pub async fn grant(
    db: &DatabaseConnection,
    actor: &Actor,
    change: &RoleChange,
    today: NaiveDate,
) -> AppResult<bool> {
    let txn = db.begin().await?;
    let (person, unit) = resolve(&txn, change, true).await?;
    if !(person.active && is_active_on(person.left_on, today)) {
        return Err(AppError::invalid(
            "person_left",
            format!("{} – {} đã nghỉ việc.", person.staff_code, person.full_name),
        ));
    }
    if let Some(unit) = unit.as_ref().filter(|u| !u.active) {
        return Err(AppError::invalid(
            "unit_retired",
            format!("Đơn vị {} đã ngừng hoạt động.", unit.code),
        ));
    }
    let unit_id = unit.as_ref().map(|u| u.id);
    let new = db::roles::grant(&txn, person.id, change.role, unit_id, actor.person_id).await?;
    if new {
        db::audit::record(
            &txn,
            actor,
            Event {
                action: "role.grant",
                target_type: Some("person"),
                target_id: Some(person.staff_code.clone()),
                detail: Some(json!({
                    "role": change.role.as_str(),
                    "unit": unit.as_ref().map(|u| u.code.clone()),
                    "before": null,
                    "after": {"role": change.role.as_str(), "unit": unit.as_ref().map(|u| u.code.clone())},
                })),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(new)
}

/// Revokes a role; returns whether there was one. Refused when it is the last active admin's.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: &Actor,
    change: &RoleChange,
    today: NaiveDate,
) -> AppResult<bool> {
    let txn = db.begin().await?;
    let (person, unit) = resolve(&txn, change, false).await?;
    let before = active_admins(&txn, today).await?;
    let unit_id = unit.as_ref().map(|u| u.id);
    let removed = db::roles::revoke(&txn, person.id, change.role, unit_id).await?;
    if removed {
        ensure_an_admin_remains(&txn, before, today).await?;
        db::audit::record(
            &txn,
            actor,
            Event {
                action: "role.revoke",
                target_type: Some("person"),
                target_id: Some(person.staff_code.clone()),
                detail: Some(json!({
                    "role": change.role.as_str(),
                    "unit": unit.as_ref().map(|u| u.code.clone()),
                    "before": {"role": change.role.as_str(), "unit": unit.as_ref().map(|u| u.code.clone())},
                    "after": null,
                })),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(removed)
}

/// The change that revokes one stored grant (the roles page's revoke buttons name grants).
pub async fn change_for_grant(db: &impl ConnectionTrait, grant_id: i64) -> AppResult<RoleChange> {
    let grant = role_grant::Entity::find_by_id(grant_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vai trò"))?;
    let person = db::people::by_id(db, grant.person_id)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))?;
    let unit_code = match grant.unit_id {
        Some(id) => unit::Entity::find_by_id(id).one(db).await?.map(|u| u.code),
        None => None,
    };
    Ok(RoleChange {
        staff_code: person.staff_code,
        role: grant
            .role
            .parse()
            .map_err(|_| AppError::NotFound("vai trò"))?,
        unit_code,
    })
}
