//! Customers: clients and their contacts. Each form sends its fields under one name
//! (`client[name]`, `contact[emails]`), read into the model's form type and checked there.

use crate::model::clients::{
    AssetChoices, AssetFilter, AssetForm, AssetId, AssetOverview, AssetPage, ClientFilter,
    ClientForm, ClientId, ClientOverview, ClientPage, Contact, ContactCard, ContactFilter,
    ContactForm, ContactId, ContactPage, LocationForm, LocationId,
};
use crate::model::error::AppError;
use leptos::prelude::*;

/// The row a form changes: none when adding, else its id and the version the form showed.
#[cfg(feature = "ssr")]
fn changing<I>(id: Option<I>, version: Option<i32>) -> Result<Option<(I, i32)>, AppError> {
    match (id, version) {
        (Some(id), Some(version)) => Ok(Some((id, version))),
        (None, _) => Ok(None),
        (Some(_), None) => Err(AppError::validation(
            "version",
            "Reload the page and try again.",
        )),
    }
}

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
    let existing = changing(id, version)?.map(|(id, version)| ClientVersion { id, version });
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
    let existing = changing(id, version)?.map(|(id, version)| ContactVersion { id, version });
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

/// Adds a location to a client (no `id`) or changes one.
#[server(endpoint = "locations/save")]
pub async fn save_location(
    #[server(default)] id: Option<LocationId>,
    #[server(default)] version: Option<i32>,
    location: LocationForm,
    #[server(default)] form_token: Option<String>,
) -> Result<LocationId, AppError> {
    use crate::backend::clients::{self, LocationVersion};
    use crate::backend::request;
    let (ctx, viewer) = request::signed_in().await?;
    let existing = changing(id, version)?.map(|(id, version)| LocationVersion { id, version });
    let once = request::form_key(&viewer, form_token, "locations/save")?;
    clients::save_location(
        &ctx.db,
        &viewer,
        existing,
        location.try_into()?,
        &request::client_info(),
        once.as_ref(),
    )
    .await
}

#[server(endpoint = "assets/list")]
pub async fn list_assets(#[server(default)] filter: AssetFilter) -> Result<AssetPage, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::list_assets(&ctx.db, &viewer, &filter).await
}

#[server(endpoint = "assets/get")]
pub async fn get_asset(id: AssetId) -> Result<AssetOverview, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::asset_overview(&ctx.db, &viewer, id).await
}

/// Adds an asset (no `id`; its page opens next) or changes one.
#[server(endpoint = "assets/save")]
pub async fn save_asset(
    #[server(default)] id: Option<AssetId>,
    #[server(default)] version: Option<i32>,
    asset: AssetForm,
    #[server(default)] form_token: Option<String>,
) -> Result<AssetId, AppError> {
    use crate::backend::clients::{self, AssetVersion};
    use crate::backend::request;
    let (ctx, viewer) = request::signed_in().await?;
    let existing = changing(id, version)?.map(|(id, version)| AssetVersion { id, version });
    let once = request::form_key(&viewer, form_token, "assets/save")?;
    let id = clients::save_asset(
        &ctx.db,
        &viewer,
        existing,
        asset.try_into()?,
        &request::client_info(),
        once.as_ref(),
    )
    .await?;
    if existing.is_none() {
        // The new asset's page.
        leptos_axum::redirect(&format!("/assets/{}", id.0));
    }
    Ok(id)
}

/// A client's locations and people, for a new asset's form.
#[server(endpoint = "assets/choices")]
pub async fn asset_form_choices(client: ClientId) -> Result<AssetChoices, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::asset_choices(&ctx.db, &viewer, client).await
}

/// Links an asset, named by its serial number or name, to the ticket numbered `number`.
#[server(endpoint = "assets/link")]
pub async fn link_asset(number: i64, asset: String) -> Result<AssetId, AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::link_asset(&ctx.db, &viewer, number, &asset, &request::client_info()).await
}

#[server(endpoint = "assets/unlink")]
pub async fn unlink_asset(number: i64, asset: AssetId) -> Result<(), AppError> {
    use crate::backend::{clients, request};
    let (ctx, viewer) = request::signed_in().await?;
    clients::unlink_asset(&ctx.db, &viewer, number, asset, &request::client_info()).await
}
