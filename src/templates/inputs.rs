//! Which columns a template may use. All usable columns by default;
//! identifiers, free text, personal data, constant columns and (when
//! predicting) leaking columns are left out, each with its reason, and the
//! user can override any of it.

use serde::ser::SerializeStruct;

use crate::data::{ColumnRole, Table};
use crate::health::{HealthReport, IssueKind, Severity};

/// Why a column is not used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LeftOut {
    /// The user left it out.
    ByYou,
    /// It is the column being predicted, so groups are found from the others.
    Predicted,
    /// It predicts the target almost perfectly on its own.
    Leakage {
        /// The target it gives away.
        target: String,
    },
    /// It holds personal data.
    PersonalData,
    /// A code that names rows (a customer number), on one row or several.
    Identifier {
        /// Whether the template predicts a column (the wording differs).
        predicting: bool,
    },
    /// Free text, which models do not read yet.
    FreeText,
    /// The same value on every row.
    Constant,
    /// Every value is missing.
    AllMissing,
    /// It plays another part in a log of decisions.
    Role(LogRole),
}

/// The parts a column can play in a log of decisions, besides context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LogRole {
    /// The action taken.
    Action,
    /// What the action earned.
    Reward,
    /// The old system's chance of the action.
    Propensity,
    /// When the decision was taken.
    Time,
}

impl LeftOut {
    /// The reason in a few words, to follow "left out:".
    pub fn reason(&self) -> String {
        match self {
            Self::ByYou => "left out by you".into(),
            Self::Predicted => {
                "the column chosen for prediction: groups are found from the other columns".into()
            }
            Self::Leakage { target } => format!(
                "gives the answer away: it predicts '{target}' almost perfectly on its own (leakage)"
            ),
            Self::PersonalData => "personal data".into(),
            Self::Identifier { predicting: true } => {
                "an identifier: a code that names rows, so it predicts nothing".into()
            }
            Self::Identifier { predicting: false } => {
                "an identifier: a code that names rows, so it says nothing about what rows have in common"
                    .into()
            }
            Self::FreeText => "free text, which models do not read yet".into(),
            Self::Constant => "the same value on every row".into(),
            Self::AllMissing => "every value is missing".into(),
            Self::Role(LogRole::Action) => "the action taken: the policy chooses it".into(),
            Self::Role(LogRole::Reward) => "the reward: what the policy learns to earn".into(),
            Self::Role(LogRole::Propensity) => {
                "the old system's chances: they weigh the decisions, they are not context".into()
            }
            Self::Role(LogRole::Time) => {
                "the time of the decision: the policy is judged on the newest decisions".into()
            }
        }
    }
}

/// Whether a column is used, and on whose say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InputUse {
    /// Used, as the health report allows.
    Used,
    /// Used because the user said so, though it would be left out by default.
    UsedByYou,
    /// Not used.
    LeftOut(LeftOut),
}

/// One column's place in a model or a grouping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputChoice {
    /// The column.
    pub column: String,
    /// Whether it is used.
    pub choice: InputUse,
}

impl InputChoice {
    /// Whether the column is used.
    pub fn is_used(&self) -> bool {
        !matches!(self.choice, InputUse::LeftOut(_))
    }

    /// Why it is left out, if it is.
    pub fn left_out(&self) -> Option<&LeftOut> {
        match &self.choice {
            InputUse::LeftOut(why) => Some(why),
            _ => None,
        }
    }

    /// The user's own decision about this column, if any: `Some(true)` for
    /// an override to use it, `Some(false)` for leaving it out.
    pub fn by_you(&self) -> Option<bool> {
        match self.choice {
            InputUse::UsedByYou => Some(true),
            InputUse::LeftOut(LeftOut::ByYou) => Some(false),
            _ => None,
        }
    }
}

/// The command line's JSON shape: `{"column", "included", "reason"}`.
impl serde::Serialize for InputChoice {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("InputChoice", 3)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("included", &self.is_used())?;
        s.serialize_field("reason", &self.left_out().map(LeftOut::reason))?;
        s.end()
    }
}

