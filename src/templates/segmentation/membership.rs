//! Why a row belongs to its group: the row sits nearer its own group's
//! centre than the next-nearest group's, and that margin splits exactly into
//! one share per original column (the difference of squared distances adds
//! up over the scaled numbers). Centres are taken in the scaled columns, so
//! the reasons are readable even when the groups were found on a compressed
//! code.

use serde::{Deserialize, Serialize};

use super::SegmentCard;
use crate::data::Table;
use crate::error::{ClearboxError, Result};

/// Columns named as reasons.
const REASONS: usize = 3;

/// One column's part in keeping a row in its group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MembershipReason {
    /// The original column.
    pub column: String,
    /// The row's value, as shown.
    pub shown: String,
    /// Its share of the margin (the shares add up to 1; negative pulls
    /// towards the other group).
    pub share: f64,
}

/// Why one row is in its group rather than the next-nearest one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The row (0-based).
    pub row: usize,
    /// Its group (0-based).
    pub group: usize,
    /// The next-nearest group.
    pub runner_up: usize,
    /// One per column, largest share first.
    pub reasons: Vec<MembershipReason>,
}

/// Explains the groups `assignments` (0-based, one per row of `table`) for `rows`.
pub fn why_in_group(
    card: &SegmentCard,
    table: &Table,
    assignments: &[u32],
    rows: &[usize],
) -> Result<Vec<Membership>> {
    if card.k < 2 || assignments.len() != table.rows {
        return Err(ClearboxError::BadRequest(
            "There is only one group, or the groups do not belong to this table, so there is nothing to compare."
                .into(),
        ));
    }
    let all: Vec<usize> = (0..table.rows).collect();
    let x = card.features.transform(table, &all)?;
    let width = card.features.width().max(1);
    let mut centres = vec![vec![0f64; width]; card.k];
    let mut counts = vec![0usize; card.k];
    for (r, &g) in assignments.iter().enumerate() {
        let g = g as usize;
        counts[g] += 1;
        for (c, v) in centres[g].iter_mut().zip(&x[r * width..(r + 1) * width]) {
            *c += f64::from(*v);
        }
    }
    for (centre, n) in centres.iter_mut().zip(&counts) {
        centre.iter_mut().for_each(|c| *c /= (*n).max(1) as f64);
    }
    let preprocessor = &card.features.preprocessor;
    let spans: Vec<_> = preprocessor
        .encoders
        .iter()
        .map(|encoder| encoder.column().to_owned())
        .zip(preprocessor.spans())
        .collect();
    rows.iter()
        .map(|&row| {
            let point = &x[row * width..(row + 1) * width];
            let group = assignments[row] as usize;
            let distance = |centre: &[f64]| -> f64 {
                point
                    .iter()
                    .zip(centre)
                    .map(|(v, c)| (f64::from(*v) - c).powi(2))
                    .sum()
            };
            let runner_up = (0..card.k)
                .filter(|&g| g != group && counts[g] > 0)
                .min_by(|&a, &b| distance(&centres[a]).total_cmp(&distance(&centres[b])))
                .unwrap_or(group);
            let parts: Vec<f64> = spans
                .iter()
                .map(|(_, span)| {
                    span.clone()
                        .map(|i| {
                            let v = f64::from(point[i]);
                            (v - centres[runner_up][i]).powi(2) - (v - centres[group][i]).powi(2)
                        })
                        .sum()
                })
                .collect();
            let margin: f64 = parts.iter().sum();
            let mut reasons: Vec<MembershipReason> = spans
                .iter()
                .zip(&parts)
                .map(|((column, _), part)| MembershipReason {
                    column: column.clone(),
                    shown: table
                        .column(column)
                        .map(|c| c.values.display(row).into_owned())
                        .unwrap_or_default(),
                    share: if margin.abs() > 1e-12 {
                        part / margin
                    } else {
                        0.0
                    },
                })
                .collect();
            reasons.sort_by(|a, b| b.share.total_cmp(&a.share));
            Ok(Membership {
                row,
                group,
                runner_up,
                reasons,
            })
        })
        .collect()
}

/// The membership in one sentence, with the groups' names.
pub fn sentence(membership: &Membership, names: &[String]) -> String {
    let name = |g: usize| {
        names
            .get(g)
            .cloned()
            .unwrap_or_else(|| format!("group {}", g + 1))
    };
    let main: Vec<String> = membership
        .reasons
        .iter()
        .filter(|r| r.share > 0.05)
        .take(REASONS)
        .map(|r| {
            let value = if r.shown.is_empty() {
                "missing".to_owned()
            } else {
                r.shown.clone()
            };
            format!("{} ({value}, {:.0}%)", r.column, r.share * 100.0)
        })
        .collect();
    let because = match main.as_slice() {
        [] => "by a narrow margin spread over many columns".to_owned(),
        [one] => format!("mostly because of {one}"),
        [init @ .., last] => format!("mostly because of {} and {last}", init.join(", ")),
    };
    format!(
        "Row {} is in '{}' rather than '{}', {because}. The percentages are each column's share of what \
         keeps it closer to its own group.",
        membership.row + 1,
        name(membership.group),
        name(membership.runner_up)
    )
}
