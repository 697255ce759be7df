//! paydesk with a Shtrih-M fiscal register: the emulator on the other end of a real
//! pty, the till's cashier flow (GUI and CLI), and crash recovery that settles a
//! payment by asking the register.

mod common;

use common::{Shop, out};
use paydesk::domain::payment::StateName;
use paydesk::fiscal::emulator::Emulator;
use paydesk::fiscal::tlv::{Tag, Tlv};

fn register() -> (Emulator, String, std::fs::File) {
    common::fiscal_register()
}

fn fiscal_shop(path: &str) -> Shop {
    Shop::with_config(&format!(
        "[fiscal]\ndevice = \"shtrih-m\"\npath = {path:?}\nbaud = 115200\ntax_system = \"usn-income\"\ntimeout_ms = 3000\n"
    ))
}

fn pay(shop: &Shop, crash_at: Option<&str>) -> std::process::Output {
    shop.ensure_shift();
    let mut c = shop.paydesk();
    if let Some(point) = crash_at {
        c.env(paydesk::crashpoint::ENV, point);
    }
    c.args(["pay", "--operator", "MTS", "--account", "9031234567"])
        .args(["--amount", "500", "--tendered", "1000", "--customer-signed"])
        .output()
        .unwrap()
}

fn issued_documents(shop: &Shop) -> Vec<u32> {
    let j = shop.journal();
    j.all_payments()
        .unwrap()
        .iter()
        .flat_map(|p| j.events(p.id()).unwrap())
        .filter(|e| e.kind == "fiscal_issued")
        .map(|e| {
            let v: serde_json::Value = serde_json::from_str(&e.data).unwrap();
            v["document"]["number"].as_u64().unwrap() as u32
        })
        .collect()
}

#[test]
fn a_payment_is_a_fiscal_receipt_with_the_agent_tags_and_the_journal_keeps_its_numbers() {
    let (emu, path, _slave) = register();
    let shop = fiscal_shop(&path);
    let o = pay(&shop, None);
    assert!(o.status.success(), "{}", out(&o).1);
    let s = emu.state.lock().unwrap();
    assert_eq!(s.receipts.len(), 1);
    let r = &s.receipts[0];
    assert_eq!(r.total(), 50_000, "500.00 and no fee for MTS");
    assert_eq!(r.cash, 100_000);
    assert_eq!(r.tax_system, 1 << 1, "УСН доход");
    assert_eq!(
        *r.tlvs.iter().find(|t| t.tag() == Tag::AGENT_SIGN).unwrap(),
        Tlv::byte(Tag::AGENT_SIGN, 4)
    );
    let line_tags = &r.lines[0].1;
    assert!(line_tags.iter().any(|t| t.tag() == Tag::SUPPLIER_TAX_ID));
    let doc = r.document;
    drop(s);
    let p = &shop.journal().all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(issued_documents(&shop), vec![doc]);
    // The payments report (and its exports) carry the register's document number.
    let now = chrono::Utc::now();
    let rows = shop
        .journal()
        .payments_report(&paydesk::domain::report::PaymentsFilter {
            from: now - chrono::Duration::days(1),
            to: now + chrono::Duration::days(1),
            operator: None,
            account: None,
            status: None,
        })
        .unwrap();
    assert_eq!(rows[0].fiscal_document, Some(doc));
    let csv = paydesk::app::export::csv(&rows, paydesk::i18n::Lang::En, chrono_tz::UTC);
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("Fiscal document (ФД)"), "{header}");
    assert!(csv.lines().nth(1).unwrap().ends_with(&format!(",{doc}")));
    // The register's shift was opened with paydesk's first receipt.
    assert!(emu.state.lock().unwrap().shift.is_some());
}

