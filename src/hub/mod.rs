//! The payment hub: the protocol the terminal speaks, and the reference hub server.

pub mod client;
pub mod protocol;
pub mod server;
