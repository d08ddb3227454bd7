//! Locations and assets (issue 17): an asset's place and person are its client's, the
//! warranty list, links to tickets, the CSV export and the REST API.

use crate::common::{call, json, scope_connection, sign_up, TestApp};
use serde_json::Value;

async fn client(app: &TestApp, jar: &str, name: &str, domain: &str) -> String {
    json(
        app,
        "/api/clients/save",
        jar,
        &[("client[name]", name), ("client[domains]", domain)],
    )
    .await
    .as_str()
    .unwrap()
    .to_string()
}

async fn contact(app: &TestApp, jar: &str, name: &str, email: &str, client: &str) -> String {
    json(
        app,
        "/api/contacts/save",
        jar,
        &[
            ("contact[name]", name),
            ("contact[emails]", email),
            ("contact[client]", client),
        ],
    )
    .await
    .as_str()
    .unwrap()
    .to_string()
}

async fn location(app: &TestApp, jar: &str, client: &str, name: &str) -> String {
    json(
        app,
        "/api/locations/save",
        jar,
        &[("location[client]", client), ("location[name]", name)],
    )
    .await
    .as_str()
    .unwrap()
    .to_string()
}

async fn asset(app: &TestApp, jar: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let form: Vec<(String, &str)> = fields
        .iter()
        .map(|(k, v)| (format!("asset[{k}]"), *v))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    call(app, "/api/assets/save", jar, &form).await
}

fn day(offset: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(offset)).to_string()
}

