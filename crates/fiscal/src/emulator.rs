//! A Shtrih-M fiscal register emulator, written from «Протокол ККТ» v1.17: it speaks
//! the same frames on the other end of a pty pair or a TCP socket, keeps a fiscal
//! storage in memory (document numbers, the shift and its age, the open receipt, every
//! closed receipt with its TLVs) and misbehaves on request ([`Faults`]). Tests drive
//! the real driver against it; `paydesk-fiscal-emulator` serves it by hand.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta, Utc};

use crate::shtrih::command::{
    self, CANCEL_RECEIPT, CLOSE_RECEIPT_V2, CONTINUE_PRINT, Closed, FIND_DOCUMENT, FN_STATUS,
    FnStatus, FoundReceipt, Line, Mode, OPEN_RECEIPT, OPEN_SHIFT, OPERATION_V2, SHORT_STATUS,
    TLV_OPERATION, TLV_RECEIPT, X_REPORT, Z_REPORT, money5,
};
use crate::shtrih::error;
use crate::shtrih::frame::{self, ACK, ENQ, NAK, STX};
use crate::shtrih::link::Port;
use crate::tlv::{self, Tlv};

/// What the emulator does wrong on purpose.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// NAK the next this many command frames (a line error; the host resends).
    pub nak_frames: usize,
    /// Answer nothing at all (no link).
    pub silent: bool,
    /// Execute the next command with this code, then lose its answer (it is never
    /// sent; a later ENQ hears NAK: the device waits for a command).
    pub lose_answer_of: Option<Vec<u8>>,
    /// Paper runs out at the next receipt line: the line fails with «нет чековой
    /// ленты» and the device waits for paper and «продолжение печати».
    pub paper_out_at_next_line: bool,
    /// The fiscal storage's warning flags (FF01h).
    pub fn_warnings: u8,
}

/// A closed receipt as the fiscal storage keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Номер ФД.
    pub document: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
    /// Продажа or возврат продажи.
    pub kind: u8,
    /// The lines, each with the TLVs bound to it (FF4Dh after the line).
    pub lines: Vec<(Line, Vec<Tlv>)>,
    /// TLVs bound to the receipt (FF0Ch).
    pub tlvs: Vec<Tlv>,
    /// Cash paid.
    pub cash: u64,
    /// Tax system bit.
    pub tax_system: u8,
    /// When.
    pub at: NaiveDateTime,
}

impl Receipt {
    /// The receipt's total, kopecks.
    pub fn total(&self) -> u64 {
        self.lines.iter().map(|(l, _)| l.price).sum()
    }
}

#[derive(Clone, Debug)]
struct OpenReceipt {
    kind: u8,
    lines: Vec<(Line, Vec<Tlv>)>,
    tlvs: Vec<Tlv>,
}

/// The device's memory.
#[derive(Clone, Debug)]
pub struct State {
    /// The ФН's serial number.
    pub fn_number: String,
    /// The last fiscal document's number.
    pub last_document: u32,
    /// The open shift: its number and when it opened.
    pub shift: Option<(u16, NaiveDateTime)>,
    /// The last shift's number.
    pub last_shift: u16,
    open: Option<OpenReceipt>,
    /// No paper (set by a fault mid-document; [`State::load_paper`] ends it).
    pub paper_out: bool,
    /// Paper is back after running out mid-document: printing waits for
    /// «продолжение печати» (submode 3).
    pub awaiting_continue: bool,
    /// Closed receipts, oldest first.
    pub receipts: Vec<Receipt>,
    /// Every command code executed, in order (for the tests' decoder).
    pub commands: Vec<Vec<u8>>,
    /// X reports printed.
    pub x_reports: usize,
    /// Bytes the device received and sent (the line's load).
    pub wire_bytes: usize,
    /// TLVs sent outside a receipt, for the next document (the shift's cashier).
    pub document_tlvs: Vec<Tlv>,
    /// The TLVs of each shift-opening report, in order.
    pub shift_reports: Vec<Vec<Tlv>>,
    /// Faults in force.
    pub faults: Faults,
}

