//! Turning table columns into the numbers a network reads. Everything is
//! fitted on the training rows only and saved with the model, so new data is
//! transformed exactly as the training data was.

use serde::{Deserialize, Serialize};

use crate::data::infer::is_missing_token;
use crate::data::profile::quantile_sorted;
use crate::data::{ColumnRole, ColumnValues, Table};
use crate::error::{ClearboxError, Result};

/// How one input column becomes one or more numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Encoder {
    /// An amount: optionally log-compressed, centred on the median, scaled by
    /// the spread of the middle half, clipped; for a compressed one, also the
    /// value itself scaled alike; plus a was-missing flag, and a
    /// piecewise-linear encoding over the training quantiles (`edges`), which
    /// lets a network bend its response to a number where the data bends.
    Number {
        column: String,
        log: bool,
        center: f64,
        scale: f64,
        /// For a log-compressed number in a network's encoding: the centre
        /// and spread of the value itself, kept as a second number. A linear
        /// model needs it: the log hides how far the largest values stand
        /// out (on the adult census table the simple model's AUC falls from
        /// 0.909 to 0.902 without it).
        linear: Option<(f64, f64)>,
        missing_flag: bool,
        edges: Vec<f64>,
    },
    /// Labels: one slot per common label, one for rare or unseen labels, one for missing.
    Category { column: String, levels: Vec<String> },
    /// Yes/no: 1 for the positive labels, 0 otherwise, and a was-missing flag.
    Boolean {
        column: String,
        positive: Vec<String>,
    },
    /// A date: the year (scaled), and month and weekday as points on a circle.
    Date {
        column: String,
        center: f64,
        scale: f64,
    },
}

/// Values beyond this many spreads from the middle are clipped.
const CLIP: f64 = 8.0;
/// Fewest and most pieces of the piecewise-linear encoding of a number.
/// Between them a column gets one piece per [`ROWS_PER_PIECE`] known
/// training values: a piece's slope is learned from the rows inside it, so
/// small tables keep 16 (more cost AUC on titanic, german credit and telco)
/// while large ones bend more finely (adult gained at every seed tried,
/// 0.9243 to 0.9282 test AUC at seed 42; 128 gained nothing over 64, and a
/// cap of 32 took as long for 0.9278).
const PIECES: std::ops::RangeInclusive<usize> = 16..=64;
/// Known training values each piece should hold before a column gets more
/// than the fewest pieces. At 200, telco (4 900 training rows, 24 pieces)
/// lost 0.002 AUC, and California housing's deep model came close enough
/// to the trees that they no longer clearly won, so the kept model's RMSE
/// went from 0.449 to 0.460; at 400 both keep their figures and adult still
/// gets 64.
const ROWS_PER_PIECE: usize = 400;
/// Most pieces of a number when the network learns rewards
/// ([`EncoderStyle::Rewards`]): a reward (a click or not) says far less per
/// row than a label, so finer pieces mostly cost time. A 200 000-decision
/// log with 20 numbers took 50 s instead of 84 s (the first layer is a
/// quarter as wide), its policy's estimated value 0.578 against 0.582; on
/// the simulated shop, with the reward networks' shorter patience, the
/// learned policy reached 92.7% of the best possible value against 92.0%
/// (mean of 5 worlds).
const REWARD_PIECES: usize = 16;
/// Pieces all numbers together may have, at least, however few the rows
/// ([`most_pieces`]): 16 numbers keep the fewest pieces each.
const PIECE_BUDGET_FLOOR: usize = 16 * 16;

/// The most pieces each number of `inputs` may have. Beyond the style's own
/// cap, all numbers' pieces together stay within the training rows (or
/// [`PIECE_BUDGET_FLOOR`]): a piece's slope is learned from the rows inside
/// it, and on a wide table with few rows (300 numbers, 1 300 training rows)
/// 16 pieces each made a first layer of 5 100 inputs that took 33 s to
/// train over five rotations and learned worse than the plain numbers.
fn most_pieces(table: &Table, inputs: &[String], rows: usize, style: EncoderStyle) -> usize {
    let cap = match style {
        EncoderStyle::Rewards => REWARD_PIECES,
        EncoderStyle::Network | EncoderStyle::Compact => *PIECES.end(),
    };
    let numbers = inputs
        .iter()
        .filter_map(|name| table.column(name))
        .filter(|c| {
            c.role == ColumnRole::Number && matches!(c.values.as_ref(), ColumnValues::Number(_))
        })
        .count();
    let budget = rows.max(PIECE_BUDGET_FLOOR);
    cap.min(budget / numbers.max(1))
}

