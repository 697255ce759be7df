//! The Shtrih-M driver against the emulator over a real pty pair (and TCP): the
//! frames on the wire are the protocol's, the emulator decodes every command and the
//! receipt's TLVs are read back from its fiscal storage.

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use paydesk_fiscal::emulator::Emulator;
use paydesk_fiscal::shtrih::command::{OperationType, SUBJECT_AGENT_REWARD, SUBJECT_PAYMENT};
use paydesk_fiscal::shtrih::link::{LinkError, Timing};
use paydesk_fiscal::shtrih::{Passwords, ShtrihM};
use paydesk_fiscal::text::from_cp866;
use paydesk_fiscal::tlv::{Tag, Tlv};
use paydesk_fiscal::{
    AgentReceipt, Cashier, DeviceShift, FiscalDevice, FiscalError, ReceiptKind, TaxSystem, Vat,
};
use serialport::TTYPort;

fn timing() -> Timing {
    Timing {
        byte: Duration::from_millis(60),
        answer: Duration::from_secs(1),
    }
}

/// The driver on one end of a pty pair, the emulator serving the other.
fn on_pty() -> (ShtrihM<TTYPort>, Emulator) {
    let (host, device) = TTYPort::pair().expect("a pty pair");
    let emulator = Emulator::new();
    let serving = emulator.clone();
    std::thread::spawn(move || serving.serve(device));
    (ShtrihM::new(host, timing(), Passwords::default()), emulator)
}

fn cashier() -> Cashier {
    Cashier {
        name: "Анна".into(),
        tax_id: None,
    }
}

fn mts(kind: ReceiptKind) -> AgentReceipt {
    AgentReceipt {
        kind,
        item: "Оплата услуг МТС, счёт 9031234567".into(),
        amount: 50_000,
        fee: 1_500,
        cash: 60_000,
        operation: "оплата услуг МТС по счёту 9031234567".into(),
        agent_phone: Some("+74951234567".into()),
        operator_phone: Some("+78002500890".into()),
        supplier_name: "ПАО «МТС»".into(),
        supplier_tax_id: "7740000076".into(),
        tax_system: TaxSystem::SimplifiedIncome,
        vat: Vat::None,
        cashier: cashier(),
    }
}

fn text(t: &Tlv) -> String {
    match t {
        Tlv::Value(_, v) => from_cp866(v),
        Tlv::Structure(..) => panic!("a structure"),
    }
}

fn find(tlvs: &[Tlv], tag: Tag) -> &Tlv {
    tlvs.iter()
        .find(|t| t.tag() == tag)
        .unwrap_or_else(|| panic!("tag {} missing in {tlvs:?}", tag.0))
}

fn inner(t: &Tlv) -> &[Tlv] {
    match t {
        Tlv::Structure(_, inner) => inner,
        Tlv::Value(..) => panic!("not a structure"),
    }
}

