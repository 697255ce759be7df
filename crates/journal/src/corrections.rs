//! Correction requests and refunds in the journal.
//!
//! A request is written with its eligibility checked again inside the same
//! transaction ([`crate::domain::correction::eligibility`] on the facts as they are
//! then), so two tills cannot both correct one payment; `corrections_one_open` and
//! `refunds` (one row per payment, a trigger refusing more than the cash taken) say
//! the same in SQL. Every step is a payment event ([`CorrectionEvent`]) in the audit
//! chain, so the payment's timeline shows it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::domain::correction::{
    self, CorrectionEvent, CorrectionKind, CorrectionState, Facts, kind_str, parse_kind,
};
use crate::domain::delivery::Delivery;
use crate::domain::hub::{HubStatus, Reason};
use crate::domain::money::Money;
use crate::domain::payment::{PaymentId, StateName};

use super::{Journal, JournalError, chain, next_number, timestamp};

/// The hub's reason code for a failure that may not repeat.
pub const TECHNICAL_FAILURE: &str = "operator_technical_error";

/// A correction as asked for at the till.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCorrection {
    /// Its id (UUID v7), also its id at the hub.
    pub id: Uuid,
    /// The payment.
    pub payment_id: PaymentId,
    /// Which correction.
    pub kind: CorrectionKind,
    /// Why.
    pub reason: String,
    /// The right account (move).
    pub new_account: Option<String>,
    /// The approving manager (cancel, refund).
    pub approved_by: Option<String>,
    /// The original fiscal receipt's number, checked against the payment.
    pub fiscal_receipt_no: u64,
}

/// A correction request as journaled, with what the support view shows of its payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// Its id.
    pub id: Uuid,
    /// The payment.
    pub payment_id: PaymentId,
    /// The terminal.
    pub terminal_id: String,
    /// Which correction.
    pub kind: CorrectionKind,
    /// Where it stands.
    pub state: CorrectionState,
    /// Why it was asked for.
    pub reason: String,
    /// The right account (move).
    pub new_account: Option<String>,
    /// The approving manager.
    pub approved_by: Option<String>,
    /// The original receipt.
    pub fiscal_receipt_no: u64,
    /// The hub's reason (rejected, needs info): "code: words".
    pub hub_reason: Option<String>,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// Who asked.
    pub created_by: String,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
    /// When support should chase it.
    pub due_at: DateTime<Utc>,
    /// Tries to hand it to the hub.
    pub attempts: u32,
    /// The last try's error.
    pub last_error: Option<String>,
    /// The payment's operator.
    pub operator: String,
    /// The payment's account.
    pub account: String,
    /// The cash taken.
    pub total: Money,
}

/// Cash given back for a payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    /// The payment.
    pub payment_id: PaymentId,
    /// The refund request.
    pub correction_id: Uuid,
    /// The refund receipt's number (gapless per terminal).
    pub refund_no: u64,
    /// The shift the cash left.
    pub shift_no: u64,
    /// How much.
    pub amount: Money,
    /// The approving manager.
    pub approved_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The refund receipt came out.
    pub printed: bool,
}

fn ts(s: &str) -> DateTime<Utc> {
    crate::domain::time::parse_stored(s).unwrap_or_default()
}

fn event(
    tx: &Transaction,
    payment: &str,
    at: &str,
    e: &CorrectionEvent,
    actor: &str,
) -> rusqlite::Result<()> {
    let data = serde_json::to_string(e).expect("events serialise");
    chain::append(tx, payment, at, e.kind(), &data, actor)
}

const COLUMNS: &str = "c.id, c.payment_id, c.terminal_id, c.kind, c.state, c.reason, c.new_account,
    c.approved_by, c.fiscal_receipt_no, c.hub_reason, c.created_at, c.created_by, c.updated_at,
    c.due_at, c.attempts, c.last_error, p.operator_name, p.account, p.total_minor";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Correction> {
    let bad = |i, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let id: String = r.get(0)?;
    let payment: String = r.get(1)?;
    let kind: String = r.get(3)?;
    let state: String = r.get(4)?;
    Ok(Correction {
        id: Uuid::parse_str(&id).map_err(|e| bad(0, e.to_string()))?,
        payment_id: payment.parse().map_err(|_| bad(1, payment.clone()))?,
        terminal_id: r.get(2)?,
        kind: parse_kind(&kind).ok_or_else(|| bad(3, kind.clone()))?,
        state: CorrectionState::parse(&state).ok_or_else(|| bad(4, state.clone()))?,
        reason: r.get(5)?,
        new_account: r.get(6)?,
        approved_by: r.get(7)?,
        fiscal_receipt_no: r.get::<_, i64>(8)? as u64,
        hub_reason: r.get(9)?,
        created_at: ts(&r.get::<_, String>(10)?),
        created_by: r.get(11)?,
        updated_at: ts(&r.get::<_, String>(12)?),
        due_at: ts(&r.get::<_, String>(13)?),
        attempts: r.get::<_, i64>(14)? as u32,
        last_error: r.get(15)?,
        operator: r.get(16)?,
        account: r.get(17)?,
        total: Money::from_minor(r.get(18)?).unwrap_or_default(),
    })
}