/// Fewest rows that earn a piece of their own among the values left after ties.
const MIN_PIECE_ROWS: usize = 20;
/// Most labels a category gets its own slot for.
const MAX_LEVELS: usize = 40;

impl Encoder {
    /// The input column this encoder reads.
    pub fn column(&self) -> &str {
        match self {
            Self::Number { column, .. }
            | Self::Category { column, .. }
            | Self::Boolean { column, .. }
            | Self::Date { column, .. } => column,
        }
    }

    /// How many numbers it produces.
    pub fn width(&self) -> usize {
        match self {
            Self::Number {
                linear,
                missing_flag,
                edges,
                ..
            } => {
                1 + usize::from(linear.is_some())
                    + usize::from(*missing_flag)
                    + edges.len().saturating_sub(1)
            }
            Self::Category { levels, .. } => levels.len() + 2,
            Self::Boolean { .. } => 2,
            Self::Date { .. } => 6,
        }
    }

    /// Fits an encoder for `column` on the `train` rows. `style` says whether
    /// numbers get their missing flag and piecewise pieces, `most_pieces`
    /// how many pieces a number may have at most.
    fn fit(
        table: &Table,
        name: &str,
        train: &[usize],
        style: EncoderStyle,
        most_pieces: usize,
    ) -> Result<Self> {
        let column = table
            .column(name)
            .ok_or_else(|| missing_column(table, name))?;
        let column_name = name.to_owned();
        Ok(match (column.role, column.values.as_ref()) {
            (ColumnRole::Boolean, values) => Self::Boolean {
                column: column_name,
                positive: positive_labels(values),
            },
            (ColumnRole::Number, ColumnValues::Number(v)) => {
                let mut present: Vec<f64> = train
                    .iter()
                    .map(|&r| v[r])
                    .filter(|x| !x.is_nan())
                    .collect();
                present.sort_by(f64::total_cmp);
                let missing_flag = style.for_network() && present.len() < train.len();
                let skewed =
                    crate::data::profile::Profile::of(&ColumnValues::Number(present.clone()))
                        .numeric
                        .is_some_and(|n| n.wants_log_scale());
                let linear = (skewed && style.for_network()).then(|| robust_scale(&present));
                if skewed {
                    present.iter_mut().for_each(|x| *x = x.ln_1p());
                }
                let (center, scale) = robust_scale(&present);
                // Compact encodings (segmentation distances) keep one number per column.
                let edges = match style {
                    EncoderStyle::Compact => Vec::new(),
                    EncoderStyle::Network | EncoderStyle::Rewards => {
                        piece_edges(&present, most_pieces)
                    }
                };
                Self::Number {
                    column: column_name,
                    log: skewed,
                    center,
                    scale,
                    linear,
                    missing_flag,
                    edges,
                }
            }
            (ColumnRole::Datetime, ColumnValues::Datetime(v)) => {
                let mut years: Vec<f64> = train.iter().filter_map(|&r| v[r]).map(year_of).collect();
                years.sort_by(f64::total_cmp);
                let (center, scale) = robust_scale(&years);
                Self::Date {
                    column: column_name,
                    center,
                    scale,
                }
            }
            (_, values) => {
                let mut counts: std::collections::HashMap<String, usize> =
                    std::collections::HashMap::new();
                for &r in train {
                    if let Some(label) = label_of(values, r) {
                        *counts.entry(label).or_default() += 1;
                    }
                }
                let minimum = 5.max(train.len() / 1000);
                let mut levels: Vec<(String, usize)> =
                    counts.into_iter().filter(|(_, n)| *n >= minimum).collect();
                levels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                levels.truncate(MAX_LEVELS);
                Self::Category {
                    column: column_name,
                    levels: levels.into_iter().map(|(l, _)| l).collect(),
                }
            }
        })
    }

