//! The reinforcement wizard: Roles → Check → Learn → Results.

use clearbox::health::Severity;
use clearbox::templates::LogRole;
use clearbox::templates::reinforcement::log::ROLE_MEANINGS;
use clearbox::words::duration;
use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use super::commands::{AppCommand, DataCommand, PolicyCommand};
use super::gloss;
use super::input_choices::input_choices_ui;
use super::state::{Dataset, PolicyStep, PolicyWizard};
use super::{policy_results, theme};

/// Draws the wizard.
pub fn policy_page_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &PolicyWizard,
    commands: &mut Vec<AppCommand>,
) {
    ui.horizontal(|ui| {
        if gloss::button(ui, "Back to the data").clicked() {
            commands.push(DataCommand::GoToData.into());
        }
        gloss::heading(
            ui,
            format!(
                "Choose the best action, learned from {}",
                dataset.table.name
            ),
        );
    });
    let current = wizard.step.unwrap_or(PolicyStep::Roles);
    ui.horizontal(|ui| {
        for step in PolicyStep::ALL {
            if ui.selectable_label(step == current, step.label()).clicked() {
                commands.push(PolicyCommand::GoToStep(step).into());
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| match current {
            PolicyStep::Roles => roles_ui(ui, dataset, wizard, commands),
            PolicyStep::Check => check_ui(ui, wizard, commands),
            PolicyStep::Learn => learn_ui(ui, wizard, commands),
            PolicyStep::Results => policy_results::results_ui(ui, dataset, wizard, commands),
        });
}

fn roles_ui(ui: &mut Ui, dataset: &Dataset, wizard: &PolicyWizard, commands: &mut Vec<AppCommand>) {
    gloss::label(
        ui,
        RichText::new("Which column plays which part in this log of decisions?").strong(),
    );
    gloss::weak(
        ui,
        "Clearbox guessed from the columns' names; change any guess that is wrong.",
    );
    let roles = &wizard.roles;
    let slots = [
        (LogRole::Action, &roles.action, false),
        (LogRole::Reward, &roles.reward, false),
        (LogRole::Propensity, &roles.propensity, true),
        (LogRole::Time, &roles.time, true),
    ];
    egui::Grid::new("roles").num_columns(2).show(ui, |ui| {
        for ((role, chosen, optional), (name, meaning)) in slots.into_iter().zip(ROLE_MEANINGS) {
            let shown = chosen.clone().unwrap_or_else(|| {
                if optional {
                    "None".into()
                } else {
                    "Choose a column".into()
                }
            });
            egui::ComboBox::from_label(name)
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    if optional && ui.selectable_label(chosen.is_none(), "None").clicked() {
                        commands.push(PolicyCommand::SetRole { role, column: None }.into());
                    }
                    for column in &dataset.table.columns {
                        let is = chosen.as_deref() == Some(column.name.as_str());
                        if ui.selectable_label(is, &column.name).clicked() && !is {
                            commands.push(
                                PolicyCommand::SetRole {
                                    role,
                                    column: Some(column.name.clone()),
                                }
                                .into(),
                            );
                        }
                    }
                });
            gloss::weak(ui, meaning);
            ui.end_row();
        }
    });
    ui.add_space(8.0);
    match &wizard.check {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                gloss::label(ui, "Reading the log…");
            });
        }
        Some(check) => match &check.problem {
            Some(problem) => {
                gloss::coloured(ui, theme::PROBLEM, problem);
            }
            None => {
                gloss::coloured(
                    ui,
                    theme::GOOD,
                    format!(
                        "{} decisions among {} actions. {}",
                        clearbox::words::count(check.decisions),
                        check.actions,
                        check.reward_sentence
                    ),
                );
            }
        },
    }
    let ready = wizard.check.as_ref().is_some_and(|c| c.problem.is_none());
    ui.add_space(10.0);
    if ui.add_enabled(ready, egui::Button::new("Next")).clicked() {
        commands.push(PolicyCommand::GoToStep(PolicyStep::Check).into());
    }
}

