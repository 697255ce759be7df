//! The sync worker against a real hub on loopback: exactly-once delivery through
//! lost answers and errors, a refused payment flagged for support, the lease and
//! fencing between two workers, status polling and stuck payments.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Shop, config_in, out};
use paydesk::app::sync::{Role, SyncSettings, Syncer};
use paydesk::app::till::Till;
use paydesk::domain::delivery::{Backoff, Delivery};
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::domain::payment::StateName;
use paydesk::hub::client::HubClient;
use paydesk::hub::protocol::{HubStatus, PayRequest};
use paydesk::hub::server::RunningHub;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

const TOKEN: &str = "train-token";

fn hub(dir: &std::path::Path, faults: Faults, sim: Simulation) -> RunningHub {
    common::start_hub(dir, TOKEN, sim, faults)
}

fn quick_sim() -> Simulation {
    Simulation {
        processing_after: Duration::from_millis(50),
        complete_after: Duration::from_millis(150),
    }
}

fn settings(hub: &RunningHub, journal: &std::path::Path, timeout_ms: u64) -> SyncSettings {
    let mut s = SyncSettings::new(
        HubClient::new(&hub.url(), TOKEN, Duration::from_millis(timeout_ms)),
        journal.to_path_buf(),
        "TRAIN-01",
    );
    s.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
    };
    s.poll_every = Duration::from_millis(100);
    s
}

/// Takes `n` payments through the till (fiscalized, queued); accounts cycle through `accounts`.
fn take_payments(dir: &std::path::Path, n: usize, accounts: &[&str]) -> std::path::PathBuf {
    let config = config_in(dir, Lang::En);
    let mut till = Till::open(&config).unwrap();
    for i in 0..n {
        let q = entry::validate(
            till.rules().catalogue(),
            &PaymentInput {
                operator_code: Some("MTS".into()),
                account: accounts[i % accounts.len()].into(),
                amount: format!("{}", 10 + i),
            },
            till.rules().max_payment(),
        )
        .unwrap();
        common::ensure_shift(&mut till);
        let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
        till.payments().customer_signed(id).unwrap();
        till.payments()
            .take_cash(id, Money::parse("20000").unwrap())
            .unwrap();
    }
    config.journal_path
}

fn journal(path: &std::path::Path) -> Journal {
    Journal::open(path, &OpenOptions::default()).unwrap()
}

/// The hub's own record: id → amount (minor units), and its row count.
fn hub_holds(hub: &RunningHub) -> (BTreeMap<uuid::Uuid, i64>, u64) {
    let store = hub.state().store();
    (
        store.amounts().unwrap().into_iter().collect(),
        store.count().unwrap(),
    )
}

#[test]
fn every_payment_arrives_exactly_once_through_lost_answers_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = take_payments(dir.path(), 80, &["9031234567"]);
    let faults = Faults {
        seed: 11,
        error_rate: 0.2,
        drop_rate: 0.25,
        slow_rate: 0.05,
        slow_delay: Duration::from_millis(500),
        latency: (Duration::ZERO, Duration::from_millis(20)),
        ..Faults::default()
    };
    let hub = hub(dir.path(), faults, quick_sim());
    let mut syncer = Syncer::open(settings(&hub, &path, 250)).unwrap();
    let summary = syncer
        .run_once(Instant::now() + Duration::from_secs(60))
        .unwrap();
    assert_eq!(summary.queued, 0, "{summary:?}");

    let j = journal(&path);
    let fiscalized: BTreeMap<uuid::Uuid, i64> = j
        .all_payments()
        .unwrap()
        .iter()
        .filter(|p| p.state.name() == StateName::Fiscalized)
        .map(|p| (p.id().uuid(), p.details.amount.minor()))
        .collect();
    let (held, count) = hub_holds(&hub);
    assert_eq!(
        held, fiscalized,
        "the hub holds exactly the fiscalized payments, amounts equal"
    );
    assert_eq!(count, 80, "no duplicates by the hub's own count");
    // Lost answers were retried: more attempts than payments, each attempt journaled.
    let attempts: u32 = j
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| j.delivery_of(p.id()).unwrap().2)
        .sum();
    assert!(
        attempts > 80,
        "faults must have caused retries ({attempts} attempts)"
    );
    let events: usize = j
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| {
            j.events(p.id())
                .unwrap()
                .iter()
                .filter(|e| e.kind == "delivery_attempt")
                .count()
        })
        .sum();
    assert_eq!(events as u32, attempts, "every attempt is a journal event");
    assert!(j.verify().unwrap().is_ok());
}

