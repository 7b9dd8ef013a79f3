//! "Break the model" challenges: a trainer's lesson opens a sample with one
//! thing quietly broken — a column that leaks the answer, answers swapped
//! for wrong ones, a later batch of rows that has drifted, or values blanked
//! out — and its steps ask the room to find it. Each break is seeded, so
//! every laptop in the room gets the same table.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Deserialize;

use crate::data::rows::take_rows;
use crate::data::{Column, ColumnRole, ColumnValues, Table, TextValues};
use crate::error::{ClearboxError, Result};
use crate::words::percent;

/// The seed every challenge is broken with ([`open`]), so each laptop in a workshop gets the same table and the
/// trainer's answers hold for the whole room.
pub const SEED: u64 = 2026;

/// The column that splits a drifted table into its two batches.
pub const BATCH_COLUMN: &str = "batch";
/// The batch of the original rows, then of the drifted copy.
pub const BATCHES: [&str; 2] = ["earlier", "later"];

/// Reads the bundled sample `id` and breaks it as a challenge does, with
/// [`SEED`]: the one way the app and `clearbox lesson data` open a challenge.
pub fn open(id: &str, broken: &Break, progress: &crate::jobs::Progress) -> Result<Table> {
    let sample = crate::samples::find(id).ok_or_else(|| ClearboxError::NotFound {
        file: format!("the sample '{id}'"),
    })?;
    let table = crate::data::load(&crate::data::DataSource::Sample(sample), progress)?;
    progress.check_cancelled()?;
    broken.apply(&table, SEED)
}

/// What a challenge breaks in its sample.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum Break {
    /// Adds `column`, a number recorded after the outcome that gives
    /// `target` away on most rows (not all, so it looks like a real input).
    Leak {
        /// The column whose answer leaks.
        target: String,
        /// The name the leaking column is given.
        column: String,
    },
    /// Swaps this share of `target`'s answers for wrong ones.
    LabelNoise {
        /// The column whose answers are swapped.
        target: String,
        /// The share of rows swapped, between 0 and 1.
        share: f64,
    },
    /// Adds a later batch of rows (a copy drawn from the table) in which
    /// `columns` have moved: numbers by `shift` spreads, categories by a
    /// `shift` share of rows moved to their rarest label. The column
    /// [`BATCH_COLUMN`] says which batch a row is in.
    Drift {
        /// The columns that move.
        columns: Vec<String>,
        /// How far they move.
        shift: f64,
    },
    /// Blanks out this share of `column`'s values.
    Missing {
        /// The column blanked.
        column: String,
        /// The share of rows blanked, between 0 and 1.
        share: f64,
    },
}

impl Break {
    /// The columns the break needs in its table.
    pub fn columns_needed(&self) -> Vec<&str> {
        match self {
            Self::Leak { target, .. } | Self::LabelNoise { target, .. } => vec![target.as_str()],
            Self::Drift { columns, .. } => columns.iter().map(String::as_str).collect(),
            Self::Missing { column, .. } => vec![column.as_str()],
        }
    }

    /// The columns the break adds to its table.
    pub fn columns_added(&self) -> Vec<String> {
        match self {
            Self::Leak { column, .. } => vec![column.clone()],
            Self::Drift { .. } => vec![BATCH_COLUMN.to_owned()],
            Self::LabelNoise { .. } | Self::Missing { .. } => Vec::new(),
        }
    }

    /// The share or shift it asks for, when that is out of range, as a sentence.
    pub fn out_of_range(&self) -> Option<String> {
        match self {
            Self::LabelNoise { share, .. } | Self::Missing { share, .. }
                if !(0.0..=1.0).contains(share) =>
            {
                Some(format!(
                    "the share must lie between 0 and 1 (0.2 is one row in five); it is {share}."
                ))
            }
            Self::Drift { shift, .. } if !(shift.is_finite() && *shift > 0.0 && *shift <= 5.0) => {
                Some(format!(
                    "the shift must lie above 0 and at most 5 (1 moves numbers by one spread); it is {shift}."
                ))
            }
            _ => None,
        }
    }

    /// What was broken, in a sentence the trainer reveals at the end.
    pub fn reveal(&self) -> String {
        match self {
            Self::Leak { target, column } => format!(
                "'{column}' was added: it was written down after '{target}' was known, so it gives \
                 the answer away on most rows."
            ),
            Self::LabelNoise { target, share } => format!(
                "{} of the answers in '{target}' were swapped for wrong ones, so no model can be \
                 right on those rows.",
                percent(*share)
            ),
            Self::Drift { columns, .. } => format!(
                "The later batch is a copy of the earlier one in which {} moved.",
                crate::words::list(&columns.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>())
            ),
            Self::Missing { column, share } => format!(
                "{} of the values in '{column}' were blanked out.",
                percent(*share)
            ),
        }
    }

