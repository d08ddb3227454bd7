//! The organisation export: everything the organisation holds as one zip, written as it
//! streams to the admin who asked, from one consistent snapshot of the database.
//!
//! ```text
//! manifest.json            format, schema version, organisation, when, rows per file
//! organisation.json        the organisation's row
//! people.jsonl             the user rows its data names, without password hashes
//! tables/{table}.jsonl     one JSON row per line, parents before children
//! attachments/{id}         each attachment's bytes
//! ```
//!
//! The manifest comes last, so its counts are of what was written. `server import-organisation`
//! (org_import.rs) reads it back into another database.

use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::org_data::{self, TABLES};
use app::backend::{audit, AppContext};
use app::model::audit::AuditAction;
use app::model::error::AppError;
use app::model::permission::Permission;
use async_zip::base::write::ZipFileWriter;
use async_zip::{Compression, ZipEntryBuilder};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::{AsyncWriteExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::io::DuplexStream;

/// Bumped when the layout above changes.
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The last migration of the database it came from.
    pub schema_version: i64,
    pub organisation_id: uuid::Uuid,
    pub organisation_name: String,
    pub exported_at: String,
    /// File name to rows (or bytes, for attachments) written.
    pub files: Vec<(String, u64)>,
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("zip: {0}")]
    Zip(#[from] async_zip::error::ZipError),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// `GET /organisation/export.zip`, for those who may export the organisation's data.
pub async fn download(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
) -> Response {
    if let Err(refused) = viewer.require(Permission::ExportData) {
        return crate::problem::Problem::from(refused).into_response();
    }
    let org = viewer.organisation_id;
    let Some(slot) = state.exports.try_enter(org) else {
        return crate::problem::Problem::from(AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
    };
    // Recorded before the first byte: a download that breaks off was still a download.
    let recorded = async {
        let mut tx = state.ctx.db.scoped_tx(org).await?;
        audit::record(
            &mut tx,
            Some(viewer.user_id),
            AuditAction::OrganisationExported,
            ("organisation", org.0),
            &Default::default(),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await
    };
    if let Err(e) = recorded.await {
        return crate::problem::Problem::from(AppError::from(e)).into_response();
    }
    let (writer, reader) = tokio::io::duplex(64 * 1024);
    let ctx = state.ctx.clone();
    tokio::spawn(async move {
        let _slot = slot;
        if let Err(e) = write(&ctx, org, writer).await {
            // The status line has gone out; the zip ends short (unreadable) and the log says why.
            tracing::error!(error = %e, organisation = %org.0, "organisation export failed part-way");
        }
    });
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(reader)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let name = format!(
        "attachment; filename=\"organisation-{}.zip\"",
        time::OffsetDateTime::now_utc().date()
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

async fn write(
    ctx: &AppContext,
    org: app::model::tenancy::OrganisationId,
    out: DuplexStream,
) -> Result<(), ExportError> {
    let mut zip = ZipFileWriter::with_tokio(out);
    let mut tx = ctx.db.scoped_snapshot(org).await?;
    let mut files = Vec::new();

    let organisation = org_data::organisation(&mut tx).await?;
    whole(
        &mut zip,
        "organisation.json",
        &serde_json::to_vec_pretty(&organisation)?,
    )
    .await?;
    let people = org_data::people(&mut tx).await?;
    files.push(("people.jsonl".to_string(), people.len() as u64));
    let mut lines = Vec::new();
    for person in &people {
        serde_json::to_writer(&mut lines, person)?;
        lines.push(b'\n');
    }
    whole(&mut zip, "people.jsonl", &lines).await?;

    let mut attachments = Vec::new();
    for table in TABLES {
        let name = format!("tables/{table}.jsonl");
        let mut entry = zip
            .write_entry_stream(ZipEntryBuilder::new(
                name.clone().into(),
                Compression::Deflate,
            ))
            .await?;
        let mut rows = org_data::rows(&mut tx, table);
        let mut count = 0u64;
        let mut line = Vec::with_capacity(1024);
        while let Some(row) = rows.next().await {
            let row = row?;
            if table == "attachments" {
                attachments.extend(org_data::attachment_id(&row));
            }
            line.clear();
            serde_json::to_writer(&mut line, &row)?;
            line.push(b'\n');
            entry.write_all(&line).await?;
            count += 1;
        }
        drop(rows);
        entry.close().await?;
        files.push((name, count));
    }
    tx.commit().await?;

    for id in attachments {
        let name = format!("attachments/{id}");
        let path = ctx.attachments.path(org, id);
        let mut file = match tokio::fs::File::open(&path).await {
            Ok(f) => tokio_util::compat::TokioAsyncReadCompatExt::compat(f),
            Err(e) => {
                // A row without its file would make the import fail; say so and go on.
                tracing::error!(error = %e, path = %path.display(), "attachment missing from disk");
                continue;
            }
        };
        // Stored: most attachments (images, PDFs, archives) are compressed already.
        let mut entry = zip
            .write_entry_stream(ZipEntryBuilder::new(
                name.clone().into(),
                Compression::Stored,
            ))
            .await?;
        let bytes = futures_util::io::copy(&mut file, &mut entry).await?;
        entry.close().await?;
        files.push((name, bytes));
    }

    let manifest = Manifest {
        format: FORMAT,
        schema_version: crate::database::schema_version(),
        organisation_id: org.0,
        organisation_name: organisation["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        exported_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        files,
    };
    whole(
        &mut zip,
        "manifest.json",
        &serde_json::to_vec_pretty(&manifest)?,
    )
    .await?;
    // Dropping the writer ends the download.
    zip.close().await?;
    Ok(())
}

/// A small entry written at once.
async fn whole(
    zip: &mut ZipFileWriter<tokio_util::compat::Compat<DuplexStream>>,
    name: &str,
    bytes: &[u8],
) -> Result<(), ExportError> {
    zip.write_entry_whole(
        ZipEntryBuilder::new(name.into(), Compression::Deflate),
        bytes,
    )
    .await?;
    Ok(())
}
