//! The reference hub over real HTTP on loopback: idempotency, fencing, auth, the
//! simulated operators, corrections, fault switches, and conformance of every answer
//! to docs/hub-api.yaml.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::Utc;
use paydesk::app::till::demo_catalogue;
use paydesk::domain::money::Money;
use paydesk::hub::protocol::*;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::hub::server::{HubOptions, OPENAPI, RunningHub, TerminalCredential};
use serde_json::Value;
use uuid::Uuid;

const TOKEN: &str = "token-of-t1";
const OTHER_TOKEN: &str = "token-of-t2";

struct Hub {
    _dir: tempfile::TempDir,
    hub: RunningHub,
    agent: reqwest::blocking::Client,
}

fn options(dir: &std::path::Path, sim: Simulation, faults: Faults) -> HubOptions {
    HubOptions {
        tls: None,
        db: dir.join("hub.sqlite"),
        durable: true,
        terminals: vec![
            TerminalCredential {
                id: "T1".into(),
                token: TOKEN.into(),
                balance: None,
            },
            TerminalCredential {
                id: "T2".into(),
                token: OTHER_TOKEN.into(),
                balance: None,
            },
        ],
        catalogue: demo_catalogue("RUB"),
        sim,
        faults,
    }
}

fn fast_sim() -> Simulation {
    Simulation {
        processing_after: Duration::from_millis(100),
        complete_after: Duration::from_millis(300),
    }
}

impl Hub {
    fn start(sim: Simulation, faults: Faults) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let hub = RunningHub::start(
            options(dir.path(), sim, faults),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .unwrap();
        // Plain HTTP; reqwest still wants a TLS provider chosen (paydesk's: ring).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let agent = reqwest::blocking::Client::builder()
            .timeout(Duration::from_millis(800))
            .build()
            .unwrap();
        Hub {
            _dir: dir,
            hub,
            agent,
        }
    }

    fn quiet() -> Hub {
        Hub::start(fast_sim(), Faults::default())
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.url())
    }

    /// (status, JSON body) of a request with a token; Err on a transport failure.
    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), reqwest::Error> {
        let auth = token.map(|t| format!("Bearer {t}"));
        self.call_with(method, path, auth.as_deref(), body)
    }

    /// Like `call` with the `Authorization` header's whole value.
    fn call_with(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value), reqwest::Error> {
        let url = self.url(path);
        let auth = auth.map(str::to_string);
        let mut r = match method {
            "GET" => self.agent.get(&url),
            "PUT" => self.agent.put(&url),
            _ => self.agent.post(&url),
        };
        if let Some(a) = &auth {
            r = r.header("Authorization", a);
        }
        if method != "GET" {
            r = r
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(&body.unwrap_or(Value::Null)).unwrap());
        }
        let response = r.send()?;
        let status = response.status().as_u16();
        let text = response.text()?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    fn pay(&self, id: Uuid, req: &PayRequest) -> (u16, Value) {
        self.call(
            "PUT",
            &format!("/v1/payments/{id}"),
            Some(TOKEN),
            Some(serde_json::to_value(req).unwrap()),
        )
        .unwrap()
    }

    fn count(&self) -> u64 {
        self.hub.state().store().count().unwrap()
    }
}

/// Each payment of a terminal has its own receipt numbers (the hub refuses one that
/// another payment of the terminal has).
static NEXT_NUMBER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn pay_request(account: &str, amount: i64, epoch: u64) -> PayRequest {
    let amount = Money::from_minor(amount).unwrap();
    let n = NEXT_NUMBER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    PayRequest {
        terminal_id: "T1".into(),
        epoch,
        operator: "MTS".into(),
        account: account.into(),
        amount,
        fee: Money::ZERO,
        total: amount,
        pre_receipt_no: n,
        fiscal_receipt_no: n,
        shift_no: 1,
        accepted_at: Utc::now(),
        journal_id: None,
    }
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}

