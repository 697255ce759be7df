//! Cash moves: cash put into the drawer, taken out of it, and collected for the bank.
//! Each is a row of `cash_moves` and a terminal event in the audit chain, written in
//! one transaction; cash leaving the drawer is refused above the cash the shift
//! expects in it, checked inside that transaction (two tills cannot both take it).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use crate::domain::cash::{
    CashMove, CashMoveKind, CashMoveRequest, CashMoveTotals, CashNote, CollectionLine,
    CollectionReport,
};
use crate::domain::money::Money;

use super::{Journal, JournalError, timestamp};

const COLUMNS: &str = "id, number, shift_no, kind, amount_minor, reason, bag, bank_ref, at, actor";

fn money(minor: i64) -> Money {
    Money::from_minor(minor).unwrap_or_default()
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn cash_move(r: &Row) -> rusqlite::Result<CashMove> {
    let kind: String = r.get(3)?;
    Ok(CashMove {
        id: r.get(0)?,
        number: r.get::<_, i64>(1)? as u64,
        shift_no: r.get::<_, i64>(2)? as u64,
        // The table's CHECK admits only the three words.
        kind: CashMoveKind::parse(&kind).unwrap_or(CashMoveKind::Out),
        amount: money(r.get(4)?),
        reason: r.get(5)?,
        bag: r.get(6)?,
        bank_ref: r.get(7)?,
        at: time(&r.get::<_, String>(8)?),
        actor: r.get(9)?,
    })
}

fn subject(terminal_id: &str, number: u64) -> String {
    format!("cash:{terminal_id}:{number}")
}

/// The sums of a shift's cash moves.
pub(super) fn move_totals(
    c: &Connection,
    terminal_id: &str,
    shift: u64,
) -> rusqlite::Result<CashMoveTotals> {
    let (cash_in, cash_out, collected): (i64, i64, i64) = c.query_row(
        "SELECT COALESCE(SUM(amount_minor) FILTER (WHERE kind = 'in'), 0),
                COALESCE(SUM(amount_minor) FILTER (WHERE kind = 'out'), 0),
                COALESCE(SUM(amount_minor) FILTER (WHERE kind = 'collection'), 0)
         FROM cash_moves WHERE terminal_id = ?1 AND shift_no = ?2",
        params![terminal_id, shift as i64],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(CashMoveTotals {
        cash_in: money(cash_in),
        cash_out: money(cash_out),
        collected: money(collected),
    })
}

/// Cash the drawer should hold in a shift, in minor units: opening + totals taken −
/// refunds + in − out − collected. The one formula of the X/Z reports and the check
/// that refuses taking out more than that.
pub(super) fn expected_minor(
    c: &Connection,
    terminal_id: &str,
    shift: u64,
) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT s.opening_cash_minor
              + (SELECT COALESCE(SUM(total_minor), 0) FROM payments
                 WHERE terminal_id = ?1 AND shift_no = ?2 AND state = 'fiscalized')
              - (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds
                 WHERE terminal_id = ?1 AND shift_no = ?2)
              + (SELECT COALESCE(SUM(CASE kind WHEN 'in' THEN amount_minor
                                               ELSE -amount_minor END), 0)
                 FROM cash_moves WHERE terminal_id = ?1 AND shift_no = ?2)
         FROM shifts s WHERE s.terminal_id = ?1 AND s.number = ?2",
        params![terminal_id, shift as i64],
        |r| r.get(0),
    )
}

