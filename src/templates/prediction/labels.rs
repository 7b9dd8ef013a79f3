//! The labels of the training, validation and test rows in the shape
//! training needs, and the test scores measured from a model's outputs.

use super::score::positive_probabilities;
use super::{ChosenModel, Scores, TestPredictions};
use crate::ml::metrics::{AmountScores, BinaryScores, ClassScores, balanced_threshold};
use crate::ml::model::argmax;
use crate::ml::split::Split;
use crate::ml::task::{TargetColumn, TargetValues, TaskKind};
use crate::ml::train::Labels;

/// A model's scores on the validation rows (what the kept model is chosen
/// on) and on the test rows (what it reports).
pub(super) struct SetScores {
    pub(super) valid: Scores,
    pub(super) test: Scores,
}

/// Every model's raw outputs for the test rows, and which one is kept.
pub(super) struct ModelOutputs<'a> {
    pub(super) deep: &'a [f32],
    pub(super) simple: &'a [f32],
    pub(super) trees: Option<&'a [f32]>,
    pub(super) kept: ChosenModel,
}

impl ModelOutputs<'_> {
    fn kept(&self) -> &[f32] {
        match (self.kept, self.trees) {
            (ChosenModel::Simple, _) => self.simple,
            (ChosenModel::Trees, Some(trees)) => trees,
            _ => self.deep,
        }
    }
}

/// The labels of each set in the shape training needs.
pub(super) struct LabelSets {
    classes: [Vec<u32>; 3],
    amounts: [Vec<f32>; 3],
    raw_amounts: [Vec<f64>; 3],
    /// Mean and standard deviation of the training target (amounts only).
    pub(super) amount_scale: Option<(f64, f64)>,
}

impl LabelSets {
    pub(super) fn new(values: &TargetValues, split: &Split) -> Self {
        let sets = [&split.train, &split.valid, &split.test];
        match values {
            TargetValues::Classes(v) => Self {
                classes: sets.map(|rows| rows.iter().map(|&r| v[r].unwrap_or(0)).collect()),
                amounts: Default::default(),
                raw_amounts: Default::default(),
                amount_scale: None,
            },
            TargetValues::Amounts(v) => {
                let train: Vec<f64> = split.train.iter().map(|&r| v[r]).collect();
                let mean = train.iter().sum::<f64>() / train.len().max(1) as f64;
                let sd = (train.iter().map(|x| (x - mean).powi(2)).sum::<f64>()
                    / train.len().max(1) as f64)
                    .sqrt()
                    .max(1e-12);
                Self {
                    classes: Default::default(),
                    amounts: sets
                        .map(|rows| rows.iter().map(|&r| ((v[r] - mean) / sd) as f32).collect()),
                    raw_amounts: sets.map(|rows| rows.iter().map(|&r| v[r]).collect()),
                    amount_scale: Some((mean, sd)),
                }
            }
        }
    }

    pub(super) fn labels(&self, set: usize, outputs: usize) -> Labels<'_> {
        match self.amount_scale {
            Some(_) => Labels::Amounts(&self.amounts[set]),
            None => Labels::Classes(&self.classes[set], outputs),
        }
    }

    /// The test rows' truth and the models' predictions in reader's units:
    /// every model's probabilities for yes/no (the trees' when there are
    /// trees), the `kept` model's amounts.
    pub(super) fn test_predictions(
        &self,
        task: TaskKind,
        out: ModelOutputs<'_>,
    ) -> TestPredictions {
        let none = TestPredictions {
            truth: Vec::new(),
            deep: Vec::new(),
            simple: Vec::new(),
            trees: Vec::new(),
            amounts: Vec::new(),
        };
        match (task, self.amount_scale) {
            (TaskKind::Binary, _) => TestPredictions {
                truth: self.classes[2].iter().map(|&c| c == 1).collect(),
                deep: positive_probabilities(out.deep),
                simple: positive_probabilities(out.simple),
                trees: out.trees.map(positive_probabilities).unwrap_or_default(),
                amounts: Vec::new(),
            },
            (TaskKind::Regression, Some((mean, sd))) => TestPredictions {
                amounts: self.raw_amounts[2]
                    .iter()
                    .zip(out.kept())
                    .map(|(t, &o)| (*t, f64::from(o) * sd + mean))
                    .collect(),
                ..none
            },
            _ => none,
        }
    }

    /// Validation and test scores from raw outputs; for yes/no the
    /// threshold is chosen on the validation rows, and both are flagged at it.
    pub(super) fn score(
        &self,
        target: &TargetColumn,
        valid_out: &[f32],
        test_out: &[f32],
    ) -> (SetScores, Option<f64>) {
        let threshold = (target.task == TaskKind::Binary).then(|| {
            let valid_p = positive_probabilities(valid_out);
            let truth_valid: Vec<bool> = self.classes[1].iter().map(|&c| c == 1).collect();
            balanced_threshold(&valid_p, &truth_valid)
        });
        let measured = SetScores {
            valid: self.score_set(target, 1, valid_out, threshold),
            test: self.score_set(target, 2, test_out, threshold),
        };
        (measured, threshold)
    }

    /// Test scores from raw outputs, flagging yes/no rows above `threshold`
    /// (chosen elsewhere: on validation rows, never on these).
    pub(super) fn score_at(
        &self,
        target: &TargetColumn,
        test_out: &[f32],
        threshold: Option<f64>,
    ) -> Scores {
        self.score_set(target, 2, test_out, threshold)
    }

    /// Scores of set `set` (0 training, 1 validation, 2 test) from its raw outputs.
    fn score_set(
        &self,
        target: &TargetColumn,
        set: usize,
        out: &[f32],
        threshold: Option<f64>,
    ) -> Scores {
        match (target.task, self.amount_scale) {
            (TaskKind::Regression, Some((mean, sd))) => {
                let predicted: Vec<f64> = out.iter().map(|&o| f64::from(o) * sd + mean).collect();
                Scores::Regression(AmountScores::measure(&predicted, &self.raw_amounts[set]))
            }
            (TaskKind::Binary, _) => {
                let p = positive_probabilities(out);
                let truth: Vec<bool> = self.classes[set].iter().map(|&c| c == 1).collect();
                Scores::Binary(BinaryScores::measure(&p, &truth, threshold.unwrap_or(0.5)))
            }
            _ => {
                let k = target.classes.len();
                let predicted: Vec<usize> = out.chunks(k.max(1)).map(argmax).collect();
                let truth: Vec<usize> = self.classes[set].iter().map(|&c| c as usize).collect();
                Scores::Multiclass(ClassScores::measure(&predicted, &truth, k))
            }
        }
    }
}
