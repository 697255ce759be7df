//! The cashier screen through egui_kittest: clicked and typed by label, checked in the
//! journal file and in the bytes the virtual printer received (decoded back).

mod common;

use std::time::{Duration, Instant};

use common::{Shop, config_in};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use paydesk::app::config::Config;
use paydesk::domain::payment::StateName;
use paydesk::domain::user::{Pin, Role, UserName};
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};
use paydesk::ui::{PaydeskApp, Phase};

const NBSP: char = '\u{a0}';

/// The admin every test logs in as unless it says otherwise.
const ADMIN: (&str, &str) = ("Admin", "2468");

/// Puts a user into the journal (the first one made is the admin who adds the rest).
fn seed_user(config: &Config, name: &str, role: Role, pin: &str) {
    let Ok(mut j) = Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) else {
        return; // a damaged journal: the app says why
    };
    if j.user(name).unwrap().is_none() {
        let by = j
            .users()
            .unwrap()
            .into_iter()
            .find(|u| u.role == Role::Admin);
        j.create_user(
            &UserName::parse(name).unwrap(),
            role,
            &Pin::parse(pin).unwrap(),
            by.as_ref(),
        )
        .unwrap();
    }
}

/// Opens a shift with 1 000.00 in the drawer on the config's journal (the day's first
/// step, done before the test's window opens).
fn open_shift(config: &Config) {
    let Ok(mut j) = Journal::open(&config.journal_path, &OpenOptions::default()) else {
        return; // a damaged journal: the app says why
    };
    if j.current_shift(&config.terminal_id).unwrap().is_none() {
        let cash = paydesk::domain::money::Money::parse("1000").unwrap();
        j.open_shift(&config.terminal_id, cash, ADMIN.0).unwrap();
    }
}

/// The app with the admin logged in through the login screen, mid-day: the shift is
/// open.
fn app(config: Config) -> Harness<'static, PaydeskApp> {
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    open_shift(&config);
    app_before_shift(config)
}

/// The app with the admin logged in, no shift open yet (the day's start).
fn app_before_shift(config: Config) -> Harness<'static, PaydeskApp> {
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let mut h = bare_app(config);
    if matches!(h.state().phase, Phase::Ready(_)) {
        log_in(&mut h, ADMIN.0, ADMIN.1);
    }
    h
}

/// Chooses the name on the login screen, types the PIN, presses "Log in".
fn log_in(h: &mut Harness<'static, PaydeskApp>, name: &str, pin: &str) {
    click(h, name);
    type_into(h, "PIN", pin);
    click(h, "Log in");
}

/// The app as it starts: the login (or first-run) screen.
fn bare_app(config: Config) -> Harness<'static, PaydeskApp> {
    sized_app(config, 900.0)
}

/// The app on a screen `height` points tall (kittest clicks where a widget is drawn,
/// so a long form needs the room).
fn sized_app(config: Config, height: f32) -> Harness<'static, PaydeskApp> {
    let mut h = Harness::builder()
        .with_size([1280.0, height])
        // egui styles a widget it has not seen before on the next frame and asks for a
        // repaint, so a screen that gains new labels needs a few more than 4 frames.
        .with_max_steps(24)
        .build_eframe(move |cc| PaydeskApp::new(cc, config));
    settle(&mut h);
    h
}

/// Steps frames until the till thread has answered, then lets the UI settle.
fn settle(h: &mut Harness<'static, PaydeskApp>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.step();
        if !h.state().is_busy() {
            break;
        }
        assert!(Instant::now() < deadline, "the till thread did not answer");
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run();
}

fn type_into(h: &mut Harness<'static, PaydeskApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Replaces a field's text (select all, delete, type).
fn retype(h: &mut Harness<'static, PaydeskApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run();
    if !text.is_empty() {
        h.get_by_label(label).type_text(text);
        h.run();
    }
}

fn click(h: &mut Harness<'static, PaydeskApp>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

/// An MTS payment through the English cashier screen by mouse, up to the cash step's
/// document.
fn pay_by_mouse(h: &mut Harness<'static, PaydeskApp>, account: &str, amount: &str, cash: &str) {
    click(h, "MTS — МТС");
    type_into(h, "Account number", account);
    type_into(h, "Amount", amount);
    click(h, "Print pre-receipt (Enter)");
    click(h, "Customer signed (Enter)");
    type_into(h, "Cash received", cash);
    click(h, "Cash taken — print payment confirmation (Enter)");
}

fn printed_text(h: &Harness<'static, PaydeskApp>) -> String {
    h.state()
        .terminal()
        .and_then(|t| t.last_printout.as_ref())
        .map(|p| p.text())
        .unwrap_or_default()
}

#[test]
fn a_whole_payment_by_mouse_ends_in_the_journal_and_on_paper() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());

    type_into(&mut h, "Operator", "meg");
    assert!(
        h.query_by_label("MTS — МТС").is_none(),
        "the list is filtered"
    );
    click(&mut h, "MEGAFON — МегаФон");
    type_into(&mut h, "Account number", "903 123-45-67");
    type_into(&mut h, "Amount", "1 000");
    // Fee and total follow the amount as it is typed (MegaFon: 1%).
    h.get_by_label(&format!("Fee: 10.00{NBSP}₽"));
    h.get_by_label(&format!("Total to pay: 1,010.00{NBSP}₽"));

    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label("Give pre-receipt No. 1 to the customer to check and sign.");
    let pre = printed_text(&h);
    assert!(pre.contains("P R E - R E C E I P T"), "{pre}");
    assert!(
        pre.contains("TOTAL TO PAY                        1,010.00 RUB"),
        "{pre}"
    );
    assert!(pre.contains("Customer's signature: ___"), "{pre}");

    click(&mut h, "Customer signed (Enter)");
    h.get_by_label(&format!("Take 1,010.00{NBSP}₽ from the customer."));
    type_into(&mut h, "Cash received", "1100");
    h.get_by_label(&format!("Change: 90.00{NBSP}₽"));
    click(&mut h, "Cash taken — print payment confirmation (Enter)");

    h.get_by_label(&format!("Give change: 90.00{NBSP}₽"));
    h.get_by_label(
        "Payment accepted: payment confirmation No. 1. It is queued for the payment system.",
    );
    // The preview shows the decoded bytes, line by line.
    h.get_by_label_contains("PAYMENT AGENT");
    let fiscal = printed_text(&h);
    for line in [
        "Supplier                           ПАО «МегаФон»",
        "Supplier tax ID                       7812014560",
        "Account                               9031234567",
        "Payment amount                      1,000.00 RUB",
        "Fee                                    10.00 RUB",
        "Cash                                1,100.00 RUB",
        "Change                                 90.00 RUB",
        "Confirmation No.                               1",
    ] {
        assert!(
            fiscal.contains(line),
            "fiscal receipt lacks {line:?}:\n{fiscal}"
        );
    }

    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    let payments = journal.all_payments().unwrap();
    assert_eq!(payments.len(), 1);
    let p = &payments[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.details.account, "9031234567");
    assert_eq!(p.details.total.to_string(), "1010.00");
    assert_eq!(p.state.cash().unwrap().change.to_string(), "90.00");
    let kinds: Vec<String> = journal
        .events(p.id())
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "pre_receipt_print_started",
            "pre_receipt_printed",
            "customer_signed",
            "cash_taken",
            "fiscal_print_started",
            "fiscal_printed"
        ]
    );

    // Next customer: the form is empty again and the operator field has the focus.
    click(&mut h, "New payment (Enter)");
    assert_eq!(
        h.get_by_label("Account number").value().unwrap_or_default(),
        ""
    );
}

#[test]
fn a_whole_payment_by_keyboard_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    // The operator field has the focus from the start: type, Enter picks the match.
    h.get_by_label("Operator").type_text("domru");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Account number").type_text("1234 5678 9012");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Amount").type_text("1500,50");
    h.run();
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Give pre-receipt No. 1 to the customer to check and sign.");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Cash received").type_text("2000");
    h.run();
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label(&format!("Give change: 474.49{NBSP}₽"));
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    let p = &journal.all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.details.fee.to_string(), "25.01");
    assert_eq!(p.details.account, "123456789012");
}

