//! `paydesk-hub`: the reference payment hub, on its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use paydesk_core::domain::operator::{Catalogue, demo_catalogue};
use paydesk_hub::faults::{Faults, parse_ms_range, parse_windows};
use paydesk_hub::sim::Simulation;
use paydesk_hub::{HubOptions, RunningHub, TerminalsFile, TlsFiles};

/// Reads and checks an operator catalogue file.
fn read_catalogue(path: &std::path::Path) -> Result<Catalogue, String> {
    let bad = |e: &dyn std::fmt::Display| format!("operator catalogue {}: {e}", path.display());
    let text = paydesk_fs::read_text_capped(path, 8 * 1024 * 1024).map_err(|e| bad(&e))?;
    let c: Catalogue = toml::from_str(&text).map_err(|e| bad(&e))?;
    c.check().map_err(|e| bad(&e))?;
    Ok(c)
}

const ABOUT: &str = "The reference payment hub for paydesk terminals: the /v1 protocol of \
docs/hub-api.yaml over HTTP, a SQLite store, simulated operators and switches to misbehave on purpose.";

const LONG_ABOUT: &str = "\
The reference payment hub for paydesk terminals: the /v1 protocol of docs/hub-api.yaml
(served at /v1/openapi.yaml) over HTTP, payments and corrections in a SQLite file with the
payment id as primary key, simulated operators, and switches to misbehave on purpose.

ENDPOINTS (bearer token per terminal)
  GET  /v1/operators              catalogue, ETag = version (If-None-Match → 304)
  POST /v1/check                  would the operator accept it?
  PUT  /v1/payments/{id}          deliver; same id + same body → stored result (200),
                                  other body → 409 conflict_different_body,
                                  epoch older than the terminal's newest → 409 stale_epoch
  GET  /v1/payments/{id}          status;  POST /v1/payments/status  batch status
  PUT  /v1/corrections/{id}       re-conduct, move to account, cancel, refund (idempotent)
  GET  /v1/corrections/{id}       correction state

SIMULATED OPERATORS
  A payment is accepted, then processing after --processing-after-ms, then final after
  --complete-after-ms, by the account's last four digits:
    ...0000  check: account_not_found;  payment fails (account_not_found)
    ...1111  check: operator_unavailable
    ...6666  payment fails (operator_technical_error; can be re-conducted)
    ...9999  payment stays processing forever (it becomes stuck at the terminal)
    other    payment completes
  Corrections are decided on arrival from the payment's status and take effect after
  --complete-after-ms: reconduct (stuck or technical failure) and move_account complete
  the payment, cancel cancels it, refund (after cancel or failure) refunds it; anything
  on a completed payment is rejected.

FAULTS (all draws from --seed)
  --latency-ms MIN..MAX   uniform extra latency before each request is handled
  --error-rate R          share answered 503 without doing anything
  --drop-rate R           share carried out, then the connection dropped unanswered
  --slow-rate R           share carried out, then answered after --slow-ms
  --down S..E[,S..E]      windows (seconds from start) when every connection is dropped

HTTPS
  --tls-cert chain.pem --tls-key key.pem serve HTTPS; terminals that do not trust the
  issuer set [hub] ca_file. Without them the hub speaks plain HTTP (loopback, training).

TERMINALS FILE (--terminals)
  [[terminal]]
  id = \"T-01\"
  token = \"a long random secret\"
  balance = \"50000.00\"   # optional: the agent's prepaid balance the hub keeps

AGENT'S BALANCE
  A terminal with a balance: each new payment debits its amount; a payment above the
  balance is refused (check: insufficient_balance; pay: 409 insufficient_balance,
  retry, registered once topped up). GET /v1/balance says what is left. Top up with
    paydesk-hub --db paydesk-hub.sqlite terminal top-up T-01 --amount 50000

ONE JOURNAL PER TERMINAL
  The hub binds each terminal to the journal that first delivers for it (every
  journal has its own id). Another journal for the same terminal (a replaced PC
  still running, a copy of the journal on a second PC) is refused with 409
  other_journal, and a payment whose fiscal receipt number another payment of the
  terminal has is refused with 409 receipt_number_taken. When a terminal's PC or
  journal really was replaced and the old one is gone for good:
    paydesk-hub --db paydesk-hub.sqlite terminal rebind T-01
  The next journal to deliver for T-01 is bound, and continues the terminal's
  receipt numbers from the hub's last ones.
";

