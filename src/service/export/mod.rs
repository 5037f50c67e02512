//! Loading exports: the evaluation rows of a scope, a chunk of units at a time — live from the
//! monthly counters through the tally engine, or from a closed year's snapshot — so memory is
//! bounded by the largest chunk, not the province; the annual report and the commendation
//! shortlist built from the same rows; and the audit record every export leaves. `request` is
//! the one entry point the API, the pages and the command line call.

pub mod request;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{evaluation_snapshot as snap, person, unit};
use rust_xlsxwriter::Workbook;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect,
};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::{Actor, Event};
use crate::db::tally::Who;
use crate::domain::names;
use crate::domain::roster::UnitKind;
use crate::error::{AppError, AppResult};
use crate::export::evaluation::{EvaluationCsv, EvaluationJson, EvaluationXlsx};
use crate::export::report::{AnnualReport, ReportBuilder, ReportGroup};
use crate::export::shortlist::{Rule, Shortlist, ShortlistBuilder, UnitGroup};
use crate::export::{EvaluationRow, FormHeader, Format};
use crate::service::tally::partial_month_counts;
use crate::tally::{
    Employment, MonthCount, Period, Policy, evaluation_period, person_figures, prorated_target,
};

/// About this many people are loaded at once (a larger unit is one chunk by itself).
pub const CHUNK_PEOPLE: u64 = 1000;

/// What an export covers.
#[derive(Debug, Clone)]
pub enum ExportScope {
    /// The whole province.
    Province,
    /// A unit and everything below it.
    Unit(unit::Model),
}

impl ExportScope {
    /// The unit's code, if limited to one.
    pub fn unit_code(&self) -> Option<&str> {
        match self {
            Self::Province => None,
            Self::Unit(u) => Some(&u.code),
        }
    }

    /// The unit's name, if limited to one.
    pub fn unit_name(&self) -> Option<&str> {
        match self {
            Self::Province => None,
            Self::Unit(u) => Some(&u.name),
        }
    }
}

/// The scope a caller asked for, if they may have it: a unit they may read (`may_read_unit`),
/// or the province when `province` allows it. Unknown units and units out of reach look the
/// same to those who cannot see everything, so codes cannot be probed.
pub async fn resolve_scope(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    unit: Option<&str>,
    province: bool,
) -> AppResult<ExportScope> {
    let Some(code) = unit.map(str::trim).filter(|c| !c.is_empty()) else {
        return if province {
            Ok(ExportScope::Province)
        } else {
            Err(AppError::Forbidden)
        };
    };
    match db::units::by_code(db, code).await? {
        Some(u) if province || user.can_read_unit(&u.path) => Ok(ExportScope::Unit(u)),
        Some(_) => Err(AppError::Forbidden),
        None if province || user.sees_everything() => Err(AppError::NotFound("đơn vị")),
        None => Err(AppError::Forbidden),
    }
}

/// Unit names in Vietnamese alphabetical order, word by word from the left.
fn unit_name_key(name: &str) -> String {
    name.split_whitespace()
        .map(names::sort_key)
        .collect::<Vec<_>>()
        .join("00")
}

fn kind_rank(kind: &str) -> usize {
    kind.parse::<UnitKind>()
        .ok()
        .and_then(|k| UnitKind::ALL.iter().position(|x| *x == k))
        .unwrap_or(UnitKind::ALL.len())
}

/// The ids in a materialised path (`/1/5/12/` → 1, 5, 12).
fn path_ids(path: &str) -> Vec<i64> {
    path.split('/').filter_map(|p| p.parse().ok()).collect()
}

/// The unit tree in the order forms list it: depth first, siblings by kind (departments before
/// communes…), then by name.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    units: HashMap<i64, unit::Model>,
    order: Vec<i64>,
    rank: HashMap<i64, usize>,
}

