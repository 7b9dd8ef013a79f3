//! Runs that a project records, and reruns that check they repeat.
//!
//! [`train_recorded`] is the one way any front trains a template: with a
//! project it records the run's start, then its end (metrics and artefact)
//! or its failure. [`rerun`] reads a recorded run back, checks its data's
//! fingerprint before anything else, applies the recorded recipe, trains
//! again with the recorded request and seed, records the new run, and
//! compares the figures.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use super::account::Accountable;
use super::runs::{Finished, RunId, SourceId};
use super::store::Project;
use crate::compute::ComputeDevice;
use crate::data::{Recipe, Table, fingerprint_of, load};
use crate::error::{ClearboxError, Result, display_name};
use crate::jobs::Progress;
use crate::templates::prediction::Prediction;
use crate::templates::reinforcement::Reinforcement;
use crate::templates::segmentation::Segmentation;
use crate::templates::{Record, Template, TemplateKind};

/// Where a run is recorded: the project and the data source it ran on.
/// The project is locked only to record the start and the end, so other
/// records (a note, a drift check) can be written while a run trains.
pub struct RecordIn<'a> {
    /// The open project.
    pub project: &'a Mutex<Project>,
    /// The source (recorded with [`Project::add_source`]).
    pub source: SourceId,
    /// The run this one repeats, for reruns.
    pub rerun_of: Option<RunId>,
}

/// A finished training run.
pub struct Trained<T: Template> {
    /// What the results page shows.
    pub outcome: T::Outcome,
    /// The artefact folder's record, when it was saved to a folder.
    pub record: Option<Record>,
    /// The run's id, when a project recorded it.
    pub run: Option<RunId>,
}

/// Trains `T` on `table` (the user's working table) and records the run
/// when `record_in` is given; a failure is recorded too, then returned.
/// The artefact is saved in `dir`, or, with none, only inside the project
/// (through a scratch folder that is removed).
pub fn train_recorded<T: Accountable>(
    record_in: Option<RecordIn<'_>>,
    table: &Table,
    request: &T::Request,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(T::Event),
    dir: Option<&Path>,
) -> Result<Trained<T>> {
    let Some(into) = record_in else {
        let outcome = T::train(table, request, device, progress, on_event)?;
        let record = match dir {
            Some(dir) => Some(T::save(&outcome, dir)?),
            None => None,
        };
        return Ok(Trained {
            outcome,
            record,
            run: None,
        });
    };
    let run = locked(into.project)?.start_run(
        T::KIND,
        into.source,
        request,
        T::seed(request),
        &device.label(),
        into.rerun_of,
    )?;
    let scratch = scratch_folder(run);
    let folder = dir.unwrap_or(&scratch);
    let trained = T::train(table, request, device, progress, on_event)
        .and_then(|outcome| T::save(&outcome, folder).map(|record| (outcome, record)));
    let recorded = match trained {
        Ok((outcome, record)) => locked(into.project)
            .and_then(|mut project| {
                project.finish_run(
                    run,
                    &Finished {
                        record: &record,
                        dir: folder,
                        metrics: T::metrics(&outcome),
                        headline: T::headline(&outcome),
                        account: T::account(&outcome),
                    },
                )
            })
            .map(|()| Trained {
                outcome,
                record: Some(record),
                run: Some(run),
            }),
        Err(problem) => {
            locked(into.project)?.fail_run(run, &problem)?;
            Err(problem)
        }
    };
    if dir.is_none() {
        // The artefact is kept inside the project; the folder was only a step.
        let _ = std::fs::remove_dir_all(&scratch);
    }
    recorded
}

/// Records `original` with `recipe` (the user's changes) as the run's
/// data in `project`, then trains and records as [`train_recorded`] does;
/// `table` is `recipe` applied to `original`.
#[allow(clippy::too_many_arguments)]
pub fn train_on_source<T: Accountable>(
    project: &Mutex<Project>,
    original: &Table,
    recipe: &Recipe,
    table: &Table,
    request: &T::Request,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(T::Event),
) -> Result<Trained<T>> {
    let source = locked(project)?.add_source(original, recipe)?;
    let into = RecordIn {
        project,
        source,
        rerun_of: None,
    };
    train_recorded::<T>(Some(into), table, request, device, progress, on_event, None)
}

/// The project behind `mutex`; a thread that panicked while holding it
/// left it unusable for this session (the file itself is safe: every
/// change is a transaction).
pub fn locked(mutex: &Mutex<Project>) -> Result<MutexGuard<'_, Project>> {
    mutex.lock().map_err(|_| ClearboxError::Internal {
        activity: "recording in the project".into(),
        detail: "the project's lock was poisoned by a panic".into(),
    })
}

/// A recorded run computed again to show its page, without recording a
/// new run.
pub struct Replayed<T: Template> {
    /// The outcome, as the results page shows it.
    pub outcome: T::Outcome,
    /// Whether its figures are exactly the recorded ones.
    pub matches: bool,
}

/// Computes `run` again from its record (same request and seed) on
/// `table`, the recorded data as reopened, to bring its page back.
pub fn replay<T: Accountable>(
    project: &Mutex<Project>,
    run: RunId,
    table: &Table,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<Replayed<T>> {
    let (record, stored) = {
        let project = locked(project)?;
        (project.run(run)?, project.metrics_text(run)?)
    };
    let request: T::Request = serde_json::from_value(record.settings).map_err(|e| {
        ClearboxError::BadRequest(format!(
            "The recorded settings of run {} cannot be read by this version of Clearbox ({e}).",
            run.0
        ))
    })?;
    let outcome = T::train(table, &request, device, progress, &|_| {})?;
    let matches = stored.as_deref() == Some(T::metrics(&outcome).to_string().as_str());
    Ok(Replayed { outcome, matches })
}

/// One figure that came out differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// Where in the metrics (`test.auc`).
    pub metric: String,
    /// The recorded run's value.
    pub recorded: Value,
    /// The rerun's value.
    pub rerun: Value,
}

