//! What sets each group apart, in the columns' own units: "Grocery 3.1×
//! higher than the rest", "78% are 'Biscoe' (island), against 20% of the
//! rest", and a short name from the two strongest traits.

use serde::{Deserialize, Serialize};

use crate::data::{ColumnValues, Table};
use crate::words;

/// A group's number, 0-based as stored (shown to people from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SegmentId(pub u32);

/// One thing that sets a group apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trait {
    /// The column.
    pub column: String,
    /// For labels, the label that is over-represented.
    pub label: Option<String>,
    /// The group's figure: mean for numbers, share with the label for labels.
    pub group: f64,
    /// The same figure over all other rows.
    pub rest: f64,
    /// Signed size of the difference, in spreads of the column (numbers) or of
    /// the label's share (labels); what traits are ranked by.
    pub strength: f64,
    /// The difference in a sentence.
    pub sentence: String,
    /// Two or three words for the group's name ("High grocery", "Biscoe").
    pub short: String,
}

/// One group as a manager sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfile {
    /// Its number.
    pub id: SegmentId,
    /// Its name: made from its two strongest traits, editable.
    pub name: String,
    /// Rows in it.
    pub size: usize,
    /// Its share of all rows.
    pub share: f64,
    /// What sets it apart, strongest first (at most [`TRAITS`]).
    pub traits: Vec<Trait>,
}

/// Traits kept per group.
pub const TRAITS: usize = 4;

/// Per-column summaries by group, from which any trait can be read.
enum ColumnStats {
    Numbers {
        sums: Vec<f64>,
        counts: Vec<f64>,
        sd: f64,
        nonnegative: bool,
    },
    Labels {
        levels: Vec<String>,
        /// counts[group][level]
        counts: Vec<Vec<f64>>,
    },
}

/// Profiles of the `k` groups given each row's group, read from `columns` of `table`.
pub fn profile_segments(
    table: &Table,
    columns: &[String],
    assignments: &[u32],
    k: usize,
) -> Vec<SegmentProfile> {
    let mut sizes = vec![0usize; k];
    for &a in assignments {
        sizes[a as usize] += 1;
    }
    let stats: Vec<(String, ColumnStats)> = columns
        .iter()
        .filter_map(|name| Some((name.clone(), column_stats(table, name, assignments, k)?)))
        .collect();
    let total = assignments.len().max(1) as f64;
    let mut profiles: Vec<SegmentProfile> = (0..k)
        .map(|g| {
            let mut traits: Vec<Trait> = stats
                .iter()
                .filter_map(|(name, s)| strongest_trait(name, s, g))
                .collect();
            traits.sort_by(|a, b| b.strength.abs().total_cmp(&a.strength.abs()));
            traits.truncate(TRAITS);
            SegmentProfile {
                id: SegmentId(g as u32),
                name: name_from(&traits),
                size: sizes[g],
                share: sizes[g] as f64 / total,
                traits,
            }
        })
        .collect();
    // Two groups with the same name: the later one uses its third trait
    // instead of its second, or failing that its number.
    for g in 1..profiles.len() {
        if profiles[..g].iter().any(|p| p.name == profiles[g].name) {
            let t = &profiles[g].traits;
            let other = if t.len() >= 3 {
                name_from(&[t[0].clone(), t[2].clone()])
            } else {
                String::new()
            };
            profiles[g].name = if !other.is_empty() && profiles.iter().all(|p| p.name != other) {
                other
            } else {
                format!("{} (group {})", profiles[g].name, g + 1)
            };
        }
    }
    profiles
}

