//! The segmentation template from the command line and the GUI: find
//! groups, read the JSON, assign new rows, refuse a folder that holds
//! neither kind of model, and click through the wizard to named groups.

use std::process::{Command, Output};

use egui_kittest::kittest::Queryable;
use serde_json::Value;

use super::gui::{harness, report_ready, step_until};
use super::sample;
use super::ui::commands::SegmentationCommand;
use super::ui::state::{Banner, Page, SegmentStep};

fn clearbox(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearbox"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Finds groups from the command line with `options` (the data, where to
/// save), on the processor, and reads its JSON report; fails on any error.
fn groups_found(options: &[&str]) -> Value {
    let mut args = vec![
        "train",
        "--template",
        "segmentation",
        "--device",
        "cpu",
        "--json",
    ];
    args.extend_from_slice(options);
    let out = clearbox(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Each group's size in a report of [`groups_found`].
fn sizes(report: &Value) -> Vec<u64> {
    report["segments"]
        .as_array()
        .expect("segments")
        .iter()
        .map(|s| s["size"].as_u64().expect("size"))
        .collect()
}

#[test]
fn find_groups_then_assign_rows_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let groups = dir.path().join("penguin_groups");
    let report = groups_found(&[
        "--data",
        sample("penguins.csv").to_str().expect("utf-8"),
        "--exclude",
        "species",
        "--out",
        groups.to_str().expect("utf-8"),
    ]);
    assert_eq!(report["k"], 3);
    let k_scores = report["k_scores"].as_array().expect("k_scores");
    assert_eq!(k_scores.len(), 9, "2 to 10 groups tried");
    assert!(
        k_scores
            .iter()
            .all(|s| s["k"].is_u64() && s["silhouette"].is_f64())
    );
    assert!(report["stability"]["adjusted_rand_index"].is_f64());
    assert!(report["stability"]["verdict"].is_string());
    let segments = report["segments"].as_array().expect("segments");
    assert_eq!(segments.len(), 3);
    let mut total = 0;
    for (i, segment) in segments.iter().enumerate() {
        assert_eq!(segment["id"], i + 1);
        assert!(!segment["name"].as_str().expect("name").is_empty());
        total += segment["size"].as_u64().expect("size");
        let traits = segment["traits"].as_array().expect("traits");
        assert!(!traits.is_empty() && traits[0]["sentence"].is_string());
    }
    assert_eq!(total, 344);
    assert!(groups.join("card.ron").is_file() && groups.join("artefact.json").is_file());

    // New rows (here the same file) are put in the saved groups.
    let scored = dir.path().join("with_segments.csv");
    let out = clearbox(&[
        "predict",
        "--model",
        groups.to_str().expect("utf-8"),
        "--data",
        sample("penguins.csv").to_str().expect("utf-8"),
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
    let text = std::fs::read_to_string(&scored).expect("written");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "segment")
        .expect("a segment column");
    let mut assigned = [0u64; 3];
    for line in lines {
        let id: usize = line
            .split(',')
            .nth(at)
            .expect("value")
            .parse()
            .expect("a number");
        assigned[id - 1] += 1;
    }
    // Rows of the training table land in the groups they were found in.
    assert_eq!(assigned.to_vec(), sizes(&report));
}

/// A purchase log of 240 customers, numbered with leading zeros: 120
/// regulars buy small baskets all year, 120 bought big ones once or twice
/// in its first months.
fn purchase_log() -> String {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut csv = String::from("customer_id,date,amount\n");
    for c in 1..=240u32 {
        let regular = c % 2 == 0;
        let purchases = if regular {
            rng.random_range(5..=9)
        } else {
            rng.random_range(1..=2)
        };
        for _ in 0..purchases {
            let month = if regular {
                rng.random_range(1..=12)
            } else {
                rng.random_range(1..=4)
            };
            let day = rng.random_range(1..=28);
            let amount = if regular {
                rng.random_range(10..=30)
            } else {
                rng.random_range(70..=130)
            };
            csv.push_str(&format!("{c:05},2024-{month:02}-{day:02},{amount}\n"));
        }
    }
    csv
}

#[test]
fn a_purchase_log_is_grouped_per_customer_and_new_logs_are_summed_up_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("purchases.csv");
    std::fs::write(&log, purchase_log()).expect("writes");
    let log = log.to_str().expect("utf-8");

    let out = clearbox(&["profile", log]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("customer_id (Identifier)")
            && report.contains("make one row per customer")
            && report.contains("add --per customer_id"),
        "the health report offers one row per customer:\n{report}"
    );

    let groups = dir.path().join("customer_groups");
    let report = groups_found(&[
        "--data",
        log,
        "--per",
        "customer_id",
        "--out",
        groups.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        sizes(&report).iter().sum::<u64>(),
        240,
        "one row per customer"
    );
    let traits = report.to_string();
    assert!(
        traits.contains("rows per customer") && traits.contains("Days since last date"),
        "groups are told apart by how often and how lately: {traits}"
    );

    // The raw log is summed up per customer before the groups are assigned.
    let scored = dir.path().join("customers.csv");
    let out = clearbox(&[
        "predict",
        "--model",
        groups.to_str().expect("utf-8"),
        "--data",
        log,
        "--out",
        scored.to_str().expect("utf-8"),
        "--device",
        "cpu",
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("rows into 240, one per customer_id")
            && said.contains("Put 240 customers into"),
        "{said}"
    );
    let text = std::fs::read_to_string(&scored).expect("written");
    assert_eq!(text.lines().count(), 241);
    assert!(
        text.lines().nth(1).is_some_and(|l| l.starts_with("00001,")),
        "customer numbers keep their zeros: {}",
        text.lines().nth(1).unwrap_or_default()
    );
    // No group mixes regulars (even numbers) with one-off buyers.
    let header: Vec<&str> = text.lines().next().expect("header").split(',').collect();
    let at = header
        .iter()
        .position(|h| *h == "segment")
        .expect("segment");
    let mut kinds: std::collections::BTreeMap<String, std::collections::BTreeSet<bool>> =
        Default::default();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let number: u32 = cells[0].parse().expect("a customer number");
        kinds
            .entry(cells[at].to_owned())
            .or_default()
            .insert(number.is_multiple_of(2));
    }
    assert!(
        kinds.values().all(|k| k.len() == 1),
        "each group holds one kind of customer: {kinds:?}"
    );

    // Why a customer is in their group, from the raw log too.
    let out = clearbox(&[
        "explain",
        "--model",
        groups.to_str().expect("utf-8"),
        "--data",
        log,
        "--rows",
        "1..3",
        "--device",
        "cpu",
    ]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("rather than"), "{said}");

    // A table without the key cannot be summed up: said, with exit 2.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, purchase_log().replace("customer_id", "shopper")).expect("writes");
    let out = clearbox(&[
        "predict",
        "--model",
        groups.to_str().expect("utf-8"),
        "--data",
        other.to_str().expect("utf-8"),
        "--out",
        dir.path().join("x.csv").to_str().expect("utf-8"),
        "--device",
        "cpu",
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("one row per customer") && said.contains("no column 'customer_id'"),
        "{said}"
    );
}

#[test]
fn the_shop_sample_is_a_log_whose_customers_fall_into_groups() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = clearbox(&["profile", "--sample", "shop_purchases"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("add --per customer_id"), "{report}");
    let report = groups_found(&[
        "--sample",
        "shop_purchases",
        "--per",
        "customer_id",
        "--out",
        dir.path().join("shop").to_str().expect("utf-8"),
    ]);
    let sizes = sizes(&report);
    assert_eq!(sizes.iter().sum::<u64>(), 1200, "one row per customer");
    assert!(
        sizes.len() >= 3,
        "regulars, lapsed and big baskets at least: {report}"
    );
    assert_eq!(report["stability"]["verdict"], "stable", "{report}");
}

#[test]
fn a_folder_that_is_neither_kind_of_model_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = clearbox(&[
        "predict",
        "--model",
        dir.path().to_str().expect("utf-8"),
        "--data",
        sample("penguins.csv").to_str().expect("utf-8"),
        "--out",
        dir.path().join("out.csv").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .filter(|l| l.contains("cannot be used: the folder is empty"))
            .count()
            == 1,
        "{stderr}"
    );
}

#[test]
fn options_of_another_template_are_refused_not_ignored() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["--template", "segmentation", "--target", "species"],
            "Finding groups needs no target",
        ),
        (
            &["--template", "segmentation", "--time-column", "year"],
            "--time-column splits rows to test a prediction",
        ),
        (
            &[
                "--template",
                "prediction",
                "--target",
                "species",
                "--k",
                "3",
            ],
            "--k sets the number of groups",
        ),
        (
            &[
                "--template",
                "prediction",
                "--target",
                "species",
                "--representation",
                "scaled",
            ],
            "--representation says how rows are compared",
        ),
    ];
    for (options, expected) in cases {
        let mut args = vec!["train", "--sample", "penguins"];
        args.extend_from_slice(options);
        let out = clearbox(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(stderr.contains("Leave it out"), "{stderr}");
    }
}

#[test]
fn a_purchase_log_becomes_one_row_per_customer_in_one_click_and_groups_describe_customers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("purchases.csv");
    std::fs::write(&log, purchase_log()).expect("writes");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    super::gui::drop_file(&mut harness, log);
    step_until(&mut harness, "the log's report", report_ready);
    // The column's finding says why; the top of the page offers the fix.
    harness
        .get_by_label_contains("customer_id — Identifier")
        .click();
    harness.run_steps(2);
    harness.get_by_label_contains("make one row per customer");
    harness.get_by_label_contains("Several rows share each 'customer_id'");
    harness
        .get_by_label("One row per customer: summarise the rows of each 'customer_id'")
        .click();
    step_until(&mut harness, "the report of the customers", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.rows == 240)
    });
    let dataset = harness.state().state.dataset.as_ref().expect("open");
    assert!(dataset.table.column("days since last date").is_some());
    assert!(dataset.original.rows > 240, "the log itself is kept");
    harness.get_by_label_contains("Summarised");
    harness.get_by_label("Find groups…").click();
    step_until(&mut harness, "the columns", |app| {
        !app.state.segmentation.inputs.is_empty()
    });
    harness.get_by_label("Find groups").click();
    step_until(&mut harness, "the groups", |app| {
        app.state.segmentation.step == Some(SegmentStep::Results)
    });
    harness.get_by_label_contains("groups among 240 customers.");
    // Undone, the log is back, row by row.
    harness.get_by_label("Back to the data").click();
    harness.run_steps(2);
    harness
        .get_by_label("Undo: One row per customer: summarise the rows of each 'customer_id'")
        .click();
    step_until(&mut harness, "the log again", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.rows > 240)
    });
}

