//! The drift page: the open table against newer data (or its own periods),
//! with a saved model if one is chosen. The verdict and its reasons first,
//! then drift against importance, then every column ranked with its light
//! and sentence; a column's distributions open on the right.

use clearbox::drift::{ColumnDrift, DriftReport, Measures, glossary};
use clearbox::words;
use egui::{RichText, Ui};

use super::commands::{AppCommand, DataCommand, DriftCommand};
use super::files::FilePurpose;
use super::gloss;
use super::state::{Dataset, DriftView};
use super::{drift_challenger, drift_charts, theme};

/// Draws the drift page.
pub fn drift_page_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    drift: &DriftView,
    commands: &mut Vec<AppCommand>,
) {
    header_ui(ui, dataset, drift, commands);
    ui.separator();
    let Some(report) = &drift.report else {
        if drift.running.is_none() {
            gloss::label(
                ui,
                "Choose a newer file with the same columns to see whether the data has moved \
                 since this table, or split this table by a year or date column.",
            );
        }
        return;
    };
    if let Some(column) = drift.selected.as_ref().and_then(|s| report.column(s)) {
        egui::Panel::right("drift column")
            .resizable(true)
            .default_size(420.0)
            .show(ui, |ui| column_ui(ui, column, commands));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| overview_ui(ui, report, drift, commands));
    });
}

fn header_ui(ui: &mut Ui, dataset: &Dataset, drift: &DriftView, commands: &mut Vec<AppCommand>) {
    ui.horizontal(|ui| {
        if gloss::button(ui, "Back to the data").clicked() {
            commands.push(DataCommand::GoToData.into());
        }
        gloss::heading(
            ui,
            format!("Has the data moved since {}?", dataset.table.name),
        );
    });
    ui.horizontal_wrapped(|ui| {
        if gloss::button(ui, "Compare with newer data…")
            .on_hover_text("Choose a newer file with the same columns.")
            .clicked()
        {
            commands.push(AppCommand::Pick(FilePurpose::DriftCurrent));
        }
        if gloss::button(ui, "Check a saved model…")
            .on_hover_text(
                "Choose a model folder: its predictions and score on the newer rows are checked, \
                 and each column counts by how much the model relies on it.",
            )
            .clicked()
        {
            commands.push(AppCommand::Pick(FilePurpose::DriftModel));
        }
        if let Some(model) = &drift.model {
            gloss::label(
                ui,
                format!("Model: {}", clearbox::error::display_name(model)),
            );
            if ui.small_button("Stop checking the model").clicked() {
                commands.push(DriftCommand::UseModel(None).into());
            }
        }
        gloss::label(ui, "Split this table by:");
        let chosen = drift.period_column.clone().unwrap_or_else(|| "—".into());
        egui::ComboBox::from_id_salt("period column")
            .selected_text(chosen)
            .show_ui(ui, |ui| {
                for column in &dataset.table.columns {
                    let on = drift.period_column.as_deref() == Some(column.name.as_str());
                    if ui.selectable_label(on, &column.name).clicked() {
                        commands.push(DriftCommand::ComparePeriods(column.name.clone()).into());
                    }
                }
            })
            .response
            // Named for screen readers (and tests) by the words beside it.
            .accessible_name("Split this table by")
            .on_hover_text("Compare each period (a year, a month of a date) with the first.");
    });
    if let Some(path) = &drift.current {
        gloss::weak(
            ui,
            format!("Comparing with {}", clearbox::error::display_name(path)),
        );
    }
    if let Some(running) = &drift.running {
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
    }
}

