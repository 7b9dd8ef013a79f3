//! The training loop: mini-batches, AdamW, a step size that follows a
//! [`Schedule`] (halving when progress stalls, or holding then gliding to
//! zero), early stopping on the validation loss (keeping the best weights),
//! progress reports and cancellation between batches.

use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::tensor::activation::{log_sigmoid, log_softmax};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::model::{Network, NetworkShape};
use super::schedule::{Next, Pace, Schedule};
use crate::compute::on_workers;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// What each row should come out as.
#[derive(Debug, Clone, Copy)]
pub enum Labels<'a> {
    /// A class index per row, and the number of classes.
    Classes(&'a [u32], usize),
    /// A standardised amount per row.
    Amounts(&'a [f32]),
    /// The reward of the action taken on each row: only that action's output
    /// learns from the row (one output per action), or the only output when
    /// the action is among the inputs (`taken` is `None`).
    Rewards {
        /// The action taken on each row, and the number of outputs.
        taken: Option<(&'a [u32], usize)>,
        /// The reward: 0 or 1 for yes/no, a standardised amount otherwise.
        rewards: &'a [f32],
        /// Yes/no rewards learn a probability (logistic loss), amounts a
        /// value (squared error).
        yes_no: bool,
    },
}

/// Rows ready for the network: a row-major matrix and its labels.
#[derive(Debug, Clone, Copy)]
pub struct Examples<'a> {
    /// `rows × width` numbers.
    pub x: &'a [f32],
    /// Numbers per row.
    pub width: usize,
    /// One label per row.
    pub labels: Labels<'a>,
}

impl Examples<'_> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.x.len() / self.width.max(1)
    }
}

/// Settings of one training run; saved with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Most passes over the training rows.
    pub max_epochs: usize,
    /// Rows per step.
    pub batch: usize,
    /// Starting step size.
    pub learning_rate: f64,
    /// AdamW's pull of weights towards zero.
    pub weight_decay: f32,
    /// Passes without a better validation loss before stopping.
    pub patience: usize,
    /// Seed for initial weights, dropout and row order.
    pub seed: u64,
    /// How the step size moves. Models saved before there was a choice
    /// were trained with [`Schedule::Halving`].
    #[serde(default)]
    pub schedule: Schedule,
    /// Most steps between two checks of the validation loss: a pass with
    /// more is checked part-way, in equal parts, and the history, the
    /// patience and the kept weights then count checks, not passes. `None`
    /// (and models saved before): once a pass.
    #[serde(default)]
    pub check_every: Option<usize>,
}

impl TrainOptions {
    /// Defaults for the deep model on a table of `rows` training rows.
    pub fn deep(rows: usize, seed: u64) -> Self {
        Self {
            max_epochs: 200,
            batch: batch_for(rows),
            learning_rate: 5e-4,
            weight_decay: 1e-3,
            // The learning rate halves after every 4 passes without a better
            // validation loss, so 10 gives it two halvings to find one. On
            // eight real tables 16 kept exactly the same passes and took
            // 10–25% longer.
            patience: 10,
            seed,
            schedule: Schedule::Halving,
            check_every: None,
        }
    }

    /// Defaults for the prediction template's deep model on `rows` training
    /// rows. From [`GLIDE_FROM_ROWS`] rows on, batches of up to 1 024 rows
    /// and a larger step that glides to zero once the validation loss stops
    /// improving ([`Schedule::Glide`]); smaller tables keep [`Self::deep`].
    ///
    /// Measured on the shared tables, seeds 42 and 1–3 (test AUC or RMSE
    /// of the deep model, before → after): adult.csv 0.9244–0.9278 →
    /// 0.9254–0.9288 on every seed, from 23–28 passes to 15–23 of cheaper
    /// ones (1 024 rows a step run at 106k rows/s on 2 cores, 512 at 77k);
    /// telco churn 0.8396–0.8553 → 0.8379–0.8559, California housing
    /// 0.4672–0.4857 → 0.4652–0.4916 in about half the time. On the small,
    /// cross-validated tables (german credit, titanic) the glide lost
    /// 0.003–0.005 AUC on average, and they train in under 3 s either way,
    /// so the line sits where cross-validation stops: their rotations learn
    /// from fewer rows than this.
    pub fn prediction(rows: usize, seed: u64) -> Self {
        if rows < GLIDE_FROM_ROWS {
            return Self::deep(rows, seed);
        }
        let batch = (rows / 32).clamp(32, 1024).next_power_of_two().min(1024);
        Self {
            batch,
            // 2e-3 at 1 024 rows a step; smaller steps are noisier, so the
            // step size shrinks with the square root of the batch.
            learning_rate: 2e-3 * (batch as f64 / 1024.0).sqrt(),
            schedule: Schedule::Glide { plateau: 3 },
            ..Self::deep(rows, seed)
        }
    }