fn column_stats(table: &Table, name: &str, assignments: &[u32], k: usize) -> Option<ColumnStats> {
    let column = table.column(name)?;
    Some(match column.values.as_ref() {
        ColumnValues::Number(v)
            if column.role == crate::data::ColumnRole::Number && !few_values(v) =>
        {
            let (mut sums, mut counts) = (vec![0f64; k], vec![0f64; k]);
            let (mut s, mut ss, mut n, mut nonnegative) = (0f64, 0f64, 0f64, true);
            for (&x, &g) in v.iter().zip(assignments) {
                if x.is_nan() {
                    continue;
                }
                sums[g as usize] += x;
                counts[g as usize] += 1.0;
                s += x;
                ss += x * x;
                n += 1.0;
                nonnegative &= x >= 0.0;
            }
            let mean = s / n.max(1.0);
            let sd = (ss / n.max(1.0) - mean * mean).max(0.0).sqrt();
            ColumnStats::Numbers {
                sums,
                counts,
                sd,
                nonnegative,
            }
        }
        values => {
            let mut levels: Vec<String> = Vec::new();
            let mut counts = vec![Vec::new(); k];
            for (row, &g) in assignments.iter().enumerate() {
                // Missing values count in the group's size (a share of a
                // sparse column is of all rows), but are never a trait.
                let label = if values.is_missing(row) {
                    std::borrow::Cow::Borrowed(MISSING)
                } else {
                    values.display(row)
                };
                let i = match levels.iter().position(|l| *l == label) {
                    Some(i) => i,
                    None => {
                        levels.push(label.into_owned());
                        levels.len() - 1
                    }
                };
                let c: &mut Vec<f64> = &mut counts[g as usize];
                if c.len() <= i {
                    c.resize(i + 1, 0.0);
                }
                c[i] += 1.0;
            }
            for c in &mut counts {
                c.resize(levels.len(), 0.0);
            }
            ColumnStats::Labels { levels, counts }
        }
    })
}

/// A number column with a handful of values (a code, a year) reads as labels.
fn few_values(v: &[f64]) -> bool {
    let mut seen: Vec<f64> = Vec::new();
    for &x in v.iter().filter(|x| !x.is_nan()) {
        if !seen.contains(&x) {
            if seen.len() == 12 {
                return false;
            }
            seen.push(x);
        }
    }
    true
}

/// The trait of column `name` that sets group `g` apart most.
fn strongest_trait(name: &str, stats: &ColumnStats, g: usize) -> Option<Trait> {
    let pretty = pretty(name);
    match stats {
        ColumnStats::Numbers {
            sums,
            counts,
            sd,
            nonnegative,
        } => {
            let (rest_sum, rest_n) = (
                sums.iter().sum::<f64>() - sums[g],
                counts.iter().sum::<f64>() - counts[g],
            );
            if counts[g] == 0.0 || rest_n == 0.0 || *sd <= 0.0 {
                return None;
            }
            let (group, rest) = (sums[g] / counts[g], rest_sum / rest_n);
            let strength = (group - rest) / sd;
            let higher = group > rest;
            let direction = if higher { "higher" } else { "lower" };
            let ratio = if higher { group / rest } else { rest / group };
            let sentence = if *nonnegative && group > 0.0 && rest > 0.0 && ratio >= 1.25 {
                format!(
                    "{} {ratio:.1}× {direction} than the rest ({} against {} on average)",
                    words::capitalised(&pretty),
                    words::number(group),
                    words::number(rest)
                )
            } else {
                format!(
                    "{} {direction} than the rest ({} against {} on average)",
                    words::capitalised(&pretty),
                    words::number(group),
                    words::number(rest)
                )
            };
            Some(Trait {
                column: name.to_owned(),
                label: None,
                group,
                rest,
                strength,
                sentence,
                short: format!("{} {pretty}", if higher { "high" } else { "low" }),
            })
        }
        ColumnStats::Labels { levels, counts } => {
            let in_group: f64 = counts[g].iter().sum();
            let all: f64 = counts.iter().flatten().sum();
            let rest_n = all - in_group;
            if in_group == 0.0 || rest_n == 0.0 {
                return None;
            }
            let yes_no = levels.iter().all(|l| l == "0" || l == "1" || l == MISSING);
            levels
                .iter()
                .enumerate()
                .filter(|(_, level)| level.as_str() != MISSING)
                .map(|(i, level)| {
                    let here = counts[g][i];
                    let total: f64 = counts.iter().map(|c| c[i]).sum();
                    let (p_group, p_rest, p_all) =
                        (here / in_group, (total - here) / rest_n, total / all);
                    let spread = (p_all * (1.0 - p_all)).sqrt().max(1e-9);
                    (level, p_group, p_rest, (p_group - p_rest) / spread)
                })
                // A label held by under a quarter of the group does not describe it.
                .filter(|(_, p_group, _, s)| *s > 0.0 && *p_group >= MIN_LABEL_SHARE)
                .max_by(|a, b| a.3.total_cmp(&b.3))
                .map(|(level, p_group, p_rest, strength)| Trait {
                    column: name.to_owned(),
                    label: Some(level.clone()),
                    group: p_group,
                    rest: p_rest,
                    strength,
                    sentence: format!(
                        "{} are '{level}' ({pretty}), against {} of the rest",
                        words::capitalised(&words::percent(p_group)),
                        words::percent(p_rest)
                    ),
                    short: label_words(&pretty, level, yes_no, p_group),
                })
        }
    }
}

