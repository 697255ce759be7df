//! The command line: `paydesk` opens the terminal; subcommands run the same app
//! services headless for managers, scripts and tests. One file per command; this one
//! parses the arguments, logs in with `--user`, and says errors the same way for all.

mod journal;
mod operators;
mod pay;
mod report;
mod shift;
mod support;
mod sync;
mod users;

pub use journal::JournalCommand;
pub use pay::{AnswerArg, PayArgs, RecoveryArgs};
pub use report::ReportCommand;
pub use support::SupportCommand;
pub use sync::SyncArgs;
pub use users::{RoleArg, UserCommand};

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::access::{self, Credentials};
use crate::app::config::Config;
use crate::app::messages;
use crate::app::till::{FlowError, Till};
use crate::domain::payment::PaymentId;
use crate::domain::user::PermissionError;
use crate::i18n::{Lang, T};

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
        Some(Command::User { command }) => users::run(config, command, creds),
        Some(Command::Support { command }) => support::run(config, command, creds),
    }
}

/// A refused step in words; "nobody logged in" on the command line says how to log in.
pub fn explain(lang: Lang, e: &FlowError) -> String {
    match e {
        FlowError::Permission(PermissionError::NotLoggedIn) => {
            lang.fill(T::ErrCliLogin, &[("var", &access::PIN_VAR)])
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
    messages::step_failed(
        config.lang,
        e,
        &standing,
        &config.currency,
        messages::Surface::CommandLine,
    )
}

/// Opens the till and logs in with the command line's credentials.
pub(crate) fn open_till_as(
    config: &mut Config,
    out: Option<&PathBuf>,
    creds: Option<&Credentials>,
) -> Result<Till, ExitCode> {
    let mut till = open_till(config, out)?;
    access::login(&mut till, creds).map_err(|e| fail(explain(config.lang, &e)))?;
    Ok(till)
}
/// Opens the till; documents also go into `out` when given (`--out DIR`).
pub(crate) fn open_till(config: &mut Config, out: Option<&PathBuf>) -> Result<Till, ExitCode> {
    if let Some(out) = out {
        config.printer.section.output_dir = Some(out.clone());
    }
    Till::open(config).map_err(|e| fail(messages::open(config.lang, &e)))
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
