use leptos::prelude::*;

/// A labelled multi-line field with an optional hint and error, tied to it for screen readers.
#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] max_length: Option<usize>,
    #[prop(default = 6)] rows: u32,
    /// What the box holds when shown (a saved note being edited).
    #[prop(optional, into)]
    value: Option<String>,
    /// Needed only when two forms on one page share a field name.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let ids: Vec<String> = [
                has_hint.then(|| hint_id.clone()),
                error.get().is_some().then(|| error_id.clone()),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-fg">
                {label}
                {required.then(|| view! { <span class="text-danger" aria-hidden="true">" *"</span> })}
            </label>
            {hint.map(|h| view! { <p id=hint_id class="text-sm text-muted">{h}</p> })}
            <textarea
                id=id
                name=name
                rows=rows
                required=required
                maxlength=max_length
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class="rounded-md border border-border bg-surface-raised px-3 py-2 text-fg aria-invalid:border-danger"
            >{value}</textarea>
            {move || error.get().map(|e| view! { <p id=error_id.clone() class="text-sm text-danger">{e}</p> })}
        </div>
    }
}
