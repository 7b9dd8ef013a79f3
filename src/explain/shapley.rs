//! Shapley values by the KernelSHAP method: the model is evaluated on
//! coalitions of columns, and a weighted least-squares fit — constrained so
//! that the values add up to the prediction minus the average — recovers each
//! column's share. When the budget covers every coalition (4 096 covers 12
//! columns) the fit gives the exact Shapley values; beyond that, coalitions
//! are drawn from the Shapley kernel in complementary pairs.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The coalitions to evaluate, with their weights in the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Coalitions {
    /// Columns.
    pub columns: usize,
    /// `columns` flags per coalition; the first is the empty one, the second the full one.
    pub flags: Vec<bool>,
    /// Weight of each coalition in the fit (the empty and full ones are constraints, weight 0).
    pub weights: Vec<f64>,
    /// Whether every coalition is present, so the values are exact.
    pub exact: bool,
}

impl Coalitions {
    /// Number of coalitions.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Coalitions for `m` columns: all of them when they fit in `budget`,
    /// else about `budget` sampled ones.
    pub fn plan(m: usize, budget: usize, seed: u64) -> Self {
        let fits = m < usize::BITS as usize - 1 && (1usize << m) <= budget.saturating_add(2);
        if fits {
            every(m)
        } else {
            sample(m, budget, seed)
        }
    }
}

/// The empty and the full coalition, which every plan starts with.
fn ends(m: usize) -> (Vec<bool>, Vec<f64>) {
    let mut flags = vec![false; m];
    flags.extend(std::iter::repeat_n(true, m));
    (flags, vec![0.0, 0.0])
}

/// Every coalition, each with its kernel weight.
fn every(m: usize) -> Coalitions {
    let (mut flags, mut weights) = ends(m);
    for bits in 1..(1usize << m) - 1 {
        let size = bits.count_ones() as usize;
        flags.extend((0..m).map(|j| bits >> j & 1 == 1));
        weights.push(kernel_weight(m, size));
    }
    Coalitions {
        columns: m,
        flags,
        weights,
        exact: true,
    }
}

/// About `budget` coalitions drawn from the Shapley kernel, in complementary pairs.
fn sample(m: usize, budget: usize, seed: u64) -> Coalitions {
    let (mut flags, mut weights) = ends(m);
    let mut rng = StdRng::seed_from_u64(seed);
    // Sizes are drawn in proportion to the kernel's total weight on each
    // size; each draw then counts equally in the fit.
    let size_weight: Vec<f64> = (1..m)
        .map(|s| (m - 1) as f64 / (s * (m - s)) as f64)
        .collect();
    let total: f64 = size_weight.iter().sum();
    let mut order: Vec<usize> = (0..m).collect();
    for _ in 0..budget.div_ceil(2) {
        let mut pick = rng.random::<f64>() * total;
        let mut size = m - 1;
        for (i, w) in size_weight.iter().enumerate() {
            if pick < *w {
                size = i + 1;
                break;
            }
            pick -= w;
        }
        // A partial Fisher–Yates shuffle picks `size` columns.
        for i in 0..size {
            let j = rng.random_range(i..m);
            order.swap(i, j);
        }
        let mut chosen = vec![false; m];
        for &j in &order[..size] {
            chosen[j] = true;
        }
        // The complement halves the variance of the estimate.
        flags.extend(chosen.iter().copied());
        flags.extend(chosen.iter().map(|c| !c));
        weights.extend([1.0, 1.0]);
    }
    Coalitions {
        columns: m,
        flags,
        weights,
        exact: false,
    }
}

