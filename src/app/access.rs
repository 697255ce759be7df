//! Users and access: who is using the till ([`Session`], kept by [`Access`]), the
//! users service (first admin, login, logout, add and change users), and who acts
//! when paydesk runs headless (the CLI and scripts): `--user NAME` with the PIN from
//! `PAYDESK_PIN` or typed on stdin, checked exactly like the login screen (same
//! lockout, same role table).
//!
//! A journal with no users yet has nobody to log in as: headless commands then act as
//! the configured cashier name ([`Session::Unattended`]).

use std::io::BufRead;

use chrono::Utc;

use crate::domain::user::{self, Action, PermissionError, Pin, Role, User, UserName};
use crate::i18n::{Lang, T};
use crate::journal::users::UserChange;
use crate::journal::{Journal, JournalError};

use super::messages;
use super::till::{FlowError, Till};

/// Who is using the till.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Nobody: only logging in (or creating the first admin) is possible.
    LoggedOut,
    /// A user logged in with their PIN; their role decides what they may do.
    User(User),
    /// A journal with no users yet, used headless (CLI, scripts, benches): acts as
    /// the configured cashier name with every permission. It ends for good once the
    /// first admin exists (the GUI creates one before anything else).
    Unattended(String),
}

/// Who is using the till, and the one place that decides whether they may act.
#[derive(Clone, Debug)]
pub struct Access {
    session: Session,
}

impl Access {
    pub(super) fn new(session: Session) -> Access {
        Access { session }
    }

    /// Who is using the till.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The logged-in user, if a person is logged in.
    pub fn user(&self) -> Option<&User> {
        match &self.session {
            Session::User(u) => Some(u),
            _ => None,
        }
    }

    /// The name every journal event records as who did it.
    pub fn actor(&self) -> String {
        match &self.session {
            Session::User(u) => u.name.to_string(),
            Session::Unattended(name) => name.clone(),
            Session::LoggedOut => String::new(),
        }
    }

    /// Checks that whoever uses the till may do `action`: the role table
    /// ([`Role::may`]) for a user, everything for an unattended journal with no users.
    pub fn require(&self, action: Action) -> Result<(), FlowError> {
        match &self.session {
            Session::Unattended(_) => Ok(()),
            Session::User(u) => Ok(user::require(Some(u), action).map(|_| ())?),
            Session::LoggedOut => Err(PermissionError::NotLoggedIn.into()),
        }
    }

    /// Who may start a correction or look a payment up: whoever takes payments (at
    /// the counter) or does support.
    pub fn require_correction_rights(&self) -> Result<(), FlowError> {
        match self.require(Action::TakePayments) {
            Ok(()) => Ok(()),
            Err(_) => self.require(Action::Support),
        }
    }
}

/// The users service: the first admin, logins, and the admins' user management.
pub struct Users<'t> {
    journal: &'t mut Journal,
    access: &'t mut Access,
}

