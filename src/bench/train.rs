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
    /// Seconds of the very first step (forward, backward, update), waited for.
    pub first_step_seconds: f64,
    /// Seconds of the second step, waited for: what is left to compile.
    pub second_step_seconds: f64,
    /// Seconds of the first evaluation after training: a forward pass of
    /// one batch without gradients (a new set of kernels on a graphics card).
    pub first_evaluation_seconds: f64,
    /// Median rows per second over the later passes.
    pub rows_per_second: f64,
    /// Seconds of each later pass.
    pub pass_seconds: Vec<f64>,
    /// Which graphics-card build this binary is (`benches/gpu/run.sh`'s A, B or C).
    pub build: &'static str,
    /// Seconds of the app's warm-up run before the measurement
    /// (`bench train --warm-up`), if one was.
    pub warm_up_seconds: Option<f64>,
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
    // Where the app trains (compute::on_workers), so the figure is the app's.
    crate::compute::on_workers(device, || {
        measure(device, rows, width, batch, passes, progress)
    })
}

fn measure(
    device: &Device,
    rows: usize,
    width: usize,
    batch: usize,
    passes: usize,
    progress: &Progress,
) -> Result<ThroughputReport> {
    let shape = NetworkShape::deep(width, 2);
    let autodiff = device.clone().autodiff();
    let mut network = shape.init_seeded(&autodiff, 1);
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
    let mut step_seconds = Vec::new();
    for pass in 0..passes.max(2) {
        let started = Instant::now();
        let mut last = None;
        for step in 0..steps {
            progress.check_cancelled()?;
            let step_started = Instant::now();
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
            // The first two steps are waited for one by one: they are where
            // kernels compile.
            if pass == 0 && step < 2 {
                autodiff
                    .sync()
                    .map_err(|e| crate::error::ClearboxError::Internal {
                        activity: "waiting for a training step".into(),
                        detail: format!("{e:?}"),
                    })?;
                step_seconds.push(step_started.elapsed().as_secs_f64());
            }
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
    let network = network.valid();
    let started = Instant::now();
    let input = Tensor::<2>::from_data(TensorData::new(x, [batch, width]), device);
    let _ = network.forward(input).sum().into_scalar::<f32>();
    let first_evaluation_seconds = started.elapsed().as_secs_f64();
    Ok(ThroughputReport {
        rows: steps * batch,
        width,
        batch,
        hidden: shape.hidden,
        first_pass_seconds,
        first_step_seconds: step_seconds.first().copied().unwrap_or(0.0),
        second_step_seconds: step_seconds.get(1).copied().unwrap_or(0.0),
        first_evaluation_seconds,
        rows_per_second: (steps * batch) as f64 / median,
        pass_seconds,
        build: crate::compute::build_variant(),
        warm_up_seconds: None,
    })
}
