//! Learning a policy from a log and judging it on decisions it never saw.

use burn::tensor::Device;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::ReinforcementRequest;
use super::checks::{blocks_estimates, check_estimated, check_log};
use super::evaluate::EvalRows;
use super::log::{Decisions as LoggedDecisions, RewardKind, Roles};
use super::policy::choose;
use super::propensity::{self, CLIP, PropensityModel};
use super::reward::{
    RewardChoice, RewardLink, RewardModel, RewardRows, fit_one, fit_rewards, link_for,
};
use super::saved::{ChanceSource, PolicyCard, RewardParts};
use super::verdict::{Wording, judge};
use crate::compute::ComputeDevice;
use crate::data::rows::take_rows;
use crate::data::{ColumnValues, Table};
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::preprocess::{EncoderStyle, Preprocessor};
use crate::ml::train::EpochLoss;
use crate::templates::artefact::{Provenance, TemplateKind};
use crate::templates::inputs::{Decisions, InputChoice, Purpose, choose_inputs, used_columns};
use crate::templates::segmentation::profile::{Trait, profile_segments};
use crate::words::{self, count, percent};

/// Encoded training rows kept with a policy for its explanations.
pub const BACKGROUND_ROWS: usize = 200;
/// Rows whose recommended actions are described (a sample of large tables).
const DESCRIBED_ROWS: usize = 50_000;
/// Fewest held-out decisions a policy is judged on.
const FEWEST_HELD_OUT: usize = 30;

/// News from learning, for live charts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainingEvent {
    /// One pass of a reward model over the training decisions finished.
    Epoch {
        /// Which model.
        model: RewardChoice,
        /// Its losses after the pass.
        loss: EpochLoss,
    },
}

/// How often the policy picks an action, and for whom.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionUse {
    /// The action.
    pub action: String,
    /// Rows it is recommended for.
    pub rows: usize,
    /// Their share of the rows described.
    pub share: f64,
    /// What sets those rows apart, strongest first.
    pub traits: Vec<Trait>,
}

/// The held-out decisions and what the policies did on them, kept so the
/// workshop simulator can show the true values beside the estimates.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldOut {
    /// Rows of the table.
    pub rows: Vec<usize>,
    /// The learned policy's chance of each action on each (`rows × k`).
    pub learned: Vec<f64>,
    /// The best single action.
    pub best_single: usize,
}

/// A learned policy, judged.
#[derive(Debug)]
pub struct ReinforcementOutcome {
    /// Where it came from: data, request, seed, device, version, time.
    pub provenance: Provenance,
    /// What is saved as the folder's card.
    pub card: PolicyCard,
    /// The reward model the policy follows.
    pub reward: RewardModel,
    /// The old system's chances.
    pub chances: PropensityModel,
    /// Encoded training contexts for explanations.
    pub background: Vec<f32>,
    /// Which columns were context and why others were not.
    pub inputs: Vec<InputChoice>,
    /// Which action the policy picks how often, and for whom.
    pub usage: Vec<ActionUse>,
    /// The held-out decisions.
    pub held_out: HeldOut,
}

/// Which decisions learn, which stop learning early, which judge.
struct Split {
    train: Vec<usize>,
    valid: Vec<usize>,
    held: Vec<usize>,
    sentence: String,
}

