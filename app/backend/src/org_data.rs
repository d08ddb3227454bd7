//! An organisation's data as rows of JSON, table by table: what its export holds and what a
//! platform operator imports into an empty database or another installation. Rows keep their
//! ids, numbers and timestamps, so tickets, links and the audit log survive the move.
//!
//! A row is `to_jsonb` of the table's row on the way out and `jsonb_populate_recordset` of the
//! same table on the way in: every column travels, including ones added after this was
//! written, and the import refuses a file from another schema version rather than guess.

use crate::db::{Db, TenantTx};
use crate::identity::password;
use crate::model::tenancy::OrganisationId;
use futures_util::Stream;
use serde_json::Value;
use sqlx::{AssertSqlSafe, Postgres, Transaction};
use uuid::Uuid;

/// The organisation's tables, parents before children, as the import inserts them.
pub const TABLES: [&str; 23] = [
    "memberships",
    "org_domains",
    "queues",
    "ticket_counters",
    "clients",
    "client_domains",
    "contacts",
    "contact_emails",
    "locations",
    "assets",
    "tickets",
    "asset_tickets",
    "comments",
    "ticket_events",
    "inspections",
    "approvals",
    "attachments",
    "saved_views",
    "api_tokens",
    "invitations",
    "subscriptions",
    "invoices",
    "audit_log",
];

/// Tenant tables that do not travel: retries' remembered answers (a day's worth) and mail
/// waiting to be sent (sending it again from another installation would be wrong).
pub const LEFT_OUT: [&str; 2] = ["idempotency_keys", "outbox"];

/// The organisation's own row.
pub async fn organisation(tx: &mut TenantTx) -> Result<Value, sqlx::Error> {
    let org = tx.organisation();
    sqlx::query_scalar("select to_jsonb(o) from organisations o where id = $1")
        .bind(org.0)
        .fetch_one(&mut **tx)
        .await
}

/// Everyone the organisation's rows name (members, former members, authors, inviters), as
/// their user rows without the password hash: an export is a file that travels, and a hash in
/// it is a password to crack. Imported people set a password through the reset link.
pub async fn people(tx: &mut TenantTx) -> Result<Vec<Value>, sqlx::Error> {
    let references = person_columns(tx).await?;
    let mut ids: Vec<Uuid> = Vec::new();
    for (table, column) in references {
        // Names from the catalogue, for tables in TABLES: nothing a user typed.
        let found: Vec<Uuid> = sqlx::query_scalar(AssertSqlSafe(format!(
            "select distinct {column} from {table} where {column} is not null"
        )))
        .fetch_all(&mut **tx)
        .await?;
        ids.extend(found);
    }
    ids.sort();
    ids.dedup();
    sqlx::query_scalar(
        "select to_jsonb(u) - 'password_hash' from users u where id = any($1) order by id",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await
}

/// The columns of the organisation's tables that name a person: (table, column).
pub async fn person_columns(
    conn: &mut sqlx::PgConnection,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "select cl.relname::text, a.attname::text
           from pg_constraint c
           join pg_class cl on cl.oid = c.conrelid
           join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
          where c.contype = 'f' and c.confrelid = 'users'::regclass
            and cardinality(c.conkey) = 1 and cl.relname = any($1)
          order by 1, 2",
    )
    .bind(TABLES.map(String::from).to_vec())
    .fetch_all(conn)
    .await
}

/// The rows of `table` (one of [`TABLES`]) as they stream out of the database.
pub fn rows<'t>(
    tx: &'t mut TenantTx,
    table: &'static str,
) -> impl Stream<Item = Result<Value, sqlx::Error>> + 't {
    debug_assert!(TABLES.contains(&table));
    sqlx::query_scalar(AssertSqlSafe(format!("select to_jsonb(t) from {table} t"))).fetch(&mut **tx)
}

