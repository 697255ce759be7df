//! Printer profiles: what one printer model can do (paper width, columns, code page
//! numbers, cutter). One TOML file per model in `printer-profiles/`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::codepage::CodePage;

/// How the printer cuts paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutKind {
    /// No cutter: the cashier tears the paper.
    None,
    /// A full cut.
    Full,
    /// A partial cut (leaves a hinge).
    Partial,
}

/// One printer model.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterProfile {
    /// The profile's id (its file name without `.toml`).
    #[serde(skip)]
    pub id: String,
    /// Model name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// Paper width in millimetres.
    pub paper_width_mm: u16,
    /// Printable width in dots.
    pub printable_dots: u16,
    /// Characters per line in font A (the font receipts use).
    pub columns_font_a: u16,
    /// Characters per line in font B.
    pub columns_font_b: u16,
    /// Send `FS .` after `ESC @`.
    #[serde(default)]
    pub cancel_kanji: bool,
    /// Lines fed before cutting.
    #[serde(default)]
    pub feed_before_cut: u8,
    /// The cutter.
    pub cut: CutKind,
    /// `ESC t n` for each code page the model has.
    pub code_pages: BTreeMap<CodePage, u8>,
}

/// Why a profile cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Not valid TOML or not the profile's keys.
    #[error("printer profile {file}: {message}")]
    Invalid {
        /// The file (or built-in id).
        file: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// No profile with that id.
    #[error("there is no printer profile {id:?}; built-in profiles: {known}")]
    Unknown {
        /// The id asked for.
        id: String,
        /// The ids that exist.
        known: String,
    },
}

/// The profiles compiled into paydesk.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "generic-80mm",
        include_str!("../../printer-profiles/generic-80mm.toml"),
    ),
    (
        "generic-58mm",
        include_str!("../../printer-profiles/generic-58mm.toml"),
    ),
];

impl PrinterProfile {
    /// Parses and checks a profile.
    pub fn parse(id: &str, text: &str) -> Result<PrinterProfile, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            file: id.to_string(),
            message,
        };
        let mut p: PrinterProfile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        p.id = id.to_string();
        if !(16..=80).contains(&p.columns_font_a) {
            return Err(invalid(format!(
                "columns_font_a = {}: allowed 16 to 80",
                p.columns_font_a
            )));
        }
        if p.code_pages.is_empty() {
            return Err(invalid("code_pages is empty: list at least PC437".into()));
        }
        let mut numbers: Vec<u8> = p.code_pages.values().copied().collect();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() != p.code_pages.len() {
            return Err(invalid(
                "code_pages: two code pages share one ESC t number".into(),
            ));
        }
        Ok(p)
    }

    /// A built-in profile by id.
    pub fn built_in(id: &str) -> Result<PrinterProfile, ProfileError> {
        let (id, text) =
            BUILT_IN
                .iter()
                .find(|(i, _)| *i == id)
                .ok_or_else(|| ProfileError::Unknown {
                    id: id.to_string(),
                    known: BUILT_IN
                        .iter()
                        .map(|(i, _)| *i)
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        PrinterProfile::parse(id, text)
    }

    /// Every built-in profile.
    pub fn all_built_in() -> Vec<PrinterProfile> {
        BUILT_IN
            .iter()
            .map(|(id, text)| PrinterProfile::parse(id, text).expect("built-in profiles are valid"))
            .collect()
    }

    /// The code pages this model has, in the encoder's order of preference.
    pub fn pages(&self) -> Vec<CodePage> {
        CodePage::PREFERENCE
            .into_iter()
            .filter(|cp| self.code_pages.contains_key(cp))
            .collect()
    }

    /// The code page selected by `ESC t n` on this model.
    pub fn page_for_number(&self, n: u8) -> Option<CodePage> {
        self.code_pages
            .iter()
            .find(|(_, num)| **num == n)
            .map(|(cp, _)| *cp)
    }

    /// Characters per line of receipt text.
    pub fn columns(&self) -> usize {
        usize::from(self.columns_font_a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_load() {
        let all = PrinterProfile::all_built_in();
        assert_eq!(all.len(), BUILT_IN.len());
        let p = PrinterProfile::built_in("generic-58mm").unwrap();
        assert_eq!(p.columns(), 32);
        assert_eq!(p.page_for_number(73), Some(CodePage::WPC1251));
        assert_eq!(p.pages()[0], CodePage::CP866);
    }

    #[test]
    fn bad_profiles_say_what_is_wrong() {
        let good = include_str!("../../printer-profiles/generic-80mm.toml");
        let cases = [
            (
                good.replace("cut = \"partial\"", "cut = \"sideways\""),
                "sideways",
            ),
            (format!("{good}\ncolour = true\n"), "colour"),
            (
                good.replace("columns_font_a = 48", "columns_font_a = 500"),
                "columns_font_a",
            ),
            (
                good.replace("CP852 = 18", "CP852 = 17"),
                "share one ESC t number",
            ),
            (good.replace("CP852 = 18", "CP999 = 18"), "CP999"),
        ];
        for (text, expected) in cases {
            let err = PrinterProfile::parse("broken.toml", &text)
                .unwrap_err()
                .to_string();
            assert!(err.contains("broken.toml"), "{err}");
            assert!(err.contains(expected), "{err} should mention {expected}");
        }
        assert!(matches!(
            PrinterProfile::built_in("tm-t1000"),
            Err(ProfileError::Unknown { .. })
        ));
    }
}
