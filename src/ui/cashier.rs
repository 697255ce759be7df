//! The cashier screen: enter → pre-receipt → signature → cash → done, keyboard first.
//!
//! Enter does the step's primary action (or moves to the next field), Esc cancels,
//! Tab moves between fields. The fee and the total follow the amount as it is typed;
//! each field's error is shown beside it. This module only draws and returns
//! [`Action`]s; the app sends them to the till thread.

use egui::{Key, RichText};

use crate::app::messages;
use crate::app::till::{CheckOutcome, FlowError, Step as TillStep};
use crate::app::worker::{PaymentReply, PaymentRequest, Reply, Request};
use crate::domain::entry::{self, PaymentInput, Quote};
use crate::domain::money::Money;
use crate::domain::operator::{Catalogue, Operator};
use crate::domain::payment::{Payment, PaymentState, StateName, VoidReason};
use crate::domain::report::{ReportRow, hub_status_text};
use crate::domain::user::{self, Action as Permission, PermissionError, ShiftOpening, User};
use crate::i18n::{Currency, Lang, T};

use super::screen::{Cx, Screen};
use super::{preview, recovery, style};

/// How long after the last keystroke a single Esc does not clear the form.
const ESC_GUARD_SECONDS: f64 = 2.0;

/// The cashier's input fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Operator search.
    Operator,
    /// Account number.
    Account,
    /// Amount.
    Amount,
    /// Cash received.
    Tendered,
    /// Cash in the drawer when the shift opens.
    OpeningCash,
}

impl Field {
    /// The field Tab (or Shift+Tab, `back`) goes to: round the entry step's three
    /// fields; the cash field keeps it.
    fn next(self, back: bool) -> Field {
        const ROUND: [Field; 3] = [Field::Operator, Field::Account, Field::Amount];
        match ROUND.iter().position(|f| *f == self) {
            Some(i) if back => ROUND[(i + ROUND.len() - 1) % ROUND.len()],
            Some(i) => ROUND[(i + 1) % ROUND.len()],
            None => self,
        }
    }
}

/// A message under the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Something went well.
    Info(String),
    /// Something failed; what to do is in the text.
    Error(String),
}

/// What the cashier screen keeps between frames.
#[derive(Clone, Debug, Default)]
pub struct CashierState {
    /// The operator search text (the chosen operator's name once chosen).
    pub operator_query: String,
    /// The chosen operator's code.
    pub operator: Option<String>,
    /// Highlighted row of the operator list.
    pub highlighted: usize,
    /// Account as typed.
    pub account: String,
    /// Amount as typed.
    pub amount: String,
    /// Cash received as typed.
    pub tendered: String,
    /// The payment in progress (or just finished).
    pub active: Option<Payment>,
    /// The message under the form.
    pub notice: Option<Notice>,
    /// A request is with the till thread.
    pub busy: bool,
    /// Show every field's error (after the cashier tried to go on).
    pub show_all_errors: bool,
    /// Give this field the keyboard focus on the next frame.
    pub focus: Option<Field>,
    /// Voiding the active payment waits for the cashier's "yes" (Enter): once the
    /// pre-receipt is printed no single key throws a payment away.
    pub confirm_void: Option<VoidReason>,
    /// Payments of this shift already known to have failed at the operator (each is
    /// announced once); `None` until the first look, which announces nothing.
    pub failed_seen: Option<std::collections::BTreeSet<String>>,
    /// A payment that failed after the cashier moved on: stays until acknowledged
    /// (worded when drawn, so it follows a language switch).
    pub alert: Option<ReportRow>,
    /// When (egui time, seconds) the cashier last typed into the form.
    pub last_typed: Option<f64>,
    /// Esc was pressed once over text just typed: the next Esc clears.
    pub esc_armed: bool,
    /// No shift was open when the cashier asked for the pre-receipt: the cash counted
    /// in the drawer, as typed (the prompt shows while this is set).
    pub opening_cash: Option<String>,
}

/// What the screen asks the app to do.
#[derive(Clone, Debug)]
pub enum Action {
    /// Journal and print the pre-receipt.
    PrintPreReceipt(Box<Quote>),
    /// Open the shift with this cash in the drawer, then print the pre-receipt.
    OpenShiftThenPrintPreReceipt(Money, Box<Quote>),
    /// The customer signed the active payment.
    Signed,
    /// Void the active payment.
    Void(VoidReason),
    /// Cash taken for the active payment.
    TakeCash(Money),
    /// Clear the form for the next customer.
    NewPayment,
}

/// What the screen reads but does not change.
pub struct View<'a> {
    /// Language.
    pub lang: Lang,
    /// Currency.
    pub currency: &'a Currency,
    /// The operator catalogue.
    pub catalogue: &'a Catalogue,
    /// The ceiling for one payment.
    pub max_payment: Money,
    /// Labels above the fields, or beside them on a short screen.
    pub layout: FieldLayout,
    /// A fiscal register issues the receipt (the cash button says so).
    pub fiscal_register: bool,
}

