//! The GUI (eframe/egui), shaped like egui's demo app: [`PaydeskApp`] is a router and
//! the shell around the screens (training banner, tabs, permission gate, status bar,
//! login). Each screen owns its state, draws itself, sends its requests to the till
//! thread and handles the replies meant for it ([`Screen`]); the till thread does the
//! work and wakes the UI with `request_repaint`. Nothing here blocks a frame: the
//! journal, the printer, the hub, profiles and the config file are all the till
//! thread's.

pub mod cash;
pub mod cashier;
pub mod login;
pub mod preview;
pub mod reconcile;
pub mod recovery;
pub mod reports;
pub mod screen;
pub mod settings;
pub mod style;
pub mod support;
pub mod users;

use std::process::ExitCode;

use egui::RichText;

use crate::app::config::Config;
use crate::app::hub_link::LinkError;
use crate::app::journal_check::{CheckNews, JournalHealth};
use crate::app::messages;
use crate::app::sync::{Role, SyncSettings, SyncStatus, SyncThread};
use crate::app::worker::{HubReady, Reply, Request, SupportRequest, TillWorker, UserRequest};
use crate::domain::user::User;
use crate::i18n::{Lang, T};

pub use screen::{Cx, Effect, PrinterStatus, Screen, Terminal};

/// The window's title, also the name a screen reader gives the window.
pub fn window_title(config: &Config) -> String {
    format!(
        "paydesk — {}{}",
        config.shop.name,
        if config.training { " — TRAINING" } else { "" }
    )
}

