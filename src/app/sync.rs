//! The sync worker: delivers fiscalized payments to the hub exactly once.
//!
//! - **Leadership**: only the holder of the journal's sync lease pushes; it renews the
//!   lease every `ttl / 3` and never starts a push after two thirds of the lease, so a
//!   paused process cannot push on an expired lease without the hub fencing it off
//!   (every push carries the lease epoch).
//! - **Delivery**: due payments, first queued first, `concurrency` pushes at a time;
//!   a lost answer is retried with the same id after an exponential, jittered backoff;
//!   a final refusal marks the payment refused for support; every attempt is a
//!   journal event, each batch one transaction.
//! - **Status**: delivered payments whose status is not final are polled in batches;
//!   changes are events; a status that does not move in time flags the payment stuck.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::delivery::{AttemptOutcome, Backoff};
use crate::hub::client::{HubClient, HubError};
use crate::hub::protocol::MAX_BATCH;
use crate::journal::{
    DeliverySummary, Journal, JournalError, Lease, OpenOptions, Outgoing, PushResult,
};

/// How the worker behaves.
#[derive(Clone)]
pub struct SyncSettings {
    /// The hub.
    pub hub: HubClient,
    /// The journal file.
    pub journal: std::path::PathBuf,
    /// Journal busy timeout.
    pub busy_timeout: Duration,
    /// How long a lease lasts without renewal.
    pub lease_ttl: Duration,
    /// Pushes in flight at once.
    pub concurrency: usize,
    /// Payments per batch (one journal transaction per batch).
    pub batch: usize,
    /// How often statuses are polled and the hub is pinged when idle.
    pub poll_every: Duration,
    /// A status that has not moved for this long flags the payment stuck.
    pub stuck_after: Duration,
    /// Retry timing.
    pub backoff: Backoff,
}

impl SyncSettings {
    /// The settings a configuration asks for.
    pub fn from_config(hub: HubClient, config: &crate::app::config::Config) -> SyncSettings {
        SyncSettings {
            busy_timeout: config.busy_timeout,
            concurrency: config.hub.concurrency,
            stuck_after: config.hub.stuck_after,
            lease_ttl: config.hub.lease_ttl,
            backoff: config.hub.backoff,
            ..SyncSettings::new(hub, config.journal_path.clone())
        }
    }

    /// Defaults for a hub client and a journal.
    pub fn new(hub: HubClient, journal: std::path::PathBuf) -> SyncSettings {
        SyncSettings {
            hub,
            journal,
            busy_timeout: Duration::from_secs(5),
            lease_ttl: Duration::from_secs(15),
            concurrency: 8,
            batch: 200,
            poll_every: Duration::from_secs(5),
            stuck_after: Duration::from_secs(30 * 60),
            backoff: Backoff::default(),
        }
    }
}

/// This process's part in syncing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Not decided yet.
    Starting,
    /// Pushing, with this fencing epoch.
    Leader {
        /// The epoch.
        epoch: u64,
    },
    /// Another process pushes.
    Follower {
        /// Who.
        leader: String,
    },
}

/// What the status bar shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncStatus {
    /// Leader or follower.
    pub role: Role,
    /// `Some(true)` when the hub answered last time, `Some(false)` when it did not,
    /// `None` before the first contact.
    pub online: Option<bool>,
    /// Queue and statuses.
    pub summary: DeliverySummary,
    /// The last problem talking to the hub.
    pub last_error: Option<String>,
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Pushes made.
    pub pushed: usize,
    /// Of which delivered.
    pub delivered: usize,
    /// Statuses polled.
    pub polled: usize,
    /// Correction requests whose state moved.
    pub corrections: usize,
}

/// The worker's state in one process.
pub struct Syncer {
    settings: SyncSettings,
    journal: Journal,
    holder: String,
    label: String,
    rng: StdRng,
    status: SyncStatus,
    last_poll: Option<Instant>,
    catalogue_etag: Option<String>,
}

