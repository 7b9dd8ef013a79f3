//! The changes a user made to a table — role changes and one-click fixes —
//! recorded so they can be shown, undone, saved and replayed on the same data.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::role::ColumnRole;
use super::table::{ColumnValues, MISSING_CODE, Table};

/// One fix offered by the health report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Fix {
    /// Leave the column out of the analysis and of models.
    ExcludeColumn {
        /// The column's name.
        column: String,
    },
    /// Read every cell equal to `value` in `column` as missing.
    TreatAsMissing {
        /// The column's name.
        column: String,
        /// The value, as it is displayed ("-1", "?").
        value: String,
    },
    /// Make one row per value of `column` out of the rows that share it
    /// ([`super::summary`]): a purchase log becomes a table of customers.
    SummarisePer {
        /// The column naming what each row is about.
        column: String,
    },
}

impl Fix {
    /// The column the fix changes.
    pub fn column(&self) -> &str {
        match self {
            Self::ExcludeColumn { column }
            | Self::TreatAsMissing { column, .. }
            | Self::SummarisePer { column } => column,
        }
    }

    /// What the fix does, for buttons and the list of applied changes.
    pub fn describe(&self) -> String {
        match self {
            Self::ExcludeColumn { column } => format!("Leave out '{column}'"),
            Self::TreatAsMissing { column, value } => {
                format!("Treat '{value}' in '{column}' as missing")
            }
            Self::SummarisePer { column } => format!(
                "One row per {}: summarise the rows of each '{column}'",
                super::PerKey {
                    key: column.clone()
                }
                .noun()
            ),
        }
    }
}

/// Everything the user changed, in the order they did it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Recipe {
    /// Roles the user chose, by column name.
    pub roles: BTreeMap<String, ColumnRole>,
    /// Fixes applied, in order.
    pub fixes: Vec<Fix>,
}

impl Recipe {
    /// Whether nothing was changed.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty() && self.fixes.is_empty()
    }

    /// Columns the recipe leaves out.
    pub fn excluded(&self) -> impl Iterator<Item = &str> {
        self.fixes.iter().filter_map(|f| match f {
            Fix::ExcludeColumn { column } => Some(column.as_str()),
            Fix::TreatAsMissing { .. } | Fix::SummarisePer { .. } => None,
        })
    }

    /// Adds a fix unless the same one is already there.
    pub fn add_fix(&mut self, fix: Fix) {
        if !self.fixes.contains(&fix) {
            self.fixes.push(fix);
        }
    }

    /// Writes the recipe as RON to `path`, atomically, for `clearbox profile --recipe`.
    pub fn save(&self, path: &std::path::Path) -> crate::Result<()> {
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).map_err(|e| {
                crate::ClearboxError::SaveFailed {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                }
            })?;
        crate::files::write_atomically(path, text.as_bytes())
    }

    /// Reads a recipe written by [`Recipe::save`].
    pub fn load(path: &std::path::Path) -> crate::Result<Self> {
        let text =
            std::fs::read_to_string(path).map_err(|e| crate::ClearboxError::from_io(path, &e))?;
        ron::from_str(&text).map_err(|e| {
            crate::ClearboxError::BadRequest(format!(
                "'{}' is not a Clearbox recipe ({e}). Save one from the app's Data page.",
                crate::error::display_name(path)
            ))
        })
    }

    /// Applies the recipe to `original`, returning the table the user works with.
    /// Columns and values the recipe names but the table lacks are skipped, so
    /// a recipe saved on last month's file replays on this month's.
    pub fn apply(&self, original: &Table) -> Table {
        let mut table = original.clone();
        for fix in &self.fixes {
            match fix {
                Fix::SummarisePer { column } => {
                    // A summary reads roles (amounts are totalled, labels
                    // counted), so the user's choices count before it too.
                    self.set_roles(&mut table);
                    let per = super::PerKey {
                        key: column.clone(),
                    };
                    if let Ok(summary) = per.summarise(&table) {
                        table = summary;
                    }
                }
                Fix::ExcludeColumn { column } => table.columns.retain(|c| &c.name != column),
                Fix::TreatAsMissing { column, value } => {
                    if let Some(col) = table.columns.iter_mut().find(|c| &c.name == column) {
                        col.values = Arc::new(blank_out(&col.values, value));
                    }
                }
            }
        }
        self.set_roles(&mut table);
        table
    }

    /// Gives `table`'s columns the roles the user chose.
    fn set_roles(&self, table: &mut Table) {
        for column in &mut table.columns {
            if let Some(role) = self.roles.get(&column.name) {
                column.role = *role;
            }
        }
    }
}

/// A copy of `values` with every cell that displays as `value` made missing.
fn blank_out(values: &ColumnValues, value: &str) -> ColumnValues {
    match values {
        ColumnValues::Number(v) => {
            let target: Option<f64> = value.trim().parse().ok();
            ColumnValues::Number(
                v.iter()
                    .map(|&x| if Some(x) == target { f64::NAN } else { x })
                    .collect(),
            )
        }
        ColumnValues::Text(t) => {
            let mut t = t.clone();
            if let Some(code) = t.levels.iter().position(|l| l == value) {
                let code = code as u32;
                t.codes
                    .iter_mut()
                    .filter(|c| **c == code)
                    .for_each(|c| *c = MISSING_CODE);
            }
            ColumnValues::Text(t)
        }
        ColumnValues::Datetime(v) => {
            let mut v = v.clone();
            for cell in v.iter_mut() {
                if cell.is_some_and(|s| super::table::format_datetime(s) == value) {
                    *cell = None;
                }
            }
            ColumnValues::Datetime(v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;
    use crate::data::table::TableOrigin;

    fn table() -> Table {
        Table {
            name: "t".into(),
            origin: TableOrigin::Sample("t".into()),
            columns: vec![
                infer::column("age".into(), ColumnValues::Number(vec![30.0, -1.0, 40.0])),
                infer::column("id".into(), ColumnValues::Number(vec![1.0, 2.0, 3.0])),
            ],
            rows: 3,
            notices: Vec::new(),
            fingerprint: String::new(),
            summarised: None,
        }
    }

    #[test]
    fn fixes_replay_in_order_and_survive_a_round_trip() {
        let mut recipe = Recipe::default();
        recipe.add_fix(Fix::TreatAsMissing {
            column: "age".into(),
            value: "-1".into(),
        });
        recipe.add_fix(Fix::ExcludeColumn {
            column: "id".into(),
        });
        recipe.add_fix(Fix::ExcludeColumn {
            column: "id".into(),
        });
        recipe.roles.insert("age".into(), ColumnRole::Category);
        assert_eq!(recipe.fixes.len(), 2, "the same fix is recorded once");

        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("recipe.ron");
        recipe.save(&path).expect("saves");
        let replayed = Recipe::load(&path).expect("loads");
        assert_eq!(replayed, recipe);
        let out = replayed.apply(&table());
        assert_eq!(out.columns.len(), 1);
        assert_eq!(out.columns[0].role, ColumnRole::Category);
        assert_eq!(out.columns[0].values.missing_count(), 1);
        assert_eq!(
            table().columns[0].values.missing_count(),
            0,
            "the original is untouched"
        );
    }
}
