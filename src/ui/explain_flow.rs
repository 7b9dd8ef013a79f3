//! Handling the explanation page's commands: the model's drivers (with
//! stability) and one row's explanation, what-if and decision search each
//! run as background jobs; the page only shows their results.

use std::sync::Arc;

use clearbox::compute::{ComputeDevice, DeviceChoice};
use clearbox::data::Table;
use clearbox::explain::counterfactual::{self, Counterfactual, flip_decision};
use clearbox::explain::importance::{Driver, stable_drivers};
use clearbox::explain::panel::executive_panel;
use clearbox::explain::sentences::row_sentence;
use clearbox::explain::what_if::{Control, WhatIfValue, controls, edited_row};
use clearbox::explain::{ExplainOptions, RowExplanation, estimate_seconds, explain_rows};
use clearbox::jobs::{Job, Wake};
use clearbox::ml::task::{TaskKind, read_target};
use clearbox::templates::prediction::SavedModel;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::commands::AppCommand;
use super::state::{AppState, Banner, ExplainView, Page};

/// Test rows the drivers are averaged over.
const DRIVER_ROWS: usize = 100;
/// Extra runs with other comparison rows, for the stability badge.
const RERUNS: usize = 2;

/// One row's explanation and decision search.
pub struct RowResult {
    explanation: RowExplanation,
    sentence: String,
    change: Option<Option<Counterfactual>>,
}

/// The model's drivers, the rows they were measured on, and the what-if controls.
pub struct DriversResult {
    explained: Vec<RowExplanation>,
    drivers: Vec<Driver>,
    controls: Vec<(String, Control)>,
}

/// Background work of the explanation page.
#[derive(Default)]
pub struct ExplainRunner {
    model: Option<Arc<SavedModel>>,
    drivers_job: Option<Job<DriversResult>>,
    row_job: Option<Job<RowResult>>,
    /// The row or its edits changed while a row job ran: explain again when it ends.
    stale: bool,
}

impl ExplainRunner {
    /// Handles an explanation command.
    pub fn handle(
        &mut self,
        state: &mut AppState,
        command: AppCommand,
        device: Option<&ComputeDevice>,
        wake: &Wake,
    ) {
        let Some(device) = device else {
            state.banner = Some(Banner::Error(
                "The compute device is still being checked; try again in a moment.".into(),
            ));
            return;
        };
        match command {
            AppCommand::ExplainModel => self.open(state, device, wake),
            AppCommand::ExplainRow(row) => {
                let view = &mut state.explain;
                view.row = row;
                view.edits.clear();
                self.start_row(state, device, wake);
            }
            AppCommand::SetWhatIf { column, value } => {
                let edits = &mut state.explain.edits;
                edits.retain(|(c, _)| *c != column);
                edits.push((column, value));
                self.start_row(state, device, wake);
            }
            AppCommand::ResetWhatIf => {
                state.explain.edits.clear();
                self.start_row(state, device, wake);
            }
            AppCommand::ToggleLock(column) => {
                let locked = &mut state.explain.locked;
                if let Some(at) = locked.iter().position(|c| *c == column) {
                    locked.remove(at);
                } else {
                    locked.push(column);
                }
                self.start_row(state, device, wake);
            }
            _ => {}
        }
    }

    /// Opens the page for the wizard's trained model and starts the drivers.
    fn open(&mut self, state: &mut AppState, device: &ComputeDevice, wake: &Wake) {
        let (Some(outcome), Some(dataset)) = (&state.wizard.outcome, &state.dataset) else {
            return;
        };
        let model = Arc::new(SavedModel::from_outcome(outcome));
        let table = dataset.table.clone();
        let gpu = matches!(device.choice, DeviceChoice::Gpu(_));
        let options = ExplainOptions::quick(0);
        let planned = DRIVER_ROWS.min(table.rows);
        let seconds = estimate_seconds(&model, planned * (RERUNS + 1), &options, gpu);
        state.explain = ExplainView {
            estimate: format!(
                "Working out what drives the model on up to {planned} test rows, three times over to check stability: about {} on this computer.",
                super::predict_page::duration(seconds)
            ),
            has_decision: model.card.target.task == TaskKind::Binary,
            drivers_progress: Some(0.0),
            ..ExplainView::default()
        };
        state.page = Page::Explain;
        let (job_model, job_device) = (model.clone(), device.device.clone());
        // Choosing the rows and the what-if ranges reads whole columns: on a
        // large table that is too slow for the window's thread.
        self.drivers_job = Some(Job::spawn(
            "explaining the model",
            Some(wake.clone()),
            move |progress| {
                let rows = driver_rows(&job_model, &table);
                let (explained, drivers) = stable_drivers(
                    &job_model,
                    &table,
                    &rows,
                    &options,
                    RERUNS,
                    &job_device,
                    progress,
                )?;
                Ok(DriversResult {
                    explained,
                    drivers,
                    controls: controls(&table, &job_model.card.inputs),
                })
            },
        ));
        self.model = Some(model);
        self.start_row(state, device, wake);
    }

    /// Explains the current row (with its edits) in the background.
    fn start_row(&mut self, state: &mut AppState, device: &ComputeDevice, wake: &Wake) {
        let (Some(model), Some(dataset)) = (&self.model, &state.dataset) else {
            return;
        };
        let view = &mut state.explain;
        if view.row >= dataset.table.rows {
            return;
        }
        view.row_running = true;
        // One row job at a time: a slider dragged across its range asks for
        // many; the latest settings are explained when the running one ends.
        if self.row_job.is_some() {
            self.stale = true;
            return;
        }
        let table = edited_row(&dataset.table, view.row, &view.edits);
        let (model, locked, dev) = (model.clone(), view.locked.clone(), device.device.clone());
        let decision = view.has_decision;
        self.row_job = Some(Job::spawn(
            "explaining a row",
            Some(wake.clone()),
            move |progress| explain_one(&model, &table, &locked, decision, &dev, progress),
        ));
    }

