//! Users, roles and logins on the real journal file: the role table enforced by the
//! till services (typed errors), the lockout, PINs never stored, every event
//! attributed, the terminal events' audit chain, and the CLI's `--user`.

mod common;

use chrono::{TimeDelta, Utc};
use common::{Shop, config_in, out};
use paydesk::app::till::{FlowError, Session, Till};
use paydesk::domain::entry::{PaymentInput, validate};
use paydesk::domain::money::Money;
use paydesk::domain::user::{Action, PermissionError, Pin, Role, UserName};
use paydesk::i18n::Lang;
use paydesk::journal::report::PaymentsFilter;
use paydesk::journal::users::{LoginError, UserChange};
use paydesk::journal::{Journal, JournalError, OpenOptions};

fn journal_at(config: &paydesk::app::config::Config) -> paydesk::journal::Journal {
    paydesk::journal::Journal::open(
        &config.journal_path,
        &paydesk::journal::OpenOptions::default(),
    )
    .unwrap()
}

fn day() -> PaymentsFilter {
    PaymentsFilter {
        from: Utc::now() - TimeDelta::days(1),
        to: Utc::now() + TimeDelta::days(1),
        operator: None,
        account: None,
        status: None,
    }
}

fn pin(s: &str) -> Pin {
    Pin::parse(s).unwrap()
}

fn name(s: &str) -> UserName {
    UserName::parse(s).unwrap()
}

/// A till whose journal has an admin and one user of each other role
/// (PIN 1111 admin, 2222 cashier, 3333 manager, 4444 support).
fn staffed(dir: &std::path::Path) -> Till {
    let config = config_in(dir, Lang::En);
    let mut till = Till::open(&config).unwrap();
    till.users()
        .add(&name("Ada"), Role::Admin, &pin("1111"))
        .unwrap();
    let mut till = Till::open(&config).unwrap();
    assert_eq!(
        till.session(),
        &Session::LoggedOut,
        "users exist: nobody is logged in"
    );
    till.users().login("Ada", &pin("1111")).unwrap();
    for (n, role, p) in [
        ("Olga", Role::Cashier, "2222"),
        ("Max", Role::ShiftManager, "3333"),
        ("Sam", Role::Support, "4444"),
    ] {
        till.users().add(&name(n), role, &pin(p)).unwrap();
    }
    till.users().logout();
    till
}

fn quote(till: &Till) -> paydesk::domain::entry::Quote {
    validate(
        till.rules().catalogue(),
        &PaymentInput {
            operator_code: Some("MTS".into()),
            account: "9031234567".into(),
            amount: "100".into(),
        },
        till.rules().max_payment(),
    )
    .unwrap()
}

type Service = fn(&mut Till) -> Result<(), FlowError>;

/// Each guarded service, the action it needs.
fn services() -> Vec<(&'static str, Action, Service)> {
    vec![
        ("print_pre_receipt", Action::TakePayments, |t| {
            let q = quote(t);
            t.payments().print_pre_receipt(&q).map(|_| ())
        }),
        // A cashier opens the shift too (unless `[till] manager_opens_shift`).
        ("open_shift", Action::TakePayments, |t| {
            t.shifts()
                .open(Money::from_minor(10_000).unwrap())
                .map(|_| ())
        }),
        ("x_report", Action::ManageShift, |t| {
            t.shifts().x_report().map(|_| ())
        }),
        ("close_shift", Action::ManageShift, |t| {
            t.shifts().close(Money::default()).map(|_| ())
        }),
        ("payments_report", Action::ViewReports, |t| {
            t.reports().payments(&day()).map(|_| ())
        }),
        ("print_report", Action::ViewReports, |t| {
            t.reports().print(&day()).map(|_| ())
        }),
        ("set_printer", Action::ChangeSettings, |t| {
            let c = t.printer().config().clone();
            t.printer().set(c)
        }),
        ("print_test_page", Action::ChangeSettings, |t| {
            t.printer().print_test_page().map(|_| ())
        }),
        ("add_user", Action::ManageUsers, |t| {
            t.users()
                .add(&name("Newbie"), Role::Cashier, &pin("9999"))
                .map(|_| ())
        }),
        ("change_user", Action::ManageUsers, |t| {
            t.users()
                .change(&name("Sam"), UserChange::Unlock)
                .map(|_| ())
        }),
    ]
}

