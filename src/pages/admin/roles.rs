//! `/admin/roles`: who holds which role (and for unit heads, which unit), filtered by role;
//! grant and revoke. Admins only; the last active admin cannot be revoked. A change takes effect
//! on the person's next request (sessions read grants each time; cached API tokens are dropped).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::{UnitOption, is_for_the_form, unit_options, with_status};
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::domain::roster::Role;
use crate::error::AppError;
use crate::pages::{Lang, PageForm, PageResult, render};
use crate::service::roles::{self as service, RoleChange};
use crate::state::AppState;

const NEED: Need = Need::AnyRole(&[Role::Admin]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    routes
        .add(Method::GET, "/admin/roles", NEED, index)
        .add(Method::POST, "/admin/roles", NEED, grant)
        .add(Method::POST, "/admin/roles/{id}/revoke", NEED, revoke)
}

/// The filter.
#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    role: String,
    #[serde(default)]
    ok: String,
}

struct HolderLine {
    grant_id: i64,
    staff_code: String,
    full_name: String,
    role: &'static str,
    unit: String,
    active: bool,
}

struct RoleOption {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
struct RolesPage<'a> {
    lang: Lang,
    csrf: &'a str,
    role: String,
    roles: Vec<RoleOption>,
    holders: Vec<HolderLine>,
    units: Vec<UnitOption>,
    form: GrantForm,
    notice: Option<String>,
    error: Option<String>,
}

/// The grant form.
#[derive(Debug, Default, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    staff_code: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

fn notice_text(lang: Lang, done: &str) -> Option<String> {
    let text = match done {
        "granted" => lang.s(
            "Đã cấp vai trò. Có hiệu lực từ lần truy cập tiếp theo của người đó.",
            "Role granted. It applies from the person's next request.",
        ),
        "held" => lang.s(
            "Người này đã có vai trò đó.",
            "The person already holds that role.",
        ),
        "revoked" => lang.s("Đã thu hồi vai trò.", "Role revoked."),
        _ => return None,
    };
    Some(text.to_owned())
}

async fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    role: String,
    form: GrantForm,
    notice: Option<String>,
    error: Option<&AppError>,
) -> PageResult<Response> {
    let filter = role.parse::<Role>().ok();
    let holders = service::holders(&state.db, filter)
        .await?
        .into_iter()
        .map(|h| HolderLine {
            grant_id: h.grant_id,
            staff_code: h.staff_code,
            full_name: h.full_name,
            role: h.role.label_vi(),
            unit: match (h.unit_name, h.unit_code) {
                (Some(name), Some(code)) => format!("{name} ({code})"),
                _ => String::new(),
            },
            active: h.active,
        })
        .collect();
    let tree = crate::service::units::tree(&state.db, state.clock.today()).await?;
    Ok(with_status(
        render(&RolesPage {
            lang,
            csrf: user.csrf_token().unwrap_or_default(),
            role: filter.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            roles: Role::ALL
                .iter()
                .map(|r| RoleOption {
                    code: r.as_str(),
                    label: r.label_vi(),
                })
                .collect(),
            holders,
            units: unit_options(&tree),
            form,
            notice,
            error: error.map(AppError::message),
        }),
        error,
    ))
}

/// Who holds what.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(filter): Query<Filter>,
) -> PageResult<Response> {
    let notice = notice_text(lang, &filter.ok);
    page(
        &state,
        lang,
        &user,
        filter.role,
        GrantForm::default(),
        notice,
        None,
    )
    .await
}

/// Grants a role.
pub async fn grant(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<GrantForm>,
) -> PageResult<Response> {
    let outcome = match form.role.parse::<Role>() {
        Ok(role) => {
            let change = RoleChange {
                staff_code: form.staff_code.clone(),
                role,
                unit_code: Some(form.unit.clone()),
            };
            service::grant(&state.db, &user.actor(), &change, state.clock.today()).await
        }
        Err(message) => Err(AppError::invalid("invalid_role", message)),
    };
    match outcome {
        Ok(new) => {
            state.reference_changed().await?;
            let done = if new { "granted" } else { "held" };
            Ok(Redirect::to(&format!("/admin/roles?ok={done}")).into_response())
        }
        Err(err) if is_for_the_form(&err) => {
            page(&state, lang, &user, String::new(), form, None, Some(&err)).await
        }
        Err(err) => Err(err.into()),
    }
}

/// Revokes one grant.
pub async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let change = service::change_for_grant(&state.db, id).await?;
    match service::revoke(&state.db, &user.actor(), &change, state.clock.today()).await {
        Ok(_) => {
            state.reference_changed().await?;
            Ok(Redirect::to("/admin/roles?ok=revoked").into_response())
        }
        Err(err) if is_for_the_form(&err) => {
            page(
                &state,
                lang,
                &user,
                String::new(),
                GrantForm::default(),
                None,
                Some(&err),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}