#[test]
fn each_bad_input_shows_its_message_and_writes_nothing() {
    let ceiling = format!("One payment may be at most 15,000.00{NBSP}₽ at this terminal.");
    let minimum = format!("МТС accepts at least 10.00{NBSP}₽.");
    let cases: Vec<(Option<&str>, &str, &str, &str)> = vec![
        (
            None,
            "9031234567",
            "100",
            "Choose an operator from the list.",
        ),
        (
            Some("MTS — МТС"),
            "903",
            "100",
            "МТС expects 10 digits; you typed 3 characters.",
        ),
        (
            Some("MTS — МТС"),
            "903123456a",
            "100",
            "МТС account numbers have no letters: type digits only.",
        ),
        (Some("MTS — МТС"), "", "100", "Enter the account number."),
        (Some("MTS — МТС"), "9031234567", "", "Enter the amount."),
        (
            Some("MTS — МТС"),
            "9031234567",
            "abc",
            "Type the amount in figures with a comma or dot before kopecks, e.g. 1 234,50.",
        ),
        (
            Some("MTS — МТС"),
            "9031234567",
            "0",
            "The amount must be more than zero.",
        ),
        (
            Some("MTS — МТС"),
            "9031234567",
            "0,001",
            "At most two digits after the comma.",
        ),
        (Some("MTS — МТС"), "9031234567", "5", &minimum),
        (Some("MTS — МТС"), "9031234567", "20000", &ceiling),
    ];
    for (operator, account, amount, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let config = config_in(dir.path(), Lang::En);
        let mut h = app(config.clone());
        if let Some(op) = operator {
            click(&mut h, op);
        }
        if !account.is_empty() {
            type_into(&mut h, "Account number", account);
        }
        if !amount.is_empty() {
            type_into(&mut h, "Amount", amount);
        }
        click(&mut h, "Print pre-receipt (Enter)");
        assert!(
            h.query_by_label(message).is_some(),
            "{operator:?} {account:?} {amount:?}: no message {message:?}"
        );
        h.get_by_label("1. Payment details");
        assert!(h.query_by_label_contains("Give pre-receipt").is_none());
        if message == ceiling {
            // No price beside a refused amount.
            assert!(h.query_by_label_contains("Total to pay:").is_none());
        }
        let journal =
            paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
        assert!(
            journal.all_payments().unwrap().is_empty(),
            "{message}: nothing may be journaled"
        );
        assert!(
            printed_text(&h).is_empty(),
            "{message}: nothing may be printed"
        );
    }
}

#[test]
fn a_customer_who_refuses_to_sign_voids_the_payment() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    click(&mut h, "T2 — Т2 Мобайл");
    type_into(&mut h, "Account number", "9991112233");
    type_into(&mut h, "Amount", "300");
    click(&mut h, "Print pre-receipt (Enter)");
    click(&mut h, "Customer refused (Esc)");
    // The pre-receipt is printed: voiding asks first.
    h.get_by_label_contains("void pre-receipt No. 1?");
    click(&mut h, "Void (Enter)");
    h.get_by_label("Payment voided: no money was taken.");
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    assert_eq!(
        journal.all_payments().unwrap()[0].state.name(),
        StateName::Voided
    );
}

#[test]
fn a_journal_write_failure_stops_the_payment_before_the_cash_step() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "500");
    click(&mut h, "Print pre-receipt (Enter)");

    // Another program grabs the journal: the "signed" step cannot be written.
    let holder = rusqlite::Connection::open(&config.journal_path).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    click(&mut h, "Customer signed (Enter)");
    h.get_by_label_contains(
        "The journal could not record this step, so the payment stopped here. Do not take money.",
    );
    h.get_by_label_contains("is locked by another program");
    assert!(
        h.query_by_label("Cash received").is_none(),
        "the cash step must not appear"
    );
    h.get_by_label("Customer signed (Enter)");

    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    click(&mut h, "Customer signed (Enter)");
    h.get_by_label("Cash received");
}

#[test]
fn after_a_crash_the_terminal_asks_about_the_fiscal_receipt_and_reprints_it() {
    let shop = Shop::new();
    let o = shop.pay_crashing_at("fiscal.intent");
    assert_eq!(
        o.status.code(),
        None,
        "the child must die at the crash point"
    );

    let mut h = app(shop.config());
    h.get_by_label("Unfinished payments from the last run");
    h.get_by_label(&format!(
        "Was payment confirmation No. 1 (МТС, 9031234567, 250.00{NBSP}₽) printed and handed over?"
    ));
    click(&mut h, "No — print it again");
    assert!(
        h.query_by_label("Unfinished payments from the last run")
            .is_none()
    );
    h.get_by_label(&format!("Give change: 50.00{NBSP}₽"));
    let text = printed_text(&h);
    assert!(
        text.contains("P A Y M E N T   C O N F I R M A T I O N")
            && text.contains("Confirmation No.                               1"),
        "{text}"
    );
    let j = shop.journal();
    let p = &j.all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    let kinds: Vec<String> = j
        .events(p.id())
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(
        kinds.contains(&"fiscal_reprint_started".to_string()),
        "{kinds:?}"
    );
}

#[test]
fn after_a_crash_while_waiting_for_the_signature_yes_continues_at_the_cash_step() {
    let shop = Shop::new();
    let o = shop.pay_crashing_at("pre_receipt.done");
    assert_eq!(o.status.code(), None);
    let mut h = app(shop.config());
    h.get_by_label(&format!(
        "Did the customer sign pre-receipt No. 1 (МТС, 9031234567, 250.00{NBSP}₽)?"
    ));
    click(&mut h, "Yes, signed — continue");
    h.get_by_label(&format!("Take 250.00{NBSP}₽ from the customer."));
    type_into(&mut h, "Cash received", "250");
    click(&mut h, "Cash taken — print payment confirmation (Enter)");
    h.get_by_label(
        "Payment accepted: payment confirmation No. 1. It is queued for the payment system.",
    );
}

#[test]
fn a_damaged_journal_stops_the_terminal_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::Ru);
    std::fs::write(&config.journal_path, b"not a database at all".repeat(300)).unwrap();
    let h = app(config);
    assert!(matches!(h.state().phase, Phase::Failed(_)));
    h.get_by_label("Журнал недоступен — приём платежей остановлен");
    h.get_by_label_contains("повреждён");
    assert!(
        h.query_by_label("Номер счёта").is_none(),
        "no payment can be started"
    );
}

#[test]
fn the_language_switches_live_and_is_saved() {
    let shop = Shop::new();
    let mut h = app(shop.config());
    click(&mut h, "Settings");
    click(&mut h, "Polski");
    h.get_by_label("Język");
    click(&mut h, "Zapisz w pliku konfiguracji");
    h.get_by_label_contains("Zapisano w");
    click(&mut h, "Kasa");
    h.get_by_label("Numer konta");
    assert_eq!(
        Config::load(Some(&shop.config_path()), None).unwrap().lang,
        Lang::Pl
    );
    // Documents follow the language too.
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Numer konta", "9031234567");
    type_into(&mut h, "Kwota", "100");
    click(&mut h, "Drukuj paragon wstępny (Enter)");
    let text = printed_text(&h);
    assert!(text.contains("P A R A G O N   W S T Ę P N Y"), "{text}");
    assert!(text.contains("RAZEM DO ZAPŁATY"), "{text}");
}

#[test]
fn the_operator_check_refuses_an_unknown_account_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031230000");
    type_into(&mut h, "Amount", "100");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label(
        "МТС has no account 9031230000. Check the number with the customer; nothing was printed.",
    );
    h.get_by_label("1. Payment details");
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    assert!(journal.all_payments().unwrap().is_empty());
    assert!(printed_text(&h).is_empty());
}

#[test]
fn the_default_run_checks_and_delivers_every_payment_to_the_in_process_hub() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    assert!(
        h.state().training_hub().is_some(),
        "training mode starts its own hub"
    );
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "150");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label("МТС confirmed the account 9031234567 (***4567).");
    click(&mut h, "Customer signed (Enter)");
    type_into(&mut h, "Cash received", "150");
    click(&mut h, "Cash taken — print payment confirmation (Enter)");

    // The sync worker delivers it; the status bar follows.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.step();
        let delivered = matches!(&h.state().sync_view,
            paydesk::ui::SyncView::Status(s) if s.summary.queued == 0 && s.online == Some(true)
                && s.summary.awaiting_status + s.summary.stuck <= 1);
        let journal =
            paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
        let p = journal.all_payments().unwrap().remove(0);
        let (delivery, _, _) = journal.delivery_of(p.id()).unwrap();
        if delivered && delivery == Some(paydesk::domain::delivery::Delivery::Delivered) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not delivered: {:?}",
            h.state().sync_view
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
    h.get_by_label("Payments: online · to send: 0");
    assert!(
        matches!(
            &h.state().sync_view,
            paydesk::ui::SyncView::Status(s)
                if matches!(s.role, paydesk::app::sync::Role::Leader { .. })
        ),
        "this till sends (said on hover): {:?}",
        h.state().sync_view
    );
    let hub_file = dir.path().join("paydesk-training-hub.sqlite");
    let held: i64 = rusqlite::Connection::open(hub_file)
        .unwrap()
        .query_row("SELECT count(DISTINCT id) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 1);
}

