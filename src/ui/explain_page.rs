//! The explanation page: the executive panel (what the model does, how
//! good it is, what drives it, how sure that is, what to keep in mind), then
//! one row: why it got its prediction (a waterfall), what-if controls, and
//! what would change the decision.

use clearbox::data::ColumnValues;
use clearbox::explain::RowExplanation;
use clearbox::explain::importance::{Driver, Stability};
use clearbox::explain::sentences::contribution;
use clearbox::explain::what_if::{Control, WhatIfValue};
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Plot, PlotPoints, Points};

use super::commands::{AppCommand, ExplainCommand, PolicyCommand, PredictionCommand};
use super::explain_flow::current_value;
use super::files::FilePurpose;
use super::gloss;
use super::state::{Dataset, ExplainSubject, ExplainView};
use super::theme;

/// Bars in the waterfall before the rest are summed into one.
const WATERFALL_BARS: usize = 8;

/// Draws the page.
pub fn explain_page_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    view: &ExplainView,
    commands: &mut Vec<AppCommand>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.horizontal(|ui| {
            let (heading, back): (&str, AppCommand) = match view.subject {
                ExplainSubject::Prediction => (
                    "Why the model predicts what it does",
                    PredictionCommand::Start.into(),
                ),
                ExplainSubject::Policy => (
                    "Why the policy recommends what it does",
                    PolicyCommand::Start.into(),
                ),
            };
            gloss::heading(ui, heading);
            if gloss::button(ui, "Back to results").clicked() {
                commands.push(back);
            }
        });
        ui.add_space(6.0);
        panel_ui(ui, view);
        ui.separator();
        row_ui(ui, dataset, view, commands);
    });
}

fn panel_ui(ui: &mut Ui, view: &ExplainView) {
    if let Some(fraction) = view.drivers_progress {
        gloss::label(ui, &view.estimate);
        ui.add(egui::ProgressBar::new(fraction).show_percentage());
        return;
    }
    let Some(panel) = &view.panel else {
        // A policy: what sways its choice, without a model's executive panel.
        if view.drivers.is_empty() {
            return;
        }
        gloss::label(ui, RichText::new("What sways the choice").strong()).on_hover_text(
            "Each input's average effect on how much more the recommended action is expected to \
             earn than the next best one, measured with Shapley values.",
        );
        let shown: Vec<Driver> = view.drivers.iter().take(8).cloned().collect();
        drivers_chart_ui(ui, &shown);
        spread_chart_ui(ui, &shown, &view.spread);
        return;
    };
    gloss::label(ui, RichText::new("Executive summary").strong().size(18.0));
    gloss::label(ui, RichText::new(&panel.headline).strong());
    gloss::label(ui, &panel.scope);
    ui.add_space(4.0);
    gloss::label(ui, RichText::new("How good it is").strong());
    for line in &panel.quality {
        gloss::label(ui, line);
    }
    ui.add_space(4.0);
    gloss::label(ui, RichText::new("What drives it").strong())
        .on_hover_text("Each input's average effect on a prediction, measured with Shapley values: how much knowing the input moves the prediction away from the average row.");
    gloss::label(ui, &panel.drivers_paragraph);
    drivers_chart_ui(ui, &panel.drivers);
    gloss::weak(ui, &panel.drivers_unit);
    spread_chart_ui(ui, &panel.drivers, &view.spread);
    gloss::label(ui, &panel.stability).on_hover_text(
        "Stable: recomputing with other comparison rows changes the input's weight by less than a quarter. \
         Shaky: it changes more, so do not read much into its exact rank.",
    );
    ui.add_space(4.0);
    gloss::label(ui, RichText::new("Keep in mind").strong());
    for warning in &panel.warnings {
        gloss::coloured(ui, theme::CHECK, format!("• {warning}"));
    }
}

fn drivers_chart_ui(ui: &mut Ui, drivers: &[Driver]) {
    let count = drivers.len();
    let labels: Vec<String> = drivers
        .iter()
        .map(|d| format!("{} ({})", d.column, d.stability.word()))
        .collect();
    let bars: Vec<Bar> = drivers
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let colour = match d.stability {
                Stability::Stable => theme::DATA,
                Stability::Shaky => theme::CHECK,
            };
            Bar::new((count - i) as f64, d.mean_abs)
                .width(0.7)
                .fill(colour)
        })
        .collect();
    still_plot("drivers", count, 260.0)
        .y_axis_formatter(move |mark, _| label_at(&labels, mark.value))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("average effect", bars).horizontal())
        });
}

