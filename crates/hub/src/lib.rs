//! `paydesk-hub`, the reference payment hub: the protocol of [`super::protocol`] over
//! HTTP (axum), a SQLite store, simulated operators and fault switches.
//!
//! Used by training mode (in-process, on a random loopback port), by every
//! integration test, and on its own as the `paydesk-hub` binary.

#![warn(missing_docs)]

// The layers below, under the names the hub's modules use.
use paydesk_core::domain;
use paydesk_fs as files;

pub mod faults;
pub mod sim;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::operator::Catalogue;
use paydesk_protocol::{
    BindRequest, CatalogueResponse, CheckRequest, CorrectionRequest, ErrorBody, ErrorCode,
    MAX_BATCH, PayRequest, StatusBatchRequest, StatusBatchResponse,
};

use faults::{After, FaultPlan, Faults, Plan};
use sim::Simulation;
use store::{Store, StoreError, Written};

/// The OpenAPI description the hub serves at `/v1/openapi.yaml`.
pub const OPENAPI: &str = include_str!("../../../docs/hub-api.yaml");

/// A terminal the hub knows, with its bearer token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalCredential {
    /// Terminal id.
    pub id: String,
    /// Its bearer token.
    pub token: String,
    /// The agent's prepaid balance the hub starts keeping for it, e.g. "50000.00"
    /// (none: the hub keeps no balance, payments are not limited by one). A restarted
    /// hub keeps what was left; `paydesk-hub terminal top-up` adds to it.
    #[serde(default)]
    pub balance: Option<crate::domain::money::Money>,
}

/// The terminals file: `[[terminal]] id = "…" token = "…"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalsFile {
    /// The terminals.
    pub terminal: Vec<TerminalCredential>,
}

/// The hub's certificate chain and private key (PEM files) for HTTPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// Certificate chain, leaf first.
    pub cert: PathBuf,
    /// The leaf's private key.
    pub key: PathBuf,
}

/// Everything a hub needs to run.
#[derive(Clone, Debug)]
pub struct HubOptions {
    /// Serve HTTPS with these (plain HTTP without).
    pub tls: Option<TlsFiles>,
    /// Its SQLite file.
    pub db: PathBuf,
    /// `synchronous=FULL` (true) or `NORMAL`.
    pub durable: bool,
    /// The terminals and tokens it accepts.
    pub terminals: Vec<TerminalCredential>,
    /// The operator catalogue it serves.
    pub catalogue: Catalogue,
    /// How fast the simulated operators move.
    pub sim: Simulation,
    /// What to break.
    pub faults: Faults,
}

/// The hub's shared state.
pub struct HubState {
    store: Store,
    terminals: Vec<TerminalCredential>,
    catalogue: Catalogue,
    sim: Simulation,
    faults: FaultPlan,
}

impl HubState {
    /// Opens the store and arms the faults.
    pub fn new(options: HubOptions) -> Result<HubState, StoreError> {
        let store = Store::open(&options.db, options.durable)?;
        for t in &options.terminals {
            if let Some(b) = t.balance {
                store.keep_balance(&t.id, b)?;
            }
        }
        Ok(HubState {
            store,
            terminals: options.terminals,
            catalogue: options.catalogue,
            sim: options.sim,
            faults: FaultPlan::new(options.faults),
        })
    }

