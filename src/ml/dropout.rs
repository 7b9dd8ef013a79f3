//! Dropout with a mask the processor can afford. Burn's own dropout draws
//! its mask one number at a time from a ChaCha generator on one thread; on
//! the CPU backend that was about 30% of a training step of the default
//! network (`perf` on `clearbox bench train`). Here, on the processor, the
//! mask comes from small generators filled in parallel, seeded from the
//! network's own stream of seeds ([`MaskSeeds`]), whose start is drawn from
//! burn's seeded generator when the network is built (so `device.seed`
//! keeps runs repeatable). The stream being the network's, networks can
//! train side by side without their masks depending on which drew first.
//! On a graphics card burn's dropout runs as a kernel and is kept as is.
//! The rule is burn's: only while training on an autodiff device, kept
//! values scaled by `1 / (1 − p)`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use burn::nn::Dropout;
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use rayon::prelude::*;

/// Numbers filled per parallel chunk: large enough to amortise a task.
const CHUNK: usize = 1 << 14;

/// A network's stream of mask seeds: a start drawn once, and a count of
/// masks drawn since. Clones (the optimiser's updated network, the kept
/// best weights) share the count.
#[derive(Debug, Clone)]
pub struct MaskSeeds {
    start: u64,
    drawn: Arc<AtomicU64>,
}

impl MaskSeeds {
    /// A stream whose start is drawn from burn's generator on `device`.
    pub fn draw(device: &Device) -> Self {
        Self {
            start: draw_seed(device),
            drawn: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The next mask's seed.
    fn next(&self) -> u64 {
        let n = self.drawn.fetch_add(1, Ordering::Relaxed);
        splitmix64(self.start ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }
}

/// `dropout` applied to `x`, as [`Dropout::forward`] would, the processor's
/// mask seeded from `seeds`.
pub fn apply(dropout: &Dropout, seeds: &MaskSeeds, x: Tensor<2>) -> Tensor<2> {
    let device = x.device();
    if !dropout.training.is_enabled() || !device.is_autodiff() || dropout.prob == 0.0 {
        return x;
    }
    if device.clone().inner() != Device::flex() {
        return dropout.forward(x);
    }
    let dims = x.dims();
    let mask = mask(dims[0] * dims[1], 1.0 - dropout.prob, seeds.next());
    x * Tensor::<2>::from_data(TensorData::new(mask, dims), &device)
}

/// A seed from two draws of burn's generator on `device`'s backend.
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
    let bar = (keep * 65_536.0).round() as u32;
    let scale = (1.0 / keep) as f32;
    let mut out = vec![0f32; n];
    out.par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, chunk)| {
            let mut lanes = Lanes::new(seed, c as u64);
            let mut blocks = chunk.chunks_exact_mut(2 * LANES);
            for block in &mut blocks {
                lanes.fill(block, bar, scale);
            }
            let tail = blocks.into_remainder();
            if !tail.is_empty() {
                let mut last = [0f32; 2 * LANES];
                lanes.fill(&mut last, bar, scale);
                tail.copy_from_slice(&last[..tail.len()]);
            }
        });
    out
}

/// Parallel generator lanes: each step gives 32 bits per lane, two mask
/// numbers each.
const LANES: usize = 16;

/// `LANES` xoshiro128++ generators side by side. A SplitMix64 hash per four
/// numbers (this module's first version) ran one number at a time and took
/// about 15% of a training step (`perf`, batches of 512 and 4 096); the
/// lanes' shifts, xors and adds run as vector instructions on any x86-64 or
/// ARM processor, and the mask is now about 2% of a step.
struct Lanes {
    state: [[u32; LANES]; 4],
}

