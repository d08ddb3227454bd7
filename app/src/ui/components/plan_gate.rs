use crate::api::billing::plan_entitlements;
use crate::model::billing::Feature;
use leptos::prelude::*;
use leptos_router::components::A;

/// Shows `children` when the organisation's plan includes `feature`; otherwise says why not and
/// where to change plan. The server refuses the feature either way: this only explains.
/// `inline` fits the explanation into a toolbar instead of a paragraph of its own.
#[component]
pub fn PlanGate(
    feature: Feature,
    #[prop(optional)] inline: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let class = if inline {
        "self-center text-sm text-muted"
    } else {
        "mt-6 max-w-2xl rounded-md border border-border bg-surface px-4 py-3"
    };
    let entitlements = Resource::new(|| (), |_| plan_entitlements());
    view! {
        <Transition fallback=|| ()>
            {move || {
                entitlements.get().map(|e| match e.map(|e| e.allows(feature)) {
                    Ok(Ok(())) => children().into_any(),
                    Ok(Err(refusal)) => view! {
                        <p role="note" data-testid="plan-gate" class=class>
                            {refusal.message} " "
                            <A href="/billing" attr:class="font-medium text-primary underline">"See plans"</A>
                        </p>
                    }
                    .into_any(),
                    Err(e) => view! { <super::ErrorNotice error=e /> }.into_any(),
                })
            }}
        </Transition>
    }
}
