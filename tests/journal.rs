//! The journal on real files: migrations, durability settings, append-only events,
//! damaged, read-only and locked files, and gapless numbering with two processes.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use common::{Shop, out};
use paydesk::app::journal_check::{CheckNews, CheckThread, check_once};
use paydesk::app::messages;
use paydesk::app::till::{FlowError, Till};
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::journal::{Journal, JournalError, OpenOptions, SCHEMA_VERSION};

fn raw(shop: &Shop) -> rusqlite::Connection {
    rusqlite::Connection::open(shop.journal_path()).unwrap()
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

#[test]
fn a_new_journal_is_migrated_to_the_current_schema_in_wal_with_full_sync() {
    let shop = Shop::new();
    let j = shop.journal();
    assert_eq!(j.schema_version().unwrap(), SCHEMA_VERSION);
    let (mode, sync) = j.durability().unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous must be FULL (2)");
    let tables: BTreeSet<String> = raw(&shop)
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in [
        "payments",
        "payment_events",
        "counters",
        "shifts",
        "operators",
        "catalogue_meta",
    ] {
        assert!(tables.contains(t), "table {t} missing: {tables:?}");
    }
    // Reopening does not migrate again.
    drop(j);
    assert_eq!(shop.journal().schema_version().unwrap(), SCHEMA_VERSION);
}

#[test]
fn events_cannot_be_edited_or_deleted_and_payments_cannot_be_deleted() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let c = raw(&shop);
    for sql in [
        "UPDATE payment_events SET data = '{}'",
        "DELETE FROM payment_events",
        "DELETE FROM payments",
    ] {
        let err = c.execute(sql, []).unwrap_err().to_string();
        assert!(
            err.contains("append-only") || err.contains("never deleted"),
            "{sql}: {err}"
        );
    }
    let events: i64 = c
        .query_row("SELECT count(*) FROM payment_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 7, "created + 6 transitions");
}

#[test]
fn a_journal_from_a_newer_paydesk_is_refused() {
    let shop = Shop::new();
    drop(shop.journal());
    raw(&shop).pragma_update(None, "user_version", 99).unwrap();
    match Journal::open(&shop.journal_path(), &OpenOptions::default()) {
        Err(JournalError::NewerSchema {
            found: 99, known, ..
        }) => assert_eq!(known, SCHEMA_VERSION),
        other => panic!("expected NewerSchema, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_damaged_and_left_alone() {
    let shop = Shop::new();
    let garbage = b"this is not an SQLite file, it is a shopping list: bread, milk".repeat(100);
    std::fs::write(shop.journal_path(), &garbage).unwrap();
    let o = shop.pay("100");
    assert_eq!(o.status.code(), Some(1));
    let (_, err) = out(&o);
    assert!(
        err.contains("is damaged") && err.contains("Do not take payments"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(shop.journal_path()).unwrap(),
        garbage,
        "the file must not change"
    );
}

/// A damaged page is not looked for on the way to the first screen (that is the
/// background check's work), but `journal verify` and the background check find it.
#[test]
fn a_damaged_page_is_found_by_journal_verify_and_the_background_check() {
    let shop = Shop::new();
    for amount in ["100", "200", "300"] {
        assert!(shop.pay(amount).status.success());
    }
    // All connections are closed: the WAL is checkpointed into the main file.
    let mut bytes = std::fs::read(shop.journal_path()).unwrap();
    let page = 4096;
    assert!(bytes.len() >= 6 * page, "journal has {} bytes", bytes.len());
    for b in &mut bytes[4 * page..5 * page] {
        *b = 0xA5;
    }
    std::fs::write(shop.journal_path(), &bytes).unwrap();
    // Opening may or may not touch that page; if it does, it says damaged.
    if let Err(e) = Journal::open(&shop.journal_path(), &OpenOptions::default()) {
        assert!(matches!(e, JournalError::Corrupted { .. }), "{e:?}");
    }
    let o = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).1.contains("is damaged"), "{:?}", out(&o));
    let news = check_once(
        &shop.journal_path(),
        std::time::Duration::from_millis(300),
        &mut |_| {},
    );
    assert!(matches!(news, CheckNews::Damaged(_)), "{news:?}");
}

/// Opening reads the newest link of each audit chain against its head: a journal
/// whose newest events were cut off, or whose head was edited, is refused at once,
/// whatever its size.
#[test]
fn opening_refuses_a_journal_whose_newest_events_were_cut_off() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let db = raw(&shop);
    db.execute_batch(
        "DROP TRIGGER payment_events_no_delete;
         DELETE FROM payment_events WHERE seq = (SELECT MAX(seq) FROM payment_events);",
    )
    .unwrap();
    drop(db);
    match Journal::open(&shop.journal_path(), &OpenOptions::default()) {
        Err(JournalError::Corrupted { detail, .. }) => {
            assert!(detail.contains("newest events were removed"), "{detail}")
        }
        other => panic!("expected Corrupted, got {:?}", other.map(|_| ())),
    }
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    raw(&shop)
        .execute(
            "UPDATE terminal_chain_head SET hash = 'f00d' WHERE id = 1",
            [],
        )
        .unwrap();
    let o = shop.paydesk().args(["operators"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{:?}", out(&o));
    assert!(out(&o).1.contains("is damaged"), "{:?}", out(&o));
}

/// An event edited in the middle of the chain is not looked for at open (that would
/// read the whole file): the till opens, the background check finds it, and from
/// then on no new payment starts, with the words of a damaged journal.
#[test]
fn the_background_check_finds_an_edited_event_and_payments_stop() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), paydesk::i18n::Lang::En);
    {
        let mut till = Till::open(&config).unwrap();
        till.shifts().open(Money::parse("1000").unwrap()).unwrap();
        for amount in ["100", "200"] {
            let q = quote(&till, amount);
            let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
            till.payments().customer_signed(id).unwrap();
            till.payments().take_cash(id, q.total).unwrap();
        }
    }
    let db = rusqlite::Connection::open(&config.journal_path).unwrap();
    db.execute_batch(
        "DROP TRIGGER payment_events_no_update;
         UPDATE payment_events SET actor = 'nobody' WHERE seq = 3;",
    )
    .unwrap();
    drop(db);

    let mut till = Till::open(&config).expect("opening does not walk the chain");
    let health = till.health().clone();
    assert_eq!(health.problem(), None);
    // A payment may still start before the check has run.
    till.payments().require_shift().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let _thread = CheckThread::spawn(
        config.journal_path.clone(),
        config.busy_timeout,
        health.clone(),
        std::time::Duration::ZERO,
        move |n| {
            let _ = tx.send(n);
        },
    );
    let verdict = loop {
        match rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap() {
            CheckNews::Running(_) => continue,
            n => break n,
        }
    };
    let CheckNews::Damaged(detail) = &verdict else {
        panic!("expected damage, got {verdict:?}");
    };
    assert!(detail.contains("payment event 3"), "{detail}");
    assert_eq!(health.problem().as_deref(), Some(detail.as_str()));
    let q = quote(&till, "300");
    let before = till.journal().all_payments().unwrap().len();
    let refused = till.payments().print_pre_receipt(&q).unwrap_err();
    assert!(
        matches!(&refused, FlowError::Journal(JournalError::Corrupted { .. })),
        "{refused:?}"
    );
    let said = messages::flow(paydesk::i18n::Lang::En, &refused);
    assert!(
        said.contains("is damaged") && said.contains("Do not take payments"),
        "{said}"
    );
    assert_eq!(till.journal().all_payments().unwrap().len(), before);
    // The status bar's words say so in red.
    let (short, _, problem) = messages::journal_check(
        paydesk::i18n::Lang::En,
        &verdict,
        chrono_tz::UTC,
        &config.journal_path,
    );
    assert!(problem && short.contains("damaged"), "{short}");

    // A healthy journal: checked, nothing stops.
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), paydesk::i18n::Lang::En);
    let till = Till::open(&config).unwrap();
    let news = check_once(&config.journal_path, config.busy_timeout, &mut |_| {});
    assert!(matches!(news, CheckNews::Checked { .. }), "{news:?}");
    assert_eq!(till.health().problem(), None);
}

