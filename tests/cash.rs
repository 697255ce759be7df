//! Cash in, cash out and collections through the real till and the real journal file:
//! the slips as the printer got them (decoded), the shift's expected cash, the audit
//! chain, the refusals, and the collection report.

mod common;

use chrono::{Duration as Span, Utc};
use paydesk::app::config::Config;
use paydesk::app::till::{FlowError, Till};
use paydesk::domain::cash::{CashMoveKind, CashMoveRequest, CashNote};
use paydesk::domain::money::Money;
use paydesk::domain::user::{Pin, Role, UserName};
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, JournalError, OpenOptions};
use paydesk::printing::decode::PaperItem;

fn pin(s: &str) -> Pin {
    Pin::parse(s).unwrap()
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn note(s: &str) -> CashNote {
    CashNote::parse(s).unwrap()
}

/// A till with an admin, a shift manager (Max, 3333, logged in) and a cashier (Olga,
/// 2222); with `open_drawer` the printer kicks the drawer (off by default in training).
fn manager_till(config: &Config) -> Till {
    let mut till = Till::open(config).unwrap();
    till.users()
        .add(&UserName::parse("Ada").unwrap(), Role::Admin, &pin("1111"))
        .unwrap();
    let mut till = Till::open(config).unwrap();
    till.users().login("Ada", &pin("1111")).unwrap();
    for (name, role, p) in [
        ("Max", Role::ShiftManager, "3333"),
        ("Olga", Role::Cashier, "2222"),
    ] {
        till.users()
            .add(&UserName::parse(name).unwrap(), role, &pin(p))
            .unwrap();
    }
    till.users().login("Max", &pin("3333")).unwrap();
    till
}

fn config(dir: &std::path::Path) -> Config {
    let mut c = common::config_in(dir, Lang::En);
    c.printer.open_drawer = Some(true);
    c
}

#[test]
fn cash_in_out_and_collection_print_slips_count_in_the_expected_cash_and_name_who_did_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut till = manager_till(&config);
    till.shifts().open(m("1000")).unwrap();
    let (_, _) = common::take_mts_payment(&mut till, "9031234567", "300");
    let taken = till.shifts().preview().unwrap().operators[0].total;

    let cash_in = till
        .cash()
        .record(&CashMoveRequest::In {
            amount: m("500"),
            reason: note("change float from the safe"),
        })
        .unwrap();
    let cash_out = till
        .cash()
        .record(&CashMoveRequest::Out {
            amount: m("200"),
            reason: note("shop's expenses: water"),
        })
        .unwrap();
    let collected = till
        .cash()
        .record(&CashMoveRequest::Collection {
            amount: m("1250"),
            bag: note("B-0017"),
            bank_ref: None,
        })
        .unwrap();
    assert_eq!(
        [
            cash_in.recorded.number,
            cash_out.recorded.number,
            collected.recorded.number
        ],
        [1, 2, 3]
    );

    // Each slip as the printer got it: its title, amount, reason or bag, who, and a
    // drawer kick before it.
    for (r, title, line) in [
        (&cash_in, "C A S H   I N", "change float from the safe"),
        (&cash_out, "C A S H   O U T", "shop's expenses: water"),
        (&collected, "C A S H   C O L L E C T I O N", "B-0017"),
    ] {
        let printed = r.printed.as_ref().expect("printed");
        let text = printed.printout.text();
        assert!(text.contains(title), "{text}");
        assert!(text.contains(line), "{text}");
        assert!(text.contains("Max"), "{text}");
        // Nothing titled fiscal (the training mark says it is not).
        assert!(
            !text
                .lines()
                .filter(|l| !l.contains("NOT A FISCAL DOCUMENT"))
                .any(|l| l.to_lowercase().contains("fiscal")),
            "{text}"
        );
        assert!(
            matches!(
                printed.printout.items.first(),
                Some(PaperItem::DrawerKick { .. })
            ),
            "the drawer opens for cash: {:?}",
            printed.printout.items.first()
        );
    }
    assert!(
        cash_in
            .printed
            .as_ref()
            .unwrap()
            .printout
            .text()
            .contains("500.00")
    );

    // X: opening + taken − refunds + in − out − collected.
    let x = till.shifts().preview().unwrap();
    assert_eq!(x.cash_moves.cash_in, m("500"));
    assert_eq!(x.cash_moves.cash_out, m("200"));
    assert_eq!(x.cash_moves.collected, m("1250"));
    let expected = m("1000").decimal() + taken.decimal() + m("500").decimal()
        - m("200").decimal()
        - m("1250").decimal();
    assert_eq!(x.expected_cash.decimal(), expected);
    let (_, paper) = till.shifts().x_report().unwrap();
    let text = paper.printout.text();
    for line in ["Cash in", "Cash out", "Collected"] {
        assert!(text.contains(line), "{text}");
    }

    // The Z compares the count with the same figure.
    let z = till.shifts().close(x.expected_cash).unwrap();
    assert_eq!(z.report.difference, Some(rust_decimal::Decimal::ZERO));

    // In the audit chain with their actor; the journal verifies.
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let events: Vec<(String, String)> = journal
        .terminal_events(100)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.starts_with("cash_"))
        .map(|e| (e.kind, e.actor))
        .collect();
    assert_eq!(
        events,
        [
            ("cash_collected".to_string(), "Max".to_string()),
            ("cash_out".to_string(), "Max".to_string()),
            ("cash_in".to_string(), "Max".to_string()),
        ]
    );
    let report = journal.verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn cash_is_refused_without_a_shift_above_the_drawer_and_to_a_cashier_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut till = manager_till(&config);
    let out = |amount: &str| CashMoveRequest::Out {
        amount: m(amount),
        reason: note("bank"),
    };
    assert!(matches!(
        till.cash().record(&out("1")),
        Err(FlowError::Journal(JournalError::NoShift))
    ));
    till.shifts().open(m("100")).unwrap();
    till.cash()
        .record(&CashMoveRequest::In {
            amount: m("50"),
            reason: note("float"),
        })
        .unwrap();
    // 150.00 in the drawer: 150.01 out is refused, saying how much there should be.
    match till.cash().record(&out("150.01")) {
        Err(FlowError::Journal(JournalError::NotEnoughCash { expected })) => {
            assert_eq!(expected, m("150"))
        }
        other => panic!("{other:?}"),
    }
    match till.cash().record(&CashMoveRequest::Collection {
        amount: m("150.01"),
        bag: note("7"),
        bank_ref: None,
    }) {
        Err(FlowError::Journal(JournalError::NotEnoughCash { .. })) => {}
        other => panic!("{other:?}"),
    }
    let msg = paydesk::app::messages::flow(
        Lang::En,
        &FlowError::Journal(JournalError::NotEnoughCash { expected: m("150") }),
    );
    assert!(
        msg.contains("150.00") && msg.contains("cannot be taken out"),
        "{msg}"
    );
    // Exactly all of it may go.
    till.cash().record(&out("150")).unwrap();

    till.users().login("Olga", &pin("2222")).unwrap();
    assert!(matches!(
        till.cash().record(&CashMoveRequest::In {
            amount: m("10"),
            reason: note("float")
        }),
        Err(FlowError::Permission(_))
    ));
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let moves = journal.cash_moves("TRAIN-01", 1).unwrap();
    assert_eq!(
        moves.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [CashMoveKind::In, CashMoveKind::Out]
    );
    assert_eq!(
        journal.shift_report("TRAIN-01", 1).unwrap().expected_cash,
        Money::default()
    );
}

