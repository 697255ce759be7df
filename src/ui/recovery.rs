//! The recovery dialog: one unfinished payment at a time, one precise question.

use egui::RichText;

use crate::app::recovery::{Answer, ReceiptIssuer, question_for};
use crate::domain::payment::Payment;
use crate::i18n::{Currency, Lang, T};

/// Shows the question about `p` in a modal; returns the answer when one is given.
pub fn show(
    ctx: &egui::Context,
    lang: Lang,
    currency: &Currency,
    p: &Payment,
    remaining: usize,
    busy: bool,
    issuer: ReceiptIssuer,
) -> Option<Answer> {
    let q = question_for(p, issuer)?;
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.set_max_width(640.0);
        ui.heading(lang.t(T::RecoveryTitle));
        ui.label(lang.t(T::RecoveryIntro));
        if remaining > 1 {
            ui.label(RichText::new(format!("1 / {remaining}")).weak());
        }
        ui.separator();
        ui.label(RichText::new(q.text(p, lang, currency)).heading());
        ui.label(
            RichText::new(format!("{} {}", lang.t(T::PaymentIdLabel), p.id()))
                .small()
                .weak(),
        );
        ui.add_space(10.0);
        let (yes, no) = q.choices();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !busy,
                    egui::Button::new(RichText::new(lang.t(yes)).strong()),
                )
                .clicked()
            {
                answer = Some(Answer::Yes);
            }
            if let Some(no) = no
                && ui
                    .add_enabled(!busy, egui::Button::new(lang.t(no)))
                    .clicked()
            {
                answer = Some(Answer::No);
            }
        });
        if busy {
            ui.spinner();
        }
    });
    answer
}