    /// `table` with the break applied; `seed` makes it the same on every laptop.
    pub fn apply(&self, table: &Table, seed: u64) -> Result<Table> {
        if let Some(problem) = self.out_of_range() {
            return Err(ClearboxError::BadRequest(format!(
                "The challenge cannot be set up: {problem}"
            )));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let mut out = match self {
            Self::Leak { target, column } => {
                let values = leak(table.named(target)?, &mut rng);
                let mut out = table.clone();
                out.columns.push(number_column(column, values));
                out
            }
            Self::LabelNoise { target, share } => {
                let index = index_of(table, target)?;
                let values = swap_answers(&table.columns[index], *share, &mut rng);
                crate::data::rows::with_values(table, index, values)
            }
            Self::Drift { columns, shift } => drifted(table, columns, *shift, &mut rng)?,
            Self::Missing { column, share } => {
                let index = index_of(table, column)?;
                let values = blanked(&table.columns[index].values, *share, &mut rng);
                crate::data::rows::with_values(table, index, values)
            }
        };
        out.name = format!("{} (a challenge)", table.name);
        // Another table than the sample: projects and recipes must not mistake one for the other.
        out.fingerprint = format!("{}-challenge-{seed}", table.fingerprint);
        Ok(out)
    }
}

fn index_of(table: &Table, name: &str) -> Result<usize> {
    table.named(name)?;
    table
        .column_index(name)
        .ok_or_else(|| ClearboxError::BadRequest(format!("'{name}' is not in the table.")))
}

fn number_column(name: &str, values: Vec<f64>) -> Column {
    Column {
        name: name.to_owned(),
        role: ColumnRole::Number,
        inferred_role: ColumnRole::Number,
        values: Arc::new(ColumnValues::Number(values)),
        read_as_missing: Vec::new(),
    }
}

/// The target's class (index among its distinct values) or amount per row.
enum Answer {
    Class(Option<usize>),
    Amount(f64),
}

fn answers(column: &Column) -> Vec<Answer> {
    let classes = !matches!(column.role, ColumnRole::Number);
    match column.values.as_ref() {
        ColumnValues::Number(v) if !classes => v.iter().map(|&x| Answer::Amount(x)).collect(),
        ColumnValues::Number(v) => {
            let mut distinct: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            v.iter()
                .map(|x| Answer::Class(distinct.binary_search_by(|d| d.total_cmp(x)).ok()))
                .collect()
        }
        ColumnValues::Text(t) => (0..t.codes.len())
            .map(|r| Answer::Class(t.get(r).map(|_| t.codes[r] as usize)))
            .collect(),
        ColumnValues::Datetime(v) => v
            .iter()
            .map(|x| Answer::Amount(x.map_or(f64::NAN, |s| s as f64)))
            .collect(),
    }
}

/// Share of rows on which the leak tells the truth; the rest are noise, so
/// the column looks like an ordinary strong input rather than a copy.
const LEAK_TRUTH: f64 = 0.85;

fn leak(target: &Column, rng: &mut StdRng) -> Vec<f64> {
    let answers = answers(target);
    let spread = answers
        .iter()
        .filter_map(|a| match a {
            Answer::Amount(x) if x.is_finite() => Some(x.abs()),
            _ => None,
        })
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let classes = answers
        .iter()
        .filter_map(|a| match a {
            Answer::Class(c) => *c,
            Answer::Amount(_) => None,
        })
        .max()
        .map_or(1, |c| c + 1);
    answers
        .iter()
        .map(|answer| {
            let truthful = rng.random::<f64>() < LEAK_TRUTH;
            match answer {
                Answer::Class(Some(c)) if truthful => {
                    (*c as f64 * 50.0 + rng.random::<f64>() * 40.0).round()
                }
                Answer::Class(_) => (rng.random::<f64>() * (classes as f64 * 50.0)).round(),
                Answer::Amount(x) if truthful && x.is_finite() => {
                    (x * (0.9 + 0.2 * rng.random::<f64>())).round()
                }
                Answer::Amount(_) => (rng.random::<f64>() * spread).round(),
            }
        })
        .collect()
}

fn swap_answers(column: &Column, share: f64, rng: &mut StdRng) -> ColumnValues {
    let rows = column.values.len();
    let mut values = column.values.as_ref().clone();
    match &mut values {
        ColumnValues::Number(v) if column.role == ColumnRole::Number => {
            // Amounts: a swapped row takes another row's amount.
            let original = v.clone();
            for value in v.iter_mut() {
                if rng.random::<f64>() < share {
                    *value = original[rng.random_range(0..rows.max(1))];
                }
            }
        }
        ColumnValues::Number(v) => {
            let mut distinct: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            for value in v.iter_mut() {
                if !value.is_nan() && distinct.len() > 1 && rng.random::<f64>() < share {
                    *value = other(&distinct, *value, rng);
                }
            }
        }
        ColumnValues::Text(t) => {
            let used: Vec<u32> = t
                .level_counts()
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, _)| i as u32)
                .collect();
            for code in t.codes.iter_mut() {
                if *code != crate::data::table::MISSING_CODE
                    && used.len() > 1
                    && rng.random::<f64>() < share
                {
                    *code = other(&used, *code, rng);
                }
            }
        }
        ColumnValues::Datetime(_) => {}
    }
    values
}

