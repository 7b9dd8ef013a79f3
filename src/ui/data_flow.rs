//! Handling the data page's commands: opening a table (read and the user's
//! earlier changes applied, as a job), the user's changes and the target
//! (the working table and its health report redone, as a job), and the
//! settings that remember both (written by the app's writer).

use std::path::PathBuf;
use std::sync::Arc;

use clearbox::ClearboxError;
use clearbox::data::{DataSource, Recipe, Table, TableOrigin, fingerprint_of, load};
use clearbox::health::{HealthReport, analyse};
use clearbox::jobs::JobSlot;
use clearbox::project::{RecentFile, Settings};
use clearbox::samples;

use clearbox::templates::artefact::TemplateKind;

use super::commands::{
    AppCommand, DataCommand, PolicyCommand, PredictionCommand, SegmentationCommand,
};
use super::runner::{Effect, Env, Runner, Write, Written};
use super::state::{AppState, Banner, Dataset, Loading, MissingData, Page, recipe_key};

/// What happened to the open data, for the other pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataEvent {
    /// Another table, or the same one changed: results built on the old one go.
    TableChanged,
    /// The column to predict changed.
    TargetChanged,
    /// A fresh health report is in.
    ReportReady,
    /// The compute device is known.
    DeviceReady,
}

/// A table read and its recipe applied.
pub struct Opened {
    source: DataSource,
    original: Table,
    recipe: Recipe,
    working: Table,
    /// The project's record of it, when a project reopened it.
    recorded: Option<MissingData>,
}

impl DataRunner {
    /// Opens a table made in the app (a simulated log), keeping the truth behind it.
    pub fn open_generated(
        &mut self,
        generated: super::runner::Generated,
        state: &mut AppState,
        env: &mut Env<'_>,
    ) {
        self.load.cancel();
        state.loading = None;
        let table = generated.table;
        let opened = Opened {
            source: DataSource::Generated(table.name.clone()),
            working: table.clone(),
            original: table,
            recipe: Recipe::default(),
            recorded: None,
        };
        self.opened(opened, state, env);
        if let Some(dataset) = &mut state.dataset {
            dataset.truth = Some(generated.truth);
        }
    }
}

/// The working table again, with its report.
pub struct Analysed {
    table: Option<Arc<Table>>,
    report: HealthReport,
}

/// Background work of the data page.
pub struct DataRunner {
    /// Where settings are kept; `None` keeps them in memory only.
    settings_path: Option<PathBuf>,
    load: JobSlot<Opened>,
    analysis: JobSlot<Analysed>,
    /// The project's record of the table being loaded, if a project asked.
    pending: Option<MissingData>,
    /// The wizard to open once the table being loaded is in.
    goal: Option<TemplateKind>,
}

impl DataRunner {
    /// A runner that keeps settings at `settings_path`.
    pub fn new(settings_path: Option<PathBuf>) -> Self {
        Self {
            settings_path,
            load: JobSlot::default(),
            analysis: JobSlot::default(),
            pending: None,
            goal: None,
        }
    }

    fn start_load(&mut self, source: DataSource, state: &mut AppState, env: &Env<'_>) {
        let recipe = state
            .settings
            .recipes
            .get(&recipe_key(&source))
            .cloned()
            .unwrap_or_default();
        self.load_with(source, recipe, None, state, env);
    }

    /// Loads `source` and applies `recipe`; a project's `recorded` table
    /// must have the recorded bytes, checked before anything is parsed.
    fn load_with(
        &mut self,
        source: DataSource,
        recipe: Recipe,
        recorded: Option<MissingData>,
        state: &mut AppState,
        env: &Env<'_>,
    ) {
        let label = source.label();
        self.pending = recorded.clone();
        self.goal = None;
        self.load
            .start("loading the file", env.wake, move |progress| {
                if let Some(recorded) = &recorded {
                    let now = fingerprint_of(&source)?;
                    if now != recorded.source.fingerprint {
                        return Err(ClearboxError::DataChanged {
                            file: source.label(),
                            location: recorded.source.path.clone(),
                            used_by: "this project was working on".into(),
                            recorded: recorded.source.fingerprint.clone(),
                            now,
                        });
                    }
                }
                let original = load(&source, progress)?;
                progress.check_cancelled()?;
                let working = recipe.apply(&original);
                Ok(Opened {
                    source,
                    original,
                    recipe,
                    working,
                    recorded,
                })
            });
        state.loading = Some(Loading {
            label,
            job: clearbox::jobs::JobView::default(),
        });
        state.banner = None;
    }

    /// Loads `sample` and breaks it for a challenge; the broken table is a
    /// table of its own (no recipe of the sample's is applied to it).
    fn load_broken(
        &mut self,
        sample: &'static samples::Sample,
        broken: clearbox::lessons::breaks::Break,
        state: &mut AppState,
        env: &Env<'_>,
    ) {
        self.pending = None;
        self.goal = None;
        self.load
            .start("setting up the challenge", env.wake, move |progress| {
                let original = clearbox::lessons::breaks::open(sample.id, &broken, progress)?;
                Ok(Opened {
                    source: DataSource::Generated(original.name.clone()),
                    working: original.clone(),
                    original,
                    recipe: Recipe::default(),
                    recorded: None,
                })
            });
        state.loading = Some(Loading {
            label: format!("{} (a challenge)", sample.title),
            job: clearbox::jobs::JobView::default(),
        });
        state.banner = None;
    }

