//! Daily reconciliation as the journal keeps it: a business day's accepted payments
//! (one side of the comparison), the last run per day, and each difference found —
//! open until a later run of the same day no longer finds it or someone explains it
//! with a reason. Runs and explanations are terminal events in the audit chain.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use uuid::Uuid;

use crate::domain::hub::HubStatus;
use crate::domain::money::Money;
use crate::domain::reconcile::{Difference, DifferenceKind, HubSide, JournalSide};

use super::{Journal, JournalError, timestamp};

/// A difference as kept: what was found, when, and whether it is settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDifference {
    /// The business day, `YYYY-MM-DD`.
    pub date: String,
    /// What was found.
    pub difference: Difference,
    /// When it was first found.
    pub found_at: DateTime<Utc>,
    /// When a later run no longer found it.
    pub gone_at: Option<DateTime<Utc>>,
    /// Who explained it, when, and why.
    pub explained: Option<Explained>,
}

/// An explanation of a difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explained {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: String,
    /// Why it is not a problem, or what was done.
    pub reason: String,
}

/// A business day's last run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconciliationRun {
    /// The business day.
    pub date: String,
    /// When it ran.
    pub run_at: DateTime<Utc>,
    /// Payments in the journal for the day.
    pub journal_n: u64,
    /// Payments in the hub's registry for the day.
    pub hub_n: u64,
    /// Differences found.
    pub differences: u64,
    /// Who ran it (a user, or the sync worker).
    pub actor: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Detail {
    journal: Option<JournalSide>,
    hub: Option<HubSide>,
}

fn time(s: &str) -> DateTime<Utc> {
    crate::domain::time::parse_stored(s).unwrap_or_default()
}

fn parse_status(s: &str) -> Option<HubStatus> {
    [
        HubStatus::Accepted,
        HubStatus::Processing,
        HubStatus::Completed,
        HubStatus::Failed,
        HubStatus::Cancelled,
        HubStatus::Refunded,
    ]
    .into_iter()
    .find(|h| h.as_str() == s)
}

