//! The home screen: open a file, pick a sample, reopen a recent file, or
//! start or open a project.

use clearbox::lessons::{Lesson, LessonData};
use clearbox::samples::SAMPLES;
use clearbox::words;
use egui::{RichText, Ui};

use super::gloss;
use clearbox::templates::artefact::TemplateKind;

use super::commands::{AppCommand, DataCommand, LessonCommand, PolicyCommand, ProjectCommand};
use super::files::FilePurpose;
use super::state::AppState;

/// Draws the home screen: start from the goal, then files, projects,
/// lessons and the samples.
pub fn home_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(12.0);
        gloss::heading(ui, "Clearbox");
        gloss::label(ui, "What do you want to do? Pick a goal and a sample to try it on, or open your own table.");
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            for card in &GOALS {
                goal_card_ui(ui, card, commands);
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if gloss::button(ui, "Open a file…").clicked() {
                commands.push(AppCommand::Pick(FilePurpose::OpenTable));
            }
            gloss::weak(ui, "CSV or Parquet. You can also drop a file onto this window.");
            if let Some(dataset) = &state.dataset
                && gloss::button(ui, format!("Back to {}", dataset.table.name))
                    .clicked()
                {
                    commands.push(DataCommand::GoToData.into());
                }
        });
        ui.add_space(16.0);
        gloss::label(ui, RichText::new("Samples").strong());
        gloss::weak(ui, "Real public data, and one made-up shop, bundled so that everything works offline.");
        // Cards in rows that fit the window.
        let per_row = ((ui.available_width() + 8.0) / (CARD_WIDTH + 30.0))
            .floor()
            .max(1.0) as usize;
        for row in SAMPLES.chunks(per_row) {
            ui.horizontal(|ui| {
                for sample in row {
                    sample_card_ui(ui, sample, commands);
                }
            });
        }
        recent_ui(ui, state, commands);
        project_ui(ui, state, commands);
        lessons_ui(ui, state, commands);
        simulator_ui(ui, state, commands);
    });
}

/// One of the three goals on the home screen.
struct Goal {
    title: &'static str,
    template: TemplateKind,
    what: &'static str,
    question: &'static str,
    /// Samples that suit it, by id.
    samples: &'static [&'static str],
}

const GOALS: [Goal; 3] = [
    Goal {
        title: "Find groups",
        template: TemplateKind::Segmentation,
        what: "Sorts rows into natural groups of alike ones and describes each group in plain words.",
        question: "\"Which customers are alike?\"",
        samples: &["penguins", "adult"],
    },
    Goal {
        title: "Predict a column",
        template: TemplateKind::Prediction,
        what: "Learns a column from the others and shows how good the model is against a simple bar.",
        question: "\"Who will leave?\"",
        samples: &["telco_churn", "german_credit", "titanic"],
    },
    Goal {
        title: "Choose the best action",
        template: TemplateKind::Reinforcement,
        what: "Learns from a log of past decisions which action to take where, and estimates what that would have earned.",
        question: "\"Which offer should each customer get?\"",
        samples: &["open_bandit"],
    },
];

fn goal_card_ui(ui: &mut Ui, goal: &Goal, commands: &mut Vec<AppCommand>) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(GOAL_WIDTH);
            ui.vertical(|ui| {
                gloss::heading(ui, goal.title);
                gloss::label(ui, goal.what);
                gloss::label(ui, RichText::new(goal.question).italics());
                ui.horizontal_wrapped(|ui| {
                    gloss::weak(ui, "Try it on:");
                    for id in goal.samples {
                        if let Some(sample) = clearbox::samples::find(id)
                            && gloss::button(ui, format!("Open {}", sample.title))
                                .on_hover_text(format!("{} Opens {}.", sample.blurb, goal.title))
                                .clicked()
                        {
                            commands
                                .push(DataCommand::OpenSampleFor(sample.id, goal.template).into());
                        }
                    }
                });
            });
        });
}

const GOAL_WIDTH: f32 = 330.0;

/// Files opened before.
fn recent_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    if state.settings.recent.is_empty() {
        return;
    }
    ui.add_space(16.0);
    gloss::label(ui, RichText::new("Recent files").strong());
    for recent in &state.settings.recent {
        ui.horizontal(|ui| {
            let name = clearbox::error::display_name(&recent.path);
            if ui
                .link(&name)
                .on_hover_text(recent.path.display().to_string())
                .clicked()
            {
                commands.push(DataCommand::OpenFile(recent.path.clone()).into());
            }
            gloss::weak(
                ui,
                format!(
                    "{} × {} columns",
                    words::rows(recent.shape.0),
                    recent.shape.1
                ),
            );
        });
    }
}

