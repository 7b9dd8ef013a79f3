//! Messages from the UI to the app: everything a click can ask for. Each
//! page has its own command enum, matched without a catch-all by the runner
//! that owns the page, so a command nobody handles is a compile error.

use std::path::PathBuf;

use clearbox::data::{ColumnRole, Fix};
use clearbox::explain::what_if::WhatIfValue;
use clearbox::ml::split::SplitPlan;
use clearbox::project::RunId;

use super::files::FilePurpose;
use super::state::{MissingData, PolicyStep, SegmentStep, WizardStep};
use clearbox::templates::LogRole;
use clearbox::templates::reinforcement::simulator::OldPolicy;

/// A request from the UI. Drawing code pushes these; the app handles them
/// after the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum AppCommand {
    /// Show a native file dialog; the path chosen becomes the purpose's command.
    Pick(FilePurpose),
    /// The open table and its health.
    Data(DataCommand),
    /// The prediction wizard.
    Prediction(PredictionCommand),
    /// The segmentation wizard.
    Segmentation(SegmentationCommand),
    /// The explanation page.
    Explain(ExplainCommand),
    /// The drift page.
    Drift(DriftCommand),
    /// The reinforcement wizard and the workshop simulator.
    Policy(PolicyCommand),
    /// The project file and its run history.
    Project(ProjectCommand),
    /// The lesson in the side panel.
    Lesson(LessonCommand),
    /// How the window looks: theme, text size, presenter mode.
    View(ViewCommand),
}

/// Lessons: starting one, loading trainers' own, the hint.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonCommand {
    /// Start the lesson at this index of the lessons on offer.
    Start(usize),
    /// Add the lesson file, or every lesson in the folder, at this path.
    Load(PathBuf),
    /// Show the current step's hint.
    ShowHint,
    /// Close the lesson.
    Stop,
}

/// How the window looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ViewCommand {
    /// Light, dark, or as the system says.
    Theme(egui::ThemePreference),
    /// Text larger (positive) or smaller (negative), in steps of a tenth.
    TextSize(i8),
    /// Presenter mode on or off: large text, the lesson's step shown large.
    TogglePresenter,
}

/// The project file: opening, saving, its run history and report.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectCommand {
    /// Start a new project file here, recording the open table in it.
    New(PathBuf),
    /// Open this project and restore its table.
    Open(PathBuf),
    /// Copy the project to this file and carry on in the copy.
    SaveAs(PathBuf),
    /// Stop recording in the project; keep the open table.
    Close,
    /// Show the run history.
    ShowRuns,
    /// Choose (or unchoose) a run to compare side by side.
    Choose(RunId),
    /// Write a run's report to this file.
    Report {
        /// The run.
        run: RunId,
        /// Where the page goes.
        out: PathBuf,
    },
    /// Edit the note being typed.
    EditNote(String),
    /// Keep the typed note in the project.
    AddNote,
    /// The recorded data is at this path now: check it and open it.
    Locate(PathBuf),
    /// Read the runs again (a run was recorded).
    Refresh,
    /// Something was saved or exported: recorded in the open project.
    Exported {
        /// What ("the model").
        what: &'static str,
        /// Where.
        path: PathBuf,
    },
}

