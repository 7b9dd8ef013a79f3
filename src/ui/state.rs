//! The app's state as plain data: what is open, what is running, what to show.
//! Everything here is computed by runners and jobs; pages only read it.

use std::sync::Arc;

use clearbox::data::{DataSource, Recipe, Table};
use clearbox::health::{ColumnHealth, HealthReport};
use clearbox::jobs::JobView;
use clearbox::project::Settings;
use clearbox::templates::InputChoice;

/// Which screen is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// Open a file or a sample.
    #[default]
    Home,
    /// The open table and its health.
    Data,
    /// The prediction wizard on the open table.
    Predict,
    /// The segmentation wizard on the open table.
    Segment,
    /// The explanation of the trained prediction model.
    Explain,
    /// Drift: the open table against newer data (and a saved model).
    Drift,
    /// The reinforcement wizard on the open table (a log of decisions).
    Policy,
    /// The open project's runs, two of them side by side.
    Runs,
}

/// What we know about the compute device.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DeviceStatus {
    /// Still testing it.
    #[default]
    Checking,
    /// Ready: a short label and the sentence announcing it.
    Ready { label: String, announcement: String },
    /// Could not be set up.
    Failed(String),
}

/// A load running in the background.
#[derive(Debug, Clone, PartialEq)]
pub struct Loading {
    /// What is being opened.
    pub label: String,
    /// How far it is.
    pub job: JobView,
}

/// A message across the top of the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Banner {
    /// Something went wrong; the sentence says what to do.
    Error(String),
    /// Something worth knowing.
    Info(String),
}

/// The open table, its recipe and its report.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Where it came from.
    pub source: DataSource,
    /// As read from the file.
    pub original: Arc<Table>,
    /// The user's changes.
    pub recipe: Recipe,
    /// `recipe` applied to `original`: what every view shows.
    pub table: Arc<Table>,
    /// The health report of `table`, once computed.
    pub report: Option<HealthReport>,
    /// Whether the table or its report is being (re)computed.
    pub analysing: bool,
    /// Column shown in detail (index into `table.columns`).
    pub selected: Option<usize>,
    /// The column to predict, if chosen: the one place it is kept.
    pub target: Option<String>,
    /// For a log made by the workshop simulator: the truth behind it.
    pub truth: Option<Arc<clearbox::templates::reinforcement::simulator::Truth>>,
}

impl Dataset {
    /// The health of the column at `index` of the working table. The report
    /// lists columns in table order, so this is a direct look-up unless the
    /// report is from before the last change (then it is found by name).
    pub fn health_of(&self, index: usize) -> Option<&ColumnHealth> {
        let report = self.report.as_ref()?;
        let name = &self.table.columns.get(index)?.name;
        report
            .columns
            .get(index)
            .filter(|h| &h.name == name)
            .or_else(|| report.column(name))
    }

    /// The report, once it is about the current target.
    pub fn report_for_target(&self) -> Option<&HealthReport> {
        self.report
            .as_ref()
            .filter(|r| r.target.as_ref() == self.target.as_ref())
    }
}

/// Everything the UI draws from.
#[derive(Debug, Default)]
pub struct AppState {
    /// Current screen.
    pub page: Page,
    /// The compute device.
    pub device: DeviceStatus,
    /// The open table.
    pub dataset: Option<Dataset>,
    /// A load in progress.
    pub loading: Option<Loading>,
    /// A message to show.
    pub banner: Option<Banner>,
    /// What is being written in the background ("saving the model"), if anything.
    pub writing: Option<&'static str>,
    /// Remembered between sessions.
    pub settings: Settings,
    /// The prediction wizard.
    pub prediction: PredictionWizard,
    /// The segmentation wizard.
    pub segmentation: SegmentWizard,
    /// The explanation of the trained prediction model.
    pub explain: ExplainView,
    /// The drift check.
    pub drift: DriftView,
    /// The reinforcement wizard.
    pub policy: PolicyWizard,
    /// The workshop simulator's settings.
    pub simulator: SimulatorChoice,
    /// The open project, if any.
    pub project: Option<ProjectView>,
    /// A project being opened, by name.
    pub opening_project: Option<String>,
    /// The lessons on offer: the bundled ones, then any the trainer loaded.
    pub lessons: Vec<clearbox::lessons::Lesson>,
    /// The lesson being followed, in the side panel.
    pub lesson: Option<LessonView>,
    /// Presenter mode: large text, one idea per screen, the lesson's step large.
    pub presenter: bool,
}