#[test]
fn the_same_id_pays_once_and_a_different_body_is_a_conflict() {
    let hub = Hub::quiet();
    let id = Uuid::now_v7();
    let req = pay_request("9031234567", 10_000, 1);
    let (s1, first) = hub.pay(id, &req);
    assert_eq!(s1, 201, "{first}");
    assert_eq!(first["status"], "accepted");
    let (s2, second) = hub.pay(id, &req);
    assert_eq!(s2, 200, "a replay");
    assert_eq!(first["hub_reference"], second["hub_reference"]);
    assert_eq!(first["registered_at"], second["registered_at"]);

    let mut changed = req.clone();
    changed.amount = Money::from_minor(20_000).unwrap();
    changed.total = changed.amount;
    let (s3, err) = hub.pay(id, &changed);
    assert_eq!(s3, 409);
    assert_eq!(code(&err), "conflict_different_body");
    assert_eq!(err["retry"], false);
    assert_eq!(hub.count(), 1);
}

#[test]
fn concurrent_identical_requests_store_one_payment() {
    let hub = Hub::quiet();
    let id = Uuid::now_v7();
    let req = pay_request("9031234567", 5_000, 1);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..16).map(|_| s.spawn(|| hub.pay(id, &req).0)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(hub.count(), 1);
}

#[test]
fn an_older_epoch_is_fenced_off() {
    let hub = Hub::quiet();
    let known = Uuid::now_v7();
    assert_eq!(hub.pay(known, &pay_request("9031234567", 100, 5)).0, 201);
    let (s, err) = hub.pay(Uuid::now_v7(), &pay_request("9031234567", 100, 4));
    assert_eq!((s, code(&err)), (409, "stale_epoch"), "{err}");
    assert_eq!(err["retry"], false);
    // Even a replay from a fenced-off sender is refused: it must step down.
    assert_eq!(
        code(&hub.pay(known, &pay_request("9031234567", 100, 4)).1),
        "stale_epoch"
    );
    assert_eq!(
        hub.pay(Uuid::now_v7(), &pay_request("9031234567", 100, 6))
            .0,
        201
    );
    assert_eq!(hub.hub.state().store().epoch("T1").unwrap(), Some(6));
    assert_eq!(hub.count(), 2);
}

#[test]
fn a_new_leader_resending_a_payment_with_its_higher_epoch_is_a_replay() {
    let hub = Hub::quiet();
    let id = Uuid::now_v7();
    let req = pay_request("9031234567", 100, 1);
    assert_eq!(hub.pay(id, &req).0, 201);
    let resent = PayRequest { epoch: 2, ..req };
    let (s, v) = hub.pay(id, &resent);
    assert_eq!(s, 200, "{v}");
    assert_eq!(hub.count(), 1);
}

#[test]
fn tokens_are_checked_against_the_terminal() {
    let hub = Hub::quiet();
    let body = serde_json::to_value(pay_request("9031234567", 100, 1)).unwrap();
    let path = format!("/v1/payments/{}", Uuid::now_v7());
    let cases: &[(Option<&str>, u16, &str)] = &[
        (None, 401, "unauthorized"),
        (Some("nope"), 401, "unauthorized"),
        (Some(OTHER_TOKEN), 403, "wrong_terminal"),
    ];
    for (token, status, expected) in cases {
        let (s, err) = hub.call("PUT", &path, *token, Some(body.clone())).unwrap();
        assert_eq!((s, code(&err)), (*status, *expected), "{token:?}");
    }
    let (s, err) = hub
        .call("PUT", "/v1/payments/not-a-uuid", Some(TOKEN), Some(body))
        .unwrap();
    assert_eq!((s, code(&err)), (400, "bad_request"));
    let (s, err) = hub
        .call(
            "PUT",
            &path,
            Some(TOKEN),
            Some(serde_json::json!({"terminal_id": "T1"})),
        )
        .unwrap();
    assert_eq!((s, code(&err)), (400, "bad_request"), "{err}");
    assert_eq!(hub.count(), 0);
}

