//! "Break the model" challenges in the window: each opens German credit with
//! one thing broken, is completed by clicking as a learner would, and says
//! what was broken at the end.

use egui_kittest::kittest::{NodeT, Queryable};

use super::gui::{
    assert_terms_explained, harness, press, press_with_keyboard, report_ready, step_until,
    wizard_checked,
};
use super::lessons_gui::{done, ready, start};
use super::ui::state::WizardStep;

const CHALLENGE: &str = "Start the challenge";

#[test]
fn the_hidden_leak_and_the_wrong_answers_are_found_by_training_and_explaining() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    harness.get_by_label("Break the model (for trainers)");
    start(&mut harness, CHALLENGE, "Find the hidden leak");
    step_until(&mut harness, "the broken credit table", report_ready);
    let dataset = harness.state().state.dataset.as_ref().expect("a table");
    assert!(
        dataset.table.column("collections_flag").is_some()
            && dataset.target.as_deref() == Some("credit_risk"),
        "the leak is in and the sample's target suggested"
    );
    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    wizard_checked(&mut harness);
    // Through the wizard with the keyboard alone.
    press_with_keyboard(&mut harness, "Next");
    assert_eq!(
        harness.state().state.prediction.step,
        Some(WizardStep::Inputs)
    );
    press_with_keyboard(&mut harness, "Next");
    press_with_keyboard(&mut harness, "Train");
    step_until(&mut harness, "step 2: a model with the leak", |app| {
        done(app) >= 2
    });
    let leaky = model_figure(&harness);
    harness.get_by_label("Explain the model…").click();
    step_until(&mut harness, "step 3: the drivers", |app| done(app) >= 3);
    let top = harness
        .state()
        .state
        .explain
        .drivers
        .first()
        .map(|d| d.column.clone());
    assert_eq!(
        top.as_deref(),
        Some("collections_flag"),
        "the leak drives the model"
    );
    press(&mut harness, "Back to results");
    press(&mut harness, "2 Inputs");
    harness.get_by_label("collections_flag").click();
    step_until(&mut harness, "step 4", |app| done(app) >= 4);
    press(&mut harness, "Next");
    harness.get_by_label("Train").click();
    step_until(&mut harness, "step 5: the honest model", |app| {
        done(app) >= 5
    });
    let honest = model_figure(&harness);
    assert!(
        leaky > honest + 0.05,
        "the leak flatters the model: {leaky:.3} with it, {honest:.3} without"
    );
    harness.get_by_label("Lesson complete: every step is done.");
    harness.get_by_label_contains("What was broken: 'collections_flag' was added");
    assert_terms_explained(&harness, "a finished challenge");

    press(&mut harness, "Close the lesson");
    press(&mut harness, "Back to the data");
    press(&mut harness, "Home");
    start(
        &mut harness,
        CHALLENGE,
        "Wrong answers in, wrong answers out",
    );
    step_until(&mut harness, "the noisy credit table", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.name.contains("challenge"))
    });
    harness.get_by_label("Predict a column…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    wizard_checked(&mut harness);
    if harness.state().state.prediction.step != Some(WizardStep::Goal) {
        // The wizard resumes where it was left; start from its first step.
        press(&mut harness, "1 Goal");
    }
    press(&mut harness, "Next");
    press(&mut harness, "Next");
    harness.get_by_label("Train").click();
    step_until(&mut harness, "step 2: a weaker model", |app| done(app) >= 2);
    harness.get_by_label("Explain the model…").click();
    step_until(&mut harness, "step 3: the drivers", |app| done(app) >= 3);
    harness.get_by_label_contains("What was broken: 25% of the answers in 'credit_risk'");
}

#[test]
fn the_moved_batch_and_the_column_of_gaps_are_found_on_the_drift_and_data_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    start(&mut harness, CHALLENGE, "Which column moved?");
    step_until(&mut harness, "the batches", report_ready);
    harness.get_by_label("Compare over time…").click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    // The period list, opened and chosen from as a learner does.
    press(&mut harness, "Split this table by");
    // The list scrolls; a column far down it is chosen as a keyboard user chooses it.
    harness.get_by_label("batch").click_accesskit();
    step_until(&mut harness, "step 2: the verdict", |app| done(app) >= 2);
    harness.get_by_label_contains("age — ").click();
    step_until(&mut harness, "step 3: the moved column", |app| {
        done(app) >= 3
    });
    harness.get_by_label_contains("What was broken: The later batch");
    assert_terms_explained(&harness, "the drift page of a challenge");

    press(&mut harness, "Back to the data");
    press(&mut harness, "Home");
    start(&mut harness, CHALLENGE, "The column full of gaps");
    step_until(&mut harness, "the table with gaps", |app| {
        report_ready(app)
            && app
                .state
                .dataset
                .as_ref()
                .is_some_and(|d| d.table.column("batch").is_none())
    });
    assert_eq!(done(harness.state()), 0);
    // "employment_duration — …" is listed too.
    harness
        .query_all_by_label_contains("duration — ")
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("duration — "))
        })
        .expect("duration in the list of columns")
        .click();
    step_until(&mut harness, "step 1", |app| done(app) >= 1);
    harness.get_by_label("Leave out 'duration'").click();
    step_until(&mut harness, "step 2", |app| done(app) >= 2);
    harness.get_by_label_contains("What was broken: ");
}

/// The headline test figure of the model on the results page.
fn model_figure(harness: &egui_kittest::Harness<'_, super::ui::ClearboxApp>) -> f64 {
    harness
        .state()
        .state
        .prediction
        .outcome
        .as_ref()
        .map(|o| o.card.chosen_test().value())
        .expect("a trained model")
}
