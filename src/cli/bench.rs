//! `clearbox bench`: speed figures that live outside the tests.

use std::path::PathBuf;
use std::time::Instant;

use clap::Subcommand;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::health::analyse;
use clearbox::jobs::Progress;
use clearbox::ml::bench::{kmeans_throughput, train_throughput};

/// What to measure.
#[derive(Debug, Subcommand)]
pub enum BenchTarget {
    /// Training throughput of the default network on a synthetic table.
    Train {
        /// Rows in the synthetic table.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Numbers per row.
        #[arg(long, default_value_t = 64)]
        width: usize,
        /// Rows per step.
        #[arg(long, default_value_t = 4096)]
        batch: usize,
        /// Passes over the table (the first is timed apart).
        #[arg(long, default_value_t = 3)]
        passes: usize,
    },
    /// Explanations per second: a model of `--columns` number columns explains `--rows` rows.
    Explain {
        /// Rows to explain.
        #[arg(long, default_value_t = 1000)]
        rows: usize,
        /// Input columns of the model.
        #[arg(long, default_value_t = 20)]
        columns: usize,
        /// Background rows.
        #[arg(long, default_value_t = 100)]
        background: usize,
        /// Coalitions per row (all of them when they fit).
        #[arg(long, default_value_t = 2048)]
        coalitions: usize,
    },
    /// k-means speed on a synthetic table of blobs (one k-means++ start).
    Kmeans {
        /// Rows in the synthetic table.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Numbers per row.
        #[arg(long, default_value_t = 20)]
        width: usize,
        /// Groups.
        #[arg(long, default_value_t = 8)]
        k: usize,
        /// Timed runs after the warm-up run.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Time to compare two tables for drift: a synthetic 3M-row × 20-column
    /// pair with five shifted columns, or one file split by a period column.
    Drift {
        /// Rows in each synthetic table.
        #[arg(long, default_value_t = 3_000_000)]
        rows: usize,
        /// Columns in each synthetic table.
        #[arg(long, default_value_t = 20)]
        columns: usize,
        /// A file to split instead (with --period-column).
        #[arg(long, requires = "period_column")]
        file: Option<PathBuf>,
        /// The column to split the file by.
        #[arg(long)]
        period_column: Option<String>,
    },
    /// Time to open a file and check its health.
    Open {
        /// The file.
        file: PathBuf,
    },
}

pub fn run(target: &BenchTarget, preference: DevicePreference) -> clearbox::Result<()> {
    match target {
        BenchTarget::Train {
            rows,
            width,
            batch,
            passes,
        } => {
            let device = select_device(preference)?;
            let report = train_throughput(
                &device.device,
                *rows,
                *width,
                *batch,
                *passes,
                &Progress::silent(),
            )?;
            print_report(&report, &device);
        }
        BenchTarget::Explain {
            rows,
            columns,
            background,
            coalitions,
        } => {
            let device = select_device(preference)?;
            let options = clearbox::explain::ExplainOptions {
                background: *background,
                coalitions: *coalitions,
                seed: 0,
            };
            let report =
                clearbox::explain::bench::explain_throughput(&device, *columns, *rows, &options)?;
            print_report(&report, &device);
        }
        BenchTarget::Kmeans {
            rows,
            width,
            k,
            runs,
        } => {
            let device = select_device(preference)?;
            let report = kmeans_throughput(
                &device.device,
                *rows,
                *width,
                *k,
                *runs,
                &Progress::silent(),
            )?;
            print_report(&report, &device);
        }
        BenchTarget::Drift {
            rows,
            columns,
            file,
            period_column,
        } => bench_drift(*rows, *columns, file.as_ref(), period_column.as_deref())?,
        BenchTarget::Open { file } => {
            let started = Instant::now();
            let table = load(&DataSource::File(file.clone()), &Progress::silent())?;
            let loaded = started.elapsed().as_secs_f64();
            analyse(&table, None, &Progress::silent())?;
            let total = started.elapsed().as_secs_f64();
            println!(
                "{}",
                serde_json::json!({ "rows": table.rows, "columns": table.columns.len(), "load_seconds": loaded, "profile_seconds": total - loaded })
            );
        }
    }
    Ok(())
}

fn bench_drift(
    rows: usize,
    columns: usize,
    file: Option<&PathBuf>,
    period_column: Option<&str>,
) -> clearbox::Result<()> {
    use clearbox::drift::{DriftOptions, compare, compare_periods, synthetic};
    let started = Instant::now();
    let silent = Progress::silent();
    let options = DriftOptions::default();
    let value = match (file, period_column) {
        (Some(file), Some(column)) => {
            let table = load(&DataSource::File(file.clone()), &silent)?;
            let loaded = started.elapsed().as_secs_f64();
            let timer = Instant::now();
            let report = compare_periods(&table, column, &options, None, &silent)?;
            serde_json::json!({
                "rows": table.rows,
                "columns": table.columns.len(),
                "periods": report.periods.len(),
                "load_seconds": loaded,
                "compare_seconds": timer.elapsed().as_secs_f64(),
                "verdict": report.latest.verdict.key(),
            })
        }
        _ => {
            let shifted = [0, 1, 2, 3, 4];
            let reference = synthetic::table(rows, columns, 1, &[]);
            let current = synthetic::table(rows, columns, 2, &shifted);
            let built = started.elapsed().as_secs_f64();
            let timer = Instant::now();
            let report = compare(&reference, &current, &options, None, &silent)?;
            let seconds = timer.elapsed().as_secs_f64();
            let drifted: Vec<&str> = report
                .columns
                .iter()
                .filter(|c| c.drifted())
                .map(|c| c.name.as_str())
                .collect();
            serde_json::json!({
                "rows_each": rows,
                "columns": columns,
                "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
                "build_seconds": built,
                "compare_seconds": seconds,
                "rows_per_second": (2 * rows * columns) as f64 / seconds,
                "verdict": report.verdict.key(),
                "drifted": drifted,
            })
        }
    };
    println!("{value}");
    Ok(())
}

/// Prints a benchmark's report as one JSON object, with the device it ran on.
fn print_report(report: &impl serde::Serialize, device: &clearbox::compute::ComputeDevice) {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    value["device"] = serde_json::json!(device.label());
    println!("{value}");
}
