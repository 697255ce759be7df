//! Corrections end to end over HTTP with the reference hub: payments made stuck and
//! failed by the demo rules, each of the four corrections asked for at the till,
//! handed to the hub by the sync worker and followed to its end; a lost answer on a
//! correction request (one correction at the hub); a refund that prints its receipt,
//! takes the cash out of the shift and can never happen twice.

mod common;

use std::time::{Duration, Instant};

use common::config_in;
use paydesk::app::config::Config;
use paydesk::app::corrections::{CorrectionError, CorrectionInput};
use paydesk::app::sync::{SyncSettings, Syncer};
use paydesk::app::till::{FlowError, Till};
use paydesk::domain::correction::{CorrectionKind, CorrectionState, Refusal};
use paydesk::domain::delivery::Backoff;
use paydesk::domain::money::Money;
use paydesk::domain::payment::PaymentId;
use paydesk::domain::user::{Pin, Role, UserName};
use paydesk::hub::client::HubClient;
use paydesk::hub::protocol::HubStatus;
use paydesk::hub::server::RunningHub;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

const TOKEN: &str = "train-token";

fn quick_sim() -> Simulation {
    Simulation {
        processing_after: Duration::from_millis(50),
        complete_after: Duration::from_millis(150),
    }
}

fn hub(dir: &std::path::Path, faults: Faults) -> RunningHub {
    common::start_hub(dir, TOKEN, quick_sim(), faults)
}

fn syncer(hub: &RunningHub, config: &Config) -> Syncer {
    let mut s = SyncSettings::new(
        HubClient::new(&hub.url(), TOKEN, Duration::from_millis(500)),
        config.journal_path.clone(),
        &config.terminal_id,
    );
    s.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(100),
    };
    s.poll_every = Duration::from_millis(50);
    s.stuck_after = Duration::from_millis(300);
    // A short lease: each phase of a test starts a new worker after the last one.
    s.lease_ttl = Duration::from_millis(300);
    Syncer::open(s).unwrap()
}

fn pin(s: &str) -> Pin {
    Pin::parse(s).unwrap()
}

/// A till with an admin, a shift manager (Max, 3333) and a cashier (Olga, 2222)
/// logged in, a shift open with 1,000.00.
fn staffed_till(config: &Config) -> Till {
    let mut till = Till::open(config).unwrap();
    till.users()
        .add(&UserName::parse("Ada").unwrap(), Role::Admin, &pin("1111"))
        .unwrap();
    let mut till = Till::open(config).unwrap();
    till.users().login("Ada", &pin("1111")).unwrap();
    till.users()
        .add(
            &UserName::parse("Max").unwrap(),
            Role::ShiftManager,
            &pin("3333"),
        )
        .unwrap();
    till.users()
        .add(
            &UserName::parse("Olga").unwrap(),
            Role::Cashier,
            &pin("2222"),
        )
        .unwrap();
    till.users().login("Max", &pin("3333")).unwrap();
    till.shifts()
        .open(Money::from_minor(100_000).unwrap())
        .unwrap();
    till.users().login("Olga", &pin("2222")).unwrap();
    till
}

fn pay(till: &mut Till, account: &str, amount: &str) -> (PaymentId, u64) {
    common::take_mts_payment(till, account, amount)
}

