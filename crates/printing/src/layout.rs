//! Lays a [`Document`] out into lines for a paper width, once, before encoding.
//!
//! All text is first made printable for the profile ([`printable`]), so one
//! character is one column. Long labels and names wrap on word boundaries, values stay
//! right-aligned, nothing is cut off: a word longer than the line is split.

use crate::domain::receipt::{Block, Document};

use super::codepage::{CodePage, printable};

/// Horizontal alignment of a line on paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Align {
    /// Flush left (fields are padded to the full width, so they are left-aligned).
    #[default]
    Left,
    /// Centred by the printer.
    Center,
}

/// Character size on paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Size {
    /// Normal.
    #[default]
    Normal,
    /// Double height, normal width.
    Tall,
    /// Double height and double width (half the columns).
    Large,
}

impl Size {
    /// How many normal columns one character takes.
    pub fn width_factor(self) -> usize {
        match self {
            Size::Normal | Size::Tall => 1,
            Size::Large => 2,
        }
    }
}

/// How a line is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Style {
    /// Bold (emphasised).
    pub bold: bool,
    /// Character size.
    pub size: Size,
    /// Alignment.
    pub align: Align,
}

/// One printed line: printable text no longer than the width allows for its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The text (only characters the profile's code pages can print).
    pub text: String,
    /// How it is printed.
    pub style: Style,
}

/// Splits `text` into lines of at most `width` characters on spaces; words longer
/// than a line are split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    // Linear in the text: each character is copied once (a pasted megabyte must not
    // take minutes).
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_len = word.chars().count();
        let needed = if current_len == 0 {
            word_len
        } else {
            current_len + 1 + word_len
        };
        if needed <= width {
            if current_len > 0 {
                current.push(' ');
                current_len += 1;
            }
            current.push_str(word);
            current_len += word_len;
            continue;
        }
        if current_len > 0 {
            lines.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if word_len <= width {
            current.push_str(word);
            current_len = word_len;
            continue;
        }
        // A word longer than the whole line: split it; its last piece starts the
        // next line.
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(width).peekable();
        while let Some(piece) = pieces.next() {
            if pieces.peek().is_some() {
                lines.push(piece.iter().collect());
            } else {
                current = piece.iter().collect();
                current_len = piece.len();
            }
        }
    }
    if current_len > 0 || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// `label … value` on one line of `width`, or wrapped: the label on as many lines
/// as it needs, the value right-aligned on the last line (or its own lines).
fn field(label: &str, value: &str, width: usize) -> Vec<String> {
    let value_len = value.chars().count();
    let label_len = label.chars().count();
    if label_len + 1 + value_len <= width {
        let pad = width - label_len - value_len;
        return vec![format!("{label}{}{value}", " ".repeat(pad))];
    }
    let mut lines = wrap(label, width);
    let last_len = lines.last().map_or(0, |l| l.chars().count());
    if value_len < width && last_len + 1 + value_len <= width {
        let last = lines.pop().unwrap_or_default();
        let pad = width - last_len - value_len;
        lines.push(format!("{last}{}{value}", " ".repeat(pad)));
    } else {
        for v in wrap(value, width) {
            let pad = width - v.chars().count();
            lines.push(format!("{}{v}", " ".repeat(pad)));
        }
    }
    lines
}

