use super::auth::provide_auth;
use super::components::theme_toggle::RenderedTheme;
use super::components::{provide_toaster, ToastRegion};
use super::layout::AppLayout;
use super::pages::{
    AccountPage, ApiTokensPage, AuditPage, BillingPage, ConfirmSignUpPage, DesignSystemPage,
    ForgotPasswordPage, HomePage, InvitationPage, MembersPage, NewTicketPage, NotFoundPage,
    PricingPage, QueuesPage, ResetPasswordPage, SignInPage, SignUpPage, StatusPage, TicketPage,
    TicketsPage, VerifyPage,
};
use crate::model::theme::Theme;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the app, rendered only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = requested_theme();
    provide_context(RenderedTheme(theme));
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" data-theme=theme.map(Theme::as_str)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="bg-bg text-fg antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toaster();
    provide_auth();
    if use_context::<RenderedTheme>().is_none() {
        provide_context(RenderedTheme(requested_theme()));
    }
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Workdesk".to_string() } else { format!("{page} · Workdesk") }
        } />
        <Router>
            <Routes fallback=|| view! { <AppLayout><NotFoundPage /></AppLayout> }>
                <ParentRoute path=path!("") view=|| view! { <AppLayout><leptos_router::components::Outlet /></AppLayout> }>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("status") view=StatusPage ssr=SsrMode::Async />
                    <Route path=path!("design-system") view=DesignSystemPage />
                    <Route path=path!("signin") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("signup") view=SignUpPage />
                    <Route path=path!("signup/confirm") view=ConfirmSignUpPage ssr=SsrMode::Async />
                    <Route path=path!("account") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("signin/verify") view=VerifyPage ssr=SsrMode::Async />
                    <Route path=path!("forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("invitation") view=InvitationPage ssr=SsrMode::Async />
                    <Route path=path!("members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=AuditPage ssr=SsrMode::Async />
                    <Route path=path!("api-tokens") view=ApiTokensPage ssr=SsrMode::Async />
                    <Route path=path!("billing") view=BillingPage ssr=SsrMode::Async />
                    <Route path=path!("pricing") view=PricingPage />
                    <Route path=path!("queues") view=QueuesPage ssr=SsrMode::Async />
                    <Route path=path!("tickets") view=TicketsPage ssr=SsrMode::Async />
                    <Route path=path!("tickets/new") view=NewTicketPage ssr=SsrMode::Async />
                    <Route path=path!("tickets/:number") view=TicketPage ssr=SsrMode::Async />
                    // Unknown paths are a route like any other, rendered by the same handler as
                    // every page: Leptos's fallback handler could hang or mix up statuses when
                    // several renders overlapped.
                    <Route path=path!("*any") view=NotFoundPage />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
    }
}

/// The theme this render should use: the cookie on the server, the rendered page in the browser.
fn requested_theme() -> Option<Theme> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(Theme::from_cookie_header)
        })
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-theme"))
            .and_then(|t| Theme::parse(&t))
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        None
    }
}
