//! Fuzzing on stable Rust: a small mutation engine and paydesk's fuzz targets, shared
//! by `examples/fuzz.rs` (long runs: `cargo run --release --example fuzz -- all
//! 10000000`) and `tests/fuzz.rs` (a short run in CI).
//!
//! Each execution feeds one input to one target inside `catch_unwind`; a panic is
//! counted and its input kept. Inputs are real samples (config files, the catalogues,
//! printer profiles, hub answers and requests, ESC/POS jobs as paydesk prints them),
//! mutated (bit flips, byte changes, insertions of tokens that break parsers,
//! deletions, duplications, splices), and structured inputs made by small grammars.

use std::collections::{BTreeMap, HashSet};
use std::panic::AssertUnwindSafe;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One fuzz target: its samples and what one execution does. The returned word
/// classifies the outcome (e.g. `ok`, `err:TooLarge`) to count distinct cases.
pub struct Target {
    /// Its name on the command line.
    pub name: &'static str,
    /// Real inputs to mutate.
    pub seeds: Vec<Vec<u8>>,
    /// A structured input from the target's own grammar.
    pub generate: fn(&mut StdRng) -> Vec<u8>,
    /// One execution.
    pub run: fn(&[u8]) -> String,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Executions.
    pub execs: u64,
    /// Distinct inputs among the first million.
    pub distinct_inputs: usize,
    /// Distinct outcomes (the classes the target returned).
    pub outcomes: BTreeMap<String, u64>,
    /// Panics, and the first few inputs that caused them.
    pub panics: u64,
    /// Inputs that panicked (at most 5 kept).
    pub crashes: Vec<Vec<u8>>,
    /// Seconds.
    pub seconds: f64,
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"{",
    b"}",
    b"[",
    b"]",
    b"=",
    b"\n",
    b"\r\n",
    b"\0",
    b"\\",
    b"-",
    b"+",
    b".",
    b",",
    b" ",
    b"\xc2\xa0",
    b"\xd0\x96",
    b"\xe2\x82\xbd",
    b"\xf0\x9f\x92\xb8",
    b"999999999999999999999999",
    b"18446744073709551615",
    b"9223372036854775808",
    b"-1",
    b"0",
    b"1e308",
    b"NaN",
    b"inf",
    b"0.00",
    b"1.005",
    b"null",
    b"true",
    b"[[operator]]",
    b"[printer]",
    b"[hub]",
    b"\x1b",
    b"\x1d",
    b"\x10\x04",
    b"\x1b@",
    b"\x1dV",
    b"\x1b!",
    b"\x1bt",
    b"\xff",
    b"\xfe\xff",
];

fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    let rounds = 1 + rng.random_range(0..4);
    for _ in 0..rounds {
        let len = input.len();
        match rng.random_range(0..8) {
            0 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] ^= 1 << rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = rng.random_range(0..len);
                input[i] = rng.random();
            }
            2 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                let i = rng.random_range(0..=len);
                input.splice(i..i, t.iter().copied());
            }
            3 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(0..=16.min(len - a))).min(len);
                input.drain(a..b);
            }
            4 if len > 0 => {
                let a = rng.random_range(0..len);
                let b = (a + rng.random_range(0..=32.min(len - a))).min(len);
                let piece: Vec<u8> = input[a..b].to_vec();
                let at = rng.random_range(0..=input.len());
                input.splice(at..at, piece);
            }
            5 if !seeds.is_empty() => {
                let other = &seeds[rng.random_range(0..seeds.len())];
                if !other.is_empty() {
                    let a = rng.random_range(0..other.len());
                    let b = (a + rng.random_range(0..=64.min(other.len() - a))).min(other.len());
                    let at = rng.random_range(0..=input.len());
                    input.splice(at..at, other[a..b].iter().copied());
                }
            }
            6 => {
                let n = rng.random_range(1..8);
                let at = rng.random_range(0..=len);
                let bytes: Vec<u8> = (0..n).map(|_| rng.random()).collect();
                input.splice(at..at, bytes);
            }
            _ if len > 1 => {
                let cut = rng.random_range(0..len);
                input.truncate(cut);
            }
            _ => input.push(rng.random()),
        }
    }
    input.truncate(1 << 16);
}