fn check_ui(ui: &mut Ui, wizard: &PolicyWizard, commands: &mut Vec<AppCommand>) {
    let Some(check) = &wizard.check else {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(ui, "Reading the log…");
        });
        return;
    };
    gloss::label(ui, RichText::new("What the log holds").strong());
    if let Some(problem) = &check.problem {
        gloss::coloured(ui, theme::PROBLEM, problem);
        return;
    }
    gloss::label(ui, &check.reward_sentence);
    if check.findings.is_empty() {
        gloss::label(
            ui,
            "Nothing in the log stands in the way of an honest estimate.",
        );
    }
    for finding in &check.findings {
        let colour = match finding.severity {
            Severity::Problem => theme::PROBLEM,
            _ => theme::CHECK,
        };
        gloss::coloured(
            ui,
            colour,
            format!("{}: {}", finding.severity.word(), finding.sentence),
        );
    }
    ui.add_space(6.0);
    let used = wizard.inputs.iter().filter(|c| c.is_used()).count();
    let mut share = wizard.exploration * 100.0;
    let slider = egui::Slider::new(&mut share, 0.0..=20.0)
        .suffix("%")
        .text("Decisions spread over the other actions when deployed");
    if ui
        .add(slider)
        .on_hover_text(
            "Exploration: a small share of decisions tries the other actions the log can judge, \
             so next month's log can judge the policy again. 5% costs little.",
        )
        .changed()
    {
        commands.push(PolicyCommand::SetExploration(share / 100.0).into());
    }
    // The button comes before the list of columns, which can be long.
    if ui
        .add_enabled(used > 0, egui::Button::new("Learn the policy"))
        .clicked()
    {
        commands.push(PolicyCommand::Learn.into());
    }
    ui.add_space(6.0);
    gloss::label(
        ui,
        RichText::new(format!(
            "The policy may look at {used} of {} columns to tell situations apart.",
            wizard.inputs.len()
        ))
        .strong(),
    )
    .on_hover_text("Context: what was known when each decision was taken.");
    input_choices_ui(ui, &wizard.inputs, |column, included| {
        commands.push(PolicyCommand::SetInput { column, included }.into());
    });
}

fn learn_ui(ui: &mut Ui, wizard: &PolicyWizard, commands: &mut Vec<AppCommand>) {
    let Some(view) = &wizard.training else {
        gloss::label(
            ui,
            "Nothing is being learned. Go to Check and press Learn the policy.",
        );
        return;
    };
    // Cancel first: the lines below grow as learning goes on.
    if gloss::button(ui, "Cancel learning").clicked() {
        commands.push(PolicyCommand::Cancel.into());
    }
    let job = &view.job;
    ui.horizontal(|ui| {
        ui.spinner();
        gloss::label(
            ui,
            format!("{} — {} elapsed", job.message, duration(job.elapsed)),
        );
    });
    ui.add(egui::ProgressBar::new(job.fraction).show_percentage());
    gloss::label(
        ui,
        "The lines show the reward model's error after each pass (a few times a pass on a long \
         log): on the decisions it learns from, and on those it is checked on. When the second \
         stops falling, learning stops.",
    );
    let points = |losses: &[clearbox::ml::train::EpochLoss], valid: bool| -> Vec<[f64; 2]> {
        // A pass over a long log is checked part-way: its points fall between passes.
        losses
            .iter()
            .map(|l| [l.passes, if valid { l.valid } else { l.train }])
            .collect()
    };
    Plot::new("policy loss")
        .height(240.0)
        .legend(egui_plot::Legend::default())
        .x_axis_label("pass over the decisions")
        .y_axis_label("error (loss)")
        .show(ui, |plot| {
            plot.line(Line::new(
                "deep model: learning decisions",
                PlotPoints::from(points(&view.deep, false)),
            ));
            plot.line(Line::new(
                "deep model: check decisions",
                PlotPoints::from(points(&view.deep, true)),
            ));
            plot.line(Line::new(
                "simple model: check decisions",
                PlotPoints::from(points(&view.simple, true)),
            ));
        });
}
