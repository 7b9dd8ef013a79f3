//! The simple model — the bar every deep model must beat — is a real
//! generalised linear model: on the shared tables it lands within 0.005 AUC
//! (2% RMSE) of scikit-learn's `LogisticRegression` / `Ridge` fitted on the
//! same training rows and scored on the same test rows.
//!
//! The scikit-learn figures in `glm_reference.json` come from a one-off run,
//! repeated with (for each table):
//!
//! ```text
//! clearbox bench simple ../shared/datasets/prediction/FILE --target T [--exclude ..] --write work.json
//! python3 benches/peers/sklearn_simple.py work.json
//! ```
//!
//! Both use seed 42's split; if the split or the inputs Clearbox chooses
//! change, the figures must be made again.

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::Progress;
use clearbox::templates::prediction::{PredictionRequest, simple_only};

/// One table's reference: what to train and scikit-learn's figure.
#[derive(serde::Deserialize)]
struct Reference {
    file: String,
    target: String,
    exclude: Vec<String>,
    metric: String,
    sklearn: f64,
}

fn references() -> Vec<Reference> {
    let text = include_str!("glm_reference.json");
    serde_json::from_str(text).expect("glm_reference.json is a list of references")
}

#[test]
fn the_simple_model_matches_scikit_learns_linear_baselines() {
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let mut failures = Vec::new();
    for reference in references() {
        let path = super::shared(&format!("prediction/{}", reference.file));
        let table = load(&DataSource::File(path), &Progress::silent()).expect("loads");
        let request = PredictionRequest {
            target: reference.target.clone(),
            exclude: reference.exclude.clone(),
            include: Vec::new(),
            seed: 42,
            split: Default::default(),
        };
        let simple = simple_only(&table, &request, &device, &Progress::silent()).expect("fits");
        let ours = simple.test.value();
        assert_eq!(
            simple.test.metric().name(),
            reference.metric,
            "{}",
            reference.file
        );
        let close = match reference.metric.as_str() {
            "RMSE" => ours <= reference.sklearn * 1.02,
            _ => ours >= reference.sklearn - 0.005,
        };
        eprintln!(
            "{}: Clearbox {} {ours:.4}, scikit-learn {:.4} (penalty {})",
            reference.file, reference.metric, reference.sklearn, simple.penalty.chosen
        );
        if !close {
            failures.push(format!(
                "{}: {} {ours:.4} against scikit-learn's {:.4}",
                reference.file, reference.metric, reference.sklearn
            ));
        }
    }
    assert!(failures.is_empty(), "short of scikit-learn: {failures:?}");
}
