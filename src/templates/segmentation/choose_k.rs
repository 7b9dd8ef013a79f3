//! Choosing how many groups: every k in a range is tried and scored by the
//! silhouette (on a fixed sample of rows) and by the within-group spread.
//!
//! The rule: add groups while each extra group still removes at least a
//! fifth of the spread left within groups (past that bend, the "elbow", new
//! groups mostly cut existing ones in two), and among those keep the largest
//! k whose silhouette is close to the best one. The silhouette alone favours
//! two groups whenever one group stands far from the rest, even when the rest
//! holds two clear kinds (penguins: Gentoo against the others); the spread
//! shows the second split is still well worth making.

use serde::{Deserialize, Serialize};

/// Rows the silhouette is measured on (it is quadratic in the rows).
pub const SILHOUETTE_ROWS: usize = 2_000;
/// An extra group must leave at most this share of the spread to be worth it.
pub const WORTHWHILE_CUT: f64 = 0.8;
/// How far below the best silhouette a choice may be.
pub const SILHOUETTE_SLACK: f64 = 0.1;

/// How well one number of groups fits.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    /// Number of groups.
    pub k: usize,
    /// Mean silhouette on the sample: near 1 tight and apart, near 0 overlapping.
    pub silhouette: f64,
    /// Within-group spread (sum of squared distances to the centres).
    pub spread: f64,
}

/// The number of groups chosen and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KChoice {
    /// The chosen number.
    pub k: usize,
    /// One sentence saying why.
    pub sentence: String,
}

/// Picks k from the scores (sorted by k, starting at 2).
pub fn choose_k(scores: &[KScore]) -> KChoice {
    let Some(best) = scores
        .iter()
        .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
        .copied()
    else {
        return KChoice {
            k: 2,
            sentence: "Two groups, the fewest there can be.".into(),
        };
    };
    let close = |s: &KScore| s.silhouette >= best.silhouette - SILHOUETTE_SLACK;
    let mut chosen: Option<KScore> = scores.first().copied().filter(|s| close(s));
    let mut stopped_at: Option<(KScore, f64)> = None;
    for pair in scores.windows(2) {
        let cut = pair[1].spread / pair[0].spread.max(1e-12);
        if cut > WORTHWHILE_CUT {
            stopped_at = Some((pair[1], cut));
            break;
        }
        if close(&pair[1]) {
            chosen = Some(pair[1]);
        }
    }
    let Some(chosen) = chosen else {
        return KChoice {
            k: best.k,
            sentence: format!(
                "{} groups: they are the most clearly apart of the numbers tried ({}, silhouette {:.2}).",
                best.k,
                apart(best.silhouette),
                best.silhouette
            ),
        };
    };
    let elbow = match stopped_at {
        Some((next, cut)) if next.k == chosen.k + 1 => format!(
            " A {} group would remove only {:.0}% of the differences left within groups.",
            ordinal(next.k),
            (1.0 - cut) * 100.0
        ),
        _ => String::new(),
    };
    let versus = if best.k < chosen.k {
        format!(
            " ({} groups are a little more clearly apart, {:.2}, but leave undone a split that still removes much of the differences.)",
            best.k, best.silhouette
        )
    } else if best.k > chosen.k {
        format!(
            " ({} groups are a little more clearly apart, {:.2}, but each group past {} removes little.)",
            best.k, best.silhouette, chosen.k
        )
    } else {
        String::new()
    };
    KChoice {
        k: chosen.k,
        sentence: format!(
            "{} groups: each group up to {} removes a good share of the differences within groups, and the groups are {} (silhouette {:.2}).{elbow}{versus}",
            chosen.k,
            chosen.k,
            apart(chosen.silhouette),
            chosen.silhouette
        ),
    }
}

/// "4th", "2nd", "3rd".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The silhouette in words.
pub fn apart(silhouette: f64) -> &'static str {
    if silhouette >= 0.5 {
        "clearly apart"
    } else if silhouette >= 0.25 {
        "reasonably apart"
    } else {
        "close together, with much overlap"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(values: &[(f64, f64)]) -> Vec<KScore> {
        values
            .iter()
            .enumerate()
            .map(|(i, &(silhouette, spread))| KScore {
                k: i + 2,
                silhouette,
                spread,
            })
            .collect()
    }

    #[test]
    fn keeps_splitting_while_it_pays() {
        // Penguin-like: two groups score best, but the third still halves much of the rest.
        let chosen = choose_k(&scores(&[
            (0.49, 730.0),
            (0.40, 533.0),
            (0.37, 437.0),
            (0.35, 346.0),
        ]));
        assert_eq!(chosen.k, 3, "{}", chosen.sentence);
        assert!(chosen.sentence.starts_with("3 groups"));
        // One clear split and nothing after it.
        let chosen = choose_k(&scores(&[(0.31, 1922.0), (0.21, 1650.0), (0.20, 1454.0)]));
        assert_eq!(chosen.k, 2);
    }
}
