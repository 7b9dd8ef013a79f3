//! Drift and monitoring: is a model still right about today's data?
//!
//! [`compare`] measures, column by column, how a *current* table differs
//! from a *reference* table (the data a model was trained on, last year's
//! file, the first period of one table): numbers by PSI on the reference's
//! deciles, the Kolmogorov–Smirnov statistic and the Wasserstein distance
//! ([`numeric`]); labels by PSI, the Jensen–Shannon distance and a χ² test,
//! with new labels found ([`categorical`]). A change is called drift by its
//! size, and only when a significance test corrected for the number of
//! columns agrees ([`verdict`]), so big tables do not alarm over tiny shifts
//! and small ones do not alarm over noise. With a saved model ([`model`]) the
//! model's predictions and, when the outcome is known, its score on the new
//! rows are compared too, and each column's drift is weighed by how much the
//! model relies on it. [`periods`] splits one table by a period column and
//! compares each period with the first.

pub mod bins;
pub mod categorical;
pub mod challenger;
pub mod glossary;
mod measure;
pub mod model;
pub mod numeric;
pub mod periods;
mod select;
mod sentences;
pub mod stats;
pub mod verdict;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::data::{ColumnRole, Table};
use crate::error::Result;
use crate::jobs::Progress;

pub use categorical::{LabelChange, LabelMeasures, NewLabels};
pub use model::{ModelCheck, ModelDrift, ScoreChange};
pub use numeric::NumericMeasures;
pub use periods::{PeriodReport, compare_periods};
pub use verdict::{DriftBand, DriftVerdict};

/// What one column's comparison found, before it is judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured<M> {
    /// PSI, JS distance and χ² over the bins.
    pub comparison: bins::BinComparison,
    /// The column's p-value (before correcting for many columns).
    pub p_value: f64,
    /// Share of missing values in the reference and the current table.
    pub missing: (f64, f64),
    /// Measures particular to the kind of column.
    pub measures: M,
    /// For labels and coded numbers: the value whose share moved most.
    pub biggest_change: Option<LabelChange>,
    /// The two distributions, for the overlaid chart.
    pub chart: DriftChart,
}

/// The two distributions of a column, ready to overlay. Shares are of the
/// non-missing rows of each table, so tables of any size compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DriftChart {
    /// Nothing to draw.
    Empty,
    /// Numbers: `edges` has one more entry than each share list.
    Histogram {
        /// Bin edges, ascending.
        edges: Vec<f64>,
        /// Share of reference values in each bin.
        reference: Vec<f64>,
        /// Share of current values in each bin.
        current: Vec<f64>,
    },
    /// Labels (and numbers with few values): one pair of bars per label.
    Bars {
        /// The labels, most common first (codes in ascending order).
        labels: Vec<String>,
        /// Share of reference rows with each label.
        reference: Vec<f64>,
        /// Share of current rows with each label.
        current: Vec<f64>,
    },
}

/// Measures particular to the kind of column.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measures {
    /// A number column.
    Number(NumericMeasures),
    /// A label column.
    Label(LabelMeasures),
}

/// How one column drifted, judged and put in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnDrift {
    /// The column's name.
    pub name: String,
    /// Its role in the reference table.
    pub role: ColumnRole,
    /// Population stability index over the bins (missing values are a bin).
    pub psi: f64,
    /// Jensen–Shannon distance over the same bins.
    pub js: f64,
    /// The column's own p-value.
    pub p_value: f64,
    /// The p-value after Holm's correction for the number of columns compared.
    pub p_adjusted: f64,
    /// The judgement.
    pub band: DriftBand,
    /// Measures particular to numbers or labels.
    pub measures: Measures,
    /// Share of missing values in the reference and the current table.
    pub missing: (f64, f64),
    /// The value whose share moved most, for labels and coded numbers.
    pub biggest_change: Option<LabelChange>,
    /// With a model: the column's share of the model's reliance (0 when not an input).
    pub importance: Option<f64>,
    /// With a model: 1 for its strongest input, 2 for the next...
    pub importance_rank: Option<usize>,
    /// One plain sentence: what changed, by how much, and what it means.
    pub sentence: String,
    /// The overlaid distributions.
    pub chart: DriftChart,
}

impl ColumnDrift {
    /// Whether the column counts as drifted (a moderate or large change).
    pub fn drifted(&self) -> bool {
        self.band.is_drifted()
    }
}

/// A column that was not compared, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeftOut {
    /// The column's name.
    pub column: String,
    /// Why, in a few words.
    pub reason: String,
}

/// What the user asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriftOptions {
    /// Columns to leave out.
    pub exclude: Vec<String>,
}

/// The whole comparison: the verdict, its reasons and the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The reference table's name.
    pub reference_name: String,
    /// The current table's name.
    pub current_name: String,
    /// Rows in each.
    pub rows: (usize, usize),
    /// Stable, Watch or Retrain.
    pub verdict: DriftVerdict,
    /// The two or three facts that decided it, as sentences.
    pub reasons: Vec<String>,
    /// The compared columns, what matters most first.
    pub columns: Vec<ColumnDrift>,
    /// Columns not compared.
    pub left_out: Vec<LeftOut>,
    /// With a model: its predictions, score and reliance on each column.
    pub model: Option<ModelDrift>,
    /// How drift was decided, for the curious reader.
    pub method: String,
}

impl DriftReport {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnDrift> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Level of the corrected test a change must pass to count.
pub const SIGNIFICANCE: f64 = 0.05;

/// Compares `current` with `reference`, column by column, and with a model
/// when one is given. Runs for seconds on millions of rows: call it from a worker.
pub fn compare(
    reference: &Table,
    current: &Table,
    options: &DriftOptions,
    model: Option<&ModelCheck<'_>>,
    progress: &Progress,
) -> Result<DriftReport> {
    progress.report(0.0, "Choosing the columns to compare");
    let (pairs, left_out) = select::choose_columns(reference, current, options)?;
    let measure_share = if model.is_some() { 0.6 } else { 0.95 };
    let measured = measure::measure_all(
        reference,
        current,
        &pairs,
        &progress.scaled(0.0, measure_share),
    )?;
    let adjusted = stats::holm(&measured.iter().map(|m| m.p_value()).collect::<Vec<_>>());
    let mut columns: Vec<ColumnDrift> = measured
        .into_iter()
        .zip(adjusted)
        .zip(&pairs)
        .map(|((m, p_adjusted), &(r, _))| m.judge(&reference.columns[r], p_adjusted))
        .collect();
    let model_drift = match model {
        Some(check) => {
            progress.report(measure_share, "Checking the model on the new rows");
            let drift = model::check_model(
                check,
                reference,
                current,
                &progress.scaled(measure_share, 0.98 - measure_share),
            )?;
            for column in &mut columns {
                let share = drift
                    .importance
                    .iter()
                    .position(|(name, _)| name == &column.name);
                column.importance = Some(share.map_or(0.0, |i| drift.importance[i].1));
                column.importance_rank = share.map(|i| i + 1);
            }
            Some(drift)
        }
        None => None,
    };
    for column in &mut columns {
        column.sentence = sentences::column_sentence(column);
    }
    verdict::rank(&mut columns);
    let (verdict, reasons) = verdict::decide(&columns, model_drift.as_ref());
    progress.report(1.0, "Done");
    Ok(DriftReport {
        reference_name: reference.name.clone(),
        current_name: current.name.clone(),
        rows: (reference.rows, current.rows),
        verdict,
        reasons,
        method: sentences::method_note(columns.len()),
        columns,
        left_out,
        model: model_drift,
    })
}
