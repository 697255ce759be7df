//! A journal of many years: the same measurements on a journal of 1,000 payments and
//! one of 1,000,000 (`PAYDESK_BENCH_ROWS`), printed side by side. Both are written as
//! paydesk writes them — through the journal's own API, every payment with its events
//! in the audit chain (created, pre-receipt printed, signed, cash taken, receipt
//! printed) and delivered to the hub with its push recorded — not bare rows.
//!
//! `cargo bench --bench journal_size` prints:
//! - open-to-ready of the till service (the till thread's `Ready`) and of
//!   `paydesk operators` as a process;
//! - the GUI's first usable screen (egui_kittest, no GPU);
//! - the report screen: its first page, a page found by position at the end, and its
//!   frame time against one screenful;
//! - a whole-period CSV export (time against `sqlite3 -csv` of the same query, peak
//!   RSS) and XLSX (peak RSS);
//! - the full background check's time, and each durable payment step's time while it
//!   runs against before it;
//! - the GUI's peak memory through a shift of 500 payments with the reports opened
//!   (a child process, so the figure is its own).
//!
//! Nothing is asserted. Building the large journal takes minutes (it is written on
//! `/dev/shm` when there is one, then copied to disk); `PAYDESK_BENCH_DIR` keeps the
//! journals between runs.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use paydesk::app::config::{Config, ConfigFile, JournalSection, PrinterSection};
use paydesk::app::journal_check::{CheckNews, CheckThread, JournalHealth, check_once};
use paydesk::app::report_thread::{self, PAGE_ROWS};
use paydesk::app::till::{Till, demo_catalogue};
use paydesk::app::worker::{Reply, TillWorker};
use paydesk::domain::delivery::{AttemptOutcome, HubAnswer};
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::hub::HubStatus;
use paydesk::domain::money::Money;
use paydesk::domain::payment::{OperatorSnapshot, PaymentDetails, PaymentEvent, PaymentId};
use paydesk::domain::user::{Pin, Role, UserName};
use paydesk::i18n::{Currency, Lang};
use paydesk::journal::report::{PaymentsFilter, payments_sql};
use paydesk::journal::{Journal, OpenOptions, PushResult};
use paydesk::ui::reports::{ReportsState, View, show};
use paydesk::ui::{PaydeskApp, Phase};
use rusqlite::types::Value;

const OPERATORS: [&str; 4] = ["MTS", "BEELINE", "MEGAFON", "DOMRU"];

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The whole period the generated payments fall in.
fn whole() -> PaymentsFilter {
    PaymentsFilter {
        from: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        operator: None,
        account: None,
        status: None,
    }
}

/// Writes `n` payments through the journal's API: three years of a busy shop.
fn build(path: &Path, n: usize) {
    let mut j = Journal::open(path, &OpenOptions::default()).unwrap();
    let catalogue = demo_catalogue("RUB");
    let start = Utc.with_ymd_and_hms(2023, 12, 1, 8, 0, 0).unwrap();
    let step = (3 * 365 * 24 * 3600 * 1000i64) / n as i64;
    let mut batch: Vec<PushResult> = Vec::new();
    let t = Instant::now();
    for i in 0..n {
        let op = OPERATORS[i % OPERATORS.len()];
        let account = match op {
            "DOMRU" => format!(
                "{:012}",
                100_000_000_000u64 + (i as u64 * 7919) % 899_999_999_999
            ),
            _ => format!("9{:09}", (i as u64 * 104_729) % 1_000_000_000),
        };
        let q = entry::validate(
            &catalogue,
            &PaymentInput {
                operator_code: Some(op.into()),
                account,
                amount: format!("{}", 50 + (i * 37) % 5000),
            },
            Money::parse("15000").unwrap(),
        )
        .unwrap();
        let details = PaymentDetails {
            id: PaymentId::new(),
            terminal_id: "TRAIN-01".into(),
            operator: OperatorSnapshot::from(&q.operator),
            account: q.account.clone(),
            amount: q.amount,
            fee: q.fee,
            total: q.total,
            created_at: start + chrono::Duration::milliseconds(i as i64 * step),
            cashier: ["Анна", "Борис"][i % 2].into(),
        };
        let actor = details.cashier.clone();
        let mut p = j.start_pre_receipt(&details, &actor).unwrap();
        p = j
            .record(&p, PaymentEvent::PreReceiptPrinted, &actor)
            .unwrap();
        p = j.record(&p, PaymentEvent::CustomerSigned, &actor).unwrap();
        p = j.take_cash(&p, q.total, true, &actor).unwrap();
        p = j.record(&p, PaymentEvent::FiscalPrinted, &actor).unwrap();
        batch.push(PushResult {
            id: p.id(),
            attempt: 1,
            epoch: 1,
            outcome: AttemptOutcome::Delivered {
                status: HubStatus::Completed,
            },
            status: Some(HubAnswer {
                id: p.id(),
                status: HubStatus::Completed,
                reason: None,
                amount: Some(q.amount),
            }),
        });
        if batch.len() == 1000 || i + 1 == n {
            j.record_pushes(&batch, "sync", Utc::now()).unwrap();
            batch.clear();
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "  … {} payments written ({:.0} s)",
                i + 1,
                t.elapsed().as_secs_f64()
            );
        }
    }
}

