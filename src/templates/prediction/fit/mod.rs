//! Training the deep model, the simple model and the trees, and measuring
//! them honestly: on held-out test rows for larger tables, by
//! cross-validation on small ones ([`rotations`]), where the saved models
//! then learn from every row with the settings the rotations chose (see
//! [`Measuring`]).

mod rotations;

use std::sync::Arc;

use rotations::cross_validated;

use super::choice::{ChoiceFigures, choose};
use super::labels::{LabelSets, ModelOutputs};
use super::saved::{Fitting, Measured, ModelCard, ModelPart, TreeReference};
use super::{
    BACKGROUND_ROWS, ChosenModel, PredictionOutcome, PredictionRequest, Scores, TrainingEvent,
};
use crate::compute::ComputeDevice;
use crate::data::Table;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;
use crate::ml::glm::{Cores, LinearFit, PenaltyChoice, PlainInputs, fit_linear};
use crate::ml::model::{Network, NetworkShape};
use crate::ml::preprocess::Preprocessor;
use crate::ml::split::{Measuring, Split};
use crate::ml::task::{TargetColumn, TargetValues, TaskKind, read_target};
use crate::ml::train::{Examples, TrainOptions, Trained, fit, predict};
use crate::ml::trees::{TreeModel, fit_trees};
use crate::templates::artefact::{Provenance, TemplateKind};
use crate::templates::inputs::{Decisions, InputChoice, Purpose, choose_inputs, used_columns};

/// What every training shares: the data, the target and the settings.
struct Job<'a> {
    table: &'a Table,
    used: &'a [String],
    target: &'a TargetColumn,
    values: &'a TargetValues,
    outputs: usize,
    request: &'a PredictionRequest,
    device: &'a ComputeDevice,
    on_event: &'a dyn Fn(TrainingEvent),
}

/// Both models fitted on one split and judged on its test rows.
struct Fitted {
    preprocessor: Preprocessor,
    labels: LabelSets,
    x_train: Vec<f32>,
    deep: Trained,
    deep_options: TrainOptions,
    simple: LinearFit,
    simple_network: Network,
    judged: [Judged; 2],
    /// The tree model and its figures, when it could be fitted.
    trees: Option<(TreeModel, Judged)>,
}

/// A model's figures on a split's test rows, and on its validation rows
/// (what the kept model is chosen on).
struct Judged {
    scores: Scores,
    valid: Scores,
    threshold: Option<f64>,
    /// Raw outputs for the test rows (`rows × outputs`).
    test_out: Vec<f32>,
}

/// The columns a request trains on and the target's form, as both models see them.
struct Prepared {
    target: TargetColumn,
    values: TargetValues,
    inputs: Vec<InputChoice>,
    used: Vec<String>,
    outputs: usize,
}

/// Reads the target and chooses the inputs, as the health report and the
/// user's decisions say.
fn prepare(table: &Table, request: &PredictionRequest, progress: &Progress) -> Result<Prepared> {
    progress.report(0.0, "Checking the data");
    let (target, values) = read_target(table, &request.target)?;
    let report = crate::health::analyse(table, Some(&request.target), progress)?;
    let decisions = Decisions {
        exclude: request.exclude.clone(),
        include: request.include.clone(),
    };
    let purpose = Purpose::Predict {
        target: &request.target,
    };
    let inputs = choose_inputs(table, &report, purpose, &decisions);
    let used = used_columns(&inputs);
    if used.is_empty() {
        return Err(ClearboxError::BadRequest(format!(
            "No column is left to predict '{}' from: every other column was left out. Include some columns.",
            request.target
        )));
    }
    let outputs = match target.task {
        TaskKind::Regression => 1,
        _ => target.classes.len(),
    };
    Ok(Prepared {
        target,
        values,
        inputs,
        used,
        outputs,
    })
}

