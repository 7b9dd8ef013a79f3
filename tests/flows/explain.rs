//! Explanations of prediction models: Shapley values that add up, land on
//! the right columns and agree between the exact and the sampled method;
//! counterfactuals inside the data's ranges; the command line and the letter.

use std::process::Command;

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{ColumnValues, DataSource, Table, load};
use clearbox::explain::counterfactual::flip_decision;
use clearbox::explain::importance::{permutation_importance, stable_drivers};
use clearbox::explain::shapley::Coalitions;
use clearbox::explain::value::ValueFunction;
use clearbox::explain::{ExplainOptions, RowExplanation, background, explain_rows};
use clearbox::jobs::Progress;
use clearbox::ml::task::read_target;
use clearbox::templates::Explainable;
use clearbox::templates::prediction::{
    PredictionOutcome, PredictionRequest, SavedModel, Scorer, train_prediction,
};
use serde_json::Value;

fn outcome_of(table: &Table, target: &str, exclude: &[&str]) -> PredictionOutcome {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let request = PredictionRequest {
        target: target.into(),
        exclude: exclude.iter().map(|c| (*c).to_owned()).collect(),
        include: Vec::new(),
        seed: 5,
        split: Default::default(),
    };
    train_prediction(table, &request, &device, &Progress::silent(), &|_| {}).expect("trains")
}

fn trained(table: &Table, target: &str, exclude: &[&str]) -> SavedModel {
    SavedModel::from_outcome(&outcome_of(table, target, exclude))
}

fn sample(id: &str) -> Table {
    load(
        &DataSource::Sample(clearbox::samples::find(id).expect("sample")),
        &Progress::silent(),
    )
    .expect("loads")
}

fn assert_additive(explanations: &[RowExplanation]) {
    for e in explanations {
        let total: f64 = e.base_value + e.attributions.iter().map(|a| a.amount).sum::<f64>();
        assert!(
            (total - e.prediction).abs() < 1e-3,
            "row {}: base {} + attributions = {total}, prediction {}",
            e.row,
            e.base_value,
            e.prediction
        );
    }
}

/// 2 000 rows of six numbers; the outcome depends on `a` and `b` only.
fn two_driver_table(dir: &std::path::Path) -> Table {
    let mut text = String::from("a,b,c,d,e,f,y\n");
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    for _ in 0..2000 {
        let v: Vec<f64> = (0..6).map(|_| next()).collect();
        let y = u8::from(v[0] + 2.0 * v[1] > 1.5);
        let cells: Vec<String> = v.iter().map(|x| format!("{x:.4}")).collect();
        text.push_str(&format!("{},{y}\n", cells.join(",")));
    }
    let path = dir.join("two_drivers.csv");
    std::fs::write(&path, text).expect("writes");
    load(&DataSource::File(path), &Progress::silent()).expect("loads")
}

#[test]
fn two_true_drivers_lead_and_the_rest_are_near_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let table = two_driver_table(dir.path());
    let model = trained(&table, "y", &[]);
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let rows: Vec<usize> = (0..60).collect();
    let (explanations, drivers) = stable_drivers(
        &model,
        &table,
        &rows,
        &ExplainOptions::quick(1),
        1,
        &device.device,
        &Progress::silent(),
    )
    .expect("explains");
    assert_additive(&explanations);
    let names: Vec<&str> = drivers.iter().map(|d| d.column.as_str()).collect();
    assert_eq!(&names[..2], &["b", "a"], "{drivers:?}");
    for d in &drivers[2..] {
        assert!(
            d.mean_abs < 0.1 * drivers[1].mean_abs,
            "{} should be near zero: {drivers:?}",
            d.column
        );
    }
    // Permutation importance agrees on the two that matter.
    let (_, truth) = read_target(&table, "y").expect("target");
    let all: Vec<usize> = (0..table.rows).collect();
    let permutation = permutation_importance(&model, &table, &all, &truth, 3, 1, &device.device)
        .expect("permutes");
    let top: Vec<&str> = permutation
        .iter()
        .take(2)
        .map(|p| p.column.as_str())
        .collect();
    assert!(top.contains(&"a") && top.contains(&"b"), "{permutation:?}");
    assert!(
        permutation
            .iter()
            .all(|p| p.low <= p.mean && p.mean <= p.high)
    );
}

