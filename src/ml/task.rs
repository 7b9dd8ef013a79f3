//! What is being predicted: the target column, the kind of problem it makes,
//! and its values in the shape training needs.

use serde::{Deserialize, Serialize};

use crate::data::table::format_number;
use crate::data::{Column, ColumnRole, ColumnValues, Table};
use crate::error::{ClearboxError, Result};

/// The kind of prediction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Yes or no (two classes).
    Binary,
    /// One of several classes.
    Multiclass,
    /// A number.
    Regression,
}

impl TaskKind {
    /// The plain-words name of the problem.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Binary => "a yes/no question: which of two outcomes",
            Self::Multiclass => "a choice among several classes",
            Self::Regression => "a number",
        }
    }
}

/// Most classes a target may have to be predicted as a choice.
pub const MAX_CLASSES: usize = 50;

/// The target column as the model sees it; saved with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetColumn {
    /// The column's name.
    pub name: String,
    /// The kind of problem.
    pub task: TaskKind,
    /// Class labels as displayed; for yes/no the positive ("interesting") class is last.
    pub classes: Vec<String>,
}

impl TargetColumn {
    /// The yes/no outcome's "interesting" class, in the user's words
    /// ("Survived = 1"); `None` for other tasks.
    pub fn positive_words(&self) -> Option<String> {
        match (self.task, self.classes.last()) {
            (TaskKind::Binary, Some(class)) => Some(self.class_words(class)),
            _ => None,
        }
    }

    /// A class in the user's words: the column and its value, as they
    /// appear in the file ("Survived = 1", "species = Adelie"), so a bare
    /// `'1'` is never shown on its own.
    pub fn class_words(&self, class: &str) -> String {
        format!("{} = {class}", self.name)
    }

    /// The row heading for the rows that truly are `class`: "really
    /// survived" for a 1/yes value, "really not survived" for a 0/no value,
    /// "really species = Adelie" otherwise.
    pub fn really(&self, class: &str) -> String {
        let lower = class.trim().to_ascii_lowercase();
        let said = spoken(&self.name);
        if TRUTHY.contains(&lower.as_str()) {
            format!("really {said}")
        } else if FALSY.contains(&lower.as_str()) {
            format!("really not {said}")
        } else {
            format!("really {}", self.class_words(class))
        }
    }
}

/// Values that say "yes" to the column's name (Survived = 1 means survived).
const TRUTHY: &[&str] = &["1", "yes", "y", "true", "t"];
/// Values that say "no" to the column's name.
const FALSY: &[&str] = &["0", "no", "n", "false", "f"];

/// A column name as a word in a sentence: a capitalised single word is
/// lowered ("Survived" reads "survived"); anything else ("isFraud",
/// "HAS_LEFT") is kept as the user wrote it.
fn spoken(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_uppercase() && chars.clone().all(|c| c.is_lowercase()) => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => name.to_owned(),
    }
}

/// The target's values, one per row.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetValues {
    /// A class index per row, `None` when missing.
    Classes(Vec<Option<u32>>),
    /// A number per row, NaN when missing.
    Amounts(Vec<f64>),
}

