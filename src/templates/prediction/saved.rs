//! A saved prediction model is a folder: `model.ron` (the model card: schema,
//! preprocessing, settings, scores, data fingerprint, version) and the
//! weights of both networks in burn's store format.

use std::path::{Path, PathBuf};

use burn::store::{BurnpackStore, ModuleSnapshot};
use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::{ChosenModel, PredictionOutcome, Scores};
use crate::data::Table;
use crate::data::export::ExtraColumn;
use crate::error::{ClearboxError, Result, display_name};
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::SplitPlan;
use crate::ml::task::{TargetColumn, TaskKind};
use crate::ml::train::{EpochLoss, TrainOptions, predict};
use crate::project::write_atomically;

/// One of the two trained models, as recorded in the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPart {
    /// Its layers.
    pub shape: NetworkShape,
    /// How it was trained.
    pub options: TrainOptions,
    /// For yes/no: the probability above which a row is flagged.
    pub threshold: Option<f64>,
    /// Its scores on the test rows.
    pub test: Scores,
    /// Loss per pass.
    pub history: Vec<EpochLoss>,
    /// The pass whose weights were kept.
    pub best_epoch: usize,
}

/// Everything about a trained model except its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// Clearbox version that trained it.
    pub clearbox_version: String,
    /// When it was trained.
    pub created: String,
    /// The table it was trained on.
    pub data_name: String,
    /// Hash of that table's file.
    pub data_fingerprint: String,
    /// Where it was trained.
    pub device: String,
    /// The seed used.
    pub seed: u64,
    /// What it predicts.
    pub target: TargetColumn,
    /// The columns it reads, in order.
    pub inputs: Vec<String>,
    /// How those columns become numbers.
    pub preprocessor: Preprocessor,
    /// For amounts: the training target's mean and standard deviation.
    pub amount_scale: Option<(f64, f64)>,
    /// Rows in the training, validation and test sets.
    pub split_sizes: [usize; 3],
    /// How the rows were split.
    #[serde(default)]
    pub split_plan: SplitPlan,
    /// The split in one sentence, with its counts (and dates, for a split by time).
    #[serde(default)]
    pub split_sentence: String,
    /// The deep model.
    pub deep: ModelPart,
    /// The simple model it was measured against.
    pub simple: ModelPart,
    /// The one used for scoring.
    pub chosen: ChosenModel,
}

impl ModelCard {
    /// The part used for scoring.
    pub fn chosen_part(&self) -> &ModelPart {
        match self.chosen {
            ChosenModel::Deep => &self.deep,
            ChosenModel::Simple => &self.simple,
        }
    }
}

const CARD: &str = "model.ron";
const DEEP: &str = "deep.bpk";
const SIMPLE: &str = "simple.bpk";
/// Encoded training rows that explanations compare with (little-endian f32).
const BACKGROUND: &str = "background.bin";

impl PredictionOutcome {
    /// Saves the model folder `dir` (created if needed). Each file is written
    /// to a temporary name and renamed, so a crash never leaves a torn file.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let failed = |detail: String| ClearboxError::SaveFailed {
            path: dir.display().to_string(),
            detail,
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(e.to_string()))?;
        for (network, name) in [(&self.deep, DEEP), (&self.simple, SIMPLE)] {
            let temp = dir.join(format!(".{name}.tmp"));
            network
                .save_into(&mut BurnpackStore::from_file(&temp).overwrite(true))
                .map_err(|e| failed(format!("{e:?}")))?;
            std::fs::rename(&temp, dir.join(name)).map_err(|e| failed(e.to_string()))?;
        }
        let background: Vec<u8> = self
            .background
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        write_atomically(&dir.join(BACKGROUND), &background)?;
        let card = ron::ser::to_string_pretty(&self.card, ron::ser::PrettyConfig::default())
            .map_err(|e| failed(e.to_string()))?;
        write_atomically(&dir.join(CARD), card.as_bytes())
    }
}

/// A model loaded from its folder, ready to score.
#[derive(Debug)]
pub struct SavedModel {
    /// The card.
    pub card: ModelCard,
    /// The network chosen for scoring, on the device it was loaded to.
    pub network: Network,
    /// A sample of encoded training rows (`rows × width`) for explanations;
    /// empty for folders saved before Clearbox kept one.
    pub background: Vec<f32>,
}

