//! The reward model: from what was known (the encoded context) to the
//! reward each action would earn. With a few actions, one network output
//! per action, each learning only from the rows where its action was taken;
//! with many, the action is one more input (one-hot into the first layer,
//! which thereby learns an embedding of each action) and there is one output.
//! The deep model is a small ensemble (its members differ only in their
//! seed, and their outputs are averaged): a policy acts on the differences
//! between actions' predictions, which one network's noise would flip. A
//! simple (linear) model is trained too and kept only when it is clearly
//! better on the validation decisions.

use std::borrow::Cow;

use burn::tensor::{Device, Tensor, TensorData};
use serde::{Deserialize, Serialize};

use super::log::RewardKind;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::model::{Network, NetworkShape};
use crate::ml::train::{
    EpochLoss, Examples, Labels, TrainOptions, checks_per_pass, evaluate, fit, predict,
};

/// Above this many actions, actions become inputs rather than outputs.
pub const MANY_ACTIONS: usize = 30;
/// Augmented rows (row × action) per forward pass when actions are inputs.
const ROWS_PER_PASS: usize = 65_536;
/// Members of the deep ensemble.
pub const ENSEMBLE: usize = 3;
/// Width of each of the deep members' two hidden layers.
const HIDDEN: usize = 128;

/// How a reward model's raw output becomes a reward: a logit for yes/no
/// rewards, a standardised amount otherwise.
pub use crate::templates::OutputLink as RewardLink;

/// The link for `rewards` of `kind`: amounts are standardised on their own
/// mean and spread so every network learns numbers of the same size.
pub fn link_for(kind: RewardKind, rewards: &[f64]) -> RewardLink {
    match kind {
        RewardKind::YesNo => RewardLink::Logistic,
        RewardKind::Amount => {
            let n = rewards.len().max(1) as f64;
            let mean = rewards.iter().sum::<f64>() / n;
            let sd = (rewards.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n)
                .sqrt()
                .max(1e-9);
            RewardLink::Scaled { mean, sd }
        }
    }
}

/// A reward as the number the network learns (0/1, or standardised).
fn learned_number(link: RewardLink, reward: f64) -> f32 {
    match link {
        RewardLink::Logistic => reward as f32,
        RewardLink::Scaled { mean, sd } => ((reward - mean) / sd) as f32,
    }
}

/// One trained reward network, as recorded in the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardPart {
    /// Its layers.
    pub shape: NetworkShape,
    /// How it was trained.
    pub options: TrainOptions,
    /// Loss per pass.
    pub history: Vec<EpochLoss>,
    /// The pass whose weights were kept.
    pub best_epoch: usize,
    /// Its loss on the validation rows.
    pub valid_loss: f64,
}

/// Which of the two reward networks predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RewardChoice {
    /// The deep network.
    Deep,
    /// The simple (linear) one.
    Simple,
}

/// A reward model ready to predict.
#[derive(Debug, Clone)]
pub struct RewardModel {
    /// Its networks, whose raw outputs are averaged (one for the simple model).
    pub networks: Vec<Network>,
    /// Whether the action is an input (many actions) rather than an output.
    pub actions_as_inputs: bool,
    /// Number of actions.
    pub k: usize,
    /// How outputs become rewards.
    pub link: RewardLink,
}

impl RewardModel {
    /// The raw output for every action of each encoded row of `x`
    /// (`rows × width`): `rows × k`, row-major, averaged over the networks.
    pub fn raw(&self, x: &[f32], width: usize, device: &Device) -> Result<Vec<f32>> {
        let rows = x.len() / width.max(1);
        let mut out = vec![0f32; rows * self.k];
        for network in &self.networks {
            let one = if self.actions_as_inputs {
                raw_of_every_action(network, x, width, self.k, device)?
            } else {
                predict(network, x, width, device)?
            };
            for (o, v) in out.iter_mut().zip(one) {
                *o += v / self.networks.len() as f32;
            }
        }
        Ok(out)
    }

    /// The expected reward of every action for each encoded row (`rows × k`).
    pub fn expected(&self, x: &[f32], width: usize, device: &Device) -> Result<Vec<f64>> {
        Ok(self
            .raw(x, width, device)?
            .into_iter()
            .map(|o| self.link.value(o))
            .collect())
    }

