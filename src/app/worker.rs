//! The till on its own thread: the UI sends [`Request`]s and drains [`Reply`]s, so
//! journal fsyncs and printing never block a frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// How often an idle till asks the printer for its status.
const STATUS_POLL: Duration = Duration::from_secs(5);
use std::thread::JoinHandle;

use super::corrections::{CorrectionInput, MissingPayment, PaymentStory};
use crate::domain::entry::Quote;
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::{Payment, PaymentId, VoidReason};
use crate::domain::user::{Pin, Role, User, UserName};
use crate::i18n::Lang;
use crate::journal::corrections::Correction;
use crate::journal::support::SupportRow;
use crate::journal::users::UserChange;

use super::config::{Config, PrinterConfig};
use super::messages;
use super::recovery::{self, Answer, Outcome};
use super::till::{CheckOutcome, FlowError, OpenError, Step, Till};
use crate::hub::client::HubClient;
use crate::journal::report::{PaymentsFilter, ReportRow};
use crate::printing::decode::Printout;
use crate::printing::serial::{self, FoundPort};
use crate::printing::status::StatusReport;
use crate::printing::usb::{self, FoundUsb};

/// What the UI asks the till to do.
#[derive(Clone, Debug)]
pub enum Request {
    /// Journal the payment and print its pre-receipt.
    PrintPreReceipt(Quote),
    /// The customer signed.
    CustomerSigned(PaymentId),
    /// Void before money was taken.
    Void(PaymentId, VoidReason),
    /// Cash taken: print the fiscal receipt.
    TakeCash(PaymentId, Money),
    /// Answer a recovery question about a payment (as the UI last saw it).
    Answer(Payment, Answer),
    /// Print documents in this language from now on (no reply).
    SetLanguage(Lang),
    /// Ask the printer for its status.
    PrinterStatus,
    /// Print the test page.
    PrintTestPage,
    /// Use another printer from now on.
    SetPrinter(PrinterConfig),
    /// List the serial ports and USB devices of this machine.
    ScanDevices,
    /// Run the payments report.
    Report(PaymentsFilter),
    /// Write the payments report to a file.
    ExportReport(PaymentsFilter, ExportFormat, PathBuf),
    /// Print the payments report on the receipt printer.
    PrintReport(PaymentsFilter),
    /// Open a shift with this cash in the drawer.
    OpenShift(Money),
    /// Print the open shift's X report.
    XReport,
    /// Close the open shift with the cash counted; print the Z report.
    CloseShift(Money),
    /// Create the first user, an admin, and log them in (first run only).
    CreateFirstAdmin(UserName, Pin),
    /// Log in with a PIN (the previous user is logged out).
    Login(String, Pin),
    /// Log the current user out (switch user).
    Logout,
    /// List the users (login screen, users settings).
    ListUsers,
    /// Add a user (admins).
    AddUser(UserName, Role, Pin),
    /// Change a user (admins).
    ChangeUser(UserName, UserChange),
    /// The troubled payments and the open correction requests.
    SupportList,
    /// Payments by receipt number, account part or id.
    SupportFind(String),
    /// One payment's timeline.
    SupportStory(PaymentId),
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
    /// A payment's timeline, with what was done (in words) and the paper printed.
    Story {
        /// The payment's story.
        story: Box<PaymentStory>,
        /// What happened, in words (none when only opened).
        note: Option<String>,
        /// A refund receipt printed.
        printout: Option<Printout>,
    },
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
    Report(Box<crate::journal::shift::ShiftReport>, Option<Printout>),
}

/// Report file formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV.
    Csv,
    /// XLSX.
    Xlsx,
}

