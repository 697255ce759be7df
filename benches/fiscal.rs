//! `cargo bench --bench fiscal`: what paydesk adds around one fiscal receipt at the
//! cash step with a Shtrih-M register — journal commits (fsync), building the
//! receipt, framing and TLVs — against the time its bytes take on a 115200-baud
//! line. Runs the real till against the emulator on a pty; paydesk's part is the
//! cash step's time minus the time spent inside exchanges with the register (the
//! emulator's and the pty's). Prints medians, the bytes counted by the driver, and
//! the ratio (goal ≤ 5 %). A real register adds its printing time, which only makes
//! paydesk's share smaller.

use std::time::{Duration, Instant};

use paydesk::app::config::{Config, ConfigFile, FiscalSection, JournalSection};
use paydesk::app::till::Till;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::fiscal::emulator::Emulator;

const ITERATIONS: usize = 100;
const WARMUP: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let (master, slave) = serialport::TTYPort::pair().expect("a pty pair");
    let path = serialport::SerialPort::name(&slave).expect("the pty's path");
    let _keep = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .expect("hold the pty");
    drop(slave);
    let emu = Emulator::new();
    let serving = emu.clone();
    std::thread::spawn(move || serving.serve(master));

    let base = std::env::var("PAYDESK_BENCH_DIR")
        .unwrap_or_else(|_| env!("CARGO_TARGET_TMPDIR").to_string());
    let dir = tempfile::tempdir_in(&base).expect("temp dir for the bench");
    let file = ConfigFile {
        training: Some(true),
        language: Some(paydesk::i18n::Lang::Ru),
        timezone: Some("Europe/Moscow".into()),
        journal: Some(JournalSection {
            path: Some(dir.path().join("journal.sqlite")),
            busy_timeout_ms: None,
            ..JournalSection::default()
        }),
        fiscal: Some(FiscalSection {
            device: Some("shtrih-m".into()),
            path: Some(path),
            tax_system: Some("usn-income".into()),
            ..FiscalSection::default()
        }),
        ..ConfigFile::default()
    };
    let config = Config::resolve(file, false, &dir.path().join("config.toml")).expect("config");
    let mut till = Till::open(&config).expect("till");
    till.shifts()
        .open(Money::default())
        .expect("open the shift");
    let quote = entry::validate(
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some("DOMRU".into()),
            account: "123456789012".into(),
            amount: "1500.50".into(),
        },
        till.rules().max_payment(),
    )
    .expect("quote");
    let tendered = Money::parse("2000").unwrap();

    let mut cash_step = Vec::with_capacity(ITERATIONS);
    let mut exchanges = Vec::with_capacity(ITERATIONS);
    let mut ours = Vec::with_capacity(ITERATIONS);
    let mut bytes = Vec::with_capacity(ITERATIONS);
    for i in 0..WARMUP + ITERATIONS {
        let id = till
            .payments()
            .print_pre_receipt(&quote)
            .unwrap()
            .payment
            .id();
        till.payments().customer_signed(id).unwrap();
        let before = till.fiscal_wire();
        let t = Instant::now();
        let step = till.payments().take_cash(id, tendered).unwrap();
        let took = t.elapsed();
        let after = till.fiscal_wire();
        assert!(step.issued.is_some(), "the register issued it");
        if i >= WARMUP {
            let busy = after.busy - before.busy;
            cash_step.push(took);
            exchanges.push(busy);
            ours.push(took.saturating_sub(busy));
            bytes.push(after.sent + after.received - before.sent - before.received);
        }
    }
    bytes.sort_unstable();
    let bytes = bytes[bytes.len() / 2];
    let wire = Duration::from_secs_f64(bytes as f64 * 10.0 / 115_200.0);
    let ours = median(ours);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("the cash step with a Shtrih-M register (emulator on a pty), {ITERATIONS} payments");
    println!("  bytes on the wire per cash step (statuses, receipt): {bytes}");
    println!(
        "  their time on a 115200-baud line:          {:>7.2} ms",
        ms(wire)
    );
    println!(
        "  whole cash step on the pty, median:        {:>7.2} ms",
        ms(median(cash_step))
    );
    println!(
        "  of it inside exchanges (pty + emulator):   {:>7.2} ms",
        ms(median(exchanges))
    );
    println!(
        "  paydesk's part (journal commits with fsync, receipt, frames, TLVs), median: {:.2} ms",
        ms(ours)
    );
    println!(
        "  ratio paydesk's part / line time:          {:>7.2} %  (goal ≤ 5 %)",
        ours.as_secs_f64() / wire.as_secs_f64() * 100.0
    );
    assert_eq!(
        emu.state.lock().unwrap().receipts.len(),
        WARMUP + ITERATIONS
    );
}
