//! The terminal's configuration: a TOML file in the platform config folder, or
//! training defaults when there is none.
//!
//! Every key is optional; see the README for the file's full form. Unknown keys are
//! refused with the file name and the key, so a typo never silently does nothing.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::domain::money::Money;
use crate::domain::receipt::Shop;
use crate::domain::user::ShiftOpening;
use crate::i18n::{Currency, Lang};
use crate::printing::profile::{FlowControl, Parity, PrinterProfile, SerialSettings};
use crate::printing::transport::{Connection, Timeouts};
use crate::printing::usb;

/// The config file as written by a person. Everything is optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Training mode: demo catalogue, documents marked as not real.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<bool>,
    /// Language of screens and documents: `ru`, `pl` or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Lang>,
    /// ISO 4217 currency code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    /// IANA time zone of the shop, e.g. `Europe/Moscow`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// The largest single payment the terminal accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_payment: Option<Money>,
    /// The most change the till gives for one payment (bounds the cash received).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_change: Option<Money>,
    /// The shop (payment agent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop: Option<Shop>,
    /// This terminal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminal: Option<TerminalSection>,
    /// The journal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<JournalSection>,
    /// The receipt printer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printer: Option<PrinterSection>,
    /// Where the operator catalogue comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<CatalogueSection>,
    /// The payment hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hub: Option<HubSection>,
    /// How the till works day to day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub till: Option<TillSection>,
    /// The fiscal register, if the shop has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fiscal: Option<FiscalSection>,
}

/// `[fiscal]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiscalSection {
    /// `"none"` (the default: the receipt printer prints a payment confirmation) or
    /// `"shtrih-m"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Serial port, e.g. /dev/ttyACM0 or COM3.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Serial speed (the register's default is 4800 or 115200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baud: Option<u32>,
    /// Network register: host or host:port (default port 7778).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The cashier operator's password (factory default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_password: Option<u32>,
    /// The system administrator's password (factory default 30).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_password: Option<u32>,
    /// Применяемая СНО: osn, usn-income, usn-income-expense, eshn, patent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_system: Option<String>,
    /// VAT on the agent's item: none (default), 0, 10, 20.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat: Option<String>,
    /// How long to wait for a receipt's answer, ms (default 60000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
}

/// How paydesk reaches the fiscal register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FiscalConnection {
    /// A serial port (or a USB CDC one).
    Serial {
        /// The port.
        path: String,
        /// Its speed.
        baud: u32,
    },
    /// TCP.
    Tcp {
        /// host:port.
        address: String,
    },
}

/// The fiscal register in force.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum FiscalConfig {
    /// None: the receipt printer prints a payment confirmation (never called fiscal).
    #[default]
    None,
    /// A Shtrih-M register.
    ShtrihM {
        /// Where it is.
        connection: FiscalConnection,
        /// Its passwords.
        passwords: crate::fiscal::shtrih::Passwords,
        /// The shop's tax system.
        tax_system: crate::fiscal::TaxSystem,
        /// VAT on the agent's item.
        vat: crate::fiscal::Vat,
        /// How long a receipt may take.
        answer_timeout: Duration,
    },
}

/// The network register's port when the address gives none: the vendor driver's
/// TCPPort for Ethernet and USB-RNDIS models (README, "Fiscal registers").
pub const SHTRIH_TCP_PORT: u16 = 7778;

impl FiscalConfig {
    /// Checks a `[fiscal]` section.
    pub fn from_section(f: &FiscalSection) -> Result<FiscalConfig, String> {
        match f.device.as_deref().unwrap_or("none") {
            "none" => return Ok(FiscalConfig::None),
            "shtrih-m" => {}
            other => {
                return Err(format!(
                    "[fiscal] device = {other:?}: allowed \"none\" or \"shtrih-m\""
                ));
            }
        }
        let connection = match (&f.path, &f.address) {
            (Some(path), None) if !path.trim().is_empty() => {
                let baud = f.baud.unwrap_or(115_200);
                const SPEEDS: [u32; 7] = [2400, 4800, 9600, 19200, 38400, 57600, 115_200];
                if !SPEEDS.contains(&baud) {
                    return Err(format!(
                        "[fiscal] baud = {baud}: allowed 2400, 4800, 9600, 19200, 38400, 57600, 115200"
                    ));
                }
                FiscalConnection::Serial {
                    path: path.trim().to_string(),
                    baud,
                }
            }
            (None, Some(a)) if !a.trim().is_empty() => {
                let a = a.trim();
                let address = if a
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
                {
                    a.to_string()
                } else {
                    format!("{a}:{SHTRIH_TCP_PORT}")
                };
                FiscalConnection::Tcp { address }
            }
            _ => {
                return Err("[fiscal] device = \"shtrih-m\" needs path (a serial port, e.g. /dev/ttyACM0) or address (e.g. 192.168.137.111:7778), one of them".into());
            }
        };
        use crate::fiscal::{TaxSystem, Vat};
        let tax_system = match f.tax_system.as_deref() {
            Some("osn") => TaxSystem::General,
            Some("usn-income") => TaxSystem::SimplifiedIncome,
            Some("usn-income-expense") => TaxSystem::SimplifiedIncomeMinusExpense,
            Some("eshn") => TaxSystem::Agricultural,
            Some("patent") => TaxSystem::Patent,
            Some(other) => {
                return Err(format!(
                    "[fiscal] tax_system = {other:?}: allowed osn, usn-income, usn-income-expense, eshn, patent"
                ));
            }
            None => {
                return Err("[fiscal] tax_system is required with a fiscal register (osn, usn-income, usn-income-expense, eshn, patent): it goes on every receipt".into());
            }
        };
        let vat = match f.vat.as_deref().unwrap_or("none") {
            "none" => Vat::None,
            "0" => Vat::Zero,
            "10" => Vat::Ten,
            "20" => Vat::Twenty,
            other => {
                return Err(format!("[fiscal] vat = {other:?}: allowed none, 0, 10, 20"));
            }
        };
        let timeout = f.timeout_ms.unwrap_or(60_000);
        if !(1_000..=600_000).contains(&timeout) {
            return Err(format!(
                "[fiscal] timeout_ms = {timeout}: allowed 1000 to 600000"
            ));
        }
        let d = crate::fiscal::shtrih::Passwords::default();
        Ok(FiscalConfig::ShtrihM {
            connection,
            passwords: crate::fiscal::shtrih::Passwords {
                operator: f.operator_password.unwrap_or(d.operator),
                admin: f.admin_password.unwrap_or(d.admin),
            },
            tax_system,
            vat,
            answer_timeout: Duration::from_millis(timeout),
        })
    }
}