/// Trains the deep model, the simple model and the trees on `table` and
/// measures them on rows they never saw.
/// `on_event` hears about every pass of the deep model, for a live chart.
pub fn train_prediction(
    table: &Table,
    request: &PredictionRequest,
    device: &ComputeDevice,
    progress: &Progress,
    on_event: &dyn Fn(TrainingEvent),
) -> Result<PredictionOutcome> {
    let prepared = prepare(table, request, &progress.scaled(0.0, 0.05))?;
    let job = Job {
        table,
        used: &prepared.used,
        target: &prepared.target,
        values: &prepared.values,
        outputs: prepared.outputs,
        request,
        device,
        on_event,
    };
    let measuring = request
        .split
        .measuring(table, &prepared.values, request.seed)?;
    let progress = progress.scaled(0.05, 1.0);
    let parts = match &measuring {
        Measuring::HeldOut(split) => held_out(&job, split, &progress)?,
        Measuring::CrossValidated { folds, rows } => cross_validated(&job, folds, rows, &progress)?,
    };
    let card = ModelCard {
        split_sentence: measuring.describe(),
        ..parts.card
    };
    progress.report(1.0, "Done");
    Ok(PredictionOutcome {
        provenance: Provenance::new(
            TemplateKind::Prediction,
            table,
            &device.label(),
            request.seed,
            request,
        ),
        card,
        deep: parts.deep,
        simple: parts.simple,
        trees: parts.trees,
        inputs: prepared.inputs,
        test_predictions: parts.test_predictions,
        background: parts.background,
    })
}

/// The simple model alone on the request's plain split (never
/// cross-validated), with the rows of each set: what `clearbox bench simple`
/// times and what its scikit-learn peer repeats on the same rows.
#[derive(Debug, Clone)]
pub struct SimpleOnly {
    /// The columns it read.
    pub inputs: Vec<String>,
    /// The rows of each set.
    pub split: Split,
    /// Its scores on the test rows.
    pub test: Scores,
    /// The penalty chosen on the validation rows.
    pub penalty: PenaltyChoice,
}

/// Fits only the simple model on the request's split and scores it on the test rows.
pub fn simple_only(
    table: &Table,
    request: &PredictionRequest,
    device: &ComputeDevice,
    progress: &Progress,
) -> Result<SimpleOnly> {
    let prepared = prepare(table, request, &progress.scaled(0.0, 0.2))?;
    let split = request.split.split(table, &prepared.values, request.seed)?;
    let preprocessor = Preprocessor::fit(table, &prepared.used, &split.train)?;
    let width = preprocessor.width();
    let [x_train, x_valid, x_test] =
        [&split.train, &split.valid, &split.test].map(|rows| preprocessor.transform(table, rows));
    let (x_train, x_valid, x_test) = (x_train?, x_valid?, x_test?);
    let labels = LabelSets::new(&prepared.values, &split);
    let (fitted, network) = fit_simple(
        &preprocessor,
        [&x_train, &x_valid],
        &labels,
        prepared.outputs,
        &device.device,
        &progress.scaled(0.2, 1.0),
    )?;
    let valid_out = predict(&network, &x_valid, width, &device.device)?;
    let test_out = predict(&network, &x_test, width, &device.device)?;
    let test = labels.score(&prepared.target, &valid_out, &test_out).0.test;
    Ok(SimpleOnly {
        inputs: prepared.used,
        split,
        test,
        penalty: fitted.penalty,
    })
}

/// What either way of measuring leaves for the outcome.
struct Parts {
    card: ModelCard,
    deep: Network,
    simple: Network,
    trees: Option<Arc<TreeModel>>,
    background: Vec<f32>,
    test_predictions: super::TestPredictions,
}

/// One split: learn on its training rows, measure on its test rows.
fn held_out(job: &Job<'_>, split: &Split, progress: &Progress) -> Result<Parts> {
    let fitted = fit_split(job, split, progress)?;
    let [deep_judged, simple_judged] = &fitted.judged;
    let tree_judged = fitted.trees.as_ref().map(|(_, judged)| judged);
    let (chosen, chosen_on) = chosen_on_validation([deep_judged, simple_judged], tree_judged);
    let test_predictions = fitted.labels.test_predictions(
        job.target.task,
        ModelOutputs {
            deep: &deep_judged.test_out,
            simple: &simple_judged.test_out,
            trees: tree_judged.map(|j| j.test_out.as_slice()),
            kept: chosen,
        },
    );
    let width = fitted.preprocessor.width();
    let card = ModelCard {
        target: job.target.clone(),
        inputs: job.used.to_vec(),
        amount_scale: fitted.labels.amount_scale,
        split_sizes: [split.train.len(), split.valid.len(), split.test.len()],
        split_plan: job.request.split.clone(),
        split_sentence: String::new(),
        measured: Measured::HeldOut,
        deep: ModelPart {
            shape: NetworkShape::deep(width, job.outputs),
            fitting: Fitting::Passes {
                options: fitted.deep_options.clone(),
                history: fitted.deep.history.clone(),
                best_epoch: fitted.deep.best_epoch,
            },
            threshold: deep_judged.threshold,
            test: deep_judged.scores.clone(),
        },
        simple: ModelPart {
            shape: NetworkShape::simple(width, job.outputs),
            fitting: Fitting::Penalised(fitted.simple.penalty.clone()),
            threshold: simple_judged.threshold,
            test: simple_judged.scores.clone(),
        },
        trees: fitted.trees.as_ref().map(|(trees, judged)| TreeReference {
            trees: trees.trees(),
            test: judged.scores.clone(),
            threshold: judged.threshold,
        }),
        chosen,
        chosen_on: Some(chosen_on),
        preprocessor: fitted.preprocessor,
    };
    Ok(Parts {
        card,
        deep: fitted.deep.network,
        simple: fitted.simple_network,
        trees: fitted.trees.map(|(trees, _)| Arc::new(trees)),
        background: background(&fitted.x_train, width, job.request.seed),
        test_predictions,
    })
}

