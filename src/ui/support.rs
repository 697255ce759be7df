//! The support view: payments that did not go through (stuck, failing, refused,
//! failed) and the correction requests with their age and due time; a search by
//! receipt number, account or id; one payment's timeline with "Retry now", "Check
//! status now", the central office's e-mail text, and the correction form (original
//! receipt, reason, new account for a move, the approving manager's PIN for a cancel
//! or a refund).

use chrono::Utc;
use chrono_tz::Tz;
use egui::{Key, RichText};

use crate::app::corrections::{CorrectionInput, MissingPayment, PaymentStory};
use crate::app::messages;
use crate::app::worker::{
    ReconcileReply, ReconcileRequest, Reply, Request, SupportReply, SupportRequest,
};
use crate::domain::correction::{CorrectionKind, needs_approval};
use crate::domain::payment::PaymentId;
use crate::domain::receipt::Shop;
use crate::domain::user::{self, Action as Permission, PermissionError, Pin, User};
use crate::i18n::{Currency, Lang, T};
use crate::journal::corrections::Correction;
use crate::journal::reconcile::StoredDifference;
use crate::journal::support::SupportRow;
use crate::printing::decode::Printout;
use crate::report::support as text;

use super::screen::{Cx, Effect, Screen};
use super::{preview, style};

/// What the support view asks for.
#[derive(Clone, Debug)]
pub enum Action {
    /// The troubled payments and correction requests again.
    Refresh,
    /// Search.
    Find(String),
    /// Show a payment's timeline.
    Open(PaymentId),
    /// Send it at the next round.
    Retry(PaymentId),
    /// Ask the hub now.
    Check(PaymentId),
    /// Ask for a correction.
    Correct(Box<CorrectionInput>),
    /// Print the refund receipt again.
    Reprint(PaymentId),
    /// Put text on the clipboard.
    Copy(String),
    /// Write the payment's diagnostics folder.
    Export(PaymentId),
    /// Record a receipt the journal does not know.
    Missing(Box<MissingPayment>),
    /// Mark the n-th difference with the payment system explained.
    Explain(usize),
}

/// The support view's state.
#[derive(Clone, Debug)]
pub struct SupportState {
    /// The search as typed.
    pub query: String,
    /// The payments listed (troubled, or found).
    pub rows: Vec<SupportRow>,
    /// The list shows search results, not the troubled payments.
    pub searched: bool,
    /// Correction requests.
    pub corrections: Vec<Correction>,
    /// The payment opened.
    pub story: Option<Box<PaymentStory>>,
    /// The correction form: which.
    pub kind: CorrectionKind,
    /// The original receipt as typed or scanned.
    pub receipt: String,
    /// Why.
    pub reason: String,
    /// The right account (move).
    pub new_account: String,
    /// The approving manager's name.
    pub manager: String,
    /// Their PIN.
    pub manager_pin: String,
    /// The last outcome, and whether it is an error.
    pub note: Option<(String, bool)>,
    /// A refund receipt just printed.
    pub printout: Option<Printout>,
    /// A request is with the till.
    pub busy: bool,
    /// The request with the till is a correction (its form empties once it is done).
    pub correcting: bool,
    /// The missing-payment form.
    pub missing: MissingPayment,
    /// Its scan path as typed.
    pub missing_scan: String,
    /// The e-mail text made for the last missing payment.
    pub missing_text: Option<String>,
    /// Differences with the payment system not explained yet.
    pub differences: Vec<StoredDifference>,
    /// The reason typed for each of them.
    pub explanations: Vec<String>,
    /// A reconciliation request is with the till.
    pub reconcile_busy: bool,
}

impl Default for SupportState {
    fn default() -> Self {
        SupportState {
            query: String::new(),
            rows: Vec::new(),
            searched: false,
            corrections: Vec::new(),
            story: None,
            kind: CorrectionKind::Reconduct,
            receipt: String::new(),
            reason: String::new(),
            new_account: String::new(),
            manager: String::new(),
            manager_pin: String::new(),
            note: None,
            printout: None,
            busy: false,
            correcting: false,
            missing: MissingPayment::default(),
            missing_scan: String::new(),
            missing_text: None,
            differences: Vec::new(),
            explanations: Vec::new(),
            reconcile_busy: false,
        }
    }
}

impl SupportState {
    /// Empties the correction form (after a request was journaled).
    pub fn clear_form(&mut self) {
        self.receipt.clear();
        self.reason.clear();
        self.new_account.clear();
        self.manager.clear();
        self.manager_pin.clear();
    }
}

/// The room kept for the last outcome above the payment's buttons (three lines).
const NOTE_HEIGHT: f32 = 72.0;