/// Learns a policy from the log in `table` and judges it on held-out decisions.
pub fn train_reinforcement(
    table: &Table,
    request: &ReinforcementRequest,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(TrainingEvent),
) -> Result<ReinforcementOutcome> {
    progress.report(0.0, "Reading the log");
    let roles = &request.roles;
    if !(0.0..=0.5).contains(&request.exploration) {
        return Err(ClearboxError::BadRequest(format!(
            "An exploration share of {} is not usable: give a share between 0 and 0.5 (0.05 \
             spreads 5 of every 100 decisions over the actions the log can judge).",
            request.exploration
        )));
    }
    let log = LoggedDecisions::read(table, roles)?;
    let k = log.k();
    let mut findings = check_log(&log);
    let report = crate::health::analyse(table, Some(&roles.reward), &progress.scaled(0.0, 0.05))?;
    let purpose = Purpose::Act {
        action: &roles.action,
        reward: &roles.reward,
        propensity: roles.propensity.as_deref(),
        time: roles.time.as_deref(),
    };
    let decisions = Decisions {
        exclude: request.exclude.clone(),
        include: request.include.clone(),
    };
    let inputs = choose_inputs(table, &report, purpose, &decisions);
    let context = used_columns(&inputs);
    if context.is_empty() {
        return Err(ClearboxError::BadRequest(
            "No column is left to describe the situation of each decision: every other column \
             was left out. Include some context columns."
                .into(),
        ));
    }
    let split = split(table, &log, roles.time.as_deref(), request.seed)?;
    let table_rows = |ids: &[usize]| -> Vec<usize> { ids.iter().map(|&i| log.rows[i]).collect() };
    let preprocessor = Preprocessor::fit_with(
        table,
        &context,
        &table_rows(&split.train),
        EncoderStyle::Rewards,
    )?;
    let width = preprocessor.width();
    let x = preprocessor.transform(table, &log.rows)?;
    progress.check_cancelled()?;

    progress.report(0.05, "Estimating the old system's chances");
    let estimated = propensity::estimate(
        &x,
        width,
        &log.taken,
        k,
        request.seed,
        &device.device,
        &progress.scaled(0.05, 0.2),
    )?;
    let chance_of_taken = |i: usize| estimated.chances[i * k + log.taken[i] as usize];
    if log.propensities.is_none() {
        let certain = (0..log.len())
            .filter(|&i| chance_of_taken(i) > 0.95)
            .count();
        findings.extend(check_estimated(certain, log.len()));
    }
    let weights: Vec<f64> = match &log.propensities {
        Some(p) => p.clone(),
        None => (0..log.len())
            .map(|i| chance_of_taken(i).max(CLIP))
            .collect(),
    };

    progress.report(0.25, "Learning what each action earns");
    let rows_of = |ids: &[usize]| -> (Vec<f32>, Vec<u32>, Vec<f64>) {
        let mut xs = Vec::with_capacity(ids.len() * width);
        for &i in ids {
            xs.extend_from_slice(&x[i * width..(i + 1) * width]);
        }
        (
            xs,
            ids.iter().map(|&i| log.taken[i]).collect(),
            ids.iter().map(|&i| log.rewards[i]).collect(),
        )
    };
    let (x_train, a_train, r_train) = rows_of(&split.train);
    let (x_valid, a_valid, r_valid) = rows_of(&split.valid);
    let link = link_for(log.kind, &r_train);
    let train_rows = RewardRows {
        x: &x_train,
        width,
        taken: &a_train,
        rewards: &r_train,
    };
    let valid_rows = RewardRows {
        x: &x_valid,
        width,
        taken: &a_valid,
        rewards: &r_valid,
    };
    let fitted = fit_rewards(
        &train_rows,
        &valid_rows,
        k,
        link,
        request.seed,
        &device.device,
        &progress.scaled(0.25, 0.45),
        &|model, loss| on_event(TrainingEvent::Epoch { model, loss }),
    )?;
    let q_train = fitted.model.expected(&x_train, width, &device.device)?;
    let p_train: Vec<f64> = split.train.iter().map(|&i| weights[i]).collect();
    let best_single = best_single_action(&q_train, &a_train, &r_train, &p_train, k);

    progress.report(0.7, "Judging the policy on decisions it never saw");
    let (x_held, a_held, r_held) = rows_of(&split.held);
    let q_policy = fitted.model.expected(&x_held, width, &device.device)?;
    let chances_held: Vec<f64> = split
        .held
        .iter()
        .flat_map(|&i| estimated.chances[i * k..(i + 1) * k].iter().copied())
        .collect();
    let choices = choose(&q_policy, &chances_held, k, request.exploration);
    let q_judge = cross_fitted(
        &x_held,
        width,
        &a_held,
        &r_held,
        k,
        link,
        fitted.choice,
        request.seed,
        &device.device,
        &progress.scaled(0.7, 0.2),
    )?;
    let p_held: Vec<f64> = split.held.iter().map(|&i| weights[i]).collect();
    let eval = EvalRows {
        k,
        taken: &a_held,
        rewards: &r_held,
        propensity: &p_held,
        predicted: &q_judge,
    };
    let blocked = blocks_estimates(&findings).then(|| {
        findings
            .iter()
            .find(|f| f.severity == crate::health::Severity::Problem)
            .map(|f| f.sentence.clone())
            .unwrap_or_default()
    });
    let wording = Wording {
        kind: log.kind,
        reward: &roles.reward,
        good: log.good.as_deref(),
        actions: &log.actions,
        estimated_chances: log.propensities.is_none(),
        blocked: blocked.as_deref(),
        scope: "held-out decisions",
    };
    let evaluation = judge(
        &eval,
        &choices.probabilities,
        &choices.recommended,
        best_single,
        &wording,
        request.seed,
    );

    progress.report(0.92, "Describing whom each action is for");
    let usage = describe_usage(
        table,
        &preprocessor,
        &context,
        &fitted.model,
        &estimated.model,
        &log.actions,
        &device.device,
    )?;
    let background = background(&x, width, &split.train, request.seed);
    let provenance = Provenance::new(
        TemplateKind::Reinforcement,
        table,
        &device.label(),
        request.seed,
        request,
    );
    let card = PolicyCard {
        roles: roles.clone(),
        actions: log.actions.clone(),
        kind: log.kind,
        good: log.good.clone(),
        inputs: context,
        preprocessor,
        link,
        actions_as_inputs: fitted.model.actions_as_inputs,
        parts: RewardParts {
            deep: fitted.deep,
            simple: fitted.simple,
            chosen: fitted.choice,
        },
        chances_shape: estimated.model.shape.clone(),
        chances: if log.propensities.is_some() {
            ChanceSource::Logged
        } else {
            ChanceSource::Estimated
        },
        exploration: request.exploration,
        best_single,
        split_sentence: with_dropped(split.sentence, log.dropped, roles),
        decisions: log.len(),
        dropped: log.dropped,
        findings,
        evaluation,
    };
    progress.report(1.0, "Done");
    Ok(ReinforcementOutcome {
        provenance,
        card,
        reward: fitted.model,
        chances: estimated.model,
        background,
        inputs,
        usage,
        held_out: HeldOut {
            rows: table_rows(&split.held),
            learned: choices.probabilities,
            best_single,
        },
    })
}

