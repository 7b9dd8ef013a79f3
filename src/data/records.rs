//! Checking a delimited file's records before it is parsed: each must hold
//! as many values as the header (extra empty values at the end of a line
//! are tolerated), blank lines are not records, and the data is cut into
//! chunks on record boundaries so that parsing can report progress and be
//! cancelled between them.

use std::ops::Range;

use super::sniff::QUOTE;
use crate::error::{ClearboxError, Result};
use crate::jobs::Progress;

/// Bytes per chunk handed to polars at once.
const CHUNK_BYTES: usize = 8 * 1024 * 1024;

/// What the record check found.
#[derive(Debug)]
pub(super) struct RecordScan {
    /// Records (blank lines not counted).
    pub(super) records: usize,
    /// Byte ranges of about [`CHUNK_BYTES`] that end on record boundaries.
    pub(super) chunks: Vec<Range<usize>>,
}

/// Counts records and remembers the first one with the wrong number of values.
struct RecordChecker {
    expected: usize,
    records: usize,
    bad: usize,
    first_bad: Option<(usize, usize)>,
}

impl RecordChecker {
    /// Counts a record of `shape` starting on 1-based file line `line`,
    /// unless it is a blank line.
    fn end_record(&mut self, shape: &RecordShape, line: usize) {
        let RecordShape {
            fields,
            last_filled,
            has_content,
        } = *shape;
        if !has_content {
            return; // blank line
        }
        self.records += 1;
        let ragged =
            fields < self.expected || (fields > self.expected && last_filled > self.expected);
        if ragged {
            self.bad += 1;
            if self.first_bad.is_none() {
                self.first_bad = Some((line, fields));
            }
        }
    }
}

/// The shape of one record.
#[derive(Clone, Copy)]
struct RecordShape {
    /// Values in it.
    fields: usize,
    /// Number (1-based) of its last value with something in it; 0 if none.
    last_filled: usize,
    /// Whether anything but delimiters and spaces is in it (else it is a
    /// blank line).
    has_content: bool,
}

/// The shape of a record on one line with no quote in it, with
/// `expected` values expected: where the count is right, where the last
/// filled value sits does not matter and is not looked for.
fn plain_record(line: &[u8], delimiter: u8, expected: usize) -> RecordShape {
    let fields = 1 + line.iter().filter(|&&b| b == delimiter).count();
    let filled = |value: &[u8]| value.iter().any(|b| !b.is_ascii_whitespace());
    let has_content = line
        .iter()
        .any(|&b| b != delimiter && !b.is_ascii_whitespace());
    let last_filled = if fields > expected && has_content {
        line.split(|&b| b == delimiter)
            .enumerate()
            .filter_map(|(i, value)| filled(value).then_some(i + 1))
            .last()
            .unwrap_or(0)
    } else {
        fields
    };
    RecordShape {
        fields,
        last_filled,
        has_content,
    }
}

/// One record read byte by byte from `start`, where quotes may hold
/// delimiters and line breaks: its shape, where it ends (after its line
/// break, or at the end of `data`) and the line breaks inside its quotes.
fn quoted_record(data: &[u8], start: usize, delimiter: u8) -> (RecordShape, usize, usize) {
    let mut fields = 1usize;
    let mut last_filled = 0usize;
    let mut field_has_content = false;
    let mut has_content = false;
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut breaks = 0usize;
    let mut end = data.len();
    for (i, &b) in data.iter().enumerate().skip(start) {
        if in_quotes {
            if b == QUOTE {
                // A doubled quote is an escaped quote: the next byte reopens.
                in_quotes = false;
            } else if b == b'\n' {
                breaks += 1;
            }
            continue;
        }
        if b == QUOTE {
            // At a field start this opens quoting; elsewhere it is either the
            // second half of an escaped `""` or a stray quote inside a value.
            in_quotes = at_field_start || data.get(i.wrapping_sub(1)) == Some(&QUOTE);
            at_field_start = false;
            field_has_content = true;
            has_content = true;
        } else if b == delimiter {
            if field_has_content {
                last_filled = fields;
            }
            fields += 1;
            field_has_content = false;
            at_field_start = true;
        } else if b == b'\n' {
            end = i + 1;
            break;
        } else if b != b'\r' {
            if !b.is_ascii_whitespace() {
                field_has_content = true;
                has_content = true;
            }
            at_field_start = false;
        }
    }
    if field_has_content {
        last_filled = fields;
    }
    let shape = RecordShape {
        fields,
        last_filled,
        has_content,
    };
    (shape, end, breaks)
}

