//! The audit trail: every event a project records, chained by hashes, and
//! the check that nothing in the file was changed behind Clearbox's back.
//!
//! Each event's `hash` is blake3 of the previous event's hash and the
//! event's own content (`seq`, `at`, `kind`, `payload`), so changing,
//! removing or inserting an event breaks every hash after it. An event that
//! records a row of a recorded table (a data source, a run, a drift check…)
//! carries that row's full content in its payload; the check compares every
//! row with the latest event that recorded it, so a run whose metrics were
//! edited no longer matches its event. A run's stored artefact files are
//! checked against the hashes in its (covered) record.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::RECORDED_TABLES;
use crate::words::Moment;

/// The `prev_hash` of the first event.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A table was loaded (its source, fingerprint and the user's recipe).
    DataLoaded,
    /// The user's roles or fixes on a loaded table changed (the new recipe).
    RecipeChanged,
    /// A table's health was checked.
    Profiled,
    /// A run began.
    RunStarted,
    /// A run finished, with its metrics and artefact.
    RunFinished,
    /// A run stopped with an error or was cancelled.
    RunFailed,
    /// A saved artefact scored a table.
    Scored,
    /// An explanation was saved.
    Explained,
    /// A policy was judged on another log.
    Evaluated,
    /// A drift check was made.
    DriftChecked,
    /// A table or letter was exported.
    Exported,
    /// A challenger was promoted.
    Promoted,
    /// A report was written.
    ReportWritten,
    /// The user wrote a note.
    NoteAdded,
}

impl EventKind {
    /// The kind as stored (`run_finished`).
    pub fn key(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

/// One event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Its place in the trail, from 1.
    pub seq: i64,
    /// When.
    pub at: String,
    /// What kind (as stored; an unknown kind is kept as text).
    pub kind: String,
    /// What it recorded.
    pub payload: Value,
}

/// Whether the trail is whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Trail {
    /// Every event's hash matches, and every record matches its event.
    Intact {
        /// Events in the trail.
        events: usize,
    },
    /// Something does not match.
    Broken {
        /// The first event that does not match (none when a record was
        /// added without any event).
        seq: Option<i64>,
        /// What does not match, as a sentence.
        problem: String,
    },
}

impl Trail {
    /// The state in one sentence.
    pub fn sentence(&self) -> String {
        match self {
            Self::Intact { events } => format!(
                "The audit trail is intact: all {events} events match their hashes, and every record matches its event."
            ),
            Self::Broken { problem, .. } => format!(
                "The audit trail is broken: {problem}. The project was changed outside Clearbox; \
                 keep this file as it is for whoever reviews it."
            ),
        }
    }
}

