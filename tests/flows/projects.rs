//! Project files from the command line: runs recorded with their data,
//! settings and figures, reruns that repeat them exactly, an audit trail
//! that catches an edited record or event, a self-contained report, one
//! process at a time, versions refused or migrated, and `kill -9` at any
//! moment leaving a project that opens and passes its checks.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
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
    serde_json::from_slice(&out.stdout).expect("one JSON value")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The command was refused as bad input (exit 2) with a sentence holding `said`.
fn refused(out: &Output, said: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(stderr(out).contains(said), "{}", stderr(out));
}

/// Trains the Titanic sample into `project`; returns `train --json`'s answer.
fn train_titanic(project: &Path, dir: &Path, seed: u64) -> Value {
    let out = dir.join(format!("titanic_{seed}"));
    json_of(&clearbox(&[
        "train",
        "--template",
        "prediction",
        "--sample",
        "titanic",
        "--target",
        "Survived",
        "--seed",
        &seed.to_string(),
        "--out",
        text(&out),
        "--project",
        text(project),
        "--json",
        "--device",
        "cpu",
    ]))
}

/// `rerun --json` of run `run` in `project`, on the processor.
fn rerun(project: &Path, run: u32) -> Value {
    json_of(&clearbox(&[
        "rerun",
        "--project",
        text(project),
        "--run",
        &run.to_string(),
        "--json",
        "--device",
        "cpu",
    ]))
}

fn runs(project: &Path) -> Vec<Value> {
    json_of(&clearbox(&["runs", "--project", text(project), "--json"]))
        .as_array()
        .cloned()
        .expect("a list of runs")
}

/// A recipe saved from the app's Data page changes what `train` learns on
/// the command line too, and the project keeps it, so a rerun repeats it.
#[test]
fn train_replays_a_recipe_and_its_project_keeps_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let recipe = dir.path().join("recipe.ron");
    std::fs::write(
        &recipe,
        r#"(roles: {"Pclass": category}, fixes: [(action: "exclude_column", column: "boat")])"#,
    )
    .expect("writes");
    let train = |extra: &[&str], out: &str| {
        let out = dir.path().join(out);
        let mut args = vec![
            "train",
            "--template",
            "prediction",
            "--sample",
            "titanic",
            "--target",
            "Pclass",
            "--out",
            text(&out),
            "--json",
            "--device",
            "cpu",
        ];
        args.extend_from_slice(extra);
        json_of(&clearbox(&args))
    };
    let named = |value: &Value, list: &str, name: &str| {
        value[list].as_array().is_some_and(|items| {
            items
                .iter()
                .any(|i| i == name || i["column"] == name || i["name"] == name)
        })
    };
    // As read, the ticket class 1, 2 or 3 is a number.
    let plain = train(&[], "plain");
    assert_eq!(plain["task"], "regression", "{plain}");
    assert!(
        plain["target_hint"]
            .as_str()
            .is_some_and(|h| h.contains("1, 2 and 3") && h.contains("Category role")),
        "the codes are pointed out: {plain}"
    );
    assert!(
        named(&plain, "inputs", "boat") || named(&plain, "left_out", "boat"),
        "{plain}"
    );
    let project = dir.path().join("recipe.clearbox");
    let fixed = train(
        &["--recipe", text(&recipe), "--project", text(&project)],
        "fixed",
    );
    assert_eq!(fixed["task"], "multiclass", "{fixed}");
    assert_eq!(fixed["target_hint"], Value::Null, "{fixed}");
    assert_eq!(fixed["classes"], serde_json::json!(["1", "2", "3"]));
    assert!(
        !named(&fixed, "inputs", "boat") && !named(&fixed, "left_out", "boat"),
        "the recipe left 'boat' out of the table: {fixed}"
    );
    let again = rerun(&project, 1);
    assert_eq!(again["matches"], true, "the rerun used the recipe: {again}");
}

