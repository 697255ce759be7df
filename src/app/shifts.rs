//! Shifts: opened with the cash in the drawer, the X report any time, closed with the
//! cash counted and the Z report. The sums are the journal's; the documents are the
//! domain's ([`crate::domain::report::shift_document`]).

use crate::domain::money::Money;
use crate::domain::report::{ShiftReport, shift_document};
use crate::domain::user::{Action, ShiftOpening};
use crate::journal::{Journal, JournalError, Shift};
use crate::printing::{CashDrawer, PrintedDocument};

use super::access::Access;
use super::fiscal::FiscalDesk;
use super::flow::FlowError;
use super::printer::PrinterDesk;
use super::terminal::Terminal;

/// The shifts service.
pub struct Shifts<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
    opening: ShiftOpening,
    fiscal: &'t mut FiscalDesk,
}

impl<'t> Shifts<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
        opening: ShiftOpening,
        fiscal: &'t mut FiscalDesk,
    ) -> Shifts<'t> {
        Shifts {
            journal,
            access,
            terminal,
            printer,
            opening,
            fiscal,
        }
    }

    /// The open shift.
    pub fn current(&self) -> Result<Option<Shift>, JournalError> {
        self.journal.current_shift(self.terminal.id())
    }

    /// Opens a shift with the cash in the drawer: a shift manager's work, or a
    /// cashier's too unless `[till] manager_opens_shift` says otherwise.
    pub fn open(&mut self, cash: Money) -> Result<u64, FlowError> {
        match self.opening {
            ShiftOpening::Cashier if self.access.require(Action::ManageShift).is_err() => {
                self.access.require(Action::TakePayments)?;
            }
            _ => {
                self.access.require(Action::ManageShift)?;
            }
        }
        let cashier = self.access.actor();
        // The register's shift first: a register that cannot open one (an expired
        // shift needing its Z, no paper) leaves paydesk's shift closed too.
        if self.fiscal.configured() {
            self.fiscal.open_shift(&crate::fiscal::Cashier {
                name: cashier.clone(),
                tax_id: None,
            })?;
        }
        Ok(self
            .journal
            .open_shift(self.terminal.id(), cash, &cashier)?)
    }

    /// Prints the open shift's X report (and returns it).
    pub fn x_report(&mut self) -> Result<(ShiftReport, PrintedDocument), FlowError> {
        self.access.require(Action::ManageShift)?;
        let report = self.journal.x_report(self.terminal.id())?;
        if self.fiscal.configured() {
            self.fiscal.x_report()?;
        }
        let doc = shift_document(self.terminal.docs(), &report);
        self.printer.check_ready()?;
        let printed = self.printer.print(&doc, CashDrawer::Closed)?;
        Ok((report, printed))
    }

    /// The open shift's sums so far, nothing printed (what a close would compare the
    /// count with).
    pub fn preview(&self) -> Result<ShiftReport, FlowError> {
        self.access.require(Action::ManageShift)?;
        Ok(self.journal.x_report(self.terminal.id())?)
    }

    /// Closes the open shift with the cash counted and prints its Z report. The shift
    /// is closed even if the printer then fails (the report can be printed again with
    /// `paydesk report`); the close itself is what the journal must not lose.
    pub fn close(
        &mut self,
        counted: Money,
    ) -> Result<(ShiftReport, Option<PrintedDocument>), FlowError> {
        self.access.require(Action::ManageShift)?;
        let cashier = self.access.actor();
        // The register's Z first: if it refuses, paydesk's shift stays open too and
        // the Z is tried again once the register is fixed.
        if self.fiscal.configured() && self.current()?.is_some() {
            self.fiscal.z_report()?;
        }
        let report = self
            .journal
            .close_shift(self.terminal.id(), counted, &cashier)?;
        let doc = shift_document(self.terminal.docs(), &report);
        let printed = self.printer.print(&doc, CashDrawer::Closed).ok();
        Ok((report, printed))
    }
}
