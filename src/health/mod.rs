//! The data-health report: for the whole table and for each column, a traffic
//! light and plain sentences with the numbers behind them, plus one-click
//! fixes where one is sensible.
//!
//! Each family of checks lives in its own file and returns [`Issue`]s; this
//! file holds the types and runs the checks column by column.

mod dates;
mod missing;
mod personal;
mod rows;
mod shape;
pub mod summary;
mod target;

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::data::{Column, ColumnRole, ColumnValues, Fix, Table};
use crate::error::Result;
use crate::jobs::Progress;
pub use summary::ColumnSummary;

/// A traffic light.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Fine; the sentence is for information.
    Ok,
    /// Worth a look before trusting results.
    Check,
    /// Will mislead a model or a reader unless fixed.
    Problem,
}

impl Severity {
    /// The word shown next to the light (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "Good",
            Self::Check => "Check",
            Self::Problem => "Problem",
        }
    }
}

/// What a finding is about. The snake_case names are stable: scripts use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// Empty cells.
    Missing,
    /// Values that stand for "unknown": -1, 999, "?", "N/A", zeros that cannot be.
    DisguisedMissing,
    /// One value in every row.
    Constant,
    /// Almost every row has the same value.
    NearConstant,
    /// Different on every row: names a row, predicts nothing.
    Identifier,
    /// Rows that are exact copies of other rows.
    Duplicates,
    /// Values far outside the usual range.
    Outliers,
    /// A long tail of large values.
    Skew,
    /// A category with very many different values.
    HighCardinality,
    /// Dates later than today.
    FutureDates,
    /// Dates too early or too late to be true.
    ImplausibleDates,
    /// Names, e-mails, phone numbers, bank or card numbers.
    PersonalData,
    /// A column that gives the answer away.
    Leakage,
    /// One outcome is much rarer than the others.
    Imbalance,
    /// Too few rows to trust patterns.
    SmallData,
}

impl IssueKind {
    /// Order among findings of the same severity: what most changes a
    /// model's trustworthiness comes first.
    fn priority(self) -> u8 {
        match self {
            Self::Leakage => 0,
            Self::PersonalData => 1,
            Self::Imbalance => 2,
            Self::Constant => 3,
            Self::Identifier => 4,
            Self::Missing => 5,
            Self::DisguisedMissing => 6,
            _ => 7,
        }
    }

    /// A short title for the finding, as a heading.
    pub fn title(self) -> &'static str {
        match self {
            Self::Missing => "Missing values",
            Self::DisguisedMissing => "Disguised missing values",
            Self::Constant => "Same value everywhere",
            Self::NearConstant => "Almost the same value everywhere",
            Self::Identifier => "Identifier",
            Self::Duplicates => "Repeated rows",
            Self::Outliers => "Extreme values",
            Self::Skew => "Long tail",
            Self::HighCardinality => "Too many different values",
            Self::FutureDates => "Dates in the future",
            Self::ImplausibleDates => "Implausible dates",
            Self::PersonalData => "Personal data",
            Self::Leakage => "Leakage",
            Self::Imbalance => "Rare outcome",
            Self::SmallData => "Small table",
        }
    }

    /// A glossary sentence for readers who do not know the term.
    pub fn glossary(self) -> &'static str {
        match self {
            Self::Missing => {
                "Cells with no value. Models can work around a few; many make a column unreliable."
            }
            Self::DisguisedMissing => {
                "Values that look like data but mean \"unknown\": codes such as -1 or 999, question marks, \"N/A\", or blanks."
            }
            Self::Constant | Self::NearConstant => {
                "A column that is (almost) the same on every row cannot help tell rows apart."
            }
            Self::Identifier => {
                "A code such as a customer number or a ticket id. It names a row, or what the row is about, but says nothing about it."
            }
            Self::Duplicates => "Rows identical to another row in every column.",
            Self::Outliers => {
                "Values far from the rest: more than three times the spread of the middle half away from it."
            }
            Self::Skew => {
                "Most values are small and a few are huge (incomes, purchase amounts). A log scale shows such data evenly."
            }
            Self::HighCardinality => {
                "Cardinality is the number of different values. A category with hundreds of rarely used values is hard to learn from."
            }
            Self::FutureDates | Self::ImplausibleDates => {
                "Dates that cannot be true for past events, often placeholders for \"unknown\"."
            }
            Self::PersonalData => {
                "Information that identifies a person (GDPR). Leave it out of models or replace it with a code (pseudonymise)."
            }
            Self::Leakage => {
                "A column that gives the answer away because it is recorded after the outcome or derived from it. \
                 A model using it looks perfect in testing and fails in real use."
            }
            Self::Imbalance => {
                "One outcome is much rarer than the others. A model can look accurate by always guessing the common outcome."
            }
            Self::SmallData => {
                "With few rows, a handful of unusual cases can change the results a lot."
            }
        }
    }
}

