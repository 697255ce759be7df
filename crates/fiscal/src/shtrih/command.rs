//! The Shtrih-M commands paydesk uses: codes, request layouts and answers.
//!
//! Every layout is from «Протокол работы ККТ с ФН» v1.17 (Штрих-М, 2021; kept as
//! `docs/protocol_1.17_24.06.pdf` in re-star-ru/shtrih-m-driver); the page is beside
//! each code. Numbers are little endian; money is 5 bytes in kopecks; a quantity is 6
//! bytes with 6 decimals; every request starts with a 4-byte password.

use chrono::{NaiveDate, NaiveDateTime};

use crate::text::{from_win1251, win1251};

/// A command code: one byte, or `FF xx` for the extended (ФН) commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code(pub &'static [u8]);

/// Короткий запрос состояния ККТ — p. 17.
pub const SHORT_STATUS: Code = Code(&[0x10]);
/// Суточный отчёт без гашения (X report) — p. 26.
pub const X_REPORT: Code = Code(&[0x40]);
/// Суточный отчёт с гашением (Z report, closes the shift) — p. 26.
pub const Z_REPORT: Code = Code(&[0x41]);
/// Аннулирование чека (cancel the open receipt) — p. 32.
pub const CANCEL_RECEIPT: Code = Code(&[0x88]);
/// Открыть чек — p. 32–33.
pub const OPEN_RECEIPT: Code = Code(&[0x8D]);
/// Продолжение печати (after paper ran out mid-document) — p. 33.
pub const CONTINUE_PRINT: Code = Code(&[0xB0]);
/// Открыть смену — p. 38.
pub const OPEN_SHIFT: Code = Code(&[0xE0]);
/// Запрос статуса ФН — p. 42–43.
pub const FN_STATUS: Code = Code(&[0xFF, 0x01]);
/// Найти фискальный документ по номеру — p. 45–46.
pub const FIND_DOCUMENT: Code = Code(&[0xFF, 0x0A]);
/// Передать произвольную TLV структуру (to the receipt) — p. 46.
pub const TLV_RECEIPT: Code = Code(&[0xFF, 0x0C]);
/// Закрытие чека расширенное вариант №2 — p. 52–53.
pub const CLOSE_RECEIPT_V2: Code = Code(&[0xFF, 0x45]);
/// Операция V2 (a receipt line) — p. 53–54.
pub const OPERATION_V2: Code = Code(&[0xFF, 0x46]);
/// Передать произвольную TLV структуру, привязанную к операции — p. 56.
pub const TLV_OPERATION: Code = Code(&[0xFF, 0x4D]);

/// Every code this driver sends, with the page of v1.17 that gives its layout.
pub const TABLE: [(Code, &str, u16); 13] = [
    (SHORT_STATUS, "Короткий запрос состояния", 17),
    (X_REPORT, "Суточный отчет без гашения", 26),
    (Z_REPORT, "Суточный отчет с гашением", 26),
    (CANCEL_RECEIPT, "Аннулирование чека", 32),
    (OPEN_RECEIPT, "Открыть чек", 32),
    (CONTINUE_PRINT, "Продолжение печати", 33),
    (OPEN_SHIFT, "Открыть смену", 38),
    (FN_STATUS, "Запрос статуса ФН", 42),
    (FIND_DOCUMENT, "Найти фискальный документ по номеру", 45),
    (TLV_RECEIPT, "Передать произвольную TLV структуру", 46),
    (CLOSE_RECEIPT_V2, "Закрытие чека расширенное вариант №2", 52),
    (OPERATION_V2, "Операция V2", 53),
    (
        TLV_OPERATION,
        "Передать произвольную TLV структуру привязанную к операции",
        56,
    ),
];

/// The most TLV bytes one FF0Ch / FF4Dh carries (p. 46, 56).
pub const MAX_TLV: usize = 250;

/// Receipt type of «Открыть чек» (p. 33).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReceiptType {
    /// «0» — продажа.
    Sale = 0,
    /// «2» — возврат продажи.
    ReturnOfSale = 2,
}

