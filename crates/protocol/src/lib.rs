//! The hub protocol (`/v1`), as serde types shared by the terminal's client and the
//! reference hub (wire types: the journal and the domain never see them). `docs/hub-api.yaml` describes the same thing for humans and tools;
//! a test checks the server's answers against it.
//!
//! One id per payment, made by the terminal (the journal's UUID v7), makes `pay`
//! idempotent: the same id with the same body returns the stored result, the same id
//! with another body is a conflict. Every answer that is not a success is an
//! [`ErrorBody`] whose `retry` says whether trying again later can help.

#![warn(missing_docs)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use paydesk_core::domain::delivery::{HubAnswer, OutgoingPayment};
use paydesk_core::domain::money::Money;
use paydesk_core::domain::operator::Operator;
use paydesk_core::domain::payment::PaymentId;

/// The statuses, reasons and correction kinds the wire carries as both sides name them.
pub use paydesk_core::domain::hub::{CorrectionKind, CorrectionStateName, HubStatus, Reason};

/// The path prefix of every endpoint.
pub const PREFIX: &str = "/v1";

/// The most ids one batch status call may ask for.
pub const MAX_BATCH: usize = 500;

/// JSON integers as the protocol file defines them: at most 2^63 − 1, and written
/// either as integers or with a zero fraction (`1732.0` is an integer in JSON Schema).
pub mod integer {
    use serde::de::{self, Visitor};

    /// The largest integer of the protocol (the file's `int64`).
    pub const MAX: u64 = i64::MAX as u64;

    struct Lenient;

    impl Visitor<'_> for Lenient {
        type Value = u64;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "an integer from 0 to {MAX}")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            if v <= MAX {
                Ok(v)
            } else {
                Err(E::custom(format!("{v} is above {MAX}")))
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::custom(format!("{v} is below 0")))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            // 2^63 as f64 is the first value above MAX.
            if v.fract() == 0.0 && (0.0..9_223_372_036_854_775_808.0).contains(&v) {
                Ok(v as u64)
            } else {
                Err(E::custom(format!("{v} is not an integer from 0 to {MAX}")))
            }
        }
    }

    /// Deserializes a protocol integer.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(Lenient)
    }
}

/// `PUT /v1/payments/{id}`: deliver one fiscalized payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// The terminal that took the payment (must match the token).
    pub terminal_id: String,
    /// The sender's sync lease epoch; older than the newest seen for this terminal
    /// is refused (fencing).
    #[serde(deserialize_with = "integer::deserialize")]
    pub epoch: u64,
    /// Operator code.
    pub operator: String,
    /// Account number, normalised.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
    /// The shop's fee.
    pub fee: Money,
    /// What the customer paid: amount + fee.
    pub total: Money,
    /// Pre-receipt number at the terminal.
    #[serde(deserialize_with = "integer::deserialize")]
    pub pre_receipt_no: u64,
    /// Fiscal receipt number at the terminal.
    #[serde(deserialize_with = "integer::deserialize")]
    pub fiscal_receipt_no: u64,
    /// Shift number at the terminal.
    #[serde(deserialize_with = "integer::deserialize")]
    pub shift_no: u64,
    /// When the cash was accepted at the till.
    pub accepted_at: DateTime<Utc>,
    /// The sending journal's own id (made when the journal was created; a copy of a
    /// journal carries it too). The hub binds each terminal to one journal: another
    /// journal for the same terminal is refused until the hub's operator rebinds it.
    /// Not part of the compared body, like `epoch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal_id: Option<Uuid>,
}

impl PayRequest {
    /// The wire form of a payment going out, sent with the sender's lease `epoch`.
    pub fn new(p: &OutgoingPayment, epoch: u64) -> PayRequest {
        PayRequest {
            terminal_id: p.terminal_id.clone(),
            epoch,
            operator: p.operator.clone(),
            account: p.account.clone(),
            amount: p.amount,
            fee: p.fee,
            total: p.total,
            pre_receipt_no: p.pre_receipt_no,
            fiscal_receipt_no: p.fiscal_receipt_no,
            shift_no: p.shift_no,
            accepted_at: p.accepted_at,
            journal_id: Some(p.journal_id),
        }
    }
}

