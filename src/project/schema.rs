//! The project file's tables and the migrations that build them.
//!
//! A project file's `PRAGMA user_version` is the number of migrations
//! applied to it; opening a file applies the ones it lacks, in one
//! transaction, so a project from an older Clearbox is brought up to date
//! and one from a newer Clearbox is refused. `PRAGMA application_id` marks
//! the file as Clearbox's, so another program's SQLite file is refused
//! rather than changed.

/// `PRAGMA application_id` of every project file: "ClBx".
pub const APPLICATION_ID: i32 = 0x436C_4278;

/// The migrations, oldest first: migration `i` takes a file from version
/// `i` to `i + 1`. Never edit one that has shipped; add a new one.
pub const MIGRATIONS: &[&str] = &[FIRST];

/// The version this Clearbox writes: every migration applied.
pub fn current_version() -> i32 {
    MIGRATIONS.len() as i32
}

/// The tables every record kind lives in, which the audit trail covers
/// row by row.
pub const RECORDED_TABLES: &[&str] = &[
    "sources",
    "runs",
    "drift_checks",
    "explanations",
    "promotions",
    "notes",
];

const FIRST: &str = "
CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    location    TEXT NOT NULL,
    bytes       INTEGER,
    fingerprint TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    columns     TEXT NOT NULL,
    recipe      TEXT NOT NULL,
    added_at    TEXT NOT NULL
);
CREATE TABLE runs (
    id               INTEGER PRIMARY KEY,
    template         TEXT NOT NULL,
    source_id        INTEGER NOT NULL REFERENCES sources(id),
    request          TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    device           TEXT NOT NULL,
    clearbox_version TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    status           TEXT NOT NULL,
    metrics          TEXT,
    headline         TEXT,
    account          TEXT,
    artefact         TEXT,
    artefact_hash    TEXT,
    problem          TEXT,
    rerun_of         INTEGER REFERENCES runs(id)
);
CREATE TABLE artefact_files (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    name   TEXT NOT NULL,
    bytes  BLOB NOT NULL,
    blake3 TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE drift_checks (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER REFERENCES runs(id),
    at        TEXT NOT NULL,
    reference TEXT NOT NULL,
    current   TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    summary   TEXT NOT NULL
);
CREATE TABLE explanations (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER REFERENCES runs(id),
    at      TEXT NOT NULL,
    data    TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE promotions (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    champion   INTEGER REFERENCES runs(id),
    challenger INTEGER REFERENCES runs(id),
    payload    TEXT NOT NULL
);
CREATE TABLE notes (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    text   TEXT NOT NULL
);
CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
";
