//! Closed years keep the unit tree as it was: each snapshot row records its unit's path then,
//! so moving or renaming units later does not move people between units in a closed year.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EvaluationSnapshots::Table)
                    .add_column(string(EvaluationSnapshots::UnitPath).default(""))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EvaluationSnapshots::Table)
                    .drop_column(EvaluationSnapshots::UnitPath)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum EvaluationSnapshots {
    Table,
    UnitPath,
}
