//! The segmentation wizard: Columns → Find groups → Groups.

use clearbox::words::duration;
use egui::{RichText, Ui};

use super::commands::{AppCommand, DataCommand, SegmentationCommand};
use super::gloss;
use super::input_choices::input_choices_ui;
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
        if gloss::button(ui, "Back to the data").clicked() {
            commands.push(DataCommand::GoToData.into());
        }
        gloss::heading(ui, format!("Find groups in {}", dataset.table.name));
    });
    let current = wizard.step.unwrap_or(SegmentStep::Inputs);
    ui.horizontal(|ui| {
        for step in SegmentStep::ALL {
            if ui.selectable_label(step == current, step.label()).clicked() {
                commands.push(SegmentationCommand::GoToStep(step).into());
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
    let used = wizard.inputs.iter().filter(|c| c.is_used()).count();
    gloss::label(
        ui,
        RichText::new(format!(
            "Groups will be found from {used} of {} columns.",
            wizard.inputs.len()
        ))
        .strong(),
    );
    gloss::weak(
        ui,
        "Clearbox looks for kinds of rows that are alike across these columns. Columns that would \
         mislead it are left out, with the reason. Tick a box to override.",
    );
    if wizard.inputs.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(
                ui,
                if dataset.report.is_none() {
                    "Checking the data's health…"
                } else {
                    "Choosing the columns…"
                },
            );
        });
    }
    input_choices_ui(ui, &wizard.inputs, |column, included| {
        commands.push(SegmentationCommand::SetInput { column, included }.into());
    });
    ui.add_space(10.0);
    if ui
        .add_enabled(used > 0, egui::Button::new("Find groups"))
        .on_hover_text("Tries 2 to 10 groups, picks the number that fits best and explains why.")
        .clicked()
    {
        commands.push(SegmentationCommand::FindGroups.into());
    }
}

fn run_ui(ui: &mut Ui, wizard: &SegmentWizard, commands: &mut Vec<AppCommand>) {
    let Some(view) = wizard.running.as_ref().map(|r| &r.job) else {
        gloss::label(
            ui,
            "Nothing is running. Go to Columns and press Find groups.",
        );
        return;
    };
    ui.horizontal(|ui| {
        ui.spinner();
        gloss::label(
            ui,
            format!("{} — {} elapsed", view.message, duration(view.elapsed)),
        );
    });
    ui.add(egui::ProgressBar::new(view.fraction).show_percentage());
    if gloss::button(ui, "Cancel").clicked() {
        commands.push(SegmentationCommand::Cancel.into());
    }
    gloss::weak(
        ui,
        "Clearbox tries each number of groups from several starting points, then checks that the \
         chosen groups come back when it starts again.",
    );
}