/// What the columns are chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    /// Predicting `target`: it is not an input, and leaking columns are left out.
    Predict {
        /// The column to predict.
        target: &'a str,
    },
    /// Finding groups; a column chosen for prediction is left out unless
    /// the user includes it.
    Group {
        /// The column chosen for prediction on the data page, if any.
        predicted: Option<&'a str>,
    },
    /// Learning which action to take: the log's action, reward, propensity
    /// and time columns are not context, and columns that give the reward
    /// away are left out.
    Act {
        /// The action column.
        action: &'a str,
        /// The reward column.
        reward: &'a str,
        /// The propensity column, if any.
        propensity: Option<&'a str>,
        /// The time column, if any.
        time: Option<&'a str>,
    },
}

/// The user's decisions as a request carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decisions {
    /// Columns the user left out.
    pub exclude: Vec<String>,
    /// Columns the user wants used whatever the health report says.
    pub include: Vec<String>,
}

impl Decisions {
    /// The decisions that reproduce `choices` exactly: every used column
    /// included, every other one excluded.
    pub fn exactly(choices: &[InputChoice]) -> Self {
        let (used, left): (Vec<&InputChoice>, Vec<&InputChoice>) =
            choices.iter().partition(|c| c.is_used());
        Self {
            exclude: left.into_iter().map(|c| c.column.clone()).collect(),
            include: used.into_iter().map(|c| c.column.clone()).collect(),
        }
    }

    /// Only the user's own decisions in `choices`, to keep them when the
    /// defaults are worked out again.
    pub fn by_you(choices: &[InputChoice]) -> Self {
        let mut out = Self::default();
        for choice in choices {
            match choice.by_you() {
                Some(true) => out.include.push(choice.column.clone()),
                Some(false) => out.exclude.push(choice.column.clone()),
                None => {}
            }
        }
        out
    }

    /// The user's own decisions in `choices`, with `column` now included
    /// or left out as they just chose.
    pub fn by_you_with(choices: &[InputChoice], column: String, included: bool) -> Self {
        let mut out = Self::by_you(choices);
        out.include.retain(|c| *c != column);
        out.exclude.retain(|c| *c != column);
        if included {
            out.include.push(column);
        } else {
            out.exclude.push(column);
        }
        out
    }
}

/// The columns of `choices` that are used, in table order.
pub fn used_columns(choices: &[InputChoice]) -> Vec<String> {
    choices
        .iter()
        .filter(|c| c.is_used())
        .map(|c| c.column.clone())
        .collect()
}

/// The default choice of every column of `table` for `purpose`, with the
/// user's `decisions` applied on top.
pub fn choose_inputs(
    table: &Table,
    report: &HealthReport,
    purpose: Purpose<'_>,
    decisions: &Decisions,
) -> Vec<InputChoice> {
    let target = match purpose {
        Purpose::Predict { target } => Some(target),
        Purpose::Group { .. } | Purpose::Act { .. } => None,
    };
    table
        .columns
        .iter()
        .filter(|c| target.is_none_or(|t| c.name != t))
        .map(|column| {
            let name = column.name.as_str();
            let default = default_reason(table, report, purpose, name);
            let choice = if let Some(role @ LeftOut::Role(_)) = default {
                // A log's action, reward, chances and time are never context.
                InputUse::LeftOut(role)
            } else if decisions.include.iter().any(|i| i == name) {
                if default.is_some() {
                    InputUse::UsedByYou
                } else {
                    InputUse::Used
                }
            } else if let Some(why) = default {
                InputUse::LeftOut(why)
            } else if decisions.exclude.iter().any(|e| e == name) {
                InputUse::LeftOut(LeftOut::ByYou)
            } else {
                InputUse::Used
            };
            InputChoice {
                column: name.to_owned(),
                choice,
            }
        })
        .collect()
}

