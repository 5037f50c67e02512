//! `/me/data`: everything Lan tỏa holds about the signed-in person (Personal Data Protection
//! Law 91/2025/QH15), shown on a page and downloadable as JSON (all of it) or CSV (the shares,
//! for a spreadsheet). Every download is written to the audit log.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use entity::{
    api_token, audit_event, declared_account, evaluation_snapshot, identity, person, role_grant,
    session, share, tally_month, unit,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use serde_json::json;

use super::{Lang, PageResult, render};
use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Event;
use crate::domain::time::format_vi;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Everything held about one person.
#[derive(Debug, Serialize)]
pub struct MyData {
    /// When this copy was made (UTC).
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// How long personal data is kept, in days.
    pub retention_days: u32,
    /// The roster entry.
    pub person: person::Model,
    /// The person's current unit.
    pub unit: Option<unit::Model>,
    /// Roles held.
    pub roles: Vec<role_grant::Model>,
    /// Sign-in identities linked to the person.
    pub identities: Vec<identity::Model>,
    /// Browser sessions (only their dates and browser are kept; the secret never is).
    pub sessions: Vec<session::Model>,
    /// API tokens (name and prefix; the secret never is).
    pub api_tokens: Vec<api_token::Model>,
    /// The social accounts the person declared as their own.
    pub declared_accounts: Vec<declared_account::Model>,
    /// Every share logged.
    pub shares: Vec<share::Model>,
    /// The monthly counters kept for the tallies.
    pub monthly_counts: Vec<tally_month::Model>,
    /// Figures frozen when a year was closed.
    pub evaluation_snapshots: Vec<evaluation_snapshot::Model>,
    /// Audit events done by the person or about them.
    pub audit_events: Vec<audit_event::Model>,
}

/// Reads everything held about the caller.
pub async fn collect(state: &AppState, user: &CurrentUser) -> AppResult<MyData> {
    let id = user.person.id;
    let db = &state.db;
    let person = db::people::by_id(db, id)
        .await?
        .ok_or(AppError::NotFound("cán bộ"))?;
    let unit = unit::Entity::find_by_id(person.unit_id).one(db).await?;
    let roles = role_grant::Entity::find()
        .filter(role_grant::Column::PersonId.eq(id))
        .order_by_asc(role_grant::Column::Id)
        .all(db)
        .await?;
    let identities = identity::Entity::find()
        .filter(identity::Column::PersonId.eq(id))
        .order_by_asc(identity::Column::Id)
        .all(db)
        .await?;
    let sessions = session::Entity::find()
        .filter(session::Column::PersonId.eq(id))
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?;
    let api_tokens = api_token::Entity::find()
        .filter(api_token::Column::PersonId.eq(id))
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?;
    let declared_accounts = db::accounts::of_person(db, id).await?;
    let shares = share::Entity::find()
        .filter(share::Column::PersonId.eq(id))
        .order_by_desc(share::Column::SharedOn)
        .order_by_desc(share::Column::Id)
        .all(db)
        .await?;
    let monthly_counts = tally_month::Entity::find()
        .filter(tally_month::Column::PersonId.eq(id))
        .order_by_asc(tally_month::Column::Year)
        .order_by_asc(tally_month::Column::Month)
        .all(db)
        .await?;
    let evaluation_snapshots = evaluation_snapshot::Entity::find()
        .filter(evaluation_snapshot::Column::PersonId.eq(id))
        .order_by_asc(evaluation_snapshot::Column::Year)
        .all(db)
        .await?;
    let audit_events = audit_event::Entity::find()
        .filter(
            Condition::any()
                .add(audit_event::Column::ActorPersonId.eq(id))
                .add(
                    Condition::all()
                        .add(audit_event::Column::TargetType.eq("person"))
                        .add(audit_event::Column::TargetId.eq(person.staff_code.clone())),
                ),
        )
        .order_by_desc(audit_event::Column::Id)
        .all(db)
        .await?;
    Ok(MyData {
        generated_at: state.clock.now(),
        retention_days: state.settings.retention_days,
        person,
        unit,
        roles,
        identities,
        sessions,
        api_tokens,
        declared_accounts,
        shares,
        monthly_counts,
        evaluation_snapshots,
        audit_events,
    })
}

