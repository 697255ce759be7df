//! Shifts: opened with the cash in the drawer, the X report any time, closed with the
//! cash counted and the Z report. The sums are the journal's; the documents are the
//! domain's ([`crate::domain::report::shift_document`]).

use crate::domain::money::Money;
use crate::domain::report::{ShiftReport, shift_document};
use crate::domain::user::{Action, ShiftOpening};
use crate::journal::{Journal, JournalError, Shift};
use crate::printing::{CashDrawer, PrintedDocument};

use super::access::Access;
use super::config::Backups;
use super::fiscal::FiscalDesk;
use super::flow::FlowError;
use super::payments::PaymentRules;
use super::printer::PrinterDesk;
use super::terminal::Terminal;
use crate::journal::backup::{Backup, BackupError};

/// The shifts service.
pub struct Shifts<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
    rules: &'t PaymentRules,
    fiscal: &'t mut FiscalDesk,
    backups: &'t Backups,
}

/// A closed shift: its Z report, the paper (none if the printer failed), and the
/// journal's backup taken at the close (a failed backup never undoes the close).
#[derive(Debug)]
pub struct ShiftClosed {
    /// The Z report.
    pub report: ShiftReport,
    /// The Z report as printed.
    pub printed: Option<PrintedDocument>,
    /// The backup written, or why not.
    pub backup: Result<Backup, BackupError>,
}

impl<'t> Shifts<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
        rules: &'t PaymentRules,
        fiscal: &'t mut FiscalDesk,
        backups: &'t Backups,
    ) -> Shifts<'t> {
        Shifts {
            journal,
            access,
            terminal,
            printer,
            rules,
            fiscal,
            backups,
        }
    }

    /// The open shift.
    pub fn current(&self) -> Result<Option<Shift>, JournalError> {
        self.journal.current_shift(self.terminal.id())
    }

    /// Opens a shift with the cash in the drawer: a shift manager's work, or a
    /// cashier's too unless `[till] manager_opens_shift` says otherwise.
    pub fn open(&mut self, cash: Money) -> Result<u64, FlowError> {
        match self.rules.shift_opening() {
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

    /// Closes the open shift with the cash counted, prints its Z report and backs the
    /// journal up. The shift is closed even if the printer or the backup then fails
    /// (the report can be printed again with `paydesk report`, the backup taken with
    /// `paydesk journal backup`); the close itself is what the journal must not lose.
    pub fn close(&mut self, counted: Money) -> Result<ShiftClosed, FlowError> {
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
        // The day's work in a second place (slower than the close, never blocking it).
        let backup = self
            .journal
            .backup_into(&self.backups.dir, self.backups.keep);
        if let Err(e) = &backup {
            tracing::warn!("no backup at the Z report: {e}");
        }
        // The whole journal checked again at the end of each day, off this thread.
        self.rules.health().check_soon();
        Ok(ShiftClosed {
            report,
            printed,
            backup,
        })
    }
}
