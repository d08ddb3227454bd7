//! A signed-in person's own settings: name, sign-in address, time zone, password and other
//! devices.

use crate::common::{call, cookies_from, json, scope_connection, sign_up, TestApp, PASSWORD};

async fn viewer(app: &TestApp, jar: &str) -> serde_json::Value {
    json(app, "/api/auth/viewer", jar, &[]).await
}

async fn sign_in(app: &TestApp, password: &str) -> reqwest::Response {
    call(
        app,
        "/api/auth/sign_in",
        "",
        &[("email", "ada@example.com"), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn a_name_and_time_zone_are_saved_and_bad_ones_change_nothing() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    assert!(
        viewer(&app, &ada).await["time_zone"].is_null(),
        "the browser's zone at first"
    );

    let zones = json(&app, "/api/profile/time_zones", &ada, &[]).await;
    let zones: Vec<&str> = zones
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|z| z.as_str())
        .collect();
    assert!(zones.contains(&"Europe/London") && zones.contains(&"UTC"));
    assert!(
        !zones
            .iter()
            .any(|z| z.starts_with("Etc/") || z.starts_with("US/")),
        "places, not aliases"
    );

    let update = async |name: &str, zone: &str| {
        call(
            &app,
            "/api/profile/update",
            &ada,
            &[("name", name), ("time_zone", zone)],
        )
        .await
    };
    let refused = update("   ", "Mars/Olympus_Mons").await;
    assert_eq!(refused.status(), 422);
    let problem: serde_json::Value = refused.json().await.unwrap();
    let fields = problem.to_string();
    assert!(fields.contains("Enter your name."), "{fields}");
    assert!(
        fields.contains("Choose a time zone from the list."),
        "{fields}"
    );
    assert_eq!(
        viewer(&app, &ada).await["name"],
        "Ada Lovelace",
        "nothing changed"
    );

    assert_eq!(update("Ada King", "Europe/London").await.status(), 200);
    let v = viewer(&app, &ada).await;
    assert_eq!(
        (v["name"].as_str(), v["time_zone"].as_str()),
        (Some("Ada King"), Some("Europe/London"))
    );
    // Back to the browser's zone.
    assert_eq!(update("Ada King", "").await.status(), 200);
    assert!(viewer(&app, &ada).await["time_zone"].is_null());

    // The new name is in the audit log once, in words colleagues read.
    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = v["organisation_id"].as_str().unwrap().parse().unwrap();
    scope_connection(&mut db, org).await;
    let renamed: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'profile.renamed'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(renamed, 1, "the second save kept the name");
}

#[tokio::test]
async fn a_password_is_changed_behind_the_current_one_and_other_devices_are_signed_out() {
    let app = TestApp::spawn().await;
    let here = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    let phone = cookies_from(&sign_in(&app, PASSWORD).await);
    let laptop = cookies_from(&sign_in(&app, PASSWORD).await);
    assert!(!viewer(&app, &phone).await.is_null());

    let change = async |current: &str, new: &str| {
        call(
            &app,
            "/api/profile/password",
            &here,
            &[("current_password", current), ("new_password", new)],
        )
        .await
    };
    let wrong = change("not my password", "a brand new passphrase").await;
    assert_eq!(wrong.status(), 422);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains("That isn't your current password."));
    let same = change(PASSWORD, PASSWORD).await;
    assert_eq!(same.status(), 422);
    assert!(same
        .text()
        .await
        .unwrap()
        .contains("different from the current one"));
    let short = change(PASSWORD, "short").await;
    assert_eq!(short.status(), 422);
    assert_eq!(
        sign_in(&app, PASSWORD).await.status(),
        200,
        "nothing changed yet"
    );

    let done = change(PASSWORD, "a brand new passphrase").await;
    assert_eq!(done.status(), 200);
    // Three others: the phone, the laptop and the check just above.
    assert_eq!(done.json::<u64>().await.unwrap(), 3);
    assert!(
        !viewer(&app, &here).await.is_null(),
        "this device stays signed in"
    );
    assert!(viewer(&app, &phone).await.is_null());
    assert!(viewer(&app, &laptop).await.is_null());
    assert_eq!(
        sign_in(&app, PASSWORD).await.status(),
        422,
        "the old password is gone"
    );
    assert_eq!(sign_in(&app, "a brand new passphrase").await.status(), 200);

    let notice = app.mail.wait_for("ada@example.com", 1).await;
    assert_eq!(notice.subject(), "Your Workdesk password was changed");
    assert!(notice
        .decoded()
        .contains("every other device was signed out"));
}

