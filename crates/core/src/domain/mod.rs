//! The rules of the shop, with no I/O: money, operators, the payment state machine,
//! the documents a payment prints. Most unit and property tests live here.

pub mod cash;
pub mod correction;
pub mod delivery;
pub mod entry;
pub mod hub;
pub mod money;
pub mod operator;
pub mod payment;
pub mod period;
pub mod receipt;
pub mod reconcile;
pub mod report;
pub mod time;
pub mod user;
