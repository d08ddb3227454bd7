//! The signed-in state every page can read, refreshed whenever someone signs in or out or
//! switches organisation.

use crate::api::auth::{get_viewer, SignIn, SignOut, SwitchOrganisation, VerifySecondFactor};
use crate::api::members::AcceptInvitation;
use crate::api::profile::UpdateProfile;
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::model::navigation::ReturnPath;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub switch_organisation: ServerAction<SwitchOrganisation>,
    pub verify: ServerAction<VerifySecondFactor>,
    pub accept_invitation: ServerAction<AcceptInvitation>,
    /// The viewer's name and time zone, shown in the header and every time.
    pub update_profile: ServerAction<UpdateProfile>,
}

pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let switch_organisation = ServerAction::<SwitchOrganisation>::new();
    let verify = ServerAction::<VerifySecondFactor>::new();
    let accept_invitation = ServerAction::<AcceptInvitation>::new();
    let update_profile = ServerAction::<UpdateProfile>::new();
    // Blocking: the header knows who is signed in in the first byte, with or without script.
    let viewer = Resource::new_blocking(
        move || {
            (
                sign_in.version().get(),
                sign_out.version().get(),
                switch_organisation.version().get(),
                verify.version().get(),
                accept_invitation.version().get(),
                update_profile.version().get(),
            )
        },
        |_| get_viewer(),
    );
    let auth = Auth {
        viewer,
        sign_in,
        sign_out,
        switch_organisation,
        verify,
        accept_invitation,
        update_profile,
    };
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Shows `children` to a signed-in viewer. Signed out: the server answers with a redirect to
/// sign in; in the browser (where the viewer may be stale for a moment) a link says the same.
#[component]
pub fn SignedInOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense>
            {move || {
                auth.viewer
                    .get()
                    .map(|result| match result {
                        Ok(Some(_)) => children().into_any(),
                        Ok(None) => view! { <SignedOut /> }.into_any(),
                        Err(e) => view! { <crate::ui::components::ErrorNotice error=e /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn SignedOut() -> impl IntoView {
    // Back here after signing in: the page and its query (a filtered list, a ticket).
    let location = leptos_router::hooks::use_location();
    let here = {
        let search = location.search.get_untracked();
        let search = search.trim_start_matches('?');
        let path = location.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    let sign_in =
        ReturnPath::parse(&here).map_or_else(|| "/signin".to_string(), |p| p.sign_in_url());
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(&sign_in);
    view! {
        <p class="mt-6">
            "You're signed out. "
            <leptos_router::components::A href=sign_in attr:class="font-medium text-primary underline">
                "Sign in"
            </leptos_router::components::A>
            " to continue."
        </p>
    }
}
