//! What the shift manager's reports hold — the payments report's filter and rows, the
//! X/Z report, the monthly settlement — and the documents the receipt printer prints
//! for them. The journal fills these from SQL; the edges (screens, CLI, exports)
//! present them.

use chrono::{DateTime, Utc};

use crate::domain::hub::HubStatus;
use crate::domain::money::Money;
use crate::domain::receipt::{Block, Document, DocumentContext, DocumentKind};
use crate::i18n::{Lang, T};

/// A report row's journal state in the shop's words: one set of words for the
/// screen, the files and the paper ("accepted", never the journal's "fiscalized"),
/// said of one payment (the filter's words are plural in ru and pl).
pub fn state_text(lang: Lang, state: &str) -> &'static str {
    lang.t(match state {
        "fiscalized" => T::RowAccepted,
        "voided" => T::RowVoided,
        _ => T::RowUnfinished,
    })
}

/// The hub's status in the shop's words; "—" while the hub has not answered.
pub fn hub_status_text(lang: Lang, status: Option<&str>) -> &'static str {
    let known = [
        HubStatus::Accepted,
        HubStatus::Processing,
        HubStatus::Completed,
        HubStatus::Failed,
        HubStatus::Cancelled,
        HubStatus::Refunded,
    ];
    match status.and_then(|s| known.into_iter().find(|k| k.as_str() == s)) {
        None => "—",
        Some(s) => lang.t(match s {
            HubStatus::Accepted => T::HubStatusAccepted,
            HubStatus::Processing => T::HubStatusProcessing,
            HubStatus::Completed => T::HubStatusCompleted,
            HubStatus::Failed => T::HubStatusFailed,
            HubStatus::Cancelled => T::HubStatusCancelled,
            HubStatus::Refunded => T::HubStatusRefunded,
        }),
    }
}

/// Which payments by their state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    /// Fiscal receipt printed (the shop took the money).
    Accepted,
    /// Voided before money was taken.
    Voided,
    /// Left between two steps (the recovery question is pending).
    Unfinished,
    /// Accepted and not yet delivered to the hub.
    Undelivered,
    /// The hub says it was credited.
    Completed,
    /// The hub says it failed.
    Failed,
    /// Flagged as stuck.
    Stuck,
}

impl StatusFilter {
    /// Every filter with its word (CLI and settings).
    pub const ALL: [(StatusFilter, &'static str); 7] = [
        (StatusFilter::Accepted, "accepted"),
        (StatusFilter::Voided, "voided"),
        (StatusFilter::Unfinished, "unfinished"),
        (StatusFilter::Undelivered, "undelivered"),
        (StatusFilter::Completed, "completed"),
        (StatusFilter::Failed, "failed"),
        (StatusFilter::Stuck, "stuck"),
    ];
}

/// What the manager asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentsFilter {
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Operator code.
    pub operator: Option<String>,
    /// Digits the account number contains (a full number or any part of it).
    pub account: Option<String>,
    /// State.
    pub status: Option<StatusFilter>,
}

/// One row of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRow {
    /// The payment id.
    pub id: String,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// Pre-receipt number.
    pub pre_receipt_no: Option<u64>,
    /// Fiscal receipt number.
    pub fiscal_receipt_no: Option<u64>,
    /// Operator code.
    pub operator_code: String,
    /// Operator name.
    pub operator: String,
    /// The principal (legal entity).
    pub legal_entity: String,
    /// Account number.
    pub account: String,
    /// Amount.
    pub amount: Money,
    /// Fee.
    pub fee: Money,
    /// Amount + fee.
    pub total: Money,
    /// The journal state (`fiscalized`, `voided`, …).
    pub state: String,
    /// The hub's status, if delivered.
    pub hub_status: Option<String>,
    /// Who took it.
    pub cashier: String,
    /// The terminal.
    pub terminal_id: String,
    /// The fiscal register's document number (ФД), when a register issued the receipt.
    pub fiscal_document: Option<u32>,
}

/// Sums of a report's rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Rows.
    pub count: u64,
    /// Sum of amounts.
    pub amount: Money,
    /// Sum of fees.
    pub fee: Money,
    /// Sum of totals.
    pub total: Money,
}

/// The refunds paid in a period: their own line of the payments report (the cash
/// that went back, never subtracted from the payments listed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefundTotals {
    /// Refunds paid.
    pub count: u64,
    /// Their sum.
    pub amount: Money,
}

