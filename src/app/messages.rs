//! Typed errors → sentences in the user's language that say what to do next.
//! The GUI and the CLI both explain errors through here.

use super::flow::{CorrectionError, MissingPaymentError};
use crate::domain::correction::{CorrectionKind, Instead, ReceiptError, Refusal};
use crate::domain::entry::{AmountError, EntryErrors, TenderedError};
use crate::domain::money::MoneyError;
use crate::domain::operator::{AccountError, AccountMask, AmountLimitError, Operator};
use crate::domain::payment::Payment;
use crate::domain::user::{Action, PermissionError, PinError, Role, ShiftOpening, UserNameError};
use crate::i18n::{Currency, Lang, T};
use crate::journal::JournalError;
use crate::journal::users::LoginError;
use crate::printing::PrintError;
use crate::printing::status::{Problem, StatusReport};
use crate::printing::transport::TransportError;

use super::config::{ConfigError, ConfigWarning};
use super::diagnostics;
use super::support::StatusCheck;
use super::till::{CheckOutcome, FlowError, OpenError};
use super::worker::{ReportFileError, SupportDone, SupportError};
use crate::hub::protocol::CheckCode;

/// A journal problem in words.
pub fn journal(lang: Lang, e: &JournalError) -> String {
    match e {
        JournalError::Corrupted { path, detail } => lang.fill(
            T::ErrJournalCorrupted,
            &[("path", &path.display()), ("detail", detail)],
        ),
        JournalError::ReadOnly { path } => {
            lang.fill(T::ErrJournalReadOnly, &[("path", &path.display())])
        }
        JournalError::Locked { path } => {
            lang.fill(T::ErrJournalLocked, &[("path", &path.display())])
        }
        JournalError::ShiftOpen { number } => lang.fill(T::ErrShiftOpen, &[("n", number)]),
        JournalError::NoShift => lang.t(T::ErrNoShift).to_string(),
        JournalError::NotEnoughCash { expected } => {
            lang.fill(T::ErrNotEnoughCash, &[("expected", &lang.money(*expected))])
        }
        JournalError::NoCashSlip { number } => lang.fill(T::ErrNoCashSlip, &[("n", number)]),
        JournalError::NoCollection { number } => lang.fill(T::ErrNoCollection, &[("n", number)]),
        JournalError::BankRefKnown { number, known } => {
            lang.fill(T::ErrBankRefKnown, &[("n", number), ("known", known)])
        }
        JournalError::UserExists { name } => lang.fill(T::ErrUserExists, &[("name", name)]),
        JournalError::UnknownUser { name } => lang.fill(T::ErrUnknownUser, &[("name", name)]),
        JournalError::FirstUserExists => lang.t(T::ErrFirstUserExists).to_string(),
        JournalError::FirstUserNotAdmin => lang.t(T::ErrFirstUserNotAdmin).to_string(),
        JournalError::NotEligible(r) => refusal(lang, *r),
        JournalError::DiskFull { path } => {
            lang.fill(T::ErrJournalFull, &[("path", &path.display())])
        }
        JournalError::NewerSchema { path, found, known } => lang.fill(
            T::ErrJournalNewer,
            &[
                ("path", &path.display()),
                ("found", found),
                ("known", known),
            ],
        ),
        JournalError::NotAJournal { path, why } => lang.fill(
            match why {
                crate::journal::NotAJournal::Empty => T::ErrNotAJournalEmpty,
                crate::journal::NotAJournal::OtherDatabase => T::ErrNotAJournalOther,
            },
            &[("path", &path.display())],
        ),
        JournalError::CannotOpen { path, detail } => lang.fill(
            T::ErrJournalOpen,
            &[("path", &path.display()), ("detail", detail)],
        ),
        JournalError::Sqlite { path, source } => lang.fill(
            T::ErrJournalOpen,
            &[("path", &path.display()), ("detail", source)],
        ),
        other => lang.fill(T::ErrInternal, &[("detail", other)]),
    }
}

/// Why the till could not start, in words.
pub fn open(lang: Lang, e: &OpenError) -> String {
    match e {
        OpenError::Journal(j) => journal(lang, j),
        OpenError::NoCatalogue => lang.t(T::ErrNoCatalogue).to_string(),
        other => other.to_string(),
    }
}

/// A journal that cannot be used because its file is damaged or not a journal, in
/// words, with the newest backup and the command that restores it (the restore
/// itself says what the backup lacks).
pub fn open_with_backups(lang: Lang, e: &OpenError, backups: &super::config::Backups) -> String {
    let text = open(lang, e);
    match e {
        OpenError::Journal(e) => with_newest_backup(lang, text, e, backups),
        _ => text,
    }
}

/// `text` about a journal error, followed by the newest backup and how to restore it
/// when the error says the file is damaged (at open, or found by a later step).
pub fn with_newest_backup(
    lang: Lang,
    text: String,
    e: &JournalError,
    backups: &super::config::Backups,
) -> String {
    let damaged = matches!(
        e,
        JournalError::Corrupted { .. } | JournalError::NotAJournal { .. }
    );
    match crate::journal::backup::list(&backups.dir).pop() {
        Some(newest) if damaged => format!(
            "{text}\n{}",
            lang.fill(T::OpenNewestBackup, &[("path", &newest.display())])
        ),
        _ => text,
    }
}

/// A config problem in words (the file and key are in the message itself).
pub fn config(_lang: Lang, e: &ConfigError) -> String {
    e.to_string()
}

/// A configuration warning in words (what is missing and which key sets it).
pub fn config_warning(lang: Lang, w: &ConfigWarning) -> String {
    match w {
        ConfigWarning::NoAgentPhone => lang.t(T::WarnNoAgentPhone).to_string(),
        ConfigWarning::NoOperatorPhone(codes) => {
            lang.fill(T::WarnNoOperatorPhone, &[("codes", &codes.join(", "))])
        }
    }
}

