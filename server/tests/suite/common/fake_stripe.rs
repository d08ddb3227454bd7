//! A local fake of the parts of Stripe's HTTP API billing calls, on a random port: it checks
//! the secret key, records each request's form fields, and answers in Stripe's shapes. The
//! server reaches it through its real Stripe client (`--stripe-api-base`), so the production
//! code path is the one tested. Webhooks to the server are signed with Stripe's scheme.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const SECRET_KEY: &str = "sk_test_fake_0123456789";
pub const WEBHOOK_SECRET: &str = "whsec_fake_0123456789";
pub const PRICE_INDIVIDUAL: &str = "price_individual_m";
pub const PRICE_STARTER: &str = "price_starter_m";
pub const PRICE_PRO: &str = "price_pro_m";
pub const PRICE_SEAT: &str = "price_extra_seat_m";

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub form: Vec<(String, String)>,
}

impl Recorded {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Inner {
    requests: Mutex<Vec<Recorded>>,
    /// Subscription item id -> quantity, as Stripe holds them.
    items: Mutex<HashMap<String, u64>>,
    next_id: AtomicU64,
    failing: AtomicBool,
}

#[derive(Clone)]
pub struct FakeStripe {
    pub base: String,
    inner: Arc<Inner>,
}

impl FakeStripe {
    pub async fn start() -> Self {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/v1/customers", post(customer))
            .route("/v1/checkout/sessions", post(checkout))
            .route("/v1/billing_portal/sessions", post(portal))
            .route("/v1/subscription_items", post(create_item))
            .route("/v1/subscription_items/{id}", post(update_item))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake stripe port");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, inner }
    }

    /// The server's command-line settings that point billing here.
    pub fn args(&self) -> Vec<String> {
        [
            ("--stripe-secret-key", SECRET_KEY),
            ("--stripe-webhook-secret", WEBHOOK_SECRET),
            ("--stripe-api-base", self.base.as_str()),
            ("--stripe-price-individual", PRICE_INDIVIDUAL),
            ("--stripe-price-starter", PRICE_STARTER),
            ("--stripe-price-pro", PRICE_PRO),
            ("--stripe-price-extra-seat", PRICE_SEAT),
        ]
        .iter()
        .flat_map(|(k, v)| [k.to_string(), v.to_string()])
        .collect()
    }

    pub fn requests(&self, path_prefix: &str) -> Vec<Recorded> {
        self.inner
            .requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.path.starts_with(path_prefix))
            .cloned()
            .collect()
    }

    /// The quantity Stripe holds on a subscription item.
    pub fn quantity(&self, item: &str) -> Option<u64> {
        self.inner.items.lock().expect("lock").get(item).copied()
    }

    /// The only subscription item, when there is exactly one.
    pub fn only_item(&self) -> Option<(String, u64)> {
        let items = self.inner.items.lock().expect("lock");
        (items.len() == 1).then(|| items.iter().next().map(|(k, v)| (k.clone(), *v)))?
    }

    /// While set, every call fails as a Stripe outage does (HTTP 500, Stripe's error body).
    pub fn set_failing(&self, failing: bool) {
        self.inner.failing.store(failing, Ordering::SeqCst);
    }
}

fn id(inner: &Inner, prefix: &str) -> String {
    format!(
        "{prefix}_{:06}",
        inner.next_id.fetch_add(1, Ordering::SeqCst) + 1
    )
}

/// Authenticates and records a request; `Err` is the response to send instead.
fn accept(
    inner: &Inner,
    headers: &HeaderMap,
    path: String,
    body: &str,
) -> Result<Recorded, Box<Response>> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {SECRET_KEY}") {
        return Err(Box::new(stripe_error(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "Invalid API Key provided",
        )));
    }
    if inner.failing.load(Ordering::SeqCst) {
        return Err(Box::new(stripe_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "Something went wrong on Stripe's end.",
        )));
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let recorded = Recorded { path, form };
    inner.requests.lock().expect("lock").push(recorded.clone());
    Ok(recorded)
}

fn stripe_error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "type": kind, "message": message } })),
    )
        .into_response()
}

