//! Explanations in words: one row's decision and its main reasons, and the
//! model's main drivers in a paragraph. Probabilities are spoken of in
//! percentage points, amounts in the target's own units.

use super::importance::Driver;
use super::{Attribution, RowExplanation};
use crate::ml::task::{TargetColumn, TaskKind};
use crate::templates::Explained;
use crate::words;

/// Reasons named on each side of a decision.
const MAIN_REASONS: usize = 2;
const OTHER_WAY: usize = 1;
/// Attributions smaller than this share of the largest are not worth a word.
const NEGLIGIBLE: f64 = 0.05;

/// What the row's prediction is, in words: "Chance that churn is 'Yes': 82%".
pub fn prediction_phrase(target: &TargetColumn, explained: Explained, value: f64) -> String {
    match explained {
        Explained::Probability(class) => {
            let label = target.classes.get(class).map_or("?", String::as_str);
            format!(
                "Chance that {} is '{label}': {}",
                target.name,
                points_of(value)
            )
        }
        Explained::Amount { .. } => format!("Predicted {}: {}", target.name, words::number(value)),
        Explained::Difference { chosen, other, .. } => {
            let label = |i: usize| target.classes.get(i).map_or("?", String::as_str);
            format!(
                "Expected {} of '{}' over '{}': {}",
                target.name,
                label(chosen),
                label(other),
                contribution(explained, value)
            )
        }
    }
}

/// A signed contribution: "+21 points" for probabilities, "+4,000" for amounts.
pub fn contribution(explained: Explained, amount: f64) -> String {
    let sign = if amount >= 0.0 { "+" } else { "−" };
    match explained {
        chance if chance.is_chance() => format!("{sign}{}", words::points(amount)),
        _ => format!("{sign}{}", words::number(amount.abs())),
    }
}

fn points_of(p: f64) -> String {
    format!("{:.0}%", p * 100.0)
}

/// The row's value of a column as a phrase: "tenure is 2", "contract is
/// 'Month-to-month'", "age is missing".
pub fn value_phrase(attribution: &Attribution) -> String {
    let shown = attribution.shown.trim();
    if shown.is_empty() {
        format!("{} is missing", attribution.column)
    } else if let Ok(x) = shown.parse::<f64>() {
        // Long decimals read badly in a sentence; whole numbers (years, codes) stay as they are.
        let decimals = shown.split_once('.').map_or(0, |(_, d)| d.len());
        let shown = if decimals > 3 {
            words::number(x)
        } else {
            shown.to_owned()
        };
        format!("{} is {shown}", attribution.column)
    } else if shown.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("{} is {shown}", attribution.column)
    } else {
        format!("{} is '{shown}'", attribution.column)
    }
}

/// The whole explanation of a row in two or three sentences: the prediction
/// against the average, the main reasons, and what pulls the other way.
pub fn row_sentence(target: &TargetColumn, explanation: &RowExplanation) -> String {
    let e = explanation;
    let average = match e.explained {
        Explained::Probability(_) => points_of(e.base_value),
        Explained::Amount { .. } => words::number(e.base_value),
        difference @ Explained::Difference { .. } => contribution(difference, e.base_value),
    };
    let mut text = format!(
        "{} (average row: {average}).",
        prediction_phrase(target, e.explained, e.prediction)
    );
    let largest = e
        .attributions
        .iter()
        .fold(0.0f64, |m, a| m.max(a.amount.abs()));
    if largest <= 0.0 {
        text.push_str(" No input moves it away from the average.");
        return text;
    }
    let up = e.prediction >= e.base_value;
    let mut sorted: Vec<&Attribution> = e
        .attributions
        .iter()
        .filter(|a| a.amount.abs() >= NEGLIGIBLE * largest)
        .collect();
    sorted.sort_by(|a, b| b.amount.abs().total_cmp(&a.amount.abs()));
    let with: Vec<&Attribution> = sorted
        .iter()
        .copied()
        .filter(|a| (a.amount >= 0.0) == up)
        .take(MAIN_REASONS)
        .collect();
    let against: Vec<&Attribution> = sorted
        .iter()
        .copied()
        .filter(|a| (a.amount >= 0.0) != up)
        .take(OTHER_WAY)
        .collect();
    let list = |items: &[&Attribution]| -> String {
        let parts: Vec<String> = items
            .iter()
            .map(|a| {
                format!(
                    "{} ({})",
                    value_phrase(a),
                    contribution(e.explained, a.amount)
                )
            })
            .collect();
        match parts.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    };
    if !with.is_empty() {
        text.push_str(&format!(" Mostly because {}.", list(&with)));
    }
    if !against.is_empty() {
        text.push_str(&format!(" Pulling the other way: {}.", list(&against)));
    }
    text
}

