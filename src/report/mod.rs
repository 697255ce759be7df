//! Reports as text for people: the payments report and X/Z in a terminal's columns,
//! the support view's lines. An edge: the screens and the CLI use it; the services
//! below never do. The rows come from [`crate::domain::report`]; files are written by
//! [`crate::app::export`], printed documents built in the domain.

pub mod cash;
pub mod reconcile;
pub mod support;

use chrono::DateTime;
use chrono::Utc;
use chrono_tz::Tz;

use crate::domain::report::{hub_status_text, state_text};
use crate::domain::time::local;
use crate::i18n::{Currency, Lang, T};
use crate::journal::report::{ReportRow, Totals};

fn number(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The payments report as plain text `columns` wide (a terminal or the receipt
/// printer): one block per payment, then the totals.
pub fn text(rows: &[ReportRow], lang: Lang, tz: Tz, currency: &Currency, columns: usize) -> String {
    let pair = |label: &str, value: &str| -> String {
        let used = label.chars().count() + value.chars().count();
        if used < columns {
            format!("{label}{}{value}\n", " ".repeat(columns - used))
        } else {
            format!("{label}\n{value:>columns$}\n")
        }
    };
    let mut s = String::new();
    for r in rows {
        s.push_str(&pair(
            &local(r.created_at, tz),
            &number(r.fiscal_receipt_no),
        ));
        s.push_str(&pair(&r.operator, &r.account));
        s.push_str(&pair(
            &match r.hub_status.as_deref() {
                Some(h) => format!(
                    "{} · {}",
                    state_text(lang, &r.state),
                    hub_status_text(lang, Some(h))
                ),
                None => state_text(lang, &r.state).to_string(),
            },
            &lang.money_with(r.total, currency),
        ));
        s.push_str(&"-".repeat(columns));
        s.push('\n');
    }
    let t = Totals::of(rows);
    s.push_str(&pair(lang.t(T::ReportCount), &t.count.to_string()));
    s.push_str(&pair(
        lang.t(T::ReportAmount),
        &lang.money_with(t.amount, currency),
    ));
    s.push_str(&pair(
        lang.t(T::ReportFee),
        &lang.money_with(t.fee, currency),
    ));
    s.push_str(&pair(
        lang.t(T::ReportTotal),
        &lang.money_with(t.total, currency),
    ));
    s
}

/// The text the central office asks for to re-conduct or correct a payment: date,
/// account, operator, amount, receipt number (and terminal, to find it).
pub fn correction_request(r: &ReportRow, lang: Lang, tz: Tz, currency: &Currency) -> String {
    lang.fill(
        T::ReportCorrectionRequest,
        &[
            ("date", &local(r.created_at, tz)),
            ("account", &r.account),
            ("operator", &r.operator),
            ("amount", &lang.money_with(r.amount, currency)),
            ("receipt", &number(r.fiscal_receipt_no)),
            ("terminal", &r.terminal_id),
        ],
    )
}

/// An X or Z report as text `columns` wide (terminal or receipt printer).
pub fn shift_text(
    r: &crate::journal::shift::ShiftReport,
    lang: Lang,
    tz: Tz,
    currency: &Currency,
    columns: usize,
) -> String {
    let when = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| local(t.with_timezone(&Utc), tz))
            .unwrap_or_else(|_| s.to_string())
    };
    let pair = |label: &str, value: &str| -> String {
        let used = label.chars().count() + value.chars().count();
        if used < columns {
            format!("{label}{}{value}\n", " ".repeat(columns - used))
        } else {
            format!("{label}\n{value:>columns$}\n")
        }
    };
    let m = |v| lang.money_with(v, currency);
    let rule = format!("{}\n", "-".repeat(columns));
    let mut s = String::new();
    let title = lang.t(if r.closed_at.is_some() {
        T::ShiftZ
    } else {
        T::ShiftX
    });
    s.push_str(&format!("{title:^columns$}\n"));
    s.push_str(&pair(&lang.fill(T::ShiftNumber, &[("n", &r.number)]), ""));
    s.push_str(&pair(lang.t(T::ShiftOpened), &when(&r.opened_at)));
    if let Some(c) = &r.closed_at {
        s.push_str(&pair(lang.t(T::ShiftClosed), &when(c)));
    }
    s.push_str(&rule);
    for o in &r.operators {
        s.push_str(&pair(&o.name, &format!("{} × {}", o.count, m(o.total))));
        s.push_str(&pair(&format!("  {}", lang.t(T::ReportFee)), &m(o.fees)));
    }
    s.push_str(&rule);
    let count: u64 = r.operators.iter().map(|o| o.count).sum();
    let fees: i64 = r.operators.iter().map(|o| o.fees.minor()).sum();
    s.push_str(&pair(lang.t(T::ReportCount), &count.to_string()));
    s.push_str(&pair(
        lang.t(T::ReportFee),
        &m(crate::domain::money::Money::from_minor(fees).unwrap_or_default()),
    ));
    s.push_str(&pair(lang.t(T::ShiftOpeningCash), &m(r.opening_cash)));
    if r.refund_count > 0 {
        s.push_str(&pair(
            &lang.fill(T::ShiftRefunds, &[("n", &r.refund_count)]),
            &m(r.refunded),
        ));
    }
    for (t, v) in [
        (T::ShiftCashIn, r.cash_moves.cash_in),
        (T::ShiftCashOut, r.cash_moves.cash_out),
        (T::ShiftCollected, r.cash_moves.collected),
    ] {
        if v != crate::domain::money::Money::default() {
            s.push_str(&pair(lang.t(t), &m(v)));
        }
    }
    s.push_str(&pair(lang.t(T::ShiftExpectedCash), &m(r.expected_cash)));
    if let (Some(c), Some(d)) = (r.counted_cash, r.difference) {
        s.push_str(&pair(lang.t(T::ShiftCountedCash), &m(c)));
        let sign = if d.is_sign_negative() { "−" } else { "+" };
        let abs = crate::domain::money::Money::from_decimal(d.abs()).unwrap_or_default();
        s.push_str(&pair(
            lang.t(T::ShiftDifference),
            &format!("{sign}{}", m(abs)),
        ));
    }
    if !r.undelivered.is_empty() {
        s.push_str(&rule);
        s.push_str(&lang.fill(T::ShiftUndelivered, &[("n", &r.undelivered.len())]));
        s.push('\n');
        for u in &r.undelivered {
            s.push_str(&pair(
                &format!("№ {} {}", u.receipt_no, u.operator),
                &format!("{} {}", u.account, m(u.total)),
            ));
        }
    }
    s
}
