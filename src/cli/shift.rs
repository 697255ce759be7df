//! `paydesk shift-open`: open a shift with the cash in the drawer.

use std::process::ExitCode;

use super::common::{Credentials, explain, fail, fail_input, open_till_as};
use crate::app::config::Config;
use crate::app::flow::FlowError;
use crate::app::messages;
use crate::domain::entry::{self};
use crate::domain::money::Money;
use crate::i18n::T;

pub(super) fn open(mut config: Config, cash: &str, creds: Option<&Credentials>) -> ExitCode {
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
    let mut till = match open_till_as(&mut config, None, creds) {
        Ok(t) => t,
        Err(code) => return code,
    };
    // A shift manager opens it; a cashier too unless `[till] manager_opens_shift`.
    match till.shifts().open(cash) {
        Ok(n) => {
            println!("{}", lang.fill(T::ShiftOpenedMsg, &[("n", &n)]));
            ExitCode::SUCCESS
        }
        Err(FlowError::Journal(e)) => fail(messages::journal(lang, &e)),
        Err(e) => fail(explain(lang, &e)),
    }
}
