//! Handling the prediction wizard's commands: choosing the target and
//! inputs, running training as a background job with live loss curves,
//! and recomputing results when the threshold moves.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use clearbox::ClearboxError;
use clearbox::compute::ComputeDevice;
use clearbox::data::Table;
use clearbox::jobs::{Job, Wake};
use clearbox::ml::metrics::{BinaryCurves, BinaryScores};
use clearbox::ml::split::{SplitPlan, time_columns};
use clearbox::ml::task::{TargetValues, read_target};
use clearbox::templates::prediction::{
    ChosenModel, PredictionOutcome, PredictionRequest, TrainingEvent, choose_inputs, columns_where,
    estimate_seconds, train_prediction,
};

use super::commands::AppCommand;
use super::state::{AppState, Banner, Page, PredictionWizard, TrainingView, WizardStep};

/// The seed the wizard trains with: results are repeatable.
const SEED: u64 = 42;

/// Background work of the wizard.
#[derive(Default)]
pub struct PredictionRunner {
    /// The proven compute device, once known.
    pub device: Option<ComputeDevice>,
    job: Option<(Job<PredictionOutcome>, Receiver<TrainingEvent>, Instant)>,
}

impl PredictionRunner {
    /// Handles a wizard command; returns `true` when the health report must be redone.
    pub fn handle(&mut self, state: &mut AppState, command: AppCommand, wake: &Wake) -> bool {
        match command {
            AppCommand::StartPrediction => {
                state.page = Page::Predict;
                if state.wizard.step.is_none() {
                    state.wizard.step = Some(WizardStep::Goal);
                    if let Some(target) = state.dataset.as_ref().and_then(|d| d.target.clone()) {
                        return self.choose_target(state, target);
                    }
                }
            }
            AppCommand::ChooseTarget(target) => return self.choose_target(state, target),
            AppCommand::SetInput { column, included } => {
                if let Some(choice) = state.wizard.inputs.iter_mut().find(|c| c.column == column) {
                    choice.included = included;
                    choice.reason = if included {
                        String::new()
                    } else {
                        "left out by you".into()
                    };
                    state.wizard.outcome = None;
                }
                refresh_plan(state, self.device.as_ref());
            }
            AppCommand::GoToStep(step) => {
                let wizard = &state.wizard;
                let allowed = match step {
                    WizardStep::Goal => true,
                    WizardStep::Inputs | WizardStep::Check => wizard.target_ok,
                    WizardStep::Train => self.job.is_some(),
                    WizardStep::Results => wizard.outcome.is_some(),
                };
                if allowed {
                    state.wizard.step = Some(step);
                }
            }
            AppCommand::SetSplitPlan(plan) => {
                state.wizard.split_plan = plan;
                state.wizard.outcome = None;
                refresh_split(state);
            }
            AppCommand::Train => self.start(state, wake),
            AppCommand::CancelTraining => {
                if let Some((job, _, _)) = self.job.take() {
                    job.cancel();
                }
                state.wizard.training = None;
                state.wizard.step = Some(WizardStep::Check);
            }
            AppCommand::SetThreshold(threshold) => set_threshold(&mut state.wizard, threshold),
            _ => {}
        }
        false
    }

    fn choose_target(&mut self, state: &mut AppState, target: String) -> bool {
        let Some(dataset) = &mut state.dataset else {
            return false;
        };
        let wizard = &mut state.wizard;
        wizard.outcome = None;
        wizard.target = Some(target.clone());
        wizard.time_columns = time_columns(&dataset.table, &target);
        if let SplitPlan::ByTime { column } = &wizard.split_plan
            && !wizard.time_columns.contains(column)
        {
            wizard.split_plan = SplitPlan::Stratified;
        }
        match read_target(&dataset.table, &target) {
            Ok((column, values)) => {
                wizard.target_ok = true;
                wizard.task_sentence = format!(
                    "Clearbox will treat '{target}' as {}.",
                    column.task.describe()
                );
                describe_split(wizard, &dataset.table, &values);
            }
            Err(err) => {
                wizard.target_ok = false;
                wizard.task_sentence = err.to_string();
            }
        }
        let changed = dataset.target.as_deref() != Some(target.as_str());
        if changed {
            // The inputs depend on the report for this target; until it is
            // ready the Inputs step shows that it is checking.
            wizard.inputs.clear();
        }
        dataset.target = Some(target);
        if !changed {
            refresh_inputs(state, self.device.as_ref());
        }
        changed
    }

    fn start(&mut self, state: &mut AppState, wake: &Wake) {
        let (Some(dataset), Some(device)) = (&state.dataset, &self.device) else {
            state.banner = Some(Banner::Error(
                "The compute device is still being checked; try again in a moment.".into(),
            ));
            return;
        };
        let Some(target) = state
            .wizard
            .target
            .clone()
            .filter(|_| state.wizard.target_ok)
        else {
            return;
        };
        let pick = |included: bool| columns_where(&state.wizard.inputs, included);
        let request = PredictionRequest {
            target,
            exclude: pick(false),
            include: pick(true),
            seed: SEED,
            split: state.wizard.split_plan.clone(),
        };
        let table = dataset.table.clone();
        let device = device.clone();
        let (tx, rx) = channel();
        let job = Job::spawn("training the model", Some(wake.clone()), move |progress| {
            train_prediction(&table, &request, &device, progress, &|event| {
                let _ = tx.send(event);
            })
        });
        if let Some((old, _, _)) = self.job.replace((job, rx, Instant::now())) {
            old.cancel();
        }
        state.wizard.training = Some(TrainingView {
            message: "Starting".into(),
            ..TrainingView::default()
        });
        state.wizard.outcome = None;
        state.wizard.step = Some(WizardStep::Train);
    }

