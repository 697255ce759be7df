//! Daily reconciliation against the reference hub with differences injected into its
//! store (a payment dropped, an amount changed, an unknown payment added) and one
//! payment never delivered: each is found exactly once, stays found on a second run,
//! goes once fixed, and is explained with a reason in the audit chain. The sync worker
//! reconciles a closed day by itself; `paydesk reconcile` says the same.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::config_in;
use paydesk::app::config::Config;
use paydesk::app::reconcile::ReconcileOutcome;
use paydesk::app::sync::{DailyReconcile, SyncSettings, Syncer};
use paydesk::app::till::Till;
use paydesk::domain::delivery::Backoff;
use paydesk::domain::hub::HubStatus;
use paydesk::domain::money::Money;
use paydesk::domain::payment::PaymentId;
use paydesk::domain::reconcile::DifferenceKind;
use paydesk::hub::client::HubClient;
use paydesk::hub::protocol::PayRequest;
use paydesk::hub::server::RunningHub;
use paydesk::hub::server::sim::Simulation;
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

const TOKEN: &str = "train-token";

fn hub(dir: &std::path::Path) -> RunningHub {
    common::start_hub(
        dir,
        TOKEN,
        Simulation {
            processing_after: Duration::from_millis(20),
            complete_after: Duration::from_millis(60),
        },
        Default::default(),
    )
}

fn client(hub: &RunningHub) -> HubClient {
    HubClient::new(&hub.url(), TOKEN, Duration::from_secs(5))
}

fn syncer(hub: &RunningHub, config: &Config, daily: Option<DailyReconcile>) -> Syncer {
    let mut s = SyncSettings::new(client(hub), config.journal_path.clone(), "TRAIN-01");
    s.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(50),
    };
    s.poll_every = Duration::from_millis(30);
    s.lease_ttl = Duration::from_millis(300);
    s.daily_reconcile = daily;
    Syncer::open(s).unwrap()
}

/// Sync rounds until every delivered payment has a final status at the till.
fn settle(s: &mut Syncer, journal: &Journal) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        s.round().unwrap();
        let ps = journal.all_payments().unwrap();
        let done = ps.iter().all(|p| {
            let (delivery, status, _) = journal.delivery_of(p.id()).unwrap();
            delivery.is_none_or(|d| d != paydesk::domain::delivery::Delivery::Delivered)
                || status == Some(HubStatus::Completed)
        });
        if done {
            return;
        }
        assert!(Instant::now() < deadline, "statuses did not settle");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn hub_db(hub_dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(hub_dir.join("hub.sqlite")).unwrap()
}

#[test]
fn each_injected_difference_is_found_exactly_once_stays_until_fixed_and_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    till.set_hub(Some(client(&hub)));
    let ids: Vec<PaymentId> = ["100", "200", "300", "400"]
        .iter()
        .map(|a| common::take_mts_payment(&mut till, "9031234567", a).0)
        .collect();
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let mut s = syncer(&hub, &config, None);
    settle(&mut s, &journal);
    // Taken after the sync: in the journal, not yet at the hub.
    let (undelivered, _) = common::take_mts_payment(&mut till, "9031234567", "500");

    // The hub's store: one dropped, one amount changed, one unknown payment added.
    let db = hub_db(dir.path());
    db.execute("DELETE FROM payments WHERE id = ?1", [ids[1].to_string()])
        .unwrap();
    db.execute(
        "UPDATE payments SET amount_minor = amount_minor + 100 WHERE id = ?1",
        [ids[2].to_string()],
    )
    .unwrap();
    drop(db);
    let stranger = uuid::Uuid::now_v7();
    client(&hub)
        .pay(
            stranger,
            &PayRequest {
                terminal_id: "TRAIN-01".into(),
                epoch: 1_000,
                operator: "MTS".into(),
                account: "9030000001".into(),
                amount: Money::parse("70").unwrap(),
                fee: Money::default(),
                total: Money::parse("70").unwrap(),
                pre_receipt_no: 900,
                fiscal_receipt_no: 900,
                shift_no: 1,
                accepted_at: Utc::now(),
                journal_id: None,
            },
        )
        .unwrap();

    let today = Utc::now().date_naive();
    let run = |till: &mut Till| match till.reconciliation().run(today).unwrap() {
        ReconcileOutcome::Done(r) => r,
        other => panic!("{other:?}"),
    };
    let report = run(&mut till);
    let mut found: Vec<(DifferenceKind, uuid::Uuid)> = report
        .differences
        .iter()
        .map(|d| (d.difference.kind, d.difference.payment_id))
        .collect();
    found.sort();
    let mut expected = vec![
        (DifferenceKind::Undelivered, undelivered.uuid()),
        (DifferenceKind::Lost, ids[1].uuid()),
        (DifferenceKind::UnknownAtHub, stranger),
        (DifferenceKind::Amount, ids[2].uuid()),
    ];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!((report.run.journal_n, report.run.hub_n), (5, 4));
    let amount = report
        .differences
        .iter()
        .find(|d| d.difference.kind == DifferenceKind::Amount)
        .unwrap();
    let text = paydesk::report::reconcile::what(&amount.difference, Lang::En, &config.currency);
    assert!(
        text.contains("amounts differ: journal 300.00") && text.contains("payment system 301.00"),
        "{text}"
    );

    // A second run finds the same, once each.
    assert_eq!(run(&mut till).differences.len(), 4);
    assert_eq!(till.reconciliation().open().unwrap().len(), 4);

    // Delivered now: that difference is gone at the next run.
    settle(&mut s, &journal);
    let report = run(&mut till);
    assert!(
        report
            .differences
            .iter()
            .all(|d| d.difference.kind != DifferenceKind::Undelivered),
        "{:?}",
        report.differences
    );
    // Explained with a reason: off the open list, in the audit chain.
    let date = today.format("%Y-%m-%d").to_string();
    assert!(matches!(
        till.reconciliation()
            .explain(&date, ids[2].uuid(), DifferenceKind::Amount, "  "),
        Err(paydesk::app::till::FlowError::NoExplanation)
    ));
    till.reconciliation()
        .explain(
            &date,
            ids[2].uuid(),
            DifferenceKind::Amount,
            "the hub corrected the amount by letter 17",
        )
        .unwrap();
    let open: Vec<DifferenceKind> = till
        .reconciliation()
        .open()
        .unwrap()
        .iter()
        .map(|d| d.difference.kind)
        .collect();
    assert_eq!(open.len(), 2, "{open:?}");
    assert!(!open.contains(&DifferenceKind::Amount));
    let events = journal.terminal_events(50).unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == "difference_explained" && e.data.contains("letter 17")),
        "{events:?}"
    );
    assert!(events.iter().filter(|e| e.kind == "reconciled").count() >= 3);
    assert!(journal.verify().unwrap().is_ok());
}

