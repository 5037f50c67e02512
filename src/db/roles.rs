//! Role grants: a person, a role, and for unit heads the unit whose subtree they see.

use chrono::Utc;
use entity::{role_grant, unit};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    ModelTrait, QueryFilter,
};

use crate::domain::roster::Role;

/// A grant with its unit's path resolved, as authorisation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The scope unit (unit heads), if any.
    pub unit_id: Option<i64>,
    /// The scope unit's materialised path.
    pub unit_path: Option<String>,
    /// The scope unit's code.
    pub unit_code: Option<String>,
}

/// Every grant a person holds.
pub async fn of_person(db: &impl ConnectionTrait, person_id: i64) -> Result<Vec<Grant>, DbErr> {
    let rows = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(person_id))
        .find_also_related(unit::Entity)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(grant, unit)| {
            Some(Grant {
                role: grant.role.parse().ok()?,
                unit_id: grant.unit_id,
                unit_path: unit.as_ref().map(|u| u.path.clone()),
                unit_code: unit.map(|u| u.code),
            })
        })
        .collect())
}

/// Grants a role (idempotent); returns whether it was new.
pub async fn grant(
    db: &impl ConnectionTrait,
    person_id: i64,
    role: Role,
    unit_id: Option<i64>,
    granted_by: Option<i64>,
) -> Result<bool, DbErr> {
    if find(db, person_id, role, unit_id).await?.is_some() {
        return Ok(false);
    }
    role_grant::ActiveModel {
        person_id: Set(person_id),
        role: Set(role.as_str().to_owned()),
        unit_id: Set(unit_id),
        granted_by: Set(granted_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(true)
}

/// Revokes a role; returns whether there was one to revoke.
pub async fn revoke(
    db: &impl ConnectionTrait,
    person_id: i64,
    role: Role,
    unit_id: Option<i64>,
) -> Result<bool, DbErr> {
    match find(db, person_id, role, unit_id).await? {
        Some(row) => {
            row.delete(db).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

async fn find(
    db: &impl ConnectionTrait,
    person_id: i64,
    role: Role,
    unit_id: Option<i64>,
) -> Result<Option<role_grant::Model>, DbErr> {
    let query = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(person_id))
        .filter(role_grant::Column::Role.eq(role.as_str()));
    let query = match unit_id {
        Some(id) => query.filter(role_grant::Column::UnitId.eq(id)),
        None => query.filter(role_grant::Column::UnitId.is_null()),
    };
    query.one(db).await
}
