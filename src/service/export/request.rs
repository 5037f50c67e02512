//! One pipeline for every export and report: the API, the pages and the command line parse their
//! input into an [`ExportRequest`] and hand it to [`prepare`], which checks the year, the format
//! and the caller's scope, plans the rows, builds the content and writes the audit entry before
//! a byte leaves. The caller only delivers the [`Prepared`] content (streams, files, a page).

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{
    EvaluationPlan, ExportScope, TextExport, annual_report, audit, resolve_scope, shortlist, xlsx,
};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Actor;
use crate::error::{AppError, AppResult};
use crate::export::report::AnnualReport;
use crate::export::shortlist::{Rule, Shortlist};
use crate::export::{self, FormHeader, Format};
use crate::service::check_year;

/// Which export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Per-person evaluation data of a year (Sở Nội vụ).
    Evaluation,
    /// The annual report on carrying out the directive, per unit (Sở VHTTDL).
    Annual,
    /// The commendation shortlist by a rule (Sở Nội vụ).
    Commendations(Rule),
}

impl Report {
    /// The audit action of this export.
    fn action(self) -> &'static str {
        match self {
            Self::Evaluation => "export.evaluation",
            Self::Annual => "export.annual_report",
            Self::Commendations(_) => "export.commendations",
        }
    }

    /// The start of the downloaded file's name.
    fn file_stem(self) -> &'static str {
        match self {
            Self::Evaluation => "danh-gia",
            Self::Annual => "bao-cao-2241",
            Self::Commendations(_) => "khen-thuong",
        }
    }

    /// Whether this caller may ask for the whole province.
    fn province_allowed(self, user: &CurrentUser) -> bool {
        match self {
            Self::Evaluation => user.can_export_evaluation(),
            Self::Annual => user.reads_province_reports(),
            Self::Commendations(_) => user.sees_everything(),
        }
    }
}

/// How the result is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// A file (or a JSON body) in this format.
    File(Format),
    /// A printable page (reports only).
    Page,
}

impl Delivery {
    /// The format's name in the audit record.
    fn as_str(self) -> &'static str {
        match self {
            Self::File(format) => format.as_str(),
            Self::Page => "html",
        }
    }
}

/// Who asks: a signed-in person (scope checked against their roles) or the command line
/// (an operator on the server, who may export any scope).
#[derive(Clone, Copy)]
pub enum Requester<'a> {
    /// A person through the API or a page.
    Person(&'a CurrentUser),
    /// The `lantoa` command on the server.
    CommandLine,
}

/// One export: what, which year, which scope, how delivered, who asks.
pub struct ExportRequest<'a> {
    /// Which export.
    pub report: Report,
    /// The work year (checked: 2000–2100).
    pub year: i32,
    /// A unit's subtree, or the province when none.
    pub unit: Option<String>,
    /// How the result is delivered.
    pub delivery: Delivery,
    /// Who asks.
    pub requester: Requester<'a>,
}

/// What [`prepare`] hands back, audited and ready to deliver.
pub struct Prepared {
    /// The plan: scope, year, period, headcount.
    pub plan_summary: PlanSummary,
    /// The top of the form (organisation, period, who prepared it).
    pub header: FormHeader,
    /// The file name a download should carry.
    pub file_name: String,
    /// The content.
    pub content: Content,
}

/// What a caller needs to know of the plan after the export is prepared.
pub struct PlanSummary {
    /// The unit's code, or None for the province.
    pub unit_code: Option<String>,
    /// How many people the export covers.
    pub people: u64,
}

/// The content of an export.
pub enum Content {
    /// An XLSX workbook, to be saved into a stream or a file.
    Workbook(Box<Workbook>),
    /// CSV or JSON evaluation data: `first` is already loaded (so a failing database is still a
    /// proper error), the rest is read from `rest` while the client reads.
    Text {
        /// The first piece of the file.
        first: Vec<u8>,
        /// The remaining pieces.
        rest: Box<TextExport>,
    },
    /// The annual report, for JSON or a page.
    Annual(Box<AnnualReport>),
    /// The commendation shortlist, for JSON or a page.
    Commendations(Box<Shortlist>),
}

