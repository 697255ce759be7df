//! Cash moves and the collection report as text for people (screen and terminal).

use chrono_tz::Tz;
use rust_decimal::Decimal;

use crate::domain::cash::{CashMove, CollectionReport};
use crate::domain::money::Money;
use crate::domain::time::local;
use crate::i18n::{Currency, Lang, T};

/// Money that may be negative: "−1 234,50 ₽".
pub fn signed(lang: Lang, d: Decimal, currency: &Currency) -> String {
    let abs = Money::from_decimal(d.abs()).unwrap_or_default();
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "−"
    } else {
        ""
    };
    format!("{sign}{}", lang.money_with(abs, currency))
}

/// One cash move on one line: number, time, kind, amount, reason or bag (and bank
/// reference), who.
pub fn move_line(m: &CashMove, lang: Lang, tz: Tz, currency: &Currency) -> String {
    let mut note = m
        .reason
        .clone()
        .or_else(|| m.bag.clone())
        .unwrap_or_default();
    if let Some(r) = &m.bank_ref {
        note = format!("{note} · {}: {r}", lang.t(T::CashBankRef));
    }
    format!(
        "№ {}  {}  {}  {}  {}  ({})",
        m.number,
        local(m.at, tz),
        crate::app::messages::cash_kind(lang, m.kind),
        lang.money_with(m.amount, currency),
        note,
        m.actor
    )
}

/// The collection report as text: per shift taken and collected, the balance carried
/// in and left at the end, then each collection.
pub fn collection_text(r: &CollectionReport, lang: Lang, tz: Tz, currency: &Currency) -> String {
    let mut s = String::new();
    s.push_str(lang.t(T::CollectionTitle));
    s.push('\n');
    s.push_str(&format!(
        "{}: {}\n",
        lang.t(T::CollectionCarried),
        signed(lang, r.carried, currency)
    ));
    for l in &r.shifts {
        s.push_str(&format!(
            "{}  {} — {}  {}: {}  {}: {}\n",
            lang.fill(T::ShiftNumber, &[("n", &l.shift_no)]),
            local(l.opened_at, tz),
            l.closed_at
                .map(|t| local(t, tz))
                .unwrap_or_else(|| "…".into()),
            lang.t(T::CollectionTaken),
            signed(lang, l.taken, currency),
            lang.t(T::CollectionCollected),
            lang.money_with(l.collected, currency),
        ));
    }
    s.push_str(&format!(
        "{}: {}\n{}: {}\n{}: {}\n",
        lang.t(T::CollectionTaken),
        signed(lang, r.taken(), currency),
        lang.t(T::CollectionCollected),
        signed(lang, r.collected(), currency),
        lang.t(T::CollectionNotCollected),
        signed(lang, r.not_collected(), currency),
    ));
    if !r.collections.is_empty() {
        s.push('\n');
        for c in &r.collections {
            s.push_str(&move_line(c, lang, tz, currency));
            s.push('\n');
        }
    }
    s
}
