//! Drift of a number column: PSI on the reference's deciles, the
//! Kolmogorov–Smirnov statistic and the Wasserstein distance in reference
//! spreads. Columns with few distinct values (codes, counts, yes/no as 0/1)
//! are binned value by value instead, and counted without sorting.

use serde::Serialize;

use super::bins::{BinComparison, compare_counts, shares};
use super::stats::ks_p_value;
use super::{DriftChart, Measured};
use crate::data::profile::quantile_sorted;

/// A column with at most this many distinct values in the reference is
/// binned value by value.
const MAX_DISCRETE: usize = 20;
/// Bins of the overlaid histogram.
const CHART_BINS: usize = 24;

/// The measures only numbers have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NumericMeasures {
    /// Largest gap between the two cumulative distributions (0 same, 1 apart).
    pub ks: f64,
    /// Wasserstein (earth mover's) distance, in reference standard deviations:
    /// how far, on average, values had to move.
    pub wasserstein: f64,
    /// Medians of the reference and the current table.
    pub median: (f64, f64),
    /// Averages of the reference and the current table.
    pub mean: (f64, f64),
    /// Whether the column was binned value by value.
    pub discrete: bool,
}

/// Measures drift between two number columns (NaN is missing).
pub fn measure(reference: &[f64], current: &[f64]) -> Measured<NumericMeasures> {
    match discrete_counts(reference, current) {
        Some(values) => measure_discrete(&values),
        None => measure_continuous(reference, current),
    }
}

/// Distinct values with their counts in each table, or `None` when the
/// reference has too many distinct values. The missing count is last.
struct ValueCounts {
    values: Vec<f64>,
    reference: Vec<usize>,
    current: Vec<usize>,
}

