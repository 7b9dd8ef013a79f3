//! A saved policy is an artefact folder ([`crate::templates::artefact`])
//! whose card (`card.ron`) holds the log's roles, the actions, how contexts
//! become numbers, both reward networks' records and the evaluation, beside
//! the reward network the policy follows, the two halves' classifiers of the
//! old system's chances, and a sample of encoded contexts for explanations.

use burn::tensor::{Device, Tensor};
use serde::{Deserialize, Serialize};

use super::checks::Finding;
use super::log::{MAX_ACTIONS, RewardKind, Roles};
use super::policy::choose;
use super::propensity::PropensityModel;
use super::reward::{MANY_ACTIONS, RewardChoice, RewardLink, RewardModel, RewardPart};
use super::train::ReinforcementOutcome;
use super::verdict::PolicyEvaluation;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::ml::model::NetworkShape;
use crate::ml::preprocess::Preprocessor;
use crate::ml::task::{TargetColumn, TaskKind};
use crate::templates::artefact::{CARD, Folder, FolderWriter, Provenance, Record};
use crate::templates::{Artefact, Explainable, Explained, Output};

/// Where the old system's chances came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChanceSource {
    /// The log's propensity column.
    Logged,
    /// Estimated from the context by a classifier of the action taken.
    Estimated,
}

impl ChanceSource {
    /// The word the command line's JSON uses ("given" or "estimated").
    pub fn key(self) -> &'static str {
        match self {
            Self::Logged => "given",
            Self::Estimated => "estimated",
        }
    }
}

/// Both reward models' records and which one the policy follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RewardParts {
    /// The deep ensemble's members.
    pub deep: Vec<RewardPart>,
    /// The simple (linear) model.
    pub simple: RewardPart,
    /// The one kept.
    pub chosen: RewardChoice,
}

impl RewardParts {
    /// The networks the policy follows.
    pub fn chosen_parts(&self) -> &[RewardPart] {
        match self.chosen {
            RewardChoice::Deep => &self.deep,
            RewardChoice::Simple => std::slice::from_ref(&self.simple),
        }
    }
}

/// Everything about a policy except its weights and its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyCard {
    /// Which column of the log played which part.
    pub roles: Roles,
    /// The actions, in the order of the networks' outputs.
    pub actions: Vec<String>,
    /// Yes/no or amounts.
    pub kind: RewardKind,
    /// For yes/no rewards: the good outcome's label.
    pub good: Option<String>,
    /// The context columns, in order.
    pub inputs: Vec<String>,
    /// How the context becomes numbers.
    pub preprocessor: Preprocessor,
    /// How the reward network's outputs become rewards.
    pub link: RewardLink,
    /// Whether the action is an input of the reward network (many actions).
    pub actions_as_inputs: bool,
    /// Both reward networks.
    pub parts: RewardParts,
    /// The classifiers of the old system's chances.
    pub chances_shape: NetworkShape,
    /// Whether the chances that weigh decisions were logged or estimated.
    pub chances: ChanceSource,
    /// The share of decisions spread over the judged actions when deployed.
    pub exploration: f64,
    /// The best single action (index into `actions`).
    pub best_single: usize,
    /// How the decisions were divided, in a sentence.
    pub split_sentence: String,
    /// Decisions in the log.
    pub decisions: usize,
    /// Rows left out for lack of an action or a reward.
    pub dropped: usize,
    /// What was found about the log.
    pub findings: Vec<Finding>,
    /// What the policy would have earned on the held-out decisions.
    pub evaluation: PolicyEvaluation,
}

impl PolicyCard {
    /// The reward column as explanations speak of it: its name, and the
    /// actions as the labels of the outputs.
    pub fn target(&self) -> TargetColumn {
        TargetColumn {
            name: self.roles.reward.clone(),
            task: match self.kind {
                RewardKind::YesNo => TaskKind::Binary,
                RewardKind::Amount => TaskKind::Regression,
            },
            classes: self.actions.clone(),
        }
    }

