//! Graceful shutdown of the real process: on SIGTERM it stops accepting connections, answers
//! the requests already in flight (their bodies still arriving), commits what the share writer
//! holds, checkpoints SQLite's WAL, and exits 0; a request that never finishes does not hold
//! the process past `LANTOA_SHUTDOWN_GRACE_SECS`.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::both_databases;
use crate::crash::{Server, seeded_tokens, stored_keys};
use crate::helpers::Backend;

/// A request whose body is sent in two parts: the server is handling it between them.
struct SlowRequest {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl SlowRequest {
    /// Sends the headers and the first half of a share submission.
    async fn begin(base: &str, token: &str, key: &str) -> Self {
        let address = base.trim_start_matches("http://");
        let body = serde_json::json!({
            "source_url": format!("https://dienbien.gov.vn/slow/{key}.html"),
            "platform": "facebook"
        })
        .to_string()
        .into_bytes();
        let (first, rest) = body.split_at(body.len() / 2);
        let mut stream = TcpStream::connect(address).await.expect("connect");
        let head = format!(
            "POST /api/v1/shares HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("send head");
        stream.write_all(first).await.expect("send half");
        stream.flush().await.expect("flush");
        Self {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest and reads the status code of the answer.
    async fn finish(mut self) -> u16 {
        self.stream.write_all(&self.rest).await.expect("send rest");
        let mut answer = Vec::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            self.stream.read_to_end(&mut answer),
        )
        .await
        .expect("answered in time")
        .expect("read answer");
        let text = String::from_utf8_lossy(&answer);
        text.split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"))
    }
}

fn wal_size(url: &str) -> Option<u64> {
    let path = lantoa::cli::backup::sqlite_path(url)?;
    let mut wal = path.into_os_string();
    wal.push("-wal");
    std::fs::metadata(wal).ok().map(|m| m.len())
}

both_databases!(
    sigterm_answers_requests_in_flight_then_exits_cleanly,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        app.db.close_by_ref().await.ok();
        let url = app.test_db.url.clone();
        let mut server = Server::start(&url, &[("LANTOA_SHUTDOWN_GRACE_SECS", "15")]).await;
        let mut slow = Vec::new();
        for i in 0..8 {
            slow.push(SlowRequest::begin(&server.base, &tokens[i % 4], &format!("slow-{i}")).await);
        }
        // Let the server read the heads and enter the handlers.
        tokio::time::sleep(Duration::from_millis(300)).await;
        server.terminate().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let address = server.base.trim_start_matches("http://").to_owned();
        assert!(
            TcpStream::connect(&address).await.is_err(),
            "no new connection is accepted after SIGTERM"
        );
        for request in slow {
            assert_eq!(
                request.finish().await,
                201,
                "a request in flight is answered"
            );
        }
        let code = server.wait(Duration::from_secs(20)).await;
        assert_eq!(code, Some(0), "exit code; log:\n{}", server.log());
        if app.test_db.backend == Backend::Sqlite {
            // Checked before anything else opens the file: the server checkpointed and closed
            // its last connection, so no write-ahead log is left behind.
            assert!(
                wal_size(&url).is_none_or(|size| size == 0),
                "SQLite WAL checkpointed on shutdown: {:?} bytes left",
                wal_size(&url)
            );
        }
        let stored = stored_keys(&url).await;
        for i in 0..8 {
            let key = format!("slow-{i}");
            assert!(stored.iter().any(|(k, _)| *k == key), "{key} stored");
        }
        app.finish().await
    }
);

both_databases!(
    a_request_that_never_finishes_does_not_hold_shutdown_past_the_grace_period,
    |app| async move {
        let tokens = seeded_tokens(&app).await;
        app.db.close_by_ref().await.ok();
        let url = app.test_db.url.clone();
        let mut server = Server::start(&url, &[("LANTOA_SHUTDOWN_GRACE_SECS", "1")]).await;
        let stuck = SlowRequest::begin(&server.base, &tokens[0], "stuck").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let started = Instant::now();
        server.terminate().await;
        let code = server.wait(Duration::from_secs(15)).await;
        assert_eq!(code, Some(0), "log:\n{}", server.log());
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "exited {:?} after SIGTERM",
            started.elapsed()
        );
        drop(stuck);
        app.finish().await
    }
);
