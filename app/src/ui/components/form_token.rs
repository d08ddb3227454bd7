//! One effect per submitted form. Every form that makes something carries a token of its own
//! (a hidden field); the server remembers the first result under it (backend `idempotency`,
//! the member's key), so a double-click, Enter pressed twice or a resend after a slow answer
//! makes one ticket, one comment, one invitation. Once the form has done its work it is
//! cleared and takes a new token, so the next submit is a new thing and not a replay.

use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The name of the hidden field; every server function that takes a token calls it this.
pub const FIELD: &str = "form_token";

/// A token no other form of this member will carry: random, from the browser's or the
/// server's generator (whichever renders the form). `getRandomValues`, not `randomUUID`: the
/// latter exists only on HTTPS pages, and a self-hosted install may be plain HTTP inside a LAN.
fn new_token() -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|w| w.crypto().ok())
            .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
        if filled {
            return uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string();
        }
    }
    // Version 7: random bits after a timestamp, and already enabled on the server.
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::now_v7().to_string()
    }
    // No generator: an empty token, which the server reads as none (no deduplication; the
    // form still works).
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The hidden token field of `form`, renewed (and the form cleared) each time `action`
/// succeeds.
#[component]
pub fn FormToken<S>(action: ServerAction<S>, form: NodeRef<html::Form>) -> impl IntoView
where
    S: ServerFn + Send + Sync + Clone + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    let token = RwSignal::new(new_token());
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            #[cfg(feature = "hydrate")]
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = form;
            token.set(new_token());
        }
    });
    // An attribute, not a property: the server's render carries it, so a form sent before
    // the page hydrates (or without script) is deduplicated too.
    view! { <input type="hidden" name=FIELD value=move || token.get() /> }
}
