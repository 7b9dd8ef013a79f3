//! Comparing two tables' counts over the same bins: the population
//! stability index, the Jensen–Shannon distance and the χ² test. Numbers
//! (binned on the reference's quantiles) and labels share these.

use serde::Serialize;

use super::stats::chi_square_two_samples;

/// How two sets of counts over the same bins differ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BinComparison {
    /// Population stability index: Σ (current − reference) · ln(current / reference)
    /// over the bins' shares. Under 0.1 is little change, 0.1–0.25 moderate, over 0.25 large.
    pub psi: f64,
    /// Jensen–Shannon distance (base 2): 0 for the same mix, 1 for no overlap.
    pub js: f64,
    /// χ² statistic of "both tables come from one mix".
    pub chi2: f64,
    /// p-value of that test.
    pub p_value: f64,
}

/// Compares `reference` and `current` counts, bin by bin. Empty bins get half
/// a row so that a label seen in only one table gives a large but finite PSI.
pub fn compare_counts(reference: &[usize], current: &[usize]) -> BinComparison {
    let used: Vec<(f64, f64)> = reference
        .iter()
        .zip(current)
        .filter(|(r, c)| **r + **c > 0)
        .map(|(&r, &c)| (r as f64, c as f64))
        .collect();
    let k = used.len() as f64;
    let n_r: f64 = used.iter().map(|b| b.0).sum();
    let n_c: f64 = used.iter().map(|b| b.1).sum();
    if n_r == 0.0 || n_c == 0.0 {
        return BinComparison {
            psi: 0.0,
            js: 0.0,
            chi2: 0.0,
            p_value: 1.0,
        };
    }
    let mut psi = 0.0;
    let mut js = 0.0;
    for &(r, c) in &used {
        let p = (r + 0.5) / (n_r + 0.5 * k);
        let q = (c + 0.5) / (n_c + 0.5 * k);
        psi += (q - p) * (q / p).ln();
        let (p, q) = (r / n_r, c / n_c);
        let m = (p + q) / 2.0;
        if p > 0.0 {
            js += 0.5 * p * (p / m).log2();
        }
        if q > 0.0 {
            js += 0.5 * q * (q / m).log2();
        }
    }
    let (chi2, p_value) = chi_square_two_samples(reference, current);
    BinComparison {
        psi,
        js: js.max(0.0).sqrt(),
        chi2,
        p_value,
    }
}

/// Shares of `counts` in their total (zeros when empty).
pub fn shares(counts: &[usize]) -> Vec<f64> {
    let total: usize = counts.iter().sum();
    counts
        .iter()
        .map(|&c| c as f64 / total.max(1) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_mix_is_zero_and_a_moved_mix_is_large() {
        let same = compare_counts(&[500, 300, 200], &[1000, 600, 400]);
        assert!(same.psi.abs() < 1e-3 && same.js < 1e-3 && same.p_value > 0.5);
        let moved = compare_counts(&[500, 300, 200], &[200, 300, 500]);
        assert!(moved.psi > 0.25, "{moved:?}");
        assert!(moved.p_value < 1e-6);
        assert!(moved.js > 0.2 && moved.js < 1.0);
    }
}
