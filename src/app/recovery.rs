//! After a crash: one precise question per unfinished payment, and what each answer
//! does. The question follows only from the journaled state, never from a guess.
//!
//! | state                 | question                                   | yes                     | no                        |
//! |-----------------------|--------------------------------------------|-------------------------|---------------------------|
//! | pre_receipt_printing  | did pre-receipt No. N come out?            | mark printed            | print it again            |
//! | pre_receipt_printed   | did the customer sign pre-receipt No. N?   | mark signed → cash step | void (customer refused)   |
//! | signed                | did you take the cash for No. N?           | go to the cash step     | void (cancelled)          |
//! | cash_taken            | (no choice) print the fiscal receipt now   | print                   | —                         |
//! | fiscal_printing       | was fiscal receipt No. F printed and handed over? | mark fiscalized  | print it again (same No.) |

use crate::domain::payment::{Payment, PaymentState, VoidReason};
use crate::i18n::{Currency, Lang, T};

use super::till::{FlowError, Step, Till};

/// The question to ask about one unfinished payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Question {
    /// Did pre-receipt No. `n` come out of the printer?
    PreReceiptPrinted {
        /// Pre-receipt number.
        n: u64,
    },
    /// Did the customer sign pre-receipt No. `n`?
    Signed {
        /// Pre-receipt number.
        n: u64,
    },
    /// Was the cash for pre-receipt No. `n` taken?
    CashTaken {
        /// Pre-receipt number.
        n: u64,
    },
    /// The cash is taken and no fiscal receipt was started: print it.
    PrintFiscal {
        /// Pre-receipt number.
        n: u64,
    },
    /// Was fiscal receipt No. `n` printed and handed over?
    FiscalPrinted {
        /// Fiscal receipt number.
        n: u64,
    },
    /// The fiscal register has not said whether it issued receipt No. `n`: ask it.
    AskRegister {
        /// Receipt number.
        n: u64,
    },
}

/// Who issues the receipt at the cash step: it decides how the last question reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptIssuer {
    /// The receipt printer (the cashier saw whether it came out).
    Printer,
    /// A fiscal register (only the register can say whether it issued it).
    FiscalRegister,
}

impl ReceiptIssuer {
    /// The issuer a configuration has.
    pub fn of(fiscal: &super::config::FiscalConfig) -> ReceiptIssuer {
        match fiscal {
            super::config::FiscalConfig::None => ReceiptIssuer::Printer,
            _ => ReceiptIssuer::FiscalRegister,
        }
    }
}

/// The question as the cashier reads it: on a fiscal register till the last one is
/// "ask the register", never "did it print?" (either answer asks the register; see
/// `Payments::confirm_fiscal_printed`).
pub fn question_for(p: &Payment, issuer: ReceiptIssuer) -> Option<Question> {
    match (question(p), issuer) {
        (Some(Question::FiscalPrinted { n }), ReceiptIssuer::FiscalRegister) => {
            Some(Question::AskRegister { n })
        }
        (q, _) => q,
    }
}

/// The cashier's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Yes (or the only action offered).
    Yes,
    /// No.
    No,
}

/// What to do after an answer.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The payment moved on (it may have a new question, or be finished).
    Moved(Step),
    /// Take the payment back to the cashier screen at the cash step.
    ResumeAtCash(Payment),
}

/// The question for a payment, `None` when it is finished (voided or fiscalized).
pub fn question(p: &Payment) -> Option<Question> {
    match &p.state {
        PaymentState::PreReceiptPrinting { pre_receipt_no } => {
            Some(Question::PreReceiptPrinted { n: *pre_receipt_no })
        }
        PaymentState::PreReceiptPrinted { pre_receipt_no } => {
            Some(Question::Signed { n: *pre_receipt_no })
        }
        PaymentState::Signed { pre_receipt_no } => Some(Question::CashTaken { n: *pre_receipt_no }),
        PaymentState::CashTaken { pre_receipt_no, .. } => {
            Some(Question::PrintFiscal { n: *pre_receipt_no })
        }
        PaymentState::FiscalPrinting { fiscal, .. } => Some(Question::FiscalPrinted {
            n: fiscal.receipt_no,
        }),
        PaymentState::Draft | PaymentState::Voided { .. } | PaymentState::Fiscalized { .. } => None,
    }
}

