//! Small helpers that write numbers the way people read them.

/// `1234567` → `"1,234,567"`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
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
    } else {
        trim(format!("{x:.3}"))
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
        assert_eq!(rows(1), "1 row");
    }
}
