//! Awkward but valid files load, and the user is told what was repaired.

use clearbox::data::{ColumnRole, ColumnValues, DataSource, load};
use clearbox::jobs::Progress;

use super::fixture;

fn open(name: &str) -> clearbox::data::Table {
    load(
        &DataSource::File(fixture(&format!("odd_files/{name}"))),
        &Progress::silent(),
    )
    .expect("loads")
}

#[test]
fn latin1_and_bom_files_read_correctly() {
    let latin = open("latin1.csv");
    assert_eq!(latin.columns[0].name, "city");
    assert_eq!(latin.columns[0].values.display(0), "Zürich");
    assert_eq!(latin.columns[2].values.display(1), "crème brûlée");
    let bom = open("utf8_bom.csv");
    assert_eq!(
        bom.columns[0].name, "name",
        "the byte-order mark is not part of the name"
    );
    assert_eq!(bom.columns[0].values.display(1), "Björn");
}

#[test]
fn duplicate_and_empty_names_are_repaired_with_a_notice() {
    let dup = open("duplicate_names.csv");
    let names: Vec<&str> = dup.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["id", "value", "value_2", "value_3"]);
    assert!(dup.notices.iter().any(|n| n.contains("appeared twice")));
    let empty = open("empty_names.csv");
    assert_eq!(empty.columns[0].name, "column_1");
    assert_eq!(empty.columns[2].name, "column_3");
    assert!(empty.notices.iter().any(|n| n.contains("no name")));
}

#[test]
fn semicolons_and_decimal_commas_are_understood() {
    let table = open("semicolon_decimal_comma.csv");
    match table.columns[1].values.as_ref() {
        ColumnValues::Number(v) => assert_eq!(v, &vec![3.5, 4.25, 2.75]),
        other => panic!("prices should be numbers, got {other:?}"),
    }
}

/// The numbers of column `index`, or a failure naming what it was read as.
fn numbers(table: &clearbox::data::Table, index: usize) -> Vec<f64> {
    match table.columns[index].values.as_ref() {
        ColumnValues::Number(v) => v.clone(),
        other => panic!(
            "'{}' should be numbers, got {other:?}",
            table.columns[index].name
        ),
    }
}

#[test]
fn amounts_with_currency_per_cent_and_thousands_are_numbers_with_a_note() {
    let table = open("amounts.csv");
    assert_eq!(numbers(&table, 1), vec![1234.5, 80.0, 2000.0]);
    let discount = numbers(&table, 2);
    assert_eq!(&discount[..2], &[5.0, 10.0]);
    assert!(discount[2].is_nan(), "'n/a' is a missing value");
    assert_eq!(numbers(&table, 3), vec![-12.0, 0.0, -3.5]);
    assert_eq!(table.columns[1].role, ColumnRole::Number);
    let note = |column: &str| {
        table
            .notices
            .iter()
            .find(|n| n.starts_with(&format!("'{column}' was read as numbers")))
            .unwrap_or_else(|| panic!("no note for '{column}' in {:?}", table.notices))
            .clone()
    };
    assert!(
        note("monthly spend").contains(
            "the currency sign '$' and thousands separators ('$1,234.50' reads as 1234.5)"
        )
    );
    assert!(note("discount").contains("the per cent sign"));
    assert!(note("refund").contains("brackets (read as minus)"));

    // A semicolon-separated export writes decimal commas, points between
    // thousands and the sign after the amount.
    let euro = open("amounts_decimal_comma.csv");
    assert_eq!(numbers(&euro, 1), vec![1234.5, 80.0, 2000.0]);
    assert_eq!(numbers(&euro, 2), vec![12.5, 7.0, 0.0]);
}

#[test]
fn bundled_samples_load_with_sensible_roles() {
    for sample in clearbox::samples::SAMPLES {
        let table =
            load(&DataSource::Sample(sample), &Progress::silent()).expect("every sample loads");
        assert!(table.rows > 100, "{} has rows", sample.id);
        if let Some(target) = sample.suggested_target {
            assert!(
                table.column(target).is_some(),
                "{}: suggested target exists",
                sample.id
            );
        }
    }
    let penguins = load(
        &DataSource::Sample(clearbox::samples::find("penguins").expect("sample")),
        &Progress::silent(),
    )
    .expect("loads");
    let role = |name: &str| penguins.column(name).map(|c| c.role);
    assert_eq!(role("species"), Some(ColumnRole::Category));
    assert_eq!(role("bill_length_mm"), Some(ColumnRole::Number));
    let bandit = load(
        &DataSource::Sample(clearbox::samples::find("open_bandit").expect("sample")),
        &Progress::silent(),
    )
    .expect("loads");
    assert_eq!(
        bandit.column("timestamp").map(|c| c.role),
        Some(ColumnRole::Datetime)
    );
    assert_eq!(
        bandit.column("column_1").map(|c| c.role),
        Some(ColumnRole::Identifier)
    );
    assert_eq!(
        bandit.column("click").map(|c| c.role),
        Some(ColumnRole::Boolean)
    );
}

#[test]
fn the_three_million_row_parquet_file_opens() {
    let path = super::shared("drift/vega_flights_3m_2001.parquet");
    let table = load(&DataSource::File(path), &Progress::silent()).expect("loads");
    assert_eq!(table.rows, 3_000_000);
    assert_eq!(table.columns.len(), 5);
}
