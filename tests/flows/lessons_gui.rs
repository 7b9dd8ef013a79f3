//! First run and workshops in the window: the home page's goals, lessons
//! completed by clicking through them as a learner would, the hint, presenter
//! mode and the look of the window.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::gui::{
    assert_terms_explained, harness, press, report_ready, review_image, step_until, wizard_checked,
};
use super::ui::ClearboxApp;
use super::ui::commands::LessonCommand;
use super::ui::state::{Page, WizardStep};

pub(super) fn ready(harness: &mut Harness<'_, ClearboxApp>) {
    step_until(harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
}

/// Steps done in the lesson in progress.
pub(super) fn done(app: &ClearboxApp) -> usize {
    app.state
        .lesson
        .as_ref()
        .map_or(0, |l| l.done.iter().filter(|d| **d).count())
}

fn start_lesson(harness: &mut Harness<'_, ClearboxApp>, title: &str) {
    start(harness, "Start the lesson", title);
}

/// Picks a theme from the status bar's list.
fn choose_theme(harness: &mut Harness<'_, ClearboxApp>, name: &str) {
    press(harness, "Theme");
    harness.get_by_label(name).click();
    harness.run_steps(3);
}

/// Presses the home page's `verb: title` button and waits for the panel.
pub(super) fn start(harness: &mut Harness<'_, ClearboxApp>, verb: &str, title: &str) {
    let label = format!("{verb}: {title}");
    // The lessons sit below the fold of the test window: pressed as
    // keyboard and screen-reader users press it.
    harness.get_by_label(&label).click_accesskit();
    harness.run_steps(2);
    harness.get_by_label(&format!("Lesson: {title}"));
}

#[test]
fn the_home_page_starts_from_the_goal_and_leads_to_each_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    for goal in ["Find groups", "Predict a column", "Choose the best action"] {
        harness.get_by_label(goal);
    }
    harness.get_by_label("\"Who will leave?\"");
    assert_terms_explained(&harness, "the home screen");
    review_image(&mut harness, "home_light");
    for (sample, page) in [
        ("Open Penguins", Page::Segment),
        ("Open Telecom churn", Page::Predict),
        ("Open Fashion recommendations", Page::Policy),
    ] {
        harness.get_by_label(sample).click();
        step_until(&mut harness, sample, |app| app.state.page == page);
        press(&mut harness, "Back to the data");
        press(&mut harness, "Home");
    }
    // The dark theme, for review.
    choose_theme(&mut harness, "Dark");
    assert!(harness.ctx.theme() == egui::Theme::Dark);
    review_image(&mut harness, "home_dark");
    // Text size steps up and back.
    let before = harness.ctx.zoom_factor();
    press(&mut harness, "A+");
    assert!(harness.ctx.zoom_factor() > before);
    press(&mut harness, "A−");
    assert!((harness.ctx.zoom_factor() - before).abs() < 1e-4);
    // Ctrl + as well; the size and theme chosen are there next time.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Plus);
    harness.run_steps(2);
    let larger = harness.ctx.zoom_factor();
    assert!(larger > before, "Ctrl + makes the text larger");
    let settings = dir.path().join("settings.ron");
    step_until(&mut harness, "the look saved", |_| {
        std::fs::read_to_string(&settings)
            .is_ok_and(|t| t.contains("Dark") && t.contains(&format!("{larger}")))
    });
    drop(harness);
    let mut again = super::gui::harness(&settings);
    again.run_steps(1);
    assert!(again.ctx.theme() == egui::Theme::Dark);
    assert!((again.ctx.zoom_factor() - larger).abs() < 1e-4);
}

#[test]
fn spot_the_leak_is_completed_by_clicking_and_presenter_mode_shows_the_step_large() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start_lesson(&mut harness, "Spot the leak");
    step_until(&mut harness, "the titanic report", report_ready);
    assert_eq!(done(harness.state()), 0);
    // The hint is offered (at once in tests) and shown on request.
    press(&mut harness, "Show a hint");
    harness.get_by_label_contains("Hint: The button sits beside Home");

    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    wizard_checked(&mut harness);
    press(&mut harness, "Next");
    harness.get_by_label("boat").click();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
    press(&mut harness, "Next");
    harness.get_by_label("Train").click();
    step_until(&mut harness, "step 3: a model with boat", |app| {
        done(app) >= 3
    });
    assert_terms_explained(&harness, "the prediction results with a lesson");

    // Presenter mode: the current step alone, large; the shortcut leaves it.
    let zoom = harness.ctx.zoom_factor();
    harness.get_by_label("Presenter mode").click();
    harness.run_steps(3);
    assert!(harness.state().state.presenter && harness.ctx.zoom_factor() > zoom);
    assert!(
        harness
            .query_by_label_contains("Step 1 (done): Click \"Predict a column")
            .is_none(),
        "steps done are folded away"
    );
    harness.get_by_label_contains("Step 4 (now):");
    review_image(&mut harness, "lesson_presenter");
    choose_theme(&mut harness, "Dark");
    review_image(&mut harness, "lesson_presenter_dark");
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::P,
    );
    harness.run_steps(3);
    assert!(!harness.state().state.presenter);
    assert!((harness.ctx.zoom_factor() - zoom).abs() < 1e-4);
    review_image(&mut harness, "lesson_in_progress_dark");
    choose_theme(&mut harness, "Light");
    review_image(&mut harness, "lesson_in_progress");

    press(&mut harness, "2 Inputs");
    harness.get_by_label("boat").click();
    step_until(&mut harness, "step 4", |app| done(app) >= 4);
    press(&mut harness, "Next");
    harness.get_by_label("Train").click();
    step_until(&mut harness, "step 5: the honest model", |app| {
        done(app) >= 5
    });
    assert_eq!(
        harness.state().state.prediction.step,
        Some(WizardStep::Results)
    );
    harness.get_by_label("Lesson complete: every step is done.");
}

