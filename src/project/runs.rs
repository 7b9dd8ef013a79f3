//! Data sources and runs as a project keeps them.
//!
//! A run is written twice: when it starts (status `running`, with its
//! request, seed and device) and when it ends (`finished` with its metrics
//! and its artefact folder's files stored in the project, or `failed` with
//! the sentence the user saw). Each write is one transaction with its audit
//! event, so a process killed mid-run leaves a run marked unfinished, never
//! half a record.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::account::Account;
use super::audit::{self, EventKind};
use super::store::Project;
use crate::data::{DataSource, Recipe, Table, TableOrigin};
use crate::error::{ClearboxError, Result, display_name};
use crate::files::write_atomically;
use crate::templates::{Folder, Provenance, Record, TemplateKind, artefact::RECORD};
use crate::words::Moment;

/// A data source's id in its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceId(pub i64);

/// A run's id in its project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RunId(pub i64);

/// Where a run's data is, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// Its id.
    pub id: SourceId,
    /// Its name as shown.
    pub name: String,
    /// A file's path, or `sample:ID` for a bundled sample.
    pub path: String,
    /// The file's size in bytes (none for a sample).
    pub bytes: Option<u64>,
    /// The blake3 fingerprint of its bytes.
    pub fingerprint: String,
    /// Rows it had.
    pub rows: usize,
    /// The user's roles and fixes, applied before the run.
    pub recipe: Recipe,
}

impl SourceRecord {
    /// The source to load it again from.
    pub fn data_source(&self) -> Result<DataSource> {
        match self.path.strip_prefix("sample:") {
            Some(id) => crate::samples::find(id)
                .map(DataSource::Sample)
                .ok_or_else(|| {
                    ClearboxError::BadRequest(format!(
                        "The project's data '{}' was a sample ('{id}') this version of Clearbox does not have.",
                        self.name
                    ))
                }),
            None => Ok(DataSource::File(PathBuf::from(&self.path))),
        }
    }
}

/// How a run ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Started and never finished: still running, or interrupted.
    Running,
    /// Finished, with metrics and an artefact.
    Finished,
    /// Stopped with an error or cancelled.
    Failed,
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRecord {
    /// Its id.
    pub id: RunId,
    /// The template that ran.
    pub template: TemplateKind,
    /// The data it ran on.
    pub data: SourceRecord,
    /// The template's request exactly as given.
    pub settings: Value,
    /// Its seed.
    pub seed: u64,
    /// The compute device's label.
    pub device: String,
    /// The Clearbox version that ran it.
    pub clearbox_version: String,
    /// When it started.
    pub created_at: String,
    /// When it ended.
    pub ended_at: Option<String>,
    /// How it ended.
    pub status: RunStatus,
    /// Its figures (for prediction, `test` as `clearbox train` prints it).
    pub metrics: Value,
    /// The figures in one sentence, against the simple reference.
    pub headline: Option<String>,
    /// What it made and how it did, in words (finished runs).
    pub account: Option<Account>,
    /// Why it failed.
    pub problem: Option<String>,
    /// The run it repeats, for reruns.
    pub rerun_of: Option<RunId>,
    /// The blake3 hash of its artefact record.
    pub artefact_hash: Option<String>,
}

/// What a finished run hands the project.
#[derive(Debug)]
pub struct Finished<'a> {
    /// The artefact's record, as saved.
    pub record: &'a Record,
    /// The folder it was saved in.
    pub dir: &'a Path,
    /// Its figures.
    pub metrics: Value,
    /// The figures in one sentence.
    pub headline: String,
    /// What it made and how it did, in words.
    pub account: Account,
}

