//! Handling the project's commands: new, open (its audit trail checked and
//! its table reopened as it was left), save as, the run history, notes and
//! reports. Opening runs as a job; every record is written by the app's
//! writer, so the window never waits on the file.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use clearbox::ClearboxError;
use clearbox::compute::ComputeDevice;
use clearbox::data::{DataSource, Recipe, Table};
use clearbox::error::display_name;
use clearbox::jobs::JobSlot;
use clearbox::jobs::Progress;
use clearbox::project::{
    Accountable, EventKind, Project, RunRecord, SourceRecord, Trail, locked, train_on_source,
    train_recorded,
};
use clearbox::project::{Replayed, replay};
use clearbox::templates::TemplateKind;
use clearbox::templates::prediction::PredictionOutcome;
use clearbox::templates::reinforcement::Reinforcement;
use clearbox::templates::segmentation::Segmentation;

use super::commands::{DataCommand, ProjectCommand};
use super::runner::{DataEvent, Effect, Env, Runner, Written};
use super::state::{AppState, Banner, Dataset, MissingData, Page, ProjectView};

/// A project opened in the background, with what it needs to show.
pub struct Opened {
    project: Project,
    listed: Listed,
    /// The table it was left on and the target then, to reopen.
    last: Option<MissingData>,
}

/// The runs and the trail, read again.
pub struct Listed {
    runs: Vec<RunRecord>,
    trail: Trail,
}

/// The open project and its background work.
#[derive(Default)]
pub struct ProjectRunner {
    project: Option<Arc<Mutex<Project>>>,
    opening: JobSlot<Opened>,
    listing: JobSlot<Listed>,
    /// The table a reopened project is reopening, whose pages come back
    /// once it is open.
    reopening: Option<SourceRecord>,
    restoring: JobSlot<Option<Arc<PredictionOutcome>>>,
    replaying: JobSlot<Replays>,
}

/// Groups and a policy computed again from their records.
#[derive(Default)]
pub struct Replays {
    groups: Option<Replayed<Segmentation>>,
    policy: Option<Replayed<Reinforcement>>,
}

impl ProjectRunner {
    /// The open project, for runs to record in (none when read-only).
    pub fn recording(&self, state: &AppState) -> Option<Arc<Mutex<Project>>> {
        let writable = state.project.as_ref().is_some_and(|p| !p.read_only());
        self.project.clone().filter(|_| writable)
    }

    fn list(project: &mut Project) -> clearbox::Result<Listed> {
        Ok(Listed {
            runs: project.runs()?,
            trail: project.check_trail()?.clone(),
        })
    }

    /// Opens (or creates) a project off the window thread; `first` records
    /// the open table in a new project.
    fn start_opening(
        &mut self,
        path: PathBuf,
        create: bool,
        first: Option<(Arc<Table>, Recipe)>,
        state: &mut AppState,
        env: &Env<'_>,
    ) {
        state.opening_project = Some(display_name(&path));
        self.opening
            .start("opening the project", env.wake, move |_| {
                let mut project = if create {
                    if path.exists() {
                        return Err(ClearboxError::BadRequest(format!(
                            "'{}' already exists. Open it with \"Open a project…\", or choose a new name.",
                            display_name(&path)
                        )));
                    }
                    Project::open_or_create(&path)?
                } else {
                    Project::open(&path)?
                };
                if let Some((original, recipe)) = first {
                    project.add_source(&original, &recipe)?;
                }
                let last = project.last_table()?.map(|(source, target)| MissingData {
                    source,
                    target,
                    problem: String::new(),
                });
                Ok(Opened {
                    listed: Self::list(&mut project)?,
                    project,
                    last: last.filter(|_| !create),
                })
            });
    }

