//! Delivering fiscalized payments to the hub: what is journaled about each attempt,
//! and the retry and stuck rules. Pure; the sync worker applies them.
//!
//! A payment is `queued` once fiscalized, `delivered` once the hub answered with its
//! status, `refused` when the hub refused it for good (e.g. the same id with another
//! body: flagged for support, never retried). A lost answer is neither: the payment
//! stays queued and the same request is sent again.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::hub::{HubStatus, Reason};
use crate::domain::money::Money;
use crate::domain::payment::PaymentId;

/// A fiscalized payment as it goes to the hub (the sync worker adds its lease epoch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingPayment {
    /// The terminal that took it.
    pub terminal_id: String,
    /// Operator code.
    pub operator: String,
    /// Account, normalised.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
    /// The shop's fee.
    pub fee: Money,
    /// What the customer paid.
    pub total: Money,
    /// Pre-receipt number.
    pub pre_receipt_no: u64,
    /// Fiscal receipt number.
    pub fiscal_receipt_no: u64,
    /// Shift number.
    pub shift_no: u64,
    /// When the cash was taken.
    pub accepted_at: DateTime<Utc>,
    /// The journal it comes from.
    pub journal_id: uuid::Uuid,
}

/// What the hub said about one payment (from a push or a status question), as the
/// journal records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubAnswer {
    /// The payment.
    pub id: PaymentId,
    /// Its status at the hub.
    pub status: HubStatus,
    /// Why, where the status has a reason.
    pub reason: Option<Reason>,
    /// The amount the hub holds, when it says.
    pub amount: Option<Money>,
}

/// Where a fiscalized payment stands with the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Waiting to be sent (or sent with no answer yet).
    Queued,
    /// The hub has it.
    Delivered,
    /// The hub refused it for good; support must look at it.
    Refused,
}

impl Delivery {
    /// The journal's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Queued => "queued",
            Delivery::Delivered => "delivered",
            Delivery::Refused => "refused",
        }
    }

    /// Parses the journal's spelling.
    pub fn parse(s: &str) -> Option<Delivery> {
        [Delivery::Queued, Delivery::Delivered, Delivery::Refused]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// How one delivery attempt ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AttemptOutcome {
    /// The hub answered with the payment's status.
    Delivered {
        /// The status it gave.
        status: HubStatus,
    },
    /// No usable answer: retried with the same id at `retry_at`.
    Unknown {
        /// What happened.
        error: String,
        /// When it is sent again.
        retry_at: DateTime<Utc>,
    },
    /// Refused for good.
    Refused {
        /// The hub's code.
        code: String,
        /// The hub's words.
        message: String,
    },
    /// Another process leads (the hub saw a newer epoch); this process stepped down.
    Fenced {
        /// The hub's words.
        message: String,
    },
}

/// A delivery-stream event in a payment's journal history (beside the state
/// machine's events).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum DeliveryEvent {
    /// One push.
    DeliveryAttempt {
        /// 1 for the first.
        attempt: u32,
        /// The sender's lease epoch.
        epoch: u64,
        /// How it ended.
        #[serde(flatten)]
        outcome: AttemptOutcome,
    },
    /// The hub's status changed (seen by polling or in a push answer).
    HubStatus {
        /// The new status.
        status: HubStatus,
        /// Its reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Reason>,
    },
    /// The hub's status has not become final in time.
    FlaggedStuck {
        /// The status it is stuck in.
        status: HubStatus,
    },
}

impl DeliveryEvent {
    /// Every kind of delivery event, as stored in the journal's `kind` column.
    pub const KINDS: [&'static str; 3] = ["delivery_attempt", "hub_status", "flagged_stuck"];

    /// The event's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            DeliveryEvent::DeliveryAttempt { .. } => "delivery_attempt",
            DeliveryEvent::HubStatus { .. } => "hub_status",
            DeliveryEvent::FlaggedStuck { .. } => "flagged_stuck",
        }
    }
}

/// Retry timing: exponential from `base`, capped at `cap`, with jitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub base: Duration,
    /// The longest delay.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The delay after attempt number `attempt` (1-based) failed; `jitter` in
    /// `[0, 1)` spreads it over `[half, full]` so terminals do not retry in step.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = attempt.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exp.min(20)).min(self.cap);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// True when a delivered payment's non-final status has not changed for too long.
pub fn is_stuck(
    status: HubStatus,
    changed_at: DateTime<Utc>,
    now: DateTime<Utc>,
    stuck_after: Duration,
) -> bool {
    !status.is_final()
        && now
            .signed_duration_since(changed_at)
            .to_std()
            .is_ok_and(|d| d >= stuck_after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let b = Backoff {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        };
        let cases = [
            (1, 1.0, 1_000),
            (2, 1.0, 2_000),
            (3, 1.0, 4_000),
            (7, 1.0, 60_000),
            (100, 1.0, 60_000),
            (3, 0.0, 2_000),
            (3, 0.5, 3_000),
        ];
        for (attempt, jitter, ms) in cases {
            assert_eq!(
                b.delay(attempt, jitter),
                Duration::from_millis(ms),
                "attempt {attempt} jitter {jitter}"
            );
        }
    }

    #[test]
    fn stuck_only_when_not_final_and_old() {
        let t0 = Utc::now();
        let later = t0 + chrono::Duration::minutes(31);
        let after = Duration::from_secs(30 * 60);
        assert!(is_stuck(HubStatus::Processing, t0, later, after));
        assert!(!is_stuck(HubStatus::Processing, t0, t0, after));
        assert!(!is_stuck(HubStatus::Completed, t0, later, after));
    }

    #[test]
    fn delivery_events_round_trip_with_their_kind() {
        let e = DeliveryEvent::DeliveryAttempt {
            attempt: 2,
            epoch: 3,
            outcome: AttemptOutcome::Refused {
                code: "conflict_different_body".into(),
                message: "x".into(),
            },
        };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"event\":\"delivery_attempt\""), "{json}");
        assert_eq!(serde_json::from_str::<DeliveryEvent>(&json).unwrap(), e);
        assert!(DeliveryEvent::KINDS.contains(&e.kind()));
    }
}
