//! `/admin/shares/import`: the web counterpart of `lantoa import-shares`. Upload a CSV, see
//! every row's outcome (would be stored / already present / refused and why), then confirm;
//! all or nothing, or skipping the refused rows. Also the draft helper the allowlist import
//! uses: the upload is kept as a draft between preview and confirmation, and the confirmation
//! carries a digest of the previewed plan.

use askama::Template;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::handler::Handler as _;
use axum::http::Method;
use axum::response::Response;

use super::forms::{
    Upload, load_text_draft, read_upload, render_with_error, save_draft, upload_limit,
};
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::db;
use crate::domain::roster::Role;
use crate::error::AppError;
use crate::pages::{Lang, PageForm, PageResult, render};
use crate::service::share_import::{Options, RowOutcome, SharesPlan, import};
use crate::state::AppState;

const ADMIN: Need = Need::AnyRole(&[Role::Admin]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    routes
        .add(Method::GET, "/admin/shares/import", ADMIN, show)
        .add(
            Method::POST,
            "/admin/shares/import",
            ADMIN,
            preview.layer(upload_limit()),
        )
        .add(Method::POST, "/admin/shares/import/confirm", ADMIN, confirm)
}

/// Draft kind of a shares upload.
const DRAFT_KIND: &str = "shares";

/// One row as shown.
struct RowView {
    line: u64,
    staff_code: String,
    source_url: String,
    platform: String,
    shared_on: String,
    class: &'static str,
    outcome: String,
}

fn rows_view(plan: &SharesPlan, lang: Lang) -> Vec<RowView> {
    plan.rows
        .iter()
        .map(|row| {
            let (class, outcome) = match &row.outcome {
                RowOutcome::Stored => ("ok", lang.s("Sẽ lưu", "Will be stored").to_owned()),
                RowOutcome::AlreadyPresent => (
                    "same",
                    lang.s("Đã có sẵn, bỏ qua", "Already stored").to_owned(),
                ),
                RowOutcome::Refused(why) => {
                    ("bad", format!("{} {why}", lang.s("Từ chối:", "Refused:")))
                }
            };
            RowView {
                line: row.line,
                staff_code: row.staff_code.clone(),
                source_url: row.source_url.clone(),
                platform: row.platform.clone(),
                shared_on: row
                    .shared_on
                    .map(crate::domain::time::format_vi)
                    .unwrap_or_default(),
                class,
                outcome,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/share_import.html")]
struct ImportPage {
    lang: Lang,
    csrf: String,
    error: Option<String>,
    done: Option<String>,
    preview: Option<PreviewView>,
}

struct PreviewView {
    file_name: String,
    token: String,
    digest: String,
    skip_invalid: bool,
    stored: usize,
    already: usize,
    refused: usize,
    rows: Vec<RowView>,
}

fn page(lang: Lang, user: &CurrentUser) -> ImportPage {
    ImportPage {
        lang,
        csrf: user.csrf_token().unwrap_or_default().to_owned(),
        error: None,
        done: None,
        preview: None,
    }
}

/// The upload form.
pub async fn show(lang: Lang, user: CurrentUser) -> Response {
    render(&page(lang, &user))
}

/// Uploads a file and shows what importing it would do (nothing is stored).
pub async fn preview(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let mut view = page(lang, &user);
    let upload = match read_upload(multipart).await.and_then(Upload::into_text) {
        Ok(upload) => upload,
        Err(err @ (AppError::Invalid { .. } | AppError::BadRequest { .. })) => {
            view.error = Some(err.message());
            return Ok(render_with_error(&view, &err));
        }
        Err(err) => return Err(err.into()),
    };
    let skip_invalid = upload.fields.contains_key("skip_invalid");
    let allowlist = state.allowlist();
    let plan = import(
        &state.db,
        &user.actor(),
        &allowlist,
        &upload.text,
        Options {
            skip_invalid,
            dry_run: true,
            expected_digest: None,
            source: &upload.file_name,
            now: state.clock.now(),
        },
    )
    .await?;
    let token = save_draft(
        &state,
        &user,
        DRAFT_KIND,
        &upload.file_name,
        upload.text.as_bytes(),
    )
    .await?;
    let (stored, already, refused) = plan.counts();
    view.preview = Some(PreviewView {
        file_name: upload.file_name,
        token,
        digest: plan.digest(),
        skip_invalid,
        stored,
        already,
        refused,
        rows: rows_view(&plan, lang),
    });
    Ok(render(&view))
}

/// The confirmation form's fields.
#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    token: String,
    digest: String,
    #[serde(default)]
    skip_invalid: Option<String>,
}

/// Imports the previewed upload, if its plan is still the one previewed.
pub async fn confirm(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    let mut view = page(lang, &user);
    let outcome = async {
        let (file_name, text) = load_text_draft(&state, &user, DRAFT_KIND, &form.token).await?;
        let allowlist = state.allowlist();
        let plan = import(
            &state.db,
            &user.actor(),
            &allowlist,
            &text,
            Options {
                skip_invalid: form.skip_invalid.is_some(),
                dry_run: false,
                expected_digest: Some(&form.digest),
                source: &file_name,
                now: state.clock.now(),
            },
        )
        .await?;
        db::import_drafts::discard(&state.db, &form.token).await?;
        Ok::<_, AppError>((file_name, plan))
    }
    .await;
    match outcome {
        Ok((file_name, plan)) => {
            let (stored, already, refused) = plan.counts();
            view.done = Some(format!(
                "{} {file_name}: {stored} {}, {already} {}, {refused} {}.",
                lang.s("Đã nhập", "Imported"),
                lang.s("lượt mới", "new"),
                lang.s("đã có sẵn", "already stored"),
                lang.s("dòng bỏ qua", "rows skipped"),
            ));
            Ok(render(&view))
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            view.error = Some(err.message());
            Ok(render_with_error(&view, &err))
        }
        Err(err) => Err(err.into()),
    }
}
