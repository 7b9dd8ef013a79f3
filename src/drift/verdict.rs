//! Judging drift: each column's band, the order columns are listed in, and
//! the one verdict with the facts that decided it.
//!
//! Size decides, a test confirms. A column is *moderate* (watch) from PSI
//! 0.1 and *large* from PSI 0.25 — the usual bands in credit scoring — and a
//! number also when its values moved 0.3 / 0.5 reference standard
//! deviations (Wasserstein), which PSI's ten bins can miss at the extremes.
//! Either way the change must pass its significance test after Holm's
//! correction, so a small table's noise never alarms; a change that passes
//! the test but is smaller than the bands is "statistically detectable but
//! small", which on hundreds of thousands of rows is most changes.

use serde::Serialize;

use super::{ColumnDrift, Measures, ModelDrift, SIGNIFICANCE};

/// PSI from which a change is moderate.
pub const PSI_WATCH: f64 = 0.1;
/// PSI from which a change is large.
pub const PSI_LARGE: f64 = 0.25;
/// Wasserstein distance (reference spreads) from which a number moved moderately.
pub const SHIFT_WATCH: f64 = 0.3;
/// Wasserstein distance (reference spreads) from which a number moved a lot.
pub const SHIFT_LARGE: f64 = 0.5;
/// A column this big a share of the model's reliance matters to its verdict.
pub const IMPORTANT_SHARE: f64 = 0.05;

/// How much a column changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftBand {
    /// No change the data can show.
    Unchanged,
    /// A real change, but too small to matter ("statistically detectable but small").
    Small,
    /// A moderate change: keep an eye on it.
    Moderate,
    /// A large change.
    Large,
}

impl DriftBand {
    /// Whether this counts as drift.
    pub fn is_drifted(self) -> bool {
        self >= Self::Moderate
    }

    /// The word next to the light.
    pub fn word(self) -> &'static str {
        match self {
            Self::Unchanged => "Unchanged",
            Self::Small => "Small shift",
            Self::Moderate => "Moderate drift",
            Self::Large => "Large drift",
        }
    }

    /// What the band means, for a hover.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Unchanged => "No change the data can show.",
            Self::Small => {
                "Statistically detectable but small: with this many rows even tiny shifts show, \
                 but this one is too small to matter (PSI under 0.1)."
            }
            Self::Moderate => "A moderate change (PSI 0.1 to 0.25): worth watching.",
            Self::Large => "A large change (PSI over 0.25): the data no longer looks the same.",
        }
    }
}

/// The overall judgement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DriftVerdict {
    /// Nothing that matters has changed.
    #[serde(alias = "Stable")]
    Stable,
    /// Something has moved: check again soon.
    #[serde(alias = "Watch")]
    Watch,
    /// The model (or anything built on the reference) should be retrained.
    #[serde(alias = "Retrain")]
    Retrain,
}

impl DriftVerdict {
    /// The machine name (`stable`, `watch`, `retrain`), as in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Watch => "watch",
            Self::Retrain => "retrain",
        }
    }

    /// The word on screen.
    pub fn word(self) -> &'static str {
        match self {
            Self::Stable => "Stable",
            Self::Watch => "Watch",
            Self::Retrain => "Retrain",
        }
    }

    /// One line on what to do.
    pub fn advice(self) -> &'static str {
        match self {
            Self::Stable => "The new data looks like the old: keep using what you have.",
            Self::Watch => "Some things have moved: check again with the next batch of data.",
            Self::Retrain => {
                "The data has moved enough that a model trained on the old data \
                              should be retrained on the new."
            }
        }
    }
}

/// The band of one column's change.
pub fn band(psi: f64, measures: &Measures, p_adjusted: f64) -> DriftBand {
    let shift = match measures {
        Measures::Number(n) => n.wasserstein,
        Measures::Label(_) => 0.0,
    };
    let size = if psi >= PSI_LARGE || shift >= SHIFT_LARGE {
        DriftBand::Large
    } else if psi >= PSI_WATCH || shift >= SHIFT_WATCH {
        DriftBand::Moderate
    } else {
        DriftBand::Small
    };
    if p_adjusted >= SIGNIFICANCE {
        DriftBand::Unchanged
    } else {
        size
    }
}

