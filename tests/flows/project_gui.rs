//! Projects in the window: a new project records the open table, its fixes
//! and every run; the run history compares two runs; reopening restores the
//! table as it was left; data that moved is located, never silently
//! replaced; a broken trail is a red banner and a read-only project.

use clearbox::data::Fix;
use egui_kittest::kittest::Queryable;

use super::gui::{harness, step_until};
use super::ui::commands::{DataCommand, ProjectCommand, SegmentationCommand};
use super::ui::state::{Page, SegmentStep};

type Harness = egui_kittest::Harness<'static, super::ui::ClearboxApp>;

fn ready(harness: &mut Harness) {
    step_until(harness, "the device check", |app| {
        !matches!(app.state.device, super::ui::state::DeviceStatus::Checking)
    });
}

fn table_ready(harness: &mut Harness) {
    step_until(harness, "the table and its report", |app| {
        app.state
            .dataset
            .as_ref()
            .is_some_and(|d| d.report.is_some() && !d.analysing)
            && app.state.loading.is_none()
    });
}

fn writes_done(harness: &mut Harness) {
    step_until(harness, "the writes", |app| app.state.writing.is_none());
    harness.run_steps(5);
}

/// Starts the project `path` on the open table and waits for it.
fn new_project(harness: &mut Harness, path: &std::path::Path) {
    harness
        .state_mut()
        .send(ProjectCommand::New(path.to_path_buf()).into());
    step_until(harness, "the project", |app| app.state.project.is_some());
}

fn find_groups(harness: &mut Harness, runs: usize) {
    harness
        .state_mut()
        .send(SegmentationCommand::FindGroups.into());
    step_until(harness, "the groups", |app| {
        app.state.segmentation.step == Some(SegmentStep::Results)
    });
    step_until(harness, "the run in the history", |app| {
        app.state
            .project
            .as_ref()
            .is_some_and(|p| p.runs.len() == runs)
    });
}

#[test]
fn a_project_records_runs_compares_them_and_reopens_the_table_as_it_was_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.ron");
    let path = dir.path().join("work.clearbox");
    let mut harness = harness(&settings);
    ready(&mut harness);
    harness.get_by_label("Penguins").click();
    table_ready(&mut harness);
    new_project(&mut harness, &path);
    harness.get_by_label("Project: work");
    harness.state_mut().send(
        DataCommand::ApplyFix(Fix::ExcludeColumn {
            column: "year".into(),
        })
        .into(),
    );
    table_ready(&mut harness);
    harness.state_mut().send(SegmentationCommand::Start.into());
    step_until(&mut harness, "the columns", |app| {
        !app.state.segmentation.inputs.is_empty()
    });
    find_groups(&mut harness, 1);
    harness.state_mut().send(
        SegmentationCommand::SetInput {
            column: "island".into(),
            included: false,
        }
        .into(),
    );
    find_groups(&mut harness, 2);
    let found = harness
        .state()
        .state
        .segmentation
        .outcome
        .clone()
        .expect("groups");
    harness
        .state_mut()
        .send(SegmentationCommand::Save(dir.path().join("groups")).into());

    harness.get_by_label("Project: work").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state.page, Page::Runs);
    harness.get_by_label("Runs in 'work'");
    harness.get_by_label("Run 1").click();
    harness.run_steps(1);
    harness.get_by_label("Run 2").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .state
            .project
            .as_ref()
            .map(|p| p.chosen.len()),
        Some(2)
    );
    harness.get_by_label("Run 1 and run 2 side by side");
    harness.get_by_label_contains("settings and figures differ; they are marked.");
    assert!(harness.query_all_by_label("differs").count() >= 1);
    writes_done(&mut harness);
    drop(harness);
    let kinds = crate::event_kinds(&path);
    assert_eq!(
        kinds,
        [
            "data_loaded",
            "recipe_changed",
            "run_started",
            "run_finished",
            "run_started",
            "run_finished",
            "exported"
        ],
        "the load, the fix, both runs and the save are events"
    );

    // A new window opens the project from the recent list: the table comes
    // back with its fix, and the runs are there.
    let mut harness = super::gui::harness(&settings);
    ready(&mut harness);
    harness.get_by_label("Open project work.clearbox").click();
    step_until(&mut harness, "the project", |app| {
        app.state.project.is_some()
    });
    table_ready(&mut harness);
    let app = harness.state();
    let dataset = app.state.dataset.as_ref().expect("the table is reopened");
    assert_eq!(dataset.table.name, "Penguins");
    assert_eq!(
        dataset.recipe.fixes,
        vec![Fix::ExcludeColumn {
            column: "year".into()
        }]
    );
    assert!(dataset.table.column("year").is_none());
    let project = app.state.project.as_ref().expect("the project");
    assert_eq!(project.runs.len(), 2);
    assert!(!project.read_only());
    harness.get_by_label_contains("Reopened 'Penguins' as the project left it");
    // The newest groups come back, computed again from their record: the same groups.
    step_until(&mut harness, "the groups again", |app| {
        app.state.segmentation.step == Some(SegmentStep::Results)
    });
    let again = harness
        .state()
        .state
        .segmentation
        .outcome
        .clone()
        .expect("groups");
    assert_eq!(again.card, found.card);
    assert_eq!(again.assignments, found.assignments);
    assert!(
        !matches!(&harness.state().state.banner, Some(super::ui::state::Banner::Info(t)) if t.contains("differ")),
        "same device and seed: the figures match the record"
    );
}

