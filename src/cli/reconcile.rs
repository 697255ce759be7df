//! `paydesk reconcile`: compare a business day with the payment system's registry,
//! list the differences still open, or mark one explained.

use std::process::ExitCode;

use clap::Args;

use super::common::{Credentials, explain, fail, fail_input, open_till_as};
use crate::app::config::Config;
use crate::app::messages;
use crate::app::reconcile::ReconcileOutcome;
use crate::domain::reconcile::DifferenceKind;
use crate::i18n::T;

/// `paydesk reconcile …`
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The business day, `YYYY-MM-DD` (default: yesterday in the shop's zone).
    #[arg(long)]
    pub date: Option<String>,
    /// List the differences not yet explained, of every day, instead.
    #[arg(long, conflicts_with_all = ["explain", "date"])]
    pub open: bool,
    /// Mark this payment's difference of --date explained (with --kind and --reason).
    #[arg(long, value_name = "PAYMENT_ID", requires_all = ["kind", "reason", "date"])]
    pub explain: Option<String>,
    /// The difference's kind: undelivered, lost, unknown_at_hub, amount, account, status.
    #[arg(long)]
    pub kind: Option<String>,
    /// Why it is not a problem, or what was done.
    #[arg(long)]
    pub reason: Option<String>,
}

/// Runs `paydesk reconcile`. Exit 0: everything matches (or done); 1: differences,
/// or the registry could not be read; 2: bad input.
pub(super) fn run(
    mut config: Config,
    args: ReconcileArgs,
    creds: Option<&Credentials>,
) -> ExitCode {
    let lang = config.lang;
    let tz = config.tz;
    let date = match &args.date {
        Some(d) => match chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => return fail_input(lang.fill(T::ErrReportDate, &[("value", d)])),
        },
        None => chrono::Utc::now().with_timezone(&tz).date_naive() - chrono::Duration::days(1),
    };
    let explained = match (&args.explain, &args.kind) {
        (Some(id), Some(kind)) => {
            let Ok(id) = uuid::Uuid::parse_str(id.trim()) else {
                return fail_input(lang.fill(T::ErrUnknownPaymentId, &[("id", id)]));
            };
            let Some(kind) = DifferenceKind::parse(kind.trim()) else {
                let known: Vec<&str> = DifferenceKind::ALL.iter().map(|k| k.as_str()).collect();
                return fail_input(format!("--kind {kind}: {}", known.join(", ")));
            };
            Some((id, kind))
        }
        _ => None,
    };
    let mut till = match open_till_as(&mut config, None, creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let day = date.format("%Y-%m-%d").to_string();
    if let Some((id, kind)) = explained {
        let reason = args.reason.as_deref().unwrap_or_default();
        return match till.reconciliation().explain(&day, id, kind, reason) {
            Ok(()) => {
                println!("{}", lang.t(T::ReconcileExplainedMsg));
                ExitCode::SUCCESS
            }
            Err(e) => fail(explain(lang, &e)),
        };
    }
    if args.open {
        return match till.reconciliation().open() {
            Ok(open) => {
                for d in &open {
                    println!(
                        "{}  {}\n    {}",
                        d.date,
                        crate::report::reconcile::what(&d.difference, lang, &config.currency),
                        messages::difference_fix(lang, d.difference.kind)
                    );
                }
                if open.is_empty() {
                    println!("{}", lang.t(T::ReconcileMatched));
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => fail(explain(lang, &e)),
        };
    }
    match crate::app::hub_link::connect(&config) {
        Ok(link) => {
            // The training hub lives as long as its link: kept until the end.
            till.set_hub(Some(link.client.clone()));
            let code = compare(&mut till, date, &config);
            drop(link);
            code
        }
        Err(e) => fail(format!("{} ({e})", lang.t(T::ReconcileNoHub))),
    }
}

fn compare(
    till: &mut crate::app::till::Till,
    date: chrono::NaiveDate,
    config: &Config,
) -> ExitCode {
    let lang = config.lang;
    match till.reconciliation().run(date) {
        Ok(ReconcileOutcome::Done(r)) => {
            print!(
                "{}",
                crate::report::reconcile::text(&r.run, &r.differences, lang, &config.currency)
            );
            if r.differences.iter().any(|d| d.explained.is_none()) {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Ok(ReconcileOutcome::NoHub) => fail(lang.t(T::ReconcileNoHub).to_string()),
        Ok(ReconcileOutcome::Failed(e)) => fail(messages::reconcile_failed(lang, &e)),
        Err(e) => fail(explain(lang, &e)),
    }
}
