//! What the admin pages share: reading an uploaded CSV/XLSX file (bounded in
//! size; its `_csrf` field is checked by the guard), the upload kept as a draft between preview
//! and confirmation, the unit picker, the previewed imports of units and roster (upload,
//! preview, confirm), and turning a refused change into a message on the page.

use std::collections::HashMap;
use std::future::Future;

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::guard::{MAX_MULTIPART_BODY, MAX_UPLOAD_BYTES, upload_too_large as too_large};
use crate::db;
use crate::db::audit::Actor;
use crate::error::AppError;
use crate::import::plan::{Outcome, Plan};
use crate::import::table::Column;
use crate::pages::{Lang, PageForm, PageResult, render};
use crate::service::units::UnitNode;
use crate::state::AppState;

/// The body limit of the upload routes: the file plus the form's other fields.
pub fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_MULTIPART_BODY)
}

/// An uploaded file, with the form's other fields.
pub struct Upload {
    /// Its name as the browser sent it (for the audit log).
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The form's other fields, by name.
    pub fields: HashMap<String, String>,
}

/// An uploaded text file (CSV), with the form's other fields.
pub struct TextUpload {
    /// Its name as the browser sent it.
    pub file_name: String,
    /// Its text.
    pub text: String,
    /// The form's other fields, by name.
    pub fields: HashMap<String, String>,
}

impl Upload {
    /// The file as UTF-8 text (CSV imports), or a message saying how to save it so.
    pub fn into_text(self) -> Result<TextUpload, AppError> {
        let text = String::from_utf8(self.bytes).map_err(|_| {
            AppError::invalid(
                "invalid_encoding",
                "Tệp không phải văn bản UTF-8. Trong Excel hãy lưu bằng “CSV UTF-8 (Comma delimited)”.",
            )
        })?;
        Ok(TextUpload {
            file_name: self.file_name,
            text,
            fields: self.fields,
        })
    }
}

fn unreadable() -> AppError {
    AppError::bad_request(
        "invalid_upload",
        "Không đọc được tệp gửi lên. Hãy chọn lại tệp và gửi lại.",
    )
}

fn map_multipart_error(status: StatusCode) -> AppError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        unreadable()
    }
}

/// Reads a multipart form: its `file` field and, as text, its other fields.
pub async fn read_upload(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Upload, AppError> {
    let mut multipart = multipart.map_err(|_| {
        AppError::bad_request(
            "unsupported_media_type",
            "Biểu mẫu tải tệp phải gửi dạng multipart/form-data.",
        )
    })?;
    let mut file = None;
    let mut fields = HashMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Err(map_multipart_error(err.status())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            let value = field
                .text()
                .await
                .map_err(|err| map_multipart_error(err.status()))?;
            fields.insert(name, value);
            continue;
        }
        let file_name: String = field
            .file_name()
            .unwrap_or("upload")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let bytes = field
            .bytes()
            .await
            .map_err(|err| map_multipart_error(err.status()))?;
        file = Some((file_name, bytes.to_vec()));
    }
    let (file_name, bytes) = file.filter(|(_, bytes)| !bytes.is_empty()).ok_or_else(|| {
        AppError::invalid("missing_file", "Hãy chọn một tệp CSV hoặc XLSX để nhập.")
    })?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(too_large());
    }
    Ok(Upload {
        file_name,
        bytes,
        fields,
    })
}

/// A unit in a picker.
pub struct UnitOption {
    /// Its code.
    pub code: String,
    /// Its name, indented by depth.
    pub label: String,
}

/// Active units as picker options, in tree order.
pub fn unit_options(tree: &[UnitNode]) -> Vec<UnitOption> {
    tree.iter()
        .filter(|n| n.unit.active)
        .map(|n| UnitOption {
            code: n.unit.code.clone(),
            label: format!(
                "{}{} ({})",
                "\u{2003}".repeat(n.depth.min(8)),
                n.unit.name,
                n.unit.code
            ),
        })
        .collect()
}

/// A row of an import preview.
pub struct PreviewRow {
    /// Line or row number in the file.
    pub line: u64,
    /// Staff or unit code.
    pub key: String,
    /// Name and other facts.
    pub summary: String,
    /// CSS class: created, updated, unchanged, refused.
    pub class: &'static str,
    /// The outcome's label.
    pub label: &'static str,
    /// What changes, or why refused.
    pub details: Vec<String>,
}