/// What the view needs besides its state.
pub struct View<'a> {
    /// Language.
    pub lang: Lang,
    /// Shop time zone.
    pub tz: Tz,
    /// Currency.
    pub currency: &'a Currency,
    /// The shop (for the e-mail).
    pub shop: &'a Shop,
    /// This terminal.
    pub terminal: &'a str,
}

fn field(
    ui: &mut egui::Ui,
    label: &str,
    id: &str,
    value: &mut String,
    password: bool,
) -> egui::Response {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .id_salt(("support", id))
            .password(password)
            .desired_width(320.0),
    )
    .labelled_by(l.id)
}

fn hours(d: chrono::TimeDelta) -> String {
    let h = d.num_minutes() as f64 / 60.0;
    format!("{h:.1} h")
}

/// Draws the support view.
pub fn show(ui: &mut egui::Ui, s: &mut SupportState, v: &View) -> Vec<Action> {
    let lang = v.lang;
    let mut actions = Vec::new();
    ui.heading(lang.t(T::SupportTitle));
    ui.horizontal_wrapped(|ui| {
        let r = field(ui, lang.t(T::SupportFindLabel), "find", &mut s.query, false);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        if (ui.button(lang.t(T::SupportFindButton)).clicked() || enter)
            && !s.query.trim().is_empty()
        {
            actions.push(Action::Find(s.query.trim().to_string()));
        }
        if ui.button(lang.t(T::SupportTroubledButton)).clicked() {
            actions.push(Action::Refresh);
        }
        if s.busy {
            ui.spinner();
        }
    });
    ui.separator();
    differences(ui, s, v, &mut actions);
    // Columns keep their content's natural width: egui's columns are justified,
    // which spreads a wrapped label's letters across the row.
    ui.columns(2, |cols| {
        let (left, right) = cols.split_at_mut(1);
        left[0].with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.label(
                RichText::new(lang.t(if s.searched {
                    T::SupportFoundTitle
                } else {
                    T::SupportTroubledTitle
                }))
                .strong(),
            );
            if s.rows.is_empty() {
                ui.label(lang.t(T::SupportNoneListed));
            }
            egui::ScrollArea::vertical()
                .id_salt("support-rows")
                .max_height(300.0)
                .show(ui, |ui| {
                    for r in &s.rows {
                        let chosen = s.story.as_ref().is_some_and(|st| st.row.id == r.id);
                        let line = format!(
                            "№ {} · {} · {} · {} · {}",
                            r.fiscal_receipt_no
                                .map(|n| n.to_string())
                                .unwrap_or("-".into()),
                            r.operator,
                            r.account,
                            lang.money_with(r.total, v.currency),
                            text::trouble(lang, r.trouble)
                        );
                        if ui.selectable_label(chosen, line).clicked() {
                            actions.push(Action::Open(r.id));
                        }
                    }
                });
            ui.add_space(8.0);
            ui.label(RichText::new(lang.t(T::SupportRequestsTitle)).strong());
            if s.corrections.is_empty() {
                ui.label(lang.t(T::SupportNoneListed));
            }
            let now = Utc::now();
            for c in &s.corrections {
                let overdue = c.state.is_open() && c.due_at < now;
                let line = lang.fill(
                    T::SupportRequestLine,
                    &[
                        ("kind", &messages::kind(lang, c.kind)),
                        ("state", &c.state.as_str()),
                        ("account", &c.account),
                        ("age", &hours(now - c.created_at)),
                        (
                            "due",
                            &c.due_at.with_timezone(&v.tz).format("%Y-%m-%d %H:%M"),
                        ),
                    ],
                );
                let mut t = RichText::new(line);
                if overdue || c.state == crate::domain::correction::CorrectionState::Rejected {
                    t = t.color(style::error_color(ui));
                }
                if ui.selectable_label(false, t).clicked() {
                    actions.push(Action::Open(c.payment_id));
                }
                if let Some(reason) = &c.hub_reason {
                    ui.small(reason.as_str());
                }
            }
            ui.add_space(12.0);
            missing_form(ui, s, lang, &mut actions);
        });
        right[0].with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            payment_panel(ui, s, v, &mut actions);
        });
    });
    actions
}

