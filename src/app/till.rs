//! The till: the cashier's payment flow over the journal and the receipt printer.
//!
//! Every side effect is bracketed: the "about to" state is committed before the
//! printer gets a byte and the "done" state after it returns, so after a crash the
//! journal says exactly which document may be on paper ([`super::recovery`]).
//! A payment that cannot be journaled stops before the cashier is asked for money.

use std::path::PathBuf;

use chrono::{SubsecRound, Utc};

use crate::crashpoint;
use crate::domain::entry::Quote;
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::{
    OperatorSnapshot, Payment, PaymentDetails, PaymentEvent, PaymentId, StateName, VoidReason,
};
use crate::domain::receipt::{self, DocumentContext, DocumentError};
use crate::domain::user::{Action, PermissionError, Pin, Role, User, UserName};
use crate::journal::users::{LoginError, UserChange};
use crate::journal::{Journal, JournalError, OpenOptions, Shift};
use crate::printing::profile::{ProfileError, ProfileLibrary};
use crate::printing::status::StatusReport;
use crate::printing::transport::{self, PaperLog};
use crate::printing::{
    CashDrawer, Confirmation, PrintError, PrintedDocument, ReceiptPrinter, test_page,
};

use super::config::{CatalogueSource, Config, PrinterConfig};
use crate::hub::client::HubClient;
use crate::hub::protocol::{CheckCode, CheckRequest};

/// What the operator said about a payment before its pre-receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    /// The operator accepts it; `display` has fields to show (e.g. subscriber).
    Confirmed {
        /// Fields to show the cashier.
        display: std::collections::BTreeMap<String, String>,
    },
    /// No hub answer: only the cached catalogue's rules were checked.
    Offline {
        /// What happened.
        error: String,
    },
    /// No hub is configured: only the catalogue's rules were checked.
    NotConfigured,
}

/// Why a step of the flow did not happen.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The journal refused the write; the step did not happen.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The document did not print. The payment stays in its "printing" state.
    #[error("printing failed: {0}")]
    Print(#[from] PrintError),
    /// A document could not be made for the payment (a bug in the caller).
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The operator refused the payment at `check` (nothing was journaled or printed).
    #[error("the operator refused the payment: {message}")]
    CheckRefused {
        /// The hub's code.
        code: CheckCode,
        /// Its words.
        message: String,
        /// The operator's name.
        operator: String,
        /// The account checked.
        account: String,
    },
    /// The logged-in user may not do this (or nobody is logged in).
    #[error(transparent)]
    Permission(#[from] PermissionError),
    /// A login was refused (wrong PIN, locked, deactivated).
    #[error(transparent)]
    Login(#[from] LoginError),
    /// An admin tried to deactivate or demote themself out of the last admin account.
    #[error("{0} cannot deactivate their own account")]
    OwnAccount(UserName),
    /// The printer settings cannot be used (the old printer stays).
    #[error("{0}")]
    Settings(String),
    /// A correction request was not accepted at the till.
    #[error(transparent)]
    Correction(#[from] super::corrections::CorrectionError),
    /// A missing payment's details are incomplete.
    #[error(transparent)]
    MissingPayment(#[from] super::corrections::MissingPaymentError),
    /// The cash received was refused (too little, or absurdly much).
    #[error(transparent)]
    Tendered(#[from] crate::domain::entry::TenderedError),
    /// A payment of this terminal waits for its recovery answer: no new payment starts
    /// before it is answered.
    #[error("payment {} waits for its recovery answer", payment.id())]
    Pending {
        /// The payment that waits.
        payment: Box<Payment>,
    },
    /// A short id (8 hex digits) that no payment of this terminal has, or a text that
    /// is no payment id at all.
    #[error("no payment of this terminal has the id {0}")]
    UnknownPaymentId(String),
    /// A short id that more than one payment has: the full id is needed.
    #[error("{count} payments have the short id {short}")]
    AmbiguousShortId {
        /// What was typed.
        short: String,
        /// How many payments have it.
        count: usize,
    },
    /// The step does not apply to the payment's state.
    #[error("payment {id} is {state}; this step does not apply")]
    WrongState {
        /// The payment.
        id: PaymentId,
        /// Its state.
        state: StateName,
    },
}

/// Why the till cannot start.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The journal cannot be used.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The printer profile is unknown or invalid.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The catalogue file cannot be read.
    #[error("operator catalogue {path}: {message}")]
    Catalogue {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No catalogue at all.
    #[error(
        "there is no operator catalogue: set [catalogue] file in the config, or use training mode"
    )]
    NoCatalogue,
}

/// The result of a step: the payment as journaled and the document printed, if any.
#[derive(Clone, Debug)]
pub struct Step {
    /// The payment after the step.
    pub payment: Payment,
    /// The document printed by this step.
    pub printed: Option<PrintedDocument>,
}

/// Whether a fiscal receipt is printed for the first time or again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Printing {
    /// The first time: the drawer may open.
    First,
    /// Again after a failure: marked as a copy, the drawer stays shut.
    Copy,
}

/// A payment's own documents, printed between two journal commits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Document {
    /// The slip the customer signs.
    PreReceipt,
    /// The receipt after the cash.
    FiscalReceipt,
}

/// Who is using the till.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Session {
    /// Nobody: only logging in (or creating the first admin) is possible.
    LoggedOut,
    /// A user logged in with their PIN; their role decides what they may do.
    User(User),
    /// A journal with no users yet, used headless (CLI, scripts, benches): acts as
    /// the configured cashier name with every permission. It ends for good once the
    /// first admin exists (the GUI creates one before anything else).
    Unattended(String),
}

