//! The journal's side of delivery: the sync lease, the queue of fiscalized payments,
//! and what each push and status poll found. Every change comes with its delivery
//! event, in the same transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use crate::domain::delivery::{AttemptOutcome, Delivery, DeliveryEvent, is_stuck};
use crate::domain::delivery::{HubAnswer, OutgoingPayment};
use crate::domain::hub::{HubStatus, Reason};
use crate::domain::money::Money;
use crate::domain::payment::PaymentId;

use super::{Journal, JournalError, timestamp};

/// Who pushes for this journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lease {
    /// This process: push with `epoch`, renew before `expires_at`.
    Leader {
        /// The fencing epoch.
        epoch: u64,
        /// When the lease lapses unless renewed.
        expires_at: DateTime<Utc>,
    },
    /// Another process leads.
    Follower {
        /// Who ("pid 123 on till-2").
        label: String,
        /// When its lease lapses unless renewed.
        expires_at: DateTime<Utc>,
    },
}

/// A queued payment ready to push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The payment.
    pub id: PaymentId,
    /// Pushes so far.
    pub attempts: u32,
    /// What is sent (the pusher adds its lease epoch).
    pub payment: OutgoingPayment,
}

/// What one push found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushResult {
    /// The payment.
    pub id: PaymentId,
    /// This push's number.
    pub attempt: u32,
    /// The epoch it carried.
    pub epoch: u64,
    /// How it ended.
    pub outcome: AttemptOutcome,
    /// The hub's answer, when delivered.
    pub status: Option<HubAnswer>,
}

/// Delivery at a glance (the status bar, `paydesk sync`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeliverySummary {
    /// Fiscalized payments the hub does not have yet.
    pub queued: u64,
    /// When the oldest of them was taken.
    pub oldest_queued_at: Option<DateTime<Utc>>,
    /// Refused by the hub for good (support must look).
    pub refused: u64,
    /// Delivered, status not final.
    pub awaiting_status: u64,
    /// Flagged stuck.
    pub stuck: u64,
}

use crate::domain::time::parse_stored as parse_ts;

fn chrono(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn event_row(
    tx: &rusqlite::Transaction,
    id: &str,
    now: &str,
    e: &DeliveryEvent,
    actor: &str,
) -> rusqlite::Result<()> {
    let data = serde_json::to_string(e).expect("events serialise");
    super::chain::append(tx, id, now, e.kind(), &data, actor)
}

fn status_of(s: &str) -> Option<HubStatus> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

/// Queues a payment whose fiscal receipt printed for the hub, due at once: a step of
/// the fiscalize transaction ([`Journal::commit`]). Queuing twice changes nothing.
pub(crate) fn queue_for_hub(
    tx: &rusqlite::Transaction,
    id: &str,
    now: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE payments SET delivery = COALESCE(delivery, 'queued'),
            next_attempt_at = COALESCE(next_attempt_at, ?2)
         WHERE id = ?1",
        params![id, now],
    )
    .map(|_| ())
}

/// Delivery at a glance, each count on its partial index: the cost follows the
/// payments in question, not the years of delivered ones.
pub(crate) const SUMMARY_SQL: &str = "SELECT
    (SELECT count(*) FROM payments WHERE delivery = 'queued'),
    (SELECT min(accepted_at) FROM payments WHERE delivery = 'queued'),
    (SELECT count(*) FROM payments WHERE delivery = 'refused'),
    (SELECT count(*) FROM payments
      WHERE delivery = 'delivered' AND hub_status IN ('accepted', 'processing')),
    (SELECT count(*) FROM payments WHERE stuck = 1)";

/// The terminal event saying a counter continued from the hub's numbers.
pub(crate) const NUMBERS_CONTINUED: &str = "numbers_continued";

