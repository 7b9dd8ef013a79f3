//! Damaged, foreign and mismatched model folders, tried with every verb
//! that opens one (`predict`, `explain`, `drift`): each gives exit code 2
//! and one sentence naming the folder and what is wrong, never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::Progress;
use clearbox::templates::prediction::{PredictionRequest, train_prediction};
use clearbox::templates::segmentation::{SegmentationRequest, train_segmentation};

use super::sample;

fn clearbox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbox"))
        .args(args)
        .env(
            "CLEARBOX_LOG",
            std::env::temp_dir().join("clearbox-test.log"),
        )
        .output()
        .expect("the binary runs")
}

/// Models trained once for every case: a yes/no model of credit risk (and
/// its twin), a several-class model of the penguins, and groups of them.
struct Trained {
    _dir: tempfile::TempDir,
    binary: PathBuf,
    /// The same model trained with another seed: same shapes, other weights.
    twin: PathBuf,
    classes: PathBuf,
    groups: PathBuf,
}

fn trained() -> &'static Trained {
    static TRAINED: OnceLock<Trained> = OnceLock::new();
    TRAINED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let device = select_device(DevicePreference::Cpu).expect("cpu");
        let read =
            |name: &str| load(&DataSource::File(sample(name)), &Progress::silent()).expect("loads");
        let (credit, penguins) = (read("german_credit.csv"), read("penguins.csv"));
        let train = |table: &clearbox::data::Table, target: &str, seed: u64, folder: &str| {
            let request = PredictionRequest {
                target: target.into(),
                exclude: Vec::new(),
                include: Vec::new(),
                seed,
                split: Default::default(),
            };
            let outcome = train_prediction(table, &request, &device, &Progress::silent(), &|_| {})
                .expect("trains");
            let path = dir.path().join(folder);
            outcome.save(&path).expect("saves");
            path
        };
        let binary = train(&credit, "credit_risk", 1, "binary");
        let twin = train(&credit, "credit_risk", 2, "twin");
        let classes = train(&penguins, "species", 1, "classes");
        let request = SegmentationRequest {
            exclude: vec!["species".into()],
            include: Vec::new(),
            predicted: None,
            k: Some(3),
            seed: 1,
            representation: Default::default(),
        };
        let outcome = train_segmentation(&penguins, &request, &device, &Progress::silent())
            .expect("finds groups");
        let groups = dir.path().join("groups");
        outcome.save(&groups).expect("saves");
        Trained {
            _dir: dir,
            binary,
            twin,
            classes,
            groups,
        }
    })
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creates");
    for entry in std::fs::read_dir(from).expect("lists") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copies");
    }
}