/// The cashier's flow: journal + printer + the terminal's settings.
pub struct Till {
    pub(super) journal: Journal,
    pub(super) printer: ReceiptPrinter,
    printer_config: PrinterConfig,
    paper: PaperLog,
    pub(super) docs: DocumentContext,
    catalogue: Catalogue,
    pub(super) terminal_id: String,
    session: Session,
    max_payment: Money,
    max_change: Money,
    pub(super) hub: Option<HubClient>,
    pub(super) stuck_after: std::time::Duration,
    /// This process's log file (diagnostics read it).
    pub(super) log_file: PathBuf,
    /// Values that must never leave the till (the hub token).
    pub(super) secrets: Vec<String>,
}

pub use crate::domain::operator::demo_catalogue;

/// The receipt printer a `[printer]` config describes (nothing is sent to it yet).
pub fn build_printer(config: &PrinterConfig) -> Result<ReceiptPrinter, ProfileError> {
    let library = ProfileLibrary::load(Some(&config.profiles_dir));
    let profile = library.get(&config.profile)?;
    let transport = transport::open(&config.connection(&profile), &profile, config.timeouts);
    Ok(ReceiptPrinter::with_timeouts(
        profile,
        transport,
        config.timeouts,
    ))
}

/// Reads and checks a catalogue file.
pub fn read_catalogue(path: &std::path::Path) -> Result<Catalogue, OpenError> {
    let err = |message: String| OpenError::Catalogue {
        path: path.to_path_buf(),
        message,
    };
    // A catalogue of even thousands of operators is far below this.
    let text =
        crate::files::read_text_capped(path, 8 * 1024 * 1024).map_err(|e| err(e.to_string()))?;
    let c: Catalogue = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
    c.check().map_err(err)?;
    Ok(c)
}

impl Till {
    /// Opens the journal, loads the catalogue and sets up the printer.
    pub fn open(config: &Config) -> Result<Till, OpenError> {
        let mut journal = Journal::open(
            &config.journal_path,
            &OpenOptions {
                busy_timeout: config.busy_timeout,
            },
        )?;
        let catalogue = match &config.catalogue {
            CatalogueSource::Demo => {
                let c = demo_catalogue(config.currency.code());
                if journal.catalogue()?.as_ref().map(|j| &j.version) != Some(&c.version) {
                    journal.store_catalogue(&c, "demo")?;
                }
                c
            }
            CatalogueSource::File(path) => {
                let c = read_catalogue(path)?;
                if journal.catalogue()?.as_ref() != Some(&c) {
                    journal.store_catalogue(&c, &path.display().to_string())?;
                }
                c
            }
            CatalogueSource::Cached => journal.catalogue()?.ok_or(OpenError::NoCatalogue)?,
        };
        let printer = build_printer(&config.printer)?;
        let session = if journal.has_users()? {
            Session::LoggedOut
        } else {
            Session::Unattended(config.cashier.clone())
        };
        Ok(Till {
            journal,
            printer,
            printer_config: config.printer.clone(),
            paper: PaperLog::default(),
            docs: DocumentContext {
                shop: config.shop.clone(),
                lang: config.lang,
                tz: config.tz,
                currency: config.currency.clone(),
                training: config.training,
            },
            catalogue,
            terminal_id: config.terminal_id.clone(),
            session,
            max_payment: config.max_payment,
            max_change: config.max_change,
            hub: None,
            stuck_after: config.hub.stuck_after,
            log_file: crate::logging::log_path(&config.journal_path),
            secrets: match &config.hub.target {
                super::config::HubTarget::Remote { token, .. } => vec![token.clone()],
                _ => Vec::new(),
            },
        })
    }

