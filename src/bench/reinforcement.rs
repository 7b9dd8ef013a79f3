//! Learning and judging a policy, for `clearbox bench reinforcement`: a
//! synthetic log ([`super::synthetic::bandit_log`]) learned from and judged
//! end to end (chances, reward models, policy, doubly robust and
//! self-normalised estimates with 1 000 bootstrap resamples), timed as one
//! piece, as a user waits for it. The log can be written out so a peer
//! (Open Bandit Pipeline, `benches/peers/obp_reinforcement.py`) does the
//! same estimation on the same rows.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::synthetic::bandit_log;
use crate::compute::ComputeDevice;
use crate::error::Result;
use crate::jobs::Progress;
use crate::templates::reinforcement::evaluate::Comparison;
use crate::templates::reinforcement::{ReinforcementRequest, Roles, train_reinforcement};

/// What one run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReinforcementReport {
    /// Decisions in the log.
    pub rows: usize,
    /// Context columns.
    pub columns: usize,
    /// Actions.
    pub actions: usize,
    /// Seconds to build the log (not part of the figure).
    pub build_seconds: f64,
    /// Seconds from the log to the judged policy.
    pub seconds: f64,
    /// Decisions learned from and judged per second.
    pub rows_per_second: f64,
    /// The learned policy's doubly robust estimate.
    pub learned: f64,
    /// What was done.
    pub logged: f64,
    /// The verdict.
    pub comparison: Comparison,
}

/// Builds a log of `rows × columns` with `actions` actions (written to
/// `write` when given), then learns and judges a policy on it, timed.
pub fn policy_speed(
    device: &ComputeDevice,
    rows: usize,
    columns: usize,
    actions: usize,
    write: Option<&Path>,
) -> Result<ReinforcementReport> {
    let started = Instant::now();
    let table = bandit_log(rows, columns, actions, 1);
    if let Some(path) = write {
        crate::data::export::write_table(&table, Vec::new(), path)?;
    }
    let build_seconds = started.elapsed().as_secs_f64();
    let request = ReinforcementRequest {
        roles: Roles {
            action: "action".into(),
            reward: "reward".into(),
            propensity: Some("propensity".into()),
            time: None,
        },
        exclude: Vec::new(),
        include: Vec::new(),
        exploration: 0.0,
        seed: 1,
    };
    let timer = Instant::now();
    let outcome = train_reinforcement(&table, &request, device, &Progress::silent(), &|_| {})?;
    let seconds = timer.elapsed().as_secs_f64();
    let e = &outcome.card.evaluation;
    Ok(ReinforcementReport {
        rows,
        columns,
        actions,
        build_seconds,
        seconds,
        rows_per_second: rows as f64 / seconds,
        learned: e.learned.doubly_robust.estimate,
        logged: e.logged.estimate,
        comparison: e.comparison,
    })
}