#[test]
fn each_guarded_service_refuses_a_role_without_the_right_with_a_typed_error() {
    for (user, p, role) in [
        ("Olga", "2222", Role::Cashier),
        ("Max", "3333", Role::ShiftManager),
        ("Sam", "4444", Role::Support),
        ("Ada", "1111", Role::Admin),
    ] {
        for (service, action, call) in services() {
            // A fresh journal per call, so one service's effect (a shift opened) does
            // not decide another's outcome.
            let dir = tempfile::tempdir().unwrap();
            let mut till = staffed(dir.path());
            till.users().login(user, &pin(p)).unwrap();
            let result = call(&mut till);
            if role.may(action) {
                assert!(
                    !matches!(result, Err(FlowError::Permission(_))),
                    "{user} ({role}) {service}: {result:?}"
                );
            } else {
                match result {
                    Err(FlowError::Permission(PermissionError::Denied {
                        user: u,
                        role: r,
                        action: a,
                    })) => {
                        assert_eq!((u.as_str(), r, a), (user, role, action), "{service}");
                    }
                    other => panic!("{user} ({role}) {service}: expected denied, got {other:?}"),
                }
            }
        }
    }
}

#[test]
fn a_logged_out_till_does_nothing_and_a_cashier_cannot_escalate() {
    let dir = tempfile::tempdir().unwrap();
    let mut till = staffed(dir.path());
    for (service, _, call) in services() {
        assert!(
            matches!(
                call(&mut till),
                Err(FlowError::Permission(PermissionError::NotLoggedIn))
            ),
            "{service} without a login"
        );
    }
    // The first-admin path is closed once there is an admin.
    assert!(matches!(
        till.users()
            .create_first_admin(&name("Mallory"), &pin("0000")),
        Err(FlowError::Journal(
            paydesk::journal::JournalError::FirstUserExists
        ))
    ));
    till.users().login("Olga", &pin("2222")).unwrap();
    assert!(
        till.users()
            .add(&name("Olga2"), Role::Admin, &pin("5555"))
            .is_err()
    );
    assert_eq!(till.users().list().unwrap().len(), 4);
}

