//! API tokens a person manages for themselves (web and API), audited.

use entity::api_token;
use serde_json::json;

use crate::auth::CurrentUser;
use crate::db;
use crate::db::audit::Event;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Creates a token for the caller; returns it and its secret (shown once).
pub async fn create_own(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    read_only: bool,
) -> AppResult<(api_token::Model, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_name",
            "Tên token phải có từ 1 đến 100 ký tự.",
        ));
    }
    let (token, secret) = db::tokens::create(&state.db, user.person.id, name, read_only).await?;
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "token.create",
            target_type: Some("api_token"),
            target_id: Some(token.id.to_string()),
            detail: Some(json!({"name": name, "read_only": read_only})),
        },
    )
    .await?;
    Ok((token, secret))
}

/// Revokes one of the caller's own tokens.
pub async fn revoke_own(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<()> {
    let owned = db::tokens::of_person(&state.db, user.person.id)
        .await?
        .into_iter()
        .any(|t| t.id == id && t.revoked_at.is_none());
    if !owned {
        return Err(AppError::NotFound("token"));
    }
    db::tokens::revoke(&state.db, id).await?;
    state.reference_changed().await?;
    db::audit::record(
        &state.db,
        &user.actor(),
        Event {
            action: "token.revoke",
            target_type: Some("api_token"),
            target_id: Some(id.to_string()),
            detail: None,
        },
    )
    .await?;
    Ok(())
}
