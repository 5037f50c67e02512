//! One row counting changes to reference data (allowlist, roles, tokens, people, units,
//! policies, settings), bumped in the transaction of each change, so that every replica — and a
//! server running beside a CLI on the same SQLite file — notices a change by reading one row.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeVersion::Table)
                    .col(integer(ChangeVersion::Id).primary_key())
                    .col(big_integer(ChangeVersion::Version).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(ChangeVersion::Table)
                    .columns([ChangeVersion::Id, ChangeVersion::Version])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ChangeVersion::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ChangeVersion {
    Table,
    Id,
    Version,
}
