//! PostgreSQL restarted mid-load (issue 16). A server process writes tickets into a cluster of
//! the test's own while writers keep it busy; the cluster is stopped as a crash would stop it
//! and started again a few seconds later. While it is away the server answers every request,
//! with 503 problem+json, and `/readyz` says so; once it is back the server recovers by itself
//! and nothing it acknowledged is missing.

use crate::common::scratch_pg::ScratchCluster;
use crate::common::{cookies_from, free_port, until_ready};
use sqlx::Connection;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::process::Command;

const WRITERS: usize = 4;
/// How long the database stays away.
const OUTAGE: Duration = Duration::from_secs(4);

fn server(cluster: &ScratchCluster, command: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_server"));
    c.arg(command)
        .envs(cluster.server_env())
        .env("LEPTOS_SITE_ROOT", crate::common::site_root())
        .env("DATABASE_ACQUIRE_TIMEOUT_SECS", "1")
        .env("API_REQUESTS_PER_MINUTE", "1000000")
        .env("OUTBOX_RELAY", "false")
        .env("RUST_LOG", "error")
        .kill_on_drop(true);
    c
}

#[derive(Default)]
struct Seen {
    /// Title to the number the server answered with.
    acknowledged: BTreeMap<String, i64>,
    /// Answers while the database was away, by status.
    refusals: BTreeMap<u16, usize>,
    /// Refusals that were not a 503 problem+json saying the service is unavailable.
    wrong: Vec<String>,
    readiness_down: usize,
    readiness_up: usize,
}

#[tokio::test]
async fn the_server_rides_out_a_database_restart() {
    let cluster = ScratchCluster::start(&[]).await;
    for step in ["migrate", "seed"] {
        let out = server(&cluster, step).output().await.expect(step);
        assert!(
            out.status.success(),
            "{step}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let _server = server(&cluster, "serve")
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    until_ready(&base).await;

    // A demo admin signs in and makes a token for the writers.
    let signed_in = client
        .post(format!("{base}/api/auth/sign_in"))
        .form(&[
            ("email", "bob@globex.example"),
            ("password", server::database::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let jar = cookies_from(&signed_in);
    let made: serde_json::Value = client
        .post(format!("{base}/api/api_tokens/create"))
        .header(reqwest::header::COOKIE, &jar)
        .form(&[("name", "Writers"), ("role", "staff")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = made["secret"].as_str().expect("a token").to_string();

    let seen = Mutex::new(Seen::default());
    let away = AtomicBool::new(false);
    let done = AtomicBool::new(false);
    let next = AtomicUsize::new(0);
    let writer = || async {
        while !done.load(Ordering::SeqCst) {
            let n = next.fetch_add(1, Ordering::SeqCst);
            let title = format!("restart {n}");
            // Retried with the same key until acknowledged, as a careful client would.
            loop {
                let answer = client
                    .post(format!("{base}/api/v1/tickets"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("restart-{n}"))
                    .json(&serde_json::json!({ "title": title }))
                    .send()
                    .await;
                let Ok(answer) = answer else {
                    seen.lock().unwrap().wrong.push("no answer at all".into());
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                let status = answer.status().as_u16();
                let problem = answer
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .is_some_and(|v| v == "application/problem+json");
                let body = answer.text().await.unwrap_or_default();
                if status == 201 {
                    let created: serde_json::Value = serde_json::from_str(&body).unwrap();
                    let number = created["number"].as_i64().unwrap();
                    seen.lock().unwrap().acknowledged.insert(title, number);
                    break;
                }
                {
                    let mut s = seen.lock().unwrap();
                    *s.refusals.entry(status).or_default() += 1;
                    if status != 503 || !problem || !body.contains("unavailable") {
                        s.wrong.push(format!("{status}: {body}"));
                    }
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let readiness = async {
        while !done.load(Ordering::SeqCst) {
            let status = client
                .get(format!("{base}/readyz"))
                .send()
                .await
                .map(|r| r.status().as_u16());
            {
                let mut s = seen.lock().unwrap();
                match status {
                    Ok(200) => s.readiness_up += 1,
                    Ok(503) if away.load(Ordering::SeqCst) => s.readiness_down += 1,
                    other => s.wrong.push(format!("/readyz answered {other:?}")),
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let outage = async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let before = seen.lock().unwrap().acknowledged.len();
        away.store(true, Ordering::SeqCst);
        cluster.crash().await;
        tokio::time::sleep(OUTAGE).await;
        cluster.resume().await;
        let back = Instant::now();
        let during = seen.lock().unwrap().acknowledged.len();
        // Recovered: a write acknowledged after the database came back.
        while seen.lock().unwrap().acknowledged.len() <= during {
            assert!(back.elapsed() < ScratchCluster::PATIENCE, "no recovery");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let recovered = back.elapsed();
        away.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(2)).await;
        done.store(true, Ordering::SeqCst);
        (before, during, recovered)
    };
    let writers = futures::future::join_all((0..WRITERS).map(|_| writer()));
    let (_, _, (before, during, recovered)) = tokio::join!(writers, readiness, outage);
    let seen = seen.into_inner().unwrap();

    assert!(seen.wrong.is_empty(), "{:#?}", seen.wrong);
    assert!(
        seen.refusals.get(&503).copied().unwrap_or(0) > 0,
        "writes were refused while away"
    );
    assert!(
        seen.readiness_down > 0,
        "/readyz said the database was away"
    );

    let mut db = sqlx::PgConnection::connect(&cluster.url("postgres", "workdesk"))
        .await
        .unwrap();
    let stored: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "select title, number from tickets where title like 'restart %'",
    )
    .fetch_all(&mut db)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for (title, number) in &seen.acknowledged {
        assert_eq!(stored.get(title), Some(number), "{title} was acknowledged");
    }
    assert_eq!(
        stored.len(),
        seen.acknowledged.len(),
        "nothing stored unacknowledged, nothing twice"
    );

    println!(
        "database restart: {before} writes acknowledged before the crash, {} more in flight as it \
         went down, a {}s outage, {} in all; refusals while away {:?} (all 503 problem+json), /readyz 503 \
         {} times; first write acknowledged {} ms after the database was back",
        during - before,
        OUTAGE.as_secs(),
        seen.acknowledged.len(),
        seen.refusals,
        seen.readiness_down,
        recovered.as_millis(),
    );
}