#[test]
fn five_wrong_pins_lock_the_user_for_five_minutes_even_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut till = staffed(dir.path());
    for left in (1..=4).rev() {
        match till.users().login("Olga", &pin("0000")) {
            Err(FlowError::Login(LoginError::WrongPin { left: l, .. })) => assert_eq!(l, left),
            other => panic!("{other:?}"),
        }
    }
    let locked_at = Utc::now();
    assert!(matches!(
        till.users().login("Olga", &pin("0000")),
        Err(FlowError::Login(LoginError::Locked { .. }))
    ));
    // Locked: even the right PIN is refused, after a restart too.
    drop(till);
    let mut till = Till::open(&config).unwrap();
    match till.users().login("Olga", &pin("2222")) {
        Err(FlowError::Login(LoginError::Locked { until, .. })) => {
            let d = until - locked_at;
            assert!(
                d > TimeDelta::seconds(295) && d <= TimeDelta::seconds(301),
                "{d:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Other users are not affected.
    till.users().login("Max", &pin("3333")).unwrap();
    // Five minutes later the right PIN works (the journal's clock is given).
    let mut journal = journal_at(&config);
    assert!(matches!(
        journal.login("Olga", &pin("2222"), Utc::now() + TimeDelta::seconds(200)),
        Err(LoginError::Locked { .. })
    ));
    let u = journal
        .login("Olga", &pin("2222"), Utc::now() + TimeDelta::seconds(301))
        .unwrap();
    assert_eq!((u.wrong_pins, u.locked_until), (0, None));
    // An admin can unlock at once; a deactivated user cannot log in at all.
    for _ in 0..5 {
        let _ = till.users().login("Sam", &pin("0000"));
    }
    till.users().login("Ada", &pin("1111")).unwrap();
    till.users()
        .change(&name("Sam"), UserChange::Unlock)
        .unwrap();
    till.users()
        .change(&name("Sam"), UserChange::Active(false))
        .unwrap();
    assert!(matches!(
        till.users().change(&name("Ada"), UserChange::Active(false)),
        Err(FlowError::OwnAccount(_))
    ));
    assert!(matches!(
        till.users().login("Sam", &pin("4444")),
        Err(FlowError::Login(LoginError::Inactive(_)))
    ));
    till.users().login("Ada", &pin("1111")).unwrap();
    till.users()
        .change(&name("Sam"), UserChange::Active(true))
        .unwrap();
    till.users()
        .change(&name("Sam"), UserChange::Pin(pin("8642")))
        .unwrap();
    till.users().login("Sam", &pin("8642")).unwrap();
}

#[test]
fn pins_never_reach_the_journal_and_every_event_names_who_did_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut till = staffed(dir.path());
    till.users().login("Max", &pin("3333")).unwrap();
    till.shifts()
        .open(Money::from_minor(50_000).unwrap())
        .unwrap();
    till.users().login("Olga", &pin("2222")).unwrap();
    let q = quote(&till);
    common::ensure_shift(&mut till);
    let id = till.payments().print_pre_receipt(&q).unwrap().payment.id();
    till.payments().customer_signed(id).unwrap();
    till.payments().take_cash(id, q.total).unwrap();
    let _ = till.users().login("Olga", &pin("7777")); // one wrong PIN, journaled as such
    till.users().login("Ada", &pin("1111")).unwrap();
    till.users()
        .add(&name("Lena"), Role::Cashier, &pin("73915264"))
        .unwrap();
    let _ = till.users().login("Lena", &pin("86420975"));
    till.users().login("Lena", &pin("73915264")).unwrap();
    drop(till);

    let journal = journal_at(&config);
    let events = journal.events(id).unwrap();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e.actor == "Olga"), "{events:?}");
    assert_eq!(journal.payment(id).unwrap().details.cashier, "Olga");
    let terminal = journal.terminal_events(100).unwrap();
    let kinds: Vec<(&str, &str)> = terminal
        .iter()
        .rev()
        .map(|e| (e.kind.as_str(), e.actor.as_str()))
        .collect();
    for want in [
        ("user_created", "Ada"),
        ("login", "Max"),
        ("shift_opened", "Max"),
        ("logout", "Max"),
        ("login", "Olga"),
        ("login_failed", "Olga"),
    ] {
        assert!(kinds.contains(&want), "{want:?} in {kinds:?}");
    }
    drop(journal);

    // No PIN anywhere in the file nor its WAL: the 8-digit PINs of this test (a
    // right one and a wrong one) cannot occur there by chance.
    let mut bytes = std::fs::read(&config.journal_path).unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", config.journal_path.display()));
    if let Ok(w) = std::fs::read(&wal) {
        bytes.extend(w);
    }
    assert!(bytes.len() > 4096);
    for p in ["73915264", "86420975"] {
        assert!(
            !bytes.windows(p.len()).any(|w| w == p.as_bytes()),
            "PIN {p} is in the journal"
        );
    }
    let db = rusqlite::Connection::open(&config.journal_path).unwrap();
    let hashes: Vec<String> = db
        .prepare("SELECT pin_hash FROM users")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(hashes.len(), 5);
    for h in &hashes {
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }
}

