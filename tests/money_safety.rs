//! The edges where a customer could be charged twice or a half receipt taken for a
//! whole one, through the real `paydesk` binary: a printer failing at the cash step,
//! a new payment while another waits for its answer, a journal write failing at the
//! cash step, finishing a payment left at the cash step, absurd amounts.

mod common;

use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::fake_printer::{Behaviour, FakePrinter};
use common::{Shop, out};
use paydesk::domain::payment::StateName;

/// A shop in `lang` printing on a fake Epson on a pty (it confirms every job).
fn shop_on_serial(fake: &FakePrinter, lang: &str) -> Shop {
    // The Russian demo catalogue (RUB) in every language: the same operator (MTS).
    let (currency, tz) = ("RUB", "Europe/Moscow");
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop { dir };
    std::fs::write(
        shop.config_path(),
        format!(
            "training = true\nlanguage = \"{lang}\"\ncurrency = \"{currency}\"\ntimezone = \"{tz}\"\n\
             [journal]\npath = {:?}\nbusy_timeout_ms = 300\n\
             [printer]\nprofile = \"epson-tm-t20iii\"\nconnection = \"serial\"\npath = {:?}\nbaud = 115200\n\
             status_timeout_ms = 2000\nwrite_timeout_ms = 2000\njob_timeout_ms = 4000\n",
            shop.journal_path().display().to_string(),
            fake.address
        ),
    )
    .unwrap();
    shop
}

fn pay(shop: &Shop, extra: &[&str]) -> Output {
    shop.ensure_shift();
    shop.paydesk()
        .args([
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
            "--amount",
            "500",
            "--customer-signed",
        ])
        .args(extra)
        .output()
        .unwrap()
}

fn states(shop: &Shop) -> Vec<StateName> {
    shop.journal()
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| p.state.name())
        .collect()
}

/// Paper runs out right after the pre-receipt: the cash is journaled, the receipt
/// is not printed. The message says exactly that — never "nothing printed, repeat" —
/// in every language; a second `pay` is refused until the question is answered; the
/// answer prints the receipt once paper is back.
#[test]
fn a_printer_failing_at_the_cash_step_says_the_cash_is_recorded_and_a_repeat_is_refused() {
    // (language, words that must be there, words that must not)
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "en",
            &[
                "out of paper",
                "is recorded as taken; the payment confirmation is not printed",
                "Do not take the money again",
                "paydesk recovery --payment",
            ],
            &["Nothing was printed", "try again"],
        ),
        (
            "ru",
            &[
                "закончилась бумага",
                "записаны как принятые; квитанция не напечатана",
                "Не принимайте деньги повторно",
                "paydesk recovery --payment",
            ],
            &["Ничего не напечатано", "повторите"],
        ),
        (
            "pl",
            &[
                "brak papieru",
                "jest zapisana jako przyjęta; potwierdzenie wpłaty nie zostało wydrukowane",
                "Nie przyjmuj pieniędzy ponownie",
                "paydesk recovery --payment",
            ],
            &["Nic nie wydrukowano", "spróbuj ponownie"],
        ),
    ];
    for (lang, must, must_not) in cases {
        let fake = FakePrinter::serial();
        let shop = shop_on_serial(&fake, lang);
        fake.set(Behaviour::PaperEndAfterJobs(1));
        let o = pay(&shop, &["--tendered", "1000"]);
        let (_, err) = out(&o);
        assert_eq!(o.status.code(), Some(1), "{lang}: {err}");
        for w in *must {
            assert!(err.contains(w), "{lang}: {w:?} missing in:\n{err}");
        }
        for w in *must_not {
            assert!(!err.contains(w), "{lang}: {w:?} must not be said:\n{err}");
        }
        assert_eq!(states(&shop), vec![StateName::CashTaken], "{lang}");

        // Repeating is refused (exit 2) with the question and how to answer it, and
        // nothing is written or printed.
        let printed = fake.paper().len();
        let o = pay(&shop, &["--tendered", "1000"]);
        let (_, err) = out(&o);
        assert_eq!(o.status.code(), Some(2), "{lang}: {err}");
        let id = shop.journal().all_payments().unwrap()[0].id();
        assert!(
            err.contains(&format!("paydesk recovery --payment {id} --answer yes")),
            "{lang}: {err}"
        );
        assert_eq!(states(&shop), vec![StateName::CashTaken], "{lang}");
        assert_eq!(fake.paper().len(), printed, "{lang}: nothing printed");

        // A new roll, the answer: the receipt prints, the payment is done.
        fake.set(Behaviour::Normal);
        fake.set_paper_out(false);
        let o = shop
            .paydesk()
            .args(["recovery", "--payment", &id.to_string(), "--answer", "yes"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{lang}: {}", out(&o).1);
        assert_eq!(states(&shop), vec![StateName::Fiscalized], "{lang}");
    }
}

/// A crash in the middle of the fiscal receipt, then `pay` again: refused with the
/// question, exit 2, nothing written.
#[test]
fn pay_is_refused_while_a_payment_waits_for_its_recovery_answer() {
    let shop = Shop::new();
    let o = shop.pay_crashing_at("fiscal.intent");
    assert_eq!(o.status.code(), None, "the child dies at the crash point");
    let o = shop.pay("100");
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("waits for an answer"), "{err}");
    assert!(err.contains("Was payment confirmation No. 1"), "{err}");
    assert!(err.contains("--answer yes|no"), "{err}");
    assert_eq!(states(&shop), vec![StateName::FiscalPrinting]);
}

