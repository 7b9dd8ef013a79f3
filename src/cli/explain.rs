//! `clearbox explain`: why a saved model predicts what it does, row by row
//! and overall, with stability, permutation importance (when the file holds
//! the outcome), what would change each yes/no decision, and an optional
//! explanation letter.

use std::path::PathBuf;

use clap::Args;
use clearbox::ClearboxError;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::explain::counterfactual::{self, flip_decision};
use clearbox::explain::importance::{permutation_importance, stable_drivers};
use clearbox::explain::letter::Letter;
use clearbox::explain::sentences::{model_paragraph, row_sentence};
use clearbox::explain::{ExplainOptions, RowExplanation};
use clearbox::jobs::Progress;
use clearbox::ml::task::{TaskKind, read_target};
use clearbox::templates::{Explainable, Explained, Grouping, open};
use clearbox::words::Moment;

use super::project::Use;
use serde_json::{Map, Value, json};

/// Rows with known outcomes used for permutation importance, at most.
const PERMUTATION_ROWS: usize = 5000;

/// Options of `clearbox explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A model folder made by `clearbox train`.
    #[arg(long)]
    model: PathBuf,
    /// The CSV or Parquet file whose rows to explain.
    #[arg(long, required_unless_present = "sample")]
    data: Option<PathBuf>,
    /// Explain rows of a bundled sample instead.
    #[arg(long, conflicts_with = "data")]
    sample: Option<String>,
    /// Rows to explain, numbered from 1 as on the data page: `7` or `1..20` (default `1..10`).
    #[arg(long)]
    rows: Option<String>,
    /// Columns that "what would change the decision" must not touch, separated by commas.
    #[arg(long, value_delimiter = ',')]
    lock: Vec<String>,
    /// Background rows each explanation compares with.
    #[arg(long, default_value_t = 100)]
    background: usize,
    /// Combinations of inputs tried per row (all of them, exact values, when they fit: 4096 covers 12 columns).
    #[arg(long, default_value_t = 4096)]
    coalitions: usize,
    /// Seed for the background sample and the combinations.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write the first row's explanation letter (a self-contained HTML page) here.
    #[arg(long)]
    letter: Option<PathBuf>,
    /// Keep the explanation (drivers and their stability) in this project file (created when absent).
    #[arg(long)]
    project: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Parses `7` or `1..20` (1-based, inclusive) into 0-based rows of a table of `rows` rows.
fn parse_rows(text: Option<&str>, rows: usize) -> clearbox::Result<Vec<usize>> {
    let bad = || {
        ClearboxError::BadRequest(format!(
            "'--rows {}' is not a row range. Write one row number, like 7, or a range, like 1..20; the \
             table has {rows} rows.",
            text.unwrap_or_default()
        ))
    };
    let (first, last) = match text {
        None => (1, rows.min(10)),
        Some(t) => match t.split_once("..") {
            Some((a, b)) => (
                a.trim().parse().map_err(|_| bad())?,
                b.trim_start_matches('=')
                    .trim()
                    .parse()
                    .map_err(|_| bad())?,
            ),
            None => {
                let n = t.trim().parse().map_err(|_| bad())?;
                (n, n)
            }
        },
    };
    if first == 0 || first > last || last > rows {
        return Err(bad());
    }
    Ok((first - 1..last).collect())
}

