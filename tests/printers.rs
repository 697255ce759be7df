//! Real transports against fake printers: a pty pair for serial and a
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
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some(operator.into()),
            account: account.into(),
            amount: amount.into(),
        },
        till.rules().max_payment(),
    )
    .unwrap()
}

/// Pre-receipt printed and signed: the payment waits for the cash.
fn signed(till: &mut Till, q: &Quote) -> PaymentId {
    common::ensure_shift(till);
    let id = till.payments().print_pre_receipt(q).unwrap().payment.id();
    till.payments().customer_signed(id).unwrap();
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
    // Training mode keeps the drawer shut unless the config asks for it.
    let printer = format!("{}\nopen_drawer = true", serial(&fake, profile));
    let mut till = Till::open(&config(dir.path(), "ru", &printer)).unwrap();
    let q = quote(&till, "MTS", "9031234567", "1 500,50");
    let id = signed(&mut till, &q);
    let step = till
        .payments()
        .take_cash(id, Money::parse("2000").unwrap())
        .unwrap();
    assert_eq!(step.payment.state.name(), StateName::Fiscalized);

    // The printer got exactly the bytes the till made, nothing else.
    let sent: Vec<u8> = till
        .printer()
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
        "КВИТАНЦИЯ ОБ ОПЛАТЕ",
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
    till.payments()
        .take_cash(id, Money::parse("50").unwrap())
        .unwrap();
    let text = lines(&paper(&fake, profile));
    for expected in [
        "PARAGON WSTĘPNY",
        "POTWIERDZENIE WPŁATY",
        "Sklep „Żabka” Łódź",
        "ul. Piotrkowska 1, Łódź",
        "P4 sp. z o.o.",
        "49,99 zł",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    // Training mode without `open_drawer`: the drawer stays shut (no cash in it).
    assert!(
        !paper(&fake, profile)
            .items
            .iter()
            .any(|i| matches!(i, PaperItem::DrawerKick { .. }))
    );
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
        common::ensure_shift(&mut till);
        match till.payments().print_pre_receipt(&q) {
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
        .payments()
        .take_cash(id, Money::parse("500").unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, FlowError::Print(PrintError::NotReady(r)) if r.problems == [Problem::PaperEnd]),
        "{err:?}"
    );
    // The cash is journaled, the fiscal receipt not started, nothing on paper.
    let p = till.payments().payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::CashTaken);
    assert_eq!(recovery::question(&p), Some(Question::PrintFiscal { n: 1 }));
    assert!(fake.paper().is_empty());
    // A new roll: the recovery answer prints it.
    fake.set_paper_out(false);
    recovery::answer(&mut till, &p, Answer::Yes).unwrap();
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
        StateName::Fiscalized
    );
    assert!(lines(&paper(&fake, profile)).contains("КВИТАНЦИЯ ОБ ОПЛАТЕ"));
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
        .payments()
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
    let standing =
        paydesk::app::messages::Standing::Journaled(Box::new(till.payments().payment(id).unwrap()));
    let message = paydesk::app::messages::step_failed(
        paydesk::i18n::Lang::Ru,
        &err,
        &standing,
        &paydesk::i18n::Currency::default(),
        paydesk::app::messages::Surface::Screen,
    );
    assert!(message.contains("закончилась бумага"), "{message}");
    assert!(message.contains("частично"), "{message}");
    // Part of the receipt is on paper; the journal says it may be.
    let partial = fake.paper();
    assert_eq!(partial.len(), 300);
    let p = till.payments().payment(id).unwrap();
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
        asked.starts_with("Квитанция № 1 (МТС, 9031234567, 750,00"),
        "{asked}"
    );

    // While the paper is out, "print again" is refused and nothing changes.
    let refused = recovery::answer(&mut till, &p, Answer::No).unwrap_err();
    assert!(matches!(refused, FlowError::Print(PrintError::NotReady(_))));
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );

    // New roll: "no, it did not come out" prints a copy with the same number.
    fake.set(Behaviour::Normal);
    fake.set_paper_out(false);
    fake.clear_paper();
    recovery::answer(&mut till, &p, Answer::No).unwrap();
    let p = till.payments().payment(id).unwrap();
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
    let (mut till, id, err, _dir) =
        fiscal_fault(&fake, "generic-80mm", Behaviour::VanishAfter(200));
    assert!(
        matches!(
            &err,
            FlowError::Print(PrintError::Unconfirmed(_) | PrintError::Transport(_))
        ),
        "{err:?}"
    );
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );
    assert!(fake.paper().len() <= 200);
}

