//! Reports for shift managers, as text, CSV and XLSX: the payments report now (shift
//! X/Z and the monthly settlement join it). The rows come from
//! [`crate::journal::report`]; this module only presents them.

pub mod support;

use std::path::Path;

use chrono::DateTime;
use chrono::Utc;
use chrono_tz::Tz;

use crate::i18n::{Currency, Lang, T};
use crate::journal::report::{ReportRow, Totals};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The XLSX writer failed.
    #[error("cannot write {path}: {message}")]
    Xlsx {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

use crate::domain::time::local;

fn number(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The column titles, in the report's language.
pub fn headers(lang: Lang) -> [&'static str; 11] {
    [
        lang.t(T::ReportDateTime),
        lang.t(T::ReportPreReceipt),
        lang.t(T::ReportReceipt),
        lang.t(T::ReportOperator),
        lang.t(T::ReportAccount),
        lang.t(T::ReportAmount),
        lang.t(T::ReportFee),
        lang.t(T::ReportTotal),
        lang.t(T::ReportState),
        lang.t(T::ReportHubStatus),
        lang.t(T::ReportCashier),
    ]
}

/// The payments report as CSV (RFC 4180, comma, dot decimals, shop-local times), with
/// a totals line.
pub fn csv(rows: &[ReportRow], lang: Lang, tz: Tz) -> String {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    };
    line(
        &mut out,
        &headers(lang)
            .iter()
            .map(|h| h.to_string())
            .collect::<Vec<_>>(),
    );
    for r in rows {
        line(
            &mut out,
            &[
                local(r.created_at, tz),
                number(r.pre_receipt_no),
                number(r.fiscal_receipt_no),
                r.operator.clone(),
                r.account.clone(),
                r.amount.to_string(),
                r.fee.to_string(),
                r.total.to_string(),
                r.state.clone(),
                r.hub_status.clone().unwrap_or_default(),
                r.cashier.clone(),
            ],
        );
    }
    let t = Totals::of(rows);
    line(
        &mut out,
        &[
            lang.t(T::ReportTotals).to_string(),
            t.count.to_string(),
            String::new(),
            String::new(),
            String::new(),
            t.amount.to_string(),
            t.fee.to_string(),
            t.total.to_string(),
            String::new(),
            String::new(),
            String::new(),
        ],
    );
    out
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
            format!("{} {}", r.state, r.hub_status.as_deref().unwrap_or("")).trim(),
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

/// The payments report as an XLSX file: real date-time and number cells, a totals row.
pub fn xlsx(rows: &[ReportRow], lang: Lang, tz: Tz, path: &Path) -> Result<(), ExportError> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(lang.t(T::ReportSheetPayments))
        .map_err(err)?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in headers(lang).iter().enumerate() {
        sheet
            .write_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let t = ExcelDateTime::from_timestamp(
            r.created_at
                .with_timezone(&tz)
                .naive_local()
                .and_utc()
                .timestamp(),
        )
        .map_err(err)?;
        sheet
            .write_datetime_with_format(row, 0, &t, &date)
            .map_err(err)?;
        if let Some(n) = r.pre_receipt_no {
            sheet.write_number(row, 1, n as f64).map_err(err)?;
        }
        if let Some(n) = r.fiscal_receipt_no {
            sheet.write_number(row, 2, n as f64).map_err(err)?;
        }
        sheet.write(row, 3, &r.operator).map_err(err)?;
        sheet.write(row, 4, &r.account).map_err(err)?;
        for (c, m) in [(5, r.amount), (6, r.fee), (7, r.total)] {
            let v: f64 = m.decimal().to_string().parse().unwrap_or_default();
            sheet
                .write_number_with_format(row, c, v, &money)
                .map_err(err)?;
        }
        sheet.write(row, 8, &r.state).map_err(err)?;
        sheet
            .write(row, 9, r.hub_status.as_deref().unwrap_or(""))
            .map_err(err)?;
        sheet.write(row, 10, &r.cashier).map_err(err)?;
    }
    let last = rows.len() as u32 + 1;
    let t = Totals::of(rows);
    sheet
        .write_with_format(last, 0, lang.t(T::ReportTotals), &bold)
        .map_err(err)?;
    sheet.write_number(last, 1, t.count as f64).map_err(err)?;
    for (c, m) in [(5, t.amount), (6, t.fee), (7, t.total)] {
        let v: f64 = m.decimal().to_string().parse().unwrap_or_default();
        sheet
            .write_number_with_format(last, c, v, &money)
            .map_err(err)?;
    }
    sheet.set_column_width(0, 20).map_err(err)?;
    sheet.set_column_width(3, 24).map_err(err)?;
    sheet.set_column_width(4, 16).map_err(err)?;
    save_private(&mut book, path)
}

/// Saves a workbook owner-only (it holds accounts and amounts).
fn save_private(book: &mut rust_xlsxwriter::Workbook, path: &Path) -> Result<(), ExportError> {
    let err = |message: String| ExportError::Xlsx {
        path: path.display().to_string(),
        message,
    };
    let mut file = crate::files::create_private(path).map_err(|e| err(e.to_string()))?;
    book.save_to_writer(&mut file)
        .map_err(|e| err(e.to_string()))
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

/// One month of the settlement: its name (`2026-10`) and what it holds.
pub struct SettlementMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Per principal.
    pub lines: Vec<crate::journal::report::SettlementLine>,
    /// Accepted payments the hub has not confirmed yet.
    pub unconfirmed: Vec<ReportRow>,
}

/// The monthly agent settlement as XLSX: one sheet per month, a line per principal,
/// totals, then the payments not yet confirmed by the hub.
pub fn settlement_xlsx(
    months: &[SettlementMonth],
    lang: Lang,
    tz: Tz,
    path: &Path,
) -> Result<(), ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let to_f64 = |m: crate::domain::money::Money| -> f64 {
        m.decimal().to_string().parse().unwrap_or_default()
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for m in months {
        let sheet = book.add_worksheet();
        sheet.set_name(&m.month).map_err(err)?;
        let heads = [
            lang.t(T::SettlementPrincipal),
            lang.t(T::ReportCount),
            lang.t(T::SettlementCollected),
            lang.t(T::ReportFee),
            lang.t(T::SettlementUnconfirmed),
        ];
        for (c, h) in heads.iter().enumerate() {
            sheet
                .write_with_format(0, c as u16, *h, &bold)
                .map_err(err)?;
        }
        let mut row = 1;
        for l in &m.lines {
            sheet.write(row, 0, &l.legal_entity).map_err(err)?;
            sheet.write_number(row, 1, l.count as f64).map_err(err)?;
            sheet
                .write_number_with_format(row, 2, to_f64(l.collected), &money)
                .map_err(err)?;
            sheet
                .write_number_with_format(row, 3, to_f64(l.fees), &money)
                .map_err(err)?;
            sheet
                .write_number(row, 4, l.unconfirmed as f64)
                .map_err(err)?;
            row += 1;
        }
        let sum = |f: fn(&crate::journal::report::SettlementLine) -> i64| -> i64 {
            m.lines.iter().map(f).sum()
        };
        sheet
            .write_with_format(row, 0, lang.t(T::ReportTotals), &bold)
            .map_err(err)?;
        sheet
            .write_number(row, 1, sum(|l| l.count as i64) as f64)
            .map_err(err)?;
        let minor = |v: i64| to_f64(crate::domain::money::Money::from_minor(v).unwrap_or_default());
        sheet
            .write_number_with_format(row, 2, minor(sum(|l| l.collected.minor())), &money)
            .map_err(err)?;
        sheet
            .write_number_with_format(row, 3, minor(sum(|l| l.fees.minor())), &money)
            .map_err(err)?;
        sheet
            .write_number(row, 4, sum(|l| l.unconfirmed as i64) as f64)
            .map_err(err)?;
        row += 2;
        sheet
            .write_with_format(row, 0, lang.t(T::SettlementUnconfirmedList), &bold)
            .map_err(err)?;
        row += 1;
        for r in &m.unconfirmed {
            sheet.write(row, 0, &r.legal_entity).map_err(err)?;
            sheet.write(row, 1, local(r.created_at, tz)).map_err(err)?;
            sheet.write(row, 2, &r.account).map_err(err)?;
            sheet
                .write_number_with_format(row, 3, to_f64(r.amount), &money)
                .map_err(err)?;
            sheet
                .write(row, 4, r.hub_status.as_deref().unwrap_or("—"))
                .map_err(err)?;
            row += 1;
        }
        sheet.set_column_width(0, 36).map_err(err)?;
        sheet.set_column_width(1, 20).map_err(err)?;
        sheet.set_column_width(2, 16).map_err(err)?;
    }
    save_private(&mut book, path)
}

/// The payments report as a document for the receipt printer: the shop, the period,
/// one short block per payment and the totals, in the printer's width.
pub fn payments_document(
    ctx: &crate::domain::receipt::DocumentContext,
    rows: &[ReportRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> crate::domain::receipt::Document {
    use crate::domain::receipt::{Block, Document, DocumentKind};
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
            label: r.state.clone(),
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

/// An X or Z report as a document for the receipt printer (its width).
pub fn shift_document(
    ctx: &crate::domain::receipt::DocumentContext,
    r: &crate::journal::shift::ShiftReport,
) -> crate::domain::receipt::Document {
    use crate::domain::money::Money;
    use crate::domain::receipt::{Block, Document, DocumentKind};
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
