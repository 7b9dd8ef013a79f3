//! Drift of a label column: PSI and Jensen–Shannon distance over the
//! labels, a χ² test, and the labels the reference never had.

use std::collections::HashMap;

use serde::Serialize;

use super::bins::{compare_counts, shares};
use super::{DriftChart, Measured};
use crate::data::TextValues;
use crate::data::table::MISSING_CODE;

/// Labels shown in the bar chart; the rest are pooled.
const CHART_LABELS: usize = 12;

/// Labels of the current table that the reference never had.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NewLabels {
    /// How many different new labels.
    pub count: usize,
    /// Share of the current table's rows that carry one.
    pub share: f64,
    /// The most common few.
    pub examples: Vec<String>,
}

/// The measures only labels have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelMeasures {
    /// Labels that appear only in the current table.
    pub new_labels: NewLabels,
}

/// The label whose share moved most.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelChange {
    /// The label as shown.
    pub label: String,
    /// Its share of rows in the reference and in the current table.
    pub shares: (f64, f64),
}

/// Measures drift between two label columns.
pub fn measure(reference: &TextValues, current: &TextValues) -> Measured<LabelMeasures> {
    // One dictionary for both: the reference's labels, then the new ones.
    let mut labels: Vec<String> = reference.levels.clone();
    let mut index: HashMap<&str, usize> = reference
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let known = labels.len();
    let current_to_joint: Vec<usize> = current
        .levels
        .iter()
        .map(|l| {
            *index.entry(l.as_str()).or_insert_with(|| {
                labels.push(l.clone());
                labels.len() - 1
            })
        })
        .collect();
    let k = labels.len();
    let count = |codes: &[u32], map: Option<&[usize]>| -> Vec<usize> {
        let mut counts = vec![0usize; k + 1];
        for &code in codes {
            let slot = if code == MISSING_CODE {
                k
            } else {
                match map {
                    Some(m) => m.get(code as usize).copied().unwrap_or(k),
                    None => code as usize,
                }
            };
            if let Some(c) = counts.get_mut(slot) {
                *c += 1;
            }
        }
        counts
    };
    let ref_counts = count(&reference.codes, None);
    let cur_counts = count(&current.codes, Some(&current_to_joint));
    let comparison = compare_counts(&ref_counts, &cur_counts);
    let rows = |c: &[usize]| c.iter().sum::<usize>().max(1) as f64;
    let missing = (
        ref_counts[k] as f64 / rows(&ref_counts),
        cur_counts[k] as f64 / rows(&cur_counts),
    );
    let mut new: Vec<(usize, usize)> = (known..k)
        .map(|i| (i, cur_counts[i]))
        .filter(|(_, n)| *n > 0)
        .collect();
    new.sort_by_key(|e| std::cmp::Reverse(e.1));
    let new_labels = NewLabels {
        count: new.len(),
        share: new.iter().map(|(_, n)| *n).sum::<usize>() as f64 / rows(&cur_counts),
        examples: new
            .iter()
            .take(3)
            .map(|(i, _)| labels[*i].clone())
            .collect(),
    };
    Measured {
        comparison,
        p_value: comparison.p_value,
        missing,
        measures: LabelMeasures { new_labels },
        biggest_change: biggest_change(&labels, &ref_counts, &cur_counts),
        chart: bars(&labels, &ref_counts[..k], &cur_counts[..k]),
    }
}

/// The label (among `labels`; a trailing missing count is skipped) whose
/// share of all rows moved most.
pub fn biggest_change(
    labels: &[String],
    reference: &[usize],
    current: &[usize],
) -> Option<LabelChange> {
    let (r, c) = (shares(reference), shares(current));
    (0..labels.len())
        .max_by(|&a, &b| (c[a] - r[a]).abs().total_cmp(&(c[b] - r[b]).abs()))
        .map(|i| LabelChange {
            label: labels[i].clone(),
            shares: (r[i], c[i]),
        })
}

/// Bars for the most common labels of either table, the rest pooled.
fn bars(labels: &[String], reference: &[usize], current: &[usize]) -> DriftChart {
    let (r, c) = (shares(reference), shares(current));
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by(|&a, &b| r[b].max(c[b]).total_cmp(&r[a].max(c[a])));
    let shown = order.len().min(CHART_LABELS);
    let mut out_labels: Vec<String> = order[..shown].iter().map(|&i| labels[i].clone()).collect();
    let mut out_r: Vec<f64> = order[..shown].iter().map(|&i| r[i]).collect();
    let mut out_c: Vec<f64> = order[..shown].iter().map(|&i| c[i]).collect();
    if order.len() > shown {
        out_labels.push("(all others)".into());
        out_r.push(order[shown..].iter().map(|&i| r[i]).sum());
        out_c.push(order[shown..].iter().map(|&i| c[i]).sum());
    }
    DriftChart::Bars {
        labels: out_labels,
        reference: out_r,
        current: out_c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(labels: &[&str], codes: Vec<u32>) -> TextValues {
        TextValues {
            codes,
            levels: labels.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_new_label_is_found_and_named() {
        let reference = text(&["a", "b"], (0..1000).map(|i| i % 2).collect());
        // Current dictionary in another order, with a new label "c" on 10% of rows.
        let current = text(
            &["b", "c", "a"],
            (0..1000)
                .map(|i| if i % 10 == 0 { 1 } else { [0, 2][i % 2] })
                .collect(),
        );
        let m = measure(&reference, &current);
        assert_eq!(m.measures.new_labels.count, 1);
        assert_eq!(m.measures.new_labels.examples, vec!["c".to_string()]);
        assert!((m.measures.new_labels.share - 0.1).abs() < 1e-9);
        assert!(m.comparison.psi > 0.25, "{:?}", m.comparison);
        assert!(m.p_value < 1e-6);
    }

    #[test]
    fn more_missing_counts_as_a_change() {
        let reference = text(&["a", "b"], (0..2000).map(|i| i % 2).collect());
        let current = text(
            &["a", "b"],
            (0..2000)
                .map(|i| if i % 4 == 0 { MISSING_CODE } else { i % 2 })
                .collect(),
        );
        let m = measure(&reference, &current);
        assert_eq!(m.missing.0, 0.0);
        assert!((m.missing.1 - 0.25).abs() < 1e-9);
        assert!(m.comparison.psi > 0.25 && m.p_value < 1e-6);
    }
}