/// The step the screen shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Enter,
    Sign,
    Cash,
    Done,
}

impl CashierState {
    fn step(&self) -> Step {
        match self.active.as_ref().map(|p| p.state.name()) {
            Some(StateName::PreReceiptPrinted) => Step::Sign,
            Some(StateName::Signed) => Step::Cash,
            Some(StateName::Fiscalized | StateName::Voided) => Step::Done,
            _ => Step::Enter,
        }
    }

    /// Announces, once, a payment of this shift that failed at the operator since the
    /// last look (the customer may still be at the counter).
    fn watch_failures(&mut self, recent: &[ReportRow]) {
        let failed: Vec<&ReportRow> = recent
            .iter()
            .filter(|r| r.hub_status.as_deref() == Some("failed"))
            .collect();
        let Some(seen) = &mut self.failed_seen else {
            self.failed_seen = Some(failed.iter().map(|r| r.id.clone()).collect());
            return;
        };
        for r in failed {
            if seen.insert(r.id.clone()) {
                self.alert = Some(r.clone());
            }
        }
    }

    /// An empty form with the focus in its first field.
    pub fn new() -> CashierState {
        CashierState {
            focus: Some(Field::Operator),
            ..CashierState::default()
        }
    }

    /// Clears the form for the next customer (the last printout stays on screen).
    pub fn clear(&mut self) {
        *self = CashierState::new();
    }

    fn step_is_done(&self) -> bool {
        self.active
            .as_ref()
            .is_some_and(|p| matches!(p.state.name(), StateName::Fiscalized | StateName::Voided))
    }

    /// Sends a step to the till; says so when the till thread is gone.
    fn send(&mut self, request: PaymentRequest, cx: &mut Cx<'_>) {
        self.notice = None;
        self.busy = cx.send(Request::Payment(request));
        if !self.busy {
            self.notice = Some(Notice::Error(cx.lang.fill(
                T::ErrInternal,
                &[("detail", &"the till thread stopped; restart paydesk")],
            )));
        }
    }

    fn act(&mut self, action: Action, cx: &mut Cx<'_>) {
        let active = self.active.as_ref().map(|p| p.id());
        let request = match (action, active) {
            (Action::PrintPreReceipt(q), _) => PaymentRequest::PrintPreReceipt(q),
            (Action::OpenShiftThenPrintPreReceipt(cash, quote), _) => {
                self.opening_cash = None;
                PaymentRequest::OpenShiftThenPrintPreReceipt {
                    opening_cash: cash,
                    quote,
                }
            }
            (Action::Signed, Some(id)) => PaymentRequest::CustomerSigned(id),
            (Action::Void(reason), Some(id)) => PaymentRequest::Void(id, reason),
            (Action::TakeCash(m), Some(id)) => PaymentRequest::TakeCash(id, m),
            (Action::NewPayment, _) => {
                self.clear();
                return;
            }
            _ => return,
        };
        self.send(request, cx);
    }

    /// A step happened: show the payment where it is now.
    fn step_done(
        &mut self,
        step: TillStep,
        resume_at_cash: bool,
        check: Option<CheckOutcome>,
        cx: &mut Cx<'_>,
    ) {
        let lang = cx.lang;
        self.show_all_errors = false;
        if let Some(printed) = &step.printed {
            cx.terminal.last_printout = Some(printed.printout.clone());
        }
        let state = step.payment.state.name();
        if state == StateName::FiscalPrinting {
            // A printer that cannot confirm the receipt: the cashier says whether it
            // printed completely (the question dialog).
            let n = step.payment.state.fiscal().map(|f| f.receipt_no);
            self.notice = Some(Notice::Info(
                lang.fill(T::ConfirmReceiptPrinted, &[("n", &n.unwrap_or_default())]),
            ));
            self.active = None;
            return;
        }
        self.notice = match state {
            StateName::Fiscalized => messages::payment_done(lang, &step).map(Notice::Info),
            StateName::Voided => Some(Notice::Info(lang.t(T::PaymentVoided).to_string())),
            _ => check
                .as_ref()
                .and_then(|c| {
                    let d = &step.payment.details;
                    messages::check(lang, c, &d.operator.name, &d.account)
                })
                .map(Notice::Info),
        };
        // The screen follows this payment unless the cashier is in the middle of
        // another one (a recovered payment must not replace the form in progress).
        let same = self
            .active
            .as_ref()
            .is_some_and(|a| a.id() == step.payment.id());
        if resume_at_cash || same || self.active.is_none() || self.step_is_done() {
            if state == StateName::Signed {
                self.focus = Some(Field::Tendered);
            }
            self.active = Some(step.payment);
        }
    }

    fn input(&self) -> PaymentInput {
        PaymentInput {
            operator_code: self.operator.clone(),
            account: self.account.clone(),
            amount: self.amount.clone(),
        }
    }
}

