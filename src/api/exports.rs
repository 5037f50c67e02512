//! `GET /api/v1/exports/evaluation`: the year's per-person evaluation data for Home Affairs.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::{ApiQuery, check_year};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Event;
use crate::error::{AppError, AppResult};
use crate::service::tally::{TallyRowView, everyone, for_people};

/// `?year=Y&format=json[&unit=CODE]`.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// The work year.
    pub year: i32,
    /// `json` (CSV and XLSX come with the exports feature).
    #[serde(default = "default_format")]
    pub format: String,
    /// Limit to a unit's subtree.
    pub unit: Option<String>,
}

fn default_format() -> String {
    "json".to_owned()
}

/// The evaluation export; every export is audited.
pub async fn evaluation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> AppResult<Json<Value>> {
    if !user.can_export_evaluation() {
        return Err(AppError::Forbidden);
    }
    let year = check_year(query.year)?;
    if query.format != "json" {
        return Err(AppError::invalid(
            "unsupported_format",
            "Định dạng không được hỗ trợ (dùng format=json).",
        ));
    }
    let people = match &query.unit {
        Some(code) => {
            let unit = db::units::by_code(&state.db, code)
                .await?
                .ok_or(AppError::NotFound("đơn vị"))?;
            let ids = db::units::subtree_ids(&state.db, &unit).await?;
            db::people::in_units(&state.db, &ids).await?
        }
        None => everyone(&state.db).await?,
    };
    let tally = for_people(&state.db, year, people).await?;
    let closed = db::policy::row_for_year(&state.db, year)
        .await?
        .is_some_and(|p| p.closed_at.is_some());
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "export.evaluation",
            target_type: Some("year"),
            target_id: Some(year.to_string()),
            detail: Some(json!({"format": "json", "unit": query.unit, "rows": tally.rows.len()})),
        },
    )
    .await?;
    let rows: Vec<TallyRowView> = tally.rows.iter().map(TallyRowView::from).collect();
    Ok(Json(json!({"year": year, "closed": closed, "rows": rows})))
}