fn discrete_counts(reference: &[f64], current: &[f64]) -> Option<ValueCounts> {
    let mut values: Vec<f64> = Vec::new();
    let mut counts: Vec<[usize; 2]> = Vec::new();
    let mut missing = [0usize; 2];
    // New values in the current table are allowed, within reason.
    for (side, column, limit) in [(0, reference, MAX_DISCRETE), (1, current, 2 * MAX_DISCRETE)] {
        let mut last = usize::MAX;
        for &x in column {
            if x.is_nan() {
                missing[side] += 1;
                continue;
            }
            // Runs of equal values are common: try the last hit first.
            let at = if values.get(last) == Some(&x) {
                last
            } else if let Some(i) = values.iter().position(|v| *v == x) {
                i
            } else {
                if values.len() == limit {
                    return None;
                }
                values.push(x);
                counts.push([0, 0]);
                values.len() - 1
            };
            counts[at][side] += 1;
            last = at;
        }
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = ValueCounts {
        values: order.iter().map(|&i| values[i]).collect(),
        reference: order.iter().map(|&i| counts[i][0]).collect(),
        current: order.iter().map(|&i| counts[i][1]).collect(),
    };
    out.reference.push(missing[0]);
    out.current.push(missing[1]);
    Some(out)
}

fn measure_discrete(counts: &ValueCounts) -> Measured<NumericMeasures> {
    let k = counts.values.len();
    let missing_share = |c: &[usize]| c[k] as f64 / c.iter().sum::<usize>().max(1) as f64;
    let missing = (
        missing_share(&counts.reference),
        missing_share(&counts.current),
    );
    let comparison = compare_counts(&counts.reference, &counts.current);
    let present = |c: &[usize]| c[..k].iter().sum::<usize>().max(1) as f64;
    let (n_r, n_c) = (present(&counts.reference), present(&counts.current));
    let (mut f_r, mut f_c, mut ks, mut w) = (0.0, 0.0, 0.0f64, 0.0);
    let (mut median_r, mut median_c) = (f64::NAN, f64::NAN);
    for i in 0..k {
        f_r += counts.reference[i] as f64 / n_r;
        f_c += counts.current[i] as f64 / n_c;
        if median_r.is_nan() && f_r >= 0.5 {
            median_r = counts.values[i];
        }
        if median_c.is_nan() && f_c >= 0.5 {
            median_c = counts.values[i];
        }
        ks = ks.max((f_r - f_c).abs());
        if i + 1 < k {
            w += (f_r - f_c).abs() * (counts.values[i + 1] - counts.values[i]);
        }
    }
    let mean = |c: &[usize], n: f64| {
        counts
            .values
            .iter()
            .zip(c)
            .map(|(v, &c)| v * c as f64)
            .sum::<f64>()
            / n
    };
    let spread = {
        let mut m = Moments::default();
        for (v, &n) in counts.values.iter().zip(&counts.reference) {
            m.present += n as f64;
            m.sum += v * n as f64;
            m.squares += v * v * n as f64;
        }
        m.spread()
    };
    let labels: Vec<String> = counts
        .values
        .iter()
        .map(|v| crate::data::table::format_number(*v))
        .collect();
    Measured {
        comparison,
        p_value: comparison.p_value,
        missing,
        measures: NumericMeasures {
            ks,
            wasserstein: w / spread,
            median: (median_r, median_c),
            mean: (mean(&counts.reference, n_r), mean(&counts.current, n_c)),
            discrete: true,
        },
        biggest_change: super::categorical::biggest_change(
            &labels,
            &counts.reference,
            &counts.current,
        ),
        chart: DriftChart::Bars {
            labels,
            reference: shares(&counts.reference[..k]),
            current: shares(&counts.current[..k]),
        },
    }
}

/// The non-missing values, ascending. A radix sort on the values' bits:
/// several times faster than a comparison sort on millions of rows, and
/// this is where comparing big tables spends its time.
fn sorted_present(values: &[f64]) -> Vec<f64> {
    // Flipping the bits this way makes unsigned order match numeric order.
    let key = |x: f64| {
        let bits = x.to_bits();
        if bits >> 63 == 1 {
            !bits
        } else {
            bits | (1 << 63)
        }
    };
    let unkey = |k: u64| f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k });
    let mut keys: Vec<u64> = values
        .iter()
        .filter(|x| !x.is_nan())
        .map(|&x| key(x))
        .collect();
    radix_sort(&mut keys);
    keys.into_iter().map(unkey).collect()
}

/// Least-significant-digit radix sort, 8 bits a pass. One read counts every
/// digit at once; passes where all keys share a digit (the high bits of
/// similar numbers) are skipped.
fn radix_sort(keys: &mut Vec<u64>) {
    const PASSES: usize = 8;
    if keys.len() < 256 {
        keys.sort_unstable();
        return;
    }
    let mut counts = vec![[0usize; 256]; PASSES];
    for &k in keys.iter() {
        for (pass, c) in counts.iter_mut().enumerate() {
            c[((k >> (8 * pass)) & 0xFF) as usize] += 1;
        }
    }
    let mut other = vec![0u64; keys.len()];
    let n = keys.len();
    for (pass, c) in counts.iter().enumerate() {
        if c.contains(&n) {
            continue;
        }
        let mut offsets = [0usize; 256];
        let mut total = 0;
        for (o, count) in offsets.iter_mut().zip(c) {
            *o = total;
            total += count;
        }
        let shift = 8 * pass;
        for &k in keys.iter() {
            let d = ((k >> shift) & 0xFF) as usize;
            other[offsets[d]] = k;
            offsets[d] += 1;
        }
        std::mem::swap(keys, &mut other);
    }
}

/// Above this many rows, a table's shape (KS, Wasserstein, medians, chart)
/// is measured on a random sample of this size: sorting dominates the cost,
/// and the measures are already exact to about 0.002. PSI's bins and the χ²
/// test still count every row.
pub const SHAPE_ROWS: usize = 400_000;

