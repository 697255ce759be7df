//! Who this terminal is: its id, the shop and how its documents read, its log, the
//! values that never leave it. Read by every service; set once when the till opens.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::domain::receipt::DocumentContext;

/// Who this terminal is and how its documents read: its id, the shop, language,
/// time zone and currency, where its log is, which values never leave it.
#[derive(Clone, Debug)]
pub struct Terminal {
    id: String,
    docs: DocumentContext,
    stuck_after: Duration,
    log_file: PathBuf,
    secrets: Vec<String>,
}

impl Terminal {
    pub(super) fn new(
        id: String,
        docs: DocumentContext,
        stuck_after: Duration,
        log_file: PathBuf,
        secrets: Vec<String>,
    ) -> Terminal {
        Terminal {
            id,
            docs,
            stuck_after,
            log_file,
            secrets,
        }
    }

    /// Prints documents in `lang` from now on.
    pub(super) fn set_language(&mut self, lang: crate::i18n::Lang) {
        self.docs.lang = lang;
    }

    /// The terminal id (`T-01`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The shop, language, time zone and currency documents are made with.
    pub fn docs(&self) -> &DocumentContext {
        &self.docs
    }

    /// How long a hub status may stay unmoved before the payment is stuck.
    pub fn stuck_after(&self) -> Duration {
        self.stuck_after
    }

    /// This process's log file (diagnostics read it).
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// Values that must never leave the till (the hub token).
    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }
}