/// Opens the terminal's window and runs until it is closed.
pub fn run(config: Config) -> ExitCode {
    let title = window_title(&config);
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

/// The paydesk application: the router between the screens and the shell.
pub struct PaydeskApp {
    config: Config,
    lang: Lang,
    // Dropped in this order: the sync worker stops before the till thread, which
    // keeps the training hub.
    sync: Option<SyncThread>,
    /// The daily backup, started once the journal is open.
    backup: Option<crate::app::daily_backup::BackupThread>,
    /// The last daily backup failed: why (the status bar says so until one works).
    pub backup_failed: Option<crate::journal::backup::BackupError>,
    /// The background check of the whole journal: how far, or what it found last.
    pub journal_check: Option<CheckNews>,
    /// Asks the background check to run again (after a daily backup).
    health: Option<JournalHealth>,
    worker: TillWorker,
    training_hub: Option<String>,
    /// Delivery, for the status bar.
    pub sync_view: SyncView,
    /// Where the app is.
    pub phase: Phase,
    screens: Vec<Box<dyn Screen>>,
    /// The screen shown (an index into `screens`).
    tab: usize,
    /// The screen last entered ([`Screen::on_enter`] runs once per visit).
    entered: Option<usize>,
    login: login::LoginState,
    effects: Vec<Effect>,
    pending_copy: Option<String>,
    /// Wakes the UI from worker threads.
    repaint: egui::Context,
}

/// The screens behind the tabs, in tab order, fresh: one line per screen.
fn screens(config: &Config) -> Vec<Box<dyn Screen>> {
    vec![
        Box::new(cashier::CashierState::new()),
        Box::new(reports::ReportsState::today(config.tz)),
        Box::new(cash::CashScreen::new(config.tz)),
        Box::new(support::SupportState::default()),
        Box::new(settings::SettingsScreen::default()),
    ]
}

impl PaydeskApp {
    /// Starts the app: fonts, styles, the screens and the till thread (which connects
    /// the hub and opens the journal; nothing of that runs on the UI thread).
    pub fn new(cc: &eframe::CreationContext<'_>, config: Config) -> PaydeskApp {
        style::install(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let worker = TillWorker::spawn(config.clone(), move || ctx.request_repaint());
        let screens = screens(&config);
        PaydeskApp {
            lang: config.lang,
            config,
            sync: None,
            backup: None,
            backup_failed: None,
            journal_check: None,
            health: None,
            worker,
            training_hub: None,
            sync_view: SyncView::Starting,
            phase: Phase::Opening,
            screens,
            tab: 0,
            entered: Some(0),
            login: login::LoginState {
                focus_pin: true,
                ..Default::default()
            },
            effects: Vec::new(),
            pending_copy: None,
            repaint: cc.egui_ctx.clone(),
        }
    }

    /// A user may be switched: nobody is waiting on the till and no payment is
    /// between two steps on a screen (payments left unfinished by a crash are asked
    /// about to whoever takes payments next).
    fn can_switch_user(&self) -> bool {
        matches!(self.phase, Phase::Ready(_))
            && !self.is_busy()
            && !self.screens.iter().any(|s| s.holds_payment())
    }

    /// True while the journal is opening or a request is with the till thread.
    pub fn is_busy(&self) -> bool {
        match &self.phase {
            Phase::Opening => true,
            Phase::Failed(_) => false,
            Phase::Ready(_) => self.login.busy || self.screens.iter().any(|s| s.busy()),
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

    /// The screen of type `S` (tests drive a screen's state directly).
    pub fn screen_mut<S: Screen>(&mut self) -> Option<&mut S> {
        self.screens.iter_mut().find_map(|s| {
            let any: &mut dyn std::any::Any = s.as_mut();
            any.downcast_mut::<S>()
        })
    }

    /// The hub is connected (or not): start the sync worker with it.
    fn hub_ready(&mut self, hub: Result<HubReady, LinkError>) {
        match hub {
            Ok(hub) => {
                let settings = SyncSettings::from_config(hub.client, &self.config);
                let ctx = self.repaint.clone();
                // The status bar can wait a moment: no immediate frame for a change.
                self.sync = Some(SyncThread::spawn(settings, move || {
                    ctx.request_repaint_after(std::time::Duration::from_millis(100))
                }));
                self.training_hub = hub.training_url;
                self.sync_view = SyncView::Starting;
            }
            Err(LinkError::NotConfigured) => self.sync_view = SyncView::NoHub,
            Err(e) => self.sync_view = SyncView::Failed(e.to_string()),
        }
    }

    /// Routes a reply: the shell's own, then the login screen, then each screen in
    /// turn until one takes it.
    fn route(&mut self, reply: Reply) {
        let reply = match reply {
            Reply::Hub(hub) => return self.hub_ready(hub),
            Reply::OpenFailed(e) => {
                self.phase = Phase::Failed(messages::open_with_backups(
                    self.lang,
                    &e,
                    &self.config.backups,
                ));
                return;
            }
            Reply::Ready {
                catalogue,
                max_payment,
                journal_path,
                printer,
                snapshot,
                users,
                profiles,
                warnings,
                health,
            } => {
                self.health = Some(health);
                for w in &warnings {
                    tracing::warn!("{}", messages::config_warning(Lang::En, w));
                }
                // The journal is open and checked: its daily backup may start (a
                // few minutes on, not competing with the first screen).
                if self.backup.is_none() {
                    let ctx = self.repaint.clone();
                    self.backup = Some(crate::app::daily_backup::BackupThread::spawn(
                        self.config.journal_path.clone(),
                        self.config.busy_timeout,
                        self.config.backups.clone(),
                        crate::app::daily_backup::DAILY,
                        std::time::Duration::from_secs(120),
                        move || ctx.request_repaint(),
                    ));
                }
                self.phase = Phase::Ready(Box::new(Terminal {
                    catalogue,
                    max_payment,
                    journal_path,
                    printer,
                    printer_status: None,
                    snapshot,
                    users,
                    last_printout: None,
                    profiles,
                    warnings,
                    fiscal_status: None,
                }));
                return;
            }
            Reply::JournalCheck(news) => {
                // Progress never hides a damage found earlier in this process.
                let damaged = matches!(self.journal_check, Some(CheckNews::Damaged(_)));
                if !damaged || matches!(news, CheckNews::Damaged(_)) {
                    self.journal_check = Some(news);
                }
                return;
            }
            Reply::Fiscal(status) => {
                if let Phase::Ready(t) = &mut self.phase {
                    t.fiscal_status = Some(status);
                }
                return;
            }
            reply => reply,
        };
        let Phase::Ready(terminal) = &mut self.phase else {
            return;
        };
        if let Some(s) = reply.snapshot() {
            terminal.snapshot = s.clone();
        }
        let mut cx = Cx {
            lang: self.lang,
            config: &self.config,
            terminal,
            till: &self.worker,
            effects: &mut self.effects,
        };
        let mut left = self.login.on_reply(reply, &mut cx);
        for screen in &mut self.screens {
            match left {
                Some(r) => left = screen.on_reply(r, &mut cx),
                None => break,
            }
        }
        if let Some(r) = left {
            tracing::debug!(reply = ?r, "a reply no screen took");
        }
    }

    /// Carries out what the screens asked of the shell.
    fn apply_effects(&mut self) {
        for effect in std::mem::take(&mut self.effects) {
            match effect {
                Effect::LoggedIn(user) => {
                    // Where this user works: the first screen they may use.
                    self.tab = self
                        .screens
                        .iter()
                        .position(|s| s.allowed(&user).is_ok())
                        .unwrap_or(0);
                    self.entered = None;
                }
                Effect::SetLanguage(l) => {
                    self.lang = l;
                    self.worker.send(Request::SetLanguage(l));
                    for screen in &mut self.screens {
                        screen.on_language();
                    }
                }
                Effect::Copy(text) => self.pending_copy = Some(text),
                Effect::PrinterApplied(pc) => self.config.printer = *pc,
                Effect::OpenCollectionReport => {
                    if let Some(i) = self
                        .screens
                        .iter()
                        .position(|s| (s.as_ref() as &dyn std::any::Any).is::<cash::CashScreen>())
                    {
                        self.tab = i;
                        if let Some(c) = self.screen_mut::<cash::CashScreen>() {
                            c.show_report();
                        }
                    }
                }
                Effect::OpenPayment(id) => {
                    // The support view takes the timeline when it comes.
                    if let Some(i) = self.screens.iter().position(|s| {
                        (s.as_ref() as &dyn std::any::Any).is::<support::SupportState>()
                    }) {
                        self.tab = i;
                        self.worker
                            .send(Request::Support(SupportRequest::Story(id)));
                    }
                }
            }
        }
    }

    /// F12: logs the user out; the next one gets every screen fresh (no payment,
    /// search or printout of the previous user is left on screen). Only offered
    /// while no request is pending and no payment is between two steps.
    fn switch_user(&mut self) {
        self.login.clear();
        self.login.busy = self.worker.send(Request::User(UserRequest::Logout));
        self.screens = screens(&self.config);
        self.tab = 0;
        self.entered = None;
        if let Phase::Ready(t) = &mut self.phase {
            t.last_printout = None;
        }
    }

    /// Runs the shown screen's [`Screen::on_enter`] once per visit, if its user may
    /// open it.
    fn enter_tab(&mut self) {
        if self.entered == Some(self.tab) {
            return;
        }
        let Phase::Ready(terminal) = &mut self.phase else {
            return;
        };
        let Some(user) = terminal.snapshot.user.clone() else {
            return;
        };
        self.entered = Some(self.tab);
        let screen = &mut self.screens[self.tab];
        if screen.allowed(&user).is_ok() {
            let mut cx = Cx {
                lang: self.lang,
                config: &self.config,
                terminal,
                till: &self.worker,
                effects: &mut self.effects,
            };
            screen.on_enter(&mut cx);
        }
    }

    /// One line: the terminal, the shift, the printer and delivery as short chips
    /// whose details are in their tooltips (the journal's path is in Settings).
    fn status_bar(&self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let narrow = ui.available_width() < 1200.0;
        // Training mode is the banner's to say; the bar stays one line at 1024 px.
        ui.horizontal(|ui| {
            chip(
                ui,
                RichText::new(&self.config.terminal_id),
                &lang.fill(T::StatusTerminal, &[("id", &self.config.terminal_id)]),
            );
            ui.separator();
            if let Some(t) = self.terminal() {
                ui.label(match t.snapshot.shift {
                    Some(n) => lang.fill(T::StatusShift, &[("n", &n)]),
                    None => lang.t(T::StatusNoShift).to_string(),
                });
                ui.separator();
                // The journal's check comes early: its damage stops payments, and a
                // 1024 px bar must not cut it off.
                if let Some(news) = &self.journal_check {
                    verdict_chip(
                        ui,
                        messages::journal_check(
                            lang,
                            news,
                            self.config.tz,
                            &self.config.journal_path,
                        ),
                    );
                    ui.separator();
                }
                let described = lang.fill(T::StatusPrinter, &[("printer", &t.printer)]);
                match t.printer_status.as_ref().filter(|s| s.is_problem()) {
                    Some(status) => chip(
                        ui,
                        RichText::new(
                            lang.fill(T::StatusPrinterProblem, &[("status", &status.words(lang))]),
                        )
                        .strong()
                        .color(style::error_color(ui)),
                        &described,
                    ),
                    // The model only; the connection is in the tooltip. On a narrow
                    // till with a fiscal register chip too, just "Printer".
                    None if narrow
                        && (t.fiscal_status.is_some() || self.journal_check.is_some()) =>
                    {
                        chip(ui, RichText::new(lang.t(T::StatusPrinterShort)), &described)
                    }
                    None => {
                        let model = t.printer.split(" · ").next().unwrap_or(&t.printer);
                        // "Generic 80 mm (80 mm)": the paper width is in the tooltip.
                        let model = model.split(" (").next().unwrap_or(model);
                        chip(
                            ui,
                            RichText::new(lang.fill(T::StatusPrinter, &[("printer", &model)])),
                            &described,
                        )
                    }
                }
                if let Some(status) = &t.fiscal_status {
                    ui.separator();
                    verdict_chip(ui, messages::fiscal_status(lang, status));
                }
                if !t.warnings.is_empty() {
                    ui.separator();
                    let all: Vec<String> = t
                        .warnings
                        .iter()
                        .map(|w| messages::config_warning(lang, w))
                        .collect();
                    chip(
                        ui,
                        RichText::new(lang.fill(T::StatusWarnings, &[("n", &all.len())]))
                            .color(style::error_color(ui)),
                        &all.join("\n"),
                    );
                }
            }
            ui.separator();
            self.sync_line(ui);
            if let Some(e) = &self.backup_failed {
                ui.separator();
                chip(
                    ui,
                    RichText::new(lang.t(T::StatusBackupFailed))
                        .strong()
                        .color(style::error_color(ui)),
                    &messages::backup(lang, e),
                );
            }
        });
    }

    /// The training hub's address, when one runs in this process.
    pub fn training_hub(&self) -> Option<String> {
        self.training_hub.clone()
    }

    fn sync_line(&self, ui: &mut egui::Ui) {
        let lang = self.lang;
        match &self.sync_view {
            SyncView::NoHub => chip(
                ui,
                RichText::new(lang.t(T::SyncNoHubShort)),
                lang.t(T::SyncNoHub),
            ),
            SyncView::Starting => {
                ui.label(lang.t(T::SyncConnecting));
            }
            SyncView::Failed(e) => chip(
                ui,
                RichText::new(lang.t(T::SyncFailedShort))
                    .strong()
                    .color(style::error_color(ui)),
                &lang.fill(T::SyncFailed, &[("detail", e)]),
            ),
            SyncView::Status(s) => {
                if let Some(b) = &s.blocked {
                    ui.label(
                        RichText::new(messages::blocked(lang, b))
                            .strong()
                            .color(style::error_color(ui)),
                    );
                }
                // Who sends, in the shop's words; which process, in the tooltip.
                let (role, detail) = match &s.role {
                    Role::Leader { .. } => (lang.t(T::SyncLeader).to_string(), String::new()),
                    Role::Follower { leader } => (
                        lang.t(T::SyncFollowerShort).to_string(),
                        lang.fill(T::SyncFollower, &[("leader", leader)]),
                    ),
                    Role::Starting => (String::new(), String::new()),
                };
                let mut tip = vec![role];
                if !detail.is_empty() {
                    tip.push(detail);
                }
                if let Some(oldest) = s.summary.oldest_queued_at {
                    let minutes = (chrono::Utc::now() - oldest).num_minutes().max(0);
                    tip.push(lang.fill(T::SyncOldest, &[("minutes", &minutes)]));
                }
                // A follower does not talk to the hub itself: only the leader's word counts.
                let (word, offline) = match (s.online, &s.role) {
                    (Some(false), _) => (lang.t(T::SyncStateOffline), true),
                    (Some(true), _) => (lang.t(T::SyncStateOnline), false),
                    (None, Role::Follower { .. }) => (lang.t(T::SyncFollowerShort), false),
                    (None, _) => (lang.t(T::SyncStateConnecting), false),
                };
                let text = RichText::new(
                    lang.fill(T::SyncChip, &[("state", &word), ("n", &s.summary.queued)]),
                );
                let text = if offline {
                    text.strong().color(style::error_color(ui))
                } else {
                    text
                };
                chip(ui, text, &tip.join("\n"));
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
                // The agent's balance at the hub, once it runs below the warning.
                if let (Some(balance), Some(warning)) = (s.balance, self.config.hub.balance_warning)
                    && balance < warning
                {
                    chip(
                        ui,
                        RichText::new(lang.fill(
                            T::StatusBalance,
                            &[("balance", &lang.money_with(balance, &self.config.currency))],
                        ))
                        .strong()
                        .color(style::error_color(ui)),
                        &lang.fill(
                            T::StatusBalanceHint,
                            &[("warning", &lang.money_with(warning, &self.config.currency))],
                        ),
                    );
                }
            }
        }
    }

    fn tabs(&mut self, ui: &mut egui::Ui, user: &User) -> bool {
        let lang = self.lang;
        let can_switch = self.can_switch_user();
        let mut switch = false;
        // Ctrl+1…9 opens a tab from anywhere, the keyboard never leaving the till.
        const DIGITS: [egui::Key; 9] = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
            egui::Key::Num5,
            egui::Key::Num6,
            egui::Key::Num7,
            egui::Key::Num8,
            egui::Key::Num9,
        ];
        let count = self.screens.len().min(DIGITS.len());
        if let Some(i) = ui
            .input(|inp| (0..count).find(|&i| inp.modifiers.command && inp.key_pressed(DIGITS[i])))
        {
            self.tab = i;
        }
        egui::Panel::top("tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                for (i, screen) in self.screens.iter().enumerate() {
                    ui.selectable_value(&mut self.tab, i, screen.title(lang));
                    if i < count {
                        ui.label(RichText::new(format!("Ctrl+{}", i + 1)).small());
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    // The button shortens before it would cover a tab's shortcut.
                    let full = lang.t(T::SwitchUser);
                    let needed = |text: &str| {
                        egui::WidgetText::from(text)
                            .into_galley(
                                ui,
                                Some(egui::TextWrapMode::Extend),
                                f32::INFINITY,
                                egui::TextStyle::Button,
                            )
                            .size()
                            .x
                            + 2.0 * ui.spacing().button_padding.x
                    };
                    // Full, short, or just the key (the hover says what it does).
                    let short = lang.t(T::SwitchUserShort);
                    let label = if needed(full) <= ui.available_width() {
                        full
                    } else if needed(short) <= ui.available_width() {
                        short
                    } else {
                        "F12"
                    };
                    let b = ui
                        .add_enabled(can_switch, egui::Button::new(label))
                        .on_hover_text(full);
                    let b = if can_switch {
                        b
                    } else {
                        b.on_disabled_hover_text(lang.t(T::SwitchUserBusy))
                    };
                    switch |= b.clicked();
                    // Who is logged in gives way to the tabs: shortened, never on top.
                    let who = lang.fill(
                        T::LoggedInAs,
                        &[
                            ("name", &user.name),
                            ("role", &messages::role(lang, user.role)),
                        ],
                    );
                    ui.add(egui::Label::new(RichText::new(&who).strong()).truncate())
                        .on_hover_text(who);
                });
            });
        });
        switch || (can_switch && ui.input(|i| i.key_pressed(egui::Key::F12)))
    }

    fn training_banner(&self, ui: &mut egui::Ui) {
        egui::Panel::top("training-banner")
            .frame(
                egui::Frame::new()
                    .fill(style::TRAINING_BG)
                    .inner_margin(6.0),
            )
            .show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.label(
                        RichText::new(self.lang.t(T::TrainingBanner))
                            .strong()
                            .color(egui::Color32::BLACK),
                    );
                });
            });
    }
}

