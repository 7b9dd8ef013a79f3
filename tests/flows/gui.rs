//! The GUI driven through egui_kittest: clicks by label, state read back.

use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use clearbox::compute::DevicePreference;
use clearbox::data::ColumnRole;
use clearbox::explain::ExplainOptions;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::ui::commands::{DriftCommand, ExplainCommand};
use super::ui::state::{Banner, Page, WizardStep};
use super::ui::{AppConfig, ClearboxApp, ExplainBudget};

/// Background jobs' news, counted: tests wait for the next piece of news
/// instead of sleeping. Shared by the tests of this process, so another
/// test's news may wake a wait early; that only costs a frame.
struct News {
    count: Mutex<u64>,
    changed: Condvar,
}

fn news() -> &'static Arc<News> {
    static NEWS: OnceLock<Arc<News>> = OnceLock::new();
    NEWS.get_or_init(|| {
        Arc::new(News {
            count: Mutex::new(0),
            changed: Condvar::new(),
        })
    })
}

impl News {
    fn seen(&self) -> u64 {
        *self.count.lock().expect("news")
    }

    /// Waits until there is news after `seen`, at most `limit`.
    fn wait_after(&self, seen: u64, limit: Duration) {
        let count = self.count.lock().expect("news");
        let _ = self
            .changed
            .wait_timeout_while(count, limit, |count| *count == seen)
            .expect("news");
    }
}

/// The explanation budget of the GUI tests: a handful of rows and
/// coalitions, so a page that must show its drivers does so in seconds (the
/// real budget is for the speed benchmarks).
pub(super) const SMALL_BUDGET: ExplainBudget = ExplainBudget {
    rows: 12,
    reruns: 1,
    options: ExplainOptions {
        background: 20,
        coalitions: 128,
        seed: 0,
    },
};

pub(super) fn harness(settings: &std::path::Path) -> Harness<'static, ClearboxApp> {
    let shared = news().clone();
    let config = AppConfig {
        device: DevicePreference::Cpu,
        settings_path: Some(settings.to_path_buf()),
        open: None,
        explain: SMALL_BUDGET,
        hint_after: Duration::ZERO,
        on_news: Some(Arc::new(move || {
            *shared.count.lock().expect("news") += 1;
            shared.changed.notify_all();
        })),
    };
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| ClearboxApp::new(cc, config))
}

/// Clicks the widget called `label` and draws two frames, as a learner
/// clicks and looks.
pub(super) fn press(harness: &mut Harness<'_, ClearboxApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run_steps(2);
}

/// Reaches the button called `label` with the Tab key and presses it with
/// Enter, as a keyboard user goes through a wizard.
pub(super) fn press_with_keyboard(harness: &mut Harness<'_, ClearboxApp>, label: &str) {
    for _ in 0..200 {
        if harness.get_by_label(label).is_focused() {
            harness.key_press(egui::Key::Enter);
            harness.run_steps(2);
            return;
        }
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
    }
    panic!("'{label}' cannot be reached with the Tab key");
}

/// Waits for the prediction wizard's background checks (the target and the
/// columns), as a learner waits for the spinner before pressing Next.
pub(super) fn wizard_checked(harness: &mut Harness<'_, ClearboxApp>) {
    step_until(harness, "the target checked and the inputs", |app| {
        app.state.prediction.check.is_some() && !app.state.prediction.inputs.is_empty()
    });
}

/// Steps frames until `done` holds; background jobs run on real threads, and
/// between frames the test waits for their next piece of news.
pub(super) fn step_until(
    harness: &mut Harness<'_, ClearboxApp>,
    what: &str,
    done: impl Fn(&ClearboxApp) -> bool,
) {
    let start = Instant::now();
    loop {
        let seen = news().seen();
        harness.step();
        if done(harness.state()) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        news().wait_after(seen, Duration::from_millis(200));
    }
    // A few more frames so the UI draws the new state.
    harness.run_steps(3);
}

