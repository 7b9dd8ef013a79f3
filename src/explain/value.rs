//! The model as a function of coalitions of input columns: the value of a
//! coalition is the model's average prediction when the columns in it keep
//! the row's values and the others take the values of background rows.
//! Every coalition of a row, against every background row, is evaluated on
//! the compute device in a few large forward passes.

use std::ops::Range;

use burn::tensor::activation::{sigmoid, softmax};
use burn::tensor::{Device, Tensor, TensorData};

use crate::error::{ClearboxError, Result};
use crate::templates::{Explainable, Explained, OutputLink};

/// Mixed rows per forward pass: large enough to keep a graphics card busy,
/// small enough to stay well under its memory (rows × width × 4 bytes).
const ROWS_PER_PASS: usize = 65_536;

/// A model, a background sample and the columns' places in the encoded row.
pub struct ValueFunction<'a> {
    model: &'a dyn Explainable,
    device: &'a Device,
    width: usize,
    /// Where each input column's numbers sit in the encoded row.
    pub spans: Vec<Range<usize>>,
    background: Vec<f32>,
    background_rows: usize,
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
        let mut spans = Vec::new();
        let mut start = 0;
        for encoder in &model.preprocessor().encoders {
            spans.push(start..start + encoder.width());
            start += encoder.width();
        }
        Ok(Self {
            model,
            device,
            width,
            spans,
            background,
            background_rows,
        })
    }

    /// Number of input columns.
    pub fn columns(&self) -> usize {
        self.spans.len()
    }

    /// Number of background rows.
    pub fn background_rows(&self) -> usize {
        self.background_rows
    }

    /// The value of each coalition for the encoded row `x`. `coalitions` holds
    /// `columns()` flags per coalition (true: the column keeps the row's value).
    pub fn values(&self, x: &[f32], coalitions: &[bool], explained: Explained) -> Result<Vec<f64>> {
        let m = self.columns();
        let count = coalitions.len() / m.max(1);
        let (w, b) = (self.width, self.background_rows);
        let background = Tensor::<2>::from_data(
            TensorData::new(self.background.clone(), [b, w]),
            self.device,
        )
        .reshape([1, b, w]);
        let row = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [1, w]), self.device)
            .reshape([1, 1, w]);
        let per_pass = (ROWS_PER_PASS / b).max(1);
        let mut values = Vec::with_capacity(count);
        for start in (0..count).step_by(per_pass) {
            let end = (start + per_pass).min(count);
            let c = end - start;
            // Expand each coalition's column flags to the encoded width.
            let mut mask = vec![0f32; c * w];
            for i in 0..c {
                for (j, span) in self.spans.iter().enumerate() {
                    if coalitions[(start + i) * m + j] {
                        mask[i * w + span.start..i * w + span.end].fill(1.0);
                    }
                }
            }
            let mask = Tensor::<2>::from_data(TensorData::new(mask, [c, w]), self.device)
                .reshape([c, 1, w]);
            let mixed = background.clone().expand([c, b, w])
                + mask.expand([c, b, w])
                    * (row.clone().expand([c, b, w]) - background.clone().expand([c, b, w]));
            let out = self.model.forward(mixed.reshape([c * b, w]));
            let explained_out = match explained {
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
            };
            let means = read(explained_out.reshape([c, b]).mean_dim(1))?;
            // Amounts are scaled back in f64: in f32 a price of 250 000 keeps
            // only about two decimals, too few for the values to add up.
            values.extend(means.into_iter().map(|v| match explained {
                Explained::Amount { mean, sd } => v * sd + mean,
                Explained::Difference {
                    link: OutputLink::Scaled { sd, .. },
                    ..
                } => v * sd,
                Explained::Probability(_) | Explained::Difference { .. } => v,
            }));
        }
        Ok(values)
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
