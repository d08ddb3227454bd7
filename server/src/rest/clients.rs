//! `/api/v1` clients and contacts: the services the pages use, behind JSON. The document's
//! limits (lengths, counts, the currency's pattern) are checked here on the raw values, before
//! the model trims them: whatever the document forbids is refused, never quietly repaired.

use super::limits::{created, id_in, one_of, required_version, Limits};
use super::{body, idempotency};
use crate::problem::ApiError;
use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::clients::{self, ClientVersion, ContactVersion};
use app::model::clients::{
    Client, ClientFilter, ClientForm, ClientId, ClientPage, ClientStatus, Contact, ContactFilter,
    ContactForm, ContactId, ContactPage, PortalAccess,
};
use app::model::error::AppError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

// --- clients ---------------------------------------------------------------------------------

/// A client: to add one, or (PUT) to replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    /// On a change (PUT), the version it was made against; ignored when adding.
    #[serde(default)]
    #[schema(minimum = 1)]
    version: Option<i32>,
    /// Unique in the organisation regardless of case.
    #[schema(max_length = 200)]
    name: String,
    /// Email domains whose senders are this client's people (`initech.com`), each the
    /// organisation's only claim on it.
    #[serde(default)]
    #[schema(max_items = 20)]
    domains: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 40)]
    phone: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    address: String,
    /// An IANA zone (`Europe/Berlin`); absent or `null` for the organisation's.
    #[serde(default)]
    #[schema(max_length = 64)]
    time_zone: Option<String>,
    /// ISO 4217 (`EUR`, the default).
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{3}$")]
    currency: Option<String>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    notes: String,
    /// Default: active.
    #[serde(default)]
    status: Option<ClientStatus>,
    /// A member of the organisation.
    #[serde(default)]
    account_manager_id: Option<Uuid>,
}

