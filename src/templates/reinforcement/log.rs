//! A log of decisions: which columns hold the action taken, its reward, the
//! old system's chance of taking it and the time, guessed from their names
//! and read into the shape learning needs, with one sentence for anything
//! that cannot be used.

use serde::{Deserialize, Serialize};

use crate::data::{ColumnRole, Table};
use crate::error::{ClearboxError, Result};
use crate::ml::task::{TargetValues, TaskKind, read_target};

/// Which column plays which part in a log of decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Roles {
    /// The action taken (the offer made, the item shown, the treatment given).
    pub action: String,
    /// What it earned (a click, a purchase, revenue).
    pub reward: String,
    /// The old system's chance of taking that action on that row, when logged.
    pub propensity: Option<String>,
    /// When the decision was taken, to evaluate on the newest decisions.
    pub time: Option<String>,
}

/// What each role means, for the wizard and the command line's help.
pub const ROLE_MEANINGS: [(&str, &str); 4] = [
    (
        "Action",
        "what was done on each row: the offer made, the item shown, the treatment given",
    ),
    (
        "Reward",
        "what the action earned: yes/no (clicked, bought) or an amount (revenue)",
    ),
    (
        "Propensity",
        "the old system's chance of choosing that action for that row, if it was logged; \
         Clearbox estimates it otherwise",
    ),
    (
        "Time",
        "when the decision was taken, so the policy is judged on the newest decisions",
    ),
];

/// Words that name each role.
const ACTION_WORDS: &[&str] = &[
    "action",
    "offer",
    "treatment",
    "arm",
    "item",
    "campaign",
    "variant",
    "decision",
    "promo",
];
const REWARD_WORDS: &[&str] = &[
    "reward", "click", "convert", "purchase", "bought", "revenue", "response", "outcome",
    "success", "accepted", "took",
];
const PROPENSITY_WORDS: &[&str] = &["propensity", "pscore", "probability", "prob"];
const TIME_WORDS: &[&str] = &["timestamp", "time", "date"];

/// Most actions a log may have.
pub const MAX_ACTIONS: usize = 500;

/// The first column whose name holds one of `words` and that `fits`.
fn named(
    table: &Table,
    words: &[&str],
    fits: impl Fn(&crate::data::Column) -> bool,
) -> Option<String> {
    words.iter().find_map(|word| {
        table
            .columns
            .iter()
            .find(|c| c.name.to_lowercase().contains(word) && fits(c))
            .map(|c| c.name.clone())
    })
}

/// The best guess of each role from the columns' names and kinds.
pub fn guess_roles(
    table: &Table,
) -> (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    let propensity = named(table, PROPENSITY_WORDS, |c| c.role == ColumnRole::Number);
    let taken = |name: &str| Some(name) == propensity.as_deref();
    let action = named(table, ACTION_WORDS, |c| {
        !taken(&c.name)
            && c.role != ColumnRole::Datetime
            && (2..=MAX_ACTIONS).contains(&distinct_count(c, MAX_ACTIONS + 1))
    });
    let reward = named(table, REWARD_WORDS, |c| {
        !taken(&c.name)
            && Some(c.name.as_str()) != action.as_deref()
            && matches!(
                c.role,
                ColumnRole::Number | ColumnRole::Boolean | ColumnRole::Category
            )
    });
    let time = table
        .columns
        .iter()
        .find(|c| c.role == ColumnRole::Datetime)
        .map(|c| c.name.clone())
        .or_else(|| named(table, TIME_WORDS, |c| c.role == ColumnRole::Number));
    (action, reward, propensity, time)
}

/// Distinct non-missing values of `column`, counting up to `cap`.
fn distinct_count(column: &crate::data::Column, cap: usize) -> usize {
    let mut seen = std::collections::HashSet::new();
    for row in 0..column.values.len() {
        if !column.values.is_missing(row) {
            seen.insert(column.values.display(row).into_owned());
            if seen.len() >= cap {
                break;
            }
        }
    }
    seen.len()
}

/// Whether a reward is a yes/no outcome or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RewardKind {
    /// 1 for the good outcome (clicked, bought), 0 otherwise.
    YesNo,
    /// An amount in the reward's own units.
    Amount,
}

/// A log read into numbers: only rows with an action and a reward.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisions {
    /// The actions' labels, in the order their codes refer to.
    pub actions: Vec<String>,
    /// The row of the table each decision comes from.
    pub rows: Vec<usize>,
    /// The action taken on each decision (index into `actions`).
    pub taken: Vec<u32>,
    /// Its reward: 0/1 for yes/no, the amount otherwise.
    pub rewards: Vec<f64>,
    /// The kind of reward.
    pub kind: RewardKind,
    /// For yes/no: the label of the good outcome ("1", "yes").
    pub good: Option<String>,
    /// The logged propensities, when there is a propensity column.
    pub propensities: Option<Vec<f64>>,
    /// Rows left out because the action or the reward was missing.
    pub dropped: usize,
}

