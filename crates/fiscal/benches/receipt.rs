//! `cargo bench -p paydesk-fiscal --bench receipt`: one payment agent's receipt on
//! the Shtrih-M emulator over a pty: paydesk's own work (building every request:
//! framing and TLVs) against the time its bytes take on a 115200-baud line, and the
//! bytes on the wire. Prints medians and the ratio (goal: paydesk's part ≤ 5 %).
//!
//! Journal commits around the receipt are measured by `cargo bench --bench accept`.

use std::time::{Duration, Instant};

use paydesk_fiscal::emulator::Emulator;
use paydesk_fiscal::shtrih::command::{self, Line, OperationType, TaxRate};
use paydesk_fiscal::shtrih::frame;
use paydesk_fiscal::shtrih::link::Timing;
use paydesk_fiscal::shtrih::{Passwords, ShtrihM};
use paydesk_fiscal::tlv::{PAYMENT_AGENT, Tag, Tlv};
use paydesk_fiscal::{AgentReceipt, Cashier, FiscalDevice, ReceiptKind, TaxSystem, Vat};

const ITERATIONS: usize = 200;

fn receipt() -> AgentReceipt {
    AgentReceipt {
        kind: ReceiptKind::Sale,
        item: "Оплата услуг МТС, счёт 9031234567".into(),
        amount: 50_000,
        fee: 1_500,
        cash: 60_000,
        operation: "оплата услуг МТС по счёту 9031234567".into(),
        agent_phone: Some("+74951234567".into()),
        operator_phone: Some("+78002500890".into()),
        supplier_name: "ПАО МТС".into(),
        supplier_tax_id: "7740000076".into(),
        tax_system: TaxSystem::SimplifiedIncome,
        vat: Vat::None,
        cashier: Cashier {
            name: "Анна".into(),
            tax_id: None,
        },
    }
}

/// Every frame of one receipt, built as the driver builds them (no I/O).
fn build_frames(r: &AgentReceipt) -> usize {
    let line = |price, subject| Line {
        operation: OperationType::Income,
        price,
        tax: TaxRate::NoVat,
        method: command::METHOD_FULL,
        subject,
        name: r.item.clone(),
    };
    let tlv_line: Vec<u8> = [
        Tlv::byte(Tag::LINE_AGENT_SIGN, PAYMENT_AGENT),
        Tlv::Structure(
            Tag::SUPPLIER_DATA,
            vec![
                Tlv::text(Tag::SUPPLIER_PHONE, "+78002500890"),
                Tlv::text(Tag::SUPPLIER_NAME, &r.supplier_name),
            ],
        ),
        Tlv::tax_id(Tag::SUPPLIER_TAX_ID, &r.supplier_tax_id),
    ]
    .iter()
    .flat_map(Tlv::encode)
    .collect();
    let tlv_receipt: Vec<u8> = [
        Tlv::byte(Tag::AGENT_SIGN, PAYMENT_AGENT),
        Tlv::Structure(
            Tag::AGENT_DATA,
            vec![
                Tlv::text(Tag::AGENT_OPERATION, &r.operation),
                Tlv::text(Tag::AGENT_PHONE, "+74951234567"),
                Tlv::text(Tag::PAYMENT_OPERATOR_PHONE, "+78002500890"),
            ],
        ),
        Tlv::text(Tag::CASHIER, &r.cashier.name),
    ]
    .iter()
    .flat_map(Tlv::encode)
    .collect();
    let requests = [
        command::open_receipt(1, command::ReceiptType::Sale),
        command::operation_v2(1, &line(r.amount, command::SUBJECT_PAYMENT)),
        command::with_tlv(command::TLV_OPERATION, 30, &tlv_line),
        command::operation_v2(1, &line(r.fee, command::SUBJECT_AGENT_REWARD)),
        command::with_tlv(command::TLV_RECEIPT, 30, &tlv_receipt),
        command::close_receipt_v2(1, r.cash, r.tax_system.bit()),
    ];
    requests
        .iter()
        .map(|q| frame::encode(&q.body()).len())
        .sum()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let r = receipt();
    let mut build = Vec::with_capacity(ITERATIONS);
    for _ in 0..ITERATIONS {
        let t = Instant::now();
        std::hint::black_box(build_frames(std::hint::black_box(&r)));
        build.push(t.elapsed());
    }

    let (host, device) = serialport::TTYPort::pair().expect("a pty pair");
    let emu = Emulator::new();
    let serving = emu.clone();
    std::thread::spawn(move || serving.serve(device));
    let mut kkt = ShtrihM::new(host, Timing::default(), Passwords::default());
    kkt.open_shift(&r.cashier).unwrap();
    let mut whole = Vec::with_capacity(ITERATIONS);
    let before = kkt.wire().clone();
    for _ in 0..ITERATIONS {
        let t = Instant::now();
        kkt.receipt(&r).unwrap();
        whole.push(t.elapsed());
    }
    let after = kkt.wire().clone();
    let bytes = (after.sent + after.received - before.sent - before.received) / ITERATIONS;
    // 8N1: ten bits per byte.
    let wire = Duration::from_secs_f64(bytes as f64 * 10.0 / 115_200.0);
    let ours = median(build);
    println!("receipt on the emulator over a pty, {ITERATIONS} receipts");
    println!("  bytes on the wire per receipt (both ways, with FN status): {bytes}");
    println!(
        "  their time at 115200 baud:            {:>10.1} µs",
        wire.as_secs_f64() * 1e6
    );
    println!(
        "  paydesk's part (frames + TLVs), median: {:>8.1} µs",
        ours.as_secs_f64() * 1e6
    );
    println!(
        "  ratio paydesk / wire:                   {:>8.3} %  (goal ≤ 5 %)",
        ours.as_secs_f64() / wire.as_secs_f64() * 100.0
    );
    println!(
        "  whole receipt over the pty (emulator's own time included), median: {:.1} ms",
        median(whole).as_secs_f64() * 1e3
    );
    assert_eq!(emu.state.lock().unwrap().receipts.len(), ITERATIONS);
}