impl Journal {
    /// Takes or renews the sync lease when it is free, expired, held by a process of
    /// this machine that is gone (a crash: no need to wait for it to lapse), or already
    /// ours; the epoch grows on every takeover.
    pub fn acquire_lease(
        &mut self,
        holder: &str,
        label: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Lease, JournalError> {
        let me = self.me.to_string();
        self.write(|tx| {
        let row: Option<(String, String, String, i64, Option<String>)> = tx
            .query_row(
                "SELECT holder, label, expires_at, epoch, process FROM sync_lease WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let expires_at = now + chrono(ttl);
        let exp = timestamp(expires_at);
        // A lease whose holder's process is gone is as good as expired.
        let row = row.map(|(h, l, until, epoch, process)| {
            let dead = h != holder
                && process
                    .as_deref()
                    .and_then(super::owner::ProcessMark::parse)
                    .is_some_and(|m| m.liveness() == super::owner::Liveness::Gone);
            let until = if dead { timestamp(now) } else { until };
            (h, l, until, epoch)
        });
        let lease = match row {
            None => {
                tx.execute(
                    "INSERT INTO sync_lease (id, holder, label, expires_at, epoch, process) VALUES (1, ?1, ?2, ?3, 1, ?4)",
                    params![holder, label, exp, me],
                )?;
                Lease::Leader {
                    epoch: 1,
                    expires_at,
                }
            }
            Some((h, _, until, epoch))
                if h == holder && parse_ts(&until).is_some_and(|u| u > now) =>
            {
                tx.execute("UPDATE sync_lease SET expires_at = ?1 WHERE id = 1", [exp])?;
                Lease::Leader {
                    epoch: epoch as u64,
                    expires_at,
                }
            }
            Some((_, _, until, epoch)) if parse_ts(&until).is_none_or(|u| u <= now) => {
                // A takeover (also our own lapsed lease): a new epoch fences off
                // whoever pushed before.
                tx.execute(
                    "UPDATE sync_lease SET holder = ?1, label = ?2, expires_at = ?3, epoch = ?4, process = ?5 WHERE id = 1",
                    params![holder, label, exp, epoch + 1, me],
                )?;
                Lease::Leader {
                    epoch: (epoch + 1) as u64,
                    expires_at,
                }
            }
            Some((_, l, until, _)) => Lease::Follower {
                label: l,
                expires_at: parse_ts(&until).unwrap_or(now),
            },
        };
        Ok(lease)
        })
    }

    /// After the hub fenced off a push: the hub has seen `hub_epoch`, newer than the
    /// `used` epoch. If the lease is still this holder's with that same epoch, the hub
    /// saw epochs this journal never gave out (a new or restored journal): the lease is
    /// taken again at max(journal, hub) + 1 and the new epoch returned. If another
    /// process took the lease meanwhile (a paused ex-leader), `None`: stay fenced.
    pub fn retake_lease(
        &mut self,
        holder: &str,
        used: u64,
        hub_epoch: u64,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<u64>, JournalError> {
        let exp = timestamp(now + chrono(ttl));
        let next = used.max(hub_epoch).saturating_add(1);
        let Ok(next_i) = i64::try_from(next) else {
            return Ok(None);
        };
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE sync_lease SET epoch = ?3, expires_at = ?4
                 WHERE id = 1 AND holder = ?1 AND epoch = ?2 AND expires_at > ?5",
                params![holder, used as i64, next_i, exp, timestamp(now)],
            )?;
            Ok((n == 1).then_some(next))
        })
    }

