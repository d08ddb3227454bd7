//! The error every server function returns. It crosses the wire as JSON, so the UI can show a
//! specific, helpful message; REST renders the same cases as problem+json at the edge.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// One invalid input, named by the form field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// Also the answer for another tenant's row: existence is never leaked.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("some fields are invalid")]
    Validation { fields: Vec<FieldError> },
    /// A request the server could not read at all (a body that is not UTF-8, say).
    #[error("malformed request: {message}")]
    Malformed { message: String },
    /// A request body over the server's limit.
    #[error("request too large")]
    TooLarge,
    #[error("{message}")]
    Conflict { message: String },
    /// The organisation's plan (or lapsed subscription) does not include this.
    #[error("{message}")]
    PlanLimit {
        message: String,
        upgrade_to: Option<crate::billing::Plan>,
    },
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u32 },
    #[error("a service this depends on is unavailable")]
    Unavailable,
    /// Details stay in the server log under `reference`; the user gets only the reference.
    #[error("internal error (reference {reference})")]
    Internal { reference: String },
    /// The call never reached the function, or its answer could not be read.
    #[error("could not reach the server: {message}")]
    Transport { message: String },
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            fields: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    /// Several fields' problems at once, so a form shows them all.
    pub fn fields<'a>(problems: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        Self::Validation {
            fields: problems
                .into_iter()
                .map(|(field, message)| FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        }
    }

    /// The HTTP status this error stands for, shared by server functions and REST.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::Validation { .. } => 422,
            Self::Malformed { .. } => 400,
            Self::TooLarge => 413,
            Self::Conflict { .. } => 409,
            Self::PlanLimit { .. } => 402,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal { .. } => 500,
            Self::Transport { .. } => 502,
        }
    }

    /// A short, stable title (the problem+json `title`).
    pub fn title(&self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Unauthenticated => "Sign-in required",
            Self::Forbidden => "Not allowed",
            Self::Validation { .. } => "Invalid input",
            Self::Malformed { .. } => "Malformed request",
            Self::TooLarge => "Request too large",
            Self::Conflict { .. } => "Clashes with a change already made",
            Self::PlanLimit { .. } => "Not included in your plan",
            Self::RateLimited { .. } => "Too many requests",
            Self::Unavailable => "Service unavailable",
            Self::Internal { .. } => "Something went wrong",
            Self::Transport { .. } => "Connection problem",
        }
    }

    /// What the UI tells a person: what happened and what to do next.
    pub fn user_message(&self) -> String {
        match self {
            Self::NotFound => {
                "We couldn't find that. It may have been removed, or the link is wrong.".into()
            }
            Self::Unauthenticated => "Please sign in to continue.".into(),
            Self::Forbidden => "Your role doesn't allow this. Ask an administrator.".into(),
            Self::Validation { fields } if fields.len() == 1 => fields[0].message.clone(),
            Self::Validation { .. } => {
                "Some fields need attention; see the messages beside them.".into()
            }
            Self::Malformed { message } => {
                format!("The request could not be read ({message}). Reload the page and try again.")
            }
            Self::TooLarge => {
                "That is more than the server accepts at once. Send less and try again.".into()
            }
            Self::Conflict { message } | Self::PlanLimit { message, .. } => message.clone(),
            Self::RateLimited { retry_after_secs } => match retry_after_secs {
                0..=1 => "Too many attempts. Try again in a second.".into(),
                2..=119 => format!("Too many attempts. Try again in {retry_after_secs} seconds."),
                _ => format!(
                    "Too many attempts. Try again in {} minutes.",
                    retry_after_secs.div_ceil(60)
                ),
            },
            Self::Unavailable => {
                "A service we depend on is unavailable. Please try again shortly.".into()
            }
            Self::Internal { reference } => {
                format!("Something went wrong on our side. If it keeps happening, quote reference {reference}.")
            }
            Self::Transport { .. } => {
                "We couldn't reach the server. Check your connection and try again.".into()
            }
        }
    }

    /// The message for one form field, if this error names it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { fields } => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Arguments the server could not read are the caller's fault, not a transport one.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => Self::Validation {
                fields: vec![FieldError {
                    field: String::new(),
                    message: format!("The request was malformed: {}", shortened(&m)),
                }],
            },
            // On the server, a body that cannot be read is the request's fault (a 4xx); in
            // the browser the same error means the answer did not arrive.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) if m.contains("length limit exceeded") => {
                Self::TooLarge
            }
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Deserialization(m) => Self::Malformed {
                message: shortened(&m),
            },
            other => Self::Transport {
                message: shortened(&other.to_string()),
            },
        }
    }
}

