//! The network: a multi-layer perceptron for tables. With no hidden layers
//! the same code is a logistic (or linear) regression — the simple model
//! every deep model is measured against.

use std::sync::{Mutex, PoisonError};

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::dropout::MaskSeeds;

/// Held while a network is built: burn's random numbers are one per
/// process, so a network built on another thread between a run's seeding
/// and its building would take that run's draws.
static BUILDING: Mutex<()> = Mutex::new(());

/// The shape of a network; saved with the model so it can be rebuilt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkShape {
    /// Numbers per row going in.
    pub inputs: usize,
    /// Width of each hidden layer; empty for the simple model.
    pub hidden: Vec<usize>,
    /// Numbers coming out: one per class, or one for an amount.
    pub outputs: usize,
    /// Share of hidden units switched off at random while training.
    pub dropout: f64,
}

impl NetworkShape {
    /// The default deep model for tabular data: two hidden layers of 256.
    pub fn deep(inputs: usize, outputs: usize) -> Self {
        Self {
            inputs,
            hidden: vec![256, 256],
            outputs,
            dropout: 0.25,
        }
    }

    /// The simple model: a straight line through the inputs.
    pub fn simple(inputs: usize, outputs: usize) -> Self {
        Self {
            inputs,
            hidden: Vec::new(),
            outputs,
            dropout: 0.0,
        }
    }

    /// Builds a freshly initialised network on `device`.
    pub fn init(&self, device: &Device) -> Network {
        let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
        self.build(device)
    }

    /// Seeds `device`'s random numbers with `seed` and builds a network on
    /// it, with no other network built in between: its starting weights and
    /// masks follow from `seed` alone, whatever trains beside it.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> Network {
        seeded(device, seed, || self.build(device))
    }

    fn build(&self, device: &Device) -> Network {
        let mut width = self.inputs;
        let mut hidden = Vec::new();
        let mut norms = Vec::new();
        for &next in &self.hidden {
            hidden.push(LinearConfig::new(width, next).init(device));
            norms.push(LayerNormConfig::new(next).init(device));
            width = next;
        }
        // Drawn in the order a forward pass reads them.
        let hidden: Vec<Linear> = hidden.into_iter().map(drawn).collect();
        let output = drawn(LinearConfig::new(width, self.outputs).init(device));
        Network {
            hidden,
            norms,
            dropout: DropoutConfig::new(self.dropout).init(),
            output,
            masks: MaskSeeds::draw(device),
        }
    }
}

/// Seeds `device`'s random numbers with `seed` and runs `build`, with no
/// other network built in between, so that what `build` draws follows from
/// `seed` alone, whatever trains beside it. `build` must read the weights
/// it makes ([`drawn`]).
pub fn seeded<T>(device: &Device, seed: u64, build: impl FnOnce() -> T) -> T {
    let _building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    device.seed(seed);
    build()
}

/// `linear` with its starting weights drawn now: burn draws them when they
/// are first read, which would otherwise be the first forward pass, on a
/// model worker, long after [`seeded`] let go of the seed.
pub fn drawn(linear: Linear) -> Linear {
    drop(linear.weight.val());
    if let Some(bias) = &linear.bias {
        drop(bias.val());
    }
    linear
}

/// Hidden layers (linear → layer norm → ReLU → dropout), then a linear output.
#[derive(Module, Debug)]
pub struct Network {
    hidden: Vec<Linear>,
    norms: Vec<LayerNorm>,
    dropout: Dropout,
    output: Linear,
    /// Seeds of the processor's dropout masks: the network's own, so that
    /// networks training side by side stay repeatable.
    #[module(skip)]
    masks: MaskSeeds,
}

impl Network {
    /// A network with no hidden layers holding fitted linear weights
    /// (`inputs × outputs`, row-major) and biases: how the simple model,
    /// fitted outside burn, is saved, scored and explained like any network.
    pub fn linear(
        shape: &NetworkShape,
        weights: Vec<f32>,
        bias: Vec<f32>,
        device: &Device,
    ) -> Self {
        use burn::module::Param;
        use burn::tensor::TensorData;
        let mut network = shape.init(device);
        network.output.weight = Param::from_tensor(Tensor::from_data(
            TensorData::new(weights, [shape.inputs, shape.outputs]),
            device,
        ));
        network.output.bias = Some(Param::from_tensor(Tensor::from_data(
            TensorData::new(bias, [shape.outputs]),
            device,
        )));
        network
    }

    /// Raw outputs (logits for classes, a standardised amount for numbers).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward_after_first(self.first().forward(x))
    }

    /// The first linear layer (the output layer of the simple model): what
    /// is linear in the encoded row.
    fn first(&self) -> &Linear {
        self.hidden.first().unwrap_or(&self.output)
    }

    /// The first linear layer's weight (`inputs × outputs`) and bias.
    /// Explanations use it to build a masked row's first layer from
    /// per-column parts instead of running it on every masked row.
    pub fn first_layer(&self) -> (Tensor<2>, Option<Tensor<1>>) {
        let first = self.first();
        (first.weight.val(), first.bias.as_ref().map(|b| b.val()))
    }

    /// The rest of [`Self::forward`], from the first linear layer's outputs.
    pub fn forward_after_first(&self, h: Tensor<2>) -> Tensor<2> {
        if self.hidden.is_empty() {
            return h;
        }
        let mut x = h;
        for (i, norm) in self.norms.iter().enumerate() {
            if i > 0 {
                x = self.hidden[i].forward(x);
            }
            x = super::dropout::apply(&self.dropout, &self.masks, relu(norm.forward(x)));
        }
        self.output.forward(x)
    }
}

