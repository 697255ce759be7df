//! Who acts when paydesk runs headless (the CLI and scripts): `--user NAME` with the
//! PIN from `PAYDESK_PIN` or typed on stdin, checked exactly like the login screen
//! (same lockout, same role table).
//!
//! A journal with no users yet has nobody to log in as: headless commands then act as
//! the configured cashier name ([`super::till::Session::Unattended`]).

use std::io::BufRead;

use chrono::Utc;

use crate::domain::user::{self, Action, PermissionError, Pin};
use crate::i18n::{Lang, T};
use crate::journal::Journal;

use super::messages;
use super::till::{FlowError, Till};

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
        till.login(&c.name, &c.pin)?;
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