#[test]
fn a_serial_printer_is_configured_in_settings_tested_and_used_and_paper_end_asks_the_question() {
    use common::fake_printer::{Behaviour, FakePrinter};
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());

    click(&mut h, "Settings");
    h.get_by_label("Printer status: ready");
    click(&mut h, "Serial port");
    type_into(&mut h, "Port", &fake.address);
    // Generous for a loaded CI machine (the fake printer is a thread, not hardware).
    h.state_mut()
        .screen_mut::<paydesk::ui::settings::SettingsScreen>()
        .and_then(|s| s.printer.as_mut())
        .expect("the printer form is open")
        .draft
        .status_timeout_ms = Some(3000);
    click(&mut h, "Use and save these printer settings");
    h.get_by_label_contains("Printer in use: Generic 80 mm (80 mm) ·");
    let saved = Config::load(Some(&dir.path().join("config.toml")), None).unwrap();
    assert_eq!(
        saved.printer.section.path.as_deref(),
        Some(fake.address.as_str())
    );
    assert!(saved.training, "saving the printer keeps training mode");

    click(&mut h, "Print test page");
    h.get_by_label("Test page printed: check that every sample line shows the right letters.");
    let profile = paydesk::printing::profile::PrinterProfile::built_in("generic-80mm").unwrap();
    let test_page = paydesk::printing::decode::decode(&fake.paper(), &profile).unwrap();
    let lines: Vec<String> = test_page.lines().map(|l| l.text.clone()).collect();
    assert!(lines.iter().any(|l| l == "PAYDESK TEST"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Съешь же ещё этих мягких")),
        "{lines:?}"
    );
    click(&mut h, "Check status");
    h.get_by_label("Printer status: ready");

    // A payment on the serial printer.
    fake.clear_paper();
    click(&mut h, "Cashier");
    type_into(&mut h, "Operator", "meg");
    click(&mut h, "MEGAFON — МегаФон");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "500");
    click(&mut h, "Print pre-receipt (Enter)");
    click(&mut h, "Customer signed (Enter)");
    type_into(&mut h, "Cash received", "505");
    click(&mut h, "Cash taken — print payment confirmation (Enter)");
    h.get_by_label(
        "Payment accepted: payment confirmation No. 1. It is queued for the payment system.",
    );
    let paper = paydesk::printing::decode::decode(&fake.paper(), &profile)
        .unwrap()
        .text();
    for line in [
        "Supplier                           ПАО «МегаФон»",
        "Account                               9031234567",
        "Payment amount                        500.00 RUB",
    ] {
        assert!(paper.contains(line), "{line:?} not on paper:\n{paper}");
    }

    // The paper runs out in the middle of the next fiscal receipt.
    click(&mut h, "New payment (Enter)");
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "100");
    click(&mut h, "Print pre-receipt (Enter)");
    click(&mut h, "Customer signed (Enter)");
    type_into(&mut h, "Cash received", "100");
    fake.set(Behaviour::PaperEndAfter(200));
    click(&mut h, "Cash taken — print payment confirmation (Enter)");
    h.get_by_label_contains("The printer stopped during printing: out of paper");
    // Where the payment stands, from the journal: cash recorded, receipt maybe partial.
    h.get_by_label_contains(
        "is recorded as taken; payment confirmation No. 2 may be partly printed",
    );
    h.get_by_label_contains("Do not take the money again");
    h.get_by_label_contains("Was payment confirmation No. 2 (МТС, 9031234567, 100.00");
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    let states: Vec<StateName> = journal
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| p.state.name())
        .collect();
    assert_eq!(states, [StateName::Fiscalized, StateName::FiscalPrinting]);
}

#[test]
fn the_payments_report_filters_rows_and_totals_copies_a_request_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    {
        let mut till = paydesk::app::till::Till::open(&config).unwrap();
        for (account, amount) in [
            ("9031234567", "100"),
            ("9161112233", "250"),
            ("9267654321", "40"),
        ] {
            common::take_mts_payment(&mut till, account, amount);
        }
    }
    let mut h = app(config.clone());
    click(&mut h, "Reports");
    click(&mut h, "Show (Enter)");
    h.get_by_label(&format!(
        "Payments: 3 · amount 390.00{NBSP}₽ · fees 0.00{NBSP}₽ · total 390.00{NBSP}₽"
    ));
    h.get_by_label("9161112233");

    // Part of a number finds the one payment.
    type_into(&mut h, "Account (or part)", "1122");
    click(&mut h, "Show (Enter)");
    h.get_by_label(&format!(
        "Payments: 1 · amount 250.00{NBSP}₽ · fees 0.00{NBSP}₽ · total 250.00{NBSP}₽"
    ));
    assert!(h.query_by_label("9031234567").is_none());

    click(&mut h, "Copy request");
    h.get_by_label_contains("Copied: Payment of ");
    h.get_by_label_contains("account 9161112233, operator МТС, amount 250.00");

    click(&mut h, "Export XLSX");
    h.get_by_label_contains("Written to ");
    let written: Vec<_> = std::fs::read_dir(dir.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    let path = written[0].clone();
    assert!(path.extension().is_some_and(|e| e == "xlsx"), "{path:?}");
    // The name carries the filters and the time: a second export is a second file.
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.contains("account1122") && name.contains("-at-"),
        "{name}"
    );
    h.get_by_label_contains(&path.display().to_string());
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Payments").unwrap();
    assert_eq!(sheet.height(), 3, "header, the row, totals");
    assert_eq!(sheet.get((1, 4)), Some(&Data::String("9161112233".into())));

    // On the receipt printer, in its width.
    click(&mut h, "Print");
    h.get_by_label("The report was printed on the receipt printer.");
    let paper: Vec<String> = h
        .state()
        .terminal()
        .and_then(|t| t.last_printout.as_ref())
        .map(|p| p.lines().map(|l| l.text.clone()).collect())
        .unwrap_or_default();
    assert!(paper.iter().any(|l| l == "Payments report"), "{paper:?}");
    assert!(
        paper
            .iter()
            .any(|l| l.starts_with("МТС") && l.ends_with("9161112233")),
        "{paper:?}"
    );
    assert!(paper.iter().all(|l| l.chars().count() <= 48), "{paper:?}");

    // A bad date is explained, the rows stay.
    let from = h.get_by_label("From");
    from.focus();
    h.run();
    h.get_by_label("From").type_text("x");
    h.run();
    click(&mut h, "Show (Enter)");
    h.get_by_label_contains("is not a date");
}

#[test]
fn a_shift_is_opened_with_cash_reported_with_x_and_closed_with_z() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    // A shift manager, not the admin, runs the shift.
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Max", Role::ShiftManager, "3333");
    let mut h = bare_app(config.clone());
    log_in(&mut h, "Max", "3333");
    click(&mut h, "Reports");
    type_into(&mut h, "Opening cash", "1000");
    click(&mut h, "Open shift");
    h.get_by_label("Shift 1 is open.");

    click(&mut h, "Cashier");
    pay_by_mouse(&mut h, "9031234567", "100", "100");
    h.get_by_label(
        "Payment accepted: payment confirmation No. 1. It is queued for the payment system.",
    );

    click(&mut h, "Reports");
    click(&mut h, "Print X report");
    h.get_by_label_contains("X REPORT");
    h.get_by_label_contains(&format!(
        "Cash expected                         1,100.00{NBSP}₽"
    ));
    // The X report went to the printer too.
    assert!(
        printed_text(&h).contains("X   R E P O R T"),
        "{}",
        printed_text(&h)
    );

    type_into(&mut h, "Cash counted", "1090");
    click(&mut h, "Close shift (Z report)");
    // A count that differs is shown and must be confirmed.
    h.get_by_label(&format!(
        "Counted 1,090.00{NBSP}₽, expected 1,100.00{NBSP}₽: the difference is −10.00{NBSP}₽. Close the shift with it? Enter = close, Esc = back."
    ));
    assert!(
        h.query_by_label_contains("Z REPORT").is_none(),
        "not closed yet"
    );
    click(&mut h, "Close the shift with the difference");
    h.get_by_label_contains("Z REPORT");
    h.get_by_label_contains(&format!(
        "Difference                              −10.00{NBSP}₽"
    ));
    // Closed: the panel offers to open the next shift, and the journal was backed up
    // (checked) at the close.
    h.get_by_label("Opening cash");
    h.get_by_label_contains("Backup written and checked");
    let backups = paydesk::journal::backup::list(&config.backups.dir);
    assert_eq!(backups.len(), 1, "{backups:?}");
    let copy = paydesk::journal::Journal::open(&backups[0], &Default::default()).unwrap();
    assert!(
        copy.current_shift("TRAIN-01").unwrap().is_none(),
        "after the close"
    );
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    assert!(journal.current_shift("TRAIN-01").unwrap().is_none());
    let z = journal.shift_report("TRAIN-01", 1).unwrap();
    assert_eq!(z.counted_cash.unwrap().to_string(), "1090.00");
    // Every step is Max's.
    assert_eq!(journal.all_payments().unwrap()[0].details.cashier, "Max");
    let shift_events: Vec<(String, String)> = journal
        .terminal_events(50)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind.starts_with("shift_"))
        .map(|e| (e.kind, e.actor))
        .collect();
    assert_eq!(
        shift_events,
        [
            ("shift_closed".to_string(), "Max".to_string()),
            ("shift_opened".to_string(), "Max".to_string())
        ]
    );
}

