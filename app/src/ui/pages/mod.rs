mod account;
mod design_system;
mod home;
mod not_found;
mod sign_in;
mod sign_up;
mod status;

pub use account::AccountPage;
pub use design_system::DesignSystemPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
pub use status::StatusPage;