    /// Defaults for the simple model.
    pub fn simple(rows: usize, seed: u64) -> Self {
        Self {
            max_epochs: 200,
            batch: batch_for(rows),
            learning_rate: 1e-2,
            weight_decay: 1e-4,
            patience: 8,
            seed,
            schedule: Schedule::Halving,
            check_every: None,
        }
    }
}

/// Training rows from which the prediction template's deep model glides
/// ([`TrainOptions::prediction`]): 4 000, the most a rotation of a
/// cross-validated table (under 5 000 rows, four fifths each) learns from.
pub const GLIDE_FROM_ROWS: usize = 4_000;

/// Checks of the validation loss in a pass of `steps` steps: one, or where
/// a check comes `check_every` steps apart at most, the pass cut into that
/// many equal parts ([`TrainOptions::check_every`]).
pub fn checks_per_pass(steps: usize, check_every: Option<usize>) -> usize {
    check_every.map_or(1, |most| steps.div_ceil(most.max(1)))
}

/// Small tables get small batches so that there are enough steps per pass.
fn batch_for(rows: usize) -> usize {
    (rows / 32).clamp(32, 512).next_power_of_two().min(512)
}

/// The loss after each pass (or check of a long pass:
/// [`TrainOptions::check_every`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpochLoss {
    /// Average loss on the training rows.
    pub train: f64,
    /// Loss on the validation rows.
    pub valid: f64,
    /// Passes over the training rows done by then: a whole number unless
    /// passes are checked part-way (0 in models saved before it was kept).
    #[serde(default)]
    pub passes: f64,
}

/// A trained network with its history.
#[derive(Debug)]
pub struct Trained {
    /// The weights from the pass with the lowest validation loss, ready for inference.
    pub network: Network,
    /// Loss per pass (or per check of a long pass).
    pub history: Vec<EpochLoss>,
    /// The pass (or check) whose weights were kept (0-based).
    pub best_epoch: usize,
}

/// Trains a network of `shape` on `train`, stopping early on `valid`.
pub fn fit(
    shape: &NetworkShape,
    train: &Examples<'_>,
    valid: &Examples<'_>,
    options: &TrainOptions,
    device: &Device,
    progress: &Progress,
    on_epoch: &dyn Fn(EpochLoss),
) -> Result<Trained> {
    // A warm-up in flight draws from the device's random numbers, which are
    // one per process: wait for it, so that this run's starting weights
    // follow from its seed alone.
    super::warm::wait_for_warm_up(progress);
    run(
        shape,
        train,
        Some(valid),
        options,
        device,
        progress,
        on_epoch,
    )
}

/// Trains for exactly `options.max_epochs` passes over `train`, keeping the
/// last weights: the final fit on every row once cross-validation has chosen
/// the number of passes. There are no validation rows, so each pass's
/// validation loss is NaN.
pub fn fit_passes(
    shape: &NetworkShape,
    train: &Examples<'_>,
    options: &TrainOptions,
    device: &Device,
    progress: &Progress,
    on_epoch: &dyn Fn(EpochLoss),
) -> Result<Trained> {
    super::warm::wait_for_warm_up(progress);
    run(shape, train, None, options, device, progress, on_epoch)
}

