//! The model as a function of coalitions of input columns: the value of a
//! coalition is the model's average prediction when the columns in it keep
//! the row's values and the others take the values of background rows.
//! Every coalition of a row, against every background row, is evaluated:
//! on a graphics card in a few large forward passes; on the processor in
//! cache-sized blocks side by side, through the network's layers after the
//! first as plain numbers ([`crate::ml::dense`]), masked rows that come out
//! the same (the row and a background row agree on the columns the
//! coalitions differ in) evaluated once ([`super::distinct`]). A tree
//! model's coalitions are evaluated on the processor by looking up the
//! leaves each reaches ([`super::trees`]).

use std::ops::Range;
use std::sync::OnceLock;

use burn::tensor::activation::{sigmoid, softmax};
use burn::tensor::{Device, Tensor, TensorData};
use rayon::prelude::*;

use super::distinct::{self, DistinctRows};
use super::trees::{RowTables, TreeValues};
use crate::error::{ClearboxError, Result};
use crate::ml::dense::{BLOCK_ROWS, DenseTail, Matrix, add_product};
use crate::ml::model::Network;
use crate::ml::trees::Walkable;
use crate::templates::{Explainable, Explained, OutputLink};

/// Masked rows per forward pass on a graphics card: enough to keep it busy,
/// well under its memory (rows × 256 hidden × 4 bytes).
const ROWS_PER_PASS_GPU: usize = 65_536;
/// On the processor, passes of a model that is not a plain network stay
/// cache-sized: a hidden layer's outputs for 2 048 rows are 2 MB. Passes
/// of 65 536 rows (64 MB buffers) made the allocator map and return pages
/// on every pass, and a third of the time went to page faults; measured
/// with `clearbox bench explain`, 2 048 rows explained 1.8× as many rows a
/// second and 1 024–2 048 was the best range. (A plain network's masked
/// rows go through [`DenseTail`] in blocks of [`BLOCK_ROWS`] instead.)
const ROWS_PER_PASS_CPU: usize = 2_048;

/// A model, a background sample and the columns' places in the encoded row.
pub struct ValueFunction<'a> {
    model: &'a dyn Explainable,
    device: &'a Device,
    width: usize,
    /// Where each input column's numbers sit in the encoded row.
    pub spans: Vec<Range<usize>>,
    background: Vec<f32>,
    background_rows: usize,
    /// For a plain network, its first layer, with the background rows'
    /// first-layer outputs computed once.
    first: Option<FirstLayer<'a>>,
    /// For a tree model, its trees, prepared against the background rows
    /// on the first coalitions asked for (a value function made only for
    /// predictions never needs them).
    trees: Option<(Walkable, OnceLock<TreeValues>)>,
    /// Whether the device is the processor (burn's CPU backend), which
    /// sets the size of a pass.
    on_processor: bool,
}

/// A masked row mixes the row and a background row column by column, and
/// the first layer is linear, so its output is the background row's plus,
/// for each column the row keeps, that column's part:
/// `(x − bg)[span] · W[span, :]`. A coalition's first layer is then one
/// small matrix product of its 0/1 flags with the parts, instead of the
/// whole first layer on every masked row, and the masked rows are never
/// built.
struct FirstLayer<'a> {
    network: &'a Network,
    weight: Tensor<2>,
    /// The background rows' first-layer outputs, `1 × (rows · hidden)`.
    base: Tensor<2>,
    /// The same numbers in memory, for rows assembled there ([`distinct`]).
    base_numbers: Vec<f32>,
    hidden: usize,
    /// On the processor, the layers after the first as plain numbers.
    tail: Option<DenseTail>,
}

impl<'a> ValueFunction<'a> {
    /// The value function of `model` against the encoded `background` rows.
    pub fn new(
        model: &'a dyn Explainable,
        background: Vec<f32>,
        device: &'a Device,
    ) -> Result<Self> {
        let width = model.preprocessor().width();
        let background_rows = background.len() / width.max(1);
        if background_rows == 0 {
            return Err(ClearboxError::BadRequest(
                "There are no rows to compare with, so nothing can be explained. Give a table with rows."
                    .into(),
            ));
        }
        let spans = model.preprocessor().spans();
        let on_processor = device.clone().inner() == Device::flex();
        let first = model.network().map(|network| {
            let (weight, bias) = network.first_layer();
            let [_, hidden] = weight.dims();
            let rows = Tensor::<2>::from_data(
                TensorData::new(background.clone(), [background_rows, width]),
                device,
            );
            let mut base = rows.matmul(weight.clone());
            if let Some(bias) = bias {
                base = base + bias.unsqueeze_dim::<2>(0);
            }
            let base = base.reshape([1, background_rows * hidden]);
            Ok::<_, ClearboxError>(FirstLayer {
                network,
                weight,
                base_numbers: read_f32(base.clone())?,
                base,
                hidden,
                tail: on_processor.then(|| DenseTail::new(network)).transpose()?,
            })
        });
        let first = first.transpose()?;
        let trees = model.trees().map(|trees| (trees, OnceLock::new()));
        Ok(Self {
            model,
            device,
            width,
            spans,
            background,
            background_rows,
            first,
            trees,
            on_processor,
        })
    }