/// `journal verify` draws its progress bar on a terminal and nothing on a pipe.
#[test]
fn journal_verify_shows_progress_on_a_terminal_and_nothing_on_a_pipe() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let piped = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    assert_eq!(piped.status.code(), Some(0), "{:?}", out(&piped));
    assert!(!out(&piped).1.contains('%'), "{:?}", out(&piped));
    assert!(!out(&piped).1.contains('\r'), "{:?}", out(&piped));

    // stderr on a pseudo-terminal: the bar is drawn there (read while it runs).
    let (mut master, slave) = serialport::TTYPort::pair().unwrap();
    serialport::SerialPort::set_timeout(&mut master, std::time::Duration::from_millis(200))
        .unwrap();
    let tty = serialport::SerialPort::name(&slave).expect("the pty's name");
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut quiet = 0;
        while quiet < 10 {
            match master.read(&mut buf) {
                Ok(n) if n > 0 => {
                    seen.extend_from_slice(&buf[..n]);
                    quiet = 0;
                }
                _ => quiet += 1,
            }
        }
        seen
    });
    let fd = std::fs::OpenOptions::new().write(true).open(tty).unwrap();
    let o = shop
        .paydesk()
        .args(["journal", "verify"])
        .stderr(std::process::Stdio::from(fd))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let seen = reader.join().unwrap();
    drop(slave);
    let seen = String::from_utf8_lossy(&seen);
    assert!(
        seen.contains("the file's pages [") && seen.contains('%'),
        "{seen:?}"
    );
}

