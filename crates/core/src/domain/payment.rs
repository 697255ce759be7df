//! One payment and its state machine.
//!
//! ```text
//! draft ─▶ pre_receipt_printing ─▶ pre_receipt_printed ─▶ signed ─▶ cash_taken ─▶ fiscal_printing ─▶ fiscalized
//!   │              │                       │                 │
//!   └──────────────┴───────────────────────┴─────────────────┴──▶ voided
//! ```
//!
//! Each state carries exactly the data that exists at that point (a pre-receipt
//! number once one was allocated, the cash once it was taken, the fiscal numbers once
//! the fiscal receipt was started), so "fiscalized without cash" cannot be expressed.
//! The journal stores the [`PaymentEvent`]s; replaying them through [`Payment::apply`]
//! gives the state back (that is what `paydesk journal verify` checks).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::money::Money;
use super::operator::OperatorCode;

/// A payment's id: a UUID v7 made by the terminal when the payment is started, used
/// for the whole life of the payment (journal, hub, corrections).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaymentId(Uuid);

impl PaymentId {
    /// A new, time-ordered id.
    pub fn new() -> PaymentId {
        PaymentId(Uuid::now_v7())
    }

    /// The UUID.
    pub fn uuid(self) -> Uuid {
        self.0
    }

    /// The id a UUID is (as the hub sends it back).
    pub fn from_uuid(id: Uuid) -> PaymentId {
        PaymentId(id)
    }

    /// The last 8 hex digits of the id: short enough to print and read out on the
    /// phone. They are random bits of the UUID v7 (its first digits are a timestamp,
    /// shared by payments taken within a minute). Not unique: a lookup by it must
    /// refuse a match of more than one payment.
    pub fn short(self) -> String {
        let simple = self.0.simple().to_string();
        simple[simple.len() - SHORT_ID_LEN..].to_string()
    }

    /// Whether `text` has the form of a short id (8 hex digits, any case).
    pub fn is_short(text: &str) -> bool {
        text.len() == SHORT_ID_LEN && text.chars().all(|c| c.is_ascii_hexdigit())
    }
}

/// The length of [`PaymentId::short`].
pub const SHORT_ID_LEN: usize = 8;

impl Default for PaymentId {
    fn default() -> Self {
        PaymentId::new()
    }
}

impl fmt::Display for PaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl std::str::FromStr for PaymentId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(PaymentId)
    }
}

/// What the operator was when the payment was taken (printed on receipts; the
/// catalogue may change later, the payment does not).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorSnapshot {
    /// Operator code.
    pub code: OperatorCode,
    /// Operator name.
    pub name: String,
    /// Operator tax id.
    pub tax_id: String,
    /// The principal the shop collects for.
    pub legal_entity: String,
    /// The operator's (supplier's) phone, when the catalogue gives one. Left out of
    /// the stored details when absent, so payments made before it read the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl From<&super::operator::Operator> for OperatorSnapshot {
    fn from(o: &super::operator::Operator) -> OperatorSnapshot {
        OperatorSnapshot {
            code: o.code.clone(),
            name: o.name.clone(),
            tax_id: o.tax_id.clone(),
            legal_entity: o.legal_entity.clone(),
            phone: o.phone.clone(),
        }
    }
}

/// Everything fixed about a payment when it is started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDetails {
    /// The payment's id.
    pub id: PaymentId,
    /// The terminal that took it.
    pub terminal_id: String,
    /// The operator it is for.
    pub operator: OperatorSnapshot,
    /// The account number, normalised.
    pub account: String,
    /// The amount credited to the account.
    pub amount: Money,
    /// The shop's fee.
    pub fee: Money,
    /// Amount plus fee: what the customer pays.
    pub total: Money,
    /// When the payment was started.
    pub created_at: DateTime<Utc>,
    /// Who took it.
    pub cashier: String,
}

/// Why a payment was voided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// The customer refused to sign the pre-receipt.
    CustomerRefused,
    /// The cashier cancelled before any money was taken.
    Cancelled,
}

/// The cash taken for a payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cash {
    /// What the customer handed over.
    pub tendered: Money,
    /// What was given back: tendered − total.
    pub change: Money,
}

/// The numbers a fiscal receipt carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalNumbers {
    /// The fiscal receipt number, gapless per terminal.
    pub receipt_no: u64,
    /// The shift number.
    pub shift_no: u64,
}

