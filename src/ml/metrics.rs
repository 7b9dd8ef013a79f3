//! How good a model is, measured on rows it never saw.

use serde::{Deserialize, Serialize};

/// Area under the ROC curve of `(score, is_positive)` pairs, ties counted
/// half: the chance that a random positive scores above a random negative.
pub fn auc(scored: &[(f64, bool)]) -> Option<f64> {
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|s| s.1).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Sum of positive ranks (average rank for ties), Mann–Whitney style.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j < sorted.len() && sorted[j].0 == sorted[i].0 {
            j += 1;
        }
        let average_rank = (i + j + 1) as f64 / 2.0;
        rank_sum += average_rank * sorted[i..j].iter().filter(|s| s.1).count() as f64;
        i = j;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// Scores of a yes/no model at one threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinaryScores {
    /// Area under the ROC curve (0.5 guessing, 1 perfect).
    pub auc: f64,
    /// Share of rows classified right at `threshold`.
    pub accuracy: f64,
    /// Of the rows flagged, the share that really are positive.
    pub precision: f64,
    /// Of the real positives, the share flagged.
    pub recall: f64,
    /// Probability above which a row is flagged.
    pub threshold: f64,
    /// Share of positives among all rows: what random flagging would find.
    pub base_rate: f64,
    /// `[[true negatives, false positives], [false negatives, true positives]]`.
    pub confusion: [[usize; 2]; 2],
}

impl BinaryScores {
    /// Scores `probabilities` of the positive class against `truth` at `threshold`.
    pub fn measure(probabilities: &[f64], truth: &[bool], threshold: f64) -> Self {
        let scored: Vec<(f64, bool)> = probabilities
            .iter()
            .copied()
            .zip(truth.iter().copied())
            .collect();
        Self::at_threshold(probabilities, truth, threshold, auc(&scored).unwrap_or(0.5))
    }

    /// Like [`BinaryScores::measure`] with the AUC already known (it does not
    /// depend on the threshold), so moving a slider costs one pass, not a sort.
    pub fn at_threshold(probabilities: &[f64], truth: &[bool], threshold: f64, auc: f64) -> Self {
        let scored: Vec<(f64, bool)> = probabilities
            .iter()
            .copied()
            .zip(truth.iter().copied())
            .collect();
        let mut confusion = [[0usize; 2]; 2];
        for (p, t) in &scored {
            confusion[usize::from(*t)][usize::from(*p >= threshold)] += 1;
        }
        let [[tn, fp], [fn_, tp]] = confusion;
        let n = scored.len().max(1) as f64;
        let ratio = |a: usize, b: usize| {
            if a + b == 0 {
                0.0
            } else {
                a as f64 / (a + b) as f64
            }
        };
        Self {
            auc,
            accuracy: (tp + tn) as f64 / n,
            precision: ratio(tp, fp),
            recall: ratio(tp, fn_),
            threshold,
            base_rate: (tp + fn_) as f64 / n,
            confusion,
        }
    }
}

/// `(probability, truth)` pairs, highest probability first.
fn best_first(probabilities: &[f64], truth: &[bool]) -> Vec<(f64, bool)> {
    let mut pairs: Vec<(f64, bool)> = probabilities
        .iter()
        .copied()
        .zip(truth.iter().copied())
        .collect();
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    pairs
}

/// Test rows' chances ranked highest first, with a running count of the
/// positives among them: the scores at any threshold are then found by a
/// binary search, without another pass over the rows (a slider can move
/// freely on millions of rows).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ranked {
    /// Chances, highest first.
    descending: Vec<f64>,
    /// `positives[i]`: positives among the first `i` rows.
    positives: Vec<usize>,
    /// The AUC, which no threshold changes.
    auc: f64,
}

