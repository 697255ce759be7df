//! The diagnostics export: one folder with everything about a payment that support or
//! the central office needs — its row, every journal event, its correction requests
//! and refund, and the log lines about it — with tokens and PIN hashes removed.

use std::path::{Path, PathBuf};

use crate::domain::payment::PaymentId;
use crate::logging::scrub;

use super::corrections::PaymentStory;
use super::flow::FlowError;
use super::terminal::Terminal;

/// How many of the newest log lines go with the lines that name the payment.
const RECENT_LINES: usize = 200;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The till refused (permission, journal).
    #[error(transparent)]
    Flow(#[from] FlowError),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn story_json(story: &PaymentStory) -> serde_json::Value {
    let r = &story.row;
    serde_json::json!({
        "payment_id": r.id.to_string(),
        "created_at": r.created_at,
        "fiscal_receipt_no": r.fiscal_receipt_no,
        "operator": r.operator,
        "account": r.account,
        "total": r.total.to_string(),
        "state": r.state,
        "delivery": r.delivery,
        "attempts": r.attempts,
        "last_error": r.last_error,
        "next_attempt_at": r.next_attempt_at,
        "hub_status": r.hub_status,
        "hub_reason": r.hub_reason,
        "hub_status_at": r.hub_status_at,
        "trouble": format!("{:?}", r.trouble),
        "corrections": story.corrections.iter().map(|c| serde_json::json!({
            "id": c.id,
            "kind": crate::domain::correction::kind_str(c.kind),
            "state": c.state.as_str(),
            "reason": c.reason,
            "new_account": c.new_account,
            "approved_by": c.approved_by,
            "fiscal_receipt_no": c.fiscal_receipt_no,
            "hub_reason": c.hub_reason,
            "created_at": c.created_at,
            "created_by": c.created_by,
            "updated_at": c.updated_at,
            "due_at": c.due_at,
            "attempts": c.attempts,
            "last_error": c.last_error,
        })).collect::<Vec<_>>(),
        "refund": story.refund.as_ref().map(|f| serde_json::json!({
            "refund_no": f.refund_no,
            "amount": f.amount.to_string(),
            "shift_no": f.shift_no,
            "approved_by": f.approved_by,
            "created_at": f.created_at,
            "printed": f.printed,
        })),
    })
}

/// The log lines that name the payment by its full id (a short id is shared by other
/// payments now and then), then the newest ones.
fn log_lines(log: &Path, id: PaymentId) -> String {
    let mut text = String::new();
    for file in [log.with_extension("log.1"), log.to_path_buf()] {
        if let Ok(t) = std::fs::read_to_string(&file) {
            text.push_str(&t);
        }
    }
    let full = id.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let about: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains(&full))
        .collect();
    let recent = &lines[lines.len().saturating_sub(RECENT_LINES)..];
    format!(
        "# Log lines about payment {full}\n{}\n\n# The newest {} log lines\n{}\n",
        about.join("\n"),
        recent.len(),
        recent.join("\n")
    )
}

/// Writes a payment's diagnostics folder under `out_dir` and returns its path.
pub(super) fn export(
    story: &PaymentStory,
    terminal: &Terminal,
    out_dir: &Path,
) -> Result<PathBuf, ExportError> {
    let id = story.row.id;
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
    let dir = out_dir.join(format!(
        "diagnostics-{}-{}-{stamp}",
        story
            .row
            .fiscal_receipt_no
            .map(|n| format!("receipt{n}"))
            .unwrap_or_else(|| "no-receipt".into()),
        id.short()
    ));
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        crate::files::create_dir_private(&dir)
            .and_then(|()| {
                crate::files::write_private(&path, scrub(&text, terminal.secrets()).as_bytes())
            })
            .map_err(|source| ExportError::Write { path, source })
    };
    write(
        "payment.json",
        serde_json::to_string_pretty(&story_json(story)).unwrap_or_default(),
    )?;
    let events: Vec<String> = story
        .events
        .iter()
        .map(|e| {
            serde_json::json!({
                "seq": e.seq,
                "at": e.at,
                "kind": e.kind,
                "actor": e.actor,
                "data": serde_json::from_str::<serde_json::Value>(&e.data)
                    .unwrap_or(serde_json::Value::String(e.data.clone())),
            })
            .to_string()
        })
        .collect();
    write("events.jsonl", events.join("\n") + "\n")?;
    write("log.txt", log_lines(terminal.log_file(), id))?;
    write(
        "README.txt",
        format!(
            "paydesk diagnostics for payment {id}, terminal {}.\n\
                 payment.json  the payment, its delivery, correction requests and refund\n\
                 events.jsonl  every journal event of the payment, in order, with who did it\n\
                 log.txt       the log lines naming the payment, then the newest lines\n\
                 Tokens and PIN hashes are removed.\n",
            terminal.id()
        ),
    )?;
    Ok(dir)
}
