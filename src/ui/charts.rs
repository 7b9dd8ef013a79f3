//! Charts of a column: a histogram for numbers and dates, bars for labels.

use clearbox::data::table::format_datetime;
use clearbox::health::ColumnSummary;
use clearbox::words;
use egui::Ui;
use egui_plot::{Bar, BarChart, Plot};

use super::gloss;
use super::theme;

/// Draws the chart for a column's summary.
pub fn summary_chart_ui(ui: &mut Ui, name: &str, summary: &ColumnSummary) {
    match summary {
        ColumnSummary::Empty => {}
        ColumnSummary::Histogram {
            edges,
            counts,
            log_scale,
            dates,
        } => {
            // Log-scaled bins are drawn evenly on ln(1 + x) and labelled in the column's units.
            let to_axis = |x: f64| if *log_scale { x.ln_1p() } else { x };
            let from_axis = move |x: f64| if *log_scale { x.exp_m1() } else { x };
            let bars: Vec<Bar> = counts
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    let (a, b) = (to_axis(edges[i]), to_axis(edges[i + 1]));
                    Bar::new((a + b) / 2.0, n as f64)
                        .width((b - a).max(f64::EPSILON))
                        .fill(theme::DATA)
                })
                .collect();
            let dates = *dates;
            Plot::new(format!("histogram {name}"))
                .height(180.0)
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .x_axis_formatter(move |mark, _| {
                    let x = from_axis(mark.value);
                    if dates {
                        format_datetime(x as i64)
                    } else {
                        words::number(x)
                    }
                })
                .y_axis_formatter(|mark, _| words::number(mark.value))
                .show(ui, |plot| plot.bar_chart(BarChart::new("rows", bars)));
            if *log_scale {
                gloss::weak(
                    ui,
                    "Log scale: each step to the right multiplies the value.",
                );
            }
        }
        ColumnSummary::Bars { top, other } => {
            let mut labels: Vec<String> = top.iter().map(|(label, _)| shorten(label)).collect();
            let mut values: Vec<usize> = top.iter().map(|(_, n)| *n).collect();
            if *other > 0 {
                labels.push("(all others)".into());
                values.push(*other);
            }
            let count = labels.len();
            // Most common at the top: bar i sits at height count - i.
            let bars: Vec<Bar> = values
                .iter()
                .enumerate()
                .map(|(i, &n)| {
                    Bar::new((count - i) as f64, n as f64)
                        .width(0.7)
                        .fill(theme::DATA)
                })
                .collect();
            Plot::new(format!("bars {name}"))
                .height((24.0 * count as f32).clamp(80.0, 300.0))
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .show_grid([true, false])
                .y_axis_formatter(move |mark, _| {
                    let position = mark.value.round();
                    if (mark.value - position).abs() > 1e-6
                        || position < 1.0
                        || position > count as f64
                    {
                        return String::new();
                    }
                    labels
                        .get(count - position as usize)
                        .cloned()
                        .unwrap_or_default()
                })
                .x_axis_formatter(|mark, _| words::number(mark.value))
                .show(ui, |plot| {
                    plot.bar_chart(BarChart::new("rows", bars).horizontal())
                });
        }
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() > 24 {
        format!("{}…", label.chars().take(23).collect::<String>())
    } else if label.is_empty() {
        "(empty)".into()
    } else {
        label.to_owned()
    }
}
