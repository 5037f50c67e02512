//! End-to-end sign-in against a real OpenID Connect provider (`tests/oidc`, the npm package
//! `oidc-provider`) on loopback: the app runs as a real server, a cookie-keeping HTTP client
//! follows the redirects. Under CI these tests must run; elsewhere they need `npm ci` in
//! `tests/oidc` first and say so when it has not been done.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use entity::{identity, login_attempt, session};
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

use crate::helpers::{Backend, ROSTER_CSV, TestApp, UNITS_CSV};

const CLIENT_ID: &str = "lantoa-test";
const CLIENT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";

/// A running provider, killed when dropped.
struct Provider {
    issuer: String,
    _child: Child,
}

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Whether the provider can run here; under CI it must.
fn provider_available() -> bool {
    let ready = provider_dir().join("node_modules/oidc-provider").exists();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but tests/oidc/node_modules is missing: .ci/run must run `npm ci` there"
        );
        eprintln!("note: sign-in tests did not run: run `npm ci` in tests/oidc first");
    }
    ready
}

impl Provider {
    async fn start(redirect_uri: &str, extra_env: &[(&str, &str)]) -> Self {
        let accounts = json!([
            {"sub": "sub-an", "email": "an@dienbien.gov.vn", "name": "Nguyễn Văn An", "staff_code": "DB001"},
            {"sub": "sub-stranger", "email": "stranger@example.org", "name": "Người Lạ", "staff_code": "XX999"},
            {"sub": "sub-left", "email": "left@dienbien.gov.vn", "name": "Hà Thị Hoa", "staff_code": "DB008"}
        ]);
        let mut command = Command::new("node");
        command
            .arg(provider_dir().join("provider.mjs"))
            .env("OIDC_PORT", "0")
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .env("OIDC_ACCOUNTS", accounts.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("node starts the provider");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(30), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(issuer) = line.strip_prefix("ISSUER ") {
                    return Some(issuer.trim().to_owned());
                }
            }
            None
        })
        .await
        .expect("the provider starts within 30 s")
        .expect("the provider prints its issuer");
        Self {
            issuer,
            _child: child,
        }
    }
}

/// The app served on a real port, configured for the provider.
struct Site {
    app: TestApp,
    base: String,
    provider: Provider,
    _server: tokio::task::JoinHandle<()>,
}