/// `[till]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TillSection {
    /// Only a shift manager opens the shift; a cashier's payment with no shift open is
    /// refused before the pre-receipt (default: the cashier opens it with the cash
    /// counted in the drawer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_opens_shift: Option<bool>,
}

/// `[hub]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubSection {
    /// The hub's address, e.g. `https://hub.example.com`. Setting it ends training mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// This terminal's bearer token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// How long one request may take, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Pushes in flight at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<usize>,
    /// Minutes without a status change before a payment is flagged stuck.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stuck_after_minutes: Option<u64>,
    /// A PEM file with the certificate(s) to trust for the hub's HTTPS (a private CA);
    /// without it the public roots are trusted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// How long the sync lease lasts without renewal, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_ttl_ms: Option<u64>,
    /// The first retry delay after a lost answer, in milliseconds (doubles up to the cap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_base_ms: Option<u64>,
    /// The longest retry delay, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_cap_ms: Option<u64>,
    /// Allow plain `http://` to a hub that is not on this machine (the token and every
    /// payment would cross the network unencrypted): off unless set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_insecure_http: Option<bool>,
    /// The time of day ("HH:MM", the shop's zone) after which the sync worker reconciles
    /// the days before today with the hub's registry (default 01:00).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconcile_at: Option<String>,
    /// Show the agent's balance at the hub in the status bar once it is below this,
    /// e.g. "20000" (unset: never shown; payments above it are refused either way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance_warning: Option<Money>,
}

/// Which hub the terminal delivers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubTarget {
    /// None configured: payments wait in the journal.
    None,
    /// Training mode: the reference hub, started in this process on a loopback port.
    InProcess,
    /// A real hub.
    Remote {
        /// Its address.
        url: String,
        /// This terminal's token.
        token: String,
    },
}

/// The hub settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubConfig {
    /// Which hub.
    pub target: HubTarget,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Pushes in flight at once.
    pub concurrency: usize,
    /// When a payment counts as stuck.
    pub stuck_after: Duration,
    /// Certificates to trust for HTTPS instead of the public roots.
    pub ca_file: Option<PathBuf>,
    /// The sync lease's length.
    pub lease_ttl: Duration,
    /// Retry timing.
    pub backoff: crate::domain::delivery::Backoff,
    /// The status bar shows the agent's balance once it is below this.
    pub balance_warning: Option<Money>,
    /// When the sync worker reconciles the days before today.
    pub reconcile_at: chrono::NaiveTime,
}

/// `[terminal]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerminalSection {
    /// The terminal id printed on receipts and sent to the hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name headless commands act as while the journal has no users (after that,
    /// the logged-in user is the cashier on every document and event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cashier: Option<String>,
}

/// `[journal]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalSection {
    /// The journal file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// How long to wait for another process's lock, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_timeout_ms: Option<u64>,
    /// Where backups go (default: `backups` beside the journal; another disk is better).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_dir: Option<PathBuf>,
    /// How many backups to keep there (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backups_kept: Option<u16>,
}

/// `[printer]`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterSection {
    /// Profile id (a built-in profile or a file in the config folder's
    /// `printer-profiles/`, without `.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// How the printer is connected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection: Option<ConnectionKind>,
    /// Serial port (`/dev/ttyUSB0`, `COM3`) or device file (`/dev/usb/lp0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// USB `vendor:product` in hex, e.g. `04b8:0e28`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usb: Option<String>,
    /// Network printer `host` or `host:port` (port 9100 by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Serial speed (the profile's default otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baud: Option<u32>,
    /// Serial data bits: 7 or 8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_bits: Option<u8>,
    /// Serial parity: none, odd, even.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parity: Option<Parity>,
    /// Serial stop bits: 1 or 2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_bits: Option<u8>,
    /// Serial flow control: none, rts-cts, xon-xoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control: Option<FlowControl>,
    /// How long the printer may hold back data before paydesk gives up (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_timeout_ms: Option<u64>,
    /// How long to wait for a status answer (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_timeout_ms: Option<u64>,
    /// Opening a TCP connection (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_timeout_ms: Option<u64>,
    /// How long a document may take to print before paydesk asks why (ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_timeout_ms: Option<u64>,
    /// Open the cash drawer when cash is taken or refunded (if the model has a drawer
    /// port); default: yes, except in training mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_drawer: Option<bool>,
    /// Each printed document is also written into this folder (any connection).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<PathBuf>,
}

