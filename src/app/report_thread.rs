//! The payments report's reads and exports, on their own thread and their own read
//! connection: a report of a year, or its export, never holds up the till thread (a
//! cashier's request waits for no report). The till thread checks who may see
//! reports and hands the work over ([`super::worker`]); answers go straight back to
//! the screen.
//!
//! A report of up to [`ALL_ROWS_UP_TO`] rows comes whole (the screen sorts it by any
//! column); a larger one comes a page at a time in time order (keyset pagination on
//! the report's index), with its count and sums from one SQL aggregate.

use std::path::PathBuf;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono_tz::Tz;

use crate::domain::report::{RefundTotals, ReportRow};
use crate::i18n::Lang;
use crate::journal::report::{PageAfter, PaymentsFilter, ReportPage, ReportSummary};
use crate::journal::{Journal, JournalError, OpenOptions};
use crate::printing::decode::Printout;

use super::export::ExportError;
use super::export::{self, ExportCancel, ExportFormat};
use super::flow::FlowError;

/// Reports up to this many rows come whole; larger ones page.
pub const ALL_ROWS_UP_TO: u64 = 5_000;

/// Rows in one page of a large report.
pub const PAGE_ROWS: usize = 200;

/// Why the report was not written to its file.
#[derive(Debug, thiserror::Error)]
pub enum ReportFileError {
    /// The till refused (permission, journal).
    #[error(transparent)]
    Flow(#[from] FlowError),
    /// The file could not be written.
    #[error(transparent)]
    Export(#[from] ExportError),
}

/// The payments report for the screen.
#[derive(Debug)]
pub struct ReportTable {
    /// The filter it is for.
    pub filter: PaymentsFilter,
    /// Its count and sums (one SQL aggregate); for a large report they follow in
    /// [`ReportReply::Summary`], so its first page shows at once.
    pub summary: Option<ReportSummary>,
    /// The refunds paid in the period (their own line).
    pub refunds: RefundTotals,
    /// Its rows.
    pub rows: TableRows,
}

/// A report's rows as they come to the screen.
#[derive(Debug)]
pub enum TableRows {
    /// Every row (a report of up to `report_thread::ALL_ROWS_UP_TO`).
    All(Vec<ReportRow>),
    /// The first page of a larger one; the rest come as the table scrolls.
    FirstPage(ReportPage),
}

/// What the till answers about the payments report.
#[derive(Debug)]
pub enum ReportReply {
    /// Its rows and the refunds of the period.
    Rows(Result<ReportTable, FlowError>),
    /// The count and sums of a large report, after its first page.
    Summary(PaymentsFilter, Result<ReportSummary, FlowError>),
    /// Page `n` of the report of this filter.
    Page(PaymentsFilter, usize, Result<ReportPage, FlowError>),
    /// An export's rows written so far, of all.
    ExportProgress {
        /// Written.
        done: u64,
        /// In the report.
        total: u64,
    },
    /// Where the file was written, and how many rows.
    Exported(Result<(PathBuf, u64), ReportFileError>),
    /// The report as printed (the paper).
    Printed(Result<Printout, FlowError>),
}

/// Work for the report thread (permission already checked by the till).
#[derive(Debug)]
pub enum ReportJob {
    /// A report's count, sums, refunds and its rows (all, or the first page).
    Open(PaymentsFilter),
    /// Page `n` of a large report; `after`: the row before it, when known.
    Page(PaymentsFilter, usize, Option<PageAfter>),
    /// Write the report to a file, saying how far it is; `cancel` stops it.
    Export {
        /// The rows.
        filter: PaymentsFilter,
        /// CSV or XLSX.
        format: ExportFormat,
        /// The file.
        path: PathBuf,
        /// Set by the screen's Cancel.
        cancel: ExportCancel,
        /// The file's language and time zone.
        lang: Lang,
        /// The shop's zone.
        tz: Tz,
    },
}

/// The report thread.
pub struct ReportThread {
    jobs: Option<Sender<ReportJob>>,
    thread: Option<JoinHandle<()>>,
}

/// How often an export says how far it is (at most).
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

impl ReportThread {
    /// Starts it; its connection is opened at the first job. Each answer goes to
    /// `reply`.
    pub fn spawn(
        journal: PathBuf,
        busy_timeout: Duration,
        reply: impl Fn(ReportReply) + Send + 'static,
    ) -> ReportThread {
        let (tx, rx) = channel::<ReportJob>();
        let thread = std::thread::Builder::new()
            .name("reports".into())
            .spawn(move || {
                let mut conn: Option<Journal> = None;
                while let Ok(job) = rx.recv() {
                    let journal = match &conn {
                        Some(j) => Ok(j),
                        None => Journal::open(&journal, &OpenOptions { busy_timeout })
                            .map(|j| &*conn.insert(j)),
                    };
                    let journal = match journal {
                        Ok(j) => j,
                        Err(e) => {
                            reply(refused(job, e));
                            continue;
                        }
                    };
                    match job {
                        ReportJob::Open(f) => {
                            let table = open(journal, &f).map_err(FlowError::from);
                            let count_after = matches!(&table, Ok(t) if t.summary.is_none());
                            reply(ReportReply::Rows(table));
                            if count_after {
                                let summary = journal.report_summary(&f).map_err(FlowError::from);
                                reply(ReportReply::Summary(f, summary));
                            }
                        }
                        ReportJob::Page(f, n, after) => {
                            let page = page(journal, &f, n, after).map_err(FlowError::from);
                            reply(ReportReply::Page(f, n, page));
                        }
                        ReportJob::Export {
                            filter,
                            format,
                            path,
                            cancel,
                            lang,
                            tz,
                        } => {
                            let mut said = std::time::Instant::now() - PROGRESS_EVERY;
                            let written = export::payments_file(
                                journal,
                                &filter,
                                format,
                                lang,
                                tz,
                                &path,
                                &mut |done, total| {
                                    if said.elapsed() >= PROGRESS_EVERY {
                                        said = std::time::Instant::now();
                                        reply(ReportReply::ExportProgress { done, total });
                                    }
                                    cancel.flow()
                                },
                            );
                            reply(ReportReply::Exported(
                                written
                                    .map(|rows| (path, rows))
                                    .map_err(ReportFileError::from),
                            ));
                        }
                    }
                }
            })
            .expect("the report thread starts");
        ReportThread {
            jobs: Some(tx),
            thread: Some(thread),
        }
    }

    /// Hands a job over; false if the thread is gone.
    pub fn send(&self, job: ReportJob) -> bool {
        self.jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok())
    }
}

impl Drop for ReportThread {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the job in hand.
        self.jobs.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The answer to a job that could not start (the journal would not open).
fn refused(job: ReportJob, e: JournalError) -> ReportReply {
    match job {
        ReportJob::Open(_) => ReportReply::Rows(Err(e.into())),
        ReportJob::Page(f, n, _) => ReportReply::Page(f, n, Err(e.into())),
        ReportJob::Export { .. } => {
            ReportReply::Exported(Err(ReportFileError::Flow(FlowError::from(e))))
        }
    }
}

/// A report's table: whole with its sums when small; else only its first page (its
/// count and sums take a pass over the period: [`Journal::report_summary`]).
pub fn open(journal: &Journal, f: &PaymentsFilter) -> Result<ReportTable, JournalError> {
    let refunds = journal.refund_totals(f)?;
    let small = journal.report_rows_up_to(f, ALL_ROWS_UP_TO + 1)? <= ALL_ROWS_UP_TO;
    let (rows, summary) = if small {
        (
            TableRows::All(journal.payments_report(f)?),
            Some(journal.report_summary(f)?),
        )
    } else {
        (
            TableRows::FirstPage(journal.report_page(f, None, PAGE_ROWS)?),
            None,
        )
    };
    Ok(ReportTable {
        filter: f.clone(),
        summary,
        refunds,
        rows,
    })
}

/// Page `n` of a large report: after the row given, or found by position.
pub fn page(
    journal: &Journal,
    f: &PaymentsFilter,
    n: usize,
    after: Option<PageAfter>,
) -> Result<ReportPage, JournalError> {
    let after = match after {
        Some(a) => Some(a),
        None => journal.report_position(f, (n * PAGE_ROWS) as u64)?,
    };
    if n > 0 && after.is_none() {
        return Ok(ReportPage::default());
    }
    journal.report_page(f, after.as_ref(), PAGE_ROWS)
}
