//! Declared accounts: a person's own social accounts (one person per account), the account a
//! share's post shows and how it matched, the monthly counters of accepted shares by match
//! status, and the policy option that counts only shares on the sharer's own accounts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeclaredAccounts::Table)
                    .col(big_pk_auto(DeclaredAccounts::Id))
                    .col(big_integer(DeclaredAccounts::PersonId))
                    .col(string(DeclaredAccounts::Platform))
                    .col(string_len(DeclaredAccounts::Normalized, 200))
                    .col(text(DeclaredAccounts::Address))
                    .col(string_null(DeclaredAccounts::DisplayName))
                    .col(timestamp_with_time_zone(DeclaredAccounts::CreatedAt))
                    .col(timestamp_with_time_zone(DeclaredAccounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_declared_accounts_person_id")
                            .from(DeclaredAccounts::Table, DeclaredAccounts::PersonId)
                            .to(People::Table, People::Id)
                            .on_delete(ForeignKeyAction::Cascade)
                            .on_update(ForeignKeyAction::NoAction),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_declared_accounts_platform_normalized")
                    .table(DeclaredAccounts::Table)
                    .col(DeclaredAccounts::Platform)
                    .col(DeclaredAccounts::Normalized)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_declared_accounts_person_id")
                    .table(DeclaredAccounts::Table)
                    .col(DeclaredAccounts::PersonId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite adds one column per ALTER TABLE.
        for column in [
            string_len(Shares::AccountMatch, 20)
                .default("unknown")
                .to_owned(),
            string_len_null(Shares::PostAccount, 200).to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Shares::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            TallyMonths::Matched,
            TallyMonths::OtherPerson,
            TallyMonths::Undeclared,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TallyMonths::Table)
                        .add_column(integer(column).default(0).to_owned())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(EvaluationPolicies::Table)
                    .add_column(
                        boolean(EvaluationPolicies::CountOnlyOwnAccounts)
                            .default(false)
                            .to_owned(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(EvaluationPolicies::Table)
                    .drop_column(EvaluationPolicies::CountOnlyOwnAccounts)
                    .to_owned(),
            )
            .await?;
        for column in [
            TallyMonths::Matched,
            TallyMonths::OtherPerson,
            TallyMonths::Undeclared,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TallyMonths::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [Shares::AccountMatch, Shares::PostAccount] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Shares::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(DeclaredAccounts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DeclaredAccounts {
    Table,
    Id,
    PersonId,
    Platform,
    Normalized,
    Address,
    DisplayName,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Shares {
    Table,
    AccountMatch,
    PostAccount,
}

#[derive(DeriveIden)]
enum TallyMonths {
    Table,
    Matched,
    OtherPerson,
    Undeclared,
}

#[derive(DeriveIden)]
enum EvaluationPolicies {
    Table,
    CountOnlyOwnAccounts,
}