    /// Redoes the health report; with `reapply`, the recipe is applied to
    /// the original table first (the user changed it).
    fn start_analysis(&mut self, state: &mut AppState, env: &Env<'_>, reapply: bool) {
        let Some(dataset) = &mut state.dataset else {
            return;
        };
        let original = dataset.original.clone();
        let table = dataset.table.clone();
        let recipe = dataset.recipe.clone();
        let target = dataset.target.clone();
        dataset.analysing = true;
        self.analysis
            .start("checking the data's health", env.wake, move |progress| {
                let working = reapply.then(|| Arc::new(recipe.apply(&original)));
                let checked = working.as_ref().unwrap_or(&table);
                // A target the changes removed is no target.
                let target = target.filter(|t| checked.column(t).is_some());
                let report = analyse(checked, target.as_deref(), progress)?;
                Ok(Analysed {
                    table: working,
                    report,
                })
            });
    }

    fn opened(&mut self, opened: Opened, state: &mut AppState, env: &mut Env<'_>) {
        let Opened {
            source,
            original,
            recipe,
            working,
            recorded,
        } = opened;
        if let Some(project) = &mut state.project {
            project.missing = None;
        }
        if let DataSource::File(path) = &source {
            state.settings.remember(RecentFile {
                path: path.clone(),
                shape: (original.rows, original.columns.len()),
            });
        }
        // A sample, or a table made from one (a challenge), suggests the sample's target.
        let suggested = match &original.origin {
            TableOrigin::Sample(id) => samples::find(id)
                .and_then(|s| s.suggested_target)
                .map(str::to_owned),
            TableOrigin::File(_) => None,
        };
        let target = match &recorded {
            Some(recorded) => recorded.target.clone(),
            None => suggested,
        }
        .filter(|t| working.column(t).is_some());
        if recorded.is_some() {
            state.banner = Some(Banner::Info(format!(
                "Reopened '{}' as the project left it, with its changes.",
                source.label()
            )));
        } else if !recipe.is_empty() {
            let count = |n: usize, one: &str, many: &str| {
                if n == 1 {
                    format!("1 {one}")
                } else {
                    format!("{n} {many}")
                }
            };
            state.banner = Some(Banner::Info(format!(
                "Your earlier changes to this table were applied again: {} and {}. Undo them under \
                 \"Your changes\".",
                count(recipe.fixes.len(), "fix", "fixes"),
                count(recipe.roles.len(), "role change", "role changes")
            )));
        }
        state.dataset = Some(Dataset {
            source,
            original: Arc::new(original),
            recipe,
            table: Arc::new(working),
            report: None,
            analysing: false,
            selected: Some(0),
            target,
            truth: None,
        });
        state.page = Page::Data;
        env.effects.push(Effect::Data(DataEvent::TableChanged));
        if let Some(goal) = self.goal.take() {
            let start: AppCommand = match goal {
                TemplateKind::Prediction => PredictionCommand::Start.into(),
                TemplateKind::Segmentation => SegmentationCommand::Start.into(),
                TemplateKind::Reinforcement => PolicyCommand::Start.into(),
            };
            env.effects.push(Effect::Command(start));
        }
        self.save_settings(state, env);
        self.start_analysis(state, env, false);
    }

    /// The user changed the recipe: remember it, redo the table and its health.
    fn recipe_changed(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        let Some(dataset) = &state.dataset else {
            return;
        };
        let key = recipe_key(&dataset.source);
        if dataset.recipe.is_empty() {
            state.settings.recipes.remove(&key);
        } else {
            let recipe = dataset.recipe.clone();
            state.settings.recipes.insert(key, recipe);
        }
        env.effects.push(Effect::Data(DataEvent::TableChanged));
        self.save_settings(state, env);
        self.start_analysis(state, env, true);
    }

    /// Queues the settings for writing; a newer copy replaces one still waiting.
    pub fn save_settings(&self, state: &AppState, env: &mut Env<'_>) {
        let Some(path) = self.settings_path.clone() else {
            return;
        };
        let settings: Settings = state.settings.clone();
        env.effects.push(Effect::Write(Write {
            activity: "saving your settings",
            key: Some("settings"),
            work: Box::new(move |_| {
                settings.save(&path)?;
                Ok(Written {
                    sentence: None,
                    then: None,
                })
            }),
        }));
    }
}

impl Runner for DataRunner {
    type Command = DataCommand;

