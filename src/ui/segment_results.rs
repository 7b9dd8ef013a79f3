//! The groups page: how many groups and why (with a chart of the score of
//! every number tried, and buttons to show another number), how repeatable
//! they are, a card per group with its traits and an editable name, a map
//! of the rows, the groups side by side, and typical rows of each group.

use clearbox::data::Table;
use clearbox::data::summary::rows_in_words;
use clearbox::templates::segmentation::{SegmentationOutcome, Stability};
use clearbox::words::{capitalised, percent};
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot, PlotPoints, Points};

use super::commands::{AppCommand, SegmentationCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::{Dataset, SegmentWizard};
use super::theme;

/// Draws the results.
pub fn results_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    wizard: &SegmentWizard,
    commands: &mut Vec<AppCommand>,
) {
    let Some(outcome) = &wizard.outcome else {
        gloss::label(
            ui,
            "No groups yet. Choose the columns and press Find groups.",
        );
        return;
    };
    let card = &outcome.card;
    gloss::label(
        ui,
        RichText::new(format!(
            "Clearbox found {} groups among {}.",
            card.k,
            rows_in_words(
                outcome.provenance.data.summarised.as_ref(),
                outcome.assignments.len()
            )
        ))
        .strong(),
    );
    gloss::label(ui, outcome.k_sentence());
    k_chart_ui(ui, outcome);
    ui.horizontal_wrapped(|ui| {
        gloss::label(ui, "Show another number of groups:");
        for score in &card.k_scores {
            let label = format!("{} groups", score.k);
            if ui
                .selectable_label(score.k == card.k, label)
                .on_hover_text(format!("Silhouette {:.2}", score.silhouette))
                .clicked()
                && score.k != card.k
            {
                commands.push(SegmentationCommand::ChooseK(score.k).into());
            }
        }
    });
    if let Some(running) = wizard.running.as_ref().filter(|r| r.k.is_some()) {
        ui.horizontal(|ui| {
            ui.spinner();
            gloss::label(
                ui,
                format!(
                    "Working out {} groups: {}",
                    running.k.unwrap_or_default(),
                    running.job.message
                ),
            );
            if gloss::button(ui, "Cancel").clicked() {
                commands.push(SegmentationCommand::Cancel.into());
            }
        });
    }
    if let Some(stability) = &card.stability {
        let colour = match stability.verdict {
            Stability::Stable => theme::GOOD,
            Stability::SomewhatStable => theme::CHECK,
            Stability::Unstable => theme::PROBLEM,
        };
        ui.horizontal_wrapped(|ui| {
            gloss::coloured(ui, colour, RichText::new(capitalised(stability.verdict.word())).strong())
                .on_hover_text(
                    "Adjusted Rand index: how much two groupings of the same rows agree, beyond chance. \
                     1 is identical, 0 is no better than chance.",
                );
            gloss::label(ui, stability.sentence());
        });
    }
    gloss::weak(
        ui,
        format!("Rows were compared on {}.", outcome.representation),
    );
    for weight in card
        .features
        .weights
        .iter()
        .filter(|w| !w.reason.is_empty())
    {
        gloss::weak(ui, format!("'{}' {}.", weight.column, weight.reason));
    }
    // The wizard's list carries the reasons as the user saw them.
    super::input_choices::left_out_ui(ui, &wizard.inputs);
    ui.horizontal(|ui| {
        if gloss::button(ui, "Save groups…")
            .on_hover_text(
                "Saves the groups so new rows can be put in them: clearbox predict --model FOLDER",
            )
            .clicked()
        {
            commands.push(AppCommand::Pick(FilePurpose::SaveSegments));
        }
        if gloss::button(ui, "Export with segment column…").clicked() {
            commands.push(AppCommand::Pick(FilePurpose::ExportSegments));
        }
    });
    ui.separator();
    gloss::label(ui, RichText::new("The groups").strong());
    profiles_ui(ui, outcome, wizard, commands);
    ui.separator();
    gloss::label(ui, RichText::new("Map of the rows").strong());
    map_ui(ui, outcome, wizard);
    ui.separator();
    gloss::label(ui, RichText::new("The groups side by side").strong());
    comparison_ui(ui, outcome, wizard);
    ui.separator();
    gloss::label(ui, RichText::new("Typical rows of each group").strong());
    examples_ui(ui, &dataset.table, outcome, wizard);
}

/// A small square of a group's colour.
fn swatch_ui(ui: &mut Ui, colour: egui::Color32) {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    ui.painter().rect_filled(rect.shrink(2.0), 2.0, colour);
}

fn name_of(wizard: &SegmentWizard, index: usize) -> String {
    wizard
        .names
        .get(index)
        .cloned()
        .unwrap_or_else(|| format!("Group {}", index + 1))
}

