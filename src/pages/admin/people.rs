//! `/admin/people`: the roster — search (diacritics and case ignored), add, edit, mark as left,
//! move to another unit, and import from CSV/XLSX with a row-by-row preview. Home Affairs and
//! admins.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::handler::Handler as _;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::forms::{
    PreviewedImport, UnitOption, import_confirm, import_form, import_preview, is_for_the_form,
    unit_options, upload_limit, with_status,
};
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::db;
use crate::db::audit::Actor;
use crate::domain::roster::{EmploymentType, Role};
use crate::domain::time::format_vi;
use crate::error::AppError;
use crate::import::plan::Plan;
use crate::import::roster::PersonRow;
use crate::import::table::Column;
use crate::pages::{Lang, PageForm, PageResult, render};
use crate::service::roster::{self as service, PAGE_SIZE, PersonInput, Search};
use crate::state::AppState;

const NEED: Need = Need::AnyRole(&[Role::HomeAffairs]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    routes
        .add(M::GET, "/admin/people", NEED, index)
        .add(M::POST, "/admin/people", NEED, create)
        .add(M::GET, "/admin/people/new", NEED, new_form)
        .add(
            M::GET,
            "/admin/people/import",
            NEED,
            import_form::<RosterImport>,
        )
        .add(
            M::POST,
            "/admin/people/import",
            NEED,
            import_preview::<RosterImport>.layer(upload_limit()),
        )
        .add(
            M::POST,
            "/admin/people/import/confirm",
            NEED,
            import_confirm::<RosterImport>,
        )
        .add(M::GET, "/admin/people/{staff_code}", NEED, show)
        .add(M::POST, "/admin/people/{staff_code}", NEED, update)
        .add(M::POST, "/admin/people/{staff_code}/move", NEED, move_to)
        .add(M::POST, "/admin/people/{staff_code}/leave", NEED, leave)
}

/// The search form.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    left: String,
    #[serde(default)]
    page: Option<usize>,
    #[serde(default)]
    ok: String,
}

struct PersonLine {
    staff_code: String,
    full_name: String,
    unit: String,
    position: String,
    employment: &'static str,
    left_on: Option<String>,
}

fn employment_label(code: &str) -> &'static str {
    code.parse::<EmploymentType>()
        .map_or("", EmploymentType::label_vi)
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct ListPage {
    lang: Lang,
    q: String,
    unit: String,
    include_left: bool,
    units: Vec<UnitOption>,
    people: Vec<PersonLine>,
    total: usize,
    page: usize,
    previous: Option<String>,
    next: Option<String>,
    notice: Option<String>,
}

fn notice_text(lang: Lang, done: &str) -> Option<String> {
    let text = match done {
        "created" => lang.s("Đã thêm cán bộ.", "Person added."),
        "saved" => lang.s("Đã lưu thông tin.", "Details saved."),
        "moved" => lang.s(
            "Đã chuyển đơn vị. Số liệu cả năm đi theo người.",
            "Moved. The year's figures follow the person.",
        ),
        "left" => lang.s("Đã ghi nhận nghỉ việc.", "Marked as left."),
        "imported" => lang.s("Đã nhập danh sách cán bộ.", "Roster imported."),
        _ => return None,
    };
    Some(text.to_owned())
}

fn page_link(query: &SearchQuery, page: usize) -> String {
    let mut link = url::form_urlencoded::Serializer::new(String::new());
    link.append_pair("q", &query.q);
    link.append_pair("unit", &query.unit);
    if !query.left.is_empty() {
        link.append_pair("left", "1");
    }
    link.append_pair("page", &page.to_string());
    format!("/admin/people?{}", link.finish())
}