    // ---- Users and permissions

    /// Who is using the till.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The logged-in user, if a person is logged in.
    pub fn user(&self) -> Option<&User> {
        match &self.session {
            Session::User(u) => Some(u),
            _ => None,
        }
    }

    /// The name every journal event records as who did it.
    pub(super) fn actor(&self) -> String {
        match &self.session {
            Session::User(u) => u.name.to_string(),
            Session::Unattended(name) => name.clone(),
            Session::LoggedOut => String::new(),
        }
    }

    /// Checks that whoever uses the till may do `action`: the role table
    /// ([`Role::may`]) for a user, everything for an unattended journal with no users.
    pub fn require(&self, action: Action) -> Result<(), FlowError> {
        match &self.session {
            Session::Unattended(_) => Ok(()),
            Session::User(u) => Ok(crate::domain::user::require(Some(u), action).map(|_| ())?),
            Session::LoggedOut => Err(PermissionError::NotLoggedIn.into()),
        }
    }

    /// Whether the journal has no users yet (the first-run screen).
    pub fn needs_first_admin(&self) -> Result<bool, JournalError> {
        Ok(!self.journal.has_users()?)
    }

    /// Every user (the login screen's list).
    pub fn users(&self) -> Result<Vec<User>, JournalError> {
        self.journal.users()
    }

    /// Creates the first user, an admin, and logs them in. Refused once any user
    /// exists.
    pub fn create_first_admin(&mut self, name: &UserName, pin: &Pin) -> Result<User, FlowError> {
        let user = self.journal.create_user(name, Role::Admin, pin, None)?;
        self.journal.login(name.as_str(), pin, Utc::now())?;
        self.session = Session::User(user.clone());
        Ok(user)
    }

    /// Logs in with a PIN; a wrong PIN counts towards the lockout. The previous user
    /// (if any) is logged out first.
    pub fn login(&mut self, name: &str, pin: &Pin) -> Result<User, FlowError> {
        self.logout();
        let user = self.journal.login(name, pin, Utc::now())?;
        self.session = Session::User(user.clone());
        Ok(user)
    }

    /// Logs the current user out (the till then does nothing until the next login).
    /// An unattended till (no users yet) stays usable only headless: the GUI calls
    /// this at start so a person always logs in.
    pub fn logout(&mut self) {
        if let Session::User(u) = &self.session
            && let Err(e) = self.journal.record_logout(u)
        {
            tracing::warn!("logout not journaled: {e}");
        }
        self.session = Session::LoggedOut;
    }

    /// Adds a user (admins only).
    pub fn add_user(&mut self, name: &UserName, role: Role, pin: &Pin) -> Result<User, FlowError> {
        self.require(Action::ManageUsers)?;
        let by = self.user().cloned();
        if by.is_none() && !self.journal.has_users()? {
            // Unattended setup: the first user made headless is the admin.
            return Ok(self.journal.create_user(name, role, pin, None)?);
        }
        let by = by.ok_or(PermissionError::NotLoggedIn)?;
        Ok(self.journal.create_user(name, role, pin, Some(&by))?)
    }

