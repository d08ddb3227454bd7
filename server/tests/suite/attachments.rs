//! Attachments over HTTP: stored under the organisation's folder, typed by their bytes, handed
//! back only as sandboxed downloads, and refused clearly (leaving nothing behind) when empty,
//! too large, malformed or aimed at a ticket that is not there.

use crate::common::{json, TestApp};
use app::model::attachments::MAX_BYTES;
use reqwest::header;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::path::PathBuf;
use uuid::Uuid;

async fn ticket(app: &TestApp, jar: &str, title: &str) -> i64 {
    json(
        app,
        "/api/tickets/create",
        jar,
        &[("title", title), ("priority", "medium")],
    )
    .await
    .as_i64()
    .unwrap()
}

pub(crate) async fn upload(app: &TestApp, jar: &str, number: i64, form: Form) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/tickets/{number}/attachments")))
        .header(header::COOKIE, jar)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

pub(crate) fn file(bytes: impl Into<Vec<u8>>, name: &str, claimed_type: &str) -> Form {
    Form::new().part(
        "file",
        Part::bytes(bytes.into())
            .file_name(name.to_string())
            .mime_str(claimed_type)
            .unwrap(),
    )
}

/// The attachments folder the test server writes to (see `common::test_config`).
fn folder(organisation: Uuid) -> PathBuf {
    std::env::temp_dir()
        .join(format!("wd-attachments-{}", std::process::id()))
        .join(organisation.to_string())
}

async fn organisation_of(app: &TestApp, email: &str) -> Uuid {
    let mut db = app.db.owner_connection().await;
    sqlx::query_scalar(
        "select s.active_organisation_id from sessions s join users u on u.id = s.user_id where u.email = $1",
    )
    .bind(email)
    .fetch_one(&mut db)
    .await
    .unwrap()
}

async fn attachment_rows(app: &TestApp, organisation: Uuid) -> i64 {
    let mut db = app.db.owner_connection().await;
    crate::common::scope_connection(&mut db, organisation).await;
    sqlx::query_scalar("select count(*) from attachments")
        .fetch_one(&mut db)
        .await
        .unwrap()
}