#[test]
fn the_sync_worker_reconciles_a_closed_day_by_itself_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    let (id, _) = common::take_mts_payment(&mut till, "9031234567", "100");
    // Accepted yesterday (the till's clock at the time), delivered today.
    let yesterday = Utc::now() - chrono::Duration::days(1);
    rusqlite::Connection::open(&config.journal_path)
        .unwrap()
        .execute(
            "UPDATE payments SET accepted_at = ?1 WHERE id = ?2",
            [paydesk::journal::timestamp(yesterday), id.to_string()],
        )
        .unwrap();
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let daily = DailyReconcile {
        tz: chrono_tz::UTC,
        after: chrono::NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
    };
    let mut s = syncer(&hub, &config, Some(daily));
    settle(&mut s, &journal);
    let day = yesterday.format("%Y-%m-%d").to_string();
    let run = journal
        .reconciliation_run("TRAIN-01", &day)
        .unwrap()
        .expect("reconciled");
    assert!(run.actor.starts_with("sync "), "{}", run.actor);
    assert_eq!((run.journal_n, run.hub_n), (1, 1));
    // Today is not closed: not reconciled.
    let today = Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        journal
            .reconciliation_run("TRAIN-01", &today)
            .unwrap()
            .is_none()
    );
    let runs = |j: &Journal| {
        j.terminal_events(100)
            .unwrap()
            .iter()
            .filter(|e| e.kind == "reconciled")
            .count()
    };
    let before = runs(&journal);
    s.round().unwrap();
    assert_eq!(runs(&journal), before, "once per day");
}

#[test]
fn paydesk_reconcile_prints_the_differences_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub(dir.path());
    let mut file = common::hub_config_file(dir.path(), &hub.url(), TOKEN);
    file.hub.as_mut().unwrap().allow_insecure_http = Some(true);
    let config_path = dir.path().join("config.toml");
    std::fs::write(&config_path, toml::to_string(&file).unwrap()).unwrap();
    let config = common::resolve(dir.path(), file);
    // The journal's catalogue, from a training run on the same file.
    let mut till = Till::open(&config_in(dir.path(), Lang::En)).unwrap();
    common::take_mts_payment(&mut till, "9031234567", "100");
    drop(till);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .arg("--config")
            .arg(&config_path)
            .env("PAYDESK_LOG", "off")
            .args(args)
            .output()
            .unwrap()
    };
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let o = run(&["reconcile", "--date", &today]);
    let (stdout, stderr) = common::out(&o);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains(
            "1 payments in the journal, 0 in the payment system's registry; 1 differences"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("not delivered yet"), "{stdout}");
    assert!(stdout.contains("Retry now"), "{stdout}");
    let o = run(&["sync", "--once"]);
    assert!(o.status.success(), "{}", common::out(&o).1);
    let o = run(&["reconcile", "--date", &today]);
    let (stdout, _) = common::out(&o);
    assert!(stdout.contains("Everything matches"), "{stdout}");
    assert_eq!(o.status.code(), Some(0));
    let _ = config;
    let o = run(&["reconcile", "--date", "2026-13-01"]);
    assert_eq!(o.status.code(), Some(2));
}
