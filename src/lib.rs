//! paydesk: a cashier terminal for shops that accept third-party payments in cash.
//!
//! This crate is the top layer: the app services (`app`), the screens (`ui`) and the
//! command line (`cli`, `report`'s presentation). The layers below are crates of their
//! own, re-exported here under their old names; see `ARCHITECTURE.md` for the map.

#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod hub;
pub mod logging;
pub mod report;
pub mod ui;

pub use paydesk_core::{domain, i18n};
pub use paydesk_fiscal as fiscal;
pub use paydesk_fs as files;
pub use paydesk_journal as journal;
pub use paydesk_journal::crashpoint;
pub use paydesk_printing as printing;
