//! Numbers as exports write them: with a currency sign or code ("$1,234.50",
//! "€ 3.400,00", "12 EUR"), a per cent sign ("12.5%"), thousands separators,
//! brackets for a negative amount ("(250.00)"), and a decimal point or a
//! decimal comma. A spreadsheet saved as CSV writes amounts this way, and a
//! column read as text instead of numbers looked like an identifier.
//!
//! The reading is strict, so codes and lists do not pass for numbers:
//! thousands come in groups of exactly three digits, one kind of separator
//! per number, and only known currency signs and codes are set aside.

use std::collections::BTreeSet;

use crate::words;

/// Which mark separates a number's whole part from its fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// "1,234.5": a point, with commas, spaces or apostrophes between thousands.
    Point,
    /// "1.234,5": a comma, with points or spaces between thousands.
    Comma,
}

impl DecimalMark {
    /// The mark a file most likely uses: a comma where its values are
    /// separated by semicolons (spreadsheets write them so where the comma
    /// is the decimal mark), a point elsewhere. It decides numbers that
    /// read both ways: "1,250" is 1250 in a comma-separated file and 1.25
    /// in a semicolon-separated one.
    pub fn likely_for(delimiter: u8) -> Self {
        if delimiter == b';' {
            Self::Comma
        } else {
            Self::Point
        }
    }

    /// The other mark.
    pub fn other(self) -> Self {
        match self {
            Self::Point => Self::Comma,
            Self::Comma => Self::Point,
        }
    }

    fn decimal(self) -> char {
        match self {
            Self::Point => '.',
            Self::Comma => ',',
        }
    }

    fn separates_thousands(self, c: char) -> bool {
        let space = matches!(c, ' ' | '\u{a0}' | '\u{202f}');
        match self {
            Self::Point => space || c == ',' || c == '\'',
            Self::Comma => space || c == '.',
        }
    }
}

/// Currency signs set aside before or after a number.
const SIGNS: &[&str] = &[
    "US$", "R$", "$", "€", "£", "¥", "₹", "₩", "₽", "₺", "₪", "฿", "₫", "₱", "₴", "₦", "zł", "kr",
];

/// Currency codes set aside before or after a number (ISO 4217, the usual ones).
const CODES: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "INR", "SEK", "NOK", "DKK",
    "PLN", "CZK", "HUF", "BRL", "MXN", "ZAR", "SGD", "HKD", "KRW", "TRY", "RUB",
];

/// What reading numbers set aside, for the note that tells the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetAside {
    /// Currency signs and codes met ("$", "EUR").
    pub currencies: BTreeSet<String>,
    /// Per cent signs: "12%" reads as 12.
    pub per_cent: bool,
    /// Thousands separators.
    pub thousands: bool,
    /// Brackets around negative amounts: "(250)" reads as -250.
    pub brackets: bool,
}

impl SetAside {
    /// Whether nothing was set aside.
    pub fn is_empty(&self) -> bool {
        self.currencies.is_empty() && !self.per_cent && !self.thousands && !self.brackets
    }

    /// Adds what `other` set aside.
    pub fn merge(&mut self, other: &SetAside) {
        self.currencies.extend(other.currencies.iter().cloned());
        self.per_cent |= other.per_cent;
        self.thousands |= other.thousands;
        self.brackets |= other.brackets;
    }

    /// What was set aside, as a sentence lists it: "the currency sign '$'
    /// and thousands separators".
    pub fn words(&self) -> String {
        let mut parts = Vec::new();
        if !self.currencies.is_empty() {
            let quoted: Vec<String> = self.currencies.iter().map(|c| format!("'{c}'")).collect();
            let kind = if quoted.len() == 1 {
                "the currency sign"
            } else {
                "the currency signs"
            };
            parts.push(format!("{kind} {}", words::list(&quoted)));
        }
        if self.per_cent {
            parts.push("the per cent sign".to_owned());
        }
        if self.thousands {
            parts.push("thousands separators".to_owned());
        }
        if self.brackets {
            parts.push("brackets (read as minus)".to_owned());
        }
        words::list(&parts)
    }
}

