//! The executive panel: one screen per model, in sentences — what it
//! predicts, how good it is against the simple model in business words,
//! what drives it and how sure that is, and what to watch out for.

use serde::{Deserialize, Serialize};

use super::importance::{Driver, Stability};
use super::sentences::model_paragraph;
use crate::ml::task::TaskKind;
use crate::templates::prediction::{ChosenModel, ModelCard, Scores, UnkeptTrees};
use crate::templates::{InputChoice, LeftOut, Provenance};
use crate::words;

/// Fewer training rows than this earn a small-data warning.
const SMALL_DATA: usize = 1000;
/// A yes/no outcome rarer than this earns an imbalance warning.
const RARE: f64 = 0.1;

/// Everything the panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutivePanel {
    /// "Predicts whether churn is 'Yes'".
    pub headline: String,
    /// For whom: the data it learned from.
    pub scope: String,
    /// How good it is, against the simple model, in business words.
    pub quality: Vec<String>,
    /// The main drivers in a paragraph.
    pub drivers_paragraph: String,
    /// The drivers, strongest first (at most eight).
    pub drivers: Vec<Driver>,
    /// What the drivers' numbers are measured in.
    pub drivers_unit: String,
    /// How far the drivers can be trusted.
    pub stability: String,
    /// What to keep in mind.
    pub warnings: Vec<String>,
}

/// Builds the panel of the model described by `card` (made as `provenance`
/// says), trained with `inputs`.
pub fn executive_panel(
    provenance: &Provenance,
    card: &ModelCard,
    inputs: &[InputChoice],
    drivers: &[Driver],
) -> ExecutivePanel {
    let target = &card.target;
    let headline = match target.task {
        TaskKind::Binary => format!(
            "Predicts whether '{}' is '{}'",
            target.name,
            target.classes.last().map_or("?", String::as_str)
        ),
        TaskKind::Multiclass => format!(
            "Predicts which of {} labels '{}' has",
            target.classes.len(),
            target.name
        ),
        TaskKind::Regression => format!("Predicts '{}' as a number", target.name),
    };
    let scope = format!(
        "Learned from '{}'. {}",
        provenance.data.name, card.split_sentence
    )
    .trim()
    .to_owned();
    let drivers_unit = match target.task {
        TaskKind::Regression => format!(
            "Bar length: an input's average push on a prediction, in '{}' units.",
            target.name
        ),
        _ => "Bar length: an input's average push on a predicted chance (0.1 = 10 percentage points)."
            .to_owned(),
    };
    let shaky: Vec<&str> = drivers
        .iter()
        .take(8)
        .filter(|d| d.stability == Stability::Shaky)
        .map(|d| d.column.as_str())
        .collect();
    let stability = if shaky.is_empty() {
        "The ranking of the main drivers is stable: recomputing it with other comparison rows gives the same picture."
            .to_owned()
    } else {
        format!(
            "Read the ranking of {} with care: it moves when recomputed with other comparison rows (shaky).",
            quoted(&shaky)
        )
    };
    ExecutivePanel {
        headline,
        scope,
        quality: quality(card),
        drivers_paragraph: model_paragraph(target, drivers),
        drivers: drivers.iter().take(8).cloned().collect(),
        drivers_unit,
        stability,
        warnings: warnings(card, inputs),
    }
}

fn quoted(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// The chosen model against the simple one, in business words.
pub fn quality(card: &ModelCard) -> Vec<String> {
    let chosen = card.chosen_test();
    let simple = &card.simple.test;
    let positive = card
        .target
        .positive_words()
        .unwrap_or_else(|| card.target.name.clone());
    let mut lines = match (chosen, simple) {
        (Scores::Binary(m), Scores::Binary(s)) => vec![
            format!(
                "Of every 100 rows it flags as {positive}, {:.0} really {}; picking at random would find {:.0}.",
                m.precision * 100.0,
                words::agreeing(m.precision * 100.0, "is", "are"),
                m.base_rate * 100.0
            ),
            format!(
                "It catches {:.0} of every 100 rows with {positive}.",
                m.recall * 100.0
            ),
            format!(
                "It ranks a random row with {positive} above a random other row {} of the time (AUC {:.2}); the simple model does so {} of the time.",
                words::percent(m.auc),
                m.auc,
                words::percent(s.auc)
            ),
        ],
        (Scores::Multiclass(m), Scores::Multiclass(s)) => vec![format!(
            "It names the right label for {} of rows; the simple model for {}.",
            words::percent(m.accuracy),
            words::percent(s.accuracy)
        )],
        (Scores::Regression(m), Scores::Regression(s)) => vec![format!(
            "Its predictions are typically {} off (in '{}' units); the simple model's are {} off.",
            words::number(m.mae),
            card.target.name,
            words::number(s.mae)
        )],
        _ => Vec::new(),
    };
    if card.chosen != ChosenModel::Deep {
        lines.push(card.kept_sentence());
    }
    // First, so a reader meets it before any figure.
    if let Some(warning) = card.guessing_warning() {
        lines.insert(0, warning);
    }
    let metric = chosen.metric();
    if let Some(spread) = card.measured.spread(card.chosen) {
        lines.push(format!(
            "Every row was measured by a model that had not seen it: its {} was {spread}.",
            metric.name()
        ));
    }
    if let (Some(trees), Some(unkept)) = (&card.trees, card.unkept_trees()) {
        let comparison = match unkept {
            UnkeptTrees::AheadSavedBefore => {
                "better than the model used here, which was saved before Clearbox could keep trees (train it again to use them)"
            }
            UnkeptTrees::AheadOnTestOnly => {
                "better than the model used here, but not clearly on the validation rows the choice is made on, so the difference may be luck"
            }
            UnkeptTrees::NoClearGain => "no clear gain over the model used here",
        };
        lines.push(format!(
            "A tree model (gradient-boosted trees) reaches {} {} on the same rows: {comparison}.",
            metric.name(),
            metric.shown(trees.test.value())
        ));
    }
    lines
}

fn warnings(card: &ModelCard, inputs: &[InputChoice]) -> Vec<String> {
    let mut out = Vec::new();
    let leaky: Vec<&str> = inputs
        .iter()
        .filter(|c| matches!(c.left_out(), Some(LeftOut::Leakage { .. })))
        .map(|c| c.column.as_str())
        .collect();
    if !leaky.is_empty() {
        out.push(format!(
            "Left out because they give the answer away (they would not be known in time): {}.",
            quoted(&leaky)
        ));
    }
    let [train, _, _] = card.split_sizes;
    if train < SMALL_DATA {
        out.push(format!(
            "Small data: the model learned from only {}. Its figures could change noticeably with more data.",
            words::rows(train)
        ));
    }
    if let Scores::Binary(m) = card.chosen_test() {
        let rate = m.base_rate.min(1.0 - m.base_rate);
        if rate < RARE {
            out.push(format!(
                "Rare outcome: only {} of rows are in the smaller group, so a few mistakes move the figures a lot.",
                words::percent(rate)
            ));
        }
    }
    out.push(
        "The drivers are patterns in past data, not causes. Check a model against new data before relying on it."
            .into(),
    );
    out
}
