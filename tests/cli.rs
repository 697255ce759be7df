//! The `paydesk` command line as a script or a manager would use it.

mod common;

use common::{Shop, out};
use paydesk::domain::payment::StateName;

#[test]
fn pay_prints_both_documents_decoded_from_their_bytes() {
    let shop = Shop::new();
    let o = shop
        .paydesk()
        .args(["shift-open", "--cash", "0"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let o = shop
        .paydesk()
        .args([
            "pay",
            "--operator",
            "DOMRU",
            "--account",
            "1234 5678 9012",
            "--amount",
            "1 500,50",
        ])
        .args(["--tendered", "2000", "--customer-signed"])
        .output()
        .unwrap();
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    let pre = stdout.split("==== fiscal-receipt-1 ====").next().unwrap();
    let fiscal = stdout.split("==== fiscal-receipt-1 ====").nth(1).unwrap();
    for expected in [
        "==== pre-receipt-1 ====",
        "P R E - R E C E I P T",
        "Training shop",
        "Account                             123456789012",
        "Payment amount                      1,500.50 RUB",
        "Fee                                    25.01 RUB",
        "TOTAL TO PAY                        1,525.51 RUB",
        "Payment details checked by the customer.",
        "Customer's signature: ____",
    ] {
        assert!(
            pre.contains(expected),
            "pre-receipt lacks {expected:?}:\n{pre}"
        );
    }
    for expected in [
        "P A Y M E N T   C O N F I R M A T I O N",
        "PAYMENT AGENT",
        "Supplier                 АО «ЭР-Телеком Холдинг»",
        "Supplier tax ID                       5902202276",
        "Cash                                2,000.00 RUB",
        "Change                                474.49 RUB",
        "Terminal                                TRAIN-01",
        "Shift                                          1",
        "Confirmation No.                               1",
        "TRAINING — NOT A FISCAL DOCUMENT",
    ] {
        assert!(
            fiscal.contains(expected),
            "fiscal receipt lacks {expected:?}:\n{fiscal}"
        );
    }
    assert!(stdout.contains("Payment accepted: payment confirmation No. 1"));
    let p = &shop.journal().all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.details.total.to_string(), "1525.51");
}

#[test]
fn out_writes_the_bytes_the_text_and_the_paper_image_of_each_document() {
    let shop = Shop::new();
    shop.ensure_shift();
    let o = shop
        .paydesk()
        .args(["pay", "--operator", "MTS", "--account", "9031234567"])
        .args(["--amount", "100", "--tendered", "100", "--customer-signed"])
        .arg("--out")
        .arg(shop.paper_dir())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let dir = shop.paper_dir();
    let profile = paydesk::printing::profile::PrinterProfile::built_in("generic-80mm").unwrap();
    let bytes = std::fs::read(dir.join("fiscal-receipt-1.escpos")).unwrap();
    let printout = paydesk::printing::decode::decode(&bytes, &profile).unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join("fiscal-receipt-1.txt")).unwrap(),
        printout.text()
    );
    // The image is the profile's printable width (576 dots) and shows every glyph.
    let svg = std::fs::read_to_string(dir.join("fiscal-receipt-1.svg")).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"576\""),
        "{svg}"
    );
    let glyphs: usize = printout
        .lines()
        .map(|l| l.text.chars().filter(|c| *c != ' ').count())
        .sum();
    // One text per glyph, plus the label inside the QR code's square.
    assert_eq!(svg.matches("<text ").count(), glyphs + 1);
    let id = shop.journal().all_payments().unwrap()[0].id();
    assert!(
        printout
            .text()
            .contains(&format!("[QR: paydesk:TRAIN-01:1:{id}]")),
        "{}",
        printout.text()
    );
    assert!(dir.join("pre-receipt-1.svg").exists());
}

#[test]
fn a_refused_signature_voids_the_payment_after_the_pre_receipt() {
    let shop = Shop::new();
    shop.ensure_shift();
    let o = shop
        .paydesk()
        .args([
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
            "--amount",
            "100",
        ])
        .args(["--tendered", "100", "--customer-refused"])
        .output()
        .unwrap();
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains("pre-receipt-1") && !stdout.contains("fiscal-receipt"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Payment voided: no money was taken."),
        "{stdout}"
    );
    assert_eq!(
        shop.journal().all_payments().unwrap()[0].state.name(),
        StateName::Voided
    );
}

