//! The audit chain: every journal event carries the hash of the event before it, so
//! an event edited or removed outside paydesk breaks the chain at a findable place.
//!
//! `hash = SHA-256(prev_hash ‖ seq ‖ payment_id ‖ at ‖ kind ‖ data ‖ actor)`, fields
//! separated by a newline, hex-encoded; the first event's `prev_hash` is 64 zeros.
//! `chain_head` keeps the last link, so removing the newest events is caught too. The
//! chain has no secret: it shows careless or hidden edits, not an attacker who
//! recomputes every hash (that needs a key kept off the till, a later step).

use rusqlite::{OptionalExtension, Transaction, params};

/// One hash chain: its events table, the column naming what each event is about,
/// and the table holding its last link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Events table (append-only).
    pub events: &'static str,
    /// The column saying what an event is about (a payment id, a user, a shift).
    pub subject: &'static str,
    /// The one-row table with the last link.
    pub head: &'static str,
    /// What the events are, for messages ("payment", "terminal").
    pub label: &'static str,
}

/// Payment events: each payment's transitions and deliveries.
pub const PAYMENTS: Chain = Chain {
    events: "payment_events",
    subject: "payment_id",
    head: "chain_head",
    label: "payment",
};

/// Terminal events: users created and changed, logins and lockouts, shifts opened
/// and closed.
pub const TERMINAL: Chain = Chain {
    events: "terminal_events",
    subject: "subject",
    head: "terminal_chain_head",
    label: "terminal",
};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one event given the hash before it.
pub fn link(
    prev: &str,
    seq: i64,
    payment_id: &str,
    at: &str,
    kind: &str,
    data: &str,
    actor: &str,
) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for (i, part) in [prev, &seq.to_string(), payment_id, at, kind, data, actor]
        .iter()
        .enumerate()
    {
        if i > 0 {
            ctx.update(b"\n");
        }
        ctx.update(part.as_bytes());
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn head(tx: &Transaction, chain: &Chain) -> rusqlite::Result<(i64, String)> {
    Ok(tx
        .query_row(
            &format!("SELECT seq, hash FROM {} WHERE id = 1", chain.head),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Appends one payment event to the journal and the chain (inside the caller's
/// transaction).
pub fn append(
    tx: &Transaction,
    payment_id: &str,
    at: &str,
    kind: &str,
    data: &str,
    actor: &str,
) -> rusqlite::Result<()> {
    append_to(tx, &PAYMENTS, payment_id, at, kind, data, actor)
}

/// Appends one event to `chain` (inside the caller's transaction).
pub fn append_to(
    tx: &Transaction,
    chain: &Chain,
    subject: &str,
    at: &str,
    kind: &str,
    data: &str,
    actor: &str,
) -> rusqlite::Result<()> {
    let (last, prev) = head(tx, chain)?;
    let seq = last.max(tx.query_row(
        &format!("SELECT COALESCE(MAX(seq), 0) FROM {}", chain.events),
        [],
        |r| r.get::<_, i64>(0),
    )?) + 1;
    let hash = link(&prev, seq, subject, at, kind, data, actor);
    tx.execute(
        &format!(
            "INSERT INTO {} (seq, {}, at, kind, data, actor, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            chain.events, chain.subject
        ),
        params![seq, subject, at, kind, data, actor, prev, hash],
    )?;
    tx.execute(
        &format!(
            "INSERT INTO {} (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            chain.head
        ),
        params![seq, hash],
    )?;
    Ok(())
}

/// Chains the events written before the chain existed (migration 3), in order.
pub fn backfill(tx: &Transaction) -> rusqlite::Result<()> {
    let rows: Vec<(i64, String, String, String, String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT seq, payment_id, at, kind, data, actor FROM payment_events ORDER BY seq",
        )?;
        stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<Result<_, _>>()?
    };
    let mut prev = GENESIS.to_string();
    let mut last = 0;
    for (seq, payment_id, at, kind, data, actor) in rows {
        let hash = link(&prev, seq, &payment_id, &at, &kind, &data, &actor);
        tx.execute(
            "UPDATE payment_events SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            params![prev, hash, seq],
        )?;
        prev = hash;
        last = seq;
    }
    tx.execute(
        "INSERT INTO chain_head (id, seq, hash) VALUES (1, ?1, ?2)",
        params![last, prev],
    )?;
    Ok(())
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The event's content no longer matches its hash: it was edited.
    Edited {
        /// Which chain ("payment", "terminal").
        chain: &'static str,
        /// The event.
        seq: i64,
        /// What it is about (the payment, the user, the shift).
        subject: String,
        /// Its kind.
        kind: String,
    },
    /// The event does not follow the one before it: events between were removed
    /// (or the previous one's hash was changed).
    Unlinked {
        /// Which chain.
        chain: &'static str,
        /// The first event after the gap.
        seq: i64,
        /// The event before it that is still there (0: none).
        after: i64,
    },
    /// The newest events were removed: the chain ends before its recorded head.
    TailRemoved {
        /// Which chain.
        chain: &'static str,
        /// The last event there is.
        last: i64,
        /// The last event the head says was written.
        head: i64,
    },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Edited {
                chain,
                seq,
                subject,
                kind,
            } => write!(
                f,
                "{chain} event {seq} ({kind} of {subject}) was changed outside paydesk"
            ),
            Break::Unlinked { chain, seq, after } => write!(
                f,
                "{chain} event {seq} does not follow event {after}: events between them were removed or changed outside paydesk"
            ),
            Break::TailRemoved { chain, last, head } => write!(
                f,
                "the {chain} events end at {last} but event {head} was written: the newest events were removed outside paydesk"
            ),
        }
    }
}

/// Walks the payment chain, then the terminal chain, from their first events; the
/// first break, if any.
pub fn check(conn: &rusqlite::Connection) -> rusqlite::Result<Option<Break>> {
    check_with(conn, &mut |_| {})
}

/// [`check`], calling `on_event` with each event's seq as it is checked (progress).
pub fn check_with(
    conn: &rusqlite::Connection,
    on_event: &mut dyn FnMut(i64),
) -> rusqlite::Result<Option<Break>> {
    Ok(match walk(conn, &PAYMENTS, on_event)? {
        Some(b) => Some(b),
        None => walk(conn, &TERMINAL, on_event)?,
    })
}

/// Walks one chain from its first event; its first break, if any.
pub fn check_chain(conn: &rusqlite::Connection, chain: &Chain) -> rusqlite::Result<Option<Break>> {
    walk(conn, chain, &mut |_| {})
}

/// The newest link only, against the chain's head: what a crash or a cut-off file can
/// break, found in two indexed reads whatever the journal's size (the whole chain is
/// walked by [`check`] in the background and by `journal verify`).
pub fn check_head(conn: &rusqlite::Connection, chain: &Chain) -> rusqlite::Result<Option<Break>> {
    let head: Option<(i64, String)> = conn
        .query_row(
            &format!("SELECT seq, hash FROM {} WHERE id = 1", chain.head),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let last = conn
        .query_row(
            &format!(
                "SELECT seq, {}, at, kind, data, actor, prev_hash, hash FROM {}
                 ORDER BY seq DESC LIMIT 1",
                chain.subject, chain.events
            ),
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?;
    Ok(match (head, last) {
        (None, None) => None,
        // A new journal: the head is the genesis, no event yet.
        (Some((0, hash)), None) if hash == GENESIS => None,
        (Some((head, _)), None) => Some(Break::TailRemoved {
            chain: chain.label,
            last: 0,
            head,
        }),
        (None, Some((seq, subject, _, kind, ..))) => Some(Break::Edited {
            chain: chain.label,
            seq,
            subject,
            kind,
        }),
        (Some((head_seq, head_hash)), Some((seq, subject, at, kind, data, actor, prev, hash))) => {
            let expected = prev
                .as_deref()
                .map(|prev| link(prev, seq, &subject, &at, &kind, &data, &actor));
            if seq < head_seq {
                Some(Break::TailRemoved {
                    chain: chain.label,
                    last: seq,
                    head: head_seq,
                })
            } else if expected.is_none() || hash != expected || hash.as_deref() != Some(&head_hash)
            {
                Some(Break::Edited {
                    chain: chain.label,
                    seq,
                    subject,
                    kind,
                })
            } else {
                None
            }
        }
    })
}

fn walk(
    conn: &rusqlite::Connection,
    chain: &Chain,
    on_event: &mut dyn FnMut(i64),
) -> rusqlite::Result<Option<Break>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, {}, at, kind, data, actor, prev_hash, hash FROM {} ORDER BY seq",
        chain.subject, chain.events
    ))?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_string();
    let mut prev_seq = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        on_event(seq);
        let subject: String = r.get(1)?;
        let kind: String = r.get(3)?;
        let prev_hash: Option<String> = r.get(6)?;
        let hash: Option<String> = r.get(7)?;
        if seq != prev_seq + 1 || prev_hash.as_deref() != Some(prev.as_str()) {
            return Ok(Some(Break::Unlinked {
                chain: chain.label,
                seq,
                after: prev_seq,
            }));
        }
        let expected = link(
            &prev,
            seq,
            &subject,
            &r.get::<_, String>(2)?,
            &kind,
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
        );
        if hash.as_deref() != Some(expected.as_str()) {
            return Ok(Some(Break::Edited {
                chain: chain.label,
                seq,
                subject,
                kind,
            }));
        }
        prev = expected;
        prev_seq = seq;
    }
    let head: Option<(i64, String)> = conn
        .query_row(
            &format!("SELECT seq, hash FROM {} WHERE id = 1", chain.head),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match head {
        Some((seq, hash)) if seq != prev_seq || hash != prev => Ok(Some(Break::TailRemoved {
            chain: chain.label,
            last: prev_seq,
            head: seq,
        })),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_depends_on_every_field() {
        let base = link(GENESIS, 1, "p", "t", "k", "d", "a");
        assert_eq!(base.len(), 64);
        for other in [
            link("1", 1, "p", "t", "k", "d", "a"),
            link(GENESIS, 2, "p", "t", "k", "d", "a"),
            link(GENESIS, 1, "q", "t", "k", "d", "a"),
            link(GENESIS, 1, "p", "u", "k", "d", "a"),
            link(GENESIS, 1, "p", "t", "l", "d", "a"),
            link(GENESIS, 1, "p", "t", "k", "e", "a"),
            link(GENESIS, 1, "p", "t", "k", "d", "b"),
            // Moving the separator between fields changes the hash too.
            link(GENESIS, 1, "p\nt", "", "k", "d", "a"),
        ] {
            assert_ne!(other, base);
        }
    }
}
