//! Measuring every chosen column pair, spread over the processor's cores,
//! and judging each once the p-values are corrected together.

use super::{ColumnDrift, LabelMeasures, Measured, Measures, NumericMeasures};
use super::{categorical, numeric, verdict};
use crate::data::{ColumnValues, Table};
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// One column's measurement, of either kind.
pub enum AnyMeasured {
    Number(Measured<NumericMeasures>),
    Label(Measured<LabelMeasures>),
}

impl AnyMeasured {
    pub fn p_value(&self) -> f64 {
        match self {
            Self::Number(m) => m.p_value,
            Self::Label(m) => m.p_value,
        }
    }

    pub fn judge(self, column: &crate::data::Column, p_adjusted: f64) -> ColumnDrift {
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
pub fn measure_all(
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