#[test]
fn the_terminal_events_chain_catches_an_edited_login() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path(), Lang::En);
    let mut till = staffed(dir.path());
    till.users().login("Max", &pin("3333")).unwrap();
    till.shifts()
        .open(Money::from_minor(10_000).unwrap())
        .unwrap();
    drop(till);
    assert!(journal_at(&config).verify().unwrap().is_ok());
    let db = rusqlite::Connection::open(&config.journal_path).unwrap();
    db.execute_batch(
        "DROP TRIGGER terminal_events_no_update;
         UPDATE terminal_events SET actor = 'Olga' WHERE kind = 'shift_opened';",
    )
    .unwrap();
    // The newest event of a chain is checked at open already; older ones by verify.
    let found = match Journal::open(&config.journal_path, &OpenOptions::default()) {
        Err(JournalError::Corrupted { detail, .. }) => detail,
        Ok(j) => j.verify().unwrap().problems.join("\n"),
        Err(e) => panic!("{e:?}"),
    };
    assert!(
        found.contains("terminal event")
            && found.contains("shift_opened")
            && found.contains("changed outside paydesk"),
        "{found}"
    );
}

#[test]
fn the_cli_needs_a_user_with_the_right_role_once_the_journal_has_users() {
    let shop = Shop::new();
    // Headless setup: the first user made is the admin (no --user needed yet).
    let add = |args: &[&str], new_pin: &str, env_pin: Option<&str>| {
        let mut c = shop.paydesk();
        c.args(["user", "add"])
            .args(args)
            .env("PAYDESK_NEW_PIN", new_pin);
        match env_pin {
            Some(p) => c.env("PAYDESK_PIN", p),
            None => c.env_remove("PAYDESK_PIN"),
        };
        c.output().unwrap()
    };
    let o = add(&["Kim", "--role", "cashier"], "1234", None);
    assert!(!o.status.success());
    assert!(out(&o).1.contains("--role admin"), "{}", out(&o).1);
    let o = add(&["Ada", "--role", "admin"], "1111", None);
    assert!(o.status.success(), "{}", out(&o).1);
    let o = add(
        &["--user", "Ada", "Max", "--role", "shift-manager"],
        "3333",
        Some("1111"),
    );
    assert!(o.status.success(), "{}", out(&o).1);
    let o = add(
        &["--user", "Ada", "Olga", "--role", "cashier"],
        "2222",
        Some("1111"),
    );
    assert!(o.status.success(), "{}", out(&o).1);

    // Now every command that acts needs --user.
    let o = shop
        .paydesk()
        .args(["shift-open", "--cash", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).1.contains("--user NAME"), "{}", out(&o).1);

    let report = |user: &str, p: &str| {
        shop.paydesk()
            .args([
                "--user",
                user,
                "report",
                "payments",
                "--from",
                "2020-01-01",
                "--to",
                "2099-01-01",
            ])
            .env("PAYDESK_PIN", p)
            .output()
            .unwrap()
    };
    let o = report("Olga", "2222");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        out(&o)
            .1
            .contains("Olga (cashier) has no access to reports"),
        "{}",
        out(&o).1
    );
    let o = report("Max", "0000");
    assert!(
        out(&o).1.contains("Wrong PIN for Max. 4 tries left"),
        "{}",
        out(&o).1
    );
    let o = report("Max", "3333");
    assert!(o.status.success(), "{}", out(&o).1);

    // The cashier opens the shift with the cash in the drawer, pays, and the
    // journal says so; the Z report is a manager's.
    let o = shop
        .paydesk()
        .args(["--user", "Olga", "shift-open", "--cash", "100"])
        .env("PAYDESK_PIN", "2222")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let o = shop
        .paydesk()
        .args([
            "--user",
            "Olga",
            "pay",
            "--operator",
            "MTS",
            "--account",
            "9031234567",
        ])
        .args([
            "--amount",
            "100",
            "--tendered",
            "100",
            "--customer-signed",
            "--out",
        ])
        .arg(shop.paper_dir())
        .env("PAYDESK_PIN", "2222")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o).1);
    let payments = shop.journal().all_payments().unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].details.cashier, "Olga");

    let o = shop
        .paydesk()
        .args([
            "--user",
            "Olga",
            "report",
            "shift",
            "--z",
            "--counted",
            "200",
        ])
        .env("PAYDESK_PIN", "2222")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", out(&o).1);
    assert!(
        out(&o).1.contains("opening and closing shifts"),
        "{}",
        out(&o).1
    );
}
