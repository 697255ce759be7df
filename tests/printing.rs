//! Every shipped printer profile: text round-trips through its code pages, and a
//! document lays out within its width. Bytes are decoded back, never compared by eye.

use paydesk::domain::receipt::{Block, Document, DocumentKind};
use paydesk::printing::ReceiptPrinter;
use paydesk::printing::codepage::{FALLBACKS, printable};
use paydesk::printing::decode::{PaperItem, decode};
use paydesk::printing::escpos::encode;
use paydesk::printing::layout::{Line, Style};
use paydesk::printing::profile::PrinterProfile;
use paydesk::printing::transport::VirtualPrinter;

const RUSSIAN_UPPER: &str = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ";
const RUSSIAN_LOWER: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
const POLISH_UPPER: &str = "AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻ";
const POLISH_LOWER: &str = "aąbcćdeęfghijklłmnńoóprsśtuwyzźż";
/// What our documents print besides letters: number sign, guillemets, the
/// non-breaking hyphen, currency signs.
const SIGNS: &str = "№ «» ‑ ₽ zł € 1 234,50";

fn line(text: &str) -> Line {
    Line {
        text: text.into(),
        style: Style::default(),
    }
}

#[test]
fn every_letter_and_sign_round_trips_on_every_profile() {
    for profile in PrinterProfile::all_built_in() {
        let pages = profile.pages();
        for text in [
            RUSSIAN_UPPER,
            RUSSIAN_LOWER,
            POLISH_UPPER,
            POLISH_LOWER,
            SIGNS,
        ] {
            let shown = printable(text, &pages);
            let bytes = encode(&profile, &[line(&shown)]).unwrap();
            let out = decode(&bytes, &profile).unwrap();
            let printed = &out.lines().next().unwrap().text;
            assert_eq!(printed, &shown, "{}: {text}", profile.id);
            // Letters must come out as themselves on every shipped model, never as a
            // fallback and never as another glyph.
            if text != SIGNS {
                assert_eq!(printed, text, "{}", profile.id);
            }
            // Anything changed is a documented fallback.
            for want in text.chars() {
                let got = printable(&want.to_string(), &pages);
                if got != want.to_string() {
                    let fallback = FALLBACKS
                        .iter()
                        .find(|(c, _)| *c == want)
                        .unwrap_or_else(|| panic!("{}: {want} has no fallback", profile.id));
                    assert!(
                        fallback.1.contains(&got.as_str()),
                        "{}: {want} printed as {got}",
                        profile.id
                    );
                }
            }
        }
        // The signs paydesk prints: № is in CP866 on every model; ‑ is a plain hyphen;
        // ₽ is spelled out.
        let signs = printable(SIGNS, &pages);
        assert!(
            signs.starts_with("№ «» - руб. zł"),
            "{}: {signs}",
            profile.id
        );
    }
}

#[test]
fn code_page_numbers_come_from_the_profile() {
    // The same Russian word selects CP866 with each model's own ESC t number.
    for profile in PrinterProfile::all_built_in() {
        let bytes = encode(&profile, &[line("Итого")]).unwrap();
        let selects: Vec<u8> = bytes
            .windows(3)
            .filter(|w| w[0] == 0x1B && w[1] == b't')
            .map(|w| w[2])
            .collect();
        let cp866 = profile.code_pages[&paydesk::printing::codepage::CodePage::CP866];
        assert_eq!(selects, vec![cp866], "{}", profile.id);
    }
}

fn long_receipt() -> Document {
    Document {
        kind: DocumentKind::FiscalReceipt,
        number: 17,
        blocks: vec![
            Block::Heading("КВИТАНЦИЯ ОБ ОПЛАТЕ".into()),
            Block::Centered(
                "Общество с ограниченной ответственностью «Городская телефонная сеть Северо-Западного округа»"
                    .into(),
            ),
            Block::Text(
                "Адрес: 191186, Санкт-Петербург, Невский проспект, дом 28, литера А, помещение 7-Н"
                    .into(),
            ),
            Block::Field {
                label: "Поставщик".into(),
                value: "Przedsiębiorstwo Wodociągów i Kanalizacji w Łodzi sp. z o.o.".into(),
            },
            Block::Field {
                label: "Сумма платежа".into(),
                value: "1 234 567,89 ₽".into(),
            },
            Block::Emphasis {
                label: "ИТОГО".into(),
                value: "1 234 567,89 ₽".into(),
            },
            Block::Rule,
        ],
    }
}

#[test]
fn documents_fit_every_profile_width_and_wrap_on_words() {
    for profile in PrinterProfile::all_built_in() {
        let mut printer = ReceiptPrinter::new(
            profile.clone(),
            Box::new(VirtualPrinter::new(profile.clone(), None)),
        );
        let printed = printer.print(&long_receipt()).unwrap();
        let columns = profile.columns();
        let mut words = String::new();
        for l in printed.printout.lines() {
            let used = l.text.chars().count() * l.size.width_factor();
            assert!(
                used <= columns,
                "{}: {used} > {columns}: {:?}",
                profile.id,
                l.text
            );
            words.push_str(&l.text);
            words.push(' ');
        }
        // Nothing cut off: every word of the long texts is on paper, whole.
        for word in [
            "ответственностью",
            "«Городская",
            "Северо-Западного",
            "округа»",
            "помещение",
            "7-Н",
            "Kanalizacji",
            "Łodzi",
        ] {
            assert!(
                words.split_whitespace().any(|w| w == word),
                "{}: {word} is missing or broken:\n{}",
                profile.id,
                printed.printout.text()
            );
        }
        // Amounts are right-aligned: the amount ends exactly at the last column.
        let amount_line = printed
            .printout
            .lines()
            .find(|l| l.text.starts_with("Сумма платежа"))
            .unwrap();
        assert!(amount_line.text.ends_with("1 234 567,89 руб."));
        assert_eq!(amount_line.text.chars().count(), columns, "{}", profile.id);
        // The job ends as the model wants: cut where it has a cutter.
        let cut = printed
            .printout
            .items
            .iter()
            .any(|i| matches!(i, PaperItem::Cut { .. }));
        assert_eq!(
            cut,
            profile.cut != paydesk::printing::profile::CutKind::None,
            "{}",
            profile.id
        );
    }
}
