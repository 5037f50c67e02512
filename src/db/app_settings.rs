//! Settings changed in the browser, stored by key; a missing key means the configured default.

use chrono::Utc;
use entity::app_setting;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, sea_query::OnConflict};

/// The key of the personal-data retention period, in days.
pub const RETENTION_DAYS: &str = "retention_days";

/// The stored value of a setting.
pub async fn get(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<app_setting::Model>, DbErr> {
    app_setting::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
}

/// Stores a setting (insert or replace), remembering who changed it.
pub async fn set(db: &impl ConnectionTrait, key: &str, value: &str, by: &str) -> Result<(), DbErr> {
    let row = app_setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(Utc::now()),
        updated_by: Set(Some(by.to_owned())),
    };
    app_setting::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_setting::Column::Key)
                .update_columns([
                    app_setting::Column::Value,
                    app_setting::Column::UpdatedAt,
                    app_setting::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