/// Saves a picture of the window for a person to look at, without comparing
/// it with anything: for pages whose numbers come from training, which may
/// differ in the last digit between processors. Written to
/// `target/review/NAME.png`; a missing graphics adapter fails the test.
pub(super) fn review_image(harness: &mut Harness<'_, ClearboxApp>, name: &str) {
    let image = harness.render().unwrap_or_else(|e| {
        panic!("rendering '{name}' needs a wgpu adapter (lavapipe in CI): {e}")
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/review");
    std::fs::create_dir_all(&dir).expect("a review folder");
    image
        .save(dir.join(format!("{name}.png")))
        .expect("the review image is written");
}

/// A file dropped onto the window, as the windowing layer would report it.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

pub(super) fn drop_file(harness: &mut Harness<'_, ClearboxApp>, path: std::path::PathBuf) {
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
}

/// The name of the table open in the app, if any.
fn open_table(harness: &Harness<'_, ClearboxApp>) -> Option<String> {
    harness
        .state()
        .state
        .dataset
        .as_ref()
        .map(|d| d.table.name.clone())
}

/// Fails when text on screen uses a glossary term without the term's entry
/// on its hover (the widget's accessible description).
pub(super) fn assert_terms_explained(harness: &Harness<'_, ClearboxApp>, page: &str) {
    use egui_kittest::kittest::{By, NodeT};
    let glossary = clearbox::glossary::Glossary::bundled();
    let unexplained = |node: &egui_kittest::kittest::AccessKitNode<'_>| {
        let text = node.label().or_else(|| node.value()).unwrap_or_default();
        // A wrapped label's lines are children of the label, which holds the hover.
        let hover = node
            .description()
            .or_else(|| node.parent().and_then(|p| p.description()))
            .unwrap_or_default();
        glossary
            .find_in(&text)
            .iter()
            .any(|term| !hover.contains(&term.meaning))
    };
    let found: Vec<String> = harness
        .query_all(By::new().include_labels().predicate(unexplained))
        .map(|node| {
            let node = node.accesskit_node();
            node.label().or_else(|| node.value()).unwrap_or_default()
        })
        .collect();
    assert!(
        found.is_empty(),
        "on {page}, these show a technical term without its glossary hover: {found:#?}"
    );
}

pub(super) fn report_ready(app: &ClearboxApp) -> bool {
    // No load in flight: a table still open from before counts for nothing.
    app.state.loading.is_none()
        && app
            .state
            .dataset
            .as_ref()
            .is_some_and(|d| d.report.is_some() && !d.analysing)
}

#[test]
fn open_a_sample_see_its_health_and_change_a_role() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.ron");
    let mut harness = harness(&settings);
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Open a file…");
    harness.get_by_label("Penguins").click();
    step_until(&mut harness, "the penguins report", report_ready);

    assert_eq!(harness.state().state.page, Page::Data);
    // The table shows the data, the health panel its findings.
    assert!(
        !harness
            .query_all_by_label("bill_length_mm")
            .collect::<Vec<_>>()
            .is_empty()
    );
    assert!(
        harness.query_all_by_label_contains("Adelie").count() > 3,
        "rows of the table are drawn"
    );
    harness.get_by_label("Health");
    harness.get_by_label_contains("Compute: CPU");

    // Select the `year` column in the list and call it a category.
    harness.get_by_label_contains("year — Number").click();
    harness.run_steps(2);
    harness.get_by_label("Category").click();
    step_until(
        &mut harness,
        "the re-check after the role change",
        report_ready,
    );
    let dataset = harness.state().state.dataset.as_ref().expect("still open");
    assert_eq!(
        dataset.recipe.roles.get("year"),
        Some(&ColumnRole::Category)
    );
    assert_eq!(
        dataset.table.column("year").map(|c| c.role),
        Some(ColumnRole::Category)
    );
    harness.get_by_label_contains("year — Category");

    // The change is kept: it is in the settings file (written in the
    // background, so given a moment on a busy machine) and comes back on reopening.
    let saved_role = || {
        clearbox::project::Settings::load(&settings)
            .recipes
            .get("sample:penguins")
            .and_then(|r| r.roles.get("year").copied())
    };
    let waited = std::time::Instant::now();
    while saved_role().is_none() && waited.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(saved_role(), Some(ColumnRole::Category));
    harness.get_by_label("Home").click();
    harness.run_steps(2);
    harness.get_by_label("Penguins").click();
    step_until(&mut harness, "the reopened report", report_ready);
    let dataset = harness.state().state.dataset.as_ref().expect("open again");
    assert_eq!(
        dataset.table.column("year").map(|c| c.role),
        Some(ColumnRole::Category)
    );
}

