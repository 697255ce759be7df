//! Where print jobs go: one small trait, [`Transport`], and its implementations — the
//! virtual printer (here), serial ([`super::serial`]), TCP port 9100
//! ([`super::tcp`]), a device file such as `/dev/usb/lp0` ([`super::device_file`]) and
//! USB by vendor:product id ([`super::usb`]).
//!
//! A transport never resends anything on its own: a job that failed half-way is the
//! till's business (the journal says the document may be on paper).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::decode::{Printout, decode};
use super::profile::{PrinterProfile, SerialSettings};
use super::status::BARRIER_REQUEST;

/// One print job: a document's bytes and a name for logs and files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintJob {
    /// e.g. `fiscal-receipt-17`.
    pub name: String,
    /// ESC/POS bytes.
    pub bytes: Vec<u8>,
}

/// Why a job or a question did not reach the printer.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// The device is not there (unplugged, wrong path, wrong id, nothing listening).
    #[error("{what}: not found ({detail})")]
    NotFound {
        /// The device.
        what: String,
        /// The system's words.
        detail: String,
    },
    /// The operating system does not let paydesk use the device.
    #[error("{what}: permission denied")]
    PermissionDenied {
        /// The device.
        what: String,
    },
    /// The printer stopped taking bytes (flow control held, buffer full, offline).
    #[error("{what}: the printer stopped taking data after {sent} of {total} bytes")]
    Stalled {
        /// The device.
        what: String,
        /// Bytes accepted.
        sent: usize,
        /// Bytes in the job.
        total: usize,
    },
    /// Another I/O error (the connection broke, the device vanished).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The settings cannot work (e.g. an impossible serial setting).
    #[error("{0}")]
    Settings(String),
    /// The printer refused the job (the virtual printer's decoder check).
    #[error("{0}")]
    Refused(String),
}

impl TransportError {
    /// Classifies an I/O error on `what`.
    pub fn io(what: impl Into<String>, e: std::io::Error) -> TransportError {
        let what = what.into();
        match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                TransportError::NotFound {
                    what,
                    detail: e.to_string(),
                }
            }
            std::io::ErrorKind::PermissionDenied => TransportError::PermissionDenied { what },
            _ => TransportError::Io { what, source: e },
        }
    }

    /// True when the operating system refused access (the udev rule fixes it).
    pub fn is_permission(&self) -> bool {
        matches!(self, TransportError::PermissionDenied { .. })
    }
}

/// Sends print jobs to a printer and asks it one-byte questions.
pub trait Transport: Send {
    /// Where the printer is, e.g. `/dev/ttyUSB0 38400 8N1 RTS/CTS`.
    fn describe(&self) -> String;
    /// Sends one job; returns once every byte is handed to the device.
    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError>;
    /// Sends `request` and waits up to `timeout` for a one-byte answer (`None`: no
    /// answer in time). Stale bytes waiting from earlier questions are dropped first.
    fn ask(&mut self, request: &[u8], timeout: Duration) -> Result<Option<u8>, TransportError>;
    /// For a transport that cannot ask: checks the device can be opened at all, so a
    /// missing printer is found before a document is started.
    fn probe(&mut self) -> Result<(), TransportError> {
        Ok(())
    }
    /// False when this transport cannot read from the printer at all (then status
    /// cannot be known and is not asked).
    fn can_read(&self) -> bool {
        true
    }
}

/// What the virtual printer received, shared with whoever wants to look (tests, the
/// CLI writing documents to stdout).
pub type PaperLog = Arc<Mutex<Vec<(PrintJob, Printout)>>>;

/// A printer that is only a screen: it decodes each job back to text, keeps it, and
/// optionally writes `<job>.txt` (the decoded paper), `<job>.svg` (the paper image at
/// the profile's width) and `<job>.escpos` (the bytes) into a folder. It always has
/// paper.
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
}

/// Writes a copy of a printed job into `dir`: `<job>.txt` (the decoded paper),
/// `<job>.svg` (the paper image at the profile's width) and `<job>.escpos` (the exact
/// bytes sent), owner-only; a second job of the same name gets `-2`, `-3`, …
/// Returns the `.txt` file's path.
pub fn write_copy(dir: &Path, job: &PrintJob, printout: &Printout) -> std::io::Result<PathBuf> {
    crate::files::create_dir_private(dir)?;
    let mut stem = job.name.clone();
    let mut copy = 1;
    while dir.join(format!("{stem}.txt")).exists() {
        copy += 1;
        stem = format!("{}-{copy}", job.name);
    }
    crate::files::write_private(&dir.join(format!("{stem}.escpos")), &job.bytes)?;
    crate::files::write_private(
        &dir.join(format!("{stem}.svg")),
        super::paper::render(printout).to_svg().as_bytes(),
    )?;
    let txt = dir.join(format!("{stem}.txt"));
    crate::files::write_private(&txt, printout.text().as_bytes())?;
    Ok(txt)
}

