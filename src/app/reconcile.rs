//! Daily reconciliation with the hub: a business day's accepted payments in the
//! journal against the hub's registry of the day (`GET /v1/registry`), each
//! difference kept until a later run no longer finds it or someone explains it. The
//! service serves the Reports screen and `paydesk reconcile`; [`reconcile_day`] is
//! also what the sync worker runs by itself once a day has closed.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::domain::reconcile::{DifferenceKind, HubSide, reconcile};
use crate::domain::user::Action;
use crate::hub::client::{HubClient, HubError};
use crate::journal::reconcile::{ReconciliationRun, StoredDifference};
use crate::journal::{Journal, JournalError};

use super::access::Access;
use super::flow::FlowError;
use super::terminal::Terminal;

/// A business day compared: its bounds, its run, and what differs.
#[derive(Clone, Debug)]
pub struct ReconcileReport {
    /// The business day.
    pub date: NaiveDate,
    /// Its start (the registry's).
    pub from: DateTime<Utc>,
    /// Its end (exclusive).
    pub to: DateTime<Utc>,
    /// The run as journaled.
    pub run: ReconciliationRun,
    /// The differences found, explained or not.
    pub differences: Vec<StoredDifference>,
}

/// Why a day could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// The hub did not give its registry.
    #[error(transparent)]
    Hub(#[from] HubError),
    /// The journal could not be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The registry is another terminal's.
    #[error("the hub answered with terminal {0}'s registry")]
    OtherTerminal(String),
}

/// How a run went.
#[derive(Debug)]
pub enum ReconcileOutcome {
    /// Compared.
    Done(Box<ReconcileReport>),
    /// No hub is configured or connected.
    NoHub,
    /// The hub or the journal failed.
    Failed(ReconcileError),
}

/// Compares `date` (midnight to midnight in `tz`) and journals the run.
pub fn reconcile_day(
    journal: &mut Journal,
    hub: &HubClient,
    terminal_id: &str,
    tz: Tz,
    date: NaiveDate,
    actor: &str,
) -> Result<ReconcileReport, ReconcileError> {
    let registry = hub.registry(date, tz.name())?;
    if registry.terminal_id != terminal_id {
        return Err(ReconcileError::OtherTerminal(registry.terminal_id));
    }
    let ours = journal.accepted_between(terminal_id, registry.from, registry.to)?;
    let theirs: Vec<HubSide> = registry
        .payments
        .iter()
        .map(|p| HubSide {
            id: p.id,
            operator: p.operator.clone(),
            account: p.account.clone(),
            amount: p.amount,
            total: p.total,
            fiscal_receipt_no: p.fiscal_receipt_no,
            status: p.status,
        })
        .collect();
    let found = reconcile(&ours, &theirs);
    for d in found.iter().filter(|d| d.kind.is_alarm()) {
        tracing::error!(payment = %d.payment_id, kind = d.kind.as_str(), day = %date, "reconciliation: a payment is missing on one side");
    }
    let day = date.format("%Y-%m-%d").to_string();
    let run = journal.record_reconciliation(
        terminal_id,
        &day,
        (ours.len() as u64, theirs.len() as u64),
        &found,
        actor,
    )?;
    Ok(ReconcileReport {
        date,
        from: registry.from,
        to: registry.to,
        run,
        differences: journal.differences_of(terminal_id, &day)?,
    })
}

/// The reconciliation service.
pub struct Reconciliation<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    hub: Option<&'t HubClient>,
}

impl<'t> Reconciliation<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        hub: Option<&'t HubClient>,
    ) -> Reconciliation<'t> {
        Reconciliation {
            journal,
            access,
            terminal,
            hub,
        }
    }

    fn may_see(&self) -> Result<(), FlowError> {
        if self.access.require(Action::ViewReports).is_err() {
            self.access.require(Action::Support)?;
        }
        Ok(())
    }

    /// Compares a business day with the hub's registry now.
    pub fn run(&mut self, date: NaiveDate) -> Result<ReconcileOutcome, FlowError> {
        self.may_see()?;
        let Some(hub) = self.hub else {
            return Ok(ReconcileOutcome::NoHub);
        };
        let actor = self.access.actor();
        let tz = self.terminal.docs().tz;
        Ok(
            match reconcile_day(self.journal, hub, self.terminal.id(), tz, date, &actor) {
                Ok(r) => ReconcileOutcome::Done(Box::new(r)),
                Err(e) => ReconcileOutcome::Failed(e),
            },
        )
    }

    /// A day's last run and its differences, without asking the hub.
    pub fn last(
        &self,
        date: NaiveDate,
    ) -> Result<Option<(ReconciliationRun, Vec<StoredDifference>)>, FlowError> {
        self.may_see()?;
        let day = date.format("%Y-%m-%d").to_string();
        let Some(run) = self.journal.reconciliation_run(self.terminal.id(), &day)? else {
            return Ok(None);
        };
        Ok(Some((
            run,
            self.journal.differences_of(self.terminal.id(), &day)?,
        )))
    }

    /// Differences still found and not explained (the support view's list).
    pub fn open(&self) -> Result<Vec<StoredDifference>, FlowError> {
        self.may_see()?;
        Ok(self.journal.open_differences(self.terminal.id())?)
    }

    /// Marks a difference explained, with the reason (support's word, journaled).
    pub fn explain(
        &mut self,
        date: &str,
        payment_id: Uuid,
        kind: DifferenceKind,
        reason: &str,
    ) -> Result<(), FlowError> {
        self.access.require(Action::Support)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FlowError::NoExplanation);
        }
        let actor = self.access.actor();
        Ok(self.journal.explain_difference(
            self.terminal.id(),
            date,
            payment_id,
            kind,
            reason,
            &actor,
        )?)
    }
}
