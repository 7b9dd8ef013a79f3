//! Handling the explanation page's commands: the model's drivers (with
//! stability and the executive panel) and one row's explanation, what-if and
//! decision search each run as background jobs; the page only shows their
//! results. Opening the page for another model replaces both jobs, so
//! nothing computed for an earlier model can land on the new page.

use std::sync::Arc;

use clearbox::compute::DeviceChoice;
use clearbox::data::Table;
use clearbox::explain::counterfactual::{self, Counterfactual, flip_decision};
use clearbox::explain::importance::Driver;
use clearbox::explain::importance::stable_drivers;
use clearbox::explain::panel::{ExecutivePanel, executive_panel};
use clearbox::explain::sentences::row_sentence;
use clearbox::explain::what_if::{Control, WhatIfValue, controls, edited_row};
use clearbox::explain::{ExplainOptions, RowExplanation, estimate_seconds, explain_rows};
use clearbox::jobs::{JobSlot, Progress};
use clearbox::ml::task::{TaskKind, read_target};
use clearbox::templates::prediction::SavedModel;
use clearbox::templates::reinforcement::SavedPolicy;
use clearbox::templates::{Artefact, Explainable};
use clearbox::words::{Moment, duration};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use super::commands::ExplainCommand;
use super::project_flow::record_in_project;
use super::runner::{DataEvent, Env, Runner, Written};
use super::state::{AppState, Banner, ExplainSubject, ExplainView, Page};

/// How much work the page's explanations may do (the library's budget, so
/// that `clearbox bench explain` measures what the page does).
pub type ExplainBudget = clearbox::explain::importance::DriversBudget;

/// One row's explanation and decision search.
pub struct RowResult {
    explanation: RowExplanation,
    sentence: String,
    change: Option<Option<Counterfactual>>,
    change_sentence: String,
}

/// The model's drivers, the panel built on them (for a prediction model),
/// and the what-if controls.
pub struct DriversResult {
    panel: Option<ExecutivePanel>,
    drivers: Vec<Driver>,
    spread: Vec<Vec<f64>>,
    controls: Vec<(String, Control)>,
}

/// What the page can explain: a saved artefact with a network behind it.
pub trait Subject: Artefact + Explainable {}

impl<T: Artefact + Explainable> Subject for T {}

/// Background work of the explanation page.
pub struct ExplainRunner {
    budget: ExplainBudget,
    model: Option<Arc<dyn Subject>>,
    drivers: JobSlot<DriversResult>,
    row: JobSlot<RowResult>,
    /// The row or its edits changed while a row job ran: explain again when it ends.
    stale: bool,
}

impl ExplainRunner {
    /// A runner that explains within `budget`.
    pub fn new(budget: ExplainBudget) -> Self {
        Self {
            budget,
            model: None,
            drivers: JobSlot::default(),
            row: JobSlot::default(),
            stale: false,
        }
    }

