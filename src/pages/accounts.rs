//! `/me/accounts`: a person declares, edits and removes their own social accounts (pre-filled
//! from the phone form's "not declared" hint).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use serde::Deserialize;

use super::{Lang, PageForm, PageResult, render};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::service::accounts::{AccountInput, AccountView, declare, edit, list_own, remove};
use crate::state::AppState;
use crate::verify::AccountPlatform;

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage<'a> {
    lang: Lang,
    tab: &'static str,
    csrf: &'a str,
    accounts: Vec<AccountView>,
    platforms: Vec<(&'static str, &'static str)>,
    values: AccountForm,
    problem: Option<String>,
    saved: bool,
}

/// What the form holds (also the query that pre-fills it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountForm {
    /// Platform code.
    #[serde(default)]
    pub platform: String,
    /// Address or handle.
    #[serde(default)]
    pub address: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// `1` after a change was saved.
    #[serde(default)]
    pub saved: Option<String>,
}

impl AccountForm {
    fn input(&self) -> AccountInput {
        AccountInput {
            platform: self.platform.clone(),
            address: self.address.clone(),
            display_name: Some(self.display_name.clone()),
        }
    }
}

fn platforms(lang: Lang) -> Vec<(&'static str, &'static str)> {
    AccountPlatform::ALL
        .iter()
        .map(|p| {
            let label = match (p, lang) {
                (AccountPlatform::Other, Lang::En) => "Other",
                _ => p.label(),
            };
            (p.as_str(), label)
        })
        .collect()
}

async fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    values: AccountForm,
    problem: Option<String>,
) -> PageResult<Response> {
    let accounts = list_own(&state.db, user.person.id).await?;
    let saved = values.saved.is_some();
    Ok(render(&AccountsPage {
        lang,
        tab: "data",
        csrf: user.csrf_token().unwrap_or_default(),
        accounts,
        platforms: platforms(lang),
        values,
        problem,
        saved,
    }))
}

/// A refusal the person can fix is shown on the form; anything else is an error page.
fn fixable(err: AppError) -> Result<String, AppError> {
    match err {
        AppError::Invalid { message, .. } | AppError::Conflict { message, .. } => Ok(message),
        other => Err(other),
    }
}

/// The person's accounts and the declare form (pre-filled from the query).
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(values): Query<AccountForm>,
) -> PageResult<Response> {
    page(&state, lang, &user, values, None).await
}

/// Declares an account.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<AccountForm>,
) -> PageResult<Response> {
    match declare(&state, &user, &form.input()).await {
        Ok(_) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            "/me/accounts?saved=1",
        ))),
        Err(err) => {
            let message = fixable(err)?;
            page(&state, lang, &user, form, Some(message)).await
        }
    }
}

/// Changes an account.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<AccountForm>,
) -> PageResult<Response> {
    match edit(&state, &user, id, &form.input()).await {
        Ok(_) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            "/me/accounts?saved=1",
        ))),
        Err(err) => {
            let message = fixable(err)?;
            page(&state, lang, &user, AccountForm::default(), Some(message)).await
        }
    }
}

/// Removes an account.
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> PageResult<Redirect> {
    remove(&state, &user, id).await?;
    Ok(Redirect::to("/me/accounts?saved=1"))
}
