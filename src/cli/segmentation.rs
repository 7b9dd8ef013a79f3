//! `clearbox train --template segmentation`: the segmentation template, scripted.

use std::time::Instant;

use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::summary::rows_in_words;
use clearbox::templates::segmentation::{Segmentation, SegmentationRequest};
use clearbox::words::percent;

use super::train::TrainArgs;

pub fn train(args: &TrainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let started = Instant::now();
    let data = args.data("Name the data to find groups in with --data.")?;
    let table = &data.table;
    let device = select_device(preference)?;
    let request = SegmentationRequest {
        exclude: args.exclude.clone(),
        include: args.include.clone(),
        predicted: None,
        k: args.k,
        seed: args.seed,
        representation: args.representation.unwrap_or_default(),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_model_dir(&table.name, "segments"));
    let trained = super::project::train::<Segmentation>(
        args.project.as_deref(),
        &data,
        &request,
        &device,
        &dir,
    )?;
    let outcome = trained.outcome;
    let card = &outcome.card;
    let stability = card.stability.as_ref();
    if args.json {
        let left_out: Vec<_> = outcome.inputs.iter().filter(|c| !c.is_used()).collect();
        let segments: Vec<_> = outcome
            .profiles
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id.0 + 1,
                    "name": p.name,
                    "size": p.size,
                    "share": p.share,
                    "traits": p.traits,
                    "examples": outcome.examples.get(p.id.0 as usize).map(|rows| rows.iter().map(|r| r + 1).collect::<Vec<_>>()),
                })
            })
            .collect();
        let value = serde_json::json!({
            "template": "segmentation",
            "k": card.k,
            "k_automatic": outcome.automatic.k,
            "k_reason": outcome.k_sentence(),
            "k_scores": card.k_scores,
            "stability": stability.map(|s| serde_json::json!({
                "verdict": s.verdict,
                "adjusted_rand_index": s.agreement,
                "runs": s.runs,
            })),
            "segments": segments,
            "device": outcome.provenance.device,
            "features": card.features.weights,
            "representation": outcome.representation,
            "autoencoder": card.compact.is_some(),
            "left_out": left_out,
            "model_dir": dir,
            "run": trained.run,
            "seconds": started.elapsed().as_secs_f64(),
        });
        println!("{value}");
    } else {
        println!("{}", device.announcement);
        for (column, why) in outcome
            .inputs
            .iter()
            .filter_map(|c| c.left_out().map(|why| (&c.column, why)))
        {
            println!("Left out '{column}': {}.", why.reason());
        }
        for weight in card
            .features
            .weights
            .iter()
            .filter(|w| !w.reason.is_empty())
        {
            println!("'{}' {}.", weight.column, weight.reason);
        }
        println!("Rows were compared on {}.", outcome.representation);
        println!("{}", outcome.k_sentence());
        if let Some(s) = stability {
            println!("{}", s.sentence());
        }
        for p in &outcome.profiles {
            println!(
                "\nGroup {}: {} — {} ({})",
                p.id.0 + 1,
                p.name,
                rows_in_words(outcome.provenance.data.summarised.as_ref(), p.size),
                percent(p.share)
            );
            for t in &p.traits {
                println!("  - {}", t.sentence);
            }
        }
        println!(
            "\nSaved to {} ({:.1} s). Assign new rows with: clearbox predict --model {} --data FILE --out FILE",
            dir.display(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}