#[test]
fn a_shift_manager_does_the_days_cash_work_on_the_cash_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), Lang::En);
    config.printer.open_drawer = Some(true);
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Max", Role::ShiftManager, "3333");
    let mut h = bare_app(config.clone());
    log_in(&mut h, "Max", "3333");
    click(&mut h, "Cash");
    h.get_by_label_contains("No shift is open: open it on the Reports screen first");
    click(&mut h, "Reports");
    type_into(&mut h, "Opening cash", "1000");
    click(&mut h, "Open shift");
    click(&mut h, "Cash");
    h.get_by_label("No cash moves in this shift yet.");

    // Cash in by keyboard: the amount has the focus, Enter in the reason records.
    type_blind(&mut h, "500");
    assert_eq!(h.get_by_label("Amount").value().unwrap_or_default(), "500");
    type_into(&mut h, "Reason", "float from the safe");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label(&format!("Cash in No. 1 recorded: 500.00{NBSP}₽."));
    assert!(
        printed_text(&h).contains("C A S H   I N"),
        "{}",
        printed_text(&h)
    );
    h.get_by_label("float from the safe");

    // More than the drawer holds is refused beside the form.
    click(&mut h, "Cash out");
    type_into(&mut h, "Amount", "2000");
    type_into(&mut h, "Reason", "bank");
    click(&mut h, "Record and print the slip (Enter)");
    h.get_by_label_contains("The drawer should hold only 1,500.00");
    // What was refused stays to be corrected; a reason left empty is said before
    // the till is asked.
    assert_eq!(h.get_by_label("Amount").value().unwrap_or_default(), "2000");
    retype(&mut h, "Amount", "100");
    retype(&mut h, "Reason", "");
    click(&mut h, "Record and print the slip (Enter)");
    h.get_by_label("Reason: fill it in");

    click(&mut h, "Collection");
    retype(&mut h, "Amount", "1500");
    type_into(&mut h, "Bag / document No.", "M-17");
    click(&mut h, "Record and print the slip (Enter)");
    h.get_by_label(&format!("Collection No. 2 recorded: 1,500.00{NBSP}₽."));
    assert!(printed_text(&h).contains("C A S H   C O L L E C T I O N"));
    h.get_by_label("M-17");

    // The bank's reference, later.
    type_into(&mut h, "Collection No.", "2");
    type_into(&mut h, "Bank reference received", "PP-55");
    click(&mut h, "Save the bank reference");
    h.get_by_label("Collection No. 2: bank reference PP-55 saved.");
    h.get_by_label("PP-55");
    // One "Print again" per slip: the collection's is the last.
    h.get_all_by_label("Print again").last().unwrap().click();
    settle(&mut h);
    h.get_by_label("The slip was printed again (a copy).");
    assert!(printed_text(&h).contains("C O P Y"));

    // The collection report of this month.
    // Opened, it shows this month at once.
    click(&mut h, "Collection report");
    h.get_by_label(&format!("Taken and not yet collected: −1,500.00{NBSP}₽"));
    click(&mut h, "Export XLSX");
    h.get_by_label_contains("collections-");
    // The Reports screen leads there too.
    click(&mut h, "Cash in, cash out, collection");
    click(&mut h, "Reports");
    click(&mut h, "Collection report");
    settle(&mut h);
    h.get_by_label(&format!("Taken and not yet collected: −1,500.00{NBSP}₽"));

    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    let x = journal.x_report("TRAIN-01").unwrap();
    assert_eq!(x.expected_cash, Default::default());
    assert_eq!(
        journal
            .cash_moves("TRAIN-01", 1)
            .unwrap()
            .iter()
            .map(|m| (m.actor.as_str(), m.amount.to_string()))
            .collect::<Vec<_>>(),
        [
            ("Max", "500.00".to_string()),
            ("Max", "1500.00".to_string())
        ]
    );
}

#[test]
fn the_first_run_creates_the_admin_who_adds_a_cashier_and_switches_user() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = bare_app(config.clone());
    h.get_by_label("Welcome to paydesk: create the administrator");
    assert!(
        h.query_by_label("Cashier").is_none(),
        "no screen before the admin exists"
    );

    type_into(&mut h, "Name", "Anna");
    type_into(&mut h, "PIN", "1234");
    type_into(&mut h, "Repeat PIN", "1243");
    click(&mut h, "Create administrator");
    h.get_by_label("The two PINs differ: type the same PIN twice.");
    type_into(&mut h, "PIN", "1234");
    type_into(&mut h, "Repeat PIN", "1234");
    click(&mut h, "Create administrator");
    h.get_by_label("Logged in: Anna · administrator");
    h.get_by_label("Account number");

    // The admin adds a cashier in the settings.
    click(&mut h, "Settings");
    h.get_by_label("Users");
    type_into(&mut h, "New user's name", "Olga");
    type_into(&mut h, "PIN", "2222");
    type_into(&mut h, "Repeat PIN", "2222");
    click(&mut h, "Add user");
    h.get_by_label("Olga can log in now.");
    let users: Vec<(String, Role)> = Journal::open(&config.journal_path, &OpenOptions::default())
        .unwrap()
        .users()
        .unwrap()
        .into_iter()
        .map(|u| (u.name.to_string(), u.role))
        .collect();
    assert_eq!(
        users,
        [
            ("Anna".to_string(), Role::Admin),
            ("Olga".to_string(), Role::Cashier)
        ]
    );

    // F12: the login screen lists both; Olga logs in with the keyboard.
    h.key_press(egui::Key::F12);
    settle(&mut h);
    h.get_by_label("Who is at the till?");
    click(&mut h, "Olga");
    type_into(&mut h, "PIN", "2222");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Logged in: Olga · cashier");
}

#[test]
fn wrong_pins_lock_the_user_and_a_cashier_is_denied_the_reports_screen() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Olga", Role::Cashier, "2222");
    seed_user(&config, "Ivan", Role::Cashier, "5555");
    seed_user(&config, "Max", Role::ShiftManager, "3333");
    let mut h = bare_app(config.clone());
    h.get_by_label("Who is at the till?");

    click(&mut h, "Olga");
    for left in (1..=4).rev() {
        type_into(&mut h, "PIN", "0000");
        click(&mut h, "Log in");
        h.get_by_label(&format!(
            "Wrong PIN for Olga. {left} tries left, then the account is locked for 5 minutes."
        ));
    }
    type_into(&mut h, "PIN", "0000");
    click(&mut h, "Log in");
    let locked = "Too many wrong PINs: Olga is locked for 5 min. Try again then, or ask an administrator to unlock.";
    h.get_by_label(locked);
    // The right PIN does not help while locked.
    type_into(&mut h, "PIN", "2222");
    click(&mut h, "Log in");
    h.get_by_label(locked);
    assert!(h.query_by_label("Account number").is_none());

    // The shift manager logs in with the PIN pad and sees the reports.
    click(&mut h, "Max");
    for d in ["3", "3", "3", "3"] {
        h.get_by_label(d).click();
        h.run();
    }
    click(&mut h, "OK");
    h.get_by_label("Logged in: Max · shift manager");
    click(&mut h, "Reports");
    h.get_by_label("Open shift");
    h.get_by_label("Show (Enter)");

    // A cashier: the reports screen says no, and shows nothing of it.
    click(&mut h, "Switch user (F12)");
    click(&mut h, "Ivan");
    type_into(&mut h, "PIN", "5555");
    click(&mut h, "Log in");
    h.get_by_label("Logged in: Ivan · cashier");
    h.get_by_label("Account number");
    click(&mut h, "Reports");
    h.get_by_label(
        "Ivan (cashier) has no access to reports. Ask a shift manager or an administrator to log in (Switch user).",
    );
    assert!(h.query_by_label("Show (Enter)").is_none());
    assert!(h.query_by_label("Open shift").is_none());
    // Nor the printer settings or the users.
    click(&mut h, "Settings");
    h.get_by_label("Language");
    assert!(h.query_by_label("Print test page").is_none());
    assert!(h.query_by_label("Add user").is_none());
}

/// A config that talks to a hub at `url` as terminal TRAIN-01 (not training mode; the
/// catalogue is the one cached in the journal), slow retries unless asked.
fn hub_config(dir: &std::path::Path, url: &str) -> Config {
    let mut file = common::hub_config_file(dir, url, "train-token");
    if let Some(shop) = file.shop.as_mut() {
        shop.address = "1 Sample St".into();
    }
    if let Some(hub) = file.hub.as_mut() {
        hub.retry_base_ms = Some(60_000);
        hub.retry_cap_ms = Some(60_000);
    }
    common::resolve(dir, file)
}

#[test]
fn a_low_agents_balance_shows_in_the_status_bar_and_refuses_a_larger_payment_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(
        dir.path(),
        "train-token",
        Default::default(),
        Default::default(),
    );
    hub.state()
        .store()
        .top_up(
            "TRAIN-01",
            paydesk::domain::money::Money::parse("300").unwrap(),
        )
        .unwrap();
    // The journal's catalogue and an open shift, from a training run on the same file.
    common::ensure_shift(
        &mut paydesk::app::till::Till::open(&config_in(dir.path(), Lang::En)).unwrap(),
    );
    let mut config = hub_config(dir.path(), &hub.url());
    config.hub.balance_warning = Some(paydesk::domain::money::Money::parse("500").unwrap());
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let mut h = sized_app(config.clone(), 1000.0);
    log_in(&mut h, ADMIN.0, ADMIN.1);
    let balance = format!("Balance 300.00{NBSP}₽");
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.query_by_label(&balance).is_none() {
        assert!(Instant::now() < deadline, "no balance in the status bar");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "400");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label_contains(&format!(
        "The agent's balance at the payment system is 300.00{NBSP}₽: not enough for 400.00{NBSP}₽."
    ));
    let journal =
        paydesk::journal::Journal::open(&config.journal_path, &Default::default()).unwrap();
    assert!(journal.all_payments().unwrap().is_empty());
}

