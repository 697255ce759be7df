//! The command line: `paydesk` opens the terminal; subcommands run the same app
//! services headless for managers, scripts and tests.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::app::access::{self, Credentials};
use crate::app::config::Config;
use crate::app::messages;
use crate::app::recovery::{self, Answer, Outcome};
use crate::app::till::{FlowError, Till};
use crate::domain::entry::{self, PaymentInput};
use crate::domain::money::Money;
use crate::domain::payment::{PaymentId, VoidReason};
use crate::domain::user::{Action, PermissionError, Pin, Role, UserName};
use crate::i18n::{Lang, T};
use crate::journal::{Journal, OpenOptions};

/// paydesk — cashier terminal for third-party payments in cash.
///
/// With no subcommand, opens the cashier screen. With no config file, runs in
/// training mode (demo operators, virtual printer).
#[derive(Debug, Parser)]
#[command(name = "paydesk", version, about, long_about)]
pub struct Cli {
    /// Config file (default: the platform config folder's paydesk/config.toml).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Journal file (overrides the config).
    #[arg(long, global = true, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Act as this user (once the journal has users); the PIN comes from
    /// PAYDESK_PIN, or is read from stdin.
    #[arg(long, global = true, value_name = "NAME")]
    pub user: Option<String>,
    /// What to do; nothing opens the cashier screen.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Take one payment headless: pre-receipt, signature, cash, fiscal receipt.
    Pay(PayArgs),
    /// List the operator catalogue: code, name, account mask, limits, fee.
    Operators,
    /// Journal maintenance.
    Journal {
        /// What to do with the journal.
        #[command(subcommand)]
        command: JournalCommand,
    },
    /// List payments left between two steps, or answer the question about one.
    Recovery(RecoveryArgs),
    /// Deliver fiscalized payments to the hub. Runs until stopped (SIGTERM, Ctrl-C);
    /// only the process holding the journal's sync lease pushes, others wait.
    Sync(SyncArgs),
    /// Open a shift with the cash in the drawer (close it with `report shift --z`).
    ShiftOpen {
        /// The cash in the drawer now, e.g. 5000 or 5 000,00.
        #[arg(long)]
        cash: String,
    },
    /// Reports for managers: text, CSV or XLSX.
    Report {
        /// Which report.
        #[command(subcommand)]
        command: crate::report::command::ReportCommand,
    },
    /// Support: find a payment and see where it stands, list stuck payments, show a
    /// payment's timeline, write the central office's e-mail.
    Support {
        /// What to do.
        #[command(subcommand)]
        command: SupportCommand,
    },
    /// Users of this terminal (administrators).
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// `paydesk support …`
#[derive(Debug, Subcommand)]
pub enum SupportCommand {
    /// Payments by fiscal receipt number, account (or 4+ digits of it) or payment id:
    /// where each stands at the till and at the hub.
    Status {
        /// Receipt number, account or id.
        query: String,
    },
    /// Payments that did not go through: stuck, failing delivery, refused, failed.
    Stuck,
    /// A payment's full timeline: every journal event with who did it, its
    /// correction requests and refund.
    Show {
        /// The payment id.
        id: String,
    },
    /// Writes a folder with the payment's row, events, corrections, refund and log
    /// lines (tokens and PIN hashes removed) for the central office.
    Export {
        /// The payment id.
        id: String,
        /// Where to put the folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// A customer's receipt this journal does not know: record it and print the
    /// e-mail text for the central office.
    Missing {
        /// Date and time on the receipt, `YYYY-MM-DD HH:MM`.
        #[arg(long)]
        when: String,
        /// Account on the receipt.
        #[arg(long)]
        account: String,
        /// Operator on the receipt.
        #[arg(long)]
        operator: String,
        /// Amount on the receipt.
        #[arg(long)]
        amount: String,
        /// Receipt number.
        #[arg(long)]
        receipt: String,
        /// A photo or scan of the receipt.
        #[arg(long, value_name = "FILE")]
        scan: Option<PathBuf>,
    },
    /// The e-mail text the central office expects for a correction by hand.
    Email {
        /// The payment id.
        id: String,
        /// Which correction to ask for.
        #[arg(long, default_value = "reconduct")]
        kind: String,
    },
}

/// `paydesk user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// List the users: name, role, state.
    List,
    /// Add a user; their PIN comes from PAYDESK_NEW_PIN, or is read from stdin. On a
    /// journal with no users this creates the first admin (no --user needed).
    Add {
        /// The new user's name.
        name: String,
        /// Their role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

/// A role on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    /// Takes payments.
    Cashier,
    /// Runs shifts and reports.
    ShiftManager,
    /// Support staff.
    Support,
    /// Administrator.
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Cashier => Role::Cashier,
            RoleArg::ShiftManager => Role::ShiftManager,
            RoleArg::Support => Role::Support,
            RoleArg::Admin => Role::Admin,
        }
    }
}

