//! Schema migrations, applied in order by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one.

/// Each entry moves the schema from version `i` to `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: payments, their events, counters, shifts, the operator catalogue.
    r#"
    CREATE TABLE payments (
        id                TEXT PRIMARY KEY NOT NULL,
        terminal_id       TEXT NOT NULL,
        operator_code     TEXT NOT NULL,
        operator_name     TEXT NOT NULL,
        operator_tax_id   TEXT NOT NULL,
        legal_entity      TEXT NOT NULL,
        account           TEXT NOT NULL,
        amount_minor      INTEGER NOT NULL CHECK (amount_minor > 0),
        fee_minor         INTEGER NOT NULL CHECK (fee_minor >= 0),
        total_minor       INTEGER NOT NULL CHECK (total_minor = amount_minor + fee_minor),
        cashier           TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        state             TEXT NOT NULL CHECK (state IN ('pre_receipt_printing', 'pre_receipt_printed',
                              'signed', 'voided', 'cash_taken', 'fiscal_printing', 'fiscalized')),
        pre_receipt_no    INTEGER,
        void_reason       TEXT,
        tendered_minor    INTEGER,
        change_minor      INTEGER,
        fiscal_receipt_no INTEGER,
        shift_no          INTEGER,
        -- Money is taken only with enough cash; fiscal numbers only after cash.
        CHECK (tendered_minor IS NULL OR tendered_minor = total_minor + change_minor),
        CHECK (fiscal_receipt_no IS NULL OR tendered_minor IS NOT NULL),
        CHECK (state NOT IN ('cash_taken', 'fiscal_printing', 'fiscalized') OR tendered_minor IS NOT NULL),
        CHECK (state NOT IN ('fiscal_printing', 'fiscalized') OR fiscal_receipt_no IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX payments_pre_receipt_no ON payments (terminal_id, pre_receipt_no);
    CREATE UNIQUE INDEX payments_fiscal_receipt_no ON payments (terminal_id, fiscal_receipt_no);
    CREATE INDEX payments_unfinished ON payments (terminal_id, state)
        WHERE state NOT IN ('voided', 'fiscalized');
    CREATE INDEX payments_created_at ON payments (created_at);

    -- Every transition of every payment, in order. Append-only.
    CREATE TABLE payment_events (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        payment_id TEXT NOT NULL REFERENCES payments (id),
        at         TEXT NOT NULL,
        kind       TEXT NOT NULL,
        data       TEXT NOT NULL,
        actor      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX payment_events_payment ON payment_events (payment_id, seq);
    CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
        BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
    CREATE TRIGGER payment_events_no_delete BEFORE DELETE ON payment_events
        BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
    CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
        BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END;

    -- Gapless document numbers per terminal: the last number handed out.
    CREATE TABLE counters (
        terminal_id TEXT NOT NULL,
        name        TEXT NOT NULL,
        value       INTEGER NOT NULL CHECK (value >= 0),
        PRIMARY KEY (terminal_id, name)
    ) STRICT;

    CREATE TABLE shifts (
        terminal_id TEXT NOT NULL,
        number      INTEGER NOT NULL CHECK (number > 0),
        opened_at   TEXT NOT NULL,
        closed_at   TEXT,
        PRIMARY KEY (terminal_id, number)
    ) STRICT;
    CREATE UNIQUE INDEX shifts_one_open ON shifts (terminal_id) WHERE closed_at IS NULL;

    -- The operator catalogue as last received, so the till works offline.
    CREATE TABLE operators (
        code     TEXT PRIMARY KEY NOT NULL,
        position INTEGER NOT NULL,
        data     TEXT NOT NULL
    ) STRICT;
    CREATE TABLE catalogue_meta (
        id        INTEGER PRIMARY KEY CHECK (id = 1),
        version   TEXT NOT NULL,
        source    TEXT NOT NULL,
        stored_at TEXT NOT NULL
    ) STRICT;
    "#,
    // 2: delivery to the hub (queue, attempts, hub status, stuck) and the sync lease.
    r#"
    ALTER TABLE payments ADD COLUMN accepted_at TEXT;
    ALTER TABLE payments ADD COLUMN delivery TEXT CHECK (delivery IN ('queued', 'delivered', 'refused'));
    ALTER TABLE payments ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE payments ADD COLUMN next_attempt_at TEXT;
    ALTER TABLE payments ADD COLUMN last_error TEXT;
    ALTER TABLE payments ADD COLUMN hub_status TEXT;
    ALTER TABLE payments ADD COLUMN hub_reason TEXT;
    ALTER TABLE payments ADD COLUMN hub_status_at TEXT;
    ALTER TABLE payments ADD COLUMN stuck INTEGER NOT NULL DEFAULT 0;
    UPDATE payments SET accepted_at = updated_at WHERE tendered_minor IS NOT NULL;
    UPDATE payments SET delivery = 'queued', next_attempt_at = updated_at WHERE state = 'fiscalized';
    CREATE INDEX payments_due ON payments (next_attempt_at) WHERE delivery = 'queued';
    CREATE INDEX payments_polled ON payments (hub_status_at)
        WHERE delivery = 'delivered' AND hub_status IN ('accepted', 'processing');

    -- Exactly one sync leader per journal: whoever holds an unexpired lease.
    CREATE TABLE sync_lease (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        holder     TEXT NOT NULL,
        label      TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        epoch      INTEGER NOT NULL CHECK (epoch > 0)
    ) STRICT;
    "#,
    // 3: the audit chain (each event carries the previous event's hash). The
    // update trigger is lifted while `chain::backfill` hashes the existing events and
    // put back right after (see `Journal::migrate`).
    r#"
    ALTER TABLE payment_events ADD COLUMN prev_hash TEXT;
    ALTER TABLE payment_events ADD COLUMN hash TEXT;
    CREATE TABLE chain_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
    ) STRICT;
    DROP TRIGGER payment_events_no_update;
    "#,
    // 4: the payments report by operator over a period (the period alone uses
    // payments_created_at).
    r#"
    CREATE INDEX payments_operator_created ON payments (operator_code, created_at);
    "#,
    // 5: shifts opened with the cash in the drawer and closed with the cash counted,
    // and who did it; shift reports look payments up by shift.
    r#"
    ALTER TABLE shifts ADD COLUMN opening_cash_minor INTEGER NOT NULL DEFAULT 0
        CHECK (opening_cash_minor >= 0);
    ALTER TABLE shifts ADD COLUMN counted_cash_minor INTEGER CHECK (counted_cash_minor >= 0);
    ALTER TABLE shifts ADD COLUMN opened_by TEXT;
    ALTER TABLE shifts ADD COLUMN closed_by TEXT;
    CREATE INDEX payments_shift ON payments (terminal_id, shift_no) WHERE shift_no IS NOT NULL;
    "#,
    // 6: users (PIN hashes, never PINs; wrong-PIN count and lockout) and the
    // terminal's own events — users, logins, shifts — in a second audit chain.
    r#"
    CREATE TABLE users (
        id           TEXT PRIMARY KEY NOT NULL,
        name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role         TEXT NOT NULL CHECK (role IN ('cashier', 'shift_manager', 'support', 'admin')),
        pin_hash     TEXT NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
        active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        wrong_pins   INTEGER NOT NULL DEFAULT 0 CHECK (wrong_pins >= 0),
        locked_until TEXT,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL
    ) STRICT;

    CREATE TABLE terminal_events (
        seq       INTEGER PRIMARY KEY AUTOINCREMENT,
        subject   TEXT NOT NULL,
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL,
        data      TEXT NOT NULL,
        actor     TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER terminal_events_no_update BEFORE UPDATE ON terminal_events
        BEGIN SELECT RAISE(ABORT, 'terminal_events is append-only'); END;
    CREATE TRIGGER terminal_events_no_delete BEFORE DELETE ON terminal_events
        BEGIN SELECT RAISE(ABORT, 'terminal_events is append-only'); END;
    CREATE TABLE terminal_chain_head (
        id   INTEGER PRIMARY KEY CHECK (id = 1),
        seq  INTEGER NOT NULL,
        hash TEXT NOT NULL
    ) STRICT;
    "#,
    // 7: correction requests (their own id, idempotent at the hub) and refunds: the
    // cash given back, once per payment, never more than was taken.
    r#"
    CREATE TABLE corrections (
        id                TEXT PRIMARY KEY NOT NULL,
        payment_id        TEXT NOT NULL REFERENCES payments (id),
        terminal_id       TEXT NOT NULL,
        kind              TEXT NOT NULL CHECK (kind IN ('reconduct', 'move_account', 'cancel', 'refund')),
        state             TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'accepted', 'rejected', 'needs_info', 'done')),
        reason            TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        new_account       TEXT,
        approved_by       TEXT,
        fiscal_receipt_no INTEGER NOT NULL,
        hub_reason        TEXT,
        created_at        TEXT NOT NULL,
        created_by        TEXT NOT NULL,
        updated_at        TEXT NOT NULL,
        due_at            TEXT NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   TEXT,
        last_error        TEXT,
        CHECK (kind != 'move_account' OR new_account IS NOT NULL),
        CHECK (kind NOT IN ('cancel', 'refund') OR approved_by IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX corrections_one_open ON corrections (payment_id)
        WHERE state IN ('draft', 'submitted', 'accepted', 'needs_info');
    CREATE INDEX corrections_state ON corrections (state, updated_at);
    CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections
        BEGIN SELECT RAISE(ABORT, 'corrections are never deleted'); END;

    CREATE TABLE refunds (
        payment_id    TEXT PRIMARY KEY NOT NULL REFERENCES payments (id),
        correction_id TEXT NOT NULL UNIQUE REFERENCES corrections (id),
        terminal_id   TEXT NOT NULL,
        shift_no      INTEGER NOT NULL,
        refund_no     INTEGER NOT NULL,
        amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
        approved_by   TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        printed       INTEGER NOT NULL DEFAULT 0 CHECK (printed IN (0, 1))
    ) STRICT;
    CREATE UNIQUE INDEX refunds_number ON refunds (terminal_id, refund_no);
    CREATE INDEX refunds_shift ON refunds (terminal_id, shift_no);
    CREATE TRIGGER refunds_not_more_than_taken BEFORE INSERT ON refunds
        WHEN NEW.amount_minor > (SELECT total_minor FROM payments WHERE id = NEW.payment_id
                                 AND tendered_minor IS NOT NULL)
          OR (SELECT total_minor FROM payments WHERE id = NEW.payment_id
              AND tendered_minor IS NOT NULL) IS NULL
        BEGIN SELECT RAISE(ABORT, 'a refund cannot exceed the cash taken'); END;
    CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
        BEGIN SELECT RAISE(ABORT, 'refunds are never deleted'); END;
    "#,
    // 8: which process last moved each payment (`owner::ProcessMark`), so a payment a
    // live till is taking is told apart from one a dead process left for recovery.
    r#"
    ALTER TABLE payments ADD COLUMN handled_by TEXT;
    "#,
    // 9: the journal's own id (the hub binds a terminal to one journal; a copy of the
    // file carries it too), and the lease holder's process, so a lease held by a dead
    // process on this machine is taken over at once.
    r#"
    CREATE TABLE journal_meta (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        journal_id TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER journal_meta_no_update BEFORE UPDATE ON journal_meta
        BEGIN SELECT RAISE(ABORT, 'a journal keeps its id'); END;
    ALTER TABLE sync_lease ADD COLUMN process TEXT;
    "#,
    // 10: the operator's phone as the catalogue gave it when the payment was made
    // (printed on its documents, reprints included).
    r#"
    ALTER TABLE payments ADD COLUMN operator_phone TEXT;
    "#,
    // 11: cash put into or taken out of the drawer and collections (инкассация), with
    // who and why; the shift's expected cash counts them. Rows are never deleted; a
    // collection's bank reference is written once, when it becomes known.
    r#"
    CREATE TABLE cash_moves (
        id           TEXT PRIMARY KEY NOT NULL,
        terminal_id  TEXT NOT NULL,
        number       INTEGER NOT NULL CHECK (number > 0),
        shift_no     INTEGER NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('in', 'out', 'collection')),
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
        reason       TEXT,
        bag          TEXT,
        bank_ref     TEXT,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        CHECK (kind = 'collection' OR reason IS NOT NULL),
        CHECK (kind != 'collection' OR bag IS NOT NULL)
    ) STRICT;
    CREATE UNIQUE INDEX cash_moves_number ON cash_moves (terminal_id, number);
    CREATE INDEX cash_moves_shift ON cash_moves (terminal_id, shift_no);
    CREATE TRIGGER cash_moves_no_delete BEFORE DELETE ON cash_moves
        BEGIN SELECT RAISE(ABORT, 'cash moves are never deleted'); END;
    CREATE TRIGGER cash_moves_only_bank_ref BEFORE UPDATE ON cash_moves
        WHEN OLD.bank_ref IS NOT NULL OR NEW.bank_ref IS NULL
          OR NEW.id IS NOT OLD.id OR NEW.terminal_id IS NOT OLD.terminal_id
          OR NEW.number IS NOT OLD.number OR NEW.shift_no IS NOT OLD.shift_no
          OR NEW.kind IS NOT OLD.kind OR NEW.amount_minor IS NOT OLD.amount_minor
          OR NEW.reason IS NOT OLD.reason OR NEW.bag IS NOT OLD.bag
          OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor
        BEGIN SELECT RAISE(ABORT, 'a cash move only gets its bank reference, once'); END;
    "#,
    // 12: daily reconciliation with the hub's registry: the last run per business
    // day, and each difference found until a later run no longer finds it or someone
    // explains it (the runs and explanations are terminal events too).
    r#"
    CREATE TABLE reconciliations (
        terminal_id  TEXT NOT NULL,
        date         TEXT NOT NULL,
        run_at       TEXT NOT NULL,
        journal_n    INTEGER NOT NULL,
        hub_n        INTEGER NOT NULL,
        differences  INTEGER NOT NULL,
        actor        TEXT NOT NULL,
        PRIMARY KEY (terminal_id, date)
    ) STRICT;
    CREATE TABLE reconciliation_differences (
        terminal_id  TEXT NOT NULL,
        date         TEXT NOT NULL,
        payment_id   TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('undelivered', 'lost', 'unknown_at_hub',
                                                   'amount', 'account', 'status')),
        detail       TEXT NOT NULL,
        found_at     TEXT NOT NULL,
        gone_at      TEXT,
        explained_at TEXT,
        explained_by TEXT,
        reason       TEXT,
        PRIMARY KEY (terminal_id, date, payment_id, kind),
        CHECK ((explained_at IS NULL) = (reason IS NULL))
    ) STRICT;
    CREATE INDEX payments_accepted ON payments (terminal_id, accepted_at)
        WHERE state = 'fiscalized';
    CREATE INDEX reconciliation_open ON reconciliation_differences (terminal_id)
        WHERE gone_at IS NULL AND explained_at IS NULL;
    CREATE TRIGGER reconciliation_differences_no_delete BEFORE DELETE ON reconciliation_differences
        BEGIN SELECT RAISE(ABORT, 'differences are never deleted'); END;
    "#,
    // 13: the few payments in trouble, each kind behind its own small index, so the
    // status bar's counts and the support list never scan years of delivered ones.
    r#"
    CREATE INDEX payments_refused ON payments (created_at) WHERE delivery = 'refused';
    CREATE INDEX payments_stuck ON payments (created_at) WHERE stuck = 1;
    CREATE INDEX payments_failed ON payments (created_at) WHERE hub_status = 'failed';
    CREATE INDEX payments_retrying ON payments (created_at)
        WHERE delivery = 'queued' AND attempts > 0;
    "#,
];

/// Put back after migration 3's backfill.
pub(super) const EVENTS_APPEND_ONLY: &str = r#"
    CREATE TRIGGER payment_events_no_update BEFORE UPDATE ON payment_events
        BEGIN SELECT RAISE(ABORT, 'payment_events is append-only'); END;
"#;
