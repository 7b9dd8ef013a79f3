//! The simple model every deep model is measured against: a generalised
//! linear model — multinomial logistic regression for classes, least squares
//! for amounts — on the plain inputs (scaled numbers, one-hot labels, missing
//! flags), with an L2 penalty whose strength is chosen on validation rows,
//! fitted to convergence in double precision: by Newton's method for a
//! yes/no or an amount on a few hundred inputs at most (`newton`), else by
//! L-BFGS.
//!
//! A data scientist's first baseline is scikit-learn's `LogisticRegression`
//! or `Ridge`; a bar to beat set below that would flatter the deep model, so
//! this is fitted the same way (to convergence, not for a few passes of a
//! stochastic optimiser) and checked against scikit-learn's figures in
//! `tests/flows/glm_reference.rs`.

use serde::{Deserialize, Serialize};

mod lbfgs;
mod newton;

use lbfgs::lbfgs;

use super::train::Labels;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// Penalty strengths tried, strongest first, as a multiple of the mean loss:
/// `loss + penalty/2 · Σw²`. scikit-learn's default `C = 1` on `n` rows is
/// `penalty = 1/n`; the range covers that for tables from ten to a million rows.
const PENALTIES: [f64; 12] = [
    1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 1e-7,
];
/// Penalties tried past the best before the search stops: weaker
/// penalties take the longest to fit, and the validation loss has one
/// minimum along the path.
const PATIENCE: usize = 1;
/// A weaker penalty is only worth it if it cuts the validation loss by this share.
const GAIN: f64 = 1e-4;

/// The plain inputs of a row-major matrix: which of its `width` columns the
/// linear model reads. The others (piecewise-linear pieces for the deep
/// model) get a weight of zero.
#[derive(Debug, Clone)]
pub struct PlainInputs {
    /// Positions of the plain columns in the full row.
    pub columns: Vec<usize>,
    /// Width of the full row.
    pub width: usize,
}

impl PlainInputs {
    /// The plain columns of `x` (`rows × width`) as a sparse design: most
    /// plain inputs of a row are the zeros of one-hot labels and flags, so
    /// only the others are kept.
    fn select(&self, x: &[f32]) -> Design {
        let mut design = Design {
            p: self.columns.len(),
            starts: vec![0],
            entries: Vec::new(),
        };
        for row in x.chunks(self.width.max(1)) {
            for (j, &c) in self.columns.iter().enumerate() {
                if row[c] != 0.0 {
                    design.entries.push((j as u32, row[c]));
                }
            }
            design.starts.push(design.entries.len());
        }
        design
    }
}

/// Rows of plain inputs, sparse: row `r`'s non-zero `(column, value)`
/// pairs are `entries[starts[r]..starts[r + 1]]`. They are kept as the
/// encoded row has them (a 32-bit number) and widened as they are read:
/// every loss streams the whole design, and 8 bytes an entry instead of 16
/// took adult's `clearbox bench simple` from 2.27 s to 2.13 s.
struct Design {
    p: usize,
    starts: Vec<usize>,
    entries: Vec<(u32, f32)>,
}

impl Design {
    fn rows(&self) -> usize {
        self.starts.len() - 1
    }

    /// Row `r`'s non-zero `(column, value)` pairs.
    fn row(&self, r: usize) -> impl Iterator<Item = (usize, f64)> + Clone + '_ {
        self.entries[self.starts[r]..self.starts[r + 1]]
            .iter()
            .map(|&(j, v)| (j as usize, f64::from(v)))
    }
}

/// Rows per chunk of the loss: chunks run on threads of their own and are
/// added in order, so the sum — and the fit — is the same on any number of
/// cores.
const CHUNK_ROWS: usize = 4096;

/// What was fitted: weights for the full row (zeros outside the plain
/// columns), biases, and how the penalty was chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearFit {
    /// `width × outputs`, row-major: the weight of input `i` on output `k` is at `i * outputs + k`.
    pub weights: Vec<f32>,
    /// One per output.
    pub bias: Vec<f32>,
    /// The chosen penalty strength and every one tried.
    pub penalty: PenaltyChoice,
}

