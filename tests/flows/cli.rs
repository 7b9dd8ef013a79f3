//! The `clearbox` command line, run as a user would.

use std::process::{Command, Output};

use serde_json::Value;

use super::{fixture, sample};

fn clearbox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbox"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn profile_json(args: &[&str]) -> Value {
    let mut all = vec!["profile", "--json"];
    all.extend_from_slice(args);
    let out = clearbox(&all);
    assert!(
        out.status.success(),
        "profile failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn column<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .find(|c| c["name"] == name)
        .expect("column present")
}

fn kinds(column: &Value) -> Vec<String> {
    column["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["kind"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn titanic_leakage_personal_data_and_identifiers_are_flagged() {
    let path = sample("titanic.csv");
    let report = profile_json(&[path.to_str().expect("utf-8 path"), "--target", "Survived"]);
    assert_eq!(report["rows"], 1309);
    for leaky in ["boat", "body"] {
        assert!(
            kinds(column(&report, leaky)).contains(&"leakage".to_owned()),
            "{leaky} should leak"
        );
    }
    for honest in ["Sex", "Pclass", "Age", "Fare"] {
        assert!(
            !kinds(column(&report, honest)).contains(&"leakage".to_owned()),
            "{honest} does not leak"
        );
    }
    let name = kinds(column(&report, "Name"));
    assert!(name.contains(&"personal_data".to_owned()) || name.contains(&"identifier".to_owned()));
    assert_eq!(column(&report, "PassengerId")["role"], "identifier");
    assert!(kinds(column(&report, "PassengerId")).contains(&"identifier".to_owned()));
    let age = column(&report, "Age");
    assert_eq!(age["role"], "number");
    let missing = age["missing_fraction"].as_f64().expect("a number");
    assert!(
        (missing - 263.0 / 1309.0).abs() < 1e-9,
        "Age has 263 missing values, got {missing}"
    );
    for issue in age["issues"].as_array().expect("issues") {
        assert!(["ok", "check", "problem"].contains(&issue["severity"].as_str().unwrap_or("")));
        assert!(!issue["message"].as_str().unwrap_or("").is_empty());
    }
}

#[test]
fn disguised_missing_values_are_flagged_with_fixes_that_replay() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("clients.csv");
    let mut text = String::from("plan,age\n");
    for i in 0..300 {
        let plan = if i % 25 == 0 {
            "?"
        } else if i % 2 == 0 {
            "basic"
        } else {
            "pro"
        };
        let age = if i % 30 == 0 {
            "-1".to_owned()
        } else {
            (20 + i % 50).to_string()
        };
        text.push_str(&format!("{plan},{age}\n"));
    }
    std::fs::write(&data, text).expect("writes");
    let report = profile_json(&[data.to_str().expect("utf-8")]);
    let mut fixes = Vec::new();
    for name in ["plan", "age"] {
        let issue = column(&report, name)["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .find(|i| i["kind"] == "disguised_missing")
            .unwrap_or_else(|| panic!("{name}: disguised missing value flagged"))
            .clone();
        assert_eq!(issue["fix"]["action"], "treat_as_missing");
        fixes.push(format!(
            "(action: \"treat_as_missing\", column: \"{name}\", value: \"{}\")",
            issue["fix"]["value"].as_str().expect("value")
        ));
    }
    assert_eq!(column(&report, "plan")["missing_fraction"], 0.0);
    let recipe = dir.path().join("recipe.ron");
    std::fs::write(
        &recipe,
        format!("(roles: {{}}, fixes: [{}])", fixes.join(", ")),
    )
    .expect("writes");
    let fixed = profile_json(&[
        data.to_str().expect("utf-8"),
        "--recipe",
        recipe.to_str().expect("utf-8"),
    ]);
    assert!(
        (column(&fixed, "plan")["missing_fraction"]
            .as_f64()
            .expect("number")
            - 12.0 / 300.0)
            .abs()
            < 1e-9
    );
    assert!(
        (column(&fixed, "age")["missing_fraction"]
            .as_f64()
            .expect("number")
            - 10.0 / 300.0)
            .abs()
            < 1e-9
    );
    assert!(!kinds(column(&fixed, "age")).contains(&"disguised_missing".to_owned()));
}

#[test]
fn a_recipe_replays_fixes_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recipe = dir.path().join("recipe.ron");
    std::fs::write(
        &recipe,
        r#"(roles: {"Pclass": category}, fixes: [(action: "exclude_column", column: "boat"), (action: "treat_as_missing", column: "Fare", value: "0")])"#,
    )
    .expect("writes");
    let report = profile_json(&[
        "--sample",
        "titanic",
        "--recipe",
        recipe.to_str().expect("utf-8"),
    ]);
    let names: Vec<&str> = report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(!names.contains(&"boat"));
    assert_eq!(column(&report, "Pclass")["role"], "category");
    let fare = column(&report, "Fare")["missing_fraction"]
        .as_f64()
        .expect("number");
    assert!(fare > 10.0 / 1309.0, "zero fares became missing: {fare}");
}