/// The training loop behind [`fit`] and [`fit_passes`], which first wait
/// for a warm-up in flight; the warm-up calls it directly.
pub(super) fn run(
    shape: &NetworkShape,
    train: &Examples<'_>,
    valid: Option<&Examples<'_>>,
    options: &TrainOptions,
    device: &Device,
    progress: &Progress,
    on_epoch: &dyn Fn(EpochLoss),
) -> Result<Trained> {
    if train.rows() == 0 || valid.is_some_and(|v| v.rows() == 0) {
        return Err(ClearboxError::BadRequest(
            "There are too few rows with a known outcome to train on. Use a larger table.".into(),
        ));
    }
    let autodiff = device.clone().autodiff();
    let mut network = shape.init_seeded(&autodiff, options.seed);
    let mut optimizer = AdamWConfig::new()
        .with_weight_decay(options.weight_decay)
        .init();
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut order: Vec<usize> = (0..train.rows()).collect();
    let batch = options.batch.min(train.rows()).max(1);
    let mut pace = Pace::new(options.schedule, options.learning_rate, options.patience);
    let mut history = Vec::new();
    let (mut best, mut best_epoch, mut best_loss) = (network.valid(), 0, f64::INFINITY);
    // Progress is measured against the check where training would stop if
    // the validation loss stopped improving now, so the bar moves steadily
    // instead of crawling towards `max_epochs` and jumping at an early stop.
    let mut shown = 0f32;
    let steps = (train.rows() / batch).max(1);
    let checks = checks_per_pass(steps, options.check_every);
    let most_checks = options.max_epochs * checks;

    // `epoch` counts checks: passes, unless passes are checked part-way.
    for epoch in 0..most_checks {
        let part = epoch % checks;
        if part == 0 {
            order.shuffle(&mut rng);
        }
        let span = part * steps / checks..(part + 1) * steps / checks;
        let span_steps = span.len().max(1);
        let expected_end = match valid {
            Some(_) => pace
                .expected_end(epoch, best_epoch)
                .clamp(epoch + 1, most_checks),
            None => most_checks,
        };
        // The steps and their evaluation run on a pool worker, so the matrix
        // products inside split without waking this thread (compute::on_workers).
        let (trained, snapshot, train_loss, valid_loss) = on_workers(device, || -> Result<_> {
            let mut network = network;
            let mut total: Option<Tensor<1>> = None;
            for (i, step) in span.clone().enumerate() {
                progress.check_cancelled()?;
                let rows = &order[step * batch..((step + 1) * batch).min(order.len())];
                let (x, target) = batch_tensors(train, rows, &autodiff);
                let loss = loss(network.forward(x), &target);
                total = Some(match total {
                    Some(t) => t + loss.clone().detach(),
                    None => loss.clone().detach(),
                });
                let grads = GradientsParams::from_grads(loss.backward(), &network);
                network = optimizer.step(pace.rate(epoch, i, span_steps), network, grads);
                let done =
                    (epoch as f32 + (i + 1) as f32 / span_steps as f32) / expected_end as f32;
                shown = shown.max(done.min(0.99));
                progress.report(shown, "Training");
            }
            let train_loss = total.map_or(f64::NAN, |t| {
                f64::from(t.into_scalar::<f32>()) / span_steps as f64
            });
            let snapshot = network.valid();
            let valid_loss = valid.map(|valid| evaluate(&snapshot, valid, device));
            Ok((network, snapshot, train_loss, valid_loss))
        })?;
        network = trained;
        let passes = (epoch + 1) as f64 / checks as f64;
        let Some(valid_loss) = valid_loss else {
            let record = EpochLoss {
                train: train_loss,
                valid: f64::NAN,
                passes,
            };
            on_epoch(record);
            history.push(record);
            (best, best_epoch) = (snapshot, epoch);
            continue;
        };
        let record = EpochLoss {
            train: train_loss,
            valid: valid_loss,
            passes,
        };
        on_epoch(record);
        history.push(record);
        let improved = valid_loss < best_loss - 1e-5;
        if improved {
            (best, best_epoch, best_loss) = (snapshot, epoch, valid_loss);
        }
        if pace.after_pass(epoch, improved) == Next::Stop {
            break;
        }
    }
    Ok(Trained {
        network: best,
        history,
        best_epoch,
    })
}

