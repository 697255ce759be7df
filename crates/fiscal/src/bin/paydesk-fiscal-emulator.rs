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
            let (master, mut slave) = match serialport::TTYPort::pair() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("paydesk-fiscal-emulator: cannot open a pty: {e}");
                    std::process::exit(1);
                }
            };
            let path = serialport::SerialPort::name(&slave).unwrap_or_default();
            // The slave stays open (a pty without one reads EOF) but not exclusive,
            // so paydesk can open it by path; only paydesk reads it.
            let _ = slave.set_exclusive(false);
            println!("Shtrih-M emulator on {path} (keep this running)");
            let _ = emu.serve(master);
            drop(slave);
        }
        _ => {
            eprintln!("usage: paydesk-fiscal-emulator pty | tcp [ADDRESS:PORT]");
            std::process::exit(2);
        }
    }
}