/// What a rerun found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rerun {
    /// The run repeated.
    pub original: RunId,
    /// The new run recorded.
    pub run: RunId,
    /// Whether every figure is identical.
    pub matches: bool,
    /// The figures that differ.
    pub differences: Vec<Difference>,
    /// Whether it ran on the recorded device.
    pub same_device: bool,
    /// What it means, in a sentence.
    pub sentence: String,
}

/// Reruns `run` of `project` on `device` and records the new run.
pub fn rerun(
    project: &Mutex<Project>,
    run: RunId,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<Rerun> {
    let recorded = locked(project)?.run(run)?;
    let source = recorded.data.data_source()?;
    let now = fingerprint_of(&source)?;
    if now != recorded.data.fingerprint {
        return Err(ClearboxError::DataChanged {
            file: recorded.data.name.clone(),
            location: recorded.data.path.clone(),
            used_by: format!("run {} was made from", run.0),
            recorded: recorded.data.fingerprint.clone(),
            now,
        });
    }
    let original = load(&source, progress)?;
    let table = recorded.data.recipe.apply(&original);
    let into = RecordIn {
        project,
        source: recorded.data.id,
        rerun_of: Some(run),
    };
    let settings = &recorded.settings;
    let new_run = match recorded.template {
        TemplateKind::Prediction => again::<Prediction>(into, &table, settings, device, progress),
        TemplateKind::Segmentation => {
            again::<Segmentation>(into, &table, settings, device, progress)
        }
        TemplateKind::Reinforcement => {
            again::<Reinforcement>(into, &table, settings, device, progress)
        }
    }?;
    // Figures are compared as stored text: equal numbers print alike, and
    // reading text back into numbers could blur the last digit.
    let (before, after) = {
        let project = locked(project)?;
        (project.metrics_text(run)?, project.metrics_text(new_run)?)
    };
    let matches = before.is_some() && before == after;
    let parsed = after
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(Value::Null);
    let mut differences = Vec::new();
    compare(&recorded.metrics, &parsed, String::new(), &mut differences);
    if !matches && differences.is_empty() {
        differences.push(Difference {
            metric: "a figure's last digit".into(),
            recorded: before.map_or(Value::Null, Value::from),
            rerun: after.map_or(Value::Null, Value::from),
        });
    }
    if matches {
        differences.clear();
    }
    let same_device = recorded.device == device.label();
    let sentence = match (matches, same_device) {
        (true, _) => format!(
            "Run {} repeats run {} exactly: every figure is identical.",
            new_run.0, run.0
        ),
        (false, true) => format!(
            "Run {} does not repeat run {}: {} figure(s) differ on the same device and seed, \
             starting with '{}'.",
            new_run.0,
            run.0,
            differences.len(),
            differences[0].metric
        ),
        (false, false) => format!(
            "Run {} differs from run {} in {} figure(s). It ran on {} where the original ran on \
             {}: devices add up numbers in different orders, so small differences are expected.",
            new_run.0,
            run.0,
            differences.len(),
            device.label(),
            recorded.device
        ),
    };
    Ok(Rerun {
        original: run,
        run: new_run,
        matches,
        differences,
        same_device,
        sentence,
    })
}

fn again<T: Accountable>(
    into: RecordIn<'_>,
    table: &Table,
    settings: &Value,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<RunId> {
    let request: T::Request = serde_json::from_value(settings.clone()).map_err(|e| {
        ClearboxError::BadRequest(format!(
            "The recorded settings of this {} run cannot be read by this version of Clearbox ({e}).",
            T::KIND.name()
        ))
    })?;
    let file = display_name(locked(into.project)?.path());
    let trained =
        train_recorded::<T>(Some(into), table, &request, device, progress, &|_| {}, None)?;
    let run = trained.run.ok_or_else(|| ClearboxError::Internal {
        activity: format!("recording a rerun in '{file}'"),
        detail: "train_recorded returned no run id".into(),
    })?;
    Ok(run)
}

/// A folder of its own for a run's artefact before it goes into the project.
fn scratch_folder(run: RunId) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "clearbox-run-{}-{}-{nanos}",
        std::process::id(),
        run.0
    ))
}

/// Every leaf of `recorded` that differs in `rerun`, by its dotted path.
fn compare(recorded: &Value, rerun: &Value, path: String, out: &mut Vec<Difference>) {
    match (recorded, rerun) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                compare(
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                    here,
                    out,
                );
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(x, y, format!("{path}[{i}]"), out);
            }
        }
        _ if recorded != rerun => out.push(Difference {
            metric: path,
            recorded: recorded.clone(),
            rerun: rerun.clone(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_each_changed_figure() {
        let mut out = Vec::new();
        compare(
            &json!({"test": {"auc": 0.81, "accuracy": 0.7}, "epochs": [3, 4]}),
            &json!({"test": {"auc": 0.82, "accuracy": 0.7}, "epochs": [3, 5]}),
            String::new(),
            &mut out,
        );
        let names: Vec<&str> = out.iter().map(|d| d.metric.as_str()).collect();
        assert_eq!(names, ["epochs[1]", "test.auc"]);
        assert_eq!(out[1].recorded, json!(0.81));
    }
}
