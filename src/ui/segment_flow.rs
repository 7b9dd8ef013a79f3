//! Handling the segmentation wizard's commands: choosing the columns,
//! finding groups as a background job, showing another number of groups,
//! renaming groups, and saving or exporting them (written in the background).

use std::sync::Arc;

use clearbox::ClearboxError;
use clearbox::jobs::JobSlot;
use clearbox::templates::segmentation::{Segmentation, SegmentationOutcome, SegmentationRequest};
use clearbox::templates::{Decisions, Purpose, choose_inputs};

use super::commands::SegmentationCommand;
use super::project_flow::{Recording, not_recorded, refresh_after_run, train_in};
use super::runner::{DataEvent, Env, Runner, Written};
use super::state::{AppState, Banner, Page, SegmentRun, SegmentStep, SegmentWizard};

/// The seed the wizard uses: results are repeatable.
const SEED: u64 = 42;

/// Background work of the segmentation wizard.
#[derive(Default)]
pub struct SegmentationRunner {
    job: JobSlot<SegmentationOutcome>,
}

impl SegmentationRunner {
    /// Starts finding groups; with `k`, shows that many groups of the
    /// current analysis instead.
    fn start(&mut self, state: &mut AppState, env: &Env<'_>, k: Option<usize>) {
        let Some(device) = env.device_or_banner(state) else {
            return;
        };
        let Some(dataset) = &state.dataset else {
            return;
        };
        let table = dataset.table.clone();
        let wizard = &mut state.segmentation;
        match (k, &wizard.outcome) {
            (Some(k), Some(outcome)) => {
                let outcome = outcome.clone();
                self.job.start(
                    "showing another number of groups",
                    env.wake,
                    move |progress| outcome.with_k(&table, k, &device.device, progress),
                );
            }
            _ => {
                let decisions = Decisions::exactly(&wizard.inputs);
                let request = SegmentationRequest {
                    exclude: decisions.exclude,
                    include: decisions.include,
                    predicted: dataset.target.clone(),
                    k: None,
                    seed: SEED,
                    representation: Default::default(),
                };
                wizard.outcome = None;
                wizard.step = Some(SegmentStep::Run);
                let recording = Recording::of(env, dataset);
                if let Some(note) = not_recorded(env, &recording) {
                    state.banner = Some(note);
                }
                self.job.start("finding groups", env.wake, move |progress| {
                    train_in::<Segmentation>(
                        recording.as_ref(),
                        &table,
                        &request,
                        &device,
                        progress,
                        &|_| {},
                    )
                });
            }
        }
        wizard.running = Some(SegmentRun {
            k,
            ..SegmentRun::default()
        });
    }
}

impl SegmentationRunner {
    /// Shows groups a project kept as if they had just been found.
    pub fn restore(outcome: Arc<SegmentationOutcome>, state: &mut AppState) {
        let wizard = &mut state.segmentation;
        wizard.inputs = outcome.inputs.clone();
        wizard.names = outcome.profiles.iter().map(|p| p.name.clone()).collect();
        wizard.outcome = Some(outcome);
        wizard.step = Some(SegmentStep::Results);
    }
}

/// `outcome` with the user's group `names` (blank ones keep the found name),
/// for saving or exporting. It copies every row's group: call it in a job.
fn named(outcome: &SegmentationOutcome, names: &[String]) -> SegmentationOutcome {
    let mut outcome = outcome.clone();
    for (profile, name) in outcome.profiles.iter_mut().zip(names) {
        if !name.trim().is_empty() {
            profile.name = name.trim().to_owned();
        }
    }
    outcome
}

/// Works out the default columns from the current health report, keeping
/// the user's own decisions. The column chosen for prediction, if any, is
/// left out: groups are found from the other columns.
fn refresh_inputs(state: &mut AppState) {
    let Some(dataset) = &state.dataset else {
        return;
    };
    let Some(report) = &dataset.report else {
        return;
    };
    let decisions = Decisions::by_you(&state.segmentation.inputs);
    let purpose = Purpose::Group {
        predicted: dataset.target.as_deref(),
    };
    state.segmentation.inputs = choose_inputs(&dataset.table, report, purpose, &decisions);
}

impl Runner for SegmentationRunner {
    type Command = SegmentationCommand;