/// One linear layer's numbers, and the layer norm after it (hidden layers only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerWeights {
    /// Numbers going in.
    pub inputs: usize,
    /// Numbers coming out.
    pub outputs: usize,
    /// `inputs × outputs`, row-major: out = in · weight + bias.
    pub weight: Vec<f32>,
    /// One per output.
    pub bias: Vec<f32>,
    /// The layer norm's scale, for a hidden layer.
    pub gamma: Option<Vec<f32>>,
    /// The layer norm's shift, for a hidden layer.
    pub beta: Option<Vec<f32>>,
}

/// A network's weights as plain numbers, so that a tool outside Clearbox can
/// run the very same function (`clearbox bench explain --write` hands them
/// to the shap peer). Hidden layers are linear → layer norm → ReLU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkWeights {
    /// The hidden layers, in order.
    pub hidden: Vec<LayerWeights>,
    /// The output layer.
    pub output: LayerWeights,
    /// The layer norms' epsilon (burn's default, which [`NetworkShape::init`] keeps).
    pub epsilon: f64,
}

impl Network {
    /// The weights as plain numbers.
    pub fn weights(&self) -> crate::error::Result<NetworkWeights> {
        let numbers = |t: Tensor<2>| read_numbers(t.into_data());
        let vector = |t: Tensor<1>| read_numbers(t.into_data());
        let layer =
            |linear: &Linear, norm: Option<&LayerNorm>| -> crate::error::Result<LayerWeights> {
                let [inputs, outputs] = linear.weight.val().dims();
                Ok(LayerWeights {
                    inputs,
                    outputs,
                    weight: numbers(linear.weight.val())?,
                    bias: match &linear.bias {
                        Some(bias) => vector(bias.val())?,
                        None => vec![0.0; outputs],
                    },
                    gamma: norm.map(|n| vector(n.gamma.val())).transpose()?,
                    beta: match norm {
                        Some(n) => match &n.beta {
                            Some(beta) => Some(vector(beta.val())?),
                            None => Some(vec![0.0; outputs]),
                        },
                        None => None,
                    },
                })
            };
        Ok(NetworkWeights {
            hidden: self
                .hidden
                .iter()
                .zip(&self.norms)
                .map(|(linear, norm)| layer(linear, Some(norm)))
                .collect::<crate::error::Result<_>>()?,
            output: layer(&self.output, None)?,
            epsilon: LayerNormConfig::new(1).epsilon,
        })
    }
}

fn read_numbers(data: burn::tensor::TensorData) -> crate::error::Result<Vec<f32>> {
    data.try_to_vec::<f32>()
        .map_err(|e| crate::error::ClearboxError::Internal {
            activity: "reading a network's weights".into(),
            detail: format!("{e:?}"),
        })
}

/// Probabilities from one row of a classifier's raw outputs (softmax).
pub fn softmax(row: &[f32]) -> Vec<f64> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = row.iter().map(|&o| f64::from(o - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// The probability of `class` from one row of a classifier's raw outputs,
/// as [`softmax`] gives it (to rounding), without building the whole row:
/// explanations take it for every masked row. As `1 / Σ exp(oᵢ − o_class)`
/// it needs one exponential fewer than the row has outputs, and never
/// overflows into a wrong answer: a far larger output elsewhere gives 0.
/// `None` past the row's end.
pub fn chance(row: &[f32], class: usize) -> Option<f64> {
    let own = f64::from(*row.get(class)?);
    let others: f64 = row
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != class)
        .map(|(_, &o)| (f64::from(o) - own).exp())
        .sum();
    Some(1.0 / (1.0 + others))
}

/// Index of the largest of `row` (0 for an empty row).
pub fn argmax<T: Copy + Into<f64>>(row: &[T]) -> usize {
    row.iter()
        .enumerate()
        .max_by(|a, b| (*a.1).into().total_cmp(&(*b.1).into()))
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::{chance, softmax};

    #[test]
    fn a_chance_is_the_softmax_of_its_class() {
        for row in [
            vec![0.3f32, -1.2],
            vec![12.0, 80.0, -5.5],
            vec![-400.0, 400.0],
            vec![2.5],
        ] {
            let all = softmax(&row);
            for (class, p) in all.iter().enumerate() {
                let own = chance(&row, class).expect("a class of the row");
                // softmax subtracts in f32, this in f64: they part at
                // f32's rounding, far below the 0.1% a screen shows.
                assert!((own - p).abs() <= 1e-7, "{row:?}: {own} against {p}");
            }
            assert_eq!(chance(&row, row.len()), None);
        }
    }
}
