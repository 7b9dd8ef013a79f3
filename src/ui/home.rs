//! The home screen: open a file, pick a sample, reopen a recent file, or
//! start or open a project.

use clearbox::samples::SAMPLES;
use clearbox::words;
use egui::{RichText, Ui};

use super::commands::{AppCommand, DataCommand, PolicyCommand, ProjectCommand};
use super::files::FilePurpose;
use super::state::AppState;

/// Draws the home screen.
pub fn home_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(12.0);
        ui.heading("Clearbox");
        ui.label(
            "Open a table to see how healthy it is, then find groups in it, predict a column, or \
             learn which action to take from a log of decisions.",
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Open a file…").clicked() {
                commands.push(AppCommand::Pick(FilePurpose::OpenTable));
            }
            ui.weak("CSV or Parquet. You can also drop a file onto this window.");
            if let Some(dataset) = &state.dataset {
                if ui
                    .button(format!("Back to {}", dataset.table.name))
                    .clicked()
                {
                    commands.push(DataCommand::GoToData.into());
                }
            }
        });
        project_ui(ui, state, commands);
        ui.add_space(16.0);
        ui.label(RichText::new("Samples").strong());
        ui.weak("Real public data, bundled so that everything works offline.");
        // Cards in rows that fit the window.
        let per_row = ((ui.available_width() + 8.0) / (CARD_WIDTH + 30.0))
            .floor()
            .max(1.0) as usize;
        for row in SAMPLES.chunks(per_row) {
            ui.horizontal(|ui| {
                for sample in row {
                    sample_card_ui(ui, sample, commands);
                }
            });
        }
        simulator_ui(ui, state, commands);
        if !state.settings.recent.is_empty() {
            ui.add_space(16.0);
            ui.label(RichText::new("Recent files").strong());
            for recent in &state.settings.recent {
                ui.horizontal(|ui| {
                    let name = clearbox::error::display_name(&recent.path);
                    if ui
                        .link(&name)
                        .on_hover_text(recent.path.display().to_string())
                        .clicked()
                    {
                        commands.push(DataCommand::OpenFile(recent.path.clone()).into());
                    }
                    ui.weak(format!(
                        "{} × {} columns",
                        words::rows(recent.shape.0),
                        recent.shape.1
                    ));
                });
            }
        }
    });
}

/// The project: start one, open one, or reopen a recent one.
fn project_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    ui.add_space(16.0);
    ui.label(RichText::new("Projects").strong());
    ui.weak(
        "A project is one file that keeps your data's place and fingerprint, every run with its \
         settings and figures, and a trail of what was done, so the work can be reopened, \
         repeated and reviewed.",
    );
    ui.horizontal(|ui| {
        if ui.button("New project…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::NewProject));
        }
        if ui.button("Open a project…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::OpenProject));
        }
        if let Some(project) = &state.project
            && ui.button(format!("Runs in '{}'", project.name)).clicked()
        {
            commands.push(ProjectCommand::ShowRuns.into());
        }
    });
    for path in &state.settings.recent_projects {
        ui.horizontal(|ui| {
            let name = clearbox::error::display_name(path);
            if ui
                .link(format!("Open project {name}"))
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                commands.push(ProjectCommand::Open(path.clone()).into());
            }
        });
    }
}

const CARD_WIDTH: f32 = 250.0;

fn sample_card_ui(
    ui: &mut Ui,
    sample: &'static clearbox::samples::Sample,
    commands: &mut Vec<AppCommand>,
) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(CARD_WIDTH);
            ui.set_min_height(70.0);
            ui.vertical(|ui| {
                if ui.button(RichText::new(sample.title).strong()).clicked() {
                    commands.push(DataCommand::OpenSample(sample.id).into());
                }
                ui.label(sample.blurb);
            });
        });
}

/// The workshop simulator: a made-up shop whose true rewards are known.
fn simulator_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    use clearbox::templates::reinforcement::simulator::OldPolicy;
    ui.add_space(16.0);
    ui.label(RichText::new("Workshop simulator").strong());
    ui.weak(
        "A made-up shop whose customers' true chances of taking each of five offers are known: \
         generate a log, learn a policy from it, and compare the estimates with the truth.",
    );
    let choice = &state.simulator;
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Old system")
            .selected_text(choice.old.describe())
            .show_ui(ui, |ui| {
                for old in OldPolicy::ALL {
                    if ui
                        .selectable_label(old == choice.old, old.describe())
                        .clicked()
                    {
                        commands.push(PolicyCommand::SetSimulatedPolicy(old).into());
                    }
                }
            });
        let mut rows = choice.rows;
        let label = ui.label("Decisions");
        if ui
            .add(
                egui::DragValue::new(&mut rows)
                    .range(1_000..=200_000)
                    .speed(500),
            )
            .labelled_by(label.id)
            .changed()
        {
            commands.push(PolicyCommand::SetSimulatedRows(rows).into());
        }
        if ui.button("Generate a log").clicked() {
            commands.push(PolicyCommand::Simulate.into());
        }
    });
}
