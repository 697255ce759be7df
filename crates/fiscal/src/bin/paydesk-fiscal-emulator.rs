//! `paydesk-fiscal-emulator`: the Shtrih-M emulator by hand, for trying paydesk
//! without a register.
//!
//! `paydesk-fiscal-emulator pty` opens a pty and prints its path (point
//! `[fiscal] path` at it); `paydesk-fiscal-emulator tcp 127.0.0.1:7778` listens on
//! TCP (one connection at a time). The fiscal storage lives in memory until exit.

use paydesk_fiscal::emulator::Emulator;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let emu = Emulator::new();
    match args.first().map(String::as_str) {
        Some("tcp") => {
            let addr = args.get(1).map_or("127.0.0.1:7778", String::as_str);
            let listener = match std::net::TcpListener::bind(addr) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("paydesk-fiscal-emulator: cannot listen on {addr}: {e}");
                    std::process::exit(1);
                }
            };
            println!("Shtrih-M emulator listening on {addr}");
            for socket in listener.incoming().flatten() {
                let _ = emu.serve(socket);
            }
        }
        Some("pty") => {
            // pair() gives the master (no name) and the slave (its path).
            let (master, slave) = match serialport::TTYPort::pair() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("paydesk-fiscal-emulator: cannot open a pty: {e}");
                    std::process::exit(1);
                }
            };
            let path = serialport::SerialPort::name(&slave).unwrap_or_default();
            // A pty with no slave open reads EOF: keep one plain descriptor (no lock,
            // never read) so paydesk can take the port for itself, by path.
            let keep = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path);
            drop(slave);
            println!("Shtrih-M emulator on {path} (keep this running)");
            let _ = emu.serve(master);
            drop(keep);
        }
        _ => {
            eprintln!("usage: paydesk-fiscal-emulator pty | tcp [ADDRESS:PORT]");
            std::process::exit(2);
        }
    }
}
