//! A saved prediction model is an artefact folder ([`crate::templates::artefact`])
//! whose card (`card.ron`) holds the schema, the preprocessing, both models'
//! settings and test scores, next to the weights of both networks in burn's
//! store format and a sample of encoded training rows for explanations.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::{ChosenModel, PredictionOutcome, Scores};
use crate::data::Table;
use crate::error::Result;
use crate::ml::glm::PenaltyChoice;
use crate::ml::metrics::Metric;
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::SplitPlan;
use crate::ml::task::{TargetColumn, TaskKind};
use crate::ml::train::{EpochLoss, TrainOptions};
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

/// Whether the tree reference does clearly better than the kept model: by
/// more than 0.01 AUC or accuracy, or an error 3% smaller — differences
/// beyond what a reshuffle of the rows usually moves.
pub fn trees_lead(trees: &Scores, kept: &Scores) -> bool {
    match kept.metric() {
        Metric::Rmse => trees.value() < kept.value() * 0.97,
        _ => trees.value() > kept.value() + 0.01,
    }
}

/// Gradient-boosted trees fitted on the same rows as the other two: shown
/// beside them as a reference, never used for scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeReference {
    /// Trees in the ensemble (the median over rotations under cross-validation).
    pub trees: usize,
    /// Its scores on the same rows as the other two models'.
    pub test: Scores,
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
    /// Gradient-boosted trees on the same rows, for reference; none for
    /// several classes.
    pub trees: Option<TreeReference>,
    /// The one used for scoring.
    pub chosen: ChosenModel,
}

impl ModelCard {
    /// The part used for scoring.
    pub fn chosen_part(&self) -> &ModelPart {
        self.part(self.chosen)
    }

    /// The deep or the simple part.
    pub fn part(&self, which: ChosenModel) -> &ModelPart {
        match which {
            ChosenModel::Deep => &self.deep,
            ChosenModel::Simple => &self.simple,
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

/// The weights file of each part.
pub(super) fn weights_file(which: ChosenModel) -> &'static str {
    match which {
        ChosenModel::Deep => "deep.bpk",
        ChosenModel::Simple => "simple.bpk",
    }
}

/// Encoded training rows that explanations compare with (little-endian f32).
const BACKGROUND: &str = "background.bin";

impl PredictionOutcome {
    /// Saves the model folder `dir` (created if needed): every file is
    /// written atomically and listed with its hash in the folder's record.
    pub fn save(&self, dir: &std::path::Path) -> Result<Record> {
        let mut writer = FolderWriter::create(dir)?;
        writer.network(weights_file(ChosenModel::Deep), &self.deep)?;
        writer.network(weights_file(ChosenModel::Simple), &self.simple)?;
        writer.numbers(BACKGROUND, &self.background)?;
        super::kept::write(self, &mut writer)?;
        writer.ron(CARD, &self.card)?;
        writer.finish(&self.provenance)
    }

    /// The whole outcome back from its folder — both networks, the test
    /// rows' predictions and the input choices — so a project reopens the
    /// results page exactly as it was.
    pub fn from_folder(folder: &Folder, device: &Device) -> Result<Self> {
        let saved = SavedModel::from_folder(folder, device)?;
        let card = saved.card;
        let deep = folder.network(weights_file(ChosenModel::Deep), &card.deep.shape, device)?;
        let simple = folder.network(
            weights_file(ChosenModel::Simple),
            &card.simple.shape,
            device,
        )?;
        let (test_predictions, inputs) = super::kept::read(folder, &card)?;
        Ok(Self {
            provenance: saved.provenance,
            card,
            deep,
            simple,
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
    /// The network chosen for scoring, on the device it was loaded to.
    pub network: Network,
    /// A sample of encoded training rows (`rows × width`) for explanations.
    pub background: Vec<f32>,
}

impl SavedModel {
    /// Loads an opened prediction folder onto `device`: the card is checked
    /// against itself, then the chosen weights against the card.
    pub fn from_folder(folder: &Folder, device: &Device) -> Result<Self> {
        let card: ModelCard = folder.ron(CARD)?;
        super::validate::check_card(&card).map_err(|problem| folder.damaged(problem))?;
        let network =
            folder.network(weights_file(card.chosen), &card.chosen_part().shape, device)?;
        let background = folder.numbers(BACKGROUND, card.preprocessor.width())?;
        Ok(Self {
            provenance: folder.record.provenance.clone(),
            card,
            network,
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
            network: match outcome.card.chosen {
                ChosenModel::Deep => outcome.deep.clone(),
                ChosenModel::Simple => outcome.simple.clone(),
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

    fn score(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Output> {
        super::score::score_rows(self, table, rows, device)
    }

    fn outcome(&self) -> Option<KnownOutcome<'_>> {
        Some(KnownOutcome {
            target: &self.card.target,
            test: &self.card.chosen_part().test,
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
        self.network.forward(x)
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
        self.card.chosen_part().threshold
    }

    fn network(&self) -> Option<&Network> {
        Some(&self.network)
    }
}