impl UnitTree {
    /// Loads every unit.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Self, DbErr> {
        Ok(Self::new(unit::Entity::find().all(db).await?))
    }

    /// Orders the given units.
    pub fn new(all: Vec<unit::Model>) -> Self {
        let units: HashMap<i64, unit::Model> = all.into_iter().map(|u| (u.id, u)).collect();
        let mut children: HashMap<Option<i64>, Vec<&unit::Model>> = HashMap::new();
        for u in units.values() {
            // A parent that does not exist makes the unit a root rather than losing it.
            let parent = u.parent_id.filter(|p| units.contains_key(p));
            children.entry(parent).or_default().push(u);
        }
        for list in children.values_mut() {
            list.sort_by_cached_key(|u| {
                (kind_rank(&u.kind), unit_name_key(&u.name), u.code.clone())
            });
        }
        let mut order = Vec::with_capacity(units.len());
        let mut seen = HashSet::new();
        let mut stack: Vec<i64> = children
            .get(&None)
            .map(|roots| roots.iter().rev().map(|u| u.id).collect())
            .unwrap_or_default();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            order.push(id);
            if let Some(kids) = children.get(&Some(id)) {
                stack.extend(kids.iter().rev().map(|u| u.id));
            }
        }
        let rank = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        Self { units, order, rank }
    }

    /// A unit by id.
    pub fn get(&self, id: i64) -> Option<&unit::Model> {
        self.units.get(&id)
    }

    /// Units of the scope, in order.
    pub fn in_scope<'a>(
        &'a self,
        scope: &'a ExportScope,
    ) -> impl Iterator<Item = &'a unit::Model> + 'a {
        self.order
            .iter()
            .filter_map(|id| self.units.get(id))
            .filter(move |u| match scope {
                ExportScope::Province => true,
                ExportScope::Unit(root) => u.path.starts_with(&root.path),
            })
    }

    /// The position of a unit in the order (unknown units last).
    pub fn rank(&self, id: i64) -> usize {
        self.rank.get(&id).copied().unwrap_or(usize::MAX)
    }

    /// The lines of a report over a scope — the scope's unit itself and each unit directly
    /// below it, each standing for its whole subtree (the province's departments and communes,
    /// with their divisions rolled up) — and which line every unit of the scope falls in.
    pub fn report_groups(&self, scope: &ExportScope) -> (Vec<ReportGroup>, HashMap<i64, i64>) {
        let depth = match scope {
            ExportScope::Province => 0,
            ExportScope::Unit(root) => path_ids(&root.path).len().saturating_sub(1),
        };
        let mut groups = Vec::new();
        let mut group_of = HashMap::new();
        for u in self.in_scope(scope) {
            let ids = path_ids(&u.path);
            let Some(&group) = ids.get(depth + 1).or_else(|| ids.get(depth)) else {
                continue;
            };
            if group == u.id {
                groups.push(ReportGroup {
                    id: u.id,
                    code: u.code.clone(),
                    name: u.name.clone(),
                });
            }
            group_of.insert(u.id, group);
        }
        (groups, group_of)
    }
}

/// People employed on at least one day of the period.
fn employed_in(period: &Period) -> Condition {
    Condition::all()
        .add(
            Condition::any()
                .add(person::Column::JoinedOn.is_null())
                .add(person::Column::JoinedOn.lte(period.end)),
        )
        .add(
            Condition::any()
                .add(person::Column::LeftOn.is_null())
                .add(person::Column::LeftOn.gte(period.start)),
        )
}

/// The columns of a person an export needs.
#[derive(Debug, Clone, FromQueryResult)]
struct PersonColumns {
    id: i64,
    staff_code: String,
    full_name: String,
    sort_key: String,
    unit_id: i64,
    position: Option<String>,
    employment_type: String,
    joined_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
}

