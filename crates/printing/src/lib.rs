//! Printing: document → lines for the profile's width → ESC/POS bytes → transport.
//!
//! A document is laid out once and encoded once; the same bytes go to the printer
//! and are decoded back for the on-screen preview, so the preview is byte-exact.
//! Where the model and the connection allow it, the printer is asked whether it can
//! print before a document ([`ReceiptPrinter::check_ready`]) and must confirm it
//! processed the whole job after it ([`ReceiptPrinter::print`]).

#![warn(missing_docs)]

// The layers below, under the names the printing modules use.
use paydesk_core::domain;
use paydesk_fs as files;

pub mod codepage;
mod codepage_tables;
pub mod decode;
pub mod device_file;
pub mod escpos;
pub mod layout;
pub mod paper;
pub mod profile;
pub mod serial;
pub mod status;
pub mod tcp;
pub mod test_page;
pub mod transport;
pub mod usb;

use crate::domain::receipt::Document;

use decode::{DecodeError, Printout};
use escpos::EncodeError;
use profile::PrinterProfile;
use status::{BARRIER_REQUEST, Problem, StatusReport, is_barrier_answer, realtime_request};
use transport::{PrintJob, Timeouts, Transport, TransportError};

/// How long to wait for the job barrier before asking the printer why not.
const CONFIRM_SLICE: std::time::Duration = std::time::Duration::from_millis(1000);

/// How often the real-time status is asked while a printer without a job barrier
/// prints a document.
const STATUS_WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// A slow thermal printer's paper speed: a document is watched at least as long as
/// it takes to come out at this speed.
const SLOW_PAPER_MM_PER_S: f64 = 60.0;

/// Paper advanced per printed line (24-dot font + line spacing at 8 dots/mm).
const MM_PER_LINE: f64 = 3.75;

/// Why a document did not print.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The document could not be turned into bytes (a bug, never a printer fault).
    #[error("cannot encode the document: {0}")]
    Encode(#[from] EncodeError),
    /// The printer said before the job that it cannot print; nothing was sent.
    #[error("the printer is not ready: {0:?}")]
    NotReady(StatusReport),
    /// The bytes did not (all) reach the printer.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The bytes were sent but the printer did not confirm it processed them; the
    /// report says what it answered afterwards. The document may be partly printed.
    #[error("the printer did not confirm the job: {0:?}")]
    Unconfirmed(StatusReport),
    /// The bytes we made do not decode (a bug).
    #[error("the printed bytes do not decode: {0}")]
    Decode(#[from] DecodeError),
}

impl PrintError {
    /// True when nothing reached the printer, so nothing can be on paper.
    pub fn nothing_sent(&self) -> bool {
        match self {
            PrintError::Encode(_) | PrintError::NotReady(_) | PrintError::Decode(_) => true,
            PrintError::Transport(e) => matches!(
                e,
                TransportError::NotFound { .. }
                    | TransportError::PermissionDenied { .. }
                    | TransportError::Settings(_)
                    | TransportError::Stalled { sent: 0, .. }
            ),
            PrintError::Unconfirmed(_) => false,
        }
    }
}

/// Whether a document opens the cash drawer first (when the model has a drawer port).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CashDrawer {
    /// Kick the drawer open before the document: cash goes in or out.
    Open,
    /// Leave it shut.
    Closed,
}

/// How the printer vouched for a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmation {
    /// The job barrier (`GS r 1`) came back: every byte was processed.
    Processed,
    /// The model has no job barrier; its real-time status (`DLE EOT`) stayed healthy
    /// from the end of the transmission for as long as the document takes to print.
    StatusStayedHealthy,
    /// This model or connection can say nothing (a write-only device file, a model
    /// without status): a person must look at the paper.
    Nothing,
}

/// A document that went to the printer: its bytes and what the paper shows.
#[derive(Clone, Debug)]
pub struct PrintedDocument {
    /// The job as sent.
    pub job: PrintJob,
    /// The same bytes decoded (the on-screen preview).
    pub printout: Printout,
    /// The printer said its paper is near its end (print, but warn the cashier).
    pub paper_near_end: bool,
    /// How the printer vouched for it.
    pub confirmation: Confirmation,
}

/// The shop's receipt printer: a profile and a transport.
pub struct ReceiptPrinter {
    profile: PrinterProfile,
    transport: Box<dyn Transport>,
    timeouts: Timeouts,
    paper_near_end: bool,
}

impl ReceiptPrinter {
    /// A printer of this model, reached through this transport, default timeouts.
    pub fn new(profile: PrinterProfile, transport: Box<dyn Transport>) -> ReceiptPrinter {
        ReceiptPrinter::with_timeouts(profile, transport, Timeouts::default())
    }

    /// A printer with explicit timeouts.
    pub fn with_timeouts(
        profile: PrinterProfile,
        transport: Box<dyn Transport>,
        timeouts: Timeouts,
    ) -> ReceiptPrinter {
        ReceiptPrinter {
            profile,
            transport,
            timeouts,
            paper_near_end: false,
        }
    }

    /// The model.
    pub fn profile(&self) -> &PrinterProfile {
        &self.profile
    }

    /// "Epson TM-T20III (80 mm) · /dev/ttyUSB0 38400 8N1".
    pub fn describe(&self) -> String {
        format!("{} · {}", self.profile.title(), self.transport.describe())
    }

    /// True when this model on this connection can say whether it is ready.
    pub fn has_status(&self) -> bool {
        self.profile.features.realtime_status && self.transport.can_read()
    }

