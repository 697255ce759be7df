//! Sync against a hub that knows more than the journal, or answers badly: epochs that
//! recover after a new or restored journal, one journal per terminal, copies of a
//! journal, absurd epochs, a dead leader's lease, `sync --once` telling the truth,
//! the queue draining at once after an outage, and answers that are checked.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::{config_in, out};
use paydesk::app::sync::{Blocked, Role, SyncSettings, Syncer};
use paydesk::app::till::Till;
use paydesk::domain::delivery::{Backoff, Delivery};
use paydesk::hub::client::{HubClient, HubError};
use paydesk::hub::protocol::PayRequest;
use paydesk::hub::server::RunningHub;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

const TOKEN: &str = "train-token";

fn sim() -> Simulation {
    Simulation {
        processing_after: Duration::from_millis(50),
        complete_after: Duration::from_millis(150),
    }
}

fn settings(url: &str, journal: &std::path::Path) -> SyncSettings {
    let mut s = SyncSettings::new(
        HubClient::new(url, TOKEN, Duration::from_millis(1000)),
        journal.to_path_buf(),
        "TRAIN-01",
    );
    s.backoff = Backoff {
        base: Duration::from_millis(20),
        cap: Duration::from_millis(200),
    };
    s.poll_every = Duration::from_millis(100);
    s.lease_ttl = Duration::from_millis(600);
    s
}

/// A till on a journal in `dir` (its own folder per journal).
fn till(dir: &std::path::Path) -> Till {
    Till::open(&config_in(dir, Lang::En)).unwrap()
}

fn pay(till: &mut Till, n: usize) -> Vec<paydesk::domain::payment::PaymentId> {
    (0..n)
        .map(|i| common::take_mts_payment(till, "9031234567", &format!("{}", 100 + i)).0)
        .collect()
}

fn journal(dir: &std::path::Path) -> Journal {
    Journal::open(&dir.join("journal.sqlite"), &OpenOptions::default()).unwrap()
}

fn deliver(syncer: &mut Syncer, within: Duration) -> u64 {
    syncer.run_once(Instant::now() + within).unwrap().queued
}

/// A journal restored from a backup (or brought to a new PC and rebound) starts
/// below the epoch the hub has seen: the first push is fenced, the hub says its
/// epoch, and the journal takes its own lease again above it — not fenced for ever.
#[test]
fn a_journal_below_the_hubs_epoch_takes_its_lease_above_it_and_delivers() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let mut till = till(dir.path());
    pay(&mut till, 3);
    let path = dir.path().join("journal.sqlite");
    // The hub has seen epoch 5 for this journal (as before a restore).
    let j = journal(dir.path());
    let first = j.due(chrono::Utc::now(), 1).unwrap().remove(0);
    let req = PayRequest {
        epoch: 5,
        ..PayRequest::new(&first.payment, 0)
    };
    HubClient::new(&hub.url(), TOKEN, Duration::from_secs(2))
        .pay(first.id.uuid(), &req)
        .unwrap();
    drop(j);

    let mut syncer = Syncer::open(settings(&hub.url(), &path)).unwrap();
    assert_eq!(deliver(&mut syncer, Duration::from_secs(20)), 0);
    assert_eq!(syncer.status().role, Role::Leader { epoch: 6 });
    assert_eq!(hub.state().store().epoch("TRAIN-01").unwrap(), Some(6));
    assert_eq!(hub.state().store().count().unwrap(), 3);
}

/// The same, through the real `paydesk sync --once`: exit 0, everything delivered
/// (it used to say "another process is the sync leader; nothing done here").
#[test]
fn sync_once_on_a_journal_below_the_hubs_epoch_delivers_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let mut till = till(dir.path());
    pay(&mut till, 2);
    drop(till);
    let j = journal(dir.path());
    let first = j.due(chrono::Utc::now(), 1).unwrap().remove(0);
    HubClient::new(&hub.url(), TOKEN, Duration::from_secs(2))
        .pay(
            first.id.uuid(),
            &PayRequest {
                epoch: 9,
                ..PayRequest::new(&first.payment, 0)
            },
        )
        .unwrap();
    drop(j);
    let config = remote_config(dir.path(), &hub.url(), 15_000);
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "20"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(journal(dir.path()).delivery_summary().unwrap().queued, 0);
}

