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
