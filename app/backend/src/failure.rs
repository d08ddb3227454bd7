//! Unexpected failures become `AppError::Internal` with a logged reference; database errors
//! map to `AppError` by `From` (both live with `AppError` in the model crate, whose `ssr`
//! feature adds them, since a conversion must sit beside one of its types).

pub use crate::model::error::internal;
