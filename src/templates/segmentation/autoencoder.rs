//! A small burn autoencoder that squeezes wide rows into a few numbers
//! before k-means. With many columns (dozens of one-hot slots), distances
//! in the full space are dominated by noise spread thinly over every slot;
//! a network that must rebuild each row from a handful of numbers keeps the
//! directions the columns share and drops the rest. Narrow tables are
//! clustered directly: there is little to compress, and the direct distances
//! are easier to explain.

use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::model::{drawn, seeded};

/// Above this many numbers per row, the app compresses by default.
pub const WIDE: usize = 40;
/// Rows the autoencoder learns from at most.
const TRAIN_ROWS: usize = 50_000;
/// Rows per step.
const BATCH: usize = 256;
/// Passes over the learning rows.
const EPOCHS: usize = 30;

/// How rows are represented for grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Representation {
    /// Decide from the table's width.
    #[default]
    Auto,
    /// The scaled columns themselves.
    Scaled,
    /// A compact code learned by an autoencoder.
    Autoencoder,
}

impl std::str::FromStr for Representation {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "scaled" => Ok(Self::Scaled),
            "autoencoder" => Ok(Self::Autoencoder),
            other => Err(format!(
                "'{other}' is not a representation; use auto, scaled or autoencoder."
            )),
        }
    }
}

impl Representation {
    /// Whether rows of `width` numbers go through the autoencoder.
    pub fn compresses(self, width: usize) -> bool {
        match self {
            Self::Auto => width > WIDE,
            Self::Scaled => false,
            Self::Autoencoder => true,
        }
    }
}

/// The autoencoder's layer sizes; saved with the groups.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AutoencoderShape {
    /// Numbers per row going in (and coming back out).
    pub inputs: usize,
    /// Width of the hidden layers.
    pub hidden: usize,
    /// Numbers in the code.
    pub code: usize,
}

impl AutoencoderShape {
    /// The default for rows of `inputs` numbers.
    pub fn for_width(inputs: usize) -> Self {
        Self {
            inputs,
            hidden: 64,
            code: 8.min(inputs.max(2)),
        }
    }

    /// A freshly initialised network on `device`.
    pub fn init(&self, device: &Device) -> Autoencoder {
        let layer = |inputs, outputs| drawn(LinearConfig::new(inputs, outputs).init(device));
        Autoencoder {
            encode_1: layer(self.inputs, self.hidden),
            encode_2: layer(self.hidden, self.code),
            decode_1: layer(self.code, self.hidden),
            decode_2: layer(self.hidden, self.inputs),
        }
    }
}

/// Encoder (inputs → hidden → code) and decoder (code → hidden → inputs).
#[derive(Module, Debug)]
pub struct Autoencoder {
    encode_1: Linear,
    encode_2: Linear,
    decode_1: Linear,
    decode_2: Linear,
}

impl Autoencoder {
    /// The code of each row.
    pub fn encode(&self, x: Tensor<2>) -> Tensor<2> {
        self.encode_2.forward(relu(self.encode_1.forward(x)))
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.decode_2
            .forward(relu(self.decode_1.forward(self.encode(x))))
    }
}

/// The trained encoder as plain numbers, saved in the card so new rows get
/// the same code without burn files beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompactCode {
    /// Layer sizes.
    pub shape: AutoencoderShape,
    /// First layer, `inputs × hidden`, row-major, and its bias.
    pub w1: Vec<f32>,
    /// Bias of the first layer.
    pub b1: Vec<f32>,
    /// Second layer, `hidden × code`, row-major.
    pub w2: Vec<f32>,
    /// Bias of the second layer.
    pub b2: Vec<f32>,
}

impl CompactCode {
    fn from_network(network: &Autoencoder, shape: AutoencoderShape) -> Result<Self> {
        let read = |t: Tensor<2>| -> Result<Vec<f32>> { to_vec(t.into_data()) };
        let bias = |linear: &Linear| -> Result<Vec<f32>> {
            match &linear.bias {
                Some(b) => to_vec(b.val().into_data()),
                None => Ok(Vec::new()),
            }
        };
        Ok(Self {
            shape,
            w1: read(network.encode_1.weight.val())?,
            b1: bias(&network.encode_1)?,
            w2: read(network.encode_2.weight.val())?,
            b2: bias(&network.encode_2)?,
        })
    }

