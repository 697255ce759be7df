//! Printer profiles: what one printer model can do (paper, columns, the model's own
//! `ESC t` numbers, cutter, drawer port, status support, serial defaults). One TOML
//! file per model in `printer-profiles/` (compiled in), plus any file a user drops into
//! the config folder's `printer-profiles/`. Modelled on escpos-printer-db, with what
//! that database lacks (status, serial defaults, drawer pulse, cut feed, sources).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::codepage::CodePage;

/// How the printer cuts paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutKind {
    /// No cutter: the cashier tears the paper.
    None,
    /// A full cut.
    Full,
    /// A partial cut (leaves a hinge).
    Partial,
}

/// What the model supports besides text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Native QR codes (`GS ( k`).
    pub qr_code: bool,
    /// 1D barcodes (`GS k`).
    pub barcodes: bool,
    /// Real-time status (`DLE EOT n`) is answered.
    pub realtime_status: bool,
    /// Automatic status back (`GS a n`).
    pub auto_status_back: bool,
    /// Paper sensor status (`GS r 1`), answered in order after the data before it:
    /// paydesk uses it to know a whole job was processed.
    pub transmit_status: bool,
}

/// The cash drawer port: `ESC p m t1 t2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Drawer {
    /// The connector pin the drawer solenoid is on: 2 or 5.
    pub pin: u8,
    /// Pulse on-time in milliseconds (2 ms units on the wire, 2..=510).
    pub on_ms: u16,
    /// Pulse off-time in milliseconds (2 ms units on the wire, at least `on_ms`).
    pub off_ms: u16,
}

impl Drawer {
    /// The `ESC p m t1 t2` bytes.
    pub fn kick_bytes(&self) -> [u8; 5] {
        let m = if self.pin == 5 { 1 } else { 0 };
        let unit = |ms: u16| u8::try_from(ms / 2).unwrap_or(u8::MAX).max(1);
        [0x1B, b'p', m, unit(self.on_ms), unit(self.off_ms)]
    }
}

/// Parity bit of a serial line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Parity {
    /// No parity bit.
    #[default]
    None,
    /// Odd parity.
    Odd,
    /// Even parity.
    Even,
}

/// Flow control of a serial line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowControl {
    /// None: the printer must keep up (or have a large buffer).
    #[default]
    None,
    /// Hardware RTS/CTS (wire the printer's DTR to CTS for a DTR/DSR printer).
    RtsCts,
    /// Software XON/XOFF.
    XonXoff,
}

/// Serial line settings (a profile's defaults; the config may override each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialSettings {
    /// Bits per second.
    pub baud: u32,
    /// 7 or 8.
    pub data_bits: u8,
    /// Parity.
    pub parity: Parity,
    /// 1 or 2.
    pub stop_bits: u8,
    /// Flow control.
    pub flow_control: FlowControl,
}

impl Default for SerialSettings {
    fn default() -> SerialSettings {
        SerialSettings {
            baud: 9600,
            data_bits: 8,
            parity: Parity::None,
            stop_bits: 1,
            flow_control: FlowControl::None,
        }
    }
}

/// The baud rates receipt printers offer.
pub const BAUD_RATES: [u32; 5] = [9600, 19200, 38400, 57600, 115200];