/// What an evaluation export will read, decided before the first row: the policy, whether the
/// year is closed, how many people, and the chunks of units to load one after another.
#[derive(Debug, Clone)]
pub struct EvaluationPlan {
    /// The work year.
    pub year: i32,
    /// The year's policy.
    pub policy: Option<Policy>,
    /// The evaluation period.
    pub period: Period,
    /// Whether the year is closed: rows come from its snapshot.
    pub closed: bool,
    /// How many people the export has.
    pub people: u64,
    /// The scope.
    pub scope: ExportScope,
    /// The unit tree.
    pub tree: UnitTree,
    /// The policy counts only shares on the person's own declared accounts or that cannot tell.
    pub own_accounts_only: bool,
    chunks: Vec<Vec<i64>>,
}

impl EvaluationPlan {
    /// Reads the policy and the head counts per unit, and cuts the units into chunks.
    pub async fn prepare(
        db: &impl ConnectionTrait,
        year: i32,
        scope: ExportScope,
    ) -> Result<Self, DbErr> {
        let row = db::policy::row_for_year(db, year).await?;
        let closed = row.as_ref().is_some_and(|p| p.closed_at.is_some());
        let own_accounts_only = row.as_ref().is_some_and(|p| p.count_only_own_accounts);
        let policy = row.as_ref().map(db::policy::to_policy);
        let period = evaluation_period(policy.as_ref(), year);
        let tree = UnitTree::load(db).await?;
        let scope_ids: Option<Vec<i64>> = match &scope {
            ExportScope::Province => None,
            ExportScope::Unit(_) => Some(tree.in_scope(&scope).map(|u| u.id).collect()),
        };
        let counts: Vec<(i64, i64)> = if closed {
            let mut q = snap::Entity::find()
                .select_only()
                .column(snap::Column::UnitId)
                .column_as(snap::Column::Id.count(), "n")
                .filter(snap::Column::Year.eq(year))
                .group_by(snap::Column::UnitId);
            if let Some(ids) = &scope_ids {
                q = q.filter(snap::Column::UnitId.is_in(ids.iter().copied()));
            }
            q.into_tuple().all(db).await?
        } else {
            let mut q = person::Entity::find()
                .select_only()
                .column(person::Column::UnitId)
                .column_as(person::Column::Id.count(), "n")
                .filter(employed_in(&period))
                .group_by(person::Column::UnitId);
            if let Some(ids) = &scope_ids {
                q = q.filter(person::Column::UnitId.is_in(ids.iter().copied()));
            }
            q.into_tuple().all(db).await?
        };
        let mut counts: Vec<(i64, u64)> = counts
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect();
        counts.sort_by_key(|(id, _)| (tree.rank(*id), *id));
        let mut chunks = Vec::new();
        let mut current = Vec::new();
        let mut size = 0;
        for (id, n) in &counts {
            if size > 0 && size + n > CHUNK_PEOPLE {
                chunks.push(std::mem::take(&mut current));
                size = 0;
            }
            current.push(*id);
            size += n;
        }
        if !current.is_empty() {
            chunks.push(current);
        }
        Ok(Self {
            year,
            policy,
            period,
            closed,
            people: counts.iter().map(|(_, n)| n).sum(),
            scope,
            tree,
            own_accounts_only,
            chunks,
        })
    }

    /// How many chunks there are.
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// The rows of one chunk, grouped by unit in the tree's order and in Vietnamese name order
    /// within a unit.
    pub async fn chunk(
        &self,
        db: &impl ConnectionTrait,
        index: usize,
    ) -> Result<Vec<EvaluationRow>, DbErr> {
        let Some(units) = self.chunks.get(index) else {
            return Ok(Vec::new());
        };
        let mut rows: Vec<(usize, String, EvaluationRow)> = if self.closed {
            self.snapshot_rows(db, units).await?
        } else {
            self.live_rows(db, units).await?
        };
        rows.sort_by(|(ra, ka, a), (rb, kb, b)| {
            ra.cmp(rb)
                .then_with(|| a.unit_name.cmp(&b.unit_name))
                .then_with(|| ka.cmp(kb))
                .then_with(|| a.full_name.cmp(&b.full_name))
                .then_with(|| a.staff_code.cmp(&b.staff_code))
        });
        Ok(rows.into_iter().map(|(_, _, r)| r).collect())
    }

