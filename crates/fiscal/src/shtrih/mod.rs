//! The Shtrih-M ФР protocol, natively: frames ([`frame`]), the link ([`link`]), the
//! commands ([`command`]) and [`ShtrihM`], the [`FiscalDevice`] over them.
//!
//! A payment agent's receipt, command by command (v1.17 pages in [`command::TABLE`]):
//! `8Dh` open receipt → `FF46h` the payment line (subject 10 «платёж») → `FF4Dh` the
//! line's agent sign (1222 = 4), supplier data (1224: 1171, 1225) and supplier tax id
//! (1226) → `FF46h` the fee line (subject 11 «агентское вознаграждение», no agent
//! sign) → `FF0Ch` the receipt's agent sign (1057), agent data (1223: 1044, 1073,
//! 1074), cashier (1021, 1203) → `FF45h` close with cash. A failure before `FF45h`
//! cancels the receipt (`88h`).

pub mod command;
pub mod error;
pub mod frame;
pub mod link;

use crate::tlv::{PAYMENT_AGENT, Tag, Tlv};
use crate::{
    AgentReceipt, Cashier, DeviceShift, FiscalDevice, FiscalDocument, FiscalError, FiscalStatus,
    FoundReceipt, ReceiptKind, Vat,
};

use command::{
    Closed, FnStatus, Line, Mode, OperationType, ReceiptType, Request, ShortStatus, Submode,
    TaxRate,
};
use link::{Link, Port, Timing};

/// The passwords the driver uses: the operator's for receipts, the system
/// administrator's for the ФН commands (v1.17: «Пароль системного администратора»).
/// Factory defaults: operator 1 → 1, system administrator → 30.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Passwords {
    /// The cashier operator's password.
    pub operator: u32,
    /// The system administrator's password.
    pub admin: u32,
}

impl Default for Passwords {
    fn default() -> Passwords {
        Passwords {
            operator: 1,
            admin: 30,
        }
    }
}

/// A Shtrih-M register on a port.
pub struct ShtrihM<P: Port> {
    link: Link<P>,
    passwords: Passwords,
}

impl<P: Port> ShtrihM<P> {
    /// The register on `port`.
    pub fn new(port: P, timing: Timing, passwords: Passwords) -> ShtrihM<P> {
        ShtrihM {
            link: Link::new(port, timing),
            passwords,
        }
    }

    /// The bytes exchanged so far.
    pub fn wire(&self) -> &link::Wire {
        &self.link.wire
    }

    fn call(&mut self, what: &'static str, r: &Request) -> Result<Vec<u8>, FiscalError> {
        let a = self.link.exchange(r)?;
        match a.error {
            0 => Ok(a.data),
            error::SHIFT_EXPIRED | error::FN_SHIFT_EXPIRED => Err(FiscalError::ShiftExpired),
            error::NO_PAPER | error::AWAITING_CONTINUE => Err(FiscalError::NoPaper),
            code => Err(FiscalError::Refused {
                command: what,
                code,
            }),
        }
    }

    fn short_status(&mut self) -> Result<ShortStatus, FiscalError> {
        let d = self.call(
            "short status",
            &Request::bare(command::SHORT_STATUS, self.passwords.operator),
        )?;
        ShortStatus::parse(&d).ok_or(FiscalError::Malformed("short status"))
    }

    fn fn_status(&mut self) -> Result<FnStatus, FiscalError> {
        let d = self.call(
            "FN status",
            &Request::bare(command::FN_STATUS, self.passwords.admin),
        )?;
        FnStatus::parse(&d).ok_or(FiscalError::Malformed("FN status"))
    }

    fn tlv(&mut self, code: command::Code, tlvs: &[Tlv]) -> Result<(), FiscalError> {
        let bytes: Vec<u8> = tlvs.iter().flat_map(Tlv::encode).collect();
        if bytes.len() > command::MAX_TLV {
            return Err(FiscalError::TagsTooLong(bytes.len()));
        }
        self.call(
            "TLV",
            &command::with_tlv(code, self.passwords.admin, &bytes),
        )?;
        Ok(())
    }

    /// Everything between «Открыть чек» and «Закрытие чека» (cancelled by the caller
    /// on failure).
    fn fill(&mut self, r: &AgentReceipt) -> Result<Closed, FiscalError> {
        let operation = match r.kind {
            ReceiptKind::Sale => OperationType::Income,
            ReceiptKind::ReturnOfSale => OperationType::ReturnOfIncome,
        };
        let tax = match r.vat {
            Vat::None => TaxRate::NoVat,
            Vat::Zero => TaxRate::Vat0,
            Vat::Ten => TaxRate::Vat10,
            Vat::Twenty => TaxRate::Vat20,
        };
        self.call(
            "sale line",
            &command::operation_v2(
                self.passwords.operator,
                &Line {
                    operation,
                    price: r.amount,
                    tax,
                    method: command::METHOD_FULL,
                    subject: command::SUBJECT_PAYMENT,
                    name: r.item.clone(),
                },
            ),
        )?;
        let mut supplier = Vec::new();
        if let Some(p) = &r.operator_phone {
            supplier.push(Tlv::text(Tag::SUPPLIER_PHONE, p));
        }
        supplier.push(Tlv::text(Tag::SUPPLIER_NAME, &r.supplier_name));
        self.tlv(
            command::TLV_OPERATION,
            &[
                Tlv::byte(Tag::LINE_AGENT_SIGN, PAYMENT_AGENT),
                Tlv::Structure(Tag::SUPPLIER_DATA, supplier),
                Tlv::tax_id(Tag::SUPPLIER_TAX_ID, &r.supplier_tax_id),
            ],
        )?;
        if r.fee > 0 {
            self.call(
                "fee line",
                &command::operation_v2(
                    self.passwords.operator,
                    &Line {
                        operation,
                        price: r.fee,
                        tax,
                        method: command::METHOD_FULL,
                        subject: command::SUBJECT_AGENT_REWARD,
                        name: "Комиссия".into(),
                    },
                ),
            )?;
        }
        let mut agent = vec![Tlv::text(Tag::AGENT_OPERATION, &r.operation)];
        if let Some(p) = &r.agent_phone {
            agent.push(Tlv::text(Tag::AGENT_PHONE, p));
        }
        if let Some(p) = &r.operator_phone {
            agent.push(Tlv::text(Tag::PAYMENT_OPERATOR_PHONE, p));
        }
        let mut receipt = vec![
            Tlv::byte(Tag::AGENT_SIGN, PAYMENT_AGENT),
            Tlv::Structure(Tag::AGENT_DATA, agent),
            Tlv::text(Tag::CASHIER, &r.cashier.name),
        ];
        if let Some(id) = &r.cashier.tax_id {
            receipt.push(Tlv::tax_id(Tag::CASHIER_TAX_ID, id));
        }
        self.tlv(command::TLV_RECEIPT, &receipt)?;
        let d = self.call(
            "close receipt",
            &command::close_receipt_v2(self.passwords.operator, r.cash, r.tax_system.bit()),
        )?;
        Closed::parse(&d).ok_or(FiscalError::Malformed("close receipt"))
    }
}

