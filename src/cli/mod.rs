//! The command line: `paydesk` opens the terminal; subcommands run the same app
//! services headless for managers, scripts and tests. One file per command; this one
//! parses the arguments, logs in with `--user`, and says errors the same way for all.

mod cash;
mod common;
mod journal;
mod operators;
mod pay;
mod progress;
mod reconcile;
mod report;
mod shift;
mod support;
mod sync;
mod users;

pub use cash::CashCommand;
pub use journal::JournalCommand;
pub use pay::{AnswerArg, PayArgs, RecoveryArgs};
pub use reconcile::ReconcileArgs;
pub use report::ReportCommand;
pub use support::SupportCommand;
pub use sync::SyncArgs;
pub use users::{RoleArg, UserCommand};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::config::Config;
use crate::app::messages;
use crate::i18n::Lang;

use common::{Credentials, fail_input};

pub use common::{PIN_VAR, explain};

/// paydesk — cashier terminal for third-party payments in cash.
///
/// With no subcommand, opens the cashier screen. With no config file, runs in
/// training mode (demo operators, virtual printer).
#[derive(Debug, Parser)]
#[command(name = "paydesk", version, about, long_about)]
pub struct Cli {
    /// Config file (default: the platform config folder's paydesk/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Journal file (overrides the config).
    #[arg(long, global = true, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Act as this user (once the journal has users); the PIN comes from
    /// PAYDESK_PIN, or is read from stdin.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// What to do; nothing opens the cashier screen.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Take one payment headless: pre-receipt, signature, cash, fiscal receipt.
    Pay(PayArgs),
    /// List the operator catalogue: code, name, account mask, limits, fee.
    Operators,
    /// Journal maintenance.
    Journal {
        /// What to do with the journal.
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// List payments left between two steps, or answer the question about one.
    Recovery(RecoveryArgs),
    /// Deliver fiscalized payments to the hub. Runs until stopped (SIGTERM, Ctrl-C);
    /// only the process holding the journal's sync lease pushes, others wait.
    Sync(SyncArgs),
    /// Open a shift with the cash in the drawer (close it with `report shift --z`).
    ShiftOpen {
        /// The cash in the drawer now, e.g. 5000 or 5 000,00.
        #[arg(long)]
        cash: String,
    },
    /// Cash put into the drawer, taken out, or collected for the bank (shift managers).
    Cash {
        /// What to do.
        #[command(subcommand)]
        command: CashCommand,
    },
    /// Compare a business day with the payment system's registry (default:
    /// yesterday), list the differences still open, or mark one explained.
    Reconcile(ReconcileArgs),
    /// Reports for managers: text, CSV or XLSX.
    Report {
        /// Which report.
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Support: find a payment and see where it stands, list stuck payments, show a
    /// payment's timeline, write the central office's e-mail.
    Support {
        /// What to do.
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// Users of this terminal (administrators).
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// Runs paydesk with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), cli.journal.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            crate::logging::init(None);
            return fail_input(messages::config(Lang::from_env(), &e));
        }
    };
    crate::logging::init(Some(&crate::logging::log_path(&config.journal_path)));
    let creds = || Credentials::from_cli(cli.user.as_deref(), config.lang);
    let creds = match &cli.command {
        None
        | Some(Command::Operators)
        | Some(Command::Journal { .. })
        | Some(Command::Sync(_)) => None,
        Some(_) => match creds() {
            Ok(c) => c,
            Err(e) => return fail_input(format!("--user: {e}")),
        },
    };
    let creds = creds.as_ref();
    match cli.command {
        None => crate::ui::run(config),
        Some(Command::Pay(args)) => pay::pay(config, args, creds),
        Some(Command::Operators) => operators::run(config),
        Some(Command::Journal { command }) => journal::run(config, command),
        Some(Command::Recovery(args)) => pay::recovery(config, args, creds),
        Some(Command::Sync(args)) => sync::run(config, args),
        Some(Command::Report { command }) => report::run(config, command, creds),
        Some(Command::ShiftOpen { cash }) => shift::open(config, &cash, creds),
        Some(Command::Cash { command }) => cash::run(config, command, creds),
        Some(Command::Reconcile(args)) => reconcile::run(config, args, creds),
        Some(Command::User { command }) => users::run(config, command, creds),
        Some(Command::Support { command }) => support::run(config, command, creds),
    }
}