/// Runs sync rounds until `done` holds (or fails after 20 s).
fn sync_until(s: &mut Syncer, config: &Config, what: &str, done: impl Fn(&Journal) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let j = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    loop {
        s.round().unwrap();
        if done(&j) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hub_status(j: &Journal, id: PaymentId) -> Option<HubStatus> {
    j.delivery_of(id).unwrap().1
}

fn ask(
    till: &mut Till,
    id: PaymentId,
    receipt: u64,
    kind: CorrectionKind,
    new_account: Option<&str>,
    approver: Option<(&str, &str)>,
) -> Result<paydesk::app::corrections::CorrectionDone, FlowError> {
    till.corrections().request_correction(&CorrectionInput {
        payment: id,
        kind,
        receipt: receipt.to_string(),
        reason: "customer's complaint".into(),
        new_account: new_account.map(str::to_string),
        approver: approver.map(|(n, p)| (n.to_string(), pin(p))),
    })
}

fn refusal(r: Result<paydesk::app::corrections::CorrectionDone, FlowError>) -> Refusal {
    match r {
        Err(FlowError::Correction(CorrectionError::NotEligible(refusal))) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn each_correction_goes_through_the_hub_and_the_till_journal_and_shift_agree() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), Lang::En);
    // A till with cash in it: the drawer opens when cash goes in and when it goes out.
    config.printer.open_drawer = Some(true);
    let hub = hub(dir.path(), Faults::default());
    let mut till = staffed_till(&config);
    let (stuck, stuck_no) = pay(&mut till, "9031239999", "100"); // stays processing
    let (technical, technical_no) = pay(&mut till, "9031236666", "200"); // fails, technical
    let (wrong, wrong_no) = pay(&mut till, "9031230000", "300"); // no such account
    let (to_refund, refund_no) = pay(&mut till, "9161236666", "400"); // fails: cancel + refund
    let (completed, completed_no) = pay(&mut till, "9031234567", "500"); // completes

    // Before the hub has them nothing can be corrected, and the till says what to do.
    assert_eq!(
        refusal(ask(
            &mut till,
            stuck,
            stuck_no,
            CorrectionKind::Reconduct,
            None,
            None
        )),
        Refusal::NotAtHub
    );

    let mut s = syncer(&hub, &config);
    sync_until(&mut s, &config, "final or stuck statuses", |j| {
        [technical, wrong, to_refund, completed]
            .iter()
            .all(|id| hub_status(j, *id).is_some_and(HubStatus::is_final))
            && j.support_row(stuck).unwrap().trouble == paydesk::journal::support::Trouble::Stuck
    });
    let j = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    assert_eq!(hub_status(&j, stuck), Some(HubStatus::Processing));
    assert_eq!(hub_status(&j, technical), Some(HubStatus::Failed));
    assert_eq!(hub_status(&j, completed), Some(HubStatus::Completed));
    let troubled: Vec<PaymentId> = j
        .troubled_payments(10)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    for id in [stuck, technical, wrong, to_refund] {
        assert!(troubled.contains(&id), "{id} is listed for support");
    }
    assert!(!troubled.contains(&completed));

    // A completed payment: no refund, and why.
    let r = refusal(ask(
        &mut till,
        completed,
        completed_no,
        CorrectionKind::Refund,
        None,
        Some(("Max", "3333")),
    ));
    assert_eq!(r, Refusal::Completed);
    assert!(
        paydesk::app::messages::refusal(Lang::En, r)
            .contains("Ask the customer to contact the operator; a refund is not possible"),
    );

    // The four corrections, asked for by the cashier (cancel and refund approved).
    ask(
        &mut till,
        stuck,
        stuck_no,
        CorrectionKind::Reconduct,
        None,
        None,
    )
    .unwrap();
    ask(
        &mut till,
        technical,
        technical_no,
        CorrectionKind::Reconduct,
        None,
        None,
    )
    .unwrap();
    // A move needs an account the operator's mask accepts, other than the old one.
    assert!(matches!(
        ask(
            &mut till,
            wrong,
            wrong_no,
            CorrectionKind::MoveAccount,
            Some("12"),
            None
        ),
        Err(FlowError::Correction(CorrectionError::NewAccount(Some(_))))
    ));
    ask(
        &mut till,
        wrong,
        wrong_no,
        CorrectionKind::MoveAccount,
        Some("903 123 45 67"),
        None,
    )
    .unwrap();
    // A cancel needs a manager's PIN: the cashier's own is not enough.
    assert!(matches!(
        ask(
            &mut till,
            to_refund,
            refund_no,
            CorrectionKind::Cancel,
            None,
            None
        ),
        Err(FlowError::Correction(CorrectionError::NeedsApproval))
    ));
    assert!(matches!(
        ask(
            &mut till,
            to_refund,
            refund_no,
            CorrectionKind::Cancel,
            None,
            Some(("Olga", "2222"))
        ),
        Err(FlowError::Correction(CorrectionError::Approver(_)))
    ));
    ask(
        &mut till,
        to_refund,
        refund_no,
        CorrectionKind::Cancel,
        None,
        Some(("Max", "3333")),
    )
    .unwrap();
    // One open request per payment.
    assert_eq!(
        refusal(ask(
            &mut till,
            to_refund,
            refund_no,
            CorrectionKind::Refund,
            None,
            Some(("Max", "3333"))
        )),
        Refusal::InProgress(CorrectionKind::Cancel)
    );

    sync_until(&mut s, &config, "every correction done", |j| {
        j.corrections(&[])
            .unwrap()
            .iter()
            .all(|c| c.state == CorrectionState::Done)
    });
    sync_until(&mut s, &config, "statuses after the corrections", |j| {
        hub_status(j, to_refund) == Some(HubStatus::Cancelled)
            && hub_status(j, stuck) == Some(HubStatus::Completed)
    });
    assert_eq!(hub_status(&j, technical), Some(HubStatus::Completed));
    assert_eq!(hub_status(&j, wrong), Some(HubStatus::Completed));

    // The refund: approved, paid out of the shift, printed, journaled once.
    let done = ask(
        &mut till,
        to_refund,
        refund_no,
        CorrectionKind::Refund,
        None,
        Some(("Max", "3333")),
    )
    .unwrap();
    let refund = done.refund.expect("a refund");
    assert_eq!(refund.amount, Money::parse("400").unwrap());
    // The payments report gives the refunds their own line (a manager looks).
    till.users().login("Max", &pin("3333")).unwrap();
    let now = chrono::Utc::now();
    let period = paydesk::domain::report::PaymentsFilter {
        from: now - chrono::Duration::days(1),
        to: now + chrono::Duration::days(1),
        operator: None,
        account: None,
        status: None,
    };
    let refunds = till.reports().refunds(&period).unwrap();
    assert_eq!(
        (refunds.count, refunds.amount),
        (1, Money::parse("400").unwrap())
    );
    till.users().login("Olga", &pin("2222")).unwrap();
    let printed = done.printed.expect("the refund receipt printed");
    let kicks = |p: &paydesk::printing::decode::Printout| {
        p.items
            .iter()
            .filter(|i| matches!(i, paydesk::printing::decode::PaperItem::DrawerKick { .. }))
            .count()
    };
    assert_eq!(
        kicks(&printed.printout),
        1,
        "the cash goes out of the drawer"
    );
    // A copy of the refund receipt leaves the drawer shut.
    let copy = till.corrections().print_refund_receipt(&refund).unwrap();
    assert_eq!(kicks(&copy.printout), 0);
    let text = printed.printout.text();
    for want in [
        "R E F U N D   C O N F I R M A T I O N",
        "Refund of the payment",
        "RETURNED IN CASH",
        "400.00",
        "Approved by",
        "Max",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    // The cash went back: never again, whatever the hub says meanwhile.
    let refund_again = |till: &mut Till| {
        refusal(ask(
            till,
            to_refund,
            refund_no,
            CorrectionKind::Refund,
            None,
            Some(("Max", "3333")),
        ))
    };
    assert_eq!(refund_again(&mut till), Refusal::AlreadyRefunded);
    sync_until(&mut s, &config, "the refund at the hub", |j| {
        hub_status(j, to_refund) == Some(HubStatus::Refunded)
    });
    assert_eq!(refund_again(&mut till), Refusal::AlreadyRefunded);
    // The shift: 1,000 + 1,500 taken − 400 returned.
    till.users().login("Max", &pin("3333")).unwrap();
    let (x, _) = till.shifts().x_report().unwrap();
    assert_eq!(
        (x.refund_count, x.refunded),
        (1, Money::parse("400").unwrap())
    );
    assert_eq!(x.expected_cash, Money::parse("2100").unwrap());
    // The hub holds exactly one correction per request.
    let counts: std::collections::BTreeMap<_, _> = hub
        .state()
        .store()
        .correction_counts()
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(counts.get(&to_refund.uuid()), Some(&2));
    assert_eq!(counts.get(&stuck.uuid()), Some(&1));
    // The SQL refuses a second refund even past the app.
    let db = rusqlite::Connection::open(&config.journal_path).unwrap();
    let again = db.execute(
        "INSERT INTO refunds (payment_id, correction_id, terminal_id, shift_no, refund_no, amount_minor, approved_by, created_at)
         SELECT payment_id, 'other', terminal_id, shift_no, refund_no + 1, amount_minor, approved_by, created_at FROM refunds",
        [],
    );
    assert!(again.is_err(), "a second refund row was accepted");
    let verify = Journal::open(&config.journal_path, &OpenOptions::default())
        .unwrap()
        .verify()
        .unwrap();
    assert!(verify.is_ok(), "{verify:?}");
}

#[test]
fn a_lost_answer_to_a_correction_request_makes_one_correction_at_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut till = staffed_till(&config);
    let (id, no) = pay(&mut till, "9031236666", "100");
    {
        let hub = hub(dir.path(), Faults::default());
        let mut s = syncer(&hub, &config);
        sync_until(&mut s, &config, "failed at the hub", |j| {
            hub_status(j, id) == Some(HubStatus::Failed)
        });
    }
    ask(&mut till, id, no, CorrectionKind::Reconduct, None, None).unwrap();
    {
        // Every request is carried out, then its answer lost.
        let hub = hub(
            dir.path(),
            Faults {
                drop_rate: 1.0,
                ..Faults::default()
            },
        );
        let mut s = syncer(&hub, &config);
        sync_until(&mut s, &config, "a try without an answer", |j| {
            j.corrections(&[]).unwrap()[0].attempts >= 2
        });
        let counts = hub.state().store().correction_counts().unwrap();
        assert_eq!(counts, [(id.uuid(), 1)], "carried out once, answers lost");
    }
    let hub = hub(dir.path(), Faults::default());
    let mut s = syncer(&hub, &config);
    sync_until(&mut s, &config, "the request known and done", |j| {
        j.corrections(&[]).unwrap()[0].state == CorrectionState::Done
    });
    assert_eq!(
        hub.state().store().correction_counts().unwrap(),
        [(id.uuid(), 1)]
    );
    let j = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let kinds: Vec<String> = j.events(id).unwrap().into_iter().map(|e| e.kind).collect();
    assert!(
        kinds.contains(&"correction_attempt".to_string()),
        "{kinds:?}"
    );
    assert_eq!(
        kinds
            .iter()
            .filter(|k| *k == "correction_requested")
            .count(),
        1
    );
}

#[test]
fn support_finds_a_stuck_payment_shows_its_timeline_and_writes_the_email_from_the_cli() {
    let shop = common::Shop::new();
    let config = shop.config();
    let hub = hub(shop.path(), Faults::default());
    let mut till = Till::open(&config).unwrap();
    let (stuck, no) = pay(&mut till, "9031239999", "250");
    let (fine, _) = pay(&mut till, "9031234567", "100");
    let mut s = syncer(&hub, &config);
    sync_until(&mut s, &config, "stuck", |j| {
        j.support_row(stuck).unwrap().trouble == paydesk::journal::support::Trouble::Stuck
            && hub_status(j, fine) == Some(HubStatus::Completed)
    });
    let run = |args: &[&str]| {
        let o = shop.paydesk().args(args).output().unwrap();
        (o.status.code(), common::out(&o).0, common::out(&o).1)
    };
    let (code, out, _) = run(&["support", "stuck"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains(&stuck.to_string()) && out.contains("stuck"),
        "{out}"
    );
    assert!(!out.contains(&fine.to_string()), "{out}");

    // By receipt number, by part of the account, by id.
    for q in [no.to_string(), "1239999".to_string(), stuck.to_string()] {
        let (code, out, _) = run(&["support", "status", &q]);
        assert_eq!(code, Some(0), "{q}");
        assert!(out.contains(&stuck.to_string()), "{q}: {out}");
    }
    let (code, _, err) = run(&["support", "status", "55555"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("No payment of this terminal matches 55555"),
        "{err}"
    );

    let (code, out, _) = run(&["support", "show", &stuck.to_string()]);
    assert_eq!(code, Some(0));
    for want in [
        "created",
        "pre-receipt printed",
        "customer signed",
        "cash taken",
        "payment confirmation printed",
        "sent to the payment system",
        "status=processing",
        "flagged stuck",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
    let (code, out, _) = run(&["support", "email", &stuck.to_string()]);
    assert_eq!(code, Some(0));
    for want in [
        "Re-conduct",
        "Account: 9031239999",
        "Operator: МТС",
        "Amount: 250.00",
        &format!("Payment confirmation No.: {no}"),
        "Terminal: ",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
}

/// A config for a terminal talking to `url` with `token` (training mode off; the
/// catalogue cached in the journal by an earlier training run).
fn remote_config(dir: &std::path::Path, url: &str, token: &str) -> Config {
    common::resolve(dir, common::hub_config_file(dir, url, token))
}

#[test]
fn the_diagnostics_export_holds_the_payment_and_its_log_lines_but_no_token_or_pin_hash() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path(), Faults::default());
    let training = config_in(dir.path(), Lang::En);
    let mut till = staffed_till(&training);
    let (id, _) = pay(&mut till, "9031239999", "100");
    drop(till);
    let config = remote_config(dir.path(), &hub.url(), TOKEN);
    let mut s = syncer(&hub, &config);
    sync_until(&mut s, &config, "delivered", |j| {
        hub_status(j, id).is_some()
    });
    // The log holds lines about the payment — and, by accident, secrets.
    let hash: String = rusqlite::Connection::open(&config.journal_path)
        .unwrap()
        .query_row("SELECT pin_hash FROM users WHERE name = 'Max'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let log = paydesk::logging::log_path(&config.journal_path);
    std::fs::write(
        &log,
        format!(
            "2026-11-23T10:00:00Z INFO push payment={id} outcome=Delivered\n\
             2026-11-23T10:00:01Z WARN request failed: Authorization: Bearer {TOKEN} refused\n\
             2026-11-23T10:00:02Z DEBUG user row {hash} for {id}\n\
             2026-11-23T10:00:03Z INFO hub token is {TOKEN}\n"
        ),
    )
    .unwrap();

    let mut till = Till::open(&config).unwrap();
    till.users().login("Olga", &pin("2222")).unwrap();
    // A cashier may look a payment up, but diagnostics are support's.
    let out = dir.path().join("export");
    assert!(matches!(
        till.support().export_diagnostics(id, &out),
        Err(paydesk::app::diagnostics::ExportError::Flow(
            FlowError::Permission(_)
        ))
    ));
    till.users().login("Max", &pin("3333")).unwrap();
    let folder = till.support().export_diagnostics(id, &out).unwrap();
    let mut all = String::new();
    for name in ["payment.json", "events.jsonl", "log.txt", "README.txt"] {
        let text = std::fs::read_to_string(folder.join(name)).unwrap();
        assert!(!text.is_empty(), "{name}");
        all.push_str(&text);
    }
    assert!(all.contains(&id.to_string()));
    assert!(
        all.contains("\"kind\":\"fiscal_printed\""),
        "events are there"
    );
    assert!(all.contains("\"delivery\": \"delivered\""), "{all}");
    assert!(
        all.contains(&format!("push payment={id} outcome=Delivered")),
        "log lines"
    );
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    assert!(!all.contains("$argon2"), "a PIN hash leaked:\n{all}");
    // Not even a piece of it (its salt and digest are its last 60-odd characters).
    assert!(
        !all.contains(&hash[hash.len() - 20..]),
        "a piece of the hash leaked"
    );
    assert!(all.contains("Bearer [removed]") && all.contains("[pin hash removed]"));
}

#[test]
fn a_receipt_missing_from_the_journal_is_recorded_with_its_scan_and_becomes_an_email() {
    let shop = common::Shop::new();
    let scan = shop.path().join("receipt-photo.jpg");
    std::fs::write(&scan, b"\xff\xd8\xff not really a jpeg").unwrap();
    let run = |scan: &std::path::Path, when: &str| {
        let o = shop
            .paydesk()
            .args([
                "support",
                "missing",
                "--when",
                when,
                "--account",
                "9031112233",
            ])
            .args([
                "--operator",
                "MTS",
                "--amount",
                "1 500,00",
                "--receipt",
                "77",
                "--scan",
            ])
            .arg(scan)
            .output()
            .unwrap();
        (o.status.code(), common::out(&o).0, common::out(&o).1)
    };
    let (code, _, err) = run(&shop.path().join("nope.jpg"), "2026-11-20 14:05");
    assert_eq!(code, Some(2));
    assert!(err.contains("There is no file"), "{err}");
    let (code, _, err) = run(&scan, "yesterday");
    assert_eq!(code, Some(2));
    assert!(err.contains("YYYY-MM-DD HH:MM"), "{err}");
    let (code, out, err) = run(&scan, "2026-11-20 14:05");
    assert_eq!(code, Some(0), "{err}");
    for want in [
        "Account: 9031112233",
        "Operator: MTS",
        "Amount: 1,500.00",
        "Payment confirmation No.: 77",
        "2026-11-20 14:05",
        "receipt-photo.jpg",
    ] {
        assert!(out.contains(want), "{want:?} in\n{out}");
    }
    let events = shop.journal().terminal_events(10).unwrap();
    let e = events
        .iter()
        .find(|e| e.kind == "missing_payment_reported")
        .expect("journaled");
    assert!(
        e.data.contains("9031112233") && e.data.contains("receipt-photo.jpg"),
        "{e:?}"
    );
}

/// On a till with a fiscal register, a refund is a return-of-sale receipt issued by
/// the register with the sale's agent data, journaled with its ФД; asked again, it is
/// never issued twice.
#[test]
fn a_refund_on_a_fiscal_register_till_is_a_return_receipt_issued_once() {
    use paydesk::app::config::{FiscalConfig, FiscalSection};
    use paydesk::fiscal::tlv::Tag;

    let (emu, path, _keep) = common::fiscal_register();
    let dir = tempfile::tempdir().unwrap();
    let mut config = config_in(dir.path(), Lang::En);
    config.fiscal = FiscalConfig::from_section(&FiscalSection {
        device: Some("shtrih-m".into()),
        path: Some(path),
        tax_system: Some("usn-income".into()),
        // A lost answer is waited for this long.
        timeout_ms: Some(1500),
        ..FiscalSection::default()
    })
    .unwrap();
    let hub = hub(dir.path(), Faults::default());
    let mut till = staffed_till(&config);
    let (id, receipt_no) = pay(&mut till, "9161236666", "400"); // fails at the operator
    let mut s = syncer(&hub, &config);
    sync_until(&mut s, &config, "the payment failed", |j| {
        hub_status(j, id) == Some(HubStatus::Failed)
    });
    ask(
        &mut till,
        id,
        receipt_no,
        CorrectionKind::Cancel,
        None,
        Some(("Max", "3333")),
    )
    .unwrap();
    sync_until(&mut s, &config, "cancelled at the hub", |j| {
        hub_status(j, id) == Some(HubStatus::Cancelled)
    });
    // The register closes the return receipt but its answer is lost.
    emu.state.lock().unwrap().faults.lose_answer_of = Some(vec![0xFF, 0x45]);
    let done = ask(
        &mut till,
        id,
        receipt_no,
        CorrectionKind::Refund,
        None,
        Some(("Max", "3333")),
    )
    .unwrap();
    assert!(
        matches!(done.print_error, Some(FlowError::Fiscal(_))),
        "{:?}",
        done.print_error
    );
    assert!(
        done.printed.is_none(),
        "the register prints it, not the printer"
    );
    let refund = done.refund.unwrap();
    // Support's "print again" asks the register and adopts what it issued.
    let adopted = till
        .corrections()
        .issue_return_receipt(&refund)
        .unwrap()
        .expect("the return receipt found on the register");

    let receipts = emu.state.lock().unwrap().receipts.clone();
    assert_eq!(receipts.len(), 2, "the sale and its return");
    let back = &receipts[1];
    assert_eq!(back.kind, 2, "возврат продажи");
    assert_eq!(adopted.number, back.document);
    assert_eq!(back.total(), 40_000);
    assert!(back.tlvs.iter().any(|t| t.tag() == Tag::AGENT_DATA));
    assert!(
        back.lines[0]
            .1
            .iter()
            .any(|t| t.tag() == Tag::SUPPLIER_DATA)
    );

    // The journal keeps the return receipt's number with the refund.
    let j = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let printed: Vec<serde_json::Value> = j
        .events(id)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "refund_receipt_printed")
        .map(|e| serde_json::from_str(&e.data).unwrap())
        .collect();
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0]["document"]["number"], back.document);

    // Asked again (support's "print again"): nothing new on the register.
    assert_eq!(
        till.corrections().issue_return_receipt(&refund).unwrap(),
        None
    );
    assert_eq!(emu.state.lock().unwrap().receipts.len(), 2);
    assert!(j.verify().unwrap().is_ok());
}
