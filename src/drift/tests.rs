//! Drift found where it was put, and not where it was not: known shifts
//! injected into real samples, false alarms on random splits, tiny shifts
//! on many rows.

use std::sync::Arc;

use super::stats::SplitMix;
use super::*;
use crate::data::rows::take_rows;
use crate::data::{Column, ColumnValues, DataSource, TableOrigin, TextValues, load};

fn sample(id: &str) -> Table {
    load(
        &DataSource::Sample(crate::samples::find(id).expect("sample")),
        &Progress::silent(),
    )
    .expect("loads")
}

/// Two random halves of `table`.
fn halves(table: &Table, seed: u64) -> (Table, Table) {
    let mut rng = SplitMix::new(seed);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for row in 0..table.rows {
        if rng.next_u64().is_multiple_of(2) {
            a.push(row)
        } else {
            b.push(row)
        }
    }
    (
        take_rows(table, &a, "first half".into()),
        take_rows(table, &b, "second half".into()),
    )
}

fn replace(table: &mut Table, name: &str, values: ColumnValues) {
    let column = table
        .columns
        .iter_mut()
        .find(|c| c.name == name)
        .expect("column");
    column.values = Arc::new(values);
}

fn numbers(table: &Table, name: &str) -> Vec<f64> {
    match table.column(name).map(|c| c.values.as_ref()) {
        Some(ColumnValues::Number(v)) => v.clone(),
        other => panic!("{name} is not numbers: {other:?}"),
    }
}

fn run(reference: &Table, current: &Table) -> DriftReport {
    compare(
        reference,
        current,
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )
    .expect("compares")
}

fn drifted(report: &DriftReport) -> Vec<&str> {
    report
        .columns
        .iter()
        .filter(|c| c.drifted())
        .map(|c| c.name.as_str())
        .collect()
}

#[test]
fn a_shifted_mean_is_found_and_described() {
    let (reference, mut current) = halves(&sample("telco_churn"), 1);
    let charges = numbers(&current, "monthly_charges");
    let sd = 30.0; // monthly charges spread about 30 around 65
    let shifted = charges.iter().map(|x| x + 0.5 * sd).collect();
    replace(
        &mut current,
        "monthly_charges",
        ColumnValues::Number(shifted),
    );
    let report = run(&reference, &current);
    assert_eq!(drifted(&report), vec!["monthly_charges"], "{report:#?}");
    let column = &report.columns[0];
    assert_eq!(column.band, DriftBand::Large);
    assert!(
        column.sentence.contains("shifted higher: median"),
        "{}",
        column.sentence
    );
    assert_eq!(report.verdict, DriftVerdict::Retrain);
    assert!(report.reasons[0].starts_with("monthly_charges has shifted higher"));
}

#[test]
fn a_new_category_is_found_and_named() {
    let (reference, mut current) = halves(&sample("telco_churn"), 2);
    let Some(ColumnValues::Text(t)) = current
        .column("payment_method")
        .map(|c| (*c.values).clone())
    else {
        panic!("payment_method is text");
    };
    let mut t: TextValues = t;
    t.levels.push("Crypto wallet".into());
    let new = (t.levels.len() - 1) as u32;
    for (i, code) in t.codes.iter_mut().enumerate() {
        if i % 10 == 0 {
            *code = new;
        }
    }
    replace(&mut current, "payment_method", ColumnValues::Text(t));
    let report = run(&reference, &current);
    assert_eq!(drifted(&report), vec!["payment_method"], "{report:#?}");
    let column = report.column("payment_method").expect("compared");
    assert!(
        column
            .sentence
            .contains("1 new label, 10% of rows, e.g. 'Crypto wallet'"),
        "{}",
        column.sentence
    );
}

#[test]
fn more_missing_values_are_found() {
    let (reference, mut current) = halves(&sample("telco_churn"), 3);
    let tenure: Vec<f64> = numbers(&current, "tenure")
        .into_iter()
        .enumerate()
        .map(|(i, x)| if i % 5 == 0 { f64::NAN } else { x })
        .collect();
    replace(&mut current, "tenure", ColumnValues::Number(tenure));
    let report = run(&reference, &current);
    assert_eq!(drifted(&report), vec!["tenure"], "{report:#?}");
    let column = report.column("tenure").expect("compared");
    assert!(
        column
            .sentence
            .starts_with("tenure is missing more often: in 20% of rows, up from 0%"),
        "{}",
        column.sentence
    );
}