#[test]
fn attributions_add_up_and_group_encoded_columns_for_every_kind_of_target() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let options = ExplainOptions::quick(2);
    for (id, target, exclude) in [
        ("telco_churn", "churn", vec![]),
        ("penguins", "species", vec![]),
        ("penguins", "body_mass_g", vec!["species"]),
    ] {
        let table = sample(id);
        let model = trained(&table, target, &exclude);
        let rows = [0, 3, 17];
        let explanations = explain_rows(
            &model,
            &table,
            &rows,
            &options,
            &device.device,
            &Progress::silent(),
        )
        .expect("explains");
        assert_additive(&explanations);
        for e in &explanations {
            let columns: Vec<&str> = e.attributions.iter().map(|a| a.column.as_str()).collect();
            let inputs: Vec<&str> = model.card.inputs.iter().map(String::as_str).collect();
            assert_eq!(columns, inputs, "{id}: one value per original column");
        }
    }
}

#[test]
fn sampled_values_agree_with_exact_ones() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let table = sample("german_credit");
    // Ten inputs: every coalition (1 022) fits the exact budget.
    let keep = [
        "status",
        "duration",
        "credit_history",
        "purpose",
        "amount",
        "savings",
        "age",
        "housing",
        "job",
        "property",
    ];
    let exclude: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .filter(|c| !keep.contains(c) && *c != "credit_risk")
        .collect();
    let model = trained(&table, "credit_risk", &exclude);
    assert_eq!(model.card.inputs.len(), 10);
    let exact_options = ExplainOptions {
        background: 30,
        coalitions: 1022,
        seed: 3,
    };
    let sampled_options = ExplainOptions {
        coalitions: 400,
        ..exact_options
    };
    let rows = [1, 2];
    let run = |options: &ExplainOptions| {
        explain_rows(
            &model,
            &table,
            &rows,
            options,
            &device.device,
            &Progress::silent(),
        )
        .expect("explains")
    };
    let (exact, sampled) = (run(&exact_options), run(&sampled_options));
    assert!(exact[0].exact && !sampled[0].exact);
    for (e, s) in exact.iter().zip(&sampled) {
        for (a, b) in e.attributions.iter().zip(&s.attributions) {
            assert!(
                (a.amount - b.amount).abs() < 0.02,
                "{}: exact {} sampled {}",
                a.column,
                a.amount,
                b.amount
            );
        }
    }
}

/// The model with its network hidden: explanations must then run every
/// masked row through `forward`, the way any other artefact is explained.
struct Opaque<'a>(&'a SavedModel);

impl Explainable for Opaque<'_> {
    fn inputs(&self) -> &[String] {
        self.0.inputs()
    }
    fn preprocessor(&self) -> &clearbox::ml::preprocess::Preprocessor {
        Explainable::preprocessor(self.0)
    }
    fn forward(&self, x: burn::tensor::Tensor<2>) -> burn::tensor::Tensor<2> {
        Explainable::forward(self.0, x)
    }
    fn background(&self) -> &[f32] {
        Explainable::background(self.0)
    }
    fn target(&self) -> &clearbox::ml::task::TargetColumn {
        Explainable::target(self.0)
    }
    fn explained_for(&self, x: &[f32], raw: &[f32]) -> clearbox::templates::Explained {
        self.0.explained_for(x, raw)
    }
    fn unit(&self) -> f64 {
        self.0.unit()
    }
    fn threshold(&self) -> Option<f64> {
        self.0.threshold()
    }
}