/// Writes the record again with the files' current sizes and hashes, as a
/// careful hand-editor would: the folder then passes the record check and
/// the card's own consistency is what is tested.
fn reseal(dir: &Path) {
    let path = dir.join("artefact.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("reads")).expect("json");
    for entry in record["files"].as_array_mut().expect("files") {
        let name = entry["name"].as_str().expect("name").to_owned();
        let bytes = std::fs::read(dir.join(&name)).expect("reads");
        entry["bytes"] = serde_json::json!(bytes.len());
        entry["blake3"] = serde_json::json!(blake3::hash(&bytes).to_hex().to_string());
    }
    std::fs::write(&path, serde_json::to_string_pretty(&record).expect("json")).expect("writes");
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("reads");
    assert!(text.contains(from), "'{from}' in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("writes");
}

fn cut_in_half(path: &Path) {
    let bytes = std::fs::read(path).expect("reads");
    std::fs::write(path, &bytes[..bytes.len() / 2]).expect("writes");
}

/// One damaged folder and the words its sentence must hold.
struct Case {
    name: &'static str,
    expected: &'static str,
    make: fn(&Trained, &Path),
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "missing card",
            expected: "'card.ron' is missing",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::remove_file(d.join("card.ron")).expect("removes");
            },
        },
        Case {
            name: "truncated card",
            expected: "'card.ron' has",
            make: |t, d| {
                copy_folder(&t.binary, d);
                cut_in_half(&d.join("card.ron"));
            },
        },
        Case {
            name: "card from another version",
            expected: "Clearbox 9.1.0 in a layout this version",
            make: |t, d| {
                copy_folder(&t.binary, d);
                edit(&d.join("artefact.json"), "\"format\": 3", "\"format\": 7");
                let version = env!("CARGO_PKG_VERSION");
                edit(
                    &d.join("artefact.json"),
                    &format!("\"clearbox_version\": \"{version}\""),
                    "\"clearbox_version\": \"9.1.0\"",
                );
            },
        },
        Case {
            name: "missing weights",
            expected: "'deep.bpk' is missing",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::remove_file(d.join("deep.bpk")).expect("removes");
            },
        },
        Case {
            name: "truncated weights",
            expected: "'deep.bpk' has",
            make: |t, d| {
                copy_folder(&t.binary, d);
                cut_in_half(&d.join("deep.bpk"));
            },
        },
        Case {
            name: "weights of a twin model (same shapes)",
            expected: "'deep.bpk' is not the one that was saved with it",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::copy(t.twin.join("deep.bpk"), d.join("deep.bpk")).expect("copies");
            },
        },
        Case {
            name: "weights of another kind of model",
            expected: "'deep.bpk' has",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::copy(t.classes.join("deep.bpk"), d.join("deep.bpk")).expect("copies");
            },
        },
        Case {
            name: "weights of another model, record rewritten to match",
            expected: "do not fit its card",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::copy(t.classes.join("deep.bpk"), d.join("deep.bpk")).expect("copies");
                std::fs::copy(t.classes.join("simple.bpk"), d.join("simple.bpk")).expect("copies");
                reseal(d);
            },
        },
        Case {
            name: "class list longer than the outputs",
            expected: "but lists 3 classes",
            make: |t, d| {
                copy_folder(&t.binary, d);
                edit(&d.join("card.ron"), "classes: [", "classes: [\"unknown\", ");
                reseal(d);
            },
        },
        Case {
            name: "several-class card with a class missing",
            expected: "gives 3 outputs but 'species' needs 2",
            make: |t, d| {
                copy_folder(&t.classes, d);
                edit(&d.join("card.ron"), "task: multiclass", "task: binary");
                let card = std::fs::read_to_string(d.join("card.ron")).expect("reads");
                let start = card.find("classes: [").expect("classes");
                let end = start + card[start..].find(']').expect("end");
                let kept: Vec<&str> = card[start + 10..end].split(',').take(2).collect();
                let fixed = format!(
                    "{}classes: [{}]{}",
                    &card[..start],
                    kept.join(","),
                    &card[end + 1..]
                );
                std::fs::write(d.join("card.ron"), fixed).expect("writes");
                reseal(d);
            },
        },
        Case {
            name: "yes/no card relabelled as amounts",
            expected: "is an amount but holds no usable scale",
            make: |t, d| {
                copy_folder(&t.binary, d);
                edit(&d.join("card.ron"), "task: binary", "task: regression");
                reseal(d);
            },
        },
        Case {
            name: "card that is not a card",
            expected: "'card.ron' cannot be read",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::write(d.join("card.ron"), "(this is not: a model").expect("writes");
                reseal(d);
            },
        },
        Case {
            name: "background rows cut mid-row",
            expected: "does not hold whole rows",
            make: |t, d| {
                copy_folder(&t.binary, d);
                let path = d.join("background.bin");
                let mut bytes = std::fs::read(&path).expect("reads");
                bytes.truncate(bytes.len() - 4);
                std::fs::write(&path, bytes).expect("writes");
                reseal(d);
            },
        },
        Case {
            name: "groups whose centres disagree with their number",
            expected: "says 3 groups but holds 2 centres",
            make: |t, d| {
                copy_folder(&t.groups, d);
                let card = std::fs::read_to_string(d.join("card.ron")).expect("reads");
                let start = card.find("centroids: [").expect("centroids") + 12;
                // Drop the first centre: everything up to the first "]," inside the list.
                let first_end = start + card[start..].find("],").expect("a centre") + 2;
                let fixed = format!("{}{}", &card[..start], &card[first_end..]);
                std::fs::write(d.join("card.ron"), fixed).expect("writes");
                reseal(d);
            },
        },
        Case {
            name: "missing record",
            expected: "holds no artefact.json",
            make: |t, d| {
                copy_folder(&t.binary, d);
                std::fs::remove_file(d.join("artefact.json")).expect("removes");
            },
        },
        Case {
            name: "truncated record",
            expected: "damaged or cut short",
            make: |t, d| {
                copy_folder(&t.binary, d);
                cut_in_half(&d.join("artefact.json"));
            },
        },
        Case {
            name: "folder of an earlier version",
            expected: "earlier version of Clearbox",
            make: |_, d| {
                std::fs::create_dir_all(d).expect("creates");
                std::fs::write(d.join("model.ron"), "(clearbox_version: \"0.0.9\")")
                    .expect("writes");
            },
        },
        Case {
            name: "kept trees that split on inputs the card lacks",
            expected: "its tree model 'trees.json' does not fit its card",
            make: |t, d| {
                copy_folder(&t.binary, d);
                let card = d.join("card.ron");
                let text = std::fs::read_to_string(&card).expect("reads");
                let kept = regex::Regex::new(r"chosen: *[a-z]+").expect("pattern");
                std::fs::write(&card, kept.replace(&text, "chosen: trees").as_ref())
                    .expect("writes");
                let trees = d.join("trees.json");
                let text = std::fs::read_to_string(&trees).expect("a yes/no model has trees");
                let split = regex::Regex::new(r#""split_feature":\d+"#).expect("pattern");
                std::fs::write(
                    &trees,
                    split.replace_all(&text, r#""split_feature":999"#).as_ref(),
                )
                .expect("writes");
                reseal(d);
            },
        },
        Case {
            name: "empty folder",
            expected: "the folder is empty",
            make: |_, d| std::fs::create_dir_all(d).expect("creates"),
        },
        Case {
            name: "a file where a folder is expected",
            expected: "it is a file, not a folder",
            make: |_, d| {
                std::fs::copy(sample("penguins.csv"), d).expect("copies");
            },
        },
    ]
}

