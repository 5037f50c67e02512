//! Crash safety: the real `lantoa serve` process is killed with SIGKILL in the middle of a load
//! of submissions and restarted; every submission that was answered 201 is stored exactly once,
//! nothing that was not sent is stored, and resending the unanswered ones with their
//! Idempotency-Key leaves exactly one row per submission. Also `Server`, the helper that runs
//! the binary on a free loopback port, used by the shutdown, backup and metrics tests.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

use crate::both_databases;
use crate::helpers::{ROSTER_CSV, TestApp, UNITS_CSV};

/// A running `lantoa serve` process.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Everything it wrote to stderr (the logs) and stdout so far.
    pub output: Arc<Mutex<String>>,
    _cwd: tempfile::TempDir,
}

fn drain(stream: impl AsyncRead + Unpin + Send + 'static, sink: Arc<Mutex<String>>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut text = sink.lock().expect("log buffer");
            text.push_str(&line);
            text.push('\n');
        }
    });
}

impl Server {
    /// Starts `lantoa serve` on a free loopback port over `database_url`, rate limits off,
    /// with extra environment variables; waits until it listens (at most 60 s, migrations
    /// included).
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> Self {
        let cwd = tempfile::tempdir().expect("working directory");
        let mut command = Command::new(env!("CARGO_BIN_EXE_lantoa"));
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .current_dir(cwd.path())
            .env_remove("LANTOA_CONFIG")
            .env("LANTOA_DATABASE_URL", database_url)
            .env("LANTOA_WRITE_RATE_PER_MINUTE", "0")
            .env("LANTOA_API_RATE_PER_MINUTE", "0")
            .env("LANTOA_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("lantoa serve starts");
        let output = Arc::new(Mutex::new(String::new()));
        drain(child.stderr.take().expect("stderr"), Arc::clone(&output));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let base = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = stdout.next_line().await {
                if let Some(at) = line.find("http://") {
                    return Some(line[at..].trim().to_owned());
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
        let Some(base) = base else {
            let _ = child.start_kill();
            let log = output.lock().expect("log").clone();
            panic!("lantoa serve did not start listening:\n{log}");
        };
        drain(stdout.into_inner(), Arc::clone(&output));
        Self {
            child,
            base,
            output,
            _cwd: cwd,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("still running")
    }

    /// SIGKILL, and wait for it to be gone.
    pub async fn kill9(&mut self) {
        self.child.start_kill().expect("SIGKILL");
        let _ = self.child.wait().await;
    }

    /// Sends SIGTERM (graceful shutdown).
    pub async fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .await
            .expect("kill runs");
        assert!(status.success(), "kill -TERM");
    }

    /// Waits for the process to exit (at most `limit`), returning its exit code.
    pub async fn wait(&mut self, limit: Duration) -> Option<i32> {
        match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(Ok(status)) => status.code(),
            _ => {
                let _ = self.child.start_kill();
                panic!("lantoa did not exit within {limit:?}:\n{}", self.log());
            }
        }
    }

    /// What it logged so far.
    pub fn log(&self) -> String {
        self.output.lock().expect("log").clone()
    }
}

/// Seeds the small province and gives API tokens to its four people.
pub async fn seeded_tokens(app: &TestApp) -> Vec<String> {
    app.seed_roster(UNITS_CSV, ROSTER_CSV).await;
    let mut tokens = Vec::new();
    for code in ["DB001", "DB002", "DB003", "DB004"] {
        tokens.push(app.token_for(code).await);
    }
    tokens
}

/// (idempotency key, id) of every stored share, read on a connection of its own.
pub async fn stored_keys(url: &str) -> Vec<(String, i64)> {
    let db = Database::connect(url).await.expect("connect");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id, idempotency_key FROM shares".to_owned(),
        ))
        .await
        .expect("read shares");
    let mut stored = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("", "id").expect("id");
        let key: Option<String> = row.try_get("", "idempotency_key").expect("key");
        stored.push((key.unwrap_or_default(), id));
    }
    // The monthly counters are kept in the same transaction as the inserts.
    let counted = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(COALESCE(SUM(accepted), 0) AS BIGINT) AS n FROM tally_months".to_owned(),
        ))
        .await
        .expect("sum counters")
        .expect("a row");
    let counted: i64 = counted.try_get("", "n").expect("n");
    assert_eq!(
        counted,
        i64::try_from(stored.len()).expect("count"),
        "tally counters match the stored shares"
    );
    db.close().await.ok();
    stored
}

fn body(key: &str) -> serde_json::Value {
    serde_json::json!({"source_url": format!("https://dienbien.gov.vn/crash/{key}.html"), "platform": "zalo"})
}

