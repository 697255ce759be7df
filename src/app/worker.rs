//! The till on its own thread: the UI sends [`Request`]s and drains [`Reply`]s, so
//! journal fsyncs and printing never block a frame.
//!
//! Requests and replies are nested per service, so every match is complete. Replies
//! carry typed results; the screens word them through [`super::messages`].

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::cash::{CashMove, CashMoveRequest, CashNote, CollectionReport};
use crate::domain::correction::CorrectionKind;
use crate::domain::entry::Quote;
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::{Payment, PaymentId, VoidReason};
use crate::domain::report::{PageAfter, PaymentsFilter, ReportRow, ShiftReport};
use crate::domain::user::{Pin, Role, User, UserName};
use crate::hub::client::HubClient;
use crate::i18n::Lang;
use crate::journal::JournalError;
use crate::journal::corrections::Correction;
use crate::journal::support::SupportRow;
use crate::journal::users::UserChange;
use crate::printing::PrintError;
use crate::printing::decode::Printout;
use crate::printing::profile::ProfileLibrary;
use crate::printing::serial::{self, FoundPort};
use crate::printing::status::StatusReport;
use crate::printing::usb::{self, FoundUsb};

use super::cash::CashRecorded;
use super::config::{Config, ConfigError, ConfigWarning, PrinterConfig, PrinterSection};
use super::corrections::{CorrectionInput, MissingPayment, PaymentStory};
use super::diagnostics;
use super::export;
use super::hub_link::{self, LinkError};
use super::journal_check::{CheckNews, CheckThread, JournalHealth};
use super::payments::Standing;
use super::recovery::{self, Answer, Outcome};
use super::report_thread::{ReportJob, ReportThread};
use super::support::StatusCheck;
use super::till::{CheckOutcome, FlowError, OpenError, Step, Till};

/// How often an idle till looks at the journal for news (payments' statuses).
const IDLE_TICK: Duration = Duration::from_secs(1);

/// How many idle ticks between two questions to the printer about its status.
const STATUS_EVERY: u32 = 5;

/// How long the cashier waits for the operator's check at most.
const CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// How long after the first screen the journal's full check starts (it then runs
/// beside the till, on its own connection).
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(3);

/// What the UI asks the till to do, by service.
#[derive(Clone, Debug)]
pub enum Request {
    /// A step of the cashier's flow.
    Payment(PaymentRequest),
    /// Open, X, close.
    Shift(ShiftRequest),
    /// Cash in, out, collections and the collection report.
    Cash(CashRequest),
    /// Daily reconciliation with the hub.
    Reconcile(ReconcileRequest),
    /// The payments report.
    Report(ReportRequest),
    /// Users and logins.
    User(UserRequest),
    /// The receipt printer.
    Printer(PrinterRequest),
    /// The support view.
    Support(SupportRequest),
    /// The config file.
    Config(ConfigRequest),
    /// Print documents in this language from now on (no reply).
    SetLanguage(Lang),
}

/// Writes to the config file (never on the UI thread).
#[derive(Clone, Debug)]
pub enum ConfigRequest {
    /// Write the language into the config file.
    SaveLanguage(Lang),
}

/// What the till answers about the config file.
#[derive(Debug)]
pub enum ConfigReply {
    /// Where the language was saved.
    LanguageSaved(Result<PathBuf, ConfigError>),
}

/// A step of the cashier's flow.
#[derive(Clone, Debug)]
pub enum PaymentRequest {
    /// Ask the operator, journal the payment and print its pre-receipt.
    PrintPreReceipt(Box<Quote>),
    /// No shift was open: open one with the cash counted in the drawer, then as
    /// [`PaymentRequest::PrintPreReceipt`].
    OpenShiftThenPrintPreReceipt {
        /// The cash counted in the drawer.
        opening_cash: Money,
        /// The payment.
        quote: Box<Quote>,
    },
    /// The customer signed.
    CustomerSigned(PaymentId),
    /// Void before money was taken.
    Void(PaymentId, VoidReason),
    /// Cash taken: print the fiscal receipt.
    TakeCash(PaymentId, Money),
    /// Answer a recovery question about a payment (as the UI last saw it).
    Answer(Box<Payment>, Answer),
}

/// A shift step.
#[derive(Clone, Debug)]
pub enum ShiftRequest {
    /// Open a shift with this cash in the drawer.
    Open(Money),
    /// Print the open shift's X report.
    XReport,
    /// The cash expected before closing with this count (nothing is written).
    PreviewClose(Money),
    /// Close the open shift with the cash counted; print the Z report.
    Close(Money),
}

