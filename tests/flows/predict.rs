//! The prediction template from the command line and the library: train,
//! save, load, score, and the plain errors for bad requests.

use std::process::{Command, Output};

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::{Job, Progress};
use clearbox::ml::skill::{Guessing, Skill};
use clearbox::ml::split::SplitPlan;
use clearbox::templates::prediction::{
    PredictionRequest, SavedModel, Scores, score_table, train_prediction,
};
use serde_json::Value;

use super::sample;

fn clearbox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbox"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `clearbox train --template prediction` on `data` for `target`, on the
/// processor, with `extra` arguments after those.
fn train_on_cpu(data: &std::path::Path, target: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--template",
        "prediction",
        "--data",
        data.to_str().expect("utf-8"),
        "--target",
        target,
        "--device",
        "cpu",
    ];
    args.extend_from_slice(extra);
    clearbox(&args)
}

fn table(id: &str) -> clearbox::data::Table {
    load(
        &DataSource::Sample(clearbox::samples::find(id).expect("sample")),
        &Progress::silent(),
    )
    .expect("loads")
}

#[test]
fn train_then_predict_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("titanic_model");
    let out = clearbox(&[
        "train",
        "--template",
        "prediction",
        "--sample",
        "titanic",
        "--target",
        "Survived",
        "--exclude",
        "boat,body",
        "--device",
        "cpu",
        "--out",
        model.to_str().expect("utf-8"),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["task"], "binary");
    assert_eq!(report["device"], "CPU");
    let auc = report["metrics"]["test"]["auc"].as_f64().expect("auc");
    let baseline = report["baseline"]["test"]["auc"]
        .as_f64()
        .expect("baseline auc");
    assert!(
        auc > 0.8 && baseline > 0.75,
        "test AUC {auc}, simple model {baseline}"
    );
    assert!(report["metrics"]["test"]["accuracy"].is_f64());
    let left_out: Vec<&str> = report["left_out"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["column"].as_str())
        .collect();
    assert!(
        left_out.contains(&"PassengerId")
            && left_out.contains(&"Name")
            && left_out.contains(&"boat")
    );
    assert_eq!(report["model_dir"], model.to_str().expect("utf-8"));

    let scored = dir.path().join("scored.csv");
    let out = clearbox(&[
        "predict",
        "--model",
        model.to_str().expect("utf-8"),
        "--data",
        sample("titanic.csv").to_str().expect("utf-8"),
        "--out",
        scored.to_str().expect("utf-8"),
        "--device",
        "cpu",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written =
        load(&DataSource::File(scored), &Progress::silent()).expect("the scored file reads back");
    assert_eq!(written.rows, 1309);
    for name in ["prediction", "probability_0", "probability_1", "Survived"] {
        assert!(written.column(name).is_some(), "{name} is written");
    }
    let p = |name: &str, row: usize| {
        written
            .column(name)
            .map(|c| c.values.display(row).parse::<f64>().unwrap_or(f64::NAN))
    };
    let total = p("probability_0", 3).unwrap_or(0.0) + p("probability_1", 3).unwrap_or(0.0);
    assert!(
        (total - 1.0).abs() < 1e-4,
        "probabilities add up to 1, got {total}"
    );
}

#[test]
fn bad_requests_exit_with_code_2_and_a_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let model = dir.path().join("m");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "train",
                "--template",
                "prediction",
                "--sample",
                "penguins",
                "--target",
                "wingspan",
            ],
            "no column called 'wingspan'",
        ),
        (
            vec![
                "train",
                "--template",
                "prediction",
                "--sample",
                "open_bandit",
                "--target",
                "propensity_score",
            ],
            "same value",
        ),
        (
            vec![
                "train",
                "--template",
                "prediction",
                "--sample",
                "titanic",
                "--target",
                "Name",
            ],
            "cannot be predicted",
        ),
        (
            vec![
                "train",
                "--template",
                "prediction",
                "--sample",
                "titanic",
                "--target",
                "Survived",
                "--time-column",
                "Name",
            ],
            "cannot put rows in time order",
        ),
        (
            vec![
                "predict",
                "--model",
                dir.path().to_str().expect("utf-8"),
                "--data",
                "x.csv",
                "--out",
                "y.csv",
            ],
            "cannot be used: the folder is empty",
        ),
    ];
    for (args, expected) in cases {
        let out = clearbox(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"));
    }
    // A file without a column the model needs names that column.
    let out = clearbox(&[
        "train",
        "--template",
        "prediction",
        "--sample",
        "penguins",
        "--target",
        "species",
        "--device",
        "cpu",
        "--out",
        model.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let partial = dir.path().join("partial.csv");
    std::fs::write(&partial, "island,bill_length_mm\nDream,40\nBiscoe,45\n").expect("writes");
    let out = clearbox(&[
        "predict",
        "--model",
        model.to_str().expect("utf-8"),
        "--data",
        partial.to_str().expect("utf-8"),
        "--out",
        dir.path().join("o.csv").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no column called 'bill_depth_mm'"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_saved_model_predicts_exactly_as_before_and_classes_are_learned() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let penguins = table("penguins");
    let request = PredictionRequest {
        target: "species".into(),
        exclude: Vec::new(),
        include: Vec::new(),
        seed: 7,
        split: Default::default(),
    };
    let outcome = train_prediction(&penguins, &request, &device, &Progress::silent(), &|_| {})
        .expect("trains");
    match &outcome.card.deep.test {
        Scores::Multiclass(s) => assert!(
            s.accuracy >= 0.9,
            "penguin species are easy: {}",
            s.accuracy
        ),
        other => panic!("expected class scores, got {other:?}"),
    }
    let dir = tempfile::tempdir().expect("temp dir");
    outcome.save(dir.path()).expect("saves");
    let loaded = SavedModel::load(dir.path(), &device.device).expect("loads");
    assert_eq!(
        loaded.card, outcome.card,
        "the model card survives the round trip"
    );
    let in_memory = SavedModel::from_outcome(&outcome);
    assert_eq!(
        loaded.background, in_memory.background,
        "the background rows for explanations are saved"
    );
    assert!(!loaded.background.is_empty());
    let before = score_table(&in_memory, &penguins, &device.device).expect("scores");
    let after = score_table(&loaded, &penguins, &device.device).expect("scores");
    assert_eq!(
        before, after,
        "a saved and loaded model predicts exactly as before"
    );
    // burn's CPU back end draws dropout from one random source per process,
    // which other tests training at the same time would share: the
    // repeatability of a seed is checked in processes of their own.
    let figures = || {
        let out = clearbox(&[
            "train",
            "--template",
            "prediction",
            "--sample",
            "penguins",
            "--target",
            "species",
            "--seed",
            "7",
            "--device",
            "cpu",
            "--json",
            "--out",
            dir.path().join("again").to_str().expect("utf-8"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        report["metrics"]["test"].clone()
    };
    assert_eq!(figures(), figures(), "same seed, same device, same model");
}

#[test]
fn amounts_are_predicted_in_their_own_units() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("prices.csv");
    let mut text = String::from("size,rooms,price\n");
    for i in 0..600 {
        let size = 40 + (i * 37) % 160;
        let rooms = 1 + (i * 7) % 5;
        let noise = ((i * 7919) % 21) as f64 - 10.0;
        text.push_str(&format!(
            "{size},{rooms},{}\n",
            3000.0 * size as f64 + 10000.0 * rooms as f64 + noise * 1000.0
        ));
    }
    std::fs::write(&path, text).expect("writes");
    let prices = load(&DataSource::File(path.clone()), &Progress::silent()).expect("loads");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let request = PredictionRequest {
        target: "price".into(),
        exclude: Vec::new(),
        include: Vec::new(),
        seed: 1,
        split: Default::default(),
    };
    let outcome =
        train_prediction(&prices, &request, &device, &Progress::silent(), &|_| {}).expect("trains");
    match (&outcome.card.deep.test, &outcome.card.simple.test) {
        (Scores::Regression(deep), Scores::Regression(simple)) => {
            assert!(simple.r2 > 0.95, "a straight line fits: R² {}", simple.r2);
            assert!(
                simple.rmse < 20_000.0,
                "errors are in the price's units: {}",
                simple.rmse
            );
            assert!(deep.r2 > 0.8, "R² {}", deep.r2);
        }
        other => panic!("expected amount scores, got {other:?}"),
    }
    // The command line says the errors as the results page does: three
    // digits, thousands apart ("typical error 5,312 (RMSE 6,048)").
    let out = train_on_cpu(&path, "price", &[]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}");
    let simple = said
        .lines()
        .find_map(|l| l.strip_prefix("Simple model: typical error "))
        .unwrap_or_else(|| panic!("no simple model line in {said}"));
    let (error, rest) = simple.split_once(' ').expect("the error, then the RMSE");
    assert!(
        error.contains(',')
            && !error.contains('.')
            && rest.starts_with("(RMSE ")
            && rest.contains(','),
        "errors in thousands read with separators and no decimals: {simple}"
    );
}

#[test]
fn cancel_stops_training_promptly() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let telco = table("telco_churn");
    let (first_pass, passes) = std::sync::mpsc::channel();
    let job = Job::spawn("training", None, move |progress| {
        let request = PredictionRequest {
            target: "churn".into(),
            exclude: Vec::new(),
            include: Vec::new(),
            seed: 1,
            split: Default::default(),
        };
        train_prediction(&telco, &request, &device, progress, &|_| {
            let _ = first_pass.send(());
        })
        .map(|_| ())
    });
    // Cancel once training is under way: after its first pass.
    passes.recv().expect("training starts");
    let asked = std::time::Instant::now();
    job.cancel();
    assert!(matches!(
        job.wait(),
        Err(clearbox::ClearboxError::Cancelled)
    ));
    assert!(
        asked.elapsed() < std::time::Duration::from_secs(1),
        "stopped in {:?}",
        asked.elapsed()
    );
}

#[test]
fn a_split_by_time_trains_on_the_past_and_tests_on_the_newest_rows() {
    let census = table("census_drift");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let request = PredictionRequest {
        target: "employed".into(),
        exclude: vec!["prediction".into(), "predicted_probability".into()],
        include: Vec::new(),
        seed: 3,
        split: SplitPlan::ByTime {
            column: "year".into(),
        },
    };
    let outcome =
        train_prediction(&census, &request, &device, &Progress::silent(), &|_| {}).expect("trains");
    let card = &outcome.card;
    assert_eq!(card.split_plan, request.split);
    // 2 500 rows from 2015, then 2 500 from 2018: the newest 30% are all from 2018.
    assert_eq!(card.split_sizes, [3500, 750, 750]);
    assert!(
        card.split_sentence.contains("'year'") && card.split_sentence.contains("from 2018"),
        "{}",
        card.split_sentence
    );
    let dir = tempfile::tempdir().expect("temp dir");
    outcome.save(dir.path()).expect("saves");
    let loaded = SavedModel::load(dir.path(), &device.device).expect("loads");
    assert_eq!(
        loaded.card.split_plan, request.split,
        "the plan is saved with the model"
    );
}

/// An 800-row table: a number whose median over all rows is 99.5, a label
/// column, and a yes/no outcome that depends on both, one in ten flipped.
fn small_table(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("small.csv");
    let mut text = String::from("amount,colour,bought\n");
    for i in 0..800usize {
        // A fixed shuffle of 0..800, so file order says nothing.
        // Each amount on four rows: a number, not an identifier.
        let amount = ((i * 337) % 800) / 4;
        let colour = ["red", "green", "blue", "grey"][i % 4];
        // One row in ten has its outcome flipped, by a hash unrelated to the rest.
        let noisy = (i.wrapping_mul(2_654_435_761) >> 7) % 10 == 0;
        let bought = (amount > 100 || colour == "red") != noisy;
        text.push_str(&format!("{amount},{colour},{}\n", u8::from(bought)));
    }
    std::fs::write(&path, text).expect("writes the table");
    path
}

/// SplitMix64: a well-mixed hash of `x`, so that numbers drawn with it
/// carry no pattern a model could learn.
fn mixed(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// 800 rows like [`small_table`]'s whose columns and outcome are drawn by
/// independent hashes of the row number: nothing in the columns predicts
/// the outcome.
fn unpredictable_table(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("unpredictable.csv");
    let mut text = String::from("amount,colour,bought\n");
    for i in 0..800u64 {
        let amount = mixed(i) % 200;
        let colour = ["red", "green", "blue", "grey"][(mixed(i + 1_000) % 4) as usize];
        let bought = mixed(i + 2_000) % 2 == 1;
        text.push_str(&format!("{amount},{colour},{}\n", u8::from(bought)));
    }
    std::fs::write(&path, text).expect("writes the table");
    path
}

#[test]
fn a_target_the_columns_cannot_predict_is_called_no_better_than_guessing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = unpredictable_table(dir.path());
    let model = dir.path().join("unpredictable_model");
    let out = train_on_cpu(&data, "bought", &["--out", model.to_str().expect("utf-8")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("Careful: the model used does no better than guessing")
            && text.contains("luck alone can reach")
            && text.contains("do not base decisions on these predictions"),
        "the command line warns, with what guessing and luck reach:\n{text}"
    );
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let card = SavedModel::load(&model, &device.device)
        .expect("loads")
        .card;
    let Skill::NoBetterThanGuessing(Guessing::Ranking { auc, luck, .. }) = card.skill() else {
        panic!("expected no better than guessing, got {:?}", card.skill());
    };
    assert!(auc < luck && luck < 0.6, "AUC {auc}, luck {luck}");
    let quality = clearbox::explain::panel::quality(&card);
    assert!(
        quality[0].starts_with("Careful: the model used does no better than guessing"),
        "the explanation panel and the report lead with the warning: {quality:?}"
    );
}

#[test]
fn a_small_table_is_cross_validated_and_the_saved_model_learns_every_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = small_table(dir.path());
    let model = dir.path().join("small_model");
    let out = train_on_cpu(
        &data,
        "bought",
        &["--out", model.to_str().expect("utf-8"), "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let sentence = report["split"]["sentence"].as_str().expect("a sentence");
    assert!(
        sentence.contains("5 groups") && sentence.contains("all 800"),
        "the check says cross-validation is used and why: {sentence}"
    );
    let folds = report["measured"]["CrossValidated"]["deep"]
        .as_array()
        .expect("one figure per rotation");
    assert_eq!(folds.len(), 5);

    assert_eq!(
        report["kept"]["beats_guessing"],
        Value::Bool(true),
        "an outcome the columns decide is learned: {}",
        report["kept"]
    );
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let saved = SavedModel::load(&model, &device.device).expect("loads");
    let card = &saved.card;
    assert_eq!(
        report["kept"]["test"],
        serde_json::to_value(card.chosen_test()).expect("json"),
        "the report's kept figures are the kept model's"
    );
    assert_eq!(
        card.split_sizes,
        [800, 0, 800],
        "all rows learned from, all measured once"
    );
    let spread = card
        .measured
        .spread(clearbox::templates::prediction::ChosenModel::Deep)
        .expect("a spread");
    assert!(spread.contains("across 5 rotations"), "{spread}");
    let trees = card
        .trees
        .as_ref()
        .expect("a tree reference for a yes/no target");
    assert!(
        trees.trees > 0 && trees.test.metric() == card.deep.test.metric(),
        "the trees are measured on the same rows, the same way: {trees:?}"
    );
    assert!(
        card.measured
            .spread(clearbox::templates::prediction::Compared::Trees)
            .is_some_and(|s| s.contains("across 5 rotations")),
        "the trees' spread is kept too"
    );
    let Scores::Binary(pooled) = &card.deep.test else {
        panic!("yes/no scores")
    };
    let figures: Vec<f64> = folds.iter().filter_map(Value::as_f64).collect();
    let (low, high) = figures
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &f| {
            (l.min(f), h.max(f))
        });
    assert!(
        low > 0.75 && high <= 1.0 && low <= high,
        "each rotation learns the pattern: {figures:?} (pooled {})",
        pooled.auc
    );
    // The saved model's preprocessing saw every row: the median of 0..200
    // (each four times) is 99.5, which four fifths of the rows seldom give.
    let center = card
        .preprocessor
        .encoders
        .iter()
        .find_map(|e| match e {
            clearbox::ml::preprocess::Encoder::Number { column, center, .. }
                if column == "amount" =>
            {
                Some(*center)
            }
            _ => None,
        })
        .expect("'amount' is a number input");
    assert!((center - 99.5).abs() < 1e-9, "centre {center}");
    match &card.deep.fitting {
        clearbox::templates::prediction::Fitting::Refit {
            options,
            train_loss,
        } => {
            assert_eq!(
                train_loss.len(),
                options.max_epochs,
                "as many passes as the rotations chose"
            );
        }
        other => panic!("the deep model is refitted on every row, not {other:?}"),
    }

    // Scoring a file the model cannot fully read goes on, and says what it could not read.
    let score = |name: &str, text: &str| {
        let data = dir.path().join(name);
        std::fs::write(&data, text).expect("writes the file");
        let out = clearbox(&[
            "predict",
            "--model",
            model.to_str().expect("utf-8"),
            "--data",
            data.to_str().expect("utf-8"),
            "--out",
            dir.path().join("scored.csv").to_str().expect("utf-8"),
            "--device",
            "cpu",
        ]);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{said}");
        said
    };
    let mut changed = String::from("amount,colour,bought\n");
    for i in 0..20 {
        // Amounts written in words on 5 rows of 20 (a currency sign would
        // be read), a colour renamed on 10.
        let amount = if i % 4 == 0 {
            format!("about {i}")
        } else {
            i.to_string()
        };
        let colour = if i % 2 == 0 { "purple" } else { "red" };
        changed.push_str(&format!("{amount},{colour},1\n"));
    }
    let said = score("changed.csv", &changed);
    assert!(
        said.contains("'amount' holds text where the model reads numbers on 5 of 20 rows (25%), such as 'about 0'")
            && said.contains("'colour' has a label the model saw rarely or never on 10 of 20 rows (50%), such as 'purple'"),
        "{said}"
    );
    let said = score(
        "same.csv",
        "amount,colour,bought\n12,red,1\n150,blue,0\n7,grey,1\n",
    );
    assert!(
        !said.contains("Note:"),
        "a file read as trained gets no note: {said}"
    );
    // Training had no empty amount: empty ones on many rows are worth a note.
    let said = score(
        "empty.csv",
        "amount,colour,bought\n12,red,1\n,blue,0\n,grey,1\n7,red,0\n",
    );
    assert!(
        said.contains("'amount' is empty on 2 of 4 rows (50%)"),
        "{said}"
    );
}