/// Each explained row as a dot per driver: how far, and which way, that
/// input moved its prediction (a beeswarm).
fn spread_chart_ui(ui: &mut Ui, drivers: &[Driver], spread: &[Vec<f64>]) {
    if spread.is_empty() {
        return;
    }
    let count = drivers.len();
    let labels: Vec<String> = drivers.iter().map(|d| d.column.clone()).collect();
    gloss::weak(
        ui,
        "Each dot is one test row: how far that input pushed its prediction up (right) or down (left).",
    );
    still_plot("driver spread", count, 260.0)
        .y_axis_formatter(move |mark, _| label_at(&labels, mark.value))
        .show(ui, |plot| {
            for (i, amounts) in spread.iter().enumerate() {
                let level = (count - i) as f64;
                // A fixed jitter, so the dots of one row do not sit on a line.
                let points: Vec<[f64; 2]> = amounts
                    .iter()
                    .enumerate()
                    .map(|(j, &a)| [a, level + ((j * 37 % 21) as f64 - 10.0) * 0.025])
                    .collect();
                plot.points(
                    Points::new(format!("row effects {i}"), PlotPoints::from(points))
                        .radius(2.0)
                        .color(theme::DATA),
                );
            }
        });
}

/// A plot of `count` labelled rows that stays put: no zoom, drag or scroll,
/// so a page of charts scrolls as a page.
fn still_plot(id: &str, count: usize, tallest: f32) -> Plot<'static> {
    Plot::new(id)
        .height((26.0 * count as f32).clamp(80.0, tallest))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_grid([true, false])
}

/// The label of the bar at `value` (bars sit at heights count..1, first at the top).
fn label_at(labels: &[String], value: f64) -> String {
    let position = value.round();
    let count = labels.len() as f64;
    if (value - position).abs() > 1e-6 || position < 1.0 || position > count {
        return String::new();
    }
    labels
        .get(labels.len() - position as usize)
        .cloned()
        .unwrap_or_default()
}

fn row_ui(ui: &mut Ui, dataset: &Dataset, view: &ExplainView, commands: &mut Vec<AppCommand>) {
    gloss::label(ui, RichText::new("One row").strong().size(18.0));
    ui.horizontal(|ui| {
        let mut shown = view.row + 1;
        let rows = dataset.table.rows.max(1);
        let label = gloss::label(ui, "Row");
        let response = ui
            .add(egui::DragValue::new(&mut shown).range(1..=rows))
            .labelled_by(label.id);
        if response.changed() {
            commands.push(ExplainCommand::Row(shown - 1).into());
        }
        if view.row_running {
            ui.spinner();
            gloss::weak(ui, "Explaining…");
        }
    });
    if !view.edits.is_empty() {
        gloss::coloured(ui, theme::CHECK, "With your what-if changes below.");
    }
    if let Some(explanation) = &view.row_explanation {
        gloss::label(ui, &view.row_sentence);
        waterfall_ui(ui, explanation);
    }
    ui.add_space(6.0);
    gloss::label(ui, RichText::new("What if…").strong())
        .on_hover_text("Change this row's inputs and see the prediction and its reasons update.");
    what_if_ui(ui, dataset, view, commands);
    if view.has_decision && !view.change_sentence.is_empty() {
        ui.add_space(6.0);
        gloss::label(ui, RichText::new("What would change the decision").strong()).on_hover_text(
            "The smallest change to at most three inputs, using only values seen in the data, that moves \
             the prediction across the model's line. Lock inputs that cannot change.",
        );
        gloss::label(ui, &view.change_sentence);
    }
    ui.add_space(6.0);
    if ui
        .add_enabled(
            view.row_explanation.is_some(),
            egui::Button::new("Save explanation letter…"),
        )
        .clicked()
    {
        commands.push(AppCommand::Pick(FilePurpose::SaveLetter));
    }
}

