//! Test harness: each test gets its own database, cloned from a template that holds the
//! migrated schema, and (if it wants) the real router served on a random port.
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod fake_stripe;
pub mod scratch_pg;
pub mod smtp;

use clap::Parser;
use leptos::server_fn::ServerFn;
use server::config::Cli;
use server::database::MIGRATOR;
use server::state::AppState;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection, Executor};
use std::path::PathBuf;
use std::str::FromStr;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const DEFAULT_ADMIN_URL: &str = "postgres://workdesk_owner:workdesk@127.0.0.1:5432/postgres";
const APP_ROLE: &str = "workdesk_app";
const WORKER_ROLE: &str = "workdesk_worker";
const APP_PASSWORD: &str = "workdesk";
/// Serialises template creation across test processes.
const TEMPLATE_LOCK: i64 = 0x7764_7465_6d70;

fn admin_options() -> PgConnectOptions {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.into());
    PgConnectOptions::from_str(&url).expect("TEST_DATABASE_URL is a PostgreSQL URL")
}

/// A database of its own for one test.
pub struct TestDb {
    pub name: String,
    pub owner: PgConnectOptions,
    pub app: PgConnectOptions,
}

impl TestDb {
    /// A database with every migration applied.
    pub async fn migrated() -> Self {
        let template = ensure_template().await;
        Self::create(Some(&template)).await
    }

    /// An empty database, for testing the migrations themselves.
    pub async fn empty() -> Self {
        Self::create(None).await
    }

