//! The signed-in home: what is theirs, what needs someone, and how far a new organisation
//! has got with setting up.

use crate::tickets::TicketSummary;
use serde::{Deserialize, Serialize};

/// How many of "my" open tickets the home lists; the rest are a click away.
pub const MINE_SHOWN: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    /// The viewer's open and pending tickets, most urgent first.
    pub mine: Vec<TicketSummary>,
    pub mine_open: i64,
    pub overdue: i64,
    pub unassigned_open: i64,
    pub setup: Setup,
}

/// The getting-started steps, each done or not, read from what the organisation has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Setup {
    /// A queue besides the one every organisation starts with.
    pub queue_created: bool,
    /// Someone else is a member or has been invited.
    pub team_invited: bool,
    pub ticket_created: bool,
}

impl Setup {
    pub fn complete(self) -> bool {
        self.queue_created && self.team_invited && self.ticket_created
    }
}
