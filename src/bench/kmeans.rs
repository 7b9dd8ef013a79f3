//! k-means speed, for `clearbox bench kmeans`: rows drawn around random
//! centres, grouped with one k-means++ start (scikit-learn's default), the
//! first run (kernel compilation) timed apart.

use std::time::Instant;

use burn::tensor::Device;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::error::Result;
use crate::jobs::Progress;
use crate::templates::segmentation::kmeans::{KMeansOptions, kmeans};

/// What one k-means benchmark measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KMeansReport {
    /// Rows in the synthetic table.
    pub rows: usize,
    /// Numbers per row.
    pub width: usize,
    /// Groups.
    pub k: usize,
    /// Seconds of the first run, kernel compilation included.
    pub first_run_seconds: f64,
    /// Median seconds of the later runs (upload, seeding, passes, assignments back).
    pub seconds: f64,
    /// Rows per second of the median run.
    pub rows_per_second: f64,
    /// Seconds of each later run.
    pub run_seconds: Vec<f64>,
    /// Agreement (adjusted Rand index) of the groups found with the blobs the rows were drawn from.
    pub adjusted_rand_index: f64,
}

/// Times k-means (one k-means++ start, as scikit-learn's default) on `rows ×
/// width` numbers drawn around `k` random centres; `runs` timed runs after a
/// warm-up run.
pub fn kmeans_throughput(
    device: &Device,
    rows: usize,
    width: usize,
    k: usize,
    runs: usize,
    progress: &Progress,
) -> Result<KMeansReport> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let centres: Vec<f32> = (0..k * width)
        .map(|_| rng.random::<f32>() * 10.0 - 5.0)
        .collect();
    let mut x = Vec::with_capacity(rows * width);
    let mut truth = Vec::with_capacity(rows);
    for r in 0..rows {
        let c = r % k;
        truth.push(c as u32);
        for j in 0..width {
            // Sum of uniforms: roughly normal noise with spread 1.
            let noise: f32 = (0..3).map(|_| rng.random::<f32>()).sum::<f32>() * 2.0 - 3.0;
            x.push(centres[c * width + j] + noise);
        }
    }
    let options = KMeansOptions {
        restarts: 1,
        ..KMeansOptions::new(k, 7)
    };
    let mut first_run_seconds = 0.0;
    let mut run_seconds = Vec::new();
    let mut agreement = 0.0;
    for run in 0..=runs.max(1) {
        progress.check_cancelled()?;
        let started = Instant::now();
        let found = kmeans(&x, width, &options, device, &progress.scaled(0.0, 1.0))?;
        let seconds = started.elapsed().as_secs_f64();
        if run == 0 {
            first_run_seconds = seconds;
            agreement = crate::ml::cluster_metrics::adjusted_rand_index(&found.assignments, &truth);
        } else {
            run_seconds.push(seconds);
        }
    }
    let median = super::median(&run_seconds);
    Ok(KMeansReport {
        rows,
        width,
        k,
        first_run_seconds,
        seconds: median,
        rows_per_second: rows as f64 / median,
        run_seconds,
        adjusted_rand_index: agreement,
    })
}
