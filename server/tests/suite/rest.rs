//! The REST API with API tokens: made and revoked in the app, scoped to their organisation,
//! with idempotent POSTs, optimistic concurrency, problem+json errors and rate limits.

use crate::common::{call, json, TestApp};
use reqwest::header;
use serde_json::{json as body, Value};

pub(crate) async fn token(app: &TestApp, jar: &str, name: &str, role: &str) -> (String, String) {
    let made = json(
        app,
        "/api/api_tokens/create",
        jar,
        &[("name", name), ("role", role)],
    )
    .await;
    (
        made["secret"].as_str().unwrap().to_string(),
        made["token"]["id"].as_str().unwrap().to_string(),
    )
}

struct Api<'a> {
    app: &'a TestApp,
    token: String,
}

impl Api<'_> {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(&self.token)
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        json: &Value,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut r = self.request(method, path).json(json);
        for (k, v) in headers {
            r = r.header(*k, *v);
        }
        r.send().await.unwrap()
    }
}

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json",
        "status {status}"
    );
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn a_token_files_changes_and_discusses_tickets_safely() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let (secret, id) = token(&app, &ada, "Monitoring", "staff").await;
    assert!(secret.starts_with("wd_"));
    let api = Api {
        app: &app,
        token: secret.clone(),
    };

    let queues: Value = api.get("/api/v1/queues").await.json().await.unwrap();
    assert_eq!(queues[0]["name"], "General");

    // The same Idempotency-Key twice: one ticket, the same answer.
    let new = body!({ "title": "Disk almost full", "priority": "high", "due_on": "2026-12-03" });
    let key = [("Idempotency-Key", "alert-42")];
    let first = api
        .send(reqwest::Method::POST, "/api/v1/tickets", &new, &key)
        .await;
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()[header::LOCATION], "/api/v1/tickets/1");
    let first: Value = first.json().await.unwrap();
    assert_eq!(
        (first["number"].as_i64(), first["due_on"].as_str()),
        (Some(1), Some("2026-12-03"))
    );
    let again = api
        .send(reqwest::Method::POST, "/api/v1/tickets", &new, &key)
        .await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let other = body!({ "title": "Something else" });
    let (status, p) = problem(
        api.send(reqwest::Method::POST, "/api/v1/tickets", &other, &key)
            .await,
    )
    .await;
    assert_eq!(status, 409, "{p}");
    let list: Value = api.get("/api/v1/tickets").await.json().await.unwrap();
    assert_eq!(list["tickets"].as_array().unwrap().len(), 1, "created once");

    // Bad bodies are 422 problems naming what is wrong; nothing is created.
    let raw = api
        .request(reqwest::Method::POST, "/api/v1/tickets")
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(problem(raw).await.0, 422);
    let (status, p) = problem(
        api.send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            &body!({ "title": "x", "colour": "red" }),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{p}"
    );
    let (status, p) = problem(
        api.send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            &body!({ "title": "" }),
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, p["errors"][0]["field"].as_str()),
        (422, Some("title"))
    );
    assert_eq!(
        problem(api.get("/api/v1/tickets/not-a-number").await)
            .await
            .0,
        404
    );
    assert_eq!(problem(api.get("/api/v1/tickets/99").await).await.0, 404);

    // Optimistic concurrency: If-Match with the ETag, or the version in the body.
    let got = api.get("/api/v1/tickets/1").await;
    assert_eq!(got.headers()[header::ETAG], "\"1\"");
    let pending = body!({ "status": "pending", "assignee_id": null, "due_on": null });
    let changed = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            &pending,
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.headers()[header::ETAG], "\"2\"");
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(
        (changed["status"].as_str(), changed["due_on"].is_null()),
        (Some("pending"), true)
    );
    let stale = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            &body!({ "priority": "low" }),
            &[("If-Match", "\"1\"")],
        )
        .await;
    assert_eq!(problem(stale).await.0, 412);
    let stale = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            &body!({ "priority": "low", "version": 1 }),
            &[],
        )
        .await;
    assert_eq!(problem(stale).await.0, 409);
    let blind = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            &body!({ "priority": "low" }),
            &[],
        )
        .await;
    assert_eq!(problem(blind).await.0, 428);
    for nothing in [
        body!({}),
        body!({ "version": 2 }),
        body!({ "status": null }),
    ] {
        let r = api
            .send(
                reqwest::Method::PATCH,
                "/api/v1/tickets/1",
                &nothing,
                &[("If-Match", "\"2\"")],
            )
            .await;
        assert_eq!(problem(r).await.0, 422, "{nothing} changes nothing");
    }
    let invalid = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/tickets/1",
            &body!({ "status": "closed", "version": 2 }),
            &[],
        )
        .await;
    assert_eq!(
        problem(invalid).await.0,
        422,
        "pending cannot jump to closed"
    );

    // Comments and attachments.
    let comments = api
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets/1/comments",
            &body!({ "body": "Cleared **logs**" }),
            &[],
        )
        .await;
    assert_eq!(comments.status(), 201);
    let listed: Value = api
        .get("/api/v1/tickets/1/comments")
        .await
        .json()
        .await
        .unwrap();
    assert!(listed[0]["body_html"]
        .as_str()
        .unwrap()
        .contains("<strong>logs</strong>"));
    let file = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"df -h output".to_vec()).file_name("df.txt"),
    );
    let up = api
        .request(reqwest::Method::POST, "/api/v1/tickets/1/attachments")
        .multipart(file)
        .send()
        .await
        .unwrap();
    assert_eq!(up.status(), 201);
    let attachment: Value = up.json().await.unwrap();
    let files: Value = api
        .get("/api/v1/tickets/1/attachments")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(files[0]["filename"], "df.txt");
    let download = api
        .get(&format!(
            "/api/v1/attachments/{}",
            attachment["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(download.bytes().await.unwrap().as_ref(), b"df -h output");

    // The audit log names the token's maker.
    let audit = json(&app, "/api/audit/page", &ada, &[]).await.to_string();
    assert!(audit.contains("api_token.created"), "{audit}");

    // Revoked: refused at once.
    json(&app, "/api/api_tokens/revoke", &ada, &[("id", id.as_str())]).await;
    assert_eq!(problem(api.get("/api/v1/queues").await).await.0, 401);
    let listed = json(&app, "/api/api_tokens/list", &ada, &[]).await;
    assert_eq!(listed[0]["revoked"], true);
}

#[tokio::test]
async fn tokens_see_only_their_organisation_and_only_admins_make_them() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    let (ada_secret, _) = token(&app, &ada, "Acme sync", "admin").await;
    let (bob_secret, _) = token(&app, &bob, "Globex sync", "staff").await;
    let ada_api = Api {
        app: &app,
        token: ada_secret,
    };
    let bob_api = Api {
        app: &app,
        token: bob_secret,
    };
    let made = ada_api
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            &body!({ "title": "Acme secret" }),
            &[],
        )
        .await;
    assert_eq!(made.status(), 201);
    assert_eq!(problem(bob_api.get("/api/v1/tickets/1").await).await.0, 404);
    let bobs: Value = bob_api.get("/api/v1/tickets").await.json().await.unwrap();
    assert!(!bobs.to_string().contains("Acme secret"));

    for bad in ["", "wd_", "wd_not-a-token", "Bearer"] {
        let r = app
            .client
            .get(app.url("/api/v1/queues"))
            .bearer_auth(bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{bad:?}");
    }

    let staff = crate::common::join_as(&app, &ada, "Sam", "sam@example.com", "staff").await;
    let r = call(
        &app,
        "/api/api_tokens/create",
        &staff,
        &[("name", "Mine"), ("role", "admin")],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = call(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", " "), ("role", "staff")],
    )
    .await;
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn tokens_are_rate_limited_with_retry_after() {
    let app = TestApp::spawn_with(&["--api-requests-per-minute", "3"]).await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let (secret, _) = token(&app, &ada, "Busy", "staff").await;
    let api = Api {
        app: &app,
        token: secret,
    };
    for _ in 0..3 {
        assert_eq!(api.get("/api/v1/queues").await.status(), 200);
    }
    let limited = api.get("/api/v1/queues").await;
    assert_eq!(limited.status(), 429);
    let wait: u32 = limited.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait));
}

/// Two server processes on one Redis: the limit holds in total, not per process.
#[tokio::test]
async fn with_redis_the_rate_limit_holds_across_server_processes() {
    let redis = crate::common::redis_url();
    let settings = [
        "--api-requests-per-minute",
        "4",
        "--redis-url",
        redis.as_str(),
    ];
    let app = TestApp::spawn_with(&settings).await;
    let other = app.sibling_with(&settings).await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let (secret, _) = token(&app, &ada, "Busy", "staff").await;
    crate::common::well_inside_a_minute().await;
    let get = |base: &str| {
        app.client
            .get(format!("{base}/api/v1/queues"))
            .bearer_auth(&secret)
            .send()
    };
    for base in [&app.base, &other.base, &app.base, &other.base] {
        assert_eq!(get(base).await.unwrap().status(), 200);
    }
    // Each process has seen two: only a shared count refuses the fifth.
    assert_eq!(get(&other.base).await.unwrap().status(), 429);
    assert_eq!(get(&app.base).await.unwrap().status(), 429);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in [
        "/api/v1/queues",
        "/api/v1/tickets",
        "/api/v1/tickets/{number}",
        "/api/v1/tickets/{number}/comments",
        "/api/v1/tickets/{number}/attachments",
        "/api/v1/attachments/{id}",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Errors are documented as they are sent (issue 12).
    let missing = &doc["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]["404"]["content"];
    assert!(missing["application/problem+json"].is_object(), "{missing}");
    assert!(missing["application/json"].is_null(), "{missing}");
    // What the server requires, the document requires (issue 12).
    let schemas = &doc["components"]["schemas"];
    let patch = &schemas["TicketPatch"];
    assert_eq!(patch["properties"]["version"]["type"], "integer", "{patch}");
    assert_eq!(patch["properties"]["version"]["minimum"], 1, "{patch}");
    assert_eq!(patch["anyOf"].as_array().map(Vec::len), Some(5), "{patch}");
    let precondition = &doc["paths"]["/api/v1/tickets/{number}"]["patch"]["responses"]["428"];
    assert!(precondition.is_object(), "428 documented");
    let title = &schemas["NewTicketBody"]["properties"]["title"];
    assert_eq!(title["maxLength"], 200, "{title}");
    assert!(
        title["pattern"].is_string(),
        "a blank title is not valid: {title}"
    );
    assert!(schemas["NewCommentBody"]["properties"]["body"]["pattern"].is_string());
    assert_eq!(
        schemas["TicketDetail"]["properties"]["version"]["type"],
        "integer"
    );
}

/// An idempotent POST keeps its result in the transaction of its effect: it needs one pooled
/// connection, not one for the key and another for the work (which, with one connection to
/// spare, waited for itself until the acquire timeout: the live-updates listener holds the
/// other of the two); repeats sent at once make one comment; and the same
/// key and body sent to another endpoint is another request, refused.
#[tokio::test]
async fn an_idempotent_post_uses_one_connection_and_commits_with_its_effect() {
    let app = TestApp::spawn_with(&["--database-max-connections", "2"]).await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let (secret, _) = token(&app, &ada, "Monitoring", "staff").await;
    let api = Api {
        app: &app,
        token: secret,
    };

    let key = [("Idempotency-Key", "one-connection")];
    let created = api
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            &body!({ "title": "Lift stuck" }),
            &key,
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["number"], 1);

    let note = body!({ "body": "Engineer called" });
    let key = [("Idempotency-Key", "note-1")];
    let repeats = futures::future::join_all((0..4).map(|_| {
        api.send(
            reqwest::Method::POST,
            "/api/v1/tickets/1/comments",
            &note,
            &key,
        )
    }))
    .await;
    let mut answers = Vec::new();
    for r in repeats {
        assert_eq!(r.status(), 201);
        answers.push(r.json::<Value>().await.unwrap());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    let comments: Value = api
        .get("/api/v1/tickets/1/comments")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(comments.as_array().unwrap().len(), 1, "{comments}");

    // The comment's key and body again, for another ticket: another request, refused
    // (the key once remembered only the body, and answered with ticket 1's comments).
    let second = api
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            &body!({ "title": "Door jammed" }),
            &[],
        )
        .await;
    assert_eq!(second.status(), 201);
    let (status, p) = problem(
        api.send(
            reqwest::Method::POST,
            "/api/v1/tickets/2/comments",
            &note,
            &key,
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "{p}");
    let on_second: Value = api
        .get("/api/v1/tickets/2/comments")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(on_second, body!([]));
}
