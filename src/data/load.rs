//! Opening a file or a bundled sample and turning it into a [`Table`].

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::csv::read_delimited;
use super::infer::{self, Inferred};
use super::parquet::{is_parquet, read_parquet};
use super::table::{Column, ColumnValues, Table, TableOrigin};
use super::written::DecimalMark;
use crate::error::{ClearboxError, Result, display_name};
use crate::jobs::Progress;
use crate::samples::Sample;

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource {
    /// A file on disk.
    File(PathBuf),
    /// A sample bundled with Clearbox.
    Sample(&'static Sample),
    /// A table made in the app (the workshop simulator's logs), by its name:
    /// there is nothing on disk to read again.
    Generated(String),
}

impl DataSource {
    /// The short name shown to users.
    pub fn label(&self) -> String {
        match self {
            Self::File(path) => display_name(path),
            Self::Sample(sample) => sample.title.to_owned(),
            Self::Generated(name) => name.clone(),
        }
    }
}

/// The fingerprint every record keeps of a table's bytes: the first 16 hex
/// digits of their blake3 hash.
pub fn fingerprint(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..16].to_owned()
}

/// The fingerprint of `source` as it is now, read without parsing it, so a
/// changed file is noticed before anything else is said about it.
pub fn fingerprint_of(source: &DataSource) -> Result<String> {
    match source {
        DataSource::File(path) => std::fs::read(path)
            .map(|bytes| fingerprint(&bytes))
            .map_err(|e| ClearboxError::from_io(path, &e)),
        DataSource::Sample(sample) => Ok(fingerprint(sample.bytes)),
        DataSource::Generated(name) => Err(not_on_disk(name)),
    }
}

/// A table made in the app cannot be read again.
fn not_on_disk(name: &str) -> ClearboxError {
    ClearboxError::BadRequest(format!(
        "'{name}' was made in the app and is not kept on disk, so it cannot be read again. \
         Generate it again."
    ))
}

/// Share of the progress bar spent reading bytes off the disk.
const READ_SHARE: f32 = 0.15;

/// Loads a table. Runs for seconds on big files: call it from a worker.
pub fn load(source: &DataSource, progress: &Progress) -> Result<Table> {
    let label = source.label();
    let (bytes, origin, is_pq) = match source {
        DataSource::File(path) => {
            let bytes = read_file(path, progress)?;
            let by_name = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"));
            let is_pq = is_parquet(&bytes) || (by_name && !bytes.is_empty());
            (
                std::borrow::Cow::Owned(bytes),
                TableOrigin::File(path.clone()),
                is_pq,
            )
        }
        DataSource::Sample(sample) => (
            std::borrow::Cow::Borrowed(sample.bytes),
            TableOrigin::Sample(sample.id.to_owned()),
            false,
        ),
        DataSource::Generated(name) => return Err(not_on_disk(name)),
    };
    if bytes.is_empty() {
        return Err(ClearboxError::EmptyFile { file: label });
    }
    let fingerprint = fingerprint(&bytes);
    let rest = progress.scaled(READ_SHARE, 0.85 - READ_SHARE);
    let mut reader_notices = Vec::new();
    let (names, columns): (Vec<String>, Vec<Inferred>) = if is_pq {
        let parquet = read_parquet(&label, &bytes, &rest)?;
        reader_notices = parquet.notices;
        let inferred = parquet.values.into_iter().map(Inferred::plain).collect();
        (parquet.names, inferred)
    } else {
        let raw = read_delimited(&label, &bytes, &rest)?;
        progress.report(0.85, "Recognising column types");
        let mark = DecimalMark::likely_for(raw.dialect.delimiter);
        // Side by side: each column's type is its own.
        let inferred = raw
            .columns
            .into_par_iter()
            .map(|text| {
                progress.check_cancelled()?;
                Ok(infer::infer_values(text, mark))
            })
            .collect::<Result<Vec<_>>>()?;
        (raw.names, inferred)
    };
    let rows = columns.first().map_or(0, |c| c.values.len());
    if rows == 0 {
        return Err(ClearboxError::HeaderOnly { file: label });
    }
    let (names, mut notices) = clean_names(names);
    notices.extend(reader_notices);
    if is_pq {
        notices.extend(text_columns_that_are_numbers(&names, &columns));
    }
    notices.extend(amounts_read_as_numbers(&names, &columns));
    // Each column's role is its own (a census file's 22 columns took 40 ms
    // one after another).
    let columns: Vec<Column> = names
        .into_par_iter()
        .zip(columns)
        .map(|(name, inferred)| infer::column_with_notes(name, inferred))
        .collect();
    progress.report(1.0, "Done");
    Ok(Table {
        name: label,
        origin,
        columns,
        rows,
        notices,
        fingerprint,
        summarised: None,
    })
}

