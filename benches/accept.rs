//! `cargo bench --bench accept`: one durable accept (draft → fiscalized through the
//! journal, fsync included, printing to the virtual printer) against a bare rusqlite
//! insert + commit of one row with the same pragmas, on the same disk, in one run.
//!
//! Iterations alternate between the two so that disk and CPU drift hit both alike.
//! Prints both medians, their ratio, and the ratio per durable commit (an accept is
//! several commits: each print is bracketed by a journaled "about to" and "done").

use std::time::{Duration, Instant};

use paydesk::app::config::{Config, ConfigFile, JournalSection};
use paydesk::app::till::Till;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::domain::receipt::{Block, Document, DocumentKind};
use paydesk::printing::ReceiptPrinter;
use paydesk::printing::profile::PrinterProfile;
use paydesk::printing::transport::VirtualPrinter;

const ITERATIONS: usize = 400;
const WARMUP: usize = 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // The same disk as the default journal would use: a folder next to the build.
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
        ..ConfigFile::default()
    };
    let config = Config::resolve(file, false, &dir.path().join("config.toml")).expect("config");
    let mut till = Till::open(&config).expect("till");
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
    till.shifts()
        .open(Money::default())
        .expect("open the shift");

    let bare = rusqlite::Connection::open(dir.path().join("bare.sqlite")).unwrap();
    bare.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
         CREATE TABLE t (id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT;",
    )
    .unwrap();
    let row = "x".repeat(300);

    let mut accept = Vec::with_capacity(ITERATIONS);
    let mut insert = Vec::with_capacity(ITERATIONS);
    for i in 0..WARMUP + ITERATIONS {
        let t = Instant::now();
        let step = till.payments().print_pre_receipt(&quote).unwrap();
        let id = step.payment.id();
        till.payments().customer_signed(id).unwrap();
        let done = till.payments().take_cash(id, tendered).unwrap();
        let a = t.elapsed();
        assert!(done.payment.state.fiscal().is_some());

        let t = Instant::now();
        bare.execute_batch("BEGIN IMMEDIATE").unwrap();
        bare.execute(
            "INSERT INTO t (id, data) VALUES (?1, ?2)",
            (uuid::Uuid::now_v7().to_string(), &row),
        )
        .unwrap();
        bare.execute_batch("COMMIT").unwrap();
        let b = t.elapsed();
        if i >= WARMUP {
            accept.push(a);
            insert.push(b);
        }
    }

    // An accept's commits: created + pre-receipt started; pre-receipt printed; signed;
    // cash taken + fiscal started; fiscal printed.
    let events = till
        .journal()
        .events(till.journal().all_payments().unwrap()[0].id())
        .unwrap();
    assert_eq!(events.len(), 7, "created + 6 transitions");
    let commits = 5.0;

    // The CPU part alone: lay out, encode and decode one fiscal-receipt-sized document.
    let profile = PrinterProfile::built_in("generic-80mm").unwrap();
    let mut printer = ReceiptPrinter::new(
        profile.clone(),
        Box::new(VirtualPrinter::new(profile, None)),
    );
    let doc = Document {
        kind: DocumentKind::FiscalReceipt,
        number: 1,
        blocks: (0..30)
            .map(|i| Block::Field {
                label: format!("Строка {i}"),
                value: "1 234,56 руб.".into(),
            })
            .collect(),
    };
    let mut print_only = Vec::new();
    for _ in 0..ITERATIONS {
        let t = Instant::now();
        printer.print(&doc).unwrap();
        print_only.push(t.elapsed());
    }

    let a = median(accept);
    let b = median(insert);
    let p = median(print_only);
    println!(
        "durable accept (draft → fiscalized, {commits} commits, 2 documents): median {:>9.1} µs",
        micros(a)
    );
    println!(
        "bare insert + commit (same pragmas, same disk):              median {:>9.1} µs",
        micros(b)
    );
    println!(
        "ratio accept / bare commit:                                   {:>9.2}",
        micros(a) / micros(b)
    );
    println!(
        "ratio per durable commit (accept / {commits} / bare commit):          {:>9.2}",
        micros(a) / commits / micros(b)
    );
    println!(
        "print one 30-line document (layout + encode + decode + virtual printer): {:>7.1} µs",
        micros(p)
    );
    println!(
        "iterations: {ITERATIONS} after {WARMUP} warm-up; journal in {}",
        dir.path().display()
    );
}
