//! Users in the journal: PIN hashes (argon2id, never the PIN), the wrong-PIN count and
//! the lockout, and the terminal's audit events (users, logins, shifts) in their own
//! hash chain ([`super::chain::TERMINAL`]).
//!
//! Who may do what is decided by the app services ([`crate::domain::user::Role::may`]);
//! the journal only refuses what would break its own rules (a second "first admin", a
//! duplicate name).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::domain::user::{LOCKOUT, MAX_WRONG_PINS, Pin, Role, User, UserName};

use super::{Journal, JournalError, chain, timestamp};

/// OWASP's first argon2id configuration: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
    )
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) of a PIN.
pub fn hash_pin(pin: &Pin) -> String {
    let mut salt = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
        .expect("the system random generator works");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a salt");
    hasher()
        .hash_password(pin.expose().as_bytes(), &salt)
        .expect("argon2 hashes a PIN")
        .to_string()
}

/// Whether `pin` matches the PHC string `hash` (with the parameters stored in it).
fn pin_matches(hash: &str, pin: &Pin) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        hasher()
            .verify_password(pin.expose().as_bytes(), &h)
            .is_ok()
    })
}

/// Why a login was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// No user has that name.
    #[error("there is no user {0}")]
    UnknownUser(String),
    /// The user was deactivated.
    #[error("{0} is deactivated")]
    Inactive(UserName),
    /// Too many wrong PINs: locked until `until`.
    #[error("{name} is locked until {until} after {MAX_WRONG_PINS} wrong PINs")]
    Locked {
        /// Who.
        name: UserName,
        /// Until when.
        until: DateTime<Utc>,
    },
    /// Wrong PIN; `left` more tries before the lockout.
    #[error("wrong PIN for {name}; {left} tries left")]
    WrongPin {
        /// Who.
        name: UserName,
        /// Tries left.
        left: u32,
    },
    /// The journal could not be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// One terminal event (users, logins, shifts), as journaled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalEvent {
    /// Position in the chain.
    pub seq: i64,
    /// What it is about ("user:Anna", "shift:3").
    pub subject: String,
    /// When.
    pub at: String,
    /// "user_created", "login", "login_failed", "user_locked", "shift_opened", ….
    pub kind: String,
    /// Details (JSON).
    pub data: String,
    /// Who did it.
    pub actor: String,
}

const USER_COLUMNS: &str = "id, name, role, active, wrong_pins, locked_until";

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<User> {
    let bad = |i, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    let id: String = r.get(0)?;
    let name: String = r.get(1)?;
    let role: String = r.get(2)?;
    let locked: Option<String> = r.get(5)?;
    Ok(User {
        id: Uuid::parse_str(&id).map_err(|e| bad(0, e.to_string()))?,
        name: UserName::parse(&name).map_err(|e| bad(1, e.to_string()))?,
        role: Role::parse(&role).ok_or_else(|| bad(2, format!("unknown role {role}")))?,
        active: r.get::<_, i64>(3)? == 1,
        wrong_pins: r.get::<_, i64>(4)? as u32,
        locked_until: match locked {
            Some(t) => Some(
                DateTime::parse_from_rfc3339(&t)
                    .map_err(|e| bad(5, e.to_string()))?
                    .with_timezone(&Utc),
            ),
            None => None,
        },
    })
}

/// Appends a terminal event inside the caller's transaction.
pub(super) fn record(
    tx: &Transaction,
    subject: &str,
    at: DateTime<Utc>,
    kind: &str,
    data: serde_json::Value,
    actor: &str,
) -> rusqlite::Result<()> {
    chain::append_to(
        tx,
        &chain::TERMINAL,
        subject,
        &timestamp(at),
        kind,
        &data.to_string(),
        actor,
    )
}

fn subject(name: &UserName) -> String {
    format!("user:{name}")
}

