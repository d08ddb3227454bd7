//! Billing against a local fake of Stripe's API, with webhooks signed by Stripe's scheme:
//! checkout, the portal, seats (including changes racing each other), entitlements, and
//! webhooks that are replayed, tampered with, stale, out of order or of unknown types.

use crate::common::fake_stripe::{self, event, signature, subscription, FakeStripe};
use crate::common::{call, json, scope_connection, sign_up, TestApp};
use serde_json::json;
use uuid::Uuid;

async fn stripe_app() -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let args = stripe.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (TestApp::spawn_with(&args).await, stripe)
}

/// Ada's organisation Acme on a server billing through the fake Stripe.
struct Acme {
    app: TestApp,
    stripe: FakeStripe,
    ada: String,
    org: Uuid,
}

async fn acme() -> Acme {
    let (app, stripe) = stripe_app().await;
    let ada = sign_up(&app, "Ada", "ada@acme.example", "Acme").await;
    let org = organisation_id(&app, "acme").await;
    Acme {
        app,
        stripe,
        ada,
        org,
    }
}

async fn organisation_id(app: &TestApp, slug: &str) -> Uuid {
    let mut db = app.db.owner_connection().await;
    sqlx::query_scalar("select id from organisations where slug = $1")
        .bind(slug)
        .fetch_one(&mut db)
        .await
        .expect("organisation")
}

/// Sends a webhook as Stripe would, signed at `t`.
async fn deliver(app: &TestApp, body: &str, t: i64) -> reqwest::Response {
    app.client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", signature(body, t))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("webhook")
}

