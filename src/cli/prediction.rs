//! `clearbox train --template prediction`: the prediction template, scripted.

use std::time::Instant;

use clearbox::compute::{DevicePreference, select_device};
use clearbox::ml::skill::Skill;
use clearbox::ml::split::SplitPlan;
use clearbox::ml::task::{TargetColumn, codes_hint};
use clearbox::templates::prediction::{ChosenModel, Prediction, PredictionRequest, Scores};
use clearbox::words::{agreeing, number, percent};

use super::train::TrainArgs;

pub fn train(args: &TrainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let Some(target) = args.target.clone() else {
        return Err(clearbox::ClearboxError::BadRequest(
            "Name the column to predict with --target.".into(),
        ));
    };
    let started = Instant::now();
    let data = args.data("Name the data to learn from with --data.")?;
    let table = &data.table;
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
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_model_dir(&table.name, &format!("{target}_model")));
    let trained = super::project::train::<Prediction>(
        args.project.as_deref(),
        &data,
        &request,
        &device,
        &dir,
    )?;
    let hint = table.named(&target).ok().and_then(codes_hint);
    let outcome = trained.outcome;
    let card = &outcome.card;
    if args.json {
        let left_out: Vec<_> = outcome.inputs.iter().filter(|c| !c.is_used()).collect();
        let value = serde_json::json!({
            "task": card.target.task,
            "target": card.target.name,
            "target_hint": hint,
            "classes": card.target.classes,
            "device": outcome.provenance.device,
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
            "trees": card.trees,
            "chosen": card.chosen,
            "kept": { "test": card.chosen_test(), "beats_guessing": card.skill() == Skill::BeatsGuessing },
            "measured": card.measured,
            "epochs": { "deep": card.deep.fitting.passes() },
            "model_dir": dir,
            "run": trained.run,
            "seconds": started.elapsed().as_secs_f64(),
        });
        println!("{value}");
    } else {
        println!(
            "Predicting '{}': {}.",
            card.target.name,
            card.target.task.describe()
        );
        if let Some(hint) = &hint {
            println!("{hint}");
        }
        println!("{}", device.announcement);
        println!("{}", card.split_sentence);
        for (column, why) in outcome
            .inputs
            .iter()
            .filter_map(|c| c.left_out().map(|why| (&c.column, why)))
        {
            println!("Left out '{column}': {}.", why.reason());
        }
        let spread = |which: clearbox::templates::prediction::Compared| {
            card.measured
                .spread(which)
                .map_or(String::new(), |s| format!(" The figure varies {s}."))
        };
        println!(
            "Deep model:   {}{}",
            describe(&card.deep.test, &card.target),
            spread(ChosenModel::Deep.into())
        );
        println!(
            "Simple model: {}{}",
            describe(&card.simple.test, &card.target),
            spread(ChosenModel::Simple.into())
        );
        if let Some(trees) = &card.trees {
            println!(
                "Trees:        {}{}",
                describe(&trees.test, &card.target),
                spread(clearbox::templates::prediction::Compared::Trees)
            );
        }
        println!("{}", card.kept_sentence());
        if let Some(warning) = card.guessing_warning() {
            println!("{warning}");
        }
        println!(
            "Saved to {} ({:.1} s).",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn describe(scores: &Scores, target: &TargetColumn) -> String {
    match scores {
        Scores::Binary(s) => {
            let positive = target
                .positive_words()
                .unwrap_or_else(|| target.name.clone());
            let flagged = s.precision * 100.0;
            format!(
                "AUC {:.3}. Of every 100 rows it flags, {flagged:.0} really {} {positive}; picking at random finds {:.0}. \
                 It catches {} of them.",
                s.auc,
                agreeing(flagged, "has", "have"),
                s.base_rate * 100.0,
                percent(s.recall)
            )
        }
        Scores::Multiclass(s) => format!("right for {} of rows.", percent(s.accuracy)),
        Scores::Regression(s) => format!(
            "typical error {} (RMSE {}), explains {} of the variation.",
            number(s.mae),
            number(s.rmse),
            percent(s.r2.max(0.0))
        ),
    }
}
