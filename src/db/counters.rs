//! The counters kept in step with `shares`: per person × unit × month (`tally_months`, read by
//! tallies and exports) and per unit × month × platform × category × source host × rule label
//! (`share_rollups`, read by the annual report). Every change to shares — insert, review
//! decision, purge — adds its deltas here in the same transaction, so the counters are exact at
//! every commit; `rebuild` recomputes them from the shares and `drift` checks them.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use entity::{share, share_rollup, tally_month};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    QueryFilter, Statement, TransactionSession, TransactionTrait,
};
use serde::Serialize;

use crate::db::shares::MatchDelta;
use crate::verify::AccountMatch;

/// Rows per multi-row upsert: 9 columns each keeps a statement far below SQLite's 32,766
/// bound parameters.
const ROWS_PER_STATEMENT: usize = 1000;

/// A `tally_months` key: (person, unit, year, month).
type PersonMonth = (i64, i64, i32, i32);

/// A `share_rollups` key: (year, unit, platform, category, source host, rule label, month).
pub type RollupKey = (i32, i64, String, String, String, String, i32);

/// What one share contributes to the counters' keys.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    /// Whose share.
    pub person_id: i64,
    /// The unit at the time.
    pub unit_id: i64,
    /// When it was shared.
    pub shared_on: NaiveDate,
    /// Platform code.
    pub platform: &'a str,
    /// Source category, if a rule matched.
    pub category: Option<&'a str>,
    /// Source host.
    pub source_host: &'a str,
    /// Rule label, if a rule matched.
    pub rule_label: Option<&'a str>,
    /// How its post matched the person's declared accounts.
    pub account_match: &'a str,
}

impl<'a> From<&'a share::Model> for Counted<'a> {
    fn from(s: &'a share::Model) -> Self {
        Self {
            person_id: s.person_id,
            unit_id: s.unit_id,
            shared_on: s.shared_on,
            platform: &s.platform,
            category: s.rule_category.as_deref(),
            source_host: &s.source_host,
            rule_label: s.rule_label.as_deref(),
            account_match: &s.account_match,
        }
    }
}

/// Changes to the counters, gathered over one transaction's changes to shares and written
/// with one upsert per table.
#[derive(Debug, Default)]
pub struct Deltas {
    months: BTreeMap<PersonMonth, (i32, i32, MatchDelta)>,
    rollups: BTreeMap<RollupKey, (i32, i32)>,
}

impl Deltas {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `accepted` and `rejected` (either may be negative) for one share.
    pub fn add(&mut self, share: Counted<'_>, accepted: i32, rejected: i32) {
        let year = share.shared_on.year();
        let month = i32::try_from(share.shared_on.month()).unwrap_or(1);
        let m = self
            .months
            .entry((share.person_id, share.unit_id, year, month))
            .or_default();
        m.0 += accepted;
        m.1 += rejected;
        // Accepted shares are also counted by how their post matched the declared accounts.
        m.2.add(MatchDelta::of(
            share.account_match.parse().unwrap_or(AccountMatch::Unknown),
            accepted,
        ));
        let r = self
            .rollups
            .entry((
                year,
                share.unit_id,
                share.platform.to_owned(),
                share.category.unwrap_or_default().to_owned(),
                share.source_host.to_owned(),
                share.rule_label.unwrap_or_default().to_owned(),
                month,
            ))
            .or_default();
        r.0 += accepted;
        r.1 += rejected;
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.months.is_empty() && self.rollups.is_empty()
    }

