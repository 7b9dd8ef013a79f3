//! How good and how repeatable a grouping is: the adjusted Rand index (do two
//! groupings agree beyond chance?) and the silhouette (are rows closer to
//! their own group than to the next one?).

use std::collections::HashMap;

/// Agreement of two groupings of the same rows, corrected for chance
/// (Hubert & Arabie 1985): 1 is identical (whatever the group numbers), about
/// 0 is no better than random, and it can dip below 0.
pub fn adjusted_rand_index(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return 1.0;
    }
    let mut table: HashMap<(u32, u32), u64> = HashMap::new();
    let mut rows: HashMap<u32, u64> = HashMap::new();
    let mut cols: HashMap<u32, u64> = HashMap::new();
    for (&x, &y) in a.iter().zip(b).take(n) {
        *table.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let pairs = |m: u64| (m as f64) * (m as f64 - 1.0) / 2.0;
    let index: f64 = table.values().map(|&m| pairs(m)).sum();
    let sum_a: f64 = rows.values().map(|&m| pairs(m)).sum();
    let sum_b: f64 = cols.values().map(|&m| pairs(m)).sum();
    let expected = sum_a * sum_b / pairs(n as u64);
    let max = (sum_a + sum_b) / 2.0;
    if (max - expected).abs() < 1e-12 {
        // Both groupings put everything in one group (or each row alone): they agree.
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Mean silhouette of the rows of `x` (row-major, `width` numbers per row)
/// grouped by `labels` into `k` groups: for each row, (b − a) / max(a, b)
/// where a is its mean distance to its own group and b to the nearest other
/// group. Near 1: tight, well apart; near 0: groups overlap. Quadratic in the
/// rows, so callers pass a sample.
pub fn silhouette(x: &[f32], width: usize, labels: &[u32], k: usize) -> f64 {
    let n = labels.len();
    if n < 2 || k < 2 || width == 0 {
        return 0.0;
    }
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l as usize] += 1;
    }
    let mut total = 0.0;
    let mut sums = vec![0f64; k];
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        let xi = &x[i * width..(i + 1) * width];
        for j in 0..n {
            if i == j {
                continue;
            }
            let xj = &x[j * width..(j + 1) * width];
            let d2: f32 = xi.iter().zip(xj).map(|(p, q)| (p - q) * (p - q)).sum();
            sums[labels[j] as usize] += f64::from(d2).sqrt();
        }
        let own = labels[i] as usize;
        if sizes[own] <= 1 {
            continue; // a row alone in its group scores 0, by convention
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_index_matches_a_hand_count() {
        // Contingency table [[2, 1], [0, 3]] over 6 rows:
        // index = C(2,2) + C(3,2) = 1 + 3 = 4; rows 3, 3 → 3 + 3 = 6;
        // columns 2, 4 → 1 + 6 = 7; expected = 6 · 7 / 15 = 2.8; max = 6.5.
        // ARI = (4 − 2.8) / (6.5 − 2.8) = 1.2 / 3.7.
        let a = [0, 0, 0, 1, 1, 1];
        let b = [0, 0, 1, 1, 1, 1];
        assert!((adjusted_rand_index(&a, &b) - 1.2 / 3.7).abs() < 1e-12);
        // Renumbered groups are the same grouping.
        assert!((adjusted_rand_index(&a, &[5, 5, 5, 2, 2, 2]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn silhouette_of_two_tight_pairs_is_high() {
        let x = [0.0, 0.0, 0.0, 0.1, 10.0, 0.0, 10.0, 0.1];
        let s = silhouette(&x, 2, &[0, 0, 1, 1], 2);
        assert!(s > 0.98, "{s}");
        let mixed = silhouette(&x, 2, &[0, 1, 0, 1], 2);
        assert!(mixed < 0.0, "{mixed}");
    }
}