/// How much a column's drift matters: its PSI, weighed by the model's
/// reliance on it when there is a model.
fn weight(column: &ColumnDrift) -> f64 {
    column.psi.min(5.0) * column.importance.map_or(1.0, |share| 0.1 + share)
}

/// Orders columns: biggest band first, then what matters most to the model.
pub fn rank(columns: &mut [ColumnDrift]) {
    columns.sort_by(|a, b| {
        b.band
            .cmp(&a.band)
            .then(weight(b).total_cmp(&weight(a)))
            .then(a.name.cmp(&b.name))
    });
}

/// One fact for or against the data having moved.
struct Finding {
    verdict: DriftVerdict,
    priority: f64,
    sentence: String,
}

/// Decides the verdict and keeps the two or three facts that decided it.
pub fn decide(columns: &[ColumnDrift], model: Option<&ModelDrift>) -> (DriftVerdict, Vec<String>) {
    let mut findings: Vec<Finding> = Vec::new();
    if let Some(model) = model {
        findings.extend(
            model
                .findings()
                .into_iter()
                .map(|(verdict, priority, sentence)| Finding {
                    verdict,
                    priority,
                    sentence,
                }),
        );
    }
    for column in columns.iter().filter(|c| c.drifted()) {
        let large = column.band == DriftBand::Large;
        let (verdict, role) = match (model.is_some(), column.importance, column.importance_rank) {
            (false, _, _) => (
                if large {
                    DriftVerdict::Retrain
                } else {
                    DriftVerdict::Watch
                },
                String::new(),
            ),
            (true, Some(share), Some(rank)) if share >= IMPORTANT_SHARE || rank <= 3 => (
                if large {
                    DriftVerdict::Retrain
                } else {
                    DriftVerdict::Watch
                },
                format!(
                    " It is the model's {} input.",
                    crate::words::nth_strongest(rank)
                ),
            ),
            (true, _, Some(_)) => (
                DriftVerdict::Watch,
                " The model barely relies on it.".to_owned(),
            ),
            // Not an input: it matters only as a sign the population changed.
            (true, _, None) if large => (
                DriftVerdict::Watch,
                " The model does not use it.".to_owned(),
            ),
            (true, _, None) => continue,
        };
        findings.push(Finding {
            verdict,
            priority: weight(column),
            sentence: format!("{}{role}", column.sentence),
        });
    }
    let verdict = findings
        .iter()
        .map(|f| f.verdict)
        .max()
        .unwrap_or(DriftVerdict::Stable);
    findings.sort_by(|a, b| {
        b.verdict
            .cmp(&a.verdict)
            .then(b.priority.total_cmp(&a.priority))
    });
    let mut reasons: Vec<String> = findings.into_iter().take(3).map(|f| f.sentence).collect();
    if verdict == DriftVerdict::Stable {
        reasons.extend(stable_reasons(columns, model));
    }
    (verdict, reasons)
}

