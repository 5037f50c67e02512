//! People on the roster.

use std::collections::HashMap;

use chrono::Utc;
use entity::{person, unit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};

use super::units::ImportCounts;
use crate::domain::names::sort_key;
use crate::import::RowError;
use crate::import::roster::PersonRow;

/// Finds a person by staff code.
pub async fn by_staff_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::StaffCode.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await
}

/// Finds a person by id.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find_by_id(id).one(db).await
}

/// Everyone whose unit is one of `unit_ids`.
pub async fn in_units(
    db: &impl ConnectionTrait,
    unit_ids: &[i64],
) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::UnitId.is_in(unit_ids.iter().copied()))
        .all(db)
        .await
}

/// Rewrites the stored `sort_key` of everyone whose key is not the one this build computes:
/// after an ICU collation data or key layout change, a restored backup, or rows written by an
/// older replica. Returns how many rows changed; run inside a transaction.
pub async fn rekey(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let people: Vec<(i64, String, String)> = person::Entity::find()
        .select_only()
        .columns([
            person::Column::Id,
            person::Column::FullName,
            person::Column::SortKey,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let mut changed = 0;
    for (id, full_name, stored) in people {
        let key = sort_key(&full_name);
        if key != stored {
            person::Entity::update_many()
                .col_expr(person::Column::SortKey, Expr::value(key))
                .filter(person::Column::Id.eq(id))
                .exec(db)
                .await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Creates or updates people by staff code. Unknown units are refused row by row before
/// anything is written; run inside a transaction.
pub async fn import(
    db: &impl ConnectionTrait,
    rows: &[PersonRow],
) -> Result<Result<ImportCounts, Vec<RowError>>, DbErr> {
    let units: HashMap<String, i64> = unit::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    let errors: Vec<RowError> = rows
        .iter()
        .filter(|r| !units.contains_key(&r.unit_code))
        .map(|r| {
            RowError::new(
                r.line,
                format!(
                    "đơn vị {} chưa có trong hệ thống (nhập đơn vị trước)",
                    r.unit_code
                ),
            )
        })
        .collect();
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let existing: HashMap<String, person::Model> = person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.staff_code.clone(), p))
        .collect();
    let now = Utc::now();
    let mut counts = ImportCounts::default();
    for row in rows {
        let unit_id = units[&row.unit_code];
        let active = row
            .left_on
            .is_none_or(|left| left >= crate::domain::time::today());
        match existing.get(row.staff_code.as_str()) {
            Some(p)
                if p.full_name == row.full_name
                    && p.email == row.email
                    && p.unit_id == unit_id
                    && p.position == row.position
                    && p.employment_type == row.employment_type.as_str()
                    && p.joined_on == row.joined_on
                    && p.left_on == row.left_on
                    && p.active == active =>
            {
                counts.unchanged += 1;
            }
            Some(p) => {
                let mut model: person::ActiveModel = p.clone().into();
                model.full_name = Set(row.full_name.clone());
                model.sort_key = Set(sort_key(&row.full_name));
                model.email = Set(row.email.clone());
                model.unit_id = Set(unit_id);
                model.position = Set(row.position.clone());
                model.employment_type = Set(row.employment_type.as_str().to_owned());
                model.joined_on = Set(row.joined_on);
                model.left_on = Set(row.left_on);
                model.active = Set(active);
                model.updated_at = Set(now);
                model.update(db).await?;
                counts.updated += 1;
            }
            None => {
                person::ActiveModel {
                    staff_code: Set(row.staff_code.as_str().to_owned()),
                    full_name: Set(row.full_name.clone()),
                    sort_key: Set(sort_key(&row.full_name)),
                    email: Set(row.email.clone()),
                    unit_id: Set(unit_id),
                    position: Set(row.position.clone()),
                    employment_type: Set(row.employment_type.as_str().to_owned()),
                    joined_on: Set(row.joined_on),
                    left_on: Set(row.left_on),
                    active: Set(active),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                counts.created += 1;
            }
        }
    }
    Ok(Ok(counts))
}