    async fn create(template: Option<&str>) -> Self {
        let name = format!("wd_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::connect_with(&admin_options())
            .await
            .expect("admin connection");
        let sql = match template {
            Some(t) => format!(r#"CREATE DATABASE "{name}" TEMPLATE "{t}""#),
            None => format!(r#"CREATE DATABASE "{name}""#),
        };
        admin
            .execute(AssertSqlSafe(sql))
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let owner = admin_options().database(&name);
        let app = admin_options()
            .database(&name)
            .username(APP_ROLE)
            .password(APP_PASSWORD);
        Self { name, owner, app }
    }

    pub fn url(options: &PgConnectOptions, password: &str) -> String {
        format!(
            "postgres://{}:{}@{}:{}/{}",
            options.get_username(),
            password,
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or_default()
        )
    }

    pub fn app_url(&self) -> String {
        Self::url(&self.app, APP_PASSWORD)
    }

    /// The outbox relay's role: outbox rows only.
    pub fn worker_url(&self) -> String {
        Self::url(&self.app.clone().username(WORKER_ROLE), APP_PASSWORD)
    }

    pub fn owner_url(&self) -> String {
        let password = std::env::var("TEST_DATABASE_URL")
            .ok()
            .and_then(|u| url_password(&u))
            .unwrap_or_else(|| "workdesk".into());
        Self::url(&self.owner, &password)
    }

    pub async fn owner_connection(&self) -> PgConnection {
        PgConnection::connect_with(&self.owner)
            .await
            .expect("owner connection")
    }

    pub async fn app_connection(&self) -> PgConnection {
        PgConnection::connect_with(&self.app)
            .await
            .expect("app connection")
    }
}

fn url_password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p.to_string())
}

/// The template's name changes whenever a migration does, so a stale one is never used.
async fn ensure_template() -> String {
    let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
    for m in MIGRATOR.iter() {
        for b in m.checksum.iter().copied().chain(m.version.to_le_bytes()) {
            digest = (digest ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let name = format!("wd_tpl_{digest:016x}");
    let mut admin = PgConnection::connect_with(&admin_options())
        .await
        .expect("admin connection");
    sqlx::query("select pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .expect("lock");
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .expect("look up template");
    if !exists {
        // Built under another name and renamed when complete: a crash leaves no half template.
        let building = format!("{name}_building");
        admin
            .execute(AssertSqlSafe(format!(
                r#"DROP DATABASE IF EXISTS "{building}" WITH (FORCE)"#
            )))
            .await
            .expect("drop stale build");
        admin
            .execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{building}""#)))
            .await
            .expect("create template");
        let mut conn = PgConnection::connect_with(&admin_options().database(&building))
            .await
            .expect("template connection");
        MIGRATOR
            .run(&mut conn)
            .await
            .expect("migrations apply to an empty database");
        let _ = conn.close().await;
        admin
            .execute(AssertSqlSafe(format!(
                r#"ALTER DATABASE "{building}" RENAME TO "{name}""#
            )))
            .await
            .expect("publish template");
    }
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut admin)
        .await
        .expect("unlock");
    let _ = admin.close().await;
    name
}

/// The server's configuration for a test, as the command line would give it, so tests go
/// through the same parsing as production. The environment cannot leak in: every setting a
/// test depends on is passed explicitly.
/// `extra` holds `--flag value` pairs that replace the defaults below.
pub fn test_config(db_url: &str, extra: &[&str]) -> server::config::Config {
    let site_root = site_root().to_string_lossy().into_owned();
    // Files of different tests never meet: each organisation has its own folder.
    let attachments = std::env::temp_dir()
        .join(format!("wd-attachments-{}", std::process::id()))
        .to_string_lossy()
        .into_owned();
    let mut settings: Vec<(&str, &str)> = vec![
        ("--listen", "127.0.0.1:0"),
        ("--public-url", "http://127.0.0.1"),
        ("--database-url", db_url),
        ("--database-acquire-timeout-secs", "2"),
        ("--site-root", &site_root),
        ("--hash-files", "true"),
        ("--shutdown-grace-secs", "2"),
        ("--attachments-dir", &attachments),
    ];
    for pair in extra.chunks(2) {
        settings.retain(|(flag, _)| *flag != pair[0]);
        settings.push((pair[0], pair.get(1).copied().unwrap_or_default()));
    }
    let args = std::iter::once("server").chain(settings.iter().flat_map(|(f, v)| [*f, *v]));
    Cli::try_parse_from(args)
        .expect("test configuration parses")
        .config
}

/// A tiny built site: a hashed asset under pkg/ and a public file, and the hash.txt beside the
/// executable that names it, as cargo-leptos lays them out. Made once per test process, since
/// tests read it concurrently.
pub fn site_root() -> PathBuf {
    static SITE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let exe_dir = std::env::current_exe()
            .expect("exe")
            .parent()
            .expect("exe dir")
            .to_path_buf();
        let staged = exe_dir.join(format!("hash.txt.{}", std::process::id()));
        std::fs::write(&staged, "js: 0123abcd\nwasm: 0123abcd\ncss: 0123abcd\n")
            .expect("hash file");
        std::fs::rename(&staged, exe_dir.join("hash.txt")).expect("hash file");

        let dir = std::env::temp_dir().join(format!("wd-site-{}", std::process::id()));
        let pkg = dir.join("pkg");
        std::fs::create_dir_all(&pkg).expect("site dir");
        std::fs::write(
            pkg.join("workdesk.0123abcd.js"),
            "export default function(){}\n".repeat(200),
        )
        .expect("asset");
        // The build's precompressed copy (tools/lib.sh); its bytes only need to be recognisable.
        std::fs::write(pkg.join("workdesk.0123abcd.wasm"), [0u8; 64]).expect("asset");
        std::fs::write(pkg.join("workdesk.0123abcd.wasm.br"), b"precompressed").expect("asset");
        std::fs::write(dir.join("robots.txt"), "User-agent: *\nAllow: /\n").expect("public file");
        dir
    })
    .clone()
}

/// Another server on the same database (see [`TestApp::sibling`]).
pub struct Sibling {
    pub base: String,
    _stop: oneshot::Sender<()>,
}

impl Sibling {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// The real router on a random port, until dropped.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// Where the app's email arrives (delivered by its outbox relay over SMTP).
    pub mail: smtp::MailSink,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra_args: &[&str]) -> Self {
        let db = TestDb::migrated().await;
        let mail = smtp::MailSink::start().await;
        let (smtp_url, worker_url) = (mail.url(), db.worker_url());
        let mut args = vec![
            "--smtp-url",
            smtp_url.as_str(),
            "--worker-database-url",
            worker_url.as_str(),
        ];
        args.extend_from_slice(extra_args);
        let config = test_config(&db.app_url(), &args);
        Self::serve_with_mail(db, config, mail).await
    }

    pub async fn serve(db: TestDb, config: server::config::Config) -> Self {
        let mail = smtp::MailSink::start().await;
        Self::serve_with_mail(db, config, mail).await
    }

    async fn serve_with_mail(
        db: TestDb,
        config: server::config::Config,
        mail: smtp::MailSink,
    ) -> Self {
        let (base, stop) = start_server(config);
        // A stuck request fails its test with a message instead of stalling the whole run.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        Self {
            base,
            client,
            db,
            mail,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops this server (its relay too), keeping the database and the mail sink, so a test
    /// can go on with server processes of its own.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// A second server process's worth of state on the same database: its own pool, its own
    /// listener, its own port. Stops when dropped.
    pub async fn sibling(&self) -> Sibling {
        self.sibling_with(&[]).await
    }

    /// A sibling with `extra` settings (`--flag value` pairs), as [`test_config`] takes them.
    pub async fn sibling_with(&self, extra: &[&str]) -> Sibling {
        let mut args = vec!["--outbox-relay", "false"];
        args.extend_from_slice(extra);
        let config = test_config(&self.db.app_url(), &args);
        let (base, stop) = start_server(config);
        Sibling { base, _stop: stop }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }
}

/// Every test's server runs on this one multi-threaded runtime, as in production, whatever
/// runtime the test itself runs on. Leptos keeps process-wide state (its task spawner, the
/// reactive owner of each thread); with every test file in one binary, pages rendering on
/// many tests' own single-threaded runtimes at once could stall until the client gave up.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("test-server")
            .thread_stack_size(server::serve::WORKER_STACK)
            .enable_all()
            .build()
            .expect("server runtime")
    })
}