impl SerialSettings {
    /// The first setting that is not possible, as `(key, value, what is allowed)`.
    pub fn problem(&self) -> Option<(&'static str, String, &'static str)> {
        if !BAUD_RATES.contains(&self.baud) {
            return Some((
                "baud",
                self.baud.to_string(),
                "9600, 19200, 38400, 57600 or 115200",
            ));
        }
        if !matches!(self.data_bits, 7 | 8) {
            return Some(("data_bits", self.data_bits.to_string(), "7 or 8"));
        }
        if !matches!(self.stop_bits, 1 | 2) {
            return Some(("stop_bits", self.stop_bits.to_string(), "1 or 2"));
        }
        None
    }
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
    /// Where the values come from (the vendor's document).
    pub source: String,
    /// Anything a technician should know.
    #[serde(default)]
    pub notes: String,
    /// Paper width in millimetres.
    pub paper_width_mm: u16,
    /// Printable width in dots.
    pub printable_dots: u16,
    /// Head resolution in dots per inch.
    pub dpi: u16,
    /// Characters per line in font A (the font receipts use).
    pub columns_font_a: u16,
    /// Characters per line in font B.
    pub columns_font_b: u16,
    /// Send `FS .` after `ESC @` (clones that start in a double-byte mode).
    #[serde(default)]
    pub cancel_kanji: bool,
    /// Lines fed before cutting, so the last line clears the cutter.
    pub feed_before_cut: u8,
    /// The cutter.
    pub cut: CutKind,
    /// `ESC t n` for each code page the model has.
    pub code_pages: BTreeMap<CodePage, u8>,
    /// What else it can do.
    pub features: Features,
    /// The drawer port, if the model has one.
    #[serde(default)]
    pub drawer: Option<Drawer>,
    /// Factory serial settings, if the model has a serial interface.
    #[serde(default)]
    pub serial: Option<SerialSettings>,
}

/// Why a profile cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// Not valid TOML, an unknown or missing key, or an impossible value.
    #[error("printer profile {file}: {message}")]
    Invalid {
        /// The file (or built-in id).
        file: String,
        /// The key, what is wrong and what is allowed.
        message: String,
    },
    /// No profile with that id.
    #[error("there is no printer profile {id:?}; known profiles: {known}")]
    Unknown {
        /// The id asked for.
        id: String,
        /// The ids that exist.
        known: String,
    },
}

/// A TOML error as one line: where (line and the line's text) and what, e.g.
/// ``line 10 (`dpi = "high"`): invalid type: string "high", expected u16``. toml's
/// own message names the key for missing and unknown keys and lists what is allowed.
fn toml_problem(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line_no = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
            format!("line {line_no} (`{line}`): {message}")
        }
        None => message,
    }
}

/// The profiles compiled into paydesk: `(id, TOML)`.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "generic-80mm",
        include_str!("../../../printer-profiles/generic-80mm.toml"),
    ),
    (
        "generic-58mm",
        include_str!("../../../printer-profiles/generic-58mm.toml"),
    ),
    (
        "epson-tm-t20iii",
        include_str!("../../../printer-profiles/epson-tm-t20iii.toml"),
    ),
    (
        "epson-tm-t88v",
        include_str!("../../../printer-profiles/epson-tm-t88v.toml"),
    ),
    (
        "xprinter-xp-58iih",
        include_str!("../../../printer-profiles/xprinter-xp-58iih.toml"),
    ),
    (
        "xprinter-xp-n160ii",
        include_str!("../../../printer-profiles/xprinter-xp-n160ii.toml"),
    ),
    (
        "citizen-ct-s310ii",
        include_str!("../../../printer-profiles/citizen-ct-s310ii.toml"),
    ),
    (
        "rongta-rp326",
        include_str!("../../../printer-profiles/rongta-rp326.toml"),
    ),
];