/// A damaged journal at start names the newest backup and the command that restores
/// it; the restore keeps the damaged file and the till works again.
#[test]
fn a_damaged_journal_offers_the_newest_backup_and_it_restores() {
    let shop = Shop::new();
    for amount in ["100", "200", "300"] {
        assert!(shop.pay(amount).status.success());
    }
    let o = shop.paydesk().args(["journal", "backup"]).output().unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let backup = paydesk::journal::backup::list(&shop.path().join("backups"))
        .pop()
        .unwrap();
    let mut bytes = std::fs::read(shop.journal_path()).unwrap();
    for b in &mut bytes[4 * 4096..5 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(shop.journal_path(), &bytes).unwrap();
    let o = shop.pay("400");
    assert_eq!(o.status.code(), Some(1));
    let err = out(&o).1;
    assert!(err.contains("is damaged"), "{err}");
    assert!(
        err.contains("The newest backup is") && err.contains(&backup.display().to_string()),
        "{err}"
    );
    let o = shop
        .paydesk()
        .args(["journal", "restore"])
        .arg(&backup)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(shop.journal().all_payments().unwrap().len(), 3);
    assert!(shop.pay("400").status.success());
    assert_eq!(shop.journal().all_payments().unwrap().len(), 4);
}

#[test]
fn a_journal_locked_by_another_process_stops_the_payment_with_a_clear_message() {
    let shop = Shop::new();
    drop(shop.journal());
    let holder = raw(&shop);
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let o = shop.pay("100");
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("locked by another program"), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert!(shop.journal().all_payments().unwrap().is_empty());
    assert!(!shop.paper_dir().exists(), "nothing may be printed");
}

#[test]
fn a_read_only_journal_is_refused_before_anything_is_printed() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let before = std::fs::read(shop.journal_path()).unwrap();
    std::fs::set_permissions(shop.journal_path(), std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(shop.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(shop.paper_dir()).unwrap();
    let mut cmd = shop.paydesk();
    cmd.args([
        "pay",
        "--operator",
        "MTS",
        "--account",
        "9031234567",
        "--amount",
        "100",
    ])
    .args(["--tendered", "100", "--customer-signed", "--out"])
    .arg(shop.paper_dir());
    // Root writes to any file whatever its mode: test as an unprivileged user then.
    let running_as_root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    if running_as_root {
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().unwrap();
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is read-only"), "{err}");
    assert!(
        err.contains("write access"),
        "the message says what to do: {err}"
    );
    assert!(!shop.paper_dir().exists(), "nothing may be printed");
    assert_eq!(std::fs::read(shop.journal_path()).unwrap(), before);
}

#[test]
fn receipt_numbers_stay_gapless_with_two_processes_writing_at_once() {
    let shop = Shop::new();
    shop.ensure_shift();
    let per_process = 12;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for i in 0..per_process {
                    let o = shop.pay(&format!("{}", 100 + i));
                    assert!(o.status.success(), "{}", out(&o).1);
                }
            });
        }
    });
    let j = shop.journal();
    let payments = j.all_payments().unwrap();
    assert_eq!(payments.len(), 2 * per_process);
    let pre: BTreeSet<u64> = payments
        .iter()
        .filter_map(|p| p.state.pre_receipt_no())
        .collect();
    let fiscal: BTreeSet<u64> = payments
        .iter()
        .filter_map(|p| p.state.fiscal().map(|f| f.receipt_no))
        .collect();
    let expected: BTreeSet<u64> = (1..=2 * per_process as u64).collect();
    assert_eq!(pre, expected);
    assert_eq!(fiscal, expected);
    let report = j.verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn verify_catches_a_row_edited_with_plain_sql() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    assert!(shop.pay("200").status.success());
    let ok = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    assert!(ok.status.success(), "{}", out(&ok).1);
    assert!(out(&ok).0.contains("2 payments"));

    raw(&shop)
        .execute(
            "UPDATE payments SET amount_minor = 1000, total_minor = 1000, change_minor = tendered_minor - 1000
             WHERE pre_receipt_no = 2",
            [],
        )
        .unwrap();
    let o = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    let (stdout, _) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("row details differ"), "{stdout}");

    // A receipt number moved outside paydesk leaves a gap.
    raw(&shop)
        .execute(
            "UPDATE payments SET fiscal_receipt_no = 7 WHERE pre_receipt_no = 1",
            [],
        )
        .unwrap();
    let o = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    assert!(
        out(&o).0.contains("fiscal_receipt numbers are not 1..=2"),
        "{}",
        out(&o).0
    );
}

