//! A fake ESC/POS printer for transport tests: it sits on the master end of a pty pair
//! (serial; `serialport`'s `TTYPort::pair`, nothing to install) or on a loopback TCP
//! port (9100), records what it would print,
//! answers `DLE EOT n` and `GS r 1` like a real printer, and can be told to run out
//! of paper at byte N, to stop reading (flow control held), or to vanish at byte N.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the fake printer does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Behaviour {
    /// Prints everything and answers every question.
    #[default]
    Normal,
    /// Runs out of paper after this many printed bytes (counted from now).
    PaperEndAfter(usize),
    /// Stops reading after this many bytes (counted from now): flow control held.
    StopReadingAfter(usize),
    /// Closes its end after this many bytes (counted from now): unplugged.
    VanishAfter(usize),
    /// Runs out of paper once it has confirmed this many jobs (`GS r`) from now.
    PaperEndAfterJobs(usize),
}

/// What the printer has and knows.
#[derive(Debug, Default)]
pub struct Printer {
    /// Bytes it printed (status questions are not paper).
    pub paper: Vec<u8>,
    /// Bytes read since the behaviour was set.
    pub since: usize,
    /// Bytes printed since the behaviour was set.
    pub printed_since: usize,
    pub behaviour: Behaviour,
    pub paper_out: bool,
    pub cover_open: bool,
    pub questions: usize,
    pub vanished: bool,
    /// Jobs confirmed (`GS r` answered) since the behaviour was set.
    pub jobs_since: usize,
}

impl Printer {
    fn status(&self, n: u8) -> u8 {
        let offline = self.paper_out || self.cover_open;
        0x12 | match n {
            1 if offline => 0x08,
            2 => (if self.cover_open { 0x04 } else { 0 }) | (if self.paper_out { 0x20 } else { 0 }),
            4 if self.paper_out => 0x60,
            _ => 0,
        }
    }
}

/// A running fake printer.
pub struct FakePrinter {
    pub state: Arc<Mutex<Printer>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Serial: the pty path paydesk opens. TCP: `127.0.0.1:port`.
    pub address: String,
    /// Serial: the slave end, held open so the master never reads a hang-up while
    /// paydesk closes and reopens the port.
    _slave: Option<serialport::TTYPort>,
}

impl FakePrinter {
    /// A serial printer: a pty pair; paydesk opens the slave's path (`address`), the
    /// fake printer reads and answers on the master.
    pub fn serial() -> FakePrinter {
        let (master, slave) = serialport::TTYPort::pair().expect("a pty pair");
        let address = serialport::SerialPort::name(&slave).expect("the slave pty has a path");
        let mut reader = master.try_clone_native().unwrap();
        serialport::SerialPort::set_timeout(&mut reader, Duration::from_millis(50)).unwrap();
        let mut fake = FakePrinter::start(Box::new(reader), Box::new(master), address);
        fake._slave = Some(slave);
        fake
    }