/// `paydesk sync …`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Deliver what is queued, then exit (0: nothing left queued; 1: some left).
    #[arg(long)]
    pub once: bool,
    /// With --once: give up after this many seconds (0 to 86400). A leader that
    /// holds the journal's sync lease is waited for meanwhile.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub max_wait: u64,
}

/// `paydesk journal …`
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Check the file's integrity and that every payment's row matches its events
    /// and that receipt numbers have no gaps. Exits 1 if anything is wrong.
    Verify,
}

/// `paydesk pay …`
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("signature").required(true).args(["customer_signed", "customer_refused"]))]
pub struct PayArgs {
    /// Operator code (see `paydesk operators`).
    #[arg(long)]
    pub operator: String,
    /// Account number as the customer gives it.
    #[arg(long, allow_hyphen_values = true)]
    pub account: String,
    /// Amount for the operator, e.g. 1234.50 or "1 234,50".
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Cash the customer hands over (at least the total with the fee).
    #[arg(long, allow_hyphen_values = true)]
    pub tendered: String,
    /// The customer checked and signed the pre-receipt.
    #[arg(long)]
    pub customer_signed: bool,
    /// The customer refused to sign: the payment is voided after the pre-receipt.
    #[arg(long)]
    pub customer_refused: bool,
    /// Write each document as <name>.txt (decoded) and <name>.escpos (bytes) into
    /// this folder instead of printing the text to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `paydesk recovery …`
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("answering").multiple(true).requires_all(["payment", "answer"]))]
pub struct RecoveryArgs {
    /// The payment to answer about (its id).
    #[arg(long, group = "answering")]
    pub payment: Option<String>,
    /// The answer to its question.
    #[arg(long, value_enum, group = "answering")]
    pub answer: Option<AnswerArg>,
    /// Write documents printed by the answer into this folder (as `pay --out`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The cash received, when the answer continues at the cash step ("yes, the
    /// customer signed" or "yes, I took the cash"): the cash is taken and the
    /// receipt printed.
    #[arg(long, requires = "answer", allow_hyphen_values = true)]
    pub tendered: Option<String>,
}

/// An answer on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AnswerArg {
    /// Yes (or the only action offered).
    Yes,
    /// No.
    No,
}

/// Exit code for input the user must correct.
const EXIT_BAD_INPUT: u8 = 2;

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("paydesk: {msg}");
    ExitCode::FAILURE
}

fn fail_input(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("paydesk: {msg}");
    ExitCode::from(EXIT_BAD_INPUT)
}

/// Runs paydesk with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref(), cli.journal.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            crate::logging::init(None);
            return fail_input(messages::config(Lang::from_env(), &e));
        }
    };
    crate::logging::init(Some(&crate::logging::log_path(&config.journal_path)));
    let creds = || Credentials::from_cli(cli.user.as_deref(), config.lang);
    let creds = match &cli.command {
        None
        | Some(Command::Operators)
        | Some(Command::Journal { .. })
        | Some(Command::Sync(_)) => None,
        Some(_) => match creds() {
            Ok(c) => c,
            Err(e) => return fail_input(format!("--user: {e}")),
        },
    };
    let creds = creds.as_ref();
    match cli.command {
        None => crate::ui::run(config),
        Some(Command::Pay(args)) => pay(config, args, creds),
        Some(Command::Operators) => operators(config),
        Some(Command::Journal {
            command: JournalCommand::Verify,
        }) => verify(config),
        Some(Command::Recovery(args)) => recovery_cmd(config, args, creds),
        Some(Command::Sync(args)) => sync_cmd(config, args),
        Some(Command::Report { command }) => crate::report::command::run(config, command, creds),
        Some(Command::ShiftOpen { cash }) => shift_open(config, &cash, creds),
        Some(Command::User { command }) => user_cmd(config, command, creds),
        Some(Command::Support { command }) => support_cmd(config, command, creds),
    }
}

