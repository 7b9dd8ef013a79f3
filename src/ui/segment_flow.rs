//! Handling the segmentation wizard's commands: choosing the columns,
//! finding groups as a background job, showing another number of groups,
//! renaming groups.

use std::sync::Arc;
use std::time::Instant;

use clearbox::ClearboxError;
use clearbox::compute::ComputeDevice;
use clearbox::jobs::{Job, Wake};
use clearbox::templates::prediction::{choose_features, columns_where};
use clearbox::templates::segmentation::{
    SegmentationOutcome, SegmentationRequest, train_segmentation,
};

use super::commands::AppCommand;
use super::state::{AppState, Banner, Page, SegmentRunView, SegmentStep, SegmentWizard};

/// The seed the wizard uses: results are repeatable.
const SEED: u64 = 42;
const BY_YOU: &str = "left out by you";
const PREDICTED: &str = "the column chosen for prediction: groups are found from the other columns";

/// Background work of the segmentation wizard.
#[derive(Default)]
pub struct SegmentationRunner {
    job: Option<(Job<SegmentationOutcome>, Instant)>,
}

impl SegmentationRunner {
    /// Handles a segmentation command.
    pub fn handle(
        &mut self,
        state: &mut AppState,
        command: AppCommand,
        device: Option<&ComputeDevice>,
        wake: &Wake,
    ) {
        match command {
            AppCommand::StartSegmentation => {
                state.page = Page::Segment;
                if state.segments.step.is_none() {
                    state.segments.step = Some(SegmentStep::Inputs);
                }
                refresh_segment_inputs(state);
            }
            AppCommand::GoToSegmentStep(step) => {
                let allowed = match step {
                    SegmentStep::Inputs => true,
                    SegmentStep::Run => self.job.is_some(),
                    SegmentStep::Results => state.segments.outcome.is_some(),
                };
                if allowed {
                    state.segments.step = Some(step);
                }
            }
            AppCommand::SetSegmentInput { column, included } => {
                if let Some(choice) = state
                    .segments
                    .inputs
                    .iter_mut()
                    .find(|c| c.column == column)
                {
                    choice.included = included;
                    choice.reason = if included {
                        String::new()
                    } else {
                        BY_YOU.into()
                    };
                }
            }
            AppCommand::FindGroups => self.start(state, device, wake, None),
            AppCommand::ChooseK(k) => self.start(state, device, wake, Some(k)),
            AppCommand::CancelSegmentation => {
                if let Some((job, _)) = self.job.take() {
                    job.cancel();
                }
                let back_to_results = state.segments.running.take().is_some_and(|r| r.k.is_some());
                state.segments.step = Some(if back_to_results {
                    SegmentStep::Results
                } else {
                    SegmentStep::Inputs
                });
            }
            AppCommand::RenameSegment { index, name } => {
                if let Some(slot) = state.segments.names.get_mut(index) {
                    *slot = name;
                }
            }
            _ => {}
        }
    }

    /// Starts finding groups; with `k`, shows that many groups of the
    /// current analysis instead.
    fn start(
        &mut self,
        state: &mut AppState,
        device: Option<&ComputeDevice>,
        wake: &Wake,
        k: Option<usize>,
    ) {
        let (Some(dataset), Some(device)) = (&state.dataset, device) else {
            state.banner = Some(Banner::Error(
                "The compute device is still being checked; try again in a moment.".into(),
            ));
            return;
        };
        let table = dataset.table.clone();
        let device = device.clone();
        let job = match (k, &state.segments.outcome) {
            (Some(k), Some(outcome)) => {
                let outcome = outcome.clone();
                Job::spawn(
                    "showing another number of groups",
                    Some(wake.clone()),
                    move |progress| outcome.with_k(&table, k, &device.device, progress),
                )
            }
            _ => {
                let pick = |included: bool| columns_where(&state.segments.inputs, included);
                let request = SegmentationRequest {
                    exclude: pick(false),
                    include: pick(true),
                    k: None,
                    seed: SEED,
                    representation: Default::default(),
                };
                state.segments.outcome = None;
                state.segments.step = Some(SegmentStep::Run);
                Job::spawn("finding groups", Some(wake.clone()), move |progress| {
                    train_segmentation(&table, &request, &device, progress)
                })
            }
        };
        if let Some((old, _)) = self.job.replace((job, Instant::now())) {
            old.cancel();
        }
        state.segments.running = Some(SegmentRunView {
            message: "Starting".into(),
            k,
            ..SegmentRunView::default()
        });
    }

    /// Forgets the wizard (the table changed); a running job is cancelled.
    pub fn reset(&mut self, state: &mut AppState) {
        if let Some((job, _)) = self.job.take() {
            job.cancel();
        }
        state.segments = SegmentWizard::default();
        if state.page == Page::Segment {
            state.page = Page::Data;
        }
    }

    /// Takes in news from the job; called every frame.
    pub fn poll(&mut self, state: &mut AppState) {
        let Some((job, started)) = &mut self.job else {
            return;
        };
        if let Some(view) = &mut state.segments.running {
            if let Some(update) = job.latest_progress() {
                view.fraction = update.fraction;
                view.message.clone_from(&update.message);
            }
            view.elapsed = started.elapsed().as_secs_f64();
        }
        let Some(result) = job.poll() else { return };
        self.job = None;
        let asked_k = state.segments.running.take().and_then(|r| r.k);
        match result {
            Ok(outcome) => {
                let wizard = &mut state.segments;
                wizard.names = outcome.profiles.iter().map(|p| p.name.clone()).collect();
                wizard.outcome = Some(Arc::new(outcome));
                wizard.step = Some(SegmentStep::Results);
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => {
                state.banner = Some(Banner::Error(err.to_string()));
                state.segments.step = Some(if asked_k.is_some() {
                    SegmentStep::Results
                } else {
                    SegmentStep::Inputs
                });
            }
        }
    }
}

/// Recomputes the default columns from the current health report. The
/// column chosen for prediction, if any, is left out: groups are found from
/// the other columns.
pub fn refresh_segment_inputs(state: &mut AppState) {
    let Some(dataset) = &state.dataset else {
        return;
    };
    let Some(report) = &dataset.report else {
        return;
    };
    let mut kept: Vec<String> = state
        .segments
        .inputs
        .iter()
        .filter(|c| c.reason == BY_YOU || c.reason == PREDICTED)
        .map(|c| c.column.clone())
        .collect();
    let target = dataset.target.clone();
    if state.segments.inputs.is_empty() {
        kept.extend(target.clone());
    }
    let mut inputs = choose_features(&dataset.table, report, &kept, &[]);
    for choice in &mut inputs {
        if Some(&choice.column) == target.as_ref() && choice.reason == BY_YOU {
            choice.reason = PREDICTED.into();
        }
    }
    state.segments.inputs = inputs;
}

/// The current outcome with the user's group names.
pub fn named_outcome(wizard: &SegmentWizard) -> Option<SegmentationOutcome> {
    let mut outcome = (**wizard.outcome.as_ref()?).clone();
    for (profile, name) in outcome.profiles.iter_mut().zip(&wizard.names) {
        if !name.trim().is_empty() {
            profile.name = name.trim().to_owned();
        }
    }
    Some(outcome)
}
