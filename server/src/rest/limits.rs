//! What the REST handlers share: the document's limits checked on raw values (whatever the
//! document forbids is refused, never quietly repaired), ids from paths, versions, 201s.

use app::model::error::{AppError, FieldError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashMap;
use uuid::Uuid;

/// Problems with raw values, all reported at once as the forms do.
#[derive(Default)]
pub(super) struct Limits(Vec<FieldError>);

impl Limits {
    pub(super) fn chars(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        if value.chars().count() > max {
            self.refuse(field, format!("Keep it to {max} characters."));
        }
        self
    }

    pub(super) fn items(&mut self, field: &str, values: &[String], max: usize) -> &mut Self {
        if values.len() > max {
            self.refuse(field, format!("Give at most {max}."));
        }
        self
    }

    pub(super) fn version(&mut self, version: Option<i32>) -> &mut Self {
        if version.is_some_and(|v| v < 1) {
            self.refuse(
                "version",
                "Send the version the change was made against.".into(),
            );
        }
        self
    }

    pub(super) fn refuse(&mut self, field: &str, message: String) {
        self.0.push(FieldError {
            field: field.into(),
            message,
        });
    }

    pub(super) fn done(&mut self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation {
                fields: std::mem::take(&mut self.0),
            })
        }
    }
}

/// An id from the path; anything else names nothing here.
pub(super) fn id_in(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound)
}

/// The version the change was made against, which a change (PUT) must send.
pub(super) fn required_version(version: Option<i32>) -> Result<i32, AppError> {
    version.ok_or_else(|| {
        AppError::validation(
            "version",
            "Send the version the change was made against (a 409 says someone changed it since).",
        )
    })
}

pub(super) fn created(body: impl serde::Serialize, location: String) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// A query parameter that must name one of a few values when sent.
pub(super) fn one_of<T>(
    params: &HashMap<String, String>,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
    message: &str,
) -> Result<(), AppError> {
    match params.get(key) {
        Some(v) if parse(v).is_none() => Err(AppError::validation(key, message)),
        _ => Ok(()),
    }
}
