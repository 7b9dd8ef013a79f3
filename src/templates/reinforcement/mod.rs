//! The reinforcement template: from a log of decisions (what was known,
//! what was done, what it earned), learn which action to take in which
//! situation, and estimate honestly, before anyone deploys it, what the
//! learned policy would have earned.
//!
//! Steps: the log's roles ([`log`]), which label of a worded yes/no reward
//! is the success ([`success`]) and the log's checks ([`checks`]); the old
//! system's chances, cross-fitted ([`propensity`]); the reward model, deep
//! against simple ([`reward`]); the policy, greedy among the actions the
//! old system tried ([`policy`]); on held-out decisions, doubly robust and
//! self-normalised estimates with bootstrap intervals ([`evaluate`]) and
//! one verdict ([`verdict`]); the saved policy folder ([`saved`]); and a
//! made-up shop for workshops ([`simulator`]).

pub mod checks;
pub mod evaluate;
pub mod log;
pub mod policy;
pub mod propensity;
pub mod reward;
pub mod saved;
pub mod simulator;
pub mod success;
pub mod train;
pub mod verdict;

use std::path::Path;

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

pub use checks::Finding;
pub use log::{Decisions as LoggedDecisions, RewardKind, Roles, guess_roles};
pub use saved::{PolicyCard, SavedPolicy};
pub use train::{ActionUse, ReinforcementOutcome, TrainingEvent, train_reinforcement};
pub use verdict::PolicyEvaluation;

use super::Template;
use super::artefact::{Folder, Record, TemplateKind};
use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::Result;
use crate::jobs::Progress;

/// The share of decisions a deployed policy spreads over the actions it
/// can judge, unless the user says otherwise: enough for the next log to
/// judge the policy again, little enough to cost almost nothing.
pub const DEFAULT_EXPLORATION: f64 = 0.05;

fn default_exploration() -> f64 {
    DEFAULT_EXPLORATION
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReinforcementRequest {
    /// Which column is the action, the reward, the propensity and the time.
    pub roles: Roles,
    /// Context columns the user wants left out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Context columns the user wants used whatever the health report says.
    #[serde(default)]
    pub include: Vec<String>,
    /// The share of decisions spread evenly over the judged actions when deployed.
    #[serde(default = "default_exploration")]
    pub exploration: f64,
    /// Seed: same seed, same data, same device → same policy.
    pub seed: u64,
}

/// The reinforcement template: which action to take, learned from a log.
#[derive(Debug, Clone, Copy)]
pub struct Reinforcement;

impl Template for Reinforcement {
    const KIND: TemplateKind = TemplateKind::Reinforcement;
    type Request = ReinforcementRequest;
    type Event = TrainingEvent;
    type Outcome = ReinforcementOutcome;
    type Saved = SavedPolicy;

    fn train(
        table: &Table,
        request: &ReinforcementRequest,
        device: &ComputeDevice,
        progress: &Progress,
        on_event: &dyn Fn(TrainingEvent),
    ) -> Result<ReinforcementOutcome> {
        train_reinforcement(table, request, device, progress, on_event)
    }

    fn save(outcome: &ReinforcementOutcome, dir: &Path) -> Result<Record> {
        outcome.save(dir)
    }

    fn load(folder: &Folder, device: &Device) -> Result<SavedPolicy> {
        SavedPolicy::from_folder(folder, device)
    }

    fn seed(request: &ReinforcementRequest) -> u64 {
        request.seed
    }
}

#[cfg(test)]
mod tests;
