//! The payments report's query: a period (always: it is what the index serves), and
//! optionally an operator, part of an account number and a status. Rows come straight
//! from SQL into plain values; totals are summed from the very rows shown, so they
//! always match.

use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rusqlite::types::Value;

use crate::domain::money::Money;

use super::{Journal, JournalError, timestamp};

pub use crate::domain::report::{
    PageAfter, PaymentsFilter, RefundTotals, ReportRow, ReportSummary, SettlementLine,
    StatusFilter, Totals,
};

/// The SQL condition of a status filter.
fn status_sql(s: StatusFilter) -> &'static str {
    match s {
        StatusFilter::Accepted => "state = 'fiscalized'",
        StatusFilter::Voided => "state = 'voided'",
        StatusFilter::Unfinished => "state NOT IN ('fiscalized', 'voided')",
        StatusFilter::Undelivered => "state = 'fiscalized' AND delivery = 'queued'",
        StatusFilter::Completed => "hub_status = 'completed'",
        StatusFilter::Failed => "hub_status = 'failed'",
        StatusFilter::Stuck => "stuck = 1",
    }
}

/// The report's columns, in the order [`row`] reads them.
const COLUMNS: &str = "id, created_at, pre_receipt_no, fiscal_receipt_no, operator_code, operator_name, \
     legal_entity, account, amount_minor, fee_minor, total_minor, state, hub_status, cashier, \
     terminal_id, (SELECT json_extract(e.data, '$.document.number') FROM payment_events e \
     WHERE e.payment_id = payments.id AND e.kind = 'fiscal_issued')";

/// The filter as an SQL condition and its parameters (`?1`, `?2`, …).
fn condition(f: &PaymentsFilter) -> (String, Vec<Value>) {
    let mut sql = String::from("created_at >= ?1 AND created_at < ?2");
    let mut params = vec![Value::Text(timestamp(f.from)), Value::Text(timestamp(f.to))];
    if let Some(op) = &f.operator {
        params.push(Value::Text(op.clone()));
        sql.push_str(&format!(" AND operator_code = ?{}", params.len()));
    }
    if let Some(acc) = &f.account {
        // Digits only (validated by the caller): no LIKE wildcards to escape.
        params.push(Value::Text(format!("%{acc}%")));
        sql.push_str(&format!(" AND account LIKE ?{}", params.len()));
    }
    if let Some(s) = f.status {
        sql.push_str(" AND ");
        sql.push_str(status_sql(s));
    }
    (sql, params)
}

/// The SQL and its parameters for a filter (also used by `EXPLAIN QUERY PLAN` tests
/// and the benchmark).
pub fn payments_sql(f: &PaymentsFilter) -> (String, Vec<Value>) {
    let (cond, params) = condition(f);
    (
        format!("SELECT {COLUMNS} FROM payments WHERE {cond} ORDER BY created_at, id"),
        params,
    )
}

/// One page of the report: its rows and where the next one starts (`None`: this was
/// the last).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportPage {
    /// The rows, in the report's order.
    pub rows: Vec<ReportRow>,
    /// After which row the next page starts.
    pub next: Option<PageAfter>,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<ReportRow> {
    let money = |m: i64| Money::from_minor(m).unwrap_or_default();
    let created: String = r.get(1)?;
    Ok(ReportRow {
        id: r.get(0)?,
        created_at: DateTime::parse_from_rfc3339(&created)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
        pre_receipt_no: r.get::<_, Option<i64>>(2)?.map(|n| n as u64),
        fiscal_receipt_no: r.get::<_, Option<i64>>(3)?.map(|n| n as u64),
        operator_code: r.get(4)?,
        operator: r.get(5)?,
        legal_entity: r.get(6)?,
        account: r.get(7)?,
        amount: money(r.get(8)?),
        fee: money(r.get(9)?),
        total: money(r.get(10)?),
        state: r.get(11)?,
        hub_status: r.get(12)?,
        cashier: r.get(13)?,
        terminal_id: r.get(14)?,
        fiscal_document: r.get::<_, Option<i64>>(15)?.map(|n| n as u32),
    })
}

impl Journal {
    /// The payments report's rows, oldest first, all in memory (small periods: the
    /// printed report, the settlement's list). Large ones go through
    /// [`Journal::each_report_row`] or [`Journal::report_page`].
    pub fn payments_report(&self, f: &PaymentsFilter) -> Result<Vec<ReportRow>, JournalError> {
        let mut rows = Vec::new();
        // Never stopped early: every row is kept.
        let _whole = self.each_report_row(f, &mut |r| {
            rows.push(r);
            ControlFlow::Continue(())
        })?;
        Ok(rows)
    }

