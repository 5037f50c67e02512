//! Attempts counted per key and minute in the database (`throttle_hits`), shared by every
//! replica: sign-in attempts and failed API tokens per client address. A fixed one-minute
//! window: at most `limit` attempts per key in any calendar minute, across all replicas.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

/// Counts one attempt of `key` in the minute of `now`; returns how many there have been in
/// that minute, this one included.
pub async fn hit(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<i64, DbErr> {
    let minute = now.timestamp().div_euclid(60);
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            placeholders(
                backend,
                "INSERT INTO throttle_hits (key, minute, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (key, minute) DO UPDATE SET hits = throttle_hits.hits + 1 \
                 RETURNING hits",
            ),
            [Value::from(key), Value::from(minute)],
        ))
        .await?;
    let hits = row.map_or(Ok(1), |r| r.try_get_by_index::<i32>(0))?;
    if hits == 1 {
        // The first attempt of a key in a minute also sweeps windows that can no longer count.
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            placeholders(backend, "DELETE FROM throttle_hits WHERE minute < $1"),
            [Value::from(minute - 1)],
        ))
        .await?;
    }
    Ok(i64::from(hits))
}

/// `$1, $2` for PostgreSQL, `?, ?` for SQLite.
fn placeholders(backend: DbBackend, sql: &str) -> String {
    match backend {
        DbBackend::Postgres => sql.to_owned(),
        _ => sql.replace("$1", "?").replace("$2", "?"),
    }
}

/// Seconds until the next minute starts (the `Retry-After` of a refused attempt).
pub fn retry_after(now: DateTime<Utc>) -> u64 {
    u64::try_from(60 - now.timestamp().rem_euclid(60)).unwrap_or(60)
}
