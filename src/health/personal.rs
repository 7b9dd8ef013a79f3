//! Likely personal data: e-mail addresses, phone numbers, bank (IBAN) and
//! card numbers, and people's names. Flagged so the user can leave them out
//! or pseudonymise them before sharing results.

use regex::Regex;
use std::sync::LazyLock;

use super::{Issue, IssueKind, Severity};
use crate::data::profile::Profile;
use crate::data::{Column, ColumnValues, Fix};

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$").expect("valid pattern"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\+|00)?[0-9][0-9 ().\-/]{6,19}$").expect("valid pattern"));
static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(Mr|Mrs|Ms|Miss|Mme|Mlle|Dr|Rev|Master|Sir|Lady)\b\.?").expect("valid pattern")
});

/// What kind of personal data a column seems to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PersonalKind {
    Email,
    Phone,
    Iban,
    Card,
    Name,
    Address,
    BirthDate,
    NationalId,
}

impl PersonalKind {
    fn words(self) -> &'static str {
        match self {
            Self::Email => "e-mail addresses",
            Self::Phone => "phone numbers",
            Self::Iban => "bank account numbers (IBAN)",
            Self::Card => "payment card numbers",
            Self::Name => "people's names",
            Self::Address => "postal addresses",
            Self::BirthDate => "dates of birth",
            Self::NationalId => "national identity numbers",
        }
    }
}

/// Flags `column` when its values, or its name and variety, look like personal
/// data. A name alone is not enough: a yes/no column called "telephone" says
/// whether someone has a phone, it is not a phone number.
pub fn check(column: &Column, profile: &Profile) -> Option<Issue> {
    let varied = profile.distinct * 3 >= profile.present && profile.distinct >= 5;
    let kind = by_values(column).or_else(|| by_name(&column.name).filter(|_| varied))?;
    Some(
        Issue::new(
            IssueKind::PersonalData,
            Severity::Check,
            format!(
                "Probably holds {}: personal data. Leave it out of models, or pseudonymise it \
                 before sharing results.",
                kind.words()
            ),
        )
        .with_fix(Fix::ExcludeColumn {
            column: column.name.clone(),
        }),
    )
}

fn by_name(name: &str) -> Option<PersonalKind> {
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let any = |ws: &[&str]| ws.iter().any(|w| has(w));
    if any(&["email", "mail"]) {
        Some(PersonalKind::Email)
    } else if any(&["phone", "mobile", "telephone", "tel", "cell"]) {
        Some(PersonalKind::Phone)
    } else if has("iban") {
        Some(PersonalKind::Iban)
    } else if any(&["ssn", "passport", "nin", "nino"]) {
        Some(PersonalKind::NationalId)
    } else if any(&["dob", "birthdate", "birthday"]) || (has("birth") && any(&["date", "day"])) {
        Some(PersonalKind::BirthDate)
    } else if any(&["address", "street"]) {
        Some(PersonalKind::Address)
    } else if any(&["surname", "firstname", "lastname", "fullname", "forename"])
        || (has("name")
            && !any(&[
                "product", "item", "company", "file", "brand", "store", "shop", "category",
                "class", "model", "city", "country", "host", "team", "project", "region", "state",
                "plan", "station", "species", "island", "column", "feature", "variable", "channel",
            ]))
    {
        Some(PersonalKind::Name)
    } else {
        None
    }
}

/// Splits a column name into lower-case words at separators and camelCase humps.
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if !ch.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = ch.is_lowercase();
        current.extend(ch.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn by_values(column: &Column) -> Option<PersonalKind> {
    let sample: Vec<String> = match column.values.as_ref() {
        ColumnValues::Text(t) => t
            .levels
            .iter()
            .take(500)
            .map(|s| s.trim().to_owned())
            .collect(),
        ColumnValues::Number(v) => {
            // Card numbers stored as numbers: 13 to 19 digit integers.
            v.iter()
                .filter(|x| !x.is_nan())
                .take(500)
                .map(|x| format!("{x:.0}"))
                .collect()
        }
        ColumnValues::Datetime(_) => return None,
    };
    let sample: Vec<&str> = sample
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    if sample.len() < 5 {
        return None;
    }
    let share = |test: &dyn Fn(&str) -> bool| {
        sample.iter().filter(|s| test(s)).count() as f64 / sample.len() as f64
    };
    if share(&|s| EMAIL.is_match(s)) >= 0.5 {
        return Some(PersonalKind::Email);
    }
    if share(&is_iban) >= 0.5 {
        return Some(PersonalKind::Iban);
    }
    if share(&is_card_number) >= 0.5 {
        return Some(PersonalKind::Card);
    }
    let phone_like = |s: &str| {
        let digits = s.chars().filter(char::is_ascii_digit).count();
        PHONE.is_match(s)
            && (7..=15).contains(&digits)
            && (s.starts_with('+') || s.starts_with('0') || s.contains([' ', '-', '(']))
    };
    if share(&phone_like) >= 0.8 {
        return Some(PersonalKind::Phone);
    }
    if share(&|s| HONORIFIC.is_match(s)) >= 0.3 {
        return Some(PersonalKind::Name);
    }
    None
}

/// An IBAN: country letters, check digits, account; valid under the mod-97 rule.
fn is_iban(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut remainder = 0u32;
    for ch in rearranged {
        let value = ch.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// A payment card number: 13 to 19 digits passing the Luhn check.
fn is_card_number(s: &str) -> bool {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .unwrap_or_default();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::infer;
    use crate::data::text_builder::TextBuilder;

    fn text_column(name: &str, values: &[&str]) -> Column {
        let mut b = TextBuilder::default();
        values.iter().for_each(|v| b.push(Some(v)));
        infer::column(name.into(), ColumnValues::Text(b.finish()))
    }

    #[test]
    fn patterns_are_recognised() {
        assert!(is_iban("GB82 WEST 1234 5698 7654 32"));
        assert!(!is_iban("GB82 WEST 1234 5698 7654 33"));
        assert!(is_card_number("4111 1111 1111 1111"));
        assert!(!is_card_number("4111 1111 1111 1112"));
    }

    #[test]
    fn columns_are_flagged_by_values_and_by_name() {
        let check = |c: &Column| super::check(c, &Profile::of(&c.values));
        let emails = text_column(
            "contact",
            &["a@b.com", "c@d.org", "e@f.net", "g@h.io", "i@j.co"],
        );
        assert!(check(&emails).is_some_and(|i| i.message.contains("e-mail")));
        let names = text_column(
            "Name",
            &[
                "Braund, Mr. Owen",
                "Cumings, Mrs. John",
                "Heikkinen, Miss. Laina",
                "Allen, Mr. William",
                "Moran, Mr. James",
            ],
        );
        assert!(check(&names).is_some_and(|i| i.message.contains("names")));
        let phones = text_column(
            "x",
            &[
                "+44 20 7946 0958",
                "020 7946 0000",
                "+1 (555) 010-9999",
                "0612345678",
                "+33 1 23 45 67 89",
            ],
        );
        assert!(check(&phones).is_some_and(|i| i.message.contains("phone")));
        let products = text_column("product_name", &["Shoe", "Hat", "Bag", "Belt", "Scarf"]);
        assert!(check(&products).is_none());
        assert_eq!(name_words("customerEmail"), vec!["customer", "email"]);
    }
}