fn k_chart_ui(ui: &mut Ui, outcome: &SegmentationOutcome) {
    let chosen = outcome.card.k;
    let bars: Vec<Bar> = outcome
        .card
        .k_scores
        .iter()
        .map(|s| {
            Bar::new(s.k as f64, s.silhouette)
                .width(0.6)
                .fill(if s.k == chosen {
                    theme::CHECK
                } else {
                    theme::DATA
                })
        })
        .collect();
    Plot::new("score per number of groups")
        .height(140.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .x_axis_label("number of groups")
        .y_axis_label("how far apart (silhouette)")
        .show(ui, |plot| plot.bar_chart(BarChart::new("silhouette", bars)));
    gloss::weak(
        ui,
        "Taller bars: groups further apart. The orange bar is the number shown.",
    );
}

fn profiles_ui(
    ui: &mut Ui,
    outcome: &SegmentationOutcome,
    wizard: &SegmentWizard,
    commands: &mut Vec<AppCommand>,
) {
    for (index, profile) in outcome.profiles.iter().enumerate() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                swatch_ui(ui, theme::group_colour(index));
                let label = gloss::label(ui, format!("Group {} name:", index + 1));
                let mut name = name_of(wizard, index);
                if ui
                    .text_edit_singleline(&mut name)
                    .labelled_by(label.id)
                    .changed()
                {
                    commands.push(SegmentationCommand::Rename { index, name }.into());
                }
                gloss::label(
                    ui,
                    format!(
                        "{} ({})",
                        rows_in_words(outcome.provenance.data.summarised.as_ref(), profile.size),
                        percent(profile.share)
                    ),
                );
            });
            for t in &profile.traits {
                gloss::label(ui, format!("- {}.", t.sentence));
            }
        });
    }
}

fn map_ui(ui: &mut Ui, outcome: &SegmentationOutcome, wizard: &SegmentWizard) {
    let map = &outcome.map;
    Plot::new("map of the rows")
        .height(320.0)
        .data_aspect(1.0)
        .legend(Legend::default())
        .show_axes([false, false])
        .show(ui, |plot| {
            for g in 0..outcome.card.k {
                let points: Vec<[f64; 2]> = map
                    .rows
                    .iter()
                    .zip(&map.points)
                    .filter(|(r, _)| outcome.assignments.get(**r) == Some(&(g as u32)))
                    .map(|(_, p)| [f64::from(p[0]), f64::from(p[1])])
                    .collect();
                plot.points(
                    Points::new(name_of(wizard, g), PlotPoints::from(points))
                        .radius(2.5)
                        .color(theme::group_colour(g)),
                );
            }
        });
    gloss::weak(
        ui,
        format!(
            "Each dot is a row, placed so that similar rows sit close together; the two directions show {} of the differences between rows.",
            percent(map.explained[0] + map.explained[1])
        ),
    );
}

fn comparison_ui(ui: &mut Ui, outcome: &SegmentationOutcome, wizard: &SegmentWizard) {
    let k = outcome.card.k;
    let features: Vec<String> = outcome
        .comparison
        .iter()
        .map(|c| c.feature.clone())
        .collect();
    let slot = 0.8 / k.max(1) as f64;
    let formatter_features = features.clone();
    Plot::new("groups side by side")
        .height(260.0)
        .legend(Legend::default())
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .y_axis_label("above / below the rest (spreads)")
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            formatter_features
                .get(i as usize)
                .cloned()
                .unwrap_or_default()
        })
        .show(ui, |plot| {
            for g in 0..k {
                let bars: Vec<Bar> = outcome
                    .comparison
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let x = i as f64 - 0.4 + slot * (g as f64 + 0.5);
                        Bar::new(x, c.strengths.get(g).copied().unwrap_or(0.0))
                            .width(slot * 0.9)
                            .fill(theme::group_colour(g))
                    })
                    .collect();
                plot.bar_chart(
                    BarChart::new(name_of(wizard, g), bars).color(theme::group_colour(g)),
                );
            }
        });
    gloss::weak(
        ui,
        "Bars above the line: the group has more of it than the other rows; below: less.",
    );
}

fn examples_ui(ui: &mut Ui, table: &Table, outcome: &SegmentationOutcome, wizard: &SegmentWizard) {
    let columns: Vec<&str> = outcome
        .card
        .features
        .weights
        .iter()
        .map(|w| w.column.as_str())
        .take(8)
        .collect();
    for (g, rows) in outcome.examples.iter().enumerate() {
        gloss::coloured(
            ui,
            theme::group_colour(g),
            RichText::new(name_of(wizard, g)).strong(),
        );
        egui::Grid::new(format!("examples {g}"))
            .striped(true)
            .show(ui, |ui| {
                gloss::weak(ui, "row");
                for c in &columns {
                    gloss::weak(ui, *c);
                }
                ui.end_row();
                for &r in rows {
                    gloss::label(ui, (r + 1).to_string());
                    for c in &columns {
                        let value = table
                            .column(c)
                            .map(|col| col.values.display(r).into_owned())
                            .unwrap_or_default();
                        gloss::label(ui, value);
                    }
                    ui.end_row();
                }
            });
        if let Some(membership) = outcome.memberships.iter().find(|m| m.group == g) {
            let names: Vec<String> = (0..outcome.card.k).map(|i| name_of(wizard, i)).collect();
            gloss::label(ui, clearbox::templates::segmentation::membership::sentence(membership, &names))
                .on_hover_text("Each column's share of what keeps this row nearer its own group's centre than the next-nearest group's.");
        }
    }
}