/// Where a field's label goes: above it, or beside it when the screen is short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldLayout {
    /// The label above the field (the default).
    Stacked,
    /// The label to the left, saving a line per field (short screens, e.g. 1024×600).
    Inline,
}

/// One input field of the form.
struct FieldSpec<'a> {
    field: Field,
    label: &'a str,
    hint: &'a str,
    enabled: bool,
    layout: FieldLayout,
}

/// A labelled single-line field; returns its response.
fn text_field(
    ui: &mut egui::Ui,
    state_focus: &mut Option<Field>,
    spec: FieldSpec<'_>,
    value: &mut String,
) -> egui::Response {
    let text = RichText::new(spec.label).strong();
    let mut add = |ui: &mut egui::Ui, label: egui::Response| {
        ui.add_enabled(
            spec.enabled,
            // A stable id: auto ids shift when the operator list above changes, which
            // would drop keyboard focus between frames.
            egui::TextEdit::singleline(value)
                .id_salt(("cashier-field", spec.field))
                .hint_text(spec.hint)
                .desired_width(360.0)
                .font(egui::TextStyle::Heading)
                .char_limit(64)
                // Tab stays inside the form: the field keeps it, the form moves on.
                .lock_focus(true),
        )
        .labelled_by(label.id)
    };
    let response = match spec.layout {
        FieldLayout::Stacked => {
            let label = ui.label(text);
            add(ui, label)
        }
        FieldLayout::Inline => {
            ui.horizontal(|ui| {
                let label = ui
                    .allocate_ui_with_layout(
                        egui::vec2(170.0, 36.0),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(170.0);
                            ui.label(text)
                        },
                    )
                    .inner;
                add(ui, label)
            })
            .inner
        }
    };
    // Tab and Shift+Tab go round the form's fields, never out to the top tabs.
    if response.has_focus() {
        // Shift+Tab first: a plain Tab pattern also matches it.
        let back = ui.input_mut(|i| i.consume_key(egui::Modifiers::SHIFT, Key::Tab));
        let tab = !back && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Tab));
        if tab || back {
            *state_focus = Some(spec.field.next(back));
        }
    }
    if *state_focus == Some(spec.field) && spec.enabled {
        response.request_focus();
        // With its text selected: what the cashier types next replaces it.
        let mut state = egui::TextEdit::load_state(ui.ctx(), response.id).unwrap_or_default();
        let all = egui::text::CCursorRange::two(
            egui::text::CCursor::new(0),
            egui::text::CCursor::new(value.chars().count()),
        );
        state.cursor.set_char_range(Some(all));
        state.store(ui.ctx(), response.id);
        *state_focus = None;
    }
    response
}

fn error_line(ui: &mut egui::Ui, text: Option<&str>) {
    if let Some(t) = text {
        ui.label(RichText::new(t).color(style::error_color(ui)));
    }
}

fn entered(response: &egui::Response, ui: &egui::Ui) -> bool {
    response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

/// The state of a payment in words.
pub fn state_text(lang: Lang, state: &PaymentState) -> &'static str {
    lang.t(match state.name() {
        StateName::Draft => T::StateDraft,
        StateName::PreReceiptPrinting => T::StatePreReceiptPrinting,
        StateName::PreReceiptPrinted => T::StatePreReceiptPrinted,
        StateName::Signed => T::StateSigned,
        StateName::Voided => T::StateVoided,
        StateName::CashTaken => T::StateCashTaken,
        StateName::FiscalPrinting => T::StateFiscalPrinting,
        StateName::Fiscalized => T::StateFiscalized,
    })
}

fn steps_header(ui: &mut egui::Ui, lang: Lang, current: Step) {
    ui.horizontal_wrapped(|ui| {
        for (step, t) in [
            (Step::Enter, T::StepEnter),
            (Step::Sign, T::StepSign),
            (Step::Cash, T::StepCash),
            (Step::Done, T::StepDone),
        ] {
            let text = RichText::new(lang.t(t));
            if step == current {
                ui.label(text.strong().underline().size(21.0));
            } else {
                ui.label(text.weak());
            }
            ui.add_space(12.0);
        }
    });
}

fn summary(ui: &mut egui::Ui, lang: Lang, currency: &Currency, p: &Payment, layout: FieldLayout) {
    let d = &p.details;
    if layout == FieldLayout::Inline {
        // A short till (1024×600): two lines, so the cash field, the change and the
        // primary button stay in sight.
        ui.label(RichText::new(format!("{} · {}", d.operator.name, d.account)).strong());
        ui.label(format!(
            "{} {} · {} {} · {} {}",
            lang.t(T::FieldAmount),
            lang.money_with(d.amount, currency),
            lang.t(T::Fee),
            lang.money_with(d.fee, currency),
            lang.t(T::Total),
            lang.money_with(d.total, currency),
        ));
        return;
    }
    egui::Grid::new("payment-summary")
        .num_columns(2)
        .spacing([24.0, 6.0])
        .show(ui, |ui| {
            for (label, value) in [
                (T::FieldOperator, d.operator.name.clone()),
                (T::FieldAccount, d.account.clone()),
                (T::FieldAmount, lang.money_with(d.amount, currency)),
                (T::Fee, lang.money_with(d.fee, currency)),
            ] {
                ui.label(lang.t(label));
                ui.label(RichText::new(value).strong());
                ui.end_row();
            }
            ui.label(lang.t(T::Total));
            ui.label(
                RichText::new(lang.money_with(d.total, currency))
                    .heading()
                    .strong(),
            );
            ui.end_row();
        });
}

