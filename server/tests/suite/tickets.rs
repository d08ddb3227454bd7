//! Tickets over HTTP: numbering, the filtered and paginated list, search, changes with
//! optimistic concurrency and status rules, comments, and Markdown made safe.

use crate::common::{call, json, TestApp};
use reqwest::header;
use serde_json::Value;

async fn create(app: &TestApp, jar: &str, title: &str, description: &str, priority: &str) -> i64 {
    json(
        app,
        "/api/tickets/create",
        jar,
        &[
            ("title", title),
            ("description", description),
            ("priority", priority),
            ("queue", ""),
            ("assignee", ""),
        ],
    )
    .await
    .as_i64()
    .unwrap()
}

async fn list(app: &TestApp, jar: &str, filter: &[(&str, &str)]) -> Value {
    let form: Vec<(String, &str)> = filter
        .iter()
        .map(|(k, v)| (format!("filter[{k}]"), *v))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    json(app, "/api/tickets/list", jar, &form).await
}

fn numbers(page: &Value) -> Vec<i64> {
    page["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["number"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn tickets_are_numbered_per_organisation_even_when_created_at_once() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    // Polled together, so the requests overlap on the server.
    let made = futures::future::join_all((0..12).map(|n| {
        let (app, ada) = (&app, &ada);
        async move { create(app, ada, &format!("Ticket {n}"), "", "medium").await }
    }))
    .await;
    let mut sorted = made.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        (1..=12).collect::<Vec<_>>(),
        "no duplicates, no gaps"
    );
    assert_eq!(create(&app, &bob, "Globex's first", "", "low").await, 1);
}