impl<P: Port> FiscalDevice for ShtrihM<P> {
    fn wire(&self) -> link::Wire {
        self.link.wire.clone()
    }

    fn status(&mut self) -> Result<FiscalStatus, FiscalError> {
        let s = self.short_status()?;
        let f = self.fn_status()?;
        let shift = match s.mode.number() {
            Mode::SHIFT_EXPIRED => DeviceShift::Expired,
            Mode::SHIFT_CLOSED => DeviceShift::Closed,
            _ if f.shift_open => DeviceShift::Open,
            _ => DeviceShift::Closed,
        };
        Ok(FiscalStatus {
            shift,
            receipt_open: s.mode.number() == Mode::DOCUMENT_OPEN,
            paper_out: matches!(s.submode, Submode::PassiveNoPaper | Submode::ActiveNoPaper),
            awaiting_continue: s.submode == Submode::AfterActiveNoPaper,
            cover_open: s.cover_open(),
            fn_warnings: f.warnings,
            last_document: f.last_document,
            fn_number: f.fn_number,
        })
    }

    fn open_shift(&mut self, cashier: &Cashier) -> Result<(), FiscalError> {
        // The cashier goes on the shift-opening report: FF0Ch before E0h binds the
        // tags to the next document.
        let mut tags = vec![Tlv::text(Tag::CASHIER, &cashier.name)];
        if let Some(id) = &cashier.tax_id {
            tags.push(Tlv::tax_id(Tag::CASHIER_TAX_ID, id));
        }
        self.tlv(command::TLV_RECEIPT, &tags)?;
        self.call(
            "open shift",
            &Request::bare(command::OPEN_SHIFT, self.passwords.operator),
        )?;
        Ok(())
    }

    fn receipt(&mut self, r: &AgentReceipt) -> Result<FiscalDocument, FiscalError> {
        let kind = match r.kind {
            ReceiptKind::Sale => ReceiptType::Sale,
            ReceiptKind::ReturnOfSale => ReceiptType::ReturnOfSale,
        };
        self.call(
            "open receipt",
            &command::open_receipt(self.passwords.operator, kind),
        )?;
        let closed = match self.fill(r) {
            Ok(c) => c,
            Err(e) => {
                // Nothing fiscal was issued: the open receipt goes (a lost link
                // leaves it for recovery, which asks the device).
                if !matches!(e, FiscalError::Link(_)) {
                    let _ = self.cancel_receipt();
                }
                return Err(e);
            }
        };
        let f = self.fn_status().ok();
        Ok(FiscalDocument {
            number: closed.document,
            fiscal_sign: closed.fiscal_sign,
            fn_number: f.as_ref().map(|f| f.fn_number.clone()).unwrap_or_default(),
            at: f.and_then(|f| f.at),
            change: closed.change,
        })
    }

    fn cancel_receipt(&mut self) -> Result<(), FiscalError> {
        self.call(
            "cancel receipt",
            &Request::bare(command::CANCEL_RECEIPT, self.passwords.operator),
        )?;
        Ok(())
    }

    fn continue_printing(&mut self) -> Result<(), FiscalError> {
        self.call(
            "continue printing",
            &Request::bare(command::CONTINUE_PRINT, self.passwords.operator),
        )?;
        Ok(())
    }

    fn x_report(&mut self) -> Result<(), FiscalError> {
        self.call(
            "X report",
            &Request::bare(command::X_REPORT, self.passwords.admin),
        )?;
        Ok(())
    }

    fn z_report(&mut self) -> Result<(), FiscalError> {
        self.call(
            "Z report",
            &Request::bare(command::Z_REPORT, self.passwords.admin),
        )?;
        Ok(())
    }

    fn find_receipt(&mut self, number: u32) -> Result<Option<FoundReceipt>, FiscalError> {
        match self.call(
            "find document",
            &command::find_document(self.passwords.admin, number),
        ) {
            Ok(d) => Ok(command::FoundReceipt::parse(&d).map(|r| FoundReceipt {
                number: r.document,
                fiscal_sign: r.fiscal_sign,
                kind: if r.operation == 2 {
                    ReceiptKind::ReturnOfSale
                } else {
                    ReceiptKind::Sale
                },
                total: r.total,
            })),
            Err(FiscalError::Refused {
                code: error::NO_DATA,
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
