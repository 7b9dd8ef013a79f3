//! `clearbox profile`: the data-health report, as text or JSON.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use clearbox::ClearboxError;
use clearbox::data::{Fix, load};
use clearbox::health::{HealthReport, Severity, analyse};
use clearbox::jobs::Progress;
use clearbox::project::EventKind;
use clearbox::words;

/// Options of `clearbox profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The CSV or Parquet file to check.
    #[arg(required_unless_present = "sample")]
    file: Option<PathBuf>,
    /// Check a bundled sample instead of a file.
    #[arg(long, conflicts_with = "file")]
    sample: Option<String>,
    /// The column you want to predict: adds checks for imbalance and leakage.
    #[arg(long)]
    target: Option<String>,
    /// Replay the role changes and fixes saved in this recipe file (RON).
    #[arg(long)]
    recipe: Option<PathBuf>,
    /// Make one row per value of this column first, summing up the rows that share it (a purchase log → one row per customer).
    #[arg(long)]
    per: Option<String>,
    /// Record the check in this project file (created when absent).
    #[arg(long)]
    project: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &ProfileArgs) -> clearbox::Result<()> {
    let source = super::data_source(
        args.file.as_ref(),
        args.sample.as_deref(),
        "Name a file to profile.",
    )?;
    let started = Instant::now();
    let original = load(&source, &Progress::silent())?;
    let loaded_at = started.elapsed();
    let recipe = super::recipe_for(&original, args.recipe.as_deref(), args.per.as_deref())?;
    let table = recipe.apply(&original);
    let report = analyse(&table, args.target.as_deref(), &Progress::silent())?;
    let profiled = started.elapsed() - loaded_at;
    if let Some(mut project) = super::project::open(args.project.as_deref())? {
        let source = project.add_source(&original, &recipe)?;
        project.record(
            EventKind::Profiled,
            serde_json::json!({
                "source": source,
                "target": args.target,
                "severity": report.severity,
                "headline": report.headline,
                "problems": report.columns.iter().filter(|c| c.severity == Severity::Problem).map(|c| &c.name).collect::<Vec<_>>(),
            }),
        )?;
    }
    if args.json {
        let mut value = serde_json::to_value(&report).map_err(|e| ClearboxError::Internal {
            activity: "writing the report".into(),
            detail: e.to_string(),
        })?;
        value["timings_ms"] = serde_json::json!({
            "load": loaded_at.as_millis(),
            "profile": profiled.as_millis(),
        });
        println!("{value}");
    } else {
        print_text(&report);
        eprintln!(
            "(loaded in {:.2} s, checked in {:.2} s)",
            loaded_at.as_secs_f64(),
            profiled.as_secs_f64()
        );
    }
    Ok(())
}

fn light(severity: Severity) -> &'static str {
    match severity {
        Severity::Ok => "[ good  ]",
        Severity::Check => "[ check ]",
        Severity::Problem => "[problem]",
    }
}

fn print_text(report: &HealthReport) {
    println!(
        "{} — {} × {} columns",
        report.table,
        words::rows(report.rows),
        report.columns.len()
    );
    println!("{} {}", light(report.severity), report.headline);
    for notice in &report.notices {
        println!("  note: {notice}");
    }
    for issue in &report.table_issues {
        println!("{} {}", light(issue.severity), issue.message);
    }
    println!();
    for column in &report.columns {
        println!(
            "{} {} ({})",
            light(column.severity),
            column.name,
            column.role.label()
        );
        for issue in &column.issues {
            println!("            - {}", issue.message);
            // The one fix the command line takes as an option rather than
            // through a recipe file.
            if let Some(Fix::SummarisePer { column }) = &issue.fix {
                println!("              (here: add --per {column} to profile or train)");
            }
        }
    }
}
