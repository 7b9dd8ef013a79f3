//! The 2-D map of the rows: the two directions along which the (scaled)
//! rows spread most, found by power iteration on their covariance.

use serde::{Deserialize, Serialize};

/// Points drawn on the map.
pub const MAP_ROWS: usize = 3_000;

/// Rows placed on a flat map.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Map {
    /// Row index in the table of each point.
    pub rows: Vec<usize>,
    /// Position of each point.
    pub points: Vec<[f32; 2]>,
    /// Share of the total spread each axis shows.
    pub explained: [f64; 2],
}

/// Projects an evenly spread subset of the rows of `x` (`width` per row) onto
/// its first two principal components.
pub fn map_2d(x: &[f32], width: usize) -> Map {
    let rows = x.len() / width.max(1);
    if rows == 0 || width == 0 {
        return Map::default();
    }
    let step = rows.div_ceil(MAP_ROWS).max(1);
    let picked: Vec<usize> = (0..rows).step_by(step).collect();
    let mut mean = vec![0f64; width];
    for &r in &picked {
        for (m, &v) in mean.iter_mut().zip(&x[r * width..(r + 1) * width]) {
            *m += f64::from(v);
        }
    }
    mean.iter_mut().for_each(|m| *m /= picked.len() as f64);
    let centred: Vec<Vec<f64>> = picked
        .iter()
        .map(|&r| {
            x[r * width..(r + 1) * width]
                .iter()
                .zip(&mean)
                .map(|(&v, m)| f64::from(v) - m)
                .collect()
        })
        .collect();
    let mut cov = vec![0f64; width * width];
    for row in &centred {
        for i in 0..width {
            for j in 0..width {
                cov[i * width + j] += row[i] * row[j];
            }
        }
    }
    let n = picked.len() as f64;
    cov.iter_mut().for_each(|c| *c /= n);
    let total: f64 = (0..width).map(|i| cov[i * width + i]).sum();
    let first = leading_vector(&cov, width, None);
    let second = leading_vector(&cov, width, Some(&first));
    let points = centred
        .iter()
        .map(|row| {
            let dot = |v: &[f64]| row.iter().zip(v).map(|(a, b)| a * b).sum::<f64>() as f32;
            [dot(&first.1), dot(&second.1)]
        })
        .collect();
    let share = |value: f64| if total > 0.0 { value / total } else { 0.0 };
    Map {
        rows: picked,
        points,
        explained: [share(first.0[0]), share(second.0[0])],
    }
}

/// The leading eigenvector of a symmetric matrix (optionally with a found
/// one deflated away): `([eigenvalue, …], vector)`.
fn leading_vector(
    cov: &[f64],
    width: usize,
    deflate: Option<&(Vec<f64>, Vec<f64>)>,
) -> (Vec<f64>, Vec<f64>) {
    let mut matrix = cov.to_vec();
    if let Some((value, vector)) = deflate {
        for i in 0..width {
            for j in 0..width {
                matrix[i * width + j] -= value[0] * vector[i] * vector[j];
            }
        }
    }
    // A fixed, uneven start so results are repeatable and rarely orthogonal to the answer.
    let mut v: Vec<f64> = (0..width)
        .map(|i| 1.0 + (i as f64 * 0.618).fract())
        .collect();
    let mut value = 0.0;
    for _ in 0..200 {
        let next: Vec<f64> = (0..width)
            .map(|i| (0..width).map(|j| matrix[i * width + j] * v[j]).sum())
            .collect();
        let norm = next.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm <= 1e-15 {
            break;
        }
        value = norm;
        v = next.into_iter().map(|a| a / norm).collect();
    }
    (vec![value], v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_axis_follows_the_widest_spread() {
        // Points along the diagonal x = y, slightly off it.
        let x: Vec<f32> = (0..100)
            .flat_map(|i| {
                let t = i as f32 / 10.0;
                [t, t + if i % 2 == 0 { 0.1 } else { -0.1 }]
            })
            .collect();
        let map = map_2d(&x, 2);
        assert_eq!(map.points.len(), 100);
        assert!(map.explained[0] > 0.99, "{:?}", map.explained);
    }
}
