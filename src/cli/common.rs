//! What every command shares: who acts (`--user NAME` with the PIN from
//! `PAYDESK_PIN` or typed on stdin, checked exactly like the login screen: same
//! lockout, same role table), opening the till, printing what was printed, and
//! saying errors with the right exit code.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;

use crate::app::config::Config;
use crate::app::messages;
use crate::app::till::{FlowError, Till};
use crate::domain::payment::PaymentId;
use crate::domain::user::{self, Action, PermissionError, Pin};
use crate::i18n::{Lang, T};
use crate::journal::Journal;

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

/// Exit code for input the user must correct (a bad amount, an unknown id).
pub(crate) const EXIT_BAD_INPUT: u8 = 2;

/// Says `msg` on stderr; exit code 1, the command could not do its work.
pub(crate) fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("paydesk: {msg}");
    ExitCode::FAILURE
}

/// Says `msg` on stderr; exit code 2, the user should correct the input.
pub(crate) fn fail_input(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("paydesk: {msg}");
    ExitCode::from(EXIT_BAD_INPUT)
}

/// A refused step in words; "nobody logged in" on the command line says how to log in.
pub fn explain(lang: Lang, e: &FlowError) -> String {
    match e {
        FlowError::Permission(PermissionError::NotLoggedIn) => {
            lang.fill(T::ErrCliLogin, &[("var", &PIN_VAR)])
        }
        e => messages::flow(lang, e),
    }
}

/// A payment step that failed, in words: what went wrong and where the payment now
/// stands, read back from the journal (`id`: the payment, when known; otherwise the
/// payment this step started, if any — the only unfinished one, since a new payment
/// is refused while another waits).
pub(crate) fn step_failed(
    till: &mut Till,
    config: &Config,
    e: &FlowError,
    id: Option<PaymentId>,
) -> String {
    if let FlowError::Permission(PermissionError::NotLoggedIn) = e {
        return explain(config.lang, e);
    }
    let reread = match id {
        Some(id) => Some(till.payments().payment(id)),
        None => match till.payments().unfinished() {
            Ok(u) => u.last().cloned().map(Ok),
            Err(e) => Some(Err(e)),
        },
    };
    let standing = messages::Standing::from_reread(reread);
    let text = messages::step_failed(
        config.lang,
        e,
        &standing,
        &config.currency,
        messages::Surface::CommandLine,
    );
    // Damage found by a step (opening reads only what a crash can break).
    match e {
        FlowError::Journal(j) => {
            messages::with_newest_backup(config.lang, text, j, &config.backups)
        }
        _ => text,
    }
}

/// Opens the till and logs in with the command line's credentials.
pub(crate) fn open_till_as(
    config: &mut Config,
    out: Option<&PathBuf>,
    creds: Option<&Credentials>,
) -> Result<Till, ExitCode> {
    let mut till = open_till(config, out)?;
    login(&mut till, creds).map_err(|e| fail(explain(config.lang, &e)))?;
    Ok(till)
}
/// Opens the till; documents also go into `out` when given (`--out DIR`).
pub(crate) fn open_till(config: &mut Config, out: Option<&PathBuf>) -> Result<Till, ExitCode> {
    if let Some(out) = out {
        config.printer.section.output_dir = Some(out.clone());
    }
    let till = Till::open(config).map_err(|e| {
        fail(messages::open_with_backups(
            config.lang,
            &e,
            &config.backups,
        ))
    })?;
    for w in config.warnings(till.rules().catalogue()) {
        eprintln!("paydesk: {}", messages::config_warning(config.lang, &w));
    }
    Ok(till)
}
/// Writes the decoded documents this command printed to stdout, unless they went
/// into `--out DIR` as files.
pub(crate) fn print_paper(till: &mut Till, out: Option<&PathBuf>) {
    if out.is_some() {
        return;
    }
    let paper = till.printer().paper();
    let paper = paper.lock().expect("paper log");
    let mut stdout = std::io::stdout().lock();
    for (job, printout) in paper.iter() {
        let _ = writeln!(stdout, "==== {} ====\n{}", job.name, printout.text());
    }
}