/// Opening tables, moving between pages, and the user's changes to the data.
#[derive(Debug, Clone, PartialEq)]
pub enum DataCommand {
    /// Open this file.
    OpenFile(PathBuf),
    /// Open the bundled sample with this id.
    OpenSample(&'static str),
    /// Open the bundled sample and go straight to this template's wizard.
    OpenSampleFor(&'static str, clearbox::templates::artefact::TemplateKind),
    /// Open the bundled sample with one thing broken, for a "break the
    /// model" challenge.
    OpenBroken(&'static str, clearbox::lessons::breaks::Break),
    /// Stop the load in progress; keep what was open.
    CancelLoad,
    /// Go to the home screen.
    GoHome,
    /// Go back to the open table.
    GoToData,
    /// Show details of the column at this index of the working table.
    SelectColumn(usize),
    /// Give a column another role.
    SetRole {
        /// The column.
        column: String,
        /// Its new role.
        role: ColumnRole,
    },
    /// Apply a fix from the health report.
    ApplyFix(Fix),
    /// Undo the fix at this position in the recipe.
    UndoFix(usize),
    /// Save the open table's recipe to this file.
    SaveRecipe(PathBuf),
    /// Choose (or clear) the column to predict: the health report checks
    /// leakage against it and the prediction wizard learns it.
    SetTarget(Option<String>),
    /// Close the message banner.
    DismissBanner,
    /// Open a table a project recorded, exactly as it was: its bytes must
    /// match the recorded fingerprint, and the recorded changes and target
    /// are applied.
    OpenRecorded(MissingData),
    /// Open a project's recorded table from where it is now.
    OpenRecordedFrom {
        /// What the project recorded.
        recorded: MissingData,
        /// Where the file is now.
        path: PathBuf,
    },
    /// Put a project at the top of the recent projects.
    RememberProject(PathBuf),
}

/// The prediction wizard.
#[derive(Debug, Clone, PartialEq)]
pub enum PredictionCommand {
    /// Open the wizard on the open table.
    Start,
    /// Go to a step.
    GoToStep(WizardStep),
    /// Use or leave out a column.
    SetInput {
        /// The column.
        column: String,
        /// Whether the model may use it.
        included: bool,
    },
    /// Split the rows at random or by a time column.
    SetSplitPlan(SplitPlan),
    /// Start training.
    Train,
    /// Stop training; keep everything else.
    CancelTraining,
    /// Move the yes/no threshold on the results page.
    SetThreshold(f64),
    /// Save the trained model to this folder.
    SaveModel(PathBuf),
}

/// The segmentation wizard.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentationCommand {
    /// Open the wizard on the open table.
    Start,
    /// Go to a step.
    GoToStep(SegmentStep),
    /// Use or leave out a column for finding groups.
    SetInput {
        /// The column.
        column: String,
        /// Whether groups are found with it.
        included: bool,
    },
    /// Start finding groups.
    FindGroups,
    /// Stop finding groups; keep everything else.
    Cancel,
    /// Show this many groups instead.
    ChooseK(usize),
    /// Rename group `index` (0-based).
    Rename {
        /// The group.
        index: usize,
        /// Its new name.
        name: String,
    },
    /// Save the groups to this folder.
    Save(PathBuf),
    /// Write the table with a `segment` column to this file.
    Export(PathBuf),
}

/// The explanation page.
#[derive(Debug, Clone, PartialEq)]
pub enum ExplainCommand {
    /// Explain the trained prediction model: open its page.
    Open,
    /// Explain this row (0-based) of the open table.
    Row(usize),
    /// Change one input of the explained row (what-if).
    SetWhatIf {
        /// The input.
        column: String,
        /// Its new value.
        value: WhatIfValue,
    },
    /// Undo all what-if changes.
    ResetWhatIf,
    /// Lock or unlock a column for "what would change the decision".
    ToggleLock(String),
    /// Save the explained row's letter (HTML) to this file.
    SaveLetter(PathBuf),
    /// Explain the learned policy's choices: open its page.
    OpenPolicy,
}

/// The drift page.
#[derive(Debug, Clone, PartialEq)]
pub enum DriftCommand {
    /// Show the drift page, to split the open table by a period column.
    Show,
    /// Compare the open table with this newer file.
    CompareWith(PathBuf),
    /// Check this saved model (or none) and compare again.
    UseModel(Option<PathBuf>),
    /// Split the open table by this column and compare each period with the first.
    ComparePeriods(String),
    /// Show this column's distributions and measures (or the overview).
    SelectColumn(Option<String>),
    /// Stop the comparison (or the challenger's training) in progress.
    Cancel,
    /// Train a challenger on the newer data with the checked model's settings.
    TrainChallenger,
    /// Promote the challenger: save it to this folder with a record.
    Promote(PathBuf),
    /// The promotion was written to this folder.
    Promoted(PathBuf),
}

/// The reinforcement wizard and the workshop simulator.
#[derive(Debug, Clone, PartialEq)]
pub enum PolicyCommand {
    /// Open the wizard on the open table.
    Start,
    /// Go to a step.
    GoToStep(PolicyStep),
    /// Give a column a part in the log (or none).
    SetRole {
        /// The part.
        role: LogRole,
        /// The column, or none.
        column: Option<String>,
    },
    /// Use or leave out a context column.
    SetInput {
        /// The column.
        column: String,
        /// Whether the policy may use it.
        included: bool,
    },
    /// Set the share of decisions a deployed policy explores.
    SetExploration(f64),
    /// Start learning.
    Learn,
    /// Stop learning; keep everything else.
    Cancel,
    /// Save the policy to this folder.
    Save(PathBuf),
    /// Run the policy on this newer file beside what was done.
    Shadow(PathBuf),
    /// Choose how the simulated shop's old system chose offers.
    SetSimulatedPolicy(OldPolicy),
    /// Choose how many decisions the simulated log holds.
    SetSimulatedRows(usize),
    /// Generate a simulated log and open it.
    Simulate,
}

macro_rules! into_app_command {
    ($($page:ident => $variant:ident),* $(,)?) => {
        $(impl From<$page> for AppCommand {
            fn from(command: $page) -> Self {
                Self::$variant(command)
            }
        })*
    };
}

into_app_command!(
    DataCommand => Data,
    PredictionCommand => Prediction,
    SegmentationCommand => Segmentation,
    ExplainCommand => Explain,
    DriftCommand => Drift,
    PolicyCommand => Policy,
    ProjectCommand => Project,
    LessonCommand => Lesson,
    ViewCommand => View,
);
