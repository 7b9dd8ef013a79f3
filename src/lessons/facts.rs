//! What a lesson's checks look at: a plain summary of what the learner has
//! done, filled in by the front (the GUI reads it off its state each frame),
//! and each check's verdict and sentence.

use serde::Deserialize;

use super::Check;
use crate::drift::DriftVerdict;

/// The screens a step can wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Screen {
    /// The home screen.
    Home,
    /// The open table and its health.
    Data,
    /// The prediction wizard.
    Prediction,
    /// The segmentation wizard.
    Segmentation,
    /// The reinforcement wizard.
    Reinforcement,
    /// The explanation page.
    Explanation,
    /// The drift page.
    Drift,
}

impl Screen {
    /// Its name in sentences.
    pub fn name(self) -> &'static str {
        match self {
            Self::Home => "the home screen",
            Self::Data => "the data page",
            Self::Prediction => "Predict a column",
            Self::Segmentation => "Find groups",
            Self::Reinforcement => "Choose the best action",
            Self::Explanation => "the explanation page",
            Self::Drift => "Compare with newer data",
        }
    }
}

/// The last prediction model trained.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFacts {
    /// Its headline figure (AUC, accuracy or RMSE) on rows it never saw.
    pub value: f64,
    /// The columns it reads.
    pub inputs: Vec<String>,
}

/// What the learner has done, as the checks see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    /// The screen showing.
    pub screen: Option<Screen>,
    /// The column to predict.
    pub target: Option<String>,
    /// The prediction wizard's columns and whether each is used.
    pub inputs: Vec<(String, bool)>,
    /// The prediction model on the results page.
    pub model: Option<ModelFacts>,
    /// How many groups were found, once found.
    pub groups: Option<usize>,
    /// Whether a policy was learned.
    pub policy: bool,
    /// Whether the explanation's drivers are shown.
    pub drivers: bool,
    /// The drift check's verdict, once checked.
    pub drift: Option<DriftVerdict>,
    /// The columns the user's fixes touched.
    pub fixed: Vec<String>,
    /// The columns whose details are open (on the data page, the drift page).
    pub inspected: Vec<String>,
}

impl Check {
    /// Whether the learner has done it.
    pub fn passes(&self, facts: &Facts) -> bool {
        let input = |name: &str| {
            facts
                .inputs
                .iter()
                .find(|(c, _)| c == name)
                .map(|(_, u)| *u)
        };
        match self {
            Self::Showing(screen) => facts.screen == Some(*screen),
            Self::TargetIs(column) => facts.target.as_deref() == Some(column.as_str()),
            Self::LeftOut(column) => input(column) == Some(false),
            Self::Used(column) => input(column) == Some(true),
            Self::ModelTrained {
                at_least,
                at_most,
                using,
                without,
            } => facts.model.as_ref().is_some_and(|model| {
                at_least.is_none_or(|low| model.value >= low)
                    && at_most.is_none_or(|high| model.value <= high)
                    && using.iter().all(|c| model.inputs.contains(c))
                    && !without.iter().any(|c| model.inputs.contains(c))
            }),
            Self::GroupsFound(k) => facts
                .groups
                .is_some_and(|found| k.is_none_or(|k| found == k)),
            Self::PolicyLearned => facts.policy,
            Self::DriversShown => facts.drivers,
            Self::DriftChecked(verdict) => facts
                .drift
                .is_some_and(|found| verdict.is_none_or(|v| found == v)),
            Self::FixApplied(column) => match column {
                Some(column) => facts.fixed.contains(column),
                None => !facts.fixed.is_empty(),
            },
            Self::Inspected(column) => facts.inspected.contains(column),
        }
    }

