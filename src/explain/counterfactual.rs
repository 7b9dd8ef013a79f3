//! What would change a yes/no decision: the smallest change to a few
//! adjustable inputs, using only values seen in the data, that moves the
//! prediction across the model's threshold. Columns the user locks (age,
//! sex) are never changed.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use super::value::ValueFunction;
use super::what_if::OFFERED_LABELS;
use crate::data::profile::quantile_sorted;
use crate::data::text_builder::TextBuilder;
use crate::data::{ColumnValues, Table};
use crate::error::{ClearboxError, Result};
use crate::ml::preprocess::Encoder;
use crate::ml::task::TaskKind;
use crate::templates::{Explainable, Explained};
use crate::words;

/// Most columns changed at once: more is not an explanation a person can act on.
const MOST_CHANGES: usize = 3;
/// Quantiles of a number column tried as new values.
const QUANTILES: [f64; 11] = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98];

/// One changed input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The column.
    pub column: String,
    /// The row's value, as shown ("" when missing).
    pub from: String,
    /// The new value, as shown.
    pub to: String,
}

/// A set of changes that flips the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counterfactual {
    /// The changes, in the order they were found.
    pub changes: Vec<Change>,
    /// The probability of the positive class before the changes.
    pub before: f64,
    /// The probability after them.
    pub after: f64,
    /// The decision line.
    pub threshold: f64,
}

/// One value a column could take, ready to drop into the encoded row.
struct Candidate {
    column: usize,
    shown: String,
    encoded: Vec<f32>,
    cost: f64,
}

/// Searches for the smallest change to `row` of `table` that flips the
/// yes/no decision, leaving `locked` columns alone. `None` when no change of
/// up to three columns does it.
pub fn flip_decision(
    model: &dyn Explainable,
    table: &Table,
    row: usize,
    locked: &[String],
    device: &Device,
) -> Result<Option<Counterfactual>> {
    if model.target().task != TaskKind::Binary {
        return Err(ClearboxError::BadRequest(
            "Only yes/no predictions have a decision to change.".into(),
        ));
    }
    let threshold = model.threshold().unwrap_or(0.5);
    let width = model.preprocessor().width();
    let mut x = model.preprocessor().transform(table, &[row])?;
    let function = ValueFunction::new(model, x.clone(), device)?;
    let positive = Explained::Probability(1);
    let before = function.predictions(&x, &[positive])?[0];
    let wanted_up = before < threshold;
    let candidates = candidates(model, table, row, locked)?;
    let mut changes: Vec<Change> = Vec::new();
    let mut used_columns: Vec<usize> = Vec::new();
    let mut current = before;
    for _ in 0..MOST_CHANGES {
        let open: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| !used_columns.contains(&c.column))
            .collect();
        if open.is_empty() {
            break;
        }
        let mut batch = Vec::with_capacity(open.len() * width);
        for c in &open {
            let mut changed = x.clone();
            let span = &function.spans[c.column];
            changed[span.clone()].copy_from_slice(&c.encoded);
            batch.extend(changed);
        }
        let p = function.predictions(&batch, &vec![positive; open.len()])?;
        let flips = |p: f64| {
            if wanted_up {
                p >= threshold
            } else {
                p < threshold
            }
        };
        let best_flip = open
            .iter()
            .zip(&p)
            .filter(|(_, p)| flips(**p))
            .min_by(|a, b| a.0.cost.total_cmp(&b.0.cost));
        // Without a flip, take the step that goes furthest towards the line.
        let (chosen, p_new) = match best_flip {
            Some((c, p)) => (*c, *p),
            None => {
                let progress = |p: f64| if wanted_up { p } else { -p };
                match open
                    .iter()
                    .zip(&p)
                    .max_by(|a, b| progress(*a.1).total_cmp(&progress(*b.1)))
                {
                    Some((c, p)) if progress(*p) > progress(current) => (*c, *p),
                    _ => break,
                }
            }
        };
        let span = &function.spans[chosen.column];
        x[span.clone()].copy_from_slice(&chosen.encoded);
        used_columns.push(chosen.column);
        let column = &model.inputs()[chosen.column];
        changes.push(Change {
            column: column.clone(),
            from: table
                .column(column)
                .map(|c| c.values.display(row).into_owned())
                .unwrap_or_default(),
            to: chosen.shown.clone(),
        });
        current = p_new;
        if flips(current) {
            return Ok(Some(Counterfactual {
                changes,
                before,
                after: current,
                threshold,
            }));
        }
    }
    Ok(None)
}

