//! How repeatable the groups are: k-means is run again from other seeds and
//! each run is compared with the chosen one by the adjusted Rand index.

use serde::{Deserialize, Serialize};

use super::kmeans::{Clustering, KMeansOptions, kmeans};
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::cluster_metrics::adjusted_rand_index;

/// Reruns from other seeds.
pub const RERUNS: usize = 4;

/// How repeatable the groups are, in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stability {
    /// Reruns find the same groups (agreement 0.9 or more).
    Stable,
    /// Mostly the same, some rows change group (0.75 to 0.9).
    SomewhatStable,
    /// Reruns disagree: treat the groups as one possible reading.
    Unstable,
}

impl Stability {
    /// The word for a mean agreement.
    pub fn of(agreement: f64) -> Self {
        if agreement >= 0.9 {
            Self::Stable
        } else if agreement >= 0.75 {
            Self::SomewhatStable
        } else {
            Self::Unstable
        }
    }

    /// "stable", "somewhat stable", "unstable".
    pub fn word(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::SomewhatStable => "somewhat stable",
            Self::Unstable => "unstable",
        }
    }
}

/// The stability check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityReport {
    /// The verdict.
    pub verdict: Stability,
    /// Mean adjusted Rand index between the chosen run and each rerun.
    pub agreement: f64,
    /// Each rerun's agreement.
    pub runs: Vec<f64>,
}

impl StabilityReport {
    /// One sentence for the screen.
    pub fn sentence(&self) -> String {
        let meaning = match self.verdict {
            Stability::Stable => "running again from other starting points finds the same groups",
            Stability::SomewhatStable => {
                "running again from other starting points finds mostly the same groups; some rows change group"
            }
            Stability::Unstable => {
                "running again from other starting points finds different groups, so treat these as one possible reading"
            }
        };
        format!(
            "The groups are {}: {meaning} (agreement {:.2}, where 1 is identical and 0 is chance).",
            self.verdict.word(),
            self.agreement
        )
    }
}

/// Reruns k-means with [`RERUNS`] other seeds and measures agreement with `chosen`.
pub fn measure_stability(
    x: &[f32],
    width: usize,
    chosen: &Clustering,
    options: &KMeansOptions,
    device: &burn::tensor::Device,
    progress: &Progress,
) -> Result<StabilityReport> {
    let mut runs = Vec::with_capacity(RERUNS);
    for i in 0..RERUNS {
        let rerun = KMeansOptions {
            seed: options.seed.wrapping_add(1000 + i as u64),
            ..*options
        };
        let scaled = progress.scaled(i as f32 / RERUNS as f32, 1.0 / RERUNS as f32);
        let other = kmeans(x, width, &rerun, device, &scaled)?;
        runs.push(adjusted_rand_index(&chosen.assignments, &other.assignments));
    }
    let agreement = runs.iter().sum::<f64>() / runs.len().max(1) as f64;
    Ok(StabilityReport {
        verdict: Stability::of(agreement),
        agreement,
        runs,
    })
}