/// One pass over the data: counts records, checks each has `expected` values
/// (extra empty values at the end of a line are tolerated), and cuts the data
/// into chunks that end on record boundaries. A line with no quote in it
/// (most lines of most files) is one record, measured with vectorised
/// searches; only a line with a quote is read byte by byte, to its
/// record's end. Byte by byte throughout, a 22 MB census file took 60 ms.
pub(super) fn scan_records(
    file: &str,
    data: &[u8],
    delimiter: u8,
    expected: usize,
    has_header: bool,
    progress: &Progress,
) -> Result<RecordScan> {
    // Lines in messages count from the top of the file, header included.
    let line_offset = if has_header { 2 } else { 1 };
    let mut checker = RecordChecker {
        expected,
        records: 0,
        bad: 0,
        first_bad: None,
    };
    let mut chunks = Vec::new();
    let mut chunk_start = 0usize;
    let mut line = 0usize;
    let mut next_check = 0usize;
    const STEP: usize = 4 * 1024 * 1024;

    let mut at = 0usize;
    while at < data.len() {
        if at >= next_check {
            progress.check_cancelled()?;
            progress.report(0.3 * at as f32 / data.len() as f32, "Checking rows");
            next_check = at + STEP;
        }
        let line_end = memchr::memchr(b'\n', &data[at..]).map_or(data.len(), |p| at + p);
        let (shape, end, breaks) = if memchr::memchr(QUOTE, &data[at..line_end]).is_none() {
            let shape = plain_record(&data[at..line_end], delimiter, expected);
            (shape, (line_end + 1).min(data.len()), 0)
        } else {
            quoted_record(data, at, delimiter)
        };
        checker.end_record(&shape, line + line_offset);
        line += breaks + 1;
        at = end;
        if at - chunk_start >= CHUNK_BYTES && data[at - 1] == b'\n' {
            chunks.push(chunk_start..at);
            chunk_start = at;
        }
    }
    if chunk_start < data.len() {
        chunks.push(chunk_start..data.len());
    }
    if let Some((line, found)) = checker.first_bad {
        let others = match checker.bad - 1 {
            0 => String::new(),
            1 => " (and 1 more line is like it)".into(),
            n => format!(" (and {n} more lines are like it)"),
        };
        return Err(ClearboxError::RaggedRows {
            file: file.into(),
            line,
            found,
            expected,
            others,
        });
    }
    Ok(RecordScan {
        records: checker.records,
        chunks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_counted_and_checked_line_by_line_or_through_quotes() {
        let scan =
            |text: &str| scan_records("t.csv", text.as_bytes(), b',', 3, true, &Progress::silent());
        // Blank, spaces-only and delimiters-only lines are not records; a
        // quoted value may hold delimiters and line breaks; CRLF endings;
        // trailing empty values; no line break at the end.
        let text = "1,2,3\r\n\n  \n,,\n4,\"a,\nb\",6\n7,8,9,,\n\"x\",\"\",\"\"\"\"\n10,11,12";
        let found = scan(text).expect("every record has three values");
        assert_eq!(found.records, 5);
        assert_eq!(found.chunks, vec![0..text.len()]);
        // The line named is the file's (header first), counted past a
        // quoted line break; the line after a quote is read plainly again.
        let text = "1,2,3\n\"a\nb\",2,3\n4,5\n6,7,8,9\n";
        match scan(text) {
            Err(ClearboxError::RaggedRows { line, found, .. }) => assert_eq!((line, found), (5, 2)),
            other => panic!("expected ragged rows, got {other:?}"),
        }
        // Extra values with something in them are ragged, even after a quote.
        match scan("1,2,3\n\"4\",5,6,7\n") {
            Err(ClearboxError::RaggedRows { line, found, .. }) => assert_eq!((line, found), (3, 4)),
            other => panic!("expected ragged rows, got {other:?}"),
        }
        match scan("1,2,3\n4,5,6, x \n") {
            Err(ClearboxError::RaggedRows { line, found, .. }) => assert_eq!((line, found), (3, 4)),
            other => panic!("expected ragged rows, got {other:?}"),
        }
    }
}
