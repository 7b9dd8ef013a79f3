//! The list of columns a template may use, one checkbox each with the
//! reason a column is left out, shared by the wizards.

use super::gloss;
use clearbox::templates::{InputChoice, LeftOut};
use egui::Ui;

/// Draws `choices`; `toggled(column, used)` hears each box the user changes.
pub fn input_choices_ui(
    ui: &mut Ui,
    choices: &[InputChoice],
    mut toggled: impl FnMut(String, bool),
) {
    for choice in choices {
        ui.horizontal(|ui| {
            let mut used = choice.is_used();
            if ui.checkbox(&mut used, &choice.column).changed() {
                toggled(choice.column.clone(), used);
            }
            match choice.left_out() {
                Some(LeftOut::ByYou) => {
                    gloss::weak(ui, "left out by you");
                }
                Some(why) => {
                    gloss::weak(ui, format!("left out: {}", why.reason()));
                }
                None if choice.by_you() == Some(true) => {
                    gloss::weak(ui, "used because you ticked it");
                }
                None => {}
            }
        });
    }
}

/// "Left out 'x': reason." for each column left out, for results pages.
pub fn left_out_ui(ui: &mut Ui, choices: &[InputChoice]) {
    for choice in choices {
        if let Some(why) = choice.left_out() {
            gloss::weak(
                ui,
                format!("Left out '{}': {}.", choice.column, why.reason()),
            );
        }
    }
}