    /// Raises this terminal's receipt counters to at least the hub's last numbers (a
    /// journal that replaces another for the terminal continues its numbering).
    pub fn continue_numbers(
        &mut self,
        terminal: &str,
        last_pre_receipt: u64,
        last_fiscal_receipt: u64,
    ) -> Result<(), JournalError> {
        self.write(|tx| {
            for (name, last) in [
                ("pre_receipt", last_pre_receipt),
                ("fiscal_receipt", last_fiscal_receipt),
            ] {
                let Ok(last) = i64::try_from(last) else {
                    continue;
                };
                if last == 0 {
                    continue;
                }
                let before: i64 = tx
                    .query_row(
                        "SELECT value FROM counters WHERE terminal_id = ?1 AND name = ?2",
                        params![terminal, name],
                        |r| r.get(0),
                    )
                    .optional()?
                    .unwrap_or(0);
                if last <= before {
                    continue;
                }
                tx.execute(
                    "INSERT INTO counters (terminal_id, name, value) VALUES (?1, ?2, ?3)
                     ON CONFLICT (terminal_id, name) DO UPDATE SET value = max(value, ?3)",
                    params![terminal, name, last],
                )?;
                // The jump is journaled (terminal chain), so `verify` knows the
                // numbers between were given by the journal this one replaced.
                super::users::record(
                    tx,
                    &format!("counter:{terminal}:{name}"),
                    chrono::Utc::now(),
                    NUMBERS_CONTINUED,
                    serde_json::json!({ "from": before, "to": last }),
                    "sync",
                )?;
            }
            Ok(())
        })
    }

    /// Gives the lease up at once (a clean exit), so a follower takes over without
    /// waiting for it to lapse.
    pub fn release_lease(&mut self, holder: &str) -> Result<(), JournalError> {
        self.conn
            .execute(
                "UPDATE sync_lease SET expires_at = '1970-01-01T00:00:00.000Z' WHERE id = 1 AND holder = ?1",
                [holder],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Queued payments due for a push at `now`, first queued first.
    pub fn due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<Outgoing>, JournalError> {
        let journal_id = self.journal_id()?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, attempts, terminal_id, operator_code, account, amount_minor, fee_minor, total_minor,
                        pre_receipt_no, fiscal_receipt_no, shift_no, accepted_at
                 FROM payments WHERE delivery = 'queued' AND next_attempt_at <= ?1
                 ORDER BY next_attempt_at, id LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![timestamp(now), limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    [
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, i64>(7)?,
                    ],
                    [
                        r.get::<_, i64>(8)?,
                        r.get::<_, i64>(9)?,
                        r.get::<_, i64>(10)?,
                    ],
                    r.get::<_, String>(11)?,
                ))
            })
            .and_then(|r| r.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(
                |(id, attempts, terminal, operator, account, money, numbers, accepted_at)| {
                    let bad = |detail: &str| JournalError::BadRow {
                        id: id.clone(),
                        detail: detail.into(),
                    };
                    let m = |v: i64| Money::from_minor(v).ok_or_else(|| bad("negative money"));
                    Ok(Outgoing {
                        id: id.parse().map_err(|_| bad("id is not a UUID"))?,
                        attempts: attempts as u32,
                        payment: OutgoingPayment {
                            terminal_id: terminal,
                            operator,
                            account,
                            amount: m(money[0])?,
                            fee: m(money[1])?,
                            total: m(money[2])?,
                            pre_receipt_no: numbers[0] as u64,
                            fiscal_receipt_no: numbers[1] as u64,
                            shift_no: numbers[2] as u64,
                            accepted_at: parse_ts(&accepted_at)
                                .ok_or_else(|| bad("accepted_at"))?,
                            journal_id,
                        },
                    })
                },
            )
            .collect()
    }

