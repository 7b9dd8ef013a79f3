//! Reading Parquet files through polars, a few row groups at a time so that
//! progress can be shown and the load can be cancelled.

use std::io::Cursor;

use polars::prelude::{Column as PlColumn, DataType, ParquetReader, SerReader, TimeUnit};

use super::table::ColumnValues;
use super::text_builder::TextBuilder;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// A Parquet file's columns, typed.
pub struct ParquetColumns {
    /// Names as stored in the file.
    pub names: Vec<String>,
    /// Values per column.
    pub values: Vec<ColumnValues>,
    /// What the user should know about columns that could not be read.
    pub notices: Vec<String>,
}

/// Rows decoded per step; steps follow row-group boundaries.
const ROWS_PER_STEP: usize = 250_000;

/// Reads a Parquet file held in memory.
pub fn read_parquet(file: &str, bytes: &[u8], progress: &Progress) -> Result<ParquetColumns> {
    let bad = |e: polars::prelude::PolarsError| ClearboxError::BadParquet {
        file: file.into(),
        detail: e.to_string(),
    };
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let group_rows: Vec<usize> = reader
        .get_metadata()
        .map_err(bad)?
        .row_groups
        .iter()
        .map(|g| g.num_rows())
        .collect();
    let total: usize = group_rows.iter().sum();

    // Cut the file into slices that end on row-group boundaries.
    let mut slices = Vec::new();
    let (mut start, mut len) = (0usize, 0usize);
    for rows in group_rows {
        len += rows;
        if len >= ROWS_PER_STEP {
            slices.push((start, len));
            start += len;
            len = 0;
        }
    }
    if len > 0 || slices.is_empty() {
        slices.push((start, len));
    }

    let mut names = Vec::new();
    let mut notices = Vec::new();
    let mut builders: Vec<Builder> = Vec::new();
    for (offset, len) in slices {
        progress.check_cancelled()?;
        progress.report(offset as f32 / total.max(1) as f32, "Reading rows");
        let frame = ParquetReader::new(Cursor::new(bytes))
            .with_slice(Some((offset, len)))
            .finish()
            .map_err(bad)?;
        if builders.is_empty() {
            names = frame
                .columns()
                .iter()
                .map(|c| c.name().to_string())
                .collect();
            builders = frame
                .columns()
                .iter()
                .map(|c| Builder::for_dtype(c.dtype(), total))
                .collect();
            for (name, builder) in names.iter().zip(&builders) {
                if matches!(builder, Builder::Unsupported(_)) {
                    notices.push(format!(
                        "Column '{name}' holds lists or binary data, which Clearbox cannot show; it is left empty."
                    ));
                }
            }
        }
        for (builder, column) in builders.iter_mut().zip(frame.columns()) {
            builder.extend(column).map_err(bad)?;
        }
    }
    Ok(ParquetColumns {
        names,
        values: builders.into_iter().map(Builder::finish).collect(),
        notices,
    })
}

/// Collects one column's values across slices, in the shape its type asks for.
enum Builder {
    Number(Vec<f64>),
    Datetime(Vec<Option<i64>>, DateKind),
    Text(TextBuilder),
    /// A nested or binary column: kept as an empty column so positions stay right.
    Unsupported(usize),
}

/// How a polars date-like type counts time.
#[derive(Clone, Copy)]
enum DateKind {
    Days,
    Units(i64), // units per second
}

impl Builder {
    fn for_dtype(dtype: &DataType, rows: usize) -> Self {
        match dtype {
            DataType::Date => Self::Datetime(Vec::with_capacity(rows), DateKind::Days),
            DataType::Datetime(unit, _) => {
                let per_second = match unit {
                    TimeUnit::Nanoseconds => 1_000_000_000,
                    TimeUnit::Microseconds => 1_000_000,
                    TimeUnit::Milliseconds => 1_000,
                };
                Self::Datetime(Vec::with_capacity(rows), DateKind::Units(per_second))
            }
            d if d.is_primitive_numeric() || d.is_bool() || matches!(d, DataType::Decimal(..)) => {
                Self::Number(Vec::with_capacity(rows))
            }
            DataType::String | DataType::Categorical(..) | DataType::Enum(..) | DataType::Time => {
                Self::Text(TextBuilder::with_capacity(rows))
            }
            // Lists, structs and binary blobs have no place in a flat table.
            _ => Self::Unsupported(rows),
        }
    }

    fn extend(&mut self, column: &PlColumn) -> polars::prelude::PolarsResult<()> {
        match self {
            Self::Number(values) => {
                let cast = column.cast(&DataType::Float64)?;
                values.extend(cast.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)));
            }
            Self::Datetime(values, kind) => {
                let cast = column.cast(&DataType::Int64)?;
                let kind = *kind;
                values.extend(cast.i64()?.iter().map(|v| {
                    v.map(|x| match kind {
                        DateKind::Days => x * 86_400,
                        DateKind::Units(per) => x.div_euclid(per),
                    })
                }));
            }
            Self::Text(builder) => {
                let cast = column.cast(&DataType::String)?;
                for value in cast.str()?.iter() {
                    builder.push(value);
                }
            }
            Self::Unsupported(_) => {}
        }
        Ok(())
    }

    fn finish(self) -> ColumnValues {
        match self {
            Self::Number(v) => ColumnValues::Number(v),
            Self::Datetime(v, _) => ColumnValues::Datetime(v),
            Self::Text(b) => ColumnValues::Text(b.finish()),
            Self::Unsupported(rows) => ColumnValues::Text(crate::data::TextValues {
                codes: vec![crate::data::table::MISSING_CODE; rows],
                levels: Vec::new(),
            }),
        }
    }
}

/// Whether `bytes` start like a Parquet file.
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{DataFrame, NamedFrom, ParquetWriter, Series};

    #[test]
    fn typed_columns_come_through() {
        let mut frame = DataFrame::new_infer_height(vec![
            Series::new("amount".into(), &[1.5f64, 2.0, 3.25]).into(),
            Series::new("count".into(), &[Some(1i32), None, Some(3)]).into(),
            Series::new("plan".into(), &["basic", "", "pro"]).into(),
            Series::new("active".into(), &[true, false, true]).into(),
        ])
        .expect("a frame");
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes)
            .finish(&mut frame)
            .expect("writes parquet");
        assert!(is_parquet(&bytes));
        let read = read_parquet("t.parquet", &bytes, &Progress::silent()).expect("reads");
        assert_eq!(read.names, vec!["amount", "count", "plan", "active"]);
        assert_eq!(read.values[0], ColumnValues::Number(vec![1.5, 2.0, 3.25]));
        match &read.values[1] {
            ColumnValues::Number(v) => assert!(v[1].is_nan() && v[2] == 3.0),
            other => panic!("expected numbers, got {other:?}"),
        }
        match &read.values[2] {
            ColumnValues::Text(t) => {
                assert_eq!(t.get(1), Some(""), "an empty string is a value, not a gap")
            }
            other => panic!("expected text, got {other:?}"),
        }
        assert_eq!(read.values[3], ColumnValues::Number(vec![1.0, 0.0, 1.0]));
    }

    #[test]
    fn a_truncated_file_is_a_plain_error() {
        let err = read_parquet("cut.parquet", b"PAR1 not really", &Progress::silent()).err();
        assert!(matches!(err, Some(ClearboxError::BadParquet { .. })));
    }
}
