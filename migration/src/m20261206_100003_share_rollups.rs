//! Province-wide reads (the annual report) count shares per unit, month, platform, source
//! category, source host and rule label. `share_rollups` keeps those counts, updated by the
//! application in the same transaction as every change to `shares`, so a report reads a few
//! thousand counter rows instead of grouping millions of shares. Filled here from the shares
//! already stored.
//!
//! The key starts with the year, then the group, then the month: a report reads one calendar
//! year with `year = ?` and gets its groups in key order with no sort. Missing category or label
//! are stored as '' (key columns cannot be NULL on PostgreSQL). On SQLite the table is
//! `WITHOUT ROWID`, so the key's b-tree is the table and holds the counts too.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &str = "year INTEGER NOT NULL, \
     unit_id BIGINT NOT NULL, \
     platform VARCHAR NOT NULL, \
     category VARCHAR NOT NULL, \
     source_host VARCHAR NOT NULL, \
     rule_label VARCHAR NOT NULL, \
     month INTEGER NOT NULL, \
     accepted INTEGER NOT NULL DEFAULT 0, \
     rejected INTEGER NOT NULL DEFAULT 0, \
     CONSTRAINT pk_share_rollups PRIMARY KEY \
     (year, unit_id, platform, category, source_host, rule_label, month)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let (suffix, year, month) = match backend {
            DbBackend::Sqlite => (
                " WITHOUT ROWID",
                "CAST(strftime('%Y', shared_on) AS INTEGER)",
                "CAST(strftime('%m', shared_on) AS INTEGER)",
            ),
            _ => (
                "",
                "CAST(EXTRACT(YEAR FROM shared_on) AS INTEGER)",
                "CAST(EXTRACT(MONTH FROM shared_on) AS INTEGER)",
            ),
        };
        db.execute_unprepared(&format!("CREATE TABLE share_rollups ({COLUMNS}){suffix}"))
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO share_rollups \
             (year, unit_id, platform, category, source_host, rule_label, month, accepted, rejected) \
             SELECT {year}, unit_id, platform, COALESCE(rule_category, ''), source_host, \
                    COALESCE(rule_label, ''), {month}, \
                    SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), \
                    SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END) \
             FROM shares \
             GROUP BY {year}, unit_id, platform, COALESCE(rule_category, ''), source_host, \
                      COALESCE(rule_label, ''), {month}"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE share_rollups")
            .await?;
        Ok(())
    }
}
