//! Every setting the server reads, with its environment variable and default. Nothing else in
//! the code base reads the environment; `server --help` prints this list.

use clap::{Args, Parser, Subcommand, ValueEnum};
use leptos::config::{Env, LeptosOptions};
use sqlx::postgres::PgConnectOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "Workdesk: tickets, workflows, projects and billing"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply pending database migrations as the schema owner, then exit.
    Migrate,
    /// Load demo data (idempotent), then exit.
    Seed,
    /// Generate benchmark data at scale (organisations bench-0, bench-1, ...), then exit.
    SeedScale(crate::scale_seed::ScaleOptions),
    /// Serve only the ticket list's query behind a bare handler: the benchmark's ceiling.
    Baseline,
    /// Import an organisation export (the zip an admin downloads) into this database, as the
    /// schema owner; refused, with nothing written, if any of it is already here.
    ImportOrganisation {
        /// The export's zip file.
        file: std::path::PathBuf,
    },
    /// Deliver the outbox (email) until stopped, without serving HTTP: for running the relay
    /// as its own process (then set OUTBOX_RELAY=false on the web servers).
    Worker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    Pretty,
    /// One JSON object a line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// The URL people reach the service at. With https, cookies are Secure and HSTS is sent.
    #[arg(
        long,
        env = "PUBLIC_URL",
        default_value = "http://localhost:3000",
        global = true
    )]
    pub public_url: String,

    /// PostgreSQL URL of the application role: owns nothing and is subject to row-level security.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://workdesk_app@127.0.0.1:5432/workdesk",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,

    /// PostgreSQL URL of the schema owner, used only by `migrate`.
    #[arg(
        long,
        env = "MIGRATION_DATABASE_URL",
        default_value = "postgres://workdesk_owner@127.0.0.1:5432/workdesk",
        hide_env_values = true,
        global = true
    )]
    pub migration_database_url: String,

    /// PostgreSQL URL of the outbox relay's role: it can read and update outbox rows only.
    #[arg(
        long,
        env = "WORKER_DATABASE_URL",
        default_value = "postgres://workdesk_worker@127.0.0.1:5432/workdesk",
        hide_env_values = true,
        global = true
    )]
    pub worker_database_url: String,

    /// Whether `serve` also delivers the outbox. Several servers may all do it: rows are
    /// claimed with SKIP LOCKED, so each is sent once.
    #[arg(long, env = "OUTBOX_RELAY", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub outbox_relay: bool,

    /// Mail server for outgoing email: `smtp://host:port` (plain, for a local relay),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    /// Unset: email waits in the outbox until a relay with a mail server delivers it.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sender of outgoing email.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Workdesk <no-reply@workdesk.localhost>",
        global = true
    )]
    pub mail_from: String,

    /// Organisations are served at `{slug}.{base domain}`; the base domain itself, `localhost`
    /// and IP addresses serve the platform's own pages.
    #[arg(long, env = "BASE_DOMAIN", default_value = "localhost", global = true)]
    pub base_domain: String,

    /// Secret that signs access tokens (at least 32 bytes). Unset: a random one per process,
    /// so a restart signs everyone out of their access tokens (sessions refresh them).
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Seconds an access token lives; sessions renew it silently.
    #[arg(
        long,
        env = "ACCESS_TOKEN_TTL_SECS",
        default_value_t = 900,
        global = true
    )]
    pub access_token_ttl_secs: u64,

    /// Days a session lasts without being used before its owner must sign in again.
    #[arg(long, env = "SESSION_TTL_DAYS", default_value_t = 30, global = true)]
    pub session_ttl_days: u64,

    /// Most database connections the server holds open.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 20,
        global = true
    )]
    pub database_max_connections: u32,

    /// Seconds a request waits for a free database connection before failing with 503.
    #[arg(
        long,
        env = "DATABASE_ACQUIRE_TIMEOUT_SECS",
        default_value_t = 5,
        global = true
    )]
    pub database_acquire_timeout_secs: u64,

    /// Requests per minute each API token may make (per server process).
    #[arg(
        long,
        env = "API_REQUESTS_PER_MINUTE",
        default_value_t = 600,
        global = true
    )]
    pub api_requests_per_minute: u32,

    /// A Redis every server process shares (`redis://host:port`), so API rate limits hold in
    /// total across processes. Unset: each process counts alone.
    #[arg(long, env = "REDIS_URL", global = true)]
    pub redis_url: Option<String>,

    /// Folder attachments are kept in, one sub-folder per organisation. Back it up with the
    /// database: a row without its file is a broken download.
    #[arg(
        long,
        env = "ATTACHMENTS_DIR",
        default_value = "data/attachments",
        global = true
    )]
    pub attachments_dir: PathBuf,

    /// Folder with the built site (the wasm bundle, CSS and public assets).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,

    /// Whether asset names carry content hashes. Unset: true when cargo-leptos left a hash.txt
    /// beside the executable.
    #[arg(long, env = "LEPTOS_HASH_FILES", global = true)]
    pub hash_files: Option<bool>,

    /// Log line format.
    #[arg(
        long,
        env = "LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,

    /// Log filter, in tracing's EnvFilter syntax.
    #[arg(
        long,
        env = "RUST_LOG",
        default_value = "info,sqlx=warn,tower_http=info",
        global = true
    )]
    pub log_filter: String,

    /// Stripe secret key (`sk_live_...`/`sk_test_...`). Unset: billing runs in offline mode,
    /// enforcing plans and seats from local state and changing plans without payment.
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true, global = true)]
    pub stripe_secret_key: Option<String>,

    /// Signing secret of the Stripe webhook endpoint `/webhooks/stripe` (`whsec_...`).
    #[arg(
        long,
        env = "STRIPE_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub stripe_webhook_secret: Option<String>,

    /// Another Stripe-compatible API base URL (a local fake for tests). Unset: Stripe's own.
    #[arg(long, env = "STRIPE_API_BASE", global = true)]
    pub stripe_api_base: Option<String>,

    /// Stripe price ids: each plan's monthly price and the extra seat's (per seat per month).
    #[arg(long, env = "STRIPE_PRICE_INDIVIDUAL", global = true)]
    pub stripe_price_individual: Option<String>,
    #[arg(long, env = "STRIPE_PRICE_STARTER", global = true)]
    pub stripe_price_starter: Option<String>,
    #[arg(long, env = "STRIPE_PRICE_PRO", global = true)]
    pub stripe_price_pro: Option<String>,
    #[arg(long, env = "STRIPE_PRICE_EXTRA_SEAT", global = true)]
    pub stripe_price_extra_seat: Option<String>,

    /// Seconds a client has to send a request's headers once it starts one (or opens a
    /// connection): a client that trickles them (slowloris) is cut off after this.
    #[arg(
        long,
        env = "HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub header_read_timeout_secs: u64,

    /// Seconds a request body may pause between two pieces before the request is refused.
    #[arg(
        long,
        env = "BODY_IDLE_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub body_idle_timeout_secs: u64,

    /// Reverse proxies in front of the server, whose `X-Forwarded-For` names the client:
    /// comma-separated addresses or networks (`127.0.0.1,10.0.0.0/8`). Empty: the peer is the
    /// client, and a forwarded header is ignored.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", global = true)]
    pub trusted_proxies: crate::client_address::TrustedProxies,

    /// Seconds in-flight requests get to finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 20, global = true)]
    pub shutdown_grace_secs: u64,

    /// Seconds a runtime may go without polling its heartbeat before `serve` aborts for its
    /// supervisor to restart it (0: never). Shutdown is also cut off 5 s past the grace.
    #[arg(long, env = "WATCHDOG_SECS", default_value_t = 30, global = true)]
    pub watchdog_secs: u64,
}