/// Checks, plans, builds and audits one export.
pub async fn prepare(
    db: &impl ConnectionTrait,
    organization: &str,
    today: NaiveDate,
    request: ExportRequest<'_>,
) -> AppResult<Prepared> {
    let year = check_year(request.year)?;
    check_delivery(request.report, request.delivery)?;
    let scope = match request.requester {
        Requester::Person(user) => {
            let province = request.report.province_allowed(user);
            resolve_scope(db, user, request.unit.as_deref(), province).await?
        }
        Requester::CommandLine => command_line_scope(db, request.unit.as_deref()).await?,
    };
    let plan = EvaluationPlan::prepare(db, year, scope).await?;
    let prepared_by = match request.requester {
        Requester::Person(user) => Some(user.person.full_name.clone()),
        Requester::CommandLine => None,
    };
    let header = plan.header(organization, today, prepared_by);
    let format = match request.delivery {
        Delivery::File(format) => Some(format),
        Delivery::Page => None,
    };
    let actor = match request.requester {
        Requester::Person(user) => user.actor(),
        Requester::CommandLine => Actor::cli(),
    };
    let detail = match request.report {
        Report::Commendations(rule) => Some(json!({"rule": rule})),
        Report::Evaluation | Report::Annual => None,
    };
    let action = request.report.action();
    let delivered_as = request.delivery.as_str();
    let plan_summary = PlanSummary {
        unit_code: plan.scope.unit_code().map(str::to_owned),
        people: plan.people,
    };
    let file_name = export::file_name(
        request.report.file_stem(),
        year,
        plan.scope.unit_code(),
        format.unwrap_or(Format::Json),
    );
    // The evaluation data is audited before it is read (it may stream for a while); a report,
    // once it is built, so that one refused by its own checks (no policy) leaves no entry.
    let content = match (request.report, format) {
        (Report::Evaluation, Some(Format::Xlsx)) => {
            audit(db, &actor, action, &plan, delivered_as, detail).await?;
            Content::Workbook(Box::new(xlsx(db, &plan, header.clone()).await?))
        }
        (Report::Evaluation, _) => {
            audit(db, &actor, action, &plan, delivered_as, detail).await?;
            let mut rest = TextExport::new(plan, format.unwrap_or(Format::Json))?;
            let first = rest.next(db).await?.unwrap_or_default();
            Content::Text {
                first,
                rest: Box::new(rest),
            }
        }
        (Report::Annual, _) => {
            let report = annual_report(db, &plan).await?;
            audit(db, &actor, action, &plan, delivered_as, detail).await?;
            if format == Some(Format::Xlsx) {
                Content::Workbook(Box::new(
                    export::report::workbook(&report, &header).map_err(xlsx_error)?,
                ))
            } else {
                Content::Annual(Box::new(report))
            }
        }
        (Report::Commendations(rule), _) => {
            let list = shortlist(db, &plan, rule).await?;
            audit(db, &actor, action, &plan, delivered_as, detail).await?;
            if format == Some(Format::Xlsx) {
                Content::Workbook(Box::new(
                    export::shortlist::workbook(&list, &header).map_err(xlsx_error)?,
                ))
            } else {
                Content::Commendations(Box::new(list))
            }
        }
    };
    Ok(Prepared {
        plan_summary,
        header,
        file_name,
        content,
    })
}

/// Reports come as XLSX, JSON or a page; the evaluation data as XLSX, CSV or JSON.
fn check_delivery(report: Report, delivery: Delivery) -> AppResult<()> {
    match (report, delivery) {
        (Report::Evaluation, Delivery::Page) => Err(AppError::invalid(
            "unsupported_format",
            "Dữ liệu đánh giá có định dạng xlsx, csv hoặc json.",
        )),
        (Report::Annual | Report::Commendations(_), Delivery::File(Format::Csv)) => Err(
            AppError::invalid("unsupported_format", "Báo cáo có định dạng xlsx hoặc json."),
        ),
        _ => Ok(()),
    }
}

/// The command line may export any scope: a unit by code, or the province.
async fn command_line_scope(
    db: &impl ConnectionTrait,
    unit: Option<&str>,
) -> AppResult<ExportScope> {
    match unit.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => db::units::by_code(db, code)
            .await?
            .map(ExportScope::Unit)
            .ok_or(AppError::NotFound("đơn vị")),
        None => Ok(ExportScope::Province),
    }
}

fn xlsx_error(err: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(format!("xlsx: {err}"))
}
