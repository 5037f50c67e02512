//! Database outage: the real server runs on a throwaway PostgreSQL cluster of the test's own
//! (initdb/pg_ctl from `LANTOA_TEST_PG_BIN`, a temp dir, a free loopback port); PostgreSQL is
//! stopped in the middle of the run. Requests then get 503 `unavailable` quickly (bounded by
//! `LANTOA_DB_ACQUIRE_TIMEOUT_SECS`), and within 100 ms once the breaker has seen the database
//! gone; `/readyz` says not ready, `/healthz` still answers, and service resumes by itself once
//! PostgreSQL is back. PostgreSQL only: an embedded SQLite file
//! has no server to lose. Under `CI` a missing `LANTOA_TEST_PG_BIN` fails the suite.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};

use crate::crash::Server;

/// The PostgreSQL bin directory for throwaway clusters, or None (outside CI only).
fn pg_bin() -> Option<PathBuf> {
    match std::env::var("LANTOA_TEST_PG_BIN") {
        Ok(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but LANTOA_TEST_PG_BIN is not: the outage test must run under CI"
            );
            eprintln!("note: LANTOA_TEST_PG_BIN not set; the database outage test did not run");
            None
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A PostgreSQL cluster in a temp dir, run as the `postgres` user; stopped when dropped.
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

fn as_postgres(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(tool))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("runuser {tool}: {e}"))
}

impl Cluster {
    fn create(bin: PathBuf) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let status = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown");
        assert!(status.success(), "chown the cluster directory to postgres");
        let data = dir.path().join("data");
        let out = as_postgres(
            &bin,
            "initdb",
            &[
                "-D",
                data.to_str().expect("utf-8 path"),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        );
        assert!(out.status.success(), "initdb: {out:?}");
        let cluster = Self {
            bin,
            dir,
            port: free_port(),
        };
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn start(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={} -c fsync=off \
             -c synchronous_commit=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        let out = as_postgres(
            &self.bin,
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-w",
                "-t",
                "60",
                "-l",
                &log,
                "-o",
                &options,
                "start",
            ],
        );
        assert!(out.status.success(), "pg_ctl start: {out:?}");
    }

    fn stop(&self) {
        let out = as_postgres(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-w", "-t", "60", "-m", "fast", "stop"],
        );
        assert!(out.status.success(), "pg_ctl stop: {out:?}");
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_postgres(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "stop"],
        );
    }
}

async fn share(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    n: u32,
) -> (u16, serde_json::Value, Option<String>) {
    let answer = client
        .post(format!("{base}/api/v1/shares"))
        .bearer_auth(token)
        .json(&serde_json::json!({"source_url": format!("https://dienbien.gov.vn/outage/{n}.html"), "platform": "zalo"}))
        .send()
        .await
        .expect("the server answers");
    let status = answer.status().as_u16();
    let retry = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, answer.json().await.unwrap_or_default(), retry)
}

async fn status_of(client: &reqwest::Client, url: &str, token: Option<&str>) -> u16 {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("answers").status().as_u16()
}