#[test]
fn a_collections_bank_reference_is_written_once_and_rows_cannot_be_changed_or_forged() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut till = manager_till(&config);
    till.shifts().open(m("5000")).unwrap();
    till.cash()
        .record(&CashMoveRequest::In {
            amount: m("10"),
            reason: note("coins"),
        })
        .unwrap();
    till.cash()
        .record(&CashMoveRequest::Collection {
            amount: m("4000"),
            bag: note("B-1"),
            bank_ref: None,
        })
        .unwrap();
    assert!(matches!(
        till.cash().set_bank_ref(1, &note("REF")),
        Err(FlowError::Journal(JournalError::NoCollection { number: 1 }))
    ));
    let done = till
        .cash()
        .set_bank_ref(2, &note("DEP-2026-12-02-77"))
        .unwrap();
    assert_eq!(done.bank_ref.as_deref(), Some("DEP-2026-12-02-77"));
    assert!(matches!(
        till.cash().set_bank_ref(2, &note("OTHER")),
        Err(FlowError::Journal(JournalError::BankRefKnown {
            number: 2,
            ..
        }))
    ));
    // The copy says COPY and keeps the drawer shut.
    let copy = till.cash().reprint(2).unwrap();
    assert!(
        copy.printout.text().contains("C O P Y"),
        "{}",
        copy.printout.text()
    );
    assert!(copy.printout.text().contains("DEP-2026-12-02-77"));
    assert!(
        !copy
            .printout
            .items
            .iter()
            .any(|i| matches!(i, PaperItem::DrawerKick { .. }))
    );

    // Plain SQL cannot change a row, and a row added with it is found by verify.
    let conn = rusqlite::Connection::open(&config.journal_path).unwrap();
    let err = conn
        .execute(
            "UPDATE cash_moves SET amount_minor = 1 WHERE number = 2",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("bank reference"), "{err}");
    assert!(conn.execute("DELETE FROM cash_moves", []).is_err());
    conn.execute(
        "INSERT INTO cash_moves (id, terminal_id, number, shift_no, kind, amount_minor, reason, at, actor)
         VALUES ('x', 'TRAIN-01', 3, 1, 'in', 100000, 'forged', '2026-12-02T10:00:00.000Z', 'Max')",
        [],
    )
    .unwrap();
    drop(conn);
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let report = journal.verify().unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("cash move 3") && p.contains("differs from its journal event")),
        "{:?}",
        report.problems
    );
}