/// Why nothing counts as drift: the biggest change and how many shifts were tiny.
fn stable_reasons(columns: &[ColumnDrift], model: Option<&ModelDrift>) -> Vec<String> {
    let mut out = Vec::new();
    match columns.iter().max_by(|a, b| a.psi.total_cmp(&b.psi)) {
        Some(top) if top.psi >= PSI_WATCH => out.push(format!(
            "No change is both large and certain: the biggest, in {} (PSI {:.2}), rests on too \
             few rows to be sure.",
            top.name, top.psi
        )),
        Some(top) => out.push(format!(
            "No column moved enough to matter: the largest change is in {} (PSI {:.3}, under 0.1).",
            top.name, top.psi
        )),
        None => out.push("No column could be compared.".to_owned()),
    }
    let small: Vec<&str> = columns
        .iter()
        .filter(|c| c.band == DriftBand::Small)
        .map(|c| c.name.as_str())
        .collect();
    if !small.is_empty() {
        let most = small.iter().take(3).copied().collect::<Vec<_>>().join(", ");
        out.push(format!(
            "{} {} shifted by an amount that is statistically detectable with this many rows \
             but small{}.",
            small.len(),
            if small.len() == 1 {
                "column has"
            } else {
                "columns have"
            },
            if small.len() > 1 {
                format!(", most of all {most}")
            } else {
                format!(": {most}")
            }
        ));
    }
    if let Some(line) = model.and_then(|model| model.stable_line()) {
        out.push(line);
    }
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::ColumnRole;
    use crate::drift::model::PredictionDrift;
    use crate::drift::{DriftChart, LabelMeasures, NewLabels, ScoreChange};

    fn column(name: &str, psi: f64, importance: Option<(f64, usize)>) -> ColumnDrift {
        let measures = Measures::Label(LabelMeasures {
            new_labels: NewLabels::default(),
        });
        let band = band(psi, &measures, 1e-9);
        ColumnDrift {
            name: name.into(),
            role: ColumnRole::Category,
            psi,
            js: 0.0,
            p_value: 1e-10,
            p_adjusted: 1e-9,
            band,
            measures,
            missing: (0.0, 0.0),
            biggest_change: None,
            importance: Some(importance.map_or(0.0, |i| i.0)),
            importance_rank: importance.map(|i| i.1),
            sentence: format!("{name} moved (PSI {psi})."),
            chart: DriftChart::Empty,
        }
    }

    fn model(score: Option<(f64, f64)>) -> ModelDrift {
        ModelDrift {
            target: "y".into(),
            importance: Vec::new(),
            predictions: PredictionDrift {
                psi: 0.01,
                p_value: 0.5,
                band: DriftBand::Unchanged,
                sentence: "The model's predictions look much as before.".into(),
                chart: DriftChart::Empty,
            },
            score: score.map(|(test, current)| ScoreChange {
                metric: crate::ml::metrics::Metric::Auc,
                test,
                current,
                rows: 1000,
                verdict: if test - current >= 0.05 {
                    DriftVerdict::Retrain
                } else {
                    DriftVerdict::Stable
                },
            }),
        }
    }

    #[test]
    fn drift_counts_by_what_the_model_relies_on() {
        let m = model(Some((0.91, 0.90)));
        // A large shift in an input the model barely uses: watch.
        let columns = vec![column("colour", 0.4, Some((0.01, 9)))];
        let (verdict, reasons) = decide(&columns, Some(&m));
        assert_eq!(verdict, DriftVerdict::Watch);
        assert!(reasons[0].contains("barely relies"), "{reasons:?}");
        // The same shift in its second-strongest input: retrain.
        let columns = vec![column("age", 0.4, Some((0.3, 2)))];
        let (verdict, reasons) = decide(&columns, Some(&m));
        assert_eq!(verdict, DriftVerdict::Retrain);
        assert!(
            reasons[0].contains("It is the model's second-strongest input."),
            "{reasons:?}"
        );
        // A column the model does not read, moderately moved: no effect.
        let columns = vec![column("note", 0.15, None)];
        assert_eq!(decide(&columns, Some(&m)).0, DriftVerdict::Stable);
    }

    #[test]
    fn a_falling_score_leads_the_reasons() {
        let m = model(Some((0.91, 0.84)));
        let columns = vec![
            column("age", 0.4, Some((0.3, 2))),
            column("income", 0.12, Some((0.2, 3))),
        ];
        let (verdict, reasons) = decide(&columns, Some(&m));
        assert_eq!(verdict, DriftVerdict::Retrain);
        assert!(reasons.len() <= 3);
        assert!(
            reasons[0].contains("fell from 0.910 to 0.840"),
            "{reasons:?}"
        );
        assert!(reasons[1].starts_with("age moved"), "{reasons:?}");
        // An error in the table's own units reads as the results page shows it.
        let mut m = model(Some((0.0, 0.0)));
        m.score = Some(ScoreChange {
            metric: crate::ml::metrics::Metric::Rmse,
            test: 19_851.404,
            current: 24_198.2,
            rows: 1000,
            verdict: DriftVerdict::Retrain,
        });
        let (_, reasons) = decide(&columns, Some(&m));
        assert!(
            reasons[0].contains("grew from 19,851 to 24,198."),
            "{reasons:?}"
        );
    }

    #[test]
    fn without_a_model_size_alone_decides() {
        let (verdict, _) = decide(&[column("a", 0.3, None)], None);
        assert_eq!(verdict, DriftVerdict::Retrain);
        let (verdict, _) = decide(&[column("a", 0.15, None)], None);
        assert_eq!(verdict, DriftVerdict::Watch);
        let (verdict, reasons) = decide(&[column("a", 0.05, None)], None);
        assert_eq!(verdict, DriftVerdict::Stable);
        assert!(reasons[0].contains("No column moved enough"), "{reasons:?}");
    }
}
