//! The list of columns with their role and health light. Virtual rows, so a
//! table with ten thousand columns scrolls as smoothly as one with ten.

use clearbox::health::Severity;
use egui::Ui;

use super::commands::{AppCommand, DataCommand};
use super::gloss;
use super::state::Dataset;
use super::theme;

/// Draws the column list.
pub fn column_list_ui(ui: &mut Ui, dataset: &Dataset, commands: &mut Vec<AppCommand>) {
    gloss::label(ui, egui::RichText::new("Columns").strong());
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let columns = &dataset.table.columns;
    egui::ScrollArea::vertical().auto_shrink(false).show_rows(
        ui,
        row_height,
        columns.len(),
        |ui, range| {
            for index in range {
                let column = &columns[index];
                let health = dataset.health_of(index);
                let severity = health.map_or(Severity::Ok, |h| h.severity);
                ui.horizontal(|ui| {
                    if health.is_some() {
                        theme::dot_ui(ui, severity);
                    }
                    let target = if dataset.target.as_deref() == Some(column.name.as_str()) {
                        " · to predict"
                    } else {
                        ""
                    };
                    let word = health.map_or("…", |h| h.severity.word());
                    let text = format!("{} — {}, {word}{target}", column.name, column.role.label());
                    let selected = dataset.selected == Some(index);
                    if gloss::selectable(ui, selected, text).clicked() {
                        commands.push(DataCommand::SelectColumn(index).into());
                    }
                });
            }
        },
    );
}
