//! Dropout with a mask the processor can afford. Burn's own dropout draws
//! its mask one number at a time from a ChaCha generator on one thread; on
//! the CPU backend that was about 30% of a training step of the default
//! network (`perf` on `clearbox bench train`). Here, on the processor, the
//! mask comes from a counter-based hash of a seed drawn from burn's seeded
//! generator (so `device.seed` keeps runs repeatable), filled in parallel.
//! On a graphics card burn's dropout runs as a kernel and is kept as is.
//! The rule is burn's: only while training on an autodiff device, kept
//! values scaled by `1 / (1 − p)`.

use burn::nn::Dropout;
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use rayon::prelude::*;

/// Numbers filled per parallel chunk: large enough to amortise a task.
const CHUNK: usize = 1 << 14;

/// `dropout` applied to `x`, as [`Dropout::forward`] would.
pub fn apply(dropout: &Dropout, x: Tensor<2>) -> Tensor<2> {
    let device = x.device();
    if !dropout.training.is_enabled() || !device.is_autodiff() || dropout.prob == 0.0 {
        return x;
    }
    if device.clone().inner() != Device::flex() {
        return dropout.forward(x);
    }
    let dims = x.dims();
    let mask = mask(dims[0] * dims[1], 1.0 - dropout.prob, draw_seed(&device));
    x * Tensor::<2>::from_data(TensorData::new(mask, dims), &device)
}

/// A mask seed from two draws of burn's generator on `device`'s backend,
/// so `device.seed` decides it and each call advances the generator.
fn draw_seed(device: &Device) -> u64 {
    Tensor::<1>::random(
        [2],
        Distribution::Uniform(0.0, 1.0),
        &device.clone().inner(),
    )
    .into_data()
    .try_to_vec::<f32>()
    .map(|v| {
        v.iter().fold(0u64, |acc, u| {
            (acc << 32) ^ u64::from((u * 4_294_967_296.0) as u32)
        })
    })
    .unwrap_or(0x5eed)
}

/// `n` numbers, each `1 / keep` with chance `keep` and 0 otherwise.
fn mask(n: usize, keep: f64, seed: u64) -> Vec<f32> {
    // A 16-bit lane below `bar` keeps its number: the chance is within
    // 1/65 536 of `keep`.
    let bar = (keep * 65_536.0).round() as u64;
    let scale = (1.0 / keep) as f32;
    let mut out = vec![0f32; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let first = (c * CHUNK / 4) as u64;
            for (i, lanes) in chunk.chunks_mut(4).enumerate() {
                let bits =
                    splitmix64(seed ^ (first + i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                for (k, v) in lanes.iter_mut().enumerate() {
                    let kept = (bits >> (16 * k)) & 0xFFFF < bar;
                    *v = if kept { scale } else { 0.0 };
                }
            }
        });
    out
}

/// The SplitMix64 finaliser: every output bit depends on every input bit.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::DropoutConfig;

    #[test]
    fn drops_the_asked_share_scales_the_rest_and_repeats_per_seed() {
        let device = Device::flex().autodiff();
        let dropout = DropoutConfig::new(0.25).init();
        let x = Tensor::<2>::ones([512, 256], &device);
        let run = || {
            device.seed(7);
            apply(&dropout, x.clone())
                .into_data()
                .try_to_vec::<f32>()
                .expect("numbers")
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b, "the same seed gives the same mask");
        // The mask is this module's, not burn's one-at-a-time draw.
        device.seed(7);
        assert_eq!(a, mask(512 * 256, 0.75, draw_seed(&device)));
        let zeros = a.iter().filter(|&&v| v == 0.0).count() as f64 / a.len() as f64;
        assert!((zeros - 0.25).abs() < 0.01, "dropped share {zeros}");
        assert!(a.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
        // A second call draws a new mask.
        let c = apply(&dropout, x.clone())
            .into_data()
            .try_to_vec::<f32>()
            .expect("numbers");
        assert_ne!(a, c);
        // Masks of neighbouring chunks do not repeat each other.
        let m = mask(4 * CHUNK, 0.5, 1);
        assert_ne!(m[..CHUNK], m[CHUNK..2 * CHUNK]);
    }

    #[test]
    fn leaves_inference_untouched() {
        let dropout = DropoutConfig::new(0.5).init();
        let plain = Tensor::<2>::ones([64, 8], &Device::flex());
        let out = apply(&dropout, plain)
            .into_data()
            .try_to_vec::<f32>()
            .expect("numbers");
        assert!(out.iter().all(|&v| v == 1.0));
    }
}
