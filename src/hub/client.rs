//! The terminal's side of the hub protocol: a blocking HTTP client (worker threads
//! call it; the UI never does).
//!
//! Every answer is checked, then sorted into what the caller must do: done, a final
//! refusal (stop, show the reason), fenced (stop pushing, another process leads),
//! another journal bound to the terminal, or unknown (the request may or may not have
//! happened: send the same request again later). Nothing is taken on trust:
//! - redirects are never followed (a redirected payment would reach no hub, or the
//!   wrong one); a redirect is an error of its own;
//! - a success must be about the payment asked for, with its amount;
//! - only the protocol's defined final answers are final; anything else unexpected is
//!   "unknown" and retried.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use uuid::Uuid;

use super::protocol::{
    BindRequest, BindResponse, CatalogueResponse, CheckRequest, CheckResponse, CorrectionRequest,
    CorrectionState, ErrorBody, ErrorCode, PayRequest, PaymentStatus, StatusBatchRequest,
    StatusBatchResponse,
};

/// Why a request did not give an answer to act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HubError {
    /// The hub refused for good (a defined final answer): e.g. the same id with
    /// another body.
    #[error("the hub refused: {code:?}: {message}")]
    Refused {
        /// The hub's code.
        code: ErrorCode,
        /// Its words.
        message: String,
    },
    /// Another process holds a newer lease epoch: stop pushing.
    #[error("fenced off: {message}")]
    Fenced {
        /// The hub's words.
        message: String,
        /// The newest epoch the hub has seen for the terminal, when it says.
        hub_epoch: Option<u64>,
    },
    /// The hub delivers this terminal's payments from another journal.
    #[error("{0}")]
    OtherJournal(String),
    /// The agent's balance at the hub is below the payment's amount: not registered,
    /// sent again later (it goes through once the balance is topped up).
    #[error(
        "the agent's balance at the payment system is too low ({0}); the payment is sent again and goes through once the balance is topped up"
    )]
    LowBalance(String),
    /// The hub does not accept this terminal's token: a configuration problem.
    #[error("the hub does not accept this terminal's token ({0}); check [hub] token")]
    Unauthorized(String),
    /// The hub answered with a redirect, which is never followed.
    #[error(
        "the hub answered {status} with a redirect to {location}; paydesk never follows a redirect with a payment: check [hub] url"
    )]
    Redirected {
        /// The HTTP status.
        status: u16,
        /// Where it pointed.
        location: String,
    },
    /// No answer at all (connection refused, timed out, dropped, no such host): the
    /// hub or the network is down. Whether the request took effect is unknown.
    #[error("no answer from the hub: {0}")]
    Unreachable(String),
    /// An answer, but not one to act on (5xx, unreadable, about something else, not
    /// a defined refusal): whether the request took effect is unknown.
    #[error("no usable answer from the hub: {0}")]
    Unknown(String),
}

impl HubError {
    /// True when sending the same request again may succeed.
    pub fn is_temporary(&self) -> bool {
        !matches!(self, HubError::Refused { .. } | HubError::Fenced { .. })
    }
}

/// Certificates trusted for the hub's HTTPS instead of the public roots.
type Roots = Arc<rustls::RootCertStore>;

/// A connection to one hub for one terminal.
#[derive(Clone)]
pub struct HubClient {
    http: reqwest::blocking::Client,
    base: String,
    auth: String,
    roots: Option<Roots>,
}

