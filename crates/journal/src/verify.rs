//! `paydesk journal verify`: the file's integrity and the consistency of what it says.

use std::collections::BTreeMap;

use crate::domain::correction::CorrectionEvent;
use crate::domain::delivery::DeliveryEvent;
use crate::domain::payment::{Payment, PaymentDetails, PaymentEvent};

use super::{Journal, JournalError};

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Payments checked.
    pub payments: usize,
    /// Events replayed.
    pub events: usize,
    /// Each inconsistency, in words; empty when the journal is consistent.
    pub problems: Vec<String>,
}

impl VerifyReport {
    /// True when nothing is wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// What the full check is doing, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckStage {
    /// SQLite's `PRAGMA integrity_check` of every page (no count: one statement).
    File,
    /// The audit chains, event by event.
    AuditChain,
    /// Each payment's row against the replay of its events.
    Payments,
    /// Document numbers, refunds and cash moves.
    Numbers,
}

/// How far the full check is: `done` of `total` in `stage` (`total` 0: not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckProgress {
    /// The stage.
    pub stage: CheckStage,
    /// Items done in it (events, payments).
    pub done: u64,
    /// Items in it.
    pub total: u64,
}

impl CheckProgress {
    /// The whole check's share done, 0–100: the file's pages are about 40 % of the
    /// time, the audit chain 30 %, the payments 25 %, the numbers the rest.
    pub fn percent(&self) -> u8 {
        let (from, span) = match self.stage {
            CheckStage::File => (0.0, 40.0),
            CheckStage::AuditChain => (40.0, 30.0),
            CheckStage::Payments => (70.0, 25.0),
            CheckStage::Numbers => (95.0, 5.0),
        };
        let part = if self.total == 0 {
            0.0
        } else {
            (self.done as f64 / self.total as f64).min(1.0)
        };
        (from + span * part) as u8
    }
}

/// How often (in items) progress is said: often enough for a bar, rarely enough to
/// cost nothing.
const PROGRESS_EVERY: u64 = 4096;

/// Checks, beyond `PRAGMA integrity_check`:
/// - the audit chain ([`super::chain`]): the first event edited or removed outside
///   paydesk;
/// - each payment's events start with `created` carrying the row's details and replay
///   through the state machine to exactly the row's state; events whose payment row
///   is missing are named;
/// - per terminal, pre-receipt and fiscal receipt numbers are 1..=N with no gap and no
///   repeat, and N is the counter's value;
/// - each cash move has the event that recorded it, saying the same amount and actor,
///   and cash slips are numbered 1..N per terminal.
///
/// Payments and their events are read as two streams in id order and merged, so the
/// memory used does not grow with the journal (only the receipt numbers are kept).
pub(super) fn verify(
    journal: &Journal,
    progress: &mut dyn FnMut(CheckProgress),
) -> Result<VerifyReport, JournalError> {
    // One read transaction: every read below sees the same snapshot. Without it a
    // sync worker writing meanwhile makes the chain head newer than the events read
    // a moment before, and a healthy journal looks tampered with.
    let snapshot = journal
        .conn
        .unchecked_transaction()
        .map_err(|e| journal.err(e))?;
    let report = verify_in_snapshot(journal, progress);
    drop(snapshot);
    report
}

/// One payment's stored events, as the merge reads them.
struct EventRow {
    seq: i64,
    payment_id: String,
    kind: String,
    data: String,
}

