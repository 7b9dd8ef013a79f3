//! The prediction wizard: Goal → Inputs → Check → Train → Results.

use clearbox::ml::split::SplitPlan;
use clearbox::templates::prediction::Round;
use clearbox::words::duration;
use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use super::commands::{AppCommand, DataCommand, PredictionCommand};
use super::gloss;
use super::input_choices::input_choices_ui;
use super::state::{Dataset, PredictionWizard, TargetCheck, WizardStep};
use super::{predict_results, theme};

/// Draws the wizard.
pub fn predict_page_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &PredictionWizard,
    commands: &mut Vec<AppCommand>,
) {
    ui.horizontal(|ui| {
        if gloss::button(ui, "Back to the data").clicked() {
            commands.push(DataCommand::GoToData.into());
        }
        gloss::heading(ui, format!("Predict a column of {}", dataset.table.name));
    });
    let current = wizard.step.unwrap_or(WizardStep::Goal);
    ui.horizontal(|ui| {
        for step in WizardStep::ALL {
            if ui.selectable_label(step == current, step.label()).clicked() {
                commands.push(PredictionCommand::GoToStep(step).into());
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| match current {
            WizardStep::Goal => goal_ui(ui, dataset, wizard, commands),
            WizardStep::Inputs => inputs_ui(ui, wizard, commands),
            WizardStep::Check => check_ui(ui, wizard, commands),
            WizardStep::Train => train_ui(ui, wizard, commands),
            WizardStep::Results => predict_results::results_ui(ui, wizard, commands),
        });
}

fn next_button(ui: &mut Ui, enabled: bool, step: WizardStep, commands: &mut Vec<AppCommand>) {
    ui.add_space(10.0);
    if ui.add_enabled(enabled, egui::Button::new("Next")).clicked() {
        commands.push(PredictionCommand::GoToStep(step).into());
    }
}

fn goal_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &PredictionWizard,
    commands: &mut Vec<AppCommand>,
) {
    gloss::label(
        ui,
        RichText::new("Which column should the model learn to predict?").strong(),
    );
    let current = dataset
        .target
        .clone()
        .unwrap_or_else(|| "Choose a column".into());
    egui::ComboBox::from_label("Column to predict")
        .selected_text(current)
        .show_ui(ui, |ui| {
            for column in &dataset.table.columns {
                let chosen = dataset.target.as_deref() == Some(column.name.as_str());
                if ui.selectable_label(chosen, &column.name).clicked() {
                    commands.push(DataCommand::SetTarget(Some(column.name.clone())).into());
                }
            }
        });
    match &wizard.check {
        Some(check) => {
            let colour = if check.target_ok {
                theme::GOOD
            } else {
                theme::PROBLEM
            };
            gloss::coloured(ui, colour, &check.task_sentence);
        }
        None if dataset.target.is_some() => {
            ui.horizontal(|ui| {
                ui.spinner();
                gloss::label(ui, "Checking the column…");
            });
        }
        None => {}
    }
    gloss::weak(
        ui,
        "If the kind of problem is wrong, change the column's role on the data page.",
    );
    next_button(ui, wizard.target_ok(), WizardStep::Inputs, commands);
}

fn inputs_ui(ui: &mut Ui, wizard: &PredictionWizard, commands: &mut Vec<AppCommand>) {
    let used = wizard.inputs.iter().filter(|c| c.is_used()).count();
    gloss::label(
        ui,
        RichText::new(format!(
            "The model may use {used} of {} columns.",
            wizard.inputs.len()
        ))
        .strong(),
    );
    gloss::weak(
        ui,
        "Columns that would mislead a model are left out, with the reason. Tick a box to override.",
    );
    if wizard.inputs.is_empty() {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(ui, "Checking the columns against the target…");
        });
    }
    input_choices_ui(ui, &wizard.inputs, |column, included| {
        commands.push(PredictionCommand::SetInput { column, included }.into());
    });
    next_button(ui, used > 0, WizardStep::Check, commands);
}

fn check_ui(ui: &mut Ui, wizard: &PredictionWizard, commands: &mut Vec<AppCommand>) {
    gloss::label(ui, RichText::new("How the rows will be used").strong());
    let Some(check) = &wizard.check else {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(ui, "Working out how the rows will be split…");
        });
        return;
    };
    split_choice_ui(ui, wizard, check, commands);
    if check.split_ok {
        gloss::label(ui, &check.split_sentence);
    } else {
        gloss::coloured(ui, theme::CHECK, &check.split_sentence);
    }
    gloss::label(
        ui,
        format!(
            "Training should take about {} on this computer (a rough estimate; it stops early when the model stops improving).",
            duration(wizard.estimate_seconds)
        ),
    );
    ui.add_space(10.0);
    if ui
        .add_enabled(
            check.target_ok && check.split_ok,
            egui::Button::new("Train"),
        )
        .clicked()
    {
        commands.push(PredictionCommand::Train.into());
    }
}