/// Reads a whole file, reporting progress, and notices if it shrinks or fails mid-way.
fn read_file(path: &Path, progress: &Progress) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| ClearboxError::from_io(path, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| ClearboxError::from_io(path, &e))?;
    if meta.is_dir() {
        return Err(ClearboxError::Unreadable {
            file: display_name(path),
            detail: "it is a folder, not a file".into(),
        });
    }
    read_all(path, file, meta.len(), progress)
}

/// Reads `reader` to the end in pieces. `expected` is the size the file had
/// when opened: ending short of it means the file changed underneath us.
pub fn read_all(
    path: &Path,
    mut reader: impl Read,
    expected: u64,
    progress: &Progress,
) -> Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    let mut buffer = vec![0u8; 4 * 1024 * 1024];
    loop {
        progress.check_cancelled()?;
        let read = reader
            .read(&mut buffer)
            .map_err(|e| ClearboxError::ChangedDuringLoad {
                file: display_name(path),
                detail: e.to_string(),
            })?;
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..read]);
        progress.report(
            READ_SHARE * bytes.len() as f32 / expected.max(1) as f32,
            "Reading the file",
        );
    }
    if (bytes.len() as u64) < expected {
        return Err(ClearboxError::ChangedDuringLoad {
            file: display_name(path),
            detail: format!("read {} of {expected} bytes", bytes.len()),
        });
    }
    Ok(bytes)
}

/// Makes every column name non-empty and unique, saying what was changed.
fn clean_names(names: Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut notices = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(names.len());
    let mut unnamed = Vec::new();
    let mut renamed = Vec::new();
    for (i, raw) in names.into_iter().enumerate() {
        let trimmed = raw.trim().to_owned();
        let base = if trimmed.is_empty() {
            unnamed.push(i + 1);
            format!("column_{}", i + 1)
        } else {
            trimmed
        };
        let mut name = base.clone();
        let mut n = 2;
        while !seen.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        if name != base {
            renamed.push(format!("'{base}' → '{name}'"));
        }
        out.push(name);
    }
    if !unnamed.is_empty() {
        let names: Vec<String> = unnamed
            .iter()
            .take(5)
            .map(|i| format!("column_{i}"))
            .collect();
        notices.push(if unnamed.len() == 1 {
            format!("1 column had no name; it is now called {}.", names[0])
        } else {
            format!(
                "{} columns had no name; they are now called {}.",
                unnamed.len(),
                names.join(", ")
            )
        });
    }
    if !renamed.is_empty() {
        notices.push(format!(
            "Some column names appeared twice, so the repeats were renamed: {}.",
            renamed
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    (out, notices)
}

/// Parquet text columns that hold numbers (a common export mistake) are kept
/// as text, but the user is told.
/// One note per column whose numbers were read by setting signs or
/// separators aside, with an example, so a misreading can be caught.
fn amounts_read_as_numbers(names: &[String], columns: &[Inferred]) -> Vec<String> {
    names
        .iter()
        .zip(columns)
        .filter_map(|(name, c)| {
            let written = c.written.as_ref()?;
            Some(format!(
                "'{name}' was read as numbers, setting aside {} ('{}' reads as {}).",
                written.set_aside.words(),
                written.example,
                written.value
            ))
        })
        .collect()
}

fn text_columns_that_are_numbers(names: &[String], columns: &[Inferred]) -> Vec<String> {
    names
        .iter()
        .zip(columns)
        .filter_map(|(name, c)| match &c.values {
            ColumnValues::Text(t)
                if !t.levels.is_empty()
                    && t.levels.iter().take(100).all(|l| infer::parse_number(l).is_some()) =>
            {
                Some(format!("Column '{name}' holds numbers stored as text; change its role to Number if it is a quantity."))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FailsHalfway(usize);

    impl Read for FailsHalfway {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "gone"));
            }
            self.0 -= 1;
            buf[0] = b'a';
            Ok(1)
        }
    }

    #[test]
    fn a_file_that_disappears_mid_load_is_reported() {
        let path = Path::new("/data/vanishing.csv");
        let err = read_all(path, FailsHalfway(3), 10, &Progress::silent()).unwrap_err();
        assert!(matches!(err, ClearboxError::ChangedDuringLoad { .. }));
        assert!(err.to_string().contains("vanishing.csv"));
        let short = read_all(path, &b"abc"[..], 10, &Progress::silent()).unwrap_err();
        assert!(matches!(short, ClearboxError::ChangedDuringLoad { .. }));
    }

    #[test]
    fn names_are_made_unique_and_non_empty() {
        let (names, notices) = clean_names(vec!["".into(), "a".into(), "a".into(), " b ".into()]);
        assert_eq!(names, vec!["column_1", "a", "a_2", "b"]);
        assert_eq!(notices.len(), 2);
    }

    #[test]
    fn permission_errors_are_worded_for_people() {
        let err = ClearboxError::from_io(
            Path::new("/x/secret.csv"),
            &std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert!(
            err.to_string()
                .starts_with("Clearbox is not allowed to read 'secret.csv'")
        );
    }
}