    /// Raw outputs, `rows × k`, of a tensor of encoded rows: the forward
    /// pass explanations run, batched on the device.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [rows, width] = x.dims();
        let k = self.k;
        let device = x.device();
        let input = if self.actions_as_inputs {
            // Each row once per action, with that action's one-hot beside it.
            let repeated = x.unsqueeze_dim::<3>(1).expand([rows, k, width]);
            let eye = Tensor::<2>::eye(k, &device)
                .unsqueeze_dim::<3>(0)
                .expand([rows, k, k]);
            Tensor::cat(vec![repeated, eye], 2).reshape([rows * k, width + k])
        } else {
            x
        };
        let members = self.networks.len() as f32;
        self.networks
            .iter()
            .map(|n| n.forward(input.clone()).reshape([rows, k]))
            .reduce(|a, b| a + b)
            .map_or_else(|| Tensor::zeros([rows, k], &device), |sum| sum / members)
    }
}

/// One network's raw output for every action of each row, actions being inputs.
fn raw_of_every_action(
    network: &Network,
    x: &[f32],
    width: usize,
    k: usize,
    device: &Device,
) -> Result<Vec<f32>> {
    let rows = x.len() / width.max(1);
    let per_pass = (ROWS_PER_PASS / k).max(1);
    let mut out = Vec::with_capacity(rows * k);
    for start in (0..rows).step_by(per_pass) {
        let end = (start + per_pass).min(rows);
        let augmented = with_every_action(&x[start * width..end * width], width, k);
        let n = (end - start) * k;
        let input = Tensor::<2>::from_data(TensorData::new(augmented, [n, width + k]), device);
        out.extend(
            network
                .forward(input)
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| ClearboxError::Internal {
                    activity: "predicting rewards".into(),
                    detail: format!("{e:?}"),
                })?,
        );
    }
    Ok(out)
}

/// Each row of `x` once per action, with that action's one-hot appended.
fn with_every_action(x: &[f32], width: usize, k: usize) -> Vec<f32> {
    let rows = x.len() / width.max(1);
    let mut out = Vec::with_capacity(rows * k * (width + k));
    for row in x.chunks(width.max(1)) {
        for a in 0..k {
            out.extend_from_slice(row);
            out.extend((0..k).map(|j| f32::from(u8::from(j == a))));
        }
    }
    out
}

/// Each row of `x` with the one-hot of the action taken on it appended.
fn with_taken_action(x: &[f32], width: usize, taken: &[u32], k: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(taken.len() * (width + k));
    for (row, &a) in x.chunks(width.max(1)).zip(taken) {
        out.extend_from_slice(row);
        out.extend((0..k).map(|j| f32::from(u8::from(j == a as usize))));
    }
    out
}

/// Decisions encoded for learning rewards: rows, actions taken and rewards.
pub struct RewardRows<'a> {
    /// Encoded contexts, `rows × width`.
    pub x: &'a [f32],
    /// Numbers per context.
    pub width: usize,
    /// The action taken on each row.
    pub taken: &'a [u32],
    /// Its reward.
    pub rewards: &'a [f64],
}

/// What fitting reward models produced.
pub struct FittedRewards {
    /// The model chosen on the validation decisions.
    pub model: RewardModel,
    /// Which it is.
    pub choice: RewardChoice,
    /// The deep members' records.
    pub deep: Vec<RewardPart>,
    /// The simple network's record.
    pub simple: RewardPart,
}

