//! Uploaded files waiting for confirmation: an import is previewed first and written only when
//! the person confirms, so the upload is kept server-side (shared by every replica) meanwhile.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportDrafts::Table)
                    .col(big_pk_auto(ImportDrafts::Id))
                    .col(string(ImportDrafts::TokenHash))
                    .col(string(ImportDrafts::Kind))
                    .col(big_integer(ImportDrafts::CreatedBy))
                    .col(string(ImportDrafts::FileName))
                    .col(blob(ImportDrafts::Content))
                    .col(timestamp_with_time_zone(ImportDrafts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_import_drafts_token_hash")
                    .table(ImportDrafts::Table)
                    .col(ImportDrafts::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_drafts_created_at")
                    .table(ImportDrafts::Table)
                    .col(ImportDrafts::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportDrafts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ImportDrafts {
    Table,
    Id,
    TokenHash,
    Kind,
    CreatedBy,
    FileName,
    Content,
    CreatedAt,
}
