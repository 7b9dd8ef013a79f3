//! Turning text columns into typed columns, and guessing each column's role.

use std::sync::Arc;

use super::role::ColumnRole;
use super::table::{Column, ColumnValues, TextValues};
use super::written::{self, DecimalMark, SetAside};

/// Strings people use to mean "no value". Compared trimmed and lower-cased.
pub const MISSING_TOKENS: &[&str] = &[
    "",
    "?",
    "-",
    "--",
    "n/a",
    "na",
    "nan",
    "null",
    "none",
    "nil",
    "unknown",
    "missing",
    "#n/a",
    "not available",
    "undefined",
    "(blank)",
];

/// Whether `s` is one of the usual stand-ins for a missing value.
pub fn is_missing_token(s: &str) -> bool {
    let t = s.trim().to_ascii_lowercase();
    MISSING_TOKENS.contains(&t.as_str())
}

/// A column read from text, with what the conversion turned into missing values.
#[derive(Debug, Clone)]
pub struct Inferred {
    /// The typed values.
    pub values: ColumnValues,
    /// Strings that were read as missing while converting to numbers or dates,
    /// with how many rows held each ("?", "N/A", or stray text in a number column).
    pub converted_to_missing: Vec<(String, usize)>,
    /// How numbers written as amounts were read; `None` when they were plain.
    pub written: Option<WrittenAs>,
}

/// What reading a column's numbers set aside, with one of them as an example.
#[derive(Debug, Clone)]
pub struct WrittenAs {
    /// Currency and per cent signs, thousands separators, brackets.
    pub set_aside: SetAside,
    /// A value as the file writes it ("$1,234.50").
    pub example: String,
    /// The number it reads as (1234.5).
    pub value: f64,
}

impl Inferred {
    /// Values that needed no conversion.
    pub fn plain(values: ColumnValues) -> Self {
        Self {
            values,
            converted_to_missing: Vec::new(),
            written: None,
        }
    }
}

/// Share of the non-missing cells that must parse for a column to be typed.
const PARSE_SHARE: f64 = 0.98;

/// How one string is tried as a number.
#[derive(Clone, Copy)]
enum Reading {
    /// "1234.5", "-3", "1e6".
    Plain,
    /// As exports write amounts ([`written::read`]).
    Written(DecimalMark),
}

impl Reading {
    fn read(self, s: &str) -> Option<(f64, SetAside)> {
        match self {
            Self::Plain => parse_number(s).map(|v| (v, SetAside::default())),
            Self::Written(mark) => written::read(s, mark),
        }
    }
}

/// Converts a text column into numbers or dates when (almost) all of it
/// parses. Numbers are tried plain first, then as written amounts with the
/// file's likely decimal `mark`, then with the other mark.
pub fn infer_values(text: TextValues, mark: DecimalMark) -> Inferred {
    let counts = text.level_counts();
    let token: Vec<bool> = text.levels.iter().map(|l| is_missing_token(l)).collect();
    let filled: usize = counts
        .iter()
        .zip(&token)
        .filter(|(_, t)| !**t)
        .map(|(c, _)| c)
        .sum();
    if filled == 0 || zero_padded_codes(&text.levels, &token, &counts) {
        return Inferred::plain(ColumnValues::Text(text));
    }
    for reading in [
        Reading::Plain,
        Reading::Written(mark),
        Reading::Written(mark.other()),
    ] {
        let read: Vec<Option<(f64, SetAside)>> = text
            .levels
            .iter()
            .zip(&token)
            .map(|(l, t)| if *t { None } else { reading.read(l) })
            .collect();
        let parsed: Vec<Option<f64>> = read.iter().map(|r| r.as_ref().map(|(v, _)| *v)).collect();
        if share_parsed(&parsed, &counts, filled) >= PARSE_SHARE {
            let values = text
                .codes
                .iter()
                .map(|&c| {
                    parsed
                        .get(c as usize)
                        .copied()
                        .flatten()
                        .unwrap_or(f64::NAN)
                })
                .collect();
            return Inferred {
                written: set_aside(&text.levels, &read, &counts),
                values: ColumnValues::Number(values),
                converted_to_missing: unparsed(&text.levels, &parsed, &counts),
            };
        }
    }
    if let Some(format) = pick_date_format(&text.levels, &token) {
        let parsed: Vec<Option<f64>> = text
            .levels
            .iter()
            .zip(&token)
            .map(|(l, t)| {
                if *t {
                    None
                } else {
                    format.parse(l.trim()).map(|s| s as f64)
                }
            })
            .collect();
        if share_parsed(&parsed, &counts, filled) >= PARSE_SHARE {
            let values = text
                .codes
                .iter()
                .map(|&c| parsed.get(c as usize).copied().flatten().map(|s| s as i64))
                .collect();
            return Inferred {
                values: ColumnValues::Datetime(values),
                converted_to_missing: unparsed(&text.levels, &parsed, &counts),
                written: None,
            };
        }
    }
    Inferred::plain(ColumnValues::Text(text))
}

