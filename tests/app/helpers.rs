//! Test DSL: a fresh database per test (SQLite file, or a new PostgreSQL database when
//! `LANTOA_TEST_POSTGRES_URL` is set), the real migrations, and the real router in-process.

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use lantoa::router::build_router;
use lantoa::settings::{Secret, Settings};
use lantoa::state::AppState;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;
use tower::ServiceExt;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, or None. Under CI its absence is a failure, not a skip.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("LANTOA_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but LANTOA_TEST_POSTGRES_URL is not: PostgreSQL tests must run under CI"
            );
            eprintln!(
                "note: LANTOA_TEST_POSTGRES_URL not set; the PostgreSQL variant of this test did not run"
            );
            None
        }
    }
}

/// A database made for one test, removed afterwards.
pub struct TestDb {
    #[allow(dead_code)]
    pub backend: Backend,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    /// A new empty database, or None when the backend is not available here (outside CI).
    pub async fn new(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path: PathBuf = dir.path().join("test.db");
                Some(Self {
                    backend,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    _dir: Some(dir),
                    pg_admin: None,
                })
            }
            Backend::Postgres => {
                let admin = postgres_admin_url()?;
                let name = format!("lantoa_test_{}", random_suffix());
                let conn = Database::connect(admin.as_str())
                    .await
                    .expect("connect to test PostgreSQL");
                conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                conn.close().await.ok();
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                Some(Self {
                    backend,
                    url: format!("{base}/{name}"),
                    _dir: None,
                    pg_admin: Some((admin.clone(), name)),
                })
            }
        }
    }

    /// Drops a PostgreSQL test database.
    pub async fn drop_database(&self) {
        if let Some((admin, name)) = &self.pg_admin
            && let Ok(conn) = Database::connect(admin.as_str()).await
        {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            conn.close().await.ok();
        }
    }

    /// Settings pointing at this database, with rate limits off unless a test turns them on.
    pub fn settings(&self) -> Settings {
        Settings {
            database_url: Secret::new(self.url.clone()),
            write_rate_per_minute: 0,
            ..Settings::default()
        }
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness");
    hex::encode(bytes)
}

/// A migrated database with the application state and router over it.
pub struct TestApp {
    pub db: DatabaseConnection,
    pub state: AppState,
    pub router: Router,
    pub test_db: TestDb,
}

impl TestApp {
    /// Spawns the app on a fresh database; None when the backend is unavailable outside CI.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like `spawn`, adjusting settings first.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        let test_db = TestDb::new(backend).await?;
        let mut settings = test_db.settings();
        adjust(&mut settings);
        lantoa::db::migrate(&settings)
            .await
            .expect("migrations apply");
        let db = lantoa::db::connect(&settings).await.expect("pool opens");
        let state = AppState::new(db.clone(), settings)
            .await
            .expect("state builds");
        let router = build_router(state.clone());
        Some(Self {
            db,
            state,
            router,
            test_db,
        })
    }

    /// Freezes the application's clock at an instant (UTC).
    pub fn set_clock(&mut self, at: &str) {
        let at = at
            .parse::<chrono::DateTime<chrono::Utc>>()
            .expect("an RFC 3339 instant");
        self.state.clock = lantoa::state::Clock::Fixed(at);
        self.router = build_router(self.state.clone());
    }

    /// Sets a year's policy.
    pub async fn set_policy(&self, year: i32, target: u32) {
        let input = lantoa::service::policy::PolicyInput {
            period_start: None,
            period_end: None,
            target,
            month_target: None,
            quarter_target: None,
            levels: Vec::new(),
            count_only_own_accounts: None,
        };
        lantoa::service::policy::set(&self.db, &lantoa::db::audit::Actor::cli(), year, &input)
            .await
            .expect("policy");
    }

    /// Ends the test: closes the pool and drops a PostgreSQL database.
    pub async fn finish(self) {
        self.db.close().await.ok();
        self.test_db.drop_database().await;
    }

    /// Sends a request through the real router.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = match body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request builds");
        self.send(request).await
    }

    /// Sends a raw request; the answer's status, headers and body bytes.
    pub async fn send_raw(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    /// Sends a raw request; a body that is not JSON comes back as a JSON string.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value, axum::http::HeaderMap) {
        let (status, headers, bytes) = self.send_raw(request).await;
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, json, headers)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let (s, v, _) = self
            .request(Method::GET, path, Some(token), None, &[])
            .await;
        (s, v)
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self
            .request(Method::POST, path, Some(token), Some(body), &[])
            .await;
        (s, v)
    }

    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        let (s, v, _) = self
            .request(Method::PUT, path, Some(token), Some(body), &[])
            .await;
        (s, v)
    }

    /// Imports units and people from CSV text through the same code as the CLI.
    pub async fn seed_roster(&self, units_csv: &str, roster_csv: &str) {
        let units = lantoa::import::units::parse(units_csv).expect("units parse");
        lantoa::db::units::import(&self.db, &units)
            .await
            .expect("db")
            .expect("units import");
        let people = lantoa::import::roster::parse(roster_csv).expect("roster parses");
        lantoa::db::people::import(&self.db, &people)
            .await
            .expect("db")
            .expect("roster import");
    }

    /// Creates an API token for a staff code.
    pub async fn token_for(&self, staff_code: &str) -> String {
        self.token_with(staff_code, false).await
    }

    /// Creates an API token, optionally read-only.
    pub async fn token_with(&self, staff_code: &str, read_only: bool) -> String {
        let person = lantoa::db::people::by_staff_code(&self.db, staff_code)
            .await
            .expect("db")
            .expect("person exists");
        lantoa::db::tokens::create(&self.db, person.id, "test", read_only)
            .await
            .expect("token")
            .1
    }

    /// Grants a role.
    pub async fn grant(&self, staff_code: &str, role: &str, unit: Option<&str>) {
        let person = lantoa::db::people::by_staff_code(&self.db, staff_code)
            .await
            .expect("db")
            .expect("person");
        let unit_id = match unit {
            Some(code) => Some(
                lantoa::db::units::by_code(&self.db, code)
                    .await
                    .expect("db")
                    .expect("unit")
                    .id,
            ),
            None => None,
        };
        lantoa::db::roles::grant(
            &self.db,
            person.id,
            role.parse().expect("role"),
            unit_id,
            None,
        )
        .await
        .expect("grant");
        self.state.tokens.clear();
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count")
    }
}

