//! Signing up, in and out over HTTP, as a browser without script would: real cookies, real
//! sessions, real PostgreSQL.

use crate::common::{cookie, cookies_from, scope_connection, TestApp, PASSWORD};
use reqwest::header;
use reqwest::StatusCode;

/// Signs up Ada Lovelace with `email` in a new `organisation`; returns the cookies.
async fn sign_up(app: &TestApp, email: &str, organisation: &str) -> String {
    crate::common::sign_up(app, "Ada Lovelace", email, organisation).await
}

async fn sign_in(
    app: &TestApp,
    host: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/auth/sign_in"))
        .form(&[("email", email), ("password", password)]);
    if let Some(h) = host {
        req = req.header(header::HOST, h);
    }
    req.send().await.unwrap()
}

async fn viewer(app: &TestApp, jar: &str) -> serde_json::Value {
    let r = app
        .client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn sign_up_creates_a_user_an_organisation_and_an_admin_membership() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "Ada@Example.com", "Analytical Engines").await;
    let v = viewer(&app, &jar).await;
    assert_eq!(v["email"], "ada@example.com");
    assert_eq!(v["organisation_name"], "Analytical Engines");
    assert_eq!(v["role"], "admin");

    let mut db = app.db.owner_connection().await;
    let slug: String = sqlx::query_scalar("select slug from organisations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(slug, "analytical-engines");
    let hash: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$"),
        "passwords are stored as argon2id hashes only"
    );
    // FORCE: even the owner sees tenant rows only with the tenant set.
    let unscoped: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(unscoped, 0);
    let org: uuid::Uuid = sqlx::query_scalar("select id from organisations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    scope_connection(&mut db, org).await;
    let actions: Vec<String> = sqlx::query_scalar("select action from audit_log order by id")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(
        actions,
        ["organisation.created", "member.joined", "session.signed_in"]
    );
}

async fn sign_up_form(
    app: &TestApp,
    name: &str,
    email: &str,
    organisation: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/sign_up"))
        .form(&[
            ("name", name),
            ("email", email),
            ("password", PASSWORD),
            ("organisation", organisation),
        ])
        .send()
        .await
        .unwrap()
}

/// Fills in the sign-up form as Ada and returns the token of the link in the `nth` email.
async fn requested_link(app: &TestApp, organisation: &str, nth: usize) -> String {
    let r = sign_up_form(app, "Ada", "ada@example.com", organisation).await;
    assert_eq!(r.status(), 200);
    crate::common::sign_up_token(&app.mail.wait_for("ada@example.com", nth).await)
}

/// Presses the sign-up link page's button, whatever the outcome.
async fn open_sign_up_link(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/confirm_sign_up"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut db = app.db.owner_connection().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&mut db)
        .await
        .unwrap()
}

/// The form used to answer 409 "already exists" for a registered address. It now answers as
/// for a new one, makes nothing, and tells the account's owner by email instead.
#[tokio::test]
async fn a_sign_up_with_a_known_address_answers_as_for_a_new_one_and_emails_the_owner() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "First").await;

    let known = sign_up_form(&app, "Imposter", "ADA@example.com", "Second").await;
    let (known_status, known_body) = (known.status(), known.text().await.unwrap());
    let new = sign_up_form(&app, "Newcomer", "new@example.com", "Third").await;
    assert_eq!(known_status, new.status());
    assert_eq!(known_body, new.text().await.unwrap());
    assert_eq!(known_status, 200);

    let notice = app.mail.wait_for("ada@example.com", 1).await;
    assert_eq!(notice.subject(), "You already have a Workdesk account");
    assert!(
        notice.link("/signup/confirm").is_none(),
        "no link to finish anything"
    );
    assert!(notice.link("/forgot-password").is_some());
    let link = app.mail.wait_for("new@example.com", 1).await;
    assert!(link.link("/signup/confirm?token=").is_some());

    assert_eq!(count(&app, "select count(*) from organisations").await, 1);
    assert_eq!(
        count(&app, "select count(*) from users").await,
        1,
        "nothing is made before the link is opened"
    );
}