    /// Makes every queued payment due now (the hub answers again after an outage:
    /// their backoff was about the hub, not about them). Returns how many moved.
    pub fn make_queued_due(&mut self, now: DateTime<Utc>) -> Result<usize, JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
            tx.execute(
                "UPDATE payments SET next_attempt_at = ?1 WHERE delivery = 'queued' AND next_attempt_at > ?1",
                [now_s],
            )
        })
    }

    /// When the next queued payment is due, if any is queued.
    pub fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, JournalError> {
        let s: Option<String> = self
            .conn
            .query_row(
                "SELECT min(next_attempt_at) FROM payments WHERE delivery = 'queued'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(s.as_deref().and_then(parse_ts))
    }

    /// Records a batch of pushes in one transaction. Every attempt becomes an event;
    /// the payment's row changes only while it is still queued (another process may
    /// have recorded its delivery first).
    pub fn record_pushes(
        &mut self,
        results: &[PushResult],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
        for r in results {
            let id = r.id.to_string();
            let changed = match &r.outcome {
                AttemptOutcome::Delivered { .. } => {
                    let s = r.status.as_ref();
                    tx.execute(
                        "UPDATE payments SET delivery = 'delivered', attempts = ?2, last_error = NULL, next_attempt_at = NULL,
                            hub_status = ?3, hub_reason = ?4, hub_status_at = ?5
                         WHERE id = ?1 AND delivery = 'queued'",
                        params![
                            id,
                            r.attempt,
                            s.map(|s| s.status.as_str()),
                            s.and_then(|s| s.reason.as_ref()).map(|r| r.code.clone()),
                            now_s
                        ],
                    )
                }
                AttemptOutcome::Unknown { error, retry_at } => tx.execute(
                    "UPDATE payments SET attempts = ?2, last_error = ?3, next_attempt_at = ?4
                     WHERE id = ?1 AND delivery = 'queued'",
                    params![id, r.attempt, error, timestamp(*retry_at)],
                ),
                AttemptOutcome::Refused { code, message } => tx.execute(
                    "UPDATE payments SET delivery = 'refused', attempts = ?2, last_error = ?3, next_attempt_at = NULL
                     WHERE id = ?1 AND delivery = 'queued'",
                    params![id, r.attempt, format!("{code}: {message}")],
                ),
                AttemptOutcome::Fenced { message } => tx.execute(
                    "UPDATE payments SET attempts = ?2, last_error = ?3 WHERE id = ?1 AND delivery = 'queued'",
                    params![id, r.attempt, message],
                ),
            }
            ?;
            let attempt = DeliveryEvent::DeliveryAttempt {
                attempt: r.attempt,
                epoch: r.epoch,
                outcome: r.outcome.clone(),
            };
            event_row(tx, &id, &now_s, &attempt, actor)?;
            if changed == 0 {
                continue;
            }
            if let Some(s) = &r.status {
                let e = DeliveryEvent::HubStatus {
                    status: s.status,
                    reason: s.reason.clone(),
                };
                event_row(tx, &id, &now_s, &e, actor)?;
            }
        }
        Ok(())
        })
    }

    /// Delivered payments whose hub status is not final, least recently changed first.
    pub fn to_poll(&self, limit: usize) -> Result<Vec<PaymentId>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id FROM payments WHERE delivery = 'delivered' AND hub_status IN ('accepted', 'processing')
                 ORDER BY hub_status_at LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let ids: Vec<String> = stmt
            .query_map([limit as i64], |r| r.get(0))
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        Ok(ids.iter().filter_map(|s| s.parse().ok()).collect())
    }

    /// Records polled statuses: each change as an event; a status that has not
    /// changed for `stuck_after` flags the payment stuck (once). Payments the hub says
    /// it never saw go back to the queue.
    pub fn record_statuses(
        &mut self,
        statuses: &[HubAnswer],
        unknown: &[PaymentId],
        actor: &str,
        now: DateTime<Utc>,
        stuck_after: Duration,
    ) -> Result<(), JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
        for s in statuses {
            let id = s.id.to_string();
            let row: Option<(Option<String>, Option<String>, i64, i64)> = tx
                .query_row(
                    "SELECT hub_status, hub_status_at, stuck, amount_minor FROM payments WHERE id = ?1 AND delivery = 'delivered'",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((current, changed_at, stuck, amount)) = row else {
                continue;
            };
            // A status about this payment with another amount is not about this
            // payment: not recorded.
            if s.amount.is_some_and(|a| a.minor() != amount) {
                tracing::warn!(payment = %id, "the hub's status carries another amount: ignored");
                continue;
            }
            if current.as_deref().and_then(status_of) != Some(s.status) {
                tx.execute(
                    "UPDATE payments SET hub_status = ?2, hub_reason = ?3, hub_status_at = ?4, stuck = 0 WHERE id = ?1",
                    params![id, s.status.as_str(), s.reason.as_ref().map(|r: &Reason| r.code.clone()), now_s],
                )?;
                let e = DeliveryEvent::HubStatus {
                    status: s.status,
                    reason: s.reason.clone(),
                };
                event_row(tx, &id, &now_s, &e, actor)?;
            } else if stuck == 0
                && is_stuck(
                    s.status,
                    changed_at.as_deref().and_then(parse_ts).unwrap_or(now),
                    now,
                    stuck_after,
                )
            {
                tx.execute("UPDATE payments SET stuck = 1 WHERE id = ?1", [&id])?;
                event_row(
                    tx,
                    &id,
                    &now_s,
                    &DeliveryEvent::FlaggedStuck { status: s.status },
                    actor,
                )?;
            }
        }
        for id in unknown {
            // The hub lost a payment it had acknowledged: send it again (same id).
            tx.execute(
                "UPDATE payments SET delivery = 'queued', next_attempt_at = ?2, last_error = 'the hub no longer knows this payment'
                 WHERE id = ?1 AND delivery = 'delivered'",
                params![id.to_string(), now_s],
            )?;
        }
        Ok(())
        })
    }

    /// Records the hub's answer to a status request for `asked`: the statuses it gave,
    /// and those asked about that it does not know (`unknown`: back to the queue).
    pub fn record_status_answer(
        &mut self,
        asked: &[PaymentId],
        answered: &[HubAnswer],
        unknown: &[uuid::Uuid],
        actor: &str,
        now: DateTime<Utc>,
        stuck_after: Duration,
    ) -> Result<(), JournalError> {
        let unknown: Vec<PaymentId> = asked
            .iter()
            .copied()
            .filter(|i| unknown.contains(&i.uuid()))
            .collect();
        self.record_statuses(answered, &unknown, actor, now, stuck_after)
    }

    /// Delivery at a glance.
    pub fn delivery_summary(&self) -> Result<DeliverySummary, JournalError> {
        self.conn
            .query_row(SUMMARY_SQL, [], |r| {
                Ok(DeliverySummary {
                    queued: r.get::<_, i64>(0)? as u64,
                    oldest_queued_at: r.get::<_, Option<String>>(1)?.as_deref().and_then(parse_ts),
                    refused: r.get::<_, i64>(2)? as u64,
                    awaiting_status: r.get::<_, i64>(3)? as u64,
                    stuck: r.get::<_, i64>(4)? as u64,
                })
            })
            .map_err(|e| self.err(e))
    }

    /// The amounts of a terminal's accepted payments not yet registered at the hub
    /// (queued): they will take that much of the agent's balance there.
    pub fn undelivered_amount(&self, terminal_id: &str) -> Result<Money, JournalError> {
        let minor: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(amount_minor), 0) FROM payments INDEXED BY payments_due
                 WHERE terminal_id = ?1 AND delivery = 'queued'",
                [terminal_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(Money::from_minor(minor).unwrap_or_default())
    }

    /// A payment's delivery state and hub status.
    pub fn delivery_of(
        &self,
        id: PaymentId,
    ) -> Result<(Option<Delivery>, Option<HubStatus>, u32), JournalError> {
        self.conn
            .query_row(
                "SELECT delivery, hub_status, attempts FROM payments WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?
                            .as_deref()
                            .and_then(Delivery::parse),
                        r.get::<_, Option<String>>(1)?
                            .as_deref()
                            .and_then(status_of),
                        r.get::<_, i64>(2)? as u32,
                    ))
                },
            )
            .map_err(|e| self.err(e))
    }
}
