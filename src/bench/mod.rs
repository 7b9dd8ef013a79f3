//! Speed figures for `clearbox bench`: each benchmark builds its own work
//! (synthetic tables in [`synthetic`], or a file the user names), times it
//! with the first run (kernel compilation, autotuning) apart from the steady
//! runs that follow, and returns a report the command line prints as JSON.
//! Nothing here is used by the app's own work; the core modules know nothing
//! of it.

pub mod drift;
pub mod explain;
pub mod kmeans;
pub mod reinforcement;
pub mod simple;
pub mod synthetic;
pub mod train;

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::data::{DataSource, load};
use crate::error::Result;
use crate::jobs::Progress;

/// What opening and profiling one file took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenReport {
    /// Rows read.
    pub rows: usize,
    /// Columns read.
    pub columns: usize,
    /// Seconds to read the file into a table.
    pub load_seconds: f64,
    /// Seconds for the health report on top.
    pub profile_seconds: f64,
}

/// Opens `file` and checks its health, timing both.
pub fn open_speed(file: &Path) -> Result<OpenReport> {
    let started = Instant::now();
    let table = load(&DataSource::File(file.to_path_buf()), &Progress::silent())?;
    let load_seconds = started.elapsed().as_secs_f64();
    crate::health::analyse(&table, None, &Progress::silent())?;
    Ok(OpenReport {
        rows: table.rows,
        columns: table.columns.len(),
        load_seconds,
        profile_seconds: started.elapsed().as_secs_f64() - load_seconds,
    })
}

/// The median of `seconds` (0 when empty).
fn median(seconds: &[f64]) -> f64 {
    let mut sorted = seconds.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(0.0)
}
