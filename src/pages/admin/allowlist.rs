//! `/admin/allowlist…`: Culture and admins keep the allowlist of sources in the browser — list
//! with search and filters, add, edit, disable and re-enable rules, test an address against the
//! rules now and as they would be after an edit, export and import CSV (previewed first).

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::handler::Handler as _;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::{
    Upload, load_text_draft, read_upload, render_with_error, save_draft, upload_limit,
};
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::db;
use crate::domain::names::fold_ascii;
use crate::domain::roster::Role;
use crate::error::AppError;
use crate::import::allowlist::{ImportPlan, RowAction};
use crate::pages::{Lang, PageForm, PageQuery, PageResult, render};
use crate::service::allowlist::{Edited, RuleInput, parse_rule, what_if};
use crate::state::AppState;
use crate::verify::{Allowlist, Category, RuleKind, is_public_suffix, rules_to_csv, verify_source};

const CULTURE: Need = Need::AnyRole(&[Role::Culture]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    routes
        .add(M::GET, "/admin/allowlist", CULTURE, list)
        .add(M::GET, "/admin/allowlist.csv", CULTURE, export)
        .add(M::GET, "/admin/allowlist/new", CULTURE, new_form)
        .add(M::POST, "/admin/allowlist/new", CULTURE, create)
        .add(
            M::POST,
            "/admin/allowlist/import",
            CULTURE,
            import_preview.layer(upload_limit()),
        )
        .add(
            M::POST,
            "/admin/allowlist/import/confirm",
            CULTURE,
            import_confirm,
        )
        .add(M::GET, "/admin/allowlist/{id}", CULTURE, edit_form)
        .add(M::POST, "/admin/allowlist/{id}", CULTURE, update)
        .add(M::POST, "/admin/allowlist/{id}/disable", CULTURE, disable)
        .add(M::POST, "/admin/allowlist/{id}/enable", CULTURE, enable)
}

/// Draft kind of an allowlist upload.
const DRAFT_KIND: &str = "allowlist";
/// Longest address accepted in the tester box (the verifier refuses longer ones anyway).
const MAX_TEST_URL: usize = 4096;

/// A verification result as shown.
pub struct VerdictView {
    accepted: bool,
    normalized: String,
    rule: String,
    reason_code: String,
    reason: String,
}

fn verdict(allowlist: &Allowlist, url: &str, lang: Lang) -> VerdictView {
    let v = verify_source(allowlist, url);
    VerdictView {
        accepted: v.is_accepted(),
        normalized: v.normalized.clone().unwrap_or_default(),
        rule: v
            .rule
            .map(|r| {
                format!(
                    "{}{} {} “{}” — {}",
                    r.id.map(|id| format!("#{id} ")).unwrap_or_else(|| {
                        lang.s("(quy tắc trong biểu mẫu) ", "(the rule in this form) ")
                            .to_owned()
                    }),
                    r.kind,
                    r.pattern,
                    r.label,
                    r.category.label_vi()
                )
            })
            .unwrap_or_default(),
        reason_code: v.reason.map(|r| r.code().to_owned()).unwrap_or_default(),
        reason: v
            .reason
            .map(|r| match lang {
                Lang::Vi => r.message_vi().to_owned(),
                Lang::En => r.message_en().to_owned(),
            })
            .unwrap_or_default(),
    }
}

/// One rule in the list.
struct RuleRow {
    id: i64,
    kind: String,
    pattern: String,
    category: String,
    label: String,
    active: bool,
    public_suffix: bool,
    updated: String,
}

#[derive(Template)]
#[template(path = "admin/allowlist.html")]
struct ListPage {
    lang: Lang,
    csrf: String,
    q: String,
    category: String,
    state: String,
    categories: Vec<(&'static str, &'static str)>,
    rows: Vec<RuleRow>,
    total: usize,
    test: String,
    tested: Option<VerdictView>,
    error: Option<String>,
    notice: Option<String>,
    preview: Option<ImportView>,
}

struct PlanRowView {
    line: u64,
    kind: String,
    pattern: String,
    category: String,
    label: String,
    class: &'static str,
    outcome: String,
}

struct ImportView {
    file_name: String,
    token: String,
    digest: String,
    confirmed: bool,
    created: usize,
    updated: usize,
    unchanged: usize,
    refused: usize,
    rows: Vec<PlanRowView>,
}

/// List filters and the tester's address.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    test: String,
    #[serde(default)]
    saved: String,
}