/// Stands for a missing value among the labels (never shown).
const MISSING: &str = "\u{0}missing";

/// Share of a group a label must cover to count as one of its traits.
const MIN_LABEL_SHARE: f64 = 0.25;

/// Share of a group above which a yes/no label names it outright.
const NEARLY_ALL: f64 = 0.9;

/// A label held by `share` of a group, as words in the group's name. A
/// bare code ("1") or a yes/no ("No") means nothing without its column, so
/// the column is named. A yes/no held by most of the group but not nearly
/// all of it reads "more churned" or "less churned": a group where 84% did
/// not churn is not "not churned" (16% did). Other labels held by under
/// half of the group read "more Fiber optic".
fn label_words(column: &str, level: &str, yes_no: bool, share: f64) -> String {
    let answer = match level.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" => Some(true),
        "no" | "n" | "false" | "f" => Some(false),
        "1" if yes_no => Some(true),
        "0" if yes_no => Some(false),
        _ => None,
    };
    match answer {
        Some(yes) if share < NEARLY_ALL => {
            format!("{} {column}", if yes { "more" } else { "less" })
        }
        Some(true) => column.to_owned(),
        // "not churned", "no internet service".
        Some(false) if column.ends_with("ed") => format!("not {column}"),
        Some(false) => format!("no {column}"),
        None => {
            let label = if level.parse::<f64>().is_ok() {
                format!("{column} {level}")
            } else {
                level.to_owned()
            };
            if share >= 0.5 {
                label
            } else {
                format!("more {label}")
            }
        }
    }
}

/// "High grocery, low fresh".
fn name_from(traits: &[Trait]) -> String {
    // Two columns can say the same thing ("no internet service"): skip repeats.
    let mut parts: Vec<&str> = Vec::new();
    for t in traits {
        if parts.len() < 2 && !parts.iter().any(|p| p.eq_ignore_ascii_case(&t.short)) {
            parts.push(t.short.as_str());
        }
    }
    if parts.is_empty() {
        return "Typical rows".to_owned();
    }
    words::capitalised(&parts.join(", "))
}

/// A column name as words: "flipper_length_mm" → "flipper length mm".
fn pretty(name: &str) -> String {
    name.replace(['_', '.'], " ").trim().to_lowercase()
}