impl ClientBody {
    fn form(self) -> Result<(Option<i32>, ClientForm), AppError> {
        let currency_ok = self
            .currency
            .as_deref()
            .is_none_or(|c| c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic()));
        let mut limits = Limits::default();
        limits
            .version(self.version)
            .chars("name", &self.name, 200)
            .items("domains", &self.domains, 20)
            .chars("phone", &self.phone, 40)
            .chars("address", &self.address, 1000)
            .chars(
                "time_zone",
                self.time_zone.as_deref().unwrap_or_default(),
                64,
            )
            .chars("notes", &self.notes, 10_000);
        if !currency_ok {
            limits.refuse("currency", "Use a three-letter code, like EUR.".into());
        }
        limits.done()?;
        Ok((
            self.version,
            ClientForm {
                name: self.name,
                domains: self.domains.join(", "),
                phone: self.phone,
                address: self.address,
                time_zone: self.time_zone.unwrap_or_default(),
                currency: self.currency.unwrap_or_default(),
                notes: self.notes,
                status: self.status.unwrap_or_default().as_str().into(),
                account_manager: self
                    .account_manager_id
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
            },
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/clients", tag = "clients",
    params(
        ("q" = Option<String>, Query, description = "Part of a name or an email domain (at most 100 characters)"),
        ("status" = Option<ClientStatus>, Query, description = "Only clients with this status"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
    ),
    responses((status = 200, body = ClientPage), (status = 401, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn list_clients(
    State(state): State<AppState>,
    caller: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<ClientPage>, ApiError> {
    one_of(
        &params,
        "status",
        ClientStatus::parse,
        "Use active or inactive.",
    )?;
    let filter = ClientFilter::from_query(|k| params.get(k).cloned());
    Ok(Json(
        clients::list(&state.ctx.db, &caller.viewer, &filter).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = ClientBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = Client), (status = 401, body = crate::problem::Problem),
              (status = 403, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn add_client(
    State(state): State<AppState>,
    caller: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let once = idempotency::key(&headers, &caller, "POST /api/v1/clients", &bytes)?;
    let (_, form) = body::<ClientBody>(&headers, &bytes)?.form()?;
    let db = &state.ctx.db;
    let id = clients::save(
        db,
        &caller.viewer,
        None,
        form.try_into()?,
        &caller.client,
        once.as_ref(),
    )
    .await?;
    let client = clients::overview(db, &caller.viewer, id).await?.client;
    Ok(created(client, format!("/api/v1/clients/{}", id.0)))
}

#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "The client's id")),
    responses((status = 200, body = Client), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem)))]
pub async fn get_client(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Client>, ApiError> {
    let id = ClientId(id_in(&raw)?);
    Ok(Json(
        clients::overview(&state.ctx.db, &caller.viewer, id)
            .await?
            .client,
    ))
}

#[utoipa::path(put, path = "/api/v1/clients/{id}", tag = "clients", request_body = ClientBody,
    params(("id" = Uuid, Path, description = "The client's id")),
    responses((status = 200, body = Client), (status = 401, body = crate::problem::Problem),
              (status = 403, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
              (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn change_client(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<Client>, ApiError> {
    let id = ClientId(id_in(&raw)?);
    let (version, form) = body::<ClientBody>(&headers, &bytes)?.form()?;
    let version = required_version(version)?;
    let db = &state.ctx.db;
    clients::save(
        db,
        &caller.viewer,
        Some(ClientVersion { id, version }),
        form.try_into()?,
        &caller.client,
        None,
    )
    .await?;
    Ok(Json(
        clients::overview(db, &caller.viewer, id).await?.client,
    ))
}

// --- contacts --------------------------------------------------------------------------------

/// A contact: to add one, or (PUT) to replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// On a change (PUT), the version it was made against; ignored when adding.
    #[serde(default)]
    #[schema(minimum = 1)]
    version: Option<i32>,
    #[schema(max_length = 200)]
    name: String,
    /// Their addresses, the first the one written to; each the organisation's only one.
    #[serde(default)]
    #[schema(max_items = 10)]
    emails: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 40)]
    phone: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    job_title: String,
    /// The client they work at; absent or `null` for none.
    #[serde(default)]
    client_id: Option<Uuid>,
    /// Whether they may approve on their client's behalf.
    #[serde(default)]
    may_approve: bool,
    /// Default: none. `client` needs a client; any portal needs an address.
    #[serde(default)]
    portal_access: Option<PortalAccess>,
}

impl ContactBody {
    fn form(self) -> Result<(Option<i32>, ContactForm), AppError> {
        Limits::default()
            .version(self.version)
            .chars("name", &self.name, 200)
            .items("emails", &self.emails, 10)
            .chars("phone", &self.phone, 40)
            .chars("job_title", &self.job_title, 100)
            .done()?;
        Ok((
            self.version,
            ContactForm {
                name: self.name,
                emails: self.emails.join(", "),
                phone: self.phone,
                job_title: self.job_title,
                client: self.client_id.map(|c| c.to_string()).unwrap_or_default(),
                may_approve: if self.may_approve { "yes" } else { "" }.into(),
                portal_access: self.portal_access.unwrap_or_default().as_str().into(),
            },
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/contacts", tag = "clients",
    params(
        ("q" = Option<String>, Query, description = "Part of a name or an address (at most 100 characters)"),
        ("client" = Option<Uuid>, Query, description = "Only the people at this client"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
    ),
    responses((status = 200, body = ContactPage), (status = 401, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    caller: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<ContactPage>, ApiError> {
    one_of(
        &params,
        "client",
        |v| Uuid::parse_str(v).ok(),
        "Use a client's id.",
    )?;
    let filter = ContactFilter::from_query(|k| params.get(k).cloned());
    Ok(Json(
        clients::list_contacts(&state.ctx.db, &caller.viewer, &filter).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/contacts", tag = "clients", request_body = ContactBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = Contact), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn add_contact(
    State(state): State<AppState>,
    caller: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let once = idempotency::key(&headers, &caller, "POST /api/v1/contacts", &bytes)?;
    let (_, form) = body::<ContactBody>(&headers, &bytes)?.form()?;
    let db = &state.ctx.db;
    let id = clients::save_contact(
        db,
        &caller.viewer,
        None,
        form.try_into()?,
        &caller.client,
        once.as_ref(),
    )
    .await?;
    let contact = clients::contact(db, &caller.viewer, id).await?;
    Ok(created(contact, format!("/api/v1/contacts/{}", id.0)))
}

#[utoipa::path(get, path = "/api/v1/contacts/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses((status = 200, body = Contact), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem)))]
pub async fn get_contact(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Contact>, ApiError> {
    let id = ContactId(id_in(&raw)?);
    Ok(Json(
        clients::contact(&state.ctx.db, &caller.viewer, id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/contacts/{id}", tag = "clients", request_body = ContactBody,
    params(("id" = Uuid, Path, description = "The contact's id")),
    responses((status = 200, body = Contact), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn change_contact(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<Contact>, ApiError> {
    let id = ContactId(id_in(&raw)?);
    let (version, form) = body::<ContactBody>(&headers, &bytes)?.form()?;
    let version = required_version(version)?;
    let db = &state.ctx.db;
    clients::save_contact(
        db,
        &caller.viewer,
        Some(ContactVersion { id, version }),
        form.try_into()?,
        &caller.client,
        None,
    )
    .await?;
    Ok(Json(clients::contact(db, &caller.viewer, id).await?))
}