#[test]
fn a_fix_is_applied_in_one_click_and_can_be_undone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    harness.get_by_label("Titanic passengers").click();
    step_until(&mut harness, "the titanic report", report_ready);
    // The suggested target is chosen, so leakage is checked: select `body`.
    harness.get_by_label_contains("body — Number").click();
    harness.run_steps(2);
    harness.get_by_label("Leakage");
    harness.get_by_label("Leave out 'body'").click();
    step_until(&mut harness, "the report without body", report_ready);
    let dataset = harness.state().state.dataset.as_ref().expect("open");
    assert!(dataset.table.column("body").is_none());
    assert!(
        dataset.original.column("body").is_some(),
        "the original data is kept"
    );
    harness.get_by_label("Undo: Leave out 'body'").click();
    step_until(&mut harness, "the report with body back", report_ready);
    assert!(
        harness
            .state()
            .state
            .dataset
            .as_ref()
            .is_some_and(|d| d.table.column("body").is_some())
    );
}

#[test]
fn a_bad_file_and_a_cancelled_load_keep_what_was_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    harness.get_by_label("German credit").click();
    step_until(&mut harness, "the german credit report", report_ready);

    // Dropping a broken file shows a sentence and keeps the open table.
    drop_file(&mut harness, super::fixture("bad_files/ragged_rows.csv"));
    step_until(&mut harness, "the error banner", |app| {
        app.state.banner.is_some()
    });
    match &harness.state().state.banner {
        Some(Banner::Error(text)) => assert!(
            text.contains("ragged_rows.csv") && text.contains("Line 3"),
            "{text}"
        ),
        other => panic!("expected an error banner, got {other:?}"),
    }
    harness.get_by_label_contains("Line 3 of 'ragged_rows.csv'");
    assert_eq!(open_table(&harness).as_deref(), Some("German credit"));

    // A big file starts loading; Cancel stops it at once and keeps German credit.
    let big = dir.path().join("big.csv");
    let mut text = String::from("a,b,c\n");
    for i in 0..1_500_000 {
        text.push_str(&format!("{i},{},{}\n", i % 97, i % 13));
    }
    std::fs::write(&big, text).expect("writes");
    drop_file(&mut harness, big);
    step_until(&mut harness, "the load to start", |app| {
        app.state.loading.is_some()
    });
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(
        harness.state().state.loading.is_none(),
        "cancel is immediate"
    );
    assert_eq!(open_table(&harness).as_deref(), Some("German credit"));
}

#[test]
fn snapshots_of_the_home_and_data_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.snapshot("home");
    assert_terms_explained(&harness, "the home screen");
    harness.get_by_label("Titanic passengers").click();
    step_until(&mut harness, "the titanic report", report_ready);
    harness.get_by_label_contains("boat — ").click();
    harness.run_steps(3);
    assert_terms_explained(&harness, "the data page");
    harness.snapshot("data_page");
}

