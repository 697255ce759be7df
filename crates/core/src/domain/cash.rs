//! Cash that moves through the drawer without a payment: change float put in, cash
//! taken out, and the collection (инкассация) — the cash handed to the collector or
//! taken to the bank, which a payment agent must deposit in full on its special
//! account (103-ФЗ art. 4 part 15). Each move prints a slip (never a fiscal document)
//! and counts in the shift's expected cash.

use chrono::{DateTime, Utc};

use crate::domain::money::Money;
use crate::domain::receipt::{Block, Document, DocumentContext, DocumentKind};
use crate::i18n::T;

/// Which way the cash went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CashMoveKind {
    /// Put into the drawer (change float).
    In,
    /// Taken out of the drawer, with a reason.
    Out,
    /// Handed to the collector or taken to the bank.
    Collection,
}

impl CashMoveKind {
    /// Every kind, for tables and tests.
    pub const ALL: [CashMoveKind; 3] = [
        CashMoveKind::In,
        CashMoveKind::Out,
        CashMoveKind::Collection,
    ];

    /// The journal's word (`cash_moves.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            CashMoveKind::In => "in",
            CashMoveKind::Out => "out",
            CashMoveKind::Collection => "collection",
        }
    }

    /// The journal's word read back.
    pub fn parse(s: &str) -> Option<CashMoveKind> {
        CashMoveKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the cash leaves the drawer (refused above the cash expected in it).
    pub fn takes_out(self) -> bool {
        !matches!(self, CashMoveKind::In)
    }

    /// The terminal event journaled for it.
    pub fn event(self) -> &'static str {
        match self {
            CashMoveKind::In => "cash_in",
            CashMoveKind::Out => "cash_out",
            CashMoveKind::Collection => "cash_collected",
        }
    }

    /// The slip's title.
    pub fn title(self) -> T {
        match self {
            CashMoveKind::In => T::CashInTitle,
            CashMoveKind::Out => T::CashOutTitle,
            CashMoveKind::Collection => T::CashCollectionTitle,
        }
    }
}

/// The longest reason, bag number or bank reference kept (a slip line or two).
pub const NOTE_MAX: usize = 120;

/// A text a person typed for a cash move: trimmed, not empty, at most [`NOTE_MAX`]
/// characters, no control characters (it goes on paper and into the audit chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CashNote(String);

/// Why a typed reason, bag or reference is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CashNoteError {
    /// Nothing typed.
    #[error("it is empty")]
    Empty,
    /// More than [`NOTE_MAX`] characters.
    #[error("it is longer than {NOTE_MAX} characters")]
    TooLong,
    /// Tabs, line breaks or other control characters.
    #[error("it has control characters")]
    Control,
}

impl CashNote {
    /// Checks what was typed.
    pub fn parse(text: &str) -> Result<CashNote, CashNoteError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(CashNoteError::Empty);
        }
        if t.chars().count() > NOTE_MAX {
            return Err(CashNoteError::TooLong);
        }
        if t.chars().any(char::is_control) {
            return Err(CashNoteError::Control);
        }
        Ok(CashNote(t.to_string()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A cash move as asked for: the kind says which note it carries, so a collection
/// without its bag number or a cash-out without a reason cannot be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CashMoveRequest {
    /// Cash put in, and why.
    In {
        /// How much.
        amount: Money,
        /// Why.
        reason: CashNote,
    },
    /// Cash taken out, and why.
    Out {
        /// How much.
        amount: Money,
        /// Why.
        reason: CashNote,
    },
    /// Cash collected.
    Collection {
        /// How much.
        amount: Money,
        /// The bag's or the collection document's number.
        bag: CashNote,
        /// The bank's reference for the deposit, when already known.
        bank_ref: Option<CashNote>,
    },
}

impl CashMoveRequest {
    /// Its kind.
    pub fn kind(&self) -> CashMoveKind {
        match self {
            CashMoveRequest::In { .. } => CashMoveKind::In,
            CashMoveRequest::Out { .. } => CashMoveKind::Out,
            CashMoveRequest::Collection { .. } => CashMoveKind::Collection,
        }
    }

    /// Its amount.
    pub fn amount(&self) -> Money {
        match self {
            CashMoveRequest::In { amount, .. }
            | CashMoveRequest::Out { amount, .. }
            | CashMoveRequest::Collection { amount, .. } => *amount,
        }
    }

    /// The reason (cash in and out).
    pub fn reason(&self) -> Option<&str> {
        match self {
            CashMoveRequest::In { reason, .. } | CashMoveRequest::Out { reason, .. } => {
                Some(reason.as_str())
            }
            CashMoveRequest::Collection { .. } => None,
        }
    }

    /// The bag number (collection).
    pub fn bag(&self) -> Option<&str> {
        match self {
            CashMoveRequest::Collection { bag, .. } => Some(bag.as_str()),
            _ => None,
        }
    }

    /// The bank reference (collection, when known).
    pub fn bank_ref(&self) -> Option<&str> {
        match self {
            CashMoveRequest::Collection { bank_ref, .. } => bank_ref.as_ref().map(CashNote::as_str),
            _ => None,
        }
    }
}

/// A cash move as the journal holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CashMove {
    /// Its id (UUID v7).
    pub id: String,
    /// The terminal's running number of cash slips.
    pub number: u64,
    /// The shift it belongs to.
    pub shift_no: u64,
    /// Which way.
    pub kind: CashMoveKind,
    /// How much.
    pub amount: Money,
    /// Why (in and out).
    pub reason: Option<String>,
    /// Bag or document number (collection).
    pub bag: Option<String>,
    /// The bank's deposit reference (collection, once known).
    pub bank_ref: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
}