/// Operation type of «Операция V2» (p. 53): тип операции, the ФФД's признак расчёта.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationType {
    /// 1 — приход.
    Income = 1,
    /// 2 — возврат прихода.
    ReturnOfIncome = 2,
}

/// A request: its code and data (password first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The command.
    pub code: Code,
    /// Password and parameters.
    pub data: Vec<u8>,
}

impl Request {
    /// A request of `code` with the password and nothing else.
    pub fn bare(code: Code, password: u32) -> Request {
        Request {
            code,
            data: password.to_le_bytes().to_vec(),
        }
    }

    /// The frame body: code bytes, then data.
    pub fn body(&self) -> Vec<u8> {
        let mut b = self.code.0.to_vec();
        b.extend_from_slice(&self.data);
        b
    }
}

/// `v` kopecks as the protocol's 5 bytes (values above 2^40 − 1 cannot be sent;
/// paydesk's `Money::MAX` is far below).
pub fn money5(v: u64) -> [u8; 5] {
    let b = v.to_le_bytes();
    [b[0], b[1], b[2], b[3], b[4]]
}

/// 5 protocol bytes as kopecks.
pub fn read_money5(b: &[u8]) -> u64 {
    let mut x = [0u8; 8];
    x[..5].copy_from_slice(&b[..5]);
    u64::from_le_bytes(x)
}

/// «Количество» of «Операция V2»: 6 bytes, 6 decimals (1 → 1 000 000).
pub fn quantity6(units: u64) -> [u8; 6] {
    let b = (units * 1_000_000).to_le_bytes();
    [b[0], b[1], b[2], b[3], b[4], b[5]]
}

/// The «сумма операции рассчитывается кассой» / «налог не указан» marker (p. 54).
pub const NOT_GIVEN: [u8; 5] = [0xFF; 5];

/// Tax rate numbers of «Операция V2», in the order of «Закрытие чека расширенное
/// вариант №2» (p. 52): 1 НДС 18 (20) %, 2 НДС 10 %, 3 НДС 0 %, 4 без НДС.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaxRate {
    /// Налог 1.
    Vat20 = 1,
    /// Налог 2.
    Vat10 = 2,
    /// Оборот по налогу 3.
    Vat0 = 3,
    /// Оборот по налогу 4 — без НДС.
    NoVat = 4,
}

/// One line of «Операция V2».
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Приход or возврат прихода.
    pub operation: OperationType,
    /// Price in kopecks (quantity is always 1 here).
    pub price: u64,
    /// Tax rate number.
    pub tax: TaxRate,
    /// Признак способа расчёта (ФФД 1214): 4 полный расчёт.
    pub method: u8,
    /// Признак предмета расчёта (ФФД 1212): 10 платёж, 11 агентское вознаграждение.
    pub subject: u8,
    /// The name printed (at most 128 bytes in Windows-1251).
    pub name: String,
}

/// ФФД 1214: полный расчёт (Unact/kkm `position_payment_type.rb`).
pub const METHOD_FULL: u8 = 4;
/// ФФД 1212: платёж (Unact/kkm `position_type.rb`: PAYMENT = 10).
pub const SUBJECT_PAYMENT: u8 = 10;
/// ФФД 1212: агентское вознаграждение (Unact/kkm: AGENT_REWARD = 11).
pub const SUBJECT_AGENT_REWARD: u8 = 11;

/// «Операция V2» (p. 53).
pub fn operation_v2(password: u32, line: &Line) -> Request {
    let mut d = password.to_le_bytes().to_vec();
    d.push(line.operation as u8);
    d.extend_from_slice(&quantity6(1));
    d.extend_from_slice(&money5(line.price));
    d.extend_from_slice(&money5(line.price));
    d.extend_from_slice(&NOT_GIVEN);
    d.push(line.tax as u8);
    d.push(1); // department 1: free sale
    d.push(line.method);
    d.push(line.subject);
    let mut name = win1251(&line.name);
    name.truncate(128);
    d.extend_from_slice(&name);
    Request {
        code: OPERATION_V2,
        data: d,
    }
}

