//! Database migrations for Lan tỏa: the whole schema, written with `DeriveIden`
//! enums so that old migrations never change when entities do.

pub use sea_orm_migration::prelude::*;

mod m20260101_000001_initial;
mod m20260301_000002_login_attempts;
mod m20260401_000003_snapshot_unit_path;
mod m20261126_000004_app_settings;
mod m20261126_000005_import_drafts;
mod m20261126_000006_tally_months_cover;
mod m20261126_000007_shares_day_cover;
mod m20261206_000008_declared_accounts;
mod m20261206_100001_change_version;
mod m20261206_100002_throttle_hits;
mod m20261206_100003_share_rollups;

/// Applies the Lan tỏa migrations, in order, on SQLite or PostgreSQL.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20260101_000001_initial::Migration),
            Box::new(m20260301_000002_login_attempts::Migration),
            Box::new(m20260401_000003_snapshot_unit_path::Migration),
            Box::new(m20261126_000004_app_settings::Migration),
            Box::new(m20261126_000005_import_drafts::Migration),
            Box::new(m20261126_000006_tally_months_cover::Migration),
            Box::new(m20261126_000007_shares_day_cover::Migration),
            Box::new(m20261206_000008_declared_accounts::Migration),
            Box::new(m20261206_100001_change_version::Migration),
            Box::new(m20261206_100002_throttle_hits::Migration),
            Box::new(m20261206_100003_share_rollups::Migration),
        ]
    }
}