/// Whether the used values are codes padded with zeros to one width
/// ("00017", "02134"): customer numbers and postcodes, which read as
/// numbers would lose their zeros and be averaged like amounts. Widths
/// under three are left to be numbers: "01"–"12" are more often months.
fn zero_padded_codes(levels: &[String], token: &[bool], counts: &[usize]) -> bool {
    let mut used = levels
        .iter()
        .zip(token)
        .zip(counts)
        .filter(|((_, t), c)| !**t && **c > 0)
        .map(|((l, _), _)| l.trim());
    let Some(first) = used.next() else {
        return false;
    };
    let width = first.len();
    let mut padded = false;
    for code in std::iter::once(first).chain(used) {
        if code.len() != width || width < 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        padded |= code.starts_with('0') && code.bytes().any(|b| b != b'0');
    }
    padded
}

/// Everything the used values set aside, and the first of them as an example.
fn set_aside(
    levels: &[String],
    read: &[Option<(f64, SetAside)>],
    counts: &[usize],
) -> Option<WrittenAs> {
    let mut all = SetAside::default();
    let mut example = None;
    for ((level, read), &count) in levels.iter().zip(read).zip(counts) {
        if let Some((value, aside)) = read.as_ref().filter(|_| count > 0) {
            if example.is_none() && !aside.is_empty() {
                example = Some((level.trim().to_owned(), *value));
            }
            all.merge(aside);
        }
    }
    example.map(|(example, value)| WrittenAs {
        set_aside: all,
        example,
        value,
    })
}

fn share_parsed(parsed: &[Option<f64>], counts: &[usize], filled: usize) -> f64 {
    let ok: usize = parsed
        .iter()
        .zip(counts)
        .filter(|(p, _)| p.is_some())
        .map(|(_, c)| c)
        .sum();
    ok as f64 / filled as f64
}

fn unparsed(levels: &[String], parsed: &[Option<f64>], counts: &[usize]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = levels
        .iter()
        .zip(parsed)
        .zip(counts)
        .filter(|((_, p), c)| p.is_none() && **c > 0)
        .map(|((l, _), c)| (l.clone(), *c))
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.1));
    out
}

