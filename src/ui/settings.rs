//! The settings screen: language (live) and the receipt printer — model, connection
//! (with the ports and USB devices found on this machine), test page, live status.

use egui::RichText;

use crate::app::config::{Config, ConnectionKind, PrinterSection};
use crate::app::messages;
use crate::app::worker::{
    ApplyError, ConfigReply, ConfigRequest, PrinterReply, PrinterRequest, Reply, Request,
    UserReply, UserRequest,
};
use crate::domain::user::{Action as Permission, PermissionError, User};
use crate::i18n::{Lang, T};
use crate::printing::profile::{BAUD_RATES, FlowControl, Parity, PrinterProfile, ProfileLibrary};
use crate::printing::serial::FoundPort;
use crate::printing::usb::FoundUsb;

use super::screen::{Cx, Effect, PrinterStatus, Screen};
use super::{style, users};

/// What the settings screen asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Switch the language now.
    SetLanguage(Lang),
    /// Write the language into the config file.
    Save,
    /// Check, save and use the printer settings being edited.
    ApplyPrinter,
    /// Print the test page on the printer in use.
    PrintTestPage,
    /// Ask the printer in use for its status.
    CheckStatus,
    /// List ports and USB devices again.
    Scan,
}

/// A message under the printer settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// It worked.
    Info(String),
    /// It did not.
    Error(String),
}

/// The printer settings being edited and what the till last said.
#[derive(Clone, Debug, Default)]
pub struct PrinterForm {
    /// The `[printer]` section as edited (not in force until applied).
    pub draft: PrinterSection,
    /// Profiles on this machine.
    pub profiles: ProfileLibrary,
    /// Serial ports found.
    pub ports: Vec<FoundPort>,
    /// USB devices found.
    pub usb: Vec<FoundUsb>,
    /// The last result of apply / test page.
    pub note: Option<Note>,
    /// Printer requests with the till, not answered yet.
    pub pending: usize,
    /// Whether the drawer opens when `open_drawer` is not set (shut in training mode).
    pub drawer_by_default: bool,
}

impl PrinterForm {
    /// The form for the printer in force, with the profiles the till thread found.
    pub fn from_config(config: &Config, profiles: ProfileLibrary) -> PrinterForm {
        let mut draft = config.printer.section.clone();
        draft.profile = Some(config.printer.profile.clone());
        draft.connection = Some(config.printer.kind);
        PrinterForm {
            draft,
            profiles,
            drawer_by_default: !config.training,
            ..PrinterForm::default()
        }
    }

    /// True while a printer request is with the till.
    pub fn busy(&self) -> bool {
        self.pending > 0
    }

    fn profile(&self) -> Option<PrinterProfile> {
        self.profiles
            .get(self.draft.profile.as_deref().unwrap_or("generic-80mm"))
            .ok()
    }
}

fn kind_label(lang: Lang, k: ConnectionKind) -> &'static str {
    lang.t(match k {
        ConnectionKind::Virtual => T::PrinterConnVirtual,
        ConnectionKind::Serial => T::PrinterConnSerial,
        ConnectionKind::Usb => T::PrinterConnUsb,
        ConnectionKind::File => T::PrinterConnFile,
        ConnectionKind::Tcp => T::PrinterConnTcp,
    })
}

/// A labelled one-line text field bound to an optional string.
fn text_row(ui: &mut egui::Ui, label: &str, id: &str, value: &mut Option<String>, hint: &str) {
    let l = ui.label(label);
    let mut text = value.clone().unwrap_or_default();
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut text)
                .id_salt(("printer-field", id))
                .hint_text(hint)
                .desired_width(320.0),
        )
        .labelled_by(l.id);
    if r.changed() {
        *value = (!text.trim().is_empty()).then(|| text.trim().to_string());
    }
    ui.end_row();
}