impl From<&PaymentStatus> for HubAnswer {
    fn from(s: &PaymentStatus) -> HubAnswer {
        HubAnswer {
            id: PaymentId::from_uuid(s.id),
            status: s.status,
            reason: s.reason.clone(),
            amount: s.amount,
        }
    }
}

impl StatusBatchResponse {
    /// The statuses as the journal records them.
    pub fn answers(&self) -> Vec<HubAnswer> {
        self.payments.iter().map(HubAnswer::from).collect()
    }
}

/// The most an epoch may grow past the newest the hub has seen for a terminal in one
/// step: each takeover of a journal's lease adds one, so a larger jump is a bug or an
/// attempt to lock the terminal out.
pub const MAX_EPOCH_STEP: u64 = 1_000_000;

/// `PUT /v1/terminal/journal`: the journal that delivers for the token's terminal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindRequest {
    /// The journal's own id.
    pub journal_id: Uuid,
}

/// The answer to a binding: what the hub knows of the terminal, so a new journal
/// continues where the terminal's last one stopped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindResponse {
    /// The journal now bound to the terminal (the one asked for).
    pub journal_id: Uuid,
    /// The newest lease epoch the hub has seen for the terminal (0: none yet).
    pub epoch: u64,
    /// The highest pre-receipt number of the terminal's payments at the hub.
    pub last_pre_receipt_no: u64,
    /// The highest fiscal receipt number of the terminal's payments at the hub.
    pub last_fiscal_receipt_no: u64,
}

/// The hub's view of one payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentStatus {
    /// The terminal's payment id.
    pub id: Uuid,
    /// Where it stands.
    pub status: HubStatus,
    /// Why, for `failed` (and any other status that has a reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The hub's own reference for the payment.
    pub hub_reference: String,
    /// The amount for the operator as the hub holds it (the terminal checks it
    /// against what it sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// When the hub registered it.
    pub registered_at: DateTime<Utc>,
    /// When its status last changed.
    pub updated_at: DateTime<Utc>,
}

/// `POST /v1/payments/status`: several payments at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBatchRequest {
    /// Up to [`MAX_BATCH`] payment ids.
    pub ids: Vec<Uuid>,
}

/// The answer to a batch status call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBatchResponse {
    /// The payments the hub has.
    pub payments: Vec<PaymentStatus>,
    /// The ids it has never seen.
    pub unknown: Vec<Uuid>,
}

/// `POST /v1/check`: would the operator accept this payment?
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// Operator code.
    pub operator: String,
    /// Account number.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
}

/// The answer of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckCode {
    /// The operator would accept it.
    Ok,
    /// No such account at the operator.
    AccountNotFound,
    /// The account number does not fit the operator's format.
    AccountFormat,
    /// Below the minimum or above the maximum.
    AmountOutOfRange,
    /// The operator does not take payments now.
    OperatorUnavailable,
    /// No such operator at the hub.
    UnknownOperator,
    /// The agent's balance at the hub is below the amount (QIWI's "not enough money
    /// on the agent's account"): refused until the agent tops it up.
    InsufficientBalance,
}

/// The answer to `check`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckResponse {
    /// `ok` or why not.
    pub code: CheckCode,
    /// In words (English).
    pub message: String,
    /// Extra fields to show the cashier, e.g. `subscriber`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub display: BTreeMap<String, String>,
    /// The agent's balance at the hub now, when the hub keeps one for the terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Money>,
}

/// `GET /v1/balance`: the agent's prepaid balance at the hub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BalanceResponse {
    /// What the agent may still pay out; none when the hub keeps no balance for the
    /// terminal (it is not limited by one).
    pub balance: Option<Money>,
    /// When the hub read it.
    pub at: DateTime<Utc>,
}