fn verify_in_snapshot(
    journal: &Journal,
    progress: &mut dyn FnMut(CheckProgress),
) -> Result<VerifyReport, JournalError> {
    let err = |e| journal.err(e);
    progress(CheckProgress {
        stage: CheckStage::File,
        done: 0,
        total: 0,
    });
    journal.integrity_check()?;
    let mut report = VerifyReport::default();
    // The audit chain first: its first break is the place to look.
    let events_total: u64 = journal
        .conn
        .query_row(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM payment_events)
                  + (SELECT COALESCE(MAX(seq), 0) FROM terminal_events)",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(err)? as u64;
    let mut chained = 0u64;
    let mut on_event = |_: i64| {
        chained += 1;
        if chained.is_multiple_of(PROGRESS_EVERY) {
            progress(CheckProgress {
                stage: CheckStage::AuditChain,
                done: chained,
                total: events_total,
            });
        }
    };
    if let Some(b) = super::chain::check_with(&journal.conn, &mut on_event).map_err(err)? {
        report.problems.push(format!("audit chain broken: {b}"));
    }
    let payments_total: u64 = journal
        .conn
        .query_row("SELECT COUNT(*) FROM payments", [], |r| r.get::<_, i64>(0))
        .map_err(err)? as u64;
    let mut numbers: BTreeMap<(String, &'static str), Vec<u64>> = BTreeMap::new();
    let mut payment_stmt = journal
        .conn
        .prepare(&format!(
            "SELECT {} FROM payments ORDER BY id",
            super::PAYMENT_COLUMNS
        ))
        .map_err(err)?;
    let mut event_stmt = journal
        .conn
        .prepare("SELECT seq, payment_id, kind, data FROM payment_events ORDER BY payment_id, seq")
        .map_err(err)?;
    let mut payment_rows = payment_stmt.query([]).map_err(err)?;
    let mut event_rows = event_stmt
        .query_map([], |r| {
            Ok(EventRow {
                seq: r.get(0)?,
                payment_id: r.get(1)?,
                kind: r.get(2)?,
                data: r.get(3)?,
            })
        })
        .map_err(err)?
        .peekable();
    let mut events: Vec<EventRow> = Vec::new();
    while let Some(row) = payment_rows.next().map_err(err)? {
        let raw = super::row_to_raw(row).map_err(err)?;
        let row_id = raw.id.clone();
        // Events of payments before this one in id order have no row.
        while let Some(next) = event_rows.next_if(|e| {
            e.as_ref()
                .map_or(true, |e| e.payment_id.as_str() < row_id.as_str())
        }) {
            let orphan = next.map_err(err)?;
            report.problems.push(format!(
                "event {} ({}) is of payment {}, which has no row",
                orphan.seq, orphan.kind, orphan.payment_id
            ));
        }
        events.clear();
        while let Some(next) = event_rows.next_if(|e| {
            e.as_ref()
                .map_or(true, |e| e.payment_id.as_str() == row_id.as_str())
        }) {
            events.push(next.map_err(err)?);
        }
        report.payments += 1;
        report.events += events.len();
        if (report.payments as u64).is_multiple_of(PROGRESS_EVERY) {
            progress(CheckProgress {
                stage: CheckStage::Payments,
                done: report.payments as u64,
                total: payments_total,
            });
        }
        let p = match raw.into_payment() {
            Ok(p) => p,
            Err(JournalError::BadRow { id, detail }) => {
                report.problems.push(format!("payment {id}: {detail}"));
                continue;
            }
            Err(e) => return Err(e),
        };
        check_payment(&p, &events, &mut report);
        let terminal = p.details.terminal_id.clone();
        if let Some(n) = p.state.pre_receipt_no() {
            numbers
                .entry((terminal.clone(), "pre_receipt"))
                .or_default()
                .push(n);
        }
        if let Some(f) = p.state.fiscal() {
            numbers
                .entry((terminal, "fiscal_receipt"))
                .or_default()
                .push(f.receipt_no);
        }
    }
    for orphan in event_rows {
        let orphan = orphan.map_err(err)?;
        report.problems.push(format!(
            "event {} ({}) is of payment {}, which has no row",
            orphan.seq, orphan.kind, orphan.payment_id
        ));
    }
    progress(CheckProgress {
        stage: CheckStage::Numbers,
        done: 0,
        total: 0,
    });
    // Refund receipts are numbered like the others: 1..N per terminal.
    let mut stmt = journal
        .conn()
        .prepare("SELECT terminal_id, refund_no FROM refunds")
        .map_err(|e| journal.err(e))?;
    let refunds: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|r| r.collect())
        .map_err(|e| journal.err(e))?;
    for (terminal, n) in refunds {
        numbers
            .entry((terminal, "refund_receipt"))
            .or_default()
            .push(n as u64);
    }
    // Each cash move is the row and its event together: a row changed or added
    // with plain SQL has no event saying the same (the event is in the audit chain).
    let mut stmt = journal
        .conn()
        .prepare(
            "SELECT m.terminal_id, m.number, m.kind, m.amount_minor, m.actor,
                    (SELECT COUNT(*) FROM terminal_events e
                      WHERE e.subject = 'cash:' || m.terminal_id || ':' || m.number
                        AND e.kind = CASE m.kind WHEN 'in' THEN 'cash_in'
                                                 WHEN 'out' THEN 'cash_out'
                                                 ELSE 'cash_collected' END
                        AND json_extract(e.data, '$.amount_minor') = m.amount_minor
                        AND json_extract(e.data, '$.id') = m.id
                        AND e.actor = m.actor)
             FROM cash_moves m ORDER BY m.terminal_id, m.number",
        )
        .map_err(|e| journal.err(e))?;
    let moves: Vec<(String, i64, String, i64, String, i64)> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .and_then(|r| r.collect())
        .map_err(|e| journal.err(e))?;
    let mut per_terminal: BTreeMap<String, u64> = BTreeMap::new();
    for (terminal, number, kind, amount, actor, events) in moves {
        let last = per_terminal.entry(terminal.clone()).or_default();
        *last += 1;
        if number as u64 != *last {
            report.problems.push(format!(
                "terminal {terminal}: cash slip numbers are not 1..N without gaps (found {number} where {last} was expected)"
            ));
            *last = number as u64;
        }
        if events != 1 {
            report.problems.push(format!(
                "terminal {terminal}: cash move {number} ({kind}, {amount} minor units, by {actor}) differs from its journal event"
            ));
        }
    }
    let mut stmt = journal
        .conn()
        .prepare("SELECT terminal_id, name, value FROM counters")
        .map_err(|e| journal.err(e))?;
    let counters: Vec<(String, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .and_then(|r| r.collect())
        .map_err(|e| journal.err(e))?;
    for (terminal, name, value) in counters {
        let key_name: &'static str = match name.as_str() {
            "pre_receipt" => "pre_receipt",
            "fiscal_receipt" => "fiscal_receipt",
            "refund_receipt" => "refund_receipt",
            other => {
                report
                    .problems
                    .push(format!("terminal {terminal}: unknown counter {other}"));
                continue;
            }
        };
        let mut used = numbers
            .remove(&(terminal.clone(), key_name))
            .unwrap_or_default();
        used.sort_unstable();
        // 1..=N, less the numbers a replaced journal gave before this one continued
        // from the hub's (each jump is a terminal event in the audit chain).
        let jumps = continued(journal, &terminal, &name)?;
        let mut expected: Vec<u64> = Vec::new();
        let mut next = 1u64;
        for (from, to) in jumps {
            expected.extend(next..=from);
            next = next.max(to + 1);
        }
        expected.extend(next..=value as u64);
        if used != expected {
            report.problems.push(format!(
                "terminal {terminal}: {name} numbers are not 1..={value} without gaps (found {} numbers{})",
                used.len(),
                first_difference(&used, &expected)
            ));
        }
    }
    for ((terminal, name), used) in numbers {
        report.problems.push(format!(
            "terminal {terminal}: {} {name} numbers in use but no counter",
            used.len()
        ));
    }
    Ok(report)
}