impl Default for State {
    fn default() -> State {
        State {
            fn_number: "9999078900001234".into(),
            last_document: 0,
            shift: None,
            last_shift: 0,
            open: None,
            paper_out: false,
            awaiting_continue: false,
            receipts: Vec::new(),
            commands: Vec::new(),
            x_reports: 0,
            wire_bytes: 0,
            document_tlvs: Vec::new(),
            shift_reports: Vec::new(),
            faults: Faults::default(),
        }
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A made-up but stable fiscal sign for a document number.
fn sign(document: u32) -> u32 {
    document.wrapping_mul(2_654_435_761).rotate_left(7)
}

impl State {
    fn mode(&self) -> u8 {
        match (&self.open, self.shift) {
            (Some(r), _) => Mode::DOCUMENT_OPEN | (r.kind << 4),
            (None, Some((_, at))) if now() - at > TimeDelta::hours(24) => Mode::SHIFT_EXPIRED,
            (None, Some(_)) => Mode::SHIFT_OPEN,
            (None, None) => Mode::SHIFT_CLOSED,
        }
    }

    /// Ages the open shift (tests: an expired 24-hour shift).
    pub fn age_shift(&mut self, by: TimeDelta) {
        if let Some((_, at)) = &mut self.shift {
            *at -= by;
        }
    }

    /// Someone loads paper: the device waits for «продолжение печати».
    pub fn load_paper(&mut self) {
        if self.paper_out {
            self.paper_out = false;
            self.awaiting_continue = true;
        }
    }

    /// Whether a receipt is open.
    pub fn receipt_open(&self) -> bool {
        self.open.is_some()
    }

    fn expired(&self) -> bool {
        self.shift
            .is_some_and(|(_, at)| now() - at > TimeDelta::hours(24))
    }

    fn next_document(&mut self) -> u32 {
        self.last_document += 1;
        self.last_document
    }

    /// Executes one command body; returns the answer body (code, error, data).
    fn execute(&mut self, body: &[u8]) -> Vec<u8> {
        let n = if body[0] == 0xFF { 2 } else { 1 };
        let (code, data) = body.split_at(n.min(body.len()));
        self.commands.push(code.to_vec());
        let result = self.run(code, data);
        let mut out = code.to_vec();
        match result {
            Ok(d) => {
                out.push(0);
                out.extend(d);
            }
            Err(e) => out.push(e),
        }
        out
    }

    fn run(&mut self, code: &[u8], data: &[u8]) -> Result<Vec<u8>, u8> {
        if data.len() < 4 {
            return Err(error::BAD_PARAMETERS);
        }
        let printing = |s: &State| {
            if s.paper_out {
                Err(error::NO_PAPER)
            } else if s.awaiting_continue {
                Err(error::AWAITING_CONTINUE)
            } else {
                Ok(())
            }
        };
        match code {
            c if c == SHORT_STATUS.0 => {
                let flags: u16 = if self.paper_out { 0 } else { 1 << 7 | 1 << 1 };
                // Приложение 1: 2 active paper out, 3 after it (waits for B0h).
                let sub = if self.paper_out {
                    2
                } else if self.awaiting_continue {
                    3
                } else {
                    0
                };
                let mut d = vec![30];
                d.extend_from_slice(&flags.to_le_bytes());
                d.extend_from_slice(&[self.mode(), sub, 0, 0, 0, 0, 0, 0, 0, 0]);
                Ok(d)
            }
            c if c == FN_STATUS.0 => Ok(FnStatus {
                current_document: if self.open.is_some() { 4 } else { 0 },
                shift_open: self.shift.is_some(),
                warnings: self.faults.fn_warnings,
                at: Some(now()),
                fn_number: self.fn_number.clone(),
                last_document: self.last_document,
            }
            .encode()),
            c if c == OPEN_SHIFT.0 => {
                printing(self)?;
                if self.shift.is_some() {
                    return Err(error::SHIFT_OPEN);
                }
                self.last_shift += 1;
                self.shift = Some((self.last_shift, now()));
                self.next_document();
                let tlvs = std::mem::take(&mut self.document_tlvs);
                self.shift_reports.push(tlvs);
                Ok(vec![30])
            }
            c if c == OPEN_RECEIPT.0 => {
                printing(self)?;
                if self.open.is_some() {
                    return Err(error::RECEIPT_OPEN);
                }
                if self.shift.is_none() {
                    return Err(error::WRONG_MODE);
                }
                if self.expired() {
                    return Err(error::SHIFT_EXPIRED);
                }
                let kind = *data.get(4).ok_or(error::BAD_PARAMETERS)?;
                self.open = Some(OpenReceipt {
                    kind,
                    lines: Vec::new(),
                    tlvs: Vec::new(),
                });
                Ok(vec![30])
            }
            c if c == OPERATION_V2.0 => {
                printing(self)?;
                let line = command::parse_operation_v2(data).ok_or(error::BAD_PARAMETERS)?;
                if self.faults.paper_out_at_next_line {
                    self.faults.paper_out_at_next_line = false;
                    self.paper_out = true;
                    return Err(error::NO_PAPER);
                }
                let r = self.open.as_mut().ok_or(error::RECEIPT_CLOSED)?;
                r.lines.push((line, Vec::new()));
                Ok(Vec::new())
            }
            c if c == TLV_RECEIPT.0 || c == TLV_OPERATION.0 => {
                let tlvs = tlv::decode(&data[4..]).map_err(|_| error::BAD_PARAMETERS)?;
                let Some(r) = self.open.as_mut() else {
                    if c == TLV_RECEIPT.0 {
                        self.document_tlvs.extend(tlvs);
                        return Ok(Vec::new());
                    }
                    return Err(error::RECEIPT_CLOSED);
                };
                if c == TLV_RECEIPT.0 {
                    r.tlvs.extend(tlvs);
                } else {
                    r.lines
                        .last_mut()
                        .ok_or(error::BAD_PARAMETERS)?
                        .1
                        .extend(tlvs);
                }
                Ok(Vec::new())
            }
            c if c == CLOSE_RECEIPT_V2.0 => {
                printing(self)?;
                let (cash, tax_system) =
                    command::parse_close_receipt_v2(data).ok_or(error::BAD_PARAMETERS)?;
                let r = self.open.as_ref().ok_or(error::RECEIPT_CLOSED)?;
                let total: u64 = r.lines.iter().map(|(l, _)| l.price).sum();
                if cash < total {
                    return Err(error::PAYMENT_BELOW_TOTAL);
                }
                let r = self.open.take().expect("checked above");
                let document = self.next_document();
                let fiscal_sign = sign(document);
                self.receipts.push(Receipt {
                    document,
                    fiscal_sign,
                    kind: r.kind,
                    lines: r.lines,
                    tlvs: r.tlvs,
                    cash,
                    tax_system,
                    at: now(),
                });
                let closed = Closed {
                    change: cash - total,
                    document,
                    fiscal_sign,
                };
                let mut d = money5(closed.change).to_vec();
                d.extend_from_slice(&document.to_le_bytes());
                d.extend_from_slice(&fiscal_sign.to_le_bytes());
                Ok(d)
            }
            c if c == CANCEL_RECEIPT.0 => {
                self.open.take().ok_or(error::RECEIPT_CLOSED)?;
                Ok(vec![30])
            }
            c if c == CONTINUE_PRINT.0 => {
                if self.paper_out {
                    return Err(error::NO_PAPER);
                }
                self.awaiting_continue = false;
                Ok(vec![30])
            }
            c if c == X_REPORT.0 => {
                printing(self)?;
                if self.open.is_some() {
                    return Err(error::RECEIPT_OPEN);
                }
                self.x_reports += 1;
                Ok(vec![30])
            }
            c if c == Z_REPORT.0 => {
                printing(self)?;
                if self.open.is_some() {
                    return Err(error::RECEIPT_OPEN);
                }
                if self.shift.take().is_none() {
                    return Err(error::WRONG_MODE);
                }
                self.next_document();
                Ok(vec![30])
            }
            c if c == FIND_DOCUMENT.0 => {
                let want = u32::from_le_bytes(
                    data.get(4..8)
                        .ok_or(error::BAD_PARAMETERS)?
                        .try_into()
                        .expect("4 bytes"),
                );
                let r = self
                    .receipts
                    .iter()
                    .find(|r| r.document == want)
                    .ok_or(error::NO_DATA)?;
                Ok(FoundReceipt {
                    document: r.document,
                    fiscal_sign: r.fiscal_sign,
                    operation: if r.kind == 0 { 1 } else { 2 },
                    total: r.total(),
                }
                .encode(r.at))
            }
            _ => Err(error::UNSUPPORTED),
        }
    }
}

/// A running emulator: its state, shared with the test that drives it.
#[derive(Clone, Default)]
pub struct Emulator {
    /// The device's memory and faults.
    pub state: Arc<Mutex<State>>,
}

impl Emulator {
    /// A fresh device (shift closed, no documents).
    pub fn new() -> Emulator {
        Emulator::default()
    }

    /// Serves one port until it closes (run it on a thread).
    pub fn serve<P: Port>(&self, mut port: P) -> io::Result<()> {
        let mut pending: Option<Vec<u8>> = None;
        port.set_read_timeout(Duration::from_millis(200))?;
        loop {
            let Some(b) = read_byte(&mut port)? else {
                continue;
            };
            self.state.lock().expect("emulator state").wire_bytes += 1;
            if self.state.lock().expect("emulator state").faults.silent {
                continue;
            }
            match b {
                ENQ => match &pending {
                    Some(answer) => {
                        port.write_all(&[ACK])?;
                        port.write_all(answer)?;
                        port.flush()?;
                        self.state.lock().expect("emulator state").wire_bytes += 1 + answer.len();
                        if read_ack(&mut port)? {
                            pending = None;
                        }
                    }
                    None => {
                        port.write_all(&[NAK])?;
                        port.flush()?;
                        self.state.lock().expect("emulator state").wire_bytes += 1;
                    }
                },
                STX => {
                    let Some(body) = read_body(&mut port)? else {
                        port.write_all(&[NAK])?;
                        continue;
                    };
                    let mut s = self.state.lock().expect("emulator state");
                    // The frame's length, LRC and the ACK or NAK for it.
                    s.wire_bytes += body.len() + 3;
                    if s.faults.nak_frames > 0 {
                        s.faults.nak_frames -= 1;
                        drop(s);
                        port.write_all(&[NAK])?;
                        continue;
                    }
                    port.write_all(&[ACK])?;
                    let answer = frame::encode(&s.execute(&body));
                    let lose = s
                        .faults
                        .lose_answer_of
                        .as_ref()
                        .is_some_and(|c| body.starts_with(c));
                    if lose {
                        s.faults.lose_answer_of = None;
                        continue;
                    }
                    s.wire_bytes += answer.len() + 1;
                    drop(s);
                    port.write_all(&answer)?;
                    port.flush()?;
                    pending = if read_ack(&mut port)? {
                        None
                    } else {
                        Some(answer)
                    };
                }
                _ => {}
            }
        }
    }
}

fn read_byte<P: Port>(port: &mut P) -> io::Result<Option<u8>> {
    let mut b = [0u8; 1];
    match port.read(&mut b) {
        Ok(1) => Ok(Some(b[0])),
        Ok(_) => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed")),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The rest of a frame after STX: its body, or `None` when damaged.
fn read_body<P: Port>(port: &mut P) -> io::Result<Option<Vec<u8>>> {
    let Some(len) = read_byte(port)? else {
        return Ok(None);
    };
    let mut frame = vec![STX, len];
    let want = len as usize + 3;
    let mut buf = [0u8; 256];
    while frame.len() < want {
        let room = want - frame.len();
        match port.read(&mut buf[..room]) {
            Ok(0) => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed")),
            Ok(n) => frame.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(frame::decode(&frame).ok().map(<[u8]>::to_vec))
}

/// Waits for the host's ACK (true) or NAK / nothing (false).
fn read_ack<P: Port>(port: &mut P) -> io::Result<bool> {
    Ok(read_byte(port)? == Some(ACK))
}
