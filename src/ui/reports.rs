//! The payments report screen: a period, an operator, part of an account number and a
//! status; a virtualised, sortable table (only visible rows are laid out, so a million
//! rows stay fast); totals of exactly the rows shown; export to CSV and XLSX; a line
//! per payment copied as the central office's correction request.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::app::messages;
use std::collections::{BTreeMap, BTreeSet};

use crate::app::report_thread::{ALL_ROWS_UP_TO, PAGE_ROWS};
use crate::app::worker::{
    ExportCancel, ExportFormat, Reply, ReportFileError, ReportReply, ReportRequest, ReportTable,
    Request, ShiftReply, ShiftRequest, TableRows,
};
use crate::domain::operator::Catalogue;
use crate::domain::period::{DayEdge, parse_when};
use crate::domain::report::{hub_status_text, state_text};
use crate::domain::user::{self, Action as Permission, PermissionError, User};
use crate::i18n::{Currency, Lang, T};
use crate::journal::report::{
    PageAfter, PaymentsFilter, ReportPage, ReportRow, ReportSummary, StatusFilter, Totals,
};

use super::screen::{Cx, Screen};
use super::style;

/// Table columns a manager can sort by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Date and time.
    #[default]
    Time,
    /// Fiscal receipt number.
    Receipt,
    /// Operator name.
    Operator,
    /// Account number.
    Account,
    /// Amount.
    Amount,
}

/// What the report screen asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run the report with this filter.
    Show(PaymentsFilter),
    /// Write the rows of this filter to a file.
    Export(PaymentsFilter, crate::app::worker::ExportFormat),
    /// Stop the export running.
    CancelExport,
    /// Page `n` of the large report shown (after this row, when known).
    Page(PaymentsFilter, usize, Option<PageAfter>),
    /// Put this text on the clipboard.
    Copy(String),
    /// Print the rows of this filter on the receipt printer.
    Print(PaymentsFilter),
    /// Open a shift with this cash.
    OpenShift(crate::domain::money::Money),
    /// Print the X report.
    XReport,
    /// Close the shift with this cash counted (Z report): first compare.
    CloseShift(crate::domain::money::Money),
    /// Close it although the count differs from the cash expected.
    ConfirmClose(crate::domain::money::Money),
    /// Show the reconciliation view.
    Reconcile,
    /// Show the collection report (on the cash screen).
    Collections,
}

/// The report screen's state.
#[derive(Clone, Debug, Default)]
pub struct ReportsState {
    /// From, as typed.
    pub from: String,
    /// To, as typed.
    pub to: String,
    /// Operator code.
    pub operator: Option<String>,
    /// Part of an account number, as typed.
    pub account: String,
    /// Status.
    pub status: Option<StatusFilter>,
    /// Rows of the last run, in the chosen order (set with [`ReportsState::set_rows`]),
    /// when the report is small enough to hold whole.
    pub rows: Vec<ReportRow>,
    /// A larger report, read a page at a time as the table scrolls.
    pub paged: Option<PagedRows>,
    /// The export running: how far, and its Cancel.
    pub export: Option<ExportRun>,
    /// Their totals, summed once when the rows arrive (not every frame).
    pub totals: Totals,
    /// The filter the rows are for.
    pub shown: Option<PaymentsFilter>,
    /// Sort column and direction (true: ascending).
    pub sort: (SortBy, bool),
    /// A message (error or result of export/copy).
    pub note: Option<(String, bool)>,
    /// A request is with the till.
    pub busy: bool,
    /// Opening cash, as typed.
    pub shift_cash: String,
    /// Counted cash, as typed.
    pub shift_counted: String,
    /// The refunds paid in the period shown.
    pub refunds: crate::domain::report::RefundTotals,
    /// A close waiting for the manager's yes: (counted, expected), when they differ.
    pub confirm_close: Option<(crate::domain::money::Money, crate::domain::money::Money)>,
    /// The last X/Z report as text, or a message about the shift.
    pub shift_text: Option<(String, bool)>,
    /// The reconciliation view is shown instead of the payments.
    pub reconciling: bool,
    /// The reconciliation view's state.
    pub reconcile: super::reconcile::ReconcileView,
}

/// An export on its way.
#[derive(Clone, Debug, Default)]
pub struct ExportRun {
    /// Rows written.
    pub done: u64,
    /// Rows in the report.
    pub total: u64,
    /// Stops it.
    pub cancel: ExportCancel,
}

