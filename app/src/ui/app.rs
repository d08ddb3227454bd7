#[cfg(feature = "ssr")]
use super::assets::Stylesheet;
use super::auth::provide_auth;
use super::components::theme_toggle::RenderedTheme;
use super::components::{provide_toaster, ToastRegion};
use super::layout::AppLayout;
use super::pages::{
    AccountPage, ApiTokensPage, AssetPage, AssetsPage, AuditPage, BillingPage, ClientPage,
    ClientsPage, ConfirmEmailPage, ConfirmSignUpPage, ContactsPage, DesignSystemPage,
    ForgotPasswordPage, HomePage, InvitationPage, MembersPage, NewClientPage, NewTicketPage,
    NotFoundPage, PricingPage, QueuesPage, ResetPasswordPage, SignInPage, SignUpPage, StatusPage,
    TicketPage, TicketsPage, VerifyPage,
};
use crate::model::theme::Theme;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::MetaTags;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

/// The HTML document around the app, rendered only on the server.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = requested_theme();
    provide_context(RenderedTheme(theme));
    // For the pages' chunk preloads and the stylesheet (assets.rs).
    provide_context(options.clone());
    view! {
        <!DOCTYPE html>
        <html lang="en-GB" data-theme=theme.map(Theme::as_str)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <Stylesheet options=options.clone() />
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
    provide_context(super::pages::LastList(RwSignal::new(None)));
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
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("status") view={Lazy::<StatusRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("design-system") view={Lazy::<DesignSystemRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signup") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signup/confirm") view={Lazy::<ConfirmSignUpRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account/email") view={Lazy::<ConfirmEmailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signin/verify") view={Lazy::<VerifyRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("invitation") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("api-tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("billing") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("pricing") view={Lazy::<PricingRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("clients") view={Lazy::<ClientsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("clients/new") view={Lazy::<NewClientRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("clients/:id") view={Lazy::<ClientRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("contacts") view={Lazy::<ContactsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("assets") view={Lazy::<AssetsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("assets/new") view={Lazy::<AssetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("assets/:id") view={Lazy::<AssetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("queues") view={Lazy::<QueuesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tickets") view={Lazy::<TicketsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tickets/new") view={Lazy::<NewTicketRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tickets/:number") view={Lazy::<TicketRoute>::new()} ssr=SsrMode::Async />
                    // Unknown paths are a route like any other, rendered by the same handler as
                    // every page: Leptos's fallback handler could hang or mix up statuses when
                    // several renders overlapped.
                    <Route path=path!("*any") view=NotFoundPage />
                </ParentRoute>
            </Routes>
            <super::keyboard::Keyboard />
        </Router>
        <ToastRegion />
    }
}

/// Each page as a lazy route: in the browser build its code is a chunk of its own
/// (`cargo leptos build --split`), loaded when the page is first shown. The main bundle keeps
/// the router, the layout and what every page shares, so it no longer grows with each page.
/// Every page renders in `SsrMode::Async`, so the head names the page's chunks (assets.rs)
/// and the browser fetches them beside the main bundle. A page starts its own data; on the
/// page a visitor opens first, the server has already sent that data with the HTML.
macro_rules! lazy_pages {
    ($($route:ident => $page:ident),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                #[cfg(feature = "ssr")]
                super::assets::preload(stringify!($route));
                view! { <$page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    HomeRoute => HomePage,
    StatusRoute => StatusPage,
    DesignSystemRoute => DesignSystemPage,
    SignInRoute => SignInPage,
    SignUpRoute => SignUpPage,
    ConfirmSignUpRoute => ConfirmSignUpPage,
    AccountRoute => AccountPage,
    ConfirmEmailRoute => ConfirmEmailPage,
    VerifyRoute => VerifyPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    InvitationRoute => InvitationPage,
    MembersRoute => MembersPage,
    AuditRoute => AuditPage,
    ApiTokensRoute => ApiTokensPage,
    BillingRoute => BillingPage,
    PricingRoute => PricingPage,
    QueuesRoute => QueuesPage,
    ClientsRoute => ClientsPage,
    NewClientRoute => NewClientPage,
    ClientRoute => ClientPage,
    ContactsRoute => ContactsPage,
    AssetsRoute => AssetsPage,
    AssetRoute => AssetPage,
    TicketsRoute => TicketsPage,
    NewTicketRoute => NewTicketPage,
    TicketRoute => TicketPage,
}

/// The theme this render should use: the cookie on the server, the rendered page in the browser.
fn requested_theme() -> Option<Theme> {
    #[cfg(feature = "ssr")]
    {
        with_context::<http::request::Parts, _>(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(Theme::from_cookie_header)
        })
        .flatten()
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