/// One payment's row against its events (oldest first).
fn check_payment(p: &Payment, events: &[EventRow], report: &mut VerifyReport) {
    let id = p.id();
    let mut iter = events.iter();
    let Some(first) = iter.next().filter(|e| e.kind == "created") else {
        report
            .problems
            .push(format!("payment {id}: first event is not 'created'"));
        return;
    };
    match serde_json::from_str::<PaymentDetails>(&first.data) {
        Ok(d) if d == p.details => {}
        Ok(_) => report.problems.push(format!(
            "payment {id}: row details differ from its 'created' event"
        )),
        Err(e) => report
            .problems
            .push(format!("payment {id}: 'created' event unreadable: {e}")),
    }
    let mut replayed = Payment::draft(p.details.clone());
    for e in iter {
        if CorrectionEvent::KINDS.contains(&e.kind.as_str()) {
            // The correction stream: readable, but not part of the state machine.
            if let Err(err) = serde_json::from_str::<CorrectionEvent>(&e.data) {
                report
                    .problems
                    .push(format!("payment {id}: event {} unreadable: {err}", e.seq));
            }
            continue;
        }
        if DeliveryEvent::KINDS.contains(&e.kind.as_str()) {
            // The delivery stream: readable, but not part of the state machine.
            if let Err(err) = serde_json::from_str::<DeliveryEvent>(&e.data) {
                report
                    .problems
                    .push(format!("payment {id}: event {} unreadable: {err}", e.seq));
            }
            continue;
        }
        let event: PaymentEvent = match serde_json::from_str(&e.data) {
            Ok(ev) => ev,
            Err(err) => {
                report
                    .problems
                    .push(format!("payment {id}: event {} unreadable: {err}", e.seq));
                return;
            }
        };
        if event.kind() != e.kind {
            report.problems.push(format!(
                "payment {id}: event {} says kind {} but holds {}",
                e.seq,
                e.kind,
                event.kind()
            ));
        }
        match replayed.apply(&event) {
            Ok(next) => replayed = next,
            Err(err) => {
                report
                    .problems
                    .push(format!("payment {id}: event {} is illegal: {err}", e.seq));
                return;
            }
        }
    }
    if replayed.state != p.state {
        report.problems.push(format!(
            "payment {id}: row says {:?} but its events say {:?}",
            p.state, replayed.state
        ));
    }
}

/// The recorded jumps of a terminal's counter: (last number before, first given
/// by the replaced journal's successor − 1), oldest first.
fn continued(
    journal: &Journal,
    terminal: &str,
    name: &str,
) -> Result<Vec<(u64, u64)>, JournalError> {
    let mut stmt = journal
        .conn()
        .prepare_cached(
            "SELECT json_extract(data, '$.from'), json_extract(data, '$.to')
             FROM terminal_events WHERE kind = ?1 AND subject = ?2 ORDER BY seq",
        )
        .map_err(|e| journal.err(e))?;
    let rows = stmt
        .query_map(
            rusqlite::params![
                super::delivery::NUMBERS_CONTINUED,
                format!("counter:{terminal}:{name}")
            ],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )
        .and_then(|r| r.collect())
        .map_err(|e| journal.err(e))?;
    Ok(rows)
}

fn first_difference(used: &[u64], expected: &[u64]) -> String {
    used.iter()
        .zip(expected)
        .find(|(u, e)| u != e)
        .map(|(u, e)| format!(", first difference: {u} where {e} was expected"))
        .unwrap_or_default()
}
