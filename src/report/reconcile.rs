//! A reconciliation as text for people: the day's summary and one line per
//! difference with both sides and what fixes it (screen, terminal).

use crate::app::messages;
use crate::domain::reconcile::{Difference, DifferenceKind};
use crate::i18n::{Currency, Lang, T};
use crate::journal::reconcile::{ReconciliationRun, StoredDifference};

/// The day's summary line.
pub fn summary(run: &ReconciliationRun, lang: Lang) -> String {
    lang.fill(
        T::ReconcileSummary,
        &[
            ("date", &run.date),
            ("journal", &run.journal_n),
            ("hub", &run.hub_n),
            ("n", &run.differences),
        ],
    )
}

/// What differs, both sides as far as they exist: "№ 12 · MTS · 9031234567 · amounts
/// differ: journal 100.00 ₽, payment system 99.00 ₽".
pub fn what(d: &Difference, lang: Lang, currency: &Currency) -> String {
    let m = |v| lang.money_with(v, currency);
    let (j, h) = (d.journal.as_ref(), d.hub.as_ref());
    let receipt = j
        .map(|j| j.fiscal_receipt_no)
        .or(h.map(|h| h.fiscal_receipt_no))
        .unwrap_or_default();
    let operator = j.map(|j| &j.operator).or(h.map(|h| &h.operator));
    let account = j.map(|j| &j.account).or(h.map(|h| &h.account));
    let total = j.map(|j| j.total).or(h.map(|h| h.total));
    let mut s = format!(
        "№ {receipt} · {} · {} · {}",
        operator.cloned().unwrap_or_default(),
        account.cloned().unwrap_or_default(),
        total.map(m).unwrap_or_default()
    );
    s.push_str(" · ");
    s.push_str(messages::difference_kind(lang, d.kind));
    let sides = |a: String, b: String| {
        format!(
            ": {} {a}, {} {b}",
            lang.t(T::ReconcileJournalSide),
            lang.t(T::ReconcileHubSide)
        )
    };
    if let (Some(j), Some(h)) = (j, h) {
        match d.kind {
            DifferenceKind::Amount => s.push_str(&sides(m(j.amount), m(h.amount))),
            DifferenceKind::Account => s.push_str(&sides(
                format!("{} {}", j.operator, j.account),
                format!("{} {}", h.operator, h.account),
            )),
            DifferenceKind::Status => s.push_str(&sides(
                crate::domain::report::hub_status_text(lang, j.hub_status.map(|x| x.as_str()))
                    .to_string(),
                crate::domain::report::hub_status_text(lang, Some(h.status.as_str())).to_string(),
            )),
            _ => {}
        }
    }
    s
}

/// A day's run and its differences, with what fixes each (or who explained it).
pub fn text(
    run: &ReconciliationRun,
    differences: &[StoredDifference],
    lang: Lang,
    currency: &Currency,
) -> String {
    let mut s = summary(run, lang);
    s.push('\n');
    if differences.is_empty() {
        s.push_str(lang.t(T::ReconcileMatched));
        s.push('\n');
    }
    for d in differences {
        s.push_str(&what(&d.difference, lang, currency));
        s.push('\n');
        s.push_str("    ");
        match &d.explained {
            Some(e) => s.push_str(&lang.fill(
                T::ReconcileExplained,
                &[("by", &e.by), ("reason", &e.reason)],
            )),
            None => s.push_str(messages::difference_fix(lang, d.difference.kind)),
        }
        s.push('\n');
    }
    s
}