/// The differences the daily reconciliation found and nobody explained yet: what
/// differs, what fixes it, the payment's timeline, and "explained" with a reason.
fn differences(ui: &mut egui::Ui, s: &mut SupportState, v: &View, actions: &mut Vec<Action>) {
    if s.differences.is_empty() {
        return;
    }
    let lang = v.lang;
    ui.label(
        RichText::new(lang.t(T::ReconcileOpenTitle))
            .strong()
            .color(style::error_color(ui)),
    );
    s.explanations.resize(s.differences.len(), String::new());
    for (i, d) in s.differences.iter().enumerate() {
        ui.push_id(("difference", i), |ui| {
            let what = RichText::new(format!(
                "{}  {}",
                d.date,
                crate::report::reconcile::what(&d.difference, lang, v.currency)
            ));
            ui.label(if d.difference.kind.is_alarm() {
                what.strong().color(style::error_color(ui))
            } else {
                what
            });
            ui.small(messages::difference_fix(lang, d.difference.kind));
            ui.horizontal_wrapped(|ui| {
                let l = ui.label(lang.t(T::ReconcileExplainReason));
                ui.add(
                    egui::TextEdit::singleline(&mut s.explanations[i])
                        .id_salt(("explain", i))
                        .desired_width(320.0),
                )
                .labelled_by(l.id);
                if ui.button(lang.t(T::ReconcileExplainButton)).clicked() {
                    actions.push(Action::Explain(i));
                }
                if d.difference.kind != crate::domain::reconcile::DifferenceKind::UnknownAtHub
                    && ui.button(lang.t(T::ReconcileOpenHere)).clicked()
                {
                    actions.push(Action::Open(PaymentId::from_uuid(d.difference.payment_id)));
                }
            });
        });
    }
    ui.separator();
}

/// A customer's receipt the journal does not know: its details, a photo's path, and
/// the central office's e-mail text.
fn missing_form(ui: &mut egui::Ui, s: &mut SupportState, lang: Lang, actions: &mut Vec<Action>) {
    egui::CollapsingHeader::new(lang.t(T::MissingPaymentTitle))
        .id_salt("support-missing")
        .show(ui, |ui| {
            let m = &mut s.missing;
            field(
                ui,
                lang.t(T::MissingWhenLabel),
                "missing-when",
                &mut m.when,
                false,
            );
            field(
                ui,
                lang.t(T::MissingAccountLabel),
                "missing-account",
                &mut m.account,
                false,
            );
            field(
                ui,
                lang.t(T::MissingOperatorLabel),
                "missing-operator",
                &mut m.operator,
                false,
            );
            field(
                ui,
                lang.t(T::MissingAmountLabel),
                "missing-amount",
                &mut m.amount,
                false,
            );
            field(
                ui,
                lang.t(T::MissingReceiptLabel),
                "missing-receipt",
                &mut m.receipt,
                false,
            );
            field(
                ui,
                lang.t(T::MissingScanLabel),
                "missing-scan",
                &mut s.missing_scan,
                false,
            );
            if ui
                .add_enabled(!s.busy, egui::Button::new(lang.t(T::MissingButton)))
                .clicked()
            {
                let mut m = s.missing.clone();
                let scan = s.missing_scan.trim();
                m.scan = (!scan.is_empty()).then(|| std::path::PathBuf::from(scan));
                actions.push(Action::Missing(Box::new(m)));
            }
            if let Some(text) = &s.missing_text {
                let mut shown = text.clone();
                ui.add(
                    egui::TextEdit::multiline(&mut shown)
                        .id_salt("support-missing-text")
                        .desired_rows(8)
                        .interactive(false),
                );
            }
        });
}

