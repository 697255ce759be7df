//! The payments report on a generated journal (real SQLite file): rows and totals
//! against a plain in-memory filter of the same payments for random filters, the
//! query plans, and the CSV and XLSX exports read back.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use paydesk::app::till::demo_catalogue;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::domain::payment::{
    OperatorSnapshot, Payment, PaymentDetails, PaymentEvent, PaymentId, StateName, VoidReason,
};
use paydesk::i18n::{Currency, Lang};
use paydesk::journal::report::{PaymentsFilter, ReportRow, StatusFilter, Totals};
use paydesk::journal::{Journal, OpenOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestRunner};

const OPERATORS: [&str; 4] = ["MTS", "BEELINE", "MEGAFON", "DOMRU"];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 1, 6, 0, 0).unwrap()
}

/// `n` payments over 30 days, one every ~7 hours: accepted, voided or left unfinished.
fn generate(path: &std::path::Path, n: usize) -> (Journal, Vec<Payment>) {
    let mut j = Journal::open(path, &OpenOptions::default()).unwrap();
    let catalogue = demo_catalogue("RUB");
    let mut payments = Vec::new();
    for i in 0..n {
        let op = OPERATORS[i % OPERATORS.len()];
        let account = match op {
            "DOMRU" => format!(
                "{:012}",
                100_000_000_000u64 + (i as u64 * 7919) % 900_000_000_000
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
            terminal_id: "T-01".into(),
            operator: OperatorSnapshot::from(&q.operator),
            account: q.account.clone(),
            amount: q.amount,
            fee: q.fee,
            total: q.total,
            created_at: start() + Duration::minutes(i as i64 * 431),
            cashier: ["Анна", "Борис"][i % 2].into(),
        };
        let mut p = j.start_pre_receipt(&details, "test").unwrap();
        p = j
            .record(&p, PaymentEvent::PreReceiptPrinted, "test")
            .unwrap();
        match i % 10 {
            0 => {
                p = j
                    .record(
                        &p,
                        PaymentEvent::Voided {
                            reason: VoidReason::CustomerRefused,
                        },
                        "test",
                    )
                    .unwrap()
            }
            1 => {}
            _ => {
                p = j.record(&p, PaymentEvent::CustomerSigned, "test").unwrap();
                p = j.take_cash(&p, q.total, true, "test").unwrap();
                p = j.record(&p, PaymentEvent::FiscalPrinted, "test").unwrap();
            }
        }
        payments.push(p);
    }
    (j, payments)
}

/// The same filter, written the obvious way over the payments in memory.
fn by_hand(payments: &[Payment], f: &PaymentsFilter) -> Vec<String> {
    let mut rows: Vec<&Payment> = payments
        .iter()
        .filter(|p| p.details.created_at >= f.from && p.details.created_at < f.to)
        .filter(|p| {
            f.operator
                .as_deref()
                .is_none_or(|o| p.details.operator.code.as_str() == o)
        })
        .filter(|p| {
            f.account
                .as_deref()
                .is_none_or(|a| p.details.account.contains(a))
        })
        .filter(|p| match f.status {
            None => true,
            Some(StatusFilter::Accepted) => p.state.name() == StateName::Fiscalized,
            Some(StatusFilter::Voided) => p.state.name() == StateName::Voided,
            Some(StatusFilter::Unfinished) => {
                !matches!(p.state.name(), StateName::Fiscalized | StateName::Voided)
            }
            Some(other) => panic!("not modelled: {other:?}"),
        })
        .collect();
    rows.sort_by_key(|p| (p.details.created_at, p.id().to_string()));
    rows.iter().map(|p| p.id().to_string()).collect()
}

#[test]
fn rows_and_totals_match_a_plain_filter_for_random_filters() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, payments) = generate(&dir.path().join("j.sqlite"), 120);
    let accounts: Vec<String> = payments.iter().map(|p| p.details.account.clone()).collect();
    let filters = (
        0i64..720,
        1i64..720,
        proptest::option::of(0usize..OPERATORS.len()),
        proptest::option::of((0usize..accounts.len(), 0usize..8, 1usize..5)),
        proptest::option::of(0usize..3),
    );
    let mut runner = TestRunner::new(PropConfig {
        cases: 200,
        ..PropConfig::default()
    });
    runner
        .run(&filters, |(from_h, len_h, op, acc, status)| {
            let f = PaymentsFilter {
                from: start() + Duration::hours(from_h),
                to: start() + Duration::hours(from_h + len_h),
                operator: op.map(|i| OPERATORS[i].to_string()),
                // Any part of some real account number.
                account: acc.map(|(i, at, len)| {
                    let a = &accounts[i];
                    let at = at.min(a.len() - 1);
                    a[at..(at + len).min(a.len())].to_string()
                }),
                status: status.map(|s| StatusFilter::ALL[s].0),
            };
            let rows = journal.payments_report(&f).unwrap();
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            prop_assert_eq!(&ids, &by_hand(&payments, &f));
            // Only the cash taken is summed: voided and unfinished payments are listed
            // but not counted.
            let t = Totals::of(&rows);
            let taken: Vec<&ReportRow> = rows.iter().filter(|r| r.state == "fiscalized").collect();
            let sum = |m: fn(&ReportRow) -> Money| taken.iter().map(|r| m(r).minor()).sum::<i64>();
            prop_assert_eq!(t.count as usize, taken.len());
            prop_assert_eq!(t.amount.minor(), sum(|r| r.amount));
            prop_assert_eq!(t.fee.minor(), sum(|r| r.fee));
            prop_assert_eq!(t.total.minor(), t.amount.minor() + t.fee.minor());
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_report_query_uses_an_index_not_a_scan_of_payments() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = generate(&dir.path().join("j.sqlite"), 20);
    let base = PaymentsFilter {
        from: start(),
        to: start() + Duration::days(7),
        operator: None,
        account: None,
        status: None,
    };
    let cases = [
        (base.clone(), "payments_created_at"),
        (
            PaymentsFilter {
                operator: Some("MTS".into()),
                ..base.clone()
            },
            "payments_operator_created",
        ),
        (
            PaymentsFilter {
                account: Some("4567".into()),
                status: Some(StatusFilter::Accepted),
                ..base.clone()
            },
            "payments_created_at",
        ),
        (
            PaymentsFilter {
                operator: Some("DOMRU".into()),
                account: Some("1000".into()),
                status: Some(StatusFilter::Unfinished),
                ..base.clone()
            },
            "payments_operator_created",
        ),
    ];
    for (f, index) in cases {
        let plan = journal.payments_report_plan(&f).unwrap().join(" | ");
        assert!(
            plan.contains(&format!("USING INDEX {index}")),
            "{f:?}: {plan}"
        );
        assert!(!plan.contains("SCAN payments"), "{f:?}: {plan}");
    }
}

#[test]
fn csv_and_xlsx_read_back_equal_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = generate(&dir.path().join("j.sqlite"), 40);
    let f = PaymentsFilter {
        from: start(),
        to: start() + Duration::days(30),
        operator: None,
        account: None,
        status: None,
    };
    let rows = journal.payments_report(&f).unwrap();
    assert_eq!(rows.len(), 40);
    let tz = chrono_tz::Europe::Moscow;

    // CSV as Excel in a Russian locale reads it (UTF-8 with BOM, `;`, decimal comma),
    // parsed by a real CSV reader.
    let text = paydesk::app::export::csv(&rows, Lang::Ru, tz);
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark first");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "Дата и время");
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), rows.len() + 1, "rows and the totals line");
    for (rec, row) in records.iter().zip(&rows) {
        assert_eq!(
            &rec[0],
            row.created_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        );
        assert_eq!(&rec[3], row.operator);
        assert_eq!(&rec[4], row.account);
        assert_eq!(Money::parse(&rec[5]).unwrap(), row.amount);
        assert_eq!(&rec[7], row.total.to_string().replace('.', ","));
        // The screen's words for the state, never the journal's.
        assert_eq!(
            &rec[8],
            paydesk::domain::report::state_text(Lang::Ru, &row.state)
        );
        assert!(!["fiscalized", "voided", "signed"].contains(&&rec[8]));
    }
    let totals = records.last().unwrap();
    let t = Totals::of(&rows);
    assert_eq!(&totals[1], t.count.to_string());
    assert_eq!(&totals[7], t.total.to_string().replace('.', ","));
    // English: comma-separated, decimal point.
    let en = paydesk::app::export::csv(&rows, Lang::En, tz);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(en.trim_start_matches('\u{feff}').as_bytes());
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(&first[7], rows[0].total.to_string());

    // XLSX, read back with calamine: numbers are numbers, dates are dates.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let path = dir.path().join("payments.xlsx");
    paydesk::app::export::xlsx(&rows, Lang::Ru, tz, &path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let sheet = book.worksheet_range("Платежи").unwrap();
    assert_eq!(sheet.height(), rows.len() + 2);
    for (i, row) in rows.iter().enumerate() {
        let r = i + 1;
        match sheet.get((r, 0)) {
            Some(Data::DateTime(d)) => {
                // Excel's serial date: days since 1899-12-30, shop-local.
                let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap();
                let local = row.created_at.with_timezone(&tz).naive_local();
                let expected = (local - epoch).num_seconds() as f64 / 86_400.0;
                assert!(
                    (d.as_f64() - expected).abs() < 1e-6,
                    "row {r}: {} vs {expected}",
                    d.as_f64()
                );
            }
            other => panic!("row {r}: date cell is {other:?}"),
        }
        assert_eq!(sheet.get((r, 4)), Some(&Data::String(row.account.clone())));
        match sheet.get((r, 7)) {
            Some(Data::Float(v)) => assert_eq!(format!("{v:.2}"), row.total.to_string()),
            other => panic!("row {r}: total cell is {other:?}"),
        }
    }
    match sheet.get((rows.len() + 1, 7)) {
        Some(Data::Float(v)) => assert_eq!(format!("{v:.2}"), t.total.to_string()),
        other => panic!("totals cell is {other:?}"),
    }

    // A line as the central office asks for it.
    let line = paydesk::report::correction_request(&rows[2], Lang::Ru, tz, &Currency::default());
    assert!(line.starts_with("Платёж от 2026-10-01"), "{line}");
    assert!(
        line.contains(&format!("счёт {}", rows[2].account)),
        "{line}"
    );
    assert!(line.contains("квитанция № "), "{line}");
}