/// The pages of a large report the screen holds (a bounded number, around what is
/// shown), in time order.
#[derive(Clone, Debug)]
pub struct PagedRows {
    /// The filter the pages are for.
    pub filter: PaymentsFilter,
    /// Rows in the report: the first page's until it is counted.
    pub total: u64,
    /// The report's count arrived (`total` is all of it).
    pub counted: bool,
    pages: BTreeMap<usize, Vec<ReportRow>>,
    /// The last row of each page read: where the next page starts.
    ends: BTreeMap<usize, PageAfter>,
    asked: BTreeSet<usize>,
}

/// Pages kept at most (around the rows shown).
const PAGES_KEPT: usize = 40;

impl PagedRows {
    /// A large report with its first page (its count follows).
    pub fn new(filter: PaymentsFilter, first: ReportPage) -> PagedRows {
        let mut p = PagedRows {
            filter,
            total: first.rows.len() as u64,
            counted: false,
            pages: BTreeMap::new(),
            ends: BTreeMap::new(),
            asked: BTreeSet::new(),
        };
        p.take(0, first);
        p
    }

    /// Row `i` in time order, if its page is here.
    pub fn row(&self, i: u64) -> Option<&ReportRow> {
        let n = (i / PAGE_ROWS as u64) as usize;
        self.pages
            .get(&n)
            .and_then(|rows| rows.get((i % PAGE_ROWS as u64) as usize))
    }

    /// Takes page `n` as read; drops the pages farthest from it beyond [`PAGES_KEPT`].
    pub fn take(&mut self, n: usize, page: ReportPage) {
        self.asked.remove(&n);
        if let Some(end) = page.next {
            self.ends.insert(n, end);
        }
        self.pages.insert(n, page.rows);
        while self.pages.len() > PAGES_KEPT {
            let far = *self
                .pages
                .keys()
                .max_by_key(|k| k.abs_diff(n))
                .expect("more than one page");
            self.pages.remove(&far);
        }
    }

    /// The request for page `n`, unless it is here or already asked for.
    fn want(&mut self, n: usize) -> Option<Action> {
        if self.pages.contains_key(&n) || !self.asked.insert(n) {
            return None;
        }
        let after = n.checked_sub(1).and_then(|p| self.ends.get(&p).cloned());
        Some(Action::Page(self.filter.clone(), n, after))
    }
}

impl ReportsState {
    /// Today in the shop's zone, all statuses.
    pub fn today(tz: Tz) -> ReportsState {
        let today = Utc::now().with_timezone(&tz).format("%Y-%m-%d").to_string();
        ReportsState {
            from: today.clone(),
            to: today,
            sort: (SortBy::Time, true),
            reconcile: super::reconcile::ReconcileView::yesterday(tz),
            ..ReportsState::default()
        }
    }

    /// Takes a report's rows: sums them once and orders them as chosen.
    pub fn set_rows(&mut self, rows: Vec<ReportRow>) {
        self.totals = Totals::of(&rows);
        self.rows = rows;
        self.paged = None;
        self.sort_rows();
    }

    /// Takes a report from the report thread: whole, or its first page.
    pub fn set_table(&mut self, table: ReportTable) {
        self.refunds = table.refunds;
        match table.rows {
            TableRows::All(rows) => self.set_rows(rows),
            TableRows::FirstPage(first) => {
                self.rows.clear();
                self.sort = (SortBy::Time, true);
                self.paged = Some(PagedRows::new(table.filter, first));
                self.totals = Totals::default();
            }
        }
        // The sums of the whole report, from SQL (a large one is never all here).
        if let Some(summary) = table.summary {
            self.totals = summary.totals;
        }
    }

    /// Takes a large report's count and sums (they follow its first page).
    pub fn set_summary(&mut self, filter: &PaymentsFilter, summary: ReportSummary) {
        if let Some(p) = self.paged.as_mut().filter(|p| &p.filter == filter) {
            p.total = summary.rows;
            p.counted = true;
            self.totals = summary.totals;
        }
    }

    /// Orders the rows as chosen.
    pub fn sort_rows(&mut self) {
        let (by, asc) = self.sort;
        self.rows.sort_by(|a, b| {
            let o = match by {
                SortBy::Time => a.created_at.cmp(&b.created_at),
                SortBy::Receipt => a.fiscal_receipt_no.cmp(&b.fiscal_receipt_no),
                SortBy::Operator => a.operator.cmp(&b.operator),
                SortBy::Account => a.account.cmp(&b.account),
                SortBy::Amount => a.amount.cmp(&b.amount),
            }
            .then_with(|| a.id.cmp(&b.id));
            if asc { o } else { o.reverse() }
        });
    }

    /// The filter the fields describe, or what is wrong with them.
    pub fn current_filter(&self, lang: Lang, tz: Tz) -> Result<PaymentsFilter, String> {
        self.filter(lang, tz)
    }

