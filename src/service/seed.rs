//! Loading a generated province (`crate::demo`) into the database: the demo and the benchmarks.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, TransactionTrait};

use crate::db;
use crate::demo::{DemoPerson, DemoProvince, DemoShare, DemoUnit};
use crate::domain::roster::StaffCode;
use crate::error::AppError;
use crate::import::roster::PersonRow;
use crate::import::units::UnitRow;
use crate::service::shares::{Checks, DateRule, ShareInput, prepare};
use crate::verify::Allowlist;

/// What was loaded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// Units created.
    pub units: usize,
    /// People created.
    pub people: usize,
    /// Shares stored.
    pub shares: usize,
}

fn unit_rows(units: &[DemoUnit]) -> Vec<UnitRow> {
    units
        .iter()
        .zip(2u64..)
        .map(|(u, line)| UnitRow {
            line,
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind,
            parent_code: u.parent_code.clone(),
        })
        .collect()
}

fn person_rows(people: &[DemoPerson]) -> Result<Vec<PersonRow>, AppError> {
    people
        .iter()
        .zip(2u64..)
        .map(|(p, line)| {
            Ok(PersonRow {
                line,
                staff_code: StaffCode::parse(&p.staff_code).map_err(AppError::Internal)?,
                full_name: p.full_name.clone(),
                email: Some(p.email.clone()),
                unit_code: p.unit_code.clone(),
                position: Some(p.position.clone()),
                employment_type: p.employment_type,
                joined_on: p.joined_on,
                left_on: p.left_on,
            })
        })
        .collect()
}

/// Loads units, people and roles of a generated province, in one transaction.
pub async fn roster(
    db: &sea_orm::DatabaseConnection,
    province: &DemoProvince,
) -> Result<SeedReport, AppError> {
    let txn = db.begin().await?;
    let units = db::units::import(&txn, &unit_rows(&province.units))
        .await?
        .map_err(|e| AppError::Internal(format!("demo units: {e:?}")))?;
    let people = db::people::import(&txn, &person_rows(&province.people)?)
        .await?
        .map_err(|e| AppError::Internal(format!("demo roster: {e:?}")))?;
    for role in &province.roles {
        let person = db::people::by_staff_code(&txn, &role.staff_code)
            .await?
            .ok_or_else(|| {
                AppError::Internal(format!("demo role for unknown {}", role.staff_code))
            })?;
        let unit_id = match &role.unit_code {
            Some(code) => db::units::by_code(&txn, code).await?.map(|u| u.id),
            None => None,
        };
        db::roles::grant(&txn, person.id, role.role, unit_id, None).await?;
    }
    txn.commit().await?;
    Ok(SeedReport {
        units: units.created,
        people: people.created,
        shares: 0,
    })
}

/// Verifies and stores generated shares in bulk, then rebuilds the monthly counters.
pub struct ShareLoader<'a> {
    allowlist: &'a Allowlist,
    people: HashMap<String, entity::person::Model>,
    pending: Vec<db::shares::NewShare>,
    stored: usize,
}

impl<'a> ShareLoader<'a> {
    /// A loader for everyone on the roster.
    pub async fn new(db: &impl ConnectionTrait, allowlist: &'a Allowlist) -> Result<Self, DbErr> {
        let people = crate::service::tally::everyone(db)
            .await?
            .into_iter()
            .map(|p| (p.staff_code.clone(), p))
            .collect();
        Ok(Self {
            allowlist,
            people,
            pending: Vec::new(),
            stored: 0,
        })
    }

    /// Queues one share; flushes every 20,000.
    pub async fn push(
        &mut self,
        db: &impl ConnectionTrait,
        share: &DemoShare,
    ) -> Result<(), AppError> {
        let Some(person) = self.people.get(&share.staff_code) else {
            return Err(AppError::Internal(format!(
                "share for unknown {}",
                share.staff_code
            )));
        };
        let input = ShareInput {
            source_url: share.source_url.clone(),
            platform: share.platform.to_string(),
            post_url: share.post_url.clone(),
            shared_on: Some(share.shared_on.to_string()),
            idempotency_key: None,
        };
        let checks = Checks {
            allowlist: self.allowlist,
            dates: DateRule::AnyPast,
            now: chrono::Utc::now(),
        };
        let mut new = prepare(&checks, person, &input, None, "demo")?;
        // A plausible submission time: the evening of the day it was shared.
        if let Some(evening) = share.shared_on.and_hms_opt(13, 0, 0) {
            new.submitted_at = evening.and_utc();
        }
        self.pending.push(new);
        if self.pending.len() >= 20_000 {
            self.flush(db).await?;
        }
        Ok(())
    }

    /// Writes what is queued.
    pub async fn flush(&mut self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        db::shares::insert_many_unchecked(db, &self.pending).await?;
        self.stored += self.pending.len();
        self.pending.clear();
        Ok(())
    }

    /// Writes the rest, rebuilds the counters and refreshes the planner's statistics; returns
    /// how many shares were stored.
    pub async fn finish(
        mut self,
        db: &(impl ConnectionTrait + TransactionTrait),
    ) -> Result<usize, DbErr> {
        self.flush(db).await?;
        db::counters::rebuild(db).await?;
        db::analyze(db).await?;
        Ok(self.stored)
    }
}