/// Where a payment stands, with the data that exists at that point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PaymentState {
    /// Entered and validated; nothing printed, nothing journaled yet.
    Draft,
    /// The pre-receipt is about to be printed (journaled before printing).
    PreReceiptPrinting {
        /// Its number.
        pre_receipt_no: u64,
    },
    /// The pre-receipt came out; waiting for the customer's signature.
    PreReceiptPrinted {
        /// Its number.
        pre_receipt_no: u64,
    },
    /// The customer signed; waiting for the cash.
    Signed {
        /// The pre-receipt number.
        pre_receipt_no: u64,
    },
    /// Voided before any money was taken.
    Voided {
        /// The pre-receipt number, if one was printed.
        pre_receipt_no: Option<u64>,
        /// Why.
        reason: VoidReason,
    },
    /// The cash is in the drawer; the fiscal receipt is not started yet.
    CashTaken {
        /// The pre-receipt number.
        pre_receipt_no: u64,
        /// The cash.
        cash: Cash,
    },
    /// The fiscal receipt is about to be printed (journaled before printing).
    FiscalPrinting {
        /// The pre-receipt number.
        pre_receipt_no: u64,
        /// The cash.
        cash: Cash,
        /// The fiscal receipt's numbers.
        fiscal: FiscalNumbers,
    },
    /// The fiscal receipt came out; the payment is queued for the hub.
    Fiscalized {
        /// The pre-receipt number.
        pre_receipt_no: u64,
        /// The cash.
        cash: Cash,
        /// The fiscal receipt's numbers.
        fiscal: FiscalNumbers,
    },
}

/// A state's name, as stored in the journal's `state` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StateName {
    /// See [`PaymentState::Draft`].
    Draft,
    /// See [`PaymentState::PreReceiptPrinting`].
    PreReceiptPrinting,
    /// See [`PaymentState::PreReceiptPrinted`].
    PreReceiptPrinted,
    /// See [`PaymentState::Signed`].
    Signed,
    /// See [`PaymentState::Voided`].
    Voided,
    /// See [`PaymentState::CashTaken`].
    CashTaken,
    /// See [`PaymentState::FiscalPrinting`].
    FiscalPrinting,
    /// See [`PaymentState::Fiscalized`].
    Fiscalized,
}

impl StateName {
    /// Every state name.
    pub const ALL: [StateName; 8] = [
        StateName::Draft,
        StateName::PreReceiptPrinting,
        StateName::PreReceiptPrinted,
        StateName::Signed,
        StateName::Voided,
        StateName::CashTaken,
        StateName::FiscalPrinting,
        StateName::Fiscalized,
    ];

    /// The journal's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StateName::Draft => "draft",
            StateName::PreReceiptPrinting => "pre_receipt_printing",
            StateName::PreReceiptPrinted => "pre_receipt_printed",
            StateName::Signed => "signed",
            StateName::Voided => "voided",
            StateName::CashTaken => "cash_taken",
            StateName::FiscalPrinting => "fiscal_printing",
            StateName::Fiscalized => "fiscalized",
        }
    }

    /// Parses the journal's spelling.
    pub fn parse(s: &str) -> Option<StateName> {
        StateName::ALL.into_iter().find(|n| n.as_str() == s)
    }

    /// True for states no event can leave.
    pub fn is_final(self) -> bool {
        matches!(self, StateName::Voided | StateName::Fiscalized)
    }
}

impl fmt::Display for StateName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something that happens to a payment. Each is one row in the journal's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PaymentEvent {
    /// About to print the pre-receipt with this number.
    PreReceiptPrintStarted {
        /// The allocated number.
        pre_receipt_no: u64,
    },
    /// About to print the pre-receipt again (the first attempt did not come out).
    PreReceiptReprintStarted,
    /// The pre-receipt came out of the printer.
    PreReceiptPrinted,
    /// The customer signed the pre-receipt.
    CustomerSigned,
    /// Voided before money was taken.
    Voided {
        /// Why.
        reason: VoidReason,
    },
    /// The cashier took the cash.
    CashTaken {
        /// What the customer handed over.
        tendered: Money,
    },
    /// About to print the fiscal receipt with these numbers.
    FiscalPrintStarted {
        /// The allocated numbers.
        fiscal: FiscalNumbers,
    },
    /// About to print the fiscal receipt again (the first attempt did not come out).
    FiscalReprintStarted,
    /// The fiscal receipt came out; the payment is fiscalized.
    FiscalPrinted,
    /// About to ask the fiscal register for the receipt; its last document was this
    /// one. After a crash, a sale of this payment's total numbered above it is this
    /// payment's receipt, and none means it was never issued.
    FiscalIssueStarted {
        /// The register's last fiscal document number before this receipt.
        after_document: u32,
    },
    /// A fiscal register issued the receipt (its fiscal storage numbered and signed
    /// it); the payment is fiscalized.
    FiscalIssued {
        /// What the fiscal storage gave it.
        document: FiscalDocumentRef,
    },
}