    /// Opens the page for the prediction wizard's trained model.
    fn open_prediction(&mut self, state: &mut AppState, env: &Env<'_>) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let (Some(outcome), Some(dataset)) = (&state.prediction.outcome, &state.dataset) else {
            return;
        };
        let model = Arc::new(SavedModel::from_outcome(outcome));
        let has_decision = model.card.target.task == TaskKind::Binary;
        let (job_model, outcome, table) = (model.clone(), outcome.clone(), dataset.table.clone());
        let budget = self.budget;
        let rows = driver_rows(&model, &table, budget.rows);
        self.open(
            state,
            env,
            model,
            ExplainSubject::Prediction,
            has_decision,
            move |progress| {
                let (explained, drivers) = stable_drivers(
                    job_model.as_ref(),
                    &table,
                    &rows,
                    &budget.options,
                    budget.reruns,
                    &device.device,
                    progress,
                )?;
                let panel = executive_panel(
                    &outcome.provenance,
                    &outcome.card,
                    &outcome.inputs,
                    &drivers,
                );
                Ok(driven(
                    Some(panel),
                    drivers,
                    &explained,
                    &table,
                    &job_model.card.inputs,
                ))
            },
        );
    }

    /// Opens the page for the reinforcement wizard's learned policy: why
    /// it prefers its action over the next best one, row by row.
    fn open_policy(&mut self, state: &mut AppState, env: &Env<'_>) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let (Some(outcome), Some(dataset)) = (&state.policy.outcome, &state.dataset) else {
            return;
        };
        let policy = Arc::new(SavedPolicy::from_outcome(outcome, &device.device));
        let table = dataset.table.clone();
        let budget = self.budget;
        let mut rows = outcome.held_out.rows.clone();
        rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(
            outcome.provenance.seed,
        ));
        rows.truncate(budget.rows);
        rows.sort_unstable();
        let job_policy = policy.clone();
        self.open(
            state,
            env,
            policy,
            ExplainSubject::Policy,
            false,
            move |progress| {
                let (explained, drivers) = stable_drivers(
                    job_policy.as_ref(),
                    &table,
                    &rows,
                    &budget.options,
                    budget.reruns,
                    &device.device,
                    progress,
                )?;
                Ok(driven(
                    None,
                    drivers,
                    &explained,
                    &table,
                    &job_policy.card.inputs,
                ))
            },
        );
    }

    /// Shows the page for `model` and starts `drivers` and the first row.
    fn open(
        &mut self,
        state: &mut AppState,
        env: &Env<'_>,
        model: Arc<dyn Subject>,
        subject: ExplainSubject,
        has_decision: bool,
        drivers: impl FnOnce(&Progress) -> clearbox::Result<DriversResult> + Send + 'static,
    ) {
        let Some(device) = env.device else {
            return;
        };
        let Some(dataset) = &state.dataset else {
            return;
        };
        let budget = self.budget;
        let planned = budget.rows.min(dataset.table.rows);
        let gpu = matches!(device.choice, DeviceChoice::Gpu(_));
        let seconds = estimate_seconds(
            model.as_ref(),
            planned * (budget.reruns + 1),
            &budget.options,
            gpu,
        );
        state.explain = ExplainView {
            subject,
            estimate: format!(
                "Working out what drives it on up to {planned} held-out rows, {} to check \
                 stability: about {} on this computer.",
                match budget.reruns {
                    0 => "once".to_owned(),
                    n => format!("{} times over", n + 1),
                },
                duration(seconds)
            ),
            has_decision,
            drivers_progress: Some(0.0),
            ..ExplainView::default()
        };
        state.page = Page::Explain;
        // Choosing the rows and the what-if ranges reads whole columns: in the job.
        self.drivers
            .start("explaining the model", env.wake, drivers);
        // A row job of the model shown before cannot land on this page.
        self.row.cancel();
        self.stale = false;
        self.model = Some(model);
        self.start_row(state, env);
    }

    /// Explains the current row (with its edits) in the background.
    fn start_row(&mut self, state: &mut AppState, env: &Env<'_>) {
        let (Some(model), Some(dataset), Some(device)) = (&self.model, &state.dataset, env.device)
        else {
            return;
        };
        let view = &mut state.explain;
        if view.row >= dataset.table.rows {
            return;
        }
        view.row_running = true;
        // One row job at a time: a slider dragged across its range asks for
        // many; the latest settings are explained when the running one ends.
        if self.row.is_running() {
            self.stale = true;
            return;
        }
        let table = edited_row(&dataset.table, view.row, &view.edits);
        let (model, locked, dev) = (model.clone(), view.locked.clone(), device.device.clone());
        let (decision, options) = (view.has_decision, self.budget.options);
        self.row
            .start("explaining a row", env.wake, move |progress| {
                explain_one(
                    model.as_ref(),
                    &table,
                    &locked,
                    decision,
                    &options,
                    &dev,
                    progress,
                )
            });
    }
}

impl Runner for ExplainRunner {
    type Command = ExplainCommand;