    fn handle(&mut self, command: SegmentationCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            SegmentationCommand::Start => {
                state.page = Page::Segment;
                if state.segmentation.step.is_none() {
                    state.segmentation.step = Some(SegmentStep::Inputs);
                }
                refresh_inputs(state);
            }
            SegmentationCommand::GoToStep(step) => {
                let allowed = match step {
                    SegmentStep::Inputs => true,
                    SegmentStep::Run => self.job.is_running(),
                    SegmentStep::Results => state.segmentation.outcome.is_some(),
                };
                if allowed {
                    state.segmentation.step = Some(step);
                }
            }
            SegmentationCommand::SetInput { column, included } => {
                let decisions =
                    Decisions::by_you_with(&state.segmentation.inputs, column, included);
                if let Some(dataset) = &state.dataset
                    && let Some(report) = &dataset.report
                {
                    let purpose = Purpose::Group {
                        predicted: dataset.target.as_deref(),
                    };
                    state.segmentation.inputs =
                        choose_inputs(&dataset.table, report, purpose, &decisions);
                }
            }
            SegmentationCommand::FindGroups => self.start(state, env, None),
            SegmentationCommand::ChooseK(k) => self.start(state, env, Some(k)),
            SegmentationCommand::Cancel => {
                self.job.cancel();
                let back_to_results = state
                    .segmentation
                    .running
                    .take()
                    .is_some_and(|r| r.k.is_some());
                state.segmentation.step = Some(if back_to_results {
                    SegmentStep::Results
                } else {
                    SegmentStep::Inputs
                });
            }
            SegmentationCommand::Rename { index, name } => {
                if let Some(slot) = state.segmentation.names.get_mut(index) {
                    *slot = name;
                }
            }
            SegmentationCommand::Save(path) => {
                let wizard = &state.segmentation;
                let Some(outcome) = wizard.outcome.clone() else {
                    return;
                };
                let names = wizard.names.clone();
                env.write("saving the groups", move |_| {
                    named(&outcome, &names).save(&path)?;
                    Ok(Written::saved(
                        format!(
                        "Saved the groups to '{}'. Put new rows in them with: clearbox predict --model '{}' --data FILE --out FILE",
                        clearbox::error::display_name(&path),
                        path.display()
                        ),
                        "the groups",
                        &path,
                    ))
                });
            }
            SegmentationCommand::Export(path) => {
                let wizard = &state.segmentation;
                let (Some(outcome), Some(dataset)) = (wizard.outcome.clone(), &state.dataset)
                else {
                    return;
                };
                let (names, table) = (wizard.names.clone(), dataset.table.clone());
                env.write("exporting the table", move |_| {
                    clearbox::data::export::write_table(
                        &table,
                        named(&outcome, &names).output().into_columns(),
                        &path,
                    )?;
                    Ok(Written::saved(
                        format!(
                            "Wrote the table with its 'segment' column to '{}'.",
                            clearbox::error::display_name(&path)
                        ),
                        "the table with its segment column",
                        &path,
                    ))
                });
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let (Some(run), Some(view)) = (&mut state.segmentation.running, self.job.view()) {
            run.job = view;
        }
        let Some(result) = self.job.poll() else {
            return;
        };
        refresh_after_run(env);
        let asked_k = state.segmentation.running.take().and_then(|r| r.k);
        let wizard = &mut state.segmentation;
        match result {
            Ok(outcome) => {
                wizard.names = outcome.profiles.iter().map(|p| p.name.clone()).collect();
                wizard.outcome = Some(Arc::new(outcome));
                wizard.step = Some(SegmentStep::Results);
            }
            Err(ClearboxError::Cancelled) => {}
            Err(err) => {
                state.banner = Some(Banner::Error(err.to_string()));
                wizard.step = Some(if asked_k.is_some() {
                    SegmentStep::Results
                } else {
                    SegmentStep::Inputs
                });
            }
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, _env: &mut Env<'_>) {
        match event {
            DataEvent::TableChanged => {
                self.job.cancel();
                state.segmentation = SegmentWizard::default();
                if state.page == Page::Segment {
                    state.page = Page::Data;
                }
            }
            DataEvent::TargetChanged | DataEvent::ReportReady => refresh_inputs(state),
            DataEvent::DeviceReady => {}
        }
    }
}
