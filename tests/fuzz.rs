//! A short run of every fuzz target (the long runs are `cargo run --release --example
//! fuzz -- all 10000000`): no input may panic.

#[path = "fuzz/targets.rs"]
mod targets;

#[test]
fn no_fuzz_target_panics_on_a_short_run() {
    let execs: u64 = std::env::var("PAYDESK_FUZZ_EXECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    for t in targets::targets() {
        assert!(!t.seeds.is_empty(), "{}: no samples", t.name);
        let r = targets::run(&t, execs, 42);
        assert_eq!(r.execs, execs);
        assert!(
            r.outcomes.len() > 1,
            "{}: every input ended the same way ({:?}): the target tests nothing",
            t.name,
            r.outcomes
        );
        assert_eq!(
            r.panics,
            0,
            "{}: {} panics; first input: {:?}",
            t.name,
            r.panics,
            r.crashes
                .first()
                .map(|c| String::from_utf8_lossy(c).into_owned())
        );
    }
}