#[test]
fn data_that_moved_is_located_and_other_data_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.ron");
    let path = dir.path().join("moved.clearbox");
    let data = dir.path().join("penguins.csv");
    std::fs::copy(crate::sample("penguins.csv"), &data).expect("copies");
    let mut harness = harness(&settings);
    ready(&mut harness);
    harness
        .state_mut()
        .send(DataCommand::OpenFile(data.clone()).into());
    table_ready(&mut harness);
    new_project(&mut harness, &path);
    writes_done(&mut harness);
    drop(harness);

    let elsewhere = dir.path().join("elsewhere.csv");
    std::fs::rename(&data, &elsewhere).expect("moves");
    let mut harness = super::gui::harness(&settings);
    ready(&mut harness);
    harness
        .state_mut()
        .send(ProjectCommand::Open(path.clone()).into());
    step_until(&mut harness, "the missing table", |app| {
        app.state
            .project
            .as_ref()
            .is_some_and(|p| p.missing.is_some())
    });
    assert!(
        harness.state().state.dataset.is_none(),
        "no other data was opened"
    );
    harness.get_by_label_contains("could not be reopened as it was");
    harness.get_by_label("Locate the file…");

    // Another file is refused with the fingerprints; the right one opens.
    let other = crate::sample("titanic.csv");
    harness
        .state_mut()
        .send(ProjectCommand::Locate(other).into());
    step_until(&mut harness, "the refusal", |app| {
        app.state.loading.is_none()
            && app
                .state
                .project
                .as_ref()
                .and_then(|p| p.missing.as_ref())
                .is_some_and(|m| m.problem.contains("fingerprint"))
    });
    assert!(harness.state().state.dataset.is_none());
    harness
        .state_mut()
        .send(ProjectCommand::Locate(elsewhere).into());
    table_ready(&mut harness);
    assert!(
        harness
            .state()
            .state
            .project
            .as_ref()
            .is_some_and(|p| p.missing.is_none())
    );
}

#[test]
fn a_broken_trail_is_a_red_banner_and_nothing_more_is_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("edited.clearbox");
    {
        let sample = clearbox::samples::find("penguins").expect("sample");
        let table = clearbox::data::load(
            &clearbox::data::DataSource::Sample(sample),
            &clearbox::jobs::Progress::silent(),
        )
        .expect("loads");
        let mut project = clearbox::project::Project::open_or_create(&path).expect("creates");
        project
            .add_source(&table, &clearbox::data::Recipe::default())
            .expect("records");
    }
    rusqlite::Connection::open(&path)
        .and_then(|db| db.execute_batch("UPDATE sources SET rows = 3"))
        .expect("edits the file");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    harness
        .state_mut()
        .send(ProjectCommand::Open(path.clone()).into());
    step_until(&mut harness, "the project", |app| {
        app.state.project.is_some()
    });
    harness.run_steps(3);
    harness.get_by_label_contains("The audit trail is broken");
    harness.get_by_label_contains("open read-only");
    assert!(
        harness
            .state()
            .state
            .project
            .as_ref()
            .is_some_and(|p| p.read_only())
    );
}