    /// A network printer on a loopback port; each connection is served in turn.
    pub fn tcp() -> FakePrinter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let state = Arc::new(Mutex::new(Printer::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        listener.set_nonblocking(true).unwrap();
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        let reader: TcpStream = stream.try_clone().unwrap();
                        serve(Box::new(reader), Box::new(stream), &s, &st, true);
                        if s.lock().unwrap().vanished {
                            return;
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakePrinter {
            state,
            stop,
            thread: Some(thread),
            address,
            _slave: None,
        }
    }

    fn start(
        reader: Box<dyn ReadTimeout>,
        writer: Box<dyn Write + Send>,
        address: String,
    ) -> FakePrinter {
        let state = Arc::new(Mutex::new(Printer::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || serve(reader, writer, &s, &st, false));
        FakePrinter {
            state,
            stop,
            thread: Some(thread),
            address,
            _slave: None,
        }
    }

    /// Sets what happens from now on.
    pub fn set(&self, behaviour: Behaviour) {
        let mut p = self.state.lock().unwrap();
        p.behaviour = behaviour;
        p.since = 0;
        p.printed_since = 0;
        p.jobs_since = 0;
    }

    /// Paper out (or a new roll loaded).
    pub fn set_paper_out(&self, out: bool) {
        self.state.lock().unwrap().paper_out = out;
    }

    /// Cover open or closed.
    pub fn set_cover_open(&self, open: bool) {
        self.state.lock().unwrap().cover_open = open;
    }

    /// What it printed.
    pub fn paper(&self) -> Vec<u8> {
        self.state.lock().unwrap().paper.clone()
    }

    /// Waits (up to 10 s) until it has printed `n` bytes: without a status barrier
    /// the sender returns once the bytes are handed over, before they are read.
    pub fn wait_paper(&self, n: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let paper = self.paper();
            if paper.len() >= n || Instant::now() > deadline {
                return paper;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Forgets what it printed.
    pub fn clear_paper(&self) {
        self.state.lock().unwrap().paper.clear();
    }
}

impl Drop for FakePrinter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A reader whose reads return within a short time, so the thread can stop.
pub trait ReadTimeout: Read + Send {
    fn prepare(&mut self) {}
}

impl ReadTimeout for serialport::TTYPort {}

impl ReadTimeout for TcpStream {
    fn prepare(&mut self) {
        let _ = self.set_read_timeout(Some(Duration::from_millis(50)));
    }
}

/// The printer's loop: read bytes, answer questions, print the rest.
fn serve(
    mut reader: Box<dyn ReadTimeout>,
    mut writer: Box<dyn Write + Send>,
    state: &Arc<Mutex<Printer>>,
    stop: &Arc<AtomicBool>,
    eof_ends: bool,
) {
    reader.prepare();
    // Bytes of a command being recognised (DLE EOT n, GS r n).
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 64];
    while !stop.load(Ordering::SeqCst) {
        {
            let p = state.lock().unwrap();
            if let Behaviour::StopReadingAfter(n) = p.behaviour
                && p.since >= n
            {
                drop(p);
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        }
        let n = match reader.read(&mut buf) {
            Ok(0) if eof_ends => return,
            Ok(0) => {
                // A pty with nobody on the other side reads 0: wait for them.
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            // The master of a pty whose slave is closed reads EIO: wait for paydesk
            // to open the port again.
            Err(e) if !eof_ends && e.raw_os_error() == Some(5) => {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue;
            }
            Err(_) => return,
        };
        for &b in &buf[..n] {
            let mut p = state.lock().unwrap();
            p.since += 1;
            if let Behaviour::VanishAfter(limit) = p.behaviour
                && p.since > limit
            {
                p.vanished = true;
                return;
            }
            pending.push(b);
            match pending.as_slice() {
                [0x10] | [0x10, 0x04] | [0x1D] | [0x1D, b'r'] => continue,
                [0x10, 0x04, n] => {
                    let answer = p.status(*n);
                    p.questions += 1;
                    drop(p);
                    let _ = writer.write_all(&[answer]);
                    let _ = writer.flush();
                }
                [0x1D, b'r', _] => {
                    p.questions += 1;
                    // Processed in order: with no paper the printer is offline and
                    // never gets to it.
                    if !(p.paper_out || p.cover_open) {
                        p.jobs_since += 1;
                        if let Behaviour::PaperEndAfterJobs(k) = p.behaviour
                            && p.jobs_since >= k
                        {
                            p.paper_out = true;
                        }
                        drop(p);
                        let _ = writer.write_all(&[0x00]);
                        let _ = writer.flush();
                    }
                }
                bytes => {
                    let bytes = bytes.to_vec();
                    for b in bytes {
                        if p.paper_out || p.cover_open {
                            continue;
                        }
                        p.paper.push(b);
                        p.printed_since += 1;
                        if let Behaviour::PaperEndAfter(limit) = p.behaviour
                            && p.printed_since >= limit
                        {
                            p.paper_out = true;
                        }
                    }
                }
            }
            pending.clear();
        }
    }
}
