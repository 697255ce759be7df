//! The paper as it comes out: every decoded character placed on the printer's dot
//! grid at the profile's printable width (font A cells, double width and height where
//! the bytes said so, centred lines centred by the printer's rule, the cut and the
//! drawer pulse marked). The GUI preview paints it; [`PaperImage::to_svg`] writes it
//! as an image file. It is made from the decoded bytes only, so what the cashier sees
//! is what the printer was sent.

use super::decode::{PaperItem, Printout};
use super::layout::{Align, Size};

/// Font A cell height in dots (12 × 24 on every shipped model).
pub const CELL_HEIGHT: u32 = 24;
/// Default line pitch (`ESC 2`) in dots: the cell plus the gap.
pub const LINE_PITCH: u32 = 30;
/// Space a cut mark takes.
const CUT_SPACE: u32 = 12;

/// Something on the paper, in dots from the top-left of the printable area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mark {
    /// One character in its cell.
    Glyph {
        /// Left edge.
        x: u32,
        /// Top edge.
        y: u32,
        /// Cell width (12, or 24 for double width).
        w: u32,
        /// Cell height (24, or 48 for double height).
        h: u32,
        /// The character.
        ch: char,
        /// Emphasised.
        bold: bool,
    },
    /// The cutter cut here.
    Cut {
        /// Where.
        y: u32,
        /// Partial cut.
        partial: bool,
    },
    /// A QR code's square, marked with what it encodes (the modules are the
    /// printer's business; their count follows from the data's length).
    Qr {
        /// Left edge.
        x: u32,
        /// Top edge.
        y: u32,
        /// Side in dots.
        size: u32,
        /// What it encodes.
        data: String,
    },
    /// The drawer was kicked here (not printed; shown so the preview says so).
    DrawerKick {
        /// Where.
        y: u32,
        /// Connector pin code (0 = pin 2, 1 = pin 5).
        pin: u8,
    },
}

/// A printout laid on the dot grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaperImage {
    /// Printable width in dots (the profile's).
    pub width: u32,
    /// Height in dots.
    pub height: u32,
    /// Font A cell width in dots.
    pub cell: u32,
    /// Everything on it, top to bottom.
    pub marks: Vec<Mark>,
}

/// Lays a printout on the dot grid of its profile.
pub fn render(p: &Printout) -> PaperImage {
    let width = p.dots.max(1);
    let cell = (width / p.columns.max(1) as u32).max(1);
    let mut marks = Vec::new();
    let mut y = 0;
    for item in &p.items {
        match item {
            PaperItem::Line(line) => {
                let (w, h) = match line.size {
                    Size::Normal => (cell, CELL_HEIGHT),
                    Size::Tall => (cell, 2 * CELL_HEIGHT),
                    Size::Large => (2 * cell, 2 * CELL_HEIGHT),
                };
                let n = line.text.chars().count() as u32;
                let x0 = match line.align {
                    Align::Left => 0,
                    // The printer centres the printed width within the printable area.
                    Align::Center => width.saturating_sub(n * w) / 2,
                };
                for (i, ch) in line.text.chars().enumerate() {
                    if ch != ' ' {
                        marks.push(Mark::Glyph {
                            x: x0 + i as u32 * w,
                            y,
                            w,
                            h,
                            ch,
                            bold: line.bold,
                        });
                    }
                }
                y += h + (LINE_PITCH - CELL_HEIGHT);
            }
            PaperItem::Cut { partial } => {
                marks.push(Mark::Cut {
                    y: y + CUT_SPACE / 2,
                    partial: *partial,
                });
                y += CUT_SPACE;
            }
            PaperItem::Qr { data, module } => {
                let size = qr_modules(data.len()) * u32::from(*module).max(1);
                marks.push(Mark::Qr {
                    x: width.saturating_sub(size) / 2,
                    y,
                    size,
                    data: data.clone(),
                });
                y += size + (LINE_PITCH - CELL_HEIGHT);
            }
            PaperItem::DrawerKick { pin } => marks.push(Mark::DrawerKick { y, pin: *pin }),
        }
    }
    PaperImage {
        width,
        height: y.max(LINE_PITCH),
        cell,
        marks,
    }
}

