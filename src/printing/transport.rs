//! Where print jobs go. One small trait; this module has the virtual printer, the
//! printer-hardware transports (serial, USB, device file, TCP) join it later.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::decode::{Printout, decode};
use super::profile::PrinterProfile;

/// One print job: a document's bytes and a name for logs and files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintJob {
    /// e.g. `fiscal-receipt-17`.
    pub name: String,
    /// ESC/POS bytes.
    pub bytes: Vec<u8>,
}

/// Why a job did not reach the printer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The operating system refused the write.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The printer refused the job (the virtual printer's simulated fault).
    #[error("{0}")]
    Refused(String),
}

/// Sends print jobs to a printer.
pub trait Transport: Send {
    /// What the printer is, for the status bar (the model and where it is).
    fn describe(&self) -> String;
    /// Sends one job; returns once the bytes are handed to the device.
    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError>;
}

/// What the virtual printer received, shared with whoever wants to look (tests, the
/// CLI writing documents to stdout).
pub type PaperLog = Arc<Mutex<Vec<(PrintJob, Printout)>>>;

/// A printer that is only a screen: it decodes each job back to text, keeps it, and
/// optionally writes `<job>.txt` (the decoded paper) and `<job>.escpos` (the bytes)
/// into a folder.
pub struct VirtualPrinter {
    profile: PrinterProfile,
    output_dir: Option<PathBuf>,
    log: PaperLog,
}

impl VirtualPrinter {
    /// A virtual printer for a profile's paper and code pages.
    pub fn new(profile: PrinterProfile, output_dir: Option<PathBuf>) -> VirtualPrinter {
        VirtualPrinter {
            profile,
            output_dir,
            log: PaperLog::default(),
        }
    }

    /// The shared log of received jobs.
    pub fn paper(&self) -> PaperLog {
        self.log.clone()
    }

    fn write_files(dir: &Path, job: &PrintJob, text: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut stem = job.name.clone();
        let mut copy = 1;
        while dir.join(format!("{stem}.txt")).exists() {
            copy += 1;
            stem = format!("{}-{copy}", job.name);
        }
        std::fs::write(dir.join(format!("{stem}.escpos")), &job.bytes)?;
        std::fs::write(dir.join(format!("{stem}.txt")), text)
    }
}

impl Transport for VirtualPrinter {
    fn describe(&self) -> String {
        self.profile.name.clone()
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        let printout = decode(&job.bytes, &self.profile).map_err(|e| {
            TransportError::Refused(format!("the printer would print garbage: {e}"))
        })?;
        if let Some(dir) = &self.output_dir {
            VirtualPrinter::write_files(dir, job, &printout.text()).map_err(|source| {
                TransportError::Io {
                    what: format!("writing {} into {}", job.name, dir.display()),
                    source,
                }
            })?;
        }
        self.log
            .lock()
            .expect("paper log lock")
            .push((job.clone(), printout));
        Ok(())
    }
}
