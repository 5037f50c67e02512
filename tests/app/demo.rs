//! `lantoa demo`: seeds the example province once, prints working tokens, serves on loopback.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn the_demo_seeds_a_province_and_serves_it_with_working_tokens() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("demo.db");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_lantoa"))
        .args([
            "demo",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &db.display().to_string(),
        ])
        .env("LANTOA_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("demo starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let address = tokio::time::timeout(Duration::from_secs(240), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("http://").nth(1) {
                return Some(rest.trim().to_owned());
            }
            printed.push(line);
        }
        None
    })
    .await
    .expect("the demo starts within the time limit")
    .expect("the demo prints its address");
    let token_of = |label: &str| {
        printed
            .iter()
            .find(|l| l.contains(label))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("a token for {label} in {printed:?}"))
    };
    let staff = token_of("Cán bộ ");
    let home_affairs = token_of("Sở Nội vụ");
    assert!(staff.starts_with("lt_") && home_affairs.starts_with("lt_"));

    let client = reqwest::Client::new();
    let get = |path: &str, token: &str| {
        client
            .get(format!("http://{address}{path}"))
            .bearer_auth(token)
            .send()
    };
    let year = chrono::Datelike::year(&lantoa::service::shares::today());
    let me: Value = get(&format!("/api/v1/me/tally?year={year}"), &staff)
        .await
        .expect("answers")
        .json()
        .await
        .expect("json");
    assert!(
        me["target"].as_u64().is_some(),
        "the demo has a policy: {me}"
    );
    let export = get(
        &format!("/api/v1/exports/evaluation?year={year}&format=json"),
        &home_affairs,
    )
    .await
    .expect("answers");
    assert_eq!(export.status(), 200);
    let export: Value = export.json().await.expect("json");
    let rows = export["rows"].as_array().cloned().unwrap_or_default();
    assert!(
        (150..=220).contains(&rows.len()),
        "about 200 people: {}",
        rows.len()
    );
    let accepted: u64 = rows.iter().filter_map(|r| r["accepted"].as_u64()).sum();
    assert!(accepted > 1000, "a year of shares: {accepted}");
    let page = client
        .get(format!("http://{address}/auth/demo"))
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200, "demo sign-in is available in demo mode");
    child.kill().await.ok();
}
