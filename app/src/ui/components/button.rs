use leptos::ev::MouseEvent;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonVariant {
    #[default]
    Primary,
    Secondary,
    Danger,
}

impl ButtonVariant {
    fn class(self) -> &'static str {
        match self {
            Self::Primary => "bg-primary text-primary-fg hover:bg-primary-hover border-transparent",
            Self::Secondary => "bg-surface-raised text-fg hover:bg-surface border-border",
            Self::Danger => "bg-danger text-danger-fg hover:opacity-90 border-transparent",
        }
    }
}

/// A button. `submit` makes it submit its form; otherwise it only runs `on_click`.
///
/// `pending` (what it started is still running) refuses further clicks, and so a repeated
/// Enter too (a form's implicit submission is a click on its default button), without
/// `disabled`: a disabled button drops keyboard focus to the top of the page.
#[component]
pub fn Button(
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional)] submit: bool,
    #[prop(optional, into)] disabled: MaybeProp<bool>,
    #[prop(optional, into)] pending: MaybeProp<bool>,
    #[prop(optional, into)] on_click: Option<Callback<MouseEvent>>,
    children: Children,
) -> impl IntoView {
    let pending = move || pending.get().unwrap_or(false);
    let class = format!(
        "inline-flex items-center justify-center gap-2 rounded-md border px-4 py-2 text-sm \
         font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60 \
         aria-disabled:cursor-wait aria-disabled:opacity-60 {}",
        variant.class()
    );
    view! {
        <button
            type=if submit { "submit" } else { "button" }
            class=class
            disabled=move || disabled.get().unwrap_or(false)
            aria-disabled=move || pending().then_some("true")
            on:click=move |ev| {
                if pending() {
                    ev.prevent_default();
                    return;
                }
                if let Some(cb) = on_click {
                    cb.run(ev);
                }
            }
        >
            {children()}
        </button>
    }
}