/// A line read back from «Операция V2» data (the emulator's side).
pub fn parse_operation_v2(data: &[u8]) -> Option<Line> {
    if data.len() < 4 + 1 + 6 + 15 + 4 {
        return None;
    }
    let operation = match data[4] {
        1 => OperationType::Income,
        2 => OperationType::ReturnOfIncome,
        _ => return None,
    };
    let price = read_money5(&data[11..16]);
    let tax = match data[26] {
        1 => TaxRate::Vat20,
        2 => TaxRate::Vat10,
        3 => TaxRate::Vat0,
        4 => TaxRate::NoVat,
        _ => return None,
    };
    Some(Line {
        operation,
        price,
        tax,
        method: data[28],
        subject: data[29],
        name: from_win1251(&data[30..]),
    })
}

/// «Закрытие чека расширенное вариант №2» (p. 52): all cash, the tax system bit.
pub fn close_receipt_v2(password: u32, cash: u64, tax_system: u8) -> Request {
    let mut d = password.to_le_bytes().to_vec();
    d.extend_from_slice(&money5(cash));
    for _ in 2..=16 {
        d.extend_from_slice(&money5(0));
    }
    d.push(0); // rounding
    for _ in 0..6 {
        d.extend_from_slice(&money5(0)); // taxes: the device computes them
    }
    d.push(tax_system);
    Request {
        code: CLOSE_RECEIPT_V2,
        data: d,
    }
}

/// Where the cash and the tax system sit in «Закрытие чека … №2» data.
pub fn parse_close_receipt_v2(data: &[u8]) -> Option<(u64, u8)> {
    // password 4, 16 sums × 5, rounding 1, 6 taxes × 5, tax system 1.
    let tax_at = 4 + 80 + 1 + 30;
    Some((read_money5(data.get(4..9)?), *data.get(tax_at)?))
}

/// A request carrying a password and TLV bytes (FF0Ch, FF4Dh).
pub fn with_tlv(code: Code, password: u32, tlv: &[u8]) -> Request {
    let mut d = password.to_le_bytes().to_vec();
    d.extend_from_slice(tlv);
    Request { code, data: d }
}

/// «Открыть чек» (p. 32).
pub fn open_receipt(password: u32, kind: ReceiptType) -> Request {
    let mut d = password.to_le_bytes().to_vec();
    d.push(kind as u8);
    Request {
        code: OPEN_RECEIPT,
        data: d,
    }
}

/// «Найти фискальный документ по номеру» (p. 45).
pub fn find_document(password: u32, number: u32) -> Request {
    let mut d = password.to_le_bytes().to_vec();
    d.extend_from_slice(&number.to_le_bytes());
    Request {
        code: FIND_DOCUMENT,
        data: d,
    }
}

/// The device's mode (Приложение 1, p. 71): low nibble the mode number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode(pub u8);

impl Mode {
    /// 2 — открытая смена, 24 часа не кончились.
    pub const SHIFT_OPEN: u8 = 2;
    /// 3 — открытая смена, 24 часа кончились.
    pub const SHIFT_EXPIRED: u8 = 3;
    /// 4 — закрытая смена.
    pub const SHIFT_CLOSED: u8 = 4;
    /// 8 — открытый документ (high nibble: 0 продажа, 2 возврат продажи).
    pub const DOCUMENT_OPEN: u8 = 8;

    /// The mode number.
    pub fn number(self) -> u8 {
        self.0 & 0x0F
    }
}

/// The submode (Приложение 1, p. 71–72).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submode {
    /// 0 — бумага есть.
    Paper,
    /// 1 — пассивное отсутствие бумаги.
    PassiveNoPaper,
    /// 2 — активное отсутствие бумаги (mid-document).
    ActiveNoPaper,
    /// 3 — после активного отсутствия бумаги: waits for «Продолжение печати».
    AfterActiveNoPaper,
    /// 4, 5 — printing.
    Printing,
    /// Anything else.
    Other(u8),
}