/// `clearbox samples | head -1`: a reader that closes the pipe early ends
/// the command quietly, not with a report of something gone wrong inside.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_pipe_stops_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_clearbox"))
        .arg("samples")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.is_empty(), "nothing to report: {stderr}");
    assert_eq!(
        out.status.signal(),
        Some(13),
        "ended by SIGPIPE: {:?}",
        out.status
    );
}

fn assert_plain_failure(out: &Output, file_name: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{file_name}: exit code 2 expected, stderr: {stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "{file_name}: no panic trace, got {stderr}"
    );
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "{file_name}: one sentence, got {stderr}"
    );
    assert!(
        stderr.contains(file_name),
        "{file_name}: the message names the file: {stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn every_bad_file_gets_exit_code_2_and_one_sentence() {
    let folder = fixture("bad_files");
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).expect("bad_files exists") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        let out = clearbox(&["profile", path.to_str().expect("utf-8")]);
        assert_plain_failure(&out, &name);
        seen += 1;
    }
    assert!(seen >= 6, "all bad files were tried");
    let ragged = clearbox(&[
        "profile",
        fixture("bad_files/ragged_rows.csv")
            .to_str()
            .expect("utf-8"),
    ]);
    let message = String::from_utf8_lossy(&ragged.stderr);
    assert!(
        message.contains("Line 3") && message.contains("1 more line"),
        "{message}"
    );
}

#[test]
fn a_missing_file_and_a_folder_are_explained() {
    let out = clearbox(&["profile", "/nowhere/gone.csv"]);
    assert_plain_failure(&out, "gone.csv");
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not be found"));
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("data.csv");
    std::fs::create_dir(&folder).expect("mkdir");
    assert_plain_failure(
        &clearbox(&["profile", folder.to_str().expect("utf-8")]),
        "data.csv",
    );
}

#[test]
fn an_unreadable_file_is_explained() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("locked.csv");
    std::fs::write(&path, "a,b\n1,2\n").expect("writes");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop us. The wording is covered
        // by the library's `permission_errors_are_worded_for_people`.
        eprintln!("skipped: this user can read any file");
        return;
    }
    let out = clearbox(&["profile", path.to_str().expect("utf-8")]);
    assert_plain_failure(&out, "locked.csv");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not allowed to read"));
}