#[test]
fn the_prediction_wizard_trains_a_model_and_shows_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Titanic passengers").click();
    step_until(&mut harness, "the titanic report", report_ready);
    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "the target checked and the inputs", |app| {
        app.state.prediction.check.is_some() && !app.state.prediction.inputs.is_empty()
    });
    harness.get_by_label_contains("Clearbox will treat 'Survived' as a yes/no question");
    harness.get_by_label("Next").click();
    harness.run_steps(2);
    // Leaking and personal columns are left out, with the reason shown.
    assert_eq!(
        harness
            .query_all_by_label_contains("left out: gives the answer away")
            .count(),
        2,
        "boat and body"
    );
    harness.get_by_label_contains("left out: personal data");
    harness.get_by_label("Next").click();
    harness.run_steps(2);
    harness.get_by_label_contains("split into 5 groups");
    harness.get_by_label("Train").click();
    step_until(&mut harness, "the results", |app| {
        app.state.prediction.step == Some(WizardStep::Results)
    });
    harness.get_by_label_contains("Deep model: AUC");
    harness.get_by_label_contains("Simple model (the bar to beat): AUC");
    harness.get_by_label_contains("Of every 100 rows the model flags");
    // The outcome is named in the user's words, not as a bare '1'.
    harness.get_by_label_contains("really have Survived = 1");
    harness.get_by_label("really survived");
    harness.get_by_label("really not survived");
    harness.get_by_label("Save the model…");
    review_image(&mut harness, "prediction_results");
    let wizard = &harness.state().state.prediction;
    let outcome = wizard.outcome.as_ref().expect("a model");
    assert!(
        !outcome.card.inputs.contains(&"boat".to_string())
            && !outcome.card.inputs.contains(&"Name".to_string())
    );
    assert!(
        wizard.at_threshold.is_some()
            && wizard.results.as_ref().is_some_and(|r| r.curves.is_some())
    );

    // Moving the threshold slider rewrites the sentences with the new figures.
    let sentence = |app: &ClearboxApp| {
        let scores = app.state.prediction.at_threshold.clone().expect("scores");
        (
            format!(
                "Of every 100 rows the model flags, {:.0} really have",
                scores.precision * 100.0
            ),
            format!("It catches {:.0} of every 100", scores.recall * 100.0),
        )
    };
    let (flags_before, catches_before) = sentence(harness.state());
    harness.get_by_label_contains(&flags_before);
    harness
        .get_by_role_and_label(
            egui::accesskit::Role::Slider,
            "Flag a row when the chance is above",
        )
        .set_value_accesskit(0.9);
    step_until(&mut harness, "the new threshold", |app| {
        app.state.prediction.threshold == 0.9
    });
    // The chance reads as a per cent beside the slider.
    harness.get_by_value("90%");
    let (flags_after, catches_after) = sentence(harness.state());
    assert_ne!(
        (&flags_before, &catches_before),
        (&flags_after, &catches_after),
        "a strict threshold flags fewer rows"
    );
    harness.get_by_label_contains(&flags_after);
    harness.get_by_label_contains(&catches_after);
    let prediction = &harness.state().state.prediction;
    let test = &prediction
        .outcome
        .as_ref()
        .expect("a model")
        .test_predictions;
    let chosen = test.probabilities(prediction.outcome.as_ref().expect("a model").card.chosen);
    assert_eq!(
        prediction.at_threshold,
        Some(clearbox::ml::metrics::BinaryScores::measure(
            chosen,
            &test.truth,
            0.9
        )),
        "the slider's figures are the test rows' at that threshold"
    );

    // From the results to the executive panel and one row's explanation.
    harness.get_by_label("Explain the model…").click();
    step_until(&mut harness, "the executive panel", |app| {
        app.state.explain.panel.is_some() && app.state.explain.row_explanation.is_some()
    });
    harness.get_by_label("Executive summary");
    harness.get_by_label_contains("Predicts whether 'Survived' is");
    harness.get_by_label_contains("Of every 100 rows it flags");
    harness.get_by_label_contains("The model leans most on");
    harness.get_by_label_contains("learned from past data, not causes");
    harness.get_by_label_contains("Chance that Survived is");
    let change = harness.state().state.explain.change_sentence.clone();
    assert!(
        change.contains("the decision would change") || change.starts_with("No change"),
        "{change}"
    );
    let panel = harness.state().state.explain.panel.clone().expect("panel");
    assert!(!panel.drivers.is_empty());
    let spread = &harness.state().state.explain.spread;
    assert_eq!(
        spread.len(),
        panel.drivers.len(),
        "one row of dots per driver"
    );
    assert!(spread.iter().all(|dots| !dots.is_empty()));
    assert!(
        !panel
            .drivers
            .iter()
            .any(|d| d.column == "boat" || d.column == "Name"),
        "left-out columns do not drive the model"
    );
    // What-if: change the row's sex and see the explanation follow.
    let before = harness.state().state.explain.row_explanation.clone();
    let sex_now = harness
        .state()
        .state
        .dataset
        .as_ref()
        .and_then(|d| {
            d.table.column("Sex").map(|c| {
                c.values
                    .display(harness.state().state.explain.row)
                    .into_owned()
            })
        })
        .expect("a sex");
    let other = if sex_now == "male" { "female" } else { "male" };
    // The what-if list sits below the fold; the command is what its Sex list sends.
    harness.get_by_label("Sex");
    harness.state_mut().send(
        ExplainCommand::SetWhatIf {
            column: "Sex".into(),
            value: clearbox::explain::what_if::WhatIfValue::Label(other.into()),
        }
        .into(),
    );
    step_until(&mut harness, "the what-if explanation", |app| {
        !app.state.explain.row_running && app.state.explain.row_explanation != before
    });
    harness.get_by_label("With your what-if changes below.");
    let after = harness
        .state()
        .state
        .explain
        .row_explanation
        .clone()
        .expect("explained");
    let sex = after
        .attributions
        .iter()
        .find(|a| a.column == "Sex")
        .expect("Sex");
    assert_eq!(sex.shown, other, "the explanation is of the changed row");
    harness.get_by_label("Undo what-if changes");
    harness.get_by_label("Save explanation letter…");
    review_image(&mut harness, "explanation");
}

