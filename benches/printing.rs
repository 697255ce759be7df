//! How long paydesk takes to turn a standard fiscal receipt into ESC/POS bytes
//! (document → layout → encode) compared with the time those bytes need on a serial
//! wire, per shipped printer profile. Goal: our time ≤ 1% of the 115200-baud wire
//! time. Also the byte count per profile: fewer bytes, faster paper.
//!
//! `cargo bench --bench printing` prints the table; nothing is asserted.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use paydesk::app::till::demo_catalogue;
use paydesk::domain::entry::{self, PaymentInput};
use paydesk::domain::money::Money;
use paydesk::domain::payment::{
    FiscalNumbers, OperatorSnapshot, Payment, PaymentDetails, PaymentEvent, PaymentId,
};
use paydesk::domain::receipt::{self, DocumentContext, Shop};
use paydesk::i18n::{Currency, Lang};
use paydesk::printing::ReceiptPrinter;
use paydesk::printing::profile::PrinterProfile;
use paydesk::printing::transport::VirtualPrinter;

const ITERATIONS: usize = 2_000;

fn standard_fiscal_receipt() -> (DocumentContext, Payment) {
    let catalogue = demo_catalogue("RUB");
    let q = entry::validate(
        &catalogue,
        &PaymentInput {
            operator_code: Some("MEGAFON".into()),
            account: "9031234567".into(),
            amount: "1 500,00".into(),
        },
        Money::parse("15000").unwrap(),
    )
    .unwrap();
    let details = PaymentDetails {
        id: PaymentId::new(),
        terminal_id: "T-01".into(),
        operator: OperatorSnapshot::from(&q.operator),
        account: q.account.clone(),
        amount: q.amount,
        fee: q.fee,
        total: q.total,
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
        cashier: "Иванова Мария".into(),
    };
    let p = Payment::replay(
        details,
        &[
            PaymentEvent::PreReceiptPrintStarted { pre_receipt_no: 17 },
            PaymentEvent::PreReceiptPrinted,
            PaymentEvent::CustomerSigned,
            PaymentEvent::CashTaken {
                tendered: Money::parse("2000").unwrap(),
            },
            PaymentEvent::FiscalPrintStarted {
                fiscal: FiscalNumbers {
                    receipt_no: 17,
                    shift_no: 3,
                },
            },
        ],
    )
    .unwrap();
    let ctx = DocumentContext {
        shop: Shop {
            name: "ООО «Ромашка»".into(),
            tax_id: "7701234567".into(),
            address: "Москва, ул. Тверская, д. 1".into(),
            phone: "+7 495 000-00-00".into(),
        },
        lang: Lang::Ru,
        tz: chrono_tz::Europe::Moscow,
        currency: Currency::default(),
        training: false,
    };
    (ctx, p)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let (ctx, payment) = standard_fiscal_receipt();
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 10, 1, 0).unwrap();
    println!(
        "standard fiscal receipt (Russian, MegaFon 1 500,00 ₽), median of {ITERATIONS} runs\n"
    );
    println!(
        "{:<20} {:>6} {:>10} {:>12} {:>11} {:>13}",
        "profile", "bytes", "ours µs", "115200 ms", "9600 ms", "ours/115200"
    );
    let mut worst: f64 = 0.0;
    for profile in PrinterProfile::all_built_in() {
        let printer = ReceiptPrinter::new(
            profile.clone(),
            Box::new(VirtualPrinter::new(profile.clone(), None)),
        );
        let mut times = Vec::with_capacity(ITERATIONS);
        let mut bytes = 0;
        for _ in 0..ITERATIONS {
            let t = Instant::now();
            let doc = receipt::fiscal_receipt(&ctx, &payment, at).unwrap();
            let job = printer
                .render(&doc, paydesk::printing::CashDrawer::Open)
                .unwrap();
            times.push(t.elapsed());
            bytes = job.bytes.len();
        }
        let ours = median(times).as_secs_f64();
        let wire = |baud: f64| bytes as f64 * 10.0 / baud;
        let ratio = ours / wire(115_200.0);
        worst = worst.max(ratio);
        println!(
            "{:<20} {:>6} {:>10.1} {:>12.1} {:>11.1} {:>12.3}%",
            profile.id,
            bytes,
            ours * 1e6,
            wire(115_200.0) * 1e3,
            wire(9_600.0) * 1e3,
            ratio * 100.0
        );
    }
    println!(
        "\nworst ratio {:.3}% of the 115200-baud wire time (goal ≤ 1%): {}",
        worst * 100.0,
        if worst <= 0.01 { "met" } else { "NOT met" }
    );
}