impl Project {
    /// Records that `original` (before the user's changes) was loaded and
    /// `recipe` applied to it, reusing an identical source already there.
    pub fn add_source(&mut self, original: &Table, recipe: &Recipe) -> Result<SourceId> {
        let (location, bytes) = match &original.origin {
            TableOrigin::File(path) => {
                let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                let bytes = std::fs::metadata(path).ok().map(|m| m.len() as i64);
                (full.display().to_string(), bytes)
            }
            TableOrigin::Sample(id) => (format!("sample:{id}"), None),
        };
        let recipe_text = serde_json::to_string(recipe).unwrap_or_default();
        let columns: Vec<Value> = original
            .columns
            .iter()
            .map(|c| json!({ "name": c.name, "role": c.role }))
            .collect();
        let columns = Value::from(columns).to_string();
        self.write(|tx| {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM sources WHERE location = ?1 AND fingerprint = ?2 AND recipe = ?3",
                    params![location, original.fingerprint, recipe_text],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(id) = existing {
                return Ok(SourceId(id));
            }
            tx.execute(
                "INSERT INTO sources (name, location, bytes, fingerprint, rows, columns, recipe, added_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    original.name,
                    location,
                    bytes,
                    original.fingerprint,
                    original.rows as i64,
                    columns,
                    recipe_text,
                    Moment::now().recorded()
                ],
            )?;
            let id = tx.last_insert_rowid();
            // The same bytes again with other changes: the user's fix, not a new load.
            let seen: i64 = tx.query_row(
                "SELECT count(*) FROM sources WHERE location = ?1 AND fingerprint = ?2 AND id < ?3",
                params![location, original.fingerprint, id],
                |row| row.get(0),
            )?;
            let kind = if seen > 0 {
                EventKind::RecipeChanged
            } else {
                EventKind::DataLoaded
            };
            audit::append_row(tx, kind, "sources", id, json!({}))?;
            Ok(SourceId(id))
        })
    }

    /// Records that a run of `template` on `source` has started.
    pub fn start_run(
        &mut self,
        template: TemplateKind,
        source: SourceId,
        request: &impl Serialize,
        seed: u64,
        device: &str,
        rerun_of: Option<RunId>,
    ) -> Result<RunId> {
        let request = serde_json::to_string(request).unwrap_or_default();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO runs (template, source_id, request, seed, device, clearbox_version, \
                 started_at, status, rerun_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running', ?8)",
                params![
                    kind_key(template),
                    source.0,
                    request,
                    seed as i64,
                    device,
                    env!("CARGO_PKG_VERSION"),
                    Moment::now().recorded(),
                    rerun_of.map(|r| r.0)
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit::append_row(tx, EventKind::RunStarted, "runs", id, json!({}))?;
            Ok(RunId(id))
        })
    }

    /// Records that `run` finished: its metrics, and its artefact's files
    /// read back from the folder and stored in the project.
    pub fn finish_run(&mut self, run: RunId, finished: &Finished<'_>) -> Result<()> {
        let mut files = Vec::new();
        for entry in &finished.record.files {
            let path = finished.dir.join(&entry.name);
            let bytes = std::fs::read(&path).map_err(|e| ClearboxError::from_io(&path, &e))?;
            files.push((entry.name.clone(), bytes, entry.blake3.clone()));
        }
        let record_text = serde_json::to_string(finished.record).unwrap_or_default();
        let metrics = finished.metrics.to_string();
        let account = serde_json::to_string(&finished.account).unwrap_or_default();
        self.write(|tx| {
            for (name, bytes, hash) in &files {
                tx.execute(
                    "INSERT OR REPLACE INTO artefact_files (run_id, name, bytes, blake3) VALUES (?1, ?2, ?3, ?4)",
                    params![run.0, name, bytes, hash],
                )?;
            }
            tx.execute(
                "UPDATE runs SET status = 'finished', ended_at = ?2, metrics = ?3, headline = ?4, \
                 artefact = ?5, artefact_hash = ?6, account = ?7 WHERE id = ?1",
                params![
                    run.0,
                    Moment::now().recorded(),
                    metrics,
                    finished.headline,
                    record_text,
                    finished.record.hash(),
                    account
                ],
            )?;
            audit::append_row(tx, EventKind::RunFinished, "runs", run.0, json!({}))?;
            Ok(())
        })
    }

    /// Records that `run` stopped with `problem` (or was cancelled).
    pub fn fail_run(&mut self, run: RunId, problem: &ClearboxError) -> Result<()> {
        let sentence = problem.to_string();
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET status = 'failed', ended_at = ?2, problem = ?3 WHERE id = ?1",
                params![run.0, Moment::now().recorded(), sentence],
            )?;
            audit::append_row(tx, EventKind::RunFailed, "runs", run.0, json!({}))?;
            Ok(())
        })
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut statement = self
            .conn()
            .prepare("SELECT id FROM runs ORDER BY id")
            .map_err(|e| self.failed(e))?;
        let ids: Vec<i64> = statement
            .query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(|e| self.failed(e))?;
        ids.into_iter().map(|id| self.run(RunId(id))).collect()
    }

    /// One run; an unknown id is refused with the ids there are.
    pub fn run(&self, id: RunId) -> Result<RunRecord> {
        let row = self
            .conn()
            .query_row(
                "SELECT r.template, r.request, r.seed, r.device, r.clearbox_version, r.started_at, \
                 r.ended_at, r.status, r.metrics, r.headline, r.problem, r.rerun_of, r.artefact_hash, \
                 r.account, s.id, s.name, s.location, s.bytes, s.fingerprint, s.rows, s.recipe \
                 FROM runs r JOIN sources s ON s.id = r.source_id WHERE r.id = ?1",
                [id.0],
                |row| {
                    let text = |i: usize| row.get::<_, String>(i);
                    let json_of = |t: Option<String>| {
                        t.and_then(|t| serde_json::from_str(&t).ok())
                            .unwrap_or(Value::Null)
                    };
                    Ok(RunRecord {
                        id,
                        template: parse_kind(&text(0)?)?,
                        settings: json_of(Some(text(1)?)),
                        seed: row.get::<_, i64>(2)? as u64,
                        device: text(3)?,
                        clearbox_version: text(4)?,
                        created_at: text(5)?,
                        ended_at: row.get(6)?,
                        status: match text(7)?.as_str() {
                            "finished" => RunStatus::Finished,
                            "failed" => RunStatus::Failed,
                            _ => RunStatus::Running,
                        },
                        metrics: json_of(row.get(8)?),
                        headline: row.get(9)?,
                        problem: row.get(10)?,
                        rerun_of: row.get::<_, Option<i64>>(11)?.map(RunId),
                        artefact_hash: row.get(12)?,
                        account: row
                            .get::<_, Option<String>>(13)?
                            .and_then(|t| serde_json::from_str(&t).ok()),
                        data: SourceRecord {
                            id: SourceId(row.get(14)?),
                            name: text(15)?,
                            path: text(16)?,
                            bytes: row.get::<_, Option<i64>>(17)?.map(|b| b as u64),
                            fingerprint: text(18)?,
                            rows: row.get::<_, i64>(19)? as usize,
                            recipe: recipe(&text(20)?)?,
                        },
                    })
                },
            )
            .optional()
            .map_err(|e| self.failed(e))?;
        row.ok_or_else(|| {
            let ids: Vec<String> = self
                .conn()
                .prepare("SELECT id FROM runs ORDER BY id")
                .and_then(|mut s| {
                    s.query_map([], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<i64>>>()
                })
                .unwrap_or_default()
                .iter()
                .map(i64::to_string)
                .collect();
            ClearboxError::BadRequest(format!(
                "'{}' has no run {}. {}",
                display_name(self.path()),
                id.0,
                if ids.is_empty() {
                    "It has no runs yet.".to_owned()
                } else {
                    format!("Its runs are: {}.", ids.join(", "))
                }
            ))
        })
    }

    /// `run`'s figures exactly as stored, for comparisons that must not
    /// depend on how numbers are read back.
    pub fn metrics_text(&self, run: RunId) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT metrics FROM runs WHERE id = ?1", [run.0], |row| {
                row.get::<_, Option<String>>(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.failed(e))
    }

    /// A recorded data source.
    pub fn source(&self, id: SourceId) -> Result<SourceRecord> {
        self.conn()
            .query_row(
                "SELECT name, location, bytes, fingerprint, rows, recipe FROM sources WHERE id = ?1",
                [id.0],
                |row| {
                    Ok(SourceRecord {
                        id,
                        name: row.get(0)?,
                        path: row.get(1)?,
                        bytes: row.get::<_, Option<i64>>(2)?.map(|b| b as u64),
                        fingerprint: row.get(3)?,
                        rows: row.get::<_, i64>(4)? as usize,
                        recipe: recipe(&row.get::<_, String>(5)?)?,
                    })
                },
            )
            .map_err(|e| self.failed(e))
    }

    /// The table last worked on (the newest source) and the column the
    /// newest prediction run on it learned, to reopen the project where it
    /// was left.
    pub fn last_table(&self) -> Result<Option<(SourceRecord, Option<String>)>> {
        let newest: Option<i64> = self
            .conn()
            .query_row("SELECT max(id) FROM sources", [], |row| row.get(0))
            .map_err(|e| self.failed(e))?;
        let Some(id) = newest else {
            return Ok(None);
        };
        let source = self.source(SourceId(id))?;
        let request: Option<String> = self
            .conn()
            .query_row(
                "SELECT request FROM runs WHERE source_id = ?1 AND template = 'prediction' \
                 ORDER BY id DESC LIMIT 1",
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.failed(e))?;
        let target = request
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|v| v["target"].as_str().map(str::to_owned));
        Ok(Some((source, target)))
    }

    /// The run whose artefact has this provenance (same template, moment,
    /// data and seed), to tie a model still in memory to its run.
    pub fn run_of_provenance(&self, provenance: &Provenance) -> Result<Option<RunId>> {
        self.conn()
            .query_row(
                "SELECT id FROM runs WHERE template = ?1 \
                 AND json_extract(artefact, '$.provenance.created') = ?2 \
                 AND json_extract(artefact, '$.provenance.data.fingerprint') = ?3 \
                 AND seed = ?4 ORDER BY id DESC LIMIT 1",
                params![
                    kind_key(provenance.template),
                    provenance.created.recorded(),
                    provenance.data.fingerprint,
                    provenance.seed as i64
                ],
                |row| row.get(0).map(RunId),
            )
            .optional()
            .map_err(|e| self.failed(e))
    }

    /// The run whose artefact has `hash`, to tie a saved folder to its run.
    pub fn run_with_artefact(&self, hash: &str) -> Result<Option<RunId>> {
        self.conn()
            .query_row(
                "SELECT id FROM runs WHERE artefact_hash = ?1 ORDER BY id DESC LIMIT 1",
                [hash],
                |row| row.get(0).map(RunId),
            )
            .optional()
            .map_err(|e| self.failed(e))
    }

    /// The newest finished run of `template` on `source`, to reopen its page.
    pub fn latest_finished_run(
        &self,
        template: TemplateKind,
        source: SourceId,
    ) -> Result<Option<RunId>> {
        self.conn()
            .query_row(
                "SELECT id FROM runs WHERE template = ?1 AND source_id = ?2 \
                 AND status = 'finished' ORDER BY id DESC LIMIT 1",
                params![kind_key(template), source.0],
                |row| row.get(0).map(RunId),
            )
            .optional()
            .map_err(|e| self.failed(e))
    }

    /// `run`'s stored artefact, checked as any artefact folder is (through a
    /// scratch folder that is removed once its files are read).
    pub fn artefact_folder(&self, run: RunId) -> Result<Folder> {
        let dir = std::env::temp_dir().join(format!(
            "clearbox-open-{}-{}-{}",
            std::process::id(),
            run.0,
            Moment::now().recorded().replace(':', "")
        ));
        let opened = self
            .extract_artefact(run, &dir)
            .and_then(|()| Folder::open(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        opened
    }

    /// Writes `run`'s stored artefact into the folder `dir`, exactly as it
    /// was saved, so it can be opened like any artefact folder.
    pub fn extract_artefact(&self, run: RunId, dir: &Path) -> Result<()> {
        let record: Option<String> = self
            .conn()
            .query_row("SELECT artefact FROM runs WHERE id = ?1", [run.0], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.failed(e))?
            .flatten();
        let Some(record) = record else {
            return Err(ClearboxError::BadRequest(format!(
                "Run {} of '{}' has no saved artefact: it did not finish.",
                run.0,
                display_name(self.path())
            )));
        };
        let mut statement = self
            .conn()
            .prepare("SELECT name, bytes FROM artefact_files WHERE run_id = ?1")
            .map_err(|e| self.failed(e))?;
        let files: Vec<(String, Vec<u8>)> = statement
            .query_map([run.0], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(|e| self.failed(e))?;
        for (name, bytes) in files {
            write_atomically(&dir.join(name), &bytes)?;
        }
        write_atomically(&dir.join(RECORD), record.as_bytes())
    }
}

/// A template's key as stored (`prediction`).
pub(crate) fn kind_key(kind: TemplateKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A stored recipe; one that cannot be read is an error, never an empty
/// recipe that would silently change the data.
fn recipe(text: &str) -> rusqlite::Result<Recipe> {
    serde_json::from_str(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A stored template key; an unknown one is an error, never a guess.
fn parse_kind(key: &str) -> rusqlite::Result<TemplateKind> {
    serde_json::from_value(Value::from(key)).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}