fn overview_ui(
    ui: &mut Ui,
    report: &DriftReport,
    drift: &DriftView,
    commands: &mut Vec<AppCommand>,
) {
    let colour = theme::verdict_colour(report.verdict);
    ui.horizontal(|ui| {
        theme::coloured_word_ui(ui, colour, "");
        gloss::label(
            ui,
            RichText::new(format!("Verdict: {}", report.verdict.word()))
                .heading()
                .color(colour),
        );
    });
    gloss::label(ui, report.verdict.advice());
    for reason in &report.reasons {
        gloss::label(ui, format!("   {reason}"));
    }
    gloss::weak(
        ui,
        format!(
            "{} ({}) against {} ({}).",
            report.reference_name,
            words::rows(report.rows.0),
            report.current_name,
            words::rows(report.rows.1)
        ),
    );
    ui.add_space(8.0);
    if let Some(periods) = &drift.periods {
        gloss::label(ui, RichText::new("Over time").strong());
        drift_charts::periods_ui(ui, periods);
        ui.add_space(8.0);
    }
    match &report.model {
        Some(model) => {
            gloss::label(ui, RichText::new("What matters to the model").strong());
            gloss::label(ui, &model.predictions.sentence);
            drift_charts::scatter_ui(ui, &report.columns);
            gloss::weak(
                ui,
                "Each point is a column: further right, more drift; higher, more reliance. The top-right matters most.",
            );
        }
        None => {
            gloss::weak(
                ui,
                "Check a saved model to weigh each column by how much the model relies on it.",
            );
        }
    }
    ui.add_space(8.0);
    drift_challenger::challenger_ui(ui, report, drift, commands);
    ui.add_space(8.0);
    gloss::label(ui, RichText::new("Columns, what moved most first").strong());
    for column in &report.columns {
        ui.horizontal(|ui| {
            theme::coloured_word_ui(ui, theme::band_colour(column.band), "");
            let label = format!("{} — {}", column.name, column.band.word());
            let on = drift.selected.as_deref() == Some(column.name.as_str());
            let response = ui.selectable_label(on, &label);
            if gloss::hover_about(response, &label, column.band.explanation()).clicked() {
                let next = if on { None } else { Some(column.name.clone()) };
                commands.push(DriftCommand::SelectColumn(next).into());
            }
        });
        gloss::label(ui, &column.sentence);
    }
    if !report.left_out.is_empty() {
        ui.collapsing("Columns not compared", |ui| {
            for left in &report.left_out {
                gloss::label(ui, format!("{}: {}.", left.column, left.reason));
            }
        });
    }
    let heading = "How drift is decided";
    let folded = ui.collapsing(heading, |ui| gloss::label(ui, &report.method));
    gloss::gloss(folded.header_response, heading);
}

fn column_ui(ui: &mut Ui, column: &ColumnDrift, commands: &mut Vec<AppCommand>) {
    ui.horizontal(|ui| {
        gloss::heading(ui, &column.name);
        if ui.small_button("Close").clicked() {
            commands.push(DriftCommand::SelectColumn(None).into());
        }
    });
    theme::coloured_word_ui(ui, theme::band_colour(column.band), column.band.word());
    gloss::label(ui, &column.sentence);
    gloss::label(ui, format!("Reference and current: {}", column.name));
    drift_charts::overlay_ui(ui, &column.name, &column.chart);
    egui::Grid::new("drift measures")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let mut row = |name: &str, value: String, hover: &str| {
                gloss::label(ui, name).on_hover_text(hover);
                gloss::label(ui, value).on_hover_text(hover);
                ui.end_row();
            };
            row("PSI", format!("{:.3}", column.psi), glossary::PSI);
            match &column.measures {
                Measures::Number(n) => {
                    row("KS", format!("{:.3}", n.ks), glossary::KS);
                    row(
                        "Wasserstein",
                        format!("{:.3} spreads", n.wasserstein),
                        glossary::WASSERSTEIN,
                    );
                    row(
                        "Median",
                        format!(
                            "{} to {}",
                            words::number(n.median.0),
                            words::number(n.median.1)
                        ),
                        "The middle value in the reference and in the current table.",
                    );
                }
                Measures::Label(l) => {
                    row("Jensen–Shannon", format!("{:.3}", column.js), glossary::JS);
                    row(
                        "New labels",
                        format!(
                            "{} ({} of rows)",
                            l.new_labels.count,
                            words::percent(l.new_labels.share)
                        ),
                        "Labels the reference never had.",
                    );
                }
            }
            row(
                "Missing",
                format!(
                    "{} to {}",
                    words::percent(column.missing.0),
                    words::percent(column.missing.1)
                ),
                glossary::MISSING,
            );
            row(
                "p-value",
                if column.p_adjusted < 0.001 {
                    "under 0.001".to_owned()
                } else {
                    format!("{:.3}", column.p_adjusted)
                },
                glossary::P_VALUE,
            );
            if let Some(share) = column.importance {
                row(
                    "Model reliance",
                    words::percent(share),
                    glossary::IMPORTANCE,
                );
            }
        });
}