    fn filter(&self, lang: Lang, tz: Tz) -> Result<PaymentsFilter, String> {
        let when = |v: &str, edge: DayEdge| -> Result<DateTime<Utc>, String> {
            parse_when(v, tz, edge).ok_or_else(|| lang.fill(T::ErrReportDate, &[("value", &v)]))
        };
        let from = when(&self.from, DayEdge::Start)?;
        let to = when(&self.to, DayEdge::End)?;
        if to <= from {
            return Err(lang.fill(T::ErrReportRange, &[("from", &self.from), ("to", &self.to)]));
        }
        let digits: String = self
            .account
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(lang.fill(T::ErrReportAccount, &[("value", &self.account)]));
        }
        Ok(PaymentsFilter {
            from,
            to,
            operator: self.operator.clone(),
            account: (!digits.is_empty()).then_some(digits),
            status: self.status,
        })
    }
}

fn status_word(lang: Lang, s: Option<StatusFilter>) -> &'static str {
    lang.t(match s {
        None => T::ReportStatusAll,
        Some(StatusFilter::Accepted) => T::ReportStatusAccepted,
        Some(StatusFilter::Voided) => T::ReportStatusVoided,
        Some(StatusFilter::Unfinished) => T::ReportStatusUnfinished,
        Some(StatusFilter::Undelivered) => T::ReportStatusUndelivered,
        Some(StatusFilter::Completed) => T::ReportStatusCompleted,
        Some(StatusFilter::Failed) => T::ReportStatusFailed,
        Some(StatusFilter::Stuck) => T::ReportStatusStuck,
    })
}

/// What the screen needs to know besides its state.
pub struct View<'a> {
    /// Language.
    pub lang: Lang,
    /// Shop time zone.
    pub tz: Tz,
    /// Currency.
    pub currency: &'a Currency,
    /// Operators for the filter.
    pub catalogue: &'a Catalogue,
    /// The open shift's number.
    pub shift: Option<u64>,
    /// The user may open and close shifts (else the shift panel is not shown).
    pub may_manage_shift: bool,
    /// A fiscal register issues the receipts (the table shows their ФД).
    pub fiscal_register: bool,
}

fn cash(
    lang: Lang,
    text: &str,
    currency: &Currency,
) -> Result<crate::domain::money::Money, String> {
    use crate::domain::money::Money;
    match Money::parse(text) {
        Ok(m) => Ok(m),
        Err(_) if text.trim() == "0" => Ok(Money::default()),
        Err(e) => Err(crate::app::messages::amount(
            lang,
            &crate::domain::entry::AmountError::Money(e),
            None,
            currency,
        )),
    }
}

fn shift_panel(ui: &mut egui::Ui, s: &mut ReportsState, v: &View, actions: &mut Vec<Action>) {
    let lang = v.lang;
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!s.busy, |ui| match v.shift {
            None => {
                ui.label(RichText::new(lang.t(T::StatusNoShift)).strong());
                if field(
                    ui,
                    lang.t(T::ShiftOpeningCash),
                    "shift-cash",
                    &mut s.shift_cash,
                    120.0,
                ) | ui.button(lang.t(T::ShiftOpenButton)).clicked()
                {
                    match cash(lang, &s.shift_cash, v.currency) {
                        Ok(m) => actions.push(Action::OpenShift(m)),
                        Err(e) => s.shift_text = Some((e, true)),
                    }
                }
            }
            Some(_) if s.confirm_close.is_some() => {
                let (counted, expected) = s.confirm_close.expect("checked");
                let diff = counted.decimal() - expected.decimal();
                let sign = if diff.is_sign_negative() { "−" } else { "+" };
                let abs = crate::domain::money::Money::from_decimal(diff.abs()).unwrap_or_default();
                ui.label(
                    RichText::new(lang.fill(
                        T::ShiftConfirmDifference,
                        &[
                            ("counted", &lang.money_with(counted, v.currency)),
                            ("expected", &lang.money_with(expected, v.currency)),
                            (
                                "diff",
                                &format!("{sign}{}", lang.money_with(abs, v.currency)),
                            ),
                        ],
                    ))
                    .strong()
                    .color(style::error_color(ui)),
                );
                let yes = ui
                    .add(style::primary(ui, lang.t(T::ShiftConfirmClose)))
                    .clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Enter));
                let back = ui.button(lang.t(T::ShiftConfirmBack)).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape));
                if yes {
                    s.confirm_close = None;
                    actions.push(Action::ConfirmClose(counted));
                } else if back {
                    s.confirm_close = None;
                }
            }
            Some(n) => {
                ui.label(RichText::new(lang.fill(T::StatusShift, &[("n", &n)])).strong());
                if ui.button(lang.t(T::ShiftXButton)).clicked() {
                    actions.push(Action::XReport);
                }
                ui.separator();
                if field(
                    ui,
                    lang.t(T::ShiftCountedCash),
                    "shift-counted",
                    &mut s.shift_counted,
                    120.0,
                ) | ui.button(lang.t(T::ShiftZButton)).clicked()
                {
                    match cash(lang, &s.shift_counted, v.currency) {
                        Ok(m) => actions.push(Action::CloseShift(m)),
                        Err(e) => s.shift_text = Some((e, true)),
                    }
                }
            }
        });
    });
    if let Some((text, error)) = &s.shift_text {
        let t = RichText::new(text.as_str()).monospace();
        ui.label(if *error {
            t.color(style::error_color(ui))
        } else {
            t
        });
    }
}

