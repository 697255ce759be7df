//! `paydesk-hub terminal rebind`, the real binary against a store: the terminal's
//! journal is forgotten, and the next journal to ask is bound.

use paydesk_hub::store::Store;

#[test]
fn rebind_forgets_the_terminals_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.sqlite");
    let old = uuid::Uuid::now_v7();
    let new = uuid::Uuid::now_v7();
    {
        let store = Store::open(&db, true).unwrap();
        store.bind("T-01", old).unwrap();
        assert!(
            store.bind("T-01", new).is_err(),
            "another journal is refused"
        );
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_paydesk-hub"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["terminal", "rebind", "T-01"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        said.contains(&format!(
            "terminal T-01 is no longer bound to journal {old}"
        )),
        "{said}"
    );
    let store = Store::open(&db, true).unwrap();
    assert_eq!(store.bind("T-01", new).unwrap().journal_id, new);
    drop(store);
    // Again: nothing to do; a store that does not exist is said, not created.
    let o = run(&["terminal", "rebind", "T-02"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("was not bound"));
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_paydesk-hub"))
        .arg("--db")
        .arg(dir.path().join("none.sqlite"))
        .args(["terminal", "rebind", "T-01"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a hub store"));
    assert!(!dir.path().join("none.sqlite").exists());
}