/// The attachment ids in `rows` of the attachments table.
pub fn attachment_id(row: &Value) -> Option<Uuid> {
    row.get("id")?.as_str()?.parse().ok()
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("this file is from schema version {archive}, this database is at {here}: bring both to the same version first")]
    SchemaVersion { archive: i64, here: i64 },
    #[error("organisation {0} is already in this database: nothing was imported")]
    AlreadyHere(Uuid),
    #[error("the address {0:?} is taken here by another organisation")]
    SlugTaken(String),
    #[error("{0} has an account here that is not the one in the file: nothing was imported")]
    PersonElsewhere(String),
    #[error("the file is not an organisation export: {0}")]
    Malformed(String),
    #[error("{0}")]
    Internal(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// An import in progress: one transaction, so a failure anywhere leaves the database as it
/// was. Begun with the organisation and its people, fed table by table, then committed.
pub struct Import {
    tx: TenantTx,
    /// Rows inserted per table, in order.
    pub counts: Vec<(String, u64)>,
    pub people_added: u64,
    pub people_already_here: u64,
}

impl Import {
    /// Checks that the organisation can land here and inserts it and its people. `db` must
    /// connect as the schema owner (the operator's migration URL).
    pub async fn begin(
        db: &Db,
        schema_version: i64,
        mut organisation: Value,
        mut people: Vec<Value>,
    ) -> Result<Self, ImportError> {
        let mut tx: Transaction<'static, Postgres> = db.begin().await?;
        let here: i64 = sqlx::query_scalar(
            "select coalesce(max(version), 0) from _sqlx_migrations where success",
        )
        .fetch_one(&mut *tx)
        .await?;
        if here != schema_version {
            return Err(ImportError::SchemaVersion {
                archive: schema_version,
                here,
            });
        }
        let id: Uuid = organisation["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ImportError::Malformed("the organisation has no id".into()))?;
        let slug = organisation["slug"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let (exists, slug_taken): (bool, bool) = sqlx::query_as(
            "select exists(select 1 from organisations where id = $1),
                    exists(select 1 from organisations where slug = $2)",
        )
        .bind(id)
        .bind(&slug)
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            return Err(ImportError::AlreadyHere(id));
        }
        if slug_taken {
            return Err(ImportError::SlugTaken(slug));
        }
        // A partner of the old installation that this one does not have: the organisation
        // arrives on its own.
        if let Some(partner) = organisation["partner_id"].as_str() {
            let known: bool =
                sqlx::query_scalar("select exists(select 1 from partners where id::text = $1)")
                    .bind(partner)
                    .fetch_one(&mut *tx)
                    .await?;
            if !known {
                organisation["partner_id"] = Value::Null;
            }
        }
        insert(&mut tx, "organisations", vec![organisation], "").await?;

        // Someone already here under the same id (a member of several organisations) is
        // kept as they are; the same address under another id is a different person, refused.
        let ids: Vec<Uuid> = people
            .iter()
            .filter_map(|p| p["id"].as_str()?.parse().ok())
            .collect();
        let emails: Vec<String> = people
            .iter()
            .filter_map(|p| p["email"].as_str().map(str::to_string))
            .collect();
        let clash: Option<String> = sqlx::query_scalar(
            "select u.email from users u
               join unnest($1::uuid[], $2::text[]) as f(id, email) on f.email = u.email
              where u.id <> f.id limit 1",
        )
        .bind(&ids)
        .bind(&emails)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(email) = clash {
            return Err(ImportError::PersonElsewhere(email));
        }
        let already: i64 = sqlx::query_scalar("select count(*) from users where id = any($1)")
            .bind(&ids)
            .fetch_one(&mut *tx)
            .await?;
        // A hash of a secret nobody holds: the person signs in after a password reset.
        let unusable = password::hash(&crate::identity::tokens::SecretToken::generate().encode())
            .await
            .map_err(|e| ImportError::Internal(e.to_string()))?;
        for person in &mut people {
            person["password_hash"] = Value::String(unusable.clone());
        }
        let total = people.len() as u64;
        insert(&mut tx, "users", people, "on conflict (id) do nothing").await?;
        let tx = TenantTx::enter(tx, OrganisationId(id)).await?;
        Ok(Self {
            tx,
            counts: Vec::new(),
            people_added: total - already as u64,
            people_already_here: already as u64,
        })
    }

    pub fn organisation(&self) -> OrganisationId {
        self.tx.organisation()
    }

    /// Inserts a batch of `table`'s rows; every row must belong to the organisation being
    /// imported (row-level security refuses any other).
    pub async fn rows(&mut self, table: &str, rows: Vec<Value>) -> Result<(), ImportError> {
        if !TABLES.contains(&table) {
            return Err(ImportError::Malformed(format!("unknown table {table:?}")));
        }
        let n = rows.len() as u64;
        insert(&mut self.tx, table, rows, "").await?;
        match self.counts.last_mut() {
            Some((last, count)) if last == table => *count += n,
            _ => self.counts.push((table.to_string(), n)),
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), ImportError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// `insert into {table}` the JSON `rows`, column by column as the table has them now
/// (generated columns are the database's to fill).
async fn insert(
    conn: &mut sqlx::PgConnection,
    table: &str,
    rows: Vec<Value>,
    conflict: &str,
) -> Result<(), sqlx::Error> {
    let columns: String = sqlx::query_scalar(
        "select string_agg(quote_ident(attname), ', ' order by attnum)
           from pg_attribute
          where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = ''",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await?;
    // `table` is one of TABLES, "organisations" or "users"; the columns come from the catalogue.
    sqlx::query(AssertSqlSafe(format!(
        "insert into {table} ({columns}) select {columns} from jsonb_populate_recordset(null::{table}, $1) {conflict}"
    )))
    .bind(Value::Array(rows))
    .execute(conn)
    .await?;
    Ok(())
}
