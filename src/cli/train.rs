//! `clearbox train --template T`: the options every template shares, the
//! ones only some read (given to the wrong template they are refused, not
//! ignored), and the dispatch to the template's own verb.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use clearbox::ClearboxError;
use clearbox::compute::DevicePreference;
use clearbox::data::recipe::Recipe;
use clearbox::data::{Table, load};
use clearbox::jobs::Progress;
use clearbox::templates::segmentation::Representation;

/// The templates `train` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// Learn a target column.
    Prediction,
    /// Find natural groups of rows.
    Segmentation,
    /// Learn which action to take from a log of decisions.
    Reinforcement,
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
    /// Split by time on this date (or year) column: oldest rows train, newest test (prediction and reinforcement).
    #[arg(long)]
    pub time_column: Option<String>,
    /// The column holding the action taken (reinforcement only).
    #[arg(long)]
    pub action: Option<String>,
    /// The column holding what the action earned: yes/no or an amount (reinforcement only).
    #[arg(long)]
    pub reward: Option<String>,
    /// The column holding the old system's chance of the action taken (reinforcement only; estimated when absent).
    #[arg(long)]
    pub propensity: Option<String>,
    /// Use only these columns as context, separated by commas (reinforcement only; default: every usable column).
    #[arg(long, value_delimiter = ',')]
    pub context: Vec<String>,
    /// Share of decisions a deployed policy spreads over the actions it can judge (reinforcement only; default 0.05).
    #[arg(long)]
    pub exploration: Option<f64>,
    /// Number of groups (segmentation only; default: chosen from 2 to 10).
    #[arg(long)]
    pub k: Option<usize>,
    /// How rows are compared (segmentation only): auto, scaled, or autoencoder (default auto).
    #[arg(long)]
    pub representation: Option<Representation>,
    /// Replay the role changes and fixes saved in this recipe file (RON), as `profile --recipe` does: for example a column of codes read as categories.
    #[arg(long)]
    pub recipe: Option<PathBuf>,
    /// Make one row per value of this column first, summing up the rows that share it: a purchase log becomes one row per customer (their number of rows, how recent, totals, averages).
    #[arg(long)]
    pub per: Option<String>,
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
    /// Record the run in this project file (created when absent): its data, settings, figures and model.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The data a run learns from: the table as loaded, the recipe replayed on
/// it (empty without `--recipe`), and the table that results.
pub struct Data {
    /// The file or sample as loaded, recorded in a project with the recipe.
    pub original: Table,
    /// The user's role changes and fixes.
    pub recipe: Recipe,
    /// `original` with `recipe` applied: what the template learns from.
    pub table: Table,
}

impl TrainArgs {
    /// Loads `--data` (or `--sample`) and replays `--recipe` on it;
    /// `missing` is the sentence for when neither names any data.
    pub fn data(&self, missing: &str) -> clearbox::Result<Data> {
        let source = super::data_source(self.data.as_ref(), self.sample.as_deref(), missing)?;
        let original = load(&source, &Progress::silent())?;
        let recipe = super::recipe_for(&original, self.recipe.as_deref(), self.per.as_deref())?;
        let table = recipe.apply(&original);
        Ok(Data {
            original,
            recipe,
            table,
        })
    }

    /// Refuses options the chosen template does not read, naming the first.
    fn refuse_foreign_options(&self) -> clearbox::Result<()> {
        let policy_only = [
            (
                self.action.is_some(),
                "--action names the action column of a log of decisions",
            ),
            (
                self.reward.is_some(),
                "--reward names the reward column of a log of decisions",
            ),
            (
                self.propensity.is_some(),
                "--propensity names the old system's chances in a log of decisions",
            ),
            (
                !self.context.is_empty(),
                "--context chooses a policy's context columns",
            ),
            (
                self.exploration.is_some(),
                "--exploration sets how much a deployed policy explores",
            ),
        ]
        .map(|(given, why)| (given, why, "--template reinforcement"));
        let groups_only = [
            (
                self.k.is_some(),
                "--k sets the number of groups",
                "--template segmentation",
            ),
            (
                self.representation.is_some(),
                "--representation says how rows are compared when finding groups",
                "--template segmentation",
            ),
        ];
        let foreign: Vec<(bool, String)> = match self.template {
            Template::Prediction => policy_only
                .iter()
                .chain(&groups_only)
                .map(|(given, why, owner)| (*given, format!("{why}, which only {owner} reads")))
                .collect(),
            Template::Segmentation => {
                let mut out: Vec<(bool, String)> = policy_only
                    .iter()
                    .map(|(given, why, owner)| (*given, format!("{why}, which only {owner} reads")))
                    .collect();
                out.push((
                    self.target.is_some(),
                    "Finding groups needs no target. Leave out --target, or use --exclude to keep \
                     a column out of the groups"
                        .into(),
                ));
                out.push((
                    self.time_column.is_some(),
                    "--time-column splits rows to test a prediction; finding groups uses every row"
                        .into(),
                ));
                out
            }
            Template::Reinforcement => {
                let mut out: Vec<(bool, String)> = groups_only
                    .iter()
                    .map(|(given, why, owner)| (*given, format!("{why}, which only {owner} reads")))
                    .collect();
                out.push((
                    self.target.is_some(),
                    "A policy learns from --action and --reward, not --target".into(),
                ));
                out
            }
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
        Template::Reinforcement => super::reinforcement::train(args, preference),
    }
}