/// The facts eligibility is decided on, read inside `tx`.
fn facts_in(conn: &rusqlite::Connection, payment: &str) -> rusqlite::Result<Option<Facts>> {
    let base = conn
        .query_row(
            "SELECT state, delivery, hub_status, hub_reason, stuck FROM payments WHERE id = ?1",
            [payment],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            },
        )
        .optional()?;
    let Some((state, delivery, hub_status, hub_reason, stuck)) = base else {
        return Ok(None);
    };
    let open: Option<String> = conn
        .query_row(
            "SELECT kind FROM corrections WHERE payment_id = ?1
               AND state IN ('draft', 'submitted', 'accepted', 'needs_info')",
            [payment],
            |r| r.get(0),
        )
        .optional()?;
    let refunded: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM refunds WHERE payment_id = ?1)",
        [payment],
        |r| r.get(0),
    )?;
    Ok(Some(Facts {
        state: StateName::parse(&state).unwrap_or(StateName::Draft),
        delivery: delivery.as_deref().and_then(Delivery::parse),
        hub_status: hub_status.as_deref().and_then(|s| {
            serde_json::from_value::<HubStatus>(serde_json::Value::String(s.into())).ok()
        }),
        technical_failure: hub_reason.as_deref() == Some(TECHNICAL_FAILURE),
        stuck: stuck != 0,
        open: open.as_deref().and_then(parse_kind),
        refunded,
    }))
}

impl Journal {
    /// What eligibility is decided on for a payment, as the journal has it now.
    pub fn correction_facts(&self, payment: PaymentId) -> Result<Facts, JournalError> {
        facts_in(&self.conn, &payment.to_string())
            .map_err(|e| self.err(e))?
            .ok_or(JournalError::NotFound(payment))
    }