impl Ranked {
    /// Ranks `probabilities` of the positive class against `truth`.
    pub fn new(probabilities: &[f64], truth: &[bool]) -> Self {
        let pairs = best_first(probabilities, truth);
        let mut positives = Vec::with_capacity(pairs.len() + 1);
        positives.push(0);
        for (_, t) in &pairs {
            positives.push(positives.last().copied().unwrap_or(0) + usize::from(*t));
        }
        let auc = auc(&pairs).unwrap_or(0.5);
        Self {
            descending: pairs.into_iter().map(|(p, _)| p).collect(),
            positives,
            auc,
        }
    }

    /// The scores when rows with a chance of at least `threshold` are flagged.
    pub fn at(&self, threshold: f64) -> BinaryScores {
        let flagged = self.descending.partition_point(|&p| p >= threshold);
        let total = self.descending.len();
        let all_positive = self.positives.last().copied().unwrap_or(0);
        let tp = self.positives[flagged];
        let fp = flagged - tp;
        let fn_ = all_positive - tp;
        let tn = total - all_positive - fp;
        let n = total.max(1) as f64;
        let ratio = |a: usize, b: usize| {
            if a + b == 0 {
                0.0
            } else {
                a as f64 / (a + b) as f64
            }
        };
        BinaryScores {
            auc: self.auc,
            accuracy: (tp + tn) as f64 / n,
            precision: ratio(tp, fp),
            recall: ratio(tp, fn_),
            threshold,
            base_rate: all_positive as f64 / n,
            confusion: [[tn, fp], [fn_, tp]],
        }
    }
}

/// The threshold that best balances catching positives and raising false
/// alarms (Youden's J: recall minus false-alarm rate), chosen on validation rows.
pub fn balanced_threshold(probabilities: &[f64], truth: &[bool]) -> f64 {
    let positives = truth.iter().filter(|t| **t).count().max(1) as f64;
    let negatives = (truth.len() as f64 - positives).max(1.0);
    let pairs = best_first(probabilities, truth);
    let (mut tp, mut fp) = (0.0, 0.0);
    let (mut best, mut best_j) = (0.5, f64::MIN);
    for (i, (p, t)) in pairs.iter().enumerate() {
        if *t {
            tp += 1.0
        } else {
            fp += 1.0
        }
        let next_differs = pairs.get(i + 1).is_none_or(|n| n.0 < *p);
        let j = tp / positives - fp / negatives;
        if next_differs && j > best_j {
            best_j = j;
            best = *p;
        }
    }
    best
}

/// Curves of a yes/no model, each as (x, y) points from 0 to 1.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BinaryCurves {
    /// ROC: share of negatives flagged (x) against share of positives caught (y).
    pub roc: Vec<(f64, f64)>,
    /// Gains: share of rows contacted, best-scored first (x), against share of positives found (y).
    pub gains: Vec<(f64, f64)>,
    /// Calibration: average predicted probability (x) against the real share of positives (y), by tenths.
    pub calibration: Vec<(f64, f64)>,
}

impl BinaryCurves {
    /// Computes the curves of `probabilities` against `truth`.
    pub fn measure(probabilities: &[f64], truth: &[bool]) -> Self {
        let pairs = best_first(probabilities, truth);
        let n = pairs.len().max(1) as f64;
        let positives = pairs.iter().filter(|p| p.1).count().max(1) as f64;
        let negatives = (pairs.len() as f64 - positives).max(1.0);
        let (mut tp, mut fp) = (0.0, 0.0);
        let mut roc = vec![(0.0, 0.0)];
        let mut gains = vec![(0.0, 0.0)];
        let step = (pairs.len() / 200).max(1);
        for (i, (_, t)) in pairs.iter().enumerate() {
            if *t {
                tp += 1.0
            } else {
                fp += 1.0
            }
            if (i + 1) % step == 0 || i + 1 == pairs.len() {
                roc.push((fp / negatives, tp / positives));
                gains.push(((i + 1) as f64 / n, tp / positives));
            }
        }
        let mut bins = vec![(0.0, 0.0, 0usize); 10];
        for (p, t) in &pairs {
            let b = ((p * 10.0) as usize).min(9);
            bins[b].0 += p;
            bins[b].1 += f64::from(u8::from(*t));
            bins[b].2 += 1;
        }
        let calibration = bins
            .iter()
            .filter(|b| b.2 > 0)
            .map(|b| (b.0 / b.2 as f64, b.1 / b.2 as f64))
            .collect();
        Self {
            roc,
            gains,
            calibration,
        }
    }
}