#[test]
fn every_damaged_folder_is_one_sentence_and_exit_code_2_for_every_verb() {
    let trained = trained();
    let dir = tempfile::tempdir().expect("temp dir");
    let data = sample("penguins.csv");
    let data = data.to_str().expect("utf-8");
    let out = dir.path().join("scored.csv");
    let out = out.to_str().expect("utf-8");
    let cases = cases();
    assert!(
        cases.len() >= 13,
        "the issue names thirteen kinds of damage"
    );
    for (i, case) in cases.iter().enumerate() {
        let folder = dir.path().join(format!("case{i:02}"));
        (case.make)(trained, &folder);
        let model = folder.to_str().expect("utf-8");
        let verbs: [Vec<&str>; 3] = [
            vec!["predict", "--model", model, "--data", data, "--out", out],
            vec!["explain", "--model", model, "--data", data, "--rows", "1"],
            vec![
                "drift",
                "--reference",
                data,
                "--current",
                data,
                "--model",
                model,
            ],
        ];
        for mut args in verbs {
            args.extend(["--device", "cpu"]);
            let result = clearbox(&args);
            let stderr = String::from_utf8_lossy(&result.stderr);
            let what = format!("{} with `{}`", case.name, args[0]);
            assert_eq!(result.status.code(), Some(2), "{what}: {stderr}");
            assert!(
                stderr.contains(&format!("'case{i:02}' cannot be used: ")),
                "{what} names the folder: {stderr}"
            );
            assert!(stderr.contains(case.expected), "{what}: {stderr}");
            assert_eq!(
                stderr.trim().lines().count(),
                1,
                "{what}: one sentence: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        }
    }
    // The undamaged folders still work, so the cases above are the damage.
    let credit = sample("german_credit.csv");
    for (good, data) in [
        (&trained.binary, credit.to_str().expect("utf-8")),
        (&trained.groups, data),
    ] {
        let result = clearbox(&[
            "predict",
            "--model",
            good.to_str().expect("utf-8"),
            "--data",
            data,
            "--out",
            out,
            "--device",
            "cpu",
        ]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
}

#[test]
fn a_folder_saved_before_trees_could_be_kept_still_opens() {
    let trained = trained();
    let dir = tempfile::tempdir().expect("temp dir");
    let old = dir.path().join("old");
    copy_folder(&trained.binary, &old);
    // As an older version wrote it: no trees.json, and test.bin ends after
    // its fourth block (the trees' probabilities are the fifth).
    std::fs::remove_file(old.join("trees.json")).expect("a yes/no model has trees");
    let record_path = old.join("artefact.json");
    let mut record: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&record_path).expect("reads")).expect("json");
    record["files"]
        .as_array_mut()
        .expect("files")
        .retain(|f| f["name"] != "trees.json");
    std::fs::write(&record_path, record.to_string()).expect("writes");
    let test = std::fs::read(old.join("test.bin")).expect("reads");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let opened = |dir: &Path| {
        clearbox::templates::prediction::PredictionOutcome::from_folder(
            &clearbox::templates::artefact::Folder::open(dir).expect("opens"),
            &device.device,
        )
    };
    let new = opened(&trained.binary).expect("the new folder opens");
    let trees = new.test_predictions.trees.len();
    assert!(
        trees > 0,
        "the new folder keeps the trees' test predictions"
    );
    std::fs::write(old.join("test.bin"), &test[..test.len() - 8 - 8 * trees]).expect("writes");
    reseal(&old);
    let reopened = opened(&old).expect("the old folder opens");
    assert!(reopened.trees.is_none());
    assert!(reopened.test_predictions.trees.is_empty());
    assert_eq!(reopened.test_predictions.deep, new.test_predictions.deep);
    assert_eq!(reopened.card.chosen, new.card.chosen);
    let result = clearbox(&[
        "predict",
        "--model",
        old.to_str().expect("utf-8"),
        "--data",
        sample("german_credit.csv").to_str().expect("utf-8"),
        "--out",
        dir.path().join("scored.csv").to_str().expect("utf-8"),
        "--device",
        "cpu",
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}
