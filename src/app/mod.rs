//! App services over the layers below: the till and its services (payments, shifts,
//! users and access, printer, reports, corrections, support), recovery, the sync
//! worker, configuration, exports, and the worker thread the UI talks to. The UI and
//! the CLI both go through here; neither touches SQL or ESC/POS. Results are typed
//! here and worded at the edges through [`messages`].

pub mod access;
pub mod cash;
pub mod config;
pub mod corrections;
pub mod daily_backup;
pub mod diagnostics;
pub mod export;
pub mod fiscal;
pub mod flow;
pub mod hub_link;
pub mod journal_check;
pub mod messages;
pub mod payments;
pub mod printer;
pub mod reconcile;
pub mod recovery;
pub mod report_thread;
pub mod reports;
pub mod shifts;
pub mod support;
pub mod sync;
pub mod terminal;
pub mod till;
pub mod worker;
