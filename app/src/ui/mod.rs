//! Components (the design system) and pages (routes).

pub mod app;
pub mod components;
pub mod layout;
pub mod pages;
