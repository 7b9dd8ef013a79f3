//! Messages from the UI to the app: everything a click can ask for.

use std::path::PathBuf;

use clearbox::data::{ColumnRole, Fix};

/// A request from the UI. Drawing code pushes these; the app handles them
/// after the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum AppCommand {
    /// Show the native file dialog.
    PickFile,
    /// Open this file.
    OpenFile(PathBuf),
    /// Open the bundled sample with this id.
    OpenSample(&'static str),
    /// Stop the load in progress; keep what was open.
    CancelLoad,
    /// Go to the home screen.
    GoHome,
    /// Go back to the open table.
    GoToData,
    /// Show details of the column at this index of the working table.
    SelectColumn(usize),
    /// Give a column another role.
    SetRole { column: String, role: ColumnRole },
    /// Apply a fix from the health report.
    ApplyFix(Fix),
    /// Undo the fix at this position in the recipe.
    UndoFix(usize),
    /// Save the open table's recipe to a file the user picks.
    ExportRecipe,
    /// Choose (or clear) the column to predict.
    SetTarget(Option<String>),
    /// Close the message banner.
    DismissBanner,
    /// Open the prediction wizard on the open table.
    StartPrediction,
    /// Go to a step of the wizard.
    GoToStep(super::state::WizardStep),
    /// Choose the column to predict in the wizard.
    ChooseTarget(String),
    /// Use or leave out a column.
    SetInput { column: String, included: bool },
    /// Start training.
    Train,
    /// Stop training; keep everything else.
    CancelTraining,
    /// Move the yes/no threshold on the results page.
    SetThreshold(f64),
    /// Save the trained model to a folder the user picks.
    SaveModel,
    /// Choose a newer file to compare the open table with (file dialog).
    PickDriftFile,
    /// Compare the open table with this newer file.
    CompareWith(PathBuf),
    /// Choose a saved model folder to check as well (folder dialog).
    PickDriftModel,
    /// Check this saved model (or none) and compare again.
    UseDriftModel(Option<PathBuf>),
    /// Split the open table by this column and compare each period with the first.
    ComparePeriods(String),
    /// Show this column's distributions and measures (or the overview).
    SelectDriftColumn(Option<String>),
    /// Stop the comparison (or the challenger's training) in progress.
    CancelDrift,
    /// Train a challenger on the newer data with the checked model's settings.
    TrainChallenger,
    /// Save the challenger to a folder the user picks, recording the promotion.
    PickPromotionFolder,
    /// Promote the challenger: save it to this folder with a record.
    PromoteChallenger(PathBuf),
}