/// Daily reconciliation with the hub.
#[derive(Clone, Debug)]
pub enum ReconcileRequest {
    /// The day's last run, without asking the hub.
    Last(chrono::NaiveDate),
    /// Compare the day with the hub's registry now.
    Run(chrono::NaiveDate),
    /// The differences not explained yet.
    Open,
    /// Mark a difference explained: day, payment, kind, reason.
    Explain(
        String,
        uuid::Uuid,
        crate::domain::reconcile::DifferenceKind,
        String,
    ),
}

/// What the till answers about reconciliation.
#[derive(Debug)]
pub enum ReconcileReply {
    /// A day's run and differences (none: not reconciled yet).
    Day(
        chrono::NaiveDate,
        Option<(
            crate::journal::reconcile::ReconciliationRun,
            Vec<crate::journal::reconcile::StoredDifference>,
        )>,
    ),
    /// No hub is connected: nothing to compare with.
    NoHub,
    /// The hub or the journal failed.
    Failed(super::reconcile::ReconcileError),
    /// The differences not explained yet.
    Open(Vec<crate::journal::reconcile::StoredDifference>),
}

/// Cash moves and the collection report.
#[derive(Clone, Debug)]
pub enum CashRequest {
    /// The open shift's cash moves.
    List,
    /// Record a move and print its slip.
    Record(CashMoveRequest),
    /// Print a slip again, marked as a copy.
    Reprint(u64),
    /// Write a collection's bank reference.
    BankRef(u64, CashNote),
    /// The collection report of the shifts opened in `[from, to)`.
    Report(DateTime<Utc>, DateTime<Utc>),
    /// The same written to an XLSX file.
    Export(DateTime<Utc>, DateTime<Utc>, PathBuf),
}

/// What the till answers about cash.
#[derive(Debug)]
pub enum CashReply {
    /// The open shift's cash moves.
    Moves(Vec<CashMove>),
    /// A move recorded, its slip (or why it did not print), and the shift's moves.
    Recorded {
        /// The move and its slip.
        done: Box<CashRecorded>,
        /// The open shift's moves after it.
        moves: Vec<CashMove>,
    },
    /// A slip printed again.
    Reprinted(Printout),
    /// A bank reference written; the shift's moves after it.
    BankRef(Box<CashMove>, Vec<CashMove>),
    /// The collection report.
    Report(Box<CollectionReport>),
    /// Where the collection report was written.
    Exported(PathBuf),
}

/// The payments report (read and written on the report thread, printed by the till).
#[derive(Clone, Debug)]
pub enum ReportRequest {
    /// Its count, sums and rows (all, or the first page of a large one).
    Rows(PaymentsFilter),
    /// Page `n` of a large report; the row before it when the screen has it.
    Page(PaymentsFilter, usize, Option<PageAfter>),
    /// Write it to a file; the screen's Cancel stops it.
    Export(PaymentsFilter, ExportFormat, PathBuf, ExportCancel),
    /// Print it on the receipt printer.
    Print(PaymentsFilter),
}

/// Users and logins.
#[derive(Clone, Debug)]
pub enum UserRequest {
    /// Create the first user, an admin, and log them in (first run only).
    CreateFirstAdmin(UserName, Pin),
    /// Log in with a PIN (the previous user is logged out).
    Login(String, Pin),
    /// Log the current user out (switch user).
    Logout,
    /// List the users (login screen, users settings).
    List,
    /// Add a user (admins).
    Add(UserName, Role, Pin),
    /// Change a user (admins).
    Change(UserName, UserChange),
}

/// The receipt printer.
#[derive(Clone, Debug)]
pub enum PrinterRequest {
    /// Ask the printer for its status.
    Status,
    /// Print the test page.
    TestPage,
    /// Check the `[printer]` section as edited, save it into the config file and use
    /// that printer from now on.
    Apply(Box<PrinterSection>),
    /// List the serial ports and USB devices of this machine.
    ScanDevices,
}

/// The support view.
#[derive(Clone, Debug)]
pub enum SupportRequest {
    /// The troubled payments and the open correction requests.
    List,
    /// Payments by receipt number, account part or id.
    Find(String),
    /// One payment's timeline.
    Story(PaymentId),
    /// Send a queued payment (and its drafted correction) at the next sync round.
    RetryNow(PaymentId),
    /// Ask the hub for a payment's status now.
    CheckStatusNow(PaymentId),
    /// Ask for a correction.
    RequestCorrection(Box<CorrectionInput>),
    /// Print a payment's refund receipt again.
    PrintRefundReceipt(PaymentId),
    /// Write a payment's diagnostics folder into this folder.
    ExportDiagnostics(PaymentId, PathBuf),
    /// Record a receipt the journal does not know; answer the e-mail text.
    ReportMissing(Box<MissingPayment>),
}

