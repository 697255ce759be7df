//! Single-byte code pages and the printable-text fallback.
//!
//! Printers never get UTF-8: text is first made printable for the profile's code
//! pages ([`printable`]: characters no code page has are transliterated, `?` as the
//! last resort), laid out, then encoded byte by byte ([`CodePage::encode`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::codepage_tables as tables;

/// A code page a receipt printer can select with `ESC t n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CodePage {
    /// DOS Cyrillic (Russian).
    CP866,
    /// DOS Latin-2 (Polish).
    CP852,
    /// Windows Cyrillic.
    WPC1251,
    /// Windows Central European.
    WPC1250,
    /// The US default most printers start in.
    PC437,
}

impl CodePage {
    /// Every code page, in the order the encoder prefers them when it must switch:
    /// DOS pages first (the widest printer support), then Windows pages.
    pub const PREFERENCE: [CodePage; 5] = [
        CodePage::CP866,
        CodePage::CP852,
        CodePage::WPC1251,
        CodePage::WPC1250,
        CodePage::PC437,
    ];

    fn table(self) -> &'static [char; 128] {
        match self {
            CodePage::CP866 => &tables::CP866,
            CodePage::CP852 => &tables::CP852,
            CodePage::WPC1251 => &tables::WPC1251,
            CodePage::WPC1250 => &tables::WPC1250,
            CodePage::PC437 => &tables::PC437,
        }
    }

    fn reverse(self) -> &'static HashMap<char, u8> {
        static MAPS: OnceLock<[HashMap<char, u8>; 5]> = OnceLock::new();
        let maps = MAPS.get_or_init(|| {
            CodePage::PREFERENCE.map(|cp| {
                cp.table()
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c != '\0')
                    .map(|(i, c)| (*c, 0x80 + i as u8))
                    .collect()
            })
        });
        let i = CodePage::PREFERENCE
            .iter()
            .position(|c| *c == self)
            .expect("every code page is in PREFERENCE");
        &maps[i]
    }

    /// The byte for a character, if this code page has it. Printable ASCII maps to
    /// itself in every code page; control characters are never encoded.
    pub fn encode(self, c: char) -> Option<u8> {
        match c {
            ' '..='~' => Some(c as u8),
            _ => self.reverse().get(&c).copied(),
        }
    }

    /// The character a printer shows for a byte in this code page (`None` for
    /// control bytes and undefined positions).
    pub fn decode(self, b: u8) -> Option<char> {
        match b {
            0x20..=0x7E => Some(b as char),
            0x80..=0xFF => Some(self.table()[usize::from(b - 0x80)]).filter(|c| *c != '\0'),
            _ => None,
        }
    }

    /// The name used in printer profiles.
    pub fn name(self) -> &'static str {
        match self {
            CodePage::CP866 => "CP866",
            CodePage::CP852 => "CP852",
            CodePage::WPC1251 => "WPC1251",
            CodePage::WPC1250 => "WPC1250",
            CodePage::PC437 => "PC437",
        }
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Replacements for characters that a profile's code pages may lack, tried in
/// order; the first whose characters are all printable wins. `?` is the last resort.
///
/// | char | fallbacks |
/// |---|---|
/// | `₽` | `руб.`, `RUB` |
/// | `€` | `EUR` |
/// | `₸` | `тг`, `KZT` |
/// | `№` | `N` |
/// | `«` `»` `„` `“` `”` | `"` |
/// | `‘` `’` | `'` |
/// | `–` `—` `‑` `−` | `-` |
/// | `…` | `...` |
/// | no-break and narrow spaces | ` ` |
/// | `×` | `x` |
/// | `Ё` `ё` | `Е` `е` |
pub const FALLBACKS: &[(char, &[&str])] = &[
    ('₽', &["руб.", "RUB"]),
    ('€', &["EUR"]),
    ('₸', &["тг", "KZT"]),
    ('№', &["N"]),
    ('«', &["\""]),
    ('»', &["\""]),
    ('„', &["\""]),
    ('“', &["\""]),
    ('”', &["\""]),
    ('‘', &["'"]),
    ('’', &["'"]),
    ('–', &["-"]),
    ('—', &["-"]),
    ('\u{2011}', &["-"]),
    ('−', &["-"]),
    ('…', &["..."]),
    ('\u{00A0}', &[" "]),
    ('\u{202F}', &[" "]),
    ('\u{2009}', &[" "]),
    ('×', &["x"]),
    ('Ё', &["Е"]),
    ('ё', &["е"]),
];

