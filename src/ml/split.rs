//! Splitting rows into training, validation and test sets.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::task::TargetValues;
use crate::data::{ColumnRole, ColumnValues, Table};
use crate::error::{ClearboxError, Result};
use crate::words;

/// Which rows each stage may see. Test rows are never used for fitting
/// anything — not the preprocessing, not the model, not the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Split {
    /// Rows the model learns from.
    pub train: Vec<usize>,
    /// Rows that decide when to stop and where to put the threshold.
    pub valid: Vec<usize>,
    /// Rows held back for the final, honest score.
    pub test: Vec<usize>,
    /// For a split by time: where the sets begin, and the rows left out for having no time.
    pub cutoffs: Option<TimeCutoffs>,
}

/// Where a split by time puts its boundaries, in the time column's own words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeCutoffs {
    /// The time column.
    pub column: String,
    /// The earliest time of the validation rows.
    pub valid_from: String,
    /// The earliest time of the test rows.
    pub test_from: String,
    /// Rows with a known outcome but no time, left out of every set.
    pub undated: usize,
}

/// How rows are divided between training, validation and test.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SplitPlan {
    /// At random, with the same mix of outcomes in each set.
    #[default]
    Stratified,
    /// Oldest rows for training, newest for the test: the model is judged on
    /// a later period than it learned from, as it will be used.
    ByTime {
        /// A date-time column, or a number that counts time (a year, a period).
        column: String,
    },
}

impl SplitPlan {
    /// Splits the rows of `table` whose `target` is known.
    pub fn split(&self, table: &Table, target: &TargetValues, seed: u64) -> Result<Split> {
        match self {
            Self::Stratified => Ok(stratified(target, seed)),
            Self::ByTime { column } => by_time(table, target, column),
        }
    }
}

/// Whether a column can order rows in time.
pub fn orders_time(values: &ColumnValues) -> bool {
    matches!(values, ColumnValues::Number(_) | ColumnValues::Datetime(_))
}

/// Columns worth offering for a split by time: dates, then numbers whose
/// name says they count time (a year, a month, a period). Any number column
/// can still be named explicitly.
pub fn time_columns(table: &Table, target: &str) -> Vec<String> {
    let named_for_time = |name: &str| {
        let name = name.to_lowercase();
        ["year", "month", "week", "quarter", "period", "date", "time"]
            .iter()
            .any(|w| name.contains(w))
    };
    let dates = table
        .columns
        .iter()
        .filter(|c| c.role == ColumnRole::Datetime);
    let numbers = table
        .columns
        .iter()
        .filter(|c| c.role == ColumnRole::Number && named_for_time(&c.name));
    dates
        .chain(numbers)
        .filter(|c| c.name != target && orders_time(&c.values))
        .map(|c| c.name.clone())
        .collect()
}