    /// Writes this encoder's numbers for `row` into `out` (length [`Encoder::width`]).
    pub(crate) fn encode(&self, values: &ColumnValues, row: usize, out: &mut [f32]) {
        match self {
            Self::Number {
                log,
                center,
                scale,
                linear,
                missing_flag,
                edges,
                ..
            } => {
                let x = match values {
                    ColumnValues::Number(v) => v[row],
                    other => label_of(other, row)
                        .and_then(|l| l.trim().parse().ok())
                        .unwrap_or(f64::NAN),
                };
                let flag = 1 + usize::from(linear.is_some());
                if x.is_nan() {
                    out[0] = 0.0;
                    if *missing_flag {
                        out[flag] = 1.0;
                    }
                } else {
                    if let Some((c, s)) = linear {
                        out[1] = ((x - c) / s).clamp(-CLIP, CLIP) as f32;
                    }
                    let x = if *log { x.max(0.0).ln_1p() } else { x };
                    out[0] = ((x - center) / scale).clamp(-CLIP, CLIP) as f32;
                    let first = flag + usize::from(*missing_flag);
                    for (j, pair) in edges.windows(2).enumerate() {
                        out[first + j] =
                            ((x - pair[0]) / (pair[1] - pair[0])).clamp(0.0, 1.0) as f32;
                    }
                }
            }
            Self::Category { levels, .. } => {
                let slot = match label_of(values, row) {
                    None => levels.len() + 1,
                    Some(label) => levels
                        .iter()
                        .position(|l| *l == label)
                        .unwrap_or(levels.len()),
                };
                out[slot] = 1.0;
            }
            Self::Boolean { positive, .. } => match label_of(values, row) {
                Some(label) => out[0] = f32::from(u8::from(positive.contains(&label))),
                None => out[1] = 1.0,
            },
            Self::Date { center, scale, .. } => {
                let ColumnValues::Datetime(v) = values else {
                    return;
                };
                let Some(secs) = v[row] else {
                    out[5] = 1.0;
                    return;
                };
                out[0] = ((year_of(secs) - center) / scale).clamp(-CLIP, CLIP) as f32;
                if let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) {
                    use chrono::Datelike;
                    let month = std::f64::consts::TAU * f64::from(dt.month0()) / 12.0;
                    let weekday = std::f64::consts::TAU
                        * f64::from(dt.weekday().num_days_from_monday())
                        / 7.0;
                    out[1] = month.sin() as f32;
                    out[2] = month.cos() as f32;
                    out[3] = weekday.sin() as f32;
                    out[4] = weekday.cos() as f32;
                }
            }
        }
    }

    /// Whether `values` can be read by this encoder.
    fn accepts(&self, values: &ColumnValues) -> bool {
        match (self, values) {
            (Self::Date { .. }, ColumnValues::Datetime(_)) => true,
            (Self::Date { .. }, _) => false,
            (Self::Number { .. }, ColumnValues::Datetime(_)) => false,
            _ => true,
        }
    }
}

/// How much detail the encoders give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncoderStyle {
    /// For networks: numbers come with a was-missing flag and piecewise-linear
    /// pieces a network can bend its response with.
    #[default]
    Network,
    /// For distances (clustering): one scaled number per number column (a
    /// missing value sits at the middle), one-hot labels. Extra pieces would
    /// count a number several times over in a distance.
    Compact,
    /// For networks learning rewards: as [`EncoderStyle::Network`], with at
    /// most `REWARD_PIECES` pieces per number.
    Rewards,
}

impl EncoderStyle {
    /// Whether a network reads the encoding (and so gets missing flags and
    /// the raw scale of skewed numbers).
    fn for_network(self) -> bool {
        matches!(self, Self::Network | Self::Rewards)
    }
}

/// All the encoders of a model, in input order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preprocessor {
    /// One per input column.
    pub encoders: Vec<Encoder>,
}

impl Preprocessor {
    /// Fits encoders for `inputs` on the `train` rows of `table`.
    pub fn fit(table: &Table, inputs: &[String], train: &[usize]) -> Result<Self> {
        Self::fit_with(table, inputs, train, EncoderStyle::Network)
    }