impl PrinterProfile {
    /// Parses and checks a profile; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<PrinterProfile, ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            file: file.to_string(),
            message,
        };
        let mut p: PrinterProfile =
            toml::from_str(text).map_err(|e| invalid(toml_problem(text, &e)))?;
        p.id = Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.to_string());
        if let Some((key, value, allowed)) = p.problem() {
            return Err(invalid(format!("{key} = {value}: allowed {allowed}")));
        }
        Ok(p)
    }

    /// The first impossible value, as `(key, value, what is allowed)`.
    fn problem(&self) -> Option<(String, String, String)> {
        let p = |k: &str, v: String, a: String| Some((k.to_string(), v, a));
        if self.name.trim().is_empty() {
            return p("name", "\"\"".into(), "the model's name".into());
        }
        if !(40..=112).contains(&self.paper_width_mm) {
            return p(
                "paper_width_mm",
                self.paper_width_mm.to_string(),
                "40 to 112 (receipt paper is 58 or 80 mm)".into(),
            );
        }
        if !(150..=360).contains(&self.dpi) {
            return p("dpi", self.dpi.to_string(), "150 to 360".into());
        }
        let max_dots = u32::from(self.paper_width_mm) * u32::from(self.dpi) * 10 / 254;
        if self.printable_dots == 0 || u32::from(self.printable_dots) > max_dots {
            return p(
                "printable_dots",
                self.printable_dots.to_string(),
                format!(
                    "1 to {max_dots} ({} mm paper at {} dpi)",
                    self.paper_width_mm, self.dpi
                ),
            );
        }
        // No receipt font is narrower than 8 dots.
        let max_columns = self.printable_dots / 8;
        if !(16..=max_columns).contains(&self.columns_font_a) {
            return p(
                "columns_font_a",
                self.columns_font_a.to_string(),
                format!("16 to {max_columns} (printable_dots / 8)"),
            );
        }
        if !(self.columns_font_a..=max_columns).contains(&self.columns_font_b) {
            return p(
                "columns_font_b",
                self.columns_font_b.to_string(),
                format!(
                    "{} to {max_columns} (font B is narrower than font A)",
                    self.columns_font_a
                ),
            );
        }
        if self.feed_before_cut > 10 {
            return p(
                "feed_before_cut",
                self.feed_before_cut.to_string(),
                "0 to 10 lines".into(),
            );
        }
        if !self.code_pages.contains_key(&CodePage::PC437) {
            return p(
                "code_pages",
                "(no PC437)".into(),
                "a table that lists at least PC437, the page printers start in".into(),
            );
        }
        let mut seen = BTreeMap::new();
        for (cp, n) in &self.code_pages {
            if let Some(other) = seen.insert(*n, *cp) {
                return p(
                    &format!("code_pages.{cp}"),
                    n.to_string(),
                    format!(
                        "a number not already used by {other}: two code pages cannot share one ESC t number"
                    ),
                );
            }
        }
        if let Some(d) = &self.drawer {
            if !matches!(d.pin, 2 | 5) {
                return p("drawer.pin", d.pin.to_string(), "2 or 5".into());
            }
            if !(2..=510).contains(&d.on_ms) {
                return p("drawer.on_ms", d.on_ms.to_string(), "2 to 510".into());
            }
            if !(d.on_ms..=510).contains(&d.off_ms) {
                return p(
                    "drawer.off_ms",
                    d.off_ms.to_string(),
                    format!("{} to 510 (not shorter than on_ms)", d.on_ms),
                );
            }
        }
        if let Some(s) = &self.serial
            && let Some((key, value, allowed)) = s.problem()
        {
            return p(&format!("serial.{key}"), value, allowed.into());
        }
        None
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
        PrinterProfile::parse(&format!("{id}.toml"), text)
    }

    /// Every built-in profile.
    pub fn all_built_in() -> Vec<PrinterProfile> {
        BUILT_IN
            .iter()
            .map(|(id, text)| {
                PrinterProfile::parse(&format!("{id}.toml"), text)
                    .expect("built-in profiles are valid")
            })
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

    /// "Epson TM-T20III (80 mm)".
    pub fn title(&self) -> String {
        if self.name.starts_with(&self.vendor) {
            format!("{} ({} mm)", self.name, self.paper_width_mm)
        } else {
            format!("{} {} ({} mm)", self.vendor, self.name, self.paper_width_mm)
        }
    }
}

/// The profiles available on this machine: the built-in ones and the user's folder.
/// A user file with a built-in id replaces the built-in profile (a shop can correct a
/// value without waiting for a release).
#[derive(Clone, Debug, Default)]
pub struct ProfileLibrary {
    profiles: BTreeMap<String, PrinterProfile>,
    /// User files that failed to load (shown in settings; never silently skipped).
    pub errors: Vec<ProfileError>,
    /// The user's folder, if any.
    pub user_dir: Option<PathBuf>,
}

