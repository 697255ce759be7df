//! `paydesk report …`: reports for managers and scripts.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono_tz::Tz;
use clap::{Args, Subcommand, ValueEnum};

use crate::app::config::Config;
use crate::app::export::{self, CsvRows, ExportError, ExportFormat};
use crate::app::messages;
use crate::domain::period::{DayEdge, month_range, parse_when};
use crate::domain::user::Action;
use crate::i18n::{Lang, T};
use crate::journal::report::{PaymentsFilter, StatusFilter};
use crate::journal::{Journal, OpenOptions};

use super::progress::Progress;

/// `paydesk report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Payments in a period, optionally by operator, part of an account number and
    /// status, with totals.
    Payments(PaymentsArgs),
    /// The monthly agent settlement per principal, as XLSX: one sheet per month.
    Settlement(SettlementArgs),
    /// The open shift's X report, or close it with a Z report.
    Shift(ShiftArgs),
    /// Collections by period: per shift the cash taken for principals and the cash
    /// collected, and what was taken and has not yet gone to the bank.
    Collections(CollectionArgs),
}

/// `paydesk report collections …`
#[derive(Debug, Args)]
pub struct CollectionArgs {
    /// From: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (shifts opened from then on).
    #[arg(long)]
    pub from: String,
    /// To: a date includes that whole day.
    #[arg(long)]
    pub to: String,
    /// Output format: text, or xlsx (needs --out).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

fn collections(config: &Config, journal: &Journal, args: &CollectionArgs) -> ExitCode {
    let lang = config.lang;
    let when = |v: &str, edge: DayEdge| {
        parse_when(v, config.tz, edge).ok_or_else(|| lang.fill(T::ErrReportDate, &[("value", &v)]))
    };
    let (from, to) = match (
        when(&args.from, DayEdge::Start),
        when(&args.to, DayEdge::End),
    ) {
        (Ok(f), Ok(t)) if t > f => (f, t),
        (Ok(_), Ok(_)) => {
            return super::common::fail_input(
                lang.fill(T::ErrReportRange, &[("from", &args.from), ("to", &args.to)]),
            );
        }
        (Err(e), _) | (_, Err(e)) => return super::common::fail_input(e),
    };
    if args.format == Format::Csv {
        return super::common::fail_input(lang.t(T::ErrCollectionFormat).to_string());
    }
    if args.format == Format::Xlsx && args.out.is_none() {
        return super::common::fail_input(lang.t(T::ErrReportXlsxNeedsOut).to_string());
    }
    let report = match journal.collection_report(&config.terminal_id, from, to) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("paydesk: {}", messages::journal(lang, &e));
            return ExitCode::FAILURE;
        }
    };
    let written = match (&args.format, &args.out) {
        (Format::Xlsx, Some(path)) => {
            crate::app::export::collection_xlsx(&report, lang, config.tz, path)
                .map_err(|e| e.to_string())
        }
        (_, out) => {
            let text =
                crate::report::cash::collection_text(&report, lang, config.tz, &config.currency);
            match out {
                Some(path) => crate::files::write_private(path, text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display())),
                None => {
                    print!("{text}");
                    Ok(())
                }
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paydesk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `paydesk report shift …`
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("kind").required(true).args(["x", "z"])))]
pub struct ShiftArgs {
    /// X report: the open shift so far (nothing changes).
    #[arg(long)]
    pub x: bool,
    /// Z report: close the open shift with the cash counted (--counted).
    #[arg(long, requires = "counted")]
    pub z: bool,
    /// The cash counted in the drawer at closing.
    #[arg(long)]
    pub counted: Option<String>,
}

/// Runs `f` on the fiscal register, when one is configured and paydesk's shift is
/// open (nothing to report or close otherwise).
fn register(
    config: &Config,
    journal: &Journal,
    f: impl FnOnce(&mut crate::app::fiscal::FiscalDesk) -> Result<(), crate::fiscal::FiscalError>,
) -> Result<(), crate::fiscal::FiscalError> {
    let mut desk = crate::app::fiscal::FiscalDesk::new(config.fiscal.clone());
    let open = journal
        .current_shift(&config.terminal_id)
        .is_ok_and(|s| s.is_some());
    if desk.configured() && open {
        f(&mut desk)?;
    }
    Ok(())
}