#[test]
fn trees_that_clearly_win_are_kept_and_the_results_page_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    super::kept_trees::thresholds_among_noise(dir.path());
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    drop_file(&mut harness, dir.path().join("thresholds.csv"));
    step_until(&mut harness, "the report", report_ready);
    harness.get_by_label("Predict a column…").click();
    harness.run_steps(2);
    harness.get_by_label("Column to predict").click();
    harness.run_steps(2);
    // The last of 31 columns, below the fold of the list.
    harness.get_by_label("flag").click_accesskit();
    step_until(&mut harness, "the target checked and the inputs", |app| {
        app.state.prediction.check.is_some() && !app.state.prediction.inputs.is_empty()
    });
    harness.get_by_label_contains("Clearbox will treat 'flag' as a yes/no question");
    // Both pages list the 30 columns, so Next is below the fold.
    harness.get_by_label("Next").click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("Next").click_accesskit();
    step_until(&mut harness, "the split", |app| {
        app.state.prediction.step == Some(WizardStep::Check)
            && app
                .state
                .prediction
                .check
                .as_ref()
                .is_some_and(|c| c.split_sentence.contains("5 groups"))
    });
    harness.run_steps(2);
    harness.get_by_label("Train").click();
    step_until(&mut harness, "the results", |app| {
        app.state.prediction.step == Some(WizardStep::Results)
    });
    let card = harness
        .state()
        .state
        .prediction
        .outcome
        .as_ref()
        .expect("a model")
        .card
        .clone();
    assert_eq!(
        card.chosen,
        clearbox::templates::prediction::ChosenModel::Trees
    );
    harness.get_by_label_contains("Gradient-boosted trees (a strong classic method): AUC");
    harness.get_by_label(&card.kept_sentence());
    harness.get_by_label_contains("The tree model does clearly better on this table");
    // The slider's figures are the trees' own test predictions.
    let prediction = &harness.state().state.prediction;
    let test = &prediction
        .outcome
        .as_ref()
        .expect("a model")
        .test_predictions;
    assert_eq!(
        prediction.at_threshold,
        Some(clearbox::ml::metrics::BinaryScores::measure(
            &test.trees,
            &test.truth,
            prediction.threshold
        ))
    );
}

#[test]
fn the_check_step_offers_a_split_by_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Employment 2015 vs 2018").click();
    step_until(&mut harness, "the census report", report_ready);
    harness.get_by_label("Predict a column…").click();
    harness.run_steps(2);
    harness.get_by_label("Column to predict").click();
    harness.run_steps(2);
    harness.get_by_label("employed").click();
    // "Next" is enabled once the target is checked, which can come after
    // the inputs on a busy machine: wait for both, then for each step.
    step_until(&mut harness, "the checked target and the inputs", |app| {
        app.state.prediction.target_ok() && !app.state.prediction.inputs.is_empty()
    });
    harness.get_by_label("Next").click();
    step_until(&mut harness, "the inputs step", |app| {
        app.state.prediction.step == Some(WizardStep::Inputs)
    });
    harness.get_by_label("Next").click();
    step_until(&mut harness, "the split", |app| {
        app.state.prediction.step == Some(WizardStep::Check) && app.state.prediction.check.is_some()
    });
    let check = harness
        .state()
        .state
        .prediction
        .check
        .clone()
        .expect("checked");
    assert!(
        check.split_sentence.contains("drawn at random"),
        "the first split is at random: {check:?}"
    );
    harness.get_by_label_contains("drawn at random");
    harness.get_by_label("Split the rows").click();
    harness.run_steps(2);
    harness.get_by_label("By time: 'year'").click();
    step_until(&mut harness, "the split by time", |app| {
        app.state
            .prediction
            .check
            .as_ref()
            .is_some_and(|c| c.split_sentence.contains("by 'year'"))
    });
    harness.get_by_label_contains("Rows are split by 'year'");
    assert_eq!(
        harness.state().state.prediction.split_plan,
        clearbox::ml::split::SplitPlan::ByTime {
            column: "year".into()
        }
    );
}