/// One finding: what, how serious, in words, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    /// What it is about.
    pub kind: IssueKind,
    /// How serious.
    pub severity: Severity,
    /// One or two plain sentences with the numbers.
    pub message: String,
    /// The one-click fix, when there is a sensible one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Issue {
    fn new(kind: IssueKind, severity: Severity, message: String) -> Self {
        Self {
            kind,
            severity,
            message,
            fix: None,
        }
    }

    fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// The health of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnHealth {
    /// The column's name.
    pub name: String,
    /// The role in use.
    pub role: ColumnRole,
    /// Share of rows with no value, 0..1.
    pub missing_fraction: f64,
    /// Number of different non-missing values.
    pub distinct: usize,
    /// The worst severity among its issues (`Ok` when there are none).
    pub severity: Severity,
    /// Findings, worst first.
    pub issues: Vec<Issue>,
    /// What to draw for it.
    #[serde(skip)]
    pub summary: ColumnSummary,
    /// The sentence that goes with the chart.
    #[serde(skip)]
    pub caption: String,
}

/// The report for a whole table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthReport {
    /// Name of the table.
    pub table: String,
    /// Number of rows.
    pub rows: usize,
    /// The column the user wants to predict, if chosen.
    pub target: Option<String>,
    /// The worst severity anywhere.
    pub severity: Severity,
    /// One sentence summing up the report.
    pub headline: String,
    /// Findings about the table as a whole (duplicates, size).
    pub table_issues: Vec<Issue>,
    /// One entry per column, in table order.
    pub columns: Vec<ColumnHealth>,
    /// What the loader repaired (renamed columns...).
    pub notices: Vec<String>,
}

