//! Invitations, role changes and disabling members, over HTTP with real email.

use crate::common::{call, cookies_from, json, TestApp, PASSWORD};
use reqwest::header;
use uuid::Uuid;

/// Invites `email`, agreeing to an extra seat if every included one is taken (billing's own
/// tests cover that rule); returns the token from the emailed link.
async fn invite(app: &TestApp, jar: &str, email: &str, role: &str, nth: usize) -> String {
    let r = call(
        app,
        "/api/members/invite",
        jar,
        &[
            ("email", email),
            ("role", role),
            ("extra_seat_confirmed", "true"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let mail = app.mail.wait_for(email, nth).await;
    let link = mail.link("/invitation?token=").expect("an invitation link");
    link.split("token=").nth(1).unwrap().to_string()
}

fn member<'a>(list: &'a serde_json::Value, email: &str) -> &'a serde_json::Value {
    list["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {list}"))
}

#[tokio::test]
async fn a_new_person_accepts_an_invitation_and_joins_with_the_role_given() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let token = invite(&app, &ada, "grace@example.com", "manager", 1).await;
    let mail = app.mail.wait_for("grace@example.com", 1).await;
    assert!(mail.subject().contains("Ada invited you to Acme"));
    assert!(
        mail.link("/invitation?token=")
            .unwrap()
            .starts_with("http://acme.localhost/"),
        "links use the organisation's own address"
    );

    let list = json(&app, "/api/members/list", &ada, &[]).await;
    assert_eq!(list["invitations"][0]["email"], "grace@example.com");
    assert_eq!(list["invitations"][0]["role"], "manager");

    let preview = json(&app, "/api/invitations/preview", "", &[("token", &token)]).await;
    assert_eq!(preview["organisation_name"], "Acme");
    assert_eq!(preview["account_exists"], false);

    let bad = call(
        &app,
        "/api/invitations/accept",
        "",
        &[("token", &token), ("name", ""), ("password", "short")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let body = bad.text().await.unwrap();
    assert!(
        body.contains("\"name\"") && body.contains("\"password\""),
        "{body}"
    );

    let ok = call(
        &app,
        "/api/invitations/accept",
        "",
        &[
            ("token", &token),
            ("name", "Grace Hopper"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(ok.headers()[header::LOCATION], "/");
    let grace = cookies_from(&ok);
    let viewer = json(&app, "/api/auth/viewer", &grace, &[]).await;
    assert_eq!(viewer["organisation_name"], "Acme");
    assert_eq!(viewer["role"], "manager");

    let again = call(
        &app,
        "/api/invitations/accept",
        "",
        &[
            ("token", &token),
            ("name", "Mallory"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(again.status(), 422, "an invitation is used once");
    assert!(
        json(&app, "/api/invitations/preview", "", &[("token", &token)])
            .await
            .is_null()
    );
    let list = json(&app, "/api/members/list", &ada, &[]).await;
    assert!(list["invitations"].as_array().unwrap().is_empty());
    assert_eq!(member(&list, "grace@example.com")["role"], "manager");

    // Managers may see the members but not change them.
    let r = call(
        &app,
        "/api/members/invite",
        &grace,
        &[("email", "x@example.com"), ("role", "admin")],
    )
    .await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn an_existing_account_joins_with_its_own_password_and_revoked_invitations_die() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;

    let token = invite(&app, &ada, "bob@example.com", "staff", 1).await;
    let preview = json(&app, "/api/invitations/preview", "", &[("token", &token)]).await;
    assert_eq!(preview["account_exists"], true);
    let wrong = call(
        &app,
        "/api/invitations/accept",
        "",
        &[("token", &token), ("name", ""), ("password", "not bob's")],
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let ok = call(
        &app,
        "/api/invitations/accept",
        "",
        &[("token", &token), ("name", ""), ("password", PASSWORD)],
    )
    .await;
    let bob = cookies_from(&ok);
    let orgs = json(&app, "/api/auth/organisations", &bob, &[]).await;
    assert_eq!(orgs.as_array().unwrap().len(), 2, "Bob now belongs to both");

    // Inviting a member again is refused; a revoked invitation no longer works.
    let dup = call(
        &app,
        "/api/members/invite",
        &ada,
        &[("email", "bob@example.com"), ("role", "staff")],
    )
    .await;
    assert_eq!(dup.status(), 422);
    let token = invite(&app, &ada, "carol@example.com", "staff", 1).await;
    let id = json(&app, "/api/members/list", &ada, &[]).await["invitations"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        call(&app, "/api/members/revoke_invitation", &ada, &[("id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, "/api/members/revoke_invitation", &ada, &[("id", &id)])
            .await
            .status(),
        404
    );
    let late = call(
        &app,
        "/api/invitations/accept",
        "",
        &[("token", &token), ("name", "Carol"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(late.status(), 422);

    for bad in [("not an email", "staff"), ("dan@example.com", "owner")] {
        let r = call(
            &app,
            "/api/members/invite",
            &ada,
            &[("email", bad.0), ("role", bad.1)],
        )
        .await;
        assert_eq!(r.status(), 422, "{bad:?}");
    }
}

#[tokio::test]
async fn roles_change_but_the_last_admin_stays_and_disabled_members_are_out_at_once() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let token = invite(&app, &ada, "grace@example.com", "staff", 1).await;
    let grace = cookies_from(
        &call(
            &app,
            "/api/invitations/accept",
            "",
            &[("token", &token), ("name", "Grace"), ("password", PASSWORD)],
        )
        .await,
    );
    let list = json(&app, "/api/members/list", &ada, &[]).await;
    let ada_id = member(&list, "ada@example.com")["membership_id"]
        .as_str()
        .unwrap()
        .to_string();
    let grace_id = member(&list, "grace@example.com")["membership_id"]
        .as_str()
        .unwrap()
        .to_string();

    let sole = call(
        &app,
        "/api/members/change_role",
        &ada,
        &[("membership_id", &ada_id), ("role", "staff")],
    )
    .await;
    assert_eq!(sole.status(), 409, "the only admin cannot step down");
    let own = call(
        &app,
        "/api/members/set_enabled",
        &ada,
        &[("membership_id", &ada_id), ("enabled", "false")],
    )
    .await;
    assert_eq!(own.status(), 409);

    let staff = call(
        &app,
        "/api/members/change_role",
        &grace,
        &[("membership_id", &ada_id), ("role", "staff")],
    )
    .await;
    assert_eq!(staff.status(), 403, "staff cannot change roles");

    assert_eq!(
        call(
            &app,
            "/api/members/change_role",
            &ada,
            &[("membership_id", &grace_id), ("role", "admin")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        json(&app, "/api/auth/viewer", &grace, &[]).await["role"],
        "admin"
    );
    assert_eq!(
        call(
            &app,
            "/api/members/change_role",
            &ada,
            &[("membership_id", &ada_id), ("role", "manager")]
        )
        .await
        .status(),
        200
    );

    // Grace (now the admin) disables Ada: Ada's session stops working on the next request.
    assert_eq!(
        call(
            &app,
            "/api/members/set_enabled",
            &grace,
            &[("membership_id", &ada_id), ("enabled", "false")]
        )
        .await
        .status(),
        200
    );
    assert!(json(&app, "/api/auth/viewer", &ada, &[]).await.is_null());
    let denied = call(
        &app,
        "/api/auth/sign_in",
        "",
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(
        denied.status(),
        422,
        "a disabled member cannot sign in to that organisation"
    );
    let said = denied.text().await.expect("body");
    assert!(
        said.contains("turned off by an admin"),
        "told why, not that the password is wrong: {said}"
    );
    assert_eq!(
        call(
            &app,
            "/api/members/set_enabled",
            &grace,
            &[("membership_id", &ada_id), ("enabled", "true")]
        )
        .await
        .status(),
        200
    );
    let back = call(
        &app,
        "/api/auth/sign_in",
        "",
        &[("email", "ada@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(back.headers()[header::LOCATION], "/");

    let unknown = Uuid::now_v7().to_string();
    let r = call(
        &app,
        "/api/members/change_role",
        &grace,
        &[("membership_id", &unknown), ("role", "staff")],
    )
    .await;
    assert_eq!(r.status(), 404);

    let audit = json(&app, "/api/audit/page", &grace, &[]).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "member.invited",
        "member.joined",
        "member.role_changed",
        "member.disabled",
        "member.enabled",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
}

#[tokio::test]
async fn the_audit_log_pages_backwards_and_only_admins_read_it() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    // Past the trial's 10 seats each invitation is an extra seat, agreed to here.
    for n in 0..60 {
        let email = format!("p{n}@example.com");
        let r = call(
            &app,
            "/api/members/invite",
            &ada,
            &[
                ("email", &email),
                ("role", "staff"),
                ("extra_seat_confirmed", "true"),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    let first = json(&app, "/api/audit/page", &ada, &[]).await;
    assert_eq!(first["entries"].as_array().unwrap().len(), 50);
    let next = first["next"].as_str().unwrap().to_string();
    let second = json(&app, "/api/audit/page", &ada, &[("filter[before]", &next)]).await;
    let total = 50 + second["entries"].as_array().unwrap().len();
    assert!(
        total >= 62,
        "60 invitations, the organisation and Ada's joining: {total}"
    );
    assert!(second["next"].is_null());
    assert_eq!(first["entries"][0]["actor"], "Ada <ada@example.com>");

    // Narrowed by kind, person and day (the viewer's days), and downloaded as CSV.
    let count = async |filter: &[(&str, &str)]| {
        let page = json(&app, "/api/audit/page", &ada, filter).await;
        let mut n = page["entries"].as_array().unwrap().len();
        let mut next = page["next"].as_str().map(String::from);
        while let Some(before) = next {
            let mut more = filter.to_vec();
            more.push(("filter[before]", &before));
            let page = json(&app, "/api/audit/page", &ada, &more).await;
            n += page["entries"].as_array().unwrap().len();
            next = page["next"].as_str().map(String::from);
        }
        n
    };
    let members = count(&[("filter[area]", "members")]).await;
    assert!(members >= 60, "{members}");
    assert_eq!(count(&[("filter[area]", "billing")]).await, 0);
    let today = time::OffsetDateTime::now_utc().date();
    let (yesterday, tomorrow) = (
        (today - time::Duration::days(1)).to_string(),
        (today + time::Duration::days(1)).to_string(),
    );
    assert_eq!(count(&[("filter[from]", &tomorrow)]).await, 0);
    assert_eq!(count(&[("filter[to]", &yesterday)]).await, 0);
    assert_eq!(
        count(&[("filter[from]", &yesterday), ("filter[to]", &tomorrow)]).await,
        total
    );
    let nobody = uuid::Uuid::now_v7().to_string();
    assert_eq!(count(&[("filter[actor]", &nobody)]).await, 0);
    let csv = app
        .client
        .get(app.url("/audit/export.csv?area=members"))
        .header(header::COOKIE, &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "When (UTC),Who,Action,Target,Details,Address");
    assert_eq!(
        lines.len(),
        members + 1,
        "every matching entry, past one page"
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(",member.invited,"))
            .count(),
        60
    );
    assert!(!csv.contains("session."), "only the kind asked for");

    let token = invite(&app, &ada, "staff@example.com", "staff", 1).await;
    let staff = cookies_from(
        &call(
            &app,
            "/api/invitations/accept",
            "",
            &[("token", &token), ("name", "Sam"), ("password", PASSWORD)],
        )
        .await,
    );
    assert_eq!(
        call(&app, "/api/audit/page", &staff, &[]).await.status(),
        403
    );
    assert_eq!(call(&app, "/api/audit/page", "", &[]).await.status(), 401);
    let download = app
        .client
        .get(app.url("/audit/export.csv"))
        .header(header::COOKIE, &staff)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 403, "staff cannot download it either");
}
