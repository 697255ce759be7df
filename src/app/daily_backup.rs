//! The journal's daily backup, on its own thread with its own connection (never the
//! till's, never the UI's): when the newest backup in `[journal] backup_dir` is older
//! than a day (or there is none), a checked backup is written there and the oldest
//! beyond `backups_kept` removed. The Z report takes one too ([`super::shifts`]).
//! A backup that fails is reported (the status bar says so) and tried again at the
//! next check; it never touches a payment.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use crate::journal::backup::{self, Backup, BackupError};
use crate::journal::{Journal, OpenOptions};

use super::config::Backups;

/// How old the newest backup may get.
pub const DAILY: Duration = Duration::from_secs(24 * 3600);

/// How often the thread looks.
const CHECK_EVERY: Duration = Duration::from_secs(600);

/// Whether the newest backup in `dir` is older than `every` (or there is none).
pub fn due(dir: &Path, every: Duration, now: SystemTime) -> bool {
    let newest = backup::list(dir)
        .iter()
        .filter_map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .max();
    match newest {
        None => true,
        Some(t) => now.duration_since(t).unwrap_or_default() >= every,
    }
}

/// The backup thread.
pub struct BackupThread {
    stop: Arc<AtomicBool>,
    outcomes: Receiver<Result<Backup, BackupError>>,
    thread: Option<JoinHandle<()>>,
}

impl BackupThread {
    /// Starts it: the first look after `first_after`, then every ten minutes; a
    /// backup whenever the newest is older than `every`. `wake` is called after each
    /// backup written or failed.
    pub fn spawn(
        journal: PathBuf,
        busy_timeout: Duration,
        backups: Backups,
        every: Duration,
        first_after: Duration,
        wake: impl Fn() + Send + 'static,
    ) -> BackupThread {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("backup".into())
            .spawn(move || {
                let mut wait = first_after;
                loop {
                    let until = std::time::Instant::now() + wait;
                    while std::time::Instant::now() < until {
                        if flag.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(100).min(wait));
                    }
                    wait = CHECK_EVERY;
                    if !due(&backups.dir, every, SystemTime::now()) {
                        continue;
                    }
                    let outcome = Journal::open(&journal, &OpenOptions { busy_timeout })
                        .map_err(BackupError::Copy)
                        .and_then(|j| j.backup_into(&backups.dir, backups.keep));
                    match &outcome {
                        Ok(b) => tracing::info!("daily backup written: {}", b.path.display()),
                        Err(e) => tracing::warn!("daily backup failed: {e}"),
                    }
                    if tx.send(outcome).is_err() {
                        return;
                    }
                    wake();
                }
            })
            .expect("the backup thread starts");
        BackupThread {
            stop,
            outcomes: rx,
            thread: Some(thread),
        }
    }

    /// The newest outcome since last asked, if any.
    pub fn latest(&self) -> Option<Result<Backup, BackupError>> {
        self.outcomes.try_iter().last()
    }
}

impl Drop for BackupThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
