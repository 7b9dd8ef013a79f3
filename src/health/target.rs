//! Findings that need a target column: class imbalance, and leakage — a
//! column that gives the answer away on its own, usually because it was
//! recorded after the outcome (a lifeboat number, a body identification).

use super::{Issue, IssueKind, Severity};
use crate::data::profile::Profile;
use crate::data::{Column, ColumnValues, Fix};
use crate::ml::metrics::auc;
use crate::ml::task::{TargetValues, target_of};
use crate::words::{count, percent};

/// The target column in the shape the checks need.
pub enum TargetView {
    /// One class index per row (`None` when missing), and the class names.
    Classes {
        name: String,
        labels: Vec<String>,
        rows: Vec<Option<u32>>,
    },
    /// A number per row (NaN when missing).
    Amount { name: String, values: Vec<f64> },
}

impl TargetView {
    /// Reads `column` as the prediction template would; `None` when it
    /// cannot be a target (free text, one value, too many classes).
    pub fn new(column: &Column) -> Option<Self> {
        let (target, values) = target_of(column).ok()?;
        let name = target.name;
        Some(match values {
            TargetValues::Classes(rows) => Self::Classes {
                name,
                labels: target.classes,
                rows,
            },
            TargetValues::Amounts(values) => Self::Amount { name, values },
        })
    }
}

/// Whether one outcome is much rarer than the others.
pub fn imbalance(column: &Column, profile: &Profile) -> Option<Issue> {
    if profile.distinct == 1 {
        return Some(Issue::new(
            IssueKind::Imbalance,
            Severity::Problem,
            format!(
                "Every row has the same '{}', so there is nothing to predict. Choose another column.",
                column.name
            ),
        ));
    }
    let TargetView::Classes { name, labels, rows } = TargetView::new(column)? else {
        return None;
    };
    let mut counts = vec![0usize; labels.len()];
    rows.iter().flatten().for_each(|&c| counts[c as usize] += 1);
    let used: Vec<(usize, usize)> = counts
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: usize = used.iter().map(|(_, n)| n).sum();
    let &(rare, n) = used.iter().min_by_key(|(_, n)| *n)?;
    let share = n as f64 / total as f64;
    let label = &labels[rare];
    if share < 0.01 || n < 20 {
        Some(Issue::new(
            IssueKind::Imbalance,
            Severity::Problem,
            format!(
                "Only {} rows ({}) have '{name}' = '{label}'. That is too few to learn reliably; \
                 gather more examples if you can.",
                count(n),
                percent(share)
            ),
        ))
    } else if share < 0.2 {
        Some(Issue::new(
            IssueKind::Imbalance,
            Severity::Check,
            format!(
                "Only {:.0} in every 100 rows have '{name}' = '{label}'. Accuracy alone would flatter \
                 any model; judge it by how many of these rare cases it catches.",
                share * 100.0
            ),
        ))
    } else {
        None
    }
}

/// Whether `column` predicts the target (almost) perfectly on its own.
pub fn leakage(column: &Column, target: &TargetView) -> Option<Issue> {
    let (bins, missing_bin) = bin_rows(column);
    let exclude = Fix::ExcludeColumn {
        column: column.name.clone(),
    };
    match target {
        TargetView::Classes { name, labels, rows } => {
            if let Some(message) = missingness_leak(&bins, missing_bin, name, labels, rows) {
                return Some(
                    Issue::new(IssueKind::Leakage, Severity::Problem, message).with_fix(exclude),
                );
            }
            let (score, message) = class_score(&bins, missing_bin + 1, name, labels, rows)?;
            let severity = if score >= 0.99 {
                Severity::Problem
            } else if score >= 0.95 {
                Severity::Check
            } else {
                return None;
            };
            Some(Issue::new(IssueKind::Leakage, severity, message).with_fix(exclude))
        }
        TargetView::Amount { name, values } => {
            let r2 = amount_score(&bins, missing_bin + 1, values)?;
            let severity = if r2 >= 0.98 {
                Severity::Problem
            } else if r2 >= 0.95 {
                Severity::Check
            } else {
                return None;
            };
            Some(
                Issue::new(
                    IssueKind::Leakage,
                    severity,
                    format!(
                        "On its own this column explains {} of the differences in '{name}' (R² {r2:.2}). \
                         It is probably derived from '{name}' or recorded after it; leave it out unless it \
                         is surely known beforehand.",
                        percent(r2)
                    ),
                )
                .with_fix(exclude),
            )
        }
    }
}