    fn handle(&mut self, command: ExplainCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            ExplainCommand::Open => self.open_prediction(state, env),
            ExplainCommand::OpenPolicy => self.open_policy(state, env),
            ExplainCommand::Row(row) => {
                let view = &mut state.explain;
                view.row = row;
                view.edits.clear();
                self.start_row(state, env);
            }
            ExplainCommand::SetWhatIf { column, value } => {
                let edits = &mut state.explain.edits;
                edits.retain(|(c, _)| *c != column);
                edits.push((column, value));
                self.start_row(state, env);
            }
            ExplainCommand::ResetWhatIf => {
                state.explain.edits.clear();
                self.start_row(state, env);
            }
            ExplainCommand::ToggleLock(column) => {
                let locked = &mut state.explain.locked;
                if let Some(at) = locked.iter().position(|c| *c == column) {
                    locked.remove(at);
                } else {
                    locked.push(column);
                }
                self.start_row(state, env);
            }
            ExplainCommand::SaveLetter(path) => {
                let (Some(model), Some(explanation), Some(dataset)) = (
                    self.model.clone(),
                    state.explain.row_explanation.clone(),
                    &state.dataset,
                ) else {
                    return;
                };
                let mut shown = explanation;
                shown.row = state.explain.row;
                let change = state.explain.change.clone();
                let table = dataset.table.clone();
                env.write("saving the explanation letter", move |_| {
                    let letter = clearbox::explain::letter::Letter {
                        provenance: model.provenance(),
                        target: model.target(),
                        explanation: &shown,
                        counterfactual: change.as_ref().map(Option::as_ref),
                        data_name: &table.name,
                        data_fingerprint: &table.fingerprint,
                        written: Moment::now(),
                    };
                    clearbox::files::write_atomically(&path, letter.html().as_bytes())?;
                    Ok(Written::saved(
                        format!(
                            "Saved the explanation letter to '{}'. It opens in any web browser.",
                            clearbox::error::display_name(&path)
                        ),
                        "the explanation letter",
                        &path,
                    ))
                });
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let Some(view) = self.drivers.view() {
            state.explain.drivers_progress = Some(view.fraction);
        }
        if let Some(result) = self.drivers.poll() {
            state.explain.drivers_progress = None;
            match result {
                Ok(done) => {
                    if let (Some(model), Some(dataset)) = (&self.model, &state.dataset) {
                        keep_in_project(env, model.as_ref(), &dataset.table.name, &done.drivers);
                    }
                    state.explain.controls = done.controls;
                    state.explain.spread = done.spread;
                    state.explain.drivers = done.drivers;
                    state.explain.panel = done.panel;
                }
                Err(clearbox::ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        if let Some(result) = self.row.poll() {
            let view = &mut state.explain;
            view.row_running = false;
            match result {
                Ok(done) => {
                    view.row_sentence = done.sentence;
                    view.change_sentence = done.change_sentence;
                    view.change = done.change;
                    view.row_explanation = Some(done.explanation);
                }
                Err(clearbox::ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
            if std::mem::take(&mut self.stale) {
                self.start_row(state, env);
            }
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, _env: &mut Env<'_>) {
        match event {
            DataEvent::TableChanged | DataEvent::TargetChanged => {
                // The model explained was built on the data that changed.
                self.row.cancel();
                self.drivers.cancel();
                self.stale = false;
                self.model = None;
                state.explain = ExplainView::default();
                if state.page == Page::Explain {
                    state.page = Page::Data;
                }
            }
            DataEvent::ReportReady | DataEvent::DeviceReady => {}
        }
    }
}

/// The drivers' result: each driver's effect on every explained row (for
/// the dots), the what-if controls, and the panel when there is one.
fn driven(
    panel: Option<ExecutivePanel>,
    drivers: Vec<Driver>,
    explained: &[RowExplanation],
    table: &Table,
    inputs: &[String],
) -> DriversResult {
    let shown: Vec<&Driver> = match &panel {
        Some(panel) => panel.drivers.iter().collect(),
        None => drivers.iter().take(8).collect(),
    };
    let spread = shown
        .iter()
        .map(|d| {
            explained
                .iter()
                .filter_map(|r| r.attributions.iter().find(|a| a.column == d.column))
                .map(|a| a.amount)
                .collect()
        })
        .collect();
    DriversResult {
        panel,
        drivers,
        spread,
        controls: controls(table, inputs),
    }
}

/// Up to `count` of the model's test rows (a seeded sample), or of all rows
/// when the outcome cannot be read.
fn driver_rows(model: &SavedModel, table: &Table, count: usize) -> Vec<usize> {
    let card = &model.card;
    let seed = model.provenance.seed;
    let mut rows = read_target(table, &card.target.name)
        .and_then(|(_, values)| card.split_plan.split(table, &values, seed))
        .map(|split| split.test)
        .unwrap_or_else(|_| (0..table.rows).collect());
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    rows.truncate(count);
    rows.sort_unstable();
    rows
}

fn explain_one(
    model: &dyn Subject,
    table: &Table,
    locked: &[String],
    decision: bool,
    options: &ExplainOptions,
    device: &burn::tensor::Device,
    progress: &Progress,
) -> clearbox::Result<RowResult> {
    let mut explained = explain_rows(model, table, &[0], options, device, progress)?;
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
    let target = model.target();
    let positive = target.classes.last().cloned().unwrap_or_default();
    Ok(RowResult {
        sentence: row_sentence(target, &explanation),
        change_sentence: change
            .as_ref()
            .map(|found| counterfactual::sentence(&positive, found.as_ref()))
            .unwrap_or_default(),
        explanation,
        change,
    })
}

/// The value a what-if control shows: the user's edit, else the row's own.
pub fn current_value(view: &ExplainView, column: &str) -> Option<WhatIfValue> {
    view.edits
        .iter()
        .find(|(c, _)| c == column)
        .map(|(_, v)| v.clone())
}

/// Keeps the drivers of `model` on the table `data` in the open project,
/// tied to the run that made the model.
fn keep_in_project(env: &mut Env<'_>, model: &dyn Subject, data: &str, drivers: &[Driver]) {
    let provenance = model.provenance().clone();
    let target = model.target();
    let payload = serde_json::json!({
        "explained": format!("prediction of '{}'", target.name),
        "global": drivers.iter().map(|d| serde_json::json!({
            "feature": d.column,
            "importance": d.mean_abs,
            "shown": d.shown(target.task),
            "spread": d.spread,
            "stability": d.stability,
        })).collect::<Vec<_>>(),
        "summary": clearbox::explain::sentences::model_paragraph(target, drivers),
    });
    let data = data.to_owned();
    record_in_project(env, "keeping the explanation", move |project| {
        let run = project.run_of_provenance(&provenance)?;
        project.add_explanation(run, &data, &payload)?;
        Ok(())
    });
}
