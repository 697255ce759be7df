//! The terminal's side of the hub protocol: a blocking HTTP client (worker threads
//! call it; the UI never does).
//!
//! Every answer is sorted into what the caller must do: done, a final refusal (stop,
//! show the reason), fenced (stop pushing, another process leads), or unknown (the
//! request may or may not have happened: send the same request again later).

use std::time::Duration;

use uuid::Uuid;

use super::protocol::{
    CatalogueResponse, CheckRequest, CheckResponse, CorrectionRequest, CorrectionState, ErrorBody,
    ErrorCode, PayRequest, PaymentStatus, StatusBatchRequest, StatusBatchResponse,
};

/// Why a request did not give an answer to act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HubError {
    /// The hub refused for good (`retry: false`): e.g. the same id with another body.
    #[error("the hub refused: {code:?}: {message}")]
    Refused {
        /// The hub's code.
        code: ErrorCode,
        /// Its words.
        message: String,
    },
    /// Another process holds a newer lease epoch: stop pushing.
    #[error("fenced off: {0}")]
    Fenced(String),
    /// The hub does not accept this terminal's token: a configuration problem.
    #[error("the hub does not accept this terminal's token ({0}); check [hub] token")]
    Unauthorized(String),
    /// No usable answer (timeout, dropped connection, 5xx, unreadable body): whether
    /// the request took effect is unknown.
    #[error("no answer from the hub: {0}")]
    Unknown(String),
}

impl HubError {
    /// True when sending the same request again may succeed.
    pub fn is_temporary(&self) -> bool {
        matches!(self, HubError::Unknown(_) | HubError::Unauthorized(_))
    }
}

/// Certificates trusted for the hub's HTTPS instead of the public roots.
type Roots = std::sync::Arc<Vec<ureq::tls::Certificate<'static>>>;

/// A connection to one hub for one terminal.
#[derive(Clone)]
pub struct HubClient {
    agent: ureq::Agent,
    base: String,
    auth: String,
    roots: Option<Roots>,
}

fn agent(timeout: Duration, roots: Option<&Roots>) -> ureq::Agent {
    let mut tls = ureq::tls::TlsConfig::builder();
    if let Some(r) = roots {
        tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(r));
    }
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("paydesk/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build(),
    )
}

impl HubClient {
    /// A client for the hub at `base` (e.g. `https://hub.example.com`) with the
    /// terminal's bearer token; each request gives up after `timeout`. HTTPS trusts the
    /// public roots.
    pub fn new(base: &str, token: &str, timeout: Duration) -> HubClient {
        HubClient {
            agent: agent(timeout, None),
            base: base.trim_end_matches('/').to_string(),
            auth: format!("Bearer {token}"),
            roots: None,
        }
    }

    /// Like [`HubClient::new`], trusting only the certificates in `ca_pem` (a private
    /// CA or the hub's own certificate) for HTTPS.
    pub fn with_ca(
        base: &str,
        token: &str,
        timeout: Duration,
        ca_pem: &[u8],
    ) -> Result<HubClient, String> {
        let certs: Vec<ureq::tls::Certificate<'static>> = ureq::tls::parse_pem(ca_pem)
            .filter_map(|item| match item {
                Ok(ureq::tls::PemItem::Certificate(c)) => Some(Ok(c)),
                Ok(_) => None,
                Err(e) => Some(Err(e.to_string())),
            })
            .collect::<Result<_, _>>()?;
        if certs.is_empty() {
            return Err("no certificate in it (expected PEM \"BEGIN CERTIFICATE\" blocks)".into());
        }
        let roots = std::sync::Arc::new(certs);
        Ok(HubClient {
            agent: agent(timeout, Some(&roots)),
            base: base.trim_end_matches('/').to_string(),
            auth: format!("Bearer {token}"),
            roots: Some(roots),
        })
    }

    /// The same hub, token and trust with another per-request timeout.
    pub fn with_timeout(&self, timeout: Duration) -> HubClient {
        HubClient {
            agent: agent(timeout, self.roots.as_ref()),
            ..self.clone()
        }
    }

    /// The hub's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn answer<T: serde::de::DeserializeOwned>(
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<(u16, T), HubError> {
        let mut response = result.map_err(|e| HubError::Unknown(e.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| HubError::Unknown(format!("reading the answer: {e}")))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&text)
                .map(|v| (status, v))
                .map_err(|e| HubError::Unknown(format!("unreadable answer ({status}): {e}")));
        }
        let Ok(err) = serde_json::from_str::<ErrorBody>(&text) else {
            return Err(HubError::Unknown(format!(
                "HTTP {status} without an error body"
            )));
        };
        Err(match err.code {
            ErrorCode::StaleEpoch => HubError::Fenced(err.message),
            ErrorCode::Unauthorized | ErrorCode::WrongTerminal => {
                HubError::Unauthorized(err.message)
            }
            _ if err.retry || status >= 500 => {
                HubError::Unknown(format!("HTTP {status}: {}", err.message))
            }
            code => HubError::Refused {
                code,
                message: err.message,
            },
        })
    }

    /// Delivers a payment (idempotent by `id`).
    pub fn pay(&self, id: Uuid, req: &PayRequest) -> Result<PaymentStatus, HubError> {
        let r = self
            .agent
            .put(&self.url(&format!("/v1/payments/{id}")))
            .header("Authorization", &self.auth)
            .send_json(req);
        HubClient::answer(r).map(|(_, v)| v)
    }

    /// Asks for a correction (idempotent by `id`: the same request again returns the
    /// stored one).
    pub fn put_correction(
        &self,
        id: Uuid,
        req: &CorrectionRequest,
    ) -> Result<CorrectionState, HubError> {
        let r = self
            .agent
            .put(&self.url(&format!("/v1/corrections/{id}")))
            .header("Authorization", &self.auth)
            .send_json(req);
        HubClient::answer(r).map(|(_, v)| v)
    }

    /// Where a correction request stands.
    pub fn correction(&self, id: Uuid) -> Result<CorrectionState, HubError> {
        let r = self
            .agent
            .get(&self.url(&format!("/v1/corrections/{id}")))
            .header("Authorization", &self.auth)
            .call();
        HubClient::answer(r).map(|(_, v)| v)
    }

    /// The status of up to `MAX_BATCH` payments.
    pub fn statuses(&self, ids: &[Uuid]) -> Result<StatusBatchResponse, HubError> {
        let r = self
            .agent
            .post(&self.url("/v1/payments/status"))
            .header("Authorization", &self.auth)
            .send_json(StatusBatchRequest { ids: ids.to_vec() });
        HubClient::answer(r).map(|(_, v)| v)
    }

    /// Asks the operator whether it would accept a payment.
    pub fn check(&self, req: &CheckRequest) -> Result<CheckResponse, HubError> {
        let r = self
            .agent
            .post(&self.url("/v1/check"))
            .header("Authorization", &self.auth)
            .send_json(req);
        HubClient::answer(r).map(|(_, v)| v)
    }

    /// The catalogue, or `None` when `etag` is still current.
    pub fn catalogue(&self, etag: Option<&str>) -> Result<Option<CatalogueResponse>, HubError> {
        let mut req = self
            .agent
            .get(&self.url("/v1/operators"))
            .header("Authorization", &self.auth);
        if let Some(tag) = etag {
            req = req.header("If-None-Match", &format!("\"{tag}\""));
        }
        let r = req.call();
        if let Ok(resp) = &r
            && resp.status().as_u16() == 304
        {
            return Ok(None);
        }
        HubClient::answer(r).map(|(_, v)| Some(v))
    }
}