impl Totals {
    /// The sums of the accepted payments among `rows` (the cash the shop took): a
    /// voided or unfinished payment is listed but never summed.
    pub fn of(rows: &[ReportRow]) -> Totals {
        let taken: Vec<&ReportRow> = rows.iter().filter(|r| r.state == "fiscalized").collect();
        let minor = |f: fn(&ReportRow) -> Money| -> Money {
            Money::from_minor(taken.iter().map(|r| f(r).minor()).sum()).unwrap_or_default()
        };
        Totals {
            count: taken.len() as u64,
            amount: minor(|r| r.amount),
            fee: minor(|r| r.fee),
            total: minor(|r| r.total),
        }
    }

    /// Adds one row as [`Totals::of`] would (exports that never hold all rows).
    pub fn add(&mut self, row: &ReportRow) {
        if row.state != "fiscalized" {
            return;
        }
        let sum = |a: Money, b: Money| a.checked_add(b).unwrap_or(Money::MAX);
        self.count += 1;
        self.amount = sum(self.amount, row.amount);
        self.fee = sum(self.fee, row.fee);
        self.total = sum(self.total, row.total);
    }
}

/// The payments report's size and sums, from one SQL aggregate (the screen's footer
/// and an export's progress, without reading the rows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReportSummary {
    /// Rows the report lists (every state).
    pub rows: u64,
    /// The sums of the accepted payments among them.
    pub totals: Totals,
}

/// Where a page of the report starts: after this row in the report's order
/// (`created_at`, then id). Keyset pagination: a page costs the same at row 10 and
/// at row 1,000,000.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageAfter {
    /// The last row's creation time, as stored.
    pub created_at: String,
    /// The last row's id.
    pub id: String,
}

/// One principal's line of the monthly settlement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettlementLine {
    /// The principal (an operator's legal entity).
    pub legal_entity: String,
    /// Accepted payments.
    pub count: u64,
    /// Cash collected on its behalf (the payments' amounts).
    pub collected: Money,
    /// The shop's fees on those payments.
    pub fees: Money,
    /// Of those, not yet confirmed (completed) by the hub.
    pub unconfirmed: u64,
}

/// One operator's line of a shift report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorLine {
    /// Operator code.
    pub code: String,
    /// Operator name.
    pub name: String,
    /// Accepted payments.
    pub count: u64,
    /// Sum of amounts.
    pub amount: Money,
    /// Sum of fees.
    pub fees: Money,
    /// Sum of totals (cash taken).
    pub total: Money,
}

/// An accepted payment not yet delivered to the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undelivered {
    /// Fiscal receipt number.
    pub receipt_no: u64,
    /// Operator name.
    pub operator: String,
    /// Account.
    pub account: String,
    /// Amount + fee.
    pub total: Money,
}

/// An X or Z report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShiftReport {
    /// The shift's number.
    pub number: u64,
    /// When it opened.
    pub opened_at: String,
    /// When it closed (Z report only).
    pub closed_at: Option<String>,
    /// Cash in the drawer at opening.
    pub opening_cash: Money,
    /// Per operator.
    pub operators: Vec<OperatorLine>,
    /// Refunds paid out of this shift's drawer.
    pub refund_count: u64,
    /// Their sum.
    pub refunded: Money,
    /// Cash put in, taken out and collected during the shift.
    pub cash_moves: crate::domain::cash::CashMoveTotals,
    /// Cash the drawer should hold: opening cash + every total taken − refunds + cash
    /// in − cash out − collected.
    pub expected_cash: Money,
    /// Cash counted at closing (Z report only).
    pub counted_cash: Option<Money>,
    /// Counted − expected (Z report only; negative is a shortage). A `Decimal`
    /// because it may be negative, which `Money` never is.
    pub difference: Option<rust_decimal::Decimal>,
    /// Accepted payments the hub has not got yet.
    pub undelivered: Vec<Undelivered>,
}

