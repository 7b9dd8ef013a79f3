//! The lesson's side panel: the steps, ticked as their checks pass, the
//! current one in full with its hint offered after a while; in presenter
//! mode the current step is shown large.

use egui::{RichText, Ui};

use super::commands::{AppCommand, LessonCommand};
use super::gloss;
use super::state::LessonView;
use super::theme;

/// Draws the lesson panel on the right of the window.
pub fn lesson_panel_ui(
    ui: &mut Ui,
    view: &LessonView,
    presenter: bool,
    hint_after: std::time::Duration,
    commands: &mut Vec<AppCommand>,
) {
    egui::Panel::right("lesson")
        .resizable(true)
        .default_size(if presenter { 480.0 } else { 320.0 })
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal(|ui| {
                    gloss::heading(ui, format!("Lesson: {}", view.lesson.title));
                    if gloss::button(ui, "Close the lesson").clicked() {
                        commands.push(LessonCommand::Stop.into());
                    }
                });
                let done = view.done.iter().filter(|d| **d).count();
                gloss::weak(
                    ui,
                    format!("{done} of {} steps done.", view.lesson.steps.len()),
                );
                if !presenter && !view.lesson.about.is_empty() {
                    gloss::label(ui, &view.lesson.about);
                }
                ui.separator();
                let current = view.current();
                for (index, step) in view.lesson.steps.iter().enumerate() {
                    let is_current = current == Some(index);
                    if presenter && !is_current {
                        // One idea per screen: only the step at hand.
                        continue;
                    }
                    step_ui(ui, index, step, view.done[index], is_current, presenter);
                    if is_current {
                        hint_ui(ui, view, step, hint_after, commands);
                    }
                }
                if view.finished() {
                    ui.add_space(8.0);
                    gloss::coloured(
                        ui,
                        theme::GOOD,
                        RichText::new("Lesson complete: every step is done.").strong(),
                    );
                    if let clearbox::lessons::LessonData::Broken(_, broken) = &view.lesson.data {
                        gloss::label(ui, format!("What was broken: {}", broken.reveal()));
                    }
                }
            });
        });
}

fn step_ui(
    ui: &mut Ui,
    index: usize,
    step: &clearbox::lessons::Step,
    done: bool,
    current: bool,
    presenter: bool,
) {
    let mark = if done {
        " (done)"
    } else if current {
        " (now)"
    } else {
        ""
    };
    let text = format!("Step {}{mark}: {}", index + 1, step.instruction);
    let mut rich = RichText::new(&text);
    if presenter {
        rich = rich.size(28.0);
    }
    if current {
        rich = rich.strong();
    } else if done {
        rich = rich.weak();
    }
    let response = if done {
        gloss::coloured(ui, theme::GOOD, rich)
    } else {
        ui.label(rich)
    };
    let state = if done { "Done. " } else { "" };
    gloss::hover_about(
        response,
        &text,
        &format!("{state}{}", step.check.describe()),
    );
    ui.add_space(4.0);
}

fn hint_ui(
    ui: &mut Ui,
    view: &LessonView,
    step: &clearbox::lessons::Step,
    hint_after: std::time::Duration,
    commands: &mut Vec<AppCommand>,
) {
    let Some(hint) = &step.hint else {
        return;
    };
    if view.hint_shown {
        gloss::label(ui, RichText::new(format!("Hint: {hint}")).italics());
    } else if view.since.elapsed() >= hint_after {
        if gloss::button(ui, "Show a hint").clicked() {
            commands.push(LessonCommand::ShowHint.into());
        }
    } else {
        // Offer the hint once the learner has had time to try.
        ui.ctx()
            .request_repaint_after(hint_after.saturating_sub(view.since.elapsed()));
    }
}
