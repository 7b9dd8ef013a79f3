//! The evaluation a reader gets: what the learned policy, what was done,
//! every action equally and the best single action would have earned on
//! the held-out decisions, each with its likely range; one verdict; and the
//! diagnostics in words.

use serde::{Deserialize, Serialize};

use super::evaluate::{
    Comparison, Diagnostics, Estimate, EvalRows, PolicyValue, amount_words, diagnostics,
    precision_sentence, values,
};
use super::log::RewardKind;
use crate::words::{count, number, percent};

/// Fewest good outcomes among the judged decisions for a yes/no verdict:
/// below it, the rule of thumb puts any estimate's error above ±100%.
const FEW_SUCCESSES: f64 = 12.0;

/// What a policy would have earned, and how sure that is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyEvaluation {
    /// Held-out decisions it was judged on.
    pub decisions: usize,
    /// For yes/no rewards: the good outcomes among them.
    pub successes: Option<f64>,
    /// The learned policy (as deployed, with its exploration share).
    pub learned: PolicyValue,
    /// What was done (the logged policy): the mean reward.
    pub logged: Estimate,
    /// Every action equally often.
    pub random: PolicyValue,
    /// The best single action, given to everyone.
    pub best_single: PolicyValue,
    /// Which action that is.
    pub best_single_action: String,
    /// How far the weights can be trusted.
    pub diagnostics: Diagnostics,
    /// The learned policy against what was done.
    pub comparison: Comparison,
    /// "If you had used this policy…", with the figures.
    pub headline: String,
    /// The verdict in a sentence.
    pub verdict: String,
    /// The diagnostics and warnings in words.
    pub notes: Vec<String>,
}

/// The words the evaluation is written with.
#[derive(Debug, Clone, Copy)]
pub struct Wording<'a> {
    /// Yes/no or amounts.
    pub kind: RewardKind,
    /// The reward column.
    pub reward: &'a str,
    /// For yes/no: the good outcome's label.
    pub good: Option<&'a str>,
    /// The actions' labels.
    pub actions: &'a [String],
    /// Whether the old system's chances were estimated rather than logged.
    pub estimated_chances: bool,
    /// Why no estimate means anything, when the log cannot support one.
    pub blocked: Option<&'a str>,
    /// What the judged decisions are, after their number ("held-out decisions").
    pub scope: &'a str,
}

