//! Working by keyboard: focus lands on the page's main heading after each navigation (it
//! used to stay at the top, 16 Tabs from a new ticket's title), and a few single-key
//! shortcuts, listed by `?`, for what people do all day. Keys typed into a field, or with a
//! modifier held, are left alone.

use super::components::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The shortcuts, as the help lists them.
const SHORTCUTS: [(&str, &str); 8] = [
    ("n", "New ticket"),
    ("t", "Go to the ticket list"),
    ("/", "Search (this page's list, or all tickets)"),
    ("j", "Next ticket (on a ticket)"),
    ("k", "Previous ticket (on a ticket)"),
    ("a", "Assign the ticket to me"),
    ("c", "Write a comment"),
    ("?", "Show these shortcuts"),
];

/// Install once, inside the router (it follows navigation).
#[component]
pub fn Keyboard() -> impl IntoView {
    let help = RwSignal::new(false);
    let location = use_location();
    // The first run is the page as loaded: focus stays where the browser put it.
    Effect::new(move |seen: Option<String>| {
        let path = location.pathname.get();
        if seen.is_some_and(|before| before != path) {
            focus_heading();
        }
        path
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        let navigate = navigate.clone();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.default_prevented()
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
                || typing(&ev)
            {
                return;
            }
            match ev.key().as_str() {
                "?" => help.set(true),
                "n" => navigate("/tickets/new", Default::default()),
                "t" => navigate("/tickets", Default::default()),
                // The key must not land in the field it just focused.
                "/" if focus_search() => ev.prevent_default(),
                // The page's own: an element marked with the key.
                key if use_marked(key) => ev.prevent_default(),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    });
    view! {
        <Dialog id="keyboard-help" title="Keyboard shortcuts" open=help>
            <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
                {SHORTCUTS
                    .into_iter()
                    .map(|(key, what)| view! {
                        <dt><kbd class="rounded border border-border bg-surface px-2 py-0.5 font-mono">{key}</kbd></dt>
                        <dd>{what}</dd>
                    })
                    .collect_view()}
            </dl>
            <p class="text-sm text-muted">"Tab and Shift+Tab move between controls; Escape closes a dialog."</p>
        </Dialog>
    }
}

/// Whether the key goes into something being typed in.
fn typing(ev: &leptos::web_sys::KeyboardEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.is_content_editable()
            })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// Moves focus to the new page's main heading once it is there: a lazy page's code and its
/// data may arrive after the URL changes, so it waits for a heading that
/// was not on screen before (up to five seconds: a chunk not yet loaded took over two on a
/// busy machine).
fn focus_heading() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        fn heading() -> Option<web_sys::HtmlElement> {
            web_sys::window()?
                .document()?
                .query_selector("main h1")
                .ok()??
                .dyn_into()
                .ok()
        }
        /// Someone already typing in a field keeps their place.
        fn in_a_field() -> bool {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
        }
        fn attempt(before: Option<web_sys::HtmlElement>, left: u32) {
            if in_a_field() {
                return;
            }
            match heading() {
                Some(h1) if before.as_ref() != Some(&h1) || left == 0 => {
                    h1.set_tab_index(-1);
                    let _ = h1.focus();
                }
                _ if left > 0 => set_timeout(
                    move || attempt(before, left - 1),
                    std::time::Duration::from_millis(50),
                ),
                _ => {}
            }
        }
        attempt(heading(), 100);
    }
}

/// Acts on the element the page marks `data-shortcut=key`: a link or button is clicked,
/// anything else has its first field focused. Whether there was one.
fn use_marked(key: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if !key.chars().all(|c| c.is_ascii_lowercase()) || key.len() != 1 {
            return false;
        }
        let Some(marked) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(&format!("main [data-shortcut='{key}']"))
                    .ok()
                    .flatten()
            })
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return false;
        };
        if matches!(marked.tag_name().as_str(), "A" | "BUTTON") {
            marked.click();
            return true;
        }
        let field = marked
            .query_selector("textarea, input:not([type=hidden]), select")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        field.is_some_and(|f| f.focus().is_ok())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        false
    }
}

/// Focuses the page's own search field, else the header's search of all tickets (on a wide
/// screen; on a phone it is in the closed menu).
fn focus_search() -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let document = web_sys::window().and_then(|w| w.document());
        let field = ["main input[type=search]", "#search-everywhere"]
            .into_iter()
            .filter_map(|selector| document.as_ref()?.query_selector(selector).ok().flatten())
            .filter_map(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            // Hidden (display: none below its breakpoint): it has no layout box.
            .find(|e| e.offset_parent().is_some());
        if let Some(field) = field {
            return field.focus().is_ok();
        }
    }
    false
}