/// A failed step in words, for anything but a payment's own steps (those say where
/// the payment stands: [`step_failed`]).
pub fn flow(lang: Lang, e: &FlowError) -> String {
    match e {
        // The journal's own refusals say what to do; nothing failed to be written.
        FlowError::Journal(
            j @ (JournalError::NoShift
            | JournalError::ShiftOpen { .. }
            | JournalError::NotEnoughCash { .. }
            | JournalError::NoCashSlip { .. }
            | JournalError::NoCollection { .. }
            | JournalError::BankRefKnown { .. }),
        ) => journal(lang, j),
        FlowError::Journal(j) => lang.fill(T::CauseJournal, &[("detail", &journal(lang, j))]),
        FlowError::Print(p) => printer(lang, p),
        FlowError::Permission(p) => permission(lang, p),
        FlowError::Login(l) => login(lang, l),
        FlowError::OwnAccount(_) => lang.t(T::ErrOwnAccount).to_string(),
        FlowError::Settings(detail) => detail.clone(),
        FlowError::Correction(c) => correction(lang, c),
        FlowError::MissingPayment(m) => match m {
            MissingPaymentError::When => lang.t(T::ErrMissingWhen).to_string(),
            MissingPaymentError::Empty(_) => lang.t(T::ErrMissingEmpty).to_string(),
            MissingPaymentError::Amount(d) => lang.fill(T::ErrMissingAmount, &[("detail", d)]),
            MissingPaymentError::NoScan(p) => {
                lang.fill(T::ErrMissingScan, &[("path", &p.display())])
            }
        },
        FlowError::CheckRefused {
            code,
            message,
            operator,
            account,
        } => {
            let t = match code {
                CheckCode::AccountNotFound => T::CheckRefusedNotFound,
                CheckCode::OperatorUnavailable => T::CheckRefusedUnavailable,
                _ => T::CheckRefusedOther,
            };
            lang.fill(
                t,
                &[
                    ("operator", operator),
                    ("account", account),
                    ("message", message),
                ],
            )
        }
        FlowError::LowBalance {
            balance,
            queued,
            amount,
        } => low_balance(lang, *balance, *queued, *amount, None),
        FlowError::NoExplanation => lang.t(T::ErrNoExplanation).to_string(),
        FlowError::ReportTooLong { limit } => lang.fill(T::ErrReportTooLong, &[("limit", limit)]),
        FlowError::UnknownPaymentId(text) => lang.fill(T::ErrUnknownPaymentId, &[("id", text)]),
        FlowError::AmbiguousShortId { short, count } => {
            lang.fill(T::ErrAmbiguousShortId, &[("short", short), ("n", count)])
        }
        FlowError::NoShift { opening } => no_shift(lang, *opening, Surface::Screen),
        FlowError::Fiscal(f) => fiscal(lang, f),
        // Payment steps are worded by `step_failed`, which knows the currency.
        other => lang.fill(T::ErrInternal, &[("detail", other)]),
    }
}

pub use super::payments::Standing;

/// Where the words about what to do next are read: each says how to answer there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    /// The cashier screen (the recovery question appears on it by itself).
    Screen,
    /// The command line (`paydesk recovery …` answers the question).
    CommandLine,
}

/// A finished payment, in words: the register's receipt (ФД, ФП) when a fiscal
/// register issued it, the payment confirmation's number otherwise.
pub fn payment_done(lang: Lang, step: &super::flow::Step) -> Option<String> {
    if let Some(d) = &step.issued {
        return Some(lang.fill(
            T::PaymentDoneFiscal,
            &[("fd", &d.number), ("fp", &d.fiscal_sign)],
        ));
    }
    step.payment
        .state
        .fiscal()
        .map(|f| lang.fill(T::PaymentDone, &[("n", &f.receipt_no)]))
}

/// The journal's background check for the status bar: (short text, tooltip, problem).
pub fn journal_check(
    lang: Lang,
    news: &crate::app::journal_check::CheckNews,
    tz: chrono_tz::Tz,
    journal: &std::path::Path,
) -> (String, String, bool) {
    use crate::app::journal_check::CheckNews;
    match news {
        CheckNews::Running(p) => (
            lang.fill(T::JournalCheckRunning, &[("pct", &p.percent())]),
            lang.fill(
                T::JournalCheckRunningLong,
                &[
                    ("stage", &check_stage(lang, p.stage)),
                    ("done", &p.done),
                    ("total", &p.total),
                ],
            ),
            false,
        ),
        CheckNews::Checked {
            at,
            payments,
            events,
        } => {
            let time = at.with_timezone(&tz).format("%H:%M").to_string();
            (
                lang.fill(T::JournalChecked, &[("time", &time)]),
                lang.fill(
                    T::JournalCheckedLong,
                    &[
                        ("time", &lang.date_time(&at.with_timezone(&tz))),
                        ("events", &events),
                        ("payments", &payments),
                    ],
                ),
                false,
            )
        }
        CheckNews::Damaged(detail) => (
            lang.t(T::JournalDamagedShort).to_string(),
            lang.fill(
                T::ErrJournalCorrupted,
                &[("path", &journal.display()), ("detail", detail)],
            ),
            true,
        ),
        CheckNews::NotRun(detail) => (
            lang.t(T::JournalCheckNotRun).to_string(),
            lang.fill(T::JournalCheckNotRunLong, &[("detail", detail)]),
            true,
        ),
    }
}

/// A stage of the journal's full check, in words (status bar, `journal verify`).
pub fn check_stage(lang: Lang, stage: crate::journal::CheckStage) -> &'static str {
    use crate::journal::CheckStage;
    lang.t(match stage {
        CheckStage::File => T::CheckStageFile,
        CheckStage::AuditChain => T::CheckStageChain,
        CheckStage::Payments => T::CheckStagePayments,
        CheckStage::Numbers => T::CheckStageNumbers,
    })
}