    /// Fits encoders of the given style.
    pub fn fit_with(
        table: &Table,
        inputs: &[String],
        train: &[usize],
        style: EncoderStyle,
    ) -> Result<Self> {
        let most_pieces = most_pieces(table, inputs, train.len(), style);
        let encoders = inputs
            .iter()
            .map(|name| Encoder::fit(table, name, train, style, most_pieces))
            .collect::<Result<_>>()?;
        Ok(Self { encoders })
    }

    /// Numbers per row.
    pub fn width(&self) -> usize {
        self.encoders.iter().map(Encoder::width).sum()
    }

    /// Where each encoder's numbers sit in an encoded row, in encoder order.
    pub fn spans(&self) -> Vec<std::ops::Range<usize>> {
        let mut start = 0;
        self.encoders
            .iter()
            .map(|encoder| {
                start += encoder.width();
                start - encoder.width()..start
            })
            .collect()
    }

    /// Positions of the plain inputs in a row — every number except the
    /// piecewise-linear pieces, which only a network can make use of: what
    /// the simple (linear) model reads.
    pub fn plain_columns(&self) -> Vec<usize> {
        let mut plain = Vec::new();
        let mut offset = 0;
        for encoder in &self.encoders {
            let kept = match encoder {
                Encoder::Number {
                    linear,
                    missing_flag,
                    ..
                } => 1 + usize::from(linear.is_some()) + usize::from(*missing_flag),
                other => other.width(),
            };
            plain.extend(offset..offset + kept);
            offset += encoder.width();
        }
        plain
    }

    /// Checks that `table` has every input column in a readable form, naming
    /// the first one that is missing or changed.
    pub fn check(&self, table: &Table) -> Result<()> {
        for encoder in &self.encoders {
            let column = table
                .column(encoder.column())
                .ok_or_else(|| missing_column(table, encoder.column()))?;
            if !encoder.accepts(&column.values) {
                return Err(ClearboxError::BadRequest(format!(
                    "Column '{}' in '{}' no longer holds the kind of values the model was trained on. \
                     Check the file is the same kind of export.",
                    encoder.column(),
                    table.name
                )));
            }
        }
        Ok(())
    }

    /// The rows of `table` as a row-major matrix of `rows.len() × width` numbers.
    pub fn transform(&self, table: &Table, rows: &[usize]) -> Result<Vec<f32>> {
        self.check(table)?;
        let width = self.width();
        let mut out = vec![0f32; rows.len() * width];
        let mut offset = 0;
        for encoder in &self.encoders {
            let values = table
                .column(encoder.column())
                .map(|c| c.values.clone())
                .ok_or_else(|| missing_column(table, encoder.column()))?;
            let w = encoder.width();
            for (i, &row) in rows.iter().enumerate() {
                encoder.encode(
                    &values,
                    row,
                    &mut out[i * width + offset..i * width + offset + w],
                );
            }
            offset += w;
        }
        Ok(out)
    }
}

fn missing_column(table: &Table, name: &str) -> ClearboxError {
    ClearboxError::BadRequest(format!(
        "'{}' has no column called '{name}', which the model needs. Its columns are: {}.",
        table.name,
        table.column_list()
    ))
}

/// Edges of the piecewise-linear encoding: training quantiles, so each piece
/// holds about as many rows. When one value holds many rows (amounts that
/// are mostly zero), its quantiles coincide and collapse; the freed pieces
/// then go to the quantiles of the other values, where the signal usually
/// is (a capital gain of 7 000 is not one of 500).
fn piece_edges(sorted: &[f64], most: usize) -> Vec<f64> {
    let quantiles = |values: &[f64], pieces: usize| -> Vec<f64> {
        (0..=pieces)
            .map(|i| quantile_sorted(values, i as f64 / pieces as f64))
            .collect()
    };
    if sorted.is_empty() {
        return Vec::new();
    }
    // The fewest pieces unless `most` is fewer still (a wide table).
    let pieces = (sorted.len() / ROWS_PER_PIECE)
        .max(*PIECES.start())
        .min(most);
    let mut edges = quantiles(sorted, pieces);
    edges.dedup();
    let spare = pieces + 1 - edges.len();
    if spare > 1 {
        let rest: Vec<f64> = sorted
            .iter()
            .copied()
            .filter(|x| edges.binary_search_by(|e| e.total_cmp(x)).is_err())
            .collect();
        if rest.len() >= MIN_PIECE_ROWS * 2 {
            let pieces = spare.min(rest.len() / MIN_PIECE_ROWS);
            edges.extend(quantiles(&rest, pieces));
            edges.sort_by(f64::total_cmp);
            edges.dedup();
        }
    }
    if edges.len() < 3 {
        edges.clear(); // a handful of values: the scaled number says it all
    }
    edges
}

