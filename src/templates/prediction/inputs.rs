//! Step 2 of the prediction wizard: which columns the model may use. All
//! usable columns by default; identifiers, free text, personal data, constant
//! and leaking columns are left out with the reason shown.

use serde::Serialize;

use crate::data::{ColumnRole, Table};
use crate::health::{HealthReport, IssueKind, Severity};

/// One column's place in the model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputChoice {
    /// The column.
    pub column: String,
    /// Whether the model uses it.
    pub included: bool,
    /// Why it is left out (empty when included).
    pub reason: String,
}

/// The columns of `choices` that are used (`included`) or left out (`!included`),
/// as a request's include and exclude lists.
pub fn columns_where(choices: &[InputChoice], included: bool) -> Vec<String> {
    choices
        .iter()
        .filter(|c| c.included == included)
        .map(|c| c.column.clone())
        .collect()
}

/// The default inputs for predicting `target`. Columns in `include` are used
/// whatever the health report says (the user's override); columns in
/// `exclude` are left out.
pub fn choose_inputs(
    table: &Table,
    report: &HealthReport,
    target: &str,
    exclude: &[String],
    include: &[String],
) -> Vec<InputChoice> {
    choose(table, report, Some(target), exclude, include)
}

/// The default columns for finding groups (no target): the same rules, with
/// no leakage to look for.
pub fn choose_features(
    table: &Table,
    report: &HealthReport,
    exclude: &[String],
    include: &[String],
) -> Vec<InputChoice> {
    choose(table, report, None, exclude, include)
}

fn choose(
    table: &Table,
    report: &HealthReport,
    target: Option<&str>,
    exclude: &[String],
    include: &[String],
) -> Vec<InputChoice> {
    let target_name = target.unwrap_or_default();
    table
        .columns
        .iter()
        .filter(|c| target.is_none_or(|t| c.name != t))
        .map(|column| {
            let issues = report.column(&column.name).map(|h| h.issues.as_slice()).unwrap_or_default();
            let has = |kind: IssueKind| issues.iter().any(|i| i.kind == kind && i.severity > Severity::Ok);
            // Only near-certain leakage is left out by default; a "check" stays in with its warning.
            let leaks = issues.iter().any(|i| i.kind == IssueKind::Leakage && i.severity == Severity::Problem);
            let reason = if include.iter().any(|i| i == &column.name) {
                String::new()
            } else if leaks {
                format!("gives the answer away: it predicts '{target_name}' almost perfectly on its own (leakage)")
            } else if has(IssueKind::PersonalData) {
                "personal data".to_owned()
            } else if column.role == ColumnRole::Identifier {
                if target.is_some() {
                "an identifier: different on every row, so it predicts nothing".to_owned()
            } else {
                "an identifier: different on every row, so it says nothing about what rows have in common".to_owned()
            }
            } else if column.role == ColumnRole::Text {
                "free text, which models do not read yet".to_owned()
            } else if has(IssueKind::Constant) {
                "the same value on every row".to_owned()
            } else if report.column(&column.name).is_some_and(|h| h.missing_fraction >= 1.0) {
                "every value is missing".to_owned()
            } else if exclude.iter().any(|e| e == &column.name) {
                "left out by you".to_owned()
            } else {
                String::new()
            };
            InputChoice { column: column.name.clone(), included: reason.is_empty(), reason }
        })
        .collect()
}
