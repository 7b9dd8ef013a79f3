//! Drift over time: one table split by a period column (a year, a month of
//! a date, a batch label), each period compared with the first.

use serde::Serialize;

use super::verdict::DriftVerdict;
use super::{DriftOptions, DriftReport, ModelCheck, compare};
use crate::data::rows::take_rows;
use crate::data::{ColumnValues, Table};
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// Most periods a table may be split into.
pub const MAX_PERIODS: usize = 36;

/// One period compared with the first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// The period's label ("2016", "2001-03", "analysis").
    pub label: String,
    /// Rows in it.
    pub rows: usize,
    /// Its verdict against the first period (the first is stable by definition).
    pub verdict: DriftVerdict,
    /// With a model and known outcomes: the model's score on this period.
    pub score: Option<f64>,
}

/// One column's PSI in every period (NaN where it was not compared).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSeries {
    /// The column.
    pub name: String,
    /// PSI against the first period, one per period (0 for the first).
    pub psi: Vec<f64>,
}

/// Every period against the first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodReport {
    /// The period column.
    pub column: String,
    /// The periods, in time order.
    pub periods: Vec<Period>,
    /// PSI per period of each compared column, latest period's order.
    pub series: Vec<ColumnSeries>,
    /// The model's score measure and its test score, when known.
    pub score_metric: Option<(crate::ml::metrics::Metric, f64)>,
    /// The full comparison of the latest period with the first.
    pub latest: DriftReport,
    /// Periods left out, and why ("2001-07 has only 6 rows").
    pub notes: Vec<String>,
}

/// A period needs this many rows to be compared...
const MIN_PERIOD_ROWS: usize = 30;
/// ...and at least this share of the largest period's rows (stragglers of a
/// next month are not a period).
const MIN_PERIOD_SHARE: f64 = 0.01;

/// Splits `table` by `column` and compares each period with the first.
pub fn compare_periods(
    table: &Table,
    column: &str,
    options: &DriftOptions,
    model: Option<&ModelCheck<'_>>,
    progress: &Progress,
) -> Result<PeriodReport> {
    let mut groups = split(table, column)?;
    let largest = groups.iter().map(|g| g.1.len()).max().unwrap_or(0);
    let mut notes = Vec::new();
    groups.retain(|(label, rows)| {
        let keep =
            rows.len() >= MIN_PERIOD_ROWS && rows.len() as f64 >= MIN_PERIOD_SHARE * largest as f64;
        if !keep {
            notes.push(format!(
                "{column} {label} has only {} and is not compared.",
                crate::words::rows(rows.len())
            ));
        }
        keep
    });
    if groups.len() < 2 {
        return Err(one_period(table, column));
    }
    let mut options = options.clone();
    options.exclude.push(column.to_owned());
    let first = take_rows(table, &groups[0].1, format!("{column} {}", groups[0].0));
    let mut periods = vec![Period {
        label: groups[0].0.clone(),
        rows: groups[0].1.len(),
        verdict: DriftVerdict::Stable,
        score: None,
    }];
    let mut reports: Vec<DriftReport> = Vec::new();
    let later = groups.len() - 1;
    for (i, (label, rows)) in groups.iter().enumerate().skip(1) {
        progress.check_cancelled()?;
        let part = take_rows(table, rows, format!("{column} {label}"));
        let report = compare(
            &first,
            &part,
            &options,
            model,
            &progress.scaled((i - 1) as f32 / later as f32, 1.0 / later as f32),
        )?;
        let mut report = report;
        for left in report.left_out.iter_mut().filter(|l| l.column == column) {
            left.reason = "the period column: it splits the table".into();
        }
        periods.push(Period {
            label: label.clone(),
            rows: rows.len(),
            verdict: report.verdict,
            score: report
                .model
                .as_ref()
                .and_then(|m| m.score.as_ref())
                .map(|s| s.current),
        });
        reports.push(report);
    }
    let Some(latest) = reports.last().cloned() else {
        return Err(one_period(table, column));
    };
    let series = latest
        .columns
        .iter()
        .map(|c| ColumnSeries {
            name: c.name.clone(),
            psi: std::iter::once(0.0)
                .chain(
                    reports
                        .iter()
                        .map(|r| r.column(&c.name).map_or(f64::NAN, |d| d.psi)),
                )
                .collect(),
        })
        .collect();
    let score_metric = latest
        .model
        .as_ref()
        .and_then(|m| m.score.as_ref())
        .map(|s| (s.metric, s.test));
    Ok(PeriodReport {
        column: column.to_owned(),
        periods,
        series,
        score_metric,
        latest,
        notes,
    })
}

