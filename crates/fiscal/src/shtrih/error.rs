//! The device's error codes paydesk tells apart («Протокол ККТ» v1.17, «Коды
//! ошибок», p. 66–70). The rest are shown with their number.

/// 08h — Нет запрошенных данных (ФН).
pub const NO_DATA: u8 = 0x08;
/// 16h — Продолжительность смены более 24 часов (ФН).
pub const FN_SHIFT_EXPIRED: u8 = 0x16;
/// 33h — Некорректные параметры в команде.
pub const BAD_PARAMETERS: u8 = 0x33;
/// 37h — Команда не поддерживается в данной реализации ККТ.
pub const UNSUPPORTED: u8 = 0x37;
/// 3Ch — Смена открыта, операция невозможна.
pub const SHIFT_OPEN: u8 = 0x3C;
/// 45h — Сумма всех типов оплаты меньше итога чека.
pub const PAYMENT_BELOW_TOTAL: u8 = 0x45;
/// 4Ah — Открыт чек, операция невозможна.
pub const RECEIPT_OPEN: u8 = 0x4A;
/// 4Eh — Смена превысила 24 часа.
pub const SHIFT_EXPIRED: u8 = 0x4E;
/// 4Fh — Неверный пароль.
pub const WRONG_PASSWORD: u8 = 0x4F;
/// 55h — Чек закрыт, операция невозможна.
pub const RECEIPT_CLOSED: u8 = 0x55;
/// 58h — Ожидание команды продолжения печати.
pub const AWAITING_CONTINUE: u8 = 0x58;
/// 6Bh — Нет чековой ленты.
pub const NO_PAPER: u8 = 0x6B;
/// 73h — Команда не поддерживается в данном режиме.
pub const WRONG_MODE: u8 = 0x73;
