//! Real transports against fake printers: a `socat` pty pair for serial and a
//! loopback port for TCP 9100. The till prints through them; the bytes the fake
//! printer received are decoded and checked, and every fault leaves the payment where
//! the recovery question can be asked about it.

mod common;

use std::path::Path;

use common::fake_printer::{Behaviour, FakePrinter};
use paydesk::app::config::Config;
use paydesk::app::recovery::{self, Answer, Question};
use paydesk::app::till::{FlowError, Till};
use paydesk::domain::entry::{self, PaymentInput, Quote};
use paydesk::domain::money::Money;
use paydesk::domain::payment::{PaymentId, StateName};
use paydesk::printing::PrintError;
use paydesk::printing::decode::{PaperItem, Printout, decode};
use paydesk::printing::profile::PrinterProfile;
use paydesk::printing::status::Problem;

/// A shop in `dir` printing on `printer_toml` (the `[printer]` section's keys).
fn config(dir: &Path, lang: &str, printer_toml: &str) -> Config {
    let (currency, tz, shop) = match lang {
        "pl" => (
            "PLN",
            "Europe/Warsaw",
            "name = \"Sklep „Żabka” Łódź\"\ntax_id = \"7251801126\"\naddress = \"ul. Piotrkowska 1, Łódź\"",
        ),
        _ => (
            "RUB",
            "Europe/Moscow",
            "name = \"ООО «Ромашка»\"\ntax_id = \"7701234567\"\naddress = \"Москва, ул. Тверская, д. 1\"",
        ),
    };
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "training = true\nlanguage = \"{lang}\"\ncurrency = \"{currency}\"\ntimezone = \"{tz}\"\n\
             [shop]\n{shop}\n[journal]\npath = {:?}\n[printer]\n{printer_toml}\n\
             status_timeout_ms = 2000\nwrite_timeout_ms = 2000\njob_timeout_ms = 4000\n",
            dir.join("journal.sqlite").display().to_string()
        ),
    )
    .unwrap();
    Config::load(Some(&path), None).unwrap()
}

fn serial(fake: &FakePrinter, profile: &str) -> String {
    format!(
        "profile = \"{profile}\"\nconnection = \"serial\"\npath = {:?}\nbaud = 115200",
        fake.address
    )
}

fn quote(till: &Till, operator: &str, account: &str, amount: &str) -> Quote {
    entry::validate(
        till.catalogue(),
        &PaymentInput {
            operator_code: Some(operator.into()),
            account: account.into(),
            amount: amount.into(),
        },
        till.max_payment(),
    )
    .unwrap()
}

/// Pre-receipt printed and signed: the payment waits for the cash.
fn signed(till: &mut Till, q: &Quote) -> PaymentId {
    let id = till.print_pre_receipt(q).unwrap().payment.id();
    till.customer_signed(id).unwrap();
    id
}

fn paper(fake: &FakePrinter, profile: &str) -> Printout {
    let p = PrinterProfile::built_in(profile).unwrap();
    decode(&fake.paper(), &p).unwrap()
}

/// Every printed line's characters, one per line (no spacing out of large letters).
fn lines(p: &Printout) -> String {
    p.lines().map(|l| format!("{}\n", l.text)).collect()
}