#[derive(Template)]
#[template(path = "mydata.html")]
struct MyDataPage<'a> {
    lang: Lang,
    tab: &'static str,
    csrf: &'a str,
    data: MyData,
}

impl MyDataPage<'_> {
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(format_vi).unwrap_or_else(|| "–".to_owned())
    }

    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        let local = t.with_timezone(&crate::domain::time::TZ);
        format!(
            "{} {}",
            format_vi(local.date_naive()),
            local.format("%H:%M")
        )
    }

    fn at_opt(&self, t: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        t.as_ref()
            .map(|t| self.at(t))
            .unwrap_or_else(|| "–".to_owned())
    }

    fn employment(&self) -> String {
        let code = &self.data.person.employment_type;
        code.parse::<crate::domain::roster::EmploymentType>()
            .map(|e| e.label_vi().to_owned())
            .unwrap_or_else(|_| code.clone())
    }

    fn role_label(&self, code: &str) -> String {
        code.parse::<crate::domain::roster::Role>()
            .map(|r| r.label_vi().to_owned())
            .unwrap_or_else(|_| code.to_owned())
    }

    fn platform_label(&self, code: &str) -> String {
        crate::service::accounts::platform_label(code)
    }

    fn accepted(&self) -> usize {
        self.data
            .shares
            .iter()
            .filter(|s| s.status == "accepted")
            .count()
    }
}

/// The page.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> PageResult<Response> {
    let data = collect(&state, &user).await?;
    Ok(render(&MyDataPage {
        lang,
        tab: "data",
        csrf: user.csrf_token().unwrap_or_default(),
        data,
    }))
}

async fn audit_download(state: &AppState, user: &CurrentUser, format: &str) -> AppResult<()> {
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "me.data_download",
            target_type: Some("person"),
            target_id: Some(user.person.staff_code.clone()),
            detail: Some(json!({ "format": format })),
        },
    )
    .await?;
    Ok(())
}

fn attachment(body: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// A file name made only of safe characters.
fn file_stem(user: &CurrentUser) -> String {
    let code: String = user
        .person
        .staff_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("lantoa-du-lieu-{code}")
}

/// Everything, as JSON.
pub async fn json(State(state): State<AppState>, user: CurrentUser) -> PageResult<Response> {
    let data = collect(&state, &user).await?;
    audit_download(&state, &user, "json").await?;
    let body = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        body,
        "application/json",
        &format!("{}.json", file_stem(&user)),
    ))
}

/// The shares, as CSV (UTF-8 with a BOM, so Excel reads the Vietnamese correctly).
pub async fn csv(State(state): State<AppState>, user: CurrentUser) -> PageResult<Response> {
    let data = collect(&state, &user).await?;
    audit_download(&state, &user, "csv").await?;
    let body = shares_csv(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(
        body,
        "text/csv; charset=utf-8",
        &format!("{}.csv", file_stem(&user)),
    ))
}

/// One row per share, with who it belongs to on every row.
pub fn shares_csv(data: &MyData) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record([
        "staff_code",
        "full_name",
        "share_id",
        "shared_on",
        "platform",
        "source_url",
        "source_label",
        "post_url",
        "status",
        "review_reason",
        "reviewed_at",
        "submitted_at",
        "origin",
    ])?;
    for s in &data.shares {
        writer.write_record(
            [
                data.person.staff_code.as_str(),
                data.person.full_name.as_str(),
                &s.id.to_string(),
                &s.shared_on.to_string(),
                &s.platform,
                &s.source_url,
                s.rule_label.as_deref().unwrap_or_default(),
                s.post_url.as_deref().unwrap_or_default(),
                &s.status,
                s.review_reason.as_deref().unwrap_or_default(),
                &s.reviewed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                &s.submitted_at.to_rfc3339(),
                &s.origin,
            ]
            .map(inert),
        )?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
}

/// A cell a spreadsheet will not run as a formula (a reviewer's reason could start with `=`).
fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            inert("https://dienbien.gov.vn/a"),
            "https://dienbien.gov.vn/a"
        );
        assert_eq!(inert("Nguyễn Văn An"), "Nguyễn Văn An");
    }
}