    /// The store (tests count what the hub holds through it).
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// `paydesk-hub terminal rebind`: forgets which journal delivers for `terminal` in the
/// store at `db` (its old PC or journal is gone for good); the next journal to deliver
/// for it is bound. Returns what happened, in words.
pub fn rebind(db: &std::path::Path, terminal: &str) -> Result<String, String> {
    if !db.is_file() {
        return Err(format!("{} is not a hub store", db.display()));
    }
    let store = Store::open(db, true).map_err(|e| format!("{}: {e}", db.display()))?;
    Ok(match store.unbind(terminal).map_err(|e| e.to_string())? {
        Some(old) => format!(
            "terminal {terminal} is no longer bound to journal {old}: the next journal to deliver for it is bound"
        ),
        None => format!("terminal {terminal} was not bound to a journal: nothing to do"),
    })
}

/// `paydesk-hub terminal top-up`: adds to a terminal's balance in the store at `db`
/// (the agent paid into its account at the payment system). Returns the new balance,
/// in words.
pub fn top_up(
    db: &std::path::Path,
    terminal: &str,
    amount: crate::domain::money::Money,
) -> Result<String, String> {
    if !db.is_file() {
        return Err(format!("{} is not a hub store", db.display()));
    }
    let store = Store::open(db, true).map_err(|e| format!("{}: {e}", db.display()))?;
    let balance = store.top_up(terminal, amount).map_err(|e| e.to_string())?;
    Ok(format!(
        "terminal {terminal}: balance {balance} after a top-up of {amount}"
    ))
}

/// An error answer.
struct ApiError(StatusCode, ErrorBody);

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError(
            status,
            ErrorBody {
                code,
                message: message.into(),
                retry: status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS,
                epoch: None,
            },
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, axum::Json(self.1)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict(id) => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::ConflictDifferentBody,
                format!("{id} was already used with a different body; it will not be paid twice"),
            ),
            StoreError::StaleEpoch {
                terminal,
                sent,
                newest,
            } => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::StaleEpoch,
                    format!(
                        "epoch {sent} is older than {newest}, the newest seen for terminal {terminal}: another process leads"
                    ),
                );
                e.1.epoch = Some(newest);
                e
            }
            StoreError::EpochOutOfRange {
                terminal,
                sent,
                newest,
            } => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::EpochOutOfRange,
                format!(
                    "epoch {sent} is out of range for terminal {terminal}: the newest seen is {newest}, and an epoch grows by one per takeover (at most {} at once)",
                    paydesk_protocol::MAX_EPOCH_STEP
                ),
            ),
            StoreError::OtherJournal {
                terminal,
                bound,
                sent,
            } => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::OtherJournal,
                format!(
                    "terminal {terminal} delivers from journal {bound}, not {sent}: if the terminal's PC or journal was replaced, the hub's operator runs `paydesk-hub terminal rebind {terminal}` once the old one is gone"
                ),
            ),
            StoreError::ReceiptNumberTaken {
                terminal,
                number,
                other,
            } => ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::ReceiptNumberTaken,
                format!(
                    "payment {other} of terminal {terminal} already has fiscal receipt No. {number}: two journals are numbering this terminal"
                ),
            ),
            StoreError::InsufficientBalance {
                terminal,
                balance,
                amount,
            } => {
                let mut e = ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::InsufficientBalance,
                    format!(
                        "the agent's balance for terminal {terminal} is {balance}, below the payment's {amount}: the payment is not registered; it goes through once the balance is topped up"
                    ),
                );
                // Not the payment's fault: the same payment succeeds after a top-up.
                e.1.retry = true;
                e
            }
            StoreError::NotFound(id) => ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                format!("no {id}"),
            ),
            StoreError::Sqlite(e) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                format!("hub storage: {e}"),
            ),
        }
    }
}

type Hub = State<Arc<HubState>>;

/// The token of an `Authorization: Bearer <token>` header; the scheme is
/// case-insensitive (RFC 7235).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(char::is_whitespace)?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The terminal a request's bearer token belongs to.
fn terminal(hub: &HubState, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "send Authorization: Bearer <token>",
            )
        })?;
    hub.terminals
        .iter()
        .find(|t| t.token == token)
        .map(|t| t.id.clone())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "unknown token",
            )
        })
}

/// What is wrong with a request that parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestProblem {
    /// It does not follow the protocol file (400).
    Malformed(String),
    /// It follows the file but breaks one of its rules (422).
    BreaksRule(String),
}

fn length_problem(fields: &[(&str, &str, usize, usize)]) -> Option<String> {
    fields.iter().find_map(|(name, value, min, max)| {
        let n = value.chars().count();
        (n < *min || n > *max).then(|| format!("{name} must be {min} to {max} characters, not {n}"))
    })
}

fn count_problem(fields: &[(&str, u64)]) -> Option<String> {
    fields
        .iter()
        .find_map(|(name, value)| (*value == 0).then(|| format!("{name} starts at 1")))
}

/// Checks a payment as the protocol file states it: text lengths and numbers
/// (malformed otherwise), total = amount + fee with an amount above zero.
pub fn check_pay_request(req: &PayRequest) -> Result<(), RequestProblem> {
    if let Some(m) = length_problem(&[
        ("terminal_id", &req.terminal_id, 1, 32),
        ("operator", &req.operator, 1, 32),
        ("account", &req.account, 1, 64),
    ])
    .or_else(|| {
        count_problem(&[
            ("pre_receipt_no", req.pre_receipt_no),
            ("fiscal_receipt_no", req.fiscal_receipt_no),
            ("shift_no", req.shift_no),
        ])
    }) {
        return Err(RequestProblem::Malformed(m));
    }
    if req.total.checked_sub(req.fee) != Some(req.amount) || req.amount.is_zero() {
        return Err(RequestProblem::BreaksRule(
            "total must be amount + fee, amount above zero".into(),
        ));
    }
    Ok(())
}

