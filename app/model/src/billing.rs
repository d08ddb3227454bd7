//! Plans, prices, seats and entitlements: the rules of what an organisation pays for and may
//! use. The pricing page (browser) and the server's checks read the same table, so the price a
//! customer sees is the price they are charged.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The only currency sold today. An enum, not a string, so a price can't be in a currency the
/// product has no Stripe prices for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "GBP")]
    Gbp,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Self::Gbp => "GBP",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Self::Gbp => "£",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        code.eq_ignore_ascii_case("gbp").then_some(Self::Gbp)
    }
}

/// An amount of money in minor units (pence): never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn gbp(minor: i64) -> Self {
        Self {
            minor,
            currency: Currency::Gbp,
        }
    }

    /// `None` on overflow, which no real bill reaches.
    pub fn times(self, n: u32) -> Option<Self> {
        Some(Self {
            minor: self.minor.checked_mul(i64::from(n))?,
            currency: self.currency,
        })
    }

    /// `None` when the currencies differ or on overflow.
    pub fn plus(self, other: Self) -> Option<Self> {
        (self.currency == other.currency).then_some(())?;
        Some(Self {
            minor: self.minor.checked_add(other.minor)?,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Money {
    /// `£9.00`, `-£1.50`: what a person reads on a bill.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        write!(
            f,
            "{sign}{}{}.{:02}",
            self.currency.symbol(),
            abs / 100,
            abs % 100
        )
    }
}

/// What one extra member costs per month on the plans that allow extra seats.
pub const EXTRA_SEAT_PRICE: Money = Money::gbp(900);

/// How long a new organisation tries the product before paying.
pub const TRIAL_DAYS: i64 = 14;

/// How long a failed payment leaves the organisation's paid features on.
pub const GRACE_DAYS: i64 = 7;

/// The plan a trial runs on: everything self-serve, so people see what they would buy.
pub const TRIAL_PLAN: Plan = Plan::Pro;

/// Seats an Enterprise contract includes unless the contract says otherwise.
pub const ENTERPRISE_DEFAULT_SEATS: u32 = 25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum Plan {
    Individual,
    Starter,
    Pro,
    Enterprise,
}

impl Plan {
    pub const ALL: [Plan; 4] = [Self::Individual, Self::Starter, Self::Pro, Self::Enterprise];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Starter => "starter",
            Self::Pro => "pro",
            Self::Enterprise => "enterprise",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Individual => "Individual",
            Self::Starter => "Starter",
            Self::Pro => "Pro",
            Self::Enterprise => "Enterprise",
        }
    }

    /// The monthly price; `None` for Enterprise, which is priced by contract.
    pub fn monthly_price(self) -> Option<Money> {
        match self {
            Self::Individual => Some(Money::gbp(1_500)),
            Self::Starter => Some(Money::gbp(4_900)),
            Self::Pro => Some(Money::gbp(9_900)),
            Self::Enterprise => None,
        }
    }

    /// Seats the plan's price includes. Enterprise's come from its contract.
    pub fn included_seats(self) -> u32 {
        match self {
            Self::Individual => 1,
            Self::Starter => 5,
            Self::Pro => 10,
            Self::Enterprise => ENTERPRISE_DEFAULT_SEATS,
        }
    }

    /// Individual is one person by definition: it cannot buy more seats.
    pub fn allows_extra_seats(self) -> bool {
        self != Self::Individual
    }

    /// Whether a customer can buy the plan through Checkout (Enterprise is sold by contract).
    pub fn self_serve(self) -> bool {
        self != Self::Enterprise
    }

    pub fn includes(self, feature: Feature) -> bool {
        match feature {
            Feature::CsvExport => self != Self::Individual,
            Feature::ApiAccess => matches!(self, Self::Pro | Self::Enterprise),
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::Individual => 0,
            Self::Starter => 1,
            Self::Pro => 2,
            Self::Enterprise => 3,
        }
    }

    /// The cheapest plan that includes `feature`: what the UI suggests upgrading to.
    pub fn cheapest_with(feature: Feature) -> Plan {
        Self::ALL
            .into_iter()
            .find(|p| p.includes(feature))
            .unwrap_or(Self::Enterprise)
    }

    pub fn is_upgrade_from(self, other: Plan) -> bool {
        self.rank() > other.rank()
    }
}

/// A capability some plans include. The one list the UI hides things by and the server refuses
/// things by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// API tokens and the REST API.
    ApiAccess,
    /// CSV exports of tickets and billing history.
    CsvExport,
}

impl Feature {
    pub const ALL: [Feature; 2] = [Self::ApiAccess, Self::CsvExport];

