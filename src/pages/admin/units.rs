//! `/admin/units`: the unit tree with people counts; create, rename, move under another parent,
//! retire and reactivate; import from CSV/XLSX with a row-by-row preview. Home Affairs and
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
use crate::domain::roster::{Role, UnitKind};
use crate::error::AppError;
use crate::import::plan::Plan;
use crate::import::table::Column;
use crate::import::units::UnitRow;
use crate::pages::{Lang, PageForm, PageResult, render};
use crate::service::units::{self as service, NewUnit, UnitNode};
use crate::state::AppState;

const NEED: Need = Need::AnyRole(&[Role::HomeAffairs]);

/// This section's routes.
pub fn routes(routes: Routes) -> Routes {
    use Method as M;
    routes
        .add(M::GET, "/admin/units", NEED, index)
        .add(M::POST, "/admin/units", NEED, create)
        .add(
            M::GET,
            "/admin/units/import",
            NEED,
            import_form::<UnitsImport>,
        )
        .add(
            M::POST,
            "/admin/units/import",
            NEED,
            import_preview::<UnitsImport>.layer(upload_limit()),
        )
        .add(
            M::POST,
            "/admin/units/import/confirm",
            NEED,
            import_confirm::<UnitsImport>,
        )
        .add(M::GET, "/admin/units/{code}", NEED, show)
        .add(M::POST, "/admin/units/{code}/rename", NEED, rename)
        .add(M::POST, "/admin/units/{code}/move", NEED, move_under)
        .add(M::POST, "/admin/units/{code}/retire", NEED, retire)
        .add(M::POST, "/admin/units/{code}/reactivate", NEED, reactivate)
}

/// A unit as the tree shows it.
struct NodeView {
    code: String,
    name: String,
    kind: String,
    depth: usize,
    people: i64,
    subtree_people: i64,
    active: bool,
}

fn kind_label(code: &str) -> String {
    code.parse::<UnitKind>()
        .map_or_else(|_| code.to_owned(), |k| k.label_vi().to_owned())
}

fn node_view(n: &UnitNode) -> NodeView {
    NodeView {
        code: n.unit.code.clone(),
        name: n.unit.name.clone(),
        kind: kind_label(&n.unit.kind),
        depth: n.depth.min(8),
        people: n.people,
        subtree_people: n.subtree_people,
        active: n.unit.active,
    }
}

/// The unit kinds for the create form.
struct KindOption {
    code: &'static str,
    label: &'static str,
}

fn kinds() -> Vec<KindOption> {
    UnitKind::ALL
        .iter()
        .map(|k| KindOption {
            code: k.as_str(),
            label: k.label_vi(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/units.html")]
struct TreePage<'a> {
    lang: Lang,
    csrf: &'a str,
    nodes: Vec<NodeView>,
    parents: Vec<UnitOption>,
    kinds: Vec<KindOption>,
    notice: Option<String>,
    error: Option<String>,
    form: NewUnitForm,
}

/// The create form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct NewUnitForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
}

/// `?ok=` after a change: which notice to show.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    ok: String,
}

fn notice_text(lang: Lang, done: &str) -> Option<String> {
    let text = match done {
        "created" => lang.s("Đã thêm đơn vị.", "Unit created."),
        "renamed" => lang.s("Đã đổi tên đơn vị.", "Unit renamed."),
        "moved" => lang.s("Đã chuyển đơn vị.", "Unit moved."),
        "retired" => lang.s(
            "Đơn vị đã ngừng hoạt động. Lịch sử vẫn được giữ.",
            "Unit retired. Its history stays.",
        ),
        "reactivated" => lang.s("Đơn vị đã hoạt động trở lại.", "Unit reactivated."),
        "imported" => lang.s("Đã nhập danh sách đơn vị.", "Units imported."),
        _ => return None,
    };
    Some(text.to_owned())
}

async fn tree_page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<&AppError>,
    form: NewUnitForm,
) -> PageResult<Response> {
    let tree = service::tree(&state.db, state.clock.today()).await?;
    Ok(with_status(
        render(&TreePage {
            lang,
            csrf: user.csrf_token().unwrap_or_default(),
            nodes: tree.iter().map(node_view).collect(),
            parents: unit_options(&tree),
            kinds: kinds(),
            notice,
            error: error.map(AppError::message),
            form,
        }),
        error,
    ))
}

/// The tree.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    tree_page(
        &state,
        lang,
        &user,
        notice_text(lang, &done.ok),
        None,
        NewUnitForm::default(),
    )
    .await
}

