//! Printing: document → lines for the profile's width → ESC/POS bytes → transport.
//!
//! A document is laid out once and encoded once; the same bytes go to the printer
//! and are decoded back for the on-screen preview, so the preview is byte-exact.

pub mod codepage;
mod codepage_tables;
pub mod decode;
pub mod escpos;
pub mod layout;
pub mod profile;
pub mod transport;

use crate::domain::receipt::Document;

use decode::{DecodeError, Printout};
use escpos::EncodeError;
use profile::PrinterProfile;
use transport::{PrintJob, Transport, TransportError};

/// Why a document did not print.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The document could not be turned into bytes (a bug, never a printer fault).
    #[error("cannot encode the document: {0}")]
    Encode(#[from] EncodeError),
    /// The bytes did not reach the printer.
    #[error("{0}")]
    Transport(#[from] TransportError),
    /// The bytes we made do not decode (a bug).
    #[error("the printed bytes do not decode: {0}")]
    Decode(#[from] DecodeError),
}

/// A document that went to the printer: its bytes and what the paper shows.
#[derive(Clone, Debug)]
pub struct PrintedDocument {
    /// The job as sent.
    pub job: PrintJob,
    /// The same bytes decoded (the on-screen preview).
    pub printout: Printout,
}

/// The shop's receipt printer: a profile and a transport.
pub struct ReceiptPrinter {
    profile: PrinterProfile,
    transport: Box<dyn Transport>,
}

impl ReceiptPrinter {
    /// A printer of this model, reached through this transport.
    pub fn new(profile: PrinterProfile, transport: Box<dyn Transport>) -> ReceiptPrinter {
        ReceiptPrinter { profile, transport }
    }

    /// The model.
    pub fn profile(&self) -> &PrinterProfile {
        &self.profile
    }

    /// The model, e.g. "Generic 80 mm".
    pub fn describe(&self) -> String {
        self.transport.describe()
    }

    /// The bytes of a document for this printer, without sending them.
    pub fn render(&self, doc: &Document) -> Result<PrintJob, PrintError> {
        let lines = layout::layout(doc, self.profile.columns(), &self.profile.pages());
        Ok(PrintJob {
            name: doc.job_name(),
            bytes: escpos::encode(&self.profile, &lines)?,
        })
    }

    /// Prints a document.
    pub fn print(&mut self, doc: &Document) -> Result<PrintedDocument, PrintError> {
        let job = self.render(doc)?;
        let printout = decode::decode(&job.bytes, &self.profile)?;
        self.transport.send(&job)?;
        Ok(PrintedDocument { job, printout })
    }
}