/// Search and list.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    Query(query): Query<SearchQuery>,
) -> PageResult<Response> {
    let today = state.clock.today();
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let search = Search {
        text: query.q.chars().take(100).collect(),
        unit_code: Some(query.unit.trim().to_ascii_uppercase()).filter(|u| !u.is_empty()),
        include_left: !query.left.is_empty(),
        page,
    };
    let found = service::search(&state.db, &search, today).await?;
    let tree = crate::service::units::tree(&state.db, today).await?;
    let people = found
        .people
        .into_iter()
        .map(|(p, unit)| PersonLine {
            employment: employment_label(&p.employment_type),
            left_on: p.left_on.filter(|_| !p.active).map(format_vi),
            staff_code: p.staff_code,
            full_name: p.full_name,
            unit: unit.map(|u| u.name).unwrap_or_default(),
            position: p.position.unwrap_or_default(),
        })
        .collect();
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    Ok(render(&ListPage {
        lang,
        previous: (page > 1).then(|| page_link(&query, page - 1)),
        next: (page < pages).then(|| page_link(&query, page + 1)),
        q: query.q.clone(),
        unit: search.unit_code.clone().unwrap_or_default(),
        include_left: search.include_left,
        units: unit_options(&tree),
        people,
        total: found.total,
        page,
        notice: notice_text(lang, &query.ok),
    }))
}

/// The person form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    staff_code: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    employment_type: String,
    #[serde(default)]
    joined_on: String,
    #[serde(default)]
    left_on: String,
}

impl PersonForm {
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

struct TypeOption {
    code: &'static str,
    label: &'static str,
}

fn employment_types() -> Vec<TypeOption> {
    EmploymentType::ALL
        .iter()
        .map(|t| TypeOption {
            code: t.as_str(),
            label: t.label_vi(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/person.html")]
struct PersonPage<'a> {
    lang: Lang,
    csrf: &'a str,
    /// None for a new person.
    existing: Option<ExistingPerson>,
    form: PersonForm,
    units: Vec<UnitOption>,
    types: Vec<TypeOption>,
    notice: Option<String>,
    error: Option<String>,
}

struct ExistingPerson {
    staff_code: String,
    unit_code: String,
    unit_name: String,
    active: bool,
    left_on: Option<String>,
}

async fn person_page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    staff_code: Option<&str>,
    form: Option<PersonForm>,
    notice: Option<String>,
    error: Option<&AppError>,
) -> PageResult<Response> {
    let today = state.clock.today();
    let tree = crate::service::units::tree(&state.db, today).await?;
    let (existing, stored) = match staff_code {
        Some(code) => {
            let person = db::people::by_staff_code(&state.db, code)
                .await?
                .ok_or(AppError::NotFound("cán bộ"))?;
            let unit = tree.iter().find(|n| n.unit.id == person.unit_id);
            let stored = PersonForm {
                staff_code: person.staff_code.clone(),
                unit: unit.map(|n| n.unit.code.clone()).unwrap_or_default(),
                full_name: person.full_name.clone(),
                email: person.email.clone().unwrap_or_default(),
                position: person.position.clone().unwrap_or_default(),
                employment_type: person.employment_type.clone(),
                joined_on: person.joined_on.map(format_vi).unwrap_or_default(),
                left_on: person.left_on.map(format_vi).unwrap_or_default(),
            };
            let existing = ExistingPerson {
                staff_code: person.staff_code.clone(),
                unit_code: stored.unit.clone(),
                unit_name: unit.map(|n| n.unit.name.clone()).unwrap_or_default(),
                active: person.active,
                left_on: person.left_on.map(format_vi),
            };
            (Some(existing), stored)
        }
        None => (None, PersonForm::default()),
    };
    Ok(with_status(
        render(&PersonPage {
            lang,
            csrf: user.csrf_token().unwrap_or_default(),
            existing,
            form: form.unwrap_or(stored),
            units: unit_options(&tree),
            types: employment_types(),
            notice,
            error: error.map(AppError::message),
        }),
        error,
    ))
}

/// The add form.
pub async fn new_form(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> PageResult<Response> {
    person_page(&state, lang, &user, None, None, None, None).await
}

/// Adds a person.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<PersonForm>,
) -> PageResult<Response> {
    match service::create(
        &state.db,
        &user.actor(),
        &form.staff_code,
        &form.unit,
        &form.input(),
    )
    .await
    {
        Ok(person) => Ok(
            Redirect::to(&format!("/admin/people/{}?ok=created", person.staff_code))
                .into_response(),
        ),
        Err(err) if is_for_the_form(&err) => {
            person_page(&state, lang, &user, None, Some(form), None, Some(&err)).await
        }
        Err(err) => Err(err.into()),
    }
}

/// `?ok=` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

/// One person: details, move, leave.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    person_page(
        &state,
        lang,
        &user,
        Some(&staff_code),
        None,
        notice_text(lang, &done.ok),
        None,
    )
    .await
}

async fn after(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    staff_code: &str,
    outcome: Result<(), AppError>,
    done: &str,
) -> PageResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/people/{}?ok={done}",
            staff_code.trim().to_ascii_uppercase()
        ))
        .into_response()),
        Err(err) if is_for_the_form(&err) => {
            person_page(state, lang, user, Some(staff_code), None, None, Some(&err)).await
        }
        Err(err) => Err(err.into()),
    }
}

