//! The agent's prepaid balance at the hub, end to end over HTTP with the reference
//! hub: the hub's `GET /v1/balance` and its debits, the refusal before the
//! pre-receipt (counting payments still queued at the till), a push above the balance
//! waiting for a top-up and then delivered once, the command line, and the status
//! bar's warning.

mod common;

use std::time::{Duration, Instant};

use common::config_in;
use paydesk::app::sync::{SyncSettings, Syncer};
use paydesk::app::till::{FlowError, Till};
use paydesk::domain::delivery::Backoff;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::hub::client::HubClient;
use paydesk::hub::protocol::{CheckCode, CheckRequest};
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::hub::server::{HubOptions, RunningHub, TerminalCredential};
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

const TOKEN: &str = "train-token";

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

fn quick_sim() -> Simulation {
    Simulation {
        processing_after: Duration::from_millis(50),
        complete_after: Duration::from_millis(150),
    }
}

/// A hub keeping a balance of `balance` for TRAIN-01 (from its terminals list).
fn hub_with_balance(dir: &std::path::Path, balance: &str) -> RunningHub {
    RunningHub::start(
        HubOptions {
            tls: None,
            db: dir.join("hub.sqlite"),
            durable: false,
            terminals: vec![TerminalCredential {
                id: "TRAIN-01".into(),
                token: TOKEN.into(),
                balance: Some(m(balance)),
            }],
            catalogue: paydesk::app::till::demo_catalogue("RUB"),
            sim: quick_sim(),
            faults: Faults::default(),
        },
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .unwrap()
}

fn client(hub: &RunningHub) -> HubClient {
    HubClient::new(&hub.url(), TOKEN, Duration::from_secs(5))
}

fn syncer(hub: &RunningHub, journal: &std::path::Path) -> Syncer {
    let mut s = SyncSettings::new(client(hub), journal.to_path_buf(), "TRAIN-01");
    s.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(50),
    };
    s.poll_every = Duration::from_millis(50);
    s.lease_ttl = Duration::from_millis(300);
    Syncer::open(s).unwrap()
}

fn quote(till: &Till, amount: &str) -> entry::Quote {
    entry::validate(
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some("MTS".into()),
            account: "9031234567".into(),
            amount: amount.into(),
        },
        till.rules().max_payment(),
    )
    .unwrap()
}

/// Check, pre-receipt, signature and cash, as the cashier screen does them.
fn take(till: &mut Till, amount: &str) -> Result<paydesk::domain::payment::PaymentId, FlowError> {
    let q = quote(till, amount);
    till.payments().require_shift()?;
    till.payments().check(&q)?;
    let id = till.payments().print_pre_receipt(&q)?.payment.id();
    till.payments().customer_signed(id)?;
    till.payments().take_cash(id, q.total)?;
    Ok(id)
}

#[test]
fn the_hub_debits_each_new_payment_and_refuses_above_the_balance_until_topped_up() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_balance(dir.path(), "1000");
    let c = client(&hub);
    assert_eq!(c.balance().unwrap().balance, Some(m("1000")));
    let check = |amount: &str| {
        c.check(&CheckRequest {
            operator: "MTS".into(),
            account: "9031234567".into(),
            amount: m(amount),
        })
        .unwrap()
    };
    let a = check("1000");
    assert_eq!((a.code, a.balance), (CheckCode::Ok, Some(m("1000"))));
    assert_eq!(check("1000.01").code, CheckCode::InsufficientBalance);

    // Through the till and the sync worker: 600 delivered leaves 400.
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    till.set_hub(Some(client(&hub)));
    common::ensure_shift(&mut till);
    take(&mut till, "600").unwrap();
    let mut s = syncer(&hub, &config.journal_path);
    s.round().unwrap();
    assert_eq!(c.balance().unwrap().balance, Some(m("400")));
    assert_eq!(
        s.status().balance,
        Some(m("400")),
        "the status bar's figure"
    );
    // The same payment again (a lost answer's retry) does not debit twice.
    s.round().unwrap();
    assert_eq!(c.balance().unwrap().balance, Some(m("400")));

    // A restarted hub keeps what is left; a top-up adds to it.
    drop(hub);
    let hub = hub_with_balance(dir.path(), "1000");
    assert_eq!(client(&hub).balance().unwrap().balance, Some(m("400")));
    let said =
        paydesk::hub::server::top_up(&dir.path().join("hub.sqlite"), "TRAIN-01", m("250")).unwrap();
    assert!(said.contains("650.00"), "{said}");
    assert_eq!(client(&hub).balance().unwrap().balance, Some(m("650")));
}

