//! Which columns to compare: those in both tables that describe rows —
//! not identifiers, dates, free text, the columns the user left out, or a
//! column holding one value per table (a batch label such as a year).

use super::{DriftOptions, LeftOut};
use crate::data::{ColumnRole, ColumnValues, Table};
use crate::error::{ClearboxError, Result};

/// Pairs of column indices (reference, current) to compare, and the columns left out.
pub type Chosen = (Vec<(usize, usize)>, Vec<LeftOut>);

pub fn choose_columns(
    reference: &Table,
    current: &Table,
    options: &DriftOptions,
) -> Result<Chosen> {
    for name in &options.exclude {
        if reference.column(name).is_none() && current.column(name).is_none() {
            return Err(ClearboxError::UnknownColumn {
                column: name.clone(),
                file: reference.name.clone(),
                available: reference.column_list(),
            });
        }
    }
    let mut pairs = Vec::new();
    let mut left_out = Vec::new();
    let mut leave = |column: &str, reason: String| {
        left_out.push(LeftOut {
            column: column.to_owned(),
            reason,
        })
    };
    let mut common = 0;
    for (r, column) in reference.columns.iter().enumerate() {
        let Some(c) = current.column_index(&column.name) else {
            leave(&column.name, format!("not in '{}'", current.name));
            continue;
        };
        common += 1;
        if options.exclude.contains(&column.name) {
            leave(&column.name, "left out by you".into());
            continue;
        }
        let reason = match column.role {
            ColumnRole::Identifier => Some("an identifier: a code that names rows".to_owned()),
            ColumnRole::Text => Some("free text is not compared".to_owned()),
            ColumnRole::Datetime => {
                Some("dates always move on; choose it as the period column instead".to_owned())
            }
            _ => None,
        };
        let other = &current.columns[c];
        let reason = reason.or_else(|| {
            let same_kind = matches!(
                (column.values.as_ref(), other.values.as_ref()),
                (ColumnValues::Number(_), ColumnValues::Number(_))
                    | (ColumnValues::Text(_), ColumnValues::Text(_))
            );
            if !same_kind {
                return Some("holds numbers in one table and text in the other".to_owned());
            }
            match (single_value(&column.values), single_value(&other.values)) {
                (Some(a), Some(b)) if a == b => Some(format!("holds only '{a}' in both tables")),
                (Some(a), Some(b)) => Some(format!(
                    "holds one value in each table ('{a}' and '{b}'): it labels the tables \
                     rather than describing rows"
                )),
                _ => None,
            }
        });
        match reason {
            Some(reason) => leave(&column.name, reason),
            None => pairs.push((r, c)),
        }
    }
    if common == 0 {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' and '{}' have no columns with the same names, so there is nothing to compare. \
             Check that both files are the same kind of export.",
            reference.name, current.name
        )));
    }
    if pairs.is_empty() {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' and '{}' share no column that can be compared (identifiers, dates and free \
             text are left out). Check the column roles or the columns you left out.",
            reference.name, current.name
        )));
    }
    Ok((pairs, left_out))
}

/// The one value a column holds, if it holds exactly one (missing aside).
fn single_value(values: &ColumnValues) -> Option<String> {
    let mut first: Option<usize> = None;
    for row in 0..values.len() {
        if values.is_missing(row) {
            continue;
        }
        match first {
            None => first = Some(row),
            Some(f) => {
                let same = match values {
                    ColumnValues::Number(v) => v[f] == v[row],
                    ColumnValues::Text(t) => t.codes[f] == t.codes[row],
                    ColumnValues::Datetime(v) => v[f] == v[row],
                };
                if !same {
                    return None;
                }
            }
        }
    }
    first.map(|f| values.display(f).into_owned())
}
