//! `--project FILE` on the verbs that do work, and the verbs that read a
//! project: `runs`, `audit`, `rerun`, `report`, `note`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use clearbox::ClearboxError;
use clearbox::compute::{ComputeDevice, DevicePreference, select_device};
use clearbox::data::{Recipe, Table};
use clearbox::jobs::Progress;
use clearbox::project::recorded::locked;
use clearbox::project::{
    Accountable, EventKind, Project, RecordIn, RunId, RunStatus, Trail, Trained, rerun,
    train_recorded,
};
use clearbox::templates::Record;
use serde_json::{Value, json};

/// Opens the project named by `--project`, creating it when absent.
pub fn open(path: Option<&Path>) -> clearbox::Result<Option<Project>> {
    path.map(Project::open_or_create).transpose()
}

/// Trains `T` on `data`'s table (with `--recipe` replayed), saves it in
/// `dir`, and records the run in the project named by `--project`, when
/// there is one, with the table as loaded and the recipe.
pub fn train<T: Accountable>(
    project: Option<&Path>,
    data: &super::train::Data,
    request: &T::Request,
    device: &ComputeDevice,
    dir: &Path,
) -> clearbox::Result<Trained<T>> {
    let project = open(project)?.map(Mutex::new);
    let record_in = match &project {
        Some(project) => Some(RecordIn {
            source: locked(project)?.add_source(&data.original, &data.recipe)?,
            project,
            rerun_of: None,
        }),
        None => None,
    };
    train_recorded::<T>(
        record_in,
        &data.table,
        request,
        device,
        &Progress::silent(),
        &|_| {},
        Some(dir),
    )
}

/// A project a saved artefact's work is recorded in, with the data source
/// and the run that made the artefact (when the project has it).
pub struct Use {
    /// The open project.
    pub project: Project,
    /// The run whose artefact did the work.
    pub run: Option<RunId>,
    details: Value,
}

impl Use {
    /// Opens the project (when named) and records `tables` as the data the
    /// artefact in `model` works on.
    pub fn open(
        project: Option<&Path>,
        model: Option<&Path>,
        tables: &[&Table],
    ) -> clearbox::Result<Option<Self>> {
        let Some(mut project) = open(project)? else {
            return Ok(None);
        };
        let mut data = Vec::new();
        for table in tables {
            let source = project.add_source(table, &Recipe::default())?;
            data.push(json!({ "source": source, "name": table.name, "fingerprint": table.fingerprint, "rows": table.rows }));
        }
        let (run, model) = match model {
            Some(dir) => {
                let hash = Record::read(dir)?.hash();
                let run = project.run_with_artefact(&hash)?;
                (
                    run,
                    json!({ "folder": dir, "artefact_hash": hash, "run": run }),
                )
            }
            None => (None, Value::Null),
        };
        Ok(Some(Self {
            project,
            run,
            details: json!({ "model": model, "data": data }),
        }))
    }

    /// Records an event of `kind` with `more` beside the model and data.
    pub fn record(mut self, kind: EventKind, more: Value) -> clearbox::Result<()> {
        if let (Value::Object(map), Value::Object(more)) = (&mut self.details, more) {
            map.extend(more);
        }
        self.project.record(kind, self.details)
    }
}

/// Options of `clearbox runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// Print one JSON array instead of text.
    #[arg(long)]
    json: bool,
}

pub fn runs(args: &RunsArgs) -> clearbox::Result<()> {
    let project = Project::open(&args.project)?;
    let runs = project.runs()?;
    if args.json {
        println!("{}", json!(runs));
        return Ok(());
    }
    if runs.is_empty() {
        println!("'{}' has no runs yet.", project.name());
    }
    for run in &runs {
        let what = match run.status {
            RunStatus::Finished => run.headline.clone().unwrap_or_default(),
            RunStatus::Failed => format!("Failed: {}", run.problem.clone().unwrap_or_default()),
            RunStatus::Running => "Unfinished: it was interrupted, or is still running.".into(),
        };
        println!(
            "Run {} · {} · {} on '{}' ({} rows) · {} · {}",
            run.id.0,
            run.created_at,
            run.template.name(),
            run.data.name,
            run.data.rows,
            run.device,
            what
        );
    }
    Ok(())
}

/// Options of `clearbox audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

/// Checks the trail: exit 0 when intact, 3 (through [`ClearboxError::BrokenTrail`]) when not.
pub fn audit(args: &AuditArgs) -> clearbox::Result<()> {
    let project = Project::open(&args.project)?;
    let trail = project.trail().clone();
    if args.json {
        let mut value = json!(trail);
        value["intact"] = json!(matches!(trail, Trail::Intact { .. }));
        value["sentence"] = json!(trail.sentence());
        println!("{value}");
    } else if let Trail::Intact { .. } = trail {
        println!("{}", trail.sentence());
    }
    match trail {
        Trail::Intact { .. } => Ok(()),
        Trail::Broken { .. } => Err(ClearboxError::BrokenTrail {
            file: project.name(),
            sentence: trail.sentence(),
        }),
    }
}

/// Options of `clearbox rerun`.
#[derive(Debug, Args)]
pub struct RerunArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// The run to repeat (see `clearbox runs`).
    #[arg(long)]
    run: i64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

pub fn rerun_run(args: &RerunArgs, preference: DevicePreference) -> clearbox::Result<()> {
    let project = Mutex::new(Project::open(&args.project)?);
    let device = select_device(preference)?;
    let outcome = rerun(&project, RunId(args.run), &device, &Progress::silent())?;
    if args.json {
        println!("{}", json!(outcome));
    } else {
        println!("{}", outcome.sentence);
        for d in &outcome.differences {
            println!("  {}: {} then, {} now", d.metric, d.recorded, d.rerun);
        }
    }
    Ok(())
}

/// Options of `clearbox note`.
#[derive(Debug, Args)]
pub struct NoteArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// The run the note is about, if any.
    #[arg(long)]
    run: Option<i64>,
    /// What to write down.
    text: String,
}

pub fn note(args: &NoteArgs) -> clearbox::Result<()> {
    let mut project = Project::open_or_create(&args.project)?;
    let id = project.add_note(args.run.map(RunId), &args.text)?;
    println!("Note {id} kept in '{}'.", project.name());
    Ok(())
}

/// Options of `clearbox report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The project file.
    #[arg(long)]
    project: PathBuf,
    /// The run to report on (see `clearbox runs`).
    #[arg(long)]
    run: i64,
    /// Where to write the page (.html): one self-contained file.
    #[arg(long)]
    out: PathBuf,
}

pub fn report(args: &ReportArgs) -> clearbox::Result<()> {
    let mut project = Project::open(&args.project)?;
    let html = clearbox::project::report(&project, RunId(args.run), &Progress::silent())?;
    clearbox::files::write_atomically(&args.out, html.as_bytes())?;
    if !project.read_only() {
        project.record(
            EventKind::ReportWritten,
            json!({
                "run": args.run,
                "out": args.out,
                "blake3": blake3::hash(html.as_bytes()).to_hex().to_string(),
            }),
        )?;
    }
    println!(
        "Wrote the report of run {} to {}.",
        args.run,
        args.out.display()
    );
    Ok(())
}
