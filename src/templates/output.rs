//! What an artefact says about the rows it scores, in one shape for every
//! template: the command line writes it as columns, drift compares it
//! between two tables, and a test score is measured from it.

use crate::data::TextValues;
use crate::data::export::ExtraColumn;

/// An artefact's answer for each scored row.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A class per row, with every class's probability (yes/no, several classes).
    Classes {
        /// The class labels; for yes/no the positive one is last.
        classes: Vec<String>,
        /// The class chosen for each row (index into `classes`).
        chosen: Vec<usize>,
        /// Per class (same order as `classes`), each row's probability.
        probabilities: Vec<Vec<f64>>,
    },
    /// An amount per row, in the target's units.
    Amounts(Vec<f64>),
    /// A group per row (0-based) and the groups' names.
    Groups {
        /// The groups' names.
        names: Vec<String>,
        /// The group of each row.
        groups: Vec<u32>,
    },
    /// A recommended action per row, with every action's expected reward.
    Actions {
        /// The actions' labels.
        actions: Vec<String>,
        /// The recommended action of each row (index into `actions`).
        recommended: Vec<usize>,
        /// Per action (same order as `actions`), each row's expected reward.
        expected: Vec<Vec<f64>>,
        /// Per action, each row's chance of it when the policy explores;
        /// `None` when it always takes the recommended action.
        probabilities: Option<Vec<Vec<f64>>>,
    },
}

/// What drift compares between two tables' outputs: a number per row, or a label per row.
#[derive(Debug, Clone, PartialEq)]
pub enum Series {
    /// Numbers (a yes/no probability, an amount).
    Numbers(Vec<f64>),
    /// Labels (a class, a group).
    Labels(TextValues),
}

impl Output {
    /// Rows scored.
    pub fn rows(&self) -> usize {
        match self {
            Self::Classes { chosen, .. } => chosen.len(),
            Self::Amounts(v) => v.len(),
            Self::Groups { groups, .. } => groups.len(),
            Self::Actions { recommended, .. } => recommended.len(),
        }
    }

    /// The columns a scored file gets: `prediction` and `probability_<class>`,
    /// or `segment` (numbered from 1) and `segment_name`.
    pub fn into_columns(self) -> Vec<ExtraColumn> {
        match self {
            Self::Classes {
                classes,
                chosen,
                probabilities,
            } => {
                let labels = chosen
                    .iter()
                    .map(|&c| classes.get(c).cloned().unwrap_or_default())
                    .collect();
                let mut columns = vec![ExtraColumn::Text("prediction".into(), labels)];
                columns.extend(
                    classes
                        .iter()
                        .zip(probabilities)
                        .map(|(class, p)| ExtraColumn::Numbers(format!("probability_{class}"), p)),
                );
                columns
            }
            Self::Amounts(v) => vec![ExtraColumn::Numbers("prediction".into(), v)],
            Self::Groups { names, groups } => vec![
                ExtraColumn::Whole(
                    "segment".into(),
                    groups.iter().map(|&g| i64::from(g) + 1).collect(),
                ),
                ExtraColumn::Text(
                    "segment_name".into(),
                    groups
                        .iter()
                        .map(|&g| names.get(g as usize).cloned().unwrap_or_default())
                        .collect(),
                ),
            ],
            Self::Actions {
                actions,
                recommended,
                expected,
                probabilities,
            } => {
                let chosen = recommended
                    .iter()
                    .map(|&a| actions.get(a).cloned().unwrap_or_default())
                    .collect();
                let mut columns = vec![ExtraColumn::Text("recommended_action".into(), chosen)];
                columns.extend(
                    actions
                        .iter()
                        .zip(expected)
                        .map(|(a, e)| ExtraColumn::Numbers(format!("expected_reward_{a}"), e)),
                );
                if let Some(probabilities) = probabilities {
                    columns.extend(
                        actions
                            .iter()
                            .zip(probabilities)
                            .map(|(a, p)| ExtraColumn::Numbers(format!("probability_{a}"), p)),
                    );
                }
                columns
            }
        }
    }

    /// The one series drift compares: a yes/no model's chance of the
    /// positive class, an amount, or the class or group given.
    pub fn series(&self) -> Series {
        match self {
            Self::Classes {
                classes,
                probabilities,
                ..
            } if classes.len() == 2 => {
                Series::Numbers(probabilities.get(1).cloned().unwrap_or_default())
            }
            Self::Classes {
                classes, chosen, ..
            } => Series::Labels(TextValues {
                codes: chosen.iter().map(|&c| c as u32).collect(),
                levels: classes.clone(),
            }),
            Self::Amounts(v) => Series::Numbers(v.clone()),
            Self::Groups { names, groups } => Series::Labels(TextValues {
                codes: groups.clone(),
                levels: names.clone(),
            }),
            Self::Actions {
                actions,
                recommended,
                ..
            } => Series::Labels(TextValues {
                codes: recommended.iter().map(|&a| a as u32).collect(),
                levels: actions.clone(),
            }),
        }
    }

    /// Numbers per row that move when the answer moves: each class's
    /// probability, the amount, or a one-hot of the group. Permutation
    /// importance without outcomes compares these.
    pub fn vectors(&self) -> Vec<Vec<f64>> {
        match self {
            Self::Classes { probabilities, .. } => probabilities.clone(),
            Self::Amounts(v) => vec![v.clone()],
            Self::Groups { names, groups } => (0..names.len())
                .map(|g| {
                    groups
                        .iter()
                        .map(|&a| f64::from(u8::from(a as usize == g)))
                        .collect()
                })
                .collect(),
            Self::Actions { expected, .. } => expected.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_outputs_drift_by_the_positive_chance_and_groups_by_label() {
        let yes_no = Output::Classes {
            classes: vec!["no".into(), "yes".into()],
            chosen: vec![1, 0],
            probabilities: vec![vec![0.2, 0.9], vec![0.8, 0.1]],
        };
        assert_eq!(yes_no.series(), Series::Numbers(vec![0.8, 0.1]));
        assert_eq!(yes_no.rows(), 2);
        let groups = Output::Groups {
            names: vec!["young".into(), "old".into()],
            groups: vec![1, 1, 0],
        };
        assert_eq!(
            groups.vectors(),
            vec![vec![0.0, 0.0, 1.0], vec![1.0, 1.0, 0.0]]
        );
        match groups.into_columns().as_slice() {
            [ExtraColumn::Whole(n, g), ExtraColumn::Text(m, names)] => {
                assert_eq!((n.as_str(), m.as_str()), ("segment", "segment_name"));
                assert_eq!(g, &vec![2, 2, 1]);
                assert_eq!(names[2], "young");
            }
            _ => panic!("segment columns"),
        }
    }
}