/// Saves a person's details.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    PageForm(form): PageForm<PersonForm>,
) -> PageResult<Response> {
    let outcome = service::update(&state.db, &user.actor(), &staff_code, &form.input()).await;
    after(&state, lang, &user, &staff_code, outcome, "saved").await
}

/// Moves a person to another unit.
pub async fn move_to(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    PageForm(form): PageForm<PersonForm>,
) -> PageResult<Response> {
    let outcome = service::move_to(&state.db, &user.actor(), &staff_code, &form.unit).await;
    after(&state, lang, &user, &staff_code, outcome, "moved").await
}

/// Marks a person as left.
pub async fn leave(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(staff_code): Path<String>,
    PageForm(form): PageForm<PersonForm>,
) -> PageResult<Response> {
    let outcome = service::leave(
        &state.db,
        &user.actor(),
        &staff_code,
        &form.left_on,
        state.clock.today(),
    )
    .await;
    if outcome.is_ok() {
        // API tokens of someone who left must stop working now, not when the cache expires.
        state.reference_changed().await?;
    }
    after(&state, lang, &user, &staff_code, outcome, "left").await
}

/// The roster import: preview, then confirm.
pub struct RosterImport;

impl PreviewedImport for RosterImport {
    type Row = PersonRow;
    const DRAFT_KIND: &'static str = "roster";
    const BACK: &'static str = "/admin/people";
    const UPLOAD_ACTION: &'static str = "/admin/people/import";
    const CONFIRM_ACTION: &'static str = "/admin/people/import/confirm";
    const DONE: &'static str = "/admin/people?ok=imported";
    const COLUMNS: &'static [Column] = crate::import::roster::COLUMNS;

    fn title(lang: Lang) -> &'static str {
        lang.s("Xem trước: nhập danh sách cán bộ", "Preview: roster import")
    }

    fn heading(lang: Lang) -> &'static str {
        lang.s(
            "Nhập danh sách cán bộ từ CSV hoặc XLSX",
            "Import the roster from CSV or XLSX",
        )
    }

    fn section(lang: Lang) -> &'static str {
        lang.s("Danh sách cán bộ", "Roster")
    }

    fn notes(lang: Lang) -> &'static str {
        lang.s(
            "Loại cán bộ: can_bo (cán bộ), cong_chuc (công chức), vien_chuc (viên chức), nguoi_lao_dong (người lao động). Ngày bắt đầu, ngày nghỉ: ô ngày của Excel hoặc chữ dd/mm/yyyy.",
            "Category: can_bo, cong_chuc, vien_chuc, nguoi_lao_dong. First and last day: Excel date cells or dd/mm/yyyy text.",
        )
    }

    async fn plan(state: &AppState, bytes: &[u8]) -> Result<Plan<PersonRow>, AppError> {
        service::preview_import(&state.db, bytes, state.clock.today()).await
    }

    async fn apply(
        state: &AppState,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(), AppError> {
        let today = state.clock.today();
        service::apply_import(&state.db, actor, file_name, bytes, digest, today).await?;
        Ok(())
    }
}