#[test]
fn the_penguin_groups_and_health_lessons_tick_as_the_learner_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start_lesson(&mut harness, "Natural groups of penguins");
    step_until(&mut harness, "the penguins report", report_ready);
    harness.get_by_label("Find groups…").click();
    step_until(&mut harness, "step 1 and the columns", |app| {
        done(app) >= 1 && !app.state.segmentation.inputs.is_empty()
    });
    harness.get_by_label("Find groups").click();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
    let k = harness
        .state()
        .state
        .segmentation
        .outcome
        .as_ref()
        .map(|o| o.card.k);
    // The automatic choice may already be three; otherwise the learner picks it.
    if k != Some(3) {
        harness.get_by_label("3 groups").click();
    }
    step_until(&mut harness, "step 3", |app| done(app) >= 3);
    harness.get_by_label("Lesson complete: every step is done.");
    assert_terms_explained(&harness, "the groups");

    press(&mut harness, "Close the lesson");
    assert!(harness.state().state.lesson.is_none());
    press(&mut harness, "Back to the data");
    press(&mut harness, "Home");
    start_lesson(&mut harness, "A health check");
    step_until(&mut harness, "the titanic report", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.column("Cabin").is_some())
    });
    harness.get_by_label_contains("Cabin — ").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    harness.get_by_label("Leave out 'Cabin'").click();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
}

#[test]
fn the_purchase_log_lesson_goes_from_purchases_to_groups_of_customers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start_lesson(&mut harness, "Customers from a purchase log");
    step_until(&mut harness, "the log's report", report_ready);
    harness.get_by_label_contains("customer_id — ").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    harness
        .get_by_label("One row per customer: summarise the rows of each 'customer_id'")
        .click();
    step_until(&mut harness, "step 2 and the customers' report", |app| {
        done(app) >= 2
            && report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.rows == 1200)
    });
    harness.get_by_label("Find groups…").click();
    step_until(&mut harness, "the columns", |app| {
        !app.state.segmentation.inputs.is_empty()
    });
    harness.get_by_label("Find groups").click();
    step_until(&mut harness, "step 3", |app| done(app) >= 3);
    harness.get_by_label("Lesson complete: every step is done.");
    harness.get_by_label_contains("groups among 1,200 customers.");
}

#[test]
fn the_drift_and_offer_lessons_reach_their_verdict_and_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start_lesson(&mut harness, "Has the world moved?");
    step_until(&mut harness, "the census report", report_ready);
    harness.get_by_label("Compare over time…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    press(&mut harness, "Split this table by");
    // The list scrolls; a column far down it is chosen as a keyboard user chooses it.
    harness.get_by_label("year").click_accesskit();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
    assert_terms_explained(&harness, "the drift page");

    let offers = harness
        .state()
        .state
        .lessons
        .iter()
        .position(|l| l.title == "Next best offer")
        .expect("the lesson");
    harness
        .state_mut()
        .send(LessonCommand::Start(offers).into());
    step_until(&mut harness, "the simulated log", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.truth.is_some())
    });
    harness.get_by_label("Choose the best action…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    step_until(&mut harness, "the roles checked", |app| {
        app.state
            .policy
            .check
            .as_ref()
            .is_some_and(|c| c.problem.is_none())
    });
    press(&mut harness, "Next");
    harness.get_by_label("Learn the policy").click();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
    assert_terms_explained(&harness, "the policy results");
}

#[test]
fn who_will_leave_is_completed_with_a_churn_model_and_its_drivers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start_lesson(&mut harness, "Who will leave?");
    step_until(&mut harness, "the telco report", report_ready);
    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    wizard_checked(&mut harness);
    press(&mut harness, "Next");
    press(&mut harness, "Next");
    harness.get_by_label("Train").click();
    step_until(
        &mut harness,
        "step 2: a churn model of AUC 0.75 or more",
        |app| done(app) >= 2,
    );
    // The outcome in the user's words: the churn column's own value.
    harness.get_by_label_contains("of every 100 rows with churn = ");
    harness.get_by_label("Explain the model…").click();
    step_until(&mut harness, "step 3: the drivers", |app| done(app) >= 3);
    harness.get_by_label("Lesson complete: every step is done.");
}