impl Journal {
    /// True once the first user (the admin) exists.
    pub fn has_users(&self) -> Result<bool, JournalError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Every user, active first, by name.
    pub fn users(&self) -> Result<Vec<User>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {USER_COLUMNS} FROM users ORDER BY active DESC, name COLLATE NOCASE"
            ))
            .map_err(|e| self.err(e))?;
        stmt.query_map([], user_row)
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))
    }

    /// The user with this name (case-insensitive).
    pub fn user(&self, name: &str) -> Result<Option<User>, JournalError> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1"),
                [name.trim()],
                user_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Creates a user. `by` is the admin creating it; `None` creates the first user,
    /// which must be an admin and is refused once any user exists.
    pub fn create_user(
        &mut self,
        name: &UserName,
        role: Role,
        pin: &Pin,
        by: Option<&User>,
    ) -> Result<User, JournalError> {
        if by.is_none() && role != Role::Admin {
            return Err(JournalError::FirstUserNotAdmin);
        }
        let hash = hash_pin(pin);
        let id = Uuid::now_v7();
        let now = Utc::now();
        let actor = by.map_or_else(|| name.to_string(), |u| u.name.to_string());
        let first = by.is_none();
        let outcome = self.write(|tx| {
            let any: bool =
                tx.query_row("SELECT EXISTS (SELECT 1 FROM users)", [], |r| r.get(0))?;
            if first && any {
                return Ok(Err(JournalError::FirstUserExists));
            }
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
                [name.as_str()],
                |r| r.get(0),
            )?;
            if taken {
                return Ok(Err(JournalError::UserExists {
                    name: name.to_string(),
                }));
            }
            tx.execute(
                "INSERT INTO users (id, name, role, pin_hash, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id.to_string(),
                    name.as_str(),
                    role.as_str(),
                    hash,
                    timestamp(now),
                    actor
                ],
            )?;
            record(
                tx,
                &subject(name),
                now,
                "user_created",
                serde_json::json!({ "id": id, "role": role.as_str(), "first": first }),
                &actor,
            )?;
            Ok(Ok(()))
        })?;
        outcome?;
        Ok(User {
            id,
            name: name.clone(),
            role,
            active: true,
            wrong_pins: 0,
            locked_until: None,
        })
    }

    /// Checks a PIN at `now`. A right PIN resets the count; a wrong one counts, and the
    /// [`MAX_WRONG_PINS`]th in a row locks the user for [`LOCKOUT`]. While locked, no
    /// PIN is even checked. Every outcome is a terminal event (never with the PIN).
    pub fn login(&mut self, name: &str, pin: &Pin, now: DateTime<Utc>) -> Result<User, LoginError> {
        let found: Option<(User, String)> = self
            .conn
            .query_row(
                &format!("SELECT {USER_COLUMNS}, pin_hash FROM users WHERE name = ?1"),
                [name.trim()],
                |r| Ok((user_row(r)?, r.get(6)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((user, hash)) = found else {
            return Err(LoginError::UnknownUser(name.trim().to_string()));
        };
        if !user.active {
            return Err(LoginError::Inactive(user.name));
        }
        if let Some(until) = user.locked_until.filter(|t| *t > now) {
            return Err(LoginError::Locked {
                name: user.name,
                until,
            });
        }
        let subj = subject(&user.name);
        let actor = user.name.to_string();
        if pin_matches(&hash, pin) {
            self.write(|tx| {
                tx.execute(
                    "UPDATE users SET wrong_pins = 0, locked_until = NULL WHERE id = ?1",
                    [user.id.to_string()],
                )?;
                record(tx, &subj, now, "login", serde_json::json!({}), &actor)
            })?;
            return Ok(User {
                wrong_pins: 0,
                locked_until: None,
                ..user
            });
        }
        let until = now + LOCKOUT;
        let wrong: u32 = self.write(|tx| {
            // Counted in SQL so two tills sharing the journal cannot lose a wrong PIN.
            let wrong: i64 = tx.query_row(
                "UPDATE users SET wrong_pins = wrong_pins + 1 WHERE id = ?1 RETURNING wrong_pins",
                [user.id.to_string()],
                |r| r.get(0),
            )?;
            if wrong as u32 >= MAX_WRONG_PINS {
                tx.execute(
                    "UPDATE users SET wrong_pins = 0, locked_until = ?1 WHERE id = ?2",
                    params![timestamp(until), user.id.to_string()],
                )?;
                record(
                    tx,
                    &subj,
                    now,
                    "user_locked",
                    serde_json::json!({ "until": timestamp(until) }),
                    &actor,
                )?;
            } else {
                record(
                    tx,
                    &subj,
                    now,
                    "login_failed",
                    serde_json::json!({ "wrong_pins": wrong }),
                    &actor,
                )?;
            }
            Ok(wrong as u32)
        })?;
        if wrong >= MAX_WRONG_PINS {
            Err(LoginError::Locked {
                name: user.name,
                until,
            })
        } else {
            Err(LoginError::WrongPin {
                name: user.name,
                left: MAX_WRONG_PINS - wrong,
            })
        }
    }

    /// Journals that `user` logged out (switch user, lock).
    pub fn record_logout(&mut self, user: &User) -> Result<(), JournalError> {
        let actor = user.name.to_string();
        self.write(|tx| {
            record(
                tx,
                &subject(&user.name),
                Utc::now(),
                "logout",
                serde_json::json!({}),
                &actor,
            )
        })
    }

    /// Changes a user (`by` is the admin): active or not, a new PIN, unlocked.
    pub fn change_user(
        &mut self,
        name: &UserName,
        change: UserChange,
        by: &User,
    ) -> Result<User, JournalError> {
        let existing = self
            .user(name.as_str())?
            .ok_or_else(|| JournalError::UnknownUser {
                name: name.to_string(),
            })?;
        let id = existing.id.to_string();
        let actor = by.name.to_string();
        let subj = subject(&existing.name);
        let now = Utc::now();
        let hash = match &change {
            UserChange::Pin(pin) => Some(hash_pin(pin)),
            _ => None,
        };
        self.write(|tx| {
            let (kind, data) = match &change {
                UserChange::Active(active) => {
                    tx.execute(
                        "UPDATE users SET active = ?1 WHERE id = ?2",
                        params![*active as i64, id],
                    )?;
                    (
                        if *active {
                            "user_activated"
                        } else {
                            "user_deactivated"
                        },
                        serde_json::json!({}),
                    )
                }
                UserChange::Pin(_) => {
                    tx.execute(
                        "UPDATE users SET pin_hash = ?1, wrong_pins = 0, locked_until = NULL WHERE id = ?2",
                        params![hash, id],
                    )?;
                    ("pin_changed", serde_json::json!({}))
                }
                UserChange::Unlock => {
                    tx.execute(
                        "UPDATE users SET wrong_pins = 0, locked_until = NULL WHERE id = ?1",
                        [&id],
                    )?;
                    ("user_unlocked", serde_json::json!({}))
                }
            };
            record(tx, &subj, now, kind, data, &actor)
        })?;
        self.user(name.as_str())?
            .ok_or_else(|| JournalError::UnknownUser {
                name: name.to_string(),
            })
    }

    /// Journals a terminal event (not about a user or a shift: e.g. a receipt a customer
    /// brought that the journal does not know).
    pub fn record_terminal_event(
        &mut self,
        subject: &str,
        kind: &str,
        data: serde_json::Value,
        actor: &str,
    ) -> Result<(), JournalError> {
        self.write(|tx| record(tx, subject, Utc::now(), kind, data, actor))
    }

    /// The newest terminal events, newest first.
    pub fn terminal_events(&self, limit: usize) -> Result<Vec<TerminalEvent>, JournalError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, subject, at, kind, data, actor FROM terminal_events
                 ORDER BY seq DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([limit as i64], |r| {
            Ok(TerminalEvent {
                seq: r.get(0)?,
                subject: r.get(1)?,
                at: r.get(2)?,
                kind: r.get(3)?,
                data: r.get(4)?,
                actor: r.get(5)?,
            })
        })
        .and_then(|rows| rows.collect())
        .map_err(|e| self.err(e))
    }
}

/// A change an admin makes to a user.
#[derive(Clone, Debug)]
pub enum UserChange {
    /// Activate or deactivate.
    Active(bool),
    /// Set a new PIN (a forgotten one); also unlocks.
    Pin(Pin),
    /// Lift a lockout now.
    Unlock,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_argon2id_with_owasp_parameters_and_checks_the_pin() {
        let pin = Pin::parse("4711").unwrap();
        let hash = hash_pin(&pin);
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(!hash.contains("4711"));
        assert!(pin_matches(&hash, &pin));
        assert!(!pin_matches(&hash, &Pin::parse("4712").unwrap()));
        // Salted: the same PIN hashes differently each time.
        assert_ne!(hash, hash_pin(&pin));
        assert!(!pin_matches("not a hash", &pin));
    }
}
