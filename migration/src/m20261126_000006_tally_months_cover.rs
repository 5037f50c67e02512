//! The province-wide tally reads every counter of a year grouped by person. An index on
//! (year, person, month, unit, accepted, rejected) answers that from the index alone, already
//! in person order, so the database neither visits the table nor sorts. It replaces the plain
//! index on `year`, which it covers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COVERING: &str = "idx_tally_months_year_person";
const PLAIN: &str = "idx_tally_months_year";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(COVERING)
                    .table(TallyMonths::Table)
                    .col(TallyMonths::Year)
                    .col(TallyMonths::PersonId)
                    .col(TallyMonths::Month)
                    .col(TallyMonths::UnitId)
                    .col(TallyMonths::Accepted)
                    .col(TallyMonths::Rejected)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(PLAIN)
                    .table(TallyMonths::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(PLAIN)
                    .table(TallyMonths::Table)
                    .col(TallyMonths::Year)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(COVERING)
                    .table(TallyMonths::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum TallyMonths {
    Table,
    PersonId,
    UnitId,
    Year,
    Month,
    Accepted,
    Rejected,
}