impl Transport for VirtualPrinter {
    fn describe(&self) -> String {
        match &self.output_dir {
            Some(dir) => format!("virtual → {}", dir.display()),
            None => "virtual".into(),
        }
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        let printout = decode(&job.bytes, &self.profile).map_err(|e| {
            TransportError::Refused(format!("the printer would print garbage: {e}"))
        })?;
        if let Some(dir) = &self.output_dir {
            write_copy(dir, job, &printout).map_err(|source| TransportError::Io {
                what: format!("writing {} into {}", job.name, dir.display()),
                source,
            })?;
        }
        self.log
            .lock()
            .expect("paper log lock")
            .push((job.clone(), printout));
        Ok(())
    }

    fn ask(&mut self, request: &[u8], _timeout: Duration) -> Result<Option<u8>, TransportError> {
        // Always ready: online, cover closed, paper present.
        Ok(match request {
            r if r == BARRIER_REQUEST => Some(0x00),
            [0x10, 0x04, 1..=4] => Some(0x12),
            _ => None,
        })
    }
}

/// How the printer is connected, as the config says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// No printer: the on-screen paper (and optionally files).
    Virtual {
        /// Folder for `<job>.txt` and `<job>.escpos`.
        output_dir: Option<PathBuf>,
    },
    /// RS-232 or USB-serial.
    Serial {
        /// e.g. `/dev/ttyUSB0`, `COM3`.
        path: String,
        /// Line settings (the profile's defaults with the config's overrides).
        settings: SerialSettings,
    },
    /// USB printer class device by vendor:product id (no kernel driver needed).
    Usb {
        /// Vendor id.
        vendor_id: u16,
        /// Product id.
        product_id: u16,
    },
    /// A device file the kernel's printer driver provides (`/dev/usb/lp0`).
    DeviceFile {
        /// The file.
        path: PathBuf,
    },
    /// A network printer's raw port.
    Tcp {
        /// `host:port` (port 9100 unless given).
        address: String,
    },
}

impl Connection {
    /// The config's word for this kind of connection.
    pub fn kind(&self) -> &'static str {
        match self {
            Connection::Virtual { .. } => "virtual",
            Connection::Serial { .. } => "serial",
            Connection::Usb { .. } => "usb",
            Connection::DeviceFile { .. } => "file",
            Connection::Tcp { .. } => "tcp",
        }
    }
}

/// How long to wait for the printer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a TCP connection.
    pub connect: Duration,
    /// Handing bytes over (a printer holding flow control longer than this is stuck).
    pub write: Duration,
    /// One real-time status answer.
    pub status: Duration,
    /// The answer that says a whole job was processed (printing takes time).
    pub job_done: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(3),
            write: Duration::from_secs(5),
            status: Duration::from_millis(500),
            job_done: Duration::from_secs(15),
        }
    }
}

/// Opens the transport for a connection. Nothing touches the device yet: a printer
/// that is off does not stop the till from starting; the first question finds out.
pub fn open(
    connection: &Connection,
    profile: &PrinterProfile,
    timeouts: Timeouts,
) -> Box<dyn Transport> {
    match connection {
        Connection::Virtual { output_dir } => {
            Box::new(VirtualPrinter::new(profile.clone(), output_dir.clone()))
        }
        Connection::Serial { path, settings } => Box::new(super::serial::SerialTransport::new(
            path.clone(),
            *settings,
            timeouts,
        )),
        Connection::Usb {
            vendor_id,
            product_id,
        } => Box::new(super::usb::UsbTransport::new(*vendor_id, *product_id)),
        Connection::DeviceFile { path } => {
            Box::new(super::device_file::DeviceFileTransport::new(path.clone()))
        }
        Connection::Tcp { address } => {
            Box::new(super::tcp::TcpTransport::new(address.clone(), timeouts))
        }
    }
}

/// Writes `bytes` in small pieces so a stall says how far it got. `write` returns
/// how many bytes the device took (0 or an error of kind `TimedOut`/`WouldBlock`
/// means it stopped taking them).
pub fn write_counted(
    what: &str,
    bytes: &[u8],
    mut write: impl FnMut(&[u8]) -> std::io::Result<usize>,
) -> Result<(), TransportError> {
    const PIECE: usize = 256;
    let mut sent = 0;
    while sent < bytes.len() {
        let end = (sent + PIECE).min(bytes.len());
        match write(&bytes[sent..end]) {
            Ok(0) => {
                return Err(TransportError::Stalled {
                    what: what.into(),
                    sent,
                    total: bytes.len(),
                });
            }
            Ok(n) => sent += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                return Err(TransportError::Stalled {
                    what: what.into(),
                    sent,
                    total: bytes.len(),
                });
            }
            Err(e) => return Err(TransportError::io(what, e)),
        }
    }
    Ok(())
}
