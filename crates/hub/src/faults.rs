//! Fault switches: the reference hub misbehaves on purpose so tests can make the
//! network fail in each way a real hub does. All draws come from one seeded RNG.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What to break, and how often.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Seed of the random draws.
    pub seed: u64,
    /// Extra latency, uniform between the two bounds.
    pub latency: (Duration, Duration),
    /// Share of requests answered `503` without doing anything.
    pub error_rate: f64,
    /// Share of requests carried out, then the connection dropped without an answer.
    pub drop_rate: f64,
    /// Share of requests carried out, then answered only after `slow_delay`.
    pub slow_rate: f64,
    /// How late a slow answer comes (set it past the client's timeout).
    pub slow_delay: Duration,
    /// Windows (from the hub's start) during which every connection is dropped.
    pub down: Vec<(Duration, Duration)>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            seed: 0,
            latency: (Duration::ZERO, Duration::ZERO),
            error_rate: 0.0,
            drop_rate: 0.0,
            slow_rate: 0.0,
            slow_delay: Duration::from_secs(30),
            down: Vec::new(),
        }
    }
}

/// What to do with one request, drawn when it arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Drop the connection without doing anything (the hub is down).
    Down,
    /// Answer 503 without doing anything.
    Error,
    /// Do the work, wait `latency`, then answer, drop, or answer late.
    Serve {
        /// Delay before the work.
        latency: Duration,
        /// After the work.
        after: After,
    },
}

/// What happens after the work is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Answer normally.
    Answer,
    /// Drop the connection: the work is committed, the client never hears.
    Drop,
    /// Answer after this delay.
    Late(Duration),
}

/// The faults with their RNG and clock.
pub struct FaultPlan {
    faults: Faults,
    rng: Mutex<StdRng>,
    started: Instant,
}

impl FaultPlan {
    /// Starts the clock of the down windows now.
    pub fn new(faults: Faults) -> FaultPlan {
        FaultPlan {
            rng: Mutex::new(StdRng::seed_from_u64(faults.seed)),
            faults,
            started: Instant::now(),
        }
    }

    /// True when no fault is switched on.
    pub fn is_quiet(&self) -> bool {
        let f = &self.faults;
        f.latency.1.is_zero()
            && f.error_rate == 0.0
            && f.drop_rate == 0.0
            && f.slow_rate == 0.0
            && f.down.is_empty()
    }

    /// The plan for the next request.
    pub fn draw(&self) -> Plan {
        let f = &self.faults;
        let elapsed = self.started.elapsed();
        if f.down
            .iter()
            .any(|(from, to)| elapsed >= *from && elapsed < *to)
        {
            return Plan::Down;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        if rng.random_bool(f.error_rate.clamp(0.0, 1.0)) {
            return Plan::Error;
        }
        let latency = if f.latency.1 > f.latency.0 {
            rng.random_range(f.latency.0..=f.latency.1)
        } else {
            f.latency.0
        };
        let roll: f64 = rng.random();
        let after = if roll < f.drop_rate {
            After::Drop
        } else if roll < f.drop_rate + f.slow_rate {
            After::Late(f.slow_delay)
        } else {
            After::Answer
        };
        Plan::Serve { latency, after }
    }
}

/// Parses `MIN..MAX` milliseconds (or a single number).
pub fn parse_ms_range(s: &str) -> Result<(Duration, Duration), String> {
    let ms = |t: &str| {
        t.trim()
            .parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("{s:?}: expected milliseconds like 10..200"))
    };
    match s.split_once("..") {
        Some((a, b)) => {
            let (a, b) = (ms(a)?, ms(b)?);
            if a > b {
                return Err(format!("{s:?}: the first bound is above the second"));
            }
            Ok((a, b))
        }
        None => {
            let v = ms(s)?;
            Ok((v, v))
        }
    }
}

/// Parses down windows: `START..END` in seconds from the start, comma-separated.
pub fn parse_windows(s: &str) -> Result<Vec<(Duration, Duration)>, String> {
    s.split(',')
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            let (a, b) = w
                .split_once("..")
                .ok_or_else(|| format!("{w:?}: expected START..END in seconds, e.g. 10..20"))?;
            let sec = |t: &str| {
                t.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| *v >= 0.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| format!("{w:?}: {t:?} is not a number of seconds"))
            };
            let (a, b) = (sec(a)?, sec(b)?);
            if a >= b {
                return Err(format!("{w:?}: the window must end after it starts"));
            }
            Ok((a, b))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_plans() {
        let faults = Faults {
            seed: 7,
            error_rate: 0.2,
            drop_rate: 0.2,
            slow_rate: 0.1,
            latency: (Duration::from_millis(1), Duration::from_millis(50)),
            ..Faults::default()
        };
        let a = FaultPlan::new(faults.clone());
        let b = FaultPlan::new(faults);
        let plans_a: Vec<Plan> = (0..200).map(|_| a.draw()).collect();
        let plans_b: Vec<Plan> = (0..200).map(|_| b.draw()).collect();
        assert_eq!(plans_a, plans_b);
        let errors = plans_a.iter().filter(|p| **p == Plan::Error).count();
        let drops = plans_a
            .iter()
            .filter(|p| {
                matches!(
                    p,
                    Plan::Serve {
                        after: After::Drop,
                        ..
                    }
                )
            })
            .count();
        assert!(
            (20..=60).contains(&errors),
            "about 20% errors, got {errors}"
        );
        assert!((15..=60).contains(&drops), "about 16% drops, got {drops}");
    }

    #[test]
    fn parsing_table() {
        assert_eq!(
            parse_ms_range("10..200"),
            Ok((Duration::from_millis(10), Duration::from_millis(200)))
        );
        assert_eq!(
            parse_ms_range("5"),
            Ok((Duration::from_millis(5), Duration::from_millis(5)))
        );
        assert!(parse_ms_range("200..10").is_err());
        assert!(parse_ms_range("fast").is_err());
        assert_eq!(
            parse_windows("1..2, 3.5..4"),
            Ok(vec![
                (Duration::from_secs(1), Duration::from_secs(2)),
                (Duration::from_millis(3500), Duration::from_secs(4))
            ])
        );
        assert!(parse_windows("2..1").is_err());
        assert!(parse_windows("x").is_err());
    }

    #[test]
    fn down_windows_drop_everything() {
        let p = FaultPlan::new(Faults {
            down: vec![(Duration::ZERO, Duration::from_secs(60))],
            ..Faults::default()
        });
        assert_eq!(p.draw(), Plan::Down);
    }
}