fn wait_stopped(child: &Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
        let state = stat[stat.rfind(')').unwrap() + 2..].chars().next().unwrap();
        if state == 'T' {
            return;
        }
        assert!(Instant::now() < deadline, "the child never stopped");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The journal cannot record the cash (another program holds it, as a full disk
/// would refuse it): the message says the cash is NOT recorded, because it is not.
#[test]
fn a_journal_failure_at_the_cash_step_says_the_cash_is_not_recorded() {
    let shop = Shop::new();
    shop.ensure_shift();
    let child = shop
        .paydesk()
        .env(paydesk::crashpoint::STOP_ENV, "signed")
        .args([
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
            "--amount",
            "500",
            "--tendered",
            "500",
            "--customer-signed",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_stopped(&child);
    let holder = rusqlite::Connection::open(shop.journal_path()).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    // SAFETY: kill(2) only signals the child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGCONT);
    }
    let o = child.wait_with_output().unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is locked by another program"), "{err}");
    assert!(err.contains("is NOT recorded as taken"), "{err}");
    assert!(!err.contains("The cash is recorded"), "{err}");
    assert_eq!(states(&shop), vec![StateName::Signed]);
}

/// A payment left at the cash step (crash after the signature) is finished from the
/// command line: the answer with the cash received takes it and prints the receipt.
#[test]
fn recovery_finishes_a_payment_left_at_the_cash_step() {
    let shop = Shop::new();
    let o = shop.pay_crashing_at("signed");
    assert_eq!(o.status.code(), None);
    let id = shop.journal().all_payments().unwrap()[0].id().to_string();
    let answer = |extra: &[&str]| -> Output {
        shop.paydesk()
            .args(["recovery", "--payment", &id, "--answer", "yes"])
            .args(extra)
            .output()
            .unwrap()
    };
    // Without the cash received: refused before anything is written.
    let o = answer(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o).1);
    assert!(out(&o).1.contains("--tendered"), "{}", out(&o).1);
    assert_eq!(states(&shop), vec![StateName::Signed]);
    // Too little: refused.
    let o = answer(&["--tendered", "100"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o).1);
    assert_eq!(states(&shop), vec![StateName::Signed]);
    // The cash: taken, the receipt printed.
    let o = answer(&["--tendered", "300"]);
    let (text, err) = out(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        text.contains("Payment accepted: payment confirmation No. 1"),
        "{text}"
    );
    assert!(
        text.contains("P A Y M E N T   C O N F I R M A T I O N"),
        "{text}"
    );
    let p = &shop.journal().all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.state.cash().unwrap().change.to_string(), "50.00");
    assert!(shop.journal().verify().unwrap().is_ok());
}

/// Amounts no till handles are refused when typed, with a clear message and exit 2,
/// before anything is printed or journaled — never a panic, never a receipt with
/// absurd change.
#[test]
fn absurd_amounts_are_refused_at_parse_time_everywhere() {
    let shop = Shop::new();
    let huge = [
        "100000000000000000",
        "1e17",
        "92233720368547758",
        "999999999999999999999",
    ];
    for t in huge {
        let o = pay(&shop, &["--tendered", t]);
        let (_, err) = out(&o);
        assert_eq!(o.status.code(), Some(2), "--tendered {t}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.starts_with("paydesk: Cash received: "), "{err}");
    }
    // Just below the type's bound but absurd for a 505.00 payment: over max_change.
    let o = pay(&shop, &["--tendered", "900000000000"]);
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("more cash than this till takes"), "{err}");
    assert!(
        !Path::new(&shop.journal_path()).exists() || states(&shop).is_empty(),
        "nothing journaled"
    );

    let mut other: Vec<(Vec<&str>, &str)> = vec![
        (vec!["shift-open", "--cash", "100000000000000000"], "--cash"),
        (
            vec!["report", "shift", "--z", "--counted", "100000000000000000"],
            "--counted",
        ),
        (
            vec![
                "support",
                "missing",
                "--when",
                "2026-11-20 14:05",
                "--account",
                "9031234567",
                "--operator",
                "MTS",
                "--amount",
                "100000000000000000",
                "--receipt",
                "77",
            ],
            "",
        ),
    ];
    other.push((
        vec![
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
            "--amount",
            "100000000000000000",
            "--tendered",
            "1",
            "--customer-signed",
        ],
        "Amount",
    ));
    for (args, word) in other {
        let o = shop.paydesk().args(&args).output().unwrap();
        let (_, err) = out(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(err.contains(word), "{args:?}: {err}");
    }
}

/// Two payments whose ids end with the same 8 hex digits (rare, but it happens in a
/// journal of years): a lookup by the short id refuses to pick one, the full id
/// works, and a payment's diagnostics take only its own log lines.
#[test]
fn a_short_id_shared_by_two_payments_is_refused_as_ambiguous() {
    use paydesk::domain::payment::{OperatorSnapshot, PaymentDetails, PaymentId};
    let shop = Shop::new();
    // The catalogue is stored by a first open.
    assert!(shop.pay("100").status.success());
    let mut j = shop.journal();
    let op = j.catalogue().unwrap().unwrap().get("MTS").unwrap().clone();
    let make = |id: &str| PaymentDetails {
        id: id.parse::<PaymentId>().unwrap(),
        terminal_id: "TRAIN-01".into(),
        operator: OperatorSnapshot::from(&op),
        account: "9031234567".into(),
        amount: paydesk::domain::money::Money::parse("50").unwrap(),
        fee: paydesk::domain::money::Money::ZERO,
        total: paydesk::domain::money::Money::parse("50").unwrap(),
        created_at: chrono::Utc::now(),
        cashier: "Cashier".into(),
    };
    let a = "01a23400-0000-7000-8000-00000badcafe";
    let b = "01a23400-0001-7000-8000-11110badcafe";
    for id in [a, b] {
        let p = j.start_pre_receipt(&make(id), "Cashier").unwrap();
        j.record(
            &p,
            paydesk::domain::payment::PaymentEvent::Voided {
                reason: paydesk::domain::payment::VoidReason::CustomerRefused,
            },
            "Cashier",
        )
        .unwrap();
    }
    drop(j);
    let short = "0badcafe";
    assert_eq!(a.parse::<PaymentId>().unwrap().short(), short);

    let o = shop
        .paydesk()
        .args(["support", "show", short])
        .output()
        .unwrap();
    let (text, err) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{text} {err}");
    assert!(
        err.contains("2 payments have the short id 0badcafe"),
        "{err}"
    );
    // Listing by the short id shows both, to pick the full id from.
    let o = shop
        .paydesk()
        .args(["support", "status", short])
        .output()
        .unwrap();
    let (text, err) = out(&o);
    assert!(o.status.success(), "{err}");
    assert_eq!(text.lines().count(), 2, "{text}");
    // The full id works.
    let o = shop
        .paydesk()
        .args(["support", "show", a])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    // A short id nobody has.
    let o = shop
        .paydesk()
        .args(["support", "show", "12345678"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        out(&o)
            .1
            .contains("No payment of this terminal has the id 12345678")
    );

    // Diagnostics of `a` take the lines naming `a`, not those naming `b` (which
    // share its short id).
    let log = paydesk::logging::log_path(&shop.journal_path());
    std::fs::write(
        &log,
        format!("line about {a}\nline about {b}\nline naming only {short}\n"),
    )
    .unwrap();
    let out_dir = shop.path().join("diag");
    let o = shop
        .paydesk()
        .args(["support", "export", a, "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let folder = std::fs::read_dir(&out_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(folder.join("log.txt")).unwrap();
    let about = text.split("# The newest").next().unwrap();
    assert!(about.contains(&format!("line about {a}")), "{about}");
    assert!(!about.contains(&format!("line about {b}")), "{about}");
    assert!(!about.contains("line naming only"), "{about}");
}

/// On a journal with users, the list of unfinished payments and the user list are
/// for those allowed to see them, logged in with `--user`.
#[test]
fn recovery_and_the_user_list_need_a_user_with_the_right_role() {
    let shop = Shop::new();
    let add = |name: &str, role: &str, pin: &str, by: Option<(&str, &str)>| {
        let mut c = shop.paydesk();
        c.args(["user", "add", name, "--role", role])
            .env("PAYDESK_NEW_PIN", pin);
        if let Some((u, p)) = by {
            c.args(["--user", u]).env("PAYDESK_PIN", p);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", out(&o).1);
    };
    add("Anna", "admin", "1234", None);
    add("Ivan", "cashier", "5678", Some(("Anna", "1234")));
    add("Sofia", "support", "2468", Some(("Anna", "1234")));
    let run = |args: &[&str], user: Option<(&str, &str)>| -> Output {
        let mut c = shop.paydesk();
        c.args(args);
        if let Some((u, p)) = user {
            c.args(["--user", u]).env("PAYDESK_PIN", p);
        }
        c.output().unwrap()
    };
    for args in [&["recovery"][..], &["user", "list"][..]] {
        let o = run(args, None);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(out(&o).1.contains("--user"), "{args:?}: {}", out(&o).1);
    }
    // Support staff take no payments and manage no users.
    for args in [&["recovery"][..], &["user", "list"][..]] {
        let o = run(args, Some(("Sofia", "2468")));
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            out(&o).1.contains("has no access"),
            "{args:?}: {}",
            out(&o).1
        );
    }
    assert!(run(&["recovery"], Some(("Ivan", "5678"))).status.success());
    let o = run(&["user", "list"], Some(("Ivan", "5678")));
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["user", "list"], Some(("Anna", "1234")));
    assert!(o.status.success(), "{}", out(&o).1);
    assert!(out(&o).0.contains("Ivan"));
}

/// `pay --out DIR` with a real printer writes what the virtual printer would: the
/// decoded text, the paper image and the exact bytes the printer got.
#[test]
fn out_writes_the_documents_of_a_serial_printer_too() {
    let fake = FakePrinter::serial();
    let shop = shop_on_serial(&fake, "en");
    let dir = shop.path().join("docs");
    let o = pay(
        &shop,
        &["--tendered", "500", "--out", dir.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", out(&o).1);
    let mut sent = Vec::new();
    for name in ["pre-receipt-1", "fiscal-receipt-1"] {
        for ext in ["txt", "svg", "escpos"] {
            assert!(dir.join(format!("{name}.{ext}")).exists(), "{name}.{ext}");
        }
        sent.extend(std::fs::read(dir.join(format!("{name}.escpos"))).unwrap());
    }
    assert!(
        fake.paper() == sent,
        "the .escpos files hold the bytes the printer got"
    );
    let text = std::fs::read_to_string(dir.join("fiscal-receipt-1.txt")).unwrap();
    assert!(text.contains("9031234567"), "{text}");
}
