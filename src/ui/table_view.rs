//! The table itself, with virtual rows: only the rows on screen are drawn, so
//! three million rows scroll like thirty.

use clearbox::data::Table;
use egui::Ui;
use egui_extras::{Column, TableBuilder};

/// Columns drawn side by side at most; the column list reaches the rest.
const MAX_SHOWN_COLUMNS: usize = 100;
/// Characters shown per cell; the rest of a long text is cut.
const MAX_CELL_CHARS: usize = 80;

/// Draws the rows of `table`.
pub fn table_view_ui(ui: &mut Ui, table: &Table) {
    let shown = table.columns.len().min(MAX_SHOWN_COLUMNS);
    if shown < table.columns.len() {
        ui.weak(format!(
            "Showing the first {shown} of {} columns here; every column is in the list on the left.",
            table.columns.len()
        ));
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::horizontal().show(ui, |ui| {
        TableBuilder::new(ui)
            .id_salt("rows")
            .striped(true)
            .resizable(true)
            .column(Column::auto().at_least(50.0))
            .columns(Column::initial(110.0).at_least(40.0).clip(true), shown)
            .header(row_height + 4.0, |mut header| {
                header.col(|ui| {
                    ui.strong("Row");
                });
                for column in &table.columns[..shown] {
                    header.col(|ui| {
                        ui.strong(&column.name).on_hover_text(column.role.label());
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, table.rows, |mut row| {
                    let index = row.index();
                    row.col(|ui| {
                        ui.weak((index + 1).to_string());
                    });
                    for column in &table.columns[..shown] {
                        row.col(|ui| {
                            let text = column.values.display(index);
                            if text.chars().count() > MAX_CELL_CHARS {
                                let cut: String = text.chars().take(MAX_CELL_CHARS).collect();
                                ui.label(format!("{cut}…"));
                            } else {
                                ui.label(text.as_ref());
                            }
                        });
                    }
                });
            });
    });
}
