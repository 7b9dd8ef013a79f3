//! Dates that cannot be right: in the future, or before 1900 (often a
//! placeholder such as 1900-01-01 for "unknown").

use super::{Issue, IssueKind, Severity};
use crate::data::table::format_datetime;
use crate::data::{Column, ColumnValues, Fix};
use crate::words::{percent, rows};

/// 1900-01-01 in seconds since 1970.
const YEAR_1900: i64 = -2_208_988_800;
/// 2100-01-01 in seconds since 1970.
const YEAR_2100: i64 = 4_102_444_800;

/// Findings about the dates in `column`, judged against `now` (seconds since 1970).
pub fn check(column: &Column, now: i64) -> Vec<Issue> {
    let ColumnValues::Datetime(values) = column.values.as_ref() else {
        return Vec::new();
    };
    let present: Vec<i64> = values.iter().flatten().copied().collect();
    let total = values.len().max(1) as f64;
    let mut issues = Vec::new();
    let implausible: Vec<i64> = present
        .iter()
        .copied()
        .filter(|&s| s <= YEAR_1900 || s >= YEAR_2100)
        .collect();
    if !implausible.is_empty() {
        let mut issue = Issue::new(
            IssueKind::ImplausibleDates,
            Severity::Check,
            format!(
                "{} ({}) have dates on or before 1 January 1900, or after 2100, for example {}. Such dates are usually \
                 placeholders for \"unknown\".",
                rows(implausible.len()),
                percent(implausible.len() as f64 / total),
                format_datetime(implausible[0])
            ),
        );
        if implausible.iter().all(|&s| s == implausible[0]) {
            issue = issue.with_fix(Fix::TreatAsMissing {
                column: column.name.clone(),
                value: format_datetime(implausible[0]),
            });
        }
        issues.push(issue);
    }
    let future: Vec<i64> = present
        .iter()
        .copied()
        .filter(|&s| s > now && s < YEAR_2100)
        .collect();
    if let Some(latest) = future.iter().max() {
        issues.push(Issue::new(
            IssueKind::FutureDates,
            Severity::Check,
            format!(
                "{} ({}) have dates later than today, up to {}. Check whether they are plans or typing errors.",
                rows(future.len()),
                percent(future.len() as f64 / total),
                format_datetime(*latest)
            ),
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;

    #[test]
    fn future_and_placeholder_dates_are_flagged() {
        let day = 86_400;
        let now = 20_000 * day;
        let column = infer::column(
            "signed".into(),
            ColumnValues::Datetime(vec![
                Some(19_000 * day),
                Some(21_000 * day),
                Some(YEAR_1900),
                Some(YEAR_1900),
            ]),
        );
        let found = check(&column, now);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, IssueKind::ImplausibleDates);
        assert_eq!(
            found[0].fix,
            Some(Fix::TreatAsMissing {
                column: "signed".into(),
                value: "1900-01-01".into()
            })
        );
        assert!(
            found[1]
                .message
                .starts_with("1 row (25%) have dates later than today")
        );
    }
}
