//! The reference hub's storage: payments, fencing epochs and corrections in one
//! SQLite file. The payment id is the primary key, so a payment exists at most once
//! whatever the clients do; fencing, the replay check and the insert happen in one
//! `BEGIN IMMEDIATE` transaction.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use uuid::Uuid;

use paydesk_protocol::{
    BindResponse, CorrectionKind, CorrectionRequest, CorrectionStateName, HubStatus,
    MAX_EPOCH_STEP, PayRequest, Reason,
};

/// Why the store refused a write.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The id exists with another body (or belongs to another terminal).
    #[error("payment {0} exists with a different body")]
    Conflict(Uuid),
    /// The sender's epoch is far above the newest seen (more than `MAX_EPOCH_STEP`).
    #[error("epoch {sent} is out of range: the newest seen for terminal {terminal} is {newest}")]
    EpochOutOfRange {
        /// The terminal.
        terminal: String,
        /// The epoch sent.
        sent: u64,
        /// The newest epoch seen.
        newest: u64,
    },
    /// The terminal is bound to another journal.
    #[error("terminal {terminal} is bound to journal {bound}, not {sent}")]
    OtherJournal {
        /// The terminal.
        terminal: String,
        /// The journal it is bound to.
        bound: Uuid,
        /// The journal that asked.
        sent: Uuid,
    },
    /// Another payment of the terminal has this fiscal receipt number.
    #[error("payment {other} of terminal {terminal} already has fiscal receipt No. {number}")]
    ReceiptNumberTaken {
        /// The terminal.
        terminal: String,
        /// The number.
        number: u64,
        /// The payment that has it.
        other: Uuid,
    },
    /// The sender's epoch is older than the newest seen for its terminal.
    #[error("epoch {sent} is older than {newest}, the newest seen for terminal {terminal}")]
    StaleEpoch {
        /// The terminal.
        terminal: String,
        /// The epoch sent.
        sent: u64,
        /// The newest epoch seen.
        newest: u64,
    },
    /// The agent's balance is below the payment's amount.
    #[error(
        "the agent's balance for terminal {terminal} is {balance}, below the payment's {amount}"
    )]
    InsufficientBalance {
        /// The terminal.
        terminal: String,
        /// The balance.
        balance: crate::domain::money::Money,
        /// The payment's amount.
        amount: crate::domain::money::Money,
    },
    /// No such payment.
    #[error("no payment {0}")]
    NotFound(Uuid),
    /// SQLite failed.
    #[error("hub storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A stored payment, as the simulation needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPayment {
    /// The id.
    pub id: Uuid,
    /// Its row number (the hub reference).
    pub rowid: i64,
    /// The terminal.
    pub terminal_id: String,
    /// The account.
    pub account: String,
    /// The amount for the operator.
    pub amount: crate::domain::money::Money,
    /// When the hub registered it.
    pub registered_at: DateTime<Utc>,
    /// A status set by a correction, with its reason, effective from `at`.
    pub outcome: Option<(HubStatus, Option<Reason>, DateTime<Utc>)>,
}

/// A stored correction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCorrection {
    /// The correction's id.
    pub id: Uuid,
    /// The terminal whose payment it corrects.
    pub terminal_id: String,
    /// The payment.
    pub payment_id: Uuid,
    /// Which correction.
    pub kind: CorrectionKind,
    /// The decision taken when it arrived.
    pub decision: CorrectionStateName,
    /// Why (for a rejection).
    pub reason: Option<Reason>,
    /// When it arrived.
    pub registered_at: DateTime<Utc>,
}

/// The outcome of a write that may be a replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written<T> {
    /// Stored now.
    Created(T),
    /// Already stored with the same body.
    Replayed(T),
}

impl<T> Written<T> {
    /// The stored value.
    pub fn value(&self) -> &T {
        match self {
            Written::Created(v) | Written::Replayed(v) => v,
        }
    }
}

/// What an id has been used for so far.
enum Seen {
    /// Never: store it.
    New,
    /// With this very body: answer with what is stored.
    Replay,
}

