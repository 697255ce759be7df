//! What a screen is to the shell: the [`Screen`] trait, the [`Cx`] it works with,
//! the [`Effect`]s it may ask of the shell, and the [`Terminal`] state the screens
//! share. A leaf of the UI: the screens and the router both build on it.

use std::path::PathBuf;

use crate::app::config::{Config, ConfigWarning, PrinterConfig};
use crate::app::messages;
use crate::app::worker::{Reply, Request, Snapshot, TillWorker};
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::user::{Action as Permission, PermissionError, User};
use crate::i18n::Lang;
use crate::printing::PrintError;
use crate::printing::decode::Printout;
use crate::printing::profile::ProfileLibrary;
use crate::printing::status::StatusReport;

/// One screen behind a tab: it owns its state, draws itself, asks the till through
/// [`Cx::send`] and handles the replies meant for it. Adding a screen is a module
/// implementing this plus one line in `PaydeskApp::new`.
pub trait Screen: std::any::Any {
    /// The tab's title.
    fn title(&self, lang: Lang) -> &'static str;
    /// Whether `user` may open the screen; the shell says why not instead of it.
    fn allowed(&self, user: &User) -> Result<(), PermissionError>;
    /// Draws the screen's panels into the window below the tabs.
    fn show(&mut self, ui: &mut egui::Ui, cx: &mut Cx<'_>);
    /// Takes a reply of the till meant for this screen; any other is handed back.
    fn on_reply(&mut self, reply: Reply, cx: &mut Cx<'_>) -> Option<Reply>;
    /// The screen is opened (or its user just logged in): ask for what it shows.
    fn on_enter(&mut self, _cx: &mut Cx<'_>) {}
    /// A request of this screen is with the till.
    fn busy(&self) -> bool;
    /// The language changed: drop or re-word what was worded in the old one.
    fn on_language(&mut self) {}
    /// A payment is between two steps on this screen: the user cannot be switched.
    fn holds_payment(&self) -> bool {
        false
    }
}

/// What a screen gets to work with: the language, the config, the terminal's state
/// and the till thread.
pub struct Cx<'a> {
    /// The language in use.
    pub lang: Lang,
    /// The configuration (read-only: changes go through the till thread).
    pub config: &'a Config,
    /// The terminal's state shared by the screens.
    pub terminal: &'a mut Terminal,
    pub(super) till: &'a TillWorker,
    pub(super) effects: &'a mut Vec<Effect>,
}

impl Cx<'_> {
    /// Sends a request to the till thread; false if it is gone.
    pub fn send(&mut self, request: Request) -> bool {
        self.till.send(request)
    }

    /// Asks the shell for something beyond the screen.
    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }
}

/// What a screen asks of the shell.
#[derive(Debug)]
pub enum Effect {
    /// Someone logged in: open the first screen they may use.
    LoggedIn(User),
    /// Switch the language now.
    SetLanguage(Lang),
    /// Put this text on the clipboard.
    Copy(String),
    /// These printer settings are now in force.
    PrinterApplied(Box<PrinterConfig>),
    /// Open this payment's timeline in the support view.
    OpenPayment(crate::domain::payment::PaymentId),
    /// Open the collection report (a view of the cash screen).
    OpenCollectionReport,
}

/// What the printer last said about itself.
#[derive(Debug)]
pub enum PrinterStatus {
    /// Its report; `None` when this model or connection cannot tell.
    Report(Option<StatusReport>),
    /// It could not be asked.
    Failed(PrintError),
}

impl PrinterStatus {
    /// The status in words, in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        match self {
            PrinterStatus::Report(r) => messages::status(lang, r.as_ref()),
            PrinterStatus::Failed(e) => messages::printer(lang, e),
        }
    }

    /// True when the printer cannot print now.
    pub fn is_problem(&self) -> bool {
        match self {
            PrinterStatus::Report(r) => r.as_ref().is_some_and(|r| !r.is_ready()),
            PrinterStatus::Failed(_) => true,
        }
    }
}

/// The terminal once the journal is open: what the screens share.
pub struct Terminal {
    /// The operator catalogue.
    pub catalogue: Catalogue,
    /// Ceiling for one payment.
    pub max_payment: Money,
    /// The journal file.
    pub journal_path: PathBuf,
    /// The printer's description.
    pub printer: String,
    /// The printer's last status as the till read it (worded when drawn, so it
    /// follows a language switch).
    pub printer_status: Option<PrinterStatus>,
    /// Unfinished payments, shift and who is logged in.
    pub snapshot: Snapshot,
    /// The users (login screen; empty: the first-run screen).
    pub users: Vec<User>,
    /// The last document printed, decoded from its bytes (the cashier's preview).
    pub last_printout: Option<Printout>,
    /// The printer profiles on this machine.
    pub profiles: ProfileLibrary,
    /// What the configuration lacks that documents should print (status bar).
    pub warnings: Vec<ConfigWarning>,
    /// The fiscal register's last status (none yet, or no register).
    pub fiscal_status: Option<Result<crate::fiscal::FiscalStatus, crate::fiscal::FiscalError>>,
}

impl Terminal {
    /// Whether the logged-in user may do `action`.
    pub fn may(&self, action: Permission) -> bool {
        self.snapshot
            .user
            .as_ref()
            .is_some_and(|u| u.role.may(action))
    }
}
