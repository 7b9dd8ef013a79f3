//! The value function of a tree model without building masked rows.
//!
//! A masked row takes each input column from the explained row `x` or from
//! a background row `z`. In one tree, wherever `x` and `z` go the same way
//! the coalition does not matter; only the columns of the splits where they
//! part ("forks") do, and there are few of them. So for each pair (`x`,
//! `z`) and tree this module finds those columns and tabulates the leaf
//! reached for every choice of them: trees where `x` and `z` never part add
//! a constant, the others one table lookup per coalition. A masked row is
//! then a few dozen lookups instead of walking every tree with a
//! floating-point comparison at each split — about the same work as the
//! first-layer parts of a network ([`super::value`]).

use std::ops::Range;

use crate::ml::trees::{Step, Walkable};

/// Columns above which a tree's table would be too large; such a tree is
/// walked for each coalition instead (rare: trees are at most 8 deep).
const MOST_TABLE_COLUMNS: usize = 10;

/// A tree model with, for every background row, the child each split sends it to.
pub struct TreeValues {
    trees: Walkable,
    /// For each encoded position, its input column.
    column_of: Vec<usize>,
    /// Per background row, per tree, the child of each node (leaves: 0).
    background: Vec<Vec<Vec<usize>>>,
}

/// One explained row against every background row.
pub struct RowTables {
    /// Per background row: the base plus the trees that do not fork.
    constant: Vec<f64>,
    /// Per background row: the trees that fork.
    forks: Vec<Vec<Fork>>,
    /// The explained row's children, for trees walked per coalition.
    row: Vec<Vec<usize>>,
}

/// One tree's dependence on the coalition for one pair of rows.
enum Fork {
    /// The leaf value for each choice of the `columns` (bit k set: column
    /// `columns[k]` takes the explained row's value).
    Table {
        columns: Vec<usize>,
        values: Vec<f64>,
    },
    /// Too many columns to tabulate: walked for each coalition.
    Walk { tree: usize },
}

impl TreeValues {
    /// Prepares `trees` against the encoded `background` rows; `spans` are
    /// the input columns' places in the encoded row.
    pub fn new(trees: Walkable, spans: &[Range<usize>], background: &[f32], width: usize) -> Self {
        let mut column_of = vec![0; width];
        for (j, span) in spans.iter().enumerate() {
            column_of[span.clone()].fill(j);
        }
        let background = background
            .chunks_exact(width.max(1))
            .map(|z| children(&trees, z))
            .collect();
        Self {
            trees,
            column_of,
            background,
        }
    }

    /// Raw outputs per masked row: two for yes/no, one for an amount.
    pub fn outputs(&self) -> usize {
        self.trees.outputs
    }

    /// The tables of the encoded row `x` against every background row.
    pub fn row(&self, x: &[f32]) -> RowTables {
        let row = children(&self.trees, x);
        let mut constant = Vec::with_capacity(self.background.len());
        let mut forks = Vec::with_capacity(self.background.len());
        for z in &self.background {
            let mut sum = self.trees.base;
            let mut pair = Vec::new();
            for (t, nodes) in self.trees.trees.iter().enumerate() {
                let columns = self.fork_columns(nodes, &row[t], &z[t]);
                if columns.is_empty() {
                    sum += leaf(nodes, &row[t], &z[t], &self.column_of, |_| true);
                } else if columns.len() > MOST_TABLE_COLUMNS {
                    pair.push(Fork::Walk { tree: t });
                } else {
                    let values = (0..1usize << columns.len())
                        .map(|bits| {
                            let keeps = |j: usize| {
                                columns
                                    .iter()
                                    .position(|&c| c == j)
                                    .is_none_or(|k| bits >> k & 1 == 1)
                            };
                            leaf(nodes, &row[t], &z[t], &self.column_of, keeps)
                        })
                        .collect();
                    pair.push(Fork::Table { columns, values });
                }
            }
            constant.push(sum);
            forks.push(pair);
        }
        RowTables {
            constant,
            forks,
            row,
        }
    }

    /// The input columns of the splits where `x` and `z` part, among the
    /// nodes some masked row of the pair can reach.
    fn fork_columns(&self, nodes: &[Step], x: &[usize], z: &[usize]) -> Vec<usize> {
        let mut columns = Vec::new();
        let mut stack = vec![0];
        while let Some(at) = stack.pop() {
            let Step::Split { input, .. } = nodes[at] else {
                continue;
            };
            if x[at] == z[at] {
                stack.push(x[at]);
                continue;
            }
            let j = self.column_of[input];
            if !columns.contains(&j) {
                columns.push(j);
            }
            stack.extend([x[at], z[at]]);
        }
        columns
    }

    /// The model's raw outputs for `c` coalitions (`columns` flags each)
    /// against every background row, `(c · background rows) × outputs`.
    pub fn evaluate(&self, tables: &RowTables, flags: &[bool], c: usize) -> Vec<f32> {
        let m = flags.len() / c.max(1);
        let b = self.background.len();
        let mut out = Vec::with_capacity(c * b * self.trees.outputs);
        for coalition in flags.chunks_exact(m.max(1)).take(c) {
            for (r, pair) in tables.forks.iter().enumerate() {
                let mut sum = tables.constant[r];
                for fork in pair {
                    sum += match fork {
                        Fork::Table { columns, values } => {
                            let bits = columns
                                .iter()
                                .enumerate()
                                .fold(0, |bits, (k, &j)| bits | usize::from(coalition[j]) << k);
                            values[bits]
                        }
                        Fork::Walk { tree } => leaf(
                            &self.trees.trees[*tree],
                            &tables.row[*tree],
                            &self.background[r][*tree],
                            &self.column_of,
                            |j| coalition[j],
                        ),
                    };
                }
                if self.trees.outputs == 2 {
                    out.push(0.0);
                }
                out.push(sum as f32);
            }
        }
        out
    }
}

/// The child each split of every tree sends the encoded row `x` to.
fn children(trees: &Walkable, x: &[f32]) -> Vec<Vec<usize>> {
    trees
        .trees
        .iter()
        .map(|nodes| {
            nodes
                .iter()
                .map(|step| match step {
                    Step::Split { input, .. } => step.child(x[*input]).unwrap_or(0),
                    Step::Leaf(_) => 0,
                })
                .collect()
        })
        .collect()
}

/// The leaf value a masked row reaches: at each split it goes where `x`
/// goes when `keeps` says its column takes the row's value, else where `z`
/// goes.
fn leaf(
    nodes: &[Step],
    x: &[usize],
    z: &[usize],
    column_of: &[usize],
    keeps: impl Fn(usize) -> bool,
) -> f64 {
    let mut at = 0;
    loop {
        match nodes[at] {
            Step::Leaf(value) => return value,
            Step::Split { input, .. } => {
                at = if x[at] == z[at] || keeps(column_of[input]) {
                    x[at]
                } else {
                    z[at]
                };
            }
        }
    }
}
