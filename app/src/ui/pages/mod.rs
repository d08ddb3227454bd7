use leptos::prelude::Resource;

mod account;
mod api_tokens;
mod asset;
mod assets;
mod audit;
mod billing;
mod bulk_edit;
mod client;
mod client_form;
mod clients;
mod contacts;
mod design_system;
mod email_change;
mod home;
mod invitation;
mod members;
mod new_ticket;
mod not_found;
mod password_reset;
mod queues;
mod requester_field;
mod saved_views;
mod second_factor;
mod sign_in;
mod sign_up;
mod status;
mod ticket;
mod ticket_assets;
mod ticket_filters;
mod ticket_requester;
mod ticket_work;
mod tickets;
mod verify;
mod your_data;

pub use account::AccountPage;
pub use api_tokens::ApiTokensPage;
pub use asset::AssetPage;
pub use assets::AssetsPage;
pub use audit::AuditPage;
pub use billing::{BillingPage, PricingPage};
pub use client::ClientPage;
pub use clients::{ClientsPage, NewClientPage};
pub use contacts::ContactsPage;
pub use design_system::DesignSystemPage;
pub use email_change::ConfirmEmailPage;
pub use home::HomePage;
pub use invitation::InvitationPage;
pub use members::MembersPage;
pub use new_ticket::NewTicketPage;
pub use not_found::NotFoundPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use queues::QueuesPage;
pub use sign_in::SignInPage;
pub use sign_up::{ConfirmSignUpPage, SignUpPage};
pub use status::StatusPage;
pub use ticket::TicketPage;
pub use tickets::{LastList, TicketsPage};
pub use verify::VerifyPage;

/// The `token` of the emailed link that opened this page, and the server's reading of it.
/// The token is read once: the page's buttons and links navigate away, and a token that
/// followed the address would re-fetch (for no token) and redraw the page while it is being
/// taken down.
fn link_resource<T, Fut>(
    check: fn(String) -> Fut,
) -> (String, Resource<Result<T, crate::model::error::AppError>>)
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, crate::model::error::AppError>> + Send + 'static,
{
    use leptos::prelude::ReadUntracked;
    let token = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let source = token.clone();
    (token, Resource::new_blocking(move || source.clone(), check))
}