    /// Which reward model the policy follows, and why, in a sentence.
    pub fn reward_model_sentence(&self) -> String {
        let deep = self.parts.deep.iter().map(|p| p.valid_loss).sum::<f64>()
            / self.parts.deep.len().max(1) as f64;
        let simple = self.parts.simple.valid_loss;
        match self.parts.chosen {
            RewardChoice::Deep => format!(
                "The policy follows the deep reward model ({} networks averaged; each one's error on the \
                 check decisions {deep:.4}); the simple (linear) model ({simple:.4}) was not \
                 clearly better.",
                self.parts.deep.len()
            ),
            RewardChoice::Simple => format!(
                "The policy follows the simple (linear) reward model: on this log it was clearly \
                 better on the check decisions than the deep one (error {simple:.4} against \
                 {deep:.4}), as small logs often are."
            ),
        }
    }

    /// `Err` holds the end of a sentence saying what disagrees.
    fn check(&self) -> std::result::Result<(), String> {
        let retrain = ". Learn the policy again";
        let k = self.actions.len();
        if !(2..=MAX_ACTIONS).contains(&k) {
            return Err(format!("its card lists {k} actions{retrain}"));
        }
        let names: Vec<&str> = self
            .preprocessor
            .encoders
            .iter()
            .map(|e| e.column())
            .collect();
        if names != self.inputs.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(format!(
                "its card lists {} context columns but encodes {}{retrain}",
                self.inputs.len(),
                names.len()
            ));
        }
        let width = self.preprocessor.width();
        if width == 0 {
            return Err(format!("its card reads no context columns{retrain}"));
        }
        if self.actions_as_inputs != (k > MANY_ACTIONS) {
            return Err(format!(
                "its card's reward network does not match its {k} actions{retrain}"
            ));
        }
        let wanted = if self.actions_as_inputs {
            (width + k, 1)
        } else {
            (width, k)
        };
        let parts = self.parts.chosen_parts();
        if parts.is_empty() {
            return Err(format!("its card holds no reward network{retrain}"));
        }
        for shape in parts.iter().map(|p| &p.shape) {
            if (shape.inputs, shape.outputs) != wanted {
                return Err(format!(
                    "its reward network reads {} numbers and gives {} outputs, but {} context \
                     numbers and {k} actions need {} and {}{retrain}",
                    shape.inputs, shape.outputs, width, wanted.0, wanted.1
                ));
            }
        }
        if (self.chances_shape.inputs, self.chances_shape.outputs) != (width, k) {
            return Err(format!(
                "its classifier of the old system's chances does not fit its {k} actions{retrain}"
            ));
        }
        let link_fits = match (self.kind, self.link) {
            (RewardKind::YesNo, RewardLink::Logistic) => true,
            (RewardKind::Amount, RewardLink::Scaled { mean, sd }) => {
                mean.is_finite() && sd.is_finite() && sd > 0.0
            }
            _ => false,
        };
        if !link_fits {
            return Err(format!(
                "its card's reward '{}' is neither a usable yes/no nor a usable amount{retrain}",
                self.roles.reward
            ));
        }
        if !(0.0..=0.5).contains(&self.exploration) || self.best_single >= k {
            return Err(format!(
                "its card's exploration share or best single action is impossible{retrain}"
            ));
        }
        Ok(())
    }
}

/// Weights files of a policy folder: the reward networks are
/// `reward_0.bpk`, `reward_1.bpk`…
fn reward_file(member: usize) -> String {
    format!("reward_{member}.bpk")
}
const CHANCES: [&str; 2] = ["chances_a.bpk", "chances_b.bpk"];
/// Encoded training contexts that explanations compare with (little-endian f32).
const BACKGROUND: &str = "background.bin";

impl ReinforcementOutcome {
    /// Saves the policy folder `dir` (created if needed).
    pub fn save(&self, dir: &std::path::Path) -> Result<Record> {
        let mut writer = FolderWriter::create(dir)?;
        for (member, network) in self.reward.networks.iter().enumerate() {
            writer.network(&reward_file(member), network)?;
        }
        for (name, network) in CHANCES.iter().zip(&self.chances.networks) {
            writer.network(name, network)?;
        }
        writer.numbers(BACKGROUND, &self.background)?;
        writer.ron(CARD, &self.card)?;
        writer.finish(&self.provenance)
    }
}

/// A policy loaded from its folder, ready to recommend and explain.
#[derive(Debug)]
pub struct SavedPolicy {
    /// Where it came from.
    pub provenance: Provenance,
    /// The card.
    pub card: PolicyCard,
    /// The reward model it follows.
    pub reward: RewardModel,
    /// The old system's chances.
    pub chances: PropensityModel,
    /// Encoded training contexts.
    pub background: Vec<f32>,
    /// The reward as explanations speak of it.
    target: TargetColumn,
    /// Where its networks live.
    device: Device,
}

