//! `paydesk support …`: find a payment, see where it stands, its timeline, the central
//! office's e-mail, diagnostics, a receipt the journal does not know.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::common::Credentials;
use super::common::{explain, fail, fail_input, open_till_as};
use crate::app::config::Config;
use crate::app::messages;
use crate::app::till::{FlowError, Till};
use crate::i18n::T;

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

pub(super) fn run(
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
    let parse_id = |till: &mut Till, id: &str| {
        till.payments()
            .resolve_payment_id(id)
            .map_err(|e| fail_input(explain(lang, &e)))
    };
    match command {
        SupportCommand::Status { query } => match till.support().find_payments(&query) {
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
        SupportCommand::Stuck => match till.support().troubled_payments() {
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
            let id = match parse_id(&mut till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            match till.support().payment_story(id) {
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
            match till.corrections().report_missing_payment(&m) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e @ FlowError::MissingPayment(_)) => fail_input(explain(lang, &e)),
                Err(e) => fail(explain(lang, &e)),
            }
        }
        SupportCommand::Export { id, out } => {
            let id = match parse_id(&mut till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            match till.support().export_diagnostics(id, &out) {
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
            let id = match parse_id(&mut till, &id) {
                Ok(i) => i,
                Err(code) => return code,
            };
            let Some(kind) = crate::domain::correction::parse_kind(&kind) else {
                return fail_input(format!(
                    "--kind {kind}: reconduct, move-account, cancel or refund"
                ));
            };
            match till.support().payment_story(id) {
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