/// The rule of every write by id (payments, corrections): the same id with the same
/// body is a replay of the stored one; with another body it is a conflict, never a
/// second write.
fn idempotent(id: Uuid, stored: Option<&str>, body: &str) -> Result<Seen, StoreError> {
    match stored {
        None => Ok(Seen::New),
        Some(b) if b == body => Ok(Seen::Replay),
        Some(_) => Err(StoreError::Conflict(id)),
    }
}

/// The hub's SQLite store (one connection; callers serialise through the mutex).
pub struct Store {
    conn: Mutex<Connection>,
}

use crate::domain::time::stored as ts;

fn parse_ts(s: &str) -> DateTime<Utc> {
    crate::domain::time::parse_stored(s).unwrap_or_default()
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS payments (
    id            TEXT PRIMARY KEY NOT NULL,
    terminal_id   TEXT NOT NULL,
    account       TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    body          TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    outcome       TEXT,
    outcome_code  TEXT,
    outcome_text  TEXT,
    outcome_at    TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS balances (
    terminal_id   TEXT PRIMARY KEY NOT NULL,
    balance_minor INTEGER NOT NULL CHECK (balance_minor >= 0)
) STRICT;
CREATE TABLE IF NOT EXISTS terminal_epochs (
    terminal_id TEXT PRIMARY KEY NOT NULL,
    epoch       INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS corrections (
    id            TEXT PRIMARY KEY NOT NULL,
    payment_id    TEXT NOT NULL REFERENCES payments (id),
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL,
    decision      TEXT NOT NULL,
    reason_code   TEXT,
    reason_text   TEXT,
    registered_at TEXT NOT NULL
) STRICT;
"#;

fn kind_str(k: CorrectionKind) -> &'static str {
    match k {
        CorrectionKind::Reconduct => "reconduct",
        CorrectionKind::MoveAccount => "move_account",
        CorrectionKind::Cancel => "cancel",
        CorrectionKind::Refund => "refund",
    }
}

fn parse_kind(s: &str) -> CorrectionKind {
    match s {
        "move_account" => CorrectionKind::MoveAccount,
        "cancel" => CorrectionKind::Cancel,
        "refund" => CorrectionKind::Refund,
        _ => CorrectionKind::Reconduct,
    }
}

fn status_str(s: HubStatus) -> &'static str {
    s.as_str()
}

fn parse_status(s: &str) -> HubStatus {
    match s {
        "accepted" => HubStatus::Accepted,
        "processing" => HubStatus::Processing,
        "completed" => HubStatus::Completed,
        "cancelled" => HubStatus::Cancelled,
        "refunded" => HubStatus::Refunded,
        _ => HubStatus::Failed,
    }
}

fn decision_str(d: CorrectionStateName) -> &'static str {
    match d {
        CorrectionStateName::Submitted => "submitted",
        CorrectionStateName::Accepted => "accepted",
        CorrectionStateName::Rejected => "rejected",
        CorrectionStateName::NeedsInfo => "needs_info",
        CorrectionStateName::Done => "done",
    }
}

fn parse_decision(s: &str) -> CorrectionStateName {
    match s {
        "accepted" => CorrectionStateName::Accepted,
        "needs_info" => CorrectionStateName::NeedsInfo,
        "done" => CorrectionStateName::Done,
        "submitted" => CorrectionStateName::Submitted,
        _ => CorrectionStateName::Rejected,
    }
}

fn reason(code: Option<String>, text: Option<String>) -> Option<Reason> {
    code.map(|code| Reason {
        code,
        message: text.unwrap_or_default(),
    })
}

fn row_payment(r: &rusqlite::Row) -> rusqlite::Result<StoredPayment> {
    let id: String = r.get(0)?;
    let outcome: Option<String> = r.get(5)?;
    let outcome_at: Option<String> = r.get(8)?;
    Ok(StoredPayment {
        id: Uuid::parse_str(&id).unwrap_or_default(),
        rowid: r.get(1)?,
        terminal_id: r.get(2)?,
        account: r.get(3)?,
        amount: crate::domain::money::Money::from_minor(r.get(9)?).unwrap_or_default(),
        registered_at: parse_ts(&r.get::<_, String>(4)?),
        outcome: outcome.map(|o| {
            (
                parse_status(&o),
                reason(r.get(6).ok().flatten(), r.get(7).ok().flatten()),
                outcome_at.as_deref().map(parse_ts).unwrap_or_default(),
            )
        }),
    })
}

