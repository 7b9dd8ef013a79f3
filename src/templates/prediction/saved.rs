//! A saved prediction model is an artefact folder ([`crate::templates::artefact`])
//! whose card (`card.ron`) holds the schema, the preprocessing, every model's
//! settings and test scores, next to the weights of both networks in burn's
//! store format (`deep.bpk`, `simple.bpk`), the tree model in forust-ml's
//! JSON (`trees.json`, when one was fitted) and a sample of encoded training
//! rows for explanations.

use std::sync::Arc;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::choice::ChoiceFigures;
use super::{ChosenModel, PredictionOutcome, Scorer, Scores};
use crate::data::Table;
use crate::error::Result;
use crate::ml::glm::{PenaltyChoice, PlainInputs};
use crate::ml::metrics::Metric;
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::SplitPlan;
use crate::ml::task::{TargetColumn, TaskKind};
use crate::ml::train::{EpochLoss, TrainOptions};
use crate::ml::trees::TreeModel;
use crate::templates::artefact::{CARD, Folder, FolderWriter, Provenance, Record};
use crate::templates::{Artefact, Explainable, Explained, KnownOutcome, Output};

/// One of the two trained models, as recorded in the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPart {
    /// Its layers.
    pub shape: NetworkShape,
    /// How it was fitted.
    pub fitting: Fitting,
    /// For yes/no: the probability above which a row is flagged.
    pub threshold: Option<f64>,
    /// Its scores on rows it never saw: the test rows, or every row in
    /// turn under cross-validation.
    pub test: Scores,
}

/// How a model's weights were found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Fitting {
    /// Passes of AdamW over mini-batches (the deep model).
    Passes {
        /// The settings.
        options: TrainOptions,
        /// Loss per pass.
        history: Vec<EpochLoss>,
        /// The pass whose weights were kept.
        best_epoch: usize,
    },
    /// A fixed number of passes over every row, as many as cross-validation
    /// chose (`options.max_epochs`); no rows were held back to check on.
    Refit {
        /// The settings.
        options: TrainOptions,
        /// Loss on the training rows per pass.
        train_loss: Vec<f64>,
    },
    /// To convergence, with an L2 penalty chosen on validation rows (the simple model).
    Penalised(PenaltyChoice),
}

impl Fitting {
    /// Passes over the training rows (none for a model fitted to convergence).
    pub fn passes(&self) -> usize {
        match self {
            Self::Passes { history, .. } => history.len(),
            Self::Refit { train_loss, .. } => train_loss.len(),
            Self::Penalised(_) => 0,
        }
    }
}

/// How the test figures were measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Measured {
    /// On held-out test rows the models never saw.
    HeldOut,
    /// By cross-validation: every row was scored by models that had not seen
    /// it; the saved models then learned from every row.
    CrossValidated {
        /// The measure of the figures below.
        metric: Metric,
        /// The deep model's figure in each rotation.
        deep: Vec<f64>,
        /// The simple model's figure in each rotation.
        simple: Vec<f64>,
        /// The tree reference's figure in each rotation (empty without one).
        trees: Vec<f64>,
    },
}

/// One of the models a card compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compared {
    /// The deep model.
    Deep,
    /// The simple model.
    Simple,
    /// The tree reference.
    Trees,
}

impl From<ChosenModel> for Compared {
    fn from(chosen: ChosenModel) -> Self {
        match chosen {
            ChosenModel::Deep => Self::Deep,
            ChosenModel::Simple => Self::Simple,
            ChosenModel::Trees => Self::Trees,
        }
    }
}

impl Measured {
    /// For cross-validation, the spread of a model's figure in words:
    /// "between 0.81 and 0.87 across 5 rotations of the rows".
    pub fn spread(&self, which: impl Into<Compared>) -> Option<String> {
        let Self::CrossValidated {
            metric,
            deep,
            simple,
            trees,
        } = self
        else {
            return None;
        };
        let figures = match which.into() {
            Compared::Deep => deep,
            Compared::Simple => simple,
            Compared::Trees => trees,
        };
        if figures.is_empty() {
            return None;
        }
        let low = figures.iter().copied().fold(f64::INFINITY, f64::min);
        let high = figures.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some(format!(
            "between {} and {} across {} rotations of the rows",
            metric.shown(low),
            metric.shown(high),
            figures.len()
        ))
    }
}

/// Gradient-boosted trees fitted on the same rows as the other two: always
/// shown beside them, and kept for scoring when they clearly do better
/// ([`super::trees_lead`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeReference {
    /// Trees in the ensemble (the median over rotations under cross-validation).
    pub trees: usize,
    /// Its scores on the same rows as the other two models'.
    pub test: Scores,
    /// For yes/no: the probability above which a row is flagged, chosen on
    /// validation rows as for the other two. Cards written before trees
    /// could be kept have none.
    #[serde(default)]
    pub threshold: Option<f64>,
}

