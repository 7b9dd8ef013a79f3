//! The eframe app: owns the state and the background jobs, draws the pages
//! and handles the commands they produce.

use std::path::PathBuf;
use std::sync::Arc;

use clearbox::compute::{ComputeDevice, DevicePreference, select_device};
use clearbox::data::{DataSource, Table, load};
use clearbox::health::{HealthReport, analyse};
use clearbox::jobs::{Job, Wake};
use clearbox::project::{RecentFile, Settings};
use clearbox::{ClearboxError, samples};

use super::commands::AppCommand;
use super::drift_flow::DriftRunner;
use super::explain_flow::{ExplainRunner, save_letter};
use super::prediction_flow::{PredictionRunner, refresh_inputs};
use super::segment_flow::{SegmentationRunner, named_outcome, refresh_segment_inputs};
use super::state::{AppState, Banner, Dataset, DeviceStatus, LoadingView, Page, recipe_key};
use super::{
    data_page, drift_page, explain_page, home, predict_page, segment_page, status_bar, theme,
};

/// How the app starts.
pub struct AppConfig {
    /// Which device to use.
    pub device: DevicePreference,
    /// Where settings are kept; `None` keeps them in memory only.
    pub settings_path: Option<PathBuf>,
    /// A table to open at start.
    pub open: Option<DataSource>,
}

/// The Clearbox window.
pub struct ClearboxApp {
    /// What the UI draws. Public so tests can read it.
    pub state: AppState,
    settings_path: Option<PathBuf>,
    wake: Wake,
    device_job: Option<Job<ComputeDevice>>,
    load_job: Option<(DataSource, Job<Table>)>,
    analysis_job: Option<Job<HealthReport>>,
    picker_job: Option<(FilePurpose, Job<Option<PathBuf>>)>,
    prediction: PredictionRunner,
    segmentation: SegmentationRunner,
    explain: ExplainRunner,
    drift: DriftRunner,
}

/// What a native file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilePurpose {
    OpenTable,
    SaveRecipe,
    SaveModel,
    SaveSegments,
    ExportSegments,
    SaveLetter,
    DriftCurrent,
    DriftModel,
    Promotion,
}