/// What the load saw.
#[derive(Default)]
struct Ledger {
    sent: BTreeSet<String>,
    acked: BTreeMap<String, i64>,
}

const WORKERS: usize = 16;
const PER_WORKER: usize = 400;

both_databases!(
    a_sigkill_mid_load_loses_no_acknowledged_share_and_stores_nothing_twice,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        // Nothing of the test's own stays open on the database: the restart must recover alone.
        app.db.close_by_ref().await.ok();
        let url = app.test_db.url.clone();
        let mut server = Server::start(&url, &[]).await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let acked = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::new();
        for worker in 0..WORKERS {
            let (client, base, token) = (
                client.clone(),
                server.base.clone(),
                tokens[worker % tokens.len()].clone(),
            );
            let (ledger, acked, stop) =
                (Arc::clone(&ledger), Arc::clone(&acked), Arc::clone(&stop));
            workers.push(tokio::spawn(async move {
                for i in 0..PER_WORKER {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let key = format!("crash-{worker:02}-{i:04}");
                    ledger.lock().expect("ledger").sent.insert(key.clone());
                    let answer = client
                        .post(format!("{base}/api/v1/shares"))
                        .bearer_auth(&token)
                        .header("idempotency-key", &key)
                        .json(&body(&key))
                        .send()
                        .await;
                    let Ok(answer) = answer else { break };
                    let status = answer.status().as_u16();
                    let Ok(json) = answer.json::<serde_json::Value>().await else {
                        break;
                    };
                    assert_ne!(status / 100, 5, "{status} {json} before the kill");
                    assert_eq!(status, 201, "{json}");
                    let id = json["id"].as_i64().expect("an id");
                    ledger.lock().expect("ledger").acked.insert(key, id);
                    acked.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // Kill once a good number are stored and many more are in flight.
        let started = Instant::now();
        while acked.load(Ordering::Relaxed) < 300 && started.elapsed() < Duration::from_secs(30) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill9().await;
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.await.expect("worker");
        }
        let Ledger { sent, acked } = std::mem::take(&mut *ledger.lock().expect("ledger"));
        assert!(
            acked.len() >= 300,
            "the load ran: {} acknowledged",
            acked.len()
        );
        assert!(sent.len() > acked.len(), "some were in flight at the kill");

        // Restart on the same database: it must open and serve.
        let server = Server::start(&url, &[]).await;
        let stored = stored_keys(&url).await;
        let by_key: BTreeMap<&str, Vec<i64>> =
            stored.iter().fold(BTreeMap::new(), |mut map, (key, id)| {
                map.entry(key.as_str()).or_default().push(*id);
                map
            });
        for (key, id) in &acked {
            assert_eq!(
                by_key.get(key.as_str()),
                Some(&vec![*id]),
                "acknowledged {key} is stored exactly once, with the id it was given"
            );
        }
        for (key, ids) in &by_key {
            assert!(sent.contains(*key), "{key} was stored but never sent");
            assert_eq!(ids.len(), 1, "{key} stored {} times", ids.len());
        }
        let committed_unanswered = by_key.len() - acked.len();
        eprintln!(
            "crash: sent {}, acknowledged {}, stored {} (committed but unanswered at the kill: {committed_unanswered})",
            sent.len(),
            acked.len(),
            by_key.len()
        );

        // The client retries what got no answer, with the same keys: no duplicates.
        let unanswered: Vec<&String> = sent.iter().filter(|k| !acked.contains_key(*k)).collect();
        for key in &unanswered {
            // A key belongs to the person who sent it: `crash-WW-…` names the worker.
            let worker: usize = key[6..8].parse().expect("worker number");
            let token = &tokens[worker % tokens.len()];
            let answer = client
                .post(format!("{}/api/v1/shares", server.base))
                .bearer_auth(token)
                .header("idempotency-key", key.as_str())
                .json(&body(key))
                .send()
                .await
                .expect("the restarted server answers");
            assert_eq!(answer.status().as_u16(), 201, "retry of {key}");
            let json: serde_json::Value = answer.json().await.expect("json");
            if let Some(ids) = by_key.get(key.as_str()) {
                assert_eq!(
                    json["id"].as_i64(),
                    Some(ids[0]),
                    "a committed {key} is replayed"
                );
            }
        }
        let after: BTreeMap<String, i64> = stored_keys(&url).await.into_iter().collect();
        assert_eq!(
            after.keys().cloned().collect::<BTreeSet<_>>(),
            sent,
            "after the retries every submission is stored"
        );
        assert_eq!(after.len(), sent.len(), "and each exactly once");
        drop(server);
        app.finish().await
    }
);