/// Draws the cashier screen and returns what the cashier asked for.
pub fn show(ui: &mut egui::Ui, s: &mut CashierState, view: &View) -> Vec<Action> {
    let lang = view.lang;
    let mut actions = Vec::new();
    let step = s.step();
    steps_header(ui, lang, step);
    ui.separator();
    ui.add_space(6.0);
    let idle = !s.busy;
    match step {
        Step::Enter => enter_step(ui, s, view, idle, &mut actions),
        Step::Sign => {
            let p = s.active.clone().expect("sign step has a payment");
            let n = p.state.pre_receipt_no().unwrap_or_default();
            ui.label(RichText::new(lang.fill(T::AskSignature, &[("n", &n)])).heading());
            ui.add_space(8.0);
            summary(ui, lang, view.currency, &p, view.layout);
            ui.add_space(12.0);
            if s.confirm_void.is_some() {
                confirm_void(ui, s, lang, n, idle, &mut actions);
            } else {
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(idle, style::primary(ui, lang.t(T::ButtonSigned)))
                        .clicked()
                    {
                        actions.push(Action::Signed);
                    }
                    if ui
                        .add_enabled(idle, egui::Button::new(lang.t(T::ButtonRefused)))
                        .clicked()
                    {
                        s.confirm_void = Some(VoidReason::CustomerRefused);
                    }
                });
                if idle && actions.is_empty() && nothing_focused(ui) {
                    if ui.input(|i| i.key_pressed(Key::Enter)) {
                        actions.push(Action::Signed);
                    } else if ui.input(|i| i.key_pressed(Key::Escape)) {
                        s.confirm_void = Some(VoidReason::CustomerRefused);
                    }
                }
            }
        }
        Step::Cash => {
            let mut return_actions_early = false;
            let p = s.active.clone().expect("cash step has a payment");
            let total = p.details.total;
            ui.label(
                RichText::new(lang.fill(
                    T::AskCash,
                    &[("total", &lang.money_with(total, view.currency))],
                ))
                .heading(),
            );
            ui.add_space(8.0);
            summary(ui, lang, view.currency, &p, view.layout);
            ui.add_space(8.0);
            let r = text_field(
                ui,
                &mut s.focus,
                FieldSpec {
                    field: Field::Tendered,
                    label: lang.t(T::FieldTendered),
                    hint: "",
                    enabled: idle,
                    layout: view.layout,
                },
                &mut s.tendered,
            );
            let tendered = Money::parse(&s.tendered);
            let error = match &tendered {
                Ok(t) if *t < total => Some(lang.fill(
                    T::ErrTenderedTooLittle,
                    &[("total", &lang.money_with(total, view.currency))],
                )),
                Ok(t) => {
                    let change = t.checked_sub(total).unwrap_or_default();
                    ui.label(
                        RichText::new(format!(
                            "{}: {}",
                            lang.t(T::Change),
                            lang.money_with(change, view.currency)
                        ))
                        .heading()
                        .strong(),
                    );
                    None
                }
                Err(e) if !s.tendered.trim().is_empty() || s.show_all_errors => Some(
                    messages::amount(lang, &e.clone().into(), None, view.currency),
                ),
                Err(_) => None,
            };
            error_line(ui, error.as_deref());
            let ready = matches!(tendered, Ok(t) if t >= total);
            ui.add_space(12.0);
            let mut submit = false;
            if s.confirm_void.is_some() {
                let n = p.state.pre_receipt_no().unwrap_or_default();
                confirm_void(ui, s, lang, n, idle, &mut actions);
                return_actions_early = true;
            } else {
                ui.horizontal(|ui| {
                    submit |= ui
                        .add_enabled(
                            idle && ready,
                            style::primary(
                                ui,
                                lang.t(if view.fiscal_register {
                                    T::ButtonCashTakenFiscal
                                } else {
                                    T::ButtonCashTaken
                                }),
                            ),
                        )
                        .clicked();
                    if ui
                        .add_enabled(idle, egui::Button::new(lang.t(T::ButtonCancelPayment)))
                        .clicked()
                    {
                        s.confirm_void = Some(VoidReason::Cancelled);
                    }
                });
            }
            if !return_actions_early
                && idle
                && (entered(&r, ui)
                    || (nothing_focused(ui) && ui.input(|i| i.key_pressed(Key::Enter))))
            {
                if ready {
                    submit = true;
                } else {
                    s.show_all_errors = true;
                    s.focus = Some(Field::Tendered);
                }
            }
            if submit && let Ok(t) = tendered {
                actions.push(Action::TakeCash(t));
            }
            // Esc at the cash step never voids (the money may be in the cashier's
            // hand): it brings the keyboard back to the cash field.
            if !return_actions_early && idle && ui.input(|i| i.key_pressed(Key::Escape)) {
                s.focus = Some(Field::Tendered);
            }
        }
        Step::Done => {
            let p = s.active.clone().expect("done step has a payment");
            if let Some(cash) = p.state.cash() {
                ui.label(
                    RichText::new(lang.fill(
                        T::GiveChange,
                        &[("change", &lang.money_with(cash.change, view.currency))],
                    ))
                    .heading()
                    .strong(),
                );
                ui.add_space(8.0);
            }
            summary(ui, lang, view.currency, &p, view.layout);
            ui.add_space(12.0);
            let clicked = ui
                .add_enabled(idle, style::primary(ui, lang.t(T::ButtonNewPayment)))
                .clicked();
            if clicked
                || (idle
                    && nothing_focused(ui)
                    && ui.input(|i| i.key_pressed(Key::Enter) || i.key_pressed(Key::Escape)))
            {
                actions.push(Action::NewPayment);
            }
        }
    }
    ui.add_space(10.0);
    if s.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(lang.t(T::Working));
        });
    }
    match &s.notice {
        Some(Notice::Info(t)) => {
            ui.label(RichText::new(t).strong());
        }
        Some(Notice::Error(t)) => {
            ui.label(RichText::new(t).color(style::error_color(ui)).strong());
        }
        None => {}
    }
    if let Some(p) = &s.active {
        ui.add_space(6.0);
        ui.label(format!(
            "{}: {} · {}: {}",
            lang.t(T::PaymentStateLabel),
            state_text(lang, &p.state),
            lang.t(T::PaymentIdLabel),
            p.id().short()
        ));
    }
    ui.add_space(6.0);
    ui.label(RichText::new(lang.t(T::ShortcutsHint)).small().weak());
    actions
}

