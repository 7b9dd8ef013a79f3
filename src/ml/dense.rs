//! A trained network's layers after the first, run on the processor as
//! plain numbers, a block of rows at a time: what explanations evaluate on
//! hundreds of thousands of masked rows per explained row.
//!
//! On burn's CPU backend each of those layers was a matrix product followed
//! by separate passes for its bias, layer norm and ReLU, each writing a
//! fresh buffer as large as the pass; `perf` on `clearbox bench explain`
//! put about a fifth of the time in those passes, their copies and their
//! zero fills rather than in the products. Here a block of
//! [`BLOCK_ROWS`] rows stays in the core's cache from the first layer's
//! outputs to the network's raw outputs: one product per layer, then bias,
//! layer norm and ReLU in one sweep over each row. The numbers are the
//! network's own ([`Network::weights`]) and the arithmetic is burn's
//! (the biased variance, the same epsilon), so the outputs equal burn's
//! forward to rounding (tested). A graphics card keeps burn's forward,
//! where its kernels fuse these steps themselves. `clearbox bench explain`
//! on a 20-column model (two cores): 4.4–4.5 rows explained a second
//! before, 5.5–5.7 after, and the network alone 5.2–5.6 before, 6.3–6.5
//! after.

use super::model::{LayerWeights, Network};
use crate::error::{ClearboxError, Result};

/// Rows run together: two blocks of 256 rows × 256 numbers (256 KB each)
/// and a layer's packed weights fit a core's 1 MB second-level cache.
pub const BLOCK_ROWS: usize = 256;

/// A network's layers after its first linear layer, as plain numbers.
#[derive(Debug, Clone)]
pub struct DenseTail {
    /// Each hidden layer's layer norm, in order.
    norms: Vec<Norm>,
    /// The linear layers after the first: the other hidden ones, then the output.
    linears: Vec<LayerWeights>,
    epsilon: f32,
}

/// A layer norm's scale and shift.
#[derive(Debug, Clone)]
struct Norm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

impl DenseTail {
    /// The layers after `network`'s first, read from its weights.
    pub fn new(network: &Network) -> Result<Self> {
        let weights = network.weights()?;
        let mut hidden = weights.hidden.into_iter();
        let Some(first) = hidden.next() else {
            // No hidden layer: the first linear layer is the output.
            return Ok(Self {
                norms: Vec::new(),
                linears: Vec::new(),
                epsilon: weights.epsilon as f32,
            });
        };
        let norm = |layer: &LayerWeights| -> Result<Norm> {
            match (&layer.gamma, &layer.beta) {
                (Some(gamma), Some(beta)) => Ok(Norm {
                    gamma: gamma.clone(),
                    beta: beta.clone(),
                }),
                _ => Err(ClearboxError::Internal {
                    activity: "preparing the network for explanations".into(),
                    detail: "a hidden layer has no layer norm".into(),
                }),
            }
        };
        let mut norms = vec![norm(&first)?];
        let mut linears = Vec::new();
        for layer in hidden {
            norms.push(norm(&layer)?);
            linears.push(layer);
        }
        linears.push(weights.output);
        Ok(Self {
            norms,
            linears,
            epsilon: weights.epsilon as f32,
        })
    }

    /// Raw outputs (`rows × outputs`) of `rows` rows of first-layer outputs
    /// `h` (`rows × width`, the first layer's bias included), which it
    /// works in. On the calling thread: callers run blocks side by side.
    pub fn outputs(&self, mut h: Vec<f32>, rows: usize) -> Vec<f32> {
        let Some(first) = self.norms.first() else {
            return h;
        };
        bias_norm_relu(&mut h, None, first, self.epsilon);
        for (i, layer) in self.linears.iter().enumerate() {
            let mut next = product(&h, rows, layer);
            match self.norms.get(i + 1) {
                Some(norm) => bias_norm_relu(&mut next, Some(&layer.bias), norm, self.epsilon),
                None => {
                    for row in next.chunks_mut(layer.outputs.max(1)) {
                        for (o, b) in row.iter_mut().zip(&layer.bias) {
                            *o += b;
                        }
                    }
                }
            }
            h = next;
        }
        h
    }
}