/// A fiscal register's document as the journal keeps it (ФФД 1040, 1077, 1041).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiscalDocumentRef {
    /// Номер ФД.
    pub number: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
    /// Номер ФН.
    pub fn_number: String,
    /// When the register issued it (its own clock, as it reported it), if it said.
    pub issued_at: Option<String>,
}

impl PaymentEvent {
    /// The event's name, as stored in the journal's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            PaymentEvent::PreReceiptPrintStarted { .. } => "pre_receipt_print_started",
            PaymentEvent::PreReceiptReprintStarted => "pre_receipt_reprint_started",
            PaymentEvent::PreReceiptPrinted => "pre_receipt_printed",
            PaymentEvent::CustomerSigned => "customer_signed",
            PaymentEvent::Voided { .. } => "voided",
            PaymentEvent::CashTaken { .. } => "cash_taken",
            PaymentEvent::FiscalPrintStarted { .. } => "fiscal_print_started",
            PaymentEvent::FiscalReprintStarted => "fiscal_reprint_started",
            PaymentEvent::FiscalPrinted => "fiscal_printed",
            PaymentEvent::FiscalIssueStarted { .. } => "fiscal_issue_started",
            PaymentEvent::FiscalIssued { .. } => "fiscal_issued",
        }
    }
}

/// Why an event was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The event makes no sense in the payment's state.
    #[error("a payment that is {from} cannot take the event {event}")]
    Illegal {
        /// The state the payment was in.
        from: StateName,
        /// The refused event's kind.
        event: &'static str,
    },
    /// Less cash than the total.
    #[error("tendered {tendered} is less than the total {total}")]
    NotEnoughCash {
        /// What was handed over.
        tendered: Money,
        /// What the customer owes.
        total: Money,
    },
}

/// A payment: its fixed details and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// What was entered.
    pub details: PaymentDetails,
    /// Where it stands.
    pub state: PaymentState,
}

impl PaymentState {
    /// The state's name.
    pub fn name(&self) -> StateName {
        match self {
            PaymentState::Draft => StateName::Draft,
            PaymentState::PreReceiptPrinting { .. } => StateName::PreReceiptPrinting,
            PaymentState::PreReceiptPrinted { .. } => StateName::PreReceiptPrinted,
            PaymentState::Signed { .. } => StateName::Signed,
            PaymentState::Voided { .. } => StateName::Voided,
            PaymentState::CashTaken { .. } => StateName::CashTaken,
            PaymentState::FiscalPrinting { .. } => StateName::FiscalPrinting,
            PaymentState::Fiscalized { .. } => StateName::Fiscalized,
        }
    }

    /// The pre-receipt number, once allocated.
    pub fn pre_receipt_no(&self) -> Option<u64> {
        match self {
            PaymentState::Draft => None,
            PaymentState::Voided { pre_receipt_no, .. } => *pre_receipt_no,
            PaymentState::PreReceiptPrinting { pre_receipt_no }
            | PaymentState::PreReceiptPrinted { pre_receipt_no }
            | PaymentState::Signed { pre_receipt_no }
            | PaymentState::CashTaken { pre_receipt_no, .. }
            | PaymentState::FiscalPrinting { pre_receipt_no, .. }
            | PaymentState::Fiscalized { pre_receipt_no, .. } => Some(*pre_receipt_no),
        }
    }

    /// The cash, once taken.
    pub fn cash(&self) -> Option<Cash> {
        match self {
            PaymentState::CashTaken { cash, .. }
            | PaymentState::FiscalPrinting { cash, .. }
            | PaymentState::Fiscalized { cash, .. } => Some(*cash),
            _ => None,
        }
    }

