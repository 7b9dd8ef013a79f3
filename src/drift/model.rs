//! Drift seen through a saved Prediction model: how much the model relies
//! on each column, whether its predictions moved, and — when the current
//! table has the true outcome — how its score on the new rows compares with
//! its test score.

use burn::tensor::Device;
use serde::Serialize;

use super::rows::{take_rows, take_values, with_values};
use super::stats::{SplitMix, sample_rows};
use super::verdict::{self, DriftBand, DriftVerdict};
use super::{DriftChart, Measures, categorical, numeric};
use crate::data::{ColumnValues, Table, TextValues};
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::metrics::{AmountScores, auc};
use crate::ml::task::TaskKind;
use crate::templates::prediction::{ChosenModel, SavedModel, Scored, Scores, score_rows};

/// Rows of the reference used to measure the model's reliance on each column.
const IMPORTANCE_ROWS: usize = 2_000;
/// Rows of each table scored to compare predictions and measure the score.
const SCORED_ROWS: usize = 100_000;
/// A fall in AUC or accuracy from this much calls for a look.
const SCORE_WATCH: f64 = 0.02;
/// A fall in AUC or accuracy from this much calls for retraining.
const SCORE_RETRAIN: f64 = 0.05;

/// A saved model to check, and the device to run it on.
pub struct ModelCheck<'a> {
    /// The model.
    pub model: &'a SavedModel,
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
    /// The measure: "AUC", "accuracy" or "RMSE".
    pub metric: String,
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
    /// The column the model predicts.
    pub target: String,
    /// The kind of prediction.
    pub task: TaskKind,
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
        if let Some(score) = &self.score {
            if score.verdict > DriftVerdict::Stable {
                out.push((score.verdict, 100.0, score_sentence(score)));
            }
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
    let (test, now) = (s.test, s.current);
    match s.verdict {
        DriftVerdict::Stable => format!(
            "The model's {} on the new rows is {now:.3}, in line with its test score of {test:.3}.",
            s.metric
        ),
        _ if s.metric == "RMSE" => format!(
            "The model's typical error (RMSE) on the new rows grew from {test:.3} to {now:.3}."
        ),
        _ => format!(
            "The model's {} on the new rows fell from {test:.3} to {now:.3}.",
            s.metric
        ),
    }
}

/// Measures the model's reliance on each input, its prediction drift and its
/// score on `current`.
pub fn check_model(
    check: &ModelCheck<'_>,
    reference: &Table,
    current: &Table,
    progress: &Progress,
) -> Result<ModelDrift> {
    let card = &check.model.card;
    card.preprocessor.check(reference)?;
    card.preprocessor.check(current)?;
    progress.report(0.0, "Measuring what the model relies on");
    let importance = importance(check, reference, &progress.scaled(0.0, 0.6))?;
    progress.report(0.6, "Scoring both tables");
    let ref_rows = sample_rows(reference.rows, SCORED_ROWS, 11);
    let cur_rows = sample_rows(current.rows, SCORED_ROWS, 12);
    let ref_scored = score_rows(check.model, reference, &ref_rows, check.device)?;
    progress.check_cancelled()?;
    let cur_scored = score_rows(check.model, current, &cur_rows, check.device)?;
    let predictions = prediction_drift(check.model, &ref_scored, &cur_scored);
    let score = score_on(check.model, current, &cur_rows, &cur_scored);
    progress.report(1.0, "Done");
    Ok(ModelDrift {
        target: card.target.name.clone(),
        task: card.target.task,
        importance,
        predictions,
        score,
    })
}

/// Numbers per row that summarise a prediction: the positive class's
/// probability, every class's probability, or the amount.
fn outputs(scored: &Scored) -> Vec<Vec<f64>> {
    if !scored.amounts.is_empty() {
        return vec![scored.amounts.clone()];
    }
    scored
        .probabilities
        .iter()
        .map(|(_, p)| p.clone())
        .collect()
}

/// Permutation importance without the outcome: how much the predictions
/// change when one column's values are shuffled among the rows, as shares
/// of the total. Needs no true outcomes, so any reference table will do.
fn importance(
    check: &ModelCheck<'_>,
    reference: &Table,
    progress: &Progress,
) -> Result<Vec<(String, f64)>> {
    let rows = sample_rows(reference.rows, IMPORTANCE_ROWS, 21);
    let sample = take_rows(reference, &rows, reference.name.clone());
    let all: Vec<usize> = (0..sample.rows).collect();
    let base = outputs(&score_rows(check.model, &sample, &all, check.device)?);
    // Amounts are compared in units of their own spread.
    let scale = if check.model.card.target.task == TaskKind::Regression {
        let v = &base[0];
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / v.len().max(1) as f64)
            .sqrt()
            .max(1e-12)
    } else {
        1.0
    };
    let inputs = &check.model.card.inputs;
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
        let moved = outputs(&score_rows(check.model, &shuffled, &all, check.device)?);
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

