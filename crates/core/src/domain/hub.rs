//! What a payment and a correction are at the hub, in the words both sides share: the
//! hub's statuses, its coded reasons, the kinds of correction and their states. The
//! wire format (`paydesk-protocol`) carries these as they are.

use serde::{Deserialize, Serialize};

/// Where a payment stands at the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HubStatus {
    /// Registered, not yet sent to the operator.
    Accepted,
    /// With the operator.
    Processing,
    /// Credited to the account (final).
    Completed,
    /// Not credited; see the reason (final).
    Failed,
    /// Cancelled by a correction before the operator got it (final).
    Cancelled,
    /// Cancelled and the cash returned to the customer (final).
    Refunded,
}

impl HubStatus {
    /// True when the status will not change by itself.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            HubStatus::Completed | HubStatus::Failed | HubStatus::Cancelled | HubStatus::Refunded
        )
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HubStatus::Accepted => "accepted",
            HubStatus::Processing => "processing",
            HubStatus::Completed => "completed",
            HubStatus::Failed => "failed",
            HubStatus::Cancelled => "cancelled",
            HubStatus::Refunded => "refunded",
        }
    }
}

/// A coded reason, for people and for code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Machine-readable, e.g. `account_not_found`.
    pub code: String,
    /// In words (English).
    pub message: String,
}

/// The four ways to fix a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Send the same payment to the operator again.
    Reconduct,
    /// Credit another account instead.
    MoveAccount,
    /// Stop the payment before the operator gets it.
    Cancel,
    /// Give the cash back to the customer.
    Refund,
}

/// Where a correction request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionStateName {
    /// Received, not yet looked at.
    Submitted,
    /// Will be carried out.
    Accepted,
    /// Refused; see the reason (final).
    Rejected,
    /// The hub needs more information; see the reason.
    NeedsInfo,
    /// Carried out (final).
    Done,
}
