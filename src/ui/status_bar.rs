//! The status line (device, project, loading progress) and the banners.

use egui::Ui;

use clearbox::project::Trail;

use super::commands::{AppCommand, DataCommand, ProjectCommand};
use super::files::FilePurpose;
use super::state::{AppState, Banner, DeviceStatus};
use super::theme;

/// The bottom bar: the compute device always, and a load's progress with Cancel.
pub fn status_bar_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            match &state.device {
                DeviceStatus::Checking => {
                    ui.spinner();
                    ui.label("Checking the compute device…");
                }
                DeviceStatus::Ready {
                    label,
                    announcement,
                } => {
                    ui.label(format!("Compute: {label}"))
                        .on_hover_text(announcement);
                    ui.weak(announcement);
                }
                DeviceStatus::Failed(message) => {
                    ui.colored_label(
                        theme::PROBLEM,
                        format!("Compute device unavailable: {message}"),
                    );
                }
            }
            if let Some(project) = &state.project {
                ui.separator();
                if ui
                    .button(format!("Project: {}", project.name))
                    .on_hover_text(format!(
                        "{}: every run is recorded here. Open the run history.",
                        project.path.display()
                    ))
                    .clicked()
                {
                    commands.push(ProjectCommand::ShowRuns.into());
                }
            } else if let Some(name) = &state.opening_project {
                ui.separator();
                ui.spinner();
                ui.label(format!("Opening the project '{name}'…"));
            }
            if let Some(activity) = state.writing {
                ui.separator();
                ui.spinner();
                ui.label(format!("{}…", clearbox::words::capitalised(activity)));
            }
            if let Some(loading) = &state.loading {
                ui.separator();
                // The button comes first and the changing words sit inside a
                // bar of fixed width, so Cancel never moves under the pointer.
                if ui.button("Cancel").clicked() {
                    commands.push(DataCommand::CancelLoad.into());
                }
                ui.label(format!("Opening {}", loading.label));
                ui.add(
                    egui::ProgressBar::new(loading.job.fraction)
                        .desired_width(260.0)
                        .text(format!(
                            "{} ({:.0}%)",
                            loading.job.message,
                            loading.job.fraction * 100.0
                        )),
                );
            }
        });
    });
}

/// The project's standing warnings: a broken audit trail (red, until the
/// project is closed) and recorded data that moved or changed.
pub fn project_banner_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    let Some(project) = &state.project else {
        return;
    };
    if let Trail::Broken { .. } = &project.trail {
        egui::Frame::group(ui.style())
            .fill(egui::Color32::from_rgb(0xFD, 0xE8, 0xE8))
            .stroke(egui::Stroke::new(2.0, theme::ALARM))
            .show(ui, |ui| {
                ui.colored_label(
                    theme::ALARM,
                    format!(
                        "{} The project is open read-only: nothing more is recorded in it.",
                        project.trail.sentence()
                    ),
                );
            });
        ui.add_space(6.0);
    }
    if let Some(missing) = &project.missing {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.5, theme::PROBLEM))
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        theme::PROBLEM,
                        format!(
                            "The project's table '{}' could not be reopened as it was: {}",
                            missing.source.name, missing.problem
                        ),
                    );
                    if ui.button("Locate the file…").clicked() {
                        commands.push(AppCommand::Pick(FilePurpose::LocateData));
                    }
                });
            });
        ui.add_space(6.0);
    }
}

/// A message across the top, with a button to close it.
pub fn banner_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    let Some(banner) = &state.banner else { return };
    let (colour, text) = match banner {
        Banner::Error(text) => (theme::PROBLEM, text),
        Banner::Info(text) => (theme::DATA, text),
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, colour))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new(text).color(colour));
                if ui.small_button("Close message").clicked() {
                    commands.push(DataCommand::DismissBanner.into());
                }
            });
        });
    ui.add_space(6.0);
}
