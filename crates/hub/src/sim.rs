//! The simulated operators behind the reference hub.
//!
//! A payment is `accepted` when registered, `processing` after `processing_after`,
//! and final after `complete_after`, by the account's last four digits:
//!
//! | account ends in | check                   | payment ends                          |
//! |-----------------|-------------------------|---------------------------------------|
//! | `0000`          | `account_not_found`     | `failed` (account_not_found)          |
//! | `1111`          | `operator_unavailable`  | —                                     |
//! | `6666`          | `ok`                    | `failed` (operator_technical_error)   |
//! | `9999`          | `ok`                    | stays `processing` (becomes stuck)    |
//! | anything else   | `ok`                    | `completed`                           |
//!
//! Corrections are decided on arrival from the payment's status then, and take effect
//! after `complete_after`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use paydesk_protocol::{
    CheckCode, CheckResponse, CorrectionKind, CorrectionRequest, CorrectionState,
    CorrectionStateName, HubStatus, PaymentStatus, Reason,
};

use super::store::{StoredCorrection, StoredPayment};

/// How fast the simulated operators move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Simulation {
    /// From registered to processing.
    pub processing_after: Duration,
    /// From registered to the final status.
    pub complete_after: Duration,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            processing_after: Duration::from_secs(1),
            complete_after: Duration::from_secs(3),
        }
    }
}

fn reason(code: &str, message: &str) -> Reason {
    Reason {
        code: code.into(),
        message: message.into(),
    }
}

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// The demo rule for an account: how its payment ends (`None`: never, stays processing).
fn ending(account: &str) -> Option<(HubStatus, Option<Reason>)> {
    if account.ends_with("0000") {
        Some((
            HubStatus::Failed,
            Some(reason(
                "account_not_found",
                "the operator has no such account",
            )),
        ))
    } else if account.ends_with("6666") {
        Some((
            HubStatus::Failed,
            Some(reason(
                "operator_technical_error",
                "the operator's system failed; the payment can be re-conducted",
            )),
        ))
    } else if account.ends_with("9999") {
        None
    } else {
        Some((HubStatus::Completed, None))
    }
}

impl Simulation {
    /// A payment's status at `now`.
    pub fn status(&self, p: &StoredPayment, now: DateTime<Utc>) -> PaymentStatus {
        let processing_at = p.registered_at + chrono(self.processing_after);
        let final_at = p.registered_at + chrono(self.complete_after);
        let (status, why, updated_at) = match &p.outcome {
            Some((status, why, at)) if now >= *at => (*status, why.clone(), *at),
            _ if now < processing_at => (HubStatus::Accepted, None, p.registered_at),
            _ => match ending(&p.account) {
                Some((status, why)) if now >= final_at => (status, why, final_at),
                _ => (HubStatus::Processing, None, processing_at),
            },
        };
        PaymentStatus {
            id: p.id,
            status,
            reason: why,
            hub_reference: format!("HUB-{:08}", p.rowid),
            amount: Some(p.amount),
            registered_at: p.registered_at,
            updated_at,
        }
    }

    /// The operator's answer to a check.
    pub fn check(
        &self,
        catalogue: &Catalogue,
        operator: &str,
        account: &str,
        amount: Money,
    ) -> CheckResponse {
        let answer = |code: CheckCode, message: &str| CheckResponse {
            code,
            message: message.into(),
            display: BTreeMap::new(),
            balance: None,
        };
        let Some(op) = catalogue.get(operator) else {
            return answer(CheckCode::UnknownOperator, "the hub has no such operator");
        };
        let account = match op.account_mask.validate(account) {
            Ok(a) => a,
            Err(e) => return answer(CheckCode::AccountFormat, &e.to_string()),
        };
        if let Err(e) = op.check_amount(amount) {
            return answer(CheckCode::AmountOutOfRange, &e.to_string());
        }
        if account.ends_with("0000") {
            return answer(
                CheckCode::AccountNotFound,
                "the operator has no such account",
            );
        }
        if account.ends_with("1111") {
            return answer(
                CheckCode::OperatorUnavailable,
                "the operator does not take payments now",
            );
        }
        let mut ok = answer(CheckCode::Ok, "the operator accepts the payment");
        let tail: String = account
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        ok.display.insert("subscriber".into(), format!("***{tail}"));
        ok
    }

    /// Decides a correction from the payment's status when it arrives.
    pub fn decide(
        &self,
        req: &CorrectionRequest,
        status: &PaymentStatus,
    ) -> (CorrectionStateName, Option<Reason>) {
        use CorrectionKind as K;
        use HubStatus as S;
        let reject = |code: &str, message: &str| {
            (CorrectionStateName::Rejected, Some(reason(code, message)))
        };
        let technical = status
            .reason
            .as_ref()
            .is_some_and(|r| r.code == "operator_technical_error");
        match (req.kind, status.status) {
            (_, S::Completed) => reject(
                "already_completed",
                "the operator has credited the account; ask the customer to contact the operator",
            ),
            (K::MoveAccount, _) if req.new_account.as_deref().is_none_or(str::is_empty) => (
                CorrectionStateName::NeedsInfo,
                Some(reason(
                    "new_account_missing",
                    "give the account to move the payment to",
                )),
            ),
            (K::Reconduct, S::Processing) => (CorrectionStateName::Accepted, None),
            (K::Reconduct, S::Failed) if technical => (CorrectionStateName::Accepted, None),
            (K::Reconduct, _) => reject(
                "not_reconductable",
                "only a stuck payment or one failed for a technical reason can be re-conducted",
            ),
            (K::MoveAccount | K::Cancel, S::Accepted | S::Processing | S::Failed) => {
                (CorrectionStateName::Accepted, None)
            }
            (K::Refund, S::Cancelled | S::Failed) => (CorrectionStateName::Accepted, None),
            (K::Refund, _) => reject("not_refundable", "cancel the payment first"),
            (_, S::Cancelled | S::Refunded) => {
                reject("already_final", "the payment is already cancelled")
            }
        }
    }

    /// What an accepted correction does to its payment once it takes effect.
    pub fn effect(kind: CorrectionKind) -> HubStatus {
        match kind {
            CorrectionKind::Reconduct | CorrectionKind::MoveAccount => HubStatus::Completed,
            CorrectionKind::Cancel => HubStatus::Cancelled,
            CorrectionKind::Refund => HubStatus::Refunded,
        }
    }

    /// When an accepted correction takes effect.
    pub fn effective_at(&self, registered_at: DateTime<Utc>) -> DateTime<Utc> {
        registered_at + chrono(self.complete_after)
    }

    /// A correction's state at `now`.
    pub fn correction_state(&self, c: &StoredCorrection, now: DateTime<Utc>) -> CorrectionState {
        let decided_at = c.registered_at + chrono(self.processing_after);
        let done_at = self.effective_at(c.registered_at);
        let (state, updated_at) = if now < decided_at {
            (CorrectionStateName::Submitted, c.registered_at)
        } else if c.decision == CorrectionStateName::Accepted && now >= done_at {
            (CorrectionStateName::Done, done_at)
        } else {
            (c.decision, decided_at)
        };
        CorrectionState {
            id: c.id,
            payment_id: c.payment_id,
            kind: c.kind,
            state,
            reason: if state == CorrectionStateName::Submitted {
                None
            } else {
                c.reason.clone()
            },
            registered_at: c.registered_at,
            updated_at,
        }
    }
}