#[test]
fn the_collection_report_carries_what_was_taken_and_not_yet_collected() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut till = manager_till(&config);
    // Shift 1: 300 taken (with its fee), 200 collected.
    till.shifts().open(Money::default()).unwrap();
    common::take_mts_payment(&mut till, "9031234567", "300");
    let taken1 = till.shifts().preview().unwrap().operators[0]
        .total
        .decimal();
    till.cash()
        .record(&CashMoveRequest::Collection {
            amount: m("200"),
            bag: note("A"),
            bank_ref: None,
        })
        .unwrap();
    let z = till.shifts().preview().unwrap().expected_cash;
    till.shifts().close(z).unwrap();
    let between = Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    // Shift 2: 100 taken, 150 collected.
    till.shifts().open(z).unwrap();
    common::take_mts_payment(&mut till, "9031234567", "100");
    let taken2 = till.shifts().preview().unwrap().operators[0]
        .total
        .decimal();
    till.cash()
        .record(&CashMoveRequest::Collection {
            amount: m("150"),
            bag: note("B"),
            bank_ref: Some(note("R-9")),
        })
        .unwrap();

    let all = till
        .cash()
        .collection_report(between - Span::days(1), Utc::now() + Span::days(1))
        .unwrap();
    assert_eq!(all.carried, rust_decimal::Decimal::ZERO);
    assert_eq!(all.shifts.len(), 2);
    assert_eq!(all.taken(), taken1 + taken2);
    assert_eq!(all.collected(), m("350").decimal());
    assert_eq!(all.not_collected(), taken1 + taken2 - m("350").decimal());
    assert_eq!(
        all.collections
            .iter()
            .map(|c| (c.bag.clone().unwrap(), c.bank_ref.clone()))
            .collect::<Vec<_>>(),
        [
            ("A".to_string(), None),
            ("B".to_string(), Some("R-9".to_string()))
        ]
    );

    // From the second shift on: the first one's balance is carried in.
    let later = till
        .cash()
        .collection_report(between, Utc::now() + Span::days(1))
        .unwrap();
    assert_eq!(later.carried, taken1 - m("200").decimal());
    assert_eq!(later.shifts.len(), 1);
    assert_eq!(later.not_collected(), all.not_collected());
}

