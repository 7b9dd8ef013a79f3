//! The explanation letter: one row's decision and its reasons as a
//! self-contained HTML page (no scripts, no external files) for a case file.

use super::RowExplanation;
use super::counterfactual::{self, Counterfactual};
use super::sentences::{contribution, prediction_phrase, row_sentence, value_phrase};
use crate::ml::task::TargetColumn;
use crate::templates::{Explained, Provenance};
use crate::words::Moment;

/// Reasons listed in the letter.
const REASONS: usize = 6;

/// Everything a letter says.
#[derive(Debug, Clone, Copy)]
pub struct Letter<'a> {
    /// Where the model came from.
    pub provenance: &'a Provenance,
    /// What it predicts.
    pub target: &'a TargetColumn,
    /// The row's explanation.
    pub explanation: &'a RowExplanation,
    /// What would change the decision (yes/no models), if searched.
    pub counterfactual: Option<Option<&'a Counterfactual>>,
    /// The table the row came from.
    pub data_name: &'a str,
    /// That table's fingerprint.
    pub data_fingerprint: &'a str,
    /// When the letter was written.
    pub written: Moment,
}

impl Letter<'_> {
    /// The page.
    pub fn html(&self) -> String {
        let target = self.target;
        let made = self.provenance;
        let e = self.explanation;
        let mut reasons: Vec<_> = e.attributions.iter().collect();
        reasons.sort_by(|a, b| b.amount.abs().total_cmp(&a.amount.abs()));
        let reason_rows: String = reasons
            .iter()
            .take(REASONS)
            .map(|a| {
                format!(
                    "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                    escape(&value_phrase(a)),
                    escape(&contribution(e.explained, a.amount))
                )
            })
            .collect();
        let change = match (self.counterfactual, e.explained) {
            (Some(found), Explained::Probability(class)) => {
                let label = target.classes.get(class).map_or("?", String::as_str);
                format!(
                    "<h2>What would change the decision</h2><p>{}</p>",
                    escape(&counterfactual::sentence(label, found))
                )
            }
            _ => String::new(),
        };
        let method = format!(
            "Each reason's size is its Shapley value: how far knowing this input moves the prediction from \
             the average prediction over a sample of rows from the training data, with the inputs sharing \
             the difference fairly. {} The reasons are patterns the model learned, not causes.",
            if e.exact {
                "Every combination of inputs was evaluated, so the values are exact for this sample."
            } else {
                "A sample of combinations of inputs was evaluated, so the values are close estimates."
            }
        );
        format!(
            r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Explanation of a decision</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
table {{ border-collapse: collapse; width: 100%; }} td {{ border-bottom: 1px solid #ddd; padding: 0.35em 0.5em; }}
td.num {{ text-align: right; white-space: nowrap; }} .small {{ color: #555; font-size: 0.9em; }}
</style></head><body>
<h1>Explanation of a decision</h1>
<p><strong>{decision}</strong></p>
<p>{summary}</p>
<h2>Main reasons</h2>
<table>{reason_rows}</table>
{change}
<h2>About this decision</h2>
<table class="small">
<tr><td>Row</td><td>{row} of '{data}'</td></tr>
<tr><td>Data fingerprint</td><td>{fingerprint}</td></tr>
<tr><td>Model</td><td>predicts '{target}'; trained {trained} on '{trained_on}' (fingerprint {trained_fp}) with Clearbox {version}</td></tr>
<tr><td>Written</td><td>{written}</td></tr>
</table>
<p class="small">{method}</p>
</body></html>
"#,
            decision = escape(&prediction_phrase(target, e.explained, e.prediction)),
            summary = escape(&row_sentence(target, e)),
            row = e.row + 1,
            data = escape(self.data_name),
            fingerprint = escape(self.data_fingerprint),
            target = escape(&target.name),
            trained = escape(&made.created.shown()),
            trained_on = escape(&made.data.name),
            trained_fp = escape(&made.data.fingerprint),
            version = escape(&made.clearbox_version),
            written = escape(&self.written.shown()),
            method = escape(&method),
        )
    }
}

/// Text made safe to put inside HTML (the report uses it too).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_cannot_break_out_of_the_page() {
        assert_eq!(
            escape("<script>\"a&b\""),
            "&lt;script&gt;&quot;a&amp;b&quot;"
        );
    }
}