/// Every way the value function evaluates a network — the first layer from
/// per-column parts and the dense layers on the processor, with each
/// distinct masked row evaluated once where rows repeat — gives the values
/// of running every masked row through `forward`.
#[test]
fn building_the_first_layer_from_column_parts_changes_no_value() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    // Categories (one-hot blocks), numbers and gaps, and both kinds of target.
    // German credit's 20 columns are sampled within the full budget (with
    // the quick one, few sampled coalitions come out the same); penguins'
    // six are all tried. The synthetic table's twelve numbers are drawn
    // at random, so no masked row repeats and every one is evaluated.
    let full_budget = ExplainOptions {
        background: 40,
        ..ExplainOptions::default()
    };
    for (id, target, exclude, options) in [
        ("german_credit", "credit_risk", vec![], full_budget),
        (
            "penguins",
            "body_mass_g",
            vec!["species"],
            ExplainOptions::quick(4),
        ),
        ("synthetic", "outcome", vec![], ExplainOptions::quick(2)),
    ] {
        let table = match id {
            "synthetic" => clearbox::bench::synthetic::outcome_table(3_000, 12),
            _ => sample(id),
        };
        let outcome = outcome_of(&table, target, &exclude);
        // The deep network, whichever model was chosen: it has hidden layers.
        let model = SavedModel {
            scorer: Scorer::Network(outcome.deep.clone()),
            ..SavedModel::from_outcome(&outcome)
        };
        assert!(model.network().is_some());
        let rows = [0, 5, 9];
        let background =
            background(&model, &table, options.background, options.seed).expect("background");
        let function = ValueFunction::new(&model, background, &device.device).expect("function");
        let plan = Coalitions::plan(function.columns(), options.coalitions, options.seed);
        let x = Explainable::preprocessor(&model)
            .transform(&table, &rows[..1])
            .expect("encodes");
        let all = plan.len() * function.background_rows();
        let distinct = function.evaluations(&x, &plan.flags);
        if id == "synthetic" {
            assert_eq!(distinct, all, "{id}: every masked row is evaluated");
        } else {
            // The rows share categories with most background rows, so many
            // masked rows come out the same: each is evaluated once, and
            // these values come from that shortcut.
            assert!(
                distinct * 4 <= all * 3,
                "{id}: {distinct} evaluations of {all}"
            );
        }
        let run = |subject: &dyn Explainable| {
            explain_rows(
                subject,
                &table,
                &rows,
                &options,
                &device.device,
                &Progress::silent(),
            )
            .expect("explains")
        };
        let (parts, masked) = (run(&model), run(&Opaque(&model)));
        let scale = model.unit();
        for (p, m) in parts.iter().zip(&masked) {
            assert!(
                (p.base_value - m.base_value).abs() < 1e-4 * scale,
                "{id}: base values"
            );
            for (a, b) in p.attributions.iter().zip(&m.attributions) {
                assert!(
                    (a.amount - b.amount).abs() < 1e-4 * scale,
                    "{id} {}: from parts {} masked rows {}",
                    a.column,
                    a.amount,
                    b.amount
                );
            }
        }
    }
}

#[test]
fn what_would_change_the_decision_stays_inside_the_data_and_respects_locks() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let table = sample("telco_churn");
    let model = trained(&table, "churn", &[]);
    let locked = vec!["tenure".to_string(), "contract".to_string()];
    let mut found = 0;
    for row in 0..12 {
        let Some(c) =
            flip_decision(&model, &table, row, &locked, &device.device).expect("searches")
        else {
            continue;
        };
        found += 1;
        assert!(c.changes.len() <= 3);
        let threshold = c.threshold;
        assert!(
            (c.before >= threshold) != (c.after >= threshold),
            "the decision flips"
        );
        for change in &c.changes {
            assert!(!locked.contains(&change.column), "{change:?}");
            let column = table.column(&change.column).expect("column");
            match column.values.as_ref() {
                ColumnValues::Number(v) => {
                    let to: f64 = change.to.replace(',', "").parse().expect("a number");
                    let (lo, hi) = v
                        .iter()
                        .filter(|x| !x.is_nan())
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
                            (l.min(x), h.max(x))
                        });
                    assert!(lo <= to && to <= hi, "{change:?} outside {lo}..{hi}");
                }
                ColumnValues::Text(t) => assert!(t.levels.contains(&change.to), "{change:?}"),
                ColumnValues::Datetime(_) => panic!("dates are not changed"),
            }
        }
    }
    assert!(found >= 3, "most decisions can be changed: {found} of 12");
}

