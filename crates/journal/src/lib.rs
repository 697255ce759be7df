//! The journal: one SQLite file, the single source of truth.
//!
//! - Opened with WAL, `synchronous=FULL`, a busy timeout and checks whose cost does
//!   not grow with the file (schema, the audit chains' newest links); the full check
//!   ([`Journal::verify`]: `PRAGMA integrity_check`, every event and payment) runs off
//!   the path to the first screen. A corrupted, read-only or locked file is a typed
//!   [`JournalError`].
//! - Every write is one `BEGIN IMMEDIATE` transaction that appends the payment's
//!   events and updates its row together ([`Journal::commit`]); a commit that
//!   returned is on disk.
//! - Document numbers come from `counters` inside the same transaction that uses
//!   them, so they are gapless and monotonic per terminal even with several processes.
//! - `payment_events` is append-only (triggers refuse UPDATE and DELETE).
//!
//! Below the app services; above `paydesk-core` (the rules) and `paydesk-fs`.

#![warn(missing_docs)]

// The layers below, under the names the journal's modules use.
use paydesk_core::domain;
use paydesk_fs as files;

pub mod backup;
pub mod cash;
pub mod chain;
pub mod corrections;
pub mod crashpoint;
mod delivery;
pub mod owner;
pub mod reconcile;
pub mod report;
mod schema;
pub mod shift;
pub mod support;
pub mod users;
mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use crate::domain::money::Money;
use crate::domain::operator::{Catalogue, Operator};
use crate::domain::payment::{
    Cash, FiscalNumbers, OperatorSnapshot, Payment, PaymentDetails, PaymentEvent, PaymentId,
    PaymentState, StateName, TransitionError, VoidReason,
};

pub use delivery::{DeliverySummary, Lease, Outgoing, PushResult};
pub use verify::{CheckProgress, CheckStage, VerifyReport};

/// How long opening waits for a sibling that is creating or migrating the same
/// journal (one-time work at first start or after an upgrade).
const SETUP_WAIT: Duration = Duration::from_secs(15);

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = schema::MIGRATIONS.len() as u32;

/// Why the journal cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// The file is not a database or fails the integrity check.
    #[error("the journal {path} is damaged: {detail}")]
    Corrupted {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },
    /// The file or its folder cannot be written.
    #[error("the journal {path} is read-only")]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// Another process holds the lock longer than the busy timeout.
    #[error("the journal {path} is locked by another process")]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// The disk is full.
    #[error("the disk holding the journal {path} is full")]
    DiskFull {
        /// The file.
        path: PathBuf,
    },
    /// Written by a newer paydesk.
    #[error("the journal {path} has schema {found}; this paydesk knows up to {known}")]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
        /// Ours.
        known: u32,
    },
    /// A file exists at the journal's path but is not a paydesk journal: it is never
    /// made into one (a lost or truncated journal must not restart the numbers).
    #[error("{path} is not a paydesk journal ({why:?})")]
    NotAJournal {
        /// The file.
        path: PathBuf,
        /// Why not.
        why: NotAJournal,
    },
    /// The file cannot be opened at all (missing folder, permissions, …).
    #[error("the journal {path} cannot be opened: {detail}")]
    CannotOpen {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// The state machine refused the event (nothing was written).
    #[error(transparent)]
    Refused(#[from] TransitionError),
    /// The payment changed under us (another process moved it on).
    #[error("payment {id} was changed by another process; reload it")]
    Conflict {
        /// The payment.
        id: PaymentId,
    },
    /// No such payment.
    #[error("there is no payment {0} in the journal")]
    NotFound(PaymentId),
    /// A shift is already open on this terminal.
    #[error("shift {number} is still open: close it with a Z report first")]
    ShiftOpen {
        /// The open shift.
        number: u64,
    },
    /// No shift is open on this terminal.
    #[error("no shift is open")]
    NoShift,
    /// The correction is not allowed for the payment as it is now.
    #[error("this correction is not allowed now: {0:?}")]
    NotEligible(crate::domain::correction::Refusal),
    /// Cash leaving the drawer above what the shift expects in it.
    #[error("the drawer should hold only {expected}: not more can be taken out")]
    NotEnoughCash {
        /// The cash the shift expects in the drawer.
        expected: Money,
    },
    /// No such difference open to explain (already explained, or not found).
    #[error("there is no such open difference: it is explained already or no longer found")]
    NoDifference,
    /// No cash slip with this number.
    #[error("there is no cash slip No. {number}")]
    NoCashSlip {
        /// The slip number asked for.
        number: u64,
    },
    /// No collection with this slip number.
    #[error("there is no collection No. {number}")]
    NoCollection {
        /// The slip number asked for.
        number: u64,
    },
    /// The collection's bank reference was already written.
    #[error("collection No. {number} already has its bank reference {known}")]
    BankRefKnown {
        /// The slip number.
        number: u64,
        /// The reference it has.
        known: String,
    },
    /// The first user of a journal must be an admin.
    #[error("the first user must be an admin")]
    FirstUserNotAdmin,
    /// The first admin was already created (by another till or an earlier run).
    #[error("the first admin already exists: log in")]
    FirstUserExists,
    /// A user with this name exists.
    #[error("there is already a user named {name}")]
    UserExists {
        /// The name.
        name: String,
    },
    /// No user with this name.
    #[error("there is no user {name}")]
    UnknownUser {
        /// The name.
        name: String,
    },
    /// A row that does not describe a valid payment (edited outside paydesk).
    #[error("payment {id} has an inconsistent row: {detail}")]
    BadRow {
        /// The payment id as stored.
        id: String,
        /// What is wrong.
        detail: String,
    },
    /// Any other SQLite error.
    #[error("journal {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
}

/// How to open the journal.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// How long a writer waits for another process's lock.
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A stored event, as shown in a payment's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Order in the whole journal.
    pub seq: i64,
    /// The payment.
    pub payment_id: String,
    /// When.
    pub at: String,
    /// `created`, `pre_receipt_printed`, …
    pub kind: String,
    /// The event as JSON.
    pub data: String,
    /// Who did it.
    pub actor: String,
}