    /// Once a reopened project's table is open as recorded, brings back
    /// the newest prediction run on it (its model, inputs and results).
    fn restore_pages(&mut self, state: &AppState, env: &Env<'_>) {
        let Some(source) = self.reopening.take() else {
            return;
        };
        let same = state.dataset.as_ref().is_some_and(|d| {
            d.original.fingerprint == source.fingerprint && d.recipe == source.recipe
        });
        let (Some(project), Some(device), true) = (self.project.clone(), env.device, same) else {
            return;
        };
        let table = state.dataset.as_ref().map(|d| d.table.clone());
        if let Some(table) = table {
            let (project, compute, id) = (project.clone(), device.clone(), source.id);
            self.replaying.start(
                "recomputing the project's groups and policy",
                env.wake,
                move |progress| {
                    let (groups, policy) = {
                        let project = locked(&project)?;
                        (
                            project.latest_finished_run(TemplateKind::Segmentation, id)?,
                            project.latest_finished_run(TemplateKind::Reinforcement, id)?,
                        )
                    };
                    let half = |i: f32| progress.scaled(0.5 * i, 0.5);
                    Ok(Replays {
                        groups: groups
                            .map(|run| replay(&project, run, &table, &compute, &half(0.0)))
                            .transpose()?,
                        policy: policy
                            .map(|run| replay(&project, run, &table, &compute, &half(1.0)))
                            .transpose()?,
                    })
                },
            );
        }
        let device = device.device.clone();
        self.restoring
            .start("reopening the project's results", env.wake, move |_| {
                let folder = {
                    let project = locked(&project)?;
                    let Some(run) =
                        project.latest_finished_run(TemplateKind::Prediction, source.id)?
                    else {
                        return Ok(None);
                    };
                    project.artefact_folder(run)?
                };
                Ok(Some(Arc::new(PredictionOutcome::from_folder(
                    &folder, &device,
                )?)))
            });
    }

    fn refresh(&mut self, env: &Env<'_>) {
        let Some(project) = self.project.clone() else {
            return;
        };
        self.listing
            .start("reading the project's runs", env.wake, move |_| {
                Self::list(&mut *locked(&project)?)
            });
    }

    /// Queues a record in the project, then reads its runs again.
    fn record(
        &self,
        env: &mut Env<'_>,
        activity: &'static str,
        work: impl FnOnce(&mut Project) -> clearbox::Result<Option<String>> + Send + 'static,
    ) {
        let Some(project) = self.project.clone() else {
            return;
        };
        env.write(activity, move |_| {
            let sentence = work(&mut *locked(&project)?)?;
            Ok(Written {
                sentence,
                then: Some(ProjectCommand::Refresh.into()),
            })
        });
    }
}

impl Runner for ProjectRunner {
    type Command = ProjectCommand;