/// A labelled drop-down bound to an optional value with a default.
fn choice_row<V: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<V>,
    default: V,
    options: &[(V, String)],
) {
    let l = ui.label(label);
    let current = value.unwrap_or(default);
    let shown = options
        .iter()
        .find(|(v, _)| *v == current)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    egui::ComboBox::from_id_salt(("printer-choice", label))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            for (v, text) in options {
                if ui.selectable_label(*v == current, text).clicked() {
                    *value = Some(*v);
                }
            }
        })
        .response
        .labelled_by(l.id);
    ui.end_row();
}

fn printer_section(
    ui: &mut egui::Ui,
    lang: Lang,
    form: &mut PrinterForm,
    status: Option<&PrinterStatus>,
    actions: &mut Vec<Action>,
) {
    ui.heading(lang.t(T::SettingsPrinter));
    ui.add_space(4.0);
    let status = status.map_or_else(
        || (lang.t(T::PrinterStatusUnknown).to_string(), false),
        |s| (s.words(lang), s.is_problem()),
    );
    let text = RichText::new(lang.fill(T::PrinterStatusLabel, &[("status", &status.0)]));
    ui.label(if status.1 {
        text.color(style::error_color(ui)).strong()
    } else {
        text
    });
    ui.add_space(4.0);
    let profile = form.profile();
    ui.horizontal_wrapped(|ui| {
        ui.label(lang.t(T::PrinterConnection));
        let kind = form.draft.connection.unwrap_or_default();
        for k in ConnectionKind::ALL {
            if ui
                .selectable_label(kind == k, kind_label(lang, k))
                .clicked()
            {
                form.draft.connection = Some(k);
            }
        }
    });
    egui::Grid::new("printer-settings")
        .num_columns(2)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            let l = ui.label(lang.t(T::PrinterProfileLabel));
            let current = form.draft.profile.clone().unwrap_or_default();
            let shown = profile
                .as_ref()
                .map(|p| p.title())
                .unwrap_or(current.clone());
            egui::ComboBox::from_id_salt("printer-profile")
                .selected_text(shown)
                .width(320.0)
                .show_ui(ui, |ui| {
                    for p in form.profiles.all() {
                        if ui.selectable_label(p.id == current, p.title()).clicked() {
                            form.draft.profile = Some(p.id.clone());
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();

            match form.draft.connection.unwrap_or_default() {
                ConnectionKind::Virtual => {}
                ConnectionKind::Serial => {
                    text_row(
                        ui,
                        lang.t(T::PrinterPort),
                        "path",
                        &mut form.draft.path,
                        "/dev/ttyUSB0",
                    );
                    ui.label(lang.t(T::PrinterPortsFound));
                    ui.horizontal_wrapped(|ui| {
                        if form.ports.is_empty() {
                            ui.label(lang.t(T::PrinterNoneFound));
                        }
                        for port in &form.ports {
                            let text = format!("{} {}", port.path, port.description);
                            if ui.button(text.trim()).clicked() {
                                form.draft.path = Some(port.path.clone());
                            }
                        }
                    });
                    ui.end_row();
                    let base = profile.as_ref().and_then(|p| p.serial).unwrap_or_default();
                    let bauds: Vec<(u32, String)> =
                        BAUD_RATES.iter().map(|b| (*b, b.to_string())).collect();
                    choice_row(
                        ui,
                        lang.t(T::PrinterBaud),
                        &mut form.draft.baud,
                        base.baud,
                        &bauds,
                    );
                    choice_row(
                        ui,
                        lang.t(T::PrinterDataBits),
                        &mut form.draft.data_bits,
                        base.data_bits,
                        &[(7, "7".into()), (8, "8".into())],
                    );
                    choice_row(
                        ui,
                        lang.t(T::PrinterParity),
                        &mut form.draft.parity,
                        base.parity,
                        &[
                            (Parity::None, "none".into()),
                            (Parity::Odd, "odd".into()),
                            (Parity::Even, "even".into()),
                        ],
                    );
                    choice_row(
                        ui,
                        lang.t(T::PrinterStopBits),
                        &mut form.draft.stop_bits,
                        base.stop_bits,
                        &[(1, "1".into()), (2, "2".into())],
                    );
                    choice_row(
                        ui,
                        lang.t(T::PrinterFlow),
                        &mut form.draft.flow_control,
                        base.flow_control,
                        &[
                            (FlowControl::None, "none".into()),
                            (FlowControl::RtsCts, "RTS/CTS".into()),
                            (FlowControl::XonXoff, "XON/XOFF".into()),
                        ],
                    );
                }
                ConnectionKind::Usb => {
                    text_row(
                        ui,
                        lang.t(T::PrinterUsbId),
                        "usb",
                        &mut form.draft.usb,
                        "04b8:0e28",
                    );
                    ui.label(lang.t(T::PrinterUsbFound));
                    ui.vertical(|ui| {
                        if form.usb.is_empty() {
                            ui.label(lang.t(T::PrinterNoneFound));
                        }
                        for d in &form.usb {
                            let text = format!("{} {}", d.id(), d.name);
                            if ui.button(text.trim()).clicked() {
                                form.draft.usb = Some(d.id());
                            }
                        }
                    });
                    ui.end_row();
                }
                ConnectionKind::File => {
                    text_row(
                        ui,
                        lang.t(T::PrinterDeviceFile),
                        "file",
                        &mut form.draft.path,
                        "/dev/usb/lp0",
                    );
                }
                ConnectionKind::Tcp => {
                    text_row(
                        ui,
                        lang.t(T::PrinterAddress),
                        "address",
                        &mut form.draft.address,
                        "192.168.1.50:9100",
                    );
                }
            }
        });
    let has_drawer = profile.as_ref().is_some_and(|p| p.drawer.is_some());
    let mut drawer = form.draft.open_drawer.unwrap_or(form.drawer_by_default);
    ui.add_enabled_ui(has_drawer, |ui| {
        if ui
            .checkbox(&mut drawer, lang.t(T::PrinterOpenDrawer))
            .changed()
        {
            form.draft.open_drawer = Some(drawer);
        }
    });
    if !has_drawer {
        ui.label(RichText::new(lang.t(T::PrinterNoDrawer)).weak());
    }
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!form.busy(), |ui| {
            if ui.button(lang.t(T::PrinterApply)).clicked() {
                actions.push(Action::ApplyPrinter);
            }
            if ui.button(lang.t(T::PrinterTestPage)).clicked() {
                actions.push(Action::PrintTestPage);
            }
            if ui.button(lang.t(T::PrinterCheck)).clicked() {
                actions.push(Action::CheckStatus);
            }
            if ui.button(lang.t(T::PrinterScan)).clicked() {
                actions.push(Action::Scan);
            }
        });
        if form.busy() {
            ui.spinner();
        }
    });
    match &form.note {
        Some(Note::Info(t)) => {
            ui.add(egui::Label::new(t.as_str()).wrap());
        }
        Some(Note::Error(t)) => {
            ui.add(
                egui::Label::new(RichText::new(t.as_str()).color(style::error_color(ui))).wrap(),
            );
        }
        None => {}
    }
    if let Some(dir) = &form.profiles.user_dir {
        ui.add(
            egui::Label::new(
                RichText::new(lang.fill(T::PrinterProfilesFolder, &[("dir", &dir.display())]))
                    .weak(),
            )
            .wrap(),
        );
    }
    if !form.profiles.errors.is_empty() {
        ui.label(RichText::new(lang.t(T::PrinterBrokenProfiles)).color(style::error_color(ui)));
        for e in &form.profiles.errors {
            ui.label(RichText::new(e.to_string()).color(style::error_color(ui)));
        }
    }
}

