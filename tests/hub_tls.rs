//! The protocol over HTTPS: the reference hub with a certificate, the terminal trusting
//! it through `[hub] ca_file`, and refusing a hub it does not trust.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use chrono::Utc;
use common::out;
use paydesk::app::till::{Till, demo_catalogue};
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::hub::client::{HubClient, HubError};
use paydesk::hub::protocol::{HubStatus, PayRequest};
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::hub::server::{HubOptions, RunningHub, TerminalCredential, TlsFiles};
use paydesk::i18n::Lang;

struct TlsHub {
    dir: tempfile::TempDir,
    hub: RunningHub,
    ca: Vec<u8>,
}

fn tls_hub() -> TlsHub {
    let dir = tempfile::tempdir().unwrap();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert = dir.path().join("hub-cert.pem");
    let key = dir.path().join("hub-key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let hub = RunningHub::start(
        HubOptions {
            tls: Some(TlsFiles {
                cert: cert.clone(),
                key,
            }),
            db: dir.path().join("hub.sqlite"),
            durable: false,
            terminals: vec![TerminalCredential {
                id: "TRAIN-01".into(),
                token: "tls-token".into(),
                balance: None,
            }],
            catalogue: demo_catalogue("RUB"),
            sim: Simulation::default(),
            faults: Faults::default(),
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .unwrap();
    let ca = std::fs::read(&cert).unwrap();
    TlsHub { dir, hub, ca }
}

fn request() -> PayRequest {
    let amount = Money::from_minor(12_345).unwrap();
    PayRequest {
        terminal_id: "TRAIN-01".into(),
        epoch: 1,
        operator: "MTS".into(),
        account: "9031234567".into(),
        amount,
        fee: Money::ZERO,
        total: amount,
        pre_receipt_no: 1,
        fiscal_receipt_no: 1,
        shift_no: 1,
        accepted_at: Utc::now(),
        journal_id: None,
    }
}

#[test]
fn a_terminal_that_trusts_the_hub_pays_over_https_and_one_that_does_not_is_refused() {
    let t = tls_hub();
    assert!(
        t.hub.url().starts_with("https://127.0.0.1:"),
        "{}",
        t.hub.url()
    );
    let trusted =
        HubClient::with_ca(&t.hub.url(), "tls-token", Duration::from_secs(5), &t.ca).unwrap();
    let status = trusted.pay(uuid::Uuid::now_v7(), &request()).unwrap();
    assert_eq!(status.status, HubStatus::Accepted);

    // The public roots do not include a self-signed certificate: no answer is trusted.
    let stranger = HubClient::new(&t.hub.url(), "tls-token", Duration::from_secs(5));
    match stranger.pay(uuid::Uuid::now_v7(), &request()) {
        Err(HubError::Unknown(e)) => assert!(
            e.to_lowercase().contains("certificate") || e.to_lowercase().contains("issuer"),
            "{e}"
        ),
        other => panic!("an untrusted hub must not be talked to: {other:?}"),
    }
    // Plain HTTP to the HTTPS port gets nothing either.
    let plain = HubClient::new(
        &t.hub.url().replace("https://", "http://"),
        "tls-token",
        Duration::from_secs(2),
    );
    assert!(plain.pay(uuid::Uuid::now_v7(), &request()).is_err());
    assert_eq!(t.hub.state().store().count().unwrap(), 1);

    let garbage = HubClient::with_ca(
        &t.hub.url(),
        "x",
        Duration::from_secs(1),
        b"not a certificate",
    );
    assert!(garbage.is_err());
}

#[test]
fn sync_delivers_over_https_with_the_configured_ca_file() {
    let t = tls_hub();
    let mut config = common::config_in(t.dir.path(), Lang::En);
    config.busy_timeout = Duration::from_secs(10);
    let mut till = Till::open(&config).unwrap();
    for amount in ["100", "200", "300"] {
        let q = entry::validate(
            till.rules().catalogue(),
            &PaymentInput {
                operator_code: Some("MTS".into()),
                account: "9031234567".into(),
                amount: amount.into(),
            },
            till.rules().max_payment(),
        )
        .unwrap();
        common::ensure_shift(&mut till);
        let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
        till.payments().customer_signed(id).unwrap();
        till.payments()
            .take_cash(id, Money::parse("1000").unwrap())
            .unwrap();
    }
    let write_config = |ca: &str| {
        std::fs::write(
            t.dir.path().join("sync.toml"),
            format!(
                "[shop]\nname = \"S\"\ntax_id = \"1\"\n[terminal]\nid = \"TRAIN-01\"\n[journal]\npath = {:?}\n\
                 [hub]\nurl = {:?}\ntoken = \"tls-token\"\nca_file = {ca:?}\n",
                config.journal_path.display().to_string(),
                t.hub.url()
            ),
        )
        .unwrap();
    };
    let sync = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
            .arg("--config")
            .arg(t.dir.path().join("sync.toml"))
            .args(["sync", "--once", "--max-wait", "20"])
            .env("PAYDESK_LOG", "off")
            .output()
            .unwrap()
    };
    // A CA file that is not a certificate: a clear message, nothing sent.
    std::fs::write(t.dir.path().join("bad.pem"), "hello").unwrap();
    write_config(&t.dir.path().join("bad.pem").display().to_string());
    let o = sync();
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).1.contains("ca_file"), "{}", out(&o).1);
    assert_eq!(t.hub.state().store().count().unwrap(), 0);

    write_config(&t.dir.path().join("hub-cert.pem").display().to_string());
    let o = sync();
    assert!(o.status.success(), "{}", out(&o).1);
    assert_eq!(t.hub.state().store().count().unwrap(), 3);
}
