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
use super::task::TaskKind;
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

impl Kind {
    /// What trees can learn from these labels: yes/no or an amount.
    fn of(labels: Labels<'_>) -> Option<Self> {
        match labels {
            Labels::Classes(_, 2) => Some(Self::YesNo),
            Labels::Amounts(_) => Some(Self::Amount),
            _ => None,
        }
    }

    fn metric(self) -> Metric {
        match self {
            Self::YesNo => Metric::LogLoss,
            Self::Amount => Metric::RootMeanSquaredError,
        }
    }
}

impl TreeModel {
    /// Trees used for predictions (up to the best validation round).
    pub fn trees(&self) -> usize {
        self.booster
            .best_iteration
            .map_or(self.booster.trees.len(), |best| best + 1)
    }

    /// The fitted trees as JSON (forust-ml's own format), for a model folder.
    pub fn to_json(&self) -> Result<String> {
        self.booster
            .json_dump()
            .map_err(|e| ClearboxError::Internal {
                activity: "saving the tree model".into(),
                detail: e.to_string(),
            })
    }

    /// Trees back from [`TreeModel::to_json`] for a `task` (yes/no or an
    /// amount), reading the `plain` inputs. `Err` holds what is wrong, for
    /// the folder's damaged-file sentence.
    pub fn from_json(
        json: &str,
        plain: PlainInputs,
        task: TaskKind,
    ) -> std::result::Result<Self, String> {
        let kind = match task {
            TaskKind::Binary => Kind::YesNo,
            TaskKind::Regression => Kind::Amount,
            TaskKind::Multiclass => return Err("trees cannot choose among several classes".into()),
        };
        let booster = GradientBooster::from_json(json).map_err(|e| e.to_string())?;
        let inputs = plain.columns.len();
        for (t, tree) in booster.trees.iter().enumerate() {
            if tree.nodes.is_empty() {
                return Err(format!("tree {} has no nodes", t + 1));
            }
            // Children come after their parent, so predictions always end at a leaf.
            for (at, node) in tree.nodes.iter().enumerate().filter(|(_, n)| !n.is_leaf) {
                let children = [node.left_child, node.right_child, node.missing_node];
                if node.split_feature >= inputs
                    || children.iter().any(|&c| c <= at || c >= tree.nodes.len())
                {
                    return Err(format!(
                        "tree {} does not fit the {inputs} inputs it reads",
                        t + 1
                    ));
                }
            }
        }
        Ok(Self {
            booster,
            plain,
            kind,
        })
    }