/// The current shift of a terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    /// Its number.
    pub number: u64,
    /// When it opened.
    pub opened_at: String,
}

/// An open journal (one connection; open one per thread).
pub struct Journal {
    conn: Connection,
    path: PathBuf,
    /// This process, recorded on every payment it moves.
    me: owner::ProcessMark,
}

/// The timestamp format of every `*_at` column: UTC, milliseconds, sortable as text.
pub fn timestamp(t: DateTime<Utc>) -> String {
    domain::time::stored(t)
}

/// Below this much free space an I/O error is taken for a full disk: SQLite says
/// only "disk I/O error" when it cannot grow the WAL or its index on a full disk.
const NEARLY_FULL_BYTES: u64 = 1 << 20;

/// Free space for an unprivileged writer on the file system holding `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let mut s = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `c` is a NUL-terminated path; `s` is written by statvfs on success.
        let r = unsafe { libc::statvfs(c.as_ptr(), s.as_mut_ptr()) };
        if r != 0 {
            return None;
        }
        // SAFETY: statvfs returned 0, so it filled `s`.
        let s = unsafe { s.assume_init() };
        // The field types differ between platforms (u32 on some).
        #[allow(clippy::unnecessary_cast)]
        Some((s.f_bavail as u64).saturating_mul(s.f_frsize as u64))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn classify(path: &Path, e: rusqlite::Error) -> JournalError {
    classify_with(path, e, free_bytes)
}

fn wal_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

fn shm_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push("-shm");
    PathBuf::from(p)
}

/// Makes a new journal at `path`, which does not exist: the schema is written under
/// a temporary name, checkpointed, and only then linked to `path`. A file under the
/// journal's name is therefore always a whole journal; a sibling process creating it
/// at the same moment loses the race harmlessly and opens the winner's.
fn create(path: &Path, options: &OpenOptions) -> Result<(), JournalError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.new-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    let cleanup = |tmp: &Path| {
        for f in [tmp.to_path_buf(), wal_path(tmp), shm_path(tmp)] {
            let _ = std::fs::remove_file(f);
        }
    };
    let made = (|| {
        crate::files::create_new_private(&tmp).map_err(|e| classify_io(path, e))?;
        let mut j = Journal::connect(&tmp, path, options)?;
        j.durable()?;
        j.migrate_once()?;
        j.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| classify(path, e))?;
        drop(j);
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // File systems without hard links (a FAT USB stick): rename, unless a
            // sibling got there first.
            Err(_) if !path.exists() => {
                std::fs::rename(&tmp, path).map_err(|e| classify_io(path, e))
            }
            Err(_) => Ok(()),
        }
    })();
    cleanup(&tmp);
    crate::files::sync_parent(path);
    made
}

/// Runs `step` again while it finds the file locked by a sibling setting it up, up to
/// [`SETUP_WAIT`].
fn settle_locked<T>(mut step: impl FnMut() -> Result<T, JournalError>) -> Result<T, JournalError> {
    let deadline = std::time::Instant::now() + SETUP_WAIT;
    loop {
        match step() {
            Err(JournalError::Locked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            r => return r,
        }
    }
}

/// An I/O error on the journal's file (outside SQLite) as a journal error.
fn classify_io(path: &Path, e: std::io::Error) -> JournalError {
    let path = path.to_path_buf();
    match e.kind() {
        std::io::ErrorKind::StorageFull => JournalError::DiskFull { path },
        std::io::ErrorKind::ReadOnlyFilesystem => JournalError::ReadOnly { path },
        std::io::ErrorKind::PermissionDenied
            if path.parent().is_some_and(|d| {
                std::fs::metadata(d).is_ok_and(|m| m.permissions().readonly())
            }) =>
        {
            JournalError::ReadOnly { path }
        }
        _ => JournalError::CannotOpen {
            path,
            detail: e.to_string(),
        },
    }
}

/// Why a file is not a paydesk journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAJournal {
    /// It is empty (zero bytes, or an SQLite file with nothing in it).
    Empty,
    /// It is an SQLite database of another program.
    OtherDatabase,
}

