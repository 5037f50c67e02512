//! `/api/v1/admin/…`: what the administration pages do, for other systems — the allowlist
//! (Culture, admins), units and people (Home Affairs, admins), roles (admins). Every handler
//! parses its input and calls the same service function as the page, so authorization,
//! validation, the public-suffix guard and the audit entry are the pages' own. Read-only tokens
//! may read; the guard refuses them every change.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::json::{ApiJson, ApiQuery};
use crate::auth::CurrentUser;
use crate::domain::roster::Role;
use crate::error::{AppError, AppResult};
use crate::import::allowlist::RowAction;
use crate::service::allowlist::{self, Edited, RuleInput};
use crate::service::roles::{self, RoleChange};
use crate::service::roster::{self, PersonInput, Search};
use crate::service::units::{self, NewUnit};
use crate::state::AppState;
use crate::verify::verify_source;

fn rule_json(rule: &entity::allowlist_rule::Model) -> Value {
    json!({
        "id": rule.id, "kind": rule.kind, "pattern": rule.pattern, "category": rule.category,
        "label": rule.label, "active": rule.active,
    })
}

/// `GET /api/v1/admin/allowlist`: every rule, active or not.
#[utoipa::path(get, path = "/api/v1/admin/allowlist", tag = "admin", security(("bearer" = [])), responses((status = 200, description = "`{items: [{id, kind, pattern, category, label, active}]}`"), (status = 403, description = "`forbidden` (Culture and admins only)", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_list(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let rows = crate::db::allowlist::all_rows(&state.db).await?;
    let items: Vec<Value> = rows.iter().map(rule_json).collect();
    Ok(Json(json!({ "items": items })))
}

/// A rule to add or edit.
#[derive(Debug, Deserialize)]
pub struct RuleIn {
    /// `suffix`, `host`, `prefix` or `exclude`.
    pub kind: String,
    /// The pattern.
    pub pattern: String,
    /// `government`, `party`, `press` or `official_social`.
    pub category: String,
    /// The label shown to users.
    pub label: String,
    /// Confirms that registration under a public suffix is restricted (suffix rules on one).
    #[serde(default)]
    pub confirm_restricted_suffix: bool,
}

impl RuleIn {
    fn input(&self) -> RuleInput {
        RuleInput {
            kind: self.kind.clone(),
            pattern: self.pattern.clone(),
            category: self.category.clone(),
            label: self.label.clone(),
        }
    }
}

/// `POST /api/v1/admin/allowlist`: adds a rule.
#[utoipa::path(post, path = "/api/v1/admin/allowlist", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::RuleIn, responses((status = 201, description = "`{id}`"), (status = 409, description = "`rule_exists`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_rule`, `public_suffix_rule` (a suffix rule on a public suffix without `confirm_restricted_suffix`), …", body = crate::api::schema::ErrorBody), (status = 403, description = "`forbidden`", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<RuleIn>,
) -> AppResult<Response> {
    let id = allowlist::create(
        &state.db,
        &user.actor(),
        &input.input(),
        input.confirm_restricted_suffix,
    )
    .await?;
    state.reference_changed().await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// `PUT /api/v1/admin/allowlist/{id}`: edits a rule (a changed kind or pattern of a rule that
/// shares matched keeps the old one, disabled, and answers with the new id).
#[utoipa::path(put, path = "/api/v1/admin/allowlist/{id}", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::RuleIn, params(("id" = i64, Path, description = "the rule")), responses((status = 200, description = "`{id, replaced}`: the rule's id now, and the old id when it was kept aside"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_rule`, `public_suffix_rule`", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RuleIn>,
) -> AppResult<Json<Value>> {
    let edited = allowlist::update(
        &state.db,
        &user.actor(),
        id,
        &input.input(),
        input.confirm_restricted_suffix,
    )
    .await?;
    state.reference_changed().await?;
    Ok(Json(match edited {
        Edited::InPlace(id) => json!({"id": id, "replaced": null}),
        Edited::Replaced { old, new } => json!({"id": new, "replaced": old}),
    }))
}

/// `?confirm_restricted_suffix=true` for re-enabling.
#[derive(Debug, Default, Deserialize)]
pub struct ActiveIn {
    /// As for adding: re-enabling a suffix rule on a public suffix needs it.
    #[serde(default)]
    pub confirm_restricted_suffix: bool,
}