/// Fits the preprocessing, the simple and the deep model on `split`'s
/// training rows (choosing the penalty and the stopping pass on its
/// validation rows) and judges both on its test rows.
fn fit_split(job: &Job<'_>, split: &Split, progress: &Progress) -> Result<Fitted> {
    let device = &job.device.device;
    let preprocessor = Preprocessor::fit(job.table, job.used, &split.train)?;
    let width = preprocessor.width();
    let x_train = preprocessor.transform(job.table, &split.train)?;
    let x_valid = preprocessor.transform(job.table, &split.valid)?;
    let x_test = preprocessor.transform(job.table, &split.test)?;
    let labels = LabelSets::new(job.values, split);
    let train_set = Examples {
        x: &x_train,
        width,
        labels: labels.labels(0, job.outputs),
    };
    let valid_set = Examples {
        x: &x_valid,
        width,
        labels: labels.labels(1, job.outputs),
    };
    progress.report(0.0, "Training the deep model");
    let plain = PlainInputs {
        columns: preprocessor.plain_columns(),
        width,
    };
    let deep_options = TrainOptions::prediction(split.train.len(), job.request.seed);
    let (side, deep) = beside_deep(
        progress,
        |progress| {
            let simple = fit_linear(
                &plain,
                &x_train,
                train_set.labels,
                &x_valid,
                valid_set.labels,
                Cores::One,
                progress,
            )?;
            let trees = fit_trees(
                &plain,
                &x_train,
                train_set.labels,
                &x_valid,
                valid_set.labels,
                job.request.seed,
            )?;
            Ok((simple, trees))
        },
        || {
            fit(
                &NetworkShape::deep(width, job.outputs),
                &train_set,
                &valid_set,
                &deep_options,
                device,
                &progress.scaled(0.0, 0.97),
                &|loss| (job.on_event)(TrainingEvent::Epoch(loss)),
            )
        },
    );
    let deep = deep?;
    let (simple, trees) = side?;
    let simple_network = linear_network(&simple, width, job.outputs, device);
    progress.report(0.97, "Measuring on the test rows");
    let judge = |valid_out: Vec<f32>, test_out: Vec<f32>| {
        let (measured, threshold) = labels.score(job.target, &valid_out, &test_out);
        Judged {
            scores: measured.test,
            valid: measured.valid,
            threshold,
            test_out,
        }
    };
    let network_judged = |network: &Network| -> Result<Judged> {
        Ok(judge(
            predict(network, &x_valid, width, device)?,
            predict(network, &x_test, width, device)?,
        ))
    };
    let judged = [
        network_judged(&deep.network)?,
        network_judged(&simple_network)?,
    ];
    let trees = trees.map(|t| {
        let judged = judge(t.outputs(&x_valid), t.outputs(&x_test));
        (t, judged)
    });
    Ok(Fitted {
        preprocessor,
        labels,
        x_train,
        deep,
        deep_options,
        simple,
        simple_network,
        judged,
        trees,
    })
}

/// The simple model on the plain inputs of the training rows, its penalty
/// chosen on the validation rows, as a network for scoring and explaining.
fn fit_simple(
    preprocessor: &Preprocessor,
    [x_train, x_valid]: [&[f32]; 2],
    labels: &LabelSets,
    outputs: usize,
    device: &burn::tensor::Device,
    progress: &Progress,
) -> Result<(LinearFit, Network)> {
    progress.report(0.0, "Fitting the simple model");
    let width = preprocessor.width();
    let plain = PlainInputs {
        columns: preprocessor.plain_columns(),
        width,
    };
    let fitted = fit_linear(
        &plain,
        x_train,
        labels.labels(0, outputs),
        x_valid,
        labels.labels(1, outputs),
        Cores::All,
        progress,
    )?;
    let network = linear_network(&fitted, width, outputs, device);
    Ok((fitted, network))
}