/// True when at least one of `pages` can print `c`.
pub fn can_print(c: char, pages: &[CodePage]) -> bool {
    matches!(c, ' '..='~') || pages.iter().any(|p| p.encode(c).is_some())
}

/// `text` with every character a printer with `pages` can print: characters it
/// lacks are replaced by their [`FALLBACKS`] or `?`. No-break spaces always become
/// plain spaces (layout handles spacing), tabs and newlines become spaces.
pub fn printable(text: &str, pages: &[CodePage]) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\t' | '\n' | '\r' | '\u{00A0}' | '\u{202F}' | '\u{2009}' => ' ',
            c => c,
        };
        if can_print(c, pages) {
            out.push(c);
            continue;
        }
        let replacement = FALLBACKS
            .iter()
            .find(|(from, _)| *from == c)
            .and_then(|(_, options)| {
                options
                    .iter()
                    .find(|o| o.chars().all(|oc| can_print(oc, pages)))
            });
        match replacement {
            Some(r) => out.push_str(r),
            None => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUSSIAN: &str = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя";
    const POLISH: &str = "AĄBCĆDEĘFGHIJKLŁMNŃOÓPRSŚTUWYZŹŻaąbcćdeęfghijklłmnńoóprsśtuwyzźż";

    #[test]
    fn russian_round_trips_through_cp866_and_1251() {
        for cp in [CodePage::CP866, CodePage::WPC1251] {
            for c in RUSSIAN.chars() {
                let b = cp.encode(c).unwrap_or_else(|| panic!("{cp} lacks {c}"));
                assert!(b >= 0x80, "{c} must not be ASCII");
                assert_eq!(cp.decode(b), Some(c), "{cp} {c}");
            }
        }
        assert_eq!(CodePage::CP866.encode('№'), Some(0xFC));
    }

    #[test]
    fn polish_round_trips_through_cp852_and_1250() {
        for cp in [CodePage::CP852, CodePage::WPC1250] {
            for c in POLISH.chars() {
                let b = cp.encode(c).unwrap_or_else(|| panic!("{cp} lacks {c}"));
                assert_eq!(cp.decode(b), Some(c), "{cp} {c}");
            }
        }
    }

    #[test]
    fn hyphen_is_ascii_in_every_code_page() {
        // The escpos crate sends '-' as a soft hyphen in WPC125x; we must not.
        for cp in CodePage::PREFERENCE {
            assert_eq!(cp.encode('-'), Some(b'-'));
            assert_eq!(cp.encode('\n'), None);
        }
    }

    #[test]
    fn printable_fallback_table() {
        let ru = [CodePage::CP866, CodePage::PC437];
        let pl = [CodePage::CP852, CodePage::PC437];
        let ascii = [CodePage::PC437];
        let cases: &[(&[CodePage], &str, &str)] = &[
            (&ru, "100,00 ₽", "100,00 руб."),
            (&ascii, "100,00 ₽", "100,00 RUB"),
            (&pl, "100,00 ₽", "100,00 RUB"),
            (&ru, "№ 5", "№ 5"),
            (&pl, "№ 5", "N 5"),
            (&ru, "ООО «Ромашка»", "ООО «Ромашка»"), // PC437 has « and »
            (&[CodePage::CP866], "ООО «Ромашка»", "ООО \"Ромашка\""),
            (&pl, "«Żabka»", "«Żabka»"),
            (&ru, "a—b…", "a-b..."),
            (&ru, "1\u{a0}234", "1 234"),
            (&ru, "Ёлка", "Ёлка"),
            (&pl, "Ёлка", "????"),
            (&ru, "日本", "??"),
            (&ru, "€5", "EUR5"),
        ];
        for (pages, input, expected) in cases {
            assert_eq!(printable(input, pages), *expected, "{input:?} on {pages:?}");
        }
    }
}
