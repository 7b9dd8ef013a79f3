//! The quality bars of the prediction template on real public data sets
//! (`../shared/datasets/prediction/`, beside the checkout when present): the
//! default settings, seed 42, measured on the held-out test rows. The bars
//! are within about 0.01 of gradient boosting.

use std::path::PathBuf;

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::Progress;
use clearbox::templates::prediction::{PredictionRequest, Scores, train_prediction};

/// The data set's path, or `None` (with a note) when it is not beside this checkout.
fn shared(name: &str) -> Option<PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets/prediction")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is not beside this checkout", path.display());
        None
    }
}

/// Trains with the defaults and returns the chosen model's and the simple model's test scores.
fn train(name: &str, target: &str, exclude: &[&str]) -> Option<(Scores, Scores)> {
    let table = load(&DataSource::File(shared(name)?), &Progress::silent()).expect("loads");
    let device = select_device(DevicePreference::Cpu).expect("cpu");
    let request = PredictionRequest {
        target: target.into(),
        exclude: exclude.iter().map(|c| (*c).to_owned()).collect(),
        include: Vec::new(),
        seed: 42,
        split: Default::default(),
    };
    let outcome =
        train_prediction(&table, &request, &device, &Progress::silent(), &|_| {}).expect("trains");
    Some((
        outcome.card.chosen_part().test.clone(),
        outcome.card.simple.test,
    ))
}

fn auc_at_least(name: &str, target: &str, exclude: &[&str], bar: f64) {
    let Some((chosen, simple)) = train(name, target, exclude) else {
        return;
    };
    match (chosen, simple) {
        (Scores::Binary(chosen), Scores::Binary(simple)) => {
            assert!(
                chosen.auc >= bar,
                "{name}: test AUC {:.4} is under the bar {bar} (simple model {:.4})",
                chosen.auc,
                simple.auc
            );
            assert!(
                chosen.auc >= simple.auc,
                "{name}: the chosen model is the better one"
            );
        }
        other => panic!("{name}: expected yes/no scores, got {other:?}"),
    }
}

#[test]
fn adult_income_reaches_auc_0_92() {
    auc_at_least("adult.csv", "income", &[], 0.92);
}

#[test]
fn telco_churn_reaches_auc_0_835() {
    auc_at_least("telco_churn.csv", "churn", &[], 0.835);
}

#[test]
fn german_credit_reaches_auc_0_77() {
    auc_at_least("german_credit.csv", "credit_risk", &[], 0.77);
}

#[test]
fn titanic_without_boat_and_body_reaches_auc_0_83() {
    auc_at_least("titanic.csv", "Survived", &["boat", "body"], 0.83);
}

#[test]
fn california_housing_reaches_rmse_0_50() {
    let Some((chosen, simple)) = train("california_housing.csv", "MedHouseVal", &[]) else {
        return;
    };
    match (chosen, simple) {
        (Scores::Regression(chosen), Scores::Regression(simple)) => assert!(
            chosen.rmse <= 0.50,
            "test RMSE {:.4} is over the bar 0.50 (simple model {:.4})",
            chosen.rmse,
            simple.rmse
        ),
        other => panic!("expected amount scores, got {other:?}"),
    }
}