/// "Void pre-receipt No. N?" with Enter = void and Esc = back; the question stays
/// until answered.
fn confirm_void(
    ui: &mut egui::Ui,
    s: &mut CashierState,
    lang: Lang,
    n: u64,
    idle: bool,
    actions: &mut Vec<Action>,
) {
    let Some(reason) = s.confirm_void else {
        return;
    };
    let question = match reason {
        VoidReason::CustomerRefused => T::ConfirmVoidRefused,
        _ => T::ConfirmVoidCancelled,
    };
    ui.label(
        RichText::new(lang.fill(question, &[("n", &n)]))
            .heading()
            .color(style::error_color(ui)),
    );
    ui.add_space(8.0);
    let mut void = false;
    let mut back = false;
    ui.horizontal(|ui| {
        void |= ui
            .add_enabled(idle, style::primary(ui, lang.t(T::ButtonConfirmVoid)))
            .clicked();
        back |= ui
            .add_enabled(idle, egui::Button::new(lang.t(T::ButtonBack)))
            .clicked();
    });
    if idle {
        void |= ui.input(|i| i.key_pressed(Key::Enter));
        back |= ui.input(|i| i.key_pressed(Key::Escape));
    }
    if void {
        s.confirm_void = None;
        actions.push(Action::Void(reason));
    } else if back {
        s.confirm_void = None;
        if reason == VoidReason::Cancelled {
            s.focus = Some(Field::Tendered);
        }
    }
}

fn nothing_focused(ui: &egui::Ui) -> bool {
    ui.memory(|m| m.focused().is_none())
}