/// Creates a unit.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    PageForm(form): PageForm<NewUnitForm>,
) -> PageResult<Response> {
    let input = NewUnit {
        code: form.code.clone(),
        name: form.name.clone(),
        kind: form.kind.clone(),
        parent_code: Some(form.parent.clone()),
    };
    match service::create(&state.db, &user.actor(), &input).await {
        Ok(unit) => {
            Ok(Redirect::to(&format!("/admin/units?ok=created#u-{}", unit.code)).into_response())
        }
        Err(err) if is_for_the_form(&err) => {
            tree_page(&state, lang, &user, None, Some(&err), form).await
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/unit.html")]
struct UnitPage<'a> {
    lang: Lang,
    csrf: &'a str,
    node: NodeView,
    parent: Option<String>,
    parents: Vec<UnitOption>,
    notice: Option<String>,
    error: Option<String>,
}

async fn unit_page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    code: &str,
    notice: Option<String>,
    error: Option<&AppError>,
) -> PageResult<Response> {
    let tree = service::tree(&state.db, state.clock.today()).await?;
    let code = code.trim().to_ascii_uppercase();
    let node = tree
        .iter()
        .find(|n| n.unit.code == code)
        .ok_or(AppError::NotFound("đơn vị"))?;
    // Only places it can go: not itself nor anything below it.
    let below = |n: &&UnitNode| !db::units::is_within(&node.unit.path, &n.unit.path);
    let candidates: Vec<UnitNode> = tree.iter().filter(below).cloned().collect();
    Ok(with_status(
        render(&UnitPage {
            lang,
            csrf: user.csrf_token().unwrap_or_default(),
            node: node_view(node),
            parent: node.parent_code.clone(),
            parents: unit_options(&candidates),
            notice,
            error: error.map(AppError::message),
        }),
        error,
    ))
}

/// One unit: rename, move, retire or reactivate.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(done): Query<Done>,
) -> PageResult<Response> {
    unit_page(
        &state,
        lang,
        &user,
        &code,
        notice_text(lang, &done.ok),
        None,
    )
    .await
}

/// The rename and move forms' fields.
#[derive(Debug, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent: String,
}

async fn after(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    code: &str,
    outcome: Result<(), AppError>,
    done: &str,
) -> PageResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/units/{}?ok={done}",
            code.trim().to_ascii_uppercase()
        ))
        .into_response()),
        Err(err) if is_for_the_form(&err) => {
            unit_page(state, lang, user, code, None, Some(&err)).await
        }
        Err(err) => Err(err.into()),
    }
}

/// Renames a unit.
pub async fn rename(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    PageForm(form): PageForm<UnitForm>,
) -> PageResult<Response> {
    let outcome = service::rename(&state.db, &user.actor(), &code, &form.name).await;
    after(&state, lang, &user, &code, outcome, "renamed").await
}

/// Moves a unit under another parent.
pub async fn move_under(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    PageForm(form): PageForm<UnitForm>,
) -> PageResult<Response> {
    let outcome = service::move_under(&state.db, &user.actor(), &code, &form.parent).await;
    after(&state, lang, &user, &code, outcome, "moved").await
}

/// Retires a unit.
pub async fn retire(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let outcome = service::retire(&state.db, &user.actor(), &code, state.clock.today()).await;
    after(&state, lang, &user, &code, outcome, "retired").await
}

/// Reactivates a unit.
pub async fn reactivate(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
) -> PageResult<Response> {
    let outcome = service::reactivate(&state.db, &user.actor(), &code).await;
    after(&state, lang, &user, &code, outcome, "reactivated").await
}

/// The unit import: preview, then confirm.
pub struct UnitsImport;

impl PreviewedImport for UnitsImport {
    type Row = UnitRow;
    const DRAFT_KIND: &'static str = "units";
    const BACK: &'static str = "/admin/units";
    const UPLOAD_ACTION: &'static str = "/admin/units/import";
    const CONFIRM_ACTION: &'static str = "/admin/units/import/confirm";
    const DONE: &'static str = "/admin/units?ok=imported";
    const COLUMNS: &'static [Column] = crate::import::units::COLUMNS;

    fn title(lang: Lang) -> &'static str {
        lang.s("Xem trước: nhập đơn vị", "Preview: unit import")
    }

    fn heading(lang: Lang) -> &'static str {
        lang.s(
            "Nhập đơn vị từ CSV hoặc XLSX",
            "Import units from CSV or XLSX",
        )
    }

    fn section(lang: Lang) -> &'static str {
        lang.s("Đơn vị", "Units")
    }

    fn notes(lang: Lang) -> &'static str {
        lang.s(
            "Loại đơn vị: province (tỉnh), department (sở, ngành), agency (cơ quan), commune (xã), ward (phường), organization (tổ chức), press (cơ quan báo chí), division (phòng, ban).",
            "Kinds: province, department, agency, commune, ward, organization, press, division.",
        )
    }

    async fn plan(state: &AppState, bytes: &[u8]) -> Result<Plan<UnitRow>, AppError> {
        service::preview_import(&state.db, bytes).await
    }

    async fn apply(
        state: &AppState,
        actor: &Actor,
        file_name: &str,
        bytes: &[u8],
        digest: &str,
    ) -> Result<(), AppError> {
        service::apply_import(&state.db, actor, file_name, bytes, digest).await?;
        Ok(())
    }
}
