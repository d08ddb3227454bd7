//! An instant as a person reads it: in their own time zone.

use crate::model::system::{readable_utc, rfc3339};
use leptos::prelude::*;

/// A `<time>` element for `at`. The server writes it in UTC, and so does the browser's first
/// render, so hydration finds what the server sent; once hydrated, it is rewritten in the
/// reader's time zone, with the zone's name (the browser knows it, the server never does).
/// `relative` instants within a day read "5 min ago", the exact time on hover.
#[component]
pub fn Instant(at: time::OffsetDateTime, #[prop(optional)] relative: bool) -> impl IntoView {
    let utc = readable_utc(at);
    // Only the browser rewrites the text; the server writes it once, without a signal and an
    // effect for each instant on the page (fifty on a ticket list).
    #[cfg(feature = "hydrate")]
    let (text, title) = {
        let text = RwSignal::new(utc.clone());
        let title = RwSignal::new(utc);
        let auth = use_context::<crate::ui::auth::Auth>();
        Effect::new(move |_| {
            // The viewer's chosen zone, else the browser's own.
            let zone = auth
                .and_then(|a| a.viewer.get())
                .and_then(|v| v.ok().flatten())
                .and_then(|v| v.time_zone);
            if let Some(local) = in_local_time(at, zone.as_deref()) {
                let ago = relative
                    .then(|| {
                        let now = web_sys::js_sys::Date::now() / 1000.0;
                        crate::model::format::ago(now as i64 - at.unix_timestamp())
                    })
                    .flatten();
                text.set(ago.unwrap_or_else(|| local.clone()));
                title.set(local);
            }
        });
        (move || text.get(), move || title.get())
    };
    #[cfg(not(feature = "hydrate"))]
    let (text, title) = {
        let _ = relative;
        (utc.clone(), utc)
    };
    view! { <time datetime=rfc3339(at) title=title>{text}</time> }
}

#[cfg(feature = "hydrate")]
fn in_local_time(at: time::OffsetDateTime, zone: Option<&str>) -> Option<String> {
    use web_sys::js_sys::{Array, Date, Function, Object, Reflect};
    use web_sys::wasm_bindgen::JsValue;
    let millis = (at.unix_timestamp_nanos() / 1_000_000) as f64;
    let options = Object::new();
    for (key, value) in [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
        ("hourCycle", "h23"),
        ("timeZoneName", "short"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    if let Some(zone) = zone {
        Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
    }
    // Called through Reflect so a zone this browser does not know (a RangeError) falls back
    // to its own zone instead of stopping the page.
    let date = Date::new(&JsValue::from_f64(millis));
    let format: Function = Reflect::get(&date, &"toLocaleString".into()).ok()?.into();
    let format_in = |options: &Object| {
        let args = Array::of2(&"en-GB".into(), options);
        Reflect::apply(&format, &date, &args).ok()?.as_string()
    };
    format_in(&options).or_else(|| {
        Reflect::delete_property(&options, &"timeZone".into()).ok()?;
        format_in(&options)
    })
}
