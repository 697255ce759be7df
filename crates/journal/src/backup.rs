//! Online backups: a consistent copy of the journal while the till runs.
//!
//! `VACUUM INTO` (SQLite ≥ 3.27) writes a copy from one read transaction: in WAL mode
//! readers never block writers, so payments go on while it runs, and the copy is one
//! moment of the journal (a whole transaction or none of it). The copy is written
//! under a temporary name, checked as `journal verify` checks (integrity, the audit
//! chains, every payment's replay), and only then takes its final name — a backup
//! that exists under its name is a good one. The oldest beyond the kept count go.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{Journal, JournalError, OpenOptions};

/// A backup's file name prefix; the rest is its UTC time (`paydesk-20261202-174501.sqlite`).
const PREFIX: &str = "paydesk-";
const SUFFIX: &str = ".sqlite";

/// A written and checked backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Payments it holds.
    pub payments: usize,
    /// Older backups removed to keep the count.
    pub removed: Vec<PathBuf>,
}

/// Why no backup was made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The backup folder cannot be made or written.
    #[error("the backup folder {dir} cannot be used: {detail}")]
    Folder {
        /// The folder.
        dir: PathBuf,
        /// Why.
        detail: String,
    },
    /// Copying failed (a full disk, a damaged journal).
    #[error(transparent)]
    Copy(#[from] JournalError),
    /// The copy does not pass the check; it was removed.
    #[error("the backup did not pass its check: {}", problems.join("; "))]
    Check {
        /// What the check found.
        problems: Vec<String>,
    },
}

/// The backup file name for a moment.
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", at.format("%Y%m%d-%H%M%S"))
}

/// Backups in `dir`, oldest first (by name, which is by time).
pub fn list(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    out.sort();
    out
}

impl Journal {
    /// Writes a checked backup into `dir` and keeps the newest `keep` there.
    pub fn backup_into(&self, dir: &Path, keep: usize) -> Result<Backup, BackupError> {
        let folder = |e: std::io::Error| BackupError::Folder {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        };
        crate::files::create_dir_private(dir).map_err(folder)?;
        let mut name = file_name(Utc::now());
        // Two backups in one second: the second waits its turn rather than overwrite.
        while dir.join(&name).exists() {
            std::thread::sleep(std::time::Duration::from_millis(200));
            name = file_name(Utc::now());
        }
        let path = dir.join(&name);
        let temp = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&temp);
        let written = self.conn.execute(
            "VACUUM INTO ?1",
            [temp.to_str().ok_or_else(|| BackupError::Folder {
                dir: dir.to_path_buf(),
                detail: "the path is not valid UTF-8".into(),
            })?],
        );
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(match super::classify(&temp, e) {
                JournalError::ReadOnly { .. } | JournalError::CannotOpen { .. } => {
                    BackupError::Folder {
                        dir: dir.to_path_buf(),
                        detail: "cannot write there".into(),
                    }
                }
                other => BackupError::Copy(other),
            });
        }
        let _ = crate::files::make_private(&temp);
        let checked = check(&temp);
        let payments = match checked {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        };
        std::fs::rename(&temp, &path).map_err(folder)?;
        crate::files::sync_parent(&path);
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let all = list(dir);
        let removed: Vec<PathBuf> = all
            .iter()
            .take(all.len().saturating_sub(keep.max(1)))
            .cloned()
            .collect();
        for old in &removed {
            let _ = std::fs::remove_file(old);
        }
        Ok(Backup {
            path,
            bytes,
            payments,
            removed,
        })
    }
}

/// Opens a copy and checks it as `journal verify` does; the payments it holds.
fn check(copy: &Path) -> Result<usize, BackupError> {
    let j = Journal::open(copy, &OpenOptions::default())?;
    let report = j.verify()?;
    if report.is_ok() {
        Ok(report.payments)
    } else {
        Err(BackupError::Check {
            problems: report.problems,
        })
    }
}

/// A journal restored from a backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// Payments in the restored journal.
    pub payments: usize,
    /// Where the replaced journal was kept.
    pub kept_aside: PathBuf,
    /// Journal events the replaced journal had beyond the backup (lost with the
    /// restore unless taken from the kept file); `None` when it could not be read.
    pub events_lost: Option<u64>,
}