/// Average row at the top, each input's push in turn, the prediction at the end.
fn waterfall_ui(ui: &mut Ui, e: &RowExplanation) {
    let mut sorted: Vec<(String, f64)> = e
        .attributions
        .iter()
        .map(|a| (a.column.clone(), a.amount))
        .collect();
    sorted.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    if sorted.len() > WATERFALL_BARS {
        let rest: f64 = sorted[WATERFALL_BARS..].iter().map(|(_, v)| v).sum();
        sorted.truncate(WATERFALL_BARS);
        sorted.push(("(all other inputs)".into(), rest));
    }
    let count = sorted.len();
    let mut running = e.base_value;
    let mut labels = Vec::with_capacity(count);
    let mut bars = Vec::with_capacity(count);
    for (i, (column, amount)) in sorted.iter().enumerate() {
        labels.push(format!("{column} {}", contribution(e.explained, *amount)));
        let colour = if *amount >= 0.0 {
            theme::PROBLEM
        } else {
            theme::DATA
        };
        bars.push(
            Bar::new((count - i) as f64, *amount)
                .base_offset(running)
                .width(0.7)
                .fill(colour),
        );
        running += amount;
    }
    still_plot("waterfall", count, 280.0)
        .y_axis_formatter(move |mark, _| label_at(&labels, mark.value))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("effect", bars).horizontal())
        });
    gloss::weak(
        ui,
        "Bars start at the average row's prediction; each input pushes it up (orange) or down (blue) until it reaches this row's prediction.",
    );
}

fn what_if_ui(ui: &mut Ui, dataset: &Dataset, view: &ExplainView, commands: &mut Vec<AppCommand>) {
    if view.controls.is_empty() {
        gloss::weak(
            ui,
            "The what-if controls appear once the model's drivers are worked out.",
        );
        return;
    }
    egui::Grid::new("what-if").num_columns(2).show(ui, |ui| {
        for (column, control) in &view.controls {
            let current = current_value(view, column);
            match control {
                Control::Number { min, max } => {
                    let row_value = match dataset.table.column(column).map(|c| c.values.as_ref()) {
                        Some(ColumnValues::Number(v)) => {
                            v.get(view.row).copied().unwrap_or(f64::NAN)
                        }
                        _ => f64::NAN,
                    };
                    let mut value = match current {
                        Some(WhatIfValue::Number(x)) => x,
                        _ if row_value.is_nan() => *min,
                        _ => row_value,
                    };
                    let slider = egui::Slider::new(&mut value, *min..=*max).text(column);
                    if ui.add(slider).changed() {
                        commands.push(
                            ExplainCommand::SetWhatIf {
                                column: column.clone(),
                                value: WhatIfValue::Number(value),
                            }
                            .into(),
                        );
                    }
                }
                Control::Labels(labels) => {
                    let row_label = dataset
                        .table
                        .column(column)
                        .map(|c| c.values.display(view.row).into_owned())
                        .unwrap_or_default();
                    let shown = match &current {
                        Some(WhatIfValue::Label(l)) => l.clone(),
                        _ => row_label,
                    };
                    egui::ComboBox::from_label(column)
                        .selected_text(if shown.is_empty() {
                            "(missing)".to_owned()
                        } else {
                            shown.clone()
                        })
                        .show_ui(ui, |ui| {
                            for label in labels {
                                if ui.selectable_label(*label == shown, label).clicked()
                                    && *label != shown
                                {
                                    commands.push(
                                        ExplainCommand::SetWhatIf {
                                            column: column.clone(),
                                            value: WhatIfValue::Label(label.clone()),
                                        }
                                        .into(),
                                    );
                                }
                            }
                        });
                }
                Control::Fixed => {
                    gloss::weak(ui, format!("{column}: cannot be changed here"));
                }
            }
            if view.has_decision && !matches!(control, Control::Fixed) {
                let mut locked = view.locked.contains(column);
                if ui
                    .checkbox(&mut locked, format!("Keep '{column}' as is"))
                    .changed()
                {
                    commands.push(ExplainCommand::ToggleLock(column.clone()).into());
                }
            }
            ui.end_row();
        }
    });
    if !view.edits.is_empty() && gloss::button(ui, "Undo what-if changes").clicked() {
        commands.push(ExplainCommand::ResetWhatIf.into());
    }
}