    /// Forgets the wizard (the table it was built on changed): a running
    /// training is cancelled so its result cannot land on other data.
    pub fn reset(&mut self, state: &mut AppState) {
        if let Some((job, _, _)) = self.job.take() {
            job.cancel();
        }
        state.wizard = PredictionWizard::default();
        if state.page == Page::Predict {
            state.page = Page::Data;
        }
    }

    /// Takes in training news; called every frame.
    pub fn poll(&mut self, state: &mut AppState) {
        let Some((job, events, started)) = &mut self.job else {
            return;
        };
        if let Some(view) = &mut state.wizard.training {
            while let Ok(TrainingEvent::Epoch { model, loss }) = events.try_recv() {
                match model {
                    ChosenModel::Deep => view.deep.push(loss),
                    ChosenModel::Simple => view.simple.push(loss),
                }
            }
            if let Some(update) = job.latest_progress() {
                view.fraction = update.fraction;
                view.message.clone_from(&update.message);
            }
            view.elapsed = started.elapsed().as_secs_f64();
        }
        let Some(result) = job.poll() else { return };
        self.job = None;
        match result {
            Ok(outcome) => {
                let wizard = &mut state.wizard;
                let outcome = Arc::new(outcome);
                let threshold = outcome.card.chosen_part().threshold;
                let probabilities = chosen_probabilities(&outcome);
                wizard.curves = (!probabilities.is_empty())
                    .then(|| BinaryCurves::measure(probabilities, &outcome.test_predictions.truth));
                wizard.outcome = Some(outcome);
                wizard.at_threshold = None;
                set_threshold(wizard, threshold.unwrap_or(0.5));
                wizard.step = Some(WizardStep::Results);
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => {
                state.banner = Some(Banner::Error(err.to_string()));
                state.wizard.step = Some(WizardStep::Check);
            }
        }
        state.wizard.training = None;
    }
}

/// Recomputes the default inputs from the current health report.
pub fn refresh_inputs(state: &mut AppState, device: Option<&ComputeDevice>) {
    let (Some(dataset), Some(target)) = (&state.dataset, &state.wizard.target) else {
        return;
    };
    let Some(report) = dataset
        .report
        .as_ref()
        .filter(|r| r.target.as_ref() == Some(target))
    else {
        return;
    };
    let kept: Vec<String> = state
        .wizard
        .inputs
        .iter()
        .filter(|c| c.reason == "left out by you")
        .map(|c| c.column.clone())
        .collect();
    state.wizard.inputs = choose_inputs(&dataset.table, report, target, &kept, &[]);
    refresh_plan(state, device);
}

fn refresh_plan(state: &mut AppState, device: Option<&ComputeDevice>) {
    let (Some(dataset), Some(device)) = (&state.dataset, device) else {
        return;
    };
    let used: Vec<String> = state
        .wizard
        .inputs
        .iter()
        .filter(|c| c.included)
        .map(|c| c.column.clone())
        .collect();
    state.wizard.estimate_seconds = estimate_seconds(&dataset.table, &used, device);
}

/// Redoes the split sentence for the current target and plan.
fn refresh_split(state: &mut AppState) {
    let (Some(dataset), Some(target)) = (&state.dataset, &state.wizard.target) else {
        return;
    };
    match read_target(&dataset.table, target) {
        Ok((_, values)) => describe_split(&mut state.wizard, &dataset.table, &values),
        Err(err) => {
            state.wizard.split_ok = false;
            state.wizard.split_sentence = err.to_string();
        }
    }
}

fn describe_split(wizard: &mut PredictionWizard, table: &Table, values: &TargetValues) {
    (wizard.split_ok, wizard.split_sentence) = match wizard.split_plan.split(table, values, SEED) {
        Ok(split) => (true, split.describe()),
        Err(err) => (false, err.to_string()),
    };
}

fn chosen_probabilities(outcome: &PredictionOutcome) -> &[f64] {
    match outcome.card.chosen {
        ChosenModel::Deep => &outcome.test_predictions.deep,
        ChosenModel::Simple => &outcome.test_predictions.simple,
    }
}

/// Moves the threshold. The AUC does not depend on it, so a known one is
/// kept; `at_threshold` must be cleared when a new model arrives.
fn set_threshold(wizard: &mut PredictionWizard, threshold: f64) {
    wizard.threshold = threshold;
    let known_auc = wizard.at_threshold.as_ref().map(|s| s.auc);
    wizard.at_threshold = wizard.outcome.as_ref().and_then(|outcome| {
        let probabilities = chosen_probabilities(outcome);
        let truth = &outcome.test_predictions.truth;
        (!probabilities.is_empty()).then(|| match known_auc {
            Some(auc) => BinaryScores::at_threshold(probabilities, truth, threshold, auc),
            None => BinaryScores::measure(probabilities, truth, threshold),
        })
    });
}
