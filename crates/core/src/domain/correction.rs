//! Corrections: the shop's four ways to fix a payment that went wrong — re-conduct,
//! move to the right account, cancel, refund — and which is allowed when.
//!
//! [`eligibility`] is the one table of the rules, from the payment's state at the till,
//! its delivery to the hub, the hub's status and what was already done about it; a
//! refusal says why and what else can be done ([`Refusal::instead`]). Every correction
//! also needs the original fiscal receipt from this shop ([`check_receipt`]).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::hub::CorrectionKind;
use crate::domain::hub::HubStatus;

use super::delivery::Delivery;
use super::payment::{Payment, StateName};

/// How long the hub is given to finish a correction before support should chase it.
pub const DUE_AFTER: TimeDelta = TimeDelta::days(3);

/// What is known about a payment when someone asks to correct it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The payment's state at the till.
    pub state: StateName,
    /// Its delivery to the hub (none before it is fiscalized).
    pub delivery: Option<Delivery>,
    /// The hub's last status.
    pub hub_status: Option<HubStatus>,
    /// The hub's failure was technical (the same payment may go through if sent again).
    pub technical_failure: bool,
    /// The hub's status has not moved in time.
    pub stuck: bool,
    /// A correction of this kind is open (draft, submitted, accepted, needs info).
    pub open: Option<CorrectionKind>,
    /// The cash was already given back to the customer.
    pub refunded: bool,
}

/// Why a correction is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// No cash was taken (or no fiscal receipt was printed): nothing to correct.
    NotAccepted,
    /// The payment has not reached the hub yet.
    NotAtHub,
    /// The hub refused the payment for good: only the central office can sort it out.
    RefusedByHub,
    /// Another correction of the payment is still open.
    InProgress(CorrectionKind),
    /// The cash was already returned.
    AlreadyRefunded,
    /// The operator has credited the account.
    Completed,
    /// Cancelled already (for anything but a refund).
    AlreadyCancelled,
    /// With the operator, and not stuck: the result is still coming.
    StillProcessing,
    /// Registered at the hub, not yet with the operator: it cannot be re-conducted.
    NotYetWithOperator,
    /// Failed for a reason that would repeat (e.g. no such account).
    FailedForGood,
    /// Money can only be returned for a cancelled or failed payment.
    NotCancelled,
}

/// What else can be done, to say with a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Instead {
    /// Nothing at the till: the customer contacts the operator.
    ContactOperator,
    /// Wait for the hub (the support view shows when it is stuck).
    Wait,
    /// Send it now from the support view ("Retry now").
    RetryNow,
    /// Write to the central office (the e-mail text is ready to copy).
    CentralOffice,
    /// Move it to the right account, or cancel and refund.
    MoveOrCancel,
    /// Cancel it first, then refund.
    CancelFirst,
    /// Finish the payment first (recovery).
    FinishPayment,
    /// Wait for the open correction's answer.
    WaitForCorrection,
    /// Nothing more is needed.
    Nothing,
}

impl Refusal {
    /// What else can be done.
    pub fn instead(self) -> Instead {
        match self {
            Refusal::NotAccepted => Instead::FinishPayment,
            Refusal::NotAtHub => Instead::RetryNow,
            Refusal::RefusedByHub => Instead::CentralOffice,
            Refusal::InProgress(_) => Instead::WaitForCorrection,
            Refusal::AlreadyRefunded | Refusal::AlreadyCancelled => Instead::Nothing,
            Refusal::Completed => Instead::ContactOperator,
            Refusal::StillProcessing => Instead::Wait,
            Refusal::NotYetWithOperator => Instead::MoveOrCancel,
            Refusal::FailedForGood => Instead::MoveOrCancel,
            Refusal::NotCancelled => Instead::CancelFirst,
        }
    }
}

