//! A list's search form: applied as it changes (the search box as the typing pauses), each
//! change a clean address of its own, so Back steps through them and a search can be shared.
//! Without script it is an ordinary GET form with an Apply button.

use crate::ui::components::Button;
use leptos::prelude::*;

/// Reads a form's field by name, for `to_href`.
pub type FieldReader<'a> = &'a dyn Fn(&str) -> Option<String>;

#[component]
pub fn LiveSearch(
    /// The list's path, where the form goes without script.
    action: &'static str,
    /// The form's accessible name.
    label: &'static str,
    /// The list's address for what the form now holds.
    to_href: fn(FieldReader) -> String,
    children: Children,
) -> impl IntoView {
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    #[cfg(feature = "hydrate")]
    let (on_change, on_input, on_submit) = {
        let navigate = leptos_router::hooks::use_navigate();
        let typed = StoredValue::new(0u32);
        let (n1, n2, n3) = (navigate.clone(), navigate.clone(), navigate);
        (
            move |ev: leptos::ev::Event| {
                if let Some(form) = form_of(&ev) {
                    apply(&form, to_href, false, &n1);
                }
            },
            move |ev: leptos::ev::Event| {
                // Selects say `change` as well; only the search box waits for a pause.
                if !is_search(&ev) {
                    return;
                }
                let Some(form) = form_of(&ev) else { return };
                let turn = typed.get_value().wrapping_add(1);
                typed.set_value(turn);
                let navigate = n2.clone();
                set_timeout(
                    move || {
                        if typed.get_value() == turn {
                            apply(&form, to_href, true, &navigate);
                        }
                    },
                    std::time::Duration::from_millis(250),
                );
            },
            move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Some(form) = form_of(&ev) {
                    apply(&form, to_href, false, &n3);
                }
            },
        )
    };
    #[cfg(not(feature = "hydrate"))]
    let (on_change, on_input, on_submit) = {
        let _ = to_href;
        (
            |_: leptos::ev::Event| {},
            |_: leptos::ev::Event| {},
            |_: leptos::ev::SubmitEvent| {},
        )
    };
    view! {
        <form
            method="get"
            action=action
            role="search"
            aria-label=label
            class="mt-4 flex flex-wrap items-end gap-3"
            on:change=on_change
            on:input=on_input
            on:submit=on_submit
        >
            {children()}
            <Show when=move || !scripted.get()>
                <Button submit=true>"Apply"</Button>
            </Show>
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn is_search(ev: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.type_() == "search")
}

#[cfg(feature = "hydrate")]
fn form_of(ev: &web_sys::Event) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast;
    ev.current_target()?.dyn_into().ok()
}

/// Opens the list for what `form` now holds; `replace` while typing, so Back skips the
/// half-typed words.
#[cfg(feature = "hydrate")]
fn apply(
    form: &web_sys::HtmlFormElement,
    to_href: fn(FieldReader) -> String,
    replace: bool,
    navigate: &impl Fn(&str, leptos_router::NavigateOptions),
) {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return;
    };
    let read = |k: &str| data.get(k).as_string().filter(|v| !v.trim().is_empty());
    navigate(
        &to_href(&read),
        leptos_router::NavigateOptions {
            replace,
            scroll: false,
            ..Default::default()
        },
    );
}
