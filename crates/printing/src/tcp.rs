//! Network printers on their raw port (9100). Each job gets a fresh connection: a
//! printer silently drops idle ones, and a write into a dead connection could look
//! like success.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::transport::{PrintJob, Timeouts, Transport, TransportError, write_counted};

/// The raw printing port.
pub const DEFAULT_PORT: u16 = 9100;

/// A printer at `host:port`.
pub struct TcpTransport {
    address: String,
    timeouts: Timeouts,
    stream: Option<TcpStream>,
}

impl TcpTransport {
    /// A printer at `address` (`host` or `host:port`).
    pub fn new(address: String, timeouts: Timeouts) -> TcpTransport {
        let address = if address
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            address
        } else {
            format!("{address}:{DEFAULT_PORT}")
        };
        TcpTransport {
            address,
            timeouts,
            stream: None,
        }
    }

    fn connect(&mut self) -> Result<&mut TcpStream, TransportError> {
        let addr = self
            .address
            .to_socket_addrs()
            .map_err(|e| TransportError::io(self.address.clone(), e))?
            .next()
            .ok_or_else(|| TransportError::NotFound {
                what: self.address.clone(),
                detail: "no address for this name".into(),
            })?;
        let stream = TcpStream::connect_timeout(&addr, self.timeouts.connect).map_err(|e| {
            if e.kind() == std::io::ErrorKind::TimedOut {
                TransportError::NotFound {
                    what: self.address.clone(),
                    detail: format!("no answer within {:?}", self.timeouts.connect),
                }
            } else {
                TransportError::io(self.address.clone(), e)
            }
        })?;
        let _ = stream.set_nodelay(true);
        stream
            .set_write_timeout(Some(self.timeouts.write))
            .map_err(|e| TransportError::io(self.address.clone(), e))?;
        Ok(self.stream.insert(stream))
    }

    fn ask_on_stream(
        &mut self,
        request: &[u8],
        timeout: Duration,
    ) -> Result<Option<u8>, TransportError> {
        let what = self.address.clone();
        let stream = match self.stream.as_mut() {
            Some(s) => s,
            None => self.connect()?,
        };
        let io = |e| TransportError::io(what.clone(), e);
        // Drop stale answers without waiting.
        stream.set_nonblocking(true).map_err(io)?;
        let mut junk = [0u8; 64];
        loop {
            match stream.read(&mut junk) {
                Ok(0) => {
                    return Err(TransportError::Io {
                        what: what.clone(),
                        source: std::io::ErrorKind::ConnectionReset.into(),
                    });
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(io(e)),
            }
        }
        stream.set_nonblocking(false).map_err(io)?;
        write_counted(&what, request, |piece| stream.write(piece))?;
        stream
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
            .map_err(io)?;
        let mut byte = [0u8; 1];
        match stream.read(&mut byte) {
            Ok(1) => Ok(Some(byte[0])),
            Ok(_) => Err(TransportError::Io {
                what,
                source: std::io::ErrorKind::ConnectionReset.into(),
            }),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(io(e)),
        }
    }
}

impl Transport for TcpTransport {
    fn describe(&self) -> String {
        format!("tcp://{}", self.address)
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        self.stream = None;
        let what = self.address.clone();
        let stream = self.connect()?;
        let r = write_counted(&what, &job.bytes, |piece| stream.write(piece)).and_then(|()| {
            stream
                .flush()
                .map_err(|e| TransportError::io(what.clone(), e))
        });
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    fn ask(&mut self, request: &[u8], timeout: Duration) -> Result<Option<u8>, TransportError> {
        // Status questions are harmless to repeat: one retry on a fresh connection
        // when the kept one turned out dead.
        let had_stream = self.stream.is_some();
        match self.ask_on_stream(request, timeout) {
            Err(_) if had_stream => {
                self.stream = None;
                let r = self.ask_on_stream(request, timeout);
                if r.is_err() {
                    self.stream = None;
                }
                r
            }
            Err(e) => {
                self.stream = None;
                Err(e)
            }
            ok => ok,
        }
    }
}