fn event_kinds(till: &Till, id: PaymentId) -> Vec<String> {
    till.journal()
        .events(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn a_russian_payment_prints_on_a_serial_printer_byte_for_byte() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "xprinter-xp-n160ii";
    let mut till = Till::open(&config(dir.path(), "ru", &serial(&fake, profile))).unwrap();
    let q = quote(&till, "MTS", "9031234567", "1 500,50");
    let id = signed(&mut till, &q);
    let step = till.take_cash(id, Money::parse("2000").unwrap()).unwrap();
    assert_eq!(step.payment.state.name(), StateName::Fiscalized);

    // The printer got exactly the bytes the till made, nothing else.
    let sent: Vec<u8> = till
        .paper()
        .lock()
        .unwrap()
        .iter()
        .flat_map(|(job, _)| job.bytes.clone())
        .collect();
    assert_eq!(fake.paper(), sent);
    let text = lines(&paper(&fake, profile));
    for expected in [
        "ПРЕДВАРИТЕЛЬНЫЙ ЧЕК",
        "ООО «Ромашка»",
        "Москва, ул. Тверская, д. 1",
        "КАССОВЫЙ ЧЕК",
        "9031234567",
        "1 500,50 руб.",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    // Xprinter's own number for WPC1251 is never sent for CP866 text: CP866 is 17.
    assert!(fake.paper().windows(3).any(|w| w == [0x1B, b't', 17]));
    // The drawer opened once, with the fiscal receipt.
    let kicks = paper(&fake, profile)
        .items
        .iter()
        .filter(|i| matches!(i, PaperItem::DrawerKick { pin: 0 }))
        .count();
    assert_eq!(kicks, 1);
}

#[test]
fn a_polish_payment_prints_on_a_serial_printer() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "epson-tm-t20iii";
    let mut till = Till::open(&config(dir.path(), "pl", &serial(&fake, profile))).unwrap();
    let q = quote(&till, "PLAY", "512345678", "49,99");
    let id = signed(&mut till, &q);
    till.take_cash(id, Money::parse("50").unwrap()).unwrap();
    let text = lines(&paper(&fake, profile));
    for expected in [
        "PARAGON WSTĘPNY",
        "PARAGON FISKALNY",
        "Sklep „Żabka” Łódź",
        "ul. Piotrkowska 1, Łódź",
        "P4 sp. z o.o.",
        "49,99 zł",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}

#[test]
fn a_printer_without_paper_refuses_before_anything_happens() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "epson-tm-t88v";
    let mut till = Till::open(&config(dir.path(), "ru", &serial(&fake, profile))).unwrap();
    for (set, problem) in [(Some(true), Problem::PaperEnd), (None, Problem::CoverOpen)] {
        fake.set_paper_out(set.unwrap_or(false));
        fake.set_cover_open(set.is_none());
        let q = quote(&till, "MTS", "9031234567", "100");
        match till.print_pre_receipt(&q) {
            Err(FlowError::Print(PrintError::NotReady(r))) => {
                assert_eq!(r.problems, vec![problem])
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    assert!(till.journal().all_payments().unwrap().is_empty());
    assert!(fake.paper().is_empty());
}

#[test]
fn paper_end_before_the_fiscal_receipt_keeps_the_cash_and_prints_once_fixed() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "citizen-ct-s310ii";
    let mut till = Till::open(&config(dir.path(), "ru", &serial(&fake, profile))).unwrap();
    let q = quote(&till, "MTS", "9031234567", "300");
    let id = signed(&mut till, &q);
    fake.clear_paper();
    fake.set_paper_out(true);
    let err = till
        .take_cash(id, Money::parse("500").unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, FlowError::Print(PrintError::NotReady(r)) if r.problems == [Problem::PaperEnd]),
        "{err:?}"
    );
    // The cash is journaled, the fiscal receipt not started, nothing on paper.
    let p = till.payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::CashTaken);
    assert_eq!(recovery::question(&p), Some(Question::PrintFiscal { n: 1 }));
    assert!(fake.paper().is_empty());
    // A new roll: the recovery answer prints it.
    fake.set_paper_out(false);
    recovery::answer(&mut till, &p, Answer::Yes).unwrap();
    assert_eq!(
        till.payment(id).unwrap().state.name(),
        StateName::Fiscalized
    );
    assert!(lines(&paper(&fake, profile)).contains("КАССОВЫЙ ЧЕК"));
}

/// Runs a payment whose fiscal receipt meets `fault` after `at` bytes; returns the
/// till, the payment and the error.
fn fiscal_fault(
    fake: &FakePrinter,
    profile: &str,
    fault: Behaviour,
) -> (Till, PaymentId, FlowError, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut till = Till::open(&config(dir.path(), "ru", &serial(fake, profile))).unwrap();
    let q = quote(&till, "MTS", "9031234567", "750");
    let id = signed(&mut till, &q);
    fake.clear_paper();
    fake.set(fault);
    let err = till
        .take_cash(id, Money::parse("1000").unwrap())
        .unwrap_err();
    (till, id, err, dir)
}

#[test]
fn paper_running_out_mid_receipt_asks_the_precise_question_and_reprints_a_marked_copy() {
    let fake = FakePrinter::serial();
    let profile = "epson-tm-t20iii";
    let (mut till, id, err, _dir) = fiscal_fault(&fake, profile, Behaviour::PaperEndAfter(300));
    assert!(
        matches!(&err, FlowError::Print(PrintError::Unconfirmed(r)) if r.problems == [Problem::PaperEnd]),
        "{err:?}"
    );
    let message = paydesk::app::messages::flow(paydesk::i18n::Lang::Ru, &err, true);
    assert!(message.contains("закончилась бумага"), "{message}");
    assert!(message.contains("частично"), "{message}");
    // Part of the receipt is on paper; the journal says it may be.
    let partial = fake.paper();
    assert_eq!(partial.len(), 300);
    let p = till.payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::FiscalPrinting);
    assert_eq!(
        recovery::question(&p),
        Some(Question::FiscalPrinted { n: 1 })
    );
    let asked = Question::FiscalPrinted { n: 1 }.text(
        &p,
        paydesk::i18n::Lang::Ru,
        &paydesk::i18n::Currency::default(),
    );
    assert!(
        asked.starts_with("Кассовый чек № 1 (МТС, 9031234567, 750,00"),
        "{asked}"
    );

    // While the paper is out, "print again" is refused and nothing changes.
    let refused = recovery::answer(&mut till, &p, Answer::No).unwrap_err();
    assert!(matches!(refused, FlowError::Print(PrintError::NotReady(_))));
    assert_eq!(
        till.payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );

    // New roll: "no, it did not come out" prints a copy with the same number.
    fake.set(Behaviour::Normal);
    fake.set_paper_out(false);
    fake.clear_paper();
    recovery::answer(&mut till, &p, Answer::No).unwrap();
    let p = till.payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.state.fiscal().unwrap().receipt_no, 1);
    assert!(event_kinds(&till, id).contains(&"fiscal_reprint_started".to_string()));
    let copy = paper(&fake, profile);
    let text = lines(&copy);
    assert!(text.contains("КОПИЯ"), "{text}");
    assert!(text.contains("№ 1"), "{text}");
    // A copy never opens the drawer.
    assert!(
        !copy
            .items
            .iter()
            .any(|i| matches!(i, PaperItem::DrawerKick { .. }))
    );
}

