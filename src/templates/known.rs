//! An artefact that predicts a known column can be measured on any rows
//! where that column is filled in, with the same measure as its test score:
//! drift uses this to see whether a model still holds on newer data, and
//! champion and challenger to compare two models on the same rows.

use super::Output;
use crate::data::{ColumnValues, Table};
use crate::ml::metrics::{AmountScores, Metric, Scores, auc};
use crate::ml::task::TargetColumn;

/// What a prediction artefact knows about the column it predicts.
#[derive(Debug, Clone, Copy)]
pub struct KnownOutcome<'a> {
    /// The column and its classes.
    pub target: &'a TargetColumn,
    /// Its scores on the test rows when it was trained.
    pub test: &'a Scores,
}

/// A measure taken on some rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// Which measure.
    pub metric: Metric,
    /// Its value.
    pub value: f64,
    /// The rows with a known outcome it was taken on.
    pub rows: usize,
}

impl KnownOutcome<'_> {
    /// The test measure of `output` (the answer for `rows` of `table`)
    /// against the outcomes filled in on those rows. `None` when `table` has
    /// no such column, no row has it, or (for AUC) only one outcome occurs.
    pub fn measure(&self, output: &Output, table: &Table, rows: &[usize]) -> Option<Measured> {
        let column = table.column(&self.target.name)?;
        let classes = &self.target.classes;
        // Labels are matched by how they read, so a newer export whose
        // labels come in another order (or case) is still understood.
        let class_of = |row: usize| -> Option<usize> {
            let shown = column.values.display(row);
            let shown = shown.trim();
            classes
                .iter()
                .position(|c| c == shown)
                .or_else(|| classes.iter().position(|c| c.eq_ignore_ascii_case(shown)))
        };
        let metric = self.test.metric();
        let (value, n) = match (metric, output, column.values.as_ref()) {
            (Metric::Auc, Output::Classes { probabilities, .. }, _) => {
                let positive = probabilities.last()?;
                let pairs: Vec<(f64, bool)> = rows
                    .iter()
                    .zip(positive)
                    .filter_map(|(&r, &p)| class_of(r).map(|c| (p, c + 1 == classes.len())))
                    .collect();
                (auc(&pairs)?, pairs.len())
            }
            (Metric::Accuracy, Output::Classes { chosen, .. }, _) => {
                let known: Vec<bool> = rows
                    .iter()
                    .zip(chosen)
                    .filter_map(|(&r, &c)| class_of(r).map(|truth| truth == c))
                    .collect();
                let right = known.iter().filter(|k| **k).count();
                (right as f64 / known.len().max(1) as f64, known.len())
            }
            (Metric::Rmse, Output::Amounts(predicted), ColumnValues::Number(v)) => {
                let (p, t): (Vec<f64>, Vec<f64>) = rows
                    .iter()
                    .zip(predicted)
                    .filter(|(r, _)| !v[**r].is_nan())
                    .map(|(&r, &p)| (p, v[r]))
                    .unzip();
                (AmountScores::measure(&p, &t).rmse, t.len())
            }
            _ => return None,
        };
        (n > 0).then_some(Measured {
            metric,
            value,
            rows: n,
        })
    }
}
