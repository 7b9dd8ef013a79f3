//! The policy: for each row, the action with the highest predicted reward
//! among those the old system actually tried for rows like it (estimated
//! chance at least 1%), so it never recommends what the log cannot judge;
//! and, for deployment, a share of decisions spread evenly over those
//! actions so the next log can judge the policy again.

use super::propensity::SUPPORT;

/// The policy's answer for a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    /// Number of actions.
    pub k: usize,
    /// The recommended action of each row.
    pub recommended: Vec<usize>,
    /// The next best action the log can judge for each row (the same as the
    /// recommended one when it is the only one).
    pub runner_up: Vec<usize>,
    /// Each row's chance of each action when deployed (`rows × k`).
    pub probabilities: Vec<f64>,
}

/// The actions the log can judge for a row whose estimated chances are
/// `chances`: those tried at least [`SUPPORT`] of the time, or, if none,
/// the one tried most.
pub fn judged(chances: &[f64]) -> Vec<usize> {
    let tried: Vec<usize> = (0..chances.len())
        .filter(|&a| chances[a] >= SUPPORT)
        .collect();
    if tried.is_empty() {
        vec![crate::ml::model::argmax(chances)]
    } else {
        tried
    }
}

/// The policy's choices from each row's `expected` reward of every action
/// and the old system's `chances` (both `rows × k`), spreading `exploration`
/// of each row's decisions evenly over the judged actions.
pub fn choose(expected: &[f64], chances: &[f64], k: usize, exploration: f64) -> Choices {
    let rows = expected.len() / k.max(1);
    let mut recommended = Vec::with_capacity(rows);
    let mut runner_up = Vec::with_capacity(rows);
    let mut probabilities = vec![0f64; rows * k];
    for row in 0..rows {
        let q = &expected[row * k..(row + 1) * k];
        let mut options = judged(&chances[row * k..(row + 1) * k]);
        options.sort_by(|&a, &b| q[b].total_cmp(&q[a]).then(a.cmp(&b)));
        let best = options[0];
        recommended.push(best);
        runner_up.push(options.get(1).copied().unwrap_or(best));
        let spread = exploration / options.len() as f64;
        for &a in &options {
            probabilities[row * k + a] = spread;
        }
        probabilities[row * k + best] += 1.0 - exploration;
    }
    Choices {
        k,
        recommended,
        runner_up,
        probabilities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_never_recommends_what_was_never_tried() {
        // Row 0: action 2 looks best but the old system never tried it there.
        // Row 1: every action was tried; action 2 is best.
        let expected = [0.1, 0.3, 0.9, 0.2, 0.1, 0.8];
        let chances = [0.5, 0.495, 0.005, 0.3, 0.3, 0.4];
        let choices = choose(&expected, &chances, 3, 0.1);
        assert_eq!(choices.recommended, vec![1, 2]);
        assert_eq!(choices.runner_up, vec![0, 0]);
        let row0 = &choices.probabilities[..3];
        assert!((row0[1] - 0.95).abs() < 1e-12 && (row0[0] - 0.05).abs() < 1e-12);
        assert_eq!(row0[2], 0.0, "no exploration of what cannot be judged");
        let total: f64 = choices.probabilities[3..].iter().sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}
