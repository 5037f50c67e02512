//! `/admin…`: the reference data kept in the browser — allowlist, units, roster, roles, audit
//! log, retention — by Culture (allowlist), Home Affairs (units, roster) and admins (all).
//! One file per section; each adds its own routes here.

pub mod allowlist;
pub mod audit;
pub mod forms;
pub mod people;
pub mod retention;
pub mod roles;
pub mod share_import;
pub mod units;

use askama::Template;
use axum::http::Method;
use axum::response::Response;

use super::{Lang, render};
use crate::auth::CurrentUser;
use crate::auth::guard::{Need, Routes};
use crate::domain::roster::Role;

/// Every admin route, with its need.
pub fn routes(routes: Routes) -> Routes {
    let routes = routes.add(
        Method::GET,
        "/admin",
        Need::AnyRole(&[Role::Culture, Role::HomeAffairs]),
        index,
    );
    let routes = allowlist::routes(routes);
    let routes = audit::routes(routes);
    let routes = people::routes(routes);
    let routes = retention::routes(routes);
    let routes = roles::routes(routes);
    let routes = share_import::routes(routes);
    units::routes(routes)
}

/// A link to an admin section.
pub struct Section {
    /// Where it is.
    pub href: &'static str,
    /// Its name.
    pub title: &'static str,
    /// What it is for.
    pub about: &'static str,
}

/// The sections this caller may open, in the order they are shown.
pub fn sections_for(user: &CurrentUser, lang: Lang) -> Vec<Section> {
    let admin = user.has_role(Role::Admin);
    let culture = admin || user.has_role(Role::Culture);
    let home_affairs = admin || user.has_role(Role::HomeAffairs);
    let mut sections = Vec::new();
    let mut add = |allowed: bool, href, title, about| {
        if allowed {
            sections.push(Section { href, title, about });
        }
    };
    add(
        culture,
        "/admin/allowlist",
        lang.s("Danh sách nguồn chính thống", "Allowlist of sources"),
        lang.s(
            "Thêm, sửa, tạm dừng quy tắc; thử một địa chỉ; nhập/xuất CSV.",
            "Add, edit, disable rules; test an address; CSV import/export.",
        ),
    );
    add(
        home_affairs,
        "/admin/units",
        lang.s("Đơn vị", "Units"),
        lang.s(
            "Cây đơn vị, chuyển, đổi tên, ngừng hoạt động; nhập từ CSV/XLSX.",
            "The unit tree: move, rename, retire; import CSV/XLSX.",
        ),
    );
    add(
        home_affairs,
        "/admin/people",
        lang.s("Danh sách cán bộ", "Roster"),
        lang.s(
            "Tìm, thêm, sửa, ghi nhận nghỉ việc, chuyển đơn vị; nhập từ CSV/XLSX.",
            "Search, add, edit, mark as left, move; import CSV/XLSX.",
        ),
    );
    add(
        admin,
        "/admin/roles",
        lang.s("Vai trò", "Roles"),
        lang.s(
            "Cấp và thu hồi vai trò theo đơn vị.",
            "Grant and revoke roles with their unit scope.",
        ),
    );
    add(
        admin,
        "/admin/shares/import",
        lang.s("Nhập lượt chia sẻ", "Import shares"),
        lang.s(
            "Nhập lượt chia sẻ đã ghi trong bảng tính.",
            "Import shares kept in spreadsheets.",
        ),
    );
    add(
        admin,
        "/admin/audit",
        lang.s("Nhật ký thao tác", "Audit log"),
        lang.s(
            "Ai đã làm gì, khi nào; lọc và xuất.",
            "Who did what, and when; filter and export.",
        ),
    );
    add(
        admin,
        "/admin/retention",
        lang.s("Thời hạn lưu dữ liệu", "Data retention"),
        lang.s(
            "Thời hạn lưu dữ liệu cá nhân và xoá dữ liệu quá hạn.",
            "How long personal data is kept; purge what is older.",
        ),
    );
    sections
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    lang: Lang,
    sections: Vec<Section>,
}

/// The admin landing page: the sections this caller may open.
pub async fn index(lang: Lang, user: CurrentUser) -> Response {
    render(&IndexPage {
        lang,
        sections: sections_for(&user, lang),
    })
}
