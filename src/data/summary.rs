//! A log summarised per key: one row per customer out of their purchases,
//! so that groups and models describe customers rather than single
//! purchases. Each kept column becomes a few plain figures per key: how
//! many rows it has, how recent and how old its dates are (counted back
//! from the latest date in the table), the total and the average of each
//! amount, the share of yes of each yes/no column, the most common label
//! of each category (a label each key holds only one of, such as a
//! customer's plan or whether they churned, keeps its name and labels:
//! it is the key's own), and how many different values of each other
//! identifier (orders on a log of order lines) or many-labelled category
//! (products) it has. Free text is left out.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use serde::{Deserialize, Serialize};

use super::infer;
use super::role::ColumnRole;
use super::table::{Column, ColumnValues, Table, format_datetime};
use super::text_builder::TextBuilder;
use crate::error::{ClearboxError, Result};
use crate::words::{count, rows};

/// Seconds in a day: recency and age are given in days.
const DAY: f64 = 86_400.0;

/// One row per value of `key`: what [`Fix::SummarisePer`](super::Fix)
/// records, and what a model trained on such a table repeats on new rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerKey {
    /// The column naming what each row is about (`customer_id`).
    pub key: String,
}

impl PerKey {
    /// What one summarised row stands for, in words: the key's name
    /// without its `_id` ("customer" for `customer_id` and `CustomerID`).
    pub fn noun(&self) -> String {
        let name = self.key.trim();
        let lower = name.to_ascii_lowercase();
        let stem = [
            "_id", " id", "-id", "_key", " key", "_no", " no", "_number", " number", "_code",
            " code",
        ]
        .iter()
        .find(|suffix| lower.ends_with(*suffix))
        .map(|suffix| &name[..name.len() - suffix.len()])
        .or_else(|| {
            ["ID", "Id", "No", "Code", "Number", "Key"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
        })
        .unwrap_or(name)
        .trim_matches(|c: char| c == '_' || c == '-' || c.is_whitespace());
        if stem.is_empty() {
            return name.to_owned();
        }
        // Camel case to words ("AccountHolder" → "account holder"); names
        // in capitals (SKU) stay as written.
        if !stem.chars().any(char::is_lowercase) {
            return stem.replace('_', " ");
        }
        let mut words = String::with_capacity(stem.len() + 4);
        let mut previous_lower = false;
        for c in stem.chars() {
            if c.is_uppercase() && previous_lower {
                words.push(' ');
            }
            previous_lower = c.is_lowercase();
            words.extend(c.to_lowercase());
        }
        words.replace('_', " ")
    }

    /// [`Self::noun`] in the plural: "customers", "policies", "addresses".
    pub fn nouns(&self) -> String {
        let noun = self.noun();
        if noun.ends_with(['s', 'x']) || noun.ends_with("ch") || noun.ends_with("sh") {
            format!("{noun}es")
        } else if let Some(stem) = noun.strip_suffix('y')
            && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
        {
            format!("{stem}ies")
        } else {
            format!("{noun}s")
        }
    }

    /// `n` summarised rows in words: "23,570 customers", "1 customer".
    pub fn count(&self, n: usize) -> String {
        if n == 1 {
            format!("1 {}", self.noun())
        } else {
            format!("{} {}", count(n), self.nouns())
        }
    }

    /// `table` summarised: one row per value of the key, in order of first
    /// appearance. Rows without a key are left out and counted in a notice.
    pub fn summarise(&self, table: &Table) -> Result<Table> {
        self.summarise_for(table, &[])
    }

    /// [`Self::summarise`], giving a label column the form `wanted` names
    /// where it names one: a model that learned `plan` as the customer's
    /// own label (each customer had one) reads it so on new rows, even
    /// where a customer's rows there disagree.
    pub fn summarise_for(&self, table: &Table, wanted: &[String]) -> Result<Table> {
        let key = table.named(&self.key)?;
        let (group_of, labels) = groups(&key.values);
        let n = labels.len();
        if n == 0 {
            return Err(ClearboxError::BadRequest(format!(
                "'{}' in '{}' is empty on every row, so its rows cannot be summarised per {}. \
                 Choose a column that names what each row is about.",
                self.key,
                table.name,
                self.noun()
            )));
        }
        let mut rows_per = vec![0.0; n];
        for g in group_of.iter().flatten() {
            rows_per[*g as usize] += 1.0;
        }
        let mut columns = vec![
            Column::new(
                self.key.clone(),
                ColumnRole::Identifier,
                ColumnValues::Text(super::table::TextValues {
                    codes: (0..n as u32).collect(),
                    levels: labels,
                }),
            ),
            infer::column(
                format!("rows per {}", self.noun()),
                ColumnValues::Number(rows_per),
            ),
        ];
        // Each date column counts back from its own latest date.
        let mut latest = Vec::new();
        for column in table.columns.iter().filter(|c| c.name != self.key) {
            if let (ColumnValues::Datetime(v), ColumnRole::Datetime) =
                (column.values.as_ref(), column.role)
                && let Some(last) = v.iter().flatten().max()
            {
                latest.push((column.name.as_str(), *last));
            }
            columns.extend(summarise_column(column, &group_of, n, wanted));
        }
        unique_names(&mut columns);
        let unkeyed = group_of.iter().filter(|g| g.is_none()).count();
        let mut notices = table.notices.clone();
        notices.push(format!(
            "Summarised {} rows into {}, one per {}{}{}.",
            count(table.rows),
            count(n),
            self.key,
            if unkeyed > 0 {
                format!(
                    "; {} without a {} {} left out",
                    rows(unkeyed),
                    self.key,
                    if unkeyed == 1 { "was" } else { "were" }
                )
            } else {
                String::new()
            },
            match latest.as_slice() {
                [] => String::new(),
                [(name, last)] => format!(
                    "; days are counted back from the latest {name}, {}",
                    format_datetime(*last)
                ),
                _ => "; days are counted back from each date column's latest date".to_owned(),
            },
        ));
        Ok(Table {
            name: table.name.clone(),
            origin: table.origin.clone(),
            columns,
            rows: n,
            notices,
            fingerprint: table.fingerprint.clone(),
            summarised: Some(self.clone()),
        })
    }
}

/// `n` rows of a table in words: "12,164 customers" where it sums up a
/// log `per` key, else "12,164 rows".
pub fn rows_in_words(per: Option<&PerKey>, n: usize) -> String {
    per.map_or_else(|| crate::words::rows(n), |per| per.count(n))
}

/// `table` summed up per key as `like` is, so a newer file compares
/// with a summarised one; unchanged where `like` is no summary or `table`
/// already is one (a summary exported earlier has all of its columns).
pub fn summarised_like(like: &Table, table: Table) -> Result<Table> {
    let has_every_column = like.columns.iter().all(|c| table.column(&c.name).is_some());
    match (&like.summarised, &table.summarised) {
        (Some(per), None) if !has_every_column => {
            let shape: Vec<String> = like.columns.iter().map(|c| c.name.clone()).collect();
            per.summarise_for(&table, &shape)
        }
        _ => Ok(table),
    }
}

/// Each row's group (`None` where the key is missing) and each group's
/// label, in order of first appearance.
fn groups(values: &ColumnValues) -> (Vec<Option<u32>>, Vec<String>) {
    let mut labels = Vec::new();
    let mut add = |row: usize| {
        labels.push(values.display(row).into_owned());
        labels.len() as u32 - 1
    };
    let group_of = match values {
        ColumnValues::Text(t) => {
            let mut of_code = vec![None; t.levels.len()];
            t.codes
                .iter()
                .enumerate()
                .map(|(row, &code)| {
                    let slot = of_code.get_mut(code as usize)?;
                    Some(*slot.get_or_insert_with(|| add(row)))
                })
                .collect()
        }
        ColumnValues::Number(v) => {
            let mut seen = HashMap::with_hasher(RandomState::default());
            v.iter()
                .enumerate()
                .map(|(row, x)| {
                    (!x.is_nan()).then(|| *seen.entry(x.to_bits()).or_insert_with(|| add(row)))
                })
                .collect()
        }
        ColumnValues::Datetime(v) => {
            let mut seen = HashMap::with_hasher(RandomState::default());
            v.iter()
                .enumerate()
                .map(|(row, s)| s.map(|s| *seen.entry(s).or_insert_with(|| add(row))))
                .collect()
        }
    };
    (group_of, labels)
}

/// The summary columns of one column, by its role; none for identifiers
/// and free text, which say nothing a figure could.
fn summarise_column(
    column: &Column,
    group_of: &[Option<u32>],
    n: usize,
    wanted: &[String],
) -> Vec<Column> {
    let name = &column.name;
    // A label each key holds one of (a customer's plan, whether they
    // churned) is the key's own: it keeps its name and its labels.
    let labelled = matches!(column.role, ColumnRole::Boolean | ColumnRole::Category);
    if labelled && keeps_own_label(column, group_of, wanted) {
        return vec![Column::new(
            name.clone(),
            column.role,
            most_common(&column.values, group_of, n),
        )];
    }
    match (column.role, column.values.as_ref()) {
        (ColumnRole::Number, ColumnValues::Number(v)) => {
            let (sum, filled) = sums(group_of, n, |row| Some(v[row]).filter(|x| !x.is_nan()));
            let total = sum
                .iter()
                .zip(&filled)
                .map(|(&s, &f)| if f > 0 { s } else { f64::NAN })
                .collect();
            let average = sum
                .iter()
                .zip(&filled)
                .map(|(&s, &f)| s / f as f64)
                .collect();
            vec![
                infer::column(format!("total {name}"), ColumnValues::Number(total)),
                infer::column(format!("average {name}"), ColumnValues::Number(average)),
            ]
        }
        (ColumnRole::Boolean, values) => {
            let yes = |row: usize| -> Option<f64> {
                let shown = values.display(row);
                let shown = shown.trim().to_ascii_lowercase();
                (!shown.is_empty()).then(|| {
                    f64::from(u8::from(
                        ["1", "yes", "y", "true", "t"].contains(&shown.as_str()),
                    ))
                })
            };
            let (sum, filled) = sums(group_of, n, yes);
            let share = sum
                .iter()
                .zip(&filled)
                .map(|(&s, &f)| s / f as f64)
                .collect();
            // Inferred: a flag the same on each key's rows (churned) stays
            // a yes/no column, which can be predicted as one.
            vec![infer::column(
                format!("share {name}"),
                ColumnValues::Number(share),
            )]
        }
        (ColumnRole::Datetime, ColumnValues::Datetime(v)) => {
            let Some(latest) = v.iter().flatten().max().copied() else {
                return Vec::new();
            };
            let mut span: Vec<Option<(i64, i64)>> = vec![None; n];
            for (row, g) in group_of.iter().enumerate() {
                if let (Some(g), Some(s)) = (g, v[row]) {
                    let slot = &mut span[*g as usize];
                    *slot = Some(slot.map_or((s, s), |(lo, hi)| (lo.min(s), hi.max(s))));
                }
            }
            let days = |pick: fn((i64, i64)) -> i64| -> ColumnValues {
                ColumnValues::Number(
                    span.iter()
                        .map(|s| s.map_or(f64::NAN, |s| ((latest - pick(s)) as f64 / DAY).round()))
                        .collect(),
                )
            };
            vec![
                infer::column(format!("days since last {name}"), days(|(_, hi)| hi)),
                infer::column(format!("days since first {name}"), days(|(lo, _)| lo)),
            ]
        }
        // An order number on a log of order lines, a product code: how many
        // different ones each key has is what they say (orders, products).
        (ColumnRole::Identifier, values) => vec![different(name, values, group_of, n)],
        (ColumnRole::Category, values) if labels(values) > MOST_LABELS => {
            vec![different(name, values, group_of, n)]
        }
        (ColumnRole::Category, values) => vec![Column::new(
            format!("most common {name}"),
            ColumnRole::Category,
            most_common(values, group_of, n),
        )],
        _ => Vec::new(),
    }
}

/// Whether a label column stays the key's own label: where `wanted` names
/// it or one of its summaries, as it says; else where no key's rows hold
/// two different labels.
fn keeps_own_label(column: &Column, group_of: &[Option<u32>], wanted: &[String]) -> bool {
    let name = &column.name;
    if wanted.contains(name) {
        return true;
    }
    let summaries = [
        format!("share {name}"),
        format!("most common {name}"),
        format!("number of different {name}"),
    ];
    if wanted.iter().any(|w| summaries.contains(w)) {
        return false;
    }
    let mut pairs = sorted_pairs(&column.values, group_of);
    pairs.dedup();
    pairs.windows(2).all(|w| w[0].0 != w[1].0)
}

/// Labels above which a category is summed up by how many different ones
/// each key has rather than by its most common one, which would be a
/// label of its own for nearly every key.
const MOST_LABELS: usize = 50;

/// How many different labels `values` holds.
fn labels(values: &ColumnValues) -> usize {
    match values {
        ColumnValues::Text(t) => t.level_counts().iter().filter(|&&c| c > 0).count(),
        other => {
            let mut codes: Vec<u64> = (0..other.len()).filter_map(|r| code(other, r)).collect();
            codes.sort_unstable();
            codes.dedup();
            codes.len()
        }
    }
}

/// Per group, the sum of the values `value` gives and how many it gave.
fn sums(
    group_of: &[Option<u32>],
    n: usize,
    value: impl Fn(usize) -> Option<f64>,
) -> (Vec<f64>, Vec<usize>) {
    let (mut sum, mut filled) = (vec![0.0; n], vec![0usize; n]);
    for (row, g) in group_of.iter().enumerate() {
        if let (Some(g), Some(x)) = (g, value(row)) {
            sum[*g as usize] += x;
            filled[*g as usize] += 1;
        }
    }
    (sum, filled)
}

/// The value on `row` as a number that is equal exactly where the values
/// are (a text's code, a number's bits, a moment's seconds); `None` when
/// missing.
fn code(values: &ColumnValues, row: usize) -> Option<u64> {
    match values {
        ColumnValues::Text(t) => t.get(row).map(|_| u64::from(t.codes[row])),
        ColumnValues::Number(v) => Some(v[row]).filter(|x| !x.is_nan()).map(f64::to_bits),
        ColumnValues::Datetime(v) => v[row].map(|s| s as u64),
    }
}

/// Every keyed, filled-in row's (group, value code), sorted, so equal
/// pairs sit together. On a 2-million-row log sorting took a fraction of
/// what hashing the pairs did.
fn sorted_pairs(values: &ColumnValues, group_of: &[Option<u32>]) -> Vec<(u32, u64)> {
    let mut pairs: Vec<(u32, u64)> = group_of
        .iter()
        .enumerate()
        .filter_map(|(row, g)| Some(((*g)?, code(values, row)?)))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Per key, how many different values of `values` its rows hold.
fn different(name: &str, values: &ColumnValues, group_of: &[Option<u32>], n: usize) -> Column {
    let mut pairs = sorted_pairs(values, group_of);
    pairs.dedup();
    let mut counts = vec![0.0; n];
    for (g, _) in pairs {
        counts[g as usize] += 1.0;
    }
    infer::column(
        format!("number of different {name}"),
        ColumnValues::Number(counts),
    )
}

/// Per group, its most common label (among equals, the one first in the
/// file for text, the smallest for numbers and dates).
fn most_common(values: &ColumnValues, group_of: &[Option<u32>], n: usize) -> ColumnValues {
    let pairs = sorted_pairs(values, group_of);
    let mut best: Vec<Option<(u64, usize)>> = vec![None; n];
    for run in pairs.chunk_by(|a, b| a == b) {
        let (g, value) = run[0];
        let slot = &mut best[g as usize];
        // Runs come in increasing value order: only more rows win.
        if slot.is_none_or(|(_, times)| run.len() > times) {
            *slot = Some((value, run.len()));
        }
    }
    // In the column's own kind, so numbers used as labels stay numbers.
    let chosen = best.iter().map(|b| b.map(|(value, _)| value));
    match values {
        ColumnValues::Text(t) => {
            let mut built = TextBuilder::with_capacity(n);
            for code in chosen {
                built.push(
                    code.and_then(|c| t.levels.get(c as usize))
                        .map(String::as_str),
                );
            }
            ColumnValues::Text(built.finish())
        }
        ColumnValues::Number(_) => {
            ColumnValues::Number(chosen.map(|c| c.map_or(f64::NAN, f64::from_bits)).collect())
        }
        ColumnValues::Datetime(_) => {
            ColumnValues::Datetime(chosen.map(|c| c.map(|s| s as i64)).collect())
        }
    }
}

/// Makes every column name unique, numbering repeats ("total x (2)").
fn unique_names(columns: &mut [Column]) {
    let mut seen = std::collections::HashSet::new();
    for column in columns.iter_mut() {
        let mut name = column.name.clone();
        let mut n = 2;
        while !seen.insert(name.clone()) {
            name = format!("{} ({n})", column.name);
            n += 1;
        }
        column.name = name;
    }
}

#[cfg(test)]
mod tests;
