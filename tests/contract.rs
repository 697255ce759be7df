//! The protocol file against the running hub, property-based: requests are generated
//! from docs/hub-api.yaml itself (every operation, bodies from its schemas), sent to a
//! real paydesk-hub, and every answer must be one the file documents for that
//! operation, with a body of the documented schema; a request the file calls valid
//! must never be refused as malformed (400).
//!
//! `PAYDESK_CONTRACT_CASES` sets the cases per operation (default 40 in CI).

use std::net::SocketAddr;
use std::time::Duration;

use paydesk::app::till::demo_catalogue;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::hub::server::{HubOptions, OPENAPI, RunningHub, TerminalCredential};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as RunnerConfig, TestRunner};
use serde_json::{Map, Value};

const TOKEN: &str = "contract-t1";
const OTHER: &str = "contract-t2";

fn doc() -> Value {
    serde_yaml_ng::from_str(OPENAPI).unwrap()
}

/// Follows `$ref`s inside the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let mut v = doc;
            for part in r.trim_start_matches("#/").split('/') {
                v = &v[part];
            }
            resolve(doc, v)
        }
        None => schema,
    }
}

fn uuid_strategy() -> BoxedStrategy<Value> {
    (any::<[u8; 16]>(), any::<bool>())
        .prop_map(|(b, upper)| {
            let s = uuid::Uuid::from_bytes(b).hyphenated().to_string();
            Value::String(if upper { s.to_uppercase() } else { s })
        })
        .boxed()
}

fn date_time_strategy() -> BoxedStrategy<Value> {
    (
        1970i32..2100,
        1u32..13,
        1u32..29,
        0u32..24,
        0u32..60,
        0u32..60,
        prop::option::of(0u32..1000),
        prop::option::of((
            any::<bool>(),
            0u32..15,
            prop::sample::select(vec![0u32, 30, 45]),
        )),
    )
        .prop_map(|(y, mo, d, h, mi, s, ms, off)| {
            let frac = ms.map(|m| format!(".{m:03}")).unwrap_or_default();
            let zone = match off {
                None => "Z".to_string(),
                Some((plus, oh, om)) => format!("{}{oh:02}:{om:02}", if plus { '+' } else { '-' }),
            };
            Value::String(format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{zone}"
            ))
        })
        .boxed()
}

/// Integers in `[min, max]`, small ones more often, written as integers or (when
/// exact) with a zero fraction, as JSON Schema allows.
fn integer_strategy(min: u64, max: u64) -> BoxedStrategy<Value> {
    let small_max = min.saturating_add(1000).min(max);
    prop_oneof![
        3 => min..=small_max,
        1 => min..=max,
    ]
    .prop_flat_map(|n| {
        let exact_as_float = n <= (1u64 << 53);
        (Just(n), any::<bool>()).prop_map(move |(n, float)| {
            if float && exact_as_float {
                Value::from(n as f64)
            } else {
                Value::from(n)
            }
        })
    })
    .boxed()
}

/// A value the schema accepts (the subset of JSON Schema the protocol file uses).
fn strategy(doc: &Value, schema: &Value) -> BoxedStrategy<Value> {
    let schema = resolve(doc, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return prop::sample::select(values.clone()).boxed();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => uuid_strategy(),
            Some("date-time") => date_time_strategy(),
            Some("date") => (2000u32..2100, 1u32..=12, 1u32..=28)
                .prop_map(|(y, m, d)| Value::String(format!("{y:04}-{m:02}-{d:02}")))
                .boxed(),
            _ => {
                if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
                    let p = p.trim_start_matches('^').trim_end_matches('$');
                    return proptest::string::string_regex(p)
                        .unwrap()
                        .prop_map(Value::String)
                        .boxed();
                }
                let min = schema["minLength"].as_u64().unwrap_or(0);
                let max = schema["maxLength"].as_u64().unwrap_or(40).min(80);
                proptest::string::string_regex(&format!("\\PC{{{min},{max}}}"))
                    .unwrap()
                    .prop_map(Value::String)
                    .boxed()
            }
        },
        Some("integer") => integer_strategy(
            schema["minimum"].as_u64().unwrap_or(0),
            schema["maximum"].as_u64().unwrap_or(i64::MAX as u64),
        ),
        Some("boolean") => any::<bool>().prop_map(Value::Bool).boxed(),
        Some("array") => {
            let max = schema["maxItems"].as_u64().unwrap_or(5).min(8) as usize;
            prop::collection::vec(strategy(doc, &schema["items"]), 0..=max)
                .prop_map(Value::Array)
                .boxed()
        }
        Some("object") => {
            let required: Vec<String> = schema["required"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let props: Vec<(String, bool, BoxedStrategy<Value>)> = schema["properties"]
                .as_object()
                .map(|p| {
                    p.iter()
                        .map(|(k, v)| (k.clone(), required.contains(k), strategy(doc, v)))
                        .collect()
                })
                .unwrap_or_default();
            let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = props
                .into_iter()
                .map(|(k, required, s)| {
                    if required {
                        s.prop_map(move |v| Some((k.clone(), v))).boxed()
                    } else {
                        prop::option::of(s.prop_map(move |v| (k.clone(), v))).boxed()
                    }
                })
                .collect();
            parts
                .prop_map(|kvs| Value::Object(kvs.into_iter().flatten().collect::<Map<_, _>>()))
                .boxed()
        }
        other => panic!("the generator does not know type {other:?} in {schema}"),
    }
}

