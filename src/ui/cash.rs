//! The cash screen of a shift manager: cash put into the drawer, taken out, collected
//! for the bank (each prints its slip and opens the drawer), the open shift's cash
//! moves with "print again" and a collection's bank reference, and the collection
//! report by period with its XLSX file.

use chrono::Utc;
use chrono_tz::Tz;
use egui::RichText;

use crate::app::messages;
use crate::app::worker::{CashReply, CashRequest, Reply, Request};
use crate::domain::cash::{CashMove, CashMoveKind, CashMoveRequest, CashNote, CollectionReport};
use crate::domain::entry::AmountError;
use crate::domain::money::Money;
use crate::domain::period::{DayEdge, parse_when};
use crate::domain::time::local;
use crate::domain::user::{self, Action as Permission, PermissionError, User};
use crate::i18n::{Currency, Lang, T};
use crate::report::cash::signed;

use super::screen::{Cx, Screen};
use super::style;

/// The cash screen's state.
#[derive(Clone, Debug)]
pub struct CashScreen {
    /// The form's kind of move.
    pub kind: CashMoveKind,
    /// Amount, as typed.
    pub amount: String,
    /// Reason (in, out), as typed.
    pub reason: String,
    /// Bag number (collection), as typed.
    pub bag: String,
    /// Bank reference (collection, optional), as typed.
    pub bank_ref: String,
    /// The open shift's moves, oldest first.
    pub moves: Vec<CashMove>,
    /// The bank reference typed for a collection already recorded: (slip, text).
    pub late_ref: (String, String),
    /// The last outcome, and whether it is an error.
    pub note: Option<(String, bool)>,
    /// The report's period, as typed.
    pub from: String,
    /// Its end, as typed.
    pub to: String,
    /// The report shown.
    pub report: Option<CollectionReport>,
    /// The report's outcome (an error, or where the file went).
    pub report_note: Option<(String, bool)>,
    /// A request is with the till.
    pub busy: bool,
    /// The request with the till is the report's (its error goes under the report).
    pub report_pending: bool,
    /// Put the focus in the amount at the next frame (opened, or a move recorded).
    pub focus_amount: bool,
    /// The collection report is shown instead of the shift's cash.
    pub on_report: bool,
    /// Ask for the report at the next frame.
    pub want_report: bool,
}

impl CashScreen {
    /// From the first of this month to today, in the shop's zone.
    pub fn new(tz: Tz) -> CashScreen {
        let today = Utc::now().with_timezone(&tz);
        CashScreen {
            kind: CashMoveKind::In,
            amount: String::new(),
            reason: String::new(),
            bag: String::new(),
            bank_ref: String::new(),
            moves: Vec::new(),
            late_ref: Default::default(),
            note: None,
            from: today.format("%Y-%m-01").to_string(),
            to: today.format("%Y-%m-%d").to_string(),
            report: None,
            report_note: None,
            busy: false,
            report_pending: false,
            focus_amount: false,
            on_report: false,
            want_report: false,
        }
    }

    /// Shows the collection report view, asking for the period's figures.
    pub fn show_report(&mut self) {
        if !self.on_report || self.report.is_none() {
            self.want_report = true;
        }
        self.on_report = true;
    }

    /// The move the form describes, or what is wrong with it (worded).
    fn request(&self, lang: Lang, currency: &Currency) -> Result<CashMoveRequest, String> {
        let amount = Money::parse(&self.amount)
            .map_err(|e| messages::amount(lang, &AmountError::Money(e), None, currency))?;
        let note = |label: T, text: &str| {
            CashNote::parse(text).map_err(|e| messages::cash_note(lang, lang.t(label), e))
        };
        Ok(match self.kind {
            CashMoveKind::In => CashMoveRequest::In {
                amount,
                reason: note(T::CashReason, &self.reason)?,
            },
            CashMoveKind::Out => CashMoveRequest::Out {
                amount,
                reason: note(T::CashReason, &self.reason)?,
            },
            CashMoveKind::Collection => CashMoveRequest::Collection {
                amount,
                bag: note(T::CashBag, &self.bag)?,
                bank_ref: match self.bank_ref.trim() {
                    "" => None,
                    r => Some(note(T::CashBankRef, r)?),
                },
            },
        })
    }