fn categories(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Category::ALL
        .iter()
        .map(|c| {
            (
                c.as_str(),
                match lang {
                    Lang::Vi => c.label_vi(),
                    Lang::En => c.label_en(),
                },
            )
        })
        .collect()
}

fn category_label(name: &str, lang: Lang) -> String {
    name.parse::<Category>().map_or_else(
        |_| name.to_owned(),
        |c| match lang {
            Lang::Vi => c.label_vi().to_owned(),
            Lang::En => c.label_en().to_owned(),
        },
    )
}

fn fold(text: &str) -> String {
    fold_ascii(text).to_lowercase()
}

async fn list_page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    query: &ListQuery,
) -> PageResult<ListPage> {
    let rows = db::allowlist::all_rows(&state.db).await?;
    let total = rows.len();
    let needle = fold(query.q.trim());
    let shown = rows
        .into_iter()
        .filter(|r| {
            needle.is_empty()
                || fold(&r.pattern).contains(&needle)
                || fold(&r.label).contains(&needle)
        })
        .filter(|r| query.category.is_empty() || r.category == query.category)
        .filter(|r| match query.state.as_str() {
            "active" => r.active,
            "disabled" => !r.active,
            _ => true,
        })
        .map(|r| RuleRow {
            id: r.id,
            public_suffix: r.kind == RuleKind::Suffix.as_str() && is_public_suffix(&r.pattern),
            kind: r.kind,
            pattern: r.pattern,
            category: category_label(&r.category, lang),
            label: r.label,
            active: r.active,
            updated: format!(
                "{} {}",
                crate::domain::time::format_vi(crate::domain::time::local_date(r.updated_at)),
                r.updated_by.unwrap_or_default()
            ),
        })
        .collect();
    let test = query
        .test
        .trim()
        .chars()
        .take(MAX_TEST_URL)
        .collect::<String>();
    let tested = (!test.is_empty()).then(|| verdict(&state.allowlist(), &test, lang));
    Ok(ListPage {
        lang,
        csrf: user.csrf_token().unwrap_or_default().to_owned(),
        q: query.q.clone(),
        category: query.category.clone(),
        state: query.state.clone(),
        categories: categories(lang),
        rows: shown,
        total,
        test,
        tested,
        error: None,
        notice: match query.saved.as_str() {
            "" => None,
            _ => Some(lang.s("Đã lưu thay đổi.", "Saved.").to_owned()),
        },
        preview: None,
    })
}

/// The rule list with filters and the tester.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageQuery(query): PageQuery<ListQuery>,
) -> PageResult<Response> {
    Ok(render(&list_page(&state, lang, &user, &query).await?))
}

/// The active rules as CSV, in the format `lantoa allowlist import` reads.
pub async fn export(State(state): State<AppState>, user: CurrentUser) -> PageResult<Response> {
    let csv = rules_to_csv(&db::allowlist::active_rules(&state.db).await?);
    db::audit::record(
        &state.db,
        &user.actor(),
        db::audit::Event {
            action: "allowlist.export",
            target_type: None,
            target_id: None,
            detail: None,
        },
    )
    .await?;
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"lantoa-allowlist.csv\""),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "admin/allowlist_form.html")]
struct FormPage {
    lang: Lang,
    csrf: String,
    id: Option<i64>,
    action_path: String,
    kinds: Vec<(&'static str, &'static str)>,
    categories: Vec<(&'static str, &'static str)>,
    input: RuleInput,
    confirmed: bool,
    shares: u64,
    test_url: String,
    before: Option<VerdictView>,
    after: Option<VerdictView>,
    error: Option<String>,
    needs_confirmation: bool,
}

fn form_page(lang: Lang, user: &CurrentUser, id: Option<i64>, input: RuleInput) -> FormPage {
    FormPage {
        lang,
        csrf: user.csrf_token().unwrap_or_default().to_owned(),
        id,
        action_path: id.map_or_else(
            || "/admin/allowlist/new".to_owned(),
            |id| format!("/admin/allowlist/{id}"),
        ),
        kinds: RuleKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_vi()))
            .collect(),
        categories: categories(lang),
        input,
        confirmed: false,
        shares: 0,
        test_url: String::new(),
        before: None,
        after: None,
        error: None,
        needs_confirmation: false,
    }
}