/// One of `choices` other than `now` (there are at least two).
fn other<T: Copy + PartialEq>(choices: &[T], now: T, rng: &mut StdRng) -> T {
    let others: Vec<T> = choices.iter().copied().filter(|c| *c != now).collect();
    others[rng.random_range(0..others.len())]
}

fn blanked(values: &ColumnValues, share: f64, rng: &mut StdRng) -> ColumnValues {
    let mut values = values.clone();
    match &mut values {
        ColumnValues::Number(v) => v.iter_mut().for_each(|x| {
            if rng.random::<f64>() < share {
                *x = f64::NAN;
            }
        }),
        ColumnValues::Text(t) => t.codes.iter_mut().for_each(|c| {
            if rng.random::<f64>() < share {
                *c = crate::data::table::MISSING_CODE;
            }
        }),
        ColumnValues::Datetime(v) => v.iter_mut().for_each(|x| {
            if rng.random::<f64>() < share {
                *x = None;
            }
        }),
    }
    values
}

fn drifted(table: &Table, columns: &[String], shift: f64, rng: &mut StdRng) -> Result<Table> {
    let n = table.rows;
    if n == 0 {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' has no rows to make a later batch from.",
            table.name
        )));
    }
    let drawn: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
    let mut later = take_rows(table, &drawn, table.name.clone());
    for name in columns {
        let index = index_of(&later, name)?;
        let moved = match later.columns[index].values.as_ref() {
            ColumnValues::Number(v) => ColumnValues::Number(moved_numbers(v, shift)),
            ColumnValues::Text(t) => ColumnValues::Text(moved_labels(t, shift.min(1.0), rng)),
            ColumnValues::Datetime(_) => {
                return Err(ClearboxError::BadRequest(format!(
                    "'{name}' holds dates; a drift challenge moves numbers or categories."
                )));
            }
        };
        later.columns[index].values = Arc::new(moved);
    }
    let mut both = table.clone();
    for (column, after) in both.columns.iter_mut().zip(&later.columns) {
        column.values = Arc::new(stacked(&column.values, &after.values));
    }
    both.rows = 2 * n;
    both.columns.push(Column {
        name: BATCH_COLUMN.to_owned(),
        role: ColumnRole::Category,
        inferred_role: ColumnRole::Category,
        values: Arc::new(ColumnValues::Text(TextValues {
            codes: (0..2 * n).map(|r| u32::from(r >= n)).collect(),
            levels: BATCHES.iter().map(|b| (*b).to_owned()).collect(),
        })),
        read_as_missing: Vec::new(),
    });
    Ok(both)
}

fn moved_numbers(values: &[f64], shift: f64) -> Vec<f64> {
    let known: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let mean = known.iter().sum::<f64>() / known.len().max(1) as f64;
    let sd =
        (known.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / known.len().max(1) as f64).sqrt();
    let whole = known.iter().all(|x| x.fract() == 0.0);
    values
        .iter()
        .map(|x| {
            let y = x + shift * sd;
            if whole { y.round() } else { y }
        })
        .collect()
}

fn moved_labels(values: &TextValues, share: f64, rng: &mut StdRng) -> TextValues {
    let counts = values.level_counts();
    let rarest = counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .min_by_key(|(_, n)| **n)
        .map(|(i, _)| i as u32);
    let mut out = values.clone();
    if let Some(rarest) = rarest {
        for code in out.codes.iter_mut() {
            if *code != crate::data::table::MISSING_CODE && rng.random::<f64>() < share {
                *code = rarest;
            }
        }
    }
    out
}