    /// Takes in finished work.
    pub fn poll(&mut self, state: &mut AppState, device: Option<&ComputeDevice>, wake: &Wake) {
        if let Some(job) = &mut self.drivers_job {
            if let Some(update) = job.latest_progress() {
                state.explain.drivers_progress = Some(update.fraction);
            }
            if let Some(result) = job.poll() {
                self.drivers_job = None;
                state.explain.drivers_progress = None;
                match (result, &state.wizard.outcome) {
                    (Ok(done), Some(outcome)) => {
                        let (rows, drivers) = (done.explained, done.drivers);
                        state.explain.controls = done.controls;
                        let panel = executive_panel(&outcome.card, &outcome.inputs, &drivers);
                        state.explain.spread = panel
                            .drivers
                            .iter()
                            .map(|d| {
                                rows.iter()
                                    .filter_map(|r| {
                                        r.attributions.iter().find(|a| a.column == d.column)
                                    })
                                    .map(|a| a.amount)
                                    .collect()
                            })
                            .collect();
                        state.explain.panel = Some(panel);
                    }
                    (Err(err), _) => state.banner = Some(Banner::Error(err.to_string())),
                    _ => {}
                }
            }
        }
        if let Some(result) = self.row_job.as_mut().and_then(Job::poll) {
            self.row_job = None;
            let view = &mut state.explain;
            view.row_running = false;
            match result {
                Ok(done) => {
                    let positive = self
                        .model
                        .as_ref()
                        .and_then(|m| m.card.target.classes.last().cloned())
                        .unwrap_or_default();
                    view.row_sentence = done.sentence;
                    view.change_sentence = done
                        .change
                        .as_ref()
                        .map(|found| counterfactual::sentence(&positive, found.as_ref()))
                        .unwrap_or_default();
                    view.change = done.change;
                    view.row_explanation = Some(done.explanation);
                }
                Err(clearbox::ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
            if std::mem::take(&mut self.stale)
                && let Some(device) = device
            {
                self.start_row(state, device, wake);
            }
        }
    }

    /// The model being explained.
    pub fn model(&self) -> Option<&SavedModel> {
        self.model.as_deref()
    }

    /// Forgets the model and stops its work (a new table or a new model).
    pub fn reset(&mut self, state: &mut AppState) {
        if let Some(job) = self.row_job.take() {
            job.cancel();
        }
        self.stale = false;
        if let Some(job) = self.drivers_job.take() {
            job.cancel();
        }
        self.model = None;
        state.explain = ExplainView::default();
        if state.page == Page::Explain {
            state.page = Page::Data;
        }
    }
}

/// Up to [`DRIVER_ROWS`] of the model's test rows (a seeded sample), or of
/// all rows when the outcome cannot be read.
fn driver_rows(model: &SavedModel, table: &Table) -> Vec<usize> {
    let card = &model.card;
    let mut rows = read_target(table, &card.target.name)
        .and_then(|(_, values)| card.split_plan.split(table, &values, card.seed))
        .map(|split| split.test)
        .unwrap_or_else(|_| (0..table.rows).collect());
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(card.seed));
    rows.truncate(DRIVER_ROWS);
    rows.sort_unstable();
    rows
}

fn explain_one(
    model: &SavedModel,
    table: &Table,
    locked: &[String],
    decision: bool,
    device: &burn::tensor::Device,
    progress: &clearbox::jobs::Progress,
) -> clearbox::Result<RowResult> {
    // Lighter than the command line's default so what-if answers in a moment.
    let options = ExplainOptions::quick(0);
    let mut explained = explain_rows(model, table, &[0], &options, device, progress)?;
    let explanation = explained
        .pop()
        .ok_or_else(|| clearbox::ClearboxError::Internal {
            activity: "explaining a row".into(),
            detail: "no explanation came back".into(),
        })?;
    let change = if decision {
        Some(flip_decision(model, table, 0, locked, device)?)
    } else {
        None
    };
    Ok(RowResult {
        sentence: row_sentence(&model.card.target, &explanation),
        explanation,
        change,
    })
}

/// Writes the current row's explanation letter to `path`.
pub fn save_letter(
    runner: &ExplainRunner,
    state: &AppState,
    path: &std::path::Path,
) -> clearbox::Result<()> {
    let (Some(model), Some(explanation), Some(dataset)) = (
        runner.model(),
        &state.explain.row_explanation,
        &state.dataset,
    ) else {
        return Ok(());
    };
    let mut shown = explanation.clone();
    shown.row = state.explain.row;
    let written = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
    let letter = clearbox::explain::letter::Letter {
        card: &model.card,
        explanation: &shown,
        counterfactual: state.explain.change.as_ref().map(Option::as_ref),
        data_name: &dataset.table.name,
        data_fingerprint: &dataset.table.fingerprint,
        written: &written,
    };
    clearbox::project::write_atomically(path, letter.html().as_bytes())
}

/// The value a what-if control shows: the user's edit, else the row's own.
pub fn current_value(view: &ExplainView, column: &str) -> Option<WhatIfValue> {
    view.edits
        .iter()
        .find(|(c, _)| c == column)
        .map(|(_, v)| v.clone())
}