#[test]
fn bad_input_is_explained_and_writes_nothing() {
    let long = "9".repeat(10_000);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--operator",
                "NOPE",
                "--account",
                "9031234567",
                "--amount",
                "100",
                "--tendered",
                "100",
            ],
            "Choose an operator from the list. (MTS, BEELINE",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "903123",
                "--amount",
                "100",
                "--tendered",
                "100",
            ],
            "МТС expects 10 digits; you typed 6 characters.",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "+79031234567",
                "--amount",
                "100",
                "--tendered",
                "100",
            ],
            "Only digits and letters",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "abc",
                "--tendered",
                "100",
            ],
            "Type the amount in figures",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "-5",
                "--tendered",
                "100",
            ],
            "cannot be negative",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "0",
                "--tendered",
                "100",
            ],
            "must be more than zero",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "0,001",
                "--tendered",
                "100",
            ],
            "At most two digits after the comma.",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "1e9",
                "--tendered",
                "100",
            ],
            "Type the amount in figures",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "١٢٣",
                "--tendered",
                "100",
            ],
            "Type the amount in figures",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                &long,
                "--tendered",
                "100",
            ],
            "too long for an amount",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "5",
                "--tendered",
                "100",
            ],
            "МТС accepts at least 10.00",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "20000",
                "--tendered",
                "20000",
            ],
            "at most 15,000.00",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "100",
                "--tendered",
                "99.99",
            ],
            "Not enough: the customer must pay 100.00",
        ),
        (
            &[
                "--operator",
                "MTS",
                "--account",
                "9031234567",
                "--amount",
                "100",
                "--tendered",
                "lots",
            ],
            "Cash received: Type the amount in figures",
        ),
    ];
    let shop = Shop::new();
    for (args, expected) in cases {
        let o = shop
            .paydesk()
            .arg("pay")
            .args(*args)
            .args(["--customer-signed", "--out"])
            .arg(shop.paper_dir())
            .output()
            .unwrap();
        let (_, stderr) = out(&o);
        let shown: Vec<String> = args.iter().map(|a| a.chars().take(16).collect()).collect();
        assert_eq!(o.status.code(), Some(2), "{shown:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{shown:?}: {stderr:?} lacks {expected:?}"
        );
    }
    assert!(shop.journal().all_payments().unwrap().is_empty());
    assert!(
        !shop.paper_dir().exists(),
        "nothing may be printed for bad input"
    );
}

#[test]
fn messages_follow_the_configured_language() {
    let shop = Shop::with_config("");
    let text = std::fs::read_to_string(shop.config_path())
        .unwrap()
        .replace("language = \"en\"", "language = \"pl\"");
    std::fs::write(shop.config_path(), text).unwrap();
    let o = shop
        .paydesk()
        .args([
            "pay",
            "--operator",
            "PLAY",
            "--account",
            "12345",
            "--amount",
            "20",
            "--tendered",
            "20",
            "--customer-signed",
        ])
        .output()
        .unwrap();
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("Numer konta: Play oczekuje cyfr: 9; wpisano znaków: 5."),
        "{stderr}"
    );
}

#[test]
fn operators_lists_the_catalogue_with_its_rules() {
    let shop = Shop::new();
    let o = shop.paydesk().arg("operators").output().unwrap();
    let (stdout, _) = out(&o);
    assert!(o.status.success());
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    assert!(stdout.contains("DOMRU      Дом.ру (интернет)"), "{stdout}");
    assert!(
        stdout.contains(
            "Account: 12 digits · amount 50.00–30,000.00\u{a0}₽ · fee 10.00 + 1%, at least 15.00"
        ),
        "{stdout}"
    );
}

#[test]
fn an_unknown_config_key_is_refused_with_the_file_and_key() {
    let shop = Shop::with_config("printr = \"x\"");
    let o = shop.paydesk().arg("operators").output().unwrap();
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr.contains("config.toml") && stderr.contains("printr"),
        "{stderr}"
    );
}

