//! kill -9 under writes (issue 16). A driver sends ticket creates, comments and invitations
//! (each invitation is an email) to a real server process, each with its own idempotency key
//! and retried until acknowledged, while the process is killed with SIGKILL at random moments
//! and started again. Afterwards every acknowledged write is in the database once, ticket
//! numbers run 1..=n with none skipped or shared, and every invitation reached the SMTP server
//! as one message: sent again at most after a crash, under the same Message-ID.
//!
//! `./tools/test` drives 1,500 writes with a kill every 0.3-0.9 s; `WORKDESK_CRASH_WRITES` and
//! `WORKDESK_CRASH_KILL_MS` (the mean pause) ask for more (`./tools/chaos`: 5,000 writes, a kill
//! every 1-3 s).

use crate::common::{
    free_port, scope_connection, server_process, sign_up, TestApp, TestDb, SHARED_JWT_SECRET,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::process::Child;

const WRITERS: usize = 8;
/// Every this many writes is an invitation; the rest are tickets and comments.
const INVITE_EVERY: usize = 20;

fn start(db: &TestDb, port: u16, smtp: &str) -> Child {
    server_process(db, port)
        .env("API_REQUESTS_PER_MINUTE", "1000000")
        .env("SMTP_URL", smtp)
        .env("OUTBOX_RELAY", "true")
        .spawn()
        .expect("start the server")
}

/// What the server acknowledged.
#[derive(Default)]
struct Acknowledged {
    /// Title to the number the server answered with.
    tickets: BTreeMap<String, i64>,
    comments: HashSet<String>,
    invitations: HashSet<String>,
    /// Attempts that failed (connection refused or reset, 5xx) and were sent again.
    retries: usize,
}

enum Write {
    Ticket(String),
    Comment { on: i64, body: String },
    Invitation(String),
}

#[tokio::test]
async fn writes_acknowledged_before_a_kill_minus_nine_are_kept_once() {
    let writes: usize = std::env::var("WORKDESK_CRASH_WRITES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_500);
    let kill_every: u64 = std::env::var("WORKDESK_CRASH_KILL_MS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let mut app = TestApp::spawn_with(&[
        // The session begun here stays good in the processes started below.
        "--jwt-secret",
        SHARED_JWT_SECRET,
        "--access-token-ttl-secs",
        "86400",
    ])
    .await;
    let jar = sign_up(&app, "Ada", "ada@crash.example", "Crash").await;
    let viewer = crate::common::json(&app, "/api/auth/viewer", &jar, &[]).await;
    let organisation: uuid::Uuid = viewer["organisation_id"].as_str().unwrap().parse().unwrap();
    let (token, _) = crate::rest::token(&app, &jar, "Driver", "staff").await;
    // From here on only the processes this test starts and kills serve, and relay mail.
    app.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = app.mail.all().len();

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let smtp = app.mail.url();
    let mut server = start(&app.db, port, &smtp);

    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let next = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let acked = Mutex::new(Acknowledged::default());
    let started = Instant::now();

    let write = |n: usize| {
        let acked = &acked;
        let (client, base, token, jar) = (&client, &base, &token, &jar);
        async move {
            let what = if n.is_multiple_of(INVITE_EVERY) {
                Write::Invitation(format!("person{n}@crash.example"))
            } else {
                let on = {
                    let a = acked.lock().unwrap();
                    (n.is_multiple_of(3) && !a.tickets.is_empty())
                        .then(|| *a.tickets.values().nth(n % a.tickets.len()).unwrap())
                };
                match on {
                    Some(on) => Write::Comment {
                        on,
                        body: format!("comment {n}"),
                    },
                    None => Write::Ticket(format!("ticket {n}")),
                }
            };
            let key = format!("crash-{n}");
            // A form's token is a UUID, as the rendered form makes it.
            let form_token = uuid::Uuid::now_v7().to_string();
            loop {
                let request = match &what {
                    Write::Ticket(title) => client
                        .post(format!("{base}/api/v1/tickets"))
                        .bearer_auth(token)
                        .header("Idempotency-Key", &key)
                        .json(&serde_json::json!({ "title": title })),
                    Write::Comment { on, body } => client
                        .post(format!("{base}/api/v1/tickets/{on}/comments"))
                        .bearer_auth(token)
                        .header("Idempotency-Key", &key)
                        .json(&serde_json::json!({ "body": body })),
                    Write::Invitation(email) => client
                        .post(format!("{base}/api/members/invite"))
                        .header(reqwest::header::COOKIE, jar)
                        .form(&[
                            ("email", email.as_str()),
                            ("role", "staff"),
                            ("extra_seat_confirmed", "true"),
                            ("form_token", &form_token),
                        ]),
                };
                let answer = match request.send().await {
                    Ok(r) => {
                        let status = r.status();
                        r.text().await.map(|body| (status, body))
                    }
                    Err(e) => Err(e),
                };
                match answer {
                    Ok((status, body)) if status.is_success() => {
                        let mut a = acked.lock().unwrap();
                        match &what {
                            Write::Ticket(title) => {
                                let created: serde_json::Value =
                                    serde_json::from_str(&body).expect("the created ticket");
                                let number = created["number"].as_i64().expect("a number");
                                a.tickets.insert(title.clone(), number);
                            }
                            Write::Comment { body, .. } => {
                                a.comments.insert(body.clone());
                            }
                            Write::Invitation(email) => {
                                a.invitations.insert(email.clone());
                            }
                        }
                        return;
                    }
                    // Refusals that are not the crash's doing are the test's failure.
                    Ok((status, body)) if status.is_client_error() && status != 429 => {
                        panic!("write {n} refused with {status}: {body}")
                    }
                    _ => {
                        acked.lock().unwrap().retries += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
        }
    };

    let writer = || async {
        loop {
            let n = next.fetch_add(1, Ordering::SeqCst);
            if n >= writes {
                return;
            }
            write(n).await;
        }
    };
    let drive = async {
        futures::future::join_all((0..WRITERS).map(|_| writer())).await;
        done.store(true, Ordering::SeqCst);
    };
    let mut kills = 0;
    let kill = async {
        while !done.load(Ordering::SeqCst) {
            let pause = Duration::from_millis(kill_every / 2 + rand::random::<u64>() % kill_every);
            tokio::time::sleep(pause).await;
            if done.load(Ordering::SeqCst) {
                break;
            }
            server.start_kill().expect("SIGKILL");
            server.wait().await.expect("reaped");
            kills += 1;
            server = start(&app.db, port, &smtp);
        }
    };
    tokio::join!(drive, kill);
    let driven = started.elapsed();
    let acked = acked.into_inner().unwrap();

    // The last process relays what is still waiting.
    let mut db = app.db.owner_connection().await;
    scope_connection(&mut db, organisation).await;
    let waited = Instant::now();
    loop {
        let pending: i64 = sqlx::query_scalar("select count(*) from outbox where status <> 'sent'")
            .fetch_one(&mut db)
            .await
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(60),
            "{pending} emails still in the outbox"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let tickets: Vec<(i64, String)> =
        sqlx::query_as("select number, title from tickets order by number")
            .fetch_all(&mut db)
            .await
            .unwrap();
    let numbers: Vec<i64> = tickets.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        numbers,
        (1..=tickets.len() as i64).collect::<Vec<_>>(),
        "ticket numbers run 1..=n, none skipped or shared"
    );
    let stored: HashMap<&str, i64> = tickets.iter().map(|(n, t)| (t.as_str(), *n)).collect();
    assert_eq!(stored.len(), tickets.len(), "no ticket stored twice");
    assert_eq!(
        tickets.len(),
        acked.tickets.len(),
        "one ticket per acknowledged create"
    );
    for (title, number) in &acked.tickets {
        assert_eq!(stored.get(title.as_str()), Some(number), "{title}");
    }

    let comments: Vec<String> =
        sqlx::query_scalar("select body from comments where body like 'comment %'")
            .fetch_all(&mut db)
            .await
            .unwrap();
    let distinct: HashSet<String> = comments.iter().cloned().collect();
    assert_eq!(distinct.len(), comments.len(), "no comment stored twice");
    assert_eq!(
        distinct, acked.comments,
        "every acknowledged comment, no other"
    );

    let invited: Vec<String> = sqlx::query_scalar("select email from invitations")
        .fetch_all(&mut db)
        .await
        .unwrap();
    let distinct: HashSet<String> = invited.iter().cloned().collect();
    assert_eq!(distinct.len(), invited.len(), "no invitation stored twice");
    assert_eq!(distinct, acked.invitations);

    let delivered = &app.mail.all()[before..];
    let mut copies: HashMap<&str, HashSet<String>> = HashMap::new();
    for m in delivered {
        let id = m.message_id().expect("every message has a Message-ID");
        for to in &m.to {
            copies.entry(to.as_str()).or_default().insert(id.clone());
        }
    }
    for email in &acked.invitations {
        let ids = copies.get(email.as_str()).map_or(0, HashSet::len);
        assert_eq!(
            ids, 1,
            "{email} has one invitation, as its Message-IDs tell"
        );
    }
    assert_eq!(
        copies.len(),
        acked.invitations.len(),
        "no mail to anyone else"
    );

    println!(
        "kill -9 under writes: {writes} writes in {:.1} s, {kills} kills, {} retried attempts; \
         {} tickets (numbers 1..={}), {} comments, {} invitations, all stored once; \
         {} messages delivered for {} emails ({} sent again after a kill, one Message-ID each)",
        driven.as_secs_f64(),
        acked.retries,
        acked.tickets.len(),
        tickets.len(),
        acked.comments.len(),
        acked.invitations.len(),
        delivered.len(),
        acked.invitations.len(),
        delivered.len() - acked.invitations.len(),
    );
    assert!(kills >= 3, "the server was killed several times ({kills})");
    server.start_kill().ok();
}