#[tokio::test]
async fn a_sign_up_link_shows_what_it_makes_works_once_and_then_is_dead() {
    let app = TestApp::spawn().await;
    let token = requested_link(&app, "Engines", 1).await;

    let check = |token: String| {
        let app = &app;
        async move {
            let r = app
                .client
                .post(app.url("/api/auth/sign_up_link"))
                .form(&[("token", token.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let pending = check(token.clone()).await;
    assert_eq!(pending["email"], "ada@example.com");
    assert_eq!(pending["organisation_name"], "Engines");

    let jar = crate::common::confirm_sign_up(&app, &token).await;
    assert_eq!(viewer(&app, &jar).await["organisation_name"], "Engines");
    assert!(
        check(token.clone()).await.is_null(),
        "a used link shows as dead"
    );

    let again = open_sign_up_link(&app, &token).await;
    assert_eq!(again.status(), 422);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("expired or was already used"));
    assert_eq!(count(&app, "select count(*) from organisations").await, 1);

    for bad in ["", "not-a-token", &"A".repeat(43)] {
        assert!(check(bad.to_string()).await.is_null(), "{bad}");
    }
}

#[tokio::test]
async fn an_expired_sign_up_link_makes_nothing_and_sign_ups_past_three_an_hour_send_no_mail() {
    let app = TestApp::spawn().await;
    let token = requested_link(&app, "Engines", 1).await;
    let mut db = app.db.owner_connection().await;
    sqlx::query("update sign_up_requests set expires_at = now() - interval '1 second'")
        .execute(&mut db)
        .await
        .unwrap();
    let r = open_sign_up_link(&app, &token).await;
    assert_eq!(r.status(), 422);
    assert_eq!(count(&app, "select count(*) from users").await, 0);

    for _ in 0..3 {
        assert_eq!(
            sign_up_form(&app, "Ada", "ada@example.com", "Engines")
                .await
                .status(),
            200
        );
    }
    app.mail.wait_for("ada@example.com", 3).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        app.mail.to("ada@example.com").len(),
        3,
        "the fourth in an hour sent nothing"
    );
}

/// Two links for one address: the second opened finds the account made and says so.
#[tokio::test]
async fn of_two_sign_up_links_for_one_address_only_the_first_opened_makes_an_account() {
    let app = TestApp::spawn().await;
    let first = requested_link(&app, "First", 1).await;
    let second = requested_link(&app, "Second", 2).await;
    crate::common::confirm_sign_up(&app, &second).await;
    let r = open_sign_up_link(&app, &first).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(count(&app, "select count(*) from organisations").await, 1);
}

#[tokio::test]
async fn bad_sign_up_input_is_reported_per_field() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/api/auth/sign_up"))
        .form(&[
            ("name", ""),
            ("email", "not-an-email"),
            ("password", "short"),
            ("organisation", &"x".repeat(300)),
        ])
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    for field in ["\"name\"", "\"email\"", "\"password\"", "\"organisation\""] {
        assert!(body.contains(field), "{field} missing in {body}");
    }
    let mut db = app.db.owner_connection().await;
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn sign_in_works_and_wrong_passwords_get_the_same_answer_as_unknown_accounts() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "Engines").await;

    let ok = sign_in(&app, None, "ada@example.com", PASSWORD).await;
    let jar = cookies_from(&ok);
    assert_eq!(viewer(&app, &jar).await["name"], "Ada Lovelace");

    let wrong = sign_in(&app, None, "ada@example.com", "not the password")
        .await
        .text()
        .await
        .unwrap();
    let unknown = sign_in(&app, None, "nobody@example.com", "not the password")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(wrong, unknown, "no account enumeration through sign-in");
    assert!(wrong.contains("don't match"), "{wrong}");
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "Engines").await;
    for _ in 0..5 {
        sign_in(&app, None, "ada@example.com", "wrong password").await;
    }
    let r = sign_in(&app, None, "ada@example.com", PASSWORD).await;
    let body = r.text().await.unwrap();
    assert!(
        body.contains("rate_limited"),
        "the right password is refused while throttled: {body}"
    );

    // The window slides: once the failures are older than it, the owner gets in.
    let mut db = app.db.owner_connection().await;
    sqlx::query("update login_events set created_at = created_at - interval '16 minutes'")
        .execute(&mut db)
        .await
        .unwrap();
    let r = sign_in(&app, None, "ada@example.com", PASSWORD).await;
    assert!(
        cookie(&cookies_from(&r), "wd_access").is_some(),
        "not locked out forever"
    );
}

#[tokio::test]
async fn sign_out_revokes_the_session_even_for_a_still_valid_access_token() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "ada@example.com", "Engines").await;
    let r = app
        .client
        .post(app.url("/api/auth/sign_out"))
        .header(header::COOKIE, &jar)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection() || r.status().is_success());
    // The browser would drop the cookies; a thief who copied them must get nothing either.
    assert!(viewer(&app, &jar).await.is_null());
}

