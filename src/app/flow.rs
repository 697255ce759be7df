//! What a step of the till comes to: the payment after it ([`Step`]) or why it did
//! not happen ([`FlowError`] and the input errors it carries). A leaf of the app
//! layer: every service returns these, the edges word them (`app::messages`).

use crate::domain::correction::{ReceiptError, Refusal};
use crate::domain::operator::AccountError;
use crate::domain::payment::{Payment, PaymentId, StateName};
use crate::domain::receipt::DocumentError;
use crate::domain::user::{PermissionError, ShiftOpening, UserName};
use crate::hub::protocol::CheckCode;
use crate::journal::JournalError;
use crate::journal::users::LoginError;
use crate::printing::{PrintError, PrintedDocument};

/// Why a step of the flow did not happen.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The journal refused the write; the step did not happen.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The document did not print. The payment stays in its "printing" state.
    #[error("printing failed: {0}")]
    Print(#[from] PrintError),
    /// A document could not be made for the payment (a bug in the caller).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The operator refused the payment at `check` (nothing was journaled or printed).
    #[error("the operator refused the payment: {message}")]
    CheckRefused {
        /// The hub's code.
        code: CheckCode,
        /// Its words.
        message: String,
        /// The operator's name.
        operator: String,
        /// The account checked.
        account: String,
    },
    /// The logged-in user may not do this (or nobody is logged in).
    #[error(transparent)]
    Permission(#[from] PermissionError),
    /// A login was refused (wrong PIN, locked, deactivated).
    #[error(transparent)]
    Login(#[from] LoginError),
    /// An admin tried to deactivate or demote themself out of the last admin account.
    #[error("{0} cannot deactivate their own account")]
    OwnAccount(UserName),
    /// The printer settings cannot be used (the old printer stays).
    #[error("{0}")]
    Settings(String),
    /// A correction request was not accepted at the till.
    #[error(transparent)]
    Correction(#[from] CorrectionError),
    /// A missing payment's details are incomplete.
    #[error(transparent)]
    MissingPayment(#[from] MissingPaymentError),
    /// The cash received was refused (too little, or absurdly much).
    #[error(transparent)]
    Tendered(#[from] crate::domain::entry::TenderedError),
    /// A payment of this terminal waits for its recovery answer: no new payment starts
    /// before it is answered.
    #[error("payment {} waits for its recovery answer", payment.id())]
    Pending {
        /// The payment that waits.
        payment: Box<Payment>,
    },
    /// A short id (8 hex digits) that no payment of this terminal has, or a text that
    /// is no payment id at all.
    #[error("no payment of this terminal has the id {0}")]
    UnknownPaymentId(String),
    /// A short id that more than one payment has: the full id is needed.
    #[error("{count} payments have the short id {short}")]
    AmbiguousShortId {
        /// What was typed.
        short: String,
        /// How many payments have it.
        count: usize,
    },
    /// The fiscal register did not do it (or could not be reached).
    #[error(transparent)]
    Fiscal(#[from] crate::fiscal::FiscalError),
    /// No shift is open on this till: the payment stops before its pre-receipt (a
    /// payment never opens a shift by itself).
    #[error("no shift is open on this till")]
    NoShift {
        /// Who may open it: the cashier (with the cash in the drawer) or a manager.
        opening: ShiftOpening,
    },
    /// The agent's balance at the hub, less what payments not yet sent will take of
    /// it, is below the payment's amount: refused before the pre-receipt.
    #[error(
        "the agent's balance {balance} (of which {queued} is taken by payments not yet sent) is below {amount}"
    )]
    LowBalance {
        /// The balance the hub reported.
        balance: crate::domain::money::Money,
        /// Accepted payments not yet registered at the hub.
        queued: crate::domain::money::Money,
        /// The payment's amount.
        amount: crate::domain::money::Money,
    },
    /// A difference marked explained without saying why.
    #[error("say why the difference is explained")]
    NoExplanation,
    /// The report is too long to print on a receipt printer (export it instead).
    #[error("the report has more than {limit} payments: too long to print")]
    ReportTooLong {
        /// The most a printed report holds.
        limit: u64,
    },
    /// The step does not apply to the payment's state.
    #[error("payment {id} is {state}; this step does not apply")]
    WrongState {
        /// The payment.
        id: PaymentId,
        /// Its state.
        state: StateName,
    },
}

/// The result of a step: the payment as journaled and the document printed, if any.
#[derive(Clone, Debug)]
pub struct Step {
    /// The payment after the step.
    pub payment: Payment,
    /// The document printed by this step.
    pub printed: Option<PrintedDocument>,
    /// The fiscal register's receipt this step issued (or found issued).
    pub issued: Option<crate::domain::payment::FiscalDocumentRef>,
}

/// Why a correction request is not accepted at the till.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    /// The payment's state does not allow it; the refusal says what else to do.
    #[error("not allowed now: {0:?}")]
    NotEligible(Refusal),
    /// The original receipt does not prove the payment.
    #[error(transparent)]
    Receipt(#[from] ReceiptError),
    /// No reason given.
    #[error("say why the payment is corrected")]
    NoReason,
    /// A move without the new account, or one the operator's mask refuses.
    #[error("the new account: {0:?}")]
    NewAccount(Option<AccountError>),
    /// The new account is the payment's own.
    #[error("the new account is the same as the payment's")]
    SameAccount,
    /// A cancel or refund without a manager's approval.
    #[error("a shift manager must approve this with their PIN")]
    NeedsApproval,
    /// The approver may not approve.
    #[error(transparent)]
    Approver(PermissionError),
}

/// Why a missing-payment report cannot be made yet.
#[derive(Debug, thiserror::Error)]
pub enum MissingPaymentError {
    /// The date is not `YYYY-MM-DD HH:MM`.
    #[error("date and time: YYYY-MM-DD HH:MM")]
    When,
    /// No account, operator or receipt number.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// The amount cannot be read.
    #[error("amount: {0}")]
    Amount(String),
    /// The scan file does not exist.
    #[error("no file {0}")]
    NoScan(std::path::PathBuf),
}
