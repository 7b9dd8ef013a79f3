//! Training throughput, for `clearbox bench train`: a synthetic table pushed
//! through the default network shape, timing the first pass (kernel
//! compilation and autotuning, what a user feels on first use) apart from
//! the steady passes that follow.

use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Tensor, TensorData};
use serde::Serialize;

use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::model::NetworkShape;

/// What one benchmark run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThroughputReport {
    /// Rows in the synthetic table.
    pub rows: usize,
    /// Numbers per row.
    pub width: usize,
    /// Rows per step.
    pub batch: usize,
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// Seconds of the first pass, compilation included.
    pub first_pass_seconds: f64,
    /// Median rows per second over the later passes.
    pub rows_per_second: f64,
    /// Seconds of each later pass.
    pub pass_seconds: Vec<f64>,
}

/// Trains the default two-layer network on `rows × width` random numbers
/// with two classes for `passes` passes (the first timed apart).
pub fn train_throughput(
    device: &Device,
    rows: usize,
    width: usize,
    batch: usize,
    passes: usize,
    progress: &Progress,
) -> Result<ThroughputReport> {
    let shape = NetworkShape::deep(width, 2);
    device.seed(1);
    let autodiff = device.clone().autodiff();
    let mut network = shape.init(&autodiff);
    let mut optimizer = AdamWConfig::new().init();
    let steps = (rows / batch).max(1);
    // One batch of data reused for every step: the benchmark measures the
    // network, not the copying of rows.
    let x: Vec<f32> = (0..batch * width)
        .map(|i| ((i * 7919 % 1000) as f32 / 500.0) - 1.0)
        .collect();
    let mut onehot = vec![0f32; batch * 2];
    for r in 0..batch {
        onehot[r * 2 + (r % 2)] = 1.0;
    }
    let mut pass_seconds = Vec::new();
    let mut first_pass_seconds = 0.0;
    for pass in 0..passes.max(2) {
        let started = Instant::now();
        let mut last = None;
        for step in 0..steps {
            progress.check_cancelled()?;
            let input =
                Tensor::<2>::from_data(TensorData::new(x.clone(), [batch, width]), &autodiff);
            let target =
                Tensor::<2>::from_data(TensorData::new(onehot.clone(), [batch, 2]), &autodiff);
            let loss = (log_softmax(network.forward(input), 1) * target)
                .sum()
                .mul_scalar(-1.0 / batch as f32);
            last = Some(loss.clone().detach());
            let grads = GradientsParams::from_grads(loss.backward(), &network);
            network = optimizer.step(1e-3, network, grads);
            progress.report(
                (pass * steps + step) as f32 / (passes.max(2) * steps) as f32,
                "Benchmarking",
            );
        }
        // Reading the loss waits for the device to finish the pass.
        if let Some(loss) = last {
            let _ = loss.into_scalar::<f32>();
        }
        let seconds = started.elapsed().as_secs_f64();
        if pass == 0 {
            first_pass_seconds = seconds;
        } else {
            pass_seconds.push(seconds);
        }
    }
    let median = super::median(&pass_seconds);
    let _ = network.valid();
    Ok(ThroughputReport {
        rows: steps * batch,
        width,
        batch,
        hidden: shape.hidden,
        first_pass_seconds,
        rows_per_second: (steps * batch) as f64 / median,
        pass_seconds,
    })
}