fn measure_continuous(reference: &[f64], current: &[f64]) -> Measured<NumericMeasures> {
    let r = sorted_sample(reference);
    let c = sorted_sample(current);
    let (ks, w) = ks_and_wasserstein(&r, &c);
    // Deciles of the reference; ties (a spike at zero) merge bins.
    let mut edges: Vec<f64> = (1..10)
        .map(|i| quantile_sorted(&r, f64::from(i) / 10.0))
        .collect();
    edges.dedup();
    let (ref_bins, ref_moments) = count_bins(reference, &edges);
    let (cur_bins, cur_moments) = count_bins(current, &edges);
    let comparison: BinComparison = compare_counts(&ref_bins, &cur_bins);
    let ks_p = ks_p_value(ks, r.len(), c.len());
    // Two looks at the same column (shape and bins with the missing share):
    // Bonferroni keeps the column's own false-alarm rate at its level.
    let p_value = (2.0 * ks_p.min(comparison.p_value)).min(1.0);
    Measured {
        comparison,
        p_value,
        missing: (ref_moments.missing_share(), cur_moments.missing_share()),
        measures: NumericMeasures {
            ks,
            wasserstein: w / ref_moments.spread(),
            median: (quantile_sorted(&r, 0.5), quantile_sorted(&c, 0.5)),
            mean: (ref_moments.mean(), cur_moments.mean()),
            discrete: false,
        },
        biggest_change: None,
        chart: histogram(&r, &c),
    }
}

/// Count, sum and sum of squares of a column's values, and its missing count.
#[derive(Default)]
struct Moments {
    present: f64,
    missing: f64,
    sum: f64,
    squares: f64,
}

impl Moments {
    fn mean(&self) -> f64 {
        self.sum / self.present.max(1.0)
    }

    fn missing_share(&self) -> f64 {
        self.missing / (self.present + self.missing).max(1.0)
    }

    /// The standard deviation, or 1 when there is none (a constant column),
    /// so a move away from the constant still reads as large.
    fn spread(&self) -> f64 {
        if self.present < 2.0 {
            return 1.0;
        }
        let mean = self.mean();
        let sd = (self.squares / self.present - mean * mean).max(0.0).sqrt();
        if sd > 1e-12 * mean.abs().max(1.0) {
            sd
        } else {
            1.0
        }
    }
}

/// Every value's bin — bin i holds (edges[i-1], edges[i]], the last bin is
/// missing values — and the moments, in one pass over all rows.
fn count_bins(values: &[f64], edges: &[f64]) -> (Vec<usize>, Moments) {
    let mut bins = vec![0usize; edges.len() + 2];
    let mut m = Moments::default();
    for &x in values {
        if x.is_nan() {
            m.missing += 1.0;
            bins[edges.len() + 1] += 1;
        } else {
            m.present += 1.0;
            m.sum += x;
            m.squares += x * x;
            // Edges are few: counting those below is cheaper than a search.
            let below: usize = edges.iter().map(|e| usize::from(*e < x)).sum();
            bins[below] += 1;
        }
    }
    (bins, m)
}

/// The non-missing values, ascending: all of them, or every k-th row of a
/// big table so that about [`SHAPE_ROWS`] remain. A systematic sample spans
/// the whole table, however its rows are ordered, and costs no random draws.
fn sorted_sample(values: &[f64]) -> Vec<f64> {
    if values.len() <= SHAPE_ROWS {
        return sorted_present(values);
    }
    let step = values.len().div_ceil(SHAPE_ROWS);
    let picked: Vec<f64> = values.iter().copied().step_by(step).collect();
    sorted_present(&picked)
}