/// Signed strength of every group on a trait (for the comparison chart):
/// the group's difference from the rest, in spreads.
pub fn strengths_on(
    table: &Table,
    column: &str,
    label: Option<&str>,
    assignments: &[u32],
    k: usize,
) -> Vec<f64> {
    let Some(stats) = column_stats(table, column, assignments, k) else {
        return vec![0.0; k];
    };
    (0..k)
        .map(|g| match (&stats, label) {
            (ColumnStats::Labels { levels, counts }, Some(label)) => {
                let Some(i) = levels.iter().position(|l| l == label) else {
                    return 0.0;
                };
                let in_group: f64 = counts[g].iter().sum();
                let all: f64 = counts.iter().flatten().sum();
                let total: f64 = counts.iter().map(|c| c[i]).sum();
                let p_all = total / all.max(1.0);
                let p_group = counts[g][i] / in_group.max(1.0);
                let p_rest = (total - counts[g][i]) / (all - in_group).max(1.0);
                (p_group - p_rest) / (p_all * (1.0 - p_all)).sqrt().max(1e-9)
            }
            (ColumnStats::Numbers { .. }, _) => {
                strongest_trait(column, &stats, g).map_or(0.0, |t| t.strength)
            }
            _ => 0.0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::jobs::Progress;

    #[test]
    fn profiles_are_computed_on_the_groups_rows() {
        let table = load(
            &DataSource::Sample(crate::samples::find("penguins").expect("sample")),
            &Progress::silent(),
        )
        .expect("loads");
        // Put the Gentoo penguins in group 1, everyone else in group 0.
        let species = table.column("species").expect("species");
        let assignments: Vec<u32> = (0..table.rows)
            .map(|r| u32::from(species.values.display(r) == "Gentoo"))
            .collect();
        let columns = vec!["body_mass_g".to_string(), "island".to_string()];
        let profiles = profile_segments(&table, &columns, &assignments, 2);
        // Hand count: 124 Gentoo of 344 penguins, all on Biscoe.
        assert_eq!(profiles[1].size, 124);
        assert!((profiles[1].share - 124.0 / 344.0).abs() < 1e-12);
        let mass = table.column("body_mass_g").expect("mass");
        let ColumnValues::Number(v) = mass.values.as_ref() else {
            panic!("numbers")
        };
        let gentoo: Vec<f64> = (0..table.rows)
            .filter(|&r| assignments[r] == 1 && !v[r].is_nan())
            .map(|r| v[r])
            .collect();
        let mean = gentoo.iter().sum::<f64>() / gentoo.len() as f64;
        let body = profiles[1]
            .traits
            .iter()
            .find(|t| t.column == "body_mass_g")
            .expect("a body mass trait");
        assert!((body.group - mean).abs() < 1e-9, "{} vs {mean}", body.group);
        assert!(body.strength > 0.0 && body.sentence.starts_with("Body mass g"));
        let island = profiles[1]
            .traits
            .iter()
            .find(|t| t.column == "island")
            .expect("an island trait");
        assert_eq!(island.label.as_deref(), Some("Biscoe"));
        assert!((island.group - 1.0).abs() < 1e-12);
        assert!(profiles[1].name.contains("Biscoe") || profiles[1].name.contains("body mass"));
    }

    #[test]
    fn a_yes_no_held_by_most_but_not_all_of_a_group_reads_more_or_less() {
        // 84% did not churn: 16% did, so the group is "less churned".
        assert_eq!(label_words("churned", "No", false, 0.84), "less churned");
        assert_eq!(label_words("churned", "Yes", false, 0.32), "more churned");
        assert_eq!(label_words("churned", "No", false, 0.97), "not churned");
        assert_eq!(
            label_words("internet service", "0", true, 0.95),
            "no internet service"
        );
        assert_eq!(label_words("senior", "1", true, 0.93), "senior");
        assert_eq!(label_words("island", "Biscoe", false, 1.0), "Biscoe");
        assert_eq!(
            label_words("contract", "Month-to-month", false, 0.4),
            "more Month-to-month"
        );
        assert_eq!(label_words("rooms", "3", false, 0.6), "rooms 3");
    }
}
