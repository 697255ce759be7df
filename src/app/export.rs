//! The payments report and the monthly settlement written to files (CSV, XLSX),
//! owner-only. The worker writes them for the Reports screen, the CLI for
//! `paydesk report`.

use std::fs::File;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono_tz::Tz;

use crate::domain::report::{hub_status_text, state_text};
use crate::domain::time::local;
use crate::i18n::{Lang, T};
use crate::journal::report::{PaymentsFilter, ReportRow, Totals};
use crate::journal::{Journal, JournalError};

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
    /// The journal could not be read.
    #[error(transparent)]
    Read(JournalError),
    /// Stopped on request; no file was left under the final name.
    #[error("the export was cancelled")]
    Cancelled,
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

/// Writes the payments report as CSV row by row, for a spreadsheet in the language's
/// locale: UTF-8 with a byte-order mark (Excel otherwise guesses a legacy code page),
/// [`CsvDialect`] separators and decimals, RFC 4180 quoting, shop-local times, and a
/// totals line at the end.
pub struct CsvRows<W: Write> {
    out: W,
    lang: Lang,
    tz: Tz,
    dialect: CsvDialect,
    totals: Totals,
}

impl<W: Write> CsvRows<W> {
    /// Starts the file: the byte-order mark and the column titles.
    pub fn start(mut out: W, lang: Lang, tz: Tz) -> std::io::Result<CsvRows<W>> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut w = CsvRows {
            out,
            lang,
            tz,
            dialect: CsvDialect::of(lang),
            totals: Totals::default(),
        };
        let heads: Vec<String> = headers(lang).iter().map(|h| h.to_string()).collect();
        w.line(&heads)?;
        Ok(w)
    }

    fn line(&mut self, cells: &[String]) -> std::io::Result<()> {
        let sep = self.dialect.separator;
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                write!(self.out, "{sep}")?;
            }
            if c.contains([sep, '"', '\n', '\r']) {
                write!(self.out, "\"{}\"", c.replace('"', "\"\""))?;
            } else {
                self.out.write_all(c.as_bytes())?;
            }
        }
        self.out.write_all(b"\r\n")
    }

    fn money(&self, m: crate::domain::money::Money) -> String {
        m.to_string()
            .replace('.', &self.dialect.decimal.to_string())
    }

    /// One payment.
    pub fn row(&mut self, r: &ReportRow) -> std::io::Result<()> {
        self.totals.add(r);
        let lang = self.lang;
        let cells = [
            local(r.created_at, self.tz),
            number(r.pre_receipt_no),
            number(r.fiscal_receipt_no),
            r.operator.clone(),
            r.account.clone(),
            self.money(r.amount),
            self.money(r.fee),
            self.money(r.total),
            state_text(lang, &r.state).to_string(),
            r.hub_status
                .as_deref()
                .map(|s| hub_status_text(lang, Some(s)).to_string())
                .unwrap_or_default(),
            r.cashier.clone(),
            r.fiscal_document.map(|n| n.to_string()).unwrap_or_default(),
        ];
        self.line(&cells)
    }

    /// The totals line; the writer back (flushed).
    pub fn finish(mut self) -> std::io::Result<W> {
        let t = self.totals;
        let cells = [
            self.lang.t(T::ReportTotals).to_string(),
            t.count.to_string(),
            String::new(),
            String::new(),
            String::new(),
            self.money(t.amount),
            self.money(t.fee),
            self.money(t.total),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        self.line(&cells)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The payments report as CSV text (small reports, tests); files of any size are
/// written by [`payments_file`].
pub fn csv(rows: &[ReportRow], lang: Lang, tz: Tz) -> String {
    let write = || -> std::io::Result<Vec<u8>> {
        let mut w = CsvRows::start(Vec::new(), lang, tz)?;
        for r in rows {
            w.row(r)?;
        }
        w.finish()
    };
    // Writing into memory cannot fail.
    String::from_utf8(write().unwrap_or_default()).unwrap_or_default()
}

/// Writes the payments report as XLSX row by row in rust_xlsxwriter's constant-memory
/// mode (each row goes to a temporary file as written): real date-time and number
/// cells, a totals row.
pub struct XlsxRows {
    book: rust_xlsxwriter::Workbook,
    lang: Lang,
    tz: Tz,
    next: u32,
    totals: Totals,
    bold: rust_xlsxwriter::Format,
    date: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
}

impl XlsxRows {
    /// Starts the sheet: its name, column widths and titles.
    pub fn start(lang: Lang, tz: Tz) -> Result<XlsxRows, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = book.add_worksheet_with_constant_memory()?;
        sheet.set_name(lang.t(T::ReportSheetPayments))?;
        sheet.set_column_width(0, 20)?;
        sheet.set_column_width(3, 24)?;
        sheet.set_column_width(4, 16)?;
        for (c, h) in headers(lang).iter().enumerate() {
            sheet.write_with_format(0, c as u16, *h, &bold)?;
        }
        Ok(XlsxRows {
            book,
            lang,
            tz,
            next: 1,
            totals: Totals::default(),
            bold,
            date: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            money: Format::new().set_num_format("#,##0.00"),
        })
    }

    /// One payment.
    pub fn row(&mut self, r: &ReportRow) -> Result<(), rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::ExcelDateTime;
        self.totals.add(r);
        let (lang, row) = (self.lang, self.next);
        self.next += 1;
        let t = ExcelDateTime::from_timestamp(
            r.created_at
                .with_timezone(&self.tz)
                .naive_local()
                .and_utc()
                .timestamp(),
        )?;
        let sheet = self.book.worksheet_from_index(0)?;
        sheet.write_datetime_with_format(row, 0, &t, &self.date)?;
        if let Some(n) = r.pre_receipt_no {
            sheet.write_number(row, 1, n as f64)?;
        }
        if let Some(n) = r.fiscal_receipt_no {
            sheet.write_number(row, 2, n as f64)?;
        }
        sheet.write(row, 3, &r.operator)?;
        sheet.write(row, 4, &r.account)?;
        for (c, m) in [(5, r.amount), (6, r.fee), (7, r.total)] {
            sheet.write_number_with_format(row, c, as_f64(m), &self.money)?;
        }
        sheet.write(row, 8, state_text(lang, &r.state))?;
        sheet.write(
            row,
            9,
            r.hub_status
                .as_deref()
                .map_or("", |s| hub_status_text(lang, Some(s))),
        )?;
        sheet.write(row, 10, &r.cashier)?;
        if let Some(n) = r.fiscal_document {
            sheet.write_number(row, 11, f64::from(n))?;
        }
        Ok(())
    }

    /// The totals row, then the workbook saved into `out`.
    pub fn finish(mut self, out: &mut File) -> Result<(), rust_xlsxwriter::XlsxError> {
        let (last, t) = (self.next, self.totals);
        let sheet = self.book.worksheet_from_index(0)?;
        sheet.write_with_format(last, 0, self.lang.t(T::ReportTotals), &self.bold)?;
        sheet.write_number(last, 1, t.count as f64)?;
        for (c, m) in [(5, t.amount), (6, t.fee), (7, t.total)] {
            sheet.write_number_with_format(last, c, as_f64(m), &self.money)?;
        }
        self.book.save_to_writer(out)
    }
}

