mod design_system;
mod home;
mod not_found;
mod status;

pub use design_system::DesignSystemPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use status::StatusPage;