impl From<u8> for Submode {
    fn from(b: u8) -> Submode {
        match b {
            0 => Submode::Paper,
            1 => Submode::PassiveNoPaper,
            2 => Submode::ActiveNoPaper,
            3 => Submode::AfterActiveNoPaper,
            4 | 5 => Submode::Printing,
            x => Submode::Other(x),
        }
    }
}

/// The short status answer (10h, p. 17).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortStatus {
    /// Флаги ККТ (bit 10: cover open; bit 7: receipt paper sensor).
    pub flags: u16,
    /// Режим.
    pub mode: Mode,
    /// Подрежим.
    pub submode: Submode,
}

impl ShortStatus {
    /// Bit 10 of the flags: «Крышка корпуса ККТ поднята».
    pub fn cover_open(&self) -> bool {
        self.flags & (1 << 10) != 0
    }

    /// The answer's bytes after the error code (operator, flags, mode, submode…).
    pub fn parse(data: &[u8]) -> Option<ShortStatus> {
        Some(ShortStatus {
            flags: u16::from_le_bytes([*data.get(1)?, *data.get(2)?]),
            mode: Mode(*data.get(3)?),
            submode: Submode::from(*data.get(4)?),
        })
    }
}

/// The FN status answer (FF01h, p. 42–43).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnStatus {
    /// «Текущий документ»: 0 none, 4 кассовый чек…
    pub current_document: u8,
    /// «Состояние смены»: true open.
    pub shift_open: bool,
    /// «Флаги предупреждения» (v1.17 names the byte only; by the ФН interface
    /// specification: bit 0 replace the ФН urgently, 1 its keys end within 30 days,
    /// 2 its memory is 90 % full, 3 the ОФД has not answered in time).
    pub warnings: u8,
    /// «Дата и время».
    pub at: Option<NaiveDateTime>,
    /// «Номер ФН» (16 ASCII).
    pub fn_number: String,
    /// «Номер последнего ФД».
    pub last_document: u32,
}

impl FnStatus {
    /// From the answer's bytes after the error code.
    pub fn parse(d: &[u8]) -> Option<FnStatus> {
        if d.len() < 30 {
            return None;
        }
        Some(FnStatus {
            current_document: d[1],
            shift_open: d[3] == 1,
            warnings: d[4],
            at: date_time5(&d[5..10]),
            fn_number: String::from_utf8_lossy(&d[10..26]).trim().to_string(),
            last_document: u32::from_le_bytes([d[26], d[27], d[28], d[29]]),
        })
    }

    /// The answer's bytes after the error code (the emulator's side).
    pub fn encode(&self) -> Vec<u8> {
        let mut d = vec![
            0x03,
            self.current_document,
            0,
            u8::from(self.shift_open),
            self.warnings,
        ];
        d.extend_from_slice(&self.at.map(encode_date_time5).unwrap_or([0; 5]));
        let mut n = self.fn_number.clone().into_bytes();
        n.resize(16, b' ');
        d.extend_from_slice(&n);
        d.extend_from_slice(&self.last_document.to_le_bytes());
        d
    }
}

/// DATE_TIME: year − 2000, month, day, hour, minute.
pub fn date_time5(b: &[u8]) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(2000 + i32::from(b[0]), u32::from(b[1]), u32::from(b[2]))?.and_hms_opt(
        u32::from(b[3]),
        u32::from(b[4]),
        0,
    )
}

/// The DATE_TIME bytes of a moment.
pub fn encode_date_time5(t: NaiveDateTime) -> [u8; 5] {
    use chrono::{Datelike, Timelike};
    [
        (t.year() - 2000).clamp(0, 255) as u8,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
    ]
}

/// What «Закрытие чека … №2» answers (p. 53): change, ФД number, fiscal sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed {
    /// Сдача, kopecks.
    pub change: u64,
    /// Номер ФД.
    pub document: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
}