/// The fiscal register's status for the status bar: a short chip, the tooltip, and
/// whether it stops payments (or needs attention soon).
pub fn fiscal_status(
    lang: Lang,
    status: &Result<crate::fiscal::FiscalStatus, crate::fiscal::FiscalError>,
) -> (String, String, bool) {
    use crate::fiscal::DeviceShift;
    let s = match status {
        Ok(s) => s,
        Err(e) => {
            return (
                lang.t(T::FiscalChipNoAnswer).to_string(),
                fiscal(lang, e),
                true,
            );
        }
    };
    // The ФН's warning flags (FF01h «Флаги предупреждения»; bit meanings from the ФН
    // interface specification): replace the ФН urgently, its key resource ends in 30
    // days, its memory is 90 % full, the ОФД has not answered in time.
    let warnings: Vec<&str> = [
        T::FiscalWarnReplaceUrgently,
        T::FiscalWarnResourceEnding,
        T::FiscalWarnMemoryFull,
        T::FiscalWarnOfdLate,
    ]
    .iter()
    .enumerate()
    .filter(|(bit, _)| s.fn_warnings & (1 << bit) != 0)
    .map(|(_, t)| lang.t(*t))
    .collect();
    let (short, problem) = if s.paper_out || s.cover_open {
        (lang.t(T::FiscalChipNoPaper), true)
    } else if s.shift == DeviceShift::Expired {
        (lang.t(T::FiscalChipShiftExpired), true)
    } else if !warnings.is_empty() {
        (lang.t(T::FiscalChipWarnings), true)
    } else {
        (lang.t(T::FiscalChipReady), false)
    };
    let mut long = lang.fill(
        T::FiscalTooltip,
        &[("fn", &s.fn_number), ("fd", &s.last_document)],
    );
    for w in warnings {
        long.push('\n');
        long.push_str(w);
    }
    (short.to_string(), long, problem)
}

/// The fiscal register's trouble, in words: what to do at the register.
pub fn fiscal(lang: Lang, e: &crate::fiscal::FiscalError) -> String {
    use crate::fiscal::FiscalError as F;
    use crate::fiscal::shtrih::link::LinkError as L;
    match e {
        F::Link(L::AnswerLost) => lang.t(T::ErrFiscalAnswerLost).to_string(),
        F::Link(L::Io(io)) => lang.fill(T::ErrFiscalNoAnswer, &[("detail", io)]),
        F::Link(other) => lang.fill(T::ErrFiscalNoAnswer, &[("detail", other)]),
        F::ShiftExpired => lang.t(T::ErrFiscalShiftExpired).to_string(),
        F::NoPaper => lang.t(T::ErrFiscalNoPaper).to_string(),
        F::Refused { command, code } => lang.fill(
            T::ErrFiscalRefused,
            &[("command", command), ("code", &format!("{code:#04x}"))],
        ),
        other => lang.fill(T::ErrInternal, &[("detail", other)]),
    }
}

/// A backup written and checked, in words: where, how big, how many payments.
pub fn backup_written(lang: Lang, b: &crate::journal::backup::Backup) -> String {
    lang.fill(
        T::BackupWritten,
        &[
            ("path", &b.path.display()),
            ("mb", &format!("{:.1}", b.bytes as f64 / 1_048_576.0)),
            ("n", &b.payments),
        ],
    )
}

/// A restore that did not happen, in words.
pub fn restore(lang: Lang, e: &crate::journal::backup::RestoreError) -> String {
    use crate::journal::backup::RestoreError as R;
    match e {
        R::InUse { pid } => lang.fill(T::ErrRestoreInUse, &[("pid", pid)]),
        R::Check { problems } => lang.fill(T::ErrRestoreCheck, &[("detail", &problems.join("; "))]),
        R::Journal(j) => lang.fill(T::ErrRestoreFailed, &[("detail", &journal(lang, j))]),
        R::Io { what, source } => lang.fill(
            T::ErrRestoreFailed,
            &[("detail", &format!("{what}: {source}"))],
        ),
    }
}

/// A backup that was not made, in words: what to do next.
pub fn backup(lang: Lang, e: &crate::journal::backup::BackupError) -> String {
    use crate::journal::backup::BackupError;
    match e {
        BackupError::Folder { dir, detail } => lang.fill(
            T::ErrBackupFolder,
            &[("dir", &dir.display()), ("detail", detail)],
        ),
        BackupError::Copy(j) => lang.fill(T::ErrBackupCopy, &[("detail", &journal(lang, j))]),
        BackupError::Check { problems } => {
            lang.fill(T::ErrBackupCheck, &[("detail", &problems.join("; "))])
        }
    }
}

/// No shift is open: who opens it and, where that is the reader, how.
pub fn no_shift(lang: Lang, opening: ShiftOpening, surface: Surface) -> String {
    lang.t(match (opening, surface) {
        (ShiftOpening::Manager, _) => T::ErrNoShiftManager,
        (ShiftOpening::Cashier, Surface::Screen) => T::ErrNoShiftCashier,
        (ShiftOpening::Cashier, Surface::CommandLine) => T::ErrNoShiftCashierCli,
    })
    .to_string()
}

/// What went wrong, without any claim about the payment (the standing says that).
fn cause(lang: Lang, e: &FlowError, currency: &Currency) -> String {
    match e {
        FlowError::Tendered(t) => tendered(lang, t, currency),
        FlowError::Pending { payment } => pending(lang, payment, currency),
        FlowError::Journal(j) => lang.fill(T::CauseJournal, &[("detail", &journal(lang, j))]),
        FlowError::Print(p) => match p {
            PrintError::NotReady(r) => {
                lang.fill(T::CausePrinterNotReady, &[("reasons", &reasons(lang, r))])
            }
            PrintError::Unconfirmed(r) => {
                lang.fill(T::CausePrinterStopped, &[("reasons", &reasons(lang, r))])
            }
            PrintError::Transport(t) => match t {
                TransportError::NotFound { .. } | TransportError::PermissionDenied { .. } => {
                    printer(lang, p)
                }
                TransportError::Stalled { sent, total, .. } => {
                    lang.fill(T::CausePrinterStalled, &[("sent", sent), ("total", total)])
                }
                TransportError::Io { .. } => lang.fill(T::CausePrinterBroken, &[("detail", t)]),
                other => lang.fill(T::CausePrinter, &[("detail", other)]),
            },
            other => lang.fill(T::CausePrinter, &[("detail", other)]),
        },
        other => flow(lang, other),
    }
}

