//! Drift seen through a saved artefact of any template: how much it relies
//! on each column, whether its answers moved (a model's predictions, the
//! groups' shares), and — when it predicts a column the current table has —
//! how its score on the new rows compares with its test score.

use burn::tensor::Device;
use serde::Serialize;

use super::stats::{SplitMix, sample_rows};
use super::verdict::{self, DriftBand, DriftVerdict};
use super::{DriftChart, Measures, categorical, numeric};
use crate::data::Table;
use crate::data::rows::{take_rows, take_values, with_values};
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::metrics::Metric;
use crate::templates::{Artefact, Output, Series};

/// Rows of the reference used to measure the model's reliance on each column.
const IMPORTANCE_ROWS: usize = 2_000;
/// Rows of each table scored to compare predictions and measure the score.
const SCORED_ROWS: usize = 100_000;
/// A fall in AUC or accuracy from this much calls for a look.
const SCORE_WATCH: f64 = 0.02;
/// A fall in AUC or accuracy from this much calls for retraining.
const SCORE_RETRAIN: f64 = 0.05;

/// A saved artefact to check, and the device to run it on.
pub struct ModelCheck<'a> {
    /// The model or groups.
    pub model: &'a dyn Artefact,
    /// Where it runs.
    pub device: &'a Device,
}

/// How the model's predictions moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PredictionDrift {
    /// PSI of the predictions (probability of the positive class, the class
    /// predicted, or the amount).
    pub psi: f64,
    /// p-value of the change.
    pub p_value: f64,
    /// The judgement.
    pub band: DriftBand,
    /// What moved, in words.
    pub sentence: String,
    /// Both tables' predictions, overlaid.
    pub chart: DriftChart,
}

/// The model's score on the current rows against its test score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreChange {
    /// The measure.
    pub metric: Metric,
    /// On the held-out test rows when it was trained.
    pub test: f64,
    /// On the current rows whose outcome is known.
    pub current: f64,
    /// Rows it was measured on.
    pub rows: usize,
    /// What the change calls for.
    pub verdict: DriftVerdict,
}

/// What the model says about the drift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDrift {
    /// What the artefact answers: the column a model predicts, or "segment" for groups.
    pub target: String,
    /// The model's inputs with their share of its reliance, strongest first.
    pub importance: Vec<(String, f64)>,
    /// How its predictions moved.
    pub predictions: PredictionDrift,
    /// Its score on the current rows, when they have the outcome.
    pub score: Option<ScoreChange>,
}

impl ModelDrift {
    /// Facts for the verdict: (what it calls for, priority, sentence).
    pub fn findings(&self) -> Vec<(DriftVerdict, f64, String)> {
        let mut out = Vec::new();
        if let Some(score) = &self.score
            && score.verdict > DriftVerdict::Stable
        {
            out.push((score.verdict, 100.0, score_sentence(score)));
        }
        let p = &self.predictions;
        if p.band.is_drifted() {
            let verdict = if p.band == DriftBand::Large {
                DriftVerdict::Retrain
            } else {
                DriftVerdict::Watch
            };
            out.push((verdict, 50.0, p.sentence.clone()));
        }
        out
    }

    /// The line a stable verdict adds about the model.
    pub fn stable_line(&self) -> Option<String> {
        Some(match &self.score {
            Some(score) => score_sentence(score),
            None => self.predictions.sentence.clone(),
        })
    }
}

fn score_sentence(s: &ScoreChange) -> String {
    // Each figure as the results page shows it ("0.912", "84%", "21,245").
    let (test, now) = (s.metric.shown(s.test), s.metric.shown(s.current));
    let metric = s.metric.name();
    match s.verdict {
        DriftVerdict::Stable => format!(
            "The model's {metric} on the new rows is {now}, in line with its test score of {test}."
        ),
        _ if !s.metric.higher_is_better() => format!(
            "The model's typical error ({metric}) on the new rows grew from {test} to {now}."
        ),
        _ => format!("The model's {metric} on the new rows fell from {test} to {now}."),
    }
}

/// Measures the artefact's reliance on each input, the drift of its answers
/// and, when it predicts a column `current` has, its score on `current`.
pub fn check_model(
    check: &ModelCheck<'_>,
    reference: &Table,
    current: &Table,
    progress: &Progress,
) -> Result<ModelDrift> {
    let model = check.model;
    model.check(reference)?;
    model.check(current)?;
    progress.report(0.0, "Measuring what the model relies on");
    let importance = importance(check, reference, &progress.scaled(0.0, 0.6))?;
    progress.report(0.6, "Scoring both tables");
    let ref_rows = sample_rows(reference.rows, SCORED_ROWS, 11);
    let cur_rows = sample_rows(current.rows, SCORED_ROWS, 12);
    let ref_scored = model.score(reference, &ref_rows, check.device)?;
    progress.check_cancelled()?;
    let cur_scored = model.score(current, &cur_rows, check.device)?;
    let predictions = prediction_drift(&ref_scored, &cur_scored);
    let score = score_on(model, current, &cur_rows, &cur_scored);
    progress.report(1.0, "Done");
    Ok(ModelDrift {
        target: match (model.outcome(), &ref_scored) {
            (Some(known), _) => known.target.name.clone(),
            (None, Output::Actions { .. }) => "recommended_action".to_owned(),
            (None, _) => "segment".to_owned(),
        },
        importance,
        predictions,
        score,
    })
}

