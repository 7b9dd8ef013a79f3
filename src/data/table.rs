//! The in-memory table every part of Clearbox reads.
//!
//! Values are stored column by column in three shapes: numbers (`f64`, NaN
//! for missing), dictionary-encoded text (one code per row into a list of
//! distinct strings) and date-times (seconds since 1970 UTC). Column values
//! sit behind an `Arc` so that applying a recipe (a role change, a fix) copies
//! only the columns it touches.

use std::borrow::Cow;
use std::sync::Arc;

use super::role::ColumnRole;
use crate::error::{ClearboxError, Result};

/// The code that marks a missing text value.
pub const MISSING_CODE: u32 = u32::MAX;

/// Dictionary-encoded text values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextValues {
    /// One entry per row: an index into `levels`, or [`MISSING_CODE`].
    pub codes: Vec<u32>,
    /// The distinct strings, in order of first appearance.
    pub levels: Vec<String>,
}

impl TextValues {
    /// The string on `row`, or `None` when missing.
    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes.get(row) {
            Some(&code) if code != MISSING_CODE => {
                self.levels.get(code as usize).map(String::as_str)
            }
            _ => None,
        }
    }

    /// How many rows use each level (same order as `levels`).
    pub fn level_counts(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.levels.len()];
        for &code in &self.codes {
            if let Some(c) = counts.get_mut(code as usize) {
                *c += 1;
            }
        }
        counts
    }

    /// Up to `limit` labels that occur, most common first (ties in label order).
    pub fn most_common(&self, limit: usize) -> Vec<&String> {
        let counts = self.level_counts();
        let mut levels: Vec<(usize, &String)> = counts
            .into_iter()
            .zip(self.levels.iter())
            .filter(|(n, _)| *n > 0)
            .collect();
        levels.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        levels.into_iter().take(limit).map(|(_, l)| l).collect()
    }
}

/// The values of one column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    /// Numbers; `NaN` is missing.
    Number(Vec<f64>),
    /// Text, dictionary-encoded.
    Text(TextValues),
    /// Moments in time as seconds since 1970-01-01 UTC; `None` is missing.
    Datetime(Vec<Option<i64>>),
}

impl ColumnValues {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Self::Number(v) => v.len(),
            Self::Text(t) => t.codes.len(),
            Self::Datetime(v) => v.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the value on `row` is missing.
    pub fn is_missing(&self, row: usize) -> bool {
        match self {
            Self::Number(v) => v.get(row).is_none_or(|x| x.is_nan()),
            Self::Text(t) => t.codes.get(row).is_none_or(|&c| c == MISSING_CODE),
            Self::Datetime(v) => v.get(row).is_none_or(Option::is_none),
        }
    }

    /// Number of missing values.
    pub fn missing_count(&self) -> usize {
        match self {
            Self::Number(v) => v.iter().filter(|x| x.is_nan()).count(),
            Self::Text(t) => t.codes.iter().filter(|&&c| c == MISSING_CODE).count(),
            Self::Datetime(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }

    /// The value on `row` as the table view shows it ("" when missing).
    pub fn display(&self, row: usize) -> Cow<'_, str> {
        match self {
            Self::Number(v) => match v.get(row) {
                Some(x) if !x.is_nan() => Cow::Owned(format_number(*x)),
                _ => Cow::Borrowed(""),
            },
            Self::Text(t) => Cow::Borrowed(t.get(row).unwrap_or("")),
            Self::Datetime(v) => match v.get(row).copied().flatten() {
                Some(secs) => Cow::Owned(format_datetime(secs)),
                None => Cow::Borrowed(""),
            },
        }
    }
}

/// Formats a number the way people write it: no trailing zeros, integers without a point.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Formats seconds since 1970 as a date, with the time only when there is one.
pub fn format_datetime(secs: i64) -> String {
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(dt) if secs.rem_euclid(86_400) == 0 => dt.format("%Y-%m-%d").to_string(),
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => secs.to_string(),
    }
}

/// One column: its name, its role, and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The name as shown (made unique and non-empty at load time).
    pub name: String,
    /// The role in use: inferred, or chosen by the user.
    pub role: ColumnRole,
    /// The role Clearbox inferred when loading, kept so the user can go back to it.
    pub inferred_role: ColumnRole,
    /// The values, shared between copies of the table.
    pub values: Arc<ColumnValues>,
    /// Strings read as missing while typing the column ("?", "N/A", stray
    /// text in a number column), with how many cells held each.
    pub read_as_missing: Vec<(String, usize)>,
}

impl Column {
    /// A column made by Clearbox (a summary's), whose role is known rather
    /// than inferred.
    pub fn new(name: String, role: ColumnRole, values: ColumnValues) -> Self {
        Self {
            name,
            role,
            inferred_role: role,
            values: Arc::new(values),
            read_as_missing: Vec::new(),
        }
    }
}

/// Where a table came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableOrigin {
    /// A file on disk.
    File(std::path::PathBuf),
    /// A sample bundled with Clearbox, by its id.
    Sample(String),
}

/// A loaded table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// A short name to show: the file name or the sample's title.
    pub name: String,
    /// Where it came from.
    pub origin: TableOrigin,
    /// The columns, in file order.
    pub columns: Vec<Column>,
    /// Number of rows.
    pub rows: usize,
    /// Things the loader repaired and the user should know (renamed columns...).
    pub notices: Vec<String>,
    /// A short hash of the file's bytes, to recognise the same data later.
    pub fingerprint: String,
    /// Whether the rows are a log's rows summarised per key
    /// ([`super::summary`]): models trained on it summarise new rows alike.
    pub summarised: Option<super::summary::PerKey>,
}

impl Table {
    /// Index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column `name`, or an error naming the file and the columns it has.
    pub fn named(&self, name: &str) -> Result<&Column> {
        self.column(name)
            .ok_or_else(|| ClearboxError::UnknownColumn {
                column: name.to_owned(),
                file: self.name.clone(),
                available: self.column_list(),
            })
    }

    /// A short, human list of the column names for error messages.
    pub fn column_list(&self) -> String {
        let names: Vec<&str> = self
            .columns
            .iter()
            .take(12)
            .map(|c| c.name.as_str())
            .collect();
        let more = self.columns.len().saturating_sub(names.len());
        if more > 0 {
            format!("{} and {more} more", names.join(", "))
        } else {
            names.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_without_noise() {
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(7.25), "7.25");
        assert_eq!(format_number(-0.5), "-0.5");
    }

    #[test]
    fn dates_print_without_midnight() {
        assert_eq!(format_datetime(0), "1970-01-01");
        assert_eq!(format_datetime(3661), "1970-01-01 01:01:01");
    }
}