/// The preview rows of a plan.
pub fn preview_rows<R>(plan: &Plan<R>, lang: Lang) -> Vec<PreviewRow> {
    plan.rows
        .iter()
        .map(|row| {
            let (class, label, details) = match &row.outcome {
                Outcome::Create => ("created", lang.s("Thêm mới", "New"), Vec::new()),
                Outcome::Update { changes } => (
                    "updated",
                    lang.s("Cập nhật", "Update"),
                    changes
                        .iter()
                        .map(|c| {
                            let empty = lang.s("(trống)", "(empty)");
                            let before = if c.before.is_empty() {
                                empty
                            } else {
                                &c.before
                            };
                            let after = if c.after.is_empty() { empty } else { &c.after };
                            format!("{}: {before} → {after}", c.field)
                        })
                        .collect(),
                ),
                Outcome::Unchanged => ("unchanged", lang.s("Không đổi", "Unchanged"), Vec::new()),
                Outcome::Refused { reason } => (
                    "refused",
                    lang.s("Bị từ chối", "Refused"),
                    vec![reason.clone()],
                ),
            };
            PreviewRow {
                line: row.line,
                key: row.key.clone(),
                summary: row.summary.clone(),
                class,
                label,
                details,
            }
        })
        .collect()
}

/// The preview page of an import (units or roster).
#[derive(Template)]
#[template(path = "admin/import_preview.html")]
pub struct PreviewPage<'a> {
    /// Language.
    pub lang: Lang,
    /// Page title.
    pub title: &'a str,
    /// Where the section is (`/admin/people`).
    pub back: &'a str,
    /// Where the confirmation goes.
    pub confirm_action: &'a str,
    /// Where a new upload goes.
    pub upload_action: &'a str,
    /// The CSRF token.
    pub csrf: &'a str,
    /// The uploaded file's name.
    pub file_name: &'a str,
    /// The draft's token.
    pub token: &'a str,
    /// The plan's digest.
    pub digest: String,
    /// Whether the plan may be applied.
    pub can_apply: bool,
    /// Counts.
    pub created: usize,
    /// Counts.
    pub updated: usize,
    /// Counts.
    pub unchanged: usize,
    /// Counts.
    pub refused: usize,
    /// The rows.
    pub rows: Vec<PreviewRow>,
    /// A message above the preview (the data changed since the last preview).
    pub error: Option<String>,
}

/// Renders a page with the status of the error that brought it back.
pub fn with_status(mut response: Response, err: Option<&AppError>) -> Response {
    if let Some(err) = err {
        *response.status_mut() = err.status();
    }
    response
}

/// Renders a page that shows `err`, with the error's status.
pub fn render_with_error(page: &impl Template, err: &AppError) -> Response {
    with_status(render(page), Some(err))
}

/// Renders the preview page.
pub fn render_preview(page: &PreviewPage<'_>, err: Option<&AppError>) -> Response {
    with_status(render(page), err)
}

/// Whether an error is the user's to fix (shown on the form) rather than a failure.
pub fn is_for_the_form(err: &AppError) -> bool {
    matches!(
        err,
        AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::BadRequest { .. }
    )
}

/// The fields of an import's confirmation form.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub(crate) token: String,
    #[serde(default)]
    pub(crate) digest: String,
}

/// Keeps an upload of `kind` for its uploader until it is confirmed; returns the token for the
/// confirmation form.
pub(crate) async fn save_draft(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> Result<String, AppError> {
    Ok(db::import_drafts::save(&state.db, kind, user.person.id, file_name, content).await?)
}

/// The upload behind a confirmation, or a request to upload again.
pub(crate) async fn load_draft(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    token: &str,
) -> Result<db::import_drafts::Draft, AppError> {
    db::import_drafts::load(&state.db, token, kind, user.person.id)
        .await?
        .ok_or_else(draft_expired)
}

/// The text upload (CSV) behind a confirmation as (file name, text), or a request to upload
/// again.
pub(crate) async fn load_text_draft(
    state: &AppState,
    user: &CurrentUser,
    kind: &str,
    token: &str,
) -> Result<(String, String), AppError> {
    let draft = load_draft(state, user, kind, token).await?;
    let text = String::from_utf8(draft.content).map_err(|_| draft_expired())?;
    Ok((draft.file_name, text))
}

fn draft_expired() -> AppError {
    AppError::invalid(
        "draft_expired",
        "Tệp đã xem trước không còn (quá một giờ hoặc đã nhập). Hãy tải tệp lên và xem trước lại.",
    )
}

/// A column as the upload page explains it.
struct ColumnHelp {
    name: &'static str,
    vietnamese: &'static str,
    required: bool,
}

/// The upload form of an import, its columns explained.
#[derive(Template)]
#[template(path = "admin/import_upload.html")]
struct UploadPage<'a> {
    lang: Lang,
    csrf: &'a str,
    heading: &'a str,
    section: &'a str,
    back: &'a str,
    upload_action: &'a str,
    columns: Vec<ColumnHelp>,
    notes: &'a str,
    error: Option<String>,
}