/// Why `name` is left out by default, if it is.
fn default_reason(
    table: &Table,
    report: &HealthReport,
    purpose: Purpose<'_>,
    name: &str,
) -> Option<LeftOut> {
    let column = table.column(name)?;
    let health = report.column(name);
    let issues = health.map(|h| h.issues.as_slice()).unwrap_or_default();
    let has = |kind: IssueKind| {
        issues
            .iter()
            .any(|i| i.kind == kind && i.severity > Severity::Ok)
    };
    // Only near-certain leakage is left out by default; a "check" stays in with its warning.
    let leaks = issues
        .iter()
        .any(|i| i.kind == IssueKind::Leakage && i.severity == Severity::Problem);
    match purpose {
        Purpose::Predict { target } if leaks => {
            return Some(LeftOut::Leakage {
                target: target.to_owned(),
            });
        }
        Purpose::Group {
            predicted: Some(predicted),
        } if predicted == name => return Some(LeftOut::Predicted),
        Purpose::Act {
            action,
            reward,
            propensity,
            time,
        } => {
            let role = if name == action {
                Some(LogRole::Action)
            } else if name == reward {
                Some(LogRole::Reward)
            } else if Some(name) == propensity {
                Some(LogRole::Propensity)
            } else if Some(name) == time {
                Some(LogRole::Time)
            } else {
                None
            };
            if let Some(role) = role {
                return Some(LeftOut::Role(role));
            }
            if leaks {
                return Some(LeftOut::Leakage {
                    target: reward.to_owned(),
                });
            }
        }
        _ => {}
    }
    if has(IssueKind::PersonalData) {
        Some(LeftOut::PersonalData)
    } else if column.role == ColumnRole::Identifier {
        Some(LeftOut::Identifier {
            predicting: !matches!(purpose, Purpose::Group { .. }),
        })
    } else if column.role == ColumnRole::Text {
        Some(LeftOut::FreeText)
    } else if has(IssueKind::Constant) {
        Some(LeftOut::Constant)
    } else if health.is_some_and(|h| h.missing_fraction >= 1.0) {
        Some(LeftOut::AllMissing)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::jobs::Progress;

    fn titanic() -> (Table, HealthReport) {
        let table = load(
            &DataSource::Sample(crate::samples::find("titanic").expect("bundled")),
            &Progress::silent(),
        )
        .expect("loads");
        let report =
            crate::health::analyse(&table, Some("Survived"), &Progress::silent()).expect("checks");
        (table, report)
    }

    fn choice_of<'a>(choices: &'a [InputChoice], column: &str) -> &'a InputUse {
        &choices
            .iter()
            .find(|c| c.column == column)
            .expect("listed")
            .choice
    }

    #[test]
    fn defaults_say_why_and_the_users_word_is_kept_apart() {
        let (table, report) = titanic();
        let purpose = Purpose::Predict { target: "Survived" };
        let decisions = Decisions {
            exclude: vec!["Fare".into()],
            include: vec!["boat".into()],
        };
        let choices = choose_inputs(&table, &report, purpose, &decisions);
        assert!(choices.iter().all(|c| c.column != "Survived"));
        assert_eq!(choice_of(&choices, "Age"), &InputUse::Used);
        assert_eq!(choice_of(&choices, "boat"), &InputUse::UsedByYou);
        assert_eq!(
            choice_of(&choices, "Fare"),
            &InputUse::LeftOut(LeftOut::ByYou)
        );
        assert!(matches!(
            choice_of(&choices, "body"),
            InputUse::LeftOut(LeftOut::Leakage { .. })
        ));
        // The user's word survives a fresh default choice; the defaults do not
        // turn into the user's word.
        let kept = Decisions::by_you(&choices);
        assert_eq!(kept, decisions);
        let fare = choices.iter().find(|c| c.column == "Fare").expect("listed");
        assert_eq!(
            serde_json::to_value(fare).expect("json"),
            serde_json::json!({"column": "Fare", "included": false, "reason": "left out by you"})
        );
    }

    #[test]
    fn groups_leave_the_predicted_column_out_unless_included() {
        let (table, report) = titanic();
        let purpose = Purpose::Group {
            predicted: Some("Survived"),
        };
        let choices = choose_inputs(&table, &report, purpose, &Decisions::default());
        assert_eq!(
            choice_of(&choices, "Survived"),
            &InputUse::LeftOut(LeftOut::Predicted)
        );
        let decisions = Decisions {
            exclude: Vec::new(),
            include: vec!["Survived".into()],
        };
        let choices = choose_inputs(&table, &report, purpose, &decisions);
        assert_eq!(choice_of(&choices, "Survived"), &InputUse::UsedByYou);
        assert!(
            used_columns(&choices).contains(&"Survived".to_owned()),
            "an override is used"
        );
    }
}
