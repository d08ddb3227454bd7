use leptos::prelude::*;

/// A labelled input with an optional hint and error, both tied to the input for screen readers.
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional, into)] value: MaybeProp<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] max_length: Option<usize>,
    #[prop(optional, into)] on_input: Option<Callback<String>>,
    /// Needed only when two forms on one page share a field name.
    #[prop(optional, into)]
    id: Option<String>,
    /// The on-screen keyboard to offer (`numeric` for codes).
    #[prop(optional)]
    input_mode: Option<&'static str>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
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
            <input
                id=id
                name=name
                type=input_type
                required=required
                autocomplete=autocomplete
                maxlength=max_length
                inputmode=input_mode
                // The attribute for the server's HTML (a form sent without script must carry
                // what it showed), the property for later changes.
                value=move || value.get()
                prop:value=move || value.get().unwrap_or_default()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class="rounded-md border border-border bg-surface-raised px-3 py-2 text-fg \
                       aria-invalid:border-danger"
                on:input=move |ev| {
                    if let Some(cb) = on_input {
                        cb.run(event_target_value(&ev));
                    }
                }
            />
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p id=error_id.clone() class="text-sm text-danger">
                                {e}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// An email address field: the right keyboard, autocomplete and length everywhere.
#[component]
pub fn EmailField(
    #[prop(default = "Email")] label: &'static str,
    /// `username` on sign-in forms (password managers pair it with the password), else `email`.
    #[prop(default = "email")]
    autocomplete: &'static str,
    #[prop(optional, into)] error: MaybeProp<String>,
) -> impl IntoView {
    view! {
        <TextField
            label=label
            name="email"
            input_type="email"
            autocomplete=autocomplete
            required=true
            max_length=254
            error=error
        />
    }
}

/// A 6-digit code (or a backup code) field.
#[component]
pub fn CodeField(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] error: MaybeProp<String>,
) -> impl IntoView {
    view! {
        <TextField
            label=label
            id=id
            name="code"
            autocomplete="one-time-code"
            input_mode="numeric"
            required=true
            max_length=20
            hint=hint.unwrap_or_default()
            error=error
        />
    }
}
