//! The home page: for now a signed-in landing with links; the phone form replaces it.

use askama::Template;
use axum::response::Response;

use super::{Lang, render};
use crate::auth::CurrentUser;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    lang: Lang,
    user: &'a CurrentUser,
    csrf: &'a str,
}

/// The signed-in home page.
pub async fn show(lang: Lang, user: CurrentUser) -> Response {
    render(&HomePage {
        lang,
        csrf: user.csrf_token().unwrap_or_default(),
        user: &user,
    })
}
