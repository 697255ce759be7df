//! The host side of the standard lower level: ENQ, the frame, ACK/NAK, the answer.
//!
//! «Протокол ККТ» v1.17, p. 8–9 and Приложение 3 (the recommended host diagram,
//! p. 73): send ENQ; NAK means the device waits for a command, ACK that it holds an
//! answer (read it), silence that there is no link. A frame the device NAKs or does
//! not confirm is sent again (up to [`RETRIES`]); an answer that arrives damaged is
//! NAKed and asked for again with ENQ. A command the device has confirmed (ACK) is
//! **never sent again** by this layer: if its answer is then lost, the caller hears
//! [`LinkError::AnswerLost`] and must ask the device what happened (a receipt closed
//! twice is a customer charged twice).

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::command::{Code, Request};
use super::frame::{self, ACK, ENQ, NAK, STX};

/// How many times a frame or an ENQ is tried (Приложение 3: I < 10, J < 10).
pub const RETRIES: usize = 10;

/// A byte stream to a device with a read timeout: a serial port or a TCP socket.
pub trait Port: Read + Write + Send {
    /// Sets how long one read waits.
    fn set_read_timeout(&mut self, t: Duration) -> io::Result<()>;
}

impl Port for Box<dyn serialport::SerialPort> {
    fn set_read_timeout(&mut self, t: Duration) -> io::Result<()> {
        self.set_timeout(t).map_err(io::Error::other)
    }
}

impl Port for serialport::TTYPort {
    fn set_read_timeout(&mut self, t: Duration) -> io::Result<()> {
        serialport::SerialPort::set_timeout(self, t).map_err(io::Error::other)
    }
}

impl Port for TcpStream {
    fn set_read_timeout(&mut self, t: Duration) -> io::Result<()> {
        TcpStream::set_read_timeout(self, Some(t))
    }
}

/// How long the link waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// For one byte of a frame, and for the answer to ENQ (v1.17 p. 8: 50 ms by
    /// default; more here for USB adapters and TCP).
    pub byte: Duration,
    /// For an answer to start after the command was confirmed (reports and a
    /// receipt's printing take seconds; p. 9: "may reach several minutes").
    pub answer: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            byte: Duration::from_millis(300),
            answer: Duration::from_secs(60),
        }
    }
}

/// Why an exchange did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Nothing answered ENQ: no link (cable, power, address).
    #[error("the fiscal register does not answer")]
    NoAnswer,
    /// The frame was refused (NAK) or not confirmed every time: it was not taken.
    #[error("the fiscal register did not take the command after {0} tries")]
    NotTaken(usize),
    /// The device took the command but its answer never arrived whole: what it did
    /// must be asked (short status, last document).
    #[error("the fiscal register took the command but its answer was lost")]
    AnswerLost,
    /// The answer is for another command.
    #[error("the answer is for another command ({0:02x?})")]
    WrongAnswer(Vec<u8>),
    /// The port failed.
    #[error("port: {0}")]
    Io(#[from] io::Error),
}

/// An answer: the error code and the data after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// 0: done; otherwise the device's error code (v1.17 «Коды ошибок»).
    pub error: u8,
    /// The data after the error code.
    pub data: Vec<u8>,
}

/// One device on one port.
pub struct Link<P: Port> {
    port: P,
    timing: Timing,
    /// The read timeout set on the port (set again only when it changes).
    timeout: Option<Duration>,
    /// Every byte written and read, for the tests' decoder and the bench.
    pub wire: Wire,
}

/// The bytes on the wire, both ways, counted, and the time spent in exchanges.
#[derive(Clone, Debug, Default)]
pub struct Wire {
    /// Bytes sent.
    pub sent: usize,
    /// Bytes received.
    pub received: usize,
    /// Time inside [`Link::exchange`] (the line and the device; the bench subtracts
    /// it to find paydesk's own part).
    pub busy: std::time::Duration,
}

enum Read1 {
    Byte(u8),
    Timeout,
}

impl<P: Port> Link<P> {
    /// A link over `port`.
    pub fn new(port: P, timing: Timing) -> Link<P> {
        Link {
            port,
            timing,
            timeout: None,
            wire: Wire::default(),
        }
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.write_all(bytes)?;
        self.port.flush()?;
        self.wire.sent += bytes.len();
        Ok(())
    }

