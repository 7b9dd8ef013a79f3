//! Drift charts: reference and current overlaid, drift against importance,
//! and each column's drift per period with the thresholds drawn. The
//! library computes every number; these only draw them.

use clearbox::drift::verdict::{PSI_LARGE, PSI_WATCH};
use clearbox::drift::{ColumnDrift, DriftChart, PeriodReport};
use clearbox::words;
use egui::Ui;
use egui_plot::{
    Bar, BarChart, HLine, Legend, Line, Plot, PlotPoint, PlotPoints, Points, Text, VLine,
};

use super::gloss;
use super::theme;

fn still(plot: Plot<'_>) -> Plot<'_> {
    plot.allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

/// The reference's and the current table's distributions, overlaid.
pub fn overlay_ui(ui: &mut Ui, name: &str, chart: &DriftChart) {
    match chart {
        DriftChart::Empty => {
            gloss::weak(
                ui,
                "Nothing to draw: the column has no values in one of the tables.",
            );
        }
        DriftChart::Histogram {
            edges,
            reference,
            current,
        } => {
            let bars = |shares: &[f64], colour, offset: f64| -> Vec<Bar> {
                shares
                    .iter()
                    .enumerate()
                    .map(|(i, &share)| {
                        let width = edges[i + 1] - edges[i];
                        Bar::new(edges[i] + width * (0.25 + offset), share * 100.0)
                            .width(width * 0.5)
                            .fill(colour)
                    })
                    .collect()
            };
            still(Plot::new(format!("drift histogram {name}")))
                .height(200.0)
                .legend(Legend::default())
                .x_axis_formatter(|mark, _| words::number(mark.value))
                .y_axis_formatter(|mark, _| format!("{:.0}%", mark.value))
                .show(ui, |plot| {
                    plot.bar_chart(
                        BarChart::new("reference", bars(reference, theme::DATA, 0.0))
                            .color(theme::DATA),
                    );
                    plot.bar_chart(
                        BarChart::new("current", bars(current, theme::CURRENT, 0.5))
                            .color(theme::CURRENT),
                    );
                });
        }
        DriftChart::Bars {
            labels,
            reference,
            current,
        } => {
            let bars = |shares: &[f64], colour, offset: f64| -> Vec<Bar> {
                shares
                    .iter()
                    .enumerate()
                    .map(|(i, &share)| {
                        Bar::new(i as f64 + offset, share * 100.0)
                            .width(0.38)
                            .fill(colour)
                    })
                    .collect()
            };
            let names = labels.clone();
            still(Plot::new(format!("drift bars {name}")))
                .height(200.0)
                .legend(Legend::default())
                .x_axis_formatter(move |mark, _| {
                    let position = mark.value.round();
                    if (mark.value - position).abs() > 1e-6 || position < 0.0 {
                        return String::new();
                    }
                    names.get(position as usize).cloned().unwrap_or_default()
                })
                .y_axis_formatter(|mark, _| format!("{:.0}%", mark.value))
                .show(ui, |plot| {
                    plot.bar_chart(
                        BarChart::new("reference", bars(reference, theme::DATA, -0.2))
                            .color(theme::DATA),
                    );
                    plot.bar_chart(
                        BarChart::new("current", bars(current, theme::CURRENT, 0.2))
                            .color(theme::CURRENT),
                    );
                });
        }
    }
}

/// Each column a point: how much it drifted (PSI) across, how much the
/// model relies on it up. The top-right corner is what matters.
pub fn scatter_ui(ui: &mut Ui, columns: &[ColumnDrift]) {
    let top_share = columns
        .iter()
        .filter_map(|c| c.importance)
        .fold(0.0f64, f64::max)
        .max(0.05);
    still(Plot::new("drift and importance"))
        .height(220.0)
        .x_axis_label("drift (PSI)")
        .y_axis_label("model relies on it")
        .include_x(0.0)
        .include_x(PSI_LARGE * 1.4)
        .include_y(0.0)
        .include_y(top_share * 1.1)
        .y_axis_formatter(|mark, _| words::percent(mark.value))
        .show(ui, |plot| {
            for (name, x) in [("moderate", PSI_WATCH), ("large", PSI_LARGE)] {
                plot.vline(VLine::new(name, x).stroke((1.0, theme::CHECK)));
            }
            for c in columns {
                let share = c.importance.unwrap_or(0.0);
                let point = [c.psi.min(PSI_LARGE * 4.0), share];
                plot.points(
                    Points::new(c.name.clone(), PlotPoints::from(vec![point]))
                        .radius(4.0)
                        .color(theme::band_colour(c.band)),
                );
                if c.drifted() || share >= top_share * 0.5 {
                    plot.text(
                        Text::new(
                            c.name.clone(),
                            PlotPoint::new(point[0], point[1]),
                            format!("  {}", c.name),
                        )
                        .anchor(egui::Align2::LEFT_CENTER),
                    );
                }
            }
        });
}

/// Each column's PSI per period against the first, with the thresholds, and
/// the model's score per period when known.
pub fn periods_ui(ui: &mut Ui, report: &PeriodReport) {
    let labels: Vec<String> = report.periods.iter().map(|p| p.label.clone()).collect();
    let axis = move |labels: Vec<String>| {
        move |mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>| {
            let position = mark.value.round();
            if (mark.value - position).abs() > 1e-6 || position < 0.0 {
                return String::new();
            }
            labels.get(position as usize).cloned().unwrap_or_default()
        }
    };
    gloss::label(
        ui,
        format!(
            "Drift of each column against {} {}",
            report.column, labels[0]
        ),
    );
    for note in &report.notes {
        gloss::weak(ui, note);
    }
    still(Plot::new("drift per period"))
        .height(220.0)
        .legend(Legend::default())
        .include_y(0.0)
        .include_y(PSI_LARGE * 1.2)
        .x_axis_formatter(axis(labels.clone()))
        .show(ui, |plot| {
            plot.hline(HLine::new("moderate (0.1)", PSI_WATCH).stroke((1.0, theme::CHECK)));
            plot.hline(HLine::new("large (0.25)", PSI_LARGE).stroke((1.0, theme::PROBLEM)));
            // The six columns that moved most in the latest period.
            for series in report.series.iter().take(6) {
                let points: Vec<[f64; 2]> = series
                    .psi
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(i, &v)| [i as f64, v])
                    .collect();
                plot.line(Line::new(series.name.clone(), PlotPoints::from(points)));
            }
        });
    if let Some((metric, test)) = &report.score_metric {
        gloss::label(
            ui,
            format!(
                "The model's {} per period (its test score: {test:.3})",
                metric.name()
            ),
        );
        let points: Vec<[f64; 2]> = report
            .periods
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.score.map(|s| [i as f64, s]))
            .collect();
        let test = *test;
        still(Plot::new("score per period"))
            .height(160.0)
            .legend(Legend::default())
            .x_axis_formatter(axis(labels))
            .show(ui, |plot| {
                plot.hline(HLine::new("test score", test).stroke((1.0, theme::GOOD)));
                plot.line(Line::new(metric.name(), PlotPoints::from(points)).color(theme::DATA));
            });
    }
}