/// The longest a frame may take while 3M rows are open. A synchronous pass
/// over the rows takes far longer. Run alone, the slowest frame (the one
/// that receives the loaded table) takes 72–75 ms in this debug build; in
/// the whole suite on 2 cores, beside a test that trains a model and one
/// that loads the same file, frames reached 264 ms and 347 ms. The bound
/// leaves room for that, so a busy machine cannot make the test flaky.
const FRAME_LIMIT: Duration = Duration::from_millis(500);

/// Steps frames until `done` holds, timing every frame against [`FRAME_LIMIT`].
fn timed_until(
    harness: &mut Harness<'_, ClearboxApp>,
    what: &str,
    slowest: &mut Duration,
    done: impl Fn(&ClearboxApp) -> bool,
) {
    let start = Instant::now();
    loop {
        let seen = news().seen();
        let frame = Instant::now();
        harness.step();
        let took = frame.elapsed();
        *slowest = (*slowest).max(took);
        assert!(
            took <= FRAME_LIMIT,
            "a frame took {took:?} while {what}: the window waited on work"
        );
        if done(harness.state()) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "timed out waiting for {what}"
        );
        news().wait_after(seen, Duration::from_millis(100));
    }
    // Two more frames so the window draws what changed, timed too.
    for _ in 0..2 {
        let frame = Instant::now();
        harness.step();
        let took = frame.elapsed();
        *slowest = (*slowest).max(took);
        assert!(took <= FRAME_LIMIT, "a frame took {took:?} after {what}");
    }
}

#[test]
fn three_million_rows_keep_every_frame_short_from_opening_to_a_split_by_time() {
    let path = super::shared("drift/vega_flights_3m_2001.parquet");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    let mut slowest = Duration::ZERO;
    timed_until(&mut harness, "checking the device", &mut slowest, |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    drop_file(&mut harness, path);
    // Frames keep coming while the file loads, and they show its progress.
    let mut fractions = Vec::new();
    let mut frames_while_loading = 0;
    let start = Instant::now();
    while harness.state().state.dataset.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out loading"
        );
        let frame = Instant::now();
        harness.step();
        slowest = slowest.max(frame.elapsed());
        assert!(
            frame.elapsed() <= FRAME_LIMIT,
            "a frame took {:?} while loading",
            frame.elapsed()
        );
        if let Some(loading) = &harness.state().state.loading {
            frames_while_loading += 1;
            fractions.push(loading.job.fraction);
        }
        news().wait_after(news().seen(), Duration::from_millis(20));
    }
    assert!(
        frames_while_loading > 3,
        "the window drew {frames_while_loading} frames during the load"
    );
    assert!(
        fractions.windows(2).all(|w| w[1] >= w[0]),
        "progress only moves forward"
    );
    timed_until(
        &mut harness,
        "checking the data's health",
        &mut slowest,
        report_ready,
    );
    let dataset = harness.state().state.dataset.as_ref().expect("open");
    assert_eq!(dataset.table.rows, 3_000_000);
    assert!(
        harness
            .query_all_by_label_contains("3,000,000 rows")
            .count()
            >= 1
    );

    // Choose a target and a split by time, by clicking as a user would.
    harness.get_by_label("Predict a column…").click();
    timed_until(&mut harness, "opening the wizard", &mut slowest, |app| {
        app.state.page == Page::Predict
    });
    harness.get_by_label("Column to predict").click();
    timed_until(&mut harness, "opening the list", &mut slowest, |_| true);
    harness.get_by_label("delay").click();
    timed_until(&mut harness, "checking the target", &mut slowest, |app| {
        app.state.prediction.target_ok() && !app.state.prediction.inputs.is_empty()
    });
    harness.get_by_label_contains("Clearbox will treat 'delay' as a number");
    harness.get_by_label("Next").click();
    timed_until(&mut harness, "showing the inputs", &mut slowest, |app| {
        app.state.prediction.step == Some(WizardStep::Inputs)
    });
    harness.get_by_label("Next").click();
    timed_until(
        &mut harness,
        "showing the check step",
        &mut slowest,
        |app| app.state.prediction.step == Some(WizardStep::Check),
    );
    harness.get_by_label("Split the rows").click();
    timed_until(&mut harness, "opening the split list", &mut slowest, |_| {
        true
    });
    harness.get_by_label("By time: 'date'").click();
    timed_until(
        &mut harness,
        "planning the split by time",
        &mut slowest,
        |app| {
            app.state
                .prediction
                .check
                .as_ref()
                .is_some_and(|c| c.split_ok && c.split_sentence.contains("'date'"))
        },
    );
    harness.get_by_label_contains("Rows are split by 'date'");
    eprintln!("slowest frame with 3,000,000 rows open: {slowest:?}");
}

