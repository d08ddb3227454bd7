use crate::model::theme::Theme;
use leptos::prelude::*;

/// The theme the page was rendered with; `None` follows the operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderedTheme(pub Option<Theme>);

/// Switches between light and dark, remembered in a cookie for the next server render.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let initial = use_context::<RenderedTheme>().and_then(|t| t.0);
    let dark = RwSignal::new(initial == Some(Theme::Dark));
    // After hydration, "follow the system" resolves to what the system actually shows.
    Effect::new(move |_| {
        if initial.is_none() {
            dark.set(browser::system_prefers_dark());
        }
    });
    let toggle = move |_| {
        let next = if dark.get_untracked() {
            Theme::Light
        } else {
            Theme::Dark
        };
        browser::apply_theme(next);
        dark.set(next == Theme::Dark);
    };
    view! {
        <button
            type="button"
            class="rounded-md border border-border px-3 py-1.5 text-sm text-fg hover:bg-surface"
            aria-pressed=move || if dark.get() { "true" } else { "false" }
            on:click=toggle
        >
            "Dark theme"
        </button>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::model::theme::{Theme, THEME_COOKIE};
    use wasm_bindgen::JsCast;

    pub fn system_prefers_dark() -> bool {
        web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches())
    }

    pub fn apply_theme(theme: Theme) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("data-theme", theme.as_str());
        }
        if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!(
                "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                theme.as_str()
            ));
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use crate::model::theme::Theme;

    pub fn system_prefers_dark() -> bool {
        false
    }

    pub fn apply_theme(_theme: Theme) {}
}
