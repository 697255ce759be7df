//! Real `paydesk sync` processes on one journal against a real hub on loopback:
//! paused and killed leaders, kill -9 mid-batch, a chaotic hub. Each test ends with the
//! hub's own record (ids and amounts, by its count) against the journal's fiscalized
//! payments: nothing lost, nothing twice.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::config_in;
use paydesk::app::till::Till;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::domain::payment::StateName;
use paydesk::hub::server::RunningHub;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};
use rand::{Rng, SeedableRng};

const TOKEN: &str = "t-token";

/// Child processes, killed (and resumed first, if stopped) when dropped.
#[derive(Default)]
struct Procs(Vec<Child>);

impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.0 {
            resume(c.id());
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// SIGCONT to a process (stopped by `PAYDESK_STOP_AT`), without a `kill` binary.
fn resume(pid: u32) {
    // SAFETY: kill(2) has no memory effects; a gone pid is only an error code.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGCONT);
    }
}

struct Rig {
    dir: tempfile::TempDir,
    hub: RunningHub,
    till: Till,
    procs: Procs,
}

fn start_hub(dir: &Path, faults: Faults) -> RunningHub {
    let sim = Simulation {
        processing_after: Duration::from_millis(100),
        complete_after: Duration::from_millis(300),
    };
    common::start_hub(dir, TOKEN, sim, faults)
}

impl Rig {
    /// A journal with `n` fiscalized payments, then a hub with `faults`, and a config
    /// file for `paydesk sync` processes pointed at both.
    fn new(n: usize, faults: Faults, timeout_ms: u64) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config_in(dir.path(), Lang::En);
        config.busy_timeout = Duration::from_secs(20);
        let mut till = Till::open(&config).unwrap();
        for i in 0..n {
            pay(&mut till, i);
        }
        let hub = start_hub(dir.path(), faults);
        let cfg = format!(
            "language = \"en\"\n[shop]\nname = \"Test shop\"\ntax_id = \"1\"\n[terminal]\nid = \"TRAIN-01\"\n\
             [journal]\npath = {:?}\nbusy_timeout_ms = 20000\n\
             [hub]\nurl = {:?}\ntoken = {TOKEN:?}\ntimeout_ms = {timeout_ms}\nlease_ttl_ms = 1000\n\
             retry_base_ms = 20\nretry_cap_ms = 300\nconcurrency = 4\n",
            config.journal_path.display().to_string(),
            hub.url()
        );
        std::fs::write(dir.path().join("sync.toml"), cfg).unwrap();
        Rig {
            dir,
            hub,
            till,
            procs: Procs::default(),
        }
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite")
    }

    fn sync_command(&self, log: &str) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
        c.arg("--config").arg(self.dir.path().join("sync.toml"));
        c.env_remove(paydesk::crashpoint::ENV)
            .env_remove(paydesk::crashpoint::STOP_ENV);
        c.env("PAYDESK_LOG", "off");
        c.stdout(Stdio::null());
        c.stderr(std::fs::File::create(self.dir.path().join(log)).unwrap());
        c
    }

    fn spawn_sync(&mut self, log: &str, stop_at: Option<&str>) -> u32 {
        let mut c = self.sync_command(log);
        c.arg("sync");
        if let Some(point) = stop_at {
            c.env(paydesk::crashpoint::STOP_ENV, point);
        }
        let child = c.spawn().unwrap();
        let pid = child.id();
        self.procs.0.push(child);
        pid
    }

    fn kill9(&mut self, pid: u32) {
        if let Some(c) = self.procs.0.iter_mut().find(|c| c.id() == pid) {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.procs.0.retain(|c| c.id() != pid);
    }

    fn journal(&self) -> Journal {
        Journal::open(
            &self.journal_path(),
            &OpenOptions {
                busy_timeout: Duration::from_secs(20),
            },
        )
        .unwrap()
    }

    /// (pid in the lease label, epoch) of the current lease holder.
    fn leader(&self) -> Option<(u32, u64)> {
        let c = rusqlite::Connection::open(self.journal_path()).ok()?;
        c.busy_timeout(Duration::from_secs(5)).ok()?;
        let (label, epoch): (String, i64) = c
            .query_row(
                "SELECT label, epoch FROM sync_lease WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok()?;
        let pid = label
            .strip_prefix("pid ")?
            .split(' ')
            .next()?
            .parse()
            .ok()?;
        Some((pid, epoch as u64))
    }

    /// Waits until the hub holds `n` payments and the journal's queue is empty.
    fn wait_delivered(&self, n: u64, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let held = self.hub.state().store().count().unwrap();
            let queued = self.journal().delivery_summary().unwrap().queued;
            if held >= n && queued == 0 {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "after {within:?}: hub holds {held} of {n}, {queued} still queued"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The hub's own record equals the journal's fiscalized payments, by id and amount,
    /// and its row count has no duplicates.
    fn assert_exactly_once(&self, n: usize) {
        let j = self.journal();
        let fiscalized: BTreeMap<uuid::Uuid, i64> = j
            .all_payments()
            .unwrap()
            .iter()
            .filter(|p| p.state.name() == StateName::Fiscalized)
            .map(|p| (p.id().uuid(), p.details.amount.minor()))
            .collect();
        assert_eq!(fiscalized.len(), n);
        let store = self.hub.state().store();
        let held: BTreeMap<uuid::Uuid, i64> = store.amounts().unwrap().into_iter().collect();
        assert_eq!(
            store.count().unwrap(),
            n as u64,
            "the hub's own count: no duplicates"
        );
        assert_eq!(held, fiscalized, "same ids, same amounts");
        let report = j.verify().unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
    }
}

fn pay(till: &mut Till, i: usize) {
    let q = entry::validate(
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some("MTS".into()),
            account: "9031234567".into(),
            amount: format!("{}", 10 + i % 1000),
        },
        till.rules().max_payment(),
    )
    .unwrap();
    common::ensure_shift(till);
    let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
    till.payments().customer_signed(id).unwrap();
    till.payments()
        .take_cash(id, Money::parse("20000").unwrap())
        .unwrap();
}

fn is_stopped(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('T'))
        })
        .unwrap_or(false)
}