impl TargetValues {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Self::Classes(v) => v.len(),
            Self::Amounts(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the target is known on `row`.
    pub fn is_known(&self, row: usize) -> bool {
        match self {
            Self::Classes(v) => v.get(row).copied().flatten().is_some(),
            Self::Amounts(v) => v.get(row).is_some_and(|x| !x.is_nan()),
        }
    }
}

/// Labels that name the "interesting" side of a yes/no outcome.
const POSITIVE: &[&str] = &[
    "1", "yes", "y", "true", "t", "bad", "churn", "default", "fraud", "positive", ">50k",
];

/// Reads `name` from `table` as a target, deciding the kind of problem.
pub fn read_target(table: &Table, name: &str) -> Result<(TargetColumn, TargetValues)> {
    let column = table.named(name)?;
    target_of(column)
}

/// Reads `column` as a target, deciding the kind of problem from its role.
pub fn target_of(column: &Column) -> Result<(TargetColumn, TargetValues)> {
    let name = column.name.as_str();
    let refuse = |why: &str| {
        Err(ClearboxError::BadRequest(format!(
            "'{name}' cannot be predicted: {why}"
        )))
    };
    let (labels, rows): (Vec<String>, Vec<Option<u32>>) = match (
        column.role,
        column.values.as_ref(),
    ) {
        (ColumnRole::Number, ColumnValues::Number(v)) => {
            let known = v.iter().filter(|x| !x.is_nan()).count();
            if known < 10 {
                return refuse(
                    "it has fewer than 10 filled-in values. Choose a column with more data.",
                );
            }
            let first = v.iter().find(|x| !x.is_nan()).copied();
            if v.iter().filter(|x| !x.is_nan()).all(|x| Some(*x) == first) {
                return refuse(
                    "every row has the same value, so there is nothing to learn. Choose another column.",
                );
            }
            let target = TargetColumn {
                name: name.to_owned(),
                task: TaskKind::Regression,
                classes: Vec::new(),
            };
            return Ok((target, TargetValues::Amounts(v.clone())));
        }
        (ColumnRole::Boolean | ColumnRole::Category, ColumnValues::Number(v)) => {
            let mut distinct: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            let rows = v
                .iter()
                .map(|x| {
                    distinct
                        .binary_search_by(|d| d.total_cmp(x))
                        .ok()
                        .map(|i| i as u32)
                })
                .collect();
            (distinct.into_iter().map(format_number).collect(), rows)
        }
        (ColumnRole::Boolean | ColumnRole::Category, ColumnValues::Text(t)) => (
            t.levels.iter().map(|l| l.trim().to_owned()).collect(),
            (0..t.codes.len())
                .map(|i| t.get(i).map(|_| t.codes[i]))
                .collect(),
        ),
        (role, _) => {
            return refuse(&format!(
                "it is a {} column. Choose a column of numbers, categories or yes/no values.",
                role.label().to_lowercase()
            ));
        }
    };
    classes(name, labels, rows)
}

/// Most different whole numbers a number target may hold before it stops
/// looking like codes: yes/no as 1 and 2, three channels, a 1-to-5 rating.
const MAX_CODES: usize = 5;

/// When `column` is read as a number but holds only a few whole numbers
/// (1 and 2; 0, 1 and 2), a sentence saying they may be codes for outcomes
/// and how to predict them as classes instead; `None` otherwise. A number
/// target is predicted as an amount, which for codes measures the wrong
/// thing, yet only the user knows whether 1 to 5 is a rating or a class.
pub fn codes_hint(column: &Column) -> Option<String> {
    let (ColumnRole::Number, ColumnValues::Number(v)) = (column.role, column.values.as_ref())
    else {
        return None;
    };
    let mut distinct: Vec<f64> = Vec::new();
    for &x in v.iter().filter(|x| !x.is_nan()) {
        if x.fract() != 0.0 {
            return None;
        }
        if !distinct.contains(&x) {
            if distinct.len() == MAX_CODES {
                return None;
            }
            distinct.push(x);
        }
    }
    if distinct.len() < 2 {
        return None;
    }
    distinct.sort_by(f64::total_cmp);
    let values: Vec<String> = distinct.into_iter().map(format_number).collect();
    Some(format!(
        "'{}' holds only the whole numbers {}. If they stand for outcomes rather than \
         amounts, give it the Category role (in its column panel, or with a recipe) to predict \
         which one.",
        column.name,
        crate::words::list(&values)
    ))
}

/// Keeps the classes that occur, orders them, and puts the positive one last.
fn classes(
    name: &str,
    labels: Vec<String>,
    rows: Vec<Option<u32>>,
) -> Result<(TargetColumn, TargetValues)> {
    let mut counts = vec![0usize; labels.len()];
    rows.iter().flatten().for_each(|&c| counts[c as usize] += 1);
    let mut used: Vec<usize> = (0..labels.len()).filter(|&i| counts[i] > 0).collect();
    if used.len() < 2 {
        return Err(ClearboxError::BadRequest(format!(
            "'{name}' cannot be predicted: it has only one value. Choose a column where the outcome varies."
        )));
    }
    if used.len() > MAX_CLASSES {
        return Err(ClearboxError::BadRequest(format!(
            "'{name}' has {} different values, too many to predict as classes. If it is an amount, \
             give it the Number role.",
            used.len()
        )));
    }
    used.sort_by(|&a, &b| labels[a].cmp(&labels[b]));
    if used.len() == 2 {
        // The positive class goes last: a known "yes" word, else the rarer one.
        let is_positive = |i: usize| POSITIVE.contains(&labels[i].to_ascii_lowercase().as_str());
        let first_is_positive = is_positive(used[0]) && !is_positive(used[1]);
        let first_is_rarer = !is_positive(used[1]) && counts[used[0]] < counts[used[1]];
        if first_is_positive || first_is_rarer {
            used.swap(0, 1);
        }
    }
    let mut remap = vec![None; labels.len()];
    for (new, &old) in used.iter().enumerate() {
        remap[old] = Some(new as u32);
    }
    let task = if used.len() == 2 {
        TaskKind::Binary
    } else {
        TaskKind::Multiclass
    };
    let target = TargetColumn {
        name: name.to_owned(),
        task,
        classes: used.iter().map(|&i| labels[i].clone()).collect(),
    };
    let rows = rows
        .into_iter()
        .map(|r| r.and_then(|c| remap[c as usize]))
        .collect();
    Ok((target, TargetValues::Classes(rows)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::jobs::Progress;

    fn sample(id: &str) -> Table {
        load(
            &DataSource::Sample(crate::samples::find(id).expect("sample")),
            &Progress::silent(),
        )
        .expect("loads")
    }

    #[test]
    fn kinds_and_positive_classes() {
        let (t, _) = read_target(&sample("titanic"), "Survived").expect("a target");
        assert_eq!(
            (t.task, t.classes.clone()),
            (TaskKind::Binary, vec!["0".to_string(), "1".to_string()])
        );
        let (t, _) = read_target(&sample("german_credit"), "credit_risk").expect("a target");
        assert_eq!(
            t.classes,
            vec!["good", "bad"],
            "the rarer class is the one to find"
        );
        let (t, _) = read_target(&sample("penguins"), "species").expect("a target");
        assert_eq!(t.task, TaskKind::Multiclass);
        let (t, _) = read_target(&sample("titanic"), "Fare").expect("a target");
        assert_eq!(t.task, TaskKind::Regression);
        assert!(read_target(&sample("titanic"), "Name").is_err());
    }

    #[test]
    fn a_few_whole_numbers_are_flagged_as_possible_codes() {
        let titanic = sample("titanic");
        let hint = |name: &str| codes_hint(titanic.named(name).expect("a column"));
        let class = hint("Pclass").expect("ticket classes 1, 2 and 3 look like codes");
        assert!(class.contains("whole numbers 1, 2 and 3"), "{class}");
        assert_eq!(hint("Fare"), None, "fares are amounts");
        assert_eq!(hint("SibSp"), None, "seven different counts are amounts");
        assert_eq!(hint("Survived"), None, "already yes/no");
        assert_eq!(hint("Name"), None);
        assert!(read_target(&sample("titanic"), "nope").is_err());
    }

    #[test]
    fn classes_are_named_in_the_users_words() {
        let survived = TargetColumn {
            name: "Survived".into(),
            task: TaskKind::Binary,
            classes: vec!["0".into(), "1".into()],
        };
        assert_eq!(survived.positive_words().as_deref(), Some("Survived = 1"));
        assert_eq!(survived.really("1"), "really survived");
        assert_eq!(survived.really("0"), "really not survived");
        let income = TargetColumn {
            name: "income".into(),
            task: TaskKind::Binary,
            classes: vec!["<=50K".into(), ">50K".into()],
        };
        assert_eq!(income.really(">50K"), "really income = >50K");
        let fraud = TargetColumn {
            name: "isFraud".into(),
            task: TaskKind::Binary,
            classes: vec!["false".into(), "true".into()],
        };
        assert_eq!(fraud.really("true"), "really isFraud");
        let species = TargetColumn {
            name: "species".into(),
            task: TaskKind::Multiclass,
            classes: vec!["Adelie".into(), "Gentoo".into()],
        };
        assert_eq!(species.positive_words(), None);
        assert_eq!(species.class_words("Gentoo"), "species = Gentoo");
    }
}