#[test]
fn the_audit_chain_finds_the_first_event_changed_or_removed_outside_paydesk() {
    let shop = Shop::new();
    for amount in ["100", "200", "300"] {
        assert!(shop.pay(amount).status.success());
    }
    let verify = || {
        let o = shop.paydesk().args(["journal", "verify"]).output().unwrap();
        (o.status.code(), out(&o).0)
    };
    assert_eq!(verify().0, Some(0), "{}", verify().1);
    let events: i64 = raw(&shop)
        .query_row("SELECT COUNT(*) FROM payment_events", [], |r| r.get(0))
        .unwrap();
    assert!(events >= 15);

    // Somebody lifts the append-only triggers and edits an event's actor.
    let db = raw(&shop);
    db.execute_batch(
        "DROP TRIGGER payment_events_no_update; DROP TRIGGER payment_events_no_delete;",
    )
    .unwrap();
    let original: String = db
        .query_row("SELECT actor FROM payment_events WHERE seq = 8", [], |r| {
            r.get(0)
        })
        .unwrap();
    db.execute(
        "UPDATE payment_events SET actor = 'nobody' WHERE seq = 8",
        [],
    )
    .unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("audit chain broken: payment event 8 (")
            && text.contains("was changed outside paydesk"),
        "{text}"
    );
    db.execute(
        "UPDATE payment_events SET actor = ?1 WHERE seq = 8",
        [&original],
    )
    .unwrap();
    assert_eq!(verify().0, Some(0), "{}", verify().1);

    // An event removed from the middle: the next one no longer follows.
    db.execute("DELETE FROM payment_events WHERE seq = 5", [])
        .unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1));
    assert!(text.contains("event 6 does not follow event 4"), "{text}");

    // The newest events removed: the chain ends before its head.
    let shop2 = Shop::new();
    assert!(shop2.pay("100").status.success());
    let db2 = rusqlite::Connection::open(shop2.journal_path()).unwrap();
    db2.execute_batch(
        "DROP TRIGGER payment_events_no_delete;
         DELETE FROM payment_events WHERE seq = (SELECT MAX(seq) FROM payment_events);",
    )
    .unwrap();
    // Found at open already (the newest link against the head).
    let o = shop2
        .paydesk()
        .args(["journal", "verify"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let (stdout, stderr) = out(&o);
    assert!(
        format!("{stdout}{stderr}").contains("the newest events were removed"),
        "{stdout}{stderr}"
    );
}

#[test]
fn a_journal_from_before_the_audit_chain_is_chained_when_opened() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    // Make it look like a version-2 journal: no chain columns' values, no head.
    let db = raw(&shop);
    db.execute_batch(
        "DROP TRIGGER payment_events_no_update;
         UPDATE payment_events SET prev_hash = NULL, hash = NULL;
         DROP TABLE chain_head;
         ALTER TABLE payment_events DROP COLUMN prev_hash;
         ALTER TABLE payment_events DROP COLUMN hash;
         CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
             BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
         DROP INDEX payments_operator_created;
         DROP INDEX payments_shift;
         ALTER TABLE shifts DROP COLUMN opening_cash_minor;
         ALTER TABLE shifts DROP COLUMN counted_cash_minor;
         ALTER TABLE shifts DROP COLUMN opened_by;
         ALTER TABLE shifts DROP COLUMN closed_by;
         DROP TABLE users;
         DROP TABLE terminal_events;
         DROP TABLE terminal_chain_head;
         DROP TABLE refunds;
         DROP TABLE corrections;
         ALTER TABLE payments DROP COLUMN handled_by;
         DROP TABLE journal_meta;
         ALTER TABLE sync_lease DROP COLUMN process;
         ALTER TABLE payments DROP COLUMN operator_phone;
         DROP TABLE cash_moves;
         DROP TABLE reconciliations;
         DROP TABLE reconciliation_differences;
         DROP INDEX payments_accepted;
         DROP INDEX payments_refused;
         DROP INDEX payments_stuck;
         DROP INDEX payments_failed;
         DROP INDEX payments_retrying;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(db);
    let o = shop.paydesk().args(["journal", "verify"]).output().unwrap();
    assert!(o.status.success(), "{}", out(&o).0);
    let j = shop.journal();
    assert_eq!(j.schema_version().unwrap(), SCHEMA_VERSION);
    let unchained: i64 = raw(&shop)
        .query_row(
            "SELECT COUNT(*) FROM payment_events WHERE hash IS NULL OR prev_hash IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unchained, 0);
    // Events stay append-only after the migration.
    assert!(
        raw(&shop)
            .execute("UPDATE payment_events SET actor = 'x' WHERE seq = 1", [])
            .is_err()
    );
}

#[test]
fn several_openers_of_a_new_journal_all_get_it_even_with_a_short_busy_timeout() {
    // The GUI's till thread and sync thread open the same new file at start: the one
    // that creates and migrates it must not make the other fail with "locked".
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite");
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    Journal::open(
                        &path,
                        &OpenOptions {
                            busy_timeout: std::time::Duration::from_millis(1),
                        },
                    )
                    .map(|j| j.schema_version().unwrap())
                })
            })
            .collect();
        for o in openers {
            assert_eq!(o.join().unwrap().unwrap(), SCHEMA_VERSION);
        }
    }
}