/// A lesson in progress.
#[derive(Debug, Clone)]
pub struct LessonView {
    /// The lesson.
    pub lesson: clearbox::lessons::Lesson,
    /// Per step, whether its check has passed.
    pub done: Vec<bool>,
    /// When the current step began, to offer its hint after a while.
    pub since: std::time::Instant,
    /// Whether the learner asked for the current step's hint.
    pub hint_shown: bool,
}

impl LessonView {
    /// The first step not yet done.
    pub fn current(&self) -> Option<usize> {
        self.done.iter().position(|done| !done)
    }

    /// Whether every step is done.
    pub fn finished(&self) -> bool {
        self.current().is_none()
    }
}

/// The open project as the window shows it.
#[derive(Debug, Clone)]
pub struct ProjectView {
    /// Where the file is.
    pub path: std::path::PathBuf,
    /// Its name (the file name without `.clearbox`).
    pub name: String,
    /// Its audit trail's state; a broken trail opens it read-only.
    pub trail: clearbox::project::Trail,
    /// Every run, oldest first.
    pub runs: Vec<clearbox::project::RunRecord>,
    /// Runs chosen to compare, at most two, in the order chosen.
    pub chosen: Vec<clearbox::project::RunId>,
    /// The recorded data that could not be found unchanged, to locate.
    pub missing: Option<MissingData>,
    /// The note being typed.
    pub note: String,
}

impl ProjectView {
    /// Whether nothing more can be recorded (the trail is broken).
    pub fn read_only(&self) -> bool {
        matches!(self.trail, clearbox::project::Trail::Broken { .. })
    }
}

/// Recorded data that moved or changed since the project used it.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingData {
    /// The source as recorded.
    pub source: clearbox::project::SourceRecord,
    /// The target the project was predicting, to restore with it.
    pub target: Option<String>,
    /// What is wrong, in a sentence.
    pub problem: String,
}

/// What the explanation page explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExplainSubject {
    /// The prediction wizard's model: what it predicts, and why.
    #[default]
    Prediction,
    /// The reinforcement wizard's policy: why an action rather than the next best.
    Policy,
}

/// The explanation page's state.
#[derive(Debug, Default)]
pub struct ExplainView {
    /// What is explained.
    pub subject: ExplainSubject,
    /// The drivers, strongest first (shown as they are when there is no panel).
    pub drivers: Vec<clearbox::explain::importance::Driver>,
    /// The executive panel, once the drivers are computed.
    pub panel: Option<clearbox::explain::panel::ExecutivePanel>,
    /// Per driver of the panel (same order), its effect on each explained row.
    pub spread: Vec<Vec<f64>>,
    /// Progress of the drivers' computation, while it runs.
    pub drivers_progress: Option<f32>,
    /// How long explaining will take here, in a sentence.
    pub estimate: String,
    /// The explained row (0-based) of the open table.
    pub row: usize,
    /// Its explanation (with any what-if edits applied).
    pub row_explanation: Option<clearbox::explain::RowExplanation>,
    /// That explanation in words.
    pub row_sentence: String,
    /// What would change the decision, in words (yes/no models).
    pub change_sentence: String,
    /// The decision search's result: `None` before one ran, `Some(None)` when nothing flips it.
    pub change: Option<Option<clearbox::explain::counterfactual::Counterfactual>>,
    /// Whether the row is being explained now.
    pub row_running: bool,
    /// How each input can be changed for what-if.
    pub controls: Vec<(String, clearbox::explain::what_if::Control)>,
    /// The user's what-if changes.
    pub edits: Vec<(String, clearbox::explain::what_if::WhatIfValue)>,
    /// Columns the decision search must not change.
    pub locked: Vec<String>,
    /// Whether the model answers yes/no (and so has a decision to change).
    pub has_decision: bool,
}

/// The drift check's state: what is compared with what, and what was found.
#[derive(Debug, Default)]
pub struct DriftView {
    /// The newer table, when comparing two files.
    pub current: Option<std::path::PathBuf>,
    /// A saved model or groups folder to check too.
    pub model: Option<std::path::PathBuf>,
    /// The column that splits the open table into periods, when comparing periods.
    pub period_column: Option<String>,
    /// A comparison in progress.
    pub running: Option<JobView>,
    /// The comparison (in periods mode: the latest period against the first).
    pub report: Option<Arc<clearbox::drift::DriftReport>>,
    /// Every period against the first, in periods mode.
    pub periods: Option<Arc<clearbox::drift::PeriodReport>>,
    /// The column shown in detail.
    pub selected: Option<String>,
    /// A challenger trained on the newer data, and its duel with the model.
    pub challenger: ChallengerView,
}