/// The `paydesk recovery` command that answers a payment's question.
pub fn recovery_command(p: &Payment) -> String {
    use crate::domain::payment::StateName;
    let id = p.id();
    match p.state.name() {
        StateName::Signed => format!(
            "paydesk recovery --payment {id} --answer yes --tendered <cash received>  |  --answer no"
        ),
        StateName::CashTaken => format!("paydesk recovery --payment {id} --answer yes"),
        _ => format!("paydesk recovery --payment {id} --answer yes|no"),
    }
}

/// A payment step that failed, in words: what went wrong, what the journal now holds
/// for the payment (whether its cash is recorded, whether a document may be on
/// paper), and what to do next where the words are read. Never "try again" once
/// anything of the payment is recorded: repeating would take the money twice.
pub fn step_failed(
    lang: Lang,
    e: &FlowError,
    standing: &Standing,
    currency: &Currency,
    surface: Surface,
) -> String {
    use crate::domain::payment::PaymentState as S;
    let Standing::Journaled(p) = standing else {
        return match standing {
            Standing::NotRecorded => match e {
                // Refused before anything: the refusal itself says what to do.
                FlowError::CheckRefused { .. } | FlowError::Permission(_) => flow(lang, e),
                FlowError::NoShift { opening } => no_shift(lang, *opening, surface),
                FlowError::LowBalance {
                    balance,
                    queued,
                    amount,
                } => low_balance(lang, *balance, *queued, *amount, Some(currency)),
                FlowError::Tendered(_) | FlowError::Pending { .. } => cause(lang, e, currency),
                FlowError::Journal(j) => {
                    lang.fill(T::ErrJournalWrite, &[("detail", &journal(lang, j))])
                }
                _ => format!(
                    "{} {} {}",
                    cause(lang, e, currency),
                    lang.t(T::StandNotRecorded),
                    lang.t(T::NextTryAgain)
                ),
            },
            _ => format!(
                "{} {} {}",
                cause(lang, e, currency),
                lang.t(T::StandUnknown),
                lang.t(T::NextRestart)
            ),
        };
    };
    let total = lang.money_with(p.details.total, currency);
    let pre = p.state.pre_receipt_no().unwrap_or_default();
    let answer = || match surface {
        Surface::Screen => lang.t(T::NextAnswerOnScreen).to_string(),
        Surface::CommandLine => lang.fill(
            T::NextAnswerCli,
            &[
                (
                    "question",
                    &super::recovery::question(p)
                        .map(|q| q.text(p, lang, currency))
                        .unwrap_or_default(),
                ),
                ("command", &recovery_command(p)),
            ],
        ),
    };
    let press_again = |button: T| match surface {
        Surface::Screen => lang.fill(T::NextPressAgain, &[("button", &lang.t(button))]),
        Surface::CommandLine => answer(),
    };
    // Before the cash step a journal failure keeps its plain words: nothing to take.
    let before_cash = matches!(
        p.state,
        S::Draft | S::PreReceiptPrinting { .. } | S::PreReceiptPrinted { .. }
    );
    if let (FlowError::Journal(j), true) = (e, before_cash) {
        let next = match &p.state {
            S::PreReceiptPrinted { .. } => press_again(T::ButtonSigned),
            _ => answer(),
        };
        return format!(
            "{} {next}",
            lang.fill(T::ErrJournalWrite, &[("detail", &journal(lang, j))])
        );
    }
    let (facts, next) = match &p.state {
        S::Draft => (lang.t(T::StandNotRecorded).to_string(), answer()),
        S::PreReceiptPrinting { pre_receipt_no } => (
            lang.fill(T::StandPreReceiptPrinting, &[("n", pre_receipt_no)]),
            answer(),
        ),
        S::PreReceiptPrinted { pre_receipt_no } => (
            lang.fill(T::StandAwaitingSignature, &[("n", pre_receipt_no)]),
            press_again(T::ButtonSigned),
        ),
        S::Signed { pre_receipt_no } => (
            lang.fill(T::StandCashNotRecorded, &[("n", pre_receipt_no)]),
            format!(
                "{} {}",
                lang.fill(T::NextIfTakenKeep, &[("total", &total)]),
                press_again(T::ButtonCashTaken)
            ),
        ),
        S::CashTaken { .. } => (
            lang.fill(T::StandCashNoReceipt, &[("n", &pre), ("total", &total)]),
            format!("{} {}", lang.t(T::NextDoNotTakeAgain), answer()),
        ),
        S::FiscalPrinting { fiscal, .. } => (
            lang.fill(
                T::StandReceiptMaybePartial,
                &[("n", &fiscal.receipt_no), ("total", &total)],
            ),
            format!("{} {}", lang.t(T::NextDoNotTakeAgain), answer()),
        ),
        S::Voided { .. } => (lang.t(T::StandVoided).to_string(), String::new()),
        S::Fiscalized { fiscal, .. } => (
            lang.fill(T::StandDone, &[("n", &fiscal.receipt_no)]),
            String::new(),
        ),
    };
    format!("{} {facts} {next}", cause(lang, e, currency))
        .trim_end()
        .to_string()
}

/// A payment that waits for its recovery answer, as the reason a new one is refused.
pub fn pending(lang: Lang, p: &Payment, currency: &Currency) -> String {
    lang.fill(
        T::ErrPaymentPending,
        &[
            ("id", &p.id().short()),
            (
                "question",
                &super::recovery::question(p)
                    .map(|q| q.text(p, lang, currency))
                    .unwrap_or_default(),
            ),
            ("command", &recovery_command(p)),
        ],
    )
}

/// Why the cash received was refused.
pub fn tendered(lang: Lang, e: &TenderedError, currency: &Currency) -> String {
    match e {
        TenderedError::Money(m) => amount(lang, &AmountError::Money(m.clone()), None, currency),
        TenderedError::TooLittle { total } => lang.fill(
            T::ErrTenderedTooLittle,
            &[("total", &lang.money_with(*total, currency))],
        ),
        TenderedError::TooMuch { max } => lang.fill(
            T::ErrTenderedTooMuch,
            &[("max", &lang.money_with(*max, currency))],
        ),
    }
}

