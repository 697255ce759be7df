//! `paydesk user …`: the terminal's users (administrators).

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::common::Credentials;
use super::common::{explain, fail, fail_input, open_till_as};
use crate::app::config::Config;
use crate::app::messages;
use crate::domain::user::{Action, Pin, Role, UserName};
use crate::i18n::T;

/// `paydesk user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List the users: name, role, state.
    List,
    /// Add a user; their PIN comes from PAYDESK_NEW_PIN, or is read from stdin. On a
    /// journal with no users this creates the first admin (no --user needed).
    Add {
        /// The new user's name.
        name: String,
        /// Their role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

/// A role on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    /// Takes payments.
    Cashier,
    /// Runs shifts and reports.
    ShiftManager,
    /// Support staff.
    Support,
    /// Administrator.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Cashier => Role::Cashier,
            RoleArg::ShiftManager => Role::ShiftManager,
            RoleArg::Support => Role::Support,
            RoleArg::Admin => Role::Admin,
        }
    }
}

pub(super) fn run(
    mut config: Config,
    command: UserCommand,
    creds: Option<&Credentials>,
) -> ExitCode {
    let lang = config.lang;
    let mut till = match open_till_as(&mut config, None, creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match command {
        UserCommand::List => match till
            .users()
            .require(Action::ManageUsers)
            .and_then(|()| Ok(till.users().list()?))
        {
            Ok(users) => {
                for u in users {
                    let state = match (u.active, u.is_locked(chrono::Utc::now())) {
                        (false, _) => lang.t(T::UserInactive),
                        (true, true) => "locked",
                        (true, false) => lang.t(T::UserActive),
                    };
                    println!(
                        "{:<24} {:<16} {state}",
                        u.name,
                        messages::role(lang, u.role)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(explain(lang, &e)),
        },
        UserCommand::Add { name, role } => {
            let name = match UserName::parse(&name) {
                Ok(n) => n,
                Err(e) => return fail_input(messages::user_name(lang, e)),
            };
            let typed = match std::env::var("PAYDESK_NEW_PIN") {
                Ok(p) => p,
                Err(_) => {
                    eprint!("{} ({name}): ", lang.t(T::PinLabel));
                    let mut line = String::new();
                    let _ = std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line);
                    line
                }
            };
            let pin = match Pin::parse(&typed) {
                Ok(p) => p,
                Err(e) => return fail_input(messages::pin(lang, e)),
            };
            match till.users().add(&name, role.into(), &pin) {
                Ok(u) => {
                    println!("{}", lang.fill(T::UserAdded, &[("name", &u.name)]));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(lang, &e)),
            }
        }
    }
}
