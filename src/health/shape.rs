//! The shape of a column: constant or nearly so, an identifier, a category
//! with too many values, extreme values and long tails.

use super::{Issue, IssueKind, Severity};
use crate::data::profile::{NumericProfile, Profile};
use crate::data::{Column, ColumnRole, Fix, PerKey};
use crate::words::{count, number, percent};

/// Findings about the distribution of `column`.
pub fn check(column: &Column, profile: &Profile, is_target: bool) -> Vec<Issue> {
    let mut issues = Vec::new();
    let exclude = || Fix::ExcludeColumn {
        column: column.name.clone(),
    };
    if profile.present == 0 {
        return issues;
    }
    if profile.distinct == 1 {
        let value = profile
            .top
            .as_ref()
            .map(|(v, _)| v.as_str())
            .unwrap_or_default();
        issues.push(
            Issue::new(
                IssueKind::Constant,
                Severity::Problem,
                format!("Every filled-in row has the same value '{value}', so it cannot tell rows apart. Leave it out."),
            )
            .with_fix(exclude()),
        );
        return issues;
    }
    if let Some((value, top)) = &profile.top {
        let share = *top as f64 / profile.present as f64;
        if share >= 0.99 && !is_target {
            issues.push(
                Issue::new(
                    IssueKind::NearConstant,
                    Severity::Check,
                    format!(
                        "All but {} of the {} filled-in rows have the same value '{value}': too few differ \
                         to learn from.",
                        count(profile.present - top),
                        count(profile.present)
                    ),
                )
                .with_fix(exclude()),
            );
        }
    }
    match column.role {
        ColumnRole::Identifier if repeats_like_a_log(profile) => {
            let per = PerKey {
                key: column.name.clone(),
            };
            let (noun, nouns) = (per.noun(), per.nouns());
            issues.push(
                Issue::new(
                    IssueKind::Identifier,
                    Severity::Check,
                    format!(
                        "Names {} different values on {} rows, {} rows each on average: each row \
                         looks like one event (a purchase, a visit) of one {noun}. To find groups of \
                         {nouns}, or to predict something about them, make one row per {noun} that \
                         sums up their rows: their number, how recent, totals and averages.",
                        count(profile.distinct),
                        count(profile.present),
                        number(profile.present as f64 / profile.distinct as f64)
                    ),
                )
                .with_fix(Fix::SummarisePer {
                    column: column.name.clone(),
                }),
            )
        }
        ColumnRole::Identifier => issues.push(
            Issue::new(
                IssueKind::Identifier,
                Severity::Check,
                format!(
                    "Looks like an identifier: {} different values in {} filled-in rows. It names rows \
                     but cannot predict anything, so models leave it out.",
                    count(profile.distinct),
                    count(profile.present)
                ),
            )
            .with_fix(exclude()),
        ),
        ColumnRole::Category if profile.distinct > 50 && profile.distinct * 20 > profile.present => {
            issues.push(
                Issue::new(
                    IssueKind::HighCardinality,
                    Severity::Check,
                    format!(
                        "Has {} different values for {} filled-in rows, so most values appear only a few \
                         times. Models learn little from them; group rare values or leave it out.",
                        count(profile.distinct),
                        count(profile.present)
                    ),
                )
                .with_fix(exclude()),
            )
        }
        ColumnRole::Number => {
            if let Some(numeric) = &profile.numeric {
                issues.extend(tails(numeric, profile));
            }
        }
        _ => {}
    }
    issues
}

/// Whether an identifier's values repeat like a log's keys: a few rows
/// each on average, for enough different keys to be worth grouping.
fn repeats_like_a_log(profile: &Profile) -> bool {
    profile.distinct >= 20 && profile.present as f64 >= 1.5 * profile.distinct as f64
}

