//! Champion and challenger on the drift page: train a new model on the
//! newer data, see both scored on the same newest rows, promote if wanted.

use clearbox::drift::{DriftReport, DriftVerdict};
use egui::{RichText, Ui};

use super::commands::{AppCommand, DriftCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::DriftView;

/// Draws the champion/challenger section (only with a model and a newer file).
pub fn challenger_ui(
    ui: &mut Ui,
    report: &DriftReport,
    drift: &DriftView,
    commands: &mut Vec<AppCommand>,
) {
    // A challenger learns the outcome from the newer file: only a model whose
    // outcome the newer file records (so it could be scored) can have one.
    if report.model.as_ref().is_none_or(|m| m.score.is_none()) || drift.current.is_none() {
        return;
    }
    gloss::label(ui, RichText::new("Champion and challenger").strong());
    let view = &drift.challenger;
    if report.verdict == DriftVerdict::Retrain {
        gloss::label(
            ui,
            "The verdict says retrain: train a challenger on the newer data with the same \
             settings and compare the two on the newest rows.",
        );
    } else {
        gloss::weak(
            ui,
            "You can train a challenger on the newer data and compare the two.",
        );
    }
    if let Some(running) = &view.running {
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(running.fraction)
                    .desired_width(240.0)
                    .text(&running.message),
            );
            if gloss::button(ui, "Cancel").clicked() {
                commands.push(DriftCommand::Cancel.into());
            }
        });
    } else if gloss::button(ui, "Train a challenger on the newer data")
        .on_hover_text(
            "Trains the Prediction template on the newer file with the model's target, inputs \
             and seed. Nothing replaces your model unless you promote the challenger.",
        )
        .clicked()
    {
        commands.push(DriftCommand::TrainChallenger.into());
    }
    let Some(result) = &view.result else { return };
    let duel = &result.duel;
    let challenger = report.current_name.as_str();
    gloss::label(
        ui,
        format!(
            "Champion (your model): {} {:.3}",
            duel.metric.name(),
            duel.champion
        ),
    );
    gloss::label(
        ui,
        format!(
            "Challenger (trained on {challenger}): {} {:.3}",
            duel.metric.name(),
            duel.challenger
        ),
    );
    gloss::label(ui, &duel.sentence);
    match &view.promoted {
        Some(dir) => {
            gloss::label(
                ui,
                format!(
                    "You promoted the challenger: it is saved in '{}' with a record of your decision.",
                    clearbox::error::display_name(dir)
                ),
            );
        }
        None => {
            if gloss::button(ui, "Promote the challenger…")
                .on_hover_text(
                    "Saves the challenger to a folder you choose, with a record of when and why \
                     it replaced the model.",
                )
                .clicked()
            {
                commands.push(AppCommand::Pick(FilePurpose::Promotion));
            }
        }
    }
}
