//! App services: the cashier's flow, recovery, configuration and the worker thread
//! the UI talks to. The UI and the CLI both go through here; neither touches SQL or
//! ESC/POS.

pub mod access;
pub mod config;
pub mod corrections;
pub mod diagnostics;
pub mod hub_link;
pub mod messages;
pub mod recovery;
pub mod sync;
pub mod till;
pub mod worker;