/// [`classify`] with the free-space probe given (tests).
fn classify_with(
    path: &Path,
    e: rusqlite::Error,
    free: impl Fn(&Path) -> Option<u64>,
) -> JournalError {
    let path = path.to_path_buf();
    if let rusqlite::Error::SqliteFailure(f, msg) = &e {
        if matches!(
            f.code,
            ErrorCode::SystemIoFailure | ErrorCode::CannotOpen | ErrorCode::DiskFull
        ) && free(&path).is_some_and(|b| b < NEARLY_FULL_BYTES)
        {
            return JournalError::DiskFull { path };
        }
        let detail = msg.clone().unwrap_or_else(|| f.to_string());
        match f.code {
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                return JournalError::Corrupted { path, detail };
            }
            ErrorCode::ReadOnly => return JournalError::ReadOnly { path },
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return JournalError::Locked { path };
            }
            ErrorCode::DiskFull => return JournalError::DiskFull { path },
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied => {
                return JournalError::CannotOpen { path, detail };
            }
            _ => {}
        }
    }
    JournalError::Sqlite { path, source: e }
}

impl Journal {
    /// Opens the journal at `path`, checks it and brings its schema up to date. A new
    /// journal is created only where no file exists: an empty file, or an SQLite
    /// file of another program, is refused ([`JournalError::NotAJournal`]), so receipt
    /// numbers never restart at No. 1 over a file that was lost or truncated.
    pub fn open(path: &Path, options: &OpenOptions) -> Result<Journal, JournalError> {
        let cannot = |detail: String| JournalError::CannotOpen {
            path: path.to_path_buf(),
            detail,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_dir_private(dir)
                .map_err(|e| cannot(format!("cannot create the folder {}: {e}", dir.display())))?;
        }
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path, options)?,
            Err(e) => return Err(cannot(e.to_string())),
            Ok(m) if !m.is_file() => return Err(cannot("it is not a regular file".into())),
            Ok(m) if m.len() == 0 => {
                return Err(JournalError::NotAJournal {
                    path: path.to_path_buf(),
                    why: NotAJournal::Empty,
                });
            }
            Ok(_) => {}
        }
        // Journals of older versions were created with the umask's 0644.
        for file in [path.to_path_buf(), wal_path(path), shm_path(path)] {
            let _ = crate::files::make_private(&file);
        }
        let mut journal = Journal::connect(path, path, options)?;
        // Before anything is changed in it (even its journal mode): is it ours?
        // Siblings opening the same new file at the same moment (the till and the sync
        // thread) briefly lock each other while SQLite sets up the WAL index: wait for
        // that, as for a sibling's migration, instead of failing.
        if settle_locked(|| journal.schema_version())? == 0 {
            // Every journal paydesk creates has its schema before it gets its name.
            let tables: i64 = journal
                .conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(|e| journal.err(e))?;
            return Err(JournalError::NotAJournal {
                path: path.to_path_buf(),
                why: if tables == 0 {
                    NotAJournal::Empty
                } else {
                    NotAJournal::OtherDatabase
                },
            });
        }
        settle_locked(|| journal.durable())?;
        journal.migrate()?;
        settle_locked(|| journal.open_checks())?;
        Ok(journal)
    }

    /// A connection to `file`; errors name `path` (the journal's real name while a
    /// new one is made under a temporary name). Nothing in the file is changed yet.
    fn connect(file: &Path, path: &Path, options: &OpenOptions) -> Result<Journal, JournalError> {
        let c = |e| classify(path, e);
        // No SQLITE_OPEN_CREATE: a file that vanished since it was looked at is not
        // silently made anew.
        let conn = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(c)?;
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(c)? {
            return Err(JournalError::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        conn.busy_timeout(options.busy_timeout).map_err(c)?;
        Ok(Journal {
            conn,
            path: path.to_path_buf(),
            me: owner::ProcessMark::current(),
        })
    }

    /// WAL with full sync: a commit that returned is on disk.
    fn durable(&self) -> Result<(), JournalError> {
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(JournalError::CannotOpen {
                path: self.path.clone(),
                detail: format!("the journal needs WAL mode, SQLite chose {mode}"),
            });
        }
        self.conn
            .execute_batch(
                "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;",
            )
            .map_err(|e| self.err(e))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: rusqlite::Error) -> JournalError {
        classify(&self.path, e)
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits it; an SQLite error
    /// anywhere rolls it back and is classified (locked, read-only, full, …).
    fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> rusqlite::Result<T>,
    ) -> Result<T, JournalError> {
        let Journal { conn, path, .. } = self;
        let c = |e| classify(path, e);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(c)?;
        let value = f(&tx).map_err(c)?;
        tx.commit().map_err(c)?;
        Ok(value)
    }

    /// `PRAGMA integrity_check`: the problems SQLite finds, as an error.
    pub fn integrity_check(&self) -> Result<(), JournalError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| self.err(e))?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(JournalError::Corrupted {
                path: self.path.clone(),
                detail: rows.into_iter().take(5).collect::<Vec<_>>().join("; "),
            })
        }
    }

    /// Brings the schema up to date. A journal already current needs no write lock. A
    /// new or older one may be being migrated right now by a sibling (the sync thread,
    /// another till process): wait for it, up to [`SETUP_WAIT`], instead of failing.
    fn migrate(&mut self) -> Result<(), JournalError> {
        let version: u32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        let deadline = std::time::Instant::now() + SETUP_WAIT;
        loop {
            match self.migrate_once() {
                Err(JournalError::Locked { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                r => return r,
            }
        }
    }

    fn migrate_once(&mut self) -> Result<(), JournalError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let version: u32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(&path, e))?;
        if version > SCHEMA_VERSION {
            return Err(JournalError::NewerSchema {
                path,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql).map_err(|e| classify(&path, e))?;
            if i == 2 {
                chain::backfill(&tx).map_err(|e| classify(&path, e))?;
                tx.execute_batch(schema::EVENTS_APPEND_ONLY)
                    .map_err(|e| classify(&path, e))?;
            }
            if i == 8 {
                tx.execute(
                    "INSERT INTO journal_meta (id, journal_id, created_at) VALUES (1, ?1, ?2)",
                    params![uuid::Uuid::now_v7().to_string(), timestamp(Utc::now())],
                )
                .map_err(|e| classify(&path, e))?;
            }
            tx.pragma_update(None, "user_version", i as u32 + 1)
                .map_err(|e| classify(&path, e))?;
        }
        tx.commit().map_err(|e| classify(&path, e))
    }

    /// The journal's own id, made when it was created (or upgraded to schema 9).
    pub fn journal_id(&self) -> Result<uuid::Uuid, JournalError> {
        let id: String = self
            .conn
            .query_row(
                "SELECT journal_id FROM journal_meta WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        id.parse().map_err(|_| JournalError::BadRow {
            id: "journal_meta".into(),
            detail: "journal_id is not a UUID".into(),
        })
    }

    /// The journal mode and the `synchronous` level of this connection (`("wal", 2)`
    /// is WAL with FULL sync).
    pub fn durability(&self) -> Result<(String, i64), JournalError> {
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let sync = self
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok((mode, sync))
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<u32, JournalError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    // ---- Catalogue

    /// Replaces the cached operator catalogue.
    pub fn store_catalogue(&mut self, cat: &Catalogue, source: &str) -> Result<(), JournalError> {
        self.write(|tx| {
            tx.execute("DELETE FROM operators", [])?;
            for (i, op) in cat.operators.iter().enumerate() {
                let data = serde_json::to_string(op).expect("operators serialise");
                tx.execute(
                    "INSERT INTO operators (code, position, data) VALUES (?1, ?2, ?3)",
                    params![op.code.as_str(), i as i64, data],
                )?;
            }
            tx.execute(
                "INSERT INTO catalogue_meta (id, version, source, stored_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET version = ?1, source = ?2, stored_at = ?3",
                params![cat.version, source, timestamp(Utc::now())],
            )?;
            Ok(())
        })
    }

    /// The cached catalogue, if one was ever stored.
    pub fn catalogue(&self) -> Result<Option<Catalogue>, JournalError> {
        let version: Option<String> = self
            .conn
            .query_row("SELECT version FROM catalogue_meta WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(version) = version else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT code, data FROM operators ORDER BY position")
            .map_err(|e| self.err(e))?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        let operators = rows
            .into_iter()
            .map(|(code, data)| {
                serde_json::from_str::<Operator>(&data).map_err(|e| JournalError::BadRow {
                    id: format!("operator {code}"),
                    detail: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Catalogue { version, operators }))
    }

    // ---- Payments

    /// Journals a new payment together with the start of its pre-receipt: allocates
    /// the next pre-receipt number and commits `created` + `pre_receipt_print_started`.
    pub fn start_pre_receipt(
        &mut self,
        details: &PaymentDetails,
        actor: &str,
    ) -> Result<Payment, JournalError> {
        let draft = Payment::draft(details.clone());
        let terminal = details.terminal_id.clone();
        self.commit(&draft, actor, |tx| {
            let n = next_number(tx, &terminal, "pre_receipt")?;
            Ok(vec![PaymentEvent::PreReceiptPrintStarted {
                pre_receipt_no: n,
            }])
        })
    }

    /// Journals one event that needs no allocation.
    pub fn record(
        &mut self,
        payment: &Payment,
        event: PaymentEvent,
        actor: &str,
    ) -> Result<Payment, JournalError> {
        self.commit(payment, actor, |_| Ok(vec![event]))
    }

    /// Journals the cash, and when `start_fiscal` the start of the fiscal receipt with
    /// its number and the current shift (opening shift 1, 2, … if none is open), in
    /// one transaction.
    pub fn take_cash(
        &mut self,
        payment: &Payment,
        tendered: Money,
        start_fiscal: bool,
        actor: &str,
    ) -> Result<Payment, JournalError> {
        let terminal = payment.details.terminal_id.clone();
        self.commit(payment, actor, |tx| {
            let mut events = vec![PaymentEvent::CashTaken { tendered }];
            if start_fiscal {
                events.push(fiscal_start(tx, &terminal, actor)?);
            }
            Ok(events)
        })
    }

    /// Journals the start of the fiscal receipt for a payment whose cash is taken.
    pub fn start_fiscal(
        &mut self,
        payment: &Payment,
        actor: &str,
    ) -> Result<Payment, JournalError> {
        let terminal = payment.details.terminal_id.clone();
        self.commit(payment, actor, |tx| {
            Ok(vec![fiscal_start(tx, &terminal, actor)?])
        })
    }

    /// The one write path for payments: in one `BEGIN IMMEDIATE` transaction, make
    /// the events (allocating numbers if needed), run them through the state machine,
    /// append them and insert or update the payment's row. Nothing is written if the
    /// state machine refuses or the row changed under us.
    pub fn commit(
        &mut self,
        payment: &Payment,
        actor: &str,
        make_events: impl FnOnce(&Transaction) -> rusqlite::Result<Vec<PaymentEvent>>,
    ) -> Result<Payment, JournalError> {
        let path = self.path.clone();
        let c = |e| classify(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(c)?;
        let events = make_events(&tx).map_err(c)?;
        let next = events.iter().try_fold(payment.clone(), |p, e| p.apply(e))?;
        let now = Utc::now();
        let now_s = timestamp(now);
        let id = payment.id().to_string();
        if payment.state == PaymentState::Draft {
            insert_row(&tx, &next, &now_s).map_err(c)?;
            let created = serde_json::to_string(&payment.details).expect("details serialise");
            chain::append(
                &tx,
                &id,
                &timestamp(payment.details.created_at),
                "created",
                &created,
                actor,
            )
            .map_err(c)?;
        } else {
            let changed = update_row(&tx, &next, payment.state.name(), &now_s).map_err(c)?;
            if changed != 1 {
                return Err(JournalError::Conflict { id: payment.id() });
            }
        }
        // A payment becomes the hub's business the moment its fiscal receipt is
        // printed: queued in the same transaction, so none is fiscalized unqueued.
        if next.state.name() == StateName::Fiscalized
            && payment.state.name() != StateName::Fiscalized
        {
            delivery::queue_for_hub(&tx, &id, &now_s).map_err(c)?;
        }
        for e in &events {
            let data = serde_json::to_string(e).expect("events serialise");
            chain::append(&tx, &id, &now_s, e.kind(), &data, actor).map_err(c)?;
        }
        tx.execute(
            "UPDATE payments SET handled_by = ?2 WHERE id = ?1",
            params![id, self.me.to_string()],
        )
        .map_err(c)?;
        crashpoint::hit("journal.before_commit");
        tx.commit().map_err(c)?;
        Ok(next)
    }

    /// One payment by id.
    pub fn payment(&self, id: PaymentId) -> Result<Payment, JournalError> {
        let p = self
            .conn
            .query_row(
                &format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = ?1"),
                [id.to_string()],
                row_to_raw,
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(JournalError::NotFound(id))?;
        p.into_payment()
    }

    /// The payments of a terminal that stopped between two steps (not voided, not
    /// fiscalized), oldest first.
    pub fn unfinished(&self, terminal_id: &str) -> Result<Vec<Payment>, JournalError> {
        self.query_payments(
            &format!(
                // The partial index holds only the unfinished few; without the
                // hint SQLite may walk every payment of the terminal instead.
                "SELECT {PAYMENT_COLUMNS} FROM payments INDEXED BY payments_unfinished
                 WHERE terminal_id = ?1 AND state NOT IN ('voided', 'fiscalized')
                 ORDER BY created_at, id"
            ),
            [terminal_id],
        )
    }

    /// The payments of a terminal between two steps that nobody else is taking right
    /// now: left by a process that is gone (a crash), or by this one. A payment moved
    /// last by another live process on this machine is that till's business; one
    /// from another machine counts as waiting (nothing can be known from here).
    /// Oldest first.
    pub fn waiting_for_answer(&self, terminal_id: &str) -> Result<Vec<Payment>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {PAYMENT_COLUMNS}, handled_by FROM payments INDEXED BY payments_unfinished
                 WHERE terminal_id = ?1 AND state NOT IN ('voided', 'fiscalized')
                 ORDER BY created_at, id"
            ))
            .map_err(|e| self.err(e))?;
        let rows: Vec<(RawPayment, Option<String>)> = stmt
            .query_map([terminal_id], |r| {
                Ok((row_to_raw(r)?, r.get(PAYMENT_COLUMN_COUNT)?))
            })
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        let mut waiting = Vec::new();
        for (raw, handled_by) in rows {
            let other = handled_by
                .as_deref()
                .and_then(owner::ProcessMark::parse)
                .filter(|m| *m != self.me);
            let payment = raw.into_payment()?;
            match other {
                Some(m) if m.liveness() == owner::Liveness::Alive => {}
                // The row was read before the liveness check: a process that finished
                // the payment and exited in between looks gone with a stale state.
                // Once it is gone it writes no more, so the row read now is final.
                Some(_) => {
                    let now = self.payment(payment.id())?;
                    if now.state == payment.state {
                        waiting.push(now);
                    }
                }
                None => waiting.push(payment),
            }
        }
        Ok(waiting)
    }

    /// Every payment, oldest first (for tests and `journal verify`).
    pub fn all_payments(&self) -> Result<Vec<Payment>, JournalError> {
        self.query_payments(
            &format!("SELECT {PAYMENT_COLUMNS} FROM payments ORDER BY created_at, id"),
            [],
        )
    }

    fn query_payments<P: rusqlite::Params>(
        &self,
        sql: &str,
        p: P,
    ) -> Result<Vec<Payment>, JournalError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let raws: Vec<RawPayment> = stmt
            .query_map(p, row_to_raw)
            .and_then(|r| r.collect())
            .map_err(|e| self.err(e))?;
        raws.into_iter().map(RawPayment::into_payment).collect()
    }

    /// The payment a fiscal register's document is already recorded for, if any (a
    /// found receipt is adopted by one payment only).
    pub fn fiscal_document_owner(
        &self,
        number: u32,
        fn_number: &str,
    ) -> Result<Option<String>, JournalError> {
        self.conn
            .query_row(
                "SELECT payment_id FROM payment_events
                 WHERE kind IN ('fiscal_issued', 'refund_receipt_printed')
                   AND json_extract(data, '$.document.number') = ?1
                   AND json_extract(data, '$.document.fn_number') = ?2",
                params![number, fn_number],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Every event of one payment, oldest first.
    pub fn events(&self, id: PaymentId) -> Result<Vec<StoredEvent>, JournalError> {
        self.query_events(
            "SELECT seq, payment_id, at, kind, data, actor FROM payment_events WHERE payment_id = ?1 ORDER BY seq",
            [id.to_string()],
        )
    }

    fn query_events<P: rusqlite::Params>(
        &self,
        sql: &str,
        p: P,
    ) -> Result<Vec<StoredEvent>, JournalError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        stmt.query_map(p, |r| {
            Ok(StoredEvent {
                seq: r.get(0)?,
                payment_id: r.get(1)?,
                at: r.get(2)?,
                kind: r.get(3)?,
                data: r.get(4)?,
                actor: r.get(5)?,
            })
        })
        .and_then(|r| r.collect())
        .map_err(|e| self.err(e))
    }

    /// The open shift of a terminal.
    pub fn current_shift(&self, terminal_id: &str) -> Result<Option<Shift>, JournalError> {
        self.conn
            .query_row(
                "SELECT number, opened_at FROM shifts WHERE terminal_id = ?1 AND closed_at IS NULL",
                [terminal_id],
                |r| {
                    Ok(Shift {
                        number: r.get::<_, i64>(0)? as u64,
                        opened_at: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Checks the file and that every payment's row is what its events say; see
    /// [`VerifyReport`].
    pub fn verify(&self) -> Result<VerifyReport, JournalError> {
        verify::verify(self, &mut |_| {})
    }

    /// [`Journal::verify`], saying how far it is as it goes (`journal verify`'s bar,
    /// the background check's status). Reads in one read transaction: writers go on.
    pub fn verify_with_progress(
        &self,
        progress: &mut dyn FnMut(CheckProgress),
    ) -> Result<VerifyReport, JournalError> {
        verify::verify(self, progress)
    }

    /// Copies what the WAL holds into the main file as far as no reader needs it
    /// (`PRAGMA wal_checkpoint(PASSIVE)`: never waits, never blocks a writer). Run
    /// after a long read — the full check — so the frames written meanwhile are not
    /// left for the next payment's commit to copy.
    pub fn checkpoint(&self) -> Result<(), JournalError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|e| self.err(e))
    }

    /// What a crash or a cut-off copy can break, checked at every open in time that
    /// does not grow with the journal: the header and schema (read to get here), the
    /// newest link of each audit chain against its head. The full check (every page,
    /// every event) is [`Journal::verify`], run off the path to the first screen.
    fn open_checks(&self) -> Result<(), JournalError> {
        let snapshot = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        for c in [chain::PAYMENTS, chain::TERMINAL] {
            if let Some(b) = chain::check_head(&self.conn, &c).map_err(|e| self.err(e))? {
                return Err(JournalError::Corrupted {
                    path: self.path.clone(),
                    detail: b.to_string(),
                });
            }
        }
        drop(snapshot);
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// Hands out the next number of a per-terminal counter inside the caller's transaction.
pub(crate) fn next_number(tx: &Transaction, terminal: &str, name: &str) -> rusqlite::Result<u64> {
    let n: i64 = tx.query_row(
        "INSERT INTO counters (terminal_id, name, value) VALUES (?1, ?2, 1)
         ON CONFLICT (terminal_id, name) DO UPDATE SET value = value + 1
         RETURNING value",
        params![terminal, name],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

fn fiscal_start(tx: &Transaction, terminal: &str, actor: &str) -> rusqlite::Result<PaymentEvent> {
    let open: Option<i64> = tx
        .query_row(
            "SELECT number FROM shifts WHERE terminal_id = ?1 AND closed_at IS NULL",
            [terminal],
            |r| r.get(0),
        )
        .optional()?;
    let shift_no = match open {
        Some(n) => n,
        None => {
            // The shift was closed after this payment's pre-receipt (payments start
            // only in an open shift): the money in hand is never refused, so one opens
            // with zero opening cash, attributed to whoever took the cash.
            let now = Utc::now();
            let n = tx.query_row(
                "INSERT INTO shifts (terminal_id, number, opened_at, opened_by)
                 SELECT ?1, COALESCE(MAX(number), 0) + 1, ?2, ?3 FROM shifts WHERE terminal_id = ?1
                 RETURNING number",
                params![terminal, timestamp(now), actor],
                |r| r.get(0),
            )?;
            users::record(
                tx,
                &format!("shift:{terminal}:{n}"),
                now,
                "shift_opened",
                serde_json::json!({ "opening_cash_minor": 0, "automatic": true }),
                actor,
            )?;
            n
        }
    };
    let receipt_no = next_number(tx, terminal, "fiscal_receipt")?;
    Ok(PaymentEvent::FiscalPrintStarted {
        fiscal: FiscalNumbers {
            receipt_no,
            shift_no: shift_no as u64,
        },
    })
}

const PAYMENT_COLUMNS: &str = "id, terminal_id, operator_code, operator_name, operator_tax_id, legal_entity, \
    account, amount_minor, fee_minor, total_minor, cashier, created_at, state, pre_receipt_no, void_reason, \
    tendered_minor, change_minor, fiscal_receipt_no, shift_no, operator_phone";

/// How many columns [`PAYMENT_COLUMNS`] names (a query may select more after them).
const PAYMENT_COLUMN_COUNT: usize = 20;

/// A payments row as stored, before it is checked into a [`Payment`].
struct RawPayment {
    id: String,
    terminal_id: String,
    operator_code: String,
    operator_name: String,
    operator_tax_id: String,
    legal_entity: String,
    account: String,
    amount: i64,
    fee: i64,
    total: i64,
    cashier: String,
    created_at: String,
    state: String,
    pre_receipt_no: Option<i64>,
    void_reason: Option<String>,
    tendered: Option<i64>,
    change: Option<i64>,
    fiscal_receipt_no: Option<i64>,
    shift_no: Option<i64>,
    operator_phone: Option<String>,
}

fn row_to_raw(r: &rusqlite::Row) -> rusqlite::Result<RawPayment> {
    Ok(RawPayment {
        id: r.get(0)?,
        terminal_id: r.get(1)?,
        operator_code: r.get(2)?,
        operator_name: r.get(3)?,
        operator_tax_id: r.get(4)?,
        legal_entity: r.get(5)?,
        account: r.get(6)?,
        amount: r.get(7)?,
        fee: r.get(8)?,
        total: r.get(9)?,
        cashier: r.get(10)?,
        created_at: r.get(11)?,
        state: r.get(12)?,
        pre_receipt_no: r.get(13)?,
        void_reason: r.get(14)?,
        tendered: r.get(15)?,
        change: r.get(16)?,
        fiscal_receipt_no: r.get(17)?,
        shift_no: r.get(18)?,
        operator_phone: r.get(19)?,
    })
}

impl RawPayment {
    fn into_payment(self) -> Result<Payment, JournalError> {
        let bad = |detail: &str| JournalError::BadRow {
            id: self.id.clone(),
            detail: detail.to_string(),
        };
        let money = |m: i64| Money::from_minor(m).ok_or_else(|| bad("negative money"));
        let need = |v: Option<i64>, what: &str| {
            v.map(|n| n as u64)
                .ok_or_else(|| bad(&format!("{what} missing for state {}", self.state)))
        };
        let cash = || -> Result<Cash, JournalError> {
            Ok(Cash {
                tendered: money(self.tendered.ok_or_else(|| bad("tendered missing"))?)?,
                change: money(self.change.ok_or_else(|| bad("change missing"))?)?,
            })
        };
        let fiscal = || -> Result<FiscalNumbers, JournalError> {
            Ok(FiscalNumbers {
                receipt_no: need(self.fiscal_receipt_no, "fiscal_receipt_no")?,
                shift_no: need(self.shift_no, "shift_no")?,
            })
        };
        let name = StateName::parse(&self.state).ok_or_else(|| bad("unknown state"))?;
        let pre = || need(self.pre_receipt_no, "pre_receipt_no");
        let state = match name {
            StateName::Draft => return Err(bad("drafts are never journaled")),
            StateName::PreReceiptPrinting => PaymentState::PreReceiptPrinting {
                pre_receipt_no: pre()?,
            },
            StateName::PreReceiptPrinted => PaymentState::PreReceiptPrinted {
                pre_receipt_no: pre()?,
            },
            StateName::Signed => PaymentState::Signed {
                pre_receipt_no: pre()?,
            },
            StateName::Voided => PaymentState::Voided {
                pre_receipt_no: self.pre_receipt_no.map(|n| n as u64),
                reason: match self.void_reason.as_deref() {
                    Some("customer_refused") => VoidReason::CustomerRefused,
                    Some("cancelled") => VoidReason::Cancelled,
                    _ => return Err(bad("void_reason missing or unknown")),
                },
            },
            StateName::CashTaken => PaymentState::CashTaken {
                pre_receipt_no: pre()?,
                cash: cash()?,
            },
            StateName::FiscalPrinting => PaymentState::FiscalPrinting {
                pre_receipt_no: pre()?,
                cash: cash()?,
                fiscal: fiscal()?,
            },
            StateName::Fiscalized => PaymentState::Fiscalized {
                pre_receipt_no: pre()?,
                cash: cash()?,
                fiscal: fiscal()?,
            },
        };
        let details = PaymentDetails {
            id: self.id.parse().map_err(|_| bad("id is not a UUID"))?,
            terminal_id: self.terminal_id.clone(),
            operator: OperatorSnapshot {
                code: self
                    .operator_code
                    .clone()
                    .try_into()
                    .map_err(|e: String| bad(&e))?,
                name: self.operator_name.clone(),
                tax_id: self.operator_tax_id.clone(),
                legal_entity: self.legal_entity.clone(),
                phone: self.operator_phone.clone(),
            },
            account: self.account.clone(),
            amount: money(self.amount)?,
            fee: money(self.fee)?,
            total: money(self.total)?,
            created_at: DateTime::parse_from_rfc3339(&self.created_at)
                .map_err(|_| bad("created_at is not a timestamp"))?
                .with_timezone(&Utc),
            cashier: self.cashier.clone(),
        };
        Ok(Payment { details, state })
    }
}

fn void_reason_str(r: VoidReason) -> &'static str {
    match r {
        VoidReason::CustomerRefused => "customer_refused",
        VoidReason::Cancelled => "cancelled",
    }
}

fn insert_row(tx: &Transaction, p: &Payment, now: &str) -> rusqlite::Result<()> {
    let d = &p.details;
    tx.execute(
        "INSERT INTO payments (id, terminal_id, operator_code, operator_name, operator_tax_id, legal_entity,
            account, amount_minor, fee_minor, total_minor, cashier, created_at, updated_at, state,
            operator_phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'pre_receipt_printing', ?14)",
        params![
            d.id.to_string(),
            d.terminal_id,
            d.operator.code.as_str(),
            d.operator.name,
            d.operator.tax_id,
            d.operator.legal_entity,
            d.account,
            d.amount.minor(),
            d.fee.minor(),
            d.total.minor(),
            d.cashier,
            timestamp(d.created_at),
            now,
            d.operator.phone,
        ],
    )?;
    update_row(tx, p, StateName::PreReceiptPrinting, now).map(|_| ())
}

/// Writes the state columns of `p`, only if the row is still in `expected` state.
fn update_row(
    tx: &Transaction,
    p: &Payment,
    expected: StateName,
    now: &str,
) -> rusqlite::Result<usize> {
    let s = &p.state;
    let cash = s.cash();
    let fiscal = s.fiscal();
    let void_reason = match s {
        PaymentState::Voided { reason, .. } => Some(void_reason_str(*reason)),
        _ => None,
    };
    tx.execute(
        "UPDATE payments SET state = ?2, updated_at = ?3, pre_receipt_no = ?4, void_reason = ?5,
            tendered_minor = ?6, change_minor = ?7, fiscal_receipt_no = ?8, shift_no = ?9,
            accepted_at = CASE WHEN ?6 IS NOT NULL THEN COALESCE(accepted_at, ?3) ELSE accepted_at END
         WHERE id = ?1 AND state = ?10",
        params![
            p.id().to_string(),
            s.name().as_str(),
            now,
            s.pre_receipt_no().map(|n| n as i64),
            void_reason,
            cash.map(|c| c.tendered.minor()),
            cash.map(|c| c.change.minor()),
            fiscal.map(|f| f.receipt_no as i64),
            fiscal.map(|f| f.shift_no as i64),
            expected.as_str(),
        ],
    )
}

#[cfg(test)]
mod classify_tests {
    use super::*;

    /// What runs every second (the status bar's counts) or on every support screen
    /// (the troubled payments) must never scan the payments table.
    #[test]
    fn the_status_counts_and_the_support_list_never_scan_the_payments() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::open(&dir.path().join("j.sqlite"), &OpenOptions::default()).unwrap();
        for sql in [
            delivery::SUMMARY_SQL.to_string(),
            support::troubled_sql().replace("?1", "50"),
        ] {
            let mut stmt = j
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let plan: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for step in &plan {
                let scan = step.starts_with("SCAN payments") || step.starts_with("SCAN p");
                assert!(
                    !scan || step.contains("INDEX payments_"),
                    "{step} in {plan:?}"
                );
                assert!(!step.contains("payments_created_at"), "{step} in {plan:?}");
            }
        }
    }

    fn sqlite(code: i32, msg: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(msg.into()))
    }

    #[test]
    fn an_io_error_on_a_full_disk_is_a_full_disk() {
        let path = Path::new("/var/lib/paydesk/journal.sqlite");
        let io = || sqlite(rusqlite::ffi::SQLITE_IOERR_WRITE, "disk I/O error");
        assert!(matches!(
            classify_with(path, io(), |_| Some(0)),
            JournalError::DiskFull { .. }
        ));
        assert!(matches!(
            classify_with(
                path,
                sqlite(rusqlite::ffi::SQLITE_IOERR_SHMSIZE, "disk I/O error"),
                |_| Some(4096)
            ),
            JournalError::DiskFull { .. }
        ));
        // With room on the disk it is some other I/O error, said as such.
        assert!(matches!(
            classify_with(path, io(), |_| Some(10 << 30)),
            JournalError::Sqlite { .. }
        ));
        assert!(matches!(
            classify_with(path, io(), |_| None),
            JournalError::Sqlite { .. }
        ));
        assert!(matches!(
            classify_with(
                path,
                sqlite(rusqlite::ffi::SQLITE_FULL, "database or disk is full"),
                |_| None
            ),
            JournalError::DiskFull { .. }
        ));
    }

    #[test]
    fn free_space_is_read_from_the_file_system() {
        let dir = tempfile::tempdir().unwrap();
        assert!(free_bytes(&dir.path().join("j.sqlite")).is_some_and(|b| b > 0));
    }
}