#[test]
fn the_report_command_explains_bad_input_and_prints_totals() {
    let shop = common::Shop::new();
    for amount in ["100", "250"] {
        assert!(shop.pay(amount).status.success());
    }
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let o = shop
        .paydesk()
        .args(["report", "payments", "--from", &today, "--to", &today])
        .args(["--account", "4567", "--status", "accepted"])
        .output()
        .unwrap();
    let (stdout, stderr) = common::out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("Payments                                       2"),
        "{stdout}"
    );
    assert!(stdout.contains("350.00"), "{stdout}");

    let csv_path = shop.path().join("r.csv");
    let o = shop
        .paydesk()
        .args([
            "report", "payments", "--from", &today, "--to", &today, "--format", "csv", "--out",
        ])
        .arg(&csv_path)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(&csv_path).unwrap().lines().count(),
        4
    );

    // (arguments, words of the message); every one exits 2 and writes nothing.
    let cases: &[(&[&str], &str)] = &[
        (
            &["--from", "2026-13-01", "--to", "2026-12-01"],
            "2026-13-01 is not a date",
        ),
        (
            &["--from", "yesterday", "--to", "2026-12-01"],
            "yesterday is not a date",
        ),
        (
            &["--from", "2026-12-02", "--to", "2026-12-01"],
            "--to must come after --from",
        ),
        (
            &[
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-01",
                "--operator",
                "ACME",
            ],
            "There is no operator ACME; known: MTS",
        ),
        (
            &[
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-01",
                "--account",
                "90x",
            ],
            "90x is not (part of) an account number",
        ),
        (
            &[
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-01",
                "--status",
                "lost",
            ],
            "There is no status lost",
        ),
        (
            &[
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-01",
                "--format",
                "xlsx",
            ],
            "needs a file",
        ),
    ];
    for (args, words) in cases {
        let o = shop
            .paydesk()
            .args(["report", "payments"])
            .args(*args)
            .output()
            .unwrap();
        let (stdout, stderr) = common::out(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
        assert!(stdout.is_empty());
    }
}