#[test]
fn runs_are_recorded_and_rerun_exactly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("study.clearbox");
    let trained = train_titanic(&project, dir.path(), 7);
    assert_eq!(trained["run"], 1, "{trained}");
    let listed = runs(&project);
    assert_eq!(listed.len(), 1);
    let run = &listed[0];
    assert_eq!(run["id"], 1);
    assert_eq!(run["template"], "prediction");
    assert_eq!(run["seed"], 7);
    assert_eq!(run["device"], "CPU");
    assert_eq!(run["status"], "finished");
    assert_eq!(run["data"]["path"], "sample:titanic");
    assert_eq!(run["data"]["fingerprint"].as_str().map(str::len), Some(16));
    assert!(
        run["data"]["rows"].as_u64().is_some_and(|r| r > 800),
        "{run}"
    );
    assert_eq!(run["settings"]["target"], "Survived");
    assert_eq!(run["metrics"]["test"], trained["metrics"]["test"], "{run}");
    assert!(run["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(
        run["headline"]
            .as_str()
            .is_some_and(|h| h.contains("simple model"))
    );

    let again = rerun(&project, 1);
    assert_eq!(again["matches"], true, "{again}");
    assert_eq!(again["run"], 2);
    let listed = runs(&project);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["rerun_of"], 1);
    assert_eq!(listed[1]["metrics"], listed[0]["metrics"]);

    // Segmentation is recorded and repeats too.
    let groups = json_of(&clearbox(&[
        "train",
        "--template",
        "segmentation",
        "--sample",
        "penguins",
        "--out",
        text(&dir.path().join("groups")),
        "--project",
        text(&project),
        "--json",
        "--device",
        "cpu",
    ]));
    assert_eq!(groups["run"], 3);
    let again = rerun(&project, 3);
    assert_eq!(again["matches"], true, "{again}");

    let audit = clearbox(&["audit", "--project", text(&project)]);
    assert!(audit.status.success(), "{}", stderr(&audit));
    assert!(String::from_utf8_lossy(&audit.stdout).contains("intact"));

    let missing = clearbox(&["rerun", "--project", text(&project), "--run", "9"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("has no run 9"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_rerun_on_changed_data_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.clearbox");
    let data = dir.path().join("penguins.csv");
    std::fs::copy(crate::sample("penguins.csv"), &data).expect("copies");
    json_of(&clearbox(&[
        "train",
        "--template",
        "segmentation",
        "--data",
        text(&data),
        "--k",
        "3",
        "--out",
        text(&dir.path().join("g")),
        "--project",
        text(&project),
        "--json",
        "--device",
        "cpu",
    ]));
    let mut bytes = std::fs::read(&data).expect("reads");
    bytes.extend_from_slice(b"Adelie,Torgersen,39.1,18.7,181,3750,male,2009\n");
    std::fs::write(&data, bytes).expect("writes");
    let out = clearbox(&[
        "rerun",
        "--project",
        text(&project),
        "--run",
        "1",
        "--device",
        "cpu",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("is not the data run 1 was made from"),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert_eq!(runs(&project).len(), 1, "nothing was recorded");
}

#[test]
fn an_edited_record_or_event_breaks_the_trail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.clearbox");
    train_titanic(&project, dir.path(), 1);
    let seq_of_finish: i64 = {
        let db = rusqlite::Connection::open(&project).expect("opens");
        let seq = db
            .query_row(
                "SELECT seq FROM audit_events WHERE kind = 'run_finished'",
                [],
                |r| r.get(0),
            )
            .expect("a finished run's event");
        db.execute(
            "UPDATE runs SET metrics = replace(metrics, '\"auc\":0.', '\"auc\":0.9') WHERE id = 1",
            [],
        )
        .expect("edits");
        seq
    };
    let out = clearbox(&["audit", "--project", text(&project), "--json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let state: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(state["intact"], false);
    assert_eq!(state["seq"], seq_of_finish, "{state}");
    assert!(
        state["problem"]
            .as_str()
            .is_some_and(|p| p.contains("'metrics'")),
        "{state}"
    );
    assert!(
        stderr(&out).contains(&format!("event {seq_of_finish}")),
        "{}",
        stderr(&out)
    );

    // A broken project opens read-only: nothing more is recorded in it.
    let refused = clearbox(&[
        "train",
        "--template",
        "segmentation",
        "--sample",
        "penguins",
        "--out",
        text(&dir.path().join("g")),
        "--project",
        text(&project),
        "--device",
        "cpu",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("read-only"),
        "{}",
        stderr(&refused)
    );

    // An edited event is caught at that event.
    let second = dir.path().join("q.clearbox");
    train_titanic(&second, dir.path(), 2);
    {
        let db = rusqlite::Connection::open(&second).expect("opens");
        db.execute(
            "UPDATE audit_events SET payload = replace(payload, 'titanic', 'other') WHERE seq = 1",
            [],
        )
        .expect("edits");
    }
    let out = clearbox(&["audit", "--project", text(&second), "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let state: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(state["seq"], 1, "{state}");
}

#[test]
fn the_report_is_one_self_contained_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.clearbox");
    let trained = train_titanic(&project, dir.path(), 3);
    let model = trained["model_dir"].as_str().expect("a folder").to_owned();
    let explained = clearbox(&[
        "explain",
        "--model",
        &model,
        "--sample",
        "titanic",
        "--rows",
        "1..5",
        "--coalitions",
        "256",
        "--project",
        text(&project),
        "--device",
        "cpu",
    ]);
    assert!(explained.status.success(), "{}", stderr(&explained));
    let page = dir.path().join("report.html");
    let out = clearbox(&[
        "report",
        "--project",
        text(&project),
        "--run",
        "1",
        "--out",
        text(&page),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).expect("the page");
    let fingerprint = runs(&project)[0]["data"]["fingerprint"]
        .as_str()
        .expect("a fingerprint")
        .to_owned();
    for part in [
        "Prediction report: run 1",
        "Predicts 'Survived'",
        "How it was tested",
        "Results against the simple reference",
        "<svg",
        "What drives its answers",
        // Effects on a chance read in percentage points.
        " points</td>",
        "Drift checks",
        "Settings and provenance",
        "The audit trail is intact",
        fingerprint.as_str(),
    ] {
        assert!(html.contains(part), "the report lacks {part:?}");
    }
    for external in [
        "<script", "src=", "href=", "url(", "@import", "<link", "<iframe",
    ] {
        assert!(
            !html.contains(external),
            "the report refers outside itself with {external:?}"
        );
    }
    rendered_in_a_browser(&page, dir.path());
    let kinds = crate::event_kinds(&project);
    assert_eq!(
        kinds,
        [
            "data_loaded",
            "run_started",
            "run_finished",
            "explained",
            "report_written"
        ],
        "every step is an event"
    );
}

/// Renders `page` in a real headless browser: its DOM holds the charts and
/// sections, and printing it gives a PDF.
fn rendered_in_a_browser(page: &Path, dir: &Path) {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .expect(
            "this test renders the report in a headless browser: install Debian's 'chromium' \
             package (.ci/run does)",
        );
    let url = format!("file://{}", page.display());
    let headless = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
    ];
    let dom = Command::new(browser)
        .args(headless)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("the browser runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<svg") && dom.contains("Results against the simple reference"),
        "{dom}"
    );
    let pdf = dir.join("report.pdf");
    let printed = Command::new(browser)
        .args(headless)
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(&url)
        .output()
        .expect("the browser prints");
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| {
        panic!(
            "no PDF was printed: {}",
            String::from_utf8_lossy(&printed.stderr)
        )
    });
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
        "{} bytes",
        bytes.len()
    );
}

#[test]
fn a_second_process_is_told_the_project_is_in_use() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("p.clearbox");
    let held = clearbox::project::Project::open_or_create(&path).expect("opens");
    let out = clearbox(&["runs", "--project", text(&path)]);
    refused(&out, "open in another Clearbox");
    drop(held);
    let out = clearbox(&["runs", "--project", text(&path)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn newer_or_foreign_files_are_refused_and_older_ones_migrated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let newer = dir.path().join("newer.clearbox");
    drop(clearbox::project::Project::open_or_create(&newer).expect("creates"));
    rusqlite::Connection::open(&newer)
        .and_then(|db| db.pragma_update(None, "user_version", 99))
        .expect("marks it newer");
    let out = clearbox(&["runs", "--project", text(&newer)]);
    refused(&out, "newer version of Clearbox");

    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .and_then(|db| db.execute_batch("CREATE TABLE t (x INTEGER);"))
        .expect("another program's database");
    let out = clearbox(&["runs", "--project", text(&foreign)]);
    refused(&out, "not a Clearbox project");
    let text_file = dir.path().join("notes.clearbox");
    std::fs::write(&text_file, "just some text, not a database at all").expect("writes");
    let out = clearbox(&["audit", "--project", text(&text_file)]);
    refused(&out, "not a Clearbox project");

    // A project of format 0 (marked as Clearbox's, no tables yet) is brought up to date.
    let older = dir.path().join("older.clearbox");
    rusqlite::Connection::open(&older)
        .and_then(|db| {
            db.pragma_update(
                None,
                "application_id",
                clearbox::project::schema::APPLICATION_ID,
            )
        })
        .expect("an old project");
    assert!(runs(&older).is_empty());
    let version: i32 = rusqlite::Connection::open(&older)
        .and_then(|db| db.pragma_query_value(None, "user_version", |r| r.get(0)))
        .expect("reads");
    assert_eq!(version, clearbox::project::schema::current_version());
}

#[test]
fn kill_at_any_moment_leaves_a_project_that_opens_and_passes_its_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.clearbox");
    let started = Instant::now();
    train_titanic(&project, dir.path(), 100);
    let whole = started.elapsed();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut finished_before = 1;
    let deadline = Instant::now() + Duration::from_secs(120);
    for round in 0..8 {
        if Instant::now() > deadline {
            break;
        }
        let wait =
            Duration::from_millis(rng.random_range(0..whole.as_millis().max(1) as u64 + 200));
        let mut child = Command::new(env!("CARGO_BIN_EXE_clearbox"))
            .args([
                "train",
                "--template",
                "prediction",
                "--sample",
                "titanic",
                "--target",
                "Survived",
                "--seed",
                &round.to_string(),
                "--out",
                text(&dir.path().join(format!("k{round}"))),
                "--project",
                text(&project),
                "--device",
                "cpu",
            ])
            .env(
                "CLEARBOX_LOG",
                std::env::temp_dir().join("clearbox-test.log"),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        std::thread::sleep(wait);
        let exited = child
            .try_wait()
            .expect("polls")
            .is_some_and(|s| s.success());
        let _ = child.kill();
        let _ = child.wait();
        if exited {
            finished_before += 1;
        }
        let db = rusqlite::Connection::open(&project).expect("opens after a kill");
        let check: String = db
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("checks");
        assert_eq!(check, "ok", "round {round}");
        drop(db);
        let audit = clearbox(&["audit", "--project", text(&project)]);
        assert!(audit.status.success(), "round {round}: {}", stderr(&audit));
        let listed = runs(&project);
        let finished: Vec<&Value> = listed
            .iter()
            .filter(|r| r["status"] == "finished")
            .collect();
        assert!(
            finished.len() >= finished_before,
            "round {round}: a finished run was lost"
        );
        for run in &listed {
            match run["status"].as_str() {
                Some("finished") => assert!(run["metrics"]["test"].is_object(), "{run}"),
                Some("running") => assert!(
                    run["metrics"].is_null() && run["ended_at"].is_null(),
                    "{run}"
                ),
                other => panic!("round {round}: unexpected status {other:?}"),
            }
        }
    }
}

#[test]
fn every_working_verb_records_what_it_did_and_every_template_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("p.clearbox");
    let p = text(&project);
    let groups = dir.path().join("groups");
    let penguins = crate::sample("penguins.csv");
    json_of(&clearbox(&[
        "train",
        "--template",
        "segmentation",
        "--data",
        text(&penguins),
        "--out",
        text(&groups),
        "--project",
        p,
        "--json",
        "--device",
        "cpu",
    ]));
    for args in [
        vec!["profile", text(&penguins), "--project", p, "--json"],
        vec![
            "predict",
            "--model",
            text(&groups),
            "--data",
            text(&penguins),
            "--out",
            text(&dir.path().join("scored.csv")),
            "--project",
            p,
            "--device",
            "cpu",
        ],
        vec![
            "drift",
            "--data",
            text(&penguins),
            "--period-column",
            "year",
            "--model",
            text(&groups),
            "--project",
            p,
            "--json",
            "--device",
            "cpu",
        ],
    ] {
        let out = clearbox(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let log = dir.path().join("shop.csv");
    let out = clearbox(&[
        "simulate",
        "--rows",
        "3000",
        "--old-policy",
        "uniform",
        "--seed",
        "3",
        "--out",
        text(&log),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let policy = dir.path().join("policy");
    json_of(&clearbox(&[
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
        "--out",
        text(&policy),
        "--project",
        p,
        "--json",
        "--device",
        "cpu",
    ]));
    json_of(&clearbox(&[
        "evaluate",
        "--model",
        text(&policy),
        "--data",
        text(&log),
        "--project",
        p,
        "--json",
        "--device",
        "cpu",
    ]));
    let seen = crate::event_kinds(&project);
    for kind in ["profiled", "scored", "drift_checked", "evaluated"] {
        assert!(
            seen.iter().any(|k| k == kind),
            "no {kind} event in {seen:?}"
        );
    }
    let drift_run: Option<i64> = rusqlite::Connection::open(&project)
        .and_then(|db| db.query_row("SELECT run_id FROM drift_checks", [], |r| r.get(0)))
        .expect("a drift check");
    assert_eq!(drift_run, Some(1), "tied to the groups' run");
    for (run, parts) in [
        ("1", ["Segmentation report: run 1", "Rows in each group"]),
        (
            "2",
            [
                "Reinforcement report: run 2",
                "Estimated 'clicked' per decision",
            ],
        ),
    ] {
        let page = dir.path().join(format!("report{run}.html"));
        let out = clearbox(&["report", "--project", p, "--run", run, "--out", text(&page)]);
        assert!(out.status.success(), "{}", stderr(&out));
        let html = std::fs::read_to_string(&page).expect("the page");
        for part in parts {
            assert!(html.contains(part), "report {run} lacks {part:?}");
        }
        assert!(html.contains("<svg") && !html.contains("<script"));
    }
    let report1 = std::fs::read_to_string(dir.path().join("report1.html")).expect("page");
    assert!(report1.contains("Stable") || report1.contains("Watch") || report1.contains("Retrain"));
    let audit = clearbox(&["audit", "--project", p]);
    assert!(audit.status.success(), "{}", stderr(&audit));
}
