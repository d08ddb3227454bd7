use super::auth::use_auth;
use super::components::ThemeToggle;
use crate::model::permission::Permission;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

/// Header, navigation, main landmark and footer around every page.
#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    view! {
        <a
            href="#main"
            on:click=|ev| {
                // The router would treat the fragment as navigation and leave focus on the link.
                ev.prevent_default();
                focus_main();
            }
            class="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 \
                   focus:rounded-md focus:bg-surface-raised focus:px-3 focus:py-2"
        >
            "Skip to main content"
        </a>
        <header class="relative border-b border-border bg-surface">
            <div class="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
                <A href="/" attr:class="text-lg font-bold text-fg no-underline">
                    "Workdesk"
                </A>
                // Wide screens: the navigation and the account in the header's row.
                <nav aria-label="Main" class="hidden flex-1 md:block">
                    <ul class="flex flex-wrap gap-1">
                        <SiteNav />
                    </ul>
                </nav>
                <div class="hidden lg:block">
                    <GlobalSearch id="search-everywhere" />
                </div>
                <div class="hidden md:block">
                    <AccountMenu in_menu=false />
                </div>
                <div class="ml-auto md:ml-0">
                    <ThemeToggle />
                </div>
                <PhoneMenu />
            </div>
        </header>
        <main id="main" tabindex="-1" class="mx-auto w-full max-w-6xl flex-1 px-4 py-8">
            {children()}
        </main>
        <footer class="border-t border-border">
            <div class="mx-auto flex max-w-6xl flex-wrap justify-between gap-2 px-4 py-4 text-sm text-muted">
                <p>"Workdesk · tickets, workflows, projects and billing for teams and their partners"</p>
                <p class="flex gap-4">
                    <A href="/status" attr:class="text-muted underline">"Service status"</A>
                    <span>"Press ? for keyboard shortcuts"</span>
                </p>
            </div>
        </footer>
    }
}

/// Narrow screens: the header took 31 % of a phone's screen with everything in it. There the
/// navigation and the account fold into a Menu disclosure (a `<details>`, so it opens
/// without script too), which closes again when a link in it is followed.
#[component]
fn PhoneMenu() -> impl IntoView {
    let menu = NodeRef::<leptos::html::Details>::new();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        if let Some(menu) = menu.get_untracked() {
            let _ = menu.remove_attribute("open");
        }
    });
    view! {
        <details node_ref=menu class="md:hidden">
            <summary class="cursor-pointer list-none rounded-md border border-border px-3 py-1.5 text-sm font-medium text-fg hover:bg-surface-raised">
                "Menu"
            </summary>
            <div class="absolute inset-x-0 top-full z-40 flex flex-col gap-3 border-b border-border bg-surface px-4 py-3 shadow-md">
                <GlobalSearch id="search-everywhere-menu" />
                <nav aria-label="Main">
                    <ul class="flex flex-col gap-1">
                        <SiteNav />
                    </ul>
                </nav>
                <AccountMenu in_menu=true />
            </div>
        </details>
    }
}

