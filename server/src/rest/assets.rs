//! `/api/v1` locations and assets: the services the client and asset pages use, behind JSON,
//! with the document's limits checked on the raw values first (see `limits`).

use super::limits::{created, id_in, one_of, required_version, Limits};
use super::{body, idempotency};
use crate::problem::ApiError;
use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::clients::{self, AssetVersion, LocationVersion};
use app::model::clients::{
    Asset, AssetFilter, AssetForm, AssetId, AssetKind, AssetPage, ClientId, Location, LocationForm,
    LocationId, MAKE_MAX, PROPERTIES_MAX, PROPERTY_KEY_MAX, PROPERTY_VALUE_MAX,
};
use app::model::error::AppError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use uuid::Uuid;

// --- locations -------------------------------------------------------------------------------

/// A location of a client: to add one, or (PUT) to replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationBody {
    /// On a change (PUT), the version it was made against; ignored when adding.
    #[serde(default)]
    #[schema(minimum = 1)]
    version: Option<i32>,
    /// The client; a location stays with the client it was added to.
    client_id: Uuid,
    /// Unique at the client regardless of case.
    #[schema(max_length = 200)]
    name: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    address: String,
    #[serde(default)]
    #[schema(max_length = 10000)]
    notes: String,
}

impl LocationBody {
    fn form(self) -> Result<(Option<i32>, LocationForm), AppError> {
        Limits::default()
            .version(self.version)
            .chars("name", &self.name, 200)
            .chars("address", &self.address, 1000)
            .chars("notes", &self.notes, 10_000)
            .done()?;
        Ok((
            self.version,
            LocationForm {
                client: self.client_id.to_string(),
                name: self.name,
                address: self.address,
                notes: self.notes,
            },
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/locations", tag = "clients",
    params(("client" = Uuid, Query, description = "The client whose locations these are")),
    responses((status = 200, body = Vec<Location>), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn list_locations(
    State(state): State<AppState>,
    caller: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Location>>, ApiError> {
    let client = params
        .get("client")
        .and_then(|c| Uuid::parse_str(c).ok())
        .ok_or_else(|| AppError::validation("client", "Name the client by its id."))?;
    Ok(Json(
        clients::locations(&state.ctx.db, &caller.viewer, ClientId(client)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/locations", tag = "clients", request_body = LocationBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = Location), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn add_location(
    State(state): State<AppState>,
    caller: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let once = idempotency::key(&headers, &caller, "POST /api/v1/locations", &bytes)?;
    let (_, form) = body::<LocationBody>(&headers, &bytes)?.form()?;
    let db = &state.ctx.db;
    let id = clients::save_location(
        db,
        &caller.viewer,
        None,
        form.try_into()?,
        &caller.client,
        once.as_ref(),
    )
    .await?;
    let location = clients::location(db, &caller.viewer, id).await?;
    Ok(created(location, format!("/api/v1/locations/{}", id.0)))
}

#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "The location's id")),
    responses((status = 200, body = Location), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem)))]
pub async fn get_location(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Location>, ApiError> {
    let id = LocationId(id_in(&raw)?);
    Ok(Json(
        clients::location(&state.ctx.db, &caller.viewer, id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/locations/{id}", tag = "clients", request_body = LocationBody,
    params(("id" = Uuid, Path, description = "The location's id")),
    responses((status = 200, body = Location), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn change_location(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<Location>, ApiError> {
    let id = LocationId(id_in(&raw)?);
    let (version, form) = body::<LocationBody>(&headers, &bytes)?.form()?;
    let version = required_version(version)?;
    let db = &state.ctx.db;
    clients::save_location(
        db,
        &caller.viewer,
        Some(LocationVersion { id, version }),
        form.try_into()?,
        &caller.client,
        None,
    )
    .await?;
    Ok(Json(clients::location(db, &caller.viewer, id).await?))
}

// --- assets ----------------------------------------------------------------------------------

/// An asset of a client: to add one, or (PUT) to replace one's fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetBody {
    /// On a change (PUT), the version it was made against; ignored when adding.
    #[serde(default)]
    #[schema(minimum = 1)]
    version: Option<i32>,
    /// The client it belongs to (a change may move it to another).
    client_id: Uuid,
    /// Default: other.
    #[serde(default)]
    kind: Option<AssetKind>,
    #[schema(max_length = 200)]
    name: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    manufacturer: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    model: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    serial_number: String,
    /// `YYYY-MM-DD`, between 1970 and 2199.
    #[serde(default)]
    #[schema(format = Date)]
    purchased_on: Option<String>,
    /// `YYYY-MM-DD`, not before `purchased_on`.
    #[serde(default)]
    #[schema(format = Date)]
    warranty_ends: Option<String>,
    /// One of the client's locations.
    #[serde(default)]
    location_id: Option<Uuid>,
    /// Someone at the client.
    #[serde(default)]
    contact_id: Option<Uuid>,
    /// Free properties, like `{"RAM": "16 GB"}`: names unique regardless of case, without
    /// `:` or `=`; at most 50.
    #[serde(default)]
    properties: BTreeMap<String, String>,
}

impl AssetBody {
    fn form(self) -> Result<(Option<i32>, AssetForm), AppError> {
        let mut limits = Limits::default();
        limits
            .version(self.version)
            .chars("name", &self.name, 200)
            .chars("manufacturer", &self.manufacturer, MAKE_MAX)
            .chars("model", &self.model, MAKE_MAX)
            .chars("serial_number", &self.serial_number, MAKE_MAX);
        if self.properties.len() > PROPERTIES_MAX {
            limits.refuse(
                "properties",
                format!("Give at most {PROPERTIES_MAX} properties."),
            );
        }
        // The form keeps properties as `name: value` lines: what would not survive that is
        // refused here, not reread as something else.
        let unsafe_text = |s: &str, max: usize| s.chars().count() > max || s.contains(['\n', '\r']);
        if let Some((k, _)) = self.properties.iter().find(|(k, v)| {
            k.contains([':', '='])
                || unsafe_text(k, PROPERTY_KEY_MAX)
                || unsafe_text(v, PROPERTY_VALUE_MAX)
        }) {
            limits.refuse(
                "properties",
                format!("{k}: names without : or =, at most {PROPERTY_KEY_MAX} characters, values on one line of at most {PROPERTY_VALUE_MAX}."),
            );
        }
        limits.done()?;
        let id = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
        Ok((
            self.version,
            AssetForm {
                client: self.client_id.to_string(),
                kind: self.kind.unwrap_or_default().as_str().into(),
                name: self.name,
                manufacturer: self.manufacturer,
                model: self.model,
                serial_number: self.serial_number,
                purchased_on: self.purchased_on.unwrap_or_default(),
                warranty_ends: self.warranty_ends.unwrap_or_default(),
                location: id(self.location_id),
                contact: id(self.contact_id),
                properties: self
                    .properties
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/assets", tag = "clients",
    params(
        ("q" = Option<String>, Query, description = "Part of a name or a serial number (at most 100 characters)"),
        ("client" = Option<Uuid>, Query, description = "Only this client's assets"),
        ("kind" = Option<AssetKind>, Query, description = "Only assets of this kind"),
        ("warranty" = Option<String>, Query, description = "`soon`: only warranties ending within 30 days, soonest first"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
    ),
    responses((status = 200, body = AssetPage), (status = 401, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn list_assets(
    State(state): State<AppState>,
    caller: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<AssetPage>, ApiError> {
    one_of(
        &params,
        "client",
        |v| Uuid::parse_str(v).ok(),
        "Use a client's id.",
    )?;
    one_of(&params, "kind", AssetKind::parse, "Use one of the kinds.")?;
    one_of(
        &params,
        "warranty",
        |v| (v == "soon").then_some(()),
        "Use soon, or leave it out.",
    )?;
    let filter = AssetFilter::from_query(|k| params.get(k).cloned());
    Ok(Json(
        clients::list_assets(&state.ctx.db, &caller.viewer, &filter).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/assets", tag = "clients", request_body = AssetBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = Asset), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn add_asset(
    State(state): State<AppState>,
    caller: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let once = idempotency::key(&headers, &caller, "POST /api/v1/assets", &bytes)?;
    let (_, form) = body::<AssetBody>(&headers, &bytes)?.form()?;
    let db = &state.ctx.db;
    let id = clients::save_asset(
        db,
        &caller.viewer,
        None,
        form.try_into()?,
        &caller.client,
        once.as_ref(),
    )
    .await?;
    let asset = clients::asset(db, &caller.viewer, id).await?;
    Ok(created(asset, format!("/api/v1/assets/{}", id.0)))
}

#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "clients",
    params(("id" = Uuid, Path, description = "The asset's id")),
    responses((status = 200, body = Asset), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem)))]
pub async fn get_asset(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Asset>, ApiError> {
    let id = AssetId(id_in(&raw)?);
    Ok(Json(
        clients::asset(&state.ctx.db, &caller.viewer, id).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "clients", request_body = AssetBody,
    params(("id" = Uuid, Path, description = "The asset's id")),
    responses((status = 200, body = Asset), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn change_asset(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Json<Asset>, ApiError> {
    let id = AssetId(id_in(&raw)?);
    let (version, form) = body::<AssetBody>(&headers, &bytes)?.form()?;
    let version = required_version(version)?;
    let db = &state.ctx.db;
    clients::save_asset(
        db,
        &caller.viewer,
        Some(AssetVersion { id, version }),
        form.try_into()?,
        &caller.client,
        None,
    )
    .await?;
    Ok(Json(clients::asset(db, &caller.viewer, id).await?))
}