/// The values of `before` followed by those of `after` (same kind of column).
fn stacked(before: &ColumnValues, after: &ColumnValues) -> ColumnValues {
    match (before, after) {
        (ColumnValues::Number(a), ColumnValues::Number(b)) => {
            ColumnValues::Number(a.iter().chain(b).copied().collect())
        }
        (ColumnValues::Text(a), ColumnValues::Text(b)) => ColumnValues::Text(TextValues {
            codes: a.codes.iter().chain(&b.codes).copied().collect(),
            levels: a.levels.clone(),
        }),
        (ColumnValues::Datetime(a), ColumnValues::Datetime(b)) => {
            ColumnValues::Datetime(a.iter().chain(b).copied().collect())
        }
        // take_rows keeps each column's kind, so the two always match.
        (a, _) => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::health::analyse;
    use crate::jobs::Progress;

    fn credit() -> Table {
        let sample = crate::samples::find("german_credit").expect("the german_credit sample");
        load(&DataSource::Sample(sample), &Progress::silent()).expect("loads")
    }

    #[test]
    fn a_leak_is_strong_but_not_a_plain_copy() {
        let table = credit();
        let broken = Break::Leak {
            target: "credit_risk".into(),
            column: "collections_flag".into(),
        }
        .apply(&table, 7)
        .expect("applies");
        assert_eq!(broken.columns.len(), table.columns.len() + 1);
        assert_ne!(broken.fingerprint, table.fingerprint);
        let leak = broken.column("collections_flag").expect("the leak");
        let report = analyse(&broken, Some("credit_risk"), &Progress::silent()).expect("health");
        let leak_issue = report.column("collections_flag").and_then(|c| {
            c.issues
                .iter()
                .find(|i| i.kind == crate::health::IssueKind::Leakage)
        });
        // Strong enough to lift the model, not so perfect that Clearbox's own
        // leak check removes it before the room can find it.
        assert!(
            leak_issue.is_none_or(|i| i.severity != crate::health::Severity::Problem),
            "{leak_issue:?}"
        );
        let ColumnValues::Number(v) = leak.values.as_ref() else {
            panic!("a number column")
        };
        let same_seed = Break::Leak {
            target: "credit_risk".into(),
            column: "collections_flag".into(),
        }
        .apply(&table, 7)
        .expect("applies");
        assert_eq!(
            Some(v),
            match same_seed
                .column("collections_flag")
                .map(|c| c.values.as_ref())
            {
                Some(ColumnValues::Number(w)) => Some(w),
                _ => None,
            },
            "the same on every laptop"
        );
    }

    #[test]
    fn label_noise_swaps_about_the_share_asked() {
        let table = credit();
        let broken = Break::LabelNoise {
            target: "credit_risk".into(),
            share: 0.3,
        }
        .apply(&table, 1)
        .expect("applies");
        let (before, after) = (
            table.column("credit_risk").expect("target"),
            broken.column("credit_risk").expect("target"),
        );
        let changed = (0..table.rows)
            .filter(|&r| before.values.display(r) != after.values.display(r))
            .count();
        let share = changed as f64 / table.rows as f64;
        assert!((0.25..0.35).contains(&share), "{share}");
    }

    #[test]
    fn a_drifted_batch_is_added_and_moves_only_its_columns() {
        let table = credit();
        let broken = Break::Drift {
            columns: vec!["age".into()],
            shift: 1.0,
        }
        .apply(&table, 3)
        .expect("applies");
        assert_eq!(broken.rows, 2 * table.rows);
        let batch = broken.column(BATCH_COLUMN).expect("the batch column");
        assert_eq!(batch.values.display(0), "earlier");
        assert_eq!(batch.values.display(broken.rows - 1), "later");
        let mean = |name: &str, rows: std::ops::Range<usize>| {
            let ColumnValues::Number(v) = broken.column(name).expect("column").values.as_ref()
            else {
                panic!("numbers")
            };
            let n = rows.len() as f64;
            v[rows].iter().sum::<f64>() / n
        };
        let n = table.rows;
        assert!(
            mean("age", n..2 * n) - mean("age", 0..n) > 8.0,
            "age moved by a spread"
        );
        let duration = mean("duration", n..2 * n) - mean("duration", 0..n);
        assert!(duration.abs() < 3.0, "duration stays: {duration}");
    }

    #[test]
    fn missing_values_are_blanked_and_bad_shares_refused() {
        let table = credit();
        let broken = Break::Missing {
            column: "duration".into(),
            share: 0.5,
        }
        .apply(&table, 2)
        .expect("applies");
        let missing = broken
            .column("duration")
            .expect("column")
            .values
            .missing_count();
        assert!((400..600).contains(&missing), "{missing}");
        let refused = Break::Missing {
            column: "duration".into(),
            share: 1.5,
        }
        .apply(&table, 2);
        assert!(
            matches!(&refused, Err(ClearboxError::BadRequest(m)) if m.contains("between 0 and 1")),
            "{refused:?}"
        );
        let unknown = Break::Missing {
            column: "nope".into(),
            share: 0.5,
        }
        .apply(&table, 2);
        assert!(matches!(unknown, Err(ClearboxError::UnknownColumn { .. })));
    }
}
