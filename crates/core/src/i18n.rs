//! The one translation layer: every text a user reads (screens, CLI messages,
//! printed documents) comes from here, in Russian, Polish or English.
//!
//! Texts are an enum, so a missing translation is a compile error, and placeholders
//! (`{name}`) are checked to be the same in all three languages by a test.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;

/// A language paydesk speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Русский.
    Ru,
    /// Polski.
    Pl,
    /// English.
    #[default]
    En,
}

impl Lang {
    /// All languages, in the order the settings screen lists them.
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::Pl, Lang::En];

    /// The language's own name.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ru => "Русский",
            Lang::Pl => "Polski",
            Lang::En => "English",
        }
    }

    /// The ISO code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    /// The language of a POSIX locale such as `ru_RU.UTF-8`; English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.to_ascii_lowercase();
        if l.starts_with("ru") {
            Lang::Ru
        } else if l.starts_with("pl") {
            Lang::Pl
        } else {
            Lang::En
        }
    }

    /// The language of the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .map(|v| Lang::from_locale(&v))
            .unwrap_or_default()
    }

    /// Formats money the way this language writes it: `1 234,50` or `1,234.50`.
    pub fn money(self, m: Money) -> String {
        match self {
            Lang::Ru | Lang::Pl => m.format_with(',', '\u{00A0}'),
            Lang::En => m.format_with('.', ','),
        }
    }

    /// Money with the currency sign: `1 234,50 ₽`.
    pub fn money_with(self, m: Money, currency: &Currency) -> String {
        format!("{}\u{00A0}{}", self.money(m), currency.symbol(self))
    }

    /// Date and time: `22.11.2026 19:05` (ru, pl) or `2026-11-22 19:05` (en).
    pub fn date_time<Tz: TimeZone>(self, t: &DateTime<Tz>) -> String
    where
        Tz::Offset: fmt::Display,
    {
        match self {
            Lang::Ru | Lang::Pl => t.format("%d.%m.%Y %H:%M").to_string(),
            Lang::En => t.format("%Y-%m-%d %H:%M").to_string(),
        }
    }

    /// The text of `t` in this language.
    pub fn t(self, t: T) -> &'static str {
        t.text(self)
    }

    /// The text of `t` with `{name}` placeholders filled in.
    pub fn fill(self, t: T, args: &[(&str, &dyn fmt::Display)]) -> String {
        let mut s = t.text(self).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "ru" => Ok(Lang::Ru),
            "pl" => Ok(Lang::Pl),
            "en" => Ok(Lang::En),
            _ => Err(format!("unknown language {s:?}: use ru, pl or en")),
        }
    }
}

/// The currency the shop takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// The ISO 4217 code.
    pub fn code(&self) -> &str {
        &self.0
    }

    /// The word printed after amounts on paper, in the document's language:
    /// `руб.` on Russian receipts, the ISO code where the sign is not a word of the
    /// language (receipt printers rarely have `₽` or `₸`).
    pub fn receipt_sign(&self, lang: Lang) -> &str {
        match (self.0.as_str(), lang) {
            ("RUB", Lang::Ru) => "руб.",
            ("PLN", Lang::Pl | Lang::Ru) => "zł",
            ("KZT", Lang::Ru) => "тг",
            ("BYN", Lang::Ru) => "руб.",
            (code, _) => code,
        }
    }

    /// The largest banknote in circulation (the default bound on change is a hundred
    /// of them: a customer never hands over more).
    pub fn largest_banknote(&self) -> Money {
        let units = match self.0.as_str() {
            "RUB" | "CZK" => 5_000,
            "PLN" | "EUR" => 500,
            "USD" | "CHF" => 1_000,
            "GBP" => 50,
            "KZT" => 20_000,
            "BYN" => 200,
            "UAH" => 1_000,
            _ => 1_000,
        };
        Money::from_minor(units * 100).expect("a banknote is a small positive amount")
    }

    /// The sign shown after amounts on screen.
    pub fn symbol(&self, lang: Lang) -> &str {
        match (self.0.as_str(), lang) {
            ("RUB", _) => "₽",
            ("PLN", _) => "zł",
            ("EUR", _) => "€",
            ("USD", _) => "$",
            ("KZT", _) => "₸",
            ("BYN", Lang::Ru) => "руб.",
            (code, _) => code,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Currency(s))
        } else {
            Err(format!(
                "currency {s:?} must be a three-letter ISO code such as RUB or PLN"
            ))
        }
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency("RUB".into())
    }
}

macro_rules! texts {
    ($($name:ident => [$en:expr, $ru:expr, $pl:expr $(,)?]),* $(,)?) => {
        /// Every text paydesk shows or prints. See [`Lang::t`] and [`Lang::fill`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum T { $($name),* }

        impl T {
            /// Every text, for the completeness test.
            pub const ALL: &'static [T] = &[$(T::$name),*];

            /// The text in a language.
            pub fn text(self, lang: Lang) -> &'static str {
                match self {
                    $(T::$name => match lang { Lang::En => $en, Lang::Ru => $ru, Lang::Pl => $pl }),*
                }
            }
        }
    };
}