#[test]
fn the_wizard_ends_on_named_groups() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Penguins").click();
    step_until(&mut harness, "the penguins report", report_ready);
    harness.get_by_label("Find groups…").click();
    step_until(&mut harness, "the columns", |app| {
        !app.state.segmentation.inputs.is_empty()
    });
    assert_eq!(harness.state().state.page, Page::Segment);
    // The sample's suggested target is left out, with the reason.
    harness.get_by_label_contains("left out: the column chosen for prediction");
    harness.get_by_label("Find groups").click();
    step_until(&mut harness, "the groups", |app| {
        app.state.segmentation.step == Some(SegmentStep::Results)
    });
    harness.get_by_label_contains("Clearbox found 3 groups among 344 rows.");
    harness.get_by_label_contains("3 groups: each group up to 3");
    harness.get_by_label("Save groups…");
    // Found groups may differ in the last digit between processors: an
    // image for review, not a comparison.
    super::gui::review_image(&mut harness, "segment_results");
    harness.get_by_label("Export with segment column…");
    // Each group's typical row says which columns keep it there.
    let memberships = harness
        .state()
        .state
        .segmentation
        .outcome
        .as_ref()
        .map(|o| o.memberships.len());
    assert_eq!(memberships, Some(3));
    assert!(harness.query_all_by_label_contains("rather than").count() >= 1);
    let names = harness.state().state.segmentation.names.clone();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|n| !n.is_empty()));
    // Each group's card shows its name in an editable box.
    for (i, name) in names.iter().enumerate() {
        let label = format!("Group {} name:", i + 1);
        let field = harness.get_by_label(&label);
        assert_eq!(field.value().as_deref(), Some(name.as_str()));
    }
    // Renaming a group is kept.
    harness.get_by_label("Group 1 name:").focus();
    harness.run_steps(1);
    harness
        .get_by_label("Group 1 name:")
        .type_text(" (renamed)");
    harness.run_steps(3);
    assert!(harness.state().state.segmentation.names[0].ends_with("(renamed)"));
    // Saving and exporting (the buttons' dialogs hand over these paths):
    // the renamed group reaches the folder and the file.
    let folder = dir.path().join("groups");
    let export = dir.path().join("with_segments.csv");
    harness
        .state_mut()
        .send(SegmentationCommand::Save(folder.clone()).into());
    harness
        .state_mut()
        .send(SegmentationCommand::Export(export.clone()).into());
    // Written one after the other: the export's sentence comes last.
    step_until(
        &mut harness,
        "the files written",
        |app| matches!(&app.state.banner, Some(Banner::Info(text)) if text.starts_with("Wrote the table")),
    );
    harness.get_by_label_contains("Wrote the table with its 'segment' column");
    let device =
        clearbox::compute::select_device(clearbox::compute::DevicePreference::Cpu).expect("cpu");
    let saved = clearbox::templates::open(&folder, &device.device).expect("the groups open");
    let grouping = saved.grouping().expect("saved groups");
    assert!(
        grouping.names()[0].ends_with("(renamed)"),
        "{:?}",
        grouping.names()
    );
    let written = std::fs::read_to_string(&export).expect("exported");
    assert!(
        written
            .lines()
            .next()
            .is_some_and(|h| h.ends_with("segment,segment_name"))
    );
    assert!(
        written.lines().skip(1).any(|l| l.contains("(renamed)")),
        "rows of group 1 carry the new name"
    );
    // Another number of groups: everything is worked out again.
    harness.get_by_label("4 groups").click();
    step_until(&mut harness, "four groups", |app| {
        app.state
            .segmentation
            .outcome
            .as_ref()
            .is_some_and(|o| o.card.k == 4)
    });
    harness.get_by_label_contains("Showing 4 groups, as you chose.");
    assert_eq!(harness.state().state.segmentation.names.len(), 4);
}
