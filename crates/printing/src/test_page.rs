//! The test page a technician prints from settings: the model and connection, a
//! ruler of the paper's width, one sample line in each of the model's code pages
//! (each sent in that page), and the cut. If a sample shows wrong letters, that
//! code page's `ESC t` number in the profile is wrong for this printer.

use super::codepage::{CodePage, printable};
use super::escpos::{EncodeError, JobEncoder};
use super::layout::{Align, Line, Size, Style, wrap};
use super::profile::PrinterProfile;
use super::transport::PrintJob;

/// The sample text shown for a code page.
pub fn sample(page: CodePage) -> &'static str {
    match page {
        CodePage::CP866 | CodePage::WPC1251 => "Съешь же ещё этих мягких французских булок № 1",
        CodePage::CP852 | CodePage::WPC1250 => "Zażółć gęślą jaźń ŻÓŁĆ 1,50 zł",
        CodePage::PC437 => "ASCII 0123456789 «» $ # @ & *",
    }
}

/// A ruler exactly `columns` wide: `1234567890` repeated, and the tens below.
pub fn ruler(columns: usize) -> [String; 2] {
    let units: String = (1..=columns)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    let tens: String = (1..=columns)
        .map(|i| {
            if i % 10 == 0 {
                char::from(b'0' + ((i / 10) % 10) as u8)
            } else {
                '.'
            }
        })
        .collect();
    [units, tens]
}

/// The test page's bytes for a profile; `connection` says where it was sent.
pub fn test_page(profile: &PrinterProfile, connection: &str) -> Result<PrintJob, EncodeError> {
    let columns = profile.columns();
    let pages = profile.pages();
    let plain = Style::default();
    let mut job = JobEncoder::new(profile)?;
    job.line(&Line {
        text: "PAYDESK TEST".into(),
        style: Style {
            bold: true,
            size: Size::Large,
            align: Align::Center,
        },
    })?;
    for text in [
        profile.title(),
        connection.to_string(),
        format!(
            "{} dots, {} dpi, {columns}/{} columns",
            profile.printable_dots, profile.dpi, profile.columns_font_b
        ),
    ] {
        for l in wrap(&printable(&text, &pages), columns) {
            job.line(&Line {
                text: l,
                style: plain,
            })?;
        }
    }
    for l in ruler(columns) {
        job.line(&Line {
            text: l,
            style: plain,
        })?;
    }
    for page in pages.iter().copied() {
        let n = profile.code_pages[&page];
        job.line(&Line {
            text: format!("{page} (ESC t {n}):"),
            style: Style {
                bold: true,
                ..plain
            },
        })?;
        // Only what this page can show, so each line tests exactly one page.
        let text = printable(sample(page), &[page]);
        for l in wrap(&text, columns) {
            job.line_in(
                page,
                &Line {
                    text: l,
                    style: plain,
                },
            )?;
        }
    }
    Ok(PrintJob {
        name: "test-page".into(),
        bytes: job.finish()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;

    #[test]
    fn the_test_page_shows_every_code_page_in_its_own_page_on_every_profile() {
        for p in PrinterProfile::all_built_in() {
            let job = test_page(&p, "virtual").unwrap();
            let out = decode(&job.bytes, &p).unwrap();
            let text = out.text();
            let [units, tens] = ruler(p.columns());
            assert_eq!(units.chars().count(), p.columns());
            assert!(text.contains(&units) && text.contains(&tens), "{text}");
            for page in p.pages() {
                assert!(
                    text.contains(&format!("{page} (ESC t {}):", p.code_pages[&page])),
                    "{}: {page}\n{text}",
                    p.id
                );
            }
            assert!(text.contains("Съешь же ещё"), "{}\n{text}", p.id);
            assert!(text.contains("Zażółć gęślą jaźń"), "{}\n{text}", p.id);
            // Each sample went out in its own page: one ESC t per page at least.
            let selects: Vec<u8> = job
                .bytes
                .windows(3)
                .filter(|w| w[0] == 0x1B && w[1] == b't')
                .map(|w| w[2])
                .collect();
            for page in p.pages() {
                assert!(selects.contains(&p.code_pages[&page]), "{}: {page}", p.id);
            }
        }
    }
}