#[test]
fn payments_move_through_the_demo_rules() {
    let hub = Hub::quiet();
    let cases = [
        ("9031234567", "completed", None),
        ("9031230000", "failed", Some("account_not_found")),
        ("9031236666", "failed", Some("operator_technical_error")),
        ("9031239999", "processing", None),
    ];
    let ids: Vec<Uuid> = cases
        .iter()
        .map(|(account, _, _)| {
            let id = Uuid::now_v7();
            assert_eq!(hub.pay(id, &pay_request(account, 1_000, 1)).0, 201);
            id
        })
        .collect();
    let (_, early) = hub
        .call(
            "GET",
            &format!("/v1/payments/{}", ids[0]),
            Some(TOKEN),
            None,
        )
        .unwrap();
    assert_eq!(early["status"], "accepted");
    std::thread::sleep(Duration::from_millis(700));
    let unknown = Uuid::now_v7();
    let mut batch = ids.clone();
    batch.push(unknown);
    let (s, v) = hub
        .call(
            "POST",
            "/v1/payments/status",
            Some(TOKEN),
            Some(serde_json::json!({ "ids": batch })),
        )
        .unwrap();
    assert_eq!(s, 200);
    let answer: StatusBatchResponse = serde_json::from_value(v).unwrap();
    assert_eq!(answer.unknown, vec![unknown]);
    for ((account, status, reason), id) in cases.iter().zip(&ids) {
        let p = answer.payments.iter().find(|p| p.id == *id).unwrap();
        assert_eq!(p.status.as_str(), *status, "{account}");
        assert_eq!(
            p.reason.as_ref().map(|r| r.code.as_str()),
            *reason,
            "{account}"
        );
    }
    let (s, err) = hub
        .call("GET", &format!("/v1/payments/{unknown}"), Some(TOKEN), None)
        .unwrap();
    assert_eq!((s, code(&err)), (404, "not_found"));
}

#[test]
fn check_answers_by_the_demo_rules() {
    let hub = Hub::quiet();
    let cases = [
        ("MTS", "9031234567", "100", "ok"),
        ("MTS", "9031230000", "100", "account_not_found"),
        ("MTS", "9031231111", "100", "operator_unavailable"),
        ("MTS", "12345", "100", "account_format"),
        ("MTS", "9031234567", "5", "amount_out_of_range"),
        ("NOPE", "9031234567", "100", "unknown_operator"),
    ];
    for (operator, account, amount, expected) in cases {
        let body = serde_json::json!({"operator": operator, "account": account, "amount": amount});
        let (s, v) = hub
            .call("POST", "/v1/check", Some(TOKEN), Some(body))
            .unwrap();
        assert_eq!(
            (s, code(&v)),
            (200, expected),
            "{operator} {account} {amount}"
        );
    }
    let body = serde_json::json!({"operator": "MTS", "account": "9031234567", "amount": "100"});
    let (_, v) = hub
        .call("POST", "/v1/check", Some(TOKEN), Some(body))
        .unwrap();
    assert_eq!(v["display"]["subscriber"], "***4567");
}

