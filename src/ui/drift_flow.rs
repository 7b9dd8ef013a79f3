//! Handling the drift page's commands: the comparison (loading the newer
//! file and the model, then comparing) runs as a background job.

use std::path::PathBuf;
use std::sync::Arc;

use clearbox::ClearboxError;
use clearbox::compute::ComputeDevice;
use clearbox::data::{DataSource, Table, load};
use clearbox::drift::challenger::{Challenger, promote, train_challenger};
use clearbox::drift::{
    DriftOptions, DriftReport, ModelCheck, PeriodReport, compare, compare_periods,
};
use clearbox::jobs::{Job, Progress, Wake};
use clearbox::templates::prediction::SavedModel;

use super::commands::AppCommand;
use super::state::{AppState, Banner, ChallengerView, DriftRunning, DriftView, Page};

/// What a comparison produced.
pub struct DriftOutcome {
    report: DriftReport,
    periods: Option<PeriodReport>,
    /// The newer table, kept for training a challenger on it.
    current: Option<Arc<Table>>,
}

/// What to compare the open table with.
enum Against {
    File(PathBuf),
    Periods(String),
}

/// Background work of the drift page.
#[derive(Default)]
pub struct DriftRunner {
    job: Option<Job<DriftOutcome>>,
    /// The newer table of the last comparison.
    current: Option<Arc<Table>>,
    challenger_job: Option<Job<Challenger>>,
}

