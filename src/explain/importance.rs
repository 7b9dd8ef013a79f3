//! What drives the model overall: the mean size of each column's Shapley
//! values over many rows, how much that figure moves when the background
//! sample and the coalitions change (the stability badge), and permutation
//! importance on rows with known outcomes, with an interval from repeats.

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::value::ValueFunction;
use super::{ExplainOptions, RowExplanation, explain_rows};
use crate::data::Table;
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::metrics::{AmountScores, auc};
use crate::ml::task::{TargetValues, TaskKind};
use crate::templates::{Explainable, Explained};

/// Whether a driver's weight can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// Reruns with other background rows and coalitions agree.
    Stable,
    /// Reruns disagree by more than a quarter: do not read much into its rank.
    Shaky,
}

impl Stability {
    /// The badge's word.
    pub fn word(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Shaky => "shaky",
        }
    }
}

/// One column's overall weight in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// The original input column.
    pub column: String,
    /// Mean absolute Shapley value over the explained rows.
    pub mean_abs: f64,
    /// Largest minus smallest `mean_abs` over the reruns.
    pub spread: f64,
    /// The badge.
    pub stability: Stability,
}

impl Driver {
    /// Its average effect as a reader takes it: percentage points of a
    /// chance ("8 points") where `task` predicts a label, else the
    /// amount in the target's units ("4,000").
    pub fn shown(&self, task: TaskKind) -> String {
        match task {
            TaskKind::Regression => crate::words::number(self.mean_abs),
            TaskKind::Binary | TaskKind::Multiclass => crate::words::points(self.mean_abs),
        }
    }
}

/// A rerun's spread above this share of the mean makes a driver shaky…
const SHAKY_SHARE: f64 = 0.25;
/// …unless it is below half a percentage point (or unit-scaled equivalent),
/// which no reader would act on.
const SHAKY_FLOOR: f64 = 0.005;

/// Drivers from one or more runs over the same rows (the first run is the
/// reported one; the others only measure the spread), strongest first.
pub fn drivers(runs: &[Vec<RowExplanation>], scale: f64) -> Vec<Driver> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    let columns: Vec<String> = first
        .first()
        .map(|r| r.attributions.iter().map(|a| a.column.clone()).collect())
        .unwrap_or_default();
    let mean_abs = |run: &[RowExplanation], j: usize| -> f64 {
        run.iter()
            .map(|r| r.attributions[j].amount.abs())
            .sum::<f64>()
            / run.len().max(1) as f64
    };
    let mut out: Vec<Driver> = columns
        .into_iter()
        .enumerate()
        .map(|(j, column)| {
            let all: Vec<f64> = runs.iter().map(|run| mean_abs(run, j)).collect();
            let (lo, hi) = all
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            let spread = hi - lo;
            let shaky = spread > SHAKY_SHARE * all[0] && spread > SHAKY_FLOOR * scale;
            Driver {
                column,
                mean_abs: all[0],
                spread,
                stability: if shaky {
                    Stability::Shaky
                } else {
                    Stability::Stable
                },
            }
        })
        .collect();
    out.sort_by(|a, b| b.mean_abs.total_cmp(&a.mean_abs));
    out
}

/// How much work the drivers of the explanation page may do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DriversBudget {
    /// Test rows the drivers are averaged over.
    pub rows: usize,
    /// Extra runs with other comparison rows, for the stability badge.
    pub reruns: usize,
    /// Background rows and coalitions per explained row.
    pub options: ExplainOptions,
}

impl Default for DriversBudget {
    /// 100 test rows, checked twice more; lighter coalitions than the
    /// command line's default so what-if answers in a moment.
    fn default() -> Self {
        Self {
            rows: 100,
            reruns: 2,
            options: ExplainOptions::quick(0),
        }
    }
}

/// Explains `rows` with `reruns` extra background samples and coalition
/// seeds, and returns the drivers with their stability.
pub fn stable_drivers(
    model: &dyn Explainable,
    table: &Table,
    rows: &[usize],
    options: &ExplainOptions,
    reruns: usize,
    device: &Device,
    progress: &Progress,
) -> Result<(Vec<RowExplanation>, Vec<Driver>)> {
    let mut runs = Vec::with_capacity(reruns + 1);
    for run in 0..=reruns {
        let options = ExplainOptions {
            seed: options.seed.wrapping_add(run as u64 * 7919),
            ..*options
        };
        let share = 1.0 / (reruns + 1) as f32;
        runs.push(explain_rows(
            model,
            table,
            rows,
            &options,
            device,
            &progress.scaled(run as f32 * share, share),
        )?);
    }
    let scale = model.unit();
    let drivers = drivers(&runs, scale);
    let first = runs.swap_remove(0);
    Ok((first, drivers))
}

/// The fall in test score when one column is shuffled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PermutationImportance {
    /// The original input column.
    pub column: String,
    /// Mean fall in the score over the repeats (AUC, accuracy, or the rise in RMSE).
    pub mean: f64,
    /// Smallest fall seen.
    pub low: f64,
    /// Largest fall seen.
    pub high: f64,
}

