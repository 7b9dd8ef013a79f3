//! What a saved model cannot read as it was trained to in a new file:
//! numbers written as text it cannot parse, missing numbers where training
//! had none, and, on many rows, labels it saw rarely or never. Scoring
//! still runs (each such value is read as missing, or as "another label"),
//! but the person scoring must hear it, naming the column, how many rows
//! and an example, because the predictions for those rows rest on a
//! stand-in rather than on the data.

use super::preprocess::{Encoder, Preprocessor, label_of};
use crate::data::{ColumnValues, Table};
use crate::words::{count, percent};

/// Share of the scored rows with a label the model does not know, or an
/// empty number, before it is worth a note: a few are ordinary; many mean
/// the export changed.
const NOTE_SHARE: f64 = 0.1;

/// One column of a new file the model cannot fully read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// The column.
    pub column: String,
    /// Rows affected.
    pub rows: usize,
    /// Rows scored.
    pub of: usize,
    /// What is wrong.
    pub kind: UnreadKind,
}

/// What a model cannot read in a column.
#[derive(Debug, Clone, PartialEq)]
pub enum UnreadKind {
    /// Text where the model reads numbers (the first such value).
    NotANumber(String),
    /// Missing numbers on many rows, where the model learned from rows
    /// that had none.
    MissingNumber,
    /// Labels the model saw too rarely to learn, or never (the first one).
    NewLabel(String),
}

impl Unread {
    /// The note, in one sentence.
    pub fn sentence(&self) -> String {
        let share = format!(
            "{} of {} rows ({})",
            count(self.rows),
            count(self.of),
            percent(self.rows as f64 / self.of.max(1) as f64)
        );
        let column = &self.column;
        match &self.kind {
            UnreadKind::NotANumber(example) => format!(
                "'{column}' holds text where the model reads numbers on {share}, such as '{example}': \
                 those rows are scored as if '{column}' were missing. Fix the column or export it again."
            ),
            UnreadKind::MissingNumber => format!(
                "'{column}' is empty on {share}: the model puts a typical value in its place there."
            ),
            UnreadKind::NewLabel(example) => format!(
                "'{column}' has a label the model saw rarely or never on {share}, such as '{example}': \
                 it reads them all as one 'other' label. If the labels were renamed, train again."
            ),
        }
    }
}

impl Preprocessor {
    /// What the model cannot read in `table`'s `rows`, column by column.
    /// Columns missing altogether are [`Preprocessor::check`]'s error.
    pub fn unread(&self, table: &Table, rows: &[usize]) -> Vec<Unread> {
        let of = rows.len();
        self.encoders
            .iter()
            .filter_map(|encoder| {
                let values = &table.column(encoder.column())?.values;
                let (affected, kind) = match encoder {
                    Encoder::Number { missing_flag, .. } => {
                        number_problems(values, rows, *missing_flag)?
                    }
                    Encoder::Category { levels, .. } => {
                        let mut first = None;
                        let new = rows
                            .iter()
                            .filter_map(|&r| label_of(values, r))
                            .filter(|label| !levels.contains(label))
                            .inspect(|label| {
                                first.get_or_insert_with(|| label.clone());
                            })
                            .count();
                        worth_a_note(new, of)
                            .then(|| (new, UnreadKind::NewLabel(first.unwrap_or_default())))?
                    }
                    // A date column that holds no dates is `check`'s error;
                    // a yes/no one reads any label but a yes as no.
                    Encoder::Boolean { .. } | Encoder::Date { .. } => return None,
                };
                Some(Unread {
                    column: encoder.column().to_owned(),
                    rows: affected,
                    of,
                    kind,
                })
            })
            .collect()
    }
}

/// Whether `affected` of `of` rows are enough for a note.
fn worth_a_note(affected: usize, of: usize) -> bool {
    affected > 0 && affected as f64 >= NOTE_SHARE * of as f64
}

/// Text that is not a number (any), else missing numbers on many rows
/// where the training rows had none (`seen_missing` false: a model that
/// saw them learned what an empty value says), with how many rows.
fn number_problems(
    values: &ColumnValues,
    rows: &[usize],
    seen_missing: bool,
) -> Option<(usize, UnreadKind)> {
    let mut text = None;
    let (mut unreadable, mut missing) = (0, 0);
    for &r in rows {
        match values {
            ColumnValues::Number(v) if v[r].is_nan() => missing += 1,
            ColumnValues::Number(_) => {}
            other => match label_of(other, r) {
                None => missing += 1,
                Some(label) if label.parse::<f64>().is_err() => {
                    unreadable += 1;
                    text.get_or_insert(label);
                }
                Some(_) => {}
            },
        }
    }
    match text {
        Some(example) => Some((unreadable, UnreadKind::NotANumber(example))),
        None if worth_a_note(missing, rows.len()) && !seen_missing => {
            Some((missing, UnreadKind::MissingNumber))
        }
        None => None,
    }
}
