//! Tenant isolation, proven twice: the database refuses cross-tenant rows to the application
//! role (RLS), and no endpoint hands organisation A's data to a member of organisation B.

use crate::common::{scope_connection, TestApp};
use reqwest::header;
use sqlx::{Connection, Row};
use uuid::Uuid;

/// A signed-up member: their cookies and the identifiers that must never leak to others.
struct Member {
    cookies: String,
    organisation_id: Uuid,
    session_id: Uuid,
    membership_id: Uuid,
    invitation_id: Uuid,
    ticket_id: Uuid,
    approval_id: Uuid,
    attachment_id: Uuid,
    api_token_id: Uuid,
    view_id: Uuid,
    queue_id: Uuid,
    secrets: Vec<String>,
}

async fn member(app: &TestApp, email: &str, organisation: &str) -> Member {
    let cookies = crate::common::sign_up(app, organisation, email, organisation).await;
    let mut db = app.db.owner_connection().await;
    let row = sqlx::query(
        "select u.id as user_id, s.id as session_id, s.active_organisation_id as organisation_id
           from users u join sessions s on s.user_id = u.id where u.email = $1",
    )
    .bind(email)
    .fetch_one(&mut db)
    .await
    .unwrap();
    let organisation_id: Uuid = row.get("organisation_id");
    scope_connection(&mut db, organisation_id).await;
    let membership_id: Uuid = sqlx::query_scalar("select id from memberships")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let session_id: Uuid = row.get("session_id");
    let user_id: Uuid = row.get("user_id");
    // A pending invitation too, so invitation endpoints have something of A's to aim at.
    let invitee = format!("invitee.{email}");
    let r = app
        .client
        .post(app.url("/api/members/invite"))
        .header(header::COOKIE, &cookies)
        .form(&[("email", invitee.as_str()), ("role", "staff")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let invitation_id: Uuid = sqlx::query_scalar("select id from invitations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    // And a ticket, so ticket endpoints have something of A's to aim at.
    let title = format!("{organisation} ticket");
    let r = app
        .client
        .post(app.url("/api/tickets/create"))
        .header(header::COOKIE, &cookies)
        .form(&[
            ("title", title.as_str()),
            ("description", "private description"),
            ("priority", "high"),
            ("queue", ""),
            ("assignee", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let ticket_id: Uuid = sqlx::query_scalar("select id from tickets")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let r = app
        .client
        .post(app.url("/api/tickets/request_approval"))
        .header(header::COOKIE, &cookies)
        .form(&[
            ("ticket_id", ticket_id.to_string()),
            ("note", "approve me".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let approval_id: Uuid = sqlx::query_scalar("select id from approvals")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let file_text = format!("{organisation} private file");
    let r = app
        .client
        .post(app.url("/tickets/1/attachments"))
        .header(header::COOKIE, &cookies)
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::text(file_text.clone()).file_name("notes.txt"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let attachment_id: Uuid = sqlx::query_scalar("select id from attachments")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let made = crate::common::json(
        app,
        "/api/api_tokens/create",
        &cookies,
        &[("name", "Sync"), ("role", "staff")],
    )
    .await;
    let api_token_id: Uuid = made["token"]["id"].as_str().unwrap().parse().unwrap();
    let api_secret = made["secret"].as_str().unwrap().to_string();
    let view_name = format!("{organisation} private view");
    crate::common::json(
        app,
        "/api/tickets/views/save",
        &cookies,
        &[("name", view_name.as_str()), ("query", "status=open")],
    )
    .await;
    let view_id: Uuid = sqlx::query_scalar("select id from saved_views")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let queue_id: Uuid = sqlx::query_scalar("select id from queues where is_default")
        .fetch_one(&mut db)
        .await
        .unwrap();
    // An invoice, as Stripe's webhook would have left it, so billing has something of A's.
    let invoice_number = format!("INV-{}", organisation_id.simple());
    sqlx::query(
        "insert into invoices (organisation_id, id, stripe_invoice_id, number, status, currency,
                               amount_due, amount_paid, created_at, stripe_state_at)
         values ($1, $2, $3, $3, 'paid', 'GBP', 4321, 4321, now(), now())",
    )
    .bind(organisation_id)
    .bind(Uuid::now_v7())
    .bind(&invoice_number)
    .execute(&mut db)
    .await
    .unwrap();
    let secrets = [
        organisation_id,
        session_id,
        membership_id,
        user_id,
        invitation_id,
        ticket_id,
        approval_id,
        attachment_id,
        api_token_id,
        view_id,
        queue_id,
    ]
    .iter()
    .flat_map(|id| [id.to_string(), id.simple().to_string()])
    .chain([
        email.to_string(),
        organisation.to_string(),
        invitee,
        title,
        file_text,
        api_secret,
        view_name,
        invoice_number,
    ])
    .collect();
    Member {
        cookies,
        organisation_id,
        session_id,
        membership_id,
        invitation_id,
        ticket_id,
        approval_id,
        attachment_id,
        api_token_id,
        view_id,
        queue_id,
        secrets,
    }
}

/// One request made as organisation B's member, aimed at organisation A's data.
struct Probe {
    method: &'static str,
    path: String,
    form: Vec<(&'static str, String)>,
}

fn probe(method: &'static str, path: impl Into<String>, form: &[(&'static str, String)]) -> Probe {
    Probe {
        method,
        path: path.into(),
        form: form.to_vec(),
    }
}

/// Every server function and route that touches tenant or account data, aimed at A. A new
/// endpoint joins here with one line.
fn probes(a: &Member) -> Vec<Probe> {
    vec![
        probe("POST", "/api/auth/viewer", &[]),
        probe("POST", "/api/auth/sessions", &[]),
        probe(
            "POST",
            "/api/auth/revoke_session",
            &[("id", a.session_id.to_string())],
        ),
        probe("POST", "/api/auth/context", &[]),
        probe("POST", "/api/auth/organisations", &[]),
        probe("POST", "/api/auth/activity", &[]),
        probe(
            "POST",
            "/api/auth/switch_organisation",
            &[("organisation_id", a.organisation_id.to_string())],
        ),
        probe("POST", "/api/members/list", &[]),
        probe(
            "POST",
            "/api/members/revoke_invitation",
            &[("id", a.invitation_id.to_string())],
        ),
        probe(
            "POST",
            "/api/members/change_role",
            &[
                ("membership_id", a.membership_id.to_string()),
                ("role", "staff".into()),
            ],
        ),
        probe(
            "POST",
            "/api/members/set_enabled",
            &[
                ("membership_id", a.membership_id.to_string()),
                ("enabled", "false".into()),
            ],
        ),
        probe("POST", "/api/audit/page", &[]),
        probe("POST", "/api/security/status", &[]),
        probe("POST", "/api/tickets/list", &[]),
        probe("POST", "/api/tickets/choices", &[]),
        probe("POST", "/api/tickets/get", &[("number", "1".into())]),
        probe(
            "POST",
            "/api/tickets/update",
            &[
                ("id", a.ticket_id.to_string()),
                ("version", "1".into()),
                ("status", "pending".into()),
                ("priority", "low".into()),
                ("queue", "".into()),
                ("assignee", "".into()),
            ],
        ),
        probe(
            "POST",
            "/api/tickets/comment",
            &[
                ("ticket_id", a.ticket_id.to_string()),
                ("body", "hello".into()),
            ],
        ),
        probe(
            "POST",
            "/api/tickets/inspect",
            &[
                ("ticket_id", a.ticket_id.to_string()),
                ("summary", "found".into()),
                ("cause", "".into()),
                ("recommendation", "".into()),
                ("hours", "".into()),
            ],
        ),
        probe(
            "POST",
            "/api/tickets/request_approval",
            &[
                ("ticket_id", a.ticket_id.to_string()),
                ("note", "please".into()),
            ],
        ),
        probe(
            "POST",
            "/api/tickets/decide_approval",
            &[
                ("approval_id", a.approval_id.to_string()),
                ("decision", "approved".into()),
            ],
        ),
        probe("GET", "/tickets", &[]),
        probe("GET", "/tickets/export.csv", &[]),
        probe("GET", "/tickets/1", &[]),
        probe("GET", format!("/attachments/{}", a.attachment_id), &[]),
        probe("POST", "/tickets/1/attachments", &[]),
        probe("POST", "/api/api_tokens/list", &[]),
        probe(
            "POST",
            "/api/tickets/bulk_update",
            &[("ids", a.ticket_id.to_string()), ("priority", "low".into())],
        ),
        probe("POST", "/api/tickets/views/list", &[]),
        probe("POST", "/api/tickets/queues/list", &[]),
        probe(
            "POST",
            "/api/tickets/queues/rename",
            &[
                ("id", a.queue_id.to_string()),
                ("name", "Taken over".into()),
            ],
        ),
        probe(
            "POST",
            "/api/tickets/queues/make_default",
            &[("id", a.queue_id.to_string())],
        ),
        probe("GET", "/queues", &[]),
        probe(
            "POST",
            "/api/tickets/views/delete",
            &[("id", a.view_id.to_string())],
        ),
        probe(
            "POST",
            "/api/api_tokens/revoke",
            &[("id", a.api_token_id.to_string())],
        ),
        probe("GET", "/api-tokens", &[]),
        probe("POST", "/api/billing/overview", &[]),
        probe("POST", "/api/billing/entitlements", &[]),
        probe("POST", "/api/billing/seat_quote", &[]),
        probe("POST", "/api/billing/portal", &[]),
        probe("GET", "/billing", &[]),
        probe("GET", "/billing/history.csv", &[]),
        probe("GET", "/api/v1/queues", &[]),
        probe("GET", "/api/v1/tickets", &[]),
        probe("GET", "/api/v1/tickets/1", &[]),
        probe("GET", "/api/v1/tickets/1/comments", &[]),
        probe("GET", "/api/v1/tickets/1/attachments", &[]),
        probe(
            "GET",
            format!("/api/v1/attachments/{}", a.attachment_id),
            &[],
        ),
        probe("GET", "/account", &[]),
        probe("GET", "/members", &[]),
        probe("GET", "/audit", &[]),
        probe("GET", "/api/v1", &[]),
        probe(
            "GET",
            format!("/api/v1/organisations/{}", a.organisation_id),
            &[],
        ),
    ]
}

#[tokio::test]
async fn no_endpoint_gives_organisation_a_data_to_a_member_of_b() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let b = member(&app, "bob@globex.example", "Globex Support").await;

    for p in probes(&a) {
        let req = match p.method {
            "GET" => app.client.get(app.url(&p.path)),
            _ => app.client.post(app.url(&p.path)).form(&p.form),
        };
        let r = req.header(header::COOKIE, &b.cookies).send().await.unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        for secret in &a.secrets {
            assert!(
                !body.contains(secret.as_str()),
                "{} {} leaked {secret} (status {status})",
                p.method,
                p.path
            );
        }
        if p.form.iter().any(|(_, v)| a.secrets.contains(v))
            || a.secrets.iter().any(|s| p.path.contains(s.as_str()))
        {
            assert!(
                status == 404 || body.contains("not_found"),
                "{} {} with A's id must answer not found, got {status}: {body}",
                p.method,
                p.path
            );
        }
    }
    // B still sees their own data through the same endpoints: the probes are not vacuous.
    let own = app
        .client
        .post(app.url("/api/auth/viewer"))
        .header(header::COOKIE, &b.cookies)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(own.contains("Globex Support"), "{own}");
}

#[tokio::test]
async fn rls_hides_and_refuses_other_tenants_rows_for_the_app_role() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let b = member(&app, "bob@globex.example", "Globex Support").await;
    let mut conn = app.db.app_connection().await;

    // No tenant: no tenant rows at all.
    for table in ["memberships", "audit_log", "org_domains"] {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table} without a tenant");
    }

    let mut tx = conn.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(a.organisation_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let visible: Vec<Uuid> = sqlx::query_scalar("select id from memberships")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(visible, [a.membership_id], "A sees only A's membership");
    let audit_orgs: Vec<Uuid> =
        sqlx::query_scalar("select distinct organisation_id from audit_log")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!(audit_orgs, [a.organisation_id]);

    // Writing into B while scoped to A is refused by the policy's check.
    let err = sqlx::query("insert into memberships (organisation_id, id, user_id, role) select $1, $2, user_id, 'staff' from memberships")
        .bind(b.organisation_id)
        .bind(Uuid::now_v7())
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // B's rows cannot be changed from A either: they are simply not there to update.
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(a.organisation_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let touched = sqlx::query("update memberships set role = 'staff' where id = $1")
        .bind(b.membership_id)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(touched, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn the_audit_log_is_append_only_for_the_app_role() {
    let app = TestApp::spawn().await;
    let a = member(&app, "ada@acme.example", "Acme Facilities").await;
    let mut conn = app.db.app_connection().await;
    scope_connection(&mut conn, a.organisation_id).await;
    for sql in [
        "update audit_log set action = 'forged'",
        "delete from audit_log",
        "truncate audit_log",
    ] {
        let err = sqlx::query(sql).execute(&mut conn).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
    let n: i64 = sqlx::query_scalar("select count(*) from audit_log")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(n >= 3);
}
