//! Wording used across Clearbox: numbers, shares, counts, durations and
//! moments written the way people read them. Every sentence on screen, on
//! the command line and in a letter builds its numbers with these, so a
//! figure reads the same everywhere.

use chrono::{DateTime, Utc};

/// `1234567` → `"1,234,567"`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `0.1234` → `"12.3%"`, `0.5` → `"50%"`, tiny shares → `"<0.1%"`.
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".into()
    } else if (p - p.round()).abs() < 0.05 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A number with about three significant digits, thousands separated.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    let sign = if x < 0.0 { "-" } else { "" };
    if a >= 1000.0 {
        format!("{sign}{}", count(a.round() as usize))
    } else if a >= 100.0 || a.fract() == 0.0 {
        format!("{x:.0}")
    } else if a >= 1.0 {
        trim(format!("{x:.2}"))
    } else if a >= 0.01 {
        trim(format!("{x:.3}"))
    } else {
        // Two significant digits, so a tiny error does not read as 0.
        let decimals = (1.0 - a.log10().floor()) as usize;
        trim(format!("{x:.decimals$}"))
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// "1 row" / "3 rows".
pub fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".into()
    } else {
        format!("{} rows", count(n))
    }
}

/// A difference of chances in percentage points, unsigned: 0.083 →
/// "8 points", 0.004 → "<1 point".
pub fn points(difference: f64) -> String {
    let points = (difference.abs() * 100.0).round();
    if points < 1.0 {
        "<1 point".into()
    } else if points == 1.0 {
        "1 point".into()
    } else {
        format!("{points:.0} points")
    }
}

/// `one` when `n`, as shown with no decimals, is 1, else `many`: "1 really
/// has", "60 really have".
pub fn agreeing<'a>(n: f64, one: &'a str, many: &'a str) -> &'a str {
    if n.round() == 1.0 { one } else { many }
}

/// "saving the model" → "Saving the model": the first letter in capitals.
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "a", "a and b", "a, b and c": items as a sentence lists them.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "strongest", "second-strongest", "third-strongest", "4th-strongest"...
pub fn nth_strongest(rank: usize) -> String {
    match rank {
        1 => "strongest".into(),
        2 => "second-strongest".into(),
        3 => "third-strongest".into(),
        n => {
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}-strongest")
        }
    }
}

/// "12 seconds", "3 minutes": how long something takes, rounded for a reader.
pub fn duration(seconds: f64) -> String {
    if seconds < 90.0 {
        format!("{:.0} seconds", seconds.max(1.0))
    } else {
        format!("{:.0} minutes", seconds / 60.0)
    }
}

/// A moment in time, as records keep it (RFC 3339 text, to the second, in
/// UTC) and as people read it (`2026-12-01 23:41 UTC`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(DateTime<Utc>);

impl Moment {
    /// Now.
    pub fn now() -> Self {
        Self(Utc::now())
    }

    /// The moment as people read it: `2026-12-01 23:41 UTC`.
    pub fn shown(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M UTC").to_string()
    }

    /// The moment as records keep it: `2026-12-01T23:41:14Z`.
    pub fn recorded(&self) -> String {
        self.0.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// Reads a recorded moment back.
    pub fn parse(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| Self(t.with_timezone(&Utc)))
    }
}

impl serde::Serialize for Moment {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.recorded())
    }
}

impl<'de> serde::Deserialize<'de> for Moment {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a moment in time")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(0.135), "13.5%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(12345.6), "12,346");
        assert_eq!(number(0.01234), "0.012");
        assert_eq!(number(0.000_123_4), "0.00012");
        assert_eq!(number(0.004_56), "0.0046");
        assert_eq!(rows(1), "1 row");
        assert_eq!(duration(12.4), "12 seconds");
        assert_eq!(nth_strongest(2), "second-strongest");
        assert_eq!(capitalised("éte"), "Éte");
        assert_eq!(capitalised(""), "");
        assert_eq!(nth_strongest(22), "22nd-strongest");
        assert_eq!(nth_strongest(12), "12th-strongest");
        assert_eq!(duration(600.0), "10 minutes");
        let at = Moment::parse("2026-12-01T23:41:14Z").expect("a moment");
        assert_eq!(at.shown(), "2026-12-01 23:41 UTC");
        assert_eq!(at.recorded(), "2026-12-01T23:41:14Z");
    }
}
