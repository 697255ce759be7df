//! The cashier's flow: the operator's check, the pre-receipt, the signature, the
//! cash, the fiscal receipt — and the recovery steps that finish a payment left
//! between two of them.
//!
//! Every side effect is bracketed: the "about to" state is committed before the
//! printer gets a byte and the "done" state after it returns, so after a crash the
//! journal says exactly which document may be on paper ([`super::recovery`]).
//! A payment that cannot be journaled stops before the cashier is asked for money.

use chrono::{SubsecRound, Utc};

use crate::crashpoint;
use crate::domain::entry::{Quote, check_tendered};
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::{
    OperatorSnapshot, Payment, PaymentDetails, PaymentEvent, PaymentId, StateName, VoidReason,
};
use crate::domain::receipt;
use crate::domain::report::{PaymentsFilter, ReportRow, StatusFilter};
use crate::domain::user::{Action, ShiftOpening};
use crate::hub::client::HubClient;
use crate::hub::protocol::{CheckCode, CheckRequest};
use crate::journal::{Journal, JournalError};
use crate::printing::{CashDrawer, Confirmation};

use super::access::Access;
use super::fiscal::{FiscalDesk, document_ref};
use super::flow::{FlowError, Step};
use super::journal_check::JournalHealth;
use super::printer::{PrinterDesk, Printing};
use super::terminal::Terminal;

/// What the operator said about a payment before its pre-receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The operator accepts it; `display` has fields to show (e.g. subscriber).
    Confirmed {
        /// Fields to show the cashier.
        display: std::collections::BTreeMap<String, String>,
    },
    /// No hub answer: only the cached catalogue's rules were checked.
    Offline {
        /// What happened.
        error: String,
    },
    /// No hub is configured: only the catalogue's rules were checked.
    NotConfigured,
}

/// A payment's own documents, printed between two journal commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Document {
    /// The slip the customer signs.
    PreReceipt,
    /// The receipt after the cash.
    FiscalReceipt,
}

/// Where a payment stands after one of its steps failed, read back from the journal
/// (never assumed from the step that was attempted).
#[derive(Clone, Debug)]
pub enum Standing {
    /// No payment was recorded: the step refused before its first write.
    NotRecorded,
    /// The payment as the journal holds it now.
    Journaled(Box<Payment>),
    /// The journal could not be read back.
    Unknown,
}

impl Standing {
    /// The standing from a re-read of the journal: `None` when no payment exists.
    pub fn from_reread<E>(payment: Option<Result<Payment, E>>) -> Standing {
        match payment {
            None => Standing::NotRecorded,
            Some(Ok(p)) => Standing::Journaled(Box::new(p)),
            Some(Err(_)) => Standing::Unknown,
        }
    }

    /// The payment, when the journal was read back and holds one.
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            Standing::Journaled(p) => Some(p),
            _ => None,
        }
    }
}

/// What a payment may be: the operators in force and the ceilings.
#[derive(Clone, Debug)]
pub struct PaymentRules {
    catalogue: Catalogue,
    max_payment: Money,
    max_change: Money,
    shift_opening: ShiftOpening,
    /// No payment while the background check says the journal is damaged.
    health: JournalHealth,
}

impl PaymentRules {
    pub(super) fn new(
        catalogue: Catalogue,
        max_payment: Money,
        max_change: Money,
        shift_opening: ShiftOpening,
    ) -> PaymentRules {
        PaymentRules {
            catalogue,
            max_payment,
            max_change,
            shift_opening,
            health: JournalHealth::new(),
        }
    }

    /// The background check's verdict on the journal, which every new payment asks.
    pub fn health(&self) -> &JournalHealth {
        &self.health
    }

    /// Who opens a shift (`[till] manager_opens_shift`).
    pub fn shift_opening(&self) -> ShiftOpening {
        self.shift_opening
    }

    /// The operator catalogue in force.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The ceiling for one payment.
    pub fn max_payment(&self) -> Money {
        self.max_payment
    }

    /// The most change this till gives: the bound on cash received is the total plus
    /// this (`max_change` in the config).
    pub fn max_change(&self) -> Money {
        self.max_change
    }
}

/// The payments service: one payment's steps, over the journal and the printer.
pub struct Payments<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
    rules: &'t PaymentRules,
    hub: Option<&'t HubClient>,
    fiscal: &'t mut FiscalDesk,
}

