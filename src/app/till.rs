//! The till: the terminal's services over one journal and one receipt printer.
//!
//! `Till` owns the parts — the journal, who is logged in ([`Access`]), the printer
//! ([`PrinterDesk`]), the payment rules ([`PaymentRules`]), the terminal's identity
//! ([`Terminal`]) — and lends them to one service at a time: [`Till::payments`],
//! [`Till::shifts`], [`Till::users`], [`Till::printer`], [`Till::reports`],
//! [`Till::corrections`], [`Till::support`]. Each service borrows only the parts it
//! needs, so the compiler keeps one service from reaching into another's state.
//!
//! Every side effect is bracketed: the "about to" state is committed before the
//! printer gets a byte and the "done" state after it returns, so after a crash the
//! journal says exactly which document may be on paper ([`super::recovery`]).

use std::path::PathBuf;

use crate::domain::operator::Catalogue;
use crate::domain::receipt::DocumentContext;
use crate::hub::client::HubClient;
use crate::journal::{Journal, JournalError, OpenOptions};
use crate::printing::profile::ProfileError;

use super::access::{Access, Users};
use super::cash::Cash;
use super::config::{CatalogueSource, Config, HubTarget};
use super::corrections::Corrections;
use super::fiscal::FiscalDesk;
use super::journal_check::JournalHealth;
use super::payments::{PaymentRules, Payments};
use super::printer::{Printer, PrinterDesk};
use super::reconcile::Reconciliation;
use super::reports::Reports;
use super::shifts::Shifts;
use super::support::Support;

pub use super::access::Session;
pub use super::flow::{FlowError, Step};
pub use super::payments::CheckOutcome;
pub use super::printer::build_printer;
pub use super::terminal::Terminal;
pub use crate::domain::operator::demo_catalogue;

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

/// The terminal's services over its journal and receipt printer.
pub struct Till {
    journal: Journal,
    access: Access,
    printer: PrinterDesk,
    rules: PaymentRules,
    terminal: Terminal,
    hub: Option<HubClient>,
    fiscal: FiscalDesk,
    backups: super::config::Backups,
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
        let printer = PrinterDesk::new(build_printer(&config.printer)?, config.printer.clone());
        let access = Access::new(if journal.has_users()? {
            Session::LoggedOut
        } else {
            Session::Unattended(config.cashier.clone())
        });
        Ok(Till {
            journal,
            access,
            printer,
            rules: PaymentRules::new(
                catalogue,
                config.max_payment,
                config.max_change,
                config.shift_opening,
            ),
            terminal: Terminal::new(
                config.terminal_id.clone(),
                DocumentContext {
                    shop: config.shop.clone(),
                    lang: config.lang,
                    tz: config.tz,
                    currency: config.currency.clone(),
                    training: config.training,
                },
                config.hub.stuck_after,
                crate::logging::log_path(&config.journal_path),
                match &config.hub.target {
                    HubTarget::Remote { token, .. } => vec![token.clone()],
                    _ => Vec::new(),
                },
            ),
            hub: None,
            fiscal: FiscalDesk::new(config.fiscal.clone()),
            backups: config.backups.clone(),
        })
    }

    /// The cashier's flow: check, pre-receipt, signature, cash, fiscal receipt, and
    /// the recovery steps.
    pub fn payments(&mut self) -> Payments<'_> {
        Payments::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            &mut self.printer,
            &self.rules,
            self.hub.as_ref(),
            &mut self.fiscal,
        )
    }

    /// Shifts: open, X report, close with the Z report.
    pub fn shifts(&mut self) -> Shifts<'_> {
        Shifts::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            &mut self.printer,
            &self.rules,
            &mut self.fiscal,
            &self.backups,
        )
    }

    /// Cash in, cash out, collections and the collection report.
    pub fn cash(&mut self) -> Cash<'_> {
        Cash::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            &mut self.printer,
        )
    }

    /// Daily reconciliation with the hub's registry.
    pub fn reconciliation(&mut self) -> Reconciliation<'_> {
        Reconciliation::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            self.hub.as_ref(),
        )
    }

    /// Users and logins.
    pub fn users(&mut self) -> Users<'_> {
        Users::new(&mut self.journal, &mut self.access)
    }

    /// Bytes and time the fiscal register's exchanges took (benchmarks).
    pub fn fiscal_wire(&self) -> crate::fiscal::shtrih::link::Wire {
        self.fiscal.wire()
    }

    /// The fiscal register's status, if one is configured (the status bar's).
    pub fn fiscal_status(
        &mut self,
    ) -> Option<Result<crate::fiscal::FiscalStatus, crate::fiscal::FiscalError>> {
        self.fiscal.configured().then(|| self.fiscal.status())
    }

    /// The receipt printer: its settings, status and test page.
    pub fn printer(&mut self) -> Printer<'_> {
        Printer::new(&self.access, &mut self.printer)
    }

    /// The payments report, on screen and on paper.
    pub fn reports(&mut self) -> Reports<'_> {
        Reports::new(
            &self.journal,
            &self.access,
            &self.terminal,
            &mut self.printer,
        )
    }

    /// Correction requests, refunds and receipts the journal does not know.
    pub fn corrections(&mut self) -> Corrections<'_> {
        Corrections::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            &mut self.printer,
            self.rules.catalogue(),
            &mut self.fiscal,
        )
    }

    /// The support view: troubled payments, timelines, retry and status now,
    /// diagnostics.
    pub fn support(&mut self) -> Support<'_> {
        Support::new(
            &mut self.journal,
            &self.access,
            &self.terminal,
            self.hub.as_ref(),
        )
    }

    /// Who is using the till.
    pub fn session(&self) -> &Session {
        self.access.session()
    }

    /// The terminal's identity and document settings.
    pub fn terminal(&self) -> &Terminal {
        &self.terminal
    }

    /// The payment rules in force (catalogue, ceilings).
    pub fn rules(&self) -> &PaymentRules {
        &self.rules
    }

    /// Whether the background check found the journal damaged, and how to ask it
    /// to check again (the till's worker starts the check's thread with it).
    pub fn health(&self) -> &JournalHealth {
        self.rules.health()
    }

    /// The journal (for reads).
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Asks the operator through this hub before each pre-receipt; support asks it
    /// for statuses.
    pub fn set_hub(&mut self, hub: Option<HubClient>) {
        self.hub = hub;
    }

    /// Prints documents in `lang` from now on.
    pub fn set_language(&mut self, lang: crate::i18n::Lang) {
        self.terminal.set_language(lang);
    }
}