/// A refused step in words; "nobody logged in" on the command line says how to log in.
pub fn explain(lang: Lang, e: &FlowError) -> String {
    match e {
        FlowError::Permission(PermissionError::NotLoggedIn) => {
            lang.fill(T::ErrCliLogin, &[("var", &access::PIN_VAR)])
        }
        e => messages::flow(lang, e),
    }
}

/// A payment step that failed, in words: what went wrong and where the payment now
/// stands, read back from the journal (`id`: the payment, when known; otherwise the
/// payment this step started, if any — the only unfinished one, since a new payment
/// is refused while another waits).
fn step_failed(till: &Till, config: &Config, e: &FlowError, id: Option<PaymentId>) -> String {
    if let FlowError::Permission(PermissionError::NotLoggedIn) = e {
        return explain(config.lang, e);
    }
    let reread = match id {
        Some(id) => Some(till.payment(id)),
        None => match till.unfinished() {
            Ok(u) => u.last().cloned().map(Ok),
            Err(e) => Some(Err(e)),
        },
    };
    let standing = messages::Standing::from_reread(reread);
    messages::step_failed(
        config.lang,
        e,
        &standing,
        &config.currency,
        messages::Surface::CommandLine,
    )
}

/// Opens the till and logs in with the command line's credentials.
fn open_till_as(
    config: &mut Config,
    out: Option<&PathBuf>,
    creds: Option<&Credentials>,
) -> Result<Till, ExitCode> {
    let mut till = open_till(config, out)?;
    access::login(&mut till, creds).map_err(|e| fail(explain(config.lang, &e)))?;
    Ok(till)
}