/// Oldest 55% learn, the next 15% stop learning early, the newest 30%
/// judge; at random (seeded) without a time column.
/// The split's sentence, and how many rows of the log were left out for
/// lack of an action or a reward, so a log with gaps does not shrink unseen.
fn with_dropped(sentence: String, dropped: usize, roles: &Roles) -> String {
    if dropped == 0 {
        return sentence;
    }
    format!(
        "{sentence} {} of the log {} left out: {} no '{}' or no '{}'.",
        words::rows(dropped),
        words::agreeing(dropped as f64, "was", "were"),
        words::agreeing(dropped as f64, "it records", "they record"),
        roles.action,
        roles.reward
    )
}

fn split(table: &Table, log: &LoggedDecisions, time: Option<&str>, seed: u64) -> Result<Split> {
    let n = log.len();
    let mut order: Vec<usize> = (0..n).collect();
    let by_time = match time {
        Some(name) => {
            let column = table.named(name)?;
            let when: Vec<f64> = log
                .rows
                .iter()
                .map(|&r| match column.values.as_ref() {
                    ColumnValues::Number(v) => v[r],
                    ColumnValues::Datetime(v) => v[r].map_or(f64::NAN, |s| s as f64),
                    ColumnValues::Text(_) => f64::NAN,
                })
                .collect();
            if when.iter().all(|t| t.is_nan()) {
                return Err(ClearboxError::BadRequest(format!(
                    "'{name}' in '{}' holds no dates or numbers, so decisions cannot be put in \
                     time order. Choose a date or a number column, or none.",
                    table.name
                )));
            }
            // Decisions without a time count as the oldest.
            order.sort_by(|&a, &b| {
                let key = |t: f64| if t.is_nan() { f64::NEG_INFINITY } else { t };
                key(when[a]).total_cmp(&key(when[b])).then(a.cmp(&b))
            });
            true
        }
        None => {
            order.shuffle(&mut StdRng::seed_from_u64(seed ^ 0x5_1A7));
            false
        }
    };
    let train_end = n * 55 / 100;
    let valid_end = n * 70 / 100;
    let held: Vec<usize> = order[valid_end..].to_vec();
    if held.len() < FEWEST_HELD_OUT || train_end < 30 {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' has {} usable decisions: too few to learn a policy and judge it on decisions it \
             never saw. Use a log of at least a few hundred decisions.",
            table.name,
            count(n)
        )));
    }
    let sentence = if by_time {
        format!(
            "The policy learned from the oldest {} decisions (checked on the next {}) and is judged on the newest {} ({}), which it never saw.",
            count(train_end),
            count(valid_end - train_end),
            count(held.len()),
            percent(held.len() as f64 / n as f64)
        )
    } else {
        format!(
            "The policy learned from {} decisions drawn at random (checked on {} more) and is judged on the other {} ({}), which it never saw.",
            count(train_end),
            count(valid_end - train_end),
            count(held.len()),
            percent(held.len() as f64 / n as f64)
        )
    };
    let mut train = order[..train_end].to_vec();
    let mut valid = order[train_end..valid_end].to_vec();
    let mut held = held;
    for part in [&mut train, &mut valid, &mut held] {
        part.sort_unstable();
    }
    Ok(Split {
        train,
        valid,
        held,
        sentence,
    })
}

