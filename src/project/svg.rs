//! Charts for the report as inline SVG: no scripts, no external files, and
//! the Okabe–Ito colours, which stay apart for colour-blind readers and in
//! grey print.

use super::account::Chart;
use crate::explain::letter::escape;

/// Okabe–Ito blue, orange, green, vermilion, purple, sky blue, yellow.
const PALETTE: [&str; 7] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
];

/// Horizontal bars, one per entry, each labelled with its value; a likely
/// range is drawn as a line through the bar's end.
pub fn bars(chart: &Chart) -> String {
    let label_width = 190.0;
    let plot_width = 360.0;
    let row = 28.0;
    let height = row * chart.bars.len() as f64 + 10.0;
    let most = chart
        .bars
        .iter()
        .map(|b| b.range.map_or(b.value, |(_, high)| high.max(b.value)))
        .fold(0.0_f64, f64::max);
    let scale = if most > 0.0 { plot_width / most } else { 0.0 };
    let mut body = String::new();
    for (i, bar) in chart.bars.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let width = (bar.value.max(0.0) * scale).max(1.0);
        let colour = PALETTE[i % PALETTE.len()];
        body.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{width:.1}\" height=\"18\" fill=\"{colour}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\">{value}</text>",
            lx = label_width - 8.0,
            ty = y + 14.0,
            label = escape(&bar.label),
            vx = label_width + width + 6.0,
            value = escape(&figure(bar.value)),
        ));
        if let Some((low, high)) = bar.range {
            body.push_str(&format!(
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{my}\" y2=\"{my}\" stroke=\"#000\" stroke-width=\"2\"/>",
                label_width + low.max(0.0) * scale,
                label_width + high.max(0.0) * scale,
                my = y + 9.0,
            ));
        }
    }
    format!(
        "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{title}\" \
         viewBox=\"0 0 {w} {height}\" width=\"{w}\" height=\"{height}\" font-size=\"13\">{body}</svg>\
         <figcaption><strong>{title}.</strong> {caption}</figcaption></figure>",
        title = escape(&chart.title),
        caption = escape(&chart.caption),
        w = label_width + plot_width + 90.0,
    )
}

/// A figure as a chart label: three decimals below 10, whole numbers above.
fn figure(value: f64) -> String {
    if value.abs() >= 10.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::account::Bar;

    #[test]
    fn bars_are_drawn_to_scale_and_labels_are_escaped() {
        let chart = Chart {
            title: "Test <AUC>".into(),
            caption: "c".into(),
            bars: vec![
                Bar {
                    label: "a & b".into(),
                    value: 1.0,
                    range: None,
                },
                Bar {
                    label: "half".into(),
                    value: 0.5,
                    range: Some((0.4, 0.6)),
                },
            ],
        };
        let svg = bars(&chart);
        assert!(svg.contains("width=\"360.0\""), "{svg}");
        assert!(svg.contains("width=\"180.0\""), "{svg}");
        assert!(svg.contains("a &amp; b") && svg.contains("Test &lt;AUC&gt;"));
        assert!(svg.contains("<line"));
    }
}
