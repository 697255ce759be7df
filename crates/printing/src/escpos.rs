//! Laid-out lines → ESC/POS bytes.
//!
//! Commands (init, emphasis, size, justification, feed, cut) come from the `escpos`
//! crate, generated into memory. Text and `ESC t` come from our own encoder: the
//! crate mis-encodes some characters (see PRINTING-NOTES.md). A mode command is sent
//! only when the mode changes, so receipts carry no redundant bytes.

use std::cell::RefCell;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol};

use super::codepage::CodePage;
use super::layout::{Align, Line, Size, Style};
use super::profile::{CutKind, Drawer, PrinterProfile};

/// Why bytes could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// A character that none of the profile's code pages has (layout should have
    /// replaced it; this is a bug).
    #[error("{0:?} cannot be printed with this printer's code pages")]
    Unprintable(char),
    /// The escpos crate refused a command.
    #[error("ESC/POS command: {0}")]
    Command(String),
}

/// An in-memory escpos driver: collects what the crate would send.
#[derive(Clone, Default)]
struct MemoryDriver(Rc<RefCell<Vec<u8>>>);

impl Driver for MemoryDriver {
    fn name(&self) -> String {
        "memory".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// Builds the bytes of one print job for one profile.
pub struct JobEncoder<'p> {
    profile: &'p PrinterProfile,
    pages: Vec<CodePage>,
    printer: Printer<MemoryDriver>,
    sink: MemoryDriver,
    style: Style,
    page: Option<CodePage>,
}

fn cmd_err(e: escpos::errors::PrinterError) -> EncodeError {
    EncodeError::Command(e.to_string())
}

impl<'p> JobEncoder<'p> {
    /// Starts a job: `ESC @` (and `FS .` where the profile asks for it).
    pub fn new(profile: &'p PrinterProfile) -> Result<JobEncoder<'p>, EncodeError> {
        let sink = MemoryDriver::default();
        let mut printer = Printer::new(sink.clone(), Protocol::default(), None);
        printer.init().map_err(cmd_err)?;
        if profile.cancel_kanji {
            printer.custom(&[0x1C, b'.']).map_err(cmd_err)?;
        }
        Ok(JobEncoder {
            pages: profile.pages(),
            profile,
            printer,
            sink,
            style: Style::default(),
            page: None,
        })
    }

    fn set_style(&mut self, style: Style) -> Result<(), EncodeError> {
        if style.bold != self.style.bold {
            self.printer.bold(style.bold).map_err(cmd_err)?;
        }
        if style.size != self.style.size {
            let (w, h) = match style.size {
                Size::Normal => (1, 1),
                Size::Tall => (1, 2),
                Size::Large => (2, 2),
            };
            self.printer.size(w, h).map_err(cmd_err)?;
        }
        if style.align != self.style.align {
            let mode = match style.align {
                Align::Left => JustifyMode::LEFT,
                Align::Center => JustifyMode::CENTER,
            };
            self.printer.justify(mode).map_err(cmd_err)?;
        }
        self.style = style;
        Ok(())
    }

    fn text(&mut self, text: &str) -> Result<(), EncodeError> {
        let mut bytes = Vec::with_capacity(text.len());
        for c in text.chars() {
            if let Some(b) = self.page.and_then(|p| p.encode(c)).or_else(|| {
                // ASCII prints the same in every page: no switch needed.
                matches!(c, ' '..='~').then_some(c as u8)
            }) {
                bytes.push(b);
                continue;
            }
            let page = self
                .pages
                .iter()
                .copied()
                .find(|p| p.encode(c).is_some())
                .ok_or(EncodeError::Unprintable(c))?;
            let n = self.profile.code_pages[&page];
            bytes.extend_from_slice(&[0x1B, b't', n]);
            self.page = Some(page);
            bytes.push(page.encode(c).expect("page was chosen for c"));
        }
        self.printer.custom(&bytes).map_err(cmd_err)?;
        Ok(())
    }

    /// Opens the cash drawer (`ESC p m t1 t2` with the pulse times the crate omits).
    pub fn drawer_kick(&mut self, drawer: &Drawer) -> Result<(), EncodeError> {
        self.printer.custom(&drawer.kick_bytes()).map_err(cmd_err)?;
        Ok(())
    }

    /// Adds one line printed in `page` where it can be (the test page shows each
    /// code page's own sample). Characters `page` lacks still pick another page.
    pub fn line_in(&mut self, page: CodePage, line: &Line) -> Result<(), EncodeError> {
        if self.page != Some(page) {
            let n = *self
                .profile
                .code_pages
                .get(&page)
                .ok_or(EncodeError::Command(format!("the profile has no {page}")))?;
            self.printer.custom(&[0x1B, b't', n]).map_err(cmd_err)?;
            self.page = Some(page);
        }
        self.line(line)
    }

    /// Adds a centred QR code (model 2, 6-dot modules, error correction M).
    pub fn qr(&mut self, data: &str) -> Result<(), EncodeError> {
        use escpos::utils::{QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
        self.set_style(Style {
            align: Align::Center,
            ..Style::default()
        })?;
        self.printer
            .qrcode_option(
                data,
                QRCodeOption::new(
                    QRCodeModel::Model2,
                    QR_MODULE_DOTS,
                    QRCodeCorrectionLevel::M,
                ),
            )
            .map_err(cmd_err)?;
        Ok(())
    }

    /// Adds one line.
    pub fn line(&mut self, line: &Line) -> Result<(), EncodeError> {
        self.set_style(line.style)?;
        self.text(&line.text)?;
        self.printer.custom(b"\n").map_err(cmd_err)?;
        Ok(())
    }

    /// Ends the job (back to normal style, feed, cut) and returns its bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, EncodeError> {
        self.set_style(Style::default())?;
        if self.profile.feed_before_cut > 0 {
            self.printer
                .feeds(self.profile.feed_before_cut)
                .map_err(cmd_err)?;
        }
        match self.profile.cut {
            CutKind::None => {}
            CutKind::Full => {
                self.printer.cut().map_err(cmd_err)?;
            }
            CutKind::Partial => {
                // GS V 66 0. The crate's partial_cut sends GS V 65 1, which Epson
                // defines as a full cut.
                self.printer.custom(&[0x1D, b'V', 66, 0]).map_err(cmd_err)?;
            }
        }
        self.printer.print().map_err(cmd_err)?;
        drop(self.printer);
        Ok(std::mem::take(&mut *self.sink.0.borrow_mut()))
    }
}

/// Encodes laid-out lines as one job.
pub fn encode(profile: &PrinterProfile, lines: &[Line]) -> Result<Vec<u8>, EncodeError> {
    encode_with(profile, lines, None, None)
}

/// The size of one QR module in dots.
pub const QR_MODULE_DOTS: u8 = 6;

/// Encodes laid-out lines as one job that first opens the cash drawer, if given,
/// and ends with a QR code, if given.
pub fn encode_with(
    profile: &PrinterProfile,
    lines: &[Line],
    drawer: Option<&Drawer>,
    qr: Option<&str>,
) -> Result<Vec<u8>, EncodeError> {
    let mut job = JobEncoder::new(profile)?;
    if let Some(d) = drawer {
        job.drawer_kick(d)?;
    }
    for line in lines {
        job.line(line)?;
    }
    if let Some(data) = qr {
        job.qr(data)?;
    }
    job.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line {
        Line {
            text: text.into(),
            style: Style::default(),
        }
    }

    #[test]
    fn code_page_is_switched_only_when_needed() {
        let p = PrinterProfile::built_in("generic-80mm").unwrap();
        let bytes = encode(&p, &[line("Сумма 10"), line("Итог"), line("Żabka Ёж")]).unwrap();
        let switches: Vec<u8> = bytes
            .windows(3)
            .filter(|w| w[0] == 0x1B && w[1] == b't')
            .map(|w| w[2])
            .collect();
        // CP866 once for the two Russian lines, CP852 for Ż, CP866 again for Ё.
        assert_eq!(switches, vec![17, 18, 17]);
        assert!(bytes.starts_with(&[0x1B, b'@']));
        // Partial cut at the end (GS V B 0), after 4 lines of feed (ESC d 4).
        assert!(bytes.ends_with(&[0x1B, b'd', 4, 0x1D, b'V', 66, 0]));
        assert!(!bytes.contains(&0xAD), "no soft hyphens");
    }

    #[test]
    fn styles_are_sent_only_on_change() {
        let p = PrinterProfile::built_in("generic-58mm").unwrap();
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let lines = [
            Line {
                text: "A".into(),
                style: bold,
            },
            Line {
                text: "B".into(),
                style: bold,
            },
            line("C"),
        ];
        let bytes = encode(&p, &lines).unwrap();
        // ESC @, FS . (this profile cancels kanji), ESC E 1, "A\n", "B\n", ESC E 0, "C\n", feed 3, no cut.
        let expected: Vec<u8> = [
            &[0x1B, b'@', 0x1C, b'.', 0x1B, b'E', 1][..],
            b"A\nB\n",
            &[0x1B, b'E', 0],
            b"C\n",
            &[0x1B, b'd', 3],
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn unprintable_characters_are_refused_not_sent_as_utf8() {
        let p = PrinterProfile::built_in("generic-80mm").unwrap();
        assert!(matches!(
            encode(&p, &[line("日")]),
            Err(EncodeError::Unprintable('日'))
        ));
    }

    #[test]
    fn our_cp866_and_cp852_agree_with_the_escpos_crate() {
        // The crate's CP866/CP852 tables are known to be right; ours were generated
        // independently, so agreement checks both.
        use escpos::utils::PageCode;
        for (ours, theirs) in [
            (CodePage::CP866, PageCode::PC866),
            (CodePage::CP852, PageCode::PC852),
        ] {
            for b in 0x80u8..=0xFF {
                let Some(c) = ours.decode(b) else { continue };
                let sink = MemoryDriver::default();
                let mut printer = Printer::new(sink.clone(), Protocol::default(), None);
                printer.page_code(theirs).unwrap();
                printer.write(&c.to_string()).unwrap().print().unwrap();
                let sent = sink.0.borrow().clone();
                assert_eq!(
                    sent.last(),
                    Some(&b),
                    "{ours} {b:#04x} ({c}): crate sent {sent:x?}"
                );
            }
        }
    }
}
