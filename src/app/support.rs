//! The support view's service: the troubled payments, a payment's timeline, retry
//! now, check its status at the hub now, the correction requests, and a payment's
//! diagnostics folder.

use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::domain::correction;
use crate::domain::payment::PaymentId;
use crate::domain::user::Action;
use crate::hub::client::{HubClient, HubError};
use crate::journal::Journal;
use crate::journal::corrections::Correction;
use crate::journal::support::SupportRow;

use super::access::Access;
use super::corrections::PaymentStory;
use super::diagnostics::{self, ExportError};
use super::flow::FlowError;
use super::terminal::Terminal;

/// What asking the hub for a payment's status now came to.
#[derive(Debug)]
pub enum StatusCheck {
    /// The hub answered; the payment's row after the answer was journaled.
    Answered(Box<SupportRow>),
    /// No payment system is configured.
    NoHub,
    /// The hub could not be asked or did not answer usably.
    Failed(HubError),
}

/// The support service.
pub struct Support<'t> {
    journal: &'t mut Journal,
    access: &'t Access,
    terminal: &'t Terminal,
    hub: Option<&'t HubClient>,
}

impl<'t> Support<'t> {
    pub(super) fn new(
        journal: &'t mut Journal,
        access: &'t Access,
        terminal: &'t Terminal,
        hub: Option<&'t HubClient>,
    ) -> Support<'t> {
        Support {
            journal,
            access,
            terminal,
            hub,
        }
    }

    /// The payments that did not go through (support).
    pub fn troubled_payments(&self) -> Result<Vec<SupportRow>, FlowError> {
        self.access.require(Action::Support)?;
        Ok(self.journal.troubled_payments(500)?)
    }

    /// Finds payments by receipt number, account (or part) or id.
    pub fn find_payments(&self, query: &str) -> Result<Vec<SupportRow>, FlowError> {
        self.access.require_correction_rights()?;
        Ok(self.journal.find_payments(self.terminal.id(), query, 200)?)
    }

    /// Everything the journal knows about one payment: its row, every event in order,
    /// its correction requests and refund.
    pub fn payment_story(&self, id: PaymentId) -> Result<PaymentStory, FlowError> {
        self.access.require_correction_rights()?;
        Ok(PaymentStory {
            row: self.journal.support_row(id)?,
            events: self.journal.events(id)?,
            corrections: self.journal.corrections_of(id)?,
            refund: self.journal.refund_of(id)?,
        })
    }

    /// Correction requests in these states (all when empty).
    pub fn correction_requests(
        &self,
        states: &[correction::CorrectionState],
    ) -> Result<Vec<Correction>, FlowError> {
        self.access.require(Action::Support)?;
        Ok(self.journal.corrections(states)?)
    }

    /// Sends a queued payment (and its drafted correction) at the next sync round.
    pub fn retry_now(&mut self, id: PaymentId) -> Result<bool, FlowError> {
        self.access.require(Action::Support)?;
        Ok(self.journal.retry_now(id, Utc::now())?)
    }

    /// Asks the hub for the payment's status now and journals the answer.
    pub fn check_status_now(&mut self, id: PaymentId) -> Result<StatusCheck, FlowError> {
        self.access.require(Action::Support)?;
        let Some(hub) = self.hub else {
            return Ok(StatusCheck::NoHub);
        };
        match hub.statuses(&[id.uuid()]) {
            Ok(answer) => {
                let actor = self.access.actor();
                self.journal.record_status_answer(
                    &[id],
                    &answer.answers(),
                    &answer.unknown,
                    &actor,
                    Utc::now(),
                    self.terminal.stuck_after(),
                )?;
                Ok(StatusCheck::Answered(Box::new(
                    self.journal.support_row(id)?,
                )))
            }
            Err(e) => Ok(StatusCheck::Failed(e)),
        }
    }

    /// Writes the payment's diagnostics folder under `out_dir` and returns its path.
    pub fn export_diagnostics(
        &self,
        id: PaymentId,
        out_dir: &Path,
    ) -> Result<PathBuf, ExportError> {
        self.access.require(Action::Support)?;
        let story = self.payment_story(id)?;
        diagnostics::export(&story, self.terminal, out_dir)
    }
}
