//! paydesk: a cashier terminal for shops that accept third-party payments in cash.
//!
//! See `ARCHITECTURE.md` for the map of layers and where each rule lives.

#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod crashpoint;
pub mod domain;
pub mod files;
pub mod hub;
pub mod i18n;
pub mod journal;
pub mod logging;
pub mod printing;
pub mod report;
pub mod ui;
