//! Reports → Reconciliation: a business day of the journal against the payment
//! system's registry — the day's last run (or run it now) and each difference with
//! what fixes it and a way to the payment in Support. Drawn inside the Reports
//! screen, which owns this state and routes its replies here.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use egui::RichText;

use crate::app::messages;
use crate::app::worker::{ReconcileReply, ReconcileRequest, Request};
use crate::domain::payment::PaymentId;
use crate::domain::reconcile::DifferenceKind;
use crate::i18n::{Currency, Lang, T};
use crate::journal::reconcile::{ReconciliationRun, StoredDifference};

use super::style;

/// What the view asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Show the day's last run.
    Last(NaiveDate),
    /// Compare the day now.
    Run(NaiveDate),
    /// Open the payment in Support (its timeline has retry, correction, e-mail).
    Open(PaymentId),
    /// Back to the payments report.
    Back,
}

/// A day as reconciled: its last run and its differences (none: not yet).
pub type Day = Option<(ReconciliationRun, Vec<StoredDifference>)>;

/// The view's state.
#[derive(Clone, Debug, Default)]
pub struct ReconcileView {
    /// The business day, as typed.
    pub date: String,
    /// The day shown: its run and differences (none: not reconciled yet).
    pub shown: Option<(NaiveDate, Day)>,
    /// A problem in words.
    pub note: Option<String>,
    /// A request is with the till.
    pub busy: bool,
}

impl ReconcileView {
    /// Yesterday in the shop's zone (the last closed day).
    pub fn yesterday(tz: Tz) -> ReconcileView {
        let day = Utc::now().with_timezone(&tz).date_naive() - chrono::Duration::days(1);
        ReconcileView {
            date: day.format("%Y-%m-%d").to_string(),
            ..ReconcileView::default()
        }
    }

    fn day(&self, lang: Lang) -> Result<NaiveDate, String> {
        NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .map_err(|_| lang.fill(T::ErrReportDate, &[("value", &self.date)]))
    }

    /// The request for an action (none: the shell's, or nothing to ask).
    pub fn request(action: &Action) -> Option<Request> {
        match action {
            Action::Last(d) => Some(Request::Reconcile(ReconcileRequest::Last(*d))),
            Action::Run(d) => Some(Request::Reconcile(ReconcileRequest::Run(*d))),
            Action::Open(_) | Action::Back => None,
        }
    }

    /// Takes the till's answer.
    pub fn on_reply(&mut self, lang: Lang, r: Result<ReconcileReply, crate::app::till::FlowError>) {
        self.busy = false;
        match r {
            Ok(ReconcileReply::Day(date, day)) => {
                self.shown = Some((date, day));
                self.note = None;
            }
            Ok(ReconcileReply::NoHub) => self.note = Some(lang.t(T::ReconcileNoHub).to_string()),
            Ok(ReconcileReply::Failed(e)) => self.note = Some(messages::reconcile_failed(lang, &e)),
            Ok(ReconcileReply::Open(_)) => {}
            Err(e) => self.note = Some(messages::flow(lang, &e)),
        }
    }
}

/// Draws the view.
pub fn show(
    ui: &mut egui::Ui,
    s: &mut ReconcileView,
    lang: Lang,
    currency: &Currency,
) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal(|ui| {
        ui.heading(lang.t(T::ReconcileTitle));
        if ui.button(lang.t(T::ReportViewPayments)).clicked() {
            actions.push(Action::Back);
        }
    });
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(lang.t(T::ReconcileDate));
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut s.date)
                    .id_salt(("reconcile", "date"))
                    .desired_width(150.0),
            )
            .labelled_by(l.id);
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_enabled_ui(!s.busy, |ui| {
            let run = ui
                .add(style::primary(ui, lang.t(T::ReconcileRun)))
                .clicked();
            if run || enter {
                match s.day(lang) {
                    Ok(d) => actions.push(Action::Run(d)),
                    Err(e) => s.note = Some(e),
                }
            }
        });
        if s.busy {
            ui.spinner();
        }
    });
    if let Some(note) = &s.note {
        ui.label(RichText::new(note.as_str()).color(style::error_color(ui)));
    }
    match &s.shown {
        None => {}
        Some((_, None)) => {
            ui.label(lang.t(T::ReconcileNotRun));
        }
        Some((_, Some((run, differences)))) => {
            ui.label(RichText::new(crate::report::reconcile::summary(run, lang)).strong());
            if differences.is_empty() {
                ui.label(lang.t(T::ReconcileMatched));
            }
            egui::ScrollArea::vertical()
                .id_salt("reconcile-differences")
                .show(ui, |ui| {
                    for (i, d) in differences.iter().enumerate() {
                        ui.push_id(("difference", i), |ui| {
                            difference(ui, d, lang, currency, &mut actions)
                        });
                    }
                });
        }
    }
    actions
}

fn difference(
    ui: &mut egui::Ui,
    d: &StoredDifference,
    lang: Lang,
    currency: &Currency,
    actions: &mut Vec<Action>,
) {
    ui.separator();
    let what = RichText::new(crate::report::reconcile::what(
        &d.difference,
        lang,
        currency,
    ));
    ui.label(if d.difference.kind.is_alarm() {
        what.strong().color(style::error_color(ui))
    } else {
        what
    });
    ui.horizontal_wrapped(|ui| {
        match &d.explained {
            Some(e) => {
                ui.label(lang.fill(
                    T::ReconcileExplained,
                    &[("by", &e.by), ("reason", &e.reason)],
                ));
            }
            None => {
                ui.label(messages::difference_fix(lang, d.difference.kind));
            }
        }
        // The payment this journal knows opens in Support, where the fixes are.
        if d.difference.kind != DifferenceKind::UnknownAtHub
            && ui.button(lang.t(T::ReconcileOpenPayment)).clicked()
        {
            actions.push(Action::Open(PaymentId::from_uuid(d.difference.payment_id)));
        }
    });
}
