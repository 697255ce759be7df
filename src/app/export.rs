//! The payments report and the monthly settlement written to files (CSV, XLSX),
//! owner-only. The worker writes them for the Reports screen, the CLI for
//! `paydesk report`.

use std::path::Path;

use chrono_tz::Tz;

use crate::domain::report::{hub_status_text, state_text};
use crate::domain::time::local;
use crate::i18n::{Lang, T};
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
    /// The file or its folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

fn number(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// The column titles, in the report's language.
pub fn headers(lang: Lang) -> [&'static str; 12] {
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
        lang.t(T::ReportFiscalDocument),
    ]
}

/// How a spreadsheet in the language's locale reads CSV: Excel in a Russian or Polish
/// locale splits on `;` and reads `1500,50` as a number; in English on `,` and `1500.50`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvDialect {
    /// Between cells.
    pub separator: char,
    /// Before the minor units.
    pub decimal: char,
}

impl CsvDialect {
    /// The dialect of `lang`'s usual locale.
    pub fn of(lang: Lang) -> CsvDialect {
        match lang {
            Lang::Ru | Lang::Pl => CsvDialect {
                separator: ';',
                decimal: ',',
            },
            Lang::En => CsvDialect {
                separator: ',',
                decimal: '.',
            },
        }
    }
}

/// The payments report as CSV for a spreadsheet in the language's locale: UTF-8 with a
/// byte-order mark (Excel otherwise guesses a legacy code page), [`CsvDialect`]
/// separators and decimals, RFC 4180 quoting, shop-local times, a totals line.
pub fn csv(rows: &[ReportRow], lang: Lang, tz: Tz) -> String {
    let dialect = CsvDialect::of(lang);
    let field = |s: &str| -> String {
        if s.contains([dialect.separator, '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let money =
        |m: crate::domain::money::Money| m.to_string().replace('.', &dialect.decimal.to_string());
    let mut out = String::from('\u{feff}');
    let line = |out: &mut String, cells: &[String]| {
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(&dialect.separator.to_string()));
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
                money(r.amount),
                money(r.fee),
                money(r.total),
                state_text(lang, &r.state).to_string(),
                r.hub_status
                    .as_deref()
                    .map(|s| hub_status_text(lang, Some(s)).to_string())
                    .unwrap_or_default(),
                r.cashier.clone(),
                r.fiscal_document.map(|n| n.to_string()).unwrap_or_default(),
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
            money(t.amount),
            money(t.fee),
            money(t.total),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
    );
    out
}

/// Writes the payments report as a CSV file (owner-only), creating its folder.
pub fn write_csv(rows: &[ReportRow], lang: Lang, tz: Tz, path: &Path) -> Result<(), ExportError> {
    let failed = |p: &Path| {
        let path = p.display().to_string();
        move |source| ExportError::Write { path, source }
    };
    if let Some(dir) = path.parent() {
        crate::files::create_dir_private(dir).map_err(failed(dir))?;
    }
    crate::files::write_private(path, csv(rows, lang, tz).as_bytes()).map_err(failed(path))
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
        sheet
            .write(row, 8, state_text(lang, &r.state))
            .map_err(err)?;
        sheet
            .write(
                row,
                9,
                r.hub_status
                    .as_deref()
                    .map_or("", |s| hub_status_text(lang, Some(s))),
            )
            .map_err(err)?;
        sheet.write(row, 10, &r.cashier).map_err(err)?;
        if let Some(n) = r.fiscal_document {
            sheet.write_number(row, 11, f64::from(n)).map_err(err)?;
        }
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
    if let Some(dir) = path.parent() {
        crate::files::create_dir_private(dir)
            .map_err(|e| err(format!("{}: {e}", dir.display())))?;
    }
    let mut file = crate::files::create_private(path).map_err(|e| err(e.to_string()))?;
    book.save_to_writer(&mut file)
        .map_err(|e| err(e.to_string()))
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
                .write(row, 4, hub_status_text(lang, r.hub_status.as_deref()))
                .map_err(err)?;
            row += 1;
        }
        sheet.set_column_width(0, 36).map_err(err)?;
        sheet.set_column_width(1, 20).map_err(err)?;
        sheet.set_column_width(2, 16).map_err(err)?;
    }
    save_private(&mut book, path)
}

