//! The GUI (eframe/egui). The [`PaydeskApp`] owns the state; each screen is a function
//! of that state returning actions; the till thread does the work and replies
//! through a channel, waking the UI with `request_repaint`.

pub mod cashier;
pub mod login;
pub mod preview;
pub mod recovery;
pub mod reports;
pub mod settings;
pub mod style;
pub mod support;
pub mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use egui::RichText;

use crate::app::config::{Config, PrinterConfig};
use crate::app::hub_link::{self, HubLink, LinkError};
use crate::app::messages;
use crate::app::sync::{Role, SyncSettings, SyncStatus, SyncThread};
use crate::app::till::FlowError;
use crate::app::worker::{
    PaymentReply, PaymentRequest, PrinterReply, PrinterRequest, Reply, ReportReply, ReportRequest,
    Request, ShiftReply, ShiftRequest, Snapshot, SupportRequest, TillWorker, UserReply,
    UserRequest,
};
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::StateName;
use crate::domain::user::{Action as Permission, PermissionError, User};
use crate::i18n::{Lang, T};

use cashier::{CashierState, Field, Notice};

/// Opens the terminal's window and runs until it is closed.
pub fn run(config: Config) -> ExitCode {
    let title = format!(
        "paydesk — {}{}",
        config.shop.name,
        if config.training { " — TRAINING" } else { "" }
    );
    let icon = egui::IconData {
        rgba: include_bytes!("../../assets/icon-64.rgba").to_vec(),
        width: 64,
        height: 64,
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id("paydesk")
            .with_icon(icon)
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([960.0, 640.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let lang = config.lang;
    match eframe::run_native(
        "paydesk",
        options,
        Box::new(move |cc| Ok(Box::new(PaydeskApp::new(cc, config)))),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "paydesk: {}",
                lang.fill(
                    T::ErrInternal,
                    &[(
                        "detail",
                        &format!("cannot open the window ({e}); headless use: paydesk pay --help")
                    )]
                )
            );
            ExitCode::FAILURE
        }
    }
}

/// Which screen is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Taking payments.
    Cashier,
    /// Reports for managers.
    Reports,
    /// Payments that did not go through, and corrections.
    Support,
    /// Language and configuration.
    Settings,
}

/// The terminal once the journal is open.
pub struct Terminal {
    /// The operator catalogue.
    pub catalogue: Catalogue,
    /// Ceiling for one payment.
    pub max_payment: Money,
    /// The journal file.
    pub journal_path: PathBuf,
    /// The printer's description.
    pub printer: String,
    /// Unfinished payments and shift.
    pub snapshot: Snapshot,
    /// The cashier screen's state.
    pub cashier: CashierState,
    /// The users (login screen; empty: the first-run screen).
    pub users: Vec<User>,
}

impl Terminal {
    /// Whether the logged-in user may do `action`.
    pub fn may(&self, action: Permission) -> bool {
        self.snapshot
            .user
            .as_ref()
            .is_some_and(|u| u.role.may(action))
    }
}

/// Where the app is.
pub enum Phase {
    /// The till thread is opening and checking the journal.
    Opening,
    /// The till cannot start: the reason, in words. No payment can be taken.
    Failed(String),
    /// Taking payments.
    Ready(Box<Terminal>),
}

/// What the status bar says about delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncView {
    /// No hub configured.
    NoHub,
    /// The worker has not reported yet.
    Starting,
    /// The worker's latest status.
    Status(SyncStatus),
    /// The worker or the hub link could not start.
    Failed(String),
}

/// How long the cashier waits for the operator's check at most.
const CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// The paydesk application.
pub struct PaydeskApp {
    config: Config,
    lang: Lang,
    // Dropped in this order: the workers stop before the training hub goes away.
    worker: TillWorker,
    sync: Option<SyncThread>,
    hub: Option<HubLink>,
    /// Delivery, for the status bar.
    pub sync_view: SyncView,
    /// Where the app is.
    pub phase: Phase,
    /// The screen shown.
    pub tab: Tab,
    settings_note: Option<String>,
    /// The printer part of the settings screen.
    pub printer_form: settings::PrinterForm,
    /// Where the last printer settings were saved (for the note once applied).
    printer_saved_to: Option<PathBuf>,
    /// The tab shown in the previous frame (entering settings asks the printer).
    last_tab: Tab,
    /// The reports screen.
    pub reports: reports::ReportsState,
    /// The login and first-run screens.
    pub login: login::LoginState,
    /// The users section of the settings (administrators).
    pub users_form: users::UsersState,
    /// What to say once the pending users request is done.
    users_done_note: Option<String>,
    /// The support view.
    pub support: support::SupportState,
    /// Text to put on the clipboard at the next frame (replies have no context).
    pending_copy: Option<String>,
}