    /// The printer's real-time status (`DLE EOT 1..4`), `None` when this model or
    /// connection cannot tell.
    pub fn status(&mut self) -> Result<Option<StatusReport>, PrintError> {
        if !self.has_status() {
            return Ok(None);
        }
        let mut answers = [0u8; 4];
        for (i, n) in (1..=4u8).enumerate() {
            match self
                .transport
                .ask(&realtime_request(n), self.timeouts.status)
            {
                Ok(Some(b)) => answers[i] = b,
                Ok(None) => return Ok(Some(StatusReport::problem(Problem::NoAnswer))),
                Err(e) => return Err(e.into()),
            }
        }
        let report = StatusReport::from_answers(answers);
        self.paper_near_end = report.paper_near_end;
        Ok(Some(report))
    }

    /// Asks the printer before a document: `NotReady` (nothing sent) when it says it
    /// cannot print or does not answer. A printer that cannot tell is assumed ready.
    pub fn check_ready(&mut self) -> Result<(), PrintError> {
        if !self.transport.can_read() {
            self.transport.probe()?;
        }
        match self.status()? {
            Some(r) if !r.is_ready() => Err(PrintError::NotReady(r)),
            _ => Ok(()),
        }
    }

    /// The bytes of a document for this printer, without sending them.
    pub fn render(&self, doc: &Document, drawer: CashDrawer) -> Result<PrintJob, PrintError> {
        let lines = layout::layout(doc, self.profile.columns(), &self.profile.pages());
        let drawer = self
            .profile
            .drawer
            .as_ref()
            .filter(|_| drawer == CashDrawer::Open);
        let qr = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                crate::domain::receipt::Block::Qr(data) => Some(data.as_str()),
                _ => None,
            })
            .filter(|_| self.profile.features.qr_code);
        Ok(PrintJob {
            name: doc.job_name(),
            bytes: escpos::encode_with(&self.profile, &lines, drawer, qr)?,
        })
    }

    /// Prints a document.
    pub fn print(&mut self, doc: &Document) -> Result<PrintedDocument, PrintError> {
        self.print_with(doc, CashDrawer::Closed)
    }

    /// Prints a document, opening the cash drawer first when asked and the model has
    /// a drawer port.
    pub fn print_with(
        &mut self,
        doc: &Document,
        drawer: CashDrawer,
    ) -> Result<PrintedDocument, PrintError> {
        let job = self.render(doc, drawer)?;
        self.send(job)
    }

    /// Sends a rendered job and waits for the printer to vouch for it as far as the
    /// model and the connection can ([`Confirmation`]).
    pub fn send(&mut self, job: PrintJob) -> Result<PrintedDocument, PrintError> {
        let printout = decode::decode(&job.bytes, &self.profile)?;
        self.transport.send(&job)?;
        let confirmation = self.confirm(&printout)?;
        Ok(PrintedDocument {
            job,
            printout,
            paper_near_end: self.paper_near_end,
            confirmation,
        })
    }

    /// How this printer can vouch for a document, before sending one.
    pub fn can_confirm(&self) -> Confirmation {
        if !self.transport.can_read() {
            Confirmation::Nothing
        } else if self.profile.features.transmit_status {
            Confirmation::Processed
        } else if self.profile.features.realtime_status {
            Confirmation::StatusStayedHealthy
        } else {
            Confirmation::Nothing
        }
    }

    fn confirm(&mut self, printout: &Printout) -> Result<Confirmation, PrintError> {
        let how = self.can_confirm();
        match how {
            Confirmation::Processed => self.barrier()?,
            Confirmation::StatusStayedHealthy => self.watch_status(printout)?,
            Confirmation::Nothing => {}
        }
        Ok(how)
    }

    /// Without a job barrier: the real-time status is asked from the end of the
    /// transmission for as long as the document takes to come out of a slow printer,
    /// and must be healthy every time. A printer that stopped reading (flow control
    /// held) does not answer: the question waits behind the unread bytes.
    fn watch_status(&mut self, printout: &Printout) -> Result<(), PrintError> {
        let lines = printout.lines().count() as f64;
        let printing = std::time::Duration::from_secs_f64(
            (lines * MM_PER_LINE / SLOW_PAPER_MM_PER_S).max(0.2),
        )
        .min(self.timeouts.job_done);
        let deadline = std::time::Instant::now() + printing;
        loop {
            match self.status()? {
                Some(r) if r.is_ready() => {}
                Some(r) => return Err(PrintError::Unconfirmed(r)),
                None => {
                    return Err(PrintError::Unconfirmed(StatusReport::problem(
                        Problem::NoAnswer,
                    )));
                }
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            std::thread::sleep(left.min(STATUS_WATCH_EVERY));
        }
    }

    /// After a job: `GS r 1` is answered only once every earlier byte was processed.
    /// While it is not answered, the real-time status (answered at once even by a
    /// stopped printer) says whether the printer stopped for a reason the cashier
    /// can fix, so a paper end is reported in a second, not after the whole timeout.
    fn barrier(&mut self) -> Result<(), PrintError> {
        let deadline = std::time::Instant::now() + self.timeouts.job_done;
        let slice = self.timeouts.job_done.min(CONFIRM_SLICE);
        let mut last = StatusReport::problem(Problem::NoAnswer);
        loop {
            match self.transport.ask(&BARRIER_REQUEST, slice)? {
                Some(b) if is_barrier_answer(b) => {
                    self.paper_near_end = b & 0x03 != 0;
                    return Ok(());
                }
                // A late real-time answer: not ours, ask again.
                Some(_) => {}
                None => {
                    if let Some(report) = self.status().ok().flatten() {
                        if !report.is_ready() {
                            return Err(PrintError::Unconfirmed(report));
                        }
                        last = report;
                    }
                }
            }
            if std::time::Instant::now() >= deadline {
                if last.is_ready() {
                    last = StatusReport::problem(Problem::NoAnswer);
                }
                return Err(PrintError::Unconfirmed(last));
            }
        }
    }
}