fn as_f64(m: crate::domain::money::Money) -> f64 {
    m.decimal().to_string().parse().unwrap_or_default()
}

/// The payments report as an XLSX file (small reports, tests); files of any size are
/// written by [`payments_file`].
pub fn xlsx(rows: &[ReportRow], lang: Lang, tz: Tz, path: &Path) -> Result<(), ExportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut w = XlsxRows::start(lang, tz).map_err(err)?;
    for r in rows {
        w.row(r).map_err(err)?;
    }
    let mut file = create_with_folder(path)?;
    w.finish(&mut file).map_err(err)
}

/// Stops an export from another thread (the screen's Cancel).
#[derive(Clone, Debug, Default)]
pub struct ExportCancel(Arc<AtomicBool>);

impl ExportCancel {
    /// Not cancelled.
    pub fn new() -> ExportCancel {
        ExportCancel::default()
    }

    /// Asks the export to stop at its next row.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// `Break` once cancelled.
    pub fn flow(&self) -> ControlFlow<()> {
        if self.0.load(Ordering::Relaxed) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }
}

/// The file formats of the payments report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV in the language's spreadsheet dialect.
    Csv,
    /// XLSX.
    Xlsx,
}

/// How often (in rows) an export says how far it is and may be stopped.
const PROGRESS_EVERY: u64 = 2_000;

