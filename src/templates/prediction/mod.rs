//! The prediction template: learn a target column with a deep model, measure
//! it honestly against a simple model on held-out rows, save it, and score
//! new files with it.

mod choice;
mod fit;
mod guessing;
mod kept;
mod labels;
mod saved;
mod score;
mod scorer;
mod validate;

use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

pub use crate::ml::metrics::Scores;
pub use choice::{ChoiceFigures, UnkeptTrees, trees_lead};
pub use fit::{SimpleOnly, simple_only, train_prediction};
pub use saved::{Compared, Fitting, Measured, ModelCard, ModelPart, SavedModel, TreeReference};
pub use score::{score_rows, score_table};
pub use scorer::Scorer;

use super::Template;
use super::artefact::{Folder, Provenance, Record, TemplateKind};
use super::inputs::InputChoice;
use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::model::Network;
use crate::ml::split::{CROSS_VALIDATE_BELOW, FOLDS, SplitPlan};
use crate::ml::train::EpochLoss;

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

/// Which model is kept for scoring and explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChosenModel {
    /// The deep network.
    Deep,
    /// The simple (logistic / linear) model, when the deep one does not beat it.
    Simple,
    /// The gradient-boosted trees, when they clearly beat both ([`trees_lead`]).
    Trees,
}

/// A trained prediction: every model, their scores and everything needed to save them.
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
    /// The tree model, when trees could be fitted (yes/no and amounts).
    pub trees: Option<std::sync::Arc<crate::ml::trees::TreeModel>>,
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
    /// The deep model finished one pass over its training rows.
    Epoch(EpochLoss),
    /// The deep model starts learning afresh, so a chart starts again.
    Round(Round),
}

/// Which training of the deep model is under way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// One rotation of cross-validation.
    Rotation {
        /// Counted from 1.
        number: usize,
        /// Rotations in all.
        of: usize,
    },
    /// The saved model, learning from every row.
    Final,
}

/// The test rows' true outcomes and the models' predictions, kept so
/// that results (curves, a moved threshold) can be recomputed without retraining.
#[derive(Debug, Clone, PartialEq)]
pub struct TestPredictions {
    /// Yes/no: whether each test row is positive.
    pub truth: Vec<bool>,
    /// Yes/no: the deep model's probability of the positive class per test row.
    pub deep: Vec<f64>,
    /// Yes/no: the simple model's probability per test row.
    pub simple: Vec<f64>,
    /// Yes/no: the tree model's probability per test row (empty without one).
    pub trees: Vec<f64>,
    /// Amounts: true values and the kept model's predictions, in the target's units.
    pub amounts: Vec<(f64, f64)>,
}

impl TestPredictions {
    /// Yes/no: the probabilities of the model `which` (empty for other targets).
    pub fn probabilities(&self, which: ChosenModel) -> &[f64] {
        match which {
            ChosenModel::Deep => &self.deep,
            ChosenModel::Simple => &self.simple,
            ChosenModel::Trees => &self.trees,
        }
    }
}

/// A rough forecast of training time, in seconds, for `rows` rows of the
/// `inputs` on `device`: the deep model's trainings at a throughput
/// measured on a two-core laptop processor, about 30 passes each on a
/// cross-validated table and 16 on a larger one, whose step size glides
/// ([`crate::ml::schedule::Schedule::Glide`]; adult.csv's 48 842 rows:
/// 6.3–8.5 s from Train to results, forecast 11.5 s; graphics cards are
/// counted five times faster). Shown before training so nobody waits blind.
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
        crate::compute::DeviceChoice::Gpu(_) => 1.5e11,
        crate::compute::DeviceChoice::Cpu => 3e10,
    };
    // Small tables are cross-validated: five rotations on four fifths of the
    // rows, then the saved model on all of them.
    let (trainings, passes) = if table.rows < CROSS_VALIDATE_BELOW {
        (0.8 * FOLDS as f64 + 1.0, 30.0)
    } else {
        (0.7, 16.0)
    };
    (table.rows as f64 * trainings * passes * per_row / flops_per_second).max(1.0)
}