/// Texts within the lengths the protocol file gives (in characters).
fn lengths(fields: &[(&str, &str, usize, usize)]) -> Result<(), ApiError> {
    match length_problem(fields) {
        Some(m) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            m,
        )),
        None => Ok(()),
    }
}

/// Document numbers start at 1.
fn counts(fields: &[(&str, u64)]) -> Result<(), ApiError> {
    match count_problem(fields) {
        Some(m) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            m,
        )),
        None => Ok(()),
    }
}

fn same_terminal(token_terminal: &str, body_terminal: &str) -> Result<(), ApiError> {
    if token_terminal == body_terminal {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::WrongTerminal,
            format!("the token is terminal {token_terminal}'s, the body says {body_terminal}"),
        ))
    }
}

fn body<T>(b: Result<axum::Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|axum::Json(v)| v).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            e.body_text(),
        )
    })
}

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("{s:?} is not a UUID"),
        )
    })
}

/// Runs blocking store work off the async threads.
async fn blocking<T: Send + 'static>(
    hub: &Arc<HubState>,
    f: impl FnOnce(&HubState) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let hub = hub.clone();
    tokio::task::spawn_blocking(move || f(&hub))
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Unavailable,
                e.to_string(),
            )
        })?
}

async fn operators(State(hub): Hub, headers: HeaderMap) -> Result<Response, ApiError> {
    terminal(&hub, &headers)?;
    let etag = format!("\"{}\"", hub.catalogue.version);
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        axum::Json(CatalogueResponse {
            version: hub.catalogue.version.clone(),
            operators: hub.catalogue.operators.clone(),
        })
        .into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

async fn check(
    State(hub): Hub,
    headers: HeaderMap,
    b: Result<axum::Json<CheckRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let req = body(b)?;
    lengths(&[
        ("operator", &req.operator, 1, 32),
        ("account", &req.account, 1, 64),
    ])?;
    let balance = blocking(&hub, move |h| Ok(h.store.balance(&t)?)).await?;
    let mut answer = hub
        .sim
        .check(&hub.catalogue, &req.operator, &req.account, req.amount);
    answer.balance = balance;
    if answer.code == paydesk_protocol::CheckCode::Ok && balance.is_some_and(|b| b < req.amount) {
        answer.code = paydesk_protocol::CheckCode::InsufficientBalance;
        answer.message = "not enough money on the agent's account at the hub".into();
        answer.display.clear();
    }
    Ok(axum::Json(answer).into_response())
}

/// `?date=YYYY-MM-DD&tz=Area/City` of the registry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryQuery {
    date: String,
    #[serde(default)]
    tz: Option<String>,
}

async fn registry(
    State(hub): Hub,
    headers: HeaderMap,
    query: Result<axum::extract::Query<RegistryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, m);
    let q = query
        .map_err(|e| {
            bad(format!(
                "give ?date=YYYY-MM-DD (and optionally &tz=Area/City): {e}"
            ))
        })?
        .0;
    let date = chrono::NaiveDate::parse_from_str(&q.date, "%Y-%m-%d")
        .map_err(|_| bad(format!("date {:?} is not YYYY-MM-DD", q.date)))?;
    let tz: chrono_tz::Tz = match q.tz.as_deref() {
        None => chrono_tz::UTC,
        Some(name) => name.parse().map_err(|_| {
            bad(format!(
                "tz {name:?} is not an IANA time zone such as Europe/Moscow"
            ))
        })?,
    };
    let midnight = |d: chrono::NaiveDate| {
        use chrono::TimeZone;
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let (Some(from), Some(to)) = (midnight(date), date.succ_opt().and_then(midnight)) else {
        return Err(bad(format!("date {:?} has no midnight in {tz}", q.date)));
    };
    let terminal_id = t.clone();
    let rows = blocking(&hub, move |h| Ok(h.store.registry(&t, from, to)?)).await?;
    let now = Utc::now();
    let payments = rows
        .into_iter()
        .map(|(p, req)| {
            let status = hub.sim.status(&p, now);
            paydesk_protocol::RegistryEntry {
                id: p.id,
                operator: req.operator,
                account: p.account,
                amount: p.amount,
                fee: req.fee,
                total: req.total,
                fiscal_receipt_no: req.fiscal_receipt_no,
                accepted_at: req.accepted_at,
                status: status.status,
                hub_reference: status.hub_reference,
            }
        })
        .collect();
    Ok(axum::Json(paydesk_protocol::RegistryResponse {
        terminal_id,
        date: date.format("%Y-%m-%d").to_string(),
        from,
        to,
        payments,
    })
    .into_response())
}

