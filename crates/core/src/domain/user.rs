//! Users, their roles and what each role may do.
//!
//! The role table ([`Role::may`]) is the one place that says who may do what; the
//! app services ask it before every guarded step (the till's `require`), so a
//! hidden button is a convenience, never the protection.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How many wrong PINs in a row lock a user.
pub const MAX_WRONG_PINS: u32 = 5;

/// How long a locked user stays locked.
pub const LOCKOUT: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// A user's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Takes payments.
    Cashier,
    /// Runs the shift: opens and closes it, reports, approves refunds, printer.
    ShiftManager,
    /// Finds and fixes payments that did not go through; reads reports.
    Support,
    /// Everything, and manages users.
    Admin,
}

/// Who opens a shift (`[till] manager_opens_shift`). Either way a shift is opened on
/// purpose, with the cash counted in the drawer: a payment never opens one by itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShiftOpening {
    /// The cashier opens it, asked for the cash in the drawer before the first
    /// pre-receipt (the default).
    #[default]
    Cashier,
    /// Only a shift manager opens it; a cashier's payment with no shift open is
    /// refused before the pre-receipt.
    Manager,
}

/// Something a user may or may not be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Take payments and answer the recovery questions about them.
    TakePayments,
    /// Open a shift, print its X report, close it with the Z report.
    ManageShift,
    /// Run, print and export the payments report and the settlement.
    ViewReports,
    /// Change the printer and print its test page.
    ChangeSettings,
    /// Add users, deactivate them, unlock them.
    ManageUsers,
    /// The stuck-payments view and correction requests.
    Support,
    /// Approve a refund or a cancellation.
    ApproveRefund,
}

impl Action {
    /// Every action, for tables and tests.
    pub const ALL: [Action; 7] = [
        Action::TakePayments,
        Action::ManageShift,
        Action::ViewReports,
        Action::ChangeSettings,
        Action::ManageUsers,
        Action::Support,
        Action::ApproveRefund,
    ];

    /// Stable name (logs, errors).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::TakePayments => "take payments",
            Action::ManageShift => "open and close shifts",
            Action::ViewReports => "see reports",
            Action::ChangeSettings => "change the printer settings",
            Action::ManageUsers => "manage users",
            Action::Support => "use the support view",
            Action::ApproveRefund => "approve refunds",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Role {
    /// Every role, in the order screens list them.
    pub const ALL: [Role; 4] = [
        Role::Cashier,
        Role::ShiftManager,
        Role::Support,
        Role::Admin,
    ];

    /// The name stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::ShiftManager => "shift_manager",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    /// The role stored as `s`.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role may do `action`: the whole permission table.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Cashier => matches!(action, TakePayments),
            Role::ShiftManager => matches!(
                action,
                TakePayments | ManageShift | ViewReports | ChangeSettings | Support | ApproveRefund
            ),
            Role::Support => matches!(action, ViewReports | Support),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PIN as typed: 4 to 8 digits. Its `Debug` never shows the digits, so a PIN
/// inside a logged request stays out of the log.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

/// Why a PIN is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// Fewer than 4 or more than 8 characters.
    #[error("a PIN has 4 to 8 digits")]
    Length,
    /// Something other than digits.
    #[error("a PIN has digits only")]
    NotDigits,
}

impl Pin {
    /// Shortest PIN.
    pub const MIN: usize = 4;
    /// Longest PIN.
    pub const MAX: usize = 8;

    /// Parses what was typed (surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<Pin, PinError> {
        let s = s.trim();
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(PinError::NotDigits);
        }
        if !(Pin::MIN..=Pin::MAX).contains(&s.len()) {
            return Err(PinError::Length);
        }
        Ok(Pin(s.to_string()))
    }

    /// The digits, for hashing and verifying only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// A user's name as shown on the login screen and recorded as the actor of every
/// journal event: 1 to 40 characters, no control characters, unique per journal
/// (case-insensitive).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

/// Why a user name is not acceptable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserNameError {
    /// Empty after trimming.
    #[error("the name is empty")]
    Empty,
    /// Longer than 40 characters.
    #[error("the name is longer than 40 characters")]
    TooLong,
    /// Contains a control character.
    #[error("the name contains a control character")]
    Control,
}

