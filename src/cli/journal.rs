//! `paydesk journal verify`: the journal's integrity and consistency.

use std::process::ExitCode;

use clap::Subcommand;

use super::common::fail;
use crate::app::config::Config;
use crate::app::messages;
use crate::journal::{Journal, OpenOptions};

/// `paydesk journal …`
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Check the file's integrity and that every payment's row matches its events
    /// and that receipt numbers have no gaps. Exits 1 if anything is wrong.
    Verify,
}

pub(super) fn run(config: Config, command: JournalCommand) -> ExitCode {
    let JournalCommand::Verify = command;
    let journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => return fail(messages::journal(config.lang, &e)),
    };
    match journal.verify() {
        Ok(report) => {
            println!(
                "{}: {} payments, {} events, schema {}",
                journal.path().display(),
                report.payments,
                report.events,
                crate::journal::SCHEMA_VERSION
            );
            if report.is_ok() {
                println!("ok");
                ExitCode::SUCCESS
            } else {
                for p in &report.problems {
                    println!("problem: {p}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => fail(messages::journal(config.lang, &e)),
    }
}