/// Trains the deep ensemble and the simple reward model on `train`,
/// stopping early on `valid`. The simple model is kept only when its
/// validation loss is lower by more than twice the standard error of the
/// two models' difference, row by row: a clear win, not noise.
#[allow(clippy::too_many_arguments)]
pub fn fit_rewards(
    train: &RewardRows<'_>,
    valid: &RewardRows<'_>,
    k: usize,
    link: RewardLink,
    seed: u64,
    device: &Device,
    progress: &Progress,
    on_epoch: &dyn Fn(RewardChoice, EpochLoss),
) -> Result<FittedRewards> {
    let actions_as_inputs = k > MANY_ACTIONS;
    let share = 1.0 / (ENSEMBLE + 1) as f32;
    let (simple_network, simple) = fit_one(
        train,
        valid,
        k,
        link,
        RewardChoice::Simple,
        seed,
        device,
        &progress.scaled(0.0, share),
        &|loss| on_epoch(RewardChoice::Simple, loss),
    )?;
    let member = |m: usize, progress: &Progress, on_epoch: &dyn Fn(EpochLoss)| {
        fit_one(
            train,
            valid,
            k,
            link,
            RewardChoice::Deep,
            seed.wrapping_add(m as u64 * 7919),
            device,
            progress,
            on_epoch,
        )
    };
    // The first member's passes stand for the ensemble's on the chart.
    let members = crate::compute::side_by_side(
        device,
        ENSEMBLE,
        &progress.scaled(share, 1.0 - share),
        |progress| member(0, progress, &|loss| on_epoch(RewardChoice::Deep, loss)),
        |m, progress| member(m, progress, &|_| {}),
    )?;
    let (networks, deep): (Vec<Network>, Vec<RewardPart>) = members.into_iter().unzip();
    let model = |networks: Vec<Network>| RewardModel {
        networks,
        actions_as_inputs,
        k,
        link,
    };
    let ensemble = model(networks);
    let simple_model = model(vec![simple_network]);
    let losses = |m: &RewardModel| -> Result<Vec<f64>> {
        let raw = m.raw(valid.x, valid.width, device)?;
        Ok(valid
            .taken
            .iter()
            .zip(valid.rewards)
            .enumerate()
            .map(|(i, (&a, &r))| row_loss(link, raw[i * k + a as usize], r))
            .collect())
    };
    let differences: Vec<f64> = losses(&ensemble)?
        .into_iter()
        .zip(losses(&simple_model)?)
        .map(|(d, s)| d - s)
        .collect();
    let n = differences.len().max(1) as f64;
    let mean = differences.iter().sum::<f64>() / n;
    let se = (differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n).sqrt() / n.sqrt();
    let (choice, model) = if mean > 2.0 * se {
        (RewardChoice::Simple, simple_model)
    } else {
        (RewardChoice::Deep, ensemble)
    };
    Ok(FittedRewards {
        model,
        choice,
        deep,
        simple,
    })
}

/// One decision's loss: logistic for yes/no, squared error (standardised) for amounts.
fn row_loss(link: RewardLink, raw: f32, reward: f64) -> f64 {
    let z = f64::from(raw);
    match link {
        RewardLink::Logistic => {
            // -log σ(z) for a success, -log σ(-z) otherwise, written stably.
            let softplus = |t: f64| t.max(0.0) + (-t.abs()).exp().ln_1p();
            if reward > 0.5 {
                softplus(-z)
            } else {
                softplus(z)
            }
        }
        RewardLink::Scaled { mean, sd } => (z - (reward - mean) / sd).powi(2),
    }
}

/// Steps of training without a better validation loss before a model stops.
/// At 1 000, on a 200 000-decision log (108 steps a pass), every network's
/// best pass came at least 5 passes before it stopped, and those passes were
/// thrown away; at 400 the same passes were kept (the same weights and
/// estimate) in 33 s instead of 50 s, and on the simulated shop (5 worlds,
/// with 16 pieces) the learned policy kept 92.7% of the best possible value.
const PATIENT_STEPS: usize = 400;

/// Most steps between two checks of a network's validation loss: a pass
/// over a long log is checked part-way ([`TrainOptions::check_every`]), so
/// that the 3 checks a network waits at least are about [`PATIENT_STEPS`]
/// steps, not 3 whole passes. On a million-decision log (538 steps a
/// pass, 5 checks) `clearbox bench reinforcement` took 58.5–63.6 s instead
/// of 86.8–88.5 s, the learned policy's estimated value 0.5844 against
/// 0.5842; checking every 200 steps (3 checks a pass) took 54.8 s for
/// 0.5816. Each check scores the validation rows, so checking far more
/// often would cost more than it saves.
pub(super) const CHECK_STEPS: usize = PATIENT_STEPS / 3;

