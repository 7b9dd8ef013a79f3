//! k-means as burn tensor code on the compute device.
//!
//! Distances are `‖x‖² + ‖c‖² − 2·x·cᵀ`, one matrix product per batch of
//! rows; the nearest centre is an argmin; new centres are a one-hot matrix
//! product. Seeding is k-means++ with a few greedy trials per centre (as
//! scikit-learn does), on the processor, over at most [`SEED_ROWS`] rows.
//! Each restart starts from other seeds and the lowest spread wins.
//!
//! Large tables: restarts run on a random sample of [`SAMPLE_ROWS`] rows
//! (that is where the choice of starting point matters), and the winner is
//! then refined with full passes over every row, in batches of
//! [`BATCH_ROWS`] rows so memory stays bounded at a million rows and more.

use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::{RngExt, SeedableRng};

use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// Rows per batch sent to the device.
pub const BATCH_ROWS: usize = 131_072;
/// Above this many rows, restarts run on a sample of this size.
pub const SAMPLE_ROWS: usize = 100_000;
/// Rows k-means++ seeding looks at.
pub const SEED_ROWS: usize = 20_000;

/// Settings of one k-means run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KMeansOptions {
    /// Number of groups.
    pub k: usize,
    /// Starts from different seeds; the best is kept.
    pub restarts: usize,
    /// Most passes per start.
    pub max_iterations: usize,
    /// Seed: same seed, same data, same device → same groups.
    pub seed: u64,
}

impl KMeansOptions {
    /// Defaults: 4 restarts, up to 100 passes.
    pub fn new(k: usize, seed: u64) -> Self {
        Self {
            k,
            restarts: 4,
            max_iterations: 100,
            seed,
        }
    }
}

/// A finished grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct Clustering {
    /// Number of groups.
    pub k: usize,
    /// Group centres, row-major `k × width`.
    pub centroids: Vec<f32>,
    /// The group of each row.
    pub assignments: Vec<u32>,
    /// Sum of squared distances from each row to its centre (within-group spread).
    pub inertia: f64,
}

/// A row-major matrix uploaded to the device in batches.
pub struct DeviceRows {
    batches: Vec<(Tensor<2>, Tensor<2>)>,
    rows: usize,
    width: usize,
}