fn prediction_drift(model: &SavedModel, reference: &Scored, current: &Scored) -> PredictionDrift {
    let target = &model.card.target;
    match target.task {
        TaskKind::Multiclass => {
            let as_text = |s: &Scored| TextValues {
                codes: s
                    .predictions
                    .iter()
                    .map(|p| target.classes.iter().position(|c| c == p).unwrap_or(0) as u32)
                    .collect(),
                levels: target.classes.clone(),
            };
            let m = categorical::measure(&as_text(reference), &as_text(current));
            let band = verdict::band(m.comparison.psi, &Measures::Label(m.measures), m.p_value);
            let sentence = match &m.biggest_change {
                Some(change) if band.is_drifted() => format!(
                    "The model now predicts '{}' for {} of rows instead of {} (PSI {:.2}).",
                    change.label,
                    crate::health::words::percent(change.shares.1),
                    crate::health::words::percent(change.shares.0),
                    m.comparison.psi
                ),
                _ => format!(
                    "The model's predictions are spread over the classes much as before (PSI {:.2}).",
                    m.comparison.psi
                ),
            };
            PredictionDrift {
                psi: m.comparison.psi,
                p_value: m.p_value,
                band,
                sentence,
                chart: m.chart,
            }
        }
        _ => {
            let (r, c) = (outputs(reference), outputs(current));
            // Yes/no: the positive (last) class's probability.
            let pick = |o: &[Vec<f64>]| o.last().cloned().unwrap_or_default();
            let m = numeric::measure(&pick(&r), &pick(&c));
            let (a0, a1) = m.measures.mean;
            let psi = m.comparison.psi;
            let band = verdict::band(psi, &Measures::Number(m.measures), m.p_value);
            let what = match target.task {
                TaskKind::Regression => format!(
                    "average prediction from {} to {}",
                    crate::health::words::number(a0),
                    crate::health::words::number(a1)
                ),
                _ => format!(
                    "average predicted chance of '{}' from {} to {}",
                    target.classes.last().map_or("yes", String::as_str),
                    crate::health::words::percent(a0),
                    crate::health::words::percent(a1)
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

/// The model's score on the current rows whose outcome is known.
fn score_on(
    model: &SavedModel,
    current: &Table,
    rows: &[usize],
    scored: &Scored,
) -> Option<ScoreChange> {
    let card = &model.card;
    let column = current.column(&card.target.name)?;
    let test = match card.chosen {
        ChosenModel::Deep => &card.deep.test,
        ChosenModel::Simple => &card.simple.test,
    };
    let class_of = |row: usize| -> Option<usize> {
        let shown = column.values.display(row);
        let shown = shown.trim();
        card.target
            .classes
            .iter()
            .position(|c| c == shown)
            .or_else(|| {
                card.target
                    .classes
                    .iter()
                    .position(|c| c.eq_ignore_ascii_case(shown))
            })
    };
    let (metric, test_value, now, n) = match (test, column.values.as_ref()) {
        (Scores::Binary(s), _) => {
            let p = scored.probabilities.last()?;
            let pairs: Vec<(f64, bool)> = rows
                .iter()
                .zip(&p.1)
                .filter_map(|(&r, &prob)| class_of(r).map(|c| (prob, c == 1)))
                .collect();
            ("AUC", s.auc, auc(&pairs)?, pairs.len())
        }
        (Scores::Multiclass(s), _) => {
            let known: Vec<bool> = rows
                .iter()
                .zip(&scored.predictions)
                .filter_map(|(&r, p)| class_of(r).map(|c| card.target.classes[c] == *p))
                .collect();
            let right = known.iter().filter(|k| **k).count();
            (
                "accuracy",
                s.accuracy,
                right as f64 / known.len().max(1) as f64,
                known.len(),
            )
        }
        (Scores::Regression(s), ColumnValues::Number(v)) => {
            let (predicted, truth): (Vec<f64>, Vec<f64>) = rows
                .iter()
                .zip(&scored.amounts)
                .filter(|(r, _)| !v[**r].is_nan())
                .map(|(&r, &p)| (p, v[r]))
                .unzip();
            if truth.is_empty() {
                return None;
            }
            (
                "RMSE",
                s.rmse,
                AmountScores::measure(&predicted, &truth).rmse,
                truth.len(),
            )
        }
        _ => return None,
    };
    if n < 30 {
        return None;
    }
    let verdict = if metric == "RMSE" {
        let rise = now / test_value.max(1e-12) - 1.0;
        if rise >= 0.2 {
            DriftVerdict::Retrain
        } else if rise >= 0.1 {
            DriftVerdict::Watch
        } else {
            DriftVerdict::Stable
        }
    } else {
        let fall = test_value - now;
        if fall >= SCORE_RETRAIN {
            DriftVerdict::Retrain
        } else if fall >= SCORE_WATCH {
            DriftVerdict::Watch
        } else {
            DriftVerdict::Stable
        }
    };
    Some(ScoreChange {
        metric: metric.to_owned(),
        test: test_value,
        current: now,
        rows: n,
        verdict,
    })
}
