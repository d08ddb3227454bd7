//! The design system: every page builds from these, so keyboard use, focus rings, labels and
//! colours from tokens are solved once.

pub mod badge;
pub mod button;
pub mod confirm;
pub mod dialog;
pub mod empty_state;
pub mod error_notice;
pub mod form_error;
pub mod form_token;
pub mod instant;
pub mod plan_gate;
pub mod resource_section;
pub mod select;
pub mod table;
pub mod text_area;
pub mod text_field;
pub mod theme_toggle;
pub mod toast;

pub use badge::{Badge, PriorityBadge, StatusBadge, Tone};
pub use button::{Button, ButtonVariant};
pub use confirm::ConfirmSubmit;
pub use dialog::Dialog;
pub use empty_state::EmptyState;
pub use error_notice::ErrorNotice;
pub use form_error::{action_error, field_error, FormError};
pub use form_token::FormToken;
pub use instant::Instant;
pub use plan_gate::PlanGate;
pub use resource_section::ResourceSection;
pub use select::{Select, SelectOption};
pub use table::{Column, SortDirection, Table};
pub use text_area::TextArea;
pub use text_field::{CodeField, EmailField, TextField};
pub use theme_toggle::ThemeToggle;
pub use toast::{provide_toaster, use_toaster, ToastKind, ToastRegion, Toaster};