fn support_cmd(
    mut config: Config,
    command: SupportCommand,
    creds: Option<&Credentials>,
) -> ExitCode {
    use crate::report::support as text;
    let lang = config.lang;
    let (tz, currency) = (config.tz, config.currency.clone());
    let mut till = match open_till_as(&mut config, None, creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let parse_id = |till: &Till, id: &str| {
        till.resolve_payment_id(id)
            .map_err(|e| fail_input(explain(lang, &e)))
    };
    match command {
        SupportCommand::Status { query } => match till.find_payments(&query) {
            Ok(rows) if rows.is_empty() => {
                eprintln!(
                    "paydesk: {}",
                    lang.fill(T::SupportNothingFound, &[("q", &query)])
                );
                ExitCode::FAILURE
            }
            Ok(rows) => {
                for r in rows {
                    println!("{}", text::row_line(&r, lang, tz, &currency));
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(explain(lang, &e)),
        },
        SupportCommand::Stuck => match till.troubled_payments() {
            Ok(rows) => {
                for r in &rows {
                    println!("{}", text::row_line(r, lang, tz, &currency));
                    if let Some(e) = &r.last_error {
                        println!(
                            "    {}: {e} ({} ×{})",
                            lang.t(T::SupportLastError),
                            r.delivery.as_deref().unwrap_or("-"),
                            r.attempts
                        );
                    }
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(explain(lang, &e)),
        },
        SupportCommand::Show { id } => {
            let id = match parse_id(&till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            match till.payment_story(id) {
                Ok(story) => {
                    println!("{}", text::row_line(&story.row, lang, tz, &currency));
                    for line in text::timeline(&story, lang, tz) {
                        println!("  {line}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(lang, &e)),
            }
        }
        SupportCommand::Missing {
            when,
            account,
            operator,
            amount,
            receipt,
            scan,
        } => {
            let m = crate::app::corrections::MissingPayment {
                when,
                account,
                operator,
                amount,
                receipt,
                scan,
            };
            match till.report_missing_payment(&m) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e @ FlowError::MissingPayment(_)) => fail_input(explain(lang, &e)),
                Err(e) => fail(explain(lang, &e)),
            }
        }
        SupportCommand::Export { id, out } => {
            let id = match parse_id(&till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            match till.export_diagnostics(id, &out) {
                Ok(dir) => {
                    println!(
                        "{}",
                        lang.fill(T::SupportExported, &[("path", &dir.display())])
                    );
                    ExitCode::SUCCESS
                }
                Err(crate::app::diagnostics::ExportError::Flow(e)) => fail(explain(lang, &e)),
                Err(e) => fail(e),
            }
        }
        SupportCommand::Email { id, kind } => {
            let id = match parse_id(&till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            let Some(kind) = crate::domain::correction::parse_kind(&kind) else {
                return fail_input(format!(
                    "--kind {kind}: reconduct, move-account, cancel or refund"
                ));
            };
            match till.payment_story(id) {
                Ok(story) => {
                    let r = &story.row;
                    print!(
                        "{}",
                        text::central_office_email(
                            lang,
                            tz,
                            &currency,
                            &config.shop,
                            &config.terminal_id,
                            r.created_at,
                            &r.account,
                            &r.operator,
                            r.total,
                            r.fiscal_receipt_no,
                            messages::kind(lang, kind),
                        )
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(lang, &e)),
            }
        }
    }
}

fn user_cmd(mut config: Config, command: UserCommand, creds: Option<&Credentials>) -> ExitCode {
    let lang = config.lang;
    let mut till = match open_till_as(&mut config, None, creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    match command {
        UserCommand::List => match till
            .require(Action::ManageUsers)
            .and_then(|()| Ok(till.users()?))
        {
            Ok(users) => {
                for u in users {
                    let state = match (u.active, u.is_locked(chrono::Utc::now())) {
                        (false, _) => lang.t(T::UserInactive),
                        (true, true) => "locked",
                        (true, false) => lang.t(T::UserActive),
                    };
                    println!(
                        "{:<24} {:<16} {state}",
                        u.name,
                        messages::role(lang, u.role)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(explain(lang, &e)),
        },
        UserCommand::Add { name, role } => {
            let name = match UserName::parse(&name) {
                Ok(n) => n,
                Err(e) => return fail_input(messages::user_name(lang, e)),
            };
            let typed = match std::env::var("PAYDESK_NEW_PIN") {
                Ok(p) => p,
                Err(_) => {
                    eprint!("{} ({name}): ", lang.t(T::PinLabel));
                    let mut line = String::new();
                    let _ = std::io::BufRead::read_line(&mut std::io::stdin().lock(), &mut line);
                    line
                }
            };
            let pin = match Pin::parse(&typed) {
                Ok(p) => p,
                Err(e) => return fail_input(messages::pin(lang, e)),
            };
            match till.add_user(&name, role.into(), &pin) {
                Ok(u) => {
                    println!("{}", lang.fill(T::UserAdded, &[("name", &u.name)]));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(explain(lang, &e)),
            }
        }
    }
}

/// Opens the till; documents also go into `out` when given (`--out DIR`).
fn open_till(config: &mut Config, out: Option<&PathBuf>) -> Result<Till, ExitCode> {
    if let Some(out) = out {
        config.printer.section.output_dir = Some(out.clone());
    }
    Till::open(config).map_err(|e| fail(messages::open(config.lang, &e)))
}

fn pay(mut config: Config, args: PayArgs, creds: Option<&Credentials>) -> ExitCode {
    let lang = config.lang;
    let mut till = match open_till_as(&mut config, args.out.as_ref(), creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // Everything is checked before the first write: bad input never touches the journal.
    let input = PaymentInput {
        operator_code: Some(args.operator.clone()),
        account: args.account.clone(),
        amount: args.amount.clone(),
    };
    let quote = match entry::validate(till.catalogue(), &input, till.max_payment()) {
        Ok(q) => q,
        Err(errors) => {
            let op = till.catalogue().get(&args.operator);
            let (o, a, m) = messages::entry(lang, &errors, op, &args.account, &config.currency);
            if o.is_some() {
                let codes: Vec<&str> = till
                    .catalogue()
                    .operators
                    .iter()
                    .map(|o| o.code.as_str())
                    .collect();
                eprintln!(
                    "paydesk: {}: {} ({})",
                    lang.t(T::FieldOperator),
                    o.unwrap_or_default(),
                    codes.join(", ")
                );
            }
            for (field, msg) in [(T::FieldAccount, a), (T::FieldAmount, m)] {
                if let Some(msg) = msg {
                    eprintln!("paydesk: {}: {msg}", lang.t(field));
                }
            }
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let tendered = match entry::parse_tendered(&args.tendered, quote.total, till.max_change()) {
        Ok(t) => t,
        Err(e) => {
            return fail_input(format!(
                "{}: {}",
                lang.t(T::FieldTendered),
                messages::tendered(lang, &e, &config.currency)
            ));
        }
    };
    // A payment of this terminal left between two steps is answered first: taking
    // another one now is how a customer gets charged twice.
    match till.unfinished() {
        Ok(waiting) if !waiting.is_empty() => {
            return fail_input(messages::pending(lang, &waiting[0], &config.currency));
        }
        Ok(_) => {}
        Err(e) => return fail(messages::journal(lang, &e)),
    }

    let step = match till.print_pre_receipt(&quote) {
        Ok(s) => s,
        Err(e @ FlowError::Pending { .. }) => {
            return fail_input(step_failed(&till, &config, &e, None));
        }
        Err(e) => return fail(step_failed(&till, &config, &e, None)),
    };
    let id = step.payment.id();
    let step = if args.customer_refused {
        match till.void(id, VoidReason::CustomerRefused) {
            Ok(s) => s,
            Err(e) => return fail(step_failed(&till, &config, &e, Some(id))),
        }
    } else {
        if let Err(e) = till.customer_signed(id) {
            return fail(step_failed(&till, &config, &e, Some(id)));
        }
        match till.take_cash(id, tendered) {
            Ok(s) => s,
            Err(e) => return fail(step_failed(&till, &config, &e, Some(id))),
        }
    };
    print_paper(&till, args.out.as_ref());
    if step.payment.state.name() == crate::domain::payment::StateName::FiscalPrinting {
        // The printer cannot confirm the receipt: not done until the cashier says so.
        let p = &step.payment;
        let n = p.state.fiscal().map(|f| f.receipt_no).unwrap_or_default();
        eprintln!(
            "paydesk: {}\n  {}",
            lang.fill(T::ConfirmReceiptPrinted, &[("n", &n)]),
            messages::recovery_command(p)
        );
        println!("{}: {id}", lang.t(T::PaymentIdLabel));
        return ExitCode::FAILURE;
    }
    let summary = match step.payment.state.fiscal() {
        Some(f) => lang.fill(T::PaymentDone, &[("n", &f.receipt_no)]),
        None => lang.t(T::PaymentVoided).to_string(),
    };
    println!("{summary}\n{}: {id}", lang.t(T::PaymentIdLabel));
    ExitCode::SUCCESS
}

fn operators(mut config: Config) -> ExitCode {
    let till = match open_till(&mut config, None) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let lang = config.lang;
    for op in &till.catalogue().operators {
        println!(
            "{:<10} {:<28} {}",
            op.code.as_str(),
            op.name,
            messages::operator_rules(lang, op, &config.currency)
        );
    }
    ExitCode::SUCCESS
}

fn shift_open(config: Config, cash: &str, creds: Option<&Credentials>) -> ExitCode {
    let lang = config.lang;
    let cash = match Money::parse(cash) {
        Ok(m) => m,
        Err(_) if cash.trim() == "0" => Money::default(),
        Err(e) => {
            return fail_input(format!(
                "--cash {cash}: {}",
                messages::amount(lang, &entry::AmountError::Money(e), None, &config.currency)
            ));
        }
    };
    let mut journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => return fail(messages::journal(lang, &e)),
    };
    let actor = match access::authorize(&mut journal, creds, Action::ManageShift, &config.cashier) {
        Ok(a) => a,
        Err(e) => return fail(explain(lang, &e)),
    };
    match journal.open_shift(&config.terminal_id, cash, &actor) {
        Ok(n) => {
            println!("{}", lang.fill(T::ShiftOpenedMsg, &[("n", &n)]));
            ExitCode::SUCCESS
        }
        Err(e) => fail(messages::journal(lang, &e)),
    }
}

fn verify(config: Config) -> ExitCode {
    let journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => return fail(messages::journal(config.lang, &e)),
    };
    match journal.verify() {
        Ok(report) => {
            println!(
                "{}: {} payments, {} events, schema {}",
                journal.path().display(),
                report.payments,
                report.events,
                crate::journal::SCHEMA_VERSION
            );
            if report.is_ok() {
                println!("ok");
                ExitCode::SUCCESS
            } else {
                for p in &report.problems {
                    println!("problem: {p}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => fail(messages::journal(config.lang, &e)),
    }
}

fn recovery_cmd(mut config: Config, args: RecoveryArgs, creds: Option<&Credentials>) -> ExitCode {
    let lang = config.lang;
    let mut till = match open_till_as(&mut config, args.out.as_ref(), creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // The list names accounts and amounts: only for those who take payments.
    if let Err(e) = till.require(Action::TakePayments) {
        return fail(explain(lang, &e));
    }
    let unfinished = match till.unfinished() {
        Ok(u) => u,
        Err(e) => return fail(messages::journal(lang, &e)),
    };
    let (Some(id), Some(answer)) = (args.payment, args.answer) else {
        for p in &unfinished {
            if let Some(q) = recovery::question(p) {
                println!(
                    "{} {} {}",
                    p.id(),
                    p.state.name(),
                    q.text(p, lang, &config.currency)
                );
                println!("    {}", messages::recovery_command(p));
            }
        }
        return ExitCode::SUCCESS;
    };
    let id = match till.resolve_payment_id(&id) {
        Ok(id) => id,
        Err(e) => return fail_input(explain(lang, &e)),
    };
    let Some(p) = unfinished.iter().find(|p| p.id() == id) else {
        return fail_input(format!("payment {id} has no open question"));
    };
    let a = match answer {
        AnswerArg::Yes => Answer::Yes,
        AnswerArg::No => Answer::No,
    };
    // An answer that goes on to the cash step needs the cash received: checked
    // before the answer is recorded, so a missing or bad amount writes nothing.
    let continues_to_cash = a == Answer::Yes
        && matches!(
            recovery::question(p),
            Some(recovery::Question::Signed { .. } | recovery::Question::CashTaken { .. })
        );
    let tendered = match (&args.tendered, continues_to_cash) {
        (Some(t), true) => match entry::parse_tendered(t, p.details.total, till.max_change()) {
            Ok(t) => Some(t),
            Err(e) => {
                return fail_input(format!(
                    "--tendered: {}",
                    messages::tendered(lang, &e, &config.currency)
                ));
            }
        },
        (None, true) => {
            return fail_input(lang.fill(
                T::ErrRecoveryNeedsTendered,
                &[("total", &lang.money_with(p.details.total, &config.currency))],
            ));
        }
        (Some(_), false) => {
            return fail_input(lang.t(T::ErrRecoveryNoCashStep).to_string());
        }
        (None, false) => None,
    };
    let outcome = match recovery::answer(&mut till, p, a) {
        Ok(o) => o,
        Err(e) => return fail(step_failed(&till, &config, &e, Some(id))),
    };
    let step = match (outcome, tendered) {
        (Outcome::Moved(step), _) => step,
        (Outcome::ResumeAtCash(p), Some(tendered)) => match till.take_cash(p.id(), tendered) {
            Ok(step) => step,
            Err(e) => return fail(step_failed(&till, &config, &e, Some(id))),
        },
        (Outcome::ResumeAtCash(p), None) => {
            // Unreachable by the check above; say where it stands rather than guess.
            println!("{} {}", p.id(), p.state.name());
            return ExitCode::SUCCESS;
        }
    };
    print_paper(&till, args.out.as_ref());
    println!("{} {}", step.payment.id(), step.payment.state.name());
    match step.payment.state.fiscal() {
        Some(f) if step.payment.state.name() == crate::domain::payment::StateName::Fiscalized => {
            println!("{}", lang.fill(T::PaymentDone, &[("n", &f.receipt_no)]));
        }
        _ => {}
    }
    // The answer was carried out; it may lead to the payment's next question (the
    // pre-receipt came out: did the customer sign it?): say it and how to answer.
    if let Some(q) = recovery::question(&step.payment) {
        println!(
            "{}\n    {}",
            q.text(&step.payment, lang, &config.currency),
            messages::recovery_command(&step.payment)
        );
    }
    ExitCode::SUCCESS
}

/// Writes the decoded documents this command printed to stdout, unless they went
/// into `--out DIR` as files.
fn print_paper(till: &Till, out: Option<&PathBuf>) {
    if out.is_some() {
        return;
    }
    let paper = till.paper();
    let paper = paper.lock().expect("paper log");
    let mut stdout = std::io::stdout().lock();
    for (job, printout) in paper.iter() {
        let _ = writeln!(stdout, "==== {} ====\n{}", job.name, printout.text());
    }
}

fn describe_summary(s: &crate::journal::DeliverySummary) -> String {
    format!(
        "{} queued (oldest {}), {} awaiting a final status, {} stuck, {} refused",
        s.queued,
        s.oldest_queued_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "-".into()),
        s.awaiting_status,
        s.stuck,
        s.refused
    )
}

fn sync_cmd(config: Config, args: SyncArgs) -> ExitCode {
    use crate::app::sync::{Role, SyncSettings, Syncer};
    let link = match crate::app::hub_link::connect(&config) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let mut syncer = match Syncer::open(SyncSettings::from_config(link.client.clone(), &config)) {
        Ok(s) => s,
        Err(e) => return fail(messages::journal(config.lang, &e)),
    };
    eprintln!("paydesk sync: hub {}", link.client.base());
    if args.once {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(args.max_wait);
        return match syncer.run_once(deadline) {
            Ok(summary) => {
                println!("{}", describe_summary(&summary));
                if summary.queued == 0 {
                    return ExitCode::SUCCESS;
                }
                // Something is left: exit 1 with the reason, whoever was leading.
                let status = syncer.status();
                let why = match (&status.blocked, &status.role) {
                    (Some(b), _) => messages::blocked(config.lang, b),
                    (None, Role::Follower { leader }) => config.lang.fill(
                        crate::i18n::T::SyncOnceFollower,
                        &[("leader", leader), ("seconds", &args.max_wait)],
                    ),
                    (None, _) => status
                        .last_error
                        .clone()
                        .unwrap_or_else(|| "the hub did not answer in time".into()),
                };
                eprintln!(
                    "paydesk: {}",
                    config.lang.fill(
                        crate::i18n::T::SyncOnceLeft,
                        &[("n", &summary.queued), ("why", &why)]
                    )
                );
                ExitCode::FAILURE
            }
            Err(e) => fail(messages::journal(config.lang, &e)),
        };
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
            return fail(format!("cannot handle signals: {e}"));
        }
    }
    let mut last = None;
    syncer.run(&stop, |status| {
        let line = format!(
            "{} · {} · {}",
            match &status.role {
                Role::Starting => "starting".to_string(),
                Role::Leader { epoch } => format!("leader (epoch {epoch})"),
                Role::Follower { leader } => format!("follower of {leader}"),
            },
            match (status.online, &status.role) {
                (Some(true), _) => "online",
                (Some(false), _) => "offline",
                (None, Role::Follower { .. }) => "the leader talks to the hub",
                (None, _) => "not in contact yet",
            },
            describe_summary(&status.summary)
        );
        let line = match &status.blocked {
            Some(b) => format!("{line} · {}", messages::blocked(config.lang, b)),
            None => line,
        };
        if last.as_ref() != Some(&line) {
            eprintln!("paydesk sync: {line}");
            last = Some(line);
        }
    });
    ExitCode::SUCCESS
}
