//! A real headless Chromium at phone size (390×844) driven through chromedriver, against the app
//! served on a real port in demo mode. One browser at a time (the machine has 2 cores); each
//! test gets a fresh profile directory, deleted afterwards, and the browser is closed even when
//! the test fails.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::helpers::{Backend, ROSTER_CSV, TestApp, UNITS_CSV};

/// The chromedriver to use, or None (a note) when not set. Under CI its absence is a failure.
pub fn chromedriver() -> Option<PathBuf> {
    match std::env::var("LANTOA_TEST_CHROMEDRIVER") {
        Ok(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but LANTOA_TEST_CHROMEDRIVER is not: browser tests must run under CI"
            );
            eprintln!(
                "note: LANTOA_TEST_CHROMEDRIVER not set; this browser test did not run \
                 (apt-get install chromium chromium-driver, then set it to /usr/bin/chromedriver)"
            );
            None
        }
    }
}

/// Browsers are heavy: one at a time across the whole test binary.
static ONE_BROWSER: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// What a browser test works with.
#[derive(Clone)]
pub struct Ctx {
    /// The WebDriver session.
    pub client: Client,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The app's database.
    pub db: sea_orm::DatabaseConnection,
    name: &'static str,
}

/// Where screenshots go: `$LANTOA_ARTIFACTS`, else `screenshots/` in the cargo target directory.
pub fn artifacts_dir() -> PathBuf {
    match std::env::var_os("LANTOA_ARTIFACTS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map_or_else(|| PathBuf::from("target"), PathBuf::from)
            .join("screenshots"),
    }
}

/// The screen a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// A phone, 390×844 (the staff's pages).
    Phone,
    /// An office desktop, 1366×900 (the admin pages).
    Desktop,
}

/// Runs `body` with a signed-out phone browser on a fresh demo app (SQLite only: the browser
/// adds nothing database-specific; the pages' database paths run on both in `pages.rs`).
pub async fn with_browser<F, Fut>(name: &'static str, body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    with_browser_on(Screen::Phone, name, body).await;
}

/// Like `with_browser`, on the given screen.
pub async fn with_browser_on<F, Fut>(screen: Screen, name: &'static str, body: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(driver_path) = chromedriver() else {
        return;
    };
    let _turn = ONE_BROWSER.acquire().await.expect("semaphore");
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.demo = true;
    })
    .await
    .expect("sqlite");
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let year = chrono::Datelike::year(&app.state.clock.today());
    app.set_policy(year, 120).await;

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        let _ = lantoa::router::serve(listener, router, std::future::pending()).await;
    });

    let profile = tempfile::tempdir().expect("profile dir");
    let port = free_port();
    let mut driver = tokio::process::Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let webdriver = format!("http://127.0.0.1:{port}/");
    let client = connect(&webdriver, &profile.path().display().to_string(), screen).await;

    let ctx = Ctx {
        client: client.clone(),
        base,
        db: app.db.clone(),
        name,
    };
    let outcome = std::panic::AssertUnwindSafe(body(ctx)).catch_unwind().await;
    if outcome.is_err() {
        // The page as it was when the test failed.
        let _ = save_screenshot(&client, name, "failed").await;
    }
    let _ = client.close().await;
    let _ = driver.kill().await;
    server.abort();
    app.finish().await;
    drop(profile);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn connect(webdriver: &str, profile: &str, screen: Screen) -> Client {
    let chromium =
        std::env::var("LANTOA_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut options = json!({
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--lang=vi-VN", format!("--user-data-dir={profile}"),
        ],
        "mobileEmulation": {
            "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true },
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36"
        }
    });
    if screen == Screen::Desktop
        && let Some(options) = options.as_object_mut()
    {
        options.remove("mobileEmulation");
        if let Some(args) = options.get_mut("args").and_then(Value::as_array_mut) {
            args.push(json!("--window-size=1366,900"));
        }
    }
    if std::path::Path::new(&chromium).exists() {
        options["binary"] = json!(chromium);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    let mut last_error = String::new();
    // chromedriver takes a moment to listen.
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(webdriver)
            .await
        {
            Ok(client) => return client,
            Err(err) => {
                last_error = err.to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("no WebDriver session: {last_error}");
}

/// The whole page as a PNG (through the DevTools protocol), or the viewport if that fails.
async fn full_page(client: &Client) -> Result<Vec<u8>, fantoccini::error::CmdError> {
    use base64::Engine as _;
    let cdp = |cmd: &'static str, params: Value| {
        client.issue_cmd(Extension {
            path: "goog/cdp/execute",
            body: json!({"cmd": cmd, "params": params}),
        })
    };
    let metrics = cdp("Page.getLayoutMetrics", json!({})).await?;
    let size = &metrics["cssContentSize"];
    let (width, height) = (size["width"].as_f64(), size["height"].as_f64());
    if let (Some(width), Some(height)) = (width, height) {
        let shot = cdp(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true,
                   "clip": {"x": 0, "y": 0, "width": width, "height": height.min(6000.0), "scale": 1}}),
        )
        .await?;
        if let Some(data) = shot["data"].as_str()
            && let Ok(png) = base64::engine::general_purpose::STANDARD.decode(data)
        {
            return Ok(png);
        }
    }
    client.screenshot().await
}