    /// The fiscal numbers, once the fiscal receipt was started.
    pub fn fiscal(&self) -> Option<FiscalNumbers> {
        match self {
            PaymentState::FiscalPrinting { fiscal, .. }
            | PaymentState::Fiscalized { fiscal, .. } => Some(*fiscal),
            _ => None,
        }
    }
}

impl Payment {
    /// A new draft.
    pub fn draft(details: PaymentDetails) -> Payment {
        Payment {
            details,
            state: PaymentState::Draft,
        }
    }

    /// The id.
    pub fn id(&self) -> PaymentId {
        self.details.id
    }

    /// The next state after `event`, or why the event is refused. The payment itself
    /// is not changed: the caller journals the event first, then keeps the result.
    pub fn apply(&self, event: &PaymentEvent) -> Result<Payment, TransitionError> {
        use PaymentEvent as E;
        use PaymentState as S;
        let illegal = || TransitionError::Illegal {
            from: self.state.name(),
            event: event.kind(),
        };
        let state = match (&self.state, event) {
            (S::Draft, E::PreReceiptPrintStarted { pre_receipt_no }) => S::PreReceiptPrinting {
                pre_receipt_no: *pre_receipt_no,
            },
            (S::PreReceiptPrinting { pre_receipt_no }, E::PreReceiptReprintStarted) => {
                S::PreReceiptPrinting {
                    pre_receipt_no: *pre_receipt_no,
                }
            }
            (S::PreReceiptPrinting { pre_receipt_no }, E::PreReceiptPrinted) => {
                S::PreReceiptPrinted {
                    pre_receipt_no: *pre_receipt_no,
                }
            }
            (S::PreReceiptPrinted { pre_receipt_no }, E::CustomerSigned) => S::Signed {
                pre_receipt_no: *pre_receipt_no,
            },
            (
                S::Draft
                | S::PreReceiptPrinting { .. }
                | S::PreReceiptPrinted { .. }
                | S::Signed { .. },
                E::Voided { reason },
            ) => S::Voided {
                pre_receipt_no: self.state.pre_receipt_no(),
                reason: *reason,
            },
            (S::Signed { pre_receipt_no }, E::CashTaken { tendered }) => {
                let total = self.details.total;
                let change = tendered
                    .checked_sub(total)
                    .ok_or(TransitionError::NotEnoughCash {
                        tendered: *tendered,
                        total,
                    })?;
                S::CashTaken {
                    pre_receipt_no: *pre_receipt_no,
                    cash: Cash {
                        tendered: *tendered,
                        change,
                    },
                }
            }
            (
                S::CashTaken {
                    pre_receipt_no,
                    cash,
                },
                E::FiscalPrintStarted { fiscal },
            ) => S::FiscalPrinting {
                pre_receipt_no: *pre_receipt_no,
                cash: *cash,
                fiscal: *fiscal,
            },
            (
                s @ S::FiscalPrinting { .. },
                E::FiscalReprintStarted | E::FiscalIssueStarted { .. },
            ) => s.clone(),
            (
                S::FiscalPrinting {
                    pre_receipt_no,
                    cash,
                    fiscal,
                },
                E::FiscalPrinted | E::FiscalIssued { .. },
            ) => S::Fiscalized {
                pre_receipt_no: *pre_receipt_no,
                cash: *cash,
                fiscal: *fiscal,
            },
            _ => return Err(illegal()),
        };
        Ok(Payment {
            details: self.details.clone(),
            state,
        })
    }

