use crate::model::error::AppError;
use crate::ui::components::ErrorNotice;
use leptos::prelude::*;

/// A form's error that no single field owns (rate limits, conflicts, outages). Field errors are
/// shown beside their fields instead.
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error.get().and_then(|e| {
            let owned_by_a_field = fields.iter().any(|f| e.field_message(f).is_some());
            (!owned_by_a_field).then(|| view! { <ErrorNotice error=e /> })
        })
    }
}

/// The message for `field` in the form's last error.
pub fn field_error(error: Signal<Option<AppError>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || error.get().and_then(|e| e.field_message(field)))
}

/// The error of an action's last call, for `FormError` and `field_error`.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    Signal::derive(move || value.get().and_then(Result::err))
}