/// Champion and challenger, as the drift page shows them.
#[derive(Debug, Default)]
pub struct ChallengerView {
    /// Training in progress.
    pub running: Option<JobView>,
    /// The trained challenger and both models' scores on the newest rows.
    pub result: Option<Arc<clearbox::drift::challenger::Challenger>>,
    /// Where the challenger was promoted to, once the user decided.
    pub promoted: Option<std::path::PathBuf>,
}

/// The key a source's recipe is stored under in the settings.
pub fn recipe_key(source: &DataSource) -> String {
    match source {
        DataSource::File(path) => path.display().to_string(),
        DataSource::Sample(sample) => format!("sample:{}", sample.id),
        DataSource::Generated(name) => format!("generated:{name}"),
    }
}

/// The steps of the prediction wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WizardStep {
    /// Pick the column to predict.
    Goal,
    /// Choose which columns the model may use.
    Inputs,
    /// See how the rows will be split and how long it will take.
    Check,
    /// Training, live.
    Train,
    /// How good the model is.
    Results,
}

impl WizardStep {
    /// All steps, in order.
    pub const ALL: [WizardStep; 5] = [
        Self::Goal,
        Self::Inputs,
        Self::Check,
        Self::Train,
        Self::Results,
    ];

    /// The step's name in the step bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Goal => "1 Goal",
            Self::Inputs => "2 Inputs",
            Self::Check => "3 Check",
            Self::Train => "4 Train",
            Self::Results => "5 Results",
        }
    }
}

/// Training in progress, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TrainingView {
    /// How far it is.
    pub job: JobView,
    /// Loss per pass of the simple model (the reward model's linear rival;
    /// a prediction's simple model is fitted in one go, without passes).
    pub simple: Vec<clearbox::ml::train::EpochLoss>,
    /// Loss per pass of the deep model in the current round.
    pub deep: Vec<clearbox::ml::train::EpochLoss>,
    /// For a prediction: which training of the deep model the chart shows.
    pub round: Option<clearbox::templates::prediction::Round>,
}

/// What the wizard found about the chosen target and split, worked out in
/// the background because it reads whole columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetCheck {
    /// What kind of problem the target makes, in words (or why it cannot be predicted).
    pub task_sentence: String,
    /// Whether the target can be predicted.
    pub target_ok: bool,
    /// Columns the rows can be split by in time.
    pub time_columns: Vec<String>,
    /// The split in one sentence with its counts, or why it cannot be made.
    pub split_sentence: String,
    /// Whether the split can be made.
    pub split_ok: bool,
}

/// The results page's figures, worked out when training ends.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultsView {
    /// The chosen model's test chances, ranked, for the threshold slider (yes/no).
    pub ranked: Option<clearbox::ml::metrics::Ranked>,
    /// ROC, gains and calibration of the chosen model (yes/no).
    pub curves: Option<clearbox::ml::metrics::BinaryCurves>,
    /// Predicted against true value for a sample of test rows (amounts).
    pub scatter: Vec<[f64; 2]>,
}

/// The prediction wizard's state. The target is the open table's
/// ([`Dataset::target`]).
#[derive(Debug, Default)]
pub struct PredictionWizard {
    /// Where the user is.
    pub step: Option<WizardStep>,
    /// The target and split, once checked; `None` while checking.
    pub check: Option<TargetCheck>,
    /// Every other column, with whether it is used and why not.
    pub inputs: Vec<InputChoice>,
    /// How rows are divided between training, validation and test.
    pub split_plan: clearbox::ml::split::SplitPlan,
    /// Forecast of training time in seconds.
    pub estimate_seconds: f64,
    /// Training in progress.
    pub training: Option<TrainingView>,
    /// The trained models.
    pub outcome: Option<Arc<clearbox::templates::prediction::PredictionOutcome>>,
    /// Their results page, worked out in the background.
    pub results: Option<ResultsView>,
    /// The threshold the user chose on the results page.
    pub threshold: f64,
    /// Scores of the chosen model at `threshold` on the test rows.
    pub at_threshold: Option<clearbox::ml::metrics::BinaryScores>,
}

impl PredictionWizard {
    /// Whether the target can be predicted (checked and fine).
    pub fn target_ok(&self) -> bool {
        self.check.as_ref().is_some_and(|c| c.target_ok)
    }
}

/// The steps of the segmentation wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SegmentStep {
    /// Choose the columns groups are found with.
    Inputs,
    /// Finding groups, live.
    Run,
    /// The groups, described.
    Results,
}

impl SegmentStep {
    /// All steps, in order.
    pub const ALL: [SegmentStep; 3] = [Self::Inputs, Self::Run, Self::Results];