impl SavedModel {
    /// Loads the folder `dir` onto `device`.
    pub fn load(dir: &Path, device: &Device) -> Result<Self> {
        let not_a_model = || {
            ClearboxError::BadRequest(format!(
                "'{}' is not a Clearbox model folder: it holds no readable {CARD} (a prediction model) \
                 or segments.ron (saved groups). Choose the folder that 'clearbox train' created.",
                display_name(dir)
            ))
        };
        let text = std::fs::read_to_string(dir.join(CARD)).map_err(|_| not_a_model())?;
        let card: ModelCard = ron::from_str(&text).map_err(|_| not_a_model())?;
        let part = card.chosen_part();
        let file = match card.chosen {
            ChosenModel::Deep => DEEP,
            ChosenModel::Simple => SIMPLE,
        };
        let path: PathBuf = dir.join(file);
        if !path.is_file() {
            return Err(not_a_model());
        }
        let mut network = part.shape.init(device);
        network.load_from(&mut BurnpackStore::from_file(&path)).map_err(|e| ClearboxError::BadRequest(format!(
            "The weights in '{}' could not be read ({e:?}). The model folder may be damaged; train it again.",
            display_name(&path)
        )))?;
        let width = card.preprocessor.width().max(1);
        let background = std::fs::read(dir.join(BACKGROUND))
            .ok()
            .filter(|bytes| bytes.len() % (4 * width) == 0)
            .map(|bytes| {
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            card,
            network,
            background,
        })
    }

    /// The chosen model of a training run still in memory.
    pub fn from_outcome(outcome: &PredictionOutcome) -> Self {
        Self {
            card: outcome.card.clone(),
            network: match outcome.card.chosen {
                ChosenModel::Deep => outcome.deep.clone(),
                ChosenModel::Simple => outcome.simple.clone(),
            },
            background: outcome.background.clone(),
        }
    }

    /// The threshold of the chosen model (yes/no only).
    pub fn threshold(&self) -> Option<f64> {
        self.card.chosen_part().threshold
    }
}

/// Predictions for every row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The predicted label (classes) or value (amounts), as text.
    pub predictions: Vec<String>,
    /// Per class, the probability of each row (empty for amounts).
    pub probabilities: Vec<(String, Vec<f64>)>,
    /// For amounts, the predicted values.
    pub amounts: Vec<f64>,
}

impl Scored {
    /// The columns to append to the scored file.
    pub fn into_columns(self) -> Vec<ExtraColumn> {
        let mut columns = Vec::new();
        if self.amounts.is_empty() {
            columns.push(ExtraColumn::Text("prediction".into(), self.predictions));
        } else {
            columns.push(ExtraColumn::Numbers("prediction".into(), self.amounts));
        }
        for (class, p) in self.probabilities {
            columns.push(ExtraColumn::Numbers(format!("probability_{class}"), p));
        }
        columns
    }
}

/// Scores every row of `table` with `model`. A target column present in the
/// table is ignored; missing input columns are named in the error.
pub fn score_table(model: &SavedModel, table: &Table, device: &Device) -> Result<Scored> {
    let rows: Vec<usize> = (0..table.rows).collect();
    score_rows(model, table, &rows, device)
}

/// Scores the `rows` of `table` with `model` (predictions in the order of `rows`).
pub fn score_rows(
    model: &SavedModel,
    table: &Table,
    rows: &[usize],
    device: &Device,
) -> Result<Scored> {
    let card = &model.card;
    let x = card.preprocessor.transform(table, rows)?;
    let out = predict(&model.network, &x, card.preprocessor.width(), device)?;
    Ok(match (card.target.task, card.amount_scale) {
        (TaskKind::Regression, Some((mean, sd))) => {
            let amounts: Vec<f64> = out.iter().map(|&o| f64::from(o) * sd + mean).collect();
            Scored {
                predictions: Vec::new(),
                probabilities: Vec::new(),
                amounts,
            }
        }
        _ => {
            let k = card.target.classes.len();
            let probabilities: Vec<Vec<f64>> = out.chunks(k).map(softmax).collect();
            let predictions = probabilities
                .iter()
                .map(|p| {
                    let class = match (card.target.task, model.threshold()) {
                        (TaskKind::Binary, Some(t)) => usize::from(p[1] >= t),
                        _ => argmax_f64(p),
                    };
                    card.target.classes[class].clone()
                })
                .collect();
            let per_class = card
                .target
                .classes
                .iter()
                .enumerate()
                .map(|(c, name)| (name.clone(), probabilities.iter().map(|p| p[c]).collect()))
                .collect();
            Scored {
                predictions,
                probabilities: per_class,
                amounts: Vec::new(),
            }
        }
    })
}

/// Softmax of one row of raw outputs.
pub fn softmax(row: &[f32]) -> Vec<f64> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = row.iter().map(|&o| f64::from(o - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// The probability of class 1 for each row of `k`-wide raw outputs.
pub fn positive_probabilities(out: &[f32], k: usize) -> Vec<f64> {
    out.chunks(k).map(|row| softmax(row)[1]).collect()
}

/// Index of the largest raw output.
pub fn argmax(row: &[f32]) -> usize {
    row.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

fn argmax_f64(row: &[f64]) -> usize {
    row.iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}