/// What the till answers about the printer (settings screen and status bar).
#[derive(Debug)]
pub enum PrinterReply {
    /// The printer's status: `Ok(None)` when it cannot tell, `Err` in words.
    Status(Result<Option<StatusReport>, String>),
    /// The status changed while the till was idle (nobody asked).
    StatusChanged(Result<Option<StatusReport>, String>),
    /// The test page printed (its decoded paper) or why not, in words.
    TestPage(Result<Printout, String>),
    /// The printer in use now ("Epson TM-T20III (80 mm) · /dev/ttyUSB0 …"), or why
    /// the new settings could not be used (the old printer stays).
    Changed(Result<String, String>),
    /// Devices found on this machine.
    Devices {
        /// Serial ports.
        ports: Vec<FoundPort>,
        /// USB devices.
        usb: Vec<FoundUsb>,
    },
}

/// The terminal's state the status bar and recovery dialog need, sent with every reply.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Payments left between two steps (the recovery dialog's list).
    pub unfinished: Vec<Payment>,
    /// The open shift's number.
    pub shift: Option<u64>,
    /// Who is logged in (none: the login or first-run screen).
    pub user: Option<User>,
}

/// What the till answers.
#[derive(Debug)]
pub enum Reply {
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
    },
    /// The till cannot start; nothing can be taken.
    OpenFailed(OpenError),
    /// A step happened.
    Done {
        /// The payment and the printed document.
        step: Box<Step>,
        /// Recovery sent this payment back to the cash step.
        resume_at_cash: bool,
        /// What the operator said before the pre-receipt (for that step only).
        check: Option<CheckOutcome>,
        /// Unfinished payments and shift after the step.
        snapshot: Snapshot,
    },
    /// An answer about the printer.
    Printer(PrinterReply),
    /// The payments report's rows, or why not (in words).
    Report(Result<Vec<ReportRow>, String>),
    /// Where the report was written, or why not (in words).
    Exported(Result<PathBuf, String>),
    /// The report as printed (the paper), or why not (in words).
    ReportPrinted(Result<Printout, String>),
    /// A shift step, or why not (in words); with the terminal's snapshot after it.
    Shift(Result<ShiftReply, String>, Snapshot),
    /// A login or user step, or why not (in words); with the snapshot after it.
    User(Result<UserReply, String>, Snapshot),
    /// A support step, or why not (in words).
    Support(Result<SupportReply, String>),
    /// A step failed; `standing` is the payment as the journal has it now.
    Failed {
        /// Why.
        error: Box<FlowError>,
        /// The payment as journaled now, read back after the failure.
        standing: messages::Standing,
        /// Unfinished payments and shift.
        snapshot: Snapshot,
    },
}

/// A running till thread.
pub struct TillWorker {
    requests: Option<Sender<Request>>,
    replies: Receiver<Reply>,
    thread: Option<JoinHandle<()>>,
}

fn snapshot(till: &Till) -> Snapshot {
    Snapshot {
        unfinished: till.unfinished().unwrap_or_default(),
        shift: till.shift().ok().flatten().map(|s| s.number),
        user: till.user().cloned(),
    }
}

fn printer_request(till: &mut Till, request: Request, lang: Lang) -> Reply {
    Reply::Printer(match request {
        Request::PrinterStatus => PrinterReply::Status(
            till.printer_status()
                .map_err(|e| messages::printer(lang, &e)),
        ),
        Request::PrintTestPage => PrinterReply::TestPage(
            till.print_test_page()
                .map(|p| p.printout)
                .map_err(|e| messages::flow(lang, &e)),
        ),
        Request::SetPrinter(config) => PrinterReply::Changed(
            till.set_printer(config)
                .map(|()| till.printer_description())
                .map_err(|e| messages::flow(lang, &e)),
        ),
        Request::ScanDevices => PrinterReply::Devices {
            ports: serial::list_ports(),
            usb: usb::list_devices(),
        },
        _ => unreachable!("only printer requests"),
    })
}

