//! Attempts counted per key (a client address) and minute, in the database, so that sign-in
//! attempts and failed API tokens are limited across every replica, not per process.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ThrottleHits::Table)
                    .col(string(ThrottleHits::Key))
                    .col(big_integer(ThrottleHits::Minute))
                    .col(integer(ThrottleHits::Hits))
                    .primary_key(
                        Index::create()
                            .col(ThrottleHits::Key)
                            .col(ThrottleHits::Minute),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ThrottleHits::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ThrottleHits {
    Table,
    Key,
    Minute,
    Hits,
}
