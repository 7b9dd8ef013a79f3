//! Turning the chosen columns into the numbers distances are measured on.
//!
//! The shared preprocessor (compact style) log-scales skewed amounts,
//! standardises numbers and one-hot encodes labels. Then every column is put
//! on the same footing: each column's block of numbers is scaled so that its
//! total spread is 1, so a label with many values does not outweigh a
//! measurement just by having more slots.
//!
//! Label-like columns (labels, yes/no, and numbers with only a handful of
//! values, such as a year or a region code) are then weighed by how strongly
//! they go with the rest of the table (correlation ratio with numbers,
//! Cramér's V with labels; the strongest link counts). The reason: real kinds
//! of rows show up in several columns at once, while a label unrelated to
//! everything else (the year a record was taken) would split the groups along
//! itself and hide the structure the other columns share. Continuous
//! measurements always count fully.

use serde::{Deserialize, Serialize};

use crate::data::{ColumnValues, Table};
use crate::error::Result;
use crate::jobs::Progress;
use crate::ml::preprocess::{Encoder, EncoderStyle, Preprocessor};

/// A number column with at most this many distinct values is label-like.
const FEW_VALUES: usize = 12;
/// Rows used to measure how columns go together.
const ASSOCIATION_ROWS: usize = 20_000;

/// How much one column counts in the distances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnWeight {
    /// The column.
    pub column: String,
    /// 1 counts fully; smaller counts less.
    pub weight: f64,
    /// Why, in words (empty when it counts fully).
    pub reason: String,
}

/// Everything needed to turn a table's rows into distance-ready numbers;
/// saved with the groups so new rows are treated exactly the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Columns → numbers.
    pub preprocessor: Preprocessor,
    /// Per column, how much it counts.
    pub weights: Vec<ColumnWeight>,
    /// Per number, the mean subtracted.
    pub shift: Vec<f32>,
    /// Per number, the factor applied after.
    pub scale: Vec<f32>,
}

