//! The project file without training: records, the trail's checks, and
//! what a broken trail stops.

use serde_json::json;

use super::account::{Account, Chart};
use super::runs::Finished;
use super::*;
use crate::data::{DataSource, Recipe, load};
use crate::error::ClearboxError;
use crate::jobs::Progress;
use crate::templates::{FolderWriter, Provenance, TemplateKind};

fn penguins() -> crate::data::Table {
    let sample = crate::samples::find("penguins").expect("the penguins sample");
    load(&DataSource::Sample(sample), &Progress::silent()).expect("loads")
}

/// A project with one finished run (a made-up artefact) and one started.
fn project_with_runs(dir: &std::path::Path) -> Project {
    let table = penguins();
    let mut project = Project::open_or_create(&dir.join("p.clearbox")).expect("creates");
    let source = project
        .add_source(&table, &Recipe::default())
        .expect("source");
    assert_eq!(
        project
            .add_source(&table, &Recipe::default())
            .expect("again"),
        source,
        "the same data is one source"
    );
    let run = project
        .start_run(
            TemplateKind::Segmentation,
            source,
            &json!({"k": 3}),
            5,
            "CPU",
            None,
        )
        .expect("starts");
    let folder = dir.join("artefact");
    let mut writer = FolderWriter::create(&folder).expect("folder");
    writer.file("card.ron", b"(k: 3)").expect("card");
    let provenance = Provenance::new(TemplateKind::Segmentation, &table, "CPU", 5, &json!({}));
    let record = writer.finish(&provenance).expect("record");
    let account = Account {
        purpose: "Groups.".into(),
        inputs: vec!["bill_length_mm".into()],
        left_out: Vec::new(),
        tested: "Every row.".into(),
        results: vec!["3 groups.".into()],
        chart: Chart {
            title: "Rows".into(),
            caption: "c".into(),
            bars: Vec::new(),
        },
    };
    project
        .finish_run(
            run,
            &Finished {
                record: &record,
                dir: &folder,
                metrics: json!({"k": 3}),
                headline: "3 groups.".into(),
                account,
            },
        )
        .expect("finishes");
    project
        .start_run(
            TemplateKind::Segmentation,
            source,
            &json!({"k": 4}),
            6,
            "CPU",
            None,
        )
        .expect("starts a second");
    project.add_note(Some(run), "Looks right.").expect("note");
    project
}

#[test]
fn records_round_trip_and_the_trail_is_intact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut project = project_with_runs(dir.path());
    assert_eq!(
        project.check_trail().expect("checks"),
        &Trail::Intact { events: 5 }
    );
    let runs = project.runs().expect("lists");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].status, RunStatus::Finished);
    assert_eq!(runs[0].metrics, json!({"k": 3}));
    assert_eq!(
        runs[1].status,
        RunStatus::Running,
        "an unfinished run says so"
    );
    let out = dir.path().join("copy");
    project
        .extract_artefact(runs[0].id, &out)
        .expect("extracts");
    let folder = crate::templates::Folder::open(&out).expect("a valid folder");
    assert_eq!(
        folder.record.hash(),
        runs[0].artefact_hash.clone().expect("hash")
    );
    let kinds: Vec<String> = project
        .events()
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "data_loaded",
            "run_started",
            "run_finished",
            "run_started",
            "note_added"
        ]
    );
}

#[test]
fn every_kind_of_change_outside_clearbox_is_caught() {
    let changes = [
        (
            "UPDATE artefact_files SET bytes = x'00'",
            Some(3),
            "stored file 'card.ron'",
        ),
        ("DELETE FROM notes", Some(5), "no longer in the file"),
        (
            "INSERT INTO notes (at, text) VALUES ('2026-01-01T00:00:00Z', 'sneaked in')",
            None,
            "no event recorded it",
        ),
        ("UPDATE sources SET rows = 1", Some(1), "'rows'"),
        (
            "DELETE FROM audit_events WHERE seq = 2",
            Some(3),
            "does not follow",
        ),
    ];
    for (sql, seq, problem) in changes {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("p.clearbox");
        drop(project_with_runs(dir.path()));
        rusqlite::Connection::open(&path)
            .and_then(|db| db.execute_batch(sql))
            .expect("changes the file");
        let mut project = Project::open(&path).expect("opens");
        match project.trail().clone() {
            Trail::Broken {
                seq: found,
                problem: said,
            } => {
                assert_eq!(found, seq, "{sql}: {said}");
                assert!(said.contains(problem), "{sql}: {said}");
            }
            intact => panic!("{sql} was not caught: {intact:?}"),
        }
        assert!(project.read_only());
        match project.add_note(None, "more") {
            Err(ClearboxError::ProjectReadOnly { .. }) => {}
            other => panic!("a broken project took a note: {other:?}"),
        }
    }
}