fn field(ui: &mut egui::Ui, label: &str, id: &str, value: &mut String, width: f32) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(value)
                .id_salt(("report-field", id))
                .desired_width(width),
        )
        .labelled_by(l.id);
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// Draws the report screen.
pub fn show(ui: &mut egui::Ui, s: &mut ReportsState, v: &View) -> Vec<Action> {
    let lang = v.lang;
    let mut actions = Vec::new();
    let mut run = false;
    if v.may_manage_shift {
        egui::CollapsingHeader::new(lang.t(T::ShiftTitle))
            .id_salt("shift-panel")
            .default_open(true)
            .show(ui, |ui| shift_panel(ui, s, v, &mut actions));
        ui.separator();
    }
    ui.horizontal(|ui| {
        ui.heading(lang.t(T::ReportTitle));
        if ui.button(lang.t(T::ReconcileTitle)).clicked() {
            actions.push(Action::Reconcile);
        }
        if ui.button(lang.t(T::CollectionTitle)).clicked() {
            actions.push(Action::Collections);
        }
    });
    ui.horizontal_wrapped(|ui| {
        run |= field(ui, lang.t(T::ReportFrom), "from", &mut s.from, 150.0);
        run |= field(ui, lang.t(T::ReportTo), "to", &mut s.to, 150.0);
        let l = ui.label(lang.t(T::ReportOperator));
        let shown = s
            .operator
            .as_deref()
            .and_then(|c| v.catalogue.operators.iter().find(|o| o.code.as_str() == c))
            .map(|o| o.name.clone())
            .unwrap_or_else(|| lang.t(T::ReportAllOperators).to_string());
        egui::ComboBox::from_id_salt("report-operator")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(s.operator.is_none(), lang.t(T::ReportAllOperators))
                    .clicked()
                {
                    s.operator = None;
                }
                for o in &v.catalogue.operators {
                    let code = o.code.as_str().to_string();
                    if ui
                        .selectable_label(s.operator.as_deref() == Some(&code), &o.name)
                        .clicked()
                    {
                        s.operator = Some(code);
                    }
                }
            })
            .response
            .labelled_by(l.id);
        run |= field(
            ui,
            lang.t(T::ReportAccountPart),
            "account",
            &mut s.account,
            140.0,
        );
        let l = ui.label(lang.t(T::ReportState));
        egui::ComboBox::from_id_salt("report-status")
            .selected_text(status_word(lang, s.status))
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(s.status.is_none(), status_word(lang, None))
                    .clicked()
                {
                    s.status = None;
                }
                for (f, _) in StatusFilter::ALL {
                    if ui
                        .selectable_label(s.status == Some(f), status_word(lang, Some(f)))
                        .clicked()
                    {
                        s.status = Some(f);
                    }
                }
            })
            .response
            .labelled_by(l.id);
    });
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!s.busy, |ui| {
            run |= ui.button(lang.t(T::ReportShow)).clicked();
            if ui.button(lang.t(T::ReportPrint)).clicked() {
                match s.filter(lang, v.tz) {
                    Ok(f) => actions.push(Action::Print(f)),
                    Err(e) => s.note = Some((e, true)),
                }
            }
            for (format, t) in [
                (crate::app::worker::ExportFormat::Csv, T::ReportExportCsv),
                (crate::app::worker::ExportFormat::Xlsx, T::ReportExportXlsx),
            ] {
                if ui.button(lang.t(t)).clicked() {
                    match s.filter(lang, v.tz) {
                        Ok(f) => actions.push(Action::Export(f, format)),
                        Err(e) => s.note = Some((e, true)),
                    }
                }
            }
        });
        if s.busy {
            ui.spinner();
        }
    });
    if let Some(run) = &s.export {
        ui.horizontal(|ui| {
            let part = if run.total == 0 {
                0.0
            } else {
                run.done as f32 / run.total as f32
            };
            ui.add(
                egui::ProgressBar::new(part)
                    .desired_width(260.0)
                    .show_percentage(),
            );
            ui.label(lang.fill(
                T::ReportExporting,
                &[("done", &run.done), ("total", &run.total)],
            ));
            if ui.button(lang.t(T::ReportCancelExport)).clicked() {
                actions.push(Action::CancelExport);
            }
        });
    }
    if run {
        match s.filter(lang, v.tz) {
            Ok(f) => actions.push(Action::Show(f)),
            Err(e) => s.note = Some((e, true)),
        }
    }
    if let Some((note, error)) = &s.note {
        let text = RichText::new(note.as_str());
        ui.add(
            egui::Label::new(if *error {
                text.color(style::error_color(ui))
            } else {
                text
            })
            .wrap(),
        );
    }
    let counting = s.paged.as_ref().is_some_and(|p| !p.counted);
    if let Some(p) = s.paged.as_ref().filter(|p| p.counted) {
        ui.label(lang.fill(T::ReportLarge, &[("n", &p.total), ("max", &ALL_ROWS_UP_TO)]));
    }
    let t = s.totals;
    if counting {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(lang.t(T::ReportCounting));
        });
    } else {
        ui.label(
            RichText::new(lang.fill(
                T::ReportTotalsLine,
                &[
                    ("count", &t.count),
                    ("amount", &lang.money_with(t.amount, v.currency)),
                    ("fee", &lang.money_with(t.fee, v.currency)),
                    ("total", &lang.money_with(t.total, v.currency)),
                ],
            ))
            .strong(),
        );
    }
    // The cash given back has its own line: never netted into the payments above.
    if s.refunds.count > 0 {
        ui.label(
            RichText::new(lang.fill(
                T::ReportRefundsLine,
                &[
                    ("count", &s.refunds.count),
                    ("amount", &lang.money_with(s.refunds.amount, v.currency)),
                ],
            ))
            .strong(),
        );
    }
    ui.separator();
    // A narrow screen scrolls sideways; the table scrolls its rows itself.
    egui::ScrollArea::horizontal()
        .id_salt("report-sideways")
        .show(ui, |ui| table(ui, s, v, &mut actions));
    actions
}

