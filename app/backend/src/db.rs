//! The database pool and the one way to touch tenant data: `scoped_tx`.

use crate::model::tenancy::OrganisationId;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Postgres, Transaction};
use std::time::{Duration, Instant};

/// `to_char` format for instants in the CSV exports: UTC, ISO 8601, whole seconds.
pub const UTC_TEXT: &str = "YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"";

#[derive(Clone)]
pub struct Db {
    pool: PgPool,
}

impl Db {
    /// A pool that connects lazily, so the server starts (and answers `/healthz`, and `/readyz`
    /// with 503) while the database is still coming up.
    pub fn connect_lazy(
        options: PgConnectOptions,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Self {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .connect_lazy_with(options);
        Self { pool }
    }

    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// For identity and tenancy lookups that happen before a tenant is known. Tenant data is
    /// never read through this: RLS would hide it anyway, since no tenant is set.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Round-trip time of `select 1`.
    pub async fn ping(&self) -> Result<Duration, sqlx::Error> {
        let started = Instant::now();
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(started.elapsed())
    }

    /// Opens a transaction in which row-level security sees only `tenant`'s rows.
    ///
    /// The setting is transaction-local (`set_config(.., true)`), so a pooled connection never
    /// carries one tenant into the next request, even if the transaction is dropped unfinished.
    pub async fn scoped_tx(&self, tenant: OrganisationId) -> Result<TenantTx, sqlx::Error> {
        // BEGIN and the setting in one simple query, so one round trip. Built as text because
        // a simple query takes no parameters: a UUID's text is hex digits and dashes only.
        let begin = format!(
            "BEGIN; SELECT set_config('app.tenant_id', '{}', true)",
            tenant.0
        );
        let tx = self.begin_with(Some(begin)).await?;
        Ok(TenantTx { tx, tenant })
    }

    /// A read-only transaction scoped to `tenant` that sees one moment throughout (repeatable
    /// read), for reading a whole organisation out table by table while others write.
    pub async fn scoped_snapshot(&self, tenant: OrganisationId) -> Result<TenantTx, sqlx::Error> {
        let begin = format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT set_config('app.tenant_id', '{}', true)",
            tenant.0
        );
        let tx = self.begin_with(Some(begin)).await?;
        Ok(TenantTx { tx, tenant })
    }

    /// A transaction on the pool, for work before a tenant is known (signing up, signing in,
    /// webhooks). Every transaction begins here or in `scoped_tx`; clippy refuses the pool's
    /// own `begin` (clippy.toml), which a cancelled request can leave half-open (below).
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.begin_with(None).await
    }

    /// Begins a transaction in a task of its own, which a cancelled caller cannot stop halfway.
    /// sqlx (0.9) counts a transaction only once BEGIN's answer is read, so a request cancelled
    /// before then (a client hanging up) could give back a connection with a transaction open
    /// on the server that sqlx knew nothing of: the next borrower ran inside it, with the
    /// cancelled request's tenant still set (seen under the benchmark's load as "there is
    /// already a transaction in progress"). Run to completion, the BEGIN is counted, and a transaction
    /// nobody awaits any more is dropped, which queues its ROLLBACK before the connection is
    /// lent again. This replaced a check on every release (a round trip each, six per list
    /// page, 4.4 % of its CPU: issue 14's profile).
    async fn begin_with(
        &self,
        statement: Option<String>,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let pool = self.pool.clone();
        #[allow(clippy::disallowed_methods)] // the one place allowed: see above
        let begin = async move {
            match statement {
                Some(statement) => pool.begin_with(AssertSqlSafe(statement)).await,
                None => pool.begin().await,
            }
        };
        tokio::spawn(begin)
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
    }
}

/// A transaction scoped to one organisation, and which one. Everything that writes tenant rows
/// takes this by `&mut` and reads the organisation from it, so a row cannot be written for
/// another organisation than the one row-level security lets the transaction see. A use case
/// opens one, calls the repositories, writes its audit and outbox rows, and commits once;
/// dropped without `commit`, it rolls back.
pub struct TenantTx {
    tx: Transaction<'static, Postgres>,
    tenant: OrganisationId,
}

impl TenantTx {
    /// Scopes a transaction that began without a tenant (signing up, accepting an invitation:
    /// the organisation is found or made inside it): the one other place `app.tenant_id` is set.
    pub async fn enter(
        mut tx: Transaction<'static, Postgres>,
        tenant: OrganisationId,
    ) -> Result<Self, sqlx::Error> {
        sqlx::query("select set_config('app.tenant_id', $1, true)")
            .bind(tenant.0.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(Self { tx, tenant })
    }

    pub fn organisation(&self) -> OrganisationId {
        self.tenant
    }

    /// The same transaction scoped to `tenant` instead, for a change that must land in several
    /// organisations at once or in none (erasing a person).
    pub async fn rescope(self, tenant: OrganisationId) -> Result<Self, sqlx::Error> {
        Self::enter(self.tx, tenant).await
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for TenantTx {
    type Target = sqlx::PgConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Db {
    /// A transaction that may read one user's own memberships across organisations (and
    /// nothing else tenant-owned): for signing in and switching organisation.
    pub async fn user_tx(
        &self,
        user: crate::model::identity::UserId,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("select set_config('app.user_id', $1, true)")
            .bind(user.0.to_string())
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
}