/// KS statistic and (unscaled) Wasserstein-1 distance of two sorted samples,
/// in one merge: W1 is the area between the two cumulative distributions.
fn ks_and_wasserstein(r: &[f64], c: &[f64]) -> (f64, f64) {
    if r.is_empty() || c.is_empty() {
        return (0.0, 0.0);
    }
    let (n, m) = (r.len() as f64, c.len() as f64);
    let (mut i, mut j) = (0usize, 0usize);
    let (mut ks, mut w) = (0.0f64, 0.0);
    let mut x = r[0].min(c[0]);
    while i < r.len() || j < c.len() {
        let next = match (r.get(i), c.get(j)) {
            (Some(a), Some(b)) => a.min(*b),
            (Some(a), None) => *a,
            (None, Some(b)) => *b,
            (None, None) => break,
        };
        let gap = (i as f64 / n - j as f64 / m).abs();
        w += gap * (next - x);
        x = next;
        while i < r.len() && r[i] <= next {
            i += 1;
        }
        while j < c.len() && c[j] <= next {
            j += 1;
        }
        ks = ks.max((i as f64 / n - j as f64 / m).abs());
    }
    (ks, w)
}

/// Shares of each table's values in even bins over the middle 98% of both.
fn histogram(r: &[f64], c: &[f64]) -> DriftChart {
    let lo = quantile_sorted(r, 0.01).min(quantile_sorted(c, 0.01));
    let hi = quantile_sorted(r, 0.99).max(quantile_sorted(c, 0.99));
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return DriftChart::Empty;
    }
    let step = (hi - lo) / CHART_BINS as f64;
    let edges: Vec<f64> = (0..=CHART_BINS).map(|i| lo + step * i as f64).collect();
    let bin_shares = |sorted: &[f64]| -> Vec<f64> {
        let mut out = Vec::with_capacity(CHART_BINS);
        let mut below = 0;
        for (i, e) in edges.iter().enumerate().skip(1) {
            // Values beyond the ends count in the end bins.
            let upto = if i == CHART_BINS {
                sorted.len()
            } else {
                sorted.partition_point(|v| v < e)
            };
            out.push((upto - below) as f64 / sorted.len().max(1) as f64);
            below = upto;
        }
        out
    };
    DriftChart::Histogram {
        reference: bin_shares(r),
        current: bin_shares(c),
        edges,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normal(n: usize, mean: f64, seed: u64) -> Vec<f64> {
        let mut rng = super::super::stats::SplitMix::new(seed);
        (0..n)
            .map(|_| {
                // Box–Muller from two uniforms.
                let u1 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 + 1e-12;
                let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                mean + (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
            })
            .collect()
    }

    #[test]
    fn a_shifted_mean_is_measured_in_spreads() {
        let m = measure(&normal(20_000, 0.0, 1), &normal(20_000, 0.5, 2));
        assert!(
            (m.measures.wasserstein - 0.5).abs() < 0.05,
            "{:?}",
            m.measures
        );
        assert!(m.measures.ks > 0.15 && m.measures.ks < 0.25);
        assert!(m.comparison.psi > 0.15, "psi {}", m.comparison.psi);
        assert!(m.p_value < 1e-10);
        assert!(m.measures.median.1 > m.measures.median.0);
    }

    #[test]
    fn the_same_distribution_measures_near_zero() {
        let m = measure(&normal(20_000, 0.0, 3), &normal(20_000, 0.0, 4));
        assert!(m.comparison.psi < 0.01 && m.measures.ks < 0.03);
        assert!(m.measures.wasserstein < 0.05);
    }

    #[test]
    fn the_radix_sort_orders_like_numbers() {
        let mut values = normal(5_000, 0.0, 9);
        values.extend([-0.0, 0.0, -1e300, 1e300, f64::NAN, 3.5, -3.5]);
        let sorted = sorted_present(&values);
        let mut expected: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
        expected.sort_by(f64::total_cmp);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn codes_are_counted_value_by_value() {
        let r: Vec<f64> = (0..1000).map(|i| f64::from(i % 4)).collect();
        let c: Vec<f64> = (0..1000).map(|i| f64::from(i % 5)).collect();
        let m = measure(&r, &c);
        assert!(m.measures.discrete);
        let change = m.biggest_change.expect("a changed value");
        assert_eq!(change.label, "4");
        match m.chart {
            DriftChart::Bars { labels, .. } => assert_eq!(labels.len(), 5),
            other => panic!("{other:?}"),
        }
    }
}
