//! End-to-end flows: the command line as a user runs it, the GUI through
//! egui_kittest, and data intake on awkward files. One test binary, so the
//! large dependency tree is linked once.

mod challenges_gui;
mod cli;
mod damaged;
mod device;
mod drift;
mod explain;
mod glm_reference;
mod gui;
mod intake;
mod kept_trees;
mod lessons_gui;
mod predict;
mod project_gui;
mod projects;
mod quality;
mod reinforce;
mod segment;

#[allow(dead_code)]
#[path = "../../src/ui/mod.rs"]
mod ui;

use std::path::{Path, PathBuf};

/// A file under `tests/`.
pub fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(relative)
}

/// The kinds of a project file's audit events, oldest first, read with
/// SQLite directly (as any tool could).
pub fn event_kinds(project: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(project).expect("the project opens in SQLite");
    let mut statement = db
        .prepare("SELECT kind FROM audit_events ORDER BY seq")
        .expect("an audit_events table");
    statement
        .query_map([], |row| row.get(0))
        .expect("rows")
        .map(|kind| kind.expect("a kind"))
        .collect()
}

/// A file under `sample-data/`.
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-data")
        .join(name)
}

/// A file of the shared data sets beside the checkout (`../shared/datasets`),
/// which CI always has. A test that needs one fails, saying what is missing,
/// rather than passing without it.
pub fn shared(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets")
        .join(relative);
    assert!(
        path.exists(),
        "this test needs {} (the shared data sets beside the checkout), which is missing",
        path.display()
    );
    path
}
