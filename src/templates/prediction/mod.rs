//! The prediction template: learn a target column with a deep model, measure
//! it honestly against a simple model on held-out rows, save it, and score
//! new files with it.

mod inputs;
mod saved;

use serde::{Deserialize, Serialize};

pub use inputs::{InputChoice, choose_features, choose_inputs, columns_where};
pub use saved::{ModelCard, SavedModel, Scored, argmax, score_rows, score_table, softmax};

use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::metrics::{AmountScores, BinaryScores, ClassScores, balanced_threshold};
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::{Split, SplitPlan};
use crate::ml::task::{TargetColumn, TargetValues, TaskKind, read_target};
use crate::ml::train::{EpochLoss, Examples, Labels, TrainOptions, Trained, fit, predict};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionRequest {
    /// The column to predict.
    pub target: String,
    /// Columns the user wants left out.
    pub exclude: Vec<String>,
    /// Columns the user wants used even though the health report would leave them out.
    pub include: Vec<String>,
    /// Seed: same seed, same data, same device → same model.
    pub seed: u64,
    /// How rows are divided between training, validation and test.
    pub split: SplitPlan,
}

/// Test-split scores of one model.
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
    /// The headline figure, higher is better: AUC, accuracy, or minus RMSE.
    pub fn headline(&self) -> f64 {
        match self {
            Self::Binary(s) => s.auc,
            Self::Multiclass(s) => s.accuracy,
            Self::Regression(s) => -s.rmse,
        }
    }
}

/// Which of the two models is kept for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChosenModel {
    /// The deep network.
    Deep,
    /// The simple (logistic / linear) model, when the deep one does not beat it.
    Simple,
}

/// A trained prediction: both models, their scores and everything needed to save them.
#[derive(Debug)]
pub struct PredictionOutcome {
    /// What is saved as `model.ron`.
    pub card: ModelCard,
    /// The deep network.
    pub deep: Network,
    /// The simple model.
    pub simple: Network,
    /// Which columns were used and why others were not.
    pub inputs: Vec<InputChoice>,
    /// The test rows' outcomes and predictions.
    pub test_predictions: TestPredictions,
    /// Up to [`BACKGROUND_ROWS`] encoded training rows, saved with the model
    /// as the "average row" explanations compare with.
    pub background: Vec<f32>,
}

/// Training rows kept with a model for its explanations.
pub const BACKGROUND_ROWS: usize = 200;

/// News from a training run, for live charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainingEvent {
    /// One pass over the training rows finished.
    Epoch {
        /// Which model.
        model: ChosenModel,
        /// Its losses after the pass.
        loss: EpochLoss,
    },
}

/// The test rows' true outcomes and the chosen model's predictions, kept so
/// that results (curves, a moved threshold) can be recomputed without retraining.
#[derive(Debug, Clone, PartialEq)]
pub struct TestPredictions {
    /// Yes/no: whether each test row is positive.
    pub truth: Vec<bool>,
    /// Yes/no: the deep model's probability of the positive class per test row.
    pub deep: Vec<f64>,
    /// Yes/no: the simple model's probability per test row.
    pub simple: Vec<f64>,
    /// Amounts: true values and the deep model's predictions, in the target's units.
    pub amounts: Vec<(f64, f64)>,
}

/// A rough forecast of training time, in seconds, for `rows` rows of the
/// `inputs` on `device`: both models, about 30 passes, at a throughput
/// measured on a two-core laptop processor (graphics cards are counted ten
/// times faster). Shown before training so nobody waits blind.
pub fn estimate_seconds(table: &Table, inputs: &[String], device: &ComputeDevice) -> f64 {
    let width: usize = inputs
        .iter()
        .filter_map(|name| table.column(name))
        .map(|c| match c.role {
            crate::data::ColumnRole::Number => 10,
            crate::data::ColumnRole::Boolean => 2,
            crate::data::ColumnRole::Datetime => 6,
            _ => 12,
        })
        .sum();
    let per_row = 6.0 * (width as f64 * 256.0 + 256.0 * 256.0);
    let flops_per_second = match device.choice {
        crate::compute::DeviceChoice::Gpu(_) => 4e10,
        crate::compute::DeviceChoice::Cpu => 4e9,
    };
    let train_rows = table.rows as f64 * 0.7;
    (train_rows * 30.0 * per_row / flops_per_second).max(1.0)
}

