//! Shifts: opened with the cash in the drawer, one open shift per terminal, closed with
//! the cash counted. The X report (any time) and the Z report (at close) sum the
//! shift's accepted payments by operator and compare the cash expected with the cash
//! counted; the Z report lists payments not yet delivered to the hub (closing is
//! allowed anyway: they are delivered later, and the report says which).
//!
//! A payment starts only in an open shift (the app refuses its pre-receipt otherwise).
//! Should the shift be closed while a customer signs (a Z report from another program
//! on this journal), the fiscal receipt opens a new shift with zero opening cash: the
//! money in hand is never refused, and the `shift_opened` event says who.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};

use crate::domain::money::Money;

use super::{Journal, JournalError, timestamp};

pub use crate::domain::report::{OperatorLine, ShiftReport, Undelivered};

fn money(minor: i64) -> Money {
    Money::from_minor(minor).unwrap_or_default()
}

impl Journal {
    /// Opens a shift with the cash in the drawer. Refused while one is open.
    pub fn open_shift(
        &mut self,
        terminal_id: &str,
        opening_cash: Money,
        actor: &str,
    ) -> Result<u64, JournalError> {
        if let Some(s) = self.current_shift(terminal_id)? {
            return Err(JournalError::ShiftOpen { number: s.number });
        }
        let now = Utc::now();
        self.write(|tx| {
            let number = tx.query_row(
                "INSERT INTO shifts (terminal_id, number, opened_at, opening_cash_minor, opened_by)
                 SELECT ?1, COALESCE(MAX(number), 0) + 1, ?2, ?3, ?4 FROM shifts WHERE terminal_id = ?1
                 RETURNING number",
                params![terminal_id, timestamp(now), opening_cash.minor(), actor],
                |r| r.get::<_, i64>(0),
            )?;
            super::users::record(
                tx,
                &format!("shift:{terminal_id}:{number}"),
                now,
                "shift_opened",
                serde_json::json!({ "opening_cash_minor": opening_cash.minor() }),
                actor,
            )?;
            Ok(number as u64)
        })
    }

    /// The X report of the open shift (nothing changes).
    pub fn x_report(&self, terminal_id: &str) -> Result<ShiftReport, JournalError> {
        let shift = self
            .current_shift(terminal_id)?
            .ok_or(JournalError::NoShift)?;
        self.shift_report(terminal_id, shift.number)
    }

    /// Closes the open shift with the cash counted; returns its Z report.
    pub fn close_shift(
        &mut self,
        terminal_id: &str,
        counted_cash: Money,
        actor: &str,
    ) -> Result<ShiftReport, JournalError> {
        let shift = self
            .current_shift(terminal_id)?
            .ok_or(JournalError::NoShift)?;
        let terminal = terminal_id.to_string();
        let now = Utc::now();
        self.write(|tx| {
            tx.execute(
                "UPDATE shifts SET closed_at = ?1, counted_cash_minor = ?2, closed_by = ?3
                 WHERE terminal_id = ?4 AND number = ?5 AND closed_at IS NULL",
                params![
                    timestamp(now),
                    counted_cash.minor(),
                    actor,
                    terminal,
                    shift.number as i64
                ],
            )?;
            super::users::record(
                tx,
                &format!("shift:{terminal}:{}", shift.number),
                now,
                "shift_closed",
                serde_json::json!({ "counted_cash_minor": counted_cash.minor() }),
                actor,
            )
        })?;
        self.shift_report(terminal_id, shift.number)
    }

    /// The report of a shift, open (X) or closed (Z).
    pub fn shift_report(
        &self,
        terminal_id: &str,
        number: u64,
    ) -> Result<ShiftReport, JournalError> {
        let c = &self.conn;
        let e = |e| self.err(e);
        let (opened_at, closed_at, opening, counted): (String, Option<String>, i64, Option<i64>) =
            c.query_row(
                "SELECT opened_at, closed_at, opening_cash_minor, counted_cash_minor
                 FROM shifts WHERE terminal_id = ?1 AND number = ?2",
                params![terminal_id, number as i64],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(e)?
            .ok_or(JournalError::NoShift)?;
        let mut stmt = c
            .prepare_cached(
                "SELECT operator_code, MAX(operator_name), COUNT(*), SUM(amount_minor),
                        SUM(fee_minor), SUM(total_minor)
                 FROM payments
                 WHERE terminal_id = ?1 AND shift_no = ?2 AND state = 'fiscalized'
                 GROUP BY operator_code ORDER BY operator_code",
            )
            .map_err(e)?;
        let operators: Vec<OperatorLine> = stmt
            .query_map(params![terminal_id, number as i64], |r| {
                Ok(OperatorLine {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                    amount: money(r.get(3)?),
                    fees: money(r.get(4)?),
                    total: money(r.get(5)?),
                })
            })
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        let mut stmt = c
            .prepare_cached(
                "SELECT fiscal_receipt_no, operator_name, account, total_minor FROM payments
                 WHERE terminal_id = ?1 AND shift_no = ?2 AND state = 'fiscalized'
                   AND delivery = 'queued'
                 ORDER BY fiscal_receipt_no",
            )
            .map_err(e)?;
        let undelivered: Vec<Undelivered> = stmt
            .query_map(params![terminal_id, number as i64], |r| {
                Ok(Undelivered {
                    receipt_no: r.get::<_, i64>(0)? as u64,
                    operator: r.get(1)?,
                    account: r.get(2)?,
                    total: money(r.get(3)?),
                })
            })
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        let (refund_count, refunded): (i64, i64) = c
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds
                 WHERE terminal_id = ?1 AND shift_no = ?2",
                params![terminal_id, number as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(e)?;
        let cash_moves = super::cash::move_totals(c, terminal_id, number).map_err(e)?;
        let expected = super::cash::expected_minor(c, terminal_id, number).map_err(e)?;
        Ok(ShiftReport {
            number,
            opened_at,
            closed_at,
            opening_cash: money(opening),
            operators,
            refund_count: refund_count as u64,
            refunded: money(refunded),
            cash_moves,
            expected_cash: money(expected),
            counted_cash: counted.map(money),
            difference: counted.map(|c| rust_decimal::Decimal::new(c - expected, 2)),
            undelivered,
        })
    }
}