    /// Rows with their unit's rank and the name's sort key, for ordering and ranking.
    pub async fn chunk_with_keys(
        &self,
        db: &impl ConnectionTrait,
        index: usize,
    ) -> Result<Vec<(String, EvaluationRow)>, DbErr> {
        Ok(self
            .chunk(db, index)
            .await?
            .into_iter()
            .map(|r| (names::sort_key(&r.full_name), r))
            .collect())
    }

    async fn snapshot_rows(
        &self,
        db: &impl ConnectionTrait,
        units: &[i64],
    ) -> Result<Vec<(usize, String, EvaluationRow)>, DbErr> {
        let to_u32 = |v: i32| u32::try_from(v).unwrap_or(0);
        Ok(snap::Entity::find()
            .filter(snap::Column::Year.eq(self.year))
            .filter(snap::Column::UnitId.is_in(units.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|s| {
                let row = EvaluationRow {
                    accepted: to_u32(s.accepted),
                    rejected: to_u32(s.rejected),
                    target: s.target.map(to_u32),
                    met: s.met,
                    level: s.level,
                    quarters: [s.q1, s.q2, s.q3, s.q4].map(to_u32),
                    unit_id: s.unit_id,
                    staff_code: s.staff_code,
                    unit_code: s.unit_code,
                    unit_name: s.unit_name,
                    position: s.position,
                    employment_type: s.employment_type,
                    full_name: s.full_name,
                };
                (
                    self.tree.rank(s.unit_id),
                    names::sort_key(&row.full_name),
                    row,
                )
            })
            .collect())
    }

    async fn live_rows(
        &self,
        db: &impl ConnectionTrait,
        units: &[i64],
    ) -> Result<Vec<(usize, String, EvaluationRow)>, DbErr> {
        // Only the columns the export prints (no timestamps to parse for every person).
        let people: Vec<PersonColumns> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::StaffCode,
                person::Column::FullName,
                person::Column::SortKey,
                person::Column::UnitId,
                person::Column::Position,
                person::Column::EmploymentType,
                person::Column::JoinedOn,
                person::Column::LeftOn,
            ])
            .filter(person::Column::UnitId.is_in(units.iter().copied()))
            .filter(employed_in(&self.period))
            .into_model::<PersonColumns>()
            .all(db)
            .await?;
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let slices = self.period.month_slices();
        let mut months: HashMap<i64, Vec<MonthCount>> = HashMap::new();
        let full: Vec<_> = slices.iter().filter(|s| s.full).collect();
        if let (Some(first), Some(last)) = (full.first(), full.last()) {
            // Exports print totals and quarters, so the database sums each quarter's whole
            // months (one row per person instead of one per person, month and unit); the engine
            // gets each quarter's sum as a count of its first whole month, which gives it the
            // same totals, quarters, target, met and level.
            let quarters = self.period.quarters();
            let first_full = |(year, quarter): (i32, u32)| {
                full.iter()
                    .find(|s| s.year == year && (s.month - 1) / 3 + 1 == quarter)
                    .map(|s| s.month)
            };
            let sums = db::exports::quarter_sums(
                db,
                &ids,
                &quarters,
                (first.year, first.month),
                (last.year, last.month),
                self.own_accounts_only,
            )
            .await?;
            for person in sums {
                let counts = months.entry(person.person_id).or_default();
                for (&(year, quarter), (accepted, rejected)) in quarters.iter().zip(person.quarters)
                {
                    if let Some(month) = first_full((year, quarter))
                        && (accepted, rejected) != (0, 0)
                    {
                        counts.push(MonthCount {
                            year,
                            month,
                            unit_id: 0,
                            accepted,
                            rejected,
                        });
                    }
                }
            }
        }
        let days =
            partial_month_counts(db, &self.period, Who::People(&ids), self.own_accounts_only)
                .await?;
        Ok(people
            .into_iter()
            .filter_map(|p| {
                let employment = Employment {
                    joined_on: p.joined_on,
                    left_on: p.left_on,
                };
                let f = person_figures(
                    self.policy.as_ref(),
                    self.year,
                    &employment,
                    months.get(&p.id).map_or(&[], Vec::as_slice),
                    days.get(&p.id).map_or(&[], Vec::as_slice),
                )?;
                let unit = self.tree.get(p.unit_id);
                let row = EvaluationRow {
                    staff_code: p.staff_code,
                    full_name: p.full_name,
                    unit_code: unit.map(|u| u.code.clone()).unwrap_or_default(),
                    unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
                    position: p.position,
                    employment_type: p.employment_type,
                    accepted: f.accepted,
                    rejected: f.rejected,
                    target: f.target,
                    met: f.met,
                    quarters: f.accepted_by_quarter_number(),
                    level: f.level,
                    unit_id: p.unit_id,
                };
                Some((self.tree.rank(p.unit_id), p.sort_key, row))
            })
            .collect())
    }

    /// The top of the form for this export.
    pub fn header(
        &self,
        organization: &str,
        today: NaiveDate,
        prepared_by: Option<String>,
    ) -> FormHeader {
        FormHeader {
            organization: organization.to_owned(),
            unit_name: self.scope.unit_name().map(str::to_owned),
            year: self.year,
            period: self.period,
            closed: self.closed,
            exported_on: today,
            prepared_by,
        }
    }
}

