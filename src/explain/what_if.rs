//! What-if: a row with some inputs changed by the user, as a one-row table
//! the model can score and explain, and the controls each input offers
//! (a slider over the values seen, or a list of the labels seen).

use serde::{Deserialize, Serialize};

use crate::data::profile::quantile_sorted;
use crate::data::text_builder::TextBuilder;
use crate::data::{Column, ColumnValues, Table};

/// Most labels a what-if list or a decision search offers: as many as a
/// model gives a slot of their own, since rarer labels all read the same to it.
pub const OFFERED_LABELS: usize = 40;

/// A value the user set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WhatIfValue {
    /// A number.
    Number(f64),
    /// A label.
    Label(String),
}

/// How the user can change one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Control {
    /// A number between the 1st and 99th percentile seen.
    Number {
        /// Lowest offered.
        min: f64,
        /// Highest offered.
        max: f64,
    },
    /// One of the labels seen, most common first.
    Labels(Vec<String>),
    /// Not changeable here (dates).
    Fixed,
}

/// The control for each of `inputs`, from the values in `table`.
pub fn controls(table: &Table, inputs: &[String]) -> Vec<(String, Control)> {
    inputs
        .iter()
        .map(|name| {
            let control = match table.column(name).map(|c| c.values.as_ref()) {
                Some(ColumnValues::Number(v)) => {
                    let mut present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                    present.sort_by(f64::total_cmp);
                    if present.is_empty() {
                        Control::Fixed
                    } else {
                        Control::Number {
                            min: quantile_sorted(&present, 0.01),
                            max: quantile_sorted(&present, 0.99),
                        }
                    }
                }
                Some(ColumnValues::Text(t)) => {
                    Control::Labels(t.most_common(OFFERED_LABELS).into_iter().cloned().collect())
                }
                _ => Control::Fixed,
            };
            (name.clone(), control)
        })
        .collect()
}

/// `row` of `table` as a one-row table, with `edits` applied.
pub fn edited_row(table: &Table, row: usize, edits: &[(String, WhatIfValue)]) -> Table {
    let columns = table
        .columns
        .iter()
        .map(|column| {
            let edit = edits
                .iter()
                .find(|(name, _)| *name == column.name)
                .map(|(_, v)| v);
            let values = match (column.values.as_ref(), edit) {
                (ColumnValues::Number(_), Some(WhatIfValue::Number(x))) => {
                    ColumnValues::Number(vec![*x])
                }
                (ColumnValues::Number(v), _) => ColumnValues::Number(vec![v[row]]),
                (ColumnValues::Text(_), Some(WhatIfValue::Label(label))) => text(Some(label)),
                (ColumnValues::Text(t), _) => text(t.get(row)),
                (ColumnValues::Datetime(v), _) => ColumnValues::Datetime(vec![v[row]]),
            };
            Column {
                values: std::sync::Arc::new(values),
                ..column.clone()
            }
        })
        .collect();
    Table {
        columns,
        rows: 1,
        ..table.clone()
    }
}

fn text(value: Option<&str>) -> ColumnValues {
    let mut builder = TextBuilder::with_capacity(1);
    builder.push(value);
    ColumnValues::Text(builder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::jobs::Progress;

    #[test]
    fn an_edited_row_keeps_the_rest_of_the_row() {
        let table = load(
            &DataSource::Sample(crate::samples::find("titanic").expect("sample")),
            &Progress::silent(),
        )
        .expect("loads");
        let edits = vec![
            ("Age".to_string(), WhatIfValue::Number(61.0)),
            ("Sex".to_string(), WhatIfValue::Label("female".into())),
        ];
        let one = edited_row(&table, 4, &edits);
        assert_eq!(one.rows, 1);
        let shown = |t: &Table, name: &str, row: usize| {
            t.column(name)
                .expect("column")
                .values
                .display(row)
                .into_owned()
        };
        assert_eq!(shown(&one, "Age", 0), "61");
        assert_eq!(shown(&one, "Sex", 0), "female");
        assert_eq!(shown(&one, "Fare", 0), shown(&table, "Fare", 4));
        let controls = controls(&table, &["Age".into(), "Embarked".into()]);
        assert!(matches!(controls[0].1, Control::Number { min, max } if min < max));
        assert!(matches!(&controls[1].1, Control::Labels(l) if l.len() == 3));
    }
}
