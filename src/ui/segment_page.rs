//! The segmentation wizard: Columns → Find groups → Groups.

use egui::{RichText, Ui};

use super::commands::AppCommand;
use super::predict_page::duration;
use super::segment_results;
use super::state::{Dataset, SegmentStep, SegmentWizard};

/// Draws the wizard.
pub fn segment_page_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &SegmentWizard,
    commands: &mut Vec<AppCommand>,
) {
    ui.horizontal(|ui| {
        if ui.button("Back to the data").clicked() {
            commands.push(AppCommand::GoToData);
        }
        ui.heading(format!("Find groups in {}", dataset.table.name));
    });
    let current = wizard.step.unwrap_or(SegmentStep::Inputs);
    ui.horizontal(|ui| {
        for step in SegmentStep::ALL {
            if ui.selectable_label(step == current, step.label()).clicked() {
                commands.push(AppCommand::GoToSegmentStep(step));
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| match current {
            SegmentStep::Inputs => inputs_ui(ui, dataset, wizard, commands),
            SegmentStep::Run => run_ui(ui, wizard, commands),
            SegmentStep::Results => segment_results::results_ui(ui, dataset, wizard, commands),
        });
}

fn inputs_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &SegmentWizard,
    commands: &mut Vec<AppCommand>,
) {
    let used = wizard.inputs.iter().filter(|c| c.included).count();
    ui.label(
        RichText::new(format!(
            "Groups will be found from {used} of {} columns.",
            wizard.inputs.len()
        ))
        .strong(),
    );
    ui.weak(
        "Clearbox looks for kinds of rows that are alike across these columns. Columns that would \
         mislead it are left out, with the reason. Tick a box to override.",
    );
    if wizard.inputs.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(if dataset.report.is_none() {
                "Checking the data's health…"
            } else {
                "Choosing the columns…"
            });
        });
    }
    for choice in &wizard.inputs {
        ui.horizontal(|ui| {
            let mut included = choice.included;
            if ui.checkbox(&mut included, &choice.column).changed() {
                commands.push(AppCommand::SetSegmentInput {
                    column: choice.column.clone(),
                    included,
                });
            }
            if !choice.reason.is_empty() {
                ui.weak(format!("left out: {}", choice.reason));
            }
        });
    }
    ui.add_space(10.0);
    if ui
        .add_enabled(used > 0, egui::Button::new("Find groups"))
        .on_hover_text("Tries 2 to 10 groups, picks the number that fits best and explains why.")
        .clicked()
    {
        commands.push(AppCommand::FindGroups);
    }
}

fn run_ui(ui: &mut Ui, wizard: &SegmentWizard, commands: &mut Vec<AppCommand>) {
    let Some(view) = &wizard.running else {
        ui.label("Nothing is running. Go to Columns and press Find groups.");
        return;
    };
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(format!(
            "{} — {} elapsed",
            view.message,
            duration(view.elapsed)
        ));
    });
    ui.add(egui::ProgressBar::new(view.fraction).show_percentage());
    if ui.button("Cancel").clicked() {
        commands.push(AppCommand::CancelSegmentation);
    }
    ui.weak(
        "Clearbox tries each number of groups from several starting points, then checks that the \
         chosen groups come back when it starts again.",
    );
}