#[test]
fn a_printer_that_vanishes_mid_receipt_leaves_the_payment_in_fiscal_printing() {
    let fake = FakePrinter::serial();
    let (till, id, err, _dir) = fiscal_fault(&fake, "generic-80mm", Behaviour::VanishAfter(200));
    assert!(
        matches!(
            &err,
            FlowError::Print(PrintError::Unconfirmed(_) | PrintError::Transport(_))
        ),
        "{err:?}"
    );
    assert_eq!(
        till.payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );
    assert!(fake.paper().len() <= 200);
}

#[test]
fn a_printer_that_stops_reading_leaves_the_payment_in_fiscal_printing() {
    let fake = FakePrinter::serial();
    let (till, id, err, _dir) =
        fiscal_fault(&fake, "rongta-rp326", Behaviour::StopReadingAfter(100));
    match &err {
        FlowError::Print(PrintError::Unconfirmed(r)) => {
            assert_eq!(r.problems, vec![Problem::NoAnswer])
        }
        FlowError::Print(PrintError::Transport(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        till.payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );
}

#[test]
fn a_serial_port_that_does_not_exist_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("ttyNONE");
    let mut till = Till::open(&config(
        dir.path(),
        "en",
        &format!(
            "profile = \"generic-80mm\"\nconnection = \"serial\"\npath = {:?}",
            missing.display().to_string()
        ),
    ))
    .unwrap();
    let q = quote(&till, "MTS", "9031234567", "100");
    let err = till.print_pre_receipt(&q).unwrap_err();
    let message = paydesk::app::messages::flow(paydesk::i18n::Lang::En, &err, false);
    assert!(message.contains("ttyNONE"), "{message}");
    assert!(
        message.starts_with("The printer was not found"),
        "{message}"
    );
    assert!(till.journal().all_payments().unwrap().is_empty());
}

#[test]
fn the_test_page_prints_over_serial() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "xprinter-xp-58iih";
    let mut till = Till::open(&config(dir.path(), "ru", &serial(&fake, profile))).unwrap();
    let status = till.printer_status().unwrap().unwrap();
    assert!(status.is_ready(), "{status:?}");
    let printed = till.print_test_page().unwrap();
    // This model has no GS r barrier: wait for the fake to read it all.
    assert_eq!(fake.wait_paper(printed.job.bytes.len()), printed.job.bytes);
    let text = lines(&paper(&fake, profile));
    assert!(text.contains("PAYDESK TEST"), "{text}");
    assert!(text.contains("WPC1251 (ESC t 73):"), "{text}");
    assert!(text.contains("12345678901234567890123456789012"), "{text}");
}

fn tcp(fake: &FakePrinter, profile: &str) -> String {
    format!(
        "profile = \"{profile}\"\nconnection = \"tcp\"\naddress = {:?}",
        fake.address
    )
}