/// Killing paydesk at each point around the register's receipt: the next payment
/// first settles the left one by asking the register — never a second receipt for
/// it, never a question the register can answer.
#[test]
fn a_crash_around_the_fiscal_receipt_is_settled_by_asking_the_register() {
    for point in ["fiscal.intent", "fiscal.printed", "fiscal.done"] {
        let (emu, path, _slave) = register();
        let shop = fiscal_shop(&path);
        let o = pay(&shop, Some(point));
        assert_eq!(o.status.code(), None, "{point}: dies at the crash point");
        let before = emu.state.lock().unwrap().receipts.len();
        assert_eq!(before, usize::from(point != "fiscal.intent"), "{point}");
        // The next payment: the first is settled on the way (no question, exit 0).
        let o = pay(&shop, None);
        assert!(o.status.success(), "{point}: {}", out(&o).1);
        let j = shop.journal();
        let payments = j.all_payments().unwrap();
        assert_eq!(payments.len(), 2, "{point}");
        assert!(
            payments
                .iter()
                .all(|p| p.state.name() == StateName::Fiscalized),
            "{point}: {:?}",
            payments.iter().map(|p| p.state.name()).collect::<Vec<_>>()
        );
        let receipts = emu.state.lock().unwrap().receipts.clone();
        assert_eq!(receipts.len(), 2, "{point}: one receipt per payment");
        let mut docs = issued_documents(&shop);
        docs.sort_unstable();
        let mut want: Vec<u32> = receipts.iter().map(|r| r.document).collect();
        want.sort_unstable();
        assert_eq!(docs, want, "{point}: each payment has its own receipt");
    }
}

/// A receipt left open on the register (paydesk died between its commands) is
/// cancelled and issued whole.
#[test]
fn a_receipt_left_open_is_cancelled_and_issued_whole() {
    let (emu, path, _slave) = register();
    let shop = fiscal_shop(&path);
    // The register loses its answer to the sale line: the receipt stays open and
    // paydesk cannot know how far it got.
    emu.state.lock().unwrap().faults.lose_answer_of = Some(vec![0xFF, 0x46]);
    let o = pay(&shop, None);
    assert!(!o.status.success());
    assert!(emu.state.lock().unwrap().receipt_open());
    assert!(out(&o).1.contains("fiscal register"), "{}", out(&o).1);
    let o = pay(&shop, None);
    assert!(o.status.success(), "{}", out(&o).1);
    let s = emu.state.lock().unwrap();
    assert!(!s.receipt_open());
    assert_eq!(s.receipts.len(), 2);
    assert!(
        s.commands.iter().any(|c| c == &vec![0x88]),
        "cancelled (88h)"
    );
}

#[test]
fn an_expired_register_shift_refuses_the_payment_before_the_pre_receipt() {
    let (emu, path, _slave) = register();
    let shop = fiscal_shop(&path);
    assert!(pay(&shop, None).status.success());
    emu.state
        .lock()
        .unwrap()
        .age_shift(chrono::TimeDelta::hours(25));
    let o = pay(&shop, None);
    assert!(!o.status.success());
    assert!(
        out(&o).1.contains("close the shift (Z report)"),
        "{}",
        out(&o).1
    );
    assert_eq!(
        shop.journal().all_payments().unwrap().len(),
        1,
        "nothing started"
    );
}

type App = egui_kittest::Harness<'static, paydesk::ui::PaydeskApp>;

fn settle(h: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        h.step();
        if !h.state().is_busy() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no answer");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    h.run();
}

fn type_into(h: &mut App, label: &str, text: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

fn click(h: &mut App, label: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label(label).click();
    settle(h);
}

/// The GUI on a new journal with the register at `path`: the first-run screen makes
/// the admin (Anna), who is then at the cashier screen.
fn gui(dir: &std::path::Path, path: String) -> App {
    use paydesk::app::config::{FiscalConfig, FiscalSection};
    let mut config = common::config_in(dir, paydesk::i18n::Lang::En);
    config.fiscal = FiscalConfig::from_section(&FiscalSection {
        device: Some("shtrih-m".into()),
        path: Some(path),
        tax_system: Some("osn".into()),
        timeout_ms: Some(1500),
        ..FiscalSection::default()
    })
    .unwrap();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1280.0, 900.0])
        .with_max_steps(24)
        .build_eframe(move |cc| paydesk::ui::PaydeskApp::new(cc, config));
    settle(&mut h);
    type_into(&mut h, "Name", "Anna");
    type_into(&mut h, "PIN", "2468");
    type_into(&mut h, "Repeat PIN", "2468");
    click(&mut h, "Create administrator");
    h
}

