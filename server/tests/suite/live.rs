//! Live updates: a change committed through one server process reaches a browser's event
//! stream on another, for the ticket's own organisation only.

use crate::common::{json, TestApp};
use reqwest::header;
use std::time::Duration;

/// An open `/events` stream, read event by event.
pub(crate) struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    pub(crate) async fn open(url: String, jar: &str) -> Self {
        let response = reqwest::Client::new()
            .get(url)
            .header(header::COOKIE, jar)
            .header(header::ACCEPT, "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/event-stream"
        );
        let mut events = Self {
            response,
            buffer: String::new(),
        };
        assert_eq!(
            events.next().await.0,
            "ready",
            "subscribed before anything else"
        );
        events
    }

    /// The next event's name and data; keep-alive comments are skipped. Fails the test if
    /// nothing comes within 10 s, rather than hanging.
    pub(crate) async fn next(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.trim().to_string())
                };
                if let (Some(event), Some(data)) = (field("event:"), field("data:")) {
                    return (event, data);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.response.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ends the stream (keep-alives and events aside) within `limit`.
    pub(crate) async fn ends_within(&mut self, limit: Duration) -> bool {
        tokio::time::timeout(limit, async {
            while let Ok(Some(_)) = self.response.chunk().await {}
        })
        .await
        .is_ok()
    }
}

#[tokio::test]
async fn a_change_through_one_server_reaches_streams_on_another_within_its_organisation() {
    let app = TestApp::spawn().await;
    let other_process = app.sibling().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;

    let mut ada_elsewhere = Events::open(other_process.url("/events"), &ada).await;
    let mut bob_elsewhere = Events::open(other_process.url("/events"), &bob).await;

    // Bob's organisation changes first, so if Ada's stream leaked it, it would come first.
    json(
        &app,
        "/api/tickets/create",
        &bob,
        &[("title", "Globex secret"), ("priority", "low")],
    )
    .await;
    let n = json(
        &app,
        "/api/tickets/create",
        &ada,
        &[("title", "Acme boiler"), ("priority", "high")],
    )
    .await;
    assert_eq!(
        ada_elsewhere.next().await,
        ("ticket".into(), format!("{{\"number\":{n},\"version\":1}}"))
    );
    assert_eq!(
        bob_elsewhere.next().await.0,
        "ticket",
        "Bob hears his own ticket"
    );

    // A comment does not change the version but is announced all the same.
    let id = json(
        &app,
        "/api/tickets/get",
        &ada,
        &[("number", &n.to_string())],
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    json(
        &app,
        "/api/tickets/comment",
        &ada,
        &[("ticket_id", &id), ("body", "On it")],
    )
    .await;
    assert_eq!(ada_elsewhere.next().await.0, "ticket");

    // Nothing of Ada's reached Bob: his next event is his own next change.
    json(
        &app,
        "/api/tickets/create",
        &bob,
        &[("title", "Globex two"), ("priority", "low")],
    )
    .await;
    assert_eq!(
        bob_elsewhere.next().await,
        ("ticket".into(), "{\"number\":2,\"version\":1}".into())
    );
}

#[tokio::test]
async fn the_event_stream_needs_a_session() {
    let app = TestApp::spawn().await;
    let r = app.get("/events").await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}