#[test]
fn a_payment_prints_on_a_network_printer_and_paper_end_mid_receipt_is_caught() {
    let fake = FakePrinter::tcp();
    let dir = tempfile::tempdir().unwrap();
    let profile = "epson-tm-t88v";
    let mut till = Till::open(&config(dir.path(), "ru", &tcp(&fake, profile))).unwrap();
    let q = quote(&till, "MTS", "9031234567", "100");
    let id = signed(&mut till, &q);
    till.take_cash(id, Money::parse("100").unwrap()).unwrap();
    let text = lines(&paper(&fake, profile));
    assert!(text.contains("КАССОВЫЙ ЧЕК"), "{text}");
    assert!(text.contains("ООО «Ромашка»"), "{text}");

    let q = quote(&till, "MTS", "9031234567", "200");
    let id = signed(&mut till, &q);
    fake.set(Behaviour::PaperEndAfter(250));
    let err = till
        .take_cash(id, Money::parse("200").unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, FlowError::Print(PrintError::Unconfirmed(r)) if r.problems == [Problem::PaperEnd]),
        "{err:?}"
    );
    assert_eq!(
        till.payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );
}

#[test]
fn a_network_printer_nobody_answers_at_is_named() {
    // A port that was free a moment ago: connection refused.
    let address = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let dir = tempfile::tempdir().unwrap();
    let mut till = Till::open(&config(
        dir.path(),
        "en",
        &format!("profile = \"generic-80mm\"\nconnection = \"tcp\"\naddress = {address:?}"),
    ))
    .unwrap();
    let err = till.printer_status().unwrap_err();
    let message = paydesk::app::messages::printer(paydesk::i18n::Lang::En, &err);
    assert!(message.contains(&address), "{message}");
    let q = quote(&till, "MTS", "9031234567", "100");
    assert!(till.print_pre_receipt(&q).is_err());
    assert!(till.journal().all_payments().unwrap().is_empty());
}

#[test]
fn a_device_file_printer_gets_the_documents_and_cannot_be_asked_for_status() {
    let dir = tempfile::tempdir().unwrap();
    // A file stands in for /dev/usb/lp0 (the kernel's printer file takes writes the
    // same way; it exists only while the printer is plugged in).
    let lp = dir.path().join("lp0");
    std::fs::write(&lp, b"").unwrap();
    let profile = "generic-80mm";
    let mut till = Till::open(&config(
        dir.path(),
        "ru",
        &format!(
            "profile = \"{profile}\"\nconnection = \"file\"\npath = {:?}",
            lp.display().to_string()
        ),
    ))
    .unwrap();
    assert!(
        till.printer_status().unwrap().is_none(),
        "a device file cannot answer"
    );
    let q = quote(&till, "MTS", "9031234567", "100");
    let step = till.print_pre_receipt(&q).unwrap();
    let job = step.printed.unwrap().job;
    let received = std::fs::read(&lp).unwrap();
    assert_eq!(received, job.bytes);
    let p = PrinterProfile::built_in(profile).unwrap();
    assert!(lines(&decode(&received, &p).unwrap()).contains("ПРЕДВАРИТЕЛЬНЫЙ ЧЕК"));

    // A device file that is not there: named, and nothing is journaled.
    let missing = dir.path().join("lp9");
    till.set_printer(
        paydesk::app::config::PrinterConfig::from_section(
            &paydesk::app::config::PrinterSection {
                profile: Some(profile.into()),
                connection: Some(paydesk::app::config::ConnectionKind::File),
                path: Some(missing.display().to_string()),
                ..Default::default()
            },
            dir.path().join("printer-profiles"),
        )
        .unwrap(),
    )
    .unwrap();
    let before = till.journal().all_payments().unwrap().len();
    let err = till.print_pre_receipt(&q).unwrap_err();
    let message = paydesk::app::messages::flow(paydesk::i18n::Lang::En, &err, false);
    assert!(message.contains("lp9"), "{message}");
    // The file is opened before anything is journaled.
    assert_eq!(till.journal().all_payments().unwrap().len(), before);
}

#[test]
fn a_network_printer_refuses_with_its_cover_open_and_a_vanishing_one_leaves_fiscal_printing() {
    let fake = FakePrinter::tcp();
    let dir = tempfile::tempdir().unwrap();
    let profile = "citizen-ct-s310ii";
    let mut till = Till::open(&config(dir.path(), "ru", &tcp(&fake, profile))).unwrap();
    fake.set_cover_open(true);
    let q = quote(&till, "MTS", "9031234567", "100");
    match till.print_pre_receipt(&q) {
        Err(FlowError::Print(PrintError::NotReady(r))) => {
            assert_eq!(r.problems, vec![Problem::CoverOpen])
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(till.journal().all_payments().unwrap().is_empty());
    fake.set_cover_open(false);
    let id = signed(&mut till, &q);
    fake.set(Behaviour::VanishAfter(150));
    let err = till
        .take_cash(id, Money::parse("100").unwrap())
        .unwrap_err();
    assert!(matches!(err, FlowError::Print(_)), "{err:?}");
    let p = till.payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::FiscalPrinting);
    assert_eq!(
        recovery::question(&p),
        Some(Question::FiscalPrinted { n: 1 })
    );
}
