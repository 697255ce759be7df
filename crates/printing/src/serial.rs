//! RS-232 and USB-serial printers through `serialport` (no libudev: ports are listed
//! from sysfs).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serialport::{ClearBuffer, SerialPort};

use super::profile::{FlowControl, Parity, SerialSettings};
use super::transport::{PrintJob, Timeouts, Transport, TransportError, write_counted};

/// A serial port found on this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundPort {
    /// e.g. `/dev/ttyUSB0`.
    pub path: String,
    /// What is behind it, e.g. "USB 0483:5740 Printer" or "built-in".
    pub description: String,
}

/// The serial ports the system reports (USB adapters with their ids).
pub fn list_ports() -> Vec<FoundPort> {
    let mut ports: Vec<FoundPort> = serialport::available_ports()
        .unwrap_or_default()
        .into_iter()
        .map(|p| FoundPort {
            description: match &p.port_type {
                serialport::SerialPortType::UsbPort(u) => format!(
                    "USB {:04x}:{:04x} {} {}",
                    u.vid,
                    u.pid,
                    u.manufacturer.as_deref().unwrap_or(""),
                    u.product.as_deref().unwrap_or("")
                )
                .trim()
                .to_string(),
                serialport::SerialPortType::PciPort => "PCI".into(),
                serialport::SerialPortType::BluetoothPort => "Bluetooth".into(),
                serialport::SerialPortType::Unknown => String::new(),
            },
            path: p.port_name,
        })
        .collect();
    ports.sort_by(|a, b| a.path.cmp(&b.path));
    ports
}

/// "38400 8N1 RTS/CTS".
pub fn describe_settings(s: &SerialSettings) -> String {
    let parity = match s.parity {
        Parity::None => 'N',
        Parity::Odd => 'O',
        Parity::Even => 'E',
    };
    let flow = match s.flow_control {
        FlowControl::None => "",
        FlowControl::RtsCts => " RTS/CTS",
        FlowControl::XonXoff => " XON/XOFF",
    };
    format!(
        "{} {}{}{}{}",
        s.baud, s.data_bits, parity, s.stop_bits, flow
    )
}

/// A printer on a serial port. The port is opened on first use and kept open; any
/// error closes it so the next use starts clean.
pub struct SerialTransport {
    path: String,
    settings: SerialSettings,
    timeouts: Timeouts,
    port: Option<Box<dyn SerialPort>>,
}

/// How often the output queue is looked at while waiting for it to empty.
const DRAIN_POLL: Duration = Duration::from_millis(5);

/// Waits until the port has handed every byte to the wire, up to `within`. Never
/// `tcdrain` (what `flush` does): it has no timeout, and a printer holding CTS low
/// under RTS/CTS flow control (paper out on many models) would hold it for ever.
/// The output queue (`TIOCOUTQ`) is polled instead. `total` is the job's size, for
/// the error's "after N of M bytes".
fn drain(
    port: &mut dyn SerialPort,
    what: &str,
    total: usize,
    within: Duration,
) -> Result<(), TransportError> {
    let deadline = Instant::now() + within;
    loop {
        let queued = port
            .bytes_to_write()
            .map_err(|e| TransportError::Settings(format!("{what}: {e}")))?
            as usize;
        if queued == 0 {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(TransportError::Stalled {
                what: what.into(),
                sent: total.saturating_sub(queued),
                total,
            });
        }
        std::thread::sleep(DRAIN_POLL);
    }
}

impl SerialTransport {
    /// A printer at `path` with these line settings.
    pub fn new(path: String, settings: SerialSettings, timeouts: Timeouts) -> SerialTransport {
        SerialTransport {
            path,
            settings,
            timeouts,
            port: None,
        }
    }

    /// A printer on a port that is already open (`path` names it in messages).
    pub fn with_port(
        path: String,
        settings: SerialSettings,
        timeouts: Timeouts,
        port: Box<dyn SerialPort>,
    ) -> SerialTransport {
        SerialTransport {
            path,
            settings,
            timeouts,
            port: Some(port),
        }
    }