fn user_request(till: &mut Till, request: Request, lang: Lang) -> Reply {
    let users = |till: &Till| {
        till.users()
            .map(UserReply::Users)
            .map_err(|e| messages::journal(lang, &e))
    };
    let r = match request {
        Request::CreateFirstAdmin(name, pin) => till
            .create_first_admin(&name, &pin)
            .map(UserReply::LoggedIn)
            .map_err(|e| messages::flow(lang, &e)),
        Request::Login(name, pin) => till
            .login(&name, &pin)
            .map(UserReply::LoggedIn)
            .map_err(|e| messages::flow(lang, &e)),
        Request::Logout => {
            till.logout();
            users(till)
        }
        Request::ListUsers => users(till),
        Request::AddUser(name, role, pin) => till
            .add_user(&name, role, &pin)
            .map_err(|e| messages::flow(lang, &e))
            .and_then(|_| users(till)),
        Request::ChangeUser(name, change) => till
            .change_user(&name, change)
            .map_err(|e| messages::flow(lang, &e))
            .and_then(|_| users(till)),
        _ => unreachable!("only user requests"),
    };
    Reply::User(r, snapshot(till))
}

fn support_request(till: &mut Till, request: Request, lang: Lang) -> Result<SupportReply, String> {
    use crate::i18n::T;
    let flow = |e: FlowError| messages::flow(lang, &e);
    let story = |till: &Till, id, note: Option<String>, printout: Option<Printout>| {
        till.payment_story(id)
            .map(|s| SupportReply::Story {
                story: Box::new(s),
                note,
                printout,
            })
            .map_err(flow)
    };
    match request {
        Request::SupportList => {
            let rows = till.troubled_payments().map_err(flow)?;
            let corrections = till.correction_requests(&[]).map_err(flow)?;
            Ok(SupportReply::List { rows, corrections })
        }
        Request::SupportFind(q) => till
            .find_payments(&q)
            .map(SupportReply::Found)
            .map_err(flow),
        Request::SupportStory(id) => story(till, id, None, None),
        Request::RetryNow(id) => {
            let queued = till.retry_now(id).map_err(flow)?;
            let note = lang.t(if queued {
                T::SupportRetryQueued
            } else {
                T::SupportNothingToRetry
            });
            story(till, id, Some(note.to_string()), None)
        }
        Request::CheckStatusNow(id) => {
            let note = match till.check_status_now(id).map_err(flow)? {
                Ok(row) => lang.fill(
                    T::SupportStatusNow,
                    &[("status", &row.hub_status.unwrap_or_else(|| "-".into()))],
                ),
                Err(e) => lang.fill(T::SupportStatusFailed, &[("detail", &e)]),
            };
            story(till, id, Some(note), None)
        }
        Request::RequestCorrection(input) => {
            let done = till.request_correction(&input).map_err(flow)?;
            let mut note = lang.fill(
                T::SupportCorrectionSent,
                &[("kind", &messages::kind(lang, input.kind))],
            );
            if let Some(r) = &done.refund {
                note.push(' ');
                note.push_str(&lang.fill(
                    T::SupportRefundPaid,
                    &[
                        ("n", &r.refund_no),
                        ("amount", &lang.money_with(r.amount, &till.docs.currency)),
                    ],
                ));
            }
            if let Some(e) = &done.print_error {
                note.push(' ');
                note.push_str(&lang.fill(T::SupportRefundNotPrinted, &[("detail", e)]));
            }
            story(
                till,
                input.payment,
                Some(note),
                done.printed.map(|p| p.printout),
            )
        }
        Request::PrintRefundReceipt(id) => {
            let refund = till
                .payment_story(id)
                .map_err(flow)?
                .refund
                .ok_or_else(|| lang.t(T::SupportNoRefund).to_string())?;
            let printed = till.print_refund_receipt(&refund).map_err(flow)?;
            story(
                till,
                id,
                Some(lang.t(T::SupportRefundReprinted).to_string()),
                Some(printed.printout),
            )
        }
        Request::ExportDiagnostics(id, dir) => {
            let note = match till.export_diagnostics(id, &dir) {
                Ok(path) => lang.fill(T::SupportExported, &[("path", &path.display())]),
                Err(super::diagnostics::ExportError::Flow(e)) => return Err(flow(e)),
                Err(e) => return Err(e.to_string()),
            };
            story(till, id, Some(note), None)
        }
        Request::ReportMissing(m) => till
            .report_missing_payment(&m)
            .map(SupportReply::Missing)
            .map_err(flow),
        _ => unreachable!("only support requests"),
    }
}