#[test]
fn random_splits_raise_at_most_five_percent_false_alarms() {
    let telco = sample("telco_churn");
    let census = sample("census_drift");
    let year = numbers(&census, "year");
    let rows_2015: Vec<usize> = (0..census.rows).filter(|&r| year[r] == 2015.0).collect();
    let census_2015 = take_rows(&census, &rows_2015, "census 2015".into());
    let (mut flagged, mut compared, mut alarms, mut splits) = (0, 0, 0, 0);
    for (table, seeds) in [(&telco, 0..100u64), (&census_2015, 100..200u64)] {
        for seed in seeds {
            let (a, b) = halves(table, seed);
            let report = run(&a, &b);
            flagged += drifted(&report).len();
            compared += report.columns.len();
            splits += 1;
            if report.verdict != DriftVerdict::Stable {
                alarms += 1;
            }
        }
    }
    let column_rate = flagged as f64 / compared as f64;
    let split_rate = f64::from(alarms) / f64::from(splits);
    eprintln!("false alarms: {flagged} of {compared} columns, {alarms} of {splits} splits");
    assert!(
        column_rate <= 0.05 && split_rate <= 0.05,
        "{flagged} of {compared} columns, {alarms} of {splits} splits"
    );
}

fn gaussian_table(rows: usize, shift: f64, seed: u64) -> Table {
    let mut rng = SplitMix::new(seed);
    let mut uniform = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let values: Vec<f64> = (0..rows)
        .map(|_| {
            let (u1, u2) = (uniform().max(1e-300), uniform());
            40.0 + 12.0 * ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos() + shift)
        })
        .collect();
    Table {
        name: format!("gaussian {seed}"),
        origin: TableOrigin::Sample("test".into()),
        columns: vec![Column {
            name: "age".into(),
            role: ColumnRole::Number,
            inferred_role: ColumnRole::Number,
            values: Arc::new(ColumnValues::Number(values)),
            read_as_missing: Vec::new(),
        }],
        rows,
        notices: Vec::new(),
        fingerprint: String::new(),
        summarised: None,
    }
}

#[test]
fn a_tiny_shift_on_many_rows_is_detectable_but_small() {
    // 277k rows split in two, one side older by a twentieth of a spread.
    let report = run(
        &gaussian_table(138_000, 0.0, 1),
        &gaussian_table(139_000, 0.05, 2),
    );
    let age = report.column("age").expect("compared");
    assert_eq!(age.band, DriftBand::Small, "{age:#?}");
    assert!(!age.drifted());
    assert!(
        age.sentence.contains("statistically detectable"),
        "{}",
        age.sentence
    );
    assert_eq!(report.verdict, DriftVerdict::Stable);
    assert!(report.method.contains("Holm"));
}

#[test]
fn small_tables_need_evidence_before_alarming() {
    // A real shift, but 25 rows a side cannot show it beyond doubt.
    let report = run(&gaussian_table(25, 0.0, 3), &gaussian_table(25, 0.3, 4));
    let age = report.column("age").expect("compared");
    assert!(!age.drifted(), "{age:#?}");
    assert_eq!(report.verdict, DriftVerdict::Stable);
}

#[test]
fn columns_that_label_the_tables_or_rows_are_left_out() {
    let census = sample("census_drift");
    let report = compare_periods(
        &census,
        "year",
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )
    .expect("compares");
    assert_eq!(
        report
            .periods
            .iter()
            .map(|p| p.label.as_str())
            .collect::<Vec<_>>(),
        vec!["2015", "2018"]
    );
    let left: Vec<&str> = report
        .latest
        .left_out
        .iter()
        .map(|l| l.column.as_str())
        .collect();
    assert!(
        left.contains(&"id") && left.contains(&"year") && left.contains(&"period"),
        "{left:?}"
    );
    let age = report
        .series
        .iter()
        .find(|s| s.name == "AGEP")
        .expect("a series");
    assert_eq!(age.psi.len(), 2);
    assert_eq!(age.psi[0], 0.0);
}

#[test]
fn bad_requests_are_plain_sentences() {
    let telco = sample("telco_churn");
    let penguins = sample("penguins");
    let err = compare(
        &telco,
        &penguins,
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )
    .expect_err("nothing in common");
    assert!(err.to_string().contains("no columns with the same names"));
    let err = compare(
        &telco,
        &telco,
        &DriftOptions {
            exclude: vec!["nope".into()],
        },
        None,
        &Progress::silent(),
    )
    .expect_err("unknown column");
    assert!(err.to_string().contains("'nope'"));
    let err = compare_periods(
        &telco,
        "tenure",
        &DriftOptions::default(),
        None,
        &Progress::silent(),
    )
    .expect_err("too many periods");
    assert!(err.to_string().contains("too many to be periods"));
}

#[test]
fn three_kinds_of_injected_shift_in_a_synthetic_pair_are_all_found() {
    let reference = crate::bench::synthetic::drift_table(20_000, 10, 1, &[]);
    let current = crate::bench::synthetic::drift_table(20_000, 10, 2, &[0, 2, 3, 4]);
    let report = run(&reference, &current);
    let mut found = drifted(&report);
    found.sort_unstable();
    assert_eq!(found, vec!["c00", "c02", "c03", "c04"], "{report:#?}");
}