impl PaydeskApp {
    /// Starts the app: fonts, styles and the till thread.
    pub fn new(cc: &eframe::CreationContext<'_>, config: Config) -> PaydeskApp {
        style::install(&cc.egui_ctx);
        let (hub, sync_view) = match hub_link::connect(&config) {
            Ok(link) => (Some(link), SyncView::Starting),
            Err(LinkError::NotConfigured) => (None, SyncView::NoHub),
            Err(e) => (None, SyncView::Failed(e.to_string())),
        };
        let check_client = hub.as_ref().map(|l| l.client.with_timeout(CHECK_TIMEOUT));
        let ctx = cc.egui_ctx.clone();
        let worker = TillWorker::spawn(config.clone(), check_client, move || ctx.request_repaint());
        let sync = hub.as_ref().map(|link| {
            let ctx = cc.egui_ctx.clone();
            let settings = SyncSettings::from_config(link.client.clone(), &config);
            // The status bar can wait a moment: no immediate frame for a status change.
            SyncThread::spawn(settings, move || {
                ctx.request_repaint_after(std::time::Duration::from_millis(100))
            })
        });
        let printer_form = settings::PrinterForm::from_config(&config);
        let tz = config.tz;
        PaydeskApp {
            lang: config.lang,
            config,
            worker,
            sync,
            hub,
            sync_view,
            phase: Phase::Opening,
            tab: Tab::Cashier,
            settings_note: None,
            printer_form,
            printer_saved_to: None,
            last_tab: Tab::Cashier,
            reports: reports::ReportsState::today(tz),
            login: login::LoginState {
                focus_pin: true,
                ..Default::default()
            },
            users_form: users::UsersState::default(),
            users_done_note: None,
            support: support::SupportState::default(),
            pending_copy: None,
        }
    }

    /// A user may be switched: nobody is waiting on the till and no payment is
    /// between two steps on the cashier screen (payments left unfinished by a crash
    /// are asked about to whoever takes payments next).
    fn can_switch_user(&self) -> bool {
        match &self.phase {
            Phase::Ready(t) => {
                !self.is_busy() && (t.cashier.active.is_none() || t.cashier.step_is_done())
            }
            _ => false,
        }
    }

    /// True while the journal is opening or a step is with the till thread.
    pub fn is_busy(&self) -> bool {
        match &self.phase {
            Phase::Opening => true,
            Phase::Failed(_) => false,
            Phase::Ready(t) => {
                t.cashier.busy
                    || self.printer_form.busy()
                    || self.reports.busy
                    || self.login.busy
                    || self.users_form.busy
                    || self.support.busy
            }
        }
    }

    /// The terminal, once ready.
    pub fn terminal(&self) -> Option<&Terminal> {
        match &self.phase {
            Phase::Ready(t) => Some(t),
            _ => None,
        }
    }