/// Modules per side of a model 2 QR code holding `bytes` bytes at error correction M
/// (byte mode capacities of versions 1–15; longer data is drawn as version 15).
pub fn qr_modules(bytes: usize) -> u32 {
    const CAPACITY_M: [usize; 15] = [
        14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412,
    ];
    let version = CAPACITY_M
        .iter()
        .position(|c| bytes <= *c)
        .unwrap_or(CAPACITY_M.len() - 1) as u32
        + 1;
    17 + 4 * version
}

fn escape(c: char) -> String {
    match c {
        '&' => "&amp;".into(),
        '<' => "&lt;".into(),
        '>' => "&gt;".into(),
        '"' => "&quot;".into(),
        c => c.to_string(),
    }
}

impl PaperImage {
    /// The paper as an SVG image, one dot = one unit (the profile's width in dots).
    pub fn to_svg(&self) -> String {
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#fdfdf8\"/>\n",
            w = self.width,
            h = self.height
        );
        for m in &self.marks {
            match m {
                Mark::Glyph {
                    x,
                    y,
                    w,
                    h,
                    ch,
                    bold,
                } => s.push_str(&format!(
                    "<text x=\"{x}\" y=\"{base}\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"{size}\"{weight} textLength=\"{w}\" lengthAdjust=\"spacingAndGlyphs\" transform=\"scale(1 {sy})\">{c}</text>\n",
                    base = (y + h - h / 6) / (h / CELL_HEIGHT),
                    size = CELL_HEIGHT * 5 / 6,
                    weight = if *bold { " font-weight=\"bold\"" } else { "" },
                    sy = h / CELL_HEIGHT,
                    c = escape(*ch),
                )),
                Mark::Cut { y, partial } => s.push_str(&format!(
                    "<line x1=\"0\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\" stroke=\"#888\" stroke-dasharray=\"{dash}\"/>\n",
                    w = self.width,
                    dash = if *partial { "6 3" } else { "2 2" }
                )),
                Mark::Qr { x, y, size, data } => {
                    s.push_str(&format!(
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#000\" stroke-width=\"4\"/>\n\
                         <text x=\"{cx}\" y=\"{cy}\" font-family=\"DejaVu Sans Mono, monospace\" font-size=\"20\" text-anchor=\"middle\">QR</text>\n<!-- {d} -->\n",
                        cx = x + size / 2,
                        cy = y + size / 2,
                        d = data.replace("--", "- -"),
                    ));
                }
                Mark::DrawerKick { .. } => {}
            }
        }
        s.push_str("</svg>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use crate::escpos::encode;
    use crate::layout::{Line, Style};
    use crate::profile::PrinterProfile;

    #[test]
    fn glyphs_sit_on_the_dot_grid_of_each_profile() {
        for profile in PrinterProfile::all_built_in() {
            let columns = profile.columns();
            let amount = format!("{:>width$}", "1 500,00", width = columns);
            let lines = [
                Line {
                    text: "ЧЕК".into(),
                    style: Style {
                        bold: true,
                        size: Size::Large,
                        align: Align::Center,
                    },
                },
                Line {
                    text: amount,
                    style: Style::default(),
                },
            ];
            let printout = decode(&encode(&profile, &lines).unwrap(), &profile).unwrap();
            let img = render(&printout);
            assert_eq!(img.width, u32::from(profile.printable_dots));
            let glyphs: Vec<(u32, u32, u32, char)> = img
                .marks
                .iter()
                .filter_map(|m| match m {
                    Mark::Glyph { x, y, w, ch, .. } => Some((*x, *y, *w, *ch)),
                    _ => None,
                })
                .collect();
            // The large title: double width, centred.
            let (x, _, w, ch) = glyphs[0];
            assert_eq!((w, ch), (2 * img.cell, 'Ч'), "{}", profile.id);
            let right = img.width - (x + 3 * w);
            assert!(x.abs_diff(right) <= 1, "{}: {x} vs {right}", profile.id);
            // The amount ends at the last column, on the next line.
            let (x, y, w, ch) = *glyphs.last().unwrap();
            assert_eq!(ch, '0');
            assert_eq!(x + w, columns as u32 * img.cell, "{}", profile.id);
            assert_eq!(y, 2 * CELL_HEIGHT + LINE_PITCH - CELL_HEIGHT);
            assert!(glyphs.iter().all(|(x, _, w, _)| x + w <= img.width));
            let svg = img.to_svg();
            assert!(svg.starts_with("<svg"));
            assert_eq!(svg.matches("<text").count(), glyphs.len());
        }
    }
}
