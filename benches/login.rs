//! How long a user switch takes at the till: a login (argon2id verify with OWASP's
//! parameters + the journal write of the login event) and a wrong PIN (verify + the
//! counted failure), on a real journal file. Goal: a switch feels instant (well under
//! the ~0.5 s a cashier notices).
//!
//! `cargo bench --bench login` prints the figures; nothing is asserted.

use std::time::Instant;

use chrono::Utc;
use paydesk::domain::user::{Pin, Role, UserName};
use paydesk::journal::{Journal, OpenOptions};

const ROUNDS: u32 = 20;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut j = Journal::open(&dir.path().join("journal.sqlite"), &OpenOptions::default())
        .expect("journal");
    let pin = Pin::parse("2468").expect("pin");
    let t = Instant::now();
    let admin = j
        .create_user(
            &UserName::parse("Ada").expect("name"),
            Role::Admin,
            &pin,
            None,
        )
        .expect("admin");
    println!("create user (hash + write):   {:>7.1} ms", ms(t));
    let wrong = Pin::parse("1357").expect("pin");
    let mut right = Vec::new();
    let mut bad = Vec::new();
    for i in 0..ROUNDS {
        let t = Instant::now();
        j.login("Ada", &pin, Utc::now()).expect("login");
        right.push(ms(t));
        // Four wrong PINs at most between right ones: never locked.
        if i % 4 == 0 {
            let t = Instant::now();
            let _ = j.login("Ada", &wrong, Utc::now());
            bad.push(ms(t));
        }
    }
    let _ = admin;
    report("login, right PIN:            ", &mut right);
    report("login, wrong PIN (counted):  ", &mut bad);
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn report(what: &str, v: &mut [f64]) {
    v.sort_by(f64::total_cmp);
    println!(
        "{what}median {:>6.1} ms, max {:>6.1} ms ({} runs)",
        v[v.len() / 2],
        v[v.len() - 1],
        v.len()
    );
}
