//! Explanation throughput, for `clearbox bench explain`: a model trained on
//! a synthetic table of number columns explains a batch of rows against a
//! background sample; the first row (kernel compilation) is timed apart.

use std::time::Instant;

use burn::tensor::Device;
use serde::Serialize;

use crate::compute::ComputeDevice;
use crate::error::Result;
use crate::explain::{ExplainOptions, explain_rows};
use crate::jobs::Progress;
use crate::templates::prediction::{PredictionRequest, SavedModel, train_prediction};

/// What one run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainReport {
    /// Input columns of the model.
    pub columns: usize,
    /// Rows explained (after the first).
    pub rows: usize,
    /// Background rows.
    pub background: usize,
    /// Coalitions per row.
    pub coalitions: usize,
    /// Whether every coalition was evaluated.
    pub exact: bool,
    /// Seconds to train the model being explained (not part of the figure).
    pub train_seconds: f64,
    /// Seconds for the first row, kernel compilation included.
    pub first_row_seconds: f64,
    /// Seconds for the other rows.
    pub seconds: f64,
    /// Rows explained per second.
    pub rows_per_second: f64,
    /// Model evaluations (coalition × background row) per second.
    pub evaluations_per_second: f64,
}

/// Trains on a synthetic table of `columns` columns and explains `rows` rows.
pub fn explain_throughput(
    device: &ComputeDevice,
    columns: usize,
    rows: usize,
    options: &ExplainOptions,
) -> Result<ExplainReport> {
    let table = super::synthetic::outcome_table(5000.max(rows + 1), columns);
    let started = Instant::now();
    let request = PredictionRequest {
        target: "outcome".into(),
        exclude: Vec::new(),
        include: Vec::new(),
        seed: 1,
        split: Default::default(),
    };
    let outcome = train_prediction(&table, &request, device, &Progress::silent(), &|_| {})?;
    let train_seconds = started.elapsed().as_secs_f64();
    let model = SavedModel::from_outcome(&outcome);
    let dev: &Device = &device.device;
    let started = Instant::now();
    let first = explain_rows(&model, &table, &[0], options, dev, &Progress::silent())?;
    let first_row_seconds = started.elapsed().as_secs_f64();
    let rest: Vec<usize> = (1..=rows).collect();
    let started = Instant::now();
    explain_rows(&model, &table, &rest, options, dev, &Progress::silent())?;
    let seconds = started.elapsed().as_secs_f64();
    let coalitions =
        crate::explain::shapley::Coalitions::plan(model.card.inputs.len(), options.coalitions, 0)
            .len();
    Ok(ExplainReport {
        columns: model.card.inputs.len(),
        rows,
        background: options.background,
        coalitions,
        exact: first.first().is_some_and(|e| e.exact),
        train_seconds,
        first_row_seconds,
        seconds,
        rows_per_second: rows as f64 / seconds,
        evaluations_per_second: (rows * coalitions * options.background) as f64 / seconds,
    })
}
