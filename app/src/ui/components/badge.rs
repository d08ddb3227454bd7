//! Small labels for a ticket's state: always the word, with colour only as a second cue, so
//! they read the same to someone who cannot tell the colours apart.

use crate::model::tickets::{Priority, TicketStatus};
use leptos::prelude::*;

/// How a badge stands out. Every tone's text meets AA contrast on the page and on a surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Info,
    Success,
    Warning,
    Alarm,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Self::Neutral => "border-border text-fg",
            Self::Info => "border-primary text-primary",
            Self::Success => "border-success text-success",
            Self::Warning => "border-danger text-danger",
            Self::Alarm => "border-transparent bg-danger text-danger-fg",
        }
    }
}

#[component]
pub fn Badge(tone: Tone, #[prop(into)] label: String) -> impl IntoView {
    let class = format!(
        "inline-flex items-center whitespace-nowrap rounded-full border px-2 py-0.5 text-xs \
         font-medium {}",
        tone.class()
    );
    view! { <span class=class>{label}</span> }
}

#[component]
pub fn StatusBadge(status: TicketStatus) -> impl IntoView {
    let tone = match status {
        TicketStatus::Open => Tone::Info,
        TicketStatus::Pending => Tone::Neutral,
        TicketStatus::Resolved => Tone::Success,
        TicketStatus::Closed => Tone::Neutral,
    };
    view! { <Badge tone label=status.label() /> }
}

#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    let tone = match priority {
        Priority::Low | Priority::Medium => Tone::Neutral,
        Priority::High => Tone::Warning,
        Priority::Urgent => Tone::Alarm,
    };
    view! { <Badge tone label=priority.label() /> }
}