impl Closed {
    /// From the answer's bytes after the error code.
    pub fn parse(d: &[u8]) -> Option<Closed> {
        if d.len() < 13 {
            return None;
        }
        Some(Closed {
            change: read_money5(&d[0..5]),
            document: u32::from_le_bytes([d[5], d[6], d[7], d[8]]),
            fiscal_sign: u32::from_le_bytes([d[9], d[10], d[11], d[12]]),
        })
    }
}

/// A found receipt (FF0Ah answer for «кассовый чек», type 3): the ФН interface's
/// receipt record — date and time (5), ФД number (4), fiscal sign (4), operation
/// type (1: приход, 2: возврат прихода), total (5). The layout of the ФН's own
/// document record; not verified on a device (README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundReceipt {
    /// Номер ФД.
    pub document: u32,
    /// Фискальный признак.
    pub fiscal_sign: u32,
    /// 1 приход, 2 возврат прихода.
    pub operation: u8,
    /// Итог, kopecks.
    pub total: u64,
}

/// Document type «кассовый чек» in FF0Ah answers.
pub const DOC_RECEIPT: u8 = 3;

impl FoundReceipt {
    /// From the answer's bytes after the error code (type, ОФД flag, data).
    pub fn parse(d: &[u8]) -> Option<FoundReceipt> {
        if d.len() < 2 + 19 || d[0] != DOC_RECEIPT {
            return None;
        }
        let r = &d[2..];
        Some(FoundReceipt {
            document: u32::from_le_bytes([r[5], r[6], r[7], r[8]]),
            fiscal_sign: u32::from_le_bytes([r[9], r[10], r[11], r[12]]),
            operation: r[13],
            total: read_money5(&r[14..19]),
        })
    }

    /// The answer's bytes after the error code (the emulator's side).
    pub fn encode(&self, at: NaiveDateTime) -> Vec<u8> {
        let mut d = vec![DOC_RECEIPT, 0];
        d.extend_from_slice(&encode_date_time5(at));
        d.extend_from_slice(&self.document.to_le_bytes());
        d.extend_from_slice(&self.fiscal_sign.to_le_bytes());
        d.push(self.operation);
        d.extend_from_slice(&money5(self.total));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_sizes_are_the_documented_message_lengths() {
        // «Длина сообщения» counts the code and data bytes (the frame's N).
        let line = Line {
            operation: OperationType::Income,
            price: 50_000,
            tax: TaxRate::NoVat,
            method: METHOD_FULL,
            subject: SUBJECT_PAYMENT,
            name: String::new(),
        };
        // FF46h: 160 bytes with a 128-byte name.
        assert_eq!(operation_v2(30, &line).body().len() + 128, 160);
        // FF45h: 182 bytes with a 64-byte text.
        assert_eq!(close_receipt_v2(30, 1, 1).body().len() + 64, 182);
        assert_eq!(open_receipt(1, ReceiptType::Sale).body().len(), 6);
        assert_eq!(Request::bare(SHORT_STATUS, 30).body().len(), 5);
        assert_eq!(Request::bare(FN_STATUS, 30).body().len(), 6);
        assert_eq!(find_document(30, 7).body().len(), 10);
    }

    #[test]
    fn a_line_reads_back_as_sent() {
        let line = Line {
            operation: OperationType::ReturnOfIncome,
            price: 123_456,
            tax: TaxRate::NoVat,
            method: METHOD_FULL,
            subject: SUBJECT_AGENT_REWARD,
            name: "Оплата услуг МТС".into(),
        };
        let r = operation_v2(30, &line);
        assert_eq!(parse_operation_v2(&r.data), Some(line));
        let c = close_receipt_v2(30, 20_000, 0x01);
        assert_eq!(parse_close_receipt_v2(&c.data), Some((20_000, 0x01)));
    }

    #[test]
    fn money_is_five_bytes_little_endian() {
        assert_eq!(money5(0x01_02_03_04_05), [5, 4, 3, 2, 1]);
        assert_eq!(read_money5(&[5, 4, 3, 2, 1]), 0x01_02_03_04_05);
        assert_eq!(quantity6(1), [0x40, 0x42, 0x0F, 0, 0, 0]);
    }
}
