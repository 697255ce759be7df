//! Fiscal registers (ККТ): the boundary paydesk's till talks to, and a native
//! Shtrih-M driver behind it.
//!
//! A [`FiscalDevice`] opens and closes the ККТ shift, issues the payment agent's sale
//! and return receipts with their ФФД tags ([`tlv`]), prints X reports, and says what
//! it holds (status, the last document) so a crash mid-receipt can be settled by
//! asking the device rather than the cashier. The ESC/POS path (no fiscal device) is
//! not here: a plain printer never issues a fiscal document.

#![warn(missing_docs)]

pub mod emulator;
pub mod shtrih;
pub mod text;
pub mod tlv;

use chrono::NaiveDateTime;

/// The ФФД tax system (1055) as «Закрытие чека … №2» takes it: one bit (p. 52–53).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxSystem {
    /// ОСН, bit 0.
    General,
    /// УСН доход, bit 1.
    SimplifiedIncome,
    /// УСН доход минус расход, bit 2.
    SimplifiedIncomeMinusExpense,
    /// ЕСХН (ЕСП in the protocol's words), bit 4.
    Agricultural,
    /// ПСН, bit 5.
    Patent,
}

impl TaxSystem {
    /// The bit «Закрытие чека расширенное вариант №2» sends.
    pub fn bit(self) -> u8 {
        match self {
            TaxSystem::General => 1 << 0,
            TaxSystem::SimplifiedIncome => 1 << 1,
            TaxSystem::SimplifiedIncomeMinusExpense => 1 << 2,
            TaxSystem::Agricultural => 1 << 4,
            TaxSystem::Patent => 1 << 5,
        }
    }
}

/// VAT on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vat {
    /// Без НДС (the default for a payment agent's item).
    None,
    /// 0 %.
    Zero,
    /// 10 %.
    Ten,
    /// 20 %.
    Twenty,
}

/// Which receipt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptKind {
    /// Приход: the customer pays.
    Sale,
    /// Возврат прихода: the cash goes back.
    ReturnOfSale,
}

/// The cashier printed on the receipt (tags 1021, 1203).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cashier {
    /// Name.
    pub name: String,
    /// Tax id, if the shop gives it.
    pub tax_id: Option<String>,
}

/// A payment agent's receipt: the payment as the principal's item, the fee as the
/// shop's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentReceipt {
    /// Sale or return.
    pub kind: ReceiptKind,
    /// The line's name, e.g. "Оплата услуг МТС, счёт 9031234567".
    pub item: String,
    /// The payment, kopecks (the principal's money).
    pub amount: u64,
    /// The fee, kopecks (the shop's; 0: no fee line).
    pub fee: u64,
    /// Cash handed over, kopecks (≥ amount + fee).
    pub cash: u64,
    /// Операция платёжного агента (1044), e.g. "оплата услуг МТС по счёту 903…".
    pub operation: String,
    /// The agent's phone (1073).
    pub agent_phone: Option<String>,
    /// The operator's (supplier's) phone (1074 and 1171).
    pub operator_phone: Option<String>,
    /// The supplier's name (1225).
    pub supplier_name: String,
    /// The supplier's tax id (1226).
    pub supplier_tax_id: String,
    /// Tax system.
    pub tax_system: TaxSystem,
    /// VAT on the agent's item.
    pub vat: Vat,
    /// Who took the cash.
    pub cashier: Cashier,
}

impl AgentReceipt {
    /// The receipt's total.
    pub fn total(&self) -> u64 {
        self.amount + self.fee
    }
}

/// What the fiscal storage gave a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiscalDocument {
    /// Номер ФД.
    pub number: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
    /// Номер ФН.
    pub fn_number: String,
    /// When (the device's clock).
    pub at: Option<NaiveDateTime>,
    /// Change, kopecks.
    pub change: u64,
}

/// The ККТ's shift as the device sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceShift {
    /// Closed.
    Closed,
    /// Open, within 24 hours.
    Open,
    /// Open for more than 24 hours: only the Z report is accepted.
    Expired,
}

/// Where the device stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiscalStatus {
    /// The shift.
    pub shift: DeviceShift,
    /// A receipt is open (a crash mid-receipt leaves one).
    pub receipt_open: bool,
    /// No paper.
    pub paper_out: bool,
    /// Paper is back after running out mid-document: the register waits for
    /// "continue printing" before anything else prints.
    pub awaiting_continue: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// The fiscal storage's warnings (FF01h bits: replace urgently, resource low,
    /// memory 99 % full, the ОФД has not answered in time).
    pub fn_warnings: u8,
    /// The last fiscal document's number.
    pub last_document: u32,
    /// The ФН's number.
    pub fn_number: String,
}

/// A found receipt (recovery): its number, sign, kind and total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundReceipt {
    /// Номер ФД.
    pub number: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
    /// Sale or return.
    pub kind: ReceiptKind,
    /// Total, kopecks.
    pub total: u64,
}

/// Why the fiscal register did not do it.
#[derive(Debug, thiserror::Error)]
pub enum FiscalError {
    /// No link, or the exchange failed.
    #[error(transparent)]
    Link(#[from] shtrih::link::LinkError),
    /// The device refused with its error code.
    #[error("the fiscal register refused {command}: error {code:#04x}")]
    Refused {
        /// What was asked.
        command: &'static str,
        /// The device's code («Коды ошибок»).
        code: u8,
    },
    /// The answer's data is not what the protocol says.
    #[error("the fiscal register's answer to {0} is malformed")]
    Malformed(&'static str),
    /// The ККТ shift is older than 24 hours: close it with the Z report first.
    #[error("the fiscal register's shift is older than 24 hours: close it with a Z report")]
    ShiftExpired,
    /// The device has no paper (or waits for it mid-document).
    #[error("the fiscal register has no paper")]
    NoPaper,
    /// The TLVs do not fit one command.
    #[error("the receipt's tags are {0} bytes; the register takes 250 per command")]
    TagsTooLong(usize),
}

/// A fiscal register.
pub trait FiscalDevice: Send {
    /// Where it stands.
    fn status(&mut self) -> Result<FiscalStatus, FiscalError>;
    /// Opens the ККТ shift (the cashier's name goes on the report).
    fn open_shift(&mut self, cashier: &Cashier) -> Result<(), FiscalError>;
    /// Issues a payment agent's receipt and returns what the ФН gave it.
    fn receipt(&mut self, r: &AgentReceipt) -> Result<FiscalDocument, FiscalError>;
    /// Cancels an open receipt (nothing fiscal was issued).
    fn cancel_receipt(&mut self) -> Result<(), FiscalError>;
    /// Lets the register go on printing after paper was loaded mid-document.
    fn continue_printing(&mut self) -> Result<(), FiscalError>;
    /// Prints the X report.
    fn x_report(&mut self) -> Result<(), FiscalError>;
    /// Closes the ККТ shift with the Z report.
    fn z_report(&mut self) -> Result<(), FiscalError>;
    /// A receipt by its document number, if it is one.
    fn find_receipt(&mut self, number: u32) -> Result<Option<FoundReceipt>, FiscalError>;
    /// Bytes exchanged and time spent in exchanges so far (benchmarks).
    fn wire(&self) -> shtrih::link::Wire;
}
