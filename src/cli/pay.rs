//! `paydesk pay` and `paydesk recovery`: a payment headless, and the answer to the
//! question about one left between two steps.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::common::Credentials;
use super::common::{
    EXIT_BAD_INPUT, explain, fail, fail_input, open_till_as, print_paper, step_failed,
};
use crate::app::config::{Config, HubTarget};
use crate::app::messages;
use crate::app::recovery::{self, Answer, Outcome};
use crate::app::till::FlowError;
use crate::domain::entry::{self, PaymentInput};
use crate::domain::payment::VoidReason;
use crate::domain::user::Action;
use crate::i18n::T;

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

/// `paydesk pay`: one payment from the command line, the same flow as the window.
pub(super) fn pay(mut config: Config, args: PayArgs, creds: Option<&Credentials>) -> ExitCode {
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
    let quote = match entry::validate(till.rules().catalogue(), &input, till.rules().max_payment())
    {
        Ok(q) => q,
        Err(errors) => {
            let op = till.rules().catalogue().get(&args.operator);
            let (o, a, m) = messages::entry(lang, &errors, op, &args.account, &config.currency);
            if o.is_some() {
                let codes: Vec<&str> = till
                    .rules()
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
    let tendered =
        match entry::parse_tendered(&args.tendered, quote.total, till.rules().max_change()) {
            Ok(t) => t,
            Err(e) => {
                return fail_input(format!(
                    "{}: {}",
                    lang.t(T::FieldTendered),
                    messages::tendered(lang, &e, &config.currency)
                ));
            }
        };
    // A payment a crash left at the fiscal register is settled by asking it first.
    if till.payments().fiscal_configured() {
        till.payments().settle_all_fiscal();
    }
    // A payment of this terminal left between two steps is answered first: taking
    // another one now is how a customer gets charged twice.
    match till.payments().unfinished() {
        Ok(waiting) if !waiting.is_empty() => {
            return fail_input(messages::pending(lang, &waiting[0], &config.currency));
        }
        Ok(_) => {}
        Err(e) => return fail(messages::journal(lang, &e)),
    }

    // A hub of the payment system (not the training one): asked, as on screen,
    // whether the operator takes the payment and whether the agent's balance covers
    // it, before anything is printed. No answer: the catalogue's rules only.
    if let HubTarget::Remote { .. } = config.hub.target {
        if let Err(e) = till.payments().require_shift() {
            return fail_input(step_failed(&mut till, &config, &e, None));
        }
        match crate::app::hub_link::connect(&config) {
            Ok(link) => till.set_hub(Some(link.client)),
            Err(e) => eprintln!("paydesk: {e}"),
        }
        match till.payments().check(&quote) {
            Ok(outcome) => {
                if let Some(text) =
                    messages::check(lang, &outcome, &quote.operator.name, &quote.account)
                {
                    eprintln!("paydesk: {text}");
                }
            }
            Err(e) => return fail(step_failed(&mut till, &config, &e, None)),
        }
    }
    let step = match till.payments().print_pre_receipt(&quote) {
        Ok(s) => s,
        Err(e @ (FlowError::Pending { .. } | FlowError::NoShift { .. })) => {
            return fail_input(step_failed(&mut till, &config, &e, None));
        }
        Err(e) => return fail(step_failed(&mut till, &config, &e, None)),
    };
    let id = step.payment.id();
    let step = if args.customer_refused {
        match till.payments().void(id, VoidReason::CustomerRefused) {
            Ok(s) => s,
            Err(e) => return fail(step_failed(&mut till, &config, &e, Some(id))),
        }
    } else {
        if let Err(e) = till.payments().customer_signed(id) {
            return fail(step_failed(&mut till, &config, &e, Some(id)));
        }
        match till.payments().take_cash(id, tendered) {
            Ok(s) => s,
            Err(e) => return fail(step_failed(&mut till, &config, &e, Some(id))),
        }
    };
    print_paper(&mut till, args.out.as_ref());
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
    let summary =
        messages::payment_done(lang, &step).unwrap_or_else(|| lang.t(T::PaymentVoided).to_string());
    println!("{summary}\n{}: {id}", lang.t(T::PaymentIdLabel));
    ExitCode::SUCCESS
}

pub(super) fn recovery(
    mut config: Config,
    args: RecoveryArgs,
    creds: Option<&Credentials>,
) -> ExitCode {
    let lang = config.lang;
    let mut till = match open_till_as(&mut config, args.out.as_ref(), creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // The list names accounts and amounts: only for those who take payments.
    if let Err(e) = till.users().require(Action::TakePayments) {
        return fail(explain(lang, &e));
    }
    let unfinished = match till.payments().unfinished() {
        Ok(u) => u,
        Err(e) => return fail(messages::journal(lang, &e)),
    };
    let (Some(id), Some(answer)) = (args.payment, args.answer) else {
        let issuer = recovery::ReceiptIssuer::of(&config.fiscal);
        for p in &unfinished {
            if let Some(q) = recovery::question_for(p, issuer) {
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
    let id = match till.payments().resolve_payment_id(&id) {
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
        (Some(t), true) => {
            match entry::parse_tendered(t, p.details.total, till.rules().max_change()) {
                Ok(t) => Some(t),
                Err(e) => {
                    return fail_input(format!(
                        "--tendered: {}",
                        messages::tendered(lang, &e, &config.currency)
                    ));
                }
            }
        }
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
        Err(e) => return fail(step_failed(&mut till, &config, &e, Some(id))),
    };
    let step = match (outcome, tendered) {
        (Outcome::Moved(step), _) => step,
        (Outcome::ResumeAtCash(p), Some(tendered)) => {
            match till.payments().take_cash(p.id(), tendered) {
                Ok(step) => step,
                Err(e) => return fail(step_failed(&mut till, &config, &e, Some(id))),
            }
        }
        (Outcome::ResumeAtCash(p), None) => {
            // Unreachable by the check above; say where it stands rather than guess.
            println!("{} {}", p.id(), p.state.name());
            return ExitCode::SUCCESS;
        }
    };
    print_paper(&mut till, args.out.as_ref());
    println!("{} {}", step.payment.id(), step.payment.state.name());
    if step.payment.state.name() == crate::domain::payment::StateName::Fiscalized
        && let Some(done) = messages::payment_done(lang, &step)
    {
        println!("{done}");
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