#[test]
fn the_catalogue_has_an_etag() {
    let hub = Hub::quiet();
    let r = hub
        .agent
        .get(hub.url("/v1/operators"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let etag = r
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(etag, "\"demo-rub-1\"");
    let c: CatalogueResponse = serde_json::from_str(&r.text().unwrap()).unwrap();
    assert_eq!(c.operators.len(), 6);
    let r = hub
        .agent
        .get(hub.url("/v1/operators"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("If-None-Match", &etag)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 304);
}

fn correction(payment: Uuid, kind: &str, extra: Value) -> Value {
    let mut v = serde_json::json!({
        "payment_id": payment, "terminal_id": "T1", "kind": kind,
        "reason": "customer asked", "fiscal_receipt_no": 1
    });
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    v
}

#[test]
fn corrections_are_idempotent_and_follow_the_payment_status() {
    let hub = Hub::quiet();
    let stuck = Uuid::now_v7();
    let done = Uuid::now_v7();
    hub.pay(stuck, &pay_request("9031239999", 1_000, 1));
    hub.pay(done, &pay_request("9031234567", 1_000, 1));
    std::thread::sleep(Duration::from_millis(400));

    // Cancel a stuck payment: accepted, then done, and the payment is cancelled.
    let cancel = Uuid::now_v7();
    let path = format!("/v1/corrections/{cancel}");
    let body = correction(
        stuck,
        "cancel",
        serde_json::json!({"approved_by": "manager"}),
    );
    let (s, v) = hub
        .call("PUT", &path, Some(TOKEN), Some(body.clone()))
        .unwrap();
    assert_eq!((s, v["state"].as_str()), (201, Some("submitted")), "{v}");
    let (s, _) = hub.call("PUT", &path, Some(TOKEN), Some(body)).unwrap();
    assert_eq!(s, 200, "a replay");
    let (s, err) = hub
        .call(
            "PUT",
            &path,
            Some(TOKEN),
            Some(correction(stuck, "refund", serde_json::json!({}))),
        )
        .unwrap();
    assert_eq!((s, code(&err)), (409, "conflict_different_body"));
    std::thread::sleep(Duration::from_millis(400));
    let (_, v) = hub.call("GET", &path, Some(TOKEN), None).unwrap();
    assert_eq!(v["state"], "done");
    let (_, p) = hub
        .call("GET", &format!("/v1/payments/{stuck}"), Some(TOKEN), None)
        .unwrap();
    assert_eq!(p["status"], "cancelled");

    // Refund after the cancel.
    let refund = Uuid::now_v7();
    hub.call(
        "PUT",
        &format!("/v1/corrections/{refund}"),
        Some(TOKEN),
        Some(correction(stuck, "refund", serde_json::json!({}))),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let (_, p) = hub
        .call("GET", &format!("/v1/payments/{stuck}"), Some(TOKEN), None)
        .unwrap();
    assert_eq!(p["status"], "refunded");

    // Nothing can be done to a completed payment.
    let late = Uuid::now_v7();
    hub.call(
        "PUT",
        &format!("/v1/corrections/{late}"),
        Some(TOKEN),
        Some(correction(done, "cancel", serde_json::json!({}))),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let (_, v) = hub
        .call("GET", &format!("/v1/corrections/{late}"), Some(TOKEN), None)
        .unwrap();
    assert_eq!(
        (v["state"].as_str(), v["reason"]["code"].as_str()),
        (Some("rejected"), Some("already_completed"))
    );

    // A correction of a payment the hub never saw.
    let (s, err) = hub
        .call(
            "PUT",
            &format!("/v1/corrections/{}", Uuid::now_v7()),
            Some(TOKEN),
            Some(correction(Uuid::now_v7(), "cancel", serde_json::json!({}))),
        )
        .unwrap();
    assert_eq!((s, code(&err)), (404, "not_found"));
}

#[test]
fn fault_switches_break_requests_in_the_documented_ways() {
    // 503 without doing anything.
    let hub = Hub::start(
        fast_sim(),
        Faults {
            error_rate: 1.0,
            ..Faults::default()
        },
    );
    let (s, err) = hub.pay(Uuid::now_v7(), &pay_request("9031234567", 100, 1));
    assert_eq!(
        (s, code(&err), err["retry"].as_bool()),
        (503, "unavailable", Some(true))
    );
    assert_eq!(hub.count(), 0);

    // Committed, then the connection dropped: the client hears nothing, the hub has it.
    let hub = Hub::start(
        fast_sim(),
        Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
    );
    let id = Uuid::now_v7();
    let r = hub.call(
        "PUT",
        &format!("/v1/payments/{id}"),
        Some(TOKEN),
        Some(serde_json::to_value(pay_request("9031234567", 100, 1)).unwrap()),
    );
    assert!(r.is_err(), "the answer must be lost: {r:?}");
    assert_eq!(hub.count(), 1);
    assert!(hub.hub.state().store().payment(id).unwrap().is_some());

    // Committed, answered after the client's timeout.
    let hub = Hub::start(
        fast_sim(),
        Faults {
            slow_rate: 1.0,
            slow_delay: Duration::from_millis(2_000),
            ..Faults::default()
        },
    );
    let r = hub.call(
        "PUT",
        &format!("/v1/payments/{}", Uuid::now_v7()),
        Some(TOKEN),
        Some(serde_json::to_value(pay_request("9031234567", 100, 1)).unwrap()),
    );
    assert!(r.is_err(), "the client must time out: {r:?}");
    assert_eq!(hub.count(), 1);

    // Down: nothing is done.
    let hub = Hub::start(
        fast_sim(),
        Faults {
            down: vec![(Duration::ZERO, Duration::from_secs(60))],
            ..Faults::default()
        },
    );
    let r = hub.call(
        "PUT",
        &format!("/v1/payments/{}", Uuid::now_v7()),
        Some(TOKEN),
        Some(serde_json::to_value(pay_request("9031234567", 100, 1)).unwrap()),
    );
    assert!(r.is_err());
    assert_eq!(hub.count(), 0);
}

/// Validates `instance` against `#/components/schemas/<name>` of docs/hub-api.yaml.
fn conforms(doc: &Value, name: &str, instance: &Value) -> Result<(), String> {
    let mut schema = doc.clone();
    schema.as_object_mut().unwrap().insert(
        "$ref".into(),
        Value::String(format!("#/components/schemas/{name}")),
    );
    let validator = jsonschema::draft202012::new(&schema).map_err(|e| e.to_string())?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

#[test]
fn every_answer_conforms_to_the_openapi_file() {
    let doc: Value = serde_yaml_ng::from_str(OPENAPI).unwrap();
    let hub = Hub::quiet();
    // The hub serves the same document.
    let served = hub
        .agent
        .get(hub.url("/v1/openapi.yaml"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(served, OPENAPI);

    let id = Uuid::now_v7();
    let failing = Uuid::now_v7();
    let mut samples: Vec<(&str, Value)> = Vec::new();
    let first = pay_request("9031234567", 100, 1);
    samples.push(("PaymentStatus", hub.pay(id, &first).1));
    samples.push(("PaymentStatus", hub.pay(id, &first).1));
    samples.push((
        "PaymentStatus",
        hub.pay(failing, &pay_request("9031230000", 100, 1)).1,
    ));
    samples.push((
        "ErrorBody",
        hub.pay(id, &pay_request("9031234567", 200, 1)).1,
    ));
    samples.push((
        "ErrorBody",
        hub.pay(Uuid::now_v7(), &pay_request("9031234567", 200, 0))
            .1,
    ));
    samples.push((
        "ErrorBody",
        hub.call("GET", "/v1/operators", None, None).unwrap().1,
    ));
    samples.push((
        "CatalogueResponse",
        hub.call("GET", "/v1/operators", Some(TOKEN), None)
            .unwrap()
            .1,
    ));
    let check = serde_json::json!({"operator": "MTS", "account": "9031234567", "amount": "100"});
    samples.push((
        "CheckResponse",
        hub.call("POST", "/v1/check", Some(TOKEN), Some(check))
            .unwrap()
            .1,
    ));
    std::thread::sleep(Duration::from_millis(400));
    samples.push((
        "PaymentStatus",
        hub.call("GET", &format!("/v1/payments/{failing}"), Some(TOKEN), None)
            .unwrap()
            .1,
    ));
    let batch = serde_json::json!({"ids": [id, failing, Uuid::now_v7()]});
    samples.push((
        "StatusBatchResponse",
        hub.call("POST", "/v1/payments/status", Some(TOKEN), Some(batch))
            .unwrap()
            .1,
    ));
    let c = Uuid::now_v7();
    samples.push((
        "CorrectionState",
        hub.call(
            "PUT",
            &format!("/v1/corrections/{c}"),
            Some(TOKEN),
            Some(correction(id, "cancel", serde_json::json!({}))),
        )
        .unwrap()
        .1,
    ));
    std::thread::sleep(Duration::from_millis(150));
    samples.push((
        "CorrectionState",
        hub.call("GET", &format!("/v1/corrections/{c}"), Some(TOKEN), None)
            .unwrap()
            .1,
    ));
    samples.push((
        "ErrorBody",
        hub.call(
            "GET",
            &format!("/v1/corrections/{}", Uuid::now_v7()),
            Some(TOKEN),
            None,
        )
        .unwrap()
        .1,
    ));

    for (name, sample) in &samples {
        if let Err(e) = conforms(&doc, name, sample) {
            panic!("{name} does not conform: {e}\n{sample}");
        }
    }
    // The check is real: a wrong answer is caught.
    assert!(
        conforms(
            &doc,
            "PaymentStatus",
            &serde_json::json!({"id": id, "status": "paid"})
        )
        .is_err()
    );
    // Requests conform too.
    let req = serde_json::to_value(pay_request("9031234567", 100, 1)).unwrap();
    conforms(&doc, "PayRequest", &req).unwrap();
}

/// Every endpoint that names a payment answers only for the token's own terminal:
/// another terminal's payment is "not found" (its existence not revealed), its id
/// cannot be taken over, and the bearer scheme is case-insensitive (RFC 7235).
/// Endpoint × {own payment, another terminal's, unknown} × {right token, other
/// terminal's token, no token, `bearer` in lower case}.
#[test]
fn a_terminal_sees_and_moves_only_its_own_payments() {
    let hub = Hub::quiet();
    let mine = Uuid::now_v7();
    let theirs = Uuid::now_v7();
    let mine_req = pay_request("9031239999", 1_000, 1);
    let theirs_req = PayRequest {
        terminal_id: "T2".into(),
        ..pay_request("9161239999", 2_000, 1)
    };
    assert_eq!(hub.pay(mine, &mine_req).0, 201);
    assert_eq!(
        hub.call(
            "PUT",
            &format!("/v1/payments/{theirs}"),
            Some(OTHER_TOKEN),
            Some(serde_json::to_value(&theirs_req).unwrap())
        )
        .unwrap()
        .0,
        201
    );
    // A correction on each payment, by its own terminal (cancel a stuck payment).
    std::thread::sleep(Duration::from_millis(150));
    let my_fix = Uuid::now_v7();
    let their_fix = Uuid::now_v7();
    let fix_body = |payment: Uuid, terminal: &str| {
        let mut v = correction(
            payment,
            "move_account",
            serde_json::json!({"new_account": "9037654321"}),
        );
        v["terminal_id"] = terminal.into();
        v
    };
    assert_eq!(
        hub.call(
            "PUT",
            &format!("/v1/corrections/{my_fix}"),
            Some(TOKEN),
            Some(fix_body(mine, "T1"))
        )
        .unwrap()
        .0,
        201
    );
    assert_eq!(
        hub.call(
            "PUT",
            &format!("/v1/corrections/{their_fix}"),
            Some(OTHER_TOKEN),
            Some(fix_body(theirs, "T2"))
        )
        .unwrap()
        .0,
        201
    );

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Target {
        Own,
        Others,
        Unknown,
    }
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Auth {
        Right,
        OtherTerminal,
        None,
        LowerCase,
    }
    for auth in [
        Auth::Right,
        Auth::OtherTerminal,
        Auth::None,
        Auth::LowerCase,
    ] {
        // The "own" terminal is T1; the other terminal's token acts on T1's payment.
        let (header, me) = match auth {
            Auth::Right => (Some(format!("Bearer {TOKEN}")), "T1"),
            Auth::LowerCase => (Some(format!("bearer {TOKEN}")), "T1"),
            Auth::OtherTerminal => (Some(format!("Bearer {OTHER_TOKEN}")), "T2"),
            Auth::None => (None, "T1"),
        };
        for target in [Target::Own, Target::Others, Target::Unknown] {
            // Whose payment this is, from T1's point of view.
            let (payment, fix) = match target {
                Target::Own => (mine, my_fix),
                Target::Others => (theirs, their_fix),
                Target::Unknown => (Uuid::now_v7(), Uuid::now_v7()),
            };
            let belongs_to_caller = matches!(
                (target, auth),
                (Target::Own, Auth::Right | Auth::LowerCase)
                    | (Target::Others, Auth::OtherTerminal)
            );
            let exists = target != Target::Unknown;
            let case = format!("{auth:?} on {target:?}");
            let call = |method: &str, path: String, body: Option<Value>| {
                hub.call_with(method, &path, header.as_deref(), body)
                    .unwrap()
            };
            if auth == Auth::None {
                for (m, path) in [
                    ("GET", format!("/v1/payments/{payment}")),
                    ("GET", format!("/v1/corrections/{fix}")),
                ] {
                    assert_eq!(call(m, path, None).0, 401, "{case}");
                }
                continue;
            }

            // GET /v1/payments/{id}
            let (s, v) = call("GET", format!("/v1/payments/{payment}"), None);
            if belongs_to_caller {
                assert_eq!(
                    (s, v["id"].as_str()),
                    (200, Some(payment.to_string().as_str())),
                    "{case}: {v}"
                );
            } else {
                assert_eq!((s, code(&v)), (404, "not_found"), "{case}: {v}");
            }
            // POST /v1/payments/status
            let (s, v) = call(
                "POST",
                "/v1/payments/status".into(),
                Some(serde_json::json!({"ids": [payment]})),
            );
            assert_eq!(s, 200, "{case}: {v}");
            let listed = v["payments"].as_array().unwrap().len();
            let unknown_ids = v["unknown"].as_array().unwrap().len();
            assert_eq!(
                (listed, unknown_ids),
                if belongs_to_caller { (1, 0) } else { (0, 1) },
                "{case}: {v}"
            );
            // GET /v1/corrections/{id}
            let (s, v) = call("GET", format!("/v1/corrections/{fix}"), None);
            if belongs_to_caller {
                assert_eq!(s, 200, "{case}: {v}");
            } else {
                assert_eq!((s, code(&v)), (404, "not_found"), "{case}: {v}");
            }
            // PUT /v1/corrections/{new id} on the payment, as the caller's terminal.
            let (s, v) = call(
                "PUT",
                format!("/v1/corrections/{}", Uuid::now_v7()),
                Some(fix_body(payment, me)),
            );
            if belongs_to_caller {
                assert!(s == 201, "{case}: {s} {v}");
            } else {
                assert_eq!((s, code(&v)), (404, "not_found"), "{case}: {v}");
            }
            // PUT /v1/payments/{id} with the caller's own body: taking over another
            // terminal's id is refused and the stored payment is untouched.
            let body = PayRequest {
                terminal_id: me.into(),
                ..pay_request("9990001122", 77_700, 1)
            };
            let (s, v) = call(
                "PUT",
                format!("/v1/payments/{payment}"),
                Some(serde_json::to_value(&body).unwrap()),
            );
            match (exists, belongs_to_caller) {
                (true, true) => assert_eq!(
                    (s, code(&v)),
                    (409, "conflict_different_body"),
                    "{case}: {v}"
                ),
                (true, false) => assert_eq!(
                    (s, code(&v)),
                    (409, "conflict_different_body"),
                    "{case}: {v}"
                ),
                (false, _) => assert_eq!(s, 201, "{case}: {v}"),
            }
        }
    }
    // The stored payments are as their own terminals sent them.
    let store = hub.hub.state().store();
    let p = store.payment(mine).unwrap().unwrap();
    assert_eq!(
        (p.terminal_id.as_str(), p.account.as_str()),
        ("T1", "9031239999")
    );
    let p = store.payment(theirs).unwrap().unwrap();
    assert_eq!(
        (p.terminal_id.as_str(), p.account.as_str()),
        ("T2", "9161239999")
    );
    // Only the owners' corrections were registered: T1's first one and two from the
    // matrix (right token, lower-case scheme); T2's first one and one from the matrix.
    let counts: std::collections::BTreeMap<Uuid, u64> =
        store.correction_counts().unwrap().into_iter().collect();
    assert_eq!(counts.get(&mine), Some(&3), "{counts:?}");
    assert_eq!(counts.get(&theirs), Some(&2), "{counts:?}");
}
