//! The model a saved prediction scores and explains with: a burn network
//! (the deep or the simple model) or the tree model, behind one interface so
//! scoring, explanations and drift never ask which.

use std::sync::Arc;

use burn::tensor::{Device, Tensor, TensorData};

use crate::error::{ClearboxError, Result};
use crate::ml::model::Network;
use crate::ml::train::predict;
use crate::ml::trees::TreeModel;

/// The kept model, ready to turn encoded rows into raw outputs.
// One per loaded model, so the network's size is not worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Scorer {
    /// The deep or the simple model.
    Network(Network),
    /// Gradient-boosted trees, which run on the processor whatever the
    /// device. Shared, as a fitted ensemble is not copied cheaply.
    Trees(Arc<TreeModel>),
}

impl Scorer {
    /// Raw outputs (`rows × outputs`) for the encoded rows `x` (`rows × width`).
    pub fn outputs(&self, x: &[f32], width: usize, device: &Device) -> Result<Vec<f32>> {
        match self {
            Self::Network(network) => predict(network, x, width, device),
            Self::Trees(trees) => Ok(trees.outputs(x)),
        }
    }

    /// Raw outputs of a batch in tensor form, on the batch's device.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            Self::Network(network) => network.forward(x),
            Self::Trees(trees) => {
                let device = x.device();
                // A batch the network path would read is always f32; an
                // unreadable one scores as no rows rather than panicking.
                let values: Vec<f32> = x.into_data().try_to_vec().unwrap_or_default();
                let out = trees.outputs(&values);
                let width = trees.outputs_per_row();
                let rows = out.len() / width;
                Tensor::<2>::from_data(TensorData::new(out, [rows, width]), &device)
            }
        }
    }

    /// The network, when the kept model is one (explanations then build
    /// the first layer from per-column parts).
    pub fn network(&self) -> Option<&Network> {
        match self {
            Self::Network(network) => Some(network),
            Self::Trees(_) => None,
        }
    }

    /// The network, or an error naming `activity` for work that needs one.
    pub fn require_network(&self, activity: &str) -> Result<&Network> {
        self.network().ok_or_else(|| ClearboxError::Internal {
            activity: activity.into(),
            detail: "the kept model is the tree model, not a network".into(),
        })
    }
}
