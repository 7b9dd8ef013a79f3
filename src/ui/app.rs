//! The eframe app: owns the state, the compute device, the page runners and
//! the file writer; each frame it takes in the jobs' news, draws the page
//! and dispatches the commands the page produced. It computes nothing
//! itself.

use std::path::PathBuf;
use std::sync::Arc;

use clearbox::compute::{ComputeDevice, DeviceChoice, DevicePreference, select_device};
use clearbox::data::DataSource;
use clearbox::error::ClearboxError;
use clearbox::jobs::{JobSlot, Wake};
use clearbox::ml::warm::{WarmUp, warm_up};
use clearbox::project::{Look, Settings, ThemeChoice};

use super::commands::{AppCommand, DataCommand, ViewCommand};
use super::data_flow::{DataEvent, DataRunner};
use super::drift_flow::DriftRunner;
use super::explain_flow::{ExplainBudget, ExplainRunner};
use super::files::FilePurpose;
use super::policy_flow::PolicyRunner;
use super::prediction_flow::PredictionRunner;
use super::project_flow::ProjectRunner;
use super::runner::{Effect, Env, Runner};
use super::segment_flow::SegmentationRunner;
use super::state::{AppState, Banner, DeviceStatus, Page};
use super::writer::Writer;
use super::{
    data_page, drift_page, explain_page, home, lesson_flow, lesson_panel, policy_page,
    predict_page, runs_page, segment_page, status_bar, theme,
};

/// How the app starts.
pub struct AppConfig {
    /// Which device to use.
    pub device: DevicePreference,
    /// Where settings are kept; `None` keeps them in memory only.
    pub settings_path: Option<PathBuf>,
    /// A table to open at start.
    pub open: Option<DataSource>,
    /// How much work the explanation page may do.
    pub explain: ExplainBudget,
    /// How long a learner works on a lesson's step before its hint is offered.
    pub hint_after: std::time::Duration,
    /// Called whenever background work has news, besides the repaint (tests
    /// wait on it instead of sleeping).
    pub on_news: Option<Wake>,
}

/// The Clearbox window.
pub struct ClearboxApp {
    /// What the UI draws. Public so tests can read it.
    pub state: AppState,
    wake: Wake,
    device: Option<ComputeDevice>,
    device_job: JobSlot<ComputeDevice>,
    /// Compiles a graphics card's kernels while the user is on the first steps.
    warm_job: JobSlot<WarmUp>,
    picker: JobSlot<Option<PathBuf>>,
    picking: Option<FilePurpose>,
    writer: Writer,
    data: DataRunner,
    prediction: PredictionRunner,
    segmentation: SegmentationRunner,
    explain: ExplainRunner,
    drift: DriftRunner,
    policy: PolicyRunner,
    project: ProjectRunner,
    /// The window's title as last set.
    title: String,
    /// The egui context, for the look of the window (theme, text size).
    ctx: egui::Context,
    /// Text size outside presenter mode.
    zoom: f32,
    hint_after: std::time::Duration,
}

/// Changes the look of the window; `zoom` keeps the text size to return
/// to when presenter mode ends. Returns the look to remember when the user
/// chose one (presenter mode is for the moment, not remembered).
fn view(
    ctx: &egui::Context,
    state: &mut AppState,
    zoom: &mut f32,
    command: ViewCommand,
) -> Option<Look> {
    match command {
        ViewCommand::Theme(theme) => ctx.set_theme(theme),
        ViewCommand::TextSize(steps) => {
            // `zoom` is the size outside presenter mode, whatever the mode now.
            let next = (*zoom + 0.1 * f32::from(steps)).clamp(SMALLEST_TEXT, LARGEST_TEXT);
            *zoom = next;
            ctx.set_zoom_factor(if state.presenter {
                next * PRESENTER_ZOOM
            } else {
                next
            });
        }
        ViewCommand::TogglePresenter => {
            state.presenter = !state.presenter;
            if state.presenter {
                ctx.set_zoom_factor(*zoom * PRESENTER_ZOOM);
            } else {
                ctx.set_zoom_factor(*zoom);
            }
            return None;
        }
    }
    let theme = match ctx.options(|o| o.theme_preference) {
        egui::ThemePreference::Light => ThemeChoice::Light,
        egui::ThemePreference::Dark => ThemeChoice::Dark,
        egui::ThemePreference::System => ThemeChoice::System,
    };
    Some(Look {
        theme,
        text_scale: *zoom,
    })
}