/// What a support step did, to be said next to the payment's timeline.
#[derive(Debug)]
pub enum SupportDone {
    /// The payment is due at the next sync round.
    RetryQueued,
    /// Nothing of the payment was waiting to be sent.
    NothingToRetry,
    /// The hub's status was asked now.
    StatusChecked(StatusCheck),
    /// A correction request was journaled.
    CorrectionSent {
        /// Which correction.
        kind: CorrectionKind,
        /// The refund paid (its number and amount), for a refund.
        refund: Option<(u64, Money)>,
        /// Why the refund receipt did not print.
        print_error: Option<FlowError>,
    },
    /// The refund receipt printed again.
    RefundReprinted,
    /// The diagnostics folder was written here.
    Exported(PathBuf),
}

/// What the till answers to the support view.
#[derive(Debug)]
pub enum SupportReply {
    /// The troubled payments and the correction requests (all states).
    List {
        /// Payments that did not go through.
        rows: Vec<SupportRow>,
        /// Correction requests, oldest first.
        corrections: Vec<Correction>,
    },
    /// Payments found by a search.
    Found(Vec<SupportRow>),
    /// A missing payment was recorded: the central office's e-mail text.
    Missing(String),
    /// A payment's timeline, with what was done and the paper printed.
    Story {
        /// The payment's story.
        story: Box<PaymentStory>,
        /// What was done (none when only opened).
        done: Option<Box<SupportDone>>,
        /// A refund receipt printed.
        printout: Option<Printout>,
    },
}