/// The loss of `network` on all of `examples`, in batches, without gradients.
pub fn evaluate(network: &Network, examples: &Examples<'_>, device: &Device) -> f64 {
    let rows: Vec<usize> = (0..examples.rows()).collect();
    let mut sum = 0.0;
    for chunk in rows.chunks(4096) {
        let (x, target) = batch_tensors(examples, chunk, device);
        let loss = loss(network.forward(x), &target);
        sum += f64::from(loss.into_scalar::<f32>()) * chunk.len() as f64;
    }
    sum / rows.len().max(1) as f64
}

/// Raw outputs for every row of `x` (`rows × outputs`, row-major).
pub fn predict(network: &Network, x: &[f32], width: usize, device: &Device) -> Result<Vec<f32>> {
    on_workers(device, || predict_here(network, x, width, device))
}

fn predict_here(network: &Network, x: &[f32], width: usize, device: &Device) -> Result<Vec<f32>> {
    let rows = x.len() / width.max(1);
    let mut out = Vec::new();
    for start in (0..rows).step_by(4096) {
        let end = (start + 4096).min(rows);
        let input = Tensor::<2>::from_data(
            TensorData::new(x[start * width..end * width].to_vec(), [end - start, width]),
            device,
        );
        let data = network.forward(input).into_data();
        out.extend(
            data.try_to_vec::<f32>()
                .map_err(|e| ClearboxError::Internal {
                    activity: "reading predictions".into(),
                    detail: format!("{e:?}"),
                })?,
        );
    }
    Ok(out)
}

/// The target of a batch in tensor form. One lives per training step and
/// is never stored, so its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Target {
    OneHot(Tensor<2>),
    Amounts(Tensor<2>),
    /// The taken action's one-hot (or `None` for a single output), the
    /// reward, and whether it is yes/no.
    Rewards(Option<Tensor<2>>, Tensor<2>, bool),
}

fn batch_tensors(examples: &Examples<'_>, rows: &[usize], device: &Device) -> (Tensor<2>, Target) {
    let w = examples.width;
    let mut x = Vec::with_capacity(rows.len() * w);
    for &r in rows {
        x.extend_from_slice(&examples.x[r * w..(r + 1) * w]);
    }
    let x = Tensor::<2>::from_data(TensorData::new(x, [rows.len(), w]), device);
    let target = match examples.labels {
        Labels::Classes(classes, k) => {
            let mut onehot = vec![0f32; rows.len() * k];
            for (i, &r) in rows.iter().enumerate() {
                onehot[i * k + classes[r] as usize] = 1.0;
            }
            Target::OneHot(Tensor::<2>::from_data(
                TensorData::new(onehot, [rows.len(), k]),
                device,
            ))
        }
        Labels::Amounts(values) => {
            let y: Vec<f32> = rows.iter().map(|&r| values[r]).collect();
            Target::Amounts(Tensor::<2>::from_data(
                TensorData::new(y, [rows.len(), 1]),
                device,
            ))
        }
        Labels::Rewards {
            taken,
            rewards,
            yes_no,
        } => {
            let mask = taken.map(|(actions, k)| {
                let mut onehot = vec![0f32; rows.len() * k];
                for (i, &r) in rows.iter().enumerate() {
                    onehot[i * k + actions[r] as usize] = 1.0;
                }
                Tensor::<2>::from_data(TensorData::new(onehot, [rows.len(), k]), device)
            });
            let y: Vec<f32> = rows.iter().map(|&r| rewards[r]).collect();
            let y = Tensor::<2>::from_data(TensorData::new(y, [rows.len(), 1]), device);
            Target::Rewards(mask, y, yes_no)
        }
    };
    (x, target)
}

