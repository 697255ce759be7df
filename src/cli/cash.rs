//! `paydesk cash …`: cash put into the drawer, taken out, collected for the bank, a
//! collection's bank reference, and the open shift's cash moves. The same service and
//! roles as the screen (a shift manager; `--user` as for every command).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::common::{Credentials, explain, fail, fail_input, open_till_as, print_paper};
use crate::app::config::Config;
use crate::app::messages;
use crate::domain::cash::{CashMoveRequest, CashNote};
use crate::domain::entry;
use crate::domain::money::Money;
use crate::i18n::{Lang, T};

/// `paydesk cash …`
#[derive(Debug, Subcommand)]
pub enum CashCommand {
    /// Cash put into the drawer (change float), with the reason; prints a slip.
    In(MoveArgs),
    /// Cash taken out of the drawer, with the reason; prints a slip.
    Out(MoveArgs),
    /// Cash handed to the collector or taken to the bank; prints a slip.
    Collect(CollectArgs),
    /// Write a collection's bank reference once the bank gives it.
    BankRef {
        /// The collection slip's number.
        #[arg(long)]
        slip: u64,
        /// The bank's reference for the deposit.
        #[arg(long = "ref")]
        reference: String,
    },
    /// Print a cash slip again (marked as a copy).
    Reprint {
        /// The slip's number.
        #[arg(long)]
        slip: u64,
        /// Also write the documents into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The open shift's cash moves.
    List,
}

/// `paydesk cash in|out`
#[derive(Debug, Args)]
pub struct MoveArgs {
    /// How much, e.g. 5000 or 5 000,00.
    #[arg(long)]
    pub amount: String,
    /// Why (printed on the slip and kept in the journal).
    #[arg(long)]
    pub reason: String,
    /// Also write the documents into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `paydesk cash collect`
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// How much, e.g. 50000.
    #[arg(long)]
    pub amount: String,
    /// The bag's or the collection document's number.
    #[arg(long)]
    pub bag: String,
    /// The bank's reference for the deposit, if already known.
    #[arg(long = "bank-ref")]
    pub bank_ref: Option<String>,
    /// Also write the documents into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn amount(lang: Lang, text: &str, config: &Config) -> Result<Money, String> {
    Money::parse(text).map_err(|e| {
        format!(
            "--amount {text}: {}",
            messages::amount(lang, &entry::AmountError::Money(e), None, &config.currency)
        )
    })
}

fn note(lang: Lang, flag: &str, text: &str) -> Result<CashNote, String> {
    CashNote::parse(text).map_err(|e| messages::cash_note(lang, flag, e))
}

/// The move a command asks for, checked (none for the other commands).
fn request(
    lang: Lang,
    command: &CashCommand,
    config: &Config,
) -> Result<Option<CashMoveRequest>, String> {
    Ok(Some(match command {
        CashCommand::In(a) => CashMoveRequest::In {
            amount: amount(lang, &a.amount, config)?,
            reason: note(lang, "--reason", &a.reason)?,
        },
        CashCommand::Out(a) => CashMoveRequest::Out {
            amount: amount(lang, &a.amount, config)?,
            reason: note(lang, "--reason", &a.reason)?,
        },
        CashCommand::Collect(a) => CashMoveRequest::Collection {
            amount: amount(lang, &a.amount, config)?,
            bag: note(lang, "--bag", &a.bag)?,
            bank_ref: a
                .bank_ref
                .as_deref()
                .map(|r| note(lang, "--bank-ref", r))
                .transpose()?,
        },
        _ => return Ok(None),
    }))
}

/// Runs `paydesk cash …`.
pub(super) fn run(
    mut config: Config,
    command: CashCommand,
    creds: Option<&Credentials>,
) -> ExitCode {
    let lang = config.lang;
    // Everything typed is checked before the journal is opened.
    let out = match &command {
        CashCommand::In(a) | CashCommand::Out(a) => a.out.clone(),
        CashCommand::Collect(a) => a.out.clone(),
        CashCommand::Reprint { out, .. } => out.clone(),
        _ => None,
    };
    let move_request = match request(lang, &command, &config) {
        Ok(r) => r,
        Err(msg) => return fail_input(msg),
    };
    let reference = match &command {
        CashCommand::BankRef { reference, .. } => match note(lang, "--ref", reference) {
            Ok(r) => Some(r),
            Err(msg) => return fail_input(msg),
        },
        _ => None,
    };
    let mut till = match open_till_as(&mut config, out.as_ref(), creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let result = match (&command, move_request, reference) {
        (_, Some(r), _) => till.cash().record(&r).map(|done| {
            println!("{}", messages::cash_recorded(lang, &done, &config.currency));
            done.printed.is_ok()
        }),
        (CashCommand::BankRef { slip, .. }, _, Some(r)) => {
            till.cash().set_bank_ref(*slip, &r).map(|m| {
                println!(
                    "{}",
                    lang.fill(
                        T::CashBankRefSaved,
                        &[("n", &m.number), ("ref", &m.bank_ref.unwrap_or_default())]
                    )
                );
                true
            })
        }
        (CashCommand::Reprint { slip, .. }, _, _) => till.cash().reprint(*slip).map(|_| true),
        _ => till.cash().shift_moves().map(|moves| {
            if moves.is_empty() {
                println!("{}", lang.t(T::CashNoneThisShift));
            }
            for m in moves {
                println!(
                    "{}",
                    crate::report::cash::move_line(&m, lang, config.tz, &config.currency)
                );
            }
            true
        }),
    };
    match result {
        Ok(printed) => {
            print_paper(&mut till, out.as_ref());
            // A move recorded without its slip: exit 1, so a script notices.
            if printed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => fail(explain(lang, &e)),
    }
}