/// A correction's name.
pub fn kind(lang: Lang, k: CorrectionKind) -> &'static str {
    lang.t(match k {
        CorrectionKind::Reconduct => T::KindReconduct,
        CorrectionKind::MoveAccount => T::KindMoveAccount,
        CorrectionKind::Cancel => T::KindCancel,
        CorrectionKind::Refund => T::KindRefund,
    })
}

/// Why the sync worker delivers nothing although it leads.
pub fn blocked(lang: Lang, b: &crate::app::sync::Blocked) -> String {
    match b {
        crate::app::sync::Blocked::OtherJournal(detail) => {
            lang.fill(T::SyncBlockedOtherJournal, &[("detail", detail)])
        }
        crate::app::sync::Blocked::AnotherCopy { terminal } => {
            lang.fill(T::SyncBlockedCopy, &[("terminal", terminal)])
        }
    }
}

/// Why a correction is refused, and what else can be done.
pub fn refusal(lang: Lang, r: Refusal) -> String {
    let why = match r {
        Refusal::NotAccepted => lang.t(T::RefusedNotAccepted).to_string(),
        Refusal::NotAtHub => lang.t(T::RefusedNotAtHub).to_string(),
        Refusal::RefusedByHub => lang.t(T::RefusedByHub).to_string(),
        Refusal::InProgress(k) => lang.fill(T::RefusedInProgress, &[("kind", &kind(lang, k))]),
        Refusal::AlreadyRefunded => lang.t(T::RefusedAlreadyRefunded).to_string(),
        Refusal::Completed => lang.t(T::RefusedCompleted).to_string(),
        Refusal::AlreadyCancelled => lang.t(T::RefusedAlreadyCancelled).to_string(),
        Refusal::StillProcessing => lang.t(T::RefusedStillProcessing).to_string(),
        Refusal::NotYetWithOperator => lang.t(T::RefusedNotYetWithOperator).to_string(),
        Refusal::FailedForGood => lang.t(T::RefusedFailedForGood).to_string(),
        Refusal::NotCancelled => lang.t(T::RefusedNotCancelled).to_string(),
    };
    let instead = lang.t(match r.instead() {
        Instead::ContactOperator => T::InsteadContactOperator,
        Instead::Wait => T::InsteadWait,
        Instead::RetryNow => T::InsteadRetryNow,
        Instead::CentralOffice => T::InsteadCentralOffice,
        Instead::MoveOrCancel => T::InsteadMoveOrCancel,
        Instead::CancelFirst => T::InsteadCancelFirst,
        Instead::FinishPayment => T::InsteadFinishPayment,
        Instead::WaitForCorrection => T::InsteadWaitForCorrection,
        Instead::Nothing => T::InsteadNothing,
    });
    format!("{why} {instead}")
}

/// Why a correction request was not accepted at the till.
pub fn correction(lang: Lang, e: &CorrectionError) -> String {
    match e {
        CorrectionError::NotEligible(r) => refusal(lang, *r),
        CorrectionError::Receipt(r) => match r {
            ReceiptError::Unreadable => lang.t(T::ErrReceiptUnreadable).to_string(),
            ReceiptError::OtherTerminal(t) => {
                lang.fill(T::ErrReceiptOtherTerminal, &[("terminal", t)])
            }
            ReceiptError::OtherPayment { entered, expected } => lang.fill(
                T::ErrReceiptOtherPayment,
                &[("entered", entered), ("expected", expected)],
            ),
            ReceiptError::NoReceipt => lang.t(T::ErrReceiptNone).to_string(),
        },
        CorrectionError::NoReason => lang.t(T::ErrNoReason).to_string(),
        CorrectionError::NewAccount(None) => lang.t(T::ErrNewAccountMissing).to_string(),
        CorrectionError::NewAccount(Some(e)) => lang.fill(T::ErrNewAccountBad, &[("detail", e)]),
        CorrectionError::SameAccount => lang.t(T::ErrSameAccount).to_string(),
        CorrectionError::NeedsApproval => lang.t(T::ErrNeedsApproval).to_string(),
        CorrectionError::Approver(p) => permission(lang, p),
    }
}

/// A role's name.
pub fn role(lang: Lang, r: Role) -> &'static str {
    lang.t(match r {
        Role::Cashier => T::RoleCashier,
        Role::ShiftManager => T::RoleShiftManager,
        Role::Support => T::RoleSupport,
        Role::Admin => T::RoleAdmin,
    })
}

/// An action's name, as in "has no access to …".
pub fn action(lang: Lang, a: Action) -> &'static str {
    lang.t(match a {
        Action::TakePayments => T::ActTakePayments,
        Action::ManageShift => T::ActManageShift,
        Action::ViewReports => T::ActViewReports,
        Action::ChangeSettings => T::ActChangeSettings,
        Action::ManageUsers => T::ActManageUsers,
        Action::Support => T::ActSupport,
        Action::ApproveRefund => T::ActApproveRefund,
    })
}

/// Why the user may not do something, and whom to ask.
pub fn permission(lang: Lang, e: &PermissionError) -> String {
    match e {
        PermissionError::NotLoggedIn => lang.t(T::ErrNotLoggedIn).to_string(),
        PermissionError::Denied {
            user,
            role: r,
            action: a,
        } => lang.fill(
            T::ErrDenied,
            &[
                ("user", user),
                ("role", &role(lang, *r)),
                ("action", &action(lang, *a)),
            ],
        ),
    }
}

/// Why a login was refused, and what to do.
pub fn login(lang: Lang, e: &LoginError) -> String {
    match e {
        LoginError::UnknownUser(name) => lang.fill(T::ErrUnknownUser, &[("name", name)]),
        LoginError::Inactive(name) => lang.fill(T::ErrInactive, &[("name", name)]),
        LoginError::Locked { name, until } => {
            // Whole minutes left, rounded up: "locked for 5 min" right after the lockout.
            let secs = (*until - chrono::Utc::now()).num_seconds().max(1);
            let minutes = (secs + 59) / 60;
            lang.fill(T::ErrLocked, &[("name", name), ("minutes", &minutes)])
        }
        LoginError::WrongPin { name, left } => {
            lang.fill(T::ErrWrongPin, &[("name", name), ("left", left)])
        }
        LoginError::Journal(j) => journal(lang, j),
    }
}

