//! `paydesk journal verify`: the journal's integrity and consistency; `paydesk journal
//! backup`: a checked copy taken while the till runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::common::fail;
use super::progress::Progress;
use crate::app::config::Config;
use crate::app::messages;
use crate::i18n::T;
use crate::journal::{Journal, OpenOptions};

/// `paydesk journal …`
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Check the file's integrity and that every payment's row matches its events
    /// and that receipt numbers have no gaps. Exits 1 if anything is wrong.
    Verify,
    /// Write a backup while paydesk runs (payments go on), check it as `verify`
    /// does, and keep the newest ones.
    Backup {
        /// The folder (default: `[journal] backup_dir`, else `backups` beside the
        /// journal; a second disk or a USB stick is better).
        #[arg(long)]
        to: Option<PathBuf>,
        /// How many backups to keep there (default: `[journal] backups_kept`, 10).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
        keep: Option<u16>,
    },
    /// Replace the journal with a backup, checked first. Refused while paydesk has
    /// the journal open; the replaced journal is kept beside it, never deleted.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

pub(super) fn run(config: Config, command: JournalCommand) -> ExitCode {
    match command {
        JournalCommand::Verify => verify(config),
        JournalCommand::Backup { to, keep } => backup(config, to, keep),
        JournalCommand::Restore { file } => restore(config, &file),
    }
}

fn restore(config: Config, file: &std::path::Path) -> ExitCode {
    let lang = config.lang;
    match crate::journal::backup::restore(file, &config.journal_path) {
        Ok(r) => {
            println!(
                "{}",
                lang.fill(
                    T::RestoreDone,
                    &[
                        ("file", &file.display()),
                        ("n", &r.payments),
                        ("aside", &r.kept_aside.display()),
                    ],
                )
            );
            println!(
                "{}",
                match r.events_lost {
                    Some(0) => lang.t(T::RestoreNothingLost).to_string(),
                    Some(n) => lang.fill(T::RestoreLost, &[("n", &n)]),
                    None => lang.t(T::RestoreLostUnknown).to_string(),
                }
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(messages::restore(lang, &e)),
    }
}

fn backup(config: Config, to: Option<PathBuf>, keep: Option<u16>) -> ExitCode {
    let lang = config.lang;
    let journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => return fail(messages::journal(lang, &e)),
    };
    let dir = to.unwrap_or_else(|| config.backups.dir.clone());
    let keep = keep.map_or(config.backups.keep, usize::from);
    match journal.backup_into(&dir, keep) {
        Ok(b) => {
            println!("{}", messages::backup_written(lang, &b));
            for old in &b.removed {
                println!(
                    "{}",
                    lang.fill(T::BackupRemoved, &[("path", &old.display())])
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(messages::backup(lang, &e)),
    }
}

fn verify(config: Config) -> ExitCode {
    let journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => return fail(messages::journal(config.lang, &e)),
    };
    let lang = config.lang;
    let mut bar = Progress::on_stderr();
    let checked = journal.verify_with_progress(&mut |p| {
        let detail = if p.total > 0 {
            format!("{} / {}", p.done, p.total)
        } else {
            String::new()
        };
        bar.show(messages::check_stage(lang, p.stage), p.percent(), &detail);
    });
    bar.finish();
    match checked {
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
