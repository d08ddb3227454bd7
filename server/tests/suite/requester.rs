//! Changing who a ticket is for (issue 17): the client follows the requester, a newcomer
//! becomes a contact at the client of their domain, and the timeline says who changed it.

use crate::common::{call, json, sign_up, TestApp};

#[tokio::test]
async fn a_tickets_requester_changes_and_its_client_follows() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    json(
        &app,
        "/api/clients/save",
        &ada,
        &[
            ("client[name]", "Initech"),
            ("client[domains]", "initech.com"),
        ],
    )
    .await;
    let r = call(
        &app,
        "/api/tickets/create",
        &ada,
        &[("title", "Printer jams"), ("priority", "low")],
    )
    .await;
    assert!(r.status().is_success());
    let change = |requester: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let r = call(
                app,
                "/api/tickets/requester",
                ada,
                &[("number", "1"), ("requester", requester)],
            )
            .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, body) = change("Peter Gibbons <peter@initech.com>").await;
    assert_eq!(status, 200, "{body}");
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(ticket["contact"]["name"], "Peter Gibbons");
    assert_eq!(ticket["contact"]["client_name"], "Initech");
    let events: Vec<String> = ticket["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(events.contains(&"requester".to_string()), "{events:?}");

    // Bad input changes nothing.
    let (status, body) = change("not an address").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("requester"), "{body}");
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(ticket["contact"]["name"], "Peter Gibbons");

    // Someone at no client: the ticket has no client either; nobody clears both.
    assert_eq!(change("bob@consultants.example").await.0, 200);
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(ticket["contact"]["name"], "bob");
    assert_eq!(ticket["contact"]["client"], serde_json::Value::Null);
    assert_eq!(change("").await.0, 200);
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(ticket["contact"], serde_json::Value::Null);
    let listed = json(&app, "/api/tickets/list", &ada, &[]).await;
    assert_eq!(listed["tickets"][0]["number"], 1);
    // Another organisation's ticket number is just a number of one's own: none here.
    let r = call(
        &app,
        "/api/tickets/requester",
        &ada,
        &[("number", "99"), ("requester", "")],
    )
    .await;
    assert_eq!(r.status(), 404);
}
