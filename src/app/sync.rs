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
use crate::hub::protocol::{MAX_BATCH, PayRequest};
use crate::journal::{
    DeliverySummary, Journal, JournalError, Lease, OpenOptions, Outgoing, PushResult,
};

/// After retaking the lease once because the hub had seen a newer epoch, being fenced
/// off again within this time means another copy of this journal is delivering for
/// the terminal: the two would leapfrog each other's epochs for ever, so this one
/// stops and says so.
const COPY_WINDOW: Duration = Duration::from_secs(600);

/// How the worker behaves.
#[derive(Clone)]
pub struct SyncSettings {
    /// The hub.
    pub hub: HubClient,
    /// The journal file.
    pub journal: std::path::PathBuf,
    /// The terminal this journal delivers for (its receipt numbers continue the
    /// hub's when a journal replaces another).
    pub terminal_id: String,
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
    /// Reconcile each closed business day with the hub's registry by itself (none:
    /// only when asked).
    pub daily_reconcile: Option<DailyReconcile>,
}

/// When the worker reconciles a closed business day by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyReconcile {
    /// The shop's zone (its midnights end the days).
    pub tz: chrono_tz::Tz,
    /// The time of day after which the days before today are reconciled (the hub's
    /// registry of a day is complete some time after it ends).
    pub after: chrono::NaiveTime,
}

/// How often the worker looks for a closed day to reconcile.
const RECONCILE_CHECK: Duration = Duration::from_secs(600);

/// How far back it looks (older days are reconciled when asked).
const RECONCILE_DAYS: i64 = 7;

impl SyncSettings {
    /// The settings a configuration asks for.
    pub fn from_config(hub: HubClient, config: &crate::app::config::Config) -> SyncSettings {
        SyncSettings {
            busy_timeout: config.busy_timeout,
            concurrency: config.hub.concurrency,
            stuck_after: config.hub.stuck_after,
            lease_ttl: config.hub.lease_ttl,
            backoff: config.hub.backoff,
            daily_reconcile: Some(DailyReconcile {
                tz: config.tz,
                after: config.hub.reconcile_at,
            }),
            ..SyncSettings::new(hub, config.journal_path.clone(), &config.terminal_id)
        }
    }