/// MTS, 250.00, cash 300 — the day's first payment opens the shift with 1 000.
fn take_payment(h: &mut App) {
    click(h, "MTS — МТС");
    type_into(h, "Account number", "9031234567");
    type_into(h, "Amount", "250");
    click(h, "Print pre-receipt (Enter)");
    type_into(h, "Cash in the drawer", "1000");
    click(h, "Open shift and print pre-receipt (Enter)");
    click(h, "Customer signed (Enter)");
    type_into(h, "Cash received", "300");
    click(h, "Cash taken — issue the fiscal receipt (Enter)");
}

/// The cashier takes a payment in the GUI; the register holds a closed sale receipt
/// with the agent tags, and the screen says which fiscal document it is.
#[test]
fn a_cashier_takes_a_payment_in_the_gui_and_the_register_issues_the_receipt() {
    use egui_kittest::kittest::Queryable;
    let (emu, path, _keep) = register();
    let dir = tempfile::tempdir().unwrap();
    let mut h = gui(dir.path(), path);
    take_payment(&mut h);

    let s = emu.state.lock().unwrap();
    assert_eq!(s.receipts.len(), 1);
    let r = &s.receipts[0];
    assert_eq!((r.total(), r.cash, r.tax_system), (25_000, 30_000, 1));
    assert!(r.tlvs.iter().any(|t| t.tag() == Tag::AGENT_DATA));
    h.get_by_label(&format!(
        "Payment accepted: the fiscal register issued the receipt (ФД {}, ФП {}). It is queued for the payment system.",
        r.document, r.fiscal_sign
    ));
    // The register's shift opened with paydesk's, the cashier's name on it.
    assert_eq!(s.shift_reports.len(), 1);
    drop(s);

    // The status bar watches the register while the till is idle: ready, then the
    // fiscal storage's warning in red with what to do in the tooltip.
    let wait_for = |h: &mut App, label: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while h.query_by_label(label).is_none() {
            assert!(std::time::Instant::now() < deadline, "never saw {label:?}");
            h.step();
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    wait_for(&mut h, "Register: ready");
    emu.state.lock().unwrap().faults.fn_warnings = 0b1000;
    wait_for(&mut h, "Register: fiscal storage warns");
}

/// The register's answer to the receipt is lost: the screen does not ask whether it
/// printed — it offers to ask the register, which settles the payment with the
/// receipt it did issue (one receipt, no second one).
#[test]
fn a_lost_answer_at_the_cash_step_is_settled_on_screen_by_asking_the_register() {
    use egui_kittest::kittest::Queryable;
    let (emu, path, _keep) = register();
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal.sqlite");
    let mut h = gui(dir.path(), path);
    emu.state.lock().unwrap().faults.lose_answer_of = Some(vec![0xFF, 0x45]);
    take_payment(&mut h);
    h.get_by_label_contains("the fiscal register has not said whether it issued it");
    assert!(
        h.query_by_label_contains("printed and handed over")
            .is_none()
    );
    click(&mut h, "Ask the fiscal register");
    let s = emu.state.lock().unwrap();
    assert_eq!(s.receipts.len(), 1, "adopted, not issued again");
    let doc = s.receipts[0].document;
    drop(s);
    let j = paydesk::journal::Journal::open(&journal, &Default::default()).unwrap();
    let p = &j.all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert!(
        j.fiscal_document_owner(doc, &emu.state.lock().unwrap().fn_number)
            .unwrap()
            .is_some()
    );
}

/// The register's shift follows paydesk's: opened with it (the cashier on its
/// report), X on both, the register's Z before paydesk's close — and a register that
/// cannot close keeps paydesk's shift open.
#[test]
fn the_registers_shift_opens_reports_and_closes_with_paydesks() {
    let (emu, path, _keep) = register();
    let shop = fiscal_shop(&path);
    let run = |args: &[&str]| shop.paydesk().args(args).output().unwrap();
    let o = run(&["shift-open", "--cash", "1000"]);
    assert!(o.status.success(), "{}", out(&o).1);
    {
        let s = emu.state.lock().unwrap();
        assert!(s.shift.is_some());
        let cashier = s.shift_reports[0]
            .iter()
            .find(|t| t.tag() == Tag::CASHIER)
            .cloned();
        assert!(cashier.is_some(), "the shift report names the cashier");
    }
    assert!(pay(&shop, None).status.success());
    let o = run(&["report", "shift", "--x"]);
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(emu.state.lock().unwrap().x_reports, 1);

    // A register that does not answer: the Z is refused and paydesk's shift stays.
    emu.state.lock().unwrap().faults.silent = true;
    let o = run(&["report", "shift", "--z", "--counted", "1500"]);
    assert!(!o.status.success());
    assert!(out(&o).1.contains("does not answer"), "{}", out(&o).1);
    assert!(shop.journal().current_shift("TRAIN-01").unwrap().is_some());
    emu.state.lock().unwrap().faults.silent = false;

    let o = run(&["report", "shift", "--z", "--counted", "1500"]);
    assert!(o.status.success(), "{}", out(&o).1);
    assert!(
        emu.state.lock().unwrap().shift.is_none(),
        "the register's Z ran"
    );
    assert!(shop.journal().current_shift("TRAIN-01").unwrap().is_none());
}

#[test]
fn a_register_that_does_not_answer_stops_the_payment_before_the_pre_receipt() {
    let (emu, path, _keep) = register();
    let shop = fiscal_shop(&path);
    emu.state.lock().unwrap().faults.silent = true;
    let o = pay(&shop, None);
    assert_eq!(o.status.code(), Some(1));
    let err = out(&o).1;
    assert!(
        err.contains("The fiscal register does not answer") && err.contains("Nothing was recorded"),
        "{err}"
    );
    assert!(shop.journal().all_payments().unwrap().is_empty());
}

/// Paper runs out in the middle of the receipt: the register cancels it, the cashier
/// is told the cash is recorded and the receipt not issued; once paper is loaded the
/// next payment first lets the register go on and issues the waiting receipt.
#[test]
fn paper_out_mid_receipt_keeps_the_cash_and_the_receipt_is_issued_once_paper_is_back() {
    let (emu, path, _keep) = register();
    let shop = fiscal_shop(&path);
    emu.state.lock().unwrap().faults.paper_out_at_next_line = true;
    let o = pay(&shop, None);
    assert!(!o.status.success());
    let err = out(&o).1;
    assert!(err.contains("no paper"), "{err}");
    assert!(
        err.contains("recorded") && !err.contains("try again"),
        "the cash is recorded: {err}"
    );
    assert_eq!(
        shop.journal().all_payments().unwrap()[0].state.name(),
        StateName::FiscalPrinting
    );
    assert!(emu.state.lock().unwrap().receipts.is_empty());
    // Still no paper: the next payment is refused before its pre-receipt.
    let o = pay(&shop, None);
    assert!(!o.status.success());
    assert_eq!(shop.journal().all_payments().unwrap().len(), 1);

    emu.state.lock().unwrap().load_paper();
    let o = pay(&shop, None);
    assert!(o.status.success(), "{}", out(&o).1);
    let s = emu.state.lock().unwrap();
    assert_eq!(s.receipts.len(), 2, "the waiting receipt and the new one");
    assert!(
        s.commands.iter().any(|c| c == &vec![0xB0]),
        "continued (B0h)"
    );
    drop(s);
    assert!(
        shop.journal()
            .all_payments()
            .unwrap()
            .iter()
            .all(|p| p.state.name() == StateName::Fiscalized)
    );
}
