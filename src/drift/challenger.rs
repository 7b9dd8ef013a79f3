//! Champion and challenger: after a Retrain verdict, train a new model (the
//! challenger) on the newer data with the champion's settings, and score
//! both on the same held-out newest rows. Promoting the challenger is the
//! user's decision; [`promote`] saves it with a record of that decision.

use std::path::Path;

use serde::Serialize;

use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::metrics::{AmountScores, auc};
use crate::ml::task::{TargetValues, read_target};
use crate::project::write_atomically;
use crate::templates::prediction::{
    ChosenModel, PredictionOutcome, PredictionRequest, SavedModel, Scores, score_rows,
    train_prediction,
};

/// The two models' scores on the same newest rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duel {
    /// "AUC", "accuracy" or "RMSE".
    pub metric: String,
    /// Whether a higher figure is better (not for RMSE).
    pub higher_is_better: bool,
    /// The champion's score.
    pub champion: f64,
    /// The challenger's score.
    pub challenger: f64,
    /// The held-out rows of the newer table both were scored on.
    pub rows: usize,
    /// Which is better, in a sentence.
    pub sentence: String,
}

impl Duel {
    /// Whether the challenger scores better.
    pub fn challenger_wins(&self) -> bool {
        if self.higher_is_better {
            self.challenger > self.champion
        } else {
            self.challenger < self.champion
        }
    }
}

/// A trained challenger with its duel against the champion.
#[derive(Debug)]
pub struct Challenger {
    /// The new model, ready to save.
    pub outcome: PredictionOutcome,
    /// Both scored on the newest held-out rows.
    pub duel: Duel,
}

/// Trains a challenger on `current` with the champion's target, inputs and
/// seed, and scores both on the challenger's test rows (rows of the newer
/// data neither model learnt from).
pub fn train_challenger(
    champion: &SavedModel,
    current: &Table,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<Challenger> {
    let card = &champion.card;
    let target = card.target.name.clone();
    if current.column(&target).is_none() {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' has no column '{target}', so a new model cannot learn from it. Use a newer \
             file that records the outcome.",
            current.name
        )));
    }
    let exclude: Vec<String> = current
        .columns
        .iter()
        .map(|c| c.name.clone())
        .filter(|name| name != &target && !card.inputs.contains(name))
        .collect();
    let request = PredictionRequest {
        target: target.clone(),
        exclude,
        include: card.inputs.clone(),
        seed: card.seed,
        split: card.split_plan.clone(),
    };
    let outcome = train_prediction(
        current,
        &request,
        device,
        &progress.scaled(0.0, 0.95),
        &|_| {},
    )?;
    progress.report(0.95, "Scoring the champion on the same rows");
    // The same split the challenger was measured on.
    let (column, values) = read_target(current, &target)?;
    let test = request.split.split(current, &values, card.seed)?.test;
    let scored = score_rows(champion, current, &test, &device.device)?;
    let chosen = match outcome.card.chosen {
        ChosenModel::Deep => &outcome.card.deep.test,
        ChosenModel::Simple => &outcome.card.simple.test,
    };
    let (metric, higher, champion_score, challenger_score) = match (chosen, &values) {
        (Scores::Binary(s), TargetValues::Classes(v)) => {
            let positive = column.classes.get(1).cloned().unwrap_or_default();
            let probabilities = scored
                .probabilities
                .iter()
                .find(|(class, _)| *class == positive)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            let pairs: Vec<(f64, bool)> = test
                .iter()
                .zip(probabilities)
                .filter_map(|(&r, p)| v[r].map(|c| (p, c == 1)))
                .collect();
            ("AUC", true, auc(&pairs).unwrap_or(0.5), s.auc)
        }
        (Scores::Multiclass(s), TargetValues::Classes(v)) => {
            let right = test
                .iter()
                .zip(&scored.predictions)
                .filter(|(r, p)| v[**r].is_some_and(|c| column.classes[c as usize] == **p))
                .count();
            (
                "accuracy",
                true,
                right as f64 / test.len().max(1) as f64,
                s.accuracy,
            )
        }
        (Scores::Regression(s), TargetValues::Amounts(v)) => {
            let truth: Vec<f64> = test.iter().map(|&r| v[r]).collect();
            let rmse = AmountScores::measure(&scored.amounts, &truth).rmse;
            ("RMSE", false, rmse, s.rmse)
        }
        _ => {
            return Err(ClearboxError::BadRequest(format!(
                "'{target}' in '{}' is not the same kind of outcome the model was trained on.",
                current.name
            )));
        }
    };
    let mut duel = Duel {
        metric: metric.to_owned(),
        higher_is_better: higher,
        champion: champion_score,
        challenger: challenger_score,
        rows: test.len(),
        sentence: String::new(),
    };
    let (winner, loser, best, other) = if duel.challenger_wins() {
        ("challenger", "champion", duel.challenger, duel.champion)
    } else {
        ("champion", "challenger", duel.champion, duel.challenger)
    };
    duel.sentence = format!(
        "On {} of the newest data that neither model learnt from, the {winner} scores {metric} \
         {best:.3} and the {loser} {other:.3}.",
        crate::health::words::rows(duel.rows)
    );
    progress.report(1.0, "Done");
    Ok(Challenger { outcome, duel })
}

/// The record saved beside a promoted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Promotion<'a> {
    promoted: String,
    replaces: String,
    trained_on: &'a str,
    data_fingerprint: &'a str,
    duel: &'a Duel,
    decided_by: &'static str,
}

/// Name of the record a promotion leaves in the model folder.
pub const PROMOTION_RECORD: &str = "promotion.json";

/// Saves the challenger to `dir` with a record of the promotion: when, over
/// which model, on what data and with which scores. The user decided it.
pub fn promote(challenger: &Challenger, champion_dir: &Path, dir: &Path) -> Result<()> {
    challenger.outcome.save(dir)?;
    let record = Promotion {
        promoted: chrono::Utc::now()
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        replaces: champion_dir.display().to_string(),
        trained_on: &challenger.outcome.card.data_name,
        data_fingerprint: &challenger.outcome.card.data_fingerprint,
        duel: &challenger.duel,
        decided_by: "the user, from the drift page",
    };
    let text = serde_json::to_string_pretty(&record).map_err(|e| ClearboxError::SaveFailed {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    write_atomically(&dir.join(PROMOTION_RECORD), text.as_bytes())
}
