//! A run's account: what its artefact does, what it used, how it was
//! tested and how it did, in words and one chart. The project keeps it
//! with the run (so the audit trail covers it) and the report prints it;
//! every template gives its own through [`Accountable`].

use serde::{Deserialize, Serialize};

use crate::explain::panel::quality;
use crate::ml::skill::Skill;
use crate::templates::InputChoice;
use crate::templates::Template;
use crate::templates::prediction::{ChosenModel, Prediction, PredictionOutcome};
use crate::templates::reinforcement::{Reinforcement, ReinforcementOutcome};
use crate::templates::segmentation::{Segmentation, SegmentationOutcome};
use crate::words;

/// One bar of an account's chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// What it is ("Deep model").
    pub label: String,
    /// Its value.
    pub value: f64,
    /// The likely range, when there is one.
    pub range: Option<(f64, f64)>,
}

/// The chart of an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Its title ("Test AUC").
    pub title: String,
    /// The sentence under it.
    pub caption: String,
    /// The bars, in order.
    pub bars: Vec<Bar>,
}

/// What a run made and how it did, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// What the artefact does and for which rows.
    pub purpose: String,
    /// The columns it reads.
    pub inputs: Vec<String>,
    /// Columns left out, each with why.
    pub left_out: Vec<(String, String)>,
    /// How it was tested, in a sentence.
    pub tested: String,
    /// How it did, in business words, against the simple reference.
    pub results: Vec<String>,
    /// Its figures as a chart.
    pub chart: Chart,
}

/// A template whose runs can be accounted for in a project and a report.
pub trait Accountable: Template {
    /// The account of a finished run.
    fn account(outcome: &Self::Outcome) -> Account;

    /// The run's figures, as a project records them and a rerun compares
    /// them (plain data: numbers, labels).
    fn metrics(outcome: &Self::Outcome) -> serde_json::Value;

    /// The figures in one sentence, against the simple reference, for the
    /// run history.
    fn headline(outcome: &Self::Outcome) -> String;
}

fn left_out(inputs: &[InputChoice]) -> Vec<(String, String)> {
    inputs
        .iter()
        .filter_map(|c| c.left_out().map(|why| (c.column.clone(), why.reason())))
        .collect()
}

impl Accountable for Prediction {
    fn metrics(outcome: &PredictionOutcome) -> serde_json::Value {
        let card = &outcome.card;
        serde_json::json!({
            "test": card.deep.test,
            "baseline": card.simple.test,
            "trees": card.trees,
            "chosen": card.chosen,
            "kept": card.chosen_test(),
            "measured": card.measured,
            "epochs": { "deep": card.deep.fitting.passes() },
        })
    }

    fn headline(outcome: &PredictionOutcome) -> String {
        let card = &outcome.card;
        let metric = card.deep.test.metric();
        let kept = match card.chosen {
            ChosenModel::Deep => "the deep model is kept",
            ChosenModel::Simple => "the simple model is kept, as the deep one does not beat it",
            ChosenModel::Trees => &format!(
                "the tree model is kept, as it clearly beats both ({} {:.3})",
                metric.name(),
                card.chosen_test().value()
            ),
        };
        let measured = match card.measured {
            crate::templates::prediction::Measured::HeldOut => "Test",
            crate::templates::prediction::Measured::CrossValidated { .. } => "Cross-validated",
        };
        let guessing = match card.skill() {
            Skill::BeatsGuessing => "",
            Skill::NoBetterThanGuessing(_) => " It does no better than guessing.",
        };
        format!(
            "{measured} {} {:.3} against {:.3} for the simple model; {kept}.{guessing}",
            metric.name(),
            card.deep.test.value(),
            card.simple.test.value()
        )
    }

    fn account(outcome: &PredictionOutcome) -> Account {
        let card = &outcome.card;
        let metric = card.deep.test.metric();
        let mut bars = vec![
            Bar {
                label: "Deep model".into(),
                value: card.deep.test.value(),
                range: None,
            },
            Bar {
                label: "Simple model".into(),
                value: card.simple.test.value(),
                range: None,
            },
        ];
        if let Some(trees) = &card.trees {
            bars.push(Bar {
                label: "Tree model".into(),
                value: trees.test.value(),
                range: None,
            });
        }
        if metric == crate::ml::metrics::Metric::Auc {
            bars.push(Bar {
                label: "Guessing".into(),
                value: 0.5,
                range: None,
            });
        }
        let direction = if metric.higher_is_better() {
            "higher is better"
        } else {
            "lower is better: it is the typical size of an error"
        };
        Account {
            purpose: format!(
                "Predicts '{}' ({}) for each row of a table like '{}'.",
                card.target.name,
                card.target.task.describe(),
                outcome.provenance.data.name
            ),
            inputs: card.inputs.clone(),
            left_out: left_out(&outcome.inputs),
            tested: card.split_sentence.clone(),
            results: quality(card),
            chart: Chart {
                title: format!("Test {}", metric.name()),
                caption: format!(
                    "{} on rows the models never saw ({direction}).",
                    metric.name()
                ),
                bars,
            },
        }
    }
}