/// Reads `s` as a number written with `mark`, and what was set aside to
/// read it; `None` when it is not a number written that way.
pub fn read(s: &str, mark: DecimalMark) -> Option<(f64, SetAside)> {
    let mut aside = SetAside::default();
    let mut t = s.trim();
    let mut negative = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        t = inner.trim();
        negative = true;
        aside.brackets = true;
    }
    let mut signed = |t: &mut &str| {
        if let Some(rest) = t.strip_prefix(['-', '\u{2212}']) {
            *t = rest.trim_start();
            negative = !negative;
        } else if let Some(rest) = t.strip_prefix('+') {
            *t = rest.trim_start();
        }
    };
    signed(&mut t);
    if let Some((currency, rest)) = currency_before(t) {
        aside.currencies.insert(currency.to_owned());
        t = rest.trim_start();
        signed(&mut t);
    }
    if let Some((rest, currency)) = currency_after(t) {
        aside.currencies.insert(currency.to_owned());
        t = rest.trim_end();
    }
    if let Some(rest) = t.strip_suffix('%') {
        aside.per_cent = true;
        t = rest.trim_end();
    }
    let (value, thousands) = core(t, mark)?;
    aside.thousands = thousands;
    Some((if negative { -value } else { value }, aside))
}

fn currency_before(t: &str) -> Option<(&str, &str)> {
    SIGNS
        .iter()
        .chain(CODES)
        .find_map(|c| t.strip_prefix(c).map(|rest| (*c, rest)))
}

fn currency_after(t: &str) -> Option<(&str, &str)> {
    SIGNS
        .iter()
        .chain(CODES)
        .find_map(|c| t.strip_suffix(c).map(|rest| (rest, *c)))
}

/// Digits with at most one decimal mark, and thousands in groups of three
/// apart with one kind of separator; the value and whether there were
/// separators.
fn core(t: &str, mark: DecimalMark) -> Option<(f64, bool)> {
    let (whole, fraction) = match t.split_once(mark.decimal()) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (t, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if let Some(f) = fraction
        && !digits(f)
    {
        return None;
    }
    let separator = whole.chars().find(|&c| mark.separates_thousands(c));
    let whole_digits: String = match separator {
        None if digits(whole) => whole.to_owned(),
        None => return None,
        Some(sep) => {
            let groups: Vec<&str> = whole.split(sep).collect();
            let first_ok = (1..=3).contains(&groups[0].len()) && digits(groups[0]);
            let rest_ok = groups[1..].iter().all(|g| g.len() == 3 && digits(g));
            if !(first_ok && rest_ok) {
                return None;
            }
            groups.concat()
        }
    };
    let fraction = fraction.unwrap_or("");
    if whole_digits.is_empty() && fraction.is_empty() {
        return None;
    }
    let value = format!("{whole_digits}.{fraction}").parse::<f64>().ok()?;
    value.is_finite().then_some((value, separator.is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str, mark: DecimalMark) -> Option<f64> {
        read(s, mark).map(|(v, _)| v)
    }

    #[test]
    fn amounts_read_with_what_was_set_aside() {
        use DecimalMark::{Comma, Point};
        let (v, aside) = read("$1,234.50", Point).expect("an amount");
        assert_eq!(v, 1234.5);
        assert!(aside.thousands && aside.currencies.contains("$"));
        assert_eq!(
            aside.words(),
            "the currency sign '$' and thousands separators"
        );
        assert_eq!(value("€ 3.400,00", Comma), Some(3400.0));
        assert_eq!(value("3 400,5 EUR", Comma), Some(3400.5));
        assert_eq!(value("-$12", Point), Some(-12.0));
        assert_eq!(value("$-12", Point), Some(-12.0));
        assert_eq!(value("(250.00)", Point), Some(-250.0));
        let (v, aside) = read("12.5%", Point).expect("a share");
        assert_eq!((v, aside.per_cent), (12.5, true));
        assert_eq!(value("1'234.5", Point), Some(1234.5));
        assert_eq!(value("3,5", Comma), Some(3.5));
        assert_eq!(value("1,250", Point), Some(1250.0));
        assert_eq!(value("1,250", Comma), Some(1.25));
    }

    #[test]
    fn codes_lists_and_loose_groups_are_not_numbers() {
        use DecimalMark::{Comma, Point};
        for s in [
            "C00012",
            "1,2,3",
            "12,5",
            "1,23,456",
            "555-1234",
            "A 12",
            "$",
            "%",
            "1.2.3",
            "",
            "12 apples",
        ] {
            assert_eq!(value(s, Point), None, "{s:?} with a decimal point");
        }
        for s in ["1.2.3", "2.5", "1,2,3", "12 345.6"] {
            assert_eq!(value(s, Comma), None, "{s:?} with a decimal comma");
        }
    }
}