    /// Activates, deactivates, unlocks a user or sets their PIN (admins only). An
    /// admin cannot deactivate themself (the terminal would lose its admin).
    pub fn change_user(&mut self, name: &UserName, change: UserChange) -> Result<User, FlowError> {
        self.require(Action::ManageUsers)?;
        let by = self.user().cloned().ok_or(PermissionError::NotLoggedIn)?;
        if matches!(change, UserChange::Active(false)) && by.name == *name {
            return Err(FlowError::OwnAccount(by.name));
        }
        Ok(self.journal.change_user(name, change, &by)?)
    }

    /// Asks the operator through this hub before each pre-receipt.
    pub fn set_hub(&mut self, hub: Option<HubClient>) {
        self.hub = hub;
    }

    /// Asks the operator (through the hub) whether it would accept the payment. A
    /// refusal stops the payment before anything is journaled; no answer lets it go on
    /// with the cached catalogue's rules only.
    pub fn check(&self, quote: &Quote) -> Result<CheckOutcome, FlowError> {
        let Some(hub) = &self.hub else {
            return Ok(CheckOutcome::NotConfigured);
        };
        let req = CheckRequest {
            operator: quote.operator.code.as_str().to_string(),
            account: quote.account.clone(),
            amount: quote.amount,
        };
        match hub.check(&req) {
            Ok(answer) if answer.code == CheckCode::Ok => Ok(CheckOutcome::Confirmed {
                display: answer.display,
            }),
            Ok(answer) => Err(FlowError::CheckRefused {
                code: answer.code,
                message: answer.message,
                operator: quote.operator.name.clone(),
                account: quote.account.clone(),
            }),
            // No usable answer (or the hub refuses our token): the payment may go on
            // on the catalogue's rules; the cashier is told so.
            Err(e) => Ok(CheckOutcome::Offline {
                error: e.to_string(),
            }),
        }
    }

    /// Prints documents in `lang` from now on.
    pub fn set_language(&mut self, lang: crate::i18n::Lang) {
        self.docs.lang = lang;
    }