    /// The trees used for predictions as plain nodes over the encoded row,
    /// for explanations that walk them directly ([`crate::explain::trees`]).
    pub fn walkable(&self) -> Walkable {
        let used = self.trees();
        let trees = self.booster.trees[..used.min(self.booster.trees.len())]
            .iter()
            .map(|tree| {
                tree.nodes
                    .iter()
                    .map(|node| {
                        if node.is_leaf {
                            Step::Leaf(f64::from(node.weight_value))
                        } else {
                            Step::Split {
                                input: self.plain.columns[node.split_feature],
                                below: node.split_value,
                                left: node.left_child,
                                right: node.right_child,
                                missing: node.missing_node,
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        Walkable {
            base: self.booster.base_score,
            trees,
            outputs: self.outputs_per_row(),
        }
    }

    /// Raw outputs per row: two for yes/no, one for an amount.
    pub fn outputs_per_row(&self) -> usize {
        match self.kind {
            Kind::YesNo => 2,
            Kind::Amount => 1,
        }
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

/// The fitted trees as plain nodes: the model's output (the log-odds of
/// yes, or the standardised amount) is `base` plus one leaf of each tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Walkable {
    /// Added to the leaves' sum.
    pub base: f64,
    /// Each tree's nodes; the root is the first, children come after parents.
    pub trees: Vec<Vec<Step>>,
    /// Raw outputs per row in the networks' form (see [`TreeModel::outputs`]).
    pub outputs: usize,
}

/// One node of a [`Walkable`] tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A leaf and its value.
    Leaf(f64),
    /// Rows whose number at `input` (in the encoded row) is below `below` go
    /// `left`, others `right`, missing ones `missing` (node indices).
    Split {
        /// Position in the encoded row.
        input: usize,
        /// The threshold.
        below: f64,
        /// The node for smaller numbers.
        left: usize,
        /// The node for the others.
        right: usize,
        /// The node for a missing number.
        missing: usize,
    },
}

impl Step {
    /// The child a row with `value` at this split goes to (`None` at a leaf),
    /// exactly as forust-ml decides it.
    pub fn child(&self, value: f32) -> Option<usize> {
        match *self {
            Self::Leaf(_) => None,
            Self::Split {
                below,
                left,
                right,
                missing,
                ..
            } => Some(if value.is_nan() {
                missing
            } else if f64::from(value) < below {
                left
            } else {
                right
            }),
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
    let Some(kind) = Kind::of(train_labels) else {
        return Ok(None);
    };
    let y_valid = target(valid_labels);
    let (valid_columns, valid_rows) = column_major(plain, valid_x);
    let valid = Matrix::new(&valid_columns, valid_rows, plain.columns.len());
    let valid_weights = vec![1.0; valid_rows];
    let mut booster = booster(kind, seed, MAX_TREES)
        .set_evaluation_metric(Some(kind.metric()))
        .set_early_stopping_rounds(Some(PATIENCE));
    fit_booster(
        &mut booster,
        plain,
        train_x,
        train_labels,
        Some(vec![(valid, &y_valid, &valid_weights)]),
    )?;
    Ok(Some(TreeModel {
        booster,
        plain: plain.clone(),
        kind,
    }))
}

/// Fits exactly `trees` trees on every row of `x`, with no rows held back:
/// the saved tree model of a cross-validated table, as large as the
/// rotations' early stopping chose. `None` for several classes.
pub fn refit_trees(
    plain: &PlainInputs,
    x: &[f32],
    labels: Labels<'_>,
    trees: usize,
    seed: u64,
) -> Result<Option<TreeModel>> {
    let Some(kind) = Kind::of(labels) else {
        return Ok(None);
    };
    let mut booster = booster(kind, seed, trees.max(1));
    fit_booster(&mut booster, plain, x, labels, None)?;
    Ok(Some(TreeModel {
        booster,
        plain: plain.clone(),
        kind,
    }))
}

/// The booster's settings: scikit-learn's HistGradientBoosting defaults, in
/// XGBoost's terms: a 0.1 learning rate, trees of up to 31 leaves, 20 rows a
/// leaf.
fn booster(kind: Kind, seed: u64, trees: usize) -> GradientBooster {
    let mut booster = GradientBooster::default()
        .set_objective_type(match kind {
            Kind::YesNo => ObjectiveType::LogLoss,
            Kind::Amount => ObjectiveType::SquaredLoss,
        })
        .set_iterations(trees)
        .set_learning_rate(0.1)
        .set_max_depth(8)
        .set_max_leaves(31)
        .set_min_leaf_weight(match kind {
            Kind::YesNo => 1.0,
            Kind::Amount => 20.0,
        })
        .set_l2(1.0)
        .set_seed(seed)
        // Histograms filled row by row from a tiled copy of the bins rather
        // than a column at a time: the plain inputs are many one-hot columns
        // over many rows, where the column-wise fill spent most of its time
        // gathering scattered rows (28% of the whole of `clearbox train` on
        // adult.csv). The trees took 2.4–2.9 s there instead of 5.2 s, with
        // the same test figures to four places on the six shared tables.
        .set_tiled_histograms(true);
    // Leaves are added where they help most, as scikit-learn's trees grow.
    booster.grow_policy = forust_ml::gradientbooster::GrowPolicy::LossGuide;
    booster
}

fn fit_booster(
    booster: &mut GradientBooster,
    plain: &PlainInputs,
    x: &[f32],
    labels: Labels<'_>,
    evaluation: Option<Vec<forust_ml::gradientbooster::EvaluationData<'_>>>,
) -> Result<()> {
    let y = target(labels);
    let (columns, rows) = column_major(plain, x);
    let data = Matrix::new(&columns, rows, plain.columns.len());
    let weights = vec![1.0; rows];
    booster
        .fit(&data, &y, &weights, evaluation)
        .map_err(|e| ClearboxError::Internal {
            activity: "fitting the tree model".into(),
            detail: e.to_string(),
        })
}

/// The labels as forust-ml reads them: the class (0 or 1) or the amount.
fn target(labels: Labels<'_>) -> Vec<f64> {
    match labels {
        Labels::Classes(classes, _) => classes.iter().map(|&c| f64::from(c)).collect(),
        Labels::Amounts(values) => values.iter().map(|&v| f64::from(v)).collect(),
        Labels::Rewards { .. } => Vec::new(),
    }
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
