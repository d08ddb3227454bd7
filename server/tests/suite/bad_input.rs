//! Clients that send too much, too slowly or malformed: each gets a clear 4xx or is cut off,
//! nothing is half-done, and the server goes on answering everyone else (issue 16).

use crate::common::{json, scope_connection, sign_up, TestApp};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server sends back on a raw connection until it closes it (or `within` passes).
async fn answer(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, stream.read_to_end(&mut got)).await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&got).into_owned())
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// The resident memory of this process (the test server runs in it), for the log.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off_and_others_are_served() {
    let app = TestApp::spawn_with(&["--header-read-timeout-secs", "1"]).await;
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut s = connect(&app).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
            .await
            .unwrap();
        slow.push(s);
    }
    // Everyone else is served meanwhile.
    assert_eq!(app.get("/healthz").await.status(), 200);
    for s in &mut slow {
        // Cut off: the connection is closed (hyper answers 408 first, or nothing), well
        // before the bound here, which only stops a broken server from hanging the suite.
        let closed = answer(s, Duration::from_secs(30)).await;
        let closed = closed.expect("the server closed the slow connection");
        assert!(
            closed.is_empty() || closed.starts_with("HTTP/1.1 408"),
            "{closed}"
        );
    }
}

#[tokio::test]
async fn ten_thousand_headers_are_refused_with_431() {
    let app = TestApp::spawn().await;
    let mut s = connect(&app).await;
    let mut request = String::from("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..10_000 {
        request.push_str(&format!("X-H{i}: v\r\n"));
    }
    request.push_str("\r\n");
    // The server may answer and close before it has read everything sent.
    let _ = s.write_all(request.as_bytes()).await;
    let got = answer(&mut s, Duration::from_secs(30))
        .await
        .unwrap_or_default();
    assert!(got.starts_with("HTTP/1.1 431"), "{got}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn invalid_utf8_and_bad_escapes_in_a_path_get_a_clear_4xx() {
    let app = TestApp::spawn().await;
    // Percent-escapes that are not UTF-8 once decoded: no such ticket or page.
    for path in ["/%C0%AF", "/api/%FF%FE", "/api/v1/tickets/%FF"] {
        let status = app.get(path).await.status().as_u16();
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    // Raw bytes that are not even allowed in a request line.
    let mut s = connect(&app).await;
    s.write_all(b"GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let got = answer(&mut s, Duration::from_secs(30))
        .await
        .unwrap_or_default();
    assert!(got.starts_with("HTTP/1.1 400"), "{got}");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read_and_nothing_is_made() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    let before = rss_kib();
    let host = app.base.trim_start_matches("http://").to_string();
    let head = |framing: &str| {
        format!(
            "POST /api/tickets/create HTTP/1.1\r\nHost: {host}\r\nCookie: {ada}\r\nContent-Type: application/x-www-form-urlencoded\r\n{framing}\r\n\r\n"
        )
    };

    // Declared: refused before a byte of it is sent, let alone read.
    let mut s = connect(&app).await;
    s.write_all(head("Content-Length: 4294967296").as_bytes())
        .await
        .unwrap();
    let got = answer(&mut s, Duration::from_secs(30))
        .await
        .unwrap_or_default();
    assert!(got.starts_with("HTTP/1.1 413"), "{got}");
    assert!(
        got.contains("application/problem+json") && got.contains("1024 KiB"),
        "{got}"
    );

    // Not declared (chunked): read only up to the limit, then refused the same way.
    let mut s = connect(&app).await;
    s.write_all(head("Transfer-Encoding: chunked").as_bytes())
        .await
        .unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
    for _ in 0..32 {
        s.write_all(chunk.as_bytes()).await.unwrap();
    }
    s.write_all(b"0\r\n\r\n").await.unwrap();
    let got = answer(&mut s, Duration::from_secs(30))
        .await
        .unwrap_or_default();
    assert!(
        got.starts_with("HTTP/1.1 413"),
        "{}",
        &got[..got.len().min(300)]
    );

    let viewer = json(&app, "/api/auth/viewer", &ada, &[]).await;
    let org: uuid::Uuid = viewer["organisation_id"].as_str().unwrap().parse().unwrap();
    let mut db = app.db.owner_connection().await;
    scope_connection(&mut db, org).await;
    let made: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(made, 0);
    // Printed, not asserted: other tests share this process and its allocator. Nothing here
    // holds more than one body's 1 MiB, so the two stay close.
    println!(
        "resident memory before the oversized bodies {before} KiB, after {} KiB",
        rss_kib()
    );
}