impl HealthReport {
    /// The entry for the column called `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnHealth> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Checks `table`; with a `target`, also for imbalance and leakage.
pub fn analyse(table: &Table, target: Option<&str>, progress: &Progress) -> Result<HealthReport> {
    let target_index = match target {
        Some(name) => {
            table.named(name)?;
            table.column_index(name)
        }
        None => None,
    };
    let target_view = target_index.and_then(|i| target::TargetView::new(&table.columns[i]));
    let now = chrono::Utc::now().timestamp();
    let count = table.columns.len().max(1) as f32;
    // Side by side: each column's checks are its own, and sorting a long
    // number column takes a while (3 000 000 rows: about 0.1 s each).
    let done = AtomicUsize::new(0);
    let columns = table
        .columns
        .par_iter()
        .enumerate()
        .map(|(i, column)| {
            progress.check_cancelled()?;
            let health = column_health(
                column,
                table.rows,
                Some(i) == target_index,
                target_view.as_ref(),
                now,
            );
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress.report(0.9 * finished as f32 / count, "Checking columns");
            Ok(health)
        })
        .collect::<Result<Vec<_>>>()?;
    progress.report(0.9, "Looking for repeated rows");
    let mut table_issues = rows::check(table, progress)?;
    sort_issues(&mut table_issues);
    let severity = columns
        .iter()
        .map(|c| c.severity)
        .chain(table_issues.iter().map(|i| i.severity))
        .max()
        .unwrap_or(Severity::Ok);
    let headline = headline(&columns, &table_issues);
    progress.report(1.0, "Done");
    Ok(HealthReport {
        table: table.name.clone(),
        rows: table.rows,
        target: target.map(str::to_owned),
        severity,
        headline,
        table_issues,
        columns,
        notices: table.notices.clone(),
    })
}

/// The checks of one column of a table of `rows` rows; `target` is the
/// target's view when another column is the target (for leakage).
fn column_health(
    column: &Column,
    rows: usize,
    is_target: bool,
    target: Option<&target::TargetView>,
    now: i64,
) -> ColumnHealth {
    let profile = crate::data::profile::Profile::of(&column.values);
    let mut issues = Vec::new();
    issues.extend(missing::check(column, &profile, rows));
    issues.extend(shape::check(column, &profile, is_target));
    issues.extend(dates::check(column, now));
    issues.extend(personal::check(column, &profile));
    if is_target {
        issues.extend(target::imbalance(column, &profile));
    } else if let Some(view) = target {
        issues.extend(target::leakage(column, view));
    }
    sort_issues(&mut issues);
    let severity = issues
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(Severity::Ok);
    ColumnHealth {
        name: column.name.clone(),
        role: column.role,
        missing_fraction: if rows == 0 {
            0.0
        } else {
            profile.missing as f64 / rows as f64
        },
        distinct: profile.distinct,
        severity,
        issues,
        summary: summary::summarise(column, &profile),
        caption: summary::caption(column, &profile),
    }
}

/// Worst first; among equals, the more consequential kind first.
fn sort_issues(issues: &mut [Issue]) {
    issues.sort_by_key(|i| (std::cmp::Reverse(i.severity), i.kind.priority()));
}

fn headline(columns: &[ColumnHealth], table_issues: &[Issue]) -> String {
    let problems = columns
        .iter()
        .filter(|c| c.severity == Severity::Problem)
        .count();
    let checks = columns
        .iter()
        .filter(|c| c.severity == Severity::Check)
        .count();
    let table_note = if table_issues.iter().any(|i| i.severity > Severity::Ok) {
        " The table as a whole also needs a look."
    } else {
        ""
    };
    // "1 column has" / "3 columns have": the verb follows the count.
    let cols = |n: usize| {
        if n == 1 {
            "1 column".to_owned()
        } else {
            format!("{n} columns")
        }
    };
    let verbs = |n: usize| {
        if n == 1 {
            ("has", "deserves")
        } else {
            ("have", "deserve")
        }
    };
    let total = columns.len();
    match (problems, checks) {
        (0, 0) if total == 1 => format!("The column looks healthy.{table_note}"),
        (0, 0) => format!("All {total} columns look healthy.{table_note}"),
        (0, c) => format!(
            "{} of {total} {} a look; none has a serious problem.{table_note}",
            cols(c),
            verbs(c).1
        ),
        (p, 0) => format!(
            "{} of {total} {} a problem to fix before modelling.{table_note}",
            cols(p),
            verbs(p).0
        ),
        (p, c) => format!(
            "{} of {total} {} a problem to fix before modelling, and {c} more {} a look.{table_note}",
            cols(p),
            verbs(p).0,
            verbs(c).1
        ),
    }
}

/// Whether a column holds numbers (as opposed to text or dates).
fn numbers(column: &crate::data::Column) -> Option<&[f64]> {
    match column.values.as_ref() {
        ColumnValues::Number(v) => Some(v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::error::ClearboxError;

    #[test]
    fn the_titanic_report_reads_right() {
        let sample = crate::samples::find("titanic").expect("bundled");
        let table = load(&DataSource::Sample(sample), &Progress::silent()).expect("loads");
        let report = analyse(&table, Some("Survived"), &Progress::silent()).expect("analyses");
        assert_eq!(report.severity, Severity::Problem);
        assert!(
            report
                .headline
                .starts_with("4 columns of 15 have a problem"),
            "{}",
            report.headline
        );
        let boat = report.column("boat").expect("boat");
        assert_eq!(
            boat.issues[0].kind,
            IssueKind::Leakage,
            "leakage is listed first"
        );
        assert!(matches!(
            analyse(&table, Some("nope"), &Progress::silent()),
            Err(ClearboxError::UnknownColumn { .. })
        ));
    }

    #[test]
    fn one_column_gets_singular_verbs() {
        let one = |severity| ColumnHealth {
            name: "a".into(),
            role: ColumnRole::Number,
            missing_fraction: 0.0,
            distinct: 1,
            severity,
            issues: Vec::new(),
            summary: ColumnSummary::Empty,
            caption: String::new(),
        };
        assert_eq!(
            headline(&[one(Severity::Check), one(Severity::Ok)], &[]),
            "1 column of 2 deserves a look; none has a serious problem."
        );
        assert_eq!(
            headline(&[one(Severity::Ok)], &[]),
            "The column looks healthy."
        );
    }
}