/// `[printer] connection`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    /// The on-screen paper.
    #[default]
    Virtual,
    /// RS-232 or USB-serial: `path`.
    Serial,
    /// USB by id: `usb`.
    Usb,
    /// A device file: `path`.
    File,
    /// A network printer: `address`.
    Tcp,
}

impl ConnectionKind {
    /// Every kind, in the order settings shows them.
    pub const ALL: [ConnectionKind; 5] = [
        ConnectionKind::Virtual,
        ConnectionKind::Serial,
        ConnectionKind::Usb,
        ConnectionKind::File,
        ConnectionKind::Tcp,
    ];
}

/// `[catalogue]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueSection {
    /// A TOML file with `[[operator]]` entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

/// Where the operator catalogue comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CatalogueSource {
    /// The demo catalogue built in for training mode (by currency).
    Demo,
    /// A file.
    File(PathBuf),
    /// What the journal has cached.
    Cached,
}

/// The receipt printer's settings, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrinterConfig {
    /// Profile id.
    pub profile: String,
    /// Where user profiles are (`<config folder>/printer-profiles`).
    pub profiles_dir: PathBuf,
    /// The connection; a serial connection's settings are the config's overrides
    /// over the profile's defaults, see [`PrinterConfig::connection`].
    pub kind: ConnectionKind,
    /// The section as written (serial overrides and paths).
    pub section: PrinterSection,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Open the cash drawer when cash goes in (a sale) or out (a refund), as the
    /// config says; unset: open outside training mode, shut in training mode.
    pub open_drawer: Option<bool>,
}

impl PrinterConfig {
    /// Checks a `[printer]` section.
    pub fn from_section(
        section: &PrinterSection,
        profiles_dir: PathBuf,
    ) -> Result<PrinterConfig, String> {
        let kind = section.connection.unwrap_or_default();
        let need = |key: &str, what: &str| {
            format!(
                "[printer] connection = \"{}\" needs {key} ({what})",
                kind_word(kind)
            )
        };
        match kind {
            ConnectionKind::Virtual => {}
            ConnectionKind::Serial if section.path.is_none() => {
                return Err(need("path", "e.g. /dev/ttyUSB0 or COM3"));
            }
            ConnectionKind::File if section.path.is_none() => {
                return Err(need("path", "e.g. /dev/usb/lp0"));
            }
            ConnectionKind::Usb => match section.usb.as_deref() {
                None => return Err(need("usb", "vendor:product in hex, e.g. 04b8:0e28")),
                Some(id) if usb::parse_id(id).is_none() => {
                    return Err(format!(
                        "[printer] usb = {id:?}: give vendor:product in hex, e.g. 04b8:0e28"
                    ));
                }
                Some(_) => {}
            },
            ConnectionKind::Tcp if section.address.as_deref().is_none_or(str::is_empty) => {
                return Err(need("address", "e.g. 192.168.1.50 or 192.168.1.50:9100"));
            }
            _ => {}
        }
        let overrides = SerialSettings {
            baud: section.baud.unwrap_or(9600),
            data_bits: section.data_bits.unwrap_or(8),
            parity: Parity::None,
            stop_bits: section.stop_bits.unwrap_or(1),
            flow_control: FlowControl::None,
        };
        if let Some((key, value, allowed)) = overrides.problem() {
            return Err(format!("[printer] {key} = {value}: allowed {allowed}"));
        }
        let ms = |v: Option<u64>, default: Duration, key: &str| -> Result<Duration, String> {
            match v {
                None => Ok(default),
                Some(ms) if (1..=600_000).contains(&ms) => Ok(Duration::from_millis(ms)),
                Some(ms) => Err(format!("[printer] {key} = {ms}: allowed 1 to 600000 (ms)")),
            }
        };
        let d = Timeouts::default();
        let timeouts = Timeouts {
            connect: ms(section.connect_timeout_ms, d.connect, "connect_timeout_ms")?,
            write: ms(section.write_timeout_ms, d.write, "write_timeout_ms")?,
            status: ms(section.status_timeout_ms, d.status, "status_timeout_ms")?,
            job_done: ms(section.job_timeout_ms, d.job_done, "job_timeout_ms")?,
        };
        Ok(PrinterConfig {
            profile: section
                .profile
                .clone()
                .unwrap_or_else(|| "generic-80mm".into()),
            profiles_dir,
            kind,
            section: section.clone(),
            timeouts,
            open_drawer: section.open_drawer,
        })
    }

