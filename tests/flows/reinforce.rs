//! The reinforcement template from the command line: learn a policy from a
//! simulated shop's log and from the Open Bandit log, read its honest
//! estimate, recommend actions for new rows, judge a saved policy on another
//! log, and refuse bad input with one sentence.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

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

fn text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

fn simulate(dir: &Path, name: &str, old: &str, rows: usize, seed: u64) -> std::path::PathBuf {
    let path = dir.join(name);
    let out = clearbox(&[
        "simulate",
        "--rows",
        &rows.to_string(),
        "--old-policy",
        old,
        "--seed",
        &seed.to_string(),
        "--out",
        text(&path),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn estimate(value: &Value) -> (f64, f64, f64) {
    let get = |k: &str| {
        value[k]
            .as_f64()
            .unwrap_or_else(|| panic!("{k} in {value}"))
    };
    (get("estimate"), get("low"), get("high"))
}

#[test]
fn a_policy_learned_from_a_targeted_log_beats_what_was_done_and_recommends_actions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = simulate(dir.path(), "shop.csv", "targeted", 8_000, 7);
    let policy = dir.path().join("policy");
    let report = json_of(&clearbox(&[
        "train",
        "--template",
        "reinforcement",
        "--data",
        text(&log),
        "--action",
        "offer",
        "--reward",
        "clicked",
        "--propensity",
        "propensity",
        "--time-column",
        "day",
        "--device",
        "cpu",
        "--out",
        text(&policy),
        "--json",
    ]));
    assert_eq!(report["actions"].as_array().map(Vec::len), Some(5));
    assert_eq!(report["propensity"], "given");
    let values = &report["policy_value"];
    let (learned, low, high) = estimate(&values["learned"]);
    let (logged, ..) = estimate(&values["logged"]);
    assert!(low <= learned && learned <= high);
    for key in ["random", "best_single_action"] {
        let (e, l, h) = estimate(&values[key]);
        assert!(l <= e && e <= h, "{key}: {e} in [{l}, {h}]");
    }
    assert!(values["best_single_action"]["action"].is_string());
    for key in [
        "effective_sample_size",
        "match_rate",
        "mean_weight",
        "max_weight",
    ] {
        assert!(report["diagnostics"][key].is_f64(), "{key}");
    }
    assert_eq!(
        report["comparison"], "better",
        "the shop's best offers differ by customer: learned {learned} against what was done {logged}"
    );
    assert!(
        report["headline"]
            .as_str()
            .is_some_and(|h| h.contains("of every 100"))
    );
    assert_eq!(report["model_dir"], text(&policy));
    assert!(policy.join("artefact.json").is_file());

    // New rows get a recommended action, each action's expected reward, and
    // the deployed policy's chances (it explores 5% by default).
    let scored = dir.path().join("scored.csv");
    let out = clearbox(&[
        "predict",
        "--model",
        text(&policy),
        "--data",
        text(&log),
        "--out",
        text(&scored),
        "--device",
        "cpu",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&scored).expect("written");
    let header = written.lines().next().expect("a header");
    for column in [
        "recommended_action",
        "expected_reward_gift",
        "probability_gift",
        "probability_ten percent off",
    ] {
        assert!(header.contains(column), "{column} in {header}");
    }

    // "How would my policy have done last month?": another log, judged.
    let other = simulate(dir.path(), "later.csv", "targeted", 4_000, 8);
    let judged = json_of(&clearbox(&[
        "evaluate",
        "--model",
        text(&policy),
        "--data",
        text(&other),
        "--device",
        "cpu",
        "--json",
    ]));
    assert_eq!(judged["propensity"], "given");
    let (logged_then, ..) = estimate(&judged["policy_value"]["logged"]);
    let clicks: f64 = std::fs::read_to_string(&other)
        .expect("reads")
        .lines()
        .skip(1)
        .map(|l| {
            l.rsplit(',')
                .next()
                .unwrap_or("0")
                .parse::<f64>()
                .unwrap_or(0.0)
        })
        .sum();
    assert!(
        (logged_then - clicks / 4_000.0).abs() < 1e-9,
        "what was done is the log's own rate"
    );
    assert!(matches!(
        judged["comparison"].as_str(),
        Some("better" | "cannot_tell" | "worse")
    ));
}

#[test]
fn without_propensities_the_chances_are_estimated_and_said_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = simulate(dir.path(), "shop.csv", "targeted", 4_000, 3);
    let report = json_of(&clearbox(&[
        "train",
        "--template",
        "reinforcement",
        "--data",
        text(&log),
        "--exclude",
        "propensity",
        "--device",
        "cpu",
        "--out",
        text(&dir.path().join("policy")),
        "--json",
    ]));
    assert_eq!(report["propensity"], "estimated");
    assert_eq!(
        report["roles"]["action"], "offer",
        "the action column is guessed"
    );
    assert_eq!(
        report["roles"]["reward"], "clicked",
        "the reward column is guessed"
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("estimated the old system's chances")),
        "{notes:?}"
    );
}

#[test]
fn a_log_that_hardly_explored_gets_no_verdict_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = simulate(dir.path(), "fixed.csv", "nearly-fixed", 4_000, 5);
    let report = json_of(&clearbox(&[
        "train",
        "--template",
        "reinforcement",
        "--data",
        text(&log),
        "--propensity",
        "propensity",
        "--device",
        "cpu",
        "--out",
        text(&dir.path().join("policy")),
        "--json",
    ]));
    assert_eq!(report["comparison"], "cannot_tell");
    assert!(
        report["verdict"]
            .as_str()
            .is_some_and(|v| v.starts_with("No honest estimate")),
        "{}",
        report["verdict"]
    );
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .any(|f| f["sentence"]
                .as_str()
                .is_some_and(|s| s.contains("almost never tried")))
    );
}