/// Command-line options.
#[derive(Debug, Parser)]
#[command(name = "paydesk-hub", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Args {
    /// Maintenance of the hub's store instead of serving.
    #[command(subcommand)]
    command: Option<HubCommand>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The hub's SQLite file.
    #[arg(long, default_value = "paydesk-hub.sqlite")]
    db: PathBuf,
    /// Terminals and their tokens (TOML, see above); needed to serve.
    #[arg(long)]
    terminals: Option<PathBuf>,
    /// Operator catalogue (TOML with [[operator]] entries); default: the demo catalogue.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Currency of the demo catalogue (RUB or PLN).
    #[arg(long, default_value = "RUB")]
    currency: String,
    /// Commit with synchronous=NORMAL instead of FULL (faster, loses the last
    /// payments on a power cut).
    #[arg(long)]
    fast_sync: bool,
    /// Milliseconds from registered to processing.
    #[arg(long, default_value_t = 1000)]
    processing_after_ms: u64,
    /// Milliseconds from registered to the final status.
    #[arg(long, default_value_t = 3000)]
    complete_after_ms: u64,
    /// Seed of every random fault.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Extra latency, MIN..MAX milliseconds.
    #[arg(long, default_value = "0", value_parser = parse_ms_range)]
    latency_ms: (Duration, Duration),
    /// Share of requests answered 503.
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of requests carried out, then dropped unanswered.
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of requests answered late.
    #[arg(long, default_value_t = 0.0)]
    slow_rate: f64,
    /// How late a slow answer comes, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    slow_ms: u64,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Down windows, START..END seconds from start, comma-separated.
    #[arg(long, value_parser = |s: &str| parse_windows(s).map(Windows))]
    down: Option<Windows>,
}

/// `paydesk-hub terminal …`
#[derive(Debug, clap::Subcommand)]
enum HubCommand {
    /// A terminal's binding to its journal.
    Terminal {
        /// What to do.
        #[command(subcommand)]
        command: TerminalCommand,
    },
}

/// `paydesk-hub terminal …`
#[derive(Debug, clap::Subcommand)]
enum TerminalCommand {
    /// Forget which journal delivers for the terminal: its old PC or journal is gone
    /// for good; the next journal to deliver for it is bound.
    Rebind {
        /// The terminal id, e.g. T-01.
        terminal: String,
    },
    /// Add to the agent's balance the hub keeps for the terminal (the agent paid into
    /// its account); a terminal without a balance starts keeping one.
    TopUp {
        /// The terminal id, e.g. T-01.
        terminal: String,
        /// How much, e.g. 50000 or 50000.00.
        #[arg(long)]
        amount: String,
    },
}

/// Down windows as one argument.
#[derive(Clone, Debug)]
struct Windows(Vec<(Duration, Duration)>);

fn rate(name: &str, r: f64) -> Result<f64, String> {
    if (0.0..=1.0).contains(&r) {
        Ok(r)
    } else {
        Err(format!(
            "--{name} {r}: give a share between 0 and 1, e.g. 0.2"
        ))
    }
}

fn rebind(db: &std::path::Path, terminal: &str) -> Result<(), String> {
    println!("{}", paydesk_hub::rebind(db, terminal)?);
    Ok(())
}

fn run(args: Args) -> Result<(), String> {
    match &args.command {
        Some(HubCommand::Terminal {
            command: TerminalCommand::Rebind { terminal },
        }) => return rebind(&args.db, terminal),
        Some(HubCommand::Terminal {
            command: TerminalCommand::TopUp { terminal, amount },
        }) => {
            let amount = paydesk_core::domain::money::Money::parse(amount)
                .map_err(|e| format!("--amount {amount}: {e}"))?;
            println!("{}", paydesk_hub::top_up(&args.db, terminal, amount)?);
            return Ok(());
        }
        None => {}
    }
    let Some(terminals_path) = &args.terminals else {
        return Err("give --terminals FILE (the terminals and their tokens) to serve".into());
    };
    let text = paydesk_fs::read_text_capped(terminals_path, 4 * 1024 * 1024)
        .map_err(|e| format!("cannot read {}: {e}", terminals_path.display()))?;
    let terminals: TerminalsFile =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", terminals_path.display()))?;
    let catalogue = match &args.catalogue {
        Some(path) => read_catalogue(path)?,
        None => demo_catalogue(&args.currency),
    };
    let options = HubOptions {
        tls: args
            .tls_cert
            .zip(args.tls_key)
            .map(|(cert, key)| TlsFiles { cert, key }),
        db: args.db.clone(),
        durable: !args.fast_sync,
        terminals: terminals.terminal,
        catalogue,
        sim: Simulation {
            processing_after: Duration::from_millis(args.processing_after_ms),
            complete_after: Duration::from_millis(
                args.complete_after_ms.max(args.processing_after_ms),
            ),
        },
        faults: Faults {
            seed: args.seed,
            latency: args.latency_ms,
            error_rate: rate("error-rate", args.error_rate)?,
            drop_rate: rate("drop-rate", args.drop_rate)?,
            slow_rate: rate("slow-rate", args.slow_rate)?,
            slow_delay: Duration::from_millis(args.slow_ms),
            down: args.down.map(|w| w.0).unwrap_or_default(),
        },
    };
    let hub = RunningHub::start(options, args.listen)
        .map_err(|e| format!("cannot start on {}: {e}", args.listen))?;
    println!(
        "paydesk-hub listening on {} (store {})",
        hub.url(),
        args.db.display()
    );
    // Serve until the process is stopped (Ctrl-C or a signal).
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paydesk-hub: {e}");
            ExitCode::from(2)
        }
    }
}