    /// The step's name in the step bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inputs => "1 Columns",
            Self::Run => "2 Find groups",
            Self::Results => "3 Groups",
        }
    }
}

/// A segmentation running in the background, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentRun {
    /// How far it is.
    pub job: JobView,
    /// For a change of k on the results page: the k asked for.
    pub k: Option<usize>,
}

/// The segmentation wizard's state.
#[derive(Debug, Default)]
pub struct SegmentWizard {
    /// Where the user is.
    pub step: Option<SegmentStep>,
    /// Every column, with whether it is used and why not.
    pub inputs: Vec<InputChoice>,
    /// Work in progress.
    pub running: Option<SegmentRun>,
    /// The groups found.
    pub outcome: Option<Arc<clearbox::templates::segmentation::SegmentationOutcome>>,
    /// The group names as the user edited them.
    pub names: Vec<String>,
}

/// The steps of the reinforcement wizard, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyStep {
    /// Say which column is the action, the reward, the chances and the time.
    Roles,
    /// What the log holds, what was found, which columns are context.
    Check,
    /// Learning, live.
    Learn,
    /// What the policy would have earned.
    Results,
}

impl PolicyStep {
    /// All steps, in order.
    pub const ALL: [PolicyStep; 4] = [Self::Roles, Self::Check, Self::Learn, Self::Results];

    /// The step's name in the step bar.
    pub fn label(self) -> &'static str {
        match self {
            Self::Roles => "1 Roles",
            Self::Check => "2 Check",
            Self::Learn => "3 Learn",
            Self::Results => "4 Results",
        }
    }
}

/// Which column plays which part, as the user chose (or Clearbox guessed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyRoles {
    /// The action taken.
    pub action: Option<String>,
    /// What it earned.
    pub reward: Option<String>,
    /// The old system's chance of it.
    pub propensity: Option<String>,
    /// When it was taken.
    pub time: Option<String>,
}

/// What checking the log found, worked out in the background.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogCheck {
    /// Why the log cannot be used as it is, if it cannot.
    pub problem: Option<String>,
    /// Decisions with an action and a reward.
    pub decisions: usize,
    /// Different actions taken.
    pub actions: usize,
    /// What kind of reward it is, in a sentence.
    pub reward_sentence: String,
    /// What was found about the log.
    pub findings: Vec<clearbox::templates::reinforcement::Finding>,
}

/// The true values of the policies on the held-out decisions of a
/// simulated log (known only in the simulator).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrueValues {
    /// The learned policy.
    pub learned: f64,
    /// What was done.
    pub logged: f64,
    /// Every action equally often.
    pub random: f64,
    /// The best single action for everyone.
    pub best_single: f64,
    /// The best any policy could do.
    pub best: f64,
}

/// The policy run on a newer file beside what was actually done (shadow mode).
#[derive(Debug, Clone, PartialEq)]
pub struct ShadowReport {
    /// The file's name.
    pub file: String,
    /// Rows scored.
    pub rows: usize,
    /// How often the policy recommends each action.
    pub recommended: Vec<(String, usize)>,
    /// In words: where it agrees with what was done and the expected gain.
    pub sentences: Vec<String>,
}

/// The reinforcement wizard's state.
#[derive(Debug, Default)]
pub struct PolicyWizard {
    /// Where the user is.
    pub step: Option<PolicyStep>,
    /// Which column plays which part.
    pub roles: PolicyRoles,
    /// What checking the log found; `None` while checking.
    pub check: Option<LogCheck>,
    /// Every other column, with whether it is context and why not.
    pub inputs: Vec<InputChoice>,
    /// Share of decisions a deployed policy spreads over the judged actions.
    pub exploration: f64,
    /// Learning in progress.
    pub training: Option<TrainingView>,
    /// The learned policy, judged.
    pub outcome: Option<Arc<clearbox::templates::reinforcement::ReinforcementOutcome>>,
    /// For a simulated log: the policies' true values.
    pub truth: Option<TrueValues>,
    /// A newer file scored by the policy, in progress.
    pub shadow_running: Option<JobView>,
    /// A newer file scored by the policy.
    pub shadow: Option<ShadowReport>,
}

/// What the workshop simulator generates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulatorChoice {
    /// How the made-up shop's old system chose offers.
    pub old: clearbox::templates::reinforcement::simulator::OldPolicy,
    /// Decisions in the log.
    pub rows: usize,
    /// Logs generated so far (each gets a new seed).
    pub generated: u64,
}

impl Default for SimulatorChoice {
    fn default() -> Self {
        Self {
            old: clearbox::templates::reinforcement::simulator::OldPolicy::Targeted,
            rows: 20_000,
            generated: 0,
        }
    }
}