/// Why a PIN was not accepted.
pub fn pin(lang: Lang, e: PinError) -> &'static str {
    lang.t(match e {
        PinError::Length => T::ErrPinLength,
        PinError::NotDigits => T::ErrPinDigits,
    })
}

/// Why a user name was not accepted.
pub fn user_name(lang: Lang, e: UserNameError) -> &'static str {
    lang.t(match e {
        UserNameError::Empty => T::ErrNameEmpty,
        UserNameError::TooLong => T::ErrNameTooLong,
        UserNameError::Control => T::ErrNameControl,
    })
}

/// What stops the printer, in words.
pub fn problem(lang: Lang, p: Problem) -> &'static str {
    lang.t(match p {
        Problem::PaperEnd => T::PrinterPaperEnd,
        Problem::CoverOpen => T::PrinterCoverOpen,
        Problem::Offline => T::PrinterOffline,
        Problem::CutterError => T::PrinterCutter,
        Problem::Unrecoverable => T::PrinterUnrecoverable,
        Problem::AutoRecoverable => T::PrinterOverheat,
        Problem::Error => T::PrinterError,
        Problem::NoAnswer => T::PrinterNoAnswer,
        Problem::Garbled => T::PrinterGarbled,
    })
}

/// A status report in words: the problems, or "ready" (with the paper warning).
pub fn status(lang: Lang, r: Option<&StatusReport>) -> String {
    let Some(r) = r else {
        return lang.t(T::PrinterNoStatus).to_string();
    };
    let mut s = if r.is_ready() {
        lang.t(T::PrinterReady).to_string()
    } else {
        reasons(lang, r)
    };
    if r.paper_near_end {
        s.push_str(". ");
        s.push_str(lang.t(T::PrinterNearEnd));
    }
    s
}