/// Validates `instance` against `schema` (a part of the document).
fn conforms(doc: &Value, schema: &Value, instance: &Value) -> Result<(), String> {
    let mut root = doc.clone();
    let o = root.as_object_mut().unwrap();
    for (k, v) in schema.as_object().unwrap() {
        o.insert(k.clone(), v.clone());
    }
    let validator = jsonschema::draft202012::new(&root).map_err(|e| e.to_string())?;
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

struct Operation {
    method: String,
    path: String,
    body: Option<Value>,
    /// Required query parameters and their schemas (optional ones are not sent: a
    /// time zone's name, say, is valid only if the zone exists, which no schema says).
    query: Vec<(String, Value)>,
    responses: Map<String, Value>,
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" || path == "/v1/openapi.yaml" {
                continue;
            }
            ops.push(Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                body: op["requestBody"]["content"]["application/json"]["schema"]
                    .as_object()
                    .map(|_| op["requestBody"]["content"]["application/json"]["schema"].clone()),
                query: op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query" && p["required"] == true)
                    .map(|p| (p["name"].as_str().unwrap().to_string(), p["schema"].clone()))
                    .collect(),
                responses: op["responses"].as_object().unwrap().clone(),
            });
        }
    }
    ops
}

/// Steers a generated body towards the hub's deeper paths (the token's terminal, a
/// payment that exists, a total that adds up) without leaving the schema.
fn steer(body: &mut Value, pick: u8, known_payment: &str) {
    let Some(o) = body.as_object_mut() else {
        return;
    };
    if !pick.is_multiple_of(4) && o.contains_key("terminal_id") {
        o.insert("terminal_id".into(), "T1".into());
    }
    if pick.is_multiple_of(2) && o.contains_key("payment_id") {
        o.insert("payment_id".into(), known_payment.into());
    }
    if !pick.is_multiple_of(3)
        && let (Some(a), Some(f)) = (
            o.get("amount").and_then(Value::as_str),
            o.get("fee").and_then(Value::as_str),
        )
        && let (Ok(a), Ok(f)) = (
            a.parse::<rust_decimal::Decimal>(),
            f.parse::<rust_decimal::Decimal>(),
        )
    {
        let total = format!("{:.2}", a + f);
        if total.split('.').next().unwrap().len() <= 12 {
            o.insert("total".into(), total.into());
        }
    }
}