/// A config file for a real hub, the journal in `dir`.
fn remote_config(dir: &std::path::Path, url: &str, lease_ttl_ms: u64) -> std::path::PathBuf {
    let path = dir.join("sync.toml");
    std::fs::write(
        &path,
        format!(
            "language = \"en\"\n[shop]\nname = \"Test shop\"\ntax_id = \"1\"\n[terminal]\nid = \"TRAIN-01\"\n\
             [journal]\npath = {:?}\n\
             [hub]\nurl = {url:?}\ntoken = {TOKEN:?}\ntimeout_ms = 2000\nlease_ttl_ms = {lease_ttl_ms}\n\
             retry_base_ms = 20\nretry_cap_ms = 300\n",
            dir.join("journal.sqlite").display().to_string(),
        ),
    )
    .unwrap();
    path
}

fn paydesk(config: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"));
    c.arg("--config").arg(config).env("PAYDESK_LOG", "off");
    c.env_remove(paydesk::crashpoint::ENV);
    c
}

/// A second journal for a terminal the hub already delivers from one journal (a new
/// PC while the old one still runs) is refused, not leapfrogged: nothing of it is
/// delivered and `sync --once` says why (exit 1). Once the hub's operator rebinds
/// the terminal, the new journal is bound, continues the terminal's receipt numbers,
/// and delivers; a payment it numbered before the rebind collides with the old
/// journal's number and is refused for support, by name.
#[test]
fn one_journal_per_terminal_until_the_hub_rebinds_it() {
    let hub_dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(hub_dir.path(), TOKEN, sim(), Faults::default());
    let old = tempfile::tempdir().unwrap();
    let mut old_till = till(old.path());
    pay(&mut old_till, 3);
    let mut s = Syncer::open(settings(&hub.url(), &old.path().join("journal.sqlite"))).unwrap();
    assert_eq!(deliver(&mut s, Duration::from_secs(20)), 0);
    drop(s);

    // The new PC's journal: its first payment is numbered 1 (it cannot know yet).
    let new = tempfile::tempdir().unwrap();
    let mut new_till = till(new.path());
    let early = pay(&mut new_till, 1)[0];
    let config = remote_config(new.path(), &hub.url(), 15_000);
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "5"])
        .output()
        .unwrap();
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the hub delivers this terminal's payments from another journal"),
        "{err}"
    );
    assert!(
        err.contains("paydesk-hub terminal rebind TRAIN-01"),
        "{err}"
    );
    assert_eq!(hub.state().store().count().unwrap(), 3);

    // The operator rebinds (the old PC is gone): what `paydesk-hub terminal rebind`
    // does (its own crate tests the binary).
    let said =
        paydesk::hub::server::rebind(&hub_dir.path().join("hub.sqlite"), "TRAIN-01").unwrap();
    assert!(said.contains("no longer bound"), "{said}");

    let mut s = Syncer::open(settings(&hub.url(), &new.path().join("journal.sqlite"))).unwrap();
    s.round().unwrap();
    assert_eq!(s.status().blocked, None);
    // Bound: the new journal's next receipt continues after the old journal's 3.
    let later = pay(&mut new_till, 1)[0];
    let j = journal(new.path());
    assert_eq!(
        j.payment(later).unwrap().state.fiscal().unwrap().receipt_no,
        4
    );
    assert_eq!(deliver(&mut s, Duration::from_secs(20)), 0);
    assert_eq!(j.delivery_of(later).unwrap().0, Some(Delivery::Delivered));
    // The payment numbered 1 before the rebind: refused, and the reason says why.
    assert_eq!(j.delivery_of(early).unwrap().0, Some(Delivery::Refused));
    let row = j.support_row(early).unwrap();
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.contains("two journals are numbering this terminal")),
        "{:?}",
        row.last_error
    );
    assert_eq!(hub.state().store().count().unwrap(), 4);
    // The jump from No. 1 to No. 4 is journaled: the full check (and so the
    // background check that stops payments) takes the rebound journal as whole.
    let report = j.verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