    /// Number of input columns.
    pub fn columns(&self) -> usize {
        self.spans.len()
    }

    /// Whether it runs on the processor (burn's CPU backend).
    pub fn on_processor(&self) -> bool {
        self.on_processor
    }

    /// Number of background rows.
    pub fn background_rows(&self) -> usize {
        self.background_rows
    }

    /// Masked rows run through the model at once: whole coalitions (each
    /// against every background row), as many as fit a pass of the
    /// device's size, at least one. (On the processor a plain network's
    /// masked rows go in blocks of [`BLOCK_ROWS`] instead.)
    pub fn pass_rows(&self) -> usize {
        let rows_per_pass = if self.on_processor {
            ROWS_PER_PASS_CPU
        } else {
            ROWS_PER_PASS_GPU
        };
        (rows_per_pass / self.background_rows).max(1) * self.background_rows
    }

    /// The value of each coalition for the encoded row `x`. `coalitions` holds
    /// `columns()` flags per coalition (true: the column keeps the row's value).
    pub fn values(&self, x: &[f32], coalitions: &[bool], explained: Explained) -> Result<Vec<f64>> {
        let m = self.columns();
        let count = coalitions.len() / m.max(1);
        let b = self.background_rows;
        let per_pass = self.pass_rows() / b;
        let pass = self.pass(x);
        if let Pass::Parts { first, parts, .. } = &pass
            && let Some(tail) = &first.tail
        {
            let parts = read_f32(parts.clone())?;
            return Ok(match self.distinct_rows(x, coalitions) {
                Some(rows) => distinct_values(b, first, tail, &parts, &rows, count, explained),
                None => self.dense_values(first, tail, &parts, coalitions, explained),
            });
        }
        let mut values = Vec::with_capacity(count);
        for start in (0..count).step_by(per_pass) {
            let end = (start + per_pass).min(count);
            let out = pass.outputs(&coalitions[start * m..end * m], end - start);
            let means = read(
                explained_output(out, explained)
                    .reshape([end - start, b])
                    .mean_dim(1),
            )?;
            values.extend(means.into_iter().map(|v| scaled(v, explained)));
        }
        Ok(values)
    }

    /// The values of the `coalitions` (`columns()` flags each) on the
    /// processor, in blocks of up to [`BLOCK_ROWS`] coalitions side by side.
    /// A block takes the background rows one at a time: against background
    /// row r, its masked rows' first layer is r's plus the parts of the
    /// columns each coalition keeps, one small matrix product of the
    /// coalitions' 0/1 flags with r's parts, and then the dense layers.
    fn dense_values(
        &self,
        first: &FirstLayer<'_>,
        tail: &DenseTail,
        parts: &[f32],
        coalitions: &[bool],
        explained: Explained,
    ) -> Vec<f64> {
        let (m, b, hidden) = (self.columns().max(1), self.background_rows, first.hidden);
        let blocks: Vec<Vec<f64>> = coalitions
            .par_chunks(BLOCK_ROWS * m)
            .map(|block| {
                let c = block.len() / m;
                let flags: Vec<f32> = block.iter().map(|&f| f32::from(u8::from(f))).collect();
                let mut sums = vec![0f64; c];
                for r in 0..b {
                    let base = &first.base_numbers[r * hidden..(r + 1) * hidden];
                    let mut h = base.repeat(c);
                    // Column j's parts against r: row j of this matrix.
                    let parts_r = Matrix {
                        numbers: &parts[r * hidden..],
                        rows: m,
                        columns: hidden,
                        stride: b * hidden,
                    };
                    add_product(&mut h, &flags, c, parts_r);
                    let out = tail.outputs(h, c);
                    let k = (out.len() / c.max(1)).max(1);
                    for (sum, o) in sums.iter_mut().zip(out.chunks(k)) {
                        *sum += explained.of(o);
                    }
                }
                sums.into_iter().map(|sum| sum / b as f64).collect()
            })
            .collect();
        blocks.concat()
    }

