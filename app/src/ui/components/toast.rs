use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

impl ToastKind {
    fn class(self) -> &'static str {
        match self {
            Self::Success => "border-success",
            Self::Error => "border-danger",
            Self::Info => "border-border",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Success => "Done",
            Self::Error => "Problem",
            Self::Info => "Note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ToastItem {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// Short messages about what just happened, announced politely to screen readers.
#[derive(Clone, Copy)]
pub struct Toaster {
    items: RwSignal<Vec<ToastItem>>,
    next_id: StoredValue<u64>,
}

impl Toaster {
    /// Long enough to read two lines; errors stay until dismissed.
    const VISIBLE_FOR: Duration = Duration::from_secs(8);

    pub fn push(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            items.push(ToastItem {
                id,
                kind,
                message: message.into(),
            })
        });
        if kind != ToastKind::Error {
            let this = *self;
            set_timeout(move || this.dismiss(id), Self::VISIBLE_FOR);
        }
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

pub fn provide_toaster() -> Toaster {
    let toaster = Toaster {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    };
    provide_context(toaster);
    toaster
}

pub fn use_toaster() -> Toaster {
    expect_context::<Toaster>()
}

/// The one live region toasts appear in. It is always in the page, empty or not, because
/// screen readers announce only changes to a live region that already existed.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <section aria-label="Notifications" class="fixed right-4 bottom-4 z-50 w-80 max-w-full">
            <div role="status" aria-live="polite">
            <ol class="flex flex-col gap-2">
                <For
                    each=move || toaster.items.get()
                    key=|t| t.id
                    children=move |t| {
                        let id = t.id;
                        view! {
                            <li class=format!(
                                "flex items-start gap-3 rounded-md border-l-4 bg-surface-raised p-3 \
                                 text-sm text-fg shadow-lg {}",
                                t.kind.class(),
                            )>
                                <p class="flex-1">
                                    <span class="font-semibold">{t.kind.label()} ": "</span>
                                    {t.message}
                                </p>
                                <button
                                    type="button"
                                    class="rounded px-1 text-muted hover:text-fg"
                                    aria-label="Dismiss notification"
                                    on:click=move |_| toaster.dismiss(id)
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    }
                />
            </ol>
            </div>
        </section>
    }
}