fn reasons(lang: Lang, r: &StatusReport) -> String {
    r.problems
        .iter()
        .map(|p| problem(lang, *p))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A printing failure in words: what happened, whether paper may have come out, and
/// what to do.
pub fn printer(lang: Lang, e: &PrintError) -> String {
    match e {
        PrintError::NotReady(r) => {
            lang.fill(T::ErrPrinterNotReady, &[("reasons", &reasons(lang, r))])
        }
        PrintError::Unconfirmed(r) => {
            lang.fill(T::ErrPrinterStopped, &[("reasons", &reasons(lang, r))])
        }
        PrintError::Transport(t) => match t {
            TransportError::NotFound { what, .. } => {
                lang.fill(T::ErrPrinterNotFound, &[("what", what)])
            }
            TransportError::PermissionDenied { what } => {
                lang.fill(T::ErrPrinterPermission, &[("what", what)])
            }
            TransportError::Stalled { sent, total, .. } => {
                lang.fill(T::ErrPrinterStalled, &[("sent", sent), ("total", total)])
            }
            TransportError::Io { .. } => lang.fill(T::ErrPrinterBroken, &[("detail", t)]),
            other => lang.fill(T::ErrPrinter, &[("detail", other)]),
        },
        other => lang.fill(T::ErrPrinter, &[("detail", other)]),
    }
}

/// A mask in words: "10 digits" or the mask itself.
pub fn mask(lang: Lang, m: &AccountMask) -> String {
    let lengths = m.lengths();
    if m.digits_only() {
        let n = lengths
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("/");
        lang.fill(T::MaskDigits, &[("n", &n)])
    } else {
        m.as_str().to_string()
    }
}

/// The amount field's error in words.
pub fn amount(
    lang: Lang,
    e: &AmountError,
    operator: Option<&Operator>,
    currency: &Currency,
) -> String {
    let name = operator.map(|o| o.name.as_str()).unwrap_or_default();
    match e {
        AmountError::Money(m) => match m {
            MoneyError::Empty => lang.t(T::ErrAmountEmpty).into(),
            MoneyError::TooLong => lang.t(T::ErrAmountTooLong).into(),
            MoneyError::NotANumber => lang.t(T::ErrAmountNotNumber).into(),
            MoneyError::Negative => lang.t(T::ErrAmountNegative).into(),
            MoneyError::Zero => lang.t(T::ErrAmountZero).into(),
            MoneyError::TooManyDecimals => lang.t(T::ErrAmountDecimals).into(),
            MoneyError::TooLarge { max } => lang.fill(
                T::ErrAmountTooLarge,
                &[("max", &lang.money_with(*max, currency))],
            ),
            MoneyError::AboveCeiling { ceiling } => lang.fill(
                T::ErrAmountCeiling,
                &[("max", &lang.money_with(*ceiling, currency))],
            ),
        },
        AmountError::TotalAboveCeiling { total, ceiling } => lang.fill(
            T::ErrTotalCeiling,
            &[
                ("total", &lang.money_with(*total, currency)),
                ("max", &lang.money_with(*ceiling, currency)),
            ],
        ),
        AmountError::Limit(AmountLimitError::BelowMinimum { min }) => lang.fill(
            T::ErrAmountBelowMin,
            &[
                ("operator", &name),
                ("min", &lang.money_with(*min, currency)),
            ],
        ),
        AmountError::Limit(AmountLimitError::AboveMaximum { max }) => lang.fill(
            T::ErrAmountAboveMax,
            &[
                ("operator", &name),
                ("max", &lang.money_with(*max, currency)),
            ],
        ),
    }
}

/// The account field's error in words.
pub fn account(lang: Lang, e: &AccountError, operator: &Operator, typed: &str) -> String {
    match e {
        AccountError::Empty => lang.t(T::ErrAccountEmpty).into(),
        AccountError::BadCharacters => lang.t(T::ErrAccountChars).into(),
        // Letters where the mask has none: say that, not a count of characters.
        AccountError::Mismatch { mask: m }
            if AccountMask::normalize(typed)
                .chars()
                .any(|c| c.is_alphabetic() && !letter_allowed(m, c)) =>
        {
            lang.fill(T::ErrAccountLetters, &[("operator", &operator.name)])
        }
        AccountError::Mismatch { mask: m } => lang.fill(
            T::ErrAccountMask,
            &[
                ("operator", &operator.name),
                ("mask", &mask(lang, m)),
                ("len", &AccountMask::normalize(typed).chars().count()),
            ],
        ),
    }
}

/// Whether a mask takes the letter `c` somewhere: an `X` position (digit or letter)
/// or `c` itself as a fixed part.
fn letter_allowed(m: &AccountMask, c: char) -> bool {
    m.as_str()
        .chars()
        .any(|p| p == 'X' || p.eq_ignore_ascii_case(&c))
}

/// Each field's error in words: (operator, account, amount).
pub fn entry(
    lang: Lang,
    e: &EntryErrors,
    operator: Option<&Operator>,
    typed_account: &str,
    currency: &Currency,
) -> (Option<String>, Option<String>, Option<String>) {
    (
        e.operator
            .as_ref()
            .map(|_| lang.t(T::ErrOperatorNotChosen).to_string()),
        e.account
            .as_ref()
            .zip(operator)
            .map(|(a, op)| account(lang, a, op, typed_account)),
        e.amount
            .as_ref()
            .map(|a| amount(lang, a, operator, currency)),
    )
}

/// An operator's rules in one line: mask, limits, fee.
pub fn operator_rules(lang: Lang, op: &Operator, currency: &Currency) -> String {
    let rule = &op.fee;
    let mut parts = Vec::new();
    if !rule.fixed.is_zero() {
        parts.push(lang.money(rule.fixed));
    }
    if !rule.percent.is_zero() {
        parts.push(format!("{}%", rule.percent.normalize()));
    }
    let mut fee = if parts.is_empty() {
        lang.t(T::FeeNone).to_string()
    } else {
        parts.join(" + ")
    };
    if !rule.minimum.is_zero() {
        fee = format!(
            "{fee}, {}",
            lang.fill(T::FeeMinimum, &[("minimum", &lang.money(rule.minimum))])
        );
    }
    lang.fill(
        T::OperatorLimits,
        &[
            ("mask", &mask(lang, &op.account_mask)),
            ("min", &lang.money(op.min_amount)),
            ("max", &lang.money_with(op.max_amount, currency)),
            ("fee", &fee),
        ],
    )
}

/// What the operator's check said, in words (`None` when there is nothing to say).
pub fn check(lang: Lang, outcome: &CheckOutcome, operator: &str, account: &str) -> Option<String> {
    match outcome {
        CheckOutcome::Confirmed { display } => {
            let extra: String = display.values().map(|v| format!(" ({v})")).collect();
            Some(lang.fill(
                T::CheckConfirmed,
                &[
                    ("operator", &operator),
                    ("account", &account),
                    ("display", &extra),
                ],
            ))
        }
        CheckOutcome::Offline { .. } => Some(lang.t(T::CheckOffline).to_string()),
        CheckOutcome::NotConfigured => None,
    }
}

/// What a support step did, in words.
pub fn support_done(lang: Lang, done: &SupportDone, currency: &Currency) -> String {
    match done {
        SupportDone::RetryQueued => lang.t(T::SupportRetryQueued).to_string(),
        SupportDone::NothingToRetry => lang.t(T::SupportNothingToRetry).to_string(),
        SupportDone::StatusChecked(StatusCheck::Answered(row)) => lang.fill(
            T::SupportStatusNow,
            &[(
                "status",
                &crate::domain::report::hub_status_text(lang, row.hub_status.as_deref()),
            )],
        ),
        SupportDone::StatusChecked(StatusCheck::NoHub) => {
            lang.fill(T::SupportStatusFailed, &[("detail", &lang.t(T::SyncNoHub))])
        }
        SupportDone::StatusChecked(StatusCheck::Failed(e)) => {
            lang.fill(T::SupportStatusFailed, &[("detail", e)])
        }
        SupportDone::CorrectionSent {
            kind,
            refund,
            print_error,
        } => {
            let mut note = lang.fill(
                T::SupportCorrectionSent,
                &[("kind", &self::kind(lang, *kind))],
            );
            if let Some((n, amount)) = refund {
                note.push(' ');
                note.push_str(&lang.fill(
                    T::SupportRefundPaid,
                    &[("n", n), ("amount", &lang.money_with(*amount, currency))],
                ));
            }
            if let Some(e) = print_error {
                note.push(' ');
                note.push_str(
                    &lang.fill(T::SupportRefundNotPrinted, &[("detail", &flow(lang, e))]),
                );
            }
            note
        }
        SupportDone::RefundReprinted => lang.t(T::SupportRefundReprinted).to_string(),
        SupportDone::Exported(path) => lang.fill(T::SupportExported, &[("path", &path.display())]),
    }
}

/// Why a support step did not happen, in words.
pub fn support_error(lang: Lang, e: &SupportError) -> String {
    match e {
        SupportError::Flow(e) | SupportError::Diagnostics(diagnostics::ExportError::Flow(e)) => {
            flow(lang, e)
        }
        SupportError::NoRefund => lang.t(T::SupportNoRefund).to_string(),
        SupportError::Diagnostics(e) => e.to_string(),
    }
}

/// Why the report's file was not written, in words.
pub fn report_file(lang: Lang, e: &ReportFileError) -> String {
    match e {
        ReportFileError::Flow(e) => flow(lang, e),
        ReportFileError::Export(crate::app::export::ExportError::Cancelled) => {
            lang.t(T::ReportExportCancelled).to_string()
        }
        ReportFileError::Export(crate::app::export::ExportError::Read(e)) => journal(lang, e),
        ReportFileError::Export(e) => e.to_string(),
    }
}

/// What was wrong with a typed reason, bag number or bank reference (`what` names
/// the field).
pub fn cash_note(lang: Lang, what: &str, e: crate::domain::cash::CashNoteError) -> String {
    use crate::domain::cash::CashNoteError as E;
    let why = lang.t(match e {
        E::Empty => T::ErrCashNoteEmpty,
        E::TooLong => T::ErrCashNoteLong,
        E::Control => T::ErrCashNoteControl,
    });
    format!("{what}: {why}")
}

/// A cash move recorded, in words, with the slip's fate when it did not print.
pub fn cash_recorded(
    lang: Lang,
    done: &super::cash::CashRecorded,
    currency: &crate::i18n::Currency,
) -> String {
    let m = &done.recorded;
    let mut s = lang.fill(
        T::CashRecorded,
        &[
            ("kind", &cash_kind(lang, m.kind)),
            ("n", &m.number),
            ("amount", &lang.money_with(m.amount, currency)),
        ],
    );
    if let Err(e) = &done.printed {
        s.push(' ');
        s.push_str(&lang.fill(T::CashNotPrinted, &[("why", &printer(lang, e))]));
    }
    s
}

/// The agent's balance at the hub is too low for a payment, in words: the balance,
/// what queued payments will take of it, and what to do.
pub fn low_balance(
    lang: Lang,
    balance: crate::domain::money::Money,
    queued: crate::domain::money::Money,
    amount: crate::domain::money::Money,
    currency: Option<&Currency>,
) -> String {
    let m = |v| match currency {
        Some(c) => lang.money_with(v, c),
        None => lang.money(v),
    };
    if queued == crate::domain::money::Money::default() {
        lang.fill(
            T::ErrLowBalance,
            &[("balance", &m(balance)), ("amount", &m(amount))],
        )
    } else {
        lang.fill(
            T::ErrLowBalanceQueued,
            &[
                ("balance", &m(balance)),
                ("queued", &m(queued)),
                ("amount", &m(amount)),
            ],
        )
    }
}

/// A kind of reconciliation difference in words.
pub fn difference_kind(lang: Lang, kind: crate::domain::reconcile::DifferenceKind) -> &'static str {
    use crate::domain::reconcile::DifferenceKind as K;
    lang.t(match kind {
        K::Undelivered => T::DiffUndelivered,
        K::Lost => T::DiffLost,
        K::UnknownAtHub => T::DiffUnknownAtHub,
        K::Amount => T::DiffAmount,
        K::Account => T::DiffAccount,
        K::Status => T::DiffStatus,
    })
}

