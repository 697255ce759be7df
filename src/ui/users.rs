//! The users section of the settings screen (administrators): who may log in, with
//! which role; add a user, deactivate or activate, unlock, set a new PIN.

use egui::RichText;

use crate::app::messages;
use crate::domain::user::{Pin, Role, User, UserName};
use crate::i18n::{Lang, T};
use crate::journal::users::UserChange;

use super::style;

/// What the users section asks for.
#[derive(Clone, Debug)]
pub enum Action {
    /// Add a user.
    Add(UserName, Role, Pin),
    /// Change a user.
    Change(UserName, UserChange),
}

/// The users section's state.
#[derive(Clone, Debug)]
pub struct UsersState {
    /// The new user's name.
    pub name: String,
    /// The new user's role.
    pub role: Role,
    /// The new (or reset) PIN.
    pub pin: String,
    /// The PIN again.
    pub pin_again: String,
    /// Whose PIN the PIN fields set (none: they are for the new user).
    pub pin_for: Option<UserName>,
    /// The last outcome: text, and whether it is an error.
    pub note: Option<(String, bool)>,
    /// A request is with the till.
    pub busy: bool,
    /// Give the new user's name the keyboard focus on the next frame.
    pub focus_name: bool,
    /// Bring the note into view on the next frame (it is new).
    pub show_note: bool,
}

impl Default for UsersState {
    fn default() -> Self {
        UsersState {
            name: String::new(),
            role: Role::Cashier,
            pin: String::new(),
            pin_again: String::new(),
            pin_for: None,
            note: None,
            busy: false,
            focus_name: true,
            show_note: false,
        }
    }
}

fn pin_input(ui: &mut egui::Ui, value: &mut String, id: &str, label: &str) -> egui::Response {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(value)
                .id_salt(("users", id))
                .password(true)
                .char_limit(Pin::MAX)
                .desired_width(120.0),
        )
        .labelled_by(l.id);
    value.retain(|c| c.is_ascii_digit());
    r
}

