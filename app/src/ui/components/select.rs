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
    /// Options shown but not choosable now (a status the ticket cannot move to yet).
    #[prop(optional, into)]
    unavailable: Option<Callback<String, bool>>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("select-{name}"));
    let node = NodeRef::<leptos::html::Select>::new();
    // The `selected` attribute only counts until someone picks: a later change of `selected`
    // (the stored value after a save or someone else's change) is set on the element itself.
    Effect::new(move |_| {
        if let (Some(select), Some(value)) = (node.get(), selected.get()) {
            select.set_value(&value);
        }
    });
    view! {
        <div class="flex flex-col gap-1">
            <label for=id.clone() class="text-sm font-medium text-fg" class:sr-only=hide_label>
                {label}
            </label>
            <select
                node_ref=node
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
                                disabled={
                                    let value = value.clone();
                                    move || unavailable.is_some_and(|u| u.run(value.clone()))
                                }
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