    /// Replays events from a draft.
    pub fn replay<'a>(
        details: PaymentDetails,
        events: impl IntoIterator<Item = &'a PaymentEvent>,
    ) -> Result<Payment, TransitionError> {
        events
            .into_iter()
            .try_fold(Payment::draft(details), |p, e| p.apply(e))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) fn details(total: &str) -> PaymentDetails {
        let total = Money::from_decimal(total.parse().unwrap()).unwrap();
        PaymentDetails {
            id: PaymentId::new(),
            terminal_id: "T1".into(),
            operator: OperatorSnapshot {
                code: "MTS".to_string().try_into().unwrap(),
                name: "MTS".into(),
                tax_id: "7740000076".into(),
                legal_entity: "MTS PJSC".into(),
                phone: None,
            },
            account: "9031234567".into(),
            amount: total,
            fee: Money::ZERO,
            total,
            created_at: Utc::now(),
            cashier: "Anna".into(),
        }
    }

    fn money(s: &str) -> Money {
        Money::from_decimal(s.parse().unwrap()).unwrap()
    }

    /// A fiscalized payment of 100.00 at `terminal` with fiscal receipt `receipt_no`.
    pub(crate) fn fiscalized_payment(terminal: &str, receipt_no: u64) -> Payment {
        let mut d = details("100");
        d.terminal_id = terminal.into();
        let events = [
            PaymentEvent::PreReceiptPrintStarted {
                pre_receipt_no: receipt_no,
            },
            PaymentEvent::PreReceiptPrinted,
            PaymentEvent::CustomerSigned,
            PaymentEvent::CashTaken {
                tendered: money("100"),
            },
            PaymentEvent::FiscalPrintStarted {
                fiscal: FiscalNumbers {
                    receipt_no,
                    shift_no: 1,
                },
            },
            PaymentEvent::FiscalPrinted,
        ];
        events
            .iter()
            .fold(Payment::draft(d), |p, e| p.apply(e).unwrap())
    }

    /// The transitions this module must allow, written independently of `apply`.
    const LEGAL: &[(StateName, &str, StateName)] = &[
        (
            StateName::Draft,
            "pre_receipt_print_started",
            StateName::PreReceiptPrinting,
        ),
        (StateName::Draft, "voided", StateName::Voided),
        (
            StateName::PreReceiptPrinting,
            "pre_receipt_reprint_started",
            StateName::PreReceiptPrinting,
        ),
        (
            StateName::PreReceiptPrinting,
            "pre_receipt_printed",
            StateName::PreReceiptPrinted,
        ),
        (StateName::PreReceiptPrinting, "voided", StateName::Voided),
        (
            StateName::PreReceiptPrinted,
            "customer_signed",
            StateName::Signed,
        ),
        (StateName::PreReceiptPrinted, "voided", StateName::Voided),
        (StateName::Signed, "cash_taken", StateName::CashTaken),
        (StateName::Signed, "voided", StateName::Voided),
        (
            StateName::CashTaken,
            "fiscal_print_started",
            StateName::FiscalPrinting,
        ),
        (
            StateName::FiscalPrinting,
            "fiscal_reprint_started",
            StateName::FiscalPrinting,
        ),
        (
            StateName::FiscalPrinting,
            "fiscal_issue_started",
            StateName::FiscalPrinting,
        ),
        (
            StateName::FiscalPrinting,
            "fiscal_printed",
            StateName::Fiscalized,
        ),
        (
            StateName::FiscalPrinting,
            "fiscal_issued",
            StateName::Fiscalized,
        ),
    ];

    #[test]
    fn happy_path_computes_change_and_keeps_numbers() {
        let p = Payment::draft(details("101.50"));
        let events = [
            PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: 7 },
            PaymentEvent::PreReceiptPrinted,
            PaymentEvent::CustomerSigned,
            PaymentEvent::CashTaken {
                tendered: money("200"),
            },
            PaymentEvent::FiscalPrintStarted {
                fiscal: FiscalNumbers {
                    receipt_no: 17,
                    shift_no: 3,
                },
            },
            PaymentEvent::FiscalPrinted,
        ];
        let done = Payment::replay(p.details.clone(), &events).unwrap();
        assert_eq!(
            done.state,
            PaymentState::Fiscalized {
                pre_receipt_no: 7,
                cash: Cash {
                    tendered: money("200"),
                    change: money("98.50")
                },
                fiscal: FiscalNumbers {
                    receipt_no: 17,
                    shift_no: 3
                },
            }
        );
    }

    #[test]
    fn refusals_table() {
        let d = details("100");
        let at = |events: &[PaymentEvent]| Payment::replay(d.clone(), events).unwrap();
        let printed = at(&[
            PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: 1 },
            PaymentEvent::PreReceiptPrinted,
        ]);
        let signed = printed.apply(&PaymentEvent::CustomerSigned).unwrap();
        let cash = signed
            .apply(&PaymentEvent::CashTaken {
                tendered: money("100"),
            })
            .unwrap();
        let cases: Vec<(&Payment, PaymentEvent, TransitionError)> = vec![
            (
                &printed,
                PaymentEvent::CashTaken {
                    tendered: money("100"),
                },
                TransitionError::Illegal {
                    from: StateName::PreReceiptPrinted,
                    event: "cash_taken",
                },
            ),
            (
                &signed,
                PaymentEvent::CashTaken {
                    tendered: money("99.99"),
                },
                TransitionError::NotEnoughCash {
                    tendered: money("99.99"),
                    total: money("100"),
                },
            ),
            (
                &cash,
                PaymentEvent::Voided {
                    reason: VoidReason::Cancelled,
                },
                TransitionError::Illegal {
                    from: StateName::CashTaken,
                    event: "voided",
                },
            ),
            (
                &signed,
                PaymentEvent::FiscalPrinted,
                TransitionError::Illegal {
                    from: StateName::Signed,
                    event: "fiscal_printed",
                },
            ),
        ];
        for (payment, event, expected) in cases {
            assert_eq!(payment.apply(&event), Err(expected), "{event:?}");
        }
    }

    #[test]
    fn state_names_round_trip() {
        for n in StateName::ALL {
            assert_eq!(StateName::parse(n.as_str()), Some(n));
        }
        assert_eq!(StateName::parse("paid"), None);
    }

    fn any_event() -> impl Strategy<Value = PaymentEvent> {
        prop_oneof![
            (1u64..5).prop_map(|n| PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: n }),
            Just(PaymentEvent::PreReceiptReprintStarted),
            Just(PaymentEvent::PreReceiptPrinted),
            Just(PaymentEvent::CustomerSigned),
            Just(PaymentEvent::Voided {
                reason: VoidReason::CustomerRefused
            }),
            Just(PaymentEvent::Voided {
                reason: VoidReason::Cancelled
            }),
            (0i64..30_000).prop_map(|m| PaymentEvent::CashTaken {
                tendered: Money::from_minor(m).unwrap()
            }),
            (1u64..5, 1u64..3).prop_map(|(r, s)| PaymentEvent::FiscalPrintStarted {
                fiscal: FiscalNumbers {
                    receipt_no: r,
                    shift_no: s
                }
            }),
            Just(PaymentEvent::FiscalReprintStarted),
            Just(PaymentEvent::FiscalPrinted),
            (0u32..50).prop_map(|n| PaymentEvent::FiscalIssueStarted { after_document: n }),
            (1u32..50).prop_map(|n| PaymentEvent::FiscalIssued {
                document: FiscalDocumentRef {
                    number: n,
                    fiscal_sign: n * 7,
                    fn_number: "9999078900001234".into(),
                    issued_at: None,
                }
            }),
        ]
    }

    proptest! {
        #[test]
        fn no_event_sequence_reaches_an_illegal_state(
            total_minor in 1i64..20_000,
            events in proptest::collection::vec(any_event(), 0..40),
        ) {
            let total = Money::from_minor(total_minor).unwrap();
            let mut d = details("1");
            d.amount = total;
            d.total = total;
            let mut p = Payment::draft(d);
            let mut cash_taken_accepted = false;
            let mut first_pre_receipt_no = None;
            for e in &events {
                match p.apply(e) {
                    Ok(next) => {
                        let step = (p.state.name(), e.kind(), next.state.name());
                        prop_assert!(LEGAL.contains(&step), "illegal step {:?}", step);
                        if matches!(e, PaymentEvent::CashTaken { .. }) {
                            cash_taken_accepted = true;
                        }
                        if let Some(n) = next.state.pre_receipt_no() {
                            // A printed receipt number never changes.
                            prop_assert_eq!(*first_pre_receipt_no.get_or_insert(n), n);
                        }
                        p = next;
                    }
                    Err(_) => {
                        prop_assert!(
                            !LEGAL.iter().any(|(from, ev, _)| *from == p.state.name()
                                && *ev == e.kind()
                                && !matches!(e, PaymentEvent::CashTaken { .. })),
                            "a legal event {} was refused in {}", e.kind(), p.state.name()
                        );
                    }
                }
                let reached_fiscal = matches!(
                    p.state.name(),
                    StateName::FiscalPrinting | StateName::Fiscalized | StateName::CashTaken
                );
                // Fiscal states are only reachable through an accepted "cash taken",
                // with enough cash.
                prop_assert_eq!(reached_fiscal, cash_taken_accepted);
                if let Some(cash) = p.state.cash() {
                    prop_assert!(cash.tendered >= p.details.total);
                    prop_assert_eq!(cash.tendered.checked_sub(p.details.total), Some(cash.change));
                }
            }
        }
    }
}