/// A library's message as it may reach a person: at most 200 characters, since parsers echo
/// their input and an error must never grow with what the caller sent.
fn shortened(message: &str) -> String {
    match message.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message.to_string(),
    }
}

/// An unexpected failure: the details go to the log under a short reference, and the user sees
/// only the reference.
#[cfg(feature = "ssr")]
pub fn internal(detail: impl std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    tracing::error!(%reference, error = %detail, "internal error");
    AppError::Internal { reference }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            // 22021: text PostgreSQL cannot store (a NUL byte). Input checks refuse it first;
            // this keeps any that slips past a clear 422 rather than a 500.
            sqlx::Error::Database(ref db) if db.code().as_deref() == Some("22021") => {
                AppError::validation("body", "Text can't contain NUL characters.")
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => {
                tracing::warn!(error = %e, "database unavailable");
                AppError::Unavailable
            }
            other => internal(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json_with_a_kind_tag() {
        let e = AppError::validation("email", "Enter an email address like name@example.com.");
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains(r#""kind":"validation""#), "{json}");
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
    }

    #[test]
    fn every_case_has_a_distinct_meaningful_status() {
        let cases = [
            (AppError::NotFound, 404),
            (AppError::Unauthenticated, 401),
            (AppError::Forbidden, 403),
            (AppError::validation("a", "b"), 422),
            (
                AppError::Malformed {
                    message: "m".into(),
                },
                400,
            ),
            (AppError::TooLarge, 413),
            (
                AppError::Conflict {
                    message: "x".into(),
                },
                409,
            ),
            (
                AppError::PlanLimit {
                    message: "x".into(),
                    upgrade_to: None,
                },
                402,
            ),
            (
                AppError::RateLimited {
                    retry_after_secs: 3,
                },
                429,
            ),
            (AppError::Unavailable, 503),
            (
                AppError::Internal {
                    reference: "r".into(),
                },
                500,
            ),
            (
                AppError::Transport {
                    message: "m".into(),
                },
                502,
            ),
        ];
        for (e, status) in cases {
            assert_eq!(e.status(), status, "{e:?}");
            assert!(!e.user_message().is_empty());
        }
    }

    #[test]
    fn internal_errors_show_only_the_reference() {
        let e = AppError::Internal {
            reference: "7f3a".into(),
        };
        assert!(e.user_message().contains("7f3a"));
        assert_eq!(e.title(), "Something went wrong");
    }

    #[test]
    fn malformed_arguments_become_a_validation_error() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(e.status(), 422);
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert_eq!(e.status(), 502);
        // Echoed input never makes an error grow with the request.
        let long = "x".repeat(100_000);
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args(long));
        assert!(
            e.user_message().chars().count() < 300,
            "{}",
            e.user_message().len()
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn unreadable_bodies_are_the_callers_fault_on_the_server() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "invalid utf-8 sequence of 1 bytes from index 0".into(),
        ));
        assert_eq!(e.status(), 400);
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".into(),
        ));
        assert_eq!(e.status(), 413);
    }

    #[test]
    fn field_message_finds_the_named_field_only() {
        let e = AppError::validation("name", "Required.");
        assert_eq!(e.field_message("name").as_deref(), Some("Required."));
        assert_eq!(e.field_message("email"), None);
        assert_eq!(AppError::NotFound.field_message("name"), None);
    }
}