/// The largest printer profile file read (a profile is a few kilobytes).
const MAX_PROFILE_BYTES: u64 = 256 * 1024;

impl ProfileLibrary {
    /// Built-in profiles plus every `*.toml` in `user_dir` (a missing folder is fine).
    pub fn load(user_dir: Option<&Path>) -> ProfileLibrary {
        let mut lib = ProfileLibrary {
            profiles: PrinterProfile::all_built_in()
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect(),
            errors: Vec::new(),
            user_dir: user_dir.map(Path::to_path_buf),
        };
        let Some(dir) = user_dir else { return lib };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return lib;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let file = path.display().to_string();
            let loaded = crate::files::read_text_capped(&path, MAX_PROFILE_BYTES)
                .map_err(|e| ProfileError::Invalid {
                    file: file.clone(),
                    message: format!("cannot read it: {e}"),
                })
                .and_then(|text| PrinterProfile::parse(&file, &text));
            match loaded {
                Ok(p) => {
                    lib.profiles.insert(p.id.clone(), p);
                }
                Err(e) => lib.errors.push(e),
            }
        }
        lib
    }

    /// A profile by id. A broken user file with that id is reported as such, also
    /// when a built-in profile has the id (the user meant their own file).
    pub fn get(&self, id: &str) -> Result<PrinterProfile, ProfileError> {
        let broken = self.errors.iter().find(|e| {
            matches!(e, ProfileError::Invalid { file, .. }
                if Path::new(file).file_stem().is_some_and(|s| s == id))
        });
        if let Some(e) = broken {
            return Err(e.clone());
        }
        if let Some(p) = self.profiles.get(id) {
            return Ok(p.clone());
        }
        Err(ProfileError::Unknown {
            id: id.to_string(),
            known: self.profiles.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// Every usable profile, by id.
    pub fn all(&self) -> impl Iterator<Item = &PrinterProfile> {
        self.profiles.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_profile_loads_and_is_consistent() {
        let all = PrinterProfile::all_built_in();
        assert_eq!(all.len(), BUILT_IN.len());
        assert!(all.len() >= 8);
        for p in &all {
            // Both scripts must be printable on every shipped model.
            let pages = p.pages();
            assert!(
                pages
                    .iter()
                    .any(|c| matches!(c, CodePage::CP866 | CodePage::WPC1251)),
                "{}: no Cyrillic page",
                p.id
            );
            assert!(
                pages
                    .iter()
                    .any(|c| matches!(c, CodePage::CP852 | CodePage::WPC1250)),
                "{}: no Polish page",
                p.id
            );
            assert!(!p.source.is_empty(), "{}: no source", p.id);
        }
        let widths: Vec<u16> = all.iter().map(|p| p.paper_width_mm).collect();
        assert!(widths.contains(&58) && widths.contains(&80));
        let p = PrinterProfile::built_in("generic-58mm").unwrap();
        assert_eq!(p.columns(), 32);
        assert_eq!(p.page_for_number(73), Some(CodePage::WPC1251));
        assert_eq!(p.pages()[0], CodePage::CP866);
        // Vendors number code pages differently: the same page, another ESC t.
        let rongta = PrinterProfile::built_in("rongta-rp326").unwrap();
        let epson = PrinterProfile::built_in("epson-tm-t20iii").unwrap();
        assert_ne!(
            rongta.code_pages[&CodePage::CP866],
            epson.code_pages[&CodePage::CP866]
        );
    }

    #[test]
    fn drawer_pulse_is_sent_with_its_times() {
        let d = Drawer {
            pin: 5,
            on_ms: 100,
            off_ms: 200,
        };
        assert_eq!(d.kick_bytes(), [0x1B, b'p', 1, 50, 100]);
    }

    #[test]
    fn each_class_of_broken_profile_says_file_key_and_what_is_allowed() {
        let good = include_str!("../../../printer-profiles/generic-80mm.toml");
        assert!(PrinterProfile::parse("broken.toml", good).is_ok());
        // (what is changed, words the error must contain)
        let cases: Vec<(String, Vec<&str>)> = vec![
            // unknown key
            (
                format!("colour = true\n{good}"),
                vec!["colour", "expected one of"],
            ),
            // missing required key
            (
                good.replace("vendor = \"Generic\"\n", ""),
                vec!["missing field", "vendor"],
            ),
            // wrong type
            (
                good.replace("dpi = 203", "dpi = \"high\""),
                vec!["line 10", "dpi = \"high\"", "expected u16"],
            ),
            // enum value not allowed
            (
                good.replace("cut = \"partial\"", "cut = \"sideways\""),
                vec!["sideways", "none", "partial"],
            ),
            // unknown code page
            (
                good.replace("CP852 = 18", "CP999 = 18"),
                vec!["CP999", "CP866"],
            ),
            // impossible values
            (
                good.replace("columns_font_a = 48", "columns_font_a = 500"),
                vec!["columns_font_a = 500", "allowed 16 to 72"],
            ),
            (
                good.replace("printable_dots = 576", "printable_dots = 900"),
                vec!["printable_dots = 900", "allowed 1 to 639"],
            ),
            (
                good.replace("paper_width_mm = 80", "paper_width_mm = 8"),
                vec!["paper_width_mm = 8", "allowed 40 to 112"],
            ),
            (
                good.replace("CP852 = 18", "CP852 = 17"),
                vec!["code_pages.", "share one ESC t number"],
            ),
            (good.replace("PC437 = 0\n", ""), vec!["code_pages", "PC437"]),
            (
                good.replace("pin = 2", "pin = 3"),
                vec!["drawer.pin = 3", "2 or 5"],
            ),
            (
                good.replace("baud = 9600", "baud = 12345"),
                vec!["serial.baud = 12345", "115200"],
            ),
        ];
        for (text, words) in cases {
            let err = PrinterProfile::parse("broken.toml", &text)
                .unwrap_err()
                .to_string();
            assert!(err.contains("broken.toml"), "{err}");
            for w in words {
                assert!(err.contains(w), "{err}\n  should mention {w:?}");
            }
        }
        assert!(matches!(
            PrinterProfile::built_in("tm-t1000"),
            Err(ProfileError::Unknown { .. })
        ));
    }

    #[test]
    fn a_user_folder_adds_and_replaces_profiles_and_reports_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        let good = include_str!("../../../printer-profiles/generic-80mm.toml");
        std::fs::write(
            dir.path().join("shop-printer.toml"),
            good.replace("Generic 80 mm", "Shop's own"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("generic-58mm.toml"),
            include_str!("../../../printer-profiles/generic-58mm.toml")
                .replace("CP866 = 17", "CP866 = 7"),
        )
        .unwrap();
        std::fs::write(dir.path().join("broken.toml"), "name = 1\n").unwrap();
        std::fs::write(dir.path().join("readme.txt"), "not a profile").unwrap();
        let lib = ProfileLibrary::load(Some(dir.path()));
        assert_eq!(lib.get("shop-printer").unwrap().name, "Shop's own");
        assert_eq!(
            lib.get("generic-58mm").unwrap().code_pages[&CodePage::CP866],
            7
        );
        assert_eq!(lib.errors.len(), 1);
        let err = lib.get("broken").unwrap_err().to_string();
        assert!(err.contains("broken.toml"), "{err}");
        assert!(matches!(
            lib.get("nothing"),
            Err(ProfileError::Unknown { .. })
        ));
        assert!(lib.all().count() > BUILT_IN.len());
        // A missing folder is not an error.
        let lib = ProfileLibrary::load(Some(&dir.path().join("absent")));
        assert!(lib.errors.is_empty());
    }
}
