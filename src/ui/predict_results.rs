//! The results page: how good the model is on rows it never saw, in words,
//! next to the simple model; for yes/no, a threshold slider that updates the
//! sentences, the confusion table, and ROC, gains and calibration curves.

use clearbox::ml::metrics::{BinaryCurves, BinaryScores};
use clearbox::templates::prediction::{
    ChosenModel, Compared, Measured, PredictionOutcome, Scores, UnkeptTrees,
};
use clearbox::words::{count, number, percent};
use egui::{RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use super::commands::{AppCommand, ExplainCommand, PredictionCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::PredictionWizard;

/// Draws the results.
pub fn results_ui(ui: &mut Ui, wizard: &PredictionWizard, commands: &mut Vec<AppCommand>) {
    let Some(outcome) = &wizard.outcome else {
        gloss::label(ui, "No model yet. Train one first.");
        return;
    };
    let card = &outcome.card;
    let title = match card.measured {
        Measured::HeldOut => format!(
            "How well '{}' is predicted, on {} test rows the model never saw",
            card.target.name,
            count(card.split_sizes[2])
        ),
        Measured::CrossValidated { .. } => format!(
            "How well '{}' is predicted, on all {} rows, each scored by a model that had not seen it",
            card.target.name,
            count(card.split_sizes[2])
        ),
    };
    gloss::label(ui, RichText::new(title).strong());
    let spread = |which: Compared| {
        card.measured
            .spread(which)
            .map_or(String::new(), |s| format!("; {s}"))
    };
    gloss::label(
        ui,
        format!(
            "Deep model: {}{}",
            headline(&card.deep.test),
            spread(Compared::Deep)
        ),
    );
    gloss::label(
        ui,
        format!(
            "Simple model (the bar to beat): {}{}",
            headline(&card.simple.test),
            spread(Compared::Simple)
        ),
    );
    if let Some(trees) = &card.trees {
        let used = if card.chosen == ChosenModel::Trees {
            "They are kept for scoring and explanations, as they clearly do better here."
        } else {
            "They are not used for scoring or explanations unless they clearly do better."
        };
        gloss::label(
            ui,
            format!(
                "Gradient-boosted trees (a strong classic method): {}{}",
                headline(&trees.test),
                spread(Compared::Trees)
            ),
        )
        .on_hover_text(format!(
            "{} decision trees, each correcting the ones before, fitted on the same rows. {used}",
            count(trees.trees)
        ));
        let kept = card.chosen_test();
        let ahead = format!(
            "On the test rows the trees do better ({} against {}).",
            kept.metric().shown(trees.test.value()),
            kept.metric().shown(kept.value())
        );
        match card.unkept_trees() {
            Some(UnkeptTrees::AheadSavedBefore) => {
                gloss::coloured(
                    ui,
                    super::theme::CHECK,
                    format!(
                        "{ahead} This model was saved before Clearbox could keep trees; train it again to use them."
                    ),
                );
            }
            Some(UnkeptTrees::AheadOnTestOnly) => {
                gloss::weak(
                    ui,
                    format!(
                        "{ahead} They did not clearly lead on the validation rows the choice is made on, so the difference may be luck."
                    ),
                );
            }
            Some(UnkeptTrees::NoClearGain) | None => {}
        }
    }
    if let Measured::CrossValidated { .. } = card.measured {
        gloss::weak(
            ui,
            format!(
                "The model that is saved then learned from all {} rows, for as many passes as the rotations needed.",
                count(card.split_sizes[0])
            ),
        );
    }
    match card.chosen {
        ChosenModel::Deep => gloss::label(ui, card.kept_sentence()),
        ChosenModel::Simple | ChosenModel::Trees => {
            gloss::coloured(ui, super::theme::CHECK, card.kept_sentence())
        }
    };
    if let Some(warning) = card.guessing_warning() {
        gloss::coloured(ui, super::theme::PROBLEM, warning);
    }
    super::input_choices::left_out_ui(ui, &outcome.inputs);
    ui.horizontal(|ui| {
        if gloss::button(ui, "Save the model…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::SaveModel));
        }
        if gloss::button(ui, "Explain the model…")
            .on_hover_text("What drives the model, how sure that is, and why it predicts what it does for one row.")
            .clicked()
        {
            commands.push(ExplainCommand::Open.into());
        }
    });
    ui.separator();
    let Some(results) = &wizard.results else {
        return;
    };
    match (&wizard.at_threshold, &results.curves) {
        (Some(scores), Some(curves)) => {
            binary_ui(ui, outcome, wizard.threshold, scores, curves, commands)
        }
        _ => other_ui(ui, outcome, &results.scatter),
    }
}

fn headline(scores: &Scores) -> String {
    match scores {
        Scores::Binary(s) => format!("AUC {:.3} (0.5 is guessing, 1 is perfect)", s.auc),
        Scores::Multiclass(s) => format!("right for {} of rows", percent(s.accuracy)),
        Scores::Regression(s) => format!(
            "typical error {}, explains {} of the differences",
            number(s.mae),
            percent(s.r2.max(0.0))
        ),
    }
}

fn binary_ui(
    ui: &mut Ui,
    outcome: &PredictionOutcome,
    threshold: f64,
    scores: &BinaryScores,
    curves: &BinaryCurves,
    commands: &mut Vec<AppCommand>,
) {
    let target = &outcome.card.target;
    let positive_class = target.classes.last().map_or("", String::as_str);
    let positive = target
        .positive_words()
        .unwrap_or_else(|| target.name.clone());
    let mut t = threshold;
    // A chance reads as a per cent ("36%"), as in every sentence below,
    // not as a fraction with four decimals.
    let slider = ui.add(
        egui::Slider::new(&mut t, 0.01..=0.99)
            .text("Flag a row when the chance is above")
            .custom_formatter(|v, _| format!("{:.0}%", v * 100.0))
            .custom_parser(|s| {
                let v: f64 = s.trim().trim_end_matches('%').trim().parse().ok()?;
                Some(v / 100.0)
            }),
    );
    if slider.changed() {
        commands.push(PredictionCommand::SetThreshold(t).into());
    }
    gloss::label(
        ui,
        format!(
            "Of every 100 rows the model flags, {:.0} really {} {positive}; picking at random finds {:.0}.",
            scores.precision * 100.0,
            clearbox::words::agreeing(scores.precision * 100.0, "has", "have"),
            scores.base_rate * 100.0
        ),
    );
    gloss::label(
        ui,
        format!(
            "It catches {:.0} of every 100 rows with {positive}; flagging at random catches as many as it flags.",
            scores.recall * 100.0
        ),
    );
    gloss::label(
        ui,
        format!(
            "Overall it is right for {} of rows.",
            percent(scores.accuracy)
        ),
    );
    let [[tn, fp], [fn_, tp]] = scores.confusion;
    egui::Grid::new("confusion").striped(true).show(ui, |ui| {
        gloss::label(ui, "");
        ui.strong("flagged");
        ui.strong("not flagged");
        ui.end_row();
        ui.strong(target.really(positive_class));
        gloss::label(ui, format!("{tp} caught"));
        gloss::label(ui, format!("{fn_} missed"));
        ui.end_row();
        ui.strong(target.classes.first().map_or_else(
            || "really not".to_owned(),
            |negative| target.really(negative),
        ));
        gloss::label(ui, format!("{fp} false alarms"));
        gloss::label(ui, format!("{tn} rightly left alone"));
        ui.end_row();
    });
    ui.add_space(8.0);
    ui.columns(3, |columns| {
        curve_ui(
            &mut columns[0],
            "ROC curve",
            "higher and further left is better; the diagonal is guessing",
            &curves.roc,
        );
        curve_ui(
            &mut columns[1],
            "Gains",
            "share found when contacting the top-scored share first",
            &curves.gains,
        );
        curve_ui(
            &mut columns[2],
            "Calibration",
            "on the diagonal, a 30% chance really happens 30% of the time",
            &curves.calibration,
        );
    });
}

fn curve_ui(ui: &mut Ui, title: &str, sentence: &str, points: &[(f64, f64)]) {
    ui.strong(title);
    gloss::weak(ui, sentence);
    let line: Vec<[f64; 2]> = points.iter().map(|(x, y)| [*x, *y]).collect();
    Plot::new(title)
        .height(200.0)
        .data_aspect(1.0)
        .include_x(0.0)
        .include_x(1.0)
        .include_y(0.0)
        .include_y(1.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            plot.line(
                Line::new("diagonal", PlotPoints::from(vec![[0.0, 0.0], [1.0, 1.0]]))
                    .color(egui::Color32::GRAY),
            );
            plot.line(
                Line::new(title.to_owned(), PlotPoints::from(line)).color(super::theme::DATA),
            );
        });
}

fn other_ui(ui: &mut Ui, outcome: &PredictionOutcome, scatter: &[[f64; 2]]) {
    let card = &outcome.card;
    // The kept model's figures, as the scatter shows its predictions.
    match card.chosen_test() {
        Scores::Multiclass(s) => {
            gloss::label(ui, "How often each class is recognised:");
            for (class, recall) in card.target.classes.iter().zip(&s.recall) {
                gloss::label(
                    ui,
                    format!(
                        "{}: {} of its rows",
                        card.target.class_words(class),
                        percent(*recall)
                    ),
                );
            }
            ui.add_space(6.0);
            gloss::weak(
                ui,
                "Test rows by their real class (rows) and the class predicted (columns):",
            );
            egui::Grid::new("class confusion")
                .striped(true)
                .show(ui, |ui| {
                    gloss::label(ui, "");
                    for class in &card.target.classes {
                        ui.strong(format!("predicted {class}"));
                    }
                    ui.end_row();
                    for (class, row) in card.target.classes.iter().zip(&s.confusion) {
                        ui.strong(card.target.really(class));
                        for n in row {
                            gloss::label(ui, count(*n));
                        }
                        ui.end_row();
                    }
                });
        }
        Scores::Regression(s) => {
            gloss::label(
                ui,
                format!(
                    "On a typical row the prediction is off by {:.3} (in '{}' units); larger misses count more in the RMSE of {:.3}.",
                    s.mae, card.target.name, s.rmse
                ),
            );
            gloss::weak(
                ui,
                "Each point is a test row: its true value across, the prediction up. Perfect predictions lie on the diagonal.",
            );
            Plot::new("predicted vs actual")
                .height(260.0)
                .data_aspect(1.0)
                .show(ui, |plot| {
                    plot.points(
                        egui_plot::Points::new("rows", PlotPoints::from(scatter.to_vec()))
                            .radius(1.5),
                    );
                });
        }
        _ => {}
    }
}