/// The journal of `n` payments in `dir`, built (on `/dev/shm` when there is one) unless
/// it is there from an earlier run.
fn journal_of(dir: &Path, n: usize) -> PathBuf {
    // Each journal in its own folder: the training hub keeps its store beside the
    // journal, and one hub binds a terminal to one journal.
    let folder = dir.join(format!("{n}"));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("journal-v2.sqlite");
    // A kept journal somebody logged into (a GUI session on it) is no longer the
    // bench's: commands would need a user. Built again.
    if path.exists()
        && Journal::open(&path, &OpenOptions::default())
            .and_then(|j| j.has_users())
            .unwrap_or(true)
    {
        std::fs::remove_dir_all(&folder).unwrap();
        std::fs::create_dir_all(&folder).unwrap();
    }
    if path.exists() {
        // Kept from an earlier run: brought to this build's schema before measuring.
        let t = Instant::now();
        drop(Journal::open(&path, &OpenOptions::default()).unwrap());
        println!(
            "journal of {n} payments from an earlier run, opened (migrated) in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        return path;
    }
    let t = Instant::now();
    let shm = Path::new("/dev/shm");
    let scratch = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir_in(dir).unwrap()
    };
    let built = scratch.path().join("journal.sqlite");
    build(&built, n);
    // The journal's API stamps "now": move each payment's acceptance and last change
    // back to when it was made, as three years of use would have them (rows only;
    // the events keep their times and their chain).
    rusqlite::Connection::open(&built)
        .unwrap()
        .execute_batch(
            "UPDATE payments SET accepted_at = created_at, updated_at = created_at,
                 hub_status_at = created_at",
        )
        .unwrap();
    // Checkpointed into the main file (no connection left), then onto the disk.
    std::fs::copy(&built, &path).unwrap();
    println!(
        "built a journal of {n} payments in {:.0} s: {} MB",
        t.elapsed().as_secs_f64(),
        std::fs::metadata(&path).unwrap().len() / 1_000_000
    );
    path
}

/// A training config for `journal` in `dir` (written to `dir/config.toml` too).
fn config(dir: &Path, journal: &Path) -> Config {
    let text = format!(
        "training = true\nlanguage = \"ru\"\ntimezone = \"Europe/Moscow\"\n[journal]\npath = {:?}\n",
        journal.display().to_string()
    );
    std::fs::write(dir.join("config.toml"), text).unwrap();
    let file = ConfigFile {
        training: Some(true),
        language: Some(Lang::Ru),
        timezone: Some("Europe/Moscow".into()),
        journal: Some(JournalSection {
            path: Some(journal.to_path_buf()),
            ..JournalSection::default()
        }),
        printer: Some(PrinterSection::default()),
        ..ConfigFile::default()
    };
    Config::resolve(file, false, &dir.join("config.toml")).unwrap()
}

