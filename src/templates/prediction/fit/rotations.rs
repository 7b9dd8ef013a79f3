//! Cross-validation for small tables: each rotation's test rows are
//! measured by models that learned from the others, then the saved models
//! learn from every row with what the rotations chose.

use std::sync::Arc;

use super::{Job, Parts, background, beside_deep, fit_split, linear_network};
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::glm::{Cores, PenaltyChoice, PlainInputs, refit_linear};
use crate::ml::model::NetworkShape;
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::Split;
use crate::ml::train::{Examples, TrainOptions, fit_passes};
use crate::ml::trees::refit_trees;
use crate::templates::prediction::choice::choose;
use crate::templates::prediction::labels::{LabelSets, ModelOutputs};
use crate::templates::prediction::saved::{Fitting, Measured, ModelCard, ModelPart, TreeReference};
use crate::templates::prediction::{Round, TrainingEvent};

/// The tree reference over the rotations: trees kept, test figure,
/// threshold and test outputs of each.
type TreeRotations = (Vec<usize>, Vec<f64>, Vec<f64>, Vec<f32>);

/// Rotations: each fold is measured by models that learned from the others;
/// the saved models then learn from every row, with the number of passes and
/// the penalty the rotations chose, and the thresholds they found.
pub(super) fn cross_validated(
    job: &Job<'_>,
    folds: &[Split],
    rows: &[usize],
    progress: &Progress,
) -> Result<Parts> {
    let rounds = folds.len() + 1;
    let share =
        |i: usize| progress.scaled(i as f32 / rounds as f32, (i + 1) as f32 / rounds as f32);
    let mut tested = Vec::new();
    let mut outputs: [Vec<f32>; 2] = Default::default();
    let mut figures: [Vec<f64>; 2] = Default::default();
    let mut thresholds: [Vec<f64>; 2] = Default::default();
    let (mut passes, mut penalties) = (Vec::new(), Vec::new());
    // The tree reference, when every rotation could fit one: its size,
    // figures, thresholds and outputs.
    let mut trees: Option<TreeRotations> = Some(Default::default());
    for (i, split) in folds.iter().enumerate() {
        (job.on_event)(TrainingEvent::Round(Round::Rotation {
            number: i + 1,
            of: folds.len(),
        }));
        let fitted = fit_split(job, split, &share(i))?;
        tested.extend_from_slice(&split.test);
        passes.push(fitted.deep.best_epoch + 1);
        penalties.push(fitted.simple.penalty.chosen);
        for (m, judged) in fitted.judged.iter().enumerate() {
            figures[m].push(judged.scores.value());
            thresholds[m].extend(judged.threshold);
            outputs[m].extend(in_reader_units(
                &judged.test_out,
                fitted.labels.amount_scale,
            ));
        }
        trees = match (trees, &fitted.trees) {
            (Some((mut sizes, mut figures, mut thresholds, mut out)), Some((model, judged))) => {
                sizes.push(model.trees());
                figures.push(judged.scores.value());
                thresholds.extend(judged.threshold);
                out.extend(in_reader_units(
                    &judged.test_out,
                    fitted.labels.amount_scale,
                ));
                Some((sizes, figures, thresholds, out))
            }
            _ => None,
        };
    }
    (job.on_event)(TrainingEvent::Round(Round::Final));
    let progress = share(folds.len());
    progress.report(0.0, "Learning from every row");
    let all = Split {
        train: rows.to_vec(),
        valid: Vec::new(),
        test: tested,
        cutoffs: None,
    };
    let preprocessor = Preprocessor::fit(job.table, job.used, &all.train)?;
    let width = preprocessor.width();
    let x = preprocessor.transform(job.table, &all.train)?;
    let labels = LabelSets::new(job.values, &all);
    let train_set = Examples {
        x: &x,
        width,
        labels: labels.labels(0, job.outputs),
    };
    let plain = PlainInputs {
        columns: preprocessor.plain_columns(),
        width,
    };
    let penalty = PenaltyChoice {
        chosen: median(&mut penalties),
        tried: Vec::new(),
    };
    let fold_rows = folds.first().map_or(rows.len(), |f| f.train.len());
    let deep_options = TrainOptions {
        max_epochs: median(&mut passes).max(1),
        ..TrainOptions::prediction(fold_rows, job.request.seed)
    };
    let deep_shape = NetworkShape::deep(width, job.outputs);
    let tree_count = trees.as_mut().map(|(sizes, ..)| median(sizes));
    // As on each rotation, the simple model and the trees learn beside the deep model.
    let (side, deep) = beside_deep(
        &progress,
        |progress| {
            let simple = refit_linear(&plain, &x, train_set.labels, penalty, Cores::One, progress)?;
            let trees = match tree_count {
                Some(count) => refit_trees(&plain, &x, train_set.labels, count, job.request.seed)?,
                None => None,
            };
            Ok((simple, trees))
        },
        || {
            fit_passes(
                &deep_shape,
                &train_set,
                &deep_options,
                &job.device.device,
                &progress,
                &|loss| (job.on_event)(TrainingEvent::Epoch(loss)),
            )
        },
    );
    let ((simple, final_trees), deep) = (side?, deep?);
    let simple_network = linear_network(&simple, width, job.outputs, &job.device.device);
    // Each rotation's outputs are in its own amount units; bring them to the final ones.
    let [deep_out, simple_out] = outputs.map(|o| in_model_units(&o, labels.amount_scale));
    let [deep_threshold, simple_threshold] = thresholds
        .each_mut()
        .map(|t| (!t.is_empty()).then(|| median(t)));
    let deep_scores = labels.score_at(job.target, &deep_out, deep_threshold);
    let simple_scores = labels.score_at(job.target, &simple_out, simple_threshold);
    let [deep_figures, simple_figures] = figures;
    let (tree_figures, reference, tree_out) = match (trees, tree_count, &final_trees) {
        (Some((_, figures, mut thresholds, out)), Some(count), Some(_)) => {
            let threshold = (!thresholds.is_empty()).then(|| median(&mut thresholds));
            let out = in_model_units(&out, labels.amount_scale);
            let reference = TreeReference {
                trees: count,
                test: labels.score_at(job.target, &out, threshold),
                threshold,
            };
            (figures, Some(reference), Some(out))
        }
        _ => (Vec::new(), None, None),
    };
    let chosen = choose(
        &deep_scores,
        &simple_scores,
        reference.as_ref().map(|r| &r.test),
    );
    let test_predictions = labels.test_predictions(
        job.target.task,
        ModelOutputs {
            deep: &deep_out,
            simple: &simple_out,
            trees: tree_out.as_deref(),
            kept: chosen,
        },
    );
    let card = ModelCard {
        target: job.target.clone(),
        inputs: job.used.to_vec(),
        amount_scale: labels.amount_scale,
        split_sizes: [rows.len(), 0, rows.len()],
        split_plan: job.request.split.clone(),
        split_sentence: String::new(),
        measured: Measured::CrossValidated {
            metric: deep_scores.metric(),
            deep: deep_figures,
            simple: simple_figures,
            trees: tree_figures,
        },
        deep: ModelPart {
            shape: deep_shape,
            fitting: Fitting::Refit {
                options: deep_options,
                train_loss: deep.history.iter().map(|h| h.train).collect(),
            },
            threshold: deep_threshold,
            test: deep_scores.clone(),
        },
        simple: ModelPart {
            shape: NetworkShape::simple(width, job.outputs),
            fitting: Fitting::Penalised(simple.penalty),
            threshold: simple_threshold,
            test: simple_scores.clone(),
        },
        trees: reference,
        chosen,
        // Chosen on the figures the card shows: every row's, as a rotation's test row.
        chosen_on: None,
        preprocessor,
    };
    Ok(Parts {
        card,
        deep: deep.network,
        simple: simple_network,
        trees: final_trees.map(Arc::new),
        background: background(&x, width, job.request.seed),
        test_predictions,
    })
}

/// Outputs in the target's units: standardised amounts are scaled back;
/// class outputs are left as they are.
fn in_reader_units(out: &[f32], scale: Option<(f64, f64)>) -> Vec<f32> {
    match scale {
        Some((mean, sd)) => out
            .iter()
            .map(|&o| (f64::from(o) * sd + mean) as f32)
            .collect(),
        None => out.to_vec(),
    }
}

/// The inverse of [`in_reader_units`] for another scale.
fn in_model_units(out: &[f32], scale: Option<(f64, f64)>) -> Vec<f32> {
    match scale {
        Some((mean, sd)) => out
            .iter()
            .map(|&o| ((f64::from(o) - mean) / sd) as f32)
            .collect(),
        None => out.to_vec(),
    }
}

/// The middle value (the upper middle of an even count).
fn median<T: Copy + PartialOrd>(values: &mut [T]) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}