    /// The connection for a profile: serial settings are the profile's defaults with
    /// the config's overrides.
    pub fn connection(&self, profile: &PrinterProfile) -> Connection {
        let s = &self.section;
        match self.kind {
            ConnectionKind::Virtual => Connection::Virtual {
                output_dir: s.output_dir.clone(),
            },
            ConnectionKind::Serial => {
                let base = profile.serial.unwrap_or_default();
                Connection::Serial {
                    path: s.path.clone().unwrap_or_default(),
                    settings: SerialSettings {
                        baud: s.baud.unwrap_or(base.baud),
                        data_bits: s.data_bits.unwrap_or(base.data_bits),
                        parity: s.parity.unwrap_or(base.parity),
                        stop_bits: s.stop_bits.unwrap_or(base.stop_bits),
                        flow_control: s.flow_control.unwrap_or(base.flow_control),
                    },
                }
            }
            ConnectionKind::Usb => {
                let (vendor_id, product_id) =
                    s.usb.as_deref().and_then(usb::parse_id).unwrap_or_default();
                Connection::Usb {
                    vendor_id,
                    product_id,
                }
            }
            ConnectionKind::File => Connection::DeviceFile {
                path: PathBuf::from(s.path.clone().unwrap_or_default()),
            },
            ConnectionKind::Tcp => Connection::Tcp {
                address: s.address.clone().unwrap_or_default(),
            },
        }
    }
}

/// The config's word for a connection kind.
pub fn kind_word(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::Virtual => "virtual",
        ConnectionKind::Serial => "serial",
        ConnectionKind::Usb => "usb",
        ConnectionKind::File => "file",
        ConnectionKind::Tcp => "tcp",
    }
}

/// Something a real shop's configuration lacks that its documents should print;
/// paydesk starts anyway and says so (not in training mode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigWarning {
    /// `[shop] phone` is not set: no document prints the agent's phone.
    NoAgentPhone,
    /// These operators (codes) have no `phone` in the catalogue.
    NoOperatorPhone(Vec<String>),
}

/// The configuration in force, every value resolved.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it came from (`None`: training defaults, no file).
    pub source: Option<PathBuf>,
    /// Where settings are saved (the file, or where it would be).
    pub save_path: PathBuf,
    /// Training mode.
    pub training: bool,
    /// Language.
    pub lang: Lang,
    /// Currency.
    pub currency: Currency,
    /// Time zone.
    pub tz: Tz,
    /// Ceiling for one payment.
    pub max_payment: Money,
    /// The most change for one payment: cash received is at most total + this.
    pub max_change: Money,
    /// The shop.
    pub shop: Shop,
    /// Terminal id.
    pub terminal_id: String,
    /// The name headless commands act as while the journal has no users.
    pub cashier: String,
    /// Journal file.
    pub journal_path: PathBuf,
    /// Busy timeout.
    pub busy_timeout: Duration,
    /// Where backups go and how many stay.
    pub backups: Backups,
    /// Printer.
    pub printer: PrinterConfig,
    /// Catalogue source.
    pub catalogue: CatalogueSource,
    /// The hub.
    pub hub: HubConfig,
    /// Who opens a shift.
    pub shift_opening: ShiftOpening,
    /// The fiscal register.
    pub fiscal: FiscalConfig,
}

/// Where the journal's backups go and how many stay there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backups {
    /// The folder.
    pub dir: PathBuf,
    /// How many are kept.
    pub keep: usize,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read the config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not valid TOML or not paydesk's keys.
    #[error("config file {path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong and where.
        message: String,
    },
    /// The file cannot be written.
    #[error("cannot write the config file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// The largest config file read.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// Texts printed on every document are bounded by what a receipt can hold.
const MAX_SHOP_NAME: usize = 200;
const MAX_TAX_ID: usize = 32;
const MAX_ADDRESS: usize = 300;
const MAX_NAME: usize = 64;

/// `value` of `key`, `default` when unset; refused with the key and the allowed
/// range when outside it.
fn in_range(
    key: &str,
    value: Option<u64>,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
    unit: &str,
) -> Result<u64, String> {
    match value {
        None => Ok(default),
        Some(v) if range.contains(&v) => Ok(v),
        Some(v) => Err(format!(
            "{key} = {v}: allowed {} to {} ({unit})",
            range.start(),
            range.end()
        )),
    }
}

/// A text of the config that goes on documents or screens: at most `max`
/// characters, one line, no control characters.
fn check_text(key: &str, value: &str, max: usize) -> Result<(), String> {
    if value.chars().count() > max {
        return Err(format!(
            "{key} is {} characters long: at most {max} fit on a receipt",
            value.chars().count()
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{key} holds a line break or another control character: give it on one line"
        ));
    }
    Ok(())
}