/// Runs `program` with `args` (stdout discarded); its wall time, its own peak RSS in
/// kB and whether it succeeded. The RSS comes from GNU time's `%M` when
/// `/usr/bin/time` is there: `wait4` of a child spawned from this big process counts
/// the pages it shared before `exec`.
fn run_measured(program: &OsStr, args: &[OsString]) -> (Duration, i64, bool) {
    let time = Path::new("/usr/bin/time");
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(report.path())
            .arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).stdout(std::process::Stdio::null());
    let t = Instant::now();
    let status = cmd.status().unwrap();
    let elapsed = t.elapsed();
    let rss = std::fs::read_to_string(report.path())
        .ok()
        .and_then(|s| s.trim().lines().last().and_then(|l| l.trim().parse().ok()))
        .unwrap_or(-1);
    (elapsed, rss, status.success())
}

/// One size's figures.
#[derive(Default)]
struct Figures {
    rows: Vec<(String, String)>,
}

impl Figures {
    fn add(&mut self, what: &str, value: String) {
        self.rows.push((what.to_string(), value));
    }
}

fn till_ready(config: &Config) -> Duration {
    median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                let w = TillWorker::spawn(config.clone(), || {});
                loop {
                    match w.try_recv() {
                        Some(Reply::Ready { .. }) => break,
                        Some(Reply::OpenFailed(e)) => panic!("{e}"),
                        _ => std::thread::sleep(Duration::from_micros(200)),
                    }
                }
                t.elapsed()
            })
            .collect(),
    )
}

fn gui_first_screen(config: &Config) -> Duration {
    median(
        (0..3)
            .map(|_| {
                let config = config.clone();
                let t = Instant::now();
                let mut h = Harness::builder()
                    .with_size([1024.0, 600.0])
                    .build_eframe(move |cc| PaydeskApp::new(cc, config));
                while !matches!(h.state().phase, Phase::Ready(_)) {
                    h.step();
                }
                h.step();
                t.elapsed()
            })
            .collect(),
    )
}

fn report_frame(state: ReportsState) -> Duration {
    let catalogue = demo_catalogue("RUB");
    let currency = Currency::default();
    let mut fonts = false;
    let mut h = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_ui_state(
            move |ui, s: &mut ReportsState| {
                if !fonts {
                    paydesk::ui::style::install(ui.ctx());
                    fonts = true;
                    return;
                }
                let v = View {
                    lang: Lang::Ru,
                    tz: chrono_tz::Europe::Moscow,
                    currency: &currency,
                    catalogue: &catalogue,
                    shift: Some(1),
                    may_manage_shift: true,
                    fiscal_register: false,
                };
                let _ = show(ui, s, &v);
            },
            state,
        );
    for _ in 0..5 {
        h.step();
    }
    median(
        (0..30)
            .map(|_| {
                let t = Instant::now();
                h.step();
                t.elapsed()
            })
            .collect(),
    )
}

/// The SQL with its parameters written in, for the command-line tool.
fn inline(sql: &str, params: &[Value]) -> String {
    let mut s = sql.to_string();
    for (i, p) in params.iter().enumerate().rev() {
        let Value::Text(t) = p else { unreachable!() };
        s = s.replace(
            &format!("?{}", i + 1),
            &format!("'{}'", t.replace('\'', "''")),
        );
    }
    s
}

/// Payments through the till while the full check runs: each durable step's time,
/// before the check and during it.
/// "median / p99 / max (n over 50 ms)" of step times.
fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let over = v.iter().filter(|d| **d > Duration::from_millis(50)).count();
    format!(
        "{} / {} / {} ({over} of {} > 50 ms)",
        ms(v[v.len() / 2]),
        ms(v[v.len() * 99 / 100]),
        ms(*v.last().expect("some steps")),
        v.len()
    )
}

