//! The one error type of the library.
//!
//! Every variant's `Display` is a plain sentence for the person at the screen:
//! what happened, where (file, line, column) and what to do next. Technical
//! details, when there are any, are kept in a `detail` field for the log.

use std::path::Path;

/// Everything that can go wrong in Clearbox, worded for the user.
#[derive(Debug, thiserror::Error)]
pub enum ClearboxError {
    /// The file has no bytes (or only a byte-order mark / blank lines).
    #[error("'{file}' is empty. Choose a file with a header row and at least one row of data.")]
    EmptyFile {
        /// The file as the user named it.
        file: String,
    },
    /// Column names but no data rows.
    #[error("'{file}' has column names but no rows of data. Export it again with its rows.")]
    HeaderOnly {
        /// The file as the user named it.
        file: String,
    },
    /// A row with more or fewer values than the header.
    #[error(
        "Line {line} of '{file}' has {found} values but the header has {expected}{others}. \
         Fix that line in a spreadsheet or text editor, or export the file again."
    )]
    RaggedRows {
        /// The file as the user named it.
        file: String,
        /// 1-based line of the first bad row, as a text editor counts lines.
        line: usize,
        /// Values found on that line.
        found: usize,
        /// Values in the header.
        expected: usize,
        /// " (and N more lines like it)" or empty.
        others: String,
    },
    /// Binary data that is neither CSV nor Parquet.
    #[error(
        "'{file}' is not a table Clearbox can read: it holds binary data. Choose a CSV or Parquet file."
    )]
    NotATable {
        /// The file as the user named it.
        file: String,
    },
    /// The operating system refused to let us read the file.
    #[error(
        "Clearbox is not allowed to read '{file}'. Ask the file's owner for access, \
         or copy it to a folder you can read."
    )]
    PermissionDenied {
        /// The file as the user named it.
        file: String,
    },
    /// The file is not there.
    #[error("'{file}' could not be found. It may have been moved or deleted: choose it again.")]
    NotFound {
        /// The file as the user named it.
        file: String,
    },
    /// The file shrank, vanished or failed part-way through reading.
    #[error(
        "'{file}' changed or disappeared while it was being read. \
         Wait until it is completely written, then open it again."
    )]
    ChangedDuringLoad {
        /// The file as the user named it.
        file: String,
        /// What the operating system said.
        detail: String,
    },
    /// A Parquet file polars could not decode.
    #[error(
        "'{file}' could not be read as a Parquet file. It may be incomplete or use a \
         feature Clearbox does not support; export it again or save it as CSV."
    )]
    BadParquet {
        /// The file as the user named it.
        file: String,
        /// The reader's message, for the log.
        detail: String,
    },
    /// Any other failure to read a file.
    #[error("'{file}' could not be read ({detail}). Check the file opens in another program.")]
    Unreadable {
        /// The file as the user named it.
        file: String,
        /// What went wrong, briefly.
        detail: String,
    },
    /// A column the user named does not exist.
    #[error("There is no column called '{column}' in '{file}'. Its columns are: {available}.")]
    UnknownColumn {
        /// The name the user gave.
        column: String,
        /// The file as the user named it.
        file: String,
        /// A short list of the real column names.
        available: String,
    },
    /// A saved model or groups folder that cannot be used: missing, cut
    /// short, from another version, or with parts that disagree.
    #[error("'{folder}' cannot be used: {problem}.")]
    DamagedArtefact {
        /// The folder as the user named it.
        folder: String,
        /// What is wrong and what to do, as the end of the sentence.
        problem: String,
    },
    /// A setting the user gave on the command line is not usable.
    #[error("{0}")]
    BadRequest(String),
    /// The user asked for a graphics card and none could be used.
    #[error(
        "No graphics card could be used ({detail}). Run with '--device cpu', or '--device auto' \
         to fall back to the processor automatically."
    )]
    NoGpu {
        /// Why the graphics card could not be used.
        detail: String,
    },
    /// A file of ours (settings, recipe) could not be written.
    #[error(
        "Could not save '{path}' ({detail}). Check there is free space and that you may write to that folder."
    )]
    SaveFailed {
        /// Where we tried to write.
        path: String,
        /// What the operating system said.
        detail: String,
    },
    /// A file given as a project that is not one Clearbox can use.
    #[error(
        "'{file}' is not a Clearbox project ({detail}). Choose a file ending in .clearbox that \
         Clearbox made, or give a new name to start a project."
    )]
    NotAProject {
        /// The file as the user named it.
        file: String,
        /// What it is instead.
        detail: String,
    },
    /// A project saved by a newer Clearbox.
    #[error(
        "'{file}' was saved by a newer version of Clearbox (project format {version}; this \
         version reads up to {supported}). Update Clearbox to open it; it was not changed."
    )]
    ProjectTooNew {
        /// The file as the user named it.
        file: String,
        /// The file's format.
        version: i32,
        /// The newest format this version reads.
        supported: i32,
    },
    /// Another Clearbox holds the project.
    #[error(
        "'{file}' is open in another Clearbox window or command. Close it there (or wait for \
         that command to finish), then try again."
    )]
    ProjectInUse {
        /// The file as the user named it.
        file: String,
    },
    /// A change asked of a project whose audit trail is broken.
    #[error(
        "'{file}' is open read-only because its audit trail is broken{}: nothing more can be \
         recorded in it. Keep it for review and start a new project.",
        seq.map(|s| format!(" at event {s}")).unwrap_or_default()
    )]
    ProjectReadOnly {
        /// The file as the user named it.
        file: String,
        /// The first event that does not match.
        seq: Option<i64>,
    },
    /// `clearbox audit` found a broken trail (exit code 3).
    #[error("'{file}': {sentence}")]
    BrokenTrail {
        /// The file as the user named it.
        file: String,
        /// The trail's state in a sentence.
        sentence: String,
    },
    /// The data a project recorded is not what is on disk now.
    #[error(
        "'{file}' is not the data {used_by}: its fingerprint is {now} where {recorded} was \
         recorded. Put the original file back at {location}, or start a new run on the new data."
    )]
    DataChanged {
        /// The file as the user named it.
        file: String,
        /// Where the project expects it.
        location: String,
        /// What used it, to end "is not the data …" ("run 3 was made from").
        used_by: String,
        /// The fingerprint recorded.
        recorded: String,
        /// The fingerprint now.
        now: String,
    },
    /// The user pressed Cancel.
    #[error("Cancelled. Nothing was changed.")]
    Cancelled,
    /// A lesson file that cannot be used as it is.
    #[error(
        "Line {line} of the lesson '{file}': {problem} Fix that line and check it again with 'clearbox lesson check'."
    )]
    BadLesson {
        /// The lesson file as the user named it.
        file: String,
        /// 1-based line, as a text editor counts lines.
        line: usize,
        /// What is wrong, as a sentence.
        problem: String,
    },
    /// A bug in Clearbox caught at a worker boundary.
    #[error(
        "Something went wrong inside Clearbox while {activity}. Your open data is unaffected; \
         please try again, and report it if it happens again."
    )]
    Internal {
        /// What we were doing, as a gerund phrase ("loading the file").
        activity: String,
        /// The panic message or error, for the log.
        detail: String,
    },
}

impl ClearboxError {
    /// True when the error comes from the user's input (bad file, bad option)
    /// rather than from Clearbox itself; the command line exits with code 2 then.
    pub fn is_user_input(&self) -> bool {
        !matches!(
            self,
            Self::Internal { .. } | Self::SaveFailed { .. } | Self::Cancelled
        )
    }

    /// Maps an I/O error on `path` to the sentence the user should see.
    pub fn from_io(path: &Path, err: &std::io::Error) -> Self {
        let file = display_name(path);
        match err.kind() {
            std::io::ErrorKind::NotFound => Self::NotFound { file },
            std::io::ErrorKind::PermissionDenied => Self::PermissionDenied { file },
            std::io::ErrorKind::IsADirectory => Self::Unreadable {
                file,
                detail: "it is a folder, not a file".into(),
            },
            _ => Self::Unreadable {
                file,
                detail: err.to_string(),
            },
        }
    }
}

/// The name of a file as we show it to users: the file name, not the whole path.
pub fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Library-wide result type.
pub type Result<T> = std::result::Result<T, ClearboxError>;
