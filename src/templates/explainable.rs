//! What Shapley explanations need from an artefact: a network over encoded
//! input columns, the encoders that say where each column's numbers sit, a
//! sample of training rows to compare with, and which of the network's
//! outputs a row's explanation is about. Any template whose artefact offers
//! this ([`super::Artefact::explainable`]) gets attributions, drivers with
//! stability, permutation importance and decision changes from
//! [`crate::explain`].

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::ml::model::{Network, chance};
use crate::ml::preprocess::Preprocessor;
use crate::ml::task::TargetColumn;
use crate::ml::trees::Walkable;

/// How one raw network output becomes a number a reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum OutputLink {
    /// A logit: the number is its probability (0..1).
    Logistic,
    /// A standardised amount: the number is output × `sd` + `mean`.
    Scaled {
        /// Mean of the training values.
        mean: f64,
        /// Their standard deviation.
        sd: f64,
    },
}

impl OutputLink {
    /// One raw output as the number it stands for.
    pub fn value(self, raw: f32) -> f64 {
        match self {
            Self::Logistic => 1.0 / (1.0 + (-f64::from(raw)).exp()),
            Self::Scaled { mean, sd } => f64::from(raw) * sd + mean,
        }
    }

    /// Whether the numbers are chances (spoken of in percentage points).
    pub fn is_chance(self) -> bool {
        matches!(self, Self::Logistic)
    }
}

/// Which number of a network's output is being explained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Explained {
    /// The probability of this class (0..1).
    Probability(usize),
    /// An amount in the target's units: raw output × `sd` + `mean`.
    Amount {
        /// Training target mean.
        mean: f64,
        /// Training target standard deviation.
        sd: f64,
    },
    /// How much more one output stands for than another: a chosen action's
    /// predicted reward over the runner-up's.
    Difference {
        /// The output explained (index into the target's labels).
        chosen: usize,
        /// The output it is compared with.
        other: usize,
        /// How both outputs become numbers.
        link: OutputLink,
    },
}

impl Explained {
    /// The explained number of one row, from its raw outputs.
    pub fn of(self, out: &[f32]) -> f64 {
        match self {
            Self::Probability(class) => chance(out, class).unwrap_or(f64::NAN),
            Self::Amount { mean, sd } => {
                out.first().map_or(f64::NAN, |&o| f64::from(o) * sd + mean)
            }
            Self::Difference {
                chosen,
                other,
                link,
            } => match (out.get(chosen), out.get(other)) {
                (Some(&a), Some(&b)) => link.value(a) - link.value(b),
                _ => f64::NAN,
            },
        }
    }

    /// Whether the explained number is a chance (spoken of in percentage points).
    pub fn is_chance(self) -> bool {
        match self {
            Self::Probability(_) => true,
            Self::Amount { .. } => false,
            Self::Difference { link, .. } => link.is_chance(),
        }
    }
}

/// A model over encoded input columns (a network, trees or a policy), ready to be explained.
pub trait Explainable: Send + Sync {
    /// The original input columns, in the order of the encoders.
    fn inputs(&self) -> &[String];
    /// How the inputs become the network's numbers.
    fn preprocessor(&self) -> &Preprocessor;
    /// The raw outputs (`rows × outputs`) of a batch of encoded rows.
    fn forward(&self, x: Tensor<2>) -> Tensor<2>;
    /// Encoded training rows (`rows × width`) to compare with; may be empty.
    fn background(&self) -> &[f32];
    /// What is predicted, for sentences: the column, and the labels of the
    /// outputs (its classes, or the actions a policy chooses among).
    fn target(&self) -> &TargetColumn;
    /// What to explain for the encoded row `x` whose raw outputs are `raw`.
    fn explained_for(&self, x: &[f32], raw: &[f32]) -> Explained;
    /// The size of one unit of the explained number: 1 for probabilities,
    /// the target's spread for amounts.
    fn unit(&self) -> f64;
    /// For a yes/no decision: the chance above which a row is flagged.
    fn threshold(&self) -> Option<f64>;
    /// The network itself when `forward` is exactly [`Network::forward`] on
    /// the encoded row, so that explanations may build the first layer of a
    /// masked row from per-column parts (much less work); `None` runs
    /// `forward` on every masked row.
    fn network(&self) -> Option<&Network> {
        None
    }
    /// The trees, when `forward` is exactly a tree model on the encoded row,
    /// so that explanations may look leaves up per coalition instead of
    /// walking every tree for every masked row; `None` runs `forward`.
    fn trees(&self) -> Option<Walkable> {
        None
    }
}