/// Serves the real router for `config` on a random port until the sender is dropped or used.
fn start_server(config: server::config::Config) -> (String, oneshot::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = oneshot::channel::<()>();
    server_runtime().spawn(async move {
        // Created here so the listener and the pool belong to the server's runtime.
        let listener = TcpListener::from_std(listener).expect("listener");
        let state: AppState = server::serve::state(config).expect("state");
        server::serve::serve_until(listener, state, async move {
            let _ = stopped.await;
        })
        .await
    });
    (base, stop)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The Redis the shared rate limits are tested against: `./tools/test` exports it (the
/// machine's own, or one it starts on a private port).
pub fn redis_url() -> String {
    std::env::var("WORKDESK_TEST_REDIS_URL")
        .expect("WORKDESK_TEST_REDIS_URL: run the suite through ./tools/test, which starts Redis")
}

/// A port nothing listens on now, for a server process the test starts (and restarts) itself.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Signs access tokens in every server a multi-process test starts, as one installation's
/// processes share `JWT_SECRET`, so a session begun on one is good on the others.
pub const SHARED_JWT_SECRET: &str = "shared-test-secret-that-is-long-enough-0123456789";

/// The real server binary, `serve`-ing `db` on `port` as a separate process (killed if the
/// handle is dropped): for tests of what only whole processes show (crashes, signals, several
/// processes behind a proxy). Add settings with `.env` before spawning.
pub fn server_process(db: &TestDb, port: u16) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"));
    c.arg("serve")
        .env("DATABASE_URL", db.app_url())
        .env("MIGRATION_DATABASE_URL", db.owner_url())
        .env("WORKER_DATABASE_URL", db.worker_url())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", site_root())
        .env("PUBLIC_URL", "http://127.0.0.1")
        .env("JWT_SECRET", SHARED_JWT_SECRET)
        .env(
            "ATTACHMENTS_DIR",
            std::env::temp_dir().join(format!("wd-processes-{}", std::process::id())),
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    c
}

/// Waits until the server at `base` says it is ready.
pub async fn until_ready(base: &str) {
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    while !client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "{base} did not come up"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Rate-limit counts live in the clock's current minute: waits, if need be, until a test that
/// counts has a minute's first three quarters to work in.
pub async fn well_inside_a_minute() {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
        % 60;
    if second > 45 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - second)).await;
    }
}

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery staple";

/// The cookies a response set, as a `Cookie` header value for the next request.
/// POSTs a form (a server function's arguments) as the signed-in `jar`; empty for nobody.
pub async fn call(
    app: &TestApp,
    path: &str,
    jar: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header(reqwest::header::COOKIE, jar)
        .form(form)
        .send()
        .await
        .expect("request")
}

