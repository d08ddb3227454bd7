//! The calls billing makes to Stripe, through async-stripe's client and request builders.
//!
//! Responses are read into small structs holding only the fields used (an id, a URL), not
//! async-stripe's full resource types: those fail to parse when Stripe adds or changes a field
//! on an API version newer than the bindings, and a checkout must not break for a field the
//! product never reads.

use crate::model::billing::Plan;
use std::collections::HashMap;
use std::time::Duration;
use stripe::StripeRequest;

/// Stripe price ids for each plan and for the extra-seat add-on (set in Stripe's dashboard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prices {
    pub individual: String,
    pub starter: String,
    pub pro: String,
    pub extra_seat: String,
}

impl Prices {
    /// `None` for Enterprise, which is not sold through Checkout.
    pub fn of(&self, plan: Plan) -> Option<&str> {
        match plan {
            Plan::Individual => Some(&self.individual),
            Plan::Starter => Some(&self.starter),
            Plan::Pro => Some(&self.pro),
            Plan::Enterprise => None,
        }
    }

    /// The plan a subscription item's price stands for.
    pub fn plan_of(&self, price: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|p| self.of(*p) == Some(price))
    }
}

#[derive(Clone)]
pub struct StripeApi {
    client: stripe::Client,
    pub prices: Prices,
}

#[derive(Debug, thiserror::Error)]
pub enum StripeCallError {
    #[error("Stripe client configuration: {0}")]
    Config(String),
    #[error("Stripe call failed: {0}")]
    Call(#[from] stripe::StripeError),
}

#[derive(miniserde::Deserialize)]
struct Created {
    id: String,
}

#[derive(miniserde::Deserialize)]
struct HostedPage {
    url: Option<String>,
}

#[derive(miniserde::Deserialize)]
struct SeatItem {
    id: String,
    quantity: Option<u64>,
}

/// What a checkout for a plan buys.
pub struct CheckoutRequest<'a> {
    pub customer: &'a str,
    pub organisation_id: &'a str,
    pub plan: Plan,
    pub extra_seats: u32,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

impl StripeApi {
    /// `api_base` points the client at another Stripe-compatible API (the tests' fake).
    pub fn new(
        secret_key: &str,
        api_base: Option<&str>,
        prices: Prices,
    ) -> Result<Self, StripeCallError> {
        let mut builder = stripe::ClientBuilder::new(secret_key)
            .timeout(Duration::from_secs(15))
            .app_info("workdesk", Some(env!("CARGO_PKG_VERSION").into()), None);
        if let Some(base) = api_base {
            // The client appends `v1/...` to the base, so it must end in a slash.
            let base = format!("{}/", base.trim_end_matches('/'));
            builder = builder.url(base);
        }
        let client = builder
            .build()
            .map_err(|e| StripeCallError::Config(e.to_string()))?;
        Ok(Self { client, prices })
    }

    /// Sends a request built by async-stripe, reading the answer into `T`.
    async fn send<T: miniserde::Deserialize>(
        &self,
        request: &impl StripeRequest,
    ) -> Result<T, StripeCallError> {
        Ok(request.build().customize::<T>().send(&self.client).await?)
    }

    pub async fn create_customer(
        &self,
        organisation_id: &str,
        name: &str,
        email: &str,
    ) -> Result<String, StripeCallError> {
        let request = stripe_core::customer::CreateCustomer::new()
            .name(name)
            .email(email)
            .metadata(organisation_metadata(organisation_id, None));
        Ok(self.send::<Created>(&request).await?.id)
    }

    /// A hosted Checkout page selling `plan` (plus extra seats already in use): its URL.
    pub async fn checkout(&self, req: CheckoutRequest<'_>) -> Result<String, StripeCallError> {
        use stripe_checkout::checkout_session::{
            CreateCheckoutSession, CreateCheckoutSessionLineItems,
            CreateCheckoutSessionSubscriptionData,
        };
        let Some(price) = self.prices.of(req.plan) else {
            return Err(StripeCallError::Config(
                "Enterprise is not sold through Checkout".into(),
            ));
        };
        let mut items = vec![CreateCheckoutSessionLineItems {
            price: Some(price.to_string()),
            quantity: Some(1),
            ..Default::default()
        }];
        if req.extra_seats > 0 {
            items.push(CreateCheckoutSessionLineItems {
                price: Some(self.prices.extra_seat.clone()),
                quantity: Some(u64::from(req.extra_seats)),
                ..Default::default()
            });
        }
        let metadata = organisation_metadata(req.organisation_id, Some(req.plan));
        let subscription_data = CreateCheckoutSessionSubscriptionData {
            metadata: Some(metadata.clone()),
            ..Default::default()
        };
        let request = CreateCheckoutSession::new()
            .mode(stripe_checkout::CheckoutSessionMode::Subscription)
            .customer(req.customer)
            .client_reference_id(req.organisation_id)
            .line_items(items)
            .metadata(metadata)
            .subscription_data(subscription_data)
            .success_url(req.success_url)
            .cancel_url(req.cancel_url);
        hosted_url(self.send::<HostedPage>(&request).await?)
    }

    /// A customer-portal page (payment methods, invoices, cancelling): its URL.
    pub async fn portal(
        &self,
        customer: &str,
        return_url: &str,
    ) -> Result<String, StripeCallError> {
        let request = stripe_billing::billing_portal_session::CreateBillingPortalSession::new()
            .customer(customer)
            .return_url(return_url);
        hosted_url(self.send::<HostedPage>(&request).await?)
    }

    /// Sets the extra-seat item's quantity, or adds the item when the subscription has none.
    /// Prorated, so the next invoice charges for the part of the month a seat was used.
    /// Returns the item id and the quantity Stripe now holds.
    pub async fn set_extra_seats(
        &self,
        subscription: &str,
        item: Option<&str>,
        quantity: u32,
    ) -> Result<(String, u32), StripeCallError> {
        use stripe_billing::subscription_item::{
            CreateSubscriptionItem, CreateSubscriptionItemProrationBehavior,
            UpdateSubscriptionItem, UpdateSubscriptionItemProrationBehavior,
        };
        let item: SeatItem = match item {
            Some(item) => {
                let request = UpdateSubscriptionItem::new(item)
                    .quantity(u64::from(quantity))
                    .proration_behavior(UpdateSubscriptionItemProrationBehavior::CreateProrations);
                self.send(&request).await?
            }
            None => {
                let request = CreateSubscriptionItem::new(subscription)
                    .price(self.prices.extra_seat.clone())
                    .quantity(u64::from(quantity))
                    .proration_behavior(CreateSubscriptionItemProrationBehavior::CreateProrations);
                self.send(&request).await?
            }
        };
        let held = item.quantity.unwrap_or(0).min(u64::from(u32::MAX)) as u32;
        Ok((item.id, held))
    }
}

fn organisation_metadata(organisation_id: &str, plan: Option<Plan>) -> HashMap<String, String> {
    let mut metadata =
        HashMap::from([("organisation_id".to_string(), organisation_id.to_string())]);
    if let Some(plan) = plan {
        metadata.insert("plan".into(), plan.as_str().into());
    }
    metadata
}

fn hosted_url(page: HostedPage) -> Result<String, StripeCallError> {
    page.url
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .ok_or_else(|| StripeCallError::Config("Stripe answered without a page URL".into()))
}