async fn outcome(app: &TestApp, body: &str) -> String {
    let r = deliver(app, body, fake_stripe::now()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let v: serde_json::Value = r.json().await.expect("json");
    v["outcome"].as_str().unwrap_or_default().to_string()
}

/// The customer id the server stored for the organisation (made at sign-up, in the background).
async fn customer_of(app: &TestApp, org: Uuid) -> String {
    let mut db = app.db.owner_connection().await;
    for _ in 0..100 {
        let id: Option<String> =
            sqlx::query_scalar("select stripe_customer_id from organisations where id = $1")
                .bind(org)
                .fetch_one(&mut db)
                .await
                .expect("organisation");
        if let Some(id) = id {
            return id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no Stripe customer was made for {org}");
}

/// Puts the organisation on `plan` with a live subscription, as Stripe's webhooks would.
async fn subscribe(app: &TestApp, org: Uuid, plan_price: &str, sub: &str) -> String {
    let customer = customer_of(app, org).await;
    let t = fake_stripe::now() - 60;
    let body = event(
        &format!("evt_{sub}_created"),
        "customer.subscription.created",
        t,
        subscription(sub, &customer, "active", plan_price, 0),
    );
    assert_eq!(outcome(app, &body).await, "applied");
    customer
}

#[tokio::test]
async fn sign_up_makes_the_stripe_customer_and_checkout_sells_the_chosen_plan() {
    let Acme {
        app,
        stripe,
        ada,
        org,
    } = acme().await;
    let customer = customer_of(&app, org).await;
    let made = stripe.requests("/v1/customers");
    assert_eq!(made.len(), 1);
    assert_eq!(
        made[0].field("metadata[organisation_id]"),
        Some(org.to_string().as_str())
    );
    assert_eq!(made[0].field("email"), Some("ada@acme.example"));

    let redirect = json(
        &app,
        "/api/billing/choose_plan",
        &ada,
        &[("plan", "starter")],
    )
    .await;
    assert!(
        redirect["url"]
            .as_str()
            .unwrap()
            .starts_with("https://checkout.stripe.test/"),
        "{redirect}"
    );
    let sessions = stripe.requests("/v1/checkout/sessions");
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(s.field("mode"), Some("subscription"));
    assert_eq!(s.field("customer"), Some(customer.as_str()));
    assert_eq!(
        s.field("client_reference_id"),
        Some(org.to_string().as_str())
    );
    assert_eq!(
        s.field("line_items[0][price]"),
        Some(fake_stripe::PRICE_STARTER)
    );
    assert_eq!(s.field("line_items[0][quantity]"), Some("1"));
    assert_eq!(
        s.field("line_items[1][price]"),
        None,
        "one member needs no extra seat"
    );
    assert_eq!(
        s.field("subscription_data[metadata][plan]"),
        Some("starter")
    );
    assert!(s
        .field("success_url")
        .unwrap()
        .ends_with("/billing?checkout=done"));

    // Stripe reports the completed checkout: the organisation is on Starter, paid.
    let body = event(
        "evt_checkout_1",
        "checkout.session.completed",
        fake_stripe::now(),
        json!({ "id": "cs_1", "object": "checkout.session", "customer": customer,
                "subscription": "sub_1", "client_reference_id": org.to_string(),
                "metadata": { "plan": "starter", "organisation_id": org.to_string() } }),
    );
    assert_eq!(outcome(&app, &body).await, "applied");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["plan"], "starter");
    assert_eq!(o["entitlements"]["standing"]["kind"], "paid");
    assert_eq!(o["monthly_total"]["minor"], 4900);
    assert_eq!(o["mode"], "stripe");

    // With a subscription, changing plan goes through Stripe's portal (it prorates).
    let redirect = json(&app, "/api/billing/choose_plan", &ada, &[("plan", "pro")]).await;
    assert!(redirect["url"]
        .as_str()
        .unwrap()
        .starts_with("https://billing.stripe.test/"));
    let portal = json(&app, "/api/billing/portal", &ada, &[]).await;
    assert!(portal["url"]
        .as_str()
        .unwrap()
        .starts_with("https://billing.stripe.test/"));
    assert_eq!(stripe.requests("/v1/checkout/sessions").len(), 1);
    assert_eq!(
        stripe.requests("/v1/billing_portal/sessions")[0].field("customer"),
        Some(customer.as_str())
    );
}

#[tokio::test]
async fn a_replayed_event_is_applied_once() {
    let Acme {
        app,
        stripe: _,
        ada: _,
        org,
    } = acme().await;
    let customer = customer_of(&app, org).await;
    let body = event(
        "evt_replayed",
        "invoice.payment_succeeded",
        fake_stripe::now(),
        json!({ "id": "in_1", "object": "invoice", "customer": customer, "number": "ACME-0001",
                "status": "paid", "currency": "gbp", "amount_due": 4900, "amount_paid": 4900,
                "hosted_invoice_url": "https://invoice.stripe.test/i/1", "created": 1_800_000_000 }),
    );
    assert_eq!(outcome(&app, &body).await, "applied");
    // Stripe retries a delivery it thinks failed; an attacker may replay a captured one.
    assert_eq!(outcome(&app, &body).await, "duplicate");
    let concurrent = futures::future::join_all((0..5).map(|_| outcome(&app, &body))).await;
    assert!(
        concurrent.iter().all(|o| o == "duplicate"),
        "{concurrent:?}"
    );

    let mut db = app.db.owner_connection().await;
    scope_connection(&mut db, org).await;
    let invoices: i64 = sqlx::query_scalar("select count(*) from invoices")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(invoices, 1);
    let events: i64 =
        sqlx::query_scalar("select count(*) from stripe_events where id = 'evt_replayed'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(events, 1);
}

#[tokio::test]
async fn tampered_unsigned_stale_or_foreign_deliveries_are_refused_and_change_nothing() {
    let Acme {
        app,
        stripe: _,
        ada: _,
        org,
    } = acme().await;
    let customer = customer_of(&app, org).await;
    let body = event(
        "evt_tamper",
        "customer.subscription.created",
        fake_stripe::now(),
        subscription("sub_t", &customer, "active", fake_stripe::PRICE_PRO, 0),
    );
    let now = fake_stripe::now();
    let tampered = body.replace("\"active\"", "\"trialing\"");
    assert_ne!(tampered, body);
    let attempts = [
        // Signed for one body, sent with another.
        (signature(&body, now), tampered.clone()),
        // Signed five minutes and more ago: a captured request replayed later.
        (signature(&body, now - 400), body.clone()),
        // Signed with another endpoint's secret.
        (
            app::backend::billing::signature::sign("whsec_other", now, body.as_bytes()),
            body.clone(),
        ),
        (String::new(), body.clone()),
        ("t=1,v1=nothex".to_string(), body.clone()),
    ];
    for (header, sent) in attempts {
        let r = app
            .client
            .post(app.url("/webhooks/stripe"))
            .header("stripe-signature", &header)
            .body(sent)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{header}");
        assert_eq!(
            r.headers()["content-type"],
            "application/problem+json",
            "{header}"
        );
    }
    let r = app
        .client
        .post(app.url("/webhooks/stripe"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no signature header");

    let mut db = app.db.owner_connection().await;
    let events: i64 = sqlx::query_scalar("select count(*) from stripe_events")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(events, 0, "nothing refused was recorded");
    scope_connection(&mut db, org).await;
    let subscriptions: i64 = sqlx::query_scalar("select count(*) from subscriptions")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(subscriptions, 0);
    // The genuine delivery still works.
    assert_eq!(outcome(&app, &body).await, "applied");
}

#[tokio::test]
async fn an_older_event_arriving_late_does_not_overwrite_newer_state() {
    let Acme {
        app,
        stripe: _,
        ada,
        org,
    } = acme().await;
    let customer = customer_of(&app, org).await;
    let t = fake_stripe::now() - 100;
    let newer = event(
        "evt_newer",
        "customer.subscription.updated",
        t + 50,
        subscription("sub_o", &customer, "past_due", fake_stripe::PRICE_PRO, 0),
    );
    let older = event(
        "evt_older",
        "customer.subscription.updated",
        t,
        subscription("sub_o", &customer, "active", fake_stripe::PRICE_STARTER, 0),
    );
    assert_eq!(outcome(&app, &newer).await, "applied");
    assert_eq!(outcome(&app, &older).await, "stale");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["plan"], "pro");
    assert_eq!(o["status"], "past_due");
    assert_eq!(o["entitlements"]["standing"]["kind"], "grace", "{o}");

    // The renewal is paid: Stripe reports the invoice and the subscription active again.
    let paid = event(
        "evt_paid",
        "invoice.payment_succeeded",
        t + 60,
        json!({ "id": "in_9", "customer": customer, "number": "ACME-9", "status": "paid",
                "currency": "gbp", "amount_due": 9900, "amount_paid": 9900, "created": t + 60 }),
    );
    assert_eq!(outcome(&app, &paid).await, "applied");
    let recovered = event(
        "evt_recovered",
        "customer.subscription.updated",
        t + 61,
        subscription("sub_o", &customer, "active", fake_stripe::PRICE_PRO, 0),
    );
    assert_eq!(outcome(&app, &recovered).await, "applied");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["status"], "active");
    assert_eq!(o["entitlements"]["standing"]["kind"], "paid");
    assert_eq!(o["invoices"][0]["number"], "ACME-9");
    assert_eq!(o["invoices"][0]["amount_paid"]["minor"], 9900);

    // The deletion of a subscription the organisation no longer has cancels nothing.
    let old_sub_deleted = event(
        "evt_gone",
        "customer.subscription.deleted",
        t + 70,
        subscription(
            "sub_previous",
            &customer,
            "canceled",
            fake_stripe::PRICE_STARTER,
            0,
        ),
    );
    assert_eq!(outcome(&app, &old_sub_deleted).await, "stale");
    let current_deleted = event(
        "evt_cancel",
        "customer.subscription.deleted",
        t + 80,
        subscription("sub_o", &customer, "canceled", fake_stripe::PRICE_PRO, 0),
    );
    assert_eq!(outcome(&app, &current_deleted).await, "applied");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["standing"]["kind"], "lapsed");
}

#[tokio::test]
async fn unknown_and_unmatched_events_are_acknowledged_and_recorded() {
    let (app, _stripe) = stripe_app().await;
    let unknown = event(
        "evt_u",
        "charge.refunded",
        fake_stripe::now(),
        json!({ "id": "ch_1" }),
    );
    assert_eq!(outcome(&app, &unknown).await, "ignored");
    let stranger = event(
        "evt_s",
        "customer.subscription.updated",
        fake_stripe::now(),
        subscription("sub_x", "cus_nobody", "active", fake_stripe::PRICE_PRO, 0),
    );
    assert_eq!(outcome(&app, &stranger).await, "unmatched");
    let r = deliver(&app, "{\"id\":\"evt_bad\"}", fake_stripe::now()).await;
    assert_eq!(r.status(), 400, "a signed body that is not an event");
    let mut db = app.db.owner_connection().await;
    let outcomes: Vec<String> = sqlx::query_scalar("select outcome from stripe_events order by id")
        .fetch_all(&mut db)
        .await
        .unwrap();
    assert_eq!(outcomes, ["unmatched", "ignored"]);
}

#[tokio::test]
async fn metadata_cannot_move_another_organisations_customer() {
    let (app, _stripe) = stripe_app().await;
    sign_up(&app, "Ada", "ada@acme.example", "Acme").await;
    sign_up(&app, "Bob", "bob@globex.example", "Globex").await;
    let acme = organisation_id(&app, "acme").await;
    let globex = organisation_id(&app, "globex").await;
    let acme_customer = customer_of(&app, acme).await;
    customer_of(&app, globex).await;
    // Globex's id in the metadata of Acme's customer's checkout: Acme's customer decides.
    let body = event(
        "evt_claim",
        "checkout.session.completed",
        fake_stripe::now(),
        json!({ "customer": acme_customer, "subscription": "sub_c",
                "client_reference_id": globex.to_string(), "metadata": { "plan": "pro" } }),
    );
    assert_eq!(outcome(&app, &body).await, "applied");
    let mut db = app.db.owner_connection().await;
    scope_connection(&mut db, globex).await;
    let globex_subs: i64 = sqlx::query_scalar("select count(*) from subscriptions")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(globex_subs, 0);
    scope_connection(&mut db, acme).await;
    let acme_sub: String = sqlx::query_scalar("select stripe_subscription_id from subscriptions")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(acme_sub, "sub_c");
}

async fn invite(app: &TestApp, jar: &str, email: &str, confirm: bool) -> reqwest::Response {
    let mut form = vec![("email", email), ("role", "staff")];
    if confirm {
        form.push(("extra_seat_confirmed", "true"));
    }
    call(app, "/api/members/invite", jar, &form).await
}

#[tokio::test]
async fn seat_changes_racing_each_other_leave_stripe_with_the_final_count() {
    let Acme {
        app,
        stripe,
        ada,
        org,
    } = acme().await;
    subscribe(&app, org, fake_stripe::PRICE_STARTER, "sub_r").await;

    // Starter includes 5 seats; Ada holds one. Four more fit without asking.
    for n in 0..4 {
        let r = invite(&app, &ada, &format!("p{n}@acme.example"), false).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    let quote = json(&app, "/api/billing/seat_quote", &ada, &[]).await;
    assert_eq!(quote["decision"]["kind"], "extra_seat");
    assert_eq!(quote["decision"]["monthly"]["minor"], 900);
    // The sixth seat costs money: refused until the admin confirms its price.
    let r = invite(&app, &ada, "extra@acme.example", false).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("£9.00 a month"));
    assert!(stripe.requests("/v1/subscription_items").is_empty());

    // Eight confirmed invitations at once: eight extra seats, and Stripe ends on 8.
    let emails: Vec<String> = (0..8).map(|n| format!("x{n}@acme.example")).collect();
    let sent = futures::future::join_all(emails.iter().map(|e| invite(&app, &ada, e, true))).await;
    assert!(sent.iter().all(|r| r.status() == 200));
    let (item, quantity) = stripe.only_item().expect("one seat item");
    assert_eq!(quantity, 8);

    // Revoking five at once, racing each other: Stripe ends on 3.
    let list = json(&app, "/api/members/list", &ada, &[]).await;
    let ids: Vec<String> = list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["email"].as_str().unwrap().starts_with('x'))
        .take(5)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let (app_ref, ada_ref) = (&app, &ada);
    let revoked = futures::future::join_all(ids.iter().map(|id| async move {
        call(
            app_ref,
            "/api/members/revoke_invitation",
            ada_ref,
            &[("id", id.as_str())],
        )
        .await
    }))
    .await;
    assert!(revoked.iter().all(|r| r.status() == 200));
    assert_eq!(stripe.quantity(&item), Some(3));
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["extra_seats"], 3);
    assert_eq!(o["monthly_total"]["minor"], 4900 + 3 * 900);
    assert_eq!(o["seat_sync_pending"], false);
}