/// Scores of a model choosing among several classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    /// Share of rows classified right.
    pub accuracy: f64,
    /// Per class, the share of its rows recognised.
    pub recall: Vec<f64>,
    /// Rows by true class (outer) and predicted class (inner).
    pub confusion: Vec<Vec<usize>>,
}

impl ClassScores {
    /// Scores predicted class indices against true ones.
    pub fn measure(predicted: &[usize], truth: &[usize], classes: usize) -> Self {
        let mut confusion = vec![vec![0usize; classes]; classes];
        for (p, t) in predicted.iter().zip(truth) {
            if *p < classes && *t < classes {
                confusion[*t][*p] += 1;
            }
        }
        let correct: usize = (0..classes).map(|c| confusion[c][c]).sum();
        let recall = (0..classes)
            .map(|c| {
                let total: usize = confusion[c].iter().sum();
                if total == 0 {
                    0.0
                } else {
                    confusion[c][c] as f64 / total as f64
                }
            })
            .collect();
        Self {
            accuracy: correct as f64 / truth.len().max(1) as f64,
            recall,
            confusion,
        }
    }
}

/// Errors of a model predicting amounts, in the target's own units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AmountScores {
    /// Root mean squared error.
    pub rmse: f64,
    /// Mean absolute error.
    pub mae: f64,
    /// Share of the variation explained (1 perfect, 0 no better than the average).
    pub r2: f64,
}

impl AmountScores {
    /// Scores predictions against truth.
    pub fn measure(predicted: &[f64], truth: &[f64]) -> Self {
        let n = truth.len().max(1) as f64;
        let mean = truth.iter().sum::<f64>() / n;
        let (mut sse, mut sae, mut sst) = (0.0, 0.0, 0.0);
        for (p, t) in predicted.iter().zip(truth) {
            sse += (p - t).powi(2);
            sae += (p - t).abs();
            sst += (t - mean).powi(2);
        }
        Self {
            rmse: (sse / n).sqrt(),
            mae: sae / n,
            r2: if sst > 0.0 { 1.0 - sse / sst } else { 0.0 },
        }
    }
}

/// The headline measure of a model's quality on rows it never saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Metric {
    /// Area under the ROC curve, for yes/no.
    #[serde(rename = "AUC")]
    Auc,
    /// Share of rows classified right, for several classes.
    #[serde(rename = "accuracy")]
    Accuracy,
    /// Root mean squared error, for amounts.
    #[serde(rename = "RMSE")]
    Rmse,
}

impl Metric {
    /// Its name in sentences: "AUC", "accuracy", "RMSE".
    pub fn name(self) -> &'static str {
        match self {
            Self::Auc => "AUC",
            Self::Accuracy => "accuracy",
            Self::Rmse => "RMSE",
        }
    }

    /// A figure of this measure as shown in sentences: "0.842", "81%", "0.47".
    pub fn shown(self, value: f64) -> String {
        match self {
            Self::Auc => format!("{value:.3}"),
            Self::Accuracy => crate::words::percent(value),
            Self::Rmse => crate::words::number(value),
        }
    }

    /// Whether a higher figure is better (not for an error).
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Self::Rmse)
    }

    /// Whether `a` is better than `b` by this measure.
    pub fn better(self, a: f64, b: f64) -> bool {
        if self.higher_is_better() {
            a > b
        } else {
            a < b
        }
    }
}

/// Test scores of one model, by the kind of prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scores {
    /// Yes/no.
    Binary(BinaryScores),
    /// Several classes.
    Multiclass(ClassScores),
    /// Amounts, in the target's units.
    Regression(AmountScores),
}

