//! The payment hub from the terminal's side: the client; the protocol's wire types and
//! the reference hub (crates of their own) re-exported.

pub mod client;

pub use paydesk_hub as server;
pub use paydesk_protocol as protocol;
