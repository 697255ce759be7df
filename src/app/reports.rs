//! The payments report for managers, support and admins: its rows on screen and its
//! document on the receipt printer ([`crate::domain::report::payments_document`]).
//! Files are written by [`super::export`].

use crate::domain::report::{PaymentsFilter, RefundTotals, ReportRow, payments_document};
use crate::domain::user::Action;
use crate::journal::Journal;
use crate::printing::{CashDrawer, PrintedDocument};

use super::access::Access;
use super::flow::FlowError;
use super::printer::PrinterDesk;
use super::terminal::Terminal;

/// The most payments a printed report lists.
pub const PRINT_ROWS_UP_TO: u64 = 1_000;

/// The reports service.
pub struct Reports<'t> {
    journal: &'t Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    printer: &'t mut PrinterDesk,
}

impl<'t> Reports<'t> {
    pub(super) fn new(
        journal: &'t Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        printer: &'t mut PrinterDesk,
    ) -> Reports<'t> {
        Reports {
            journal,
            access,
            terminal,
            printer,
        }
    }

    /// Whether the one logged in may see reports (the report thread reads them).
    pub fn may_view(&self) -> Result<(), FlowError> {
        self.access.require(Action::ViewReports)
    }

    /// The payments report's rows for a filter (managers, support, admins).
    pub fn payments(&self, filter: &PaymentsFilter) -> Result<Vec<ReportRow>, FlowError> {
        self.access.require(Action::ViewReports)?;
        Ok(self.journal.payments_report(filter)?)
    }

    /// The refunds paid in the filter's period (the report's own line for them).
    pub fn refunds(&self, filter: &PaymentsFilter) -> Result<RefundTotals, FlowError> {
        self.access.require(Action::ViewReports)?;
        Ok(self.journal.refund_totals(filter)?)
    }

    /// Prints the payments report of a filter on the receipt printer (at most
    /// [`PRINT_ROWS_UP_TO`] payments: a longer one is a file, not a roll of paper).
    pub fn print(&mut self, filter: &PaymentsFilter) -> Result<PrintedDocument, FlowError> {
        self.may_view()?;
        if self
            .journal
            .report_rows_up_to(filter, PRINT_ROWS_UP_TO + 1)?
            > PRINT_ROWS_UP_TO
        {
            return Err(FlowError::ReportTooLong {
                limit: PRINT_ROWS_UP_TO,
            });
        }
        let rows = self.payments(filter)?;
        let doc = payments_document(self.terminal.docs(), &rows, filter.from, filter.to);
        self.printer.check_ready()?;
        Ok(self.printer.print(&doc, CashDrawer::Closed)?)
    }
}
