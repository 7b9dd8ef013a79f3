//! Writing a table (plus extra columns) to CSV or Parquet, chosen by the
//! output file's extension, through a temporary file so a failed write never
//! leaves half a file behind.

use std::path::Path;

use polars::prelude::{
    Column as PlColumn, CsvWriter, DataFrame, NamedFrom, ParquetWriter, SerWriter, Series,
};

use super::{ColumnValues, Table};
use crate::error::{ClearboxError, Result};

/// An extra column to write after the table's own.
pub enum ExtraColumn {
    /// Numbers (NaN written as empty).
    Numbers(String, Vec<f64>),
    /// Text.
    Text(String, Vec<String>),
    /// Whole numbers (group numbers, counts), written without a decimal point.
    Whole(String, Vec<i64>),
}

/// Writes `table` and `extra` to `path` (`.parquet`/`.pq` for Parquet, anything else CSV).
pub fn write_table(table: &Table, extra: Vec<ExtraColumn>, path: &Path) -> Result<()> {
    let failed = |detail: String| ClearboxError::SaveFailed {
        path: path.display().to_string(),
        detail,
    };
    let mut columns: Vec<PlColumn> = Vec::with_capacity(table.columns.len() + extra.len());
    for column in &table.columns {
        let name = column.name.as_str().into();
        let series = match column.values.as_ref() {
            ColumnValues::Number(v) => Series::new(
                name,
                v.iter()
                    .map(|x| (!x.is_nan()).then_some(*x))
                    .collect::<Vec<Option<f64>>>(),
            ),
            ColumnValues::Text(t) => Series::new(
                name,
                (0..t.codes.len())
                    .map(|i| t.get(i))
                    .collect::<Vec<Option<&str>>>(),
            ),
            ColumnValues::Datetime(_) => Series::new(
                name,
                (0..table.rows)
                    .map(|i| {
                        (!column.values.is_missing(i))
                            .then(|| column.values.display(i).into_owned())
                    })
                    .collect::<Vec<Option<String>>>(),
            ),
        };
        columns.push(series.into());
    }
    for column in extra {
        let series = match column {
            ExtraColumn::Numbers(name, v) => Series::new(
                name.as_str().into(),
                v.iter()
                    .map(|x| (!x.is_nan()).then_some(*x))
                    .collect::<Vec<Option<f64>>>(),
            ),
            ExtraColumn::Text(name, v) => Series::new(name.as_str().into(), v),
            ExtraColumn::Whole(name, v) => Series::new(name.as_str().into(), v),
        };
        columns.push(series.into());
    }
    let mut frame = DataFrame::new_infer_height(columns).map_err(|e| failed(e.to_string()))?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"));
    let written = (|| -> std::result::Result<(), String> {
        let mut file = std::fs::File::create(&temp).map_err(|e| e.to_string())?;
        if parquet {
            ParquetWriter::new(&mut file)
                .finish(&mut frame)
                .map_err(|e| e.to_string())?;
        } else {
            CsvWriter::new(&mut file)
                .finish(&mut frame)
                .map_err(|e| e.to_string())?;
        }
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&temp, path).map_err(|e| e.to_string())
    })();
    if let Err(detail) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(failed(detail));
    }
    Ok(())
}