/// Draws the settings screen.
pub fn show(
    ui: &mut egui::Ui,
    lang: Lang,
    config: &Config,
    form: &mut PrinterForm,
    status: Option<&PrinterStatus>,
    note: Option<&str>,
    may_change_printer: bool,
) -> Vec<Action> {
    let mut actions = Vec::new();
    // Two columns: the terminal on the left, the printer on the right, so the whole
    // screen fits a 1024×768 till without scrolling for the common cases.
    // Columns keep their content's natural width: egui's columns are justified,
    // which spreads a wrapped label's letters across the row.
    ui.columns(2, |cols| {
        let (left, right) = cols.split_at_mut(1);
        left[0].with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.heading(lang.t(T::TabSettings));
            ui.add_space(8.0);
            ui.label(RichText::new(lang.t(T::SettingsLanguage)).strong());
            ui.horizontal(|ui| {
                for l in Lang::ALL {
                    // Each button's own name is the language's name (no labelled_by here).
                    if ui.selectable_label(l == lang, l.native_name()).clicked() && l != lang {
                        actions.push(Action::SetLanguage(l));
                    }
                }
            });
            ui.add_space(8.0);
            if ui.button(lang.t(T::SettingsSave)).clicked() {
                actions.push(Action::Save);
            }
            if let Some(n) = note {
                ui.label(n);
            }
            ui.add_space(16.0);
            egui::Grid::new("settings-facts")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    ui.label(lang.t(T::SettingsConfigFile));
                    ui.add(
                        egui::Label::new(match &config.source {
                            Some(p) => p.display().to_string(),
                            None => format!(
                                "{} ({})",
                                lang.t(T::SettingsNoConfigFile),
                                config.save_path.display()
                            ),
                        })
                        .wrap(),
                    );
                    ui.end_row();
                    ui.label(lang.t(T::SettingsShop));
                    ui.label(format!("{} · {}", config.shop.name, config.shop.tax_id));
                    ui.end_row();
                    ui.label(lang.t(T::SettingsJournal));
                    ui.add(egui::Label::new(config.journal_path.display().to_string()).wrap());
                    ui.end_row();
                });
        });
        if may_change_printer {
            right[0].with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                printer_section(ui, lang, form, status, &mut actions);
            });
        }
    });
    actions
}