/// Why a support step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    /// The till refused (permission, journal, printer, rules).
    #[error(transparent)]
    Flow(#[from] FlowError),
    /// The payment has no refund to print.
    #[error("the payment has no refund")]
    NoRefund,
    /// The diagnostics folder could not be written.
    #[error(transparent)]
    Diagnostics(#[from] diagnostics::ExportError),
}

/// What the till answers about users and logins.
#[derive(Debug)]
pub enum UserReply {
    /// Someone logged in (also after creating the first admin).
    LoggedIn(User),
    /// The user list (after a logout, a change, or when asked).
    Users(Vec<User>),
}

/// What the till answers about shifts.
#[derive(Debug)]
pub enum ShiftReply {
    /// The shift opened (its number).
    Opened(u64),
    /// An X or Z report and its paper (none if the Z report did not print).
    Report(Box<ShiftReport>, Option<Printout>),
    /// The shift closed: its Z report, its paper, and the backup taken at the close.
    Closed {
        /// The Z report.
        report: Box<ShiftReport>,
        /// Its paper (none if it did not print).
        printout: Option<Printout>,
        /// The journal's backup, or why there is none.
        backup: Result<crate::journal::backup::Backup, crate::journal::backup::BackupError>,
    },
    /// The shift as it stands, for a close with this count (nothing written).
    ClosePreview {
        /// The cash counted.
        counted: Money,
        /// The shift so far.
        report: Box<ShiftReport>,
    },
}

pub use super::export::{ExportCancel, ExportFormat};
pub use super::report_thread::{ReportFileError, ReportReply, ReportTable, TableRows};

/// What the till answers about the printer (settings screen and status bar).
#[derive(Debug)]
pub enum PrinterReply {
    /// The printer's status: `Ok(None)` when it cannot tell.
    Status(Result<Option<StatusReport>, PrintError>),
    /// The status changed while the till was idle (nobody asked).
    StatusChanged(Result<Option<StatusReport>, PrintError>),
    /// The test page printed (its decoded paper).
    TestPage(Result<Printout, FlowError>),
    /// The printer in use now, or why the new settings could not be used (the old
    /// printer stays).
    Applied(Result<Applied, ApplyError>),
    /// Devices found on this machine.
    Devices {
        /// Serial ports.
        ports: Vec<FoundPort>,
        /// USB devices.
        usb: Vec<FoundUsb>,
    },
}

/// A printer section saved and in use.
#[derive(Debug)]
pub struct Applied {
    /// "Epson TM-T20III (80 mm) · /dev/ttyUSB0 38400 8N1 RTS/CTS".
    pub description: String,
    /// The printer settings now in force.
    pub config: Box<PrinterConfig>,
    /// The config file they were saved into.
    pub saved_to: PathBuf,
}

/// Why printer settings were not applied.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The section is not a usable printer (in words, naming the key).
    #[error("{0}")]
    Invalid(String),
    /// The config file could not be written (nothing changed).
    #[error(transparent)]
    Save(#[from] ConfigError),
    /// The till refused the printer (saved, but the old printer stays in use).
    #[error(transparent)]
    Flow(#[from] FlowError),
}

/// The hub this terminal delivers to, once connected (in training mode: the hub the
/// till thread started on a loopback port).
#[derive(Debug)]
pub struct HubReady {
    /// The client for the sync worker.
    pub client: HubClient,
    /// The training hub's address, when one runs in this process.
    pub training_url: Option<String>,
}

/// What the till answers about a step of the cashier's flow.
#[derive(Debug)]
pub enum PaymentReply {
    /// A step happened.
    Done {
        /// The payment and the printed document.
        step: Box<Step>,
        /// Recovery sent this payment back to the cash step.
        resume_at_cash: bool,
        /// What the operator said before the pre-receipt (for that step only).
        check: Option<CheckOutcome>,
    },
    /// A step failed; `standing` is the payment as the journal has it now.
    Failed {
        /// Why.
        error: Box<FlowError>,
        /// The payment as journaled now, read back after the failure.
        standing: Standing,
    },
}

/// The terminal's state the status bar and recovery dialog need, sent with every reply
/// (and on its own when it changes while the till is idle).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Payments left between two steps (the recovery dialog's list).
    pub unfinished: Vec<Payment>,
    /// The open shift's number.
    pub shift: Option<u64>,
    /// Who is logged in (none: the login or first-run screen).
    pub user: Option<User>,
    /// This shift's latest accepted payments, newest first, with their hub status.
    pub recent: Vec<ReportRow>,
}

/// How many of this shift's payments the cashier sees.
const RECENT: usize = 8;

/// What the till answers.
#[derive(Debug)]
pub enum Reply {
    /// The hub link, first of all (the UI starts the sync worker with it).
    Hub(Result<HubReady, LinkError>),
    /// The fiscal register's status changed (sent while idle, when one is configured).
    Fiscal(Result<crate::fiscal::FiscalStatus, crate::fiscal::FiscalError>),
    /// The journal is open and checked.
    Ready {
        /// The operator catalogue.
        catalogue: Catalogue,
        /// The ceiling for one payment.
        max_payment: Money,
        /// The journal file.
        journal_path: PathBuf,
        /// "Generic 80 mm".
        printer: String,
        /// Unfinished payments and shift.
        snapshot: Snapshot,
        /// The users (empty: the first-run screen creates the admin).
        users: Vec<User>,
        /// The printer profiles on this machine (the settings screen's list).
        profiles: ProfileLibrary,
        /// What the configuration lacks that documents should print.
        warnings: Vec<ConfigWarning>,
        /// The background check's verdict, and how to ask it to check again (after
        /// a backup).
        health: JournalHealth,
    },
    /// The background check of the whole journal: how far, or what it found.
    JournalCheck(CheckNews),
    /// The till cannot start; nothing can be taken.
    OpenFailed(OpenError),
    /// A step of the cashier's flow, with the terminal's snapshot after it.
    Payment(PaymentReply, Snapshot),
    /// A shift step, with the snapshot after it.
    Shift(Result<ShiftReply, FlowError>, Snapshot),
    /// A cash step (a refused one says why, a file that could not be written too).
    Cash(Result<CashReply, ReportFileError>),
    /// A reconciliation step.
    Reconcile(Result<ReconcileReply, FlowError>),
    /// The payments report.
    Report(ReportReply),
    /// A login or user step, with the snapshot after it.
    User(Result<UserReply, FlowError>, Snapshot),
    /// An answer about the printer.
    Printer(PrinterReply),
    /// A support step.
    Support(Result<SupportReply, SupportError>),
    /// The config file.
    Config(ConfigReply),
    /// The terminal's state changed while nobody asked (the sync worker learnt a
    /// payment's status, a shift was opened elsewhere).
    Snapshot(Snapshot),
}

impl Reply {
    /// The terminal's state after the step, for replies that carry it.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        match self {
            Reply::Payment(_, s) | Reply::Shift(_, s) | Reply::User(_, s) | Reply::Snapshot(s) => {
                Some(s)
            }
            _ => None,
        }
    }
}

fn snapshot(till: &mut Till) -> Snapshot {
    Snapshot {
        unfinished: till.payments().unfinished().unwrap_or_default(),
        shift: till.shifts().current().ok().flatten().map(|s| s.number),
        user: till.users().current().cloned(),
        recent: till.payments().this_shift(RECENT).unwrap_or_default(),
    }
}

