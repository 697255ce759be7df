//! A printer the kernel already drives, written as a file (`/dev/usb/lp0` on Linux).
//! The kernel's printer file gives no reliable way to wait for an answer with a
//! timeout, so this transport does not ask for status; use the USB transport (which
//! talks to the device directly) where status matters.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::transport::{PrintJob, Transport, TransportError, write_counted};

/// A printer device file.
pub struct DeviceFileTransport {
    path: PathBuf,
}

impl DeviceFileTransport {
    /// The printer at `path`.
    pub fn new(path: PathBuf) -> DeviceFileTransport {
        DeviceFileTransport { path }
    }
}

impl Transport for DeviceFileTransport {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        let what = self.path.display().to_string();
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map_err(|e| TransportError::io(what.clone(), e))?;
        write_counted(&what, &job.bytes, |piece| f.write(piece))?;
        f.flush().map_err(|e| TransportError::io(what, e))
    }

    fn probe(&mut self) -> Result<(), TransportError> {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&self.path)
            .map(drop)
            .map_err(|e| TransportError::io(self.path.display().to_string(), e))
    }

    fn ask(&mut self, _request: &[u8], _timeout: Duration) -> Result<Option<u8>, TransportError> {
        Ok(None)
    }

    fn can_read(&self) -> bool {
        false
    }
}
