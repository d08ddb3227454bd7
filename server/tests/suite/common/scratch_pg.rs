//! A PostgreSQL cluster of the test's own, in a temporary folder on a free port, that the test
//! may stop (as a crash would) and start again: what the shared server must never be put
//! through. Built from the machine's PostgreSQL binaries (`./tools/test` installs them).

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::Command;

pub struct ScratchCluster {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
}

/// The roles the server expects, as `./tools/lib.sh` makes them (trust auth here, so any
/// password is taken).
const ROLES: [&str; 3] = ["workdesk_owner", "workdesk_app", "workdesk_worker"];

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's binaries under /usr/lib/postgresql")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort_by_key(|p| {
        p.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found.pop().expect("initdb")
}

/// initdb and the server refuse to run as root; the postgres system user runs them then.
fn as_cluster_user(program: &Path) -> std::process::Command {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        std::process::Command::new(program)
    }
}

async fn run(cmd: std::process::Command, what: &str) {
    let out = Command::from(cmd)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl ScratchCluster {
    /// A new cluster, started, with `settings` added to its postgresql.conf.
    pub async fn start(settings: &[&str]) -> Self {
        let port = super::free_port();
        let dir = std::env::temp_dir().join(format!("wd-pg-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cluster folder");
        let _ = std::process::Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&dir)
            .status();
        let cluster = Self {
            port,
            dir,
            bin: bin_dir(),
        };
        let mut initdb = as_cluster_user(&cluster.bin.join("initdb"));
        initdb.arg("-D").arg(cluster.data()).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]);
        run(initdb, "initdb").await;
        let mut conf = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n",
            cluster.dir.display()
        );
        for s in settings {
            conf.push_str(s);
            conf.push('\n');
        }
        let path = cluster.data().join("postgresql.conf");
        let mut existing = std::fs::read_to_string(&path).expect("postgresql.conf");
        existing.push_str(&conf);
        std::fs::write(&path, existing).expect("postgresql.conf");
        cluster.resume().await;

        let mut admin = PgConnection::connect(&cluster.url("postgres", "postgres"))
            .await
            .expect("the scratch cluster answers");
        for role in ROLES {
            // The names are this file's constants.
            sqlx::query(AssertSqlSafe(format!(
                "create role {role} login password 'workdesk'"
            )))
            .execute(&mut admin)
            .await
            .expect("role");
        }
        sqlx::query("alter role workdesk_owner createdb")
            .execute(&mut admin)
            .await
            .expect("owner may create databases");
        sqlx::query("create database workdesk owner workdesk_owner")
            .execute(&mut admin)
            .await
            .expect("database");
        cluster
    }

    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    pub fn url(&self, role: &str, database: &str) -> String {
        format!(
            "postgres://{role}:workdesk@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// The server's environment for this cluster's `workdesk` database.
    pub fn server_env(&self) -> [(&'static str, String); 3] {
        [
            ("DATABASE_URL", self.url("workdesk_app", "workdesk")),
            (
                "MIGRATION_DATABASE_URL",
                self.url("workdesk_owner", "workdesk"),
            ),
            (
                "WORKER_DATABASE_URL",
                self.url("workdesk_worker", "workdesk"),
            ),
        ]
    }

    fn pg_ctl(&self, action: &str) -> std::process::Command {
        let mut c = as_cluster_user(&self.bin.join("pg_ctl"));
        c.arg("-D")
            .arg(self.data())
            .args(["-w", "-t", "60", action]);
        c
    }

    /// Starts (again) the stopped cluster and waits until it takes connections.
    pub async fn resume(&self) {
        let mut start = self.pg_ctl("start");
        start
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .stdout(std::process::Stdio::null());
        run(start, "pg_ctl start").await;
    }

    /// Stops the cluster as a crash or a pulled plug would: no checkpoint, sessions cut.
    pub async fn crash(&self) {
        let mut stop = self.pg_ctl("stop");
        stop.args(["-m", "immediate"])
            .stdout(std::process::Stdio::null());
        run(stop, "pg_ctl stop").await;
    }

    /// How long a restart may take before a test gives up on it.
    pub const PATIENCE: Duration = Duration::from_secs(60);
}

impl Drop for ScratchCluster {
    fn drop(&mut self) {
        let _ = self
            .pg_ctl("stop")
            .args(["-m", "immediate"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
