//! Explanation throughput, for `clearbox bench explain`: the deep model
//! trained on a synthetic table of number columns (or on a user's table)
//! explains a batch of rows against a background sample; the first row
//! (kernel compilation) is timed apart. The work can be written out — the
//! network's weights, the encoded background and explained rows, where each
//! column sits in the encoded row, and Clearbox's values — so that
//! `benches/peers/shap_explain.py` runs `shap.KernelExplainer` on exactly
//! the same function.

use std::path::Path;
use std::time::Instant;

use burn::tensor::{Device, Tensor, TensorData};
use rayon::prelude::*;
use serde::Serialize;

use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::Result;
use crate::explain::importance::{DriversBudget, stable_drivers};
use crate::explain::shapley::Coalitions;
use crate::explain::value::ValueFunction;
use crate::explain::{ExplainOptions, explain_rows};
use crate::jobs::Progress;
use crate::ml::dense::{BLOCK_ROWS, DenseTail};
use crate::ml::model::{Network, NetworkWeights};
use crate::templates::prediction::{PredictionRequest, SavedModel, Scorer, train_prediction};

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
    /// Coalition × background-row values per second (each the model's
    /// output for one masked row).
    pub evaluations_per_second: f64,
    /// The share of those masked rows the model actually ran: the others
    /// came out the same as one already run (1.0 when no row shares a value
    /// with a background row, as on the synthetic table).
    pub evaluated_share: f64,
    /// Rows explained per second if explaining cost only the network's
    /// layers after the first, run on the masked rows the model ran, in
    /// passes of the same size, on all cores: the most any method that runs
    /// the model once per masked row reaches on this device (the rest of
    /// the work — the first layer from per-column parts, the outputs'
    /// probabilities and means, the weighted least squares — is the gap).
    pub network_alone_rows_per_second: f64,
    /// Seconds for the explanation page's drivers with its default budget
    /// (rows, reruns and quick coalitions of [`DriversBudget`]).
    pub drivers_seconds: f64,
}

/// The same work for a peer.
#[derive(Debug, Serialize)]
struct Work {
    /// Where each input column's numbers sit in the encoded row (start, end).
    spans: Vec<(usize, usize)>,
    /// Numbers per encoded row.
    width: usize,
    network: NetworkWeights,
    /// The class whose probability (softmax of the outputs) is explained.
    class: usize,
    /// Encoded background rows, `background × width`.
    background: Vec<f32>,
    /// Encoded explained rows, `rows × width`.
    rows: Vec<f32>,
    /// Clearbox's values, one list per explained row.
    values: Vec<Vec<f64>>,
    /// The average prediction over the background rows, per explained row.
    base_values: Vec<f64>,
    /// The explained probability of each row.
    predictions: Vec<f64>,
    /// Coalitions per row, the empty and full ones included.
    coalitions: usize,
    exact: bool,
    /// Clearbox's rows explained per second.
    rows_per_second: f64,
}

/// What a run explains.
pub enum Subject {
    /// A synthetic table of this many number columns, none of them shared
    /// between rows: every masked row is distinct (the most work).
    Synthetic {
        /// Input columns.
        columns: usize,
    },
    /// A user's table: categories and round numbers shared between rows
    /// make many masked rows the same.
    File {
        /// The table.
        table: Table,
        /// The yes/no or category column to predict.
        target: String,
        /// Columns left out.
        exclude: Vec<String>,
    },
}

