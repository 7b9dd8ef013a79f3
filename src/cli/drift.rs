//! `clearbox drift`: is the new data still like the old, and is the model still right?

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use clearbox::ClearboxError;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, Table, load};
use clearbox::drift::{
    ColumnDrift, DriftOptions, DriftReport, Measures, ModelCheck, PeriodReport, compare,
    compare_periods,
};
use clearbox::jobs::Progress;
use serde_json::{Value, json};

use super::project::Use;

/// Options of `clearbox drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The older data: what the model was trained on, or last period's file.
    #[arg(long)]
    reference: Option<PathBuf>,
    /// The newer data to check.
    #[arg(long)]
    current: Option<PathBuf>,
    /// One file holding every period (with --period-column).
    #[arg(long, conflicts_with_all = ["current"])]
    data: Option<PathBuf>,
    /// A bundled sample as the one file (with --period-column).
    #[arg(long, conflicts_with_all = ["data", "reference", "current"])]
    sample: Option<String>,
    /// A model folder made by `clearbox train`: its predictions and score are checked too.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Split one file into periods by this column and compare each with the first.
    #[arg(long)]
    period_column: Option<String>,
    /// Columns to leave out, separated by commas.
    #[arg(long, value_delimiter = ',')]
    exclude: Vec<String>,
    /// Keep the check in this project file (created when absent).
    #[arg(long)]
    project: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// `table` as the model reads it: a log summed up per key where the model
/// learned from such a summary.
fn shaped(check: Option<&ModelCheck<'_>>, table: Table) -> clearbox::Result<Table> {
    match check.map(|c| c.model.shaped(&table)).transpose()?.flatten() {
        Some(summary) => Ok(summary),
        None => Ok(table),
    }
}

pub fn run(args: &DriftArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let started = Instant::now();
    let options = DriftOptions {
        exclude: args.exclude.clone(),
    };
    let loaded_model = match &args.model {
        Some(dir) => {
            let device = select_device(preference)?;
            let model = clearbox::templates::open(dir, &device.device)?;
            Some((model, device))
        }
        None => None,
    };
    let check = loaded_model.as_ref().map(|(model, device)| ModelCheck {
        model: model.as_ref(),
        device: &device.device,
    });
    let silent = Progress::silent();
    match &args.period_column {
        Some(column) => {
            if args.reference.is_some() && args.current.is_some() {
                return Err(ClearboxError::BadRequest(
                    "--period-column splits one file: give it with --data FILE, not two files."
                        .into(),
                ));
            }
            let file = args.data.as_ref().or(args.reference.as_ref());
            let source = super::data_source(
                file,
                args.sample.as_deref(),
                "Name the file to split into periods with --data FILE.",
            )?;
            let table = load(&source, &silent)?;
            let report = compare_periods(&table, column, &options, check.as_ref(), &silent)?;
            keep(args, &[&table], &report.latest)?;
            if args.json {
                let mut value = report_json(&report.latest);
                value["period_column"] = json!(report.column);
                value["periods"] = periods_json(&report);
                value["notes"] = json!(report.notes);
                value["seconds"] = json!(started.elapsed().as_secs_f64());
                println!("{value}");
            } else {
                print_periods(&report);
                print_report(&report.latest);
            }
        }
        None => {
            let (Some(reference), Some(current)) = (&args.reference, &args.current) else {
                return Err(ClearboxError::BadRequest(
                    "Name both tables: --reference OLD_FILE --current NEW_FILE (or one file with \
                     --data FILE --period-column COLUMN)."
                        .into(),
                ));
            };
            let reference = shaped(
                check.as_ref(),
                load(&DataSource::File(reference.clone()), &silent)?,
            )?;
            let current = shaped(
                check.as_ref(),
                load(&DataSource::File(current.clone()), &silent)?,
            )?;
            let report = compare(&reference, &current, &options, check.as_ref(), &silent)?;
            keep(args, &[&reference, &current], &report)?;
            if args.json {
                let mut value = report_json(&report);
                value["seconds"] = json!(started.elapsed().as_secs_f64());
                println!("{value}");
            } else {
                print_report(&report);
            }
        }
    }
    Ok(())
}

