//! Time as paydesk writes and shows it: one stored form (RFC 3339, UTC, milliseconds,
//! sortable as text) and one local form for people, in the shop's zone.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// The stored form of every `*_at` value: `2026-11-20T11:05:00.000Z`.
pub fn stored(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored (or any RFC 3339) time; `None` when it is not one.
pub fn parse_stored(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A time for people, in the shop's zone: `2026-11-20 14:05:00`.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_read_back_and_sort_as_text() {
        let t = parse_stored("2026-11-20T11:05:00.123Z").unwrap();
        assert_eq!(stored(t), "2026-11-20T11:05:00.123Z");
        assert_eq!(
            parse_stored("2026-11-20T14:05:00+03:00")
                .map(stored)
                .as_deref(),
            Some("2026-11-20T11:05:00.000Z")
        );
        assert_eq!(parse_stored("yesterday"), None);
        assert!(stored(t) < stored(t + chrono::Duration::milliseconds(1)));
        assert_eq!(local(t, chrono_tz::Europe::Moscow), "2026-11-20 14:05:00");
    }
}
