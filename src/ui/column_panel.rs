//! The selected column: its role (changeable), its chart with a sentence,
//! and its findings with one-click fixes.

use clearbox::data::{ColumnRole, Fix};
use egui::{RichText, Ui};

use super::commands::{AppCommand, DataCommand};
use super::gloss;
use super::state::Dataset;
use super::{charts, theme};

/// Draws the detail panel for the selected column.
pub fn column_panel_ui(ui: &mut Ui, dataset: &Dataset, commands: &mut Vec<AppCommand>) {
    let Some((index, column)) = dataset
        .selected
        .and_then(|i| Some((i, dataset.table.columns.get(i)?)))
    else {
        gloss::label(ui, "Pick a column on the left to see its details.");
        return;
    };
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            gloss::heading(ui, &column.name);
            ui.horizontal_wrapped(|ui| {
                gloss::label(ui, "Role:").on_hover_text(
                    "What the column means. Clearbox guessed it; change it if the guess is wrong.",
                );
                for role in ColumnRole::ALL {
                    let response = gloss::selectable(ui, column.role == role, role.label())
                        .on_hover_text(role.explanation());
                    if response.clicked() && column.role != role {
                        commands.push(
                            DataCommand::SetRole {
                                column: column.name.clone(),
                                role,
                            }
                            .into(),
                        );
                    }
                }
            });
            gloss::weak(ui, column.role.explanation());
            if column.role != column.inferred_role {
                gloss::weak(
                    ui,
                    format!("Clearbox had guessed {}.", column.inferred_role.label()),
                );
            }
            ui.add_space(6.0);
            let Some(health) = dataset.health_of(index) else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    gloss::label(ui, "Checking this column…");
                });
                return;
            };
            charts::summary_chart_ui(ui, &column.name, &health.summary);
            gloss::label(ui, &health.caption);
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                gloss::label(ui, RichText::new("Health").strong());
                theme::light_ui(ui, health.severity);
            });
            if health.issues.is_empty() {
                gloss::label(
                    ui,
                    "Nothing to report: the values look complete and plausible.",
                );
            }
            // Two findings can offer the same fix (a mostly-empty leaking column);
            // its button is shown once, under the first.
            let mut offered = Vec::new();
            for issue in &health.issues {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        theme::dot_ui(ui, issue.severity);
                        gloss::label(ui, RichText::new(issue.kind.title()).strong())
                            .on_hover_text(issue.kind.glossary());
                    });
                    gloss::label(ui, &issue.message);
                    // One row per key is offered at the top of the page.
                    let fix = issue
                        .fix
                        .as_ref()
                        .filter(|f| !offered.contains(f) && !matches!(f, Fix::SummarisePer { .. }));
                    if let Some(fix) = fix {
                        offered.push(fix);
                        if ui.button(fix.describe()).clicked() {
                            commands.push(DataCommand::ApplyFix(fix.clone()).into());
                        }
                    }
                });
            }
        });
}
