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
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            value["device"] = serde_json::json!(device.label());
            println!("{value}");
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
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            value["device"] = serde_json::json!(device.label());
            println!("{value}");
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
            let mut value = serde_json::to_value(&report).unwrap_or_default();
            value["device"] = serde_json::json!(device.label());
            println!("{value}");
        }
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