/// Parses a number written the English way ("1234.5", "-3", "1e6").
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() || t.eq_ignore_ascii_case("nan") || t.eq_ignore_ascii_case("inf") {
        return None;
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A date or date-time layout.
#[derive(Debug, Clone, Copy)]
enum DateFormat {
    Date(&'static str),
    DateTime(&'static str),
    Zoned(&'static str),
    Rfc3339,
}

impl DateFormat {
    fn parse(self, s: &str) -> Option<i64> {
        use chrono::{DateTime, NaiveDate, NaiveDateTime};
        match self {
            Self::Date(f) => NaiveDate::parse_from_str(s, f)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc().timestamp()),
            Self::DateTime(f) => NaiveDateTime::parse_from_str(s, f)
                .ok()
                .map(|d| d.and_utc().timestamp()),
            Self::Zoned(f) => DateTime::parse_from_str(s, f).ok().map(|d| d.timestamp()),
            Self::Rfc3339 => DateTime::parse_from_rfc3339(s).ok().map(|d| d.timestamp()),
        }
    }
}

const DATE_FORMATS: &[DateFormat] = &[
    DateFormat::Date("%Y-%m-%d"),
    DateFormat::Date("%Y/%m/%d"),
    DateFormat::Date("%d/%m/%Y"),
    DateFormat::Date("%m/%d/%Y"),
    DateFormat::Date("%d.%m.%Y"),
    DateFormat::Date("%d-%m-%Y"),
    DateFormat::Date("%d-%b-%Y"),
    DateFormat::Date("%b %d, %Y"),
    DateFormat::DateTime("%Y-%m-%d %H:%M:%S%.f"),
    DateFormat::DateTime("%Y-%m-%dT%H:%M:%S%.f"),
    DateFormat::DateTime("%Y-%m-%d %H:%M"),
    DateFormat::DateTime("%Y-%m-%dT%H:%M"),
    DateFormat::DateTime("%d/%m/%Y %H:%M:%S"),
    DateFormat::DateTime("%m/%d/%Y %H:%M:%S"),
    DateFormat::DateTime("%d/%m/%Y %H:%M"),
    DateFormat::DateTime("%m/%d/%Y %H:%M"),
    DateFormat::Zoned("%Y-%m-%d %H:%M:%S%.f%:z"),
    DateFormat::Zoned("%Y-%m-%dT%H:%M:%S%.f%:z"),
    DateFormat::Rfc3339,
    DateFormat::Zoned("%Y-%m-%d %H:%M:%S%.f%z"),
];

/// The first layout that reads every one of up to 200 sample values.
fn pick_date_format(levels: &[String], token: &[bool]) -> Option<DateFormat> {
    let sample: Vec<&str> = levels
        .iter()
        .zip(token)
        .filter(|(_, t)| !**t)
        .map(|(l, _)| l.trim())
        .take(200)
        .collect();
    let plausible = |s: &&str| s.len() >= 6 && s.bytes().any(|b| b.is_ascii_digit());
    if sample.is_empty() || !sample.iter().all(plausible) {
        return None;
    }
    DATE_FORMATS
        .iter()
        .copied()
        .find(|f| sample.iter().all(|s| f.parse(s).is_some()))
}

/// Guesses a column's role from its values and its name.
pub fn infer_role(name: &str, values: &ColumnValues) -> ColumnRole {
    let rows = values.len();
    let filled = rows - values.missing_count();
    match values {
        ColumnValues::Datetime(_) => ColumnRole::Datetime,
        ColumnValues::Number(v) => {
            let mut present: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            present.sort_by(f64::total_cmp);
            present.dedup();
            if !present.is_empty() && present.iter().all(|&x| x == 0.0 || x == 1.0) {
                return ColumnRole::Boolean;
            }
            let integers = present.iter().all(|x| x.fract() == 0.0);
            let unique = present.len() == filled && filled >= 20;
            let (lo, hi) = (
                present.first().copied().unwrap_or(0.0),
                present.last().copied().unwrap_or(0.0),
            );
            let dense = hi - lo + 1.0 <= 1.1 * filled as f64;
            // A key repeated on several rows (a customer's purchases)
            // still names things rather than measures them.
            let key = name_says_identifier(name)
                && filled >= 20
                && (present.len() * 2 >= filled || present.len() > KEY_VALUES);
            if integers && ((unique && dense) || key) {
                ColumnRole::Identifier
            } else {
                ColumnRole::Number
            }
        }
        ColumnValues::Text(t) => text_role(name, t, filled),
    }
}

fn text_role(name: &str, t: &TextValues, filled: usize) -> ColumnRole {
    let counts = t.level_counts();
    let used: Vec<(&str, usize)> = t
        .levels
        .iter()
        .zip(&counts)
        .filter(|(_, c)| **c > 0)
        .map(|(l, c)| (l.trim(), *c))
        .collect();
    let real: Vec<&(&str, usize)> = used.iter().filter(|(l, _)| !is_missing_token(l)).collect();
    let lower: Vec<String> = real.iter().map(|(l, _)| l.to_ascii_lowercase()).collect();
    let boolean_sets: [&[&str]; 4] = [&["true", "false"], &["yes", "no"], &["y", "n"], &["t", "f"]];
    if !lower.is_empty()
        && boolean_sets
            .iter()
            .any(|set| lower.iter().all(|l| set.contains(&l.as_str())))
    {
        return ColumnRole::Boolean;
    }
    let distinct = used.len();
    if filled == 0 {
        return ColumnRole::Category;
    }
    let (chars, words) = used.iter().fold((0usize, 0usize), |(c, w), (l, n)| {
        (
            c + l.chars().count() * n,
            w + l.split_whitespace().count() * n,
        )
    });
    let avg_chars = chars as f64 / filled as f64;
    let avg_words = words as f64 / filled as f64;
    if distinct > 20 && (avg_chars >= 40.0 || avg_words >= 5.0) {
        return ColumnRole::Text;
    }
    if filled >= 20 && distinct as f64 >= 0.95 * filled as f64 {
        return ColumnRole::Identifier;
    }
    if name_says_identifier(name)
        && filled >= 20
        && (distinct as f64 >= 0.5 * filled as f64 || distinct > KEY_VALUES)
    {
        return ColumnRole::Identifier;
    }
    ColumnRole::Category
}

/// Different values above which a column named as a key
/// ([`name_says_identifier`]) is one even where its values repeat: a log's
/// customer numbers. Fewer are more likely labels (`store_id` 1–12).
const KEY_VALUES: usize = 100;

/// Whether a column's name marks it as a key: `id`, `customer_id`,
/// `PassengerId`, `ID`, `invoice_no`, `InvoiceNo`, `StockCode`,
/// `account number`.
pub fn name_says_identifier(name: &str) -> bool {
    let trimmed = name.trim();
    let lower = trimmed.to_ascii_lowercase();
    // A word that ends the name after `_`, a space or a lower-case letter
    // (camel case: `InvoiceNo`).
    let ends_with_word = |word: &str| {
        let Some(stem) = trimmed.strip_suffix(word) else {
            return false;
        };
        stem.ends_with(['_', ' ']) || stem.chars().last().is_some_and(char::is_lowercase)
    };
    lower == "id"
        || lower.ends_with("_id")
        || lower.ends_with(" id")
        || lower.starts_with("id_")
        || lower == "index"
        || lower == "uuid"
        || lower == "key"
        || trimmed.ends_with("ID")
        || ["Id", "No", "Code", "Number", "Key"]
            .iter()
            .any(|word| ends_with_word(word))
        || ["no", "code", "number", "key"].iter().any(|word| {
            trimmed
                .strip_suffix(word)
                .is_some_and(|s| s.ends_with(['_', ' ']))
        })
}

/// Builds a [`Column`] from a name and typed values, inferring its role.
pub fn column(name: String, values: ColumnValues) -> Column {
    column_with_notes(name, Inferred::plain(values))
}

/// Builds a [`Column`] from what [`infer_values`] produced.
pub fn column_with_notes(name: String, inferred: Inferred) -> Column {
    let role = infer_role(&name, &inferred.values);
    Column {
        name,
        role,
        inferred_role: role,
        values: Arc::new(inferred.values),
        read_as_missing: inferred.converted_to_missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::text_builder::TextBuilder;

    fn text(values: &[&str]) -> TextValues {
        let mut b = TextBuilder::default();
        for v in values {
            b.push(if v.is_empty() { None } else { Some(v) });
        }
        b.finish()
    }

    #[test]
    fn numbers_with_question_marks_become_numbers() {
        let inferred = infer_values(text(&["1", "2.5", "?", "", "4"]), DecimalMark::Point);
        match inferred.values {
            ColumnValues::Number(v) => {
                assert_eq!(v[1], 2.5);
                assert!(v[2].is_nan() && v[3].is_nan());
            }
            other => panic!("expected numbers, got {other:?}"),
        }
        assert_eq!(inferred.converted_to_missing, vec![("?".to_string(), 1)]);
    }

    #[test]
    fn decimal_commas_are_read() {
        match infer_values(text(&["3,5", "1,25", "2"]), DecimalMark::Point).values {
            ColumnValues::Number(v) => assert_eq!(v, vec![3.5, 1.25, 2.0]),
            other => panic!("expected numbers, got {other:?}"),
        }
    }

    #[test]
    fn dates_and_zoned_timestamps_are_read() {
        assert!(matches!(
            infer_values(text(&["2021-01-05", "2021-02-28"]), DecimalMark::Point).values,
            ColumnValues::Datetime(_)
        ));
        match infer_values(
            text(&["2019-11-24 00:00:34.762830+00:00"]),
            DecimalMark::Point,
        )
        .values
        {
            ColumnValues::Datetime(v) => assert_eq!(v[0], Some(1_574_553_634)),
            other => panic!("expected date-times, got {other:?}"),
        }
        assert!(matches!(
            infer_values(text(&["31/12/2020", "01/02/2021"]), DecimalMark::Point).values,
            ColumnValues::Datetime(_)
        ));
    }

    #[test]
    fn codes_padded_with_zeros_stay_codes() {
        let ids = infer_values(text(&["00017", "02134", "10001"]), DecimalMark::Point);
        match ids.values {
            ColumnValues::Text(t) => assert!(t.levels.iter().any(|l| l == "00017")),
            other => panic!("expected the codes as written, got {other:?}"),
        }
        // Months, plain amounts and mixed widths are numbers.
        for plain in [
            &["01", "02", "12"][..],
            &["100", "250", "075.5"],
            &["007", "12345"],
        ] {
            assert!(
                matches!(
                    infer_values(text(plain), DecimalMark::Point).values,
                    ColumnValues::Number(_)
                ),
                "{plain:?} are numbers"
            );
        }
    }

    #[test]
    fn a_key_repeated_on_many_rows_is_an_identifier() {
        // 300 customers, each on several rows of a purchase log.
        let ids: Vec<f64> = (0..1200).map(|i| f64::from(i % 300)).collect();
        assert_eq!(
            infer_role("customer_id", &ColumnValues::Number(ids.clone())),
            ColumnRole::Identifier
        );
        assert_eq!(
            infer_role("basket", &ColumnValues::Number(ids)),
            ColumnRole::Number,
            "the name decides where values repeat"
        );
        let stores: Vec<f64> = (0..1200).map(|i| f64::from(i % 12)).collect();
        assert_eq!(
            infer_role("store_id", &ColumnValues::Number(stores)),
            ColumnRole::Number
        );
        let codes: Vec<String> = (0..1200).map(|i| format!("C{}", i % 300)).collect();
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let codes = infer_values(text(&codes), DecimalMark::Point).values;
        assert_eq!(infer_role("customer_id", &codes), ColumnRole::Identifier);
    }

    #[test]
    fn roles_follow_values_and_names() {
        let ids: Vec<f64> = (1..=50).map(f64::from).collect();
        assert_eq!(
            infer_role("PassengerId", &ColumnValues::Number(ids.clone())),
            ColumnRole::Identifier
        );
        assert_eq!(
            infer_role("x", &ColumnValues::Number(vec![0.0, 1.0, 1.0])),
            ColumnRole::Boolean
        );
        let yes = infer_values(text(&["Yes", "No", "yes"]), DecimalMark::Point).values;
        assert_eq!(infer_role("churn", &yes), ColumnRole::Boolean);
        let cats = infer_values(text(&["red", "blue", "red", "green"]), DecimalMark::Point).values;
        assert_eq!(infer_role("colour", &cats), ColumnRole::Category);
        assert!(name_says_identifier("customer_id") && !name_says_identifier("paid"));
        for key in [
            "InvoiceNo",
            "invoice_no",
            "StockCode",
            "zip_code",
            "account number",
            "CustomerId",
        ] {
            assert!(name_says_identifier(key), "{key}");
        }
        for amount in [
            "number_of_cds",
            "Casino",
            "barcode_count",
            "Number",
            "promo",
            "cardNumbers",
        ] {
            assert!(!name_says_identifier(amount), "{amount}");
        }
    }

    #[test]
    fn amounts_as_exports_write_them_are_numbers_with_a_note() {
        let inferred = infer_values(
            text(&["$1,234.50", "$80.00", "n/a", "(12.00)"]),
            DecimalMark::Point,
        );
        match &inferred.values {
            ColumnValues::Number(v) => {
                assert_eq!((v[0], v[1], v[3]), (1234.5, 80.0, -12.0));
                assert!(v[2].is_nan());
            }
            other => panic!("expected numbers, got {other:?}"),
        }
        let written = inferred.written.expect("what was set aside");
        assert_eq!(
            (written.example.as_str(), written.value),
            ("$1,234.50", 1234.5)
        );
        assert_eq!(
            written.set_aside.words(),
            "the currency sign '$', thousands separators and brackets (read as minus)"
        );
        // The file's decimal mark decides numbers that read both ways.
        let comma = |mark| match infer_values(text(&["1,250", "2,500"]), mark).values {
            ColumnValues::Number(v) => v,
            other => panic!("expected numbers, got {other:?}"),
        };
        assert_eq!(comma(DecimalMark::Point), vec![1250.0, 2500.0]);
        assert_eq!(comma(DecimalMark::Comma), vec![1.25, 2.5]);
        // Plain numbers need no note; codes stay text.
        assert!(
            infer_values(text(&["1", "2"]), DecimalMark::Point)
                .written
                .is_none()
        );
        assert!(matches!(
            infer_values(text(&["A-1", "B-2"]), DecimalMark::Point).values,
            ColumnValues::Text(_)
        ));
    }
}