/// The hash of one event, chained to `prev_hash`.
fn chain_hash(prev_hash: &str, seq: i64, at: &str, kind: &str, payload: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in [prev_hash, &seq.to_string(), at, kind, payload] {
        hasher.update(part.as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().to_hex().to_string()
}

/// Appends an event inside `tx`; returns its `seq`.
pub(crate) fn append(tx: &Transaction, kind: EventKind, payload: &Value) -> rusqlite::Result<i64> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let at = Moment::now().recorded();
    let key = kind.key();
    let text = payload.to_string();
    let hash = chain_hash(&prev_hash, seq, &at, &key, &text);
    tx.execute(
        "INSERT INTO audit_events (seq, at, kind, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![seq, at, key, text, prev_hash, hash],
    )?;
    Ok(seq)
}

/// Appends an event recording the row `id` of `table` as it now is.
pub(crate) fn append_row(
    tx: &Transaction,
    kind: EventKind,
    table: &'static str,
    id: i64,
    extra: Value,
) -> rusqlite::Result<i64> {
    let record = row_record(tx, table, id)?.unwrap_or(Value::Null);
    let mut payload = serde_json::json!({ "table": table, "id": id, "record": record });
    if let (Value::Object(map), Value::Object(more)) = (&mut payload, extra) {
        map.extend(more);
    }
    append(tx, kind, &payload)
}

/// Row `id` of `table` as JSON, column by column.
fn row_record(conn: &Connection, table: &str, id: i64) -> rusqlite::Result<Option<Value>> {
    debug_assert!(RECORDED_TABLES.contains(&table));
    let mut statement = conn.prepare(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = statement.column_names().map(str::to_owned).collect();
    statement
        .query_row([id], |row| {
            let mut map = serde_json::Map::new();
            for (i, name) in names.iter().enumerate() {
                map.insert(name.clone(), cell(row.get_ref(i)?));
            }
            Ok(Value::Object(map))
        })
        .optional()
}

fn cell(value: rusqlite::types::ValueRef<'_>) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::from(blake3::hash(b).to_hex().to_string()),
    }
}

/// One event as stored, with its hashes.
pub(crate) struct Stored {
    seq: i64,
    at: String,
    kind: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl Stored {
    /// The event as callers see it.
    pub(crate) fn event(&self) -> Event {
        Event {
            seq: self.seq,
            at: self.at.clone(),
            kind: self.kind.clone(),
            payload: serde_json::from_str(&self.payload).unwrap_or(Value::Null),
        }
    }
}

/// Every event, oldest first.
pub(crate) fn events(conn: &Connection) -> rusqlite::Result<Vec<Stored>> {
    let mut statement = conn
        .prepare("SELECT seq, at, kind, payload, prev_hash, hash FROM audit_events ORDER BY seq")?;
    let rows = statement.query_map([], |row| {
        Ok(Stored {
            seq: row.get(0)?,
            at: row.get(1)?,
            kind: row.get(2)?,
            payload: row.get(3)?,
            prev_hash: row.get(4)?,
            hash: row.get(5)?,
        })
    })?;
    rows.collect()
}

/// Checks the whole trail and every recorded row against it.
pub(crate) fn verify(conn: &Connection) -> rusqlite::Result<Trail> {
    let mut problems: Vec<(Option<i64>, String)> = Vec::new();
    let mut latest: BTreeMap<(String, i64), (i64, Value)> = BTreeMap::new();
    let mut previous = GENESIS.to_owned();
    let all = events(conn)?;
    for event in &all {
        if event.prev_hash != previous {
            problems.push((
                Some(event.seq),
                format!(
                    "event {} does not follow the event before it (one was removed, inserted or changed)",
                    event.seq
                ),
            ));
            break;
        }
        if chain_hash(
            &event.prev_hash,
            event.seq,
            &event.at,
            &event.kind,
            &event.payload,
        ) != event.hash
        {
            problems.push((
                Some(event.seq),
                format!(
                    "event {} ({}) was changed after it was recorded",
                    event.seq,
                    event.kind.replace('_', " ")
                ),
            ));
            break;
        }
        previous = event.hash.clone();
        let payload: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
        if let (Some(table), Some(id)) = (payload["table"].as_str(), payload["id"].as_i64()) {
            latest.insert(
                (table.to_owned(), id),
                (event.seq, payload["record"].clone()),
            );
        }
    }
    let run_events: BTreeMap<i64, i64> = latest
        .iter()
        .filter(|((table, _), _)| table == "runs")
        .map(|((_, id), (seq, _))| (*id, *seq))
        .collect();
    for table in RECORDED_TABLES {
        let mut statement = conn.prepare(&format!("SELECT id FROM {table} ORDER BY id"))?;
        let ids: Vec<i64> = statement
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let noun = noun(table);
            match latest.remove(&(table.to_string(), id)) {
                None => problems.push((
                    None,
                    format!("{noun} {id} is in the file but no event recorded it (it was added outside Clearbox)"),
                )),
                Some((seq, recorded)) => {
                    let now = row_record(conn, table, id)?.unwrap_or(Value::Null);
                    if let Some(field) = first_difference(&recorded, &now) {
                        problems.push((
                            Some(seq),
                            format!("{noun} {id} no longer matches event {seq}, which recorded it: its '{field}' was changed"),
                        ));
                    }
                }
            }
        }
    }
    for ((table, id), (seq, _)) in latest {
        problems.push((
            Some(seq),
            format!(
                "event {seq} recorded {} {id}, which is no longer in the file",
                noun(&table)
            ),
        ));
    }
    problems.extend(stored_files(conn, &run_events)?);
    problems.sort_by_key(|(seq, _)| seq.unwrap_or(i64::MAX));
    Ok(match problems.into_iter().next() {
        Some((seq, problem)) => Trail::Broken { seq, problem },
        None => Trail::Intact { events: all.len() },
    })
}

/// Each run's stored files against the hashes its record lists; a
/// mismatch is laid at the event that recorded the run.
fn stored_files(
    conn: &Connection,
    run_events: &BTreeMap<i64, i64>,
) -> rusqlite::Result<Vec<(Option<i64>, String)>> {
    let mut problems = Vec::new();
    let mut statement = conn.prepare("SELECT id, artefact FROM runs WHERE artefact IS NOT NULL")?;
    let runs: Vec<(i64, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (run, text) in runs {
        let record: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let listed = record["files"].as_array().cloned().unwrap_or_default();
        let mut files = conn.prepare("SELECT name, bytes FROM artefact_files WHERE run_id = ?1")?;
        let stored: BTreeMap<String, Vec<u8>> = files
            .query_map([run], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for entry in listed {
            let name = entry["name"].as_str().unwrap_or_default();
            let matches = stored.get(name).is_some_and(|bytes| {
                entry["blake3"].as_str() == Some(blake3::hash(bytes).to_hex().as_str())
            });
            if !matches {
                problems.push((
                    run_events.get(&run).copied(),
                    format!(
                        "the stored file '{name}' of run {run} is not the one its record lists"
                    ),
                ));
            }
        }
    }
    Ok(problems)
}

/// The first field (by name) whose value differs between two records.
fn first_difference(recorded: &Value, now: &Value) -> Option<String> {
    match (recorded.as_object(), now.as_object()) {
        (Some(a), Some(b)) => a
            .keys()
            .chain(b.keys())
            .find(|key| a.get(*key) != b.get(*key))
            .cloned(),
        _ => (recorded != now).then(|| "record".to_owned()),
    }
}

/// What a row of `table` is called in sentences.
fn noun(table: &str) -> &'static str {
    match table {
        "sources" => "data source",
        "runs" => "run",
        "drift_checks" => "drift check",
        "explanations" => "explanation",
        "promotions" => "promotion",
        _ => "note",
    }
}