fn table(ui: &mut egui::Ui, s: &mut ReportsState, v: &View, actions: &mut Vec<Action>) {
    let lang = v.lang;
    // A fiscal register's document number (ФД) gets its column on a register till.
    let with_fd = v.fiscal_register;
    let heads: [(Option<SortBy>, T); 11] = [
        (Some(SortBy::Time), T::ReportDateTime),
        (None, T::ReportPreReceipt),
        (Some(SortBy::Receipt), T::ReportReceipt),
        (Some(SortBy::Operator), T::ReportOperator),
        (Some(SortBy::Account), T::ReportAccount),
        (Some(SortBy::Amount), T::ReportAmount),
        (None, T::ReportFee),
        (None, T::ReportState),
        (None, T::ReportHubStatus),
        (None, T::ReportCashier),
        (None, T::ReportCopyColumn),
    ];
    let mut resort = None;
    let paged = s.paged.is_some();
    let count = match &s.paged {
        Some(p) => p.total as usize,
        None => s.rows.len(),
    };
    // Newest first needs the count: until it comes, oldest first.
    let ascending = s.sort.1 || s.paged.as_ref().is_some_and(|p| !p.counted);
    let mut wanted: BTreeSet<usize> = BTreeSet::new();
    // One line per cell: a long value is cut with "…", never wrapped.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
    TableBuilder::new(ui)
        .id_salt("payments-report")
        .striped(true)
        .resizable(true)
        // The date, the account and the money in full; names may end in "…". Sized
        // for 1366 px; a narrower screen scrolls sideways.
        .column(Column::initial(185.0).at_least(180.0))
        .columns(Column::initial(55.0).at_least(45.0), 2)
        .column(Column::initial(95.0).at_least(70.0))
        // Up to 16 digits (utility accounts).
        .column(Column::initial(195.0).at_least(190.0))
        .column(Column::initial(110.0).at_least(100.0))
        .column(Column::initial(70.0).at_least(65.0))
        .column(Column::initial(95.0).at_least(60.0))
        .column(Column::initial(115.0).at_least(60.0))
        .column(Column::initial(85.0).at_least(60.0))
        .columns(Column::initial(70.0).at_least(55.0), usize::from(with_fd))
        .column(Column::remainder().at_least(110.0))
        .header(24.0, |mut header| {
            let fd_head = [(None, T::ReportFiscalDocument)];
            let heads = heads[..10]
                .iter()
                .chain(fd_head.iter().filter(|_| with_fd))
                .chain(&heads[10..])
                .copied();
            for (sort, t) in heads {
                // A large report pages in time order: that is its one sort.
                let locked = paged && sort.is_some_and(|b| b != SortBy::Time);
                let sort = sort.filter(|_| !locked);
                header.col(|ui| match sort {
                    Some(by) => {
                        let arrow = match s.sort {
                            (b, true) if b == by => " ▲",
                            (b, false) if b == by => " ▼",
                            _ => "",
                        };
                        if ui
                            .button(RichText::new(format!("{}{arrow}", lang.t(t))).strong())
                            .clicked()
                        {
                            resort = Some(by);
                        }
                    }
                    None => {
                        let l =
                            ui.add(egui::Label::new(RichText::new(lang.t(t)).strong()).truncate());
                        if locked {
                            l.on_hover_text(
                                lang.fill(T::ReportSortLarge, &[("max", &ALL_ROWS_UP_TO)]),
                            );
                        }
                    }
                });
            }
        })
        .body(|body| {
            body.rows(24.0, count, |mut row| {
                let r = match &s.paged {
                    None => &s.rows[row.index()],
                    Some(p) => {
                        let i = if ascending {
                            row.index() as u64
                        } else {
                            p.total - 1 - row.index() as u64
                        };
                        match p.row(i) {
                            Some(r) => r,
                            None => {
                                wanted.insert((i / PAGE_ROWS as u64) as usize);
                                row.col(|ui| {
                                    ui.weak(lang.t(T::ReportRowLoading));
                                });
                                return;
                            }
                        }
                    }
                };
                let n = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
                row.col(|ui| {
                    ui.label(
                        r.created_at
                            .with_timezone(&v.tz)
                            .format("%Y-%m-%d %H:%M")
                            .to_string(),
                    );
                });
                row.col(|ui| {
                    ui.label(n(r.pre_receipt_no));
                });
                row.col(|ui| {
                    ui.label(n(r.fiscal_receipt_no));
                });
                row.col(|ui| {
                    ui.label(&r.operator);
                });
                row.col(|ui| {
                    ui.label(&r.account);
                });
                row.col(|ui| {
                    ui.label(lang.money(r.amount));
                });
                row.col(|ui| {
                    ui.label(lang.money(r.fee));
                });
                row.col(|ui| {
                    ui.label(state_text(lang, &r.state));
                });
                row.col(|ui| {
                    ui.label(hub_status_text(lang, r.hub_status.as_deref()));
                });
                row.col(|ui| {
                    ui.label(&r.cashier);
                });
                if with_fd {
                    row.col(|ui| {
                        ui.label(r.fiscal_document.map(|n| n.to_string()).unwrap_or_default());
                    });
                }
                row.col(|ui| {
                    if ui
                        .button(lang.t(T::ReportCopy))
                        .on_hover_text(lang.t(T::ReportCopyHint))
                        .clicked()
                    {
                        actions.push(Action::Copy(crate::report::correction_request(
                            r, lang, v.tz, v.currency,
                        )));
                    }
                });
            });
        });
    if let Some(by) = resort {
        s.sort = if s.sort.0 == by {
            (by, !s.sort.1)
        } else {
            (by, true)
        };
        s.sort_rows();
    }
    if let Some(p) = &mut s.paged {
        actions.extend(wanted.into_iter().filter_map(|n| p.want(n)));
    }
}