    /// What every pass for the encoded row `x` shares.
    fn pass(&self, x: &[f32]) -> Pass<'_> {
        let (w, b, m) = (self.width, self.background_rows, self.columns());
        if let Some((walkable, prepared)) = &self.trees {
            let trees = prepared.get_or_init(|| {
                TreeValues::new(walkable.clone(), &self.spans, &self.background, w)
            });
            return Pass::Trees {
                trees,
                tables: trees.row(x),
                function: self,
            };
        }
        match &self.first {
            Some(first) => {
                // Column j's rows hold x − bg on j's numbers and zeros elsewhere.
                let mut blocks = vec![0f32; m * b * w];
                for (j, span) in self.spans.iter().enumerate() {
                    for r in 0..b {
                        let at = (j * b + r) * w;
                        for k in span.clone() {
                            blocks[at + k] = x[k] - self.background[r * w + k];
                        }
                    }
                }
                let parts =
                    Tensor::<2>::from_data(TensorData::new(blocks, [m * b, w]), self.device)
                        .matmul(first.weight.clone())
                        .reshape([m, b * first.hidden]);
                Pass::Parts {
                    first,
                    parts,
                    function: self,
                }
            }
            None => Pass::Mixed {
                background: Tensor::<2>::from_data(
                    TensorData::new(self.background.clone(), [b, w]),
                    self.device,
                )
                .reshape([1, b, w]),
                row: Tensor::<2>::from_data(TensorData::new(x.to_vec(), [1, w]), self.device)
                    .reshape([1, 1, w]),
                function: self,
            },
        }
    }

    /// How many masked rows [`Self::values`] runs through the model for
    /// the encoded row `x` and `coalitions`: each distinct one once where
    /// that saves a good part of them (`distinct_rows`), else one
    /// per coalition and background row.
    pub fn evaluations(&self, x: &[f32], coalitions: &[bool]) -> usize {
        let count = coalitions.len() / self.columns().max(1);
        self.distinct_rows(x, coalitions)
            .map_or(count * self.background_rows, |d| d.rows.len())
    }

    /// The distinct masked rows of `coalitions` for `x`, when evaluating
    /// only those is worth it: a network on the processor (a graphics card
    /// is kept to its few large products), at most 64 columns, and a
    /// quarter of the evaluations saved or more, as assembling rows one by
    /// one costs more than the one product it replaces.
    fn distinct_rows(&self, x: &[f32], coalitions: &[bool]) -> Option<DistinctRows> {
        if !self.on_processor || self.first.is_none() || self.trees.is_some() {
            return None;
        }
        let bits = distinct::bit_sets(coalitions, self.columns())?;
        let same = distinct::same_columns(x, &self.background, self.width, &self.spans);
        if same.iter().all(|&s| s == 0) {
            return None;
        }
        let rows = DistinctRows::new(&bits, &same);
        (rows.rows.len() * 4 <= bits.len() * self.background_rows * 3).then_some(rows)
    }

    /// The model's raw outputs for encoded rows `x` (`rows × width`).
    pub fn raw(&self, x: &[f32]) -> Result<Vec<f32>> {
        raw_outputs(self.model, x, self.device)
    }

    /// The model's output for encoded rows `x` (`rows × width`), as explained.
    pub fn predictions(&self, x: &[f32], explained: &[Explained]) -> Result<Vec<f64>> {
        let raw = self.raw(x)?;
        let k = raw.len() / explained.len().max(1);
        Ok(raw
            .chunks(k.max(1))
            .zip(explained)
            .map(|(out, e)| e.of(out))
            .collect())
    }
}

/// The values of `count` coalitions, each against `b` background rows,
/// from their `distinct` masked rows alone, each evaluated once, in blocks
/// side by side through the dense layers on the processor.
fn distinct_values(
    b: usize,
    first: &FirstLayer<'_>,
    tail: &DenseTail,
    parts: &[f32],
    distinct: &DistinctRows,
    count: usize,
    explained: Explained,
) -> Vec<f64> {
    let blocks: Vec<Vec<f64>> = distinct
        .rows
        .par_chunks(BLOCK_ROWS)
        .map(|rows| {
            let h = DistinctRows::first_layer(rows, parts, &first.base_numbers, first.hidden);
            let out = tail.outputs(h, rows.len());
            let k = (out.len() / rows.len().max(1)).max(1);
            out.chunks(k).map(|o| explained.of(o)).collect()
        })
        .collect();
    let outputs = blocks.concat();
    (0..count)
        .map(|i| {
            let sum: f64 = distinct.index[i * b..(i + 1) * b]
                .iter()
                .map(|&row| outputs[row as usize])
                .sum();
            sum / b as f64
        })
        .collect()
}

/// The explained number of each row of raw outputs (`rows × 1`), before the
/// scaling of [`scaled`].
fn explained_output(out: Tensor<2>, explained: Explained) -> Tensor<2> {
    match explained {
        Explained::Probability(class) => softmax(out, 1).narrow(1, class, 1),
        Explained::Amount { .. } => out.narrow(1, 0, 1),
        Explained::Difference {
            chosen,
            other,
            link,
        } => {
            let (a, b) = (out.clone().narrow(1, chosen, 1), out.narrow(1, other, 1));
            match link {
                OutputLink::Logistic => sigmoid(a) - sigmoid(b),
                OutputLink::Scaled { .. } => a - b,
            }
        }
    }
}