/// Everything about a trained model except its weights and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// What it predicts.
    pub target: TargetColumn,
    /// The columns it reads, in order.
    pub inputs: Vec<String>,
    /// How those columns become numbers.
    pub preprocessor: Preprocessor,
    /// For amounts: the training target's mean and standard deviation.
    pub amount_scale: Option<(f64, f64)>,
    /// Rows in the training, validation and test sets. Under
    /// cross-validation the saved model learned from every row and every row
    /// was measured once: `[rows, 0, rows]`.
    pub split_sizes: [usize; 3],
    /// How the rows were split.
    pub split_plan: SplitPlan,
    /// The split in one sentence, with its counts (and dates, for a split by time).
    pub split_sentence: String,
    /// Whether the figures come from held-out rows or cross-validation.
    pub measured: Measured,
    /// The deep model.
    pub deep: ModelPart,
    /// The simple model it was measured against.
    pub simple: ModelPart,
    /// Gradient-boosted trees on the same rows; none for several classes.
    pub trees: Option<TreeReference>,
    /// The one used for scoring.
    pub chosen: ChosenModel,
    /// The figures it was chosen on where they are not the test figures:
    /// the validation rows' on a held-out split. Cross-validated cards, and
    /// cards saved before, chose on the figures they show.
    #[serde(default)]
    pub chosen_on: Option<ChoiceFigures>,
}

impl ModelCard {
    /// The test scores of the model `which`; the trees' when the card has
    /// none for them (a card that keeps trees always has them: see
    /// `validate::check_card`) fall back to the deep model's.
    pub fn test(&self, which: ChosenModel) -> &Scores {
        match (which, &self.trees) {
            (ChosenModel::Simple, _) => &self.simple.test,
            (ChosenModel::Trees, Some(trees)) => &trees.test,
            _ => &self.deep.test,
        }
    }

    /// The kept model's test scores.
    pub fn chosen_test(&self) -> &Scores {
        self.test(self.chosen)
    }

    /// The kept model's threshold for flagging yes/no rows.
    pub fn chosen_threshold(&self) -> Option<f64> {
        match (self.chosen, &self.trees) {
            (ChosenModel::Simple, _) => self.simple.threshold,
            (ChosenModel::Trees, Some(trees)) => trees.threshold,
            _ => self.deep.threshold,
        }
    }

    /// The inputs the tree model reads: the plain columns of the encoded row.
    pub fn plain_inputs(&self) -> PlainInputs {
        PlainInputs {
            columns: self.preprocessor.plain_columns(),
            width: self.preprocessor.width(),
        }
    }

    /// Outputs of the network: one per class, or one for an amount.
    pub fn outputs(&self) -> usize {
        match self.target.task {
            TaskKind::Regression => 1,
            _ => self.target.classes.len(),
        }
    }
}

/// The deep network's weights file.
const DEEP: &str = "deep.bpk";
/// The simple model's weights file.
const SIMPLE: &str = "simple.bpk";
/// The tree model's file (forust-ml's JSON).
const TREES: &str = "trees.json";

/// Encoded training rows that explanations compare with (little-endian f32).
const BACKGROUND: &str = "background.bin";

impl PredictionOutcome {
    /// Saves the model folder `dir` (created if needed): every file is
    /// written atomically and listed with its hash in the folder's record.
    pub fn save(&self, dir: &std::path::Path) -> Result<Record> {
        let mut writer = FolderWriter::create(dir)?;
        writer.network(DEEP, &self.deep)?;
        writer.network(SIMPLE, &self.simple)?;
        if let Some(trees) = &self.trees {
            writer.file(TREES, trees.to_json()?.as_bytes())?;
        }
        writer.numbers(BACKGROUND, &self.background)?;
        super::kept::write(self, &mut writer)?;
        writer.ron(CARD, &self.card)?;
        writer.finish(&self.provenance)
    }

    /// The whole outcome back from its folder — every model, the test
    /// rows' predictions and the input choices — so a project reopens the
    /// results page exactly as it was.
    pub fn from_folder(folder: &Folder, device: &Device) -> Result<Self> {
        let saved = SavedModel::from_folder(folder, device)?;
        let card = saved.card;
        let deep = folder.network(DEEP, &card.deep.shape, device)?;
        let simple = folder.network(SIMPLE, &card.simple.shape, device)?;
        // Folders saved before trees could be kept hold none.
        let trees = match saved.scorer {
            Scorer::Trees(trees) => Some(trees),
            Scorer::Network(_) if folder.holds(TREES) => Some(read_trees(folder, &card)?),
            Scorer::Network(_) => None,
        };
        let (test_predictions, inputs) = super::kept::read(folder, &card)?;
        Ok(Self {
            provenance: saved.provenance,
            card,
            deep,
            simple,
            trees,
            inputs,
            test_predictions,
            background: saved.background,
        })
    }
}

