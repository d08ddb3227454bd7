use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

impl SelectOption {
    pub fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A labelled native select: native keeps keyboard and screen-reader behaviour right for free.
#[component]
pub fn Select(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    options: Vec<SelectOption>,
    #[prop(optional, into)] selected: MaybeProp<String>,
    #[prop(optional, into)] on_change: Option<Callback<String>>,
    /// Needed only when two selects on one page share a name.
    #[prop(optional, into)]
    id: Option<String>,
    /// For a select whose purpose its surroundings show (a table cell): the label is still
    /// read out by screen readers.
    #[prop(optional)]
    hide_label: bool,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("select-{name}"));
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-fg" class:sr-only=hide_label>
                {label}
            </label>
            <select
                id=id
                name=name
                class="rounded-md border border-border bg-surface-raised px-3 py-2 text-fg"
                on:change=move |ev| {
                    if let Some(cb) = on_change {
                        cb.run(event_target_value(&ev));
                    }
                }
            >
                {options
                    .into_iter()
                    .map(|o| {
                        let value = o.value.clone();
                        view! {
                            <option
                                value=o.value
                                selected=move || selected.get().as_deref() == Some(value.as_str())
                            >
                                {o.label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