/// Whether `kind` may be asked for a payment with these facts: the rules table.
pub fn eligibility(kind: CorrectionKind, f: &Facts) -> Result<(), Refusal> {
    use CorrectionKind as K;
    use HubStatus as S;
    if f.state != StateName::Fiscalized {
        return Err(Refusal::NotAccepted);
    }
    if f.refunded {
        return Err(Refusal::AlreadyRefunded);
    }
    if let Some(open) = f.open {
        return Err(Refusal::InProgress(open));
    }
    match f.delivery {
        Some(Delivery::Refused) => return Err(Refusal::RefusedByHub),
        Some(Delivery::Delivered) => {}
        Some(Delivery::Queued) | None => return Err(Refusal::NotAtHub),
    }
    let Some(status) = f.hub_status else {
        return Err(Refusal::NotAtHub);
    };
    match (kind, status) {
        (_, S::Completed) => Err(Refusal::Completed),
        (_, S::Refunded) => Err(Refusal::AlreadyRefunded),
        (K::Refund, S::Cancelled | S::Failed) => Ok(()),
        (K::Refund, S::Accepted | S::Processing) => Err(Refusal::NotCancelled),
        (_, S::Cancelled) => Err(Refusal::AlreadyCancelled),
        (K::Reconduct, S::Processing) if f.stuck => Ok(()),
        (K::Reconduct, S::Processing) => Err(Refusal::StillProcessing),
        (K::Reconduct, S::Failed) if f.technical_failure => Ok(()),
        (K::Reconduct, S::Failed) => Err(Refusal::FailedForGood),
        (K::Reconduct, S::Accepted) => Err(Refusal::NotYetWithOperator),
        (K::MoveAccount, S::Accepted | S::Processing | S::Failed) => Ok(()),
        (K::Cancel, S::Accepted | S::Failed) => Ok(()),
        (K::Cancel, S::Processing) if f.stuck => Ok(()),
        (K::Cancel, S::Processing) => Err(Refusal::StillProcessing),
    }
}

/// Whether a correction of this kind needs a shift manager's approval (PIN).
pub fn needs_approval(kind: CorrectionKind) -> bool {
    matches!(kind, CorrectionKind::Cancel | CorrectionKind::Refund)
}

/// Where a correction request stands at the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionState {
    /// Journaled at the till, not yet acknowledged by the hub.
    Draft,
    /// The hub has it.
    Submitted,
    /// The hub will carry it out.
    Accepted,
    /// The hub refused it (final; see the reason).
    Rejected,
    /// The hub needs more information (see the reason).
    NeedsInfo,
    /// Carried out (final).
    Done,
}

impl CorrectionState {
    /// Every state, in the support view's order.
    pub const ALL: [CorrectionState; 6] = [
        CorrectionState::Draft,
        CorrectionState::Submitted,
        CorrectionState::Accepted,
        CorrectionState::NeedsInfo,
        CorrectionState::Rejected,
        CorrectionState::Done,
    ];

    /// The journal's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionState::Draft => "draft",
            CorrectionState::Submitted => "submitted",
            CorrectionState::Accepted => "accepted",
            CorrectionState::Rejected => "rejected",
            CorrectionState::NeedsInfo => "needs_info",
            CorrectionState::Done => "done",
        }
    }

    /// Parses the journal's spelling.
    pub fn parse(s: &str) -> Option<CorrectionState> {
        CorrectionState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Still waiting for the hub.
    pub fn is_open(self) -> bool {
        !matches!(self, CorrectionState::Rejected | CorrectionState::Done)
    }

    /// The state the hub's answer moves a request to.
    pub fn from_hub(s: crate::domain::hub::CorrectionStateName) -> CorrectionState {
        use crate::domain::hub::CorrectionStateName as H;
        match s {
            H::Submitted => CorrectionState::Submitted,
            H::Accepted => CorrectionState::Accepted,
            H::Rejected => CorrectionState::Rejected,
            H::NeedsInfo => CorrectionState::NeedsInfo,
            H::Done => CorrectionState::Done,
        }
    }
}

/// The stable spelling of a kind (journal, CLI).
pub fn kind_str(k: CorrectionKind) -> &'static str {
    match k {
        CorrectionKind::Reconduct => "reconduct",
        CorrectionKind::MoveAccount => "move_account",
        CorrectionKind::Cancel => "cancel",
        CorrectionKind::Refund => "refund",
    }
}

