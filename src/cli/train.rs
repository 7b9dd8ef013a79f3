//! `clearbox train --template T`: the options every template shares, the
//! ones only some read (given to the wrong template they are refused, not
//! ignored), and the dispatch to the template's own verb.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use clearbox::ClearboxError;
use clearbox::compute::DevicePreference;
use clearbox::templates::segmentation::Representation;

/// The templates `train` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// Learn a target column.
    Prediction,
    /// Find natural groups of rows.
    Segmentation,
}

/// Options of `clearbox train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Which analysis to run.
    #[arg(long, value_enum)]
    pub template: Template,
    /// The CSV or Parquet file to learn from.
    #[arg(long, required_unless_present = "sample")]
    pub data: Option<PathBuf>,
    /// Learn from a bundled sample instead.
    #[arg(long, conflicts_with = "data")]
    pub sample: Option<String>,
    /// The column to predict (prediction only).
    #[arg(long)]
    pub target: Option<String>,
    /// Split by time on this date (or year) column: oldest rows train, newest test (prediction only).
    #[arg(long)]
    pub time_column: Option<String>,
    /// Number of groups (segmentation only; default: chosen from 2 to 10).
    #[arg(long)]
    pub k: Option<usize>,
    /// How rows are compared (segmentation only): auto, scaled, or autoencoder (default auto).
    #[arg(long)]
    pub representation: Option<Representation>,
    /// Columns to leave out, separated by commas.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Columns to use even where the health report would leave them out (leakage, personal data...).
    #[arg(long, value_delimiter = ',')]
    pub include: Vec<String>,
    /// Seed for the split and the model: same seed, same result on the same device.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folder to save the model in (default: <data>_<target>_model, or <data>_segments).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

impl TrainArgs {
    /// Refuses options the chosen template does not read, naming the first.
    fn refuse_foreign_options(&self) -> clearbox::Result<()> {
        let foreign: &[(bool, &str)] = match self.template {
            Template::Prediction => &[
                (
                    self.k.is_some(),
                    "--k sets the number of groups, which only --template segmentation finds",
                ),
                (
                    self.representation.is_some(),
                    "--representation says how rows are compared when finding groups (--template segmentation)",
                ),
            ],
            Template::Segmentation => &[
                (
                    self.target.is_some(),
                    "Finding groups needs no target. Leave out --target, or use --exclude to keep a column out of the groups",
                ),
                (
                    self.time_column.is_some(),
                    "--time-column splits rows to test a prediction; finding groups uses every row",
                ),
            ],
        };
        match foreign.iter().find(|(given, _)| *given) {
            Some((_, why)) => Err(ClearboxError::BadRequest(format!(
                "{why}. Leave it out, or choose the template that uses it."
            ))),
            None => Ok(()),
        }
    }
}

pub fn run(args: &TrainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    args.refuse_foreign_options()?;
    match args.template {
        Template::Prediction => super::prediction::train(args, preference),
        Template::Segmentation => super::segmentation::train(args, preference),
    }
}