/// Every value each unlocked column may take, from the values seen in `table`.
fn candidates(
    model: &dyn Explainable,
    table: &Table,
    row: usize,
    locked: &[String],
) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for (j, encoder) in model.preprocessor().encoders.iter().enumerate() {
        let name = encoder.column();
        if locked.iter().any(|l| l == name) || matches!(encoder, Encoder::Date { .. }) {
            continue;
        }
        let Some(column) = table.column(name) else {
            continue;
        };
        let encode = |values: &ColumnValues| {
            let mut block = vec![0f32; encoder.width()];
            encoder.encode(values, 0, &mut block);
            block
        };
        match column.values.as_ref() {
            ColumnValues::Number(v) => {
                let mut present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
                present.sort_by(f64::total_cmp);
                if present.is_empty() {
                    continue;
                }
                let spread = (quantile_sorted(&present, 0.75) - quantile_sorted(&present, 0.25))
                    .max((present[present.len() - 1] - present[0]) / 10.0)
                    .max(1e-12);
                let now = v[row];
                let mut tried: Vec<f64> = QUANTILES
                    .iter()
                    .map(|&q| quantile_sorted(&present, q))
                    .map(|x| round_like(x, &present))
                    .collect();
                tried.dedup();
                for value in tried {
                    if value == now {
                        continue;
                    }
                    let cost = if now.is_nan() {
                        1.0
                    } else {
                        (value - now).abs() / spread
                    };
                    out.push(Candidate {
                        column: j,
                        shown: words::number(value),
                        encoded: encode(&ColumnValues::Number(vec![value])),
                        cost,
                    });
                }
            }
            ColumnValues::Text(t) => {
                let now = t.get(row);
                for label in t.most_common(OFFERED_LABELS) {
                    if Some(label.as_str()) == now {
                        continue;
                    }
                    let mut builder = TextBuilder::with_capacity(1);
                    builder.push(Some(label));
                    out.push(Candidate {
                        column: j,
                        shown: label.clone(),
                        encoded: encode(&ColumnValues::Text(builder.finish())),
                        cost: 1.0,
                    });
                }
            }
            ColumnValues::Datetime(_) => {}
        }
    }
    Ok(out)
}

/// Whole numbers stay whole: a quantile of ages between 41 and 42 is 41.
fn round_like(x: f64, present: &[f64]) -> f64 {
    if present.iter().all(|v| v.fract() == 0.0) {
        x.round()
    } else {
        x
    }
}

/// The counterfactual in one sentence.
pub fn sentence(target_label: &str, found: Option<&Counterfactual>) -> String {
    let Some(c) = found else {
        return format!(
            "No change to up to {MOST_CHANGES} of the unlocked inputs, within the values seen in the data, \
             changes whether this row is predicted '{target_label}'."
        );
    };
    let parts: Vec<String> = c
        .changes
        .iter()
        .map(|ch| {
            let from = if ch.from.is_empty() {
                "missing".to_owned()
            } else {
                ch.from.clone()
            };
            format!("'{}' were {} instead of {from}", ch.column, ch.to)
        })
        .collect();
    let joined = match parts.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let side = if c.after >= c.threshold {
        "above"
    } else {
        "below"
    };
    format!(
        "If {joined}, the chance of '{target_label}' would be {:.0}% instead of {:.0}%, {side} the {:.0}% \
         line, and the decision would change.",
        c.after * 100.0,
        c.before * 100.0,
        c.threshold * 100.0
    )
}