fn steps_during_check(dir: &Path, journal: &Path) -> (String, String, Duration, usize) {
    let copy = dir.join("during-check.sqlite");
    std::fs::copy(journal, &copy).unwrap();
    // The copy on the disk first: gigabytes still being written back would stall
    // every fsync of the payments measured below.
    std::fs::File::open(&copy).unwrap().sync_all().unwrap();
    let cfg_dir = tempfile::tempdir().unwrap();
    let config = config(cfg_dir.path(), &copy);
    let mut till = Till::open(&config).unwrap();
    if till.shifts().current().unwrap().is_none() {
        till.shifts().open(Money::parse("1000").unwrap()).unwrap();
    }
    let catalogue = till.rules().catalogue().clone();
    let q = entry::validate(
        &catalogue,
        &PaymentInput {
            operator_code: Some("MTS".into()),
            account: "9031234567".into(),
            amount: "100".into(),
        },
        till.rules().max_payment(),
    )
    .unwrap();
    let pay = |till: &mut Till| -> Vec<Duration> {
        let mut steps = Vec::new();
        let t = Instant::now();
        let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
        steps.push(t.elapsed());
        let t = Instant::now();
        till.payments().customer_signed(id).unwrap();
        steps.push(t.elapsed());
        let t = Instant::now();
        till.payments().take_cash(id, q.total).unwrap();
        steps.push(t.elapsed());
        steps
    };
    // As many steps as the check will see, without it.
    let mut before = Vec::new();
    for _ in 0..3_000 {
        before.extend(pay(&mut till));
    }
    let health = JournalHealth::new();
    let (tx, rx) = std::sync::mpsc::channel();
    let _check = CheckThread::spawn(
        copy.clone(),
        Duration::from_secs(5),
        health,
        Duration::ZERO,
        move |n| {
            let _ = tx.send(n);
        },
    );
    let mut during = Vec::new();
    let t = Instant::now();
    let verdict = loop {
        during.extend(pay(&mut till));
        match rx.try_recv() {
            Ok(CheckNews::Running(_)) | Err(_) => {}
            Ok(n) => break n,
        }
    };
    let check_time = t.elapsed();
    assert!(matches!(verdict, CheckNews::Checked { .. }), "{verdict:?}");
    let n = during.len();
    drop(till);
    let _ = std::fs::remove_file(&copy);
    (stats(before), stats(during), check_time, n)
}

