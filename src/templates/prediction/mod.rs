//! The prediction template: learn a target column with a deep model, measure
//! it honestly against a simple model on held-out rows, save it, and score
//! new files with it.

mod kept;
mod labels;
mod saved;
mod score;
mod validate;

use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

pub use crate::ml::metrics::Scores;
pub use saved::{ModelCard, ModelPart, SavedModel};
pub use score::{score_rows, score_table};

use super::Template;
use super::artefact::{Folder, Provenance, Record, TemplateKind};
use super::inputs::{Decisions, InputChoice, Purpose, choose_inputs, used_columns};
use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::SplitPlan;
use crate::ml::task::{TaskKind, read_target};
use crate::ml::train::{EpochLoss, Examples, TrainOptions, Trained, fit, predict};
use labels::LabelSets;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionRequest {
    /// The column to predict.
    pub target: String,
    /// Columns the user wants left out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Columns the user wants used even though the health report would leave them out.
    #[serde(default)]
    pub include: Vec<String>,
    /// Seed: same seed, same data, same device → same model.
    pub seed: u64,
    /// How rows are divided between training, validation and test.
    #[serde(default)]
    pub split: SplitPlan,
}

/// The prediction template: learn a target column, judged against a simple model.
#[derive(Debug, Clone, Copy)]
pub struct Prediction;

impl Template for Prediction {
    const KIND: TemplateKind = TemplateKind::Prediction;
    type Request = PredictionRequest;
    type Event = TrainingEvent;
    type Outcome = PredictionOutcome;
    type Saved = SavedModel;

    fn train(
        table: &Table,
        request: &PredictionRequest,
        device: &ComputeDevice,
        progress: &Progress,
        on_event: &dyn Fn(TrainingEvent),
    ) -> Result<PredictionOutcome> {
        train_prediction(table, request, device, progress, on_event)
    }

    fn save(outcome: &PredictionOutcome, dir: &Path) -> Result<Record> {
        outcome.save(dir)
    }

    fn load(folder: &Folder, device: &Device) -> Result<SavedModel> {
        SavedModel::from_folder(folder, device)
    }

    fn seed(request: &PredictionRequest) -> u64 {
        request.seed
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
    /// Where it came from: data, request, seed, device, version, time.
    pub provenance: Provenance,
    /// What is saved as the folder's card.
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
    let decisions = Decisions {
        exclude: request.exclude.clone(),
        include: request.include.clone(),
    };
    let purpose = Purpose::Predict {
        target: &request.target,
    };
    let inputs = choose_inputs(table, &report, purpose, &decisions);
    let used = used_columns(&inputs);
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
    let provenance = Provenance::new(
        TemplateKind::Prediction,
        table,
        &device.label(),
        request.seed,
        request,
    );
    let card = ModelCard {
        target,
        inputs: used,
        preprocessor,
        amount_scale: labels.amount_scale,
        split_sizes: [split.train.len(), split.valid.len(), split.test.len()],
        split_plan: request.split.clone(),
        split_sentence: split.describe(),
        deep: ModelPart {
            shape: deep_shape,
            options: deep_options,
            threshold: deep_threshold,
            test: deep_scores,
            history: deep.history.clone(),
            best_epoch: deep.best_epoch,
        },
        simple: ModelPart {
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
        provenance,
        card,
        deep: deep.network,
        simple: simple.network,
        inputs,
        test_predictions,
        background,
    })
}
