//! `server import-organisation FILE`: a platform operator's restore of one organisation export
//! (org_export.rs) into this database, empty or not. Everything lands in one transaction, so a
//! refusal or a failure leaves the database as it was; an organisation already here, an
//! address taken, or a person whose address belongs to someone else here is refused before
//! anything is written. Files are unpacked into the attachments folder first and removed
//! again if the import does not commit. Prints each file's progress as it goes.

use crate::config::Config;
use crate::org_export::{Manifest, FORMAT};
use app::backend::db::Db;
use app::backend::org_data::{Import, ImportError, TABLES};
use app::model::tenancy::OrganisationId;
use async_zip::tokio::read::fs::ZipFileReader;
use futures_util::AsyncBufReadExt;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Rows sent to the database at once.
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error(transparent)]
    Refused(#[from] ImportError),
    #[error("the file is not an organisation export: {0}")]
    Unreadable(String),
    #[error("attachments folder: {0}")]
    Files(#[from] std::io::Error),
}

impl From<async_zip::error::ZipError> for ImportFailure {
    fn from(e: async_zip::error::ZipError) -> Self {
        Self::Unreadable(e.to_string())
    }
}

impl From<sqlx::Error> for ImportFailure {
    fn from(e: sqlx::Error) -> Self {
        Self::Refused(e.into())
    }
}

#[derive(Debug)]
pub struct ImportReport {
    pub organisation: OrganisationId,
    pub name: String,
    pub rows: u64,
    pub files: u64,
    pub people_added: u64,
    pub people_already_here: u64,
}

pub async fn run(config: &Config, file: &Path) -> Result<ImportReport, ImportFailure> {
    let zip = ZipFileReader::new(file).await?;
    let index: HashMap<String, usize> = zip
        .file()
        .entries()
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some((e.filename().as_str().ok()?.to_string(), i)))
        .collect();
    let manifest: Manifest =
        serde_json::from_slice(&whole(&zip, &index, "manifest.json").await?)
            .map_err(|e| ImportFailure::Unreadable(format!("manifest.json: {e}")))?;
    if manifest.format != FORMAT {
        return Err(ImportFailure::Unreadable(format!(
            "format {} (this server reads {FORMAT})",
            manifest.format
        )));
    }
    let organisation: Value =
        serde_json::from_slice(&whole(&zip, &index, "organisation.json").await?)
            .map_err(|e| ImportFailure::Unreadable(format!("organisation.json: {e}")))?;
    let people = lines(&zip, &index, "people.jsonl").await?;

    let db = Db::connect_lazy(config.owner_connect_options()?, 1, Duration::from_secs(30));
    let mut import = Import::begin(&db, manifest.schema_version, organisation, people).await?;
    let org = import.organisation();
    let expected: HashMap<&str, u64> = manifest
        .files
        .iter()
        .map(|(name, n)| (name.as_str(), *n))
        .collect();

    // Files first, into the organisation's own folder; taken away again unless all commits.
    let folder = config.attachments_dir.join(org.0.to_string());
    let unpacked = Unpacked {
        folder: folder.clone(),
        kept: false,
    };
    let mut files = 0;
    for (name, &i) in &index {
        let Some(id) = name.strip_prefix("attachments/") else {
            continue;
        };
        let id: uuid::Uuid = id
            .parse()
            .map_err(|_| ImportFailure::Unreadable(format!("{name}: not an attachment id")))?;
        tokio::fs::create_dir_all(&folder).await?;
        let mut out = tokio::fs::File::create(folder.join(id.to_string())).await?;
        let entry = zip.reader_with_entry(i).await?;
        let mut entry = tokio_util::compat::FuturesAsyncReadCompatExt::compat(entry);
        tokio::io::copy(&mut entry, &mut out).await?;
        files += 1;
    }

    let mut rows = 0;
    for table in TABLES {
        let name = format!("tables/{table}.jsonl");
        let Some(&i) = index.get(&name) else {
            return Err(ImportFailure::Unreadable(format!("{name} is missing")));
        };
        let total = expected.get(name.as_str()).copied().unwrap_or(0);
        let mut reader = futures_util::io::BufReader::new(zip.reader_with_entry(i).await?);
        let mut batch = Vec::with_capacity(BATCH);
        let mut done = 0u64;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                break;
            }
            batch.push(
                serde_json::from_str::<Value>(&line)
                    .map_err(|e| ImportFailure::Unreadable(format!("{name}: {e}")))?,
            );
            if batch.len() == BATCH {
                done += batch.len() as u64;
                import.rows(table, std::mem::take(&mut batch)).await?;
                progress(table, done, total);
            }
        }
        done += batch.len() as u64;
        if !batch.is_empty() {
            import.rows(table, batch).await?;
        }
        progress(table, done, total);
        eprintln!();
        rows += done;
    }
    let report = ImportReport {
        organisation: org,
        name: manifest.organisation_name,
        rows,
        files,
        people_added: import.people_added,
        people_already_here: import.people_already_here,
    };
    import.commit().await?;
    unpacked.keep();
    Ok(report)
}

fn progress(table: &str, done: u64, total: u64) {
    eprint!("\r\x1b[2K{table}: {done}/{total} rows");
}

async fn whole(
    zip: &ZipFileReader,
    index: &HashMap<String, usize>,
    name: &str,
) -> Result<Vec<u8>, ImportFailure> {
    let i = *index
        .get(name)
        .ok_or_else(|| ImportFailure::Unreadable(format!("{name} is missing")))?;
    let mut bytes = Vec::new();
    zip.reader_with_entry(i)
        .await?
        .read_to_end_checked(&mut bytes)
        .await?;
    Ok(bytes)
}

async fn lines(
    zip: &ZipFileReader,
    index: &HashMap<String, usize>,
    name: &str,
) -> Result<Vec<Value>, ImportFailure> {
    let bytes = whole(zip, index, name).await?;
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_slice(l).map_err(|e| ImportFailure::Unreadable(format!("{name}: {e}")))
        })
        .collect()
}

/// An attachments folder this import made, removed when dropped unless kept.
struct Unpacked {
    folder: PathBuf,
    kept: bool,
}

impl Unpacked {
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_dir_all(&self.folder);
        }
    }
}