fn printer_request(till: &mut Till, request: PrinterRequest, config: &Config) -> PrinterReply {
    let mut printer = till.printer();
    match request {
        PrinterRequest::Status => PrinterReply::Status(printer.status()),
        PrinterRequest::TestPage => {
            PrinterReply::TestPage(printer.print_test_page().map(|p| p.printout))
        }
        PrinterRequest::Apply(section) => PrinterReply::Applied((|| {
            let new = PrinterConfig::from_section(&section, config.printer.profiles_dir.clone())
                .map_err(ApplyError::Invalid)?;
            let saved_to = config.save_printer(&section)?;
            printer.set(new.clone())?;
            Ok(Applied {
                description: printer.description(),
                config: Box::new(new),
                saved_to,
            })
        })()),
        PrinterRequest::ScanDevices => PrinterReply::Devices {
            ports: serial::list_ports(),
            usb: usb::list_devices(),
        },
    }
}

fn user_request(till: &mut Till, request: UserRequest) -> Result<UserReply, FlowError> {
    // Someone is at the till now: payments a crash left at the fiscal register are
    // settled by asking it, before anyone is asked a question it can answer.
    if let UserRequest::Login(name, pin) = &request {
        let user = till.users().login(name, pin)?;
        let mut payments = till.payments();
        if payments.fiscal_configured() {
            payments.settle_all_fiscal();
        }
        return Ok(UserReply::LoggedIn(user));
    }
    let mut users = till.users();
    match request {
        UserRequest::CreateFirstAdmin(name, pin) => {
            return users
                .create_first_admin(&name, &pin)
                .map(UserReply::LoggedIn);
        }
        UserRequest::Login(name, pin) => return users.login(&name, &pin).map(UserReply::LoggedIn),
        UserRequest::Logout => users.logout(),
        UserRequest::List => {}
        UserRequest::Add(name, role, pin) => {
            users.add(&name, role, &pin)?;
        }
        UserRequest::Change(name, change) => {
            users.change(&name, change)?;
        }
    }
    Ok(UserReply::Users(users.list()?))
}

fn shift_request(till: &mut Till, request: ShiftRequest) -> Result<ShiftReply, FlowError> {
    let mut shifts = till.shifts();
    match request {
        ShiftRequest::Open(cash) => shifts.open(cash).map(ShiftReply::Opened),
        ShiftRequest::XReport => shifts
            .x_report()
            .map(|(r, p)| ShiftReply::Report(Box::new(r), Some(p.printout))),
        ShiftRequest::PreviewClose(counted) => shifts.preview().map(|r| ShiftReply::ClosePreview {
            counted,
            report: Box::new(r),
        }),
        ShiftRequest::Close(counted) => shifts.close(counted).map(|c| ShiftReply::Closed {
            report: Box::new(c.report),
            printout: c.printed.map(|p| p.printout),
            backup: c.backup,
        }),
    }
}

fn reconcile_request(
    till: &mut Till,
    request: ReconcileRequest,
) -> Result<ReconcileReply, FlowError> {
    use super::reconcile::ReconcileOutcome;
    let mut r = till.reconciliation();
    Ok(match request {
        ReconcileRequest::Last(date) => ReconcileReply::Day(date, r.last(date)?),
        ReconcileRequest::Run(date) => match r.run(date)? {
            ReconcileOutcome::Done(report) => {
                ReconcileReply::Day(date, Some((report.run, report.differences)))
            }
            ReconcileOutcome::NoHub => ReconcileReply::NoHub,
            ReconcileOutcome::Failed(e) => ReconcileReply::Failed(e),
        },
        ReconcileRequest::Open => ReconcileReply::Open(r.open()?),
        ReconcileRequest::Explain(date, id, kind, reason) => {
            r.explain(&date, id, kind, &reason)?;
            ReconcileReply::Open(r.open()?)
        }
    })
}

fn cash_request(
    till: &mut Till,
    request: CashRequest,
    lang: Lang,
) -> Result<CashReply, ReportFileError> {
    let tz = till.terminal().docs().tz;
    let mut cash = till.cash();
    Ok(match request {
        CashRequest::List => CashReply::Moves(cash.shift_moves()?),
        CashRequest::Record(r) => {
            let done = cash.record(&r)?;
            CashReply::Recorded {
                done: Box::new(done),
                moves: cash.shift_moves()?,
            }
        }
        CashRequest::Reprint(n) => CashReply::Reprinted(cash.reprint(n)?.printout),
        CashRequest::BankRef(n, r) => {
            let m = cash.set_bank_ref(n, &r)?;
            CashReply::BankRef(Box::new(m), cash.shift_moves()?)
        }
        CashRequest::Report(from, to) => {
            CashReply::Report(Box::new(cash.collection_report(from, to)?))
        }
        CashRequest::Export(from, to, path) => {
            let report = cash.collection_report(from, to)?;
            export::collection_xlsx(&report, lang, tz, &path)?;
            CashReply::Exported(path)
        }
    })
}

