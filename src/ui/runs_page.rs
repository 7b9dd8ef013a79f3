//! The run history: every run the project recorded, and two of them side
//! by side with what differs marked. It only draws the project's state.

use clearbox::project::{RunRecord, RunStatus};
use egui::{RichText, Ui};
use serde_json::Value;

use super::commands::{AppCommand, DataCommand, ProjectCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::ProjectView;
use super::theme;

/// Draws the run history of `view`.
pub fn runs_page_ui(ui: &mut Ui, view: &ProjectView, commands: &mut Vec<AppCommand>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal(|ui| {
            if gloss::button(ui, "Back to the table").clicked() {
                commands.push(DataCommand::GoToData.into());
            }
            gloss::heading(ui, format!("Runs in '{}'", view.name));
        });
        gloss::label(ui,
            "Every run is recorded with its data, settings, seed, device and figures. Choose two \
             to compare them side by side.",
        );
        ui.add_space(8.0);
        if view.runs.is_empty() {
            gloss::label(ui,
                "No runs yet. Train a model, find groups or learn a policy: each run is recorded here.",
            );
        } else {
            runs_table_ui(ui, view, commands);
        }
        if let [a, b] = view.chosen.as_slice()
            && let (Some(a), Some(b)) = (find(view, *a), find(view, *b))
        {
            ui.add_space(12.0);
            comparison_ui(ui, a, b);
        }
        ui.add_space(16.0);
        gloss::label(ui, RichText::new("Notes").strong());
        ui.horizontal(|ui| {
            let mut note = view.note.clone();
            let label = gloss::label(ui, "Note");
            let edit = ui
                .add(egui::TextEdit::singleline(&mut note).desired_width(420.0))
                .labelled_by(label.id);
            if edit.changed() {
                commands.push(ProjectCommand::EditNote(note).into());
            }
            if ui
                .add_enabled(!view.read_only(), egui::Button::new("Keep the note"))
                .clicked()
            {
                commands.push(ProjectCommand::AddNote.into());
            }
        });
        ui.add_space(16.0);
        ui.horizontal(|ui| {
            if gloss::button(ui, "Save the project as…").clicked() {
                commands.push(AppCommand::Pick(FilePurpose::SaveProjectAs));
            }
            if gloss::button(ui, "Close the project").clicked() {
                commands.push(ProjectCommand::Close.into());
            }
        });
    });
}

fn find(view: &ProjectView, id: clearbox::project::RunId) -> Option<&RunRecord> {
    view.runs.iter().find(|r| r.id == id)
}

fn runs_table_ui(ui: &mut Ui, view: &ProjectView, commands: &mut Vec<AppCommand>) {
    egui::Grid::new("runs")
        .striped(true)
        .num_columns(6)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for heading in [
                "Run (tick two to compare)",
                "When",
                "What",
                "Data",
                "Result",
                "Device",
            ] {
                gloss::label(ui, RichText::new(heading).strong());
            }
            ui.end_row();
            for run in &view.runs {
                let mut chosen = view.chosen.contains(&run.id);
                if ui
                    .checkbox(&mut chosen, format!("Run {}", run.id.0))
                    .on_hover_text("Tick two runs to see them side by side.")
                    .changed()
                {
                    commands.push(ProjectCommand::Choose(run.id).into());
                }
                gloss::label(ui, shown_moment(&run.created_at));
                gloss::label(
                    ui,
                    match run.rerun_of {
                        Some(of) => format!("{} (repeats run {})", run.template.name(), of.0),
                        None => run.template.name().to_owned(),
                    },
                );
                gloss::label(ui, format!("{} ({} rows)", run.data.name, run.data.rows))
                    .on_hover_text(format!(
                        "{}, fingerprint {}",
                        run.data.path, run.data.fingerprint
                    ));
                match run.status {
                    RunStatus::Finished => {
                        ui.horizontal_wrapped(|ui| {
                            ui.set_max_width(420.0);
                            gloss::label(ui, run.headline.clone().unwrap_or_default());
                            if ui
                                .small_button(format!("Report on run {}…", run.id.0))
                                .clicked()
                            {
                                commands.push(AppCommand::Pick(FilePurpose::Report(run.id)));
                            }
                        });
                    }
                    RunStatus::Failed => {
                        gloss::coloured(
                            ui,
                            theme::PROBLEM,
                            format!(
                                "Did not finish: {}",
                                run.problem.clone().unwrap_or_default()
                            ),
                        );
                    }
                    RunStatus::Running => {
                        gloss::weak(ui, "Not finished: running now, or interrupted.");
                    }
                }
                gloss::label(ui, &run.device);
                ui.end_row();
            }
        });
}

