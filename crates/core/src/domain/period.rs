//! Dates and periods as a shop manager types them, in the shop's time zone.

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Which end of a day a bare date means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayEdge {
    /// Its first instant (a period's start).
    Start,
    /// The next midnight (a period's end, exclusive).
    End,
}

/// A date (`2026-11-20`) or date-time (`2026-11-20 14:05`) in the shop's zone; a bare
/// date means the `edge` of that day.
pub fn parse_when(text: &str, tz: Tz, edge: DayEdge) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let naive = if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let d = match edge {
            DayEdge::End => d.checked_add_days(Days::new(1))?,
            DayEdge::Start => d,
        };
        d.and_hms_opt(0, 0, 0)?
    } else {
        [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())?
    };
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// The first instant of a month (`2026-10`) and of the next one, in the shop's zone.
pub fn month_range(text: &str, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()?;
    if text.trim().len() != 7 {
        return None;
    }
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    Some((at(first)?, at(next)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_months_in_the_shops_zone() {
        let tz = chrono_tz::Europe::Moscow;
        let start = parse_when("2026-11-20", tz, DayEdge::Start).unwrap();
        let end = parse_when("2026-11-20", tz, DayEdge::End).unwrap();
        assert_eq!((end - start).num_hours(), 24);
        assert_eq!(start.to_rfc3339(), "2026-11-19T21:00:00+00:00");
        assert!(parse_when("2026-11-20 14:05", tz, DayEdge::End).is_some());
        assert!(parse_when("20.11.2026", tz, DayEdge::Start).is_none());
        let (a, b) = month_range("2026-02", tz).unwrap();
        assert_eq!((b - a).num_days(), 28);
        assert!(month_range("2026-2", tz).is_none());
    }
}