/// The model's main drivers in one paragraph, with the caution that they
/// are associations, not causes.
pub fn model_paragraph(target: &TargetColumn, drivers: &[Driver]) -> String {
    let total: f64 = drivers.iter().map(|d| d.mean_abs).sum();
    if drivers.is_empty() || total <= 0.0 {
        return format!(
            "No input moves the prediction of '{}' noticeably.",
            target.name
        );
    }
    let top: Vec<&Driver> = drivers.iter().take(3).collect();
    let share: f64 = top.iter().map(|d| d.mean_abs).sum::<f64>() / total;
    let names: Vec<String> = top.iter().map(|d| format!("'{}'", d.column)).collect();
    let names = match names.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    let what = match target.task {
        TaskKind::Regression => format!("its predictions of '{}'", target.name),
        _ => format!("its predicted chances for '{}'", target.name),
    };
    let mut text = format!(
        "The model leans most on {names}: together they make up {} of what moves {what} away from the \
         average.",
        words::percent(share)
    );
    if let Some(weakest) = drivers.iter().rev().find(|d| d.mean_abs / total < 0.02) {
        text.push_str(&format!(
            " Some inputs, such as '{}', hardly matter.",
            weakest.column
        ));
    }
    text.push_str(
        " These are patterns the model learned from past data, not causes: changing an input in real \
         life will not necessarily change the outcome.",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn churn() -> TargetColumn {
        TargetColumn {
            name: "churn".into(),
            task: TaskKind::Binary,
            classes: vec!["No".into(), "Yes".into()],
        }
    }

    fn attribution(column: &str, shown: &str, amount: f64) -> Attribution {
        Attribution {
            column: column.into(),
            shown: shown.into(),
            amount,
        }
    }

    #[test]
    fn a_row_reads_as_decision_reasons_and_counterweight() {
        let e = RowExplanation {
            row: 0,
            explained: Explained::Probability(1),
            prediction: 0.82,
            base_value: 0.27,
            attributions: vec![
                attribution("contract", "Month-to-month", 0.21),
                attribution("tenure", "2", 0.15),
                attribution("internet", "Fiber optic", -0.06),
                attribution("age", "", 0.25),
                attribution("noise", "3", 0.001),
            ],
            exact: true,
        };
        let text = row_sentence(&churn(), &e);
        assert_eq!(
            text,
            "Chance that churn is 'Yes': 82% (average row: 27%). Mostly because age is missing (+25 points) \
             and contract is 'Month-to-month' (+21 points). Pulling the other way: internet is 'Fiber optic' \
             (−6 points)."
        );
    }

    #[test]
    fn amounts_are_in_the_target_units() {
        let price = TargetColumn {
            name: "price".into(),
            task: TaskKind::Regression,
            classes: Vec::new(),
        };
        let e = RowExplanation {
            row: 0,
            explained: Explained::Amount { mean: 0.0, sd: 1.0 },
            prediction: 212_000.0,
            base_value: 250_000.0,
            attributions: vec![
                attribution("size", "48", -52_000.0),
                attribution("rooms", "3", 14_000.0),
            ],
            exact: true,
        };
        let text = row_sentence(&price, &e);
        assert!(
            text.starts_with("Predicted price: 212,000 (average row: 250,000)."),
            "{text}"
        );
        assert!(
            text.contains("Mostly because size is 48 (−52,000)"),
            "{text}"
        );
        assert!(
            text.contains("Pulling the other way: rooms is 3 (+14,000)"),
            "{text}"
        );
        let long = attribution("rooms", "6.984127", 1.0);
        assert_eq!(value_phrase(&long), "rooms is 6.98");
        assert_eq!(
            value_phrase(&attribution("year", "2015", 1.0)),
            "year is 2015"
        );
    }

    #[test]
    fn the_model_paragraph_names_the_drivers_and_warns_about_causes() {
        let drivers: Vec<Driver> = [
            ("contract", 0.2),
            ("tenure", 0.1),
            ("charges", 0.05),
            ("id", 0.001),
        ]
        .iter()
        .map(|(c, v)| Driver {
            column: (*c).into(),
            mean_abs: *v,
            spread: 0.0,
            stability: super::super::importance::Stability::Stable,
        })
        .collect();
        let text = model_paragraph(&churn(), &drivers);
        assert!(
            text.contains("'contract', 'tenure' and 'charges'"),
            "{text}"
        );
        assert!(text.contains("100%") || text.contains("99."), "{text}");
        assert!(text.contains("'id', hardly matter"), "{text}");
        assert!(text.contains("not causes"), "{text}");
    }
}