impl ReportsState {
    fn act(&mut self, action: Action, ui: &egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let request = match action {
            Action::Show(f) => {
                self.shown = Some(f.clone());
                ReportRequest::Rows(f).into()
            }
            Action::Export(f, format) => {
                let ext = match format {
                    ExportFormat::Csv => "csv",
                    ExportFormat::Xlsx => "xlsx",
                };
                let tz = cx.config.tz;
                let name = export_name(&f, tz, Utc::now(), ext);
                let dir = cx
                    .config
                    .journal_path
                    .parent()
                    .map(|d| d.join("reports"))
                    .unwrap_or_else(|| std::path::PathBuf::from("reports"));
                let cancel = ExportCancel::new();
                self.export = Some(ExportRun {
                    cancel: cancel.clone(),
                    ..ExportRun::default()
                });
                ReportRequest::Export(f, format, dir.join(name), cancel).into()
            }
            Action::CancelExport => {
                if let Some(run) = &self.export {
                    run.cancel.cancel();
                }
                return;
            }
            Action::Page(f, n, after) => {
                // Pages load beside whatever else runs: the screen stays usable.
                cx.send(ReportRequest::Page(f, n, after).into());
                return;
            }
            Action::OpenShift(m) => Request::Shift(ShiftRequest::Open(m)),
            Action::XReport => Request::Shift(ShiftRequest::XReport),
            Action::CloseShift(m) => Request::Shift(ShiftRequest::PreviewClose(m)),
            Action::ConfirmClose(m) => Request::Shift(ShiftRequest::Close(m)),
            Action::Print(f) => ReportRequest::Print(f).into(),
            Action::Collections => {
                cx.effect(super::screen::Effect::OpenCollectionReport);
                return;
            }
            Action::Reconcile => {
                self.reconciling = true;
                // Opened: the day's last run, without asking the hub.
                match chrono::NaiveDate::parse_from_str(self.reconcile.date.trim(), "%Y-%m-%d") {
                    Ok(d) => Request::Reconcile(crate::app::worker::ReconcileRequest::Last(d)),
                    Err(_) => return,
                }
            }
            Action::Copy(text) => {
                ui.ctx().copy_text(text.clone());
                self.note = Some((lang.fill(T::ReportCopied, &[("text", &text)]), false));
                return;
            }
        };
        if matches!(request, Request::Reconcile(_)) {
            self.reconcile.busy = cx.send(request);
        } else {
            self.busy = cx.send(request);
        }
    }

