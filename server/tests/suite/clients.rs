//! Clients and contacts (issue 17): what the forms refuse, and the lists' keyset pages.

use crate::common::{call, join_as, json, sign_up, TestApp};

async fn refused(app: &TestApp, jar: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = call(app, path, jar, form).await;
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_domain_and_an_address_each_belong_to_one_and_a_clash_names_the_other() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = json(
        &app,
        "/api/clients/save",
        &ada,
        &[
            ("client[name]", "Initech"),
            ("client[domains]", "initech.com, Initech.co.uk"),
            ("client[time_zone]", "America/Chicago"),
        ],
    )
    .await;
    let initech = initech.as_str().unwrap().to_string();
    // Another client claiming one of its domains, or the same name in other case.
    let (status, body) = refused(
        &app,
        &ada,
        "/api/clients/save",
        &[
            ("client[name]", "Initrode"),
            ("client[domains]", "initrode.com initech.co.uk"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("initech.co.uk already belongs to Initech"),
        "{body}"
    );
    let (status, body) = refused(
        &app,
        &ada,
        "/api/clients/save",
        &[("client[name]", "INITECH")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("already a client called"), "{body}");
    let (status, body) = refused(
        &app,
        &ada,
        "/api/clients/save",
        &[
            ("client[name]", "Zoned"),
            ("client[time_zone]", "Mars/Olympus"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("time_zone"), "{body}");

    json(
        &app,
        "/api/contacts/save",
        &ada,
        &[
            ("contact[name]", "Peter Gibbons"),
            ("contact[emails]", "peter@initech.com"),
            ("contact[client]", initech.as_str()),
        ],
    )
    .await;
    let (status, body) = refused(
        &app,
        &ada,
        "/api/contacts/save",
        &[
            ("contact[name]", "Someone Else"),
            ("contact[emails]", "other@initech.com, PETER@initech.com"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("peter@initech.com is already the address of Peter Gibbons"),
        "{body}"
    );
    // Nothing of the refused contact was written.
    let all = json(&app, "/api/contacts/list", &ada, &[]).await;
    assert_eq!(all["rows"].as_array().unwrap().len(), 1);

    let page = json(&app, "/api/clients/get", &ada, &[("id", initech.as_str())]).await;
    assert_eq!(
        page["client"]["domains"],
        serde_json::json!(["initech.co.uk", "initech.com"])
    );
    assert_eq!(
        page["contacts"][0]["emails"],
        serde_json::json!(["peter@initech.com"])
    );
    // The form that saw version 1 after someone else saved: refused, not overwritten.
    for expected in [200, 409] {
        let r = call(
            &app,
            "/api/clients/save",
            &ada,
            &[
                ("id", initech.as_str()),
                ("version", "1"),
                ("client[name]", "Initech Inc"),
            ],
        )
        .await;
        assert_eq!(r.status(), expected);
    }
}

#[tokio::test]
async fn staff_add_contacts_but_only_managers_and_admins_add_clients() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let grace = join_as(&app, &ada, "Grace", "grace@example.com", "staff").await;
    let (status, _) = refused(
        &app,
        &grace,
        "/api/clients/save",
        &[("client[name]", "Initech")],
    )
    .await;
    assert_eq!(status, 403);
    json(
        &app,
        "/api/contacts/save",
        &grace,
        &[("contact[name]", "Walk-in customer")],
    )
    .await;
}

#[tokio::test]
async fn the_client_list_pages_by_name_and_finds_a_domain() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    for n in 0..120 {
        let (name, domain) = (format!("Client {n:03}"), format!("c{n}.example"));
        json(
            &app,
            "/api/clients/save",
            &ada,
            &[
                ("client[name]", name.as_str()),
                ("client[domains]", domain.as_str()),
            ],
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut form = vec![];
        if let Some(a) = &after {
            form.push(("filter[after]", a.as_str()));
        }
        let page = json(&app, "/api/clients/list", &ada, &form).await;
        for row in page["rows"].as_array().unwrap() {
            seen.push(row["name"].as_str().unwrap().to_string());
        }
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..120).map(|n| format!("Client {n:03}")).collect();
    assert_eq!(seen, expected, "every client once, in name order");

    let found = json(
        &app,
        "/api/clients/list",
        &ada,
        &[("filter[q]", "c17.exam")],
    )
    .await;
    let names: Vec<&str> = found["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Client 017"]);
    // `%` is a character to find, not a wildcard.
    let none = json(&app, "/api/clients/list", &ada, &[("filter[q]", "%")]).await;
    assert!(none["rows"].as_array().unwrap().is_empty());
}