/// `POST /api/v1/admin/allowlist/{id}/disable`.
#[utoipa::path(post, path = "/api/v1/admin/allowlist/{id}/disable", tag = "admin", security(("bearer" = [])), params(("id" = i64, Path, description = "the rule")), responses((status = 204, description = "Disabled (already disabled: no change)"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    allowlist::set_active(&state.db, &user.actor(), id, false, false).await?;
    state.reference_changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/admin/allowlist/{id}/enable`.
#[utoipa::path(post, path = "/api/v1/admin/allowlist/{id}/enable", tag = "admin", security(("bearer" = [])), params(("id" = i64, Path, description = "the rule"), ("confirm_restricted_suffix" = Option<bool>, Query, description = "needed to re-enable a suffix rule on a public suffix")), responses((status = 204, description = "Enabled"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`public_suffix_rule`", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    ApiQuery(query): ApiQuery<ActiveIn>,
) -> AppResult<StatusCode> {
    let confirmed = query.confirm_restricted_suffix;
    allowlist::set_active(&state.db, &user.actor(), id, true, confirmed).await?;
    state.reference_changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{url}` to test.
#[derive(Debug, Deserialize)]
pub struct TestIn {
    /// The address.
    pub url: String,
}

/// `POST /api/v1/admin/allowlist/test`: the verdict under the rules in force; nothing stored.
#[utoipa::path(post, path = "/api/v1/admin/allowlist/test", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::VerifyIn, responses((status = 200, description = "`{verdict, reason, normalized, rule, message}`")))]
pub async fn allowlist_test(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TestIn>,
) -> AppResult<Json<Value>> {
    let allowlist = state.allowlist();
    let v = verify_source(&allowlist, &input.url);
    Ok(Json(json!({
        "verdict": v.verdict,
        "reason": v.reason,
        "normalized": v.normalized,
        "rule": v.rule.map(|r| json!({"label": r.label, "category": r.category, "kind": r.kind, "pattern": r.pattern})),
        "message": v.reason.map(|r| r.message_vi().to_owned()).or_else(|| v.rule.map(|r| format!("{} ✓", r.label))),
    })))
}

/// `{csv, confirm_restricted_suffix, apply}`.
#[derive(Debug, Deserialize)]
pub struct ImportIn {
    /// The CSV text (`kind,pattern,category,label`).
    pub csv: String,
    /// As for adding.
    #[serde(default)]
    pub confirm_restricted_suffix: bool,
    /// `false` (the default): only the plan; `true`: import, all or nothing.
    #[serde(default)]
    pub apply: bool,
}

/// `POST /api/v1/admin/allowlist/import`: the plan row by row, and with `apply` the import.
#[utoipa::path(post, path = "/api/v1/admin/allowlist/import", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::AllowlistImportIn, responses((status = 200, description = "`{applied, created, updated, unchanged, refused, rows}`"), (status = 422, description = "`import_refused` (a refused row: nothing imported)", body = crate::api::schema::ErrorBody)))]
pub async fn allowlist_import(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<ImportIn>,
) -> AppResult<Json<Value>> {
    let plan = if input.apply {
        let plan = allowlist::import(
            &state.db,
            &user.actor(),
            &input.csv,
            input.confirm_restricted_suffix,
            None,
            "api",
        )
        .await?;
        state.reference_changed().await?;
        plan
    } else {
        allowlist::plan_import(&state.db, &input.csv, input.confirm_restricted_suffix).await?
    };
    let (created, updated, unchanged, refused) = plan.counts();
    let rows: Vec<Value> = plan
        .rows
        .iter()
        .map(|r| {
            let (action, reason) = match &r.action {
                RowAction::Create => ("create", None),
                RowAction::Update { .. } => ("update", None),
                RowAction::Unchanged { .. } => ("unchanged", None),
                RowAction::Refused(why) => ("refused", Some(why.clone())),
            };
            json!({
                "line": r.line, "action": action, "reason": reason,
                "kind": r.rule.as_ref().map(|rule| rule.kind),
                "pattern": r.rule.as_ref().map(|rule| rule.pattern.clone()),
            })
        })
        .collect();
    Ok(Json(json!({
        "applied": input.apply, "created": created, "updated": updated,
        "unchanged": unchanged, "refused": refused, "rows": rows,
    })))
}