/// The sums of a shift's cash moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CashMoveTotals {
    /// Put in.
    pub cash_in: Money,
    /// Taken out.
    pub cash_out: Money,
    /// Collected.
    pub collected: Money,
}

/// The slip the receipt printer prints for a cash move: what it is, how much, the
/// reason or bag, who and when, and a line for the signature of whoever takes or
/// brings the cash. Titled for what it is; never a fiscal document.
pub fn cash_slip(ctx: &DocumentContext, m: &CashMove, terminal_id: &str) -> Document {
    let l = ctx.lang;
    let mut b = Vec::new();
    ctx.header(&mut b);
    b.push(Block::Heading(l.t(m.kind.title()).to_string()));
    b.push(Block::Centered(
        l.fill(T::CashSlipNumber, &[("n", &m.number)]),
    ));
    b.push(Block::Rule);
    b.push(Block::Emphasis {
        label: l.t(T::CashAmount).to_string(),
        value: ctx.money(m.amount),
    });
    if let Some(r) = &m.reason {
        b.push(Block::Text(format!("{}: {r}", l.t(T::CashReason))));
    }
    if let Some(bag) = &m.bag {
        b.push(ctx.field(T::CashBag, bag.clone()));
    }
    if let Some(r) = &m.bank_ref {
        b.push(ctx.field(T::CashBankRef, r.clone()));
    }
    b.push(Block::Rule);
    b.push(ctx.field(T::DocTerminal, terminal_id.to_string()));
    b.push(ctx.field(T::DocShift, m.shift_no.to_string()));
    b.push(ctx.field(T::DocDateTime, ctx.time(m.at)));
    b.push(ctx.field(T::DocCashier, m.actor.clone()));
    b.push(Block::Feed(1));
    b.push(Block::Signature(
        l.t(match m.kind {
            CashMoveKind::In => T::CashSignedBrought,
            CashMoveKind::Out => T::CashSignedTook,
            CashMoveKind::Collection => T::CashSignedCollector,
        })
        .to_string(),
    ));
    Document {
        kind: DocumentKind::CashSlip,
        number: m.number,
        blocks: b,
    }
}

/// One shift in the collection report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionLine {
    /// The shift.
    pub shift_no: u64,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When it closed (still open: none).
    pub closed_at: Option<DateTime<Utc>>,
    /// Cash taken for principals in it: accepted payments' totals − refunds.
    pub taken: rust_decimal::Decimal,
    /// Cash collected in it.
    pub collected: Money,
}

/// The collection report of a period: per shift, the cash taken for principals and
/// the cash collected, and what was taken and has not yet left the drawer for the
/// bank (from the journal's first shift, carried into the period).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionReport {
    /// Taken − collected before the period (shifts opened before it).
    pub carried: rust_decimal::Decimal,
    /// The period's shifts, oldest first.
    pub shifts: Vec<CollectionLine>,
    /// The period's collections, oldest first.
    pub collections: Vec<CashMove>,
}

impl CollectionReport {
    /// Taken in the period.
    pub fn taken(&self) -> rust_decimal::Decimal {
        self.shifts.iter().map(|s| s.taken).sum()
    }

    /// Collected in the period.
    pub fn collected(&self) -> rust_decimal::Decimal {
        self.shifts.iter().map(|s| s.collected.decimal()).sum()
    }

    /// Taken for principals and not yet collected at the end of the period (negative:
    /// more was collected than taken, e.g. the float went to the bank too).
    pub fn not_collected(&self) -> rust_decimal::Decimal {
        self.carried + self.taken() - self.collected()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_bounded_and_printable() {
        assert_eq!(CashNote::parse("  bag 7 ").unwrap().as_str(), "bag 7");
        assert_eq!(CashNote::parse("   "), Err(CashNoteError::Empty));
        assert_eq!(
            CashNote::parse(&"x".repeat(NOTE_MAX + 1)),
            Err(CashNoteError::TooLong)
        );
        assert!(CashNote::parse(&"я".repeat(NOTE_MAX)).is_ok());
        assert_eq!(CashNote::parse("a\tb"), Err(CashNoteError::Control));
    }

    #[test]
    fn kinds_read_back_and_only_in_adds_to_the_drawer() {
        for k in CashMoveKind::ALL {
            assert_eq!(CashMoveKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(CashMoveKind::parse("refund"), None);
        assert!(!CashMoveKind::In.takes_out());
        assert!(CashMoveKind::Out.takes_out() && CashMoveKind::Collection.takes_out());
    }

    #[test]
    fn not_collected_carries_the_past_and_nets_the_period() {
        let d = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
        let line = |taken: &str, collected: i64| CollectionLine {
            shift_no: 1,
            opened_at: Utc::now(),
            closed_at: None,
            taken: d(taken),
            collected: Money::from_minor(collected).unwrap(),
        };
        let r = CollectionReport {
            carried: d("100.00"),
            shifts: vec![line("500.00", 30000), line("250.50", 0)],
            collections: vec![],
        };
        assert_eq!(r.taken(), d("750.50"));
        assert_eq!(r.collected(), d("300.00"));
        assert_eq!(r.not_collected(), d("550.50"));
    }
}