/// The payments report: reads and files go to the report thread once the till has
/// checked who asks (an answer only when refused, or for printing).
fn report_request(
    till: &mut Till,
    request: ReportRequest,
    lang: Lang,
    reports: &ReportThread,
) -> Option<ReportReply> {
    let tz = till.terminal().docs().tz;
    let mut desk = till.reports();
    if let ReportRequest::Print(f) = request {
        return Some(ReportReply::Printed(desk.print(&f).map(|p| p.printout)));
    }
    if let Err(e) = desk.may_view() {
        return Some(match request {
            ReportRequest::Rows(_) | ReportRequest::Print(_) => ReportReply::Rows(Err(e)),
            ReportRequest::Page(f, n, _) => ReportReply::Page(f, n, Err(e)),
            ReportRequest::Export(..) => ReportReply::Exported(Err(e.into())),
        });
    }
    let job = match request {
        ReportRequest::Rows(f) => ReportJob::Open(f),
        ReportRequest::Page(f, n, after) => ReportJob::Page(f, n, after),
        ReportRequest::Export(filter, format, path, cancel) => ReportJob::Export {
            filter,
            format,
            path,
            cancel,
            lang,
            tz,
        },
        ReportRequest::Print(_) => unreachable!("printed above"),
    };
    reports.send(job);
    None
}

fn support_request(till: &mut Till, request: SupportRequest) -> Result<SupportReply, SupportError> {
    let story = |till: &mut Till, id, done: Option<SupportDone>, printout: Option<Printout>| {
        Ok(SupportReply::Story {
            story: Box::new(till.support().payment_story(id)?),
            done: done.map(Box::new),
            printout,
        })
    };
    match request {
        SupportRequest::List => {
            let support = till.support();
            let rows = support.troubled_payments()?;
            let corrections = support.correction_requests(&[])?;
            Ok(SupportReply::List { rows, corrections })
        }
        SupportRequest::Find(q) => Ok(SupportReply::Found(till.support().find_payments(&q)?)),
        SupportRequest::Story(id) => story(till, id, None, None),
        SupportRequest::RetryNow(id) => {
            let done = if till.support().retry_now(id)? {
                SupportDone::RetryQueued
            } else {
                SupportDone::NothingToRetry
            };
            story(till, id, Some(done), None)
        }
        SupportRequest::CheckStatusNow(id) => {
            let check = till.support().check_status_now(id)?;
            story(till, id, Some(SupportDone::StatusChecked(check)), None)
        }
        SupportRequest::RequestCorrection(input) => {
            let done = till.corrections().request_correction(&input)?;
            let sent = SupportDone::CorrectionSent {
                kind: input.kind,
                refund: done.refund.as_ref().map(|r| (r.refund_no, r.amount)),
                print_error: done.print_error,
            };
            story(
                till,
                input.payment,
                Some(sent),
                done.printed.map(|p| p.printout),
            )
        }
        SupportRequest::PrintRefundReceipt(id) => {
            let refund = till
                .support()
                .payment_story(id)?
                .refund
                .ok_or(SupportError::NoRefund)?;
            let mut corrections = till.corrections();
            // On a register till the return receipt is issued once (and a crash
            // settled by asking the register); the printer's copy otherwise.
            let printout = if corrections.fiscal_configured() {
                corrections.issue_return_receipt(&refund)?;
                None
            } else {
                Some(corrections.print_refund_receipt(&refund)?.printout)
            };
            story(till, id, Some(SupportDone::RefundReprinted), printout)
        }
        SupportRequest::ExportDiagnostics(id, dir) => {
            let path = till.support().export_diagnostics(id, &dir)?;
            story(till, id, Some(SupportDone::Exported(path)), None)
        }
        SupportRequest::ReportMissing(m) => Ok(SupportReply::Missing(
            till.corrections().report_missing_payment(&m)?,
        )),
    }
}

/// The first step of a payment: a shift must be open (refused before the hub is
/// asked), the operator asked, the pre-receipt journaled and printed.
fn pre_receipt(
    till: &mut Till,
    q: &Quote,
    check: &mut Option<CheckOutcome>,
) -> Result<(Step, bool), FlowError> {
    let mut payments = till.payments();
    payments.require_shift()?;
    let c = payments.check(q)?;
    *check = Some(c);
    payments.print_pre_receipt(q).map(|s| (s, false))
}