#[test]
fn an_agent_receipt_carries_every_agent_tag_and_the_fee_as_the_shops_own_line() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    let doc = kkt.receipt(&mts(ReceiptKind::Sale)).unwrap();
    assert_eq!(doc.change, 60_000 - 51_500);

    let s = emu.state.lock().unwrap();
    assert_eq!(s.receipts.len(), 1);
    let r = &s.receipts[0];
    assert_eq!((doc.number, doc.fiscal_sign), (r.document, r.fiscal_sign));
    assert_eq!(doc.fn_number, s.fn_number);
    assert_eq!(r.kind, 0, "a sale");
    assert_eq!((r.cash, r.tax_system), (60_000, 1 << 1));
    // The shift report names the cashier (1021).
    assert_eq!(text(find(&s.shift_reports[0], Tag::CASHIER)), "Анна");

    // Line 1: the principal's payment, with the agent sign and the supplier.
    let (pay, pay_tags) = &r.lines[0];
    assert_eq!(
        (pay.price, pay.subject, pay.method),
        (50_000, SUBJECT_PAYMENT, 4)
    );
    assert_eq!(pay.operation, OperationType::Income);
    assert_eq!(pay.name, "Оплата услуг МТС, счёт 9031234567");
    assert_eq!(
        *find(pay_tags, Tag::LINE_AGENT_SIGN),
        Tlv::byte(Tag::LINE_AGENT_SIGN, 4)
    );
    let supplier = inner(find(pay_tags, Tag::SUPPLIER_DATA));
    assert_eq!(text(find(supplier, Tag::SUPPLIER_PHONE)), "+78002500890");
    assert_eq!(text(find(supplier, Tag::SUPPLIER_NAME)), "ПАО \"МТС\"");
    assert_eq!(text(find(pay_tags, Tag::SUPPLIER_TAX_ID)), "7740000076  ");

    // Line 2: the shop's fee, no agent sign.
    let (fee, fee_tags) = &r.lines[1];
    assert_eq!((fee.price, fee.subject), (1_500, SUBJECT_AGENT_REWARD));
    assert!(fee_tags.is_empty(), "{fee_tags:?}");

    // The receipt: agent sign, agent data, cashier.
    assert_eq!(
        *find(&r.tlvs, Tag::AGENT_SIGN),
        Tlv::byte(Tag::AGENT_SIGN, 4)
    );
    let agent = inner(find(&r.tlvs, Tag::AGENT_DATA));
    assert_eq!(
        text(find(agent, Tag::AGENT_OPERATION)),
        "оплата услуг МТС по счёту 9031234567"
    );
    assert_eq!(text(find(agent, Tag::AGENT_PHONE)), "+74951234567");
    assert_eq!(
        text(find(agent, Tag::PAYMENT_OPERATOR_PHONE)),
        "+78002500890"
    );
    assert_eq!(text(find(&r.tlvs, Tag::CASHIER)), "Анна");

    // The commands in order, as the protocol asks.
    let codes: Vec<Vec<u8>> = s.commands.iter().skip(2).cloned().collect();
    assert_eq!(
        codes,
        vec![
            vec![0x8D],
            vec![0xFF, 0x46],
            vec![0xFF, 0x4D],
            vec![0xFF, 0x46],
            vec![0xFF, 0x0C],
            vec![0xFF, 0x45],
            vec![0xFF, 0x01],
        ]
    );
}

#[test]
fn a_refund_is_a_return_of_sale_receipt_with_the_same_agent_data() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    kkt.receipt(&mts(ReceiptKind::Sale)).unwrap();
    let back = AgentReceipt {
        cash: 51_500,
        ..mts(ReceiptKind::ReturnOfSale)
    };
    let doc = kkt.receipt(&back).unwrap();
    let s = emu.state.lock().unwrap();
    let r = s.receipts.last().unwrap();
    assert_eq!(r.kind, 2, "возврат продажи");
    assert_eq!(r.document, doc.number);
    assert!(
        r.lines
            .iter()
            .all(|(l, _)| l.operation == OperationType::ReturnOfIncome)
    );
    assert_eq!(
        *find(&r.tlvs, Tag::AGENT_SIGN),
        Tlv::byte(Tag::AGENT_SIGN, 4)
    );
    assert_eq!(doc.change, 0);
    drop(s);
    let found = kkt.find_receipt(doc.number).unwrap().unwrap();
    assert_eq!(
        (found.kind, found.total),
        (ReceiptKind::ReturnOfSale, 51_500)
    );
}

#[test]
fn x_and_z_reports_and_the_shift_as_the_device_sees_it() {
    let (mut kkt, emu) = on_pty();
    assert_eq!(kkt.status().unwrap().shift, DeviceShift::Closed);
    kkt.open_shift(&cashier()).unwrap();
    assert_eq!(kkt.status().unwrap().shift, DeviceShift::Open);
    kkt.x_report().unwrap();
    kkt.z_report().unwrap();
    let st = kkt.status().unwrap();
    assert_eq!(st.shift, DeviceShift::Closed);
    assert_eq!(emu.state.lock().unwrap().x_reports, 1);
    // Shift opening and closing are fiscal documents too.
    assert_eq!(st.last_document, 2);
}

#[test]
fn frames_refused_on_the_line_are_sent_again_and_the_receipt_is_made_once() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    emu.state.lock().unwrap().faults.nak_frames = 3;
    kkt.receipt(&mts(ReceiptKind::Sale)).unwrap();
    assert_eq!(emu.state.lock().unwrap().receipts.len(), 1);
}