#[test]
fn a_saved_model_and_a_newer_file_give_a_verdict_and_a_column_chart() {
    use clearbox::data::{DataSource, load};
    use clearbox::jobs::Progress;
    use clearbox::templates::prediction::{PredictionRequest, train_prediction};

    let dir = tempfile::tempdir().expect("temp dir");
    // The 2015 and 2018 rows of the census sample, as two files.
    let census =
        std::fs::read_to_string(super::sample("census_employment_2015_2018.csv")).expect("reads");
    let mut lines = census.lines();
    let header = lines.next().expect("header");
    let year = header.split(',').position(|c| c == "year").expect("year");
    let (mut old, mut new) = (format!("{header}\n"), format!("{header}\n"));
    for line in lines {
        match line.split(',').nth(year) {
            Some("2015") => old.push_str(&format!("{line}\n")),
            Some("2018") => new.push_str(&format!("{line}\n")),
            _ => {}
        }
    }
    let (old_path, new_path) = (dir.path().join("2015.csv"), dir.path().join("2018.csv"));
    std::fs::write(&old_path, old).expect("writes");
    std::fs::write(&new_path, new).expect("writes");

    // A small model trained on 2015 with the library.
    let table = load(&DataSource::File(old_path.clone()), &Progress::silent()).expect("loads");
    let device = clearbox::compute::select_device(DevicePreference::Cpu).expect("cpu");
    let request = PredictionRequest {
        target: "employed".into(),
        exclude: vec!["prediction".into(), "predicted_probability".into()],
        include: Vec::new(),
        seed: 7,
        split: Default::default(),
    };
    let outcome =
        train_prediction(&table, &request, &device, &Progress::silent(), &|_| {}).expect("trains");
    let model = dir.path().join("model");
    outcome.save(&model).expect("saves");

    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    drop_file(&mut harness, old_path);
    step_until(&mut harness, "the 2015 report", report_ready);
    harness.get_by_label("Compare with newer data…");
    // The buttons open file dialogs; the test hands over the paths instead.
    harness
        .state_mut()
        .send(DriftCommand::UseModel(Some(model)).into());
    harness
        .state_mut()
        .send(DriftCommand::CompareWith(new_path).into());
    step_until(&mut harness, "the drift verdict", |app| {
        app.state.drift.report.is_some() && app.state.drift.running.is_none()
    });
    assert_eq!(harness.state().state.page, Page::Drift);
    let report = harness
        .state()
        .state
        .drift
        .report
        .clone()
        .expect("a report");
    harness.get_by_label(&format!("Verdict: {}", report.verdict.word()));
    harness.get_by_label_contains(&report.reasons[0]);
    harness.get_by_label_contains("What matters to the model");
    assert!(report.model.as_ref().is_some_and(|m| m.score.is_some()));

    // Open one column: its overlaid chart and measures appear.
    let age = report.column("AGEP").expect("compared");
    harness
        .get_by_label(&format!("AGEP — {}", age.band.word()))
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().state.drift.selected.as_deref(),
        Some("AGEP")
    );
    harness.get_by_label("Reference and current: AGEP");
    harness.get_by_label("Wasserstein");
    harness.get_by_label("Model reliance");
    review_image(&mut harness, "drift_page");

    // Champion and challenger: train on 2018, compare on 2018's held-out rows, promote.
    harness
        .get_by_label("Train a challenger on the newer data")
        .click();
    step_until(&mut harness, "the challenger", |app| {
        app.state.drift.challenger.result.is_some()
    });
    harness.get_by_label_contains("Champion (your model): AUC");
    harness.get_by_label_contains("Challenger (trained on 2018.csv): AUC");
    let promoted = dir.path().join("promoted");
    harness
        .state_mut()
        .send(DriftCommand::Promote(promoted.clone()).into());
    step_until(&mut harness, "the promotion written", |app| {
        app.state.drift.challenger.promoted.is_some()
    });
    harness.get_by_label_contains("You promoted the challenger");
    review_image(&mut harness, "drift_challenger");
    let record = std::fs::read_to_string(promoted.join("promotion.json")).expect("a record");
    assert!(
        record.contains("\"decided_by\"") && record.contains("2018.csv"),
        "{record}"
    );
    assert!(promoted.join("artefact.json").is_file() && promoted.join("card.ron").is_file());
}