enum TextEncoder {
    Csv(Box<EvaluationCsv>),
    Json(EvaluationJson),
}

/// A CSV or JSON evaluation export, produced a chunk at a time.
pub struct TextExport {
    plan: EvaluationPlan,
    next: usize,
    encoder: Option<TextEncoder>,
}

fn csv_error(err: csv::Error) -> AppError {
    AppError::Internal(format!("csv: {err}"))
}

impl TextExport {
    /// An export of a plan as CSV or JSON (`Format::Xlsx` is refused: see [`xlsx`]).
    pub fn new(plan: EvaluationPlan, format: Format) -> AppResult<Self> {
        let encoder = match format {
            Format::Csv => TextEncoder::Csv(Box::new(
                EvaluationCsv::new(plan.closed).map_err(csv_error)?,
            )),
            Format::Json => TextEncoder::Json(EvaluationJson::new(plan.year, plan.closed)),
            Format::Xlsx => return Err(AppError::Internal("xlsx is not a text export".into())),
        };
        Ok(Self {
            plan,
            next: 0,
            encoder: Some(encoder),
        })
    }

    /// The next piece of the file; `None` once it is complete.
    pub async fn next(&mut self, db: &impl ConnectionTrait) -> AppResult<Option<Vec<u8>>> {
        let Some(encoder) = self.encoder.as_mut() else {
            return Ok(None);
        };
        if self.next >= self.plan.chunk_count() {
            let tail = match self.encoder.take() {
                Some(TextEncoder::Csv(mut csv)) => csv.take().map_err(csv_error)?,
                Some(TextEncoder::Json(json)) => json.finish(),
                None => Vec::new(),
            };
            return Ok(Some(tail));
        }
        let rows = self.plan.chunk(db, self.next).await?;
        self.next += 1;
        match encoder {
            TextEncoder::Csv(csv) => {
                for row in &rows {
                    csv.write(row).map_err(csv_error)?;
                }
                Ok(Some(csv.take().map_err(csv_error)?))
            }
            TextEncoder::Json(json) => {
                for row in &rows {
                    json.write(row)
                        .map_err(|e| AppError::Internal(format!("json: {e}")))?;
                }
                Ok(Some(json.take()))
            }
        }
    }
}