impl Journal {
    /// Records cash put in, taken out or collected in the open shift, with its actor
    /// in the audit chain. Refused with no shift open, and — for cash leaving the
    /// drawer — above the cash the shift expects in it.
    pub fn record_cash_move(
        &mut self,
        terminal_id: &str,
        request: &CashMoveRequest,
        actor: &str,
    ) -> Result<CashMove, JournalError> {
        let now = Utc::now();
        let id = Uuid::now_v7().to_string();
        let kind = request.kind();
        let amount = request.amount();
        self.write(|tx| {
            let Some(shift) = tx
                .query_row(
                    "SELECT number FROM shifts WHERE terminal_id = ?1 AND closed_at IS NULL",
                    [terminal_id],
                    |r| r.get::<_, i64>(0),
                )
                .optional()?
            else {
                return Ok(Err(JournalError::NoShift));
            };
            let shift = shift as u64;
            if kind.takes_out() {
                let expected = expected_minor(tx, terminal_id, shift)?;
                if amount.minor() > expected {
                    return Ok(Err(JournalError::NotEnoughCash {
                        expected: money(expected.max(0)),
                    }));
                }
            }
            let number: i64 = tx.query_row(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM cash_moves WHERE terminal_id = ?1",
                [terminal_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO cash_moves (id, terminal_id, number, shift_no, kind, amount_minor,
                                         reason, bag, bank_ref, at, actor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    terminal_id,
                    number,
                    shift as i64,
                    kind.as_str(),
                    amount.minor(),
                    request.reason(),
                    request.bag(),
                    request.bank_ref(),
                    timestamp(now),
                    actor
                ],
            )?;
            super::users::record(
                tx,
                &subject(terminal_id, number as u64),
                now,
                kind.event(),
                serde_json::json!({
                    "id": id,
                    "shift_no": shift,
                    "amount_minor": amount.minor(),
                    "reason": request.reason(),
                    "bag": request.bag(),
                    "bank_ref": request.bank_ref(),
                }),
                actor,
            )?;
            Ok(Ok(()))
        })??;
        self.cash_move_by_id(&id)
    }

    /// Writes a collection's bank reference once it is known (once only).
    pub fn set_bank_ref(
        &mut self,
        terminal_id: &str,
        number: u64,
        bank_ref: &CashNote,
        actor: &str,
    ) -> Result<CashMove, JournalError> {
        let now = Utc::now();
        self.write(|tx| {
            let found: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT kind, bank_ref FROM cash_moves WHERE terminal_id = ?1 AND number = ?2",
                    params![terminal_id, number as i64],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match found {
                None => return Ok(Err(JournalError::NoCollection { number })),
                Some((kind, _)) if kind != CashMoveKind::Collection.as_str() => {
                    return Ok(Err(JournalError::NoCollection { number }));
                }
                Some((_, Some(known))) => {
                    return Ok(Err(JournalError::BankRefKnown { number, known }));
                }
                Some(_) => {}
            }
            tx.execute(
                "UPDATE cash_moves SET bank_ref = ?1 WHERE terminal_id = ?2 AND number = ?3",
                params![bank_ref.as_str(), terminal_id, number as i64],
            )?;
            super::users::record(
                tx,
                &subject(terminal_id, number),
                now,
                "collection_deposited",
                serde_json::json!({ "bank_ref": bank_ref.as_str() }),
                actor,
            )?;
            Ok(Ok(()))
        })??;
        self.cash_move(terminal_id, number)?
            .ok_or(JournalError::NoCollection { number })
    }

    /// A cash move by its slip number (0: none).
    pub fn cash_move(
        &self,
        terminal_id: &str,
        number: u64,
    ) -> Result<Option<CashMove>, JournalError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cash_moves WHERE terminal_id = ?1 AND number = ?2"),
                params![terminal_id, number as i64],
                cash_move,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    fn cash_move_by_id(&self, id: &str) -> Result<CashMove, JournalError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM cash_moves WHERE id = ?1"),
                [id],
                cash_move,
            )
            .map_err(|e| self.err(e))
    }

    /// A shift's cash moves, oldest first.
    pub fn cash_moves(&self, terminal_id: &str, shift: u64) -> Result<Vec<CashMove>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM cash_moves WHERE terminal_id = ?1 AND shift_no = ?2
                 ORDER BY number"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![terminal_id, shift as i64], cash_move)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// The collection report of the shifts opened in `[from, to)`.
    pub fn collection_report(
        &self,
        terminal_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<CollectionReport, JournalError> {
        let e = |e| self.err(e);
        // Per shift: taken for principals (accepted totals − refunds) and collected.
        const PER_SHIFT: &str = "
            SELECT s.number, s.opened_at, s.closed_at,
                   (SELECT COALESCE(SUM(total_minor), 0) FROM payments p
                     WHERE p.terminal_id = s.terminal_id AND p.shift_no = s.number
                       AND p.state = 'fiscalized')
                 - (SELECT COALESCE(SUM(amount_minor), 0) FROM refunds r
                     WHERE r.terminal_id = s.terminal_id AND r.shift_no = s.number) AS taken,
                   (SELECT COALESCE(SUM(amount_minor), 0) FROM cash_moves m
                     WHERE m.terminal_id = s.terminal_id AND m.shift_no = s.number
                       AND m.kind = 'collection') AS collected
            FROM shifts s WHERE s.terminal_id = ?1";
        let carried: i64 = self
            .conn
            .query_row(
                &format!(
                    "SELECT COALESCE(SUM(taken - collected), 0)
                     FROM ({PER_SHIFT} AND s.opened_at < ?2)"
                ),
                params![terminal_id, timestamp(from)],
                |r| r.get(0),
            )
            .map_err(e)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "{PER_SHIFT} AND s.opened_at >= ?2 AND s.opened_at < ?3 ORDER BY s.number"
            ))
            .map_err(e)?;
        let shifts = stmt
            .query_map(params![terminal_id, timestamp(from), timestamp(to)], |r| {
                Ok(CollectionLine {
                    shift_no: r.get::<_, i64>(0)? as u64,
                    opened_at: time(&r.get::<_, String>(1)?),
                    closed_at: r.get::<_, Option<String>>(2)?.map(|s| time(&s)),
                    taken: rust_decimal::Decimal::new(r.get(3)?, 2),
                    collected: money(r.get(4)?),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(e)?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM cash_moves m WHERE terminal_id = ?1 AND kind = 'collection'
                   AND shift_no IN (SELECT number FROM shifts WHERE terminal_id = ?1
                                    AND opened_at >= ?2 AND opened_at < ?3)
                 ORDER BY number"
            ))
            .map_err(e)?;
        let collections = stmt
            .query_map(
                params![terminal_id, timestamp(from), timestamp(to)],
                cash_move,
            )
            .and_then(|rows| rows.collect())
            .map_err(e)?;
        Ok(CollectionReport {
            carried: rust_decimal::Decimal::new(carried, 2),
            shifts,
            collections,
        })
    }
}