#[test]
fn explain_from_the_command_line_with_a_letter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("model");
    let bin = env!("CARGO_BIN_EXE_clearbox");
    let train = Command::new(bin)
        .args([
            "train",
            "--template",
            "prediction",
            "--sample",
            "titanic",
            "--target",
            "Survived",
        ])
        .args(["--exclude", "boat,body", "--device", "cpu", "--out"])
        .arg(&model)
        .output()
        .expect("runs");
    assert!(
        train.status.success(),
        "{}",
        String::from_utf8_lossy(&train.stderr)
    );
    let letter = dir.path().join("letter.html");
    let out = Command::new(bin)
        .args([
            "explain",
            "--sample",
            "titanic",
            "--rows",
            "2..4",
            "--background",
            "30",
        ])
        .args(["--device", "cpu", "--json", "--model"])
        .arg(&model)
        .arg("--letter")
        .arg(&letter)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let base = report["base_value"].as_f64().expect("base value");
    let rows = report["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["row"], 2);
    for row in rows {
        let sum: f64 = row["attributions"]
            .as_object()
            .expect("attributions by column")
            .values()
            .map(|v| v.as_f64().expect("number"))
            .sum();
        let prediction = row["prediction"].as_f64().expect("prediction");
        assert!((base + sum - prediction).abs() < 1e-3, "{row}");
        assert!(
            row["sentence"]
                .as_str()
                .expect("sentence")
                .starts_with("Chance that Survived is")
        );
        assert!(
            row["attributions"].get("Sex").is_some(),
            "original column names"
        );
    }
    let global = report["global"].as_array().expect("global");
    let importances: Vec<f64> = global
        .iter()
        .map(|g| g["importance"].as_f64().expect("importance"))
        .collect();
    assert!(
        importances.windows(2).all(|w| w[0] >= w[1]),
        "sorted high to low"
    );
    assert!(
        report["permutation"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
    );
    let html = std::fs::read_to_string(&letter).expect("letter written");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("Main reasons"));
    assert!(html.contains("What would change the decision") && !html.contains("<script"));
    // A row that is not there is a plain error.
    let bad = Command::new(bin)
        .args([
            "explain", "--sample", "titanic", "--rows", "5000", "--model",
        ])
        .arg(&model)
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a row range"));
}

#[test]
fn a_row_is_in_its_group_for_reasons_that_add_up() {
    use clearbox::templates::segmentation::membership::{sentence, why_in_group};
    use clearbox::templates::segmentation::{
        Representation, SegmentationRequest, train_segmentation,
    };
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let table = sample("penguins");
    let request = SegmentationRequest {
        exclude: vec!["species".into()],
        include: Vec::new(),
        predicted: None,
        k: Some(3),
        seed: 1,
        representation: Representation::Auto,
    };
    let outcome =
        train_segmentation(&table, &request, &device, &Progress::silent()).expect("groups");
    let rows = [0, 100, 250];
    let memberships =
        why_in_group(&outcome.card, &table, &outcome.assignments, &rows).expect("explains");
    for m in &memberships {
        assert_eq!(m.group, outcome.assignments[m.row] as usize);
        assert_ne!(m.group, m.runner_up);
        let total: f64 = m.reasons.iter().map(|r| r.share).sum();
        assert!((total - 1.0).abs() < 1e-6, "shares add up: {total}");
        assert!(m.reasons.iter().all(|r| r.column != "species"));
        let text = sentence(m, &outcome.card.names);
        assert!(text.contains(&outcome.card.names[m.group]), "{text}");
        assert!(text.contains("mostly because of"), "{text}");
    }
}