/// `2026-12-02T06:53:47Z` as people read it.
fn shown_moment(recorded: &str) -> String {
    clearbox::words::Moment::parse(recorded).map_or_else(|| recorded.to_owned(), |m| m.shown())
}

/// Two runs' settings and figures, row by row, what differs marked.
fn comparison_ui(ui: &mut Ui, a: &RunRecord, b: &RunRecord) {
    gloss::label(
        ui,
        RichText::new(format!("Run {} and run {} side by side", a.id.0, b.id.0)).strong(),
    );
    let rows = compared_rows(a, b);
    let differing = rows.iter().filter(|(_, x, y)| x != y).count();
    gloss::label(
        ui,
        if differing == 0 {
            "They are the same in every setting and figure.".to_owned()
        } else {
            format!(
                "{differing} of {} settings and figures differ; they are marked.",
                rows.len()
            )
        },
    );
    egui::Grid::new("comparison")
        .striped(true)
        .num_columns(4)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            gloss::label(ui, RichText::new("Setting or figure").strong());
            gloss::label(ui, RichText::new(format!("Run {}", a.id.0)).strong());
            gloss::label(ui, RichText::new(format!("Run {}", b.id.0)).strong());
            gloss::label(ui, "");
            ui.end_row();
            for (name, x, y) in &rows {
                gloss::label(ui, name);
                if x == y {
                    gloss::label(ui, x);
                    gloss::label(ui, y);
                    gloss::label(ui, "");
                } else {
                    gloss::coloured(ui, theme::CHECK, x);
                    gloss::coloured(ui, theme::CHECK, y);
                    gloss::coloured(ui, theme::CHECK, "differs");
                }
                ui.end_row();
            }
        });
}

/// Every setting and figure of both runs, by name, as text.
fn compared_rows(a: &RunRecord, b: &RunRecord) -> Vec<(String, String, String)> {
    let describe = |r: &RunRecord| {
        let mut out = vec![
            ("template".to_owned(), r.template.name().to_owned()),
            (
                "data".to_owned(),
                format!("{} ({})", r.data.name, r.data.fingerprint),
            ),
            ("rows".to_owned(), r.data.rows.to_string()),
            ("seed".to_owned(), r.seed.to_string()),
            ("device".to_owned(), r.device.clone()),
            ("Clearbox version".to_owned(), r.clearbox_version.clone()),
        ];
        flatten("settings", &r.settings, &mut out);
        flatten("metrics", &r.metrics, &mut out);
        out
    };
    let (left, right) = (describe(a), describe(b));
    let names: Vec<&String> = left.iter().chain(&right).map(|(n, _)| n).collect();
    let mut seen = std::collections::BTreeSet::new();
    let value = |side: &[(String, String)], name: &str| {
        side.iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| "—".to_owned(), |(_, v)| v.clone())
    };
    names
        .into_iter()
        .filter(|name| seen.insert((*name).clone()))
        .map(|name| (name.clone(), value(&left, name), value(&right, name)))
        .collect()
}

/// Leaves of `value` as `path.key = text`.
fn flatten(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                flatten(&format!("{path}.{key}"), inner, out);
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object() && !v.is_array()) => {
            let texts: Vec<String> = items.iter().map(leaf).collect();
            out.push((path.to_owned(), texts.join(", ")));
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                flatten(&format!("{path}[{i}]"), inner, out);
            }
        }
        other => out.push((path.to_owned(), leaf(other))),
    }
}

fn leaf(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}