impl Features {
    /// Fits the features for `columns` on every row of `table`, returning the
    /// fitted features and the rows' numbers.
    pub fn fit(table: &Table, columns: &[String], progress: &Progress) -> Result<(Self, Vec<f32>)> {
        let rows: Vec<usize> = (0..table.rows).collect();
        let preprocessor = Preprocessor::fit_with(table, columns, &rows, EncoderStyle::Compact)?;
        progress.check_cancelled()?;
        let mut x = preprocessor.transform(table, &rows)?;
        let width = preprocessor.width();
        let n = table.rows.max(1) as f64;
        let mut mean = vec![0f64; width];
        let mut var = vec![0f64; width];
        for row in x.chunks(width) {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += f64::from(v);
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        for row in x.chunks(width) {
            for ((s, &v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (f64::from(v) - m).powi(2);
            }
        }
        var.iter_mut().for_each(|s| *s /= n);
        progress.check_cancelled()?;
        let weights = column_weights(table, &preprocessor);
        let mut scale = vec![0f32; width];
        let mut offset = 0;
        for (encoder, weight) in preprocessor.encoders.iter().zip(&weights) {
            let w = encoder.width();
            let spread: f64 = var[offset..offset + w].iter().sum::<f64>().sqrt();
            let factor = if spread > 1e-12 {
                weight.weight / spread
            } else {
                0.0 // the same on every row: it cannot tell rows apart
            };
            scale[offset..offset + w].fill(factor as f32);
            offset += w;
        }
        let shift: Vec<f32> = mean.iter().map(|&m| m as f32).collect();
        for row in x.chunks_mut(width) {
            for ((v, s), f) in row.iter_mut().zip(&shift).zip(&scale) {
                *v = (*v - s) * f;
            }
        }
        Ok((
            Self {
                preprocessor,
                weights,
                shift,
                scale,
            },
            x,
        ))
    }

    /// Numbers per row.
    pub fn width(&self) -> usize {
        self.preprocessor.width()
    }

    /// The distance-ready numbers of `rows` of `table` (a new table of the
    /// same kind: columns are checked and named when missing).
    pub fn transform(&self, table: &Table, rows: &[usize]) -> Result<Vec<f32>> {
        let mut x = self.preprocessor.transform(table, rows)?;
        let width = self.width();
        for row in x.chunks_mut(width.max(1)) {
            for ((v, s), f) in row.iter_mut().zip(&self.shift).zip(&self.scale) {
                *v = (*v - s) * f;
            }
        }
        Ok(x)
    }
}

/// One column as the association measures read it.
enum View {
    Numbers(Vec<f64>),
    Codes(Vec<u32>, usize),
}

/// How much each column counts: 1 for measurements; for label-like columns,
/// their strongest link with any other column.
fn column_weights(table: &Table, preprocessor: &Preprocessor) -> Vec<ColumnWeight> {
    let step = (table.rows / ASSOCIATION_ROWS).max(1);
    let rows: Vec<usize> = (0..table.rows).step_by(step).collect();
    let views: Vec<(View, bool)> = preprocessor
        .encoders
        .iter()
        .map(|e| view(table, e, &rows))
        .collect();
    let names: Vec<&str> = preprocessor.encoders.iter().map(Encoder::column).collect();
    views
        .iter()
        .enumerate()
        .map(|(i, (v, label_like))| {
            let column = names[i].to_owned();
            if !label_like || views.len() < 2 {
                return ColumnWeight {
                    column,
                    weight: 1.0,
                    reason: String::new(),
                };
            }
            let (strongest, partner) = views
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(j, (w, _))| (association(v, w), names[j]))
                .fold((0.0, ""), |best, next| if next.0 > best.0 { next } else { best });
            let weight = strongest.clamp(0.0, 1.0);
            let reason = if weight >= 0.95 {
                String::new()
            } else if partner.is_empty() || weight < 0.1 {
                "counts little: it hardly goes with any other column, so it cannot describe a kind of row on its own".to_owned()
            } else {
                format!(
                    "counts {:.0}%: its strongest link with another column ('{partner}') is {:.2}",
                    weight * 100.0,
                    weight
                )
            };
            ColumnWeight {
                column,
                weight,
                reason,
            }
        })
        .collect()
}

/// The column behind `encoder` on `rows`, and whether it is label-like.
fn view(table: &Table, encoder: &Encoder, rows: &[usize]) -> (View, bool) {
    let Some(column) = table.column(encoder.column()) else {
        return (View::Numbers(vec![0.0; rows.len()]), false);
    };
    let values = column.values.as_ref();
    match (encoder, values) {
        (Encoder::Number { .. }, ColumnValues::Number(v)) => {
            let mut distinct: Vec<f64> =
                rows.iter().map(|&r| v[r]).filter(|x| !x.is_nan()).collect();
            distinct.sort_by(f64::total_cmp);
            distinct.dedup();
            if distinct.len() <= FEW_VALUES {
                let codes = rows
                    .iter()
                    .map(|&r| {
                        distinct
                            .binary_search_by(|d| d.total_cmp(&v[r]))
                            .map_or(distinct.len() as u32, |i| i as u32)
                    })
                    .collect();
                (View::Codes(codes, distinct.len() + 1), true)
            } else {
                let median = distinct[distinct.len() / 2];
                let numbers = rows
                    .iter()
                    .map(|&r| if v[r].is_nan() { median } else { v[r] })
                    .collect();
                (View::Numbers(numbers), false)
            }
        }
        (Encoder::Date { .. }, ColumnValues::Datetime(v)) => (
            View::Numbers(rows.iter().map(|&r| v[r].unwrap_or(0) as f64).collect()),
            false,
        ),
        _ => {
            let mut levels: Vec<String> = Vec::new();
            let codes = rows
                .iter()
                .map(|&r| {
                    let label = values.display(r);
                    match levels.iter().position(|l| *l == label) {
                        Some(i) => i as u32,
                        None => {
                            levels.push(label.into_owned());
                            (levels.len() - 1) as u32
                        }
                    }
                })
                .collect();
            (View::Codes(codes, levels.len()), true)
        }
    }
}

/// Strength of the link between two columns, 0 (none) to 1 (one fixes the other).
fn association(a: &View, b: &View) -> f64 {
    match (a, b) {
        (View::Numbers(x), View::Numbers(y)) => pearson(x, y).abs(),
        (View::Codes(c, k), View::Numbers(y)) | (View::Numbers(y), View::Codes(c, k)) => {
            correlation_ratio(c, *k, y)
        }
        (View::Codes(a, ka), View::Codes(b, kb)) => cramers_v(a, *ka, b, *kb),
    }
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// η: the share of a number's spread explained by the groups of a label, square-rooted.
pub(super) fn correlation_ratio(codes: &[u32], k: usize, y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let mut sums = vec![0f64; k];
    let mut counts = vec![0f64; k];
    for (&c, &v) in codes.iter().zip(y) {
        sums[c as usize] += v;
        counts[c as usize] += 1.0;
    }
    let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let between: f64 = sums
        .iter()
        .zip(&counts)
        .filter(|(_, n)| **n > 0.0)
        .map(|(s, n)| n * (s / n - mean).powi(2))
        .sum();
    if total <= 0.0 {
        0.0
    } else {
        (between / total).sqrt()
    }
}

fn cramers_v(a: &[u32], ka: usize, b: &[u32], kb: usize) -> f64 {
    let n = a.len() as f64;
    let mut table = vec![0f64; ka * kb];
    let mut ra = vec![0f64; ka];
    let mut rb = vec![0f64; kb];
    for (&x, &y) in a.iter().zip(b) {
        table[x as usize * kb + y as usize] += 1.0;
        ra[x as usize] += 1.0;
        rb[y as usize] += 1.0;
    }
    let mut chi2 = 0.0;
    for i in 0..ka {
        for j in 0..kb {
            let expected = ra[i] * rb[j] / n;
            if expected > 0.0 {
                chi2 += (table[i * kb + j] - expected).powi(2) / expected;
            }
        }
    }
    let used = |r: &[f64]| r.iter().filter(|&&c| c > 0.0).count();
    let dof = used(&ra).min(used(&rb)).saturating_sub(1);
    if dof == 0 {
        0.0
    } else {
        (chi2 / (n * dof as f64)).sqrt()
    }
}