    /// Writes the changes: adds each delta to its counter row, creating it if missing. Keys
    /// are distinct within a statement, as PostgreSQL requires of one upsert.
    pub async fn apply(self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        let months: Vec<_> = self
            .months
            .into_iter()
            .filter(|(_, d)| *d != (0, 0, MatchDelta::default()))
            .collect();
        for chunk in months.chunks(ROWS_PER_STATEMENT) {
            let rows =
                chunk
                    .iter()
                    .map(|&((person_id, unit_id, year, month), (a, r, by_match))| {
                        tally_month::ActiveModel {
                            person_id: Set(person_id),
                            unit_id: Set(unit_id),
                            year: Set(year),
                            month: Set(month),
                            accepted: Set(a),
                            rejected: Set(r),
                            matched: Set(by_match.matched),
                            other_person: Set(by_match.other_person),
                            undeclared: Set(by_match.undeclared),
                        }
                    });
            tally_month::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        tally_month::Column::PersonId,
                        tally_month::Column::UnitId,
                        tally_month::Column::Year,
                        tally_month::Column::Month,
                    ])
                    .value(
                        tally_month::Column::Accepted,
                        Expr::cust("tally_months.accepted + excluded.accepted"),
                    )
                    .value(
                        tally_month::Column::Rejected,
                        Expr::cust("tally_months.rejected + excluded.rejected"),
                    )
                    .value(
                        tally_month::Column::Matched,
                        Expr::cust("tally_months.matched + excluded.matched"),
                    )
                    .value(
                        tally_month::Column::OtherPerson,
                        Expr::cust("tally_months.other_person + excluded.other_person"),
                    )
                    .value(
                        tally_month::Column::Undeclared,
                        Expr::cust("tally_months.undeclared + excluded.undeclared"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        let rollups: Vec<_> = self
            .rollups
            .into_iter()
            .filter(|(_, d)| *d != (0, 0))
            .collect();
        for chunk in rollups.chunks(ROWS_PER_STATEMENT) {
            let rows = chunk.iter().map(|(key, (a, r))| {
                let (a, r) = (*a, *r);
                let (year, unit_id, platform, category, host, label, month) = key.clone();
                share_rollup::ActiveModel {
                    year: Set(year),
                    unit_id: Set(unit_id),
                    platform: Set(platform),
                    category: Set(category),
                    source_host: Set(host),
                    rule_label: Set(label),
                    month: Set(month),
                    accepted: Set(a),
                    rejected: Set(r),
                }
            });
            share_rollup::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        share_rollup::Column::Year,
                        share_rollup::Column::UnitId,
                        share_rollup::Column::Platform,
                        share_rollup::Column::Category,
                        share_rollup::Column::SourceHost,
                        share_rollup::Column::RuleLabel,
                        share_rollup::Column::Month,
                    ])
                    .value(
                        share_rollup::Column::Accepted,
                        Expr::cust("share_rollups.accepted + excluded.accepted"),
                    )
                    .value(
                        share_rollup::Column::Rejected,
                        Expr::cust("share_rollups.rejected + excluded.rejected"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(db)
                .await?;
        }
        Ok(())
    }
}

/// Deletes the counters of the months before `cut` (a first of month), as a purge deletes
/// the shares dated before it.
pub async fn delete_before(db: &impl ConnectionTrait, cut: NaiveDate) -> Result<(), DbErr> {
    use sea_orm::{ColumnTrait, Condition};
    let (year, month) = (cut.year(), i32::try_from(cut.month()).unwrap_or(1));
    share_rollup::Entity::delete_many()
        .filter(
            Condition::any()
                .add(share_rollup::Column::Year.lt(year))
                .add(
                    Condition::all()
                        .add(share_rollup::Column::Year.eq(year))
                        .add(share_rollup::Column::Month.lt(month)),
                ),
        )
        .exec(db)
        .await?;
    tally_month::Entity::delete_many()
        .filter(
            Condition::any()
                .add(tally_month::Column::Year.lt(year))
                .add(
                    Condition::all()
                        .add(tally_month::Column::Year.eq(year))
                        .add(tally_month::Column::Month.lt(month)),
                ),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The counter tables, in the order they are checked and rebuilt.
pub const TABLES: [&str; 2] = ["tally_months", "share_rollups"];

/// The year and month of `shared_on` in this database's SQL.
fn year_month(backend: DbBackend) -> (&'static str, &'static str) {
    match backend {
        DbBackend::Sqlite => (
            "CAST(strftime('%Y', shared_on) AS INTEGER)",
            "CAST(strftime('%m', shared_on) AS INTEGER)",
        ),
        _ => (
            "CAST(EXTRACT(YEAR FROM shared_on) AS INTEGER)",
            "CAST(EXTRACT(MONTH FROM shared_on) AS INTEGER)",
        ),
    }
}

const ACCEPTED: &str = "SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END)";
const REJECTED: &str = "SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END)";

/// Accepted shares by how their post matched the declared accounts (`tally_months` only).
const MATCH_COUNTS: &str = ", \
    SUM(CASE WHEN status = 'accepted' AND account_match = 'matched' THEN 1 ELSE 0 END), \
    SUM(CASE WHEN status = 'accepted' AND account_match = 'other_person' THEN 1 ELSE 0 END), \
    SUM(CASE WHEN status = 'accepted' AND account_match = 'undeclared' THEN 1 ELSE 0 END)";

/// The recount of a table from the shares, as `SELECT key…, counts…` (`value_columns`).
fn recount_sql(table: &str, backend: DbBackend) -> String {
    let (year, month) = year_month(backend);
    match table {
        "tally_months" => format!(
            "SELECT person_id, unit_id, {year} AS year, {month} AS month, \
             {ACCEPTED} AS accepted, {REJECTED} AS rejected{MATCH_COUNTS} \
             FROM shares GROUP BY person_id, unit_id, {year}, {month}"
        ),
        _ => format!(
            "SELECT {year} AS year, unit_id, platform, COALESCE(rule_category, '') AS category, \
             source_host, COALESCE(rule_label, '') AS rule_label, {month} AS month, \
             {ACCEPTED} AS accepted, {REJECTED} AS rejected \
             FROM shares GROUP BY {year}, unit_id, platform, COALESCE(rule_category, ''), \
             source_host, COALESCE(rule_label, ''), {month}"
        ),
    }
}

/// The counts a table keeps, in its recount's order.
fn value_columns(table: &str) -> &'static str {
    match table {
        "tally_months" => "accepted, rejected, matched, other_person, undeclared",
        _ => "accepted, rejected",
    }
}

/// One row's counts: accepted, rejected, and (`tally_months` only) the accepted ones matched,
/// on another person's account, on an undeclared account.
type Counts = [i64; 5];

/// The columns of a table's key, in its recount's order.
fn key_columns(table: &str) -> &'static str {
    match table {
        "tally_months" => "person_id, unit_id, year, month",
        _ => "year, unit_id, platform, category, source_host, rule_label, month",
    }
}

/// Recomputes both counter tables from the shares, the fast way after a bulk load (delete and
/// insert from one grouped scan each). On PostgreSQL the shares are locked against writes
/// meanwhile (reads go on), so no share written during the rebuild is counted twice or
/// missed; on SQLite the write transaction already excludes other writers.
pub async fn rebuild<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE shares IN SHARE MODE")
            .await?;
    }
    for table in TABLES {
        txn.execute_unprepared(&format!("DELETE FROM {table}"))
            .await?;
        txn.execute_unprepared(&format!(
            "INSERT INTO {table} ({}, {}) {}",
            key_columns(table),
            value_columns(table),
            recount_sql(table, backend)
        ))
        .await?;
    }
    txn.commit().await
}