#[test]
fn reports_reconcile_a_day_and_support_explains_the_difference() {
    use paydesk::app::sync::{SyncSettings, Syncer};
    use paydesk::app::till::Till;
    use paydesk::hub::client::HubClient;
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(
        dir.path(),
        "train-token",
        paydesk::hub::server::sim::Simulation {
            processing_after: Duration::from_millis(10),
            complete_after: Duration::from_millis(30),
        },
        Default::default(),
    );
    let training = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&training).unwrap();
    let (kept, _) = common::take_mts_payment(&mut till, "9031234567", "100");
    let (lost, _) = common::take_mts_payment(&mut till, "9031234567", "200");
    drop(till);
    let mut settings = SyncSettings::new(
        HubClient::new(&hub.url(), "train-token", Duration::from_secs(2)),
        training.journal_path.clone(),
        "TRAIN-01",
    );
    settings.poll_every = Duration::from_millis(20);
    settings.lease_ttl = Duration::from_millis(300);
    let mut s = Syncer::open(settings).unwrap();
    let j = Journal::open(&training.journal_path, &OpenOptions::default()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while [kept, lost].iter().any(|id| {
        j.delivery_of(*id).unwrap().1 != Some(paydesk::hub::protocol::HubStatus::Completed)
    }) {
        s.round().unwrap();
        assert!(Instant::now() < deadline, "delivered and completed");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(s);
    std::thread::sleep(Duration::from_millis(350)); // the lease runs out
    // The hub loses one.
    rusqlite::Connection::open(dir.path().join("hub.sqlite"))
        .unwrap()
        .execute("DELETE FROM payments WHERE id = ?1", [lost.to_string()])
        .unwrap();

    let config = hub_config(dir.path(), &hub.url());
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let mut h = sized_app(config.clone(), 1000.0);
    log_in(&mut h, ADMIN.0, ADMIN.1);
    click(&mut h, "Reports");
    click(&mut h, "Reconciliation with the payment system");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    retype(&mut h, "Business day", &today);
    h.get_by_label("Business day").focus();
    h.run();
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label(&format!(
        "Business day {today}: 2 payments in the journal, 1 in the payment system's registry; 1 differences."
    ));
    h.get_by_label_contains("LOST: delivered, but not in the payment system's registry");
    h.get_by_label("Write to the central office (Support → the payment → the e-mail text).");

    // To the payment in Support, where the e-mail text is; the difference is listed.
    click(&mut h, "Open in Support");
    settle(&mut h);
    h.get_by_label("Timeline");
    h.get_by_label("Differences with the payment system");
    click(&mut h, "Mark explained");
    h.get_by_label_contains("Say why the difference is not a problem");
    type_into(
        &mut h,
        "Why it is not a problem",
        "the hub found it: letter 17",
    );
    click(&mut h, "Mark explained");
    h.get_by_label("The difference is marked explained.");
    assert!(
        h.query_by_label("Differences with the payment system")
            .is_none()
    );
    let j = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let explained = j
        .terminal_events(20)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == "difference_explained")
        .expect("journaled");
    assert_eq!(explained.actor, ADMIN.0);
}

#[test]
fn support_lists_a_stuck_payment_with_its_timeline_retries_and_a_refund_needs_a_manager_pin() {
    use paydesk::app::sync::{SyncSettings, Syncer};
    use paydesk::app::till::Till;
    use paydesk::hub::client::HubClient;
    use paydesk::hub::protocol::HubStatus;
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(
        dir.path(),
        "train-token",
        paydesk::hub::server::sim::Simulation {
            processing_after: Duration::from_millis(50),
            complete_after: Duration::from_millis(150),
        },
        Default::default(),
    );
    // Three payments: one stuck (…9999), one failed (…6666), one never delivered.
    let training = config_in(dir.path(), Lang::En);
    let mut ids = Vec::new();
    let pay = |account: &str, amount: &str| {
        common::take_mts_payment(&mut Till::open(&training).unwrap(), account, amount).0
    };
    ids.push(pay("9031239999", "100"));
    ids.push(pay("9031236666", "200"));
    let sync = |url: &str| {
        let mut s = SyncSettings::new(
            HubClient::new(url, "train-token", Duration::from_millis(300)),
            training.journal_path.clone(),
            &training.terminal_id,
        );
        s.poll_every = Duration::from_millis(50);
        s.stuck_after = Duration::from_millis(200);
        s.lease_ttl = Duration::from_millis(300);
        // A failed push waits a minute: long enough that only "Retry now" sends it.
        s.backoff = paydesk::domain::delivery::Backoff {
            base: Duration::from_secs(60),
            cap: Duration::from_secs(60),
        };
        Syncer::open(s).unwrap()
    };
    let j = Journal::open(&training.journal_path, &OpenOptions::default()).unwrap();
    let mut s = sync(&hub.url());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !(j.delivery_of(ids[1]).unwrap().1 == Some(HubStatus::Failed)
        && j.support_row(ids[0]).unwrap().trouble == paydesk::journal::support::Trouble::Stuck)
    {
        s.round().unwrap();
        assert!(Instant::now() < deadline, "stuck and failed");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(s);
    std::thread::sleep(Duration::from_millis(350)); // the lease runs out
    // The third payment meets an unreachable hub: not delivered, retrying.
    ids.push(pay("9031234567", "300"));
    let mut s = sync("http://127.0.0.1:9");
    s.round().unwrap();
    drop(s);
    assert_eq!(
        j.support_row(ids[2]).unwrap().trouble,
        paydesk::journal::support::Trouble::Failing
    );
    std::thread::sleep(Duration::from_millis(350));

    let config = hub_config(dir.path(), &hub.url());
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Sam", Role::Support, "4444");
    seed_user(&config, "Max", Role::ShiftManager, "3333");
    let mut h = sized_app(config.clone(), 1400.0);
    log_in(&mut h, "Sam", "4444");
    // Support staff land on a screen they may use; the till is not theirs (the tab
    // comes first; the reports table has a column of the same name).
    h.query_all_by_label("Cashier").next().unwrap().click();
    settle(&mut h);
    h.get_by_label_contains("Sam (support) has no access to taking payments");
    click(&mut h, "Support");
    h.get_by_label("Stuck, failing, refused and failed payments");
    let stuck_row = format!("№ 1 · МТС · 9031239999 · 100.00{NBSP}₽ · stuck");
    h.get_by_label(&stuck_row);
    h.get_by_label(&format!(
        "№ 2 · МТС · 9031236666 · 200.00{NBSP}₽ · failed at the operator"
    ));
    h.get_by_label(&format!(
        "№ 3 · МТС · 9031234567 · 300.00{NBSP}₽ · not delivered, retrying"
    ));

    // The stuck payment's timeline, and its status asked now.
    click(&mut h, &stuck_row);
    h.get_by_label("Timeline");
    for want in [
        "cash taken",
        "payment confirmation printed",
        "sent to the payment system",
        "flagged stuck",
    ] {
        h.get_by_label_contains(want);
    }
    click(&mut h, "Check status now");
    h.get_by_label("The payment system says: processing at the operator.");

    // The undelivered one is sent now instead of in a minute.
    click(
        &mut h,
        &format!("№ 3 · МТС · 9031234567 · 300.00{NBSP}₽ · not delivered, retrying"),
    );
    click(&mut h, "Retry now");
    h.get_by_label("It is sent at the next round (within seconds).");
    let deadline = Instant::now() + Duration::from_secs(20);
    while j.delivery_of(ids[2]).unwrap().0 != Some(paydesk::domain::delivery::Delivery::Delivered) {
        assert!(
            Instant::now() < deadline,
            "the retried payment was not delivered"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }

    // A refund of the failed payment: the manager's PIN is required and checked.
    click(
        &mut h,
        &format!("№ 2 · МТС · 9031236666 · 200.00{NBSP}₽ · failed at the operator"),
    );
    click(&mut h, "Refund the cash");
    type_into(
        &mut h,
        "Customer's payment confirmation No. (or scan its QR code)",
        "2",
    );
    type_into(&mut h, "Reason", "the customer wants the cash back");
    type_into(&mut h, "Approving manager", "Max");
    type_into(&mut h, "Manager's PIN", "0000");
    click(&mut h, "Send correction request");
    h.get_by_label("Wrong PIN for Max. 4 tries left, then the account is locked for 5 minutes.");
    assert!(
        j.refund_of(ids[1]).unwrap().is_none(),
        "no refund without approval"
    );
    type_into(&mut h, "Manager's PIN", "3333");
    click(&mut h, "Send correction request");
    h.get_by_label_contains(&format!(
        "Give the customer 200.00{NBSP}₽ in cash (refund confirmation No. 1)."
    ));
    let text = printed_text(&h);
    for want in [
        "RETURNED IN CASH",
        "200.00",
        "Approved by",
        "Max",
        "Original confirmation No.",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    let refund = j.refund_of(ids[1]).unwrap().expect("journaled");
    assert!(refund.printed);
    assert_eq!(refund.approved_by, "Max");
    // The request is listed, and a second refund is refused with the reason.
    h.get_by_label_contains("Refund the cash · ");
    type_into(
        &mut h,
        "Customer's payment confirmation No. (or scan its QR code)",
        "2",
    );
    type_into(&mut h, "Reason", "asked again");
    type_into(&mut h, "Approving manager", "Max");
    type_into(&mut h, "Manager's PIN", "3333");
    click(&mut h, "Send correction request");
    h.get_by_label_contains("The cash for this payment was already returned to the customer.");
    assert_eq!(j.corrections_of(ids[1]).unwrap().len(), 1);
}

fn payment_state(h: &Harness<'static, PaydeskApp>, config: &Config) -> Vec<StateName> {
    let _ = h;
    paydesk::journal::Journal::open(&config.journal_path, &Default::default())
        .unwrap()
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| p.state.name())
        .collect()
}

fn press(h: &mut Harness<'static, PaydeskApp>, key: egui::Key) {
    h.key_press(key);
    settle(h);
}

/// Once the pre-receipt is printed no single key throws the payment away: Esc at
/// the signature step asks "void pre-receipt No. N?" (Enter voids, Esc goes back);
/// Esc at the cash step only brings the keyboard back to the cash field.
#[test]
fn esc_never_voids_a_printed_pre_receipt_in_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "300");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label("Customer signed (Enter)");

    // Signature step: Esc asks, Esc again goes back; nothing is voided.
    press(&mut h, egui::Key::Escape);
    h.get_by_label_contains("void pre-receipt No. 1?");
    press(&mut h, egui::Key::Escape);
    assert!(
        h.query_by_label_contains("void pre-receipt No. 1?")
            .is_none()
    );
    h.get_by_label("Customer signed (Enter)");
    assert_eq!(
        payment_state(&h, &config),
        vec![StateName::PreReceiptPrinted]
    );

    // Cash step: Esc twice, no question, no void; the cash field has the keyboard.
    click(&mut h, "Customer signed (Enter)");
    h.get_by_label("Cash received");
    press(&mut h, egui::Key::Escape);
    press(&mut h, egui::Key::Escape);
    h.get_by_label("Cash received");
    assert_eq!(payment_state(&h, &config), vec![StateName::Signed]);
    h.get_by_label("Cash received").type_text("500");
    h.run();
    h.get_by_label_contains("Change: 200.00");

    // "Cancel payment" asks too; Esc goes back to the cash field.
    click(&mut h, "Cancel payment");
    h.get_by_label_contains("Cancel the payment of pre-receipt No. 1?");
    press(&mut h, egui::Key::Escape);
    h.get_by_label("Cash received");
    assert_eq!(payment_state(&h, &config), vec![StateName::Signed]);

    // Asked and confirmed with Enter: voided.
    click(&mut h, "Cancel payment");
    press(&mut h, egui::Key::Enter);
    h.get_by_label("Payment voided: no money was taken.");
    assert_eq!(payment_state(&h, &config), vec![StateName::Voided]);
}

