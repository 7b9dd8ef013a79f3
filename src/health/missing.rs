//! Missing values, and values that only pretend to be data: -1, 999, "?",
//! "N/A", empty strings, and zeros in a column that is never zero otherwise.

use super::{Issue, IssueKind, Severity, numbers};
use crate::data::infer::is_missing_token;
use crate::data::profile::{NumericProfile, Profile};
use crate::data::table::format_number;
use crate::data::{Column, ColumnRole, ColumnValues, Fix};
use crate::words::{count, percent, rows};

/// All findings about missing and disguised-missing values in `column`.
pub fn check(column: &Column, profile: &Profile, table_rows: usize) -> Vec<Issue> {
    let mut issues = Vec::new();
    issues.extend(plain_missing(column, profile, table_rows));
    if !column.read_as_missing.is_empty() {
        let total: usize = column.read_as_missing.iter().map(|(_, n)| n).sum();
        let examples = quoted_examples(&column.read_as_missing);
        issues.push(Issue::new(
            IssueKind::DisguisedMissing,
            Severity::Check,
            format!(
                "{} held {examples} instead of a value; Clearbox reads them as missing. \
                 If they mean something, ask whoever made the file.",
                cells(total)
            ),
        ));
    }
    if let ColumnValues::Text(t) = column.values.as_ref() {
        let counts = t.level_counts();
        let mut tokens: Vec<(String, usize)> = t
            .levels
            .iter()
            .zip(&counts)
            .filter(|(l, c)| **c > 0 && (is_missing_token(l) || l.trim().is_empty()))
            .map(|(l, c)| (l.clone(), *c))
            .collect();
        tokens.sort_by_key(|e| std::cmp::Reverse(e.1));
        for (token, n) in tokens.into_iter().take(3) {
            let shown = if token.trim().is_empty() {
                "an empty text".to_owned()
            } else {
                format!("'{token}'")
            };
            issues.push(
                Issue::new(
                    IssueKind::DisguisedMissing,
                    Severity::Check,
                    format!(
                        "{} hold {shown} ({} of rows), which usually means the value is unknown.",
                        cells(n),
                        percent(n as f64 / table_rows.max(1) as f64)
                    ),
                )
                .with_fix(Fix::TreatAsMissing {
                    column: column.name.clone(),
                    value: token,
                }),
            );
        }
    }
    if let (Some(_), Some(numeric)) = (numbers(column), &profile.numeric)
        && column.role == ColumnRole::Number
    {
        issues.extend(sentinels(column, numeric, table_rows));
    }
    issues
}

fn plain_missing(column: &Column, profile: &Profile, table_rows: usize) -> Option<Issue> {
    if profile.missing == 0 {
        return None;
    }
    let share = profile.missing as f64 / table_rows.max(1) as f64;
    if profile.present == 0 {
        return Some(
            Issue::new(
                IssueKind::Missing,
                Severity::Problem,
                "Every value is missing, so this column tells nothing. Leave it out.".into(),
            )
            .with_fix(Fix::ExcludeColumn {
                column: column.name.clone(),
            }),
        );
    }
    let base = format!(
        "{} of {} values are missing ({}).",
        count(profile.missing),
        count(table_rows),
        percent(share)
    );
    let issue = if share < 0.05 {
        Issue::new(
            IssueKind::Missing,
            Severity::Ok,
            format!("{base} That is few; models fill the gaps and note they were empty."),
        )
    } else if share < 0.4 {
        Issue::new(
            IssueKind::Missing,
            Severity::Check,
            format!(
                "{base} Models can cope, but check why they are missing: it is often a clue in itself."
            ),
        )
    } else {
        Issue::new(
            IssueKind::Missing,
            Severity::Problem,
            format!("{base} With so many gaps the column is unreliable; consider leaving it out."),
        )
        .with_fix(Fix::ExcludeColumn {
            column: column.name.clone(),
        })
    };
    Some(issue)
}