#[tokio::test]
async fn an_assets_place_and_person_are_its_clients_and_the_keys_say_so_too() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = client(&app, &ada, "Initech", "initech.com").await;
    let umbrella = client(&app, &ada, "Umbrella", "umbrella.example").await;
    let peter = contact(&app, &ada, "Peter", "peter@initech.com", &initech).await;
    let alice = contact(&app, &ada, "Alice", "alice@umbrella.example", &umbrella).await;
    let office = location(&app, &ada, &initech, "Head office").await;
    let lab = location(&app, &ada, &umbrella, "Lab").await;

    // The same name at the same client, whatever its case, is refused with the name.
    let r = call(
        &app,
        "/api/locations/save",
        &ada,
        &[
            ("location[client]", &initech),
            ("location[name]", "HEAD OFFICE"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("already has a location called Head office"));

    // Another client's place or person: a field error each, nothing stored.
    for (field, value, message) in [
        ("location", lab.as_str(), "this client's locations"),
        ("contact", alice.as_str(), "someone at this client"),
    ] {
        let r = asset(
            &app,
            &ada,
            &[("client", &initech), ("name", "Laptop"), (field, value)],
        )
        .await;
        assert_eq!(r.status(), 422, "{field}");
        let body = r.text().await.unwrap();
        assert!(body.contains(message), "{body}");
    }
    let r = asset(
        &app,
        &ada,
        &[
            ("client", &initech),
            ("kind", "laptop"),
            ("name", "Peter's ThinkPad"),
            ("serial_number", "PF-12345"),
            ("location", &office),
            ("contact", &peter),
            ("purchased_on", "2025-01-10"),
            ("warranty_ends", "2028-01-10"),
            ("properties", "RAM: 16 GB\nOS = Linux"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let id: String = r.json().await.unwrap();
    let page = json(&app, "/api/assets/get", &ada, &[("id", &id)]).await;
    assert_eq!(page["choices"]["locations"][0][1], "Head office");
    let a = &page["asset"];
    assert_eq!(a["location_name"], "Head office");
    assert_eq!(a["contact_name"], "Peter");
    assert_eq!(
        a["properties"],
        serde_json::json!({ "OS": "Linux", "RAM": "16 GB" })
    );
    assert_eq!(a["purchased_on"], "2025-01-10");

    // Below the forms, the database refuses a contact of another client all the same.
    let mut owner = app.db.owner_connection().await;
    let org: uuid::Uuid = sqlx::query_scalar(
        "select s.active_organisation_id from sessions s join users u on u.id = s.user_id
          where u.email = 'ada@example.com' limit 1",
    )
    .fetch_one(&mut owner)
    .await
    .unwrap();
    let mut db = app.db.app_connection().await;
    scope_connection(&mut db, org).await;
    let scoped: i64 = sqlx::query_scalar("select count(*) from assets")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(scoped, 1, "the connection sees the organisation's assets");
    let refused = sqlx::query("update assets set contact_id = $1 where id = $2")
        .bind(uuid::Uuid::parse_str(&alice).unwrap())
        .bind(uuid::Uuid::parse_str(&id).unwrap())
        .execute(&mut db)
        .await;
    assert!(refused.is_err(), "a contact of another client was accepted");

    // Peter moves to Umbrella: he hands the laptop back, and the move goes through.
    let r = call(
        &app,
        "/api/contacts/save",
        &ada,
        &[
            ("id", &peter),
            ("version", "1"),
            ("contact[name]", "Peter"),
            ("contact[emails]", "peter@initech.com"),
            ("contact[client]", &umbrella),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let page = json(&app, "/api/assets/get", &ada, &[("id", &id)]).await;
    assert_eq!(page["asset"]["contact"], Value::Null);
    assert_eq!(page["asset"]["location_name"], "Head office");

    // A new asset's form offers the client's places and people, and no one else's.
    let choices = json(&app, "/api/assets/choices", &ada, &[("client", &umbrella)]).await;
    assert_eq!(choices["locations"][0][1], "Lab");
    let people: Vec<&str> = choices["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_str().unwrap())
        .collect();
    assert_eq!(people, ["Alice", "Peter"]);

    // The client's page shows its places and things.
    let overview = json(&app, "/api/clients/get", &ada, &[("id", &initech)]).await;
    assert_eq!(overview["locations"][0]["name"], "Head office");
    assert_eq!(overview["locations"][0]["assets"], 1);
    assert_eq!(overview["asset_count"], 1);
    assert_eq!(overview["assets"][0]["name"], "Peter's ThinkPad");
}

#[tokio::test]
async fn the_warranty_list_holds_the_next_thirty_days_soonest_first_in_keyset_pages() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = client(&app, &ada, "Initech", "initech.com").await;
    // 60 ending within the month (two per day, so pages split a day), and some that do not.
    for i in 0..60 {
        let ends = day(i / 2);
        let r = asset(
            &app,
            &ada,
            &[
                ("client", &initech),
                ("name", &format!("Soon {i:02}")),
                ("warranty_ends", &ends),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    for (name, ends) in [
        ("Lapsed", day(-1)),
        ("Later", day(31)),
        ("Unknown", String::new()),
    ] {
        let r = asset(
            &app,
            &ada,
            &[
                ("client", &initech),
                ("name", name),
                ("warranty_ends", &ends),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut after = String::new();
    loop {
        let page = json(
            &app,
            "/api/assets/list",
            &ada,
            &[("filter[warranty]", "true"), ("filter[after]", &after)],
        )
        .await;
        for row in page["rows"].as_array().unwrap() {
            seen.push((
                row["warranty_ends"].to_string(),
                row["name"].as_str().unwrap().to_string(),
            ));
        }
        match page["next"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 60, "{seen:?}");
    let names: std::collections::HashSet<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names.len(), 60, "a row twice or missing across pages");
    assert!(!names.contains("Lapsed") && !names.contains("Later") && !names.contains("Unknown"));
    // Soonest first: the first two end today.
    assert!(seen[0].1.starts_with("Soon 0"), "{seen:?}");
    // The whole list, by name, has all 63; a kind narrows it.
    let all = json(&app, "/api/assets/list", &ada, &[("filter[q]", "soon 5")]).await;
    assert_eq!(all["rows"].as_array().unwrap().len(), 10);
    let none = json(
        &app,
        "/api/assets/list",
        &ada,
        &[("filter[kind]", "printer")],
    )
    .await;
    assert_eq!(none["rows"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_ticket_links_its_clients_assets_by_serial_or_name_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = client(&app, &ada, "Initech", "initech.com").await;
    let umbrella = client(&app, &ada, "Umbrella", "umbrella.example").await;
    for (c, name, serial) in [
        (&initech, "Reception printer", "HP-1"),
        (&initech, "Twin", "T-1"),
        (&initech, "Twin", "T-2"),
        (&umbrella, "Lab server", "US-9"),
    ] {
        let r = asset(
            &app,
            &ada,
            &[("client", c), ("name", name), ("serial_number", serial)],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    // A ticket from someone at Initech is Initech's.
    let r = call(
        &app,
        "/api/tickets/create",
        &ada,
        &[
            ("title", "Printer jams"),
            ("priority", "low"),
            ("requester", "peter@initech.com"),
        ],
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());
    let link = |words: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let r = call(
                app,
                "/api/assets/link",
                ada,
                &[("number", "1"), ("asset", words)],
            )
            .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (status, body) = link("US-9").await;
    assert_eq!(status, 422, "another client's asset: {body}");
    assert!(body.contains("client has no asset"), "{body}");
    let (status, body) = link("twin").await;
    assert_eq!(status, 422);
    assert!(body.contains("use the serial number"), "{body}");
    assert_eq!(link("hp-1").await.0, 200);
    assert_eq!(link("Reception Printer").await.0, 200, "twice is no change");
    assert_eq!(link("T-2").await.0, 200);
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let names: Vec<&str> = ticket["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Reception printer", "Twin"]);
    let linked = ticket["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "asset_linked")
        .count();
    assert_eq!(linked, 2, "each link once on the timeline");
    // The asset's page lists the ticket; unlinking takes it off, twice is not found.
    let printer = ticket["assets"][0]["id"].as_str().unwrap().to_string();
    let page = json(&app, "/api/assets/get", &ada, &[("id", &printer)]).await;
    assert_eq!(page["tickets"][0]["title"], "Printer jams");
    let form = [("number", "1"), ("asset", printer.as_str())];
    let r = call(&app, "/api/assets/unlink", &ada, &form).await;
    assert_eq!(r.status(), 200);
    let r = call(&app, "/api/assets/unlink", &ada, &form).await;
    assert_eq!(r.status(), 404);
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(ticket["assets"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn assets_download_as_csv_and_travel_through_the_rest_api() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let initech = client(&app, &ada, "Initech", "initech.com").await;
    let secret = json(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", "sync"), ("role", "staff")],
    )
    .await["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let send = |method: reqwest::Method, path: String, body: Value| {
        app.client
            .request(method, app.url(&path))
            .bearer_auth(&secret)
            .json(&body)
            .send()
    };
    use reqwest::Method;
    use serde_json::json as j;
    let r = send(
        Method::POST,
        "/api/v1/locations".into(),
        j!({ "client_id": initech, "name": "Plant", "address": "1 Main St" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let plant: Value = r.json().await.unwrap();
    let r = send(
        Method::POST,
        "/api/v1/assets".into(),
        j!({
        "client_id": initech, "kind": "printer", "name": "=cmd|' /C calc'!A0",
        "serial_number": "SN-1", "location_id": plant["id"], "warranty_ends": "2030-01-31",
        "properties": { "Toner": "HP 26A", "Trays": "2" } }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let printer: Value = r.json().await.unwrap();
    assert_eq!(printer["location_name"], "Plant");
    assert_eq!(printer["properties"]["Trays"], "2");
    // Refused as sent: unknown kinds, a bad date, a property name the form could not keep, a
    // warranty ending before the purchase, a location of nobody's.
    for bad in [
        j!({ "client_id": initech, "name": "X", "kind": "toaster" }),
        j!({ "client_id": initech, "name": "X", "purchased_on": "31/01/2030" }),
        j!({ "client_id": initech, "name": "X", "properties": { "a:b": "c" } }),
        j!({ "client_id": initech, "name": "X", "purchased_on": "2030-01-02", "warranty_ends": "2030-01-01" }),
        j!({ "client_id": initech, "name": "X", "location_id": uuid::Uuid::nil() }),
    ] {
        let r = send(Method::POST, "/api/v1/assets".into(), bad.clone())
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{bad}");
    }
    let r = send(
        Method::POST,
        "/api/v1/assets".into(),
        j!({ "client_id": uuid::Uuid::nil(), "name": "X" }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    let r = send(
        Method::PUT,
        location.clone(),
        j!({
        "client_id": initech, "kind": "printer", "name": "Plant printer", "serial_number": "SN-1",
        "location_id": plant["id"], "version": 1 }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let r = send(
        Method::PUT,
        location,
        j!({ "client_id": initech, "name": "Stale", "version": 1 }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 409);
    let listed: Value = app
        .client
        .get(app.url("/api/v1/assets?kind=printer&q=plant"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["rows"][0]["name"], "Plant printer");
    let r = app
        .client
        .get(app.url("/api/v1/assets?warranty=later"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let places: Value = app
        .client
        .get(app.url(&format!("/api/v1/locations?client={initech}")))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(places[0]["assets"], 1);

    let r = send(
        Method::POST,
        "/api/v1/assets".into(),
        j!({
        "client_id": initech, "kind": "laptop", "name": "=cmd|' /C calc'!A0",
        "properties": { "Note": "has, commas" } }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let csv = app
        .client
        .get(app.url("/assets/export.csv"))
        .header(reqwest::header::COOKIE, &ada)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "client,kind,name,manufacturer,model,serial_number,purchased_on,warranty_ends,location,assigned_to,properties"
    );
    assert_eq!(
        lines[1],
        "Initech,laptop,'=cmd|' /C calc'!A0,,,,,,,,\"{\"\"Note\"\":\"\"has, commas\"\"}\""
    );
    assert!(
        lines[2].starts_with("Initech,printer,Plant printer,,,SN-1,,,Plant,,"),
        "{csv}"
    );
    assert_eq!(csv.matches("\r\n").count(), 3);
}