#[test]
fn the_open_bandit_random_log_gives_an_honest_estimate() {
    let log = super::shared("reinforcement/obd_random_all.csv");
    let dir = tempfile::tempdir().expect("temp dir");
    let report = json_of(&clearbox(&[
        "train",
        "--template",
        "reinforcement",
        "--data",
        text(&log),
        "--action",
        "item_id",
        "--reward",
        "click",
        "--propensity",
        "propensity_score",
        "--time-column",
        "timestamp",
        "--device",
        "cpu",
        "--out",
        text(&dir.path().join("policy")),
        "--json",
    ]));
    assert_eq!(report["actions"].as_array().map(Vec::len), Some(80));
    let values = &report["policy_value"];
    let (logged, ..) = estimate(&values["logged"]);
    let decisions = report["decisions"].as_f64().expect("decisions");
    let successes = report["successes"].as_f64().expect("successes");
    assert!(
        (logged - successes / decisions).abs() < 1e-9,
        "what was done is the held-out click rate"
    );
    assert!(logged > 0.0 && logged < 0.01, "about 0.4% clicks: {logged}");
    let mean_weight = report["diagnostics"]["mean_weight"]
        .as_f64()
        .expect("weight");
    assert!(
        (mean_weight - 1.0).abs() < 0.2,
        "uniform logging: weights average about 1, got {mean_weight}"
    );
    let (_, low, _) = estimate(&values["learned"]);
    let verdict = report["comparison"].as_str().expect("a verdict");
    assert!(
        verdict != "better" || low > logged,
        "'better' only when the interval supports it"
    );
    assert!(report["notes"].as_array().expect("notes").iter().any(|n| {
        n.as_str()
            .is_some_and(|s| s.contains("number of successes"))
    }));
}

#[test]
fn bad_logs_and_folders_exit_2_with_one_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = simulate(dir.path(), "shop.csv", "uniform", 600, 1);
    let content = std::fs::read_to_string(&log).expect("reads");
    let bad_chances = dir.path().join("bad_chances.csv");
    std::fs::write(&bad_chances, content.replacen(",0.2,", ",1.5,", 1)).expect("writes");
    let one_offer = dir.path().join("one_offer.csv");
    let mut single = String::new();
    for (i, line) in content.lines().enumerate() {
        if i == 0 || line.contains(",gift,") {
            single.push_str(line);
            single.push('\n');
        }
    }
    std::fs::write(&one_offer, single).expect("writes");
    let model = dir.path().join("groups");
    let out = clearbox(&[
        "train",
        "--template",
        "segmentation",
        "--data",
        text(&log),
        "--k",
        "2",
        "--device",
        "cpu",
        "--out",
        text(&model),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out_dir = dir.path().join("p");
    let train = |data: &Path, extra: &[&str]| {
        let mut args = vec!["train", "--template", "reinforcement", "--data", text(data)];
        args.extend_from_slice(extra);
        args.extend(["--device", "cpu", "--out", text(&out_dir)]);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            train(&log, &["--action", "nope"]),
            "no column called 'nope'",
        ),
        (
            train(&one_offer, &["--action", "offer"]),
            "holds only one action",
        ),
        (
            train(&log, &["--action", "offer", "--reward", "region"]),
            "neither yes/no nor a number",
        ),
        (
            train(&bad_chances, &["--propensity", "propensity"]),
            "has a propensity of 1.5",
        ),
        (
            train(&log, &["--exploration", "0.9"]),
            "exploration share of 0.9",
        ),
        (
            vec![
                "evaluate".into(),
                "--model".into(),
                text(&model).into(),
                "--data".into(),
                text(&log).into(),
                "--device".into(),
                "cpu".into(),
            ],
            "holds saved groups, not a policy",
        ),
    ];
    for (args, expected) in cases {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = clearbox(&refs);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    }
}