#[test]
fn a_trained_model_and_its_explanation_are_kept_together_in_the_project() {
    use super::ui::commands::{ExplainCommand, PredictionCommand};
    use super::ui::state::WizardStep;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("titanic.clearbox");
    let mut harness = harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    harness.get_by_label("Titanic passengers").click();
    table_ready(&mut harness);
    new_project(&mut harness, &path);
    harness.state_mut().send(PredictionCommand::Start.into());
    step_until(&mut harness, "the target checked", |app| {
        app.state.prediction.check.is_some() && !app.state.prediction.inputs.is_empty()
    });
    harness.state_mut().send(PredictionCommand::Train.into());
    step_until(&mut harness, "the results", |app| {
        app.state.prediction.step == Some(WizardStep::Results)
    });
    step_until(&mut harness, "the run recorded", |app| {
        app.state.project.as_ref().is_some_and(|p| {
            p.runs.len() == 1 && p.runs[0].status == clearbox::project::RunStatus::Finished
        })
    });
    harness.state_mut().send(ExplainCommand::Open.into());
    step_until(&mut harness, "the drivers", |app| {
        !app.state.explain.drivers.is_empty()
    });
    let trained = harness
        .state()
        .state
        .prediction
        .outcome
        .clone()
        .expect("a model");
    writes_done(&mut harness);
    drop(harness);

    // Reopened, the project brings back the model and its results exactly.
    let mut harness = super::gui::harness(&dir.path().join("settings.ron"));
    ready(&mut harness);
    harness
        .state_mut()
        .send(ProjectCommand::Open(path.clone()).into());
    step_until(&mut harness, "the model's results again", |app| {
        app.state.prediction.step == Some(WizardStep::Results)
    });
    {
        let wizard = &harness.state().state.prediction;
        let restored = wizard.outcome.as_ref().expect("the model is back");
        assert_eq!(restored.card, trained.card);
        assert_eq!(restored.test_predictions, trained.test_predictions);
        assert_eq!(restored.inputs, trained.inputs);
        assert!(wizard.results.as_ref().is_some_and(|r| r.curves.is_some()));
    }
    harness.state_mut().send(PredictionCommand::Start.into());
    harness.run_steps(3);
    harness.get_by_label_contains("Deep model: AUC");
    harness.state_mut().send(ExplainCommand::Open.into());
    step_until(&mut harness, "the drivers of the reopened model", |app| {
        !app.state.explain.drivers.is_empty()
    });
    writes_done(&mut harness);
    drop(harness);
    let db = rusqlite::Connection::open(&path).expect("opens");
    let (run, global): (Option<i64>, String) = db
        .query_row(
            "SELECT run_id, json_extract(payload, '$.global') FROM explanations ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an explanation was kept");
    assert_eq!(run, Some(1), "tied to the run that made the model");
    assert!(global.contains("Sex"), "{global}");
}

#[test]
fn a_learned_policy_comes_back_when_the_project_is_reopened() {
    use super::ui::commands::PolicyCommand;
    use super::ui::state::PolicyStep;
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = dir.path().join("settings.ron");
    let path = dir.path().join("offers.clearbox");
    let mut harness = harness(&settings);
    ready(&mut harness);
    harness.get_by_label("Fashion recommendations").click();
    table_ready(&mut harness);
    new_project(&mut harness, &path);
    harness.state_mut().send(PolicyCommand::Start.into());
    step_until(&mut harness, "the roles guessed", |app| {
        app.state
            .policy
            .check
            .as_ref()
            .is_some_and(|c| c.problem.is_none())
    });
    harness.state_mut().send(PolicyCommand::Learn.into());
    step_until(&mut harness, "the policy", |app| {
        app.state.policy.step == Some(PolicyStep::Results)
    });
    step_until(&mut harness, "the run recorded", |app| {
        app.state
            .project
            .as_ref()
            .is_some_and(|p| p.runs.len() == 1)
    });
    let learned = harness
        .state()
        .state
        .policy
        .outcome
        .clone()
        .expect("a policy");
    writes_done(&mut harness);
    drop(harness);

    let mut harness = super::gui::harness(&settings);
    ready(&mut harness);
    harness
        .state_mut()
        .send(ProjectCommand::Open(path.clone()).into());
    step_until(&mut harness, "the policy again", |app| {
        app.state.policy.step == Some(PolicyStep::Results)
    });
    let again = harness
        .state()
        .state
        .policy
        .outcome
        .clone()
        .expect("a policy");
    assert_eq!(again.card.actions, learned.card.actions);
    assert_eq!(again.card.roles, learned.card.roles);
    assert_eq!(
        again.card.evaluation.decisions,
        learned.card.evaluation.decisions
    );
    // The policy is learned again from its record. Burn's CPU backend draws
    // from one random source per process, so another test training at the
    // same time can change the last digits: then the window must say so.
    let said_differ = matches!(
        &harness.state().state.banner,
        Some(super::ui::state::Banner::Info(t)) if t.contains("some figures differ")
    );
    assert!(
        again.card.evaluation == learned.card.evaluation || said_differ,
        "a different policy came back without a word"
    );
    harness.state_mut().send(PolicyCommand::Start.into());
    harness.run_steps(3);
    harness.get_by_label_contains(&again.card.evaluation.headline);
}
