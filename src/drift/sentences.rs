//! Drift in plain words: one sentence per column, and the method note.

use super::verdict::{DriftBand, PSI_LARGE, PSI_WATCH, SHIFT_LARGE, SHIFT_WATCH};
use super::{ColumnDrift, Measures, SIGNIFICANCE};
use crate::words::{number, percent};

/// The sentence for one judged column.
pub fn column_sentence(c: &ColumnDrift) -> String {
    let name = &c.name;
    let psi = format!("PSI {:.2}", c.psi);
    match c.band {
        DriftBand::Unchanged if c.psi >= PSI_WATCH => {
            format!("{name} may have moved ({psi}), but there are too few rows to be sure.")
        }
        DriftBand::Unchanged => format!("{name} looks the same in both tables ({psi})."),
        DriftBand::Small => format!(
            "{}. The change is statistically detectable with this many rows, but small ({psi}).",
            what_moved(c)
        ),
        DriftBand::Moderate | DriftBand::Large => {
            let mut out = format!("{} ({psi}).", what_moved(c));
            if let Measures::Label(l) = &c.measures {
                let new = &l.new_labels;
                if new.count > 0 && new.share >= 0.005 {
                    let examples: Vec<String> =
                        new.examples.iter().map(|e| format!("'{e}'")).collect();
                    out.push_str(&format!(
                        " {} new {}, {} of rows, e.g. {}.",
                        new.count,
                        if new.count == 1 { "label" } else { "labels" },
                        percent(new.share),
                        examples.join(", ")
                    ));
                }
            }
            let (before, after) = c.missing;
            if (after - before).abs() >= 0.02 && !missing_leads(c) {
                out.push_str(&format!(
                    " Missing in {} of rows, {} from {}.",
                    percent(after),
                    if after > before { "up" } else { "down" },
                    percent(before)
                ));
            }
            out
        }
    }
}

/// Whether the change in missing values is the biggest change in the column.
fn missing_leads(c: &ColumnDrift) -> bool {
    let missing = (c.missing.1 - c.missing.0).abs();
    let label = c
        .biggest_change
        .as_ref()
        .map_or(0.0, |b| (b.shares.1 - b.shares.0).abs());
    missing >= 0.02 && missing > label
}

/// The change itself, in words, without the measure.
fn what_moved(c: &ColumnDrift) -> String {
    let name = &c.name;
    if missing_leads(c) {
        let (before, after) = c.missing;
        let more = if after > before { "more" } else { "less" };
        return format!(
            "{name} is missing {more} often: in {} of rows, {} from {}",
            percent(after),
            if after > before { "up" } else { "down" },
            percent(before)
        );
    }
    match (&c.measures, &c.biggest_change) {
        (Measures::Number(n), None) => {
            let (m0, m1) = n.median;
            let (a0, a1) = n.mean;
            if m0 != m1 && m0.is_finite() && m1.is_finite() {
                let way = if m1 > m0 { "higher" } else { "lower" };
                format!(
                    "{name} has shifted {way}: median from {} to {}",
                    number(m0),
                    number(m1)
                )
            } else if a0.is_finite() && a1.is_finite() {
                let way = if a1 > a0 { "higher" } else { "lower" };
                format!(
                    "{name} has shifted {way}: average from {} to {}",
                    number(a0),
                    number(a1)
                )
            } else {
                format!("{name} has changed shape")
            }
        }
        (measures, Some(change)) => {
            let value = match measures {
                Measures::Number(_) => format!("value {}", change.label),
                Measures::Label(_) => format!("'{}'", change.label),
            };
            let (s0, s1) = change.shares;
            let way = if s1 > s0 { "more" } else { "fewer" };
            format!(
                "{name} changed mix, {way} rows with {value}: from {} to {} of rows",
                percent(s0),
                percent(s1)
            )
        }
        (Measures::Label(_), None) => format!("{name} changed mix"),
    }
}

/// How drift was decided, in a few sentences.
pub fn method_note(columns: usize) -> String {
    format!(
        "Drift is decided by the size of a change, not by a test alone. The population stability \
         index (PSI) compares each column's mix over ten bins of the reference's values (labels: \
         one bin each; missing values: a bin of their own): under {PSI_WATCH} is little change, \
         {PSI_WATCH} to {PSI_LARGE} moderate, over {PSI_LARGE} large. Numbers also count as moved \
         when their values shifted by {SHIFT_WATCH} (moderate) or {SHIFT_LARGE} (large) reference \
         standard deviations (Wasserstein distance). A change must also pass a significance test \
         (Kolmogorov–Smirnov for numbers, χ² for labels) at {:.0}% after Holm's correction for \
         comparing {columns} columns at once, so small tables do not raise false alarms; with \
         many rows tiny shifts pass the test and are called statistically detectable but small.",
        SIGNIFICANCE * 100.0
    )
}