async fn balance(State(hub): Hub, headers: HeaderMap) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let balance = blocking(&hub, move |h| Ok(h.store.balance(&t)?)).await?;
    Ok(axum::Json(paydesk_protocol::BalanceResponse {
        balance,
        at: Utc::now(),
    })
    .into_response())
}

async fn pay(
    State(hub): Hub,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<axum::Json<PayRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let id = id(&raw_id)?;
    let req = body(b)?;
    check_pay_request(&req).map_err(|p| match p {
        RequestProblem::Malformed(m) => {
            ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, m)
        }
        RequestProblem::BreaksRule(m) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidPayment,
            m,
        ),
    })?;
    same_terminal(&t, &req.terminal_id)?;
    let written = blocking(&hub, move |h| Ok(h.store.pay(id, &req, Utc::now())?)).await?;
    let status = hub.sim.status(written.value(), Utc::now());
    Ok((created_or_ok(&written), axum::Json(status)).into_response())
}

async fn payment(
    State(hub): Hub,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let id = id(&raw_id)?;
    let p = blocking(&hub, move |h| Ok(h.store.payment(id)?)).await?;
    // Another terminal's payment is "not found": its existence is not revealed.
    let p = p.filter(|p| p.terminal_id == t).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("the hub has no payment {id}"),
        )
    })?;
    Ok(axum::Json(hub.sim.status(&p, Utc::now())).into_response())
}

async fn status_batch(
    State(hub): Hub,
    headers: HeaderMap,
    b: Result<axum::Json<StatusBatchRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let req = body(b)?;
    if req.ids.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("at most {MAX_BATCH} ids per call"),
        ));
    }
    let ids = req.ids.clone();
    let mut found = blocking(&hub, move |h| Ok(h.store.payments(&ids)?)).await?;
    // Other terminals' payments are unknown to this one.
    found.retain(|p| p.terminal_id == t);
    let now = Utc::now();
    let unknown = req
        .ids
        .iter()
        .filter(|id| !found.iter().any(|p| p.id == **id))
        .copied()
        .collect();
    Ok(axum::Json(StatusBatchResponse {
        payments: found.iter().map(|p| hub.sim.status(p, now)).collect(),
        unknown,
    })
    .into_response())
}

async fn bind(
    State(hub): Hub,
    headers: HeaderMap,
    b: Result<axum::Json<BindRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let req = body(b)?;
    let bound = blocking(&hub, move |h| Ok(h.store.bind(&t, req.journal_id)?)).await?;
    Ok(axum::Json(bound).into_response())
}

async fn put_correction(
    State(hub): Hub,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
    b: Result<axum::Json<CorrectionRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let id = id(&raw_id)?;
    let req = body(b)?;
    lengths(&[
        ("terminal_id", &req.terminal_id, 1, 32),
        ("reason", &req.reason, 0, 1000),
        (
            "new_account",
            req.new_account.as_deref().unwrap_or("x"),
            1,
            64,
        ),
        (
            "approved_by",
            req.approved_by.as_deref().unwrap_or(""),
            0,
            64,
        ),
    ])?;
    counts(&[("fiscal_receipt_no", req.fiscal_receipt_no)])?;
    same_terminal(&t, &req.terminal_id)?;
    let written = blocking(&hub, move |h| {
        let now = Utc::now();
        let payment = h
            .store
            .payment(req.payment_id)?
            .filter(|p| p.terminal_id == req.terminal_id)
            .ok_or(StoreError::NotFound(req.payment_id))?;
        let status = h.sim.status(&payment, now);
        let written = h
            .store
            .correction(id, &req, || h.sim.decide(&req, &status), now)?;
        if let Written::Created(c) = &written
            && c.decision == paydesk_protocol::CorrectionStateName::Accepted
        {
            h.store.set_outcome(
                req.payment_id,
                Simulation::effect(c.kind),
                None,
                h.sim.effective_at(c.registered_at),
            )?;
        }
        Ok(written)
    })
    .await?;
    let state = hub.sim.correction_state(written.value(), Utc::now());
    Ok((created_or_ok(&written), axum::Json(state)).into_response())
}

