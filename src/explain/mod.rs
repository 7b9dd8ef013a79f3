//! Explanations of any artefact that offers a network to explain
//! ([`crate::templates::Explainable`]; a Prediction model today): why it
//! predicts what it does for one row (Shapley values per original input column, [`shapley`], evaluated in
//! large batches on the compute device, [`value`]), what drives it overall
//! and how stable that picture is ([`importance`]), what would change a
//! yes/no decision ([`counterfactual`]), all in plain sentences
//! ([`sentences`]), as a self-contained letter for a case file
//! ([`letter`]) and as the one-screen executive panel ([`panel`]). What-if
//! edits a row and explains it again ([`what_if`]). (Why a row is in its
//! segmentation group is the segmentation template's own explanation:
//! [`crate::templates::segmentation::membership`].)
//!
//! Columns are the user's original columns: a coalition switches a whole
//! column (all its encoded numbers) between the row's value and a
//! background row's value, so one-hot levels and number pieces are never
//! shown apart.

pub mod counterfactual;
pub mod distinct;
pub mod importance;
pub mod letter;
pub mod panel;
pub mod sentences;
pub mod shapley;
pub mod trees;
pub mod value;
pub mod what_if;

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Table;
use crate::error::Result;
use crate::jobs::Progress;
use crate::templates::{Explainable, Explained};
use shapley::Coalitions;
use value::ValueFunction;

/// How much work an explanation may do.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExplainOptions {
    /// Background rows each coalition is averaged over.
    pub background: usize,
    /// Coalitions per row when there are too many columns to try them all.
    pub coalitions: usize,
    /// Seed for the background sample and the coalitions.
    pub seed: u64,
}

impl Default for ExplainOptions {
    /// 100 background rows, as KernelSHAP's usual default, and 4 096
    /// coalitions: every one (exact values) for up to 12 columns.
    fn default() -> Self {
        Self {
            background: 100,
            coalitions: 4096,
            seed: 0,
        }
    }
}

impl ExplainOptions {
    /// A lighter setting for interactive what-if and stability reruns.
    pub fn quick(seed: u64) -> Self {
        Self {
            background: 40,
            coalitions: 512,
            seed,
        }
    }
}

/// One column's part in one prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// The original input column.
    pub column: String,
    /// The row's value, as shown in the table ("" when missing).
    pub shown: String,
    /// How far this column moves the prediction from the average, in the
    /// prediction's units (probability 0..1, or the target's units).
    pub amount: f64,
}

/// Why one row got its prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowExplanation {
    /// The row (0-based) in the explained table.
    pub row: usize,
    /// What is explained: a class's probability or an amount.
    pub explained: Explained,
    /// The model's prediction for the row.
    pub prediction: f64,
    /// The average prediction over the background rows.
    pub base_value: f64,
    /// One per input column, in the model's input order; they add up to
    /// `prediction - base_value`.
    pub attributions: Vec<Attribution>,
    /// Whether every coalition was evaluated (exact values) or a sample.
    pub exact: bool,
}

/// Encoded background rows: the model folder's sample of training rows when
/// it has one, else a sample of `table`'s rows. `count` rows at most, drawn with `seed`.
pub fn background(
    model: &dyn Explainable,
    table: &Table,
    count: usize,
    seed: u64,
) -> Result<Vec<f32>> {
    let width = model.preprocessor().width();
    let mut rng = StdRng::seed_from_u64(seed);
    if !model.background().is_empty() {
        let mut rows: Vec<usize> = (0..model.background().len() / width.max(1)).collect();
        rows.shuffle(&mut rng);
        rows.truncate(count);
        rows.sort_unstable();
        return Ok(rows
            .iter()
            .flat_map(|&r| {
                model.background()[r * width..(r + 1) * width]
                    .iter()
                    .copied()
            })
            .collect());
    }
    let mut rows: Vec<usize> = (0..table.rows).collect();
    rows.shuffle(&mut rng);
    rows.truncate(count);
    rows.sort_unstable();
    model.preprocessor().transform(table, &rows)
}

/// Explains `rows` of `table` (0-based), reporting progress per row.
pub fn explain_rows(
    model: &dyn Explainable,
    table: &Table,
    rows: &[usize],
    options: &ExplainOptions,
    device: &Device,
    progress: &Progress,
) -> Result<Vec<RowExplanation>> {
    let background = background(model, table, options.background, options.seed)?;
    let function = ValueFunction::new(model, background, device)?;
    let x = model.preprocessor().transform(table, rows)?;
    let width = model.preprocessor().width();
    let raw = value::raw_outputs(model, &x, device)?;
    let k = raw.len() / rows.len().max(1);
    let plan = Coalitions::plan(function.columns(), options.coalitions, options.seed);
    // On the processor, rows are explained a few at a time on rayon's
    // threads: burn's CPU backend runs its element-wise steps (layer norm,
    // softmax, the means) on one thread, so one row at a time left cores
    // idle between matrix products (a plain network's blocks run side by
    // side anyway; a row's own steps, its parts and its solve, still
    // overlap another row's). A graphics card is fed one row at a time.
    let at_once = if function.on_processor() {
        rayon::current_num_threads().max(1)
    } else {
        1
    };
    let explained: Vec<Explained> = (0..rows.len())
        .map(|i| model.explained_for(&x[i * width..(i + 1) * width], &raw[i * k..(i + 1) * k]))
        .collect();
    let values_of =
        |i: usize| function.values(&x[i * width..(i + 1) * width], &plan.flags, explained[i]);
    let mut out = Vec::with_capacity(rows.len());
    for start in (0..rows.len()).step_by(at_once) {
        progress.check_cancelled()?;
        progress.report(start as f32 / rows.len() as f32, "Explaining rows");
        let end = (start + at_once).min(rows.len());
        let batch: Vec<Result<Vec<f64>>> = (start..end).into_par_iter().map(values_of).collect();
        for (i, values) in (start..end).zip(batch) {
            let (row, explained, mut values) = (rows[i], explained[i], values?);
            // The full coalition is the row itself: use the prediction as computed
            // for the reader, so the values add up to exactly what is shown.
            let prediction = explained.of(&raw[i * k..(i + 1) * k]);
            values[1] = prediction;
            let amounts = shapley::solve(&plan, &values);
            let attributions = model
                .inputs()
                .iter()
                .zip(amounts)
                .map(|(column, amount)| Attribution {
                    column: column.clone(),
                    shown: table
                        .column(column)
                        .map(|c| c.values.display(row).into_owned())
                        .unwrap_or_default(),
                    amount,
                })
                .collect();
            out.push(RowExplanation {
                row,
                explained,
                prediction,
                base_value: values[0],
                attributions,
                exact: plan.exact,
            });
        }
    }
    progress.report(1.0, "Explained");
    Ok(out)
}

/// A rough forecast, in seconds, of explaining `rows` rows: each needs
/// coalitions × background model evaluations at most (on the processor,
/// fewer where masked rows repeat: [`distinct`], so the forecast errs
/// long). `clearbox bench explain` measured about 1 300 000 evaluations a
/// second on a two-core processor (the default network, 20 columns); a
/// graphics card is counted about fifteen times that.
pub fn estimate_seconds(
    model: &dyn Explainable,
    rows: usize,
    options: &ExplainOptions,
    gpu: bool,
) -> f64 {
    let m = model.inputs().len();
    let coalitions = Coalitions::plan(m, options.coalitions, 0).len();
    let forward_rows = rows as f64 * coalitions as f64 * options.background as f64;
    let per_second = if gpu { 20_000_000.0 } else { 1_200_000.0 };
    forward_rows / per_second
}
