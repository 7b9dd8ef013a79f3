//! `clearbox bench`: speed figures that live outside the tests.

use std::path::PathBuf;

use clap::Subcommand;
use clearbox::bench::kmeans::kmeans_throughput;
use clearbox::bench::train::train_throughput;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::jobs::Progress;

/// `clearbox bench TARGET [--json]`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Print the figures as one line of JSON, for scripts such as
    /// benches/side_by_side.sh (without it, the same JSON indented).
    #[arg(long, global = true)]
    pub json: bool,
    /// What to measure.
    #[command(subcommand)]
    pub target: BenchTarget,
}

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
        /// First warm the device up as the app does when it finds a graphics
        /// card (ml::warm), in this process: what the first Train then finds.
        #[arg(long)]
        warm_up: bool,
    },
    /// Explanations per second: a model of `--columns` number columns (or
    /// one trained on `--data`) explains `--rows` rows.
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
        /// Also write the work here (JSON: weights, rows, values), for
        /// benches/peers/shap_explain.py.
        #[arg(long)]
        write: Option<PathBuf>,
        /// Train on this file instead (CSV or Parquet; `--columns` is then
        /// the file's), and explain its first rows.
        #[arg(long, requires = "target")]
        data: Option<PathBuf>,
        /// With `--data`: the column to predict (a yes/no or category one).
        #[arg(long, requires = "data")]
        target: Option<String>,
        /// With `--data`: columns to leave out, separated by commas.
        #[arg(long, value_delimiter = ',', requires = "data")]
        exclude: Vec<String>,
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
        /// Starts, each from its own seed, whose groups are compared with
        /// the true ones (one start can land in a poor local optimum).
        #[arg(long, default_value_t = 10)]
        starts: usize,
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
    /// Time to learn and judge a policy on a synthetic log of decisions.
    Reinforcement {
        /// Decisions in the log.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Context columns.
        #[arg(long, default_value_t = 20)]
        columns: usize,
        /// Actions.
        #[arg(long, default_value_t = 10)]
        actions: usize,
        /// Also write the log here, for the peer (benches/peers/obp_reinforcement.py).
        #[arg(long)]
        write: Option<PathBuf>,
    },
    /// The simple model alone on a real file: its test figure and time, on
    /// the split training uses; `--write` saves the work for
    /// benches/peers/sklearn_simple.py.
    Simple {
        /// The file.
        file: PathBuf,
        /// The column to predict.
        #[arg(long)]
        target: String,
        /// Columns to leave out, separated by commas.
        #[arg(long, value_delimiter = ',')]
        exclude: Vec<String>,
        /// Seed of the split.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Also write the work here (JSON), for the peer.
        #[arg(long)]
        write: Option<PathBuf>,
    },
    /// Time to open a file and check its health.
    Open {
        /// The file.
        file: PathBuf,
    },
}

pub fn run(args: &BenchArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let json = args.json;
    match &args.target {
        BenchTarget::Train {
            rows,
            width,
            batch,
            passes,
            warm_up,
        } => {
            let device = select_device(preference)?;
            let warmed = if *warm_up {
                Some(clearbox::ml::warm::warm_up(
                    &device.device,
                    &Progress::silent(),
                )?)
            } else {
                None
            };
            let mut report = train_throughput(
                &device.device,
                *rows,
                *width,
                *batch,
                *passes,
                &Progress::silent(),
            )?;
            report.warm_up_seconds = warmed.map(|w| w.seconds);
            print_report(&report, &device, json);
        }
        BenchTarget::Explain {
            rows,
            columns,
            background,
            coalitions,
            write,
            data,
            target,
            exclude,
        } => {
            let device = select_device(preference)?;
            let options = clearbox::explain::ExplainOptions {
                background: *background,
                coalitions: *coalitions,
                seed: 0,
            };
            let subject = match (data, target) {
                (Some(file), Some(target)) => clearbox::bench::explain::Subject::File {
                    table: clearbox::data::load(
                        &clearbox::data::DataSource::File(file.clone()),
                        &Progress::silent(),
                    )?,
                    target: target.clone(),
                    exclude: exclude.clone(),
                },
                _ => clearbox::bench::explain::Subject::Synthetic { columns: *columns },
            };
            let report = clearbox::bench::explain::explain_throughput(
                &device,
                subject,
                *rows,
                &options,
                write.as_deref(),
            )?;
            print_report(&report, &device, json);
        }
        BenchTarget::Kmeans {
            rows,
            width,
            k,
            runs,
            starts,
        } => {
            let device = select_device(preference)?;
            let report = kmeans_throughput(
                &device.device,
                *rows,
                *width,
                *k,
                [*runs, *starts],
                &Progress::silent(),
            )?;
            print_report(&report, &device, json);
        }
        BenchTarget::Drift {
            rows,
            columns,
            file,
            period_column,
        } => match (file, period_column) {
            (Some(file), Some(column)) => {
                print(&clearbox::bench::drift::periods_speed(file, column)?, json)
            }
            _ => print(&clearbox::bench::drift::pair_speed(*rows, *columns)?, json),
        },
        BenchTarget::Open { file } => print(&clearbox::bench::open_speed(file)?, json),
        BenchTarget::Simple {
            file,
            target,
            exclude,
            seed,
            write,
        } => {
            let device = select_device(preference)?;
            let request = clearbox::templates::prediction::PredictionRequest {
                target: target.clone(),
                exclude: exclude.clone(),
                include: Vec::new(),
                seed: *seed,
                split: clearbox::ml::split::SplitPlan::Stratified,
            };
            let report =
                clearbox::bench::simple::simple_speed(file, &request, &device, write.as_deref())?;
            print_report(&report, &device, json);
        }
        BenchTarget::Reinforcement {
            rows,
            columns,
            actions,
            write,
        } => {
            let device = select_device(preference)?;
            let report = clearbox::bench::reinforcement::policy_speed(
                &device,
                *rows,
                *columns,
                *actions,
                write.as_deref(),
            )?;
            print_report(&report, &device, json);
        }
    }
    Ok(())
}

/// Prints a benchmark's report as one JSON object, with the device it ran on.
fn print_report(
    report: &impl serde::Serialize,
    device: &clearbox::compute::ComputeDevice,
    json: bool,
) {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    value["device"] = serde_json::json!(device.label());
    show(&value, json);
}

/// Prints a report that ran on the processor only.
fn print(report: &impl serde::Serialize, json: bool) {
    show(&serde_json::to_value(report).unwrap_or_default(), json);
}

/// One line with `--json`, indented for a person otherwise.
fn show(value: &serde_json::Value, json: bool) {
    if json {
        println!("{value}");
    } else {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
        );
    }
}