impl ClearboxApp {
    /// Creates the app and starts the device check (and the first load, if asked).
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        theme::apply(&cc.egui_ctx);
        let ctx = cc.egui_ctx.clone();
        let wake: Wake = Arc::new(move || ctx.request_repaint());
        let settings = config
            .settings_path
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        let preference = config.device;
        let device_job = Some(Job::spawn(
            "checking the compute device",
            Some(wake.clone()),
            move |_| select_device(preference),
        ));
        let mut app = Self {
            state: AppState {
                settings,
                ..AppState::default()
            },
            settings_path: config.settings_path,
            wake,
            device_job,
            load_job: None,
            analysis_job: None,
            picker_job: None,
            prediction: PredictionRunner::default(),
            segmentation: SegmentationRunner::default(),
            explain: ExplainRunner::default(),
            drift: DriftRunner::default(),
        };
        if let Some(source) = config.open {
            app.start_load(source);
        }
        app
    }

    fn start_load(&mut self, source: DataSource) {
        if let Some((_, job)) = self.load_job.take() {
            job.cancel();
        }
        let label = source.label();
        let job_source = source.clone();
        let job = Job::spawn(
            "loading the file",
            Some(self.wake.clone()),
            move |progress| load(&job_source, progress),
        );
        self.state.loading = Some(LoadingView {
            label,
            fraction: 0.0,
            message: "Opening".into(),
        });
        self.state.banner = None;
        self.load_job = Some((source, job));
    }

    fn start_analysis(&mut self) {
        let Some(dataset) = &mut self.state.dataset else {
            return;
        };
        if let Some(job) = self.analysis_job.take() {
            job.cancel();
        }
        let table = dataset.table.clone();
        let target = dataset.target.clone();
        dataset.analysing = true;
        self.analysis_job = Some(Job::spawn(
            "checking the data's health",
            Some(self.wake.clone()),
            move |progress| analyse(&table, target.as_deref(), progress),
        ));
    }

    /// Takes in news from the background jobs.
    fn poll_jobs(&mut self) {
        if let Some(result) = self.device_job.as_mut().and_then(Job::poll) {
            self.device_job = None;
            self.state.device = match result {
                Ok(device) => {
                    let status = DeviceStatus::Ready {
                        label: device.label(),
                        announcement: device.announcement.clone(),
                    };
                    self.prediction.device = Some(device);
                    refresh_inputs(&mut self.state, self.prediction.device.as_ref());
                    status
                }
                Err(err) => DeviceStatus::Failed(err.to_string()),
            };
        }
        self.prediction.poll(&mut self.state);
        self.segmentation.poll(&mut self.state);
        self.explain
            .poll(&mut self.state, self.prediction.device.as_ref(), &self.wake);
        self.drift.poll(&mut self.state);
        if let Some((source, job)) = &mut self.load_job {
            if let (Some(view), Some(update)) = (&mut self.state.loading, job.latest_progress()) {
                view.fraction = update.fraction;
                view.message.clone_from(&update.message);
            }
            if let Some(result) = job.poll() {
                let source = source.clone();
                self.load_job = None;
                self.state.loading = None;
                match result {
                    Ok(table) => self.opened(source, table),
                    Err(ClearboxError::Cancelled) => {}
                    Err(err) => self.state.banner = Some(Banner::Error(err.to_string())),
                }
            }
        }
        if let Some(result) = self.analysis_job.as_mut().and_then(Job::poll) {
            self.analysis_job = None;
            if let Some(dataset) = &mut self.state.dataset {
                dataset.analysing = false;
                match result {
                    Ok(report) => {
                        dataset.report = Some(report);
                        refresh_inputs(&mut self.state, self.prediction.device.as_ref());
                        refresh_segment_inputs(&mut self.state);
                    }
                    Err(ClearboxError::Cancelled) => {}
                    Err(err) => self.state.banner = Some(Banner::Error(err.to_string())),
                }
            }
        }
        if let Some((purpose, job)) = &mut self.picker_job {
            if let Some(result) = job.poll() {
                let purpose = *purpose;
                self.picker_job = None;
                if let Ok(Some(path)) = result {
                    self.file_chosen(purpose, path);
                }
            }
        }
    }

    fn file_chosen(&mut self, purpose: FilePurpose, path: PathBuf) {
        match purpose {
            FilePurpose::OpenTable => self.start_load(DataSource::File(path)),
            FilePurpose::DriftCurrent => self.handle(AppCommand::CompareWith(path)),
            FilePurpose::DriftModel => self.handle(AppCommand::UseDriftModel(Some(path))),
            FilePurpose::Promotion => self.handle(AppCommand::PromoteChallenger(path)),
            FilePurpose::SaveModel => {
                let Some(outcome) = &self.state.wizard.outcome else {
                    return;
                };
                self.state.banner = Some(match outcome.save(&path) {
                    Ok(()) => Banner::Info(format!(
                        "Saved the model to '{}'. Score new rows with: clearbox predict --model '{}' --data FILE --out scored.csv",
                        clearbox::error::display_name(&path),
                        path.display()
                    )),
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
            FilePurpose::SaveSegments => {
                let Some(outcome) = named_outcome(&self.state.segments) else {
                    return;
                };
                self.state.banner = Some(match outcome.save(&path) {
                    Ok(()) => Banner::Info(format!(
                        "Saved the groups to '{}'. Put new rows in them with: clearbox predict --model '{}' --data FILE --out FILE",
                        clearbox::error::display_name(&path),
                        path.display()
                    )),
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
            FilePurpose::ExportSegments => {
                let (Some(outcome), Some(dataset)) =
                    (named_outcome(&self.state.segments), &self.state.dataset)
                else {
                    return;
                };
                let written = clearbox::data::export::write_table(
                    &dataset.table,
                    outcome.segment_columns(),
                    &path,
                );
                self.state.banner = Some(match written {
                    Ok(()) => Banner::Info(format!(
                        "Wrote the table with its 'segment' column to '{}'.",
                        clearbox::error::display_name(&path)
                    )),
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
            FilePurpose::SaveLetter => {
                self.state.banner = Some(match save_letter(&self.explain, &self.state, &path) {
                    Ok(()) => Banner::Info(format!(
                        "Saved the explanation letter to '{}'. It opens in any web browser.",
                        clearbox::error::display_name(&path)
                    )),
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
            FilePurpose::SaveRecipe => {
                let Some(dataset) = &self.state.dataset else {
                    return;
                };
                self.state.banner = Some(match dataset.recipe.save(&path) {
                    Ok(()) => Banner::Info(format!(
                        "Saved your changes to '{}'. Replay them with: clearbox profile FILE --recipe '{}'",
                        clearbox::error::display_name(&path),
                        path.display()
                    )),
                    Err(err) => Banner::Error(err.to_string()),
                });
            }
        }
    }

    /// Opens a native file dialog on its own thread (it blocks the thread it runs on).
    fn ask_for_file(&mut self, purpose: FilePurpose) {
        if self.picker_job.is_some() {
            return;
        }
        let job = Job::spawn("choosing a file", Some(self.wake.clone()), move |_| {
            let dialog = rfd::FileDialog::new();
            Ok(match purpose {
                FilePurpose::OpenTable => dialog
                    .set_title("Open a table")
                    .add_filter("Tables", &["csv", "tsv", "txt", "parquet", "pq"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                FilePurpose::SaveModel => dialog
                    .set_title("Choose a folder for the model")
                    .pick_folder(),
                FilePurpose::SaveLetter => dialog
                    .set_title("Save the explanation letter")
                    .add_filter("Web page", &["html"])
                    .set_file_name("explanation.html")
                    .save_file(),
                FilePurpose::SaveSegments => dialog
                    .set_title("Choose a folder for the groups")
                    .pick_folder(),
                FilePurpose::ExportSegments => dialog
                    .set_title("Export the table with its segment column")
                    .set_file_name("with_segments.csv")
                    .add_filter("CSV", &["csv"])
                    .add_filter("Parquet", &["parquet"])
                    .save_file(),
                FilePurpose::DriftCurrent => dialog
                    .set_title("Choose the newer data")
                    .add_filter("Tables", &["csv", "tsv", "txt", "parquet", "pq"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
                FilePurpose::DriftModel => dialog
                    .set_title("Choose a saved model folder")
                    .pick_folder(),
                FilePurpose::Promotion => dialog
                    .set_title("Choose a folder for the promoted model")
                    .pick_folder(),
                FilePurpose::SaveRecipe => dialog
                    .set_title("Save your changes as a recipe")
                    .set_file_name("recipe.ron")
                    .add_filter("Clearbox recipe", &["ron"])
                    .save_file(),
            })
        });
        self.picker_job = Some((purpose, job));
    }

    fn opened(&mut self, source: DataSource, table: Table) {
        let key = recipe_key(&source);
        let recipe = self
            .state
            .settings
            .recipes
            .get(&key)
            .cloned()
            .unwrap_or_default();
        if let DataSource::File(path) = &source {
            self.state.settings.remember(RecentFile {
                path: path.clone(),
                shape: (table.rows, table.columns.len()),
            });
        }
        let target = match &source {
            DataSource::Sample(s) => s
                .suggested_target
                .filter(|t| table.column(t).is_some())
                .map(str::to_owned),
            DataSource::File(_) => None,
        };
        let original = Arc::new(table);
        let working = Arc::new(recipe.apply(&original));
        if !recipe.is_empty() {
            let count = |n: usize, one: &str, many: &str| {
                if n == 1 {
                    format!("1 {one}")
                } else {
                    format!("{n} {many}")
                }
            };
            self.state.banner = Some(Banner::Info(format!(
                "Your earlier changes to this table were applied again: {} and {}. Undo them under \
                 \"Your changes\".",
                count(recipe.fixes.len(), "fix", "fixes"),
                count(recipe.roles.len(), "role change", "role changes")
            )));
        }
        // A new table starts a new wizard; a finished model stays only with its data.
        self.prediction.reset(&mut self.state);
        self.segmentation.reset(&mut self.state);
        self.explain.reset(&mut self.state);
        self.drift.reset(&mut self.state);
        self.state.dataset = Some(Dataset {
            source,
            original,
            recipe,
            table: working,
            report: None,
            analysing: false,
            selected: Some(0),
            target,
        });
        self.state.page = Page::Data;
        self.save_settings();
        self.start_analysis();
    }

    /// Re-applies the recipe after a change, remembers it and re-checks health.
    fn recipe_changed(&mut self) {
        // Results stay only until the data they were computed on changes.
        self.prediction.reset(&mut self.state);
        self.segmentation.reset(&mut self.state);
        self.explain.reset(&mut self.state);
        self.drift.reset(&mut self.state);
        let Some(dataset) = &mut self.state.dataset else {
            return;
        };
        dataset.table = Arc::new(dataset.recipe.apply(&dataset.original));
        let columns = dataset.table.columns.len();
        dataset.selected = dataset
            .selected
            .map(|i| i.min(columns.saturating_sub(1)))
            .filter(|_| columns > 0);
        if dataset
            .target
            .as_ref()
            .is_some_and(|t| dataset.table.column(t).is_none())
        {
            dataset.target = None;
        }
        let key = recipe_key(&dataset.source);
        if dataset.recipe.is_empty() {
            self.state.settings.recipes.remove(&key);
        } else {
            self.state
                .settings
                .recipes
                .insert(key, dataset.recipe.clone());
        }
        self.save_settings();
        self.start_analysis();
    }

    fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path {
            if let Err(err) = self.state.settings.save(path) {
                self.state.banner = Some(Banner::Error(err.to_string()));
            }
        }
    }

    /// Handles a command as if the UI had sent it (tests use this where the
    /// real UI would open a file dialog).
    #[allow(dead_code)]
    pub fn send(&mut self, command: AppCommand) {
        self.handle(command);
    }

    fn handle(&mut self, command: AppCommand) {
        match command {
            AppCommand::PickFile => self.ask_for_file(FilePurpose::OpenTable),
            AppCommand::ExportRecipe => self.ask_for_file(FilePurpose::SaveRecipe),
            AppCommand::OpenFile(path) => self.start_load(DataSource::File(path)),
            AppCommand::OpenSample(id) => {
                if let Some(sample) = samples::find(id) {
                    self.start_load(DataSource::Sample(sample));
                }
            }
            AppCommand::CancelLoad => {
                if let Some((_, job)) = self.load_job.take() {
                    job.cancel();
                }
                self.state.loading = None;
            }
            AppCommand::GoHome => self.state.page = Page::Home,
            AppCommand::GoToData => {
                if self.state.dataset.is_some() {
                    self.state.page = Page::Data;
                }
            }
            AppCommand::SelectColumn(index) => {
                if let Some(dataset) = &mut self.state.dataset {
                    dataset.selected = Some(index);
                }
            }
            AppCommand::SetRole { column, role } => {
                if let Some(dataset) = &mut self.state.dataset {
                    let inferred = dataset.original.column(&column).map(|c| c.inferred_role);
                    if inferred == Some(role) {
                        dataset.recipe.roles.remove(&column);
                    } else {
                        dataset.recipe.roles.insert(column, role);
                    }
                    self.recipe_changed();
                }
            }
            AppCommand::ApplyFix(fix) => {
                if let Some(dataset) = &mut self.state.dataset {
                    dataset.recipe.add_fix(fix);
                    self.recipe_changed();
                }
            }
            AppCommand::UndoFix(index) => {
                if let Some(dataset) = &mut self.state.dataset {
                    if index < dataset.recipe.fixes.len() {
                        dataset.recipe.fixes.remove(index);
                        self.recipe_changed();
                    }
                }
            }
            AppCommand::SetTarget(target) => {
                if let Some(dataset) = &mut self.state.dataset {
                    dataset.target = target;
                    self.start_analysis();
                }
            }
            AppCommand::DismissBanner => self.state.banner = None,
            AppCommand::SaveModel => self.ask_for_file(FilePurpose::SaveModel),
            AppCommand::SaveSegments => self.ask_for_file(FilePurpose::SaveSegments),
            AppCommand::ExportSegments => self.ask_for_file(FilePurpose::ExportSegments),
            AppCommand::SaveLetter => self.ask_for_file(FilePurpose::SaveLetter),
            explain_command @ (AppCommand::ExplainModel
            | AppCommand::ExplainRow(_)
            | AppCommand::SetWhatIf { .. }
            | AppCommand::ResetWhatIf
            | AppCommand::ToggleLock(_)) => self.explain.handle(
                &mut self.state,
                explain_command,
                self.prediction.device.as_ref(),
                &self.wake,
            ),
            segment_command @ (AppCommand::StartSegmentation
            | AppCommand::GoToSegmentStep(_)
            | AppCommand::SetSegmentInput { .. }
            | AppCommand::FindGroups
            | AppCommand::CancelSegmentation
            | AppCommand::ChooseK(_)
            | AppCommand::RenameSegment { .. }) => self.segmentation.handle(
                &mut self.state,
                segment_command,
                self.prediction.device.as_ref(),
                &self.wake,
            ),
            AppCommand::PickDriftFile => {
                self.state.page = Page::Drift;
                self.ask_for_file(FilePurpose::DriftCurrent);
            }
            AppCommand::PickDriftModel => self.ask_for_file(FilePurpose::DriftModel),
            AppCommand::PickPromotionFolder => self.ask_for_file(FilePurpose::Promotion),
            drift_command @ (AppCommand::CompareWith(_)
            | AppCommand::UseDriftModel(_)
            | AppCommand::ComparePeriods(_)
            | AppCommand::SelectDriftColumn(_)
            | AppCommand::CancelDrift
            | AppCommand::TrainChallenger
            | AppCommand::PromoteChallenger(_)) => self.drift.handle(
                &mut self.state,
                drift_command,
                &self.wake,
                self.prediction.device.as_ref(),
            ),
            wizard_command => {
                if self
                    .prediction
                    .handle(&mut self.state, wizard_command, &self.wake)
                {
                    self.start_analysis();
                }
            }
        }
    }
}

impl eframe::App for ClearboxApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll_jobs();
        let mut commands = Vec::new();
        let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            commands.push(AppCommand::OpenFile(path));
        }
        status_bar::status_bar_ui(ui, &self.state, &mut commands);
        egui::CentralPanel::default().show(ui, |ui| {
            status_bar::banner_ui(ui, &self.state, &mut commands);
            match (self.state.page, &self.state.dataset) {
                (Page::Data, Some(dataset)) => data_page::data_page_ui(ui, dataset, &mut commands),
                (Page::Predict, Some(dataset)) => {
                    predict_page::predict_page_ui(ui, dataset, &self.state.wizard, &mut commands)
                }
                (Page::Explain, Some(dataset)) => {
                    explain_page::explain_page_ui(ui, dataset, &self.state.explain, &mut commands)
                }
                (Page::Segment, Some(dataset)) => {
                    segment_page::segment_page_ui(ui, dataset, &self.state.segments, &mut commands)
                }
                (Page::Drift, Some(dataset)) => {
                    drift_page::drift_page_ui(ui, dataset, &self.state.drift, &mut commands)
                }
                _ => home::home_ui(ui, &self.state, &mut commands),
            }
        });
        for command in commands {
            self.handle(command);
        }
    }
}
