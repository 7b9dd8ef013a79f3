//! `clearbox train --template reinforcement` and `clearbox evaluate`: the
//! reinforcement template, scripted.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use clearbox::ClearboxError;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::{DataSource, load};
use clearbox::jobs::Progress;
use clearbox::templates::open_as;
use clearbox::templates::reinforcement::evaluate::{Estimate, PolicyValue};
use clearbox::templates::reinforcement::{
    DEFAULT_EXPLORATION, PolicyEvaluation, Reinforcement, ReinforcementRequest, Roles, guess_roles,
};
use serde_json::{Value, json};

use super::train::TrainArgs;

pub fn train(args: &TrainArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let started = Instant::now();
    let data = args.data("Name the log of decisions to learn from with --data.")?;
    let table = &data.table;
    let (action, reward, _, _) = guess_roles(table);
    let named = |given: &Option<String>, guess: Option<String>, what: &str| {
        given.clone().or(guess).ok_or_else(|| {
            ClearboxError::BadRequest(format!(
                "Name the column that holds {what} with --{}: none of the columns of '{}' looks \
                 like it. Its columns are: {}.",
                what.split_whitespace().last().unwrap_or("action"),
                table.name,
                table.column_list()
            ))
        })
    };
    let roles = Roles {
        action: named(&args.action, action, "the action")?,
        reward: named(&args.reward, reward, "the reward")?,
        // Chances and time are only ever used when named: a guess could mislead.
        propensity: args.propensity.clone(),
        time: args.time_column.clone(),
    };
    let (exclude, include) = if args.context.is_empty() {
        (args.exclude.clone(), args.include.clone())
    } else {
        // Only the named context: every other column is left out by the user.
        let others = table
            .columns
            .iter()
            .map(|c| c.name.clone())
            .filter(|c| !args.context.contains(c))
            .collect();
        (others, args.context.clone())
    };
    let request = ReinforcementRequest {
        roles,
        exclude,
        include,
        exploration: args.exploration.unwrap_or(DEFAULT_EXPLORATION),
        seed: args.seed,
    };
    let device = select_device(preference)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| super::default_model_dir(&table.name, "policy"));
    let trained = super::project::train::<Reinforcement>(
        args.project.as_deref(),
        &data,
        &request,
        &device,
        &dir,
    )?;
    let outcome = trained.outcome;
    let card = &outcome.card;
    if args.json {
        let mut value = evaluation_json(&card.evaluation);
        value["actions"] = json!(card.actions);
        value["propensity"] = json!(card.chances.key());
        value["roles"] = json!({
            "action": card.roles.action,
            "reward": card.roles.reward,
            "propensity": card.roles.propensity,
            "time": card.roles.time,
        });
        value["context"] = json!(card.inputs);
        value["left_out"] = json!(
            outcome
                .inputs
                .iter()
                .filter(|c| !c.is_used())
                .collect::<Vec<_>>()
        );
        value["reward_model"] = json!(card.parts.chosen);
        value["exploration"] = json!(card.exploration);
        value["split"] = json!(card.split_sentence);
        value["findings"] = json!(card.findings);
        value["usage"] = json!(outcome
            .usage
            .iter()
            .map(|u| json!({ "action": u.action, "share": u.share, "rows": u.rows, "traits": u.traits }))
            .collect::<Vec<_>>());
        value["device"] = json!(outcome.provenance.device);
        value["model_dir"] = json!(dir);
        value["run"] = json!(trained.run);
        value["seconds"] = json!(started.elapsed().as_secs_f64());
        println!("{value}");
    } else {
        println!("{}", device.announcement);
        let earn = match (&card.kind, &card.good) {
            (clearbox::templates::reinforcement::RewardKind::YesNo, Some(good)) => {
                format!("'{}' = {good} as often as possible", card.roles.reward)
            }
            _ => format!("as much '{}' as possible", card.roles.reward),
        };
        println!(
            "Learning which of {} actions ('{}') to take to earn {earn}.",
            card.actions.len(),
            card.roles.action,
        );
        println!("{}", card.split_sentence);
        println!("{}", card.reward_model_sentence());
        for finding in &card.findings {
            println!("{}: {}", finding.severity.word(), finding.sentence);
        }
        print_evaluation(&card.evaluation);
        println!(
            "Saved to {} ({:.1} s). Recommend actions for new rows with: clearbox predict --model {} --data FILE --out FILE",
            dir.display(),
            started.elapsed().as_secs_f64(),
            dir.display()
        );
    }
    Ok(())
}