impl UserName {
    /// Parses a name (surrounding spaces removed).
    pub fn parse(s: &str) -> Result<UserName, UserNameError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(UserNameError::Empty);
        }
        if s.chars().count() > 40 {
            return Err(UserNameError::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(UserNameError::Control);
        }
        Ok(UserName(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserName {
    type Error = UserNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UserName::parse(&s)
    }
}

impl From<UserName> for String {
    fn from(n: UserName) -> String {
        n.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user of this terminal, as the journal has it (never with the PIN hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// UUID v7.
    pub id: uuid::Uuid,
    /// Name.
    pub name: UserName,
    /// Role.
    pub role: Role,
    /// False when deactivated: cannot log in.
    pub active: bool,
    /// Wrong PINs in a row since the last good one.
    pub wrong_pins: u32,
    /// Locked until then (after [`MAX_WRONG_PINS`]).
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
}

impl User {
    /// Whether the user is locked at `now`.
    pub fn is_locked(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

/// Why a user may not do something.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PermissionError {
    /// Nobody is logged in.
    #[error("log in first")]
    NotLoggedIn,
    /// The logged-in user's role does not allow it.
    #[error("{user} ({role}) may not {action}")]
    Denied {
        /// Who tried.
        user: UserName,
        /// Their role.
        role: Role,
        /// What they tried.
        action: Action,
    },
}

/// Checks that `user` may do `action`.
pub fn require(user: Option<&User>, action: Action) -> Result<&User, PermissionError> {
    let user = user.ok_or(PermissionError::NotLoggedIn)?;
    if user.role.may(action) {
        Ok(user)
    } else {
        Err(PermissionError::Denied {
            user: user.name.clone(),
            role: user.role,
            action,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The permission table, row by row: action → (cashier, manager, support, admin).
    #[test]
    fn who_may_do_what() {
        use Action::*;
        let table = [
            (TakePayments, [true, true, false, true]),
            (ManageShift, [false, true, false, true]),
            (ViewReports, [false, true, true, true]),
            (ChangeSettings, [false, true, false, true]),
            (ManageUsers, [false, false, false, true]),
            (Support, [false, true, true, true]),
            (ApproveRefund, [false, true, false, true]),
        ];
        assert_eq!(table.len(), Action::ALL.len());
        for (action, allowed) in table {
            for (role, want) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.may(action), want, "{role} / {action}");
            }
        }
    }

    #[test]
    fn pins_are_four_to_eight_digits_and_never_shown() {
        for (typed, want) in [
            ("1234", Ok("1234")),
            (" 12345678 ", Ok("12345678")),
            ("123", Err(PinError::Length)),
            ("123456789", Err(PinError::Length)),
            ("", Err(PinError::Length)),
            ("12a4", Err(PinError::NotDigits)),
            ("١٢٣٤", Err(PinError::NotDigits)),
        ] {
            assert_eq!(
                Pin::parse(typed).map(|p| p.expose().to_string()),
                want.map(str::to_string),
                "{typed:?}"
            );
        }
        assert_eq!(format!("{:?}", Pin::parse("4711").unwrap()), "Pin(****)");
    }

    #[test]
    fn user_names() {
        for (typed, want) in [
            ("  Anna ", Ok("Anna")),
            ("Анна Петрова", Ok("Анна Петрова")),
            ("", Err(UserNameError::Empty)),
            ("   ", Err(UserNameError::Empty)),
            ("a\tb", Err(UserNameError::Control)),
        ] {
            assert_eq!(
                UserName::parse(typed).map(|n| n.as_str().to_string()),
                want.map(str::to_string),
                "{typed:?}"
            );
        }
        assert_eq!(
            UserName::parse(&"x".repeat(41)),
            Err(UserNameError::TooLong)
        );
    }

    #[test]
    fn require_names_who_and_what() {
        let cashier = User {
            id: uuid::Uuid::now_v7(),
            name: UserName::parse("Olga").unwrap(),
            role: Role::Cashier,
            active: true,
            wrong_pins: 0,
            locked_until: None,
        };
        assert!(require(Some(&cashier), Action::TakePayments).is_ok());
        assert_eq!(
            require(Some(&cashier), Action::ViewReports).unwrap_err(),
            PermissionError::Denied {
                user: cashier.name.clone(),
                role: Role::Cashier,
                action: Action::ViewReports
            }
        );
        assert_eq!(
            require(None, Action::TakePayments).unwrap_err(),
            PermissionError::NotLoggedIn
        );
    }
}
