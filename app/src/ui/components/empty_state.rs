use leptos::prelude::*;

/// What a list shows when it has nothing yet: what would be here, and how to add the first one.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="flex flex-col items-center gap-2 rounded-md border border-dashed border-border \
                    px-6 py-10 text-center">
            <p class="text-base font-semibold text-fg">{title}</p>
            <p class="max-w-prose text-sm text-muted">{description}</p>
            {children.map(|c| view! { <div class="mt-2">{c()}</div> })}
        </div>
    }
}
