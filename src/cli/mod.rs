//! The command line: every step the GUI offers, scriptable.

mod bench;
mod devices;
mod drift;
mod explain;
mod lesson;
mod predict;
mod prediction;
mod profile;
mod project;
mod reinforcement;
mod segmentation;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use clearbox::ClearboxError;
use clearbox::compute::DevicePreference;

/// Clearbox: deep learning on your own tables, explained.
#[derive(Debug, Parser)]
#[command(name = "clearbox", version, about, long_about = None)]
pub struct Args {
    /// Where models run: auto (graphics card if usable), gpu, or cpu.
    #[arg(long, global = true, default_value = "auto", value_parser = parse_device)]
    pub device: DevicePreference,
    /// Open this bundled sample in the app (see `clearbox samples`).
    #[arg(long)]
    pub sample: Option<String>,
    /// Open this CSV or Parquet file in the app.
    pub open: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a table's health: missing values, identifiers, personal data, leakage...
    Profile(profile::ProfileArgs),
    /// Train a model: `--template prediction --data FILE --target COLUMN`, find groups: `--template segmentation --data FILE`, or learn a policy: `--template reinforcement --data LOG --action COL --reward COL`.
    Train(train::TrainArgs),
    /// Score a file with a saved model (or put its rows into saved groups).
    Predict(predict::PredictArgs),
    /// Estimate what a saved policy would have earned on another log of decisions.
    Evaluate(reinforcement::EvaluateArgs),
    /// Explain a saved model's predictions: reasons per row, main drivers, what would change a decision.
    Explain(explain::ExplainArgs),
    /// Compare newer data with older data (and a saved model): Stable, Watch or Retrain.
    Drift(drift::DriftArgs),
    /// List the compute devices Clearbox can see and the one it would use.
    Devices {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the bundled sample tables.
    Samples,
    /// Write a log of the workshop simulator's made-up shop, whose true rewards are known.
    Simulate(reinforcement::SimulateArgs),
    /// List the runs a project recorded (`--project FILE`).
    Runs(project::RunsArgs),
    /// Check a project's audit trail: exit 0 when intact, 3 when something was changed.
    Audit(project::AuditArgs),
    /// Repeat a recorded run on its recorded data and say whether its figures match.
    Rerun(project::RerunArgs),
    /// Write a run's report: one self-contained HTML page to read, hand on or print.
    Report(project::ReportArgs),
    /// Keep a note in a project.
    Note(project::NoteArgs),
    /// Lessons for workshops: `lesson check FILE` validates a lesson file (or a folder of them), `lesson list` lists the bundled ones.
    #[command(subcommand)]
    Lesson(lesson::LessonVerb),
    /// Measure speed: `bench train` (rows per second), `bench explain` (rows explained per second), `bench kmeans` (k-means seconds), `bench open FILE`, … (`--json`: one line); benches/side_by_side.sh puts the peers beside them.
    Bench(bench::BenchArgs),
}

/// The table a verb works on: a bundled sample by id, or a file.
fn data_source(
    file: Option<&PathBuf>,
    sample: Option<&str>,
    missing: &str,
) -> clearbox::Result<clearbox::data::DataSource> {
    use clearbox::data::DataSource;
    match (file, sample) {
        (_, Some(id)) => clearbox::samples::find(id)
            .map(DataSource::Sample)
            .ok_or_else(|| {
                ClearboxError::BadRequest(format!(
                    "There is no sample called '{id}'. The samples are: {}.",
                    clearbox::samples::ids()
                ))
            }),
        (Some(path), None) => Ok(DataSource::File(path.clone())),
        (None, None) => Err(ClearboxError::BadRequest(missing.to_owned())),
    }
}

/// The user's changes a verb replays on `original`: the recipe file's,
/// then one row per value of `per` where given (a log summed up per
/// customer, as the Data page's fix does). A `per` column the table lacks
/// is an error naming it, not skipped as a recipe's would be.
fn recipe_for(
    original: &clearbox::data::Table,
    recipe: Option<&std::path::Path>,
    per: Option<&str>,
) -> clearbox::Result<clearbox::data::Recipe> {
    use clearbox::data::{Fix, Recipe};
    let mut recipe = match recipe {
        Some(path) => Recipe::load(path)?,
        None => Recipe::default(),
    };
    if let Some(key) = per {
        original.named(key)?;
        recipe.add_fix(Fix::SummarisePer {
            column: key.to_owned(),
        });
    }
    Ok(recipe)
}

/// Loads `source` as `artefact` reads it: a raw log summed up per key
/// where it learned from such a summary, saying so on standard error.
fn load_for(
    artefact: &dyn clearbox::templates::Artefact,
    source: &clearbox::data::DataSource,
) -> clearbox::Result<clearbox::data::Table> {
    let table = clearbox::data::load(source, &clearbox::jobs::Progress::silent())?;
    Ok(match artefact.shaped(&table)? {
        Some(summary) => {
            for notice in summary.notices.iter().skip(table.notices.len()) {
                eprintln!("{notice}");
            }
            summary
        }
        None => table,
    })
}

/// A reader that stops early (`clearbox train ... | head`) closes the pipe,
/// and Rust's printing then panics, which the command line reported as
/// something gone wrong inside Clearbox. Like other command-line tools, it
/// now stops quietly instead: whatever it saved was written before the
/// printing, atomically. Only the command line does this; the window must
/// never die of a closed pipe. (Elsewhere than Linux the panic stays.)
fn stop_quietly_on_a_closed_pipe() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: restores the default handling of one signal, at start, before
    // any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// The folder a trained model goes in when the user names none:
/// `<table name without extension>_<suffix>`, lower case, no spaces.
fn default_model_dir(table_name: &str, suffix: &str) -> PathBuf {
    let stem = table_name
        .rsplit_once('.')
        .map_or(table_name, |(s, _)| s)
        .replace(' ', "_")
        .to_lowercase();
    PathBuf::from(format!("{stem}_{suffix}"))
}

fn parse_device(s: &str) -> Result<DevicePreference, String> {
    s.parse()
}

/// Runs a verb and turns its outcome into an exit code: 0 success, 2 bad
/// input (with one sentence on stderr), 1 anything else. The verb runs under
/// the same panic capture as background jobs: a bug becomes a sentence, and
/// its details go to the log, never to the terminal.
pub fn run(command: Command, device: DevicePreference) -> ExitCode {
    stop_quietly_on_a_closed_pipe();
    let activity = format!("running 'clearbox {}'", command.verb());
    let outcome = clearbox::jobs::catch(&activity, || match command {
        Command::Profile(args) => profile::run(&args),
        Command::Devices { json } => devices::run(device, json),
        Command::Train(args) => train::run(&args, device),
        Command::Predict(args) => predict::run(&args, device),
        Command::Explain(args) => explain::run(&args, device),
        Command::Evaluate(args) => reinforcement::evaluate(&args, device),
        Command::Drift(args) => drift::run(&args, device),
        Command::Bench(args) => bench::run(&args, device),
        Command::Simulate(args) => reinforcement::simulate(&args),
        Command::Runs(args) => project::runs(&args),
        Command::Audit(args) => project::audit(&args),
        Command::Rerun(args) => project::rerun_run(&args, device),
        Command::Note(args) => project::note(&args),
        Command::Report(args) => project::report(&args),
        Command::Lesson(verb) => lesson::run(&verb),
        Command::Samples => {
            for sample in clearbox::samples::SAMPLES {
                println!("{:<14} {}", sample.id, sample.blurb);
            }
            Ok(())
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            if let ClearboxError::Internal { detail, .. } = &err {
                clearbox::log::write(&format!("{activity}: {detail}"));
                if let Some(path) = clearbox::log::path() {
                    eprintln!("The details are in {}.", path.display());
                }
            }
            if let ClearboxError::BrokenTrail { .. } = err {
                ExitCode::from(3)
            } else if err.is_user_input() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

impl Command {
    /// The verb as typed, for messages.
    fn verb(&self) -> &'static str {
        match self {
            Self::Profile(_) => "profile",
            Self::Train(_) => "train",
            Self::Predict(_) => "predict",
            Self::Explain(_) => "explain",
            Self::Evaluate(_) => "evaluate",
            Self::Drift(_) => "drift",
            Self::Devices { .. } => "devices",
            Self::Samples => "samples",
            Self::Lesson(_) => "lesson",
            Self::Simulate(_) => "simulate",
            Self::Bench(_) => "bench",
            Self::Runs(_) => "runs",
            Self::Audit(_) => "audit",
            Self::Rerun(_) => "rerun",
            Self::Note(_) => "note",
            Self::Report(_) => "report",
        }
    }
}