/// Runs `target` for `execs` executions from `seed`.
pub fn run(target: &Target, execs: u64, seed: u64) -> Report {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = Report::default();
    let mut seen: HashSet<u64> = HashSet::new();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let start = std::time::Instant::now();
    let mut input = Vec::new();
    for _ in 0..execs {
        input.clear();
        if target.seeds.is_empty() || rng.random_range(0..4) == 0 {
            input.extend((target.generate)(&mut rng));
        } else {
            input.extend_from_slice(&target.seeds[rng.random_range(0..target.seeds.len())]);
        }
        if rng.random_range(0..8) != 0 {
            mutate(&mut rng, &target.seeds, &mut input);
        }
        if seen.len() < 1_000_000 {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            input.hash(&mut h);
            seen.insert(h.finish());
        }
        report.execs += 1;
        match std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input))) {
            Ok(outcome) => *report.outcomes.entry(outcome).or_default() += 1,
            Err(_) => {
                report.panics += 1;
                if report.crashes.len() < 5 {
                    report.crashes.push(input.clone());
                }
            }
        }
    }
    report.seconds = start.elapsed().as_secs_f64();
    report.distinct_inputs = seen.len();
    std::panic::set_hook(previous);
    report
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn class<T, E: std::fmt::Debug>(r: Result<T, E>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => {
            let d = format!("{e:?}");
            let word: String = d
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            format!("err:{word}")
        }
    }
}

fn grammar(rng: &mut StdRng, alphabet: &[&str], max: usize) -> Vec<u8> {
    let n = rng.random_range(0..=max);
    (0..n)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())])
        .collect::<String>()
        .into_bytes()
}

fn money_run(input: &[u8]) -> String {
    use paydesk::domain::money::Money;
    let t = text(input);
    let r = Money::parse(&t);
    if let Ok(m) = r {
        // What the journal and the screen do with it must not panic either.
        let _ = m.minor();
        let _ = m.format_with(',', ' ');
        let _ = m.checked_add(m);
        let _ = paydesk::domain::entry::check_tendered(m, m, Money::MAX);
    }
    class(r)
}

fn account_run(input: &[u8]) -> String {
    let t = text(input);
    let (mask, account) = t.split_once('\n').unwrap_or(("##########", &t));
    match mask.parse::<paydesk::domain::operator::AccountMask>() {
        Ok(m) => class(m.validate(account)),
        Err(_) => "mask-refused".into(),
    }
}

fn config_run(input: &[u8]) -> String {
    use paydesk::app::config::{Config, ConfigFile};
    let Ok(file) = toml::from_str::<ConfigFile>(&text(input)) else {
        return "toml-refused".into();
    };
    class(Config::resolve(file, false, std::path::Path::new("fuzz.toml")).map(|_| ()))
}

fn profile_run(input: &[u8]) -> String {
    class(paydesk::printing::profile::PrinterProfile::parse(
        "fuzz.toml",
        &text(input),
    ))
}

fn catalogue_run(input: &[u8]) -> String {
    match toml::from_str::<paydesk::domain::operator::Catalogue>(&text(input)) {
        Ok(c) => class(c.check()),
        Err(_) => "toml-refused".into(),
    }
}

fn answer_run(input: &[u8]) -> String {
    use paydesk::hub::client::{RawAnswer, classify};
    use paydesk::hub::protocol::{CorrectionState, PaymentStatus, StatusBatchResponse};
    // The first byte picks the status class; the rest is the body.
    let status = match input.first().copied().unwrap_or(0) % 8 {
        0 => 200,
        1 => 201,
        2 => 302,
        3 => 400,
        4 => 404,
        5 => 409,
        6 => 422,
        _ => 503,
    };
    let raw = RawAnswer {
        status,
        location: Some(text(input)),
        body: text(input.get(1..).unwrap_or_default()),
    };
    let a = class(classify::<PaymentStatus>(&raw, &[]));
    let _ = classify::<StatusBatchResponse>(&raw, &[]);
    let _ = classify::<CorrectionState>(&raw, &[]);
    let _ = paydesk::hub::client::redact_url(&raw.body);
    a
}

fn request_run(input: &[u8]) -> String {
    use paydesk::hub::protocol::*;
    let a = class(serde_json::from_slice::<PayRequest>(input));
    let _ = serde_json::from_slice::<CorrectionRequest>(input);
    let _ = serde_json::from_slice::<CheckRequest>(input);
    let _ = serde_json::from_slice::<StatusBatchRequest>(input);
    let _ = serde_json::from_slice::<BindRequest>(input);
    if let Ok(req) = serde_json::from_slice::<PayRequest>(input) {
        // What the hub does with a request that parsed.
        let _ = paydesk::hub::server::check_pay_request(&req);
        let _ = req.total.checked_sub(req.fee);
    }
    a
}

