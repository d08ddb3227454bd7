use crate::model::error::AppError;
use crate::model::system::SystemStatus;
use leptos::prelude::*;

/// Health of the service as the status page shows it.
#[server(endpoint = "system/status")]
pub async fn get_system_status() -> Result<SystemStatus, AppError> {
    use crate::model::system::Health;

    let ctx = crate::backend::request::context()?;
    let (database, database_latency_us) = match ctx.db.ping().await {
        Ok(rtt) => (Health::Ok, Some(rtt.as_micros() as u64)),
        Err(e) => {
            tracing::warn!(error = %e, "status page: database ping failed");
            (Health::Down, None)
        }
    };
    let checked_at = time::OffsetDateTime::now_utc();
    Ok(SystemStatus {
        version: ctx.version.to_string(),
        database,
        database_latency_us,
        checked_at,
    })
}