/// The hub's address: HTTPS (plain HTTP only to this machine, or when
/// `allow_insecure_http` says so), no user or password in it.
fn check_hub_url(url: &str, allow_insecure_http: bool) -> Result<(), String> {
    let shown = crate::hub::client::redact_url(url);
    if url.len() > 2048 {
        return Err("[hub] url is longer than 2048 characters".into());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "[hub] url = {shown:?}: give an address such as https://hub.example.com"
        ));
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err(format!(
            "[hub] url = {shown:?}: put no user or password in the address; the terminal's token goes in [hub] token"
        ));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => Ok(()),
        "http" if loopback || allow_insecure_http => Ok(()),
        "http" => Err(format!(
            "[hub] url = {shown:?}: plain http would send the token and every payment unencrypted to {host}; use https, or set [hub] allow_insecure_http = true for a hub on a trusted network"
        )),
        _ => Err(format!(
            "[hub] url = {shown:?}: give an address such as https://hub.example.com"
        )),
    }
}

/// The terminal's bearer token: one line of visible characters.
fn check_token(token: &str) -> Result<(), String> {
    if token.is_empty() {
        return Err("[hub] token is empty: the hub gives each terminal its token".into());
    }
    if token.len() > 4096 {
        return Err("[hub] token is longer than 4096 characters".into());
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "[hub] token holds spaces, line breaks or letters outside ASCII: copy it again exactly as the hub gave it"
                .into(),
        );
    }
    Ok(())
}

/// Platform folders for paydesk.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "paydesk")
}

/// The default config file: `<config dir>/config.toml`.
pub fn default_config_path() -> PathBuf {
    project_dirs()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("paydesk-config.toml"))
}

fn default_data_dir() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn system_tz() -> Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|name| Tz::from_str(&name).ok())
        .unwrap_or(Tz::UTC)
}

impl Config {
    /// Loads the configuration. `config` is an explicit file (`--config`): it must
    /// exist. Without it the default file is used if present, training defaults if
    /// not. `journal` (`--journal`) overrides the journal path.
    pub fn load(config: Option<&Path>, journal: Option<&Path>) -> Result<Config, ConfigError> {
        let (path, file) = match config {
            Some(p) => (p.to_path_buf(), Some(ConfigFile::read(p)?)),
            None => {
                let p = default_config_path();
                if p.exists() {
                    let f = ConfigFile::read(&p)?;
                    (p, Some(f))
                } else {
                    (p, None)
                }
            }
        };
        let source = file.as_ref().map(|_| path.clone());
        let mut c = Config::resolve(file.unwrap_or_default(), source.is_none(), &path)?;
        c.source = source;
        c.save_path = path;
        if let Some(j) = journal {
            c.journal_path = j.to_path_buf();
        }
        Ok(c)
    }

