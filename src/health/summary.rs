//! What to draw for a column: a histogram for numbers and dates, bars for
//! categories. Computed with the report so the screen only draws.

use crate::data::profile::Profile;
use crate::data::table::format_datetime;
use crate::data::{Column, ColumnValues};
use crate::words::{count, number, percent};

/// The chart data for one column.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ColumnSummary {
    /// Nothing to draw (every value missing).
    #[default]
    Empty,
    /// Counts of values between consecutive edges.
    Histogram {
        /// `counts.len() + 1` bin edges, ascending, in the column's units
        /// (seconds since 1970 for dates).
        edges: Vec<f64>,
        /// Values per bin.
        counts: Vec<usize>,
        /// Whether the bins are spaced on a log scale (long-tailed amounts).
        log_scale: bool,
        /// Whether the values are dates.
        dates: bool,
    },
    /// The most common values and their counts, most common first.
    Bars {
        /// Value and rows holding it.
        top: Vec<(String, usize)>,
        /// Rows holding any other value.
        other: usize,
    },
}

const BINS: usize = 30;
const BARS: usize = 12;

/// Builds the chart data for `column`.
pub fn summarise(column: &Column, profile: &Profile) -> ColumnSummary {
    if profile.present == 0 {
        return ColumnSummary::Empty;
    }
    match column.values.as_ref() {
        ColumnValues::Text(t) => {
            let counts = t.level_counts();
            let mut order: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]));
            let top: Vec<(String, usize)> = order
                .iter()
                .take(BARS)
                .map(|&i| (t.levels[i].clone(), counts[i]))
                .collect();
            let other = order.iter().skip(BARS).map(|&i| counts[i]).sum();
            ColumnSummary::Bars { top, other }
        }
        ColumnValues::Number(_) | ColumnValues::Datetime(_) => {
            let Some(numeric) = &profile.numeric else {
                return ColumnSummary::Empty;
            };
            if profile.distinct <= BARS && matches!(column.values.as_ref(), ColumnValues::Number(_))
            {
                return few_values(&numeric.sorted);
            }
            let dates = matches!(column.values.as_ref(), ColumnValues::Datetime(_));
            let log_scale = !dates && numeric.wants_log_scale();
            let (lo, hi) = (numeric.min(), numeric.max());
            let edges: Vec<f64> = if log_scale {
                let (a, b) = (lo.ln_1p(), hi.ln_1p());
                (0..=BINS)
                    .map(|i| (a + (b - a) * i as f64 / BINS as f64).exp_m1())
                    .collect()
            } else {
                (0..=BINS)
                    .map(|i| lo + (hi - lo) * i as f64 / BINS as f64)
                    .collect()
            };
            let mut counts = vec![0usize; BINS];
            for &x in &numeric.sorted {
                let bin = edges[1..].partition_point(|e| *e < x).min(BINS - 1);
                counts[bin] += 1;
            }
            ColumnSummary::Histogram {
                edges,
                counts,
                log_scale,
                dates,
            }
        }
    }
}

/// The sentence under the chart: what a reader should take from it.
pub fn caption(column: &Column, profile: &Profile) -> String {
    if profile.present == 0 {
        return "Every value is missing.".into();
    }
    match (column.values.as_ref(), &profile.numeric) {
        (ColumnValues::Number(_), Some(n)) if profile.distinct > BARS => format!(
            "The middle half of the values lie between {} and {}; the typical (median) value is {}.",
            number(n.quantile(0.25)),
            number(n.quantile(0.75)),
            number(n.quantile(0.5))
        ),
        (ColumnValues::Datetime(_), Some(n)) => format!(
            "Dates run from {} to {}; half are before {}.",
            format_datetime(n.min() as i64),
            format_datetime(n.max() as i64),
            format_datetime(n.quantile(0.5) as i64)
        ),
        _ => {
            let (top, n) = profile.top.clone().unwrap_or_default();
            format!(
                "The most common value is '{top}' ({} of filled-in rows), out of {} different values.",
                percent(n as f64 / profile.present as f64),
                count(profile.distinct)
            )
        }
    }
}

/// A bar per distinct value, for numbers with only a handful of values (0/1, 1–5).
fn few_values(sorted: &[f64]) -> ColumnSummary {
    let mut top: Vec<(String, usize)> = Vec::new();
    let mut last = f64::NAN;
    for &x in sorted {
        if x == last {
            if let Some(entry) = top.last_mut() {
                entry.1 += 1;
            }
        } else {
            top.push((crate::data::table::format_number(x), 1));
            last = x;
        }
    }
    ColumnSummary::Bars { top, other: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;

    #[test]
    fn histograms_count_every_value() {
        let column = infer::column(
            "x".into(),
            ColumnValues::Number((0..100).map(f64::from).collect()),
        );
        let profile = Profile::of(&column.values);
        match summarise(&column, &profile) {
            ColumnSummary::Histogram {
                counts,
                edges,
                log_scale,
                ..
            } => {
                assert_eq!(counts.iter().sum::<usize>(), 100);
                assert_eq!(edges.len(), counts.len() + 1);
                assert!(!log_scale);
            }
            other => panic!("expected a histogram, got {other:?}"),
        }
    }
}
