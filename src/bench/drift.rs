//! Drift speed, for `clearbox bench drift`: a synthetic pair of tables with
//! five shifted columns compared column by column, or one file split by a
//! period column.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::synthetic::drift_table;
use crate::data::{DataSource, load};
use crate::drift::{DriftOptions, compare, compare_periods};
use crate::error::Result;
use crate::jobs::Progress;

/// What comparing a synthetic pair took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairReport {
    /// Rows in each table.
    pub rows_each: usize,
    /// Columns in each table.
    pub columns: usize,
    /// Worker threads the comparison could use.
    pub threads: usize,
    /// Seconds to build the two tables (not part of the figure).
    pub build_seconds: f64,
    /// Seconds to compare them.
    pub compare_seconds: f64,
    /// Cells compared per second.
    pub rows_per_second: f64,
    /// The verdict reached.
    pub verdict: &'static str,
    /// The columns found drifted (the first five were shifted).
    pub drifted: Vec<String>,
}

/// What splitting one file into periods and comparing them took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodsReport {
    /// Rows in the file.
    pub rows: usize,
    /// Columns in the file.
    pub columns: usize,
    /// Periods found.
    pub periods: usize,
    /// Seconds to read the file.
    pub load_seconds: f64,
    /// Seconds to compare the periods.
    pub compare_seconds: f64,
    /// The latest period's verdict.
    pub verdict: &'static str,
}

/// Compares two synthetic tables of `rows × columns`, the first five columns shifted.
pub fn pair_speed(rows: usize, columns: usize) -> Result<PairReport> {
    let started = Instant::now();
    let reference = drift_table(rows, columns, 1, &[]);
    let current = drift_table(rows, columns, 2, &[0, 1, 2, 3, 4]);
    let build_seconds = started.elapsed().as_secs_f64();
    let timer = Instant::now();
    let report = compare(
        &reference,
        &current,
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )?;
    let compare_seconds = timer.elapsed().as_secs_f64();
    Ok(PairReport {
        rows_each: rows,
        columns,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        build_seconds,
        compare_seconds,
        rows_per_second: (2 * rows * columns) as f64 / compare_seconds,
        verdict: report.verdict.key(),
        drifted: report
            .columns
            .iter()
            .filter(|c| c.drifted())
            .map(|c| c.name.clone())
            .collect(),
    })
}

/// Splits `file` by `column` and compares each period with the first.
pub fn periods_speed(file: &Path, column: &str) -> Result<PeriodsReport> {
    let started = Instant::now();
    let table = load(&DataSource::File(file.to_path_buf()), &Progress::silent())?;
    let load_seconds = started.elapsed().as_secs_f64();
    let timer = Instant::now();
    let report = compare_periods(
        &table,
        column,
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )?;
    Ok(PeriodsReport {
        rows: table.rows,
        columns: table.columns.len(),
        periods: report.periods.len(),
        load_seconds,
        compare_seconds: timer.elapsed().as_secs_f64(),
        verdict: report.latest.verdict.key(),
    })
}
