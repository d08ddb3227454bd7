//! Password reset by emailed single-use link, end to end over HTTP with a real SMTP server.

use crate::common::{cookies_from, TestApp, PASSWORD};
use reqwest::header;

const NEW_PASSWORD: &str = "a brand new long passphrase";

async fn post(
    app: &TestApp,
    path: &str,
    host: Option<&str>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app.client.post(app.url(path)).form(form);
    if let Some(h) = host {
        req = req.header(header::HOST, h);
    }
    req.send().await.unwrap()
}

async fn forgot(app: &TestApp, host: Option<&str>, email: &str) -> (u16, String) {
    let r = post(app, "/api/auth/forgot_password", host, &[("email", email)]).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_string()
}

async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    post(
        app,
        "/api/auth/reset_password",
        None,
        &[("token", token), ("password", password)],
    )
    .await
}

async fn viewer(app: &TestApp, jar: &str) -> serde_json::Value {
    app.client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, jar)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_reset_link_works_once_and_signs_out_every_device() {
    let app = TestApp::spawn().await;
    let old_session = crate::common::sign_up(&app, "Ada", "ada@example.com", "Engines").await;

    let known = forgot(&app, None, "ada@example.com").await;
    let unknown = forgot(&app, None, "nobody@example.com").await;
    assert_eq!(
        known, unknown,
        "the same answer whether or not the address exists"
    );
    assert_eq!(known.0, 200);

    let mail = app.mail.wait_for("ada@example.com", 1).await;
    assert_eq!(mail.subject(), "Reset your Workdesk password");
    let link = mail.link("reset-password?token=").expect("a link");
    assert!(
        link.starts_with("http://127.0.0.1/reset-password?token="),
        "platform links come from PUBLIC_URL: {link}"
    );
    let token = token_of(&link);

    let check = post(&app, "/api/auth/reset_link", None, &[("token", &token)]).await;
    assert_eq!(check.text().await.unwrap(), "true");

    // A weak password is refused and the link still works.
    let weak = reset(&app, &token, "short").await;
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("at least 10"));

    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.headers()[header::LOCATION], "/signin?reset=done");
    assert!(
        viewer(&app, &old_session).await.is_null(),
        "old sessions are revoked"
    );

    let again = reset(&app, &token, "yet another long passphrase").await;
    assert_eq!(again.status(), 422);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("expired or was already used"));

    let old = post(
        &app,
        "/api/auth/sign_in",
        None,
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(old.status(), 422);
    let new = post(
        &app,
        "/api/auth/sign_in",
        None,
        &[("email", "ada@example.com"), ("password", NEW_PASSWORD)],
    )
    .await;
    let jar = cookies_from(&new);
    assert_eq!(viewer(&app, &jar).await["email"], "ada@example.com");

    let changed = app.mail.wait_for("ada@example.com", 2).await;
    assert_eq!(changed.subject(), "Your Workdesk password was changed");
    assert!(app.mail.to("nobody@example.com").is_empty());

    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = sqlx::query_scalar("select id from organisations where name = 'Engines'")
        .fetch_one(&mut db)
        .await
        .unwrap();
    crate::common::scope_connection(&mut db, org).await;
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'password.reset'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn expired_tampered_and_unknown_links_change_nothing() {
    let app = TestApp::spawn().await;
    crate::common::sign_up(&app, "Ada", "ada@example.com", "Engines").await;
    forgot(&app, None, "ada@example.com").await;
    let token = token_of(
        &app.mail
            .wait_for("ada@example.com", 1)
            .await
            .link("reset-password?token=")
            .unwrap(),
    );
    let mut db = app.db.owner_connection().await;
    sqlx::query("update password_resets set expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .unwrap();
    let mut tampered = token.clone();
    tampered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    for bad in [token.as_str(), tampered.as_str(), "", "not-a-token"] {
        let r = reset(&app, bad, NEW_PASSWORD).await;
        assert_eq!(r.status(), 422, "{bad}");
        let check = post(&app, "/api/auth/reset_link", None, &[("token", bad)]).await;
        assert_eq!(check.text().await.unwrap(), "false", "{bad}");
    }
    let ok = post(
        &app,
        "/api/auth/sign_in",
        None,
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        ok.headers()[header::LOCATION],
        "/",
        "the password did not change"
    );
}

#[tokio::test]
async fn links_use_the_tenant_address_and_requests_are_limited() {
    let app = TestApp::spawn().await;
    crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    forgot(&app, Some("acme.localhost"), "ada@example.com").await;
    let link = app
        .mail
        .wait_for("ada@example.com", 1)
        .await
        .link("reset-password?token=")
        .unwrap();
    assert!(
        link.starts_with("http://acme.localhost/reset-password"),
        "{link}"
    );

    // A forged Host that is not Ada's organisation gets the platform link.
    crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    forgot(&app, Some("globex.localhost"), "ada@example.com").await;
    let link = app
        .mail
        .wait_for("ada@example.com", 2)
        .await
        .link("reset-password?token=")
        .unwrap();
    assert!(link.starts_with("http://127.0.0.1/"), "{link}");

    // Three links per half hour; the answer stays the same after that.
    let (status, body) = forgot(&app, None, "ada@example.com").await;
    app.mail.wait_for("ada@example.com", 3).await;
    assert_eq!(forgot(&app, None, "ada@example.com").await, (status, body));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.mail.to("ada@example.com").len(), 3);

    let bad = forgot(&app, None, "not an email").await;
    assert_eq!(bad.0, 422);
}
