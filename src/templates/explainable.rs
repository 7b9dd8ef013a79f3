//! What Shapley explanations need from an artefact: a network over encoded
//! input columns, the encoders that say where each column's numbers sit, a
//! sample of training rows to compare with, and which of the network's
//! outputs a row's explanation is about. Any template whose artefact offers
//! this ([`super::Artefact::explainable`]) gets attributions, drivers with
//! stability, permutation importance and decision changes from
//! [`crate::explain`].

use serde::{Deserialize, Serialize};

use crate::ml::model::{Network, softmax};
use crate::ml::preprocess::Preprocessor;
use crate::ml::task::TargetColumn;

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
}

impl Explained {
    /// The explained number of one row, from its raw outputs.
    pub fn of(self, out: &[f32]) -> f64 {
        match self {
            Self::Probability(class) => softmax(out).get(class).copied().unwrap_or(f64::NAN),
            Self::Amount { mean, sd } => {
                out.first().map_or(f64::NAN, |&o| f64::from(o) * sd + mean)
            }
        }
    }
}

/// A network over encoded input columns, ready to be explained.
pub trait Explainable: Send + Sync {
    /// The original input columns, in the order of the encoders.
    fn inputs(&self) -> &[String];
    /// How the inputs become the network's numbers.
    fn preprocessor(&self) -> &Preprocessor;
    /// The network.
    fn network(&self) -> &Network;
    /// Encoded training rows (`rows × width`) to compare with; may be empty.
    fn background(&self) -> &[f32];
    /// What is predicted, for sentences.
    fn target(&self) -> &TargetColumn;
    /// What to explain for a row whose raw output is `raw`.
    fn explained_for(&self, raw: &[f32]) -> Explained;
    /// The size of one unit of the explained number: 1 for probabilities,
    /// the target's spread for amounts.
    fn unit(&self) -> f64;
    /// For a yes/no decision: the chance above which a row is flagged.
    fn threshold(&self) -> Option<f64>;
}