impl DeviceRows {
    /// Uploads `x` (`width` numbers per row) with each row's squared length.
    pub fn upload(x: &[f32], width: usize, device: &Device) -> Self {
        let rows = x.len() / width.max(1);
        let batches = (0..rows)
            .step_by(BATCH_ROWS)
            .map(|start| {
                let end = (start + BATCH_ROWS).min(rows);
                let data = x[start * width..end * width].to_vec();
                let t = Tensor::<2>::from_data(TensorData::new(data, [end - start, width]), device);
                let norms = t.clone().powi_scalar(2).sum_dim(1);
                (t, norms)
            })
            .collect();
        Self {
            batches,
            rows,
            width,
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
}

/// Groups the rows of `x` (`width` numbers per row) into `options.k` groups.
pub fn kmeans(
    x: &[f32],
    width: usize,
    options: &KMeansOptions,
    device: &Device,
    progress: &Progress,
) -> Result<Clustering> {
    let rows = x.len() / width.max(1);
    let k = options.k;
    if k < 1 || rows < k {
        return Err(ClearboxError::BadRequest(format!(
            "There are {rows} rows, too few to form {k} groups. Use fewer groups or a larger table."
        )));
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    // Restarts on a sample when the table is large.
    let sample_rows: Vec<usize> = if rows > SAMPLE_ROWS {
        let mut s = sample(&mut rng, rows, SAMPLE_ROWS).into_vec();
        s.sort_unstable();
        s
    } else {
        (0..rows).collect()
    };
    let sampled = gather(x, width, &sample_rows);
    let on_device = DeviceRows::upload(&sampled, width, device);
    let mut best: Option<(Vec<f32>, f64)> = None;
    let restarts = options.restarts.max(1);
    for restart in 0..restarts {
        progress.check_cancelled()?;
        let seeds = kmeans_plus_plus(&sampled, width, k, &mut rng);
        let (centroids, inertia) = lloyd(
            &on_device,
            seeds,
            k,
            options.max_iterations,
            device,
            &progress.scaled(restart as f32 / restarts as f32, 1.0 / restarts as f32),
        )?;
        if best.as_ref().is_none_or(|(_, b)| inertia < *b) {
            best = Some((centroids, inertia));
        }
    }
    let (mut centroids, _) = best.ok_or(ClearboxError::Cancelled)?;
    let all = if rows > SAMPLE_ROWS {
        let all = DeviceRows::upload(x, width, device);
        centroids = lloyd(&all, centroids, k, 20, device, progress)?.0;
        Some(all)
    } else {
        None
    };
    let (assignments, inertia) = assign(all.as_ref().unwrap_or(&on_device), &centroids, k, device)?;
    Ok(Clustering {
        k,
        centroids,
        assignments,
        inertia,
    })
}

/// The rows `which` of `x`, as a new matrix.
pub fn gather(x: &[f32], width: usize, which: &[usize]) -> Vec<f32> {
    let mut out = Vec::with_capacity(which.len() * width);
    for &r in which {
        out.extend_from_slice(&x[r * width..(r + 1) * width]);
    }
    out
}

/// k-means++ (Arthur & Vassilvitskii 2007) with greedy trials: each new
/// centre is drawn with probability proportional to the squared distance to
/// the nearest centre so far, the best of a few draws kept.
fn kmeans_plus_plus(x: &[f32], width: usize, k: usize, rng: &mut StdRng) -> Vec<f32> {
    let rows = x.len() / width;
    let pool: Vec<usize> = if rows > SEED_ROWS {
        sample(rng, rows, SEED_ROWS).into_vec()
    } else {
        (0..rows).collect()
    };
    let row = |i: usize| &x[pool[i] * width..(pool[i] + 1) * width];
    let d2 = |a: &[f32], b: &[f32]| -> f64 {
        a.iter().zip(b).map(|(p, q)| f64::from(p - q).powi(2)).sum()
    };
    let n = pool.len();
    let mut centres = Vec::with_capacity(k * width);
    let first = rng.random_range(0..n);
    centres.extend_from_slice(row(first));
    let mut nearest: Vec<f64> = (0..n).map(|i| d2(row(i), row(first))).collect();
    let trials = 2 + (k as f64).ln().floor() as usize;
    for _ in 1..k {
        let total: f64 = nearest.iter().sum();
        let mut chosen: Option<(usize, f64, Vec<f64>)> = None;
        for _ in 0..trials {
            let candidate = if total > 0.0 {
                let mut target = rng.random::<f64>() * total;
                let mut pick = n - 1;
                for (i, &d) in nearest.iter().enumerate() {
                    target -= d;
                    if target <= 0.0 {
                        pick = i;
                        break;
                    }
                }
                pick
            } else {
                rng.random_range(0..n)
            };
            let updated: Vec<f64> = (0..n)
                .map(|i| nearest[i].min(d2(row(i), row(candidate))))
                .collect();
            let spread: f64 = updated.iter().sum();
            if chosen.as_ref().is_none_or(|(_, s, _)| spread < *s) {
                chosen = Some((candidate, spread, updated));
            }
        }
        if let Some((candidate, _, updated)) = chosen {
            centres.extend_from_slice(row(candidate));
            nearest = updated;
        }
    }
    centres
}

/// Squared distances `[rows, k]` of a batch to the centres.
fn distances(batch: &Tensor<2>, norms: &Tensor<2>, centres: &Tensor<2>) -> Tensor<2> {
    let centre_norms = centres.clone().powi_scalar(2).sum_dim(1).transpose();
    let cross = batch.clone().matmul(centres.clone().transpose());
    (norms.clone() + centre_norms - cross.mul_scalar(2.0)).clamp_min(0.0)
}

/// Lloyd passes from `centroids` until the spread stops falling; returns the
/// centres and the spread.
fn lloyd(
    data: &DeviceRows,
    centroids: Vec<f32>,
    k: usize,
    max_iterations: usize,
    device: &Device,
    progress: &Progress,
) -> Result<(Vec<f32>, f64)> {
    let width = data.width;
    let mut centres = Tensor::<2>::from_data(TensorData::new(centroids, [k, width]), device);
    let labels = Tensor::<1, Int>::arange(0..k as i64, device)
        .float()
        .reshape([1, k]);
    let mut previous = f64::INFINITY;
    for iteration in 0..max_iterations {
        progress.check_cancelled()?;
        progress.report(iteration as f32 / max_iterations as f32, "Finding groups");
        let mut sums = Tensor::<2>::zeros([k, width], device);
        let mut counts = Tensor::<2>::zeros([1, k], device);
        let mut spread = Tensor::<1>::zeros([1], device);
        for (batch, norms) in &data.batches {
            let d = distances(batch, norms, &centres);
            let (nearest, index) = d.min_dim_with_indices(1);
            // One-hot membership: 1 where the column is the row's nearest centre.
            let onehot = (index.float() - labels.clone())
                .abs()
                .lower_elem(0.5)
                .float();
            sums = sums + onehot.clone().transpose().matmul(batch.clone());
            counts = counts + onehot.sum_dim(0);
            spread = spread + nearest.sum().reshape([1]);
        }
        // A group that lost every row keeps its old centre.
        let counts = counts.transpose();
        let empty = counts.clone().lower_elem(0.5);
        let moved = sums / counts.clamp_min(1.0);
        let empty = empty.float().expand([k, width]).greater_elem(0.5);
        centres = moved.mask_where(empty, centres);
        let spread = f64::from(spread.into_scalar::<f32>());
        // Lloyd never increases the spread; stop once it no longer falls.
        if previous.is_finite() && previous - spread <= 1e-6 * previous.max(1e-12) {
            previous = spread.min(previous);
            break;
        }
        previous = spread;
    }
    Ok((read(centres)?, previous))
}

/// The nearest centre of every row, and the spread.
pub fn assign(
    data: &DeviceRows,
    centroids: &[f32],
    k: usize,
    device: &Device,
) -> Result<(Vec<u32>, f64)> {
    let centres =
        Tensor::<2>::from_data(TensorData::new(centroids.to_vec(), [k, data.width]), device);
    let mut assignments = Vec::with_capacity(data.rows);
    let mut spread = 0.0;
    for (batch, norms) in &data.batches {
        let (nearest, index) = distances(batch, norms, &centres).min_dim_with_indices(1);
        spread += f64::from(nearest.sum().into_scalar::<f32>());
        assignments.extend(read(index.float())?.into_iter().map(|c| c as u32));
    }
    Ok((assignments, spread))
}

fn read<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>> {
    t.into_data()
        .try_to_vec::<f32>()
        .map_err(|e| ClearboxError::Internal {
            activity: "reading groups from the device".into(),
            detail: format!("{e:?}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::cluster_metrics::adjusted_rand_index;

    /// Three tight blobs of 50 rows in 3 dimensions.
    fn blobs() -> (Vec<f32>, Vec<u32>) {
        let mut rng = StdRng::seed_from_u64(7);
        let centres = [[0.0, 0.0, 0.0], [8.0, 8.0, 0.0], [0.0, 8.0, 8.0]];
        let mut x = Vec::new();
        let mut truth = Vec::new();
        for (c, centre) in centres.iter().enumerate() {
            for _ in 0..50 {
                for v in centre {
                    x.push(v + rng.random::<f32>() - 0.5);
                }
                truth.push(c as u32);
            }
        }
        (x, truth)
    }

    #[test]
    fn finds_well_separated_blobs() {
        let (x, truth) = blobs();
        let device = Device::flex();
        let found = kmeans(
            &x,
            3,
            &KMeansOptions::new(3, 1),
            &device,
            &Progress::silent(),
        )
        .expect("clusters");
        assert_eq!(found.assignments.len(), 150);
        assert!((adjusted_rand_index(&found.assignments, &truth) - 1.0).abs() < 1e-9);
        // Each row of noise is at most ~0.87 from its centre.
        assert!(found.inertia < 150.0 * 0.75, "{}", found.inertia);
    }

    #[test]
    fn same_seed_same_groups() {
        let (x, _) = blobs();
        let device = Device::flex();
        let run = |seed| {
            kmeans(
                &x,
                3,
                &KMeansOptions::new(4, seed),
                &device,
                &Progress::silent(),
            )
            .expect("clusters")
        };
        assert_eq!(run(5), run(5));
    }
}