/// `journal verify` while another connection keeps appending events (a sync worker
/// recording pushes, a till taking payments) reads one snapshot: a healthy journal
/// never looks tampered with because its chain head moved on mid-check.
#[test]
fn verify_while_payments_are_written_sees_one_consistent_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), paydesk::i18n::Lang::En);
    let mut till = paydesk::app::till::Till::open(&config).unwrap();
    common::take_mts_payment(&mut till, "9031234567", "100");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                common::take_mts_payment(&mut till, "9031234567", "100");
                n += 1;
            }
            n
        })
    };
    let journal = Journal::open(&config.journal_path, &OpenOptions::default()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    let mut checks = 0;
    while std::time::Instant::now() < deadline {
        let report = journal.verify().unwrap();
        assert!(report.is_ok(), "check {checks}: {:?}", report.problems);
        checks += 1;
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.join().unwrap();
    assert!(
        written > 0 && checks > 0,
        "{written} payments, {checks} checks"
    );
}

/// A zero-byte file where the journal should be (a truncated or badly restored
/// journal) is refused and left alone: receipt numbers never restart at No. 1.
#[test]
fn an_empty_file_or_another_programs_database_is_never_made_into_a_journal() {
    let shop = Shop::new();
    std::fs::write(shop.journal_path(), b"").unwrap();
    for args in [vec!["operators"], vec!["journal", "verify"]] {
        let o = shop.paydesk().args(&args).output().unwrap();
        let (_, err) = out(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("is empty: it is not a paydesk journal"),
            "{err}"
        );
        assert!(err.contains("Do not take payments"), "{err}");
    }
    let o = shop.pay("100");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::metadata(shop.journal_path()).unwrap().len(), 0);
    assert!(!shop.paper_dir().exists(), "nothing printed");

    // An SQLite file of another program: left alone too.
    std::fs::remove_file(shop.journal_path()).unwrap();
    let other = rusqlite::Connection::open(shop.journal_path()).unwrap();
    other
        .execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('borscht');")
        .unwrap();
    drop(other);
    let before = std::fs::read(shop.journal_path()).unwrap();
    let o = shop.pay("100");
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is a database of another program"), "{err}");
    assert!(
        std::fs::read(shop.journal_path()).unwrap() == before,
        "the other program's file must not change"
    );

    // Where no file exists, a journal is made, whole, under its name.
    std::fs::remove_file(shop.journal_path()).unwrap();
    let o = shop.pay("100");
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(shop.journal().schema_version().unwrap(), SCHEMA_VERSION);
    let leftovers: Vec<_> = std::fs::read_dir(shop.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".new-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Accounts, amounts and PIN hashes are for the shop's own account only: the data
/// folder paydesk creates is 0700, the journal, its WAL and index, the log, exports
/// and document copies 0600 — and an older world-readable journal is tightened.
#[test]
fn every_file_paydesk_writes_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data/paydesk");
    let journal = data.join("journal.sqlite");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "training = true\nlanguage = \"en\"\ntimezone = \"UTC\"\n[journal]\npath = {:?}\n",
            journal.display().to_string()
        ),
    )
    .unwrap();
    let paydesk = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"));
        c.arg("--config").arg(&config).env("PAYDESK_LOG", "off");
        c
    };
    let paper = dir.path().join("paper");
    let o = paydesk()
        .args(["shift-open", "--cash", "0"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let o = paydesk()
        .args(["pay", "--operator", "MTS", "--account", "9031234567"])
        .args([
            "--amount",
            "100",
            "--tendered",
            "100",
            "--customer-signed",
            "--out",
        ])
        .arg(&paper)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&dir.path().join("data")), 0o700);
    assert_eq!(mode(&journal), 0o600);
    assert_eq!(mode(&data.join("paydesk.log")), 0o600);
    for f in std::fs::read_dir(&paper).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    // While a connection is open the WAL and its index exist: the journal's mode.
    let open = Journal::open(&journal, &OpenOptions::default()).unwrap();
    assert_eq!(mode(&data.join("journal.sqlite-wal")), 0o600);
    assert_eq!(mode(&data.join("journal.sqlite-shm")), 0o600);
    drop(open);
    for (format, name) in [("csv", "r.csv"), ("xlsx", "r.xlsx")] {
        let file = dir.path().join(name);
        let o = paydesk()
            .args([
                "report",
                "payments",
                "--from",
                "2020-01-01",
                "--to",
                "2100-01-01",
            ])
            .args(["--format", format, "--out"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", out(&o).1);
        assert_eq!(mode(&file), 0o600, "{name}");
    }
    // A journal an older paydesk left 0644 is made owner-only when opened.
    std::fs::set_permissions(&journal, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = paydesk().args(["journal", "verify"]).output().unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(mode(&journal), 0o600);
}

/// `journal backup` while another process takes payments: every backup is a whole
/// moment of the journal (it verifies: chains, replays, gapless numbers), payments go
/// on meanwhile, and only the newest `--keep` stay.
#[test]
fn a_backup_taken_while_payments_are_written_is_consistent_and_checked() {
    let shop = Shop::new();
    shop.ensure_shift();
    let dir = shop.path().join("backups");
    let payments = 15;
    let backups: Vec<std::process::Output> = std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..payments {
                let o = shop.pay(&format!("{}", 100 + i));
                assert!(o.status.success(), "{}", out(&o).1);
            }
        });
        (0..4)
            .map(|_| {
                let o = shop
                    .paydesk()
                    .args(["journal", "backup", "--keep", "3", "--to"])
                    .arg(&dir)
                    .output()
                    .unwrap();
                std::thread::sleep(std::time::Duration::from_millis(300));
                o
            })
            .collect()
    });
    for o in &backups {
        assert!(o.status.success(), "{}", out(o).1);
        assert!(
            out(o).0.contains("Backup written and checked"),
            "{}",
            out(o).0
        );
    }
    let kept = paydesk::journal::backup::list(&dir);
    assert_eq!(kept.len(), 3, "{kept:?}");
    for b in &kept {
        assert_eq!(std::fs::metadata(b).unwrap().mode() & 0o777, 0o600);
        let j = Journal::open(b, &OpenOptions::default()).unwrap();
        let report = j.verify().unwrap();
        assert!(report.is_ok(), "{b:?}: {report:?}");
        assert!(report.payments <= payments);
    }
    assert_eq!(shop.journal().all_payments().unwrap().len(), payments);
    // Nothing half-written is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_backup_folder_that_cannot_be_used_is_reported_and_the_journal_is_untouched() {
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let before = shop.journal().verify().unwrap();
    // A file where the folder should be.
    let blocked = shop.path().join("not-a-folder");
    std::fs::write(&blocked, b"x").unwrap();
    let o = shop
        .paydesk()
        .args(["journal", "backup", "--to"])
        .arg(blocked.join("backups"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = out(&o).1;
    assert!(
        err.contains("No backup was made") && err.contains("--to"),
        "{err}"
    );
    assert_eq!(shop.journal().verify().unwrap(), before);
}

/// The daily backup runs on its own thread and connection: one when none is a day
/// old, none while the newest is; a folder it cannot use is reported, not a crash.
#[test]
fn the_daily_backup_writes_one_when_the_newest_is_a_day_old_and_reports_a_bad_folder() {
    use paydesk::app::config::Backups;
    use paydesk::app::daily_backup::{BackupThread, DAILY, due};
    use std::time::{Duration, Instant, SystemTime};
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let dir = shop.path().join("daily");
    assert!(due(&dir, DAILY, SystemTime::now()), "no backup yet");
    let wait = |t: &BackupThread| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(outcome) = t.latest() {
                return outcome;
            }
            assert!(Instant::now() < deadline, "the backup thread said nothing");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let t = BackupThread::spawn(
        shop.journal_path(),
        Duration::from_secs(5),
        Backups {
            dir: dir.clone(),
            keep: 3,
        },
        DAILY,
        Duration::ZERO,
        || {},
    );
    let written = wait(&t).unwrap();
    assert_eq!(written.payments, 1);
    drop(t);
    assert_eq!(paydesk::journal::backup::list(&dir).len(), 1);
    assert!(!due(&dir, DAILY, SystemTime::now()), "fresh");
    assert!(due(&dir, DAILY, SystemTime::now() + DAILY), "a day later");

    let blocked = shop.path().join("not-a-folder");
    std::fs::write(&blocked, b"x").unwrap();
    let t = BackupThread::spawn(
        shop.journal_path(),
        Duration::from_secs(5),
        Backups {
            dir: blocked.join("backups"),
            keep: 3,
        },
        DAILY,
        Duration::ZERO,
        || {},
    );
    let failed = wait(&t).unwrap_err();
    let said = paydesk::app::messages::backup(paydesk::i18n::Lang::En, &failed);
    assert!(said.contains("No backup was made"), "{said}");
    assert!(shop.journal().verify().unwrap().is_ok());
}

/// `journal restore`: refused while paydesk holds the journal; then the backup is
/// checked and put in place, the replaced journal kept beside it, and what the backup
/// lacks is counted.
#[test]
fn a_backup_is_restored_only_when_paydesk_is_closed_and_the_replaced_journal_is_kept() {
    use std::process::Stdio;
    let shop = Shop::new();
    assert!(shop.pay("100").status.success());
    let dir = shop.path().join("backups");
    let o = shop
        .paydesk()
        .args(["journal", "backup", "--to"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let backup = paydesk::journal::backup::list(&dir).pop().unwrap();
    assert!(shop.pay("200").status.success());

    // A paydesk process with the journal open (stopped in the middle of a payment).
    let mut child = shop
        .paydesk()
        .env(paydesk::crashpoint::STOP_ENV, "signed")
        .args(["pay", "--operator", "MTS", "--account", "9031234567"])
        .args(["--amount", "300", "--tendered", "300", "--customer-signed"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Wait until it is stopped at its stop point (its payment written, the journal
    // still open): the lock alone appears before the payment does.
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
        if stat[stat.rfind(')').unwrap() + 2..].starts_with('T') {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the child never stopped"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(paydesk::journal::backup::holder(&shop.journal_path()).is_some());
    let o = shop
        .paydesk()
        .args(["journal", "restore"])
        .arg(&backup)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o).1.contains("the journal is open in process"),
        "{}",
        out(&o).1
    );
    assert_eq!(shop.journal().all_payments().unwrap().len(), 3, "untouched");
    child.kill().unwrap();
    child.wait().unwrap();

    let o = shop
        .paydesk()
        .args(["journal", "restore"])
        .arg(&backup)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let said = out(&o).0;
    assert!(
        said.contains("Restored from") && said.contains("1 payments"),
        "{said}"
    );
    assert!(said.contains("came after the backup"), "{said}");
    let j = shop.journal();
    assert_eq!(j.all_payments().unwrap().len(), 1);
    assert!(j.verify().unwrap().is_ok());
    let kept: Vec<_> = std::fs::read_dir(shop.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".replaced-"))
        .collect();
    assert!(!kept.is_empty(), "the replaced journal is kept");

    // A damaged backup is refused and nothing changes.
    let bad = shop.path().join("bad.sqlite");
    std::fs::write(&bad, b"not a journal").unwrap();
    let o = shop
        .paydesk()
        .args(["journal", "restore"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).1.contains("Not restored"), "{}", out(&o).1);
    assert_eq!(shop.journal().all_payments().unwrap().len(), 1);
    assert!(!shop.path().join(".paydesk-restore.partial").exists());
}