/// How far one counter table is from a recount of the shares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// The table.
    pub table: &'static str,
    /// Counter rows that count something.
    pub rows: u64,
    /// Keys the shares have but the table lacks.
    pub missing: u64,
    /// Rows that count something with no shares behind them.
    pub extra: u64,
    /// Rows whose counts differ.
    pub wrong: u64,
}

impl Drift {
    /// Whether the table matches the shares exactly.
    pub fn is_clean(&self) -> bool {
        self.missing == 0 && self.extra == 0 && self.wrong == 0
    }
}

/// Compares each counter table with a recount of the shares, writing nothing. Reads one
/// snapshot, so writes going on meanwhile do not show up as drift.
pub async fn check<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<Vec<Drift>, DbErr> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(sea_orm::IsolationLevel::RepeatableRead),
                Some(sea_orm::AccessMode::ReadOnly),
            )
            .await?
        }
        // A SQLite read transaction is a snapshot already.
        _ => db.begin().await?,
    };
    let (drift, _) = compare(&txn).await?;
    txn.commit().await?;
    Ok(drift)
}

/// Compares each counter table with a recount of the shares and corrects the rows that
/// differ, within `txn`, keeping other writers out until it ends; returns the drift found.
pub async fn repair(txn: &DatabaseTransaction) -> Result<Vec<Drift>, DbErr> {
    match txn.get_database_backend() {
        DbBackend::Postgres => {
            txn.execute_unprepared("LOCK TABLE shares IN SHARE MODE")
                .await?;
        }
        // A write first takes SQLite's write lock before anything is read, so no other
        // writer can commit between the recount and the correction.
        _ => {
            txn.execute_unprepared("DELETE FROM share_rollups WHERE year < 0")
                .await?;
        }
    }
    let (drift, fix) = compare(txn).await?;
    if !fix.is_empty() {
        fix.apply(txn).await?;
    }
    Ok(drift)
}