impl std::fmt::Debug for HubClient {
    // Never the token: a logged request must not carry it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// The public roots (Mozilla's, compiled in: no system certificate store is needed).
fn public_roots() -> rustls::RootCertStore {
    rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// The HTTP client: rustls with ring, HTTP/1.1, no redirects, one deadline per request.
fn http_client(timeout: Duration, roots: Option<&Roots>) -> reqwest::blocking::Client {
    let roots = roots.map_or_else(|| Arc::new(public_roots()), Arc::clone);
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        // A redirect is returned as it is, never followed.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("paydesk/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client's settings are fixed and valid")
}

/// The hub's HTTP answer, before anything in it is trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
    /// The body as text.
    pub body: String,
}

/// The answers a call treats as final refusals: (HTTP status, error code).
type Finals = &'static [(u16, ErrorCode)];

/// Final for a payment: malformed or breaking the protocol's rules (a bug; retrying
/// cannot help), the same id with another body, a receipt number another payment of
/// the terminal has.
const PAY_FINALS: Finals = &[
    (400, ErrorCode::BadRequest),
    (409, ErrorCode::ConflictDifferentBody),
    (409, ErrorCode::ReceiptNumberTaken),
    (422, ErrorCode::InvalidPayment),
];
/// Final for a correction request: malformed, an unknown payment, a reused id.
const CORRECTION_FINALS: Finals = &[
    (400, ErrorCode::BadRequest),
    (404, ErrorCode::NotFound),
    (409, ErrorCode::ConflictDifferentBody),
];
/// Final for a question: only a malformed one.
const QUESTION_FINALS: Finals = &[(400, ErrorCode::BadRequest)];

/// Sorts an answer: a 2xx body of type `T`, or what to do about it. Pure: the
/// transport only supplies the raw answer.
pub fn classify<T: serde::de::DeserializeOwned>(
    raw: &RawAnswer,
    finals: Finals,
) -> Result<T, HubError> {
    let status = raw.status;
    if (300..400).contains(&status) {
        return Err(HubError::Redirected {
            status,
            location: raw
                .location
                .as_deref()
                .map(redact_url)
                .unwrap_or_else(|| "nowhere".into()),
        });
    }
    if (200..300).contains(&status) {
        return serde_json::from_str(&raw.body)
            .map_err(|e| HubError::Unknown(format!("unreadable answer ({status}): {e}")));
    }
    let Ok(err) = serde_json::from_str::<ErrorBody>(&raw.body) else {
        return Err(HubError::Unknown(format!(
            "HTTP {status} without an error body"
        )));
    };
    Err(match (status, err.code) {
        (409, ErrorCode::StaleEpoch) => HubError::Fenced {
            message: err.message,
            hub_epoch: err.epoch,
        },
        (409, ErrorCode::OtherJournal) => HubError::OtherJournal(err.message),
        (409, ErrorCode::InsufficientBalance) => HubError::LowBalance(err.message),
        (401, ErrorCode::Unauthorized) | (403, ErrorCode::WrongTerminal) => {
            HubError::Unauthorized(err.message)
        }
        (s, code) if finals.contains(&(s, code)) => HubError::Refused {
            code,
            message: err.message,
        },
        // Whatever `retry` says: only a defined final answer is final.
        (s, code) => HubError::Unknown(format!("HTTP {s} {code:?}: {}", err.message)),
    })
}

/// A URL as it may be shown: without a password (`https://user:****@host`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split([':', '@']).next().unwrap_or_default();
            format!("{scheme}://{user}:****@{host}{tail}")
        }
        None => url.to_string(),
    }
}

