//! What the documents of a real (not training) shop say about themselves, read back
//! from the bytes the printer got: a receipt printer is not a fiscal device, so the
//! cash step's document is a payment confirmation in every language; every payment
//! document carries the operation in words, the agent's phone and the operator's.

mod common;

use std::path::{Path, PathBuf};

use common::out;
use paydesk::domain::payment::StateName;

/// A shop that is not in training mode: its own catalogue (MTS with a phone,
/// BEELINE without) and the agent's phone when `shop_phone` is given.
fn real_shop(dir: &Path, lang: &str, shop_phone: Option<&str>) -> PathBuf {
    let catalogue = dir.join("catalogue.toml");
    std::fs::write(
        &catalogue,
        r#"version = "test-1"

[[operator]]
code = "MTS"
name = "МТС"
tax_id = "7740000076"
legal_entity = "ПАО «МТС»"
account_mask = "9#########"
phone = "8 800 250-08-90"
min_amount = "10"
max_amount = "15000"

[[operator]]
code = "BEELINE"
name = "Билайн"
tax_id = "7713076301"
legal_entity = "ПАО «ВымпелКом»"
account_mask = "9#########"
min_amount = "10"
max_amount = "15000"
"#,
    )
    .unwrap();
    let phone = shop_phone
        .map(|p| format!("phone = {p:?}\n"))
        .unwrap_or_default();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "training = false\nlanguage = \"{lang}\"\ncurrency = \"RUB\"\ntimezone = \"Europe/Moscow\"\n\
             [shop]\nname = \"ООО «Ромашка»\"\ntax_id = \"7701234567\"\n{phone}\
             [terminal]\nid = \"T-01\"\ncashier = \"Иванова\"\n\
             [catalogue]\nfile = {:?}\n[journal]\npath = {:?}\n",
            catalogue.display().to_string(),
            dir.join("journal.sqlite").display().to_string(),
        ),
    )
    .unwrap();
    config
}

fn pay(config: &Path, operator: &str) -> std::process::Output {
    // The day's first step (refused harmlessly once the shift is open).
    std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("--config")
        .arg(config)
        .env("PAYDESK_LOG", "off")
        .args(["shift-open", "--cash", "0"])
        .output()
        .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_paydesk"))
        .arg("--config")
        .arg(config)
        .env("PAYDESK_LOG", "off")
        .args([
            "pay",
            "--operator",
            operator,
            "--account",
            "9031234567",
            "--amount",
            "100",
            "--tendered",
            "100",
            "--customer-signed",
        ])
        .output()
        .unwrap()
}

/// True when a line of `doc` is the field `label` with `value` on the right.
fn has_field(doc: &str, label: &str, value: &str) -> bool {
    doc.lines()
        .any(|l| l.starts_with(label) && l.trim_end().ends_with(value) && l.chars().count() <= 48)
}

/// The two documents `pay` printed, decoded: (pre-receipt, payment confirmation).
fn documents(stdout: &str) -> (String, String) {
    let mut parts = stdout.split("==== fiscal-receipt-1 ====");
    let pre = parts.next().unwrap().to_string();
    let confirmation = parts.next().expect("the cash step printed").to_string();
    (pre, confirmation)
}

#[test]
fn no_document_of_a_receipt_printer_calls_itself_fiscal_in_any_language() {
    // (language, the confirmation's title as the printer's double width shows it,
    //  words that would claim a fiscal document)
    let cases = [
        (
            "ru",
            "К В И Т А Н Ц И Я   О Б   О П Л А Т Е",
            &["КАССОВЫЙ", "ФИСКАЛ", "Приход"][..],
        ),
        (
            "pl",
            "P O T W I E R D Z E N I E   W P Ł A T Y",
            &["FISKAL", "fiskal", "PARAGON"][..],
        ),
        (
            "en",
            "P A Y M E N T   C O N F I R M A T I O N",
            &["FISCAL", "fiscal"][..],
        ),
    ];
    for (lang, title, never) in cases {
        let dir = tempfile::tempdir().unwrap();
        let config = real_shop(dir.path(), lang, Some("+7 495 123-45-67"));
        let o = pay(&config, "MTS");
        let (stdout, stderr) = out(&o);
        assert!(o.status.success(), "{lang}: {stderr}");
        let (pre, confirmation) = documents(&stdout);
        assert!(confirmation.contains(title), "{lang}:\n{confirmation}");
        for word in never {
            for (name, doc) in [("pre-receipt", &pre), ("confirmation", &confirmation)] {
                assert!(
                    !doc.contains(word),
                    "{lang}: the {name} says {word:?}:\n{doc}"
                );
            }
            assert!(
                !stdout
                    .lines()
                    .any(|l| l.starts_with("Payment accepted") && l.contains(word))
            );
        }
        assert!(
            !confirmation.lines().any(|l| l.trim() == "R E C E I P T"),
            "{lang}: titled a receipt:\n{confirmation}"
        );
    }
}

#[test]
fn every_payment_document_names_the_operation_and_both_phones() {
    let dir = tempfile::tempdir().unwrap();
    let config = real_shop(dir.path(), "ru", Some("+7 495 123-45-67"));
    let o = pay(&config, "MTS");
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    let (pre, confirmation) = documents(&stdout);
    for (name, doc) in [("pre-receipt", &pre), ("confirmation", &confirmation)] {
        assert!(
            doc.contains("Оплата услуг МТС по счёту 9031234567"),
            "{name} lacks the operation:\n{doc}"
        );
        assert!(
            has_field(doc, "Телефон агента", "+7 495 123-45-67"),
            "{name} lacks the agent's phone:\n{doc}"
        );
        assert!(
            has_field(doc, "Телефон оператора", "8 800 250-08-90"),
            "{name} lacks the operator's phone:\n{doc}"
        );
    }
    // The phone is the catalogue's at the time of the payment: kept in the journal
    // with the payment (a later catalogue without it changes no reprint).
    let journal = paydesk::journal::Journal::open(
        &dir.path().join("journal.sqlite"),
        &paydesk::journal::OpenOptions::default(),
    )
    .unwrap();
    let p = &journal.all_payments().unwrap()[0];
    assert_eq!(p.state.name(), StateName::Fiscalized);
    assert_eq!(p.details.operator.phone.as_deref(), Some("8 800 250-08-90"));
    assert!(journal.verify().unwrap().is_ok(), "row and events agree");

    // An operator without a phone: its documents print none, and say nothing false.
    let o = pay(&config, "BEELINE");
    let (stdout, _) = out(&o);
    assert!(!stdout.contains("Телефон оператора"), "{stdout}");
    assert!(stdout.contains("Оплата услуг Билайн по счёту 9031234567"));
}

#[test]
fn a_real_shop_without_phones_is_warned_at_start_and_training_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let config = real_shop(dir.path(), "en", None);
    let o = pay(&config, "MTS");
    let (stdout, stderr) = out(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("[shop] phone is not set: documents print no agent's phone"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Operators without a phone in the catalogue (BEELINE)"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("Agent's phone"),
        "nothing is made up:\n{stdout}"
    );

    let dir = tempfile::tempdir().unwrap();
    let config = real_shop(dir.path(), "en", Some("+48 22 000 00 00"));
    let (_, stderr) = out(&pay(&config, "MTS"));
    assert!(!stderr.contains("[shop] phone"), "{stderr}");

    let shop = common::Shop::new();
    let (_, stderr) = out(&shop.pay("100"));
    assert!(
        !stderr.contains("phone"),
        "training mode warns of nothing: {stderr}"
    );
}