impl<'t> Users<'t> {
    pub(super) fn new(journal: &'t mut Journal, access: &'t mut Access) -> Users<'t> {
        Users { journal, access }
    }

    /// The logged-in user, if a person is logged in.
    pub fn current(&self) -> Option<&User> {
        self.access.user()
    }

    /// Checks that whoever uses the till may do `action`.
    pub fn require(&self, action: Action) -> Result<(), FlowError> {
        self.access.require(action)
    }

    /// Whether the journal has no users yet (the first-run screen).
    pub fn needs_first_admin(&self) -> Result<bool, JournalError> {
        Ok(!self.journal.has_users()?)
    }

    /// Every user (the login screen's list).
    pub fn list(&self) -> Result<Vec<User>, JournalError> {
        self.journal.users()
    }

    /// Creates the first user, an admin, and logs them in. Refused once any user
    /// exists.
    pub fn create_first_admin(&mut self, name: &UserName, pin: &Pin) -> Result<User, FlowError> {
        let user = self.journal.create_user(name, Role::Admin, pin, None)?;
        self.journal.login(name.as_str(), pin, Utc::now())?;
        self.access.session = Session::User(user.clone());
        Ok(user)
    }

    /// Logs in with a PIN; a wrong PIN counts towards the lockout. The previous user
    /// (if any) is logged out first.
    pub fn login(&mut self, name: &str, pin: &Pin) -> Result<User, FlowError> {
        self.logout();
        let user = self.journal.login(name, pin, Utc::now())?;
        self.access.session = Session::User(user.clone());
        Ok(user)
    }

    /// Logs the current user out (the till then does nothing until the next login).
    /// An unattended till (no users yet) stays usable only headless: the GUI calls
    /// this at start so a person always logs in.
    pub fn logout(&mut self) {
        if let Session::User(u) = &self.access.session
            && let Err(e) = self.journal.record_logout(u)
        {
            tracing::warn!("logout not journaled: {e}");
        }
        self.access.session = Session::LoggedOut;
    }

    /// Adds a user (admins only).
    pub fn add(&mut self, name: &UserName, role: Role, pin: &Pin) -> Result<User, FlowError> {
        self.access.require(Action::ManageUsers)?;
        let by = self.access.user().cloned();
        if by.is_none() && !self.journal.has_users()? {
            // Unattended setup: the first user made headless is the admin.
            return Ok(self.journal.create_user(name, role, pin, None)?);
        }
        let by = by.ok_or(PermissionError::NotLoggedIn)?;
        Ok(self.journal.create_user(name, role, pin, Some(&by))?)
    }

    /// Activates, deactivates, unlocks a user or sets their PIN (admins only). An
    /// admin cannot deactivate themself (the terminal would lose its admin).
    pub fn change(&mut self, name: &UserName, change: UserChange) -> Result<User, FlowError> {
        self.access.require(Action::ManageUsers)?;
        let by = self
            .access
            .user()
            .cloned()
            .ok_or(PermissionError::NotLoggedIn)?;
        if matches!(change, UserChange::Active(false)) && by.name == *name {
            return Err(FlowError::OwnAccount(by.name));
        }
        Ok(self.journal.change_user(name, change, &by)?)
    }
}

/// The environment variable holding the PIN for headless use.
pub const PIN_VAR: &str = "PAYDESK_PIN";

/// A name and PIN given on the command line.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The user's name.
    pub name: String,
    /// Their PIN.
    pub pin: Pin,
}

impl Credentials {
    /// `--user NAME` with the PIN from [`PIN_VAR`], or one line read from stdin when
    /// it is not set. `None` without `--user`.
    pub fn from_cli(user: Option<&str>, lang: Lang) -> Result<Option<Credentials>, String> {
        let Some(name) = user else {
            return Ok(None);
        };
        let typed = match std::env::var(PIN_VAR) {
            Ok(p) => p,
            Err(_) => {
                eprint!("{}: ", lang.t(T::PinLabel));
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                line
            }
        };
        let pin = Pin::parse(&typed).map_err(|e| messages::pin(lang, e).to_string())?;
        Ok(Some(Credentials {
            name: name.to_string(),
            pin,
        }))
    }
}

/// Logs in on the till when credentials were given. Without them, a till whose
/// journal has users stays logged out, so every guarded service refuses.
pub fn login(till: &mut Till, creds: Option<&Credentials>) -> Result<(), FlowError> {
    if let Some(c) = creds {
        till.users().login(&c.name, &c.pin)?;
    }
    Ok(())
}

/// For commands that use the journal directly (reports): logs in when the journal
/// has users and checks `action`; returns the name to record as the actor.
pub fn authorize(
    journal: &mut Journal,
    creds: Option<&Credentials>,
    action: Action,
    unattended: &str,
) -> Result<String, FlowError> {
    if !journal.has_users()? {
        return Ok(unattended.to_string());
    }
    let c = creds.ok_or(PermissionError::NotLoggedIn)?;
    let u = journal.login(&c.name, &c.pin, Utc::now())?;
    user::require(Some(&u), action)?;
    Ok(u.name.to_string())
}