    /// Resolves a parsed file to a configuration. `no_file` means training defaults.
    pub fn resolve(f: ConfigFile, no_file: bool, path: &Path) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let hub_section = f.hub.clone().unwrap_or_default();
        // A hub address means real payments: training mode is off.
        let training = f.training.unwrap_or(no_file) && hub_section.url.is_none();
        let target = match (hub_section.url.clone(), hub_section.token.clone(), training) {
            (Some(url), Some(token), _) => {
                check_hub_url(&url, hub_section.allow_insecure_http.unwrap_or(false))
                    .map_err(invalid)?;
                check_token(&token).map_err(invalid)?;
                HubTarget::Remote { url, token }
            }
            (Some(_), None, _) => {
                return Err(invalid(
                    "[hub] token is missing: the hub gives each terminal its token".into(),
                ));
            }
            (None, _, true) => HubTarget::InProcess,
            (None, _, false) => HubTarget::None,
        };
        let h = &hub_section;
        let hub = HubConfig {
            target,
            timeout: Duration::from_millis(
                in_range("[hub] timeout_ms", h.timeout_ms, 5_000, 100..=120_000, "ms")
                    .map_err(invalid)?,
            ),
            concurrency: in_range(
                "[hub] concurrency",
                h.concurrency.map(|c| c as u64),
                8,
                1..=64,
                "pushes at once",
            )
            .map_err(invalid)? as usize,
            stuck_after: Duration::from_secs(
                60 * in_range(
                    "[hub] stuck_after_minutes",
                    h.stuck_after_minutes,
                    30,
                    1..=10_080,
                    "minutes",
                )
                .map_err(invalid)?,
            ),
            ca_file: h.ca_file.clone(),
            lease_ttl: Duration::from_millis(
                in_range(
                    "[hub] lease_ttl_ms",
                    h.lease_ttl_ms,
                    15_000,
                    300..=3_600_000,
                    "ms",
                )
                .map_err(invalid)?,
            ),
            backoff: crate::domain::delivery::Backoff {
                base: Duration::from_millis(
                    in_range(
                        "[hub] retry_base_ms",
                        h.retry_base_ms,
                        1_000,
                        1..=3_600_000,
                        "ms",
                    )
                    .map_err(invalid)?,
                ),
                cap: Duration::from_millis(
                    in_range(
                        "[hub] retry_cap_ms",
                        h.retry_cap_ms,
                        300_000,
                        1..=86_400_000,
                        "ms",
                    )
                    .map_err(invalid)?,
                ),
            },
            balance_warning: h.balance_warning,
            reconcile_at: match &h.reconcile_at {
                None => chrono::NaiveTime::from_hms_opt(1, 0, 0).expect("a valid time"),
                Some(t) => chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| {
                    invalid(format!(
                        "[hub] reconcile_at {t:?}: give a time of day as HH:MM, e.g. \"01:00\""
                    ))
                })?,
            },
        };
        let lang = f.language.unwrap_or_else(Lang::from_env);
        let currency = f.currency.clone().unwrap_or_else(|| match lang {
            Lang::Pl => Currency::try_from("PLN".to_string()).expect("PLN is valid"),
            _ => Currency::default(),
        });
        let tz = match &f.timezone {
            Some(name) => Tz::from_str(name)
                .map_err(|_| invalid(format!("timezone {name:?} is not an IANA time zone such as Europe/Moscow or Europe/Warsaw")))?,
            None => system_tz(),
        };
        let max_payment = f
            .max_payment
            .unwrap_or_else(|| Money::from_minor(1_500_000).expect("positive"));
        if max_payment.is_zero() {
            return Err(invalid("max_payment must be above zero".into()));
        }
        let max_change = match f.max_change {
            Some(m) => m,
            None => Money::from_decimal(
                currency.largest_banknote().decimal() * rust_decimal::Decimal::ONE_HUNDRED,
            )
            .unwrap_or(Money::MAX),
        };
        let shop = match (f.shop.clone(), training) {
            (Some(s), _) => s,
            (None, true) => Shop {
                name: match lang {
                    Lang::Ru => "Учебный магазин",
                    Lang::Pl => "Sklep szkoleniowy",
                    Lang::En => "Training shop",
                }
                .into(),
                tax_id: "0000000000".into(),
                address: String::new(),
                phone: String::new(),
            },
            (None, false) => {
                return Err(invalid(
                    "[shop] is missing: name and tax_id are printed on every receipt".into(),
                ));
            }
        };
        if shop.name.trim().is_empty() || shop.tax_id.trim().is_empty() {
            return Err(invalid("[shop] name and tax_id must not be empty".into()));
        }
        for (key, value, max) in [
            ("[shop] name", &shop.name, MAX_SHOP_NAME),
            ("[shop] tax_id", &shop.tax_id, MAX_TAX_ID),
            ("[shop] address", &shop.address, MAX_ADDRESS),
            (
                "[shop] phone",
                &shop.phone,
                crate::domain::operator::MAX_PHONE,
            ),
        ] {
            check_text(key, value, max).map_err(invalid)?;
        }
        let terminal = f.terminal.clone().unwrap_or_default();
        let terminal_id = terminal
            .id
            .unwrap_or_else(|| if training { "TRAIN-01" } else { "T-01" }.into());
        if terminal_id.trim().is_empty() || terminal_id.chars().count() > 32 {
            return Err(invalid("[terminal] id must be 1 to 32 characters".into()));
        }
        check_text("[terminal] id", &terminal_id, 32).map_err(invalid)?;
        let cashier = terminal.cashier.unwrap_or_else(|| {
            match lang {
                Lang::Ru => "Кассир",
                Lang::Pl => "Kasjer",
                Lang::En => "Cashier",
            }
            .into()
        });
        let journal = f.journal.clone().unwrap_or_default();
        let journal_path = journal.path.unwrap_or_else(|| {
            default_data_dir().join(if training {
                "paydesk-training.sqlite"
            } else {
                "paydesk.sqlite"
            })
        });
        let busy_timeout = Duration::from_millis(
            in_range(
                "[journal] busy_timeout_ms",
                journal.busy_timeout_ms,
                5_000,
                0..=600_000,
                "ms",
            )
            .map_err(invalid)?,
        );
        check_text("[terminal] cashier", &cashier, MAX_NAME).map_err(invalid)?;
        let backups = Backups {
            dir: journal.backup_dir.clone().unwrap_or_else(|| {
                journal_path
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .join("backups")
            }),
            keep: usize::from(
                in_range(
                    "[journal] backups_kept",
                    journal.backups_kept.map(u64::from),
                    10,
                    1..=1000,
                    "",
                )
                .map_err(invalid)? as u16,
            ),
        };
        let profiles_dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("printer-profiles");
        let printer =
            PrinterConfig::from_section(&f.printer.clone().unwrap_or_default(), profiles_dir)
                .map_err(invalid)?;
        let catalogue = match (f.catalogue.as_ref().and_then(|c| c.file.clone()), training) {
            (Some(file), _) => CatalogueSource::File(file),
            (None, true) => CatalogueSource::Demo,
            (None, false) => CatalogueSource::Cached,
        };
        Ok(Config {
            source: None,
            save_path: path.to_path_buf(),
            training,
            lang,
            currency,
            tz,
            max_payment,
            max_change,
            shop,
            terminal_id,
            cashier,
            journal_path,
            busy_timeout,
            backups,
            printer,
            catalogue,
            hub,
            fiscal: FiscalConfig::from_section(&f.fiscal.clone().unwrap_or_default())
                .map_err(invalid)?,
            shift_opening: match f.till.as_ref().and_then(|t| t.manager_opens_shift) {
                Some(true) => ShiftOpening::Manager,
                _ => ShiftOpening::Cashier,
            },
        })
    }

    /// What this configuration and its catalogue lack that a payment agent's
    /// documents should print (103-ФЗ art. 5: the agent's and the supplier's phones).
    /// Nothing in training mode.
    pub fn warnings(&self, catalogue: &crate::domain::operator::Catalogue) -> Vec<ConfigWarning> {
        if self.training {
            return Vec::new();
        }
        let mut warnings = Vec::new();
        if self.shop.phone.trim().is_empty() {
            warnings.push(ConfigWarning::NoAgentPhone);
        }
        let without: Vec<String> = catalogue
            .operators
            .iter()
            .filter(|o| o.phone.is_none())
            .map(|o| o.code.to_string())
            .collect();
        if !without.is_empty() {
            warnings.push(ConfigWarning::NoOperatorPhone(without));
        }
        warnings
    }

    /// Writes `language` into the config file, keeping the file's other settings.
    /// Without a file, one is created that keeps training mode on.
    pub fn save_language(&self, lang: Lang) -> Result<PathBuf, ConfigError> {
        self.save_with(|f| f.language = Some(lang))
    }

    /// Writes the `[printer]` section into the config file, keeping the rest.
    pub fn save_printer(&self, section: &PrinterSection) -> Result<PathBuf, ConfigError> {
        self.save_with(|f| f.printer = Some(section.clone()))
    }

    fn save_with(&self, change: impl FnOnce(&mut ConfigFile)) -> Result<PathBuf, ConfigError> {
        let mut file = match &self.source {
            Some(p) => ConfigFile::read(p)?,
            None => ConfigFile {
                training: Some(self.training),
                ..ConfigFile::default()
            },
        };
        change(&mut file);
        let text = toml::to_string_pretty(&file).expect("config serialises");
        let write = || -> std::io::Result<()> {
            if let Some(dir) = self
                .save_path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                crate::files::create_dir_private(dir)?;
            }
            // It may hold the hub token: a new file is owner-only, a replaced one
            // keeps the mode the admin gave it.
            crate::files::replace_keeping_mode(&self.save_path, text.as_bytes())
        };
        write().map_err(|source| ConfigError::Write {
            path: self.save_path.clone(),
            source,
        })?;
        Ok(self.save_path.clone())
    }
}