/// Two copies of one journal (the same journal id) delivering at once would take the
/// lease above each other's epoch for ever: the second fence soon after a retake
/// stops one of them, which says so; nothing is delivered twice. (Copies that number
/// receipts alike are stopped earlier: the hub refuses a number given twice.)
#[test]
fn two_copies_of_one_journal_do_not_leapfrog_each_others_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let a = tempfile::tempdir().unwrap();
    let mut till_a = till(a.path());
    pay(&mut till_a, 2);
    drop(till_a);
    // The copy, taken with every connection closed; its receipts numbered apart so
    // that only the epochs meet.
    let b = tempfile::tempdir().unwrap();
    std::fs::copy(
        a.path().join("journal.sqlite"),
        b.path().join("journal.sqlite"),
    )
    .unwrap();
    rusqlite::Connection::open(b.path().join("journal.sqlite"))
        .unwrap()
        .execute("UPDATE counters SET value = value + 1000", [])
        .unwrap();
    // A delivers, and is restarted once (a takeover: its epoch is 2).
    let mut sa = Syncer::open(settings(&hub.url(), &a.path().join("journal.sqlite"))).unwrap();
    assert_eq!(deliver(&mut sa, Duration::from_secs(20)), 0);
    drop(sa);
    std::thread::sleep(Duration::from_millis(700));
    let mut sa = Syncer::open(settings(&hub.url(), &a.path().join("journal.sqlite"))).unwrap();
    let mut sb = Syncer::open(settings(&hub.url(), &b.path().join("journal.sqlite"))).unwrap();
    let mut till_a = till(a.path());
    let mut till_b = till(b.path());
    for _ in 0..5 {
        pay(&mut till_a, 1);
        sa.round().unwrap();
        pay(&mut till_b, 1);
        sb.round().unwrap();
    }
    let blocked = [sa.status().blocked.clone(), sb.status().blocked.clone()];
    assert!(
        blocked.iter().any(
            |b| matches!(b, Some(Blocked::AnotherCopy { terminal }) if terminal == "TRAIN-01")
        ),
        "one copy reports the other: {blocked:?}"
    );
    let epoch = hub.state().store().epoch("TRAIN-01").unwrap().unwrap();
    assert!(epoch <= 5, "the epochs stopped climbing: {epoch}");
    // The blocked copy's words, as `paydesk sync` and the status bar say them.
    let b = blocked.iter().flatten().next().unwrap();
    assert!(paydesk::app::messages::blocked(Lang::En, b).contains("another copy of this journal"),);
    let store = hub.state().store();
    assert_eq!(
        store.amounts().unwrap().len() as u64,
        store.count().unwrap()
    );
}