mod wizard {
    use egui_kittest::kittest::Queryable;

    use super::super::gui::{harness, report_ready, step_until};
    use super::super::ui::commands::PolicyCommand;
    use super::super::ui::state::{DeviceStatus, Page, PolicyStep};

    #[test]
    fn the_bandit_sample_goes_from_roles_to_an_honest_result() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut harness = harness(&dir.path().join("settings.ron"));
        step_until(&mut harness, "the device check", |app| {
            !matches!(app.state.device, DeviceStatus::Checking)
        });
        // A log of decisions leads straight to the reinforcement wizard.
        harness.get_by_label("Fashion recommendations").click();
        step_until(&mut harness, "the bandit report", report_ready);
        step_until(&mut harness, "the roles guessed", |app| {
            app.state.policy.check.is_some() && !app.state.policy.inputs.is_empty()
        });
        assert_eq!(harness.state().state.page, Page::Policy);
        let roles = harness.state().state.policy.roles.clone();
        assert_eq!(roles.action.as_deref(), Some("item_id"));
        assert_eq!(roles.reward.as_deref(), Some("click"));
        assert_eq!(roles.propensity.as_deref(), Some("propensity_score"));
        harness.get_by_label_contains("decisions among 80 actions");
        harness.get_by_label("Next").click();
        harness.run_steps(2);
        harness.get_by_label_contains("left out: the action taken");
        harness.get_by_label_contains("left out: the reward");
        harness.get_by_label("Learn the policy").click();
        step_until(&mut harness, "the results", |app| {
            app.state.policy.step == Some(PolicyStep::Results) || app.state.banner.is_some()
        });
        assert!(
            harness.state().state.banner.is_none(),
            "{:?}",
            harness.state().state.banner
        );
        harness.get_by_label_contains("If you had used this policy on the");
        harness.get_by_label_contains("Verdict:");
        harness.get_by_label("What was done");
        harness.get_by_label("Save the policy…");
        let outcome = harness
            .state()
            .state
            .policy
            .outcome
            .clone()
            .expect("a policy");
        let e = &outcome.card.evaluation;
        assert!(
            e.comparison != clearbox::templates::reinforcement::evaluate::Comparison::Better
                || e.learned.doubly_robust.low > e.logged.estimate,
            "'better' only with an interval that supports it"
        );
        super::super::gui::review_image(&mut harness, "policy_results");
    }

    #[test]
    fn the_simulator_shows_estimates_beside_the_truth_and_explains_a_choice() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut harness = harness(&dir.path().join("settings.ron"));
        step_until(&mut harness, "the device check", |app| {
            !matches!(app.state.device, DeviceStatus::Checking)
        });
        harness.get_by_label("Workshop simulator");
        harness
            .state_mut()
            .send(PolicyCommand::SetSimulatedRows(6_000).into());
        // The simulator sits below the fold of the test window: pressed as
        // keyboard and screen-reader users press it.
        harness.get_by_label("Generate a log").click_accesskit();
        step_until(&mut harness, "the simulated log", report_ready);
        assert!(
            harness
                .state()
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.truth.is_some())
        );
        harness.get_by_label("Choose the best action…").click();
        step_until(&mut harness, "the roles guessed", |app| {
            app.state
                .policy
                .check
                .as_ref()
                .is_some_and(|c| c.problem.is_none())
        });
        harness.get_by_label("Next").click();
        harness.run_steps(2);
        harness.get_by_label("Learn the policy").click();
        step_until(&mut harness, "the results", |app| {
            app.state.policy.step == Some(PolicyStep::Results)
        });
        harness.get_by_label("true value (simulator)");
        harness.get_by_label_contains("In the simulator the truth is known");
        let truth = harness.state().state.policy.truth.expect("true values");
        assert!(truth.learned > truth.best_single, "{truth:?}");
        // Why this action: the explanation page for the policy.
        harness.get_by_label("Why this action?…").click();
        step_until(&mut harness, "a row explained", |app| {
            app.state.explain.row_explanation.is_some()
                && app.state.explain.drivers_progress.is_none()
        });
        harness.get_by_label("Why the policy recommends what it does");
        harness.get_by_label("What sways the choice");
        harness.get_by_label_contains("Expected clicked of '");
    }
}
