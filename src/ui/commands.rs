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
    /// Split the rows at random or by a time column.
    SetSplitPlan(clearbox::ml::split::SplitPlan),
    /// Start training.
    Train,
    /// Stop training; keep everything else.
    CancelTraining,
    /// Move the yes/no threshold on the results page.
    SetThreshold(f64),
    /// Save the trained model to a folder the user picks.
    SaveModel,
    /// Open the segmentation wizard on the open table.
    StartSegmentation,
    /// Go to a step of the segmentation wizard.
    GoToSegmentStep(super::state::SegmentStep),
    /// Use or leave out a column for finding groups.
    SetSegmentInput { column: String, included: bool },
    /// Start finding groups.
    FindGroups,
    /// Stop finding groups; keep everything else.
    CancelSegmentation,
    /// Show this many groups instead.
    ChooseK(usize),
    /// Rename group `index` (0-based).
    RenameSegment { index: usize, name: String },
    /// Save the groups to a folder the user picks.
    SaveSegments,
    /// Write the table with a `segment` column to a file the user picks.
    ExportSegments,
    /// Explain the trained prediction model: open its explanation page.
    ExplainModel,
    /// Explain this row (0-based) of the open table.
    ExplainRow(usize),
    /// Change one input of the explained row (what-if).
    SetWhatIf {
        column: String,
        value: clearbox::explain::what_if::WhatIfValue,
    },
    /// Undo all what-if changes.
    ResetWhatIf,
    /// Lock or unlock a column for "what would change the decision".
    ToggleLock(String),
    /// Save the explained row's explanation letter (HTML) to a file the user picks.
    SaveLetter,
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