async fn get_correction(
    State(hub): Hub,
    headers: HeaderMap,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let t = terminal(&hub, &headers)?;
    let id = id(&raw_id)?;
    let c = blocking(&hub, move |h| Ok(h.store.stored_correction(id)?)).await?;
    let c = c.filter(|c| c.terminal_id == t).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("the hub has no correction {id}"),
        )
    })?;
    Ok(axum::Json(hub.sim.correction_state(&c, Utc::now())).into_response())
}

/// 201 for a write done now, 200 for a replay of a stored one.
fn created_or_ok<T>(written: &Written<T>) -> StatusCode {
    match written {
        Written::Created(_) => StatusCode::CREATED,
        Written::Replayed(_) => StatusCode::OK,
    }
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/yaml")], OPENAPI).into_response()
}

/// Applies the fault plan around a request.
async fn misbehave(State(hub): Hub, request: Request, next: Next) -> Response {
    if hub.faults.is_quiet() {
        return next.run(request).await;
    }
    match hub.faults.draw() {
        Plan::Down => drop_connection(),
        Plan::Error => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "simulated failure: try again",
        )
        .into_response(),
        Plan::Serve { latency, after } => {
            tokio::time::sleep(latency).await;
            let response = next.run(request).await;
            match after {
                After::Answer => response,
                After::Drop => drop_connection(),
                After::Late(delay) => {
                    tokio::time::sleep(delay).await;
                    response
                }
            }
        }
    }
}

/// Ends the connection without an answer: the connection's task unwinds and the
/// socket is closed (no panic message: this is on purpose).
fn drop_connection() -> ! {
    std::panic::resume_unwind(Box::new("paydesk-hub: simulated dropped connection"))
}

/// The hub's routes.
pub fn router(hub: Arc<HubState>) -> Router {
    let api = Router::new()
        .route("/v1/operators", get(operators))
        .route("/v1/check", post(check))
        .route("/v1/balance", get(balance))
        .route("/v1/registry", get(registry))
        .route("/v1/payments/status", post(status_batch))
        .route("/v1/payments/{id}", put(pay).get(payment))
        .route("/v1/terminal/journal", put(bind))
        .route(
            "/v1/corrections/{id}",
            put(put_correction).get(get_correction),
        )
        .layer(axum::middleware::from_fn_with_state(hub.clone(), misbehave));
    Router::new()
        .route("/v1/openapi.yaml", get(openapi))
        .merge(api)
        .with_state(hub)
}

fn tls_acceptor(files: &TlsFiles) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &std::path::Path, e: &dyn std::fmt::Display| {
        std::io::Error::other(format!("{}: {e}", what.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad(&files.cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| bad(&files.cert, &e))?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| bad(&files.key, &e))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| bad(&files.cert, &e))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Accepts TCP connections and completes the TLS handshake before handing them on.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = match self.tcp.accept().await {
                Ok(c) => c,
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            // A client that fails the handshake is simply not served.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// A hub running on its own thread and runtime (training mode, tests).
pub struct RunningHub {
    addr: SocketAddr,
    https: bool,
    state: Arc<HubState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningHub {
    /// Starts a hub on `listen` (`127.0.0.1:0` picks a free port).
    pub fn start(options: HubOptions, listen: SocketAddr) -> std::io::Result<RunningHub> {
        let acceptor = options.tls.as_ref().map(tls_acceptor).transpose()?;
        let state = Arc::new(HubState::new(options).map_err(std::io::Error::other)?);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hub")
            .enable_all()
            .build()?;
        let listener = runtime.block_on(tokio::net::TcpListener::bind(listen))?;
        let addr = listener.local_addr()?;
        let https = acceptor.is_some();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        let thread = std::thread::Builder::new()
            .name("hub-server".into())
            .spawn(move || {
                // Stop at once, not gracefully: a deliberately late answer must not hold
                // the shutdown; the runtime's shutdown drops every connection.
                runtime.block_on(async move {
                    match acceptor {
                        Some(acceptor) => tokio::select! {
                            _ = axum::serve(TlsListener { tcp: listener, acceptor }, app) => {}
                            _ = rx => {}
                        },
                        None => tokio::select! {
                            _ = axum::serve(listener, app) => {}
                            _ = rx => {}
                        },
                    }
                });
                runtime.shutdown_timeout(std::time::Duration::from_millis(100));
            })?;
        Ok(RunningHub {
            addr,
            https,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` when serving TLS).
    pub fn url(&self) -> String {
        format!(
            "{}://{}",
            if self.https { "https" } else { "http" },
            self.addr
        )
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its state (the store, for counting what it holds).
    pub fn state(&self) -> &Arc<HubState> {
        &self.state
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