fn stored(r: &Row) -> rusqlite::Result<StoredDifference> {
    let kind: String = r.get(2)?;
    let detail: String = r.get(3)?;
    let detail: Detail = serde_json::from_str(&detail).unwrap_or(Detail {
        journal: None,
        hub: None,
    });
    let id: String = r.get(1)?;
    let explained_at: Option<String> = r.get(6)?;
    Ok(StoredDifference {
        date: r.get(0)?,
        difference: Difference {
            // The table's CHECK admits only the known words.
            kind: DifferenceKind::parse(&kind).unwrap_or(DifferenceKind::Status),
            payment_id: Uuid::parse_str(&id).unwrap_or_default(),
            journal: detail.journal,
            hub: detail.hub,
        },
        found_at: time(&r.get::<_, String>(4)?),
        gone_at: r.get::<_, Option<String>>(5)?.map(|s| time(&s)),
        explained: match explained_at {
            Some(at) => Some(Explained {
                at: time(&at),
                by: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                reason: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

const COLUMNS: &str =
    "date, payment_id, kind, detail, found_at, gone_at, explained_at, explained_by, reason";

impl Journal {
    /// The terminal's accepted payments whose cash was taken in `[from, to)`: the
    /// journal's side of a business day.
    pub fn accepted_between(
        &self,
        terminal_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<JournalSide>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, operator_code, account, amount_minor, total_minor, fiscal_receipt_no,
                        delivery, hub_status
                 FROM payments
                 WHERE terminal_id = ?1 AND state = 'fiscalized'
                   AND accepted_at >= ?2 AND accepted_at < ?3
                 ORDER BY fiscal_receipt_no",
            )
            .map_err(|e| self.err(e))?;
        let money = |v: i64| Money::from_minor(v).unwrap_or_default();
        stmt.query_map(params![terminal_id, timestamp(from), timestamp(to)], |r| {
            Ok(JournalSide {
                id: Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                operator: r.get(1)?,
                account: r.get(2)?,
                amount: money(r.get(3)?),
                total: money(r.get(4)?),
                fiscal_receipt_no: r.get::<_, Option<i64>>(5)?.unwrap_or(0) as u64,
                delivered: r.get::<_, Option<String>>(6)?.as_deref() == Some("delivered"),
                hub_status: r
                    .get::<_, Option<String>>(7)?
                    .as_deref()
                    .and_then(parse_status),
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }

    /// Records a business day's run: the day's last run, each difference (a new one
    /// found now, a known one kept), and those of the day no longer found marked gone.
    pub fn record_reconciliation(
        &mut self,
        terminal_id: &str,
        date: &str,
        counts: (u64, u64),
        differences: &[Difference],
        actor: &str,
    ) -> Result<ReconciliationRun, JournalError> {
        let now = Utc::now();
        let at = timestamp(now);
        self.write(|tx| {
            tx.execute(
                "INSERT INTO reconciliations (terminal_id, date, run_at, journal_n, hub_n, differences, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (terminal_id, date) DO UPDATE SET run_at = ?3, journal_n = ?4,
                     hub_n = ?5, differences = ?6, actor = ?7",
                params![
                    terminal_id,
                    date,
                    at,
                    counts.0 as i64,
                    counts.1 as i64,
                    differences.len() as i64,
                    actor
                ],
            )?;
            // Everything of the day is gone unless found again below.
            tx.execute(
                "UPDATE reconciliation_differences SET gone_at = ?3
                 WHERE terminal_id = ?1 AND date = ?2 AND gone_at IS NULL",
                params![terminal_id, date, at],
            )?;
            for d in differences {
                let detail = serde_json::to_string(&Detail {
                    journal: d.journal.clone(),
                    hub: d.hub.clone(),
                })
                .unwrap_or_default();
                tx.execute(
                    "INSERT INTO reconciliation_differences
                         (terminal_id, date, payment_id, kind, detail, found_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (terminal_id, date, payment_id, kind)
                     DO UPDATE SET detail = ?5, gone_at = NULL",
                    params![
                        terminal_id,
                        date,
                        d.payment_id.to_string(),
                        d.kind.as_str(),
                        detail,
                        at
                    ],
                )?;
            }
            let kinds: Vec<String> = differences
                .iter()
                .map(|d| format!("{}:{}", d.kind.as_str(), d.payment_id))
                .collect();
            super::users::record(
                tx,
                &format!("reconciliation:{terminal_id}:{date}"),
                now,
                "reconciled",
                serde_json::json!({
                    "journal": counts.0,
                    "hub": counts.1,
                    "differences": kinds,
                }),
                actor,
            )
        })?;
        Ok(ReconciliationRun {
            date: date.to_string(),
            run_at: now,
            journal_n: counts.0,
            hub_n: counts.1,
            differences: differences.len() as u64,
            actor: actor.to_string(),
        })
    }

    /// A business day's last run, if any.
    pub fn reconciliation_run(
        &self,
        terminal_id: &str,
        date: &str,
    ) -> Result<Option<ReconciliationRun>, JournalError> {
        self.conn
            .query_row(
                "SELECT date, run_at, journal_n, hub_n, differences, actor FROM reconciliations
                 WHERE terminal_id = ?1 AND date = ?2",
                params![terminal_id, date],
                |r| {
                    Ok(ReconciliationRun {
                        date: r.get(0)?,
                        run_at: time(&r.get::<_, String>(1)?),
                        journal_n: r.get::<_, i64>(2)? as u64,
                        hub_n: r.get::<_, i64>(3)? as u64,
                        differences: r.get::<_, i64>(4)? as u64,
                        actor: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// A business day's differences found by its last run, explained or not.
    pub fn differences_of(
        &self,
        terminal_id: &str,
        date: &str,
    ) -> Result<Vec<StoredDifference>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM reconciliation_differences
                 WHERE terminal_id = ?1 AND date = ?2 AND gone_at IS NULL
                 ORDER BY found_at, payment_id, kind"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![terminal_id, date], stored)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Differences still found and not explained, oldest day first (support view).
    pub fn open_differences(
        &self,
        terminal_id: &str,
    ) -> Result<Vec<StoredDifference>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM reconciliation_differences
                 WHERE terminal_id = ?1 AND gone_at IS NULL AND explained_at IS NULL
                 ORDER BY date, payment_id, kind"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map([terminal_id], stored)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// Marks a difference explained, with the reason, in the audit chain too.
    pub fn explain_difference(
        &mut self,
        terminal_id: &str,
        date: &str,
        payment_id: Uuid,
        kind: DifferenceKind,
        reason: &str,
        actor: &str,
    ) -> Result<(), JournalError> {
        let now = Utc::now();
        let changed = self.write(|tx| {
            let n = tx.execute(
                "UPDATE reconciliation_differences
                 SET explained_at = ?5, explained_by = ?6, reason = ?7
                 WHERE terminal_id = ?1 AND date = ?2 AND payment_id = ?3 AND kind = ?4
                   AND explained_at IS NULL",
                params![
                    terminal_id,
                    date,
                    payment_id.to_string(),
                    kind.as_str(),
                    timestamp(now),
                    actor,
                    reason
                ],
            )?;
            if n == 1 {
                super::users::record(
                    tx,
                    &format!("reconciliation:{terminal_id}:{date}"),
                    now,
                    "difference_explained",
                    serde_json::json!({
                        "payment_id": payment_id.to_string(),
                        "kind": kind.as_str(),
                        "reason": reason,
                    }),
                    actor,
                )?;
            }
            Ok(n)
        })?;
        if changed == 0 {
            return Err(JournalError::NoDifference);
        }
        Ok(())
    }

    /// The latest business days with accepted payments and no reconciliation run, up
    /// to `before` (exclusive), at most `limit` of them, oldest first; `day_of` maps a
    /// fiscal time to its business day in the shop's zone.
    pub fn unreconciled_days(
        &self,
        terminal_id: &str,
        since: DateTime<Utc>,
        day_of: impl Fn(DateTime<Utc>) -> String,
        before: &str,
    ) -> Result<Vec<String>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT accepted_at FROM payments
                 WHERE terminal_id = ?1 AND state = 'fiscalized' AND accepted_at >= ?2",
            )
            .map_err(|e| self.err(e))?;
        // Streamed into the set of days: memory follows the days, not the payments.
        let mut days: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut rows = stmt
            .query(params![terminal_id, timestamp(since)])
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let t: String = r.get(0).map_err(|e| self.err(e))?;
            days.insert(day_of(time(&t)));
        }
        drop(rows);
        let mut out = Vec::new();
        for d in days.into_iter().filter(|d| d.as_str() < before) {
            if self.reconciliation_run(terminal_id, &d)?.is_none() {
                out.push(d);
            }
        }
        Ok(out)
    }
}