/// The settings screen: language, the printer (managers and admins) and the users
/// (admins).
#[derive(Default)]
pub struct SettingsScreen {
    /// The printer part, made once the till has listed the profiles.
    pub printer: Option<PrinterForm>,
    /// The users part.
    users: users::UsersState,
    /// What to say once the pending users request is done.
    users_done_note: Option<String>,
    /// The language part's note.
    note: Option<String>,
    /// The language is being written into the config file.
    saving: bool,
}

impl SettingsScreen {
    fn form(&mut self, cx: &Cx<'_>) -> &mut PrinterForm {
        self.printer.get_or_insert_with(|| {
            PrinterForm::from_config(cx.config, cx.terminal.profiles.clone())
        })
    }

    fn printer_request(&mut self, request: PrinterRequest, cx: &mut Cx<'_>) {
        if cx.send(Request::Printer(request)) {
            self.form(cx).pending += 1;
        }
    }

    fn act(&mut self, action: Action, cx: &mut Cx<'_>) {
        match action {
            Action::SetLanguage(l) => {
                cx.effect(Effect::SetLanguage(l));
                self.note = None;
            }
            Action::Save => {
                self.saving = cx.send(Request::Config(ConfigRequest::SaveLanguage(cx.lang)));
            }
            Action::ApplyPrinter => {
                let form = self.form(cx);
                form.note = None;
                let draft = Box::new(form.draft.clone());
                self.printer_request(PrinterRequest::Apply(draft), cx);
            }
            Action::PrintTestPage => {
                self.form(cx).note = None;
                self.printer_request(PrinterRequest::TestPage, cx);
            }
            Action::CheckStatus => self.printer_request(PrinterRequest::Status, cx),
            Action::Scan => self.printer_request(PrinterRequest::ScanDevices, cx),
        }
    }