fn enter_step(
    ui: &mut egui::Ui,
    s: &mut CashierState,
    view: &View,
    idle: bool,
    actions: &mut Vec<Action>,
) {
    let lang = view.lang;
    let mut enter_consumed = false;
    // While the shift-opening prompt shows, the payment above it stays as typed.
    let idle = idle && s.opening_cash.is_none();

    // Operator: type part of the name or code, pick with Enter or a click.
    let op_response = text_field(
        ui,
        &mut s.focus,
        FieldSpec {
            field: Field::Operator,
            label: lang.t(T::FieldOperator),
            hint: lang.t(T::FieldOperatorHint),
            enabled: idle,
            layout: view.layout,
        },
        &mut s.operator_query,
    );
    let chosen: Option<&Operator> = s.operator.as_deref().and_then(|c| view.catalogue.get(c));
    if op_response.changed() && chosen.is_some_and(|op| op.name != s.operator_query) {
        s.operator = None;
        s.highlighted = 0;
    }
    let chosen: Option<Operator> = s
        .operator
        .as_deref()
        .and_then(|c| view.catalogue.get(c))
        .cloned();
    match &chosen {
        Some(op) => {
            ui.label(RichText::new(messages::operator_rules(lang, op, view.currency)).small());
            if !op.account_hint.is_empty() {
                ui.label(RichText::new(&op.account_hint).small().weak());
            }
        }
        None => {
            let matches: Vec<&Operator> = view.catalogue.search(&s.operator_query).collect();
            if op_response.has_focus() {
                if ui.input(|i| i.key_pressed(Key::ArrowDown)) {
                    s.highlighted = (s.highlighted + 1).min(matches.len().saturating_sub(1));
                }
                if ui.input(|i| i.key_pressed(Key::ArrowUp)) {
                    s.highlighted = s.highlighted.saturating_sub(1);
                }
            }
            s.highlighted = s.highlighted.min(matches.len().saturating_sub(1));
            if matches.is_empty() {
                ui.label(RichText::new(lang.t(T::NoOperatorMatches)).color(style::error_color(ui)));
            }
            let mut picked = None;
            ui.horizontal_wrapped(|ui| {
                for (i, op) in matches.iter().enumerate() {
                    let text = format!("{} — {}", op.code, op.name);
                    if ui
                        .add_enabled(idle, egui::Button::new(text).selected(i == s.highlighted))
                        .clicked()
                    {
                        picked = Some((*op).clone());
                    }
                }
            });
            if entered(&op_response, ui) {
                enter_consumed = true;
                picked = matches.get(s.highlighted).map(|o| (*o).clone());
            }
            if let Some(op) = picked {
                s.operator_query = op.name.clone();
                s.operator = Some(op.code.as_str().to_string());
                s.focus = Some(Field::Account);
            }
        }
    }
    if s.operator.is_none() && s.show_all_errors {
        error_line(ui, Some(lang.t(T::ErrOperatorNotChosen)));
    }
    ui.add_space(6.0);

    let quote = entry::validate(view.catalogue, &s.input(), view.max_payment);
    let chosen: Option<Operator> = s
        .operator
        .as_deref()
        .and_then(|c| view.catalogue.get(c))
        .cloned();
    let (_, account_err, amount_err) = match &quote {
        Ok(_) => (None, None, None),
        Err(e) => messages::entry(lang, e, chosen.as_ref(), &s.account, view.currency),
    };

    let hint = chosen
        .as_ref()
        .map(|o| messages::mask(lang, &o.account_mask))
        .unwrap_or_default();
    let acc = text_field(
        ui,
        &mut s.focus,
        FieldSpec {
            field: Field::Account,
            label: lang.t(T::FieldAccount),
            hint: &hint,
            enabled: idle,
            layout: view.layout,
        },
        &mut s.account,
    );
    if !s.account.trim().is_empty() || s.show_all_errors {
        error_line(ui, account_err.as_deref());
    }
    if entered(&acc, ui) {
        enter_consumed = true;
        s.focus = Some(Field::Amount);
    }
    ui.add_space(6.0);

    let amt = text_field(
        ui,
        &mut s.focus,
        FieldSpec {
            field: Field::Amount,
            label: lang.t(T::FieldAmount),
            hint: "0,00",
            enabled: idle,
            layout: view.layout,
        },
        &mut s.amount,
    );
    if !s.amount.trim().is_empty() || s.show_all_errors {
        error_line(ui, amount_err.as_deref());
    }
    // Typing guard: Esc right after typing (a slip of the hand) asks for a second Esc.
    if op_response.changed() || acc.changed() || amt.changed() {
        s.last_typed = Some(ui.input(|i| i.time));
        s.esc_armed = false;
    }
    let mut submit = false;
    if entered(&amt, ui) {
        enter_consumed = true;
        submit = true;
    }

    // Fee and total, live; none while the amount is refused (a total beside its
    // error would read as a price).
    ui.add_space(6.0);
    if amount_err.is_none()
        && let (Some(op), Ok(amount)) = (&chosen, Money::parse(&s.amount))
        && let Some((fee, total)) = entry::price(op, amount)
    {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{}: {}",
                lang.t(T::Fee),
                lang.money_with(fee, view.currency)
            ));
            ui.add_space(20.0);
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    lang.t(T::Total),
                    lang.money_with(total, view.currency)
                ))
                .heading()
                .strong(),
            );
        });
    }
    ui.add_space(12.0);
    if s.opening_cash.is_some() {
        if let Ok(q) = quote {
            open_shift_prompt(ui, s, view, !s.busy, q, actions);
        } else {
            s.opening_cash = None;
        }
        return;
    }
    ui.horizontal(|ui| {
        submit |= ui
            .add_enabled(idle, style::primary(ui, lang.t(T::ButtonPrintPreReceipt)))
            .clicked();
        if ui
            .add_enabled(idle, egui::Button::new(lang.t(T::ButtonClear)))
            .clicked()
        {
            actions.push(Action::NewPayment);
        }
    });
    if idle && !enter_consumed && nothing_focused(ui) && ui.input(|i| i.key_pressed(Key::Enter)) {
        submit = true;
    }
    if idle && ui.input(|i| i.key_pressed(Key::Escape)) {
        let now = ui.input(|i| i.time);
        let just_typed = s.last_typed.is_some_and(|t| now - t < ESC_GUARD_SECONDS);
        let has_text = [&s.operator_query, &s.account, &s.amount]
            .iter()
            .any(|f| !f.trim().is_empty());
        if has_text && just_typed && !s.esc_armed {
            s.esc_armed = true;
            s.notice = Some(Notice::Info(lang.t(T::EscAgainToClear).to_string()));
        } else {
            actions.push(Action::NewPayment);
        }
    }
    if submit && idle {
        match quote {
            Ok(q) => actions.push(Action::PrintPreReceipt(Box::new(q))),
            Err(e) => {
                s.show_all_errors = true;
                s.focus = Some(if e.operator.is_some() {
                    Field::Operator
                } else if e.account.is_some() {
                    Field::Account
                } else {
                    Field::Amount
                });
            }
        }
    }
}

