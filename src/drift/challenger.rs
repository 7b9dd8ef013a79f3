//! Champion and challenger: after a Retrain verdict, train a new model (the
//! challenger) on the newer data with the champion's settings, and score
//! both on the same held-out newest rows. Promoting the challenger is the
//! user's decision; [`promote`] saves it with a record of that decision.

use std::path::Path;

use serde::Serialize;

use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::files::write_atomically;
use crate::jobs::Progress;
use crate::ml::metrics::Metric;
use crate::ml::task::read_target;
use crate::templates::Artefact;
use crate::templates::prediction::{
    PredictionOutcome, PredictionRequest, SavedModel, score_rows, train_prediction,
};
use crate::words::Moment;

/// The two models' scores on the same newest rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duel {
    /// The measure both are scored by.
    pub metric: Metric,
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
        self.metric.better(self.challenger, self.champion)
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
        seed: champion.provenance.seed,
        split: card.split_plan.clone(),
    };
    let outcome = train_prediction(
        current,
        &request,
        device,
        &progress.scaled(0.0, 0.95),
        &|_| {},
    )?;
    if outcome.card.target.task != card.target.task {
        return Err(ClearboxError::BadRequest(format!(
            "'{target}' in '{}' is {}, but the model predicts {}, so the two cannot be compared.",
            current.name,
            outcome.card.target.task.describe(),
            card.target.task.describe()
        )));
    }
    progress.report(0.95, "Scoring the champion on the same rows");
    // The same split the challenger was measured on.
    let (_, values) = read_target(current, &target)?;
    let test = request
        .split
        .split(current, &values, champion.provenance.seed)?
        .test;
    let challenger = SavedModel::from_outcome(&outcome);
    let on_test = |model: &SavedModel| -> Result<Option<f64>> {
        let output = score_rows(model, current, &test, &device.device)?;
        Ok(model
            .outcome()
            .and_then(|known| known.measure(&output, current, &test))
            .map(|m| m.value))
    };
    let (Some(champion_score), Some(challenger_score)) =
        (on_test(champion)?, on_test(&challenger)?)
    else {
        return Err(ClearboxError::BadRequest(format!(
            "'{target}' in '{}' is not the same kind of outcome the model was trained on, or its \
             newest rows hold only one outcome, so the two models cannot be compared.",
            current.name
        )));
    };
    let mut duel = Duel {
        metric: card.chosen_test().metric(),
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
        "On {} of the newest data that neither model learnt from, the {winner} scores {} \
         {best:.3} and the {loser} {other:.3}.",
        crate::words::rows(duel.rows),
        duel.metric.name()
    );
    progress.report(1.0, "Done");
    Ok(Challenger { outcome, duel })
}

/// The record saved beside a promoted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Promotion<'a> {
    promoted: Moment,
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
        promoted: Moment::now(),
        replaces: champion_dir.display().to_string(),
        trained_on: &challenger.outcome.provenance.data.name,
        data_fingerprint: &challenger.outcome.provenance.data.fingerprint,
        duel: &challenger.duel,
        decided_by: "the user, from the drift page",
    };
    let text = serde_json::to_string_pretty(&record).map_err(|e| ClearboxError::SaveFailed {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    write_atomically(&dir.join(PROMOTION_RECORD), text.as_bytes())
}
