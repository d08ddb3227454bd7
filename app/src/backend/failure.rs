//! Turns unexpected failures into `AppError::Internal`: the details go to the log under a short
//! reference, the user sees only the reference.

use crate::model::error::AppError;

pub fn internal(detail: impl std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::now_v7().simple().to_string()[20..].to_string();
    tracing::error!(%reference, error = %detail, "internal error");
    AppError::Internal { reference }
}

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