/// Checks to wait for a better validation loss: about [`PATIENT_STEPS`]
/// steps, between 3 checks and `most`. A pass over a large log is many
/// steps, so waiting 16 of them spent most of a million-row run on passes
/// that were thrown away (the best pass came early); a long pass is
/// checked part-way, every [`CHECK_STEPS`] steps at most.
pub(super) fn patience(rows: usize, batch: usize, most: usize) -> usize {
    let steps = rows.div_ceil(batch.max(1)).max(1);
    let per_check = steps / checks_per_pass(steps, Some(CHECK_STEPS));
    PATIENT_STEPS
        .div_ceil(per_check.max(1))
        .clamp(3.min(most), most)
}

/// Trains one reward network of the kind `which`.
#[allow(clippy::too_many_arguments)]
pub fn fit_one<'a>(
    train: &RewardRows<'a>,
    valid: &RewardRows<'a>,
    k: usize,
    link: RewardLink,
    which: RewardChoice,
    seed: u64,
    device: &Device,
    progress: &Progress,
    on_epoch: &dyn Fn(EpochLoss),
) -> Result<(Network, RewardPart)> {
    let actions_as_inputs = k > MANY_ACTIONS;
    let width = train.width;
    let (inputs, outputs) = if actions_as_inputs {
        (width + k, 1)
    } else {
        (width, k)
    };
    let rows = train.taken.len();
    // Rewards are noisy (a click or not): smaller batches and light dropout
    // learned better policies than the prediction template's defaults on
    // the simulated shop, at every seed tried.
    let shape = match which {
        RewardChoice::Deep => NetworkShape {
            inputs,
            hidden: vec![HIDDEN; 2],
            outputs,
            dropout: 0.1,
        },
        RewardChoice::Simple => NetworkShape::simple(inputs, outputs),
    };
    let options = match which {
        RewardChoice::Deep => TrainOptions {
            batch: (rows / 100).clamp(32, 1024).next_power_of_two().min(1024),
            learning_rate: 1e-3,
            ..TrainOptions::deep(rows, seed)
        },
        RewardChoice::Simple => TrainOptions::simple(rows, seed),
    };
    let options = TrainOptions {
        patience: patience(rows, options.batch, options.patience),
        check_every: Some(CHECK_STEPS),
        ..options
    };
    // The rows as they are, unless the action taken joins each: networks
    // training side by side then share one copy of the log.
    let prepare = |rows: &RewardRows<'a>| -> (Cow<'a, [f32]>, Vec<f32>) {
        let x = if actions_as_inputs {
            Cow::Owned(with_taken_action(rows.x, width, rows.taken, k))
        } else {
            Cow::Borrowed(rows.x)
        };
        let y = rows
            .rewards
            .iter()
            .map(|&r| learned_number(link, r))
            .collect();
        (x, y)
    };
    let (x_train, y_train) = prepare(train);
    let (x_valid, y_valid) = prepare(valid);
    let yes_no = matches!(link, RewardLink::Logistic);
    let train_set = Examples {
        x: &x_train,
        width: inputs,
        labels: Labels::Rewards {
            taken: (!actions_as_inputs).then_some((train.taken, k)),
            rewards: &y_train,
            yes_no,
        },
    };
    let valid_set = Examples {
        x: &x_valid,
        width: inputs,
        labels: Labels::Rewards {
            taken: (!actions_as_inputs).then_some((valid.taken, k)),
            rewards: &y_valid,
            yes_no,
        },
    };
    let trained = fit(
        &shape, &train_set, &valid_set, &options, device, progress, on_epoch,
    )?;
    let valid_loss = evaluate(&trained.network, &valid_set, device);
    Ok((
        trained.network,
        RewardPart {
            shape,
            options,
            history: trained.history,
            best_epoch: trained.best_epoch,
            valid_loss,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::patience;

    #[test]
    fn patience_is_about_four_hundred_steps_within_bounds() {
        // 11k rows in batches of 128: 86 steps a pass, so 5 passes.
        assert_eq!(patience(11_000, 128, 16), 5);
        // A pass over half a million rows is 538 steps, checked every 107:
        // 4 checks.
        assert_eq!(patience(550_000, 1024, 16), 4);
        // A tiny log never waits longer than the template's own limit.
        assert_eq!(patience(100, 32, 8), 8);
    }
}
