//! Handling the drift page's commands: the comparison (loading the newer
//! file and the saved model or groups, then comparing) and the challenger
//! run as background jobs; a promotion is written by the app's writer.

use std::path::PathBuf;
use std::sync::Arc;

use clearbox::ClearboxError;
use clearbox::data::{DataSource, Table, load};
use clearbox::drift::challenger::{Challenger, promote, train_challenger};
use clearbox::drift::{
    DriftOptions, DriftReport, ModelCheck, PeriodReport, compare, compare_periods,
};
use clearbox::jobs::{JobSlot, Progress};
use clearbox::templates::prediction::SavedModel;

use super::commands::DriftCommand;
use super::project_flow::{record_in_project, run_of_folder};
use super::runner::{DataEvent, Env, Runner, Written};
use super::state::{AppState, Banner, ChallengerView, DriftView, Page};

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
    job: JobSlot<DriftOutcome>,
    /// The newer table of the last comparison.
    current: Option<Arc<Table>>,
    challenger: JobSlot<Challenger>,
}

impl DriftRunner {
    fn start(&mut self, state: &mut AppState, env: &Env<'_>) {
        state.page = Page::Drift;
        if state.dataset.is_none() {
            return;
        }
        let against = match (&state.drift.current, &state.drift.period_column) {
            (Some(path), _) => Against::File(path.clone()),
            (None, Some(column)) => Against::Periods(column.clone()),
            // Nothing to compare with yet: a model alone waits for a file.
            (None, None) => return,
        };
        let model = match state.drift.model.clone() {
            Some(dir) => match env.device_or_banner(state) {
                Some(device) => Some((dir, device.device)),
                None => return,
            },
            None => None,
        };
        let Some(dataset) = &state.dataset else {
            return;
        };
        let reference = dataset.table.clone();
        self.job
            .start("comparing the tables", env.wake, move |progress| {
                run(&reference, &against, model, progress)
            });
        state.drift.running = Some(Default::default());
    }

    fn start_challenger(&mut self, state: &mut AppState, env: &Env<'_>) {
        let (Some(dir), Some(current), Some(device)) = (
            state.drift.model.clone(),
            self.current.clone(),
            env.device.cloned(),
        ) else {
            state.banner = Some(Banner::Error(
                "A challenger needs a saved model and a newer file compared with it.".into(),
            ));
            return;
        };
        self.challenger
            .start("training the challenger", env.wake, move |progress| {
                let champion = SavedModel::load(&dir, &device.device)?;
                train_challenger(&champion, &current, &device, progress)
            });
        state.drift.challenger = ChallengerView {
            running: Some(Default::default()),
            ..ChallengerView::default()
        };
    }
}

impl Runner for DriftRunner {
    type Command = DriftCommand;

    fn handle(&mut self, command: DriftCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            DriftCommand::Show => {
                if state.dataset.is_some() {
                    state.page = Page::Drift;
                }
            }
            DriftCommand::CompareWith(path) => {
                state.drift.current = Some(path);
                state.drift.period_column = None;
                self.start(state, env);
            }
            DriftCommand::ComparePeriods(column) => {
                state.drift.period_column = Some(column);
                state.drift.current = None;
                self.start(state, env);
            }
            DriftCommand::UseModel(model) => {
                state.drift.model = model;
                self.start(state, env);
            }
            DriftCommand::SelectColumn(column) => state.drift.selected = column,
            DriftCommand::Cancel => {
                self.job.cancel();
                self.challenger.cancel();
                state.drift.running = None;
                state.drift.challenger.running = None;
            }
            DriftCommand::TrainChallenger => self.start_challenger(state, env),
            DriftCommand::Promote(dir) => {
                let (Some(result), Some(champion)) = (
                    state.drift.challenger.result.clone(),
                    state.drift.model.clone(),
                ) else {
                    return;
                };
                env.write("promoting the challenger", move |_| {
                    promote(&result, &champion, &dir)?;
                    Ok(Written {
                        sentence: Some(format!(
                            "Promoted the challenger: saved to '{}' with a record of your decision ({}).",
                            clearbox::error::display_name(&dir),
                            clearbox::drift::challenger::PROMOTION_RECORD
                        )),
                        then: Some(DriftCommand::Promoted(dir).into()),
                    })
                });
            }
            DriftCommand::Promoted(dir) => {
                let champion = state.drift.model.clone();
                let promoted = dir.clone();
                record_in_project(env, "recording the promotion", move |project| {
                    let was = champion.as_deref().and_then(|d| run_of_folder(project, d));
                    let payload = serde_json::json!({
                        "champion_folder": champion,
                        "promoted_to": promoted,
                    });
                    project.add_promotion(was, None, &payload)?;
                    Ok(())
                });
                state.drift.challenger.promoted = Some(dir);
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        let view = &mut state.drift.challenger;
        if let (Some(running), Some(job)) = (&mut view.running, self.challenger.view()) {
            *running = job;
        }
        if let Some(result) = self.challenger.poll() {
            view.running = None;
            match result {
                Ok(challenger) => view.result = Some(Arc::new(challenger)),
                Err(ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        if let (Some(running), Some(job)) = (&mut state.drift.running, self.job.view()) {
            *running = job;
        }
        let Some(result) = self.job.poll() else {
            return;
        };
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
                let report = Arc::new(outcome.report);
                let model = drift.model.clone();
                let kept = report.clone();
                record_in_project(env, "recording the drift check", move |project| {
                    let run = model.as_deref().and_then(|dir| run_of_folder(project, dir));
                    let summary = serde_json::to_value(&*kept).unwrap_or_default();
                    project.add_drift_check(
                        run,
                        &kept.reference_name,
                        &kept.current_name,
                        kept.verdict.key(),
                        &summary,
                    )?;
                    Ok(())
                });
                drift.report = Some(report);
                drift.periods = outcome.periods.map(Arc::new);
                // A new comparison starts a new duel.
                drift.challenger = ChallengerView::default();
                self.current = outcome.current;
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => state.banner = Some(Banner::Error(err.to_string())),
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, _env: &mut Env<'_>) {
        match event {
            DataEvent::TableChanged => {
                self.job.cancel();
                self.challenger.cancel();
                self.current = None;
                state.drift = DriftView::default();
                if state.page == Page::Drift {
                    state.page = Page::Data;
                }
            }
            DataEvent::TargetChanged | DataEvent::ReportReady | DataEvent::DeviceReady => {}
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
        Some((dir, device)) => Some(clearbox::templates::open(dir, device)?),
        None => None,
    };
    let check = loaded
        .as_ref()
        .zip(model.as_ref())
        .map(|(model, (_, device))| ModelCheck {
            model: model.as_ref(),
            device,
        });
    let options = DriftOptions::default();
    match against {
        Against::File(path) => {
            progress.report(0.0, "Reading the newer file");
            let current = load(&DataSource::File(path.clone()), &progress.scaled(0.0, 0.4))?;
            // The table on screen may sum up a log per customer: the newer
            // file is summed up alike, or no column would match.
            let current = clearbox::data::summary::summarised_like(reference, current)?;
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