/// An epoch far above any run of takeovers is refused with a clear error, and does
/// not lock the terminal out.
#[test]
fn an_absurd_epoch_is_refused_and_locks_nobody_out() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let mut till = till(dir.path());
    pay(&mut till, 2);
    let j = journal(dir.path());
    let due = j.due(chrono::Utc::now(), 10).unwrap();
    let c = HubClient::new(&hub.url(), TOKEN, Duration::from_secs(2));
    for epoch in [
        u64::MAX,
        i64::MAX as u64,
        1 + paydesk::hub::protocol::MAX_EPOCH_STEP,
    ] {
        let err = c
            .pay(
                due[0].id.uuid(),
                &PayRequest {
                    epoch,
                    ..PayRequest::new(&due[0].payment, 0)
                },
            )
            .unwrap_err();
        match &err {
            // Beyond the protocol's integers: malformed, said by name.
            HubError::Refused { message, .. } if epoch > i64::MAX as u64 => {
                assert!(
                    message.contains(&format!("epoch: {epoch} is above")),
                    "{message}"
                );
            }
            HubError::Unknown(m) => {
                assert!(m.contains("EpochOutOfRange"), "{m}");
                assert!(m.contains(&format!("epoch {epoch} is out of range")), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(hub.state().store().epoch("TRAIN-01").unwrap(), None);
    assert_eq!(hub.state().store().count().unwrap(), 0);
    let mut s = Syncer::open(settings(&hub.url(), &dir.path().join("journal.sqlite"))).unwrap();
    assert_eq!(deliver(&mut s, Duration::from_secs(20)), 0);
}

/// A lease whose holder died on this machine is taken over at once: `sync --once`
/// delivers although the dead leader's lease has most of a minute left.
#[test]
fn a_dead_leaders_lease_is_taken_over_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let mut till = till(dir.path());
    pay(&mut till, 3);
    drop(till);
    let config = remote_config(dir.path(), &hub.url(), 60_000);
    // A leader takes the lease and is killed before it sends anything.
    let mut leader = paydesk(&config)
        .env(paydesk::crashpoint::STOP_ENV, "sync.push")
        .arg("sync")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let db = rusqlite::Connection::open(dir.path().join("journal.sqlite")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let held: Option<String> = db
            .query_row("SELECT label FROM sync_lease", [], |r| r.get(0))
            .ok();
        if held.is_some_and(|l| l.contains(&format!("pid {} ", leader.id()))) {
            break;
        }
        assert!(Instant::now() < deadline, "the leader never took the lease");
        std::thread::sleep(Duration::from_millis(20));
    }
    leader.kill().unwrap();
    leader.wait().unwrap();
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "10"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(hub.state().store().count().unwrap(), 3);
}

/// `sync --once` while another live process leads (here: a lease of another
/// machine's process, valid a few seconds more): it waits for the lease up to
/// `--max-wait`, then delivers (exit 0); with too short a wait it says who leads and
/// exits 1 — never 0 with payments still queued.
#[test]
fn sync_once_waits_for_the_lease_and_exits_1_with_the_reason_when_anything_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let hub = common::start_hub(dir.path(), TOKEN, sim(), Faults::default());
    let mut till = till(dir.path());
    pay(&mut till, 2);
    drop(till);
    let config = remote_config(dir.path(), &hub.url(), 15_000);
    let hold_for = |secs: i64| {
        let c = rusqlite::Connection::open(dir.path().join("journal.sqlite")).unwrap();
        let until = (chrono::Utc::now() + chrono::Duration::seconds(secs))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        c.execute(
            "INSERT INTO sync_lease (id, holder, label, expires_at, epoch, process)
             VALUES (1, 'elsewhere', 'pid 4242 on till-2', ?1, 1, 'till-2:boot:4242:1')
             ON CONFLICT (id) DO UPDATE SET holder = 'elsewhere', label = 'pid 4242 on till-2',
                 expires_at = ?1, process = 'till-2:boot:4242:1'",
            [until],
        )
        .unwrap();
    };
    hold_for(30);
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "1"])
        .output()
        .unwrap();
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("2 payments are still queued"), "{err}");
    assert!(
        err.contains("pid 4242 on till-2 holds the journal's sync lease"),
        "{err}"
    );

    hold_for(3);
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "30"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(hub.state().store().count().unwrap(), 2);

    // An absurd --max-wait is refused before anything happens (it used to panic).
    let o = paydesk(&config)
        .args(["sync", "--once", "--max-wait", "18446744073709551615"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out(&o).1.contains("panicked"), "{}", out(&o).1);
}

