//! `clearbox train` and `clearbox predict`: the prediction template, scripted.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::export::write_table;
use clearbox::data::{DataSource, load};
use clearbox::health::words::percent;
use clearbox::jobs::Progress;
use clearbox::ml::split::SplitPlan;
use clearbox::templates::prediction::{
    ChosenModel, PredictionRequest, SavedModel, Scores, score_table, train_prediction,
};

/// The templates `train` can run.
#[derive(Debug, Clone, Copy, ValueEnum)]
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
    /// Number of groups (segmentation only; default: chosen from 2 to 10).
    #[arg(long)]
    pub k: Option<usize>,
    /// How rows are compared (segmentation only): auto, scaled, or autoencoder.
    #[arg(long, default_value = "auto")]
    pub representation: clearbox::templates::segmentation::Representation,
    /// Columns to leave out, separated by commas.
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// Columns to use even where the health report would leave them out (leakage, personal data...).
    #[arg(long, value_delimiter = ',')]
    pub include: Vec<String>,
    /// Seed for the split and the model: same seed, same result on the same device.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Split by time on this date (or year) column: oldest rows train, newest test (prediction only).
    #[arg(long)]
    pub time_column: Option<String>,
    /// Folder to save the model in (default: <data>_<target>_model).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Options of `clearbox predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model folder made by `clearbox train`.
    #[arg(long)]
    pub model: PathBuf,
    /// The file to score.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the scored rows (.csv or .parquet).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn train(args: &TrainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    if let Template::Segmentation = args.template {
        return super::segment::train(args, preference);
    }
    let Some(target) = args.target.clone() else {
        return Err(clearbox::ClearboxError::BadRequest(
            "Name the column to predict with --target.".into(),
        ));
    };
    let source = super::data_source(
        args.data.as_ref(),
        args.sample.as_deref(),
        "Name the data to learn from with --data.",
    )?;
    let started = Instant::now();
    let table = load(&source, &Progress::silent())?;
    let device = select_device(preference)?;
    let request = PredictionRequest {
        target: target.clone(),
        exclude: args.exclude.clone(),
        include: args.include.clone(),
        seed: args.seed,
        split: args
            .time_column
            .clone()
            .map_or(SplitPlan::Stratified, |column| SplitPlan::ByTime { column }),
    };
    let outcome = train_prediction(&table, &request, &device, &Progress::silent(), &|_| {})?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_model_dir(&table.name, &format!("{target}_model")));
    outcome.save(&dir)?;
    let card = &outcome.card;
    if args.json {
        let left_out: Vec<_> = outcome.inputs.iter().filter(|c| !c.included).collect();
        let value = serde_json::json!({
            "task": card.target.task,
            "target": card.target.name,
            "classes": card.target.classes,
            "device": card.device,
            "inputs": card.inputs,
            "left_out": left_out,
            "split": {
                "train": card.split_sizes[0],
                "valid": card.split_sizes[1],
                "test": card.split_sizes[2],
                "plan": card.split_plan,
                "sentence": card.split_sentence,
            },
            "metrics": { "test": card.deep.test },
            "baseline": { "test": card.simple.test },
            "chosen": card.chosen,
            "epochs": { "deep": card.deep.history.len(), "simple": card.simple.history.len() },
            "model_dir": dir,
            "seconds": started.elapsed().as_secs_f64(),
        });
        println!("{value}");
    } else {
        println!(
            "Predicting '{}': {}.",
            card.target.name,
            card.target.task.describe()
        );
        println!("{}", device.announcement);
        println!("{}", card.split_sentence);
        for choice in outcome.inputs.iter().filter(|c| !c.included) {
            println!("Left out '{}': {}.", choice.column, choice.reason);
        }
        println!(
            "Deep model:   {}",
            describe(&card.deep.test, &card.target.classes)
        );
        println!(
            "Simple model: {}",
            describe(&card.simple.test, &card.target.classes)
        );
        if card.chosen == ChosenModel::Simple {
            println!(
                "The deep model does not beat the simple one here, so the simple model is kept for scoring."
            );
        }
        println!(
            "Saved to {} ({:.1} s).",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn describe(scores: &Scores, classes: &[String]) -> String {
    match scores {
        Scores::Binary(s) => {
            let positive = classes.get(1).map_or("yes", String::as_str);
            format!(
                "AUC {:.3}. Of every 100 rows it flags, {:.0} really are '{positive}'; picking at random finds {:.0}. \
                 It catches {} of them.",
                s.auc,
                s.precision * 100.0,
                s.base_rate * 100.0,
                percent(s.recall)
            )
        }
        Scores::Multiclass(s) => format!("right for {} of rows.", percent(s.accuracy)),
        Scores::Regression(s) => format!(
            "typical error {:.3} (RMSE {:.3}), explains {} of the variation.",
            s.mae,
            s.rmse,
            percent(s.r2.max(0.0))
        ),
    }
}

pub fn predict(args: &PredictArgs, preference: DevicePreference) -> clearbox::Result<()> {
    if clearbox::templates::segmentation::SavedSegments::is_segments_folder(&args.model) {
        return super::segment::predict(args, preference);
    }
    let device = select_device(preference)?;
    let model = SavedModel::load(&args.model, &device.device)?;
    let table = load(&DataSource::File(args.data.clone()), &Progress::silent())?;
    let scored = score_table(&model, &table, &device.device)?;
    write_table(&table, scored.into_columns(), &args.out)?;
    eprintln!("Scored {} rows into {}.", table.rows, args.out.display());
    Ok(())
}