/// One key column's value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    Int(i64),
    Text(String),
}

impl Part {
    fn int(&self) -> i64 {
        match self {
            Self::Int(n) => *n,
            Self::Text(_) => 0,
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Int(n) => n.to_string(),
            Self::Text(s) => s.clone(),
        }
    }
}

type Key = Vec<Part>;

/// Recounts both tables, and returns the drift and the deltas that would remove it.
async fn compare(db: &impl ConnectionTrait) -> Result<(Vec<Drift>, Deltas), DbErr> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    let mut fix = Deltas::new();
    for table in TABLES {
        let keys = key_columns(table);
        let values = value_columns(table);
        let stored = counts_of(db, &format!("SELECT {keys}, {values} FROM {table}"), table).await?;
        let recount = counts_of(db, &recount_sql(table, backend), table).await?;
        let mut drift = Drift {
            table,
            rows: u64::try_from(stored.len()).unwrap_or(u64::MAX),
            ..Drift::default()
        };
        let mut correct = |key: &Key, have: Counts, want: Counts| {
            let delta = std::array::from_fn(|i| i32::try_from(want[i] - have[i]).unwrap_or(0));
            fix.add_key(table, key, delta);
        };
        for (key, &want) in &recount {
            match stored.get(key) {
                None => {
                    drift.missing += 1;
                    correct(key, Counts::default(), want);
                }
                Some(&have) if have != want => {
                    drift.wrong += 1;
                    correct(key, have, want);
                }
                Some(_) => {}
            }
        }
        for (key, &have) in &stored {
            if !recount.contains_key(key) {
                drift.extra += 1;
                correct(key, have, Counts::default());
            }
        }
        out.push(drift);
    }
    Ok((out, fix))
}

impl Deltas {
    /// Adds a delta to a key read back from a table (see `key_columns`).
    fn add_key(
        &mut self,
        table: &str,
        key: &Key,
        [a, r, matched, other_person, undeclared]: [i32; 5],
    ) {
        let n = |i: usize| key.get(i).map_or(0, Part::int);
        let t = |i: usize| key.get(i).map_or_else(String::new, Part::text);
        let month = |i: usize| i32::try_from(n(i)).unwrap_or(1);
        let year = |i: usize| i32::try_from(n(i)).unwrap_or(0);
        if table == "tally_months" {
            let entry = self
                .months
                .entry((n(0), n(1), year(2), month(3)))
                .or_default();
            entry.0 += a;
            entry.1 += r;
            entry.2.add(MatchDelta {
                matched,
                other_person,
                undeclared,
            });
        } else {
            let entry = self
                .rollups
                .entry((year(0), n(1), t(2), t(3), t(4), t(5), month(6)))
                .or_default();
            entry.0 += a;
            entry.1 += r;
        }
    }
}

/// Which key columns (by position) are text.
fn text_columns(table: &str) -> &'static [usize] {
    match table {
        "tally_months" => &[],
        _ => &[2, 3, 4, 5],
    }
}

/// Rows of `sql` (key columns, then the table's `value_columns`) by key; rows that count
/// nothing are left out.
async fn counts_of(
    db: &impl ConnectionTrait,
    sql: &str,
    table: &str,
) -> Result<HashMap<Key, Counts>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?;
    let texts = text_columns(table);
    let width = if texts.is_empty() { 4 } else { 7 };
    let values = value_columns(table).split(',').count();
    // PostgreSQL returns INTEGER columns as 32 bits and sums as 64; SQLite all as 64.
    let int = |row: &sea_orm::QueryResult, i: usize| -> Result<i64, DbErr> {
        row.try_get_by_index::<i64>(i)
            .or_else(|_| row.try_get_by_index::<i32>(i).map(i64::from))
    };
    let mut out = HashMap::with_capacity(rows.len());
    for row in rows {
        let mut key = Vec::with_capacity(width);
        for i in 0..width {
            key.push(if texts.contains(&i) {
                Part::Text(row.try_get_by_index::<String>(i)?)
            } else {
                Part::Int(int(&row, i)?)
            });
        }
        let mut counts = Counts::default();
        for (i, count) in counts.iter_mut().enumerate().take(values) {
            *count = int(&row, width + i)?;
        }
        if counts != Counts::default() {
            out.insert(key, counts);
        }
    }
    Ok(out)
}