/// Paper runs out right after the pre-receipt: at the cash step the screen says the
/// cash is recorded and the receipt not printed (never "nothing printed, try again"),
/// and asks the recovery question that prints it once paper is back.
#[test]
fn a_printer_failing_at_the_cash_step_says_on_screen_that_the_cash_is_recorded() {
    use common::fake_printer::{Behaviour, FakePrinter};
    let fake = FakePrinter::serial();
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), Lang::En);
    config.printer = paydesk::app::config::PrinterConfig::from_section(
        &paydesk::app::config::PrinterSection {
            profile: Some("epson-tm-t20iii".into()),
            connection: Some(paydesk::app::config::ConnectionKind::Serial),
            path: Some(fake.address.clone()),
            baud: Some(115200),
            status_timeout_ms: Some(3000),
            ..Default::default()
        },
        dir.path().join("printer-profiles"),
    )
    .unwrap();
    let mut h = app(config.clone());
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "100");
    fake.set(Behaviour::PaperEndAfterJobs(1));
    click(&mut h, "Print pre-receipt (Enter)");
    click(&mut h, "Customer signed (Enter)");
    type_into(&mut h, "Cash received", "100");
    click(&mut h, "Cash taken — print payment confirmation (Enter)");
    h.get_by_label_contains("The printer cannot print: out of paper");
    h.get_by_label_contains("is recorded as taken; the payment confirmation is not printed");
    h.get_by_label_contains("Do not take the money again");
    assert!(h.query_by_label_contains("Nothing was printed").is_none());
    assert!(h.query_by_label_contains("try again").is_none());
    assert_eq!(payment_state(&h, &config), vec![StateName::CashTaken]);
    // The question prints the receipt once paper is back.
    h.get_by_label_contains("is taken but no payment confirmation was printed");
    fake.set(Behaviour::Normal);
    fake.set_paper_out(false);
    click(&mut h, "Print the payment confirmation");
    assert_eq!(payment_state(&h, &config), vec![StateName::Fiscalized]);
}

/// Types text into whatever has the keyboard focus (no click first).
fn type_blind(h: &mut Harness<'static, PaydeskApp>, text: &str) {
    h.event(egui::Event::Text(text.into()));
    h.run();
}

#[test]
fn every_screen_opens_with_the_focus_in_its_first_field() {
    // First run: the administrator's name.
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = bare_app(config);
    h.get_by_label("Welcome to paydesk: create the administrator");
    type_blind(&mut h, "Anna");
    assert_eq!(h.get_by_label("Name").value().unwrap_or_default(), "Anna");

    // Login: the PIN, for the user chosen (the only one here).
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let mut h = bare_app(config);
    h.get_by_label("Who is at the till?");
    type_blind(&mut h, ADMIN.1);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label(&format!("Logged in: {} · administrator", ADMIN.0));

    // The cashier screen: the operator.
    type_blind(&mut h, "domru");
    assert_eq!(
        h.get_by_label("Operator").value().unwrap_or_default(),
        "domru"
    );

    // Settings, for an administrator: the new user's name.
    click(&mut h, "Settings");
    type_blind(&mut h, "Olga");
    assert_eq!(
        h.get_by_label("New user's name")
            .value()
            .unwrap_or_default(),
        "Olga"
    );
}

#[test]
fn the_add_user_form_submits_with_enter_and_says_so_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    click(&mut h, "Settings");
    type_into(&mut h, "New user's name", "Olga");
    type_into(&mut h, "PIN", "2222");
    type_into(&mut h, "Repeat PIN", "2222");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Olga can log in now.");
    let names: Vec<String> = Journal::open(&config.journal_path, &OpenOptions::default())
        .unwrap()
        .users()
        .unwrap()
        .into_iter()
        .map(|u| u.name.to_string())
        .collect();
    assert!(names.contains(&"Olga".to_string()), "{names:?}");
    // Ready for the next one: the name field has the focus again.
    type_blind(&mut h, "Petr");
    assert_eq!(
        h.get_by_label("New user's name")
            .value()
            .unwrap_or_default(),
        "Petr"
    );
}

#[test]
fn after_a_switch_the_next_user_gets_an_empty_cashier_screen() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    seed_user(&config, "Olga", Role::Cashier, "2222");
    h.get_by_label("Operator").type_text("domru");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Account number").type_text("1234 5678 9012");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    h.get_by_label("Amount").type_text("100");
    h.run();
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Cash received").type_text("200");
    h.run();
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label_contains("Payment accepted");
    assert!(!printed_text(&h).is_empty());

    h.key_press(egui::Key::F12);
    settle(&mut h);
    click(&mut h, "Olga");
    type_into(&mut h, "PIN", "2222");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label("Logged in: Olga · cashier");
    assert!(h.query_by_label_contains("Payment accepted").is_none());
    assert!(h.query_by_label_contains("Give change").is_none());
    assert_eq!(
        h.get_by_label("Account number").value().unwrap_or_default(),
        ""
    );
    assert!(
        printed_text(&h).is_empty(),
        "the previous user's paper is gone"
    );
    h.get_by_label("Nothing printed yet.");
}

#[test]
fn the_status_bar_is_one_short_line_and_the_journal_path_is_in_settings() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    assert!(h.query_by_label_contains("Journal:").is_none());
    let path = config.journal_path.display().to_string();
    assert!(h.query_by_label_contains(&path).is_none());
    h.get_by_label("Printer: Generic 80 mm");
    click(&mut h, "Settings");
    h.get_by_label(&path);
}

#[test]
fn ctrl_and_a_digit_open_the_tabs_and_the_tabs_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config);
    h.get_by_label("Ctrl+2");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num2);
    settle(&mut h);
    h.get_by_label("Payments report");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num1);
    settle(&mut h);
    h.get_by_label("1. Payment details");
}

#[test]
fn a_single_esc_right_after_typing_does_not_clear_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config);
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("Press Esc again to clear what you typed.");
    assert_eq!(
        h.get_by_label("Account number").value().unwrap_or_default(),
        "9031234567",
        "one Esc right after typing keeps the text"
    );
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(
        h.get_by_label("Account number").value().unwrap_or_default(),
        ""
    );
}