/// The XLSX evaluation form of a plan, rows spooled to a temporary file as they are loaded;
/// save the workbook with `export::evaluation::save`.
pub async fn xlsx(
    db: &impl ConnectionTrait,
    plan: &EvaluationPlan,
    header: FormHeader,
) -> AppResult<Workbook> {
    // Rows are written on a blocking thread while the next chunk loads, so the database and
    // the spreadsheet work side by side; two chunks at most are in flight.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<EvaluationRow>>(1);
    let writer = tokio::task::spawn_blocking(move || {
        let mut sheet = EvaluationXlsx::new(header, None)?;
        while let Some(rows) = rx.blocking_recv() {
            for row in &rows {
                sheet.write(row)?;
            }
        }
        sheet.finish()
    });
    for i in 0..plan.chunk_count() {
        let rows = plan.chunk(db, i).await?;
        if tx.send(rows).await.is_err() {
            // The writer stopped: its error is reported below.
            break;
        }
    }
    drop(tx);
    writer
        .await
        .map_err(|e| AppError::Internal(format!("xlsx writer: {e}")))?
        .map_err(|e| AppError::Internal(format!("xlsx: {e}")))
}

/// The annual report of a scope.
pub async fn annual_report(
    db: &impl ConnectionTrait,
    plan: &EvaluationPlan,
) -> Result<AnnualReport, DbErr> {
    let (groups, group_of) = plan.tree.report_groups(&plan.scope);
    let mut builder = ReportBuilder::new(groups);
    let units: Option<Vec<i64>> = match &plan.scope {
        ExportScope::Province => None,
        ExportScope::Unit(_) => Some(group_of.keys().copied().collect()),
    };
    if plan.closed {
        for i in 0..plan.chunk_count() {
            for row in plan.chunk(db, i).await? {
                if let Some(group) = group_of.get(&row.unit_id) {
                    builder.add_person(*group, row.accepted, row.met);
                }
            }
        }
    } else {
        for (unit_id, accepted, met) in report_people(db, plan, units.as_deref()).await? {
            if let Some(group) = group_of.get(&unit_id) {
                builder.add_person(*group, accepted, met);
            }
        }
    }
    let counts = db::exports::share_groups(db, &plan.period, units.as_deref()).await?;
    for (unit_id, platform, category, host, label, n) in counts {
        if let Some(group) = group_of.get(&unit_id) {
            let n = u64::try_from(n).unwrap_or(0);
            builder.add_shares(
                *group,
                &platform,
                category.as_deref(),
                &host,
                label.as_deref(),
                n,
            );
        }
    }
    Ok(builder.finish(plan.year, plan.closed))
}

/// What the report needs of each person of a live year, as (unit, accepted shares in the
/// period, met the target): the same totals and pro-rated target as the evaluation rows
/// (`person_figures`), but read as one sum per person from the counters instead of a whole
/// row of months and quarters, since the report prints only how many took part and met.
async fn report_people(
    db: &impl ConnectionTrait,
    plan: &EvaluationPlan,
    units: Option<&[i64]>,
) -> Result<Vec<(i64, u32, Option<bool>)>, DbErr> {
    Ok(
        db::exports::person_totals(db, &plan.period, units, plan.own_accounts_only)
            .await?
            .into_iter()
            .filter_map(|p| {
                let employment = Employment {
                    joined_on: p.joined_on,
                    left_on: p.left_on,
                };
                employment.span_in(&plan.period)?;
                let target = plan
                    .policy
                    .as_ref()
                    .map(|policy| prorated_target(policy.target, &plan.period, &employment));
                Some((p.unit_id, p.accepted, target.map(|t| p.accepted >= t)))
            })
            .collect(),
    )
}