/// Parses [`kind_str`]'s spelling.
pub fn parse_kind(s: &str) -> Option<CorrectionKind> {
    [
        CorrectionKind::Reconduct,
        CorrectionKind::MoveAccount,
        CorrectionKind::Cancel,
        CorrectionKind::Refund,
    ]
    .into_iter()
    .find(|k| kind_str(*k) == s.replace('-', "_"))
}

/// Why the receipt given does not prove the payment.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Nothing readable was entered.
    #[error("type the fiscal receipt number or scan its QR code")]
    Unreadable,
    /// The receipt was printed by another terminal.
    #[error("the receipt was printed by terminal {0}, not this one")]
    OtherTerminal(String),
    /// The receipt belongs to another payment of this terminal.
    #[error("fiscal receipt No. {entered} is not this payment's receipt (No. {expected})")]
    OtherPayment {
        /// What was entered.
        entered: u64,
        /// The payment's receipt.
        expected: u64,
    },
    /// The payment has no fiscal receipt.
    #[error("this payment has no fiscal receipt")]
    NoReceipt,
}

/// Checks the original fiscal receipt the customer brought: its number typed, or the
/// QR code on it scanned (`paydesk:<terminal>:<receipt No.>:<payment id>`), must be
/// this terminal's receipt of this very payment.
pub fn check_receipt(
    payment: &Payment,
    terminal_id: &str,
    entered: &str,
) -> Result<u64, ReceiptError> {
    let expected = payment
        .state
        .fiscal()
        .map(|f| f.receipt_no)
        .ok_or(ReceiptError::NoReceipt)?;
    let entered = entered.trim();
    let number = if let Some(qr) = entered.strip_prefix("paydesk:") {
        let parts: Vec<&str> = qr.rsplitn(3, ':').collect();
        // rsplitn: [id, receipt, terminal]
        let [id, receipt, terminal] = parts[..] else {
            return Err(ReceiptError::Unreadable);
        };
        if terminal != terminal_id || payment.details.terminal_id != terminal_id {
            return Err(ReceiptError::OtherTerminal(terminal.to_string()));
        }
        let n: u64 = receipt.parse().map_err(|_| ReceiptError::Unreadable)?;
        if id != payment.id().to_string() {
            return Err(ReceiptError::OtherPayment {
                entered: n,
                expected,
            });
        }
        n
    } else {
        let digits: String = entered
            .trim_start_matches(['№', 'N', 'o', '.', ' '])
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        digits.parse().map_err(|_| ReceiptError::Unreadable)?
    };
    if payment.details.terminal_id != terminal_id {
        return Err(ReceiptError::OtherTerminal(
            payment.details.terminal_id.clone(),
        ));
    }
    if number != expected {
        return Err(ReceiptError::OtherPayment {
            entered: number,
            expected,
        });
    }
    Ok(number)
}

/// A correction-stream event in a payment's journal history (beside the state
/// machine's and the delivery's events).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CorrectionEvent {
    /// Someone asked for a correction at the till.
    CorrectionRequested {
        /// The request's id (also its id at the hub).
        correction: uuid::Uuid,
        /// Which correction.
        kind: CorrectionKind,
        /// Why.
        reason: String,
        /// The right account (move).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_account: Option<String>,
        /// The approving manager (cancel, refund).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        approved_by: Option<String>,
        /// The original receipt shown.
        fiscal_receipt_no: u64,
    },
    /// A try to hand the request to the hub that got no usable answer.
    CorrectionAttempt {
        /// The request.
        correction: uuid::Uuid,
        /// Which try.
        attempt: u32,
        /// What happened.
        error: String,
    },
    /// The hub's answer moved the request.
    CorrectionAnswered {
        /// The request.
        correction: uuid::Uuid,
        /// Where it stands now.
        state: CorrectionState,
        /// The hub's reason (rejected, needs info).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<crate::domain::hub::Reason>,
    },
    /// The cash went back to the customer.
    RefundPaid {
        /// The refund request.
        correction: uuid::Uuid,
        /// The refund receipt's number.
        refund_no: u64,
        /// How much.
        amount: super::money::Money,
        /// The shift the cash left.
        shift_no: u64,
        /// The manager who approved it.
        approved_by: String,
    },
    /// The refund receipt came out of the printer (or the fiscal register issued its
    /// return receipt).
    RefundReceiptPrinted {
        /// Its number.
        refund_no: u64,
        /// The register's return receipt, when a fiscal register issued it. Left out
        /// when absent, so refunds printed before read the same.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        document: Option<super::payment::FiscalDocumentRef>,
    },
    /// About to ask the fiscal register for the return receipt; its last document
    /// was this one (a crash is settled by asking the register, as for a sale).
    RefundReceiptIssueStarted {
        /// The refund's number.
        refund_no: u64,
        /// The register's last fiscal document number before the return receipt.
        after_document: u32,
    },
}

