//! Scoring new rows with a prediction model: the class and every class's
//! probability, or the amount in the target's units.

use burn::tensor::Device;

use super::SavedModel;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::ml::model::{argmax, softmax};
use crate::ml::task::TaskKind;
use crate::templates::Output;

/// Scores every row of `table` with `model`. A target column present in the
/// table is ignored; missing input columns are named in the error.
pub fn score_table(model: &SavedModel, table: &Table, device: &Device) -> Result<Output> {
    let rows: Vec<usize> = (0..table.rows).collect();
    score_rows(model, table, &rows, device)
}

/// Scores the `rows` of `table` with `model`, in the order of `rows`.
pub fn score_rows(
    model: &SavedModel,
    table: &Table,
    rows: &[usize],
    device: &Device,
) -> Result<Output> {
    let card = &model.card;
    let x = card.preprocessor.transform(table, rows)?;
    let out = model
        .scorer
        .outputs(&x, card.preprocessor.width(), device)?;
    let k = card.outputs();
    if out.len() != rows.len() * k {
        return Err(ClearboxError::Internal {
            activity: "scoring rows".into(),
            detail: format!("{} outputs for {} rows of {k}", out.len(), rows.len()),
        });
    }
    Ok(match (card.target.task, card.amount_scale) {
        (TaskKind::Regression, Some((mean, sd))) => {
            Output::Amounts(out.iter().map(|&o| f64::from(o) * sd + mean).collect())
        }
        _ => {
            let per_row: Vec<Vec<f64>> = out.chunks(k).map(softmax).collect();
            let chosen = per_row
                .iter()
                .map(|p| match (card.target.task, card.chosen_threshold()) {
                    (TaskKind::Binary, Some(t)) => usize::from(p[1] >= t),
                    _ => argmax(p),
                })
                .collect();
            let probabilities = (0..k)
                .map(|c| per_row.iter().map(|p| p[c]).collect())
                .collect();
            Output::Classes {
                classes: card.target.classes.clone(),
                chosen,
                probabilities,
            }
        }
    })
}

/// The probability of class 1 for each row of two-wide raw outputs.
pub fn positive_probabilities(out: &[f32]) -> Vec<f64> {
    out.chunks(2)
        .map(|row| softmax(row).get(1).copied().unwrap_or(0.0))
        .collect()
}
