//! Support's texts: a payment's line, its timeline in words, and the e-mail the
//! central office expects for a correction it must make by hand.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::app::corrections::PaymentStory;
use crate::i18n::{Currency, Lang, T};
use crate::journal::support::{SupportRow, Trouble};

use crate::domain::time::local;

/// Why a payment is on the support list, in words.
pub fn trouble(lang: Lang, t: Trouble) -> &'static str {
    lang.t(match t {
        Trouble::Stuck => T::TroubleStuck,
        Trouble::Failing => T::TroubleFailing,
        Trouble::Refused => T::TroubleRefused,
        Trouble::Failed => T::TroubleFailed,
        Trouble::None => T::TroubleNone,
    })
}

/// A journal event's kind in words.
pub fn event_kind(lang: Lang, kind: &str) -> String {
    let t = match kind {
        "created" => T::EvCreated,
        "pre_receipt_print_started" | "pre_receipt_reprint_started" => T::EvPrePrinting,
        "pre_receipt_printed" => T::EvPrePrinted,
        "customer_signed" => T::EvSigned,
        "voided" => T::EvVoided,
        "cash_taken" => T::EvCash,
        "fiscal_print_started" | "fiscal_reprint_started" => T::EvFiscalPrinting,
        "fiscal_issue_started" => T::EvFiscalIssueStarted,
        "fiscal_printed" => T::EvFiscalPrinted,
        "fiscal_issued" => T::EvFiscalIssued,
        "delivery_attempt" => T::EvPush,
        "hub_status" => T::EvHubStatus,
        "flagged_stuck" => T::EvStuck,
        "correction_requested" => T::EvCorrectionRequested,
        "correction_attempt" => T::EvCorrectionAttempt,
        "correction_answered" => T::EvCorrectionAnswered,
        "refund_paid" => T::EvRefundPaid,
        "refund_receipt_printed" => T::EvRefundPrinted,
        other => return other.to_string(),
    };
    lang.t(t).to_string()
}

/// The details worth a glance from an event's JSON: statuses, outcomes, reasons,
/// kinds, numbers (never the whole blob).
fn details(data: &str) -> String {
    let Ok(serde_json::Value::Object(m)) = serde_json::from_str::<serde_json::Value>(data) else {
        return String::new();
    };
    let mut parts = Vec::new();
    for key in [
        "status",
        "outcome",
        "error",
        "kind",
        "state",
        "reason",
        "new_account",
        "attempt",
        "refund_no",
        "amount",
        "approved_by",
        "tendered",
        "after_document",
        "document",
    ] {
        match m.get(key) {
            Some(serde_json::Value::String(s)) => parts.push(format!("{key}={s}")),
            Some(serde_json::Value::Number(n)) => parts.push(format!("{key}={n}")),
            Some(serde_json::Value::Object(o)) => {
                if let Some(serde_json::Value::String(s)) = o.get("code").or(o.get("outcome")) {
                    parts.push(format!("{key}={s}"));
                }
                if let Some(serde_json::Value::String(s)) = o.get("error") {
                    parts.push(format!("error={s}"));
                }
                // A fiscal register's document: ФД, ФП, ФН as a tax officer reads them.
                if let (Some(n), Some(fp), Some(fn_no)) =
                    (o.get("number"), o.get("fiscal_sign"), o.get("fn_number"))
                {
                    parts.push(format!(
                        "ФД {n}, ФП {fp}, ФН {}",
                        fn_no.as_str().unwrap_or("")
                    ));
                }
            }
            _ => {}
        }
    }
    parts.join(", ")
}

/// One payment as a line: receipt, date, operator, account, total, delivery, status.
pub fn row_line(r: &SupportRow, lang: Lang, tz: Tz, currency: &Currency) -> String {
    format!(
        "{}  №{}  {}  {}  {}  {}  {}/{}  {}",
        r.id,
        r.fiscal_receipt_no
            .map(|n| n.to_string())
            .unwrap_or("-".into()),
        local(r.created_at, tz),
        r.operator,
        r.account,
        lang.money_with(r.total, currency),
        r.delivery.as_deref().unwrap_or("-"),
        crate::domain::report::hub_status_text(lang, r.hub_status.as_deref()),
        trouble(lang, r.trouble),
    )
}

/// The timeline: every event in order with who did it, then the correction requests.
pub fn timeline(story: &PaymentStory, lang: Lang, tz: Tz) -> Vec<String> {
    let mut lines = Vec::new();
    for e in &story.events {
        let at = DateTime::parse_from_rfc3339(&e.at)
            .map(|t| local(t.with_timezone(&Utc), tz))
            .unwrap_or_else(|_| e.at.clone());
        let d = details(&e.data);
        lines.push(format!(
            "{at}  {}{}  · {}",
            event_kind(lang, &e.kind),
            if d.is_empty() {
                String::new()
            } else {
                format!(" ({d})")
            },
            e.actor
        ));
    }
    if let Some(r) = &story.row.last_error {
        lines.push(format!("{}: {r}", lang.t(T::SupportLastError)));
    }
    if let Some(t) = story.row.next_attempt_at {
        lines.push(format!("{}: {}", lang.t(T::SupportNextRetry), local(t, tz)));
    }
    lines
}

pub use crate::domain::correction::central_office_email;
