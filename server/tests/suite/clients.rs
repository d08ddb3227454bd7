//! Clients and contacts (issue 17): what the forms refuse, and the lists' keyset pages.

use crate::common::{call, join_as, json, scope_connection, sign_up, TestApp};

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

/// Creates a ticket through the form's server function; its number.
async fn ticket_for(app: &TestApp, jar: &str, title: &str, requester: &str) -> reqwest::Response {
    call(
        app,
        "/api/tickets/create",
        jar,
        &[
            ("title", title),
            ("priority", "low"),
            ("requester", requester),
        ],
    )
    .await
}

#[tokio::test]
async fn a_requester_is_the_contact_with_the_address_or_a_new_one_at_the_client_of_its_domain() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = json(
        &app,
        "/api/clients/save",
        &ada,
        &[
            ("client[name]", "Initech"),
            ("client[domains]", "initech.com"),
        ],
    )
    .await;
    let initech: uuid::Uuid = initech.as_str().unwrap().parse().unwrap();
    let peter: uuid::Uuid = json(
        &app,
        "/api/contacts/save",
        &ada,
        &[
            ("contact[name]", "Peter Gibbons"),
            ("contact[emails]", "peter@initech.com, pg@home.example"),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .parse()
    .unwrap();
    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = sqlx::query_scalar(
        "select s.active_organisation_id from sessions s join users u on u.id = s.user_id
          where u.email = 'ada@example.com' limit 1",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    scope_connection(&mut db, org).await;
    let tied = |number: i64| {
        sqlx::query_as::<_, (Option<uuid::Uuid>, Option<uuid::Uuid>)>(
            "select contact_id, client_id from tickets where number = $1",
        )
        .bind(number)
    };

    // Peter by his second address: the contact he is (a contact at no client stays so).
    let r = ticket_for(&app, &ada, "Printer", "PG@home.example").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        tied(1).fetch_one(&mut db).await.unwrap(),
        (Some(peter), None)
    );

    // Someone new at Initech, as the picker writes them: a new contact there, by that name.
    let r = ticket_for(
        &app,
        &ada,
        "TPS reports",
        "\"Lumbergh, Bill\" <bill@initech.com>",
    )
    .await;
    assert_eq!(r.status(), 200);
    let (bill, client) = tied(2).fetch_one(&mut db).await.unwrap();
    assert_eq!(client, Some(initech));
    let name: String = sqlx::query_scalar("select name from contacts where id = $1")
        .bind(bill)
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(name, "Lumbergh, Bill");
    // The same address again is the same person; a stranger's domain gives no client.
    ticket_for(&app, &ada, "Stapler", "bill@initech.com").await;
    assert_eq!(
        tied(3).fetch_one(&mut db).await.unwrap(),
        (bill, Some(initech))
    );
    ticket_for(&app, &ada, "Hello", "milton@basement.example").await;
    let (milton, none) = tied(4).fetch_one(&mut db).await.unwrap();
    assert!(milton.is_some() && none.is_none());

    // A requester that is not an address: refused beside its field, no ticket, no contact.
    let contacts = "select count(*) from contacts";
    let before: i64 = sqlx::query_scalar(contacts)
        .fetch_one(&mut db)
        .await
        .unwrap();
    let r = ticket_for(&app, &ada, "Nope", "Bill Lumbergh").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("requester"));
    let after: i64 = sqlx::query_scalar(contacts)
        .fetch_one(&mut db)
        .await
        .unwrap();
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!((after, tickets), (before, 4));

    // Ten tickets at once from one newcomer: one contact, all ten theirs.
    let sends = (0..10).map(|i| {
        let (app, ada) = (&app, &ada);
        async move { ticket_for(app, ada, &format!("Burst {i}"), "Samir <samir@initech.com>").await }
    });
    for r in futures::future::join_all(sends).await {
        assert_eq!(r.status(), 200);
    }
    let samir: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
        "select contact_id, count(*) from tickets where title like 'Burst %' group by contact_id",
    )
    .fetch_all(&mut db)
    .await
    .unwrap();
    assert_eq!(samir.len(), 1, "{samir:?}");
    assert_eq!(samir[0].1, 10);

    // The ticket shows who it is for; the list narrows to a client's or a contact's tickets.
    let detail = json(&app, "/api/tickets/get", &ada, &[("number", "2")]).await;
    assert_eq!(detail["contact"]["name"], "Lumbergh, Bill");
    assert_eq!(detail["contact"]["email"], "bill@initech.com");
    assert_eq!(detail["contact"]["client_name"], "Initech");
    let token = json(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", "Sync"), ("role", "staff")],
    )
    .await;
    let secret = token["secret"].as_str().unwrap().to_string();
    let created: serde_json::Value = app
        .client
        .post(app.url("/api/v1/tickets"))
        .bearer_auth(&secret)
        .json(&serde_json::json!({ "title": "Via the API", "requester": "Peter@Initech.com" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(created["contact"]["id"], peter.to_string());
    let listed = |query: String| {
        let (app, secret) = (&app, &secret);
        async move {
            let r = app
                .client
                .get(app.url(&format!("/api/v1/tickets?{query}&sort=number&dir=asc")))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap();
            let body: serde_json::Value = r.json().await.unwrap();
            body["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["number"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    let of_initech = listed(format!("client={initech}")).await;
    assert_eq!(of_initech.len(), 12, "{of_initech:?}");
    assert_eq!(&of_initech[..2], &[2, 3]);
    assert_eq!(listed(format!("contact={peter}")).await, vec![1, 15]);
}

#[tokio::test]
async fn the_lists_download_as_csv_as_they_are_narrowed_with_formulas_defused() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    for (name, domains, status) in [
        (
            "=HYPERLINK(\"http://evil.example\")",
            "evil.example",
            "active",
        ),
        ("Initech, Ltd", "initech.com, initech.co.uk", "active"),
        ("Umbrella", "umbrella.example", "inactive"),
    ] {
        json(
            &app,
            "/api/clients/save",
            &ada,
            &[
                ("client[name]", name),
                ("client[domains]", domains),
                ("client[status]", status),
                ("client[notes]", "Line one\nline two"),
            ],
        )
        .await;
    }
    json(
        &app,
        "/api/contacts/save",
        &ada,
        &[
            ("contact[name]", "@Peter"),
            ("contact[emails]", "peter@initech.com, pg@home.example"),
            ("contact[may_approve]", "yes"),
        ],
    )
    .await;
    let download = |path: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let r = app
                .client
                .get(app.url(path))
                .header(reqwest::header::COOKIE, ada)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert!(r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment"));
            r.text().await.unwrap()
        }
    };
    let all = download("/clients/export.csv").await;
    let lines: Vec<&str> = all.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "name,domains,phone,address,time_zone,currency,status,account_manager,notes"
    );
    // By name; the formula shown as text, commas and line breaks quoted.
    assert!(
        lines[1].starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\")\",evil.example,"),
        "{all}"
    );
    // (Domains in the database's collation order, which may weigh the dots or not.)
    assert!(
        lines[2].starts_with("\"Initech, Ltd\",\"initech.co"),
        "{all}"
    );
    assert!(
        lines[2].ends_with(",,,,EUR,active,,\"Line one\nline two\""),
        "{all}"
    );
    assert_eq!(all.matches("\r\n").count(), 4, "{all}");
    let inactive = download("/clients/export.csv?status=inactive").await;
    assert_eq!(inactive.matches("\r\n").count(), 2);
    assert!(inactive.contains("Umbrella"));
    let people = download("/contacts/export.csv?q=peter").await;
    assert_eq!(
        people,
        "name,emails,phone,job_title,client,portal_access,may_approve\r\n\
         '@Peter,\"peter@initech.com, pg@home.example\",,,,none,yes\r\n"
    );
}

#[tokio::test]
async fn the_rest_api_adds_lists_and_changes_clients_and_contacts_within_the_documents_limits() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let token = |role: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            json(
                app,
                "/api/api_tokens/create",
                ada,
                &[("name", role), ("role", role)],
            )
            .await["secret"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let (manager, staff) = (token("manager").await, token("staff").await);
    let send = |method: reqwest::Method, path: String, secret: &str, body: serde_json::Value| {
        app.client
            .request(method, app.url(&path))
            .bearer_auth(secret)
            .json(&body)
            .send()
    };
    use reqwest::Method;
    use serde_json::json as j;

    let r = send(Method::POST, "/api/v1/clients".into(), &manager,
        j!({ "name": "Initech", "domains": ["initech.com"], "currency": "gbp", "status": "active" }))
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let initech: serde_json::Value = r.json().await.unwrap();
    assert_eq!(initech["currency"], "GBP");
    assert_eq!(
        location,
        format!("/api/v1/clients/{}", initech["id"].as_str().unwrap())
    );

    // What the document forbids is refused as it came, before any trimming: nothing stored.
    for bad in [
        j!({ "name": format!("{} ", "x".repeat(200)) }),
        j!({ "name": "Many", "domains": vec![""; 21] }),
        j!({ "name": "Money", "currency": " eu" }),
        j!({ "name": "Old", "version": 0 }),
        j!({ "name": "Unknown", "colour": "red" }),
    ] {
        let r = send(
            Method::POST,
            "/api/v1/clients".into(),
            &manager,
            bad.clone(),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), 422, "{bad}");
    }
    // Staff may add people but not clients.
    let r = send(
        Method::POST,
        "/api/v1/clients".into(),
        &staff,
        j!({ "name": "Staffed" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    let listed: serde_json::Value = app
        .client
        .get(app.url("/api/v1/clients?q=initech.c"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["rows"].as_array().unwrap().len(), 1);
    let r = app
        .client
        .get(app.url("/api/v1/clients?status=gone"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);

    // A change names the version it was made against; a stale one is a conflict.
    let put = |version: i64, name: &str| {
        send(
            Method::PUT,
            location.clone(),
            &manager,
            j!({ "name": name, "domains": ["initech.com"], "version": version }),
        )
    };
    let r = put(1, "Initech Ltd").await.unwrap();
    assert_eq!(r.status(), 200);
    let changed: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (changed["name"].as_str(), changed["version"].as_i64()),
        (Some("Initech Ltd"), Some(2))
    );
    assert_eq!(put(1, "Initech Again").await.unwrap().status(), 409);
    let r = send(
        Method::PUT,
        location.clone(),
        &manager,
        j!({ "name": "No version" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);

    let r = send(
        Method::POST,
        "/api/v1/contacts".into(),
        &staff,
        j!({
        "name": "Peter Gibbons", "emails": ["peter@initech.com"], "client_id": initech["id"],
        "may_approve": true, "portal_access": "own" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let peter: serde_json::Value = r.json().await.unwrap();
    assert_eq!(peter["client_name"], "Initech Ltd");
    let r = send(
        Method::POST,
        "/api/v1/contacts".into(),
        &staff,
        j!({ "name": "Copy", "emails": ["Peter@initech.com"] }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Peter Gibbons"));
    let people: serde_json::Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/contacts?client={}",
            initech["id"].as_str().unwrap()
        )))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(people["rows"][0]["name"], "Peter Gibbons");
    let r = send(Method::PUT, format!("/api/v1/contacts/{}", peter["id"].as_str().unwrap()), &staff,
        j!({ "name": "Peter Gibbons", "emails": ["peter@initech.com"], "job_title": "Programmer", "version": 1 }))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .client
        .get(app.url("/api/v1/contacts/not-an-id"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
