//! Corrections at the till: asking for one of the four corrections (with the
//! original receipt, a reason, the right account for a move, a manager's PIN for a
//! cancel or a refund), paying a refund out with its receipt, and recording a receipt
//! the journal does not know.
//!
//! The rules are in [`crate::domain::correction`]; the journal checks them again in
//! the transaction that writes the request; the sync worker hands requests to the hub
//! and follows their state.

use chrono::Utc;
use uuid::Uuid;

use crate::domain::correction::{self, CorrectionKind, Refusal};
use crate::domain::operator::Catalogue;
use crate::domain::payment::PaymentId;
use crate::domain::receipt::{self, RefundFacts};
use crate::domain::user::{self, Action, Pin, User};
use crate::journal::corrections::{Correction, NewCorrection, Refund};
use crate::journal::support::SupportRow;
use crate::journal::{Journal, JournalError, StoredEvent};
use crate::printing::PrintedDocument;

use super::access::Access;
use super::fiscal::FiscalDesk;
pub use super::flow::{CorrectionError, MissingPaymentError};
use super::printer::{PrinterDesk, Printing};

use super::flow::FlowError;
use super::terminal::Terminal;

/// A correction as the till's user asks for it.
#[derive(Clone, Debug)]
pub struct CorrectionInput {
    /// The payment.
    pub payment: PaymentId,
    /// Which correction.
    pub kind: CorrectionKind,
    /// The original fiscal receipt: its number typed or its QR code scanned.
    pub receipt: String,
    /// Why.
    pub reason: String,
    /// The right account (move).
    pub new_account: Option<String>,
    /// The approving manager's name and PIN (cancel, refund).
    pub approver: Option<(String, Pin)>,
}

/// Everything the journal knows about one payment (the support view's timeline).
#[derive(Clone, Debug)]
pub struct PaymentStory {
    /// The payment as support sees it.
    pub row: SupportRow,
    /// Every journal event of the payment, in order.
    pub events: Vec<StoredEvent>,
    /// Its correction requests.
    pub corrections: Vec<Correction>,
    /// The cash given back, if any.
    pub refund: Option<Refund>,
}

/// What a correction request did.
#[derive(Debug)]
pub struct CorrectionDone {
    /// The request as journaled.
    pub correction: Correction,
    /// The refund paid, for a refund.
    pub refund: Option<Refund>,
    /// The refund receipt as printed (none if the printer failed: print it again from
    /// the support view).
    pub printed: Option<PrintedDocument>,
    /// Why the refund receipt did not print.
    pub print_error: Option<FlowError>,
}

/// A payment the customer has a receipt for but the journal does not know, as typed
/// from the receipt.
#[derive(Clone, Debug, Default)]
pub struct MissingPayment {
    /// Date and time on the receipt (`YYYY-MM-DD HH:MM`).
    pub when: String,
    /// Account.
    pub account: String,
    /// Operator, as printed.
    pub operator: String,
    /// Amount, as printed.
    pub amount: String,
    /// Receipt number.
    pub receipt: String,
    /// A photo or scan of the receipt (a file path), if any.
    pub scan: Option<std::path::PathBuf>,
}

/// The corrections service: requests, refunds, receipts the journal does not know.
pub struct Corrections<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
    catalogue: &'t Catalogue,
    fiscal: &'t mut FiscalDesk,
}