#[test]
fn the_monthly_settlement_sums_each_principal_and_lists_what_the_hub_has_not_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, payments) = generate(&dir.path().join("j.sqlite"), 120);
    let tz = chrono_tz::Europe::Moscow;
    let mut months = Vec::new();
    for month in ["2026-10", "2026-11"] {
        let (from, to) = paydesk::domain::period::month_range(month, tz).unwrap();
        let lines = journal.settlement(from, to).unwrap();
        // By hand: accepted payments of the month, per legal entity.
        let mut expected: std::collections::BTreeMap<String, (u64, i64, i64)> = Default::default();
        for p in payments.iter().filter(|p| {
            p.state.name() == StateName::Fiscalized
                && p.details.created_at >= from
                && p.details.created_at < to
        }) {
            let e = expected
                .entry(p.details.operator.legal_entity.clone())
                .or_default();
            e.0 += 1;
            e.1 += p.details.amount.minor();
            e.2 += p.details.fee.minor();
        }
        let got: std::collections::BTreeMap<String, (u64, i64, i64)> = lines
            .iter()
            .map(|l| {
                (
                    l.legal_entity.clone(),
                    (l.count, l.collected.minor(), l.fees.minor()),
                )
            })
            .collect();
        assert_eq!(got, expected, "{month}");
        assert!(!expected.is_empty(), "{month} has payments");
        // No hub in this journal: every accepted payment is unconfirmed.
        let unconfirmed = journal.unconfirmed(from, to).unwrap();
        assert_eq!(
            unconfirmed.len() as u64,
            lines.iter().map(|l| l.unconfirmed).sum::<u64>()
        );
        months.push(paydesk::app::export::SettlementMonth {
            month: month.into(),
            lines,
            unconfirmed,
        });
    }
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let path = dir.path().join("settlement.xlsx");
    paydesk::app::export::settlement_xlsx(&months, Lang::Ru, tz, &path).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["2026-10".to_string(), "2026-11".to_string()]
    );
    for m in &months {
        let sheet = book.worksheet_range(&m.month).unwrap();
        for (i, l) in m.lines.iter().enumerate() {
            assert_eq!(
                sheet.get((i + 1, 0)),
                Some(&Data::String(l.legal_entity.clone()))
            );
            assert_eq!(sheet.get((i + 1, 1)), Some(&Data::Float(l.count as f64)));
            match sheet.get((i + 1, 2)) {
                Some(Data::Float(v)) => assert_eq!(format!("{v:.2}"), l.collected.to_string()),
                other => panic!("{other:?}"),
            }
        }
        let listed = (0..sheet.height())
            .filter(|r| {
                m.unconfirmed
                    .iter()
                    .any(|u| sheet.get((*r, 2)) == Some(&Data::String(u.account.clone())))
            })
            .count();
        assert!(listed >= 1 && !m.unconfirmed.is_empty(), "{}", m.month);
    }

    let shop = common::Shop::new();
    let o = shop
        .paydesk()
        .args(["report", "settlement", "--month", "2026-13", "--out"])
        .arg(shop.path().join("s.xlsx"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(common::out(&o).1.contains("2026-13 is not a month"));
}

#[test]
fn a_shift_opens_with_cash_and_closes_with_a_z_report_of_expected_vs_counted() {
    let shop = common::Shop::new();
    let run = |args: &[&str]| {
        let o = shop.paydesk().args(args).output().unwrap();
        let (stdout, stderr) = common::out(&o);
        (o.status.code(), stdout, stderr)
    };
    let (code, stdout, _) = run(&["shift-open", "--cash", "5 000"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.trim(), "Shift 1 is open.");
    let (code, _, stderr) = run(&["shift-open", "--cash", "100"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("Shift 1 is still open"), "{stderr}");
    let (code, _, stderr) = run(&["shift-open", "--cash", "-5"]);
    assert_eq!(code, Some(2), "{stderr}");

    for amount in ["100", "250"] {
        assert!(shop.pay(amount).status.success());
    }
    let (code, x, _) = run(&["report", "shift", "--x"]);
    assert_eq!(code, Some(0));
    for line in [
        "X REPORT",
        "МТС                                 2 × 350.00 ₽",
        "Opening cash                          5,000.00 ₽",
        "Cash expected                         5,350.00 ₽",
        "Not yet delivered to the payment system: 2",
    ] {
        let line = line.replace(" ₽", "\u{a0}₽");
        assert!(x.contains(&line), "{line:?} missing:\n{x}");
    }
    assert!(
        !x.contains("Cash counted"),
        "an X report counts nothing:\n{x}"
    );

    let (code, _, stderr) = run(&["report", "shift", "--z", "--counted", "lots"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, z, _) = run(&["report", "shift", "--z", "--counted", "5 340"]);
    assert_eq!(code, Some(0));
    // The close is backed up (checked) into the default folder beside the journal.
    assert!(z.contains("Backup written and checked"), "{z}");
    for line in [
        "Z REPORT",
        "Cash counted                          5,340.00 ₽",
        "Difference                              −10.00 ₽",
        "№ 1 МТС                      9031234567 100.00 ₽",
    ] {
        let line = line.replace(" ₽", "\u{a0}₽");
        assert!(z.contains(&line), "{line:?} missing:\n{z}");
    }
    // Closed: no X report until the next shift; the next payment opens shift 2.
    let (code, _, stderr) = run(&["report", "shift", "--x"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("No shift is open"), "{stderr}");
    assert!(shop.pay("40").status.success());
    let (_, x, _) = run(&["report", "shift", "--x"]);
    assert!(
        x.contains("Shift 2")
            && x.contains("Opening cash                              0.00\u{a0}₽"),
        "{x}"
    );
}

/// A large report comes a page at a time: keyset pages, read one after another (and
/// one found by its position, as when the scroll bar jumps), are exactly the report's
/// rows in order; its count and sums come from one SQL aggregate equal to the sums of
/// the rows.
#[test]
fn a_large_report_pages_by_keyset_and_sums_in_one_aggregate() {
    use paydesk::app::report_thread::{PAGE_ROWS, open, page};
    use paydesk::app::worker::TableRows;
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = generate(&dir.path().join("j.sqlite"), 2 * PAGE_ROWS + 57);
    let f = PaymentsFilter {
        from: start(),
        to: start() + Duration::days(400),
        operator: None,
        account: None,
        status: None,
    };
    let all = journal.payments_report(&f).unwrap();
    assert_eq!(all.len(), 2 * PAGE_ROWS + 57);
    let summary = journal.report_summary(&f).unwrap();
    assert_eq!(summary.rows, all.len() as u64);
    assert_eq!(summary.totals, Totals::of(&all));
    assert!(summary.totals.count > 0 && summary.totals.count < summary.rows);

    let mut paged = Vec::new();
    let mut after = None;
    for n in 0.. {
        let p = journal.report_page(&f, after.as_ref(), PAGE_ROWS).unwrap();
        assert!(p.rows.len() <= PAGE_ROWS);
        paged.extend(p.rows);
        match p.next {
            Some(a) => after = Some(a),
            None => {
                assert_eq!(n, 2, "three pages");
                break;
            }
        }
    }
    let ids = |rows: &[ReportRow]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&paged), ids(&all));
    // A page found by its position (no previous page at hand) is the same page.
    let jumped = page(&journal, &f, 2, None).unwrap();
    assert_eq!(ids(&jumped.rows), ids(&all[2 * PAGE_ROWS..]));
    assert_eq!(jumped.next, None);
    assert!(page(&journal, &f, 9, None).unwrap().rows.is_empty());
    // With a filter the sums still match the rows.
    let mts = PaymentsFilter {
        operator: Some("MTS".into()),
        status: Some(StatusFilter::Accepted),
        ..f.clone()
    };
    let rows = journal.payments_report(&mts).unwrap();
    let s = journal.report_summary(&mts).unwrap();
    assert_eq!((s.rows, s.totals), (rows.len() as u64, Totals::of(&rows)));
    // The screen gets small reports whole.
    match open(&journal, &f).unwrap().rows {
        TableRows::All(rows) => assert_eq!(ids(&rows), ids(&all)),
        TableRows::FirstPage(_) => panic!("a report of {} rows comes whole", all.len()),
    }
}

/// Exports write rows as they are read, under a temporary name renamed only when
/// complete: the file equals the in-memory export; a cancelled or failed export
/// leaves no file under the final name and no partial file beside it.
#[test]
fn exports_stream_and_a_cancelled_or_failed_one_leaves_no_file() {
    use paydesk::app::export::{self, ExportError, ExportFormat};
    use std::ops::ControlFlow;
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = generate(&dir.path().join("j.sqlite"), 5_000);
    let f = PaymentsFilter {
        from: start(),
        to: start() + Duration::days(4000),
        operator: None,
        account: None,
        status: None,
    };
    let rows = journal.payments_report(&f).unwrap();
    let tz = chrono_tz::Europe::Warsaw;
    let out = dir.path().join("out");
    let listing = || -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&out)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let csv_path = out.join("payments.csv");
    let mut seen = Vec::new();
    let n = export::payments_file(
        &journal,
        &f,
        ExportFormat::Csv,
        Lang::Pl,
        tz,
        &csv_path,
        &mut |done, total| {
            seen.push((done, total));
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(n, rows.len() as u64);
    assert_eq!(
        std::fs::read_to_string(&csv_path).unwrap(),
        export::csv(&rows, Lang::Pl, tz)
    );
    assert_eq!(seen.first(), Some(&(0, 5_000)));
    assert_eq!(seen.last(), Some(&(5_000, 5_000)));
    assert!(seen.len() >= 3, "progress along the way: {seen:?}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&csv_path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let xlsx_path = out.join("payments.xlsx");
    export::payments_file(
        &journal,
        &f,
        ExportFormat::Xlsx,
        Lang::Pl,
        tz,
        &xlsx_path,
        &mut |_, _| ControlFlow::Continue(()),
    )
    .unwrap();
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(&xlsx_path).unwrap();
    let name = book.sheet_names()[0].clone();
    assert_eq!(
        book.worksheet_range(&name).unwrap().height(),
        rows.len() + 2
    );
    assert_eq!(listing(), ["payments.csv", "payments.xlsx"]);

    // Cancelled half way: nothing new in the folder.
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let path = out.join(format!("cancelled.{format:?}"));
        let r = export::payments_file(&journal, &f, format, Lang::En, tz, &path, &mut |done, _| {
            if done >= 2_000 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert!(matches!(r, Err(ExportError::Cancelled)), "{r:?}");
        assert_eq!(listing(), ["payments.csv", "payments.xlsx"]);
    }
    // A folder that cannot be written: an error, nothing left.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
    let r = export::payments_file(
        &journal,
        &f,
        ExportFormat::Csv,
        Lang::En,
        tz,
        &locked.join("x.csv"),
        &mut |_, _| ControlFlow::Continue(()),
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
    if !nix_root() {
        assert!(matches!(r, Err(ExportError::Write { .. })), "{r:?}");
        assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
    }
}

/// Root ignores folder permissions (CI containers may run as root).
fn nix_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// A report longer than a receipt roll is refused on paper before anything prints
/// (the screen and the files take it whole).
#[test]
fn a_report_too_long_for_the_receipt_printer_is_refused_with_what_to_do() {
    use paydesk::app::reports::PRINT_ROWS_UP_TO;
    use paydesk::app::till::{FlowError, Till};
    let dir = tempfile::tempdir().unwrap();
    let config = common::config_in(dir.path(), Lang::En);
    drop(generate(
        &config.journal_path,
        PRINT_ROWS_UP_TO as usize + 1,
    ));
    let mut till = Till::open(&config).unwrap();
    let f = PaymentsFilter {
        from: start(),
        to: start() + Duration::days(4000),
        operator: None,
        account: None,
        status: None,
    };
    let e = till.reports().print(&f).unwrap_err();
    assert!(matches!(e, FlowError::ReportTooLong { limit } if limit == PRINT_ROWS_UP_TO));
    let said = paydesk::app::messages::flow(Lang::En, &e);
    assert!(said.contains("export it to a file"), "{said}");
    // One day of it prints.
    let day = PaymentsFilter {
        to: start() + Duration::days(1),
        ..f
    };
    till.reports().print(&day).unwrap();
}