    fn period(
        &self,
        lang: Lang,
        tz: Tz,
    ) -> Result<(chrono::DateTime<Utc>, chrono::DateTime<Utc>), String> {
        let when = |v: &str, edge| {
            parse_when(v, tz, edge).ok_or_else(|| lang.fill(T::ErrReportDate, &[("value", &v)]))
        };
        let from = when(&self.from, DayEdge::Start)?;
        let to = when(&self.to, DayEdge::End)?;
        if to <= from {
            return Err(lang.fill(T::ErrReportRange, &[("from", &self.from), ("to", &self.to)]));
        }
        Ok((from, to))
    }
}

/// A labelled one-line field; true when Enter was pressed in it.
fn field(ui: &mut egui::Ui, label: &str, id: &str, value: &mut String, width: f32) -> bool {
    focused_field(ui, label, id, value, width, false)
}

fn focused_field(
    ui: &mut egui::Ui,
    label: &str,
    id: &str,
    value: &mut String,
    width: f32,
    focus: bool,
) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(value)
                .id_salt(("cash-field", id))
                .desired_width(width),
        )
        .labelled_by(l.id);
    if focus {
        r.request_focus();
    }
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

fn note_label(ui: &mut egui::Ui, note: &Option<(String, bool)>) {
    if let Some((text, error)) = note {
        let t = RichText::new(text.as_str());
        ui.add(
            egui::Label::new(if *error {
                t.color(style::error_color(ui))
            } else {
                t
            })
            .wrap(),
        );
    }
}

impl CashScreen {
    fn form(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        ui.horizontal_wrapped(|ui| {
            for k in CashMoveKind::ALL {
                ui.selectable_value(&mut self.kind, k, messages::cash_kind(lang, k));
            }
        });
        let mut submit = false;
        ui.horizontal_wrapped(|ui| {
            let focus = std::mem::take(&mut self.focus_amount);
            submit |= focused_field(
                ui,
                lang.t(T::CashAmount),
                "amount",
                &mut self.amount,
                120.0,
                focus,
            );
            match self.kind {
                CashMoveKind::In | CashMoveKind::Out => {
                    submit |= field(ui, lang.t(T::CashReason), "reason", &mut self.reason, 320.0);
                }
                CashMoveKind::Collection => {
                    submit |= field(ui, lang.t(T::CashBag), "bag", &mut self.bag, 140.0);
                    submit |= field(
                        ui,
                        lang.t(T::CashBankRef),
                        "bank-ref",
                        &mut self.bank_ref,
                        180.0,
                    );
                }
            }
        });
        ui.horizontal(|ui| {
            ui.add_enabled_ui(!self.busy, |ui| {
                submit |= ui
                    .add(style::primary(ui, lang.t(T::CashRecordButton)))
                    .clicked();
            });
            if self.busy {
                ui.spinner();
            }
        });
        if submit && !self.busy {
            match self.request(lang, &cx.config.currency) {
                Ok(r) => self.busy = cx.send(Request::Cash(CashRequest::Record(r))),
                Err(e) => self.note = Some((e, true)),
            }
        }
        note_label(ui, &self.note);
    }

