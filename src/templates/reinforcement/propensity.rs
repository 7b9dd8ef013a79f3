//! The old system's chances, estimated: a classifier of the action taken
//! given the context, cross-fitted (each half of the decisions is scored by
//! the model trained on the other half, so no decision judges itself). It
//! gives, for every row, the chance of every action: where the old system
//! did not try an action for rows like this one, the policy does not
//! recommend it, and, when the log has no propensity column, the estimated
//! chance of the action taken (clipped at 1%) weighs each decision.

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::model::{Network, NetworkShape, softmax};
use crate::ml::train::{Examples, Labels, TrainOptions, fit, predict};

/// Estimated chances below this are clipped when they weigh a decision.
pub const CLIP: f64 = 0.01;
/// An action is judged only where the old system's chance of it was at least this.
pub const SUPPORT: f64 = 0.01;
/// Most checks a classifier waits for a better validation loss; a long log
/// waits about as many steps as the reward networks do, its passes checked
/// part-way ([`super::reward::patience`]). At 200 000 decisions (157 steps a
/// pass) waiting 3 passes instead of 6 kept the very same best passes (the
/// estimate did not move) and took the chances from 4.8 s to 2.7 s; logs
/// of 20 000 decisions or fewer still wait 6 passes.
const MOST_PATIENCE: usize = 6;

/// The two halves' classifiers.
#[derive(Debug, Clone)]
pub struct PropensityModel {
    /// Its layers.
    pub shape: NetworkShape,
    /// One network per half of the decisions.
    pub networks: [Network; 2],
}

impl PropensityModel {
    /// The chance of every action for each encoded row of `x`: the average
    /// of both halves' classifiers (for rows neither learned from).
    pub fn chances(&self, x: &[f32], width: usize, device: &Device) -> Result<Vec<f64>> {
        let k = self.shape.outputs;
        let a = predict(&self.networks[0], x, width, device)?;
        let b = predict(&self.networks[1], x, width, device)?;
        Ok(a.chunks(k)
            .zip(b.chunks(k))
            .flat_map(|(a, b)| {
                softmax(a)
                    .into_iter()
                    .zip(softmax(b))
                    .map(|(p, q)| (p + q) / 2.0)
                    .collect::<Vec<_>>()
            })
            .collect())
    }
}

/// What estimating the chances produced.
pub struct Estimated {
    /// The classifiers, kept to judge new rows.
    pub model: PropensityModel,
    /// Cross-fitted chance of every action for each decision (`rows × k`).
    pub chances: Vec<f64>,
}

/// Learns the old system's chances from `x` (`rows × width`) and the
/// actions `taken`, cross-fitted over two halves.
pub fn estimate(
    x: &[f32],
    width: usize,
    taken: &[u32],
    k: usize,
    seed: u64,
    device: &Device,
    progress: &Progress,
) -> Result<Estimated> {
    let rows = taken.len();
    let mut order: Vec<usize> = (0..rows).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed ^ 0x0B5E));
    let halves = [order[..rows / 2].to_vec(), order[rows / 2..].to_vec()];
    let shape = NetworkShape {
        inputs: width,
        hidden: vec![64],
        outputs: k,
        dropout: 0.1,
    };
    let gather = |rows: &[usize]| -> (Vec<f32>, Vec<u32>) {
        let mut xs = Vec::with_capacity(rows.len() * width);
        for &r in rows {
            xs.extend_from_slice(&x[r * width..(r + 1) * width]);
        }
        (xs, rows.iter().map(|&r| taken[r]).collect())
    };
    // Learns on half `i` (a fifth kept to stop early) and scores the other half.
    let learn = |i: usize, progress: &Progress| -> Result<(Network, Vec<f32>)> {
        let half = &halves[i];
        let cut = half.len() * 4 / 5;
        let (x_train, y_train) = gather(&half[..cut]);
        let (x_valid, y_valid) = gather(&half[cut..]);
        let options = TrainOptions::deep(cut, seed.wrapping_add(i as u64));
        let options = TrainOptions {
            patience: super::reward::patience(cut, options.batch, MOST_PATIENCE),
            check_every: Some(super::reward::CHECK_STEPS),
            ..options
        };
        let trained = fit(
            &shape,
            &Examples {
                x: &x_train,
                width,
                labels: Labels::Classes(&y_train, k),
            },
            &Examples {
                x: &x_valid,
                width,
                labels: Labels::Classes(&y_valid, k),
            },
            &options,
            device,
            progress,
            &|_| {},
        )?;
        let (x_other, _) = gather(&halves[1 - i]);
        let raw = predict(&trained.network, &x_other, width, device)?;
        Ok((trained.network, raw))
    };
    progress.report(0.0, "Estimating the old system's chances");
    let [first, second]: [(Network, Vec<f32>); 2] =
        crate::compute::side_by_side(device, 2, progress, |p| learn(0, p), learn)?
            .try_into()
            .map_err(|_| crate::error::ClearboxError::Internal {
                activity: "estimating the old system's chances".into(),
                detail: "two halves did not give two classifiers".into(),
            })?;
    let mut chances = vec![0f64; rows * k];
    for (i, (_, raw)) in [&first, &second].into_iter().enumerate() {
        for (&r, out) in halves[1 - i].iter().zip(raw.chunks(k)) {
            chances[r * k..(r + 1) * k].copy_from_slice(&softmax(out));
        }
    }
    let networks = [first.0, second.0];
    Ok(Estimated {
        model: PropensityModel { shape, networks },
        chances,
    })
}

#[cfg(test)]
mod tests {
    use super::MOST_PATIENCE;
    use crate::ml::train::TrainOptions;
    use crate::templates::reinforcement::reward::patience;

    #[test]
    fn a_long_logs_classifiers_wait_about_four_hundred_steps_and_a_short_ones_six_passes() {
        let waited = |rows: usize| patience(rows, TrainOptions::deep(rows, 0).batch, MOST_PATIENCE);
        // Each classifier learns from two fifths of the decisions. 200 000
        // decisions: 157 steps a pass, checked twice, 6 checks (3 passes).
        assert_eq!(waited(80_000), 6, "200 000 decisions");
        // A million: 782 steps a pass, checked 6 times, 4 checks (520 steps).
        assert_eq!(waited(400_000), 4, "a million decisions");
        // 20 000: 31 steps a pass, checked once, 6 passes.
        assert_eq!(waited(8_000), MOST_PATIENCE, "20 000 decisions");
    }
}
