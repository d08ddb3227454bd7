//! Customers: clients and their contacts. Each form sends its fields under one name
//! (`client[name]`, `contact[emails]`), read into the model's form type and checked there.

use crate::model::clients::{
    ClientFilter, ClientForm, ClientId, ClientOverview, ClientPage, Contact, ContactCard,
    ContactFilter, ContactForm, ContactId, ContactPage,
};
use crate::model::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "clients/list")]
pub async fn list_clients(#[server(default)] filter: ClientFilter) -> Result<ClientPage, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::list(&ctx.db, &viewer, &filter).await
}

#[server(endpoint = "clients/get")]
pub async fn get_client(id: ClientId) -> Result<ClientOverview, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::overview(&ctx.db, &viewer, id).await
}

/// Adds a client (no `id`) or changes one (`id` and the `version` the form showed).
#[server(endpoint = "clients/save")]
pub async fn save_client(
    #[server(default)] id: Option<ClientId>,
    #[server(default)] version: Option<i32>,
    client: ClientForm,
    #[server(default)] form_token: Option<String>,
) -> Result<ClientId, AppError> {
    use crate::backend::clients::{self, ClientVersion};
    use crate::backend::request;
    let (ctx, viewer) = request::signed_in().await?;
    let existing = match (id, version) {
        (Some(id), Some(version)) => Some(ClientVersion { id, version }),
        (None, _) => None,
        (Some(_), None) => {
            return Err(AppError::validation(
                "version",
                "Reload the page and try again.",
            ))
        }
    };
    let once = request::form_key(&viewer, form_token, "clients/save")?;
    let id = clients::save(
        &ctx.db,
        &viewer,
        existing,
        client.try_into()?,
        &request::client_info(),
        once.as_ref(),
    )
    .await?;
    if existing.is_none() {
        // A new client's page, where its people are added next.
        leptos_axum::redirect(&format!("/clients/{}", id.0));
    }
    Ok(id)
}

#[server(endpoint = "clients/choices")]
pub async fn client_choices(
    #[server(default)] q: String,
) -> Result<Vec<(ClientId, String)>, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::client_choices(&ctx.db, &viewer, &q).await
}

#[server(endpoint = "contacts/list")]
pub async fn list_contacts(
    #[server(default)] filter: ContactFilter,
) -> Result<ContactPage, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::list_contacts(&ctx.db, &viewer, &filter).await
}

#[server(endpoint = "contacts/get")]
pub async fn get_contact(id: ContactId) -> Result<Contact, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::contact(&ctx.db, &viewer, id).await
}

/// Adds a contact (no `id`) or changes one (`id` and the `version` the form showed).
#[server(endpoint = "contacts/save")]
pub async fn save_contact(
    #[server(default)] id: Option<ContactId>,
    #[server(default)] version: Option<i32>,
    contact: ContactForm,
    #[server(default)] form_token: Option<String>,
) -> Result<ContactId, AppError> {
    use crate::backend::clients::{self, ContactVersion};
    use crate::backend::request;
    let (ctx, viewer) = request::signed_in().await?;
    let existing = match (id, version) {
        (Some(id), Some(version)) => Some(ContactVersion { id, version }),
        (None, _) => None,
        (Some(_), None) => {
            return Err(AppError::validation(
                "version",
                "Reload the page and try again.",
            ))
        }
    };
    let once = request::form_key(&viewer, form_token, "contacts/save")?;
    clients::save_contact(
        &ctx.db,
        &viewer,
        existing,
        contact.try_into()?,
        &request::client_info(),
        once.as_ref(),
    )
    .await
}

/// People to choose as a ticket's requester, by name or address.
#[server(endpoint = "contacts/choices")]
pub async fn contact_choices(#[server(default)] q: String) -> Result<Vec<ContactCard>, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::contact_choices(&ctx.db, &viewer, &q).await
}