/// Lays out a document for `columns` characters per line and the given code pages.
pub fn layout(doc: &Document, columns: usize, pages: &[CodePage]) -> Vec<Line> {
    let p = |s: &str| printable(s, pages);
    let mut out = Vec::new();
    let mut push = |text: String, style: Style| out.push(Line { text, style });
    let centered = Style {
        align: Align::Center,
        ..Style::default()
    };
    for block in &doc.blocks {
        match block {
            Block::Heading(t) => {
                let style = Style {
                    bold: true,
                    size: Size::Large,
                    align: Align::Center,
                };
                let mut lines = wrap(&p(t), columns / Size::Large.width_factor());
                if lines.len() > 2 {
                    // Too long for large letters: keep it readable in tall letters.
                    lines = wrap(&p(t), columns);
                    for l in lines {
                        push(
                            l,
                            Style {
                                size: Size::Tall,
                                ..style
                            },
                        );
                    }
                } else {
                    for l in lines {
                        push(l, style);
                    }
                }
            }
            Block::Centered(t) => {
                for l in wrap(&p(t), columns) {
                    push(l, centered);
                }
            }
            Block::Text(t) => {
                for l in wrap(&p(t), columns) {
                    push(l, Style::default());
                }
            }
            Block::Field { label, value } => {
                for l in field(&p(label), &p(value), columns) {
                    push(l, Style::default());
                }
            }
            Block::Emphasis { label, value } => {
                let style = Style {
                    bold: true,
                    size: Size::Tall,
                    align: Align::Left,
                };
                for l in field(&p(label), &p(value), columns) {
                    push(l, style);
                }
            }
            Block::Rule => push("-".repeat(columns), Style::default()),
            Block::Signature(label) => {
                let label = p(label);
                let label_len = label.chars().count();
                if label_len + 10 <= columns {
                    push(
                        format!("{label}: {}", "_".repeat(columns - label_len - 2)),
                        Style::default(),
                    );
                } else {
                    for l in wrap(&label, columns) {
                        push(l, Style::default());
                    }
                    push("_".repeat(columns), Style::default());
                }
            }
            // Encoded by the printer itself after the text (`ReceiptPrinter::render`).
            Block::Qr(_) => {}
            Block::Feed(n) => {
                for _ in 0..*n {
                    push(String::new(), Style::default());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::receipt::DocumentKind;

    #[test]
    fn wrap_table() {
        let cases: &[(&str, usize, &[&str])] = &[
            ("", 10, &[""]),
            ("short", 10, &["short"]),
            ("two words", 5, &["two", "words"]),
            (
                "Общество с ограниченной ответственностью",
                16,
                &["Общество с", "ограниченной", "ответственностью"],
            ),
            ("abcdefghijkl", 5, &["abcde", "fghij", "kl"]),
            ("a  b", 10, &["a b"]),
            ("ab cdefghij", 4, &["ab", "cdef", "ghij"]),
        ];
        for (text, width, expected) in cases {
            assert_eq!(wrap(text, *width), *expected, "{text:?} at {width}");
        }
    }

    proptest::proptest! {
        /// Wrapping keeps every character of every word, in order, and no line is
        /// wider than the width.
        #[test]
        fn wrap_keeps_the_text_and_the_width(text in "[a-zа-я ]{0,200}", width in 1usize..40) {
            let lines = wrap(&text, width);
            for l in &lines {
                proptest::prop_assert!(l.chars().count() <= width, "{l:?}");
            }
            let joined: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let original: String = text.chars().filter(|c| *c != ' ').collect();
            proptest::prop_assert_eq!(joined, original);
        }
    }

    #[test]
    fn fields_keep_values_right_aligned_and_never_exceed_width() {
        let cases: &[(&str, &str, usize, &[&str])] = &[
            ("Сумма", "100,00", 20, &["Сумма         100,00"]),
            (
                "Поставщик услуги связи",
                "ПАО МТС",
                20,
                &["Поставщик услуги", "связи        ПАО МТС"],
            ),
            (
                "ID",
                "0194b1c2-7a3d-7c11-9e8f-0123456789ab",
                20,
                &["ID", "0194b1c2-7a3d-7c11-9", "    e8f-0123456789ab"],
            ),
        ];
        for (label, value, width, expected) in cases {
            let lines = field(label, value, *width);
            assert_eq!(lines, *expected, "{label} / {value}");
            for l in &lines {
                assert!(l.chars().count() <= *width);
            }
        }
    }

    #[test]
    fn layout_respects_width_and_size() {
        let doc = Document {
            kind: DocumentKind::PreReceipt,
            number: 1,
            blocks: vec![
                Block::Heading("ПРЕДВАРИТЕЛЬНЫЙ ЧЕК".into()),
                Block::Field {
                    label: "Итого".into(),
                    value: "1 010,00 ₽".into(),
                },
                Block::Rule,
                Block::Signature("Подпись клиента".into()),
            ],
        };
        for columns in [32, 42, 48] {
            let lines = layout(&doc, columns, &[CodePage::CP866, CodePage::PC437]);
            for l in &lines {
                let n = l.text.chars().count() * l.style.size.width_factor();
                assert!(n <= columns, "{:?} is wider than {columns}", l.text);
            }
            assert!(lines[0].style.bold);
            assert!(lines.iter().any(|l| l.text.ends_with("1 010,00 руб.")));
            assert_eq!(lines.last().unwrap().text.chars().count(), columns);
        }
    }
}