/// The error and every cause under it: reqwest's own words are short ("error
/// sending request"), the reason (refused, certificate unknown) is in the causes.
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// True when a TLS layer under `e` refused what the hub sent (an unknown certificate).
fn is_tls_refusal(e: &(dyn std::error::Error + 'static)) -> bool {
    if e.downcast_ref::<rustls::Error>().is_some() {
        return true;
    }
    // An I/O error's `source` skips the error it wraps (connectors nest them): look
    // inside instead.
    if let Some(io) = e.downcast_ref::<std::io::Error>() {
        return match io.get_ref() {
            Some(inner) => is_tls_refusal(inner),
            None => io.kind() == std::io::ErrorKind::InvalidData,
        };
    }
    e.source().is_some_and(is_tls_refusal)
}

fn transport_error(e: reqwest::Error) -> HubError {
    // The URL may carry a password; the error is worded without it.
    let e = e.without_url();
    let text = with_causes(&e);
    if is_tls_refusal(&e) {
        // Bytes came back but are not a trustworthy answer: not an outage.
        HubError::Unknown(text)
    } else if e.is_connect() || e.is_timeout() || e.is_request() {
        HubError::Unreachable(text)
    } else {
        HubError::Unknown(text)
    }
}

fn raw(result: Result<reqwest::blocking::Response, reqwest::Error>) -> Result<RawAnswer, HubError> {
    let response = result.map_err(transport_error)?;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.text().map_err(|e| {
        HubError::Unreachable(format!(
            "reading the answer: {}",
            with_causes(&e.without_url())
        ))
    })?;
    Ok(RawAnswer {
        status,
        location,
        body,
    })
}

impl HubClient {
    /// A client for the hub at `base` (e.g. `https://hub.example.com`) with the
    /// terminal's bearer token; each request gives up after `timeout`. HTTPS trusts the
    /// public roots.
    pub fn new(base: &str, token: &str, timeout: Duration) -> HubClient {
        HubClient {
            http: http_client(timeout, None),
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
        let mut store = rustls::RootCertStore::empty();
        for item in CertificateDer::pem_slice_iter(ca_pem) {
            let cert = item.map_err(|e| format!("not a PEM certificate file ({e})"))?;
            store
                .add(cert)
                .map_err(|e| format!("a certificate in it cannot be used ({e})"))?;
        }
        if store.is_empty() {
            return Err("no certificate in it (expected PEM \"BEGIN CERTIFICATE\" blocks)".into());
        }
        let roots = Arc::new(store);
        Ok(HubClient {
            http: http_client(timeout, Some(&roots)),
            base: base.trim_end_matches('/').to_string(),
            auth: format!("Bearer {token}"),
            roots: Some(roots),
        })
    }

    /// The same hub, token and trust with another per-request timeout.
    pub fn with_timeout(&self, timeout: Duration) -> HubClient {
        HubClient {
            http: http_client(timeout, self.roots.as_ref()),
            ..self.clone()
        }
    }

    /// The hub's address, as it may be shown (no password).
    pub fn base(&self) -> String {
        redact_url(&self.base)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send<B: serde::Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &B,
    ) -> Result<RawAnswer, HubError> {
        let body = serde_json::to_vec(body).map_err(|e| HubError::Unknown(e.to_string()))?;
        raw(self
            .http
            .request(method, self.url(path))
            .header(reqwest::header::AUTHORIZATION, &self.auth)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send())
    }

    fn put<B: serde::Serialize>(&self, path: &str, body: &B) -> Result<RawAnswer, HubError> {
        self.send(reqwest::Method::PUT, path, body)
    }

    fn post<B: serde::Serialize>(&self, path: &str, body: &B) -> Result<RawAnswer, HubError> {
        self.send(reqwest::Method::POST, path, body)
    }

    fn get(&self, path: &str, etag: Option<&str>) -> Result<RawAnswer, HubError> {
        let mut req = self
            .http
            .get(self.url(path))
            .header(reqwest::header::AUTHORIZATION, &self.auth);
        if let Some(tag) = etag {
            req = req.header(reqwest::header::IF_NONE_MATCH, format!("\"{tag}\""));
        }
        raw(req.send())
    }

    /// Delivers a payment (idempotent by `id`). The answer must be about this
    /// payment, with its amount.
    pub fn pay(&self, id: Uuid, req: &PayRequest) -> Result<PaymentStatus, HubError> {
        let answer = self.put(&format!("/v1/payments/{id}"), req)?;
        let status: PaymentStatus = classify(&answer, PAY_FINALS)?;
        check_payment(&status, id, Some(req))?;
        Ok(status)
    }

    /// Binds the terminal to this journal at the hub; the answer says the hub's
    /// newest epoch and the terminal's last receipt numbers there.
    pub fn bind(&self, journal_id: Uuid) -> Result<BindResponse, HubError> {
        let answer = self.put("/v1/terminal/journal", &BindRequest { journal_id })?;
        let bound: BindResponse = classify(&answer, QUESTION_FINALS)?;
        if bound.journal_id != journal_id {
            return Err(HubError::Unknown(format!(
                "the hub bound journal {} when asked to bind {journal_id}",
                bound.journal_id
            )));
        }
        Ok(bound)
    }

    /// Asks for a correction (idempotent by `id`: the same request again returns the
    /// stored one).
    pub fn put_correction(
        &self,
        id: Uuid,
        req: &CorrectionRequest,
    ) -> Result<CorrectionState, HubError> {
        let answer = self.put(&format!("/v1/corrections/{id}"), req)?;
        let state: CorrectionState = classify(&answer, CORRECTION_FINALS)?;
        if state.id != id || state.payment_id != req.payment_id {
            return Err(HubError::Unknown(format!(
                "the hub answered about correction {} of payment {} when asked about {id} of {}",
                state.id, state.payment_id, req.payment_id
            )));
        }
        Ok(state)
    }

    /// Where a correction request stands.
    pub fn correction(&self, id: Uuid) -> Result<CorrectionState, HubError> {
        let answer = self.get(&format!("/v1/corrections/{id}"), None)?;
        let state: CorrectionState = classify(&answer, CORRECTION_FINALS)?;
        if state.id != id {
            return Err(HubError::Unknown(format!(
                "the hub answered about correction {} when asked about {id}",
                state.id
            )));
        }
        Ok(state)
    }

    /// The status of up to `MAX_BATCH` payments. Answers about payments not asked
    /// for make the whole answer unusable.
    pub fn statuses(&self, ids: &[Uuid]) -> Result<StatusBatchResponse, HubError> {
        let answer = self.post(
            "/v1/payments/status",
            &StatusBatchRequest { ids: ids.to_vec() },
        )?;
        let batch: StatusBatchResponse = classify(&answer, QUESTION_FINALS)?;
        for p in &batch.payments {
            check_payment(p, p.id, None)?;
            if !ids.contains(&p.id) {
                return Err(HubError::Unknown(format!(
                    "the hub answered about payment {} that was not asked about",
                    p.id
                )));
            }
        }
        if let Some(extra) = batch.unknown.iter().find(|u| !ids.contains(u)) {
            return Err(HubError::Unknown(format!(
                "the hub answered about payment {extra} that was not asked about"
            )));
        }
        Ok(batch)
    }

    /// Asks the operator whether it would accept a payment.
    pub fn check(&self, req: &CheckRequest) -> Result<CheckResponse, HubError> {
        let answer = self.post("/v1/check", req)?;
        classify(&answer, QUESTION_FINALS)
    }

    /// The agent's balance at the hub (none: the hub keeps none for this terminal).
    pub fn balance(&self) -> Result<super::protocol::BalanceResponse, HubError> {
        let answer = self.get("/v1/balance", None)?;
        classify(&answer, QUESTION_FINALS)
    }

    /// The hub's registry of this terminal's payments accepted on `date` (its
    /// midnights in the zone `tz`, an IANA name). The answer must be about this
    /// terminal's day.
    pub fn registry(
        &self,
        date: chrono::NaiveDate,
        tz: &str,
    ) -> Result<super::protocol::RegistryResponse, HubError> {
        let day = date.format("%Y-%m-%d").to_string();
        let answer = self.get(&format!("/v1/registry?date={day}&tz={tz}"), None)?;
        let r: super::protocol::RegistryResponse = classify(&answer, QUESTION_FINALS)?;
        if r.date != day {
            return Err(HubError::Unknown(format!(
                "the hub answered with the registry of {} when asked for {day}",
                r.date
            )));
        }
        Ok(r)
    }

    /// The catalogue, or `None` when `etag` is still current.
    pub fn catalogue(&self, etag: Option<&str>) -> Result<Option<CatalogueResponse>, HubError> {
        let answer = self.get("/v1/operators", etag)?;
        if answer.status == 304 {
            return Ok(None);
        }
        classify(&answer, QUESTION_FINALS).map(Some)
    }
}

/// A payment status must be about the payment asked for (and, for a push, carry
/// its amount).
fn check_payment(
    status: &PaymentStatus,
    asked: Uuid,
    req: Option<&PayRequest>,
) -> Result<(), HubError> {
    if status.id != asked {
        return Err(HubError::Unknown(format!(
            "the hub answered about payment {} when asked about {asked}",
            status.id
        )));
    }
    if let (Some(req), Some(amount)) = (req, status.amount)
        && amount != req.amount
    {
        return Err(HubError::Unknown(format!(
            "the hub answered for payment {asked} with the amount {amount}, but it is {}",
            req.amount
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> RawAnswer {
        RawAnswer {
            status,
            location: None,
            body: body.into(),
        }
    }

    fn error(status: u16, code: &str, retry: bool) -> RawAnswer {
        answer(
            status,
            &format!(r#"{{"code":"{code}","message":"m","retry":{retry}}}"#),
        )
    }

    #[test]
    fn only_the_protocols_final_answers_are_final() {
        let refused =
            |r: Result<serde_json::Value, HubError>| matches!(r, Err(HubError::Refused { .. }));
        let unknown =
            |r: Result<serde_json::Value, HubError>| matches!(r, Err(HubError::Unknown(_)));
        // (answer, final for a push?)
        let cases = [
            (error(409, "conflict_different_body", false), true),
            (error(409, "receipt_number_taken", false), true),
            (error(400, "bad_request", false), true),
            // Not defined as final for a push, whatever `retry` says.
            (error(404, "not_found", false), false),
            (error(418, "bad_request", false), false),
            (error(500, "conflict_different_body", false), false),
            (error(503, "unavailable", true), false),
        ];
        for (a, is_final) in cases {
            let r = classify::<serde_json::Value>(&a, PAY_FINALS);
            if is_final {
                assert!(refused(r), "{a:?}");
            } else {
                assert!(unknown(r), "{a:?}");
            }
        }
        assert!(matches!(
            classify::<serde_json::Value>(&error(409, "stale_epoch", false), PAY_FINALS),
            Err(HubError::Fenced { .. })
        ));
        assert!(matches!(
            classify::<serde_json::Value>(
                &answer(
                    409,
                    r#"{"code":"stale_epoch","message":"m","retry":false,"epoch":7}"#
                ),
                PAY_FINALS
            ),
            Err(HubError::Fenced {
                hub_epoch: Some(7),
                ..
            })
        ));
        assert!(matches!(
            classify::<serde_json::Value>(&error(409, "other_journal", false), PAY_FINALS),
            Err(HubError::OtherJournal(_))
        ));
    }

    #[test]
    fn a_redirect_is_never_taken_for_an_answer() {
        let r = RawAnswer {
            status: 302,
            location: Some("https://user:secret@elsewhere.example/v1/x".into()),
            body: String::new(),
        };
        match classify::<serde_json::Value>(&r, PAY_FINALS) {
            Err(e @ HubError::Redirected { status: 302, .. }) => {
                let text = e.to_string();
                assert!(text.contains("never follows a redirect"), "{text}");
                assert!(!text.contains("secret"), "{text}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn passwords_in_urls_are_never_shown() {
        assert_eq!(
            redact_url("https://till:s3cret@hub.example.com:8443/v1?x=1"),
            "https://till:****@hub.example.com:8443/v1?x=1"
        );
        assert_eq!(
            redact_url("https://hub.example.com"),
            "https://hub.example.com"
        );
        assert_eq!(
            redact_url("https://a@b@hub.example.com/p"),
            "https://a:****@hub.example.com/p"
        );
    }
}