/// The penalty strength kept and the validation loss of each one tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PenaltyChoice {
    /// The strength kept.
    pub chosen: f64,
    /// `(strength, validation loss)` for each strength tried, strongest first.
    pub tried: Vec<(f64, f64)>,
}

/// How many processor cores a fit spreads its work over. The result is the
/// same either way: the chunks of the loss are added in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cores {
    /// Every core: the fit runs alone.
    All,
    /// One: the fit runs beside the deep model, which keeps the others
    /// busy. On adult (2 cores) this finished the whole training 0.6 s
    /// sooner (11.2 s against 11.85 s) than both fits competing for them.
    One,
}

/// The loss a linear model is fitted to.
#[derive(Debug, Clone, Copy)]
enum Objective<'a> {
    /// Softmax cross-entropy over `k` classes (three or more).
    Classes(&'a [u32], usize),
    /// Two classes: the logistic loss of one log-odds. Softmax over two
    /// classes has the same optimum (its two weight vectors end opposite,
    /// each half the log-odds' weights, so its penalty counts half as much:
    /// [`Objective::penalty_share`]), but this fits half as many weights,
    /// with one exponential and one logarithm a row instead of four
    /// exponentials and a logarithm: on adult
    /// `clearbox bench simple` took 2.9 s instead of 3.4 s, with the same
    /// penalty and test AUC.
    YesNo(&'a [u32]),
    /// Half the squared error on a standardised amount.
    Amounts(&'a [f32]),
}

impl<'a> Objective<'a> {
    fn from_labels(labels: Labels<'a>) -> Result<Self> {
        match labels {
            Labels::Classes(classes, 2) => Ok(Self::YesNo(classes)),
            Labels::Classes(classes, k) => Ok(Self::Classes(classes, k)),
            Labels::Amounts(values) => Ok(Self::Amounts(values)),
            Labels::Rewards { .. } => Err(ClearboxError::Internal {
                activity: "fitting the simple model".into(),
                detail: "rewards are learned by the reward ensemble, not a linear model".into(),
            }),
        }
    }

    fn outputs(&self) -> usize {
        match self {
            Self::Classes(_, k) => *k,
            Self::YesNo(_) | Self::Amounts(_) => 1,
        }
    }

    /// Outputs of the network the fit becomes: two for yes/no.
    fn network_outputs(&self) -> usize {
        match self {
            Self::YesNo(_) => 2,
            other => other.outputs(),
        }
    }

    /// How much of a penalty strength applies to the fitted weights. The
    /// strengths are those of softmax regression (one weight per input and
    /// class); for yes/no, the one log-odds weight `d` stands for two of
    /// `d/2` each, whose squares add to `d²/2`.
    fn penalty_share(&self) -> f64 {
        match self {
            Self::YesNo(_) => 0.5,
            _ => 1.0,
        }
    }

    /// Mean loss over the rows of `x` at `theta` (`p × k` weights then `k`
    /// biases), and its gradient when `grad` is given.
    fn loss(&self, x: &Design, theta: &[f64], grad: Option<&mut [f64]>, cores: Cores) -> f64 {
        let rows = x.rows();
        let chunks: Vec<(usize, usize)> = (0..rows)
            .step_by(CHUNK_ROWS)
            .map(|start| (start, (start + CHUNK_ROWS).min(rows)))
            .collect();
        let want_grad = grad.is_some();
        let parts: Vec<(f64, Vec<f64>)> = if chunks.len() <= 1 || cores == Cores::One {
            chunks
                .iter()
                .map(|&(a, b)| self.chunk_loss(x, theta, a, b, want_grad))
                .collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = chunks
                    .iter()
                    .map(|&(a, b)| scope.spawn(move || self.chunk_loss(x, theta, a, b, want_grad)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or((f64::NAN, Vec::new())))
                    .collect()
            })
        };
        let n = rows.max(1) as f64;
        let mut total = 0.0;
        if let Some(g) = grad {
            g.fill(0.0);
            for (_, part) in &parts {
                if part.len() != g.len() {
                    // A chunk's thread died: poison the step so the line search rejects it.
                    g.fill(f64::NAN);
                    return f64::NAN;
                }
                g.iter_mut().zip(part).for_each(|(g, v)| *g += v);
            }
            g.iter_mut().for_each(|v| *v /= n);
        }
        for (loss, _) in &parts {
            total += loss;
        }
        total / n
    }

    /// Summed loss (and gradient) of rows `start..end`.
    fn chunk_loss(
        &self,
        x: &Design,
        theta: &[f64],
        start: usize,
        end: usize,
        want_grad: bool,
    ) -> (f64, Vec<f64>) {
        let k = self.outputs();
        let p = x.p;
        let mut grad = if want_grad {
            vec![0.0; theta.len()]
        } else {
            Vec::new()
        };
        let (weights, bias) = theta.split_at(p * k);
        let mut z = vec![0.0; k];
        let mut total = 0.0;
        for r in start..end {
            let row = x.row(r);
            z.copy_from_slice(bias);
            for (j, v) in row.clone() {
                for (zk, w) in z.iter_mut().zip(&weights[j * k..(j + 1) * k]) {
                    *zk += v * w;
                }
            }
            // `z` becomes the residual: what the gradient multiplies by the row.
            match self {
                Self::Classes(classes, _) => {
                    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let sum: f64 = z.iter().map(|v| (v - max).exp()).sum();
                    let y = classes[r] as usize;
                    total += max + sum.ln() - z[y];
                    for zk in &mut z {
                        *zk = (*zk - max).exp() / sum;
                    }
                    z[y] -= 1.0;
                }
                Self::YesNo(classes) => {
                    // log(1 + e^z) - y·z, computed without overflow.
                    let y = f64::from(classes[r]);
                    let zr = z[0];
                    let e = (-zr.abs()).exp();
                    total += zr.max(0.0) + e.ln_1p() - y * zr;
                    let chance = if zr >= 0.0 { 1.0 } else { e } / (1.0 + e);
                    z[0] = chance - y;
                }
                Self::Amounts(values) => {
                    let e = z[0] - f64::from(values[r]);
                    total += 0.5 * e * e;
                    z[0] = e;
                }
            }
            if want_grad {
                let (gw, gb) = grad.split_at_mut(p * k);
                for (j, v) in row {
                    for (g, zk) in gw[j * k..(j + 1) * k].iter_mut().zip(&z) {
                        *g += v * zk;
                    }
                }
                for (g, zk) in gb.iter_mut().zip(&z) {
                    *g += zk;
                }
            }
        }
        (total, grad)
    }
}

/// Fits the linear model on `train`, choosing the penalty on `valid`, and
/// returns weights for the full row. Cancellable between iterations.
pub fn fit_linear(
    plain: &PlainInputs,
    train_x: &[f32],
    train_labels: Labels<'_>,
    valid_x: &[f32],
    valid_labels: Labels<'_>,
    cores: Cores,
    progress: &Progress,
) -> Result<LinearFit> {
    let train = Objective::from_labels(train_labels)?;
    let valid = Objective::from_labels(valid_labels)?;
    let p = plain.columns.len();
    let x_train = plain.select(train_x);
    let x_valid = plain.select(valid_x);
    let mut theta = start(&train, p);
    let mut best: Option<(f64, f64, Vec<f64>)> = None;
    let mut tried = Vec::new();
    let mut since_best = 0;
    for (i, &penalty) in PENALTIES.iter().enumerate() {
        progress.report(
            i as f32 / PENALTIES.len() as f32,
            "Fitting the simple model",
        );
        // Warm start: each weaker penalty begins where the stronger one ended.
        minimise(&train, &x_train, penalty, &mut theta, cores, progress)?;
        let loss = valid.loss(&x_valid, &theta, None, cores);
        tried.push((penalty, loss));
        if best
            .as_ref()
            .is_none_or(|(_, b, _)| loss < *b * (1.0 - GAIN))
        {
            best = Some((penalty, loss, theta.clone()));
            since_best = 0;
        } else {
            since_best += 1;
            if since_best >= PATIENCE {
                break;
            }
        }
    }
    let (chosen, _, theta) = best.ok_or_else(|| ClearboxError::Internal {
        activity: "fitting the simple model".into(),
        detail: "no penalty was tried".into(),
    })?;
    Ok(expand(
        plain,
        &train,
        &theta,
        PenaltyChoice { chosen, tried },
    ))
}

/// Fits the linear model on all of `x` with a penalty chosen beforehand
/// (by cross-validation), for the model that is saved.
pub fn refit_linear(
    plain: &PlainInputs,
    x: &[f32],
    labels: Labels<'_>,
    penalty: PenaltyChoice,
    cores: Cores,
    progress: &Progress,
) -> Result<LinearFit> {
    let objective = Objective::from_labels(labels)?;
    let p = plain.columns.len();
    let x = plain.select(x);
    let mut theta = start(&objective, p);
    minimise(&objective, &x, penalty.chosen, &mut theta, cores, progress)?;
    Ok(expand(plain, &objective, &theta, penalty))
}

/// Zero weights and biases at the training rows' log class shares (the
/// log-odds for yes/no, or the mean amount): the best model that ignores
/// every input.
fn start(objective: &Objective<'_>, p: usize) -> Vec<f64> {
    let k = objective.outputs();
    let mut theta = vec![0.0; p * k + k];
    match objective {
        Objective::YesNo(classes) => {
            let yes = classes.iter().filter(|&&c| c == 1).count() as f64;
            let no = classes.len() as f64 - yes;
            theta[p] = ((yes + 1.0) / (no + 1.0)).ln();
        }
        Objective::Classes(classes, k) => {
            let mut counts = vec![1.0; *k];
            classes.iter().for_each(|&c| counts[c as usize] += 1.0);
            let total: f64 = counts.iter().sum();
            for (b, c) in theta[p * k..].iter_mut().zip(&counts) {
                *b = (c / total).ln();
            }
        }
        Objective::Amounts(values) => {
            theta[p] =
                values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64;
        }
    }
    theta
}

/// Weights for the full row: the plain columns' fitted weights, zeros
/// elsewhere. A yes/no fit's log-odds `d` becomes the two outputs softmax
/// regression ends with, `-d/2` and `d/2`.
fn expand(
    plain: &PlainInputs,
    objective: &Objective<'_>,
    theta: &[f64],
    penalty: PenaltyChoice,
) -> LinearFit {
    let p = plain.columns.len();
    let fitted = objective.outputs();
    let k = objective.network_outputs();
    let to_network = |values: &[f64]| -> Vec<f32> {
        if k == fitted {
            values.iter().map(|&v| v as f32).collect()
        } else {
            values
                .iter()
                .flat_map(|&d| [(-0.5 * d) as f32, (0.5 * d) as f32])
                .collect()
        }
    };
    let (fitted_weights, fitted_bias) = theta.split_at(p * fitted);
    let per_input = to_network(fitted_weights);
    let mut weights = vec![0f32; plain.width * k];
    for (j, &column) in plain.columns.iter().enumerate() {
        weights[column * k..(column + 1) * k].copy_from_slice(&per_input[j * k..(j + 1) * k]);
    }
    LinearFit {
        weights,
        bias: to_network(fitted_bias),
        penalty,
    }
}

/// Minimises the penalised mean loss from `theta`: by Newton's method where
/// it suits ([`newton`]), else (or where it stops short) by L-BFGS.
fn minimise(
    objective: &Objective<'_>,
    x: &Design,
    penalty: f64,
    theta: &mut [f64],
    cores: Cores,
    progress: &Progress,
) -> Result<()> {
    let penalty = penalty * objective.penalty_share();
    if newton::suits(objective, x)
        && newton::minimise(objective, x, penalty, theta, cores, progress)?
    {
        return Ok(());
    }
    lbfgs(objective, x, penalty, theta, cores, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest difference between two lists of the same length.
    fn largest_difference(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    }

    /// Least squares without a penalty has a closed form: the fit must find it.
    #[test]
    fn least_squares_reaches_the_exact_solution() {
        // y = 2·a − 3·b + 0.5, exactly.
        let rows: Vec<[f32; 2]> = (0..50)
            .map(|i| [(i % 7) as f32 / 3.0 - 1.0, (i % 5) as f32 / 2.0 - 1.0])
            .collect();
        let x: Vec<f32> = rows.iter().flatten().copied().collect();
        let y: Vec<f32> = rows.iter().map(|r| 2.0 * r[0] - 3.0 * r[1] + 0.5).collect();
        let plain = PlainInputs {
            columns: vec![0, 1],
            width: 2,
        };
        let fit = refit_linear(
            &plain,
            &x,
            Labels::Amounts(&y),
            PenaltyChoice {
                chosen: 0.0,
                tried: Vec::new(),
            },
            Cores::All,
            &Progress::silent(),
        )
        .expect("fits");
        assert!((fit.weights[0] - 2.0).abs() < 1e-3, "{:?}", fit.weights);
        assert!((fit.weights[1] + 3.0).abs() < 1e-3, "{:?}", fit.weights);
        assert!((fit.bias[0] - 0.5).abs() < 1e-3, "{:?}", fit.bias);
    }

    /// Yes/no is fitted as one log-odds; softmax regression over the two
    /// classes, at the same penalty strength, must give every row the same
    /// chances, and the two outputs end opposite, as softmax's do.
    #[test]
    fn a_yes_no_fit_is_softmax_regression_over_two_classes() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let width = 5;
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..3000 {
            let row: Vec<f32> = (0..width)
                .map(|_| rng.random::<f32>() * 2.0 - 1.0)
                .collect();
            let odds = 1.5 * row[0] - row[1] + 0.5 * row[2] - 0.3;
            y.push(u32::from(rng.random::<f32>() < 1.0 / (1.0 + (-odds).exp())));
            x.extend(row);
        }
        let plain = PlainInputs {
            columns: (0..width).collect(),
            width,
        };
        let design = plain.select(&x);
        let chances = |fit: &LinearFit| -> Vec<f64> {
            x.chunks(width)
                .map(|row| {
                    let z = |o: usize| {
                        f64::from(fit.bias[o])
                            + row
                                .iter()
                                .enumerate()
                                .map(|(i, &v)| f64::from(v * fit.weights[i * 2 + o]))
                                .sum::<f64>()
                    };
                    1.0 / (1.0 + (z(0) - z(1)).exp())
                })
                .collect()
        };
        let fitted = |objective: Objective<'_>, penalty: f64| {
            let mut theta = start(&objective, width);
            minimise(
                &objective,
                &design,
                penalty,
                &mut theta,
                Cores::All,
                &Progress::silent(),
            )
            .expect("fits");
            let choice = PenaltyChoice {
                chosen: penalty,
                tried: Vec::new(),
            };
            expand(&plain, &objective, &theta, choice)
        };
        assert!(matches!(
            Objective::from_labels(Labels::Classes(&y, 2)),
            Ok(Objective::YesNo(_))
        ));
        for penalty in [1e-1, 1e-3, 1e-6] {
            let one = fitted(Objective::YesNo(&y), penalty);
            let two = fitted(Objective::Classes(&y, 2), penalty);
            let largest = largest_difference(&chances(&one), &chances(&two));
            assert!(
                largest < 1e-4,
                "penalty {penalty}: chances differ by {largest}"
            );
            assert!(
                one.weights.chunks(2).all(|w| w[0] == -w[1]),
                "{:?}",
                one.weights
            );
            // The penalty counts: a strong one pulls the weights in.
            let size = |fit: &LinearFit| fit.weights.iter().map(|w| w.abs()).sum::<f32>();
            assert!((size(&one) - size(&two)).abs() < 1e-2 * size(&two).max(1e-3));
        }
    }

    /// Newton's method and L-BFGS land on the same fit, for yes/no and for
    /// amounts, even with one-hot labels that add up to the bias (a flat
    /// direction only the penalty holds) and almost no penalty.
    #[test]
    fn newton_steps_and_lbfgs_reach_the_same_fit() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let width = 7;
        let (mut x, mut classes, mut amounts) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5000 {
            let numbers: Vec<f32> = (0..3).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
            let label = rng.random_range(0..4usize);
            let signal = numbers[0] - 0.5 * numbers[1] + [0.4, -0.2, 0.0, 0.7][label];
            let noise = rng.random::<f32>() - 0.5;
            classes.push(u32::from(signal + noise > 0.1));
            amounts.push(2.0 * signal + noise);
            x.extend(numbers);
            x.extend((0..4).map(|l| f32::from(u8::from(l == label))));
        }
        let plain = PlainInputs {
            columns: (0..width).collect(),
            width,
        };
        let design = plain.select(&x);
        for objective in [Objective::YesNo(&classes), Objective::Amounts(&amounts)] {
            assert!(newton::suits(&objective, &design));
            for penalty in [1e-1, 1e-4, 1e-7] {
                let silent = Progress::silent();
                let mut by_newton = start(&objective, width);
                let converged = newton::minimise(
                    &objective,
                    &design,
                    penalty,
                    &mut by_newton,
                    Cores::All,
                    &silent,
                )
                .expect("fits");
                assert!(converged, "Newton's method stopped short at {penalty}");
                let mut by_lbfgs = start(&objective, width);
                lbfgs(
                    &objective,
                    &design,
                    penalty,
                    &mut by_lbfgs,
                    Cores::All,
                    &silent,
                )
                .expect("fits");
                let value = |theta: &[f64]| {
                    objective.loss(&design, theta, None, Cores::All)
                        + 0.5 * penalty * theta[..width].iter().map(|w| w * w).sum::<f64>()
                };
                assert!(
                    value(&by_newton) <= value(&by_lbfgs) + 1e-9,
                    "penalty {penalty}: {} against {}",
                    value(&by_newton),
                    value(&by_lbfgs)
                );
                let outputs = |theta: &[f64]| -> Vec<f64> {
                    (0..design.rows())
                        .map(|r| {
                            design
                                .row(r)
                                .fold(theta[width], |z, (j, v)| z + v * theta[j])
                        })
                        .collect()
                };
                let largest = largest_difference(&outputs(&by_newton), &outputs(&by_lbfgs));
                assert!(
                    largest < 1e-3,
                    "penalty {penalty}: outputs differ by {largest}"
                );
            }
        }
        // Many classes keep L-BFGS.
        assert!(!newton::suits(&Objective::Classes(&classes, 3), &design));
    }

    /// Columns outside the plain set get no weight, and a noisy problem
    /// with few rows picks a stronger penalty than a clean one with many.
    #[test]
    fn penalty_is_chosen_on_validation_rows_and_pieces_get_no_weight() {
        use rand::{RngExt, SeedableRng};
        let make = |rows: usize, noise: f32, seed: u64| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut x = Vec::new();
            let mut y = Vec::new();
            for _ in 0..rows {
                let row: Vec<f32> = (0..20).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
                let signal = row[0] - row[1];
                y.push(u32::from(
                    signal + noise * (rng.random::<f32>() - 0.5) > 0.0,
                ));
                x.extend(row);
            }
            (x, y)
        };
        let plain = PlainInputs {
            columns: (0..19).collect(),
            width: 20,
        };
        let fitted = |rows: usize, noise: f32, cores: Cores| {
            let (xt, yt) = make(rows, noise, 1);
            let (xv, yv) = make(2000, noise, 2);
            fit_linear(
                &plain,
                &xt,
                Labels::Classes(&yt, 2),
                &xv,
                Labels::Classes(&yv, 2),
                cores,
                &Progress::silent(),
            )
            .expect("fits")
        };
        let chosen = |rows: usize, noise: f32| fitted(rows, noise, Cores::All);
        // Over several chunks of rows, one core gives the very same fit as all.
        assert_eq!(
            fitted(3 * CHUNK_ROWS + 5, 0.2, Cores::One),
            fitted(3 * CHUNK_ROWS + 5, 0.2, Cores::All)
        );
        let noisy = chosen(60, 6.0);
        let clean = chosen(4000, 0.2);
        assert_eq!(noisy.weights[19 * 2], 0.0, "the last column is not plain");
        assert!(
            noisy.penalty.chosen > clean.penalty.chosen,
            "few noisy rows want more penalty: {:?} vs {:?}",
            noisy.penalty,
            clean.penalty
        );
        // The clean fit separates the classes along a − b.
        let lean = |w: &[f32], j: usize| w[j * 2 + 1] - w[j * 2];
        assert!(lean(&clean.weights, 0) > 1.0 && lean(&clean.weights, 1) < -1.0);
    }
}