/// A model loaded from its folder, ready to score and explain.
#[derive(Debug)]
pub struct SavedModel {
    /// Where it came from.
    pub provenance: Provenance,
    /// The card.
    pub card: ModelCard,
    /// The model kept for scoring; a network is on the device it was loaded to.
    pub scorer: Scorer,
    /// A sample of encoded training rows (`rows × width`) for explanations.
    pub background: Vec<f32>,
}

impl SavedModel {
    /// Loads an opened prediction folder onto `device`: the card is checked
    /// against itself, then the chosen weights against the card.
    pub fn from_folder(folder: &Folder, device: &Device) -> Result<Self> {
        let card: ModelCard = folder.ron(CARD)?;
        super::validate::check_card(&card).map_err(|problem| folder.damaged(problem))?;
        let scorer = match card.chosen {
            ChosenModel::Deep => Scorer::Network(folder.network(DEEP, &card.deep.shape, device)?),
            ChosenModel::Simple => {
                Scorer::Network(folder.network(SIMPLE, &card.simple.shape, device)?)
            }
            ChosenModel::Trees => Scorer::Trees(read_trees(folder, &card)?),
        };
        let background = folder.numbers(BACKGROUND, card.preprocessor.width())?;
        Ok(Self {
            provenance: folder.record.provenance.clone(),
            card,
            scorer,
            background,
        })
    }

    /// Loads the folder `dir`, which must hold a prediction model.
    pub fn load(dir: &std::path::Path, device: &Device) -> Result<Self> {
        crate::templates::open_as::<super::Prediction>(dir, device)
    }

    /// The chosen model of a training run still in memory.
    pub fn from_outcome(outcome: &PredictionOutcome) -> Self {
        Self {
            provenance: outcome.provenance.clone(),
            card: outcome.card.clone(),
            scorer: match (outcome.card.chosen, &outcome.trees) {
                (ChosenModel::Simple, _) => Scorer::Network(outcome.simple.clone()),
                (ChosenModel::Trees, Some(trees)) => Scorer::Trees(Arc::clone(trees)),
                _ => Scorer::Network(outcome.deep.clone()),
            },
            background: outcome.background.clone(),
        }
    }
}

impl Artefact for SavedModel {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    fn inputs(&self) -> &[String] {
        &self.card.inputs
    }

    fn check(&self, table: &Table) -> Result<()> {
        self.card.preprocessor.check(table)
    }

    fn unread(&self, table: &Table, rows: &[usize]) -> Vec<crate::ml::unread::Unread> {
        self.card.preprocessor.unread(table, rows)
    }

    fn score(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Output> {
        super::score::score_rows(self, table, rows, device)
    }

    fn outcome(&self) -> Option<KnownOutcome<'_>> {
        Some(KnownOutcome {
            target: &self.card.target,
            test: self.card.chosen_test(),
        })
    }

    fn explainable(&self) -> Option<&dyn Explainable> {
        Some(self)
    }
}

impl Explainable for SavedModel {
    fn inputs(&self) -> &[String] {
        &self.card.inputs
    }

    fn preprocessor(&self) -> &Preprocessor {
        &self.card.preprocessor
    }

    fn forward(&self, x: burn::tensor::Tensor<2>) -> burn::tensor::Tensor<2> {
        self.scorer.forward(x)
    }

    fn background(&self) -> &[f32] {
        &self.background
    }

    fn target(&self) -> &TargetColumn {
        &self.card.target
    }

    fn explained_for(&self, _x: &[f32], raw: &[f32]) -> Explained {
        match (self.card.target.task, self.card.amount_scale) {
            (TaskKind::Regression, Some((mean, sd))) => Explained::Amount { mean, sd },
            (TaskKind::Binary, _) => Explained::Probability(1),
            _ => Explained::Probability(crate::ml::model::argmax(raw)),
        }
    }

    fn unit(&self) -> f64 {
        self.card.amount_scale.map_or(1.0, |(_, sd)| sd)
    }

    fn threshold(&self) -> Option<f64> {
        self.card.chosen_threshold()
    }

    fn network(&self) -> Option<&Network> {
        self.scorer.network()
    }

    fn trees(&self) -> Option<crate::ml::trees::Walkable> {
        match &self.scorer {
            Scorer::Trees(trees) => Some(trees.walkable()),
            Scorer::Network(_) => None,
        }
    }
}

/// The tree model from its folder, checked against the card's inputs.
fn read_trees(folder: &Folder, card: &ModelCard) -> Result<Arc<TreeModel>> {
    let text = std::str::from_utf8(folder.bytes(TREES)?)
        .map_err(|_| folder.damaged(format!("its file '{TREES}' is not text. Train it again")))?;
    TreeModel::from_json(text, card.plain_inputs(), card.target.task)
        .map(Arc::new)
        .map_err(|problem| {
            folder.damaged(format!(
                "its tree model '{TREES}' does not fit its card ({problem}). Train it again"
            ))
        })
}
