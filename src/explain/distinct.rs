//! Masked rows that are the same row. Where the explained row and a
//! background row have the same encoded numbers in a column, the masked row
//! is the same whether a coalition keeps that column or not, so against that
//! background row the coalitions that differ only in such columns need one
//! model evaluation between them. Real tables are full of such columns: a
//! category most rows share, a number most rows leave at zero, a value
//! missing in both. On a table of continuous numbers nothing is shared and
//! the value function keeps its one large product per pass
//! ([`super::value`]).

use std::collections::HashMap;
use std::ops::Range;

/// Columns the coalitions can hold as bit sets (`u64`).
pub const MAX_COLUMNS: usize = 64;

/// Coalitions as bit sets (bit j: column j keeps the row's value), from
/// `m` flags per coalition; `None` beyond [`MAX_COLUMNS`] columns.
pub fn bit_sets(flags: &[bool], m: usize) -> Option<Vec<u64>> {
    if m == 0 || m > MAX_COLUMNS {
        return None;
    }
    Some(
        flags
            .chunks(m)
            .map(|z| {
                z.iter()
                    .enumerate()
                    .fold(0u64, |bits, (j, &keep)| bits | (u64::from(keep) << j))
            })
            .collect(),
    )
}

/// For each background row, the columns (a bit set) whose encoded numbers
/// are exactly the explained row's `x`.
pub fn same_columns(
    x: &[f32],
    background: &[f32],
    width: usize,
    spans: &[Range<usize>],
) -> Vec<u64> {
    background
        .chunks(width.max(1))
        .map(|bg| {
            spans
                .iter()
                .enumerate()
                .filter(|(_, span)| bg[(*span).clone()] == x[(*span).clone()])
                .fold(0u64, |bits, (j, _)| bits | (1u64 << j))
        })
        .collect()
}

/// The distinct masked rows of some coalitions against every background row.
#[derive(Debug, Clone, PartialEq)]
pub struct DistinctRows {
    /// Each distinct row: its background row, and the columns that take the
    /// explained row's numbers (none of them the same in both).
    pub rows: Vec<(usize, u64)>,
    /// `index[i * background rows + r]`: coalition i against background row
    /// r is distinct row `index[…]`.
    pub index: Vec<u32>,
}

impl DistinctRows {
    /// The distinct rows of `coalitions` (bit sets) against background rows
    /// whose same columns are `same`.
    pub fn new(coalitions: &[u64], same: &[u64]) -> Self {
        let b = same.len();
        let mut rows = Vec::new();
        let mut index = vec![0u32; coalitions.len() * b];
        let mut seen: HashMap<u64, u32> = HashMap::new();
        for (r, &same_r) in same.iter().enumerate() {
            seen.clear();
            for (i, &bits) in coalitions.iter().enumerate() {
                let keep = bits & !same_r;
                let slot = *seen.entry(keep).or_insert_with(|| {
                    rows.push((r, keep));
                    (rows.len() - 1) as u32
                });
                index[i * b + r] = slot;
            }
        }
        Self { rows, index }
    }

    /// The first layer's outputs of `rows` (`rows.len() × hidden`): the
    /// background row's, `base` (`background rows × hidden`), plus the part
    /// of each column kept, `parts` (`columns × background rows × hidden`).
    pub fn first_layer(
        rows: &[(usize, u64)],
        parts: &[f32],
        base: &[f32],
        hidden: usize,
    ) -> Vec<f32> {
        let b = base.len() / hidden.max(1);
        let mut out = Vec::with_capacity(rows.len() * hidden);
        for &(r, keep) in rows {
            let at = out.len();
            out.extend_from_slice(&base[r * hidden..(r + 1) * hidden]);
            let h = &mut out[at..];
            let mut left = keep;
            while left != 0 {
                let j = left.trailing_zeros() as usize;
                left &= left - 1;
                let part = &parts[(j * b + r) * hidden..(j * b + r + 1) * hidden];
                for (o, p) in h.iter_mut().zip(part) {
                    *o += p;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalitions_differing_only_in_shared_columns_share_a_row() {
        // Three columns of one number each; background row 0 shares column
        // 1 with x, row 1 shares nothing, row 2 shares columns 0 and 2.
        let x = [1.0, 2.0, 3.0];
        let background = [9.0, 2.0, 9.0, 8.0, 8.0, 8.0, 1.0, 7.0, 3.0];
        let spans = [0..1, 1..2, 2..3];
        let same = same_columns(&x, &background, 3, &spans);
        assert_eq!(same, vec![0b010, 0b000, 0b101]);
        let every: Vec<bool> = (0..8u64)
            .flat_map(|bits| (0..3).map(move |j| bits >> j & 1 == 1))
            .collect();
        let coalitions = bit_sets(&every, 3).expect("3 columns fit");
        assert_eq!(coalitions, (0..8).collect::<Vec<u64>>());
        let distinct = DistinctRows::new(&coalitions, &same);
        // 4 rows against row 0, 8 against row 1, 2 against row 2.
        assert_eq!(distinct.rows.len(), 4 + 8 + 2);
        let row_of = |i: usize, r: usize| distinct.rows[distinct.index[i * 3 + r] as usize];
        assert_eq!(row_of(0b111, 0), (0, 0b101));
        assert_eq!(row_of(0b101, 0), (0, 0b101));
        assert_eq!(row_of(0b111, 2), (2, 0b010));
        assert_eq!(row_of(0b000, 2), (2, 0));
        assert_eq!(row_of(0b110, 1), (1, 0b110));
        assert!(bit_sets(&[true; 65], 65).is_none());
    }

    #[test]
    fn the_first_layer_adds_the_kept_parts_to_the_background_rows() {
        // Two columns, two background rows, hidden width 2.
        let base = [1.0, 1.0, 10.0, 10.0];
        // parts[(j * b + r) * hidden ..]
        let parts = [0.5, 0.25, 5.0, 2.5, 0.125, 1.0, 1.0, 8.0];
        let rows = [(0, 0b00), (0, 0b11), (1, 0b10)];
        let h = DistinctRows::first_layer(&rows, &parts, &base, 2);
        assert_eq!(h, vec![1.0, 1.0, 1.625, 2.25, 11.0, 18.0]);
    }
}