fn wait_for(what: &str, within: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_leader_paused_before_a_push_is_fenced_off_when_it_resumes() {
    let mut rig = Rig::new(20, Faults::default(), 2_000);
    // The first process takes the lease and stops itself just before its first push.
    let paused = rig.spawn_sync("paused.log", Some("sync.push"));
    wait_for("the first leader to stop", Duration::from_secs(20), || {
        is_stopped(paused)
    });
    assert_eq!(rig.leader().map(|l| l.0), Some(paused));
    let first_epoch = rig.leader().unwrap().1;
    rig.spawn_sync("b.log", None);
    rig.spawn_sync("c.log", None);
    // Its lease lapses; another process takes over with a newer epoch and delivers.
    wait_for("a takeover", Duration::from_secs(20), || {
        rig.leader()
            .is_some_and(|(pid, e)| pid != paused && e > first_epoch)
    });
    rig.wait_delivered(20, Duration::from_secs(30));

    // The paused leader resumes in the middle of its push, with its old epoch.
    resume(paused);
    let j = rig.journal();
    wait_for(
        "the fenced attempt to be journaled",
        Duration::from_secs(20),
        || {
            j.all_payments().unwrap().iter().any(|p| {
                j.events(p.id()).unwrap().iter().any(|e| {
                    e.kind == "delivery_attempt"
                        && e.data.contains("\"outcome\":\"fenced\"")
                        && e.actor.contains(&format!("pid {paused} "))
                })
            })
        },
    );
    // It stepped down: it does not take the lease back, and new payments still go out once.
    for i in 0..10 {
        pay(&mut rig.till, 100 + i);
    }
    rig.wait_delivered(30, Duration::from_secs(30));
    assert_ne!(rig.leader().map(|l| l.0), Some(paused));
    let log = std::fs::read_to_string(rig.dir.path().join("paused.log")).unwrap();
    assert!(
        log.contains("follower of"),
        "the resumed process reports it follows:\n{log}"
    );
    rig.assert_exactly_once(30);
}

#[test]
fn killing_the_leader_at_random_times_over_500_payments_loses_and_doubles_nothing() {
    let faults = Faults {
        seed: 3,
        latency: (Duration::ZERO, Duration::from_millis(15)),
        ..Faults::default()
    };
    let mut rig = Rig::new(0, faults, 2_000);
    for name in ["a.log", "b.log", "c.log"] {
        rig.spawn_sync(name, None);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut kills = 0;
    let mut next_kill = Instant::now() + Duration::from_millis(rng.random_range(200..700));
    for i in 0..500 {
        pay(&mut rig.till, i);
        // About 10 s of takings: several leaders get killed mid-stream.
        std::thread::sleep(Duration::from_millis(15));
        if Instant::now() >= next_kill {
            // After a kill the lease names the dead process until it lapses: only a
            // live leader is killed; otherwise look again soon.
            match rig.leader() {
                Some((pid, _)) if rig.procs.0.iter().any(|c| c.id() == pid) => {
                    rig.kill9(pid);
                    rig.spawn_sync(&format!("respawn-{kills}.log"), None);
                    kills += 1;
                    next_kill = Instant::now() + Duration::from_millis(rng.random_range(200..700));
                }
                _ => next_kill = Instant::now() + Duration::from_millis(100),
            }
        }
    }
    assert!(kills >= 3, "the test must actually kill leaders ({kills})");
    rig.wait_delivered(500, Duration::from_secs(90));
    rig.assert_exactly_once(500);
}

#[test]
fn kill_9_mid_batch_while_another_process_adds_payments_loses_and_doubles_nothing() {
    let faults = Faults {
        seed: 5,
        latency: (Duration::from_millis(5), Duration::from_millis(30)),
        ..Faults::default()
    };
    let mut rig = Rig::new(40, faults, 2_000);
    let config = rig.dir.path().join("sync.toml");
    // The second process: `paydesk pay` runs, one after another, in the background.
    let adder = std::thread::spawn(move || {
        for i in 0..60 {
            let o = Command::new(env!("CARGO_BIN_EXE_paydesk"))
                .arg("--config")
                .arg(&config)
                .args([
                    "pay",
                    "--operator",
                    "MTS",
                    "--account",
                    "9031234567",
                    "--amount",
                    &format!("{}", 500 + i),
                ])
                .args(["--tendered", "20000", "--customer-signed"])
                .env("PAYDESK_LOG", "off")
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
    });
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut pid = rig.spawn_sync("w0.log", None);
    let mut kills = 0;
    while !adder.is_finished() || kills < 5 {
        std::thread::sleep(Duration::from_millis(rng.random_range(80..300)));
        rig.kill9(pid);
        kills += 1;
        pid = rig.spawn_sync(&format!("w{kills}.log"), None);
    }
    adder.join().unwrap();
    rig.wait_delivered(100, Duration::from_secs(60));
    rig.assert_exactly_once(100);
}

#[test]
fn a_thousand_payments_through_a_chaotic_hub_arrive_exactly_once() {
    let timeout_ms = 120;
    let faults = Faults {
        seed: 2026,
        error_rate: 0.2,
        drop_rate: 0.2,
        latency: (Duration::ZERO, Duration::from_millis(2 * timeout_ms)),
        down: vec![
            (Duration::from_millis(1_000), Duration::from_millis(2_000)),
            (Duration::from_millis(3_500), Duration::from_millis(4_500)),
        ],
        ..Faults::default()
    };
    let rig = Rig::new(1_000, faults, timeout_ms);
    let o = rig
        .sync_command("once.log")
        .args(["sync", "--once", "--max-wait", "240"])
        .status()
        .unwrap();
    let log = std::fs::read_to_string(rig.dir.path().join("once.log")).unwrap();
    assert!(o.success(), "sync --once failed:\n{log}");
    rig.assert_exactly_once(1_000);
    // The chaos was real: many more attempts than payments.
    let j = rig.journal();
    let attempts: u64 = j
        .all_payments()
        .unwrap()
        .iter()
        .map(|p| u64::from(j.delivery_of(p.id()).unwrap().2))
        .sum();
    assert!(
        attempts > 1_500,
        "only {attempts} attempts for 1,000 payments"
    );
}
