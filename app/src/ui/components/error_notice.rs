use crate::model::error::AppError;
use leptos::prelude::*;

/// Shows an `AppError` the way a person needs it: what happened and what to do next.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-md border border-danger bg-surface-raised px-4 py-3">
            <p class="font-semibold text-danger">{error.title()}</p>
            <p class="text-sm text-fg">{error.user_message()}</p>
        </div>
    }
}