/// Keeps the check in the project named by `--project`.
fn keep(args: &DriftArgs, tables: &[&Table], report: &DriftReport) -> clearbox::Result<()> {
    if let Some(mut used) = Use::open(args.project.as_deref(), args.model.as_deref(), tables)? {
        used.project.add_drift_check(
            used.run,
            &report.reference_name,
            &report.current_name,
            report.verdict.key(),
            &report_json(report),
        )?;
    }
    Ok(())
}

fn column_json(c: &ColumnDrift) -> Value {
    let mut value = json!({
        "name": c.name,
        "role": c.role,
        "psi": c.psi,
        "js": c.js,
        "drifted": c.drifted(),
        "band": c.band,
        "p_value": c.p_value,
        "p_adjusted": c.p_adjusted,
        "sentence": c.sentence,
        "missing": { "reference": c.missing.0, "current": c.missing.1 },
        "importance": c.importance,
    });
    match &c.measures {
        Measures::Number(n) => {
            value["ks"] = json!(n.ks);
            value["wasserstein"] = json!(n.wasserstein);
            value["median"] = json!({ "reference": n.median.0, "current": n.median.1 });
            value["mean"] = json!({ "reference": n.mean.0, "current": n.mean.1 });
        }
        Measures::Label(l) => value["new_labels"] = json!(l.new_labels),
    }
    value
}

fn report_json(report: &DriftReport) -> Value {
    json!({
        "verdict": report.verdict.key(),
        "reasons": report.reasons,
        "reference": { "name": report.reference_name, "rows": report.rows.0 },
        "current": { "name": report.current_name, "rows": report.rows.1 },
        "columns": report.columns.iter().map(column_json).collect::<Vec<_>>(),
        "left_out": report.left_out,
        "model": report.model.as_ref().map(|m| json!({
            "target": m.target,
            "importance": m.importance,
            "predictions": { "psi": m.predictions.psi, "band": m.predictions.band, "sentence": m.predictions.sentence },
            "score": m.score,
        })),
        "method": report.method,
    })
}

fn periods_json(report: &PeriodReport) -> Value {
    json!(
        report
            .periods
            .iter()
            .enumerate()
            .map(|(i, p)| json!({
                "period": p.label,
                "rows": p.rows,
                "verdict": p.verdict.key(),
                "score": p.score,
                "psi": report.series.iter().map(|s| (s.name.clone(), json!(s.psi.get(i).copied().filter(|x| x.is_finite())))).collect::<serde_json::Map<_, _>>(),
            }))
            .collect::<Vec<_>>()
    )
}

fn print_report(report: &DriftReport) {
    println!(
        "Comparing '{}' ({} rows) with '{}' ({} rows).",
        report.reference_name, report.rows.0, report.current_name, report.rows.1
    );
    println!(
        "Verdict: {}. {}",
        report.verdict.word(),
        report.verdict.advice()
    );
    for reason in &report.reasons {
        println!("  - {reason}");
    }
    if let Some(model) = &report.model {
        let top: Vec<String> = model
            .importance
            .iter()
            .take(5)
            .map(|(name, share)| format!("{name} {}", clearbox::words::percent(*share)))
            .collect();
        println!("The model relies most on: {}.", top.join(", "));
        println!("{}", model.predictions.sentence);
    }
    println!();
    for c in &report.columns {
        println!("{:<15} {}", c.band.word(), c.sentence);
    }
    for left in &report.left_out {
        println!("Left out '{}': {}.", left.column, left.reason);
    }
}

fn print_periods(report: &PeriodReport) {
    println!("Each period of '{}' against the first:", report.column);
    for p in &report.periods {
        let score = p
            .score
            .map(|s| format!(", model score {s:.3}"))
            .unwrap_or_default();
        println!(
            "  {:<12} {:>9} rows  {}{score}",
            p.label,
            p.rows,
            p.verdict.word()
        );
    }
    for note in &report.notes {
        println!("  {note}");
    }
    println!();
}
