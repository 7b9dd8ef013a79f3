//! What Clearbox keeps: between sessions, the recent files and each file's
//! recipe ([`settings`]); and, when the user works in one, a **project
//! file** (`NAME.clearbox`, one SQLite database) holding every data source,
//! run, artefact, drift check, explanation, promotion and note, with a
//! tamper-evident audit trail ([`audit`]) and reruns that check a result
//! repeats ([`recorded`]). The file's tables are in [`schema`]; the crate
//! docs describe them.

pub mod account;
pub mod audit;
pub mod recorded;
pub mod records;
pub mod report;
pub mod runs;
pub mod schema;
pub mod settings;
pub mod store;
mod svg;

pub use account::{Account, Accountable};
pub use audit::{Event, EventKind, Trail};
pub use recorded::{
    RecordIn, Replayed, Rerun, Trained, locked, replay, rerun, train_on_source, train_recorded,
};
pub use records::DriftRecord;
pub use report::report;
pub use runs::{RunId, RunRecord, RunStatus, SourceId, SourceRecord};
pub use settings::{Look, RecentFile, Settings, ThemeChoice};
pub use store::{EXTENSION, Project};

#[cfg(test)]
mod tests;
