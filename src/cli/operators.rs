//! `paydesk operators`: the operator catalogue in force.

use std::process::ExitCode;

use super::common::open_till;
use crate::app::config::Config;
use crate::app::messages;

pub(super) fn run(mut config: Config) -> ExitCode {
    let till = match open_till(&mut config, None) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let lang = config.lang;
    for op in &till.rules().catalogue().operators {
        println!(
            "{:<10} {:<28} {}",
            op.code.as_str(),
            op.name,
            messages::operator_rules(lang, op, &config.currency)
        );
    }
    ExitCode::SUCCESS
}
