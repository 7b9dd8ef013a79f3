//! The simple model alone, for `clearbox bench simple`: how long it takes
//! and how well it does on the test rows of a real file, with the work
//! written out (rows of each set, their outcomes, the input columns) so that
//! `benches/peers/sklearn_simple.py` fits scikit-learn's `LogisticRegression`
//! or `Ridge` on exactly the same rows.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::compute::ComputeDevice;
use crate::data::{DataSource, load};
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::task::{TargetValues, read_target};
use crate::templates::prediction::{PredictionRequest, simple_only};

/// What the simple model did on one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimpleReport {
    /// Rows with a known outcome.
    pub rows: usize,
    /// "AUC", "accuracy" or "RMSE".
    pub metric: &'static str,
    /// Its value on the test rows.
    pub value: f64,
    /// The penalty chosen on the validation rows.
    pub penalty: f64,
    /// Seconds from the loaded table to the scored test rows.
    pub seconds: f64,
}

/// The same work for a peer: the file, the input columns, and each set's
/// rows with their outcomes (1/0 for yes/no, class numbers, or amounts).
#[derive(Debug, Serialize)]
struct Work<'a> {
    file: &'a Path,
    target: &'a str,
    inputs: Vec<String>,
    metric: &'static str,
    train: Set,
    valid: Set,
    test: Set,
}

#[derive(Debug, Serialize)]
struct Set {
    rows: Vec<usize>,
    y: Vec<f64>,
}

/// Fits the simple model on `file`, optionally writing the work to `write` (JSON).
pub fn simple_speed(
    file: &Path,
    request: &PredictionRequest,
    device: &ComputeDevice,
    write: Option<&Path>,
) -> Result<SimpleReport> {
    let table = load(&DataSource::File(file.to_path_buf()), &Progress::silent())?;
    let started = Instant::now();
    let simple = simple_only(&table, request, device, &Progress::silent())?;
    let seconds = started.elapsed().as_secs_f64();
    let metric = simple.test.metric().name();
    if let Some(path) = write {
        let (_, values) = read_target(&table, &request.target)?;
        let set = |rows: &[usize]| Set {
            rows: rows.to_vec(),
            y: rows
                .iter()
                .map(|&r| match &values {
                    TargetValues::Classes(v) => v[r].map_or(f64::NAN, f64::from),
                    TargetValues::Amounts(v) => v[r],
                })
                .collect(),
        };
        let work = Work {
            file,
            target: &request.target,
            inputs: simple.inputs.clone(),
            metric,
            train: set(&simple.split.train),
            valid: set(&simple.split.valid),
            test: set(&simple.split.test),
        };
        let text = serde_json::to_string(&work).map_err(|e| ClearboxError::Internal {
            activity: "writing the benchmark's work".into(),
            detail: e.to_string(),
        })?;
        crate::files::write_atomically(path, text.as_bytes())?;
    }
    Ok(SimpleReport {
        rows: simple.split.train.len() + simple.split.valid.len() + simple.split.test.len(),
        metric,
        value: simple.test.value(),
        penalty: simple.penalty.chosen,
        seconds,
    })
}