impl DriftRunner {
    /// Handles a drift command; file dialogs are the app's, the rest is here.
    pub fn handle(
        &mut self,
        state: &mut AppState,
        command: AppCommand,
        wake: &Wake,
        device: Option<&ComputeDevice>,
    ) {
        match command {
            AppCommand::CompareWith(path) => {
                state.drift.current = Some(path);
                state.drift.period_column = None;
                self.start(state, wake, device);
            }
            AppCommand::ComparePeriods(column) => {
                state.drift.period_column = Some(column);
                state.drift.current = None;
                self.start(state, wake, device);
            }
            AppCommand::UseDriftModel(model) => {
                state.drift.model = model;
                self.start(state, wake, device);
            }
            AppCommand::SelectDriftColumn(column) => state.drift.selected = column,
            AppCommand::CancelDrift => {
                if let Some(job) = self.job.take() {
                    job.cancel();
                }
                if let Some(job) = self.challenger_job.take() {
                    job.cancel();
                }
                state.drift.running = None;
                state.drift.challenger.running = None;
            }
            AppCommand::TrainChallenger => self.start_challenger(state, wake, device),
            AppCommand::PromoteChallenger(dir) => {
                let view = &mut state.drift.challenger;
                let (Some(result), Some(champion)) = (&view.result, &state.drift.model) else {
                    return;
                };
                state.banner = Some(match promote(result, champion, &dir) {
                    Ok(()) => {
                        view.promoted = Some(dir.clone());
                        Banner::Info(format!(
                            "Promoted the challenger: saved to '{}' with a record of your decision ({}).",
                            clearbox::error::display_name(&dir),
                            clearbox::drift::challenger::PROMOTION_RECORD
                        ))
                    }
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
            _ => {}
        }
    }

    fn start(&mut self, state: &mut AppState, wake: &Wake, device: Option<&ComputeDevice>) {
        state.page = Page::Drift;
        let Some(dataset) = &state.dataset else {
            return;
        };
        let against = match (&state.drift.current, &state.drift.period_column) {
            (Some(path), _) => Against::File(path.clone()),
            (None, Some(column)) => Against::Periods(column.clone()),
            // Nothing to compare with yet: a model alone waits for a file.
            (None, None) => return,
        };
        let model = match (&state.drift.model, device) {
            (Some(dir), Some(device)) => Some((dir.clone(), device.device.clone())),
            (Some(_), None) => {
                state.banner = Some(Banner::Error(
                    "The compute device is still being checked; try again in a moment.".into(),
                ));
                return;
            }
            (None, _) => None,
        };
        let reference = dataset.table.clone();
        let job = Job::spawn(
            "comparing the tables",
            Some(wake.clone()),
            move |progress| run(&reference, &against, model, progress),
        );
        if let Some(old) = self.job.replace(job) {
            old.cancel();
        }
        state.drift.running = Some(DriftRunning {
            fraction: 0.0,
            message: "Starting".into(),
        });
    }

    fn start_challenger(
        &mut self,
        state: &mut AppState,
        wake: &Wake,
        device: Option<&ComputeDevice>,
    ) {
        let (Some(dir), Some(current), Some(device)) = (
            state.drift.model.clone(),
            self.current.clone(),
            device.cloned(),
        ) else {
            state.banner = Some(Banner::Error(
                "A challenger needs a saved model and a newer file compared with it.".into(),
            ));
            return;
        };
        let job = Job::spawn(
            "training the challenger",
            Some(wake.clone()),
            move |progress| {
                let champion = SavedModel::load(&dir, &device.device)?;
                train_challenger(&champion, &current, &device, progress)
            },
        );
        if let Some(old) = self.challenger_job.replace(job) {
            old.cancel();
        }
        state.drift.challenger = ChallengerView {
            running: Some(DriftRunning {
                fraction: 0.0,
                message: "Training the challenger".into(),
            }),
            ..ChallengerView::default()
        };
    }

    /// Forgets the comparison (the open table changed).
    pub fn reset(&mut self, state: &mut AppState) {
        if let Some(job) = self.job.take() {
            job.cancel();
        }
        if let Some(job) = self.challenger_job.take() {
            job.cancel();
        }
        self.current = None;
        state.drift = DriftView::default();
        if state.page == Page::Drift {
            state.page = Page::Data;
        }
    }

    /// Takes in the comparison's and the challenger's news; called every frame.
    pub fn poll(&mut self, state: &mut AppState) {
        self.poll_challenger(state);
        let Some(job) = &mut self.job else { return };
        if let (Some(view), Some(update)) = (&mut state.drift.running, job.latest_progress()) {
            view.fraction = update.fraction;
            view.message.clone_from(&update.message);
        }
        let Some(result) = job.poll() else { return };
        self.job = None;
        state.drift.running = None;
        match result {
            Ok(outcome) => {
                let drift = &mut state.drift;
                // Keep the column in view if it is still there.
                if drift
                    .selected
                    .as_ref()
                    .is_some_and(|s| outcome.report.column(s).is_none())
                {
                    drift.selected = None;
                }
                drift.report = Some(Arc::new(outcome.report));
                drift.periods = outcome.periods.map(Arc::new);
                // A new comparison starts a new duel.
                drift.challenger = ChallengerView::default();
                self.current = outcome.current;
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => state.banner = Some(Banner::Error(err.to_string())),
        }
    }
}

impl DriftRunner {
    fn poll_challenger(&mut self, state: &mut AppState) {
        let Some(job) = &mut self.challenger_job else {
            return;
        };
        let view = &mut state.drift.challenger;
        if let (Some(running), Some(update)) = (&mut view.running, job.latest_progress()) {
            running.fraction = update.fraction;
            running.message.clone_from(&update.message);
        }
        let Some(result) = job.poll() else { return };
        self.challenger_job = None;
        view.running = None;
        match result {
            Ok(challenger) => view.result = Some(Arc::new(challenger)),
            Err(ClearboxError::Cancelled) => {}
            Err(err) => state.banner = Some(Banner::Error(err.to_string())),
        }
    }
}

fn run(
    reference: &Table,
    against: &Against,
    model: Option<(PathBuf, burn::tensor::Device)>,
    progress: &Progress,
) -> clearbox::Result<DriftOutcome> {
    let loaded = match &model {
        Some((dir, device)) => Some(SavedModel::load(dir, device)?),
        None => None,
    };
    let check = loaded
        .as_ref()
        .zip(model.as_ref())
        .map(|(model, (_, device))| ModelCheck { model, device });
    let options = DriftOptions::default();
    match against {
        Against::File(path) => {
            progress.report(0.0, "Reading the newer file");
            let current = load(&DataSource::File(path.clone()), &progress.scaled(0.0, 0.4))?;
            let report = compare(
                reference,
                &current,
                &options,
                check.as_ref(),
                &progress.scaled(0.4, 0.6),
            )?;
            Ok(DriftOutcome {
                report,
                periods: None,
                current: Some(Arc::new(current)),
            })
        }
        Against::Periods(column) => {
            let periods = compare_periods(reference, column, &options, check.as_ref(), progress)?;
            Ok(DriftOutcome {
                report: periods.latest.clone(),
                periods: Some(periods),
                current: None,
            })
        }
    }
}
