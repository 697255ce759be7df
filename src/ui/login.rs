//! The first-run screen (create the administrator) and the login screen (choose your
//! name, type the PIN on the keyboard or the PIN pad, Enter).

use egui::{Key, RichText};

use crate::app::messages;
use crate::app::worker::{Reply, Request, UserReply, UserRequest};
use crate::domain::user::{Pin, User, UserName};
use crate::i18n::{Lang, T};

use super::screen::{Cx, Effect};
use super::style;

/// What the login and first-run screens ask for.
#[derive(Clone, Debug)]
pub enum Action {
    /// Create the first admin (and log them in).
    CreateAdmin(UserName, Pin),
    /// Log in.
    Login(String, Pin),
}

/// The login and first-run screens' state.
#[derive(Clone, Debug, Default)]
pub struct LoginState {
    /// The name chosen on the login screen (kept across switches: the usual user).
    pub selected: Option<String>,
    /// The PIN typed so far.
    pub pin: String,
    /// First run: the administrator's name.
    pub name: String,
    /// First run: the PIN again.
    pub pin_again: String,
    /// Why the last attempt failed, in words.
    pub error: Option<String>,
    /// A request is with the till.
    pub busy: bool,
    /// Focus the PIN field on the next frame.
    pub focus_pin: bool,
}

impl LoginState {
    /// Draws the first-run screen when there are no users yet, the login screen
    /// otherwise; sends what was asked to the till.
    pub fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let mut action = None;
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                action = if cx.terminal.users.is_empty() {
                    first_run(ui, self, lang)
                } else {
                    login(ui, self, lang, &cx.terminal.users)
                };
            });
        });
        if let Some(a) = action {
            self.error = None;
            self.busy = cx.send(Request::User(match a {
                Action::CreateAdmin(name, pin) => UserRequest::CreateFirstAdmin(name, pin),
                Action::Login(name, pin) => UserRequest::Login(name, pin),
            }));
        }
    }

    /// Takes the login replies: who logged in, a refusal while nobody is logged in,
    /// the user list (also handed on to the users settings).
    pub fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let Reply::User(r, _) = &reply else {
            return Some(reply);
        };
        self.busy = false;
        let t = &mut *cx.terminal;
        match r {
            Ok(UserReply::LoggedIn(user)) => {
                self.clear();
                self.selected = Some(user.name.to_string());
                if !t.users.iter().any(|u| u.id == user.id) {
                    t.users.push(user.clone());
                }
                cx.effect(Effect::LoggedIn(user.clone()));
                None
            }
            Ok(UserReply::Users(list)) => {
                t.users = list.clone();
                // After a logout (switch user) the login screen starts afresh.
                if t.snapshot.user.is_none() {
                    self.clear();
                }
                Some(reply)
            }
            Err(e) if t.snapshot.user.is_none() => {
                self.error = Some(messages::flow(cx.lang, e));
                self.pin.clear();
                self.pin_again.clear();
                self.focus_pin = true;
                None
            }
            Err(_) => Some(reply),
        }
    }

    /// Forgets what was typed (after a login, on a switch).
    pub fn clear(&mut self) {
        self.pin.clear();
        self.pin_again.clear();
        self.name.clear();
        self.error = None;
        self.busy = false;
        self.focus_pin = true;
    }
}

/// A labelled, masked PIN field that keeps digits only.
fn pin_field(ui: &mut egui::Ui, pin: &mut String, id: &str, label: &str) -> egui::Response {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(pin)
                .id_salt(id)
                .password(true)
                .char_limit(Pin::MAX)
                .desired_width(180.0)
                .font(egui::TextStyle::Heading),
        )
        .labelled_by(l.id);
    // Digits only: anything else typed is dropped at once.
    pin.retain(|c| c.is_ascii_digit());
    r
}

fn error_line(ui: &mut egui::Ui, error: &Option<String>) {
    if let Some(e) = error {
        ui.add_space(6.0);
        ui.label(RichText::new(e).strong().color(style::error_color(ui)));
    }
}