    fn printer_reply(&mut self, reply: PrinterReply, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let form = self.form(cx);
        if !matches!(reply, PrinterReply::StatusChanged(_)) {
            form.pending = form.pending.saturating_sub(1);
        }
        match reply {
            PrinterReply::Status(r) | PrinterReply::StatusChanged(r) => {
                cx.terminal.printer_status = Some(match r {
                    Ok(report) => PrinterStatus::Report(report),
                    Err(e) => PrinterStatus::Failed(e),
                });
            }
            PrinterReply::TestPage(r) => {
                form.note = Some(match r {
                    Ok(printout) => {
                        cx.terminal.last_printout = Some(printout);
                        Note::Info(lang.t(T::PrinterTestPrinted).to_string())
                    }
                    Err(e) => Note::Error(messages::flow(lang, &e)),
                });
            }
            PrinterReply::Applied(Ok(applied)) => {
                form.note = Some(Note::Info(lang.fill(
                    T::PrinterApplied,
                    &[
                        ("printer", &applied.description),
                        ("path", &applied.saved_to.display()),
                    ],
                )));
                cx.terminal.printer_status = None;
                cx.terminal.printer = applied.description;
                cx.effect(Effect::PrinterApplied(applied.config));
                self.printer_request(PrinterRequest::Status, cx);
            }
            PrinterReply::Applied(Err(e)) => {
                form.note = Some(Note::Error(match e {
                    ApplyError::Invalid(text) => text,
                    ApplyError::Save(e) => messages::config(lang, &e),
                    ApplyError::Flow(e) => messages::flow(lang, &e),
                }));
            }
            PrinterReply::Devices { ports, usb } => {
                form.ports = ports;
                form.usb = usb;
            }
        }
    }
}

impl Screen for SettingsScreen {
    fn title(&self, lang: Lang) -> &'static str {
        lang.t(T::TabSettings)
    }

    fn allowed(&self, _user: &User) -> Result<(), PermissionError> {
        // Everyone may switch the language; the parts below say who may change more.
        Ok(())
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let may_change = cx.terminal.may(Permission::ChangeSettings);
        let me = cx
            .terminal
            .snapshot
            .user
            .clone()
            .filter(|u| u.role.may(Permission::ManageUsers));
        self.form(cx);
        let mut actions = Vec::new();
        let mut user_actions = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                let form = self.printer.as_mut().expect("made above");
                let status = cx.terminal.printer_status.as_ref();
                actions = show(
                    ui,
                    lang,
                    cx.config,
                    form,
                    status,
                    self.note.as_deref(),
                    may_change,
                );
                if let Some(me) = &me {
                    ui.separator();
                    user_actions = users::show(
                        ui,
                        &mut self.users,
                        lang,
                        &cx.terminal.users,
                        me,
                        cx.config.tz,
                    );
                }
            });
        });
        for a in actions {
            self.act(a, cx);
        }
        for a in user_actions {
            self.users.note = None;
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
            self.users.busy = cx.send(Request::User(request));
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let lang = cx.lang;
        match reply {
            Reply::Printer(r) => self.printer_reply(r, cx),
            Reply::Config(ConfigReply::LanguageSaved(r)) => {
                self.saving = false;
                self.note = Some(match r {
                    Ok(p) => lang.fill(T::SettingsSaved, &[("path", &p.display())]),
                    Err(e) => lang.fill(
                        T::SettingsSaveFailed,
                        &[
                            ("path", &cx.config.save_path.display()),
                            ("detail", &messages::config(lang, &e)),
                        ],
                    ),
                });
            }
            Reply::User(r, _) => {
                self.users.busy = false;
                let note = self.users_done_note.take();
                match r {
                    Ok(UserReply::Users(_)) => {
                        if let Some(n) = note {
                            // Ready for the next user, the outcome beside the button.
                            self.users = users::UsersState {
                                note: Some((n, false)),
                                show_note: true,
                                ..Default::default()
                            };
                        }
                    }
                    Ok(UserReply::LoggedIn(_)) => {}
                    Err(e) => {
                        self.users.note = Some((messages::flow(lang, &e), true));
                        self.users.show_note = true;
                    }
                }
            }
            reply => return Some(reply),
        }
        None
    }

    fn on_enter(&mut self, cx: &mut Cx<'_>) {
        // Ask the printer how it is and what is plugged in.
        if cx.terminal.may(Permission::ChangeSettings) {
            self.printer_request(PrinterRequest::ScanDevices, cx);
            self.printer_request(PrinterRequest::Status, cx);
        }
    }

    fn busy(&self) -> bool {
        self.saving || self.users.busy || self.printer.as_ref().is_some_and(PrinterForm::busy)
    }
}
