use crate::model::error::AppError;
use crate::ui::components::ErrorNotice;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// A titled page section showing a server resource: a loading line, then `render`'s view of
/// the data or the error. `children` follow the data (forms acting on it).
#[component]
pub fn ResourceSection<T, F, V>(
    /// The heading's element id, which labels the section.
    id: &'static str,
    title: &'static str,
    resource: Resource<Result<T, AppError>>,
    render: F,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <section aria-labelledby=id class="mt-10 flex flex-col gap-4">
            <h2 id=id class="text-xl font-semibold">{title}</h2>
            <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
                {move || {
                    resource
                        .get()
                        .map(|r| match r {
                            Ok(data) => render(data).into_any(),
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        })
                }}
            </Transition>
            {children.map(|c| c())}
        </section>
    }
}
