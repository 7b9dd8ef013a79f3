//! Reading delimited text files: sniff the dialect, check every record has
//! the right number of values (`records.rs`), then let polars parse the
//! file in chunks so that progress can be shown and the load can be
//! cancelled between chunks, and code each column's text.

use std::io::Cursor;
use std::sync::Arc;

use polars::prelude::{
    CsvParseOptions, CsvReadOptions, DataType, Field, PlSmallStr, Schema, SerReader,
};
use rayon::prelude::*;

use super::records::scan_records;
use super::sniff::{self, Dialect, QUOTE};
use super::table::TextValues;
use super::text_builder::TextBuilder;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// A delimited file read as text, before types are inferred.
#[derive(Debug)]
pub struct RawTable {
    /// Column names as written in the header (or generated), not yet cleaned.
    pub names: Vec<String>,
    /// The text of each column.
    pub columns: Vec<TextValues>,
    /// How the file was written.
    pub dialect: Dialect,
}

/// Reads a delimited text file held in memory. `file` names it in messages.
/// Progress goes from `0.0` to `1.0` of this step.
pub fn read_delimited(file: &str, bytes: &[u8], progress: &Progress) -> Result<RawTable> {
    if sniff::looks_binary(bytes) {
        return Err(ClearboxError::NotATable { file: file.into() });
    }
    let (text, encoding) = sniff::decode(bytes);
    let text: &[u8] = &text;
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ClearboxError::EmptyFile { file: file.into() });
    }
    let sample = sniff::first_records(&text[..text.len().min(256 * 1024)], 50);
    let delimiter = sniff::sniff_delimiter(&sample);
    let has_header = sniff::sniff_header(&sample, delimiter);
    let dialect = Dialect {
        delimiter,
        has_header,
        encoding,
    };

    let first = sample.first().copied().unwrap_or_default();
    let first_fields = sniff::split_record(first, delimiter);
    let expected = first_fields.len();
    let names = if has_header {
        first_fields
    } else {
        (1..=expected).map(|i| format!("column_{i}")).collect()
    };
    let data_start = if has_header { header_end(text) } else { 0 };

    let scan = scan_records(
        file,
        &text[data_start..],
        delimiter,
        expected,
        has_header,
        progress,
    )?;
    if scan.records == 0 {
        return Err(ClearboxError::HeaderOnly { file: file.into() });
    }

    let schema: Schema = (0..expected)
        .map(|i| Field::new(PlSmallStr::from(format!("c{i}")), DataType::String))
        .collect();
    let schema = Arc::new(schema);
    let mut builders: Vec<TextBuilder> = (0..expected)
        .map(|_| TextBuilder::with_capacity(scan.records))
        .collect();
    let data = &text[data_start..];
    let total = data.len().max(1) as f32;
    for chunk in &scan.chunks {
        progress.check_cancelled()?;
        progress.report(0.3 + 0.7 * chunk.start as f32 / total, "Reading rows");
        let frame = CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(schema.clone()))
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(delimiter)
                    .with_quote_char(Some(QUOTE))
                    .with_truncate_ragged_lines(true)
                    .with_missing_is_null(true),
            )
            .into_reader_with_file_handle(Cursor::new(&data[chunk.clone()]))
            .finish()
            .map_err(|e| ClearboxError::Unreadable {
                file: file.into(),
                detail: format!("the text could not be split into values: {e}"),
            })?;
        let columns = frame
            .columns()
            .iter()
            .map(|column| column.str())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| ClearboxError::Internal {
                activity: "reading the file".into(),
                detail: e.to_string(),
            })?;
        // Blank lines come back from polars as rows with no values: drop them,
        // as the record scan did (a column with no missing value says there
        // are none). The values are read where polars holds them, never
        // copied out per column.
        let mut keep = vec![true; frame.height()];
        if columns.iter().all(|strings| strings.null_count() > 0) {
            keep.fill(false);
            for strings in &columns {
                for (kept, value) in keep.iter_mut().zip(strings.iter()) {
                    *kept |= value.is_some();
                }
            }
        }
        // Columns are coded side by side: on a 277 677-row census file of
        // 22 columns, coding them one after another was a third of the load.
        builders
            .par_iter_mut()
            .zip(columns.par_iter())
            .for_each(|(builder, strings)| {
                for (value, _) in strings.iter().zip(&keep).filter(|(_, k)| **k) {
                    builder.push(value);
                }
            });
    }
    Ok(RawTable {
        names,
        columns: builders.into_iter().map(TextBuilder::finish).collect(),
        dialect,
    })
}

/// Byte offset just after the header record (quote-aware).
fn header_end(text: &[u8]) -> usize {
    let mut in_quotes = false;
    for (i, &b) in text.iter().enumerate() {
        if b == QUOTE {
            in_quotes = !in_quotes;
        } else if b == b'\n' && !in_quotes {
            // Skip blank lines before the header.
            if text[..i].iter().any(|c| !c.is_ascii_whitespace()) {
                return i + 1;
            }
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<RawTable> {
        read_delimited("test.csv", text.as_bytes(), &Progress::silent())
    }

    #[test]
    fn reads_quoted_values_with_embedded_breaks() {
        let raw = read("id,note\n1,\"two\nlines\"\n2,\"say \"\"hi\"\"\"\n").expect("reads");
        assert_eq!(raw.names, vec!["id", "note"]);
        assert_eq!(raw.columns[1].get(0), Some("two\nlines"));
        assert_eq!(raw.columns[1].get(1), Some("say \"hi\""));
    }

    #[test]
    fn ragged_rows_name_the_line() {
        match read("a,b,c\n1,2,3\n4,5\n6,7,8,9\n") {
            Err(ClearboxError::RaggedRows {
                line,
                found,
                expected,
                others,
                ..
            }) => {
                assert_eq!((line, found, expected), (3, 2, 3));
                assert!(others.contains("1 more"));
            }
            other => panic!("expected ragged rows, got {other:?}"),
        }
    }

    #[test]
    fn trailing_empty_values_are_tolerated() {
        let raw = read("a,b\n1,2,\n3,4,\n").expect("reads");
        assert_eq!(raw.columns.len(), 2);
        assert_eq!(raw.columns[1].get(1), Some("4"));
    }

    #[test]
    fn header_only_and_empty_are_errors() {
        assert!(matches!(
            read("a,b,c\n"),
            Err(ClearboxError::HeaderOnly { .. })
        ));
        assert!(matches!(read("\n\n"), Err(ClearboxError::EmptyFile { .. })));
    }

    #[test]
    fn blank_lines_are_skipped() {
        let raw = read("a,b\n1,2\n\n3,4\n").expect("reads");
        assert_eq!(raw.columns[0].codes.len(), 2);
    }

    #[test]
    fn semicolons_and_missing_values() {
        let raw = read("x;y\n1,5;\n2,5;b\n").expect("reads");
        assert_eq!(raw.dialect.delimiter, b';');
        assert_eq!(raw.columns[1].get(0), None);
        assert_eq!(raw.columns[0].get(1), Some("2,5"));
    }
}
