//! A person's own data (GDPR, issue 16): they download everything held about them, and erase
//! their account. What the organisation's records need stays, under a pseudonym; the audit log
//! keeps every event but loses their address and network address.

use crate::common::{call, join_as, json, scope_connection, sign_up, TestApp, PASSWORD};
use uuid::Uuid;

async fn erase(app: &TestApp, jar: &str, password: &str, understood: bool) -> reqwest::Response {
    let mut form = vec![("current_password", password)];
    if understood {
        form.push(("understood", "yes"));
    }
    call(app, "/api/profile/erase", jar, &form).await
}

#[tokio::test]
async fn a_person_takes_their_data_then_is_erased_leaving_a_pseudonymous_trail() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let grace = join_as(&app, &ada, "Grace", "grace@example.com", "staff").await;
    let viewer = json(&app, "/api/auth/viewer", &grace, &[]).await;
    let grace_id: Uuid = viewer["user_id"].as_str().unwrap().parse().unwrap();
    let acme: Uuid = viewer["organisation_id"].as_str().unwrap().parse().unwrap();
    json(
        &app,
        "/api/tickets/create",
        &grace,
        &[("title", "Grace's boiler"), ("priority", "high")],
    )
    .await;

    // Her copy: her account, her organisation, her rows; no secrets.
    let copy = app
        .client
        .get(app.url("/account/export.json"))
        .header(reqwest::header::COOKIE, &grace)
        .send()
        .await
        .unwrap();
    assert_eq!(copy.status(), 200);
    assert!(copy.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("workdesk-my-data-"));
    let copy = copy.text().await.unwrap();
    for expected in [
        "grace@example.com",
        "Acme",
        "Grace's boiler",
        "tickets.requester_id",
    ] {
        assert!(copy.contains(expected), "{expected} in {copy}");
    }
    assert!(
        !copy.contains("argon2") && !copy.contains("ada@example.com"),
        "{copy}"
    );

    // The only admin cannot leave the organisation without one.
    let refused = erase(&app, &ada, PASSWORD, true).await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("only admin of Acme"));
    // Bad input changes nothing.
    assert_eq!(
        erase(&app, &grace, "not her password", true).await.status(),
        422
    );
    assert_eq!(erase(&app, &grace, PASSWORD, false).await.status(), 422);
    assert_eq!(
        json(&app, "/api/auth/viewer", &grace, &[]).await["email"],
        "grace@example.com"
    );

    let mut db = app.db.owner_connection().await;
    scope_connection(&mut db, acme).await;
    let audit_before: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let erased = erase(&app, &grace, PASSWORD, true).await;
    assert_eq!(erased.status(), 200, "{}", erased.text().await.unwrap());

    // Signed out everywhere, and her address signs no one in.
    assert!(json(&app, "/api/auth/viewer", &grace, &[]).await.is_null());
    let sign_in = call(
        &app,
        "/api/auth/sign_in",
        "",
        &[("email", "grace@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_ne!(sign_in.status(), 200);

    let (name, email): (String, String) =
        sqlx::query_as("select name, email from users where id = $1")
            .bind(grace_id)
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert!(name.starts_with("Erased person "), "{name}");
    assert!(email.ends_with("@erased.invalid"), "{email}");
    let logins: i64 = sqlx::query_scalar("select count(*) from login_events where user_id = $1")
        .bind(grace_id)
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(logins, 0, "sign-in history deleted");

    // The organisation's records keep her work and the audit log every event, pseudonymously.
    let creator: Uuid = sqlx::query_scalar("select requester_id from tickets where title = $1")
        .bind("Grace's boiler")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(creator, grace_id);
    let audit: Vec<(String, String)> =
        sqlx::query_as("select action, detail::text from audit_log order by created_at")
            .fetch_all(&mut db)
            .await
            .unwrap();
    assert_eq!(
        audit.len() as i64,
        audit_before + 1,
        "nothing deleted, the erasure added"
    );
    assert!(audit.iter().any(|(a, _)| a == "profile.erased"));
    for (action, detail) in &audit {
        assert!(!detail.contains("grace@example.com"), "{action}: {detail}");
    }
    let her_addresses: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where actor_user_id = $1 and ip is not null",
    )
    .bind(grace_id)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(her_addresses, 0, "her entries keep no network address");
    let members = json(&app, "/api/members/list", &ada, &[]).await.to_string();
    assert!(
        !members.contains("grace@example.com") && !members.contains("\"Grace\""),
        "{members}"
    );
}