/// One payment in the hub's registry of a business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryEntry {
    /// The terminal's payment id.
    pub id: Uuid,
    /// Operator code.
    pub operator: String,
    /// Account number.
    pub account: String,
    /// Amount for the operator.
    pub amount: Money,
    /// The shop's fee.
    pub fee: Money,
    /// Amount + fee.
    pub total: Money,
    /// Fiscal receipt number at the terminal.
    #[serde(deserialize_with = "integer::deserialize")]
    pub fiscal_receipt_no: u64,
    /// When the cash was accepted at the till (this decides the business day).
    pub accepted_at: DateTime<Utc>,
    /// Where it stands at the hub now.
    pub status: HubStatus,
    /// The hub's own reference.
    pub hub_reference: String,
}

/// `GET /v1/registry?date=YYYY-MM-DD&tz=Area/City`: the terminal's payments the hub
/// holds for one business day — those accepted at the till from `from` (inclusive) to
/// `to` (exclusive), the day's midnights in the zone asked for (UTC by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryResponse {
    /// The terminal (the token's).
    pub terminal_id: String,
    /// The business day, `YYYY-MM-DD`.
    pub date: String,
    /// Its start.
    pub from: DateTime<Utc>,
    /// Its end (exclusive).
    pub to: DateTime<Utc>,
    /// The payments, by fiscal receipt number.
    pub payments: Vec<RegistryEntry>,
}

/// `GET /v1/operators`: the catalogue (with an `ETag` equal to `version`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueResponse {
    /// Version tag; also the `ETag`.
    pub version: String,
    /// The operators.
    pub operators: Vec<Operator>,
}

/// `PUT /v1/corrections/{id}`: ask for a correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// The payment to correct.
    pub payment_id: Uuid,
    /// The terminal asking (must match the token).
    pub terminal_id: String,
    /// Which correction.
    pub kind: CorrectionKind,
    /// The right account, for `move_account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_account: Option<String>,
    /// Why (free text from the shop).
    pub reason: String,
    /// The manager who approved it (cancel, refund).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// The original fiscal receipt number.
    #[serde(deserialize_with = "integer::deserialize")]
    pub fiscal_receipt_no: u64,
}

/// The hub's view of a correction request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionState {
    /// The correction's id (made by the terminal).
    pub id: Uuid,
    /// The payment it corrects.
    pub payment_id: Uuid,
    /// Which correction.
    pub kind: CorrectionKind,
    /// Where it stands.
    pub state: CorrectionStateName,
    /// Why, for `rejected` and `needs_info`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// When the hub registered it.
    pub registered_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// What went wrong, machine-readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No or unknown bearer token (401).
    Unauthorized,
    /// The token belongs to another terminal than the body says (403).
    WrongTerminal,
    /// The request is malformed (400).
    BadRequest,
    /// No such payment or correction (404).
    NotFound,
    /// The same id was used with a different body (409, final for that payment).
    ConflictDifferentBody,
    /// The sender's lease epoch is older than the newest seen for its terminal (409):
    /// another process leads now; the sender must stop pushing. The body's `epoch`
    /// is the newest the hub has seen.
    StaleEpoch,
    /// The epoch is further above the newest seen than any run of takeovers can be
    /// (409, [`MAX_EPOCH_STEP`]).
    EpochOutOfRange,
    /// The terminal is bound to another journal (409): a replaced PC still running, or
    /// a new one the hub's operator has not rebound the terminal to yet.
    OtherJournal,
    /// Another payment of the terminal has this fiscal receipt number (409, final for
    /// the payment): two journals are numbering one terminal.
    ReceiptNumberTaken,
    /// The request follows the protocol but breaks one of its rules (422): total is not
    /// amount + fee, or the amount is zero.
    InvalidPayment,
    /// The agent's balance is below the payment's amount (409, retry): the payment is
    /// not registered; it goes through once the agent tops the balance up.
    InsufficientBalance,
    /// The hub cannot answer now (5xx): try again later.
    Unavailable,
}

/// The body of every non-success answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// What went wrong.
    pub code: ErrorCode,
    /// In words (English).
    pub message: String,
    /// True when the same request may succeed later (temporary failure).
    pub retry: bool,
    /// With `stale_epoch`: the newest epoch the hub has seen for the terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
}
