//! Technical terms explained where they are shown: text drawn through these
//! helpers gets, on hover, the glossary's entry for every term it uses
//! ([`clearbox::glossary`]). Pages draw their words with them rather than
//! with `ui.label`; a test walks the pages and fails on a term shown
//! without its entry.

use clearbox::glossary::Glossary;
use egui::{Response, RichText, Ui, WidgetText};

/// Adds the glossary entries of the terms in `text` to `response`'s hover.
pub fn gloss(response: Response, text: &str) -> Response {
    match Glossary::bundled().explain(text) {
        Some(hover) => response.on_hover_text(hover),
        None => response,
    }
}

/// A label whose terms are explained on hover.
pub fn label(ui: &mut Ui, text: impl Into<WidgetText>) -> Response {
    let text = text.into();
    let plain = text.text().to_owned();
    let response = ui.label(text);
    gloss(response, &plain)
}

/// A quieter label whose terms are explained on hover.
pub fn weak(ui: &mut Ui, text: impl Into<RichText>) -> Response {
    let text = text.into();
    let plain = text.text().to_owned();
    let response = ui.weak(text);
    gloss(response, &plain)
}

/// A heading whose terms are explained on hover.
pub fn heading(ui: &mut Ui, text: impl Into<RichText>) -> Response {
    let text = text.into();
    let plain = text.text().to_owned();
    let response = ui.heading(text);
    gloss(response, &plain)
}

/// A hover of the page's own words, followed by the entries of the terms they use.
pub fn hover(response: Response, text: &str) -> Response {
    match Glossary::bundled().explain(text) {
        Some(entries) => response.on_hover_text(format!("{text}\n\n{entries}")),
        None => response.on_hover_text(text),
    }
}

/// A selectable label whose terms are explained on hover.
pub fn selectable(ui: &mut Ui, selected: bool, text: impl Into<String>) -> Response {
    let text = text.into();
    let response = ui.selectable_label(selected, &text);
    gloss(response, &text)
}

/// A button whose terms are explained on hover.
pub fn button(ui: &mut Ui, text: impl Into<String>) -> Response {
    let text = text.into();
    let response = ui.button(&text);
    gloss(response, &text)
}

/// A hover of `own` words about the `shown` text, followed by the entries
/// of the terms the shown text uses.
pub fn hover_about(response: Response, shown: &str, own: &str) -> Response {
    match Glossary::bundled().explain(shown) {
        Some(entries) => response.on_hover_text(format!("{own}\n\n{entries}")),
        None => response.on_hover_text(own),
    }
}

/// A coloured label (a verdict, a warning) whose terms are explained on hover.
pub fn coloured(
    ui: &mut Ui,
    colour: impl Into<egui::Color32>,
    text: impl Into<RichText>,
) -> Response {
    let text = text.into();
    let plain = text.text().to_owned();
    let response = ui.colored_label(colour, text);
    gloss(response, &plain)
}
