//! Tables made from some rows of another, for periods and row samples.

use std::sync::Arc;

use super::{Column, ColumnValues, Table, TextValues};

/// The values of `rows` (in that order).
pub fn take_values(values: &ColumnValues, rows: &[usize]) -> ColumnValues {
    match values {
        ColumnValues::Number(v) => ColumnValues::Number(rows.iter().map(|&r| v[r]).collect()),
        ColumnValues::Text(t) => ColumnValues::Text(TextValues {
            codes: rows.iter().map(|&r| t.codes[r]).collect(),
            levels: t.levels.clone(),
        }),
        ColumnValues::Datetime(v) => ColumnValues::Datetime(rows.iter().map(|&r| v[r]).collect()),
    }
}

/// A table of the `rows` of `table`, named `name`. Rows must be in range.
pub fn take_rows(table: &Table, rows: &[usize], name: String) -> Table {
    Table {
        name,
        origin: table.origin.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| Column {
                name: c.name.clone(),
                role: c.role,
                inferred_role: c.inferred_role,
                values: Arc::new(take_values(&c.values, rows)),
                read_as_missing: Vec::new(),
            })
            .collect(),
        rows: rows.len(),
        notices: Vec::new(),
        fingerprint: table.fingerprint.clone(),
        summarised: table.summarised.clone(),
    }
}

/// `table` with the column at `index` holding `values` instead.
pub fn with_values(table: &Table, index: usize, values: ColumnValues) -> Table {
    let mut out = table.clone();
    if let Some(column) = out.columns.get_mut(index) {
        column.values = Arc::new(values);
    }
    out
}
