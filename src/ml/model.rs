//! The network: a multi-layer perceptron for tables. With no hidden layers
//! the same code is a logistic (or linear) regression — the simple model
//! every deep model is measured against.

use burn::module::Module;
use burn::nn::{Dropout, DropoutConfig, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

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
        let mut width = self.inputs;
        let mut hidden = Vec::new();
        let mut norms = Vec::new();
        for &next in &self.hidden {
            hidden.push(LinearConfig::new(width, next).init(device));
            norms.push(LayerNormConfig::new(next).init(device));
            width = next;
        }
        Network {
            hidden,
            norms,
            dropout: DropoutConfig::new(self.dropout).init(),
            output: LinearConfig::new(width, self.outputs).init(device),
        }
    }
}

/// Hidden layers (linear → layer norm → ReLU → dropout), then a linear output.
#[derive(Module, Debug)]
pub struct Network {
    hidden: Vec<Linear>,
    norms: Vec<LayerNorm>,
    dropout: Dropout,
    output: Linear,
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
        let mut x = x;
        for (layer, norm) in self.hidden.iter().zip(&self.norms) {
            x = self.dropout.forward(relu(norm.forward(layer.forward(x))));
        }
        self.output.forward(x)
    }
}

/// Probabilities from one row of a classifier's raw outputs (softmax).
pub fn softmax(row: &[f32]) -> Vec<f64> {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp: Vec<f64> = row.iter().map(|&o| f64::from(o - max).exp()).collect();
    let sum: f64 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

/// Index of the largest of `row` (0 for an empty row).
pub fn argmax<T: Copy + Into<f64>>(row: &[T]) -> usize {
    row.iter()
        .enumerate()
        .max_by(|a, b| (*a.1).into().total_cmp(&(*b.1).into()))
        .map_or(0, |(i, _)| i)
}