#[tokio::test]
async fn the_list_filters_searches_and_pages_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    for n in 1..=120 {
        let priority = if n % 10 == 0 { "urgent" } else { "low" };
        create(&app, &ada, &format!("Ticket {n}"), "routine", priority).await;
    }
    create(
        &app,
        &ada,
        "Printer on fire",
        "The **printer** in room 4 is smoking",
        "high",
    )
    .await;

    // Keyset pages: 50 + 50 + 21, newest first, every ticket exactly once.
    let mut seen = Vec::new();
    let mut after = String::new();
    loop {
        let filter: Vec<(&str, &str)> = if after.is_empty() {
            vec![("sort", "newest")]
        } else {
            vec![("sort", "newest"), ("after", after.as_str())]
        };
        let page = list(&app, &ada, &filter).await;
        seen.extend(numbers(&page));
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(seen, (1..=121).rev().collect::<Vec<_>>());

    let urgent = list(&app, &ada, &[("priority", "urgent")]).await;
    assert_eq!(numbers(&urgent).len(), 12);
    let found = list(&app, &ada, &[("text", "printer smoking")]).await;
    assert_eq!(numbers(&found), [121]);
    // As typed: word beginnings match, punctuation is not query syntax.
    let found = list(&app, &ada, &[("text", "Print smok")]).await;
    assert_eq!(numbers(&found), [121]);
    let found = list(&app, &ada, &[("text", "smok:* | !")]).await;
    assert_eq!(numbers(&found), [121]);

    // Comments are searched too.
    let id = json(&app, "/api/tickets/get", &ada, &[("number", "5")]).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = call(
        &app,
        "/api/tickets/comment",
        &ada,
        &[("ticket_id", &id), ("body", "toner cartridge replaced")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let found = list(&app, &ada, &[("text", "cartridge")]).await;
    assert_eq!(numbers(&found), [5]);
    // One search may match words from the description and from a comment together.
    let found = list(&app, &ada, &[("text", "routine toner")]).await;
    assert_eq!(numbers(&found), [5]);

    let bad = call(
        &app,
        "/api/tickets/list",
        &ada,
        &[("filter[after]", "garbage")],
    )
    .await;
    assert_eq!(bad.status(), 422);
}

/// Every column's order pages without gaps or repeats (ties included), is counted, and gives
/// each ticket its neighbours; the quick views' filters pick the right tickets.
#[tokio::test]
async fn every_order_pages_counts_and_knows_a_tickets_neighbours() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let priorities = ["low", "medium", "high", "urgent"];
    for n in 0..110 {
        create(&app, &ada, &format!("Ticket {n}"), "", priorities[n % 4]).await;
    }
    // Some due dates (two in the past), some assigned to Ada, one moved along.
    let me = json(&app, "/api/auth/viewer", &ada, &[]).await["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (number, due, mine) in [
        (3, "2020-01-02", true),
        (7, "2020-01-01", false),
        (9, "2100-01-01", true),
    ] {
        let id = json(
            &app,
            "/api/tickets/get",
            &ada,
            &[("number", &number.to_string())],
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let assignee = if mine { me.as_str() } else { "" };
        // As the sidebar saves: one property at a time, no version.
        for (only, value) in [("due", due), ("assignee", assignee)] {
            let r = call(
                &app,
                "/api/tickets/update",
                &ada,
                &[("id", id.as_str()), ("only", only), (only, value)],
            )
            .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
    }

    let walk = |sort: &'static str| {
        let (app, ada) = (&app, &ada);
        async move {
            let mut seen = Vec::new();
            let mut after = String::new();
            loop {
                let mut filter = vec![("sort", sort)];
                if !after.is_empty() {
                    filter.push(("after", after.as_str()));
                }
                let page = list(app, ada, &filter).await;
                assert_eq!(page["total"], 110, "{sort}");
                seen.extend(numbers(&page));
                match page["next"].as_str() {
                    Some(n) => after = n.to_string(),
                    None => break,
                }
            }
            seen
        }
    };
    for sort in [
        "updated",
        "number",
        "number:asc",
        "priority",
        "priority:asc",
        "due",
        "due:desc",
        "status",
    ] {
        let seen = walk(sort).await;
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique,
            (1..=110).collect::<Vec<_>>(),
            "{sort}: every ticket once"
        );
        // Neighbours agree with the walk, at the ends and in the middle.
        for at in [0, 49, 50, 109] {
            let n = json(
                &app,
                "/api/tickets/neighbours",
                &ada,
                &[("number", &seen[at].to_string()), ("filter[sort]", sort)],
            )
            .await;
            assert_eq!(
                n["previous"].as_i64(),
                at.checked_sub(1).map(|p| seen[p]),
                "{sort} {at}"
            );
            assert_eq!(n["next"].as_i64(), seen.get(at + 1).copied(), "{sort} {at}");
        }
    }
    let urgent_first = walk("priority").await;
    assert!(
        urgent_first[..27].iter().all(|n| (n - 1) % 4 == 3),
        "{urgent_first:?}"
    );
    let soonest = walk("due").await;
    assert_eq!(soonest[..3], [7, 3, 9], "due dates first, soonest first");

    assert_eq!(
        numbers(&list(&app, &ada, &[("assignee", "me")]).await),
        [9, 3]
    );
    assert_eq!(
        list(&app, &ada, &[("assignee", "none")]).await["total"],
        108
    );
    let overdue = list(&app, &ada, &[("overdue", "true"), ("sort", "due")]).await;
    assert_eq!(numbers(&overdue), [7, 3]);
    assert_eq!(overdue["total"], 2);
    // A cursor from another order is refused, not misread.
    let by_priority = list(&app, &ada, &[("sort", "priority")]).await;
    let r = call(
        &app,
        "/api/tickets/list",
        &ada,
        &[("filter[after]", by_priority["next"].as_str().unwrap())],
    )
    .await;
    assert_eq!(r.status(), 422);
    let missing = call(&app, "/api/tickets/neighbours", &ada, &[("number", "999")]).await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn changes_follow_the_status_rules_and_stale_versions_are_refused() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    create(&app, &ada, "Broken chair", "", "medium").await;
    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let id = t["id"].as_str().unwrap().to_string();
    let queue = t["queue_id"].as_str().unwrap().to_string();
    let change = |status: &'static str, version: &'static str| {
        let (id, queue) = (id.clone(), queue.clone());
        let (app, ada) = (&app, &ada);
        async move {
            call(
                app,
                "/api/tickets/update",
                ada,
                &[
                    ("id", id.as_str()),
                    ("version", version),
                    ("status", status),
                    ("priority", "high"),
                    ("queue", queue.as_str()),
                    ("assignee", ""),
                ],
            )
            .await
        }
    };
    let closed_too_soon = change("closed", "1").await;
    assert_eq!(closed_too_soon.status(), 422, "open cannot jump to closed");
    assert_eq!(change("resolved", "1").await.status(), 200);
    let stale = change("open", "1").await;
    assert_eq!(stale.status(), 409, "made against an old version");
    assert!(stale.text().await.unwrap().contains("Reload"));
    assert_eq!(change("closed", "2").await.status(), 200);

    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(
        (
            t["status"].as_str(),
            t["priority"].as_str(),
            t["version"].as_i64()
        ),
        (Some("closed"), Some("high"), Some(3))
    );
    let kinds: Vec<&str> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "status", "priority", "status"], "{t}");
    let timeline = crate::common::page(&app, "/tickets/1", &ada).await;
    assert!(
        timeline.contains("Changed status from open to resolved"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Changed priority from medium to high"),
        "{timeline}"
    );

    let unknown = uuid::Uuid::now_v7().to_string();
    let r = call(
        &app,
        "/api/tickets/update",
        &ada,
        &[
            ("id", &unknown),
            ("version", "1"),
            ("status", "open"),
            ("priority", "low"),
            ("queue", ""),
            ("assignee", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = call(&app, "/api/tickets/get", &ada, &[("number", "999")]).await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn bad_input_is_refused_and_markdown_is_made_safe() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let long = "x".repeat(201);
    for (title, priority, queue) in [
        ("", "low", ""),
        (long.as_str(), "low", ""),
        ("Ok", "extreme", ""),
        ("Ok", "low", "not-a-uuid"),
    ] {
        let r = call(
            &app,
            "/api/tickets/create",
            &ada,
            &[
                ("title", title),
                ("description", ""),
                ("priority", priority),
                ("queue", queue),
                ("assignee", ""),
            ],
        )
        .await;
        assert_eq!(r.status(), 422, "{title:.10} {priority} {queue}");
    }
    let foreign_queue = uuid::Uuid::now_v7().to_string();
    let r = call(
        &app,
        "/api/tickets/create",
        &ada,
        &[
            ("title", "Ok"),
            ("description", ""),
            ("priority", "low"),
            ("queue", &foreign_queue),
            ("assignee", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "an unknown queue");
    let list = json(&app, "/api/tickets/list", &ada, &[]).await;
    assert!(
        list["tickets"].as_array().unwrap().is_empty(),
        "nothing half-written"
    );

    create(
        &app,
        &ada,
        "XSS",
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        "low",
    )
    .await;
    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let html = t["description_html"].as_str().unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img") && !html.contains("href=\"javascript"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");

    let id = t["id"].as_str().unwrap();
    let r = call(
        &app,
        "/api/tickets/comment",
        &ada,
        &[("ticket_id", id), ("body", "   ")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let r = call(
        &app,
        "/api/tickets/comment",
        &ada,
        &[
            ("ticket_id", id),
            ("body", "internal"),
            ("internal", "true"),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(t["comments"][0]["internal"], true);

    // Sent before the queue and assignee menus loaded: the default queue, unassigned.
    let r = call(
        &app,
        "/api/tickets/create",
        &ada,
        &[("title", "Early"), ("priority", "low")],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let early = json(&app, "/api/tickets/get", &ada, &[("number", "2")]).await;
    assert_eq!(
        (early["queue"].as_str(), early["assignee"].as_str()),
        (Some("General"), None)
    );
}

#[tokio::test]
async fn inspections_record_hours_and_approvals_are_decided_once_by_someone_else() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let grace = crate::common::join_as(&app, &ada, "Grace", "grace@example.com", "manager").await;
    let sam = crate::common::join_as(&app, &ada, "Sam", "sam@example.com", "staff").await;
    create(&app, &ada, "New boiler", "", "high").await;
    let id = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let inspect = |hours: &'static str| {
        let id = id.clone();
        let (app, sam) = (&app, &sam);
        async move {
            call(
                app,
                "/api/tickets/inspect",
                sam,
                &[
                    ("ticket_id", id.as_str()),
                    ("summary", "Boiler leaks"),
                    ("cause", "Old seal"),
                    ("recommendation", "Replace"),
                    ("hours", hours),
                ],
            )
            .await
        }
    };
    assert_eq!(inspect("1.5h").await.status(), 422);
    assert_eq!(inspect("1.5").await.status(), 200);
    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(t["inspections"][0]["estimated_minutes"], 90);

    let r = call(
        &app,
        "/api/tickets/request_approval",
        &ada,
        &[("ticket_id", &id), ("note", "Buy a new boiler: GBP 2,400")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let t = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let approval = t["approvals"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        t["approvals"][0]["viewer_can_decide"], false,
        "not your own request"
    );
    let decide = |jar: &str, decision: &'static str, reason: &'static str| {
        let (approval, jar) = (approval.clone(), jar.to_string());
        let app = &app;
        async move {
            call(
                app,
                "/api/tickets/decide_approval",
                &jar,
                &[
                    ("approval_id", approval.as_str()),
                    ("decision", decision),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    assert_eq!(
        decide(&ada, "approved", "").await.status(),
        403,
        "the requester cannot approve"
    );
    assert_eq!(
        decide(&sam, "approved", "").await.status(),
        403,
        "staff cannot approve"
    );
    assert_eq!(
        decide(&grace, "rejected", "").await.status(),
        422,
        "a rejection says why"
    );
    assert_eq!(
        decide(&grace, "approved", "Within budget").await.status(),
        200
    );
    let again = decide(&grace, "rejected", "Changed my mind").await;
    assert_eq!(again.status(), 409, "decided once");
    let t = json(&app, "/api/tickets/get", &grace, &[("number", "1")]).await;
    assert_eq!(t["approvals"][0]["decision"], "approved");
    assert_eq!(t["approvals"][0]["decided_by"], "Grace");
    assert_eq!(t["approvals"][0]["viewer_can_decide"], false);
    let unknown = uuid::Uuid::now_v7().to_string();
    let r = call(
        &app,
        "/api/tickets/decide_approval",
        &grace,
        &[("approval_id", unknown.as_str()), ("decision", "approved")],
    )
    .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn the_filtered_list_exports_as_csv_with_formulas_defused() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    create(
        &app,
        &ada,
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "",
        "high",
    )
    .await;
    create(&app, &ada, "Chairs, tables and \"desks\"", "", "high").await;
    create(&app, &ada, "Low one", "", "low").await;

    let r = app
        .client
        .get(app.url("/tickets/export.csv?priority=high&sort=oldest"))
        .header(header::COOKIE, &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(r.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"tickets-"));
    let body = r.text().await.unwrap();
    let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len(),
        3,
        "header and the two high-priority tickets: {body}"
    );
    assert!(lines[0].starts_with("number,title,status"));
    assert!(lines[1].starts_with("1,\"'=HYPERLINK("), "{}", lines[1]);
    assert!(
        lines[2].starts_with("2,\"Chairs, tables and \"\"desks\"\"\",open,high,General,,,,,Ada,"),
        "{}",
        lines[2]
    );

    // Compressed, as browsers ask for it: the stream must end cleanly through the encoder.
    let compressed = app
        .client
        .get(app.url("/tickets/export.csv"))
        .header(header::COOKIE, &ada)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "gzip");
    let bytes = compressed.bytes().await.expect("the whole body arrives");
    assert!(bytes.starts_with(&[0x1f, 0x8b]), "a gzip stream");

    let anonymous = app.get("/tickets/export.csv").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn due_dates_are_set_changed_and_cleared_as_days() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let r = call(
        &app,
        "/api/tickets/create",
        &ada,
        &[
            ("title", "Quarterly check"),
            ("priority", "low"),
            ("due", "3 December"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422, "a date that is not year-month-day");
    let n = json(
        &app,
        "/api/tickets/create",
        &ada,
        &[
            ("title", "Quarterly check"),
            ("priority", "low"),
            ("due", "2026-12-03"),
        ],
    )
    .await
    .to_string();
    let number = [("number", n.as_str())];
    let get = || json(&app, "/api/tickets/get", &ada, &number);
    let t = get().await;
    let due = t["due_on"].clone();
    assert!(!due.is_null(), "{t}");
    let update = |version: String, due: Option<&'static str>| {
        let id = t["id"].as_str().unwrap().to_string();
        let ada = ada.clone();
        let app = &app;
        async move {
            let mut form = vec![
                ("id", id),
                ("version", version),
                ("status", "open".to_string()),
                ("priority", "low".to_string()),
                ("queue", String::new()),
                ("assignee", String::new()),
            ];
            if let Some(d) = due {
                form.push(("due", d.to_string()));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(app, "/api/tickets/update", &ada, &form).await.status()
        }
    };
    // Sending the date it already has changes nothing: the version stays.
    assert_eq!(update("1".into(), Some("2026-12-03")).await, 200);
    assert_eq!(get().await["version"], 1);
    assert_eq!(update("1".into(), Some("2026-12-24")).await, 200);
    let moved = get().await;
    assert_ne!(moved["due_on"], due);
    assert!(moved["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "due" && e["to"] == "2026-12-24"));
    assert!(crate::common::page(&app, &format!("/tickets/{n}"), &ada)
        .await
        .contains("Set the due date to 2026-12-24"));
    assert_eq!(update("2".into(), Some("2026-13-01")).await, 422);
    assert_eq!(update("2".into(), None).await, 200);
    let cleared = get().await;
    assert!(cleared["due_on"].is_null());
    assert!(cleared["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "due" && e["to"].is_null()));
    assert!(crate::common::page(&app, &format!("/tickets/{n}"), &ada)
        .await
        .contains("Removed the due date"));
}

#[tokio::test]
async fn bulk_edits_change_what_fits_and_say_what_they_skipped() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    for n in 1..=3 {
        create(&app, &ada, &format!("Ticket {n}"), "", "low").await;
    }
    let bobs = create(&app, &bob, "Globex only", "", "low").await;
    let ids = |jar: &str| {
        let jar = jar.to_string();
        let app = &app;
        async move {
            list(app, &jar, &[("sort", "oldest")]).await["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let acme = ids(&ada).await;
    // Close #3 first (open -> resolved -> closed), so "pending" does not fit it.
    for status in ["resolved", "closed"] {
        let r = json(
            &app,
            "/api/tickets/bulk_update",
            &ada,
            &[("ids", acme[2].as_str()), ("status", status)],
        )
        .await;
        assert_eq!(r["changed"], 1, "{r}");
    }
    let all = acme.join(",");
    let r = json(
        &app,
        "/api/tickets/bulk_update",
        &ada,
        &[("ids", &all), ("status", "pending"), ("priority", "urgent")],
    )
    .await;
    assert_eq!(
        (r["changed"].as_u64(), r["skipped"][0]["number"].as_i64()),
        (Some(2), Some(3)),
        "{r}"
    );
    assert!(
        r["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("closed"),
        "{r}"
    );
    let urgent = list(&app, &ada, &[("status", "pending"), ("priority", "urgent")]).await;
    assert_eq!(numbers(&urgent).len(), 2);
    let closed = json(&app, "/api/tickets/get", &ada, &[("number", "3")]).await;
    assert_eq!(
        (closed["status"].as_str(), closed["priority"].as_str()),
        (Some("closed"), Some("low")),
        "a skipped ticket is left whole"
    );

    // Another organisation's id among them: not found, and nothing of the batch is applied.
    let theirs = ids(&bob).await;
    assert_eq!(theirs.len(), 1, "{bobs}");
    let mixed = format!("{},{}", acme[0], theirs[0]);
    let r = call(
        &app,
        "/api/tickets/bulk_update",
        &ada,
        &[("ids", &mixed), ("priority", "low")],
    )
    .await;
    assert_eq!(r.status(), 404);
    let first = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    assert_eq!(first["priority"], "urgent");
    let r = call(
        &app,
        "/api/tickets/bulk_update",
        &ada,
        &[("ids", ""), ("priority", "low")],
    )
    .await;
    assert_eq!(r.status(), 422);
}

async fn save_view(app: &TestApp, jar: &str, name: &str, query: &str) -> reqwest::Response {
    call(
        app,
        "/api/tickets/views/save",
        jar,
        &[("name", name), ("query", query)],
    )
    .await
}

#[tokio::test]
async fn saved_views_belong_to_their_member() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let grace = crate::common::join_as(&app, &ada, "Grace", "grace@example.com", "staff").await;
    assert_eq!(
        save_view(
            &app,
            &ada,
            "Urgent open",
            "status=open&priority=urgent&q=caf%C3%A9"
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        save_view(&app, &ada, "Urgent open", "status=pending")
            .await
            .status(),
        200,
        "same name replaces"
    );
    assert_eq!(
        save_view(&app, &ada, " ", "status=open").await.status(),
        422
    );
    let views = json(&app, "/api/tickets/views/list", &ada, &[]).await;
    assert_eq!(views.as_array().unwrap().len(), 1, "{views}");
    assert_eq!(views[0]["query"], "status=pending");
    let id = views[0]["id"].as_str().unwrap().to_string();

    // Grace sees none of Ada's and cannot delete them.
    assert_eq!(
        json(&app, "/api/tickets/views/list", &grace, &[]).await,
        serde_json::json!([])
    );
    let r = call(&app, "/api/tickets/views/delete", &grace, &[("id", &id)]).await;
    assert_eq!(r.status(), 404);
    let r = call(&app, "/api/tickets/views/delete", &ada, &[("id", &id)]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        json(&app, "/api/tickets/views/list", &ada, &[]).await,
        serde_json::json!([])
    );
}

#[tokio::test]
async fn managers_arrange_queues_and_new_tickets_follow_the_default() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let sam = crate::common::join_as(&app, &ada, "Sam", "sam@example.com", "staff").await;
    let queue_named = |queues: &Value, name: &str| {
        queues
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["name"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    json(
        &app,
        "/api/tickets/queues/create",
        &ada,
        &[("name", "Facilities")],
    )
    .await;
    let r = call(
        &app,
        "/api/tickets/queues/create",
        &ada,
        &[("name", "Facilities")],
    )
    .await;
    assert_eq!(r.status(), 422, "names are unique");
    let r = call(
        &app,
        "/api/tickets/queues/create",
        &sam,
        &[("name", "Mine")],
    )
    .await;
    assert_eq!(r.status(), 403, "staff only look");
    let queues = json(&app, "/api/tickets/queues/list", &sam, &[]).await;
    let facilities = queue_named(&queues, "Facilities");
    let id = facilities["id"].as_str().unwrap().to_string();
    assert_eq!(facilities["is_default"], false);

    json(
        &app,
        "/api/tickets/queues/rename",
        &ada,
        &[("id", &id), ("name", "Buildings")],
    )
    .await;
    let r = call(
        &app,
        "/api/tickets/queues/rename",
        &ada,
        &[("id", &id), ("name", "General")],
    )
    .await;
    assert_eq!(r.status(), 422, "cannot take another queue's name");
    json(
        &app,
        "/api/tickets/queues/make_default",
        &ada,
        &[("id", &id)],
    )
    .await;
    let queues = json(&app, "/api/tickets/queues/list", &ada, &[]).await;
    assert_eq!(queue_named(&queues, "Buildings")["is_default"], true);
    assert_eq!(
        queue_named(&queues, "General")["is_default"],
        false,
        "exactly one default"
    );

    let n = create(&app, &ada, "Leaking roof", "", "high").await;
    let t = json(
        &app,
        "/api/tickets/get",
        &ada,
        &[("number", &n.to_string())],
    )
    .await;
    assert_eq!(t["queue"], "Buildings");
    let unknown = uuid::Uuid::now_v7().to_string();
    let r = call(
        &app,
        "/api/tickets/queues/make_default",
        &ada,
        &[("id", &unknown)],
    )
    .await;
    assert_eq!(r.status(), 404);
}

/// Stored enums are read through their derives: a value this build does not know (a newer
/// build's status) is an error that is logged and answered as one, never a ticket silently
/// missing from the list, as the hand parser's `filter_map` made it.
#[tokio::test]
async fn a_stored_status_this_build_does_not_know_is_an_error_not_a_missing_row() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    create(&app, &ada, "Boiler", "", "medium").await;
    create(&app, &ada, "Lift", "", "medium").await;
    assert_eq!(numbers(&list(&app, &ada, &[]).await).len(), 2);

    let mut db = app.db.owner_connection().await;
    let org: uuid::Uuid = sqlx::query_scalar("select id from organisations where slug = 'acme'")
        .fetch_one(&mut db)
        .await
        .unwrap();
    crate::common::scope_connection(&mut db, org).await;
    sqlx::raw_sql(
        "alter table tickets drop constraint tickets_status_check;
         update tickets set status = 'escalated' where number = 2",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let r = call(&app, "/api/tickets/list", &ada, &[]).await;
    assert_eq!(r.status(), 500, "not a shorter list");
    let r = call(&app, "/api/tickets/get", &ada, &[("number", "2")]).await;
    assert_eq!(r.status(), 500);
}

/// A rendered form carries a token; the same token sent again (a double-click, Enter twice, a
/// resend after a slow answer) gets the first result, not a second ticket, comment or queue.
#[tokio::test]
async fn a_form_sent_twice_makes_one_of_anything() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    let token = uuid::Uuid::now_v7().to_string();
    let ticket_form = |title: &'static str, token: String| {
        vec![
            ("title", title.to_string()),
            ("priority", "medium".to_string()),
            ("form_token", token),
        ]
    };
    let send = |jar: &str, path: &'static str, form: Vec<(&'static str, String)>| {
        let (app, jar) = (&app, jar.to_string());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            json(app, path, &jar, &form).await
        }
    };
    // Both requests at once, so the second arrives while the first is still being made.
    let (first, second) = futures::join!(
        send(
            &ada,
            "/api/tickets/create",
            ticket_form("Printer", token.clone())
        ),
        send(
            &ada,
            "/api/tickets/create",
            ticket_form("Printer", token.clone())
        ),
    );
    assert_eq!(first, second, "the repeat answers with the first ticket");
    assert_eq!(numbers(&list(&app, &ada, &[]).await), vec![1]);
    // The same token belongs to Ada alone: Bob's form with it is a form of his own.
    let bob_made = send(
        &bob,
        "/api/tickets/create",
        ticket_form("Bob's", token.clone()),
    )
    .await;
    assert_eq!(bob_made.as_i64(), Some(1), "Bob's first ticket in Globex");
    // A new form (a new token) is a new ticket.
    let fresh = uuid::Uuid::now_v7().to_string();
    send(&ada, "/api/tickets/create", ticket_form("Scanner", fresh)).await;
    assert_eq!(numbers(&list(&app, &ada, &[]).await), vec![2, 1]);

    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let id = ticket["id"].as_str().expect("id").to_string();
    let comment_token = uuid::Uuid::now_v7().to_string();
    let comment = vec![
        ("ticket_id", id.clone()),
        ("body", "On it".to_string()),
        ("form_token", comment_token),
    ];
    futures::join!(
        send(&ada, "/api/tickets/comment", comment.clone()),
        send(&ada, "/api/tickets/comment", comment.clone()),
    );
    let ticket = json(&app, "/api/tickets/get", &ada, &[("number", "1")]).await;
    let comments = ticket["comments"].as_array().expect("comments");
    assert_eq!(comments.len(), 1, "one comment: {comments:?}");

    // A queue's second submit used to read as "already a queue called Field"; now it is the
    // same success.
    let queue = vec![
        ("name", "Field".to_string()),
        ("form_token", uuid::Uuid::now_v7().to_string()),
    ];
    send(&ada, "/api/tickets/queues/create", queue.clone()).await;
    send(&ada, "/api/tickets/queues/create", queue).await;
    let queues = json(&app, "/api/tickets/queues/list", &ada, &[]).await;
    let fields = queues
        .as_array()
        .expect("queues")
        .iter()
        .filter(|q| q["name"] == "Field")
        .count();
    assert_eq!(fields, 1);

    // Without a token (a script posting by hand) each submit is its own.
    let untokened = vec![
        ("title", "Loose".to_string()),
        ("priority", "low".to_string()),
    ];
    send(&ada, "/api/tickets/create", untokened.clone()).await;
    send(&ada, "/api/tickets/create", untokened).await;
    let mut made = numbers(&list(&app, &ada, &[]).await);
    made.sort();
    assert_eq!(made, vec![1, 2, 3, 4]);
}

#[tokio::test]
async fn the_home_counts_what_needs_someone_and_ticks_off_setup() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    let home = json(&app, "/api/home/get", &ada, &[]).await;
    assert_eq!(
        home["setup"],
        serde_json::json!({"queue_created": false, "team_invited": false, "ticket_created": false})
    );
    create(&app, &ada, "Lights out", "", "high").await;
    let r = call(
        &app,
        "/api/tickets/queues/create",
        &ada,
        &[("name", "Facilities")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let home = json(&app, "/api/home/get", &ada, &[]).await;
    assert_eq!(home["setup"]["ticket_created"], true);
    assert_eq!(home["setup"]["queue_created"], true);
    assert_eq!(home["setup"]["team_invited"], false);
    assert_eq!(
        (home["unassigned_open"].as_i64(), home["mine_open"].as_i64()),
        (Some(1), Some(0))
    );
    // Another organisation's home knows nothing of it.
    let theirs = json(&app, "/api/home/get", &bob, &[]).await;
    assert_eq!(theirs["unassigned_open"], 0);
    assert_eq!(theirs["setup"]["ticket_created"], false);
}