impl Question {
    /// The question in words, with the payment's details.
    pub fn text(self, p: &Payment, lang: Lang, currency: &Currency) -> String {
        let d = &p.details;
        let total = lang.money_with(d.total, currency);
        let pre = p.state.pre_receipt_no().unwrap_or_default();
        let (t, n) = match self {
            Question::PreReceiptPrinted { n } => (T::RecoveryAskPreReceiptPrinted, n),
            Question::Signed { n } => (T::RecoveryAskSigned, n),
            Question::CashTaken { n } => (T::RecoveryAskCash, n),
            Question::PrintFiscal { n } => (T::RecoveryAskFiscalStart, n),
            Question::FiscalPrinted { n } => (T::RecoveryAskFiscalPrinted, n),
            Question::AskRegister { n } => (T::RecoveryAskRegister, n),
        };
        debug_assert!(
            matches!(
                self,
                Question::FiscalPrinted { .. } | Question::AskRegister { .. }
            ) || n == pre
        );
        lang.fill(
            t,
            &[
                ("n", &n),
                ("operator", &d.operator.name),
                ("account", &d.account),
                ("total", &total),
            ],
        )
    }

    /// The labels of the two buttons (`None` for the second when there is no choice).
    pub fn choices(self) -> (T, Option<T>) {
        match self {
            Question::PreReceiptPrinted { .. } => {
                (T::RecoveryYesPrinted, Some(T::RecoveryNoPrintAgain))
            }
            Question::Signed { .. } => (T::RecoveryYesSigned, Some(T::RecoveryNoVoid)),
            Question::CashTaken { .. } => (T::RecoveryYesCash, Some(T::RecoveryNoVoid)),
            Question::PrintFiscal { .. } => (T::RecoveryPrintFiscal, None),
            Question::FiscalPrinted { .. } => (T::RecoveryYesHanded, Some(T::RecoveryNoPrintAgain)),
            Question::AskRegister { .. } => (T::RecoveryAskRegisterButton, None),
        }
    }
}

/// Carries out an answer about a payment. The payment is re-read from the journal so
/// an answer to a stale question is refused rather than applied twice.
pub fn answer(till: &mut Till, p: &Payment, a: Answer) -> Result<Outcome, FlowError> {
    let mut payments = till.payments();
    let current = payments.payment(p.id())?;
    let id = p.id();
    let asked = question(p);
    if question(&current) != asked {
        return Err(FlowError::WrongState {
            id,
            state: current.state.name(),
        });
    }
    let step = match (asked, a) {
        (Some(Question::PreReceiptPrinted { .. }), Answer::Yes) => {
            payments.confirm_pre_receipt_printed(id)?
        }
        (Some(Question::PreReceiptPrinted { .. }), Answer::No) => {
            payments.reprint_pre_receipt(id)?
        }
        (Some(Question::Signed { .. }), Answer::Yes) => {
            let step = payments.customer_signed(id)?;
            return Ok(Outcome::ResumeAtCash(step.payment));
        }
        (Some(Question::Signed { .. }), Answer::No) => {
            payments.void(id, VoidReason::CustomerRefused)?
        }
        (Some(Question::CashTaken { .. }), Answer::Yes) => {
            return Ok(Outcome::ResumeAtCash(current));
        }
        (Some(Question::CashTaken { .. }), Answer::No) => {
            payments.void(id, VoidReason::Cancelled)?
        }
        (Some(Question::PrintFiscal { .. }), _) => payments.print_fiscal(id)?,
        (Some(Question::FiscalPrinted { .. }), Answer::Yes) => {
            payments.confirm_fiscal_printed(id)?
        }
        (Some(Question::FiscalPrinted { .. }), Answer::No) => payments.reprint_fiscal(id)?,
        // `question` never asks this one (it is `question_for`'s wording of the last).
        (Some(Question::AskRegister { .. }), _) => payments.reprint_fiscal(id)?,
        (None, _) => {
            return Err(FlowError::WrongState {
                id,
                state: current.state.name(),
            });
        }
    };
    Ok(Outcome::Moved(step))
}
