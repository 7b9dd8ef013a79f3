//! Explanation throughput, for `clearbox bench explain`: a model trained on
//! a synthetic table of number columns explains a batch of rows against a
//! background sample; the first row (kernel compilation) is timed apart.

use std::time::Instant;

use burn::tensor::Device;
use serde::Serialize;

use super::{ExplainOptions, explain_rows};
use crate::compute::ComputeDevice;
use crate::data::table::TableOrigin;
use crate::data::{ColumnValues, Table, infer};
use crate::error::Result;
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

/// A table of `rows` rows: `columns` number columns and a yes/no outcome
/// that depends on a few of them, so the model has something to explain.
pub fn synthetic_table(rows: usize, columns: usize) -> Table {
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let values: Vec<Vec<f64>> = (0..columns)
        .map(|_| (0..rows).map(|_| next()).collect())
        .collect();
    let outcome: Vec<f64> = (0..rows)
        .map(|r| {
            let score: f64 = values
                .iter()
                .take(4)
                .enumerate()
                .map(|(j, v)| v[r] * (j + 1) as f64)
                .sum();
            f64::from(u8::from(score + next() > 5.5))
        })
        .collect();
    let mut table_columns: Vec<_> = values
        .into_iter()
        .enumerate()
        .map(|(j, v)| infer::column(format!("x{j}"), ColumnValues::Number(v)))
        .collect();
    table_columns.push(infer::column(
        "outcome".into(),
        ColumnValues::Number(outcome),
    ));
    Table {
        name: "synthetic".into(),
        origin: TableOrigin::Sample("synthetic".into()),
        columns: table_columns,
        rows,
        notices: Vec::new(),
        fingerprint: String::new(),
    }
}

/// Trains on a synthetic table of `columns` columns and explains `rows` rows.
pub fn explain_throughput(
    device: &ComputeDevice,
    columns: usize,
    rows: usize,
    options: &ExplainOptions,
) -> Result<ExplainReport> {
    let table = synthetic_table(5000.max(rows + 1), columns);
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
        super::shapley::Coalitions::plan(model.card.inputs.len(), options.coalitions, 0).len();
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
