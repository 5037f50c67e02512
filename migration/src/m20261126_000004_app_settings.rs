//! Settings changed in the browser (the personal-data retention period first): one row per key,
//! overriding the configured default, with who changed it and when.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppSettings::Table)
                    .col(string(AppSettings::Key).primary_key())
                    .col(text(AppSettings::Value))
                    .col(timestamp_with_time_zone(AppSettings::UpdatedAt))
                    .col(string_null(AppSettings::UpdatedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AppSettings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AppSettings {
    Table,
    Key,
    Value,
    UpdatedAt,
    UpdatedBy,
}