fn handle(till: &mut Till, request: Request, lang: &mut Lang) -> Option<Reply> {
    let id = match &request {
        Request::SetLanguage(l) => {
            till.set_language(*l);
            *lang = *l;
            return None;
        }
        Request::PrinterStatus
        | Request::PrintTestPage
        | Request::SetPrinter(_)
        | Request::ScanDevices => return Some(printer_request(till, request, *lang)),
        Request::Report(f) => {
            return Some(Reply::Report(
                till.payments_report(f)
                    .map_err(|e| messages::flow(*lang, &e)),
            ));
        }
        Request::CreateFirstAdmin(..)
        | Request::Login(..)
        | Request::Logout
        | Request::ListUsers
        | Request::AddUser(..)
        | Request::ChangeUser(..) => return Some(user_request(till, request, *lang)),
        Request::SupportList
        | Request::SupportFind(_)
        | Request::SupportStory(_)
        | Request::RetryNow(_)
        | Request::CheckStatusNow(_)
        | Request::RequestCorrection(_)
        | Request::PrintRefundReceipt(_)
        | Request::ExportDiagnostics(..)
        | Request::ReportMissing(_) => {
            return Some(Reply::Support(support_request(till, request, *lang)));
        }
        Request::OpenShift(cash) => {
            let r = till.open_shift(*cash).map(ShiftReply::Opened);
            return Some(Reply::Shift(
                r.map_err(|e| messages::flow(*lang, &e)),
                snapshot(till),
            ));
        }
        Request::XReport => {
            let r = till
                .x_report()
                .map(|(r, p)| ShiftReply::Report(Box::new(r), Some(p.printout)));
            return Some(Reply::Shift(
                r.map_err(|e| messages::flow(*lang, &e)),
                snapshot(till),
            ));
        }
        Request::CloseShift(counted) => {
            let r = till
                .close_shift(*counted)
                .map(|(r, p)| ShiftReply::Report(Box::new(r), p.map(|p| p.printout)));
            return Some(Reply::Shift(
                r.map_err(|e| messages::flow(*lang, &e)),
                snapshot(till),
            ));
        }
        Request::PrintReport(f) => {
            return Some(Reply::ReportPrinted(
                till.print_report(f)
                    .map(|p| p.printout)
                    .map_err(|e| messages::flow(*lang, &e)),
            ));
        }
        Request::ExportReport(f, format, path) => {
            let written = till
                .payments_report(f)
                .map_err(|e| messages::flow(*lang, &e))
                .and_then(|rows| {
                    if let Some(dir) = path.parent() {
                        crate::files::create_dir_private(dir)
                            .map_err(|e| format!("{}: {e}", dir.display()))?;
                    }
                    match format {
                        ExportFormat::Csv => crate::files::write_private(
                            path,
                            crate::report::csv(&rows, *lang, till.time_zone()).as_bytes(),
                        )
                        .map_err(|e| format!("{}: {e}", path.display())),
                        ExportFormat::Xlsx => {
                            crate::report::xlsx(&rows, *lang, till.time_zone(), path)
                                .map_err(|e| e.to_string())
                        }
                    }
                })
                .map(|()| path.clone());
            return Some(Reply::Exported(written));
        }
        Request::PrintPreReceipt(_) => None,
        Request::CustomerSigned(id) | Request::Void(id, _) | Request::TakeCash(id, _) => Some(*id),
        Request::Answer(p, _) => Some(p.id()),
    };
    let mut check = None;
    let result: Result<(Step, bool), FlowError> = match request {
        Request::PrintPreReceipt(q) => till.check(&q).and_then(|c| {
            check = Some(c);
            till.print_pre_receipt(&q).map(|s| (s, false))
        }),
        Request::CustomerSigned(id) => till.customer_signed(id).map(|s| (s, false)),
        Request::Void(id, reason) => till.void(id, reason).map(|s| (s, false)),
        Request::TakeCash(id, tendered) => till.take_cash(id, tendered).map(|s| (s, false)),
        Request::Answer(p, a) => recovery::answer(till, &p, a).map(|o| match o {
            Outcome::Moved(step) => (step, false),
            Outcome::ResumeAtCash(payment) => (
                Step {
                    payment,
                    printed: None,
                },
                true,
            ),
        }),
        // Every other request returned its reply in the match above.
        _ => unreachable!("handled above"),
    };
    Some(match result {
        Ok((step, resume_at_cash)) => Reply::Done {
            step: Box::new(step),
            resume_at_cash,
            check,
            snapshot: snapshot(till),
        },
        Err(error) => {
            // Read back where the payment stands. A new payment that failed after its
            // first write is the only unfinished one (none may wait when one starts).
            let reread = match id {
                Some(id) => Some(till.payment(id)),
                None => match till.unfinished() {
                    Ok(u) => u.last().cloned().map(Ok),
                    Err(e) => Some(Err(e)),
                },
            };
            Reply::Failed {
                error: Box::new(error),
                standing: messages::Standing::from_reread(reread),
                snapshot: snapshot(till),
            }
        }
    })
}