    fn moves(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let (tz, currency) = (cx.config.tz, &cx.config.currency);
        if self.moves.is_empty() {
            ui.label(lang.t(T::CashNoneThisShift));
            return;
        }
        let mut reprint = None;
        egui::Grid::new("cash-moves").striped(true).show(ui, |ui| {
            for m in &self.moves {
                ui.label(format!("№ {}", m.number));
                ui.label(local(m.at, tz));
                ui.label(messages::cash_kind(lang, m.kind));
                ui.label(lang.money_with(m.amount, currency));
                ui.label(m.reason.as_deref().or(m.bag.as_deref()).unwrap_or_default());
                ui.label(m.bank_ref.as_deref().unwrap_or_default());
                ui.label(&m.actor);
                if ui
                    .add_enabled(!self.busy, egui::Button::new(lang.t(T::CashReprint)))
                    .on_hover_text(lang.fill(T::CashReprintHint, &[("n", &m.number)]))
                    .clicked()
                {
                    reprint = Some(m.number);
                }
                ui.end_row();
            }
        });
        if let Some(n) = reprint {
            self.busy = cx.send(Request::Cash(CashRequest::Reprint(n)));
        }
        // A collection's bank reference arrives later, from the bank.
        if self
            .moves
            .iter()
            .any(|m| m.kind == CashMoveKind::Collection && m.bank_ref.is_none())
        {
            let mut save = false;
            ui.horizontal_wrapped(|ui| {
                save |= field(
                    ui,
                    lang.t(T::CashLateRefSlip),
                    "late-slip",
                    &mut self.late_ref.0,
                    60.0,
                );
                save |= field(
                    ui,
                    lang.t(T::CashLateRef),
                    "late-ref",
                    &mut self.late_ref.1,
                    180.0,
                );
                save |= ui
                    .add_enabled(!self.busy, egui::Button::new(lang.t(T::CashSaveRef)))
                    .clicked();
            });
            if save && !self.busy {
                let slip = self
                    .late_ref
                    .0
                    .trim()
                    .trim_start_matches('№')
                    .trim()
                    .parse::<u64>();
                match (slip, CashNote::parse(&self.late_ref.1)) {
                    (Ok(n), Ok(r)) => {
                        self.busy = cx.send(Request::Cash(CashRequest::BankRef(n, r)))
                    }
                    (Err(_), _) => {
                        self.note = Some((
                            lang.fill(T::ErrCashSlipNumber, &[("value", &self.late_ref.0)]),
                            true,
                        ))
                    }
                    (_, Err(e)) => {
                        self.note =
                            Some((messages::cash_note(lang, lang.t(T::CashBankRef), e), true))
                    }
                }
            }
        }
    }

    fn report(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let (tz, currency) = (cx.config.tz, &cx.config.currency);
        let mut show = std::mem::take(&mut self.want_report);
        let mut export = false;
        ui.horizontal_wrapped(|ui| {
            show |= field(ui, lang.t(T::ReportFrom), "from", &mut self.from, 150.0);
            show |= field(ui, lang.t(T::ReportTo), "to", &mut self.to, 150.0);
            ui.add_enabled_ui(!self.busy, |ui| {
                show |= ui.button(lang.t(T::ReportShow)).clicked();
                export |= ui.button(lang.t(T::ReportExportXlsx)).clicked();
            });
        });
        if (show || export) && !self.busy {
            match self.period(lang, tz) {
                Ok((from, to)) => {
                    let request = if export {
                        let dir = cx
                            .config
                            .journal_path
                            .parent()
                            .map(|d| d.join("reports"))
                            .unwrap_or_else(|| std::path::PathBuf::from("reports"));
                        let name = format!(
                            "collections-{}-{}-at-{}.xlsx",
                            from.with_timezone(&tz).format("%Y%m%d"),
                            (to - chrono::Duration::seconds(1))
                                .with_timezone(&tz)
                                .format("%Y%m%d"),
                            Utc::now().with_timezone(&tz).format("%Y%m%d-%H%M%S")
                        );
                        CashRequest::Export(from, to, dir.join(name))
                    } else {
                        CashRequest::Report(from, to)
                    };
                    self.busy = cx.send(Request::Cash(request));
                    self.report_pending = self.busy;
                }
                Err(e) => self.report_note = Some((e, true)),
            }
        }
        note_label(ui, &self.report_note);
        let Some(r) = &self.report else { return };
        egui::Grid::new("collection-report")
            .striped(true)
            .show(ui, |ui| {
                for t in [
                    T::CollectionShift,
                    T::CollectionOpened,
                    T::CollectionClosed,
                    T::CollectionTaken,
                    T::CollectionCollected,
                ] {
                    ui.label(RichText::new(lang.t(t)).strong());
                }
                ui.end_row();
                for l in &r.shifts {
                    ui.label(l.shift_no.to_string());
                    ui.label(local(l.opened_at, tz));
                    ui.label(
                        l.closed_at
                            .map(|t| local(t, tz))
                            .unwrap_or_else(|| "…".into()),
                    );
                    ui.label(signed(lang, l.taken, currency));
                    ui.label(lang.money_with(l.collected, currency));
                    ui.end_row();
                }
            });
        for (t, v) in [
            (T::CollectionCarried, r.carried),
            (T::CollectionTaken, r.taken()),
            (T::CollectionCollected, r.collected()),
        ] {
            ui.label(format!("{}: {}", lang.t(t), signed(lang, v, currency)));
        }
        ui.label(
            RichText::new(format!(
                "{}: {}",
                lang.t(T::CollectionNotCollected),
                signed(lang, r.not_collected(), currency)
            ))
            .strong(),
        );
    }
}