/// Like [`call`], expecting 200 and a JSON answer.
pub async fn json(
    app: &TestApp,
    path: &str,
    jar: &str,
    form: &[(&str, &str)],
) -> serde_json::Value {
    let r = call(app, path, jar, form).await;
    let status = r.status();
    let body = r.text().await.expect("body");
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

/// Server function `F`'s request body: its arguments as the browser's client encodes them.
pub fn server_fn_body<F: ServerFn + serde::Serialize>(args: &F) -> String {
    serde_qs::to_string(args).expect("server function arguments encode")
}

/// Calls server function `F` as the hydrated browser does, as the signed-in `jar`. Its path
/// and its arguments come from the function's own type, so renaming either fails to compile
/// here instead of failing a test at run time.
pub async fn call_fn<F: ServerFn + serde::Serialize>(
    app: &TestApp,
    jar: &str,
    args: &F,
) -> reqwest::Response {
    app.client
        .post(app.url(F::PATH))
        .header(reqwest::header::COOKIE, jar)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(server_fn_body(args))
        .send()
        .await
        .expect("server function request")
}

/// A page as the server renders it for the signed-in `jar`: the words a person reads.
pub async fn page(app: &TestApp, path: &str, jar: &str) -> String {
    let r = app
        .client
        .get(app.url(path))
        .header(reqwest::header::COOKIE, jar)
        .send()
        .await
        .expect("page request");
    assert_eq!(r.status(), 200, "GET {path}");
    r.text().await.expect("page body")
}

pub fn cookies_from(r: &reqwest::Response) -> String {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .filter(|c| !c.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn cookie<'a>(jar: &'a str, name: &str) -> Option<&'a str> {
    jar.split("; ")
        .find_map(|c| c.strip_prefix(&format!("{name}=")))
}

/// Signs up through the server function, as the sign-up form does; returns the cookies.
pub async fn sign_up(app: &TestApp, name: &str, email: &str, organisation: &str) -> String {
    let address = email.trim().to_lowercase();
    let before = app.mail.to(&address).len();
    let r = app
        .client
        .post(app.url("/api/auth/sign_up"))
        .form(&[
            ("name", name),
            ("email", email),
            ("password", PASSWORD),
            ("organisation", organisation),
        ])
        .send()
        .await
        .expect("sign-up request");
    assert_eq!(
        r.status(),
        200,
        "sign-up failed: {}",
        r.text().await.unwrap_or_default()
    );
    let link_mail = app.mail.wait_for(&address, before + 1).await;
    app.mail.discard(&link_mail);
    confirm_sign_up(app, &sign_up_token(&link_mail)).await
}

/// The token of the link in a sign-up email.
pub fn sign_up_token(mail: &smtp::Received) -> String {
    let link = mail
        .link("/signup/confirm?token=")
        .unwrap_or_else(|| panic!("a sign-up link in {:?}", mail.subject()));
    link.split("token=").nth(1).expect("token").to_string()
}

/// Opens a sign-up link as its page's button does; returns the new admin's cookies.
pub async fn confirm_sign_up(app: &TestApp, token: &str) -> String {
    let r = app
        .client
        .post(app.url("/api/auth/confirm_sign_up"))
        .form(&[("token", token)])
        .send()
        .await
        .expect("confirm request");
    assert!(
        r.status().is_redirection() || r.status().is_success(),
        "confirming the sign-up failed: {}",
        r.status()
    );
    let jar = cookies_from(&r);
    assert!(
        cookie(&jar, "wd_access").is_some() && cookie(&jar, "wd_session").is_some(),
        "{jar}"
    );
    jar
}

/// Scopes a whole connection (not one transaction) to a tenant, for looking at tenant rows
/// in assertions; production code uses `Db::scoped_tx`.
pub async fn scope_connection(conn: &mut sqlx::PgConnection, organisation: uuid::Uuid) {
    sqlx::query("select set_config('app.tenant_id', $1, false)")
        .bind(organisation.to_string())
        .execute(conn)
        .await
        .expect("scope connection");
}

/// Invites `email` into the admin's organisation as `role` and accepts through the emailed
/// link as a new person called `name`; returns their cookies.
pub async fn join_as(app: &TestApp, admin: &str, name: &str, email: &str, role: &str) -> String {
    let r = app
        .client
        .post(app.url("/api/members/invite"))
        .header(reqwest::header::COOKIE, admin)
        .form(&[("email", email), ("role", role)])
        .send()
        .await
        .expect("invite");
    assert_eq!(
        r.status(),
        200,
        "invite: {}",
        r.text().await.unwrap_or_default()
    );
    let link = app
        .mail
        .wait_for(email, app.mail.to(email).len() + 1)
        .await
        .link("/invitation?token=")
        .expect("an invitation link");
    let token = link.split("token=").nth(1).expect("token").to_string();
    let r = app
        .client
        .post(app.url("/api/invitations/accept"))
        .form(&[
            ("token", token.as_str()),
            ("name", name),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("accept");
    let jar = cookies_from(&r);
    assert!(cookie(&jar, "wd_access").is_some(), "accepted: {jar}");
    jar
}
