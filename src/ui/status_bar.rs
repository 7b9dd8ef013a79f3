//! The status line (device, loading progress) and the message banner.

use egui::Ui;

use super::commands::{AppCommand, DataCommand};
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