/// The commendation shortlist of a scope by a rule; needs the year's policy (targets).
pub async fn shortlist(
    db: &impl ConnectionTrait,
    plan: &EvaluationPlan,
    rule: Rule,
) -> AppResult<Shortlist> {
    if plan.policy.is_none() {
        return Err(AppError::invalid(
            "no_policy",
            "Chưa có chỉ tiêu cho năm này nên chưa thể lập danh sách đề xuất khen thưởng.",
        ));
    }
    rule.check()
        .map_err(|m| AppError::invalid("invalid_rule", m))?;
    let (groups, group_of) = plan.tree.report_groups(&plan.scope);
    let groups = groups
        .into_iter()
        .map(|g| UnitGroup {
            id: g.id,
            code: g.code,
            name: g.name,
        })
        .collect();
    let mut builder = ShortlistBuilder::new(rule, groups);
    for i in 0..plan.chunk_count() {
        for (key, row) in plan.chunk_with_keys(db, i).await? {
            builder.add(group_of.get(&row.unit_id).copied(), key, &row);
        }
    }
    Ok(builder.finish(plan.year, plan.closed))
}

/// Records an export: who, which scope, which format, when (the event's time), how many rows.
pub async fn audit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    plan: &EvaluationPlan,
    format: &str,
    detail: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    db::audit::record(
        db,
        actor,
        Event {
            action,
            target_type: Some("year"),
            target_id: Some(plan.year.to_string()),
            detail: Some(json!({
                "format": format,
                "unit": plan.scope.unit_code(),
                "scope": plan.scope.unit_code().map_or("province", |_| "unit"),
                "rows": plan.people,
                "closed": plan.closed,
                "more": detail,
            })),
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn unit(id: i64, parent: Option<i64>, path: &str, kind: &str, name: &str) -> unit::Model {
        let now = Utc::now();
        unit::Model {
            id,
            code: format!("U{id}"),
            name: name.into(),
            kind: kind.into(),
            parent_id: parent,
            path: path.into(),
            active: true,
            created_at: now,
            updated_at: now,
        }
    }

    fn tree() -> UnitTree {
        UnitTree::new(vec![
            unit(1, None, "/1/", "province", "Tỉnh Điện Biên"),
            unit(2, Some(1), "/1/2/", "commune", "Xã Mường Phăng"),
            unit(
                3,
                Some(2),
                "/1/2/3/",
                "division",
                "Văn phòng xã Mường Phăng",
            ),
            unit(4, Some(1), "/1/4/", "department", "Sở Nội vụ"),
            unit(5, Some(1), "/1/5/", "department", "Sở Giáo dục"),
            unit(6, Some(1), "/1/6/", "commune", "Xã Ẳng Nưa"),
        ])
    }

    #[test]
    fn units_are_listed_depth_first_departments_before_communes_by_name() {
        let t = tree();
        let order: Vec<i64> = t.in_scope(&ExportScope::Province).map(|u| u.id).collect();
        // Sở Giáo dục < Sở Nội vụ; then communes: Xã Ẳng Nưa (Ẳ after A) < Xã Mường Phăng.
        assert_eq!(order, [1, 5, 4, 6, 2, 3]);
        assert_eq!(t.rank(99), usize::MAX);
    }

    #[test]
    fn report_lines_roll_divisions_up_into_the_units_below_the_scope() {
        let t = tree();
        let (groups, of) = t.report_groups(&ExportScope::Province);
        let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        assert_eq!(
            ids,
            [1, 5, 4, 6, 2],
            "the province itself, then the units directly below"
        );
        assert_eq!(of.get(&3), Some(&2), "a division counts in its commune");
        let commune = t.get(2).cloned().expect("unit 2");
        let (groups, of) = t.report_groups(&ExportScope::Unit(commune));
        let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        assert_eq!(ids, [2, 3], "a commune's report: itself and its division");
        assert_eq!(of.len(), 2);
    }

    #[test]
    fn path_ids_parse_a_materialised_path() {
        assert_eq!(path_ids("/1/5/12/"), [1, 5, 12]);
        assert!(path_ids("/").is_empty());
    }
}
