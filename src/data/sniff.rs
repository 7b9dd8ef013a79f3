//! Guessing how a text file is written: its encoding, its delimiter, and
//! whether the first line holds column names.

use std::borrow::Cow;

/// The character encoding a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// UTF-16 with a byte-order mark (Excel's "Unicode text").
    Utf16,
    /// Windows-1252, the superset of Latin-1 that old spreadsheets write.
    Latin1,
}

/// How a delimited text file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// The byte between values: `,`, `;`, tab or `|`.
    pub delimiter: u8,
    /// Whether the first record holds column names.
    pub has_header: bool,
    /// The encoding the bytes were decoded from.
    pub encoding: TextEncoding,
}

/// The quote character; CSV writers all use it.
pub const QUOTE: u8 = b'"';

/// Turns raw bytes into UTF-8, guessing the encoding. Strips a byte-order mark.
pub fn decode(bytes: &[u8]) -> (Cow<'_, [u8]>, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (Cow::Borrowed(rest), TextEncoding::Utf8);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let encoding = if bytes.starts_with(b"\xFF\xFE") {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, _) = encoding.decode_with_bom_removal(bytes);
        return (
            Cow::Owned(text.into_owned().into_bytes()),
            TextEncoding::Utf16,
        );
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (Cow::Borrowed(bytes), TextEncoding::Utf8);
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    (
        Cow::Owned(text.into_owned().into_bytes()),
        TextEncoding::Latin1,
    )
}

/// Whether the start of a file looks like binary data rather than text.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.is_empty() {
        return false;
    }
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    control * 100 > head.len()
}

/// Splits one record (a line without its line break) into fields, honouring quotes.
pub fn split_record(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = Vec::new();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        if in_quotes {
            if b == QUOTE {
                if line.get(i + 1) == Some(&QUOTE) {
                    field.push(QUOTE);
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(b);
            }
        } else if b == QUOTE && at_field_start {
            in_quotes = true;
            at_field_start = false;
        } else if b == delimiter {
            fields.push(String::from_utf8_lossy(&field).into_owned());
            field.clear();
            at_field_start = true;
        } else {
            field.push(b);
            at_field_start = false;
        }
        i += 1;
    }
    fields.push(String::from_utf8_lossy(&field).into_owned());
    fields
}

/// The first `max` non-blank records of `text` (quote-aware: a line break inside
/// quotes does not end a record).
pub fn first_records(text: &[u8], max: usize) -> Vec<&[u8]> {
    let mut records = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, &b) in text.iter().enumerate() {
        if b == QUOTE {
            in_quotes = !in_quotes;
        } else if b == b'\n' && !in_quotes {
            let record = trim_cr(&text[start..i]);
            if !record.is_empty() {
                records.push(record);
                if records.len() == max {
                    return records;
                }
            }
            start = i + 1;
        }
    }
    let last = trim_cr(&text[start..]);
    if !last.is_empty() && records.len() < max {
        records.push(last);
    }
    records
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Picks the delimiter that splits the first records into the same, largest
/// number of fields. Falls back to a comma.
pub fn sniff_delimiter(records: &[&[u8]]) -> u8 {
    let candidates = [b',', b';', b'\t', b'|'];
    let mut best = (b',', 0usize, 0usize); // (delimiter, consistent rows, fields)
    for &delimiter in &candidates {
        let counts: Vec<usize> = records
            .iter()
            .map(|r| split_record(r, delimiter).len())
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        if (consistent, first) > (best.1, best.2) {
            best = (delimiter, consistent, first);
        }
    }
    best.0
}

/// Decides whether the first record names the columns: it does unless some of
/// its fields look like data (numbers or dates) in a column whose other rows
/// hold the same kind of data, or unless it repeats a value.
pub fn sniff_header(records: &[&[u8]], delimiter: u8) -> bool {
    let Some(first) = records.first() else {
        return true;
    };
    let header = split_record(first, delimiter);
    let rows: Vec<Vec<String>> = records[1..]
        .iter()
        .map(|r| split_record(r, delimiter))
        .collect();
    if rows.is_empty() {
        // A single record: a header if nothing in it is a number.
        return !header.iter().any(|f| looks_numeric(f));
    }
    for (i, name) in header.iter().enumerate() {
        if looks_numeric(name) {
            let column_numeric = rows
                .iter()
                .filter_map(|r| r.get(i))
                .filter(|v| !v.trim().is_empty())
                .all(|v| looks_numeric(v));
            if column_numeric {
                return false;
            }
        }
    }
    true
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty() && t.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_latin1_is_decoded() {
        let (text, enc) = decode(b"\xEF\xBB\xBFname\n");
        assert_eq!(&*text, b"name\n");
        assert_eq!(enc, TextEncoding::Utf8);
        let (text, enc) = decode(b"caf\xE9\n");
        assert_eq!(std::str::from_utf8(&text).ok(), Some("caf\u{e9}\n"));
        assert_eq!(enc, TextEncoding::Latin1);
    }

    #[test]
    fn delimiter_is_the_consistent_one() {
        let text = b"a;b;c\n1,5;2;3\n4;5,5;6\n";
        assert_eq!(sniff_delimiter(&first_records(text, 10)), b';');
        let text = b"a\tb\n1\t2\n";
        assert_eq!(sniff_delimiter(&first_records(text, 10)), b'\t');
        let text = b"name,comment\nx,\"a; b; c\"\n";
        assert_eq!(sniff_delimiter(&first_records(text, 10)), b',');
    }

    #[test]
    fn header_is_detected_unless_first_row_is_data() {
        let with = first_records(b"age,income\n30,100\n40,200\n", 10);
        assert!(sniff_header(&with, b','));
        let without = first_records(b"30,100\n40,200\n50,300\n", 10);
        assert!(!sniff_header(&without, b','));
    }

    #[test]
    fn quoted_fields_keep_delimiters_and_quotes() {
        assert_eq!(
            split_record(b"1,\"Braund, Mr. Owen\",\"say \"\"hi\"\"\"", b','),
            vec!["1", "Braund, Mr. Owen", "say \"hi\""]
        );
    }

    #[test]
    fn binary_is_recognised() {
        assert!(looks_binary(b"PK\x03\x04\x00\x00garbage"));
        assert!(!looks_binary(b"a,b\n1,2\n"));
    }
}
