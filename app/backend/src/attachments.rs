//! Attachments: bytes on local disk under `{root}/{organisation}/{id}`, a row per file in the
//! organisation's scoped transaction. A file is received into the organisation's `incoming`
//! folder while it is counted, hashed and sniffed, moved into place, and only then recorded;
//! anything that fails on the way removes what it wrote, so no row ever lacks its file and
//! half-received files do not linger.

use super::identity::ClientInfo;
use super::tickets::{id_of, record_change, touch};
use super::{failure, Db};
use crate::model::attachments::{safe_filename, sniff, Attachment, UploadNotice, MAX_BYTES};
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::model::tenancy::OrganisationId;
use crate::model::timeline::TimelineEvent;
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

const SNIFF_BYTES: usize = 512;

/// Where attachment bytes live. Each organisation has its own folder, named by its id, so a
/// path is never built from anything a user typed.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Where attachment `id` of `org` lives (the organisation export reads and writes here).
    pub fn path(&self, org: OrganisationId, id: Uuid) -> PathBuf {
        self.root.join(org.0.to_string()).join(id.to_string())
    }

    /// Starts receiving a file for `org`.
    pub async fn receive(&self, org: OrganisationId) -> Result<Incoming, AppError> {
        let folder = self.root.join(org.0.to_string()).join("incoming");
        tokio::fs::create_dir_all(&folder)
            .await
            .map_err(|e| failure::internal(format!("creating {}: {e}", folder.display())))?;
        let path = folder.join(Uuid::now_v7().to_string());
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| failure::internal(format!("creating {}: {e}", path.display())))?;
        Ok(Incoming {
            file,
            path,
            size: 0,
            hasher: Sha256::new(),
            head: Vec::with_capacity(SNIFF_BYTES),
            kept: false,
        })
    }
}

/// A file being received. Dropped before [`attach`] keeps it, it deletes itself.
pub struct Incoming {
    file: tokio::fs::File,
    path: PathBuf,
    size: u64,
    hasher: Sha256,
    head: Vec<u8>,
    kept: bool,
}

impl Incoming {
    /// Appends a chunk; refuses (and later deletes) a file that grows past [`MAX_BYTES`].
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        self.size += chunk.len() as u64;
        if self.size > MAX_BYTES {
            return Err(UploadNotice::TooLarge.error());
        }
        if self.head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.file
            .write_all(chunk)
            .await
            .map_err(|e| failure::internal(format!("writing an attachment: {e}")))
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.kept {
            // Best effort: a leftover in `incoming` is never served, only wastes space.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Attaches a received file to the ticket numbered `number`.
pub async fn attach(
    db: &Db,
    store: &Store,
    viewer: &Viewer,
    number: i64,
    filename: &str,
    mut incoming: Incoming,
    client: &ClientInfo,
) -> Result<Attachment, AppError> {
    if incoming.size == 0 {
        // Browsers send an empty, nameless part when no file was chosen.
        return Err(if filename.is_empty() {
            UploadNotice::NoFile
        } else {
            UploadNotice::Empty
        }
        .error());
    }
    incoming
        .file
        .sync_all()
        .await
        .map_err(|e| failure::internal(format!("saving an attachment: {e}")))?;
    let org = viewer.organisation_id;
    let filename = safe_filename(filename);
    let content_type = sniff(&incoming.head);
    let sha256 = hex(&std::mem::take(&mut incoming.hasher).finalize());

    let mut tx = db.scoped_tx(org).await?;
    let ticket = id_of(&mut tx, number).await?;
    let id = Uuid::now_v7();
    let created_at = sqlx::query_scalar!(
        "insert into attachments (organisation_id, id, ticket_id, uploader_id, filename, content_type, size_bytes, sha256)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         returning created_at",
        org.0,
        id,
        ticket,
        viewer.user_id.0,
        &filename,
        content_type,
        incoming.size as i64,
        &sha256,
    )
    .fetch_one(&mut *tx)
    .await?;
    touch(&mut tx, ticket).await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        TimelineEvent::Attachment {
            filename: filename.clone(),
        },
        (AuditAction::TicketAttachmentAdded, ("attachment", id)),
        client,
        serde_json::json!({ "ticket": ticket, "size_bytes": incoming.size, "sha256": sha256 }),
    )
    .await?;

    let path = store.path(org, id);
    tokio::fs::rename(&incoming.path, &path)
        .await
        .map_err(|e| failure::internal(format!("moving an attachment into place: {e}")))?;
    incoming.kept = true;
    if let Err(e) = tx.commit().await {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e.into());
    }
    Ok(Attachment {
        id,
        filename,
        content_type: content_type.into(),
        size_bytes: incoming.size as i64,
        uploader: Some(viewer.name.clone()),
        created_at,
    })
}

/// An attachment of the viewer's organisation and its bytes; NotFound for anyone else's.
pub async fn open(
    db: &Db,
    store: &Store,
    viewer: &Viewer,
    id: Uuid,
) -> Result<(Attachment, tokio::fs::File), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    let row = sqlx::query!(
        "select filename, content_type, size_bytes, created_at from attachments where id = $1",
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let row = row.ok_or(AppError::NotFound)?;
    let file = tokio::fs::File::open(store.path(org, id))
        .await
        .map_err(|e| failure::internal(format!("attachment {id} has no file: {e}")))?;
    Ok((
        Attachment {
            id,
            filename: row.filename,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            uploader: None,
            created_at: row.created_at,
        },
        file,
    ))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
