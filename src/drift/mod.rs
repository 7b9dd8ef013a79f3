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
pub mod model;
pub mod numeric;
pub mod periods;
pub mod rows;
mod sentences;
pub mod stats;
pub mod synthetic;
pub mod verdict;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::data::{ColumnRole, ColumnValues, Table};
use crate::error::{ClearboxError, Result};
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
    let (pairs, left_out) = choose_columns(reference, current, options)?;
    let measure_share = if model.is_some() { 0.6 } else { 0.95 };
    let measured = measure_all(
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

/// Pairs of column indices (reference, current) to compare, and the columns left out.
type Chosen = (Vec<(usize, usize)>, Vec<LeftOut>);

fn choose_columns(reference: &Table, current: &Table, options: &DriftOptions) -> Result<Chosen> {
    for name in &options.exclude {
        if reference.column(name).is_none() && current.column(name).is_none() {
            return Err(ClearboxError::UnknownColumn {
                column: name.clone(),
                file: reference.name.clone(),
                available: reference.column_list(),
            });
        }
    }
    let mut pairs = Vec::new();
    let mut left_out = Vec::new();
    let mut leave = |column: &str, reason: String| {
        left_out.push(LeftOut {
            column: column.to_owned(),
            reason,
        })
    };
    let mut common = 0;
    for (r, column) in reference.columns.iter().enumerate() {
        let Some(c) = current.column_index(&column.name) else {
            leave(&column.name, format!("not in '{}'", current.name));
            continue;
        };
        common += 1;
        if options.exclude.contains(&column.name) {
            leave(&column.name, "left out by you".into());
            continue;
        }
        let reason = match column.role {
            ColumnRole::Identifier => Some("an identifier: it differs on every row".to_owned()),
            ColumnRole::Text => Some("free text is not compared".to_owned()),
            ColumnRole::Datetime => {
                Some("dates always move on; choose it as the period column instead".to_owned())
            }
            _ => None,
        };
        let other = &current.columns[c];
        let reason = reason.or_else(|| {
            let same_kind = matches!(
                (column.values.as_ref(), other.values.as_ref()),
                (ColumnValues::Number(_), ColumnValues::Number(_))
                    | (ColumnValues::Text(_), ColumnValues::Text(_))
            );
            if !same_kind {
                return Some("holds numbers in one table and text in the other".to_owned());
            }
            match (single_value(&column.values), single_value(&other.values)) {
                (Some(a), Some(b)) if a == b => Some(format!("holds only '{a}' in both tables")),
                (Some(a), Some(b)) => Some(format!(
                    "holds one value in each table ('{a}' and '{b}'): it labels the tables \
                     rather than describing rows"
                )),
                _ => None,
            }
        });
        match reason {
            Some(reason) => leave(&column.name, reason),
            None => pairs.push((r, c)),
        }
    }
    if common == 0 {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' and '{}' have no columns with the same names, so there is nothing to compare. \
             Check that both files are the same kind of export.",
            reference.name, current.name
        )));
    }
    if pairs.is_empty() {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' and '{}' share no column that can be compared (identifiers, dates and free \
             text are left out). Check the column roles or the columns you left out.",
            reference.name, current.name
        )));
    }
    Ok((pairs, left_out))
}

/// The one value a column holds, if it holds exactly one (missing aside).
fn single_value(values: &ColumnValues) -> Option<String> {
    let mut first: Option<usize> = None;
    for row in 0..values.len() {
        if values.is_missing(row) {
            continue;
        }
        match first {
            None => first = Some(row),
            Some(f) => {
                let same = match values {
                    ColumnValues::Number(v) => v[f] == v[row],
                    ColumnValues::Text(t) => t.codes[f] == t.codes[row],
                    ColumnValues::Datetime(v) => v[f] == v[row],
                };
                if !same {
                    return None;
                }
            }
        }
    }
    first.map(|f| values.display(f).into_owned())
}

/// One column's measurement, of either kind.
enum AnyMeasured {
    Number(Measured<NumericMeasures>),
    Label(Measured<LabelMeasures>),
}

impl AnyMeasured {
    fn p_value(&self) -> f64 {
        match self {
            Self::Number(m) => m.p_value,
            Self::Label(m) => m.p_value,
        }
    }

    fn judge(self, column: &crate::data::Column, p_adjusted: f64) -> ColumnDrift {
        let (comparison, p_value, missing, measures, biggest_change, chart) = match self {
            Self::Number(m) => (
                m.comparison,
                m.p_value,
                m.missing,
                Measures::Number(m.measures),
                m.biggest_change,
                m.chart,
            ),
            Self::Label(m) => (
                m.comparison,
                m.p_value,
                m.missing,
                Measures::Label(m.measures),
                m.biggest_change,
                m.chart,
            ),
        };
        let band = verdict::band(comparison.psi, &measures, p_adjusted);
        ColumnDrift {
            name: column.name.clone(),
            role: column.role,
            psi: comparison.psi,
            js: comparison.js,
            p_value,
            p_adjusted,
            band,
            measures,
            missing,
            biggest_change,
            importance: None,
            importance_rank: None,
            sentence: String::new(),
            chart,
        }
    }
}

fn measure_pair(reference: &ColumnValues, current: &ColumnValues) -> Option<AnyMeasured> {
    match (reference, current) {
        (ColumnValues::Number(r), ColumnValues::Number(c)) => {
            Some(AnyMeasured::Number(numeric::measure(r, c)))
        }
        (ColumnValues::Text(r), ColumnValues::Text(c)) => {
            Some(AnyMeasured::Label(categorical::measure(r, c)))
        }
        _ => None,
    }
}

/// Measures every pair, spread over the processor's cores: columns are
/// independent, and on millions of rows sorting dominates.
fn measure_all(
    reference: &Table,
    current: &Table,
    pairs: &[(usize, usize)],
    progress: &Progress,
) -> Result<Vec<AnyMeasured>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let cancel = progress.cancel_token().clone();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(pairs.len())
        .max(1);
    let (tx, rx) = std::sync::mpsc::channel();
    let mut results: Vec<Option<AnyMeasured>> = (0..pairs.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, cancel) = (&next, &cancel);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= pairs.len() || cancel.is_cancelled() {
                        break;
                    }
                    let (r, c) = pairs[i];
                    let measured =
                        measure_pair(&reference.columns[r].values, &current.columns[c].values);
                    if tx.send((i, measured)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut done = 0;
        for (i, measured) in rx {
            results[i] = measured;
            done += 1;
            progress.report(
                done as f32 / pairs.len() as f32,
                &format!("Compared {done} of {} columns", pairs.len()),
            );
        }
    });
    progress.check_cancelled()?;
    results
        .into_iter()
        .map(|m| {
            m.ok_or_else(|| ClearboxError::Internal {
                activity: "comparing the tables".into(),
                detail: "a column was not measured".into(),
            })
        })
        .collect()
}