    /// The code of every row of `x` (`inputs` numbers per row), row-major.
    pub fn codes(&self, x: &[f32]) -> Vec<f32> {
        let AutoencoderShape {
            inputs,
            hidden,
            code,
        } = self.shape;
        let mut out = Vec::with_capacity(x.len() / inputs.max(1) * code);
        let mut h = vec![0f32; hidden];
        for row in x.chunks(inputs.max(1)) {
            for (j, hj) in h.iter_mut().enumerate() {
                let mut sum = self.b1.get(j).copied().unwrap_or(0.0);
                for (i, &v) in row.iter().enumerate() {
                    sum += v * self.w1[i * hidden + j];
                }
                *hj = sum.max(0.0);
            }
            for c in 0..code {
                let mut sum = self.b2.get(c).copied().unwrap_or(0.0);
                for (j, &hj) in h.iter().enumerate() {
                    sum += hj * self.w2[j * code + c];
                }
                out.push(sum);
            }
        }
        out
    }
}

fn to_vec(data: TensorData) -> Result<Vec<f32>> {
    data.try_to_vec::<f32>()
        .map_err(|e| ClearboxError::Internal {
            activity: "reading the autoencoder".into(),
            detail: format!("{e:?}"),
        })
}

/// Trains an autoencoder on (a sample of) the rows of `x` to rebuild them
/// through a code of a few numbers.
pub fn train_autoencoder(
    x: &[f32],
    width: usize,
    seed: u64,
    device: &Device,
    progress: &Progress,
) -> Result<CompactCode> {
    let shape = AutoencoderShape::for_width(width);
    let rows = x.len() / width.max(1);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..rows).collect();
    order.shuffle(&mut rng);
    order.truncate(TRAIN_ROWS);
    let autodiff = device.clone().autodiff();
    let mut network = seeded(&autodiff, seed, || shape.init(&autodiff));
    let mut optimizer = AdamWConfig::new().with_weight_decay(1e-4).init();
    let steps = order.len().div_ceil(BATCH).max(1);
    for epoch in 0..EPOCHS {
        order.shuffle(&mut rng);
        for step in 0..steps {
            progress.check_cancelled()?;
            let batch = &order[step * BATCH..((step + 1) * BATCH).min(order.len())];
            if batch.is_empty() {
                continue;
            }
            let mut data = Vec::with_capacity(batch.len() * width);
            for &r in batch {
                data.extend_from_slice(&x[r * width..(r + 1) * width]);
            }
            let input =
                Tensor::<2>::from_data(TensorData::new(data, [batch.len(), width]), &autodiff);
            let loss = (network.forward(input.clone()) - input)
                .powi_scalar(2)
                .mean();
            let grads = GradientsParams::from_grads(loss.backward(), &network);
            network = optimizer.step(1e-3, network, grads);
        }
        progress.report(
            (epoch + 1) as f32 / EPOCHS as f32,
            "Learning a compact representation",
        );
    }
    CompactCode::from_network(&network.valid(), shape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_rows_get_a_short_code() {
        assert!(Representation::Auto.compresses(WIDE + 1));
        assert!(!Representation::Auto.compresses(13));
        // 60 numbers per row that really vary along 2 directions.
        let width = 60;
        let x: Vec<f32> = (0..400)
            .flat_map(|r| {
                let (a, b) = ((r % 20) as f32 / 10.0 - 1.0, (r / 20) as f32 / 10.0 - 1.0);
                (0..width).map(move |j| if j % 2 == 0 { a } else { b })
            })
            .collect();
        let device = Device::flex();
        let code = train_autoencoder(&x, width, 1, &device, &Progress::silent()).expect("trains");
        let codes = code.codes(&x);
        assert_eq!(code.shape.code, 8);
        assert_eq!(codes.len(), 400 * 8);
        assert!(codes.iter().all(|c| c.is_finite()));
    }
}