impl Accountable for Segmentation {
    fn metrics(outcome: &SegmentationOutcome) -> serde_json::Value {
        let card = &outcome.card;
        serde_json::json!({
            "k": card.k,
            "silhouette": outcome.silhouette(),
            "stability": card.stability.as_ref().map(|s| s.agreement),
            "sizes": card.sizes,
        })
    }

    fn headline(outcome: &SegmentationOutcome) -> String {
        let card = &outcome.card;
        let fit = outcome.silhouette().map_or(String::new(), |s| {
            format!(", silhouette {s:.2} (1 means tight, well-apart groups; 0 overlapping)")
        });
        let again = card.stability.as_ref().map_or(String::new(), |s| {
            format!(
                "; found again with agreement {:.2} (1 means the same groups)",
                s.agreement
            )
        });
        format!("{} groups{fit}{again}.", card.k)
    }

    fn account(outcome: &SegmentationOutcome) -> Account {
        let card = &outcome.card;
        let mut results = vec![outcome.k_sentence()];
        if let Some(stability) = &card.stability {
            results.push(stability.sentence());
        }
        for p in &outcome.profiles {
            let traits: Vec<&str> = p
                .traits
                .iter()
                .take(2)
                .map(|t| t.sentence.as_str())
                .collect();
            results.push(format!(
                "Group {} '{}': {} rows ({}). {}",
                p.id.0 + 1,
                p.name,
                p.size,
                words::percent(p.share),
                traits.join(" ")
            ));
        }
        Account {
            purpose: format!(
                "Puts each row of a table like '{}' into one of {} natural groups, named by what sets each apart.",
                outcome.provenance.data.name, card.k
            ),
            inputs: card
                .features
                .weights
                .iter()
                .map(|w| w.column.clone())
                .collect(),
            left_out: left_out(&outcome.inputs),
            tested: format!(
                "Every row was used; the groups were found again from other starting points to check they are repeatable (rows compared on {}).",
                outcome.representation
            ),
            results,
            chart: Chart {
                title: "Rows in each group".into(),
                caption: "How many rows each group holds.".into(),
                bars: outcome
                    .profiles
                    .iter()
                    .map(|p| Bar {
                        label: p.name.clone(),
                        value: p.size as f64,
                        range: None,
                    })
                    .collect(),
            },
        }
    }
}

impl Accountable for Reinforcement {
    fn metrics(outcome: &ReinforcementOutcome) -> serde_json::Value {
        let evaluation = &outcome.card.evaluation;
        serde_json::json!({
            "decisions": evaluation.decisions,
            "learned": evaluation.learned,
            "logged": evaluation.logged,
            "random": evaluation.random,
            "best_single": evaluation.best_single,
            "best_single_action": evaluation.best_single_action,
            "comparison": evaluation.comparison,
        })
    }

    fn headline(outcome: &ReinforcementOutcome) -> String {
        outcome.card.evaluation.headline.clone()
    }

    fn account(outcome: &ReinforcementOutcome) -> Account {
        let card = &outcome.card;
        let e = &card.evaluation;
        let mut results = vec![
            e.headline.clone(),
            e.verdict.clone(),
            card.reward_model_sentence(),
        ];
        results.extend(e.notes.iter().cloned());
        let value = |label: &str, v: &crate::templates::reinforcement::evaluate::Estimate| Bar {
            label: label.to_owned(),
            value: v.estimate,
            range: Some((v.low, v.high)),
        };
        Account {
            purpose: format!(
                "Recommends which of {} actions ('{}') to take for each row of a log like '{}', to earn more '{}'.",
                card.actions.len(),
                card.roles.action,
                outcome.provenance.data.name,
                card.roles.reward
            ),
            inputs: card.inputs.clone(),
            left_out: left_out(&outcome.inputs),
            tested: card.split_sentence.clone(),
            results,
            chart: Chart {
                title: format!("Estimated '{}' per decision", card.roles.reward),
                caption: "What each way of choosing would have earned on held-out decisions, with its likely range (doubly robust estimate).".into(),
                bars: vec![
                    value("Learned policy", &e.learned.doubly_robust),
                    value("What was done", &e.logged),
                    value("Every action equally", &e.random.doubly_robust),
                    value(&format!("Always '{}'", e.best_single_action), &e.best_single.doubly_robust),
                ],
            },
        }
    }
}