#[test]
fn one_table_split_by_year_shows_drift_over_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    harness.get_by_label("Employment 2015 vs 2018").click();
    step_until(&mut harness, "the census report", report_ready);
    harness
        .state_mut()
        .send(DriftCommand::ComparePeriods("year".into()).into());
    step_until(&mut harness, "the periods", |app| {
        app.state.drift.periods.is_some() && app.state.drift.running.is_none()
    });
    harness.get_by_label("Over time");
    harness.get_by_label("Drift of each column against year 2015");
    let periods = harness
        .state()
        .state
        .drift
        .periods
        .clone()
        .expect("periods");
    assert_eq!(periods.periods.len(), 2);
    // Each column's line starts at zero in the first period.
    assert!(periods.series.iter().all(|s| s.psi[0] == 0.0));
    // Statistics only, no training: the same picture on every processor.
    harness.snapshot("drift_over_time");
}

#[test]
fn cancelling_training_from_the_window_stops_it_and_nothing_lands_later() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Telecom churn").click();
    step_until(&mut harness, "the telco report", report_ready);
    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "the inputs", |app| {
        app.state.prediction.target_ok() && !app.state.prediction.inputs.is_empty()
    });
    harness.get_by_label("Next").click();
    harness.run_steps(2);
    harness.get_by_label("Next").click();
    step_until(&mut harness, "the check step", |app| {
        app.state.prediction.step == Some(WizardStep::Check)
    });
    harness.get_by_label("Train").click();
    step_until(&mut harness, "training to start", |app| {
        app.state
            .prediction
            .training
            .as_ref()
            .is_some_and(|t| t.job.fraction > 0.0)
    });
    harness.get_by_label("Cancel training").click();
    harness.run_steps(2);
    let wizard = &harness.state().state.prediction;
    assert!(wizard.training.is_none(), "the progress is gone at once");
    assert_eq!(wizard.step, Some(WizardStep::Check));
    harness.get_by_label("Train");
    // However long the stopped job's thread takes to notice, no model lands.
    for _ in 0..10 {
        let seen = news().seen();
        harness.step();
        news().wait_after(seen, Duration::from_millis(100));
    }
    let wizard = &harness.state().state.prediction;
    assert!(wizard.outcome.is_none() && wizard.step == Some(WizardStep::Check));
}

#[test]
fn a_damaged_model_folder_is_a_banner_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let damaged = dir.path().join("damaged_model");
    std::fs::create_dir(&damaged).expect("creates");
    std::fs::write(damaged.join("card.ron"), "(half a card").expect("writes");
    let mut harness = harness(&dir.path().join("settings.ron"));
    step_until(&mut harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
    harness.get_by_label("Penguins").click();
    step_until(&mut harness, "the penguins report", report_ready);
    harness
        .state_mut()
        .send(DriftCommand::UseModel(Some(damaged)).into());
    harness
        .state_mut()
        .send(DriftCommand::CompareWith(super::sample("penguins.csv")).into());
    step_until(&mut harness, "the error banner", |app| {
        matches!(app.state.banner, Some(Banner::Error(_)))
    });
    harness.get_by_label_contains("'damaged_model' cannot be used: it holds no artefact.json");
    assert!(harness.state().state.drift.report.is_none());
}