#[test]
fn on_a_1024_by_600_panel_the_primary_button_and_the_errors_are_in_sight_in_every_language() {
    for (lang, button) in [
        (Lang::Ru, "Печать пречека (Enter)"),
        (Lang::Pl, "Drukuj paragon wstępny (Enter)"),
        (Lang::En, "Print pre-receipt (Enter)"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = config_in(dir.path(), lang);
        seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
        let mut h = Harness::builder()
            .with_size([1024.0, 600.0])
            .with_max_steps(24)
            .build_eframe(move |cc| PaydeskApp::new(cc, config));
        settle(&mut h);
        type_blind(&mut h, ADMIN.1);
        h.key_press(egui::Key::Enter);
        settle(&mut h);
        // The worst case: an operator chosen (its rules shown), an account error and
        // an amount error under their fields.
        type_blind(&mut h, "mts");
        h.key_press(egui::Key::Enter);
        h.run();
        type_blind(&mut h, "903123456a");
        h.key_press(egui::Key::Enter);
        h.run();
        type_blind(&mut h, "99999");
        let bottom = h.get_by_label(button).rect().max.y;
        // The status bar takes the last ~40 px of the window.
        assert!(
            bottom < 560.0,
            "{lang:?}: the button ends at {bottom} of 600"
        );
        // The top bar: the switch-user button shortens rather than crowd a tab's
        // shortcut (at least the bar's spacing between them), inside the window.
        let last_shortcut = h.get_by_label("Ctrl+5").rect();
        let switch = h
            .get_all_by(|n| n.label().is_some_and(|l| l.contains("F12")))
            .next()
            .expect("a switch-user button")
            .rect();
        assert!(
            switch.min.x >= last_shortcut.max.x + 6.0 && switch.max.x <= 1024.0,
            "{lang:?}: switch user at {switch:?}, Ctrl+5 at {last_shortcut:?}"
        );
    }
}

#[test]
fn buttons_are_big_enough_for_a_finger_and_secondary_text_is_readable() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let h = app(config);
    for label in [
        "Print pre-receipt (Enter)",
        "Clear (Esc)",
        "Switch user (F12)",
    ] {
        let height = h.get_by_label(label).rect().height();
        assert!(height >= 44.0, "{label}: {height} px");
    }
    let visuals = egui::Visuals::dark();
    let ratio = paydesk::ui::style::contrast(paydesk::ui::style::WEAK_TEXT, visuals.panel_fill);
    assert!(ratio >= 4.5, "secondary text contrast {ratio}:1");
    // And the style in force uses it.
    assert_eq!(
        h.ctx.global_style().visuals.weak_text_color,
        Some(paydesk::ui::style::WEAK_TEXT)
    );
}

#[test]
fn a_payment_that_fails_at_the_operator_afterwards_is_shown_and_announced_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config);
    // Demo accounts ending 6666 fail at the operator after being accepted.
    pay_by_mouse(&mut h, "9031236666", "100", "100");
    h.get_by_label_contains("Payment accepted");
    h.get_by_label_contains("This shift");
    click(&mut h, "New payment (Enter)");

    // The sync worker delivers it and learns its fate; the till says so unasked.
    let alert = "Payment № 1 (МТС, 9031236666, 100.00\u{a0}₽) failed at the operator.";
    let deadline = Instant::now() + Duration::from_secs(40);
    while h.query_by_label_contains(alert).is_none() {
        assert!(Instant::now() < deadline, "no announcement of the failure");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.run();
    h.get_by_label_contains("· failed at the operator");
    click(&mut h, "Seen");
    assert!(h.query_by_label_contains(alert).is_none());
    // Announced once: later news about the same payment does not bring it back.
    for _ in 0..40 {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.run();
    assert!(h.query_by_label_contains(alert).is_none());
}

#[test]
fn a_correction_needing_approval_defaults_to_the_manager_at_the_till() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    {
        let mut till = paydesk::app::till::Till::open(&config).unwrap();
        common::take_mts_payment(&mut till, "9031234567", "100");
    }
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Max", Role::ShiftManager, "3333");
    let mut h = sized_app(config, 1400.0);
    log_in(&mut h, "Max", "3333");
    click(&mut h, "Support");
    type_into(
        &mut h,
        "Confirmation No., account or payment id",
        "9031234567",
    );
    click(&mut h, "Find (Enter)");
    click_contains(&mut h, "№ 1 · МТС · 9031234567");
    click(&mut h, "Cancel");
    assert_eq!(
        h.get_by_label("Approving manager")
            .value()
            .unwrap_or_default(),
        "Max"
    );
}

fn click_contains(h: &mut Harness<'static, PaydeskApp>, label: &str) {
    h.get_by_label_contains(label).click();
    settle(h);
}

#[test]
fn support_buttons_stay_put_when_their_message_appears() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    {
        let mut till = paydesk::app::till::Till::open(&config).unwrap();
        common::take_mts_payment(&mut till, "9031234567", "100");
    }
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let mut h = sized_app(config, 1400.0);
    log_in(&mut h, ADMIN.0, ADMIN.1);
    click(&mut h, "Support");
    type_into(
        &mut h,
        "Confirmation No., account or payment id",
        "9031234567",
    );
    click(&mut h, "Find (Enter)");
    click_contains(&mut h, "№ 1 · МТС · 9031234567");
    let before = h.get_by_label("Retry now").rect();
    click(&mut h, "Retry now");
    assert!(
        h.query_by_label_contains("It is sent at the next round")
            .is_some()
            || h.query_by_label_contains("Nothing to send").is_some(),
        "the outcome is said"
    );
    let after = h.get_by_label("Retry now").rect();
    assert_eq!(before.min.y, after.min.y, "the button did not move");
}

/// Every label on screen, as a screen reader gets them.
fn all_labels(h: &Harness<'static, PaydeskApp>) -> Vec<String> {
    h.query_all(egui_kittest::kittest::by().predicate(|_| true))
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

#[test]
fn every_screen_speaks_only_the_chosen_language() {
    use paydesk::i18n::T;
    for lang in [Lang::Ru, Lang::Pl, Lang::En] {
        let dir = tempfile::tempdir().unwrap();
        let config = config_in(dir.path(), lang);
        // A payment to list (the Polish demo catalogue has no МТС).
        if lang != Lang::Pl {
            let mut till = paydesk::app::till::Till::open(&config).unwrap();
            common::take_mts_payment(&mut till, "9031234567", "100");
        }
        seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
        let mut h = sized_app(config, 1400.0);
        type_blind(&mut h, ADMIN.1);
        h.key_press(egui::Key::Enter);
        settle(&mut h);
        let mut seen = 0;
        for (tab, key) in [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
        ]
        .into_iter()
        .enumerate()
        {
            h.key_press_modifiers(egui::Modifiers::COMMAND, key);
            settle(&mut h);
            for label in all_labels(&h) {
                seen += 1;
                for t in T::ALL {
                    let own = t.text(lang);
                    for other in Lang::ALL.into_iter().filter(|l| *l != lang) {
                        assert!(
                            !(t.text(other) == label && own != label),
                            "{lang:?}, tab {}: {label:?} is the {other:?} text of {t:?}",
                            tab + 1
                        );
                    }
                }
            }
        }
        assert!(seen > 40, "{lang:?}: the screens were read ({seen} labels)");
    }
}

#[test]
fn the_window_has_its_title_as_its_accessible_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let title = paydesk::ui::window_title(&config);
    let h = app(config);
    assert_eq!(
        h.root().accesskit_node().label().as_deref(),
        Some(title.as_str())
    );
    assert!(title.starts_with("paydesk — "), "{title}");
}

#[test]
fn a_language_switch_leaves_no_notice_in_the_old_language() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config);
    pay_by_mouse(&mut h, "9031234567", "100", "100");
    h.get_by_label_contains("Payment accepted: payment confirmation No. 1");
    click(&mut h, "Settings");
    click(&mut h, "Русский");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num1);
    settle(&mut h);
    assert!(h.query_by_label_contains("Payment accepted").is_none());
    h.get_by_label_contains("Выдайте сдачу");
}

#[test]
fn twenty_payments_in_a_row_by_keyboard_on_a_1024_by_600_till_in_russian() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::Ru);
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    let journal_path = config.journal_path.clone();
    let mut h = Harness::builder()
        .with_size([1024.0, 600.0])
        .with_max_steps(24)
        .build_eframe(move |cc| PaydeskApp::new(cc, config));
    settle(&mut h);
    type_blind(&mut h, ADMIN.1);
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    let enter = |h: &mut Harness<'static, PaydeskApp>| {
        h.key_press(egui::Key::Enter);
        settle(h);
    };
    for round in 0..20 {
        type_blind(&mut h, "mts");
        enter(&mut h);
        // Each refusal gives the keyboard back to the field that must change, its
        // text selected: typing the right value replaces the wrong one.
        let account = match round {
            3 => "903123456a", // letters
            7 => "9031230000", // the operator does not know it
            _ => "9031234567",
        };
        type_blind(&mut h, account);
        enter(&mut h);
        type_blind(&mut h, if round == 5 { "99999" } else { "100" });
        enter(&mut h);
        match round {
            // The day's first payment: no shift is open, so the cashier is asked for
            // the cash in the drawer, and one Enter opens the shift and prints.
            0 => {
                h.get_by_label_contains("введите сумму: смена откроется с ней");
                type_blind(&mut h, "2500");
                enter(&mut h);
            }
            3 | 7 => {
                type_blind(&mut h, "9031234567");
                enter(&mut h);
                enter(&mut h);
            }
            5 => {
                type_blind(&mut h, "100");
                enter(&mut h);
            }
            _ => {}
        }
        h.get_by_label_contains("клиенту для проверки и подписи");
        enter(&mut h); // signed
        type_blind(&mut h, "100");
        if round == 0 {
            // The cash step fits the short panel too: the change and the primary
            // button in sight without scrolling.
            h.run();
            for label in ["Сдача: 0,00", "Деньги приняты"] {
                let bottom = h.get_by_label_contains(label).rect().max.y;
                assert!(bottom < 560.0, "{label} ends at {bottom} of 600");
            }
        }
        enter(&mut h); // cash taken
        h.get_by_label_contains("Платёж принят");
        enter(&mut h); // next customer
    }
    let j = Journal::open(&journal_path, &OpenOptions::default()).unwrap();
    let shift = j
        .current_shift("TRAIN-01")
        .unwrap()
        .expect("the cashier opened it");
    assert_eq!(shift.number, 1);
    let report = j.x_report("TRAIN-01").unwrap();
    assert_eq!(report.opening_cash.to_string(), "2500.00");
    let payments = j.all_payments().unwrap();
    assert_eq!(
        payments.len(),
        20,
        "one payment per round, none lost or doubled"
    );
    assert!(
        payments
            .iter()
            .all(|p| p.state.name() == StateName::Fiscalized && p.details.account == "9031234567")
    );
}

