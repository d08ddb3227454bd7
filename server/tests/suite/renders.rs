//! Page renders that begin together (issue 11): on the multi-threaded runtime, a page's
//! resources ran on other threads than its render, and reactive_graph's locks taken in
//! opposite orders there froze both workers for good, `/healthz` included. A page's tasks are
//! now polled by its own render (server/src/render_scope.rs).

use crate::common::{cookie, cookies_from, sign_up, TestApp, PASSWORD};
use std::time::Duration;

const SIGNED_IN_PAGES: &[&str] = &[
    "/members",
    "/account",
    "/tickets",
    "/tickets/new",
    "/queues",
    "/clients",
    "/clients/new",
    "/contacts",
    "/billing",
    "/audit",
    "/api-tokens",
    "/status",
    "/",
];
const PUBLIC_PAGES: &[&str] = &["/signin", "/signup", "/pricing", "/no-such-page"];

/// A page's status. A render that never finishes is the failure this file is about, so a
/// timeout fails at once; a connection the client's pool found closed (seen once with every
/// suite test running beside this one) is retried once on a fresh one.
async fn page(app: &TestApp, path: &str, jar: &str) -> Result<u16, String> {
    let mut last = String::new();
    for _ in 0..2 {
        match app
            .client
            .get(app.url(path))
            .header(reqwest::header::COOKIE, jar)
            .timeout(Duration::from_secs(20))
            .send()
            .await
        {
            Ok(r) => return Ok(r.status().as_u16()),
            Err(e) if e.is_timeout() => return Err(format!("{path}: no answer in 20 s")),
            Err(e) => last = format!("{path}: {e:?}"),
        }
    }
    Err(last)
}

#[tokio::test]
async fn bursts_over_every_page_as_admin_staff_and_nobody_all_finish() {
    let app = TestApp::spawn().await;
    let admin = sign_up(&app, "Ada", "ada-renders@example.com", "Renders Ltd").await;
    let staff =
        crate::common::join_as(&app, &admin, "Sam", "sam-renders@example.com", "staff").await;
    assert!(cookie(&staff, "wd_access").is_some());
    let jars = [admin.as_str(), staff.as_str(), ""];
    let app = &app;
    // Three rounds: the full hunt (many cold starts of the real binary, one server per
    // process) is tools/stress.mjs; in this process other tests' servers render beside it.
    for round in 0..3 {
        let requests = jars.iter().flat_map(|jar| {
            SIGNED_IN_PAGES
                .iter()
                .chain(PUBLIC_PAGES)
                .map(move |path| async move { (path, page(app, path, jar).await) })
        });
        for (path, outcome) in futures::future::join_all(requests).await {
            let status = outcome.unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert!(status < 500, "round {round}: {path} answered {status}");
        }
        assert_eq!(page(app, "/healthz", "").await, Ok(200), "round {round}");
    }
}

/// The first sequence the outside test froze a fresh server with: `/members` as an admin,
/// one request at a time, on a server that has rendered nothing yet.
#[tokio::test]
async fn members_one_at_a_time_on_a_fresh_server() {
    for _ in 0..3 {
        let app = TestApp::spawn().await;
        let admin = sign_up(&app, "Ada", "ada-members@example.com", "Members Ltd").await;
        for _ in 0..4 {
            assert_eq!(page(&app, "/members", &admin).await, Ok(200));
        }
        // Signing in again (a new session) and reading it once more.
        let r = app
            .client
            .post(app.url("/api/auth/sign_in"))
            .form(&[("email", "ada-members@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .expect("sign in");
        let again = cookies_from(&r);
        assert_eq!(page(&app, "/members", &again).await, Ok(200));
    }
}