/// True when Enter was pressed in one of these fields (egui moves the focus away on
/// Enter in a single-line field, so "lost focus" + Enter is the submit).
fn entered(ui: &egui::Ui, fields: &[&egui::Response]) -> bool {
    fields.iter().any(|r| r.lost_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// The outcome of the last request, beside the button that made it.
fn note_line(ui: &mut egui::Ui, s: &mut UsersState) {
    if let Some((text, error)) = &s.note {
        let mut t = RichText::new(text).strong();
        if *error {
            t = t.color(style::error_color(ui));
        }
        let r = ui.label(t);
        if std::mem::take(&mut s.show_note) {
            r.scroll_to_me(Some(egui::Align::Center));
        }
    }
}

/// The PIN typed twice, checked.
fn typed_pin(s: &UsersState, lang: Lang) -> Result<Pin, String> {
    let pin = Pin::parse(&s.pin).map_err(|e| messages::pin(lang, e).to_string())?;
    if s.pin != s.pin_again {
        return Err(lang.t(T::ErrPinsDiffer).to_string());
    }
    Ok(pin)
}

/// Draws the section; `me` is the admin using it.
pub fn show(
    ui: &mut egui::Ui,
    s: &mut UsersState,
    lang: Lang,
    users: &[User],
    me: &User,
    tz: chrono_tz::Tz,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let now = chrono::Utc::now();
    ui.heading(lang.t(T::UsersTitle));
    egui::Grid::new("users")
        .num_columns(4)
        .striped(true)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            ui.label(RichText::new(lang.t(T::UserNameLabel)).strong());
            ui.label(RichText::new(lang.t(T::UserRole)).strong());
            ui.label(RichText::new(lang.t(T::UserState)).strong());
            ui.label("");
            ui.end_row();
            for u in users {
                ui.label(u.name.as_str());
                ui.label(messages::role(lang, u.role));
                let locked = u.locked_until.filter(|t| *t > now);
                ui.label(match (u.active, locked) {
                    (false, _) => lang.t(T::UserInactive).to_string(),
                    (true, Some(t)) => lang.fill(
                        T::UserLockedUntil,
                        &[("until", &t.with_timezone(&tz).format("%H:%M"))],
                    ),
                    (true, None) => lang.t(T::UserActive).to_string(),
                });
                ui.horizontal(|ui| {
                    ui.add_enabled_ui(!s.busy, |ui| {
                        if locked.is_some() && ui.button(lang.t(T::UserUnlock)).clicked() {
                            actions.push(Action::Change(u.name.clone(), UserChange::Unlock));
                        }
                        if u.id != me.id {
                            let (label, to) = if u.active {
                                (T::UserDeactivate, false)
                            } else {
                                (T::UserActivate, true)
                            };
                            if ui.button(lang.t(label)).clicked() {
                                actions
                                    .push(Action::Change(u.name.clone(), UserChange::Active(to)));
                            }
                        }
                        let chosen = s.pin_for.as_ref() == Some(&u.name);
                        if ui.selectable_label(chosen, lang.t(T::UserSetPin)).clicked() {
                            s.pin_for = if chosen { None } else { Some(u.name.clone()) };
                            s.pin.clear();
                            s.pin_again.clear();
                        }
                    });
                });
                ui.end_row();
            }
        });
    ui.add_space(10.0);
    if let Some(name) = s.pin_for.clone() {
        ui.label(RichText::new(format!("{} — {name}", lang.t(T::UserSetPin))).strong());
        ui.horizontal_wrapped(|ui| {
            let p1 = pin_input(ui, &mut s.pin, "reset-pin", lang.t(T::PinLabel));
            let p2 = pin_input(
                ui,
                &mut s.pin_again,
                "reset-pin-again",
                lang.t(T::PinRepeatLabel),
            );
            let clicked = ui
                .add_enabled(!s.busy, egui::Button::new(lang.t(T::UserSetPin)))
                .clicked();
            if !s.busy && (clicked || entered(ui, &[&p1, &p2])) {
                match typed_pin(s, lang) {
                    Ok(pin) => actions.push(Action::Change(name, UserChange::Pin(pin))),
                    Err(e) => {
                        s.note = Some((e, true));
                        s.show_note = true;
                        s.pin.clear();
                        s.pin_again.clear();
                    }
                }
            }
            note_line(ui, s);
        });
    } else {
        ui.label(RichText::new(lang.t(T::UserNewTitle)).strong());
        ui.horizontal_wrapped(|ui| {
            let l = ui.label(lang.t(T::UserNewName));
            let name_field = ui
                .add(
                    egui::TextEdit::singleline(&mut s.name)
                        .id_salt(("users", "name"))
                        .char_limit(40)
                        .desired_width(200.0),
                )
                .labelled_by(l.id);
            if std::mem::take(&mut s.focus_name) {
                name_field.request_focus();
            }
            let l = ui.label(lang.t(T::UserRole));
            egui::ComboBox::from_id_salt(("users", "role"))
                .selected_text(messages::role(lang, s.role))
                .show_ui(ui, |ui| {
                    for r in Role::ALL {
                        ui.selectable_value(&mut s.role, r, messages::role(lang, r));
                    }
                })
                .response
                .labelled_by(l.id);
            let p1 = pin_input(ui, &mut s.pin, "pin", lang.t(T::PinLabel));
            let p2 = pin_input(ui, &mut s.pin_again, "pin-again", lang.t(T::PinRepeatLabel));
            let clicked = ui
                .add_enabled(!s.busy, egui::Button::new(lang.t(T::UserAddButton)))
                .clicked();
            if !s.busy && (clicked || entered(ui, &[&name_field, &p1, &p2])) {
                let name =
                    UserName::parse(&s.name).map_err(|e| messages::user_name(lang, e).to_string());
                match (name, typed_pin(s, lang)) {
                    (Ok(name), Ok(pin)) => actions.push(Action::Add(name, s.role, pin)),
                    (Err(e), _) | (_, Err(e)) => {
                        s.note = Some((e, true));
                        s.show_note = true;
                        s.pin.clear();
                        s.pin_again.clear();
                    }
                }
            }
            note_line(ui, s);
        });
    }
    actions
}