fn payment_request(till: &mut Till, request: PaymentRequest) -> PaymentReply {
    let id = match &request {
        PaymentRequest::PrintPreReceipt(_)
        | PaymentRequest::OpenShiftThenPrintPreReceipt { .. } => None,
        PaymentRequest::CustomerSigned(id)
        | PaymentRequest::Void(id, _)
        | PaymentRequest::TakeCash(id, _) => Some(*id),
        PaymentRequest::Answer(p, _) => Some(p.id()),
    };
    let mut check = None;
    let result: Result<(Step, bool), FlowError> = match request {
        PaymentRequest::PrintPreReceipt(q) => pre_receipt(till, &q, &mut check),
        PaymentRequest::OpenShiftThenPrintPreReceipt {
            opening_cash,
            quote,
        } => match till.shifts().open(opening_cash) {
            // Opened meanwhile elsewhere (another till program on this journal): the
            // shift is open, which is what the cashier asked for.
            Ok(_) | Err(FlowError::Journal(JournalError::ShiftOpen { .. })) => {
                pre_receipt(till, &quote, &mut check)
            }
            Err(e) => Err(e),
        },
        PaymentRequest::CustomerSigned(id) => {
            till.payments().customer_signed(id).map(|s| (s, false))
        }
        PaymentRequest::Void(id, reason) => till.payments().void(id, reason).map(|s| (s, false)),
        PaymentRequest::TakeCash(id, tendered) => {
            till.payments().take_cash(id, tendered).map(|s| (s, false))
        }
        PaymentRequest::Answer(p, a) => recovery::answer(till, &p, a).map(|o| match o {
            Outcome::Moved(step) => (step, false),
            Outcome::ResumeAtCash(payment) => (
                Step {
                    payment,
                    printed: None,
                    issued: None,
                },
                true,
            ),
        }),
    };
    match result {
        Ok((step, resume_at_cash)) => PaymentReply::Done {
            step: Box::new(step),
            resume_at_cash,
            check,
        },
        Err(error) => {
            // Read back where the payment stands. A new payment that failed after its
            // first write is the only unfinished one (none may wait when one starts).
            let payments = till.payments();
            let reread = match id {
                Some(id) => Some(payments.payment(id)),
                None => match payments.unfinished() {
                    Ok(u) => u.last().cloned().map(Ok),
                    Err(e) => Some(Err(e)),
                },
            };
            PaymentReply::Failed {
                error: Box::new(error),
                standing: Standing::from_reread(reread),
            }
        }
    }
}

/// Serves one request; `None` for the requests that need no answer.
fn handle(
    till: &mut Till,
    request: Request,
    lang: &mut Lang,
    config: &Config,
    reports: &ReportThread,
) -> Option<Reply> {
    Some(match request {
        Request::SetLanguage(l) => {
            till.set_language(l);
            *lang = l;
            return None;
        }
        Request::Payment(r) => {
            let reply = payment_request(till, r);
            if let PaymentReply::Failed { error, .. } = &reply {
                tracing::warn!("step failed: {error}");
            }
            Reply::Payment(reply, snapshot(till))
        }
        Request::Shift(r) => {
            let reply = shift_request(till, r);
            Reply::Shift(reply, snapshot(till))
        }
        Request::Cash(r) => Reply::Cash(cash_request(till, r, *lang)),
        Request::Reconcile(r) => Reply::Reconcile(reconcile_request(till, r)),
        Request::Report(r) => Reply::Report(report_request(till, r, *lang, reports)?),
        Request::User(r) => {
            let reply = user_request(till, r);
            Reply::User(reply, snapshot(till))
        }
        Request::Printer(r) => Reply::Printer(printer_request(till, r, config)),
        Request::Support(r) => Reply::Support(support_request(till, r)),
        Request::Config(ConfigRequest::SaveLanguage(l)) => {
            Reply::Config(ConfigReply::LanguageSaved(config.save_language(l)))
        }
    })
}

/// A running till thread.
pub struct TillWorker {
    requests: Option<Sender<Request>>,
    replies: Receiver<Reply>,
    thread: Option<JoinHandle<()>>,
}