/// Brings a store made by an older paydesk-hub up to date (columns added since).
fn upgrade(conn: &Connection) -> rusqlite::Result<()> {
    let has = |table: &str, column: &str| -> rusqlite::Result<bool> {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE name = ?1"),
            [column],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    };
    if !has("terminal_epochs", "journal_id")? {
        conn.execute_batch("ALTER TABLE terminal_epochs ADD COLUMN journal_id TEXT;")?;
    }
    if !has("payments", "fiscal_receipt_no")? {
        conn.execute_batch(
            "ALTER TABLE payments ADD COLUMN pre_receipt_no INTEGER;
             ALTER TABLE payments ADD COLUMN fiscal_receipt_no INTEGER;
             UPDATE payments SET pre_receipt_no = json_extract(body, '$.pre_receipt_no'),
                                 fiscal_receipt_no = json_extract(body, '$.fiscal_receipt_no');",
        )?;
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS payments_receipt ON payments (terminal_id, fiscal_receipt_no);
         CREATE INDEX IF NOT EXISTS payments_registered ON payments (terminal_id, registered_at);",
    )
}

fn money(minor: i64) -> crate::domain::money::Money {
    crate::domain::money::Money::from_minor(minor.max(0)).unwrap_or_default()
}

const PAYMENT_COLUMNS: &str = "id, rowid, terminal_id, account, registered_at, outcome, outcome_code, outcome_text, outcome_at, amount_minor";