async fn save_screenshot(client: &Client, test: &str, step: &str) -> std::io::Result<PathBuf> {
    let png = full_page(client)
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{test}--{step}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// A chromedriver extension command (`/session/{id}/{path}`).
#[derive(Debug)]
struct Extension {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Extension {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.body.to_string()))
    }
}

impl Ctx {
    /// Opens a path of the app.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Signs in on the demo page as a person of the small roster; lands on the log-a-share page.
    pub async fn sign_in(&self, staff_code: &str) {
        self.open("/auth/demo").await;
        self.click(&format!("button[data-staff-code=\"{staff_code}\"]"))
            .await;
        self.wait_for("#share-form").await;
    }

    /// Clicks the element a CSS selector finds.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Chooses a platform button (the radio is visually hidden, its label is the button).
    pub async fn choose_platform(&self, code: &str) {
        self.client
            .find(Locator::XPath(&format!(
                "//input[@name='platform'][@value='{code}']/parent::label"
            )))
            .await
            .unwrap_or_else(|e| panic!("platform {code}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("choose {code}: {e}"));
    }

    /// Types into the field a CSS selector finds.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The element a CSS selector finds, waiting for it up to 30 s.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.wait_for(css).await
    }

    /// Waits up to 30 s (a loaded CI machine) for an element.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    /// Runs a script (a function body; a returned promise is awaited) and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits for a script to return true: up to `secs`, three times that under CI (a loaded
    /// machine); it returns as soon as the script does.
    pub async fn until(&self, what: &str, secs: u64, script: &str) {
        let secs = if std::env::var_os("CI").is_some() {
            secs * 3
        } else {
            secs
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of an element.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Saves a screenshot of the viewport as `{test}--{step}.png` in the artifacts directory.
    pub async fn screenshot(&self, step: &str) {
        let path = save_screenshot(&self.client, self.name, step)
            .await
            .unwrap_or_else(|e| panic!("screenshot {step}: {e}"));
        eprintln!("screenshot: {}", path.display());
    }

    /// Cuts the browser's network (`offline = true`) or gives it back.
    pub async fn set_offline(&self, offline: bool) {
        self.client
            .issue_cmd(Extension {
                path: "chromium/network_conditions",
                body: json!({"network_conditions": {
                    "offline": offline, "latency": 0,
                    "download_throughput": 10_000_000, "upload_throughput": 10_000_000
                }}),
            })
            .await
            .unwrap_or_else(|e| panic!("network conditions: {e}"));
    }

    /// Sends a Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Extension {
                path: "goog/cdp/execute",
                body: json!({"cmd": cmd, "params": params}),
            })
            .await
            .unwrap_or_else(|e| panic!("cdp {cmd}: {e}"))
    }

    /// How many rows a table has.
    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }
}