/// The simple model's fitted weights as a network, for scoring and explaining.
fn linear_network(
    fitted: &LinearFit,
    width: usize,
    outputs: usize,
    device: &burn::tensor::Device,
) -> Network {
    Network::linear(
        &NetworkShape::simple(width, outputs),
        fitted.weights.clone(),
        fitted.bias.clone(),
        device,
    )
}

/// The kept model of a held-out split, chosen on the validation rows so
/// the test rows measure it untouched ([`super::choice`]), and the figures
/// it was chosen on.
fn chosen_on_validation(
    [deep, simple]: [&Judged; 2],
    trees: Option<&Judged>,
) -> (ChosenModel, ChoiceFigures) {
    let on = ChoiceFigures {
        deep: deep.valid.clone(),
        simple: simple.valid.clone(),
        trees: trees.map(|j| j.valid.clone()),
    };
    (choose(&on.deep, &on.simple, on.trees.as_ref()), on)
}

/// Runs `side` (the simple model, then the trees) on a scoped thread while
/// `deep` trains the deep model, and waits for both. Fitting them before
/// the deep model left processor cores idle: training alone does not keep
/// them busy, and on adult (2 cores) the simple model alone took 2.7 s
/// before the deep model could start. `side` hears `progress`'s cancel
/// flag but reports nothing; a panic there becomes an error rather than
/// taking the training down.
fn beside_deep<S: Send, D>(
    progress: &Progress,
    side: impl FnOnce(&Progress) -> Result<S> + Send,
    deep: impl FnOnce() -> Result<D>,
) -> (Result<S>, Result<D>) {
    let cancel = progress.cancel_token();
    std::thread::scope(|scope| {
        let side = scope.spawn(|| side(&Progress::with_cancel(cancel.clone())));
        let deep = deep();
        let side = side.join().map_err(|_| ClearboxError::Internal {
            activity: "fitting the simple model and the tree model".into(),
            detail: "their thread stopped unexpectedly".into(),
        });
        (side.and_then(|result| result), deep)
    })
}

/// Up to [`BACKGROUND_ROWS`] encoded training rows, saved with the model as
/// the "average row" explanations compare with.
fn background(x: &[f32], width: usize, seed: u64) -> Vec<f32> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    // Positions within the training matrix, not row numbers.
    let rows = x.len() / width.max(1);
    let mut at: Vec<usize> = (0..rows).collect();
    at.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    at.truncate(BACKGROUND_ROWS);
    at.sort_unstable();
    at.iter()
        .flat_map(|&i| x[i * width..(i + 1) * width].iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::metrics::AmountScores;

    /// A model judged with these RMSEs on the validation and the test rows.
    fn judged(valid: f64, test: f64) -> Judged {
        let rmse = |e: f64| Scores::Regression(AmountScores::measure(&[e, -e], &[0.0, 0.0]));
        Judged {
            scores: rmse(test),
            valid: rmse(valid),
            threshold: None,
            test_out: Vec::new(),
        }
    }

    #[test]
    fn a_held_out_split_keeps_the_model_that_does_best_on_the_validation_rows() {
        // The simple model is better on the validation rows, the deep one on
        // the test rows: the test rows do not choose.
        let (deep, simple) = (judged(1.1, 0.9), judged(1.0, 1.0));
        let (chosen, on) = chosen_on_validation([&deep, &simple], None);
        assert_eq!(chosen, ChosenModel::Simple);
        assert_eq!((on.deep.value(), on.simple.value()), (1.1, 1.0));
        // Trees 10% better on the test rows only are not kept.
        let trees = judged(1.0, 0.8);
        let (chosen, on) = chosen_on_validation([&simple, &deep], Some(&trees));
        assert_eq!(chosen, ChosenModel::Deep);
        assert_eq!(on.trees.map(|t| t.value()), Some(1.0));
        // Clearly better on the validation rows, they are.
        let trees = judged(0.9, 1.2);
        let (chosen, _) = chosen_on_validation([&deep, &simple], Some(&trees));
        assert_eq!(chosen, ChosenModel::Trees);
    }
}
