//! The quality bars of the prediction template on real public data sets
//! (`../shared/datasets/prediction/`, which CI always has beside the
//! checkout): the default settings, seed 42, measured on the held-out test
//! rows (by cross-validation below 5 000 rows). The bars are fixed figures,
//! within about 0.01 AUC (2% RMSE) of the better of scikit-learn's logistic
//! regression and gradient boosting in `../shared/datasets/README.md`
//! (german_credit's stays 0.02 under it); the kept model may be the trees,
//! when they clearly win. The simple model has a bar of its own, so a
//! weaker deep model cannot hide behind a weaker baseline.

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::Progress;
use clearbox::ml::skill::Skill;
use clearbox::templates::prediction::{Measured, PredictionRequest, Scores, train_prediction};

/// Trains with the defaults and returns the chosen model's and the simple model's test scores.
fn train(name: &str, target: &str, exclude: &[&str]) -> (Scores, Scores) {
    let path = super::shared(&format!("prediction/{name}"));
    let table = load(&DataSource::File(path), &Progress::silent()).expect("loads");
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
    if outcome.card.measured == Measured::HeldOut {
        assert!(
            outcome.card.chosen_on.is_some()
                && outcome
                    .card
                    .kept_sentence()
                    .contains("on the validation rows"),
            "{name}: the kept model is chosen on the validation rows, and says so: {}",
            outcome.card.kept_sentence()
        );
    }
    assert_eq!(
        outcome.card.skill(),
        Skill::BeatsGuessing,
        "{name}: a learnable target must not be called no better than guessing"
    );
    (outcome.card.chosen_test().clone(), outcome.card.simple.test)
}

/// The chosen model reaches `bar` and the simple model `simple_bar` (test AUC).
fn auc_at_least(name: &str, target: &str, exclude: &[&str], bar: f64, simple_bar: f64) {
    match train(name, target, exclude) {
        (Scores::Binary(chosen), Scores::Binary(simple)) => {
            assert!(
                chosen.auc >= bar,
                "{name}: test AUC {:.4} is under the bar {bar} (simple model {:.4})",
                chosen.auc,
                simple.auc
            );
            assert!(
                simple.auc >= simple_bar,
                "{name}: the simple model's test AUC {:.4} is under its bar {simple_bar}",
                simple.auc
            );
        }
        other => panic!("{name}: expected yes/no scores, got {other:?}"),
    }
}

#[test]
fn adult_income_reaches_auc_0_92() {
    auc_at_least("adult.csv", "income", &[], 0.92, 0.91);
}

#[test]
fn telco_churn_reaches_auc_0_835() {
    auc_at_least("telco_churn.csv", "churn", &[], 0.835, 0.83);
}

#[test]
fn german_credit_reaches_auc_0_77() {
    auc_at_least("german_credit.csv", "credit_risk", &[], 0.77, 0.76);
}

#[test]
fn titanic_without_boat_and_body_reaches_auc_0_833() {
    // Within 0.01 of gradient boosting's 0.843.
    auc_at_least("titanic.csv", "Survived", &["boat", "body"], 0.833, 0.84);
}

#[test]
fn california_housing_reaches_rmse_0_475() {
    match train("california_housing.csv", "MedHouseVal", &[]) {
        (Scores::Regression(chosen), Scores::Regression(simple)) => {
            // Within 2% of gradient boosting's 0.467: on this table the
            // trees clearly beat the deep model (0.476) and are kept.
            assert!(
                chosen.rmse <= 0.475,
                "test RMSE {:.4} is over the bar 0.475 (simple model {:.4})",
                chosen.rmse,
                simple.rmse
            );
            assert!(
                // A plain linear model (scikit-learn's Ridge: 0.723 on these rows).
                simple.rmse <= 0.70,
                "the simple model's test RMSE {:.4} is over its bar 0.70",
                simple.rmse
            );
        }
        other => panic!("expected amount scores, got {other:?}"),
    }
}
