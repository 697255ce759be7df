//! What support staff look at: payments that did not go through (stuck, failing
//! delivery, refused, failed at the operator), finding a payment by receipt number,
//! account or id, and sending one again now.

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::domain::money::Money;
use crate::domain::payment::PaymentId;

use super::{Journal, JournalError, timestamp};

/// Why a payment is on the support list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    /// Its hub status has not moved in time.
    Stuck,
    /// Delivery keeps failing (it is still queued after tries).
    Failing,
    /// The hub refused it for good.
    Refused,
    /// The operator did not credit it.
    Failed,
    /// Nothing wrong (found by a search).
    None,
}

/// One payment as support sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportRow {
    /// The payment.
    pub id: PaymentId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Fiscal receipt number.
    pub fiscal_receipt_no: Option<u64>,
    /// Operator name.
    pub operator: String,
    /// Account.
    pub account: String,
    /// Cash taken.
    pub total: Money,
    /// State at the till.
    pub state: String,
    /// Delivery ("queued", "delivered", "refused").
    pub delivery: Option<String>,
    /// Tries to deliver.
    pub attempts: u32,
    /// The last delivery error.
    pub last_error: Option<String>,
    /// When it is sent next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The hub's status.
    pub hub_status: Option<String>,
    /// The hub's reason code.
    pub hub_reason: Option<String>,
    /// Since when the hub's status is what it is.
    pub hub_status_at: Option<DateTime<Utc>>,
    /// Why it is listed.
    pub trouble: Trouble,
}

fn ts(s: Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().and_then(crate::domain::time::parse_stored)
}

const COLUMNS: &str =
    "id, created_at, fiscal_receipt_no, operator_name, account, total_minor, state,
    delivery, attempts, last_error, next_attempt_at, hub_status, hub_reason, hub_status_at, stuck";

fn row(r: &rusqlite::Row) -> rusqlite::Result<SupportRow> {
    let id: String = r.get(0)?;
    let delivery: Option<String> = r.get(7)?;
    let attempts = r.get::<_, i64>(8)? as u32;
    let hub_status: Option<String> = r.get(11)?;
    let stuck = r.get::<_, i64>(14)? != 0;
    let trouble = match (delivery.as_deref(), hub_status.as_deref()) {
        (Some("refused"), _) => Trouble::Refused,
        _ if stuck => Trouble::Stuck,
        (Some("queued"), _) if attempts > 0 => Trouble::Failing,
        (_, Some("failed")) => Trouble::Failed,
        _ => Trouble::None,
    };
    Ok(SupportRow {
        id: id.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("bad payment id {id}").into(),
            )
        })?,
        created_at: ts(Some(r.get(1)?)).unwrap_or_default(),
        fiscal_receipt_no: r.get::<_, Option<i64>>(2)?.map(|n| n as u64),
        operator: r.get(3)?,
        account: r.get(4)?,
        total: Money::from_minor(r.get(5)?).unwrap_or_default(),
        state: r.get(6)?,
        delivery,
        attempts,
        last_error: r.get(9)?,
        next_attempt_at: ts(r.get(10)?),
        hub_status,
        hub_reason: r.get(12)?,
        hub_status_at: ts(r.get(13)?),
        trouble,
    })
}

/// The troubled payments' query: each kind of trouble from its own partial index
/// (migration 13), so its cost follows the few troubled payments, never years of good
/// ones.
pub(crate) fn troubled_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM payments p
         WHERE p.id IN (SELECT id FROM payments WHERE stuck = 1
                        UNION ALL SELECT id FROM payments WHERE delivery = 'refused'
                        UNION ALL SELECT id FROM payments
                                   WHERE delivery = 'queued' AND attempts > 0
                        UNION ALL SELECT id FROM payments WHERE hub_status = 'failed')
           AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id)
         ORDER BY created_at LIMIT ?1"
    )
}

impl Journal {
    /// Payments that did not go through: stuck, failing delivery, refused by the hub,
    /// failed at the operator — except those already fixed by a finished correction
    /// or a refund — oldest first.
    pub fn troubled_payments(&self, limit: usize) -> Result<Vec<SupportRow>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(&troubled_sql())
            .map_err(|e| self.err(e))?;
        stmt.query_map([limit as i64], row)
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))
    }

    /// Finds payments of this terminal by fiscal receipt number, account (or part of
    /// it, at least 4 digits) or payment id; newest first.
    pub fn find_payments(
        &self,
        terminal_id: &str,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SupportRow>, JournalError> {
        let q = query.trim();
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let by_id = q.parse::<PaymentId>().ok().map(|id| id.to_string());
        // "17" or "№ 17" is a receipt number; 4+ digits may also be part of an account.
        let number = q.trim_start_matches(['№', 'N', 'o', '.', ' ']);
        let receipt: Option<i64> = (number.len() <= 9
            && number.chars().all(|c| c.is_ascii_digit()))
        .then(|| number.parse().ok())
        .flatten();
        let account = (digits.len() >= 4).then(|| format!("%{digits}%"));
        // The short id on the pre-receipt: the id's last 8 hex digits.
        let short = PaymentId::is_short(q).then(|| format!("%{}", q.to_ascii_lowercase()));
        if by_id.is_none() && receipt.is_none() && account.is_none() && short.is_none() {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM payments
                 WHERE terminal_id = ?1
                   AND (id = ?2 OR fiscal_receipt_no = ?3 OR account LIKE ?4 OR id LIKE ?6)
                 ORDER BY created_at DESC LIMIT ?5"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map(
            params![terminal_id, by_id, receipt, account, limit as i64, short],
            row,
        )
        .and_then(|r| r.collect())
        .map_err(|e| self.err(e))
    }

    /// The payments of a terminal whose id ends with `short` (see
    /// [`PaymentId::short`]); more than one means the short id is ambiguous.
    pub fn payments_by_short_id(
        &self,
        terminal_id: &str,
        short: &str,
    ) -> Result<Vec<PaymentId>, JournalError> {
        if !PaymentId::is_short(short) {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id FROM payments WHERE terminal_id = ?1 AND id LIKE ?2 ORDER BY created_at",
            )
            .map_err(|e| self.err(e))?;
        let ids: Vec<String> = stmt
            .query_map(
                params![terminal_id, format!("%{}", short.to_ascii_lowercase())],
                |r| r.get(0),
            )
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        Ok(ids.iter().filter_map(|i| i.parse().ok()).collect())
    }

    /// One payment as support sees it.
    pub fn support_row(&self, id: PaymentId) -> Result<SupportRow, JournalError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM payments WHERE id = ?1"),
                [id.to_string()],
                row,
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => JournalError::NotFound(id),
                e => self.err(e),
            })
    }

    /// Sends a queued payment (and its drafted correction) at the next sync round
    /// instead of waiting for its backoff. Returns false when there is nothing to send.
    pub fn retry_now(&mut self, id: PaymentId, now: DateTime<Utc>) -> Result<bool, JournalError> {
        let now_s = timestamp(now);
        self.write(|tx| {
            let p = tx.execute(
                "UPDATE payments SET next_attempt_at = ?2 WHERE id = ?1 AND delivery = 'queued'",
                params![id.to_string(), now_s],
            )?;
            let c = tx.execute(
                "UPDATE corrections SET next_attempt_at = ?2 WHERE payment_id = ?1 AND state = 'draft'",
                params![id.to_string(), now_s],
            )?;
            Ok(p + c > 0)
        })
    }
}