/// The form to add a rule.
pub async fn new_form(lang: Lang, user: CurrentUser) -> Response {
    render(&form_page(
        lang,
        &user,
        None,
        RuleInput {
            kind: "host".into(),
            category: "press".into(),
            ..RuleInput::default()
        },
    ))
}

async fn rule_row(state: &AppState, id: i64) -> PageResult<entity::allowlist_rule::Model> {
    use sea_orm::EntityTrait;
    Ok(entity::allowlist_rule::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("allowlist_rule"))?)
}

async fn shares_of(state: &AppState, id: i64) -> PageResult<u64> {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    Ok(entity::share::Entity::find()
        .filter(entity::share::Column::RuleId.eq(id))
        .count(&state.db)
        .await?)
}

/// The form to edit a rule.
pub async fn edit_form(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> PageResult<Response> {
    let row = rule_row(&state, id).await?;
    let mut page = form_page(
        lang,
        &user,
        Some(id),
        RuleInput {
            kind: row.kind,
            pattern: row.pattern,
            category: row.category,
            label: row.label,
        },
    );
    page.shares = shares_of(&state, id).await?;
    Ok(render(&page))
}

/// The fields of the add/edit form.
#[derive(Debug, Default)]
struct RuleForm {
    input: RuleInput,
    confirmed: bool,
    action: String,
    test_url: String,
}

fn read_form(body: &[u8]) -> RuleForm {
    let mut form = RuleForm::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        let value = value.into_owned();
        match key.as_ref() {
            "kind" => form.input.kind = value,
            "pattern" => form.input.pattern = value,
            "category" => form.input.category = value,
            "label" => form.input.label = value,
            "confirm_restricted_suffix" => form.confirmed = true,
            "action" => form.action = value,
            "test_url" => form.test_url = value.chars().take(MAX_TEST_URL).collect(),
            _ => {}
        }
    }
    form
}

async fn submit(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    id: Option<i64>,
    body: &[u8],
) -> PageResult<Response> {
    let form = read_form(body);
    let mut page = form_page(lang, user, id, form.input.clone());
    page.confirmed = form.confirmed;
    page.test_url = form.test_url.clone();
    if let Some(id) = id {
        rule_row(state, id).await?;
        page.shares = shares_of(state, id).await?;
    }
    let rule = parse_rule(&form.input);
    if let Ok(rule) = &rule {
        page.needs_confirmation = crate::verify::needs_restricted_suffix_confirmation(rule);
    }
    let outcome = if form.action == "test" {
        // Test before saving: nothing is written.
        match rule {
            Ok(rule) => {
                if !form.test_url.trim().is_empty() {
                    let current = state.allowlist();
                    page.before = Some(verdict(&current, &form.test_url, lang));
                    let after = what_if(current.rules(), id, &rule);
                    page.after = Some(verdict(&after, &form.test_url, lang));
                } else {
                    page.error = Some(
                        lang.s("Hãy nhập một địa chỉ để thử.", "Enter an address to test.")
                            .to_owned(),
                    );
                }
                return Ok(render(&page));
            }
            Err(err) => Err(err),
        }
    } else {
        let actor = user.actor();
        match id {
            None => {
                crate::service::allowlist::create(&state.db, &actor, &form.input, form.confirmed)
                    .await
                    .map(|_| ())
            }
            Some(id) => crate::service::allowlist::update(
                &state.db,
                &actor,
                id,
                &form.input,
                form.confirmed,
            )
            .await
            .map(|_: Edited| ()),
        }
    };
    match outcome {
        Ok(()) => {
            state.reference_changed().await?;
            Ok(Redirect::to("/admin/allowlist?saved=1").into_response())
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            page.error = Some(err.message());
            Ok(render_with_error(&page, &err))
        }
        Err(err) => Err(err.into()),
    }
}

/// Adds a rule, or tests it before saving.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    body: Bytes,
) -> PageResult<Response> {
    submit(&state, lang, &user, None, &body).await
}

/// Saves an edit, or tests it before saving.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult<Response> {
    submit(&state, lang, &user, Some(id), &body).await
}

async fn switch(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    id: i64,
    active: bool,
    body: &[u8],
) -> PageResult<Response> {
    let confirmed =
        url::form_urlencoded::parse(body).any(|(k, _)| k == "confirm_restricted_suffix");
    match crate::service::allowlist::set_active(&state.db, &user.actor(), id, active, confirmed)
        .await
    {
        Ok(()) => {
            state.reference_changed().await?;
            Ok(Redirect::to("/admin/allowlist?saved=1").into_response())
        }
        Err(err @ AppError::Invalid { .. }) => {
            let mut page = list_page(state, lang, user, &ListQuery::default()).await?;
            page.error = Some(err.message());
            Ok(render_with_error(&page, &err))
        }
        Err(err) => Err(err.into()),
    }
}

