//! ESC/POS bytes → what the paper shows. Used by the virtual printer (on-screen
//! preview) and by tests, so both look at the bytes a real printer would get.
//!
//! The decoder is strict: a command it does not know is an error, so an unexpected
//! byte in a receipt fails a test instead of printing garbage in a shop.

use super::codepage::CodePage;
use super::layout::{Align, Size};
use super::profile::PrinterProfile;

/// One line as it comes out of the printer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedLine {
    /// The characters, decoded with the code page that was selected.
    pub text: String,
    /// Bold at the start of the line.
    pub bold: bool,
    /// Underlined at the start of the line (`ESC - n`).
    pub underline: bool,
    /// Character size.
    pub size: Size,
    /// Justification.
    pub align: Align,
}

/// Something that comes out of the printer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaperItem {
    /// A printed line.
    Line(PrintedLine),
    /// The paper was cut.
    Cut {
        /// A partial cut.
        partial: bool,
    },
    /// A QR code (`GS ( k`), shown as a marked block with its content.
    Qr {
        /// What it encodes.
        data: String,
        /// Module size in dots (`GS ( k … 67 n`).
        module: u8,
    },
    /// The cash drawer was kicked.
    DrawerKick {
        /// The connector pin (0 = pin 2, 1 = pin 5).
        pin: u8,
    },
}

/// The decoded output of one or more jobs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printout {
    /// Top to bottom.
    pub items: Vec<PaperItem>,
    /// Characters per line of the profile (for rendering alignment).
    pub columns: usize,
    /// Printable width of the profile in dots (for the paper image).
    pub dots: u32,
    /// How many bytes were decoded.
    pub bytes: usize,
}

/// Why bytes could not be decoded.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// An escape sequence the decoder does not know.
    #[error("unknown command {bytes:02X?} at byte {offset}")]
    UnknownCommand {
        /// Where.
        offset: usize,
        /// The first bytes of it.
        bytes: Vec<u8>,
    },
    /// A command cut short by the end of the data.
    #[error("command at byte {offset} is cut short")]
    Truncated {
        /// Where.
        offset: usize,
    },
    /// `ESC t n` for a number the profile does not list.
    #[error("ESC t {n} selects a code page this printer profile does not list")]
    UnknownCodePage {
        /// The number.
        n: u8,
    },
    /// A byte the selected code page leaves undefined, or a stray control byte.
    #[error("byte {byte:#04x} at {offset} is not printable in {page}")]
    Unprintable {
        /// The byte.
        byte: u8,
        /// Where.
        offset: usize,
        /// The code page selected.
        page: CodePage,
    },
}

struct State {
    page: CodePage,
    bold: bool,
    underline: bool,
    qr_data: Option<String>,
    qr_module: u8,
    size: Size,
    align: Align,
    line: String,
    line_bold: Option<bool>,
}

impl State {
    fn reset() -> State {
        State {
            page: CodePage::PC437,
            bold: false,
            underline: false,
            qr_data: None,
            qr_module: 3,
            size: Size::Normal,
            align: Align::Left,
            line: String::new(),
            line_bold: None,
        }
    }
}

