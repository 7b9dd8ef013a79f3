//! The tree reference: gradient-boosted decision trees (forust-ml, which
//! implements XGBoost's algorithm in plain Rust), fitted on the same plain
//! inputs as the simple model and shown beside the deep model, so a table
//! where trees do better says so instead of hiding it.
//!
//! forust-ml was chosen over the alternatives because it builds on stable
//! Rust from crates already in the build (rayon, serde_json, rand 0.8) and
//! stops early on validation rows; `perpetual` needs a nightly compiler in
//! its released versions, and LightGBM or XGBoost bindings compile a C++
//! library (and need CMake) on every clean build. It has no several-class
//! objective, so tables with more than two classes get no tree reference.

use forust_ml::metric::Metric;
use forust_ml::objective::ObjectiveType;
use forust_ml::{GradientBooster, Matrix};

use super::glm::PlainInputs;
use super::train::Labels;
use crate::error::{ClearboxError, Result};

/// Most trees; early stopping on the validation rows usually ends far sooner.
const MAX_TREES: usize = 1000;
/// Trees without a better validation loss before stopping.
const PATIENCE: usize = 25;

/// A fitted tree ensemble and what it reads.
pub struct TreeModel {
    booster: GradientBooster,
    plain: PlainInputs,
    kind: Kind,
}

impl std::fmt::Debug for TreeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeModel")
            .field("trees", &self.trees())
            .field("kind", &self.kind)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    YesNo,
    Amount,
}

impl TreeModel {
    /// Trees used for predictions (up to the best validation round).
    pub fn trees(&self) -> usize {
        self.booster
            .best_iteration
            .map_or(self.booster.trees.len(), |best| best + 1)
    }

    /// Raw outputs for every row of `x` (`rows × width`) in the networks'
    /// form: for yes/no two logits `[0, log-odds]`, for amounts the
    /// standardised amount.
    pub fn outputs(&self, x: &[f32]) -> Vec<f32> {
        let (columns, rows) = column_major(&self.plain, x);
        let matrix = Matrix::new(&columns, rows, self.plain.columns.len());
        let predicted = self.booster.predict(&matrix, true);
        match self.kind {
            Kind::YesNo => predicted.iter().flat_map(|&m| [0.0, m as f32]).collect(),
            Kind::Amount => predicted.iter().map(|&m| m as f32).collect(),
        }
    }
}

/// Fits trees on `train`, stopping early on `valid`; `None` for several
/// classes, which forust-ml cannot learn.
pub fn fit_trees(
    plain: &PlainInputs,
    train_x: &[f32],
    train_labels: Labels<'_>,
    valid_x: &[f32],
    valid_labels: Labels<'_>,
    seed: u64,
) -> Result<Option<TreeModel>> {
    let (kind, objective, metric) = match train_labels {
        Labels::Classes(_, 2) => (Kind::YesNo, ObjectiveType::LogLoss, Metric::LogLoss),
        Labels::Amounts(_) => (
            Kind::Amount,
            ObjectiveType::SquaredLoss,
            Metric::RootMeanSquaredError,
        ),
        _ => return Ok(None),
    };
    let target = |labels: Labels<'_>| -> Vec<f64> {
        match labels {
            Labels::Classes(classes, _) => classes.iter().map(|&c| f64::from(c)).collect(),
            Labels::Amounts(values) => values.iter().map(|&v| f64::from(v)).collect(),
            Labels::Rewards { .. } => Vec::new(),
        }
    };
    let (y_train, y_valid) = (target(train_labels), target(valid_labels));
    let width = plain.columns.len();
    let (train_columns, train_rows) = column_major(plain, train_x);
    let (valid_columns, valid_rows) = column_major(plain, valid_x);
    let train = Matrix::new(&train_columns, train_rows, width);
    let valid = Matrix::new(&valid_columns, valid_rows, width);
    let weights = vec![1.0; train_rows];
    let valid_weights = vec![1.0; valid_rows];
    // scikit-learn's HistGradientBoosting defaults, in XGBoost's terms:
    // a 0.1 learning rate, trees of up to 31 leaves, 20 rows a leaf.
    let mut booster = GradientBooster::default()
        .set_objective_type(objective)
        .set_iterations(MAX_TREES)
        .set_learning_rate(0.1)
        .set_max_depth(8)
        .set_max_leaves(31)
        .set_min_leaf_weight(match kind {
            Kind::YesNo => 1.0,
            Kind::Amount => 20.0,
        })
        .set_l2(1.0)
        .set_seed(seed)
        .set_evaluation_metric(Some(metric))
        .set_early_stopping_rounds(Some(PATIENCE));
    // Leaves are added where they help most, as scikit-learn's trees grow.
    booster.grow_policy = forust_ml::gradientbooster::GrowPolicy::LossGuide;
    booster
        .fit(
            &train,
            &y_train,
            &weights,
            Some(vec![(valid, &y_valid, &valid_weights)]),
        )
        .map_err(|e| ClearboxError::Internal {
            activity: "fitting the tree reference".into(),
            detail: e.to_string(),
        })?;
    Ok(Some(TreeModel {
        booster,
        plain: plain.clone(),
        kind,
    }))
}

/// The plain columns of `x` in column-major order, as forust-ml reads them.
fn column_major(plain: &PlainInputs, x: &[f32]) -> (Vec<f64>, usize) {
    let rows = x.len() / plain.width.max(1);
    let mut out = Vec::with_capacity(rows * plain.columns.len());
    for &c in &plain.columns {
        out.extend((0..rows).map(|r| f64::from(x[r * plain.width + c])));
    }
    (out, rows)
}