impl CorrectionEvent {
    /// The kinds of this stream, as stored in the journal.
    pub const KINDS: [&'static str; 6] = [
        "correction_requested",
        "correction_attempt",
        "correction_answered",
        "refund_paid",
        "refund_receipt_printed",
        "refund_receipt_issue_started",
    ];

    /// The event's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            CorrectionEvent::CorrectionRequested { .. } => "correction_requested",
            CorrectionEvent::CorrectionAttempt { .. } => "correction_attempt",
            CorrectionEvent::CorrectionAnswered { .. } => "correction_answered",
            CorrectionEvent::RefundPaid { .. } => "refund_paid",
            CorrectionEvent::RefundReceiptPrinted { .. } => "refund_receipt_printed",
            CorrectionEvent::RefundReceiptIssueStarted { .. } => "refund_receipt_issue_started",
        }
    }
}

/// When support should chase a request made at `at`.
pub fn due_at(at: DateTime<Utc>) -> DateTime<Utc> {
    at + DUE_AFTER
}

/// The e-mail the central office expects to make a correction by hand: date, account,
/// operator, amount, receipt number, terminal, shop.
#[allow(clippy::too_many_arguments)]
pub fn central_office_email(
    lang: crate::i18n::Lang,
    tz: chrono_tz::Tz,
    currency: &crate::i18n::Currency,
    shop: &crate::domain::receipt::Shop,
    terminal: &str,
    date: chrono::DateTime<chrono::Utc>,
    account: &str,
    operator: &str,
    amount: crate::domain::money::Money,
    receipt_no: Option<u64>,
    what: &str,
) -> String {
    lang.fill(
        crate::i18n::T::CentralOfficeEmail,
        &[
            ("what", &what),
            ("date", &crate::domain::time::local(date, tz)),
            ("account", &account),
            ("operator", &operator),
            ("amount", &lang.money_with(amount, currency)),
            (
                "receipt",
                &receipt_no.map(|n| n.to_string()).unwrap_or("-".into()),
            ),
            ("terminal", &terminal),
            (
                "shop",
                &[shop.name.as_str(), &shop.tax_id, &shop.address]
                    .iter()
                    .filter(|p| !p.trim().is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorrectionKind::*;
    use HubStatus as S;
    use proptest::prelude::*;

    fn facts(status: Option<HubStatus>) -> Facts {
        Facts {
            state: StateName::Fiscalized,
            delivery: status
                .map(|_| Delivery::Delivered)
                .or(Some(Delivery::Queued)),
            hub_status: status,
            technical_failure: false,
            stuck: false,
            open: None,
            refunded: false,
        }
    }

    /// The rules, row by row: (what is known, kind, allowed or the refusal).
    #[test]
    fn the_eligibility_table() {
        let f = facts;
        let stuck = |s| Facts {
            stuck: true,
            ..facts(Some(s))
        };
        let technical = Facts {
            technical_failure: true,
            ..facts(Some(S::Failed))
        };
        let not_fiscal = Facts {
            state: StateName::CashTaken,
            delivery: None,
            ..facts(None)
        };
        let refused = Facts {
            delivery: Some(Delivery::Refused),
            ..facts(None)
        };
        let refunded = Facts {
            refunded: true,
            ..facts(Some(S::Refunded))
        };
        let open = Facts {
            open: Some(Cancel),
            ..facts(Some(S::Accepted))
        };
        let rows: Vec<(&str, Facts, CorrectionKind, Result<(), Refusal>)> = vec![
            // Not yet a payment the shop can correct.
            (
                "cash not taken",
                not_fiscal,
                Reconduct,
                Err(Refusal::NotAccepted),
            ),
            (
                "cash not taken",
                not_fiscal,
                Refund,
                Err(Refusal::NotAccepted),
            ),
            ("still queued", f(None), Reconduct, Err(Refusal::NotAtHub)),
            ("still queued", f(None), Cancel, Err(Refusal::NotAtHub)),
            (
                "refused by hub",
                refused,
                MoveAccount,
                Err(Refusal::RefusedByHub),
            ),
            (
                "open correction",
                open,
                Refund,
                Err(Refusal::InProgress(Cancel)),
            ),
            ("refunded", refunded, Refund, Err(Refusal::AlreadyRefunded)),
            (
                "refunded",
                refunded,
                Reconduct,
                Err(Refusal::AlreadyRefunded),
            ),
            // Registered at the hub, not yet with the operator.
            (
                "accepted",
                f(Some(S::Accepted)),
                Reconduct,
                Err(Refusal::NotYetWithOperator),
            ),
            ("accepted", f(Some(S::Accepted)), MoveAccount, Ok(())),
            ("accepted", f(Some(S::Accepted)), Cancel, Ok(())),
            (
                "accepted",
                f(Some(S::Accepted)),
                Refund,
                Err(Refusal::NotCancelled),
            ),
            // With the operator.
            (
                "processing",
                f(Some(S::Processing)),
                Reconduct,
                Err(Refusal::StillProcessing),
            ),
            ("processing", f(Some(S::Processing)), MoveAccount, Ok(())),
            (
                "processing",
                f(Some(S::Processing)),
                Cancel,
                Err(Refusal::StillProcessing),
            ),
            (
                "processing",
                f(Some(S::Processing)),
                Refund,
                Err(Refusal::NotCancelled),
            ),
            ("stuck", stuck(S::Processing), Reconduct, Ok(())),
            ("stuck", stuck(S::Processing), Cancel, Ok(())),
            (
                "stuck",
                stuck(S::Processing),
                Refund,
                Err(Refusal::NotCancelled),
            ),
            // Credited: nothing at the till.
            (
                "completed",
                f(Some(S::Completed)),
                Reconduct,
                Err(Refusal::Completed),
            ),
            (
                "completed",
                f(Some(S::Completed)),
                MoveAccount,
                Err(Refusal::Completed),
            ),
            (
                "completed",
                f(Some(S::Completed)),
                Cancel,
                Err(Refusal::Completed),
            ),
            (
                "completed",
                f(Some(S::Completed)),
                Refund,
                Err(Refusal::Completed),
            ),
            // Failed.
            ("failed, technical", technical, Reconduct, Ok(())),
            (
                "failed, for good",
                f(Some(S::Failed)),
                Reconduct,
                Err(Refusal::FailedForGood),
            ),
            ("failed", f(Some(S::Failed)), MoveAccount, Ok(())),
            ("failed", f(Some(S::Failed)), Cancel, Ok(())),
            ("failed", f(Some(S::Failed)), Refund, Ok(())),
            // Cancelled: only the cash can go back.
            (
                "cancelled",
                f(Some(S::Cancelled)),
                Reconduct,
                Err(Refusal::AlreadyCancelled),
            ),
            (
                "cancelled",
                f(Some(S::Cancelled)),
                MoveAccount,
                Err(Refusal::AlreadyCancelled),
            ),
            (
                "cancelled",
                f(Some(S::Cancelled)),
                Cancel,
                Err(Refusal::AlreadyCancelled),
            ),
            ("cancelled", f(Some(S::Cancelled)), Refund, Ok(())),
        ];
        for (what, facts, kind, want) in rows {
            assert_eq!(eligibility(kind, &facts), want, "{what} / {kind:?}");
        }
        assert_eq!(Refusal::Completed.instead(), Instead::ContactOperator);
        assert_eq!(Refusal::NotCancelled.instead(), Instead::CancelFirst);
    }

    /// A shop's history of one payment: the hub moves it, people ask for corrections;
    /// a correction happens only when [`eligibility`] allows it.
    #[derive(Clone, Copy, Debug)]
    enum Step {
        Hub(u8),
        Ask(u8),
        Finish,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u8..6).prop_map(Step::Hub),
            (0u8..4).prop_map(Step::Ask),
            Just(Step::Finish),
        ]
    }

    proptest! {
        /// Whatever happens, the customer gets back at most what was taken, once.
        #[test]
        fn no_sequence_of_corrections_refunds_more_than_was_taken(
            total in 1i64..1_000_000,
            steps in proptest::collection::vec(step(), 0..40),
        ) {
            let statuses = [S::Accepted, S::Processing, S::Completed, S::Failed, S::Cancelled, S::Refunded];
            let kinds = [Reconduct, MoveAccount, Cancel, Refund];
            let mut f = Facts { delivery: Some(Delivery::Delivered), ..facts(Some(S::Accepted)) };
            let mut refunded_minor = 0i64;
            let mut refunds = 0;
            for s in steps {
                match s {
                    // The hub never moves a refunded or completed payment back.
                    Step::Hub(i) => {
                        let next = statuses[i as usize];
                        if !matches!(f.hub_status, Some(S::Completed | S::Refunded)) && !f.refunded {
                            f.hub_status = Some(next);
                            f.stuck = next == S::Processing && i % 2 == 0;
                            f.technical_failure = next == S::Failed && i % 2 == 1;
                        }
                    }
                    Step::Ask(i) => {
                        let kind = kinds[i as usize];
                        if eligibility(kind, &f).is_ok() {
                            if kind == Refund {
                                refunded_minor += total;
                                refunds += 1;
                                f.refunded = true;
                            }
                            f.open = Some(kind);
                        }
                    }
                    Step::Finish => {
                        match f.open.take() {
                            Some(Cancel) => f.hub_status = Some(S::Cancelled),
                            Some(Refund) => f.hub_status = Some(S::Refunded),
                            Some(Reconduct | MoveAccount) => f.hub_status = Some(S::Completed),
                            None => {}
                        }
                    }
                }
                prop_assert!(refunded_minor <= total);
                prop_assert!(refunds <= 1);
            }
        }
    }

    #[test]
    fn the_receipt_must_be_this_terminals_receipt_of_this_payment() {
        let p = crate::domain::payment::tests::fiscalized_payment("T-01", 17);
        let id = p.id();
        for (entered, want) in [
            ("17", Ok(17)),
            (" № 17 ", Ok(17)),
            (
                "18",
                Err(ReceiptError::OtherPayment {
                    entered: 18,
                    expected: 17,
                }),
            ),
            ("", Err(ReceiptError::Unreadable)),
            ("abc", Err(ReceiptError::Unreadable)),
            (&*format!("paydesk:T-01:17:{id}"), Ok(17)),
            (
                &*format!("paydesk:T-02:17:{id}"),
                Err(ReceiptError::OtherTerminal("T-02".into())),
            ),
            (
                "paydesk:T-01:17:0190c0de-0000-7000-8000-000000000000",
                Err(ReceiptError::OtherPayment {
                    entered: 17,
                    expected: 17,
                }),
            ),
        ] {
            assert_eq!(check_receipt(&p, "T-01", entered), want, "{entered:?}");
        }
        // A payment of another terminal cannot be corrected here, even by number.
        assert_eq!(
            check_receipt(&p, "T-02", "17"),
            Err(ReceiptError::OtherTerminal("T-01".into()))
        );
    }
}