impl Screen for CashScreen {
    fn title(&self, lang: Lang) -> &'static str {
        lang.t(T::TabCash)
    }

    fn allowed(&self, u: &User) -> Result<(), PermissionError> {
        // The report alone is for whoever sees reports; the moves need a manager.
        if u.role.may(Permission::ViewReports) {
            return Ok(());
        }
        user::require(Some(u), Permission::ManageShift).map(|_| ())
    }

    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        egui::CentralPanel::default().show(ui, |ui| {
            let manager = cx.terminal.may(Permission::ManageShift);
            // Two views on one tab: the shift's cash (a manager's) and the report.
            if manager {
                let was = self.on_report;
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.on_report, false, lang.t(T::CashTitle));
                    ui.selectable_value(&mut self.on_report, true, lang.t(T::CollectionTitle));
                });
                // The report opens with the period's figures, not an empty table.
                self.want_report |= self.on_report && !was && self.report.is_none();
                ui.separator();
            }
            egui::ScrollArea::vertical()
                .id_salt("cash-screen")
                .show(ui, |ui| {
                    if manager && !self.on_report {
                        match cx.terminal.snapshot.shift {
                            None => {
                                ui.label(RichText::new(lang.t(T::CashNoShift)).strong());
                            }
                            Some(n) => {
                                self.form(ui, cx);
                                ui.separator();
                                ui.label(
                                    RichText::new(lang.fill(T::CashThisShift, &[("n", &n)]))
                                        .strong(),
                                );
                                self.moves(ui, cx);
                            }
                        }
                    } else {
                        self.report(ui, cx);
                    }
                });
        });
    }

    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply> {
        let lang = cx.lang;
        let Reply::Cash(r) = reply else {
            return Some(reply);
        };
        self.busy = false;
        let for_report = std::mem::take(&mut self.report_pending);
        match r {
            Ok(CashReply::Moves(m)) => self.moves = m,
            Ok(CashReply::Recorded { done, moves }) => {
                let failed = done.printed.is_err();
                if let Ok(p) = &done.printed {
                    cx.terminal.last_printout = Some(p.printout.clone());
                }
                self.note = Some((
                    messages::cash_recorded(lang, &done, &cx.config.currency),
                    failed,
                ));
                self.moves = moves;
                self.amount.clear();
                self.reason.clear();
                self.bag.clear();
                self.bank_ref.clear();
                self.focus_amount = true;
            }
            Ok(CashReply::Reprinted(p)) => {
                cx.terminal.last_printout = Some(p);
                self.note = Some((lang.t(T::CashReprinted).to_string(), false));
            }
            Ok(CashReply::BankRef(m, moves)) => {
                self.note = Some((
                    lang.fill(
                        T::CashBankRefSaved,
                        &[
                            ("n", &m.number),
                            ("ref", &m.bank_ref.clone().unwrap_or_default()),
                        ],
                    ),
                    false,
                ));
                self.late_ref = Default::default();
                self.moves = moves;
            }
            Ok(CashReply::Report(r)) => {
                self.report = Some(*r);
                self.report_note = None;
            }
            Ok(CashReply::Exported(p)) => {
                self.report_note = Some((
                    lang.fill(T::ReportExported, &[("path", &p.display())]),
                    false,
                ))
            }
            Err(e) => {
                // A report's trouble under the report; the rest under the form.
                let text = Some((messages::report_file(lang, &e), true));
                if for_report {
                    self.report_note = text;
                } else {
                    self.note = text;
                }
            }
        }
        None
    }

    fn on_enter(&mut self, cx: &mut Cx<'_>) {
        if cx.terminal.may(Permission::ManageShift) {
            self.busy = cx.send(Request::Cash(CashRequest::List));
            self.focus_amount = true;
        } else {
            self.want_report = true;
        }
    }

    fn busy(&self) -> bool {
        self.busy
    }

    fn on_language(&mut self) {
        self.note = None;
        self.report_note = None;
    }
}