/// No shift is open: the cash counted in the drawer opens it, then the pre-receipt
/// prints (one Enter). Esc goes back to the payment as typed.
fn open_shift_prompt(
    ui: &mut egui::Ui,
    s: &mut CashierState,
    view: &View,
    idle: bool,
    quote: Quote,
    actions: &mut Vec<Action>,
) {
    let lang = view.lang;
    // The prompt just appeared: bring it (with its button) into sight on a short till.
    let just_opened = s.focus == Some(Field::OpeningCash);
    ui.label(RichText::new(lang.t(T::OpenShiftTitle)).strong());
    ui.label(RichText::new(lang.t(T::OpenShiftPrompt)).small());
    ui.add_space(4.0);
    let mut text = s.opening_cash.take().unwrap_or_default();
    let r = text_field(
        ui,
        &mut s.focus,
        FieldSpec {
            field: Field::OpeningCash,
            label: lang.t(T::FieldOpeningCash),
            hint: "0,00",
            enabled: idle,
            layout: view.layout,
        },
        &mut text,
    );
    // An empty drawer is a count too: "0" opens with nothing.
    let cash = match text.trim() {
        "0" => Ok(Money::default()),
        t => Money::parse(t),
    };
    let error = match &cash {
        Err(e) if !text.trim().is_empty() => Some(messages::amount(
            lang,
            &entry::AmountError::Money(e.clone()),
            None,
            view.currency,
        )),
        _ => None,
    };
    error_line(ui, error.as_deref());
    let mut submit = entered(&r, ui);
    let mut back = false;
    ui.add_space(8.0);
    let row = ui.horizontal(|ui| {
        submit |= ui
            .add_enabled(idle, style::primary(ui, lang.t(T::ButtonOpenShiftAndPrint)))
            .clicked();
        back |= ui
            .add_enabled(idle, egui::Button::new(lang.t(T::ButtonBack)))
            .clicked();
    });
    if just_opened {
        row.response.scroll_to_me(Some(egui::Align::BOTTOM));
    }
    back |= idle && ui.input(|i| i.key_pressed(Key::Escape));
    if back {
        s.focus = Some(Field::Amount);
        return;
    }
    s.opening_cash = Some(text);
    if submit && idle {
        match cash {
            Ok(c) => actions.push(Action::OpenShiftThenPrintPreReceipt(c, Box::new(quote))),
            Err(_) => s.focus = Some(Field::OpeningCash),
        }
    }
}

/// This shift's latest payments with where each stands at the payment system,
/// coloured: the cashier sees a failure while the customer may still be there.
fn this_shift(ui: &mut egui::Ui, lang: Lang, currency: &Currency, recent: &[ReportRow]) {
    if recent.is_empty() {
        return;
    }
    ui.label(RichText::new(lang.t(T::ThisShiftTitle)).strong());
    for r in recent {
        let state = match r.hub_status.as_deref() {
            None => lang.t(T::DeliveryWaiting),
            s => hub_status_text(lang, s),
        };
        let line = format!(
            "№ {} · {} · {} · {} · {state}",
            r.fiscal_receipt_no.unwrap_or_default(),
            r.operator,
            r.account,
            lang.money_with(r.total, currency)
        );
        let text = RichText::new(line).small();
        ui.label(match r.hub_status.as_deref() {
            Some("failed") => text.color(style::error_color(ui)).strong(),
            Some("completed") => text.color(egui::Color32::from_rgb(0x7C, 0xD9, 0x7C)),
            _ => text,
        });
    }
    ui.separator();
}

