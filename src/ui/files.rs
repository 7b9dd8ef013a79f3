//! The native file dialogs: what each is for, how it is titled and
//! filtered, and which command the chosen path becomes. The dialog blocks
//! the thread it runs on, so the app runs it as a job.

use std::path::PathBuf;

use super::commands::{
    AppCommand, DataCommand, DriftCommand, ExplainCommand, LessonCommand, PolicyCommand,
    PredictionCommand, ProjectCommand, SegmentationCommand,
};

/// What a file dialog is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePurpose {
    /// A table to open.
    OpenTable,
    /// Where to save the open table's recipe.
    SaveRecipe,
    /// A folder for the trained model.
    SaveModel,
    /// A folder for the groups.
    SaveSegments,
    /// Where to write the table with its segment column.
    ExportSegments,
    /// Where to save the explanation letter.
    SaveLetter,
    /// The newer table to compare with.
    DriftCurrent,
    /// A saved model (or groups) folder to check for drift.
    DriftModel,
    /// A folder for the promoted challenger.
    Promotion,
    /// A folder for the learned policy.
    SavePolicy,
    /// A newer file for the policy to run on beside what was done.
    ShadowFile,
    /// Where to start a new project.
    NewProject,
    /// A project to open.
    OpenProject,
    /// Where to copy the open project.
    SaveProjectAs,
    /// Where to write a run's report.
    Report(clearbox::project::RunId),
    /// Where the recorded data is now.
    LocateData,
    /// A lesson file to run.
    OpenLesson,
    /// A folder of lessons to add.
    LessonFolder,
}

const TABLES: &[&str] = &["csv", "tsv", "txt", "parquet", "pq"];
const PROJECT: &str = clearbox::project::EXTENSION;

/// A project's file name always ends in `.clearbox`, whatever was typed.
fn with_project_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some_and(|e| e == PROJECT) {
        path
    } else {
        let mut name = path.into_os_string();
        name.push(".");
        name.push(PROJECT);
        PathBuf::from(name)
    }
}

impl FilePurpose {
    /// Shows the dialog (blocking) and returns the path chosen, if any.
    pub fn ask(self) -> Option<PathBuf> {
        let dialog = rfd::FileDialog::new();
        match self {
            Self::OpenTable => dialog
                .set_title("Open a table")
                .add_filter("Tables", TABLES)
                .add_filter("All files", &["*"])
                .pick_file(),
            Self::SaveRecipe => dialog
                .set_title("Save your changes as a recipe")
                .set_file_name("recipe.ron")
                .add_filter("Clearbox recipe", &["ron"])
                .save_file(),
            Self::SaveModel => dialog
                .set_title("Choose a folder for the model")
                .pick_folder(),
            Self::SaveSegments => dialog
                .set_title("Choose a folder for the groups")
                .pick_folder(),
            Self::ExportSegments => dialog
                .set_title("Export the table with its segment column")
                .set_file_name("with_segments.csv")
                .add_filter("CSV", &["csv"])
                .add_filter("Parquet", &["parquet"])
                .save_file(),
            Self::SaveLetter => dialog
                .set_title("Save the explanation letter")
                .add_filter("Web page", &["html"])
                .set_file_name("explanation.html")
                .save_file(),
            Self::DriftCurrent => dialog
                .set_title("Choose the newer data")
                .add_filter("Tables", TABLES)
                .add_filter("All files", &["*"])
                .pick_file(),
            Self::DriftModel => dialog
                .set_title("Choose a saved model folder")
                .pick_folder(),
            Self::Promotion => dialog
                .set_title("Choose a folder for the promoted model")
                .pick_folder(),
            Self::SavePolicy => dialog
                .set_title("Choose a folder for the policy")
                .pick_folder(),
            Self::ShadowFile => dialog
                .set_title("Choose a newer file of decisions")
                .add_filter("Tables", TABLES)
                .add_filter("All files", &["*"])
                .pick_file(),
            Self::NewProject => dialog
                .set_title("Start a new project")
                .set_file_name("project.clearbox")
                .add_filter("Clearbox project", &[PROJECT])
                .save_file()
                .map(with_project_extension),
            Self::OpenProject => dialog
                .set_title("Open a project")
                .add_filter("Clearbox project", &[PROJECT])
                .pick_file(),
            Self::SaveProjectAs => dialog
                .set_title("Save the project as")
                .set_file_name("project copy.clearbox")
                .add_filter("Clearbox project", &[PROJECT])
                .save_file()
                .map(with_project_extension),
            Self::Report(run) => dialog
                .set_title("Save the run's report")
                .set_file_name(format!("run {} report.html", run.0))
                .add_filter("Web page", &["html"])
                .save_file(),
            Self::LocateData => dialog
                .set_title("Where is the project's data now?")
                .add_filter("Tables", TABLES)
                .add_filter("All files", &["*"])
                .pick_file(),
            Self::OpenLesson => dialog
                .set_title("Open a lesson")
                .add_filter("Clearbox lesson", &["ron"])
                .pick_file(),
            Self::LessonFolder => dialog.set_title("Choose a folder of lessons").pick_folder(),
        }
    }

    /// The command the chosen `path` becomes.
    pub fn command(self, path: PathBuf) -> AppCommand {
        match self {
            Self::OpenTable => DataCommand::OpenFile(path).into(),
            Self::SaveRecipe => DataCommand::SaveRecipe(path).into(),
            Self::SaveModel => PredictionCommand::SaveModel(path).into(),
            Self::SaveSegments => SegmentationCommand::Save(path).into(),
            Self::ExportSegments => SegmentationCommand::Export(path).into(),
            Self::SaveLetter => ExplainCommand::SaveLetter(path).into(),
            Self::DriftCurrent => DriftCommand::CompareWith(path).into(),
            Self::DriftModel => DriftCommand::UseModel(Some(path)).into(),
            Self::Promotion => DriftCommand::Promote(path).into(),
            Self::SavePolicy => PolicyCommand::Save(path).into(),
            Self::ShadowFile => PolicyCommand::Shadow(path).into(),
            Self::NewProject => ProjectCommand::New(path).into(),
            Self::OpenProject => ProjectCommand::Open(path).into(),
            Self::SaveProjectAs => ProjectCommand::SaveAs(path).into(),
            Self::Report(run) => ProjectCommand::Report { run, out: path }.into(),
            Self::LocateData => ProjectCommand::Locate(path).into(),
            Self::OpenLesson | Self::LessonFolder => LessonCommand::Load(path).into(),
        }
    }
}
