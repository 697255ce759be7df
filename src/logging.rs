//! Logs: to stderr as `PAYDESK_LOG` says (warnings by default), and at info level to
//! `paydesk.log` beside the journal, which support's diagnostics export reads. The log
//! never holds a PIN (`Pin`'s `Debug` is `****`); exports still pass through
//! [`scrub`] for tokens and hashes.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The log file is started afresh (the old one kept as `.1`) above this size.
const ROTATE_AT: u64 = 5 * 1024 * 1024;

/// The log file of a journal: `paydesk.log` in its folder.
pub fn log_path(journal: &Path) -> PathBuf {
    journal
        .parent()
        .map(|d| d.join("paydesk.log"))
        .unwrap_or_else(|| PathBuf::from("paydesk.log"))
}

/// Sets up logging for this process; the file is optional (a read-only folder must
/// not stop the till).
pub fn init(file: Option<&Path>) {
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(
            EnvFilter::try_from_env("PAYDESK_LOG").unwrap_or_else(|_| EnvFilter::new("warn")),
        );
    let file_layer = file.and_then(|path| {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = crate::files::create_dir_private(dir);
        }
        if std::fs::metadata(path).is_ok_and(|m| m.len() > ROTATE_AT) {
            let _ = std::fs::rename(path, path.with_extension("log.1"));
        }
        let _ = crate::files::make_private(&path.with_extension("log.1"));
        // Payment ids, accounts and amounts: owner-only.
        let f = crate::files::append_private(path).ok()?;
        Some(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(Mutex::new(f))
                .with_filter(EnvFilter::new("paydesk=info,warn")),
        )
    });
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init();
}

/// Removes secrets from text leaving paydesk: each of `secrets` (the hub token), any
/// `Bearer …` credential and any argon2 PIN hash.
pub fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s.as_str(), "[removed]");
    }
    let mut result = String::with_capacity(out.len());
    let mut rest = out.as_str();
    loop {
        let bearer = rest.find("Bearer ");
        let hash = rest.find("$argon2");
        // A hash holds commas (`m=19456,t=2,p=1`); a bearer token ends at one.
        let (at, skip, replacement, commas_end) = match (bearer, hash) {
            (Some(b), Some(h)) if h < b => (h, 0, "[pin hash removed]", false),
            (Some(b), _) => (b, "Bearer ".len(), "Bearer [removed]", true),
            (None, Some(h)) => (h, 0, "[pin hash removed]", false),
            (None, None) => break,
        };
        result.push_str(&rest[..at]);
        result.push_str(replacement);
        let tail = &rest[at + skip..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || (commas_end && c == ','))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    result.push_str(rest);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bearers_and_hashes_are_removed() {
        let secrets = vec!["s3cr3t-token".to_string()];
        for (input, want) in [
            ("token=s3cr3t-token ok", "token=[removed] ok"),
            (
                "Authorization: Bearer abc.def\nnext",
                "Authorization: Bearer [removed]\nnext",
            ),
            (
                "hash \"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA\" end",
                "hash \"[pin hash removed]\" end",
            ),
            ("nothing secret", "nothing secret"),
        ] {
            assert_eq!(scrub(input, &secrets), want, "{input:?}");
        }
    }
}