fn measure(dir: &Path, journal: &Path, n: usize) -> Figures {
    let mut f = Figures::default();
    if std::env::var("PAYDESK_BENCH_ONLY").as_deref() == Ok("check") {
        let (before, during, check, _) = steps_during_check(dir, journal);
        f.add("payment step median / p99 / max: without the check", before);
        f.add(
            "payment step median / p99 / max: while the check runs",
            format!("{during} in {:.1} s", check.as_secs_f64()),
        );
        return f;
    }
    let cfg_dir = tempfile::tempdir_in(dir).unwrap();
    let config = config(cfg_dir.path(), journal);
    f.add(
        "journal file",
        format!(
            "{} MB",
            std::fs::metadata(journal).unwrap().len() / 1_000_000
        ),
    );
    f.add(
        "till service open-to-ready (median of 5)",
        ms(till_ready(&config)),
    );
    let bin = env!("CARGO_BIN_EXE_paydesk");
    let operators = median(
        (0..5)
            .map(|_| {
                let (d, _, ok) = run_measured(
                    bin.as_ref(),
                    &[
                        "--config".into(),
                        cfg_dir.path().join("config.toml").into(),
                        "operators".into(),
                    ],
                );
                assert!(ok);
                d
            })
            .collect(),
    );
    f.add("`paydesk operators` process (median of 5)", ms(operators));
    f.add(
        "GUI first usable screen (median of 3)",
        ms(gui_first_screen(&config)),
    );

    // The report screen.
    let j = Journal::open(journal, &OpenOptions::default()).unwrap();
    let all = whole();
    let first = median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                let _ = report_thread::open(&j, &all).unwrap();
                t.elapsed()
            })
            .collect(),
    );
    f.add("report: first page (all rows when ≤ 5 000)", ms(first));
    let t = Instant::now();
    let _ = j.report_summary(&all).unwrap();
    f.add(
        "report: count and sums (one aggregate, after the page)",
        ms(t.elapsed()),
    );
    let last = n.div_ceil(PAGE_ROWS) - 1;
    let t = Instant::now();
    let _ = report_thread::page(&j, &all, last, None).unwrap();
    f.add("report: last page found by position", ms(t.elapsed()));
    let mut big = ReportsState::today(chrono_tz::Europe::Moscow);
    big.set_table(report_thread::open(&j, &all).unwrap());
    big.set_summary(&all, j.report_summary(&all).unwrap());
    let mut screenful = ReportsState::today(chrono_tz::Europe::Moscow);
    screenful.set_rows(j.report_page(&all, None, 40).unwrap().rows);
    let (fb, fs) = (report_frame(big), report_frame(screenful));
    f.add(
        "report frame: whole period / one screenful",
        format!(
            "{} / {} = {:.2}",
            ms(fb),
            ms(fs),
            fb.as_secs_f64() / fs.as_secs_f64()
        ),
    );

    // Exports of the whole period, as processes (their own peak memory).
    let out = tempfile::tempdir_in(dir).unwrap();
    let report = |format: &str, file: &str| {
        let mut args: Vec<OsString> =
            vec!["--config".into(), cfg_dir.path().join("config.toml").into()];
        for a in [
            "report",
            "payments",
            "--from",
            "2020-01-01",
            "--to",
            "2029-12-31",
            "--format",
            format,
            "--out",
        ] {
            args.push(a.into());
        }
        args.push(out.path().join(file).into());
        run_measured(bin.as_ref(), &args)
    };
    let (csv_time, csv_rss, ok) = report("csv", "all.csv");
    assert!(ok);
    let (sql, params) = payments_sql(&all);
    let sql = inline(&sql, &params);
    let (sqlite_time, _, sqlite_ok) = run_measured(
        "sqlite3".as_ref(),
        &["-csv".into(), journal.into(), sql.into()],
    );
    f.add(
        "CSV export: time, against sqlite3 -csv",
        if sqlite_ok {
            format!(
                "{} vs {} = {:.2}",
                ms(csv_time),
                ms(sqlite_time),
                csv_time.as_secs_f64() / sqlite_time.as_secs_f64()
            )
        } else {
            format!("{} (sqlite3 not installed)", ms(csv_time))
        },
    );
    f.add("CSV export: peak RSS", format!("{} MB", csv_rss / 1024));
    let (xlsx_time, xlsx_rss, ok) = report("xlsx", "all.xlsx");
    assert!(ok);
    f.add(
        "XLSX export: time, peak RSS",
        format!("{}, {} MB", ms(xlsx_time), xlsx_rss / 1024),
    );

    // The full check, and payments while it runs.
    let t = Instant::now();
    let news = check_once(journal, Duration::from_secs(5), &mut |_| {});
    assert!(matches!(news, CheckNews::Checked { .. }), "{news:?}");
    f.add("full check (integrity + chains + replay)", ms(t.elapsed()));
    let (before, during, check, _steps) = steps_during_check(dir, journal);
    f.add("payment step median / p99 / max: without the check", before);
    f.add(
        "payment step median / p99 / max: while the check runs",
        format!("{during} in {:.1} s", check.as_secs_f64()),
    );
    f
}