/// At random, or by one of the table's time columns (only offered when it has one).
fn split_choice_ui(
    ui: &mut Ui,
    wizard: &PredictionWizard,
    check: &TargetCheck,
    commands: &mut Vec<AppCommand>,
) {
    if check.time_columns.is_empty() {
        return;
    }
    let label = |plan: &SplitPlan| match plan {
        SplitPlan::Stratified => "At random".to_owned(),
        SplitPlan::ByTime { column } => format!("By time: '{column}'"),
    };
    let options =
        std::iter::once(SplitPlan::Stratified).chain(check.time_columns.iter().map(|column| {
            SplitPlan::ByTime {
                column: column.clone(),
            }
        }));
    ui.horizontal(|ui| {
        let response = egui::ComboBox::from_label("Split the rows")
            .selected_text(label(&wizard.split_plan))
            .show_ui(ui, |ui| {
                for plan in options {
                    let selected = plan == wizard.split_plan;
                    if ui.selectable_label(selected, label(&plan)).clicked() && !selected {
                        commands.push(PredictionCommand::SetSplitPlan(plan).into());
                    }
                }
            });
        response.response.on_hover_text(
            "By time: the model learns from older rows and is tested on the newest ones, as it \
             will be used. Choose it when the future may differ from the past.",
        );
    });
}

fn train_ui(ui: &mut Ui, wizard: &PredictionWizard, commands: &mut Vec<AppCommand>) {
    let Some(view) = &wizard.training else {
        gloss::label(ui, "Training has not started. Go to Check and press Train.");
        return;
    };
    let job = &view.job;
    // Cancel first: the lines below it grow as training goes on, and the
    // button must not move under the pointer.
    if gloss::button(ui, "Cancel training").clicked() {
        commands.push(PredictionCommand::CancelTraining.into());
    }
    ui.horizontal(|ui| {
        ui.spinner();
        gloss::label(
            ui,
            format!("{} — {} elapsed", job.message, duration(job.elapsed)),
        );
    });
    ui.add(egui::ProgressBar::new(job.fraction).show_percentage());
    if job.fraction > 0.05 {
        let remaining = job.elapsed * f64::from((1.0 - job.fraction) / job.fraction);
        gloss::weak(
            ui,
            format!(
                "About {} left, if the model stops improving now; longer if it keeps improving.",
                duration(remaining)
            ),
        );
    }
    match view.round {
        Some(Round::Rotation { number, of }) => {
            gloss::label(
                ui,
                format!(
                    "Rotation {number} of {of}: the model learns from {} of the rows and is measured on the rest.",
                    fraction_of(of)
                ),
            );
        }
        Some(Round::Final) => {
            gloss::label(
                ui,
                "Last round: the model that is saved learns from every row, for as many passes as the rotations needed.",
            );
        }
        None => {}
    }
    gloss::label(
        ui,
        "The lines show the model's error after each pass: on the rows it learns from, and on the rows it is checked on. When the second stops falling, the model takes smaller and smaller steps for a few more passes, then stops.",
    );
    let line =
        |points: Vec<[f64; 2]>, name: &str| Line::new(name.to_owned(), PlotPoints::from(points));
    let to_points = |losses: &[clearbox::ml::train::EpochLoss], valid: bool| -> Vec<[f64; 2]> {
        losses
            .iter()
            .enumerate()
            .map(|(i, l)| [i as f64 + 1.0, if valid { l.valid } else { l.train }])
            // The final fit on every row has no check rows.
            .filter(|[_, loss]| loss.is_finite())
            .collect()
    };
    Plot::new("training loss")
        .height(260.0)
        .legend(egui_plot::Legend::default())
        .x_axis_label("pass over the data")
        .y_axis_label("error (loss)")
        .show(ui, |plot| {
            plot.line(line(
                to_points(&view.deep, false),
                "deep model: learning rows",
            ));
            plot.line(line(to_points(&view.deep, true), "deep model: check rows"));
        });
}

/// "four fifths" for five rotations: the share each rotation learns from.
fn fraction_of(rotations: usize) -> String {
    match rotations {
        5 => "four fifths".into(),
        n => format!("{} in {n}", n.saturating_sub(1)),
    }
}