    fn shift_reply(&mut self, r: Result<ShiftReply, crate::app::till::FlowError>, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let text = match r {
            // A count that matches closes at once; a difference is shown and confirmed.
            Ok(ShiftReply::ClosePreview { counted, report }) => {
                if report.expected_cash == counted {
                    self.busy = cx.send(Request::Shift(ShiftRequest::Close(counted)));
                } else {
                    self.confirm_close = Some((counted, report.expected_cash));
                }
                return;
            }
            Ok(ShiftReply::Opened(n)) => {
                self.shift_cash.clear();
                (lang.fill(T::ShiftOpenedMsg, &[("n", &n)]), false)
            }
            Ok(ShiftReply::Closed {
                report,
                printout,
                backup,
            }) => {
                self.shift_counted.clear();
                if let Some(p) = printout {
                    cx.terminal.last_printout = Some(p);
                }
                let text =
                    crate::report::shift_text(&report, lang, cx.config.tz, &cx.config.currency, 48);
                // The backup's outcome under the report: a failure in red, with what
                // to do (the shift is closed either way).
                let (line, failed) = match &backup {
                    Ok(b) => (messages::backup_written(lang, b), false),
                    Err(e) => (messages::backup(lang, e), true),
                };
                (format!("{line}\n\n{text}"), failed)
            }
            Ok(ShiftReply::Report(report, printout)) => {
                if report.closed_at.is_some() {
                    self.shift_counted.clear();
                }
                if let Some(p) = printout {
                    cx.terminal.last_printout = Some(p);
                }
                (
                    crate::report::shift_text(&report, lang, cx.config.tz, &cx.config.currency, 48),
                    false,
                )
            }
            Err(e) => (messages::flow(lang, &e), true),
        };
        self.shift_text = Some(text);
    }
}

/// An export's file name: the period, the filters and when it was made, so a second
/// export never overwrites the first ("payments-20261201-0000-20261202-0000-MTS-
/// accepted-at-20261202-161900.csv").
pub fn export_name(f: &PaymentsFilter, tz: Tz, now: DateTime<Utc>, ext: &str) -> String {
    let mut parts = vec![
        "payments".to_string(),
        f.from.with_timezone(&tz).format("%Y%m%d-%H%M").to_string(),
        f.to.with_timezone(&tz).format("%Y%m%d-%H%M").to_string(),
    ];
    if let Some(op) = &f.operator {
        parts.push(op.clone());
    }
    if let Some(acc) = &f.account {
        parts.push(format!("account{acc}"));
    }
    if let Some(s) = f.status {
        let word = StatusFilter::ALL
            .iter()
            .find(|(k, _)| *k == s)
            .map_or("status", |(_, w)| *w);
        parts.push(word.to_string());
    }
    parts.push(format!(
        "at-{}",
        now.with_timezone(&tz).format("%Y%m%d-%H%M%S")
    ));
    // Operator codes are letters and digits; anything else becomes '_'.
    let name: String = parts
        .join("-")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.{ext}")
}

impl From<ReportRequest> for Request {
    fn from(r: ReportRequest) -> Request {
        Request::Report(r)
    }
}

