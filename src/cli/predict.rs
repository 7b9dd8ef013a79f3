//! `clearbox predict`: score a file with any saved artefact — a model adds
//! `prediction` and `probability_<class>` columns, saved groups add
//! `segment` and `segment_name`, a policy adds `recommended_action` and
//! `expected_reward_<action>` (and `probability_<action>` when it explores).

use std::path::PathBuf;

use clap::Args;
use clearbox::compute::{DevicePreference, select_device};
use clearbox::data::DataSource;
use clearbox::data::export::write_table;
use clearbox::data::summary::rows_in_words;
use clearbox::project::EventKind;
use clearbox::templates::{Output, open};

use super::project::Use;

/// Options of `clearbox predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model or groups folder made by `clearbox train` or the app.
    #[arg(long)]
    pub model: PathBuf,
    /// The file to score.
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the scored rows (.csv or .parquet).
    #[arg(long)]
    pub out: PathBuf,
    /// Record the scoring in this project file (created when absent).
    #[arg(long)]
    pub project: Option<PathBuf>,
}

pub fn run(args: &PredictArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let device = select_device(preference)?;
    let artefact = open(&args.model, &device.device)?;
    let table = super::load_for(artefact.as_ref(), &DataSource::File(args.data.clone()))?;
    let rows: Vec<usize> = (0..table.rows).collect();
    let output = artefact.score(&table, &rows, &device.device)?;
    for unread in artefact.unread(&table, &rows) {
        eprintln!("Note: {}", unread.sentence());
    }
    let said = match &output {
        Output::Groups { names, .. } => format!(
            "Put {} into {} groups in {}.",
            rows_in_words(table.summarised.as_ref(), table.rows),
            names.len(),
            args.out.display()
        ),
        Output::Actions { actions, .. } => format!(
            "Recommended one of {} actions for each of {} in {}.",
            actions.len(),
            rows_in_words(table.summarised.as_ref(), table.rows),
            args.out.display()
        ),
        _ => format!(
            "Scored {} into {}.",
            rows_in_words(table.summarised.as_ref(), table.rows),
            args.out.display()
        ),
    };
    write_table(&table, output.into_columns(), &args.out)?;
    if let Some(used) = Use::open(args.project.as_deref(), Some(&args.model), &[&table])? {
        used.record(
            EventKind::Scored,
            serde_json::json!({ "rows": table.rows, "out": args.out }),
        )?;
    }
    eprintln!("{said}");
    Ok(())
}