/// The session check reads the viewer in the same round trip by setting the tenant inside
/// `session_viewer`; a caller already scoped to a tenant must keep its own.
#[tokio::test]
async fn the_session_and_viewer_look_up_leaves_the_callers_tenant_alone() {
    let app = TestApp::spawn().await;
    let _jar = sign_up(&app, "ada@example.com", "Engines").await;
    let mut owner = app.db.owner_connection().await;
    let (session, organisation): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select id, active_organisation_id from sessions")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    let other = uuid::Uuid::now_v7();
    let mut conn = app.db.app_connection().await;
    sqlx::query("begin").execute(&mut conn).await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(other.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    let (name, viewer_org, role): (Option<String>, uuid::Uuid, Option<String>) =
        sqlx::query_as("select name, organisation_id, role from session_viewer($1)")
            .bind(session)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(viewer_org, organisation);
    assert_eq!(role.as_deref(), Some("admin"));
    let tenant: Option<uuid::Uuid> = sqlx::query_scalar("select current_tenant_id()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(tenant, Some(other), "the caller's tenant is put back");
    sqlx::query("rollback").execute(&mut conn).await.unwrap();

    // Revoked: no row at all, so the request is signed out.
    sqlx::query("update sessions set revoked_at = now()")
        .execute(&mut owner)
        .await
        .unwrap();
    let rows = sqlx::query("select * from session_viewer($1)")
        .bind(session)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(rows.is_empty());
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    let first = sign_up(&app, "ada@example.com", "Engines").await;
    let second = cookies_from(&sign_in(&app, None, "ada@example.com", PASSWORD).await);
    assert!(!viewer(&app, &second).await.is_null());
    app.client
        .post(app.url("/api/auth/sign_out_everywhere"))
        .header(header::COOKIE, &first)
        .send()
        .await
        .unwrap();
    assert!(viewer(&app, &first).await.is_null());
    assert!(viewer(&app, &second).await.is_null());
}

#[tokio::test]
async fn refresh_rotates_the_session_and_a_replayed_old_token_revokes_it() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "ada@example.com", "Engines").await;
    let old_refresh = format!("wd_session={}", cookie(&jar, "wd_session").unwrap());

    // No access token: the session cookie alone signs the request in and is rotated.
    let r = app
        .client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, &old_refresh)
        .send()
        .await
        .unwrap();
    let rotated = cookies_from(&r);
    assert!(!r.json::<serde_json::Value>().await.unwrap().is_null());
    let new_refresh = format!(
        "wd_session={}",
        cookie(&rotated, "wd_session").expect("a new session secret")
    );
    assert_ne!(new_refresh, old_refresh);

    // Long after the rotation, the old secret comes back: someone copied it. Kill the session.
    let mut db = app.db.owner_connection().await;
    sqlx::query("update sessions set last_seen_at = now() - interval '5 minutes'")
        .execute(&mut db)
        .await
        .unwrap();
    assert!(viewer(&app, &old_refresh).await.is_null());
    assert!(
        viewer(&app, &new_refresh).await.is_null(),
        "the whole session is revoked"
    );
}

#[tokio::test]
async fn two_parallel_refreshes_do_not_look_like_theft() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "ada@example.com", "Engines").await;
    let refresh = format!("wd_session={}", cookie(&jar, "wd_session").unwrap());
    let (a, b) = tokio::join!(viewer(&app, &refresh), viewer(&app, &refresh));
    assert!(
        !a.is_null() && !b.is_null(),
        "both requests of one browser stay signed in"
    );
}

#[tokio::test]
async fn tampered_access_tokens_are_ignored() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "ada@example.com", "Engines").await;
    let access = cookie(&jar, "wd_access").unwrap();
    let mut parts: Vec<&str> = access.split('.').collect();
    let forged_sig = "A".repeat(parts[2].len());
    parts[2] = &forged_sig;
    let forged = format!("wd_access={}", parts.join("."));
    assert!(viewer(&app, &forged).await.is_null());
}

#[tokio::test]
async fn cross_site_writes_are_refused_before_any_handler() {
    let app = TestApp::spawn().await;
    let jar = sign_up(&app, "ada@example.com", "Engines").await;
    let host = app.base.trim_start_matches("http://").to_string();
    // The same host under another scheme is another origin (issue 12).
    let other_scheme = format!("https://{host}");
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("origin", other_scheme.as_str()),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = app
            .client
            .post(app.url("/api/auth/sign_out_everywhere"))
            .header(header::COOKIE, &jar)
            .header(name, value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{name}: {value}");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
    assert!(
        !viewer(&app, &jar).await.is_null(),
        "the session survived the forged requests"
    );

    let same = app
        .client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, &jar)
        .header("origin", format!("http://{host}"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200);
}

#[tokio::test]
async fn a_tenant_host_signs_in_only_its_own_members() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "Acme").await;
    sign_up(&app, "bob@example.com", "Globex").await;

    let page = app
        .client
        .get(app.url("/signin"))
        .header(header::HOST, "acme.localhost")
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Sign in to Acme"));

    let ada = sign_in(&app, Some("acme.localhost"), "ada@example.com", PASSWORD).await;
    assert!(cookie(&cookies_from(&ada), "wd_access").is_some());
    let bob = sign_in(&app, Some("acme.localhost"), "bob@example.com", PASSWORD).await;
    assert!(
        cookie(&cookies_from(&bob), "wd_access").is_none(),
        "Globex's member cannot sign in on Acme's host"
    );
}