/// `x · weight` for `rows` rows of `x` (`rows × inputs`, row-major).
fn product(x: &[f32], rows: usize, layer: &LayerWeights) -> Vec<f32> {
    let mut out = vec![0f32; rows * layer.outputs];
    let weight = Matrix {
        numbers: &layer.weight,
        rows: layer.inputs,
        columns: layer.outputs,
        stride: layer.outputs,
    };
    multiply(&mut out, false, x, rows, weight);
    out
}

/// A row-major matrix inside a slice, its rows `stride` numbers apart.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    /// Its numbers, from its first.
    pub numbers: &'a [f32],
    /// Rows.
    pub rows: usize,
    /// Numbers in a row.
    pub columns: usize,
    /// Numbers from one row's start to the next's.
    pub stride: usize,
}

/// `out += x · w`, where `out` is `rows × w.columns` and `x` is `rows × w.rows`.
pub fn add_product(out: &mut [f32], x: &[f32], rows: usize, w: Matrix<'_>) {
    multiply(out, true, x, rows, w);
}

/// `out = x · w`, or `out += x · w` with `add`, on the calling thread.
fn multiply(out: &mut [f32], add: bool, x: &[f32], rows: usize, w: Matrix<'_>) {
    let (k, n) = (w.rows, w.columns);
    // The raw pointers below read and write within these lengths.
    assert!(
        out.len() == rows * n
            && x.len() == rows * k
            && w.stride >= n
            && (k == 0 || w.numbers.len() >= (k - 1) * w.stride + n),
        "a block of {rows} rows does not fit a {k} × {n} matrix"
    );
    if rows == 0 || n == 0 || k == 0 {
        return;
    }
    // SAFETY: as checked above, `out` holds rows × n numbers, `x` rows × k
    // and `w` k rows of n, each row-major (column stride 1, row strides n,
    // k and `w.stride`); `out` is borrowed mutably, so apart from both.
    unsafe {
        gemm::gemm(
            rows,
            n,
            k,
            out.as_mut_ptr(),
            1,
            n as isize,
            add,
            x.as_ptr(),
            1,
            k as isize,
            w.numbers.as_ptr(),
            1,
            w.stride as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Each row of `x` (rows of the norm's width): add `bias`, normalise to
/// mean 0 and variance 1 (biased, plus `epsilon`), scale and shift, ReLU.
/// Compiled also for AVX-512 and for AVX2, chosen at run time, as the build
/// targets every x86-64 processor and its 4-wide steps: the network alone
/// ran 3–4% more rows a second with them (`clearbox bench explain`, three
/// runs each way, interleaved).
fn bias_norm_relu(x: &mut [f32], bias: Option<&[f32]>, norm: &Norm, epsilon: f32) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: this processor has AVX-512 (checked just above).
            return unsafe { sweep_avx512(x, bias, norm, epsilon) };
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: this processor has AVX2 and FMA (checked just above).
            return unsafe { sweep_avx2(x, bias, norm, epsilon) };
        }
    }
    sweep(x, bias, norm, epsilon);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sweep_avx512(x: &mut [f32], bias: Option<&[f32]>, norm: &Norm, epsilon: f32) {
    sweep(x, bias, norm, epsilon);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn sweep_avx2(x: &mut [f32], bias: Option<&[f32]>, norm: &Norm, epsilon: f32) {
    sweep(x, bias, norm, epsilon);
}

/// [`bias_norm_relu`]'s arithmetic, inlined into each processor's version.
#[inline(always)]
fn sweep(x: &mut [f32], bias: Option<&[f32]>, norm: &Norm, epsilon: f32) {
    let width = norm.gamma.len().max(1);
    for row in x.chunks_mut(width) {
        if let Some(bias) = bias {
            for (v, b) in row.iter_mut().zip(bias) {
                *v += b;
            }
        }
        let n = row.len() as f32;
        let mean = lane_sum(row, |v| v) / n;
        let variance = lane_sum(row, |v| (v - mean) * (v - mean)) / n;
        let inverse = 1.0 / (variance + epsilon).sqrt();
        for ((v, g), b) in row.iter_mut().zip(&norm.gamma).zip(&norm.beta) {
            *v = ((*v - mean) * inverse * g + b).max(0.0);
        }
    }
}

/// The sum of `f` over `row`, kept in 16 running sums: one running sum
/// waits for each addition before the next, and a 256-number row then took
/// longer than its share of the matrix product.
#[inline(always)]
fn lane_sum(row: &[f32], f: impl Fn(f32) -> f32) -> f32 {
    const LANES: usize = 16;
    let mut sums = [0f32; LANES];
    let chunks = row.chunks_exact(LANES);
    let rest: f32 = chunks.remainder().iter().map(|&v| f(v)).sum();
    for chunk in chunks {
        for (sum, &v) in sums.iter_mut().zip(chunk) {
            *sum += f(v);
        }
    }
    sums.iter().sum::<f32>() + rest
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Device, Distribution, Tensor};

    use super::*;
    use crate::ml::model::NetworkShape;

    /// The largest difference between burn's layers after the first and
    /// the dense ones, on `rows` random first-layer outputs.
    fn largest_difference(shape: &NetworkShape, rows: usize) -> f32 {
        let device = Device::flex();
        let network = shape.init_seeded(&device, 7);
        let width = shape.hidden.first().copied().unwrap_or(shape.outputs);
        let h = Tensor::<2>::random([rows, width], Distribution::Normal(0.0, 2.0), &device);
        let numbers = h.clone().into_data().try_to_vec::<f32>().expect("f32");
        let burn = network
            .forward_after_first(h)
            .into_data()
            .try_to_vec::<f32>()
            .expect("f32");
        let dense = DenseTail::new(&network)
            .expect("weights")
            .outputs(numbers, rows);
        assert_eq!(dense.len(), burn.len(), "{shape:?}");
        burn.iter()
            .zip(&dense)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn the_dense_layers_give_burns_outputs() {
        // The deep model, a classifier of the old system's chances, the
        // simple model (no hidden layer) and a deeper, narrower one; block
        // sizes around BLOCK_ROWS and a ragged one.
        let shapes = [
            NetworkShape::deep(30, 2),
            NetworkShape {
                inputs: 12,
                hidden: vec![64],
                outputs: 5,
                dropout: 0.1,
            },
            NetworkShape::simple(9, 1),
            NetworkShape {
                inputs: 5,
                hidden: vec![32, 16, 8],
                outputs: 3,
                dropout: 0.0,
            },
        ];
        for shape in &shapes {
            for rows in [1, 37, BLOCK_ROWS] {
                let difference = largest_difference(shape, rows);
                assert!(
                    difference < 1e-4,
                    "{shape:?}, {rows} rows: off by {difference}"
                );
            }
        }
    }

    #[test]
    fn a_layer_norm_is_taken_after_the_bias_and_before_the_relu() {
        let norm = Norm {
            gamma: vec![2.0, 1.0],
            beta: vec![0.5, -3.0],
        };
        // Row 1: [1, 3] plus the bias [1, −1] is [2, 2]: no spread, so both
        // normalise to 0 and come out as beta, 0.5 and −3, then 0 after ReLU.
        // Row 2: [0, 4] plus the bias is [1, 3]: mean 2, spread 1, so −1
        // and +1, scaled and shifted to −1.5 and −2, both 0 after ReLU.
        let mut x = vec![1.0, 3.0, 0.0, 4.0];
        bias_norm_relu(&mut x, Some(&[1.0, -1.0]), &norm, 1e-5);
        assert_eq!(x, vec![0.5, 0.0, 0.0, 0.0]);
        // [1, 3] plus [2, −2] is [3, 1], normalised to [1, −1]: [1, 0]
        // after ReLU ([1, 3] without the bias would give [0, 1]).
        let plain = Norm {
            gamma: vec![1.0, 1.0],
            beta: vec![0.0, 0.0],
        };
        let mut y = vec![1.0, 3.0];
        bias_norm_relu(&mut y, Some(&[2.0, -2.0]), &plain, 0.0);
        assert_eq!(y, vec![1.0, 0.0]);
    }
}