    /// The language in use.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    fn apply_reply(&mut self, reply: Reply) {
        let lang = self.lang;
        match reply {
            Reply::Ready {
                catalogue,
                max_payment,
                journal_path,
                printer,
                snapshot,
                users,
            } => {
                self.phase = Phase::Ready(Box::new(Terminal {
                    catalogue,
                    max_payment,
                    journal_path,
                    printer,
                    snapshot,
                    cashier: CashierState {
                        focus: Some(Field::Operator),
                        ..CashierState::default()
                    },
                    users,
                }));
            }
            Reply::User(r, snapshot) => self.user_reply(r, snapshot),
            Reply::Support(r) => self.support_reply(r),
            Reply::OpenFailed(e) => self.phase = Phase::Failed(messages::open(lang, &e)),
            Reply::Printer(r) => self.printer_reply(r),
            Reply::Report(ReportReply::Rows(r)) => {
                self.reports.busy = false;
                match r {
                    Ok(rows) => {
                        self.reports.set_rows(rows);
                        self.reports.note = None;
                    }
                    Err(e) => self.reports.note = Some((messages::flow(lang, &e), true)),
                }
            }
            Reply::Shift(r, snapshot) => {
                self.reports.busy = false;
                if let Phase::Ready(t) = &mut self.phase {
                    t.snapshot = snapshot;
                }
                self.reports.shift_text = Some(match r {
                    Ok(ShiftReply::Opened(n)) => {
                        self.reports.shift_cash.clear();
                        (lang.fill(T::ShiftOpenedMsg, &[("n", &n)]), false)
                    }
                    Ok(ShiftReply::Report(report, printout)) => {
                        if report.closed_at.is_some() {
                            self.reports.shift_counted.clear();
                        }
                        if let (Some(p), Phase::Ready(t)) = (printout, &mut self.phase) {
                            t.cashier.last_printout = Some(p);
                        }
                        (
                            crate::report::shift_text(
                                &report,
                                lang,
                                self.config.tz,
                                &self.config.currency,
                                48,
                            ),
                            false,
                        )
                    }
                    Err(e) => (messages::flow(lang, &e), true),
                });
            }
            Reply::Report(ReportReply::Printed(r)) => {
                self.reports.busy = false;
                match r {
                    Ok(printout) => {
                        self.reports.note = Some((lang.t(T::ReportPrinted).to_string(), false));
                        if let Phase::Ready(t) = &mut self.phase {
                            t.cashier.last_printout = Some(printout);
                        }
                    }
                    Err(e) => self.reports.note = Some((messages::flow(lang, &e), true)),
                }
            }
            Reply::Report(ReportReply::Exported(r)) => {
                self.reports.busy = false;
                self.reports.note = Some(match r {
                    Ok(p) => (
                        lang.fill(T::ReportExported, &[("path", &p.display())]),
                        false,
                    ),
                    Err(e) => (messages::report_file(lang, &e), true),
                });
            }
            Reply::Payment(
                PaymentReply::Done {
                    step,
                    resume_at_cash,
                    check,
                },
                snapshot,
            ) => {
                let Some(c) = self.step_finished(snapshot) else {
                    return;
                };
                c.show_all_errors = false;
                if let Some(printed) = step.printed {
                    c.last_printout = Some(printed.printout);
                }
                let state = step.payment.state.name();
                if state == StateName::FiscalPrinting {
                    // A printer that cannot confirm the receipt: the cashier says
                    // whether it printed completely (the question dialog).
                    let n = step.payment.state.fiscal().map(|f| f.receipt_no);
                    c.notice = Some(Notice::Info(
                        lang.fill(T::ConfirmReceiptPrinted, &[("n", &n.unwrap_or_default())]),
                    ));
                    c.active = None;
                    return;
                }
                c.notice = match state {
                    StateName::Fiscalized => {
                        step.payment.state.fiscal().map(|f| {
                            Notice::Info(lang.fill(T::PaymentDone, &[("n", &f.receipt_no)]))
                        })
                    }
                    StateName::Voided => Some(Notice::Info(lang.t(T::PaymentVoided).to_string())),
                    _ => check
                        .as_ref()
                        .and_then(|c| {
                            let d = &step.payment.details;
                            messages::check(lang, c, &d.operator.name, &d.account)
                        })
                        .map(Notice::Info),
                };
                // The screen follows this payment unless the cashier is in the middle of
                // another one (a recovered payment must not replace the form in progress).
                let same = c
                    .active
                    .as_ref()
                    .is_some_and(|a| a.id() == step.payment.id());
                if resume_at_cash || same || c.active.is_none() || c.step_is_done() {
                    if state == StateName::Signed {
                        c.focus = Some(Field::Tendered);
                    }
                    c.active = Some(step.payment);
                }
            }
            Reply::Payment(PaymentReply::Failed { error, standing }, snapshot) => {
                let currency = self.config.currency.clone();
                let Some(c) = self.step_finished(snapshot) else {
                    return;
                };
                c.notice = Some(Notice::Error(messages::step_failed(
                    lang,
                    &error,
                    &standing,
                    &currency,
                    messages::Surface::Screen,
                )));
                // A payment stopped between two steps goes to the recovery dialog.
                c.active = standing.payment().cloned().filter(|p| {
                    matches!(
                        p.state.name(),
                        StateName::PreReceiptPrinted | StateName::Signed
                    )
                });
            }
        }
    }

    fn user_reply(&mut self, r: Result<UserReply, FlowError>, snapshot: Snapshot) {
        let Phase::Ready(t) = &mut self.phase else {
            return;
        };
        let was_logged_in = t.snapshot.user.is_some();
        t.snapshot = snapshot;
        self.login.busy = false;
        self.users_form.busy = false;
        let note = self.users_done_note.take();
        match r {
            Ok(UserReply::LoggedIn(user)) => {
                self.login.clear();
                self.login.selected = Some(user.name.to_string());
                // Where this user works: the till, or the reports for support staff.
                self.tab = if user.role.may(Permission::TakePayments) {
                    Tab::Cashier
                } else {
                    Tab::Reports
                };
                self.last_tab = self.tab;
                if self.tab == Tab::Cashier {
                    t.cashier.focus = Some(Field::Operator);
                } else if let Ok(f) = self.reports.current_filter(self.lang, self.config.tz) {
                    self.reports.busy = self.worker.send(Request::Report(ReportRequest::Rows(f)));
                }
                if !t.users.iter().any(|u| u.id == user.id) {
                    t.users.push(user);
                }
            }
            Ok(UserReply::Users(list)) => {
                t.users = list;
                if let Some(n) = note {
                    self.users_form = users::UsersState {
                        note: Some((n, false)),
                        ..Default::default()
                    };
                }
                if was_logged_in && t.snapshot.user.is_none() {
                    self.login.clear();
                }
            }
            Err(e) => {
                let e = messages::flow(self.lang, &e);
                if t.snapshot.user.is_none() {
                    self.login.error = Some(e);
                    self.login.pin.clear();
                    self.login.pin_again.clear();
                    self.login.focus_pin = true;
                } else {
                    self.users_form.note = Some((e, true));
                }
            }
        }
    }

    fn support_reply(
        &mut self,
        r: Result<crate::app::worker::SupportReply, crate::app::worker::SupportError>,
    ) {
        use crate::app::worker::SupportReply;
        let s = &mut self.support;
        s.busy = false;
        match r {
            Ok(SupportReply::List { rows, corrections }) => {
                s.rows = rows;
                s.corrections = corrections;
                s.searched = false;
            }
            Ok(SupportReply::Missing(text)) => {
                self.pending_copy = Some(text.clone());
                s.missing_text = Some(text);
                s.missing = Default::default();
                s.missing_scan.clear();
                s.note = Some((self.lang.t(T::MissingRecorded).to_string(), false));
            }
            Ok(SupportReply::Found(rows)) => {
                if rows.is_empty() {
                    s.note = Some((
                        self.lang.fill(T::SupportNothingFound, &[("q", &s.query)]),
                        true,
                    ));
                }
                s.rows = rows;
                s.searched = true;
            }
            Ok(SupportReply::Story {
                story,
                done,
                printout,
            }) => {
                let note =
                    done.map(|d| messages::support_done(self.lang, &d, &self.config.currency));
                // A correction went through: its form is done with.
                if std::mem::take(&mut s.correcting) {
                    s.clear_form();
                }
                if s.story
                    .as_ref()
                    .is_none_or(|old| old.row.id != story.row.id)
                {
                    s.clear_form();
                    s.printout = None;
                }
                if let Some(p) = printout {
                    s.printout = Some(p.clone());
                    if let Phase::Ready(t) = &mut self.phase {
                        t.cashier.last_printout = Some(p);
                    }
                }
                s.note = note.map(|n| (n, false));
                s.story = Some(story);
                // The lists may have changed (a new request, a status).
                if self.worker.send(Request::Support(SupportRequest::List)) {
                    self.support.busy = true;
                }
            }
            Err(e) => {
                s.correcting = false;
                s.note = Some((messages::support_error(self.lang, &e), true));
                s.manager_pin.clear();
            }
        }
    }

    fn support_action(&mut self, ctx: &egui::Context, action: support::Action) {
        let request = match action {
            support::Action::Refresh => SupportRequest::List,
            support::Action::Find(q) => SupportRequest::Find(q),
            support::Action::Open(id) => {
                self.support.note = None;
                SupportRequest::Story(id)
            }
            support::Action::Retry(id) => SupportRequest::RetryNow(id),
            support::Action::Check(id) => SupportRequest::CheckStatusNow(id),
            support::Action::Correct(input) => {
                self.support.correcting = true;
                SupportRequest::RequestCorrection(input)
            }
            support::Action::Reprint(id) => SupportRequest::PrintRefundReceipt(id),
            support::Action::Missing(m) => SupportRequest::ReportMissing(m),
            support::Action::Export(id) => {
                let dir = self
                    .config
                    .journal_path
                    .parent()
                    .map(|d| d.join("diagnostics"))
                    .unwrap_or_else(|| PathBuf::from("diagnostics"));
                SupportRequest::ExportDiagnostics(id, dir)
            }
            support::Action::Copy(text) => {
                ctx.copy_text(text);
                self.support.note = Some((self.lang.t(T::SupportCopied).to_string(), false));
                return;
            }
        };
        self.support.busy = self.worker.send(Request::Support(request));
    }

    fn printer_reply(&mut self, reply: PrinterReply) {
        let lang = self.lang;
        let form = &mut self.printer_form;
        if !matches!(reply, PrinterReply::StatusChanged(_)) {
            form.pending = form.pending.saturating_sub(1);
        }
        match reply {
            PrinterReply::Status(r) | PrinterReply::StatusChanged(r) => {
                form.status = Some(match r {
                    Ok(report) => (
                        messages::status(lang, report.as_ref()),
                        report.as_ref().is_some_and(|r| !r.is_ready()),
                    ),
                    Err(e) => (messages::printer(lang, &e), true),
                });
            }
            PrinterReply::TestPage(r) => {
                form.note = Some(match r {
                    Ok(printout) => {
                        if let Phase::Ready(t) = &mut self.phase {
                            t.cashier.last_printout = Some(printout);
                        }
                        settings::Note::Info(lang.t(T::PrinterTestPrinted).to_string())
                    }
                    Err(e) => settings::Note::Error(messages::flow(lang, &e)),
                });
            }
            PrinterReply::Changed(r) => match r {
                Ok(printer) => {
                    let path = self
                        .printer_saved_to
                        .take()
                        .unwrap_or_else(|| self.config.save_path.clone());
                    form.note = Some(settings::Note::Info(lang.fill(
                        T::PrinterApplied,
                        &[("printer", &printer), ("path", &path.display())],
                    )));
                    if let Phase::Ready(t) = &mut self.phase {
                        t.printer = printer;
                    }
                    form.status = None;
                    self.printer_request(PrinterRequest::Status);
                }
                Err(e) => form.note = Some(settings::Note::Error(messages::flow(lang, &e))),
            },
            PrinterReply::Devices { ports, usb } => {
                form.ports = ports;
                form.usb = usb;
            }
        }
    }

    fn report_action(&mut self, ctx: &egui::Context, action: reports::Action) {
        let lang = self.lang;
        match action {
            reports::Action::Show(f) => {
                self.reports.shown = Some(f.clone());
                self.reports.busy = self.worker.send(Request::Report(ReportRequest::Rows(f)));
            }
            reports::Action::Export(f, format) => {
                let ext = match format {
                    crate::app::worker::ExportFormat::Csv => "csv",
                    crate::app::worker::ExportFormat::Xlsx => "xlsx",
                };
                let name = format!(
                    "payments-{}-{}.{ext}",
                    f.from.with_timezone(&self.config.tz).format("%Y%m%d-%H%M"),
                    f.to.with_timezone(&self.config.tz).format("%Y%m%d-%H%M"),
                );
                let dir = self
                    .config
                    .journal_path
                    .parent()
                    .map(|d| d.join("reports"))
                    .unwrap_or_else(|| PathBuf::from("reports"));
                self.reports.busy = self.worker.send(Request::Report(ReportRequest::Export(
                    f,
                    format,
                    dir.join(name),
                )));
            }
            reports::Action::OpenShift(m) => {
                self.reports.busy = self.worker.send(Request::Shift(ShiftRequest::Open(m)));
            }
            reports::Action::XReport => {
                self.reports.busy = self.worker.send(Request::Shift(ShiftRequest::XReport));
            }
            reports::Action::CloseShift(m) => {
                self.reports.busy = self.worker.send(Request::Shift(ShiftRequest::Close(m)));
            }
            reports::Action::Print(f) => {
                self.reports.busy = self.worker.send(Request::Report(ReportRequest::Print(f)));
            }
            reports::Action::Copy(text) => {
                ctx.copy_text(text.clone());
                self.reports.note = Some((lang.fill(T::ReportCopied, &[("text", &text)]), false));
            }
        }
    }

    fn printer_request(&mut self, request: PrinterRequest) {
        if self.worker.send(Request::Printer(request)) {
            self.printer_form.pending += 1;
        }
    }

    fn settings_action(&mut self, action: settings::Action) {
        let lang = self.lang;
        match action {
            settings::Action::SetLanguage(l) => {
                self.lang = l;
                self.worker.send(Request::SetLanguage(l));
                self.settings_note = None;
            }
            settings::Action::Save => {
                self.settings_note = Some(match self.config.save_language(self.lang) {
                    Ok(p) => lang.fill(T::SettingsSaved, &[("path", &p.display())]),
                    Err(e) => lang.fill(
                        T::SettingsSaveFailed,
                        &[("path", &self.config.save_path.display()), ("detail", &e)],
                    ),
                });
            }
            settings::Action::ApplyPrinter => {
                let draft = self.printer_form.draft.clone();
                let checked =
                    PrinterConfig::from_section(&draft, self.config.printer.profiles_dir.clone())
                        .and_then(|pc| {
                            self.config
                                .save_printer(&draft)
                                .map(|path| (pc, path))
                                .map_err(|e| e.to_string())
                        });
                match checked {
                    Ok((pc, path)) => {
                        self.config.printer = pc.clone();
                        self.printer_saved_to = Some(path);
                        self.printer_form.note = None;
                        self.printer_request(PrinterRequest::Set(Box::new(pc)));
                    }
                    Err(e) => self.printer_form.note = Some(settings::Note::Error(e)),
                }
            }
            settings::Action::PrintTestPage => {
                self.printer_form.note = None;
                self.printer_request(PrinterRequest::TestPage);
            }
            settings::Action::CheckStatus => self.printer_request(PrinterRequest::Status),
            settings::Action::Scan => self.printer_request(PrinterRequest::ScanDevices),
        }
    }

    /// The till answered a step: take its snapshot and stop waiting.
    fn step_finished(&mut self, snapshot: Snapshot) -> Option<&mut CashierState> {
        let Phase::Ready(t) = &mut self.phase else {
            return None;
        };
        t.snapshot = snapshot;
        t.cashier.busy = false;
        Some(&mut t.cashier)
    }

    fn send(&mut self, request: Request) {
        if let Phase::Ready(t) = &mut self.phase {
            t.cashier.busy = self.worker.send(request);
            if !t.cashier.busy {
                t.cashier.notice = Some(Notice::Error(self.lang.fill(
                    T::ErrInternal,
                    &[("detail", &"the till thread stopped; restart paydesk")],
                )));
            }
        }
    }

    fn cashier_action(&mut self, action: cashier::Action) {
        let Phase::Ready(t) = &mut self.phase else {
            return;
        };
        let active = t.cashier.active.as_ref().map(|p| p.id());
        let request = match (action, active) {
            (cashier::Action::PrintPreReceipt(q), _) => PaymentRequest::PrintPreReceipt(q),
            (cashier::Action::Signed, Some(id)) => PaymentRequest::CustomerSigned(id),
            (cashier::Action::Void(reason), Some(id)) => PaymentRequest::Void(id, reason),
            (cashier::Action::TakeCash(m), Some(id)) => PaymentRequest::TakeCash(id, m),
            (cashier::Action::NewPayment, _) => {
                t.cashier.clear();
                return;
            }
            _ => return,
        };
        t.cashier.notice = None;
        self.send(Request::Payment(request));
    }

    fn status_bar(&self, ui: &mut egui::Ui) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            if self.config.training {
                ui.label(
                    RichText::new(lang.t(T::TrainingShort))
                        .strong()
                        .color(style::TRAINING_BG),
                );
                ui.separator();
            }
            ui.label(lang.fill(T::StatusTerminal, &[("id", &self.config.terminal_id)]));
            ui.separator();
            if let Some(t) = self.terminal() {
                ui.label(match t.snapshot.shift {
                    Some(n) => lang.fill(T::StatusShift, &[("n", &n)]),
                    None => lang.t(T::StatusNoShift).to_string(),
                });
                ui.separator();
                ui.label(lang.fill(T::StatusJournal, &[("path", &t.journal_path.display())]));
                ui.separator();
                ui.label(lang.fill(T::StatusPrinter, &[("printer", &t.printer)]));
                if let Some((status, true)) = &self.printer_form.status {
                    ui.label(
                        RichText::new(lang.fill(T::StatusPrinterProblem, &[("status", status)]))
                            .strong()
                            .color(style::error_color(ui)),
                    );
                }
            } else {
                ui.label(lang.fill(
                    T::StatusJournal,
                    &[("path", &self.config.journal_path.display())],
                ));
            }
            ui.separator();
            self.sync_line(ui);
        });
    }

    /// The training hub's address, when one runs in this process.
    pub fn training_hub(&self) -> Option<String> {
        self.hub
            .as_ref()
            .and_then(|l| l.server.as_ref())
            .map(|s| s.url())
    }

    fn sync_line(&self, ui: &mut egui::Ui) {
        let lang = self.lang;
        match &self.sync_view {
            SyncView::NoHub => {
                ui.label(lang.t(T::SyncNoHub));
            }
            SyncView::Starting => {
                ui.label(lang.t(T::SyncConnecting));
            }
            SyncView::Failed(e) => {
                ui.label(
                    RichText::new(lang.fill(T::SyncFailed, &[("detail", e)]))
                        .color(style::error_color(ui)),
                );
            }
            SyncView::Status(s) => {
                if let Some(b) = &s.blocked {
                    ui.label(
                        RichText::new(messages::blocked(lang, b))
                            .strong()
                            .color(style::error_color(ui)),
                    );
                }
                // A follower does not talk to the hub itself: only the leader's word counts.
                match (s.online, &s.role) {
                    (Some(false), _) => {
                        ui.label(
                            RichText::new(lang.t(T::SyncOffline))
                                .strong()
                                .color(style::error_color(ui)),
                        );
                    }
                    (Some(true), _) => {
                        ui.label(lang.t(T::SyncOnline));
                    }
                    (None, Role::Follower { .. }) => {}
                    (None, _) => {
                        ui.label(lang.t(T::SyncConnecting));
                    }
                }
                ui.separator();
                ui.label(lang.fill(T::SyncQueue, &[("n", &s.summary.queued)]));
                if let Some(oldest) = s.summary.oldest_queued_at {
                    let minutes = (chrono::Utc::now() - oldest).num_minutes().max(0);
                    ui.label(lang.fill(T::SyncOldest, &[("minutes", &minutes)]));
                }
                ui.separator();
                if s.summary.stuck > 0 {
                    ui.label(
                        RichText::new(lang.fill(T::SyncStuck, &[("n", &s.summary.stuck)]))
                            .color(style::error_color(ui)),
                    );
                }
                if s.summary.refused > 0 {
                    ui.label(
                        RichText::new(lang.fill(T::SyncRefused, &[("n", &s.summary.refused)]))
                            .color(style::error_color(ui)),
                    );
                }
                match &s.role {
                    Role::Leader { .. } => {
                        ui.label(lang.t(T::SyncLeader));
                    }
                    Role::Follower { leader } => {
                        ui.label(lang.fill(T::SyncFollower, &[("leader", leader)]));
                    }
                    Role::Starting => {}
                }
            }
        }
    }
}