impl Store {
    /// Opens (or creates) the store. `durable` selects `synchronous=FULL`.
    pub fn open(path: &Path, durable: bool) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = crate::files::create_dir_private(dir);
        }
        // Terminals' payments: owner-only (SQLite gives its WAL the file's mode).
        if !path.exists() {
            let _ = crate::files::create_new_private(path);
        }
        let _ = crate::files::make_private(path);
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        conn.execute_batch(if durable {
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
        } else {
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
        })?;
        conn.execute_batch(SCHEMA)?;
        upgrade(&conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock (a simulated dropped connection happens
        // outside it) cannot leave a half transaction: SQLite rolls it back.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores a payment, or recognises a replay; refuses a stale epoch and a
    /// different body for a known id.
    pub fn pay(
        &self,
        id: Uuid,
        req: &PayRequest,
        now: DateTime<Utc>,
    ) -> Result<Written<StoredPayment>, StoreError> {
        // The payment is the body without the sender's epoch and journal: a new
        // leader resending an undelivered payment with its higher epoch is a replay,
        // not a conflict.
        let body = serde_json::to_string(&PayRequest {
            epoch: 0,
            journal_id: None,
            ..req.clone()
        })
        .expect("requests serialise");
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(i64, Option<String>)> = tx
            .query_row(
                "SELECT epoch, journal_id FROM terminal_epochs WHERE terminal_id = ?1",
                [&req.terminal_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let newest = row.as_ref().map(|r| r.0.max(0) as u64);
        let seen = newest.unwrap_or(0);
        if req.epoch > seen.saturating_add(MAX_EPOCH_STEP) {
            return Err(StoreError::EpochOutOfRange {
                terminal: req.terminal_id.clone(),
                sent: req.epoch,
                newest: seen,
            });
        }
        if let Some(newest) = newest
            && req.epoch < newest
        {
            return Err(StoreError::StaleEpoch {
                terminal: req.terminal_id.clone(),
                sent: req.epoch,
                newest,
            });
        }
        if let Some(journal) = req.journal_id {
            match row.as_ref().and_then(|r| r.1.as_deref()) {
                Some(bound) if bound != journal.to_string() => {
                    return Err(StoreError::OtherJournal {
                        terminal: req.terminal_id.clone(),
                        bound: Uuid::parse_str(bound).unwrap_or_default(),
                        sent: journal,
                    });
                }
                Some(_) => {}
                None => {
                    tx.execute(
                        "INSERT INTO terminal_epochs (terminal_id, epoch, journal_id) VALUES (?1, 0, ?2)
                         ON CONFLICT (terminal_id) DO UPDATE SET journal_id = ?2",
                        params![req.terminal_id, journal.to_string()],
                    )?;
                }
            }
        }
        if newest.is_none_or(|n| req.epoch > n) {
            tx.execute(
                "INSERT INTO terminal_epochs (terminal_id, epoch) VALUES (?1, ?2)
                 ON CONFLICT (terminal_id) DO UPDATE SET epoch = ?2",
                params![req.terminal_id, req.epoch as i64],
            )?;
        }
        let existing: Option<(String, String)> = tx
            .query_row(
                "SELECT body, terminal_id FROM payments WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        // Another terminal's payment is never touched nor shown: the id is taken.
        let existing = match existing {
            Some((_, terminal)) if terminal != req.terminal_id => {
                return Err(StoreError::Conflict(id));
            }
            other => other.map(|(body, _)| body),
        };
        let created = match idempotent(id, existing.as_deref(), &body)? {
            Seen::Replay => false,
            Seen::New => {
                // Two journals numbering one terminal (a copy of a journal on a second
                // PC) show up as a number given twice: refused, and said.
                let other: Option<String> = tx
                    .query_row(
                        "SELECT id FROM payments WHERE terminal_id = ?1 AND fiscal_receipt_no = ?2",
                        params![req.terminal_id, req.fiscal_receipt_no as i64],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(other) = other {
                    return Err(StoreError::ReceiptNumberTaken {
                        terminal: req.terminal_id.clone(),
                        number: req.fiscal_receipt_no,
                        other: Uuid::parse_str(&other).unwrap_or_default(),
                    });
                }
                // The agent's prepaid balance pays the operator: a new payment is
                // registered only if it covers the amount, and debits it.
                let balance: Option<i64> = tx
                    .query_row(
                        "SELECT balance_minor FROM balances WHERE terminal_id = ?1",
                        [&req.terminal_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(balance) = balance {
                    if balance < req.amount.minor() {
                        return Err(StoreError::InsufficientBalance {
                            terminal: req.terminal_id.clone(),
                            balance: money(balance),
                            amount: req.amount,
                        });
                    }
                    tx.execute(
                        "UPDATE balances SET balance_minor = balance_minor - ?1 WHERE terminal_id = ?2",
                        params![req.amount.minor(), req.terminal_id],
                    )?;
                }
                tx.execute(
                    "INSERT INTO payments (id, terminal_id, account, amount_minor, body, registered_at,
                                           pre_receipt_no, fiscal_receipt_no)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        id.to_string(),
                        req.terminal_id,
                        req.account,
                        req.amount.minor(),
                        body,
                        ts(now),
                        req.pre_receipt_no as i64,
                        req.fiscal_receipt_no as i64
                    ],
                )?;
                true
            }
        };
        let stored = tx.query_row(
            &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"),
            [id.to_string()],
            row_payment,
        )?;
        tx.commit()?;
        Ok(if created {
            Written::Created(stored)
        } else {
            Written::Replayed(stored)
        })
    }

    /// The agent's balance for a terminal; none when the hub keeps none for it (not
    /// limited).
    pub fn balance(
        &self,
        terminal: &str,
    ) -> Result<Option<crate::domain::money::Money>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT balance_minor FROM balances WHERE terminal_id = ?1",
                [terminal],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(money))
    }

    /// Starts keeping a balance for a terminal, unless one is kept already (a
    /// restarted hub keeps what was left).
    pub fn keep_balance(
        &self,
        terminal: &str,
        initial: crate::domain::money::Money,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO balances (terminal_id, balance_minor) VALUES (?1, ?2)
             ON CONFLICT (terminal_id) DO NOTHING",
            params![terminal, initial.minor()],
        )?;
        Ok(())
    }

    /// Tops a terminal's balance up (keeping one from now on if none was kept);
    /// returns the new balance.
    pub fn top_up(
        &self,
        terminal: &str,
        amount: crate::domain::money::Money,
    ) -> Result<crate::domain::money::Money, StoreError> {
        let minor: i64 = self.conn().query_row(
            "INSERT INTO balances (terminal_id, balance_minor) VALUES (?1, ?2)
             ON CONFLICT (terminal_id) DO UPDATE SET balance_minor = balance_minor + ?2
             RETURNING balance_minor",
            params![terminal, amount.minor()],
            |r| r.get(0),
        )?;
        Ok(money(minor))
    }

    /// One payment.
    pub fn payment(&self, id: Uuid) -> Result<Option<StoredPayment>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"),
                [id.to_string()],
                row_payment,
            )
            .optional()?)
    }

    /// Several payments (those that exist).
    pub fn payments(&self, ids: &[Uuid]) -> Result<Vec<StoredPayment>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(p) = stmt.query_row([id.to_string()], row_payment).optional()? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A terminal's payments accepted at the till in `[from, to)`, with the bodies
    /// they were delivered with, by fiscal receipt number. A payment is registered
    /// when it arrives, which is never before it was accepted: only payments
    /// registered since the day before `from` are read.
    pub fn registry(
        &self,
        terminal: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(StoredPayment, PayRequest)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {PAYMENT_COLUMNS}, body FROM payments
             WHERE terminal_id = ?1 AND registered_at >= ?2"
        ))?;
        let rows = stmt.query_map(
            params![terminal, ts(from - chrono::Duration::days(1))],
            |r| Ok((row_payment(r)?, r.get::<_, String>(10)?)),
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (p, body) = row?;
            let Ok(req) = serde_json::from_str::<PayRequest>(&body) else {
                continue;
            };
            if req.accepted_at >= from && req.accepted_at < to {
                out.push((p, req));
            }
        }
        out.sort_by_key(|(_, r)| r.fiscal_receipt_no);
        Ok(out)
    }

    /// Sets a payment's outcome (from a correction), effective from `at`.
    pub fn set_outcome(
        &self,
        id: Uuid,
        status: HubStatus,
        why: Option<&Reason>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let n = self.conn().execute(
            "UPDATE payments SET outcome = ?2, outcome_code = ?3, outcome_text = ?4, outcome_at = ?5 WHERE id = ?1",
            params![
                id.to_string(),
                status_str(status),
                why.map(|r| r.code.clone()),
                why.map(|r| r.message.clone()),
                ts(at)
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(id));
        }
        Ok(())
    }

    /// Stores a correction with the decision made on arrival, or recognises a replay.
    pub fn correction(
        &self,
        id: Uuid,
        req: &CorrectionRequest,
        decide: impl FnOnce() -> (CorrectionStateName, Option<Reason>),
        now: DateTime<Utc>,
    ) -> Result<Written<StoredCorrection>, StoreError> {
        let body = serde_json::to_string(req).expect("requests serialise");
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<String> = tx
            .query_row(
                "SELECT body FROM corrections WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let created = match idempotent(id, existing.as_deref(), &body)? {
            Seen::Replay => false,
            Seen::New => {
                let exists: bool = tx
                    .query_row(
                        "SELECT 1 FROM payments WHERE id = ?1",
                        [req.payment_id.to_string()],
                        |_| Ok(true),
                    )
                    .optional()?
                    .unwrap_or(false);
                if !exists {
                    return Err(StoreError::NotFound(req.payment_id));
                }
                let (decision, why) = decide();
                tx.execute(
                    "INSERT INTO corrections (id, payment_id, kind, body, decision, reason_code, reason_text, registered_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        id.to_string(),
                        req.payment_id.to_string(),
                        kind_str(req.kind),
                        body,
                        decision_str(decision),
                        why.as_ref().map(|r| r.code.clone()),
                        why.as_ref().map(|r| r.message.clone()),
                        ts(now)
                    ],
                )?;
                true
            }
        };
        tx.commit()?;
        drop(conn);
        let stored = self
            .stored_correction(id)?
            .ok_or(StoreError::NotFound(id))?;
        Ok(if created {
            Written::Created(stored)
        } else {
            Written::Replayed(stored)
        })
    }

    /// One correction.
    pub fn stored_correction(&self, id: Uuid) -> Result<Option<StoredCorrection>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT c.id, c.payment_id, c.kind, c.decision, c.reason_code, c.reason_text, c.registered_at, p.terminal_id
                 FROM corrections c JOIN payments p ON p.id = c.payment_id WHERE c.id = ?1",
                [id.to_string()],
                |r| {
                    Ok(StoredCorrection {
                        id: Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                        terminal_id: r.get(7)?,
                        payment_id: Uuid::parse_str(&r.get::<_, String>(1)?).unwrap_or_default(),
                        kind: parse_kind(&r.get::<_, String>(2)?),
                        decision: parse_decision(&r.get::<_, String>(3)?),
                        reason: reason(r.get(4)?, r.get(5)?),
                        registered_at: parse_ts(&r.get::<_, String>(6)?),
                    })
                },
            )
            .optional()?)
    }

    /// How many payments the hub holds (its own count, for duplicate checks).
    pub fn count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM payments", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// The corrections the hub holds per payment (its own count, for duplicate checks).
    pub fn correction_counts(&self) -> Result<Vec<(Uuid, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT payment_id, count(*) FROM corrections GROUP BY payment_id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                    r.get::<_, i64>(1)? as u64,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every payment id with its amount in minor units.
    pub fn amounts(&self) -> Result<Vec<(Uuid, i64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, amount_minor FROM payments")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    Uuid::parse_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                    r.get(1)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Binds a terminal to the journal that delivers for it: the first journal to ask
    /// (or the first after [`Store::unbind`]) gets it; another is refused.
    pub fn bind(&self, terminal: &str, journal: Uuid) -> Result<BindResponse, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(i64, Option<String>)> = tx
            .query_row(
                "SELECT epoch, journal_id FROM terminal_epochs WHERE terminal_id = ?1",
                [terminal],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match row.as_ref().and_then(|r| r.1.as_deref()) {
            Some(bound) if bound != journal.to_string() => {
                return Err(StoreError::OtherJournal {
                    terminal: terminal.to_string(),
                    bound: Uuid::parse_str(bound).unwrap_or_default(),
                    sent: journal,
                });
            }
            Some(_) => {}
            None => {
                tx.execute(
                    "INSERT INTO terminal_epochs (terminal_id, epoch, journal_id) VALUES (?1, 0, ?2)
                     ON CONFLICT (terminal_id) DO UPDATE SET journal_id = ?2",
                    params![terminal, journal.to_string()],
                )?;
            }
        }
        let (last_pre, last_fiscal): (i64, i64) = tx.query_row(
            "SELECT coalesce(max(pre_receipt_no), 0), coalesce(max(fiscal_receipt_no), 0)
             FROM payments WHERE terminal_id = ?1",
            [terminal],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.commit()?;
        Ok(BindResponse {
            journal_id: journal,
            epoch: row.map(|r| r.0.max(0) as u64).unwrap_or(0),
            last_pre_receipt_no: last_pre.max(0) as u64,
            last_fiscal_receipt_no: last_fiscal.max(0) as u64,
        })
    }

    /// Forgets which journal a terminal is bound to (the operator's `terminal
    /// rebind`): the next journal to ask gets it. Returns the journal it was bound to.
    pub fn unbind(&self, terminal: &str) -> Result<Option<Uuid>, StoreError> {
        let conn = self.conn();
        let bound: Option<Option<String>> = conn
            .query_row(
                "SELECT journal_id FROM terminal_epochs WHERE terminal_id = ?1",
                [terminal],
                |r| r.get(0),
            )
            .optional()?;
        conn.execute(
            "UPDATE terminal_epochs SET journal_id = NULL WHERE terminal_id = ?1",
            [terminal],
        )?;
        Ok(bound.flatten().and_then(|b| Uuid::parse_str(&b).ok()))
    }

    /// The newest epoch seen for a terminal.
    pub fn epoch(&self, terminal: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT epoch FROM terminal_epochs WHERE terminal_id = ?1",
                [terminal],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|e| e as u64))
    }
}