/// An average of [`explained_output`] in the explained number's units.
/// Amounts are scaled back in f64: in f32 a price of 250 000 keeps only
/// about two decimals, too few for the values to add up.
fn scaled(v: f64, explained: Explained) -> f64 {
    match explained {
        Explained::Amount { mean, sd } => v * sd + mean,
        Explained::Difference {
            link: OutputLink::Scaled { sd, .. },
            ..
        } => v * sd,
        Explained::Probability(_) | Explained::Difference { .. } => v,
    }
}

/// One explained row's passes: how a batch of coalitions becomes raw outputs.
// One lives per explained row, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Pass<'f> {
    /// A plain network: the first layer from per-column parts
    /// (`columns × (background rows · hidden)`).
    Parts {
        first: &'f FirstLayer<'f>,
        parts: Tensor<2>,
        function: &'f ValueFunction<'f>,
    },
    /// A tree model: per-pair tables of the leaves each coalition reaches.
    Trees {
        trees: &'f TreeValues,
        tables: RowTables,
        function: &'f ValueFunction<'f>,
    },
    /// Any other model: the masked rows are built and run through `forward`.
    Mixed {
        background: Tensor<3>,
        row: Tensor<3>,
        function: &'f ValueFunction<'f>,
    },
}

impl Pass<'_> {
    /// Raw outputs, `(c · background rows) × outputs`, of `c` coalitions'
    /// flags (`columns` per coalition), each against every background row.
    fn outputs(&self, flags: &[bool], c: usize) -> Tensor<2> {
        match self {
            Self::Parts {
                first,
                parts,
                function,
            } => {
                let (m, b) = (function.columns(), function.background_rows);
                let z: Vec<f32> = flags.iter().map(|&f| f32::from(u8::from(f))).collect();
                let z = Tensor::<2>::from_data(TensorData::new(z, [c, m]), function.device);
                let h = z.matmul(parts.clone()) + first.base.clone();
                first
                    .network
                    .forward_after_first(h.reshape([c * b, first.hidden]))
            }
            Self::Trees {
                trees,
                tables,
                function,
            } => {
                let out = trees.evaluate(tables, flags, c);
                let k = trees.outputs();
                let rows = out.len() / k;
                Tensor::<2>::from_data(TensorData::new(out, [rows, k]), function.device)
            }
            Self::Mixed {
                background,
                row,
                function,
            } => {
                let (m, b, w) = (function.columns(), function.background_rows, function.width);
                // Expand each coalition's column flags to the encoded width.
                let mut mask = vec![0f32; c * w];
                for i in 0..c {
                    for (j, span) in function.spans.iter().enumerate() {
                        if flags[i * m + j] {
                            mask[i * w + span.start..i * w + span.end].fill(1.0);
                        }
                    }
                }
                let mask = Tensor::<2>::from_data(TensorData::new(mask, [c, w]), function.device)
                    .reshape([c, 1, w])
                    .expand([c, b, w]);
                // Each number is exactly the row's or the background row's:
                // `bg + mask · (x − bg)` can miss x by a rounding, enough to
                // send a tree's split the other way.
                let mixed = background.clone().expand([c, b, w]) * (mask.clone().neg() + 1.0)
                    + row.clone().expand([c, b, w]) * mask;
                function.model.forward(mixed.reshape([c * b, w]))
            }
        }
    }
}

/// The raw outputs of `model` for encoded rows `x`, in batches.
pub fn raw_outputs(model: &dyn Explainable, x: &[f32], device: &Device) -> Result<Vec<f32>> {
    let width = model.preprocessor().width().max(1);
    let rows = x.len() / width;
    let mut out = Vec::new();
    for start in (0..rows).step_by(4096) {
        let end = (start + 4096).min(rows);
        let input = Tensor::<2>::from_data(
            TensorData::new(x[start * width..end * width].to_vec(), [end - start, width]),
            device,
        );
        out.extend(read(model.forward(input))?.into_iter().map(|v| v as f32));
    }
    Ok(out)
}

fn read(tensor: Tensor<2>) -> Result<Vec<f64>> {
    tensor
        .into_data()
        .try_to_vec::<f32>()
        .map(|v| v.into_iter().map(f64::from).collect())
        .map_err(|e| ClearboxError::Internal {
            activity: "reading explanation values".into(),
            detail: format!("{e:?}"),
        })
}

/// A tensor's numbers as they are, for work done in memory.
fn read_f32(tensor: Tensor<2>) -> Result<Vec<f32>> {
    tensor
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| ClearboxError::Internal {
            activity: "reading explanation values".into(),
            detail: format!("{e:?}"),
        })
}