impl<'t> Payments<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
        rules: &'t PaymentRules,
        hub: Option<&'t HubClient>,
        fiscal: &'t mut FiscalDesk,
    ) -> Payments<'t> {
        Payments {
            journal,
            access,
            terminal,
            printer,
            rules,
            hub,
            fiscal,
        }
    }

    /// Asks the operator (through the hub) whether it would accept the payment. A
    /// refusal stops the payment before anything is journaled; no answer lets it go on
    /// with the cached catalogue's rules only.
    pub fn check(&self, quote: &Quote) -> Result<CheckOutcome, FlowError> {
        let Some(hub) = self.hub else {
            return Ok(CheckOutcome::NotConfigured);
        };
        let req = CheckRequest {
            operator: quote.operator.code.as_str().to_string(),
            account: quote.account.clone(),
            amount: quote.amount,
        };
        match hub.check(&req) {
            Ok(answer) if answer.code == CheckCode::InsufficientBalance => {
                Err(FlowError::LowBalance {
                    balance: answer.balance.unwrap_or_default(),
                    queued: Money::default(),
                    amount: quote.amount,
                })
            }
            Ok(answer) if answer.code == CheckCode::Ok => {
                // The hub's balance does not know the payments still queued here:
                // they take their part of it when they arrive.
                if let Some(balance) = answer.balance {
                    let queued = self.journal.undelivered_amount(self.terminal.id())?;
                    if balance.decimal() - queued.decimal() < quote.amount.decimal() {
                        return Err(FlowError::LowBalance {
                            balance,
                            queued,
                            amount: quote.amount,
                        });
                    }
                }
                Ok(CheckOutcome::Confirmed {
                    display: answer.display,
                })
            }
            Ok(answer) => Err(FlowError::CheckRefused {
                code: answer.code,
                message: answer.message,
                operator: quote.operator.name.clone(),
                account: quote.account.clone(),
            }),
            // No usable answer (or the hub refuses our token): the payment may go on
            // on the catalogue's rules; the cashier is told so.
            Err(e) => Ok(CheckOutcome::Offline {
                error: e.to_string(),
            }),
        }
    }

    /// Payments of this terminal left between two steps that wait for an answer
    /// here: left by a process that is gone, or by this one (not those another live
    /// till on this journal is taking right now).
    pub fn unfinished(&self) -> Result<Vec<Payment>, JournalError> {
        self.journal.waiting_for_answer(self.terminal.id())
    }

    /// This terminal's accepted payments of the open shift, newest first (at most
    /// `limit`): what the cashier sees of each one's fate at the hub.
    pub fn this_shift(&self, limit: usize) -> Result<Vec<ReportRow>, FlowError> {
        self.access.require(Action::TakePayments)?;
        let Some(shift) = self.journal.current_shift(self.terminal.id())? else {
            return Ok(Vec::new());
        };
        let Ok(from) = chrono::DateTime::parse_from_rfc3339(&shift.opened_at) else {
            return Ok(Vec::new());
        };
        let filter = PaymentsFilter {
            // The payment that opened the shift was created just before it.
            from: from.with_timezone(&Utc) - chrono::Duration::hours(1),
            to: Utc::now() + chrono::Duration::minutes(1),
            operator: None,
            account: None,
            status: Some(StatusFilter::Accepted),
        };
        let mut rows: Vec<ReportRow> = self
            .journal
            .payments_report(&filter)?
            .into_iter()
            .filter(|r| r.terminal_id == self.terminal.id())
            .collect();
        rows.reverse();
        rows.truncate(limit);
        Ok(rows)
    }

    /// The payment a typed id names: a full id, or the short id printed on the
    /// pre-receipt when exactly one payment of this terminal has it.
    pub fn resolve_payment_id(&self, text: &str) -> Result<PaymentId, FlowError> {
        let text = text.trim();
        if let Ok(id) = text.parse::<PaymentId>() {
            return Ok(id);
        }
        let found = self
            .journal
            .payments_by_short_id(self.terminal.id(), text)?;
        match found.as_slice() {
            [id] => Ok(*id),
            [] => Err(FlowError::UnknownPaymentId(text.to_string())),
            many => Err(FlowError::AmbiguousShortId {
                short: text.to_string(),
                count: many.len(),
            }),
        }
    }

    /// Re-reads a payment.
    pub fn payment(&self, id: PaymentId) -> Result<Payment, JournalError> {
        self.journal.payment(id)
    }

    /// A payment this step may touch: the user may take payments and the payment is
    /// in one of the `allowed` states.
    fn expect(&self, id: PaymentId, allowed: &[StateName]) -> Result<Payment, FlowError> {
        self.access.require(Action::TakePayments)?;
        let p = self.journal.payment(id)?;
        if allowed.contains(&p.state.name()) {
            Ok(p)
        } else {
            Err(FlowError::WrongState {
                id,
                state: p.state.name(),
            })
        }
    }

    fn record(&mut self, p: &Payment, e: PaymentEvent) -> Result<Payment, FlowError> {
        let actor = self.access.actor();
        Ok(self.journal.record(p, e, &actor)?)
    }

    /// A payment belongs to a shift opened on purpose, with the cash counted: none
    /// open stops it before the pre-receipt (the error says who may open one). Asked
    /// by `print_pre_receipt` itself, and before the hub is asked so a refusal is
    /// immediate.
    pub fn require_shift(&mut self) -> Result<(), FlowError> {
        // A journal the background check found damaged takes no new payment: the
        // same words as a damaged journal at start.
        self.rules.health().require_whole(self.journal)?;
        if self.journal.current_shift(self.terminal.id())?.is_none() {
            return Err(FlowError::NoShift {
                opening: self.rules.shift_opening,
            });
        }
        // A register whose shift is past 24 hours, or that does not answer, cannot
        // issue the receipt: stop before the pre-receipt.
        if self.fiscal.configured() {
            self.fiscal.check_ready()?;
        }
        Ok(())
    }

    /// Step 2: journal the payment with its pre-receipt number, print the
    /// pre-receipt, journal that it printed.
    pub fn print_pre_receipt(&mut self, quote: &Quote) -> Result<Step, FlowError> {
        self.access.require(Action::TakePayments)?;
        // A payment left between two steps is answered first: starting another while
        // one waits is how a customer gets charged twice.
        if self.fiscal.configured() {
            self.settle_all_fiscal();
        }
        if let Some(waiting) = self.unfinished()?.into_iter().next() {
            return Err(FlowError::Pending {
                payment: Box::new(waiting),
            });
        }
        self.require_shift()?;
        // A printer that says it cannot print stops the payment before it exists.
        self.printer.check_ready()?;
        let details = PaymentDetails {
            id: PaymentId::new(),
            terminal_id: self.terminal.id().to_string(),
            operator: OperatorSnapshot::from(&quote.operator),
            account: quote.account.clone(),
            amount: quote.amount,
            fee: quote.fee,
            total: quote.total,
            // Milliseconds: what the journal's timestamps hold, so the row and the
            // `created` event say exactly the same.
            created_at: Utc::now().trunc_subsecs(3),
            cashier: self.access.actor(),
        };
        let p = self.journal.start_pre_receipt(&details, &details.cashier)?;
        crashpoint::hit("pre_receipt.intent");
        self.finish_pre_receipt(p)
    }

    fn finish_pre_receipt(&mut self, p: Payment) -> Result<Step, FlowError> {
        let doc = receipt::pre_receipt(self.terminal.docs(), &p, Utc::now())?;
        self.print_then_record(p, &doc, CashDrawer::Closed, Document::PreReceipt)
    }

    /// The second half of "about to, then done" for a payment's document: print it
    /// (the printer vouching for it as far as it can), then journal that it printed.
    /// A crash between the two is what the recovery question asks about. A fiscal
    /// receipt a printer cannot vouch for stays "printing" for the cashier's answer.
    fn print_then_record(
        &mut self,
        p: Payment,
        doc: &receipt::Document,
        drawer: CashDrawer,
        which: Document,
    ) -> Result<Step, FlowError> {
        let (printed_point, done_point, event) = match which {
            Document::PreReceipt => (
                "pre_receipt.printed",
                "pre_receipt.done",
                PaymentEvent::PreReceiptPrinted,
            ),
            Document::FiscalReceipt => {
                ("fiscal.printed", "fiscal.done", PaymentEvent::FiscalPrinted)
            }
        };
        let printed = self.printer.print(doc, drawer)?;
        crashpoint::hit(printed_point);
        if which == Document::FiscalReceipt && printed.confirmation == Confirmation::Nothing {
            // The printer cannot say whether the whole receipt came out: the payment
            // counts as fiscalized only once the cashier says so (the recovery
            // question "was receipt No. N printed and handed over?"). The signature
            // vouches for a pre-receipt.
            return Ok(Step {
                payment: p,
                printed: Some(printed),
                issued: None,
            });
        }
        let p = self.record(&p, event)?;
        crashpoint::hit(done_point);
        Ok(Step {
            payment: p,
            printed: Some(printed),
            issued: None,
        })
    }

    /// Prints the pre-receipt again (it did not come out): journals the reprint, then
    /// prints, then journals that it printed.
    pub fn reprint_pre_receipt(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinting])?;
        self.printer.check_ready()?;
        let p = self.record(&p, PaymentEvent::PreReceiptReprintStarted)?;
        self.finish_pre_receipt(p)
    }

    /// Recovery: the cashier confirms the pre-receipt did come out.
    pub fn confirm_pre_receipt_printed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinting])?;
        let p = self.record(&p, PaymentEvent::PreReceiptPrinted)?;
        Ok(Step {
            payment: p,
            printed: None,
            issued: None,
        })
    }

    /// Step 3: the customer signed.
    pub fn customer_signed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinted])?;
        let p = self.record(&p, PaymentEvent::CustomerSigned)?;
        crashpoint::hit("signed");
        crashpoint::stop_once("signed");
        Ok(Step {
            payment: p,
            printed: None,
            issued: None,
        })
    }

    /// Voids a payment before money was taken.
    pub fn void(&mut self, id: PaymentId, reason: VoidReason) -> Result<Step, FlowError> {
        self.access.require(Action::TakePayments)?;
        let p = self.journal.payment(id)?;
        let p = self.record(&p, PaymentEvent::Voided { reason })?;
        Ok(Step {
            payment: p,
            printed: None,
            issued: None,
        })
    }

    /// Step 4: the cash is taken; journal it with the fiscal receipt's numbers, print
    /// the fiscal receipt, journal that it printed (the payment is then queued). On a
    /// printer that can confirm nothing the payment stays in "fiscal printing" with
    /// the receipt on paper: the cashier answers whether it printed completely.
    ///
    /// A printer that says it cannot print (paper end, cover open, no answer) gets
    /// the cash journaled without starting the fiscal receipt: the payment waits in
    /// "cash taken" and the receipt is printed once the printer is fixed.
    pub fn take_cash(&mut self, id: PaymentId, tendered: Money) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::Signed])?;
        check_tendered(tendered, p.details.total, self.rules.max_change)?;
        let actor = self.access.actor();
        // The device that issues the receipt must be able to: the fiscal register
        // when there is one, the receipt printer otherwise.
        let ready = if self.fiscal.configured() {
            self.fiscal
                .check_ready()
                .map(|_| ())
                .map_err(FlowError::from)
        } else {
            self.printer.check_ready().map_err(FlowError::from)
        };
        if let Err(e) = ready {
            self.journal.take_cash(&p, tendered, false, &actor)?;
            return Err(e);
        }
        let p = self.journal.take_cash(&p, tendered, true, &actor)?;
        crashpoint::hit("fiscal.intent");
        self.finish_fiscal(p, Printing::First)
    }

    /// Settles every payment of this till left in "fiscal printing" by asking the
    /// register (at start and before a new payment); those it cannot settle stay.
    pub fn settle_all_fiscal(&mut self) -> Vec<Step> {
        let waiting = self.unfinished().unwrap_or_default();
        waiting
            .into_iter()
            .filter(|p| p.state.name() == StateName::FiscalPrinting)
            .filter_map(|p| self.settle_fiscal(p.id()).ok())
            .collect()
    }

    /// A fiscal register is configured: receipts are its, not the printer's.
    pub fn fiscal_configured(&self) -> bool {
        self.fiscal.configured()
    }

    /// The fiscal register issues the payment's receipt: journal "about to, after the
    /// register's document N", ask the register, journal what its fiscal storage gave
    /// the receipt (ФД, ФП, ФН). A crash anywhere here is settled by asking the
    /// register ([`Payments::settle_fiscal`]).
    fn issue_fiscal(&mut self, p: Payment) -> Result<Step, FlowError> {
        let status = self.fiscal.check_ready()?;
        let cash = p
            .state
            .cash()
            .map(|c| u64::try_from(c.tendered.minor()).unwrap_or(0))
            .unwrap_or(0);
        let receipt = self
            .fiscal
            .agent_receipt(
                &p,
                self.terminal.docs(),
                crate::fiscal::ReceiptKind::Sale,
                cash,
            )
            .ok_or(FlowError::Fiscal(crate::fiscal::FiscalError::Malformed(
                "no fiscal register configured",
            )))?;
        let p = self.record(
            &p,
            PaymentEvent::FiscalIssueStarted {
                after_document: status.last_document,
            },
        )?;
        let doc = document_ref(&self.fiscal.issue(&receipt)?);
        crashpoint::hit("fiscal.printed");
        let p = self.record(
            &p,
            PaymentEvent::FiscalIssued {
                document: doc.clone(),
            },
        )?;
        crashpoint::hit("fiscal.done");
        Ok(Step {
            payment: p,
            printed: None,
            issued: Some(doc),
        })
    }

    /// A payment left in "fiscal printing" on a till with a fiscal register: asks the
    /// register what became of its receipt and finishes it where the answer is
    /// certain. A receipt left open is cancelled (it is no document); a sale of this
    /// total numbered after the register's last document before the attempt, and not
    /// already some other payment's, is this payment's receipt; none means it was
    /// never issued, and it is issued now. A register that does not answer leaves
    /// the payment as it is.
    pub fn settle_fiscal(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::FiscalPrinting])?;
        let status = self.fiscal.status()?;
        if status.receipt_open {
            self.fiscal.cancel_receipt()?;
        }
        let after = self
            .journal
            .events(id)?
            .iter()
            .rev()
            .find(|e| e.kind == "fiscal_issue_started")
            .and_then(|e| serde_json::from_str::<PaymentEvent>(&e.data).ok())
            .and_then(|e| match e {
                PaymentEvent::FiscalIssueStarted { after_document } => Some(after_document),
                _ => None,
            });
        if let Some(after) = after {
            let total = u64::try_from(p.details.total.minor()).unwrap_or(0);
            for n in after.saturating_add(1)..=status.last_document {
                let Some(found) = self.fiscal.find_receipt(n)? else {
                    continue;
                };
                let ours = found.kind == crate::fiscal::ReceiptKind::Sale
                    && found.total == total
                    && self
                        .journal
                        .fiscal_document_owner(found.number, &status.fn_number)?
                        .is_none();
                if ours {
                    let doc = crate::domain::payment::FiscalDocumentRef {
                        number: found.number,
                        fiscal_sign: found.fiscal_sign,
                        fn_number: status.fn_number.clone(),
                        issued_at: None,
                    };
                    let p = self.record(
                        &p,
                        PaymentEvent::FiscalIssued {
                            document: doc.clone(),
                        },
                    )?;
                    return Ok(Step {
                        payment: p,
                        printed: None,
                        issued: Some(doc),
                    });
                }
            }
        }
        self.issue_fiscal(p)
    }

    fn finish_fiscal(&mut self, p: Payment, printing: Printing) -> Result<Step, FlowError> {
        if self.fiscal.configured() {
            return self.issue_fiscal(p);
        }
        let mut doc = receipt::fiscal_receipt(self.terminal.docs(), &p, Utc::now())?;
        if printing == Printing::Copy {
            doc.mark_copy(self.terminal.docs().lang);
        }
        // The drawer opens with the first fiscal receipt only, never with a copy.
        let drawer = self
            .printer
            .drawer_for(printing, self.terminal.docs().training);
        self.print_then_record(p, &doc, drawer, Document::FiscalReceipt)
    }

    /// Recovery: the cash was taken but the fiscal receipt was never started.
    pub fn print_fiscal(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::CashTaken])?;
        if self.fiscal.configured() {
            self.fiscal.check_ready()?;
        } else {
            self.printer.check_ready()?;
        }
        let actor = self.access.actor();
        let p = self.journal.start_fiscal(&p, &actor)?;
        crashpoint::hit("fiscal.intent");
        self.finish_fiscal(p, Printing::First)
    }

    /// Recovery: the fiscal receipt did not come out; print it again with the same
    /// number.
    pub fn reprint_fiscal(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        if self.fiscal.configured() {
            // Never "print again" on a register: ask it what it issued.
            return self.settle_fiscal(id);
        }
        let p = self.expect(id, &[StateName::FiscalPrinting])?;
        self.printer.check_ready()?;
        let p = self.record(&p, PaymentEvent::FiscalReprintStarted)?;
        self.finish_fiscal(p, Printing::Copy)
    }

    /// Recovery: the cashier confirms the fiscal receipt came out and was handed over.
    pub fn confirm_fiscal_printed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        if self.fiscal.configured() {
            // The cashier cannot vouch for a fiscal document: the register can.
            return self.settle_fiscal(id);
        }
        let p = self.expect(id, &[StateName::FiscalPrinting])?;
        let p = self.record(&p, PaymentEvent::FiscalPrinted)?;
        Ok(Step {
            payment: p,
            printed: None,
            issued: None,
        })
    }
}