fn shift(config: &Config, journal: &mut Journal, args: &ShiftArgs, actor: &str) -> ExitCode {
    let lang = config.lang;
    let report = if args.z {
        let text = args.counted.as_deref().unwrap_or_default();
        let counted = match crate::domain::money::Money::parse(text) {
            Ok(m) => m,
            Err(_) if text.trim() == "0" => crate::domain::money::Money::default(),
            Err(e) => {
                let why = messages::amount(
                    lang,
                    &crate::domain::entry::AmountError::Money(e),
                    None,
                    &config.currency,
                );
                return super::common::fail_input(format!("--counted {text}: {why}"));
            }
        };
        // The register's Z first: a refusal keeps both shifts open (as on screen).
        if let Err(e) = register(config, journal, |d| d.z_report()) {
            return super::common::fail(messages::fiscal(lang, &e));
        }
        journal.close_shift(&config.terminal_id, counted, actor)
    } else {
        if let Err(e) = register(config, journal, |d| d.x_report()) {
            return super::common::fail(messages::fiscal(lang, &e));
        }
        journal.x_report(&config.terminal_id)
    };
    match report {
        Ok(r) => {
            print!(
                "{}",
                crate::report::shift_text(&r, lang, config.tz, &config.currency, 48)
            );
            // A closed shift is backed up, as on screen; a failed backup is said,
            // the close stands.
            if args.z {
                match journal.backup_into(&config.backups.dir, config.backups.keep) {
                    Ok(b) => println!("{}", messages::backup_written(lang, &b)),
                    Err(e) => eprintln!("paydesk: {}", messages::backup(lang, &e)),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("paydesk: {}", messages::journal(lang, &e));
            ExitCode::FAILURE
        }
    }
}

/// `paydesk report settlement …`
#[derive(Debug, Args)]
pub struct SettlementArgs {
    /// A month, `YYYY-MM`; repeat for several (one sheet each).
    #[arg(long, required = true)]
    pub month: Vec<String>,
    /// The XLSX file to write.
    #[arg(long)]
    pub out: PathBuf,
}

fn settlement(config: &Config, journal: &Journal, args: &SettlementArgs) -> ExitCode {
    let lang = config.lang;
    let mut months = Vec::new();
    let mut bar = Progress::on_stderr();
    for (i, m) in args.month.iter().enumerate() {
        bar.show(
            lang.t(T::SettlementBar),
            (i * 100 / args.month.len()) as u8,
            &format!("{m} ({} / {})", i + 1, args.month.len()),
        );
        let Some((from, to)) = month_range(m, config.tz) else {
            return super::common::fail_input(lang.fill(T::ErrReportMonth, &[("value", m)]));
        };
        let lines = journal.settlement(from, to);
        let unconfirmed = journal.unconfirmed(from, to);
        match (lines, unconfirmed) {
            (Ok(lines), Ok(unconfirmed)) => months.push(crate::app::export::SettlementMonth {
                month: m.trim().to_string(),
                lines,
                unconfirmed,
            }),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("paydesk: {}", messages::journal(lang, &e));
                return ExitCode::FAILURE;
            }
        }
    }
    bar.finish();
    match crate::app::export::settlement_xlsx(&months, lang, config.tz, &args.out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paydesk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A text listing with totals.
    Text,
    /// CSV (comma, dot decimals), with a totals line.
    Csv,
    /// An Excel workbook (needs --out).
    Xlsx,
}

/// `paydesk report payments …`
#[derive(Debug, Args)]
pub struct PaymentsArgs {
    /// From: `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` in the shop's time zone.
    #[arg(long)]
    pub from: String,
    /// To: a date includes that whole day; a date and time is exclusive.
    #[arg(long)]
    pub to: String,
    /// Operator code (see `paydesk operators`).
    #[arg(long)]
    pub operator: Option<String>,
    /// The account number, or any part of it (digits).
    #[arg(long)]
    pub account: Option<String>,
    /// accepted, voided, unfinished, undelivered, completed, failed or stuck.
    #[arg(long)]
    pub status: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Checks the arguments into a filter, or says what is wrong.
pub fn filter(
    args: &PaymentsArgs,
    lang: Lang,
    tz: Tz,
    operators: &[String],
) -> Result<PaymentsFilter, String> {
    let when = |v: &str, edge: DayEdge| {
        parse_when(v, tz, edge).ok_or_else(|| lang.fill(T::ErrReportDate, &[("value", &v)]))
    };
    let from = when(&args.from, DayEdge::Start)?;
    let to = when(&args.to, DayEdge::End)?;
    if to <= from {
        return Err(lang.fill(T::ErrReportRange, &[("from", &args.from), ("to", &args.to)]));
    }
    let operator = match &args.operator {
        None => None,
        Some(op) => Some(
            operators
                .iter()
                .find(|o| o.eq_ignore_ascii_case(op.trim()))
                .cloned()
                .ok_or_else(|| {
                    lang.fill(
                        T::ErrReportOperator,
                        &[("value", op), ("known", &operators.join(", "))],
                    )
                })?,
        ),
    };
    let account = match &args.account {
        None => None,
        Some(a) => {
            let digits: String = a.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(lang.fill(T::ErrReportAccount, &[("value", a)]));
            }
            Some(digits)
        }
    };
    let status = match &args.status {
        None => None,
        Some(s) => Some(
            StatusFilter::ALL
                .iter()
                .find(|(_, w)| w.eq_ignore_ascii_case(s.trim()))
                .map(|(f, _)| *f)
                .ok_or_else(|| {
                    let known: Vec<&str> = StatusFilter::ALL.iter().map(|(_, w)| *w).collect();
                    lang.fill(
                        T::ErrReportStatus,
                        &[("value", s), ("known", &known.join(", "))],
                    )
                })?,
        ),
    };
    Ok(PaymentsFilter {
        from,
        to,
        operator,
        account,
        status,
    })
}

/// Runs `paydesk report …`.
pub(super) fn run(
    config: Config,
    command: ReportCommand,
    creds: Option<&super::common::Credentials>,
) -> ExitCode {
    let lang = config.lang;
    let mut journal = match Journal::open(
        &config.journal_path,
        &OpenOptions {
            busy_timeout: config.busy_timeout,
        },
    ) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("paydesk: {}", messages::journal(lang, &e));
            return ExitCode::FAILURE;
        }
    };
    // Shifts need a shift manager; the other reports anyone who may see reports.
    let action = match command {
        ReportCommand::Shift(_) => Action::ManageShift,
        _ => Action::ViewReports,
    };
    let actor = match super::common::authorize(&mut journal, creds, action, &config.cashier) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("paydesk: {}", super::common::explain(lang, &e));
            return ExitCode::FAILURE;
        }
    };
    let args = match command {
        ReportCommand::Payments(args) => args,
        ReportCommand::Settlement(args) => return settlement(&config, &journal, &args),
        ReportCommand::Shift(args) => return shift(&config, &mut journal, &args, &actor),
        ReportCommand::Collections(args) => return collections(&config, &journal, &args),
    };
    let mut operators: Vec<String> = journal
        .catalogue()
        .ok()
        .flatten()
        .map(|c| {
            c.operators
                .iter()
                .map(|o| o.code.as_str().to_string())
                .collect()
        })
        .unwrap_or_default();
    if operators.is_empty() {
        operators = crate::app::till::demo_catalogue(config.currency.code())
            .operators
            .iter()
            .map(|o| o.code.as_str().to_string())
            .collect();
    }
    let f = match filter(&args, lang, config.tz, &operators) {
        Ok(f) => f,
        Err(msg) => return super::common::fail_input(msg),
    };
    if args.format == Format::Xlsx && args.out.is_none() {
        return super::common::fail_input(lang.t(T::ErrReportXlsxNeedsOut).to_string());
    }
    // Files stream: rows are written as they are read, memory stays flat.
    let file_format = match args.format {
        Format::Csv => Some(ExportFormat::Csv),
        Format::Xlsx => Some(ExportFormat::Xlsx),
        Format::Text => None,
    };
    if let Some(format) = file_format {
        let mut bar = Progress::on_stderr();
        let label = lang.t(T::ReportExportBar);
        // Ctrl-C or SIGTERM stops the export cleanly: no half file is left.
        let stop = Arc::new(AtomicBool::new(false));
        if args.out.is_some() {
            for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
                if let Err(e) = signal_hook::flag::register(signal, stop.clone()) {
                    return super::common::fail(format!("cannot handle signals: {e}"));
                }
            }
        }
        let mut progress = |done: u64, total: u64| {
            let percent = (done * 100).checked_div(total).unwrap_or(100);
            bar.show(label, percent.min(100) as u8, &format!("{done} / {total}"));
            if stop.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let written = match &args.out {
            Some(path) => {
                export::payments_file(&journal, &f, format, lang, config.tz, path, &mut progress)
                    .map(|_| ())
            }
            // CSV on stdout: straight through, row by row.
            None => csv_to_stdout(&journal, &f, lang, config.tz),
        };
        bar.finish();
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                let said = messages::report_file(lang, &e.into());
                eprintln!("paydesk: {said}");
                ExitCode::FAILURE
            }
        };
    }
    let rows = match journal.payments_report(&f) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("paydesk: {}", messages::journal(lang, &e));
            return ExitCode::FAILURE;
        }
    };
    let written = match args.format {
        Format::Csv | Format::Xlsx | Format::Text => {
            let text = crate::report::text(&rows, lang, config.tz, &config.currency, 48);
            match &args.out {
                Some(path) => crate::files::write_private(path, text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display())),
                None => {
                    print!("{text}");
                    Ok(())
                }
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paydesk: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The payments report as CSV on stdout, each row written as it is read.
fn csv_to_stdout(
    journal: &Journal,
    f: &PaymentsFilter,
    lang: Lang,
    tz: Tz,
) -> Result<(), ExportError> {
    let io = |source| ExportError::Write {
        path: "stdout".into(),
        source,
    };
    let stdout = std::io::stdout().lock();
    let mut w = CsvRows::start(std::io::BufWriter::new(stdout), lang, tz).map_err(io)?;
    let (_, flow) =
        export::each_row_written(journal, f, &mut |r| w.row(r).map_err(io), &mut |_| {
            ControlFlow::Continue(())
        })?;
    if flow.is_continue() {
        w.finish().map_err(io)?;
    }
    Ok(())
}