async fn site(backend: Backend, provider_env: &[(&str, &str)]) -> Option<Site> {
    if !provider_available() {
        return None;
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let provider = Provider::start(&format!("{base}/auth/callback"), provider_env).await;
    let issuer = provider.issuer.clone();
    let public = base.clone();
    let app = TestApp::spawn_with(backend, move |s| {
        s.public_url = Some(public);
        s.oauth_issuer = Some(issuer);
        s.oauth_client_id = Some(CLIENT_ID.into());
        s.oauth_client_secret = Some(lantoa::settings::Secret::new(CLIENT_SECRET));
    })
    .await?;
    let roster = format!(
        "{ROSTER_CSV}DB008,Hà Thị Hoa,left@dienbien.gov.vn,SNV,,vien_chuc,2020-01-01,2025-06-30\n"
    );
    app.seed_roster(UNITS_CSV, &roster).await;
    let router = app.router.clone();
    let server = tokio::spawn(async move {
        let _ = lantoa::router::serve(listener, router, std::future::pending()).await;
    });
    Some(Site {
        app,
        base,
        provider,
        _server: server,
    })
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// Follows redirects by hand (at most 12), stopping before the app's callback when asked.
async fn follow(
    client: &reqwest::Client,
    start: &str,
    stop_at_callback: bool,
) -> (StatusCode, String, String) {
    let mut url = start.to_owned();
    for _ in 0..12 {
        if stop_at_callback && url.contains("/auth/callback") {
            return (StatusCode::FOUND, url, String::new());
        }
        let response = client.get(&url).send().await.expect("request");
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("location")
                .to_owned();
            url = reqwest::Url::parse(&url)
                .expect("url")
                .join(&location)
                .expect("join")
                .to_string();
            continue;
        }
        let body = response.text().await.unwrap_or_default();
        return (status, url, body);
    }
    panic!("too many redirects from {start}");
}

fn param(url: &str, key: &str) -> String {
    reqwest::Url::parse(url)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{key} in {url}"))
}

fn with_param(url: &str, key: &str, value: &str) -> String {
    let mut parsed = reqwest::Url::parse(url).expect("url");
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            (
                k.to_string(),
                if k == key {
                    value.to_owned()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

async fn sessions(app: &TestApp) -> usize {
    session::Entity::find()
        .all(&app.db)
        .await
        .expect("db")
        .len()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    entity::audit_event::Entity::find()
        .all(&app.db)
        .await
        .expect("db")
        .into_iter()
        .map(|e| e.action)
        .collect()
}

macro_rules! signin_test {
    ($name:ident, $env:expr, |$site:ident| $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                let Some($site) = site(Backend::Sqlite, $env).await else {
                    return;
                };
                $body.await;
            }
            #[tokio::test]
            async fn postgres() {
                let Some($site) = site(Backend::Postgres, $env).await else {
                    return;
                };
                $body.await;
            }
        }
    };
}

signin_test!(
    a_successful_sign_in_creates_a_session_and_links_the_identity,
    &[],
    |s| async move {
        let client = new_client();
        let (status, url, _) = follow(
            &client,
            &format!(
                "{}/auth/login?next=%2Fapi%2Fv1%2Fme&login_hint=an@dienbien.gov.vn",
                s.base
            ),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "ends at {url}");
        assert!(url.ends_with("/api/v1/me"), "back to next: {url}");
        let me: Value = client
            .get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["staff_code"], "DB001");
        assert_eq!(sessions(&s.app).await, 1);
        let links = identity::Entity::find().all(&s.app.db).await.expect("db");
        assert_eq!(
            (
                links.len(),
                links[0].subject.as_str(),
                links[0].issuer.trim_end_matches('/')
            ),
            (1, "sub-an", s.provider.issuer.trim_end_matches('/'))
        );
        assert!(audit_actions(&s.app).await.contains(&"signin".to_owned()));
        // A later sign-in uses the link, even after the roster e-mail changed.
        let person = lantoa::db::people::by_staff_code(&s.app.db, "DB001")
            .await
            .expect("db")
            .expect("person");
        let mut active: entity::person::ActiveModel = person.into();
        active.email = Set(Some("an.nguyen@dienbien.gov.vn".into()));
        active.update(&s.app.db).await.expect("update");
        let again = new_client();
        let (status, _, _) = follow(
            &again,
            &format!(
                "{}/auth/login?next=%2Fapi%2Fv1%2Fme&login_hint=an@dienbien.gov.vn",
                s.base
            ),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sessions(&s.app).await, 2);
        s.app.finish().await
    }
);

signin_test!(a_wrong_state_is_refused, &[], |s| async move {
    let client = new_client();
    let (_, callback, _) = follow(
        &client,
        &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
        true,
    )
    .await;
    let given = param(&callback, "state");
    let tampered = with_param(&callback, "state", &format!("{given}x"));
    let response = client.get(&tampered).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(sessions(&s.app).await, 0);
    assert!(
        audit_actions(&s.app)
            .await
            .contains(&"signin.failed".to_owned())
    );
    s.app.finish().await
});

signin_test!(a_replayed_code_is_refused, &[], |s| async move {
    let client = new_client();
    let (_, first_callback, _) = follow(
        &client,
        &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
        true,
    )
    .await;
    let response = client.get(&first_callback).send().await.expect("callback");
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the first use signs in"
    );
    assert_eq!(sessions(&s.app).await, 1);
    // A new sign-in attempt (fresh state), answered with the old code.
    let (_, second_callback, _) = follow(
        &client,
        &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
        true,
    )
    .await;
    let replay = with_param(&second_callback, "code", &param(&first_callback, "code"));
    let response = client.get(&replay).send().await.expect("callback");
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "the provider refuses a code used twice"
    );
    assert_eq!(sessions(&s.app).await, 1);
    s.app.finish().await
});

signin_test!(a_wrong_pkce_verifier_is_refused, &[], |s| async move {
    let client = new_client();
    let (_, callback, _) = follow(
        &client,
        &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
        true,
    )
    .await;
    for attempt in login_attempt::Entity::find()
        .all(&s.app.db)
        .await
        .expect("db")
    {
        let mut active: login_attempt::ActiveModel = attempt.into();
        active.pkce_verifier = Set("a".repeat(64));
        active.update(&s.app.db).await.expect("update");
    }
    let response = client.get(&callback).send().await.expect("callback");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(sessions(&s.app).await, 0);
    s.app.finish().await
});

signin_test!(
    a_tampered_id_token_is_refused,
    &[("OIDC_TAMPER_ID_TOKEN", "1")],
    |s| async move {
        let client = new_client();
        let (status, _, _) = follow(
            &client,
            &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(sessions(&s.app).await, 0);
        s.app.finish().await
    }
);

signin_test!(
    an_expired_id_token_is_refused,
    &[("OIDC_CLOCK_OFFSET_SECONDS", "-7200")],
    |s| async move {
        let client = new_client();
        let (status, _, _) = follow(
            &client,
            &format!("{}/auth/login?login_hint=an@dienbien.gov.vn", s.base),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(sessions(&s.app).await, 0);
        s.app.finish().await
    }
);

signin_test!(
    someone_not_on_the_roster_sees_whom_to_contact,
    &[],
    |s| async move {
        let client = new_client();
        let (status, _, body) = follow(
            &client,
            &format!("{}/auth/login?login_hint=stranger@example.org", s.base),
            false,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            body.contains("liên hệ") && body.contains("Sở Nội vụ"),
            "says whom to contact"
        );
        assert_eq!(sessions(&s.app).await, 0);
        assert!(
            audit_actions(&s.app)
                .await
                .contains(&"signin.denied".to_owned())
        );
        s.app.finish().await
    }
);

signin_test!(someone_who_has_left_cannot_sign_in, &[], |s| async move {
    let client = new_client();
    let (status, _, body) = follow(
        &client,
        &format!("{}/auth/login?login_hint=left@dienbien.gov.vn", s.base),
        false,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("liên hệ"));
    assert_eq!(sessions(&s.app).await, 0);
    s.app.finish().await
});