impl Screen for ReportsState {
    fn title(&self, lang: Lang) -> &'static str {
        lang.t(T::TabReports)
    }

    fn allowed(&self, u: &User) -> Result<(), PermissionError> {
        // A shift manager works the shift panel here even without the reports.
        if u.role.may(Permission::ManageShift) {
            return Ok(());
        }
        user::require(Some(u), Permission::ViewReports).map(|_| ())
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let view = View {
            lang: cx.lang,
            tz: cx.config.tz,
            currency: &cx.config.currency,
            catalogue: &cx.terminal.catalogue,
            shift: cx.terminal.snapshot.shift,
            may_manage_shift: cx.terminal.may(Permission::ManageShift),
            fiscal_register: !matches!(cx.config.fiscal, crate::app::config::FiscalConfig::None),
        };
        let mut actions = Vec::new();
        let mut reconcile_actions = Vec::new();
        let lang = cx.lang;
        egui::CentralPanel::default().show(ui, |ui| {
            // Two views, each heading with a button to the other (no extra row on a
            // short till): the payments (and the shift), and the reconciliation.
            if self.reconciling {
                reconcile_actions.extend(super::reconcile::show(
                    ui,
                    &mut self.reconcile,
                    lang,
                    &cx.config.currency,
                ));
            } else {
                actions = show(ui, self, &view);
            }
        });
        for a in actions {
            self.act(a, ui, cx);
        }
        for a in reconcile_actions {
            match super::reconcile::ReconcileView::request(&a) {
                Some(r) => self.reconcile.busy = cx.send(r),
                None => match a {
                    super::reconcile::Action::Open(id) => {
                        cx.effect(super::screen::Effect::OpenPayment(id))
                    }
                    super::reconcile::Action::Back => self.reconciling = false,
                    _ => {}
                },
            }
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let lang = cx.lang;
        match reply {
            Reply::Report(ReportReply::Page(f, n, page)) => {
                match page {
                    Ok(page) => {
                        if let Some(p) = self.paged.as_mut().filter(|p| p.filter == f) {
                            p.take(n, page);
                        }
                    }
                    Err(e) => self.note = Some((messages::flow(lang, &e), true)),
                }
                None
            }
            Reply::Report(ReportReply::Summary(f, summary)) => {
                match summary {
                    Ok(summary) => self.set_summary(&f, summary),
                    Err(e) => self.note = Some((messages::flow(lang, &e), true)),
                }
                None
            }
            Reply::Report(ReportReply::ExportProgress { done, total }) => {
                if let Some(run) = &mut self.export {
                    run.done = done;
                    run.total = total;
                }
                None
            }
            Reply::Report(r) => {
                self.busy = false;
                match r {
                    ReportReply::Rows(Ok(table)) => {
                        self.set_table(table);
                        self.note = None;
                    }
                    ReportReply::Rows(Err(e)) | ReportReply::Printed(Err(e)) => {
                        self.note = Some((messages::flow(lang, &e), true))
                    }
                    ReportReply::Printed(Ok(printout)) => {
                        self.note = Some((lang.t(T::ReportPrinted).to_string(), false));
                        cx.terminal.last_printout = Some(printout);
                    }
                    ReportReply::Exported(r) => {
                        self.export = None;
                        self.note = Some(match r {
                            Ok((p, rows)) => (
                                lang.fill(
                                    T::ReportExportedRows,
                                    &[("rows", &rows), ("path", &p.display())],
                                ),
                                false,
                            ),
                            // Stopped on purpose: said, not in red.
                            Err(
                                e @ ReportFileError::Export(
                                    crate::app::export::ExportError::Cancelled,
                                ),
                            ) => (messages::report_file(lang, &e), false),
                            Err(e) => (messages::report_file(lang, &e), true),
                        })
                    }
                    ReportReply::Page(..)
                    | ReportReply::Summary(..)
                    | ReportReply::ExportProgress { .. } => {}
                }
                None
            }
            Reply::Shift(r, _) => {
                self.busy = false;
                self.shift_reply(r, cx);
                None
            }
            // Only what this view asked (the support view asks too).
            Reply::Reconcile(r) if self.reconcile.busy => {
                self.reconcile.on_reply(lang, r);
                None
            }
            reply => Some(reply),
        }
    }

    fn on_enter(&mut self, cx: &mut Cx<'_>) {
        // Show the current filter's rows (today by default) to whoever may see them.
        if cx.terminal.may(Permission::ViewReports)
            && let Ok(f) = self.current_filter(cx.lang, cx.config.tz)
        {
            self.shown = Some(f.clone());
            self.busy = cx.send(Request::Report(ReportRequest::Rows(f)));
        }
    }

    fn busy(&self) -> bool {
        self.busy || self.reconcile.busy
    }

    fn on_language(&mut self) {
        self.reconcile.note = None;
    }
}
