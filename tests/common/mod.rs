//! Helpers shared by the integration tests: a training config in a temp folder, the
//! real `paydesk` binary, and the real journal file.
#![allow(dead_code)]

pub mod fake_printer;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::net::SocketAddr;

use paydesk::app::config::{Config, ConfigFile, JournalSection, PrinterSection};
use paydesk::app::till::demo_catalogue;
use paydesk::hub::server::faults::Faults;
use paydesk::hub::server::sim::Simulation;
use paydesk::hub::server::{HubOptions, RunningHub, TerminalCredential};
use paydesk::i18n::Lang;
use paydesk::journal::{Journal, OpenOptions};

/// A temp folder with a config file and a journal path in it.
pub struct Shop {
    pub dir: tempfile::TempDir,
}

impl Shop {
    /// English, UTC, training mode, terminal TRAIN-01.
    pub fn new() -> Shop {
        Shop::with_config("")
    }

    /// Like `new`, with extra TOML appended to the config file.
    pub fn with_config(extra: &str) -> Shop {
        let dir = tempfile::tempdir().unwrap();
        let shop = Shop { dir };
        let journal = shop.journal_path();
        let text = format!(
            "training = true\nlanguage = \"en\"\ntimezone = \"UTC\"\n{extra}\n[journal]\npath = {:?}\nbusy_timeout_ms = 300\n",
            journal.display().to_string()
        );
        std::fs::write(shop.config_path(), text).unwrap();
        shop
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn journal_path(&self) -> PathBuf {
        self.dir.path().join("journal.sqlite")
    }

    pub fn paper_dir(&self) -> PathBuf {
        self.dir.path().join("paper")
    }

    /// The resolved config, as the GUI would load it.
    pub fn config(&self) -> Config {
        Config::load(Some(&self.config_path()), None).unwrap()
    }

    /// The `paydesk` binary with this shop's config.
    pub fn paydesk(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_paydesk"));
        c.arg("--config").arg(self.config_path());
        c.env_remove(paydesk::crashpoint::ENV);
        c.env("PAYDESK_LOG", "off");
        c
    }

    /// Opens a shift with an empty drawer on this shop's journal unless one is open
    /// (the day's first step at a till; a payment never opens one by itself). A
    /// journal that cannot be opened or written is left alone: the command under test
    /// says why.
    pub fn ensure_shift(&self) {
        let config = self.config();
        let Ok(mut j) = Journal::open(&config.journal_path, &OpenOptions::default()) else {
            return;
        };
        if let Ok(None) = j.current_shift(&config.terminal_id) {
            // Opened meanwhile by a sibling, or the journal is locked on purpose: the
            // command under test meets what is there.
            let _ = j.open_shift(&config.terminal_id, Default::default(), "Test");
        }
    }

    /// `paydesk pay` for a valid MTS payment of `amount`, documents into paper_dir
    /// (a shift opened first if none is).
    pub fn pay(&self, amount: &str) -> Output {
        self.ensure_shift();
        self.paydesk()
            .args([
                "pay",
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                amount,
            ])
            .args(["--tendered", "20000", "--customer-signed", "--out"])
            .arg(self.paper_dir())
            .output()
            .unwrap()
    }

    /// `paydesk pay` (MTS, 250, tendered 300, documents into paper_dir) that aborts at
    /// the named crash point.
    pub fn pay_crashing_at(&self, point: &str) -> Output {
        self.ensure_shift();
        self.paydesk()
            .env(paydesk::crashpoint::ENV, point)
            .args([
                "pay",
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "250",
            ])
            .args(["--tendered", "300", "--customer-signed", "--out"])
            .arg(self.paper_dir())
            .output()
            .unwrap()
    }

    /// Opens the journal file (a second connection, as another process would).
    pub fn journal(&self) -> Journal {
        Journal::open(&self.journal_path(), &OpenOptions::default()).unwrap()
    }
}

/// A reference hub on a free loopback port that knows terminal TRAIN-01 by `token`,
/// its store in `dir` (plain HTTP, fast commits).
pub fn start_hub(dir: &Path, token: &str, sim: Simulation, faults: Faults) -> RunningHub {
    RunningHub::start(
        HubOptions {
            tls: None,
            db: dir.join("hub.sqlite"),
            durable: false,
            terminals: vec![TerminalCredential {
                id: "TRAIN-01".into(),
                token: token.into(),
                balance: None,
            }],
            catalogue: demo_catalogue("RUB"),
            sim,
            faults,
        },
        SocketAddr::from(([127, 0, 0, 1], 0)),
    )
    .unwrap()
}

/// The config of terminal TRAIN-01 delivering to a real hub at `url` with `token`
/// (English, UTC, the journal in `dir`, the virtual printer), as a file's contents:
/// change what a test needs, then [`resolve`] it.
pub fn hub_config_file(dir: &Path, url: &str, token: &str) -> ConfigFile {
    use paydesk::app::config::{HubSection, TerminalSection};
    ConfigFile {
        language: Some(Lang::En),
        timezone: Some("UTC".into()),
        shop: Some(paydesk::domain::receipt::Shop {
            name: "Romashka LLC".into(),
            tax_id: "7701234567".into(),
            address: String::new(),
            phone: String::new(),
        }),
        terminal: Some(TerminalSection {
            id: Some("TRAIN-01".into()),
            ..Default::default()
        }),
        journal: Some(JournalSection {
            path: Some(dir.join("journal.sqlite")),
            busy_timeout_ms: Some(300),
            ..JournalSection::default()
        }),
        printer: Some(PrinterSection::default()),
        hub: Some(HubSection {
            url: Some(url.into()),
            token: Some(token.into()),
            ..Default::default()
        }),
        ..ConfigFile::default()
    }
}

/// A config file's contents resolved as if the file were `dir/config.toml`.
pub fn resolve(dir: &Path, file: ConfigFile) -> Config {
    Config::resolve(file, false, &dir.join("config.toml")).unwrap()
}

/// A config resolved in memory (no file) for in-process tests.
pub fn config_in(dir: &Path, lang: Lang) -> Config {
    let file = ConfigFile {
        training: Some(true),
        language: Some(lang),
        timezone: Some("UTC".into()),
        journal: Some(JournalSection {
            path: Some(dir.join("journal.sqlite")),
            busy_timeout_ms: Some(300),
            ..JournalSection::default()
        }),
        printer: Some(PrinterSection::default()),
        ..ConfigFile::default()
    };
    Config::resolve(file, false, &dir.join("config.toml")).unwrap()
}

/// Text of stdout and stderr.
pub fn out(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Opens a shift with an empty drawer unless one is open (a payment needs one).
pub fn ensure_shift(till: &mut paydesk::app::till::Till) {
    if till.shifts().current().unwrap().is_none() {
        till.shifts().open(Default::default()).unwrap();
    }
}

/// Takes an MTS payment of `amount` to `account` through the till with the exact cash:
/// pre-receipt, signature, fiscal receipt (a shift opened first if none is). Returns its
/// id and fiscal receipt number.
pub fn take_mts_payment(
    till: &mut paydesk::app::till::Till,
    account: &str,
    amount: &str,
) -> (paydesk::domain::payment::PaymentId, u64) {
    let q = paydesk::domain::entry::validate(
        till.rules().catalogue(),
        &paydesk::domain::entry::PaymentInput {
            operator_code: Some("MTS".into()),
            account: account.into(),
            amount: amount.into(),
        },
        till.rules().max_payment(),
    )
    .unwrap();
    ensure_shift(till);
    let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
    till.payments().customer_signed(id).unwrap();
    let p = till.payments().take_cash(id, q.total).unwrap().payment;
    (id, p.state.fiscal().unwrap().receipt_no)
}

/// A Shtrih-M emulator serving one end of a pty; returns it, the path for
/// `[fiscal] path`, and a plain descriptor that keeps the pty alive (no lock, so each
/// paydesk process can take the port for itself). Keep the file while the test runs.
pub fn fiscal_register() -> (paydesk::fiscal::emulator::Emulator, String, std::fs::File) {
    let (master, slave) = serialport::TTYPort::pair().expect("a pty pair");
    let path = serialport::SerialPort::name(&slave).unwrap();
    let keep = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    drop(slave);
    let emu = paydesk::fiscal::emulator::Emulator::new();
    let serving = emu.clone();
    std::thread::spawn(move || serving.serve(master));
    (emu, path, keep)
}
