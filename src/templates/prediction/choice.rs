//! Which of the three models is kept, on which rows' figures, and how that
//! reads. On a held-out split the choice is made on the validation rows, so
//! the test rows stay untouched and the kept model's test figure is an
//! honest estimate: picking the best of three on the test rows themselves
//! would report the luckiest of three. Under cross-validation there are no
//! validation rows apart; the choice is made on the figures every row gave
//! as a rotation's test row, which is what the card shows.

use serde::{Deserialize, Serialize};

use super::saved::ModelCard;
use super::{ChosenModel, Scores};
use crate::ml::metrics::Metric;

/// The figures a choice was made on, where they are not the card's test
/// figures (see [`ModelCard::chosen_on`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChoiceFigures {
    /// The deep model's scores on the validation rows.
    pub deep: Scores,
    /// The simple model's.
    pub simple: Scores,
    /// The tree model's, when there is one.
    pub trees: Option<Scores>,
}

/// The deep model unless the simple one scores better; the trees when they
/// clearly beat whichever of the two that is ([`trees_lead`]).
pub(super) fn choose(deep: &Scores, simple: &Scores, trees: Option<&Scores>) -> ChosenModel {
    let (better, scores) = better_network(deep, simple);
    match trees {
        Some(trees) if trees_lead(trees, scores) => ChosenModel::Trees,
        _ => better,
    }
}

/// The better of the deep and the simple model, and its scores: the deep
/// one unless the simple one scores better.
fn better_network<'a>(deep: &'a Scores, simple: &'a Scores) -> (ChosenModel, &'a Scores) {
    if deep.headline() >= simple.headline() {
        (ChosenModel::Deep, deep)
    } else {
        (ChosenModel::Simple, simple)
    }
}

/// Whether the tree model does clearly better than the better of the deep
/// and the simple model: by more than 0.01 AUC or accuracy, or an error 3%
/// smaller — differences beyond what a reshuffle of the rows usually moves.
/// Only then are the trees kept for scoring, so a close call stays with the
/// models whose explanations are smooth in every input.
pub fn trees_lead(trees: &Scores, kept: &Scores) -> bool {
    match kept.metric() {
        Metric::Rmse => trees.value() < kept.value() * 0.97,
        _ => trees.value() > kept.value() + 0.01,
    }
}

/// The tree model against the kept one, when the trees are not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnkeptTrees {
    /// No clear gain on the rows the choice was made on, nor on the test rows.
    NoClearGain,
    /// Clearly better on the test rows, but not on the validation rows the
    /// choice was made on.
    AheadOnTestOnly,
    /// Clearly better on the figures the choice is made on: the card was
    /// saved before Clearbox could keep trees.
    AheadSavedBefore,
}

impl ModelCard {
    /// Why the trees are not kept, when there are trees and they are not.
    pub fn unkept_trees(&self) -> Option<UnkeptTrees> {
        let trees = self.trees.as_ref()?;
        if self.chosen == ChosenModel::Trees {
            return None;
        }
        let ahead_on_test = trees_lead(&trees.test, self.chosen_test());
        Some(match (ahead_on_test, &self.chosen_on) {
            (false, _) => UnkeptTrees::NoClearGain,
            (true, Some(_)) => UnkeptTrees::AheadOnTestOnly,
            (true, None) => UnkeptTrees::AheadSavedBefore,
        })
    }

    /// Which model is kept and why, in one sentence with the figures it
    /// was chosen on.
    pub fn kept_sentence(&self) -> String {
        let metric = self.deep.test.metric();
        let shown = |scores: &Scores| format!("{} {}", metric.name(), metric.shown(scores.value()));
        // Where the figures come from, for the sentences that compare.
        let (deep, simple, trees, rows, deep_rows) = match &self.chosen_on {
            Some(on) => (
                &on.deep,
                &on.simple,
                on.trees.as_ref(),
                " on the validation rows",
                " on the validation rows",
            ),
            None => (
                &self.deep.test,
                &self.simple.test,
                self.trees.as_ref().map(|t| &t.test),
                " on this table",
                "",
            ),
        };
        match (self.chosen, trees) {
            (ChosenModel::Trees, Some(trees)) => {
                let (_, runner_up) = better_network(deep, simple);
                format!(
                    "The tree model does clearly better{rows} than the deep and the simple model ({} against {}), so it is the one used for scoring and explanations.",
                    shown(trees),
                    shown(runner_up)
                )
            }
            (ChosenModel::Simple, _) => format!(
                "The deep model does not beat the simple one{rows} ({} against {}), so the simple model is used instead.",
                shown(deep),
                shown(simple)
            ),
            _ => format!(
                "The deep model does at least as well as the simple one{deep_rows} ({} against {}), so it is the one used.",
                shown(deep),
                shown(simple)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::metrics::AmountScores;

    /// Amount scores whose RMSE is `rmse` (every prediction off by it).
    fn rmse(rmse: f64) -> Scores {
        Scores::Regression(AmountScores::measure(&[rmse, -rmse], &[0.0, 0.0]))
    }

    #[test]
    fn trees_are_kept_only_when_they_clearly_beat_the_better_of_the_two() {
        let (deep, simple) = (rmse(1.0), rmse(1.2));
        assert_eq!(choose(&deep, &simple, None), ChosenModel::Deep);
        assert_eq!(choose(&simple, &deep, None), ChosenModel::Simple);
        // 2% smaller than the deep model's error is within the noise.
        assert_eq!(choose(&deep, &simple, Some(&rmse(0.98))), ChosenModel::Deep);
        assert_eq!(
            choose(&deep, &simple, Some(&rmse(0.96))),
            ChosenModel::Trees
        );
        // Measured against the better model, not the weaker simple one.
        assert_eq!(
            choose(&simple, &deep, Some(&rmse(0.98))),
            ChosenModel::Simple
        );
    }
}
