//! The built bundle and public files under concurrent load. Alone in its own test binary: it
//! runs a multi-threaded server, and Leptos keeps process-wide state that other tests'
//! runtimes in the same process would share.

#[path = "suite/common/mod.rs"]
mod common;

use common::TestApp;

/// Regression: leptos_axum's file handler read the response options of whatever page was
/// rendering on the same thread, so the bundle fetched while a 404 page rendered could come
/// back 404 (it broke hydration in CI). The bundle is now served without Leptos.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_never_takes_the_status_of_a_page_rendered_beside_it() {
    let app = TestApp::spawn().await;
    let asset = app.url("/pkg/workdesk.0123abcd.js");
    let missing = app.url("/this-page-does-not-exist");
    for _ in 0..20 {
        let requests = (0..20).map(|i| {
            let url = if i % 2 == 0 {
                asset.clone()
            } else {
                missing.clone()
            };
            let client = app.client.clone();
            async move {
                (
                    url.contains("/pkg/"),
                    client.get(url).send().await.unwrap().status(),
                )
            }
        });
        for (is_asset, status) in futures::future::join_all(requests).await {
            assert_eq!(status, if is_asset { 200 } else { 404 });
        }
    }
}