/// Writes the payments report of `f` to `path` as rows are read from the journal:
/// memory stays flat whatever the period. The file is written under a temporary name
/// beside `path` and renamed only when complete, so a cancelled or failed export
/// leaves no half file under the final name. `progress` gets (rows written, rows in
/// the report) every few thousand rows and stops the export with `Break`
/// ([`ExportError::Cancelled`]). Returns the rows written.
pub fn payments_file(
    journal: &Journal,
    f: &PaymentsFilter,
    format: ExportFormat,
    lang: Lang,
    tz: Tz,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<u64, ExportError> {
    let total = journal.report_summary(f).map_err(ExportError::Read)?.rows;
    if progress(0, total).is_break() {
        return Err(ExportError::Cancelled);
    }
    let partial = partial_name(path);
    let written = write_rows(
        journal, f, format, lang, tz, path, &partial, total, progress,
    );
    match written {
        Ok(n) => {
            std::fs::rename(&partial, path).map_err(|source| ExportError::Write {
                path: path.display().to_string(),
                source,
            })?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

/// `.name.partial-<pid>` beside `path`: hidden, and never taken for the report.
fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[allow(clippy::too_many_arguments)]
fn write_rows(
    journal: &Journal,
    f: &PaymentsFilter,
    format: ExportFormat,
    lang: Lang,
    tz: Tz,
    path: &Path,
    partial: &Path,
    total: u64,
    progress: &mut dyn FnMut(u64, u64) -> ControlFlow<()>,
) -> Result<u64, ExportError> {
    let io = |source| ExportError::Write {
        path: path.display().to_string(),
        source,
    };
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| ExportError::Xlsx {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut file = create_with_folder(partial).map_err(|e| match e {
        ExportError::Write { source, .. } => io(source),
        e => e,
    })?;
    let mut tick = |done: u64| -> ControlFlow<()> {
        if done.is_multiple_of(PROGRESS_EVERY) {
            progress(done, total)
        } else {
            ControlFlow::Continue(())
        }
    };
    let (done, flow) = match format {
        ExportFormat::Csv => {
            let mut w = CsvRows::start(std::io::BufWriter::new(&mut file), lang, tz).map_err(io)?;
            let written = each_row_written(journal, f, &mut |r| w.row(r).map_err(io), &mut tick)?;
            if written.1.is_continue() {
                w.finish().map_err(io)?;
            }
            written
        }
        ExportFormat::Xlsx => {
            let mut w = XlsxRows::start(lang, tz).map_err(xlsx_err)?;
            let written =
                each_row_written(journal, f, &mut |r| w.row(r).map_err(xlsx_err), &mut tick)?;
            if written.1.is_continue() {
                w.finish(&mut file).map_err(xlsx_err)?;
            }
            written
        }
    };
    if flow.is_break() {
        return Err(ExportError::Cancelled);
    }
    file.sync_all().map_err(io)?;
    // The last word: everything is written, so a Break now changes nothing.
    let _written = progress(done, total);
    Ok(done)
}

/// Reads the report's rows and hands each to `write` as it comes, telling `progress`
/// the rows written so far; stops at the first failed write (its error) or when
/// `progress` says `Break` (returned). The rows written, and whether it ran through.
pub fn each_row_written(
    journal: &Journal,
    f: &PaymentsFilter,
    write: &mut dyn FnMut(&ReportRow) -> Result<(), ExportError>,
    progress: &mut dyn FnMut(u64) -> ControlFlow<()>,
) -> Result<(u64, ControlFlow<()>), ExportError> {
    let mut done = 0u64;
    let mut failed = None;
    let flow = journal
        .each_report_row(f, &mut |r| match write(&r) {
            Ok(()) => {
                done += 1;
                progress(done)
            }
            Err(e) => {
                failed = Some(e);
                ControlFlow::Break(())
            }
        })
        .map_err(ExportError::Read)?;
    match failed {
        Some(e) => Err(e),
        None => Ok((done, flow)),
    }
}

/// Creates `path` owner-only, and its folder.
fn create_with_folder(path: &Path) -> Result<File, ExportError> {
    let failed = |p: &Path| {
        let path = p.display().to_string();
        move |source| ExportError::Write { path, source }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_dir_private(dir).map_err(failed(dir))?;
    }
    crate::files::create_private(path).map_err(failed(path))
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