    /// Journals a correction request (and for a refund, the cash given back with its
    /// refund receipt number, in the open shift), after checking eligibility again in
    /// the same transaction. Returns the refund when there is one.
    pub fn request_correction(
        &mut self,
        c: &NewCorrection,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Refund>, JournalError> {
        let pid = c.payment_id.to_string();
        let now_s = timestamp(now);
        let outcome = self.write(|tx| {
            let Some(facts) = facts_in(tx, &pid)? else {
                return Ok(Err(JournalError::NotFound(c.payment_id)));
            };
            if let Err(refusal) = correction::eligibility(c.kind, &facts) {
                return Ok(Err(JournalError::NotEligible(refusal)));
            }
            let (terminal, total): (String, i64) = tx.query_row(
                "SELECT terminal_id, total_minor FROM payments WHERE id = ?1",
                [&pid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            // A refund's cash leaves the drawer of the open shift: without one, nothing
            // is written (checked before the first write, so the refusal commits nothing).
            let shift: Option<i64> = tx
                .query_row(
                    "SELECT number FROM shifts WHERE terminal_id = ?1 AND closed_at IS NULL",
                    [&terminal],
                    |r| r.get(0),
                )
                .optional()?;
            if c.kind == CorrectionKind::Refund && shift.is_none() {
                return Ok(Err(JournalError::NoShift));
            }
            tx.execute(
                "INSERT INTO corrections (id, payment_id, terminal_id, kind, state, reason, new_account,
                    approved_by, fiscal_receipt_no, created_at, created_by, updated_at, due_at, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?11, ?9)",
                params![
                    c.id.to_string(),
                    pid,
                    terminal,
                    kind_str(c.kind),
                    c.reason.trim(),
                    c.new_account,
                    c.approved_by,
                    c.fiscal_receipt_no as i64,
                    now_s,
                    actor,
                    timestamp(correction::due_at(now)),
                ],
            )?;
            event(
                tx,
                &pid,
                &now_s,
                &CorrectionEvent::CorrectionRequested {
                    correction: c.id,
                    kind: c.kind,
                    reason: c.reason.trim().to_string(),
                    new_account: c.new_account.clone(),
                    approved_by: c.approved_by.clone(),
                    fiscal_receipt_no: c.fiscal_receipt_no,
                },
                actor,
            )?;
            let (CorrectionKind::Refund, Some(shift)) = (c.kind, shift) else {
                return Ok(Ok(None));
            };
            let refund_no = next_number(tx, &terminal, "refund_receipt")?;
            let approved_by = c.approved_by.clone().unwrap_or_default();
            tx.execute(
                "INSERT INTO refunds (payment_id, correction_id, terminal_id, shift_no, refund_no,
                    amount_minor, approved_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    pid,
                    c.id.to_string(),
                    terminal,
                    shift,
                    refund_no as i64,
                    total,
                    approved_by,
                    now_s
                ],
            )?;
            let amount = Money::from_minor(total).unwrap_or_default();
            event(
                tx,
                &pid,
                &now_s,
                &CorrectionEvent::RefundPaid {
                    correction: c.id,
                    refund_no,
                    amount,
                    shift_no: shift as u64,
                    approved_by: approved_by.clone(),
                },
                actor,
            )?;
            Ok(Ok(Some(Refund {
                payment_id: c.payment_id,
                correction_id: c.id,
                refund_no,
                shift_no: shift as u64,
                amount,
                approved_by,
                created_at: now,
                printed: false,
            })))
        })?;
        // Every refusal above returns before the first write, so committing it
        // wrote nothing.
        outcome
    }

    /// Correction requests in these states (all when empty): those needing a person
    /// first (more information asked, rejected), then those waiting, then done; oldest
    /// first within a state.
    pub fn corrections(&self, states: &[CorrectionState]) -> Result<Vec<Correction>, JournalError> {
        let all: Vec<&str> = CorrectionState::ALL.iter().map(|s| s.as_str()).collect();
        let wanted: Vec<&str> = if states.is_empty() {
            all
        } else {
            states.iter().map(|s| s.as_str()).collect()
        };
        let list = wanted
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM corrections c JOIN payments p ON p.id = c.payment_id
                 WHERE c.state IN ({list})
                 ORDER BY CASE c.state WHEN 'needs_info' THEN 0 WHEN 'rejected' THEN 1
                   WHEN 'draft' THEN 2 WHEN 'submitted' THEN 3 WHEN 'accepted' THEN 4 ELSE 5 END,
                   c.created_at"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map([], row)
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))
    }

    /// A payment's correction requests, oldest first.
    pub fn corrections_of(&self, payment: PaymentId) -> Result<Vec<Correction>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM corrections c JOIN payments p ON p.id = c.payment_id
                 WHERE c.payment_id = ?1 ORDER BY c.created_at"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map([payment.to_string()], row)
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))
    }

    /// One correction request.
    pub fn correction(&self, id: Uuid) -> Result<Option<Correction>, JournalError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM corrections c JOIN payments p ON p.id = c.payment_id
                     WHERE c.id = ?1"
                ),
                [id.to_string()],
                row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Drafts due to be handed to the hub.
    pub fn corrections_to_submit(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<Correction>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM corrections c JOIN payments p ON p.id = c.payment_id
                 WHERE c.state = 'draft' AND c.next_attempt_at <= ?1
                 ORDER BY c.next_attempt_at LIMIT ?2"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![timestamp(now), limit as i64], row)
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))
    }

    /// Requests the hub has and has not finished, least recently changed first.
    pub fn corrections_to_poll(&self, limit: usize) -> Result<Vec<Uuid>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id FROM corrections WHERE state IN ('submitted', 'accepted', 'needs_info')
                 ORDER BY updated_at LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let ids: Vec<String> = stmt
            .query_map([limit as i64], |r| r.get(0))
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        Ok(ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect())
    }

    /// A try to hand a draft to the hub got no usable answer: count it, retry later.
    pub fn record_correction_attempt(
        &mut self,
        id: Uuid,
        error: &str,
        retry_at: DateTime<Utc>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<(), JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
            let row: Option<(String, i64)> = tx
                .query_row(
                    "UPDATE corrections SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
                     WHERE id = ?1 AND state = 'draft' RETURNING payment_id, attempts",
                    params![id.to_string(), error, timestamp(retry_at)],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((payment, attempt)) = row {
                event(
                    tx,
                    &payment,
                    &now_s,
                    &CorrectionEvent::CorrectionAttempt {
                        correction: id,
                        attempt: attempt as u32,
                        error: error.to_string(),
                    },
                    actor,
                )?;
            }
            Ok(())
        })
    }

    /// The hub's answer about a request: a change of state is journaled (once);
    /// returns true when it changed.
    pub fn record_correction_answer(
        &mut self,
        id: Uuid,
        state: CorrectionState,
        reason: Option<&Reason>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
            let row: Option<(String, String)> = tx
                .query_row(
                    "SELECT payment_id, state FROM corrections WHERE id = ?1",
                    [id.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((payment, current)) = row else {
                return Ok(false);
            };
            // Final states stay final; the same answer twice is one change.
            let current = CorrectionState::parse(&current).unwrap_or(CorrectionState::Draft);
            if current == state || !current.is_open() {
                return Ok(false);
            }
            tx.execute(
                "UPDATE corrections SET state = ?2, hub_reason = ?3, updated_at = ?4, next_attempt_at = NULL,
                    last_error = NULL
                 WHERE id = ?1",
                params![
                    id.to_string(),
                    state.as_str(),
                    reason.map(|r| format!("{}: {}", r.code, r.message)),
                    now_s
                ],
            )?;
            event(
                tx,
                &payment,
                &now_s,
                &CorrectionEvent::CorrectionAnswered {
                    correction: id,
                    state,
                    reason: reason.cloned(),
                },
                actor,
            )?;
            Ok(true)
        })
    }

    /// The cash given back for a payment, if any.
    pub fn refund_of(&self, payment: PaymentId) -> Result<Option<Refund>, JournalError> {
        self.conn
            .query_row(
                "SELECT payment_id, correction_id, refund_no, shift_no, amount_minor, approved_by,
                        created_at, printed
                 FROM refunds WHERE payment_id = ?1",
                [payment.to_string()],
                |r| {
                    let p: String = r.get(0)?;
                    let c: String = r.get(1)?;
                    Ok(Refund {
                        payment_id: p.parse().unwrap_or(payment),
                        correction_id: Uuid::parse_str(&c).unwrap_or_default(),
                        refund_no: r.get::<_, i64>(2)? as u64,
                        shift_no: r.get::<_, i64>(3)? as u64,
                        amount: Money::from_minor(r.get(4)?).unwrap_or_default(),
                        approved_by: r.get(5)?,
                        created_at: ts(&r.get::<_, String>(6)?),
                        printed: r.get::<_, i64>(7)? == 1,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The refund receipt came out.
    pub fn mark_refund_printed(
        &mut self,
        refund: &Refund,
        document: Option<crate::domain::payment::FiscalDocumentRef>,
        actor: &str,
    ) -> Result<(), JournalError> {
        let now_s = timestamp(Utc::now());
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE refunds SET printed = 1 WHERE payment_id = ?1 AND printed = 0",
                [refund.payment_id.to_string()],
            )?;
            if changed == 1 {
                event(
                    tx,
                    &refund.payment_id.to_string(),
                    &now_s,
                    &CorrectionEvent::RefundReceiptPrinted {
                        refund_no: refund.refund_no,
                        document: document.clone(),
                    },
                    actor,
                )?;
            }
            Ok(())
        })
    }

    /// Journals that the fiscal register is about to issue a refund's return receipt,
    /// after its document `after_document`.
    pub fn refund_issue_started(
        &mut self,
        refund: &Refund,
        after_document: u32,
        actor: &str,
    ) -> Result<(), JournalError> {
        let now_s = timestamp(Utc::now());
        self.write(|tx| {
            event(
                tx,
                &refund.payment_id.to_string(),
                &now_s,
                &CorrectionEvent::RefundReceiptIssueStarted {
                    refund_no: refund.refund_no,
                    after_document,
                },
                actor,
            )
        })
    }

    /// The register's last document before the latest attempt at a refund's return
    /// receipt, if one was started.
    pub fn refund_issue_after(&self, payment: PaymentId) -> Result<Option<u32>, JournalError> {
        self.conn
            .query_row(
                "SELECT json_extract(data, '$.after_document') FROM payment_events
                 WHERE payment_id = ?1 AND kind = 'refund_receipt_issue_started'
                 ORDER BY seq DESC LIMIT 1",
                [payment.to_string()],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map(|o| o.map(|n| n as u32))
            .map_err(|e| self.err(e))
    }
}