async fn customer(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> Response {
    match accept(&inner, &headers, "/v1/customers".into(), &body) {
        Ok(r) => Json(json!({
            "id": id(&inner, "cus"),
            "object": "customer",
            "name": r.field("name"),
            "email": r.field("email"),
            "livemode": false,
        }))
        .into_response(),
        Err(e) => *e,
    }
}

async fn checkout(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> Response {
    match accept(&inner, &headers, "/v1/checkout/sessions".into(), &body) {
        Ok(_) => {
            let session = id(&inner, "cs_test");
            Json(json!({
                "id": session,
                "object": "checkout.session",
                "mode": "subscription",
                "url": format!("https://checkout.stripe.test/c/pay/{session}"),
            }))
            .into_response()
        }
        Err(e) => *e,
    }
}

async fn portal(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: String) -> Response {
    match accept(
        &inner,
        &headers,
        "/v1/billing_portal/sessions".into(),
        &body,
    ) {
        Ok(r) => Json(json!({
            "id": id(&inner, "bps"),
            "object": "billing_portal.session",
            "customer": r.field("customer"),
            "url": format!("https://billing.stripe.test/p/session/{}", id(&inner, "ps")),
        }))
        .into_response(),
        Err(e) => *e,
    }
}

/// Stripe takes a moment; a little latency lets racing seat changes really overlap.
const LATENCY: Duration = Duration::from_millis(30);

async fn create_item(
    State(inner): State<Arc<Inner>>,
    headers: HeaderMap,
    body: String,
) -> Response {
    tokio::time::sleep(LATENCY).await;
    match accept(&inner, &headers, "/v1/subscription_items".into(), &body) {
        Ok(r) => {
            let item = id(&inner, "si");
            let quantity: u64 = r
                .field("quantity")
                .and_then(|q| q.parse().ok())
                .unwrap_or(1);
            inner
                .items
                .lock()
                .expect("lock")
                .insert(item.clone(), quantity);
            Json(item_json(&item, quantity, r.field("subscription"))).into_response()
        }
        Err(e) => *e,
    }
}

async fn update_item(
    State(inner): State<Arc<Inner>>,
    Path(item): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    tokio::time::sleep(LATENCY).await;
    match accept(
        &inner,
        &headers,
        format!("/v1/subscription_items/{item}"),
        &body,
    ) {
        Ok(r) => {
            let mut items = inner.items.lock().expect("lock");
            let Some(held) = items.get_mut(&item) else {
                return stripe_error(
                    StatusCode::NOT_FOUND,
                    "invalid_request_error",
                    "No such subscription_item",
                );
            };
            if let Some(q) = r.field("quantity").and_then(|q| q.parse().ok()) {
                *held = q;
            }
            Json(item_json(&item, *held, None)).into_response()
        }
        Err(e) => *e,
    }
}

fn item_json(item: &str, quantity: u64, subscription: Option<&str>) -> Value {
    json!({
        "id": item,
        "object": "subscription_item",
        "price": { "id": PRICE_SEAT, "object": "price" },
        "quantity": quantity,
        "subscription": subscription,
    })
}

/// A Stripe event as its webhook delivers it.
pub fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": kind,
        "created": created,
        "api_version": "2025-09-30.clover",
        "livemode": false,
        "data": { "object": object },
    })
    .to_string()
}

/// A subscription object with the plan's item and, when `seats` > 0, the extra-seat item.
pub fn subscription(id: &str, customer: &str, status: &str, plan_price: &str, seats: u64) -> Value {
    let mut items = vec![json!({
        "id": format!("{id}_plan"), "object": "subscription_item",
        "price": { "id": plan_price }, "quantity": 1, "current_period_end": 1_900_000_000,
    })];
    if seats > 0 {
        items.push(json!({
            "id": format!("{id}_seats"), "object": "subscription_item",
            "price": { "id": PRICE_SEAT }, "quantity": seats, "current_period_end": 1_900_000_000,
        }));
    }
    json!({
        "id": id, "object": "subscription", "customer": customer, "status": status,
        "trial_end": null, "items": { "object": "list", "data": items }, "metadata": {},
    })
}

/// The `Stripe-Signature` header for `body`, made with Stripe's scheme at time `t`.
pub fn signature(body: &str, t: i64) -> String {
    app::backend::billing::signature::sign(WEBHOOK_SECRET, t, body.as_bytes())
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
