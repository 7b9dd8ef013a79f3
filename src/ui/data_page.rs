//! The data page: the table, its columns with their health lights, and the
//! selected column's chart and findings.

use clearbox::data::Fix;
use clearbox::health::{HealthReport, Severity};
use clearbox::words;
use egui::{RichText, Ui};

use super::commands::{
    AppCommand, DataCommand, DriftCommand, PolicyCommand, PredictionCommand, SegmentationCommand,
};
use super::files::FilePurpose;
use super::gloss;
use super::state::Dataset;
use super::{column_list, column_panel, table_view, theme};

/// Draws the data page.
pub fn data_page_ui(ui: &mut Ui, dataset: &Dataset, commands: &mut Vec<AppCommand>) {
    header_ui(ui, dataset, commands);
    ui.separator();
    egui::Panel::left("columns")
        .resizable(true)
        .default_size(270.0)
        .show(ui, |ui| {
            column_list::column_list_ui(ui, dataset, commands);
        });
    egui::Panel::right("column detail")
        .resizable(true)
        .default_size(380.0)
        .show(ui, |ui| {
            column_panel::column_panel_ui(ui, dataset, commands);
        });
    egui::CentralPanel::default().show(ui, |ui| {
        table_view::table_view_ui(ui, &dataset.table);
    });
}

fn header_ui(ui: &mut Ui, dataset: &Dataset, commands: &mut Vec<AppCommand>) {
    let table = &dataset.table;
    // Wrapped, so every button stays on screen beside a lesson's panel.
    ui.horizontal_wrapped(|ui| {
        if gloss::button(ui, "Home").clicked() {
            commands.push(DataCommand::GoHome.into());
        }
        gloss::heading(ui, &table.name);
        if gloss::button(ui, "Predict a column…")
            .on_hover_text(
                "Train a model that learns one column from the others, and see how good it is.",
            )
            .clicked()
        {
            commands.push(PredictionCommand::Start.into());
        }
        if gloss::button(ui, "Find groups…")
            .on_hover_text(
                "Find the natural kinds of rows in this table, see what sets each apart, and name them.",
            )
            .clicked()
        {
            commands.push(SegmentationCommand::Start.into());
        }
        if gloss::button(ui, "Choose the best action…")
            .on_hover_text(
                "For a log of decisions (what was known, what was done, what it earned): learn \
                 which action to take in which situation, and estimate what that would have earned.",
            )
            .clicked()
        {
            commands.push(PolicyCommand::Start.into());
        }
        if gloss::button(ui, "Compare with newer data…")
            .on_hover_text(
                "See whether newer data (next month's file) has moved away from this table, and \
                 whether a saved model still holds.",
            )
            .clicked()
        {
            commands.push(AppCommand::Pick(FilePurpose::DriftCurrent));
        }
        if gloss::button(ui, "Compare over time…")
            .on_hover_text(
                "Split this table by a year, month or period column and see how each part moved \
                 away from the first.",
            )
            .clicked()
        {
            commands.push(DriftCommand::Show.into());
        }
        gloss::label(ui, format!(
            "{} × {} columns",
            words::rows(table.rows),
            table.columns.len()
        ));
    });
    ui.horizontal(|ui| {
        gloss::label(ui, "Column to predict:");
        let current = dataset.target.clone().unwrap_or_else(|| "None".into());
        let response = egui::ComboBox::from_id_salt("target")
            .selected_text(current)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(dataset.target.is_none(), "None")
                    .clicked()
                {
                    commands.push(DataCommand::SetTarget(None).into());
                }
                for column in &table.columns {
                    let chosen = dataset.target.as_deref() == Some(column.name.as_str());
                    if ui.selectable_label(chosen, &column.name).clicked() {
                        commands.push(DataCommand::SetTarget(Some(column.name.clone())).into());
                    }
                }
            })
            .response;
        gloss::hover(
            response,
            "Choosing the column you want to predict adds checks for rare outcomes and for leaking \
             columns.",
        );
    });
    match &dataset.report {
        Some(report) => {
            ui.horizontal(|ui| {
                theme::light_ui(ui, report.severity);
                gloss::label(ui, RichText::new(&report.headline).strong());
                if dataset.analysing {
                    ui.spinner();
                    gloss::weak(ui, "Updating…");
                }
            });
            for issue in &report.table_issues {
                ui.horizontal(|ui| {
                    theme::dot_ui(ui, issue.severity);
                    gloss::label(ui, &issue.message).on_hover_text(issue.kind.glossary());
                });
            }
            log_keys_ui(ui, report, commands);
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                gloss::label(ui, "Checking the data's health…");
            });
        }
    }
    for notice in &table.notices {
        gloss::weak(ui, notice);
    }
    if !dataset.recipe.is_empty() {
        ui.horizontal_wrapped(|ui| {
            gloss::label(ui, "Your changes:");
            if gloss::button(ui, "Save as recipe…")
                .on_hover_text("A recipe replays these changes on the same or next month's file: clearbox profile FILE --recipe RECIPE.ron")
                .clicked()
            {
                commands.push(AppCommand::Pick(FilePurpose::SaveRecipe));
            }
            for (column, role) in &dataset.recipe.roles {
                gloss::label(ui, format!("'{column}' is a {}", role.label()));
            }
            for (i, fix) in dataset.recipe.fixes.iter().enumerate() {
                gloss::label(ui, fix.describe());
                if ui.small_button(format!("Undo: {}", fix.describe())).clicked() {
                    commands.push(DataCommand::UndoFix(i).into());
                }
            }
        });
    }
}

/// A key repeated like a log's (a customer on each of their purchases)
/// changes what every template finds, so its one-click summary sits at the
/// top of the page rather than only in that column's panel.
fn log_keys_ui(ui: &mut Ui, report: &HealthReport, commands: &mut Vec<AppCommand>) {
    let summaries = report
        .columns
        .iter()
        .flat_map(|c| &c.issues)
        .filter_map(|i| i.fix.as_ref())
        .filter(|f| matches!(f, Fix::SummarisePer { .. }));
    for fix in summaries {
        ui.horizontal_wrapped(|ui| {
            theme::dot_ui(ui, Severity::Check);
            gloss::label(
                ui,
                format!(
                    "Several rows share each '{}': each row looks like one event, such as a purchase.",
                    fix.column()
                ),
            );
            if ui.button(fix.describe()).clicked() {
                commands.push(DataCommand::ApplyFix(fix.clone()).into());
            }
        });
    }
}