/// Median and the spread of the middle half (as a standard deviation); never zero.
fn robust_scale(sorted: &[f64]) -> (f64, f64) {
    if sorted.is_empty() {
        return (0.0, 1.0);
    }
    let center = quantile_sorted(sorted, 0.5);
    let iqr = (quantile_sorted(sorted, 0.75) - quantile_sorted(sorted, 0.25)) / 1.349;
    let scale = if iqr > 1e-12 {
        iqr
    } else {
        let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
        let sd =
            (sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / sorted.len() as f64).sqrt();
        if sd > 1e-12 { sd } else { 1.0 }
    };
    (center, scale)
}

fn year_of(secs: i64) -> f64 {
    1970.0 + secs as f64 / (365.2425 * 86_400.0)
}

/// The label on `row` as text, `None` when missing (or a missing token).
pub(crate) fn label_of(values: &ColumnValues, row: usize) -> Option<String> {
    match values {
        ColumnValues::Text(t) => t
            .get(row)
            .map(str::trim)
            .filter(|l| !is_missing_token(l))
            .map(str::to_owned),
        other if other.is_missing(row) => None,
        other => Some(other.display(row).into_owned()),
    }
}

/// Which labels of a yes/no column count as "yes".
fn positive_labels(values: &ColumnValues) -> Vec<String> {
    const YES: &[&str] = &["1", "yes", "y", "true", "t"];
    let labels: Vec<String> = match values {
        ColumnValues::Text(t) => t.levels.iter().map(|l| l.trim().to_owned()).collect(),
        ColumnValues::Number(_) => vec!["1".into()],
        ColumnValues::Datetime(_) => Vec::new(),
    };
    labels
        .into_iter()
        .filter(|l| YES.contains(&l.to_ascii_lowercase().as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataSource, load};
    use crate::jobs::Progress;

    #[test]
    fn fitted_on_training_rows_only() {
        let table = load(
            &DataSource::Sample(crate::samples::find("titanic").expect("sample")),
            &Progress::silent(),
        )
        .expect("loads");
        let inputs = vec!["Age".to_string(), "Sex".to_string(), "Embarked".to_string()];
        let train: Vec<usize> = (0..600).collect();
        let fitted = Preprocessor::fit(&table, &inputs, &train).expect("fits");
        // A change to a row outside the training rows does not change the fit.
        let mut changed = table.clone();
        if let Some(age) = changed.columns.iter_mut().find(|c| c.name == "Age") {
            let mut v = match age.values.as_ref() {
                ColumnValues::Number(v) => v.clone(),
                _ => unreachable!(),
            };
            v[1000] = 1e9;
            age.values = std::sync::Arc::new(ColumnValues::Number(v));
        }
        assert_eq!(
            Preprocessor::fit(&changed, &inputs, &train).expect("fits"),
            fitted
        );
        let x = fitted.transform(&table, &[0, 5]).expect("transforms");
        assert_eq!(x.len(), 2 * fitted.width());
        // Row 5 has no age: value 0 and the missing flag set.
        assert_eq!((x[fitted.width()], x[fitted.width() + 1]), (0.0, 1.0));
        let unseen = table.clone();
        let mut without = unseen;
        without.columns.retain(|c| c.name != "Sex");
        let err = fitted.transform(&without, &[0]).unwrap_err();
        assert!(err.to_string().contains("'Sex'"), "{err}");
    }

    #[test]
    fn mostly_zero_amounts_get_pieces_among_the_other_values() {
        // 90% zeros, then gains spread from 1 000 to 100 000: plain quantiles
        // collapse to a single piece; the spare pieces go to the non-zero gains.
        let mut values: Vec<f64> = vec![0.0; 900];
        values.extend((0..100).map(|i| 1_000.0 + 990.0 * f64::from(i)));
        values.sort_by(f64::total_cmp);
        let edges = piece_edges(&values, *PIECES.end());
        assert_eq!(edges.first(), Some(&0.0));
        let above_zero = edges.iter().filter(|&&e| e > 0.0).count();
        assert!(above_zero >= 4, "edges {edges:?}");
        assert!(edges.windows(2).all(|w| w[0] < w[1]), "edges {edges:?}");
        // A column with one value needs no pieces at all.
        assert!(piece_edges(&[3.0; 500], *PIECES.end()).is_empty());
        assert!(
            piece_edges(&[], *PIECES.end()).is_empty(),
            "a column missing on every training row"
        );
    }

    #[test]
    fn larger_columns_bend_more_finely() {
        // Distinct values, so every quantile is an edge of its own: the
        // pieces are the edges less one.
        let pieces_up_to = |n: usize, most: usize| {
            let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
            piece_edges(&values, most).len() - 1
        };
        let pieces = |n: usize| pieces_up_to(n, *PIECES.end());
        assert_eq!(pieces(1_000), 16, "a small column keeps the fewest pieces");
        assert_eq!(pieces(6_400), 16);
        assert_eq!(pieces(16_000), 40, "one piece per 400 known values");
        assert_eq!(pieces(40_000), 64, "a large column gets the most pieces");
        assert_eq!(pieces(400_000), 64);
        // Reward networks stop at 16 pieces however long the log.
        assert_eq!(pieces_up_to(400_000, REWARD_PIECES), 16);
    }

    #[test]
    fn reward_encodings_keep_a_numbers_flags_but_fewer_pieces() {
        let values: Vec<f64> = (0..40_000)
            .map(|i| if i % 10 == 0 { f64::NAN } else { f64::from(i) })
            .collect();
        let table = crate::data::Table {
            name: "log".into(),
            origin: crate::data::TableOrigin::Sample("log".into()),
            columns: vec![crate::data::infer::column(
                "visits".into(),
                ColumnValues::Number(values),
            )],
            rows: 40_000,
            notices: Vec::new(),
            fingerprint: String::new(),
            summarised: None,
        };
        let rows: Vec<usize> = (0..40_000).collect();
        let width = |style| {
            Preprocessor::fit_with(&table, &["visits".to_owned()], &rows, style)
                .expect("encodes")
                .width()
        };
        // The scaled number, its missing flag and 64 or 16 pieces.
        assert_eq!(width(EncoderStyle::Network), 2 + 64);
        assert_eq!(width(EncoderStyle::Rewards), 2 + 16);
        assert_eq!(width(EncoderStyle::Compact), 1);
    }

    #[test]
    fn a_wide_table_with_few_rows_shares_its_pieces_out() {
        // 50 numbers on 400 rows: 16 pieces each would make 800 inputs of
        // pieces for 400 rows; the budget (400 rows) gives each 8.
        let rows = 400;
        let columns: Vec<crate::data::Column> = (0..50)
            .map(|c| {
                let values = (0..rows).map(|r| ((r * 7 + c * 13) % 397) as f64).collect();
                crate::data::infer::column(format!("x{c}"), ColumnValues::Number(values))
            })
            .collect();
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let table = crate::data::Table {
            name: "wide".into(),
            origin: crate::data::TableOrigin::Sample("wide".into()),
            columns,
            rows,
            notices: Vec::new(),
            fingerprint: String::new(),
            summarised: None,
        };
        let train: Vec<usize> = (0..rows).collect();
        let wide = Preprocessor::fit(&table, &names, &train).expect("encodes");
        // Each number: its scaled value and 8 pieces (no missing flag).
        assert_eq!(wide.width(), 50 * (1 + 8));
        // Two of the same numbers keep the fewest pieces, 16 each.
        let narrow = Preprocessor::fit(&table, &names[..2], &train).expect("encodes");
        assert_eq!(narrow.width(), 2 * (1 + 16));
    }
}