#[tokio::test]
async fn postgres_stopped_mid_run_gives_quick_503s_and_service_resumes_by_itself() {
    let Some(bin) = pg_bin() else { return };
    let cluster = Cluster::create(bin);
    let admin = Database::connect(cluster.url("postgres"))
        .await
        .expect("connect to the throwaway cluster");
    admin
        .execute_unprepared("CREATE DATABASE lantoa_outage")
        .await
        .expect("create database");
    admin.close().await.ok();
    let url = cluster.url("lantoa_outage");

    // Schema, the small province and a token, through the library.
    let settings = lantoa::settings::Settings {
        database_url: lantoa::settings::Secret::new(url.clone()),
        ..lantoa::settings::Settings::default()
    };
    lantoa::db::migrate(&settings).await.expect("migrate");
    let db = lantoa::db::connect(&settings).await.expect("pool");
    let units = lantoa::import::units::parse(crate::helpers::UNITS_CSV).expect("units");
    lantoa::db::units::import(&db, &units)
        .await
        .expect("db")
        .expect("units import");
    let people = lantoa::import::roster::parse(crate::helpers::ROSTER_CSV).expect("roster");
    lantoa::db::people::import(&db, &people)
        .await
        .expect("db")
        .expect("roster import");
    let person = lantoa::db::people::by_staff_code(&db, "DB001")
        .await
        .expect("db")
        .expect("person");
    let token = lantoa::db::tokens::create(&db, person.id, "outage", false)
        .await
        .expect("token")
        .1;
    db.close().await.ok();

    let acquire_timeout = 2;
    let server = Server::start(
        &url,
        &[(
            "LANTOA_DB_ACQUIRE_TIMEOUT_SECS",
            &acquire_timeout.to_string(),
        )],
    )
    .await;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    assert_eq!(share(&client, &base, &token, 1).await.0, 201);
    assert_eq!(
        status_of(&client, &format!("{base}/readyz"), None).await,
        200
    );

    cluster.stop();

    // Quick 503s, never a hang or a 500: the first ones within the acquire timeout, and once
    // the replica's check has seen the database gone (about a second), at once.
    let limit = Duration::from_secs(acquire_timeout + 3);
    let fast = Duration::from_millis(100);
    let outage = Instant::now();
    let mut n = 2;
    loop {
        let started = Instant::now();
        let (status, json, retry) = share(&client, &base, &token, n).await;
        let took = started.elapsed();
        assert_eq!(
            (status, json["error"]["code"].as_str()),
            (503, Some("unavailable")),
            "{json}"
        );
        assert!(retry.is_some(), "503 carries Retry-After");
        assert!(took < limit, "answered in {took:?} (limit {limit:?})");
        eprintln!("outage: submission {n} answered 503 in {took:?}");
        n += 1;
        if took < fast {
            break;
        }
        assert!(
            outage.elapsed() < Duration::from_secs(10),
            "the breaker did not open within 10 s"
        );
    }
    eprintln!(
        "outage: failing fast {:?} after PostgreSQL stopped",
        outage.elapsed()
    );
    for _ in 0..3 {
        let started = Instant::now();
        let (status, _, retry) = share(&client, &base, &token, n).await;
        assert_eq!(status, 503);
        assert!(retry.is_some(), "503 carries Retry-After");
        assert!(
            started.elapsed() < fast,
            "answered in {:?}",
            started.elapsed()
        );
        n += 1;
    }
    let limit = fast;
    for path in ["/api/v1/me/tally?year=2026", "/api/v1/me/shares?year=2026"] {
        let started = Instant::now();
        let status = status_of(&client, &format!("{base}{path}"), Some(&token)).await;
        assert_eq!(status, 503, "{path}");
        assert!(
            started.elapsed() < limit,
            "{path} took {:?}",
            started.elapsed()
        );
    }
    let started = Instant::now();
    assert_eq!(
        status_of(&client, &format!("{base}/readyz"), None).await,
        503
    );
    assert!(started.elapsed() < fast, "readyz is quick");
    assert_eq!(
        status_of(&client, &format!("{base}/healthz"), None).await,
        200
    );

    cluster.start();

    // Back by itself: no restart of the server.
    let started = Instant::now();
    let mut n = 100;
    loop {
        let (status, json, _) = share(&client, &base, &token, n).await;
        if status == 201 {
            break;
        }
        assert_eq!(status, 503, "{json}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "service did not resume"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        n += 1;
    }
    eprintln!(
        "outage: service resumed {:?} after PostgreSQL restarted",
        started.elapsed()
    );
    assert_eq!(
        status_of(&client, &format!("{base}/readyz"), None).await,
        200
    );
    drop(server);

    // Nothing from the outage was stored: the first share and the one after recovery.
    let db = Database::connect(url.as_str()).await.expect("connect");
    let count = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM shares".to_owned(),
        ))
        .await
        .expect("count")
        .expect("row");
    assert_eq!(count.try_get::<i64>("", "n").expect("n"), 2);
    db.close().await.ok();
}