/// Mean cross-entropy for classes, mean squared error for amounts.
fn loss(output: Tensor<2>, target: &Target) -> Tensor<1> {
    match target {
        Target::OneHot(onehot) => {
            let rows = onehot.dims()[0] as f32;
            (log_softmax(output, 1) * onehot.clone())
                .sum()
                .mul_scalar(-1.0 / rows)
        }
        Target::Amounts(y) => (output - y.clone()).powf_scalar(2.0).mean(),
        Target::Rewards(mask, y, yes_no) => {
            // The taken action's output: the others learn nothing from this row.
            let taken = match mask {
                Some(mask) => (output * mask.clone()).sum_dim(1),
                None => output,
            };
            if *yes_no {
                // Logistic loss on the logit, written stably.
                let y = y.clone();
                let positive = log_sigmoid(taken.clone()) * y.clone();
                let negative = log_sigmoid(taken.neg()) * (y.neg() + 1.0);
                (positive + negative).mean().neg()
            } else {
                (taken - y.clone()).powf_scalar(2.0).mean()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::model::NetworkShape;

    /// A small noisy yes/no problem where a wide network soon learns the
    /// noise: the validation loss turns up and training stops early.
    fn examples(rows: usize, seed: u64) -> (Vec<f32>, Vec<u32>) {
        use rand::{RngExt, SeedableRng};
        let mut rng = StdRng::seed_from_u64(seed);
        let mut x = Vec::with_capacity(rows * 4);
        let mut y = Vec::with_capacity(rows);
        for _ in 0..rows {
            let row: Vec<f32> = (0..4).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
            let noisy = rng.random::<f32>() < 0.3;
            y.push(u32::from((row[0] > 0.0) != noisy));
            x.extend(row);
        }
        (x, y)
    }

    /// Rows from [`examples`] as a set to learn from or stop on.
    fn set((x, y): &(Vec<f32>, Vec<u32>)) -> Examples<'_> {
        Examples {
            x,
            width: 4,
            labels: Labels::Classes(y, 2),
        }
    }

    /// `shape` trained on `train`, `valid` deciding when to stop.
    fn train_on(
        shape: &NetworkShape,
        [train, valid]: [&(Vec<f32>, Vec<u32>); 2],
        options: &TrainOptions,
        device: &Device,
        progress: &Progress,
    ) -> Result<Trained> {
        fit(
            shape,
            &set(train),
            &set(valid),
            options,
            device,
            progress,
            &|_| {},
        )
    }

    #[test]
    fn early_stopping_keeps_the_weights_of_the_best_pass() {
        let device = Device::flex();
        let (train, valid) = (examples(200, 1), examples(200, 2));
        let options = TrainOptions {
            max_epochs: 60,
            batch: 16,
            learning_rate: 1e-2,
            weight_decay: 0.0,
            patience: 6,
            seed: 3,
            schedule: Schedule::Halving,
            check_every: None,
        };
        let shape = NetworkShape {
            inputs: 4,
            hidden: vec![128, 128],
            outputs: 2,
            dropout: 0.0,
        };
        let trained = train_on(
            &shape,
            [&train, &valid],
            &options,
            &device,
            &Progress::silent(),
        )
        .expect("trains");
        let history = &trained.history;
        assert!(
            history.len() < options.max_epochs,
            "it stopped early, after {} passes",
            history.len()
        );
        assert_eq!(history.len(), trained.best_epoch + 1 + options.patience);
        let best = history[trained.best_epoch].valid;
        assert!(
            history.iter().all(|h| h.valid >= best - 1e-5),
            "the kept pass has the lowest validation loss"
        );
        assert!(
            history.last().is_some_and(|h| h.valid > best),
            "later passes were worse"
        );
        // The network handed back is the best pass's, not the last one's.
        let kept = evaluate(&trained.network, &set(&valid), &device);
        assert!(
            (kept - best).abs() < 1e-4,
            "the kept weights give the best pass's loss {best}, not {kept}"
        );
    }

    #[test]
    fn a_gliding_run_stops_at_the_end_of_its_glide_and_keeps_the_best_pass() {
        let device = Device::flex();
        let (train, valid) = (examples(400, 1), examples(200, 2));
        let plateau = 3;
        let options = TrainOptions {
            max_epochs: 200,
            batch: 32,
            learning_rate: 1e-2,
            weight_decay: 0.0,
            patience: 6,
            seed: 3,
            schedule: Schedule::Glide { plateau },
            check_every: None,
        };
        let shape = NetworkShape {
            inputs: 4,
            hidden: vec![64, 64],
            outputs: 2,
            dropout: 0.0,
        };
        let trained = train_on(
            &shape,
            [&train, &valid],
            &options,
            &device,
            &Progress::silent(),
        )
        .expect("trains");
        // The glide starts once `plateau` passes in a row brought no better
        // validation loss, and lasts half the passes run before it (at least 4).
        let history = &trained.history;
        let (mut best, mut stale, mut started) = (f64::INFINITY, 0, None);
        for (pass, h) in history.iter().enumerate() {
            if h.valid < best - 1e-5 {
                (best, stale) = (h.valid, 0);
            } else {
                stale += 1;
            }
            if stale >= plateau && started.is_none() {
                started = Some(pass + 1);
            }
        }
        let started = started.expect("the validation loss stopped improving");
        assert_eq!(history.len(), started + started.div_ceil(2).max(4));
        let kept = evaluate(&trained.network, &set(&valid), &device);
        assert!(
            (kept - history[trained.best_epoch].valid).abs() < 1e-4,
            "the kept weights are the best pass's"
        );
        assert_eq!(history[trained.best_epoch].valid, best);
    }

    #[test]
    fn a_long_pass_is_checked_part_way_and_a_short_one_once() {
        let device = Device::flex();
        let (rows, valid) = (examples(400, 1), examples(200, 2));
        let shape = NetworkShape {
            inputs: 4,
            hidden: vec![16],
            outputs: 2,
            dropout: 0.0,
        };
        let train = |check_every: Option<usize>| {
            let options = TrainOptions {
                max_epochs: 2,
                batch: 16,
                patience: 100,
                check_every,
                ..TrainOptions::deep(400, 5)
            };
            train_on(
                &shape,
                [&rows, &valid],
                &options,
                &device,
                &Progress::silent(),
            )
            .expect("trains")
        };
        // 25 steps a pass, at most 10 between checks: 3 checks a pass.
        let checked = train(Some(10));
        let passes: Vec<f64> = checked.history.iter().map(|h| h.passes).collect();
        let thirds: Vec<f64> = (1..=6).map(|i| f64::from(i) / 3.0).collect();
        assert_eq!(passes, thirds);
        assert!(checked.history.iter().all(|h| h.valid.is_finite()));
        // A pass no longer than `check_every` is checked once, as without it.
        let once = train(Some(25));
        let plain = train(None);
        assert_eq!(once.history, plain.history);
        assert_eq!(
            plain.history.iter().map(|h| h.passes).collect::<Vec<_>>(),
            [1.0, 2.0]
        );
        let outputs = |t: &Trained| predict(&t.network, &valid.0, 4, &device).expect("scores");
        assert_eq!(outputs(&once), outputs(&plain));
        // Checking part-way takes the same steps: the first pass ends where
        // it ends unchecked (no step size has halved yet: 3 checks so far).
        assert_eq!(checked.history[2].valid, plain.history[0].valid);
    }

    #[test]
    fn a_network_trained_beside_others_is_the_one_trained_alone() {
        // Dropout on, so every step draws a mask: were the draws shared
        // between the networks, the side-by-side ones would differ.
        let device = Device::flex();
        let (rows, valid) = (examples(600, 1), examples(200, 2));
        let shape = NetworkShape {
            inputs: 4,
            hidden: vec![32, 32],
            outputs: 2,
            dropout: 0.25,
        };
        let train = |seed: u64, progress: &Progress| -> Result<Vec<f32>> {
            let options = TrainOptions {
                max_epochs: 4,
                batch: 16,
                ..TrainOptions::deep(600, seed)
            };
            let trained = train_on(&shape, [&rows, &valid], &options, &device, progress)?;
            predict(&trained.network, &valid.0, 4, &device)
        };
        let silent = Progress::silent();
        let alone: Vec<Vec<f32>> = (0..3)
            .map(|seed| train(seed, &silent).expect("trains"))
            .collect();
        let together = crate::compute::side_by_side(
            &device,
            3,
            &silent,
            |p| train(0, p),
            |seed, p| train(seed as u64, p),
        )
        .expect("trains");
        assert_eq!(together, alone);
        assert_ne!(alone[0], alone[1], "the seeds give different networks");
    }
}