#[tokio::test]
async fn a_seat_change_stripe_missed_is_retried_and_nothing_is_lost() {
    let Acme {
        app,
        stripe,
        ada,
        org,
    } = acme().await;
    subscribe(&app, org, fake_stripe::PRICE_STARTER, "sub_f").await;
    for n in 0..4 {
        assert_eq!(
            invite(&app, &ada, &format!("p{n}@acme.example"), false)
                .await
                .status(),
            200
        );
    }
    stripe.set_failing(true);
    // The invitation stands even though Stripe is down; the seat change waits.
    let r = invite(&app, &ada, "late@acme.example", true).await;
    assert_eq!(r.status(), 200);
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["seat_sync_pending"], true);
    assert!(stripe.only_item().is_none());
    stripe.set_failing(false);
    // Reading the billing page retries it.
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["seat_sync_pending"], false);
    assert_eq!(stripe.only_item().map(|(_, q)| q), Some(1));
}

#[tokio::test]
async fn plans_gate_features_and_seats_on_the_server() {
    // Offline mode: plan changes apply at once, and the same rules hold.
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@acme.example", "Acme").await;
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["mode"], "offline");
    assert_eq!(o["entitlements"]["standing"]["kind"], "trial");
    assert_eq!(o["entitlements"]["plan"], "pro");
    // Staff cannot see or change billing.
    let bob = crate::common::join_as(&app, &ada, "Bob", "bob@acme.example", "staff").await;
    assert_eq!(
        call(&app, "/api/billing/overview", &bob, &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        call(&app, "/api/billing/choose_plan", &bob, &[("plan", "pro")])
            .await
            .status(),
        403
    );
    let list = json(&app, "/api/members/list", &ada, &[]).await;
    let bob_membership = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "bob@acme.example")
        .map(|m| m["membership_id"].as_str().unwrap().to_string())
        .unwrap();
    json(
        &app,
        "/api/members/set_enabled",
        &ada,
        &[
            ("membership_id", bob_membership.as_str()),
            ("enabled", "false"),
        ],
    )
    .await;
    let token = json(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", "CI"), ("role", "staff")],
    )
    .await;
    let secret = token["secret"].as_str().unwrap().to_string();
    let api = |secret: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/tickets"))
                .bearer_auth(secret)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(api(secret.clone()).await.status(), 200);

    let r = json(
        &app,
        "/api/billing/choose_plan",
        &ada,
        &[("plan", "starter")],
    )
    .await;
    assert_eq!(r["url"], "/billing?changed=starter");
    // Starter has no API access: new tokens are refused, and existing ones stop working.
    let r = call(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", "CI2"), ("role", "staff")],
    )
    .await;
    assert_eq!(r.status(), 402);
    assert!(r.text().await.unwrap().contains("comes with Pro"));
    let r = api(secret.clone()).await;
    assert_eq!(r.status(), 402);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(
        app.get("/tickets/export.csv").await.status(),
        401,
        "signed out"
    );

    // Individual: one person, no CSV export.
    let r = call(
        &app,
        "/api/members/invite",
        &ada,
        &[("email", "x@acme.example"), ("role", "staff")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = call(
        &app,
        "/api/billing/choose_plan",
        &ada,
        &[("plan", "individual")],
    )
    .await;
    assert_eq!(r.status(), 402, "two seats in use do not fit Individual");
    let list = json(&app, "/api/members/list", &ada, &[]).await;
    let id = list["invitations"][0]["id"].as_str().unwrap().to_string();
    json(
        &app,
        "/api/members/revoke_invitation",
        &ada,
        &[("id", id.as_str())],
    )
    .await;
    json(
        &app,
        "/api/billing/choose_plan",
        &ada,
        &[("plan", "individual")],
    )
    .await;
    let r = invite(&app, &ada, "y@acme.example", true).await;
    assert_eq!(r.status(), 402);
    assert!(r.text().await.unwrap().contains("Upgrade to Starter"));
    let r = app
        .client
        .get(app.url("/tickets/export.csv"))
        .header("cookie", &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 402);
    let r = app
        .client
        .get(app.url("/billing/history.csv"))
        .header("cookie", &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 402);

    // Enterprise is arranged with sales, not bought here.
    let r = call(
        &app,
        "/api/billing/choose_plan",
        &ada,
        &[("plan", "enterprise")],
    )
    .await;
    assert_eq!(r.status(), 409);
    // Offline mode has no portal and no webhook endpoint.
    assert_eq!(
        call(&app, "/api/billing/portal", &ada, &[]).await.status(),
        409
    );
    let r = app
        .client
        .post(app.url("/webhooks/stripe"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
}

#[tokio::test]
async fn a_lapsed_trial_keeps_work_but_turns_off_paid_features_and_new_seats() {
    let app = TestApp::spawn().await;
    let ada = sign_up(&app, "Ada", "ada@acme.example", "Acme").await;
    let org = organisation_id(&app, "acme").await;
    let mut db = app.db.owner_connection().await;
    sqlx::query("update organisations set created_at = now() - interval '15 days' where id = $1")
        .bind(org)
        .execute(&mut db)
        .await
        .unwrap();
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["standing"]["kind"], "lapsed");
    let r = invite(&app, &ada, "late@acme.example", true).await;
    assert_eq!(r.status(), 402);
    let r = call(
        &app,
        "/api/api_tokens/create",
        &ada,
        &[("name", "CI"), ("role", "staff")],
    )
    .await;
    assert_eq!(r.status(), 402);
    // Tickets still work.
    json(&app, "/api/tickets/list", &ada, &[]).await;
}

#[tokio::test]
async fn billing_history_exports_as_csv() {
    let Acme {
        app,
        stripe: _,
        ada,
        org,
    } = acme().await;
    let customer = subscribe(&app, org, fake_stripe::PRICE_PRO, "sub_h").await;
    for (n, (status, paid)) in [("paid", 9900), ("open", 0)].into_iter().enumerate() {
        let kind = if paid > 0 {
            "invoice.payment_succeeded"
        } else {
            "invoice.payment_failed"
        };
        let body = event(
            &format!("evt_inv_{n}"),
            kind,
            fake_stripe::now() - 10 + n as i64,
            json!({ "id": format!("in_{n}"), "customer": customer, "number": format!("=HYPERLINK({n})"),
                    "status": status, "currency": "gbp", "amount_due": 9900, "amount_paid": paid,
                    "created": 1_800_000_000 + n as i64 }),
        );
        assert_eq!(outcome(&app, &body).await, "applied");
    }
    let r = app
        .client
        .get(app.url("/billing/history.csv"))
        .header("cookie", &ada)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("billing-"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,created_at,status,currency,amount_due,amount_paid"
    );
    assert_eq!(
        lines[1],
        "'=HYPERLINK(1),2027-01-15T08:00:01Z,open,GBP,99.00,0.00"
    );
    assert_eq!(
        lines[2],
        "'=HYPERLINK(0),2027-01-15T08:00:00Z,paid,GBP,99.00,99.00"
    );
    // The failed renewal puts the subscription past due: a grace period, shown on the page.
    let past_due = event(
        "evt_past_due",
        "customer.subscription.updated",
        fake_stripe::now(),
        subscription("sub_h", &customer, "past_due", fake_stripe::PRICE_PRO, 0),
    );
    assert_eq!(outcome(&app, &past_due).await, "applied");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["standing"]["kind"], "grace");
    // The admin is told by email, with the date and a link to fix it.
    let mail = app.mail.wait_for("ada@acme.example", 1).await;
    assert_eq!(mail.subject(), "Payment failed for Acme on Workdesk");
    let until =
        app::model::billing::day_of(o["entitlements"]["standing"]["until"].as_i64().unwrap());
    assert!(mail.decoded().contains(&until), "{}", mail.decoded());
    assert!(mail.link("/billing").is_some());
    // A second failure notice does not move the end of the grace period.
    let until_secs = o["entitlements"]["standing"]["until"].clone();
    let again = event(
        "evt_past_due_2",
        "customer.subscription.updated",
        fake_stripe::now() + 1,
        subscription("sub_h", &customer, "past_due", fake_stripe::PRICE_PRO, 0),
    );
    assert_eq!(outcome(&app, &again).await, "applied");
    let o = json(&app, "/api/billing/overview", &ada, &[]).await;
    assert_eq!(o["entitlements"]["standing"]["until"], until_secs);
    // ... nor send a second email.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.mail.to("ada@acme.example").len(), 1);
}

/// Signed events with values billing cannot store used to answer 500, so Stripe retried them
/// for days (issue 12). They are recorded as rejected and answered 200, once.
#[tokio::test]
async fn signed_events_billing_cannot_store_are_rejected_once_not_retried_forever() {
    let Acme { app, org, .. } = acme().await;
    let customer = customer_of(&app, org).await;
    let t = fake_stripe::now();
    let invoice = |currency: &str, created: i64| {
        json!({ "id": "in_odd", "customer": customer, "number": "ACME-1", "status": "paid",
                "currency": currency, "amount_due": 100, "amount_paid": 100, "created": created })
    };
    let four_letters = event(
        "evt_cur",
        "invoice.payment_succeeded",
        t,
        invoice("gbpx", t),
    );
    assert_eq!(outcome(&app, &four_letters).await, "rejected");
    assert_eq!(
        outcome(&app, &four_letters).await,
        "duplicate",
        "a retry changes nothing"
    );
    let far_future = event(
        "evt_time",
        "invoice.payment_succeeded",
        t,
        invoice("gbp", i64::MAX / 2),
    );
    assert_eq!(outcome(&app, &far_future).await, "rejected");
    let long_id = "evt_".to_string() + &"x".repeat(300);
    let long = event(&long_id, "invoice.payment_succeeded", t, invoice("gbp", t));
    assert_eq!(outcome(&app, &long).await, "rejected");
    assert_eq!(outcome(&app, &long).await, "duplicate");
    let unreadable = event(
        "evt_shape",
        "customer.subscription.updated",
        t,
        json!({ "id": 42 }),
    );
    assert_eq!(outcome(&app, &unreadable).await, "rejected");

    let mut db = app.db.owner_connection().await;
    let rejected: i64 =
        sqlx::query_scalar("select count(*) from stripe_events where outcome = 'rejected'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(rejected, 4);
    scope_connection(&mut db, org).await;
    let invoices: i64 = sqlx::query_scalar("select count(*) from invoices")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(invoices, 0, "nothing half-applied");
}