/// Options of `clearbox evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A policy folder made by `clearbox train --template reinforcement`.
    #[arg(long)]
    model: PathBuf,
    /// A log of decisions (with the policy's action and reward columns) to judge it on.
    #[arg(long)]
    data: PathBuf,
    /// Seed for the bootstrap and the judging reward model.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Record the evaluation in this project file (created when absent).
    #[arg(long)]
    project: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn evaluate(args: &EvaluateArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let device = select_device(preference)?;
    let policy = open_as::<Reinforcement>(&args.model, &device.device)?;
    let table = load(&DataSource::File(args.data.clone()), &Progress::silent())?;
    let evaluation = policy.evaluate(&table, args.seed, &device.device, &Progress::silent())?;
    if let Some(used) =
        super::project::Use::open(args.project.as_deref(), Some(&args.model), &[&table])?
    {
        used.record(
            clearbox::project::EventKind::Evaluated,
            json!({ "seed": args.seed, "evaluation": evaluation_json(&evaluation) }),
        )?;
    }
    if args.json {
        let mut value = evaluation_json(&evaluation);
        value["actions"] = json!(policy.card.actions);
        value["propensity"] = json!(if policy
            .card
            .roles
            .propensity
            .as_ref()
            .is_some_and(|p| table.column(p).is_some())
        {
            "given"
        } else {
            "estimated"
        });
        println!("{value}");
    } else {
        print_evaluation(&evaluation);
    }
    Ok(())
}

fn estimate_json(e: &Estimate) -> Value {
    json!({ "estimate": e.estimate, "low": e.low, "high": e.high })
}

fn value_json(v: &PolicyValue) -> Value {
    let mut value = estimate_json(&v.doubly_robust);
    value["self_normalised"] = estimate_json(&v.self_normalised);
    value
}

/// The keys the issue names: `policy_value`, `diagnostics`, `comparison`.
fn evaluation_json(e: &PolicyEvaluation) -> Value {
    let mut best = value_json(&e.best_single);
    best["action"] = json!(e.best_single_action);
    json!({
        "policy_value": {
            "learned": value_json(&e.learned),
            "logged": estimate_json(&e.logged),
            "random": value_json(&e.random),
            "best_single_action": best,
        },
        "diagnostics": {
            "effective_sample_size": e.diagnostics.effective_sample_size,
            "match_rate": e.diagnostics.match_rate,
            "mean_weight": e.diagnostics.mean_weight,
            "max_weight": e.diagnostics.max_weight,
        },
        "comparison": e.comparison,
        "decisions": e.decisions,
        "successes": e.successes,
        "headline": e.headline,
        "verdict": e.verdict,
        "notes": e.notes,
    })
}

fn print_evaluation(e: &PolicyEvaluation) {
    println!("{}", e.headline);
    println!("Verdict: {}", e.verdict);
    for note in &e.notes {
        println!("  - {note}");
    }
}

/// Options of `clearbox simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Decisions in the log.
    #[arg(long, default_value_t = 20_000)]
    rows: usize,
    /// How the shop's old system chose offers: uniform, targeted, nearly-fixed or wrong-chances.
    #[arg(long, default_value = "targeted", value_parser = parse_old_policy)]
    old_policy: clearbox::templates::reinforcement::simulator::OldPolicy,
    /// Seed for the customers and their decisions.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the log (.csv or .parquet).
    #[arg(long)]
    out: PathBuf,
    /// Also write each row's true chance of taking each offer here (never part of the log).
    #[arg(long)]
    truth: Option<PathBuf>,
}

fn parse_old_policy(
    text: &str,
) -> Result<clearbox::templates::reinforcement::simulator::OldPolicy, String> {
    use clearbox::templates::reinforcement::simulator::OldPolicy;
    match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "uniform" => Ok(OldPolicy::Uniform),
        "targeted" => Ok(OldPolicy::Targeted),
        "nearly-fixed" => Ok(OldPolicy::NearlyFixed),
        "wrong-chances" => Ok(OldPolicy::WrongChances),
        other => Err(format!(
            "'{other}' is not an old policy; use uniform, targeted, nearly-fixed or wrong-chances."
        )),
    }
}

/// Writes a log of the workshop simulator's made-up shop.
pub fn simulate(args: &SimulateArgs) -> clearbox::Result<()> {
    use clearbox::data::export::{ExtraColumn, write_table};
    use clearbox::templates::reinforcement::simulator::{OFFERS, simulate};
    let (table, truth) = simulate(args.rows, args.old_policy, args.seed);
    write_table(&table, Vec::new(), &args.out)?;
    if let Some(path) = &args.truth {
        let k = OFFERS.len();
        let columns = OFFERS
            .iter()
            .enumerate()
            .map(|(a, offer)| {
                ExtraColumn::Numbers(
                    format!("true_chance_{offer}"),
                    truth.chances.iter().skip(a).step_by(k).copied().collect(),
                )
            })
            .collect();
        // The truth alone: no column of the log beside it.
        let empty = clearbox::data::Table {
            columns: Vec::new(),
            ..table.clone()
        };
        write_table(&empty, columns, path)?;
    }
    eprintln!(
        "Wrote {} decisions of the simulated shop ({}) to {}.",
        table.rows,
        args.old_policy.describe(),
        args.out.display()
    );
    Ok(())
}