impl ConfigFile {
    /// Reads and parses a config file.
    pub fn read(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = crate::files::read_text_capped(path, MAX_CONFIG_BYTES).map_err(|e| {
            ConfigError::Read {
                path: path.to_path_buf(),
                source: match e {
                    crate::files::ReadError::Io(io) => io,
                    other => std::io::Error::other(other.to_string()),
                },
            }
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let f: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: "t.toml".into(),
            message: e.to_string(),
        })?;
        Config::resolve(f, false, Path::new("t.toml"))
    }

    #[test]
    fn a_full_file_resolves() {
        let c = parse(
            r#"
            language = "pl"
            currency = "PLN"
            timezone = "Europe/Warsaw"
            max_payment = "5000"
            [shop]
            name = "Sklep u Ani"
            tax_id = "5250000000"
            [terminal]
            id = "WAW-3"
            cashier = "Anna"
            [journal]
            path = "/var/lib/paydesk/j.sqlite"
            [printer]
            profile = "generic-58mm"
            "#,
        )
        .unwrap();
        assert!(!c.training);
        assert_eq!(c.lang, Lang::Pl);
        assert_eq!(c.tz, chrono_tz::Europe::Warsaw);
        assert_eq!(c.terminal_id, "WAW-3");
        assert_eq!(c.catalogue, CatalogueSource::Cached);
        assert_eq!(c.printer.profile, "generic-58mm");
    }

