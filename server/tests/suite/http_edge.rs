//! What every response carries at the edge: health, security headers, caching, compression,
//! and errors in the right format.

use crate::common::{test_config, TestApp, TestDb};
use reqwest::header;

#[tokio::test]
async fn liveness_answers_without_the_database() {
    let db = TestDb::migrated().await;
    let missing = db.app_url().replace(&db.name, "wd_test_does_not_exist");
    let app = TestApp::serve(db, test_config(&missing, &[])).await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["status"], "ok");
}

#[tokio::test]
async fn readiness_reports_the_database() {
    let app = TestApp::spawn().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"]["status"], "ok");
}

#[tokio::test]
async fn readiness_fails_with_a_problem_when_the_database_is_unreachable() {
    let db = TestDb::migrated().await;
    let missing = db.app_url().replace(&db.name, "wd_test_does_not_exist");
    let app = TestApp::serve(db, test_config(&missing, &[])).await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], 503);
    assert_eq!(body["type"], "/problems/unavailable");
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_matches_their_inline_script() {
    let app = TestApp::spawn().await;
    let r = app.get("/").await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    let html = r.text().await.unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page CSP has a nonce");
    assert!(
        html.contains(&format!(r#"nonce="{nonce}""#)),
        "inline script must carry the nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));

    let other = app.get("/").await;
    let other_csp = other.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert_ne!(csp, other_csp, "a nonce is never reused across responses");
}

#[tokio::test]
async fn every_response_has_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/healthz", "/api/v1", "/robots.txt", "/no-such-page"] {
        let r = app.get(path).await;
        let h = r.headers();
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(
            h[header::REFERRER_POLICY],
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{path}");
        assert!(h.contains_key(header::CONTENT_SECURITY_POLICY), "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
        assert!(
            !h.contains_key(header::STRICT_TRANSPORT_SECURITY),
            "no HSTS over http: {path}"
        );
    }
}

#[tokio::test]
async fn hsts_is_sent_when_served_over_https() {
    let app = TestApp::spawn_with(&["--public-url", "https://desk.example.com"]).await;
    let r = app.get("/").await;
    let hsts = r.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=63072000"), "{hsts}");
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_pages_are_not() {
    let app = TestApp::spawn().await;
    let asset = app.get("/pkg/workdesk.0123abcd.js").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );

    let page = app.get("/").await;
    assert_eq!(page.headers()[header::CACHE_CONTROL], "private, no-cache");

    let public_file = app.get("/robots.txt").await;
    assert_eq!(public_file.headers()[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::spawn().await;
    // Pages are compressed per response with zstd where it is accepted (what current browsers
    // send), else gzip, never brotli (slow to make at a useful quality).
    for (accepted, encoding, path) in [
        ("gzip, deflate, br, zstd", "zstd", "/"),
        ("gzip, br", "gzip", "/"),
        ("gzip", "gzip", "/"),
        ("br, gzip", "gzip", "/pkg/workdesk.0123abcd.js"),
    ] {
        let r = app
            .client
            .get(app.url(path))
            .header(header::ACCEPT_ENCODING, accepted)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()
                .get(header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok()),
            Some(encoding),
            "{path}: {:?}",
            r.headers()
        );
    }

    // The bundle goes out as built: its brotli copy, not compressed again per request.
    let r = app
        .client
        .get(app.url("/pkg/workdesk.0123abcd.wasm"))
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"precompressed");
}

#[tokio::test]
async fn unknown_pages_render_the_not_found_page_with_404() {
    let app = TestApp::spawn().await;
    let r = app.get("/definitely/not/here").await;
    assert_eq!(r.status(), 404);
    let html = r.text().await.unwrap();
    assert!(html.contains("Page not found"));
    assert!(html.contains("<nav"), "the 404 page keeps the navigation");
}

#[tokio::test]
async fn rest_errors_are_problem_json() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/no-such-resource").await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["title"], "Not found");
    assert_eq!(body["status"], 404);

    let r = app.client.delete(app.url("/api/v1")).send().await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );

    let r = app.get("/api/v1").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["name"],
        "Workdesk API"
    );
}