    fn set_timeout(&mut self, t: Duration) -> io::Result<()> {
        if self.timeout != Some(t) {
            self.port.set_read_timeout(t)?;
            self.timeout = Some(t);
        }
        Ok(())
    }

    fn read1(&mut self, t: Duration) -> io::Result<Read1> {
        self.set_timeout(t)?;
        let mut b = [0u8; 1];
        loop {
            match self.port.read(&mut b) {
                Ok(1) => {
                    self.wire.received += 1;
                    return Ok(Read1::Byte(b[0]));
                }
                Ok(_) => return Ok(Read1::Timeout),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    return Ok(Read1::Timeout);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads one answer frame (STX already awaited up to `first`); `None` when it is
    /// cut short or damaged (the caller NAKs and asks again).
    fn read_frame(&mut self, first: Duration) -> io::Result<Option<Vec<u8>>> {
        // Anything before STX is line noise (a late ACK, a stray byte).
        loop {
            match self.read1(first)? {
                Read1::Byte(STX) => break,
                Read1::Byte(_) => continue,
                Read1::Timeout => return Ok(None),
            }
        }
        let Read1::Byte(len) = self.read1(self.timing.byte)? else {
            return Ok(None);
        };
        // The rest (body and LRC) as it arrives, many bytes per read; each read
        // waits at most the byte timeout.
        let mut frame = vec![STX, len];
        let want = len as usize + 3;
        let mut buf = [0u8; 256];
        self.set_timeout(self.timing.byte)?;
        while frame.len() < want {
            let room = (want - frame.len()).min(buf.len());
            match self.port.read(&mut buf[..room]) {
                Ok(0) => return Ok(None),
                Ok(n) => {
                    self.wire.received += n;
                    frame.extend_from_slice(&buf[..n]);
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                    ) =>
                {
                    return Ok(None);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(frame::decode(&frame).ok().map(<[u8]>::to_vec))
    }

    /// Reads the answer the device holds, NAKing and re-asking a damaged one.
    fn take_answer(&mut self, first: Duration) -> Result<Vec<u8>, LinkError> {
        let mut wait = first;
        for _ in 0..RETRIES {
            if let Some(body) = self.read_frame(wait)? {
                self.send(&[ACK])?;
                return Ok(body);
            }
            self.send(&[NAK])?;
            // Ask again: ACK means it still holds the answer and sends it.
            self.send(&[ENQ])?;
            match self.read1(self.timing.byte)? {
                Read1::Byte(ACK) => wait = self.timing.byte * 4,
                _ => return Err(LinkError::AnswerLost),
            }
        }
        Err(LinkError::AnswerLost)
    }

    /// Sends `request` and returns its answer (see the module's rule on resending).
    pub fn exchange(&mut self, request: &Request) -> Result<Answer, LinkError> {
        let started = std::time::Instant::now();
        let r = self.exchange_inner(request);
        self.wire.busy += started.elapsed();
        r
    }

    fn exchange_inner(&mut self, request: &Request) -> Result<Answer, LinkError> {
        let frame = frame::encode(&request.body());
        let mut silent = 0;
        let mut refused = 0;
        loop {
            self.send(&[ENQ])?;
            match self.read1(self.timing.byte)? {
                Read1::Timeout => {
                    silent += 1;
                    if silent >= RETRIES {
                        return Err(LinkError::NoAnswer);
                    }
                }
                // An answer left from an earlier exchange: take it and drop it.
                Read1::Byte(ACK) => {
                    let _ = self.take_answer(self.timing.byte * 4)?;
                }
                Read1::Byte(NAK) => {
                    self.send(&frame)?;
                    match self.read1(self.timing.byte * 4)? {
                        Read1::Byte(ACK) => {
                            let body = self.take_answer(self.timing.answer)?;
                            return answer(request.code, &body);
                        }
                        _ => {
                            refused += 1;
                            if refused >= RETRIES {
                                return Err(LinkError::NotTaken(refused));
                            }
                        }
                    }
                }
                // Noise: ask again.
                Read1::Byte(_) => {}
            }
        }
    }
}

/// Splits an answer body into its error code and data, checking the command code.
fn answer(code: Code, body: &[u8]) -> Result<Answer, LinkError> {
    let n = code.0.len();
    if body.len() < n + 1 || &body[..n] != code.0 {
        return Err(LinkError::WrongAnswer(body.to_vec()));
    }
    Ok(Answer {
        error: body[n],
        data: body[n + 1..].to_vec(),
    })
}