    #[test]
    fn mistakes_name_the_key() {
        let shop = "[shop]\nname = \"S\"\ntax_id = \"1\"\n";
        let cases = [
            (format!("langauge = \"ru\"\n{shop}"), "langauge"),
            (format!("language = \"de\"\n{shop}"), "de"),
            (
                format!("timezone = \"Mars/Olympus\"\n{shop}"),
                "Mars/Olympus",
            ),
            (format!("currency = \"rubles\"\n{shop}"), "three-letter"),
            (format!("max_payment = \"1.005\"\n{shop}"), "two decimal"),
            ("language = \"ru\"\n".to_string(), "[shop] is missing"),
            (
                format!("{shop}[printer]\nconnection = \"serial\"\n"),
                "needs path",
            ),
            (
                format!("{shop}[printer]\nconnection = \"parallel\"\n"),
                "parallel",
            ),
            (
                format!("{shop}[printer]\nconnection = \"usb\"\nusb = \"epson\"\n"),
                "vendor:product",
            ),
            (
                format!("{shop}[printer]\nconnection = \"tcp\"\n"),
                "needs address",
            ),
            (
                format!(
                    "{shop}[printer]\nconnection = \"serial\"\npath = \"/dev/ttyS0\"\nbaud = 1200\n"
                ),
                "baud = 1200",
            ),
            (format!("{shop}[printer]\nparity = \"mark\"\n"), "mark"),
        ];
        for (text, expected) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{err:?} should mention {expected:?}"
            );
            assert!(err.contains("t.toml"), "{err:?} should name the file");
        }
    }

    /// Every duration and size has a documented range, every text a length: out of
    /// range is refused with the key (never a panic later), the range in the words.
    #[test]
    fn out_of_range_values_are_refused_with_the_key_and_the_range() {
        let shop = "[shop]\nname = \"S\"\ntax_id = \"1\"\n";
        let hub = "[hub]\nurl = \"https://hub.example.com\"\ntoken = \"t\"\n";
        let long = "x".repeat(10_000);
        let cases: Vec<(String, &str)> = vec![
            (
                format!("{shop}{hub}lease_ttl_ms = 10000000000000000\n"),
                "[hub] lease_ttl_ms = 10000000000000000: allowed 300 to 3600000 (ms)",
            ),
            (
                format!("{shop}{hub}timeout_ms = 99999999999\n"),
                "[hub] timeout_ms = 99999999999: allowed 100 to 120000",
            ),
            (
                format!("{shop}{hub}timeout_ms = 0\n"),
                "[hub] timeout_ms = 0",
            ),
            (
                format!("{shop}{hub}concurrency = 0\n"),
                "[hub] concurrency = 0: allowed 1 to 64",
            ),
            (
                format!("{shop}{hub}concurrency = 100000\n"),
                "[hub] concurrency = 100000",
            ),
            (
                format!("{shop}{hub}stuck_after_minutes = 0\n"),
                "[hub] stuck_after_minutes = 0",
            ),
            (
                format!("{shop}{hub}retry_base_ms = 0\n"),
                "[hub] retry_base_ms = 0",
            ),
            (
                format!("{shop}{hub}retry_cap_ms = 18446744073709551615\n"),
                "[hub] retry_cap_ms",
            ),
            (
                format!("{shop}[journal]\nbusy_timeout_ms = 2147483648\n"),
                "[journal] busy_timeout_ms = 2147483648: allowed 0 to 600000",
            ),
            (
                format!("[shop]\nname = \"{long}\"\ntax_id = \"1\"\n"),
                "[shop] name is 10000 characters long: at most 200",
            ),
            (
                format!("[shop]\nname = \"S\"\ntax_id = \"1\"\naddress = \"{long}\"\n"),
                "[shop] address",
            ),
            (
                "[shop]\nname = \"S\\nT\"\ntax_id = \"1\"\n".into(),
                "[shop] name holds a line break",
            ),
            (
                format!("{shop}[terminal]\ncashier = \"{long}\"\n"),
                "[terminal] cashier",
            ),
            (
                format!("{shop}[hub]\nurl = \"https://hub.example.com\"\ntoken = \"\"\n"),
                "[hub] token is empty",
            ),
            (
                format!("{shop}[hub]\nurl = \"https://hub.example.com\"\ntoken = \"a\\nb\"\n"),
                "[hub] token holds spaces, line breaks",
            ),
            (
                format!(
                    "{shop}[hub]\nurl = \"https://till:s3cret@hub.example.com\"\ntoken = \"t\"\n"
                ),
                "put no user or password in the address",
            ),
            (
                format!("{shop}[hub]\nurl = \"http://10.0.0.5:8080\"\ntoken = \"t\"\n"),
                "plain http would send the token",
            ),
            (
                format!("{shop}[hub]\nurl = \"ftp://hub\"\ntoken = \"t\"\n"),
                "give an address such as https://",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should say {expected:?}");
            assert!(!err.contains("s3cret"), "{err:?} shows the password");
        }
        // Plain HTTP is fine on this machine, and elsewhere when allowed on purpose.
        for url in [
            "http://127.0.0.1:8080",
            "http://localhost",
            "http://[::1]:9",
        ] {
            assert!(
                parse(&format!("{shop}[hub]\nurl = \"{url}\"\ntoken = \"t\"\n")).is_ok(),
                "{url}"
            );
        }
        assert!(parse(&format!("{shop}[hub]\nurl = \"http://10.0.0.5\"\ntoken = \"t\"\nallow_insecure_http = true\n")).is_ok());
    }

    #[test]
    fn a_hub_url_ends_training_mode() {
        let c = parse("training = true\n[shop]\nname = \"S\"\ntax_id = \"1\"\n[hub]\nurl = \"https://hub.example.com\"\ntoken = \"t\"\n").unwrap();
        assert!(!c.training);
        assert_eq!(
            c.hub.target,
            HubTarget::Remote {
                url: "https://hub.example.com".into(),
                token: "t".into()
            }
        );
        let err = parse("[shop]\nname = \"S\"\ntax_id = \"1\"\n[hub]\nurl = \"https://h\"\n")
            .unwrap_err();
        assert!(err.to_string().contains("token is missing"), "{err}");
    }

    #[test]
    fn no_file_means_training() {
        let c = Config::resolve(ConfigFile::default(), true, Path::new("none.toml")).unwrap();
        assert!(c.training);
        assert_eq!(c.catalogue, CatalogueSource::Demo);
        assert_eq!(c.hub.target, HubTarget::InProcess);
        assert!(c.journal_path.ends_with("paydesk-training.sqlite"));
    }

    #[test]
    fn saving_the_language_keeps_other_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "training = true\n[terminal]\nid = \"X-1\"\n").unwrap();
        let c = Config::load(Some(&path), None).unwrap();
        c.save_language(Lang::Pl).unwrap();
        let again = Config::load(Some(&path), None).unwrap();
        assert_eq!(again.lang, Lang::Pl);
        assert_eq!(again.terminal_id, "X-1");
        assert!(again.training);
    }
}
