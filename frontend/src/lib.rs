//! The browser entry point: hydrates the server-rendered page. Everything else lives in `app`.
//!
//! Pages are lazy routes (`app::ui::app`): each one's code is a WASM chunk of its own, which
//! the server names in `<link rel="preload">` for the page it renders, so hydration waits for
//! the main bundle and that page's chunks, not for every page the app has.
// The hydration future holds the whole app's view type.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The executor is set up by `hydrate_from_async`; this first future only needs the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        // Marks the page interactive: end-to-end tests and monitoring wait on this, not on a
        // timer.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