    /// Defaults for a hub client, a journal and its terminal.
    pub fn new(hub: HubClient, journal: std::path::PathBuf, terminal_id: &str) -> SyncSettings {
        SyncSettings {
            hub,
            journal,
            terminal_id: terminal_id.to_string(),
            busy_timeout: Duration::from_secs(5),
            lease_ttl: Duration::from_secs(15),
            concurrency: 8,
            batch: 200,
            poll_every: Duration::from_secs(5),
            stuck_after: Duration::from_secs(30 * 60),
            backoff: Backoff::default(),
            daily_reconcile: None,
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
    /// Why nothing is being delivered although this process leads.
    pub blocked: Option<Blocked>,
    /// The agent's balance at the hub when last asked (none: not asked yet, no
    /// answer, or the hub keeps no balance for the terminal).
    pub balance: Option<crate::domain::money::Money>,
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
    /// Business days reconciled with the hub's registry.
    pub reconciled: usize,
}

/// Why this process, though it holds the lease, delivers nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// The hub delivers this terminal from another journal (its words).
    OtherJournal(String),
    /// Another copy of this journal delivers for the terminal (the hub's epoch moved
    /// past this one twice within minutes).
    AnotherCopy {
        /// The terminal.
        terminal: String,
    },
}

/// Why a batch of pushes stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Halt {
    /// It did not.
    No,
    /// The hub has seen a newer epoch (and says which, if it does).
    Fenced {
        /// The hub's newest epoch.
        hub_epoch: Option<u64>,
    },
    /// The hub delivers this terminal from another journal.
    OtherJournal(String),
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
    /// The hub accepted this journal for the terminal (once per process).
    bound: bool,
    /// When this process last took the lease again after the hub fenced it off.
    retaken_at: Option<Instant>,
    /// The hub did not answer at all last time: the first answer ends the outage and
    /// makes every backed-off payment due again.
    outage: bool,
    /// When the agent's balance was last asked for.
    last_balance: Option<Instant>,
    /// When closed days were last looked for to reconcile.
    last_reconcile: Option<Instant>,
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
        let host = crate::journal::owner::host_name();
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
                blocked: None,
                balance: None,
            },
            journal,
            settings,
            last_poll: None,
            catalogue_etag,
            bound: false,
            retaken_at: None,
            outage: false,
            last_balance: None,
            last_reconcile: None,
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

    /// Notes that the hub answered (anything at all): the first answer after an
    /// outage makes every payment that was backed off during it due again, so the
    /// queue drains at once instead of waiting out each payment's backoff.
    fn hub_answered(&mut self) -> Result<(), JournalError> {
        self.status.online = Some(true);
        if std::mem::take(&mut self.outage) {
            let n = self.journal.make_queued_due(Utc::now())?;
            tracing::info!(
                payments = n,
                "the hub answers again: backed-off payments are due"
            );
        }
        Ok(())
    }

    /// Notes what a hub call gave: an answer, or no answer at all (an outage).
    fn heard<T>(&mut self, r: &Result<T, HubError>) -> Result<(), JournalError> {
        match r {
            Err(e @ HubError::Unreachable(_)) => {
                self.status.online = Some(false);
                self.status.last_error = Some(e.to_string());
                self.outage = true;
                Ok(())
            }
            Err(e) => {
                self.status.last_error = Some(e.to_string());
                self.hub_answered()
            }
            Ok(_) => self.hub_answered(),
        }
    }

    fn push_batch(
        &mut self,
        batch: Vec<Outgoing>,
        epoch: u64,
        stop_at: Instant,
    ) -> Result<(Vec<PushResult>, Halt), JournalError> {
        let next = Mutex::new(batch.into_iter());
        let results = Mutex::new(Vec::new());
        let halt = Mutex::new(Halt::No);
        let hub = &self.settings.hub;
        let workers = self.settings.concurrency.max(1);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        if *halt.lock().expect("halt lock") != Halt::No || Instant::now() >= stop_at
                        {
                            return;
                        }
                        let Some(out) = next.lock().expect("queue lock").next() else {
                            return;
                        };
                        let req = PayRequest::new(&out.payment, epoch);
                        let attempt = out.attempts + 1;
                        crate::crashpoint::stop_once("sync.push");
                        let answer = hub.pay(out.id.uuid(), &req);
                        match &answer {
                            Err(HubError::Fenced { hub_epoch, .. }) => {
                                *halt.lock().expect("halt lock") = Halt::Fenced {
                                    hub_epoch: *hub_epoch,
                                };
                            }
                            Err(HubError::OtherJournal(m)) => {
                                *halt.lock().expect("halt lock") = Halt::OtherJournal(m.clone());
                            }
                            _ => {}
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
            self.heard(&answer)?;
            let (outcome, status) = match answer {
                Ok(status) => (
                    AttemptOutcome::Delivered {
                        status: status.status,
                    },
                    Some(crate::domain::delivery::HubAnswer::from(&status)),
                ),
                Err(HubError::Fenced { message, .. }) => (AttemptOutcome::Fenced { message }, None),
                Err(HubError::Refused { code, message }) => {
                    let code = serde_json::to_value(code)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    (AttemptOutcome::Refused { code, message }, None)
                }
                // Not delivered, not refused for good: the same push again later.
                Err(e) => {
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
        Ok((out, halt.into_inner().expect("halt")))
    }

    /// Binds this journal to its terminal at the hub once per process; a journal that
    /// replaces another continues the terminal's receipt numbers from the hub's.
    /// False only when the hub delivers the terminal from another journal: nothing
    /// may be pushed. Without an answer the binding is asked again next round and
    /// pushes go on (each carries the journal's id; the hub checks it there too).
    fn bind(&mut self) -> Result<bool, JournalError> {
        if self.bound {
            return Ok(true);
        }
        let journal_id = self.journal.journal_id()?;
        let answer = self.settings.hub.bind(journal_id);
        self.heard(&answer)?;
        match answer {
            Ok(b) => {
                self.journal.continue_numbers(
                    &self.settings.terminal_id,
                    b.last_pre_receipt_no,
                    b.last_fiscal_receipt_no,
                )?;
                self.bound = true;
                self.status.blocked = None;
                Ok(true)
            }
            Err(HubError::OtherJournal(m)) => {
                self.status.blocked = Some(Blocked::OtherJournal(m));
                Ok(false)
            }
            // An older hub without binding: payments still carry the journal id.
            Err(HubError::Unknown(e)) if e.starts_with("HTTP 404") || e.starts_with("HTTP 405") => {
                self.bound = true;
                Ok(true)
            }
            Err(_) => Ok(true),
        }
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
            self.heard(&answer)?;
            match answer {
                Ok(state) => {
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
                        &answer.answers(),
                        &answer.unknown,
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
            let answer = self.settings.hub.catalogue(self.catalogue_etag.as_deref());
            self.heard(&answer)?;
            if let Ok(Some(c)) = answer {
                let cat = crate::domain::operator::Catalogue {
                    version: c.version,
                    operators: c.operators,
                };
                if cat.check().is_ok() {
                    let source = self.settings.hub.base();
                    self.journal.store_catalogue(&cat, &source)?;
                    self.catalogue_etag = Some(cat.version);
                }
            }
            return Ok(0);
        }
        let uuids: Vec<uuid::Uuid> = ids.iter().map(|i| i.uuid()).collect();
        let answer = self.settings.hub.statuses(&uuids);
        self.heard(&answer)?;
        match answer {
            Ok(answer) => {
                let actor = self.actor();
                self.journal.record_status_answer(
                    &ids,
                    &answer.answers(),
                    &answer.unknown,
                    &actor,
                    Utc::now(),
                    self.settings.stuck_after,
                )?;
                Ok(answer.payments.len())
            }
            Err(_) => Ok(0),
        }
    }

    /// After a push was fenced off: the hub has seen `hub_epoch`, newer than `used`.
    /// Takes the lease again above it when the journal's lease is still this
    /// process's (a new or restored journal starts below the hub's epoch); stays
    /// fenced when another process took the lease (a paused ex-leader), or when this
    /// is the second fence soon after a retake (another copy of this journal
    /// delivers: the two must not leapfrog each other's epochs). `true`: retaken.
    fn retake(&mut self, used: u64, hub_epoch: Option<u64>) -> Result<bool, JournalError> {
        let fenced = |s: &mut Self| {
            s.status.role = Role::Follower {
                leader: "another process (fenced off by the hub)".into(),
            };
            Ok(false)
        };
        let Some(hub_epoch) = hub_epoch else {
            return fenced(self);
        };
        if self.retaken_at.is_some_and(|t| t.elapsed() < COPY_WINDOW) {
            self.status.blocked = Some(Blocked::AnotherCopy {
                terminal: self.settings.terminal_id.clone(),
            });
            return fenced(self);
        }
        let retaken = self.journal.retake_lease(
            &self.holder,
            used,
            hub_epoch,
            Utc::now(),
            self.settings.lease_ttl,
        )?;
        match retaken {
            Some(epoch) => {
                tracing::info!(
                    used,
                    hub_epoch,
                    epoch,
                    "the hub had seen a newer epoch than this journal gave out: lease taken again above it"
                );
                self.retaken_at = Some(Instant::now());
                self.status.role = Role::Leader { epoch };
                Ok(true)
            }
            None => fenced(self),
        }
    }

    /// One round: take or renew the lease; if leading, bind the journal to its
    /// terminal at the hub (once), push everything due (batch by batch while the lease
    /// is safe) and poll statuses when it is time.
    pub fn round(&mut self) -> Result<RoundReport, JournalError> {
        let mut report = RoundReport::default();
        let mut stepped_down = false;
        while let Some((epoch, stop_at)) = self.lease()? {
            if self.status.blocked.is_some() && self.bound {
                // Blocked by a copy of this journal: wait for a person.
                stepped_down = true;
                break;
            }
            if !self.bind()? {
                stepped_down = self.status.blocked.is_some();
                break;
            }
            let due = self.journal.due(Utc::now(), self.settings.batch)?;
            if due.is_empty() {
                break;
            }
            let (results, halt) = self.push_batch(due, epoch, stop_at)?;
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
            match halt {
                Halt::No => {}
                Halt::OtherJournal(m) => {
                    self.status.blocked = Some(Blocked::OtherJournal(m));
                    self.bound = false;
                    stepped_down = true;
                    break;
                }
                Halt::Fenced { hub_epoch } => {
                    if self.retake(epoch, hub_epoch)? {
                        continue;
                    }
                    stepped_down = true;
                    break;
                }
            }
            if results.is_empty()
                || results
                    .iter()
                    .all(|r| !matches!(r.outcome, AttemptOutcome::Delivered { .. }))
            {
                break; // nothing got through: wait for the backoff
            }
        }
        let leading = matches!(self.status.role, Role::Leader { .. }) && !stepped_down;
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
        if leading {
            report.reconciled = self.reconcile_closed_days()?;
        }
        // The agent's balance, as often as statuses are polled (the status bar warns
        // when it runs low); every process asks, its own window shows it.
        if self
            .last_balance
            .is_none_or(|t| t.elapsed() >= self.settings.poll_every)
        {
            self.last_balance = Some(Instant::now());
            if let Ok(b) = self.settings.hub.balance() {
                self.status.balance = b.balance;
            }
        }
        self.status.summary = self.journal.delivery_summary()?;
        Ok(report)
    }

    /// Reconciles the closed business days of the last week not reconciled yet, once
    /// the configured time of day has passed (every [`RECONCILE_CHECK`] at most). A day
    /// the hub cannot give is tried at the next check.
    fn reconcile_closed_days(&mut self) -> Result<usize, JournalError> {
        let Some(daily) = self.settings.daily_reconcile else {
            return Ok(0);
        };
        if self
            .last_reconcile
            .is_some_and(|t| t.elapsed() < RECONCILE_CHECK)
        {
            return Ok(0);
        }
        self.last_reconcile = Some(Instant::now());
        let now = Utc::now().with_timezone(&daily.tz);
        if now.time() < daily.after {
            return Ok(0);
        }
        let today = now.date_naive().format("%Y-%m-%d").to_string();
        let days = self.journal.unreconciled_days(
            &self.settings.terminal_id,
            Utc::now() - chrono::Duration::days(RECONCILE_DAYS),
            |t| {
                t.with_timezone(&daily.tz)
                    .date_naive()
                    .format("%Y-%m-%d")
                    .to_string()
            },
            &today,
        )?;
        let actor = self.actor();
        let mut done = 0;
        for day in days {
            let Ok(date) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") else {
                continue;
            };
            match crate::app::reconcile::reconcile_day(
                &mut self.journal,
                &self.settings.hub,
                &self.settings.terminal_id,
                daily.tz,
                date,
                &actor,
            ) {
                Ok(r) => {
                    done += 1;
                    tracing::info!(
                        day,
                        differences = r.differences.len(),
                        "reconciled with the hub's registry"
                    );
                }
                Err(e) => {
                    tracing::warn!(day, "reconciliation not done: {e}");
                    break;
                }
            }
        }
        Ok(done)
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

    /// Delivers everything queued, then gives the lease up. While another process
    /// holds the lease this one waits — for the lease (a leader that died on this
    /// machine is taken over at once; elsewhere when its lease lapses), or for that
    /// leader to deliver — until `deadline`. Returns the summary at the end: anything
    /// still queued was not delivered (the status says why).
    pub fn run_once(&mut self, deadline: Instant) -> Result<DeliverySummary, JournalError> {
        self.run_once_with(deadline, &mut |_| {})
    }

    /// [`Syncer::run_once`], telling `progress` what is left after each round (the
    /// command line's bar).
    pub fn run_once_with(
        &mut self,
        deadline: Instant,
        progress: &mut dyn FnMut(&DeliverySummary),
    ) -> Result<DeliverySummary, JournalError> {
        loop {
            self.round()?;
            let summary = self.status.summary.clone();
            progress(&summary);
            if summary.queued == 0 || Instant::now() >= deadline || self.status.blocked.is_some() {
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