/// Files in the user's printer-profiles folder that are not small regular files (a
/// FIFO, a symlink to /dev/zero) are not read: nothing hangs or fills memory. A broken
/// user profile with a built-in's name is reported when it is chosen, not silently
/// replaced by the built-in.
#[test]
fn odd_files_among_printer_profiles_never_hang_and_a_broken_one_is_reported() {
    let shop = Shop::new();
    let profiles = shop.path().join("printer-profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let fifo = std::ffi::CString::new(profiles.join("x.toml").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::os::unix::fs::symlink("/dev/zero", profiles.join("y.toml")).unwrap();
    let run = |args: &'static [&'static str]| {
        let mut c = shop.paydesk();
        c.args(args);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(c.output().unwrap());
        });
        rx.recv_timeout(std::time::Duration::from_secs(30))
            .expect("paydesk finished instead of hanging on a profile file")
    };
    let o = run(&["operators"]);
    assert!(o.status.success(), "{}", out(&o).1);
    assert!(shop.pay("100").status.success());

    // The user's own epson-tm-t20iii.toml is broken and chosen: said, with the file.
    std::fs::write(profiles.join("epson-tm-t20iii.toml"), "name = 1\n").unwrap();
    let mut text = std::fs::read_to_string(shop.config_path()).unwrap();
    text.push_str("[printer]\nprofile = \"epson-tm-t20iii\"\n");
    std::fs::write(shop.config_path(), text).unwrap();
    let o = run(&["operators"]);
    let (_, err) = out(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("epson-tm-t20iii.toml"), "{err}");
}

#[test]
fn pay_with_no_shift_open_is_refused_before_the_pre_receipt_and_says_how_to_open_one() {
    let shop = Shop::new();
    let pay = || {
        shop.paydesk()
            .args(["pay", "--operator", "MTS", "--account", "9031234567"])
            .args(["--amount", "100", "--tendered", "100", "--customer-signed"])
            .arg("--out")
            .arg(shop.paper_dir())
            .output()
            .unwrap()
    };
    let o = pay();
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("No shift is open on this till, and nothing was printed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("paydesk shift-open --cash AMOUNT"),
        "{stderr}"
    );
    assert!(shop.journal().all_payments().unwrap().is_empty());
    assert!(
        !shop.paper_dir().exists()
            || std::fs::read_dir(shop.paper_dir())
                .unwrap()
                .next()
                .is_none()
    );

    let o = shop
        .paydesk()
        .args(["shift-open", "--cash", "2 500"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let o = pay();
    assert!(o.status.success(), "{}", out(&o).1);
    let j = shop.journal();
    assert_eq!(j.all_payments().unwrap().len(), 1);
    assert_eq!(
        j.x_report("TRAIN-01").unwrap().opening_cash.to_string(),
        "2500.00"
    );
}

#[test]
fn with_manager_opens_shift_a_cashier_can_neither_open_one_nor_pay_without_one() {
    let shop = Shop::with_config("[till]\nmanager_opens_shift = true\n");
    let o = shop
        .paydesk()
        .env("PAYDESK_NEW_PIN", "2468")
        .args(["user", "add", "Anna", "--role", "admin"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let o = shop
        .paydesk()
        .env("PAYDESK_PIN", "2468")
        .env("PAYDESK_NEW_PIN", "1357")
        .args(["--user", "Anna", "user", "add", "Ivan", "--role", "cashier"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let as_ivan = |args: &[&str]| {
        shop.paydesk()
            .env("PAYDESK_PIN", "1357")
            .args(["--user", "Ivan"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = as_ivan(&["shift-open", "--cash", "0"]);
    assert!(!o.status.success());
    let o = as_ivan(&[
        "pay",
        "--operator",
        "MTS",
        "--account",
        "9031234567",
        "--amount",
        "100",
        "--tendered",
        "100",
        "--customer-signed",
    ]);
    let (_, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("ask a shift manager to open the shift"),
        "{stderr}"
    );
    assert!(shop.journal().all_payments().unwrap().is_empty());
    assert!(shop.journal().current_shift("TRAIN-01").unwrap().is_none());
}