    pub fn label(self) -> &'static str {
        match self {
            Self::ApiAccess => "API access",
            Self::CsvExport => "CSV export",
        }
    }
}

/// A subscription's status as Stripe reports it, folded into the states the product treats
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum SubscriptionStatus {
    Trialing,
    Active,
    /// A renewal payment failed; Stripe is retrying.
    PastDue,
    /// Stripe gave up retrying, or the subscription is paused.
    Unpaid,
    /// Checkout started but the first payment has not gone through.
    Incomplete,
    Canceled,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Unpaid => "unpaid",
            Self::Incomplete => "incomplete",
            Self::Canceled => "canceled",
        }
    }

    /// Reads our own stored value and Stripe's (whose list is longer).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "trialing" => Self::Trialing,
            "active" => Self::Active,
            "past_due" => Self::PastDue,
            "unpaid" | "paused" => Self::Unpaid,
            "incomplete" => Self::Incomplete,
            "canceled" | "incomplete_expired" => Self::Canceled,
            _ => return None,
        })
    }
}

/// Where an organisation stands, worked out from its status and the clock. Instants are Unix
/// seconds, so this stays pure and the caller supplies `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Standing {
    Trial {
        ends_at: i64,
    },
    Paid,
    /// Payment failed; paid features stay on until `until`.
    Grace {
        until: i64,
    },
    /// Nothing paid for: the trial ended, the subscription was cancelled, or the grace period
    /// ran out. Existing work stays usable; plan features and new seats are off.
    Lapsed,
}

impl Standing {
    pub fn of(
        status: SubscriptionStatus,
        trial_ends_at: Option<i64>,
        grace_ends_at: Option<i64>,
        now: i64,
    ) -> Self {
        match status {
            SubscriptionStatus::Trialing => match trial_ends_at {
                Some(ends_at) if ends_at > now => Self::Trial { ends_at },
                _ => Self::Lapsed,
            },
            SubscriptionStatus::Active => Self::Paid,
            SubscriptionStatus::PastDue => match grace_ends_at {
                Some(until) if until > now => Self::Grace { until },
                _ => Self::Lapsed,
            },
            SubscriptionStatus::Unpaid
            | SubscriptionStatus::Incomplete
            | SubscriptionStatus::Canceled => Self::Lapsed,
        }
    }

    pub fn is_lapsed(self) -> bool {
        self == Self::Lapsed
    }
}

/// An organisation's plan and where it stands: everything an entitlement answer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlements {
    pub plan: Plan,
    pub standing: Standing,
    /// Seats the plan includes (Enterprise: its contract's number).
    pub included_seats: u32,
    /// Members plus open invitations: an invitation holds a seat until it is accepted or ends.
    pub seats_used: u32,
}

/// Why something the plan does not allow was refused; the text is shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub message: String,
    /// The plan that would allow it, when an upgrade would.
    pub upgrade_to: Option<Plan>,
}

/// What adding one more member means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SeatDecision {
    /// A seat the plan already includes is free.
    Included,
    /// One more extra seat, at `monthly` more per month.
    ExtraSeat {
        monthly: Money,
        extra_after: u32,
    },
    Refused(Refusal),
}

impl Entitlements {
    pub fn allows(&self, feature: Feature) -> Result<(), Refusal> {
        if self.standing.is_lapsed() {
            return Err(Refusal {
                message: format!(
                    "{} needs an active subscription. Choose a plan on the billing page.",
                    feature.label()
                ),
                upgrade_to: None,
            });
        }
        if self.plan.includes(feature) {
            return Ok(());
        }
        let upgrade_to = Plan::cheapest_with(feature);
        Err(Refusal {
            message: format!(
                "{} is not part of the {} plan. It comes with {} and above.",
                feature.label(),
                self.plan.label(),
                upgrade_to.label()
            ),
            upgrade_to: Some(upgrade_to),
        })
    }

    /// Extra seats in use beyond the plan's own: what the seat line on the bill counts.
    pub fn extra_seats(&self) -> u32 {
        extra_seats(self.plan, self.included_seats, self.seats_used)
    }

    /// Whether one more member may join, and what it costs.
    pub fn new_seat(&self) -> SeatDecision {
        if self.standing.is_lapsed() {
            return SeatDecision::Refused(Refusal {
                message: "Adding members needs an active subscription. Choose a plan on the billing page."
                    .into(),
                upgrade_to: None,
            });
        }
        if self.seats_used < self.included_seats {
            return SeatDecision::Included;
        }
        if !self.plan.allows_extra_seats() {
            return SeatDecision::Refused(Refusal {
                message: format!(
                    "The {} plan is for one person. Upgrade to {} to add members.",
                    self.plan.label(),
                    Plan::Starter.label()
                ),
                upgrade_to: Some(Plan::Starter),
            });
        }
        SeatDecision::ExtraSeat {
            monthly: EXTRA_SEAT_PRICE,
            extra_after: extra_seats(self.plan, self.included_seats, self.seats_used + 1),
        }
    }