/// Judges the learned policy (`learned`: each held-out decision's chance of
/// each action, `recommended`: its choice) against what was done, every
/// action equally and action `best_single` for everyone.
pub fn judge(
    rows: &EvalRows<'_>,
    learned: &[f64],
    recommended: &[usize],
    best_single: usize,
    words: &Wording<'_>,
    seed: u64,
) -> PolicyEvaluation {
    let k = rows.k;
    let n = rows.taken.len();
    let uniform = vec![1.0 / k as f64; n * k];
    let mut single = vec![0f64; n * k];
    for i in 0..n {
        single[i * k + best_single] = 1.0;
    }
    let (found, logged) = values(rows, &[learned, &uniform, &single], seed);
    let (learned_value, random, best) = (found[0], found[1], found[2]);
    let diagnostics = diagnostics(rows, learned, recommended);
    let successes = (words.kind == RewardKind::YesNo).then(|| rows.rewards.iter().sum::<f64>());
    let headline_value = learned_value.doubly_robust;
    let too_few = successes.filter(|&s| s < FEW_SUCCESSES);
    let comparison = match (words.blocked, too_few) {
        (None, None) => Comparison::of(&headline_value, &logged),
        _ => Comparison::CannotTell,
    };
    let best_action = words.actions.get(best_single).cloned().unwrap_or_default();
    let say = |v: f64| amount_words(words.kind, v);
    let headline = match words.kind {
        RewardKind::YesNo => format!(
            "If you had used this policy on the {} {}, about {} of every 100 would have had {} = \
             {} (likely between {} and {}); what was done got {}; the best single action \
             ('{best_action}', to everyone) about {}.",
            count(n),
            words.scope,
            say(headline_value.estimate),
            words.reward,
            words.good.unwrap_or("1"),
            say(headline_value.low),
            say(headline_value.high),
            say(logged.estimate),
            say(best.doubly_robust.estimate)
        ),
        RewardKind::Amount => format!(
            "If you had used this policy on the {} {}, each would have earned about {} in {} \
             (likely between {} and {}); what was done earned {}; the best single action \
             ('{best_action}', to everyone) about {}.",
            count(n),
            words.scope,
            say(headline_value.estimate),
            words.reward,
            say(headline_value.low),
            say(headline_value.high),
            say(logged.estimate),
            say(best.doubly_robust.estimate)
        ),
    };
    let range = format!(
        "{} to {}",
        say(headline_value.low),
        say(headline_value.high)
    );
    let logged_range = format!("{} to {}", say(logged.low), say(logged.high));
    let verdict = match (words.blocked, too_few, comparison) {
        (Some(why), _, _) => format!("No honest estimate is possible from this log: {why}"),
        (None, Some(s), _) => format!(
            "Can't tell apart from what was done: only {} of the {} decisions ended well, too \
             few for any estimate to call the policy better or worse. Log more decisions; about \
             {} successes are needed.",
            count(s as usize),
            count(n),
            count(FEW_SUCCESSES as usize)
        ),
        (None, None, Comparison::Better) => format!(
            "Better than what was done: the low end of the policy's likely range ({}) is above \
             the high end of what was done ({}).",
            say(headline_value.low),
            say(logged.high)
        ),
        (None, None, Comparison::Worse) => format!(
            "Worse than what was done: the high end of the policy's likely range ({}) is below \
             the low end of what was done ({}).",
            say(headline_value.high),
            say(logged.low)
        ),
        (None, None, Comparison::CannotTell) => format!(
            "Can't tell apart from what was done: the policy's likely range ({range}) overlaps \
             what was done ({logged_range}). More decisions{} would narrow both.",
            if words.kind == RewardKind::YesNo {
                ", above all more successes,"
            } else {
                ""
            }
        ),
    };
    let mut notes = vec![
        format!(
            "The estimate effectively rests on {} of the {} {} (effective sample size): the \
             others were decided differently from what the policy would do.",
            count(diagnostics.effective_sample_size.round() as usize),
            count(n),
            words.scope
        ),
        format!(
            "The policy recommends what was actually done on {} of them.",
            percent(diagnostics.match_rate)
        ),
        format!(
            "The decisions' weights average {} (about 1 when the old system's chances are \
             right); the largest is {}.",
            number(diagnostics.mean_weight),
            number(diagnostics.max_weight)
        ),
    ];
    if let Some(s) = successes {
        notes.push(precision_sentence(s));
    }
    if learned_value.disagree() {
        let (a, b) = (learned_value.doubly_robust, learned_value.self_normalised);
        notes.push(format!(
            "The two estimates disagree: doubly robust {} ({} to {}) against self-normalised \
             weighting {} ({} to {}). The reward model or the chances are off: trust neither much.",
            say(a.estimate),
            say(a.low),
            say(a.high),
            say(b.estimate),
            say(b.low),
            say(b.high)
        ));
    }
    if words.estimated_chances {
        notes.push(
            "The log records no chances, so Clearbox estimated the old system's chances from the \
             context (a classifier of the action taken, each half of the log judged by a model of \
             the other half, chances clipped at 1%). This assumes the old system chose only by \
             what is in the table."
                .into(),
        );
    }
    PolicyEvaluation {
        decisions: n,
        successes,
        learned: learned_value,
        logged,
        random,
        best_single: best,
        best_single_action: best_action,
        diagnostics,
        comparison,
        headline,
        verdict,
        notes,
    }
}
