//! The REST error type: every failure leaves as `application/problem+json` (RFC 9457).

use app::model::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Field errors for 422s, so a client can show each beside its input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<app::model::error::FieldError>,
    #[serde(skip)]
    pub retry_after_secs: Option<u32>,
}

impl Problem {
    pub fn not_found() -> Self {
        AppError::NotFound.into()
    }

    /// A problem of the HTTP layer, which no use case's `AppError` names.
    pub fn http(status: u16, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{slug}"),
            title: title.into(),
            status,
            detail: Some(detail.into()),
            errors: Vec::new(),
            retry_after_secs: None,
        }
    }

    pub fn method_not_allowed() -> Self {
        Self::http(
            405,
            "method-not-allowed",
            "Method not allowed",
            "This resource does not support that HTTP method.",
        )
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        let slug = serde_json::to_value(&e)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "error".into());
        let retry_after_secs = match &e {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let errors = match &e {
            AppError::Validation { fields } => fields.clone(),
            _ => Vec::new(),
        };
        Self {
            kind: format!("/problems/{}", slug.replace('_', "-")),
            title: e.title().to_string(),
            status: e.status(),
            detail: Some(e.user_message()),
            errors,
            retry_after_secs,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // Serialising a struct of strings and numbers cannot fail; keep a fallback regardless.
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| br#"{"title":"error"}"#.to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Problem::from(self.0).into_response()
    }
}

/// What REST handlers return on failure; `?` works on anything that becomes an `AppError`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_problems_list_their_fields() {
        let p = Problem::from(AppError::validation("title", "Required."));
        assert_eq!(p.status, 422);
        assert_eq!(p.kind, "/problems/validation");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["errors"][0]["field"], "title");
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let r = Problem::from(AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "30");
        assert_eq!(r.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