#[test]
fn the_same_id_with_another_body_is_flagged_for_support_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let path = take_payments(dir.path(), 2, &["9031234567"]);
    let hub = hub(dir.path(), Faults::default(), quick_sim());
    // Someone already used the first payment's id with other details.
    let j = journal(&path);
    let first = j.due(chrono::Utc::now(), 10).unwrap().remove(0);
    let forged = PayRequest {
        amount: Money::parse("999").unwrap(),
        total: Money::parse("999").unwrap(),
        epoch: 1,
        ..PayRequest::new(&first.payment, 0)
    };
    HubClient::new(&hub.url(), TOKEN, Duration::from_secs(2))
        .pay(first.id.uuid(), &forged)
        .unwrap();

    let mut syncer = Syncer::open(settings(&hub, &path, 1000)).unwrap();
    let summary = syncer
        .run_once(Instant::now() + Duration::from_secs(20))
        .unwrap();
    assert_eq!((summary.queued, summary.refused), (0, 1), "{summary:?}");
    let (delivery, _, attempts) = j.delivery_of(first.id).unwrap();
    assert_eq!(delivery, Some(Delivery::Refused));
    assert_eq!(attempts, 1, "a final refusal is not retried");
    let last = j.events(first.id).unwrap().pop().unwrap();
    assert!(
        last.data.contains("conflict_different_body"),
        "{}",
        last.data
    );
    assert_eq!(hub_holds(&hub).1, 2);
}

#[test]
fn one_leader_at_a_time_and_a_paused_leader_is_fenced_off() {
    let dir = tempfile::tempdir().unwrap();
    let path = take_payments(dir.path(), 3, &["9031234567"]);
    let hub = hub(dir.path(), Faults::default(), quick_sim());
    let mut s = settings(&hub, &path, 1000);
    s.lease_ttl = Duration::from_millis(600);
    let mut a = Syncer::open(s.clone()).unwrap();
    let mut b = Syncer::open(s).unwrap();

    a.round().unwrap();
    assert_eq!(a.status().role, Role::Leader { epoch: 1 });
    b.round().unwrap();
    assert!(
        matches!(b.status().role, Role::Follower { .. }),
        "{:?}",
        b.status().role
    );
    assert_eq!(a.status().summary.queued, 0);

    // A is "paused" past its lease; B takes over with a new epoch and pushes.
    std::thread::sleep(Duration::from_millis(700));
    let path2 = take_payments(dir.path(), 1, &["9031230001"]);
    assert_eq!(path, path2);
    b.round().unwrap();
    assert_eq!(b.status().role, Role::Leader { epoch: 2 });
    assert_eq!(hub.state().store().epoch("TRAIN-01").unwrap(), Some(2));

    // A wakes up believing it leads with epoch 1: the hub refuses it.
    let j = journal(&path);
    let c = HubClient::new(&hub.url(), TOKEN, Duration::from_secs(1));
    let any = j.all_payments().unwrap()[0].clone();
    let stale = PayRequest {
        terminal_id: "TRAIN-01".into(),
        epoch: 1,
        operator: "MTS".into(),
        account: any.details.account.clone(),
        amount: any.details.amount,
        fee: any.details.fee,
        total: any.details.total,
        pre_receipt_no: 1,
        fiscal_receipt_no: 1,
        shift_no: 1,
        accepted_at: chrono::Utc::now(),
        journal_id: None,
    };
    let err = c.pay(uuid::Uuid::now_v7(), &stale).unwrap_err();
    assert!(
        matches!(err, paydesk::hub::client::HubError::Fenced { .. }),
        "{err:?}"
    );
    // And A, asking the journal again, finds it is a follower now.
    a.round().unwrap();
    assert!(
        matches!(a.status().role, Role::Follower { .. }),
        "{:?}",
        a.status().role
    );
    assert_eq!(hub_holds(&hub).1, 4);
}

