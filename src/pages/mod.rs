//! Server-rendered pages (askama templates in `web/templates`): Vietnamese first, English on
//! request. Each handler sits beside its template struct; errors render through `error_page`.

pub mod accounts;
pub mod admin;
pub mod auth;
pub mod dashboard;
pub mod exports;
pub mod history;
pub mod home;
pub mod language;
pub mod mydata;
pub mod person;
pub mod policy;
pub mod progress;
pub mod several;
pub mod static_files;
pub mod tokens;

use axum::http::Method;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::auth::guard::{Need, Routes};
pub use crate::domain::lang::Lang;
use crate::domain::roster::Role;
use crate::error::AppError;
pub use crate::error::page::{error_page, render};

/// Every page route, with its need.
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    let routes = routes
        .add(M::GET, "/", Need::SignedIn, home::show)
        .add(M::GET, "/static/{file}", Need::Public, static_files::serve)
        .add(M::GET, "/auth/login", Need::Public, auth::login)
        .add(M::GET, "/auth/callback", Need::Public, auth::callback)
        .add(M::POST, "/auth/logout", Need::SignedIn, auth::logout)
        .add(M::GET, "/auth/signed-out", Need::Public, auth::signed_out)
        .add(M::GET, "/auth/demo", Need::Public, auth::demo_page)
        .add(M::POST, "/auth/demo", Need::Public, auth::demo_signin)
        .add(M::GET, "/me/tokens", Need::SignedIn, tokens::list)
        .add(M::POST, "/me/tokens", Need::SignedIn, tokens::create)
        .add(
            M::POST,
            "/me/tokens/{id}/revoke",
            Need::SignedIn,
            tokens::revoke,
        )
        .add(M::POST, "/shares/new", Need::SignedIn, home::create)
        .add(M::GET, "/share-target", Need::SignedIn, home::share_target)
        .add(M::GET, "/shares/several", Need::SignedIn, several::show)
        .add(M::POST, "/shares/several", Need::SignedIn, several::submit)
        .add(M::GET, "/me/history", Need::SignedIn, history::show)
        .add(M::GET, "/me/progress", Need::SignedIn, progress::show)
        .add(M::GET, "/me/accounts", Need::SignedIn, accounts::show)
        .add(M::POST, "/me/accounts", Need::SignedIn, accounts::create)
        .add(
            M::POST,
            "/me/accounts/{id}",
            Need::SignedIn,
            accounts::update,
        )
        .add(
            M::POST,
            "/me/accounts/{id}/delete",
            Need::SignedIn,
            accounts::delete,
        )
        .add(M::GET, "/me/data", Need::SignedIn, mydata::show)
        .add(M::GET, "/me/data.json", Need::SignedIn, mydata::json)
        .add(M::GET, "/me/data.csv", Need::SignedIn, mydata::csv)
        .add(M::GET, "/lang/{code}", Need::Public, language::switch)
        .add(
            M::GET,
            "/manifest.webmanifest",
            Need::Public,
            static_files::manifest,
        )
        .add(M::GET, "/sw.js", Need::Public, static_files::service_worker)
        // Unit heads: their subtree, checked inside; Culture: reports only.
        .add(
            M::GET,
            "/exports",
            Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs, Role::Culture]),
            exports::index,
        )
        .add(
            M::GET,
            "/reports/annual",
            Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs, Role::Culture]),
            exports::annual,
        )
        .add(
            M::GET,
            "/reports/commendations",
            Need::AnyRole(&[Role::HomeAffairs]),
            exports::commendations,
        )
        // Unit heads see their subtree, Home Affairs and admins any unit: checked inside.
        .add(
            M::GET,
            "/units",
            Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]),
            dashboard::index,
        )
        .add(
            M::GET,
            "/units/{code}",
            Need::AnyRole(&[Role::UnitHead, Role::HomeAffairs]),
            dashboard::show,
        )
        .add(M::GET, "/people/{staff_code}", Need::SignedIn, person::show)
        .add(
            M::POST,
            "/people/{staff_code}/review",
            Need::AnyRole(&[Role::UnitHead]),
            person::review,
        )
        .add(
            M::GET,
            "/policies/{year}",
            Need::AnyRole(&[Role::HomeAffairs]),
            policy::show,
        )
        .add(
            M::POST,
            "/policies/{year}",
            Need::AnyRole(&[Role::HomeAffairs]),
            policy::submit,
        );
    admin::routes(routes)
}

/// A link to a page a role works in, shown on the home page.
pub struct WorkLink {
    /// Where it is.
    pub href: String,
    /// What it is called.
    pub label: &'static str,
}

/// The pages the caller's roles open, so nobody has to know an address by heart.
pub fn work_links(user: &crate::auth::CurrentUser, lang: Lang) -> Vec<WorkLink> {
    let admin = user.has_role(Role::Admin);
    let head = user.has_role(Role::UnitHead);
    let home_affairs = admin || user.has_role(Role::HomeAffairs);
    let culture = user.has_role(Role::Culture);
    let year = chrono::Datelike::year(&crate::domain::time::today());
    let mut links = Vec::new();
    if head || home_affairs {
        links.push(WorkLink {
            href: "/units".into(),
            label: lang.s("Theo dõi đơn vị", "Unit dashboard"),
        });
    }
    if head || home_affairs || culture {
        links.push(WorkLink {
            href: "/exports".into(),
            label: lang.s("Xuất số liệu và báo cáo", "Exports and reports"),
        });
    }
    if home_affairs {
        links.push(WorkLink {
            href: format!("/policies/{year}"),
            label: lang.s("Tiêu chí đánh giá", "Evaluation policy"),
        });
    }
    if home_affairs || culture {
        links.push(WorkLink {
            href: "/admin".into(),
            label: lang.s("Quản trị", "Administration"),
        });
    }
    links
}

/// An error on a page: rendered as an HTML page (the API renders the same `AppError` as JSON).
#[derive(Debug)]
pub struct PageError(pub AppError);

/// The result type of page handlers.
pub type PageResult<T> = Result<T, PageError>;

impl<E: Into<AppError>> From<E> for PageError {
    fn from(err: E) -> Self {
        Self(err.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match &self.0 {
            AppError::Database(err) => tracing::error!(error = %err, "database error"),
            AppError::Internal(err) => tracing::error!(error = %err, "internal error"),
            _ => {}
        }
        error_page(&self.0)
    }
}

/// A url-encoded form whose rejection is a page error (422), not axum's plain text.
pub struct PageForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for PageForm<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, PageError> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(value)| Self(value))
            .map_err(|_| {
                PageError(AppError::invalid(
                    "invalid_form",
                    "Biểu mẫu thiếu thông tin hoặc không hợp lệ. Vui lòng kiểm tra và gửi lại.",
                ))
            })
    }
}

/// A query string whose rejection is a page error (400), not axum's plain text.
pub struct PageQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for PageQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(|_| {
                PageError(AppError::bad_request(
                    "invalid_query",
                    "Địa chỉ trang có tham số không hợp lệ.",
                ))
            })
    }
}