/// The lessons on offer, and loading a trainer's own.
fn lessons_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    ui.add_space(16.0);
    gloss::label(ui, RichText::new("Lessons").strong());
    gloss::weak(
        ui,
        "Step-by-step exercises for a workshop or on your own: a panel on the right says what to \
         do and ticks each step off when it is done.",
    );
    let is_challenge = |lesson: &Lesson| matches!(lesson.data, LessonData::Broken(..));
    for (index, lesson) in state.lessons.iter().enumerate() {
        if !is_challenge(lesson) {
            lesson_row(ui, index, lesson, "Start the lesson", commands);
        }
    }
    if state.lessons.iter().any(is_challenge) {
        ui.add_space(8.0);
        gloss::label(ui, RichText::new("Break the model (for trainers)").strong());
        gloss::weak(
            ui,
            "One click opens a sample with one thing quietly broken; the lesson asks the room to \
             find it, and says what was broken once every step is done.",
        );
        for (index, lesson) in state.lessons.iter().enumerate() {
            if is_challenge(lesson) {
                lesson_row(ui, index, lesson, "Start the challenge", commands);
            }
        }
    }
    ui.horizontal(|ui| {
        if gloss::button(ui, "Open a lesson file…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::OpenLesson));
        }
        if gloss::button(ui, "Add a folder of lessons…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::LessonFolder));
        }
        gloss::weak(
            ui,
            "Trainers write their own; 'clearbox lesson check FILE' checks one.",
        );
    });
}

/// One lesson on offer: its button and what it teaches.
fn lesson_row(
    ui: &mut Ui,
    index: usize,
    lesson: &Lesson,
    verb: &str,
    commands: &mut Vec<AppCommand>,
) {
    ui.horizontal(|ui| {
        if gloss::button(ui, format!("{verb}: {}", lesson.title)).clicked() {
            commands.push(LessonCommand::Start(index).into());
        }
        gloss::weak(ui, &lesson.about);
    });
}

/// The project: start one, open one, or reopen a recent one.
fn project_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    ui.add_space(16.0);
    gloss::label(ui, RichText::new("Projects").strong());
    gloss::weak(
        ui,
        "A project is one file that keeps your data's place and fingerprint, every run with its \
         settings and figures, and a trail of what was done, so the work can be reopened, \
         repeated and reviewed.",
    );
    ui.horizontal(|ui| {
        if gloss::button(ui, "New project…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::NewProject));
        }
        if gloss::button(ui, "Open a project…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::OpenProject));
        }
        if let Some(project) = &state.project
            && gloss::button(ui, format!("Runs in '{}'", project.name)).clicked()
        {
            commands.push(ProjectCommand::ShowRuns.into());
        }
    });
    for path in &state.settings.recent_projects {
        ui.horizontal(|ui| {
            let name = clearbox::error::display_name(path);
            if ui
                .link(format!("Open project {name}"))
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                commands.push(ProjectCommand::Open(path.clone()).into());
            }
        });
    }
}

const CARD_WIDTH: f32 = 250.0;

fn sample_card_ui(
    ui: &mut Ui,
    sample: &'static clearbox::samples::Sample,
    commands: &mut Vec<AppCommand>,
) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(CARD_WIDTH);
            ui.set_min_height(70.0);
            ui.vertical(|ui| {
                if ui.button(RichText::new(sample.title).strong()).clicked() {
                    // A log of decisions is only of use to the reinforcement wizard.
                    let command = match sample.template {
                        Some(template) => DataCommand::OpenSampleFor(sample.id, template),
                        None => DataCommand::OpenSample(sample.id),
                    };
                    commands.push(command.into());
                }
                gloss::label(ui, sample.blurb);
            });
        });
}

/// The workshop simulator: a made-up shop whose true rewards are known.
fn simulator_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<AppCommand>) {
    use clearbox::templates::reinforcement::simulator::OldPolicy;
    ui.add_space(16.0);
    gloss::label(ui, RichText::new("Workshop simulator").strong());
    gloss::weak(
        ui,
        "A made-up shop whose customers' true chances of taking each of five offers are known: \
         generate a log, learn a policy from it, and compare the estimates with the truth.",
    );
    let choice = &state.simulator;
    ui.horizontal(|ui| {
        egui::ComboBox::from_label("Old system")
            .selected_text(choice.old.describe())
            .show_ui(ui, |ui| {
                for old in OldPolicy::ALL {
                    if ui
                        .selectable_label(old == choice.old, old.describe())
                        .clicked()
                    {
                        commands.push(PolicyCommand::SetSimulatedPolicy(old).into());
                    }
                }
            });
        let mut rows = choice.rows;
        let label = gloss::label(ui, "Decisions");
        if ui
            .add(
                egui::DragValue::new(&mut rows)
                    .range(1_000..=200_000)
                    .speed(500),
            )
            .labelled_by(label.id)
            .changed()
        {
            commands.push(PolicyCommand::SetSimulatedRows(rows).into());
        }
        if gloss::button(ui, "Generate a log").clicked() {
            commands.push(PolicyCommand::Simulate.into());
        }
    });
}