/// The GUI through a shift in a child process: 500 payments by the cashier screen,
/// then the reports of the whole period; its peak RSS.
fn gui_shift_child(journal: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("journal.sqlite");
    std::fs::copy(journal, &copy).unwrap();
    std::fs::File::open(&copy).unwrap().sync_all().unwrap();
    {
        let mut j = Journal::open(&copy, &OpenOptions::default()).unwrap();
        if j.user("Ада").unwrap().is_none() {
            j.create_user(
                &UserName::parse("Ада").unwrap(),
                Role::Admin,
                &Pin::parse("2468").unwrap(),
                None,
            )
            .unwrap();
        }
        if j.current_shift("TRAIN-01").unwrap().is_none() {
            j.open_shift("TRAIN-01", Money::parse("1000").unwrap(), "Ада")
                .unwrap();
        }
    }
    let mut config = config(dir.path(), &copy);
    config.lang = Lang::En;
    let mut h = Harness::builder()
        .with_size([1280.0, 900.0])
        .with_max_steps(24)
        .build_eframe(move |cc| PaydeskApp::new(cc, config));
    let settle = |h: &mut Harness<'static, PaydeskApp>| {
        loop {
            h.step();
            if !h.state().is_busy() && matches!(h.state().phase, Phase::Ready(_)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        h.run();
    };
    settle(&mut h);
    let click = |h: &mut Harness<'static, PaydeskApp>, label: &str| {
        h.get_by_label(label).click();
        settle(h);
    };
    let type_into = |h: &mut Harness<'static, PaydeskApp>, label: &str, text: &str| {
        h.get_by_label(label).focus();
        h.run();
        h.get_by_label(label).type_text(text);
        h.run();
    };
    let stage = |what: &str| {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let get = |key: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or("?")
                .trim()
                .to_string()
        };
        eprintln!("{what}: VmRSS {} VmHWM {}", get("VmRSS:"), get("VmHWM:"));
    };
    stage("first screen");
    click(&mut h, "Ада");
    type_into(&mut h, "PIN", "2468");
    click(&mut h, "Log in");
    let t = Instant::now();
    for i in 0..500 {
        if i % 100 == 0 {
            stage(&format!("payment {i}, {:.0} s", t.elapsed().as_secs_f64()));
        }
        click(&mut h, "MTS — МТС");
        // The training hub knows this account (and refuses made-up ones).
        type_into(&mut h, "Account number", "9031234567");
        type_into(&mut h, "Amount", "100");
        click(&mut h, "Print pre-receipt (Enter)");
        click(&mut h, "Customer signed (Enter)");
        type_into(&mut h, "Cash received", "100");
        click(&mut h, "Cash taken — print payment confirmation (Enter)");
        click(&mut h, "New payment (Enter)");
    }
    let shift = t.elapsed();
    stage("after 500 payments");
    click(&mut h, "Reports");
    for (label, value) in [("From", "2020-01-01"), ("To", "2029-12-31")] {
        h.get_by_label(label).focus();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.key_press(egui::Key::Backspace);
        h.run();
        h.get_by_label(label).type_text(value);
        h.run();
    }
    // A large report shows a spinner while it counts: step, never wait to settle.
    h.get_by_label("Show (Enter)").click();
    for _ in 0..50 {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    stage("reports shown");
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("{hwm_kb} {:.0}", shift.as_secs_f64());
}

fn main() {
    if let Ok(journal) = std::env::var("PAYDESK_BENCH_GUI_SHIFT") {
        gui_shift_child(Path::new(&journal));
        return;
    }
    let big: usize = std::env::var("PAYDESK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var("PAYDESK_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir).unwrap();
    let sizes = [1_000, big];
    let journals: Vec<PathBuf> = sizes.iter().map(|n| journal_of(&dir, *n)).collect();
    let figures: Vec<Figures> = sizes
        .iter()
        .zip(&journals)
        .map(|(n, j)| measure(&dir, j, *n))
        .collect();
    // The GUI through a shift, each size in its own process.
    let only_check = std::env::var("PAYDESK_BENCH_ONLY").as_deref() == Ok("check");
    let shift: Vec<String> = journals
        .iter()
        .filter(|_| !only_check)
        .map(|j| {
            let o = Command::new(std::env::current_exe().unwrap())
                .env("PAYDESK_BENCH_GUI_SHIFT", j)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&o.stdout);
            match text.lines().last().and_then(|l| l.split_once(' ')) {
                Some((kb, secs)) => format!(
                    "{} MB peak ({secs} s for 500)",
                    kb.parse::<u64>().unwrap_or(0) / 1024
                ),
                None => format!("failed: {}", String::from_utf8_lossy(&o.stderr)),
            }
        })
        .collect();

    println!();
    println!(
        "{:<58} {:>28} {:>34}",
        "",
        format!("{} payments", sizes[0]),
        format!("{} payments", sizes[1])
    );
    for i in 0..figures[0].rows.len() {
        println!(
            "{:<58} {:>28} {:>34}",
            figures[0].rows[i].0, figures[0].rows[i].1, figures[1].rows[i].1
        );
    }
    if let [small, large] = &shift[..] {
        println!(
            "{:<58} {:>28} {:>34}",
            "GUI through a shift of 500 payments + reports (RSS)", small, large
        );
    }
    println!();
    println!(
        "goals: open ≤ 50 ms and ≤ 1.2× between sizes; first screen ≤ 0.5 s; first page \
         ≤ 50 ms; frame ≤ 1.1× a screenful; CSV ≤ 1.5× sqlite3, ≤ 64 MB (XLSX too); GUI \
         ≤ 150 MB; no step slower by more than 50 ms during the check"
    );
}