/// Permutation importance without the outcome: how much the answers change
/// when one column's values are shuffled among the rows, as shares of the
/// total. Needs no true outcomes, so any reference table will do.
fn importance(
    check: &ModelCheck<'_>,
    reference: &Table,
    progress: &Progress,
) -> Result<Vec<(String, f64)>> {
    let rows = sample_rows(reference.rows, IMPORTANCE_ROWS, 21);
    let sample = take_rows(reference, &rows, reference.name.clone());
    let all: Vec<usize> = (0..sample.rows).collect();
    let answer = check.model.score(&sample, &all, check.device)?;
    let base = answer.vectors();
    // Amounts are compared in units of their own spread.
    let scale = if let Output::Amounts(v) = &answer {
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len().max(1) as f64)
            .sqrt()
            .max(1e-12)
    } else {
        1.0
    };
    let inputs = check.model.inputs();
    let mut raw = Vec::with_capacity(inputs.len());
    for (i, name) in inputs.iter().enumerate() {
        progress.check_cancelled()?;
        progress.report(
            i as f32 / inputs.len().max(1) as f32,
            "Measuring what the model relies on",
        );
        let Some(index) = sample.column_index(name) else {
            raw.push(0.0);
            continue;
        };
        let mut order: Vec<usize> = all.clone();
        let mut rng = SplitMix::new(31 + i as u64);
        for k in (1..order.len()).rev() {
            order.swap(k, rng.below(k + 1));
        }
        let shuffled = with_values(
            &sample,
            index,
            take_values(&sample.columns[index].values, &order),
        );
        let moved = check.model.score(&shuffled, &all, check.device)?.vectors();
        let change: f64 = base
            .iter()
            .zip(&moved)
            .map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>())
            .sum();
        raw.push(change / scale);
    }
    let total: f64 = raw.iter().sum();
    let mut shares: Vec<(String, f64)> = inputs
        .iter()
        .zip(&raw)
        .map(|(name, r)| {
            let share = if total > 0.0 {
                r / total
            } else {
                1.0 / inputs.len().max(1) as f64
            };
            (name.clone(), share)
        })
        .collect();
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(shares)
}

fn prediction_drift(reference: &Output, current: &Output) -> PredictionDrift {
    match (reference.series(), current.series()) {
        (Series::Labels(r), Series::Labels(c)) => {
            let m = categorical::measure(&r, &c);
            let band = verdict::band(m.comparison.psi, &Measures::Label(m.measures), m.p_value);
            let psi = m.comparison.psi;
            let (moved, still) = match reference {
                Output::Groups { .. } => (
                    "The group '{label}' now holds {now} of rows instead of {then}",
                    "Rows fall into the groups much as before",
                ),
                Output::Actions { .. } => (
                    "The policy now recommends '{label}' for {now} of rows instead of {then}",
                    "The policy recommends each action about as often as before",
                ),
                _ => (
                    "The model now predicts '{label}' for {now} of rows instead of {then}",
                    "The model's predictions are spread over the classes much as before",
                ),
            };
            let sentence = match &m.biggest_change {
                Some(change) if band.is_drifted() => format!(
                    "{} (PSI {psi:.2}).",
                    moved
                        .replace("{label}", &change.label)
                        .replace("{now}", &crate::words::percent(change.shares.1))
                        .replace("{then}", &crate::words::percent(change.shares.0))
                ),
                _ => format!("{still} (PSI {psi:.2})."),
            };
            PredictionDrift {
                psi,
                p_value: m.p_value,
                band,
                sentence,
                chart: m.chart,
            }
        }
        (r, c) => {
            let numbers = |s: Series| match s {
                Series::Numbers(v) => v,
                Series::Labels(_) => Vec::new(),
            };
            let m = numeric::measure(&numbers(r), &numbers(c));
            let (a0, a1) = m.measures.mean;
            let psi = m.comparison.psi;
            let band = verdict::band(psi, &Measures::Number(m.measures), m.p_value);
            let what = match reference {
                Output::Classes { classes, .. } => format!(
                    "average predicted chance of '{}' from {} to {}",
                    classes.last().map_or("yes", String::as_str),
                    crate::words::percent(a0),
                    crate::words::percent(a1)
                ),
                _ => format!(
                    "average prediction from {} to {}",
                    crate::words::number(a0),
                    crate::words::number(a1)
                ),
            };
            let sentence = if band.is_drifted() {
                format!("The model's predictions have shifted: {what} (PSI {psi:.2}).")
            } else {
                format!("The model's predictions look much as before: {what} (PSI {psi:.2}).")
            };
            PredictionDrift {
                psi,
                p_value: m.p_value,
                band,
                sentence,
                chart: m.chart,
            }
        }
    }
}

/// Fewest rows with a known outcome a score on new rows is reported from.
const MIN_SCORED_ROWS: usize = 30;

/// The model's score on the current rows whose outcome is known.
fn score_on(
    model: &dyn Artefact,
    current: &Table,
    rows: &[usize],
    scored: &Output,
) -> Option<ScoreChange> {
    let known = model.outcome()?;
    let now = known
        .measure(scored, current, rows)
        .filter(|m| m.rows >= MIN_SCORED_ROWS)?;
    let test_value = known.test.value();
    let verdict = if known.test.metric().higher_is_better() {
        let fall = test_value - now.value;
        if fall >= SCORE_RETRAIN {
            DriftVerdict::Retrain
        } else if fall >= SCORE_WATCH {
            DriftVerdict::Watch
        } else {
            DriftVerdict::Stable
        }
    } else {
        let rise = now.value / test_value.max(1e-12) - 1.0;
        if rise >= 0.2 {
            DriftVerdict::Retrain
        } else if rise >= 0.1 {
            DriftVerdict::Watch
        } else {
            DriftVerdict::Stable
        }
    };
    Some(ScoreChange {
        metric: now.metric,
        test: test_value,
        current: now.value,
        rows: now.rows,
        verdict,
    })
}
