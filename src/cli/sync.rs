//! `paydesk sync`: deliver to the hub until stopped, or `--once`.

use std::process::ExitCode;

use clap::Args;

use super::common::fail;
use super::progress::Progress;
use crate::app::config::Config;
use crate::app::messages;

/// `paydesk sync …`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Deliver what is queued, then exit (0: nothing left queued; 1: some left).
    #[arg(long)]
    pub once: bool,
    /// With --once: give up after this many seconds (0 to 86400). A leader that
    /// holds the journal's sync lease is waited for meanwhile.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub max_wait: u64,
}

fn describe_summary(s: &crate::journal::DeliverySummary) -> String {
    format!(
        "{} queued (oldest {}), {} awaiting a final status, {} stuck, {} refused",
        s.queued,
        s.oldest_queued_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "-".into()),
        s.awaiting_status,
        s.stuck,
        s.refused
    )
}

pub(super) fn run(config: Config, args: SyncArgs) -> ExitCode {
    use crate::app::sync::{Role, SyncSettings, Syncer};
    let link = match crate::app::hub_link::connect(&config) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let mut syncer = match Syncer::open(SyncSettings::from_config(link.client.clone(), &config)) {
        Ok(s) => s,
        Err(e) => return fail(messages::journal(config.lang, &e)),
    };
    eprintln!("paydesk sync: hub {}", link.client.base());
    if args.once {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(args.max_wait);
        let mut bar = Progress::on_stderr();
        let mut first: Option<u64> = None;
        let label = config.lang.t(crate::i18n::T::SyncBar);
        let delivered = syncer.run_once_with(deadline, &mut |s| {
            // Payments taken meanwhile grow the total rather than the bar going back.
            let all = first.unwrap_or(s.queued).max(s.queued);
            first = Some(all);
            let done = all - s.queued;
            let percent = (done * 100).checked_div(all).unwrap_or(100);
            bar.show(label, percent as u8, &format!("{done} / {all}"));
        });
        bar.finish();
        return match delivered {
            Ok(summary) => {
                println!("{}", describe_summary(&summary));
                if summary.queued == 0 {
                    return ExitCode::SUCCESS;
                }
                // Something is left: exit 1 with the reason, whoever was leading.
                let status = syncer.status();
                let why = match (&status.blocked, &status.role) {
                    (Some(b), _) => messages::blocked(config.lang, b),
                    (None, Role::Follower { leader }) => config.lang.fill(
                        crate::i18n::T::SyncOnceFollower,
                        &[("leader", leader), ("seconds", &args.max_wait)],
                    ),
                    (None, _) => status
                        .last_error
                        .clone()
                        .unwrap_or_else(|| "the hub did not answer in time".into()),
                };
                eprintln!(
                    "paydesk: {}",
                    config.lang.fill(
                        crate::i18n::T::SyncOnceLeft,
                        &[("n", &summary.queued), ("why", &why)]
                    )
                );
                ExitCode::FAILURE
            }
            Err(e) => fail(messages::journal(config.lang, &e)),
        };
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            return fail(format!("cannot handle signals: {e}"));
        }
    }
    // A headless till keeps its daily backup too (its own thread and connection).
    let backup = crate::app::daily_backup::BackupThread::spawn(
        config.journal_path.clone(),
        config.busy_timeout,
        config.backups.clone(),
        crate::app::daily_backup::DAILY,
        std::time::Duration::from_secs(60),
        || {},
    );
    let mut last = None;
    syncer.run(&stop, |status| {
        if let Some(outcome) = backup.latest() {
            match outcome {
                Ok(b) => eprintln!(
                    "paydesk sync: {}",
                    messages::backup_written(config.lang, &b)
                ),
                Err(e) => eprintln!("paydesk sync: {}", messages::backup(config.lang, &e)),
            }
        }
        let line = format!(
            "{} · {} · {}",
            match &status.role {
                Role::Starting => "starting".to_string(),
                Role::Leader { epoch } => format!("leader (epoch {epoch})"),
                Role::Follower { leader } => format!("follower of {leader}"),
            },
            match (status.online, &status.role) {
                (Some(true), _) => "online",
                (Some(false), _) => "offline",
                (None, Role::Follower { .. }) => "the leader talks to the hub",
                (None, _) => "not in contact yet",
            },
            describe_summary(&status.summary)
        );
        let line = match &status.blocked {
            Some(b) => format!("{line} · {}", messages::blocked(config.lang, b)),
            None => line,
        };
        if last.as_ref() != Some(&line) {
            eprintln!("paydesk sync: {line}");
            last = Some(line);
        }
    });
    ExitCode::SUCCESS
}