pub fn run(args: &ExplainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let source = super::data_source(
        args.data.as_ref(),
        args.sample.as_deref(),
        "Name the file to explain with --data FILE (or a sample with --sample).",
    )?;
    let device = select_device(preference)?;
    let artefact = open(&args.model, &device.device)?;
    let table = super::load_for(artefact.as_ref(), &source)?;
    if let Some(groups) = artefact.grouping() {
        return explain_groups(args, &table, groups, &device.device);
    }
    let Some(model) = artefact.explainable() else {
        return Err(ClearboxError::BadRequest(format!(
            "'{}' holds {}, which has no explanations yet.",
            clearbox::error::display_name(&args.model),
            artefact.provenance().template.artefact()
        )));
    };
    let rows = parse_rows(args.rows.as_deref(), table.rows)?;
    let options = ExplainOptions {
        background: args.background,
        coalitions: args.coalitions,
        seed: args.seed,
    };
    let (explained, drivers) = stable_drivers(
        model,
        &table,
        &rows,
        &options,
        2,
        &device.device,
        &Progress::silent(),
    )?;
    let target = model.target();
    let binary = target.task == TaskKind::Binary;
    let positive = target.classes.last().cloned().unwrap_or_default();
    let mut counterfactuals = Vec::new();
    if binary {
        for e in &explained {
            counterfactuals.push(flip_decision(
                model,
                &table,
                e.row,
                &args.lock,
                &device.device,
            )?);
        }
    }
    // Permutation importance needs the true outcome, so only when the file has it.
    let permutation = match read_target(&table, &target.name) {
        Ok((_, truth)) => {
            let all: Vec<usize> = (0..table.rows)
                .step_by((table.rows / PERMUTATION_ROWS).max(1))
                .collect();
            Some(permutation_importance(
                model,
                &table,
                &all,
                &truth,
                5,
                args.seed,
                &device.device,
            )?)
        }
        Err(_) => None,
    };
    let paragraph = model_paragraph(target, &drivers);
    if let (Some(path), Some(first)) = (&args.letter, explained.first()) {
        let letter = Letter {
            provenance: artefact.provenance(),
            target,
            explanation: first,
            counterfactual: binary.then(|| counterfactuals.first().and_then(Option::as_ref)),
            data_name: &table.name,
            data_fingerprint: &table.fingerprint,
            written: Moment::now(),
        };
        clearbox::files::write_atomically(path, letter.html().as_bytes())?;
    }
    let global: Vec<Value> = drivers
        .iter()
        .map(|d| {
            json!({
                "feature": d.column,
                "importance": d.mean_abs,
                "shown": d.shown(model.target().task),
                "spread": d.spread,
                "stability": d.stability,
            })
        })
        .collect();
    if let Some(mut used) = Use::open(args.project.as_deref(), Some(&args.model), &[&table])? {
        let payload = json!({
            "explained": explained_words(model, explained.first().map(|e| e.explained)),
            "global": global,
            "global_rows": explained.len(),
            "summary": paragraph,
            "permutation": permutation.as_ref().map(|p| p.iter().map(|p| json!({
                "feature": p.column, "mean": p.mean, "low": p.low, "high": p.high,
            })).collect::<Vec<_>>()),
        });
        used.project
            .add_explanation(used.run, &table.name, &payload)?;
    }
    if args.json {
        let rows_json: Vec<Value> = explained
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut value = row_json(model, e);
                if let Some(found) = counterfactuals.get(i) {
                    value["counterfactual"] = json!({
                        "changes": found.as_ref().map(|c| &c.changes),
                        "probability_after": found.as_ref().map(|c| c.after),
                        "sentence": counterfactual::sentence(&positive, found.as_ref()),
                    });
                }
                value
            })
            .collect();
        let value = json!({
            "explained": explained_words(model, explained.first().map(|e| e.explained)),
            "base_value": explained.first().map(|e| e.base_value),
            "exact": explained.first().is_some_and(|e| e.exact),
            "background_rows": options.background,
            "device": device.label(),
            "rows": rows_json,
            "global": global,
            "global_rows": explained.len(),
            "summary": paragraph,
            "permutation": permutation.as_ref().map(|p| p.iter().map(|p| json!({
                "feature": p.column, "mean": p.mean, "low": p.low, "high": p.high,
            })).collect::<Vec<_>>()),
        });
        println!("{value}");
    } else {
        println!("{}", device.announcement);
        for (i, e) in explained.iter().enumerate() {
            println!("Row {}: {}", e.row + 1, row_sentence(target, e));
            if let Some(found) = counterfactuals.get(i) {
                println!("  {}", counterfactual::sentence(&positive, found.as_ref()));
            }
        }
        println!("{paragraph}");
        for d in &drivers {
            println!(
                "  {:<24} {:>8.4}  {}",
                d.column,
                d.mean_abs,
                d.stability.word()
            );
        }
    }
    Ok(())
}

fn row_json(model: &dyn Explainable, e: &RowExplanation) -> Value {
    let attributions: Map<String, Value> = e
        .attributions
        .iter()
        .map(|a| (a.column.clone(), json!(a.amount)))
        .collect();
    json!({
        "row": e.row + 1,
        "prediction": e.prediction,
        "base_value": e.base_value,
        "attributions": attributions,
        "sentence": row_sentence(model.target(), e),
    })
}

fn explained_words(model: &dyn Explainable, explained: Option<Explained>) -> String {
    let target = model.target();
    match explained {
        Some(Explained::Probability(class)) if target.task == TaskKind::Binary => format!(
            "probability that {} is '{}'",
            target.name,
            target.classes.get(class).map_or("?", String::as_str)
        ),
        Some(Explained::Probability(_)) => "probability of each row's predicted class".into(),
        _ => format!("{} in its own units", target.name),
    }
}

/// Why each row is in its group, for a saved-groups folder.
fn explain_groups(
    args: &ExplainArgs,
    table: &clearbox::data::Table,
    groups: &dyn Grouping,
    device: &burn::tensor::Device,
) -> clearbox::Result<()> {
    use clearbox::templates::segmentation::membership::sentence;
    let rows = parse_rows(args.rows.as_deref(), table.rows)?;
    let names = groups.names();
    let memberships = groups.memberships(table, &rows, device)?;
    if args.json {
        let rows_json: Vec<Value> = memberships
            .iter()
            .map(|m| {
                let reasons: Map<String, Value> = m
                    .reasons
                    .iter()
                    .map(|r| (r.column.clone(), json!(r.share)))
                    .collect();
                json!({
                    "row": m.row + 1,
                    "segment": m.group + 1,
                    "segment_name": names.get(m.group),
                    "runner_up": m.runner_up + 1,
                    "reasons": reasons,
                    "sentence": sentence(m, names),
                })
            })
            .collect();
        println!(
            "{}",
            json!({ "template": "segmentation", "rows": rows_json })
        );
    } else {
        for m in &memberships {
            println!("{}", sentence(m, names));
        }
    }
    Ok(())
}
