//! Several processes as one (issue 16): two server processes behind Caddy, configured by the
//! repository's own `tools/Caddyfile` (the documented production front). A session begun
//! through one process works on the other; live updates reach streams on both; the API rate
//! limit (in Redis) and the sign-in throttle (in PostgreSQL) count in total; and a process
//! stopped with SIGTERM finishes its in-flight request, ends its event streams, exits 0, and
//! the proxy's clients carry on through the other.

use crate::common::{
    cookies_from, free_port, redis_url, server_process, sign_up, until_ready, well_inside_a_minute,
    TestApp, PASSWORD, SHARED_JWT_SECRET,
};
use crate::live::Events;
use reqwest::header;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};

const PER_MINUTE: usize = 30;

fn caddy(port: u16, upstreams: &[u16]) -> Child {
    let program = std::env::var("WORKDESK_TEST_CADDY").unwrap_or_else(|_| "caddy".into());
    let home = std::env::temp_dir().join(format!("wd-caddy-{}-{port}", std::process::id()));
    Command::new(program)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/Caddyfile"))
        .env("WORKDESK_SITE", format!("http://127.0.0.1:{port}"))
        .env(
            "WORKDESK_UPSTREAMS",
            upstreams
                .iter()
                .map(|p| format!("127.0.0.1:{p}"))
                .collect::<Vec<_>>()
                .join(" "),
        )
        .env("WORKDESK_CADDY_ADMIN", "off")
        // Caddy keeps state under $HOME; none of it should land in the real one.
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("caddy (./tools/test installs it from Debian's packages)")
}

async fn sign_in(client: &reqwest::Client, base: &str, password: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/auth/sign_in"))
        .form(&[("email", "ada@example.com"), ("password", password)])
        .send()
        .await
        .unwrap()
}

async fn viewer_email(client: &reqwest::Client, base: &str, jar: &str) -> Option<String> {
    let r = client
        .post(format!("{base}/api/auth/viewer"))
        .header(header::COOKIE, jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    v["email"].as_str().map(str::to_string)
}

#[tokio::test]
async fn two_processes_behind_caddy_behave_as_one() {
    let mut app = TestApp::spawn_with(&["--jwt-secret", SHARED_JWT_SECRET]).await;
    let first_jar = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let (token, _) = crate::rest::token(&app, &first_jar, "Busy", "staff").await;
    app.stop();

    let redis = redis_url();
    let (a_port, b_port, proxy_port) = (free_port(), free_port(), free_port());
    let start = |port| {
        server_process(&app.db, port)
            .env("REDIS_URL", &redis)
            .env("API_REQUESTS_PER_MINUTE", PER_MINUTE.to_string())
            .env("TRUSTED_PROXIES", "127.0.0.1")
            .env("SHUTDOWN_GRACE_SECS", "10")
            .env("OUTBOX_RELAY", "false")
            .spawn()
            .expect("a server process")
    };
    let mut a = start(a_port);
    let _b = start(b_port);
    let (a_base, b_base) = (
        format!("http://127.0.0.1:{a_port}"),
        format!("http://127.0.0.1:{b_port}"),
    );
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    until_ready(&a_base).await;
    until_ready(&b_base).await;
    let _caddy = caddy(proxy_port, &[a_port, b_port]);
    until_ready(&proxy).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Signed in through the proxy (whichever process answered), known to both.
    let signed_in = sign_in(&client, &proxy, PASSWORD).await;
    assert_eq!(signed_in.status(), 200);
    let jar = cookies_from(&signed_in);
    for base in [&a_base, &b_base, &proxy, &proxy] {
        assert_eq!(
            viewer_email(&client, base, &jar).await.as_deref(),
            Some("ada@example.com"),
            "{base}"
        );
    }

    // Live updates: streams through the proxy (one to each process, turn about) and straight
    // to each hear a ticket created through the proxy.
    let mut streams = Vec::new();
    for url in [&proxy, &proxy, &a_base, &b_base] {
        streams.push(Events::open(format!("{url}/events"), &jar).await);
    }
    let created = client
        .post(format!("{proxy}/api/tickets/create"))
        .header(header::COOKIE, &jar)
        .form(&[("title", "Boiler"), ("priority", "high")])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap());
    for (i, stream) in streams.iter_mut().enumerate() {
        assert_eq!(stream.next().await.0, "ticket", "stream {i}");
    }

    // The API's rate limit holds in total: Redis counts for both processes.
    well_inside_a_minute().await;
    let mut answered = std::collections::BTreeMap::<u16, usize>::new();
    for _ in 0..PER_MINUTE + 10 {
        let r = client
            .get(format!("{proxy}/api/v1/queues"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        *answered.entry(r.status().as_u16()).or_default() += 1;
    }
    assert_eq!(answered.get(&200), Some(&PER_MINUTE), "{answered:?}");
    assert_eq!(answered.get(&429), Some(&10), "{answered:?}");

    // The sign-in throttle holds in total: failures on both processes count together.
    for base in [&a_base, &b_base, &a_base, &b_base, &proxy] {
        let r = sign_in(&client, base, "not the password at all").await;
        assert_ne!(r.status(), 200);
    }
    let throttled = sign_in(&client, &b_base, PASSWORD).await;
    assert_eq!(throttled.status(), 429, "five failures across processes");

    // SIGTERM to A with a request half sent and an event stream open: the request completes,
    // the stream ends, A exits 0, and clients of the proxy go on through B.
    let body = "title=Sent+slowly&priority=low";
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", a_port))
        .await
        .unwrap();
    slow.write_all(
        format!(
            "POST /api/tickets/create HTTP/1.1\r\nHost: 127.0.0.1:{a_port}\r\nCookie: {jar}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{}",
            body.len(),
            &body[..10]
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut a_stream = Events::open(format!("{a_base}/events"), &jar).await;
    let stopping = Instant::now();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &a.id().expect("running").to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.write_all(&body.as_bytes()[10..]).await.unwrap();
    let mut answer = String::new();
    slow.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "in-flight request finished: {answer}"
    );
    assert!(
        a_stream.ends_within(Duration::from_secs(5)).await,
        "the event stream is ended, not left to the grace period"
    );
    let status = tokio::time::timeout(Duration::from_secs(15), a.wait())
        .await
        .expect("A exits within its grace")
        .unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status}");
    let stopped_in = stopping.elapsed();
    for _ in 0..10 {
        assert_eq!(
            viewer_email(&client, &proxy, &jar).await.as_deref(),
            Some("ada@example.com"),
            "the proxy sends everything to B now"
        );
    }
    println!(
        "two processes behind Caddy: rate limit {answered:?} for {} requests at {PER_MINUTE}/min, \
         A stopped in {} ms with a request in flight, proxy answered on through B",
        PER_MINUTE + 10,
        stopped_in.as_millis()
    );
}
