//! Pending sign-ins: the PKCE verifier and nonce of an authorization request, kept server-side
//! (shared by every replica) until the provider sends the browser back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(big_pk_auto(LoginAttempts::Id))
                    .col(string(LoginAttempts::StateHash))
                    .col(text(LoginAttempts::Nonce))
                    .col(text(LoginAttempts::PkceVerifier))
                    .col(text(LoginAttempts::NextPath))
                    .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_login_attempts_state_hash")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::StateHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_attempts_created_at")
                    .table(LoginAttempts::Table)
                    .col(LoginAttempts::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginAttempts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    StateHash,
    Nonce,
    PkceVerifier,
    NextPath,
    CreatedAt,
}
