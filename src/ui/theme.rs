//! Colours and small shared widgets. Severity colours come from the
//! Okabe–Ito palette, which colour-blind readers can tell apart, and a light
//! is always drawn next to its word.

use clearbox::health::Severity;
use egui::{Color32, Ui};

/// Bluish green: good.
pub const GOOD: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
/// Orange: check.
pub const CHECK: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
/// Vermillion: problem.
pub const PROBLEM: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
/// Deep red: an alarm that must not be missed (a broken audit trail).
pub const ALARM: Color32 = Color32::from_rgb(0xB0, 0x1C, 0x1C);
/// Blue: neutral data in charts.
pub const DATA: Color32 = Color32::from_rgb(0x00, 0x72, 0xB2);

/// Sets calm spacing on the context.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
    });
}

/// The colour of a severity.
pub fn colour(severity: Severity) -> Color32 {
    match severity {
        Severity::Ok => GOOD,
        Severity::Check => CHECK,
        Severity::Problem => PROBLEM,
    }
}

/// Draws a traffic-light dot.
pub fn dot_ui(ui: &mut Ui, severity: Severity) {
    let size = ui.text_style_height(&egui::TextStyle::Body) * 0.7;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    ui.painter()
        .circle_filled(rect.center(), size / 2.0, colour(severity));
}

/// Draws a traffic-light dot and its word.
pub fn light_ui(ui: &mut Ui, severity: Severity) {
    ui.horizontal(|ui| {
        dot_ui(ui, severity);
        super::gloss::coloured(ui, colour(severity), severity.word());
    });
}

/// Colours of groups in charts: the Okabe–Ito palette (grey in place of
/// black, which vanishes on the dark theme), repeated past eight groups.
pub const GROUPS: [Color32; 8] = [
    Color32::from_rgb(0xE6, 0x9F, 0x00),
    Color32::from_rgb(0x56, 0xB4, 0xE9),
    Color32::from_rgb(0x00, 0x9E, 0x73),
    Color32::from_rgb(0xF0, 0xE4, 0x42),
    Color32::from_rgb(0x00, 0x72, 0xB2),
    Color32::from_rgb(0xD5, 0x5E, 0x00),
    Color32::from_rgb(0xCC, 0x79, 0xA7),
    Color32::from_rgb(0x99, 0x99, 0x99),
];

/// The colour of group `index` (0-based).
pub fn group_colour(index: usize) -> Color32 {
    GROUPS[index % GROUPS.len()]
}

/// Reddish purple: the current table in drift charts (the reference is [`DATA`]).
pub const CURRENT: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7);

/// The colour of a drift band: unchanged and small shifts are fine.
pub fn band_colour(band: clearbox::drift::DriftBand) -> Color32 {
    use clearbox::drift::DriftBand;
    match band {
        DriftBand::Unchanged | DriftBand::Small => GOOD,
        DriftBand::Moderate => CHECK,
        DriftBand::Large => PROBLEM,
    }
}

/// The colour of a drift verdict.
pub fn verdict_colour(verdict: clearbox::drift::DriftVerdict) -> Color32 {
    use clearbox::drift::DriftVerdict;
    match verdict {
        DriftVerdict::Stable => GOOD,
        DriftVerdict::Watch => CHECK,
        DriftVerdict::Retrain => PROBLEM,
    }
}

/// Draws a dot of `colour` with `word` beside it.
pub fn coloured_word_ui(ui: &mut Ui, colour: Color32, word: &str) {
    ui.horizontal(|ui| {
        let size = ui.text_style_height(&egui::TextStyle::Body) * 0.7;
        let (rect, _) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), size / 2.0, colour);
        super::gloss::coloured(ui, colour, word);
    });
}
