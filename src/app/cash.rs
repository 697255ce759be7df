//! The cash service: cash put into the drawer, taken out, collected for the bank, and
//! the collection report. A shift manager's work (the same permission as the shift).
//! The journal row comes first, then the slip: a slip that does not print leaves the
//! move recorded, and it is printed again with [`Cash::reprint`].

use chrono::{DateTime, Utc};

use crate::domain::cash::{CashMove, CashMoveRequest, CashNote, CollectionReport, cash_slip};
use crate::domain::user::Action;
use crate::journal::Journal;
use crate::printing::{CashDrawer, PrintError, PrintedDocument};

use super::access::Access;
use super::flow::FlowError;
use super::printer::{PrinterDesk, Printing};
use super::terminal::Terminal;

/// The cash service.
pub struct Cash<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
}

/// A cash move recorded, and its slip (or why the slip did not print: the move stands).
#[derive(Debug)]
pub struct CashRecorded {
    /// The move as journaled.
    pub recorded: CashMove,
    /// The slip as printed, or the printer's error.
    pub printed: Result<PrintedDocument, PrintError>,
}

impl<'t> Cash<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
    ) -> Cash<'t> {
        Cash {
            journal,
            access,
            terminal,
            printer,
        }
    }

    /// Records cash in, out or collected in the open shift and prints its slip,
    /// opening the drawer. A printer that is not ready refuses before anything is
    /// written (as a pre-receipt does).
    pub fn record(&mut self, request: &CashMoveRequest) -> Result<CashRecorded, FlowError> {
        self.access.require(Action::ManageShift)?;
        self.printer.check_ready()?;
        let recorded =
            self.journal
                .record_cash_move(self.terminal.id(), request, &self.access.actor())?;
        let drawer = self
            .printer
            .drawer_for(Printing::First, self.terminal.docs().training);
        let printed = self.print(&recorded, drawer, Printing::First);
        if let Err(e) = &printed {
            tracing::warn!("cash slip {} not printed: {e}", recorded.number);
        }
        Ok(CashRecorded { recorded, printed })
    }

    /// Prints a cash slip again, marked as a copy; the drawer stays shut.
    pub fn reprint(&mut self, number: u64) -> Result<PrintedDocument, FlowError> {
        self.access.require(Action::ManageShift)?;
        let m = self
            .journal
            .cash_move(self.terminal.id(), number)?
            .ok_or(crate::journal::JournalError::NoCashSlip { number })?;
        self.printer.check_ready()?;
        Ok(self.print(&m, CashDrawer::Closed, Printing::Copy)?)
    }

    /// Writes a collection's bank reference once the bank gives it.
    pub fn set_bank_ref(
        &mut self,
        number: u64,
        bank_ref: &CashNote,
    ) -> Result<CashMove, FlowError> {
        self.access.require(Action::ManageShift)?;
        Ok(self
            .journal
            .set_bank_ref(self.terminal.id(), number, bank_ref, &self.access.actor())?)
    }

    /// The open shift's cash moves, oldest first (none with no shift open).
    pub fn shift_moves(&self) -> Result<Vec<CashMove>, FlowError> {
        self.access.require(Action::ManageShift)?;
        let Some(shift) = self.journal.current_shift(self.terminal.id())? else {
            return Ok(Vec::new());
        };
        Ok(self.journal.cash_moves(self.terminal.id(), shift.number)?)
    }

    /// The collection report of the shifts opened in `[from, to)`.
    pub fn collection_report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<CollectionReport, FlowError> {
        if self.access.require(Action::ViewReports).is_err() {
            self.access.require(Action::ManageShift)?;
        }
        Ok(self
            .journal
            .collection_report(self.terminal.id(), from, to)?)
    }

    fn print(
        &mut self,
        m: &CashMove,
        drawer: CashDrawer,
        printing: Printing,
    ) -> Result<PrintedDocument, PrintError> {
        let mut doc = cash_slip(self.terminal.docs(), m, self.terminal.id());
        if printing == Printing::Copy {
            doc.mark_copy(self.terminal.docs().lang);
        }
        self.printer.print(&doc, drawer)
    }
}
