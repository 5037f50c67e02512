//! `/me/tokens`: a person creates and revokes their own API tokens.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use entity::api_token;
use serde::Deserialize;

use super::{Lang, PageForm, PageResult, render};
use crate::auth::CurrentUser;
use crate::service::tokens::{create_own, revoke_own};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage<'a> {
    lang: Lang,
    csrf: &'a str,
    tokens: Vec<api_token::Model>,
    created: Option<String>,
}

async fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    created: Option<String>,
) -> PageResult<Response> {
    let tokens = crate::db::tokens::of_person(&state.db, user.person.id).await?;
    Ok(render(&TokensPage {
        lang,
        csrf: user.csrf_token().unwrap_or_default(),
        tokens,
        created,
    }))
}

/// Lists the person's tokens.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> PageResult<Response> {
    page(&state, lang, &user, None).await
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    /// A name to recognise it by.
    pub name: String,
    /// `on` when the token may only read.
    pub read_only: Option<String>,
}

/// Creates a token and shows it once.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<NewTokenForm>,
) -> PageResult<Response> {
    let (_, secret) = create_own(&state, &user, &form.name, form.read_only.is_some()).await?;
    page(&state, lang, &user, Some(secret)).await
}

/// Revokes one of the person's tokens.
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> PageResult<Redirect> {
    revoke_own(&state, &user, id).await?;
    Ok(Redirect::to("/me/tokens"))
}