/// Trains on `subject`'s table and explains its first `rows` rows (after
/// row 0, timed apart), optionally writing the work to `write` (JSON).
pub fn explain_throughput(
    device: &ComputeDevice,
    subject: Subject,
    rows: usize,
    options: &ExplainOptions,
    write: Option<&Path>,
) -> Result<ExplainReport> {
    let (table, target, exclude) = match subject {
        Subject::Synthetic { columns } => (
            super::synthetic::outcome_table(5000.max(rows + 1), columns),
            "outcome".to_owned(),
            Vec::new(),
        ),
        Subject::File {
            table,
            target,
            exclude,
        } => (table, target, exclude),
    };
    if table.rows <= rows {
        return Err(crate::error::ClearboxError::BadRequest(format!(
            "{} has {} rows: explaining {rows} needs at least {}. Ask for fewer with --rows.",
            table.name,
            table.rows,
            rows + 1
        )));
    }
    let started = Instant::now();
    let request = PredictionRequest {
        target,
        exclude,
        include: Vec::new(),
        seed: 1,
        split: Default::default(),
    };
    let outcome = train_prediction(&table, &request, device, &Progress::silent(), &|_| {})?;
    let train_seconds = started.elapsed().as_secs_f64();
    // The deep network is what is measured, even where the simple model
    // would have been chosen for this table.
    let model = SavedModel {
        scorer: Scorer::Network(outcome.deep.clone()),
        ..SavedModel::from_outcome(&outcome)
    };
    let dev: &Device = &device.device;
    let started = Instant::now();
    let first = explain_rows(&model, &table, &[0], options, dev, &Progress::silent())?;
    let first_row_seconds = started.elapsed().as_secs_f64();
    let rest: Vec<usize> = (1..=rows).collect();
    let started = Instant::now();
    let explained = explain_rows(&model, &table, &rest, options, dev, &Progress::silent())?;
    let seconds = started.elapsed().as_secs_f64();
    // The plan, background rows and encoded rows `explain_rows` used, for the
    // share of masked rows run and for the peer's work file.
    let plan = Coalitions::plan(model.card.inputs.len(), options.coalitions, options.seed);
    let coalitions = plan.len();
    let preprocessor = &model.card.preprocessor;
    let background = crate::explain::background(&model, &table, options.background, options.seed)?;
    let x_rest = preprocessor.transform(&table, &rest)?;
    let (evaluated_share, network_alone_seconds) = {
        let function = ValueFunction::new(&model, background.clone(), dev)?;
        let run: Vec<usize> = x_rest
            .chunks(preprocessor.width().max(1))
            .map(|row| function.evaluations(row, &plan.flags))
            .collect();
        let share = run.iter().sum::<usize>() as f64
            / (rest.len() * coalitions * function.background_rows()) as f64;
        let network = model.scorer.require_network("timing the network alone")?;
        (
            share,
            network_alone_seconds(
                network,
                &run,
                function.pass_rows(),
                function.on_processor(),
                dev,
            )?,
        )
    };
    if let Some(path) = write {
        let work = Work {
            spans: preprocessor
                .spans()
                .into_iter()
                .map(|s| (s.start, s.end))
                .collect(),
            width: preprocessor.width(),
            network: model
                .scorer
                .require_network("writing the explanation work")?
                .weights()?,
            class: match explained.first().map(|e| e.explained) {
                Some(crate::templates::Explained::Probability(class)) => class,
                // The peer compares probabilities; only `--data` with an
                // amount target gets here (the synthetic target is yes/no).
                _ => {
                    return Err(crate::error::ClearboxError::BadRequest(
                        "--write hands shap a probability to explain: give --target a yes/no \
                         or category column, or leave --write out."
                            .into(),
                    ));
                }
            },
            background,
            rows: x_rest,
            values: explained
                .iter()
                .map(|e| e.attributions.iter().map(|a| a.amount).collect())
                .collect(),
            base_values: explained.iter().map(|e| e.base_value).collect(),
            predictions: explained.iter().map(|e| e.prediction).collect(),
            coalitions,
            exact: first.first().is_some_and(|e| e.exact),
            rows_per_second: rows as f64 / seconds,
        };
        let text =
            serde_json::to_string(&work).map_err(|e| crate::error::ClearboxError::Internal {
                activity: "writing the explanation work".into(),
                detail: e.to_string(),
            })?;
        crate::files::write_atomically(path, text.as_bytes())?;
    }
    let budget = DriversBudget::default();
    let driver_rows: Vec<usize> = (0..budget.rows.min(table.rows)).collect();
    let started = Instant::now();
    stable_drivers(
        &model,
        &table,
        &driver_rows,
        &budget.options,
        budget.reruns,
        dev,
        &Progress::silent(),
    )?;
    let drivers_seconds = started.elapsed().as_secs_f64();
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
        evaluated_share,
        network_alone_rows_per_second: rows as f64 / network_alone_seconds,
        drivers_seconds,
    })
}

/// Seconds the network's layers after the first take on as many masked
/// rows as each explained row ran (`masked`, one count per row), as
/// [`explain_rows`] runs them: on the processor the dense layers
/// ([`DenseTail`]) in blocks of [`BLOCK_ROWS`] rows side by side on rayon's
/// threads; on a graphics card burn's forward in passes of `pass_rows`,
/// one at a time. Any way of explaining that runs the model on each of
/// those rows spends at least this, so it bounds the rows explained per
/// second on `device`.
fn network_alone_seconds(
    network: &Network,
    masked: &[usize],
    pass_rows: usize,
    on_processor: bool,
    device: &Device,
) -> Result<f64> {
    let (weight, _) = network.first_layer();
    let [_, hidden] = weight.dims();
    // The numbers do not change the work; these are ordinary ones, of the
    // size first-layer outputs have.
    let rows = if on_processor { BLOCK_ROWS } else { pass_rows };
    let numbers: Vec<f32> = (0..rows * hidden)
        .map(|i| ((i * 7919) % 2003) as f32 / 1001.5 - 1.0)
        .collect();
    if on_processor {
        let tail = DenseTail::new(network)?;
        let started = Instant::now();
        masked.par_iter().for_each(|&rows| {
            let blocks: Vec<usize> = (0..rows).step_by(BLOCK_ROWS).collect();
            blocks.par_iter().for_each(|&start| {
                let n = (rows - start).min(BLOCK_ROWS);
                drop(tail.outputs(numbers[..n * hidden].to_vec(), n));
            });
        });
        return Ok(started.elapsed().as_secs_f64());
    }
    let pass = Tensor::<2>::from_data(TensorData::new(numbers, [pass_rows, hidden]), device);
    let started = Instant::now();
    for &rows in masked {
        for start in (0..rows).step_by(pass_rows.max(1)) {
            let n = (rows - start).min(pass_rows);
            // Read back, as the explanation reads its outputs.
            drop(
                network
                    .forward_after_first(pass.clone().narrow(0, 0, n))
                    .into_data(),
            );
        }
    }
    Ok(started.elapsed().as_secs_f64())
}