impl Scores {
    /// The measure that heads these scores.
    pub fn metric(&self) -> Metric {
        match self {
            Self::Binary(_) => Metric::Auc,
            Self::Multiclass(_) => Metric::Accuracy,
            Self::Regression(_) => Metric::Rmse,
        }
    }

    /// The headline figure itself: AUC, accuracy or RMSE.
    pub fn value(&self) -> f64 {
        match self {
            Self::Binary(s) => s.auc,
            Self::Multiclass(s) => s.accuracy,
            Self::Regression(s) => s.rmse,
        }
    }

    /// The headline figure with higher always better (minus the RMSE), to rank models.
    pub fn headline(&self) -> f64 {
        if self.metric().higher_is_better() {
            self.value()
        } else {
            -self.value()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_matches_hand_counts() {
        let scored = [(0.1, false), (0.4, true), (0.35, false), (0.8, true)];
        assert_eq!(auc(&scored), Some(1.0));
        assert_eq!(auc(&[(1.0, true), (1.0, false)]), Some(0.5));
        assert_eq!(auc(&[(0.9, false), (0.1, true)]), Some(0.0));
    }

    #[test]
    fn binary_scores_count_right() {
        let s = BinaryScores::measure(&[0.9, 0.8, 0.3, 0.2], &[true, false, true, false], 0.5);
        assert_eq!(s.confusion, [[1, 1], [1, 1]]);
        assert_eq!(
            (s.precision, s.recall, s.accuracy, s.base_rate),
            (0.5, 0.5, 0.5, 0.5)
        );
        assert_eq!(
            balanced_threshold(&[0.9, 0.8, 0.3, 0.2], &[true, true, false, false]),
            0.8
        );
    }

    #[test]
    fn moving_the_threshold_trades_precision_for_recall() {
        let p = [0.95, 0.9, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1];
        let t = [true, true, false, true, false, true, false, false];
        let strict = BinaryScores::measure(&p, &t, 0.8);
        let loose = BinaryScores::at_threshold(&p, &t, 0.25, strict.auc);
        assert_eq!(loose, BinaryScores::measure(&p, &t, 0.25));
        assert!(strict.precision > loose.precision && strict.recall < loose.recall);
        assert_eq!((strict.precision, loose.recall), (1.0, 1.0));
    }

    #[test]
    fn curves_run_from_corner_to_corner() {
        let c = BinaryCurves::measure(&[0.9, 0.7, 0.4, 0.1], &[true, false, true, false]);
        assert_eq!(c.roc.first(), Some(&(0.0, 0.0)));
        assert_eq!(c.roc.last(), Some(&(1.0, 1.0)));
        assert_eq!(c.gains[1], (0.25, 0.5));
        assert!(!c.calibration.is_empty());
    }

    #[test]
    fn amount_and_class_scores() {
        let a = AmountScores::measure(&[1.0, 2.0, 3.0], &[1.0, 2.0, 4.0]);
        assert!((a.rmse - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((a.mae - 1.0 / 3.0).abs() < 1e-12);
        let c = ClassScores::measure(&[0, 1, 2, 2], &[0, 1, 1, 2], 3);
        assert_eq!(c.accuracy, 0.75);
        assert_eq!(c.recall, vec![1.0, 0.5, 1.0]);
    }

    #[test]
    fn ranked_scores_match_a_full_pass_at_every_threshold() {
        let probabilities = [0.9, 0.8, 0.8, 0.4, 0.3, 0.3, 0.1, 0.65];
        let truth = [true, false, true, true, false, false, false, true];
        let ranked = Ranked::new(&probabilities, &truth);
        for threshold in [0.0, 0.1, 0.3, 0.35, 0.65, 0.8, 0.85, 1.0] {
            assert_eq!(
                ranked.at(threshold),
                BinaryScores::measure(&probabilities, &truth, threshold),
                "at {threshold}"
            );
        }
    }
}