impl CashierState {
    fn step_is_done(&self) -> bool {
        self.active
            .as_ref()
            .is_some_and(|p| matches!(p.state.name(), StateName::Fiscalized | StateName::Voided))
    }
}

impl eframe::App for PaydeskApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Some(reply) = self.worker.try_recv() {
            self.apply_reply(reply);
        }
        if let Some(latest) = self.sync.as_ref().and_then(SyncThread::latest) {
            self.sync_view = match latest {
                Ok(status) => SyncView::Status(status),
                Err(e) => SyncView::Failed(e),
            };
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let lang = self.lang;
        if self.config.training {
            egui::Panel::top("training-banner")
                .frame(
                    egui::Frame::new()
                        .fill(style::TRAINING_BG)
                        .inner_margin(6.0),
                )
                .show(ui, |ui| {
                    ui.vertical_centered(|ui| {
                        ui.label(
                            RichText::new(lang.t(T::TrainingBanner))
                                .strong()
                                .color(egui::Color32::BLACK),
                        );
                    });
                });
        }
        let user = self.terminal().and_then(|t| t.snapshot.user.clone());
        let mut switch = false;
        if let Some(user) = &user {
            let can_switch = self.can_switch_user();
            egui::Panel::top("tabs").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.tab, Tab::Cashier, lang.t(T::TabCashier));
                    ui.selectable_value(&mut self.tab, Tab::Reports, lang.t(T::TabReports));
                    ui.selectable_value(&mut self.tab, Tab::Support, lang.t(T::TabSupport));
                    ui.selectable_value(&mut self.tab, Tab::Settings, lang.t(T::TabSettings));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        let b =
                            ui.add_enabled(can_switch, egui::Button::new(lang.t(T::SwitchUser)));
                        let b = if can_switch {
                            b
                        } else {
                            b.on_disabled_hover_text(lang.t(T::SwitchUserBusy))
                        };
                        switch |= b.clicked();
                        ui.label(
                            RichText::new(lang.fill(
                                T::LoggedInAs,
                                &[
                                    ("name", &user.name),
                                    ("role", &messages::role(lang, user.role)),
                                ],
                            ))
                            .strong(),
                        );
                    });
                });
            });
            switch |= can_switch && ui.input(|i| i.key_pressed(egui::Key::F12));
        }
        if switch {
            self.login.clear();
            self.login.busy = self.worker.send(Request::User(UserRequest::Logout));
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));

        let mut cashier_actions = Vec::new();
        let mut settings_actions = Vec::new();
        let mut report_actions = Vec::new();
        let mut login_action = None;
        let mut support_actions = Vec::new();
        let mut user_actions = Vec::new();
        let mut answer = None;
        // The screen the user's role does not allow: say so instead of showing it.
        let denied = |t: &Terminal, tab: Tab| -> Option<String> {
            let needs = match tab {
                Tab::Cashier => Permission::TakePayments,
                Tab::Reports if t.may(Permission::ManageShift) => return None,
                Tab::Reports => Permission::ViewReports,
                Tab::Support => Permission::Support,
                Tab::Settings => return None,
            };
            crate::domain::user::require(t.snapshot.user.as_ref(), needs)
                .err()
                .map(|e: PermissionError| messages::permission(lang, &e))
        };
        match (&mut self.phase, self.tab) {
            (Phase::Opening, _) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(lang.t(T::OpeningJournal));
                    });
                });
            }
            (Phase::Failed(reason), _) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.heading(
                        RichText::new(lang.t(T::JournalUnavailableTitle))
                            .color(style::error_color(ui)),
                    );
                    ui.add_space(8.0);
                    ui.label(RichText::new(reason.as_str()).heading());
                });
            }
            (Phase::Ready(t), _) if t.snapshot.user.is_none() => {
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        login_action = if t.users.is_empty() {
                            login::first_run(ui, &mut self.login, lang)
                        } else {
                            login::login(ui, &mut self.login, lang, &t.users)
                        };
                    });
                });
            }
            (Phase::Ready(t), tab) if denied(t, tab).is_some() => {
                let why = denied(t, tab).unwrap_or_default();
                egui::CentralPanel::default().show(ui, |ui| {
                    ui.add_space(24.0);
                    ui.heading(RichText::new(why).color(style::error_color(ui)));
                });
            }
            (Phase::Ready(t), Tab::Reports) => {
                let view = reports::View {
                    lang,
                    tz: self.config.tz,
                    currency: &self.config.currency,
                    catalogue: &t.catalogue,
                    shift: t.snapshot.shift,
                    may_manage_shift: t.may(Permission::ManageShift),
                };
                egui::CentralPanel::default().show(ui, |ui| {
                    report_actions = reports::show(ui, &mut self.reports, &view);
                });
            }
            (Phase::Ready(_), Tab::Support) => {
                let view = support::View {
                    lang,
                    tz: self.config.tz,
                    currency: &self.config.currency,
                    shop: &self.config.shop,
                    terminal: &self.config.terminal_id,
                };
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("support-screen")
                        .show(ui, |ui| {
                            support_actions = support::show(ui, &mut self.support, &view);
                        });
                });
            }
            (Phase::Ready(t), Tab::Settings) => {
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        settings_actions = settings::show(
                            ui,
                            lang,
                            &self.config,
                            &mut self.printer_form,
                            self.settings_note.as_deref(),
                            t.may(Permission::ChangeSettings),
                        );
                        if let Some(me) = t
                            .snapshot
                            .user
                            .as_ref()
                            .filter(|u| u.role.may(Permission::ManageUsers))
                        {
                            ui.separator();
                            user_actions = users::show(
                                ui,
                                &mut self.users_form,
                                lang,
                                &t.users,
                                me,
                                self.config.tz,
                            );
                        }
                    });
                });
            }
            (Phase::Ready(t), Tab::Cashier) => {
                egui::Panel::right("preview")
                    .resizable(true)
                    .default_size(520.0)
                    .show(ui, |ui| {
                        ui.heading(lang.t(T::PreviewTitle));
                        egui::ScrollArea::vertical().show(ui, |ui| {
                            match &t.cashier.last_printout {
                                Some(p) => preview::show(ui, p),
                                None => {
                                    ui.label(lang.t(T::PreviewEmpty));
                                }
                            }
                        });
                    });
                let view = cashier::View {
                    lang,
                    currency: &self.config.currency,
                    catalogue: &t.catalogue,
                    max_payment: t.max_payment,
                };
                egui::CentralPanel::default().show(ui, |ui| {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        cashier_actions = cashier::show(ui, &mut t.cashier, &view);
                    });
                });
                // Payments left between two steps (other than the one on screen).
                let active = t.cashier.active.as_ref().map(|p| p.id());
                let pending: Vec<_> = t
                    .snapshot
                    .unfinished
                    .iter()
                    .filter(|p| Some(p.id()) != active)
                    .collect();
                if let Some(p) = pending.first() {
                    let busy = t.cashier.busy;
                    answer = recovery::show(
                        ui.ctx(),
                        lang,
                        &self.config.currency,
                        p,
                        pending.len(),
                        busy,
                    )
                    .map(|a| ((*p).clone(), a));
                    cashier_actions.clear();
                }
            }
        }
        for a in cashier_actions {
            self.cashier_action(a);
        }
        if let Some((p, a)) = answer {
            self.send(Request::Payment(PaymentRequest::Answer(Box::new(p), a)));
        }
        for a in settings_actions {
            self.settings_action(a);
        }
        for a in report_actions {
            self.report_action(ui.ctx(), a);
        }
        if let Some(text) = self.pending_copy.take() {
            ui.ctx().copy_text(text);
        }
        for a in support_actions {
            self.support_action(ui.ctx(), a);
        }
        if let Some(a) = login_action {
            self.login.error = None;
            self.login.busy = self.worker.send(Request::User(match a {
                login::Action::CreateAdmin(name, pin) => UserRequest::CreateFirstAdmin(name, pin),
                login::Action::Login(name, pin) => UserRequest::Login(name, pin),
            }));
        }
        for a in user_actions {
            self.users_form.note = None;
            let (request, note) = match a {
                users::Action::Add(name, role, pin) => {
                    let note = lang.fill(T::UserAdded, &[("name", &name)]);
                    (UserRequest::Add(name, role, pin), note)
                }
                users::Action::Change(name, change) => (
                    UserRequest::Change(name, change),
                    lang.t(T::UserChanged).to_string(),
                ),
            };
            self.users_done_note = Some(note);
            self.users_form.busy = self.worker.send(Request::User(request));
        }
        let may = |p| self.terminal().is_some_and(|t| t.may(p));
        let (may_settings, may_reports) = (
            may(Permission::ChangeSettings),
            may(Permission::ViewReports),
        );
        let may_support = may(Permission::Support);
        // Entering support: list what did not go through.
        if self.tab == Tab::Support && self.last_tab != Tab::Support && may_support {
            self.support.busy = self.worker.send(Request::Support(SupportRequest::List));
        }
        // Entering settings: ask the printer how it is and what is plugged in.
        if self.tab == Tab::Settings && self.last_tab != Tab::Settings && may_settings {
            self.printer_request(PrinterRequest::ScanDevices);
            self.printer_request(PrinterRequest::Status);
        }
        // Entering reports: show the current filter's rows (today by default).
        if self.tab == Tab::Reports
            && self.last_tab != Tab::Reports
            && may_reports
            && let Ok(f) = self.reports.current_filter(lang, self.config.tz)
        {
            self.report_action(ui.ctx(), reports::Action::Show(f));
        }
        self.last_tab = self.tab;
    }
}