impl TillWorker {
    /// Starts the till thread: it connects the hub (starting the training hub, which
    /// it keeps until it ends; reported as [`Reply::Hub`]), opens the journal
    /// (reported as [`Reply::Ready`] or [`Reply::OpenFailed`]) and then serves
    /// requests. `wake` is called after every reply (the UI passes `request_repaint`).
    pub fn spawn(config: Config, wake: impl Fn() + Send + Sync + 'static) -> TillWorker {
        let (req_tx, req_rx) = channel::<Request>();
        let (rep_tx, rep_rx) = channel::<Reply>();
        let wake = std::sync::Arc::new(wake);
        let thread = std::thread::Builder::new()
            .name("till".into())
            .spawn(move || {
                let send = |r: Reply| {
                    let _ = rep_tx.send(r);
                    wake();
                };
                // The link is kept until the thread ends: in training mode it is the
                // hub itself, so it outlives every request that may reach it.
                let (hub, _link) = match hub_link::connect(&config) {
                    Ok(link) => (
                        Ok(HubReady {
                            client: link.client.clone(),
                            training_url: link.server.as_ref().map(|s| s.url()),
                        }),
                        Some(link),
                    ),
                    Err(e) => (Err(e), None),
                };
                let check_client = _link.as_ref().map(|l| l.client.with_timeout(CHECK_TIMEOUT));
                send(Reply::Hub(hub));
                let mut till = match Till::open(&config) {
                    Ok(mut t) => {
                        t.set_hub(check_client);
                        // A person always logs in at the terminal (the first-run
                        // screen creates the admin when there is nobody yet).
                        t.users().logout();
                        t
                    }
                    Err(e) => {
                        tracing::error!("cannot open the till: {e}");
                        send(Reply::OpenFailed(e));
                        // Nothing to serve; the training hub stays up until the UI
                        // goes (the sync worker may still be talking to it).
                        while req_rx.recv().is_ok() {}
                        return;
                    }
                };
                send(Reply::Ready {
                    catalogue: till.rules().catalogue().clone(),
                    max_payment: till.rules().max_payment(),
                    journal_path: till.journal().path().to_path_buf(),
                    printer: till.printer().description(),
                    snapshot: snapshot(&mut till),
                    users: till.users().list().unwrap_or_default(),
                    profiles: ProfileLibrary::load(Some(&config.printer.profiles_dir)),
                    warnings: config.warnings(till.rules().catalogue()),
                    health: till.health().clone(),
                });
                // The payments report's reads and files, on their own connection.
                let reports = {
                    let tx = rep_tx.clone();
                    let wake = wake.clone();
                    ReportThread::spawn(
                        config.journal_path.clone(),
                        config.busy_timeout,
                        move |r| {
                            let _ = tx.send(Reply::Report(r));
                            wake();
                        },
                    )
                };
                // The full check of the journal, off this thread and off the path
                // to the first screen; kept until the till thread ends.
                let _check = {
                    let tx = rep_tx.clone();
                    let wake = wake.clone();
                    CheckThread::spawn(
                        config.journal_path.clone(),
                        config.busy_timeout,
                        till.health().clone(),
                        FIRST_CHECK_AFTER,
                        move |news| {
                            let _ = tx.send(Reply::JournalCheck(news));
                            wake();
                        },
                    )
                };
                let mut lang = config.lang;
                let mut last_status: Option<String> = None;
                let mut last_fiscal: Option<String> = None;
                let mut last_snapshot: Option<Snapshot> = None;
                let mut ticks: u32 = 0;
                loop {
                    let request = match req_rx.recv_timeout(IDLE_TICK) {
                        Ok(r) => r,
                        Err(RecvTimeoutError::Disconnected) => break,
                        Err(RecvTimeoutError::Timeout) => {
                            // Idle: say what changed in the journal (the sync worker
                            // writes the hub's answers there) …
                            let now = snapshot(&mut till);
                            if last_snapshot.as_ref() != Some(&now) {
                                last_snapshot = Some(now.clone());
                                send(Reply::Snapshot(now));
                            }
                            // … and watch the printer so the status bar says "out of
                            // paper" before the cashier starts a payment.
                            ticks += 1;
                            if !ticks.is_multiple_of(STATUS_EVERY) {
                                continue;
                            }
                            // The fiscal register too: its shift's age, paper and the
                            // fiscal storage's warnings belong in the status bar.
                            if let Some(status) = till.fiscal_status() {
                                let key = format!("{status:?}");
                                if last_fiscal.as_ref() != Some(&key) {
                                    last_fiscal = Some(key);
                                    send(Reply::Fiscal(status));
                                }
                            }
                            let mut printer = till.printer();
                            if printer.has_status() {
                                let status = printer.status();
                                let key = format!("{status:?}");
                                if last_status.as_ref() != Some(&key) {
                                    last_status = Some(key);
                                    send(Reply::Printer(PrinterReply::StatusChanged(status)));
                                }
                            }
                            continue;
                        }
                    };
                    tracing::debug!(?request, "till request");
                    if let Some(reply) = handle(&mut till, request, &mut lang, &config, &reports) {
                        send(reply);
                    }
                }
            })
            .expect("the till thread starts");
        TillWorker {
            requests: Some(req_tx),
            replies: rep_rx,
            thread: Some(thread),
        }
    }

    /// Sends a request; false if the till thread is gone.
    pub fn send(&self, request: Request) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|tx| tx.send(request).is_ok())
    }

    /// The next reply, if one is waiting.
    pub fn try_recv(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }
}

impl Drop for TillWorker {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the request in hand.
        self.requests.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