#[test]
fn a_payment_above_the_balance_less_the_queued_ones_is_refused_before_its_pre_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_balance(dir.path(), "1000");
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    till.set_hub(Some(client(&hub)));
    common::ensure_shift(&mut till);
    // 600 taken and not yet sent: the hub still says 1000, but only 400 is free.
    take(&mut till, "600").unwrap();
    match take(&mut till, "500") {
        Err(FlowError::LowBalance {
            balance,
            queued,
            amount,
        }) => assert_eq!((balance, queued, amount), (m("1000"), m("600"), m("500"))),
        other => panic!("{other:?}"),
    }
    let text = paydesk::app::messages::flow(
        Lang::En,
        &FlowError::LowBalance {
            balance: m("1000"),
            queued: m("600"),
            amount: m("500"),
        },
    );
    assert!(
        text.contains("1,000.00") && text.contains("600.00") && text.contains("top the balance up"),
        "{text}"
    );
    // Nothing of the refused payment was written.
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    assert_eq!(journal.all_payments().unwrap().len(), 1);
    // 400 fits; once the queue is delivered the hub's own figure refuses 500 too.
    take(&mut till, "400").unwrap();
    syncer(&hub, &config.journal_path).round().unwrap();
    assert!(matches!(
        take(&mut till, "10"),
        Err(FlowError::LowBalance { queued, .. }) if queued == Money::default()
    ));
    assert_eq!(journal.all_payments().unwrap().len(), 2);
}

#[test]
fn a_push_above_the_balance_waits_for_a_top_up_and_is_then_delivered_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_balance(dir.path(), "100");
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    // Taken while the hub could not be asked (no check): the money is in the drawer.
    common::ensure_shift(&mut till);
    let (id, _) = common::take_mts_payment(&mut till, "9031234567", "300");
    let mut s = syncer(&hub, &config.journal_path);
    s.round().unwrap();
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    assert_eq!(
        journal.delivery_summary().unwrap().queued,
        1,
        "still queued"
    );
    assert_eq!(hub.state().store().count().unwrap(), 0);
    let events = journal.events(id).unwrap();
    let last = events.last().unwrap();
    assert!(
        last.data
            .contains("balance at the payment system is too low"),
        "{}",
        last.data
    );
    assert_eq!(client(&hub).balance().unwrap().balance, Some(m("100")));

    hub.state().store().top_up("TRAIN-01", m("500")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while journal.delivery_summary().unwrap().queued > 0 {
        assert!(Instant::now() < deadline, "not delivered after the top-up");
        std::thread::sleep(Duration::from_millis(30));
        s.round().unwrap();
    }
    assert_eq!(hub.state().store().count().unwrap(), 1);
    assert_eq!(client(&hub).balance().unwrap().balance, Some(m("300")));
}

#[test]
fn the_command_line_asks_a_real_hub_and_refuses_a_payment_the_balance_cannot_cover() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_balance(dir.path(), "100");
    let mut file = common::hub_config_file(dir.path(), &hub.url(), TOKEN);
    file.hub.as_mut().unwrap().allow_insecure_http = Some(true);
    let text = toml::to_string(&file).unwrap();
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, text).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .arg("--config")
            .arg(&config_path)
            .env("PAYDESK_LOG", "off")
            .args(args)
            .output()
            .unwrap()
    };
    // The journal needs the hub's catalogue: one sync round fetches it.
    let o = run(&["sync", "--once"]);
    assert!(o.status.success(), "{}", common::out(&o).1);
    let o = run(&["shift-open", "--cash", "0"]);
    assert!(o.status.success(), "{}", common::out(&o).1);
    let pay = |amount: &str| {
        run(&[
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
            "--amount",
            amount,
            "--tendered",
            "1000",
            "--customer-signed",
        ])
    };
    let o = pay("150");
    let (_, stderr) = common::out(&o);
    assert!(!o.status.success());
    assert!(
        stderr.contains("The agent's balance at the payment system is 100.00"),
        "{stderr}"
    );
    let journal =
        Journal::open(&dir.path().join("journal.sqlite"), &OpenOptions::default()).unwrap();
    assert!(journal.all_payments().unwrap().is_empty());
    let o = pay("90");
    assert!(o.status.success(), "{}", common::out(&o).1);
    assert_eq!(journal.all_payments().unwrap().len(), 1);
}