    fn handle(&mut self, command: DataCommand, state: &mut AppState, env: &mut Env<'_>) {
        match command {
            DataCommand::OpenFile(path) => self.start_load(DataSource::File(path), state, env),
            DataCommand::OpenSample(id) => {
                if let Some(sample) = samples::find(id) {
                    self.start_load(DataSource::Sample(sample), state, env);
                }
            }
            DataCommand::OpenSampleFor(id, goal) => {
                if let Some(sample) = samples::find(id) {
                    self.start_load(DataSource::Sample(sample), state, env);
                    self.goal = Some(goal);
                }
            }
            DataCommand::OpenBroken(id, broken) => {
                if let Some(sample) = samples::find(id) {
                    self.load_broken(sample, broken, state, env);
                }
            }
            DataCommand::CancelLoad => {
                self.load.cancel();
                state.loading = None;
            }
            DataCommand::GoHome => state.page = Page::Home,
            DataCommand::GoToData => {
                if state.dataset.is_some() {
                    state.page = Page::Data;
                }
            }
            DataCommand::SelectColumn(index) => {
                if let Some(dataset) = &mut state.dataset {
                    dataset.selected = Some(index);
                }
            }
            DataCommand::SetRole { column, role } => {
                if let Some(dataset) = &mut state.dataset {
                    let inferred = dataset.original.column(&column).map(|c| c.inferred_role);
                    if inferred == Some(role) {
                        dataset.recipe.roles.remove(&column);
                    } else {
                        dataset.recipe.roles.insert(column, role);
                    }
                    self.recipe_changed(state, env);
                }
            }
            DataCommand::ApplyFix(fix) => {
                if let Some(dataset) = &mut state.dataset {
                    dataset.recipe.add_fix(fix);
                    self.recipe_changed(state, env);
                }
            }
            DataCommand::UndoFix(index) => {
                if let Some(dataset) = &mut state.dataset
                    && index < dataset.recipe.fixes.len()
                {
                    dataset.recipe.fixes.remove(index);
                    self.recipe_changed(state, env);
                }
            }
            DataCommand::SaveRecipe(path) => {
                let Some(dataset) = &state.dataset else {
                    return;
                };
                let recipe = dataset.recipe.clone();
                env.write("saving your changes", move |_| {
                    recipe.save(&path)?;
                    Ok(Written::saved(
                        format!(
                        "Saved your changes to '{}'. Replay them with: clearbox profile FILE --recipe '{}'",
                        clearbox::error::display_name(&path),
                        path.display()
                        ),
                        "your changes (a recipe)",
                        &path,
                    ))
                });
            }
            DataCommand::SetTarget(target) => {
                let Some(dataset) = &mut state.dataset else {
                    return;
                };
                if dataset.target != target {
                    dataset.target = target;
                    env.effects.push(Effect::Data(DataEvent::TargetChanged));
                    self.start_analysis(state, env, false);
                }
            }
            DataCommand::DismissBanner => state.banner = None,
            DataCommand::OpenRecorded(recorded) => match recorded.source.data_source() {
                Ok(source) => {
                    let recipe = recorded.source.recipe.clone();
                    self.load_with(source, recipe, Some(recorded), state, env);
                }
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            },
            DataCommand::OpenRecordedFrom { recorded, path } => {
                let recipe = recorded.source.recipe.clone();
                self.load_with(DataSource::File(path), recipe, Some(recorded), state, env);
            }
            DataCommand::RememberProject(path) => {
                state.settings.remember_project(&path);
                self.save_settings(state, env);
            }
        }
    }

    fn poll(&mut self, state: &mut AppState, env: &mut Env<'_>) {
        if let Some(loading) = &mut state.loading
            && let Some(view) = self.load.view()
        {
            loading.job = view;
        }
        if let Some(result) = self.load.poll() {
            state.loading = None;
            let pending = self.pending.take();
            match result {
                Ok(opened) => self.opened(opened, state, env),
                Err(ClearboxError::Cancelled) => {}
                Err(err) => {
                    // A project's table that moved or changed is never
                    // replaced silently: the user is asked to locate it.
                    if let (Some(project), Some(mut recorded)) = (&mut state.project, pending) {
                        recorded.problem = err.to_string();
                        project.missing = Some(recorded);
                    }
                    state.banner = Some(Banner::Error(err.to_string()));
                }
            }
        }
        if let Some(result) = self.analysis.poll() {
            let Some(dataset) = &mut state.dataset else {
                return;
            };
            dataset.analysing = false;
            match result {
                Ok(done) => {
                    if let Some(table) = done.table {
                        // Anything built since the change was built on the old table.
                        env.effects.push(Effect::Data(DataEvent::TableChanged));
                        let columns = table.columns.len();
                        dataset.selected = dataset
                            .selected
                            .map(|i| i.min(columns.saturating_sub(1)))
                            .filter(|_| columns > 0);
                        dataset.table = table;
                    }
                    if dataset
                        .target
                        .as_ref()
                        .is_some_and(|t| dataset.table.column(t).is_none())
                    {
                        dataset.target = None;
                        env.effects.push(Effect::Data(DataEvent::TargetChanged));
                    }
                    dataset.report = Some(done.report);
                    env.effects.push(Effect::Data(DataEvent::ReportReady));
                }
                Err(ClearboxError::Cancelled) => {}
                Err(err) => state.banner = Some(Banner::Error(err.to_string())),
            }
        }
    }

    fn data_event(&mut self, _event: DataEvent, _state: &mut AppState, _env: &mut Env<'_>) {
        // The data page is where these events come from.
    }
}
