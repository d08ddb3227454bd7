//! Server functions over HTTP, the way the hydrated browser calls them.

use crate::common::{test_config, TestApp, TestDb};

#[tokio::test]
async fn status_reports_a_reachable_database() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/api/system/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["database_latency_us"].as_u64().is_some());
}

#[tokio::test]
async fn status_reports_an_unreachable_database_instead_of_failing() {
    let db = TestDb::migrated().await;
    let missing = db.app_url().replace(&db.name, "wd_test_does_not_exist");
    let app = TestApp::serve(db, test_config(&missing, &[])).await;
    let r = app
        .client
        .post(app.url("/api/system/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], "down");
    assert!(body["database_latency_us"].is_null());
}

#[tokio::test]
async fn the_status_page_is_rendered_complete_on_the_server() {
    let app = TestApp::spawn().await;
    let html = app.get("/status").await.text().await.unwrap();
    assert!(html.contains("Service status"));
    // Async SSR: the data is in the first response, not streamed in by a script.
    assert!(
        html.contains("Operational"),
        "database state rendered on the server"
    );
}