/// The action with the best doubly robust value on the training decisions,
/// judged by the policy's own reward model: the best single action.
fn best_single_action(q: &[f64], taken: &[u32], rewards: &[f64], p: &[f64], k: usize) -> usize {
    let n = taken.len().max(1) as f64;
    let value = |a: usize| -> f64 {
        (0..taken.len())
            .map(|i| {
                let q_ia = q[i * k + a];
                let correction = if taken[i] as usize == a {
                    (rewards[i] - q_ia) / p[i]
                } else {
                    0.0
                };
                q_ia + correction
            })
            .sum::<f64>()
            / n
    };
    (0..k)
        .map(|a| (a, value(a)))
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map_or(0, |(a, _)| a)
}

/// The reward model that judges the policy: trained on one half of the
/// held-out decisions to predict the other, and the other way round, so no
/// decision is judged by a model that learned from it (nor by the policy's
/// own model).
#[allow(clippy::too_many_arguments)]
pub(super) fn cross_fitted(
    x: &[f32],
    width: usize,
    taken: &[u32],
    rewards: &[f64],
    k: usize,
    link: RewardLink,
    which: RewardChoice,
    seed: u64,
    device: &Device,
    progress: &Progress,
) -> Result<Vec<f64>> {
    let n = taken.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed ^ 0xC055));
    let halves = [order[..n / 2].to_vec(), order[n / 2..].to_vec()];
    // Learns on half `i` (a fifth kept to stop early) and predicts the other.
    let learn = |i: usize, progress: &Progress| -> Result<Vec<f64>> {
        let half = &halves[i];
        let cut = (half.len() * 4 / 5).max(1);
        let gather = |ids: &[usize]| -> (Vec<f32>, Vec<u32>, Vec<f64>) {
            let mut xs = Vec::with_capacity(ids.len() * width);
            for &j in ids {
                xs.extend_from_slice(&x[j * width..(j + 1) * width]);
            }
            (
                xs,
                ids.iter().map(|&j| taken[j]).collect(),
                ids.iter().map(|&j| rewards[j]).collect(),
            )
        };
        let (xt, at, rt) = gather(&half[..cut]);
        let (xv, av, rv) = gather(&half[cut..]);
        let (network, _) = fit_one(
            &RewardRows {
                x: &xt,
                width,
                taken: &at,
                rewards: &rt,
            },
            &RewardRows {
                x: &xv,
                width,
                taken: &av,
                rewards: &rv,
            },
            k,
            link,
            which,
            seed.wrapping_add(17 + i as u64),
            device,
            progress,
            &|_| {},
        )?;
        let model = RewardModel {
            networks: vec![network],
            actions_as_inputs: k > super::reward::MANY_ACTIONS,
            k,
            link,
        };
        let (xo, _, _) = gather(&halves[1 - i]);
        model.expected(&xo, width, device)
    };
    let judged = crate::compute::side_by_side(device, 2, progress, |p| learn(0, p), learn)?;
    let mut predicted = vec![0f64; n * k];
    for (i, q) in judged.iter().enumerate() {
        for (row, &j) in halves[1 - i].iter().enumerate() {
            predicted[j * k..(j + 1) * k].copy_from_slice(&q[row * k..(row + 1) * k]);
        }
    }
    Ok(predicted)
}

