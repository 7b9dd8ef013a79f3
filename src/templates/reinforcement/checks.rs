//! What to know about a log before trusting what is learned from it, each
//! finding in one sentence: actions tried too rarely to judge, logged
//! chances that cannot be right, and an old system that hardly ever tried
//! anything else (then no estimate of another policy is possible).

use serde::{Deserialize, Serialize};

use super::log::Decisions;
use crate::health::Severity;
use crate::words::{count, percent};

/// Fewest times an action must have been taken to be judged.
pub const FEW_ROWS: usize = 30;
/// A chance above this leaves the other actions almost untried.
const NEARLY_CERTAIN: f64 = 0.95;
/// Share of decisions taken nearly for certain above which the log shows
/// too little exploration.
const NO_EXPLORATION: f64 = 0.9;

/// One thing found about a log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What was found and what to do, in a sentence or two.
    pub sentence: String,
}

/// The checks that need only the log itself.
pub fn check_log(log: &Decisions) -> Vec<Finding> {
    let mut findings = Vec::new();
    let k = log.k();
    let mut taken = vec![0usize; k];
    for &a in &log.taken {
        taken[a as usize] += 1;
    }
    let rare: Vec<String> = (0..k)
        .filter(|&a| taken[a] < FEW_ROWS)
        .map(|a| format!("'{}' ({})", log.actions[a], taken[a]))
        .collect();
    if !rare.is_empty() {
        let shown: Vec<&str> = rare.iter().take(5).map(String::as_str).collect();
        let more = rare.len().saturating_sub(shown.len());
        findings.push(Finding {
            severity: Severity::Check,
            sentence: format!(
                "{} of {k} actions were taken fewer than {FEW_ROWS} times: {}{}. Their rewards \
                 cannot be judged well; the policy only recommends an action where the old system \
                 tried it for similar rows.",
                rare.len(),
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        });
    }
    if let Some(p) = &log.propensities {
        // Under the old policy, the weights of any other policy average 1;
        // for "every action equally" they are 1 / (k × p). Far from 1 means
        // the logged chances are not the chances the old system used.
        let weights: Vec<f64> = p.iter().map(|&p| 1.0 / (k as f64 * p)).collect();
        let n = weights.len() as f64;
        let mean = weights.iter().sum::<f64>() / n;
        let sd = (weights.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / n).sqrt();
        let tolerance = (3.0 * sd / n.sqrt()).max(0.1);
        if (mean - 1.0).abs() > tolerance {
            findings.push(Finding {
                severity: Severity::Problem,
                sentence: format!(
                    "The logged propensities look wrong: weighting the decisions by them, trying \
                     every action equally would average {mean:.2} instead of about 1. Check that \
                     the column holds the chance of the action that was taken (not of another), \
                     or leave it out and Clearbox will estimate the chances."
                ),
            });
        }
        let certain = p.iter().filter(|&&p| p > NEARLY_CERTAIN).count();
        if let Some(finding) = exploration_finding(certain, log.len(), "logged") {
            findings.push(finding);
        }
    }
    findings
}

/// The exploration check on chances the old system's behaviour suggests
/// (estimated), for logs that do not record them.
pub fn check_estimated(nearly_certain: usize, decisions: usize) -> Option<Finding> {
    exploration_finding(nearly_certain, decisions, "estimated")
}

fn exploration_finding(certain: usize, decisions: usize, how: &str) -> Option<Finding> {
    let share = certain as f64 / decisions.max(1) as f64;
    (share > NO_EXPLORATION).then(|| Finding {
        severity: Severity::Problem,
        sentence: format!(
            "The old system almost never tried anything else: on {} of {} decisions its {how} \
             chance of the action it took was above {}. What other actions would have earned \
             cannot be estimated from such a log. Log a share of decisions (say 5 to 10%) taken \
             at random, then learn again.",
            percent(share),
            count(decisions),
            percent(NEARLY_CERTAIN)
        ),
    })
}

/// Whether a finding stops estimates from meaning anything.
pub fn blocks_estimates(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Problem)
}
