//! The till on its own thread: the UI sends [`Request`]s and drains [`Reply`]s, so
//! journal fsyncs and printing never block a frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use crate::domain::entry::Quote;
use crate::domain::money::Money;
use crate::domain::operator::Catalogue;
use crate::domain::payment::{Payment, PaymentId, VoidReason};
use crate::i18n::Lang;

use super::config::Config;
use super::recovery::{self, Answer, Outcome};
use super::till::{CheckOutcome, FlowError, OpenError, Step, Till};
use crate::hub::client::HubClient;

/// What the UI asks the till to do.
#[derive(Clone, Debug)]
pub enum Request {
    /// Journal the payment and print its pre-receipt.
    PrintPreReceipt(Quote),
    /// The customer signed.
    CustomerSigned(PaymentId),
    /// Void before money was taken.
    Void(PaymentId, VoidReason),
    /// Cash taken: print the fiscal receipt.
    TakeCash(PaymentId, Money),
    /// Answer a recovery question about a payment (as the UI last saw it).
    Answer(Payment, Answer),
    /// Print documents in this language from now on (no reply).
    SetLanguage(Lang),
}

/// The terminal's state the status bar and recovery dialog need, sent with every reply.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Payments left between two steps (the recovery dialog's list).
    pub unfinished: Vec<Payment>,
    /// The open shift's number.
    pub shift: Option<u64>,
}

/// What the till answers.
#[derive(Debug)]
pub enum Reply {
    /// The journal is open and checked.
    Ready {
        /// The operator catalogue.
        catalogue: Catalogue,
        /// The ceiling for one payment.
        max_payment: Money,
        /// The journal file.
        journal_path: PathBuf,
        /// "Generic 80 mm".
        printer: String,
        /// Unfinished payments and shift.
        snapshot: Snapshot,
    },
    /// The till cannot start; nothing can be taken.
    OpenFailed(OpenError),
    /// A step happened.
    Done {
        /// The payment and the printed document.
        step: Step,
        /// Recovery sent this payment back to the cash step.
        resume_at_cash: bool,
        /// What the operator said before the pre-receipt (for that step only).
        check: Option<CheckOutcome>,
        /// Unfinished payments and shift after the step.
        snapshot: Snapshot,
    },
    /// A step failed; `payment` is the payment as the journal has it now.
    Failed {
        /// Why.
        error: FlowError,
        /// The payment as journaled now (if it exists).
        payment: Option<Payment>,
        /// Unfinished payments and shift.
        snapshot: Snapshot,
    },
}

/// A running till thread.
pub struct TillWorker {
    requests: Option<Sender<Request>>,
    replies: Receiver<Reply>,
    thread: Option<JoinHandle<()>>,
}

fn snapshot(till: &Till) -> Snapshot {
    Snapshot {
        unfinished: till.unfinished().unwrap_or_default(),
        shift: till.shift().ok().flatten().map(|s| s.number),
    }
}

fn handle(till: &mut Till, request: Request) -> Option<Reply> {
    let id = match &request {
        Request::SetLanguage(lang) => {
            till.set_language(*lang);
            return None;
        }
        Request::PrintPreReceipt(_) => None,
        Request::CustomerSigned(id) | Request::Void(id, _) | Request::TakeCash(id, _) => Some(*id),
        Request::Answer(p, _) => Some(p.id()),
    };
    let mut check = None;
    let result: Result<(Step, bool), FlowError> = match request {
        Request::PrintPreReceipt(q) => till.check(&q).and_then(|c| {
            check = Some(c);
            till.print_pre_receipt(&q).map(|s| (s, false))
        }),
        Request::CustomerSigned(id) => till.customer_signed(id).map(|s| (s, false)),
        Request::Void(id, reason) => till.void(id, reason).map(|s| (s, false)),
        Request::TakeCash(id, tendered) => till.take_cash(id, tendered).map(|s| (s, false)),
        Request::SetLanguage(_) => unreachable!("handled above"),
        Request::Answer(p, a) => recovery::answer(till, &p, a).map(|o| match o {
            Outcome::Moved(step) => (step, false),
            Outcome::ResumeAtCash(payment) => (
                Step {
                    payment,
                    printed: None,
                },
                true,
            ),
        }),
    };
    Some(match result {
        Ok((step, resume_at_cash)) => Reply::Done {
            step,
            resume_at_cash,
            check,
            snapshot: snapshot(till),
        },
        Err(error) => {
            // A failed print leaves the new payment journaled in its printing state:
            // find it so the screen shows where it stopped.
            let payment = match (id, &error) {
                (Some(id), _) => till.payment(id).ok(),
                (None, FlowError::Print(_)) => {
                    till.unfinished().ok().and_then(|u| u.last().cloned())
                }
                _ => None,
            };
            Reply::Failed {
                error,
                payment,
                snapshot: snapshot(till),
            }
        }
    })
}

impl TillWorker {
    /// Starts the till thread: it opens the journal (reported as [`Reply::Ready`] or
    /// [`Reply::OpenFailed`]) and then serves requests. `wake` is called after every
    /// reply (the UI passes `request_repaint`).
    pub fn spawn(
        config: Config,
        hub: Option<HubClient>,
        wake: impl Fn() + Send + 'static,
    ) -> TillWorker {
        let (req_tx, req_rx) = channel::<Request>();
        let (rep_tx, rep_rx) = channel::<Reply>();
        let thread = std::thread::Builder::new()
            .name("till".into())
            .spawn(move || {
                let send = |r: Reply| {
                    let _ = rep_tx.send(r);
                    wake();
                };
                let mut till = match Till::open(&config) {
                    Ok(mut t) => {
                        t.set_hub(hub);
                        t
                    }
                    Err(e) => {
                        tracing::error!("cannot open the till: {e}");
                        send(Reply::OpenFailed(e));
                        return;
                    }
                };
                send(Reply::Ready {
                    catalogue: till.catalogue().clone(),
                    max_payment: till.max_payment(),
                    journal_path: till.journal().path().to_path_buf(),
                    printer: till.printer_description(),
                    snapshot: snapshot(&till),
                });
                while let Ok(request) = req_rx.recv() {
                    tracing::debug!(?request, "till request");
                    let Some(reply) = handle(&mut till, request) else {
                        continue;
                    };
                    if let Reply::Failed { error, .. } = &reply {
                        tracing::warn!("step failed: {error}");
                    }
                    send(reply);
                }
            })
            .expect("the till thread starts");
        TillWorker {
            requests: Some(req_tx),
            replies: rep_rx,
            thread: Some(thread),
        }
    }

    /// Sends a request; false if the till thread is gone.
    pub fn send(&self, request: Request) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|tx| tx.send(request).is_ok())
    }

    /// The next reply, if one is waiting.
    pub fn try_recv(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }
}

impl Drop for TillWorker {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the request in hand.
        self.requests.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
