//! The status line (device, project, loading progress) and the banners.

use egui::Ui;

use clearbox::project::Trail;

use super::commands::{AppCommand, DataCommand, ProjectCommand, ViewCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::{AppState, Banner, DeviceStatus};
use super::theme;

/// The bottom bar: the compute device always, and a load's progress with Cancel.
pub fn status_bar_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            view_controls_ui(ui, state, commands);
            ui.separator();
            match &state.device {
                DeviceStatus::Checking => {
                    ui.spinner();
                    gloss::label(ui, "Checking the compute device…");
                }
                DeviceStatus::Ready {
                    label,
                    announcement,
                } => {
                    gloss::label(ui, format!("Compute: {label}")).on_hover_text(announcement);
                    gloss::weak(ui, announcement);
                }
                DeviceStatus::Failed(message) => {
                    gloss::coloured(
                        ui,
                        theme::PROBLEM,
                        format!("Compute device unavailable: {message}"),
                    );
                }
            }
            if let Some(project) = &state.project {
                ui.separator();
                if gloss::button(ui, format!("Project: {}", project.name))
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
                gloss::label(ui, format!("Opening the project '{name}'…"));
            }
            if let Some(activity) = state.writing {
                ui.separator();
                ui.spinner();
                gloss::label(ui, format!("{}…", clearbox::words::capitalised(activity)));
            }
            if let Some(loading) = &state.loading {
                ui.separator();
                // The button comes first and the changing words sit inside a
                // bar of fixed width, so Cancel never moves under the pointer.
                if gloss::button(ui, "Cancel").clicked() {
                    commands.push(DataCommand::CancelLoad.into());
                }
                gloss::label(ui, format!("Opening {}", loading.label));
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
                gloss::coloured(
                    ui,
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
                    gloss::coloured(
                        ui,
                        theme::PROBLEM,
                        format!(
                            "The project's table '{}' could not be reopened as it was: {}",
                            missing.source.name, missing.problem
                        ),
                    );
                    if gloss::button(ui, "Locate the file…").clicked() {
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
                gloss::label(ui, egui::RichText::new(text).color(colour));
                if ui.small_button("Close message").clicked() {
                    commands.push(DataCommand::DismissBanner.into());
                }
            });
        });
    ui.add_space(6.0);
}

/// Theme, text size and presenter mode, always at hand.
fn view_controls_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    use egui::ThemePreference;
    let current = ui.ctx().options(|o| o.theme_preference);
    let name = |theme: ThemePreference| match theme {
        ThemePreference::Light => "Light",
        ThemePreference::Dark => "Dark",
        ThemePreference::System => "As the system",
    };
    egui::ComboBox::from_label("Theme")
        .selected_text(name(current))
        .show_ui(ui, |ui| {
            for theme in [
                ThemePreference::Light,
                ThemePreference::Dark,
                ThemePreference::System,
            ] {
                if ui.selectable_label(theme == current, name(theme)).clicked() {
                    commands.push(ViewCommand::Theme(theme).into());
                }
            }
        });
    if gloss::button(ui, "A−")
        .on_hover_text("Smaller text (Ctrl and −)")
        .clicked()
    {
        commands.push(ViewCommand::TextSize(-1).into());
    }
    if gloss::button(ui, "A+")
        .on_hover_text("Larger text (Ctrl and +)")
        .clicked()
    {
        commands.push(ViewCommand::TextSize(1).into());
    }
    let presenter = if state.presenter {
        "Leave presenter mode"
    } else {
        "Presenter mode"
    };
    if ui
        .button(presenter)
        .on_hover_text(
            "Large text and the lesson's step shown large, for a room (Ctrl, Shift and P).",
        )
        .clicked()
    {
        commands.push(ViewCommand::TogglePresenter.into());
    }
}