impl Lanes {
    /// Lanes seeded by SplitMix64 from the mask's seed and the chunk's
    /// number, so every chunk of every mask has its own streams.
    fn new(seed: u64, chunk: u64) -> Self {
        let mut state = [[0u32; LANES]; 4];
        for (w, words) in state.iter_mut().enumerate() {
            for (l, word) in words.iter_mut().enumerate() {
                let counter = (chunk * LANES as u64 + l as u64) * 4 + w as u64;
                // An odd word keeps a lane's state from ever being all zeros.
                *word = (splitmix64(seed ^ counter.wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 32)
                    as u32
                    | 1;
            }
        }
        Self { state }
    }

    /// One step of every lane, filling `block` (`2 × LANES` numbers): lane
    /// `l`'s low half decides number `l`, its high half number `LANES + l`.
    /// Each lane is one iteration, so the compiler makes a vector loop of it.
    fn fill(&mut self, block: &mut [f32], bar: u32, scale: f32) {
        let [s0, s1, s2, s3] = &mut self.state;
        let (low, high) = block.split_at_mut(LANES);
        // Halves and the bar fit an i32: signed comparisons are the ones
        // every vector instruction set has.
        let bar = bar as i32;
        for l in 0..LANES {
            let bits = s0[l].wrapping_add(s3[l]).rotate_left(7).wrapping_add(s0[l]);
            let t = s1[l] << 9;
            s2[l] ^= s0[l];
            s3[l] ^= s1[l];
            s1[l] ^= s2[l];
            s0[l] ^= s3[l];
            s2[l] ^= t;
            s3[l] = s3[l].rotate_left(11);
            low[l] = if ((bits & 0xFFFF) as i32) < bar {
                scale
            } else {
                0.0
            };
            high[l] = if ((bits >> 16) as i32) < bar {
                scale
            } else {
                0.0
            };
        }
    }
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
        let seeds = || crate::ml::model::seeded(&device, 7, || MaskSeeds::draw(&device));
        let run = || {
            apply(&dropout, &seeds(), x.clone())
                .into_data()
                .try_to_vec::<f32>()
                .expect("numbers")
        };
        let (a, b) = (run(), run());
        assert_eq!(a, b, "the same seed gives the same mask");
        // The mask is this module's, not burn's one-at-a-time draw.
        assert_eq!(a, mask(512 * 256, 0.75, seeds().next()));
        let zeros = a.iter().filter(|&&v| v == 0.0).count() as f64 / a.len() as f64;
        assert!((zeros - 0.25).abs() < 0.01, "dropped share {zeros}");
        assert!(a.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
        // A second call draws a new mask, and burn's generator is not used
        // (were it, reseeding would give the first mask again).
        let stream = seeds();
        apply(&dropout, &stream, x.clone());
        crate::ml::model::seeded(&device, 7, || ());
        let c = apply(&dropout, &stream, x.clone())
            .into_data()
            .try_to_vec::<f32>()
            .expect("numbers");
        assert_ne!(a, c);
        // Masks of neighbouring chunks do not repeat each other.
        let m = mask(4 * CHUNK, 0.5, 1);
        assert_ne!(m[..CHUNK], m[CHUNK..2 * CHUNK]);
    }

    #[test]
    fn neighbours_are_dropped_independently_and_a_ragged_tail_is_filled() {
        // Three chunks and a tail shorter than one block of the lanes.
        let n = 3 * CHUNK + 7;
        let m = mask(n, 0.75, 3);
        assert_eq!(m.len(), n);
        let dropped: Vec<bool> = m.iter().map(|&v| v == 0.0).collect();
        let share = dropped.iter().filter(|&&d| d).count() as f64 / n as f64;
        assert!((share - 0.25).abs() < 0.01, "dropped share {share}");
        // Numbers `l` and `LANES + l` share a lane's draw, numbers `l` and
        // `l + 1` neighbouring lanes: both pairs must be dropped together
        // only as often as chance says (0.25² = 0.0625).
        for gap in [1, LANES] {
            let pairs = (0..n - gap)
                .filter(|&i| dropped[i] && dropped[i + gap])
                .count();
            let both = pairs as f64 / (n - gap) as f64;
            assert!(
                (both - 0.0625).abs() < 0.006,
                "gap {gap}: both dropped {both}"
            );
        }
        assert!(m.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
    }

    #[test]
    fn leaves_inference_untouched() {
        let dropout = DropoutConfig::new(0.5).init();
        let plain = Tensor::<2>::ones([64, 8], &Device::flex());
        let device = Device::flex();
        let seeds = crate::ml::model::seeded(&device, 1, || MaskSeeds::draw(&device));
        let out = apply(&dropout, &seeds, plain)
            .into_data()
            .try_to_vec::<f32>()
            .expect("numbers");
        assert!(out.iter().all(|&v| v == 1.0));
    }
}