/// The Shapley kernel weight of one coalition of `size` out of `m` columns.
fn kernel_weight(m: usize, size: usize) -> f64 {
    (m - 1) as f64 / (binomial(m, size) * (size * (m - size)) as f64)
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// Shapley values from the coalitions' `values` (same order as `plan.flags`):
/// they add up to `values[1] - values[0]` exactly.
pub fn solve(plan: &Coalitions, values: &[f64]) -> Vec<f64> {
    let m = plan.columns;
    let (empty, full) = (values[0], values[1]);
    let delta = full - empty;
    if m <= 1 {
        return vec![delta; m];
    }
    // Eliminate the last column with the constraint: φ_m = Δ − Σ φ_j.
    let k = m - 1;
    let mut ata = vec![0.0; k * k];
    let mut aty = vec![0.0; k];
    let mut a = vec![0.0; k];
    for (i, &weight) in plan.weights.iter().enumerate().skip(2) {
        let z = &plan.flags[i * m..(i + 1) * m];
        let last = f64::from(u8::from(z[m - 1]));
        let y = values[i] - empty - last * delta;
        for j in 0..k {
            a[j] = f64::from(u8::from(z[j])) - last;
        }
        for r in 0..k {
            if a[r] == 0.0 {
                continue;
            }
            aty[r] += weight * a[r] * y;
            for c in 0..k {
                ata[r * k + c] += weight * a[r] * a[c];
            }
        }
    }
    // A whisper of ridge keeps the system solvable when few coalitions were drawn.
    let trace: f64 = (0..k).map(|i| ata[i * k + i]).sum();
    for i in 0..k {
        ata[i * k + i] += 1e-9 * trace.max(1e-12) / k as f64;
    }
    let mut phi = solve_symmetric(ata, aty, k);
    let rest: f64 = phi.iter().sum();
    phi.push(delta - rest);
    phi
}

/// Solves `a x = b` for a symmetric positive definite `a` (Cholesky).
fn solve_symmetric(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Vec<f64> {
    for j in 0..n {
        let mut d = a[j * n + j];
        for p in 0..j {
            d -= a[j * n + p] * a[j * n + p];
        }
        let d = d.max(1e-300).sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for p in 0..j {
                s -= a[i * n + p] * a[j * n + p];
            }
            a[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for p in 0..i {
            s -= a[i * n + p] * b[p];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for p in i + 1..n {
            s -= a[p * n + i] * b[p];
        }
        b[i] = s / a[i * n + i];
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value function with interactions: v(S) = Σ a_j z_j + 2 z0 z1 − z2 z3 z4 + 0.5 (Σ z)².
    fn toy(z: &[bool]) -> f64 {
        let f = |j: usize| f64::from(u8::from(z[j]));
        let linear: f64 = (0..z.len()).map(|j| (j as f64 - 3.0) * f(j)).sum();
        let count: f64 = (0..z.len()).map(f).sum();
        linear + 2.0 * f(0) * f(1) - f(2) * f(3) * f(4) + 0.5 * count * count
    }

    /// Shapley values by their definition: the weighted average marginal contribution.
    fn brute_force(m: usize) -> Vec<f64> {
        let factorial = |n: usize| (1..=n).map(|i| i as f64).product::<f64>();
        (0..m)
            .map(|j| {
                let mut phi = 0.0;
                for bits in 0usize..1 << m {
                    if bits >> j & 1 == 1 {
                        continue;
                    }
                    let without: Vec<bool> = (0..m).map(|i| bits >> i & 1 == 1).collect();
                    let mut with = without.clone();
                    with[j] = true;
                    let s = bits.count_ones() as usize;
                    let weight = factorial(s) * factorial(m - s - 1) / factorial(m);
                    phi += weight * (toy(&with) - toy(&without));
                }
                phi
            })
            .collect()
    }

    fn values_of(plan: &Coalitions) -> Vec<f64> {
        plan.flags.chunks(plan.columns).map(toy).collect()
    }

    #[test]
    fn every_coalition_gives_the_exact_shapley_values() {
        let m = 7;
        let plan = Coalitions::plan(m, 126, 1);
        assert!(plan.exact);
        assert_eq!(plan.len(), 1 << m);
        let phi = solve(&plan, &values_of(&plan));
        for (got, want) in phi.iter().zip(brute_force(m)) {
            assert!((got - want).abs() < 1e-6, "{phi:?}");
        }
    }

    #[test]
    fn sampled_coalitions_come_close_and_still_add_up() {
        let m = 12;
        let exact = {
            let plan = every(m);
            solve(&plan, &values_of(&plan))
        };
        let sampled = sample(m, 2048, 3);
        assert!(!sampled.exact && sampled.len() == 2050);
        let values = values_of(&sampled);
        let phi = solve(&sampled, &values);
        let total: f64 = phi.iter().sum();
        assert!((total - (values[1] - values[0])).abs() < 1e-9);
        let largest = exact.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        for (got, want) in phi.iter().zip(&exact) {
            assert!(
                (got - want).abs() < 0.05 * largest,
                "sampled {phi:?}\nexact {exact:?}"
            );
        }
        assert!(Coalitions::plan(30, 500, 1).len() <= 504);
        // One column (or none) needs no search: its value is the whole difference.
        assert_eq!(Coalitions::plan(1, 0, 1).len(), 2);
        let single = solve(&Coalitions::plan(1, 0, 1), &[0.2, 0.7]);
        assert!(single.len() == 1 && (single[0] - 0.5).abs() < 1e-12);
    }
}