#[test]
fn a_printer_that_stops_reading_leaves_the_payment_in_fiscal_printing() {
    let fake = FakePrinter::serial();
    let (mut till, id, err, _dir) =
        fiscal_fault(&fake, "rongta-rp326", Behaviour::StopReadingAfter(100));
    match &err {
        FlowError::Print(PrintError::Unconfirmed(r)) => {
            assert_eq!(r.problems, vec![Problem::NoAnswer])
        }
        FlowError::Print(PrintError::Transport(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
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
    common::ensure_shift(&mut till);
    let err = till.payments().print_pre_receipt(&q).unwrap_err();
    let message = paydesk::app::messages::flow(paydesk::i18n::Lang::En, &err);
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
    let status = till.printer().status().unwrap().unwrap();
    assert!(status.is_ready(), "{status:?}");
    let printed = till.printer().print_test_page().unwrap();
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
    till.payments()
        .take_cash(id, Money::parse("100").unwrap())
        .unwrap();
    let text = lines(&paper(&fake, profile));
    assert!(text.contains("КВИТАНЦИЯ ОБ ОПЛАТЕ"), "{text}");
    assert!(text.contains("ООО «Ромашка»"), "{text}");

    let q = quote(&till, "MTS", "9031234567", "200");
    let id = signed(&mut till, &q);
    fake.set(Behaviour::PaperEndAfter(250));
    let err = till
        .payments()
        .take_cash(id, Money::parse("200").unwrap())
        .unwrap_err();
    assert!(
        matches!(&err, FlowError::Print(PrintError::Unconfirmed(r)) if r.problems == [Problem::PaperEnd]),
        "{err:?}"
    );
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
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
    let err = till.printer().status().unwrap_err();
    let message = paydesk::app::messages::printer(paydesk::i18n::Lang::En, &err);
    assert!(message.contains(&address), "{message}");
    let q = quote(&till, "MTS", "9031234567", "100");
    common::ensure_shift(&mut till);
    assert!(till.payments().print_pre_receipt(&q).is_err());
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
        till.printer().status().unwrap().is_none(),
        "a device file cannot answer"
    );
    let q = quote(&till, "MTS", "9031234567", "100");
    common::ensure_shift(&mut till);
    let step = till.payments().print_pre_receipt(&q).unwrap();
    let first = step.payment.id();
    let job = step.printed.unwrap().job;
    let received = std::fs::read(&lp).unwrap();
    assert_eq!(received, job.bytes);
    let p = PrinterProfile::built_in(profile).unwrap();
    assert!(lines(&decode(&received, &p).unwrap()).contains("ПРЕДВАРИТЕЛЬНЫЙ ЧЕК"));

    // The customer refuses (a new payment waits until this one is finished).
    till.payments()
        .void(first, paydesk::domain::payment::VoidReason::CustomerRefused)
        .unwrap();
    // A device file that is not there: named, and nothing is journaled.
    let missing = dir.path().join("lp9");
    till.printer()
        .set(
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
    common::ensure_shift(&mut till);
    let err = till.payments().print_pre_receipt(&q).unwrap_err();
    let message = paydesk::app::messages::flow(paydesk::i18n::Lang::En, &err);
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
    common::ensure_shift(&mut till);
    match till.payments().print_pre_receipt(&q) {
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
        .payments()
        .take_cash(id, Money::parse("100").unwrap())
        .unwrap_err();
    assert!(matches!(err, FlowError::Print(_)), "{err:?}");
    let p = till.payments().payment(id).unwrap();
    assert_eq!(p.state.name(), StateName::FiscalPrinting);
    assert_eq!(
        recovery::question(&p),
        Some(Question::FiscalPrinted { n: 1 })
    );
}

/// A model without a job barrier (`GS r`) still answers `DLE EOT`: paper running out
/// in the middle of the receipt is caught by watching the status after it, and the
/// payment waits for the recovery question instead of counting as fiscalized.
#[test]
fn printers_without_a_job_barrier_catch_paper_end_mid_receipt_by_their_status() {
    for profile in ["xprinter-xp-58iih", "generic-58mm"] {
        let fake = FakePrinter::serial();
        let (mut till, id, err, _dir) = fiscal_fault(&fake, profile, Behaviour::PaperEndAfter(250));
        assert!(
            matches!(&err, FlowError::Print(PrintError::Unconfirmed(r)) if r.problems.contains(&Problem::PaperEnd)),
            "{profile}: {err:?}"
        );
        let p = till.payments().payment(id).unwrap();
        assert_eq!(p.state.name(), StateName::FiscalPrinting, "{profile}");
        assert_eq!(
            recovery::question(&p),
            Some(Question::FiscalPrinted { n: 1 }),
            "{profile}"
        );
        assert_eq!(
            fake.paper().len(),
            250,
            "{profile}: half a receipt on paper"
        );
    }
}

#[test]
fn a_printer_without_a_job_barrier_that_stops_reading_is_not_taken_for_done() {
    let fake = FakePrinter::serial();
    let (mut till, id, err, _dir) =
        fiscal_fault(&fake, "xprinter-xp-58iih", Behaviour::StopReadingAfter(250));
    match &err {
        FlowError::Print(PrintError::Unconfirmed(r)) => {
            assert_eq!(r.problems, vec![Problem::NoAnswer])
        }
        FlowError::Print(PrintError::Transport(_)) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
        StateName::FiscalPrinting
    );
}

#[test]
fn a_printer_without_a_job_barrier_vouches_by_its_status_when_all_is_well() {
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let profile = "xprinter-xp-58iih";
    let mut till = Till::open(&config(dir.path(), "ru", &serial(&fake, profile))).unwrap();
    let q = quote(&till, "MTS", "9031234567", "300");
    let id = signed(&mut till, &q);
    let step = till
        .payments()
        .take_cash(id, Money::parse("300").unwrap())
        .unwrap();
    assert_eq!(step.payment.state.name(), StateName::Fiscalized);
    assert_eq!(
        step.printed.unwrap().confirmation,
        paydesk::printing::Confirmation::StatusStayedHealthy
    );
}

/// A printer that can confirm nothing (a write-only device file): the receipt is
/// printed, and the payment counts as fiscalized only when the cashier says it came
/// out whole — journaled with who said so.
#[test]
fn a_printer_that_confirms_nothing_leaves_the_receipt_to_the_cashier() {
    let dir = tempfile::tempdir().unwrap();
    let lp = dir.path().join("lp0");
    std::fs::write(&lp, b"").unwrap();
    let mut till = Till::open(&config(
        dir.path(),
        "en",
        &format!(
            "profile = \"generic-80mm\"\nconnection = \"file\"\npath = {:?}",
            lp.display().to_string()
        ),
    ))
    .unwrap();
    let q = quote(&till, "MTS", "9031234567", "300");
    let id = signed(&mut till, &q);
    let step = till
        .payments()
        .take_cash(id, Money::parse("300").unwrap())
        .unwrap();
    assert_eq!(
        step.printed.as_ref().unwrap().confirmation,
        paydesk::printing::Confirmation::Nothing
    );
    let p = step.payment;
    assert_eq!(p.state.name(), StateName::FiscalPrinting);
    assert_eq!(
        recovery::question(&p),
        Some(Question::FiscalPrinted { n: 1 })
    );
    // The receipt went to the printer in full (what came out, only the cashier sees).
    let sent = step.printed.unwrap().job.bytes;
    assert!(std::fs::read(&lp).unwrap().ends_with(&sent));
    recovery::answer(&mut till, &p, Answer::Yes).unwrap();
    assert_eq!(
        till.payments().payment(id).unwrap().state.name(),
        StateName::Fiscalized
    );
    let events = till.journal().events(id).unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.kind, "fiscal_printed");
    assert!(!last.actor.is_empty());
}

/// A serial port whose output never drains: what RTS/CTS flow control with CTS held
/// low (paper out on many models) looks like to the OS. `tcdrain` (`flush`) would
/// block for ever; here it blocks 30 s and then fails, so a transport that still
/// called it fails this test in bounded time.
struct HeldCts {
    inner: serialport::TTYPort,
    queued: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl std::io::Read for HeldCts {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        std::io::Read::read(&mut self.inner, buf)
    }
}

impl std::io::Write for HeldCts {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // The OS takes the bytes into its queue; none leaves it.
        self.queued
            .fetch_add(buf.len() as u32, std::sync::atomic::Ordering::SeqCst);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        std::thread::sleep(std::time::Duration::from_secs(30));
        Err(std::io::Error::other("tcdrain would have blocked for ever"))
    }
}

impl serialport::SerialPort for HeldCts {
    fn name(&self) -> Option<String> {
        serialport::SerialPort::name(&self.inner)
    }
    fn baud_rate(&self) -> serialport::Result<u32> {
        self.inner.baud_rate()
    }
    fn data_bits(&self) -> serialport::Result<serialport::DataBits> {
        self.inner.data_bits()
    }
    fn flow_control(&self) -> serialport::Result<serialport::FlowControl> {
        Ok(serialport::FlowControl::Hardware)
    }
    fn parity(&self) -> serialport::Result<serialport::Parity> {
        self.inner.parity()
    }
    fn stop_bits(&self) -> serialport::Result<serialport::StopBits> {
        self.inner.stop_bits()
    }
    fn timeout(&self) -> std::time::Duration {
        self.inner.timeout()
    }
    fn set_baud_rate(&mut self, b: u32) -> serialport::Result<()> {
        self.inner.set_baud_rate(b)
    }
    fn set_data_bits(&mut self, d: serialport::DataBits) -> serialport::Result<()> {
        self.inner.set_data_bits(d)
    }
    fn set_flow_control(&mut self, f: serialport::FlowControl) -> serialport::Result<()> {
        self.inner.set_flow_control(f)
    }
    fn set_parity(&mut self, p: serialport::Parity) -> serialport::Result<()> {
        self.inner.set_parity(p)
    }
    fn set_stop_bits(&mut self, s: serialport::StopBits) -> serialport::Result<()> {
        self.inner.set_stop_bits(s)
    }
    fn set_timeout(&mut self, t: std::time::Duration) -> serialport::Result<()> {
        self.inner.set_timeout(t)
    }
    fn write_request_to_send(&mut self, l: bool) -> serialport::Result<()> {
        self.inner.write_request_to_send(l)
    }
    fn write_data_terminal_ready(&mut self, l: bool) -> serialport::Result<()> {
        self.inner.write_data_terminal_ready(l)
    }
    fn read_clear_to_send(&mut self) -> serialport::Result<bool> {
        Ok(false)
    }
    fn read_data_set_ready(&mut self) -> serialport::Result<bool> {
        self.inner.read_data_set_ready()
    }
    fn read_ring_indicator(&mut self) -> serialport::Result<bool> {
        self.inner.read_ring_indicator()
    }
    fn read_carrier_detect(&mut self) -> serialport::Result<bool> {
        self.inner.read_carrier_detect()
    }
    fn bytes_to_read(&self) -> serialport::Result<u32> {
        self.inner.bytes_to_read()
    }
    fn bytes_to_write(&self) -> serialport::Result<u32> {
        Ok(self.queued.load(std::sync::atomic::Ordering::SeqCst))
    }
    fn clear(&self, b: serialport::ClearBuffer) -> serialport::Result<()> {
        self.inner.clear(b)
    }
    fn try_clone(&self) -> serialport::Result<Box<dyn serialport::SerialPort>> {
        self.inner.try_clone()
    }
    fn set_break(&self) -> serialport::Result<()> {
        self.inner.set_break()
    }
    fn clear_break(&self) -> serialport::Result<()> {
        self.inner.clear_break()
    }
}

#[test]
fn a_serial_printer_holding_cts_is_given_up_on_within_the_job_timeout() {
    use paydesk::printing::profile::SerialSettings;
    use paydesk::printing::serial::SerialTransport;
    use paydesk::printing::transport::{PrintJob, Timeouts, Transport, TransportError};
    let (_master, slave) = serialport::TTYPort::pair().unwrap();
    let port = HeldCts {
        inner: slave,
        queued: Default::default(),
    };
    let timeouts = Timeouts {
        job_done: std::time::Duration::from_millis(800),
        ..Timeouts::default()
    };
    let mut transport = SerialTransport::with_port(
        "/dev/ttyHELD".into(),
        SerialSettings::default(),
        timeouts,
        Box::new(port),
    );
    let job = PrintJob {
        name: "fiscal-receipt-1".into(),
        bytes: vec![b'x'; 1000],
    };
    // On a thread: a transport that hangs must fail the test, not hang it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(transport.send(&job));
    });
    let result = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the send returned instead of waiting for the printer for ever");
    match result {
        Err(TransportError::Stalled { sent, total, .. }) => {
            assert_eq!((sent, total), (0, 1000))
        }
        other => panic!("{other:?}"),
    }
}
