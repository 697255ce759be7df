//! The fiscal register at the till: connected on first use, it issues the payment
//! agent's receipts and refunds, opens and closes its shift with paydesk's, and
//! answers what recovery asks. With no register configured nothing here is used and
//! the receipt printer prints a payment confirmation.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::domain::payment::{FiscalDocumentRef, Payment};
use crate::domain::receipt::DocumentContext;
use crate::fiscal::shtrih::ShtrihM;
use crate::fiscal::shtrih::link::{LinkError, Timing};
use crate::fiscal::{
    AgentReceipt, Cashier, DeviceShift, FiscalDevice, FiscalDocument, FiscalError, FiscalStatus,
    FoundReceipt, ReceiptKind,
};
use crate::i18n::T;

use super::config::{FiscalConfig, FiscalConnection};

/// How long connecting to a network register may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The register and how to reach it.
pub struct FiscalDesk {
    config: FiscalConfig,
    device: Option<Box<dyn FiscalDevice>>,
}

impl FiscalDesk {
    /// The desk for a configuration (nothing is opened yet).
    pub fn new(config: FiscalConfig) -> FiscalDesk {
        FiscalDesk {
            config,
            device: None,
        }
    }

    /// A register is configured.
    pub fn configured(&self) -> bool {
        !matches!(self.config, FiscalConfig::None)
    }

    fn connect(&self) -> Result<Box<dyn FiscalDevice>, FiscalError> {
        let FiscalConfig::ShtrihM {
            connection,
            passwords,
            answer_timeout,
            ..
        } = &self.config
        else {
            return Err(FiscalError::Link(LinkError::NoAnswer));
        };
        let timing = Timing {
            answer: *answer_timeout,
            ..Timing::default()
        };
        let io = |e: std::io::Error| FiscalError::Link(LinkError::Io(e));
        Ok(match connection {
            FiscalConnection::Serial { path, baud } => {
                let port = serialport::new(path, *baud)
                    .timeout(timing.byte)
                    .open_native()
                    .map_err(|e| io(std::io::Error::other(e)))?;
                Box::new(ShtrihM::new(port, timing, *passwords))
            }
            FiscalConnection::Tcp { address } => {
                let addr = address
                    .to_socket_addrs()
                    .map_err(io)?
                    .next()
                    .ok_or_else(|| io(std::io::Error::other("the address resolves to nothing")))?;
                let socket = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(io)?;
                socket.set_nodelay(true).map_err(io)?;
                Box::new(ShtrihM::new(socket, timing, *passwords))
            }
        })
    }

    /// Runs `f` on the register, connecting first; a broken link is dropped so the
    /// next call connects again.
    fn with<R>(
        &mut self,
        f: impl FnOnce(&mut dyn FiscalDevice) -> Result<R, FiscalError>,
    ) -> Result<R, FiscalError> {
        if self.device.is_none() {
            self.device = Some(self.connect()?);
        }
        let device = self.device.as_mut().expect("connected above");
        let r = f(device.as_mut());
        if matches!(r, Err(FiscalError::Link(_))) {
            self.device = None;
        }
        r
    }

    /// Bytes exchanged with the register and time spent in exchanges since it was
    /// connected (benchmarks); nothing before the first use.
    pub fn wire(&self) -> crate::fiscal::shtrih::link::Wire {
        self.device.as_ref().map(|d| d.wire()).unwrap_or_default()
    }

    /// Where the register stands.
    pub fn status(&mut self) -> Result<FiscalStatus, FiscalError> {
        self.with(|d| d.status())
    }

    /// Refuses a receipt the register would refuse: expired shift, no paper, cover
    /// open. Returns the status (its last document number starts the receipt).
    pub fn check_ready(&mut self) -> Result<FiscalStatus, FiscalError> {
        let mut s = self.status()?;
        // Paper is back after running out mid-document: let the register go on
        // (Приложение 1, submode 3), then look again.
        if s.awaiting_continue {
            self.with(|d| d.continue_printing())?;
            s = self.status()?;
        }
        if s.shift == DeviceShift::Expired {
            return Err(FiscalError::ShiftExpired);
        }
        if s.paper_out || s.cover_open {
            return Err(FiscalError::NoPaper);
        }
        Ok(s)
    }

    /// Issues a receipt.
    pub fn issue(&mut self, r: &AgentReceipt) -> Result<FiscalDocument, FiscalError> {
        self.with(|d| {
            // A shift closed on the register (a Z from its own keyboard) is opened
            // again, as paydesk's own shift is open.
            if d.status()?.shift == DeviceShift::Closed {
                d.open_shift(&r.cashier)?;
            }
            d.receipt(r)
        })
    }

    /// Cancels a receipt left open.
    pub fn cancel_receipt(&mut self) -> Result<(), FiscalError> {
        self.with(|d| d.cancel_receipt())
    }

    /// A receipt by number.
    pub fn find_receipt(&mut self, n: u32) -> Result<Option<FoundReceipt>, FiscalError> {
        self.with(|d| d.find_receipt(n))
    }

    /// Opens the register's shift unless it is open.
    pub fn open_shift(&mut self, cashier: &Cashier) -> Result<(), FiscalError> {
        self.with(|d| match d.status()?.shift {
            DeviceShift::Closed => d.open_shift(cashier),
            _ => Ok(()),
        })
    }

    /// Closes the register's shift with its Z report (nothing to do if it is closed).
    pub fn z_report(&mut self) -> Result<(), FiscalError> {
        self.with(|d| match d.status()?.shift {
            DeviceShift::Closed => Ok(()),
            _ => d.z_report(),
        })
    }

    /// The register's X report.
    pub fn x_report(&mut self) -> Result<(), FiscalError> {
        self.with(|d| d.x_report())
    }

    /// The payment agent's receipt for a payment (a sale, or a return of sale for a
    /// refund), with the shop's tax system and VAT.
    pub fn agent_receipt(
        &self,
        p: &Payment,
        docs: &DocumentContext,
        kind: ReceiptKind,
        cash: u64,
    ) -> Option<AgentReceipt> {
        let FiscalConfig::ShtrihM {
            tax_system, vat, ..
        } = &self.config
        else {
            return None;
        };
        let d = &p.details;
        let minor = |m: crate::domain::money::Money| u64::try_from(m.minor()).unwrap_or(0);
        let operation = docs.lang.fill(
            T::DocOperation,
            &[("operator", &d.operator.name), ("account", &d.account)],
        );
        Some(AgentReceipt {
            kind,
            item: operation.clone(),
            amount: minor(d.amount),
            fee: minor(d.fee),
            cash,
            operation,
            agent_phone: Some(docs.shop.phone.clone()).filter(|p| !p.trim().is_empty()),
            operator_phone: d.operator.phone.clone(),
            supplier_name: d.operator.legal_entity.clone(),
            supplier_tax_id: d.operator.tax_id.clone(),
            tax_system: *tax_system,
            vat: *vat,
            cashier: Cashier {
                name: d.cashier.clone(),
                tax_id: None,
            },
        })
    }
}

/// What the journal keeps of an issued document.
pub fn document_ref(doc: &FiscalDocument) -> FiscalDocumentRef {
    FiscalDocumentRef {
        number: doc.number,
        fiscal_sign: doc.fiscal_sign,
        fn_number: doc.fn_number.clone(),
        issued_at: doc.at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
    }
}