impl Syncer {
    /// Opens the journal for syncing (its own connection).
    pub fn open(settings: SyncSettings) -> Result<Syncer, JournalError> {
        let journal = Journal::open(
            &settings.journal,
            &OpenOptions {
                busy_timeout: settings.busy_timeout,
            },
        )?;
        let catalogue_etag = journal.catalogue()?.map(|c| c.version);
        let host = std::fs::read_to_string("/etc/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "this computer".into());
        let holder = uuid::Uuid::now_v7();
        Ok(Syncer {
            // Jitter only needs to differ between processes, not to be secret.
            rng: StdRng::seed_from_u64(holder.as_u128() as u64 ^ u64::from(std::process::id())),
            holder: holder.to_string(),
            label: format!("pid {} on {host}", std::process::id()),
            status: SyncStatus {
                role: Role::Starting,
                online: None,
                summary: journal.delivery_summary()?,
                last_error: None,
            },
            journal,
            settings,
            last_poll: None,
            catalogue_etag,
        })
    }

    /// The latest status.
    pub fn status(&self) -> &SyncStatus {
        &self.status
    }

    /// "sync pid 123 on till-2": who this worker is in the journal's events.
    pub fn actor(&self) -> String {
        format!("sync {}", self.label)
    }

    fn lease(&mut self) -> Result<Option<(u64, Instant)>, JournalError> {
        let now = Utc::now();
        let lease =
            self.journal
                .acquire_lease(&self.holder, &self.label, now, self.settings.lease_ttl)?;
        Ok(match lease {
            Lease::Leader { epoch, .. } => {
                self.status.role = Role::Leader { epoch };
                // Stop starting pushes well before the lease could lapse.
                Some((epoch, Instant::now() + self.settings.lease_ttl * 2 / 3))
            }
            Lease::Follower { label, .. } => {
                self.status.role = Role::Follower { leader: label };
                None
            }
        })
    }

    fn push_batch(
        &mut self,
        batch: Vec<Outgoing>,
        epoch: u64,
        stop_at: Instant,
    ) -> (Vec<PushResult>, bool) {
        let next = Mutex::new(batch.into_iter());
        let results = Mutex::new(Vec::new());
        let fenced = AtomicBool::new(false);
        let hub = &self.settings.hub;
        let workers = self.settings.concurrency.max(1);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        if fenced.load(Ordering::Relaxed) || Instant::now() >= stop_at {
                            return;
                        }
                        let Some(out) = next.lock().expect("queue lock").next() else {
                            return;
                        };
                        let mut req = out.request.clone();
                        req.epoch = epoch;
                        let attempt = out.attempts + 1;
                        crate::crashpoint::stop_once("sync.push");
                        let answer = hub.pay(out.id.uuid(), &req);
                        if matches!(answer, Err(HubError::Fenced(_))) {
                            fenced.store(true, Ordering::Relaxed);
                        }
                        results
                            .lock()
                            .expect("results lock")
                            .push((out.id, attempt, answer));
                    }
                });
            }
        });
        let mut out = Vec::new();
        let now = Utc::now();
        for (id, attempt, answer) in results.into_inner().expect("results") {
            let (outcome, status) = match answer {
                Ok(status) => {
                    self.status.online = Some(true);
                    (
                        AttemptOutcome::Delivered {
                            status: status.status,
                        },
                        Some(status),
                    )
                }
                Err(HubError::Fenced(message)) => {
                    self.status.online = Some(true);
                    (AttemptOutcome::Fenced { message }, None)
                }
                Err(HubError::Refused { code, message }) => {
                    self.status.online = Some(true);
                    let code = serde_json::to_value(code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    (AttemptOutcome::Refused { code, message }, None)
                }
                Err(e @ (HubError::Unknown(_) | HubError::Unauthorized(_))) => {
                    self.status.online = Some(!matches!(e, HubError::Unknown(_)));
                    self.status.last_error = Some(e.to_string());
                    let delay = self.settings.backoff.delay(attempt, self.rng.random());
                    let retry_at = now + chrono::Duration::from_std(delay).unwrap_or_default();
                    (
                        AttemptOutcome::Unknown {
                            error: e.to_string(),
                            retry_at,
                        },
                        None,
                    )
                }
            };
            out.push(PushResult {
                id,
                attempt,
                epoch,
                outcome,
                status,
            });
        }
        (out, fenced.into_inner())
    }

    /// Hands drafted correction requests to the hub (idempotent by their id, so a lost
    /// answer is simply asked again) and, when `poll` is set, asks where the open ones
    /// stand; a finished one also refreshes its payment's status.
    fn corrections(&mut self, poll: bool) -> Result<usize, JournalError> {
        use crate::domain::correction::CorrectionState;
        use crate::hub::protocol::{CorrectionRequest, Reason};
        let now = Utc::now();
        let actor = self.actor();
        let mut moved = 0;
        for c in self.journal.corrections_to_submit(now, 16)? {
            let req = CorrectionRequest {
                payment_id: c.payment_id.uuid(),
                terminal_id: c.terminal_id.clone(),
                kind: c.kind,
                new_account: c.new_account.clone(),
                reason: c.reason.clone(),
                approved_by: c.approved_by.clone(),
                fiscal_receipt_no: c.fiscal_receipt_no,
            };
            let answer = self.settings.hub.put_correction(c.id, &req);
            tracing::info!(correction = %c.id, payment = %c.payment_id, kind = ?c.kind, answer = ?answer, "correction request");
            match answer {
                Ok(state) => {
                    self.status.online = Some(true);
                    moved += self.journal.record_correction_answer(
                        c.id,
                        CorrectionState::from_hub(state.state),
                        state.reason.as_ref(),
                        &actor,
                        Utc::now(),
                    )? as usize;
                }
                Err(HubError::Refused { code, message }) => {
                    // Refused for good (e.g. the hub does not know the payment): the
                    // request is rejected with the hub's words, for support to read.
                    let code = serde_json::to_value(code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    moved += self.journal.record_correction_answer(
                        c.id,
                        CorrectionState::Rejected,
                        Some(&Reason { code, message }),
                        &actor,
                        Utc::now(),
                    )? as usize;
                }
                Err(e) => {
                    if matches!(e, HubError::Unknown(_)) {
                        self.status.online = Some(false);
                    }
                    let delay = self
                        .settings
                        .backoff
                        .delay(c.attempts + 1, self.rng.random());
                    let retry_at = now + chrono::Duration::from_std(delay).unwrap_or_default();
                    self.journal.record_correction_attempt(
                        c.id,
                        &e.to_string(),
                        retry_at,
                        &actor,
                        Utc::now(),
                    )?;
                }
            }
        }
        if !poll {
            return Ok(moved);
        }
        for id in self.journal.corrections_to_poll(16)? {
            let Ok(state) = self.settings.hub.correction(id) else {
                continue;
            };
            let next = CorrectionState::from_hub(state.state);
            tracing::info!(correction = %id, payment = %state.payment_id, state = ?state.state, "correction state");
            let changed = self.journal.record_correction_answer(
                id,
                next,
                state.reason.as_ref(),
                &actor,
                Utc::now(),
            )?;
            moved += changed as usize;
            if changed && next == CorrectionState::Done {
                // The payment's status at the hub changed with it.
                if let Ok(answer) = self.settings.hub.statuses(&[state.payment_id]) {
                    self.journal.record_status_answer(
                        &[],
                        &answer,
                        &actor,
                        Utc::now(),
                        self.settings.stuck_after,
                    )?;
                }
            }
        }
        Ok(moved)
    }

    fn poll(&mut self) -> Result<usize, JournalError> {
        let ids = self.journal.to_poll(MAX_BATCH)?;
        if ids.is_empty() {
            // Idle: the catalogue's ETag is the heartbeat (and keeps the cache fresh).
            match self.settings.hub.catalogue(self.catalogue_etag.as_deref()) {
                Ok(Some(c)) => {
                    let cat = crate::domain::operator::Catalogue {
                        version: c.version,
                        operators: c.operators,
                    };
                    if cat.check().is_ok() {
                        self.journal
                            .store_catalogue(&cat, self.settings.hub.base())?;
                        self.catalogue_etag = Some(cat.version);
                    }
                    self.status.online = Some(true);
                }
                Ok(None) => self.status.online = Some(true),
                Err(e) => {
                    self.status.online = Some(!matches!(e, HubError::Unknown(_)));
                    self.status.last_error = Some(e.to_string());
                }
            }
            return Ok(0);
        }
        let uuids: Vec<uuid::Uuid> = ids.iter().map(|i| i.uuid()).collect();
        match self.settings.hub.statuses(&uuids) {
            Ok(answer) => {
                self.status.online = Some(true);
                let actor = self.actor();
                self.journal.record_status_answer(
                    &ids,
                    &answer,
                    &actor,
                    Utc::now(),
                    self.settings.stuck_after,
                )?;
                Ok(answer.payments.len())
            }
            Err(e) => {
                self.status.online = Some(!matches!(e, HubError::Unknown(_)));
                self.status.last_error = Some(e.to_string());
                Ok(0)
            }
        }
    }

    /// One round: take or renew the lease; if leading, push everything due (batch by
    /// batch while the lease is safe) and poll statuses when it is time.
    pub fn round(&mut self) -> Result<RoundReport, JournalError> {
        let mut report = RoundReport::default();
        while let Some((epoch, stop_at)) = self.lease()? {
            let due = self.journal.due(Utc::now(), self.settings.batch)?;
            if due.is_empty() {
                break;
            }
            let (results, fenced) = self.push_batch(due, epoch, stop_at);
            report.pushed += results.len();
            report.delivered += results
                .iter()
                .filter(|r| matches!(r.outcome, AttemptOutcome::Delivered { .. }))
                .count();
            let actor = self.actor();
            for r in &results {
                tracing::info!(payment = %r.id, attempt = r.attempt, epoch = r.epoch, outcome = ?r.outcome, "push");
            }
            self.journal.record_pushes(&results, &actor, Utc::now())?;
            if fenced {
                // The hub has seen a newer epoch: another process leads. Stop; the
                // next lease check tells who.
                self.status.role = Role::Follower {
                    leader: "another process (fenced off by the hub)".into(),
                };
                break;
            }
            if results.is_empty()
                || results
                    .iter()
                    .all(|r| !matches!(r.outcome, AttemptOutcome::Delivered { .. }))
            {
                break; // nothing got through: wait for the backoff
            }
        }
        let leading = matches!(self.status.role, Role::Leader { .. });
        let poll_time = self
            .last_poll
            .is_none_or(|t| t.elapsed() >= self.settings.poll_every);
        if leading {
            report.corrections = self.corrections(poll_time)?;
        }
        if leading && poll_time {
            report.polled = self.poll()?;
            self.last_poll = Some(Instant::now());
        }
        self.status.summary = self.journal.delivery_summary()?;
        Ok(report)
    }

    /// How long to sleep before the next round.
    fn pause(&self) -> Duration {
        let renew = self.settings.lease_ttl / 3;
        let until_due = self
            .journal
            .next_due_at()
            .ok()
            .flatten()
            .and_then(|t| (t - Utc::now()).to_std().ok())
            .unwrap_or(renew);
        until_due
            .min(renew)
            .min(self.settings.poll_every)
            .max(Duration::from_millis(50))
    }

    /// Runs rounds until `stop` is set, reporting the status after each; gives the
    /// lease up on the way out.
    pub fn run(&mut self, stop: &AtomicBool, mut observe: impl FnMut(&SyncStatus)) {
        while !stop.load(Ordering::Relaxed) {
            if let Err(e) = self.round() {
                tracing::warn!("sync round failed: {e}");
                self.status.last_error = Some(e.to_string());
            }
            observe(&self.status);
            let pause = self.pause();
            let until = Instant::now() + pause;
            while Instant::now() < until && !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(20).min(pause));
            }
        }
        let _ = self.journal.release_lease(&self.holder);
    }

    /// Delivers everything queued, then gives the lease up. Returns what is still
    /// queued at `deadline` (empty queue: all delivered or refused).
    pub fn run_once(&mut self, deadline: Instant) -> Result<DeliverySummary, JournalError> {
        loop {
            self.round()?;
            let summary = self.status.summary.clone();
            if summary.queued == 0
                || Instant::now() >= deadline
                || matches!(self.status.role, Role::Follower { .. })
            {
                self.journal.release_lease(&self.holder)?;
                return Ok(summary);
            }
            std::thread::sleep(
                self.pause()
                    .min(deadline.saturating_duration_since(Instant::now())),
            );
        }
    }
}

/// The sync worker on its own thread, reporting status changes through a channel.
pub struct SyncThread {
    stop: std::sync::Arc<AtomicBool>,
    statuses: std::sync::mpsc::Receiver<Result<SyncStatus, String>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SyncThread {
    /// Starts the worker; `wake` is called after each reported change.
    pub fn spawn(settings: SyncSettings, wake: impl Fn() + Send + 'static) -> SyncThread {
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let mut syncer = match Syncer::open(settings) {
                    Ok(s) => s,
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        wake();
                        return;
                    }
                };
                let mut last: Option<SyncStatus> = None;
                syncer.run(&flag, |status| {
                    if last.as_ref() != Some(status) {
                        last = Some(status.clone());
                        let _ = tx.send(Ok(status.clone()));
                        wake();
                    }
                });
            })
            .expect("the sync thread starts");
        SyncThread {
            stop,
            statuses: rx,
            thread: Some(thread),
        }
    }

    /// The newest reported status (or why the worker could not start), if any.
    pub fn latest(&self) -> Option<Result<SyncStatus, String>> {
        self.statuses.try_iter().last()
    }
}

impl Drop for SyncThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
