//! Live updates in the browser: the server's `/events` stream of ticket changes in the
//! viewer's organisation (see the server's `live` module), delivered to a component while it is
//! mounted. The browser's EventSource reconnects by itself; on the server this does nothing.

use crate::model::tickets::TicketChanged;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveSignal {
    Changed(TicketChanged),
    /// Changes may have been missed: re-read what is shown.
    Resync,
}

/// Calls `on_signal` for every change until the calling component unmounts. While connected,
/// `<html>` carries `data-live="ready"`.
pub fn subscribe(on_signal: impl Fn(LiveSignal) + 'static) {
    #[cfg(feature = "hydrate")]
    browser::subscribe(on_signal);
    #[cfg(not(feature = "hydrate"))]
    let _ = on_signal;
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::LiveSignal;
    use send_wrapper::SendWrapper;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    type Listener = Closure<dyn Fn(MessageEvent)>;

    fn mark_ready(ready: bool) {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = if ready {
                root.set_attribute("data-live", "ready")
            } else {
                root.remove_attribute("data-live")
            };
        }
    }

    pub fn subscribe(on_signal: impl Fn(LiveSignal) + 'static) {
        let Ok(source) = EventSource::new("/events") else {
            return;
        };
        let on_signal = Rc::new(on_signal);
        let listen = |name: &str, listener: Listener| {
            let _ =
                source.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
            listener
        };
        let ticket = {
            let on_signal = on_signal.clone();
            listen(
                "ticket",
                Closure::new(move |e: MessageEvent| {
                    if let Some(change) = e
                        .data()
                        .as_string()
                        .and_then(|text| serde_json::from_str(&text).ok())
                    {
                        on_signal(LiveSignal::Changed(change));
                    }
                }),
            )
        };
        let resync = listen(
            "resync",
            Closure::new(move |_: MessageEvent| on_signal(LiveSignal::Resync)),
        );
        let ready = listen("ready", Closure::new(|_: MessageEvent| mark_ready(true)));
        let error = listen("error", Closure::new(|_: MessageEvent| mark_ready(false)));
        // Leptos asks cleanups to be Send; they run on this (the only) thread.
        let held = SendWrapper::new((source, [ticket, resync, ready, error]));
        leptos::prelude::on_cleanup(move || {
            let (source, _listeners) = held.take();
            source.close();
            mark_ready(false);
        });
    }
}
