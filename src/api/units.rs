//! `GET /api/v1/units/{code}/tally`: everyone in a unit's subtree, for its heads and Home Affairs.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::json::{ApiQuery, check_year};
use super::me::YearQuery;
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::service::tally::{TallyRowView, for_people};

/// Per-person tallies of the unit's subtree for a year.
pub async fn tally(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<YearQuery>,
) -> AppResult<Json<Value>> {
    let year = check_year(
        query
            .year
            .unwrap_or_else(|| chrono::Datelike::year(&state.clock.today())),
    )?;
    let unit = db::units::by_code(&state.db, &code).await?;
    // Same answer for "no such unit" and "not yours", so codes cannot be probed.
    let unit = match unit {
        Some(unit) if user.can_read_unit(&unit.path) => unit,
        Some(_) => return Err(AppError::Forbidden),
        None if user.sees_everything() => return Err(AppError::NotFound("đơn vị")),
        None => return Err(AppError::Forbidden),
    };
    let unit_ids = db::units::subtree_ids(&state.db, &unit).await?;
    let people = db::people::in_units(&state.db, &unit_ids).await?;
    let tally = for_people(&state.db, year, people).await?;
    let rows: Vec<TallyRowView> = tally.rows.iter().map(TallyRowView::from).collect();
    Ok(Json(json!({
        "year": year,
        "unit": {"code": unit.code, "name": unit.name},
        "rows": rows,
    })))
}
