//! Several replicas, one truth: two real `lantoa serve` processes on one database (PostgreSQL,
//! or one SQLite file), as behind a load balancer. A change made through one replica — an
//! allowlist rule, a revoked token, a signed-out session — is in force on the other within 2 s;
//! the same `Idempotency-Key` sent to both at once stores one share; a change made by the
//! command line reaches a running server the same way.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::both_databases;
use crate::crash::Server;
use crate::helpers::*;

/// The bound the operations guide promises.
const BOUND: Duration = Duration::from_secs(2);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn verdict(client: &reqwest::Client, base: &str, token: &str, url: &str) -> String {
    let body: Value = client
        .post(format!("{base}/api/v1/verify"))
        .bearer_auth(token)
        .json(&json!({ "url": url }))
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    body["verdict"].as_str().unwrap_or_default().to_owned()
}

/// Polls `check` every 50 ms until it holds, for at most 10 s; returns how long it took.
async fn until<F, Fut>(mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never happened within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

const ARTICLE: &str = "https://baolaichau.vn/thoi-su/tin-moi-1.html";

both_databases!(
    two_replicas_on_one_database_behave_as_one_service,
    |app| async move {
        crate::admin_helpers::seed(&app).await;
        let staff = app.token_for("DB002").await;
        let a = Server::start(&app.test_db.url, &[]).await;
        let b = Server::start(&app.test_db.url, &[]).await;
        let http = client();
        // The container health check: `lantoa probe` on /readyz.
        for (url, ready) in [
            (format!("{}/readyz", a.base), true),
            ("http://127.0.0.1:9/readyz".to_owned(), false),
        ] {
            let probe = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
                .args(["probe", &url])
                .env_remove("LANTOA_CONFIG")
                .kill_on_drop(true)
                .output()
                .await
                .expect("lantoa probe runs");
            assert_eq!(probe.status.success(), ready, "{url}");
        }

        // A rule added through replica A's admin page is used by replica B.
        assert_eq!(verdict(&http, &b.base, &staff, ARTICLE).await, "rejected");
        let culture = session_for(&app, "DB004").await;
        let added = http
            .post(format!("{}/admin/allowlist/new", a.base))
            .header("cookie", &culture.cookie)
            .form(&[
                ("_csrf", culture.csrf.as_str()),
                ("kind", "host"),
                ("pattern", "baolaichau.vn"),
                ("category", "press"),
                ("label", "Báo Lai Châu"),
                ("action", "save"),
            ])
            .send()
            .await
            .expect("add a rule");
        assert!(added.status().is_redirection(), "{}", added.status());
        let took =
            until(|| async { verdict(&http, &b.base, &staff, ARTICLE).await == "accepted" }).await;
        eprintln!("replicas: a rule added on A was used by B after {took:?}");
        assert!(took < BOUND, "{took:?}");

        // A token revoked on A is refused by B, which had it cached.
        let (token_id, secret) = {
            let person = lantoa::db::people::by_staff_code(&app.db, "DB001")
                .await
                .expect("db")
                .expect("person");
            let (token, secret) = lantoa::db::tokens::create(&app.db, person.id, "hai máy", false)
                .await
                .expect("token");
            (token.id, secret)
        };
        let me = |base: String, secret: String| {
            let http = http.clone();
            async move {
                http.get(format!("{base}/api/v1/me/tally?year=2026"))
                    .bearer_auth(secret)
                    .send()
                    .await
                    .expect("tally")
                    .status()
            }
        };
        assert_eq!(me(b.base.clone(), secret.clone()).await, StatusCode::OK);
        let revoked = http
            .delete(format!("{}/api/v1/me/tokens/{token_id}", a.base))
            .bearer_auth(&secret)
            .send()
            .await
            .expect("revoke");
        assert!(revoked.status().is_success(), "{}", revoked.status());
        let took = until(|| {
            let status = me(b.base.clone(), secret.clone());
            async move { status.await == StatusCode::UNAUTHORIZED }
        })
        .await;
        eprintln!("replicas: a token revoked on A was refused by B after {took:?}");
        assert!(took < BOUND, "{took:?}");

        // The same Idempotency-Key sent to both at the same moment stores one share.
        let send = |base: String| {
            let http = http.clone();
            let staff = staff.clone();
            async move {
                let response = http
                    .post(format!("{base}/api/v1/shares"))
                    .bearer_auth(staff)
                    .header("idempotency-key", "cung-mot-lan-gui")
                    .json(&json!({"source_url": "https://dienbien.gov.vn/tin/1", "platform": "facebook"}))
                    .send()
                    .await
                    .expect("share");
                let status = response.status();
                let body: Value = response.json().await.expect("json");
                (status, body["id"].as_i64())
            }
        };
        let ((status_a, id_a), (status_b, id_b)) =
            tokio::join!(send(a.base.clone()), send(b.base.clone()));
        assert!(
            status_a.is_success() && status_b.is_success(),
            "{status_a} {status_b}"
        );
        assert_eq!(id_a, id_b, "both answers name the one stored share");
        assert_eq!(app.count("shares").await, 1);

        // A session signed out on A is refused on both.
        let session = session_for(&app, "DB002").await;
        let home = |base: String| {
            let http = http.clone();
            let cookie = session.cookie.clone();
            async move {
                http.get(format!("{base}/me/history"))
                    .header("cookie", cookie)
                    .send()
                    .await
                    .expect("page")
                    .status()
            }
        };
        assert_eq!(home(a.base.clone()).await, StatusCode::OK);
        assert_eq!(home(b.base.clone()).await, StatusCode::OK);
        let out = http
            .post(format!("{}/auth/logout", a.base))
            .header("cookie", &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .send()
            .await
            .expect("sign out");
        assert!(out.status().is_redirection(), "{}", out.status());
        for base in [&a.base, &b.base] {
            assert_ne!(home(base.clone()).await, StatusCode::OK, "{base}");
        }
        app.finish().await;
    }
);

#[tokio::test]
async fn a_rule_imported_by_the_command_line_reaches_a_running_server_on_the_same_sqlite_file() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite");
    crate::admin_helpers::seed(&app).await;
    let staff = app.token_for("DB002").await;
    let server = Server::start(&app.test_db.url, &[]).await;
    let http = client();
    assert_eq!(
        verdict(&http, &server.base, &staff, ARTICLE).await,
        "rejected"
    );
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("rules.csv");
    std::fs::write(
        &file,
        "kind,pattern,category,label\nhost,baolaichau.vn,press,Báo Lai Châu\n",
    )
    .expect("write");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args(["allowlist", "import", &file.display().to_string()])
        .env("LANTOA_DATABASE_URL", &app.test_db.url)
        .env("LANTOA_LOG", "warn")
        .env_remove("LANTOA_CONFIG")
        .kill_on_drop(true)
        .output()
        .await
        .expect("lantoa runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let took =
        until(|| async { verdict(&http, &server.base, &staff, ARTICLE).await == "accepted" }).await;
    eprintln!("replicas: a rule imported by the CLI was used by the server after {took:?}");
    assert!(took < BOUND, "{took:?}");
    app.finish().await;
}

both_databases!(
    two_replicas_share_one_sign_in_budget_per_address,
    |app| async move {
        let budget = 4;
        let env = [("LANTOA_SIGNIN_RATE_PER_MINUTE", "4")];
        let a = Server::start(&app.test_db.url, &env).await;
        let b = Server::start(&app.test_db.url, &env).await;
        let http = client();
        crate::proxies::not_near_a_minute_boundary().await;
        let mut refused_at = None;
        for attempt in 1..=2 * budget {
            let base = if attempt % 2 == 0 { &a.base } else { &b.base };
            let status = http
                .get(format!("{base}/auth/login"))
                .send()
                .await
                .expect("sign-in page")
                .status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                refused_at = Some(attempt);
                break;
            }
        }
        assert_eq!(
            refused_at,
            Some(budget + 1),
            "the attempt after the budget is refused, whichever replica it reaches"
        );
        app.finish().await;
    }
);