/// An import previewed row by row before it is applied (units, roster): what differs between
/// sections. The handlers [`import_form`], [`import_preview`] and [`import_confirm`] do the
/// rest.
pub trait PreviewedImport {
    /// A row of the plan.
    type Row;
    /// Draft kind of an upload.
    const DRAFT_KIND: &'static str;
    /// The section's page (`/admin/units`).
    const BACK: &'static str;
    /// Where uploads go (the upload form's page too).
    const UPLOAD_ACTION: &'static str;
    /// Where the confirmation goes.
    const CONFIRM_ACTION: &'static str;
    /// Where an applied import leads.
    const DONE: &'static str;

    /// The columns the file may have.
    const COLUMNS: &'static [Column];

    /// The preview page's title.
    fn title(lang: Lang) -> &'static str;

    /// The upload page's heading.
    fn heading(lang: Lang) -> &'static str;

    /// The section the import belongs to (the crumb back to [`Self::BACK`]).
    fn section(lang: Lang) -> &'static str;

    /// What the columns may hold, beyond their names (values, date forms).
    fn notes(lang: Lang) -> &'static str;

    /// The upload form, with the error that brought it back.
    fn upload_page(lang: Lang, user: &CurrentUser, error: Option<&AppError>) -> Response {
        let columns = Self::COLUMNS
            .iter()
            .map(|c| ColumnHelp {
                name: c.name,
                vietnamese: c.aliases.first().copied().unwrap_or(c.name),
                required: c.required,
            })
            .collect();
        with_status(
            render(&UploadPage {
                lang,
                csrf: user.csrf_token().unwrap_or_default(),
                heading: Self::heading(lang),
                section: Self::section(lang),
                back: Self::BACK,
                upload_action: Self::UPLOAD_ACTION,
                columns,
                notes: Self::notes(lang),
                error: error.map(AppError::message),
            }),
            error,
        )
    }

    /// What importing the file would do (nothing is written).
    fn plan(
        state: &AppState,
        bytes: &[u8],
    ) -> impl Future<Output = Result<Plan<Self::Row>, AppError>> + Send;

    /// Imports the file if its plan is still the one previewed (`digest`).
    fn apply(
        state: &AppState,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
        digest: &str,
    ) -> impl Future<Output = Result<(), AppError>> + Send;
}

async fn import_preview_page<I: PreviewedImport>(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    token: &str,
    file_name: &str,
    bytes: &[u8],
    error: Option<&AppError>,
) -> PageResult<Response> {
    let plan = I::plan(state, bytes).await?;
    let counts = plan.counts();
    Ok(render_preview(
        &PreviewPage {
            lang,
            title: I::title(lang),
            back: I::BACK,
            confirm_action: I::CONFIRM_ACTION,
            upload_action: I::UPLOAD_ACTION,
            csrf: user.csrf_token().unwrap_or_default(),
            file_name,
            token,
            digest: plan.digest(),
            can_apply: plan.can_apply(),
            created: counts.created,
            updated: counts.updated,
            unchanged: counts.unchanged,
            refused: counts.refused,
            rows: preview_rows(&plan, lang),
            error: error.map(AppError::message),
        },
        error,
    ))
}

/// The upload form.
pub async fn import_form<I: PreviewedImport>(lang: Lang, user: CurrentUser) -> Response {
    I::upload_page(lang, &user, None)
}

/// Keeps the upload as a draft and shows what it would do.
pub async fn import_preview<I: PreviewedImport>(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(err) if is_for_the_form(&err) => return Ok(I::upload_page(lang, &user, Some(&err))),
        Err(err) => return Err(err.into()),
    };
    let token = save_draft(
        &state,
        &user,
        I::DRAFT_KIND,
        &upload.file_name,
        &upload.bytes,
    )
    .await?;
    import_preview_page::<I>(
        &state,
        lang,
        &user,
        &token,
        &upload.file_name,
        &upload.bytes,
        None,
    )
    .await
}

/// Applies the previewed plan, or shows the preview again if the data changed since.
pub async fn import_confirm<I: PreviewedImport>(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    let draft = match load_draft(&state, &user, I::DRAFT_KIND, &form.token).await {
        Ok(draft) => draft,
        Err(err) if is_for_the_form(&err) => return Ok(I::upload_page(lang, &user, Some(&err))),
        Err(err) => return Err(err.into()),
    };
    match I::apply(
        &state,
        &user.actor(),
        &draft.file_name,
        &draft.content,
        &form.digest,
    )
    .await
    {
        Ok(()) => {
            db::import_drafts::discard(&state.db, &form.token).await?;
            // People who left or moved, units renamed: cached callers must not outlive it.
            state.reference_changed().await?;
            Ok(Redirect::to(I::DONE).into_response())
        }
        Err(err) if is_for_the_form(&err) => {
            import_preview_page::<I>(
                &state,
                lang,
                &user,
                &form.token,
                &draft.file_name,
                &draft.content,
                Some(&err),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}