fn one_period(table: &Table, column: &str) -> ClearboxError {
    ClearboxError::BadRequest(format!(
        "'{column}' in '{}' has only one period, so there is nothing to compare. Choose a column \
         with at least two values, such as a year or a date.",
        table.name
    ))
}

/// The rows of each period, in time order: numbers ascending, dates by month
/// (by year over three years), labels in order of first appearance.
fn split(table: &Table, column: &str) -> Result<Vec<(String, Vec<usize>)>> {
    let col = table.named(column)?;
    let mut groups: Vec<(String, Vec<usize>)> = match col.values.as_ref() {
        ColumnValues::Number(v) => {
            let mut distinct: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            if distinct.len() > MAX_PERIODS {
                return Err(too_many(table, column, distinct.len()));
            }
            let mut groups: Vec<(String, Vec<usize>)> = distinct
                .iter()
                .map(|x| (crate::data::table::format_number(*x), Vec::new()))
                .collect();
            for (row, x) in v.iter().enumerate() {
                if let Ok(i) = distinct.binary_search_by(|d| d.total_cmp(x)) {
                    groups[i].1.push(row);
                }
            }
            groups
        }
        ColumnValues::Text(t) => {
            let mut order: Vec<u32> = Vec::new();
            let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
            for (row, &code) in t.codes.iter().enumerate() {
                let Some(label) = t.get(row) else { continue };
                let i = match order.iter().position(|&c| c == code) {
                    Some(i) => i,
                    None => {
                        if order.len() == MAX_PERIODS {
                            return Err(too_many(table, column, t.levels.len()));
                        }
                        order.push(code);
                        groups.push((label.to_owned(), Vec::new()));
                        order.len() - 1
                    }
                };
                groups[i].1.push(row);
            }
            groups
        }
        ColumnValues::Datetime(v) => {
            use chrono::Datelike;
            let month = |secs: i64| {
                chrono::DateTime::from_timestamp(secs, 0).map(|d| (d.year(), d.month()))
            };
            let months: Vec<Option<(i32, u32)>> = v.iter().map(|s| s.and_then(month)).collect();
            let years: Vec<i32> = months.iter().flatten().map(|m| m.0).collect();
            let span = years
                .iter()
                .max()
                .zip(years.iter().min())
                .map_or(0, |(a, b)| a - b);
            let by_year = span >= 3;
            let mut keys: Vec<(i32, u32)> = months
                .iter()
                .flatten()
                .map(|&(y, m)| if by_year { (y, 0) } else { (y, m) })
                .collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.len() > MAX_PERIODS {
                return Err(too_many(table, column, keys.len()));
            }
            let mut groups: Vec<(String, Vec<usize>)> = keys
                .iter()
                .map(|&(y, m)| {
                    let label = if by_year {
                        format!("{y}")
                    } else {
                        format!("{y}-{m:02}")
                    };
                    (label, Vec::new())
                })
                .collect();
            for (row, m) in months.iter().enumerate() {
                let Some(&(y, mo)) = m.as_ref() else { continue };
                let key = if by_year { (y, 0) } else { (y, mo) };
                if let Ok(i) = keys.binary_search(&key) {
                    groups[i].1.push(row);
                }
            }
            groups
        }
    };
    groups.retain(|g| !g.1.is_empty());
    if groups.len() < 2 {
        return Err(one_period(table, column));
    }
    Ok(groups)
}

fn too_many(table: &Table, column: &str, found: usize) -> ClearboxError {
    ClearboxError::BadRequest(format!(
        "'{column}' in '{}' has {found} different values, too many to be periods (at most \
         {MAX_PERIODS}). Choose a year, a month or a date column.",
        table.name
    ))
}