fn escpos_run(input: &[u8]) -> String {
    use paydesk::printing::profile::PrinterProfile;
    let profile = PrinterProfile::built_in(if input.len().is_multiple_of(2) {
        "epson-tm-t20iii"
    } else {
        "xprinter-xp-58iih"
    })
    .expect("built-in");
    let r = paydesk::printing::decode::decode(input, &profile);
    if let Ok(p) = &r {
        let _ = p.text();
        let _ = paydesk::printing::paper::render(p).to_svg();
    }
    class(r)
}

fn escpos_seeds() -> Vec<Vec<u8>> {
    use paydesk::printing::profile::PrinterProfile;
    let mut seeds = Vec::new();
    for id in ["epson-tm-t20iii", "xprinter-xp-58iih"] {
        let profile = PrinterProfile::built_in(id).expect("built-in");
        if let Ok(job) = paydesk::printing::test_page::test_page(&profile, "fuzz") {
            seeds.push(job.bytes);
        }
    }
    seeds
}

fn files(paths: &[&str]) -> Vec<Vec<u8>> {
    paths
        .iter()
        .filter_map(|p| std::fs::read(format!("{}/{p}", env!("CARGO_MANIFEST_DIR"))).ok())
        .collect()
}

/// Every fuzz target.
pub fn targets() -> Vec<Target> {
    let profiles: Vec<&str> = vec![
        "printer-profiles/citizen-ct-s310ii.toml",
        "printer-profiles/epson-tm-t20iii.toml",
        "printer-profiles/epson-tm-t88v.toml",
        "printer-profiles/generic-58mm.toml",
        "printer-profiles/generic-80mm.toml",
        "printer-profiles/rongta-rp326.toml",
        "printer-profiles/xprinter-xp-58iih.toml",
        "printer-profiles/xprinter-xp-n160ii.toml",
    ];
    let config_seeds: Vec<Vec<u8>> = vec![
        include_bytes!("samples/config.toml").to_vec(),
        b"training = true\n".to_vec(),
        b"[shop]\nname = \"S\"\ntax_id = \"1\"\n[hub]\nurl = \"https://h\"\ntoken = \"t\"\nlease_ttl_ms = 1000\n".to_vec(),
    ];
    let answers: Vec<Vec<u8>> = [
        r#"{"id":"01a234bb-524d-7096-a6f4-eac5fd712c17","status":"accepted","hub_reference":"HUB-00000001","amount":"100.00","registered_at":"2026-12-01T10:00:00.000Z","updated_at":"2026-12-01T10:00:00.000Z"}"#,
        r#"{"code":"stale_epoch","message":"epoch 1 is older than 5","retry":false,"epoch":5}"#,
        r#"{"payments":[],"unknown":["01a234bb-524d-7096-a6f4-eac5fd712c17"]}"#,
        r#"{"id":"01a234bb-524d-7096-a6f4-eac5fd712c17","payment_id":"01a234bb-524d-7096-a6f4-eac5fd712c17","kind":"cancel","state":"done","registered_at":"2026-12-01T10:00:00Z","updated_at":"2026-12-01T10:00:00Z"}"#,
    ]
    .iter()
    .map(|s| {
        let mut v = vec![0u8];
        v.extend_from_slice(s.as_bytes());
        v
    })
    .collect();
    let requests: Vec<Vec<u8>> = [
        r#"{"terminal_id":"T-01","epoch":2,"operator":"MTS","account":"9031234567","amount":"500.00","fee":"0.00","total":"500.00","pre_receipt_no":1,"fiscal_receipt_no":1,"shift_no":1,"accepted_at":"2026-12-01T10:00:00Z","journal_id":"01a234bb-524d-7096-a6f4-eac5fd712c17"}"#,
        r#"{"payment_id":"01a234bb-524d-7096-a6f4-eac5fd712c17","terminal_id":"T-01","kind":"move_account","new_account":"9037654321","reason":"wrong number","fiscal_receipt_no":1732.0}"#,
        r#"{"operator":"MTS","account":"9031234567","amount":"100.00"}"#,
        r#"{"ids":["01a234bb-524d-7096-a6f4-eac5fd712c17"]}"#,
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    vec![
        Target {
            name: "money",
            seeds: ["1234.50", "1 234,50", "0,01", "999 999 999 999,99", "15000"]
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
            generate: |rng| {
                grammar(
                    rng,
                    &["0", "1", "9", " ", ",", ".", "-", "\u{a0}", "٣", "e"],
                    40,
                )
            },
            run: money_run,
        },
        Target {
            name: "account",
            seeds: [
                "##########\n903 123-45-67",
                "XX-####|##########\n9031234567",
                "1####\nab12",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
            generate: |rng| {
                grammar(
                    rng,
                    &["#", "X", "|", "7", "A", "\n", " ", "-", "(", ")", "9", "ж"],
                    30,
                )
            },
            run: account_run,
        },
        Target {
            name: "config",
            seeds: config_seeds,
            generate: |rng| {
                let keys = [
                    "training",
                    "language",
                    "max_payment",
                    "max_change",
                    "[shop]",
                    "name",
                    "tax_id",
                    "[hub]",
                    "url",
                    "token",
                    "lease_ttl_ms",
                    "timeout_ms",
                    "[journal]",
                    "busy_timeout_ms",
                    "[printer]",
                    "profile",
                    "job_timeout_ms",
                ];
                let values = [
                    "true",
                    "\"ru\"",
                    "\"1e17\"",
                    "18446744073709551615",
                    "0",
                    "\"https://u:p@h\"",
                    "\"http://10.0.0.1\"",
                    "\"\"",
                    "\"a\\nb\"",
                    "-1",
                    "2147483648",
                ];
                let mut s = String::new();
                for _ in 0..rng.random_range(0..12) {
                    let k = keys[rng.random_range(0..keys.len())];
                    if k.starts_with('[') {
                        s.push_str(k);
                    } else {
                        s.push_str(&format!(
                            "{k} = {}",
                            values[rng.random_range(0..values.len())]
                        ));
                    }
                    s.push('\n');
                }
                s.into_bytes()
            },
            run: config_run,
        },
        Target {
            name: "profile",
            seeds: files(&profiles),
            generate: |rng| {
                grammar(
                    rng,
                    &[
                        "name = \"x\"\n",
                        "columns = 0\n",
                        "[code_pages]\n",
                        "cp866 = 255\n",
                        "[features]\n",
                        "realtime_status = true\n",
                        "width_mm = 1e9\n",
                    ],
                    10,
                )
            },
            run: profile_run,
        },
        Target {
            name: "catalogue",
            seeds: files(&[
                "assets/demo-catalogue-rub.toml",
                "assets/demo-catalogue-pln.toml",
            ]),
            generate: |rng| {
                grammar(
                    rng,
                    &[
                        "[[operator]]\n",
                        "code = \"A\"\n",
                        "account_mask = \"#|\"\n",
                        "min_amount = \"0\"\n",
                        "max_amount = \"1e20\"\n",
                        "[operator.fee]\n",
                        "percent = \"101\"\n",
                    ],
                    12,
                )
            },
            run: catalogue_run,
        },
        Target {
            name: "hub-answer",
            seeds: answers,
            generate: |rng| {
                grammar(
                    rng,
                    &[
                        "{",
                        "}",
                        "\"id\":",
                        "\"status\":\"accepted\"",
                        ",",
                        "\"amount\":\"1e30\"",
                        "null",
                        "[",
                        "]",
                        "\"code\":\"stale_epoch\"",
                        "\"epoch\":-1",
                    ],
                    20,
                )
            },
            run: answer_run,
        },
        Target {
            name: "hub-request",
            seeds: requests,
            generate: |rng| {
                grammar(
                    rng,
                    &[
                        "{",
                        "}",
                        "\"epoch\":",
                        "1.5",
                        "1e400",
                        "\"total\":\"0.00\"",
                        ",",
                        "\"terminal_id\":\"T\"",
                        "18446744073709551616",
                        "-0.0",
                    ],
                    20,
                )
            },
            run: request_run,
        },
        Target {
            name: "escpos",
            seeds: escpos_seeds(),
            generate: |rng| {
                let n = rng.random_range(0..64);
                (0..n).map(|_| rng.random()).collect()
            },
            run: escpos_run,
        },
    ]
}
