//! Named crash points for the recovery tests.
//!
//! When the environment variable `PAYDESK_CRASH_AT` names a point, the process aborts
//! there (no destructors, no flushing: as close to `kill -9` as a process can do to
//! itself). Unset, a crash point costs one comparison.

use std::sync::OnceLock;

/// The environment variable that names the crash point.
pub const ENV: &str = "PAYDESK_CRASH_AT";

/// Every crash point, in the order a payment passes them.
pub const POINTS: &[&str] = &[
    "pre_receipt.intent",
    "pre_receipt.printed",
    "pre_receipt.done",
    "signed",
    "fiscal.intent",
    "fiscal.printed",
    "fiscal.done",
];

/// Aborts the process if `PAYDESK_CRASH_AT` is `point`.
pub fn hit(point: &str) {
    static TARGET: OnceLock<Option<String>> = OnceLock::new();
    let target = TARGET.get_or_init(|| std::env::var(ENV).ok().filter(|s| !s.is_empty()));
    if target.as_deref() == Some(point) {
        eprintln!("paydesk: crashing on purpose at {point} ({ENV})");
        std::process::abort();
    }
}

/// The environment variable that names the stop point.
pub const STOP_ENV: &str = "PAYDESK_STOP_AT";

/// Stops the process (SIGSTOP to itself) the first time it passes `point`, if
/// `PAYDESK_STOP_AT` names it: a test can then resume it with SIGCONT at the worst
/// moment, e.g. a sync leader paused just before a push while another takes over.
pub fn stop_once(point: &str) {
    static TARGET: OnceLock<Option<String>> = OnceLock::new();
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let target = TARGET.get_or_init(|| std::env::var(STOP_ENV).ok().filter(|s| !s.is_empty()));
    if target.as_deref() == Some(point) && !DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        eprintln!("paydesk: stopping on purpose at {point} ({STOP_ENV})");
        let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    }
}