/// What fixes a kind of reconciliation difference.
pub fn difference_fix(lang: Lang, kind: crate::domain::reconcile::DifferenceKind) -> &'static str {
    use crate::domain::reconcile::DifferenceKind as K;
    lang.t(match kind {
        K::Undelivered => T::FixUndelivered,
        K::Lost => T::FixLost,
        K::UnknownAtHub => T::FixUnknownAtHub,
        K::Amount => T::FixAmount,
        K::Account => T::FixAccount,
        K::Status => T::FixStatus,
    })
}

/// Why a reconciliation did not run, in words.
pub fn reconcile_failed(lang: Lang, e: &super::reconcile::ReconcileError) -> String {
    use super::reconcile::ReconcileError as E;
    match e {
        E::Hub(h) => lang.fill(T::ErrReconcileHub, &[("detail", h)]),
        E::Journal(j) => journal(lang, j),
        E::OtherTerminal(t) => {
            lang.fill(T::ErrReconcileHub, &[("detail", &format!("terminal {t}"))])
        }
    }
}

/// The word for a kind of cash move (lists and tables; the slip has its title).
pub fn cash_kind(lang: Lang, kind: crate::domain::cash::CashMoveKind) -> &'static str {
    use crate::domain::cash::CashMoveKind as K;
    lang.t(match kind {
        K::In => T::CashKindIn,
        K::Out => T::CashKindOut,
        K::Collection => T::CashKindCollection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_failures_say_what_happened_and_what_to_do() {
        let io = |kind: std::io::ErrorKind| TransportError::Io {
            what: "/dev/ttyUSB0".into(),
            source: kind.into(),
        };
        // (error, words the English message must contain)
        let cases: Vec<(PrintError, &[&str])> = vec![
            (
                PrintError::NotReady(StatusReport::problem(Problem::PaperEnd)),
                &["cannot print", "out of paper", "Nothing was printed"],
            ),
            (
                PrintError::NotReady(StatusReport::problem(Problem::NoAnswer)),
                &["does not answer", "Settings"],
            ),
            (
                PrintError::Unconfirmed(StatusReport::problem(Problem::CoverOpen)),
                &["stopped during printing", "cover is open", "partly printed"],
            ),
            (
                PrintError::Transport(TransportError::PermissionDenied {
                    what: "USB 04b8:0e28".into(),
                }),
                &[
                    "USB 04b8:0e28",
                    "60-paydesk-printers.rules",
                    "udevadm",
                    "dialout",
                ],
            ),
            (
                PrintError::Transport(TransportError::NotFound {
                    what: "/dev/ttyUSB0".into(),
                    detail: "gone".into(),
                }),
                &["not found at /dev/ttyUSB0", "plugged in"],
            ),
            (
                PrintError::Transport(TransportError::Stalled {
                    what: "/dev/ttyUSB0".into(),
                    sent: 512,
                    total: 1100,
                }),
                &["after 512 of 1100 bytes", "partly printed"],
            ),
            (
                PrintError::Transport(io(std::io::ErrorKind::BrokenPipe)),
                &["connection to the printer broke", "partly printed"],
            ),
        ];
        for (error, words) in cases {
            let text = printer(Lang::En, &error);
            for w in words {
                assert!(text.contains(w), "{text:?} should say {w:?}");
            }
            // Every language has its own words for it.
            assert_ne!(printer(Lang::Ru, &error), text);
            assert_ne!(printer(Lang::Pl, &error), text);
        }
        assert_eq!(
            status(
                Lang::En,
                Some(&StatusReport {
                    problems: vec![],
                    paper_near_end: true
                })
            ),
            "ready. Paper is running out: have a new roll ready."
        );
        assert_eq!(
            status(Lang::En, None),
            "this printer or connection cannot report its status"
        );
    }
}
