//! Splitting rows into training, validation and test sets.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::task::TargetValues;

/// Which rows each stage may see. Test rows are never used for fitting
/// anything — not the preprocessing, not the model, not the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Rows the model learns from.
    pub train: Vec<usize>,
    /// Rows that decide when to stop and where to put the threshold.
    pub valid: Vec<usize>,
    /// Rows held back for the final, honest score.
    pub test: Vec<usize>,
}

/// Shares of the known rows for validation and test.
const VALID_SHARE: f64 = 0.15;
const TEST_SHARE: f64 = 0.15;

/// A random 70/15/15 split of the rows whose target is known, stratified by
/// class so every set has the same mix of outcomes. Same seed, same split.
pub fn stratified(target: &TargetValues, seed: u64) -> Split {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut groups: Vec<Vec<usize>> = match target {
        TargetValues::Classes(rows) => {
            let classes = rows.iter().flatten().max().map_or(0, |m| *m as usize + 1);
            let mut groups = vec![Vec::new(); classes];
            for (i, c) in rows.iter().enumerate() {
                if let Some(c) = c {
                    groups[*c as usize].push(i);
                }
            }
            groups
        }
        TargetValues::Amounts(v) => vec![(0..v.len()).filter(|&i| !v[i].is_nan()).collect()],
    };
    let mut split = Split {
        train: Vec::new(),
        valid: Vec::new(),
        test: Vec::new(),
    };
    for group in &mut groups {
        group.shuffle(&mut rng);
        let n = group.len();
        let test = (n as f64 * TEST_SHARE).round() as usize;
        let valid = (n as f64 * VALID_SHARE).round() as usize;
        split.test.extend_from_slice(&group[..test]);
        split.valid.extend_from_slice(&group[test..test + valid]);
        split.train.extend_from_slice(&group[test + valid..]);
    }
    split.train.sort_unstable();
    split.valid.sort_unstable();
    split.test.sort_unstable();
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_are_disjoint_stratified_and_repeatable() {
        let rows: Vec<Option<u32>> = (0..1000)
            .map(|i| {
                if i == 7 {
                    None
                } else {
                    Some(u32::from(i % 10 == 0))
                }
            })
            .collect();
        let target = TargetValues::Classes(rows);
        let a = stratified(&target, 42);
        assert_eq!(a, stratified(&target, 42));
        assert_ne!(a, stratified(&target, 43));
        assert_eq!(a.train.len() + a.valid.len() + a.test.len(), 999);
        let positives = |set: &[usize]| set.iter().filter(|&&i| i % 10 == 0).count();
        assert_eq!(positives(&a.test), 15);
        let mut all: Vec<usize> = a
            .train
            .iter()
            .chain(&a.valid)
            .chain(&a.test)
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 999);
    }
}
