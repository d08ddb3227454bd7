use crate::api::system::get_system_status;
use crate::model::system::{Health, SystemStatus};
use crate::ui::components::Instant;
use crate::ui::components::{Button, ButtonVariant, ErrorNotice, Table};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StatusPage() -> impl IntoView {
    let checks = RwSignal::new(0_u32);
    let status = Resource::new(move || checks.get(), |_| get_system_status());
    view! {
        <Title text="Status" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Service status"</h1>
            <Button
                variant=ButtonVariant::Secondary
                on_click=Callback::new(move |_| checks.update(|n| *n += 1))
            >
                "Check again"
            </Button>
        </div>
        <div class="mt-6" aria-live="polite" aria-busy=move || status.get().is_none().then_some("true")>
            <Transition fallback=|| view! { <p class="text-muted">"Checking…"</p> }>
                {move || {
                    status
                        .get()
                        .map(|result| match result {
                            Ok(s) => view! { <StatusTable status=s /> }.into_any(),
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        })
                }}
            </Transition>
        </div>
        <p class="mt-6 text-sm text-muted">
            "Machine-readable: "
            <a href="/healthz" class="text-primary underline">"liveness"</a>
            " and "
            <a href="/readyz" class="text-primary underline">"readiness"</a>
            "."
        </p>
    }
}

#[component]
fn StatusTable(status: SystemStatus) -> impl IntoView {
    let db_class = match status.database {
        Health::Ok => "font-medium text-success",
        Health::Down => "font-medium text-danger",
    };
    let latency = status
        .database_latency_us
        .map(|us| format!("{:.1} ms", us as f64 / 1000.0))
        .unwrap_or_else(|| "–".into());
    view! {
        <Table caption="Components and their health" headers=vec!["Component", "State", "Detail"]>
            <tr>
                <th scope="row" class="px-3 py-2 font-medium">"Application"</th>
                <td class="px-3 py-2 font-medium text-success">{Health::Ok.label()}</td>
                <td class="px-3 py-2">"Version " {status.version}</td>
            </tr>
            <tr>
                <th scope="row" class="px-3 py-2 font-medium">"Database"</th>
                <td class=format!("px-3 py-2 {db_class}") data-testid="database-state">{status.database.label()}</td>
                <td class="px-3 py-2">"Round trip " {latency}</td>
            </tr>
        </Table>
        <p class="mt-2 text-sm text-muted">
            "Checked at " <Instant at=status.checked_at attr:data-testid="checked-at" />
        </p>
    }
}