fn payment_panel(ui: &mut egui::Ui, s: &mut SupportState, v: &View, actions: &mut Vec<Action>) {
    let lang = v.lang;
    // The outcome of the last button always has its place here, so the buttons
    // below never move under the pointer when a message appears.
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        egui::vec2(width, NOTE_HEIGHT),
        egui::Layout::top_down(egui::Align::Min),
        |ui| {
            ui.set_min_size(egui::vec2(width, NOTE_HEIGHT));
            if let Some((note, error)) = &s.note {
                let mut t = RichText::new(note.as_str()).strong();
                if *error {
                    t = t.color(style::error_color(ui));
                }
                ui.label(t);
            }
        },
    );
    let Some(story) = s.story.clone() else {
        ui.label(lang.t(T::SupportChoosePayment));
        return;
    };
    let r = &story.row;
    ui.add(
        egui::Label::new(RichText::new(text::row_line(r, lang, v.tz, v.currency)).monospace())
            .wrap(),
    );
    ui.add_enabled_ui(!s.busy, |ui| {
        ui.horizontal_wrapped(|ui| {
            if ui.button(lang.t(T::SupportRetryButton)).clicked() {
                actions.push(Action::Retry(r.id));
            }
            if ui.button(lang.t(T::SupportCheckButton)).clicked() {
                actions.push(Action::Check(r.id));
            }
            if ui.button(lang.t(T::SupportEmailButton)).clicked() {
                actions.push(Action::Copy(text::central_office_email(
                    lang,
                    v.tz,
                    v.currency,
                    v.shop,
                    v.terminal,
                    r.created_at,
                    &r.account,
                    &r.operator,
                    r.total,
                    r.fiscal_receipt_no,
                    messages::kind(lang, s.kind),
                )));
            }
            if ui.button(lang.t(T::SupportExportButton)).clicked() {
                actions.push(Action::Export(r.id));
            }
            if story.refund.is_some() && ui.button(lang.t(T::SupportReprintRefund)).clicked() {
                actions.push(Action::Reprint(r.id));
            }
        });
    });
    ui.add_space(6.0);
    egui::CollapsingHeader::new(lang.t(T::SupportTimelineTitle))
        .id_salt("support-timeline")
        .default_open(true)
        .show(ui, |ui| {
            // Its own scroll area: a long history must not push the form off screen.
            egui::ScrollArea::vertical()
                .id_salt("support-timeline-lines")
                .max_height(200.0)
                .show(ui, |ui| {
                    for line in text::timeline(&story, lang, v.tz) {
                        ui.label(RichText::new(line).small());
                    }
                });
        });
    ui.add_space(6.0);
    ui.label(RichText::new(lang.t(T::SupportCorrectionTitle)).strong());
    ui.horizontal_wrapped(|ui| {
        for k in [
            CorrectionKind::Reconduct,
            CorrectionKind::MoveAccount,
            CorrectionKind::Cancel,
            CorrectionKind::Refund,
        ] {
            ui.selectable_value(&mut s.kind, k, messages::kind(lang, k));
        }
    });
    field(
        ui,
        lang.t(T::SupportReceiptLabel),
        "receipt",
        &mut s.receipt,
        false,
    );
    field(
        ui,
        lang.t(T::SupportReasonLabel),
        "reason",
        &mut s.reason,
        false,
    );
    if s.kind == CorrectionKind::MoveAccount {
        field(
            ui,
            lang.t(T::SupportNewAccountLabel),
            "new-account",
            &mut s.new_account,
            false,
        );
    }
    if needs_approval(s.kind) {
        field(
            ui,
            lang.t(T::SupportManagerLabel),
            "manager",
            &mut s.manager,
            false,
        );
        field(
            ui,
            lang.t(T::SupportManagerPinLabel),
            "manager-pin",
            &mut s.manager_pin,
            true,
        );
        s.manager_pin.retain(|c| c.is_ascii_digit());
    }
    ui.add_space(4.0);
    if ui
        .add_enabled(!s.busy, egui::Button::new(lang.t(T::SupportSendCorrection)))
        .clicked()
    {
        let approver = if needs_approval(s.kind) {
            match Pin::parse(&s.manager_pin) {
                Ok(pin) if !s.manager.trim().is_empty() => {
                    Some((s.manager.trim().to_string(), pin))
                }
                Ok(_) => {
                    s.note = Some((lang.t(T::ErrNeedsApproval).to_string(), true));
                    return;
                }
                Err(e) => {
                    s.note = Some((messages::pin(lang, e).to_string(), true));
                    s.manager_pin.clear();
                    return;
                }
            }
        } else {
            None
        };
        actions.push(Action::Correct(Box::new(CorrectionInput {
            payment: r.id,
            kind: s.kind,
            receipt: s.receipt.clone(),
            reason: s.reason.clone(),
            new_account: (s.kind == CorrectionKind::MoveAccount).then(|| s.new_account.clone()),
            approver,
        })));
    }
    if let Some(p) = &s.printout {
        ui.add_space(8.0);
        preview::show(ui, p);
    }
}

impl SupportState {
    fn act(&mut self, action: Action, ui: &egui::Ui, cx: &mut Cx<'_>) {
        let request = match action {
            Action::Refresh => SupportRequest::List,
            Action::Find(q) => SupportRequest::Find(q),
            Action::Open(id) => {
                self.note = None;
                SupportRequest::Story(id)
            }
            Action::Retry(id) => SupportRequest::RetryNow(id),
            Action::Check(id) => SupportRequest::CheckStatusNow(id),
            Action::Correct(input) => {
                self.correcting = true;
                SupportRequest::RequestCorrection(input)
            }
            Action::Reprint(id) => SupportRequest::PrintRefundReceipt(id),
            Action::Missing(m) => SupportRequest::ReportMissing(m),
            Action::Export(id) => {
                let dir = cx
                    .config
                    .journal_path
                    .parent()
                    .map(|d| d.join("diagnostics"))
                    .unwrap_or_else(|| std::path::PathBuf::from("diagnostics"));
                SupportRequest::ExportDiagnostics(id, dir)
            }
            Action::Copy(text) => {
                ui.ctx().copy_text(text);
                self.note = Some((cx.lang.t(T::SupportCopied).to_string(), false));
                return;
            }
            Action::Explain(i) => {
                if let Some(d) = self.differences.get(i) {
                    let reason = self.explanations.get(i).cloned().unwrap_or_default();
                    self.reconcile_busy = cx.send(Request::Reconcile(ReconcileRequest::Explain(
                        d.date.clone(),
                        d.difference.payment_id,
                        d.difference.kind,
                        reason,
                    )));
                }
                return;
            }
        };
        self.busy = cx.send(Request::Support(request));
    }
}