fn leftovers(organisation: Uuid) -> usize {
    std::fs::read_dir(folder(organisation).join("incoming"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_file_is_typed_by_its_bytes_and_comes_back_only_as_a_download() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let org = organisation_of(&app, "ada@example.com").await;
    let n = ticket(&app, &ada, "Broken boiler").await;

    // A page claiming to be HTML, with a path in its name: kept as text under a plain name.
    let page = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let r = upload(
        &app,
        &ada,
        n,
        file(page.clone(), "../../evil<1>.html", "text/html"),
    )
    .await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["filename"], "evil_1_.html");
    assert_eq!(a["content_type"], "text/plain; charset=utf-8");
    assert_eq!(a["size_bytes"], page.len());
    let id: Uuid = a["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        std::fs::read(folder(org).join(id.to_string())).unwrap(),
        page,
        "stored under the organisation's folder by id"
    );

    let d = app
        .client
        .get(app.url(&format!("/attachments/{id}")))
        .header(header::COOKIE, &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(d.status(), 200);
    assert_eq!(
        d.headers()[header::CONTENT_TYPE],
        "text/plain; charset=utf-8"
    );
    assert_eq!(
        d.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"evil_1_.html\"; filename*=UTF-8''evil_1_.html"
    );
    assert_eq!(
        d.headers()[header::CONTENT_SECURITY_POLICY],
        "sandbox; default-src 'none'"
    );
    assert_eq!(d.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(d.bytes().await.unwrap(), page);

    // A PNG with a non-ASCII name keeps both; the ticket lists it and its timeline says so.
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 64]].concat();
    let r = upload(&app, &ada, n, file(png, "schéma.png", "application/pdf")).await;
    assert_eq!(r.status(), 201);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        (b["filename"].as_str(), b["content_type"].as_str()),
        (Some("schéma.png"), Some("image/png"))
    );
    let t = json(
        &app,
        "/api/tickets/get",
        &ada,
        &[("number", &n.to_string())],
    )
    .await;
    let names: Vec<&str> = t["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["evil_1_.html", "schéma.png"]);
    assert!(
        t["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "attachment" && e["filename"] == "schéma.png"),
        "{}",
        t["events"]
    );
    let timeline = crate::common::page(&app, &format!("/tickets/{n}"), &ada).await;
    assert!(timeline.contains("Attached schéma.png"), "{timeline}");

    // A browser's form post is sent back to the ticket with a notice.
    let r = app
        .client
        .post(app.url(&format!("/tickets/{n}/attachments")))
        .header(header::COOKIE, &ada)
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .multipart(file(b"plain notes".to_vec(), "notes.txt", "text/plain"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()[header::LOCATION],
        format!("/tickets/{n}?attachment=added#attachments")
    );
}

#[tokio::test]
async fn bad_uploads_are_refused_clearly_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let org = organisation_of(&app, "ada@example.com").await;
    let n = ticket(&app, &ada, "Leaking tap").await;

    let problem = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        (
            status,
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    };

    let (status, message) =
        problem(upload(&app, &ada, n, file(Vec::new(), "empty.txt", "text/plain")).await).await;
    assert_eq!(
        (status, message.as_str()),
        (
            422,
            "The file is empty. Choose a file with something in it."
        )
    );

    let (status, message) = problem(
        upload(
            &app,
            &ada,
            n,
            file(Vec::new(), "", "application/octet-stream"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, message.as_str()),
        (422, "Choose a file to attach.")
    );

    let (status, message) =
        problem(upload(&app, &ada, n, Form::new().text("note", "no file here")).await).await;
    assert_eq!(
        (status, message.as_str()),
        (422, "Choose a file to attach.")
    );

    let big = vec![b'a'; MAX_BYTES as usize + 1];
    let (status, message) =
        problem(upload(&app, &ada, n, file(big, "big.txt", "text/plain")).await).await;
    assert_eq!(
        (status, message.as_str()),
        (422, "Files can be at most 10 MB.")
    );

    // Not multipart at all.
    let r = app
        .client
        .post(app.url(&format!("/tickets/{n}/attachments")))
        .header(header::COOKIE, &ada)
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"file\": \"x\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );

    // A ticket that does not exist.
    let r = upload(
        &app,
        &ada,
        999,
        file(b"data".to_vec(), "a.txt", "text/plain"),
    )
    .await;
    assert_eq!(r.status(), 404);

    // Not signed in.
    let r = app
        .client
        .post(app.url(&format!("/tickets/{n}/attachments")))
        .multipart(file(b"data".to_vec(), "a.txt", "text/plain"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    assert_eq!(
        attachment_rows(&app, org).await,
        0,
        "no row for a refused upload"
    );
    assert_eq!(leftovers(org), 0, "no half-received file left behind");
    // The count is not vacuous: a good upload shows up in it.
    let r = upload(
        &app,
        &ada,
        n,
        file(b"fine".to_vec(), "fine.txt", "text/plain"),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(attachment_rows(&app, org).await, 1);
}

#[tokio::test]
async fn a_filename_that_is_not_utf8_still_attaches_under_a_plain_name() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let n = ticket(&app, &ada, "Odd file").await;
    let boundary = "wdboundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
            .as_bytes(),
    );
    body.extend_from_slice(b"caf\xe9\xff.txt");
    body.extend_from_slice(b"\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let r = app
        .client
        .post(app.url(&format!("/tickets/{n}/attachments")))
        .header(header::COOKIE, &ada)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(
        status == 201 || status == 422,
        "a clear answer, not {status}: {text}"
    );
    if status == 201 {
        let a: Value = serde_json::from_str(&text).unwrap();
        let name = a["filename"].as_str().unwrap();
        assert!(
            !name.is_empty() && !name.contains(['/', '\\', '"']),
            "{name}"
        );
    }
}

#[tokio::test]
async fn another_organisations_file_is_not_found() {
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = crate::common::sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    let n = ticket(&app, &ada, "Acme only").await;
    let r = upload(
        &app,
        &ada,
        n,
        file(b"acme secret".to_vec(), "s.txt", "text/plain"),
    )
    .await;
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    for path in [
        format!("/attachments/{id}"),
        "/attachments/not-a-uuid".into(),
    ] {
        let r = app
            .client
            .get(app.url(&path))
            .header(header::COOKIE, &bob)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("acme secret"));
    }
    // Bob has no ticket #1 of his own: uploading there is not found, not Ada's ticket.
    let r = upload(&app, &bob, n, file(b"x".to_vec(), "x.txt", "text/plain")).await;
    assert_eq!(r.status(), 404);
}

/// The head of a multipart upload of one file, up to where its bytes begin, written by hand
/// so the body can break off anywhere.
fn raw_upload(app: &TestApp, jar: &str, number: i64, declared: usize) -> String {
    let host = app.base.trim_start_matches("http://");
    format!(
        "POST /tickets/{number}/attachments HTTP/1.1\r\nHost: {host}\r\nCookie: {jar}\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {declared}\r\n\
         Connection: close\r\n\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n"
    )
}

#[tokio::test]
async fn an_upload_cut_off_midway_leaves_no_row_and_no_file() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn().await;
    let ada = crate::common::sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let org = organisation_of(&app, "ada@example.com").await;
    let n = ticket(&app, &ada, "Boiler").await;
    let addr = app.base.trim_start_matches("http://").to_string();

    // The client declares 200 kB, sends 60 kB of the file and hangs up.
    let mut cut = tokio::net::TcpStream::connect(&addr).await.unwrap();
    cut.write_all(raw_upload(&app, &ada, n, 200_000).as_bytes())
        .await
        .unwrap();
    cut.write_all(&vec![b'a'; 60_000]).await.unwrap();
    drop(cut);

    // The whole body arrives, but the multipart ends without its closing boundary.
    let head = raw_upload(&app, &ada, n, 0);
    let file_part = "just some text, never finished";
    let body_len = head.split("\r\n\r\n").nth(1).unwrap().len() + file_part.len();
    let head = raw_upload(&app, &ada, n, body_len);
    let mut unfinished = tokio::net::TcpStream::connect(&addr).await.unwrap();
    unfinished.write_all(head.as_bytes()).await.unwrap();
    unfinished.write_all(file_part.as_bytes()).await.unwrap();
    let mut answer = String::new();
    unfinished.read_to_string(&mut answer).await.unwrap();
    let status: u16 = answer[9..12].parse().unwrap();
    assert!((400..500).contains(&status), "a clear 4xx: {answer}");

    // The server notices the first one's hang-up on its own time: wait for the cleanup.
    for _ in 0..100 {
        if leftovers(org) == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(leftovers(org), 0, "no half-received file left behind");
    assert_eq!(attachment_rows(&app, org).await, 0, "nothing recorded");
    // And the server goes on taking whole files.
    let r = upload(
        &app,
        &ada,
        n,
        file(b"whole".to_vec(), "w.txt", "text/plain"),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(attachment_rows(&app, org).await, 1);
}
