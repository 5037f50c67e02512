//! Units: the tree of bodies, with a materialised path (`/1/5/12/`) for subtree queries.

use std::collections::HashMap;

use chrono::Utc;
use entity::unit;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

use crate::import::RowError;
use crate::import::units::{UnitRow, depth};

/// Finds a unit by its code.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<unit::Model>, DbErr> {
    unit::Entity::find()
        .filter(unit::Column::Code.eq(code.trim().to_ascii_uppercase()))
        .one(db)
        .await
}

/// Every unit, by path (so parents come before children).
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<unit::Model>, DbErr> {
    unit::Entity::find()
        .order_by_asc(unit::Column::Path)
        .all(db)
        .await
}

/// The ids of a unit and everything below it.
pub async fn subtree_ids(db: &impl ConnectionTrait, root: &unit::Model) -> Result<Vec<i64>, DbErr> {
    Ok(unit::Entity::find()
        .filter(unit::Column::Path.starts_with(root.path.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

/// Whether `inner` lies in the subtree of `outer` (or is it).
pub fn is_within(outer_path: &str, inner_path: &str) -> bool {
    inner_path.starts_with(outer_path)
}

/// What an import changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    /// New rows.
    pub created: usize,
    /// Rows that changed.
    pub updated: usize,
    /// Rows already as given.
    pub unchanged: usize,
}

/// Creates or updates units by code. Every row is checked (unknown parent, cycles) before
/// anything is written; run inside a transaction so a database failure writes nothing either.
pub async fn import(
    db: &impl ConnectionTrait,
    rows: &[UnitRow],
) -> Result<Result<ImportCounts, Vec<RowError>>, DbErr> {
    let existing: HashMap<String, unit::Model> = all(db)
        .await?
        .into_iter()
        .map(|u| (u.code.clone(), u))
        .collect();
    let id_to_code: HashMap<i64, String> =
        existing.values().map(|u| (u.id, u.code.clone())).collect();

    // The parent of every code once the file is applied.
    let mut parent_of: HashMap<String, Option<String>> = existing
        .values()
        .map(|u| {
            (
                u.code.clone(),
                u.parent_id.and_then(|p| id_to_code.get(&p).cloned()),
            )
        })
        .collect();
    for row in rows {
        parent_of.insert(row.code.clone(), row.parent_code.clone());
    }

    let mut errors = Vec::new();
    for row in rows {
        if let Some(parent) = &row.parent_code
            && !parent_of.contains_key(parent)
        {
            errors.push(RowError::new(
                row.line,
                format!("đơn vị cấp trên {parent} không có trong tệp hay trong hệ thống"),
            ));
            continue;
        }
        if depth(&parent_of, &row.code).is_none() {
            errors.push(RowError::new(
                row.line,
                format!("đơn vị {} tạo thành vòng lặp cấp trên – cấp dưới", row.code),
            ));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }

    // Parents first, so every parent id is known when a child is written.
    let mut ordered: Vec<&UnitRow> = rows.iter().collect();
    ordered.sort_by_key(|r| depth(&parent_of, &r.code).unwrap_or(0));

    let now = Utc::now();
    let mut counts = ImportCounts::default();
    let mut ids: HashMap<String, i64> = existing.values().map(|u| (u.code.clone(), u.id)).collect();
    for row in ordered {
        let parent_id = row.parent_code.as_ref().and_then(|p| ids.get(p).copied());
        match existing.get(&row.code) {
            Some(current)
                if current.name == row.name
                    && current.kind == row.kind.as_str()
                    && current.parent_id == parent_id
                    && current.active =>
            {
                counts.unchanged += 1;
            }
            Some(current) => {
                let mut active: unit::ActiveModel = current.clone().into();
                active.name = Set(row.name.clone());
                active.kind = Set(row.kind.as_str().to_owned());
                active.parent_id = Set(parent_id);
                active.active = Set(true);
                active.updated_at = Set(now);
                active.update(db).await?;
                counts.updated += 1;
            }
            None => {
                let created = unit::ActiveModel {
                    code: Set(row.code.clone()),
                    name: Set(row.name.clone()),
                    kind: Set(row.kind.as_str().to_owned()),
                    parent_id: Set(parent_id),
                    path: Set("/".to_owned()),
                    active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(db)
                .await?;
                ids.insert(row.code.clone(), created.id);
                counts.created += 1;
            }
        }
    }
    refresh_paths(db).await?;
    Ok(Ok(counts))
}

/// Recomputes every unit's materialised path from the parent links, writing only changes.
pub async fn refresh_paths(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let units = unit::Entity::find().all(db).await?;
    let parent: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    for u in &units {
        let mut chain = vec![u.id];
        let mut current = u.parent_id;
        while let Some(p) = current {
            if chain.contains(&p) || chain.len() > 64 {
                break;
            }
            chain.push(p);
            current = parent.get(&p).copied().flatten();
        }
        chain.reverse();
        let path = format!(
            "/{}/",
            chain
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join("/")
        );
        if path != u.path {
            let mut active: unit::ActiveModel = u.clone().into();
            active.path = Set(path);
            active.update(db).await?;
        }
    }
    Ok(())
}
