//! Users and access: who is using the till ([`Session`], kept by [`Access`], the one
//! place that checks the role table) and the users service (first admin, login,
//! logout, add and change users).
//!
//! A journal with no users yet has nobody to log in as: headless commands then act as
//! the configured cashier name ([`Session::Unattended`]).

use chrono::Utc;

use crate::domain::user::{self, Action, PermissionError, Pin, Role, User, UserName};
use crate::journal::users::UserChange;
use crate::journal::{Journal, JournalError};

use super::flow::FlowError;

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
