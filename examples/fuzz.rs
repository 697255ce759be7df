//! Fuzzing on stable Rust (no nightly, no cargo-fuzz): runs paydesk's fuzz targets for
//! N executions each and prints executions, distinct inputs and outcomes, and panics.
//!
//! ```sh
//! cargo run --release --example fuzz -- all 10000000      # every target, 10 M each
//! cargo run --release --example fuzz -- money 1000000 7   # one target, seed 7
//! ```
//! Inputs that panicked are written to `target/fuzz-crashes/<target>-<n>.bin`.

#[path = "../tests/fuzz/targets.rs"]
mod targets;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let execs: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
    let all = targets::targets();
    let chosen: Vec<&targets::Target> = all
        .iter()
        .filter(|t| which == "all" || t.name == which)
        .collect();
    if chosen.is_empty() {
        let names: Vec<&str> = all.iter().map(|t| t.name).collect();
        eprintln!(
            "fuzz: no target {which:?}; targets: all, {}",
            names.join(", ")
        );
        return ExitCode::from(2);
    }
    let mut panics = 0;
    println!(
        "{:<12} {:>12} {:>10} {:>10} {:>9} {:>8}  outcomes",
        "target", "execs", "distinct", "execs/s", "seconds", "panics"
    );
    for t in chosen {
        let r = targets::run(t, execs, seed);
        panics += r.panics;
        let outcomes: Vec<String> = r.outcomes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "{:<12} {:>12} {:>10} {:>10.0} {:>9.1} {:>8}  {} classes: {}",
            t.name,
            r.execs,
            r.distinct_inputs,
            r.execs as f64 / r.seconds.max(1e-9),
            r.seconds,
            r.panics,
            r.outcomes.len(),
            outcomes.join(" ")
        );
        for (i, input) in r.crashes.iter().enumerate() {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-crashes");
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("{}-{i}.bin", t.name));
            let _ = std::fs::write(&path, input);
            println!("    crash input: {}", path.display());
        }
    }
    if panics == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
