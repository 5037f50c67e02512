//! Database access: connecting, migrating, and queries as free functions over any
//! `ConnectionTrait` (a pool or a transaction), so callers choose the transaction.

pub mod accounts;
pub mod allowlist;
pub mod app_settings;
pub mod audit;
pub mod changes;
pub mod counters;
pub mod exports;
pub mod identities;
pub mod import_drafts;
pub mod people;
pub mod policy;
pub mod roles;
pub mod sessions;
pub mod shares;
pub mod tally;
pub mod throttle;
pub mod tokens;
pub mod units;
pub mod writer;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement,
    TransactionTrait,
};

use crate::settings::Settings;

/// Opens the connection pool described by the settings (SQLite in WAL mode, or PostgreSQL).
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, DbErr> {
    let mut options = connect_options(settings);
    options.max_connections(settings.db_max_connections.max(1));
    Database::connect(options).await
}

/// Options shared by the pool and the migration connection.
fn connect_options(settings: &Settings) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.database_url.expose().to_owned());
    options
        .acquire_timeout(Duration::from_secs(settings.db_acquire_timeout_secs.max(1)))
        .connect_timeout(Duration::from_secs(5))
        .sqlx_logging(false);
    if settings.is_sqlite() {
        // WAL lets readers run beside the one writer. `synchronous=FULL` makes every commit
        // durable even on power loss; the share writer groups concurrent submissions into one
        // transaction, so FULL costs little (see README, "Durability").
        let synchronous = if settings.sqlite_synchronous.eq_ignore_ascii_case("normal") {
            SqliteSynchronous::Normal
        } else {
            SqliteSynchronous::Full
        };
        options.map_sqlx_sqlite_opts(move |o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(synchronous)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        // PostgreSQL's JIT compiler is made for long analytical queries; on the province-wide
        // tally it spent 0.9 s compiling a 0.1 s query. Our queries are short: no JIT.
        options.map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    options
}

/// Applies pending migrations on a connection of its own (before any pool exists, so no pooled
/// SQLite connection can miss a freshly created index), then seeds a new database's allowlist
/// and rewrites name sort keys that this build computes differently (`people::rekey`).
pub async fn migrate(settings: &Settings) -> Result<MigrationReport, DbErr> {
    let mut options = connect_options(settings);
    options.max_connections(1);
    let db = Database::connect(options).await?;
    let pending = Migrator::get_pending_migrations(&db).await?.len();
    Migrator::up(&db, None).await?;
    let seeded_rules = allowlist::seed_if_empty(&db).await?;
    let txn = db.begin().await?;
    let rekeyed_people = people::rekey(&txn).await?;
    txn.commit().await?;
    db.close().await?;
    Ok(MigrationReport {
        applied: pending,
        seeded_rules,
        rekeyed_people,
    })
}

/// What `migrate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationReport {
    /// Migrations applied now.
    pub applied: usize,
    /// Allowlist rules seeded into an empty database.
    pub seeded_rules: usize,
    /// People whose stored name sort key was rewritten.
    pub rekeyed_people: usize,
}

/// Checks the database answers, for `/readyz`.
pub async fn ping(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "SELECT 1".to_owned(),
    ))
    .await
    .map(|_| ())
}

/// Refreshes the planner's statistics after a bulk load. PostgreSQL plans from statistics
/// that autovacuum refreshes only later: right after seeding a province a unit tally ran at
/// 94 ms instead of 6 ms until `ANALYZE`. SQLite keeps no statistics unless asked, and its
/// queries here are written for the plans it makes without them, so nothing is done there.
pub async fn analyze(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}