/// Puts the remembered look on the window.
fn apply_look(ctx: &egui::Context, look: Look) {
    ctx.set_theme(match look.theme {
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
        ThemeChoice::System => egui::ThemePreference::System,
    });
    ctx.set_zoom_factor(look.text_scale.clamp(SMALLEST_TEXT, LARGEST_TEXT));
}

/// The smallest text size A− reaches (1 is the usual).
const SMALLEST_TEXT: f32 = 0.6;
/// The largest text size A+ reaches.
const LARGEST_TEXT: f32 = 3.0;

/// How much larger presenter mode draws everything.
const PRESENTER_ZOOM: f32 = 1.5;

impl ClearboxApp {
    /// Creates the app and starts the device check (and the first load, if asked).
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        theme::apply(&cc.egui_ctx);
        // Light unless the system says dark.
        cc.egui_ctx.options_mut(|o| {
            o.theme_preference = egui::ThemePreference::System;
            o.fallback_theme = egui::Theme::Light;
            o.zoom_with_keyboard = false;
        });
        let ctx = cc.egui_ctx.clone();
        let on_news = config.on_news;
        let wake: Wake = Arc::new(move || {
            ctx.request_repaint();
            if let Some(news) = &on_news {
                news();
            }
        });
        let settings = config
            .settings_path
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        apply_look(&cc.egui_ctx, settings.look);
        let settings_zoom = settings.look.text_scale.clamp(SMALLEST_TEXT, LARGEST_TEXT);
        let mut device_job = JobSlot::default();
        let preference = config.device;
        device_job.start("checking the compute device", &wake, move |_| {
            select_device(preference)
        });
        let mut app = Self {
            state: AppState {
                settings,
                lessons: clearbox::lessons::bundled::lessons().unwrap_or_default(),
                ..AppState::default()
            },
            wake,
            device: None,
            device_job,
            warm_job: JobSlot::default(),
            picker: JobSlot::default(),
            picking: None,
            writer: Writer::default(),
            data: DataRunner::new(config.settings_path),
            prediction: PredictionRunner::default(),
            segmentation: SegmentationRunner::default(),
            explain: ExplainRunner::new(config.explain),
            drift: DriftRunner::default(),
            policy: PolicyRunner::default(),
            project: ProjectRunner::default(),
            title: "Clearbox".to_owned(),
            zoom: settings_zoom,
            ctx: cc.egui_ctx.clone(),
            hint_after: config.hint_after,
        };
        let first = match config.open {
            Some(DataSource::File(path)) => Some(DataCommand::OpenFile(path)),
            Some(DataSource::Sample(sample)) => Some(DataCommand::OpenSample(sample.id)),
            Some(DataSource::Generated(_)) | None => None,
        };
        if let Some(command) = first {
            app.send(command.into());
        }
        app
    }

    /// Handles a command as if the UI had sent it (tests use this where the
    /// real UI would open a file dialog).
    pub fn send(&mut self, command: AppCommand) {
        let mut env = Env {
            device: self.device.as_ref(),
            wake: &self.wake,
            project: self.project.recording(&self.state),
            effects: Vec::new(),
        };
        match command {
            AppCommand::Pick(purpose) => {
                if !self.picker.is_running() {
                    self.picking = Some(purpose);
                    self.picker
                        .start("choosing a file", &self.wake, move |_| Ok(purpose.ask()));
                }
            }
            AppCommand::Data(c) => self.data.handle(c, &mut self.state, &mut env),
            AppCommand::Prediction(c) => self.prediction.handle(c, &mut self.state, &mut env),
            AppCommand::Segmentation(c) => self.segmentation.handle(c, &mut self.state, &mut env),
            AppCommand::Explain(c) => self.explain.handle(c, &mut self.state, &mut env),
            AppCommand::Drift(c) => self.drift.handle(c, &mut self.state, &mut env),
            AppCommand::Policy(c) => self.policy.handle(c, &mut self.state, &mut env),
            AppCommand::Project(c) => self.project.handle(c, &mut self.state, &mut env),
            AppCommand::Lesson(c) => lesson_flow::handle(c, &mut self.state, &mut env),
            AppCommand::View(c) => {
                if let Some(look) = view(&self.ctx, &mut self.state, &mut self.zoom, c) {
                    self.state.settings.look = look;
                    self.data.save_settings(&self.state, &mut env);
                }
            }
        }
        let effects = env.effects;
        self.apply(effects);
    }

    /// Takes in news from every background job.
    fn poll(&mut self) {
        if let Some(result) = self.device_job.poll() {
            self.state.device = match result {
                Ok(device) => {
                    let status = DeviceStatus::Ready {
                        label: device.label(),
                        announcement: device.announcement.clone(),
                    };
                    if let DeviceChoice::Gpu(adapter) = &device.choice
                        && adapter.kind.is_hardware()
                    {
                        // Software Vulkan compiles on the cores that would
                        // train, so only a real card is warmed up.
                        let card = device.device.clone();
                        self.warm_job
                            .start("warming up the graphics card", &self.wake, move |p| {
                                warm_up(&card, p)
                            });
                    }
                    self.device = Some(device);
                    self.apply(vec![Effect::Data(DataEvent::DeviceReady)]);
                    status
                }
                Err(err) => DeviceStatus::Failed(err.to_string()),
            };
        }
        // Nothing to show: a warm-up only makes the first Train quicker, and
        // a card that fails fails that run too, which then says so.
        if let Some(Err(err)) = self.warm_job.poll()
            && !matches!(err, ClearboxError::Cancelled)
        {
            clearbox::log::write(&format!("warming up the graphics card: {err}"));
        }
        if let Some(result) = self.picker.poll()
            && let (Ok(Some(path)), Some(purpose)) = (result, self.picking.take())
        {
            self.send(purpose.command(path));
        }
        self.poll_writer();
        let mut env = Env {
            device: self.device.as_ref(),
            wake: &self.wake,
            project: self.project.recording(&self.state),
            effects: Vec::new(),
        };
        self.data.poll(&mut self.state, &mut env);
        self.prediction.poll(&mut self.state, &mut env);
        self.segmentation.poll(&mut self.state, &mut env);
        self.explain.poll(&mut self.state, &mut env);
        self.drift.poll(&mut self.state, &mut env);
        self.policy.poll(&mut self.state, &mut env);
        self.project.poll(&mut self.state, &mut env);
        let effects = env.effects;
        self.apply(effects);
        lesson_flow::tick(&mut self.state);
    }

    /// Carries out what runners asked for; an event about the data goes to
    /// every page, whose answers are carried out in turn.
    fn apply(&mut self, mut effects: Vec<Effect>) {
        let mut commands = Vec::new();
        while !effects.is_empty() {
            let mut env = Env {
                device: self.device.as_ref(),
                wake: &self.wake,
                project: self.project.recording(&self.state),
                effects: Vec::new(),
            };
            for effect in effects {
                match effect {
                    Effect::Write(write) => self.writer.push(write),
                    Effect::Open(generated) => {
                        self.data
                            .open_generated(*generated, &mut self.state, &mut env)
                    }
                    Effect::Command(command) => commands.push(command),
                    Effect::RestorePrediction(outcome) => {
                        self.prediction.restore(outcome, &mut self.state, &mut env)
                    }
                    Effect::RestoreGroups(outcome) => {
                        SegmentationRunner::restore(outcome, &mut self.state)
                    }
                    Effect::RestorePolicy(outcome) => {
                        self.policy.restore(outcome, &mut self.state, &mut env)
                    }
                    Effect::Data(event) => {
                        let state = &mut self.state;
                        self.data.data_event(event, state, &mut env);
                        self.prediction.data_event(event, state, &mut env);
                        self.segmentation.data_event(event, state, &mut env);
                        self.explain.data_event(event, state, &mut env);
                        self.drift.data_event(event, state, &mut env);
                        self.policy.data_event(event, state, &mut env);
                        self.project.data_event(event, state, &mut env);
                    }
                }
            }
            effects = env.effects;
        }
        // Commands one page asked of another run once this round is done.
        for command in commands {
            self.send(command);
        }
        // A queued write starts now rather than at the next frame.
        self.poll_writer();
    }

    /// Takes in a finished write (its sentence, its next command) and starts the next.
    fn poll_writer(&mut self) {
        let result = self.writer.poll(&self.wake);
        self.state.writing = self.writer.activity();
        let Some(result) = result else {
            return;
        };
        match result {
            Ok(written) => {
                if let Some(sentence) = written.sentence {
                    self.state.banner = Some(Banner::Info(sentence));
                }
                if let Some(command) = written.then {
                    self.send(command);
                }
            }
            Err(err) => self.state.banner = Some(Banner::Error(err.to_string())),
        }
    }
}

