//! The statistics behind the drift measures: p-values of the
//! Kolmogorov–Smirnov and χ² tests, the Holm correction for testing many
//! columns at once, and a small seeded shuffle for sampling rows.
//!
//! Written out here rather than pulled from a crate: each is a few lines of
//! textbook numerics (Numerical Recipes, 3rd ed., §6.2 and §14.3).

/// The p-value of a two-sample Kolmogorov–Smirnov statistic `d` between
/// samples of `n` and `m` values (asymptotic distribution with Stephens'
/// small-sample correction). With ties, as in rounded data, it errs on the
/// side of "no difference".
pub fn ks_p_value(d: f64, n: usize, m: usize) -> f64 {
    if n == 0 || m == 0 || !d.is_finite() {
        return 1.0;
    }
    let ne = (n as f64 * m as f64) / (n + m) as f64;
    let root = ne.sqrt();
    let lambda = (root + 0.12 + 0.11 / root) * d;
    kolmogorov_q(lambda)
}

/// `Q_KS(λ) = 2 Σ (-1)^(j-1) exp(-2 j² λ²)`: the chance of a statistic this large by luck.
fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    let mut sign = 1.0;
    for j in 1..=100 {
        let term = (-2.0 * (j as f64 * lambda).powi(2)).exp();
        sum += sign * term;
        if term < 1e-12 {
            break;
        }
        sign = -sign;
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// The χ² test of whether two sets of counts over the same bins come from
/// one distribution: the statistic and its p-value. Bins too thin for the
/// approximation (fewer than 10 rows in both tables together) are pooled.
pub fn chi_square_two_samples(reference: &[usize], current: &[usize]) -> (f64, f64) {
    let mut bins: Vec<(f64, f64)> = Vec::with_capacity(reference.len());
    let mut pooled = (0.0, 0.0);
    for (&r, &c) in reference.iter().zip(current) {
        if r + c < 10 {
            pooled.0 += r as f64;
            pooled.1 += c as f64;
        } else {
            bins.push((r as f64, c as f64));
        }
    }
    if pooled.0 + pooled.1 > 0.0 {
        bins.push(pooled);
    }
    let n_r: f64 = bins.iter().map(|b| b.0).sum();
    let n_c: f64 = bins.iter().map(|b| b.1).sum();
    let total = n_r + n_c;
    if bins.len() < 2 || n_r == 0.0 || n_c == 0.0 {
        return (0.0, 1.0);
    }
    let mut statistic = 0.0;
    for (r, c) in &bins {
        let column = r + c;
        let expected_r = column * n_r / total;
        let expected_c = column * n_c / total;
        statistic += (r - expected_r).powi(2) / expected_r + (c - expected_c).powi(2) / expected_c;
    }
    let df = (bins.len() - 1) as f64;
    (statistic, chi_square_sf(statistic, df))
}

/// The chance that a χ² variable with `df` degrees of freedom exceeds `x`.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return if x.is_infinite() { 0.0 } else { 1.0 };
    }
    gamma_q(df / 2.0, x / 2.0)
}

/// Regularised upper incomplete gamma function Q(a, x).
fn gamma_q(a: f64, x: f64) -> f64 {
    if x < a + 1.0 {
        1.0 - gamma_p_series(a, x)
    } else {
        gamma_q_fraction(a, x)
    }
    .clamp(0.0, 1.0)
}

fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut del = 1.0 / a;
    let mut sum = del;
    for _ in 0..1000 {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() < sum.abs() * 1e-15 {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

fn gamma_q_fraction(a: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / TINY;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..1000 {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < TINY {
            d = TINY;
        }
        c = b + an / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// ln Γ(x) for x > 0 (Lanczos approximation, about 15 correct digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the approximation in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        sum += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Holm's step-down correction: with `m` columns tested at once, the chance
/// that *any* unchanged column is called changed stays at the chosen level.
/// Returns the adjusted p-values in the input order.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let mut adjusted = vec![1.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let value = ((m - rank) as f64 * p_values[i]).min(1.0);
        running = running.max(value);
        adjusted[i] = running;
    }
    adjusted
}

/// A fast, seeded pseudo-random sequence (SplitMix64): row samples are the
/// same on every run and every machine.
pub struct SplitMix(u64);

impl SplitMix {
    /// Starts the sequence at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Up to `cap` distinct row indices below `rows`, in ascending order, drawn with `seed`.
pub fn sample_rows(rows: usize, cap: usize, seed: u64) -> Vec<usize> {
    if rows <= cap {
        return (0..rows).collect();
    }
    let mut rng = SplitMix::new(seed);
    if cap * 4 <= rows {
        // Few rows of many: draw, then drop repeats (rare) and top up.
        let mut picked: Vec<usize> = Vec::with_capacity(cap + cap / 8);
        while picked.len() < cap {
            picked.extend((0..cap - picked.len()).map(|_| rng.below(rows)));
            picked.sort_unstable();
            picked.dedup();
        }
        return picked;
    }
    let mut all: Vec<usize> = (0..rows).collect();
    for i in 0..cap {
        let j = i + rng.below(rows - i);
        all.swap(i, j);
    }
    all.truncate(cap);
    all.sort_unstable();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_tail_matches_tables() {
        // χ²(1) > 3.841 has p = 0.05; χ²(10) > 18.307 has p = 0.05.
        assert!((chi_square_sf(3.841, 1.0) - 0.05).abs() < 1e-3);
        assert!((chi_square_sf(18.307, 10.0) - 0.05).abs() < 1e-3);
        assert!((chi_square_sf(2.0, 2.0) - (-1.0f64).exp()).abs() < 1e-9);
    }

    #[test]
    fn ks_tail_matches_tables() {
        // Critical value at 5% for large samples is 1.358 / sqrt(ne).
        let n = 10_000;
        let d = 1.358 / (n as f64 / 2.0).sqrt();
        assert!((ks_p_value(d, n, n) - 0.05).abs() < 0.005);
        assert_eq!(ks_p_value(0.0, n, n), 1.0);
    }

    #[test]
    fn holm_adjusts_in_steps() {
        let adjusted = holm(&[0.01, 0.04, 0.03]);
        assert!((adjusted[0] - 0.03).abs() < 1e-12);
        assert!((adjusted[2] - 0.06).abs() < 1e-12);
        assert!((adjusted[1] - 0.06).abs() < 1e-12);
    }

    #[test]
    fn samples_are_distinct_and_repeatable() {
        let a = sample_rows(1000, 100, 7);
        assert_eq!(a, sample_rows(1000, 100, 7));
        let mut d = a.clone();
        d.dedup();
        assert_eq!(d.len(), 100);
    }
}