impl TillWorker {
    /// Starts the till thread: it opens the journal (reported as [`Reply::Ready`] or
    /// [`Reply::OpenFailed`]) and then serves requests. `wake` is called after every
    /// reply (the UI passes `request_repaint`).
    pub fn spawn(
        config: Config,
        hub: Option<HubClient>,
        wake: impl Fn() + Send + 'static,
    ) -> TillWorker {
        let (req_tx, req_rx) = channel::<Request>();
        let (rep_tx, rep_rx) = channel::<Reply>();
        let thread = std::thread::Builder::new()
            .name("till".into())
            .spawn(move || {
                let send = |r: Reply| {
                    let _ = rep_tx.send(r);
                    wake();
                };
                let mut till = match Till::open(&config) {
                    Ok(mut t) => {
                        t.set_hub(hub);
                        // A person always logs in at the terminal (the first-run
                        // screen creates the admin when there is nobody yet).
                        t.logout();
                        t
                    }
                    Err(e) => {
                        tracing::error!("cannot open the till: {e}");
                        send(Reply::OpenFailed(e));
                        return;
                    }
                };
                send(Reply::Ready {
                    catalogue: till.catalogue().clone(),
                    max_payment: till.max_payment(),
                    journal_path: till.journal().path().to_path_buf(),
                    printer: till.printer_description(),
                    snapshot: snapshot(&till),
                    users: till.users().unwrap_or_default(),
                });
                let mut lang = config.lang;
                let mut last_status: Option<String> = None;
                loop {
                    let request = match req_rx.recv_timeout(STATUS_POLL) {
                        Ok(r) => r,
                        Err(RecvTimeoutError::Disconnected) => break,
                        Err(RecvTimeoutError::Timeout) => {
                            // Idle: watch the printer so the status bar says "out of
                            // paper" before the cashier starts a payment.
                            if till.has_printer_status() {
                                let status = till
                                    .printer_status()
                                    .map_err(|e| messages::printer(lang, &e));
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
                    let Some(reply) = handle(&mut till, request, &mut lang) else {
                        continue;
                    };
                    if let Reply::Failed { error, .. } = &reply {
                        tracing::warn!("step failed: {error}");
                    }
                    send(reply);
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