#[tokio::test]
async fn other_devices_are_signed_out_and_this_one_stays() {
    let app = TestApp::spawn().await;
    let here = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    let phone = cookies_from(&sign_in(&app, PASSWORD).await);
    let signed_out = json(&app, "/api/profile/sign_out_others", &here, &[]).await;
    assert_eq!(signed_out, 1);
    assert!(viewer(&app, &phone).await.is_null());
    assert!(!viewer(&app, &here).await.is_null());
    let again = json(&app, "/api/profile/sign_out_others", &here, &[]).await;
    assert_eq!(again, 0, "none left");
}

#[tokio::test]
async fn the_devices_list_shows_the_most_recent_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let here = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    for _ in 0..24 {
        assert_eq!(sign_in(&app, PASSWORD).await.status(), 200);
    }
    let first = json(&app, "/api/auth/sessions", &here, &[]).await;
    assert_eq!(first["total"], 25);
    let shown = first["sessions"].as_array().unwrap();
    assert_eq!(shown.len(), 20);
    assert_eq!(shown[0]["current"], true, "this device first, however old");
    let all = json(&app, "/api/auth/sessions", &here, &[("limit", "40")]).await;
    assert_eq!(all["sessions"].as_array().unwrap().len(), 25);
    let refused = call(&app, "/api/auth/sessions", &here, &[("limit", "lots")]).await;
    assert_eq!(refused.status(), 422);
}

async fn ask_for_address(app: &TestApp, jar: &str, new: &str, password: &str) -> reqwest::Response {
    call(
        app,
        "/api/profile/change_email",
        jar,
        &[("new_email", new), ("current_password", password)],
    )
    .await
}

fn email_token(mail: &crate::common::smtp::Received) -> String {
    let link = mail
        .link("/account/email?token=")
        .unwrap_or_else(|| panic!("an address link in {:?}", mail.subject()));
    link.split("token=").nth(1).expect("token").to_string()
}

