//! The receipt printer as the till uses it: [`PrinterDesk`] owns the printer, its
//! settings and the log of every document printed; [`Printer`] is the service the
//! settings screen and the status bar use (status, test page, another printer).
//! Other services print through the desk and never build a printer themselves.

use crate::domain::receipt;
use crate::domain::user::Action;
use crate::printing::profile::{ProfileError, ProfileLibrary};
use crate::printing::status::StatusReport;
use crate::printing::transport::{self, PaperLog};
use crate::printing::{CashDrawer, PrintError, PrintedDocument, ReceiptPrinter, test_page};

use super::access::Access;
use super::config::{ConnectionKind, PrinterConfig};
use super::flow::FlowError;

/// Whether a document that moves cash is printed for the first time or again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Printing {
    /// The first time: the drawer may open.
    First,
    /// Again after a failure: marked as a copy, the drawer stays shut.
    Copy,
}

/// The receipt printer a `[printer]` config describes (nothing is sent to it yet).
pub fn build_printer(config: &PrinterConfig) -> Result<ReceiptPrinter, ProfileError> {
    let library = ProfileLibrary::load(Some(&config.profiles_dir));
    let profile = library.get(&config.profile)?;
    let transport = transport::open(&config.connection(&profile), &profile, config.timeouts);
    Ok(ReceiptPrinter::with_timeouts(
        profile,
        transport,
        config.timeouts,
    ))
}

/// The printer in use, its settings, and every document it printed.
pub struct PrinterDesk {
    printer: ReceiptPrinter,
    config: PrinterConfig,
    paper: PaperLog,
}

impl PrinterDesk {
    pub(super) fn new(printer: ReceiptPrinter, config: PrinterConfig) -> PrinterDesk {
        PrinterDesk {
            printer,
            config,
            paper: PaperLog::default(),
        }
    }

    /// Fails when the printer says it cannot print now (paper end, cover open, no
    /// answer); a printer that cannot tell passes.
    pub(super) fn check_ready(&mut self) -> Result<(), PrintError> {
        self.printer.check_ready()
    }

    /// Prints a document and logs it.
    pub(super) fn print(
        &mut self,
        doc: &receipt::Document,
        drawer: CashDrawer,
    ) -> Result<PrintedDocument, PrintError> {
        let printed = self.printer.print_with(doc, drawer)?;
        self.log(&printed);
        Ok(printed)
    }

    /// Whether a document that moves cash opens the drawer: the first print only,
    /// never a copy; as `[printer] open_drawer` says, by default outside training
    /// mode only (a training till has no cash in it).
    pub(super) fn drawer_for(&self, printing: Printing, training: bool) -> CashDrawer {
        let wanted = self.config.open_drawer.unwrap_or(!training);
        if wanted && printing == Printing::First {
            CashDrawer::Open
        } else {
            CashDrawer::Closed
        }
    }

    fn log(&self, printed: &PrintedDocument) {
        self.paper
            .lock()
            .expect("paper log lock")
            .push((printed.job.clone(), printed.printout.clone()));
        // `output_dir` (`--out DIR`): a real printer's documents are copied there as
        // the virtual printer writes its own (decoded text, paper image, the bytes).
        // The copy is a convenience; the paper is what counts, so a failure is logged.
        if self.config.kind != ConnectionKind::Virtual
            && let Some(dir) = &self.config.section.output_dir
            && let Err(e) = transport::write_copy(dir, &printed.job, &printed.printout)
        {
            tracing::warn!(
                "copy of {} not written into {}: {e}",
                printed.job.name,
                dir.display()
            );
        }
    }
}

/// The printer service: what the settings screen and the status bar ask of it.
pub struct Printer<'t> {
    access: &'t Access,
    desk: &'t mut PrinterDesk,
}

impl<'t> Printer<'t> {
    pub(super) fn new(access: &'t Access, desk: &'t mut PrinterDesk) -> Printer<'t> {
        Printer { access, desk }
    }

    /// Every document this till printed, as sent and decoded (whatever the printer).
    pub fn paper(&self) -> PaperLog {
        self.desk.paper.clone()
    }

    /// "Epson TM-T20III (80 mm) · /dev/ttyUSB0 38400 8N1 RTS/CTS".
    pub fn description(&self) -> String {
        self.desk.printer.describe()
    }

    /// The printer settings in force.
    pub fn config(&self) -> &PrinterConfig {
        &self.desk.config
    }

    /// Switches to another printer (settings saved by the manager).
    pub fn set(&mut self, config: PrinterConfig) -> Result<(), FlowError> {
        self.access.require(Action::ChangeSettings)?;
        self.desk.printer =
            build_printer(&config).map_err(|e| FlowError::Settings(e.to_string()))?;
        self.desk.config = config;
        Ok(())
    }

    /// True when the printer can report its status.
    pub fn has_status(&self) -> bool {
        self.desk.printer.has_status()
    }

    /// The printer's own status; `None` when this model or connection cannot tell.
    pub fn status(&mut self) -> Result<Option<StatusReport>, PrintError> {
        self.desk.printer.status()
    }

    /// Prints the test page: every code page's sample, a ruler of the width, the cut.
    pub fn print_test_page(&mut self) -> Result<PrintedDocument, FlowError> {
        self.access.require(Action::ChangeSettings)?;
        self.desk.printer.check_ready()?;
        let job = test_page::test_page(self.desk.printer.profile(), &self.desk.printer.describe())
            .map_err(PrintError::from)?;
        let printed = self.desk.printer.send(job)?;
        self.desk.log(&printed);
        Ok(printed)
    }
}
