//! `cargo bench --bench sync`: drain 100,000 fiscalized payments from a journal to the
//! reference hub (its HTTP server on loopback, on threads of this process) with the real
//! `paydesk sync --once`, and compare with the hub's
//! own ingest ceiling (the same 100,000 through its storage layer, no HTTP), in one run.
//! `PAYDESK_BENCH_PAYMENTS` changes the count, `PAYDESK_BENCH_CONCURRENCY` the pushes in
//! flight (default 8, the terminal's default).

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::Utc;
use paydesk::domain::money::Money;
use paydesk::hub::protocol::PayRequest;
use paydesk::hub::server::store::Store;
use paydesk::journal::{Journal, OpenOptions};

fn main() {
    let n: usize = std::env::var("PAYDESK_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let concurrency: usize = std::env::var("PAYDESK_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let base = std::env::var("PAYDESK_BENCH_DIR")
        .unwrap_or_else(|_| env!("CARGO_TARGET_TMPDIR").to_string());
    let dir = tempfile::tempdir_in(&base).expect("temp dir");
    let journal_path = dir.path().join("journal.sqlite");

    // 1. A journal with n fiscalized, queued payments (bulk rows: the fill is not measured).
    drop(Journal::open(&journal_path, &OpenOptions::default()).expect("journal"));
    let t = Instant::now();
    {
        let mut c = rusqlite::Connection::open(&journal_path).unwrap();
        let tx = c.transaction().unwrap();
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO payments (id, terminal_id, operator_code, operator_name, operator_tax_id, legal_entity,
                        account, amount_minor, fee_minor, total_minor, cashier, created_at, updated_at, state,
                        pre_receipt_no, tendered_minor, change_minor, fiscal_receipt_no, shift_no, accepted_at,
                        delivery, next_attempt_at)
                     VALUES (?1, 'T-01', 'MTS', 'МТС', '7740000076', 'ПАО МТС', '9031234567', ?2, 0, ?2, 'bench',
                        ?3, ?3, 'fiscalized', ?4, ?2, 0, ?4, 1, ?3, 'queued', ?3)",
                )
                .unwrap();
            for i in 0..n {
                stmt.execute(rusqlite::params![
                    uuid::Uuid::now_v7().to_string(),
                    1_000 + (i % 50_000) as i64,
                    now,
                    i as i64 + 1
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }
    println!(
        "filled a journal with {n} fiscalized payments in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // 2. The reference hub on a free loopback port (durable, as the binary's default).
    let hub = paydesk::hub::server::RunningHub::start(
        paydesk::hub::server::HubOptions {
            tls: None,
            db: dir.path().join("hub.sqlite"),
            durable: true,
            terminals: vec![paydesk::hub::server::TerminalCredential {
                id: "T-01".into(),
                token: "bench".into(),
                balance: None,
            }],
            catalogue: paydesk::app::till::demo_catalogue("RUB"),
            sim: Default::default(),
            faults: Default::default(),
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .expect("the hub starts");
    let addr = hub.addr();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[shop]\nname = \"Bench\"\ntax_id = \"1\"\n[terminal]\nid = \"T-01\"\n[journal]\npath = {:?}\n[hub]\nurl = \"http://{addr}\"\ntoken = \"bench\"\nconcurrency = {concurrency}\n",
            journal_path.display().to_string()
        ),
    )
    .unwrap();

    // 3. Drain it with `paydesk sync --once`.
    let t = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("--config")
        .arg(dir.path().join("config.toml"))
        .args(["sync", "--once", "--max-wait", "3600"])
        .env("PAYDESK_LOG", "off")
        .stdout(Stdio::null())
        .status()
        .expect("paydesk sync runs");
    let drain = t.elapsed();
    drop(hub);
    assert!(status.success(), "sync --once left payments queued");
    let (rows, distinct): (i64, i64) = rusqlite::Connection::open(dir.path().join("hub.sqlite"))
        .unwrap()
        .query_row(
            "SELECT count(*), count(DISTINCT id) FROM payments",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows as usize, n, "the hub must hold every payment");
    let via_http = n as f64 / drain.as_secs_f64();

    // 4. The hub's ceiling: the same number straight into its storage layer.
    let store = Store::open(&dir.path().join("ceiling.sqlite"), true).unwrap();
    let t = Instant::now();
    for i in 0..n {
        let amount = Money::from_minor(1_000 + (i % 50_000) as i64).unwrap();
        let req = PayRequest {
            terminal_id: "T-01".into(),
            epoch: 1,
            operator: "MTS".into(),
            account: "9031234567".into(),
            amount,
            fee: Money::ZERO,
            total: amount,
            pre_receipt_no: i as u64 + 1,
            fiscal_receipt_no: i as u64 + 1,
            shift_no: 1,
            accepted_at: Utc::now(),
            journal_id: None,
        };
        store.pay(uuid::Uuid::now_v7(), &req, Utc::now()).unwrap();
    }
    let ceiling = n as f64 / t.elapsed().as_secs_f64();

    println!("pushes in flight: {concurrency} (PAYDESK_BENCH_CONCURRENCY)");
    println!(
        "paydesk sync --once: drained {n} payments in {:.1} s = {via_http:.0} payments/s",
        drain.as_secs_f64()
    );
    println!("hub storage ceiling (no HTTP, same durability): {ceiling:.0} payments/s");
    println!("ratio sync / ceiling: {:.2}", via_http / ceiling);
    println!(
        "duplicates at the hub: {} (rows {rows}, distinct ids {distinct})",
        rows - distinct
    );
}