/// A small province: two departments, a commune with a division, five people.
pub const UNITS_CSV: &str = "code,name,kind,parent_code
DB,Tỉnh Điện Biên,province,
SNV,Sở Nội vụ,department,DB
XMP,Xã Mường Phăng,commune,DB
XMP-VP,Văn phòng HĐND và UBND xã Mường Phăng,division,XMP
SVH,Sở Văn hóa,department,DB
";

/// People: DB001 staff in XMP-VP, DB002 head of XMP, DB003 Home Affairs in SNV, DB004 staff in SVH.
pub const ROSTER_CSV: &str =
    "staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on
DB001,Nguyễn Văn An,an@dienbien.gov.vn,XMP-VP,Chuyên viên,cong_chuc,2020-01-01,
DB002,Lò Thị Bình,binh@dienbien.gov.vn,XMP,Chủ tịch UBND xã,can_bo,2020-01-01,
DB003,Trần Đức Chính,chinh@dienbien.gov.vn,SNV,Chuyên viên,cong_chuc,2020-01-01,
DB004,Quàng Văn Dũng,dung@dienbien.gov.vn,SVH,Nhân viên,nguoi_lao_dong,2020-01-01,
";

/// Runs a test body on SQLite and on PostgreSQL: `both_databases!(name, |app| async move { … })`.
#[macro_export]
macro_rules! both_databases {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                #[allow(unused_mut)]
                let mut $app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite)
                    .await
                    .expect("SQLite is always available");
                $body.await;
            }
            #[tokio::test]
            async fn postgres() {
                #[allow(unused_mut)]
                let Some(mut $app) =
                    $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await
                else {
                    return;
                };
                $body.await;
            }
        }
    };
}

/// A browser session made directly in the database (as sign-in would), for page tests.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A browser session for a staff code, as sign-in would make it.
pub async fn session_for(app: &TestApp, staff_code: &str) -> Session {
    let person = lantoa::db::people::by_staff_code(&app.db, staff_code)
        .await
        .expect("db")
        .expect("person");
    let secret = lantoa::db::tokens::generate().expect("random");
    let csrf = lantoa::auth::csrf::token_for(&secret);
    lantoa::db::sessions::create(
        &app.db,
        person.id,
        &secret,
        &csrf,
        chrono::Utc::now() + chrono::Duration::days(1),
        Some("test".into()),
    )
    .await
    .expect("session");
    Session {
        cookie: format!("lantoa_sid={secret}"),
        csrf,
    }
}

/// The redirect target of a response, or "".
pub fn location(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The value of a form field in a page (`name="…" … value="…"` on one tag).
pub fn field_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')? + v;
    Some(tag[v..end].to_owned())
}
