//! A signed-in person's own settings: name, time zone, password and other devices.

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