/// The collection report as XLSX: a sheet of shifts (taken for principals, collected,
/// with the balance carried in and left) and a sheet of the collections.
pub fn collection_xlsx(
    r: &crate::domain::cash::CollectionReport,
    lang: Lang,
    tz: Tz,
    path: &Path,
) -> Result<(), ExportError> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let f = |d: rust_decimal::Decimal| -> f64 { d.to_string().parse().unwrap_or_default() };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet();
    sheet
        .set_name(lang.t(T::CollectionShiftsSheet))
        .map_err(err)?;
    let heads = [
        T::CollectionShift,
        T::CollectionOpened,
        T::CollectionClosed,
        T::CollectionTaken,
        T::CollectionCollected,
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet
            .write_with_format(0, c as u16, lang.t(*h), &bold)
            .map_err(err)?;
    }
    sheet
        .write(1, 0, lang.t(T::CollectionCarried))
        .map_err(err)?;
    sheet
        .write_number_with_format(1, 3, f(r.carried), &money)
        .map_err(err)?;
    let mut row = 2;
    for l in &r.shifts {
        sheet.write_number(row, 0, l.shift_no as f64).map_err(err)?;
        sheet.write(row, 1, local(l.opened_at, tz)).map_err(err)?;
        if let Some(c) = l.closed_at {
            sheet.write(row, 2, local(c, tz)).map_err(err)?;
        }
        sheet
            .write_number_with_format(row, 3, f(l.taken), &money)
            .map_err(err)?;
        sheet
            .write_number_with_format(row, 4, f(l.collected.decimal()), &money)
            .map_err(err)?;
        row += 1;
    }
    sheet
        .write_with_format(row, 0, lang.t(T::ReportTotals), &bold)
        .map_err(err)?;
    sheet
        .write_number_with_format(row, 3, f(r.taken()), &money)
        .map_err(err)?;
    sheet
        .write_number_with_format(row, 4, f(r.collected()), &money)
        .map_err(err)?;
    row += 1;
    sheet
        .write_with_format(row, 0, lang.t(T::CollectionNotCollected), &bold)
        .map_err(err)?;
    sheet
        .write_number_with_format(row, 3, f(r.not_collected()), &money)
        .map_err(err)?;
    sheet.set_column_width(0, 34).map_err(err)?;
    sheet.set_column_width(1, 18).map_err(err)?;
    sheet.set_column_width(2, 18).map_err(err)?;
    sheet.set_column_width(3, 22).map_err(err)?;
    sheet.set_column_width(4, 16).map_err(err)?;

    let sheet = book.add_worksheet();
    sheet.set_name(lang.t(T::CollectionsSheet)).map_err(err)?;
    let heads = [
        T::CollectionNumber,
        T::CollectionWhen,
        T::CollectionShift,
        T::CashAmount,
        T::CashBag,
        T::CashBankRef,
        T::CollectionWho,
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet
            .write_with_format(0, c as u16, lang.t(*h), &bold)
            .map_err(err)?;
    }
    for (i, c) in r.collections.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, c.number as f64).map_err(err)?;
        sheet.write(row, 1, local(c.at, tz)).map_err(err)?;
        sheet.write_number(row, 2, c.shift_no as f64).map_err(err)?;
        sheet
            .write_number_with_format(row, 3, f(c.amount.decimal()), &money)
            .map_err(err)?;
        sheet
            .write(row, 4, c.bag.as_deref().unwrap_or_default())
            .map_err(err)?;
        sheet
            .write(row, 5, c.bank_ref.as_deref().unwrap_or_default())
            .map_err(err)?;
        sheet.write(row, 6, &c.actor).map_err(err)?;
    }
    sheet.set_column_width(1, 18).map_err(err)?;
    sheet.set_column_width(4, 20).map_err(err)?;
    sheet.set_column_width(5, 24).map_err(err)?;
    save_private(&mut book, path)
}