impl Screen for SupportState {
    fn title(&self, lang: Lang) -> &'static str {
        lang.t(T::TabSupport)
    }

    fn allowed(&self, u: &User) -> Result<(), PermissionError> {
        user::require(Some(u), Permission::Support).map(|_| ())
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let view = View {
            lang: cx.lang,
            tz: cx.config.tz,
            currency: &cx.config.currency,
            shop: &cx.config.shop,
            terminal: &cx.config.terminal_id,
        };
        let mut actions = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("support-screen")
                .show(ui, |ui| {
                    actions = show(ui, self, &view);
                });
        });
        for a in actions {
            self.act(a, ui, cx);
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let r = match reply {
            Reply::Support(r) => r,
            Reply::Reconcile(r) if self.reconcile_busy => {
                self.reconcile_busy = false;
                match r {
                    Ok(ReconcileReply::Open(open)) => {
                        // A new list: the typed reasons went with the old one.
                        if open.len() < self.differences.len() {
                            self.note =
                                Some((cx.lang.t(T::ReconcileExplainedMsg).to_string(), false));
                        }
                        self.explanations = vec![String::new(); open.len()];
                        self.differences = open;
                    }
                    Ok(_) => {}
                    Err(e) => self.note = Some((messages::flow(cx.lang, &e), true)),
                }
                return None;
            }
            reply => return Some(reply),
        };
        let lang = cx.lang;
        self.busy = false;
        match r {
            Ok(SupportReply::List { rows, corrections }) => {
                self.rows = rows;
                self.corrections = corrections;
                self.searched = false;
            }
            Ok(SupportReply::Missing(text)) => {
                cx.effect(Effect::Copy(text.clone()));
                self.missing_text = Some(text);
                self.missing = Default::default();
                self.missing_scan.clear();
                self.note = Some((lang.t(T::MissingRecorded).to_string(), false));
            }
            Ok(SupportReply::Found(rows)) => {
                if rows.is_empty() {
                    self.note = Some((
                        lang.fill(T::SupportNothingFound, &[("q", &self.query)]),
                        true,
                    ));
                }
                self.rows = rows;
                self.searched = true;
            }
            Ok(SupportReply::Story {
                story,
                done,
                printout,
            }) => {
                let note = done.map(|d| messages::support_done(lang, &d, &cx.config.currency));
                // A correction went through: its form is done with.
                if std::mem::take(&mut self.correcting) {
                    self.clear_form();
                }
                if self
                    .story
                    .as_ref()
                    .is_none_or(|old| old.row.id != story.row.id)
                {
                    self.clear_form();
                    self.printout = None;
                }
                // The approval defaults to the manager at the till (the PIN is still
                // asked); another manager's name can be typed over it.
                if self.manager.is_empty()
                    && let Some(u) = cx
                        .terminal
                        .snapshot
                        .user
                        .as_ref()
                        .filter(|u| u.role.may(Permission::ApproveRefund))
                {
                    self.manager = u.name.to_string();
                }
                if let Some(p) = printout {
                    self.printout = Some(p.clone());
                    cx.terminal.last_printout = Some(p);
                }
                self.note = note.map(|n| (n, false));
                self.story = Some(story);
                // The lists may have changed (a new request, a status).
                self.busy = cx.send(Request::Support(SupportRequest::List));
            }
            Err(e) => {
                self.correcting = false;
                self.note = Some((messages::support_error(lang, &e), true));
                self.manager_pin.clear();
            }
        }
        None
    }

    fn on_enter(&mut self, cx: &mut Cx<'_>) {
        // List what did not go through, and what the reconciliation found.
        self.busy = cx.send(Request::Support(SupportRequest::List));
        self.reconcile_busy = cx.send(Request::Reconcile(ReconcileRequest::Open));
    }

    fn busy(&self) -> bool {
        self.busy || self.reconcile_busy
    }
}