/// Permutation importance of each input on `rows` whose outcomes are
/// `truth`, `repeats` shuffles per column.
pub fn permutation_importance(
    model: &dyn Explainable,
    table: &Table,
    rows: &[usize],
    truth: &TargetValues,
    repeats: usize,
    seed: u64,
    device: &Device,
) -> Result<Vec<PermutationImportance>> {
    let rows: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&r| truth.is_known(r))
        .collect();
    let width = model.preprocessor().width();
    let x = model.preprocessor().transform(table, &rows)?;
    let function = ValueFunction::new(model, x.clone(), device)?;
    let score = |x: &[f32]| -> Result<f64> { score_rows(model, &function, x, &rows, truth, width) };
    let baseline = score(&x)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for (column, span) in model.inputs().iter().zip(&function.spans) {
        let mut falls = Vec::with_capacity(repeats);
        for _ in 0..repeats {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            order.shuffle(&mut rng);
            let mut shuffled = x.clone();
            for (i, &from) in order.iter().enumerate() {
                shuffled[i * width + span.start..i * width + span.end]
                    .copy_from_slice(&x[from * width + span.start..from * width + span.end]);
            }
            let permuted = score(&shuffled)?;
            falls.push(match model.target().task {
                TaskKind::Regression => permuted - baseline,
                _ => baseline - permuted,
            });
        }
        let mean = falls.iter().sum::<f64>() / falls.len().max(1) as f64;
        let (low, high) = falls
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        out.push(PermutationImportance {
            column: column.clone(),
            mean,
            low,
            high,
        });
    }
    out.sort_by(|a, b| b.mean.total_cmp(&a.mean));
    Ok(out)
}

/// AUC for yes/no, accuracy for classes, RMSE for amounts.
fn score_rows(
    model: &dyn Explainable,
    function: &ValueFunction<'_>,
    x: &[f32],
    rows: &[usize],
    truth: &TargetValues,
    width: usize,
) -> Result<f64> {
    let n = x.len() / width.max(1);
    Ok(match (truth, model.target().task) {
        (TargetValues::Amounts(values), _) => {
            // An amount model explains the same output on every row.
            let explained = vec![model.explained_for(&[], &[]); n];
            let predicted = function.predictions(x, &explained)?;
            let actual: Vec<f64> = rows.iter().map(|&r| values[r]).collect();
            AmountScores::measure(&predicted, &actual).rmse
        }
        (TargetValues::Classes(classes), TaskKind::Binary) => {
            let p = function.predictions(x, &vec![Explained::Probability(1); n])?;
            let scored: Vec<(f64, bool)> = rows
                .iter()
                .zip(p)
                .map(|(&r, p)| (p, classes[r] == Some(1)))
                .collect();
            auc(&scored).unwrap_or(0.5)
        }
        (TargetValues::Classes(classes), _) => {
            let raw = function.raw(x)?;
            let k = raw.len() / n.max(1);
            let right = raw
                .chunks(k.max(1))
                .zip(rows)
                .filter(|(out, r)| classes[**r] == Some(crate::ml::model::argmax(out) as u32))
                .count();
            right as f64 / n.max(1) as f64
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::Attribution;
    use crate::templates::Explained;

    fn run(amounts: &[(f64, f64)]) -> Vec<RowExplanation> {
        amounts
            .iter()
            .enumerate()
            .map(|(row, &(a, b))| RowExplanation {
                row,
                explained: Explained::Probability(1),
                prediction: 0.5 + a + b,
                base_value: 0.5,
                attributions: vec![
                    Attribution {
                        column: "steady".into(),
                        shown: String::new(),
                        amount: a,
                    },
                    Attribution {
                        column: "wobbly".into(),
                        shown: String::new(),
                        amount: b,
                    },
                ],
                exact: false,
            })
            .collect()
    }

    #[test]
    fn reruns_that_disagree_earn_the_shaky_badge() {
        // `steady` moves by a few percent between runs, `wobbly` by half.
        let runs = vec![
            run(&[(0.20, 0.10), (-0.20, -0.10)]),
            run(&[(0.21, 0.05), (-0.19, -0.05)]),
            run(&[(0.19, 0.15), (-0.20, -0.15)]),
        ];
        let found = drivers(&runs, 1.0);
        assert_eq!(found[0].column, "steady", "strongest first");
        assert_eq!(found[0].stability, Stability::Stable);
        assert!(
            (found[0].mean_abs - 0.20).abs() < 1e-12,
            "the first run is the one reported"
        );
        assert_eq!(found[1].column, "wobbly");
        assert_eq!(found[1].stability, Stability::Shaky);
        assert!((found[1].spread - 0.10).abs() < 1e-12);
        // A wobble no reader would act on (under half a point) stays stable.
        let tiny = vec![run(&[(0.2, 0.002)]), run(&[(0.2, 0.004)])];
        assert_eq!(drivers(&tiny, 1.0)[1].stability, Stability::Stable);
    }
}