#[test]
fn statuses_are_polled_and_a_payment_that_does_not_move_is_flagged_stuck() {
    let dir = tempfile::tempdir().unwrap();
    let path = take_payments(dir.path(), 3, &["9031234567", "9031230000", "9031239999"]);
    let hub = hub(dir.path(), Faults::default(), quick_sim());
    let mut s = settings(&hub, &path, 1000);
    s.stuck_after = Duration::from_millis(300);
    let mut syncer = Syncer::open(s).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        syncer.round().unwrap();
        if syncer.status().summary.stuck == 1 && syncer.status().summary.awaiting_status == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let j = journal(&path);
    let by_account: BTreeMap<String, Option<HubStatus>> = j
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| (p.details.account.clone(), j.delivery_of(p.id()).unwrap().1))
        .collect();
    assert_eq!(by_account["9031234567"], Some(HubStatus::Completed));
    assert_eq!(by_account["9031230000"], Some(HubStatus::Failed));
    assert_eq!(by_account["9031239999"], Some(HubStatus::Processing));
    assert_eq!(
        syncer.status().summary.stuck,
        1,
        "{:?}",
        syncer.status().summary
    );
    let stuck = j
        .all_payments()
        .unwrap()
        .into_iter()
        .find(|p| p.details.account == "9031239999")
        .unwrap();
    let kinds: Vec<String> = j
        .events(stuck.id())
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.ends_with(&["flagged_stuck".to_string()]), "{kinds:?}");
    assert!(j.verify().unwrap().is_ok());
}

#[test]
fn sync_once_in_training_mode_delivers_to_the_in_process_hub() {
    let shop = Shop::new();
    for amount in ["100", "200"] {
        assert!(shop.pay(amount).status.success());
    }
    let o = shop
        .paydesk()
        .args(["sync", "--once", "--max-wait", "20"])
        .output()
        .unwrap();
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("0 queued"), "{stdout}");
    let hub_file = shop.path().join("paydesk-training-hub.sqlite");
    let held: i64 = rusqlite::Connection::open(hub_file)
        .unwrap()
        .query_row("SELECT count(DISTINCT id) FROM payments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(held, 2);
}

#[test]
fn without_a_hub_answer_the_check_lets_the_payment_go_on_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut till = Till::open(&config).unwrap();
    // Nothing listens on port 9 of loopback: no answer.
    till.set_hub(Some(HubClient::new(
        "http://127.0.0.1:9",
        TOKEN,
        Duration::from_millis(300),
    )));
    let q = entry::validate(
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some("MTS".into()),
            account: "9031234567".into(),
            amount: "100".into(),
        },
        till.rules().max_payment(),
    )
    .unwrap();
    let outcome = till.payments().check(&q).unwrap();
    assert!(
        matches!(outcome, paydesk::app::till::CheckOutcome::Offline { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        paydesk::app::messages::check(Lang::En, &outcome, "МТС", "9031234567").as_deref(),
        Some(
            "The payment system did not answer: the account was checked against the saved operator list only."
        )
    );
    common::ensure_shift(&mut till);
    let step = till.payments().print_pre_receipt(&q).unwrap();
    assert_eq!(step.payment.state.name(), StateName::PreReceiptPrinted);
}
