//! The terminal's connection to its hub: a client for the configured hub, or in
//! training mode the reference hub started in this process on a loopback port with a
//! fresh token, so the whole path (HTTP, idempotency, status) runs in every default run.

use std::net::SocketAddr;

use crate::hub::client::HubClient;
use crate::hub::server::sim::Simulation;
use crate::hub::server::{HubOptions, RunningHub, TerminalCredential};

use super::config::{Config, HubTarget};
use crate::domain::operator::demo_catalogue;

/// A hub to deliver to (and, in training mode, the hub itself, kept alive).
pub struct HubLink {
    /// The client.
    pub client: HubClient,
    /// The in-process hub of training mode.
    pub server: Option<RunningHub>,
}

/// Why there is no hub to talk to.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Nothing configured outside training mode.
    #[error("no hub is configured: set [hub] url and token in the config")]
    NotConfigured,
    /// The training hub could not start.
    #[error("the training hub could not start: {0}")]
    Training(std::io::Error),
    /// The certificates to trust cannot be used.
    #[error("[hub] ca_file {path}: {message}; give a PEM file with the hub's CA certificate")]
    Ca {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Connects to the configured hub, starting the training hub if that is the target.
pub fn connect(config: &Config) -> Result<HubLink, LinkError> {
    match &config.hub.target {
        HubTarget::None => Err(LinkError::NotConfigured),
        HubTarget::Remote { url, token } => {
            let client = match &config.hub.ca_file {
                None => HubClient::new(url, token, config.hub.timeout),
                Some(path) => {
                    let ca_error = |message: String| LinkError::Ca {
                        path: path.clone(),
                        message,
                    };
                    let pem = crate::files::read_text_capped(path, 1024 * 1024)
                        .map_err(|e| ca_error(e.to_string()))?;
                    HubClient::with_ca(url, token, config.hub.timeout, pem.as_bytes())
                        .map_err(ca_error)?
                }
            };
            Ok(HubLink {
                client,
                server: None,
            })
        }
        HubTarget::InProcess => {
            let token = uuid::Uuid::now_v7().simple().to_string();
            let db = config
                .journal_path
                .with_file_name("paydesk-training-hub.sqlite");
            let server = RunningHub::start(
                HubOptions {
                    tls: None,
                    db,
                    durable: true,
                    terminals: vec![TerminalCredential {
                        id: config.terminal_id.clone(),
                        token: token.clone(),
                        balance: None,
                    }],
                    catalogue: demo_catalogue(config.currency.code()),
                    sim: Simulation::default(),
                    faults: Default::default(),
                },
                SocketAddr::from(([127, 0, 0, 1], 0)),
            )
            .map_err(LinkError::Training)?;
            // The training hub belongs to the journal beside it: a new training journal
            // (the old one deleted) is bound anew, continuing the hub's numbers.
            let _ = server.state().store().unbind(&config.terminal_id);
            Ok(HubLink {
                client: HubClient::new(&server.url(), &token, config.hub.timeout),
                server: Some(server),
            })
        }
    }
}