#[test]
fn a_silent_device_is_no_answer_not_a_hang() {
    let (mut kkt, emu) = on_pty();
    emu.state.lock().unwrap().faults.silent = true;
    let t = Instant::now();
    let e = kkt.status().unwrap_err();
    assert!(matches!(e, FiscalError::Link(LinkError::NoAnswer)), "{e:?}");
    println!("no answer after {:?}", t.elapsed());
}

#[test]
fn an_answer_lost_after_the_receipt_closed_is_settled_by_asking_the_device() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    emu.state.lock().unwrap().faults.lose_answer_of = Some(vec![0xFF, 0x45]);
    let e = kkt.receipt(&mts(ReceiptKind::Sale)).unwrap_err();
    assert!(
        matches!(e, FiscalError::Link(LinkError::AnswerLost)),
        "{e:?}"
    );
    // Not sent twice: one receipt, closed.
    assert_eq!(emu.state.lock().unwrap().receipts.len(), 1);
    // What recovery asks: no receipt open, and the last document is a sale of this
    // total.
    let st = kkt.status().unwrap();
    assert!(!st.receipt_open);
    let found = kkt.find_receipt(st.last_document).unwrap().unwrap();
    assert_eq!((found.kind, found.total), (ReceiptKind::Sale, 51_500));
}

#[test]
fn paper_out_mid_receipt_cancels_it_and_a_receipt_left_open_is_seen() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    emu.state.lock().unwrap().faults.paper_out_at_next_line = true;
    let e = kkt.receipt(&mts(ReceiptKind::Sale)).unwrap_err();
    assert!(matches!(e, FiscalError::NoPaper), "{e:?}");
    let st = kkt.status().unwrap();
    assert!(st.paper_out);
    assert!(!st.receipt_open, "the failed receipt was cancelled");
    assert!(emu.state.lock().unwrap().receipts.is_empty());

    // Paper loaded: the register waits to continue, and goes on when told.
    emu.state.lock().unwrap().load_paper();
    let st = kkt.status().unwrap();
    assert!(!st.paper_out && st.awaiting_continue);
    assert!(matches!(
        kkt.receipt(&mts(ReceiptKind::Sale)).unwrap_err(),
        FiscalError::NoPaper
    ));
    kkt.continue_printing().unwrap();
    assert!(!kkt.status().unwrap().awaiting_continue);

    // A receipt left open (a crash between its commands) shows in the status and
    // is cancelled on request.
    emu.state.lock().unwrap().faults.lose_answer_of = Some(vec![0xFF, 0x46]);
    assert!(kkt.receipt(&mts(ReceiptKind::Sale)).is_err());
    assert!(kkt.status().unwrap().receipt_open);
    kkt.cancel_receipt().unwrap();
    assert!(!kkt.status().unwrap().receipt_open);
}

#[test]
fn a_shift_older_than_24_hours_refuses_receipts_until_the_z_report() {
    let (mut kkt, emu) = on_pty();
    kkt.open_shift(&cashier()).unwrap();
    emu.state.lock().unwrap().age_shift(TimeDelta::hours(25));
    assert_eq!(kkt.status().unwrap().shift, DeviceShift::Expired);
    let e = kkt.receipt(&mts(ReceiptKind::Sale)).unwrap_err();
    assert!(matches!(e, FiscalError::ShiftExpired), "{e:?}");
    kkt.z_report().unwrap();
    kkt.open_shift(&cashier()).unwrap();
    kkt.receipt(&mts(ReceiptKind::Sale)).unwrap();
}

#[test]
fn fiscal_storage_warnings_reach_the_status() {
    let (mut kkt, emu) = on_pty();
    emu.state.lock().unwrap().faults.fn_warnings = 0b0000_0100;
    assert_eq!(kkt.status().unwrap().fn_warnings, 0b0000_0100);
}

#[test]
fn the_same_protocol_runs_over_tcp() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let emu = Emulator::new();
    let serving = emu.clone();
    std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        let _ = serving.serve(socket);
    });
    let socket = std::net::TcpStream::connect(addr).unwrap();
    socket.set_nodelay(true).unwrap();
    let mut kkt = ShtrihM::new(socket, timing(), Passwords::default());
    kkt.open_shift(&cashier()).unwrap();
    let doc = kkt.receipt(&mts(ReceiptKind::Sale)).unwrap();
    assert_eq!(emu.state.lock().unwrap().receipts[0].document, doc.number);
}