    /// What moving to `target` would do to seats: `Err` when members would not fit.
    pub fn change_to(&self, target: Plan) -> Result<(), Refusal> {
        if target.allows_extra_seats() || self.seats_used <= target.included_seats() {
            return Ok(());
        }
        Err(Refusal {
            message: format!(
                "The {} plan has {} seat, and {} are in use. Remove members or open invitations first.",
                target.label(),
                target.included_seats(),
                self.seats_used
            ),
            upgrade_to: None,
        })
    }
}

/// Seats beyond those included, on plans that sell them.
pub fn extra_seats(plan: Plan, included: u32, used: u32) -> u32 {
    if plan.allows_extra_seats() {
        used.saturating_sub(included)
    } else {
        0
    }
}

/// The monthly bill for a plan with `extra` extra seats; `None` for Enterprise (by contract).
pub fn monthly_total(plan: Plan, extra: u32) -> Option<Money> {
    plan.monthly_price()?.plus(EXTRA_SEAT_PRICE.times(extra)?)
}

/// Whether billing talks to Stripe or runs from local state only (no keys configured).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BillingMode {
    Stripe,
    Offline,
}

/// One invoice, as Stripe's webhooks reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: String,
    pub status: String,
    pub amount_due: Money,
    pub amount_paid: Money,
    /// UTC, ISO 8601.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub hosted_url: Option<String>,
}

/// The billing page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingOverview {
    pub mode: BillingMode,
    pub entitlements: Entitlements,
    pub status: SubscriptionStatus,
    pub extra_seats: u32,
    pub monthly_total: Option<Money>,
    /// UTC, ISO 8601.
    #[serde(with = "time::serde::rfc3339::option")]
    pub renews_at: Option<time::OffsetDateTime>,
    /// A seat change that has not reached Stripe yet (it is retried).
    pub seat_sync_pending: bool,
    pub invoices: Vec<Invoice>,
}

/// What an admin is told before inviting someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatQuote {
    pub decision: SeatDecision,
    pub seats_used: u32,
    pub included_seats: u32,
}

/// Where to send the browser next: Stripe's hosted page, or back to billing (offline mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub url: String,
}

/// A Unix time as the day it falls on (UTC), as bills name days: `2026-12-14`.
pub fn day_of(unix_secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix_secs)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