/// Puts each row in a bin: numbers and dates by quantile (32 bins), text by
/// value. Missing values get the last bin, whose index is returned too.
fn bin_rows(column: &Column) -> (Vec<u32>, u32) {
    let ordered = |values: Vec<Option<f64>>| {
        let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let mut cuts: Vec<f64> = (1..32)
            .map(|j| crate::data::profile::quantile_sorted(&sorted, j as f64 / 32.0))
            .collect();
        cuts.dedup();
        let missing = cuts.len() as u32 + 1;
        let bins = values
            .iter()
            .map(|x| x.map_or(missing, |x| cuts.partition_point(|c| *c < x) as u32))
            .collect();
        (bins, missing)
    };
    match column.values.as_ref() {
        ColumnValues::Number(v) => ordered(v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect()),
        ColumnValues::Datetime(v) => ordered(v.iter().map(|x| x.map(|s| s as f64)).collect()),
        ColumnValues::Text(t) => {
            let missing = t.levels.len() as u32;
            (t.codes.iter().map(|&c| c.min(missing)).collect(), missing)
        }
    }
}

/// Rows alternate between two halves by a fixed scramble of their index.
fn half(row: usize) -> usize {
    (row.wrapping_mul(0x9E37_79B9) >> 7) & 1
}

/// Cross-fitted single-column score: the binary AUC, or the accuracy for more classes.
fn class_score(
    bins: &[u32],
    n_bins: u32,
    name: &str,
    labels: &[String],
    rows: &[Option<u32>],
) -> Option<(f64, String)> {
    let k = labels.len();
    let mut prior = vec![0f64; k];
    rows.iter()
        .flatten()
        .for_each(|&c| prior[c as usize] += 1.0);
    let total: f64 = prior.iter().sum();
    if total < 20.0 {
        return None;
    }
    prior.iter_mut().for_each(|p| *p /= total);
    let mut predicted: Vec<(usize, Vec<f64>)> = Vec::with_capacity(rows.len());
    for fold in 0..2 {
        let mut counts = vec![0f64; n_bins as usize * k];
        for (i, y) in rows.iter().enumerate() {
            if let Some(c) = y.filter(|_| half(i) != fold) {
                counts[bins[i] as usize * k + c as usize] += 1.0;
            }
        }
        for (i, y) in rows.iter().enumerate() {
            if let Some(c) = y.filter(|_| half(i) == fold) {
                let cell = &counts[bins[i] as usize * k..][..k];
                let n: f64 = cell.iter().sum();
                let probs = cell
                    .iter()
                    .zip(&prior)
                    .map(|(n_c, p)| (n_c + p) / (n + 1.0))
                    .collect();
                predicted.push((c as usize, probs));
            }
        }
    }
    if k == 2 {
        let scored: Vec<(f64, bool)> = predicted.iter().map(|(c, p)| (p[1], *c == 1)).collect();
        let auc = auc(&scored)?;
        let auc = auc.max(1.0 - auc);
        Some((
            auc,
            format!(
                "On its own this column predicts '{name}' almost perfectly (AUC {auc:.2}; 0.5 is guessing, \
                 1 is perfect). It is probably recorded after the outcome or derived from it; leave it out \
                 unless it is surely known beforehand."
            ),
        ))
    } else {
        let correct = predicted
            .iter()
            .filter(|(c, p)| {
                p.iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map(|(i, _)| i)
                    == Some(*c)
            })
            .count();
        let accuracy = correct as f64 / predicted.len() as f64;
        let majority = prior.iter().copied().fold(0.0, f64::max);
        (majority < 0.9).then(|| {
            (
                accuracy,
                format!(
                    "On its own this column gets '{name}' right for {} of rows (always guessing the most \
                     common value: {}). It is probably recorded after the outcome; leave it out unless it \
                     is surely known beforehand.",
                    percent(accuracy),
                    percent(majority)
                ),
            )
        })
    }
}