/// Which action the policy recommends how often, and what sets each
/// action's rows apart (on a sample of large tables).
fn describe_usage(
    table: &Table,
    preprocessor: &Preprocessor,
    context: &[String],
    reward: &RewardModel,
    chances: &PropensityModel,
    actions: &[String],
    device: &Device,
) -> Result<Vec<ActionUse>> {
    let step = (table.rows / DESCRIBED_ROWS).max(1);
    let rows: Vec<usize> = (0..table.rows).step_by(step).collect();
    let sample = take_rows(table, &rows, table.name.clone());
    let all: Vec<usize> = (0..sample.rows).collect();
    let x = preprocessor.transform(&sample, &all)?;
    let width = preprocessor.width();
    let q = reward.expected(&x, width, device)?;
    let p = chances.chances(&x, width, device)?;
    let k = actions.len();
    let choices = choose(&q, &p, k, 0.0);
    let groups: Vec<u32> = choices.recommended.iter().map(|&a| a as u32).collect();
    let profiles = profile_segments(&sample, context, &groups, k);
    Ok(profiles
        .into_iter()
        .zip(actions)
        .map(|(profile, action)| ActionUse {
            action: action.clone(),
            rows: profile.size,
            share: profile.share,
            traits: profile.traits,
        })
        .collect())
}

/// Up to [`BACKGROUND_ROWS`] encoded training contexts.
fn background(x: &[f32], width: usize, train: &[usize], seed: u64) -> Vec<f32> {
    let mut at = train.to_vec();
    at.shuffle(&mut StdRng::seed_from_u64(seed));
    at.truncate(BACKGROUND_ROWS);
    at.sort_unstable();
    at.iter()
        .flat_map(|&i| x[i * width..(i + 1) * width].iter().copied())
        .collect()
}

/// Words for the kind of reward, for the wizard's Check step.
pub fn reward_sentence(log: &LoggedDecisions, reward: &str) -> String {
    match log.kind {
        RewardKind::YesNo => {
            let good = log.rewards.iter().sum::<f64>();
            let success = log.good.as_deref().unwrap_or("1");
            format!(
                "'{reward}' is a yes/no reward, and '{success}' is the outcome the policy seeks: {} of {} decisions ({}) ended that way.",
                count(good as usize),
                count(log.len()),
                percent(good / log.len().max(1) as f64)
            )
        }
        RewardKind::Amount => {
            let mean = log.rewards.iter().sum::<f64>() / log.len().max(1) as f64;
            format!(
                "'{reward}' is an amount: each decision earned {} on average.",
                crate::words::number(mean)
            )
        }
    }
}