/// Decodes bytes a printer with `profile` would receive.
pub fn decode(bytes: &[u8], profile: &PrinterProfile) -> Result<Printout, DecodeError> {
    let mut out = Printout {
        items: Vec::new(),
        columns: profile.columns(),
        dots: u32::from(profile.printable_dots),
        bytes: bytes.len(),
    };
    let mut st = State::reset();
    let mut i = 0;
    let arg = |i: usize, k: usize| -> Result<u8, DecodeError> {
        bytes
            .get(i + k)
            .copied()
            .ok_or(DecodeError::Truncated { offset: i })
    };
    let flush = |st: &mut State, out: &mut Printout| {
        out.items.push(PaperItem::Line(PrintedLine {
            text: std::mem::take(&mut st.line),
            bold: st.line_bold.take().unwrap_or(st.bold),
            underline: st.underline,
            size: st.size,
            align: st.align,
        }));
    };
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                flush(&mut st, &mut out);
                i += 1;
            }
            0x1B => {
                let c = arg(i, 1)?;
                match c {
                    b'@' => {
                        st = State::reset();
                        i += 2;
                    }
                    b't' => {
                        let n = arg(i, 2)?;
                        st.page = profile
                            .page_for_number(n)
                            .ok_or(DecodeError::UnknownCodePage { n })?;
                        i += 3;
                    }
                    b'E' => {
                        st.bold = arg(i, 2)? & 1 == 1;
                        i += 3;
                    }
                    b'-' => {
                        st.underline = matches!(arg(i, 2)?, 1 | 2 | b'1' | b'2');
                        i += 3;
                    }
                    b'a' => {
                        st.align = match arg(i, 2)? {
                            0 | b'0' => Align::Left,
                            1 | b'1' => Align::Center,
                            _ => {
                                return Err(DecodeError::UnknownCommand {
                                    offset: i,
                                    bytes: bytes[i..i + 3].to_vec(),
                                });
                            }
                        };
                        i += 3;
                    }
                    b'd' => {
                        if !st.line.is_empty() {
                            flush(&mut st, &mut out);
                        }
                        for _ in 0..arg(i, 2)? {
                            flush(&mut st, &mut out);
                        }
                        i += 3;
                    }
                    b'p' => {
                        let pin = arg(i, 2)?;
                        arg(i, 4)?;
                        out.items.push(PaperItem::DrawerKick { pin });
                        i += 5;
                    }
                    _ => {
                        return Err(DecodeError::UnknownCommand {
                            offset: i,
                            bytes: bytes[i..(i + 3).min(bytes.len())].to_vec(),
                        });
                    }
                }
            }
            0x1D => {
                let c = arg(i, 1)?;
                match c {
                    b'!' => {
                        let n = arg(i, 2)?;
                        st.size = match (n >> 4, n & 0x0F) {
                            (0, 0) => Size::Normal,
                            (0, 1) => Size::Tall,
                            (1, 1) => Size::Large,
                            _ => {
                                return Err(DecodeError::UnknownCommand {
                                    offset: i,
                                    bytes: vec![0x1D, b'!', n],
                                });
                            }
                        };
                        i += 3;
                    }
                    b'(' => {
                        // GS ( k pL pH cn fn …: length-prefixed 2D code functions.
                        if arg(i, 2)? != b'k' {
                            return Err(DecodeError::UnknownCommand {
                                offset: i,
                                bytes: bytes[i..i + 3].to_vec(),
                            });
                        }
                        let n = usize::from(arg(i, 3)?) + 256 * usize::from(arg(i, 4)?);
                        let end = i + 5 + n;
                        if end > bytes.len() {
                            return Err(DecodeError::Truncated { offset: i });
                        }
                        match &bytes[i + 5..end] {
                            // QR: store the data.
                            [0x31, 0x50, 0x30, data @ ..] => {
                                st.qr_data = Some(String::from_utf8_lossy(data).into_owned());
                            }
                            // QR: module size.
                            [0x31, 0x43, size] => st.qr_module = *size,
                            // QR: print what was stored.
                            [0x31, 0x51, 0x30] => {
                                if !st.line.is_empty() {
                                    flush(&mut st, &mut out);
                                }
                                out.items.push(PaperItem::Qr {
                                    data: st.qr_data.take().unwrap_or_default(),
                                    module: st.qr_module,
                                });
                            }
                            // QR: model, error correction.
                            [0x31, 0x41, ..] | [0x31, 0x45, _] => {}
                            _ => {
                                return Err(DecodeError::UnknownCommand {
                                    offset: i,
                                    bytes: bytes[i..end.min(i + 8)].to_vec(),
                                });
                            }
                        }
                        i = end;
                    }
                    b'V' => {
                        // Epson: m = 0/48 full, 1/49 partial (3 bytes); m = 65 full,
                        // 66 partial after feeding n units (4 bytes).
                        let m = arg(i, 2)?;
                        let (partial, len) = match m {
                            0 | 48 => (false, 3),
                            1 | 49 => (true, 3),
                            65 | 66 => {
                                arg(i, 3)?;
                                (m == 66, 4)
                            }
                            _ => {
                                return Err(DecodeError::UnknownCommand {
                                    offset: i,
                                    bytes: vec![0x1D, b'V', m],
                                });
                            }
                        };
                        if !st.line.is_empty() {
                            flush(&mut st, &mut out);
                        }
                        out.items.push(PaperItem::Cut { partial });
                        i += len;
                    }
                    _ => {
                        return Err(DecodeError::UnknownCommand {
                            offset: i,
                            bytes: bytes[i..(i + 3).min(bytes.len())].to_vec(),
                        });
                    }
                }
            }
            0x1C => {
                // FS . (cancel Kanji mode): no visible effect.
                if arg(i, 1)? != b'.' {
                    return Err(DecodeError::UnknownCommand {
                        offset: i,
                        bytes: bytes[i..i + 2].to_vec(),
                    });
                }
                i += 2;
            }
            _ => {
                let c = st.page.decode(b).ok_or(DecodeError::Unprintable {
                    byte: b,
                    offset: i,
                    page: st.page,
                })?;
                if st.line.is_empty() {
                    st.line_bold = Some(st.bold);
                }
                st.line.push(c);
                i += 1;
            }
        }
    }
    if !st.line.is_empty() {
        flush(&mut st, &mut out);
    }
    Ok(out)
}

