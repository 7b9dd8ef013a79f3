//! Descriptive statistics of one column, computed once and shared by the
//! health checks, the charts and the preprocessing of models.

use crate::data::ColumnValues;
use crate::data::table::format_number;

/// Skewness beyond which a log scale reads better.
pub const SKEW_LIMIT: f64 = 2.0;

/// What every check needs to know about a column.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Missing cells.
    pub missing: usize,
    /// Non-missing cells.
    pub present: usize,
    /// Different non-missing values.
    pub distinct: usize,
    /// The most common value, as displayed, and how many cells hold it.
    pub top: Option<(String, usize)>,
    /// For numbers and dates: the sorted values and their moments.
    pub numeric: Option<NumericProfile>,
}

/// Sorted values of a numeric (or date) column with their moments.
#[derive(Debug, Clone)]
pub struct NumericProfile {
    /// Non-missing values, ascending.
    pub sorted: Vec<f64>,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub std: f64,
    /// Sample skewness (0 for symmetric data).
    pub skewness: f64,
}

impl NumericProfile {
    fn new(mut sorted: Vec<f64>) -> Self {
        // Numbers equal under total_cmp are the same bits: an unstable sort
        // gives the same order, faster.
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len().max(1) as f64;
        let mean = sorted.iter().sum::<f64>() / n;
        let (m2, m3) = sorted.iter().fold((0.0, 0.0), |(m2, m3), x| {
            let d = x - mean;
            (m2 + d * d, m3 + d * d * d)
        });
        let var = m2 / n;
        let std = var.sqrt();
        let skewness = if std > 0.0 {
            (m3 / n) / (var * std)
        } else {
            0.0
        };
        Self {
            sorted,
            mean,
            std,
            skewness,
        }
    }

    /// The `q` quantile (0..1), interpolated.
    pub fn quantile(&self, q: f64) -> f64 {
        quantile_sorted(&self.sorted, q)
    }

    /// Whether the values are better read on a log scale: all at least zero
    /// and with a long right tail (skewness above [`SKEW_LIMIT`]). Charts draw
    /// such columns on a log axis and models compress their tail.
    pub fn wants_log_scale(&self) -> bool {
        self.skewness > SKEW_LIMIT && self.min() >= 0.0
    }

    /// Smallest value.
    pub fn min(&self) -> f64 {
        self.sorted.first().copied().unwrap_or(f64::NAN)
    }

    /// Largest value.
    pub fn max(&self) -> f64 {
        self.sorted.last().copied().unwrap_or(f64::NAN)
    }

    /// How many values equal `x`.
    pub fn count_equal(&self, x: f64) -> usize {
        let lo = self.sorted.partition_point(|v| *v < x);
        let hi = self.sorted.partition_point(|v| *v <= x);
        hi - lo
    }

    /// The distinct values in ascending order (up to `limit`), starting after `after`.
    pub fn distinct_after(&self, after: f64, limit: usize) -> Vec<f64> {
        let start = self.sorted.partition_point(|v| *v <= after);
        let mut out: Vec<f64> = Vec::with_capacity(limit);
        for &v in &self.sorted[start..] {
            if out.last() != Some(&v) {
                out.push(v);
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

/// The `q` quantile of ascending `sorted`, interpolated; NaN when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl Profile {
    /// Profiles a column's values.
    pub fn of(values: &ColumnValues) -> Self {
        match values {
            ColumnValues::Number(v) => {
                let present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                Self::numeric(v.len(), present, format_number)
            }
            ColumnValues::Datetime(v) => {
                let present: Vec<f64> = v.iter().flatten().map(|&s| s as f64).collect();
                Self::numeric(v.len(), present, |x| {
                    crate::data::table::format_datetime(x as i64)
                })
            }
            ColumnValues::Text(t) => {
                let counts = t.level_counts();
                let present: usize = counts.iter().sum();
                let distinct = counts.iter().filter(|&&c| c > 0).count();
                let top = counts
                    .iter()
                    .enumerate()
                    .max_by_key(|(_, c)| **c)
                    .filter(|(_, c)| **c > 0)
                    .map(|(i, c)| (t.levels[i].clone(), *c));
                Self {
                    missing: t.codes.len() - present,
                    present,
                    distinct,
                    top,
                    numeric: None,
                }
            }
        }
    }

    fn numeric(rows: usize, present: Vec<f64>, show: impl Fn(f64) -> String) -> Self {
        let numeric = NumericProfile::new(present);
        let mut distinct = 0;
        let mut best: Option<(f64, usize)> = None;
        let mut run = 0;
        for (i, &x) in numeric.sorted.iter().enumerate() {
            run += 1;
            if numeric.sorted.get(i + 1) != Some(&x) {
                distinct += 1;
                if best.is_none_or(|(_, c)| run > c) {
                    best = Some((x, run));
                }
                run = 0;
            }
        }
        Self {
            missing: rows - numeric.sorted.len(),
            present: numeric.sorted.len(),
            distinct,
            top: best.map(|(x, c)| (show(x), c)),
            numeric: Some(numeric),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_counts_and_quantiles() {
        let p = Profile::of(&ColumnValues::Number(vec![1.0, 2.0, 2.0, f64::NAN, 10.0]));
        assert_eq!((p.missing, p.present, p.distinct), (1, 4, 3));
        assert_eq!(p.top, Some(("2".to_string(), 2)));
        let n = p.numeric.expect("numeric");
        assert_eq!(n.quantile(0.5), 2.0);
        assert_eq!(n.count_equal(2.0), 2);
        assert_eq!(n.distinct_after(1.0, 5), vec![2.0, 10.0]);
        assert!(n.skewness > 0.5);
    }
}
