//! The signed-in state every page can read, refreshed whenever someone signs in or out or
//! switches organisation.

use crate::api::auth::{get_viewer, SignIn, SignOut, SignUp, SwitchOrganisation};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Auth {
    pub viewer: Resource<Result<Option<Viewer>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
    pub switch_organisation: ServerAction<SwitchOrganisation>,
}

pub fn provide_auth() -> Auth {
    let sign_in = ServerAction::<SignIn>::new();
    let sign_up = ServerAction::<SignUp>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let switch_organisation = ServerAction::<SwitchOrganisation>::new();
    // Blocking: the header knows who is signed in in the first byte, with or without script.
    let viewer = Resource::new_blocking(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
                switch_organisation.version().get(),
            )
        },
        |_| get_viewer(),
    );
    let auth = Auth {
        viewer,
        sign_in,
        sign_up,
        sign_out,
        switch_organisation,
    };
    provide_context(auth);
    auth
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