/// Trains both models on `table` and measures them on the held-out test rows.
/// `on_event` hears about every pass, for a live loss chart.
pub fn train_prediction(
    table: &Table,
    request: &PredictionRequest,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(TrainingEvent),
) -> Result<PredictionOutcome> {
    progress.report(0.0, "Checking the data");
    let (target, values) = read_target(table, &request.target)?;
    let report = crate::health::analyse(table, Some(&request.target), &progress.scaled(0.0, 0.05))?;
    let inputs = choose_inputs(
        table,
        &report,
        &request.target,
        &request.exclude,
        &request.include,
    );
    let used: Vec<String> = inputs
        .iter()
        .filter(|c| c.included)
        .map(|c| c.column.clone())
        .collect();
    if used.is_empty() {
        return Err(ClearboxError::BadRequest(format!(
            "No column is left to predict '{}' from: every other column was left out. Include some columns.",
            request.target
        )));
    }
    let split = request.split.split(table, &values, request.seed)?;
    let preprocessor = Preprocessor::fit(table, &used, &split.train)?;
    let width = preprocessor.width();
    let x_train = preprocessor.transform(table, &split.train)?;
    let x_valid = preprocessor.transform(table, &split.valid)?;
    let x_test = preprocessor.transform(table, &split.test)?;
    let labels = LabelSets::new(&values, &split);
    let outputs = match target.task {
        TaskKind::Regression => 1,
        _ => target.classes.len(),
    };
    let train_set = Examples {
        x: &x_train,
        width,
        labels: labels.labels(0, outputs),
    };
    let valid_set = Examples {
        x: &x_valid,
        width,
        labels: labels.labels(1, outputs),
    };
    let rows = split.train.len();
    progress.report(0.05, "Training the simple model");
    let simple_options = TrainOptions::simple(rows, request.seed);
    let simple_shape = NetworkShape::simple(width, outputs);
    let simple = fit(
        &simple_shape,
        &train_set,
        &valid_set,
        &simple_options,
        &device.device,
        &progress.scaled(0.05, 0.15),
        &|loss| {
            on_event(TrainingEvent::Epoch {
                model: ChosenModel::Simple,
                loss,
            })
        },
    )?;
    progress.report(0.2, "Training the deep model");
    let deep_options = TrainOptions::deep(rows, request.seed);
    let deep_shape = NetworkShape::deep(width, outputs);
    let deep = fit(
        &deep_shape,
        &train_set,
        &valid_set,
        &deep_options,
        &device.device,
        &progress.scaled(0.2, 0.78),
        &|loss| {
            on_event(TrainingEvent::Epoch {
                model: ChosenModel::Deep,
                loss,
            })
        },
    )?;
    progress.report(0.98, "Measuring on the test rows");

    let judge = |trained: &Trained| -> Result<(Scores, Option<f64>, Vec<f32>)> {
        let valid_out = predict(&trained.network, &x_valid, width, &device.device)?;
        let test_out = predict(&trained.network, &x_test, width, &device.device)?;
        let (scores, threshold) = labels.score(&target, &valid_out, &test_out);
        Ok((scores, threshold, test_out))
    };
    let (deep_scores, deep_threshold, deep_out) = judge(&deep)?;
    let (simple_scores, simple_threshold, simple_out) = judge(&simple)?;
    let test_predictions = labels.test_predictions(target.task, &deep_out, &simple_out);
    let chosen = if deep_scores.headline() >= simple_scores.headline() {
        ChosenModel::Deep
    } else {
        ChosenModel::Simple
    };
    let card = ModelCard {
        clearbox_version: env!("CARGO_PKG_VERSION").to_owned(),
        created: chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        data_name: table.name.clone(),
        data_fingerprint: table.fingerprint.clone(),
        device: device.label(),
        seed: request.seed,
        target,
        inputs: used,
        preprocessor,
        amount_scale: labels.amount_scale,
        split_sizes: [split.train.len(), split.valid.len(), split.test.len()],
        split_plan: request.split.clone(),
        split_sentence: split.describe(),
        deep: saved::ModelPart {
            shape: deep_shape,
            options: deep_options,
            threshold: deep_threshold,
            test: deep_scores,
            history: deep.history.clone(),
            best_epoch: deep.best_epoch,
        },
        simple: saved::ModelPart {
            shape: simple_shape,
            options: simple_options,
            threshold: simple_threshold,
            test: simple_scores,
            history: simple.history.clone(),
            best_epoch: simple.best_epoch,
        },
        chosen,
    };
    let background = {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        // Positions within the training matrix, not row numbers.
        let mut at: Vec<usize> = (0..split.train.len()).collect();
        at.shuffle(&mut rand::rngs::StdRng::seed_from_u64(request.seed));
        at.truncate(BACKGROUND_ROWS);
        at.sort_unstable();
        at.iter()
            .flat_map(|&i| x_train[i * width..(i + 1) * width].iter().copied())
            .collect()
    };
    progress.report(1.0, "Done");
    Ok(PredictionOutcome {
        card,
        deep: deep.network,
        simple: simple.network,
        inputs,
        test_predictions,
        background,
    })
}

