//! The payments report on a 1,000,000-payment journal: paydesk's report code against
//! the same SQL through the `sqlite3` command-line tool on the same file (goal ≤ 1.5×),
//! and the report screen's frame time with those rows against an empty screen (goal
//! ≤ 2×). `cargo bench --bench report` prints the figures; nothing is asserted.
//! `PAYDESK_BENCH_ROWS` changes the size.

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, TimeZone, Utc};
use egui_kittest::Harness;
use paydesk::app::till::demo_catalogue;
use paydesk::domain::operator::Catalogue;
use paydesk::i18n::{Currency, Lang};
use paydesk::journal::report::{PaymentsFilter, payments_sql};
use paydesk::journal::{Journal, OpenOptions, timestamp};
use paydesk::ui::reports::{ReportsState, View, show};
use rusqlite::types::Value;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Fills the journal's payments table directly (one transaction): a year of
/// payments across the demo operators.
fn generate(path: &std::path::Path, n: usize, catalogue: &Catalogue) {
    drop(Journal::open(path, &OpenOptions::default()).unwrap());
    let mut db = rusqlite::Connection::open(path).unwrap();
    let tx = db.transaction().unwrap();
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO payments (id, terminal_id, operator_code, operator_name, operator_tax_id,
                 legal_entity, account, amount_minor, fee_minor, total_minor, cashier, created_at,
                 updated_at, state, pre_receipt_no, tendered_minor, change_minor, fiscal_receipt_no,
                 shift_no, accepted_at, delivery, hub_status)
                 VALUES (?1, 'T-01', ?2, ?3, ?4, ?5, ?6, ?7, 0, ?7, 'Анна', ?8, ?8, 'fiscalized',
                 ?9, ?7, 0, ?9, 1, ?8, 'delivered', 'completed')",
            )
            .unwrap();
        let start = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
        let step = 365 * 24 * 3600 * 1000 / n as i64;
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let op = &catalogue.operators[(seed % catalogue.operators.len() as u64) as usize];
            let account = format!("9{:09}", seed % 1_000_000_000);
            let at = timestamp(start + Days::milliseconds(i as i64 * step));
            stmt.execute(rusqlite::params![
                uuid::Uuid::now_v7().to_string(),
                op.code.as_str(),
                op.name,
                op.tax_id,
                op.legal_entity,
                account,
                10_000 + (seed % 500_000) as i64,
                at,
                i as i64 + 1,
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
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

fn main() {
    let n: usize = std::env::var("PAYDESK_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let catalogue = demo_catalogue("RUB");
    let t = Instant::now();
    generate(&path, n, &catalogue);
    println!(
        "generated {n} payments in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let journal = Journal::open(&path, &OpenOptions::default()).unwrap();

    // A month, one operator, part of an account number.
    let f = PaymentsFilter {
        from: Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
        operator: Some("MTS".into()),
        account: Some("903".into()),
        status: None,
    };
    let rows = journal.payments_report(&f).unwrap().len();
    let ours = median(
        (0..15)
            .map(|_| {
                let t = Instant::now();
                let r = journal.payments_report(&f).unwrap();
                let d = t.elapsed();
                assert_eq!(r.len(), rows);
                d
            })
            .collect(),
    );
    let (sql, params) = payments_sql(&f);
    let sql = inline(&sql, &params);
    let cli = if Command::new("sqlite3").arg("-version").output().is_ok() {
        Some(median(
            (0..15)
                .map(|_| {
                    let t = Instant::now();
                    let o = Command::new("sqlite3")
                        .arg(&path)
                        .arg(&sql)
                        .output()
                        .unwrap();
                    let d = t.elapsed();
                    assert_eq!(o.stdout.iter().filter(|b| **b == b'\n').count(), rows);
                    d
                })
                .collect(),
        ))
    } else {
        None
    };
    println!("payments report, March 2026 + MTS + account part \"903\": {rows} rows");
    println!(
        "  paydesk report code:  median {:>9.2} ms",
        ours.as_secs_f64() * 1e3
    );
    match cli {
        Some(c) => {
            println!(
                "  sqlite3 command line: median {:>9.2} ms (process start included)",
                c.as_secs_f64() * 1e3
            );
            println!(
                "  ratio paydesk / sqlite3: {:.2} (goal ≤ 1.5)",
                ours.as_secs_f64() / c.as_secs_f64()
            );
        }
        None => println!("  sqlite3 command line: not installed (apt-get install sqlite3)"),
    }

    // The report screen's frame with every row loaded vs an empty one.
    let all = PaymentsFilter {
        from: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        operator: None,
        account: None,
        status: None,
    };
    let t = Instant::now();
    let all_rows = journal.payments_report(&all).unwrap();
    println!(
        "loading all {} rows for the screen: {:.2} s",
        all_rows.len(),
        t.elapsed().as_secs_f64()
    );
    let currency = Currency::default();
    let frame = |rows: Vec<paydesk::journal::report::ReportRow>| -> Duration {
        let mut state = ReportsState::today(chrono_tz::Europe::Moscow);
        state.set_rows(rows);
        let catalogue = catalogue.clone();
        let currency = currency.clone();
        let mut fonts_installed = false;
        let mut h = Harness::builder()
            .with_size([1280.0, 900.0])
            .build_ui_state(
                move |ui, s: &mut ReportsState| {
                    // Fonts first, as the app does at start (they apply from the next
                    // frame; the default fonts lack ₽).
                    if !fonts_installed {
                        paydesk::ui::style::install(ui.ctx());
                        fonts_installed = true;
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
    };
    let empty = frame(Vec::new());
    let page = frame(all_rows[..40].to_vec());
    let full = frame(all_rows);
    println!("report screen frame (egui_kittest step):");
    println!(
        "  empty:          median {:>8.2} ms",
        empty.as_secs_f64() * 1e3
    );
    println!(
        "  40 rows (one screenful): median {:>8.2} ms",
        page.as_secs_f64() * 1e3
    );
    println!("  {n} rows: median {:>8.2} ms", full.as_secs_f64() * 1e3);
    println!(
        "  ratio to empty: {:.2} (goal ≤ 2); to one screenful: {:.2}",
        full.as_secs_f64() / empty.as_secs_f64(),
        full.as_secs_f64() / page.as_secs_f64()
    );
}