#[test]
fn tab_goes_round_the_cashier_form_and_never_out_to_the_top_tabs() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config);
    assert!(h.get_by_label("Operator").is_focused());
    for want in ["Account number", "Amount", "Operator", "Account number"] {
        h.key_press(egui::Key::Tab);
        h.run();
        assert!(h.get_by_label(want).is_focused(), "Tab to {want}");
    }
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::Tab);
    h.run();
    assert!(h.get_by_label("Operator").is_focused(), "Shift+Tab back");
}

#[test]
fn no_shift_open_asks_the_cashier_for_the_cash_in_the_drawer_before_the_pre_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Cash", Role::Cashier, "1357");
    let journal_path = config.journal_path.clone();
    let mut h = bare_app(config);
    log_in(&mut h, "Cash", "1357");
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "100");
    click(&mut h, "Print pre-receipt (Enter)");
    // Nothing printed, nothing journaled: the prompt asks for the count.
    h.get_by_label_contains("No shift is open. Count the cash in the drawer");
    let j = Journal::open(&journal_path, &OpenOptions::default()).unwrap();
    assert!(j.all_payments().unwrap().is_empty());
    assert!(j.current_shift("TRAIN-01").unwrap().is_none());
    // Esc goes back to the payment as typed; the shift stays closed.
    type_blind(&mut h, "12");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("Cash in the drawer").is_none());
    assert_eq!(h.get_by_label("Amount").value().unwrap_or_default(), "100");
    assert!(j.current_shift("TRAIN-01").unwrap().is_none());
    // A bad count is refused beside the field; the right one opens and prints.
    click(&mut h, "Print pre-receipt (Enter)");
    type_blind(&mut h, "abc");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    assert!(j.current_shift("TRAIN-01").unwrap().is_none());
    h.get_by_label("Cash in the drawer").focus();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    type_blind(&mut h, "1500");
    h.key_press(egui::Key::Enter);
    settle(&mut h);
    h.get_by_label_contains("to the customer to check and sign");
    let shift = j.current_shift("TRAIN-01").unwrap().expect("opened");
    assert_eq!(
        j.x_report("TRAIN-01").unwrap().opening_cash.to_string(),
        "1500.00"
    );
    assert_eq!(shift.number, 1);
    let events: Vec<(String, String)> = j
        .terminal_events(50)
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.actor))
        .collect();
    assert!(
        events.contains(&("shift_opened".to_string(), "Cash".to_string())),
        "{events:?}"
    );
    assert_eq!(j.all_payments().unwrap().len(), 1);
}

#[test]
fn with_manager_opens_shift_a_cashier_is_refused_before_the_pre_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), Lang::En);
    config.shift_opening = paydesk::domain::user::ShiftOpening::Manager;
    seed_user(&config, ADMIN.0, Role::Admin, ADMIN.1);
    seed_user(&config, "Cash", Role::Cashier, "1357");
    let journal_path = config.journal_path.clone();
    let mut h = bare_app(config);
    log_in(&mut h, "Cash", "1357");
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "100");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label_contains("ask a shift manager to open the shift");
    assert!(h.query_by_label("Cash in the drawer").is_none());
    let j = Journal::open(&journal_path, &OpenOptions::default()).unwrap();
    assert!(j.all_payments().unwrap().is_empty());
    assert!(j.current_shift("TRAIN-01").unwrap().is_none());
    assert_eq!(h.get_by_label("Amount").value().unwrap_or_default(), "100");
}

/// Steps the app until `label` shows (answers that do not make a screen busy, such
/// as a report's pages, come in their own time).
fn wait_for_label(h: &mut Harness<'static, PaydeskApp>, label: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while h.query_by_label_contains(label).is_none() {
        assert!(Instant::now() < deadline, "{label:?} never showed");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.run();
}

/// A report larger than the screen holds whole comes a page at a time: the count and
/// sums of all its rows, the first page at once, the last page when the order is
/// turned to newest first; sorting by another column is not offered for it.
#[test]
fn a_report_of_many_payments_pages_as_the_table_needs_rows() {
    use paydesk::app::report_thread::ALL_ROWS_UP_TO;
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    drop(paydesk::app::till::Till::open(&config).unwrap());
    let n = ALL_ROWS_UP_TO as usize + 500;
    {
        // Rows only: what the report reads (the chain is not the report's business).
        let mut db = rusqlite::Connection::open(&config.journal_path).unwrap();
        let tx = db.transaction().unwrap();
        let now = chrono::Utc::now();
        for i in 0..n {
            let at = paydesk::journal::timestamp(now - chrono::Duration::milliseconds(i as i64));
            tx.execute(
                "INSERT INTO payments (id, terminal_id, operator_code, operator_name, operator_tax_id,
                 legal_entity, account, amount_minor, fee_minor, total_minor, cashier, created_at,
                 updated_at, state, pre_receipt_no, tendered_minor, change_minor, fiscal_receipt_no,
                 shift_no, accepted_at, delivery, hub_status)
                 VALUES (?1, 'TRAIN-01', 'MTS', 'МТС', '7740000076', 'ПАО МТС', ?2, 10000, 0, 10000,
                 'Ada', ?3, ?3, 'fiscalized', ?4, 10000, 0, ?4, 1, ?3, 'delivered', 'completed')",
                rusqlite::params![
                    uuid::Uuid::now_v7().to_string(),
                    format!("9{:09}", i),
                    at,
                    i as i64 + 1
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let mut h = app(config.clone());
    click(&mut h, "Reports");
    click(&mut h, "Show (Enter)");
    // The first page at once; the count and sums of all rows follow.
    wait_for_label(&mut h, &format!("{n} payments, listed by time"));
    let sum = Lang::En.money_with(
        paydesk::domain::money::Money::from_minor(n as i64 * 10_000).unwrap(),
        &config.currency,
    );
    h.get_by_label(&format!(
        "Payments: {n} · amount {sum} · fees 0.00{NBSP}₽ · total {sum}"
    ));
    // Oldest first: the last inserted row is the first.
    h.get_by_label(&format!("9{:09}", n - 1));
    assert!(h.query_by_label("9000000000").is_none());
    // Newest first: the last page is fetched and shown.
    click(&mut h, "Date and time ▲");
    wait_for_label(&mut h, "9000000000");
    // Only the time sorts a report this large.
    assert!(h.query_by_label("Amount").is_some());
    h.get_by_label("Amount").hover();
    h.run();
    h.get_by_label_contains("Sorting by this column works up to");
}

/// The whole journal is checked in the background after the first screen: the status
/// bar says when; an event edited outside paydesk turns it red and stops payments
/// with the damaged journal's words.
#[test]
fn the_background_check_shows_in_the_status_bar_and_damage_stops_payments() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut h = app(config.clone());
    wait_for_label(&mut h, "Journal checked ");
    drop(h);

    {
        let mut till = paydesk::app::till::Till::open(&config).unwrap();
        till.users()
            .login(ADMIN.0, &Pin::parse(ADMIN.1).unwrap())
            .unwrap();
        common::take_mts_payment(&mut till, "9031234567", "100");
    }
    let db = rusqlite::Connection::open(&config.journal_path).unwrap();
    db.execute_batch(
        "DROP TRIGGER payment_events_no_update;
         UPDATE payment_events SET actor = 'nobody' WHERE seq = 2;",
    )
    .unwrap();
    drop(db);
    let mut h = app(config);
    // The first screen comes without waiting for the check.
    h.get_by_label("Account number");
    wait_for_label(&mut h, "Journal damaged: payments stopped");
    click(&mut h, "MTS — МТС");
    type_into(&mut h, "Account number", "9031234567");
    type_into(&mut h, "Amount", "100");
    click(&mut h, "Print pre-receipt (Enter)");
    h.get_by_label_contains("is damaged");
    h.get_by_label_contains("Do not take payments");
    assert!(h.query_by_label("Customer signed (Enter)").is_none());
}
