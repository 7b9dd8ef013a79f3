//! The smaller records of a project: drift checks, saved explanations,
//! promotions and the user's notes. Each is one row and one audit event,
//! written together.

use rusqlite::params;
use serde::Serialize;
use serde_json::{Value, json};

use super::audit::{self, EventKind};
use super::runs::RunId;
use super::store::Project;
use crate::error::Result;
use crate::words::Moment;

/// A saved drift check, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftRecord {
    /// When.
    pub at: String,
    /// The reference data's name.
    pub reference: String,
    /// The newer data's name.
    pub current: String,
    /// Stable, Watch or Retrain.
    pub verdict: String,
    /// The check's figures and sentences.
    pub summary: Value,
}

impl Project {
    /// Keeps a note the user wrote, about `run` when given.
    pub fn add_note(&mut self, run: Option<RunId>, text: &str) -> Result<i64> {
        if let Some(run) = run {
            self.run(run)?;
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO notes (at, run_id, text) VALUES (?1, ?2, ?3)",
                params![Moment::now().recorded(), run.map(|r| r.0), text],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_row(tx, EventKind::NoteAdded, "notes", id, json!({}))?;
            Ok(id)
        })
    }

    /// Keeps a drift check of `current` against `reference`, for `run`'s
    /// artefact when known.
    pub fn add_drift_check(
        &mut self,
        run: Option<RunId>,
        reference: &str,
        current: &str,
        verdict: &str,
        summary: &Value,
    ) -> Result<i64> {
        let summary = summary.to_string();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO drift_checks (run_id, at, reference, current, verdict, summary) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    run.map(|r| r.0),
                    Moment::now().recorded(),
                    reference,
                    current,
                    verdict,
                    summary
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_row(tx, EventKind::DriftChecked, "drift_checks", id, json!({}))?;
            Ok(id)
        })
    }

    /// Keeps an explanation of `run`'s artefact on the data `data`.
    pub fn add_explanation(
        &mut self,
        run: Option<RunId>,
        data: &str,
        payload: &Value,
    ) -> Result<i64> {
        let payload = payload.to_string();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO explanations (run_id, at, data, payload) VALUES (?1, ?2, ?3, ?4)",
                params![run.map(|r| r.0), Moment::now().recorded(), data, payload],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_row(tx, EventKind::Explained, "explanations", id, json!({}))?;
            Ok(id)
        })
    }

    /// Keeps a promotion: `challenger` replaces `champion`.
    pub fn add_promotion(
        &mut self,
        champion: Option<RunId>,
        challenger: Option<RunId>,
        payload: &Value,
    ) -> Result<i64> {
        let payload = payload.to_string();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO promotions (at, champion, challenger, payload) VALUES (?1, ?2, ?3, ?4)",
                params![
                    Moment::now().recorded(),
                    champion.map(|r| r.0),
                    challenger.map(|r| r.0),
                    payload
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_row(tx, EventKind::Promoted, "promotions", id, json!({}))?;
            Ok(id)
        })
    }

    /// The drift checks of `run` (or all, with none), oldest first.
    pub fn drift_checks(&self, run: Option<RunId>) -> Result<Vec<DriftRecord>> {
        let mut statement = self
            .conn()
            .prepare(
                "SELECT at, reference, current, verdict, summary FROM drift_checks \
                 WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.failed(e))?;
        statement
            .query_map([run.map(|r| r.0)], |row| {
                Ok(DriftRecord {
                    at: row.get(0)?,
                    reference: row.get(1)?,
                    current: row.get(2)?,
                    verdict: row.get(3)?,
                    summary: serde_json::from_str(&row.get::<_, String>(4)?).unwrap_or(Value::Null),
                })
            })
            .and_then(Iterator::collect)
            .map_err(|e| self.failed(e))
    }

    /// The latest explanation saved for `run`.
    pub fn latest_explanation(&self, run: RunId) -> Result<Option<Value>> {
        use rusqlite::OptionalExtension;
        self.conn()
            .query_row(
                "SELECT payload FROM explanations WHERE run_id = ?1 ORDER BY id DESC LIMIT 1",
                [run.0],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map(|text| text.and_then(|t| serde_json::from_str(&t).ok()))
            .map_err(|e| self.failed(e))
    }

    /// Notes about `run` (or every note), oldest first: when, and the text.
    pub fn notes(&self, run: Option<RunId>) -> Result<Vec<(String, String)>> {
        let mut statement = self
            .conn()
            .prepare("SELECT at, text FROM notes WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id")
            .map_err(|e| self.failed(e))?;
        statement
            .query_map([run.map(|r| r.0)], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(|e| self.failed(e))
    }
}