/// A filled-in / empty pattern that gives a class away (a body number exists
/// only for passengers who died).
fn missingness_leak(
    bins: &[u32],
    missing_bin: u32,
    name: &str,
    labels: &[String],
    rows: &[Option<u32>],
) -> Option<String> {
    let k = labels.len();
    let mut groups = [vec![0usize; k], vec![0usize; k]]; // [filled, empty]
    for (b, y) in bins.iter().zip(rows) {
        if let Some(c) = y {
            groups[usize::from(*b == missing_bin)][*c as usize] += 1;
        }
    }
    let total: usize = groups.iter().flatten().sum();
    let overall: Vec<usize> = (0..k).map(|c| groups[0][c] + groups[1][c]).collect();
    if groups.iter().any(|g| g.iter().sum::<usize>() * 100 < total) {
        return None; // (almost) never or always filled in
    }
    for (g, which) in groups.iter().zip(["filled in", "empty"]) {
        let size: usize = g.iter().sum();
        let (class, &hits) = g.iter().enumerate().max_by_key(|(_, n)| **n)?;
        let purity = hits as f64 / size as f64;
        let base = overall[class] as f64 / total as f64;
        if size >= 30 && size * 20 >= total && purity >= 0.995 && purity - base >= 0.3 {
            return Some(format!(
                "Whether this column is {which} gives '{name}' away: where it is {which}, '{name}' is '{}' in \
                 {} of {} rows, against {} overall. It is probably recorded after the outcome; leave it out.",
                labels[class],
                count(hits),
                count(size),
                percent(base)
            ));
        }
    }
    if k == 2 {
        let scored: Vec<(f64, bool)> = bins
            .iter()
            .zip(rows)
            .filter_map(|(b, y)| y.map(|c| (f64::from(u8::from(*b == missing_bin)), c == 1)))
            .collect();
        let auc = auc(&scored)?;
        let auc = auc.max(1.0 - auc);
        if auc >= 0.9 {
            return Some(format!(
                "Whether this column is filled in predicts '{name}' almost perfectly (AUC {auc:.2}; 0.5 is \
                 guessing, 1 is perfect). It is probably recorded after the outcome; leave it out."
            ));
        }
    }
    None
}

/// Cross-fitted R² of predicting `values` by the mean of each bin.
fn amount_score(bins: &[u32], n_bins: u32, values: &[f64]) -> Option<f64> {
    let present: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if present.len() < 20 {
        return None;
    }
    let mean = present.iter().sum::<f64>() / present.len() as f64;
    let (mut sse, mut sst) = (0.0, 0.0);
    for fold in 0..2 {
        let mut sums = vec![(0f64, 0f64); n_bins as usize];
        for (i, &y) in values.iter().enumerate() {
            if !y.is_nan() && half(i) != fold {
                let s = &mut sums[bins[i] as usize];
                s.0 += y;
                s.1 += 1.0;
            }
        }
        for (i, &y) in values.iter().enumerate() {
            if !y.is_nan() && half(i) == fold {
                let (sum, n) = sums[bins[i] as usize];
                let prediction = (sum + mean) / (n + 1.0);
                sse += (y - prediction).powi(2);
                sst += (y - mean).powi(2);
            }
        }
    }
    (sst > 0.0).then(|| 1.0 - sse / sst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;

    fn target(n: usize) -> Column {
        infer::column(
            "y".into(),
            ColumnValues::Number((0..n).map(|i| (i % 3 == 0) as u8 as f64).collect()),
        )
    }

    #[test]
    fn a_copy_of_the_target_leaks_and_noise_does_not() {
        let y = target(600);
        let view = TargetView::new(&y).expect("a target");
        let copy = infer::column("copy".into(), (*y.values).clone());
        let found = leakage(&copy, &view).expect("flagged");
        assert_eq!(found.severity, Severity::Problem);
        let noise = infer::column(
            "noise".into(),
            ColumnValues::Number((0..600).map(|i| ((i * 7919) % 101) as f64).collect()),
        );
        assert!(leakage(&noise, &view).is_none());
    }

    #[test]
    fn rare_and_single_outcomes_are_reported() {
        let rare = infer::column(
            "fraud".into(),
            ColumnValues::Number((0..1000).map(|i| f64::from(i % 50 == 0)).collect()),
        );
        let found = imbalance(&rare, &Profile::of(&rare.values)).expect("flagged");
        assert_eq!(found.severity, Severity::Check);
        assert!(
            found
                .message
                .starts_with("Only 2 in every 100 rows have 'fraud' = '1'"),
            "{}",
            found.message
        );
        let single = infer::column("y".into(), ColumnValues::Number(vec![1.0; 30]));
        let found = imbalance(&single, &Profile::of(&single.values)).expect("flagged");
        assert_eq!(found.severity, Severity::Problem);
    }

    #[test]
    fn filled_in_only_for_one_outcome_leaks() {
        // Like `body` on the Titanic: filled in only for some of those who died.
        let y = infer::column(
            "y".into(),
            ColumnValues::Number((0..600).map(|i| f64::from(i % 2 == 0)).collect()),
        );
        let view = TargetView::new(&y).expect("a target");
        let body: Vec<f64> = (0..600)
            .map(|i| if i % 4 == 1 { i as f64 } else { f64::NAN })
            .collect();
        let found = leakage(
            &infer::column("body".into(), ColumnValues::Number(body)),
            &view,
        )
        .expect("flagged");
        assert!(
            found.message.contains("filled in gives 'y' away"),
            "{}",
            found.message
        );
        assert!(
            found
                .message
                .contains("'0' in 150 of 150 rows, against 50% overall"),
            "{}",
            found.message
        );
    }
}