/// The labels of each set in the shape training needs.
struct LabelSets {
    classes: [Vec<u32>; 3],
    amounts: [Vec<f32>; 3],
    raw_amounts: [Vec<f64>; 3],
    /// Mean and standard deviation of the training target (amounts only).
    amount_scale: Option<(f64, f64)>,
}

impl LabelSets {
    fn new(values: &TargetValues, split: &Split) -> Self {
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

    fn labels(&self, set: usize, outputs: usize) -> Labels<'_> {
        match self.amount_scale {
            Some(_) => Labels::Amounts(&self.amounts[set]),
            None => Labels::Classes(&self.classes[set], outputs),
        }
    }

    /// The test rows' truth and both models' predictions in reader's units.
    fn test_predictions(&self, task: TaskKind, deep: &[f32], simple: &[f32]) -> TestPredictions {
        match (task, self.amount_scale) {
            (TaskKind::Binary, _) => TestPredictions {
                truth: self.classes[2].iter().map(|&c| c == 1).collect(),
                deep: saved::positive_probabilities(deep, 2),
                simple: saved::positive_probabilities(simple, 2),
                amounts: Vec::new(),
            },
            (TaskKind::Regression, Some((mean, sd))) => TestPredictions {
                truth: Vec::new(),
                deep: Vec::new(),
                simple: Vec::new(),
                amounts: self.raw_amounts[2]
                    .iter()
                    .zip(deep)
                    .map(|(t, &o)| (*t, f64::from(o) * sd + mean))
                    .collect(),
            },
            _ => TestPredictions {
                truth: Vec::new(),
                deep: Vec::new(),
                simple: Vec::new(),
                amounts: Vec::new(),
            },
        }
    }

    /// Test scores from raw outputs; for yes/no the threshold is chosen on validation rows.
    fn score(
        &self,
        target: &TargetColumn,
        valid_out: &[f32],
        test_out: &[f32],
    ) -> (Scores, Option<f64>) {
        match (target.task, self.amount_scale) {
            (TaskKind::Regression, Some((mean, sd))) => {
                let predicted: Vec<f64> =
                    test_out.iter().map(|&o| f64::from(o) * sd + mean).collect();
                (
                    Scores::Regression(AmountScores::measure(&predicted, &self.raw_amounts[2])),
                    None,
                )
            }
            (TaskKind::Binary, _) => {
                let valid_p = saved::positive_probabilities(valid_out, 2);
                let truth_valid: Vec<bool> = self.classes[1].iter().map(|&c| c == 1).collect();
                let threshold = balanced_threshold(&valid_p, &truth_valid);
                let test_p = saved::positive_probabilities(test_out, 2);
                let truth: Vec<bool> = self.classes[2].iter().map(|&c| c == 1).collect();
                (
                    Scores::Binary(BinaryScores::measure(&test_p, &truth, threshold)),
                    Some(threshold),
                )
            }
            _ => {
                let k = target.classes.len();
                let predicted: Vec<usize> = test_out.chunks(k).map(saved::argmax).collect();
                let truth: Vec<usize> = self.classes[2].iter().map(|&c| c as usize).collect();
                (
                    Scores::Multiclass(ClassScores::measure(&predicted, &truth, k)),
                    None,
                )
            }
        }
    }
}