/// Who is signed in, and the way out; or the ways in. `in_menu` for the phone's copy, which
/// leaves the test hooks to the wide one (only one of the two is ever shown).
#[component]
fn AccountMenu(in_menu: bool) -> impl IntoView {
    let auth = use_auth();
    let link = "rounded-md px-3 py-1.5 text-sm text-fg underline hover:bg-surface-raised";
    view! {
        <Suspense>
            {move || {
                auth.viewer
                    .get()
                    .map(|viewer| match viewer.ok().flatten() {
                        Some(v) => {
                            view! {
                                <div class="flex flex-wrap items-center gap-2 text-sm">
                                    <OrganisationSwitcher name=v.organisation_name in_menu />
                                    <A href="/account" attr:class=link>{v.name}</A>
                                    <ActionForm action=auth.sign_out>
                                        <button type="submit" class=link>"Sign out"</button>
                                    </ActionForm>
                                </div>
                            }
                                .into_any()
                        }
                        None => {
                            view! {
                                <div class="flex items-center gap-1">
                                    <A href="/signin" attr:class=link>"Sign in"</A>
                                    <A href="/signup" attr:class=link>"Sign up"</A>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

/// Search every ticket from any page (`/` when the page has no search of its own). A plain
/// GET form, so it works before script; with script it moves within the app.
#[component]
fn GlobalSearch(id: &'static str) -> impl IntoView {
    let auth = use_auth();
    let navigate = leptos_router::hooks::use_navigate();
    let input = NodeRef::<leptos::html::Input>::new();
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = input.get_untracked().map(|i| i.value()).unwrap_or_default();
        let filter = crate::model::tickets::TicketFilter {
            text: Some(text).filter(|t| !t.trim().is_empty()),
            ..Default::default()
        };
        navigate(&filter.href(None), Default::default());
    };
    view! {
        <Suspense>
            {move || {
                let navigate_search = search.clone();
                auth.viewer.get().and_then(|v| v.ok().flatten()).map(|_| view! {
                    <form role="search" aria-label="All tickets" action="/tickets" method="get" on:submit=navigate_search>
                        <label for=id class="sr-only">"Search all tickets"</label>
                        <input
                            node_ref=input
                            id=id
                            type="search"
                            name="q"
                            placeholder="Search tickets"
                            class="w-full rounded-md border border-border bg-surface-raised px-3 py-1.5 text-sm text-fg lg:w-48"
                        />
                    </form>
                })
            }}
        </Suspense>
    }
}

/// The organisation acted in; for a member of several, a disclosure to switch to another
/// (their list is asked for when it is first opened, not on every page).
#[component]
fn OrganisationSwitcher(name: String, in_menu: bool) -> impl IntoView {
    let auth = use_auth();
    // Fetched by the browser on first opening, never while a page is rendered: every
    // signed-in page has this header, and a resource here was one more for each render.
    let choices = RwSignal::new(None::<Vec<crate::model::identity::OrganisationChoice>>);
    let load = move |_| {
        if choices.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                if let Ok(list) = crate::api::auth::list_my_organisations().await {
                    choices.try_set(Some(list));
                }
            });
        }
    };
    let testid = (!in_menu).then_some("header-organisation");
    let item = "block w-full rounded-md px-3 py-1.5 text-left text-sm text-fg hover:bg-surface";
    view! {
        <details class="relative" on:toggle=load>
            <summary class="cursor-pointer rounded-md px-2 py-1.5 text-muted hover:bg-surface-raised">
                <span class="sr-only">"Organisation: "</span>
                <span data-testid=testid>{name}</span>
            </summary>
            <div class="absolute right-0 z-40 mt-1 flex w-64 flex-col gap-1 rounded-md border border-border bg-surface-raised p-2 shadow-md">
                {move || choices.get().map(|list| {
                        let others: Vec<_> = list.into_iter().filter(|o| !o.current).collect();
                        let none = others.is_empty().then(|| view! {
                            <p class="px-3 py-1.5 text-sm text-muted">"You belong to no other organisation."</p>
                        });
                        let switches = others
                            .into_iter()
                            .map(|o| {
                                let id = o.id.to_string();
                                view! {
                                    <ActionForm action=auth.switch_organisation>
                                        <input type="hidden" name="organisation_id" value=id />
                                        <button type="submit" class=item>{format!("Switch to {}", o.name)}</button>
                                    </ActionForm>
                                }
                            })
                            .collect_view();
                        view! { {none} {switches} }
                    })}
                <A href="/account" attr:class="px-3 py-1.5 text-sm text-primary underline">"Your organisations"</A>
            </div>
        </details>
    }
}

/// The app's places for a member (what their role can use), the site's pages for a visitor.
/// The design system is an internal page: reachable by its address, linked from nowhere.
#[component]
fn SiteNav() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense>
            {move || {
                auth.viewer
                    .get()
                    .map(|v| match v.ok().flatten() {
                        Some(v) => view! {
                            <NavItem href="/" label="Home" />
                            <NavItem href="/tickets" label="Tickets" />
                            <NavItem href="/clients" label="Clients" />
                            <NavItem href="/assets" label="Assets" />
                            <NavItem href="/queues" label="Queues" />
                            <NavItem href="/members" label="Members" />
                            {v.role.can(Permission::ViewAuditLog).then(|| view! { <NavItem href="/audit" label="Audit log" /> })}
                            {v.role.can(Permission::ManageApiTokens).then(|| view! { <NavItem href="/api-tokens" label="API tokens" /> })}
                            {v.role.can(Permission::ManageBilling).then(|| view! { <NavItem href="/billing" label="Billing" /> })}
                        }
                        .into_any(),
                        None => view! {
                            <NavItem href="/" label="Home" />
                            <NavItem href="/pricing" label="Pricing" />
                            <NavItem href="/status" label="Status" />
                        }
                        .into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn NavItem(href: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <li>
            // `A` marks the current page with aria-current="page", which the style keys on.
            // Exact for Home: every path begins with "/".
            <A
                href=href
                exact=href == "/"
                attr:class="block rounded-md px-3 py-1.5 text-sm text-fg no-underline hover:bg-surface-raised \
                            aria-[current=page]:bg-primary aria-[current=page]:text-primary-fg"
            >
                {label}
            </A>
        </li>
    }
}

/// Moves keyboard focus to the main landmark, as following a skip link should.
fn focus_main() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(main) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("main"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = main.focus();
        }
    }
}