/// Disables a rule.
pub async fn disable(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult<Response> {
    switch(&state, lang, &user, id, false, &body).await
}

/// Re-enables a rule.
pub async fn enable(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult<Response> {
    switch(&state, lang, &user, id, true, &body).await
}

fn import_view(plan: &ImportPlan, lang: Lang) -> Vec<PlanRowView> {
    plan.rows
        .iter()
        .map(|row| {
            let (class, outcome) = match &row.action {
                RowAction::Create => ("ok", lang.s("Thêm mới", "New").to_owned()),
                RowAction::Update { id, before } => (
                    "ok",
                    format!(
                        "{} #{id} ({}: {} / {}{})",
                        lang.s("Cập nhật", "Update"),
                        lang.s("trước", "before"),
                        category_label(&before.0, lang),
                        before.1,
                        if before.2 {
                            ""
                        } else {
                            lang.s(", đang tạm dừng", ", disabled")
                        }
                    ),
                ),
                RowAction::Unchanged { id } => (
                    "same",
                    format!("{} #{id}", lang.s("Không đổi", "Unchanged")),
                ),
                RowAction::Refused(why) => {
                    ("bad", format!("{} {why}", lang.s("Từ chối:", "Refused:")))
                }
            };
            let rule = row.rule.as_ref();
            PlanRowView {
                line: row.line,
                kind: rule.map(|r| r.kind.to_string()).unwrap_or_default(),
                pattern: rule.map(|r| r.pattern.clone()).unwrap_or_default(),
                category: rule
                    .map(|r| category_label(r.category.as_str(), lang))
                    .unwrap_or_default(),
                label: rule.map(|r| r.label.clone()).unwrap_or_default(),
                class,
                outcome,
            }
        })
        .collect()
}

/// Uploads a CSV and shows what importing it would change (nothing is written).
pub async fn import_preview(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult<Response> {
    let mut page = list_page(&state, lang, &user, &ListQuery::default()).await?;
    let upload = match read_upload(multipart).await.and_then(Upload::into_text) {
        Ok(upload) => upload,
        Err(err @ (AppError::Invalid { .. } | AppError::BadRequest { .. })) => {
            page.error = Some(err.message());
            return Ok(render_with_error(&page, &err));
        }
        Err(err) => return Err(err.into()),
    };
    let confirmed = upload.fields.contains_key("confirm_restricted_suffix");
    let plan = crate::service::allowlist::plan_import(&state.db, &upload.text, confirmed).await?;
    let token = save_draft(
        &state,
        &user,
        DRAFT_KIND,
        &upload.file_name,
        upload.text.as_bytes(),
    )
    .await?;
    let (created, updated, unchanged, refused) = plan.counts();
    page.preview = Some(ImportView {
        file_name: upload.file_name,
        token,
        digest: plan.digest(),
        confirmed,
        created,
        updated,
        unchanged,
        refused,
        rows: import_view(&plan, lang),
    });
    Ok(render(&page))
}

/// The import confirmation's fields.
#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    token: String,
    digest: String,
    #[serde(default)]
    confirm_restricted_suffix: Option<String>,
}

/// Imports the previewed upload if its plan is unchanged.
pub async fn import_confirm(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<ConfirmForm>,
) -> PageResult<Response> {
    let outcome = async {
        let (file_name, text) = load_text_draft(&state, &user, DRAFT_KIND, &form.token).await?;
        crate::service::allowlist::import(
            &state.db,
            &user.actor(),
            &text,
            form.confirm_restricted_suffix.is_some(),
            Some(&form.digest),
            &file_name,
        )
        .await?;
        db::import_drafts::discard(&state.db, &form.token).await?;
        Ok::<_, AppError>(())
    }
    .await;
    match outcome {
        Ok(()) => {
            state.reference_changed().await?;
            Ok(Redirect::to("/admin/allowlist?saved=1").into_response())
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let mut page = list_page(&state, lang, &user, &ListQuery::default()).await?;
            page.error = Some(err.message());
            Ok(render_with_error(&page, &err))
        }
        Err(err) => Err(err.into()),
    }
}
