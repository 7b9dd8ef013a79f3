//! k-means speed, for `clearbox bench kmeans`: rows drawn around random
//! centres, grouped with one k-means++ start (scikit-learn's default), the
//! first run (kernel compilation) timed apart. The groups' quality is
//! measured over several starts, each from its own seed, since a single
//! start now and then lands in a poor local optimum (scikit-learn's too).

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
    /// Mean agreement (adjusted Rand index) over the starts of the groups
    /// found with the blobs the rows were drawn from.
    pub adjusted_rand_index: f64,
    /// The lowest agreement of any start.
    pub worst_adjusted_rand_index: f64,
    /// Starts measured, seeds 0, 1, …
    pub starts: usize,
    /// Starts that found every blob (agreement above 0.99).
    pub starts_finding_every_group: usize,
}

/// Times k-means (one k-means++ start, as scikit-learn's default) on `rows ×
/// width` numbers drawn around `k` random centres: `runs` timed runs after a
/// warm-up run, then `starts` untimed starts from seeds 0, 1, … whose groups
/// are compared with the blobs.
pub fn kmeans_throughput(
    device: &Device,
    rows: usize,
    width: usize,
    k: usize,
    [runs, starts]: [usize; 2],
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
    for run in 0..=runs.max(1) {
        progress.check_cancelled()?;
        let started = Instant::now();
        kmeans(&x, width, &options, device, &progress.scaled(0.0, 1.0))?;
        let seconds = started.elapsed().as_secs_f64();
        if run == 0 {
            first_run_seconds = seconds;
        } else {
            run_seconds.push(seconds);
        }
    }
    let median = super::median(&run_seconds);
    let starts = starts.max(1);
    let mut agreements = Vec::with_capacity(starts);
    for seed in 0..starts as u64 {
        progress.check_cancelled()?;
        let options = KMeansOptions { seed, ..options };
        let found = kmeans(&x, width, &options, device, &progress.scaled(0.0, 1.0))?;
        agreements.push(crate::ml::cluster_metrics::adjusted_rand_index(
            &found.assignments,
            &truth,
        ));
    }
    Ok(KMeansReport {
        rows,
        width,
        k,
        first_run_seconds,
        seconds: median,
        rows_per_second: rows as f64 / median,
        run_seconds,
        adjusted_rand_index: agreements.iter().sum::<f64>() / starts as f64,
        worst_adjusted_rand_index: agreements.iter().copied().fold(f64::INFINITY, f64::min),
        starts,
        starts_finding_every_group: agreements.iter().filter(|&&a| a > 0.99).count(),
    })
}