    fn handle(&mut self, command: ProjectCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            ProjectCommand::New(path) => {
                let first = state
                    .dataset
                    .as_ref()
                    .filter(|d| !matches!(d.source, DataSource::Generated(_)))
                    .map(|d| (d.original.clone(), d.recipe.clone()));
                self.start_opening(path, true, first, state, env);
            }
            ProjectCommand::Open(path) => {
                // This window holds its project's lock: opening it again is
                // showing it, not a second Clearbox.
                if state.project.as_ref().is_some_and(|p| p.path == path) {
                    state.page = Page::Runs;
                } else {
                    self.start_opening(path, false, None, state, env);
                }
            }
            ProjectCommand::SaveAs(path) => {
                let Some(project) = self.project.clone() else {
                    return;
                };
                state.opening_project = Some(display_name(&path));
                self.opening
                    .start("saving the project as a copy", env.wake, move |_| {
                        locked(&project)?.copy_to(&path)?;
                        let mut copy = Project::open(&path)?;
                        Ok(Opened {
                            listed: Self::list(&mut copy)?,
                            project: copy,
                            last: None,
                        })
                    });
            }
            ProjectCommand::Close => {
                self.opening.cancel();
                self.project = None;
                state.project = None;
                if state.page == Page::Runs {
                    state.page = Page::Home;
                }
            }
            ProjectCommand::ShowRuns => {
                if state.project.is_some() {
                    state.page = Page::Runs;
                }
            }
            ProjectCommand::Choose(run) => {
                if let Some(view) = &mut state.project {
                    if let Some(at) = view.chosen.iter().position(|r| *r == run) {
                        view.chosen.remove(at);
                    } else {
                        view.chosen.push(run);
                        if view.chosen.len() > 2 {
                            view.chosen.remove(0);
                        }
                    }
                }
            }
            ProjectCommand::Report { run, out } => {
                let Some(project) = self.project.clone() else {
                    return;
                };
                env.write("writing the report", move |progress| {
                    let mut project = locked(&project)?;
                    let html = clearbox::project::report(&project, run, progress)?;
                    clearbox::files::write_atomically(&out, html.as_bytes())?;
                    if !project.read_only() {
                        project.record(
                            EventKind::ReportWritten,
                            serde_json::json!({
                                "run": run,
                                "out": out,
                                "blake3": blake3::hash(html.as_bytes()).to_hex().to_string(),
                            }),
                        )?;
                    }
                    Ok(Written::saying(format!(
                        "Wrote the report of run {} to '{}': one page that opens in any browser and prints cleanly.",
                        run.0,
                        display_name(&out)
                    )))
                });
            }
            ProjectCommand::EditNote(text) => {
                if let Some(view) = &mut state.project {
                    view.note = text;
                }
            }
            ProjectCommand::AddNote => {
                let Some(view) = &mut state.project else {
                    return;
                };
                let text = std::mem::take(&mut view.note);
                if text.trim().is_empty() {
                    return;
                }
                self.record(env, "keeping the note", move |project| {
                    project.add_note(None, text.trim())?;
                    Ok(Some("Your note is kept in the project.".into()))
                });
            }
            ProjectCommand::Locate(path) => {
                let recorded = state.project.as_ref().and_then(|p| p.missing.clone());
                if let Some(recorded) = recorded {
                    env.effects.push(Effect::Command(
                        DataCommand::OpenRecordedFrom { recorded, path }.into(),
                    ));
                }
            }
            ProjectCommand::Refresh => self.refresh(env),
            ProjectCommand::Exported { what, path } => {
                if self.recording(state).is_some() {
                    self.record(env, "recording the save", move |project| {
                        project.record(
                            EventKind::Exported,
                            serde_json::json!({ "what": what, "path": path }),
                        )?;
                        Ok(None)
                    });
                }
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let Some(result) = self.opening.poll() {
            state.opening_project = None;
            match result {
                Ok(opened) => {
                    let path = opened.project.path().to_path_buf();
                    let name = opened.project.name();
                    let broken = matches!(opened.listed.trail, Trail::Broken { .. });
                    state.project = Some(ProjectView {
                        path: path.clone(),
                        name: name.clone(),
                        trail: opened.listed.trail,
                        runs: opened.listed.runs,
                        chosen: Vec::new(),
                        missing: None,
                        note: String::new(),
                    });
                    self.project = Some(Arc::new(Mutex::new(opened.project)));
                    env.effects
                        .push(Effect::Command(DataCommand::RememberProject(path).into()));
                    if !broken {
                        state.banner = Some(Banner::Info(format!(
                            "Working in the project '{name}': every run is recorded in it."
                        )));
                    }
                    if let Some(last) = opened.last {
                        self.reopening = Some(last.source.clone());
                        env.effects
                            .push(Effect::Command(DataCommand::OpenRecorded(last).into()));
                    }
                }
                Err(ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
        if let Some(result) = self.restoring.poll() {
            match result {
                Ok(Some(outcome)) => env.effects.push(Effect::RestorePrediction(outcome)),
                Ok(None) | Err(ClearboxError::Cancelled) => {}
                Err(err) => {
                    state.banner = Some(Banner::Error(format!(
                        "The table is back, but its model's results could not be shown again: {err}"
                    )));
                }
            }
        }
        if let Some(result) = self.replaying.poll() {
            match result {
                Ok(replays) => {
                    let mut differ = Vec::new();
                    if let Some(groups) = replays.groups {
                        if !groups.matches {
                            differ.push("the groups");
                        }
                        env.effects
                            .push(Effect::RestoreGroups(Arc::new(groups.outcome)));
                    }
                    if let Some(policy) = replays.policy {
                        if !policy.matches {
                            differ.push("the policy");
                        }
                        env.effects
                            .push(Effect::RestorePolicy(Arc::new(policy.outcome)));
                    }
                    if !differ.is_empty() {
                        state.banner = Some(Banner::Info(format!(
                            "{} were computed again from their recorded runs, and some figures \
                             differ from the record (another device adds numbers in another \
                             order). The run history keeps the recorded figures.",
                            clearbox::words::capitalised(&differ.join(" and "))
                        )));
                    }
                }
                Err(ClearboxError::Cancelled) => {}
                Err(err) => {
                    state.banner = Some(Banner::Error(format!(
                        "The table is back, but its groups or policy could not be shown again: {err}"
                    )));
                }
            }
        }
        if let Some(result) = self.listing.poll() {
            match (result, &mut state.project) {
                (Ok(listed), Some(view)) => {
                    view.runs = listed.runs;
                    view.trail = listed.trail;
                }
                (Err(err), _) => state.banner = Some(Banner::Error(err.to_string())),
                (Ok(_), None) => {}
            }
        }
    }

    fn data_event(&mut self, event: DataEvent, state: &mut AppState, env: &mut Env<'_>) {
        if event == DataEvent::TableChanged {
            self.restore_pages(state, env);
        }
        // Every table opened and every change to it is recorded, so the
        // project can reopen it exactly.
        if event != DataEvent::TableChanged || self.recording(state).is_none() {
            return;
        }
        let Some(dataset) = state
            .dataset
            .as_ref()
            .filter(|d| !matches!(d.source, DataSource::Generated(_)))
        else {
            return;
        };
        let original = dataset.original.clone();
        let recipe = dataset.recipe.clone();
        self.record(env, "recording the data in the project", move |project| {
            project.add_source(&original, &recipe)?;
            Ok(None)
        });
    }
}

/// What a run needs to be recorded: the project, and the table as the user
/// opened and changed it.
pub struct Recording {
    project: Arc<Mutex<Project>>,
    original: Arc<Table>,
    recipe: Recipe,
}

impl Recording {
    /// The recording of a run on `dataset`, when a writable project is open
    /// and the table can be read again (a simulated log cannot).
    pub fn of(env: &Env<'_>, dataset: &Dataset) -> Option<Self> {
        let project = env.project.clone()?;
        (!matches!(dataset.source, DataSource::Generated(_))).then(|| Self {
            project,
            original: dataset.original.clone(),
            recipe: dataset.recipe.clone(),
        })
    }
}

/// What to tell the user when a project is open but a run on this table
/// cannot be recorded (a log made in the app is not on disk to reopen).
pub fn not_recorded(env: &Env<'_>, recording: &Option<Recording>) -> Option<Banner> {
    (env.project.is_some() && recording.is_none()).then(|| {
        Banner::Info(
            "This table was made in the app and is not kept on disk, so this run is not \
             recorded in the project: it could never be reopened or repeated."
                .into(),
        )
    })
}

/// Trains `T` on `table`, recorded in the project when `recording` is given.
pub fn train_in<T: Accountable>(
    recording: Option<&Recording>,
    table: &Table,
    request: &T::Request,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(T::Event),
) -> clearbox::Result<T::Outcome> {
    let trained = match recording {
        Some(r) => train_on_source::<T>(
            &r.project,
            &r.original,
            &r.recipe,
            table,
            request,
            device,
            progress,
            on_event,
        )?,
        None => train_recorded::<T>(None, table, request, device, progress, on_event, None)?,
    };
    Ok(trained.outcome)
}

/// Queues `work` on the open project (when one is writable), then reads
/// its runs again: for pages that record what they did.
pub fn record_in_project(
    env: &mut Env<'_>,
    activity: &'static str,
    work: impl FnOnce(&mut Project) -> clearbox::Result<()> + Send + 'static,
) {
    let Some(project) = env.project.clone() else {
        return;
    };
    env.write(activity, move |_| {
        work(&mut *locked(&project)?)?;
        Ok(Written {
            sentence: None,
            then: Some(ProjectCommand::Refresh.into()),
        })
    });
}

/// The run of `project` that made the artefact folder `dir`, if it has it.
pub fn run_of_folder(project: &Project, dir: &std::path::Path) -> Option<clearbox::project::RunId> {
    let hash = clearbox::templates::Record::read(dir).ok()?.hash();
    project.run_with_artefact(&hash).ok().flatten()
}

/// After a run finished with a project open: read its runs again.
pub fn refresh_after_run(env: &mut Env<'_>) {
    if env.project.is_some() {
        env.effects
            .push(Effect::Command(ProjectCommand::Refresh.into()));
    }
}