/// The payments report as a document for the receipt printer: the shop, the period,
/// one short block per payment and the totals, in the printer's width.
pub fn payments_document(
    ctx: &DocumentContext,
    rows: &[ReportRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Document {
    let l = ctx.lang;
    let mut b = Vec::new();
    ctx.header(&mut b);
    b.push(Block::Heading(l.t(T::ReportTitle).to_string()));
    b.push(Block::Centered(format!(
        "{} — {}",
        ctx.time(from),
        ctx.time(to)
    )));
    b.push(Block::Rule);
    for r in rows {
        b.push(Block::Field {
            label: ctx.time(r.created_at),
            value: r
                .fiscal_receipt_no
                .map(|n| format!("№ {n}"))
                .unwrap_or_default(),
        });
        b.push(Block::Field {
            label: r.operator.clone(),
            value: r.account.clone(),
        });
        b.push(Block::Field {
            label: state_text(l, &r.state).to_string(),
            value: ctx.money(r.total),
        });
    }
    b.push(Block::Rule);
    let t = Totals::of(rows);
    b.push(Block::Field {
        label: l.t(T::ReportCount).to_string(),
        value: t.count.to_string(),
    });
    b.push(Block::Field {
        label: l.t(T::ReportAmount).to_string(),
        value: ctx.money(t.amount),
    });
    b.push(Block::Field {
        label: l.t(T::ReportFee).to_string(),
        value: ctx.money(t.fee),
    });
    b.push(Block::Emphasis {
        label: l.t(T::ReportTotal).to_string(),
        value: ctx.money(t.total),
    });
    Document {
        kind: DocumentKind::Report,
        number: 0,
        blocks: b,
    }
}

/// An X or Z report as a document for the receipt printer (its width).
pub fn shift_document(ctx: &DocumentContext, r: &ShiftReport) -> Document {
    let l = ctx.lang;
    let when = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| ctx.time(t.with_timezone(&Utc)))
            .unwrap_or_else(|_| s.to_string())
    };
    let field = |label: &str, value: String| Block::Field {
        label: label.to_string(),
        value,
    };
    let mut b = Vec::new();
    ctx.header(&mut b);
    b.push(Block::Heading(
        l.t(if r.closed_at.is_some() {
            T::ShiftZ
        } else {
            T::ShiftX
        })
        .to_string(),
    ));
    b.push(Block::Centered(l.fill(T::ShiftNumber, &[("n", &r.number)])));
    b.push(field(l.t(T::ShiftOpened), when(&r.opened_at)));
    if let Some(c) = &r.closed_at {
        b.push(field(l.t(T::ShiftClosed), when(c)));
    }
    b.push(Block::Rule);
    for o in &r.operators {
        b.push(field(
            &o.name,
            format!("{} × {}", o.count, ctx.money(o.total)),
        ));
        b.push(field(l.t(T::ReportFee), ctx.money(o.fees)));
    }
    b.push(Block::Rule);
    let count: u64 = r.operators.iter().map(|o| o.count).sum();
    let fees: i64 = r.operators.iter().map(|o| o.fees.minor()).sum();
    b.push(field(l.t(T::ReportCount), count.to_string()));
    b.push(field(
        l.t(T::ReportFee),
        ctx.money(Money::from_minor(fees).unwrap_or_default()),
    ));
    b.push(field(l.t(T::ShiftOpeningCash), ctx.money(r.opening_cash)));
    if r.refund_count > 0 {
        b.push(field(
            &l.fill(T::ShiftRefunds, &[("n", &r.refund_count)]),
            ctx.money(r.refunded),
        ));
    }
    for (t, m) in [
        (T::ShiftCashIn, r.cash_moves.cash_in),
        (T::ShiftCashOut, r.cash_moves.cash_out),
        (T::ShiftCollected, r.cash_moves.collected),
    ] {
        if m != Money::default() {
            b.push(field(l.t(t), ctx.money(m)));
        }
    }
    b.push(Block::Emphasis {
        label: l.t(T::ShiftExpectedCash).to_string(),
        value: ctx.money(r.expected_cash),
    });
    if let (Some(c), Some(d)) = (r.counted_cash, r.difference) {
        b.push(field(l.t(T::ShiftCountedCash), ctx.money(c)));
        let sign = if d.is_sign_negative() { "-" } else { "+" };
        b.push(field(
            l.t(T::ShiftDifference),
            format!(
                "{sign}{}",
                ctx.money(Money::from_decimal(d.abs()).unwrap_or_default())
            ),
        ));
    }
    if !r.undelivered.is_empty() {
        b.push(Block::Rule);
        b.push(Block::Text(
            l.fill(T::ShiftUndelivered, &[("n", &r.undelivered.len())]),
        ));
        for u in &r.undelivered {
            b.push(field(
                &format!("№ {} {}", u.receipt_no, u.account),
                ctx.money(u.total),
            ));
        }
    }
    Document {
        kind: DocumentKind::Report,
        number: r.number,
        blocks: b,
    }
}