/// A short status with its details on hover.
/// A status bar chip from (short text, tooltip, whether it is a problem): a problem
/// in red.
fn verdict_chip(ui: &mut egui::Ui, (short, long, problem): (String, String, bool)) {
    let text = RichText::new(short);
    chip(
        ui,
        if problem {
            text.strong().color(style::error_color(ui))
        } else {
            text
        },
        &long,
    );
}

fn chip(ui: &mut egui::Ui, text: RichText, details: &str) {
    ui.add(egui::Label::new(text).sense(egui::Sense::hover()))
        .on_hover_text(details);
}

impl eframe::App for PaydeskApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Some(reply) = self.worker.try_recv() {
            self.route(reply);
            self.apply_effects();
        }
        if let Some(latest) = self.sync.as_ref().and_then(SyncThread::latest) {
            self.sync_view = match latest {
                Ok(status) => SyncView::Status(status),
                Err(e) => SyncView::Failed(e),
            };
        }
        if let Some(outcome) = self.backup.as_ref().and_then(|b| b.latest()) {
            if outcome.is_ok() {
                // After every backup the live journal is checked whole again.
                if let Some(h) = &self.health {
                    h.check_soon();
                }
            }
            self.backup_failed = outcome.err();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let lang = self.lang;
        // The window itself has a name for screen readers: its title.
        let title = window_title(&self.config);
        ui.ctx()
            .accesskit_node_builder(egui::accesskit_root_id(), |node| node.set_label(title));
        if self.config.training {
            self.training_banner(ui);
        }
        let user = self.terminal().and_then(|t| t.snapshot.user.clone());
        if let Some(user) = &user
            && self.tabs(ui, user)
        {
            self.switch_user();
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        self.enter_tab();
        let Phase::Ready(terminal) = &mut self.phase else {
            egui::CentralPanel::default().show(ui, |ui| match &self.phase {
                Phase::Failed(reason) => {
                    ui.heading(
                        RichText::new(lang.t(T::JournalUnavailableTitle))
                            .color(style::error_color(ui)),
                    );
                    ui.add_space(8.0);
                    ui.label(RichText::new(reason.as_str()).heading());
                }
                _ => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(lang.t(T::OpeningJournal));
                    });
                }
            });
            return;
        };
        let mut cx = Cx {
            lang,
            config: &self.config,
            terminal,
            till: &self.worker,
            effects: &mut self.effects,
        };
        match &user {
            None => self.login.show(ui, &mut cx),
            Some(user) => {
                let screen = &mut self.screens[self.tab];
                match screen.allowed(user) {
                    Ok(()) => screen.show(ui, &mut cx),
                    // The screen the user's role does not allow: say so instead.
                    Err(e) => {
                        egui::CentralPanel::default().show(ui, |ui| {
                            ui.add_space(24.0);
                            ui.heading(
                                RichText::new(messages::permission(lang, &e))
                                    .color(style::error_color(ui)),
                            );
                        });
                    }
                }
            }
        }
        self.apply_effects();
        if let Some(text) = self.pending_copy.take() {
            ui.ctx().copy_text(text);
        }
    }
}
