//! The signed-in state every page can read, refreshed whenever someone signs in or out or
//! switches organisation.

use crate::api::auth::{
    get_viewer, ConfirmSignUp, SignIn, SignOut, SwitchOrganisation, VerifySecondFactor,
};
use crate::api::members::AcceptInvitation;
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub confirm_sign_up: ServerAction<ConfirmSignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub switch_organisation: ServerAction<SwitchOrganisation>,
    pub verify: ServerAction<VerifySecondFactor>,
    pub accept_invitation: ServerAction<AcceptInvitation>,
}

pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let confirm_sign_up = ServerAction::<ConfirmSignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let switch_organisation = ServerAction::<SwitchOrganisation>::new();
    let verify = ServerAction::<VerifySecondFactor>::new();
    let accept_invitation = ServerAction::<AcceptInvitation>::new();
    // Blocking: the header knows who is signed in in the first byte, with or without script.
    let viewer = Resource::new_blocking(
        move || {
            (
                sign_in.version().get(),
                confirm_sign_up.version().get(),
                sign_out.version().get(),
                switch_organisation.version().get(),
                verify.version().get(),
                accept_invitation.version().get(),
            )
        },
        |_| get_viewer(),
    );
    let auth = Auth {
        viewer,
        sign_in,
        confirm_sign_up,
        sign_out,
        switch_organisation,
        verify,
        accept_invitation,
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
    #[cfg(feature = "ssr")]
    leptos_axum::redirect("/signin");
    view! {
        <p class="mt-6">
            "You're signed out. "
            <leptos_router::components::A href="/signin" attr:class="font-medium text-primary underline">
                "Sign in"
            </leptos_router::components::A>
            " to continue."
        </p>
    }
}