/// Oldest 70% train, next 15% validate, newest 15% test (ties keep file order).
fn by_time(table: &Table, target: &TargetValues, column: &str) -> Result<Split> {
    let values = table
        .column(column)
        .map(|c| c.values.as_ref())
        .ok_or_else(|| {
            ClearboxError::BadRequest(format!(
                "There is no column '{column}' to split by time. The columns are: {}.",
                table.column_list()
            ))
        })?;
    let time = |row: usize| -> Option<f64> {
        match values {
            ColumnValues::Number(v) => Some(v[row]).filter(|x| !x.is_nan()),
            ColumnValues::Datetime(v) => v[row].map(|s| s as f64),
            ColumnValues::Text(_) => None,
        }
    };
    if !orders_time(values) {
        return Err(ClearboxError::BadRequest(format!(
            "'{column}' holds text, so it cannot put rows in time order. Choose a date or a number \
             such as a year."
        )));
    }
    let known: Vec<usize> = (0..target.len()).filter(|&r| target.is_known(r)).collect();
    let (mut dated, undated): (Vec<usize>, Vec<usize>) =
        known.into_iter().partition(|&r| time(r).is_some());
    dated.sort_by(|&a, &b| {
        time(a)
            .partial_cmp(&time(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let n = dated.len();
    let test = (n as f64 * TEST_SHARE).round() as usize;
    let valid = (n as f64 * VALID_SHARE).round() as usize;
    let train_end = n - test - valid;
    if train_end == 0 || valid == 0 || test == 0 {
        return Err(ClearboxError::BadRequest(format!(
            "Only {} rows have both an outcome and a value in '{column}': too few to split by time. \
             Split at random instead.",
            words::count(n)
        )));
    }
    let first = |i: usize| values.display(dated[i]).into_owned();
    let cutoffs = TimeCutoffs {
        column: column.to_owned(),
        valid_from: first(train_end),
        test_from: first(train_end + valid),
        undated: undated.len(),
    };
    let mut sets = [
        dated[..train_end].to_vec(),
        dated[train_end..train_end + valid].to_vec(),
        dated[train_end + valid..].to_vec(),
    ];
    sets.iter_mut().for_each(|s| s.sort_unstable());
    let [train, valid, test] = sets;
    Ok(Split {
        train,
        valid,
        test,
        cutoffs: Some(cutoffs),
    })
}

impl Split {
    /// One sentence on how the rows will be used, with the counts.
    pub fn describe(&self) -> String {
        let (train, valid, test) = (
            words::count(self.train.len()),
            words::count(self.valid.len()),
            words::count(self.test.len()),
        );
        match &self.cutoffs {
            None => format!(
                "The model learns from {train} rows, {valid} rows decide when it has learned enough, \
             and {test} rows are kept aside to measure it honestly at the end. The rows are drawn \
             at random and each group has the same mix of outcomes."
            ),
            Some(c) => {
                let undated = match c.undated {
                    0 => String::new(),
                    n => format!(
                        " {} rows with no '{}' are left out.",
                        words::count(n),
                        c.column
                    ),
                };
                format!(
                    "Rows are split by '{}': the model learns from the oldest {train} rows, the next \
             {valid} (from {}) decide when it has learned enough, and the newest {test} (from \
             {}) are kept aside to measure it, as if it were already in use.{undated}",
                    c.column, c.valid_from, c.test_from
                )
            }
        }
    }
}

/// Below this many rows with a known outcome, a random split gives way to
/// cross-validation. At 5 000 rows the 15% test set holds 750 rows, where an
/// AUC is known to about ±0.02; with fewer, one split's figure is mostly luck
/// and setting 30% of the rows aside costs the model too much, so every row
/// is used for both learning and measuring. Above it, five trainings instead
/// of one would cost more time than the figure gains.
pub const CROSS_VALIDATE_BELOW: usize = 5_000;
/// Rotations of cross-validation.
pub const FOLDS: usize = 5;

/// How the models will be measured.
#[derive(Debug, Clone, PartialEq)]
pub enum Measuring {
    /// On one set of held-out test rows.
    HeldOut(Split),
    /// By rotation: each of [`FOLDS`] splits holds one fold out as its test
    /// rows and divides the rest between training and validation; every
    /// known row is tested exactly once.
    CrossValidated {
        /// One split per rotation.
        folds: Vec<Split>,
        /// Every row with a known outcome, in order: what the saved model learns from.
        rows: Vec<usize>,
    },
}

impl Measuring {
    /// One sentence on how the rows will be used, with the counts, and why.
    pub fn describe(&self) -> String {
        match self {
            Self::HeldOut(split) => split.describe(),
            Self::CrossValidated { folds, rows } => {
                let n = words::count(rows.len());
                format!(
                    "With only {n} rows with a known outcome, setting some aside for good would \
                     leave too few to learn from and too few to measure with. Instead the rows \
                     are split into {} groups: each group is measured by models that learned from \
                     the other {}, so every row is used for both, and the saved model then learns \
                     from all {n}.",
                    folds.len(),
                    folds.len() - 1
                )
            }
        }
    }
}

impl SplitPlan {
    /// How the rows of `table` whose `target` is known will be used: a split
    /// at random becomes cross-validation on small tables; a split by time
    /// stays a split, since rotating would let the model learn from the future.
    pub fn measuring(&self, table: &Table, target: &TargetValues, seed: u64) -> Result<Measuring> {
        let known: Vec<usize> = (0..target.len()).filter(|&r| target.is_known(r)).collect();
        match self {
            Self::Stratified if known.len() < CROSS_VALIDATE_BELOW => {
                Ok(Measuring::CrossValidated {
                    folds: rotations(target, seed),
                    rows: known,
                })
            }
            _ => self.split(table, target, seed).map(Measuring::HeldOut),
        }
    }
}

/// Rows of `target` by class (amounts form one group), each group shuffled.
fn shuffled_groups(target: &TargetValues, rng: &mut StdRng) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = match target {
        TargetValues::Classes(rows) => {
            let classes = rows.iter().flatten().max().map_or(0, |m| *m as usize + 1);
            let mut groups = vec![Vec::new(); classes];
            for (i, c) in rows.iter().enumerate() {
                if let Some(c) = c {
                    groups[*c as usize].push(i);
                }
            }
            groups
        }
        TargetValues::Amounts(v) => vec![(0..v.len()).filter(|&i| !v[i].is_nan()).collect()],
    };
    groups.iter_mut().for_each(|g| g.shuffle(rng));
    groups
}

/// [`FOLDS`] stratified rotations: fold `f` is the test set of split `f`;
/// the other folds' rows are divided between training and validation with
/// the same mix of outcomes.
fn rotations(target: &TargetValues, seed: u64) -> Vec<Split> {
    let mut rng = StdRng::seed_from_u64(seed);
    let groups = shuffled_groups(target, &mut rng);
    // Dealing each class's rows round the folds keeps every fold's mix equal.
    let mut fold_of = vec![usize::MAX; target.len()];
    let mut dealt = 0;
    for group in &groups {
        for &row in group {
            fold_of[row] = dealt % FOLDS;
            dealt += 1;
        }
    }
    (0..FOLDS)
        .map(|f| {
            from_groups(&groups, |group, split| {
                let rest: Vec<usize> = group.iter().copied().filter(|&r| fold_of[r] != f).collect();
                // The same share of the whole table validates as in a plain split.
                let valid = (rest.len() as f64 * VALID_SHARE * FOLDS as f64 / (FOLDS - 1) as f64)
                    .round() as usize;
                split.valid.extend_from_slice(&rest[..valid]);
                split.train.extend_from_slice(&rest[valid..]);
                split
                    .test
                    .extend(group.iter().copied().filter(|&r| fold_of[r] == f));
            })
        })
        .collect()
}

/// A split dealt group by group (each class's rows in turn), each set then
/// in row order.
fn from_groups(groups: &[Vec<usize>], deal: impl Fn(&[usize], &mut Split)) -> Split {
    let mut split = Split {
        train: Vec::new(),
        valid: Vec::new(),
        test: Vec::new(),
        cutoffs: None,
    };
    for group in groups {
        deal(group, &mut split);
    }
    split.train.sort_unstable();
    split.valid.sort_unstable();
    split.test.sort_unstable();
    split
}

/// Shares of the known rows for validation and test.
const VALID_SHARE: f64 = 0.15;
const TEST_SHARE: f64 = 0.15;

/// A random 70/15/15 split of the rows whose target is known, stratified by
/// class so every set has the same mix of outcomes. Same seed, same split.
pub fn stratified(target: &TargetValues, seed: u64) -> Split {
    let mut rng = StdRng::seed_from_u64(seed);
    let groups = shuffled_groups(target, &mut rng);
    from_groups(&groups, |group, split| {
        let n = group.len();
        let test = (n as f64 * TEST_SHARE).round() as usize;
        let valid = (n as f64 * VALID_SHARE).round() as usize;
        split.test.extend_from_slice(&group[..test]);
        split.valid.extend_from_slice(&group[test..test + valid]);
        split.train.extend_from_slice(&group[test + valid..]);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotations_test_every_known_row_once_with_the_same_mix() {
        let rows: Vec<Option<u32>> = (0..800)
            .map(|i| (i != 5).then_some(u32::from(i % 4 == 0)))
            .collect();
        let target = TargetValues::Classes(rows);
        let folds = rotations(&target, 7);
        assert_eq!(folds.len(), FOLDS);
        let mut tested: Vec<usize> = folds.iter().flat_map(|f| f.test.clone()).collect();
        tested.sort_unstable();
        assert_eq!(tested, (0..800).filter(|&i| i != 5).collect::<Vec<_>>());
        for fold in &folds {
            let mut all: Vec<usize> = fold
                .train
                .iter()
                .chain(&fold.valid)
                .chain(&fold.test)
                .copied()
                .collect();
            assert_eq!(
                all.len(),
                799,
                "every known row is in one set of each rotation"
            );
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), 799, "the sets of a rotation do not overlap");
            let positives = fold.test.iter().filter(|&&i| i % 4 == 0).count();
            assert_eq!(positives, 40, "each fold holds a fifth of the positives");
            assert!(
                (115..=125).contains(&fold.valid.len()),
                "{}",
                fold.valid.len()
            );
        }
        assert_eq!(folds, rotations(&target, 7), "same seed, same folds");
    }

    #[test]
    fn splits_are_disjoint_stratified_and_repeatable() {
        let rows: Vec<Option<u32>> = (0..1000)
            .map(|i| {
                if i == 7 {
                    None
                } else {
                    Some(u32::from(i % 10 == 0))
                }
            })
            .collect();
        let target = TargetValues::Classes(rows);
        let a = stratified(&target, 42);
        assert_eq!(a, stratified(&target, 42));
        assert_ne!(a, stratified(&target, 43));
        assert_eq!(a.train.len() + a.valid.len() + a.test.len(), 999);
        let positives = |set: &[usize]| set.iter().filter(|&&i| i % 10 == 0).count();
        assert_eq!(positives(&a.test), 15);
        let mut all: Vec<usize> = a
            .train
            .iter()
            .chain(&a.valid)
            .chain(&a.test)
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 999);
    }

    #[test]
    fn a_split_by_time_tests_on_the_newest_rows() {
        // Row r is from year 2000 + (199 - r) / 10: the file runs newest first.
        let years: Vec<f64> = (0..200).map(|r| f64::from(2000 + (199 - r) / 10)).collect();
        let churn: Vec<f64> = (0..200).map(|r| f64::from(r % 2)).collect();
        let table = Table {
            name: "t".into(),
            origin: crate::data::table::TableOrigin::Sample("t".into()),
            columns: vec![
                crate::data::infer::column("year".into(), ColumnValues::Number(years)),
                crate::data::infer::column("churn".into(), ColumnValues::Number(churn)),
            ],
            rows: 200,
            notices: Vec::new(),
            fingerprint: String::new(),
            summarised: None,
        };
        let (_, target) = crate::ml::task::read_target(&table, "churn").expect("target");
        let plan = SplitPlan::ByTime {
            column: "year".into(),
        };
        let split = plan.split(&table, &target, 1).expect("splits");
        assert_eq!(
            (split.train.len(), split.valid.len(), split.test.len()),
            (140, 30, 30)
        );
        let year = |r: usize| 2000 + (199 - r) / 10;
        let newest_train = split.train.iter().map(|&r| year(r)).max();
        let oldest_test = split.test.iter().map(|&r| year(r)).min();
        assert!(
            newest_train <= oldest_test,
            "{newest_train:?} {oldest_test:?}"
        );
        let sentence = split.describe();
        assert!(
            sentence.contains("'year'") && sentence.contains("from 2017"),
            "{sentence}"
        );
        assert_eq!(time_columns(&table, "churn"), vec!["year".to_string()]);
        let text = SplitPlan::ByTime {
            column: "nope".into(),
        };
        assert!(text.split(&table, &target, 1).is_err());
    }
}