impl Decisions {
    /// Reads the roles' columns of `table`. Every problem is one sentence
    /// naming the file and the column (and, for a bad propensity, the row).
    pub fn read(table: &Table, roles: &Roles) -> Result<Self> {
        let column = |name: &str| table.named(name);
        let distinct = [&roles.action, &roles.reward];
        if distinct[0] == distinct[1] {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' cannot be both the action and the reward. Choose two different columns.",
                roles.action
            )));
        }
        let action = column(&roles.action)?;
        let reward = column(&roles.reward)?;
        match distinct_count(reward, 2) {
            0 => {
                return Err(ClearboxError::BadRequest(format!(
                    "The reward '{}' in '{}' is empty on every row. Choose the column that records \
                     what each action earned.",
                    roles.reward, table.name
                )));
            }
            1 => {
                let row = (0..table.rows)
                    .find(|&r| !reward.values.is_missing(r))
                    .unwrap_or(0);
                return Err(ClearboxError::BadRequest(format!(
                    "The reward '{}' in '{}' is '{}' on every row, so no action earned more than \
                     another and there is nothing to learn. Choose the column that records what \
                     each action earned, or a log where the outcomes differ.",
                    roles.reward,
                    table.name,
                    reward.values.display(row).trim()
                )));
            }
            _ => {}
        }
        let (target, values) = read_target(table, &roles.reward).map_err(|_| {
            ClearboxError::BadRequest(format!(
                "The reward '{}' in '{}' is neither yes/no nor a number. Choose a column that \
                 records what each action earned: clicked or not, bought or not, or an amount.",
                roles.reward, table.name
            ))
        })?;
        let (kind, good, reward_of): (RewardKind, Option<String>, Vec<Option<f64>>) = match (
            target.task,
            &values,
        ) {
            (TaskKind::Binary, TargetValues::Classes(v)) => {
                let labels = [target.classes[0].as_str(), target.classes[1].as_str()];
                let success = super::success::success_of(labels, 1) as u32;
                (
                    RewardKind::YesNo,
                    Some(labels[success as usize].to_owned()),
                    v.iter()
                        .map(|c| c.map(|c| f64::from(u8::from(c == success))))
                        .collect(),
                )
            }
            (TaskKind::Regression, TargetValues::Amounts(v)) => {
                let zero_one = v.iter().all(|x| x.is_nan() || *x == 0.0 || *x == 1.0);
                let kind = if zero_one {
                    RewardKind::YesNo
                } else {
                    RewardKind::Amount
                };
                (
                    kind,
                    zero_one.then(|| "1".to_owned()),
                    v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect(),
                )
            }
            _ => {
                return Err(ClearboxError::BadRequest(format!(
                    "The reward '{}' in '{}' has several labels ({}), so it is neither \
                         yes/no nor a number. Choose a column that records what each action earned.",
                    roles.reward,
                    table.name,
                    target.classes.len()
                )));
            }
        };
        let mut labels: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut raw_taken = Vec::with_capacity(table.rows);
        for row in 0..table.rows {
            if action.values.is_missing(row) {
                raw_taken.push(None);
                continue;
            }
            let label = action.values.display(row).trim().to_owned();
            let code = *index.entry(label.clone()).or_insert_with(|| {
                labels.push(label);
                labels.len() - 1
            });
            raw_taken.push(Some(code));
        }
        if labels.len() < 2 {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' in '{}' holds only one action, so there is no choice to learn. Choose the \
                 column that records which of several actions was taken.",
                roles.action, table.name
            )));
        }
        if labels.len() > MAX_ACTIONS {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' in '{}' has {} different values, too many to be actions (at most {MAX_ACTIONS}). \
                 Choose the column that records which action was taken.",
                roles.action,
                table.name,
                labels.len()
            )));
        }
        // Actions in a reading order: numbers by value, labels alphabetically.
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(
            |&a, &b| match (labels[a].parse::<f64>(), labels[b].parse::<f64>()) {
                (Ok(x), Ok(y)) => x.total_cmp(&y),
                _ => labels[a].cmp(&labels[b]),
            },
        );
        let mut renumber = vec![0u32; labels.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new as u32;
        }
        let actions: Vec<String> = order.iter().map(|&i| labels[i].clone()).collect();
        let propensity = match &roles.propensity {
            Some(name) => Some(column(name)?),
            None => None,
        };
        let (mut rows, mut taken, mut rewards, mut propensities) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut dropped = 0;
        for row in 0..table.rows {
            let (Some(code), Some(reward)) = (raw_taken[row], reward_of[row]) else {
                dropped += 1;
                continue;
            };
            if let Some(column) = propensity {
                let p = column
                    .values
                    .display(row)
                    .trim()
                    .parse::<f64>()
                    .unwrap_or(f64::NAN);
                if !(p > 0.0 && p <= 1.0) {
                    return Err(ClearboxError::BadRequest(format!(
                        "Row {} of '{}' has a propensity of {} in '{}'. A propensity is the chance \
                         the old system had of taking the action, above 0 and at most 1: fix the \
                         column, or leave it out and Clearbox will estimate the chances.",
                        row + 1,
                        table.name,
                        column.values.display(row),
                        column.name
                    )));
                }
                propensities.push(p);
            }
            rows.push(row);
            taken.push(renumber[code]);
            rewards.push(reward);
        }
        if rows.len() < 50 {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' has only {} decisions with both an action and a reward: too few to learn \
                 from. Use a log of at least a few hundred decisions.",
                table.name,
                rows.len()
            )));
        }
        Ok(Self {
            actions,
            rows,
            taken,
            rewards,
            kind,
            good,
            propensities: propensity.map(|_| propensities),
            dropped,
        })
    }

    /// Number of decisions.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Number of actions.
    pub fn k(&self) -> usize {
        self.actions.len()
    }
}
