//! Text for the device: CP866 for the fiscal storage's TLVs, Windows-1251 for the
//! protocol's own strings (item names, printed lines — «Протокол ККТ» v1.17 p. 9:
//! "коды WIN1251"). A character the page lacks becomes '?'.

use paydesk_printing::codepage::CodePage;

fn encode(s: &str, page: CodePage) -> Vec<u8> {
    s.chars()
        .map(|c| page.encode(c).or_else(|| fold(c)).unwrap_or(b'?'))
        .collect()
}

/// Typographic marks a DOS page lacks, as their plain forms (a supplier's name such
/// as ПАО «МТС» keeps its quotes).
fn fold(c: char) -> Option<u8> {
    match c {
        '«' | '»' | '„' | '“' | '”' => Some(b'"'),
        '‘' | '’' => Some(b'\''),
        '–' | '—' => Some(b'-'),
        _ => None,
    }
}

fn decode(bytes: &[u8], page: CodePage) -> String {
    bytes
        .iter()
        .map(|b| page.decode(*b).unwrap_or('?'))
        .collect()
}

/// `s` in CP866.
pub fn cp866(s: &str) -> Vec<u8> {
    encode(s, CodePage::CP866)
}

/// CP866 bytes as text.
pub fn from_cp866(b: &[u8]) -> String {
    decode(b, CodePage::CP866)
}

/// `s` in Windows-1251.
pub fn win1251(s: &str) -> Vec<u8> {
    encode(s, CodePage::WPC1251)
}

/// Windows-1251 bytes as text (trailing zero padding dropped).
pub fn from_win1251(b: &[u8]) -> String {
    let end = b.iter().rposition(|x| *x != 0).map_or(0, |i| i + 1);
    decode(&b[..end], CodePage::WPC1251)
}
