//! Handling the prediction wizard's commands. Everything that reads whole
//! columns runs as a job: checking the target and the split, training (with
//! live loss curves), ranking the test rows for the results page, saving.
//! The window thread only moves between steps and reads what jobs found.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use clearbox::ClearboxError;
use clearbox::data::Table;
use clearbox::jobs::JobSlot;
use clearbox::ml::metrics::{BinaryCurves, Ranked};
use clearbox::ml::split::{SplitPlan, time_columns};
use clearbox::ml::task::{codes_hint, read_target};
use clearbox::templates::prediction::{
    Prediction, PredictionOutcome, PredictionRequest, TrainingEvent, estimate_seconds,
};
use clearbox::templates::{Decisions, Purpose, choose_inputs, used_columns};

use super::commands::PredictionCommand;
use super::project_flow::{Recording, not_recorded, refresh_after_run, train_in};
use super::runner::{DataEvent, Env, Runner, Written};
use super::state::{
    AppState, Banner, Page, PredictionWizard, ResultsView, TargetCheck, TrainingView, WizardStep,
};

/// The seed the wizard trains with: results are repeatable.
const SEED: u64 = 42;
/// Test rows drawn on the predicted-against-true chart: enough to see the
/// shape, few enough to draw every frame.
const SCATTER_POINTS: usize = 4000;

/// A finished training run with its results page worked out.
pub struct Trained {
    outcome: Arc<PredictionOutcome>,
    results: ResultsView,
}

/// Background work of the wizard.
#[derive(Default)]
pub struct PredictionRunner {
    check: JobSlot<TargetCheck>,
    training: JobSlot<Trained>,
    events: Option<Receiver<TrainingEvent>>,
}

impl PredictionRunner {
    /// Checks the open table's target and the split plan in the background.
    fn start_check(&mut self, state: &mut AppState, env: &Env<'_>) {
        let Some((dataset, target)) = state
            .dataset
            .as_ref()
            .and_then(|d| d.target.clone().map(|t| (d, t)))
        else {
            self.check.cancel();
            state.prediction.check = None;
            return;
        };
        let table = dataset.table.clone();
        let plan = state.prediction.split_plan.clone();
        state.prediction.check = None;
        self.check
            .start("checking the column to predict", env.wake, move |_| {
                Ok(check_target(&table, &target, &plan))
            });
    }

    fn start_training(&mut self, state: &mut AppState, env: &Env<'_>) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let Some(dataset) = &state.dataset else {
            return;
        };
        let wizard = &mut state.prediction;
        let Some(target) = dataset.target.clone().filter(|_| wizard.target_ok()) else {
            return;
        };
        let decisions = Decisions::exactly(&wizard.inputs);
        let request = PredictionRequest {
            target,
            exclude: decisions.exclude,
            include: decisions.include,
            seed: SEED,
            split: wizard.split_plan.clone(),
        };
        let table = dataset.table.clone();
        let recording = Recording::of(env, dataset);
        if let Some(note) = not_recorded(env, &recording) {
            state.banner = Some(note);
        }
        let events = self.training.start_with_events(
            "training the model",
            env.wake,
            move |progress, on_event| {
                let outcome = train_in::<Prediction>(
                    recording.as_ref(),
                    &table,
                    &request,
                    &device,
                    progress,
                    on_event,
                )?;
                let results = results_view(&outcome);
                Ok(Trained {
                    outcome: Arc::new(outcome),
                    results,
                })
            },
        );
        self.events = Some(events);
        wizard.training = Some(TrainingView::default());
        wizard.outcome = None;
        wizard.results = None;
        wizard.step = Some(WizardStep::Train);
    }

    /// Shows a run a project kept as if it had just been trained: its
    /// inputs, split and results (worked out off the window thread).
    pub fn restore(
        &mut self,
        outcome: Arc<PredictionOutcome>,
        state: &mut AppState,
        env: &mut Env<'_>,
    ) {
        let wizard = &mut state.prediction;
        wizard.inputs = outcome.inputs.clone();
        wizard.split_plan = outcome.card.split_plan.clone();
        wizard.step = Some(WizardStep::Train);
        self.events = None;
        self.training
            .start("reopening the model's results", env.wake, move |_| {
                let results = results_view(&outcome);
                Ok(Trained { outcome, results })
            });
        self.start_check(state, env);
    }

    /// Works out the default inputs again from the current report, keeping
    /// the user's own decisions.
    fn refresh_inputs(&self, state: &mut AppState, env: &Env<'_>) {
        let Some(dataset) = &state.dataset else {
            return;
        };
        let (Some(target), Some(report)) = (&dataset.target, dataset.report_for_target()) else {
            return;
        };
        let wizard = &mut state.prediction;
        let decisions = Decisions::by_you(&wizard.inputs);
        wizard.inputs = choose_inputs(
            &dataset.table,
            report,
            Purpose::Predict { target },
            &decisions,
        );
        refresh_estimate(state, env);
    }
}