#[tokio::test]
async fn a_new_address_replaces_the_old_only_when_its_link_is_opened() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;

    for (new, password, says) in [
        (
            "ada.new@example.com",
            "not my password",
            "That isn't your current password.",
        ),
        ("not an address", PASSWORD, "email address"),
        ("ADA@example.com", PASSWORD, "already your sign-in address"),
    ] {
        let refused = ask_for_address(&app, &ada, new, password).await;
        assert_eq!(refused.status(), 422, "{new}");
        let text = refused.text().await.unwrap();
        assert!(text.contains(says), "{new}: {text}");
    }
    assert!(json(&app, "/api/profile/email_change", &ada, &[])
        .await
        .is_null());

    let asked = ask_for_address(&app, &ada, "Ada.New@example.com", PASSWORD).await;
    assert_eq!(asked.status(), 200);
    let waiting = json(&app, "/api/profile/email_change", &ada, &[]).await;
    assert_eq!(waiting["new_email"], "ada.new@example.com");
    let link_mail = app.mail.wait_for("ada.new@example.com", 1).await;
    assert_eq!(
        link_mail.subject(),
        "Confirm your new Workdesk sign-in address"
    );
    let token = email_token(&link_mail);
    let notice = app.mail.wait_for("ada@example.com", 1).await;
    assert!(notice
        .decoded()
        .contains("asked to sign in with ada.new@example.com"));

    // Nothing changes until the link is opened.
    assert_eq!(viewer(&app, &ada).await["email"], "ada@example.com");
    let link = json(&app, "/api/profile/email_link", "", &[("token", &token)]).await;
    assert_eq!(link, "ada.new@example.com");

    // Opened on another device, signed out: the token is the proof.
    let done = call(&app, "/api/profile/confirm_email", "", &[("token", &token)]).await;
    assert_eq!(done.status(), 200);
    assert_eq!(done.json::<String>().await.unwrap(), "ada.new@example.com");
    assert_eq!(viewer(&app, &ada).await["email"], "ada.new@example.com");
    assert!(json(&app, "/api/profile/email_change", &ada, &[])
        .await
        .is_null());
    let sign_in_as = async |email: &str| {
        call(
            &app,
            "/api/auth/sign_in",
            "",
            &[("email", email), ("password", PASSWORD)],
        )
        .await
        .status()
    };
    assert_eq!(sign_in_as("ada.new@example.com").await, 200);
    assert_eq!(sign_in_as("ada@example.com").await, 422);

    let again = call(&app, "/api/profile/confirm_email", "", &[("token", &token)]).await;
    assert_eq!(again.status(), 422, "a link works once");
    assert!(
        json(&app, "/api/profile/email_link", "", &[("token", &token)])
            .await
            .is_null()
    );
    let changed = app.mail.wait_for("ada@example.com", 2).await;
    assert_eq!(
        changed.subject(),
        "Your Workdesk sign-in address was changed"
    );

    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = viewer(&app, &ada).await["organisation_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    scope_connection(&mut db, org).await;
    let audited: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action = 'profile.email_changed'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_taken_address_gets_a_notice_and_a_password_change_withdraws_a_waiting_link() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada Lovelace", "ada@example.com", "Engines").await;
    sign_up(&app, "Grace Hopper", "grace@example.com", "Compilers").await;

    // The same answer as for a free address; Grace is told, and no link exists.
    let taken = ask_for_address(&app, &ada, "grace@example.com", PASSWORD).await;
    assert_eq!(taken.status(), 200);
    let waiting = json(&app, "/api/profile/email_change", &ada, &[]).await;
    assert_eq!(waiting["new_email"], "grace@example.com");
    let to_grace = app.mail.wait_for("grace@example.com", 1).await;
    assert_eq!(
        to_grace.subject(),
        "Your address was offered for another Workdesk account"
    );
    assert!(to_grace.link("/account/email").is_none());

    // A second request replaces the first.
    assert_eq!(
        ask_for_address(&app, &ada, "ada.two@example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let token = email_token(&app.mail.wait_for("ada.two@example.com", 1).await);
    let waiting = json(&app, "/api/profile/email_change", &ada, &[]).await;
    assert_eq!(waiting["new_email"], "ada.two@example.com");

    // Whoever asked may have known only the password: changing it withdraws the link.
    let changed = call(
        &app,
        "/api/profile/password",
        &ada,
        &[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert!(
        json(&app, "/api/profile/email_link", "", &[("token", &token)])
            .await
            .is_null()
    );
    let late = call(&app, "/api/profile/confirm_email", "", &[("token", &token)]).await;
    assert_eq!(late.status(), 422);
    assert!(late
        .text()
        .await
        .unwrap()
        .contains("Ask for the change again"));
    assert_eq!(viewer(&app, &ada).await["email"], "ada@example.com");

    // Cancelled by hand, too.
    assert_eq!(
        ask_for_address(
            &app,
            &ada,
            "ada.three@example.com",
            "a brand new passphrase"
        )
        .await
        .status(),
        200
    );
    assert!(!json(&app, "/api/profile/email_change", &ada, &[])
        .await
        .is_null());
    json(&app, "/api/profile/cancel_email_change", &ada, &[]).await;
    assert!(json(&app, "/api/profile/email_change", &ada, &[])
        .await
        .is_null());
}
