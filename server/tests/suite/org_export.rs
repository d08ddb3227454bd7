//! Per-organisation export and import (issue 16): an admin downloads the organisation's zip,
//! a platform operator imports it into another database with the server binary. Every row of
//! every table arrives as it was (ids, ticket numbers, the audit log), attachments byte for
//! byte; a second organisation imported beside it changes nothing of the first; importing one
//! that is already there is refused and writes nothing; and nothing of another organisation is
//! ever in the file.

use crate::attachments::{file, upload};
use crate::common::{join_as, json, scope_connection, sign_up, TestApp, TestDb};
use app::backend::org_data::{LEFT_OUT, TABLES};
use async_zip::tokio::read::fs::ZipFileReader;
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

async fn organisation_of(app: &TestApp, jar: &str) -> Uuid {
    json(app, "/api/auth/viewer", jar, &[]).await["organisation_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn download(app: &TestApp, jar: &str, to: &Path) {
    let r = app
        .client
        .get(app.url("/organisation/export.zip"))
        .header(reqwest::header::COOKIE, jar)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"organisation-"));
    std::fs::write(to, r.bytes().await.unwrap()).unwrap();
}

/// Every entry of the zip, unpacked.
async fn entries(zip: &Path) -> BTreeMap<String, Vec<u8>> {
    let reader = ZipFileReader::new(zip).await.expect("a readable zip");
    let mut out = BTreeMap::new();
    for (i, e) in reader.file().entries().iter().enumerate() {
        let mut bytes = Vec::new();
        reader
            .reader_with_entry(i)
            .await
            .unwrap()
            .read_to_end_checked(&mut bytes)
            .await
            .expect("the entry's checksum holds");
        out.insert(e.filename().as_str().unwrap().to_string(), bytes);
    }
    out
}

fn import(db: &TestDb, zip: &Path, attachments: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("import-organisation")
        .arg(zip)
        .env("DATABASE_URL", db.app_url())
        .env("MIGRATION_DATABASE_URL", db.owner_url())
        .env("ATTACHMENTS_DIR", attachments)
        .env("RUST_LOG", "info")
        .output()
        .unwrap()
}

/// Each table's rows of `organisation`, as sorted JSON text: equal on both sides only if
/// every column of every row is.
async fn snapshot(db: &TestDb, organisation: Uuid) -> BTreeMap<&'static str, Vec<String>> {
    let mut conn = db.owner_connection().await;
    scope_connection(&mut conn, organisation).await;
    let mut out = BTreeMap::new();
    for table in TABLES.into_iter().chain(["organisations"]) {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select to_jsonb(t)::text from {table} t where {} = $1 order by 1",
            if table == "organisations" {
                "id"
            } else {
                "organisation_id"
            }
        )))
        .bind(organisation)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        out.insert(table, rows);
    }
    out
}

#[tokio::test]
async fn an_organisation_moves_to_another_database_whole_and_alone() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@example.com", "Acme").await;
    let bob = sign_up(&app, "Bob", "bob@example.com", "Globex").await;
    let (acme, globex) = (
        organisation_of(&app, &ada).await,
        organisation_of(&app, &bob).await,
    );
    for title in ["Boiler leaks", "Printer jams", "Door sticks"] {
        json(
            &app,
            "/api/tickets/create",
            &ada,
            &[("title", title), ("priority", "high")],
        )
        .await;
    }
    let picture = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 5000]].concat();
    let uploaded = upload(
        &app,
        &ada,
        1,
        file(picture.clone(), "leak.png", "image/png"),
    )
    .await;
    assert_eq!(uploaded.status(), 201, "{}", uploaded.text().await.unwrap());
    let grace = join_as(&app, &ada, "Grace", "grace@example.com", "staff").await;
    json(
        &app,
        "/api/tickets/create",
        &bob,
        &[("title", "Globex secret plans"), ("priority", "low")],
    )
    .await;

    // Only those who may export get the file.
    let refused = app
        .client
        .get(app.url("/organisation/export.zip"))
        .header(reqwest::header::COOKIE, &grace)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    let dir = std::env::temp_dir().join(format!("wd-export-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (acme_zip, globex_zip) = (dir.join("acme.zip"), dir.join("globex.zip"));
    download(&app, &ada, &acme_zip).await;
    download(&app, &bob, &globex_zip).await;

    let unpacked = entries(&acme_zip).await;
    for (name, bytes) in &unpacked {
        let text = String::from_utf8_lossy(bytes);
        for foreign in ["Globex", "bob@example.com", &globex.to_string()] {
            assert!(!text.contains(foreign), "{name} holds {foreign}");
        }
        assert!(!text.contains("argon2"), "{name} holds a password hash");
    }
    let manifest: serde_json::Value = serde_json::from_slice(&unpacked["manifest.json"]).unwrap();
    assert_eq!(manifest["organisation_id"], acme.to_string());
    let tickets = String::from_utf8_lossy(&unpacked["tables/tickets.jsonl"])
        .lines()
        .count();
    assert_eq!(tickets, 3);
    assert!(
        unpacked.values().any(|b| *b == picture),
        "the attachment's bytes"
    );

    // Into an empty database, with the binary an operator runs.
    let target = TestDb::migrated().await;
    let files = dir.join("attachments");
    let before = snapshot(&app.db, acme).await;
    let out = import(&target, &acme_zip, &files);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(snapshot(&target, acme).await, before, "every row as it was");
    let restored = std::fs::read(
        files.join(acme.to_string()).join(
            serde_json::from_str::<serde_json::Value>(
                String::from_utf8_lossy(&unpacked["tables/attachments.jsonl"]).trim(),
            )
            .unwrap()["id"]
                .as_str()
                .unwrap(),
        ),
    )
    .unwrap();
    assert_eq!(restored, picture);

    // A second organisation beside it leaves the first alone.
    let out = import(&target, &globex_zip, &files);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        snapshot(&target, acme).await,
        before,
        "Acme untouched by Globex's import"
    );
    assert_eq!(
        snapshot(&target, globex).await,
        snapshot(&app.db, globex).await
    );

    // Once only: the second attempt is refused and writes nothing.
    let again = import(&target, &acme_zip, &files);
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("already in this database"), "{said}");
    assert_eq!(snapshot(&target, acme).await, before);
    let people: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut target.owner_connection().await)
        .await
        .unwrap();
    assert_eq!(people, 3, "Ada, Grace and Bob, once each");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn every_organisation_table_travels_or_is_left_out_on_purpose() {
    let db = TestDb::migrated().await;
    let tenant_tables: Vec<String> = sqlx::query_scalar(
        "select relname::text from pg_class
          where relkind = 'r' and relrowsecurity and relnamespace = 'public'::regnamespace",
    )
    .fetch_all(&mut db.owner_connection().await)
    .await
    .unwrap();
    assert!(tenant_tables.len() >= TABLES.len());
    for table in tenant_tables {
        assert!(
            TABLES.contains(&table.as_str()) || LEFT_OUT.contains(&table.as_str()),
            "{table}: add it to org_data::TABLES (after the tables it refers to) or to LEFT_OUT"
        );
    }
}