#[test]
fn unknown_target_and_unknown_sample_are_bad_input() {
    let out = clearbox(&["profile", "--sample", "penguins", "--target", "wingspan"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no column called 'wingspan'"));
    let out = clearbox(&["profile", "--sample", "unicorns"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("penguins"));
}

#[test]
fn a_ten_thousand_column_file_and_a_ten_megabyte_cell_load() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wide = dir.path().join("wide.csv");
    let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..10_000).map(|i| (i % 7).to_string()).collect();
    std::fs::write(
        &wide,
        format!(
            "{}\n{}\n{}\n",
            header.join(","),
            row.join(","),
            row.join(",")
        ),
    )
    .expect("writes");
    let report = profile_json(&[wide.to_str().expect("utf-8")]);
    assert_eq!(report["columns"].as_array().map(Vec::len), Some(10_000));

    let big = dir.path().join("big_cell.csv");
    let cell = "x".repeat(10 * 1024 * 1024);
    std::fs::write(&big, format!("id,note\n1,short\n2,\"{cell}\"\n")).expect("writes");
    let report = profile_json(&[big.to_str().expect("utf-8")]);
    assert_eq!(report["rows"], 2);
}

#[test]
fn devices_lists_and_chooses_the_processor_when_asked() {
    let out = clearbox(&["devices", "--json", "--device", "cpu"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["chosen"]["kind"], "cpu");
    assert!(value["adapters"].is_array());
    let bad = clearbox(&["devices", "--device", "tpu"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn text_output_has_lights_and_sentences() {
    let out = clearbox(&["profile", "--sample", "penguins"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Penguins — 344 rows × 8 columns"),
        "{text}"
    );
    assert!(text.contains("[ check ]") || text.contains("[ good  ]"));
}

#[test]
fn lesson_check_passes_the_bundled_lessons_and_names_the_line_of_a_mistake() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/lessons");
    let out = clearbox(&["lesson", "check", folder.to_str().expect("utf-8")]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(said.matches("is a good lesson").count(), 11, "{said}");
    assert!(
        said.contains("'Spot the leak' is a good lesson with 5 steps"),
        "{said}"
    );

    // A trainer's lesson with a misspelt column, and one with data beside it.
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string(folder.join("spot_the_leak.ron")).expect("reads");
    let bad = dir.path().join("mine.ron");
    std::fs::write(&bad, good.replace("Used(\"boat\")", "Used(\"boats\")")).expect("writes");
    let out = clearbox(&["lesson", "check", bad.to_str().expect("utf-8")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let line = good
        .lines()
        .position(|l| l.contains("Used(\"boat\")"))
        .expect("the line")
        + 1;
    assert!(
        err.contains(&format!("Line {line} of the lesson 'mine.ron'")) && err.contains("'boats'"),
        "{err}"
    );
    let own = dir.path().join("own.ron");
    std::fs::copy(sample("penguins.csv"), dir.path().join("birds.csv")).expect("copies");
    std::fs::write(
        &own,
        "(title: \"Birds\", data: File(\"birds.csv\"), steps: [(instruction: \"Find groups.\", check: GroupsFound(None))])",
    )
    .expect("writes");
    let out = clearbox(&["lesson", "check", own.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_file(dir.path().join("birds.csv")).expect("removes");
    let out = clearbox(&["lesson", "check", own.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("birds.csv"));
}

#[test]
fn lesson_data_writes_a_challenges_broken_table_the_same_every_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str| {
        let path = dir.path().join(name);
        let out = clearbox(&[
            "lesson",
            "data",
            "break_a_hidden_leak",
            "--out",
            path.to_str().expect("utf-8"),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("'Find the hidden leak'"),
            "names the lesson"
        );
        std::fs::read_to_string(&path).expect("the table")
    };
    let first = write("a.csv");
    let header = first.lines().next().expect("a header");
    assert!(
        header.ends_with("collections_flag") && header.contains("credit_risk"),
        "{header}"
    );
    assert_eq!(first.lines().count(), 1001, "German credit's 1 000 rows");
    assert_eq!(first, write("b.csv"), "every laptop gets the same table");
    let unknown = clearbox(&["lesson", "data", "no_such_lesson", "--out", "x.csv"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn bench_prints_one_json_line_with_json_and_indents_without() {
    let penguins = sample("penguins.csv");
    let path = penguins.to_str().expect("utf-8");
    let out = clearbox(&["bench", "open", path, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(line.trim().lines().count(), 1, "{line}");
    let value: Value = serde_json::from_str(line.trim()).expect("JSON");
    assert_eq!(value["rows"], 344);
    let out = clearbox(&["bench", "open", path]);
    let pretty = String::from_utf8_lossy(&out.stdout);
    assert!(pretty.lines().count() > 1, "{pretty}");
    let again: Value = serde_json::from_str(&pretty).expect("the same JSON, indented");
    assert_eq!(again["columns"], value["columns"]);
}

/// The forward pass of an exported network (linear → layer norm → ReLU per
/// hidden layer, then linear and softmax), as the shap peer runs it.
fn exported_forward(network: &Value, row: &[f64]) -> Vec<f64> {
    let numbers = |v: &Value| -> Vec<f64> {
        v.as_array()
            .expect("numbers")
            .iter()
            .map(|x| x.as_f64().expect("a number"))
            .collect()
    };
    let linear = |layer: &Value, x: &[f64]| -> Vec<f64> {
        let (w, b) = (numbers(&layer["weight"]), numbers(&layer["bias"]));
        let outputs = b.len();
        (0..outputs)
            .map(|o| {
                b[o] + x
                    .iter()
                    .enumerate()
                    .map(|(i, v)| v * w[i * outputs + o])
                    .sum::<f64>()
            })
            .collect()
    };
    let eps = network["epsilon"].as_f64().expect("epsilon");
    let mut x = row.to_vec();
    for layer in network["hidden"].as_array().expect("hidden layers") {
        let h = linear(layer, &x);
        let mean = h.iter().sum::<f64>() / h.len() as f64;
        let var = h.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / h.len() as f64;
        let (gamma, beta) = (numbers(&layer["gamma"]), numbers(&layer["beta"]));
        x = h
            .iter()
            .enumerate()
            .map(|(i, v)| ((v - mean) / (var + eps).sqrt() * gamma[i] + beta[i]).max(0.0))
            .collect();
    }
    let logits = linear(&network["output"], &x);
    let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let exp: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = exp.iter().sum();
    exp.iter().map(|e| e / total).collect()
}

#[test]
fn bench_train_times_the_steps_and_names_its_build() {
    let out = clearbox(&[
        "bench", "train", "--device", "cpu", "--json", "--rows", "2048", "--width", "8", "--batch",
        "256", "--passes", "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["rows"], 2048);
    assert_eq!(report["batch"], 256);
    // The first pass is timed apart from the later ones.
    assert_eq!(report["pass_seconds"].as_array().expect("passes").len(), 2);
    for key in [
        "first_step_seconds",
        "second_step_seconds",
        "rows_per_second",
    ] {
        assert!(report[key].as_f64().expect(key) > 0.0, "{key}: {report}");
    }
    // The tests are built with the default features: variant A of
    // benches/gpu/run.sh, which reads this to label its table.
    assert_eq!(report["build"], "A: wgpu, fusion");
}

#[test]
fn bench_explain_writes_work_a_peer_can_rerun() {
    let dir = tempfile::tempdir().expect("temp dir");
    let work = dir.path().join("work.json");
    let out = clearbox(&[
        "bench",
        "explain",
        "--device",
        "cpu",
        "--json",
        "--rows",
        "3",
        "--columns",
        "4",
        "--background",
        "10",
        "--coalitions",
        "16",
        "--write",
        work.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["exact"], true, "16 coalitions cover 4 columns");
    assert!(report["drivers_seconds"].as_f64().expect("timed") > 0.0);
    let work: Value =
        serde_json::from_str(&std::fs::read_to_string(&work).expect("written")).expect("JSON");
    let width = work["width"].as_u64().expect("width") as usize;
    let spans: Vec<(usize, usize)> = work["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .map(|s| {
            (
                s[0].as_u64().expect("start") as usize,
                s[1].as_u64().expect("end") as usize,
            )
        })
        .collect();
    assert_eq!(spans.len(), 4);
    assert!(spans.windows(2).all(|p| p[0].1 == p[1].0), "{spans:?}");
    assert_eq!((spans[0].0, spans[3].1), (0, width));
    assert_eq!(
        work["network"]["hidden"].as_array().expect("layers").len(),
        2,
        "the deep model"
    );
    let rows: Vec<f64> = work["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect();
    let class = work["class"].as_u64().expect("class") as usize;
    for (i, row) in rows.chunks(width).enumerate() {
        // The exported weights are the function Clearbox explained…
        let prediction = work["predictions"][i].as_f64().expect("prediction");
        let peer = exported_forward(&work["network"], row)[class];
        assert!(
            (peer - prediction).abs() < 1e-4,
            "row {i}: {peer} against {prediction}"
        );
        // …and its values add up to the prediction.
        let total: f64 = work["values"][i]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| v.as_f64().expect("a value"))
            .sum();
        let base = work["base_values"][i].as_f64().expect("base");
        assert!((base + total - prediction).abs() < 1e-4, "row {i}");
    }
}

#[test]
fn bench_explain_on_a_users_table_runs_only_the_distinct_masked_rows() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/penguins.csv");
    let file = file.to_str().expect("utf-8");
    let on_penguins = |rest: &[&str]| {
        let mut args = vec!["bench", "explain", "--device", "cpu", "--data", file];
        args.extend_from_slice(rest);
        clearbox(&args)
    };
    let fails_saying = |out: &Output, words: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
    };
    let out = on_penguins(&[
        "--json",
        "--target",
        "species",
        "--rows",
        "3",
        "--background",
        "20",
        "--coalitions",
        "128",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["columns"], 7, "penguins' inputs: {report}");
    assert_eq!(report["exact"], true, "128 coalitions cover 7 columns");
    // Penguins share an island or a sex with many background rows.
    let share = report["evaluated_share"].as_f64().expect("a share");
    assert!(share > 0.0 && share < 0.9, "{share}");
    // The ceiling benches/side_by_side.sh prints beside shap's rate.
    let alone = report["network_alone_rows_per_second"]
        .as_f64()
        .expect("the network alone's rate");
    assert!(alone.is_finite() && alone > 0.0, "{report}");
    // Too many rows for the table is a plain error, not a panic.
    let out = on_penguins(&["--target", "species", "--rows", "100000"]);
    fails_saying(&out, "Ask for fewer with --rows");
    // shap's work file holds a probability: an amount target says so.
    let work = tempfile::tempdir().expect("temp dir");
    let written = work.path().join("work.json");
    let out = on_penguins(&[
        "--target",
        "body_mass_g",
        "--rows",
        "2",
        "--background",
        "5",
        "--coalitions",
        "16",
        "--write",
        written.to_str().expect("utf-8"),
    ]);
    fails_saying(&out, "give --target a yes/no or category column");
    assert!(!written.exists());
}

#[test]
fn bench_kmeans_measures_the_groups_over_several_starts() {
    let out = clearbox(&[
        "bench", "kmeans", "--device", "cpu", "--json", "--rows", "4000", "--width", "4", "--k",
        "3", "--runs", "1", "--starts", "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["starts"], 5);
    let found = report["starts_finding_every_group"]
        .as_u64()
        .expect("a count");
    let (mean, worst) = (
        report["adjusted_rand_index"].as_f64().expect("a mean"),
        report["worst_adjusted_rand_index"]
            .as_f64()
            .expect("the worst"),
    );
    assert!(
        found <= 5 && worst <= mean + 1e-12 && mean <= 1.0,
        "{report}"
    );
    // Three blobs in four numbers: most starts find all three.
    assert!(found >= 3 && mean > 0.8, "{report}");
}