/// Why a backup was not restored.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    /// A process still has the journal open.
    #[error("the journal is open in process {pid}: close paydesk first")]
    InUse {
        /// That process.
        pid: i32,
    },
    /// The backup is not a good journal.
    #[error("the backup did not pass its check: {}", problems.join("; "))]
    Check {
        /// What the check found.
        problems: Vec<String>,
    },
    /// The backup cannot be read or the files moved.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// A file operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The process that has `journal` open, if any: SQLite keeps a read lock on the
/// "dead man switch" byte of the `-shm` file (byte 128: `UNIX_SHM_BASE` 120 +
/// `SQLITE_SHM_NLOCK` 8, os_unix.c) for as long as a WAL connection is open.
pub fn holder(journal: &Path) -> Option<i32> {
    use std::os::fd::AsRawFd;
    let shm = super::shm_path(journal);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&shm)
        .ok()?;
    // SAFETY: a plain `flock` struct filled with zeroes is a valid value to fill in.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    lock.l_start = 128;
    lock.l_len = 1;
    // SAFETY: F_GETLK only reads and fills `lock`; the descriptor is open.
    let r = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    (r == 0 && lock.l_type != libc::F_UNLCK as libc::c_short).then_some(lock.l_pid)
}

/// Replaces the journal with a checked copy of `backup`. Refused while a process
/// has the journal open; the replaced journal (with its WAL) is kept aside, never
/// deleted, and the events it had beyond the backup are counted.
pub fn restore(backup: &Path, journal: &Path) -> Result<Restored, RestoreError> {
    let io = |what: String| move |source| RestoreError::Io { what, source };
    if let Some(pid) = holder(journal) {
        return Err(RestoreError::InUse { pid });
    }
    let dir = journal
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = dir.join(".paydesk-restore.partial");
    let _ = std::fs::remove_file(&temp);
    std::fs::copy(backup, &temp).map_err(io(format!("copy {}", backup.display())))?;
    let _ = crate::files::make_private(&temp);
    let checked = (|| {
        let j = Journal::open(&temp, &OpenOptions::default())?;
        let report = j.verify()?;
        if report.is_ok() {
            Ok(report.payments)
        } else {
            Err(RestoreError::Check {
                problems: report.problems,
            })
        }
    })();
    let payments = match checked {
        Ok(n) => n,
        Err(e) => {
            // Nothing of a refused backup stays behind.
            for f in [temp.clone(), super::wal_path(&temp), super::shm_path(&temp)] {
                let _ = std::fs::remove_file(f);
            }
            return Err(e);
        }
    };
    let last_seq = |path: &Path| -> Option<i64> {
        let c =
            rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .ok()?;
        c.query_row(
            "SELECT COALESCE(MAX(seq), 0) FROM payment_events",
            [],
            |r| r.get(0),
        )
        .ok()
    };
    let events_lost = match (last_seq(journal), last_seq(&temp)) {
        (Some(old), Some(new)) => Some(u64::try_from(old - new).unwrap_or(0)),
        _ => None,
    };
    let stamp = Utc::now().format("%Y%m%d-%H%M%S");
    let mut aside = journal.as_os_str().to_owned();
    aside.push(format!(".replaced-{stamp}"));
    let kept_aside = PathBuf::from(aside);
    if journal.exists() {
        std::fs::rename(journal, &kept_aside).map_err(io("keep the old journal".into()))?;
        for (from, to) in [
            (super::wal_path(journal), super::wal_path(&kept_aside)),
            (super::shm_path(journal), super::shm_path(&kept_aside)),
        ] {
            if from.exists() {
                std::fs::rename(&from, &to).map_err(io("keep the old journal".into()))?;
            }
        }
    }
    if let Err(e) = std::fs::rename(&temp, journal) {
        // Never leave the path empty: a till would start a new journal there and
        // the receipt numbers again at No. 1.
        let _ = std::fs::rename(&kept_aside, journal);
        return Err(RestoreError::Io {
            what: "put the backup in place".into(),
            source: e,
        });
    }
    crate::files::sync_parent(journal);
    Ok(Restored {
        payments,
        kept_aside,
        events_lost,
    })
}