#[tokio::test]
async fn verified_custom_domains_resolve_and_unknown_hosts_do_not() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "Acme").await;
    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = sqlx::query_scalar("select id from organisations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    scope_connection(&mut db, org).await;
    sqlx::query(
        "insert into org_domains (organisation_id, id, hostname, verification_token, verified_at)
         select id, gen_random_uuid(), 'support.acme.test', 'token', now() from organisations",
    )
    .execute(&mut db)
    .await
    .unwrap();
    sqlx::query(
        "insert into org_domains (organisation_id, id, hostname, verification_token)
         select id, gen_random_uuid(), 'pending.acme.test', 'token' from organisations",
    )
    .execute(&mut db)
    .await
    .unwrap();

    let get = |host: &'static str| {
        app.client
            .get(app.url("/signin"))
            .header(header::HOST, host)
            .send()
    };
    let r = get("support.acme.test").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Sign in to Acme"));
    for unknown in ["pending.acme.test", "nobody.localhost", "elsewhere.example"] {
        let r = get(unknown).await.unwrap();
        assert_eq!(r.status(), 404, "{unknown}");
        assert!(
            r.text().await.unwrap().contains("Unknown workspace"),
            "{unknown}"
        );
    }
}

#[tokio::test]
async fn another_users_session_cannot_be_revoked() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "ada@example.com", "Acme").await;
    let bob = sign_up(&app, "bob@example.com", "Globex").await;
    let mut db = app.db.owner_connection().await;
    let ada_session: uuid::Uuid = sqlx::query_scalar(
        "select s.id from sessions s join users u on u.id = s.user_id where u.email = 'ada@example.com'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let r = app
        .client
        .post(app.url("/api/auth/revoke_session"))
        .header(header::COOKIE, &bob)
        .form(&[("id", ada_session.to_string())])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("not_found"));
    assert!(
        !viewer(&app, &ada).await.is_null(),
        "Ada is still signed in"
    );
}

#[tokio::test]
async fn a_member_of_two_organisations_switches_without_signing_in_again() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "ada@example.com", "Acme").await;
    sign_up(&app, "bob@example.com", "Globex").await;
    sign_up(&app, "eve@example.com", "Initech").await;

    // Bob's Globex takes Ada on as staff.
    let mut db = app.db.owner_connection().await;
    let globex: uuid::Uuid =
        sqlx::query_scalar("select id from organisations where slug = 'globex'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    let initech: uuid::Uuid =
        sqlx::query_scalar("select id from organisations where slug = 'initech'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    scope_connection(&mut db, globex).await;
    sqlx::query("insert into memberships (organisation_id, id, user_id, role) select $1, gen_random_uuid(), id, 'staff' from users where email = 'ada@example.com'")
        .bind(globex)
        .execute(&mut db)
        .await
        .unwrap();

    let switch = |org: uuid::Uuid| {
        app.client
            .post(app.url("/api/auth/switch_organisation"))
            .header(header::COOKIE, &ada)
            .form(&[("organisation_id", org.to_string())])
            .send()
    };
    let r = switch(globex).await.unwrap();
    let switched = cookies_from(&r);
    let access =
        cookie(&switched, "wd_access").expect("a new access token for the new organisation");
    let jar = format!(
        "wd_access={access}; wd_session={}",
        cookie(&ada, "wd_session").unwrap()
    );
    let v = viewer(&app, &jar).await;
    assert_eq!(v["organisation_name"], "Globex");
    assert_eq!(v["role"], "staff");

    let r = switch(initech).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "not a member of Initech");
    let active: uuid::Uuid = sqlx::query_scalar(
        "select s.active_organisation_id from sessions s join users u on u.id = s.user_id
          where u.email = 'ada@example.com' order by s.created_at limit 1",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        active, globex,
        "the refused switch left the session where it was"
    );
}

#[tokio::test]
async fn login_activity_lists_attempts_newest_first() {
    let app = TestApp::spawn().await;
    sign_up(&app, "ada@example.com", "Acme").await;
    sign_in(&app, None, "ada@example.com", "wrong password").await;
    let jar = cookies_from(&sign_in(&app, None, "ada@example.com", PASSWORD).await);
    let r = app
        .client
        .post(app.url("/api/auth/activity"))
        .header(header::COOKIE, &jar)
        .send()
        .await
        .unwrap();
    let list: Vec<serde_json::Value> = r.json().await.unwrap();
    let outcomes: Vec<&str> = list
        .iter()
        .map(|a| a["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["succeeded", "failed", "succeeded"]);
}