    /// The shop's time zone.
    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.docs.tz
    }

    /// The operator catalogue in force.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The ceiling for one payment.
    pub fn max_payment(&self) -> Money {
        self.max_payment
    }

    /// The most change this till gives: the bound on cash received is the total plus
    /// this (`max_change` in the config).
    pub fn max_change(&self) -> Money {
        self.max_change
    }

    /// The journal (for reads).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Every document this till printed, as sent and decoded (whatever the printer).
    pub fn paper(&self) -> PaperLog {
        self.paper.clone()
    }

    /// "Epson TM-T20III (80 mm) · /dev/ttyUSB0 38400 8N1 RTS/CTS".
    pub fn printer_description(&self) -> String {
        self.printer.describe()
    }

    /// The printer settings in force.
    pub fn printer_config(&self) -> &PrinterConfig {
        &self.printer_config
    }

    /// Switches to another printer (settings saved by the manager).
    pub fn set_printer(&mut self, config: PrinterConfig) -> Result<(), FlowError> {
        self.require(Action::ChangeSettings)?;
        self.printer = build_printer(&config).map_err(|e| FlowError::Settings(e.to_string()))?;
        self.printer_config = config;
        Ok(())
    }

    /// True when the printer can report its status.
    pub fn has_printer_status(&self) -> bool {
        self.printer.has_status()
    }

    /// The printer's own status; `None` when this model or connection cannot tell.
    pub fn printer_status(&mut self) -> Result<Option<StatusReport>, PrintError> {
        self.printer.status()
    }

    /// Opens a shift with the cash in the drawer.
    pub fn open_shift(&mut self, cash: Money) -> Result<u64, FlowError> {
        self.require(Action::ManageShift)?;
        let cashier = self.actor();
        Ok(self.journal.open_shift(&self.terminal_id, cash, &cashier)?)
    }

    /// Prints the open shift's X report (and returns it).
    pub fn x_report(
        &mut self,
    ) -> Result<(crate::journal::shift::ShiftReport, PrintedDocument), FlowError> {
        self.require(Action::ManageShift)?;
        let report = self.journal.x_report(&self.terminal_id)?;
        let doc = crate::report::shift_document(&self.docs, &report);
        self.printer.check_ready()?;
        let printed = self.print(&doc, CashDrawer::Closed)?;
        Ok((report, printed))
    }

    /// Closes the open shift with the cash counted and prints its Z report. The shift
    /// is closed even if the printer then fails (the report can be printed again with
    /// `paydesk report`); the close itself is what the journal must not lose.
    pub fn close_shift(
        &mut self,
        counted: Money,
    ) -> Result<(crate::journal::shift::ShiftReport, Option<PrintedDocument>), FlowError> {
        self.require(Action::ManageShift)?;
        let cashier = self.actor();
        let report = self
            .journal
            .close_shift(&self.terminal_id, counted, &cashier)?;
        let doc = crate::report::shift_document(&self.docs, &report);
        let printed = self.print(&doc, CashDrawer::Closed).ok();
        Ok((report, printed))
    }

    /// The payments report's rows for a filter (managers, support, admins).
    pub fn payments_report(
        &self,
        filter: &crate::journal::report::PaymentsFilter,
    ) -> Result<Vec<crate::journal::report::ReportRow>, FlowError> {
        self.require(Action::ViewReports)?;
        Ok(self.journal.payments_report(filter)?)
    }

    /// Prints the payments report of a filter on the receipt printer.
    pub fn print_report(
        &mut self,
        filter: &crate::journal::report::PaymentsFilter,
    ) -> Result<PrintedDocument, FlowError> {
        let rows = self.payments_report(filter)?;
        let doc = crate::report::payments_document(&self.docs, &rows, filter.from, filter.to);
        self.printer.check_ready()?;
        Ok(self.print(&doc, CashDrawer::Closed)?)
    }

    /// Prints the test page: every code page's sample, a ruler of the width, the cut.
    pub fn print_test_page(&mut self) -> Result<PrintedDocument, FlowError> {
        self.require(Action::ChangeSettings)?;
        self.printer.check_ready()?;
        let job = test_page::test_page(self.printer.profile(), &self.printer.describe())
            .map_err(PrintError::from)?;
        let printed = self.printer.send(job)?;
        self.log(&printed);
        Ok(printed)
    }

    fn log(&self, printed: &PrintedDocument) {
        self.paper
            .lock()
            .expect("paper log lock")
            .push((printed.job.clone(), printed.printout.clone()));
        // `output_dir` (`--out DIR`): a real printer's documents are copied there as
        // the virtual printer writes its own (decoded text, paper image, the bytes).
        // The copy is a convenience; the paper is what counts, so a failure is logged.
        if self.printer_config.kind != super::config::ConnectionKind::Virtual
            && let Some(dir) = &self.printer_config.section.output_dir
            && let Err(e) = transport::write_copy(dir, &printed.job, &printed.printout)
        {
            tracing::warn!(
                "copy of {} not written into {}: {e}",
                printed.job.name,
                dir.display()
            );
        }
    }

    pub(super) fn print(
        &mut self,
        doc: &receipt::Document,
        drawer: CashDrawer,
    ) -> Result<PrintedDocument, PrintError> {
        let printed = self.printer.print_with(doc, drawer)?;
        self.log(&printed);
        Ok(printed)
    }

    /// The open shift.
    pub fn shift(&self) -> Result<Option<Shift>, JournalError> {
        self.journal.current_shift(&self.terminal_id)
    }

    /// Payments of this terminal left between two steps that wait for an answer
    /// here: left by a process that is gone, or by this one (not those another live
    /// till on this journal is taking right now).
    pub fn unfinished(&self) -> Result<Vec<Payment>, JournalError> {
        self.journal.waiting_for_answer(&self.terminal_id)
    }

    /// The payment a typed id names: a full id, or the short id printed on the
    /// pre-receipt when exactly one payment of this terminal has it.
    pub fn resolve_payment_id(&self, text: &str) -> Result<PaymentId, FlowError> {
        let text = text.trim();
        if let Ok(id) = text.parse::<PaymentId>() {
            return Ok(id);
        }
        let found = self.journal.payments_by_short_id(&self.terminal_id, text)?;
        match found.as_slice() {
            [id] => Ok(*id),
            [] => Err(FlowError::UnknownPaymentId(text.to_string())),
            many => Err(FlowError::AmbiguousShortId {
                short: text.to_string(),
                count: many.len(),
            }),
        }
    }

    /// Re-reads a payment.
    pub fn payment(&self, id: PaymentId) -> Result<Payment, JournalError> {
        self.journal.payment(id)
    }

    /// A payment this step may touch: the user may take payments and the payment is
    /// in one of the `allowed` states.
    fn expect(&self, id: PaymentId, allowed: &[StateName]) -> Result<Payment, FlowError> {
        self.require(Action::TakePayments)?;
        let p = self.journal.payment(id)?;
        if allowed.contains(&p.state.name()) {
            Ok(p)
        } else {
            Err(FlowError::WrongState {
                id,
                state: p.state.name(),
            })
        }
    }

    fn record(&mut self, p: &Payment, e: PaymentEvent) -> Result<Payment, FlowError> {
        let actor = self.actor();
        Ok(self.journal.record(p, e, &actor)?)
    }

    /// Step 2: journal the payment with its pre-receipt number, print the
    /// pre-receipt, journal that it printed.
    pub fn print_pre_receipt(&mut self, quote: &Quote) -> Result<Step, FlowError> {
        self.require(Action::TakePayments)?;
        // A payment left between two steps is answered first: starting another while
        // one waits is how a customer gets charged twice.
        if let Some(waiting) = self.unfinished()?.into_iter().next() {
            return Err(FlowError::Pending {
                payment: Box::new(waiting),
            });
        }
        // A printer that says it cannot print stops the payment before it exists.
        self.printer.check_ready()?;
        let details = PaymentDetails {
            id: PaymentId::new(),
            terminal_id: self.terminal_id.clone(),
            operator: OperatorSnapshot::from(&quote.operator),
            account: quote.account.clone(),
            amount: quote.amount,
            fee: quote.fee,
            total: quote.total,
            // Milliseconds: what the journal's timestamps hold, so the row and the
            // `created` event say exactly the same.
            created_at: Utc::now().trunc_subsecs(3),
            cashier: self.actor(),
        };
        let p = self.journal.start_pre_receipt(&details, &details.cashier)?;
        crashpoint::hit("pre_receipt.intent");
        self.finish_pre_receipt(p)
    }

    fn finish_pre_receipt(&mut self, p: Payment) -> Result<Step, FlowError> {
        let doc = receipt::pre_receipt(&self.docs, &p, Utc::now())?;
        self.print_then_record(p, &doc, CashDrawer::Closed, Document::PreReceipt)
    }

    /// The second half of "about to, then done" for a payment's document: print it
    /// (the printer vouching for it as far as it can), then journal that it printed.
    /// A crash between the two is what the recovery question asks about. A fiscal
    /// receipt a printer cannot vouch for stays "printing" for the cashier's answer.
    fn print_then_record(
        &mut self,
        p: Payment,
        doc: &receipt::Document,
        drawer: CashDrawer,
        which: Document,
    ) -> Result<Step, FlowError> {
        let (printed_point, done_point, event) = match which {
            Document::PreReceipt => (
                "pre_receipt.printed",
                "pre_receipt.done",
                PaymentEvent::PreReceiptPrinted,
            ),
            Document::FiscalReceipt => {
                ("fiscal.printed", "fiscal.done", PaymentEvent::FiscalPrinted)
            }
        };
        let printed = self.print(doc, drawer)?;
        crashpoint::hit(printed_point);
        if which == Document::FiscalReceipt && printed.confirmation == Confirmation::Nothing {
            // The printer cannot say whether the whole receipt came out: the payment
            // counts as fiscalized only once the cashier says so (the recovery
            // question "was receipt No. N printed and handed over?"). The signature
            // vouches for a pre-receipt.
            return Ok(Step {
                payment: p,
                printed: Some(printed),
            });
        }
        let p = self.record(&p, event)?;
        crashpoint::hit(done_point);
        Ok(Step {
            payment: p,
            printed: Some(printed),
        })
    }

    /// Prints the pre-receipt again (it did not come out): journals the reprint, then
    /// prints, then journals that it printed.
    pub fn reprint_pre_receipt(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinting])?;
        self.printer.check_ready()?;
        let p = self.record(&p, PaymentEvent::PreReceiptReprintStarted)?;
        self.finish_pre_receipt(p)
    }

    /// Recovery: the cashier confirms the pre-receipt did come out.
    pub fn confirm_pre_receipt_printed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinting])?;
        let p = self.record(&p, PaymentEvent::PreReceiptPrinted)?;
        Ok(Step {
            payment: p,
            printed: None,
        })
    }

    /// Step 3: the customer signed.
    pub fn customer_signed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::PreReceiptPrinted])?;
        let p = self.record(&p, PaymentEvent::CustomerSigned)?;
        crashpoint::hit("signed");
        crashpoint::stop_once("signed");
        Ok(Step {
            payment: p,
            printed: None,
        })
    }

    /// Voids a payment before money was taken.
    pub fn void(&mut self, id: PaymentId, reason: VoidReason) -> Result<Step, FlowError> {
        self.require(Action::TakePayments)?;
        let p = self.journal.payment(id)?;
        let p = self.record(&p, PaymentEvent::Voided { reason })?;
        Ok(Step {
            payment: p,
            printed: None,
        })
    }

    /// Step 4: the cash is taken; journal it with the fiscal receipt's numbers, print
    /// the fiscal receipt, journal that it printed (the payment is then queued). On a
    /// printer that can confirm nothing the payment stays in "fiscal printing" with
    /// the receipt on paper: the cashier answers whether it printed completely.
    ///
    /// A printer that says it cannot print (paper end, cover open, no answer) gets
    /// the cash journaled without starting the fiscal receipt: the payment waits in
    /// "cash taken" and the receipt is printed once the printer is fixed.
    pub fn take_cash(&mut self, id: PaymentId, tendered: Money) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::Signed])?;
        crate::domain::entry::check_tendered(tendered, p.details.total, self.max_change)?;
        let actor = self.actor();
        if let Err(e) = self.printer.check_ready() {
            self.journal.take_cash(&p, tendered, false, &actor)?;
            return Err(e.into());
        }
        let p = self.journal.take_cash(&p, tendered, true, &actor)?;
        crashpoint::hit("fiscal.intent");
        self.finish_fiscal(p, Printing::First)
    }

    fn finish_fiscal(&mut self, p: Payment, printing: Printing) -> Result<Step, FlowError> {
        let mut doc = receipt::fiscal_receipt(&self.docs, &p, Utc::now())?;
        if printing == Printing::Copy {
            doc.mark_copy(self.docs.lang);
        }
        // The drawer opens with the first fiscal receipt only, never with a copy.
        let drawer = self.drawer_for(printing);
        self.print_then_record(p, &doc, drawer, Document::FiscalReceipt)
    }

    /// Whether a document that moves cash opens the drawer: the first print only,
    /// never a copy; as `[printer] open_drawer` says, by default outside training
    /// mode only (a training till has no cash in it).
    pub(super) fn drawer_for(&self, printing: Printing) -> CashDrawer {
        let wanted = self
            .printer_config
            .open_drawer
            .unwrap_or(!self.docs.training);
        if wanted && printing == Printing::First {
            CashDrawer::Open
        } else {
            CashDrawer::Closed
        }
    }

    /// Recovery: the cash was taken but the fiscal receipt was never started.
    pub fn print_fiscal(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::CashTaken])?;
        self.printer.check_ready()?;
        let actor = self.actor();
        let p = self.journal.start_fiscal(&p, &actor)?;
        crashpoint::hit("fiscal.intent");
        self.finish_fiscal(p, Printing::First)
    }

    /// Recovery: the fiscal receipt did not come out; print it again with the same
    /// number.
    pub fn reprint_fiscal(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::FiscalPrinting])?;
        self.printer.check_ready()?;
        let p = self.record(&p, PaymentEvent::FiscalReprintStarted)?;
        self.finish_fiscal(p, Printing::Copy)
    }

    /// Recovery: the cashier confirms the fiscal receipt came out and was handed over.
    pub fn confirm_fiscal_printed(&mut self, id: PaymentId) -> Result<Step, FlowError> {
        let p = self.expect(id, &[StateName::FiscalPrinting])?;
        let p = self.record(&p, PaymentEvent::FiscalPrinted)?;
        Ok(Step {
            payment: p,
            printed: None,
        })
    }
}