impl Runner for PredictionRunner {
    type Command = PredictionCommand;

    fn handle(&mut self, command: PredictionCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            PredictionCommand::Start => {
                state.page = Page::Predict;
                if state.prediction.step.is_none() {
                    state.prediction.step = Some(WizardStep::Goal);
                    self.start_check(state, env);
                    self.refresh_inputs(state, env);
                }
            }
            PredictionCommand::GoToStep(step) => {
                let wizard = &state.prediction;
                let allowed = match step {
                    WizardStep::Goal => true,
                    WizardStep::Inputs | WizardStep::Check => wizard.target_ok(),
                    WizardStep::Train => self.training.is_running(),
                    WizardStep::Results => wizard.outcome.is_some(),
                };
                if allowed {
                    state.prediction.step = Some(step);
                }
            }
            PredictionCommand::SetInput { column, included } => {
                let decisions = Decisions::by_you_with(&state.prediction.inputs, column, included);
                if let Some(dataset) = &state.dataset
                    && let (Some(target), Some(report)) =
                        (&dataset.target, dataset.report_for_target())
                {
                    state.prediction.inputs = choose_inputs(
                        &dataset.table,
                        report,
                        Purpose::Predict { target },
                        &decisions,
                    );
                    state.prediction.outcome = None;
                    refresh_estimate(state, env);
                }
            }
            PredictionCommand::SetSplitPlan(plan) => {
                state.prediction.split_plan = plan;
                state.prediction.outcome = None;
                self.start_check(state, env);
            }
            PredictionCommand::Train => self.start_training(state, env),
            PredictionCommand::CancelTraining => {
                self.training.cancel();
                self.events = None;
                state.prediction.training = None;
                state.prediction.step = Some(WizardStep::Check);
            }
            PredictionCommand::SetThreshold(threshold) => {
                let wizard = &mut state.prediction;
                wizard.threshold = threshold;
                wizard.at_threshold = wizard
                    .results
                    .as_ref()
                    .and_then(|r| r.ranked.as_ref())
                    .map(|ranked| ranked.at(threshold));
            }
            PredictionCommand::SaveModel(path) => {
                let Some(outcome) = state.prediction.outcome.clone() else {
                    return;
                };
                env.write("saving the model", move |_| {
                    outcome.save(&path)?;
                    Ok(Written::saved(
                        format!(
                        "Saved the model to '{}'. Score new rows with: clearbox predict --model '{}' --data FILE --out scored.csv",
                        clearbox::error::display_name(&path),
                        path.display()
                        ),
                        "the model",
                        &path,
                    ))
                });
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let Some(result) = self.check.poll() {
            let check = result.unwrap_or_else(|err| TargetCheck {
                task_sentence: err.to_string(),
                ..TargetCheck::default()
            });
            let wizard = &mut state.prediction;
            if let SplitPlan::ByTime { column } = &wizard.split_plan
                && !check.time_columns.contains(column)
            {
                wizard.split_plan = SplitPlan::Stratified;
            }
            wizard.check = Some(check);
        }
        if let (Some(view), Some(job)) = (&mut state.prediction.training, self.training.view()) {
            view.job = job;
            if let Some(events) = &self.events {
                while let Ok(event) = events.try_recv() {
                    match event {
                        TrainingEvent::Epoch(loss) => view.deep.push(loss),
                        TrainingEvent::Round(round) => {
                            view.deep.clear();
                            view.round = Some(round);
                        }
                    }
                }
            }
        }
        let Some(result) = self.training.poll() else {
            return;
        };
        refresh_after_run(env);
        self.events = None;
        let wizard = &mut state.prediction;
        wizard.training = None;
        match result {
            Ok(trained) => {
                let threshold = trained.outcome.card.chosen_threshold().unwrap_or(0.5);
                wizard.at_threshold = trained
                    .results
                    .ranked
                    .as_ref()
                    .map(|ranked| ranked.at(threshold));
                wizard.threshold = threshold;
                wizard.outcome = Some(trained.outcome);
                wizard.results = Some(trained.results);
                wizard.step = Some(WizardStep::Results);
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => {
                state.banner = Some(Banner::Error(err.to_string()));
                wizard.step = Some(WizardStep::Check);
            }
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, env: &mut Env<'_>) {
        match event {
            DataEvent::TableChanged => {
                // A finished model stays only with its data; a running one is stopped.
                self.check.cancel();
                self.training.cancel();
                self.events = None;
                state.prediction = PredictionWizard::default();
                if state.page == Page::Predict {
                    state.page = Page::Data;
                }
            }
            DataEvent::TargetChanged => {
                let wizard = &mut state.prediction;
                wizard.outcome = None;
                wizard.results = None;
                // The inputs depend on the report for the new target; until it
                // is ready the Inputs step says it is checking.
                wizard.inputs.clear();
                if wizard.step.is_some() {
                    self.start_check(state, env);
                }
            }
            DataEvent::ReportReady => {
                if state.prediction.step.is_some() {
                    self.refresh_inputs(state, env);
                }
            }
            DataEvent::DeviceReady => refresh_estimate(state, env),
        }
    }
}

/// The forecast of training time for the chosen inputs.
fn refresh_estimate(state: &mut AppState, env: &Env<'_>) {
    let (Some(dataset), Some(device)) = (&state.dataset, env.device) else {
        return;
    };
    let used = used_columns(&state.prediction.inputs);
    state.prediction.estimate_seconds = estimate_seconds(&dataset.table, &used, device);
}

/// What the target makes and how the rows would be split.
fn check_target(table: &Table, target: &str, plan: &SplitPlan) -> TargetCheck {
    let time_columns = time_columns(table, target);
    let plan = match plan {
        SplitPlan::ByTime { column } if !time_columns.contains(column) => &SplitPlan::Stratified,
        plan => plan,
    };
    match read_target(table, target) {
        Ok((column, values)) => {
            let (split_ok, split_sentence) = match plan.measuring(table, &values, SEED) {
                Ok(measuring) => (true, measuring.describe()),
                Err(err) => (false, err.to_string()),
            };
            let mut task_sentence = format!(
                "Clearbox will treat '{target}' as {}.",
                column.task.describe()
            );
            if let Some(hint) = table.named(target).ok().and_then(codes_hint) {
                task_sentence = format!("{task_sentence} {hint}");
            }
            TargetCheck {
                task_sentence,
                target_ok: true,
                time_columns,
                split_sentence,
                split_ok,
            }
        }
        Err(err) => TargetCheck {
            task_sentence: err.to_string(),
            time_columns,
            ..TargetCheck::default()
        },
    }
}

/// The results page's figures: the test rows ranked for the threshold
/// slider and the curves (yes/no), or a sample of predicted against true
/// values (amounts).
fn results_view(outcome: &PredictionOutcome) -> ResultsView {
    let test = &outcome.test_predictions;
    let probabilities = test.probabilities(outcome.card.chosen);
    let binary = !probabilities.is_empty();
    let step = (test.amounts.len() / SCATTER_POINTS).max(1);
    ResultsView {
        ranked: binary.then(|| Ranked::new(probabilities, &test.truth)),
        curves: binary.then(|| BinaryCurves::measure(probabilities, &test.truth)),
        scatter: test
            .amounts
            .iter()
            .step_by(step)
            .map(|(t, p)| [*t, *p])
            .collect(),
    }
}