impl From<Refusal> for super::error::AppError {
    fn from(r: Refusal) -> Self {
        Self::PlanLimit {
            message: r.message,
            upgrade_to: r.upgrade_to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_calendar_days() {
        assert_eq!(day_of(1_796_947_200), "2026-12-11");
        assert_eq!(day_of(1_796_947_199), "2026-12-10");
    }

    fn on(plan: Plan, used: u32) -> Entitlements {
        Entitlements {
            plan,
            standing: Standing::Paid,
            included_seats: plan.included_seats(),
            seats_used: used,
        }
    }

    #[test]
    fn money_reads_as_a_bill_does() {
        assert_eq!(Money::gbp(1_500).to_string(), "£15.00");
        assert_eq!(Money::gbp(905).to_string(), "£9.05");
        assert_eq!(Money::gbp(-150).to_string(), "-£1.50");
        assert_eq!(Money::gbp(0).to_string(), "£0.00");
    }

    #[test]
    fn the_price_list_is_the_published_one() {
        let prices: Vec<_> = Plan::ALL
            .iter()
            .map(|p| {
                (
                    p.label(),
                    p.monthly_price().map(|m| m.minor),
                    p.included_seats(),
                )
            })
            .collect();
        assert_eq!(
            prices,
            [
                ("Individual", Some(1_500), 1),
                ("Starter", Some(4_900), 5),
                ("Pro", Some(9_900), 10),
                ("Enterprise", None, ENTERPRISE_DEFAULT_SEATS),
            ]
        );
        assert_eq!(EXTRA_SEAT_PRICE, Money::gbp(900));
    }

    #[test]
    fn the_bill_adds_nine_pounds_per_extra_seat() {
        assert_eq!(monthly_total(Plan::Starter, 0), Some(Money::gbp(4_900)));
        assert_eq!(monthly_total(Plan::Starter, 3), Some(Money::gbp(7_600)));
        assert_eq!(monthly_total(Plan::Pro, 1), Some(Money::gbp(10_800)));
        assert_eq!(monthly_total(Plan::Enterprise, 4), None);
    }

    #[test]
    fn extra_seats_count_only_beyond_the_included_ones() {
        assert_eq!(extra_seats(Plan::Starter, 5, 4), 0);
        assert_eq!(extra_seats(Plan::Starter, 5, 5), 0);
        assert_eq!(extra_seats(Plan::Starter, 5, 8), 3);
        assert_eq!(extra_seats(Plan::Individual, 1, 3), 0);
        assert_eq!(extra_seats(Plan::Enterprise, 40, 41), 1);
    }

    #[test]
    fn a_new_member_is_free_then_an_extra_seat_and_never_on_individual() {
        assert_eq!(on(Plan::Starter, 4).new_seat(), SeatDecision::Included);
        assert_eq!(
            on(Plan::Starter, 5).new_seat(),
            SeatDecision::ExtraSeat {
                monthly: Money::gbp(900),
                extra_after: 1
            }
        );
        assert_eq!(
            on(Plan::Pro, 12).new_seat(),
            SeatDecision::ExtraSeat {
                monthly: Money::gbp(900),
                extra_after: 3
            }
        );
        match on(Plan::Individual, 1).new_seat() {
            SeatDecision::Refused(r) => assert_eq!(r.upgrade_to, Some(Plan::Starter)),
            other => panic!("Individual took a second member: {other:?}"),
        }
    }

    #[test]
    fn features_follow_the_plan_and_name_the_upgrade() {
        assert!(on(Plan::Pro, 1).allows(Feature::ApiAccess).is_ok());
        assert!(on(Plan::Starter, 1).allows(Feature::CsvExport).is_ok());
        let refused = on(Plan::Starter, 1).allows(Feature::ApiAccess).unwrap_err();
        assert_eq!(refused.upgrade_to, Some(Plan::Pro));
        assert!(refused.message.contains("Starter"), "{}", refused.message);
        let refused = on(Plan::Individual, 1)
            .allows(Feature::CsvExport)
            .unwrap_err();
        assert_eq!(refused.upgrade_to, Some(Plan::Starter));
        for f in Feature::ALL {
            assert!(Plan::Enterprise.includes(f), "{f:?}");
        }
    }

    #[test]
    fn a_lapsed_organisation_keeps_nothing_paid_for() {
        let lapsed = Entitlements {
            standing: Standing::Lapsed,
            ..on(Plan::Enterprise, 1)
        };
        assert!(lapsed.allows(Feature::CsvExport).is_err());
        assert!(matches!(lapsed.new_seat(), SeatDecision::Refused(_)));
    }

    #[test]
    fn standing_follows_status_and_clock() {
        use SubscriptionStatus::*;
        assert_eq!(
            Standing::of(Trialing, Some(200), None, 100),
            Standing::Trial { ends_at: 200 }
        );
        assert_eq!(
            Standing::of(Trialing, Some(100), None, 100),
            Standing::Lapsed
        );
        assert_eq!(Standing::of(Active, None, None, 100), Standing::Paid);
        assert_eq!(
            Standing::of(PastDue, None, Some(150), 100),
            Standing::Grace { until: 150 }
        );
        assert_eq!(Standing::of(PastDue, None, Some(90), 100), Standing::Lapsed);
        assert_eq!(Standing::of(Canceled, None, None, 100), Standing::Lapsed);
    }

    #[test]
    fn stripe_statuses_fold_into_ours() {
        assert_eq!(
            SubscriptionStatus::parse("paused"),
            Some(SubscriptionStatus::Unpaid)
        );
        assert_eq!(
            SubscriptionStatus::parse("incomplete_expired"),
            Some(SubscriptionStatus::Canceled)
        );
        assert_eq!(SubscriptionStatus::parse("bogus"), None);
        for s in [
            SubscriptionStatus::Trialing,
            SubscriptionStatus::Active,
            SubscriptionStatus::PastDue,
            SubscriptionStatus::Unpaid,
            SubscriptionStatus::Incomplete,
            SubscriptionStatus::Canceled,
        ] {
            assert_eq!(SubscriptionStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn moving_to_individual_needs_a_single_seat_in_use() {
        assert!(on(Plan::Starter, 3).change_to(Plan::Individual).is_err());
        assert!(on(Plan::Starter, 1).change_to(Plan::Individual).is_ok());
        assert!(on(Plan::Pro, 30).change_to(Plan::Starter).is_ok());
    }
}