/// Codes such as -1, -999, 99 or 9999 that sit apart from the real values,
/// and zeros in a column whose other values never come near zero.
fn sentinels(column: &Column, numeric: &NumericProfile, table_rows: usize) -> Vec<Issue> {
    let n = numeric.sorted.len();
    let min_count = 3.max(n / 1000);
    let mut found = Vec::new();
    for code in [-1.0, -9.0, -99.0, -999.0, -9999.0, -99999.0] {
        let hits = numeric.count_equal(code);
        if hits >= min_count && hits < n / 2 {
            let below_code = numeric.sorted.partition_point(|v| *v < code);
            let others_non_negative = below_code == 0
                && numeric.sorted[below_code + hits..]
                    .iter()
                    .all(|v| *v >= 0.0);
            if others_non_negative {
                found.push((code, hits, "is the only negative value"));
            }
        }
    }
    for code in [9.0, 99.0, 999.0, 9999.0, 99999.0, 999999.0] {
        let hits = numeric.count_equal(code);
        if hits >= min_count && hits < n / 2 && numeric.max() == code {
            let below = numeric.sorted[..n - hits]
                .last()
                .copied()
                .unwrap_or(f64::NAN);
            if below <= code / 2.0 {
                found.push((code, hits, "sits far above every other value"));
            }
        }
    }
    let zeros = numeric.count_equal(0.0);
    if zeros >= min_count && zeros < n / 2 && numeric.min() >= 0.0 && zero_is_isolated(numeric) {
        found.push((0.0, zeros, "sits far below every other value"));
    }
    found
        .into_iter()
        .map(|(code, hits, why)| {
            let shown = format_number(code);
            Issue::new(
                IssueKind::DisguisedMissing,
                Severity::Check,
                format!(
                    "{} hold {shown} ({}), which {why}: it probably stands for \"unknown\".",
                    rows(hits),
                    percent(hits as f64 / table_rows.max(1) as f64)
                ),
            )
            .with_fix(Fix::TreatAsMissing {
                column: column.name.clone(),
                value: shown,
            })
        })
        .collect()
}

/// Whether the step from 0 to the smallest positive value is much larger than
/// the steps between the next few values (a blood pressure of 0 next to 24, 30,
/// 38..., but not a count of 0 next to 1, 2, 3).
fn zero_is_isolated(numeric: &NumericProfile) -> bool {
    let next = numeric.distinct_after(0.0, 21);
    if next.len() < 5 {
        return false;
    }
    let mut gaps: Vec<f64> = next.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let typical = gaps[gaps.len() / 2];
    next[0] > 5.0 * typical
}

fn cells(n: usize) -> String {
    if n == 1 {
        "1 cell".into()
    } else {
        format!("{} cells", count(n))
    }
}

fn quoted_examples(values: &[(String, usize)]) -> String {
    let shown: Vec<String> = values
        .iter()
        .take(3)
        .map(|(v, _)| {
            if v.trim().is_empty() {
                "blanks".into()
            } else {
                format!("'{v}'")
            }
        })
        .collect();
    match shown.len() {
        0 => String::new(),
        1 => shown[0].clone(),
        _ => format!(
            "{} or {}",
            shown[..shown.len() - 1].join(", "),
            shown[shown.len() - 1]
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;

    fn issues_for(values: Vec<f64>) -> Vec<Issue> {
        let column = infer::column("x".into(), ColumnValues::Number(values));
        let profile = Profile::of(&column.values);
        check(&column, &profile, column.values.len())
    }

    #[test]
    fn minus_one_among_positives_is_flagged_with_a_fix() {
        let mut v: Vec<f64> = (0..200).map(|i| 20.0 + (i % 50) as f64).collect();
        v.extend([-1.0; 10]);
        let issues = issues_for(v);
        let found = issues
            .iter()
            .find(|i| i.kind == IssueKind::DisguisedMissing)
            .expect("flagged");
        assert!(
            found.message.contains("10 rows hold -1"),
            "{}",
            found.message
        );
        assert_eq!(
            found.fix,
            Some(Fix::TreatAsMissing {
                column: "x".into(),
                value: "-1".into()
            })
        );
    }

    #[test]
    fn isolated_zeros_are_flagged_but_counts_are_not() {
        let mut pressure: Vec<f64> = (0..300).map(|i| 60.0 + (i % 40) as f64).collect();
        pressure.extend([0.0; 12]);
        assert!(
            issues_for(pressure)
                .iter()
                .any(|i| i.kind == IssueKind::DisguisedMissing)
        );
        let children: Vec<f64> = (0..300).map(|i| (i % 7) as f64).collect();
        assert!(
            !issues_for(children)
                .iter()
                .any(|i| i.kind == IssueKind::DisguisedMissing)
        );
    }

    #[test]
    fn nine_nine_nine_above_ages_is_flagged() {
        let mut ages: Vec<f64> = (0..300).map(|i| 18.0 + (i % 60) as f64).collect();
        ages.extend([999.0; 5]);
        assert!(issues_for(ages).iter().any(|i| i.message.contains("999")));
    }

    #[test]
    fn many_missing_values_are_a_problem() {
        let v = vec![1.0, f64::NAN, f64::NAN, f64::NAN, 2.0];
        let issues = issues_for(v);
        let missing = issues
            .iter()
            .find(|i| i.kind == IssueKind::Missing)
            .expect("missing");
        assert_eq!(missing.severity, Severity::Problem);
        assert!(
            missing
                .message
                .starts_with("3 of 5 values are missing (60%)")
        );
    }
}
