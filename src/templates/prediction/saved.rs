//! A saved prediction model is an artefact folder ([`crate::templates::artefact`])
//! whose card (`card.ron`) holds the schema, the preprocessing, both models'
//! settings and test scores, next to the weights of both networks in burn's
//! store format and a sample of encoded training rows for explanations.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::{ChosenModel, PredictionOutcome, Scores};
use crate::data::Table;
use crate::error::Result;
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
    /// Rows in the training, validation and test sets.
    pub split_sizes: [usize; 3],
    /// How the rows were split.
    pub split_plan: SplitPlan,
    /// The split in one sentence, with its counts (and dates, for a split by time).
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
}
