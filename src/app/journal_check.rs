//! The journal's full check, in the background: SQLite's `integrity_check` of every
//! page and the audit chains and payments replayed ([`Journal::verify`]), on its own
//! thread and its own read connection, so opening the journal costs the same for ten
//! payments and ten million.
//!
//! It runs shortly after the till opens, after every Z report and after every backup
//! ([`JournalHealth::check_soon`]). A problem it finds is kept in [`JournalHealth`],
//! which the till asks before every new payment: payments stop with the same message
//! as a damaged journal at start. A check that cannot run (the file locked for long)
//! is said, and stops nothing.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::journal::{CheckProgress, Journal, JournalError, OpenOptions};

/// What the background check has to say (for the status bar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckNews {
    /// Checking: how far.
    Running(CheckProgress),
    /// The journal is whole as of `at`.
    Checked {
        /// When the check finished.
        at: DateTime<Utc>,
        /// Payments replayed.
        payments: usize,
        /// Events checked.
        events: usize,
    },
    /// The journal is damaged: new payments are refused until it is restored.
    Damaged(String),
    /// The check could not run (the file locked, a folder gone); nothing was found.
    NotRun(String),
}

#[derive(Default)]
struct State {
    /// The problem found, if any: kept until the process ends (a restored journal
    /// starts a new process).
    problem: Option<String>,
    /// A check was asked for and has not started yet.
    asked: bool,
    /// The thread is to end.
    stop: bool,
}

/// The till's view of the background check: whether the journal was found damaged,
/// and a way to ask for another check. Cheap to clone; one per till.
#[derive(Clone, Default)]
pub struct JournalHealth {
    inner: Arc<(Mutex<State>, Condvar)>,
}

impl std::fmt::Debug for JournalHealth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalHealth")
            .field("problem", &self.problem())
            .finish()
    }
}

impl JournalHealth {
    /// A journal not found damaged (yet).
    pub fn new() -> JournalHealth {
        JournalHealth::default()
    }

    /// The damage the background check found, in its words; `None` while it found
    /// none.
    pub fn problem(&self) -> Option<String> {
        self.lock().problem.clone()
    }

    /// Asks for a full check as soon as the thread is free (after a Z, a backup).
    pub fn check_soon(&self) {
        self.lock().asked = true;
        self.inner.1.notify_all();
    }

    /// Refuses a new payment once the journal was found damaged: the error the till
    /// words as it words a damaged journal at start.
    pub fn require_whole(&self, journal: &Journal) -> Result<(), JournalError> {
        match self.problem() {
            Some(detail) => Err(JournalError::Corrupted {
                path: journal.path().to_path_buf(),
                detail,
            }),
            None => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding it leaves plain data: still usable.
        self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn found(&self, problem: String) {
        self.lock().problem = Some(problem);
    }

    /// Waits until a check is asked for or `timeout` passes; false when the thread is
    /// to end.
    fn wait(&self, timeout: Duration) -> bool {
        let (lock, cvar) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (mut guard, _) = cvar
            .wait_timeout_while(guard, timeout, |s| !s.asked && !s.stop)
            .unwrap_or_else(|e| e.into_inner());
        guard.asked = false;
        !guard.stop
    }

    fn stop(&self) {
        self.lock().stop = true;
        self.inner.1.notify_all();
    }

    fn stopping(&self) -> bool {
        self.lock().stop
    }
}

/// How often a running check says how far it is.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Runs the full check once on its own connection; what it found.
pub fn check_once(
    journal: &std::path::Path,
    busy_timeout: Duration,
    progress: &mut dyn FnMut(CheckProgress),
) -> CheckNews {
    let opened = Journal::open(journal, &OpenOptions { busy_timeout });
    let report = opened.and_then(|j| {
        let report = j.verify_with_progress(progress);
        // The check held one snapshot throughout, so the WAL could only grow: copy
        // it back here rather than in the next payment's commit.
        if let Err(e) = j.checkpoint() {
            tracing::debug!("checkpoint after the journal check: {e}");
        }
        report
    });
    match report {
        Ok(r) if r.is_ok() => CheckNews::Checked {
            at: Utc::now(),
            payments: r.payments,
            events: r.events,
        },
        Ok(r) => CheckNews::Damaged(
            r.problems
                .into_iter()
                .take(3)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(JournalError::Corrupted { detail, .. }) => CheckNews::Damaged(detail),
        Err(e @ JournalError::NotAJournal { .. }) => CheckNews::Damaged(e.to_string()),
        Err(e) => CheckNews::NotRun(e.to_string()),
    }
}

/// The background check's thread.
pub struct CheckThread {
    health: JournalHealth,
    thread: Option<JoinHandle<()>>,
}

impl CheckThread {
    /// Starts it: the first check after `first_after`, then whenever
    /// [`JournalHealth::check_soon`] asks, and a day after the last. Each piece of
    /// news goes to `news`.
    pub fn spawn(
        journal: PathBuf,
        busy_timeout: Duration,
        health: JournalHealth,
        first_after: Duration,
        news: impl Fn(CheckNews) + Send + 'static,
    ) -> CheckThread {
        let mine = health.clone();
        let thread = std::thread::Builder::new()
            .name("journal-check".into())
            .spawn(move || {
                let mut wait = first_after;
                loop {
                    // The first check runs when `first_after` passed or is asked
                    // for; later ones when asked, or a day after the last.
                    if !mine.wait(wait) {
                        return;
                    }
                    wait = super::daily_backup::DAILY;
                    let started = Instant::now();
                    let mut said = Instant::now() - PROGRESS_EVERY;
                    let mut progress = |p: CheckProgress| {
                        if said.elapsed() >= PROGRESS_EVERY {
                            said = Instant::now();
                            news(CheckNews::Running(p));
                        }
                    };
                    let outcome = check_once(&journal, busy_timeout, &mut progress);
                    match &outcome {
                        CheckNews::Checked { payments, .. } => tracing::info!(
                            "journal checked: {payments} payments in {:.1} s",
                            started.elapsed().as_secs_f64()
                        ),
                        CheckNews::Damaged(p) => {
                            tracing::error!("journal check found damage: {p}");
                            mine.found(p.clone());
                        }
                        CheckNews::NotRun(e) => tracing::warn!("journal check did not run: {e}"),
                        CheckNews::Running(_) => {}
                    }
                    if mine.stopping() {
                        return;
                    }
                    news(outcome);
                }
            })
            .expect("the journal check thread starts");
        CheckThread {
            health,
            thread: Some(thread),
        }
    }
}

impl Drop for CheckThread {
    fn drop(&mut self) {
        self.health.stop();
        // A check in progress finishes its read first; the process exiting does not
        // wait for it (the thread is detached then).
        if let Some(t) = self.thread.take().filter(|t| t.is_finished()) {
            let _ = t.join();
        }
    }
}