impl eframe::App for ClearboxApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.poll();
        let mut commands = Vec::new();
        let dropped: Vec<PathBuf> = ui.ctx().input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            commands.push(DataCommand::OpenFile(path).into());
        }
        let title = match &self.state.project {
            Some(project) => format!("{} — Clearbox", project.name),
            None => "Clearbox".to_owned(),
        };
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        let presenter_key = egui::KeyboardShortcut::new(
            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
            egui::Key::P,
        );
        if ui.ctx().input_mut(|i| i.consume_shortcut(&presenter_key)) {
            commands.push(ViewCommand::TogglePresenter.into());
        }
        // Ctrl + and Ctrl − change the text size as the A+ and A− buttons do,
        // so the size chosen is remembered (egui's own zoom keys are off).
        let (bigger, smaller) = ui.ctx().input_mut(|i| {
            let plus = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Plus)
                || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Equals);
            let minus = i.consume_key(egui::Modifiers::COMMAND, egui::Key::Minus);
            (plus, minus)
        });
        if bigger {
            commands.push(ViewCommand::TextSize(1).into());
        }
        if smaller {
            commands.push(ViewCommand::TextSize(-1).into());
        }
        status_bar::status_bar_ui(ui, &self.state, &mut commands);
        if let Some(lesson) = &self.state.lesson {
            lesson_panel::lesson_panel_ui(
                ui,
                lesson,
                self.state.presenter,
                self.hint_after,
                &mut commands,
            );
        }
        egui::CentralPanel::default().show(ui, |ui| {
            status_bar::project_banner_ui(ui, &self.state, &mut commands);
            status_bar::banner_ui(ui, &self.state, &mut commands);
            let state = &self.state;
            match (state.page, &state.dataset) {
                (Page::Data, Some(dataset)) => data_page::data_page_ui(ui, dataset, &mut commands),
                (Page::Predict, Some(dataset)) => {
                    predict_page::predict_page_ui(ui, dataset, &state.prediction, &mut commands)
                }
                (Page::Explain, Some(dataset)) => {
                    explain_page::explain_page_ui(ui, dataset, &state.explain, &mut commands)
                }
                (Page::Segment, Some(dataset)) => {
                    segment_page::segment_page_ui(ui, dataset, &state.segmentation, &mut commands)
                }
                (Page::Drift, Some(dataset)) => {
                    drift_page::drift_page_ui(ui, dataset, &state.drift, &mut commands)
                }
                (Page::Policy, Some(dataset)) => {
                    policy_page::policy_page_ui(ui, dataset, &state.policy, &mut commands)
                }
                (Page::Runs, _) if state.project.is_some() => {
                    if let Some(project) = &state.project {
                        runs_page::runs_page_ui(ui, project, &mut commands);
                    }
                }
                _ => home::home_ui(ui, state, &mut commands),
            }
        });
        for command in commands {
            self.send(command);
        }
    }

    fn on_exit(&mut self) {
        // Whatever still waits to be written is written now: closing the
        // window never loses the user's settings or a save in progress.
        for err in self.writer.finish() {
            eprintln!("{err}");
        }
    }
}