fn tails(numeric: &NumericProfile, profile: &Profile) -> Vec<Issue> {
    let mut issues = Vec::new();
    // Counts with a handful of values (children, visits) are not "tails".
    if profile.present < 20 || profile.distinct < 10 {
        return issues;
    }
    let log = numeric.wants_log_scale();
    if log {
        issues.push(Issue::new(
            IssueKind::Skew,
            Severity::Check,
            format!(
                "Most values are small and a few are very large (half are at most {}, the largest is {}). \
                 Charts use a log scale for it and models compress the tail.",
                number(numeric.quantile(0.5)),
                number(numeric.max())
            ),
        ));
    } else if numeric.skewness < -crate::data::profile::SKEW_LIMIT {
        issues.push(Issue::new(
            IssueKind::Skew,
            Severity::Ok,
            format!(
                "Most values are large and a few are much smaller (half are at least {}, the smallest is {}).",
                number(numeric.quantile(0.5)),
                number(numeric.min())
            ),
        ));
    }
    // Fences three interquartile ranges out, on the log scale for long tails.
    let scale = |x: f64| if log { x.ln_1p() } else { x };
    let (q1, q3) = (scale(numeric.quantile(0.25)), scale(numeric.quantile(0.75)));
    let spread = q3 - q1;
    if spread <= 0.0 {
        return issues;
    }
    let (low, high) = (q1 - 3.0 * spread, q3 + 3.0 * spread);
    let outside: Vec<f64> = numeric
        .sorted
        .iter()
        .copied()
        .filter(|&x| scale(x) < low || scale(x) > high)
        .collect();
    let share = outside.len() as f64 / profile.present as f64;
    if !outside.is_empty() && share <= 0.05 {
        let (lo, hi) = (numeric.quantile(0.05), numeric.quantile(0.95));
        let middle = scale(numeric.quantile(0.5));
        let distance = |x: f64| (scale(x) - middle).abs() / spread;
        let extreme = outside
            .iter()
            .copied()
            .max_by(|a, b| distance(*a).total_cmp(&distance(*b)))
            .unwrap_or(f64::NAN);
        // A value ten spreads away is more likely a typing error than a rare case.
        let severity = if share >= 0.01 || distance(extreme) > 10.0 {
            Severity::Check
        } else {
            Severity::Ok
        };
        let (these, are) = if outside.len() == 1 {
            ("value", "is")
        } else {
            ("values", "are")
        };
        issues.push(Issue::new(
            IssueKind::Outliers,
            severity,
            format!(
                "{} {these} ({}) {are} far outside the usual range of {} to {}, the most extreme being {}. \
                 Check they are real and not typing errors.",
                count(outside.len()),
                percent(share),
                number(lo),
                number(hi),
                number(extreme)
            ),
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ColumnValues, infer};

    fn issues(name: &str, values: ColumnValues) -> Vec<Issue> {
        let column = infer::column(name.into(), values);
        let profile = Profile::of(&column.values);
        check(&column, &profile, false)
    }

    #[test]
    fn constant_columns_are_a_problem() {
        let found = issues("c", ColumnValues::Number(vec![5.0; 30]));
        assert_eq!(found[0].kind, IssueKind::Constant);
        assert_eq!(found[0].severity, Severity::Problem);
    }

    #[test]
    fn long_tails_suggest_a_log_scale_and_outliers_are_counted() {
        let mut v: Vec<f64> = (0..500).map(|i| (i as f64 / 50.0).exp()).collect();
        v.push(1e9);
        let found = issues("spend", ColumnValues::Number(v));
        assert!(found.iter().any(|i| i.kind == IssueKind::Skew));
        let mut normal: Vec<f64> = (0..500).map(|i| 50.0 + ((i * 37) % 41) as f64).collect();
        normal.extend([900.0, 950.0]);
        let found = issues("age", ColumnValues::Number(normal));
        let outliers = found
            .iter()
            .find(|i| i.kind == IssueKind::Outliers)
            .expect("outliers");
        assert!(
            outliers.message.starts_with("2 values"),
            "{}",
            outliers.message
        );
    }

    #[test]
    fn a_key_on_several_rows_offers_one_row_per_key() {
        // 300 customers on 1 200 purchases.
        let log: Vec<f64> = (0..1200).map(|i| f64::from(i % 300)).collect();
        let found = issues("customer_id", ColumnValues::Number(log));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("4 rows each on average")
                && found[0].message.contains("one row per customer"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].fix,
            Some(Fix::SummarisePer {
                column: "customer_id".into()
            })
        );
        // A key on one row each is only an identifier.
        let ids: Vec<f64> = (0..300).map(f64::from).collect();
        let found = issues("customer_id", ColumnValues::Number(ids));
        assert_eq!(found[0].kind, IssueKind::Identifier);
        assert!(
            matches!(found[0].fix, Some(Fix::ExcludeColumn { .. })),
            "{found:?}"
        );
    }
}