#[test]
fn requests_generated_from_the_protocol_file_get_documented_answers() {
    let doc = doc();
    let dir = tempfile::tempdir().unwrap();
    let hub = RunningHub::start(
        HubOptions {
            tls: None,
            db: dir.path().join("hub.sqlite"),
            durable: false,
            terminals: vec![
                TerminalCredential {
                    id: "T1".into(),
                    token: TOKEN.into(),
                    balance: None,
                },
                TerminalCredential {
                    id: "T2".into(),
                    token: OTHER.into(),
                    balance: None,
                },
            ],
            catalogue: demo_catalogue("RUB"),
            sim: Simulation {
                processing_after: Duration::from_millis(20),
                complete_after: Duration::from_millis(60),
            },
            faults: Faults::default(),
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .unwrap();
    // Plain HTTP; reqwest still wants a TLS provider chosen (paydesk's: ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let agent = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    // One payment of T1 that exists, for corrections and status questions.
    let known = uuid::Uuid::now_v7().to_string();
    let seed = serde_json::json!({
        "terminal_id": "T1", "epoch": 0, "operator": "MTS", "account": "9031234567",
        "amount": "10.00", "fee": "0.00", "total": "10.00", "pre_receipt_no": 1,
        "fiscal_receipt_no": 1, "shift_no": 1, "accepted_at": "2026-12-01T10:00:00Z"
    });
    let r = agent
        .put(format!("{}/v1/payments/{known}", hub.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(&seed).unwrap())
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);

    let cases: u32 = std::env::var("PAYDESK_CONTRACT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let mut runner = TestRunner::new(RunnerConfig {
        cases,
        ..RunnerConfig::default()
    });
    let mut sent = 0;
    let mut by_status: std::collections::BTreeMap<(String, u16), u32> = Default::default();
    for op in operations(&doc) {
        let body_strategy = op.body.as_ref().map(|s| strategy(&doc, s));
        for _ in 0..cases {
            let id = uuid_strategy()
                .new_tree(&mut runner)
                .unwrap()
                .current()
                .as_str()
                .unwrap()
                .to_string();
            let pick: u8 = any::<u8>().new_tree(&mut runner).unwrap().current();
            // Mostly the right token; sometimes none, sometimes the other terminal's.
            let token = match pick % 10 {
                0 => None,
                1 => Some(OTHER),
                _ => Some(TOKEN),
            };
            let path = op.path.replace(
                "{id}",
                if pick.is_multiple_of(5) && op.path.contains("payments") {
                    &known
                } else {
                    &id
                },
            );
            let mut url = format!("{}{path}", hub.url());
            for (i, (name, schema)) in op.query.iter().enumerate() {
                let v = strategy(&doc, schema)
                    .new_tree(&mut runner)
                    .unwrap()
                    .current();
                let v = v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string());
                url.push(if i == 0 { '?' } else { '&' });
                url.push_str(&format!("{name}={v}"));
            }
            let body = body_strategy.as_ref().map(|s| {
                let mut b = s.new_tree(&mut runner).unwrap().current();
                steer(&mut b, pick, &known);
                b
            });
            if let (Some(schema), Some(b)) = (&op.body, &body) {
                // The generator's own check: the request is valid by the file.
                conforms(&doc, schema, b)
                    .unwrap_or_else(|e| panic!("generated an invalid request: {e}\n{b}"));
            }
            let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
            let mut req = agent.request(method, &url);
            if let Some(t) = token {
                req = req.header("Authorization", format!("Bearer {t}"));
            }
            if let Some(b) = &body {
                req = req
                    .header("Content-Type", "application/json")
                    .body(serde_json::to_vec(b).unwrap());
            }
            let response = req
                .send()
                .unwrap_or_else(|e| panic!("{} {path}: {e}", op.method));
            let status = response.status().as_u16();
            let text = response.text().unwrap();
            sent += 1;
            *by_status
                .entry((format!("{} {}", op.method, op.path), status))
                .or_default() += 1;
            let described = op.responses.get(&status.to_string()).unwrap_or_else(|| {
                panic!(
                    "{} {path} answered {status}, which the file does not document for it\nrequest: {}\nanswer: {text}",
                    op.method,
                    body.as_ref().map(Value::to_string).unwrap_or_default()
                )
            });
            assert_ne!(
                status,
                400,
                "{} {path}: a request valid by the file was refused as malformed\nrequest: {}\nanswer: {text}",
                op.method,
                body.as_ref().map(Value::to_string).unwrap_or_default()
            );
            let described = resolve(&doc, described);
            if let Some(schema) = described["content"]["application/json"]["schema"].as_object() {
                let answer: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                    panic!("{} {path} {status}: not JSON ({e}): {text}", op.method)
                });
                conforms(&doc, &Value::Object(schema.clone()), &answer).unwrap_or_else(|e| {
                    panic!(
                        "{} {path} {status}: the answer does not conform: {e}\n{text}",
                        op.method
                    )
                });
            }
        }
    }
    assert!(sent >= 8 * cases as usize, "{sent} requests");
    // Deeper paths were reached, not only refusals.
    let reached = |op: &str, status: u16| {
        by_status
            .get(&(op.to_string(), status))
            .copied()
            .unwrap_or(0)
    };
    assert!(reached("PUT /v1/payments/{id}", 201) > 0, "{by_status:?}");
    assert!(
        reached("PUT /v1/corrections/{id}", 201) > 0,
        "{by_status:?}"
    );
    assert!(reached("POST /v1/check", 200) > 0, "{by_status:?}");
    eprintln!("contract: {sent} requests; answers by operation and status: {by_status:?}");
}

/// The generator is real: it catches an answer the file does not document.
#[test]
fn an_undocumented_answer_would_be_caught() {
    let doc = doc();
    let op = operations(&doc)
        .into_iter()
        .find(|o| o.method == "GET" && o.path == "/v1/payments/{id}")
        .unwrap();
    assert!(!op.responses.contains_key("418"));
    let schema = resolve(&doc, &doc["components"]["schemas"]["PaymentStatus"]).clone();
    assert!(
        conforms(
            &doc,
            &schema,
            &serde_json::json!({"id": "x", "status": "paid"})
        )
        .is_err()
    );
    // And a request breaking the file is told apart from one following it.
    let pay = resolve(&doc, &doc["components"]["schemas"]["PayRequest"]).clone();
    let mut runner = TestRunner::default();
    let good = strategy(&doc, &pay)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    conforms(&doc, &pay, &good).unwrap();
    let mut bad = good.clone();
    bad["pre_receipt_no"] = serde_json::json!(1.07e28);
    assert!(conforms(&doc, &pay, &bad).is_err());
}