impl Printout {
    /// The lines' texts only, in order (no alignment padding).
    pub fn lines(&self) -> impl Iterator<Item = &PrintedLine> {
        self.items.iter().filter_map(|i| match i {
            PaperItem::Line(l) => Some(l),
            _ => None,
        })
    }

    /// The paper as plain text: centred lines padded as the printer would centre
    /// them, large letters spaced out, a cut shown as a line of `~`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for item in &self.items {
            match item {
                PaperItem::Line(l) => {
                    let factor = l.size.width_factor();
                    let shown: String = if factor == 2 {
                        l.text
                            .chars()
                            .flat_map(|c| [c, ' '])
                            .collect::<String>()
                            .trim_end()
                            .to_string()
                    } else {
                        l.text.clone()
                    };
                    if l.align == Align::Center {
                        let used = l.text.chars().count() * factor;
                        let pad = self.columns.saturating_sub(used) / 2;
                        s.push_str(&" ".repeat(pad));
                    }
                    s.push_str(shown.trim_end());
                    s.push('\n');
                }
                PaperItem::Cut { .. } => {
                    s.push_str(&"~".repeat(self.columns));
                    s.push('\n');
                }
                PaperItem::Qr { data, .. } => {
                    let shown = format!("[QR: {data}]");
                    let pad = self.columns.saturating_sub(shown.chars().count()) / 2;
                    s.push_str(&" ".repeat(pad));
                    s.push_str(&shown);
                    s.push('\n');
                }
                PaperItem::DrawerKick { .. } => {}
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::escpos::encode;
    use crate::layout::{Line, Style};

    fn profile() -> PrinterProfile {
        PrinterProfile::built_in("generic-80mm").unwrap()
    }

    #[test]
    fn hand_made_bytes_decode() {
        // ESC @, ESC t 17 (CP866), "Привет", LF, ESC t 18 (CP852), "Łódź", LF, GS V 1.
        let mut bytes = vec![0x1B, b'@', 0x1B, b't', 17];
        bytes.extend([0x8F, 0xE0, 0xA8, 0xA2, 0xA5, 0xE2, b'\n']);
        bytes.extend([0x1B, b't', 18, 0x9D, 0xA2, 0x64, 0xAB, b'\n']);
        bytes.extend([0x1D, b'V', 66, 0]);
        let out = decode(&bytes, &profile()).unwrap();
        let texts: Vec<&str> = out.lines().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Привет", "Łódź"]);
        assert_eq!(out.items.last(), Some(&PaperItem::Cut { partial: true }));
    }

    #[test]
    fn qr_codes_and_underline_decode() {
        // ESC - 1 "U" LF ESC - 0, then a QR the escpos crate encodes.
        let mut bytes = vec![0x1B, b'@', 0x1B, b'-', 1, b'U', b'\n', 0x1B, b'-', 0];
        let p = profile();
        let mut job = crate::escpos::JobEncoder::new(&p).unwrap();
        job.qr("paydesk:T-01:17:abc").unwrap();
        let qr = job.finish().unwrap();
        bytes.extend_from_slice(&qr[2..]);
        let out = decode(&bytes, &p).unwrap();
        let first = out.lines().next().unwrap();
        assert!(first.underline && first.text == "U");
        assert!(out.items.contains(&PaperItem::Qr {
            data: "paydesk:T-01:17:abc".into(),
            module: crate::escpos::QR_MODULE_DOTS,
        }));
        assert!(out.text().contains("[QR: paydesk:T-01:17:abc]"));
        // A 2D-code function the decoder does not know is refused.
        let unknown = [0x1D, b'(', b'k', 3, 0, 0x30, 0x41, 0];
        assert!(matches!(
            decode(&unknown, &p),
            Err(DecodeError::UnknownCommand { .. })
        ));
    }

    #[test]
    fn errors_table() {
        let cases: &[(&[u8], DecodeError)] = &[
            (
                &[0x1B, b'Z', 0],
                DecodeError::UnknownCommand {
                    offset: 0,
                    bytes: vec![0x1B, b'Z', 0],
                },
            ),
            (&[0x1B, b't'], DecodeError::Truncated { offset: 0 }),
            (&[0x1B, b't', 99], DecodeError::UnknownCodePage { n: 99 }),
            (
                &[b'a', 0x07],
                DecodeError::Unprintable {
                    byte: 7,
                    offset: 1,
                    page: CodePage::PC437,
                },
            ),
            // UTF-8 "П" in CP866 decodes to box-drawing, but 0x9F is fine; a raw UTF-8
            // lead byte after selecting WPC1251 hits the undefined 0x98 position.
            (
                &[0x1B, b't', 46, 0x98],
                DecodeError::Unprintable {
                    byte: 0x98,
                    offset: 3,
                    page: CodePage::WPC1251,
                },
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(
                decode(bytes, &profile()).unwrap_err(),
                *expected,
                "{bytes:02X?}"
            );
        }
    }

    #[test]
    fn encode_decode_round_trip_keeps_text_and_style() {
        let p = profile();
        let lines = vec![
            Line {
                text: "ПЛАТЁЖНЫЙ АГЕНТ".into(),
                style: Style {
                    bold: true,
                    size: Size::Large,
                    align: Align::Center,
                },
            },
            Line {
                text: "Zażółć gęślą jaźń".into(),
                style: Style::default(),
            },
            Line {
                text: "№ 17".into(),
                style: Style {
                    bold: false,
                    size: Size::Tall,
                    align: Align::Left,
                },
            },
        ];
        let out = decode(&encode(&p, &lines).unwrap(), &p).unwrap();
        let printed: Vec<(String, bool, Size, Align)> = out
            .lines()
            .take(3)
            .map(|l| (l.text.clone(), l.bold, l.size, l.align))
            .collect();
        let expected: Vec<(String, bool, Size, Align)> = lines
            .iter()
            .map(|l| (l.text.clone(), l.style.bold, l.style.size, l.style.align))
            .collect();
        assert_eq!(printed, expected);
        assert!(
            out.text().starts_with(&" ".repeat(9)),
            "centred large title:\n{}",
            out.text()
        );
    }
}
