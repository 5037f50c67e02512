//! The migrations apply, roll back completely and apply again, on SQLite and,
//! when `LANTOA_TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database.

use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbErr};

const TABLES: [&str; 12] = [
    "units",
    "people",
    "identities",
    "role_grants",
    "allowlist_rules",
    "shares",
    "tally_months",
    "evaluation_policies",
    "audit_events",
    "sessions",
    "api_tokens",
    "evaluation_snapshots",
];

async fn present_tables(db: &DatabaseConnection) -> Result<Vec<&'static str>, DbErr> {
    let manager = SchemaManager::new(db);
    let mut present = Vec::new();
    for table in TABLES {
        if manager.has_table(table).await? {
            present.push(table);
        }
    }
    Ok(present)
}

async fn up_down_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    assert_eq!(present_tables(db).await?, TABLES, "up creates every table");

    Migrator::down(db, None).await?;
    assert!(
        present_tables(db).await?.is_empty(),
        "down drops every table"
    );

    Migrator::up(db, None).await?;
    assert_eq!(
        present_tables(db).await?,
        TABLES,
        "up after down creates every table again"
    );
    assert!(
        Migrator::get_pending_migrations(db).await?.is_empty(),
        "nothing is left pending"
    );
    Ok(())
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_sqlite() -> Result<(), DbErr> {
    let db = Database::connect("sqlite::memory:").await?;
    up_down_up(&db).await
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again_on_postgres() -> Result<(), DbErr> {
    let Ok(url) = std::env::var("LANTOA_TEST_POSTGRES_URL") else {
        return Ok(());
    };
    let admin = Database::connect(&url).await?;
    let name = format!(
        "lantoa_migration_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await?;

    let outcome = match Database::connect(&with_database(&url, &name)).await {
        Ok(db) => {
            let outcome = up_down_up(&db).await;
            db.close().await?;
            outcome
        }
        Err(err) => Err(err),
    };

    admin
        .execute_unprepared(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .await?;
    outcome
}

/// The same URL with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}