texts! {
    // ---- Application frame
    AppTitle => ["paydesk", "paydesk", "paydesk"],
    TrainingBanner => ["TRAINING MODE — payments are not real", "УЧЕБНЫЙ РЕЖИМ — платежи не настоящие", "TRYB SZKOLENIOWY — płatności nie są prawdziwe"],
    TabCashier => ["Cashier", "Касса", "Kasa"],
    TabSettings => ["Settings", "Настройки", "Ustawienia"],
    StatusPrinter => ["Printer: {printer}", "Принтер: {printer}", "Drukarka: {printer}"],
    StatusWarnings => ["Settings incomplete: {n}", "Настройки неполные: {n}", "Niepełne ustawienia: {n}"],
    SyncNoHubShort => ["Not sending: no payment system", "Не отправляется: нет платёжной системы", "Nie wysyła: brak systemu płatności"],
    SyncFailedShort => ["Sending is stopped", "Отправка остановлена", "Wysyłanie wstrzymane"],
    SyncChip => ["Payments: {state} · to send: {n}", "Платежи: {state} · к отправке: {n}", "Płatności: {state} · do wysłania: {n}"],
    SyncStateOnline => ["online", "на связи", "połączono"],
    SyncStateOffline => ["OFFLINE", "НЕТ СВЯЗИ", "BRAK POŁĄCZENIA"],
    SyncStateConnecting => ["connecting…", "подключение…", "łączenie…"],
    SyncFollowerShort => ["another paydesk on this journal sends", "отправляет другая копия paydesk на этом журнале", "wysyła inna kopia paydesk na tym dzienniku"],
    SettingsJournal => ["Journal", "Журнал", "Dziennik"],
    StatusVirtualPrinter => ["{printer}, on screen", "{printer}, на экране", "{printer}, na ekranie"],
    SyncNoHub => ["No payment system configured: payments wait in the journal", "Платёжная система не настроена: платежи ждут в журнале", "Brak systemu płatności: płatności czekają w dzienniku"],
    SyncConnecting => ["Payment system: connecting…", "Платёжная система: подключение…", "System płatności: łączenie…"],
    SyncOldest => ["oldest {minutes} min", "старейший {minutes} мин", "najstarsza {minutes} min"],
    SyncStuck => ["stuck: {n}", "зависших: {n}", "zawieszonych: {n}"],
    SyncRefused => ["refused: {n}", "отклонённых: {n}", "odrzuconych: {n}"],
    SyncLeader => ["sending from this terminal", "отправляет этот терминал", "wysyła ten terminal"],
    SyncFollower => ["{leader} is sending", "отправляет {leader}", "wysyła {leader}"],
    SyncFailed => ["Sending is stopped: {detail}", "Отправка остановлена: {detail}", "Wysyłanie wstrzymane: {detail}"],
    CheckConfirmed => ["{operator} confirmed the account {account}{display}.", "{operator} подтвердил счёт {account}{display}.", "{operator} potwierdził konto {account}{display}."],
    CheckOffline => ["The payment system did not answer: the account was checked against the saved operator list only.", "Платёжная система не ответила: счёт проверен только по сохранённому списку операторов.", "System płatności nie odpowiedział: konto sprawdzono tylko według zapisanej listy operatorów."],
    CheckRefusedNotFound => ["{operator} has no account {account}. Check the number with the customer; nothing was printed.", "У {operator} нет счёта {account}. Сверьте номер с клиентом; ничего не напечатано.", "{operator} nie ma konta {account}. Sprawdź numer z klientem; nic nie wydrukowano."],
    CheckRefusedUnavailable => ["{operator} does not take payments right now. Try again later or choose another operator; nothing was printed.", "{operator} сейчас не принимает платежи. Повторите позже или выберите другого оператора; ничего не напечатано.", "{operator} teraz nie przyjmuje płatności. Spróbuj później lub wybierz innego operatora; nic nie wydrukowano."],
    CheckRefusedOther => ["{operator} refused the payment: {message}. Nothing was printed.", "{operator} отклонил платёж: {message}. Ничего не напечатано.", "{operator} odrzucił płatność: {message}. Nic nie wydrukowano."],
    StatusTerminal => ["Terminal {id}", "Терминал {id}", "Terminal {id}"],
    StatusShift => ["Shift {n}", "Смена {n}", "Zmiana {n}"],
    StatusNoShift => ["No shift open", "Смена не открыта", "Zmiana nie otwarta"],
    OpeningJournal => ["Opening and checking the journal…", "Открываем и проверяем журнал…", "Otwieranie i sprawdzanie dziennika…"],
    Working => ["Working…", "Выполняется…", "Trwa…"],
    JournalUnavailableTitle => ["The journal cannot be used — payments are stopped", "Журнал недоступен — приём платежей остановлен", "Dziennika nie można użyć — przyjmowanie płatności wstrzymane"],
    Quit => ["Quit", "Выход", "Zakończ"],

    // ---- Cashier screen
    StepEnter => ["1. Payment details", "1. Данные платежа", "1. Dane płatności"],
    StepSign => ["2. Customer's signature", "2. Подпись клиента", "2. Podpis klienta"],
    StepCash => ["3. Cash", "3. Наличные", "3. Gotówka"],
    StepDone => ["4. Done", "4. Готово", "4. Gotowe"],
    FieldOperator => ["Operator", "Оператор", "Operator"],
    FieldOperatorHint => ["type part of the name or code", "начните вводить название или код", "wpisz część nazwy lub kodu"],
    FieldAccount => ["Account number", "Номер счёта", "Numer konta"],
    FieldAmount => ["Amount", "Сумма", "Kwota"],
    FieldTendered => ["Cash received", "Получено наличными", "Otrzymana gotówka"],
    Fee => ["Fee", "Комиссия", "Prowizja"],
    Total => ["Total to pay", "Итого к оплате", "Razem do zapłaty"],
    Change => ["Change", "Сдача", "Reszta"],
    NoOperatorMatches => ["No operator matches", "Нет подходящего оператора", "Brak pasującego operatora"],
    OperatorLimits => ["Account: {mask} · amount {min}–{max} · fee {fee}", "Счёт: {mask} · сумма {min}–{max} · комиссия {fee}", "Konto: {mask} · kwota {min}–{max} · prowizja {fee}"],
    FeeNone => ["none", "нет", "brak"],
    FeeMinimum => ["at least {minimum}", "не менее {minimum}", "co najmniej {minimum}"],
    MaskDigits => ["{n} digits", "цифр: {n}", "cyfr: {n}"],
    ButtonPrintPreReceipt => ["Print pre-receipt (Enter)", "Печать пречека (Enter)", "Drukuj paragon wstępny (Enter)"],
    ButtonSigned => ["Customer signed (Enter)", "Клиент подписал (Enter)", "Klient podpisał (Enter)"],
    ButtonRefused => ["Customer refused (Esc)", "Клиент отказался (Esc)", "Klient odmówił (Esc)"],
    ButtonCashTakenFiscal => ["Cash taken — issue the fiscal receipt (Enter)", "Деньги приняты — пробить чек (Enter)", "Gotówka przyjęta — wydaj paragon fiskalny (Enter)"],
    ButtonCashTaken => ["Cash taken — print payment confirmation (Enter)", "Деньги приняты — печать квитанции (Enter)", "Gotówka przyjęta — drukuj potwierdzenie wpłaty (Enter)"],
    ButtonCancelPayment => ["Cancel payment", "Отменить платёж", "Anuluj płatność"],
    ConfirmVoidRefused => ["The customer refuses: void pre-receipt No. {n}? No money is taken. Enter = void, Esc = back.", "Клиент отказывается: аннулировать пречек № {n}? Деньги не принимаются. Enter — аннулировать, Esc — назад.", "Klient odmawia: unieważnić paragon wstępny nr {n}? Pieniądze nie są przyjmowane. Enter — unieważnij, Esc — wstecz."],
    ConfirmVoidCancelled => ["Cancel the payment of pre-receipt No. {n}? If you already took the money, give it back to the customer first. Enter = cancel the payment, Esc = back.", "Отменить платёж по пречеку № {n}? Если деньги уже приняты, сначала верните их клиенту. Enter — отменить платёж, Esc — назад.", "Anulować płatność z paragonu wstępnego nr {n}? Jeśli pieniądze już przyjęto, najpierw oddaj je klientowi. Enter — anuluj płatność, Esc — wstecz."],
    ButtonConfirmVoid => ["Void (Enter)", "Аннулировать (Enter)", "Unieważnij (Enter)"],
    ButtonBack => ["Back (Esc)", "Назад (Esc)", "Wstecz (Esc)"],
    ButtonNewPayment => ["New payment (Enter)", "Новый платёж (Enter)", "Nowa płatność (Enter)"],
    ButtonClear => ["Clear (Esc)", "Очистить (Esc)", "Wyczyść (Esc)"],
    AskSignature => ["Give pre-receipt No. {n} to the customer to check and sign.", "Передайте пречек № {n} клиенту для проверки и подписи.", "Przekaż paragon wstępny nr {n} klientowi do sprawdzenia i podpisu."],
    AskCash => ["Take {total} from the customer.", "Примите от клиента {total}.", "Przyjmij od klienta {total}."],
    GiveChange => ["Give change: {change}", "Выдайте сдачу: {change}", "Wydaj resztę: {change}"],
    PaymentDoneFiscal => ["Payment accepted: the fiscal register issued the receipt (ФД {fd}, ФП {fp}). It is queued for the payment system.", "Платёж принят: ККТ выдала кассовый чек (ФД {fd}, ФП {fp}). Платёж поставлен в очередь на отправку.", "Płatność przyjęta: drukarka fiskalna wydała paragon (ФД {fd}, ФП {fp}). Czeka w kolejce do systemu płatności."],
    PaymentDone => ["Payment accepted: payment confirmation No. {n}. It is queued for the payment system.", "Платёж принят: квитанция № {n}. Платёж поставлен в очередь на отправку.", "Płatność przyjęta: potwierdzenie wpłaty nr {n}. Czeka w kolejce do systemu płatności."],
    PaymentVoided => ["Payment voided: no money was taken.", "Платёж аннулирован: деньги не принимались.", "Płatność unieważniona: pieniądze nie zostały przyjęte."],
    PaymentStateLabel => ["Payment state", "Состояние платежа", "Stan płatności"],
    PaymentIdLabel => ["Payment", "Платёж", "Płatność"],
    PreviewTitle => ["Last printed document", "Последний напечатанный документ", "Ostatni wydrukowany dokument"],
    PreviewEmpty => ["Nothing printed yet.", "Ещё ничего не напечатано.", "Jeszcze nic nie wydrukowano."],
    ThisShiftTitle => ["This shift", "Эта смена", "Ta zmiana"],
    DeliveryWaiting => ["waiting to be sent", "ждёт отправки", "czeka na wysłanie"],
    FailedAfterwards => ["Payment № {n} ({operator}, {account}, {amount}) failed at the operator. If the customer is still here, tell them; Support can refund it.", "Платёж № {n} ({operator}, {account}, {amount}) отклонён оператором. Если клиент ещё здесь, скажите ему; возврат оформляется в разделе «Поддержка».", "Płatność nr {n} ({operator}, {account}, {amount}) odrzucona przez operatora. Jeśli klient jest jeszcze tutaj, powiedz mu; zwrot w zakładce Wsparcie."],
    AlertSeen => ["Seen", "Понятно", "Rozumiem"],
    EscAgainToClear => ["Press Esc again to clear what you typed.", "Нажмите Esc ещё раз, чтобы стереть введённое.", "Naciśnij Esc jeszcze raz, aby wyczyścić wpisane dane."],
    ShortcutsHint => ["Tab moves between fields · Enter does the highlighted step · Esc clears the form; after the pre-receipt it asks first", "Tab — следующее поле · Enter — выделенный шаг · Esc — очистить форму; после пречека сначала спросит", "Tab — następne pole · Enter — wyróżniony krok · Esc — wyczyść formularz; po paragonie wstępnym najpierw zapyta"],

    // ---- Payment states
    StateDraft => ["being entered", "вводится", "wprowadzana"],
    StatePreReceiptPrinting => ["printing the pre-receipt", "печать пречека", "drukowanie paragonu wstępnego"],
    StatePreReceiptPrinted => ["waiting for the signature", "ожидает подписи", "czeka na podpis"],
    StateSigned => ["signed, waiting for the cash", "подписан, ожидает оплаты", "podpisana, czeka na gotówkę"],
    StateVoided => ["voided", "аннулирован", "unieważniona"],
    StateCashTaken => ["cash taken, payment confirmation not printed", "деньги приняты, квитанция не напечатана", "gotówka przyjęta, potwierdzenie niewydrukowane"],
    StateFiscalPrinting => ["printing the payment confirmation", "печать квитанции", "drukowanie potwierdzenia wpłaty"],
    StateFiscalized => ["done, queued for the payment system", "проведён, в очереди на отправку", "zakończona, w kolejce do systemu płatności"],

    // ---- Input errors
    ErrOperatorNotChosen => ["Choose an operator from the list.", "Выберите оператора из списка.", "Wybierz operatora z listy."],
    ErrAmountEmpty => ["Enter the amount.", "Введите сумму.", "Wpisz kwotę."],
    ErrAmountTooLong => ["This is too long for an amount. Type the amount in figures, e.g. 1 234,50.", "Слишком длинно для суммы. Введите сумму цифрами, например 1 234,50.", "Za długie jak na kwotę. Wpisz kwotę cyframi, np. 1 234,50."],
    ErrAmountNotNumber => ["Type the amount in figures with a comma or dot before kopecks, e.g. 1 234,50.", "Введите сумму цифрами, копейки через запятую или точку, например 1 234,50.", "Wpisz kwotę cyframi, grosze po przecinku lub kropce, np. 1 234,50."],
    ErrAmountNegative => ["The amount cannot be negative.", "Сумма не может быть отрицательной.", "Kwota nie może być ujemna."],
    ErrAmountZero => ["The amount must be more than zero.", "Сумма должна быть больше нуля.", "Kwota musi być większa od zera."],
    ErrAmountDecimals => ["At most two digits after the comma.", "Не больше двух знаков после запятой.", "Najwyżej dwie cyfry po przecinku."],
    ErrAmountCeiling => ["One payment may be at most {max} at this terminal.", "Один платёж на этом терминале — не больше {max}.", "Jedna płatność w tym terminalu może wynosić najwyżej {max}."],
    ErrTotalCeiling => ["With the fee the total is {total}; one payment may be at most {max} at this terminal. Split it into two payments.", "С комиссией итог {total}; один платёж на этом терминале — не больше {max}. Разделите его на два платежа.", "Z prowizją razem {total}; jedna płatność w tym terminalu może wynosić najwyżej {max}. Podziel ją na dwie płatności."],
    ErrAmountBelowMin => ["{operator} accepts at least {min}.", "{operator} принимает не меньше {min}.", "{operator} przyjmuje co najmniej {min}."],
    ErrAmountAboveMax => ["{operator} accepts at most {max}.", "{operator} принимает не больше {max}.", "{operator} przyjmuje najwyżej {max}."],
    ErrAccountEmpty => ["Enter the account number.", "Введите номер счёта.", "Wpisz numer konta."],
    ErrAccountChars => ["Only digits and letters: remove other characters (a leading +7 or 8 is not part of the number).", "Только цифры и буквы: уберите лишние символы (+7 или 8 в начале не входят в номер).", "Tylko cyfry i litery: usuń inne znaki (+48 na początku nie jest częścią numeru)."],
    ErrAccountLetters => ["{operator} account numbers have no letters: type digits only.", "Номер счёта {operator} состоит только из цифр: уберите буквы.", "Numer konta {operator} to same cyfry: usuń litery."],
    ErrAccountMask => ["{operator} expects {mask}; you typed {len} characters.", "{operator} ожидает {mask}; введено символов: {len}.", "{operator} oczekuje {mask}; wpisano znaków: {len}."],
    ErrTenderedTooLittle => ["Not enough: the customer must pay {total}.", "Недостаточно: клиент должен оплатить {total}.", "Za mało: klient musi zapłacić {total}."],

    // ---- Failures of the flow
    // What a failed step leaves behind, from the journal as it is now (facts), and
    // what to do next (screen or command line).
    StandNotRecorded => ["Nothing was recorded for this payment and no money is due.", "По этому платежу ничего не записано, денег брать не нужно.", "Nic nie zapisano dla tej płatności i nie należy przyjmować pieniędzy."],
    StandPreReceiptPrinting => ["Pre-receipt No. {n} may be partly printed; no money has been taken.", "Пречек № {n} мог напечататься частично; деньги не принимались.", "Paragon wstępny nr {n} mógł wydrukować się częściowo; pieniądze nie zostały przyjęte."],
    StandAwaitingSignature => ["Pre-receipt No. {n} is printed and waits for the customer's signature; no money has been taken.", "Пречек № {n} напечатан и ждёт подписи клиента; деньги не принимались.", "Paragon wstępny nr {n} jest wydrukowany i czeka na podpis klienta; pieniądze nie zostały przyjęte."],
    StandCashNotRecorded => ["The cash for pre-receipt No. {n} is NOT recorded as taken.", "Деньги по пречеку № {n} НЕ записаны как принятые.", "Gotówka za paragon wstępny nr {n} NIE jest zapisana jako przyjęta."],
    StandCashNoReceipt => ["The cash ({total}) for pre-receipt No. {n} is recorded as taken; the payment confirmation is not printed.", "Деньги ({total}) по пречеку № {n} записаны как принятые; квитанция не напечатана.", "Gotówka ({total}) za paragon wstępny nr {n} jest zapisana jako przyjęta; potwierdzenie wpłaty nie zostało wydrukowane."],
    StandReceiptMaybePartial => ["The cash ({total}) is recorded as taken; payment confirmation No. {n} may be partly printed.", "Деньги ({total}) записаны как принятые; квитанция № {n} могла напечататься частично.", "Gotówka ({total}) jest zapisana jako przyjęta; potwierdzenie nr {n} mogło wydrukować się częściowo."],
    StandVoided => ["The payment is voided; no money is due.", "Платёж аннулирован; денег брать не нужно.", "Płatność jest unieważniona; nie należy przyjmować pieniędzy."],
    StandDone => ["The payment is complete: payment confirmation No. {n}.", "Платёж завершён: квитанция № {n}.", "Płatność jest zakończona: potwierdzenie nr {n}."],
    StandUnknown => ["paydesk could not read back where this payment stands.", "paydesk не смог прочитать, на каком шаге этот платёж.", "paydesk nie mógł odczytać, na jakim etapie jest ta płatność."],
    NextTryAgain => ["Fix the cause and try again.", "Устраните причину и повторите.", "Usuń przyczynę i spróbuj ponownie."],
    NextDoNotTakeAgain => ["Do not take the money again.", "Не принимайте деньги повторно.", "Nie przyjmuj pieniędzy ponownie."],
    NextIfTakenKeep => ["If you already took {total}, do not take it again.", "Если вы уже приняли {total}, не принимайте их повторно.", "Jeśli już przyjąłeś {total}, nie przyjmuj ich ponownie."],
    NextAnswerOnScreen => ["Fix the cause, then answer the question about it on screen.", "Устраните причину, затем ответьте на вопрос о нём на экране.", "Usuń przyczynę, a potem odpowiedz na pytanie o nią na ekranie."],
    NextPressAgain => ["Fix the cause, then press “{button}” again.", "Устраните причину и снова нажмите «{button}».", "Usuń przyczynę i ponownie naciśnij „{button}”."],
    NextAnswerCli => ["Fix the cause, then answer the question: {question}\n  {command}", "Устраните причину, затем ответьте на вопрос: {question}\n  {command}", "Usuń przyczynę, a potem odpowiedz na pytanie: {question}\n  {command}"],
    NextRestart => ["Do not take money again for it: fix the cause, start paydesk again and answer its question.", "Не принимайте за него деньги повторно: устраните причину, запустите paydesk снова и ответьте на его вопрос.", "Nie przyjmuj za nią pieniędzy ponownie: usuń przyczynę, uruchom paydesk ponownie i odpowiedz na jego pytanie."],
    CauseJournal => ["The journal could not record this step: {detail}", "Журнал не смог записать этот шаг: {detail}", "Dziennik nie zapisał tego kroku: {detail}"],
    CausePrinterNotReady => ["The printer cannot print: {reasons}.", "Принтер не может печатать: {reasons}.", "Drukarka nie może drukować: {reasons}."],
    CausePrinterStopped => ["The printer stopped during printing: {reasons}.", "Принтер остановился во время печати: {reasons}.", "Drukarka zatrzymała się podczas drukowania: {reasons}."],
    CausePrinterStalled => ["The printer stopped taking data after {sent} of {total} bytes (paper out, cover open or flow control).", "Принтер перестал принимать данные после {sent} из {total} байт (нет бумаги, открыта крышка или управление потоком).", "Drukarka przestała przyjmować dane po {sent} z {total} bajtów (brak papieru, otwarta pokrywa lub sterowanie przepływem)."],
    CausePrinterBroken => ["The connection to the printer broke ({detail}).", "Связь с принтером прервалась ({detail}).", "Połączenie z drukarką zostało przerwane ({detail})."],
    CausePrinter => ["The printer failed: {detail}.", "Ошибка принтера: {detail}.", "Błąd drukarki: {detail}."],
    ConfirmReceiptPrinted => ["This printer cannot report whether payment confirmation No. {n} printed completely. Did it print completely and was it handed over?", "Этот принтер не сообщает, напечаталась ли квитанция № {n} полностью. Она напечатана полностью и выдана?", "Ta drukarka nie zgłasza, czy potwierdzenie nr {n} wydrukowało się w całości. Czy wydrukowało się w całości i zostało wydane?"],
    ErrPaymentPending => ["Payment {id} from before waits for an answer: {question} Answer it first, then take the next payment:\n  {command}", "Платёж {id} ждёт ответа: {question} Сначала ответьте на вопрос, затем принимайте следующий платёж:\n  {command}", "Płatność {id} czeka na odpowiedź: {question} Najpierw odpowiedz, potem przyjmij następną płatność:\n  {command}"],
    ErrRecoveryNeedsTendered => ["This answer continues at the cash step: give --tendered with the cash received (at least {total}).", "Этот ответ продолжает платёж на шаге приёма денег: укажите --tendered с полученной суммой (не меньше {total}).", "Ta odpowiedź kontynuuje płatność przy przyjęciu gotówki: podaj --tendered z otrzymaną kwotą (co najmniej {total})."],
    ErrRecoveryNoCashStep => ["--tendered belongs to an answer that continues at the cash step; this one does not.", "--tendered нужен только для ответа, который продолжает платёж на шаге приёма денег; этот ответ — не такой.", "--tendered dotyczy tylko odpowiedzi, która kontynuuje płatność przy przyjęciu gotówki; ta nie."],
    ErrUnknownPaymentId => ["No payment of this terminal has the id {id}: give the id printed on the pre-receipt, or the full id.", "У этого терминала нет платежа с номером {id}: укажите номер с пречека или полный номер.", "Ten terminal nie ma płatności o identyfikatorze {id}: podaj identyfikator z paragonu wstępnego lub pełny identyfikator."],
    ErrAmbiguousShortId => ["{n} payments have the short id {short}: give the full id (paydesk support status {short} lists them).", "Короткий номер {short} есть у нескольких платежей ({n}): укажите полный номер (их покажет paydesk support status {short}).", "Krótki identyfikator {short} ma kilka płatności ({n}): podaj pełny identyfikator (wypisze je paydesk support status {short})."],
    SyncOnceLeft => ["{n} payments are still queued: {why}. They stay in the journal and go out on the next run.", "В очереди остаётся платежей: {n}. Причина: {why}. Они остаются в журнале и уйдут при следующем запуске.", "W kolejce zostało płatności: {n}. Powód: {why}. Zostają w dzienniku i zostaną wysłane przy następnym uruchomieniu."],
    SyncOnceFollower => ["{leader} holds the journal's sync lease and did not deliver them within {seconds} s", "синхронизацию этого журнала ведёт {leader}, и за {seconds} с он их не отправил", "synchronizację dziennika prowadzi {leader} i nie wysłał ich w ciągu {seconds} s"],
    SyncBlockedOtherJournal => ["the hub delivers this terminal's payments from another journal ({detail})", "платёжная система принимает платежи этого терминала из другого журнала ({detail})", "system płatności przyjmuje płatności tego terminala z innego dziennika ({detail})"],
    SyncBlockedCopy => ["another copy of this journal is delivering for terminal {terminal}: two computers must not share one terminal; stop the other one or give this one its own terminal id", "другая копия этого журнала отправляет платежи терминала {terminal}: два компьютера не могут работать как один терминал; остановите второй или дайте этому свой номер терминала", "inna kopia tego dziennika wysyła płatności terminala {terminal}: dwa komputery nie mogą być jednym terminalem; zatrzymaj drugi albo nadaj temu własny identyfikator terminala"],
    ErrAmountTooLarge => ["No payment is that large: at most {max}. Check the amount.", "Таких сумм не бывает: не больше {max}. Проверьте сумму.", "Tak dużej kwoty nie ma: najwyżej {max}. Sprawdź kwotę."],
    ErrTenderedTooMuch => ["That is more cash than this till takes for this payment (at most {max}). Check the amount received.", "Это больше, чем касса принимает за этот платёж (не больше {max}). Проверьте полученную сумму.", "To więcej gotówki, niż kasa przyjmuje za tę płatność (najwyżej {max}). Sprawdź otrzymaną kwotę."],
    ErrJournalWrite => ["The journal could not record this step, so the payment stopped here. Do not take money. {detail}", "Журнал не смог записать этот шаг, платёж остановлен. Не принимайте деньги. {detail}", "Dziennik nie zapisał tego kroku, płatność zatrzymana. Nie przyjmuj pieniędzy. {detail}"],
    ErrJournalWriteAfterCash => ["The journal could not record this step. The cash is recorded; do not write a confirmation by hand. {detail}", "Журнал не смог записать этот шаг. Деньги учтены; не выписывайте квитанцию вручную. {detail}", "Dziennik nie zapisał tego kroku. Gotówka jest zapisana; nie wypisuj potwierdzenia ręcznie. {detail}"],
    ErrPrinter => ["The printer failed: {detail}. Fix the printer; the payment waits in its current step.", "Ошибка принтера: {detail}. Устраните неисправность; платёж ждёт на текущем шаге.", "Błąd drukarki: {detail}. Usuń usterkę; płatność czeka na obecnym kroku."],
    PrinterPaperEnd => ["out of paper: load a new roll and close the cover", "закончилась бумага: вставьте новый рулон и закройте крышку", "brak papieru: załóż nową rolkę i zamknij pokrywę"],
    PrinterCoverOpen => ["the cover is open: close it", "открыта крышка: закройте её", "pokrywa jest otwarta: zamknij ją"],
    PrinterOffline => ["the printer is offline: check its panel (is paper being fed?)", "принтер не в сети: проверьте его панель (не идёт ли протяжка бумаги?)", "drukarka jest offline: sprawdź jej panel (czy nie przesuwa papieru?)"],
    PrinterCutter => ["the cutter is jammed: open the cover, remove the paper, switch the printer off and on", "заклинило отрезчик: откройте крышку, уберите бумагу, выключите и включите принтер", "zaciął się obcinacz: otwórz pokrywę, usuń papier, wyłącz i włącz drukarkę"],
    PrinterUnrecoverable => ["hardware error: switch the printer off and on; if it stays, call service", "аппаратная ошибка: выключите и включите принтер; если не помогло, вызовите сервис", "błąd sprzętowy: wyłącz i włącz drukarkę; jeśli nie pomoże, wezwij serwis"],
    PrinterOverheat => ["the print head is too hot: wait a minute", "перегрелась печатающая головка: подождите минуту", "głowica jest przegrzana: odczekaj minutę"],
    PrinterError => ["the printer reports an error: switch it off and on", "принтер сообщает об ошибке: выключите и включите его", "drukarka zgłasza błąd: wyłącz ją i włącz"],
    PrinterNoAnswer => ["the printer does not answer: check that it is on, the cable, and the connection in Settings", "принтер не отвечает: проверьте, что он включён, кабель и подключение в настройках", "drukarka nie odpowiada: sprawdź, czy jest włączona, kabel i połączenie w ustawieniach"],
    PrinterGarbled => ["the printer answers garbage: check the serial speed in Settings", "принтер отвечает неразборчиво: проверьте скорость порта в настройках", "drukarka odpowiada bełkotem: sprawdź prędkość portu w ustawieniach"],
    PrinterNearEnd => ["Paper is running out: have a new roll ready.", "Бумага заканчивается: приготовьте новый рулон.", "Kończy się papier: przygotuj nową rolkę."],
    PrinterReady => ["ready", "готов", "gotowa"],
    PrinterNoStatus => ["this printer or connection cannot report its status", "этот принтер или подключение не сообщает состояние", "ta drukarka lub połączenie nie podaje stanu"],
    ErrPrinterNotReady => ["The printer cannot print: {reasons}. Nothing was printed; fix it and try again.", "Принтер не может печатать: {reasons}. Ничего не напечатано; устраните причину и повторите.", "Drukarka nie może drukować: {reasons}. Nic nie wydrukowano; usuń przyczynę i spróbuj ponownie."],
    ErrPrinterStopped => ["The printer stopped during printing: {reasons}. The document may be partly printed: fix the printer, then answer the question about it.", "Принтер остановился во время печати: {reasons}. Документ мог напечататься частично: устраните неисправность и ответьте на вопрос о нём.", "Drukarka zatrzymała się w trakcie druku: {reasons}. Dokument mógł wydrukować się częściowo: usuń usterkę i odpowiedz na pytanie o niego."],
    ErrPrinterNotFound => ["The printer was not found at {what}: check that it is on and plugged in, and the connection in Settings.", "Принтер не найден ({what}): проверьте, что он включён и подключён, и подключение в настройках.", "Nie znaleziono drukarki ({what}): sprawdź, czy jest włączona i podłączona, oraz połączenie w ustawieniach."],
    ErrPrinterPermission => ["paydesk may not use {what}. Install the rule that comes with paydesk: sudo cp packaging/linux/60-paydesk-printers.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger (or add this user to the dialout and lp groups), then plug the printer in again.", "paydesk не имеет доступа к {what}. Установите правило из комплекта paydesk: sudo cp packaging/linux/60-paydesk-printers.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger (или добавьте пользователя в группы dialout и lp), затем переподключите принтер.", "paydesk nie ma dostępu do {what}. Zainstaluj regułę dołączoną do paydesk: sudo cp packaging/linux/60-paydesk-printers.rules /etc/udev/rules.d/ && sudo udevadm control --reload && sudo udevadm trigger (lub dodaj użytkownika do grup dialout i lp), potem podłącz drukarkę ponownie."],
    ErrPrinterStalled => ["The printer stopped taking data after {sent} of {total} bytes (paper out, cover open or flow control): the document may be partly printed.", "Принтер перестал принимать данные после {sent} из {total} байт (нет бумаги, открыта крышка или управление потоком): документ мог напечататься частично.", "Drukarka przestała przyjmować dane po {sent} z {total} bajtów (brak papieru, otwarta pokrywa lub sterowanie przepływem): dokument mógł wydrukować się częściowo."],
    ErrPrinterBroken => ["The connection to the printer broke ({detail}): the document may be partly printed.", "Связь с принтером прервалась ({detail}): документ мог напечататься частично.", "Połączenie z drukarką zostało przerwane ({detail}): dokument mógł wydrukować się częściowo."],
    ReportDateTime => ["Date and time", "Дата и время", "Data i godzina"],
    ReportPreReceipt => ["Pre-receipt No.", "Пречек №", "Paragon wstępny nr"],
    ReportFiscalDocument => ["Fiscal document (ФД)", "ФД", "Dokument fiskalny (ФД)"],
    ReportReceipt => ["Confirmation No.", "Квитанция №", "Potwierdzenie nr"],
    ReportOperator => ["Operator", "Оператор", "Operator"],
    ReportAccount => ["Account", "Номер счёта", "Numer konta"],
    ReportAmount => ["Amount", "Сумма", "Kwota"],
    ReportFee => ["Fee", "Комиссия", "Prowizja"],
    ReportTotal => ["Total", "Итого", "Razem"],
    ReportState => ["State", "Состояние", "Stan"],
    ReportHubStatus => ["Payment system", "Платёжная система", "System płatności"],
    ReportCashier => ["Taken by", "Кассир", "Kasjer"],
    ReportTotals => ["Totals", "Итого", "Suma"],
    ReportCount => ["Payments", "Платежей", "Płatności"],
    ReportSheetPayments => ["Payments", "Платежи", "Płatności"],
    ReportCorrectionRequest => ["Payment of {date}, account {account}, operator {operator}, amount {amount}, payment confirmation No. {receipt}, terminal {terminal}.", "Платёж от {date}, счёт {account}, оператор {operator}, сумма {amount}, квитанция № {receipt}, терминал {terminal}.", "Płatność z {date}, konto {account}, operator {operator}, kwota {amount}, potwierdzenie nr {receipt}, terminal {terminal}."],
    ErrReportDate => ["{value} is not a date: write YYYY-MM-DD or YYYY-MM-DD HH:MM (shop time).", "{value} — не дата: пишите ГГГГ-ММ-ДД или ГГГГ-ММ-ДД ЧЧ:ММ (время магазина).", "{value} to nie data: wpisz RRRR-MM-DD lub RRRR-MM-DD GG:MM (czas sklepu)."],
    ErrReportRange => ["The period from {from} to {to} is empty: --to must come after --from.", "Период с {from} по {to} пуст: --to должно быть позже --from.", "Okres od {from} do {to} jest pusty: --to musi być po --from."],
    ErrReportOperator => ["There is no operator {value}; known: {known}.", "Нет оператора {value}; есть: {known}.", "Nie ma operatora {value}; znane: {known}."],
    ErrReportAccount => ["{value} is not (part of) an account number: use digits only.", "{value} — не номер счёта и не его часть: только цифры.", "{value} to nie numer konta ani jego część: tylko cyfry."],
    ErrReportStatus => ["There is no status {value}; use one of: {known}.", "Нет статуса {value}; используйте: {known}.", "Nie ma stanu {value}; użyj: {known}."],
    ErrReportXlsxNeedsOut => ["An XLSX report needs a file: add --out FILE.xlsx.", "Отчёту XLSX нужен файл: добавьте --out ФАЙЛ.xlsx.", "Raport XLSX wymaga pliku: dodaj --out PLIK.xlsx."],
    SettlementPrincipal => ["Principal", "Принципал", "Zleceniodawca"],
    SettlementCollected => ["Cash collected", "Принято наличными", "Przyjęta gotówka"],
    SettlementUnconfirmed => ["Not confirmed by the hub", "Не подтверждено системой", "Niepotwierdzone przez system"],
    SettlementUnconfirmedList => ["Payments not yet confirmed by the payment system:", "Платежи, ещё не подтверждённые платёжной системой:", "Płatności jeszcze niepotwierdzone przez system płatności:"],
    ErrReportMonth => ["{value} is not a month: write YYYY-MM, e.g. 2026-10.", "{value} — не месяц: пишите ГГГГ-ММ, например 2026-10.", "{value} to nie miesiąc: wpisz RRRR-MM, np. 2026-10."],
    TabReports => ["Reports", "Отчёты", "Raporty"],
    ReportTitle => ["Payments report", "Отчёт по платежам", "Raport płatności"],
    ReportFrom => ["From", "С", "Od"],
    ReportTo => ["To", "По", "Do"],
    ReportAllOperators => ["all operators", "все операторы", "wszyscy operatorzy"],
    ReportAccountPart => ["Account (or part)", "Счёт (или часть)", "Konto (lub część)"],
    ReportStatusAll => ["all", "все", "wszystkie"],
    ReportStatusAccepted => ["accepted", "приняты", "przyjęte"],
    ReportStatusVoided => ["voided", "аннулированы", "anulowane"],
    ReportStatusUnfinished => ["unfinished", "не завершены", "niedokończone"],
    ReportStatusUndelivered => ["not yet sent", "ещё не отправлены", "jeszcze niewysłane"],
    ReportStatusCompleted => ["completed", "зачислены", "zaksięgowane"],
    ReportStatusFailed => ["failed", "отклонены", "odrzucone"],
    HubStatusAccepted => ["registered", "зарегистрирован", "zarejestrowana"],
    HubStatusProcessing => ["processing at the operator", "обрабатывается оператором", "w realizacji u operatora"],
    HubStatusCompleted => ["completed", "зачислен", "zaksięgowana"],
    HubStatusFailed => ["failed at the operator", "отклонён оператором", "odrzucona przez operatora"],
    HubStatusCancelled => ["cancelled — cash to be refunded", "отменён — деньги к возврату", "anulowana — gotówka do zwrotu"],
    HubStatusRefunded => ["cancelled, cash refunded", "отменён, деньги возвращены", "anulowana, gotówka zwrócona"],
    ReportStatusStuck => ["stuck", "зависли", "utknęły"],
    RowAccepted => ["accepted", "принят", "przyjęta"],
    RowVoided => ["voided", "аннулирован", "unieważniona"],
    RowUnfinished => ["unfinished", "не завершён", "niedokończona"],
    ReportPrint => ["Print", "Печать", "Drukuj"],
    ReportPrinted => ["The report was printed on the receipt printer.", "Отчёт напечатан на чековом принтере.", "Raport wydrukowano na drukarce paragonów."],
    ReportShow => ["Show (Enter)", "Показать (Enter)", "Pokaż (Enter)"],
    ReportExportCsv => ["Export CSV", "Экспорт CSV", "Eksport CSV"],
    ReportExportXlsx => ["Export XLSX", "Экспорт XLSX", "Eksport XLSX"],
    ReportRefundsLine => ["Refunds paid: {count} · {amount}", "Возвраты выданы: {count} · {amount}", "Zwroty wypłacone: {count} · {amount}"],
    ReportTotalsLine => ["Payments: {count} · amount {amount} · fees {fee} · total {total}", "Платежей: {count} · сумма {amount} · комиссия {fee} · итого {total}", "Płatności: {count} · kwota {amount} · prowizje {fee} · razem {total}"],
    ReportCopyColumn => ["For the central office", "Для центрального офиса", "Dla centrali"],
    ReportCopy => ["Copy request", "Копировать заявку", "Kopiuj zgłoszenie"],
    ReportCopyHint => ["Copy as the correction request the central office asks for", "Скопировать как заявку на корректировку для центрального офиса", "Skopiuj jako zgłoszenie korekty dla centrali"],
    ReportCopied => ["Copied: {text}", "Скопировано: {text}", "Skopiowano: {text}"],
    ReportExported => ["Written to {path}.", "Записано в {path}.", "Zapisano w {path}."],
    ReportExportedRows => ["Written to {path} ({rows} payments).", "Записано в {path} (платежей: {rows}).", "Zapisano w {path} (płatności: {rows})."],
    ReportExporting => ["Writing the file: {done} of {total} payments", "Запись файла: {done} из {total} платежей", "Zapis pliku: {done} z {total} płatności"],
    ReportExportBar => ["Writing", "Запись", "Zapis"],
    SyncBar => ["Delivering", "Отправка", "Wysyłanie"],
    SettlementBar => ["Settlement", "Сверка расчётов", "Rozliczenie"],
    ErrReportTooLong => ["This report has more than {limit} payments: too long for the receipt printer. Narrow the period or the filter, or export it to a file.", "В отчёте больше {limit} платежей: слишком длинный для чекового принтера. Сузьте период или фильтр либо выгрузите его в файл.", "Raport ma ponad {limit} płatności: za długi dla drukarki paragonów. Zawęź okres lub filtr albo wyeksportuj go do pliku."],
    ReportCancelExport => ["Cancel export", "Отменить выгрузку", "Anuluj eksport"],
    ReportExportCancelled => ["Export cancelled: no file was written.", "Выгрузка отменена: файл не записан.", "Eksport anulowany: plik nie został zapisany."],
    ReportLarge => ["{n} payments, listed by time (other columns sort up to {max}).", "{n} платежей, по времени (по другим столбцам — до {max}).", "{n} płatności, według czasu (inne kolumny sortują do {max})."],
    ReportSortLarge => ["Sorting by this column works up to {max} payments: narrow the period or filter.", "Сортировка по этому столбцу — до {max} платежей: сузьте период или фильтр.", "Sortowanie po tej kolumnie do {max} płatności: zawęź okres lub filtr."],
    ReportCounting => ["Counting the payments of the period…", "Подсчёт платежей за период…", "Liczenie płatności z okresu…"],
    ReportRowLoading => ["loading…", "загрузка…", "wczytywanie…"],
    ErrShiftOpen => ["Shift {n} is still open: close it with a Z report first.", "Смена {n} ещё открыта: сначала закройте её Z-отчётом.", "Zmiana {n} jest nadal otwarta: najpierw zamknij ją raportem Z."],
    ErrNoShift => ["No shift is open: open one with the cash in the drawer.", "Смена не открыта: откройте её, указав наличные в кассе.", "Żadna zmiana nie jest otwarta: otwórz ją, podając gotówkę w szufladzie."],
    ErrNoShiftCashier => ["No shift is open on this till, and nothing was printed. Count the cash in the drawer and enter it to open the shift.", "Смена не открыта, ничего не напечатано. Пересчитайте наличные в кассе и введите сумму, чтобы открыть смену.", "Zmiana nie jest otwarta, nic nie wydrukowano. Policz gotówkę w szufladzie i wpisz kwotę, aby otworzyć zmianę."],
    ErrNoShiftCashierCli => ["No shift is open on this till, and nothing was printed. Count the cash in the drawer, open the shift with `paydesk shift-open --cash AMOUNT`, then take the payment again.", "Смена не открыта, ничего не напечатано. Пересчитайте наличные в кассе, откройте смену командой `paydesk shift-open --cash СУММА` и примите платёж снова.", "Zmiana nie jest otwarta, nic nie wydrukowano. Policz gotówkę w szufladzie, otwórz zmianę poleceniem `paydesk shift-open --cash KWOTA` i przyjmij wpłatę ponownie."],
    ErrNoShiftManager => ["No shift is open on this till, and nothing was printed: ask a shift manager to open the shift.", "Смена не открыта, ничего не напечатано: попросите старшего смены открыть смену.", "Zmiana nie jest otwarta, nic nie wydrukowano: poproś kierownika zmiany o jej otwarcie."],
    OpenNewestBackup => ["The newest backup is {path}. With paydesk closed, `paydesk journal restore {path}` puts it in place (the damaged file is kept) and says which journal events it lacks.", "Последняя резервная копия: {path}. Закройте paydesk и выполните `paydesk journal restore {path}`: копия встанет на место (повреждённый файл сохранится), и будет сказано, каких событий в ней нет.", "Najnowsza kopia: {path}. Po zamknięciu paydesk `paydesk journal restore {path}` przywróci ją (uszkodzony plik zostanie zachowany) i poda, których zdarzeń w niej brak."],
    RestoreDone => ["Restored from {file}: {n} payments, checked. The replaced journal is kept at {aside}.", "Журнал восстановлен из {file}: платежей {n}, проверен. Заменённый журнал сохранён как {aside}.", "Przywrócono z {file}: wpłat {n}, sprawdzono. Zastąpiony dziennik zachowano jako {aside}."],
    RestoreNothingLost => ["The backup holds everything the replaced journal had.", "В копии есть всё, что было в заменённом журнале.", "Kopia zawiera wszystko, co miał zastąpiony dziennik."],
    RestoreLost => ["{n} journal events of the replaced journal came after the backup and are not in it: they remain in the kept file — tell the central office before taking payments.", "{n} событий журнала появились после копии и в неё не вошли: они остались в сохранённом файле — сообщите в центральный офис, прежде чем принимать платежи.", "{n} zdarzeń dziennika powstało po kopii i jej brak: zostały w zachowanym pliku — powiadom centralę przed przyjmowaniem wpłat."],
    RestoreLostUnknown => ["The replaced journal could not be read to count what the backup lacks; it is kept as it was.", "Заменённый журнал не удалось прочитать, чтобы сосчитать, чего нет в копии; он сохранён как был.", "Nie udało się odczytać zastąpionego dziennika, by policzyć braki kopii; zachowano go bez zmian."],
    ErrRestoreInUse => ["Not restored: the journal is open in process {pid} (paydesk or paydesk sync). Close it, then restore; nothing was changed.", "Не восстановлено: журнал открыт процессом {pid} (paydesk или paydesk sync). Закройте его и повторите; ничего не изменено.", "Nie przywrócono: dziennik jest otwarty w procesie {pid} (paydesk lub paydesk sync). Zamknij go i spróbuj ponownie; nic nie zmieniono."],
    ErrRestoreCheck => ["Not restored: the backup did not pass its check ({detail}); nothing was changed. Try an older backup.", "Не восстановлено: копия не прошла проверку ({detail}); ничего не изменено. Попробуйте более старую копию.", "Nie przywrócono: kopia nie przeszła sprawdzenia ({detail}); nic nie zmieniono. Spróbuj starszej kopii."],
    ErrRestoreFailed => ["Not restored: {detail}", "Не восстановлено: {detail}", "Nie przywrócono: {detail}"],
    BackupWritten => ["Backup written and checked: {path} ({mb} MB, {n} payments).", "Резервная копия записана и проверена: {path} ({mb} МБ, платежей: {n}).", "Kopia zapasowa zapisana i sprawdzona: {path} ({mb} MB, wpłat: {n})."],
    BackupRemoved => ["Older backup removed: {path}", "Старая копия удалена: {path}", "Starsza kopia usunięta: {path}"],
    ErrBackupFolder => ["No backup was made: the folder {dir} cannot be used ({detail}). Choose another — a second disk or a USB stick (`--to`, or `[journal] backup_dir` in the config) — or free it; the journal is untouched.", "Резервная копия не сделана: папку {dir} нельзя использовать ({detail}). Укажите другую — второй диск или флешку (`--to` или `[journal] backup_dir` в настройках) — или освободите место; журнал не затронут.", "Nie wykonano kopii: folderu {dir} nie można użyć ({detail}). Wskaż inny — drugi dysk lub pendrive (`--to` albo `[journal] backup_dir` w konfiguracji) — albo zwolnij miejsce; dziennik jest nienaruszony."],
    ErrBackupCopy => ["No backup was made: {detail}", "Резервная копия не сделана: {detail}", "Nie wykonano kopii: {detail}"],
    ErrBackupCheck => ["No backup was kept: the copy failed its check ({detail}). Run `paydesk journal verify` on the journal itself.", "Копия не сохранена: она не прошла проверку ({detail}). Проверьте сам журнал: `paydesk journal verify`.", "Kopii nie zachowano: nie przeszła sprawdzenia ({detail}). Sprawdź sam dziennik: `paydesk journal verify`."],
    ErrFiscalNoAnswer => ["The fiscal register does not answer ({detail}): check that it is on and its cable or network is connected.", "ККТ не отвечает ({detail}): проверьте, что она включена и кабель или сеть подключены.", "Drukarka fiskalna nie odpowiada ({detail}): sprawdź, czy jest włączona i czy kabel lub sieć są podłączone."],
    ErrFiscalAnswerLost => ["The fiscal register took the command but its answer was lost: paydesk asks the register what it issued before anything else.", "ККТ приняла команду, но ответ потерян: paydesk спросит у ККТ, что она оформила, прежде чем продолжить.", "Drukarka fiskalna przyjęła polecenie, ale odpowiedź zginęła: paydesk zapyta ją, co wystawiła, zanim pójdzie dalej."],
    ErrFiscalShiftExpired => ["The fiscal register's shift is older than 24 hours: close the shift (Z report) before the next payment.", "Смена ККТ длится больше 24 часов: закройте смену (Z-отчёт) перед следующим платежом.", "Zmiana drukarki fiskalnej trwa ponad 24 godziny: zamknij zmianę (raport Z) przed następną wpłatą."],
    ErrFiscalNoPaper => ["The fiscal register has no paper or its cover is open: load paper and close the cover.", "В ККТ нет бумаги или открыта крышка: заправьте бумагу и закройте крышку.", "W drukarce fiskalnej brak papieru lub otwarta pokrywa: włóż papier i zamknij pokrywę."],
    ErrFiscalRefused => ["The fiscal register refused ({command}, error {code}).", "ККТ отказала ({command}, ошибка {code}).", "Drukarka fiskalna odmówiła ({command}, błąd {code})."],
    StatusPrinterShort => ["Printer", "Принтер", "Drukarka"],
    FiscalChipReady => ["Register: ready", "ККТ: готова", "Kasa fiskalna: gotowa"],
    FiscalChipNoAnswer => ["Register: no answer", "ККТ: не отвечает", "Kasa fiskalna: brak odpowiedzi"],
    FiscalChipNoPaper => ["Register: no paper", "ККТ: нет бумаги", "Kasa fiskalna: brak papieru"],
    FiscalChipShiftExpired => ["Register: close the shift (Z)", "ККТ: закройте смену (Z)", "Kasa fiskalna: zamknij zmianę (Z)"],
    FiscalChipWarnings => ["Register: fiscal storage warns", "ККТ: предупреждение ФН", "Kasa fiskalna: ostrzeżenie pamięci fiskalnej"],
    FiscalTooltip => ["Fiscal storage No. {fn}, last fiscal document {fd}.", "ФН № {fn}, последний ФД {fd}.", "Pamięć fiskalna nr {fn}, ostatni dokument fiskalny {fd}."],
    FiscalWarnReplaceUrgently => ["Replace the fiscal storage urgently (its key expires within days).", "Срочно замените ФН (ключи истекают через несколько дней).", "Pilnie wymień pamięć fiskalną (klucze wygasają za kilka dni)."],
    FiscalWarnResourceEnding => ["The fiscal storage's keys expire within 30 days: order a new one.", "Ключи ФН истекают в течение 30 дней: закажите новый ФН.", "Klucze pamięci fiskalnej wygasają w ciągu 30 dni: zamów nową."],
    FiscalWarnMemoryFull => ["The fiscal storage's memory is almost full: replace it.", "Память ФН почти заполнена: замените ФН.", "Pamięć fiskalna jest prawie pełna: wymień ją."],
    FiscalWarnOfdLate => ["The fiscal data operator has not confirmed documents in time: check the register's internet connection (it blocks after 30 days).", "ОФД вовремя не подтвердил документы: проверьте интернет у ККТ (через 30 дней ФН заблокируется).", "Operator danych fiskalnych nie potwierdził dokumentów na czas: sprawdź internet kasy (po 30 dniach blokada)."],
    OpenShiftTitle => ["Open the shift", "Открытие смены", "Otwarcie zmiany"],
    OpenShiftPrompt => ["No shift is open. Count the cash in the drawer and enter it: the shift opens with it, then the pre-receipt prints.", "Смена не открыта. Пересчитайте наличные в кассе и введите сумму: смена откроется с ней, затем напечатается пречек.", "Zmiana nie jest otwarta. Policz gotówkę w szufladzie i wpisz kwotę: zmiana otworzy się z nią, potem wydrukuje się paragon wstępny."],
    FieldOpeningCash => ["Cash in the drawer", "Наличные в кассе", "Gotówka w szufladzie"],
    ButtonOpenShiftAndPrint => ["Open shift and print pre-receipt (Enter)", "Открыть смену и печатать пречек (Enter)", "Otwórz zmianę i drukuj paragon wstępny (Enter)"],
    // ---- Corrections and support
    KindReconduct => ["Re-conduct", "Перепровести", "Przeprowadź ponownie"],
    KindMoveAccount => ["Move to another account", "Перенести на другой счёт", "Przenieś na inne konto"],
    KindCancel => ["Cancel", "Аннулировать", "Anuluj"],
    KindRefund => ["Refund the cash", "Вернуть деньги", "Zwróć gotówkę"],
    RefusedNotAccepted => ["No cash was taken for this payment (or its payment confirmation is not printed): there is nothing to correct.", "По этому платежу деньги не приняты (или квитанция не напечатана): исправлять нечего.", "Za tę płatność nie przyjęto gotówki (lub potwierdzenie nie zostało wydrukowane): nie ma czego poprawiać."],
    RefusedNotAtHub => ["The payment has not reached the payment system yet.", "Платёж ещё не дошёл до платёжной системы.", "Płatność nie dotarła jeszcze do systemu płatności."],
    RefusedByHub => ["The payment system refused this payment for good.", "Платёжная система окончательно отклонила этот платёж.", "System płatności ostatecznie odrzucił tę płatność."],
    RefusedInProgress => ["A request for this payment is still open ({kind}).", "По этому платежу ещё открыт запрос ({kind}).", "Dla tej płatności jest jeszcze otwarte zgłoszenie ({kind})."],
    RefusedAlreadyRefunded => ["The cash for this payment was already returned to the customer.", "Деньги по этому платежу уже возвращены клиенту.", "Gotówka za tę płatność została już zwrócona klientowi."],
    RefusedCompleted => ["The operator has already credited the account.", "Оператор уже зачислил платёж на счёт.", "Operator już zaksięgował płatność na koncie."],
    RefusedAlreadyCancelled => ["The payment is already cancelled.", "Платёж уже аннулирован.", "Płatność jest już anulowana."],
    RefusedStillProcessing => ["The operator is still processing the payment.", "Оператор ещё обрабатывает платёж.", "Operator nadal przetwarza płatność."],
    RefusedNotYetWithOperator => ["The payment has not reached the operator yet, so it cannot be re-conducted.", "Платёж ещё не дошёл до оператора — перепроводить нечего.", "Płatność nie dotarła jeszcze do operatora, więc nie można jej przeprowadzić ponownie."],
    RefusedFailedForGood => ["The payment failed for a reason that would repeat (e.g. no such account).", "Платёж не прошёл по причине, которая повторится (например, нет такого счёта).", "Płatność nie powiodła się z powodu, który się powtórzy (np. nie ma takiego konta)."],
    RefusedNotCancelled => ["Money can only be returned for a cancelled or failed payment.", "Деньги возвращаются только по аннулированному или не прошедшему платежу.", "Gotówkę można zwrócić tylko za anulowaną lub nieudaną płatność."],
    InsteadContactOperator => ["Ask the customer to contact the operator; a refund is not possible.", "Попросите клиента обратиться к оператору; возврат невозможен.", "Poproś klienta o kontakt z operatorem; zwrot nie jest możliwy."],
    InsteadWait => ["Wait for the result: the support view lists the payment if it gets stuck.", "Дождитесь результата: если платёж зависнет, он появится в разделе поддержки.", "Poczekaj na wynik: jeśli płatność utknie, pojawi się w widoku wsparcia."],
    InsteadRetryNow => ["Send it now with Retry now in the support view.", "Отправьте его сейчас кнопкой «Повторить сейчас» в разделе поддержки.", "Wyślij ją teraz przyciskiem „Ponów teraz” w widoku wsparcia."],
    InsteadCentralOffice => ["Write to the central office (Copy e-mail text).", "Напишите в центральный офис («Копировать текст письма»).", "Napisz do centrali („Kopiuj treść e-maila”)."],
    InsteadMoveOrCancel => ["Move it to the right account, or cancel it and refund the cash.", "Перенесите его на правильный счёт или аннулируйте и верните деньги.", "Przenieś ją na właściwe konto albo anuluj i zwróć gotówkę."],
    InsteadCancelFirst => ["Cancel it first, then refund.", "Сначала аннулируйте платёж, затем верните деньги.", "Najpierw anuluj płatność, potem zwróć gotówkę."],
    InsteadFinishPayment => ["Finish the payment first.", "Сначала завершите платёж.", "Najpierw dokończ płatność."],
    InsteadWaitForCorrection => ["Wait for the payment system's answer to that request.", "Дождитесь ответа платёжной системы на этот запрос.", "Poczekaj na odpowiedź systemu płatności na to zgłoszenie."],
    InsteadNothing => ["Nothing more is needed.", "Больше ничего делать не нужно.", "Nic więcej nie trzeba robić."],
    ErrReceiptUnreadable => ["Type the number of the customer's payment confirmation, or scan its QR code.", "Введите номер квитанции клиента или отсканируйте её QR-код.", "Wpisz numer potwierdzenia klienta lub zeskanuj jego kod QR."],
    ErrReceiptOtherTerminal => ["That payment confirmation was printed by terminal {terminal}, not this one: the correction is made where the payment was taken.", "Эта квитанция напечатана терминалом {terminal}, а не этим: исправление делается там, где принят платёж.", "To potwierdzenie wydrukował terminal {terminal}, nie ten: korektę robi się tam, gdzie przyjęto płatność."],
    ErrReceiptOtherPayment => ["Payment confirmation No. {entered} is not this payment's (No. {expected}). Check the customer's confirmation.", "Квитанция № {entered} — не квитанция этого платежа (№ {expected}). Проверьте квитанцию клиента.", "Potwierdzenie nr {entered} nie należy do tej płatności (nr {expected}). Sprawdź potwierdzenie klienta."],
    ErrReceiptNone => ["This payment has no payment confirmation.", "У этого платежа нет квитанции.", "Ta płatność nie ma potwierdzenia wpłaty."],
    ErrNoReason => ["Say why the payment is corrected.", "Укажите причину исправления.", "Podaj powód korekty."],
    ErrNewAccountMissing => ["Type the account to move the payment to.", "Введите счёт, на который перенести платёж.", "Wpisz konto, na które przenieść płatność."],
    ErrNewAccountBad => ["The new account does not fit the operator's rules: {detail}", "Новый счёт не подходит под правила оператора: {detail}", "Nowe konto nie spełnia zasad operatora: {detail}"],
    ErrSameAccount => ["The new account is the payment's own account.", "Новый счёт совпадает со счётом платежа.", "Nowe konto jest takie samo jak konto płatności."],
    ErrNeedsApproval => ["A shift manager must approve this: their name and PIN.", "Это должен подтвердить старший смены: его имя и PIN.", "Musi to zatwierdzić kierownik zmiany: jego nazwa i PIN."],

    TroubleStuck => ["stuck", "завис", "utknęła"],
    TroubleFailing => ["not delivered, retrying", "не доставлен, повтор", "niedostarczona, ponawianie"],
    TroubleRefused => ["refused by the payment system", "отклонён платёжной системой", "odrzucona przez system płatności"],
    TroubleFailed => ["failed at the operator", "не прошёл у оператора", "nieudana u operatora"],
    TroubleNone => ["ok", "в порядке", "w porządku"],
    EvCreated => ["created", "создан", "utworzona"],
    EvPrePrinting => ["pre-receipt printing", "печать предчека", "drukowanie paragonu wstępnego"],
    EvPrePrinted => ["pre-receipt printed", "предчек напечатан", "paragon wstępny wydrukowany"],
    EvSigned => ["customer signed", "клиент подписал", "klient podpisał"],
    EvVoided => ["voided", "отменён", "anulowana przed zapłatą"],
    EvCash => ["cash taken", "деньги приняты", "gotówka przyjęta"],
    EvFiscalPrinting => ["payment confirmation printing", "печать квитанции", "drukowanie potwierdzenia"],
    EvFiscalIssueStarted => ["receipt asked of the fiscal register", "чек запрошен у ККТ", "paragon zlecony kasie fiskalnej"],
    EvFiscalIssued => ["fiscal receipt issued by the fiscal register", "кассовый чек выдан ККТ", "paragon fiskalny wydany przez drukarkę fiskalną"],
    EvFiscalPrinted => ["payment confirmation printed", "квитанция напечатана", "potwierdzenie wydrukowane"],
    EvPush => ["sent to the payment system", "отправка в платёжную систему", "wysłanie do systemu płatności"],
    EvHubStatus => ["payment system status", "статус в платёжной системе", "status w systemie płatności"],
    EvStuck => ["flagged stuck", "помечен как зависший", "oznaczona jako zawieszona"],
    EvCorrectionRequested => ["correction requested", "запрошено исправление", "zgłoszono korektę"],
    EvCorrectionAttempt => ["correction request not answered", "запрос исправления без ответа", "zgłoszenie korekty bez odpowiedzi"],
    EvCorrectionAnswered => ["correction request answered", "ответ на запрос исправления", "odpowiedź na zgłoszenie korekty"],
    EvRefundPaid => ["cash returned", "деньги возвращены", "gotówka zwrócona"],
    EvRefundPrinted => ["refund confirmation printed", "квитанция о возврате напечатана", "potwierdzenie zwrotu wydrukowane"],
    SupportNothingFound => ["No payment of this terminal matches {q}.", "Платежей этого терминала по запросу {q} нет.", "Żadna płatność tego terminala nie pasuje do {q}."],
    SupportRetryQueued => ["It is sent at the next round (within seconds).", "Платёж будет отправлен в ближайшем цикле (через несколько секунд).", "Zostanie wysłana w najbliższym cyklu (w ciągu kilku sekund)."],
    SupportNothingToRetry => ["Nothing to send: the payment system already has it.", "Отправлять нечего: платёж уже в платёжной системе.", "Nie ma czego wysyłać: system płatności już ją ma."],
    SupportStatusNow => ["The payment system says: {status}.", "Платёжная система отвечает: {status}.", "System płatności odpowiada: {status}."],
    SupportStatusFailed => ["The payment system did not answer: {detail}", "Платёжная система не ответила: {detail}", "System płatności nie odpowiedział: {detail}"],
    SupportCorrectionSent => ["Correction request journaled ({kind}); it is sent to the payment system and followed in this view.", "Запрос исправления записан ({kind}); он будет отправлен в платёжную систему, его состояние видно здесь.", "Zgłoszenie korekty zapisane ({kind}); zostanie wysłane do systemu płatności, jego stan widać tutaj."],
    SupportRefundPaid => ["Give the customer {amount} in cash (refund confirmation No. {n}).", "Выдайте клиенту {amount} наличными (квитанция о возврате № {n}).", "Wydaj klientowi {amount} gotówką (potwierdzenie zwrotu nr {n})."],
    SupportRefundNotPrinted => ["The refund confirmation did not print ({detail}): print it again below.", "Квитанция о возврате не напечатана ({detail}): напечатайте её повторно ниже.", "Potwierdzenie zwrotu się nie wydrukowało ({detail}): wydrukuj je ponownie poniżej."],
    SupportNoRefund => ["This payment has no refund.", "По этому платежу возврата нет.", "Ta płatność nie ma zwrotu."],
    SupportRefundReprinted => ["The refund confirmation was printed again (marked COPY if it printed before).", "Квитанция о возврате напечатана повторно (с пометкой КОПИЯ, если уже печаталась).", "Potwierdzenie zwrotu wydrukowano ponownie (z oznaczeniem KOPIA, jeśli było już drukowane)."],
    TabSupport => ["Support", "Поддержка", "Wsparcie"],
    SupportTitle => ["Payments that did not go through", "Платежи, которые не прошли", "Płatności, które nie przeszły"],
    SupportFindLabel => ["Confirmation No., account or payment id", "№ квитанции, счёт или id платежа", "Nr potwierdzenia, konto lub id płatności"],
    SupportFindButton => ["Find (Enter)", "Найти (Enter)", "Szukaj (Enter)"],
    SupportTroubledButton => ["Stuck and failed payments", "Зависшие и непрошедшие", "Zawieszone i nieudane"],
    SupportTroubledTitle => ["Stuck, failing, refused and failed payments", "Зависшие, недоставленные, отклонённые и непрошедшие платежи", "Płatności zawieszone, niedostarczone, odrzucone i nieudane"],
    SupportFoundTitle => ["Payments found", "Найденные платежи", "Znalezione płatności"],
    SupportNoneListed => ["None.", "Нет.", "Brak."],
    SupportRequestsTitle => ["Correction requests", "Запросы на исправление", "Zgłoszenia korekt"],
    SupportRequestLine => ["{kind} · {state} · {account} · {age} old · due {due}", "{kind} · {state} · {account} · возраст {age} · срок {due}", "{kind} · {state} · {account} · wiek {age} · termin {due}"],
    SupportChoosePayment => ["Choose a payment to see its timeline.", "Выберите платёж, чтобы увидеть его историю.", "Wybierz płatność, aby zobaczyć jej historię."],
    SupportRetryButton => ["Retry now", "Повторить сейчас", "Ponów teraz"],
    SupportCheckButton => ["Check status now", "Проверить статус", "Sprawdź status"],
    SupportEmailButton => ["Copy e-mail text", "Копировать текст письма", "Kopiuj treść e-maila"],
    SupportReprintRefund => ["Print refund confirmation again", "Напечатать квитанцию о возврате повторно", "Wydrukuj potwierdzenie zwrotu ponownie"],
    SupportTimelineTitle => ["Timeline", "История", "Historia"],
    SupportCorrectionTitle => ["Correct this payment", "Исправить платёж", "Popraw tę płatność"],
    SupportReceiptLabel => ["Customer's payment confirmation No. (or scan its QR code)", "№ квитанции клиента (или отсканируйте QR-код)", "Nr potwierdzenia klienta (lub zeskanuj kod QR)"],
    SupportReasonLabel => ["Reason", "Причина", "Powód"],
    SupportNewAccountLabel => ["Right account", "Правильный счёт", "Właściwe konto"],
    SupportManagerLabel => ["Approving manager", "Подтверждает (старший смены)", "Zatwierdza (kierownik zmiany)"],
    SupportManagerPinLabel => ["Manager's PIN", "PIN старшего смены", "PIN kierownika"],
    SupportSendCorrection => ["Send correction request", "Отправить запрос на исправление", "Wyślij zgłoszenie korekty"],
    SupportCopied => ["Copied to the clipboard.", "Скопировано в буфер обмена.", "Skopiowano do schowka."],
    SupportExported => ["Diagnostics written to {path} (tokens and PIN hashes removed).", "Диагностика записана в {path} (токены и хеши PIN удалены).", "Diagnostykę zapisano w {path} (tokeny i skróty PIN usunięte)."],
    SupportExportButton => ["Export diagnostics", "Выгрузить диагностику", "Eksportuj diagnostykę"],
    MissingPaymentWhat => ["find and carry out a payment missing from the terminal's journal", "найти и провести платёж, которого нет в журнале терминала", "odnaleźć i przeprowadzić płatność, której nie ma w dzienniku terminala"],
    MissingPaymentScan => ["Attached: photo of the customer's payment confirmation ({path}).", "Вложение: фото квитанции клиента ({path}).", "Załącznik: zdjęcie potwierdzenia klienta ({path})."],
    MissingPaymentTitle => ["Payment not in the journal (the customer has a payment confirmation)", "Платежа нет в журнале (у клиента есть квитанция)", "Płatności nie ma w dzienniku (klient ma potwierdzenie)"],
    MissingWhenLabel => ["Date and time on the confirmation (YYYY-MM-DD HH:MM)", "Дата и время на квитанции (ГГГГ-ММ-ДД ЧЧ:ММ)", "Data i godzina z potwierdzenia (RRRR-MM-DD GG:MM)"],
    MissingAccountLabel => ["Account on the confirmation", "Счёт на квитанции", "Konto z potwierdzenia"],
    MissingOperatorLabel => ["Operator on the confirmation", "Оператор на квитанции", "Operator z potwierdzenia"],
    MissingAmountLabel => ["Amount on the confirmation", "Сумма на квитанции", "Kwota z potwierdzenia"],
    MissingReceiptLabel => ["Confirmation No.", "№ квитанции", "Nr potwierdzenia"],
    MissingScanLabel => ["Photo or scan of the confirmation (file path, optional)", "Фото или скан квитанции (путь к файлу, необязательно)", "Zdjęcie lub skan potwierdzenia (ścieżka pliku, opcjonalnie)"],
    MissingButton => ["Record and copy e-mail text", "Записать и скопировать текст письма", "Zapisz i skopiuj treść e-maila"],
    MissingRecorded => ["Recorded; the e-mail text is on the clipboard.", "Записано; текст письма скопирован.", "Zapisano; treść e-maila jest w schowku."],
    ErrMissingWhen => ["Type the date and time from the confirmation as YYYY-MM-DD HH:MM.", "Введите дату и время с квитанции в виде ГГГГ-ММ-ДД ЧЧ:ММ.", "Wpisz datę i godzinę z potwierdzenia jako RRRR-MM-DD GG:MM."],
    ErrMissingEmpty => ["Fill in the account, the operator and the confirmation number from the customer's confirmation.", "Заполните счёт, оператора и номер с квитанции клиента.", "Uzupełnij konto, operatora i numer z potwierdzenia klienta."],
    ErrMissingAmount => ["The amount cannot be read: {detail}", "Не удаётся прочитать сумму: {detail}", "Nie można odczytać kwoty: {detail}"],
    ErrMissingScan => ["There is no file {path}: check the path of the photo or scan.", "Файла {path} нет: проверьте путь к фото или скану.", "Nie ma pliku {path}: sprawdź ścieżkę zdjęcia lub skanu."],
    SupportLastError => ["Last error", "Последняя ошибка", "Ostatni błąd"],
    SupportNextRetry => ["Next try", "Следующая попытка", "Następna próba"],
    CentralOfficeEmail => ["Subject: {what} — payment of {date}, payment confirmation No. {receipt}\n\nPlease carry out: {what}.\nDate and time: {date}\nAccount: {account}\nOperator: {operator}\nAmount: {amount}\nPayment confirmation No.: {receipt}\nTerminal: {terminal}\nShop: {shop}\n", "Тема: {what} — платёж от {date}, квитанция № {receipt}\n\nПросим: {what}.\nДата и время: {date}\nСчёт: {account}\nОператор: {operator}\nСумма: {amount}\nКвитанция №: {receipt}\nТерминал: {terminal}\nМагазин: {shop}\n", "Temat: {what} — płatność z {date}, potwierdzenie nr {receipt}\n\nProsimy: {what}.\nData i godzina: {date}\nKonto: {account}\nOperator: {operator}\nKwota: {amount}\nPotwierdzenie nr: {receipt}\nTerminal: {terminal}\nSklep: {shop}\n"],

    // ---- Users, login, roles
    RoleCashier => ["cashier", "кассир", "kasjer"],
    RoleShiftManager => ["shift manager", "старший смены", "kierownik zmiany"],
    RoleSupport => ["support", "поддержка", "wsparcie"],
    RoleAdmin => ["administrator", "администратор", "administrator"],
    ActTakePayments => ["taking payments", "приём платежей", "przyjmowanie płatności"],
    ActManageShift => ["opening and closing shifts", "открытие и закрытие смены", "otwieranie i zamykanie zmian"],
    ActViewReports => ["reports", "отчёты", "raporty"],
    ActChangeSettings => ["printer settings", "настройки принтера", "ustawienia drukarki"],
    ActManageUsers => ["user management", "управление пользователями", "zarządzanie użytkownikami"],
    ActSupport => ["the support view", "раздел поддержки", "widok wsparcia"],
    ActApproveRefund => ["approving refunds", "подтверждение возвратов", "zatwierdzanie zwrotów"],
    ErrNotLoggedIn => ["Nobody is logged in: log in with your PIN first.", "Никто не вошёл: сначала войдите со своим PIN.", "Nikt nie jest zalogowany: najpierw zaloguj się PIN-em."],
    ErrDenied => ["{user} ({role}) has no access to {action}. Ask a shift manager or an administrator to log in (Switch user).", "У пользователя {user} ({role}) нет доступа: {action}. Попросите старшего смены или администратора войти (Сменить пользователя).", "{user} ({role}) nie ma dostępu: {action}. Poproś kierownika zmiany lub administratora o zalogowanie (Zmień użytkownika)."],
    ErrWrongPin => ["Wrong PIN for {name}. {left} tries left, then the account is locked for 5 minutes.", "Неверный PIN для {name}. Осталось попыток: {left}, затем вход будет заблокирован на 5 минут.", "Błędny PIN dla {name}. Pozostało prób: {left}, potem konto zostanie zablokowane na 5 minut."],
    ErrLocked => ["Too many wrong PINs: {name} is locked for {minutes} min. Try again then, or ask an administrator to unlock.", "Слишком много неверных PIN: вход для {name} заблокирован на {minutes} мин. Повторите позже или попросите администратора разблокировать.", "Zbyt wiele błędnych PIN-ów: {name} jest zablokowany na {minutes} min. Spróbuj później lub poproś administratora o odblokowanie."],
    ErrInactive => ["{name} is deactivated. Ask an administrator.", "Пользователь {name} отключён. Обратитесь к администратору.", "Użytkownik {name} jest wyłączony. Zwróć się do administratora."],
    ErrUnknownUser => ["There is no user {name}. Choose a name from the list.", "Пользователя {name} нет. Выберите имя из списка.", "Nie ma użytkownika {name}. Wybierz nazwę z listy."],
    ErrUserExists => ["There is already a user named {name}. Choose another name.", "Пользователь {name} уже есть. Выберите другое имя.", "Użytkownik {name} już istnieje. Wybierz inną nazwę."],
    ErrFirstUserExists => ["The administrator was already created: log in.", "Администратор уже создан: войдите.", "Administrator został już utworzony: zaloguj się."],
    ErrOwnAccount => ["You cannot deactivate your own account.", "Нельзя отключить собственную учётную запись.", "Nie można wyłączyć własnego konta."],
    ErrPinLength => ["A PIN has 4 to 8 digits.", "PIN состоит из 4–8 цифр.", "PIN ma od 4 do 8 cyfr."],
    ErrPinDigits => ["A PIN has digits only.", "PIN состоит только из цифр.", "PIN składa się tylko z cyfr."],
    ErrPinsDiffer => ["The two PINs differ: type the same PIN twice.", "PIN не совпадают: введите один и тот же PIN дважды.", "PIN-y się różnią: wpisz ten sam PIN dwa razy."],
    ErrNameEmpty => ["Type a name.", "Введите имя.", "Wpisz nazwę."],
    ErrNameTooLong => ["A name has at most 40 characters.", "Имя — не длиннее 40 символов.", "Nazwa ma najwyżej 40 znaków."],
    ErrNameControl => ["A name cannot contain tabs or line breaks.", "Имя не может содержать табуляцию или перевод строки.", "Nazwa nie może zawierać tabulatorów ani podziałów wiersza."],
    ErrCliLogin => ["This journal has users: give --user NAME and the PIN in {var} (or type it when asked).", "В журнале есть пользователи: укажите --user ИМЯ и PIN в {var} (или введите его по запросу).", "Dziennik ma użytkowników: podaj --user NAZWA i PIN w {var} (lub wpisz go, gdy zostaniesz poproszony)."],
    ErrFirstUserNotAdmin => ["The first user must be an administrator: use --role admin.", "Первый пользователь должен быть администратором: укажите --role admin.", "Pierwszy użytkownik musi być administratorem: użyj --role admin."],
    ErrChooseUser => ["Choose your name first.", "Сначала выберите своё имя.", "Najpierw wybierz swoją nazwę."],
    FirstRunTitle => ["Welcome to paydesk: create the administrator", "Добро пожаловать в paydesk: создайте администратора", "Witaj w paydesk: utwórz administratora"],
    FirstRunHint => ["The administrator adds cashiers and shift managers and may change every setting. Choose a PIN only you know.", "Администратор добавляет кассиров и старших смены и может менять любые настройки. Выберите PIN, который знаете только вы.", "Administrator dodaje kasjerów i kierowników zmian i może zmieniać wszystkie ustawienia. Wybierz PIN, który znasz tylko ty."],
    UserNameLabel => ["Name", "Имя", "Nazwa"],
    UserNewTitle => ["New user", "Новый пользователь", "Nowy użytkownik"],
    UserNewName => ["New user's name", "Имя нового пользователя", "Nazwa nowego użytkownika"],
    PinLabel => ["PIN", "PIN-код", "PIN"],
    PinRepeatLabel => ["Repeat PIN", "Повторите PIN", "Powtórz PIN"],
    CreateAdminButton => ["Create administrator", "Создать администратора", "Utwórz administratora"],
    LoginTitle => ["Who is at the till?", "Кто за кассой?", "Kto jest przy kasie?"],
    LoginHint => ["Choose your name, type your PIN and press Enter.", "Выберите своё имя, введите PIN и нажмите Enter.", "Wybierz swoją nazwę, wpisz PIN i naciśnij Enter."],
    LoginButton => ["Log in", "Войти", "Zaloguj"],
    PinClear => ["Clear", "Стереть", "Wyczyść"],
    LoggedInAs => ["Logged in: {name} · {role}", "Вход: {name} · {role}", "Zalogowany: {name} · {role}"],
    SwitchUser => ["Switch user (F12)", "Сменить пользователя (F12)", "Zmień użytkownika (F12)"],
    SwitchUserShort => ["Switch (F12)", "Сменить (F12)", "Zmień (F12)"],
    SwitchUserBusy => ["Finish or cancel the payment first.", "Сначала завершите или отмените платёж.", "Najpierw zakończ lub anuluj płatność."],
    UsersTitle => ["Users", "Пользователи", "Użytkownicy"],
    UserRole => ["Role", "Роль", "Rola"],
    UserState => ["State", "Состояние", "Stan"],
    UserActive => ["active", "активен", "aktywny"],
    UserInactive => ["deactivated", "отключён", "wyłączony"],
    UserLockedUntil => ["locked until {until}", "заблокирован до {until}", "zablokowany do {until}"],
    UserAddButton => ["Add user", "Добавить пользователя", "Dodaj użytkownika"],
    UserDeactivate => ["Deactivate", "Отключить", "Wyłącz"],
    UserActivate => ["Activate", "Включить", "Włącz"],
    UserUnlock => ["Unlock", "Разблокировать", "Odblokuj"],
    UserSetPin => ["Set new PIN", "Задать новый PIN", "Ustaw nowy PIN"],
    UserAdded => ["{name} can log in now.", "{name} может входить.", "{name} może się teraz logować."],
    UserChanged => ["Saved.", "Сохранено.", "Zapisano."],
    ShiftRefunds => ["Refunds paid ({n})", "Возвраты ({n})", "Zwroty ({n})"],
    ShiftTitle => ["Shift", "Смена", "Zmiana"],
    StatusBackupFailed => ["Backup failed", "Резервная копия не создана", "Kopia zapasowa nieudana"],
    JournalCheckRunning => ["Checking journal {pct}%", "Проверка журнала {pct}%", "Sprawdzanie dziennika {pct}%"],
    JournalCheckRunningLong => ["The whole journal is being checked in the background ({stage}: {done} of {total}). Payments go on meanwhile.", "Весь журнал проверяется в фоне ({stage}: {done} из {total}). Платежи принимаются как обычно.", "Cały dziennik jest sprawdzany w tle ({stage}: {done} z {total}). Płatności są przyjmowane jak zwykle."],
    JournalChecked => ["Journal checked {time}", "Журнал проверен {time}", "Dziennik sprawdzony {time}"],
    JournalCheckedLong => ["The whole journal was checked at {time}: every page of the file, {events} events of the audit chain and {payments} payments against their events. Nothing is wrong.", "Весь журнал проверен в {time}: каждая страница файла, {events} событий журнала аудита и {payments} платежей по их событиям. Ошибок нет.", "Cały dziennik sprawdzony o {time}: każda strona pliku, {events} zdarzeń łańcucha audytu i {payments} płatności wobec ich zdarzeń. Wszystko w porządku."],
    JournalDamagedShort => ["Journal damaged: payments stopped", "Журнал повреждён: платежи остановлены", "Dziennik uszkodzony: płatności wstrzymane"],
    JournalCheckNotRun => ["Journal not checked", "Журнал не проверен", "Dziennik niesprawdzony"],
    JournalCheckNotRunLong => ["The background check of the journal could not run ({detail}). It is tried again after the next backup or Z report; `paydesk journal verify` checks it now.", "Фоновая проверка журнала не выполнилась ({detail}). Она повторится после следующей резервной копии или Z-отчёта; `paydesk journal verify` проверит сейчас.", "Sprawdzenie dziennika w tle nie powiodło się ({detail}). Zostanie powtórzone po następnej kopii zapasowej lub raporcie Z; `paydesk journal verify` sprawdzi teraz."],
    CheckStageFile => ["the file's pages", "страницы файла", "strony pliku"],
    CheckStageChain => ["the audit chain", "журнал аудита", "łańcuch audytu"],
    CheckStagePayments => ["payments against their events", "платежи по их событиям", "płatności wobec zdarzeń"],
    CheckStageNumbers => ["document numbers", "номера документов", "numery dokumentów"],
    ReportViewPayments => ["Payments and shift", "Платежи и смена", "Płatności i zmiana"],
    ReconcileOpenHere => ["Open the payment", "Открыть платёж", "Otwórz płatność"],
    ReconcileOpenPayment => ["Open in Support", "Открыть в поддержке", "Otwórz we wsparciu"],
    DiffUndelivered => ["not delivered yet", "ещё не доставлен", "jeszcze niedostarczona"],
    DiffLost => ["LOST: delivered, but not in the payment system's registry", "ПОТЕРЯН: доставлен, но его нет в реестре платёжной системы", "ZAGINĘŁA: dostarczona, ale nie ma jej w rejestrze systemu płatności"],
    DiffUnknownAtHub => ["UNKNOWN PAYMENT at the payment system, not in this journal", "НЕИЗВЕСТНЫЙ ПЛАТЁЖ в платёжной системе, его нет в журнале", "NIEZNANA PŁATNOŚĆ w systemie płatności, nie ma jej w dzienniku"],
    DiffAmount => ["amounts differ", "суммы различаются", "kwoty się różnią"],
    DiffAccount => ["account or operator differ", "счёт или оператор различаются", "konto lub operator się różnią"],
    DiffStatus => ["statuses differ", "статусы различаются", "statusy się różnią"],
    FixUndelivered => ["Support → the payment → Retry now sends it.", "Поддержка → платёж → «Повторить сейчас» отправит его.", "Wsparcie → płatność → „Ponów teraz” wyśle ją."],
    FixLost => ["Write to the central office (Support → the payment → the e-mail text).", "Напишите в центральный офис (Поддержка → платёж → текст письма).", "Napisz do centrali (Wsparcie → płatność → treść e-maila)."],
    FixUnknownAtHub => ["Report it to the central office at once: the payment system holds a payment this till never took.", "Немедленно сообщите в центральный офис: в платёжной системе есть платёж, которого эта касса не принимала.", "Natychmiast zgłoś to centrali: system płatności ma płatność, której ta kasa nie przyjęła."],
    FixAmount => ["Ask for a correction (Support → the payment) and write to the central office.", "Оформите исправление (Поддержка → платёж) и напишите в центральный офис.", "Złóż wniosek o korektę (Wsparcie → płatność) i napisz do centrali."],
    FixAccount => ["Ask for a correction, moving it to the right account (Support → the payment).", "Оформите исправление — перевод на верный счёт (Поддержка → платёж).", "Złóż wniosek o korektę — przeniesienie na właściwe konto (Wsparcie → płatność)."],
    FixStatus => ["Support → the payment → Check status now.", "Поддержка → платёж → «Проверить статус сейчас».", "Wsparcie → płatność → „Sprawdź status teraz”."],
    ErrReconcileHub => ["The payment system's registry could not be read: {detail}. Try again later.", "Не удалось получить реестр платёжной системы: {detail}. Повторите позже.", "Nie udało się pobrać rejestru systemu płatności: {detail}. Spróbuj później."],
    ReconcileTitle => ["Reconciliation with the payment system", "Сверка с платёжной системой", "Uzgodnienie z systemem płatności"],
    ReconcileSummary => ["Business day {date}: {journal} payments in the journal, {hub} in the payment system's registry; {n} differences.", "Операционный день {date}: в журнале платежей {journal}, в реестре платёжной системы {hub}; расхождений {n}.", "Dzień operacyjny {date}: w dzienniku {journal} płatności, w rejestrze systemu płatności {hub}; rozbieżności {n}."],
    ReconcileMatched => ["Everything matches.", "Всё сходится.", "Wszystko się zgadza."],
    ReconcileNoHub => ["No payment system is connected: nothing to compare with.", "Платёжная система не подключена: сравнивать не с чем.", "System płatności nie jest podłączony: nie ma z czym porównać."],
    ReconcileNotRun => ["This day has not been reconciled yet.", "Этот день ещё не сверялся.", "Ten dzień nie był jeszcze uzgadniany."],
    ReconcileExplained => ["explained by {by}: {reason}", "пояснено ({by}): {reason}", "wyjaśnione ({by}): {reason}"],
    ReconcileDate => ["Business day", "Операционный день", "Dzień operacyjny"],
    ReconcileRun => ["Reconcile now", "Сверить сейчас", "Uzgodnij teraz"],
    ReconcileOpenTitle => ["Differences with the payment system", "Расхождения с платёжной системой", "Rozbieżności z systemem płatności"],
    ReconcileExplainReason => ["Why it is not a problem", "Почему это не проблема", "Dlaczego to nie problem"],
    ReconcileExplainButton => ["Mark explained", "Отметить пояснённым", "Oznacz jako wyjaśnione"],
    ReconcileExplainedMsg => ["The difference is marked explained.", "Расхождение отмечено пояснённым.", "Rozbieżność oznaczono jako wyjaśnioną."],
    ReconcileJournalSide => ["journal", "журнал", "dziennik"],
    ReconcileHubSide => ["payment system", "платёжная система", "system płatności"],
    ErrNoExplanation => ["Say why the difference is not a problem, or what was done about it: the reason is kept with it.", "Напишите, почему расхождение не проблема или что с ним сделано: причина сохраняется.", "Napisz, dlaczego rozbieżność nie jest problemem lub co z nią zrobiono: powód zostanie zapisany."],
    StatusBalance => ["Balance {balance}", "Баланс {balance}", "Saldo {balance}"],
    StatusBalanceHint => ["The agent's balance at the payment system is below {warning}: ask the office to top it up. A payment above it is refused before its pre-receipt.", "Баланс агента в платёжной системе ниже {warning}: попросите офис пополнить его. Платёж больше баланса отклоняется до печати пречека.", "Saldo agenta w systemie płatności jest poniżej {warning}: poproś biuro o doładowanie. Płatność powyżej salda jest odrzucana przed wydrukiem paragonu wstępnego."],
    ErrLowBalance => ["The agent's balance at the payment system is {balance}: not enough for {amount}. Nothing was printed and no money taken. Ask the office to top the balance up, or take a smaller payment.", "Баланс агента в платёжной системе {balance}: не хватает на {amount}. Ничего не напечатано, деньги не приняты. Попросите офис пополнить баланс или примите платёж на меньшую сумму.", "Saldo agenta w systemie płatności wynosi {balance}: za mało na {amount}. Nic nie wydrukowano, pieniędzy nie przyjęto. Poproś biuro o doładowanie salda lub przyjmij mniejszą płatność."],
    ErrLowBalanceQueued => ["The agent's balance at the payment system is {balance}, and {queued} of it goes to payments not yet sent: not enough for {amount}. Nothing was printed and no money taken. Ask the office to top the balance up, or take a smaller payment.", "Баланс агента в платёжной системе {balance}, из них {queued} уйдут на ещё не отправленные платежи: не хватает на {amount}. Ничего не напечатано, деньги не приняты. Попросите офис пополнить баланс или примите платёж на меньшую сумму.", "Saldo agenta w systemie płatności wynosi {balance}, z czego {queued} pójdzie na jeszcze niewysłane płatności: za mało na {amount}. Nic nie wydrukowano, pieniędzy nie przyjęto. Poproś biuro o doładowanie salda lub przyjmij mniejszą płatność."],
    TabCash => ["Cash", "Наличные", "Gotówka"],
    CashTitle => ["Cash in, cash out, collection", "Внесение, выплата, инкассация", "Wpłata, wypłata, inkaso"],
    CashNoShift => ["No shift is open: open it on the Reports screen first (cash moves belong to a shift).", "Смена не открыта: сначала откройте её на экране «Отчёты» (движение наличных относится к смене).", "Żadna zmiana nie jest otwarta: najpierw otwórz ją na ekranie „Raporty” (ruch gotówki należy do zmiany)."],
    CashThisShift => ["Cash moves of shift {n}", "Движение наличных в смене {n}", "Ruch gotówki w zmianie {n}"],
    CashRecordButton => ["Record and print the slip (Enter)", "Оформить и напечатать (Enter)", "Zarejestruj i drukuj (Enter)"],
    CashReprint => ["Print again", "Печать копии", "Drukuj ponownie"],
    CashReprintHint => ["Print slip No. {n} again, marked as a copy", "Напечатать документ № {n} повторно, с пометкой «копия»", "Wydrukuj dokument nr {n} ponownie, jako kopię"],
    CashReprinted => ["The slip was printed again (a copy).", "Копия документа напечатана.", "Kopia dokumentu wydrukowana."],
    CashLateRefSlip => ["Collection No.", "Инкассация №", "Inkaso nr"],
    CashLateRef => ["Bank reference received", "Полученная банковская ссылка", "Otrzymana referencja bankowa"],
    CashSaveRef => ["Save the bank reference", "Сохранить банковскую ссылку", "Zapisz referencję bankową"],
    ErrCashSlipNumber => ["\"{value}\" is not a slip number: type the number printed on the collection's slip.", "«{value}» — не номер документа: введите номер с документа инкассации.", "„{value}” to nie numer dokumentu: wpisz numer z dokumentu inkasa."],
    ErrCollectionFormat => ["The collection report is text or xlsx.", "Отчёт об инкассации — текст или xlsx.", "Raport inkasa: tekst lub xlsx."],
    CashKindIn => ["Cash in", "Внесение", "Wpłata"],
    CashKindOut => ["Cash out", "Выплата", "Wypłata"],
    CashKindCollection => ["Collection", "Инкассация", "Inkaso"],
    CollectionTitle => ["Collection report", "Отчёт об инкассации", "Raport inkasa"],
    CollectionCarried => ["Not collected before the period", "Не инкассировано до периода", "Nieodprowadzone przed okresem"],
    CollectionTaken => ["Taken for principals", "Принято для поставщиков", "Przyjęto dla zleceniodawców"],
    CollectionCollected => ["Collected", "Инкассировано", "Odprowadzono"],
    CollectionNotCollected => ["Taken and not yet collected", "Принято и ещё не инкассировано", "Przyjęte, jeszcze nieodprowadzone"],
    CollectionShift => ["Shift", "Смена", "Zmiana"],
    CollectionOpened => ["Opened", "Открыта", "Otwarta"],
    CollectionClosed => ["Closed", "Закрыта", "Zamknięta"],
    CollectionNumber => ["No.", "№", "Nr"],
    CollectionWhen => ["Date and time", "Дата и время", "Data i godzina"],
    CollectionWho => ["Who", "Кто", "Kto"],
    CollectionShiftsSheet => ["Shifts", "Смены", "Zmiany"],
    CollectionsSheet => ["Collections", "Инкассации", "Inkasa"],
    CashRecorded => ["{kind} No. {n} recorded: {amount}.", "Оформлено: {kind} № {n}, {amount}.", "Zarejestrowano: {kind} nr {n}, {amount}."],
    CashNotPrinted => ["The slip did not print ({why}); the move is recorded. Print it again with the slip's number.", "Документ не напечатан ({why}); операция записана. Напечатайте его повторно по номеру.", "Dokument nie został wydrukowany ({why}); operacja zapisana. Wydrukuj go ponownie po numerze."],
    CashBankRefSaved => ["Collection No. {n}: bank reference {ref} saved.", "Инкассация № {n}: банковская ссылка {ref} сохранена.", "Inkaso nr {n}: referencja bankowa {ref} zapisana."],
    CashNoneThisShift => ["No cash moves in this shift yet.", "В этой смене ещё не было внесений, выплат и инкассаций.", "W tej zmianie nie było jeszcze wpłat, wypłat ani inkasa."],
    ErrCashNoteEmpty => ["fill it in", "заполните", "uzupełnij"],
    ErrCashNoteLong => ["at most 120 characters", "не более 120 символов", "najwyżej 120 znaków"],
    ErrCashNoteControl => ["one line of text", "одна строка текста", "jedna linia tekstu"],
    ErrNotEnoughCash => ["The drawer should hold only {expected}: more cannot be taken out. Check the amount, or record the cash put in first.", "В кассе должно быть только {expected}: больше изъять нельзя. Проверьте сумму или сначала оформите внесение.", "W szufladzie powinno być tylko {expected}: więcej nie można wypłacić. Sprawdź kwotę lub najpierw zarejestruj wpłatę."],
    ErrNoCashSlip => ["There is no cash slip No. {n}.", "Документа № {n} о движении наличных нет.", "Nie ma dokumentu kasowego nr {n}."],
    ErrNoCollection => ["There is no collection No. {n}: give the number of the collection's slip.", "Инкассации № {n} нет: укажите номер документа инкассации.", "Nie ma inkasa nr {n}: podaj numer dokumentu inkasa."],
    ErrBankRefKnown => ["Collection No. {n} already has its bank reference {known}; it is not changed.", "У инкассации № {n} уже есть банковская ссылка {known}; она не меняется.", "Inkaso nr {n} ma już referencję bankową {known}; nie jest zmieniana."],
    ShiftCashIn => ["Cash in", "Внесено", "Wpłaty"],
    ShiftCashOut => ["Cash out", "Выплачено", "Wypłaty"],
    ShiftCollected => ["Collected", "Инкассировано", "Inkaso"],
    ShiftOpenButton => ["Open shift", "Открыть смену", "Otwórz zmianę"],
    ShiftXButton => ["Print X report", "Печать X-отчёта", "Drukuj raport X"],
    ShiftConfirmDifference => ["Counted {counted}, expected {expected}: the difference is {diff}. Close the shift with it? Enter = close, Esc = back.", "Пересчитано {counted}, ожидается {expected}: расхождение {diff}. Закрыть смену с ним? Enter — закрыть, Esc — назад.", "Policzono {counted}, oczekiwano {expected}: różnica {diff}. Zamknąć zmianę z nią? Enter — zamknij, Esc — wróć."],
    ShiftConfirmClose => ["Close the shift with the difference", "Закрыть смену с расхождением", "Zamknij zmianę z różnicą"],
    ShiftConfirmBack => ["Back: count again", "Назад: пересчитать", "Wróć: policz ponownie"],
    ShiftZButton => ["Close shift (Z report)", "Закрыть смену (Z-отчёт)", "Zamknij zmianę (raport Z)"],
    ShiftX => ["X REPORT", "X-ОТЧЁТ", "RAPORT X"],
    ShiftZ => ["Z REPORT", "Z-ОТЧЁТ", "RAPORT Z"],
    ShiftNumber => ["Shift {n}", "Смена {n}", "Zmiana {n}"],
    ShiftOpened => ["Opened", "Открыта", "Otwarta"],
    ShiftClosed => ["Closed", "Закрыта", "Zamknięta"],
    ShiftOpeningCash => ["Opening cash", "Наличные на начало", "Gotówka na początek"],
    ShiftExpectedCash => ["Cash expected", "Ожидается наличных", "Oczekiwana gotówka"],
    ShiftCountedCash => ["Cash counted", "Пересчитано наличных", "Policzona gotówka"],
    ShiftDifference => ["Difference", "Расхождение", "Różnica"],
    ShiftUndelivered => ["Not yet delivered to the payment system: {n}", "Ещё не переданы в платёжную систему: {n}", "Jeszcze nieprzekazane do systemu płatności: {n}"],
    ShiftOpenedMsg => ["Shift {n} is open.", "Смена {n} открыта.", "Zmiana {n} otwarta."],
    ErrInternal => ["Unexpected error: {detail}", "Непредвиденная ошибка: {detail}", "Nieoczekiwany błąd: {detail}"],
    ErrNoCatalogue => ["There is no operator catalogue. Set [catalogue] file in the config or start in training mode.", "Нет каталога операторов. Укажите [catalogue] file в конфигурации или запустите учебный режим.", "Brak katalogu operatorów. Ustaw [catalogue] file w konfiguracji lub uruchom tryb szkoleniowy."],
    ErrJournalCorrupted => ["The journal file {path} is damaged ({detail}). Do not take payments. Restore it from a backup or call support; paydesk has not changed the file.", "Файл журнала {path} повреждён ({detail}). Не принимайте платежи. Восстановите его из резервной копии или обратитесь в поддержку; paydesk файл не изменял.", "Plik dziennika {path} jest uszkodzony ({detail}). Nie przyjmuj płatności. Przywróć go z kopii zapasowej lub zadzwoń do wsparcia; paydesk nie zmienił pliku."],
    ErrJournalReadOnly => ["The journal file {path} is read-only. Give the paydesk user write access to the file and its folder, then start again.", "Файл журнала {path} доступен только для чтения. Дайте пользователю paydesk право записи в файл и его папку и запустите снова.", "Plik dziennika {path} jest tylko do odczytu. Nadaj użytkownikowi paydesk prawo zapisu do pliku i folderu, potem uruchom ponownie."],
    ErrJournalLocked => ["The journal file {path} is locked by another program. Close the other program (or wait for it), then try again.", "Файл журнала {path} заблокирован другой программой. Закройте её (или дождитесь завершения) и повторите.", "Plik dziennika {path} jest zablokowany przez inny program. Zamknij go (lub poczekaj) i spróbuj ponownie."],
    ErrJournalFull => ["The disk holding the journal {path} is full. Free space on it, then try again.", "Диск с журналом {path} заполнен. Освободите место и повторите.", "Dysk z dziennikiem {path} jest pełny. Zwolnij miejsce i spróbuj ponownie."],
    ErrJournalNewer => ["The journal {path} was written by a newer paydesk (schema {found}, this one knows {known}). Update paydesk.", "Журнал {path} записан более новой версией paydesk (схема {found}, эта знает {known}). Обновите paydesk.", "Dziennik {path} zapisała nowsza wersja paydesk (schemat {found}, ta zna {known}). Zaktualizuj paydesk."],
    ErrNotAJournalEmpty => ["The journal file {path} is empty: it is not a paydesk journal. paydesk creates a new journal only where no file exists, so that receipt numbers never start again at No. 1 by accident. Do not take payments. If this terminal is new, delete the empty file; otherwise restore the journal from its backup.", "Файл журнала {path} пуст: это не журнал paydesk. paydesk создаёт новый журнал только там, где файла нет, чтобы номера чеков случайно не начались снова с № 1. Не принимайте платежи. Если терминал новый, удалите пустой файл; иначе восстановите журнал из резервной копии.", "Plik dziennika {path} jest pusty: to nie jest dziennik paydesk. paydesk tworzy nowy dziennik tylko tam, gdzie nie ma pliku, aby numery paragonów nie zaczęły się przypadkiem od nr 1. Nie przyjmuj płatności. Jeśli terminal jest nowy, usuń pusty plik; w przeciwnym razie przywróć dziennik z kopii zapasowej."],
    ErrNotAJournalOther => ["{path} is a database of another program, not a paydesk journal; paydesk leaves it alone. Point [journal] path to the paydesk journal, or move this file away.", "{path} — база данных другой программы, а не журнал paydesk; paydesk её не трогает. Укажите в [journal] path журнал paydesk или уберите этот файл.", "{path} to baza danych innego programu, nie dziennik paydesk; paydesk jej nie rusza. Wskaż w [journal] path dziennik paydesk albo przenieś ten plik."],
    ErrJournalOpen => ["The journal {path} cannot be opened: {detail}", "Журнал {path} не открывается: {detail}", "Nie można otworzyć dziennika {path}: {detail}"],

    // ---- Recovery
    RecoveryTitle => ["Unfinished payments from the last run", "Незавершённые платежи с прошлого запуска", "Niedokończone płatności z poprzedniego uruchomienia"],
    RecoveryIntro => ["paydesk stopped in the middle of these payments. Answer each question; nothing is guessed.", "paydesk остановился посреди этих платежей. Ответьте на каждый вопрос — программа ничего не додумывает.", "paydesk zatrzymał się w trakcie tych płatności. Odpowiedz na każde pytanie; nic nie jest zgadywane."],
    RecoveryAskPreReceiptPrinted => ["Did pre-receipt No. {n} ({operator}, {account}, {total}) come out of the printer?", "Пречек № {n} ({operator}, {account}, {total}) вышел из принтера?", "Czy paragon wstępny nr {n} ({operator}, {account}, {total}) wyszedł z drukarki?"],
    RecoveryAskSigned => ["Did the customer sign pre-receipt No. {n} ({operator}, {account}, {total})?", "Клиент подписал пречек № {n} ({operator}, {account}, {total})?", "Czy klient podpisał paragon wstępny nr {n} ({operator}, {account}, {total})?"],
    RecoveryAskCash => ["Did you take {total} for pre-receipt No. {n} ({operator}, {account})?", "Вы приняли {total} по пречеку № {n} ({operator}, {account})?", "Czy przyjąłeś {total} za paragon wstępny nr {n} ({operator}, {account})?"],
    RecoveryAskFiscalStart => ["The cash for pre-receipt No. {n} ({operator}, {account}, {total}) is taken but no payment confirmation was printed. Print it now.", "Деньги по пречеку № {n} ({operator}, {account}, {total}) приняты, но квитанция не печаталась. Напечатайте её сейчас.", "Gotówka za paragon wstępny nr {n} ({operator}, {account}, {total}) przyjęta, ale potwierdzenie wpłaty nie zostało wydrukowane. Wydrukuj je teraz."],
    RecoveryAskRegister => ["Receipt No. {n} ({operator}, {account}, {total}): the fiscal register has not said whether it issued it. Check that it is on and connected, then ask it: paydesk finishes the payment from its answer.", "Чек № {n} ({operator}, {account}, {total}): ККТ не сообщила, выдала ли его. Проверьте, что она включена и подключена, и спросите её: paydesk завершит платёж по её ответу.", "Paragon nr {n} ({operator}, {account}, {total}): kasa fiskalna nie podała, czy go wydała. Sprawdź, czy jest włączona i podłączona, i zapytaj ją: paydesk dokończy płatność według jej odpowiedzi."],
    RecoveryAskRegisterButton => ["Ask the fiscal register", "Спросить ККТ", "Zapytaj kasę fiskalną"],
    RecoveryAskFiscalPrinted => ["Was payment confirmation No. {n} ({operator}, {account}, {total}) printed and handed over?", "Квитанция № {n} ({operator}, {account}, {total}) напечатана и выдана?", "Czy potwierdzenie wpłaty nr {n} ({operator}, {account}, {total}) zostało wydrukowane i wydane?"],
    RecoveryYesPrinted => ["Yes, it came out", "Да, вышел", "Tak, wyszedł"],
    RecoveryNoPrintAgain => ["No — print it again", "Нет — напечатать снова", "Nie — drukuj ponownie"],
    RecoveryYesSigned => ["Yes, signed — continue", "Да, подписал — продолжить", "Tak, podpisał — kontynuuj"],
    RecoveryNoVoid => ["No — void the payment", "Нет — аннулировать платёж", "Nie — unieważnij płatność"],
    RecoveryYesCash => ["Yes — continue to the cash step", "Да — перейти к приёму денег", "Tak — przejdź do przyjęcia gotówki"],
    RecoveryPrintFiscal => ["Print the payment confirmation", "Напечатать квитанцию", "Drukuj potwierdzenie wpłaty"],
    RecoveryYesHanded => ["Yes, printed and handed over", "Да, напечатан и выдан", "Tak, wydrukowany i wydany"],

    // ---- Settings
    SettingsLanguage => ["Language", "Язык", "Język"],
    SettingsSave => ["Save to the config file", "Сохранить в файл настроек", "Zapisz w pliku konfiguracji"],
    SettingsSaved => ["Saved to {path}.", "Сохранено в {path}.", "Zapisano w {path}."],
    SettingsSaveFailed => ["Could not save {path}: {detail}", "Не удалось сохранить {path}: {detail}", "Nie udało się zapisać {path}: {detail}"],
    SettingsConfigFile => ["Config file", "Файл настроек", "Plik konfiguracji"],
    SettingsShop => ["Shop", "Магазин", "Sklep"],
    SettingsPrinter => ["Printer", "Принтер", "Drukarka"],
    SettingsVirtualPrinter => ["virtual printer (on-screen preview)", "виртуальный принтер (просмотр на экране)", "drukarka wirtualna (podgląd na ekranie)"],
    PrinterProfileLabel => ["Printer model", "Модель принтера", "Model drukarki"],
    PrinterConnection => ["Connection", "Подключение", "Połączenie"],
    PrinterConnVirtual => ["Virtual (screen)", "Виртуальный (экран)", "Wirtualna (ekran)"],
    PrinterConnSerial => ["Serial port", "Последовательный порт", "Port szeregowy"],
    PrinterConnUsb => ["USB", "USB", "USB"],
    PrinterConnFile => ["Device file", "Файл устройства", "Plik urządzenia"],
    PrinterConnTcp => ["Network (TCP 9100)", "Сеть (TCP 9100)", "Sieć (TCP 9100)"],
    PrinterPort => ["Port", "Порт", "Port"],
    PrinterPortsFound => ["Ports found", "Найденные порты", "Znalezione porty"],
    PrinterUsbFound => ["USB devices found", "Найденные USB-устройства", "Znalezione urządzenia USB"],
    PrinterNoneFound => ["none found", "не найдено", "nie znaleziono"],
    PrinterUsbId => ["USB id (vendor:product)", "USB id (производитель:модель)", "USB id (producent:produkt)"],
    PrinterDeviceFile => ["Device file", "Файл устройства", "Plik urządzenia"],
    PrinterAddress => ["Address (host or host:port)", "Адрес (хост или хост:порт)", "Adres (host lub host:port)"],
    PrinterBaud => ["Speed (baud)", "Скорость (бод)", "Prędkość (bod)"],
    PrinterDataBits => ["Data bits", "Биты данных", "Bity danych"],
    PrinterParity => ["Parity", "Чётность", "Parzystość"],
    PrinterStopBits => ["Stop bits", "Стоп-биты", "Bity stopu"],
    PrinterFlow => ["Flow control", "Управление потоком", "Sterowanie przepływem"],
    PrinterOpenDrawer => ["Open the cash drawer when the cash is taken", "Открывать денежный ящик при приёме наличных", "Otwieraj szufladę przy przyjęciu gotówki"],
    PrinterNoDrawer => ["this model has no drawer port", "у этой модели нет разъёма ящика", "ten model nie ma złącza szuflady"],
    PrinterScan => ["Look for ports and USB devices", "Найти порты и USB-устройства", "Szukaj portów i urządzeń USB"],
    PrinterApply => ["Use and save these printer settings", "Применить и сохранить настройки принтера", "Użyj i zapisz ustawienia drukarki"],
    PrinterTestPage => ["Print test page", "Печать тестовой страницы", "Drukuj stronę testową"],
    PrinterCheck => ["Check status", "Проверить состояние", "Sprawdź stan"],
    PrinterStatusLabel => ["Printer status: {status}", "Состояние принтера: {status}", "Stan drukarki: {status}"],
    PrinterStatusUnknown => ["not checked yet", "ещё не проверено", "jeszcze nie sprawdzono"],
    PrinterApplied => ["Printer in use: {printer}. Saved to {path}.", "Используется принтер: {printer}. Сохранено в {path}.", "Używana drukarka: {printer}. Zapisano w {path}."],
    PrinterTestPrinted => ["Test page printed: check that every sample line shows the right letters.", "Тестовая страница напечатана: проверьте, что в каждой строке-образце верные буквы.", "Strona testowa wydrukowana: sprawdź, czy każda linia wzorcowa ma właściwe litery."],
    PrinterBrokenProfiles => ["Profiles that could not be loaded:", "Профили, которые не удалось загрузить:", "Profile, których nie udało się wczytać:"],
    PrinterProfilesFolder => ["Add a model: put its .toml file into {dir}", "Добавить модель: положите её .toml-файл в {dir}", "Dodaj model: umieść jego plik .toml w {dir}"],
    StatusPrinterProblem => ["Printer: {status}", "Принтер: {status}", "Drukarka: {status}"],
    SettingsNoConfigFile => ["none — training defaults", "нет — учебные настройки", "brak — ustawienia szkoleniowe"],

    // ---- Printed documents
    DocPreReceipt => ["PRE-RECEIPT", "ПРЕДВАРИТЕЛЬНЫЙ ЧЕК", "PARAGON WSTĘPNY"],
    DocFiscalReceipt => ["PAYMENT CONFIRMATION", "КВИТАНЦИЯ ОБ ОПЛАТЕ", "POTWIERDZENIE WPŁATY"],
    WarnNoAgentPhone => ["[shop] phone is not set: documents print no agent's phone. Set it in the config file.", "Не задан [shop] phone: на документах нет телефона платёжного агента. Укажите его в файле настроек.", "Nie ustawiono [shop] phone: dokumenty nie zawierają telefonu agenta. Ustaw go w pliku konfiguracji."],
    WarnNoOperatorPhone => ["Operators without a phone in the catalogue ({codes}): their documents print no operator's phone. Add phone = \"…\" to each.", "У операторов в каталоге нет телефона ({codes}): на их документах нет телефона оператора. Добавьте каждому phone = \"…\".", "Operatorzy bez telefonu w katalogu ({codes}): ich dokumenty nie zawierają telefonu operatora. Dodaj każdemu phone = \"…\"."],
    DocRefundConfirmation => ["REFUND CONFIRMATION", "КВИТАНЦИЯ О ВОЗВРАТЕ", "POTWIERDZENIE ZWROTU"],
    DocOperation => ["Payment for {operator} services, account {account}", "Оплата услуг {operator} по счёту {account}", "Opłata za usługi {operator}, konto {account}"],
    DocAgentPhone => ["Agent's phone", "Телефон агента", "Telefon agenta"],
    DocOperatorPhone => ["Operator's phone", "Телефон оператора", "Telefon operatora"],
    DocNumber => ["No. {n}", "№ {n}", "nr {n}"],
    DocCopy => ["COPY", "КОПИЯ", "KOPIA"],
    DocTraining => ["TRAINING — NOT A FISCAL DOCUMENT", "УЧЕБНЫЙ — НЕ ФИСКАЛЬНЫЙ ДОКУМЕНТ", "SZKOLENIOWY — NIE JEST DOKUMENTEM FISKALNYM"],
    DocIncome => ["Payment received", "Приём платежа", "Przyjęcie wpłaty"],
    DocRefundIncome => ["Refund of the payment", "Возврат платежа", "Zwrot wpłaty"],
    DocOriginalReceipt => ["Original confirmation No.", "К квитанции №", "Do potwierdzenia nr"],
    DocRefunded => ["RETURNED IN CASH", "ВЫДАНО НАЛИЧНЫМИ", "ZWRÓCONO GOTÓWKĄ"],
    DocApprovedBy => ["Approved by", "Подтвердил", "Zatwierdził"],
    DocTaxId => ["Tax ID {id}", "ИНН {id}", "NIP {id}"],
    DocPaymentAgent => ["PAYMENT AGENT", "ПЛАТЁЖНЫЙ АГЕНТ", "AGENT ROZLICZENIOWY"],
    DocSupplier => ["Supplier", "Поставщик", "Dostawca"],
    DocSupplierTaxId => ["Supplier tax ID", "ИНН поставщика", "NIP dostawcy"],
    DocOperator => ["Operator", "Оператор", "Operator"],
    DocAccount => ["Account", "Номер счёта", "Numer konta"],
    DocAmount => ["Payment amount", "Сумма платежа", "Kwota płatności"],
    DocFee => ["Fee", "Комиссия", "Prowizja"],
    DocTotal => ["TOTAL", "ИТОГ", "RAZEM"],
    DocTotalToPay => ["TOTAL TO PAY", "ИТОГО К ОПЛАТЕ", "RAZEM DO ZAPŁATY"],
    DocCash => ["Cash", "Наличными", "Gotówka"],
    DocChange => ["Change", "Сдача", "Reszta"],
    DocTerminal => ["Terminal", "Терминал", "Terminal"],
    DocShift => ["Shift", "Смена", "Zmiana"],
    DocReceiptNo => ["Confirmation No.", "Квитанция №", "Potwierdzenie nr"],
    DocDateTime => ["Date and time", "Дата и время", "Data i godzina"],
    DocCashier => ["Cashier", "Кассир", "Kasjer"],
    DocPaymentId => ["Payment ID", "ID платежа", "ID płatności"],
    DocCheckedByCustomer => ["Payment details checked by the customer.", "Данные платежа проверены клиентом.", "Dane płatności sprawdzone przez klienta."],
    DocSignature => ["Customer's signature", "Подпись клиента", "Podpis klienta"],
    DocNotAReceipt => ["This is not a receipt for payment.", "Не является документом об оплате.", "To nie jest dowód zapłaty."],
    DocThanks => ["Thank you!", "Спасибо!", "Dziękujemy!"],
    CashInTitle => ["CASH IN", "ВНЕСЕНИЕ НАЛИЧНЫХ", "WPŁATA GOTÓWKI"],
    CashOutTitle => ["CASH OUT", "ВЫПЛАТА НАЛИЧНЫХ", "WYPŁATA GOTÓWKI"],
    CashCollectionTitle => ["CASH COLLECTION", "ИНКАССАЦИЯ", "INKASO"],
    CashSlipNumber => ["Slip No. {n}", "Документ № {n}", "Dokument nr {n}"],
    CashAmount => ["Amount", "Сумма", "Kwota"],
    CashReason => ["Reason", "Основание", "Powód"],
    CashBag => ["Bag / document No.", "Сумка / документ №", "Worek / dokument nr"],
    CashBankRef => ["Bank reference", "Банковская ссылка", "Referencja bankowa"],
    CashSignedBrought => ["Cash brought by", "Внёс", "Wpłacił"],
    CashSignedTook => ["Cash received by", "Получил", "Odebrał"],
    CashSignedCollector => ["Collector", "Инкассатор", "Konwojent"],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<String> {
        let mut v: Vec<String> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_text_is_translated_with_the_same_placeholders() {
        for t in T::ALL {
            let en = t.text(Lang::En);
            for lang in Lang::ALL {
                let s = t.text(lang);
                assert!(!s.trim().is_empty(), "{t:?} is empty in {lang:?}");
                assert_eq!(placeholders(s), placeholders(en), "{t:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn russian_and_polish_texts_are_not_english_copies() {
        // A few texts may legitimately be the same word (e.g. "Operator", "Terminal").
        let same: Vec<_> = T::ALL
            .iter()
            .filter(|t| t.text(Lang::Ru) == t.text(Lang::En))
            .collect();
        assert!(same.len() <= 2, "untranslated Russian texts: {same:?}");
    }

    #[test]
    fn tab_titles_differ_in_every_language() {
        let tabs = [
            T::TabCashier,
            T::TabReports,
            T::TabCash,
            T::TabSupport,
            T::TabSettings,
        ];
        for lang in Lang::ALL {
            let mut titles: Vec<_> = tabs.iter().map(|t| t.text(lang)).collect();
            titles.sort_unstable();
            titles.dedup();
            assert_eq!(titles.len(), tabs.len(), "{lang:?}: {titles:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        let s = Lang::Ru.fill(T::DocNumber, &[("n", &17)]);
        assert_eq!(s, "№ 17");
    }

    #[test]
    fn money_and_dates_per_language() {
        let m = Money::from_minor(123_450).unwrap();
        assert_eq!(Lang::Ru.money(m), "1\u{a0}234,50");
        assert_eq!(Lang::En.money(m), "1,234.50");
        let rub = Currency::default();
        assert_eq!(Lang::Pl.money_with(m, &rub), "1\u{a0}234,50\u{a0}₽");
        let t = chrono_tz::Europe::Moscow
            .with_ymd_and_hms(2026, 11, 22, 19, 5, 0)
            .unwrap();
        assert_eq!(Lang::Ru.date_time(&t), "22.11.2026 19:05");
        assert_eq!(Lang::En.date_time(&t), "2026-11-22 19:05");
    }

    #[test]
    fn locale_detection() {
        assert_eq!(Lang::from_locale("ru_RU.UTF-8"), Lang::Ru);
        assert_eq!(Lang::from_locale("pl_PL"), Lang::Pl);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
        assert_eq!("PL".parse::<Lang>(), Ok(Lang::Pl));
        assert!("de".parse::<Lang>().is_err());
    }
}
