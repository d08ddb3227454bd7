use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <h1 class="text-2xl font-bold">"Page not found"</h1>
        <p class="mt-2 text-muted">"There is no page at this address. It may have moved, or the link may be mistyped."</p>
        <p class="mt-4">
            <A href="/" attr:class="font-medium text-primary underline">"Go to the home page"</A>
        </p>
    }
}