    /// What it waits for, as a sentence ending in a full stop.
    pub fn describe(&self) -> String {
        match self {
            Self::Showing(screen) => format!("Done when {} is showing.", screen.name()),
            Self::TargetIs(column) => format!("Done when '{column}' is the column to predict."),
            Self::LeftOut(column) => format!("Done when the model leaves '{column}' out."),
            Self::Used(column) => format!("Done when the model uses '{column}'."),
            Self::ModelTrained {
                at_least,
                at_most,
                using,
                without,
            } => {
                let mut parts = vec!["Done when a model is trained".to_owned()];
                match (at_least, at_most) {
                    (Some(low), Some(high)) => {
                        parts.push(format!("scoring between {low} and {high} on test rows"))
                    }
                    (Some(low), None) => parts.push(format!("scoring at least {low} on test rows")),
                    (None, Some(high)) => {
                        parts.push(format!("scoring at most {high} on test rows"))
                    }
                    (None, None) => {}
                }
                if !using.is_empty() {
                    parts.push(format!("using {}", quoted(using)));
                }
                if !without.is_empty() {
                    parts.push(format!("without {}", quoted(without)));
                }
                format!("{}.", parts.join(", "))
            }
            Self::GroupsFound(None) => "Done when groups are found.".to_owned(),
            Self::GroupsFound(Some(k)) => format!("Done when {k} groups are found."),
            Self::PolicyLearned => "Done when a policy is learned.".to_owned(),
            Self::DriversShown => "Done when the explanation's drivers are shown.".to_owned(),
            Self::DriftChecked(None) => "Done when the drift check has a verdict.".to_owned(),
            Self::DriftChecked(Some(v)) => {
                format!("Done when the drift check says {}.", v.word())
            }
            Self::FixApplied(None) => "Done when a fix is applied.".to_owned(),
            Self::FixApplied(Some(column)) => format!("Done when '{column}' is fixed."),
            Self::Inspected(column) => format!("Done when '{column}' is open in detail."),
        }
    }
}

/// Column names in quotes, joined with "and".
fn quoted(columns: &[String]) -> String {
    let quoted: Vec<String> = columns.iter().map(|c| format!("'{c}'")).collect();
    crate::words::list(&quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(value: f64, inputs: &[&str]) -> Facts {
        Facts {
            model: Some(ModelFacts {
                value,
                inputs: inputs.iter().map(|s| s.to_string()).collect(),
            }),
            ..Facts::default()
        }
    }

    #[test]
    fn a_trained_model_passes_only_within_its_bounds_and_columns() {
        let check = Check::ModelTrained {
            at_least: Some(0.8),
            at_most: Some(0.9),
            using: vec!["Sex".into()],
            without: vec!["boat".into()],
        };
        assert!(check.passes(&trained(0.85, &["Sex", "Age"])));
        assert!(!check.passes(&trained(0.97, &["Sex", "boat"])));
        assert!(!check.passes(&trained(0.85, &["Sex", "boat"])));
        assert!(!check.passes(&trained(0.85, &["Age"])));
        assert!(!check.passes(&trained(0.75, &["Sex"])));
        assert!(!check.passes(&Facts::default()));
        assert_eq!(
            check.describe(),
            "Done when a model is trained, scoring between 0.8 and 0.9 on test rows, using \
             'Sex', without 'boat'."
        );
    }

    #[test]
    fn other_checks_read_their_own_fact() {
        let facts = Facts {
            screen: Some(Screen::Drift),
            target: Some("churn".into()),
            inputs: vec![("boat".into(), false), ("Sex".into(), true)],
            groups: Some(3),
            drift: Some(DriftVerdict::Retrain),
            fixed: vec!["Cabin".into()],
            ..Facts::default()
        };
        assert!(Check::Showing(Screen::Drift).passes(&facts));
        assert!(!Check::Showing(Screen::Data).passes(&facts));
        assert!(Check::TargetIs("churn".into()).passes(&facts));
        assert!(Check::LeftOut("boat".into()).passes(&facts));
        assert!(!Check::LeftOut("Sex".into()).passes(&facts));
        assert!(!Check::LeftOut("absent".into()).passes(&facts));
        assert!(Check::Used("Sex".into()).passes(&facts));
        assert!(Check::GroupsFound(Some(3)).passes(&facts));
        assert!(!Check::GroupsFound(Some(4)).passes(&facts));
        assert!(Check::DriftChecked(Some(DriftVerdict::Retrain)).passes(&facts));
        assert!(!Check::DriftChecked(Some(DriftVerdict::Stable)).passes(&facts));
        assert!(Check::FixApplied(Some("Cabin".into())).passes(&facts));
        assert!(Check::FixApplied(None).passes(&facts));
        assert!(!Check::PolicyLearned.passes(&facts));
        assert!(!Check::DriversShown.passes(&facts));
    }
}