    fn port(&mut self) -> Result<&mut Box<dyn SerialPort>, TransportError> {
        if self.port.is_none() {
            if let Some((key, value, allowed)) = self.settings.problem() {
                return Err(TransportError::Settings(format!(
                    "serial {key} = {value}: allowed {allowed}"
                )));
            }
            let s = &self.settings;
            let port = serialport::new(&self.path, s.baud)
                .data_bits(match s.data_bits {
                    7 => serialport::DataBits::Seven,
                    _ => serialport::DataBits::Eight,
                })
                .parity(match s.parity {
                    Parity::None => serialport::Parity::None,
                    Parity::Odd => serialport::Parity::Odd,
                    Parity::Even => serialport::Parity::Even,
                })
                .stop_bits(match s.stop_bits {
                    2 => serialport::StopBits::Two,
                    _ => serialport::StopBits::One,
                })
                .flow_control(match s.flow_control {
                    FlowControl::None => serialport::FlowControl::None,
                    FlowControl::RtsCts => serialport::FlowControl::Hardware,
                    FlowControl::XonXoff => serialport::FlowControl::Software,
                })
                .timeout(self.timeouts.write)
                .open()
                .map_err(|e| self.open_error(e))?;
            self.port = Some(port);
        }
        Ok(self.port.as_mut().expect("opened above"))
    }

    fn open_error(&self, e: serialport::Error) -> TransportError {
        match e.kind {
            serialport::ErrorKind::NoDevice => TransportError::NotFound {
                what: self.path.clone(),
                detail: e.description,
            },
            serialport::ErrorKind::Io(kind) => {
                TransportError::io(self.path.clone(), std::io::Error::new(kind, e.description))
            }
            _ => TransportError::Settings(format!("{}: {}", self.path, e.description)),
        }
    }

    fn closing<T>(&mut self, r: Result<T, TransportError>) -> Result<T, TransportError> {
        if r.is_err() {
            self.port = None;
        }
        r
    }
}

impl Transport for SerialTransport {
    fn describe(&self) -> String {
        format!("{} {}", self.path, describe_settings(&self.settings))
    }

    fn send(&mut self, job: &PrintJob) -> Result<(), TransportError> {
        let what = self.path.clone();
        let write_timeout = self.timeouts.write;
        let job_done = self.timeouts.job_done;
        let r = self.port().and_then(|port| {
            port.set_timeout(write_timeout)
                .map_err(|e| TransportError::Settings(e.to_string()))?;
            write_counted(&what, &job.bytes, |piece| port.write(piece))?;
            drain(port.as_mut(), &what, job.bytes.len(), job_done)
        });
        self.closing(r)
    }

    fn ask(&mut self, request: &[u8], timeout: Duration) -> Result<Option<u8>, TransportError> {
        let what = self.path.clone();
        let write_timeout = self.timeouts.write;
        let r = self.port().and_then(|port| {
            let io = |e| TransportError::io(what.clone(), e);
            // Answers that came late to an earlier question must not answer this one.
            port.clear(ClearBuffer::Input)
                .map_err(|e| TransportError::Settings(e.to_string()))?;
            port.set_timeout(write_timeout)
                .map_err(|e| TransportError::Settings(e.to_string()))?;
            write_counted(&what, request, |piece| port.write(piece))?;
            // The question waits behind anything still queued: a printer that stopped
            // reading leaves it unsent, which is the same as no answer.
            if drain(port.as_mut(), &what, request.len(), timeout).is_err() {
                return Ok(None);
            }
            let deadline = Instant::now() + timeout;
            let mut byte = [0u8; 1];
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(None);
                }
                port.set_timeout(left)
                    .map_err(|e| TransportError::Settings(e.to_string()))?;
                match port.read(&mut byte) {
                    Ok(1) => return Ok(Some(byte[0])),
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::TimedOut => return Ok(None),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(io(e)),
                }
            }
        });
        self.closing(r)
    }
}