impl Config {
    pub fn serves_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn app_connect_options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        PgConnectOptions::from_str(&self.database_url)
    }

    pub fn worker_connect_options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        PgConnectOptions::from_str(&self.worker_database_url)
    }

    pub fn owner_connect_options(&self) -> Result<PgConnectOptions, sqlx::Error> {
        PgConnectOptions::from_str(&self.migration_database_url)
    }

    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_secs(self.database_acquire_timeout_secs)
    }

    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs.max(1))
    }

    pub fn body_idle_timeout(&self) -> Duration {
        Duration::from_secs(self.body_idle_timeout_secs.max(1))
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }

    pub fn watchdog(&self) -> crate::watchdog::Limits {
        crate::watchdog::Limits {
            stall: Duration::from_secs(self.watchdog_secs),
            shutdown: self.shutdown_grace() + Duration::from_secs(5),
        }
    }

    pub fn hash_files(&self) -> bool {
        self.hash_files
            .unwrap_or_else(|| hash_file_path().is_some_and(|p| p.exists()))
    }

    pub fn auth_settings(&self) -> app::backend::identity::AuthSettings {
        use app::backend::identity::{tokens::AccessKeys, AuthSettings};
        let secret = match &self.jwt_secret {
            Some(s) => s.as_bytes().to_vec(),
            None => {
                tracing::warn!("JWT_SECRET is not set; using a random secret for this process");
                let mut bytes = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
                bytes.to_vec()
            }
        };
        AuthSettings {
            keys: AccessKeys::from_secret(&secret),
            secure_cookies: self.serves_https(),
            access_ttl: Duration::from_secs(self.access_token_ttl_secs),
            session_ttl: Duration::from_secs(self.session_ttl_days * 24 * 3600),
        }
    }

    /// Billing's connection to Stripe: offline when no secret key is set; with one, every
    /// other Stripe setting is required.
    pub fn billing(&self) -> Result<app::backend::billing::Billing, String> {
        use app::backend::billing::{stripe_api, Billing, StripeConnection};
        let Some(key) = &self.stripe_secret_key else {
            return Ok(Billing::offline());
        };
        let need = |value: &Option<String>, name: &str| {
            value
                .clone()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("STRIPE_SECRET_KEY is set, so {name} must be too"))
        };
        let prices = stripe_api::Prices {
            individual: need(&self.stripe_price_individual, "STRIPE_PRICE_INDIVIDUAL")?,
            starter: need(&self.stripe_price_starter, "STRIPE_PRICE_STARTER")?,
            pro: need(&self.stripe_price_pro, "STRIPE_PRICE_PRO")?,
            extra_seat: need(&self.stripe_price_extra_seat, "STRIPE_PRICE_EXTRA_SEAT")?,
        };
        let webhook_secret = need(&self.stripe_webhook_secret, "STRIPE_WEBHOOK_SECRET")?;
        let api = stripe_api::StripeApi::new(key, self.stripe_api_base.as_deref(), prices)
            .map_err(|e| e.to_string())?;
        Ok(Billing::with_stripe(StripeConnection {
            api,
            webhook_secret,
        }))
    }

    /// Settings that parse but cannot work together, found before serving the first request.
    pub fn validate(&self) -> Result<(), String> {
        self.billing()?;
        if self.jwt_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return Err("JWT_SECRET must be at least 32 bytes long".into());
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(
                "MAIL_FROM must be an address, optionally with a name: Name <a@b.example>".into(),
            );
        }
        if let Some(url) = &self.smtp_url {
            use lettre::{AsyncSmtpTransport, Tokio1Executor};
            if let Err(e) = AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
                return Err(format!("SMTP_URL is not a usable mail server URL: {e}"));
            }
        }
        if self.hash_files() && !hash_file_path().is_some_and(|p| p.exists()) {
            return Err(
                "LEPTOS_HASH_FILES is true but there is no hash.txt beside the \
                        executable; build with cargo-leptos or unset it"
                    .into(),
            );
        }
        Ok(())
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("workdesk")
            .site_root(self.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(self.listen)
            .env(if self.hash_files() {
                Env::PROD
            } else {
                Env::DEV
            })
            .hash_files(self.hash_files())
            .build()
    }
}

/// Where cargo-leptos leaves the names of the hashed assets, and where Leptos reads them.
fn hash_file_path() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join("hash.txt"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults_parse_without_any_environment() {
        let cli = Cli::try_parse_from(["server"]).expect("defaults parse");
        assert_eq!(cli.command, None);
        assert!(cli.config.app_connect_options().is_ok());
        assert!(!cli.config.serves_https());
    }

    #[test]
    fn https_public_url_turns_on_secure_transport() {
        let cli =
            Cli::try_parse_from(["server", "--public-url", "https://desk.example.com"]).unwrap();
        assert!(cli.config.serves_https());
    }

    #[test]
    fn settings_may_follow_the_subcommand() {
        let cli =
            Cli::try_parse_from(["server", "migrate", "--database-max-connections", "3"]).unwrap();
        assert_eq!(cli.command, Some(Command::Migrate));
        assert_eq!(cli.config.database_max_connections, 3);
    }
}
