//! Synthetic tables for the benchmarks and tests: a drift pair with known
//! shifts in chosen columns, and a table with a yes/no outcome for models.

use std::sync::Arc;

use crate::data::{Column, ColumnRole, ColumnValues, Table, TableOrigin, TextValues, infer};
use crate::drift::stats::SplitMix;

/// Which kind of column the `i`th synthetic column is.
fn kind(i: usize) -> usize {
    i % 5
}

fn uniform(rng: &mut SplitMix) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn normal(rng: &mut SplitMix) -> f64 {
    let u1 = uniform(rng).max(1e-300);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A table of `rows` × `columns`, drawn with `seed`. Columns whose index is
/// in `shifted` move: numbers by half a standard deviation, codes and labels
/// towards their last value.
pub fn drift_table(rows: usize, columns: usize, seed: u64, shifted: &[usize]) -> Table {
    let made: Vec<Column> = (0..columns)
        .map(|i| {
            let mut rng = SplitMix::new(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
            let shift = shifted.contains(&i);
            let (role, values) = match kind(i) {
                0 | 1 => {
                    let delta = if shift { 0.5 } else { 0.0 };
                    let skewed = kind(i) == 1;
                    let v = (0..rows)
                        .map(|_| {
                            let z = normal(&mut rng) + delta;
                            if skewed {
                                (z * 0.8).exp() * 100.0
                            } else {
                                z * 10.0 + 50.0
                            }
                        })
                        .collect();
                    (ColumnRole::Number, ColumnValues::Number(v))
                }
                2 => {
                    let v = (0..rows)
                        .map(|_| {
                            let u = uniform(&mut rng);
                            let u = if shift { u.powf(0.6) } else { u };
                            (u * 8.0).floor()
                        })
                        .collect();
                    (ColumnRole::Number, ColumnValues::Number(v))
                }
                3 => {
                    let v = (0..rows)
                        .map(|_| {
                            if uniform(&mut rng) < if shift { 0.2 } else { 0.02 } {
                                f64::NAN
                            } else {
                                normal(&mut rng)
                            }
                        })
                        .collect();
                    (ColumnRole::Number, ColumnValues::Number(v))
                }
                _ => {
                    let levels: Vec<String> = ["north", "south", "east", "west", "centre"]
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                    let codes = (0..rows)
                        .map(|_| {
                            let u = uniform(&mut rng);
                            let u = if shift { u.powf(0.5) } else { u };
                            ((u * 5.0) as u32).min(4)
                        })
                        .collect();
                    (
                        ColumnRole::Category,
                        ColumnValues::Text(TextValues { codes, levels }),
                    )
                }
            };
            Column {
                name: format!("c{i:02}"),
                role,
                inferred_role: role,
                values: Arc::new(values),
                read_as_missing: Vec::new(),
            }
        })
        .collect();
    Table {
        name: format!("synthetic {seed}"),
        origin: TableOrigin::Sample(format!("synthetic-{seed}")),
        columns: made,
        rows,
        notices: Vec::new(),
        fingerprint: format!("synthetic-{seed}"),
        summarised: None,
    }
}

/// A table of `rows` rows: `columns` number columns and a yes/no outcome
/// that depends on a few of them, so the model has something to explain.
pub fn outcome_table(rows: usize, columns: usize) -> Table {
    let mut state = 0x5eed_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let values: Vec<Vec<f64>> = (0..columns)
        .map(|_| (0..rows).map(|_| next()).collect())
        .collect();
    let outcome: Vec<f64> = (0..rows)
        .map(|r| {
            let score: f64 = values
                .iter()
                .take(4)
                .enumerate()
                .map(|(j, v)| v[r] * (j + 1) as f64)
                .sum();
            f64::from(u8::from(score + next() > 5.5))
        })
        .collect();
    let mut table_columns: Vec<_> = values
        .into_iter()
        .enumerate()
        .map(|(j, v)| infer::column(format!("x{j}"), ColumnValues::Number(v)))
        .collect();
    table_columns.push(infer::column(
        "outcome".into(),
        ColumnValues::Number(outcome),
    ));
    Table {
        name: "synthetic".into(),
        origin: TableOrigin::Sample("synthetic".into()),
        columns: table_columns,
        rows,
        notices: Vec::new(),
        fingerprint: String::new(),
        summarised: None,
    }
}

/// A log of `rows` decisions among `actions` actions with `columns` number
/// columns of context: the old system chose by a softmax of a random linear
/// score of the context (not uniform, every action tried), and each action's
/// chance of a success has a threshold on one context column, so a straight
/// line cannot find the best action. Columns `x0…`, `action`,
/// `propensity`, `reward`.
pub fn bandit_log(rows: usize, columns: usize, actions: usize, seed: u64) -> Table {
    let mut rng = SplitMix::new(seed ^ 0xBA_4D17);
    let columns = columns.max(1);
    let weights: Vec<f64> = (0..actions * columns)
        .map(|_| uniform(&mut rng) * 2.0 - 1.0)
        .collect();
    let mut x: Vec<Vec<f64>> = vec![Vec::with_capacity(rows); columns];
    let (mut taken, mut propensity, mut reward) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rows {
        let row: Vec<f64> = (0..columns).map(|_| uniform(&mut rng)).collect();
        let scores: Vec<f64> = (0..actions)
            .map(|a| {
                row.iter()
                    .zip(&weights[a * columns..(a + 1) * columns])
                    .map(|(v, w)| v * w)
                    .sum::<f64>()
            })
            .collect();
        let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exp: Vec<f64> = scores.iter().map(|s| (s - top).exp()).collect();
        let total: f64 = exp.iter().sum();
        let u = uniform(&mut rng) * total;
        let (mut acc, mut a) = (0.0, actions - 1);
        for (i, e) in exp.iter().enumerate() {
            acc += e;
            if u < acc {
                a = i;
                break;
            }
        }
        // Action a pays off where its own context column crosses a threshold.
        let logit = -2.0 + if row[a % columns] > 0.6 { 1.8 } else { 0.0 } + 0.3 * scores[a];
        let chance = 1.0 / (1.0 + (-logit).exp());
        taken.push(a as u32);
        propensity.push(exp[a] / total);
        reward.push(f64::from(u8::from(uniform(&mut rng) < chance)));
        for (column, v) in x.iter_mut().zip(row) {
            column.push(v);
        }
    }
    let mut made: Vec<Column> = x
        .into_iter()
        .enumerate()
        .map(|(j, v)| infer::column(format!("x{j}"), ColumnValues::Number(v)))
        .collect();
    made.push(infer::column(
        "action".into(),
        ColumnValues::Text(TextValues {
            codes: taken,
            levels: (0..actions).map(|a| format!("a{a}")).collect(),
        }),
    ));
    made.push(infer::column(
        "propensity".into(),
        ColumnValues::Number(propensity),
    ));
    made.push(infer::column("reward".into(), ColumnValues::Number(reward)));
    Table {
        name: format!("synthetic log {rows}×{columns}, {actions} actions"),
        origin: TableOrigin::Sample(format!("bandit-{seed}")),
        columns: made,
        rows,
        notices: Vec::new(),
        fingerprint: format!("bandit-{seed}-{rows}-{columns}-{actions}"),
        summarised: None,
    }
}