/// The hub is down long enough for every payment to back off for minutes; once it is
/// back, the first answer makes them all due and the queue drains in seconds.
#[test]
fn the_queue_drains_at_once_when_the_hub_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(dir.path());
    pay(&mut till, 500);
    drop(till);
    // A port nobody listens on yet.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let mut s = settings(&url, &dir.path().join("journal.sqlite"));
    s.backoff = Backoff {
        base: Duration::from_secs(120),
        cap: Duration::from_secs(300),
    };
    s.lease_ttl = Duration::from_secs(30);
    let mut syncer = Syncer::open(s).unwrap();
    // Every payment is tried once and backed off for minutes.
    for _ in 0..5 {
        syncer.round().unwrap();
    }
    let j = journal(dir.path());
    let next = j.next_due_at().unwrap().unwrap();
    assert!(
        next > chrono::Utc::now() + chrono::Duration::seconds(30),
        "{next}"
    );
    assert_eq!(j.delivery_summary().unwrap().queued, 500);

    // The hub comes up on that port.
    let hub = RunningHub::start(
        paydesk::hub::server::HubOptions {
            tls: None,
            db: dir.path().join("hub.sqlite"),
            durable: false,
            terminals: vec![paydesk::hub::server::TerminalCredential {
                id: "TRAIN-01".into(),
                token: TOKEN.into(),
                balance: None,
            }],
            catalogue: paydesk::app::till::demo_catalogue("RUB"),
            sim: sim(),
            faults: Faults::default(),
        },
        std::net::SocketAddr::from(([127, 0, 0, 1], port)),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while j.delivery_summary().unwrap().queued > 0 {
        assert!(
            Instant::now() < deadline,
            "{} still queued 30 s after the hub came back",
            j.delivery_summary().unwrap().queued
        );
        syncer.round().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(hub.state().store().count().unwrap(), 500);
}

/// A hub that answers in ways the protocol does not define. Each request gets the
/// same canned answer; the payment must stay queued (not delivered, not refused).
fn misbehaving_hub(
    answer: String,
) -> (
    String,
    std::thread::JoinHandle<()>,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        while !flag.load(std::sync::atomic::Ordering::SeqCst) {
            match listener.accept() {
                Ok((mut stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_millis(500)))
                        .unwrap();
                    let mut buf = [0u8; 8192];
                    let _ = stream.read(&mut buf);
                    let _ = stream.write_all(answer.as_bytes());
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    (url, thread, stop)
}

fn http(status: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

#[test]
fn answers_the_protocol_does_not_define_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = till(dir.path());
    let id = pay(&mut till, 1)[0];
    drop(till);
    // A real hub elsewhere, to get a well-formed status of another payment.
    let other = uuid::Uuid::now_v7();
    let status_json = |id: uuid::Uuid, amount: &str| {
        format!(
            r#"{{"id":"{id}","status":"accepted","hub_reference":"HUB-1","amount":"{amount}","registered_at":"2026-12-01T10:00:00.000Z","updated_at":"2026-12-01T10:00:00.000Z"}}"#
        )
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "a redirect to a place that answers 200",
            http(
                "302 Found",
                "Location: http://127.0.0.1:9/v1/payments/x\r\n",
                "",
            ),
            "never follows a redirect",
        ),
        (
            "200 about another payment",
            http("200 OK", "", &status_json(other, "100.00")),
            "when asked about",
        ),
        (
            "200 about this payment with another amount",
            http("200 OK", "", &status_json(id.uuid(), "999.00")),
            "with the amount 999.00",
        ),
        (
            "404 saying retry: false",
            http(
                "404 Not Found",
                "",
                r#"{"code":"not_found","message":"gone","retry":false}"#,
            ),
            "HTTP 404",
        ),
        (
            "500 saying conflict_different_body",
            http(
                "500 Internal Server Error",
                "",
                r#"{"code":"conflict_different_body","message":"no","retry":false}"#,
            ),
            "HTTP 500",
        ),
    ];
    for (what, answer, says) in cases {
        let (url, thread, stop) = misbehaving_hub(answer);
        let mut s = settings(&url, &dir.path().join("journal.sqlite"));
        s.backoff = Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(1),
        };
        let mut syncer = Syncer::open(s).unwrap();
        syncer.round().unwrap();
        drop(syncer);
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        thread.join().unwrap();
        let j = journal(dir.path());
        let (delivery, _, _) = j.delivery_of(id).unwrap();
        assert_eq!(delivery, Some(Delivery::Queued), "{what}");
        let row = j.support_row(id).unwrap();
        assert!(
            row.last_error.as_deref().is_some_and(|e| e.contains(says)),
            "{what}: {:?}",
            row.last_error
        );
        // The lease is free again for the next case.
        rusqlite::Connection::open(dir.path().join("journal.sqlite"))
            .unwrap()
            .execute(
                "UPDATE sync_lease SET expires_at = '1970-01-01T00:00:00.000Z'",
                [],
            )
            .unwrap();
    }
}