impl SavedPolicy {
    /// Loads an opened policy folder onto `device`, checking the card
    /// against itself and the weights against the card.
    pub fn from_folder(folder: &Folder, device: &Device) -> Result<Self> {
        let card: PolicyCard = folder.ron(CARD)?;
        card.check().map_err(|problem| folder.damaged(problem))?;
        let load = |name: &str, shape: &NetworkShape| folder.network(name, shape, device);
        let reward = card
            .parts
            .chosen_parts()
            .iter()
            .enumerate()
            .map(|(member, part)| load(&reward_file(member), &part.shape))
            .collect::<Result<Vec<_>>>()?;
        let chances = [
            load(CHANCES[0], &card.chances_shape)?,
            load(CHANCES[1], &card.chances_shape)?,
        ];
        let background = folder.numbers(BACKGROUND, card.preprocessor.width())?;
        Ok(Self {
            provenance: folder.record.provenance.clone(),
            target: card.target(),
            reward: RewardModel {
                networks: reward,
                actions_as_inputs: card.actions_as_inputs,
                k: card.actions.len(),
                link: card.link,
            },
            chances: PropensityModel {
                shape: card.chances_shape.clone(),
                networks: chances,
            },
            background,
            card,
            device: device.clone(),
        })
    }

    /// The policy of a run still in memory.
    pub fn from_outcome(outcome: &ReinforcementOutcome, device: &Device) -> Self {
        Self {
            provenance: outcome.provenance.clone(),
            target: outcome.card.target(),
            card: outcome.card.clone(),
            reward: outcome.reward.clone(),
            chances: outcome.chances.clone(),
            background: outcome.background.clone(),
            device: device.clone(),
        }
    }

    /// Each row's expected reward of every action and the old system's
    /// estimated chances (both `rows × k`).
    pub fn judge_rows(
        &self,
        table: &Table,
        rows: &[usize],
        device: &Device,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let x = self.card.preprocessor.transform(table, rows)?;
        let width = self.card.preprocessor.width();
        Ok((
            self.reward.expected(&x, width, device)?,
            self.chances.chances(&x, width, device)?,
        ))
    }
}

impl Artefact for SavedPolicy {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    fn inputs(&self) -> &[String] {
        &self.card.inputs
    }

    fn check(&self, table: &Table) -> Result<()> {
        self.card.preprocessor.check(table)
    }

    fn unread(&self, table: &Table, rows: &[usize]) -> Vec<crate::ml::unread::Unread> {
        self.card.preprocessor.unread(table, rows)
    }

    fn score(&self, table: &Table, rows: &[usize], device: &Device) -> Result<Output> {
        let (expected, chances) = self.judge_rows(table, rows, device)?;
        let k = self.card.actions.len();
        let choices = choose(&expected, &chances, k, self.card.exploration);
        let per_action = |values: &[f64]| -> Vec<Vec<f64>> {
            (0..k)
                .map(|a| values.chunks(k).map(|row| row[a]).collect())
                .collect()
        };
        Ok(Output::Actions {
            actions: self.card.actions.clone(),
            recommended: choices.recommended,
            expected: per_action(&expected),
            probabilities: (self.card.exploration > 0.0)
                .then(|| per_action(&choices.probabilities)),
        })
    }

    fn explainable(&self) -> Option<&dyn Explainable> {
        Some(self)
    }
}

impl Explainable for SavedPolicy {
    fn inputs(&self) -> &[String] {
        &self.card.inputs
    }

    fn preprocessor(&self) -> &Preprocessor {
        &self.card.preprocessor
    }

    fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.reward.forward(x)
    }

    fn background(&self) -> &[f32] {
        &self.background
    }

    fn target(&self) -> &TargetColumn {
        &self.target
    }

    /// Why the recommended action rather than the runner-up: the difference
    /// of their predicted rewards, among the actions the log can judge.
    fn explained_for(&self, x: &[f32], raw: &[f32]) -> Explained {
        let k = self.card.actions.len();
        let width = self.card.preprocessor.width();
        let chances = self
            .chances
            .chances(x, width, &self.device)
            .unwrap_or_else(|_| vec![1.0 / k as f64; k]);
        let expected: Vec<f64> = raw.iter().map(|&o| self.card.link.value(o)).collect();
        let choices = choose(&expected, &chances, k, 0.0);
        Explained::Difference {
            chosen: choices.recommended.first().copied().unwrap_or(0),
            other: choices.runner_up.first().copied().unwrap_or(0),
            link: self.card.link,
        }
    }

    fn unit(&self) -> f64 {
        match self.card.link {
            RewardLink::Logistic => 1.0,
            RewardLink::Scaled { sd, .. } => sd,
        }
    }

    fn threshold(&self) -> Option<f64> {
        None
    }
}

impl SavedPolicy {
    /// What this policy would have earned on the decisions logged in
    /// `table` ("how would my policy have done last month?"): every decision
    /// is judged, its weight from the log's propensity column when it has
    /// one, else from the policy's estimate of the old system's chances, and
    /// the doubly robust reward model cross-fitted on this log.
    pub fn evaluate(
        &self,
        table: &Table,
        seed: u64,
        device: &Device,
        progress: &crate::jobs::Progress,
    ) -> Result<PolicyEvaluation> {
        let card = &self.card;
        let mut roles = card.roles.clone();
        roles.propensity = roles.propensity.filter(|p| table.column(p).is_some());
        roles.time = None;
        let log = super::log::Decisions::read(table, &roles)?;
        if log.actions != card.actions {
            let unknown: Vec<&String> = log
                .actions
                .iter()
                .filter(|a| !card.actions.contains(a))
                .take(3)
                .collect();
            if !unknown.is_empty() {
                return Err(ClearboxError::BadRequest(format!(
                    "'{}' holds actions the policy never learned about ({}). Judge it on a log of \
                     the same actions.",
                    table.name,
                    unknown
                        .iter()
                        .map(|a| format!("'{a}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        // The log's codes follow its own actions; the policy's follow the card's.
        let code_of: Vec<u32> = log
            .actions
            .iter()
            .map(|a| card.actions.iter().position(|c| c == a).unwrap_or(0) as u32)
            .collect();
        let taken: Vec<u32> = log.taken.iter().map(|&a| code_of[a as usize]).collect();
        let k = card.actions.len();
        let width = card.preprocessor.width();
        let x = card.preprocessor.transform(table, &log.rows)?;
        progress.report(0.1, "Predicting what each action earns");
        let q_policy = self.reward.expected(&x, width, device)?;
        let chances = self.chances.chances(&x, width, device)?;
        let weights: Vec<f64> = match &log.propensities {
            Some(p) => p.clone(),
            None => (0..log.len())
                .map(|i| chances[i * k + taken[i] as usize].max(super::propensity::CLIP))
                .collect(),
        };
        let choices = choose(&q_policy, &chances, k, card.exploration);
        progress.report(0.3, "Judging the policy on the log");
        let q_judge = super::train::cross_fitted(
            &x,
            width,
            &taken,
            &log.rewards,
            k,
            card.link,
            card.parts.chosen,
            seed,
            device,
            &progress.scaled(0.3, 0.6),
        )?;
        let rows = super::evaluate::EvalRows {
            k,
            taken: &taken,
            rewards: &log.rewards,
            propensity: &weights,
            predicted: &q_judge,
        };
        let mut findings = super::checks::check_log(&log);
        if log.propensities.is_none() {
            let certain = (0..log.len())
                .filter(|&i| chances[i * k + taken[i] as usize] > 0.95)
                .count();
            findings.extend(super::checks::check_estimated(certain, log.len()));
        }
        let blocked = findings
            .iter()
            .find(|f| f.severity == crate::health::Severity::Problem)
            .map(|f| f.sentence.clone());
        let wording = super::verdict::Wording {
            kind: card.kind,
            reward: &card.roles.reward,
            good: card.good.as_deref(),
            actions: &card.actions,
            estimated_chances: log.propensities.is_none(),
            blocked: blocked.as_deref(),
            scope: "decisions of this log",
        };
        progress.report(1.0, "Done");
        Ok(super::verdict::judge(
            &rows,
            &choices.probabilities,
            &choices.recommended,
            card.best_single,
            &wording,
            seed,
        ))
    }
}