impl Screen for CashierState {
    fn title(&self, lang: Lang) -> &'static str {
        lang.t(T::TabCashier)
    }

    fn allowed(&self, user: &User) -> Result<(), PermissionError> {
        user::require(Some(user), Permission::TakePayments).map(|_| ())
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        // A narrow till gives the form the room; the preview shrinks.
        let narrow = ui.available_width() < 1200.0;
        egui::Panel::right("preview")
            .resizable(true)
            .default_size(if narrow { 340.0 } else { 520.0 })
            .show(ui, |ui| {
                this_shift(ui, lang, &cx.config.currency, &cx.terminal.snapshot.recent);
                ui.heading(lang.t(T::PreviewTitle));
                egui::ScrollArea::vertical().show(ui, |ui| match &cx.terminal.last_printout {
                    Some(p) => preview::show(ui, p),
                    None => {
                        ui.label(lang.t(T::PreviewEmpty));
                    }
                });
            });
        let view = View {
            lang,
            currency: &cx.config.currency,
            catalogue: &cx.terminal.catalogue,
            max_payment: cx.terminal.max_payment,
            // Below ~600 px of window (1024×600 panels) the labels go beside the
            // fields so the primary button stays in sight.
            layout: if ui.available_height() < 560.0 {
                FieldLayout::Inline
            } else {
                FieldLayout::Stacked
            },
            fiscal_register: !matches!(cx.config.fiscal, crate::app::config::FiscalConfig::None),
        };
        let mut actions = Vec::new();
        egui::CentralPanel::default().show(ui, |ui| {
            // Each step opens scrolled to its top (a scroll down to the shift prompt
            // must not hide the next step's heading).
            let step = self.step();
            egui::ScrollArea::vertical()
                .id_salt(("cashier-step", step))
                .show(ui, |ui| {
                    if let Some(r) = self.alert.clone() {
                        let alert = lang.fill(
                            T::FailedAfterwards,
                            &[
                                ("n", &r.fiscal_receipt_no.unwrap_or_default()),
                                ("operator", &r.operator),
                                ("account", &r.account),
                                ("amount", &lang.money_with(r.total, &cx.config.currency)),
                            ],
                        );
                        ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(alert).strong().color(style::error_color(ui)));
                            if ui.button(lang.t(T::AlertSeen)).clicked() {
                                self.alert = None;
                            }
                        });
                        ui.separator();
                    }
                    actions = show(ui, self, &view);
                });
        });
        // Payments left between two steps (other than the one on screen) are asked
        // about before anything else.
        let active = self.active.as_ref().map(|p| p.id());
        let pending: Vec<&Payment> = cx
            .terminal
            .snapshot
            .unfinished
            .iter()
            .filter(|p| Some(p.id()) != active)
            .collect();
        if let Some(p) = pending.first() {
            let answer = recovery::show(
                ui.ctx(),
                lang,
                &cx.config.currency,
                p,
                pending.len(),
                self.busy,
                crate::app::recovery::ReceiptIssuer::of(&cx.config.fiscal),
            )
            .map(|a| ((*p).clone(), a));
            if let Some((p, a)) = answer {
                self.send(PaymentRequest::Answer(Box::new(p), a), cx);
            }
            return;
        }
        for a in actions {
            self.act(a, cx);
        }
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let recent = reply.snapshot().map(|s| s.recent.clone());
        if let Some(recent) = recent {
            self.watch_failures(&recent);
        }
        let reply = match reply {
            Reply::Snapshot(_) => return None,
            Reply::Payment(reply, _) => reply,
            other => return Some(other),
        };
        self.busy = false;
        match reply {
            PaymentReply::Done {
                step,
                resume_at_cash,
                check,
            } => self.step_done(*step, resume_at_cash, check, cx),
            PaymentReply::Failed { error, standing } => {
                self.notice = Some(Notice::Error(messages::step_failed(
                    cx.lang,
                    &error,
                    &standing,
                    &cx.config.currency,
                    messages::Surface::Screen,
                )));
                // The field that must change gets the keyboard back.
                self.focus = match *error {
                    FlowError::CheckRefused { .. } => Some(Field::Account),
                    FlowError::Tendered(_) => Some(Field::Tendered),
                    FlowError::LowBalance { .. } => Some(Field::Amount),
                    _ => self.focus,
                };
                // No shift open and the cashier may open it: ask for the cash in the
                // drawer right under the payment (the prompt explains; no notice).
                if let FlowError::NoShift {
                    opening: ShiftOpening::Cashier,
                } = *error
                {
                    self.notice = None;
                    self.opening_cash = Some(String::new());
                    self.focus = Some(Field::OpeningCash);
                }
                // A payment stopped between two steps goes to the recovery dialog.
                self.active = standing.payment().cloned().filter(|p| {
                    matches!(
                        p.state.name(),
                        StateName::PreReceiptPrinted | StateName::Signed
                    )
                });
            }
        }
        None
    }

    fn on_enter(&mut self, _cx: &mut Cx<'_>) {
        if self.active.is_none() {
            self.focus = Some(Field::Operator);
        }
    }

    fn busy(&self) -> bool {
        self.busy
    }

    fn on_language(&mut self) {
        // The last notice was worded in the old language: it goes (the payment's own
        // state line and any recovery question are drawn anew in the new one).
        self.notice = None;
    }

    fn holds_payment(&self) -> bool {
        self.active.is_some() && !self.step_is_done()
    }
}