/// `GET /api/v1/admin/units`: the tree with people counts.
#[utoipa::path(get, path = "/api/v1/admin/units", tag = "admin", security(("bearer" = [])), responses((status = 200, description = "`{items: [{code, name, kind, parent_code, depth, active, people, subtree_people}]}` in tree order")))]
pub async fn units_tree(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let tree = units::tree(&state.db, state.clock.today()).await?;
    let items: Vec<Value> = tree
        .iter()
        .map(|n| {
            json!({
                "code": n.unit.code, "name": n.unit.name, "kind": n.unit.kind,
                "parent_code": n.parent_code, "depth": n.depth, "active": n.unit.active,
                "people": n.people, "subtree_people": n.subtree_people,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// A unit to add.
#[derive(Debug, Deserialize)]
pub struct UnitIn {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its kind (`department`, `commune`, …).
    pub kind: String,
    /// The parent's code; none for a root.
    pub parent_code: Option<String>,
}

/// `POST /api/v1/admin/units`.
#[utoipa::path(post, path = "/api/v1/admin/units", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::UnitIn, responses((status = 201, description = "`{code}`"), (status = 409, description = "`unit_exists`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_unit_code`, `unknown_unit`, `unit_retired`, …", body = crate::api::schema::ErrorBody)))]
pub async fn units_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<UnitIn>,
) -> AppResult<Response> {
    let unit = units::create(
        &state.db,
        &user.actor(),
        &NewUnit {
            code: input.code,
            name: input.name,
            kind: input.kind,
            parent_code: input.parent_code,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "code": unit.code }))).into_response())
}

/// A change to a unit: any of a new name and a new parent.
#[derive(Debug, Deserialize)]
pub struct UnitChangeIn {
    /// The new name.
    pub name: Option<String>,
    /// The new parent's code (moves the unit with everything below it).
    pub parent_code: Option<String>,
}

/// `PATCH /api/v1/admin/units/{code}`: rename and/or move.
#[utoipa::path(patch, path = "/api/v1/admin/units/{code}", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::UnitChangeIn, params(("code" = String, Path, description = "the unit")), responses((status = 204, description = "Changed"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`unit_cycle` (under itself or a unit below it), `invalid_name`, …", body = crate::api::schema::ErrorBody)))]
pub async fn units_change(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<UnitChangeIn>,
) -> AppResult<StatusCode> {
    if input.name.is_none() && input.parent_code.is_none() {
        return Err(AppError::invalid(
            "nothing_to_change",
            "Cần tên mới (name) hoặc đơn vị cấp trên mới (parent_code).",
        ));
    }
    if let Some(name) = &input.name {
        units::rename(&state.db, &user.actor(), &code, name).await?;
    }
    if let Some(parent) = &input.parent_code {
        units::move_under(&state.db, &user.actor(), &code, parent).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/admin/units/{code}/retire`.
#[utoipa::path(post, path = "/api/v1/admin/units/{code}/retire", tag = "admin", security(("bearer" = [])), params(("code" = String, Path, description = "the unit")), responses((status = 204, description = "Retired"), (status = 409, description = "`unit_has_people`, `unit_has_subunits`", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody)))]
pub async fn units_retire(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> AppResult<StatusCode> {
    units::retire(&state.db, &user.actor(), &code, state.clock.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?q=&unit=&include_left=&page=`.
#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    /// Part of a name (with or without diacritics) or a staff code.
    #[serde(default)]
    pub q: String,
    /// Only this unit's subtree.
    pub unit: Option<String>,
    /// Also people who have left.
    #[serde(default)]
    pub include_left: bool,
    /// 1-based page of 50.
    pub page: Option<usize>,
}

fn person_json(p: &entity::person::Model, unit: Option<&entity::unit::Model>) -> Value {
    json!({
        "staff_code": p.staff_code, "full_name": p.full_name, "email": p.email,
        "unit": unit.map(|u| u.code.clone()), "position": p.position,
        "employment_type": p.employment_type, "joined_on": p.joined_on, "left_on": p.left_on,
    })
}

/// `GET /api/v1/admin/people`: search, in Vietnamese name order, 50 a page.
#[utoipa::path(get, path = "/api/v1/admin/people", tag = "admin", security(("bearer" = [])), params(("q" = Option<String>, Query, description = "part of a name (diacritics optional) or a staff code"), ("unit" = Option<String>, Query, description = "a unit's subtree"), ("include_left" = Option<bool>, Query, description = "also people who have left"), ("page" = Option<usize>, Query, description = "1-based page of 50")), responses((status = 200, description = "`{items, total, page, page_size}`")))]
pub async fn people_search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> AppResult<Json<Value>> {
    let page = query.page.unwrap_or(1).max(1);
    let found = roster::search(
        &state.db,
        &Search {
            text: query.q,
            unit_code: query.unit.filter(|u| !u.trim().is_empty()),
            include_left: query.include_left,
            page,
        },
        state.clock.today(),
    )
    .await?;
    let items: Vec<Value> = found
        .people
        .iter()
        .map(|(p, u)| person_json(p, u.as_ref()))
        .collect();
    Ok(Json(json!({
        "items": items, "total": found.total, "page": page, "page_size": roster::PAGE_SIZE,
    })))
}

/// A person's details.
#[derive(Debug, Deserialize)]
pub struct PersonIn {
    /// Staff code (adding only).
    pub staff_code: Option<String>,
    /// Unit code (adding only; moving is its own call).
    pub unit: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Work e-mail.
    #[serde(default)]
    pub email: String,
    /// Position.
    #[serde(default)]
    pub position: String,
    /// `can_bo`, `cong_chuc`, `vien_chuc` or `nguoi_lao_dong`.
    pub employment_type: String,
    /// First day, `dd/mm/yyyy` or `yyyy-mm-dd`.
    #[serde(default)]
    pub joined_on: String,
}

impl PersonIn {
    fn input(&self) -> PersonInput {
        PersonInput {
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            position: self.position.clone(),
            employment_type: self.employment_type.clone(),
            joined_on: self.joined_on.clone(),
        }
    }
}

/// `POST /api/v1/admin/people`.
#[utoipa::path(post, path = "/api/v1/admin/people", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::PersonIn, responses((status = 201, description = "The person"), (status = 409, description = "`person_exists`", body = crate::api::schema::ErrorBody), (status = 422, description = "`invalid_staff_code`, `unknown_unit`, `invalid_email`, …", body = crate::api::schema::ErrorBody)))]
pub async fn people_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PersonIn>,
) -> AppResult<Response> {
    let (Some(code), Some(unit)) = (input.staff_code.as_deref(), input.unit.as_deref()) else {
        return Err(AppError::invalid(
            "missing_field",
            "Cần mã cán bộ (staff_code) và mã đơn vị (unit).",
        ));
    };
    let person = roster::create(&state.db, &user.actor(), code, unit, &input.input()).await?;
    let unit = crate::db::units::by_code(&state.db, unit).await?;
    Ok((
        StatusCode::CREATED,
        Json(person_json(&person, unit.as_ref())),
    )
        .into_response())
}

/// `PUT /api/v1/admin/people/{staff_code}`: edits the details.
#[utoipa::path(put, path = "/api/v1/admin/people/{staff_code}", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::PersonIn, params(("staff_code" = String, Path, description = "the person")), responses((status = 204, description = "Saved"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "invalid details", body = crate::api::schema::ErrorBody)))]
pub async fn people_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    ApiJson(input): ApiJson<PersonIn>,
) -> AppResult<StatusCode> {
    roster::update(&state.db, &user.actor(), &staff_code, &input.input()).await?;
    state.reference_changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{unit}` to move to.
#[derive(Debug, Deserialize)]
pub struct MoveIn {
    /// The new unit's code.
    pub unit: String,
}

/// `POST /api/v1/admin/people/{staff_code}/move`: to another unit; shares keep theirs.
#[utoipa::path(post, path = "/api/v1/admin/people/{staff_code}/move", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::MoveIn, params(("staff_code" = String, Path, description = "the person")), responses((status = 204, description = "Moved"), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody), (status = 422, description = "`unknown_unit`, `unit_retired`", body = crate::api::schema::ErrorBody)))]
pub async fn people_move(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    ApiJson(input): ApiJson<MoveIn>,
) -> AppResult<StatusCode> {
    roster::move_to(&state.db, &user.actor(), &staff_code, &input.unit).await?;
    state.reference_changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{left_on}`.
#[derive(Debug, Deserialize)]
pub struct LeaveIn {
    /// The last day, `dd/mm/yyyy` or `yyyy-mm-dd`.
    pub left_on: String,
}

/// `POST /api/v1/admin/people/{staff_code}/leave`: marks as left; their sessions end.
#[utoipa::path(post, path = "/api/v1/admin/people/{staff_code}/leave", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::LeaveIn, params(("staff_code" = String, Path, description = "the person")), responses((status = 204, description = "Marked as left"), (status = 409, description = "`last_admin` (the last active administrator)", body = crate::api::schema::ErrorBody), (status = 404, description = "`not_found`", body = crate::api::schema::ErrorBody)))]
pub async fn people_leave(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    ApiJson(input): ApiJson<LeaveIn>,
) -> AppResult<StatusCode> {
    roster::leave(
        &state.db,
        &user.actor(),
        &staff_code,
        &input.left_on,
        state.clock.today(),
    )
    .await?;
    // API tokens of someone who left must stop working now, not when the cache expires.
    state.reference_changed().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?role=`.
#[derive(Debug, Deserialize)]
pub struct RolesQuery {
    /// Only this role.
    pub role: Option<String>,
}

/// `GET /api/v1/admin/roles`: who holds what.
#[utoipa::path(get, path = "/api/v1/admin/roles", tag = "admin", security(("bearer" = [])), params(("role" = Option<String>, Query, description = "only this role")), responses((status = 200, description = "`{items: [{grant_id, staff_code, full_name, role, unit_code, unit_name, active}]}`"), (status = 422, description = "`invalid_role`", body = crate::api::schema::ErrorBody)))]
pub async fn roles_list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<RolesQuery>,
) -> AppResult<Json<Value>> {
    let role = query.role.as_deref().map(parse_role).transpose()?;
    let items = roles::holders(&state.db, role).await?;
    Ok(Json(json!({ "items": items })))
}

fn parse_role(text: &str) -> AppResult<Role> {
    text.trim()
        .parse()
        .map_err(|_| AppError::invalid("invalid_role", format!("Không có vai trò «{text}».")))
}

/// `{staff_code, role, unit?}`.
#[derive(Debug, Deserialize)]
pub struct RoleIn {
    /// The person.
    pub staff_code: String,
    /// `unit_head`, `home_affairs`, `culture` or `admin`.
    pub role: String,
    /// The unit a unit head heads.
    pub unit: Option<String>,
}

impl RoleIn {
    fn change(&self) -> AppResult<RoleChange> {
        Ok(RoleChange {
            staff_code: self.staff_code.clone(),
            role: parse_role(&self.role)?,
            unit_code: self.unit.clone(),
        })
    }
}

/// `POST /api/v1/admin/roles`: grants a role.
#[utoipa::path(post, path = "/api/v1/admin/roles", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::RoleIn, responses((status = 201, description = "`{granted: true}` (or 200 with `false` when already held)"), (status = 422, description = "`unit_required`, `unit_not_allowed`, `unknown_person`, `unknown_unit`, `invalid_role`", body = crate::api::schema::ErrorBody)))]
pub async fn roles_grant(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<RoleIn>,
) -> AppResult<Response> {
    let granted = roles::grant(
        &state.db,
        &user.actor(),
        &input.change()?,
        state.clock.today(),
    )
    .await?;
    state.reference_changed().await?;
    let status = if granted {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(json!({ "granted": granted }))).into_response())
}

/// `POST /api/v1/admin/roles/revoke`: revokes a role.
#[utoipa::path(post, path = "/api/v1/admin/roles/revoke", tag = "admin", security(("bearer" = [])), request_body = crate::api::schema::RoleIn, responses((status = 200, description = "`{revoked}`"), (status = 409, description = "`last_admin`", body = crate::api::schema::ErrorBody), (status = 422, description = "`unknown_person`, `invalid_role`", body = crate::api::schema::ErrorBody)))]
pub async fn roles_revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<RoleIn>,
) -> AppResult<Json<Value>> {
    let revoked = roles::revoke(
        &state.db,
        &user.actor(),
        &input.change()?,
        state.clock.today(),
    )
    .await?;
    state.reference_changed().await?;
    Ok(Json(json!({ "revoked": revoked })))
}
