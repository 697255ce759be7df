//! paydesk's rules, with no I/O: money, operators and their catalogue, what the
//! cashier typed, the payment's state machine, documents as data, corrections, users
//! and roles, delivery and hub statuses, and every text in Russian, Polish and English.
//!
//! The lowest layer: it depends on no other paydesk crate (see `ARCHITECTURE.md`).

#![warn(missing_docs)]

pub mod domain;
pub mod i18n;
