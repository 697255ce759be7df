//! `paydesk shift-open`: open a shift with the cash in the drawer.

use std::process::ExitCode;

use super::common::Credentials;
use super::common::{explain, fail, fail_input};
use crate::app::config::Config;
use crate::app::messages;
use crate::domain::entry::{self};
use crate::domain::money::Money;
use crate::domain::user::Action;
use crate::i18n::T;
use crate::journal::{Journal, OpenOptions};

pub(super) fn open(config: Config, cash: &str, creds: Option<&Credentials>) -> ExitCode {
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
    let actor =
        match super::common::authorize(&mut journal, creds, Action::ManageShift, &config.cashier) {
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