    /// Hands each row of the report to `each` as it is read, oldest first; nothing
    /// is kept, so memory does not grow with the period. `each` may stop early
    /// (`Break`), which is returned.
    pub fn each_report_row(
        &self,
        f: &PaymentsFilter,
        each: &mut dyn FnMut(ReportRow) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, JournalError> {
        let (sql, params) = payments_sql(f);
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(|e| self.err(e))?;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            if each(row(r).map_err(|e| self.err(e))?).is_break() {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    /// One page of at most `limit` rows: the first (`after` = `None`) or the one
    /// after a row (keyset pagination on the report's index).
    pub fn report_page(
        &self,
        f: &PaymentsFilter,
        after: Option<&PageAfter>,
        limit: usize,
    ) -> Result<ReportPage, JournalError> {
        let (cond, mut params) = condition(f);
        let mut sql = format!("SELECT {COLUMNS} FROM payments WHERE {cond}");
        if let Some(a) = after {
            params.push(Value::Text(a.created_at.clone()));
            params.push(Value::Text(a.id.clone()));
            sql.push_str(&format!(
                " AND (created_at, id) > (?{}, ?{})",
                params.len() - 1,
                params.len()
            ));
        }
        params.push(Value::Integer(limit as i64 + 1));
        sql.push_str(&format!(" ORDER BY created_at, id LIMIT ?{}", params.len()));
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(params))
            .map_err(|e| self.err(e))?;
        let mut page = ReportPage::default();
        let mut last: Option<PageAfter> = None;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            if page.rows.len() == limit {
                page.next = last.take();
                break;
            }
            last = Some(PageAfter {
                id: r.get(0).map_err(|e| self.err(e))?,
                created_at: r.get(1).map_err(|e| self.err(e))?,
            });
            page.rows.push(row(r).map_err(|e| self.err(e))?);
        }
        Ok(page)
    }

    /// The `skip`-th row's position, to start a page there when the table jumps
    /// (the scroll bar dragged far): `None` past the end. Walks the index only.
    pub fn report_position(
        &self,
        f: &PaymentsFilter,
        skip: u64,
    ) -> Result<Option<PageAfter>, JournalError> {
        if skip == 0 {
            return Ok(None);
        }
        let (cond, mut params) = condition(f);
        params.push(Value::Integer(skip as i64 - 1));
        let sql = format!(
            "SELECT created_at, id FROM payments WHERE {cond} ORDER BY created_at, id LIMIT 1 OFFSET ?{}",
            params.len()
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(rusqlite::params_from_iter(params), |r| {
                    Ok(PageAfter {
                        created_at: r.get(0)?,
                        id: r.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(|e| self.err(e))
    }

    /// How many rows the report has, counting no further than `cap` (cheap whatever
    /// the period: it stops at `cap`).
    pub fn report_rows_up_to(&self, f: &PaymentsFilter, cap: u64) -> Result<u64, JournalError> {
        let (cond, mut params) = condition(f);
        params.push(Value::Integer(cap as i64));
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM payments WHERE {cond} LIMIT ?{})",
            params.len()
        );
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))
            })
            .map(|n| n as u64)
            .map_err(|e| self.err(e))
    }

    /// The report's size and the sums of its accepted payments, in one aggregate.
    pub fn report_summary(&self, f: &PaymentsFilter) -> Result<ReportSummary, JournalError> {
        let (cond, params) = condition(f);
        let sql = format!(
            "SELECT COUNT(*),
                    COALESCE(SUM(state = 'fiscalized'), 0),
                    COALESCE(SUM(CASE WHEN state = 'fiscalized' THEN amount_minor END), 0),
                    COALESCE(SUM(CASE WHEN state = 'fiscalized' THEN fee_minor END), 0),
                    COALESCE(SUM(CASE WHEN state = 'fiscalized' THEN total_minor END), 0)
             FROM payments WHERE {cond}"
        );
        let money = |m: i64| Money::from_minor(m).unwrap_or(Money::MAX);
        self.conn
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_row(rusqlite::params_from_iter(params), |r| {
                    Ok(ReportSummary {
                        rows: r.get::<_, i64>(0)? as u64,
                        totals: Totals {
                            count: r.get::<_, i64>(1)? as u64,
                            amount: money(r.get(2)?),
                            fee: money(r.get(3)?),
                            total: money(r.get(4)?),
                        },
                    })
                })
            })
            .map_err(|e| self.err(e))
    }

    /// `EXPLAIN QUERY PLAN` of the report's query, one line per step.
    pub fn payments_report_plan(&self, f: &PaymentsFilter) -> Result<Vec<String>, JournalError> {
        let (sql, params) = payments_sql(f);
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

impl Journal {
    /// The refunds paid in the filter's period.
    pub fn refund_totals(&self, f: &PaymentsFilter) -> Result<RefundTotals, JournalError> {
        let (count, minor): (i64, i64) = self
            .conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(amount_minor), 0) FROM refunds
                 WHERE created_at >= ?1 AND created_at < ?2",
                [timestamp(f.from), timestamp(f.to)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(RefundTotals {
            count: count as u64,
            amount: Money::from_minor(minor).unwrap_or_default(),
        })
    }

    /// The settlement for a period (a month): accepted payments per principal.
    pub fn settlement(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<SettlementLine>, JournalError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT legal_entity, COUNT(*), SUM(amount_minor), SUM(fee_minor),
                        SUM(CASE WHEN hub_status = 'completed' THEN 0 ELSE 1 END)
                 FROM payments
                 WHERE created_at >= ?1 AND created_at < ?2 AND state = 'fiscalized'
                 GROUP BY legal_entity ORDER BY legal_entity",
            )
            .map_err(|e| self.err(e))?;
        let money = |m: i64| Money::from_minor(m).unwrap_or_default();
        let lines = stmt
            .query_map([timestamp(from), timestamp(to)], |r| {
                Ok(SettlementLine {
                    legal_entity: r.get(0)?,
                    count: r.get::<_, i64>(1)? as u64,
                    collected: money(r.get(2)?),
                    fees: money(r.get(3)?),
                    unconfirmed: r.get::<_, i64>(4)? as u64,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.err(e))?;
        Ok(lines)
    }

    /// Accepted payments of a period the hub has not confirmed yet (for the
    /// settlement's list).
    pub fn unconfirmed(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ReportRow>, JournalError> {
        // Streamed: only the unconfirmed ones are kept, however busy the month.
        let mut rows = Vec::new();
        let _whole = self.each_report_row(
            &PaymentsFilter {
                from,
                to,
                operator: None,
                account: None,
                status: Some(StatusFilter::Accepted),
            },
            &mut |r| {
                if r.hub_status.as_deref() != Some("completed") {
                    rows.push(r);
                }
                ControlFlow::Continue(())
            },
        )?;
        Ok(rows)
    }
}