#[test]
fn a_managers_cash_day_on_the_command_line_with_the_same_roles_as_the_screen() {
    use common::{Shop, out};
    let shop = Shop::new();
    let run = |user: &str, pin: &str, args: &[&str]| {
        shop.paydesk()
            .env("PAYDESK_PIN", pin)
            .args(["--user", user])
            .args(args)
            .output()
            .unwrap()
    };
    let o = shop
        .paydesk()
        .env("PAYDESK_NEW_PIN", "2468")
        .args(["user", "add", "Anna", "--role", "admin"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    for (name, role, p) in [
        ("Max", "shift-manager", "3333"),
        ("Ivan", "cashier", "1357"),
    ] {
        let o = shop
            .paydesk()
            .env("PAYDESK_PIN", "2468")
            .env("PAYDESK_NEW_PIN", p)
            .args(["--user", "Anna", "user", "add", name, "--role", role])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", out(&o).1);
    }
    let o = run("Max", "3333", &["shift-open", "--cash", "1000"]);
    assert!(o.status.success(), "{}", out(&o).1);

    let o = run(
        "Max",
        "3333",
        &["cash", "in", "--amount", "500", "--reason", "float"],
    );
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("Cash in No. 1 recorded: 500.00"),
        "{stdout}"
    );
    assert!(stdout.contains("C A S H   I N"), "the slip: {stdout}");

    // Typed wrong: said before anything is opened, exit 2.
    let o = run(
        "Max",
        "3333",
        &["cash", "collect", "--amount", "100", "--bag", " "],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).1.contains("--bag: fill it in"), "{}", out(&o).1);
    let o = run(
        "Max",
        "3333",
        &["cash", "out", "--amount", "abc", "--reason", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    // More than the drawer holds: refused with the figure, nothing written.
    let o = run(
        "Max",
        "3333",
        &["cash", "out", "--amount", "1500.01", "--reason", "x"],
    );
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("The drawer should hold only 1,500.00"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("could not record"),
        "a refusal, not a failure: {stderr}"
    );
    // A cashier may not.
    let o = run(
        "Ivan",
        "1357",
        &["cash", "in", "--amount", "5", "--reason", "x"],
    );
    assert!(!o.status.success());

    let o = run(
        "Max",
        "3333",
        &["cash", "collect", "--amount", "1200", "--bag", "M-17"],
    );
    assert!(o.status.success(), "{}", out(&o).1);
    assert!(out(&o).0.contains("C A S H   C O L L E C T I O N"));
    let o = run(
        "Max",
        "3333",
        &["cash", "bank-ref", "--slip", "2", "--ref", "PP-55"],
    );
    assert!(o.status.success(), "{}", out(&o).1);
    let o = run(
        "Max",
        "3333",
        &["cash", "bank-ref", "--slip", "2", "--ref", "PP-56"],
    );
    assert!(
        out(&o).1.contains("already has its bank reference PP-55"),
        "{}",
        out(&o).1
    );
    let o = run("Max", "3333", &["cash", "list"]);
    let (stdout, _) = out(&o);
    assert!(
        stdout.contains("No. 1") || stdout.contains("№ 1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("M-17") && stdout.contains("PP-55") && stdout.contains("Max"),
        "{stdout}"
    );

    let o = run("Max", "3333", &["report", "shift", "--x"]);
    let (stdout, _) = out(&o);
    assert!(
        stdout.contains("Cash in") && stdout.contains("Collected"),
        "{stdout}"
    );
    assert_eq!(
        shop.journal().x_report("TRAIN-01").unwrap().expected_cash,
        m("300")
    );

    // The collection report, as text and as XLSX read back.
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let o = run(
        "Max",
        "3333",
        &["report", "collections", "--from", &today, "--to", &today],
    );
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("Taken and not yet collected: −1,200.00"),
        "{stdout}"
    );
    let path = shop.path().join("collections.xlsx");
    let o = run(
        "Max",
        "3333",
        &[
            "report",
            "collections",
            "--from",
            &today,
            "--to",
            &today,
            "--format",
            "xlsx",
            "--out",
            path.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", out(&o).1);
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(book.sheet_names(), ["Shifts", "Collections"]);
    let c = book.worksheet_range("Collections").unwrap();
    assert_eq!(c.get((1, 3)), Some(&Data::Float(1200.0)));
    assert_eq!(c.get((1, 4)), Some(&Data::String("M-17".into())));
    assert_eq!(c.get((1, 5)), Some(&Data::String("PP-55".into())));
    let s = book.worksheet_range("Shifts").unwrap();
    assert_eq!(s.get((2, 0)), Some(&Data::Float(1.0)));
    assert_eq!(s.get((2, 4)), Some(&Data::Float(1200.0)));
}