impl<'t> Corrections<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
        catalogue: &'t Catalogue,
        fiscal: &'t mut FiscalDesk,
    ) -> Corrections<'t> {
        Corrections {
            journal,
            access,
            terminal,
            printer,
            catalogue,
            fiscal,
        }
    }

    /// Records that a customer brought a receipt this journal does not know (a
    /// terminal event with the details and the scan's path) and returns the e-mail
    /// text for the central office.
    pub fn report_missing_payment(&mut self, m: &MissingPayment) -> Result<String, FlowError> {
        self.access.require_correction_rights()?;
        let when = crate::domain::period::parse_when(
            &m.when,
            self.terminal.docs().tz,
            crate::domain::period::DayEdge::Start,
        )
        .ok_or(MissingPaymentError::When)?;
        for (value, name) in [
            (&m.account, "account"),
            (&m.operator, "operator"),
            (&m.receipt, "receipt"),
        ] {
            if value.trim().is_empty() {
                return Err(MissingPaymentError::Empty(name).into());
            }
        }
        let amount = crate::domain::money::Money::parse(&m.amount)
            .map_err(|e| MissingPaymentError::Amount(e.to_string()))?;
        if let Some(scan) = &m.scan
            && !scan.is_file()
        {
            return Err(MissingPaymentError::NoScan(scan.clone()).into());
        }
        let actor = self.access.actor();
        self.journal.record_terminal_event(
            &format!("receipt:{}", m.receipt.trim()),
            "missing_payment_reported",
            serde_json::json!({
                "when": when,
                "account": m.account.trim(),
                "operator": m.operator.trim(),
                "amount": amount.to_string(),
                "receipt": m.receipt.trim(),
                "scan": m.scan.as_ref().map(|p| p.display().to_string()),
            }),
            &actor,
        )?;
        let lang = self.terminal.docs().lang;
        let mut text = crate::domain::correction::central_office_email(
            lang,
            self.terminal.docs().tz,
            &self.terminal.docs().currency,
            &self.terminal.docs().shop,
            self.terminal.id(),
            when,
            m.account.trim(),
            m.operator.trim(),
            amount,
            m.receipt.trim().parse().ok(),
            lang.t(crate::i18n::T::MissingPaymentWhat),
        );
        if let Some(scan) = &m.scan {
            text.push_str(&lang.fill(
                crate::i18n::T::MissingPaymentScan,
                &[("path", &scan.display())],
            ));
            text.push('\n');
        }
        Ok(text)
    }

    /// Whether `kind` is allowed for the payment now (for the form's buttons).
    pub fn correction_allowed(
        &self,
        payment: PaymentId,
        kind: CorrectionKind,
    ) -> Result<Result<(), Refusal>, FlowError> {
        let facts = self.journal.correction_facts(payment)?;
        Ok(correction::eligibility(kind, &facts))
    }

    /// Asks for a correction: checks the user, the receipt, the reason, the new
    /// account, the approver and the rules; journals it (a refund also pays out and
    /// prints the refund receipt). The sync worker hands it to the hub.
    pub fn request_correction(
        &mut self,
        input: &CorrectionInput,
    ) -> Result<CorrectionDone, FlowError> {
        self.access.require_correction_rights()?;
        let payment = self.journal.payment(input.payment)?;
        let receipt_no = correction::check_receipt(&payment, self.terminal.id(), &input.receipt)
            .map_err(CorrectionError::from)?;
        let reason = input.reason.trim();
        if reason.is_empty() {
            return Err(CorrectionError::NoReason.into());
        }
        let new_account = match input.kind {
            CorrectionKind::MoveAccount => {
                let typed = input.new_account.as_deref().unwrap_or_default();
                if typed.trim().is_empty() {
                    return Err(CorrectionError::NewAccount(None).into());
                }
                let op = self
                    .catalogue
                    .get(payment.details.operator.code.as_str())
                    .ok_or(CorrectionError::NewAccount(None))?;
                let account = op
                    .account_mask
                    .validate(typed)
                    .map_err(|e| CorrectionError::NewAccount(Some(e)))?;
                if account == payment.details.account {
                    return Err(CorrectionError::SameAccount.into());
                }
                Some(account)
            }
            _ => None,
        };
        if let Err(refusal) = self.correction_allowed(input.payment, input.kind)? {
            return Err(CorrectionError::NotEligible(refusal).into());
        }
        let approved_by = if correction::needs_approval(input.kind) {
            let (name, pin) = input
                .approver
                .as_ref()
                .ok_or(CorrectionError::NeedsApproval)?;
            // The manager's PIN counts towards their lockout like any login.
            let approver: User = self.journal.login(name, pin, Utc::now())?;
            user::require(Some(&approver), Action::ApproveRefund)
                .map_err(CorrectionError::Approver)?;
            Some(approver.name.to_string())
        } else {
            None
        };
        let new = NewCorrection {
            id: Uuid::now_v7(),
            payment_id: input.payment,
            kind: input.kind,
            reason: reason.to_string(),
            new_account,
            approved_by,
            fiscal_receipt_no: receipt_no,
        };
        let actor = self.access.actor();
        let refund = self
            .journal
            .request_correction(&new, &actor, Utc::now())
            .map_err(|e| match e {
                JournalError::NotEligible(r) => {
                    FlowError::Correction(CorrectionError::NotEligible(r))
                }
                e => e.into(),
            })?;
        let correction = self
            .journal
            .correction(new.id)?
            .ok_or(JournalError::NotFound(input.payment))?;
        let (printed, print_error) = match &refund {
            Some(r) if self.fiscal.configured() => match self.issue_return_receipt(r) {
                Ok(_) => (None, None),
                Err(e) => (None, Some(e)),
            },
            Some(r) => match self.print_refund_receipt(r) {
                Ok(p) => (Some(p), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, None),
        };
        Ok(CorrectionDone {
            correction,
            refund,
            printed,
            print_error,
        })
    }

    /// Prints a refund's receipt (again, marked as a copy, once it has printed). The
    /// refund is read again from the journal: whether this is the first print (the
    /// drawer opens) or a copy is what the journal says, not the caller's copy.
    pub fn print_refund_receipt(&mut self, refund: &Refund) -> Result<PrintedDocument, FlowError> {
        self.access.require_correction_rights()?;
        let refund = &self
            .journal
            .refund_of(refund.payment_id)?
            .unwrap_or_else(|| refund.clone());
        let payment = self.journal.payment(refund.payment_id)?;
        let facts = RefundFacts {
            refund_no: refund.refund_no,
            amount: refund.amount,
            shift_no: refund.shift_no,
            approved_by: refund.approved_by.clone(),
            cashier: self.access.actor(),
        };
        let mut doc = receipt::refund_receipt(self.terminal.docs(), &payment, &facts, Utc::now())?;
        // The cash goes out with the first refund receipt: the drawer opens then, as
        // for a sale; a copy leaves it shut.
        let printing = if refund.printed {
            doc.mark_copy(self.terminal.docs().lang);
            Printing::Copy
        } else {
            Printing::First
        };
        self.printer.check_ready()?;
        let printed = self.printer.print(
            &doc,
            self.printer
                .drawer_for(printing, self.terminal.docs().training),
        )?;
        let actor = self.access.actor();
        self.journal.mark_refund_printed(refund, None, &actor)?;
        Ok(printed)
    }

    /// A fiscal register is configured (refund receipts are its).
    pub fn fiscal_configured(&self) -> bool {
        self.fiscal.configured()
    }

    /// A fiscal register till: the refund's return-of-sale receipt, issued by the
    /// register with the same agent data as the sale. Settled by asking the register
    /// as a sale is: a return of this amount numbered after the register's last
    /// document before the attempt, owned by nothing else, is this refund's; once
    /// issued it is never issued again (`None` then).
    pub fn issue_return_receipt(
        &mut self,
        refund: &Refund,
    ) -> Result<Option<crate::domain::payment::FiscalDocumentRef>, FlowError> {
        self.access.require_correction_rights()?;
        let refund = self
            .journal
            .refund_of(refund.payment_id)?
            .unwrap_or_else(|| refund.clone());
        if refund.printed {
            return Ok(None);
        }
        let payment = self.journal.payment(refund.payment_id)?;
        let amount = u64::try_from(refund.amount.minor()).unwrap_or(0);
        let actor = self.access.actor();
        let status = self.fiscal.status()?;
        if status.receipt_open {
            self.fiscal.cancel_receipt()?;
        }
        if let Some(after) = self.journal.refund_issue_after(refund.payment_id)? {
            for n in after.saturating_add(1)..=status.last_document {
                let Some(found) = self.fiscal.find_receipt(n)? else {
                    continue;
                };
                if found.kind == crate::fiscal::ReceiptKind::ReturnOfSale
                    && found.total == amount
                    && self
                        .journal
                        .fiscal_document_owner(found.number, &status.fn_number)?
                        .is_none()
                {
                    let doc = crate::domain::payment::FiscalDocumentRef {
                        number: found.number,
                        fiscal_sign: found.fiscal_sign,
                        fn_number: status.fn_number.clone(),
                        issued_at: None,
                    };
                    self.journal
                        .mark_refund_printed(&refund, Some(doc.clone()), &actor)?;
                    return Ok(Some(doc));
                }
            }
        }
        let status = self.fiscal.check_ready()?;
        // The whole payment back: its lines as sold; part of it: one line of the
        // amount returned, without the fee.
        let mut receipt = self
            .fiscal
            .agent_receipt(
                &payment,
                self.terminal.docs(),
                crate::fiscal::ReceiptKind::ReturnOfSale,
                amount,
            )
            .ok_or(FlowError::Fiscal(crate::fiscal::FiscalError::Malformed(
                "no fiscal register configured",
            )))?;
        if receipt.total() != amount {
            receipt.amount = amount;
            receipt.fee = 0;
        }
        self.journal
            .refund_issue_started(&refund, status.last_document, &actor)?;
        let doc = super::fiscal::document_ref(&self.fiscal.issue(&receipt)?);
        self.journal
            .mark_refund_printed(&refund, Some(doc.clone()), &actor)?;
        Ok(Some(doc))
    }
}