/// The first-run screen: the administrator's name and PIN twice.
pub fn first_run(ui: &mut egui::Ui, s: &mut LoginState, lang: Lang) -> Option<Action> {
    let mut action = None;
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        ui.heading(lang.t(T::FirstRunTitle));
        ui.label(lang.t(T::FirstRunHint));
        ui.add_space(16.0);
    });
    let l = ui.label(lang.t(T::UserNameLabel));
    let r = ui
        .add(
            egui::TextEdit::singleline(&mut s.name)
                .id_salt("first-run-name")
                .char_limit(40)
                .desired_width(260.0)
                .font(egui::TextStyle::Heading),
        )
        .labelled_by(l.id);
    if s.focus_pin {
        r.request_focus();
        s.focus_pin = false;
    }
    ui.add_space(8.0);
    pin_field(ui, &mut s.pin, "first-run-pin", lang.t(T::PinLabel));
    ui.add_space(8.0);
    pin_field(
        ui,
        &mut s.pin_again,
        "first-run-pin-again",
        lang.t(T::PinRepeatLabel),
    );
    ui.add_space(12.0);
    let clicked = ui
        .add_enabled(
            !s.busy,
            egui::Button::new(RichText::new(lang.t(T::CreateAdminButton)).heading()),
        )
        .clicked();
    if !s.busy && (clicked || ui.input(|i| i.key_pressed(Key::Enter))) {
        let name = UserName::parse(&s.name).map_err(|e| messages::user_name(lang, e));
        let pin = Pin::parse(&s.pin).map_err(|e| messages::pin(lang, e));
        s.error = match (name, pin) {
            (Err(e), _) => Some(e.to_string()),
            (_, Err(e)) => Some(e.to_string()),
            (Ok(_), Ok(_)) if s.pin != s.pin_again => Some(lang.t(T::ErrPinsDiffer).to_string()),
            (Ok(name), Ok(pin)) => {
                action = Some(Action::CreateAdmin(name, pin));
                None
            }
        };
        if s.error.is_some() {
            // The PINs are typed again from scratch (they are hidden: editing is blind).
            s.pin.clear();
            s.pin_again.clear();
        }
    }
    error_line(ui, &s.error);
    action
}

/// The login screen: the users as buttons, the PIN field and the PIN pad.
pub fn login(ui: &mut egui::Ui, s: &mut LoginState, lang: Lang, users: &[User]) -> Option<Action> {
    let active: Vec<&User> = users.iter().filter(|u| u.active).collect();
    if s.selected.is_none() && active.len() == 1 {
        s.selected = Some(active[0].name.to_string());
    }
    let mut submit = false;
    ui.vertical_centered(|ui| {
        ui.add_space(16.0);
        ui.heading(lang.t(T::LoginTitle));
        ui.label(lang.t(T::LoginHint));
    });
    ui.add_space(12.0);
    ui.horizontal_wrapped(|ui| {
        for u in &active {
            let name = u.name.to_string();
            let chosen = s.selected.as_deref() == Some(name.as_str());
            ui.vertical(|ui| {
                let text = RichText::new(name.as_str()).heading();
                if ui
                    .add(egui::Button::selectable(chosen, text).min_size(egui::vec2(160.0, 48.0)))
                    .clicked()
                {
                    s.selected = Some(name.clone());
                    s.error = None;
                    s.focus_pin = true;
                }
                ui.small(messages::role(lang, u.role));
            });
        }
    });
    ui.add_space(16.0);
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            let r = pin_field(ui, &mut s.pin, "login-pin", lang.t(T::PinLabel));
            if s.focus_pin {
                r.request_focus();
                s.focus_pin = false;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                submit = true;
            }
            ui.add_space(8.0);
            if ui
                .add_enabled(
                    !s.busy,
                    egui::Button::new(RichText::new(lang.t(T::LoginButton)).heading()),
                )
                .clicked()
            {
                submit = true;
            }
        });
        ui.add_space(24.0);
        // The PIN pad, for a touch screen; the keyboard works as well.
        egui::Grid::new("pin-pad")
            .spacing([6.0, 6.0])
            .show(ui, |ui| {
                let pad = |ui: &mut egui::Ui, label: &str| {
                    ui.add_sized(
                        [84.0, 48.0],
                        egui::Button::new(RichText::new(label).heading()),
                    )
                    .clicked()
                };
                for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
                    for d in row {
                        if pad(ui, d) && s.pin.len() < Pin::MAX {
                            s.pin.push_str(d);
                        }
                    }
                    ui.end_row();
                }
                if pad(ui, lang.t(T::PinClear)) {
                    s.pin.clear();
                }
                if pad(ui, "0") && s.pin.len() < Pin::MAX {
                    s.pin.push('0');
                }
                if pad(ui, "OK") {
                    submit = true;
                }
                ui.end_row();
            });
    });
    error_line(ui, &s.error);
    if !submit || s.busy {
        return None;
    }
    let Some(name) = s.selected.clone() else {
        s.error = Some(lang.t(T::ErrChooseUser).to_string());
        return None;
    };
    match Pin::parse(&s.pin) {
        Ok(pin) => Some(Action::Login(name, pin)),
        Err(e) => {
            s.error = Some(messages::pin(lang, e).to_string());
            s.pin.clear();
            s.focus_pin = true;
            None
        }
    }
}
